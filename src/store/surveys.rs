//! Satisfaction surveys: quality, attitude and speed, 1–5 each.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, Row};

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
    pub audit: Audit,
}

impl Survey {
    pub fn average(&self) -> f64 {
        f64::from(self.quality + self.attitude + self.speed) / 3.0
    }
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Survey> {
    Ok(Survey {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        on_date: parsed(row, 2)?,
        quality: row.get(3)?,
        attitude: row.get(4)?,
        speed: row.get(5)?,
        comment: row.get(6)?,
        audit: rows::audit(row, 7)?,
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
    ];
    rows::insert(conn, ctx, "survey", &cols, Some(customer))
}

/// A customer's surveys, newest first.
pub fn for_customer(conn: &Connection, customer: i64) -> Result<Vec<Survey>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, customer_id, on_date, quality, attitude, speed, comment, {AUDIT_COLS}
         FROM survey WHERE customer_id = ?1 ORDER BY on_date DESC, id DESC"
    ))?;
    let found = stmt
        .query_map([customer], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found)
}
