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
        .or_else(|| {
            // Some shells (and services) set no user variable; the home folder is named after the user.
            std::env::var_os("HOME")
                .and_then(|h| {
                    std::path::Path::new(&h)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                })
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| "unknown".to_string())
}
