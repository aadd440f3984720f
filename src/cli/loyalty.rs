//! `kehu points …` and `kehu coupon …`: the loyalty programme.

use anyhow::Result;
use serde_json::{Value, json};

use super::Env;
use super::args::{CouponCmd, PointsCmd};
use super::output::Table;
use crate::domain::format::money;
use crate::domain::input::{self, money_text};
use crate::domain::loyalty::{CouponValue, LevelBy};
use crate::domain::time;
use crate::i18n::{t, tf};
use crate::store::{self, coupons::Coupon, loyalty::Standing};

fn coupon_json(c: &Coupon, today: chrono::NaiveDate) -> Value {
    let (amount, percent) = match c.value {
        CouponValue::Amount(a) => (Some(money_text(a)), None),
        CouponValue::Percent(p) => (None, Some(p)),
    };
    json!({
        "id": c.id,
        "code": c.code,
        "customer_id": c.customer_id,
        "value": amount,
        "percent": percent,
        "valid_from": c.valid_from.to_string(),
        "valid_until": c.valid_until.map(|d| d.to_string()),
        "note": c.note,
        "open": c.open_on(today),
        "purchase_id": c.purchase_id,
        "redeemed_on": c.redeemed_on.map(|d| d.to_string()),
        "discount": c.discount.map(money_text),
        "version": c.audit.version,
    })
}

/// "¥50.00 off" or "10% off".
pub fn coupon_worth(value: CouponValue, currency: &str) -> String {
    match value {
        CouponValue::Amount(a) => tf("coupon.amount_off", &[("amount", &money(a, currency))]),
        CouponValue::Percent(p) => tf("coupon.percent_off", &[("n", &p)]),
    }
}

fn standing_json(id: i64, s: &Standing, today: chrono::NaiveDate) -> Value {
    json!({
        "customer_id": id,
        "balance": s.balance,
        "earned": s.earned,
        "redeemed": s.redeemed,
        "level_by": match s.by { LevelBy::Points => "points", LevelBy::Spend => "spend" },
        "measure": s.measure,
        "level": s.level,
        "next_level": s.next.as_ref().map(|(l, missing)| json!({"name": l.name, "threshold": l.threshold, "missing": missing})),
        "expiring": s.expiring,
        "entries": s.entries.iter().map(|e| json!({
            "id": e.id, "date": e.on_date.to_string(), "points": e.points, "kind": e.kind,
            "reason": e.reason, "why": e.why(), "purchase_id": e.purchase_id, "survey_id": e.survey_id,
            "referred_id": e.referred_id,
        })).collect::<Vec<_>>(),
        "coupons": s.coupons.iter().map(|c| coupon_json(c, today)).collect::<Vec<_>>(),
    })
}

pub fn points(env: &mut Env, cmd: PointsCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    let today = ctx.clock.today();
    match cmd {
        PointsCmd::Show { id, json } => {
            let (name, s, currency) = env.store.read(|c| {
                Ok((
                    store::customers::get(c, id)?.fields.name,
                    store::loyalty::standing_of(c, id, today, 50)?,
                    store::settings::get(c, "currency")?,
                ))
            })?;
            if json {
                return Ok(env.out.json(&standing_json(id, &s, today))?);
            }
            let level = s
                .level
                .as_ref()
                .map_or_else(|| t("points.no_level").to_string(), |l| l.name.clone());
            let measure = match s.by {
                LevelBy::Points => tf("points.by_points", &[("n", &s.measure)]),
                LevelBy::Spend => tf(
                    "points.by_spend",
                    &[("amount", &money(s.measure * 100, &currency))],
                ),
            };
            env.out.line(&tf(
                "points.headline",
                &[
                    ("name", &name),
                    ("id", &id),
                    ("balance", &s.balance),
                    ("level", &level),
                    ("measure", &measure),
                ],
            ))?;
            if let Some(l) = &s.level
                && !l.benefits.is_empty()
            {
                env.out
                    .line(&tf("points.benefits", &[("list", &l.benefits.join(", "))]))?;
            }
            if let Some((l, missing)) = &s.next {
                // Points to earn, or money to spend.
                let missing = match s.by {
                    LevelBy::Points => missing.to_string(),
                    LevelBy::Spend => money(missing * 100, &currency),
                };
                env.out
                    .line(&tf("points.next", &[("level", &l.name), ("n", &missing)]))?;
            }
            if s.expiring > 0 {
                env.out
                    .line(&tf("points.expiring", &[("n", &s.expiring)]))?;
            }
            if s.entries.is_empty() {
                env.out.line(t("points.no_entries"))?;
            } else {
                let mut table =
                    Table::new(&[("DATE", 10), ("POINTS", 9), ("KIND", 8), ("REASON", 50)]);
                for e in &s.entries {
                    table.row(vec![
                        e.on_date.to_string(),
                        format!("{:+}", e.points),
                        crate::i18n::word("points_kind", &e.kind).to_string(),
                        e.why(),
                    ]);
                }
                table.print(&mut env.out)?;
            }
            print_coupons(env, &s.coupons, &currency, today)?;
        }
        PointsCmd::Redeem { id, points, reason } => {
            let reason = input::required_line("reason", &reason)?;
            let balance = env.store.write(|c| {
                store::loyalty::redeem(c, &ctx, id, points, &reason)?;
                store::loyalty::balance(c, id)
            })?;
            env.out.line(&tf(
                "out.points_redeemed",
                &[("n", &points), ("id", &id), ("balance", &balance)],
            ))?;
        }
        PointsCmd::Adjust { id, points, reason } => {
            let reason = input::required_line("reason", &reason)?;
            let balance = env.store.write(|c| {
                store::loyalty::adjust(c, &ctx, id, points, &reason)?;
                store::loyalty::balance(c, id)
            })?;
            env.out.line(&tf(
                "out.points_adjusted",
                &[
                    ("n", &format!("{points:+}")),
                    ("id", &id),
                    ("balance", &balance),
                ],
            ))?;
        }
        PointsCmd::Referral { id, referred, note } => {
            let note = note
                .as_deref()
                .map(|n| input::optional_line("note", n))
                .transpose()?
                .flatten();
            let (bonus, balance) = env.store.write(|c| {
                let e = store::loyalty::referral(c, &ctx, id, referred, note.as_deref())?;
                let bonus: i64 =
                    c.query_row("SELECT points FROM points_entry WHERE id = ?1", [e], |r| {
                        r.get(0)
                    })?;
                Ok((bonus, store::loyalty::balance(c, id)?))
            })?;
            env.out.line(&tf(
                "out.points_referral",
                &[
                    ("n", &bonus),
                    ("id", &id),
                    ("other", &referred),
                    ("balance", &balance),
                ],
            ))?;
        }
    }
    Ok(())
}

fn print_coupons(
    env: &mut Env,
    list: &[Coupon],
    currency: &str,
    today: chrono::NaiveDate,
) -> Result<()> {
    if list.is_empty() {
        env.out.line(t("coupon.none"))?;
        return Ok(());
    }
    let mut table = Table::new(&[
        ("CODE", 24),
        ("CUSTOMER", 8),
        ("VALUE", 14),
        ("FROM", 10),
        ("UNTIL", 10),
        ("STATUS", 60),
    ]);
    for c in list {
        let status = match (c.purchase_id, c.redeemed_on) {
            (Some(p), Some(d)) => tf(
                "coupon.redeemed",
                &[
                    ("purchase", &p),
                    ("date", &d),
                    ("discount", &money(c.discount.unwrap_or(0), currency)),
                ],
            ),
            _ if c.open_on(today) => t("coupon.open").to_string(),
            _ if c.valid_from > today => t("coupon.not_yet").to_string(),
            _ => t("coupon.expired").to_string(),
        };
        table.row(vec![
            c.code.clone(),
            c.customer_id.to_string(),
            coupon_worth(c.value, currency),
            c.valid_from.to_string(),
            c.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            status,
        ]);
    }
    table.print(&mut env.out)?;
    Ok(())
}

pub fn coupons(env: &mut Env, cmd: CouponCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    let today = ctx.clock.today();
    match cmd {
        CouponCmd::Issue {
            customer,
            tier,
            stage,
            tag,
            owner,
            level,
            value,
            percent,
            code,
            from,
            until,
            note,
            json,
        } => {
            let worth = match (&value, &percent) {
                (Some(v), None) => CouponValue::Amount(input::money("value", v)?),
                (None, Some(p)) => CouponValue::Percent(
                    p.trim()
                        .trim_end_matches(['%', '％'])
                        .trim()
                        .parse()
                        .map_err(|_| {
                            crate::domain::InputError::new(
                                "percent",
                                tf("err.coupon_percent_text", &[("text", &p.trim())]),
                            )
                        })?,
                ),
                _ => {
                    return Err(crate::domain::InputError::new(
                        "value",
                        t("err.coupon_value_or_percent"),
                    )
                    .into());
                }
            };
            let date = |field: &str, v: &str| time::parse_date(field, v, today);
            let spec = store::coupons::CouponSpec {
                code,
                value: worth,
                valid_from: from
                    .as_deref()
                    .map(|d| date("from", d))
                    .transpose()?
                    .unwrap_or(today),
                valid_until: until.as_deref().map(|d| date("until", d)).transpose()?,
                note: note
                    .as_deref()
                    .map(|n| input::optional_line("note", n))
                    .transpose()?
                    .flatten(),
            };
            let segment = tier.is_some() || stage.is_some() || tag.is_some() || owner.is_some();
            if customer.is_some() == (segment || level.is_some()) {
                return Err(crate::domain::InputError::new("customer", t("err.coupon_who")).into());
            }
            let filter = store::customers::Filter {
                tier: tier.as_deref().map(str::parse).transpose()?,
                stage: stage.as_deref().map(str::parse).transpose()?,
                tag,
                owner,
                ..Default::default()
            };
            let codes = env.store.write(|c| {
                let mut ids: Vec<i64> = match customer {
                    Some(id) => vec![id],
                    None if segment => store::customers::list(c, &filter)?
                        .iter()
                        .map(|x| x.id)
                        .collect(),
                    None => store::loyalty::members_at(c, level.as_deref().unwrap_or_default())?,
                };
                if let (Some(l), true) = (&level, customer.is_none() && segment) {
                    let members = store::loyalty::members_at(c, l)?;
                    ids.retain(|id| members.contains(id));
                }
                store::coupons::issue(c, &ctx, &ids, &spec, customer.is_none())
            })?;
            if json {
                return Ok(env.out.json(&codes)?);
            }
            let said = match codes.as_slice() {
                [one] => tf("out.coupon_issued", &[("code", one)]),
                [first, .., last] => tf(
                    "out.coupons_issued",
                    &[("n", &codes.len()), ("first", first), ("last", last)],
                ),
                [] => String::new(),
            };
            env.out.line(&said)?;
        }
        CouponCmd::Redeem { code, purchase } => {
            let (c, currency) = env.store.write(|c| {
                Ok((
                    store::coupons::redeem_coupon(c, &ctx, &code, purchase)?,
                    store::settings::get(c, "currency")?,
                ))
            })?;
            env.out.line(&tf(
                "out.coupon_redeemed",
                &[
                    ("code", &c.code),
                    ("purchase", &purchase),
                    ("discount", &money(c.discount.unwrap_or(0), &currency)),
                ],
            ))?;
        }
        CouponCmd::List {
            customer,
            open,
            json,
        } => {
            let (list, currency) = env.store.read(|c| {
                if let Some(id) = customer {
                    store::customers::ensure_exists(c, id)?;
                }
                Ok((
                    store::coupons::coupons(c, customer, open)?,
                    store::settings::get(c, "currency")?,
                ))
            })?;
            let list: Vec<Coupon> = if open {
                list.into_iter().filter(|c| c.open_on(today)).collect()
            } else {
                list
            };
            if json {
                let out: Vec<_> = list.iter().map(|c| coupon_json(c, today)).collect();
                return Ok(env.out.json(&out)?);
            }
            print_coupons(env, &list, &currency, today)?;
        }
    }
    Ok(())
}
