//! Long-term cooperation agreements (长期合作协议): title, term, value, renewal terms and notes;
//! active from its start until its end date or until it is ended early.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};
use chrono::NaiveDate;

use super::Ctx;
use super::customers::{self, parsed, parsed_opt};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::{Audit, InputError};

const WHAT: &str = "agreement";
const COLS: &str = "id, customer_id, title, starts_on, ends_on, amount, renewal, notes, ended_at";

/// What a user writes about an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFields {
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// Minor units.
    pub value: i64,
    pub renewal: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub id: i64,
    pub customer_id: i64,
    pub fields: AgreementFields,
    /// Ended early (or marked ended), whatever its end date said.
    pub ended_at: Option<String>,
    pub audit: Audit,
}

impl Agreement {
    /// In force on `day`: started, not past its end date, not ended.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.ended_at.is_none()
            && self.fields.starts_on <= day
            && self.fields.ends_on.is_none_or(|end| end >= day)
    }
}

fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Agreement> {
    Ok(Agreement {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        fields: AgreementFields {
            title: row.get(2)?,
            starts_on: parsed(row, 3)?,
            ends_on: parsed_opt(row, 4)?,
            value: row.get(5)?,
            renewal: row.get(6)?,
            notes: row.get(7)?,
        },
        ended_at: row.get(8)?,
        audit: rows::audit(row, 9)?,
    })
}

fn checked(f: &AgreementFields) -> Result<()> {
    if f.title.trim().is_empty() {
        return Err(StoreError::Input(InputError::new(
            "title",
            crate::i18n::t("err.agreement_title"),
        )));
    }
    if f.ends_on.is_some_and(|end| end < f.starts_on) {
        return Err(StoreError::Input(InputError::new(
            "end",
            crate::i18n::tf("err.agreement_ends_before", &[("start", &f.starts_on)]),
        )));
    }
    if f.value < 0 {
        return Err(StoreError::Input(InputError::new(
            "value",
            crate::i18n::t("err.agreement_value"),
        )));
    }
    Ok(())
}

fn columns(f: &AgreementFields) -> Vec<(&'static str, Value)> {
    vec![
        ("title", Value::Text(f.title.trim().to_string())),
        ("starts_on", Value::Text(f.starts_on.to_string())),
        ("ends_on", text(f.ends_on.map(|d| d.to_string()).as_deref())),
        ("amount", Value::Integer(f.value)),
        ("renewal", text(f.renewal.as_deref())),
        ("notes", text(f.notes.as_deref())),
    ]
}

pub fn add(conn: &Connection, ctx: &Ctx, customer: i64, f: &AgreementFields) -> Result<i64> {
    customers::ensure_exists(conn, customer)?;
    checked(f)?;
    let mut cols = columns(f);
    cols.insert(0, ("customer_id", Value::Integer(customer)));
    rows::insert(conn, ctx, "agreement", &cols, Some(customer))
}

pub fn get(conn: &Connection, id: i64) -> Result<Agreement> {
    rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM agreement WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })
}

/// Replaces an agreement's fields, if nobody saved it since `version`.
pub fn update(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    f: &AgreementFields,
) -> Result<bool> {
    let a = get(conn, id)?;
    checked(f)?;
    rows::update(
        conn,
        ctx,
        WHAT,
        "agreement",
        id,
        version,
        &columns(f),
        Some(a.customer_id),
    )
}

/// Ends an agreement now (terminated, or not renewed), keeping its record.
pub fn end(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<bool> {
    let a = get(conn, id)?;
    rows::update(
        conn,
        ctx,
        WHAT,
        "agreement",
        id,
        version,
        &[("ended_at", Value::Text(ctx.clock.stamp()))],
        Some(a.customer_id),
    )
}

/// A customer's agreements (or everyone's), the latest start first.
pub fn list(conn: &Connection, customer: Option<i64>) -> Result<Vec<Agreement>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM agreement WHERE (?1 IS NULL OR customer_id = ?1)
         ORDER BY starts_on DESC, id DESC"
    ))?;
    let found = stmt
        .query_map([customer], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Agreements in force whose end date falls within `warn_days` of `day` (or has passed while
/// still not marked ended), soonest first.
pub fn ending(
    conn: &Connection,
    day: NaiveDate,
    warn_days: i64,
    customer: Option<i64>,
) -> Result<Vec<Agreement>> {
    let until = day + chrono::Duration::days(warn_days);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM agreement
         WHERE ended_at IS NULL AND ends_on IS NOT NULL AND ends_on <= ?1
           AND (?2 IS NULL OR customer_id = ?2)
         ORDER BY ends_on, id"
    ))?;
    let found = stmt
        .query_map(rusqlite::params![until.to_string(), customer], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
