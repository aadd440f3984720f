//! A database that failed its integrity check is never written to again until it is restored.
//!
//! The verdict is kept in a file beside the database (`kehu.db-damaged`), so every teammate's kehu
//! sees it at once — including one whose own reads never touched the damaged pages. It is written
//! by `kehu check` and whenever SQLite reports the file malformed, and removed by a restore or by
//! a `kehu check` that passes again (after a repair).

use std::path::{Path, PathBuf};

use super::error::StoreError;

pub fn marker_path(db: &Path) -> PathBuf {
    super::lock::beside(db, "-damaged")
}

/// The recorded verdict, when the database is marked damaged.
pub fn verdict(db: &Path) -> Option<String> {
    std::fs::read_to_string(marker_path(db))
        .ok()
        .map(|t| t.trim().to_string())
}

/// Records that the database failed a check, with what was found, when and by whom.
pub fn mark(db: &Path, what: &str, by: &str) {
    if marker_path(db).exists() {
        return;
    }
    let line = format!(
        "{} ({}, {})\n",
        what.replace('\n', "; "),
        crate::domain::time::format_timestamp(chrono::Utc::now()),
        by
    );
    let _ = std::fs::write(marker_path(db), line);
    if super::team::is_shared(db) {
        let _ = super::set_mode(&marker_path(db), 0o660);
    }
}

pub fn clear(db: &Path) {
    let _ = std::fs::remove_file(marker_path(db));
}

/// Whether a SQLite error says the file itself is damaged.
pub fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase)
    )
}

/// The refusal every write gets on a damaged database, with the way out.
pub fn refusal(db: &Path, verdict: String) -> StoreError {
    StoreError::Damaged {
        path: db.to_path_buf(),
        verdict,
        backups: super::maintenance::backup_dir(db),
    }
}
