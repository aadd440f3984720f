//! Churn risk: the facts the rules look at, gathered per customer, and the at-risk list found
//! with SQL pre-filters so it stays fast on a large book.

use crate::store::db::Connection;
use chrono::Duration;
use rusqlite::params;

use super::customers;
use super::error::Result;
use crate::domain::rules::{self, RiskFacts, RiskSignal};
use crate::domain::{Clock, Customer, Tier, time};

/// The team's cadence per tier (VIP, regular, potential).
pub fn cadences(conn: &Connection) -> Result<[i64; 3]> {
    let mut out = [0; 3];
    for (slot, tier) in out
        .iter_mut()
        .zip([Tier::Vip, Tier::Regular, Tier::Potential])
    {
        *slot = super::settings::cadence_for(conn, tier)?;
    }
    Ok(out)
}

pub fn cadence_of(c: &Customer, cadences: &[i64; 3]) -> i64 {
    cadence_for(c.fields.cadence_days, c.fields.tier, cadences)
}

/// A customer's own cadence, or their tier's.
pub fn cadence_for(own: Option<i64>, tier: Tier, cadences: &[i64; 3]) -> i64 {
    own.unwrap_or(match tier {
        Tier::Vip => cadences[0],
        Tier::Regular => cadences[1],
        Tier::Potential => cadences[2],
    })
}

pub fn facts(conn: &Connection, c: &Customer, cadences: &[i64; 3]) -> Result<RiskFacts> {
    let mut stmt = conn.prepare_cached("SELECT on_date FROM purchase WHERE customer_id = ?1")?;
    let purchase_dates = stmt
        .query_map([c.id], |r| r.get::<_, String>(0))?
        .filter_map(|d| d.ok().and_then(|d| d.parse().ok()))
        .collect();
    let latest_survey_average: Option<f64> = conn
        .query_row(
            "SELECT (quality + attitude + speed) / 3.0 FROM survey WHERE customer_id = ?1 ORDER BY on_date DESC, id DESC LIMIT 1",
            [c.id],
            |r| r.get(0),
        )
        .ok();
    let oldest_open_complaint: Option<String> = conn.query_row(
        "SELECT min(opened_at) FROM ticket WHERE customer_id = ?1 AND kind = 'complaint' AND status IN ('open', 'responded')",
        [c.id],
        |r| r.get(0),
    )?;
    let last_touch = c
        .last_contact_at
        .as_deref()
        .or(Some(c.audit.created_at.as_str()))
        .and_then(time::parse_timestamp);
    Ok(RiskFacts {
        last_touch,
        cadence_days: cadence_of(c, cadences),
        purchase_dates,
        latest_survey_average,
        oldest_open_complaint: oldest_open_complaint
            .as_deref()
            .and_then(time::parse_timestamp),
    })
}

/// The signals that hold for one customer now (none for churned customers: they are gone).
pub fn signals(
    conn: &Connection,
    c: &Customer,
    cadences: &[i64; 3],
    clock: &Clock,
) -> Result<Vec<RiskSignal>> {
    if c.fields.stage == crate::domain::Stage::Churned || c.archived_at.is_some() {
        return Ok(Vec::new());
    }
    Ok(rules::churn_signals(
        &facts(conn, c, cadences)?,
        clock.now,
        clock.today(),
    ))
}

/// Every active customer at risk, by name, with their signals.
pub fn at_risk(conn: &Connection, clock: &Clock) -> Result<Vec<(Customer, Vec<RiskSignal>)>> {
    let cad = cadences(conn)?;
    let now = clock.stamp();
    let complaint_cutoff =
        time::format_timestamp(clock.now - Duration::days(rules::COMPLAINT_AGE_DAYS));
    // Candidates: anyone a cheap SQL test says may match; the rules then decide exactly.
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM customer c WHERE archived_at IS NULL AND stage <> 'churned' AND (
            julianday(?1) - julianday(coalesce(last_contact_at, created_at))
                > ?2 * coalesce(cadence_days, CASE tier WHEN 'vip' THEN ?3 WHEN 'regular' THEN ?4 ELSE ?5 END)
            OR purchase_count >= 3
            OR EXISTS (SELECT 1 FROM ticket t WHERE t.customer_id = c.id AND t.kind = 'complaint'
                       AND t.status IN ('open', 'responded') AND t.opened_at < ?6)
            OR (SELECT (quality + attitude + speed) / 3.0 FROM survey s WHERE s.customer_id = c.id
                ORDER BY on_date DESC, id DESC LIMIT 1) <= ?7)
         ORDER BY sort_key, id",
    )?;
    let ids = stmt
        .query_map(
            params![
                now,
                rules::NO_CONTACT_FACTOR,
                cad[0],
                cad[1],
                cad[2],
                complaint_cutoff,
                rules::LOW_SATISFACTION
            ],
            |r| r.get::<_, i64>(0),
        )?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    let mut out = Vec::new();
    for id in ids {
        let c = customers::get(conn, id)?;
        let found = signals(conn, &c, &cad, clock)?;
        if !found.is_empty() {
            out.push((c, found));
        }
    }
    Ok(out)
}
