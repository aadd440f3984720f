//! Contact persons at a (business) customer.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};

use super::Ctx;
use super::customers;
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::{ContactFields, ContactPerson, input};

const WHAT: &str = "contact person";
const COLS: &str = "id, customer_id, name, title, phone, email, is_primary";

fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<ContactPerson> {
    Ok(ContactPerson {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        name: row.get(2)?,
        title: row.get(3)?,
        phone: row.get(4)?,
        email: row.get(5)?,
        primary: row.get::<_, i64>(6)? != 0,
        audit: rows::audit(row, 7)?,
    })
}

fn columns(f: &ContactFields) -> Vec<(&'static str, Value)> {
    vec![
        ("name", Value::Text(f.name.clone())),
        ("title", text(f.title.as_deref())),
        ("phone", text(f.phone.as_deref())),
        (
            "phone_norm",
            text(
                f.phone
                    .as_deref()
                    .map(|p| input::phone(p).map_or_else(|_| input::phone_digits(p), |(_, n)| n))
                    .as_deref(),
            ),
        ),
        ("email", text(f.email.as_deref())),
        (
            "email_norm",
            text(f.email.as_deref().map(str::to_lowercase).as_deref()),
        ),
        ("is_primary", Value::Integer(i64::from(f.primary))),
    ]
}

/// Only one primary contact per customer: marking one clears the others.
fn clear_other_primaries(conn: &Connection, ctx: &Ctx, customer_id: i64, keep: i64) -> Result<()> {
    let others: Vec<(i64, i64)> = {
        let mut stmt = conn.prepare_cached("SELECT id, version FROM contact_person WHERE customer_id = ?1 AND is_primary = 1 AND id <> ?2")?;
        stmt.query_map([customer_id, keep], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<crate::store::db::RowResult<_>>()?
    };
    for (id, version) in others {
        rows::update(
            conn,
            ctx,
            WHAT,
            "contact_person",
            id,
            version,
            &[("is_primary", Value::Integer(0))],
            Some(customer_id),
        )?;
    }
    Ok(())
}

pub fn add(conn: &Connection, ctx: &Ctx, customer_id: i64, fields: &ContactFields) -> Result<i64> {
    customers::get(conn, customer_id)?;
    let mut cols = columns(fields);
    cols.insert(0, ("customer_id", Value::Integer(customer_id)));
    let id = rows::insert(conn, ctx, "contact_person", &cols, Some(customer_id))?;
    if fields.primary {
        clear_other_primaries(conn, ctx, customer_id, id)?;
    }
    Ok(id)
}

pub fn get(conn: &Connection, id: i64) -> Result<ContactPerson> {
    super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM contact_person WHERE id = ?1"),
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
    fields: &ContactFields,
) -> Result<bool> {
    let current = get(conn, id)?;
    let changed = rows::update(
        conn,
        ctx,
        WHAT,
        "contact_person",
        id,
        version,
        &columns(fields),
        Some(current.customer_id),
    )?;
    if fields.primary {
        clear_other_primaries(conn, ctx, current.customer_id, id)?;
    }
    Ok(changed)
}

pub fn delete(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<()> {
    let current = get(conn, id)?;
    rows::delete(
        conn,
        ctx,
        WHAT,
        "contact_person",
        id,
        version,
        Some(current.customer_id),
    )
}

/// A customer's contact persons, primary first.
pub fn for_customer(conn: &Connection, customer_id: i64) -> Result<Vec<ContactPerson>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM contact_person WHERE customer_id = ?1 ORDER BY is_primary DESC, id"
    ))?;
    let found = stmt
        .query_map([customer_id], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Recomputes a contact person's normal forms from the stored phone and e-mail (after a JSON
/// import, which never trusts cached columns from a file).
pub(crate) fn refresh_keys(conn: &Connection, id: i64) -> Result<()> {
    let p = get(conn, id)?;
    let cols = columns(&ContactFields {
        name: p.name,
        title: p.title,
        phone: p.phone,
        email: p.email,
        primary: p.primary,
    });
    let keyed = |name: &str| rows::value_of(&cols, name);
    rows::exec(
        conn,
        "UPDATE contact_person SET phone_norm = ?2, email_norm = ?3 WHERE id = ?1",
        rusqlite::params![id, keyed("phone_norm"), keyed("email_norm")],
    )?;
    Ok(())
}
