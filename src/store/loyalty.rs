//! The loyalty programme (积分、会员等级): each customer's points ledger and their member level
//! with its benefits (coupons are in `coupons.rs`), and the report's figures for both. A
//! purchase's points are one ledger entry kept in step with the purchase; everything else is an
//! entry of its own, so the balance is always the ledger's sum.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};
use chrono::{Months, NaiveDate};
use rusqlite::params;

use super::Ctx;
use super::customers::{self, parsed};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::loyalty::{EarnRules, Level, LevelBy, parse_levels, standing};
use crate::domain::{Audit, InputError, Tier};
use crate::i18n::tf;

const ENTRY_COLS: &str =
    "id, customer_id, on_date, points, kind, reason, purchase_id, survey_id, referred_id";

/// One line of a customer's points ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsEntry {
    pub id: i64,
    pub customer_id: i64,
    pub on_date: NaiveDate,
    /// Positive when earned, negative when redeemed or expired.
    pub points: i64,
    /// earn (a purchase), bonus (a survey or a referral), redeem, adjust or expire.
    pub kind: String,
    pub reason: Option<String>,
    pub purchase_id: Option<i64>,
    pub survey_id: Option<i64>,
    pub referred_id: Option<i64>,
    pub audit: Audit,
}

impl PointsEntry {
    /// Why, in the interface language: the purchase's product, the survey, the customer
    /// referred, the expiry's cut-off, or the reason typed.
    pub fn why(&self) -> String {
        let reason = self.reason.clone().unwrap_or_default();
        if let Some(s) = self.survey_id {
            return tf("points.reason_survey", &[("id", &s)]);
        }
        if self.referred_id.is_some() || (self.kind == "bonus" && !reason.is_empty()) {
            return tf("points.reason_referral", &[("who", &reason)]);
        }
        match self.kind.as_str() {
            "expire" => tf("points.expired_reason", &[("date", &reason)]),
            "earn" => {
                let p = self
                    .purchase_id
                    .map(|p| format!("#{p}"))
                    .unwrap_or_default();
                [p, reason].join(" ").trim().to_string()
            }
            _ => reason,
        }
    }
}

fn entry_from_row(row: &Row<'_>) -> crate::store::db::RowResult<PointsEntry> {
    Ok(PointsEntry {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        on_date: parsed(row, 2)?,
        points: row.get(3)?,
        kind: row.get(4)?,
        reason: row.get(5)?,
        purchase_id: row.get(6)?,
        survey_id: row.get(7)?,
        referred_id: row.get(8)?,
        audit: rows::audit(row, 9)?,
    })
}

// ---- rules from the settings ---------------------------------------------------------------

fn number(conn: &Connection, key: &str, default: f64) -> Result<f64> {
    Ok(super::settings::get(conn, key)?.parse().unwrap_or(default))
}

pub fn earn_rules(conn: &Connection) -> Result<EarnRules> {
    Ok(EarnRules {
        per_unit: number(conn, "points.per_unit", 1.0)?,
        multiplier: [
            number(conn, "points.multiplier.vip", 2.0)?,
            number(conn, "points.multiplier.regular", 1.0)?,
            number(conn, "points.multiplier.potential", 1.0)?,
        ],
        survey_bonus: number(conn, "points.bonus.survey", 50.0)? as i64,
        referral_bonus: number(conn, "points.bonus.referral", 200.0)? as i64,
        expire_months: super::settings::get(conn, "points.expire_months")?
            .parse()
            .ok(),
    })
}

pub fn levels(conn: &Connection) -> Result<(Vec<Level>, LevelBy)> {
    let levels = parse_levels(&super::settings::get(conn, "loyalty.levels")?).unwrap_or_default();
    let by = match super::settings::get(conn, "loyalty.level_by")?.as_str() {
        "spend" => LevelBy::Spend,
        _ => LevelBy::Points,
    };
    Ok((levels, by))
}

// ---- the ledger ----------------------------------------------------------------------------

/// A ledger line to write: whose, when, how many points of which kind and why, and what it
/// comes from (a purchase, a survey, the customer referred).
struct NewEntry<'a> {
    customer: i64,
    on_date: NaiveDate,
    points: i64,
    kind: &'a str,
    reason: Option<&'a str>,
    purchase: Option<i64>,
    survey: Option<i64>,
    referred: Option<i64>,
}

impl<'a> NewEntry<'a> {
    fn new(
        customer: i64,
        on_date: NaiveDate,
        points: i64,
        kind: &'a str,
        reason: Option<&'a str>,
    ) -> Self {
        NewEntry {
            customer,
            on_date,
            points,
            kind,
            reason,
            purchase: None,
            survey: None,
            referred: None,
        }
    }
}

fn insert_entry(conn: &Connection, ctx: &Ctx, e: NewEntry<'_>) -> Result<i64> {
    let mut cols = vec![
        ("customer_id", Value::Integer(e.customer)),
        ("on_date", Value::Text(e.on_date.to_string())),
        ("points", Value::Integer(e.points)),
        ("kind", Value::Text(e.kind.into())),
        ("reason", text(e.reason)),
    ];
    for (col, v) in [
        ("purchase_id", e.purchase),
        ("survey_id", e.survey),
        ("referred_id", e.referred),
    ] {
        if let Some(v) = v {
            cols.push((col, Value::Integer(v)));
        }
    }
    rows::insert(conn, ctx, "points_entry", &cols, Some(e.customer))
}

fn entry_where(conn: &Connection, sql_where: &str, id: i64) -> Result<Option<PointsEntry>> {
    rows::query_one(
        conn,
        &format!("SELECT {ENTRY_COLS}, {AUDIT_COLS} FROM points_entry WHERE {sql_where} = ?1"),
        [id],
        entry_from_row,
    )
    .optional()
}

/// Keeps a purchase's points in step with it (after it was added or edited): the team's rate
/// times the customer's tier multiplier; a refund's points are negative.
pub fn purchase_changed(conn: &Connection, ctx: &Ctx, purchase: i64) -> Result<()> {
    let p = super::purchases::get(conn, purchase)?;
    super::coupons::purchase_changed(conn, ctx, &p)?;
    let tier: Tier = customers::get(conn, p.customer_id)?.fields.tier;
    let points = earn_rules(conn)?.for_purchase(p.amount, tier);
    let reason = p.product.clone();
    match entry_where(conn, "purchase_id", purchase)? {
        None if points == 0 => Ok(()),
        None => insert_entry(
            conn,
            ctx,
            NewEntry {
                purchase: Some(purchase),
                ..NewEntry::new(p.customer_id, p.on_date, points, "earn", reason.as_deref())
            },
        )
        .map(|_| ()),
        Some(e) if e.points == points && e.on_date == p.on_date => Ok(()),
        Some(e) => rows::update(
            conn,
            ctx,
            "points",
            "points_entry",
            e.id,
            e.audit.version,
            &[
                ("points", Value::Integer(points)),
                ("on_date", Value::Text(p.on_date.to_string())),
                ("reason", text(reason.as_deref())),
            ],
            Some(p.customer_id),
        )
        .map(|_| ()),
    }
}

/// Before a purchase is removed: its points go (logged), and a coupon redeemed against it is
/// open again.
pub fn purchase_removed(conn: &Connection, ctx: &Ctx, purchase: i64) -> Result<()> {
    if let Some(e) = entry_where(conn, "purchase_id", purchase)? {
        rows::delete(
            conn,
            ctx,
            "points",
            "points_entry",
            e.id,
            e.audit.version,
            Some(e.customer_id),
        )?;
    }
    super::coupons::purchase_removed(conn, ctx, purchase)
}

/// A survey answered earns the team's survey bonus.
pub fn survey_added(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    survey: i64,
    on_date: NaiveDate,
) -> Result<()> {
    let bonus = earn_rules(conn)?.survey_bonus;
    if bonus > 0 {
        insert_entry(
            conn,
            ctx,
            NewEntry {
                survey: Some(survey),
                ..NewEntry::new(customer, on_date, bonus, "bonus", None)
            },
        )?;
    }
    Ok(())
}

/// `customer` brought in `referred`: the referral bonus, once per customer brought in.
pub fn referral(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    referred: i64,
    note: Option<&str>,
) -> Result<i64> {
    customers::ensure_exists(conn, customer)?;
    let other = customers::get(conn, referred)?;
    if referred == customer {
        return Err(input(
            "referred",
            tf("err.refer_self", &[("id", &customer)]),
        ));
    }
    if let Some(e) = entry_where(conn, "referred_id", referred)? {
        return Err(input(
            "referred",
            tf(
                "err.referred_already",
                &[("name", &other.fields.name), ("by", &e.customer_id)],
            ),
        ));
    }
    let bonus = earn_rules(conn)?.referral_bonus;
    let reason = match note {
        Some(n) => format!("{} — {n}", other.fields.name),
        None => other.fields.name.clone(),
    };
    insert_entry(
        conn,
        ctx,
        NewEntry {
            referred: Some(referred),
            ..NewEntry::new(customer, ctx.clock.today(), bonus, "bonus", Some(&reason))
        },
    )
}

pub(super) fn input(field: &str, reason: String) -> StoreError {
    StoreError::Input(InputError::new(field, reason))
}

/// Refuses to take away more than the balance holds once what is due to expire has expired.
fn ensure_covers(conn: &Connection, ctx: &Ctx, customer: i64, points: i64) -> Result<()> {
    expire_for(conn, ctx, customer)?;
    let balance = balance(conn, customer)?;
    if points > balance {
        return Err(input(
            "points",
            tf("err.points_short", &[("n", &points), ("balance", &balance)]),
        ));
    }
    Ok(())
}

/// Spends `points` of the customer's balance (refused beyond it), for `reason`.
pub fn redeem(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    points: i64,
    reason: &str,
) -> Result<i64> {
    customers::ensure_exists(conn, customer)?;
    if points <= 0 {
        return Err(input(
            "points",
            tf("err.points_positive", &[("n", &points)]),
        ));
    }
    ensure_covers(conn, ctx, customer, points)?;
    insert_entry(
        conn,
        ctx,
        NewEntry::new(customer, ctx.clock.today(), -points, "redeem", Some(reason)),
    )
}

/// Adds or takes away points by hand; the reason is required, and the balance never goes below 0.
pub fn adjust(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    points: i64,
    reason: &str,
) -> Result<i64> {
    customers::ensure_exists(conn, customer)?;
    if reason.trim().is_empty() {
        return Err(input("reason", crate::i18n::t("err.adjust_reason").into()));
    }
    if points == 0 {
        return Err(input("points", crate::i18n::t("err.points_nonzero").into()));
    }
    if points < 0 {
        ensure_covers(conn, ctx, customer, -points)?;
    }
    insert_entry(
        conn,
        ctx,
        NewEntry::new(
            customer,
            ctx.clock.today(),
            points,
            "adjust",
            Some(reason.trim()),
        ),
    )
}

pub fn balance(conn: &Connection, customer: i64) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(sum(points), 0) FROM points_entry WHERE customer_id = ?1",
        [customer],
        |r| r.get(0),
    )
}

/// Points that expire for `customer` by today, first in first out: what was earned on or before
/// the cut-off date, less everything already taken away (redeemed, expired, adjusted down).
fn expiring(conn: &Connection, customer: i64, cutoff: NaiveDate) -> Result<i64> {
    let (old_earned, taken): (i64, i64) = conn.query_row(
        "SELECT coalesce(sum(points) FILTER (WHERE points > 0 AND on_date <= ?2), 0),
                coalesce(-sum(points) FILTER (WHERE points < 0), 0)
         FROM points_entry WHERE customer_id = ?1",
        params![customer, cutoff.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((old_earned - taken).max(0))
}

fn cutoff(conn: &Connection, today: NaiveDate) -> Result<Option<NaiveDate>> {
    Ok(earn_rules(conn)?
        .expire_months
        .and_then(|m| today.checked_sub_months(Months::new(m))))
}

fn expire_for(conn: &Connection, ctx: &Ctx, customer: i64) -> Result<i64> {
    let Some(cut) = cutoff(conn, ctx.clock.today())? else {
        return Ok(0);
    };
    let n = expiring(conn, customer, cut)?;
    if n > 0 {
        insert_entry(
            conn,
            ctx,
            NewEntry::new(
                customer,
                ctx.clock.today(),
                -n,
                "expire",
                // The cut-off date: the reason is worded when shown, in the reader's language.
                Some(&cut.to_string()),
            ),
        )?;
    }
    Ok(n)
}

/// Expires every customer's points earned more than `points.expire_months` ago and not yet
/// spent (the daily pass). Returns the points expired.
pub fn expire_due(conn: &Connection, ctx: &Ctx) -> Result<i64> {
    let Some(cut) = cutoff(conn, ctx.clock.today())? else {
        return Ok(0);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT customer_id FROM points_entry WHERE points > 0 AND on_date <= ?1",
    )?;
    let ids: Vec<i64> = stmt
        .query_map([cut.to_string()], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    let mut total = 0;
    for id in ids {
        total += expire_for(conn, ctx, id)?;
    }
    Ok(total)
}

/// A customer's place in the programme: balance, what counts for the level, the level reached
/// with its benefits, the next one, the recent ledger and the coupons.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Standing {
    pub balance: i64,
    /// Points earned over the membership: purchases less refunds, bonuses, adjustments by hand
    /// (what redeeming or expiry takes away does not count against it).
    pub earned: i64,
    pub redeemed: i64,
    /// What the level is measured by: points earned, or whole currency units spent.
    pub measure: i64,
    pub by: LevelBy,
    pub level: Option<Level>,
    /// The next level and what is missing to it.
    pub next: Option<(Level, i64)>,
    /// Points that expire at the next daily pass unless spent (already past the cut-off).
    pub expiring: i64,
    /// The newest entries first.
    pub entries: Vec<PointsEntry>,
    pub coupons: Vec<super::coupons::Coupon>,
}

pub fn standing_of(
    conn: &Connection,
    customer: i64,
    today: NaiveDate,
    entries: usize,
) -> Result<Standing> {
    let c = customers::get(conn, customer)?;
    let (earned, redeemed, balance): (i64, i64, i64) = conn.query_row(
        "SELECT coalesce(sum(points) FILTER (WHERE kind NOT IN ('redeem', 'expire')), 0),
                coalesce(-sum(points) FILTER (WHERE kind = 'redeem'), 0),
                coalesce(sum(points), 0)
         FROM points_entry WHERE customer_id = ?1",
        [customer],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (levels, by) = levels(conn)?;
    let measure = match by {
        LevelBy::Points => earned,
        LevelBy::Spend => c.purchase_total / 100,
    };
    let (level, next) = standing(&levels, measure);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLS}, {AUDIT_COLS} FROM points_entry WHERE customer_id = ?1
         ORDER BY on_date DESC, id DESC LIMIT ?2"
    ))?;
    let list = stmt
        .query_map(params![customer, entries as i64], entry_from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(Standing {
        balance,
        earned,
        redeemed,
        measure,
        by,
        level: level.cloned(),
        next: next.map(|(l, n)| (l.clone(), n)),
        expiring: match cutoff(conn, today)? {
            Some(cut) => expiring(conn, customer, cut)?,
            None => 0,
        },
        entries: list,
        coupons: super::coupons::coupons(conn, Some(customer), false)?,
    })
}

/// Customers at `level` (by its name, any case) now: for issuing a members-only coupon.
pub fn members_at(conn: &Connection, level: &str) -> Result<Vec<i64>> {
    let (levels, by) = levels(conn)?;
    let Some(i) = levels.iter().position(|l| {
        l.name.eq_ignore_ascii_case(level.trim())
            || l.name
                .split(' ')
                .any(|w| w.eq_ignore_ascii_case(level.trim()))
    }) else {
        let known = levels
            .iter()
            .map(|l| l.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(input(
            "level",
            tf(
                "err.no_level",
                &[("text", &level.trim()), ("known", &known)],
            ),
        ));
    };
    let low = levels[i].threshold;
    let high = levels.get(i + 1).map_or(i64::MAX, |l| l.threshold);
    let sql = match by {
        LevelBy::Points => {
            "SELECT c.id FROM customer c JOIN (SELECT customer_id, sum(points) AS earned FROM points_entry
               WHERE kind NOT IN ('redeem', 'expire') GROUP BY customer_id) e ON e.customer_id = c.id
             WHERE c.archived_at IS NULL AND e.earned >= ?1 AND e.earned < ?2 ORDER BY c.id"
        }
        LevelBy::Spend => {
            "SELECT id FROM customer WHERE archived_at IS NULL
               AND purchase_total / 100 >= ?1 AND purchase_total / 100 < ?2 ORDER BY id"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let ids = stmt
        .query_map(params![low, high], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<Vec<i64>>>()?;
    Ok(ids)
}

// ---- the report's figures ------------------------------------------------------------------

/// The programme over a period (local dates, both ends included), for one owner or the team.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Figures {
    /// Points earned (purchases, bonuses, additions by hand).
    pub points_issued: i64,
    pub points_redeemed: i64,
    pub points_expired: i64,
    /// Customers who earned or redeemed points in the period.
    pub active_members: i64,
    pub coupons_issued: i64,
    /// Of the coupons valid from within the period, those redeemed (by the period's end).
    pub coupons_redeemed: i64,
    /// What redeemed coupons took off in the period, minor units.
    pub coupon_discounts: i64,
}

pub fn figures(
    conn: &Connection,
    owner: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Figures> {
    let p = params![owner, from.to_string(), to.to_string()];
    // The owner is asked of the customers as a set, not by joining each entry to its customer:
    // without an owner nothing but the entries is read (a year's points looked up 100,000
    // customers one by one).
    let mut f = Figures::default();
    (f.points_issued, f.points_redeemed, f.points_expired, f.active_members) = conn.query_row(
        "SELECT coalesce(sum(e.points) FILTER (WHERE e.kind IN ('earn', 'bonus') OR (e.kind = 'adjust' AND e.points > 0)), 0),
                coalesce(-sum(e.points) FILTER (WHERE e.kind = 'redeem'), 0),
                coalesce(-sum(e.points) FILTER (WHERE e.kind = 'expire'), 0),
                count(DISTINCT e.customer_id) FILTER (WHERE e.kind IN ('earn', 'bonus', 'redeem'))
         FROM points_entry e
         WHERE (?1 IS NULL OR e.customer_id IN (SELECT id FROM customer WHERE owner = ?1))
           AND e.on_date >= ?2 AND e.on_date <= ?3",
        p,
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    (f.coupons_issued, f.coupons_redeemed) = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE k.redeemed_on IS NOT NULL AND k.redeemed_on <= ?3)
         FROM coupon k
         WHERE (?1 IS NULL OR k.customer_id IN (SELECT id FROM customer WHERE owner = ?1))
           AND k.valid_from >= ?2 AND k.valid_from <= ?3",
        p,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    f.coupon_discounts = conn.query_row(
        "SELECT coalesce(sum(k.discount), 0) FROM coupon k
         WHERE (?1 IS NULL OR k.customer_id IN (SELECT id FROM customer WHERE owner = ?1))
           AND k.redeemed_on >= ?2 AND k.redeemed_on <= ?3",
        p,
        |r| r.get(0),
    )?;
    Ok(f)
}
