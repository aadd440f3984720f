//! Where the database lives and who the user is, resolved once at the edge.

use std::path::PathBuf;

/// The default database: the user's data directory (e.g. `~/.local/share/kehu/kehu.db` on Linux,
/// `%APPDATA%\kehu\data\kehu.db` on Windows).
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kehu").map(|d| d.data_dir().join("kehu.db"))
}

/// The login name, used when neither `--user` nor `KEHU_USER` names the user.
pub fn login_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}
