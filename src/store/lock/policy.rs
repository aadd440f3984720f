//! When kehu's own lock is in force, and why — the answer `kehu check` prints.
//!
//! It is on where byte-range locks cannot be trusted (network and FUSE mounts, sync folders, a
//! Windows network drive) and wherever the team chose it (`kehu init --shared`, the `locking`
//! setting). Either way a marker file beside the database (`kehu.db-locking`) records it, so every
//! kehu that opens the file — on another machine, or one whose guard sees the share differently —
//! agrees; an older kehu cannot open the file at all (its schema is newer than it knows).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::store::guard;

/// Whether kehu's lock is in force for a database, and the reason in the interface language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locking {
    pub on: bool,
    pub why: String,
}

/// The marker beside a database that says every kehu must take the lock.
pub fn marker_path(db: &Path) -> PathBuf {
    super::beside(db, "-locking")
}

/// Decides for the database at `db`. Where a file system needs the lock and the marker is missing,
/// writes it (best effort) so teammates whose machines see the share differently agree.
pub fn decide(db: &Path) -> Locking {
    // A server keeps its own locks: nothing of a file's applies, and no marker is written.
    if crate::store::server::is_address(db) {
        return Locking {
            on: false,
            why: crate::i18n::t("check.server_locking").to_string(),
        };
    }
    let marker = marker_path(db);
    if let Some(why) = untrusted_because(db) {
        if !marker.exists() {
            let _ = write_marker(db, &why);
        }
        return Locking { on: true, why };
    }
    if let Ok(text) = std::fs::read_to_string(&marker) {
        let reason = text
            .lines()
            .find_map(|l| l.strip_prefix("reason: "))
            .unwrap_or("")
            .trim()
            .to_string();
        return Locking {
            on: true,
            why: crate::i18n::tf(
                "lock.why_marker",
                &[("marker", &marker.display()), ("reason", &reason)],
            ),
        };
    }
    Locking {
        on: false,
        why: crate::i18n::t("lock.why_local").into(),
    }
}

/// Records that every kehu must take the lock on this database.
pub fn write_marker(db: &Path, reason: &str) -> std::io::Result<()> {
    let text = format!(
        "lockfile\nreason: {}\n# Every kehu that opens {} takes the lock {} around each read and write.\n# Removing this file does not make sharing safe: see `kehu check`.\n",
        reason.replace('\n', " "),
        db.file_name().unwrap_or_default().to_string_lossy(),
        super::lock_dir(db)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy(),
    );
    std::fs::write(marker_path(db), text)
}

/// Makes the marker follow the team's `locking` setting: `lockfile` writes it, `auto` removes it
/// (unless the file system itself requires the lock).
pub fn follow_setting(db: &Path, value: &str) -> crate::store::Result<()> {
    if crate::store::server::is_address(db) {
        return Ok(());
    }
    let result = if value == "lockfile" {
        if marker_path(db).exists() {
            Ok(())
        } else {
            write_marker(db, crate::i18n::t("lock.why_team"))
        }
    } else {
        remove_marker(db).map(|_| ())
    };
    result.map_err(|e| crate::store::StoreError::file(marker_path(db), e))
}

/// Removes the marker, unless the file system itself requires the lock.
pub fn remove_marker(db: &Path) -> std::io::Result<bool> {
    if untrusted_because(db).is_some() {
        return Ok(false);
    }
    match std::fs::remove_file(marker_path(db)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// Why byte-range locks cannot be trusted where `db` lives, if they cannot.
fn untrusted_because(db: &Path) -> Option<String> {
    let dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let path = dir
        .canonicalize()
        .map(|d| d.join(db.file_name().unwrap_or_default()))
        .unwrap_or_else(|_| db.to_path_buf());
    if let Some(name) = guard::sync_folder(&path) {
        return Some(crate::i18n::tf("lock.why_sync", &[("name", &name)]));
    }
    if let Some(m) = guard::mount_of(mounts(), &path)
        && guard::locks_untrusted(m)
    {
        return Some(crate::i18n::tf(
            "lock.why_mount",
            &[("fs", &m.fs_type), ("mount", &m.point.display())],
        ));
    }
    if guard::is_network_drive(&path) {
        return Some(crate::i18n::t("lock.why_network_drive").into());
    }
    None
}

/// This machine's mounts, read once per process.
fn mounts() -> &'static [guard::Mount] {
    static MOUNTS: OnceLock<Vec<guard::Mount>> = OnceLock::new();
    MOUNTS.get_or_init(guard::read_mounts)
}
