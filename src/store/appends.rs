//! Rows that nothing reads back while a bulk write runs, written many to a statement.
//!
//! An import adds a customer and, with it, rows that only later screens read: its change-log
//! entries, its first tier/stage/owner history, its tags and what the import's undo needs. One
//! statement per row paid SQLite's per-statement work (a statement journal, the program's
//! start and end, binding) about eight times for each line of the file. While an [`Appends`]
//! is in the [`Ctx`](super::Ctx), those rows gather here and go in 64 to a statement; the
//! writer flushes before it reads anything they touch and before it commits.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::store::db::Value;
use crate::store::db::{Connection, params_from_iter};

use super::error::Result;

/// Rows per statement: statements stay small enough to cache and bind quickly.
const CHUNK: usize = 64;

/// The tables written this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    ChangeLog,
    CustomerHistory,
    CustomerTag,
    ImportUndo,
}

impl Table {
    const ALL: [Table; 4] = [
        Table::ChangeLog,
        Table::CustomerHistory,
        Table::CustomerTag,
        Table::ImportUndo,
    ];

    /// The statement's head, up to `VALUES`, and how many values a row has.
    fn head(self) -> (&'static str, usize) {
        match self {
            Table::ChangeLog => (
                "INSERT INTO change_log (at, by, table_name, row_id, customer_id, action, before, after) VALUES ",
                8,
            ),
            Table::CustomerHistory => (
                "INSERT INTO customer_history (customer_id, at, by, field, old_value, new_value, note) VALUES ",
                7,
            ),
            // A tag listed twice in a cell links once.
            Table::CustomerTag => (
                "INSERT OR IGNORE INTO customer_tag (customer_id, tag_id) VALUES ",
                2,
            ),
            Table::ImportUndo => (
                "INSERT INTO import_undo (batch_id, table_name, row_id, customer_id, before) VALUES ",
                5,
            ),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Rows waiting to be written, by table, in the order they were added; and the ids of the tags
/// met so far (by name as the tag table compares them, ASCII case folded).
#[derive(Debug, Default)]
pub struct Appends {
    pending: [Vec<Value>; 4],
    /// Each table's statement for a whole chunk, written once.
    full_chunk: [String; 4],
    tag_ids: HashMap<String, i64>,
}

impl Appends {
    /// Adds one row of `table`; writes the table's rows once a statement's worth is waiting.
    pub fn push(
        &mut self,
        conn: &Connection,
        table: Table,
        row: impl IntoIterator<Item = Value>,
    ) -> Result<()> {
        let (_, width) = table.head();
        let pending = &mut self.pending[table.index()];
        let before = pending.len();
        pending.extend(row);
        debug_assert_eq!(pending.len() - before, width, "{table:?} row width");
        if pending.len() >= CHUNK * width {
            write(conn, table, pending, &mut self.full_chunk[table.index()])?;
        }
        Ok(())
    }

    /// The id of the tag named `name`, adding the tag if it is new.
    pub fn tag_id(&mut self, conn: &Connection, name: &str) -> Result<i64> {
        let key = name.to_ascii_lowercase();
        if let Some(id) = self.tag_ids.get(&key) {
            return Ok(*id);
        }
        super::rows::exec(
            conn,
            "INSERT INTO tag (name) VALUES (?1) ON CONFLICT DO NOTHING",
            [name],
        )?;
        let id = super::rows::query_one(
            conn,
            "SELECT id FROM tag WHERE name = ?1 COLLATE NOCASE",
            [name],
            |r| r.get(0),
        )?;
        self.tag_ids.insert(key, id);
        Ok(id)
    }

    /// Writes every waiting row.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        for table in Table::ALL {
            let i = table.index();
            write(conn, table, &mut self.pending[i], &mut self.full_chunk[i])?;
        }
        Ok(())
    }
}

/// Writes `values` (whole rows of `table`) and empties it; `full_chunk` keeps the statement for
/// a whole chunk once written.
fn write(
    conn: &Connection,
    table: Table,
    values: &mut Vec<Value>,
    full_chunk: &mut String,
) -> Result<()> {
    let (head, width) = table.head();
    for rows in values.chunks(CHUNK * width) {
        if rows.len() == CHUNK * width {
            if full_chunk.is_empty() {
                *full_chunk = statement(head, width, CHUNK);
            }
            conn.prepare_cached(full_chunk)?
                .execute(params_from_iter(rows.iter()))?;
        } else {
            // The last, shorter statement of a flush is of any length: not worth caching.
            conn.prepare(&statement(head, width, rows.len() / width))?
                .execute(params_from_iter(rows.iter()))?;
        }
    }
    values.clear();
    Ok(())
}

/// `head` followed by `rows` groups of `width` numbered placeholders.
fn statement(head: &str, width: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * width * 6);
    sql.push_str(head);
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            n += 1;
            let _ = write!(sql, "{}?{n}", if col == 0 { "" } else { ", " });
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        assert_eq!(
            statement("INSERT INTO t (a, b) VALUES ", 2, 2),
            "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)"
        );
    }
}
