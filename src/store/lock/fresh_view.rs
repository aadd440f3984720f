//! After kehu's lock is taken, this machine's view of the database file must be the server's.
//!
//! SQLite keeps its file open between transactions and trusts the operating system to show it
//! what the last writer wrote. Where byte-range locks work, taking one makes the client drop what
//! it cached (NFS does so). Where kehu's own lock stands in for them, nothing does: a FUSE mount
//! such as sshfs keeps the file's size in its attribute cache (up to 20 s by default) and its
//! pages in the kernel's page cache. A file another machine just grew then looks shorter than its
//! header says, and SQLite reports "database disk image is malformed" about a sound file; stale
//! pages could be read as current.
//!
//! So each time the lock is taken the file is opened once more — an open goes to the server and
//! refreshes the mount's cached attributes, and the kernel drops the file's cached pages because
//! the mount does not ask it to keep them — and its size is read with a forced sync.

use std::path::Path;

/// How many times the file is opened again while its size still looks older than its header.
const TRIES: u32 = 50;

/// Makes this machine's cached view of `db` the server's. Best effort: a failure leaves SQLite's
/// own reads to find out.
///
/// sshfs drops the fresh size an open brought if any write went through the mount meanwhile (a
/// teammate's process writing its lock folder is enough), and keeps the old one. The header, read
/// after the open, is always fresh; while it says the file is longer than its size, the size is
/// stale and the file is opened again.
pub(super) fn refresh(db: &Path) {
    for _ in 0..TRIES {
        let Ok(mut file) = std::fs::File::open(db) else {
            return;
        };
        match (forced_size(&file), header_length(&mut file)) {
            (Some(size), Some(length)) if length > size => {
                std::thread::sleep(std::time::Duration::from_millis(1))
            }
            _ => return,
        }
    }
}

/// The length a SQLite database's header says the file has (pages × page size), when the header
/// vouches for its page count (the change counter matches "version valid for").
fn header_length(file: &mut std::fs::File) -> Option<u64> {
    use std::io::Read;
    let mut header = [0u8; 100];
    file.read_exact(&mut header).ok()?;
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes(header[28..32].try_into().ok()?));
    (header[24..28] == header[92..96] && pages > 0).then_some(pages * page_size)
}

/// Whether a rollback journal is at `journal`, asked of the server: a mount may remember for
/// seconds a journal another machine has since deleted, and SQLite then takes it for a crashed
/// writer's, fails to open it and refuses the transaction. An open always goes to the server.
/// An empty journal counts as there (its size may be a stale zero): SQLite reads its first byte
/// and finds it is not hot. `None`: could not tell (ask SQLite).
pub(super) fn journal_exists(journal: &Path) -> Option<bool> {
    match std::fs::File::open(journal) {
        Ok(_) => Some(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(false),
        Err(_) => None,
    }
}

/// The file's size as the server has it now (the kernel asked to refresh what it cached).
#[cfg(target_os = "linux")]
fn forced_size(file: &std::fs::File) -> Option<u64> {
    use std::os::fd::AsRawFd;
    // SAFETY: statx only writes into `out`, a zeroed plain-data struct that lives across the call;
    // the descriptor is open for the whole call and the path is an empty C string.
    let (rc, out) = unsafe {
        let mut out: libc::statx = std::mem::zeroed();
        let rc = libc::statx(
            file.as_raw_fd(),
            c"".as_ptr(),
            libc::AT_EMPTY_PATH | libc::AT_STATX_FORCE_SYNC,
            libc::STATX_SIZE | libc::STATX_MTIME,
            &mut out,
        );
        (rc, out)
    };
    (rc == 0).then_some(out.stx_size)
}

#[cfg(not(target_os = "linux"))]
fn forced_size(file: &std::fs::File) -> Option<u64> {
    // Elsewhere the fresh open is what there is; its metadata refreshes the size.
    file.metadata().ok().map(|m| m.len())
}
