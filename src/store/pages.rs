//! The queries behind the screen's panes: keyset paging on (key, id), never a deep OFFSET, so a
//! page costs the same at row 10 and at row 100,000, and rows that share a key are never skipped.

use rusqlite::{Connection, params};

use super::customers::{self, COLS};
use super::error::Result;
use super::rows::AUDIT_COLS;
use crate::domain::Customer;

/// The orders the customer list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    /// By name (the cached sort key).
    Name,
    /// Longest without contact first (never contacted at the very top).
    LastContact,
    /// Soonest follow-up first (none scheduled at the end).
    NextDue,
}

impl CustomerSort {
    /// The indexed key expression; NULL-free so row-value comparisons are exact.
    fn key(self) -> &'static str {
        match self {
            CustomerSort::Name => "sort_key",
            CustomerSort::LastContact => "coalesce(last_contact_at, '')",
            CustomerSort::NextDue => "coalesce(next_due, '9999-12-31')",
        }
    }

    /// A customer's position in this order.
    pub fn cursor_of(self, c: &Customer) -> Cursor {
        let key = match self {
            CustomerSort::Name => crate::domain::sort_key(&c.fields.name),
            CustomerSort::LastContact => c.last_contact_at.clone().unwrap_or_default(),
            CustomerSort::NextDue => c
                .next_due
                .map_or_else(|| "9999-12-31".to_string(), |d| d.to_string()),
        };
        Cursor { key, id: c.id }
    }
}

/// A position in an ordered listing: the sort key and id of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: i64,
}

/// SQL for the page after a cursor, in `sort` order.
pub fn customers_after_sql(sort: CustomerSort) -> String {
    let k = sort.key();
    format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM customer
         WHERE archived_at IS NULL AND ({k}, id) > (?1, ?2)
         ORDER BY {k}, id LIMIT ?3"
    )
}

/// SQL for the page before a cursor (returned nearest-first; callers reverse it).
pub fn customers_before_sql(sort: CustomerSort) -> String {
    let k = sort.key();
    format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM customer
         WHERE archived_at IS NULL AND ({k}, id) < (?1, ?2)
         ORDER BY {k} DESC, id DESC LIMIT ?3"
    )
}

/// Up to `limit` customers after `after` (from the top when `None`).
pub fn customers_after(
    conn: &Connection,
    sort: CustomerSort,
    after: Option<&Cursor>,
    limit: usize,
) -> Result<Vec<Customer>> {
    let (key, id) = after.map_or((String::new(), i64::MIN), |c| (c.key.clone(), c.id));
    let mut stmt = conn.prepare(&customers_after_sql(sort))?;
    let found = stmt
        .query_map(params![key, id, limit as i64], customers::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found)
}

/// Up to `limit` customers before `before`, in display order.
pub fn customers_before(
    conn: &Connection,
    sort: CustomerSort,
    before: &Cursor,
    limit: usize,
) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare(&customers_before_sql(sort))?;
    let mut found = stmt
        .query_map(
            params![before.key, before.id, limit as i64],
            customers::from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    found.reverse();
    Ok(found)
}

/// The open to-do queue by due date (undated last), after a cursor.
pub const OPEN_TODOS_SQL: &str = "SELECT id FROM todo
     WHERE status = 'open' AND (coalesce(due, '9999-12-31'), id) > (?1, ?2)
     ORDER BY coalesce(due, '9999-12-31'), id LIMIT ?3";

/// A customer's timeline page (see `interactions::timeline`).
pub const TIMELINE_SQL: &str = "SELECT id FROM interaction
     WHERE customer_id = ?1 AND (at < ?2 OR (at = ?2 AND id < ?3))
     ORDER BY at DESC, id DESC LIMIT ?4";

/// Duplicate checks and phone/e-mail lookups.
pub const BY_EMAIL_SQL: &str = "SELECT id FROM customer WHERE email_norm = ?1";
pub const BY_PHONE_SQL: &str = "SELECT id FROM customer WHERE phone_norm = ?1";

/// Every query a pane runs, named, for the test that checks each one uses an index.
pub fn pane_queries() -> Vec<(&'static str, String)> {
    vec![
        (
            "customers by name, next page",
            customers_after_sql(CustomerSort::Name),
        ),
        (
            "customers by name, previous page",
            customers_before_sql(CustomerSort::Name),
        ),
        (
            "customers by last contact",
            customers_after_sql(CustomerSort::LastContact),
        ),
        (
            "customers by last contact, previous page",
            customers_before_sql(CustomerSort::LastContact),
        ),
        (
            "customers by next due",
            customers_after_sql(CustomerSort::NextDue),
        ),
        (
            "customers by next due, previous page",
            customers_before_sql(CustomerSort::NextDue),
        ),
        ("open to-dos by due date", OPEN_TODOS_SQL.to_string()),
        ("a customer's timeline", TIMELINE_SQL.to_string()),
        ("customer by e-mail", BY_EMAIL_SQL.to_string()),
        ("customer by phone", BY_PHONE_SQL.to_string()),
    ]
}

/// The query plan SQLite chooses for `sql`, one line per step (for tests and `kehu check`).
pub fn explain(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let n = stmt.parameter_count();
    let nulls: Vec<rusqlite::types::Value> = vec![rusqlite::types::Value::Null; n];
    let lines = stmt
        .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines)
}
