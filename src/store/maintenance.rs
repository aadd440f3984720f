//! Integrity checks and online backups.

use std::path::Path;
use std::time::Duration;

use crate::store::db::Connection;
use rusqlite::OpenFlags;
use rusqlite::backup::{Backup, StepResult};

use super::error::{Result, StoreError};
use super::{Store, customers, migrate};

/// Problems found by a full check; empty means the database is healthy. A failed integrity check
/// marks the database damaged (no more writes until it is restored); a clean one clears the mark.
pub fn check(store: &Store) -> Result<Vec<String>> {
    let problems = store.read(check_connection);
    let problems = match problems {
        Ok(p) => p,
        Err(StoreError::Sqlite(e)) if super::damage::is_corruption(&e) => {
            vec![format!("integrity: {e}")]
        }
        Err(e) => return Err(e),
    };
    let broken: Vec<&String> = problems
        .iter()
        .filter(|p| p.starts_with("integrity: "))
        .collect();
    if broken.is_empty() {
        super::damage::clear(store.path());
    } else {
        let summary: Vec<&str> = broken.iter().take(3).map(|s| s.as_str()).collect();
        super::damage::mark(store.path(), &summary.join("; "), &super::lock::user_name());
    }
    Ok(problems)
}

/// The full check of one connection's database: integrity, foreign keys, cached figures. The
/// same check for the live database and for every backup copy.
/// SQLite's own checks of a file: its pages and its foreign keys.
fn file_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare_cached("PRAGMA integrity_check")?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
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
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    problems.extend(orphans);
    Ok(problems)
}

pub fn check_connection(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    // A server checks its own pages and enforces foreign keys as it writes; kehu checks the
    // figures it keeps.
    if !conn.is_server() {
        problems = file_problems(conn)?;
    }
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
    if store.is_server() {
        return server_dump(store, dest);
    }
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let shared = super::team::is_shared(store.path());
    if !parent.exists() {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::file(parent, e))?;
        super::set_mode(parent, super::team::dir_mode(shared))?;
    }
    sweep_abandoned_temporaries(parent);
    // The name says who is writing it, so the next backup can tell a killed one from a running one.
    let tmp = tempfile::Builder::new()
        .prefix(&format!(
            "{TEMP_PREFIX}{}-{}-",
            super::presence::host_name(),
            std::process::id()
        ))
        .tempfile_in(parent)
        .map_err(|e| StoreError::file(parent, e))?;
    {
        let mut copy = super::open_connection(
            tmp.path(),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        copy_with_bounded_restarts(store.conn().file_only()?, &mut copy)?;
        let copy = Connection::Sqlite(copy);
        let problems = check_connection(&copy)?;
        let app_id: i64 = copy.pragma_query_value("application_id")?;
        if !problems.is_empty() || app_id != migrate::APPLICATION_ID {
            let verdict = if problems.is_empty() {
                crate::i18n::t("refused.not_kehu_copy").to_string()
            } else {
                problems
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            return Err(StoreError::Refused(crate::i18n::tf(
                "refused.backup_check",
                &[("verdict", &verdict)],
            )));
        }
    }
    super::set_mode(tmp.path(), super::team::file_mode(shared))?;
    tmp.persist(dest)
        .map_err(|e| StoreError::file(dest, e.error))?;
    Ok(())
}

/// Temporary copies being written start with this; they are never backups.
const TEMP_PREFIX: &str = ".kehu-backup-";
/// A temporary copy of another machine untouched this long belongs to a backup that died.
const TEMP_ABANDONED_AFTER: Duration = Duration::from_secs(3600);

/// Removes temporary copies left by killed backups (they can be large and hold erased customers):
/// this machine's whose process is gone, and any untouched for an hour.
fn sweep_abandoned_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let host = super::presence::host_name();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
            continue;
        };
        // `HOST-PID-random`; the host may itself contain dashes.
        let mut parts = rest.rsplitn(3, '-');
        let (_random, pid, writer) = (parts.next(), parts.next(), parts.next());
        let dead_here = writer == Some(host.as_str())
            && pid
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|p| !super::presence::process_alive(p));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > TEMP_ABANDONED_AFTER);
        if dead_here || old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The backups in the backups folder, newest first: (path, size in bytes).
pub fn list_backups(db: &Path) -> Vec<(std::path::PathBuf, u64)> {
    let dir = backup_dir(db);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(std::path::PathBuf, u64)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.')
                && !name.starts_with("kehu-damaged-")
                && (name.ends_with(".db") || name.ends_with(".dump"))
        })
        .map(|e| (e.path(), e.metadata().map(|m| m.len()).unwrap_or(0)))
        .collect();
    out.sort_by(|a, b| {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        modified(&b.0).cmp(&modified(&a.0)).then(b.0.cmp(&a.0))
    });
    out
}

fn copy_with_bounded_restarts(
    src: &rusqlite::Connection,
    dst: &mut rusqlite::Connection,
) -> Result<()> {
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

/// A book on a server is backed up by PostgreSQL's own `pg_dump` (custom format, for
/// `pg_restore`), which reads the password where kehu does (`PGPASSWORD`, `~/.pgpass`).
fn server_dump(store: &Store, dest: &Path) -> Result<()> {
    let address = store.path().to_string_lossy().into_owned();
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::file(parent, e))?;
    }
    let output = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--schema=kehu", "--no-owner", "--file"])
        .arg(dest)
        .arg(&address)
        .output()
        .map_err(|_| StoreError::Refused(crate::i18n::t("server.no_pg_dump").into()))?;
    if !output.status.success() {
        return Err(StoreError::file(
            dest,
            String::from_utf8_lossy(&output.stderr).trim(),
        ));
    }
    Ok(())
}

/// Opens a backup or other kehu file read-only to inspect it (e.g. tests and `restore`).
pub fn open_read_only(path: &Path) -> Result<Connection> {
    Ok(Connection::Sqlite(super::open_connection(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?))
}

/// Checks that `path` is a healthy kehu database this kehu can read.
pub fn check_candidate(path: &Path) -> Result<()> {
    let conn = super::open_connection(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
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
    let conn = Connection::Sqlite(conn);
    let version = migrate::user_version(&conn)?;
    if version > migrate::latest_version() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: migrate::latest_version(),
        });
    }
    let problems = check_connection(&conn)?;
    if !problems.is_empty() {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.restore_check",
            &[("path", &path.display()), ("verdict", &problems.join("; "))],
        )));
    }
    Ok(())
}

/// Whether the database at `db` is damaged: marked so, not openable as SQLite, or failing SQLite's
/// integrity check. Returns what was found.
pub fn damage_of(db: &Path) -> Option<String> {
    if let Some(v) = super::damage::verdict(db) {
        return Some(v);
    }
    let conn = match super::open_connection(db, OpenFlags::SQLITE_OPEN_READ_ONLY) {
        Ok(c) => c,
        Err(e) => return Some(e.to_string()),
    };
    match conn.pragma_query_value(None, "integrity_check", |r| r.get::<_, String>(0)) {
        Ok(v) if v == "ok" => None,
        Ok(v) => Some(v),
        Err(e) => Some(e.to_string()),
    }
}

/// Puts a checked backup in place of a damaged database. The damaged file (and its journal, if
/// any) is moved aside byte for byte — never read through SQLite, which could not copy it — into
/// `aside`, and the backup is copied in under a temporary name and renamed into place. Holds
/// kehu's lock meanwhile where it is in force. Returns where the damaged file went.
pub fn replace_damaged(db: &Path, from: &Path, aside: &Path) -> Result<std::path::PathBuf> {
    check_candidate(from)?;
    let mut lock = super::lock::DbLock::new(db);
    if super::lock::policy::decide(db).on {
        let deadline = std::time::Instant::now() + super::busy_budget();
        loop {
            match lock.try_take() {
                super::lock::Attempt::Taken => break,
                super::lock::Attempt::Failed(e) => return Err(StoreError::file(db, e)),
                super::lock::Attempt::Held(holder) => {
                    if std::time::Instant::now() >= deadline {
                        return Err(StoreError::Busy {
                            seconds: super::budget_text(),
                            holder: holder.map(|h| h.describe()),
                        });
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }
    let folder = aside
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(|e| StoreError::file(folder, e))?;
    let shared = super::team::is_shared(db);
    // The new file is complete beside the database before the damaged one moves.
    let parent = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let incoming = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(parent)
        .map_err(|e| StoreError::file(parent, e))?;
    std::fs::copy(from, incoming.path()).map_err(|e| StoreError::file(from, e))?;
    super::set_mode(incoming.path(), super::team::file_mode(shared))?;
    move_file(db, aside)?;
    let journal = super::lock::beside(db, "-journal");
    if journal.exists() {
        move_file(&journal, &super::lock::beside(aside, "-journal"))?;
    }
    incoming
        .persist(db)
        .map_err(|e| StoreError::file(db, e.error))?;
    super::damage::clear(db);
    Ok(aside.to_path_buf())
}

/// Moves a file; across file systems (no rename possible), copies its bytes and removes it.
fn move_file(from: &Path, to: &Path) -> Result<()> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map_err(|e| StoreError::file(to, e))?;
    std::fs::remove_file(from).map_err(|e| StoreError::file(from, e))
}

/// Replaces the live database's contents with `from`'s, through the backup API (which takes the
/// write lock), after keeping the current contents as a backup in `keep`. Returns the kept copy.
/// The caller reopens the store afterwards, which upgrades an older file.
pub fn restore(store: &mut Store, from: &Path, keep: &Path) -> Result<()> {
    check_candidate(from)?;
    backup(store, keep)?;
    let src = super::open_connection(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let b = Backup::new(&src, store.conn.file_only_mut()?)?;
    b.run_to_completion(256, Duration::from_millis(20), None)?;
    Ok(())
}

/// The folder beside the database where backups go.
pub fn backup_dir(db: &Path) -> std::path::PathBuf {
    // A server has no folder of ours: its dumps go to this user's data folder, one folder per
    // database.
    if super::server::is_address(db) {
        let text = db.to_string_lossy();
        let name: String = text
            .split('?')
            .next()
            .and_then(|base| base.rsplit('/').next())
            .unwrap_or("server")
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let data = crate::config::default_db_path()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        return data.join("backups").join(format!("server-{name}"));
    }
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
    // A server's backups are its administrator's (and `kehu backup` runs pg_dump on demand).
    if store.is_server() {
        return Ok(None);
    }
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
