//! Shared write mechanics: audited inserts, optimistic updates and deletes, the change log.
//! Table and column names passed here are constants of this crate, never user input.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row, params_from_iter};
use rusqlite::params;
use serde_json::{Map, Value as Json};

use super::error::{Result, StoreError};
use super::{AppendTo, Ctx};
use crate::domain::Audit;

/// The audit columns every mutable table ends its SELECT list with, in this order.
pub const AUDIT_COLS: &str = "created_at, created_by, updated_at, updated_by, version";

/// Runs one statement through the connection's statement cache: imports and batches repeat the
/// same statements thousands of times.
pub fn exec(conn: &Connection, sql: &str, params: impl crate::store::db::Params) -> Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// One row through the statement cache (`Connection::query_row` compiles its SQL every time,
/// which dominated a 100,000-row import).
pub fn query_one<T>(
    conn: &Connection,
    sql: &str,
    params: impl crate::store::db::Params,
    f: impl FnOnce(&Row<'_>) -> crate::store::db::RowResult<T>,
) -> Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

pub fn audit(row: &Row<'_>, start: usize) -> crate::store::db::RowResult<Audit> {
    Ok(Audit {
        created_at: row.get(start)?,
        created_by: row.get(start + 1)?,
        updated_at: row.get(start + 2)?,
        updated_by: row.get(start + 3)?,
        version: row.get(start + 4)?,
    })
}

/// A table's columns, in schema order (`pragma_table_info`, which a server book has too).
pub fn table_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(names)
}

/// The value of column `name` in a column list (NULL if it is not there).
pub fn value_of(cols: &[(&str, Value)], name: &str) -> Value {
    cols.iter()
        .find(|(k, _)| *k == name)
        .map_or(Value::Null, |(_, v)| v.clone())
}

pub fn text(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::Text(s.to_string()))
}

pub fn int(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Integer)
}

pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Text(s) => Json::String(s.clone()),
        Value::Blob(b) => Json::String(format!("<{} bytes>", b.len())),
    }
}

/// A new row's log entry: the values it was given. Empty columns say nothing there (they were
/// a third of the change log a 100,000-row import wrote).
#[cfg(test)]
fn json_object(cols: &[(&str, Value)], also: Map<String, Json>) -> Json {
    let mut object: Map<String, Json> = cols
        .iter()
        .filter(|(_, v)| *v != Value::Null)
        .map(|(k, v)| (k.to_string(), to_json(v)))
        .collect();
    object.extend(also);
    Json::Object(object)
}

/// [`json_object`]'s text, written straight from the columns: an import logs a new row for
/// every line, and building the object first (a map of copied keys and values) was a tenth of
/// its time. Keys in order, `also` winning over a column of the same name, as the object has.
fn json_object_text(cols: &[(&str, Value)], also: &Map<String, Json>) -> String {
    enum Entry<'a> {
        Column(&'a Value),
        Also(&'a Json),
    }
    let mut entries: Vec<(&str, Entry<'_>)> = cols
        .iter()
        .filter(|(k, v)| *v != Value::Null && !also.contains_key(*k))
        .map(|(k, v)| (*k, Entry::Column(v)))
        .chain(also.iter().map(|(k, v)| (k.as_str(), Entry::Also(v))))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<u8> = Vec::with_capacity(64 + 24 * entries.len());
    out.push(b'{');
    for (i, (key, entry)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing JSON into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, key);
        out.push(b':');
        let _ = match entry {
            Entry::Column(Value::Text(s)) => serde_json::to_writer(&mut out, s),
            Entry::Column(Value::Integer(n)) => serde_json::to_writer(&mut out, n),
            Entry::Column(v) => serde_json::to_writer(&mut out, &to_json(v)),
            Entry::Also(v) => serde_json::to_writer(&mut out, v),
        };
    }
    out.push(b'}');
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends one change-log entry.
#[allow(clippy::too_many_arguments)]
pub fn log(
    conn: &Connection,
    ctx: &Ctx,
    table: &str,
    row_id: i64,
    customer_id: Option<i64>,
    action: &str,
    before: Option<&Json>,
    after: Option<&Json>,
) -> Result<()> {
    log_text(
        conn,
        ctx,
        table,
        row_id,
        customer_id,
        action,
        before.map(Json::to_string),
        after.map(Json::to_string),
    )
}

/// [`log`] with the entry's images already written as JSON text.
#[allow(clippy::too_many_arguments)]
fn log_text(
    conn: &Connection,
    ctx: &Ctx,
    table: &str,
    row_id: i64,
    customer_id: Option<i64>,
    action: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    if let Some(mut appends) = ctx.gathered() {
        return appends.push(
            conn,
            AppendTo::ChangeLog,
            [
                Value::Text(ctx.clock.stamp()),
                Value::Text(ctx.user.clone()),
                Value::Text(table.to_string()),
                Value::Integer(row_id),
                int(customer_id),
                Value::Text(action.to_string()),
                before.map_or(Value::Null, Value::Text),
                after.map_or(Value::Null, Value::Text),
            ],
        );
    }
    exec(
        conn,
        "INSERT INTO change_log (at, by, table_name, row_id, customer_id, action, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            ctx.clock.stamp(),
            ctx.user,
            table,
            row_id,
            customer_id,
            action,
            before,
            after
        ],
    )?;
    Ok(())
}

/// Inserts a row stamped with who and when, logs it, and returns its id.
pub fn insert(
    conn: &Connection,
    ctx: &Ctx,
    table: &str,
    cols: &[(&str, Value)],
    customer_id: Option<i64>,
) -> Result<i64> {
    insert_noting(conn, ctx, table, cols, customer_id, Map::new())
}

/// [`insert`], its log entry also noting `also` (what a new customer was given beside its own
/// columns: their tags), so one write is one entry.
pub fn insert_noting(
    conn: &Connection,
    ctx: &Ctx,
    table: &str,
    cols: &[(&str, Value)],
    customer_id: Option<i64>,
    also: Map<String, Json>,
) -> Result<i64> {
    let id = insert_unlogged(conn, ctx, table, cols)?;
    log_insert(conn, ctx, table, id, cols, customer_id, &also)?;
    Ok(id)
}

/// Inserts a row stamped with who and when and returns its id, leaving its log entry to the
/// caller ([`log_insert`]): a write that makes several rows as one step logs them in one entry.
pub fn insert_unlogged(
    conn: &Connection,
    ctx: &Ctx,
    table: &str,
    cols: &[(&str, Value)],
) -> Result<i64> {
    let stamp = Value::Text(ctx.clock.stamp());
    let user = Value::Text(ctx.user.clone());
    // Written into one string: an import inserts a row of each kind per line of its file.
    let mut sql = String::with_capacity(64 + cols.len() * 20);
    sql.push_str("INSERT INTO ");
    sql.push_str(table);
    sql.push_str(" (");
    for (name, _) in cols {
        sql.push_str(name);
        sql.push_str(", ");
    }
    sql.push_str("created_at, created_by, updated_at, updated_by, version) VALUES (");
    sql.push_str(&"?, ".repeat(cols.len()));
    sql.push_str("?, ?, ?, ?, 1)");
    let values = cols
        .iter()
        .map(|(_, v)| v)
        .chain([&stamp, &user, &stamp, &user]);
    exec(conn, &sql, params_from_iter(values))?;
    conn.last_insert_rowid()
}

/// The log entry of row `id` just inserted with `cols`, also noting `also`.
pub fn log_insert(
    conn: &Connection,
    ctx: &Ctx,
    table: &str,
    id: i64,
    cols: &[(&str, Value)],
    customer_id: Option<i64>,
    also: &Map<String, Json>,
) -> Result<()> {
    // A new customer's own log entry belongs to them (their id is known only now).
    let customer_id = customer_id.or((table == "customer").then_some(id));
    log_text(
        conn,
        ctx,
        table,
        id,
        customer_id,
        "insert",
        None,
        Some(json_object_text(cols, also)),
    )
}

/// The version and last writer of a row, or `NotFound`.
fn current_version(
    conn: &Connection,
    what: &'static str,
    table: &str,
    id: i64,
) -> Result<(i64, String, String)> {
    query_one(
        conn,
        &format!("SELECT version, updated_by, updated_at FROM {table} WHERE id = ?1"),
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or(StoreError::NotFound { what, id })
}

/// Refuses with `Conflict` unless the row is still at `expected` version.
pub fn check_version(
    conn: &Connection,
    what: &'static str,
    table: &str,
    id: i64,
    expected: i64,
) -> Result<()> {
    let (version, by, at) = current_version(conn, what, table, id)?;
    if version != expected {
        return Err(StoreError::Conflict {
            what,
            id,
            by,
            at,
            current_version: version,
        });
    }
    Ok(())
}

/// Optimistic update: writes only the columns whose values differ, only if the row is still at
/// `expected` version, bumps the version and logs the fields before → after. Returns whether
/// anything changed.
#[allow(clippy::too_many_arguments)]
pub fn update(
    conn: &Connection,
    ctx: &Ctx,
    what: &'static str,
    table: &str,
    id: i64,
    expected: i64,
    cols: &[(&str, Value)],
    customer_id: Option<i64>,
) -> Result<bool> {
    check_version(conn, what, table, id, expected)?;
    let names: Vec<&str> = cols.iter().map(|(k, _)| *k).collect();
    let current: Vec<Value> = query_one(
        conn,
        &format!("SELECT {} FROM {table} WHERE id = ?1", names.join(", ")),
        [id],
        |r| (0..names.len()).map(|i| r.get::<_, Value>(i)).collect(),
    )?;
    let changed: Vec<(usize, &(&str, Value))> = cols
        .iter()
        .enumerate()
        .filter(|(i, (_, new))| !same_value(&current[*i], new))
        .collect();
    if changed.is_empty() {
        return Ok(false);
    }
    let sets: Vec<String> = changed
        .iter()
        .map(|(_, (k, _))| format!("{k} = ?"))
        .collect();
    let sql = format!(
        "UPDATE {table} SET {}, updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ? AND version = ?",
        sets.join(", ")
    );
    let mut values: Vec<Value> = changed.iter().map(|(_, (_, v))| v.clone()).collect();
    values.extend([
        Value::Text(ctx.clock.stamp()),
        Value::Text(ctx.user.clone()),
        Value::Integer(id),
        Value::Integer(expected),
    ]);
    if exec(conn, &sql, params_from_iter(values))? != 1 {
        check_version(conn, what, table, id, expected)?;
    }
    let before: Map<String, Json> = changed
        .iter()
        .map(|(i, (k, _))| (k.to_string(), to_json(&current[*i])))
        .collect();
    let after: Map<String, Json> = changed
        .iter()
        .map(|(_, (k, v))| (k.to_string(), to_json(v)))
        .collect();
    log(
        conn,
        ctx,
        table,
        id,
        customer_id,
        "update",
        Some(&Json::Object(before)),
        Some(&Json::Object(after)),
    )?;
    Ok(true)
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => {
            (*x as f64) == *y
        }
        _ => a == b,
    }
}

/// Optimistic delete: removes the row only at `expected` version and logs its last contents.
pub fn delete(
    conn: &Connection,
    ctx: &Ctx,
    what: &'static str,
    table: &str,
    id: i64,
    expected: i64,
    customer_id: Option<i64>,
) -> Result<()> {
    check_version(conn, what, table, id, expected)?;
    let before = row_as_json(conn, table, id)?;
    exec(
        conn,
        &format!("DELETE FROM {table} WHERE id = ?1 AND version = ?2"),
        params![id, expected],
    )?;
    log(
        conn,
        ctx,
        table,
        id,
        customer_id,
        "delete",
        before.as_ref(),
        None,
    )
}

/// A whole row as a JSON object, for the change log.
pub fn row_as_json(conn: &Connection, table: &str, id: i64) -> Result<Option<Json>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names()?;
    let row = stmt
        .query_row([id], |r| {
            let mut map = Map::new();
            for (i, name) in names.iter().enumerate() {
                map.insert(name.clone(), to_json(&r.get::<_, Value>(i)?));
            }
            Ok(Json::Object(map))
        })
        .optional()?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_rows_log_text_is_its_object_written_out() {
        let cols = [
            ("name", Value::Text("王芳 \"Fang\"\n\u{1f}".into())),
            ("tier", Value::Text("vip".into())),
            ("email", Value::Null),
            ("potential", Value::Integer(4)),
            ("ratio", Value::Real(0.5)),
            ("odd", Value::Real(f64::NAN)),
            ("blob", Value::Blob(vec![1, 2, 3])),
            ("tags", Value::Text("replaced by also".into())),
        ];
        let mut also = Map::new();
        also.insert("tags".into(), serde_json::json!(["vip", "展会"]));
        also.insert("a_first".into(), serde_json::json!({"x": 1}));
        let text = json_object_text(&cols, &also);
        assert_eq!(text, json_object(&cols, also).to_string());
        assert!(text.starts_with("{\"a_first\""), "{text}");
        assert!(!text.contains("email"), "{text}");
        assert_eq!(json_object_text(&[], &Map::new()), "{}");
    }
}
