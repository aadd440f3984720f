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
/// A sync folder is always worth a warning (a sync tool copies the open file behind SQLite's
/// back, whatever the locking); a mount whose locks lie is only worth one when kehu's own lock is
/// not in force there.
pub fn warnings(db: &Path) -> Vec<String> {
    // A server keeps its own files: no drive of ours to judge.
    if super::server::is_address(db) {
        return Vec::new();
    }
    let path = db.canonicalize().unwrap_or_else(|_| db.to_path_buf());
    let mut out = Vec::new();
    let lower = path.to_string_lossy().to_lowercase();
    if let Some(name) = sync_folder(&path) {
        out.push(crate::i18n::tf("guard.sync_folder", &[("name", &name)]));
    } else if lower.contains("dropbox") || lower.contains("onedrive") {
        out.push(crate::i18n::t("guard.cloud").into());
    }
    if !super::lock::policy::decide(db).on {
        out.extend(
            mount_of(&read_mounts(), &path)
                .map(mount_problems)
                .unwrap_or_default(),
        );
    }
    if is_network_drive(&path) {
        out.push(crate::i18n::t("guard.network").into());
    }
    out
}

/// The sync tool whose folder holds `path`, if any.
pub fn sync_folder(path: &Path) -> Option<String> {
    SYNC_FOLDERS
        .iter()
        .find(|n| {
            path.components()
                .any(|c| c.as_os_str().to_string_lossy().to_lowercase() == **n)
        })
        .map(|n| n.to_string())
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
            let point = unescape_octal(fields.get(4)?);
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

/// mountinfo writes space, tab, newline and backslash in a mount point as `\NNN` (octal).
fn unescape_octal(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 3 < bytes.len()
            && bytes[i + 1..i + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let code = bytes[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
            out.push(u8::try_from(code).unwrap_or(b'?'));
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// This machine's mounts (Linux); empty elsewhere.
pub fn read_mounts() -> Vec<Mount> {
    std::fs::read_to_string("/proc/self/mountinfo")
        .map(|t| parse_mountinfo(&t))
        .unwrap_or_default()
}

/// The mount holding `path`: the longest mount point that contains it.
pub fn mount_of<'a>(mounts: &'a [Mount], path: &Path) -> Option<&'a Mount> {
    mounts
        .iter()
        .filter(|m| path.starts_with(&m.point))
        .max_by_key(|m| m.point.as_os_str().len())
}

/// File systems whose byte-range locks a database cannot rely on: every network file system (the
/// server may not honour them, or the mount may keep them local) and every FUSE mount (sshfs,
/// rclone, s3fs… implement locks locally or not at all), plus virtual-machine shared folders.
const UNTRUSTED_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "davfs",
    "afpfs",
    "afs",
    "ncpfs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "beegfs",
    "vboxsf",
    "vmhgfs",
    "prl_fs",
    "virtiofs",
    "fuse",
    "fuseblk",
];

/// Whether kehu must not trust SQLite's locks on this mount.
pub fn locks_untrusted(m: &Mount) -> bool {
    UNTRUSTED_FS.contains(&m.fs_type.as_str()) || m.fs_type.starts_with("fuse.")
}

/// The mount options that break locking outright, in words (only shown when kehu's lock is off).
pub fn mount_problems(m: &Mount) -> Vec<String> {
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

/// The problems of the mount holding `path` (for tests of the option rules).
pub fn check_mount(mounts: &[Mount], path: &Path) -> Vec<String> {
    mount_of(mounts, path)
        .map(mount_problems)
        .unwrap_or_default()
}

/// On Windows, a database on a network drive (a mapped or UNC path), detected with
/// `GetDriveTypeW`.
#[cfg(windows)]
pub fn is_network_drive(path: &Path) -> bool {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Storage::FileSystem::GetDriveTypeW;
    const DRIVE_REMOTE: u32 = 4;
    let Some(std::path::Component::Prefix(prefix)) = path.components().next() else {
        return false;
    };
    if matches!(
        prefix.kind(),
        std::path::Prefix::UNC(..) | std::path::Prefix::VerbatimUNC(..)
    ) {
        return true;
    }
    let mut root: Vec<u16> = prefix.as_os_str().encode_wide().collect();
    root.extend("\\".encode_utf16());
    root.push(0);
    // SAFETY: `root` is a NUL-terminated UTF-16 string that outlives the call.
    let kind = unsafe { GetDriveTypeW(root.as_ptr()) };
    kind == DRIVE_REMOTE
}

#[cfg(not(windows))]
pub fn is_network_drive(_path: &Path) -> bool {
    false
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
    fn network_and_fuse_mounts_are_untrusted() {
        let mounts = parse_mountinfo(
            "50 22 0:40 / /mnt/ssh rw - fuse.sshfs me@host:/srv rw\n\
             51 22 0:41 / /mnt/rc rw - fuse.rclone remote: rw\n\
             52 22 8:2 / /data rw - xfs /dev/sdb rw",
        );
        let at = |p: &str| mount_of(&mounts, Path::new(p)).map(locks_untrusted);
        assert_eq!(at("/mnt/ssh/kehu.db"), Some(true));
        assert_eq!(at("/mnt/rc/kehu.db"), Some(true));
        assert_eq!(at("/data/kehu.db"), Some(false));
        assert!(locks_untrusted(&parse_mountinfo(MOUNTINFO)[1]), "cifs");
    }

    #[test]
    fn sync_folders_are_named() {
        let w = warnings(Path::new("/home/me/Dropbox/kehu.db"));
        assert!(w.iter().any(|m| m.contains("dropbox")), "{w:?}");
        assert!(warnings(Path::new("/tmp/somewhere/kehu.db")).is_empty());
    }
}
