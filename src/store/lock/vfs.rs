//! A SQLite VFS shim that takes kehu's lock ([`super::DbLock`]) whenever SQLite locks the main
//! database file, and gives it back when SQLite unlocks it. Everything else is passed to the
//! platform's own VFS unchanged: the shim follows SQLite's documented pattern for a VFS layered on
//! another (as in `ext/misc/vfstrace.c`), wrapping only the main database file.
//!
//! Because SQLite itself asks for the lock, no statement, schema load or `PRAGMA` of any kehu
//! connection can touch the file outside it; when the lock is busy SQLite's busy handler waits,
//! exactly as for its own locks.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::path::PathBuf;
use std::ptr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rusqlite::ffi;

use super::policy;
use super::{Attempt, DbLock};

/// The VFS kehu opens every database with, over the platform's usual one.
pub const NAME: &str = "kehu";
/// The same over a VFS that takes no locks at all: the worst network drive there is. Chosen only
/// by the test switch `KEHU_TEST_NO_FILE_LOCKS=1`.
pub const NAME_NO_LOCKS: &str = "kehu-nolocks";

#[cfg(unix)]
const BASES: [(&str, &str); 2] = [(NAME, "unix"), (NAME_NO_LOCKS, "unix-none")];
#[cfg(windows)]
const BASES: [(&str, &str); 2] = [(NAME, "win32"), (NAME_NO_LOCKS, "win32-none")];
#[cfg(not(any(unix, windows)))]
const BASES: [(&str, &str); 0] = [];

/// How often a connection on a file whose locking is "auto" looks for the team's marker.
const MARKER_CHECK_EVERY: Duration = Duration::from_secs(1);

/// The name of the VFS to open databases with: ours when it could be registered, else SQLite's
/// default (then [`policy::Locking::shim_missing`] tells `kehu check`).
pub fn name() -> Option<&'static str> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| BASES.iter().all(|(ours, base)| register(ours, base)));
    if !ok {
        return None;
    }
    Some(if no_locks_for_tests() {
        NAME_NO_LOCKS
    } else {
        NAME
    })
}

/// The test-only switch that removes SQLite's own locking, to prove kehu's lock alone keeps the
/// file whole.
pub fn no_locks_for_tests() -> bool {
    std::env::var_os("KEHU_TEST_NO_FILE_LOCKS").is_some_and(|v| v == "1")
}

fn register(ours: &str, base: &str) -> bool {
    let (Ok(base_name), Ok(our_name)) = (CString::new(base), CString::new(ours)) else {
        return false;
    };
    // SAFETY: sqlite3_vfs_find takes a NUL-terminated name and returns a pointer SQLite owns for
    // the life of the process (or null).
    let base_vfs = unsafe { ffi::sqlite3_vfs_find(base_name.as_ptr()) };
    if base_vfs.is_null() {
        return false;
    }
    // SAFETY: base_vfs was just checked non-null and points to a registered VFS.
    let base_ref = unsafe { &*base_vfs };
    let vfs = ffi::sqlite3_vfs {
        iVersion: 2,
        szOsFile: std::mem::size_of::<ShimFile>() as c_int + base_ref.szOsFile,
        mxPathname: base_ref.mxPathname,
        pNext: ptr::null_mut(),
        // Leaked on purpose: a registered VFS must outlive every connection.
        zName: our_name.into_raw(),
        pAppData: base_vfs.cast::<c_void>(),
        xOpen: Some(x_open),
        xDelete: Some(x_delete),
        xAccess: Some(x_access),
        xFullPathname: Some(x_full_pathname),
        xDlOpen: Some(x_dl_open),
        xDlError: Some(x_dl_error),
        xDlSym: Some(x_dl_sym),
        xDlClose: Some(x_dl_close),
        xRandomness: Some(x_randomness),
        xSleep: Some(x_sleep),
        xCurrentTime: Some(x_current_time),
        xGetLastError: Some(x_get_last_error),
        xCurrentTimeInt64: Some(x_current_time_int64),
        xSetSystemCall: None,
        xGetSystemCall: None,
        xNextSystemCall: None,
    };
    let leaked = Box::into_raw(Box::new(vfs));
    // SAFETY: `leaked` is a complete, never-freed sqlite3_vfs; 0 = not the default VFS.
    unsafe { ffi::sqlite3_vfs_register(leaked, 0) == ffi::SQLITE_OK }
}

/// Our part of an open file: SQLite sees `base` (whose methods are ours); the platform VFS's own
/// file lives right after this struct, at `real`.
#[repr(C)]
struct ShimFile {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    state: *mut FileState,
}

struct FileState {
    lock: DbLock,
    mode: Mode,
    db: PathBuf,
}

enum Mode {
    /// The file system or the team requires kehu's lock.
    Always,
    /// Only if the team's marker appears (looked for at most once a [`MARKER_CHECK_EVERY`]).
    Auto { checked: Option<Instant>, on: bool },
}

impl FileState {
    fn protocol_on(&mut self) -> bool {
        match &mut self.mode {
            Mode::Always => true,
            Mode::Auto { checked, on } => {
                if checked.is_none_or(|t| t.elapsed() >= MARKER_CHECK_EVERY) {
                    *on = policy::marker_path(&self.db).exists();
                    *checked = Some(Instant::now());
                }
                *on
            }
        }
    }
}

fn base_of(vfs: *mut ffi::sqlite3_vfs) -> *mut ffi::sqlite3_vfs {
    // SAFETY (callers): `vfs` is one of ours, whose pAppData is the base VFS.
    unsafe { (*vfs).pAppData.cast::<ffi::sqlite3_vfs>() }
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    unsafe {
        let base = base_of(vfs);
        let Some(open) = (*base).xOpen else {
            return ffi::SQLITE_CANTOPEN;
        };
        // Journals and temporary files need no lock of their own: the main file's covers them.
        // They are opened straight into SQLite's buffer, which is big enough for the base's file.
        if flags & ffi::SQLITE_OPEN_MAIN_DB == 0 || name.is_null() {
            let rc = open(base, name, file, flags, out_flags);
            if rc == ffi::SQLITE_CANTOPEN
                && flags & ffi::SQLITE_OPEN_MAIN_JOURNAL != 0
                && flags & ffi::SQLITE_OPEN_CREATE != 0
                && last_error_was_not_found()
                && journal_made_behind_a_stale_name(&path_of(CStr::from_ptr(name)))
            {
                return open(base, name, file, flags, out_flags);
            }
            return rc;
        }
        let shim = file.cast::<ShimFile>();
        let real = file
            .cast::<u8>()
            .add(std::mem::size_of::<ShimFile>())
            .cast::<ffi::sqlite3_file>();
        (*shim).base.pMethods = ptr::null();
        (*shim).real = real;
        (*shim).state = ptr::null_mut();
        let rc = open(base, name, real, flags, out_flags);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        let db = path_of(CStr::from_ptr(name));
        let mode = if policy::decide(&db).on {
            Mode::Always
        } else {
            Mode::Auto {
                checked: None,
                on: false,
            }
        };
        (*shim).state = Box::into_raw(Box::new(FileState {
            lock: DbLock::new(&db),
            mode,
            db,
        }));
        (*shim).base.pMethods = &SHIM_METHODS;
        ffi::SQLITE_OK
    }
}

/// Whether the last failed system call said "no such file".
fn last_error_was_not_found() -> bool {
    std::io::Error::last_os_error().kind() == std::io::ErrorKind::NotFound
}

/// Creates the journal at `journal` when this machine still believes an old one is there.
///
/// A network mount remembers names it has seen (the kernel for a second, sshfs for 20 s). After
/// another machine's transaction deleted its journal, this machine may still see it, so opening
/// `DB-journal` to create it is sent to the server as "open the existing file" and fails with "no
/// such file". A rename is always decided by the server: an empty file made under a new name and
/// renamed to the journal's name creates it, after which SQLite's own open succeeds. Called only
/// while this connection holds the write lock, and only after the server said the journal does
/// not exist, so there is no hot journal this could replace.
fn journal_made_behind_a_stale_name(journal: &std::path::Path) -> bool {
    let mut name = journal.as_os_str().to_os_string();
    name.push(format!(".kehu-{}", std::process::id()));
    let fresh = PathBuf::from(name);
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&fresh)
        .is_ok();
    if made && std::fs::rename(&fresh, journal).is_ok() {
        return true;
    }
    let _ = std::fs::remove_file(&fresh);
    false
}

#[cfg(unix)]
fn path_of(name: &CStr) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(name.to_bytes()))
}

#[cfg(not(unix))]
fn path_of(name: &CStr) -> PathBuf {
    PathBuf::from(name.to_string_lossy().into_owned())
}

static SHIM_METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(f_close),
    xRead: Some(f_read),
    xWrite: Some(f_write),
    xTruncate: Some(f_truncate),
    xSync: Some(f_sync),
    xFileSize: Some(f_file_size),
    xLock: Some(f_lock),
    xUnlock: Some(f_unlock),
    xCheckReservedLock: Some(f_check_reserved_lock),
    xFileControl: Some(f_file_control),
    xSectorSize: Some(f_sector_size),
    xDeviceCharacteristics: Some(f_device_characteristics),
    xShmMap: Some(f_shm_map),
    xShmLock: Some(f_shm_lock),
    xShmBarrier: Some(f_shm_barrier),
    xShmUnmap: Some(f_shm_unmap),
    xFetch: Some(f_fetch),
    xUnfetch: Some(f_unfetch),
};

/// The platform file behind one of ours, and its methods.
///
/// # Safety
/// `file` must be a [`ShimFile`] opened by [`x_open`].
unsafe fn real(file: *mut ffi::sqlite3_file) -> (*mut ffi::sqlite3_file, ffi::sqlite3_io_methods) {
    unsafe {
        let real = (*file.cast::<ShimFile>()).real;
        (real, *(*real).pMethods)
    }
}

/// Calls the platform file's method `$m`, or returns `$missing` when it has none.
macro_rules! forward {
    ($file:expr, $m:ident, $missing:expr $(, $arg:expr)*) => {{
        let (real, methods) = real($file);
        match methods.$m {
            Some(f) => f(real $(, $arg)*),
            None => $missing,
        }
    }};
}

unsafe extern "C" fn f_close(file: *mut ffi::sqlite3_file) -> c_int {
    unsafe {
        let rc = forward!(file, xClose, ffi::SQLITE_OK);
        let shim = file.cast::<ShimFile>();
        if !(*shim).state.is_null() {
            // Dropping the state gives the lock back if it is still held.
            drop(Box::from_raw((*shim).state));
            (*shim).state = ptr::null_mut();
        }
        rc
    }
}

unsafe extern "C" fn f_read(f: *mut ffi::sqlite3_file, b: *mut c_void, n: c_int, o: i64) -> c_int {
    unsafe { forward!(f, xRead, ffi::SQLITE_IOERR_READ, b, n, o) }
}

unsafe extern "C" fn f_write(
    f: *mut ffi::sqlite3_file,
    b: *const c_void,
    n: c_int,
    o: i64,
) -> c_int {
    unsafe { forward!(f, xWrite, ffi::SQLITE_IOERR_WRITE, b, n, o) }
}

unsafe extern "C" fn f_truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    unsafe { forward!(f, xTruncate, ffi::SQLITE_IOERR_TRUNCATE, size) }
}

unsafe extern "C" fn f_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    unsafe { forward!(f, xSync, ffi::SQLITE_IOERR_FSYNC, flags) }
}

unsafe extern "C" fn f_file_size(f: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    unsafe { forward!(f, xFileSize, ffi::SQLITE_IOERR_FSTAT, size) }
}

unsafe extern "C" fn f_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe {
        let state = &mut *(*file.cast::<ShimFile>()).state;
        let mut took = false;
        if level >= ffi::SQLITE_LOCK_SHARED && !state.lock.is_held() && state.protocol_on() {
            match state.lock.try_take() {
                Attempt::Taken => {
                    took = true;
                    super::fresh_view::refresh(&state.db);
                }
                Attempt::Held(_) => return ffi::SQLITE_BUSY,
                Attempt::Failed(_) => return ffi::SQLITE_IOERR_LOCK,
            }
        }
        let rc = forward!(file, xLock, ffi::SQLITE_OK, level);
        if rc != ffi::SQLITE_OK && took {
            state.lock.release();
        }
        rc
    }
}

unsafe extern "C" fn f_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe {
        let rc = forward!(file, xUnlock, ffi::SQLITE_OK, level);
        if level == ffi::SQLITE_LOCK_NONE {
            (*(*file.cast::<ShimFile>()).state).lock.release();
        }
        rc
    }
}

unsafe extern "C" fn f_check_reserved_lock(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    unsafe { forward!(f, xCheckReservedLock, ffi::SQLITE_OK, out) }
}

unsafe extern "C" fn f_file_control(
    f: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    unsafe { forward!(f, xFileControl, ffi::SQLITE_NOTFOUND, op, arg) }
}

unsafe extern "C" fn f_sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe { forward!(f, xSectorSize, 4096) }
}

unsafe extern "C" fn f_device_characteristics(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe { forward!(f, xDeviceCharacteristics, 0) }
}

unsafe extern "C" fn f_shm_map(
    f: *mut ffi::sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unsafe {
        forward!(
            f,
            xShmMap,
            ffi::SQLITE_IOERR_SHMMAP,
            region,
            size,
            extend,
            out
        )
    }
}

unsafe extern "C" fn f_shm_lock(f: *mut ffi::sqlite3_file, o: c_int, n: c_int, fl: c_int) -> c_int {
    unsafe { forward!(f, xShmLock, ffi::SQLITE_IOERR_SHMLOCK, o, n, fl) }
}

unsafe extern "C" fn f_shm_barrier(f: *mut ffi::sqlite3_file) {
    unsafe { forward!(f, xShmBarrier, ()) }
}

unsafe extern "C" fn f_shm_unmap(f: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    unsafe { forward!(f, xShmUnmap, ffi::SQLITE_OK, delete) }
}

unsafe extern "C" fn f_fetch(
    f: *mut ffi::sqlite3_file,
    o: i64,
    n: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unsafe {
        if let Some(p) = out.as_mut() {
            *p = ptr::null_mut();
        }
        forward!(f, xFetch, ffi::SQLITE_OK, o, n, out)
    }
}

unsafe extern "C" fn f_unfetch(f: *mut ffi::sqlite3_file, o: i64, p: *mut c_void) -> c_int {
    unsafe { forward!(f, xUnfetch, ffi::SQLITE_OK, o, p) }
}

// The VFS's own methods go straight to the base VFS.

macro_rules! base_call {
    ($vfs:expr, $m:ident, $missing:expr $(, $arg:expr)*) => {{
        let base = base_of($vfs);
        match (*base).$m {
            Some(f) => f(base $(, $arg)*),
            None => $missing,
        }
    }};
}

unsafe extern "C" fn x_delete(v: *mut ffi::sqlite3_vfs, name: *const c_char, sync: c_int) -> c_int {
    unsafe { base_call!(v, xDelete, ffi::SQLITE_IOERR_DELETE, name, sync) }
}

unsafe extern "C" fn x_access(
    v: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    unsafe {
        // Whether a journal is there decides whether SQLite rolls it back: asked of the server,
        // not of this machine's memory of names (see `fresh_view::journal_exists`).
        if flags == ffi::SQLITE_ACCESS_EXISTS && !name.is_null() && !out.is_null() {
            let path = path_of(CStr::from_ptr(name));
            if path.as_os_str().to_string_lossy().ends_with("-journal")
                && let Some(exists) = super::fresh_view::journal_exists(&path)
            {
                *out = c_int::from(exists);
                return ffi::SQLITE_OK;
            }
        }
        base_call!(v, xAccess, ffi::SQLITE_IOERR_ACCESS, name, flags, out)
    }
}

unsafe extern "C" fn x_full_pathname(
    v: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    unsafe { base_call!(v, xFullPathname, ffi::SQLITE_CANTOPEN, name, n, out) }
}

unsafe extern "C" fn x_dl_open(v: *mut ffi::sqlite3_vfs, name: *const c_char) -> *mut c_void {
    unsafe { base_call!(v, xDlOpen, ptr::null_mut(), name) }
}

unsafe extern "C" fn x_dl_error(v: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) {
    unsafe { base_call!(v, xDlError, (), n, out) }
}

type DlSym = Option<unsafe extern "C" fn(*mut ffi::sqlite3_vfs, *mut c_void, *const c_char)>;

unsafe extern "C" fn x_dl_sym(
    v: *mut ffi::sqlite3_vfs,
    handle: *mut c_void,
    symbol: *const c_char,
) -> DlSym {
    unsafe { base_call!(v, xDlSym, None, handle, symbol) }
}

unsafe extern "C" fn x_dl_close(v: *mut ffi::sqlite3_vfs, handle: *mut c_void) {
    unsafe { base_call!(v, xDlClose, (), handle) }
}

unsafe extern "C" fn x_randomness(v: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) -> c_int {
    unsafe { base_call!(v, xRandomness, 0, n, out) }
}

unsafe extern "C" fn x_sleep(v: *mut ffi::sqlite3_vfs, micros: c_int) -> c_int {
    unsafe { base_call!(v, xSleep, 0, micros) }
}

unsafe extern "C" fn x_current_time(v: *mut ffi::sqlite3_vfs, out: *mut f64) -> c_int {
    unsafe { base_call!(v, xCurrentTime, ffi::SQLITE_ERROR, out) }
}

unsafe extern "C" fn x_get_last_error(
    v: *mut ffi::sqlite3_vfs,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    unsafe { base_call!(v, xGetLastError, 0, n, out) }
}

unsafe extern "C" fn x_current_time_int64(v: *mut ffi::sqlite3_vfs, out: *mut i64) -> c_int {
    unsafe { base_call!(v, xCurrentTimeInt64, ffi::SQLITE_ERROR, out) }
}
