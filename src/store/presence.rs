//! Who else has the database open: small files in a folder beside it (user, host, pid), touched
//! every 30 seconds. Files, not table writes: a write would wake every teammate's refresh. A
//! book on a server has no folder of ours: there a table outside the change log plays the part.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Result;
use crate::store::db::Connection;

/// How often a running kehu touches its file, and when a file counts as left behind.
pub const TOUCH_EVERY: Duration = Duration::from_secs(30);
pub const STALE_AFTER: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Present {
    pub user: String,
    pub host: String,
    pub pid: u32,
}

/// This process's presence; its file is removed when dropped.
pub struct Presence {
    file: PathBuf,
}

fn folder(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map_or_else(|| "kehu".into(), |n| n.to_string_lossy().into_owned());
    db.with_file_name(format!(".{name}.presence"))
}

/// The machine's name, for telling teammates apart.
pub fn host_name() -> String {
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .ok()
        .or_else(|| fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether a process of this machine is still running (Linux: its `/proc` entry; elsewhere it is
/// assumed alive, and ages decide instead).
pub fn process_alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}

impl Presence {
    /// Announces this process. Failing to write (a read-only folder) only means teammates do not
    /// see us; it never stops the user working.
    pub fn announce(db: &Path, user: &str) -> Option<Presence> {
        let dir = folder(db);
        fs::create_dir_all(&dir).ok()?;
        let me = Present {
            user: user.to_string(),
            host: host_name(),
            pid: std::process::id(),
        };
        let file = dir.join(format!("{}-{}.json", me.host, me.pid));
        fs::write(&file, serde_json::to_vec(&me).ok()?).ok()?;
        Some(Presence { file })
    }

    /// Marks this process as still here.
    pub fn touch(&self) {
        if let Ok(bytes) = fs::read(&self.file) {
            let _ = fs::write(&self.file, bytes);
        }
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.file);
    }
}

/// On a server: says this process is still here (the server's clock stamps it, so teammates'
/// clocks need not agree), forgets screens silent for [`STALE_AFTER`], and returns everyone
/// else. Not a write of the book: no change log and no notice, so it wakes no one's refresh.
pub fn heartbeat(conn: &Connection, user: &str) -> Result<Vec<Present>> {
    let (host, pid) = (host_name(), i64::from(std::process::id()));
    conn.execute(
        "INSERT INTO presence (host, pid, user_name, seen_at) VALUES (?1, ?2, ?3, now())
         ON CONFLICT (host, pid) DO UPDATE SET user_name = excluded.user_name, seen_at = now()",
        params![host, pid, user],
    )?;
    conn.execute(
        "DELETE FROM presence WHERE seen_at < now() - make_interval(secs => ?1)",
        [STALE_AFTER.as_secs_f64()],
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT user_name, host, pid FROM presence WHERE NOT (host = ?1 AND pid = ?2)
         ORDER BY user_name, host",
    )?;
    let found = stmt
        .query_map(params![host, pid], |r| {
            Ok(Present {
                user: r.get(0)?,
                host: r.get(1)?,
                pid: r.get(2)?,
            })
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    // A kehu of this machine that was killed: its heartbeat goes at once, not in 90 s.
    let (gone, here): (Vec<Present>, Vec<Present>) = found
        .into_iter()
        .partition(|p| p.host == host && !process_alive(p.pid));
    for p in gone {
        conn.execute(
            "DELETE FROM presence WHERE host = ?1 AND pid = ?2",
            params![p.host, i64::from(p.pid)],
        )?;
    }
    Ok(here)
}

/// On a server: this process has left.
pub fn leave(conn: &Connection) -> Result<()> {
    conn.execute(
        "DELETE FROM presence WHERE host = ?1 AND pid = ?2",
        params![host_name(), i64::from(std::process::id())],
    )?;
    Ok(())
}

/// Everyone else with the database open now (files touched recently, not this process's).
pub fn others(db: &Path) -> Vec<Present> {
    let Ok(entries) = fs::read_dir(folder(db)) else {
        return Vec::new();
    };
    let now = SystemTime::now();
    let me = (host_name(), std::process::id());
    let here = host_name();
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let fresh = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age <= STALE_AFTER);
        if !fresh {
            continue;
        }
        if let Some(p) = fs::read(entry.path())
            .ok()
            .and_then(|b| serde_json::from_slice::<Present>(&b).ok())
            && (p.host.clone(), p.pid) != me
        {
            // A kehu of this machine that was killed: its file goes at once, not in 90 s.
            if p.host == here && !process_alive(p.pid) {
                let _ = fs::remove_file(entry.path());
                continue;
            }
            out.push(p);
        }
    }
    out.sort_by(|a, b| (&a.user, &a.host).cmp(&(&b.user, &b.host)));
    out
}
