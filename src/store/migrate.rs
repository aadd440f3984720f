//! Numbered, append-only schema migrations, applied in order and tracked by `PRAGMA user_version`.

use crate::store::db::Connection;

use super::error::{Result, StoreError};

/// Marks a SQLite file as kehu's ("kehu" in ASCII).
pub const APPLICATION_ID: i64 = 0x6B65_6875;

/// Shipped migrations, in order. Never edit one that has shipped: add a new file.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_core.sql"),
    include_str!("migrations/0002_workflows.sql"),
    include_str!("migrations/0003_value_and_care.sql"),
    include_str!("migrations/0004_phone_tail.sql"),
    include_str!("migrations/0005_pinyin_sort_keys.sql"),
    include_str!("migrations/0006_ids_never_reused.sql"),
    include_str!("migrations/0007_undo.sql"),
    include_str!("migrations/0008_history_by_customer.sql"),
    include_str!("migrations/0009_contact_or_not.sql"),
    include_str!("migrations/0010_indexes_for_a_large_book.sql"),
    include_str!("migrations/0011_win_back.sql"),
    include_str!("migrations/0012_survey_schedule.sql"),
    include_str!("migrations/0013_complaint_routing.sql"),
    include_str!("migrations/0014_agreements.sql"),
    include_str!("migrations/0015_products.sql"),
    include_str!("migrations/0016_industry_and_potential.sql"),
    include_str!("migrations/0017_loyalty.sql"),
    include_str!("migrations/0018_checks_without_lists.sql"),
    include_str!("migrations/0019_partial_change_indexes.sql"),
    include_str!("migrations/0020_import_undo_runs.sql"),
    include_str!("migrations/0021_win_back_attempts_by_time.sql"),
    include_str!("migrations/0022_search_keys.sql"),
];

/// Work a migration needs that SQL cannot do, run right after its SQL in the same transaction.
fn after_step(conn: &Connection, version: i64) -> Result<()> {
    if version == 18 {
        return checks_without_lists(conn);
    }
    if version == 6 {
        return ids_never_reused(conn);
    }
    if version == 5 {
        let names: Vec<(i64, String)> = conn
            .prepare("SELECT id, name FROM customer")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<crate::store::db::RowResult<_>>()?;
        for (id, name) in names {
            super::rows::exec(
                conn,
                "UPDATE customer SET sort_key = ?2 WHERE id = ?1",
                rusqlite::params![id, crate::domain::sort_key(&name)],
            )?;
        }
    }
    Ok(())
}

/// Rebuilds every table keyed by `INTEGER PRIMARY KEY` as `AUTOINCREMENT`, keeping its rows, ids,
/// indexes and triggers, and starts each table's sequence above the highest id it ever had — the
/// change log remembers ids of rows erased before this migration.
fn ids_never_reused(conn: &Connection) -> Result<()> {
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND sql LIKE '%INTEGER PRIMARY KEY%' AND sql NOT LIKE '%AUTOINCREMENT%' ORDER BY name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<crate::store::db::RowResult<_>>()?;
    for (table, sql) in tables {
        let extras: Vec<String> = conn
            .prepare(
                "SELECT sql FROM sqlite_schema WHERE tbl_name = ?1 AND type IN ('index', 'trigger') \
                 AND sql IS NOT NULL",
            )?
            .query_map([&table], |r| r.get(0))?
            .collect::<crate::store::db::RowResult<_>>()?;
        let rebuilt = format!("{table}__autoincrement");
        let Some(head) = sql.find(&table) else {
            continue;
        };
        let new_sql = format!(
            "CREATE TABLE {rebuilt}{}",
            sql[head + table.len()..].replacen(
                "INTEGER PRIMARY KEY",
                "INTEGER PRIMARY KEY AUTOINCREMENT",
                1
            )
        );
        conn.execute_batch(&new_sql)?;
        // Table names come from the schema itself, not from input.
        conn.execute_batch(&format!(
            "INSERT INTO {rebuilt} SELECT * FROM {table}; DROP TABLE {table}; \
             ALTER TABLE {rebuilt} RENAME TO {table};"
        ))?;
        for extra in extras {
            conn.execute_batch(&extra)?;
        }
    }
    raise_sequences(conn)?;
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if broken > 0 {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.upgrade_check",
            &[("verdict", &format!("{broken} foreign key problem(s)"))],
        )));
    }
    Ok(())
}

/// Starts every AUTOINCREMENT table's next id above the highest it has ever had: its rows, and
/// the rows the change log remembers (erased before an upgrade, or before an export was restored).
pub fn raise_sequences(conn: &Connection) -> Result<()> {
    if conn.is_server() {
        return raise_server_sequences(conn);
    }
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' \
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    for table in tables {
        // Table names come from the schema itself, not from input.
        let seen: i64 = conn.query_row(
            &format!(
                "SELECT max(coalesce((SELECT max(id) FROM {table}), 0), \
                 coalesce((SELECT max(row_id) FROM change_log WHERE table_name = ?1), 0), \
                 coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?1), 0))"
            ),
            [&table],
            |r| r.get(0),
        )?;
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?1", [&table])?;
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
            rusqlite::params![table, seen],
        )?;
    }
    Ok(())
}

/// The same on a server, whose counters are the table `id_sequence` (`next_id`).
fn raise_server_sequences(conn: &Connection) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT table_name::text FROM information_schema.columns
             WHERE table_schema = 'kehu' AND column_name = 'id' AND column_default LIKE 'next_id(%'
             ORDER BY 1",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    for table in tables {
        // Table names come from the schema itself, not from input.
        conn.execute(
            &format!(
                "INSERT INTO id_sequence AS s (name, seq) \
                 SELECT ?1, greatest(coalesce(max(id), 0), \
                        (SELECT coalesce(max(row_id), 0) FROM change_log WHERE table_name = ?1)) \
                 FROM {table} \
                 ON CONFLICT (name) DO UPDATE SET seq = greatest(s.seq, excluded.seq)"
            ),
            [&table],
        )?;
    }
    Ok(())
}

/// Rewrites every table's `CHECK (column IN (a, b, c, …))` as `CHECK (column = a OR column = b
/// OR …)`. SQLite evaluates an IN list of three or more constants by filling a temporary B-tree
/// for each row it checks; comparisons cost next to nothing. The two forms accept exactly the
/// same values (NULL too), so only the schema's text changes, in place — SQLite's documented
/// procedure for changing a CHECK constraint without rebuilding the table (`writable_schema`,
/// then a new `schema_version` so every connection reads the schema again).
fn checks_without_lists(conn: &Connection) -> Result<()> {
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%CHECK (%'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<crate::store::db::RowResult<_>>()?;
    let changed: Vec<(String, String)> = tables
        .into_iter()
        .filter_map(|(name, sql)| {
            let rewritten = lists_as_comparisons(&sql);
            (rewritten != sql).then_some((name, rewritten))
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let schema_version: i64 = conn.pragma_query_value("schema_version")?;
    conn.pragma_update("writable_schema", &true)?;
    let written = changed.iter().try_for_each(|(name, sql)| {
        conn.execute(
            "UPDATE sqlite_schema SET sql = ?2 WHERE type = 'table' AND name = ?1",
            [name, sql],
        )
        .map(|_| ())
    });
    let bumped = conn.pragma_update("schema_version", &(schema_version + 1));
    conn.pragma_update("writable_schema", &false)?;
    written?;
    bumped?;
    Ok(())
}

/// `sql` with each `CHECK (name IN (x, y, z…))` of three or more plain constants (quoted words
/// or integers) written as comparisons; anything else is left as it is.
fn lists_as_comparisons(sql: &str) -> String {
    const OPEN: &str = "CHECK (";
    let mut out = String::with_capacity(sql.len() + 64);
    let mut rest = sql;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at + OPEN.len()]);
        rest = &rest[at + OPEN.len()..];
        if let Some((replaced, after)) = list_check(rest) {
            out.push_str(&replaced);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// For the text after `CHECK (`: the comparisons for `name IN (…))` and the text after its last
/// parenthesis, if it is such a list.
fn list_check(text: &str) -> Option<(String, &str)> {
    let name_end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let name = &text[..name_end];
    let list = text[name_end..].strip_prefix(" IN (")?;
    let close = list.find(')')?;
    let after = list[close..].strip_prefix("))")?;
    let items: Vec<&str> = list[..close].split(',').map(str::trim).collect();
    let plain = |item: &&str| {
        let word = item
            .strip_prefix('\'')
            .and_then(|i| i.strip_suffix('\''))
            .unwrap_or(item);
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if name.is_empty() || items.len() < 3 || !items.iter().all(plain) {
        return None;
    }
    let comparisons: Vec<String> = items.iter().map(|i| format!("{name} = {i}")).collect();
    Some((format!("{})", comparisons.join(" OR ")), after))
}

/// The change log's record of a schema step.
fn log_step(conn: &Connection, at: &str, by: &str, version: i64) -> Result<()> {
    super::rows::exec(
        conn,
        "INSERT INTO change_log (at, by, table_name, row_id, action, after) VALUES (?1, ?2, 'schema', ?3, 'migrate', ?4)",
        rusqlite::params![
            at,
            by,
            version,
            serde_json::json!({ "user_version": version }).to_string()
        ],
    )?;
    Ok(())
}

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn user_version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value("user_version")
}

/// Brings the schema from its current version up to `target` inside one `BEGIN IMMEDIATE`
/// transaction. The version is read again under the lock, so two processes opening an old file at
/// once do not both migrate: the second finds the work done.
pub fn migrate_to(conn: &Connection, target: i64, at: &str, by: &str) -> Result<()> {
    // Rebuilding a table (migration 6) drops it while other tables still point at it: foreign
    // keys are off for the migration (they can only be switched outside a transaction) and
    // checked by `foreign_key_check` before it commits.
    let enforced: bool = conn.pragma_query_value("foreign_keys")?;
    conn.pragma_update("foreign_keys", &"OFF")?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let outcome = apply_locked(conn, target, at, by);
    let result = match outcome {
        Ok(()) => conn.execute_batch("COMMIT").inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        }),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    };
    if enforced {
        conn.pragma_update("foreign_keys", &"ON")?;
    }
    result
}

fn apply_locked(conn: &Connection, target: i64, at: &str, by: &str) -> Result<()> {
    let current = user_version(conn)?;
    if current >= target {
        return Ok(());
    }
    if current > 0 {
        let verdict: String = conn.pragma_query_value("quick_check")?;
        if verdict != "ok" {
            return Err(StoreError::Refused(crate::i18n::tf(
                "refused.upgrade_check",
                &[("verdict", &verdict)],
            )));
        }
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(current as usize)
    {
        let version = index as i64 + 1;
        conn.execute_batch(sql)?;
        after_step(conn, version)?;
        log_step(conn, at, by, version)?;
    }
    // PRAGMA takes no bound parameters; both values are integers computed here.
    conn.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {target};"
    ))?;
    Ok(())
}

/// The schema a new book on a server starts from: SQLite's at this version, whole.
pub const SERVER_BASELINE: i64 = 22;

/// SQLite's functions with SQLite's meaning, for a book on a server (run by every upgrade).
const SERVER_COMPAT: &str = include_str!("migrations/pg/compat.sql");
const SERVER_BASELINE_SQL: &str = include_str!("migrations/pg/0022_baseline.sql");

/// Steps after the baseline whose SQL PostgreSQL takes differently: (version, SQL). A step not
/// listed runs the SQLite file's SQL as it is.
const SERVER_STEPS: &[(i64, &str)] = &[];

/// The schema version of a book on a server; 0 when the database has no kehu book.
pub fn server_version(conn: &Connection) -> Result<i64> {
    let present: bool = conn.query_row("SELECT to_regclass('kehu.meta') IS NOT NULL", [], |r| {
        r.get(0)
    })?;
    if !present {
        return Ok(0);
    }
    let value: String = conn.query_row(
        "SELECT value FROM kehu.meta WHERE key = 'user_version'",
        [],
        |r| r.get(0),
    )?;
    value
        .parse()
        .map_err(|_| StoreError::Refused(format!("kehu.meta user_version = {value}")))
}

/// Creates the book's schema on a server, or brings it up to the latest version, in one
/// transaction under kehu's write lock (two first starts at once: the second finds it done).
pub fn migrate_server(conn: &Connection, at: &str, by: &str) -> Result<()> {
    conn.execute_batch(super::db::begin_write(true))?;
    let outcome = server_steps(conn, at, by);
    match outcome {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn server_steps(conn: &Connection, at: &str, by: &str) -> Result<()> {
    let current = server_version(conn)?;
    let target = latest_version();
    if current >= target {
        return Ok(());
    }
    let mut steps: Vec<(i64, &str)> = Vec::new();
    if current == 0 {
        conn.execute_batch("CREATE SCHEMA IF NOT EXISTS kehu")?;
        conn.execute_batch(SERVER_COMPAT)?;
        steps.push((SERVER_BASELINE, SERVER_BASELINE_SQL));
    } else {
        conn.execute_batch(SERVER_COMPAT)?;
    }
    let from = current.max(SERVER_BASELINE);
    for version in from + 1..=target {
        let sql = SERVER_STEPS
            .iter()
            .find(|(v, _)| *v == version)
            .map_or(MIGRATIONS[version as usize - 1], |(_, sql)| *sql);
        steps.push((version, sql));
    }
    for (version, sql) in steps {
        conn.execute_batch(sql)?;
        log_step(conn, at, by, version)?;
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('user_version', ?1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [target.to_string()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_three_or_more_becomes_comparisons_and_nothing_else_changes() {
        let sql = "tier TEXT CHECK (tier IN ('vip', 'regular', 'potential')),\n\
                   kind TEXT CHECK (kind IN ('b2b', 'b2c')),\n\
                   flag INTEGER CHECK (flag IN (0, 1, 2)),\n\
                   name TEXT CHECK (length(name) BETWEEN 1 AND 200),\n\
                   odd TEXT CHECK (odd IN ('a b', 'c', 'd'))";
        assert_eq!(
            lists_as_comparisons(sql),
            "tier TEXT CHECK (tier = 'vip' OR tier = 'regular' OR tier = 'potential'),\n\
             kind TEXT CHECK (kind IN ('b2b', 'b2c')),\n\
             flag INTEGER CHECK (flag = 0 OR flag = 1 OR flag = 2),\n\
             name TEXT CHECK (length(name) BETWEEN 1 AND 200),\n\
             odd TEXT CHECK (odd IN ('a b', 'c', 'd'))"
        );
    }

    #[test]
    fn a_new_book_checks_by_comparison_and_still_refuses_what_the_list_refused() {
        let (_dir, store) = crate::store::scratch_store();
        let conn = store.conn();
        let tables: Vec<String> = conn
            .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<crate::store::db::RowResult<_>>()
            .unwrap();
        for sql in &tables {
            assert_eq!(&lists_as_comparisons(sql), sql, "a list is left in {sql}");
        }
        assert!(tables.iter().any(|t| t.contains("tier = 'vip' OR")));
        let insert = |tier: &str, channel: Option<&str>| {
            conn.execute(
                "INSERT INTO customer (name, sort_key, tier, channel, created_at, created_by, updated_at, updated_by)
                 VALUES ('A', 'a', ?1, ?2, '2026-01-01T00:00:00.000Z', 't', '2026-01-01T00:00:00.000Z', 't')",
                rusqlite::params![tier, channel],
            )
        };
        let refused = insert("gold", None).unwrap_err().to_string();
        assert!(refused.contains("CHECK constraint failed"), "{refused}");
        assert!(insert("vip", Some("fax")).is_err());
        insert("vip", None).unwrap();
        insert("potential", Some("wechat")).unwrap();
        let verdict: String = conn.pragma_query_value("integrity_check").unwrap();
        assert_eq!(verdict, "ok");
    }
}
