//! Complaints and service requests, with the 24-hour first-response clock.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::Ctx;
use super::customers::{self, parsed};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS};
use crate::domain::{
    Audit, InteractionFields, InteractionKind, Severity, TicketKind, TicketStatus, time,
};

const WHAT: &str = "ticket";
const COLS: &str = "id, customer_id, kind, severity, summary, status, opened_at, first_response_at, resolved_at, closed_at";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: i64,
    pub customer_id: i64,
    pub kind: TicketKind,
    pub severity: Severity,
    pub summary: String,
    pub status: TicketStatus,
    pub opened_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub audit: Audit,
}

impl Ticket {
    pub fn opened(&self) -> Option<DateTime<Utc>> {
        time::parse_timestamp(&self.opened_at)
    }
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        kind: parsed(row, 2)?,
        severity: parsed(row, 3)?,
        summary: row.get(4)?,
        status: parsed(row, 5)?,
        opened_at: row.get(6)?,
        first_response_at: row.get(7)?,
        resolved_at: row.get(8)?,
        closed_at: row.get(9)?,
        audit: rows::audit(row, 10)?,
    })
}

pub fn open(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    kind: TicketKind,
    severity: Severity,
    summary: &str,
) -> Result<i64> {
    customers::get(conn, customer)?;
    let cols = [
        ("customer_id", Value::Integer(customer)),
        ("kind", Value::Text(kind.to_string())),
        ("severity", Value::Text(severity.to_string())),
        ("summary", Value::Text(summary.to_string())),
        ("status", Value::Text(TicketStatus::Open.to_string())),
        ("opened_at", Value::Text(ctx.clock.stamp())),
    ];
    rows::insert(conn, ctx, "ticket", &cols, Some(customer))
}

pub fn get(conn: &Connection, id: i64) -> Result<Ticket> {
    super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM ticket WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })
}

/// Moves a ticket along (respond → resolve → close), stamping the time and logging the note on
/// the customer's timeline. The first response is recorded once.
pub fn advance(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    to: TicketStatus,
    note: &str,
) -> Result<()> {
    let t = get(conn, id)?;
    rows::check_version(conn, WHAT, "ticket", id, version)?;
    if t.status == TicketStatus::Closed {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.ticket_closed",
            &[("id", &id)],
        )));
    }
    let now = ctx.clock.stamp();
    let mut cols: Vec<(&str, Value)> = vec![("status", Value::Text(to.to_string()))];
    if t.first_response_at.is_none() {
        cols.push(("first_response_at", Value::Text(now.clone())));
    }
    match to {
        TicketStatus::Resolved => cols.push(("resolved_at", Value::Text(now.clone()))),
        TicketStatus::Closed => {
            cols.push(("closed_at", Value::Text(now.clone())));
            if t.resolved_at.is_none() {
                cols.push(("resolved_at", Value::Text(now.clone())));
            }
        }
        _ => {}
    }
    rows::update(
        conn,
        ctx,
        WHAT,
        "ticket",
        id,
        version,
        &cols,
        Some(t.customer_id),
    )?;
    let verb = match to {
        TicketStatus::Responded | TicketStatus::Open => "Responded to",
        TicketStatus::Resolved => "Resolved",
        TicketStatus::Closed => "Closed",
    };
    let entry = InteractionFields {
        at: now,
        kind: InteractionKind::Note,
        summary: format!("{verb} {} #{id}: {note}", t.kind.as_str().replace('_', " ")),
        details: Some(format!("{}: {}", t.kind, t.summary)),
    };
    super::interactions::add(conn, ctx, t.customer_id, &entry)?;
    Ok(())
}

/// Tickets, newest first; only those not resolved or closed when `open_only`.
pub fn list(conn: &Connection, open_only: bool, customer: Option<i64>) -> Result<Vec<Ticket>> {
    let sql = format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM ticket
         WHERE (?1 = 0 OR status IN ('open', 'responded')) AND (?2 IS NULL OR customer_id = ?2)
         ORDER BY opened_at DESC, id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let found = stmt
        .query_map(rusqlite::params![i64::from(open_only), customer], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found)
}
