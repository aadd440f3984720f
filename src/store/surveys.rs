//! Satisfaction surveys: quality, attitude and speed, 1–5 each.

use crate::store::db::Value;
use crate::store::db::{Connection, Row};
use chrono::NaiveDate;

use super::Ctx;
use super::customers::{self, parsed};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::Audit;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub id: i64,
    pub customer_id: i64,
    pub on_date: NaiveDate,
    pub quality: u8,
    pub attitude: u8,
    pub speed: u8,
    pub comment: Option<String>,
    /// The complaint this survey checked back on.
    pub ticket_id: Option<i64>,
    pub audit: Audit,
}

impl Survey {
    pub fn average(&self) -> f64 {
        f64::from(self.quality + self.attitude + self.speed) / 3.0
    }
}

fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Survey> {
    Ok(Survey {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        on_date: parsed(row, 2)?,
        quality: row.get(3)?,
        attitude: row.get(4)?,
        speed: row.get(5)?,
        comment: row.get(6)?,
        ticket_id: row.get(7)?,
        audit: rows::audit(row, 8)?,
    })
}

/// Refuses scores outside 1–5, naming the field.
pub fn check_score(field: &str, n: i64) -> Result<u8> {
    u8::try_from(n)
        .ok()
        .filter(|n| (1..=5).contains(n))
        .ok_or_else(|| {
            StoreError::Input(crate::domain::InputError::new(
                field,
                format!("{n} is not a score from 1 to 5"),
            ))
        })
}

#[allow(clippy::too_many_arguments)]
pub fn add(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    on_date: NaiveDate,
    quality: i64,
    attitude: i64,
    speed: i64,
    comment: Option<&str>,
) -> Result<i64> {
    add_for(
        conn,
        ctx,
        customer,
        on_date,
        [quality, attitude, speed],
        comment,
        None,
    )
}

/// Records a survey; with `ticket`, the satisfaction check-back on that complaint (which must be
/// the customer's), which takes it off the Today queue.
pub fn add_for(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    on_date: NaiveDate,
    [quality, attitude, speed]: [i64; 3],
    comment: Option<&str>,
    ticket: Option<i64>,
) -> Result<i64> {
    if let Some(id) = ticket {
        let t = super::tickets::get(conn, id)?;
        if t.customer_id != customer {
            return Err(StoreError::Input(crate::domain::InputError::new(
                "ticket",
                crate::i18n::tf(
                    "err.ticket_of_another",
                    &[("ticket", &id), ("customer", &customer)],
                ),
            )));
        }
    }
    let (q, a, s) = (
        check_score("quality", quality)?,
        check_score("attitude", attitude)?,
        check_score("speed", speed)?,
    );
    customers::get(conn, customer)?;
    let cols = [
        ("customer_id", Value::Integer(customer)),
        ("on_date", Value::Text(on_date.to_string())),
        ("quality", Value::Integer(q.into())),
        ("attitude", Value::Integer(a.into())),
        ("speed", Value::Integer(s.into())),
        ("comment", text(comment)),
        ("ticket_id", ticket.map_or(Value::Null, Value::Integer)),
    ];
    let id = rows::insert(conn, ctx, "survey", &cols, Some(customer))?;
    super::loyalty::survey_added(conn, ctx, customer, id, on_date)?;
    Ok(id)
}

/// A customer's surveys, newest first.
pub fn for_customer(conn: &Connection, customer: i64) -> Result<Vec<Survey>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, customer_id, on_date, quality, attitude, speed, comment, ticket_id, {AUDIT_COLS}
         FROM survey WHERE customer_id = ?1 ORDER BY on_date DESC, id DESC"
    ))?;
    let found = stmt
        .query_map([customer], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
