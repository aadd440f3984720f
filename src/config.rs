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

/// The config file: `$KEHU_CONFIG`, else `config.toml` in the user's config directory
/// (e.g. `~/.config/kehu/config.toml`). Personal preferences only; team rules live in the database.
pub fn config_path() -> Option<PathBuf> {
    match std::env::var_os("KEHU_CONFIG") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => directories::ProjectDirs::from("", "", "kehu")
            .map(|d| d.config_dir().join("config.toml")),
    }
}

/// A `key = "value"` setting from the config file (simple TOML: one key per line, `#` comments).
pub fn config_value(key: &str) -> Option<String> {
    let text = std::fs::read_to_string(config_path()?).ok()?;
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().trim_matches('"').trim().to_string())
        .filter(|v| !v.is_empty())
}
