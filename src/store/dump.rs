//! The whole book as one JSON document and back (`kehu export json`, `kehu import json`).
//!
//! Rows go out column by column, so a column added by a migration is exported without anyone
//! remembering to; each customer's records are nested under the customer. Cached columns (sort
//! keys, normal forms, totals, scores) are left out and recomputed on load, so an edited file can
//! never leave them out of step. Loading keeps every id and stamp, which is what makes
//! export → import into an empty database → export give the same file.

use std::collections::HashSet;

use crate::store::db::Value;
use crate::store::db::{Connection, params_from_iter};
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
        key: "agreements",
        table: "agreement",
        order: "id",
    },
    Child {
        key: "points",
        table: "points_entry",
        order: "id",
    },
    Child {
        key: "coupons",
        table: "coupon",
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
const MONEY_COLS: &[&str] = &["amount", "price", "discount"];
const FLAG_COLS: &[&str] = &["pool_locked", "is_primary", "is_contact", "win_back"];
/// Text columns that keep line breaks (everything else is one line).
const MULTILINE_COLS: &[&str] = &[
    "details",
    "needs",
    "service_needs",
    "comment",
    "note",
    "notes",
];
const DATE_COLS: &[&str] = &[
    "on_date",
    "due",
    "birthday",
    "expected_close",
    "until",
    "starts_on",
    "ends_on",
    "valid_from",
    "valid_until",
    "redeemed_on",
];

/// The exported columns of `table`, in schema order.
fn columns(conn: &Connection, table: &str, nested: bool) -> Result<Vec<String>> {
    Ok(super::rows::table_columns(conn, table)?
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
    let read = |r: &crate::store::db::Row<'_>| {
        let mut map = Map::new();
        for (i, c) in cols.iter().enumerate() {
            map.insert(c.clone(), encode(c, r.get::<_, Value>(i)?));
        }
        Ok(Json::Object(map))
    };
    let found = match param {
        Some(p) => stmt
            .query_map([p], read)?
            .collect::<crate::store::db::RowResult<Vec<_>>>()?,
        None => stmt
            .query_map([], read)?
            .collect::<crate::store::db::RowResult<Vec<_>>>()?,
    };
    Ok(found)
}

/// Everything that does not belong to one customer: format, settings, campaigns, to-dos of
/// nobody, and history whose customer is gone (erased) or was never one.
pub fn head(conn: &Connection) -> Result<Map<String, Json>> {
    let mut head = Map::new();
    head.insert("format".into(), FORMAT.into());
    head.insert("version".into(), VERSION.into());
    let mut settings: Map<String, Json> = super::settings::all(conn)?
        .into_iter()
        .map(|(k, v)| (k.to_string(), Json::String(v)))
        .collect();
    for t in super::settings::all_targets(conn)? {
        settings.insert(t.key(), Json::String(t.stored()));
    }
    head.insert("settings".into(), Json::Object(settings));
    head.insert(
        "campaigns".into(),
        rows_of(conn, "campaign", false, "1 = 1", "id", None)?.into(),
    );
    head.insert(
        "products".into(),
        rows_of(conn, "product", false, "1 = 1", "id", None)?.into(),
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
        .collect::<crate::store::db::RowResult<_>>()?;
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
                .collect::<crate::store::db::RowResult<Vec<_>>>()?;
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
    allowed: &HashSet<String>,
    skip: &[&str],
    extra: &[(&str, Value)],
    at: &str,
) -> Result<()> {
    let Json::Object(map) = row else {
        return Err(refused(at, "must be an object"));
    };
    // The statement names the columns the record has (an export leaves empty ones out), so
    // records of one shape share one cached statement.
    let mut sql = format!("INSERT INTO {table} (");
    let mut values = Vec::with_capacity(map.len() + extra.len());
    for (k, v) in map {
        if skip.contains(&k.as_str()) {
            continue;
        }
        if !allowed.contains(k.as_str()) {
            return Err(refused(at, tf("restore.unknown_field", &[("field", k)])));
        }
        if !values.is_empty() {
            sql.push_str(", ");
        }
        // Names are known columns: checked just above.
        sql.push('"');
        sql.push_str(k);
        sql.push('"');
        values.push(decode(k, v, at)?);
    }
    for (k, v) in extra {
        if !values.is_empty() {
            sql.push_str(", ");
        }
        sql.push('"');
        sql.push_str(k);
        sql.push('"');
        values.push(v.clone());
    }
    sql.push_str(") VALUES (");
    for i in 0..values.len() {
        sql.push_str(if i == 0 { "?" } else { ", ?" });
    }
    sql.push(')');
    conn.prepare_cached(&sql)?
        .execute(params_from_iter(values))
        .map_err(|e| refused(at, e))?;
    Ok(())
}

/// Loads an export into an empty database as it is read, keeping every id and stamp: the
/// customers' list, which is most of a large book, a customer at a time (a 400 MB export never
/// sits in memory whole). All or nothing: the caller runs this inside one write transaction.
/// `progress` gets (customers read, customers expected from the share of the file read).
pub fn load(
    conn: &Connection,
    ctx: &Ctx,
    input: &mut dyn ReadSeek,
    size: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Loaded> {
    let not_json =
        |e: &dyn std::fmt::Display| StoreError::Refused(tf("restore.not_json", &[("why", &e)]));
    // A first pass reads only the format and the version, wherever they are (a script that
    // rewrote the file may have sorted its keys), skipping the rest without keeping it; it stops
    // as soon as it has both (kehu writes them first).
    let (format, version) = {
        let mut reader = serde_json::Deserializer::from_reader(
            without_bom(&mut *input).map_err(|e| not_json(&e))?,
        );
        let mut head = (None, None);
        let read = serde::de::DeserializeSeed::deserialize(HeadOnly(&mut head), &mut reader)
            .and_then(|()| reader.end());
        match (read, head) {
            (_, (Some(format), Some(version))) => (Some(format), Some(version)),
            (Ok(()), head) => head,
            (Err(e), _) => return Err(not_json(&e)),
        }
    };
    input
        .seek(std::io::SeekFrom::Start(0))
        .map_err(|e| not_json(&e))?;
    let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let counted = Counted {
        inner: without_bom(input).map_err(|e| not_json(&e))?,
        read: read.clone(),
    };
    let mut loader = Loader {
        conn,
        ctx,
        format,
        version,
        started: false,
        loaded: Loaded::default(),
        customer_cols: columns(conn, "customer", false)?.into_iter().collect(),
        child_cols: CHILDREN
            .iter()
            .map(|c| Ok(columns(conn, c.table, true)?.into_iter().collect()))
            .collect::<Result<Vec<_>>>()?,
        ids: Vec::new(),
        failed: None,
        progress,
        read,
        size,
        aside: None,
    };
    let mut reader = serde_json::Deserializer::from_reader(counted);
    let parsed = serde::de::DeserializeSeed::deserialize(Document(&mut loader), &mut reader)
        .and_then(|()| reader.end());
    if let Some(e) = loader.failed.take() {
        return Err(e);
    }
    parsed.map_err(|e| not_json(&e))?;
    loader.finish()
}

/// What a document is read from: twice, so it must seek.
pub trait ReadSeek: std::io::Read + std::io::Seek {}
impl<T: std::io::Read + std::io::Seek> ReadSeek for T {}

/// `input`, buffered, past a byte-order mark (an editor's; no part of the JSON).
fn without_bom(input: &mut dyn ReadSeek) -> std::io::Result<std::io::BufReader<&mut dyn ReadSeek>> {
    let mut buffered = std::io::BufReader::with_capacity(1 << 16, input);
    let bom = std::io::BufRead::fill_buf(&mut buffered)?.starts_with(b"\xef\xbb\xbf");
    if bom {
        std::io::BufRead::consume(&mut buffered, 3);
    }
    Ok(buffered)
}

/// The document's format and version, everything else skipped. Having both, it stops the read
/// with an error the caller does not report.
struct HeadOnly<'h>(&'h mut (Option<Json>, Option<Json>));

impl<'de> serde::de::DeserializeSeed<'de> for HeadOnly<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for HeadOnly<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a kehu export (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => self.0.0 = Some(map.next_value()?),
                "version" => self.0.1 = Some(map.next_value()?),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            if self.0.0.is_some() && self.0.1.is_some() {
                return Err(serde::de::Error::custom("format and version read"));
            }
        }
        Ok(())
    }
}

/// A reader that counts what it has read, for progress.
struct Counted<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

struct Loader<'c, 'p> {
    conn: &'c Connection,
    ctx: &'c Ctx,
    format: Option<Json>,
    version: Option<Json>,
    started: bool,
    loaded: Loaded,
    customer_cols: HashSet<String>,
    child_cols: Vec<HashSet<String>>,
    /// Each customer loaded, with where it was in the file, for the keys refreshed at the end.
    ids: Vec<(i64, String)>,
    /// The error that stopped the read (serde carries only text).
    failed: Option<StoreError>,
    progress: &'p mut dyn FnMut(usize, usize),
    read: std::rc::Rc<std::cell::Cell<u64>>,
    size: u64,
    /// The book's indexes, built once when its rows are in.
    aside: Option<super::deferred_indexes::SetAside>,
}

impl Loader<'_, '_> {
    /// Stops the read with `e`, kept for the caller.
    fn fail<E: serde::de::Error>(&mut self, e: StoreError) -> E {
        let text = e.to_string();
        self.failed = Some(e);
        E::custom(text)
    }

    /// Checks the document is an export kehu can read, and the database empty, before the first
    /// record (kehu writes `format` and `version` first).
    fn start(&mut self) -> Result<()> {
        if self.started {
            return Ok(());
        }
        if self.format.as_ref().and_then(Json::as_str) != Some(FORMAT) {
            return Err(StoreError::Refused(t("restore.not_export").into()));
        }
        match self.version.as_ref().and_then(Json::as_i64) {
            Some(VERSION) => {}
            Some(v) if v > VERSION => {
                return Err(StoreError::Refused(tf("restore.newer", &[("v", &v)])));
            }
            v => {
                let v = v.map_or("(none)".into(), |v| v.to_string());
                return Err(StoreError::Refused(tf("restore.older", &[("v", &v)])));
            }
        }
        let held: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM customer) + (SELECT count(*) FROM campaign) + (SELECT count(*) FROM todo)",
            [],
            |r| r.get(0),
        )?;
        if held > 0 {
            return Err(StoreError::Refused(t("restore.not_empty").into()));
        }
        // Rows refer to each other in any order (a to-do to the one it was spawned from):
        // checked at commit.
        self.conn
            .execute_batch(super::db::defer_references(self.conn.is_server()))?;
        self.conn.execute_batch("DELETE FROM change_log")?;
        // A whole book in one transaction: with SQLite's default 2 MB page cache the pages
        // spill and are read back again and again (36 s for a 100,000-customer export; 18 s with
        // 64 MB). Set back when the load ends.
        if !self.conn.is_server() {
            self.conn.execute_batch("PRAGMA cache_size = -65536")?;
        }
        self.aside = Some(super::deferred_indexes::SetAside::all(self.conn)?);
        self.started = true;
        Ok(())
    }

    /// A top-level entry other than the customers' list.
    fn field(&mut self, key: &str, value: Json) -> Result<()> {
        match key {
            // Read in the first pass.
            "format" | "version" => {}
            "settings" => {
                self.start()?;
                if let Some(settings) = value.as_object() {
                    for (k, v) in settings {
                        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                        super::settings::restore(self.conn, self.ctx, k, &text)
                            .map_err(|e| refused("settings", e))?;
                    }
                }
            }
            "campaigns" | "products" | "todos" | "history" => {
                self.start()?;
                let table = match key {
                    "campaigns" => "campaign",
                    "products" => "product",
                    "todos" => "todo",
                    _ => "change_log",
                };
                let allowed = columns(self.conn, table, false)?.into_iter().collect();
                for (i, row) in as_list(Some(&value), key)?.iter().enumerate() {
                    insert(
                        self.conn,
                        table,
                        row,
                        &allowed,
                        &[],
                        &[],
                        &format!("{key}[{i}]"),
                    )?;
                    self.loaded.records += 1;
                }
            }
            // Unknown keys are left alone, as before: a later kehu may add some.
            _ => {}
        }
        Ok(())
    }

    fn customer(&mut self, i: usize, customer: &Json) -> Result<()> {
        self.start()?;
        if i.is_multiple_of(500) {
            let read = self.read.get();
            let expected = (i as u64)
                .saturating_mul(self.size)
                .checked_div(read)
                .unwrap_or(i as u64);
            (self.progress)(
                i,
                usize::try_from(expected.max(i as u64)).unwrap_or(usize::MAX),
            );
        }
        let conn = self.conn;
        let at = format!("customers[{i}]");
        let Some(id) = customer.get("id").and_then(Json::as_i64) else {
            return Err(refused(&at, "has no numeric 'id'"));
        };
        let at = format!("customers[{i}] (id {id})");
        let mut nested: Vec<&str> = CHILDREN.iter().map(|c| c.key).collect();
        nested.push("tags");
        // The sort key is NOT NULL; it is computed from the name at the end.
        let unsorted = [("sort_key", Value::Text(String::new()))];
        insert(
            conn,
            "customer",
            customer,
            &self.customer_cols,
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
        for (child, allowed) in CHILDREN.iter().zip(&self.child_cols) {
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
                self.loaded.records += 1;
            }
        }
        self.ids.push((id, at));
        Ok(())
    }

    fn finish(mut self) -> Result<Loaded> {
        self.start()?;
        let conn = self.conn;
        for (id, at) in &self.ids {
            super::customers::refresh_keys(conn, *id).map_err(|e| refused(at, e))?;
        }
        // What follows reads customers' records through their indexes. A server builds no index
        // on a table with references still to check: check them now (a broken one fails here).
        if conn.is_server() {
            conn.execute_batch("SET CONSTRAINTS ALL IMMEDIATE")?;
        }
        if let Some(aside) = self.aside.take() {
            aside.restore(conn)?;
        }
        // One statement for every customer's cached figures (the book holds only these).
        super::customers::refresh_all_derived(conn)?;
        let contacts: Vec<i64> = conn
            .prepare("SELECT id FROM contact_person")?
            .query_map([], |r| r.get(0))?
            .collect::<crate::store::db::RowResult<_>>()?;
        for id in contacts {
            super::contacts::refresh_keys(conn, id)
                .map_err(|e| refused(&format!("contact {id}"), e))?;
        }
        super::value::refresh_all(conn, self.ctx.clock.today())?;
        let n = self.ids.len();
        (self.progress)(n, n);
        self.loaded.customers = n;
        // Ids of customers erased before the export stay unused in this copy too.
        super::migrate::raise_sequences(conn)?;
        if !conn.is_server() {
            conn.execute_batch("PRAGMA cache_size = -2000")?;
        }
        Ok(self.loaded)
    }
}

/// The export document: its top-level entries in the order written, the customers' list read
/// one customer at a time.
struct Document<'l, 'c, 'p>(&'l mut Loader<'c, 'p>);

impl<'de> serde::de::DeserializeSeed<'de> for Document<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Document<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a kehu export (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "customers" {
                map.next_value_seed(Customers(&mut *self.0))?;
            } else {
                let value: Json = map.next_value()?;
                if let Err(e) = self.0.field(&key, value) {
                    return Err(self.0.fail(e));
                }
            }
        }
        Ok(())
    }
}

/// The customers' list, loaded element by element.
struct Customers<'l, 'c, 'p>(&'l mut Loader<'c, 'p>);

impl<'de> serde::de::DeserializeSeed<'de> for Customers<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Customers<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of customers")
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<(), A::Error> {
        let mut i = 0;
        while let Some(customer) = seq.next_element::<Json>()? {
            if let Err(e) = self.0.customer(i, &customer) {
                return Err(self.0.fail(e));
            }
            i += 1;
        }
        Ok(())
    }
}
