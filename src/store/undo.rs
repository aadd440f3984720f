//! Undo. Every write's change-log entries share a change id (the id of its first entry); undoing a
//! change writes the reverse of each entry, newest first, as a new change that names the one it
//! undoes. It goes through the same check as any edit: if anyone changed one of those rows since,
//! the undo is refused and says who — it never overwrites a teammate's later work.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, params_from_iter};
use rusqlite::params;
use serde_json::{Map, Value as Json};

use super::Ctx;
use super::error::{Result, StoreError};
use super::rows;
use crate::domain::ChangeEntry;
use crate::i18n::{t, tf};

/// Runs `f` and gives every change-log entry it wrote one change id; returns that id too (None
/// when `f` logged nothing).
pub(crate) fn grouped<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T>,
) -> Result<(T, Option<i64>)> {
    let mark = super::history::last_id(conn)?;
    let value = f(conn)?;
    let first: Option<i64> = rows::query_one(
        conn,
        "SELECT min(id) FROM change_log WHERE id > ?1 AND change_id IS NULL",
        [mark],
        |r| r.get(0),
    )?;
    if let Some(first) = first {
        rows::exec(
            conn,
            "UPDATE change_log SET change_id = ?2 WHERE id > ?1 AND change_id IS NULL",
            params![mark, first],
        )?;
    }
    Ok((value, first))
}

/// One change: what one write did.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: i64,
    pub by: String,
    pub at: String,
    /// In the order they were written.
    pub entries: Vec<ChangeEntry>,
}

impl Change {
    /// What the change was, in a few words (`edit of customer 张伟`).
    pub fn describe(&self, conn: &Connection) -> String {
        // Points and coupons follow a purchase: the purchase names the change when it is there.
        let Some(main) = self
            .entries
            .iter()
            .find(|e| !matches!(e.table.as_str(), "points_entry" | "coupon"))
            .or(self.entries.first())
        else {
            return String::new();
        };
        let what = t(match main.table.as_str() {
            "customer" => "undo.table.customer",
            "contact_person" => "undo.table.contact",
            "interaction" => "undo.table.interaction",
            "todo" => "undo.table.todo",
            "purchase" => "undo.table.purchase",
            "deal" => "undo.table.deal",
            "ticket" => "undo.table.ticket",
            "survey" => "undo.table.survey",
            "campaign" | "campaign_member" => "undo.table.campaign",
            "queue_snooze" => "undo.table.snooze",
            "setting" => "undo.table.setting",
            "agreement" => "undo.table.agreement",
            "product" => "undo.table.product",
            "points_entry" => "undo.table.points",
            "coupon" => "undo.table.coupon",
            _ => "undo.table.record",
        });
        let action = t(match main.action.as_str() {
            "insert" => "undo.action.insert",
            "delete" => "undo.action.delete",
            _ => "undo.action.update",
        });
        let whose = main
            .customer_id
            .and_then(|id| {
                rows::query_one(conn, "SELECT name FROM customer WHERE id = ?1", [id], |r| {
                    r.get::<_, String>(0)
                })
                .optional()
                .ok()
                .flatten()
            })
            .map(|name| format!(" ({name})"))
            .unwrap_or_default();
        format!("{action} {what} #{}{whose}", main.row_id)
    }
}

/// The change with this id.
pub fn change(conn: &Connection, id: i64) -> Result<Option<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, by, table_name, row_id, customer_id, action, before, after, change_id
         FROM change_log WHERE change_id = ?1 ORDER BY id",
    )?;
    let entries = stmt
        .query_map([id], super::history::entry)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(entries.first().map(|e| Change {
        id,
        by: e.by.clone(),
        at: e.at.clone(),
        entries: entries.clone(),
    }))
}

/// The user's newest change that is not an undo and has not been undone: what `kehu undo`
/// undoes. Repeating walks back through the user's changes.
pub fn last_of(conn: &Connection, user: &str) -> Result<Option<i64>> {
    rows::query_one(
        conn,
        "SELECT change_id FROM change_log c
         WHERE by = ?1 AND change_id IS NOT NULL AND undoes IS NULL
           AND NOT EXISTS (SELECT 1 FROM change_log u WHERE u.undoes = c.change_id)
         ORDER BY id DESC LIMIT 1",
        [user],
        |r| r.get(0),
    )
    .optional()
}

/// Undoes change `id` as a new change; returns what it undid (in words) and the customers it
/// touched.
pub fn undo(conn: &Connection, ctx: &Ctx, id: i64) -> Result<(String, Vec<i64>)> {
    let Some(change) = change(conn, id)? else {
        return Err(StoreError::Refused(tf("undo.no_change", &[("id", &id)])));
    };
    let what = change.describe(conn);
    let undone: Option<(String, String)> = rows::query_one(
        conn,
        "SELECT by, at FROM change_log WHERE undoes = ?1 LIMIT 1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?;
    if let Some((by, at)) = undone {
        let at = ctx.clock.local_display(&at);
        return Err(StoreError::Refused(tf(
            "undo.already",
            &[("what", &what), ("by", &by), ("at", &at)],
        )));
    }
    if let Some(e) = change
        .entries
        .iter()
        .find(|e| matches!(e.action.as_str(), "erase" | "merge" | "migrate"))
    {
        return Err(StoreError::Refused(tf(
            "undo.cannot",
            &[("what", &what), ("action", &e.action)],
        )));
    }
    refuse_if_changed_since(conn, ctx, &change, &what)?;
    let mark = super::history::last_id(conn)?;
    let mut customers: Vec<i64> = Vec::new();
    for e in change.entries.iter().rev() {
        reverse(conn, ctx, e)?;
        if let Some(c) = e.customer_id
            && !customers.contains(&c)
        {
            customers.push(c);
        }
    }
    for c in &customers {
        // Cached figures (last contact, next due, purchase totals) follow the restored records.
        super::customers::refresh_derived(conn, *c)?;
    }
    rows::exec(
        conn,
        "UPDATE change_log SET undoes = ?2 WHERE id > ?1",
        params![mark, id],
    )?;
    Ok((what, customers))
}

/// Refuses when a row this change touched was changed again afterwards (by anyone).
fn refuse_if_changed_since(
    conn: &Connection,
    ctx: &Ctx,
    change: &Change,
    what: &str,
) -> Result<()> {
    let last = change.entries.last().map_or(0, |e| e.id);
    for e in &change.entries {
        let later: Option<(String, String)> = rows::query_one(
            conn,
            // A later change that was undone, and its undo, cancel out.
            "SELECT by, at FROM change_log e
             WHERE table_name = ?1 AND row_id = ?2 AND id > ?3 AND action != 'migrate'
               AND NOT (e.undoes IS NOT NULL AND e.undoes > ?4)
               AND NOT EXISTS (SELECT 1 FROM change_log u WHERE u.undoes = e.change_id)
             ORDER BY id LIMIT 1",
            params![e.table, e.row_id, last, change.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
        if let Some((by, at)) = later {
            let at = ctx.clock.local_display(&at);
            return Err(StoreError::Refused(tf(
                "undo.changed_since",
                &[("what", &what), ("by", &by), ("at", &at)],
            )));
        }
    }
    Ok(())
}

fn value_of(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// Writes the reverse of one entry, logged like any change.
fn reverse(conn: &Connection, ctx: &Ctx, e: &ChangeEntry) -> Result<()> {
    let cannot = || {
        StoreError::Refused(tf(
            "undo.cannot",
            &[("what", &e.table), ("action", &e.action)],
        ))
    };
    match (e.table.as_str(), e.action.as_str()) {
        ("campaign_member", "insert") => delete_logged(
            conn,
            ctx,
            e,
            "DELETE FROM campaign_member WHERE campaign_id = ?1 AND customer_id = ?2",
            params![e.row_id, e.customer_id],
        ),
        ("queue_snooze", "update") => {
            let kind = e.after.get("kind").and_then(Json::as_str).unwrap_or("");
            delete_logged(
                conn,
                ctx,
                e,
                "DELETE FROM queue_snooze WHERE customer_id = ?1 AND kind = ?2",
                params![e.row_id, kind],
            )
        }
        ("setting", "update") => {
            let before = e.before.as_object().ok_or_else(cannot)?;
            for (key, value) in before {
                rows::exec(
                    conn,
                    "UPDATE setting SET value = ?2, updated_at = ?3, updated_by = ?4,
                         version = version + 1 WHERE key = ?1",
                    params![key, value_of(value), ctx.clock.stamp(), ctx.user],
                )?;
            }
            rows::log(
                conn,
                ctx,
                "setting",
                0,
                None,
                "update",
                Some(&e.after),
                Some(&e.before),
            )
        }
        ("campaign_member" | "queue_snooze" | "setting", _) => Err(cannot()),
        (table, "update") => {
            let mut before = e.before.as_object().cloned().ok_or_else(cannot)?;
            // Tags live in their own table.
            if let Some(tags) = before.remove("tags") {
                let tags: Vec<String> = tags
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                super::customers::set_tags(conn, ctx, e.row_id, &tags)?;
            }
            if before.is_empty() {
                return Ok(());
            }
            set_columns(conn, ctx, table, e, &before)?;
            if table == "customer" {
                customer_history(conn, ctx, e.row_id, &e.after, &before)?;
            }
            Ok(())
        }
        (table, "insert") => {
            let row = rows::row_as_json(conn, table, e.row_id)?;
            if row.is_none() {
                return Ok(());
            }
            if table == "customer" {
                // Its own first entries (tags, history) go with it.
                rows::exec(
                    conn,
                    "DELETE FROM customer_tag WHERE customer_id = ?1",
                    [e.row_id],
                )?;
                rows::exec(
                    conn,
                    "DELETE FROM customer_history WHERE customer_id = ?1",
                    [e.row_id],
                )?;
            }
            rows::exec(
                conn,
                &format!("DELETE FROM {table} WHERE id = ?1"),
                [e.row_id],
            )?;
            rows::log(
                conn,
                ctx,
                table,
                e.row_id,
                e.customer_id,
                "delete",
                row.as_ref(),
                None,
            )
        }
        (table, "delete") => {
            let row = e.before.as_object().ok_or_else(cannot)?;
            let names: Vec<&String> = row.keys().collect();
            let values: Vec<Value> = row.values().map(value_of).collect();
            rows::exec(
                conn,
                &format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names
                        .iter()
                        .map(|n| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    vec!["?"; names.len()].join(", ")
                ),
                params_from_iter(values),
            )?;
            rows::exec(
                conn,
                &format!(
                    "UPDATE {table} SET version = version + 1, updated_at = ?2, updated_by = ?3
                     WHERE id = ?1"
                ),
                params![e.row_id, ctx.clock.stamp(), ctx.user],
            )?;
            let after = rows::row_as_json(conn, table, e.row_id)?;
            rows::log(
                conn,
                ctx,
                table,
                e.row_id,
                e.customer_id,
                "insert",
                None,
                after.as_ref(),
            )
        }
        _ => Err(cannot()),
    }
}

/// Removes what a row-less entry (a membership, a snooze) added, and logs it as deleted.
fn delete_logged(
    conn: &Connection,
    ctx: &Ctx,
    e: &ChangeEntry,
    sql: &str,
    params: impl crate::store::db::Params,
) -> Result<()> {
    rows::exec(conn, sql, params)?;
    rows::log(
        conn,
        ctx,
        &e.table,
        e.row_id,
        e.customer_id,
        "delete",
        Some(&e.after),
        None,
    )
}

/// Sets `cols` of the row back, bumping its version, and logs it.
fn set_columns(
    conn: &Connection,
    ctx: &Ctx,
    table: &str,
    e: &ChangeEntry,
    cols: &Map<String, Json>,
) -> Result<()> {
    let sets: Vec<String> = cols.keys().map(|k| format!("{k} = ?")).collect();
    let mut values: Vec<Value> = cols.values().map(value_of).collect();
    values.extend([
        Value::Text(ctx.clock.stamp()),
        Value::Text(ctx.user.clone()),
        Value::Integer(e.row_id),
    ]);
    let n = rows::exec(
        conn,
        &format!(
            "UPDATE {table} SET {}, updated_at = ?, updated_by = ?, version = version + 1
             WHERE id = ?",
            sets.join(", ")
        ),
        params_from_iter(values),
    )?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: "record",
            id: e.row_id,
        });
    }
    rows::log(
        conn,
        ctx,
        table,
        e.row_id,
        e.customer_id,
        "update",
        Some(&e.after),
        Some(&Json::Object(cols.clone())),
    )
}

/// An undone change of tier, stage or owner is itself a dated change, for the reports.
fn customer_history(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    now: &Json,
    back: &Map<String, Json>,
) -> Result<()> {
    for field in ["tier", "stage", "owner"] {
        if let Some(old) = back.get(field) {
            rows::exec(
                conn,
                "INSERT INTO customer_history (customer_id, at, by, field, old_value, new_value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id,
                    ctx.clock.stamp(),
                    ctx.user,
                    field,
                    now.get(field).and_then(Json::as_str),
                    old.as_str()
                ],
            )?;
        }
    }
    Ok(())
}
