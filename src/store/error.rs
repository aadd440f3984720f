//! What can go wrong in the store, in words a user can act on.

use std::path::PathBuf;

use crate::domain::InputError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Transparent: the input error is the whole message (shown once, not again as its source).
    #[error(transparent)]
    Input(#[from] InputError),

    #[error("{}", crate::i18n::tf("store.not_found", &[("what", &crate::i18n::word("what", what)), ("id", id)]))]
    NotFound { what: &'static str, id: i64 },

    /// Someone else saved the row after it was loaded; nothing was written.
    #[error("{}", crate::i18n::tf("store.conflict", &[("what", &crate::i18n::word("what", what)), ("id", id), ("by", by), ("at", at)]))]
    Conflict {
        what: &'static str,
        id: i64,
        by: String,
        at: String,
        current_version: i64,
    },

    /// A rule of the domain refused the change (e.g. completing a to-do that is already done).
    #[error("{0}")]
    Refused(String),

    /// Waited the whole budget for the lock; `holder` names who held it last, when kehu's own
    /// lock knows (SQLite's byte-range locks name nobody).
    #[error("{}", match holder {
        Some(h) => crate::i18n::tf("store.busy_held", &[("seconds", seconds), ("holder", h)]),
        None => crate::i18n::tf("store.busy", &[("seconds", seconds)]),
    })]
    Busy {
        seconds: String,
        holder: Option<String>,
    },

    /// The database failed its integrity check: nothing is written to it until it is restored.
    #[error("{}", crate::i18n::tf("store.damaged", &[("path", &path.display()), ("verdict", verdict), ("backups", &backups.display())]))]
    Damaged {
        path: PathBuf,
        verdict: String,
        backups: PathBuf,
    },

    /// kehu's own lock could not be taken at all (e.g. a read-only folder).
    #[error("{0}")]
    Lock(String),

    #[error("{}", crate::i18n::tf("store.missing", &[("path", &.0.display())]))]
    Missing(PathBuf),

    #[error("{}", crate::i18n::tf("store.not_sqlite", &[("path", &.0.display())]))]
    NotSqlite(PathBuf),

    #[error("{}", crate::i18n::tf("store.not_kehu", &[("path", &.0.display())]))]
    NotKehu(PathBuf),

    #[error("{}", crate::i18n::tf("store.too_new", &[("path", &path.display()), ("found", found), ("known", known)]))]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },

    /// Writing an export or report failed (a full disk, a closed pipe).
    #[error(transparent)]
    Io(#[from] std::io::Error),

    #[error("{}", crate::i18n::tf("store.database_error", &[("why", .0)]))]
    Sqlite(rusqlite::Error),

    /// What the database server said, in its words (its message, detail and hint).
    #[error("{}", crate::i18n::tf("store.server_error", &[("why", &server_words(.0))]))]
    Server(postgres::Error),
}

/// A server error as a person reads it: PostgreSQL's message, then its detail and hint.
pub(crate) fn server_words(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut words = db.message().to_string();
            for more in [db.detail(), db.hint()].into_iter().flatten() {
                words.push_str(" (");
                words.push_str(more);
                words.push(')');
            }
            words
        }
        // Not the server's words (a refused certificate, a closed socket): the causes in turn.
        None => {
            let mut words = e.to_string();
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                words.push_str(": ");
                words.push_str(&c.to_string());
                cause = c.source();
            }
            words
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        if super::db::server_busy(&e) {
            StoreError::Busy {
                seconds: super::budget_text(),
                holder: None,
            }
        } else {
            StoreError::Server(e)
        }
    }
}

impl StoreError {
    pub fn file(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> StoreError {
        StoreError::File {
            path: path.into(),
            message: err.to_string(),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if is_busy(&e) {
            StoreError::Busy {
                seconds: super::budget_text(),
                holder: super::lock::last_blocker().map(|h| h.describe()),
            }
        } else if let Some(why) = super::lock::take_last_error()
            && e.sqlite_error_code() == Some(rusqlite::ErrorCode::SystemIoFailure)
        {
            StoreError::Lock(why)
        } else {
            StoreError::Sqlite(e)
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> StoreError {
        StoreError::Refused(crate::i18n::tf("refused.stored_json", &[("why", &e)]))
    }
}

pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
    )
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
