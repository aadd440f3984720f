//! Each kind of record as a table of typed cells, for a workbook export: one query per sheet,
//! read a row at a time (a million interactions never sit in memory).

use crate::store::db::Connection;
use crate::store::db::Value;

use super::error::Result;

/// What a column holds, so the workbook can make it the right kind of cell: a phone or an ID
/// number stays text, a date is a date, an amount is a number in the currency's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    /// `YYYY-MM-DD`
    Date,
    /// A stored UTC timestamp, shown in the team's time zone.
    Stamp,
    /// Minor units (fen, cents).
    Money,
}

/// A value read for a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(i64),
}

/// One sheet: its name, its columns (header, kind) and the query that fills it, in that order.
pub struct Sheet {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    sql: &'static str,
}

use Kind::{Date, Money, Number, Stamp, Text};

/// The sheets after the customers', in the order a workbook shows them.
pub const RECORD_SHEETS: &[Sheet] = &[
    Sheet {
        name: "Contacts",
        columns: &[
            ("Kehu id", Number),
            ("Customer", Text),
            ("Name", Text),
            ("Title", Text),
            ("Phone", Text),
            ("Email", Text),
            ("Primary", Text),
        ],
        sql: "SELECT p.customer_id, c.name, p.name, p.title, p.phone, p.email,
                     CASE WHEN p.is_primary = 1 THEN 'yes' END
              FROM contact_person p JOIN customer c ON c.id = p.customer_id ORDER BY p.id",
    },
    Sheet {
        name: "Interactions",
        columns: &[
            ("Kehu id", Number),
            ("Customer", Text),
            ("At", Stamp),
            ("Kind", Text),
            ("Summary", Text),
            ("Details", Text),
        ],
        sql: "SELECT i.customer_id, c.name, i.at, i.kind, i.summary, i.details
              FROM interaction i JOIN customer c ON c.id = i.customer_id ORDER BY i.id",
    },
    Sheet {
        name: "Purchases",
        columns: &[
            ("Kehu id", Number),
            ("Customer", Text),
            ("Date", Date),
            ("Product", Text),
            ("Amount", Money),
            ("Note", Text),
        ],
        sql: "SELECT p.customer_id, c.name, p.on_date, p.product, p.amount, p.note
              FROM purchase p JOIN customer c ON c.id = p.customer_id ORDER BY p.id",
    },
    Sheet {
        name: "To-dos",
        columns: &[
            ("Kehu id", Number),
            ("Customer", Text),
            ("Title", Text),
            ("Due", Date),
            ("Time", Text),
            ("Priority", Text),
            ("Status", Text),
            ("Assignee", Text),
            ("Done at", Stamp),
        ],
        sql: "SELECT t.customer_id, c.name, t.title, t.due, t.due_time, t.priority, t.status,
                     t.assignee, t.done_at
              FROM todo t LEFT JOIN customer c ON c.id = t.customer_id ORDER BY t.id",
    },
    Sheet {
        name: "Tickets",
        columns: &[
            ("Kehu id", Number),
            ("Customer", Text),
            ("Kind", Text),
            ("Severity", Text),
            ("Summary", Text),
            ("Status", Text),
            ("Opened", Stamp),
            ("First response", Stamp),
            ("Resolved", Stamp),
            ("Closed", Stamp),
        ],
        sql: "SELECT t.customer_id, c.name, t.kind, t.severity, t.summary, t.status, t.opened_at,
                     t.first_response_at, t.resolved_at, t.closed_at
              FROM ticket t JOIN customer c ON c.id = t.customer_id ORDER BY t.id",
    },
    Sheet {
        name: "Deals",
        columns: &[
            ("Kehu id", Number),
            ("Customer", Text),
            ("Title", Text),
            ("Amount", Money),
            ("Stage", Text),
            ("Expected close", Date),
            ("Closed", Stamp),
            ("Lost reason", Text),
        ],
        sql: "SELECT d.customer_id, c.name, d.title, d.amount, d.stage, d.expected_close,
                     d.closed_at, d.lost_reason
              FROM deal d JOIN customer c ON c.id = d.customer_id ORDER BY d.id",
    },
    Sheet {
        name: "Agreements",
        columns: &[
            ("Kehu id", Number),
            ("Customer", Text),
            ("Title", Text),
            ("Start", Date),
            ("End", Date),
            ("Value", Money),
            ("Renewal", Text),
            ("Notes", Text),
            ("Ended", Stamp),
        ],
        sql: "SELECT a.customer_id, c.name, a.title, a.starts_on, a.ends_on, a.amount, a.renewal,
                     a.notes, a.ended_at
              FROM agreement a JOIN customer c ON c.id = a.customer_id ORDER BY a.id",
    },
];

/// Calls `each` with every row of `sheet`, in order.
pub fn each_row(
    conn: &Connection,
    sheet: &Sheet,
    each: &mut dyn FnMut(&[Cell]) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(sheet.sql)?;
    let mut rows = stmt.query([])?;
    let mut cells = Vec::with_capacity(sheet.columns.len());
    while let Some(row) = rows.next()? {
        cells.clear();
        for i in 0..sheet.columns.len() {
            cells.push(match row.get_value(i)? {
                Value::Null => Cell::Empty,
                Value::Integer(n) => Cell::Number(n),
                Value::Real(f) => Cell::Text(f.to_string()),
                Value::Text(t) => Cell::Text(t),
                Value::Blob(_) => Cell::Empty,
            });
        }
        each(&cells)?;
    }
    Ok(())
}
