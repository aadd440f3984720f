//! The aggregates behind `kehu report` and the dashboard, for one period and optionally one
//! account manager's book. Plain counts and sums; the rates are worked out in `report`.

use crate::store::db::{Connection, Value};
use chrono::{Duration, NaiveDate, NaiveTime};
use rusqlite::params;

use super::error::Result;
use super::{breakdowns, risk};
use crate::domain::{Clock, time};

/// The period [from, to] (local dates, inclusive) and whose customers.
#[derive(Debug, Clone)]
pub struct Scope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub owner: Option<String>,
    /// Stored-timestamp bounds of the period: [start, end).
    pub start: String,
    pub end: String,
    /// The team's offset from UTC in minutes: stored instants are UTC, and a month or a day is
    /// the team's (a customer added 1 Nov 00:30 +08:00 is November's).
    pub offset_minutes: i32,
    /// The instant the period is judged at: its end, or now while it runs.
    pub judged: String,
}

impl Scope {
    /// SQL for the local month (`YYYY-MM`) of a stored instant column.
    fn month(&self, col: &str) -> String {
        self.local(col, 7)
    }

    /// SQL for the local date (`YYYY-MM-DD`) of a stored instant column.
    fn day(&self, col: &str) -> String {
        self.local(col, 10)
    }

    fn local(&self, col: &str, n: usize) -> String {
        format!(
            "substr(datetime({col}, '{:+} minutes'), 1, {n})",
            self.offset_minutes
        )
    }
}

impl Scope {
    pub fn new(from: NaiveDate, to: NaiveDate, owner: Option<String>, clock: &Clock) -> Scope {
        let midnight = NaiveTime::MIN;
        let end = clock.instant_of(to + Duration::days(1), midnight);
        Scope {
            from,
            to,
            owner,
            start: time::format_timestamp(clock.instant_of(from, midnight)),
            end: time::format_timestamp(end),
            offset_minutes: clock.offset.local_minus_utc() / 60,
            judged: time::format_timestamp(end.min(clock.now)),
        }
    }
}

/// Raw numbers for one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Raw {
    /// Days in the period (for figures per year).
    pub days: i64,
    pub by_tier: Vec<(String, i64)>,
    pub by_stage: Vec<(String, i64)>,
    /// Customers who became customers during the period (from a lead or prospect, or added as
    /// customers), by local month of the change.
    pub new_per_month: Vec<(String, i64)>,
    pub new_customers: i64,
    /// Leads and prospects added during the period.
    pub new_leads: i64,
    /// Leads and prospects at the start plus those added during the period.
    pub lead_base: i64,
    /// Of those, how many became customers during the period.
    pub converted: i64,
    pub deals_won: i64,
    pub deals_lost: i64,
    /// Customers (stage `customer`, not archived) at the start of the period.
    pub customers_at_start: i64,
    /// Of those, how many churned during the period, and how many were still customers at its end.
    pub churned: i64,
    pub retained: i64,
    pub churned_per_month: Vec<(String, i64)>,
    /// The period's churns by the reason given (`unknown` when none was).
    pub churn_by_reason: Vec<(String, i64)>,
    /// Customers churned at the period's start (not archived), and those of them who became
    /// customers again during it.
    pub churned_at_start: i64,
    pub won_back: i64,
    /// Contacts with churned customers logged in the period.
    pub win_back_attempts: i64,
    /// The loyalty programme: points issued, redeemed and expired, active members, coupons.
    pub loyalty: super::loyalty::Figures,
    /// Net revenue: purchases less refunds.
    pub revenue: i64,
    /// Purchases (refunds are never purchases), their total, and the refunds.
    pub purchases: i64,
    pub sales: i64,
    pub refunds: i64,
    pub refund_count: i64,
    pub revenue_by_tier: Vec<(String, i64)>,
    pub revenue_per_month: Vec<(String, i64)>,
    /// Each buying customer's net revenue in the period, largest first.
    pub revenue_per_buyer: Vec<i64>,
    /// Customers with 1+ and with 2+ purchases in the period.
    pub buyers: i64,
    pub repeat_buyers: i64,
    /// The same up to the end of the period, and all net revenue up to then.
    pub buyers_ever: i64,
    pub repeat_buyers_ever: i64,
    /// The period's revenue from customers with two or more purchases by the period's end.
    pub repeat_buyer_revenue: i64,
    pub revenue_ever: i64,
    /// The team's expected customer lifespan in years, when set (else it comes from churn).
    pub lifespan_years: Option<f64>,
    pub surveys: i64,
    /// Sums of the three scores over the period's surveys.
    pub quality_sum: i64,
    pub attitude_sum: i64,
    pub speed_sum: i64,
    /// Average of the three scores per month.
    pub satisfaction_per_month: Vec<(String, f64)>,
    pub complaints: i64,
    /// Complaints whose 24 h window had closed by the end of the period (or by now) or that were
    /// answered by then: the base of "answered within 24 h".
    pub complaints_due: i64,
    pub complaints_answered_in_24h: i64,
    /// Hours to the first response of each answered complaint opened in the period.
    pub response_hours: Vec<f64>,
    /// The period's complaints by department (`none` when not routed): how many, and the hours
    /// to the first response and to the resolution of those that got them.
    pub by_department: Vec<breakdowns::DepartmentTimes>,
    /// Conversion, churn and revenue for each source, and for each campaign's attendees.
    pub by_source: Vec<breakdowns::Segment>,
    pub by_campaign: Vec<breakdowns::Segment>,
    /// Revenue and repurchase by product and by category.
    pub by_product: Vec<breakdowns::ProductFigures>,
    pub by_category: Vec<breakdowns::ProductFigures>,
    /// Active customers (not churned, not archived) and those contacted within their cadence as
    /// of the end of the period.
    pub active_customers: i64,
    pub within_cadence: i64,
    pub todos_on_time: i64,
    pub todos_late: i64,
}

/// `(?1 IS NULL OR owner = ?1)` for the customer table aliased `c`.
pub(super) const MINE: &str = "(?1 IS NULL OR c.owner = ?1)";

fn pairs(
    conn: &Connection,
    sql: &str,
    p: impl crate::store::db::Params,
) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(rows)
}

fn one(conn: &Connection, sql: &str, p: impl crate::store::db::Params) -> Result<i64> {
    Ok(conn
        .query_row(sql, p, |r| r.get::<_, Option<i64>>(0))?
        .unwrap_or(0))
}

/// A purchase of the scope's owner's customer (`?1`), read without touching the customer when
/// the scope is the whole team: the all-time figures read every purchase there is.
pub(super) const PURCHASE_MINE: &str =
    "(?1 IS NULL OR p.customer_id IN (SELECT id FROM customer WHERE owner = ?1))";

/// The stage a customer had just before `?2`, the period's start (none if added since).
const STAGE_AT_START: &str = "(CASE WHEN c.created_at >= ?2 THEN NULL WHEN c.updated_at < ?2 THEN c.stage ELSE
      (SELECT h.new_value FROM customer_history h
        WHERE h.customer_id = c.id AND h.field = 'stage' AND h.at < ?2 ORDER BY h.at DESC, h.id DESC LIMIT 1) END)";

/// The stage a customer had just before `?3`, the end of the period (none if added since).
const STAGE_AT_END: &str = "(CASE WHEN c.created_at >= ?3 THEN NULL WHEN c.updated_at < ?3 THEN c.stage ELSE
      (SELECT h.new_value FROM customer_history h
        WHERE h.customer_id = c.id AND h.field = 'stage' AND h.at < ?3 ORDER BY h.at DESC, h.id DESC LIMIT 1) END)";

/// A customer's `field` (stage, tier) as it was just before the instant `at` (an SQL
/// expression), from the dated history; the current value when the history has none.
///
/// A customer not changed since `at` still has the value it had then: only the others are looked
/// up (at 100,000 customers the lookups for all of them doubled the report's time). This and the
/// stage and contact shortcuts below trust that stamps move forward; teammates' clocks that
/// disagree by minutes could misplace a change made within those minutes of a period's edge.
fn as_of(field: &str, at: &str) -> String {
    format!(
        "CASE WHEN c.updated_at < {at} THEN c.{field} ELSE
            coalesce((SELECT h.new_value FROM customer_history h WHERE h.customer_id = c.id AND h.field = '{field}'
                AND h.at < {at} ORDER BY h.at DESC, h.id DESC LIMIT 1), c.{field}) END"
    )
}

/// The customers active at the instant `at`: added before it, not archived by then, not churned
/// then — the base of the complaint rate and of follow-up compliance, for past periods as they
/// were.
fn active_at(at: &str) -> String {
    format!(
        "{MINE} AND c.created_at < {at} AND (c.archived_at IS NULL OR c.archived_at >= {at})
         AND {} <> 'churned'",
        as_of("stage", at)
    )
}

/// The customer's last contact before `at`: the cached last contact when it is older (only
/// customers contacted since are looked up in the timeline).
fn last_contact_before(at: &str) -> String {
    format!(
        "CASE WHEN c.last_contact_at IS NULL OR c.last_contact_at < {at} THEN c.last_contact_at ELSE
            (SELECT max(i.at) FROM interaction i WHERE i.customer_id = c.id AND i.is_contact = 1 AND i.at < {at}) END"
    )
}

/// Days since the customer's last contact before `at` (or since they were added), and their
/// cadence then (their own, or their tier's then).
fn gap_and_cadence(at: &str, cad: &[i64; 3]) -> (String, String) {
    (
        format!(
            "julianday({at}) - julianday(coalesce({}, c.created_at))",
            last_contact_before(at)
        ),
        format!(
            "coalesce(c.cadence_days, CASE {} WHEN 'vip' THEN {} WHEN 'regular' THEN {} ELSE {} END)",
            as_of("tier", at),
            cad[0],
            cad[1],
            cad[2]
        ),
    )
}

/// Customers at the period's start: stage `customer` then, and not archived by then.
pub(super) fn at_start_sql() -> String {
    format!("{STAGE_AT_START} = 'customer' AND (c.archived_at IS NULL OR c.archived_at >= ?2)")
}

/// Of the customers at the start, those still customers at the end (not churned, not archived).
fn retained_where() -> String {
    format!("{STAGE_AT_END} = 'customer' AND (c.archived_at IS NULL OR c.archived_at >= ?3)")
}

/// The customer changed stage to `to` during the period. Only a customer changed since the
/// start can have: the others are not looked up.
fn moved_to(to: &str) -> String {
    format!(
        "(c.updated_at >= ?2 AND EXISTS (SELECT 1 FROM customer_history h WHERE h.customer_id = c.id AND h.field = 'stage'
           AND h.new_value = '{to}' AND h.at >= ?2 AND h.at < ?3))"
    )
}

/// Leads and prospects at the period's start or added during it.
pub(super) fn lead_base_where() -> String {
    format!(
        "{MINE} AND (
            {STAGE_AT_START} IN ('lead', 'prospect')
            OR (c.created_at >= ?2 AND c.created_at < ?3 AND EXISTS (SELECT 1 FROM customer_history h
                WHERE h.customer_id = c.id AND h.field = 'stage' AND h.old_value IS NULL AND h.new_value IN ('lead', 'prospect'))))"
    )
}

/// The numerator: those of the base who became customers during the period.
pub(super) fn converted_where() -> String {
    format!("{} AND {}", lead_base_where(), moved_to("customer"))
}

/// Customers at the start who churned during the period.
pub(super) fn churned_where() -> String {
    format!("{MINE} AND {} AND {}", at_start_sql(), moved_to("churned"))
}

/// Became a customer during the period: from a lead or prospect, or added as a customer (a
/// churned customer who comes back is won back, not new). Each with the instant it happened.
fn new_customers_sql() -> String {
    format!(
        "SELECT c.id, c.name, min(h.at) AS at FROM customer_history h JOIN customer c ON c.id = h.customer_id
         WHERE {MINE} AND h.field = 'stage' AND h.new_value = 'customer'
           AND (h.old_value IS NULL OR h.old_value IN ('lead', 'prospect'))
           AND h.at >= ?2 AND h.at < ?3 GROUP BY c.id"
    )
}

/// Buyers in the period: customers with at least `n` purchases (refunds are not purchases).
fn buyers_sql(n: i64) -> String {
    format!(
        "SELECT c.id, c.name, count(*) AS n FROM purchase p JOIN customer c ON c.id = p.customer_id
         WHERE {MINE} AND p.amount > 0 AND p.on_date >= ?4 AND p.on_date <= ?5
         GROUP BY c.id HAVING count(*) >= {n}"
    )
}

/// New customers per local month of the period.
fn new_per_month(conn: &Connection, scope: &Scope) -> Result<Vec<(String, i64)>> {
    pairs(
        conn,
        &format!(
            "SELECT {}, count(*) FROM ({}) GROUP BY 1 ORDER BY 1",
            scope.month("at"),
            new_customers_sql()
        ),
        params![scope.owner, scope.start, scope.end],
    )
}

/// The period's churn (customers at its start who churned during it) per local month.
fn churned_per_month(conn: &Connection, scope: &Scope) -> Result<Vec<(String, i64)>> {
    pairs(
        conn,
        &format!(
            "SELECT {}, count(*) FROM (
                SELECT (SELECT min(h.at) FROM customer_history h WHERE h.customer_id = c.id AND h.field = 'stage'
                          AND h.new_value = 'churned' AND h.at >= ?2 AND h.at < ?3) AS at
                FROM customer c WHERE {}) GROUP BY 1 ORDER BY 1",
            scope.month("at"),
            churned_where()
        ),
        params![scope.owner, scope.start, scope.end],
    )
}

/// Churn by reason, and who was won back: of the customers churned at the period's start, those
/// who became customers again during it; and the period's win-back attempts.
fn win_back(conn: &Connection, scope: &Scope, raw: &mut Raw) -> Result<()> {
    let p = params![scope.owner, scope.start, scope.end];
    raw.churn_by_reason = pairs(
        conn,
        &format!(
            "SELECT coalesce(h.note, 'unknown'), count(*) FROM customer_history h JOIN customer c ON c.id = h.customer_id
             WHERE {MINE} AND h.field = 'stage' AND h.new_value = 'churned' AND h.old_value IS NOT NULL
               AND h.at >= ?2 AND h.at < ?3 GROUP BY 1 ORDER BY 2 DESC, 1"
        ),
        p,
    )?;
    (raw.churned_at_start, raw.won_back) = conn.query_row(
        &format!(
            "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM customer_history h
                 WHERE h.customer_id = c.id AND h.field = 'stage' AND h.old_value = 'churned'
                   AND h.new_value = 'customer' AND h.at >= ?2 AND h.at < ?3))
             FROM customer c WHERE {MINE} AND c.archived_at IS NULL AND {STAGE_AT_START} = 'churned'"
        ),
        p,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    // Counted from the attempts' own index: the customer is read only to filter by owner (every
    // interaction has one), and following each attempt to its customer was most of the count.
    raw.win_back_attempts = one(
        conn,
        "SELECT count(*) FROM interaction i
         WHERE (?1 IS NULL OR i.customer_id IN (SELECT id FROM customer WHERE owner = ?1))
           AND i.win_back = 1 AND i.at >= ?2 AND i.at < ?3",
        p,
    )?;
    Ok(())
}

/// Every customer who churned, per local month of the change (for a chart over many months,
/// where the customers at a year's start are not the point).
fn churn_events_per_month(conn: &Connection, scope: &Scope) -> Result<Vec<(String, i64)>> {
    pairs(
        conn,
        &format!(
            "SELECT {}, count(DISTINCT h.customer_id) FROM customer_history h JOIN customer c ON c.id = h.customer_id
             WHERE {MINE} AND h.field = 'stage' AND h.new_value = 'churned' AND h.old_value IS NOT NULL
               AND h.at >= ?2 AND h.at < ?3 GROUP BY 1 ORDER BY 1",
            scope.month("h.at")
        ),
        params![scope.owner, scope.start, scope.end],
    )
}

/// Net revenue per month of the period (purchase dates are local dates already).
fn revenue_per_month(conn: &Connection, scope: &Scope) -> Result<Vec<(String, i64)>> {
    pairs(
        conn,
        &format!(
            "SELECT substr(p.on_date, 1, 7), sum(p.amount) FROM purchase p
             WHERE {PURCHASE_MINE} AND p.on_date >= ?2 AND p.on_date <= ?3 GROUP BY 1 ORDER BY 1"
        ),
        params![scope.owner, scope.from.to_string(), scope.to.to_string()],
    )
}

/// Average of the three survey scores per month of the period.
fn satisfaction_per_month(conn: &Connection, scope: &Scope) -> Result<Vec<(String, f64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT substr(s.on_date, 1, 7), avg((quality + attitude + speed) / 3.0) FROM survey s JOIN customer c ON c.id = s.customer_id
         WHERE {MINE} AND s.on_date >= ?2 AND s.on_date <= ?3 GROUP BY 1 ORDER BY 1"
    ))?;
    let rows = stmt
        .query_map(
            params![scope.owner, scope.from.to_string(), scope.to.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(rows)
}

/// Only the per-month series the dashboard charts over a long span: a fraction of [`compute`].
pub fn trend(conn: &Connection, scope: &Scope) -> Result<Raw> {
    Ok(Raw {
        new_per_month: new_per_month(conn, scope)?,
        churned_per_month: churn_events_per_month(conn, scope)?,
        revenue_per_month: revenue_per_month(conn, scope)?,
        satisfaction_per_month: satisfaction_per_month(conn, scope)?,
        ..Raw::default()
    })
}

pub fn compute(conn: &Connection, scope: &Scope, clock: &Clock) -> Result<Raw> {
    let o = &scope.owner;
    let (s, e) = (&scope.start, &scope.end);
    let (from, to) = (scope.from.to_string(), scope.to.to_string());
    let mut raw = Raw {
        days: (scope.to - scope.from).num_days() + 1,
        new_per_month: new_per_month(conn, scope)?,
        ..Raw::default()
    };
    // Tiers and stages now, in one read of the customers and without sorting them: the values
    // are the schema's fixed sets (its CHECK constraints), listed in the order shown.
    const TIERS: [&str; 3] = ["potential", "regular", "vip"];
    const STAGES: [&str; 4] = ["churned", "customer", "lead", "prospect"];
    let sums: Vec<String> = TIERS
        .iter()
        .map(|t| format!("count(*) FILTER (WHERE tier = '{t}')"))
        .chain(
            STAGES
                .iter()
                .map(|s| format!("count(*) FILTER (WHERE stage = '{s}')")),
        )
        .collect();
    let counts: Vec<i64> = conn.query_row(
        &format!(
            "SELECT {} FROM customer c WHERE archived_at IS NULL AND {MINE}",
            sums.join(", ")
        ),
        params![o],
        |r| {
            (0..sums.len())
                .map(|i| Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0)))
                .collect()
        },
    )?;
    let named = |names: &[&str], counts: &[i64]| -> Vec<(String, i64)> {
        names
            .iter()
            .zip(counts)
            .filter(|(_, n)| **n > 0)
            .map(|(name, n)| (name.to_string(), *n))
            .collect()
    };
    raw.by_tier = named(&TIERS, &counts[..TIERS.len()]);
    raw.by_stage = named(&STAGES, &counts[TIERS.len()..]);
    raw.new_customers = raw.new_per_month.iter().map(|(_, n)| n).sum();
    raw.new_leads = one(
        conn,
        &format!(
            "SELECT count(DISTINCT h.customer_id) FROM customer_history h JOIN customer c ON c.id = h.customer_id
             WHERE {MINE} AND h.field = 'stage' AND h.old_value IS NULL AND h.new_value IN ('lead', 'prospect')
               AND h.at >= ?2 AND h.at < ?3"
        ),
        params![o, s, e],
    )?;
    let deals = |stage: &str| -> Result<i64> {
        one(
            conn,
            &format!(
                "SELECT count(*) FROM deal d JOIN customer c ON c.id = d.customer_id
                 WHERE {MINE} AND d.stage = ?4 AND d.closed_at >= ?2 AND d.closed_at < ?3"
            ),
            params![o, s, e, stage],
        )
    };
    raw.deals_won = deals("won")?;
    raw.deals_lost = deals("lost")?;
    // Every figure that asks each customer where they stood (at the start, at the end, when
    // last contacted) in one read of the customers: each filter is the figure's own definition,
    // shared with its drill-down list. `?4` is the instant the period is judged at. Counted per
    // source, which the split by source needs and the totals are the sums of: a second read of
    // every customer for the split was a sixth of a year's report.
    let cad = risk::cadences(conn)?;
    let (gap, cadence) = gap_and_cadence("?4", &cad);
    let (key, customers) = breakdowns::grouped_by(breakdowns::Grouping::Source);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key}, count(*) FILTER (WHERE {lead_base}), count(*) FILTER (WHERE {converted}),
                count(*) FILTER (WHERE {at_start}), count(*) FILTER (WHERE {at_start} AND {retained}),
                count(*) FILTER (WHERE {active}), count(*) FILTER (WHERE {active} AND {gap} <= {cadence}),
                count(*) FILTER (WHERE {churned})
         FROM {customers} WHERE {MINE} GROUP BY 1",
        lead_base = lead_base_where(),
        converted = converted_where(),
        at_start = at_start_sql(),
        retained = retained_where(),
        active = active_at("?4"),
        churned = churned_where(),
    ))?;
    let mut by_source = Vec::new();
    let mut totals = [0_i64; 6];
    let mut rows = stmt.query(params![o, s, e, scope.judged])?;
    while let Some(r) = rows.next()? {
        let counts: [i64; 7] = [
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ];
        for (total, n) in totals.iter_mut().zip(counts) {
            *total += n;
        }
        by_source.push(breakdowns::Segment {
            name: r.get(0)?,
            lead_base: counts[0],
            converted: counts[1],
            customers_at_start: counts[2],
            churned: counts[6],
            revenue: 0,
        });
    }
    let [lead_base, converted, at_start, retained, active, within] = totals;
    (raw.lead_base, raw.converted) = (lead_base, converted);
    (raw.customers_at_start, raw.retained) = (at_start, retained);
    (raw.active_customers, raw.within_cadence) = (active, within);
    raw.churned_per_month = churned_per_month(conn, scope)?;
    raw.churned = raw.churned_per_month.iter().map(|(_, n)| n).sum();
    win_back(conn, scope, &mut raw)?;
    raw.loyalty = super::loyalty::figures(conn, scope.owner.as_deref(), scope.from, scope.to)?;

    // Purchases: dates are local calendar dates; a negative amount is a refund, never a purchase.
    let (revenue, purchases, sales, refunds, refund_count): (
        Option<i64>,
        i64,
        Option<i64>,
        Option<i64>,
        i64,
    ) = conn.query_row(
        &format!(
            "SELECT sum(p.amount), count(*) FILTER (WHERE p.amount > 0), sum(p.amount) FILTER (WHERE p.amount > 0),
                    -sum(p.amount) FILTER (WHERE p.amount < 0), count(*) FILTER (WHERE p.amount < 0)
             FROM purchase p WHERE {PURCHASE_MINE} AND p.on_date >= ?2 AND p.on_date <= ?3"
        ),
        params![o, from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    raw.revenue = revenue.unwrap_or(0);
    raw.purchases = purchases;
    raw.sales = sales.unwrap_or(0);
    raw.refunds = refunds.unwrap_or(0);
    raw.refund_count = refund_count;
    raw.revenue_by_tier = pairs(
        conn,
        &format!(
            "SELECT {} AS tier_then, sum(p.total) FROM (
                SELECT p.customer_id, sum(p.amount) AS total FROM purchase p
                WHERE {PURCHASE_MINE} AND p.on_date >= ?2 AND p.on_date <= ?3 GROUP BY p.customer_id) p
             JOIN customer c ON c.id = p.customer_id GROUP BY tier_then ORDER BY tier_then",
            as_of("tier", "?4")
        ),
        params![o, from, to, e],
    )?;
    raw.revenue_per_month = revenue_per_month(conn, scope)?;
    // Each customer's purchases in the period: what they brought in, and how many purchases.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT sum(p.amount), count(*) FILTER (WHERE p.amount > 0) AS n FROM purchase p
         WHERE {PURCHASE_MINE} AND p.on_date >= ?2 AND p.on_date <= ?3 GROUP BY p.customer_id HAVING count(*) FILTER (WHERE p.amount > 0) > 0
         ORDER BY 1 DESC"
    ))?;
    let per_buyer: Vec<(i64, i64)> = stmt
        .query_map(params![o, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<crate::store::db::RowResult<_>>()?;
    raw.revenue_per_buyer = per_buyer.iter().map(|(sum, _)| *sum).collect();
    let buyers = per_buyer.len() as i64;
    let repeat = per_buyer.iter().filter(|(_, n)| *n >= 2).count() as i64;
    (raw.buyers, raw.repeat_buyers) = (buyers, repeat);
    let (buyers, repeat, ever): (i64, i64, Option<i64>) = conn.query_row(
        &format!(
            "SELECT count(*) FILTER (WHERE n >= 1), count(*) FILTER (WHERE n >= 2), sum(total) FROM (
                SELECT count(*) FILTER (WHERE p.amount > 0) AS n, sum(p.amount) AS total
                FROM purchase p WHERE {PURCHASE_MINE} AND p.on_date <= ?2 GROUP BY p.customer_id)"
        ),
        params![o, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    raw.buyers_ever = buyers;
    raw.repeat_buyers_ever = repeat;
    raw.revenue_ever = ever.unwrap_or(0);
    raw.repeat_buyer_revenue = conn
        .query_row(
            &format!(
                "SELECT sum(p.amount) FROM purchase p
                 WHERE {PURCHASE_MINE} AND p.on_date >= ?2 AND p.on_date <= ?3
                   AND p.customer_id IN (
                       SELECT customer_id FROM purchase WHERE amount > 0 AND on_date <= ?3
                       GROUP BY customer_id HAVING count(*) >= 2)"
            ),
            params![o, from, to],
            |r| r.get::<_, Option<i64>>(0),
        )?
        .unwrap_or(0);
    raw.lifespan_years = super::settings::get(conn, "customer_lifespan_years")?
        .parse::<f64>()
        .ok();

    let (n, q, a, sp): (i64, Option<i64>, Option<i64>, Option<i64>) = conn.query_row(
        &format!(
            "SELECT count(*), sum(quality), sum(attitude), sum(speed) FROM survey s JOIN customer c ON c.id = s.customer_id
             WHERE {MINE} AND s.on_date >= ?2 AND s.on_date <= ?3"
        ),
        params![o, from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    (
        raw.surveys,
        raw.quality_sum,
        raw.attitude_sum,
        raw.speed_sum,
    ) = (n, q.unwrap_or(0), a.unwrap_or(0), sp.unwrap_or(0));
    raw.satisfaction_per_month = satisfaction_per_month(conn, scope)?;

    // A complaint counts for "answered within 24 h" once it was answered or its 24 h ran out, as
    // of the end of the period (or now, for the period still running): one opened an hour ago
    // has not failed yet.
    let judged_at = time::parse_timestamp(&scope.judged).unwrap_or(clock.now);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.opened_at, t.first_response_at FROM ticket t JOIN customer c ON c.id = t.customer_id
         WHERE {MINE} AND t.kind = 'complaint' AND t.opened_at >= ?2 AND t.opened_at < ?3"
    ))?;
    let complaints: Vec<(String, Option<String>)> = stmt
        .query_map(params![o, s, e], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<crate::store::db::RowResult<_>>()?;
    raw.complaints = complaints.len() as i64;
    let window = Duration::hours(crate::domain::rules::FIRST_RESPONSE_HOURS);
    for (opened, answered) in &complaints {
        let Some(op) = time::parse_timestamp(opened) else {
            continue;
        };
        let answered = answered
            .as_deref()
            .and_then(time::parse_timestamp)
            .filter(|an| *an <= judged_at);
        match answered {
            Some(an) => {
                let hours = (an - op).num_minutes() as f64 / 60.0;
                raw.response_hours.push(hours);
                raw.complaints_due += 1;
                if an - op <= window {
                    raw.complaints_answered_in_24h += 1;
                }
            }
            None if op + window <= judged_at => raw.complaints_due += 1,
            None => {}
        }
    }

    // On time means done on or before the due date where the team is, not in UTC.
    let done_on = scope.day("t.done_at");
    let (on_time, late): (Option<i64>, Option<i64>) = conn.query_row(
        &format!(
            "SELECT count(*) FILTER (WHERE {done_on} <= t.due), count(*) FILTER (WHERE {done_on} > t.due)
             FROM todo t LEFT JOIN customer c ON c.id = t.customer_id
             WHERE t.status = 'done' AND t.due IS NOT NULL AND t.done_at >= ?2 AND t.done_at < ?3
               AND (?1 IS NULL OR c.owner = ?1 OR t.assignee = ?1)"
        ),
        params![o, s, e],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    raw.todos_on_time = on_time.unwrap_or(0);
    raw.todos_late = late.unwrap_or(0);
    raw.by_department = breakdowns::department_times(conn, scope)?;
    raw.by_source = breakdowns::with_revenue(conn, scope, breakdowns::Grouping::Source, by_source)?;
    raw.by_campaign = breakdowns::segments(conn, scope, breakdowns::Grouping::Campaign)?;
    raw.by_product = breakdowns::by_product(conn, scope, false)?;
    raw.by_category = breakdowns::by_product(conn, scope, true)?;
    Ok(raw)
}

/// One row of the plan table (the spreadsheet account managers keep by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub customer_id: i64,
    pub name: String,
    pub contact: String,
    pub last_contact: Option<String>,
    pub purchases: i64,
    pub purchase_total: i64,
    pub last_purchase: Option<String>,
    pub service_needs: Option<String>,
    /// Campaigns the customer took part in (attended), and those only invited to: an invitation
    /// is not participation.
    pub campaigns: String,
    pub invited_only: String,
    pub next_todo: Option<(String, Option<String>)>,
    /// The value score (3–15; 0 without purchases).
    pub value_score: i64,
    /// The latest survey: its average score and comment.
    pub feedback: Option<String>,
}

/// Every active customer as a plan-table row, by name.
pub fn plan(conn: &Connection, owner: Option<&str>) -> Result<Vec<PlanRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.name,
            coalesce((SELECT p.name || coalesce(' ' || p.phone, '') FROM contact_person p WHERE p.customer_id = c.id
                      ORDER BY p.is_primary DESC, p.id LIMIT 1), coalesce(c.phone, c.email, '')),
            c.last_contact_at, c.purchase_count, c.purchase_total, c.last_purchase_on, c.service_needs,
            coalesce((SELECT group_concat(k.name, '; ') FROM campaign_member m JOIN campaign k ON k.id = m.campaign_id
                      WHERE m.customer_id = c.id AND m.attended_at IS NOT NULL), ''),
            coalesce((SELECT group_concat(k.name, '; ') FROM campaign_member m JOIN campaign k ON k.id = m.campaign_id
                      WHERE m.customer_id = c.id AND m.attended_at IS NULL), ''),
            (SELECT t.title FROM todo t WHERE t.customer_id = c.id AND t.status = 'open' ORDER BY coalesce(t.due, '9999-12-31'), t.id LIMIT 1),
            (SELECT t.due FROM todo t WHERE t.customer_id = c.id AND t.status = 'open' ORDER BY coalesce(t.due, '9999-12-31'), t.id LIMIT 1),
            c.value_score,
            (SELECT printf('%.1f', (s.quality + s.attitude + s.speed) / 3.0) || coalesce(' ' || s.comment, '')
             FROM survey s WHERE s.customer_id = c.id ORDER BY s.on_date DESC, s.id DESC LIMIT 1)
         FROM customer c WHERE c.archived_at IS NULL AND {MINE} ORDER BY c.sort_key, c.id"
    ))?;
    let rows = stmt
        .query_map(params![owner], |r| {
            let title: Option<String> = r.get(10)?;
            Ok(PlanRow {
                customer_id: r.get(0)?,
                name: r.get(1)?,
                contact: r.get(2)?,
                last_contact: r.get(3)?,
                purchases: r.get(4)?,
                purchase_total: r.get(5)?,
                last_purchase: r.get(6)?,
                service_needs: r.get(7)?,
                campaigns: r.get(8)?,
                invited_only: r.get(9)?,
                next_todo: title.map(|t| (t, r.get::<_, Option<String>>(11).ok().flatten())),
                value_score: r.get(12)?,
                feedback: r.get(13)?,
            })
        })?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(rows)
}

/// A customer behind a figure: id, name, and why they are listed.
pub type Behind = (i64, String, String);

/// The figures whose customers can be listed on the dashboard.
pub const DRILLABLE: &[&str] = &[
    "new_customers",
    "conversion_rate",
    "churn_rate",
    "retention_rate",
    "repurchase_rate",
    "revenue",
    "top_20_percent_revenue_share",
    "complaint_rate",
    "first_response_within_24h",
    "follow_up_compliance",
];

/// The customers behind a figure (for the dashboard): (id, name, why they are listed).
pub fn customers_behind(conn: &Connection, scope: &Scope, key: &str) -> Result<Vec<Behind>> {
    let o = &scope.owner;
    let (s, e) = (&scope.start, &scope.end);
    let (from, to) = (scope.from.to_string(), scope.to.to_string());
    // Dates shown in the list are the team's local dates.
    let day_t_opened_at = scope.day("t.opened_at");
    let sql = match key {
        "new_customers" => format!(
            "SELECT id, name, 'became', {} FROM ({}) ORDER BY at, id",
            scope.day("at"),
            new_customers_sql()
        ),
        "conversion_rate" => format!(
            "SELECT c.id, c.name, 'became', {} FROM customer c WHERE {} ORDER BY c.id",
            scope.day("(SELECT min(h.at) FROM customer_history h WHERE h.customer_id = c.id AND h.field = 'stage' AND h.new_value = 'customer' AND h.at >= ?2 AND h.at < ?3)"),
            converted_where()
        ),
        "churn_rate" => format!(
            "SELECT c.id, c.name, 'churned', {} FROM customer c WHERE {} ORDER BY c.id",
            scope.day("(SELECT min(h.at) FROM customer_history h WHERE h.customer_id = c.id AND h.field = 'stage' AND h.new_value = 'churned' AND h.at >= ?2 AND h.at < ?3)"),
            churned_where()
        ),
        "retention_rate" => format!(
            "SELECT c.id, c.name, 'retained', '' FROM customer c WHERE {MINE} AND {} AND {} ORDER BY c.id",
            at_start_sql(),
            retained_where()
        ),
        "repurchase_rate" => format!(
            "SELECT id, name, 'purchases', n FROM ({}) ORDER BY n DESC, id",
            buyers_sql(2)
        ),
        "revenue" | "top_20_percent_revenue_share" => format!(
            "SELECT c.id, c.name, 'amount', printf('%.2f', sum(p.amount) / 100.0) FROM purchase p JOIN customer c ON c.id = p.customer_id
             WHERE {MINE} AND p.on_date >= ?4 AND p.on_date <= ?5 GROUP BY c.id ORDER BY sum(p.amount) DESC"
        ),
        "complaint_rate" => format!(
            "SELECT c.id, c.name, 'complaint', {day_t_opened_at} || ': ' || t.summary FROM ticket t
             JOIN customer c ON c.id = t.customer_id WHERE {MINE} AND t.kind = 'complaint'
             AND t.opened_at >= ?2 AND t.opened_at < ?3 ORDER BY t.opened_at"
        ),
        // The complaints the figure counts as missed: answered after 24 h, or not answered when
        // their 24 h ran out (as of the end of the period, or now).
        "first_response_within_24h" => format!(
            "SELECT c.id, c.name, CASE WHEN t.first_response_at IS NULL OR t.first_response_at > ?6 THEN 'unanswered' ELSE 'answered_after' END,
                 CAST(round((julianday(t.first_response_at) - julianday(t.opened_at)) * 24) AS INTEGER)
             FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE {MINE} AND t.kind = 'complaint'
             AND t.opened_at >= ?2 AND t.opened_at < ?3
             AND CASE WHEN t.first_response_at IS NOT NULL AND t.first_response_at <= ?6
                      THEN julianday(t.first_response_at) - julianday(t.opened_at) > 1.0
                      ELSE julianday(?6) - julianday(t.opened_at) >= 1.0 END
             ORDER BY t.opened_at"
        ),
        // The customers not followed up on rhythm, as of the end of the period (or now).
        "follow_up_compliance" => {
            let cad = risk::cadences(conn)?;
            let (gap, cadence) = gap_and_cadence("?6", &cad);
            format!(
                "SELECT c.id, c.name, CASE WHEN last IS NULL THEN 'never_contacted' ELSE 'last_contact' END, {} FROM (
                    SELECT c.id, c.name, {} AS last
                    FROM customer c WHERE {} AND {gap} > {cadence}) c
                 ORDER BY last, c.id",
                scope.day("last"),
                last_contact_before("?6"),
                active_at("?6")
            )
        }
        _ => return Ok(Vec::new()),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    // The queries number their parameters alike (?1 owner, ?2–?3 instants, ?4–?5 dates, ?6 the
    // instant the period is judged at); bind as many as each one uses.
    let all: [&dyn crate::store::db::ToSql; 6] = [o, s, e, &from, &to, &scope.judged];
    let used = &all[..stmt.parameter_count()];
    // Each query says why by a key and a detail; the words are the interface language's.
    let rows = stmt
        .query_map(used, |r| {
            let why: String = r.get(2)?;
            let detail = match r.get_value(3)? {
                Value::Null => String::new(),
                Value::Integer(n) => n.to_string(),
                Value::Text(t) => t,
                _ => String::new(),
            };
            Ok((
                r.get(0)?,
                r.get(1)?,
                crate::i18n::tf(&format!("behind.{why}"), &[("detail", &detail)]),
            ))
        })?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(rows)
}
