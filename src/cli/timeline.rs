//! `kehu log`, `kehu interaction …`, `kehu purchase …` and `kehu history`.

use anyhow::Result;
use serde_json::json;

use super::Env;
use super::args::{InteractionCmd, LogArgs, PurchaseCmd};
use super::output::Table;
use super::views;
use crate::domain::input::{self, money_text};
use crate::domain::{InteractionFields, Priority, PurchaseFields, TodoFields, time};
use crate::store;

pub fn log(env: &mut Env, a: LogArgs) -> Result<()> {
    let clock = env.ctx.clock;
    let at = match &a.at {
        Some(w) => time::parse_instant("at", w, &clock)?,
        None => clock.now,
    };
    let fields = InteractionFields {
        at: time::format_timestamp(at),
        kind: a.kind.parse()?,
        summary: input::required_line("summary", &a.summary)?,
        details: a
            .details
            .as_deref()
            .map(|d| input::optional_text("details", d))
            .transpose()?
            .flatten(),
    };
    let next = match &a.next {
        Some(title) => Some(TodoFields {
            customer_id: Some(a.id),
            title: input::required_line("next", title)?,
            due: a
                .due
                .as_deref()
                .map(|d| time::parse_date("due", d, clock.today()))
                .transpose()?,
            due_time: None,
            priority: Priority::Normal,
            assignee: Some(env.ctx.user.clone()),
            recurrence: None,
        }),
        None => None,
    };
    let ctx = env.ctx.clone();
    // One transaction: the interaction and its follow-up are saved together or not at all.
    let (entry, todo) = env.store.write(|c| {
        let entry = store::interactions::add(c, &ctx, a.id, &fields)?;
        let todo = next
            .as_ref()
            .map(|t| store::todos::add(c, &ctx, t))
            .transpose()?;
        Ok((entry, todo))
    })?;
    env.out.line(&crate::i18n::tf(
        "out.logged",
        &[
            (
                "kind",
                &crate::i18n::word("interaction", fields.kind.as_str()),
            ),
            ("entry", &entry),
            ("id", &a.id),
        ],
    ))?;
    if let (Some(t), Some(next)) = (todo, &next) {
        let due = next.due.map_or(
            crate::i18n::t("out.no_date").into(),
            crate::domain::format::date,
        );
        env.out.line(&crate::i18n::tf(
            "out.scheduled",
            &[("id", &t), ("title", &next.title), ("due", &due)],
        ))?;
    }
    Ok(())
}

pub fn interaction(env: &mut Env, cmd: InteractionCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    match cmd {
        InteractionCmd::Edit {
            entry,
            kind,
            summary,
            details,
            at,
            if_version,
        } => {
            let current = env.store.read(|c| store::interactions::get(c, entry))?;
            let mut f = InteractionFields {
                at: current.at.clone(),
                kind: current.kind,
                summary: current.summary.clone(),
                details: current.details.clone(),
            };
            if let Some(k) = kind {
                f.kind = k.parse()?;
            }
            if let Some(s) = summary {
                f.summary = input::required_line("summary", &s)?;
            }
            if let Some(d) = details {
                f.details = input::optional_text("details", &d)?;
            }
            if let Some(w) = at {
                f.at = time::format_timestamp(time::parse_instant("at", &w, &ctx.clock)?);
            }
            let changed = env.store.write(|c| {
                let version = if_version.unwrap_or(current.audit.version);
                store::interactions::update(c, &ctx, entry, version, &f)
            })?;
            env.out.line(&crate::i18n::tf(
                if changed {
                    "out.updated_interaction"
                } else {
                    "out.interaction_unchanged"
                },
                &[("entry", &entry)],
            ))?;
        }
        InteractionCmd::Delete { entry } => {
            let current = env.store.read(|c| store::interactions::get(c, entry))?;
            env.store
                .write(|c| store::interactions::delete(c, &ctx, entry, current.audit.version))?;
            env.out.line(&crate::i18n::tf(
                "out.deleted_interaction",
                &[("entry", &entry)],
            ))?;
        }
        InteractionCmd::List { id, limit, json } => {
            let entries = env.store.read(|c| {
                store::customers::get(c, id)?;
                store::interactions::timeline(c, id, None, limit)
            })?;
            if json {
                return Ok(env.out.json(&views::list(&entries, views::interaction))?);
            }
            let mut table = Table::new(&[
                ("ID", 8),
                ("WHEN", 16),
                ("KIND", 7),
                ("SUMMARY", 60),
                ("BY", 12),
            ]);
            for i in &entries {
                table.row(vec![
                    i.id.to_string(),
                    ctx.clock.local_display(&i.at),
                    crate::i18n::word("interaction", i.kind.as_str()),
                    if i.win_back {
                        format!("↺ {}", i.summary)
                    } else {
                        i.summary.clone()
                    },
                    i.audit.created_by.clone(),
                ]);
            }
            if table.is_empty() {
                env.out.line(&crate::i18n::tf(
                    "out.customer_has_no_interactions_yet",
                    &[("id", &id)],
                ))?;
            } else {
                table.print(&mut env.out)?;
            }
        }
    }
    Ok(())
}

pub fn purchase(env: &mut Env, cmd: PurchaseCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    let today = ctx.clock.today();
    match cmd {
        PurchaseCmd::Add {
            id,
            amount,
            product,
            date,
            note,
            coupon,
        } => {
            let f = PurchaseFields {
                on_date: date
                    .as_deref()
                    .map(|d| time::parse_date("date", d, today))
                    .transpose()?
                    .unwrap_or(today),
                product: product
                    .as_deref()
                    .map(|p| input::optional_line("product", p))
                    .transpose()?
                    .flatten(),
                amount: input::money("amount", &amount)?,
                note: note
                    .as_deref()
                    .map(|n| input::optional_text("note", n))
                    .transpose()?
                    .flatten(),
            };
            let (pid, redeemed) = env.store.write(|c| {
                let pid = store::purchases::add(c, &ctx, id, &f)?;
                // The coupon is part of the purchase: a bad one records neither.
                let redeemed = match &coupon {
                    Some(code) => Some(store::coupons::redeem_coupon(c, &ctx, code, pid)?),
                    None => None,
                };
                Ok((pid, redeemed))
            })?;
            env.out.line(&crate::i18n::tf(
                "out.recorded_purchase",
                &[
                    ("pid", &pid),
                    ("amount", &money_text(f.amount)),
                    ("id", &id),
                ],
            ))?;
            if let Some(k) = redeemed {
                env.out.line(&crate::i18n::tf(
                    "out.coupon_redeemed",
                    &[
                        ("code", &k.code),
                        ("purchase", &pid),
                        ("discount", &money_text(k.discount.unwrap_or(0))),
                    ],
                ))?;
            }
        }
        PurchaseCmd::Edit {
            entry,
            amount,
            product,
            date,
            note,
            if_version,
        } => {
            let current = env.store.read(|c| store::purchases::get(c, entry))?;
            let mut f = PurchaseFields {
                on_date: current.on_date,
                product: current.product.clone(),
                amount: current.amount,
                note: current.note.clone(),
            };
            if let Some(a) = amount {
                f.amount = input::money("amount", &a)?;
            }
            if let Some(p) = product {
                f.product = input::optional_line("product", &p)?;
            }
            if let Some(d) = date {
                f.on_date = time::parse_date("date", &d, today)?;
            }
            if let Some(n) = note {
                f.note = input::optional_text("note", &n)?;
            }
            let changed = env.store.write(|c| {
                let version = if_version.unwrap_or(current.audit.version);
                store::purchases::update(c, &ctx, entry, version, &f)
            })?;
            env.out.line(&crate::i18n::tf(
                if changed {
                    "out.updated_purchase"
                } else {
                    "out.purchase_unchanged"
                },
                &[("entry", &entry)],
            ))?;
        }
        PurchaseCmd::Delete { entry } => {
            let current = env.store.read(|c| store::purchases::get(c, entry))?;
            env.store
                .write(|c| store::purchases::delete(c, &ctx, entry, current.audit.version))?;
            env.out.line(&crate::i18n::tf(
                "out.deleted_purchase",
                &[("entry", &entry)],
            ))?;
        }
        PurchaseCmd::List { id, json } => {
            let found = env.store.read(|c| {
                store::customers::get(c, id)?;
                store::purchases::for_customer(c, id, usize::MAX >> 1)
            })?;
            if json {
                return Ok(env.out.json(&views::list(&found, views::purchase))?);
            }
            let mut table = Table::new(&[
                ("ID", 8),
                ("DATE", 10),
                ("AMOUNT", 14),
                ("PRODUCT", 40),
                ("NOTE", 40),
            ]);
            for p in &found {
                table.row(vec![
                    p.id.to_string(),
                    p.on_date.to_string(),
                    money_text(p.amount),
                    p.product.clone().unwrap_or_default(),
                    p.note.clone().unwrap_or_default(),
                ]);
            }
            if table.is_empty() {
                env.out.line(&crate::i18n::tf(
                    "out.customer_has_no_purchases_yet",
                    &[("id", &id)],
                ))?;
            } else {
                table.print(&mut env.out)?;
            }
        }
    }
    Ok(())
}

pub fn history(env: &mut Env, id: i64, json: bool) -> Result<()> {
    let entries = env.store.read(|c| {
        store::customers::get(c, id)?;
        store::history::for_customer(c, id, usize::MAX >> 1)
    })?;
    if json {
        let rows: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({
                    "id": e.id, "change": e.change_id, "at": e.at, "by": e.by, "table": e.table, "row_id": e.row_id,
                    "action": e.action, "before": e.before, "after": e.after,
                })
            })
            .collect();
        return Ok(env.out.json(&rows)?);
    }
    let clock = env.ctx.clock;
    for e in &entries {
        env.out.line(&format!(
            "{}  {:<10} {} {} {}  {}",
            clock.local_display(&e.at),
            e.by,
            crate::i18n::word("action", &e.action),
            crate::i18n::word("table", &e.table),
            e.row_id,
            e.describe()
        ))?;
    }
    Ok(())
}
