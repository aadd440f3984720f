//! Integrity checks and online backups.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::error::{Result, StoreError};
use super::{Store, customers, migrate};

/// Problems found by a full check; empty means the database is healthy.
pub fn check(store: &Store) -> Result<Vec<String>> {
    let conn = store.conn();
    let mut problems = Vec::new();
    let mut stmt = conn.prepare_cached("PRAGMA integrity_check")?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    problems.extend(
        lines
            .into_iter()
            .filter(|l| l != "ok")
            .map(|l| format!("integrity: {l}")),
    );
    let mut stmt = conn.prepare_cached("PRAGMA foreign_key_check")?;
    let orphans = stmt
        .query_map([], |r| {
            Ok(crate::i18n::tf(
                "check.orphan",
                &[
                    ("table", &r.get::<_, String>(0)?),
                    ("row", &r.get::<_, i64>(1)?),
                    ("parent", &r.get::<_, String>(2)?),
                ],
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    problems.extend(orphans);
    let stale = customers::stale_derived(conn)?;
    if !stale.is_empty() {
        let shown: Vec<String> = stale.iter().take(10).map(i64::to_string).collect();
        let list = format!(
            "{}{}",
            shown.join(", "),
            if stale.len() > 10 { ", …" } else { "" }
        );
        problems.push(crate::i18n::tf(
            "check.stale",
            &[("n", &stale.len()), ("list", &list)],
        ));
    }
    Ok(problems)
}

/// Pages copied per backup step; small steps let other users' writes through between them.
const PAGES_PER_STEP: i32 = 256;
/// How many times a backup may start over because someone wrote meanwhile, before it takes a
/// read lock for one final pass.
const MAX_RESTARTS: u32 = 3;

/// Copies the live database to `dest` with SQLite's online backup API while others keep working,
/// then checks the copy. Written to a temporary file beside `dest` and renamed into place, so a
/// failed backup never leaves a half-written file under the final name.
pub fn backup(store: &Store, dest: &Path) -> Result<()> {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| StoreError::file(parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".kehu-backup-")
        .tempfile_in(parent)
        .map_err(|e| StoreError::file(parent, e))?;
    {
        let mut copy = Connection::open(tmp.path())?;
        copy_with_bounded_restarts(store.conn(), &mut copy)?;
        let verdict: String = copy.pragma_query_value(None, "quick_check", |r| r.get(0))?;
        let app_id: i64 = copy.pragma_query_value(None, "application_id", |r| r.get(0))?;
        if verdict != "ok" || app_id != migrate::APPLICATION_ID {
            return Err(StoreError::Refused(crate::i18n::tf(
                "refused.backup_check",
                &[("verdict", &verdict)],
            )));
        }
    }
    super::set_mode(tmp.path(), 0o600)?;
    tmp.persist(dest)
        .map_err(|e| StoreError::file(dest, e.error))?;
    Ok(())
}

fn copy_with_bounded_restarts(src: &Connection, dst: &mut Connection) -> Result<()> {
    let backup = Backup::new(src, dst)?;
    let mut restarts = 0;
    let mut last_remaining = i32::MAX;
    loop {
        match backup.step(PAGES_PER_STEP)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {
                let remaining = backup.progress().remaining;
                // The backup API starts over when another connection writes; seeing more pages
                // left than a moment ago means it did.
                if remaining > last_remaining {
                    restarts += 1;
                    if restarts > MAX_RESTARTS {
                        break;
                    }
                }
                last_remaining = remaining;
            }
            StepResult::Busy | StepResult::Locked => std::thread::sleep(Duration::from_millis(20)),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    // One pass that copies everything while holding the read lock: it cannot restart.
    drop(backup);
    let backup = Backup::new(src, dst)?;
    backup.run_to_completion(-1, Duration::from_millis(20), None)?;
    Ok(())
}

/// Opens a backup or other kehu file read-only to inspect it (e.g. tests and `restore`).
pub fn open_read_only(path: &Path) -> Result<Connection> {
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?)
}

/// Checks that `path` is a healthy kehu database this kehu can read.
fn check_candidate(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|_| StoreError::file(path, crate::i18n::t("file.cannot_open")))?;
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite(path.to_path_buf()),
            _ => StoreError::from(e),
        })?;
    if app_id != migrate::APPLICATION_ID {
        return Err(StoreError::NotKehu(path.to_path_buf()));
    }
    let version = migrate::user_version(&conn)?;
    if version > migrate::latest_version() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: migrate::latest_version(),
        });
    }
    let verdict: String = conn.pragma_query_value(None, "quick_check", |r| r.get(0))?;
    if verdict != "ok" {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.restore_check",
            &[("path", &path.display()), ("verdict", &verdict)],
        )));
    }
    Ok(())
}

/// Replaces the live database's contents with `from`'s, through the backup API (which takes the
/// write lock), after keeping the current contents as a backup in `keep`. Returns the kept copy.
/// The caller reopens the store afterwards, which upgrades an older file.
pub fn restore(store: &mut Store, from: &Path, keep: &Path) -> Result<()> {
    check_candidate(from)?;
    backup(store, keep)?;
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let b = Backup::new(&src, &mut store.conn)?;
    b.run_to_completion(256, Duration::from_millis(20), None)?;
    Ok(())
}

/// The folder beside the database where backups go.
pub fn backup_dir(db: &Path) -> std::path::PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

/// Once a day: a checked copy `backups/kehu-auto-YYYY-MM-DD.db` beside the database, keeping the
/// newest `keep`. Returns the new file, or `None` when today's exists already.
pub fn daily_backup(
    store: &Store,
    today: chrono::NaiveDate,
    keep: usize,
) -> Result<Option<std::path::PathBuf>> {
    let dir = backup_dir(store.path());
    let dest = dir.join(format!("kehu-auto-{today}.db"));
    if dest.exists() {
        return Ok(None);
    }
    backup(store, &dest)?;
    let mut autos: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| StoreError::file(&dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("kehu-auto-") && n.ends_with(".db"))
        })
        .collect();
    autos.sort();
    while autos.len() > keep.max(1) {
        let oldest = autos.remove(0);
        std::fs::remove_file(&oldest).map_err(|e| StoreError::file(&oldest, e))?;
    }
    Ok(Some(dest))
}
