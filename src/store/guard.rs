//! The network-drive guard: warnings about where the database file lives. SQLite is safe on a
//! network drive only with working file locks and the rollback journal (which kehu always uses);
//! some mount options and sync tools break that.

use std::path::{Path, PathBuf};

/// Folder names of sync tools that copy files behind SQLite's back (conflicted copies, torn writes).
const SYNC_FOLDERS: &[&str] = &[
    "dropbox",
    "onedrive",
    "google drive",
    "googledrive",
    "icloud",
    "icloud drive",
    "nutstore",
    "坚果云",
    "百度网盘",
    "baidunetdisk",
];

/// Warnings for a database at `db`, in words a user can act on. Empty when nothing is wrong.
pub fn warnings(db: &Path) -> Vec<String> {
    let path = db.canonicalize().unwrap_or_else(|_| db.to_path_buf());
    let mut out = Vec::new();
    let lower = path.to_string_lossy().to_lowercase();
    if let Some(name) = SYNC_FOLDERS.iter().find(|n| {
        path.components()
            .any(|c| c.as_os_str().to_string_lossy().to_lowercase() == **n)
    }) {
        out.push(crate::i18n::tf("guard.sync_folder", &[("name", name)]));
    } else if lower.contains("dropbox") || lower.contains("onedrive") {
        out.push(crate::i18n::t("guard.cloud").into());
    }
    out.extend(mount_warnings(&path));
    out.extend(drive_warnings(&path));
    out
}

/// One mount from `/proc/self/mountinfo`: where, what filesystem, and all its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub point: PathBuf,
    pub fs_type: String,
    pub options: Vec<String>,
}

/// Parses `/proc/self/mountinfo` lines (mount point is field 5, options field 6, then after
/// " - ": filesystem type, source, super options).
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let (left, right) = line.split_once(" - ")?;
            let fields: Vec<&str> = left.split(' ').collect();
            let rest: Vec<&str> = right.split(' ').collect();
            let point = fields.get(4)?.replace("\\040", " ");
            let mut options: Vec<String> = fields.get(5)?.split(',').map(str::to_string).collect();
            options.extend(
                rest.get(2)
                    .map(|o| o.split(',').map(str::to_string).collect::<Vec<_>>())
                    .unwrap_or_default(),
            );
            Some(Mount {
                point: PathBuf::from(point),
                fs_type: rest.first()?.to_string(),
                options,
            })
        })
        .collect()
}

/// The problems of the mount holding `path` (the longest mount point that contains it).
pub fn check_mount(mounts: &[Mount], path: &Path) -> Vec<String> {
    let Some(m) = mounts
        .iter()
        .filter(|m| path.starts_with(&m.point))
        .max_by_key(|m| m.point.as_os_str().len())
    else {
        return Vec::new();
    };
    let has = |o: &str| m.options.iter().any(|x| x == o);
    let mut out = Vec::new();
    match m.fs_type.as_str() {
        "cifs" | "smb3" | "smbfs" if has("nobrl") => out.push(crate::i18n::tf(
            "guard.nobrl",
            &[("mount", &m.point.display())],
        )),
        "nfs" | "nfs4" if has("nolock") || has("local_lock=all") => out.push(crate::i18n::tf(
            "guard.nolock",
            &[
                ("mount", &m.point.display()),
                (
                    "option",
                    &if has("nolock") {
                        "'nolock'"
                    } else {
                        "'local_lock=all'"
                    },
                ),
            ],
        )),
        _ => {}
    }
    out
}

#[cfg(target_os = "linux")]
fn mount_warnings(path: &Path) -> Vec<String> {
    match std::fs::read_to_string("/proc/self/mountinfo") {
        Ok(text) => check_mount(&parse_mountinfo(&text), path),
        Err(_) => Vec::new(),
    }
}

#[cfg(not(target_os = "linux"))]
fn mount_warnings(_path: &Path) -> Vec<String> {
    Vec::new()
}

/// On Windows, a database on a network drive is allowed (that is what teams do) but deserves a
/// reminder about backups; a mapped drive is detected with `GetDriveTypeW`.
#[cfg(windows)]
fn drive_warnings(path: &Path) -> Vec<String> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Storage::FileSystem::GetDriveTypeW;
    const DRIVE_REMOTE: u32 = 4;
    let Some(std::path::Component::Prefix(prefix)) = path.components().next() else {
        return Vec::new();
    };
    let mut root: Vec<u16> = prefix.as_os_str().encode_wide().collect();
    root.extend("\\".encode_utf16());
    root.push(0);
    // SAFETY: `root` is a NUL-terminated UTF-16 string that outlives the call.
    let kind = unsafe { GetDriveTypeW(root.as_ptr()) };
    if kind == DRIVE_REMOTE {
        vec![crate::i18n::t("guard.network").into()]
    } else {
        Vec::new()
    }
}

#[cfg(not(windows))]
fn drive_warnings(_path: &Path) -> Vec<String> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/team rw,relatime shared:20 - cifs //server/team rw,vers=3.0,nobrl,cache=strict
41 22 0:36 / /mnt/nfs rw,relatime shared:21 - nfs4 server:/export rw,vers=4.2,local_lock=all
42 22 0:37 / /mnt/ok rw,relatime shared:22 - cifs //server/ok rw,vers=3.0,cache=strict
43 22 0:38 / /mnt/old\\040share rw - nfs server:/old rw,nolock";

    #[test]
    fn dangerous_mount_options_are_named() {
        let mounts = parse_mountinfo(MOUNTINFO);
        assert_eq!(mounts.len(), 5);
        assert_eq!(mounts[4].point, PathBuf::from("/mnt/old share"));
        assert!(check_mount(&mounts, Path::new("/mnt/team/crm/kehu.db"))[0].contains("nobrl"));
        assert!(check_mount(&mounts, Path::new("/mnt/nfs/kehu.db"))[0].contains("local_lock=all"));
        assert!(check_mount(&mounts, Path::new("/mnt/old share/kehu.db"))[0].contains("nolock"));
        assert!(check_mount(&mounts, Path::new("/mnt/ok/kehu.db")).is_empty());
        assert!(check_mount(&mounts, Path::new("/home/me/kehu.db")).is_empty());
    }

    #[test]
    fn sync_folders_are_named() {
        let w = warnings(Path::new("/home/me/Dropbox/kehu.db"));
        assert!(w.iter().any(|m| m.contains("dropbox")), "{w:?}");
        assert!(warnings(Path::new("/tmp/somewhere/kehu.db")).is_empty());
    }
}
