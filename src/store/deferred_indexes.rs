//! A large import's indexes, built once at its end instead of row by row.
//!
//! An index kept up to date while rows pour in pays a B-tree search, and often a page split, for
//! every row, in random order; built after the rows are in, it is one sort. A large import sets
//! aside the indexes it does not read itself and builds them again before it commits, in the same
//! transaction: a rollback or a crash brings them back with everything else, and no other
//! connection ever sees the book without them.

use crate::store::db::Connection;

use super::error::Result;

/// The tables an import writes.
const WRITTEN: &[&str] = &[
    "customer",
    "customer_history",
    "customer_tag",
    "change_log",
    "interaction",
    "import_undo",
];

/// The indexes the duplicate check reads for every row (on rows of this import too): without
/// them each row would scan the customers.
const READ_WHILE_IMPORTING: &[&str] = &[
    "customer_by_sort_key",
    "customer_by_email",
    "customer_by_phone",
    "customer_by_phone_tail",
];

/// The page cache while the indexes are built, in KiB (as a negative `cache_size`).
const SORT_CACHE_KIB: i64 = -65_536;

/// An import of about `coming` rows into a book of `existing` customers is worth it when the
/// rows to come are many and not few beside the book: rebuilding reads every row of the tables,
/// old ones too.
pub fn worth_it(coming: u64, existing: u64) -> bool {
    coming >= 5_000 && coming.saturating_mul(4) >= existing
}

/// Indexes dropped for now, with the statements that create them again.
#[derive(Debug, Default)]
pub struct SetAside {
    creates: Vec<String>,
}

impl SetAside {
    /// For an import: drops the indexes of the tables it writes that it does not read itself
    /// (`reads_book`: the duplicate check reads the book's customers through theirs).
    pub fn for_import(conn: &Connection, reads_book: bool) -> Result<SetAside> {
        let keep = if reads_book {
            READ_WHILE_IMPORTING
        } else {
            &[]
        };
        Self::take(conn, Some(WRITTEN), keep)
    }

    /// For a whole book loaded into an empty database, which reads none until it is in.
    pub fn all(conn: &Connection) -> Result<SetAside> {
        Self::take(conn, None, &[])
    }

    /// Drops the indexes of `tables` (every table: None) but `keep`. Unique ones stay: they
    /// enforce a rule while rows are written.
    fn take(conn: &Connection, tables: Option<&[&str]>, keep: &[&str]) -> Result<SetAside> {
        let mut stmt = conn.prepare(if conn.is_server() {
            "SELECT indexname::text, tablename::text, indexdef FROM pg_indexes
             WHERE schemaname = 'kehu' AND indexdef NOT LIKE 'CREATE UNIQUE%'
             ORDER BY indexname"
        } else {
            "SELECT name, tbl_name, sql FROM sqlite_master
             WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
             ORDER BY name"
        })?;
        let found: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<crate::store::db::RowResult<_>>()?;
        let mut creates = Vec::new();
        for (name, table, sql) in found {
            let written = tables.is_none_or(|t| t.contains(&table.as_str()));
            if !written || keep.contains(&name.as_str()) {
                continue;
            }
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            creates.push(sql);
        }
        Ok(SetAside { creates })
    }

    /// Builds every index again, as it was.
    pub fn restore(self, conn: &Connection) -> Result<()> {
        if conn.is_server() {
            return self
                .creates
                .iter()
                .try_for_each(|sql| conn.execute_batch(sql));
        }
        // The sort behind each index keeps to the page cache's size before it spills to
        // temporary files; SQLite's default 2 MB wrote most of a 100,000-row import's index
        // keys out and read them back.
        let usual: i64 = conn.pragma_query_value("cache_size")?;
        conn.pragma_update("cache_size", &SORT_CACHE_KIB)?;
        let built = self
            .creates
            .iter()
            .try_for_each(|sql| conn.execute_batch(sql));
        conn.pragma_update("cache_size", &usual)?;
        built
    }

    pub fn is_empty(&self) -> bool {
        self.creates.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(conn: &Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<crate::store::db::RowResult<_>>()
            .unwrap()
    }

    #[test]
    fn indexes_set_aside_come_back_exactly_and_the_duplicate_check_keeps_its_own() {
        let (_dir, store) = crate::store::scratch_store();
        let conn = store.conn();
        let before = indexes(conn);
        let aside = SetAside::for_import(conn, true).unwrap();
        assert!(!aside.is_empty());
        let during = indexes(conn);
        for kept in READ_WHILE_IMPORTING {
            assert!(during.iter().any(|(n, _)| n == kept), "{kept} was dropped");
        }
        assert!(!during.iter().any(|(n, _)| n == "change_log_by_customer"));
        // Other tables' indexes are not touched.
        assert!(during.iter().any(|(n, _)| n == "purchase_by_date"));
        aside.restore(conn).unwrap();
        assert_eq!(indexes(conn), before);
        // An import that checks its rows in memory reads none of them.
        let aside = SetAside::for_import(conn, false).unwrap();
        let during = indexes(conn);
        for kept in READ_WHILE_IMPORTING {
            assert!(!during.iter().any(|(n, _)| n == kept), "{kept} was kept");
        }
        aside.restore(conn).unwrap();
        assert_eq!(indexes(conn), before);
    }

    #[test]
    fn only_a_large_import_beside_its_book_is_worth_it() {
        assert!(!worth_it(1_000, 0));
        assert!(worth_it(100_000, 0));
        assert!(worth_it(100_000, 400_000));
        assert!(!worth_it(10_000, 1_000_000));
    }
}
