//! Reading the audit trail.

use crate::store::db::{Connection, Row};

use super::error::Result;
use crate::domain::ChangeEntry;

fn json_col(row: &Row<'_>, idx: usize) -> crate::store::db::RowResult<serde_json::Value> {
    let raw: Option<String> = row.get(idx)?;
    Ok(raw
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null))
}

pub(crate) fn entry(r: &Row<'_>) -> crate::store::db::RowResult<ChangeEntry> {
    Ok(ChangeEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        by: r.get(2)?,
        table: r.get(3)?,
        row_id: r.get(4)?,
        customer_id: r.get(5)?,
        action: r.get(6)?,
        before: json_col(r, 7)?,
        after: json_col(r, 8)?,
        change_id: r.get(9)?,
    })
}

/// Change-log entries after `after`, oldest first (what others changed since the screen looked).
pub fn since(conn: &Connection, after: i64, limit: i64) -> Result<Vec<ChangeEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, by, table_name, row_id, customer_id, action, before, after, change_id
         FROM change_log WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let found = stmt
        .query_map(rusqlite::params![after, limit], entry)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Every change to a customer and their records, newest first.
pub fn for_customer(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<ChangeEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, by, table_name, row_id, customer_id, action, before, after, change_id
         FROM change_log WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let found = stmt
        .query_map(rusqlite::params![customer_id, limit as i64], entry)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// The newest change-log id: a cheap "has anything changed since" marker.
pub fn last_id(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM change_log", [], |r| {
        r.get(0)
    })
}
