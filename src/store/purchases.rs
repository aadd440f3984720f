//! Transaction history: what a customer bought, when, for how much.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};

use super::Ctx;
use super::customers::{self, parsed};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::{Purchase, PurchaseFields};

const WHAT: &str = "purchase";
const COLS: &str = "id, customer_id, on_date, product, amount, note";

fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Purchase> {
    Ok(Purchase {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        on_date: parsed(row, 2)?,
        product: row.get(3)?,
        amount: row.get(4)?,
        note: row.get(5)?,
        audit: rows::audit(row, 6)?,
    })
}

fn columns(f: &PurchaseFields) -> Vec<(&'static str, Value)> {
    vec![
        ("on_date", Value::Text(f.on_date.to_string())),
        ("product", text(f.product.as_deref())),
        ("amount", Value::Integer(f.amount)),
        ("note", text(f.note.as_deref())),
    ]
}

pub fn add(conn: &Connection, ctx: &Ctx, customer_id: i64, fields: &PurchaseFields) -> Result<i64> {
    customers::get(conn, customer_id)?;
    let fields = &named_as_listed(conn, fields)?;
    let mut cols = columns(fields);
    cols.insert(0, ("customer_id", Value::Integer(customer_id)));
    let id = rows::insert(conn, ctx, "purchase", &cols, Some(customer_id))?;
    customers::refresh_derived(conn, customer_id)?;
    super::value::refresh_one(conn, customer_id, ctx.clock.today())?;
    super::loyalty::purchase_changed(conn, ctx, id)?;
    Ok(id)
}

/// The fields with the product spelled as the product list spells it (any other text as typed).
fn named_as_listed(conn: &Connection, fields: &PurchaseFields) -> Result<PurchaseFields> {
    let mut f = fields.clone();
    if let Some(p) = &f.product {
        f.product = Some(super::products::canonical(conn, p)?);
    }
    Ok(f)
}

pub fn get(conn: &Connection, id: i64) -> Result<Purchase> {
    super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM purchase WHERE id = ?1"),
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
    fields: &PurchaseFields,
) -> Result<bool> {
    let current = get(conn, id)?;
    let fields = &named_as_listed(conn, fields)?;
    let changed = rows::update(
        conn,
        ctx,
        WHAT,
        "purchase",
        id,
        version,
        &columns(fields),
        Some(current.customer_id),
    )?;
    customers::refresh_derived(conn, current.customer_id)?;
    super::value::refresh_one(conn, current.customer_id, ctx.clock.today())?;
    super::loyalty::purchase_changed(conn, ctx, id)?;
    Ok(changed)
}

pub fn delete(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<()> {
    let current = get(conn, id)?;
    if current.audit.version == version {
        super::loyalty::purchase_removed(conn, ctx, id)?;
    }
    rows::delete(
        conn,
        ctx,
        WHAT,
        "purchase",
        id,
        version,
        Some(current.customer_id),
    )?;
    customers::refresh_derived(conn, current.customer_id)?;
    super::value::refresh_one(conn, current.customer_id, ctx.clock.today())
}

/// A customer's purchases, newest first.
pub fn for_customer(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<Purchase>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM purchase WHERE customer_id = ?1 ORDER BY on_date DESC, id DESC LIMIT ?2"
    ))?;
    let found = stmt
        .query_map(rusqlite::params![customer_id, limit as i64], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
