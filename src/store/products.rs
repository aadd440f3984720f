//! The product list: name, category and price. Purchases and deals name a product by its name
//! (any other text is still allowed); the report groups purchases by it.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};

use super::Ctx;
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::{Audit, InputError};

const WHAT: &str = "product";
const COLS: &str = "id, name, category, price";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub category: Option<String>,
    /// Minor units.
    pub price: Option<i64>,
    pub audit: Audit,
}

fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Product> {
    Ok(Product {
        id: row.get(0)?,
        name: row.get(1)?,
        category: row.get(2)?,
        price: row.get(3)?,
        audit: rows::audit(row, 4)?,
    })
}

fn columns(name: &str, category: Option<&str>, price: Option<i64>) -> Vec<(&'static str, Value)> {
    vec![
        ("name", Value::Text(name.to_string())),
        ("category", text(category)),
        ("price", price.map_or(Value::Null, Value::Integer)),
    ]
}

/// Adds a product; a name already listed (in any case) is refused.
pub fn add(
    conn: &Connection,
    ctx: &Ctx,
    name: &str,
    category: Option<&str>,
    price: Option<i64>,
) -> Result<i64> {
    if let Some(p) = find(conn, name)? {
        return Err(StoreError::Input(InputError::new(
            "name",
            crate::i18n::tf("err.product_exists", &[("name", &p.name), ("id", &p.id)]),
        )));
    }
    rows::insert(conn, ctx, "product", &columns(name, category, price), None)
}

pub fn get(conn: &Connection, id: i64) -> Result<Product> {
    rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM product WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })
}

/// The product of this name, in any case.
pub fn find(conn: &Connection, name: &str) -> Result<Option<Product>> {
    rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM product WHERE name = ?1 COLLATE NOCASE"),
        [name.trim()],
        from_row,
    )
    .optional()
}

pub fn update(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    name: &str,
    category: Option<&str>,
    price: Option<i64>,
) -> Result<bool> {
    if let Some(other) = find(conn, name)?.filter(|p| p.id != id) {
        return Err(StoreError::Input(InputError::new(
            "name",
            crate::i18n::tf(
                "err.product_exists",
                &[("name", &other.name), ("id", &other.id)],
            ),
        )));
    }
    rows::update(
        conn,
        ctx,
        WHAT,
        "product",
        id,
        version,
        &columns(name, category, price),
        None,
    )
}

/// Every product, by category then name.
pub fn list(conn: &Connection) -> Result<Vec<Product>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM product ORDER BY coalesce(category, '') COLLATE NOCASE, name"
    ))?;
    let found = stmt
        .query_map([], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// A typed product name as the list spells it, or the text as typed when it names none.
pub fn canonical(conn: &Connection, typed: &str) -> Result<String> {
    Ok(find(conn, typed)?.map_or_else(|| typed.trim().to_string(), |p| p.name))
}
