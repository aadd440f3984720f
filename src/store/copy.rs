//! `kehu copy FROM TO`: a whole book from one database to another — a file to a server, a
//! server to a file, or file to file — exactly: every row of every table with its id and stamps,
//! the change log and the import history, and each table's next id. The target must be a new
//! book (nothing in it but what `init` wrote). The search keys are worked out afresh there.

use super::db::{Connection, Value, params_from_iter};
use super::{Result, Store, StoreError, search_keys};

/// Every table of a book, parents before children, so each row's references exist when it
/// arrives (a to-do spawned from another follows it: rows go in id order).
pub const TABLES: &[&str] = &[
    "setting",
    "customer",
    "tag",
    "customer_tag",
    "contact_person",
    "campaign",
    "campaign_member",
    "interaction",
    "product",
    "purchase",
    "todo",
    "ticket",
    "survey",
    "deal",
    "agreement",
    "points_entry",
    "coupon",
    "customer_history",
    "queue_snooze",
    "import_batch",
    "import_undo",
    "change_log",
];

/// Tables a copy leaves out: derived (the search keys, worked out again) or the server's own.
pub const NOT_COPIED: &[&str] = &[
    "search_entry",
    "search_stale",
    "presence",
    "meta",
    "id_sequence",
];

/// Rows per INSERT: well under both databases' limits on bound values.
const ROWS_AT_ONCE: usize = 200;

/// What a copy moved, table by table.
#[derive(Debug, Default)]
pub struct Copied {
    pub tables: Vec<(&'static str, usize)>,
}

/// Copies the book in `from` into `to`, which must hold no book of its own yet; all or nothing.
pub fn copy(from: &Store, to: &Store, progress: &mut dyn FnMut(&str, usize)) -> Result<Copied> {
    to.read(refuse_unless_new)?;
    let sequences = from.read(next_ids)?;
    // One transaction on the target, written on its connection directly: a store write would
    // stamp the copied change log as one change of its own.
    to.begin_batch()?;
    match from.read(|source| fill(source, to.conn(), &sequences, progress)) {
        Ok(copied) => {
            to.end_batch(true)?;
            // A server plans from statistics its autovacuum gathers later; tables filled at
            // once get theirs now, or the first reports are planned blind.
            if to.is_server() {
                to.conn().execute_batch("ANALYZE")?;
            }
            Ok(copied)
        }
        Err(e) => {
            let _ = to.end_batch(false);
            Err(e)
        }
    }
}

fn fill(
    source: &Connection,
    target: &Connection,
    sequences: &[(String, i64)],
    progress: &mut dyn FnMut(&str, usize),
) -> Result<Copied> {
    // `init` wrote its settings and its schema steps: the source's replace them.
    target.execute("DELETE FROM setting", [])?;
    target.execute("DELETE FROM change_log", [])?;
    let mut copied = Copied::default();
    for table in TABLES {
        let n = copy_table(source, target, table)?;
        progress(table, n);
        copied.tables.push((table, n));
    }
    // Rows written with their ids move a file's counters but not a server's sequences; the
    // source's own last ids (above its rows' where rows were erased) are the truth for both.
    for (table, last) in sequences {
        raise_to(target, table, *last)?;
    }
    search_keys::refresh(target, None)?;
    Ok(copied)
}

/// A target with customers, records or history of its own is refused: a copy never merges.
fn refuse_unless_new(conn: &Connection) -> Result<()> {
    for table in TABLES {
        if *table == "setting" {
            continue;
        }
        let filter = if *table == "change_log" {
            " WHERE table_name <> 'schema'"
        } else {
            ""
        };
        let rows: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {table}{filter}"), [], |r| {
                r.get(0)
            })?;
        if rows > 0 {
            return Err(StoreError::Refused(crate::i18n::tf(
                "copy.target_not_empty",
                &[("table", table), ("rows", &rows)],
            )));
        }
    }
    Ok(())
}

fn copy_table(source: &Connection, target: &Connection, table: &str) -> Result<usize> {
    let cols = super::rows::table_columns(source, table)?;
    let theirs = super::rows::table_columns(target, table)?;
    if cols.is_empty() || cols != theirs {
        return Err(StoreError::Refused(crate::i18n::tf(
            "copy.columns_differ",
            &[("table", &table)],
        )));
    }
    let list = cols.join(", ");
    // Names come from the schema, never from input. Rows go in key order: ids, or the pair.
    let order = if cols.iter().any(|c| c == "id") {
        "id".to_string()
    } else {
        (1..=cols.len().min(2))
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut read = source.prepare(&format!("SELECT {list} FROM {table} ORDER BY {order}"))?;
    let width = cols.len();
    let rows = read.query_map([], |r| {
        (0..width)
            .map(|i| r.get_value(i))
            .collect::<super::db::RowResult<Vec<Value>>>()
    })?;
    let mut batch: Vec<Value> = Vec::with_capacity(width * ROWS_AT_ONCE);
    let mut total = 0;
    for row in rows {
        batch.extend(row?);
        if batch.len() == width * ROWS_AT_ONCE {
            total += insert(target, table, &list, width, &mut batch)?;
        }
    }
    total += insert(target, table, &list, width, &mut batch)?;
    Ok(total)
}

fn insert(
    target: &Connection,
    table: &str,
    list: &str,
    width: usize,
    batch: &mut Vec<Value>,
) -> Result<usize> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows = batch.len() / width;
    let tuples: Vec<String> = (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=width).map(|c| format!("?{}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    let sql = format!("INSERT INTO {table} ({list}) VALUES {}", tuples.join(", "));
    target
        .prepare(&sql)?
        .execute(params_from_iter(batch.drain(..)))?;
    Ok(rows)
}

/// Each table's last id handed out (which may be above its rows' when rows were erased): the
/// copy's next ids start where the source's would, so no id is ever used twice.
fn next_ids(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let sql = if conn.is_server() {
        "SELECT name, seq FROM id_sequence ORDER BY 1"
    } else {
        "SELECT name, seq FROM sqlite_sequence ORDER BY 1"
    };
    let mut stmt = conn.prepare(sql)?;
    let found = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<super::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Makes `table`'s next id at least `last + 1`.
fn raise_to(conn: &Connection, table: &str, last: i64) -> Result<()> {
    if last <= 0 {
        return Ok(());
    }
    if conn.is_server() {
        conn.execute(
            "INSERT INTO id_sequence AS s (name, seq) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET seq = greatest(s.seq, excluded.seq)",
            rusqlite::params![table, last],
        )?;
        Ok(())
    } else {
        conn.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
            rusqlite::params![table, last],
        )?;
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, ?2
             WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)",
            rusqlite::params![table, last],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{NOT_COPIED, TABLES};

    /// A table added by a migration is copied, or left out on purpose: never forgotten.
    #[test]
    fn every_table_of_a_book_is_copied_or_left_out_on_purpose() {
        let (_dir, store) = crate::store::scratch_store();
        let tables: Vec<String> = store
            .read(|c| {
                let mut stmt = c.prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )?;
                let names = stmt
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<crate::store::db::RowResult<Vec<_>>>()?;
                Ok(names)
            })
            .expect("the tables");
        assert!(tables.len() > 20, "{tables:?}");
        for table in &tables {
            assert!(
                TABLES.contains(&table.as_str()) || NOT_COPIED.contains(&table.as_str()),
                "{table} is neither copied nor left out"
            );
        }
    }
}
