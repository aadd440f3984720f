//! The whole book as one JSON document and back (`kehu export json`, `kehu import json`).
//!
//! Rows go out column by column, so a column added by a migration is exported without anyone
//! remembering to; each customer's records are nested under the customer. Cached columns (sort
//! keys, normal forms, totals, scores) are left out and recomputed on load, so an edited file can
//! never leave them out of step. Loading keeps every id and stamp, which is what makes
//! export → import into an empty database → export give the same file.

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Map, Value as Json};

use super::Ctx;
use super::error::{Result, StoreError};
use super::rows::to_json;
use crate::domain::input::{clean_line, clean_text, money, money_text};
use crate::domain::time::{format_timestamp, parse_timestamp};
use crate::i18n::{t, tf};

pub const FORMAT: &str = "kehu-export";
pub const VERSION: i64 = 2;

/// A table whose rows are nested under their customer, under `key`.
struct Child {
    key: &'static str,
    table: &'static str,
    order: &'static str,
}

const CHILDREN: &[Child] = &[
    Child {
        key: "contacts",
        table: "contact_person",
        order: "id",
    },
    Child {
        key: "interactions",
        table: "interaction",
        order: "id",
    },
    Child {
        key: "todos",
        table: "todo",
        order: "id",
    },
    Child {
        key: "purchases",
        table: "purchase",
        order: "id",
    },
    Child {
        key: "tickets",
        table: "ticket",
        order: "id",
    },
    Child {
        key: "surveys",
        table: "survey",
        order: "id",
    },
    Child {
        key: "deals",
        table: "deal",
        order: "id",
    },
    Child {
        key: "campaigns",
        table: "campaign_member",
        order: "campaign_id",
    },
    Child {
        key: "field_history",
        table: "customer_history",
        order: "id",
    },
    Child {
        key: "snoozes",
        table: "queue_snooze",
        order: "id",
    },
    Child {
        key: "history",
        table: "change_log",
        order: "id",
    },
];

/// Derived from other columns or rows: recomputed on load, never exported.
const CACHED: &[(&str, &str)] = &[
    ("customer", "sort_key"),
    ("customer", "email_norm"),
    ("customer", "phone_norm"),
    ("customer", "last_contact_at"),
    ("customer", "next_due"),
    ("customer", "purchase_total"),
    ("customer", "purchase_count"),
    ("customer", "last_purchase_on"),
    ("customer", "value_r"),
    ("customer", "value_f"),
    ("customer", "value_m"),
    ("customer", "value_score"),
    ("contact_person", "phone_norm"),
    ("contact_person", "email_norm"),
];
/// Text columns holding JSON: exported as JSON, not as a string of it.
const JSON_COLS: &[&str] = &["custom_fields", "before", "after"];
/// Integer minor units, exported as decimal text ("1250.00").
const MONEY_COLS: &[&str] = &["amount"];
const FLAG_COLS: &[&str] = &["pool_locked", "is_primary", "is_contact"];
/// Text columns that keep line breaks (everything else is one line).
const MULTILINE_COLS: &[&str] = &[
    "details",
    "needs",
    "service_needs",
    "comment",
    "note",
    "notes",
];
const DATE_COLS: &[&str] = &["on_date", "due", "birthday", "expected_close", "until"];

/// The exported columns of `table`, in schema order.
fn columns(conn: &Connection, table: &str, nested: bool) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names
        .into_iter()
        .filter(|n| !CACHED.contains(&(table, n.as_str())))
        .filter(|n| !(nested && n == "customer_id"))
        .collect())
}

fn encode(col: &str, v: Value) -> Json {
    match v {
        Value::Text(s) if JSON_COLS.contains(&col) => {
            serde_json::from_str(&s).unwrap_or(Json::String(s))
        }
        Value::Integer(i) if MONEY_COLS.contains(&col) => Json::String(money_text(i)),
        Value::Integer(i) if FLAG_COLS.contains(&col) => Json::Bool(i != 0),
        v => to_json(&v),
    }
}

/// Rows of `table` matching `filter` (SQL with at most one parameter), as JSON objects.
fn rows_of(
    conn: &Connection,
    table: &str,
    nested: bool,
    filter: &str,
    order: &str,
    param: Option<i64>,
) -> Result<Vec<Json>> {
    rows_with(
        conn,
        table,
        &columns(conn, table, nested)?,
        filter,
        order,
        param,
    )
}

/// [`rows_of`] with the columns already looked up (a large export asks a million times).
fn rows_with(
    conn: &Connection,
    table: &str,
    cols: &[String],
    filter: &str,
    order: &str,
    param: Option<i64>,
) -> Result<Vec<Json>> {
    let list = cols
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {list} FROM {table} WHERE {filter} ORDER BY {order}"
    ))?;
    let read = |r: &rusqlite::Row<'_>| {
        let mut map = Map::new();
        for (i, c) in cols.iter().enumerate() {
            map.insert(c.clone(), encode(c, r.get::<_, Value>(i)?));
        }
        Ok(Json::Object(map))
    };
    let found = match param {
        Some(p) => stmt
            .query_map([p], read)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => stmt
            .query_map([], read)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(found)
}

/// Everything that does not belong to one customer: format, settings, campaigns, to-dos of
/// nobody, and history whose customer is gone (erased) or was never one.
pub fn head(conn: &Connection) -> Result<Map<String, Json>> {
    let mut head = Map::new();
    head.insert("format".into(), FORMAT.into());
    head.insert("version".into(), VERSION.into());
    let settings: Map<String, Json> = super::settings::all(conn)?
        .into_iter()
        .map(|(k, v)| (k.to_string(), Json::String(v)))
        .collect();
    head.insert("settings".into(), Json::Object(settings));
    head.insert(
        "campaigns".into(),
        rows_of(conn, "campaign", false, "1", "id", None)?.into(),
    );
    head.insert(
        "todos".into(),
        rows_of(conn, "todo", false, "customer_id IS NULL", "id", None)?.into(),
    );
    head.insert(
        "history".into(),
        rows_of(
            conn,
            "change_log",
            false,
            "customer_id IS NULL OR customer_id NOT IN (SELECT id FROM customer)",
            "id",
            None,
        )?
        .into(),
    );
    Ok(head)
}

/// Calls `each` with every customer and their records, in id order, and how many there are.
pub fn each_customer(
    conn: &Connection,
    each: &mut dyn FnMut(Json, usize) -> Result<()>,
) -> Result<()> {
    // Ids first, then a customer at a time: the export never holds the whole book.
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM customer ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let customer_cols = columns(conn, "customer", false)?;
    let child_cols = CHILDREN
        .iter()
        .map(|c| columns(conn, c.table, true))
        .collect::<Result<Vec<_>>>()?;
    let mut tags = conn.prepare_cached(
        "SELECT t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id
         WHERE ct.customer_id = ?1 ORDER BY lower(t.name), t.name",
    )?;
    for &id in &ids {
        let Some(mut customer) =
            rows_with(conn, "customer", &customer_cols, "id = ?1", "id", Some(id))?.pop()
        else {
            continue;
        };
        if let Json::Object(map) = &mut customer {
            let names = tags
                .query_map([id], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            map.insert("tags".into(), names.into());
            for (child, cols) in CHILDREN.iter().zip(&child_cols) {
                let rows = rows_with(
                    conn,
                    child.table,
                    cols,
                    "customer_id = ?1",
                    child.order,
                    Some(id),
                )?;
                map.insert(child.key.into(), rows.into());
            }
        }
        each(customer, ids.len())?;
    }
    Ok(())
}

/// What a JSON import put in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub customers: usize,
    pub records: usize,
}

fn refused(at: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Refused(format!("{at}: {why}"))
}

/// A JSON value as the column's stored value, checked where the column has a known form.
fn decode(col: &str, v: &Json, at: &str) -> Result<Value> {
    let bad = |why: &str| refused(at, format!("'{col}' {why}"));
    Ok(match v {
        Json::Null => Value::Null,
        // Custom fields are user text; the change log's before/after images record stored values
        // exactly (a sort key holds a separator byte) and are made safe when shown.
        _ if col == "custom_fields" => Value::Text(cleaned_json(v).to_string()),
        _ if JSON_COLS.contains(&col) => Value::Text(v.to_string()),
        // An amount is the documented text (`"1200.50"`) or a number of whole units with at
        // most two decimals (`1200`, `12.5`) — never fen. Its error names the record.
        Json::String(s) if MONEY_COLS.contains(&col) => {
            Value::Integer(money(col, s).map_err(|e| bad(&e.reason))?)
        }
        Json::Number(n) if MONEY_COLS.contains(&col) => {
            Value::Integer(money(col, &n.to_string()).map_err(|e| bad(&e.reason))?)
        }
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Integer(i),
            (None, Some(f)) => Value::Real(f),
            _ => return Err(bad(t("restore.number_range"))),
        },
        Json::String(s) => {
            let is_stamp = col == "at" || col.ends_with("_at");
            if is_stamp && parse_timestamp(s).map(format_timestamp).as_deref() != Some(s) {
                return Err(bad(t("restore.timestamp")));
            }
            if DATE_COLS.contains(&col) && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
            {
                return Err(bad(t("restore.date")));
            }
            // E-mail addresses and phone numbers pass the checks every other way in applies.
            if col == "email" {
                crate::domain::input::email(s).map_err(|e| bad(&e.reason))?;
            }
            if col == "phone" {
                crate::domain::input::phone(s).map_err(|e| bad(&e.reason))?;
            }
            // Text is cleaned as every other way in cleans it (CSV import, forms, the command
            // line): no control character or escape sequence enters the database.
            if MULTILINE_COLS.contains(&col) {
                Value::Text(clean_text(s))
            } else {
                Value::Text(clean_line(s))
            }
        }
        Json::Array(_) | Json::Object(_) => {
            return Err(bad(t("restore.not_a_value")));
        }
    })
}

/// A JSON value with every string in it cleaned of control characters.
fn cleaned_json(v: &Json) -> Json {
    match v {
        Json::String(s) => Json::String(clean_text(s)),
        Json::Array(items) => Json::Array(items.iter().map(cleaned_json).collect()),
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (clean_line(k), cleaned_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn as_list<'a>(v: Option<&'a Json>, at: &str) -> Result<&'a [Json]> {
    match v {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Array(a)) => Ok(a),
        Some(_) => Err(refused(at, "must be a list")),
    }
}

/// Inserts one row; `skip` names the keys handled by the caller (nested lists).
fn insert(
    conn: &Connection,
    table: &str,
    row: &Json,
    allowed: &[String],
    skip: &[&str],
    extra: &[(&str, Value)],
    at: &str,
) -> Result<()> {
    let Json::Object(map) = row else {
        return Err(refused(at, "must be an object"));
    };
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (k, v) in map {
        if skip.contains(&k.as_str()) {
            continue;
        }
        if !allowed.contains(k) {
            return Err(refused(at, tf("restore.unknown_field", &[("field", k)])));
        }
        names.push(format!("\"{k}\""));
        values.push(decode(k, v, at)?);
    }
    for (k, v) in extra {
        names.push(format!("\"{k}\""));
        values.push(v.clone());
    }
    let marks = vec!["?"; names.len()].join(", ");
    conn.prepare_cached(&format!(
        "INSERT INTO {table} ({}) VALUES ({marks})",
        names.join(", ")
    ))?
    .execute(params_from_iter(values))
    .map_err(|e| refused(at, e))?;
    Ok(())
}

/// Loads an export into an empty database, keeping every id and stamp. All or nothing: the
/// caller runs this inside one write transaction.
pub fn load(
    conn: &Connection,
    ctx: &Ctx,
    doc: &Json,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Loaded> {
    if doc.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(StoreError::Refused(t("restore.not_export").into()));
    }
    match doc.get("version").and_then(Json::as_i64) {
        Some(VERSION) => {}
        Some(v) if v > VERSION => {
            return Err(StoreError::Refused(tf("restore.newer", &[("v", &v)])));
        }
        v => {
            let v = v.map_or("(none)".into(), |v| v.to_string());
            return Err(StoreError::Refused(tf("restore.older", &[("v", &v)])));
        }
    }
    let held: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM customer) + (SELECT count(*) FROM campaign) + (SELECT count(*) FROM todo)",
        [],
        |r| r.get(0),
    )?;
    if held > 0 {
        return Err(StoreError::Refused(t("restore.not_empty").into()));
    }
    // Rows refer to each other in any order (a to-do to the one it was spawned from): checked at commit.
    conn.execute_batch("PRAGMA defer_foreign_keys = ON; DELETE FROM change_log;")?;
    if let Some(settings) = doc.get("settings").and_then(Json::as_object) {
        for (k, v) in settings {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            super::settings::restore(conn, ctx, k, &text).map_err(|e| refused("settings", e))?;
        }
    }
    let mut loaded = Loaded::default();
    for (key, table) in [
        ("campaigns", "campaign"),
        ("todos", "todo"),
        ("history", "change_log"),
    ] {
        let allowed = columns(conn, table, false)?;
        for (i, row) in as_list(doc.get(key), key)?.iter().enumerate() {
            insert(conn, table, row, &allowed, &[], &[], &format!("{key}[{i}]"))?;
            loaded.records += 1;
        }
    }
    let customer_cols = columns(conn, "customer", false)?;
    let child_cols = CHILDREN
        .iter()
        .map(|c| columns(conn, c.table, true))
        .collect::<Result<Vec<_>>>()?;
    let mut nested: Vec<&str> = CHILDREN.iter().map(|c| c.key).collect();
    nested.push("tags");
    let mut ids = Vec::new();
    let all = as_list(doc.get("customers"), "customers")?;
    for (i, customer) in all.iter().enumerate() {
        if i % 500 == 0 {
            progress(i, all.len());
        }
        let at = format!("customers[{i}]");
        let Some(id) = customer.get("id").and_then(Json::as_i64) else {
            return Err(refused(&at, "has no numeric 'id'"));
        };
        let at = format!("customers[{i}] (id {id})");
        // The sort key is NOT NULL; it is computed from the name below.
        let unsorted = [("sort_key", Value::Text(String::new()))];
        insert(
            conn,
            "customer",
            customer,
            &customer_cols,
            &nested,
            &unsorted,
            &at,
        )?;
        for (j, tag) in as_list(customer.get("tags"), &at)?.iter().enumerate() {
            let Some(name) = tag.as_str() else {
                return Err(refused(&format!("{at}.tags[{j}]"), "must be text"));
            };
            let name = clean_line(name);
            if !name.is_empty() {
                super::customers::link_tag(conn, id, &name)?;
            }
        }
        for (child, allowed) in CHILDREN.iter().zip(&child_cols) {
            for (j, row) in as_list(customer.get(child.key), &at)?.iter().enumerate() {
                let at = format!("{at}.{}[{j}]", child.key);
                insert(
                    conn,
                    child.table,
                    row,
                    allowed,
                    &[],
                    &[("customer_id", Value::Integer(id))],
                    &at,
                )?;
                loaded.records += 1;
            }
        }
        ids.push((id, at));
    }
    for (id, at) in &ids {
        super::customers::refresh_keys(conn, *id).map_err(|e| refused(at, e))?;
        super::customers::refresh_derived(conn, *id)?;
    }
    let contacts: Vec<i64> = conn
        .prepare("SELECT id FROM contact_person")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in contacts {
        super::contacts::refresh_keys(conn, id)
            .map_err(|e| refused(&format!("contact {id}"), e))?;
    }
    super::value::refresh_all(conn, ctx.clock.today())?;
    progress(all.len(), all.len());
    loaded.customers = ids.len();
    // Ids of customers erased before the export stay unused in this copy too.
    super::migrate::raise_sequences(conn)?;
    Ok(loaded)
}
