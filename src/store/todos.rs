//! Follow-ups: add, edit, complete (recurring ones schedule their next), cancel, snooze, list.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};
use chrono::NaiveDate;

use super::Ctx;
use super::customers::{self, parsed, parsed_opt};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, int, text};
use crate::domain::input::{Recurrence, RecurrenceUnit};
use crate::domain::{Todo, TodoFields, TodoStatus};

const WHAT: &str = "to-do";
pub(crate) const COLS: &str = "id, customer_id, title, due, due_time, priority, status, assignee, every_n, every_unit, done_at";

/// A to-do from a row that starts with [`COLS`] and then [`rows::AUDIT_COLS`].
pub(crate) fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Todo> {
    let every: Option<u32> = row.get(8)?;
    let unit: Option<String> = row.get(9)?;
    let recurrence = match (every, unit.as_deref()) {
        (Some(n), Some("d")) => Some(Recurrence {
            every: n,
            unit: RecurrenceUnit::Days,
        }),
        (Some(n), Some("w")) => Some(Recurrence {
            every: n,
            unit: RecurrenceUnit::Weeks,
        }),
        (Some(n), Some("m")) => Some(Recurrence {
            every: n,
            unit: RecurrenceUnit::Months,
        }),
        _ => None,
    };
    Ok(Todo {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        title: row.get(2)?,
        due: parsed_opt::<NaiveDate>(row, 3)?,
        due_time: row.get(4)?,
        priority: parsed(row, 5)?,
        status: parsed(row, 6)?,
        assignee: row.get(7)?,
        recurrence,
        done_at: row.get(10)?,
        audit: rows::audit(row, 11)?,
    })
}

fn columns(f: &TodoFields) -> Vec<(&'static str, Value)> {
    vec![
        ("customer_id", int(f.customer_id)),
        ("title", Value::Text(f.title.clone())),
        ("due", text(f.due.map(|d| d.to_string()).as_deref())),
        ("due_time", text(f.due_time.as_deref())),
        ("priority", Value::Text(f.priority.to_string())),
        ("assignee", text(f.assignee.as_deref())),
        ("every_n", int(f.recurrence.map(|r| i64::from(r.every)))),
        ("every_unit", text(f.recurrence.map(|r| r.unit.letter()))),
    ]
}

fn refresh(conn: &Connection, customer_id: Option<i64>) -> Result<()> {
    match customer_id {
        Some(id) => customers::refresh_derived(conn, id),
        None => Ok(()),
    }
}

pub fn add(conn: &Connection, ctx: &Ctx, fields: &TodoFields) -> Result<i64> {
    if let Some(cid) = fields.customer_id {
        customers::get(conn, cid)?;
    }
    let id = rows::insert(conn, ctx, "todo", &columns(fields), fields.customer_id)?;
    refresh(conn, fields.customer_id)?;
    Ok(id)
}

pub fn get(conn: &Connection, id: i64) -> Result<Todo> {
    super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM todo WHERE id = ?1"),
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
    fields: &TodoFields,
) -> Result<bool> {
    let current = get(conn, id)?;
    if let Some(cid) = fields.customer_id {
        customers::get(conn, cid)?;
    }
    let changed = rows::update(
        conn,
        ctx,
        WHAT,
        "todo",
        id,
        version,
        &columns(fields),
        current.customer_id,
    )?;
    refresh(conn, current.customer_id)?;
    if fields.customer_id != current.customer_id {
        refresh(conn, fields.customer_id)?;
    }
    Ok(changed)
}

fn require_open(todo: &Todo) -> Result<()> {
    if todo.status == TodoStatus::Open {
        return Ok(());
    }
    Err(StoreError::Refused(crate::i18n::tf(
        "refused.todo_status",
        &[
            ("id", &todo.id),
            ("status", &crate::i18n::word("todo", todo.status.as_str())),
            ("by", &todo.audit.updated_by),
            ("at", &todo.audit.updated_at),
        ],
    )))
}

/// Marks a to-do done. A recurring one schedules its next occurrence counted from the completion
/// date; returns that new to-do's id. Optimistic: a to-do completed by two people at once is done
/// once and spawns one follow-up (the other gets a conflict).
pub fn complete(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<Option<i64>> {
    let todo = get(conn, id)?;
    rows::check_version(conn, WHAT, "todo", id, version)?;
    require_open(&todo)?;
    let stamp = ctx.clock.stamp();
    rows::update(
        conn,
        ctx,
        WHAT,
        "todo",
        id,
        version,
        &[
            ("status", Value::Text(TodoStatus::Done.to_string())),
            ("done_at", Value::Text(stamp)),
        ],
        todo.customer_id,
    )?;
    let next = match todo.recurrence {
        Some(r) => {
            let fields = TodoFields {
                customer_id: todo.customer_id,
                title: todo.title.clone(),
                due: Some(r.next_after(ctx.clock.today())),
                due_time: todo.due_time.clone(),
                priority: todo.priority,
                assignee: todo.assignee.clone(),
                recurrence: todo.recurrence,
            };
            let mut cols = columns(&fields);
            cols.push(("spawned_from", Value::Integer(id)));
            Some(rows::insert(conn, ctx, "todo", &cols, todo.customer_id)?)
        }
        None => None,
    };
    refresh(conn, todo.customer_id)?;
    Ok(next)
}

pub fn cancel(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<()> {
    let todo = get(conn, id)?;
    rows::check_version(conn, WHAT, "todo", id, version)?;
    require_open(&todo)?;
    rows::update(
        conn,
        ctx,
        WHAT,
        "todo",
        id,
        version,
        &[("status", Value::Text(TodoStatus::Cancelled.to_string()))],
        todo.customer_id,
    )?;
    refresh(conn, todo.customer_id)
}

/// Opens a done or cancelled to-do again (a next occurrence it spawned stays: cancel that one if
/// it is not wanted).
pub fn reopen(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<()> {
    let todo = get(conn, id)?;
    rows::check_version(conn, WHAT, "todo", id, version)?;
    if todo.status == TodoStatus::Open {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.todo_already_open",
            &[("id", &id)],
        )));
    }
    rows::update(
        conn,
        ctx,
        WHAT,
        "todo",
        id,
        version,
        &[
            ("status", Value::Text(TodoStatus::Open.to_string())),
            ("done_at", Value::Null),
        ],
        todo.customer_id,
    )?;
    refresh(conn, todo.customer_id)
}

/// Moves an open to-do's due date to `until`.
pub fn snooze(conn: &Connection, ctx: &Ctx, id: i64, version: i64, until: NaiveDate) -> Result<()> {
    let todo = get(conn, id)?;
    rows::check_version(conn, WHAT, "todo", id, version)?;
    require_open(&todo)?;
    rows::update(
        conn,
        ctx,
        WHAT,
        "todo",
        id,
        version,
        &[("due", Value::Text(until.to_string()))],
        todo.customer_id,
    )?;
    refresh(conn, todo.customer_id)
}

/// Which to-dos a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those due before this date (i.e. overdue on it).
    pub due_before: Option<NaiveDate>,
    pub assignee: Option<String>,
    pub customer_id: Option<i64>,
}

/// Open to-dos by due date (undated last), then id.
pub fn list_open(conn: &Connection, filter: &Filter) -> Result<Vec<Todo>> {
    let mut sql = format!("SELECT {COLS}, {AUDIT_COLS} FROM todo WHERE status = 'open'");
    let mut values: Vec<Value> = Vec::new();
    if let Some(d) = filter.due_before {
        values.push(Value::Text(d.to_string()));
        sql.push_str(&format!(" AND due < ?{}", values.len()));
    }
    if let Some(a) = &filter.assignee {
        values.push(Value::Text(a.clone()));
        sql.push_str(&format!(" AND assignee = ?{}", values.len()));
    }
    if let Some(c) = filter.customer_id {
        values.push(Value::Integer(c));
        sql.push_str(&format!(" AND customer_id = ?{}", values.len()));
    }
    sql.push_str(" ORDER BY coalesce(due, '9999-12-31'), id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let found = stmt
        .query_map(crate::store::db::params_from_iter(values), from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// The queue's first page: open to-dos by due date (undated last), optionally one customer's.
pub fn list_open_limited(
    conn: &Connection,
    customer: Option<i64>,
    assignee: Option<&str>,
    limit: usize,
) -> Result<Vec<Todo>> {
    listed(
        conn,
        "status = 'open'",
        "coalesce(due, '9999-12-31'), id",
        customer,
        assignee,
        limit,
    )
}

/// Done and cancelled to-dos, the most recently closed first (the queue's "closed" view, where
/// they can be reopened).
pub fn list_closed(
    conn: &Connection,
    customer: Option<i64>,
    assignee: Option<&str>,
    limit: usize,
) -> Result<Vec<Todo>> {
    listed(
        conn,
        "status != 'open'",
        "updated_at DESC, id DESC",
        customer,
        assignee,
        limit,
    )
}

/// To-dos whose status matches `status` (a constant clause), of one customer and assignee when
/// given, in `order`, at most `limit`.
fn listed(
    conn: &Connection,
    status: &str,
    order: &str,
    customer: Option<i64>,
    assignee: Option<&str>,
    limit: usize,
) -> Result<Vec<Todo>> {
    let sql = format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM todo WHERE {status} AND (?1 IS NULL OR customer_id = ?1)
           AND (?3 IS NULL OR assignee = ?3)
         ORDER BY {order} LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let found = stmt
        .query_map(
            rusqlite::params![customer, limit as i64, assignee],
            from_row,
        )?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Every to-do of a customer, whatever its status (for export).
pub fn list_all_for(conn: &Connection, customer: i64) -> Result<Vec<Todo>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM todo WHERE customer_id = ?1 ORDER BY id"
    ))?;
    let found = stmt
        .query_map([customer], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
