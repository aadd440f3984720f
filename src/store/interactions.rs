//! The timeline: calls, e-mails, meetings, visits, messages and notes.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};
use rusqlite::params;

use super::Ctx;
use super::customers::{self, parsed};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::{Interaction, InteractionFields};

const WHAT: &str = "interaction";
const COLS: &str = "id, customer_id, at, kind, summary, details, is_contact, win_back";

fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Interaction> {
    Ok(Interaction {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        at: row.get(2)?,
        kind: parsed(row, 3)?,
        summary: row.get(4)?,
        details: row.get(5)?,
        is_contact: row.get(6)?,
        win_back: row.get(7)?,
        audit: rows::audit(row, 8)?,
    })
}

fn columns(f: &InteractionFields) -> Vec<(&'static str, Value)> {
    vec![
        ("at", Value::Text(f.at.clone())),
        ("kind", Value::Text(f.kind.to_string())),
        ("summary", Value::Text(f.summary.clone())),
        ("details", text(f.details.as_deref())),
    ]
}

/// Logs an interaction and refreshes the customer's last-contact date.
pub fn add(
    conn: &Connection,
    ctx: &Ctx,
    customer_id: i64,
    fields: &InteractionFields,
) -> Result<i64> {
    add_as(conn, ctx, customer_id, fields, true)
}

/// Logs an interaction; `is_contact` false for a record that was not contact with the customer
/// (a ticket step no one says was), which leaves the last contact and the cadence alone.
pub fn add_as(
    conn: &Connection,
    ctx: &Ctx,
    customer_id: i64,
    fields: &InteractionFields,
    is_contact: bool,
) -> Result<i64> {
    // Churned when it happened: logged since they left (an older call typed in late is not).
    let churned: bool = rows::query_one(
        conn,
        "SELECT stage = 'churned' AND ?2 >= coalesce(churned_at, '') FROM customer WHERE id = ?1",
        params![customer_id, fields.at],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::NotFound {
        what: "customer",
        id: customer_id,
    })?;
    let mut cols = columns(fields);
    cols.insert(0, ("customer_id", Value::Integer(customer_id)));
    // Written only when it is not contact (the column's default is contact), so the change log of
    // an ordinary call or visit stays as it was.
    if !is_contact {
        cols.push(("is_contact", Value::Integer(0)));
    }
    // Contact with a customer who has left is an attempt to win them back.
    if is_contact && churned {
        cols.push(("win_back", Value::Integer(1)));
    }
    let id = rows::insert(conn, ctx, "interaction", &cols, Some(customer_id))?;
    if is_contact {
        customers::note_contact(conn, customer_id, &fields.at)?;
    }
    Ok(id)
}

/// The interaction that gives a customer an import adds their last contact, inserted without a
/// log entry of its own: the customer's entry names it ([`customers::add_contacted_keyed`]).
pub(super) fn add_unlogged(
    conn: &Connection,
    ctx: &Ctx,
    customer_id: i64,
    fields: &InteractionFields,
) -> Result<i64> {
    let mut cols = columns(fields);
    cols.insert(0, ("customer_id", Value::Integer(customer_id)));
    rows::insert_unlogged(conn, ctx, "interaction", &cols)
}

pub fn get(conn: &Connection, id: i64) -> Result<Interaction> {
    super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM interaction WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })
}

pub fn update(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    fields: &InteractionFields,
) -> Result<bool> {
    let current = get(conn, id)?;
    let changed = rows::update(
        conn,
        ctx,
        WHAT,
        "interaction",
        id,
        version,
        &columns(fields),
        Some(current.customer_id),
    )?;
    customers::refresh_derived(conn, current.customer_id)?;
    Ok(changed)
}

pub fn delete(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<()> {
    let current = get(conn, id)?;
    rows::delete(
        conn,
        ctx,
        WHAT,
        "interaction",
        id,
        version,
        Some(current.customer_id),
    )?;
    customers::refresh_derived(conn, current.customer_id)
}

/// A page of a customer's timeline, newest first; `before` is the (at, id) of the last row of
/// the previous page (keyset paging, never OFFSET).
pub fn timeline(
    conn: &Connection,
    customer_id: i64,
    before: Option<(&str, i64)>,
    limit: usize,
) -> Result<Vec<Interaction>> {
    let (at, id) = before.unwrap_or(("\u{10ffff}", i64::MAX));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM interaction
         WHERE customer_id = ?1 AND (at < ?2 OR (at = ?2 AND id < ?3))
         ORDER BY at DESC, id DESC LIMIT ?4"
    ))?;
    let found = stmt
        .query_map(params![customer_id, at, id, limit as i64], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM interaction", [], |r| r.get(0))
}
