//! A database shared by a team in one folder: who may read and write what beside it.
//!
//! Every teammate must be able to create and remove the lock, write the journal, make and read
//! backups. On Unix that is the team's group with read/write, and setgid on folders so files made
//! in them keep that group; whether a database is shared is read from its own file mode.

use std::fs;
use std::path::Path;

use super::error::{Result, StoreError};
use super::{lock, maintenance, set_mode};

/// Whether the database at `db` is a team database (its file is group-writable).
pub fn is_shared(db: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(db).is_ok_and(|m| m.permissions().mode() & 0o020 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = db;
        false
    }
}

/// The modes for files and folders kehu makes beside a database.
pub fn file_mode(shared: bool) -> u32 {
    if shared { 0o660 } else { 0o600 }
}

pub fn dir_mode(shared: bool) -> u32 {
    if shared { 0o2770 } else { 0o700 }
}

/// Makes the database's folder, file, backups folder and backups group read/write (with setgid on
/// folders), and turns kehu's lock on for every teammate. Fixes a folder that already exists too.
pub fn make_shared(db: &Path) -> Result<()> {
    let folder = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|e| StoreError::file(folder, e))?;
    add_mode(folder, 0o2770)?;
    if db.exists() {
        add_mode(db, 0o660)?;
    }
    let backups = maintenance::backup_dir(db);
    fs::create_dir_all(&backups).map_err(|e| StoreError::file(&backups, e))?;
    set_mode(&backups, 0o2770)?;
    if let Ok(entries) = fs::read_dir(&backups) {
        for entry in entries.flatten() {
            if entry.path().is_file() {
                add_mode(&entry.path(), 0o660)?;
            }
        }
    }
    lock::policy::write_marker(db, crate::i18n::t("lock.why_team"))
        .map_err(|e| StoreError::file(lock::policy::marker_path(db), e))?;
    set_mode(&lock::policy::marker_path(db), 0o664)?;
    Ok(())
}

/// Adds permission bits to what a path has (never removes the owner's).
fn add_mode(path: &Path, bits: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|e| StoreError::file(path, e))?
            .permissions()
            .mode();
        set_mode(path, (mode & 0o7777) | bits)?;
    }
    #[cfg(not(unix))]
    let _ = (path, bits);
    Ok(())
}
