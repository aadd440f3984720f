//! Numbered, append-only schema migrations, applied in order and tracked by `PRAGMA user_version`.

use rusqlite::Connection;

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
];

/// Work a migration needs that SQL cannot do, run right after its SQL in the same transaction.
fn after_step(conn: &Connection, version: i64) -> Result<()> {
    if version == 6 {
        return ids_never_reused(conn);
    }
    if version == 5 {
        let names: Vec<(i64, String)> = conn
            .prepare("SELECT id, name FROM customer")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
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
        .collect::<rusqlite::Result<_>>()?;
    for (table, sql) in tables {
        let extras: Vec<String> = conn
            .prepare(
                "SELECT sql FROM sqlite_schema WHERE tbl_name = ?1 AND type IN ('index', 'trigger') \
                 AND sql IS NOT NULL",
            )?
            .query_map([&table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
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
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' \
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
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

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings the schema from its current version up to `target` inside one `BEGIN IMMEDIATE`
/// transaction. The version is read again under the lock, so two processes opening an old file at
/// once do not both migrate: the second finds the work done.
pub fn migrate_to(conn: &Connection, target: i64, at: &str, by: &str) -> Result<()> {
    // Rebuilding a table (migration 6) drops it while other tables still point at it: foreign
    // keys are off for the migration (they can only be switched outside a transaction) and
    // checked by `foreign_key_check` before it commits.
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let outcome = apply_locked(conn, target, at, by);
    let result = match outcome {
        Ok(()) => conn.execute_batch("COMMIT").map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            StoreError::from(e)
        }),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    };
    if enforced {
        conn.pragma_update(None, "foreign_keys", "ON")?;
    }
    result
}

fn apply_locked(conn: &Connection, target: i64, at: &str, by: &str) -> Result<()> {
    let current = user_version(conn)?;
    if current >= target {
        return Ok(());
    }
    if current > 0 {
        let verdict: String = conn.pragma_query_value(None, "quick_check", |r| r.get(0))?;
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
    }
    // PRAGMA takes no bound parameters; both values are integers computed here.
    conn.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {target};"
    ))?;
    Ok(())
}
