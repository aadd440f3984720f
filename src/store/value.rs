//! The cached value score (RFM). Cut points (exact mid-rank fifths) come from the whole database and are kept in the
//! `setting` table; a customer's score is refreshed with their purchases, and everyone's when the
//! cut points are recomputed (daily, by `kehu today` and the screen, or on demand).

use crate::store::db::Connection;
use chrono::NaiveDate;
use rusqlite::params;

use super::error::Result;
use crate::domain::rules::{Rfm, RfmThresholds, ValueScore};

// New keys for the exact cut points (the percentiles before them are ignored): a book opened by
// this version recomputes them on its first daily pass.
const THRESHOLDS_KEY: &str = "rfm.cuts";
const COMPUTED_ON_KEY: &str = "rfm.cuts_on";

fn thresholds(conn: &Connection) -> Result<RfmThresholds> {
    Ok(super::settings::internal(conn, THRESHOLDS_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

fn days_since(last: Option<String>, today: NaiveDate) -> Option<i64> {
    last.and_then(|d| d.parse::<NaiveDate>().ok())
        .map(|d| (today - d).num_days())
}

fn store_score(conn: &Connection, id: i64, v: ValueScore) -> Result<()> {
    super::rows::exec(
        conn,
        "UPDATE customer SET value_r = ?2, value_f = ?3, value_m = ?4, value_score = ?5 WHERE id = ?1",
        params![
            id,
            v.rfm.recency,
            v.rfm.frequency,
            v.rfm.monetary,
            v.total()
        ],
    )?;
    Ok(())
}

/// How much cooperation potential weighs in the value score, in percent (the team's
/// `value_potential_weight`).
pub fn potential_weight(conn: &Connection) -> Result<u8> {
    let raw = super::settings::get(conn, "value_potential_weight")?;
    Ok(raw.trim_end_matches('%').parse().unwrap_or(25))
}

/// Scores one customer against the stored cut points (after their purchases or their rated
/// potential changed).
pub fn refresh_one(conn: &Connection, id: i64, today: NaiveDate) -> Result<()> {
    let th = thresholds(conn)?;
    let (last, count, total, potential): (Option<String>, i64, i64, Option<u8>) = conn.query_row(
        "SELECT last_purchase_on, purchase_count, purchase_total, potential FROM customer WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let rfm = th.score(days_since(last, today), count, total);
    store_score(
        conn,
        id,
        ValueScore::weigh(rfm, potential, potential_weight(conn)?),
    )
}

/// Recomputes the cut points from every buyer and rescores everyone whose score changed.
pub fn refresh_all(conn: &Connection, today: NaiveDate) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, last_purchase_on, purchase_count, purchase_total, value_r, value_f, value_m, \
         potential, value_score FROM customer",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                ValueScore {
                    rfm: Rfm {
                        recency: r.get(4)?,
                        frequency: r.get(5)?,
                        monetary: r.get(6)?,
                    },
                    potential: r.get(7)?,
                    score: r.get(8)?,
                },
            ))
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    let weight = potential_weight(conn)?;
    let buyers: Vec<(i64, i64, i64)> = rows
        .iter()
        .filter(|r| r.2 > 0)
        .filter_map(|r| days_since(r.1.clone(), today).map(|d| (d, r.2, r.3)))
        .collect();
    let th = RfmThresholds::from_buyers(&buyers);
    for (id, last, count, total, old) in rows {
        let rfm = th.score(days_since(last, today), count, total);
        let new = ValueScore::weigh(rfm, old.potential, weight);
        if new != old {
            store_score(conn, id, new)?;
        }
    }
    // The percentiles an earlier version kept are replaced by the cut points.
    super::rows::exec(
        conn,
        "DELETE FROM setting WHERE key IN ('rfm.thresholds', 'rfm.computed_on')",
        [],
    )?;
    let json = serde_json::to_string(&th).unwrap_or_default();
    for (key, value) in [(THRESHOLDS_KEY, json), (COMPUTED_ON_KEY, today.to_string())] {
        super::settings::set_internal(conn, key, &value)?;
    }
    Ok(())
}

/// Whether the cut points were last computed before `today`.
pub fn is_stale(conn: &Connection, today: NaiveDate) -> Result<bool> {
    let on = super::settings::internal(conn, COMPUTED_ON_KEY)?;
    Ok(on.as_deref() != Some(today.to_string().as_str()))
}
