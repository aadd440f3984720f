//! kehu's own lock for file servers whose byte-range (`fcntl`) locks cannot be trusted.
//!
//! On such a server two machines can both "hold" SQLite's lock, and a reader that cannot see the
//! writer's lock takes its journal for a crashed one and rolls it back under it: the file is
//! corrupted. So wherever the [`policy`] says so, every SQLite lock epoch of every kehu process —
//! from the first shared lock of a read or write to the last unlock — also holds this lock:
//!
//! - **Taken by an operation the server does atomically**: a taker prepares a folder of its own,
//!   `DB-lock.take.NONCE` with `holder` inside naming it (user, host, process, since), and renames
//!   it to `DB-lock`. Renaming a folder onto a folder that is not empty fails on every server
//!   (POSIX, NFS, SMB, SFTP), so exactly one taker wins, and the lock is never an empty folder a
//!   second taker could replace. Unlike `mkdir` (what SQLite's `unix-dotfile` VFS uses), a rename
//!   is always decided by the server: a FUSE mount such as sshfs answers "does `DB-lock` exist"
//!   from a cache up to 20 s old and refuses a `mkdir` on that answer alone, which left a waiter
//!   on one machine blind to every release another machine made. (Never mount sshfs with
//!   `-o workaround=rename`: it turns a refused rename into replacing the folder.)
//! - **A dead holder is recovered without a human**: same host and the process is gone → taken
//!   over at once; another host → the holder rewrites `holder` every [`REFRESH_EVERY`] while it
//!   holds the lock, and a lock whose `holder` a waiter has seen unchanged for [`LEASE`] (by the
//!   waiter's own clock, so skewed clocks between machines do not matter) is taken over, with a
//!   notice naming whose lock was broken. Breaking goes through a second `mkdir` (`DB-lock.break`)
//!   so two waiters never both break, and the one that breaks checks the holder has not changed.
//! - SQLite itself takes the lock: the [`vfs`] shim wraps the main database file's `xLock` /
//!   `xUnlock`, so no statement, schema load or `PRAGMA` can run outside it.

mod fresh_view;
pub mod policy;
pub mod vfs;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How long a holder on another machine may go without refreshing before its lock is taken
/// over. sshfs and SMB cache file attributes and contents for up to ~20 s, so a waiter on another
/// mount may see a refresh that late; 30 s leaves room for that.
pub const LEASE: Duration = Duration::from_secs(30);
/// How often a holder rewrites its `holder` file while it keeps the lock.
pub const REFRESH_EVERY: Duration = Duration::from_secs(5);
/// A `break` folder older than this (seen by the waiter) belongs to a breaker that died.
const BREAK_LEASE: Duration = Duration::from_secs(10);

/// Who holds a lock: written into the lock folder by its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// When the lock was taken (RFC 3339, UTC).
    pub since: String,
    /// Unique per acquisition, so a new lock by the same process is never mistaken for an old one.
    pub nonce: u64,
    /// Raised at each refresh, so a waiter sees the holder is alive even where mtimes are coarse.
    #[serde(default)]
    pub beat: u64,
    /// The process's start time (Linux), so a reused process id is not taken for the holder.
    #[serde(default)]
    pub started: Option<u64>,
}

impl Holder {
    /// "li.na on pc-3 (process 4242) since 10:02:11" in the interface language.
    pub fn describe(&self) -> String {
        let since = chrono::DateTime::parse_from_rfc3339(&self.since)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%H:%M:%S")
                    .to_string()
            })
            .unwrap_or_else(|_| self.since.clone());
        crate::i18n::tf(
            "lock.holder",
            &[
                ("user", &self.user),
                ("host", &self.host),
                ("pid", &self.pid),
                ("since", &since),
            ],
        )
    }
}

/// The user named in locks this process takes (set when a store opens).
static USER: OnceLock<Mutex<String>> = OnceLock::new();

pub fn set_user(user: &str) {
    let cell = USER.get_or_init(|| Mutex::new(String::new()));
    if let Ok(mut u) = cell.lock() {
        *u = user.to_string();
    }
}

/// The user this process names in locks and notes.
pub fn user_name() -> String {
    user()
}

fn user() -> String {
    USER.get()
        .and_then(|m| m.lock().ok().map(|u| u.clone()))
        .filter(|u| !u.is_empty())
        .unwrap_or_else(crate::config::login_name)
}

fn next_nonce() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    // Mixed so two processes started in the same nanosecond still differ.
    t ^ (u64::from(std::process::id()) << 32) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The lock folder of the database at `db`.
pub fn lock_dir(db: &Path) -> PathBuf {
    beside(db, "-lock")
}

/// `kehu.db` + suffix, in the same folder.
pub(crate) fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

/// What happened while trying to take the lock.
#[derive(Debug)]
pub enum Attempt {
    Taken,
    /// Someone else holds it (who, when known).
    Held(Option<Holder>),
    /// The lock could not be created at all (a read-only folder, a server error).
    Failed(std::io::Error),
}

/// The lock of one database as one connection uses it.
#[derive(Debug)]
pub struct DbLock {
    dir: PathBuf,
    held: Option<Holder>,
    /// This taker's own folder, ready to be renamed into place, with the holder inside it and
    /// when it was written.
    prepared: Option<(PathBuf, Holder, Instant)>,
    /// A team database: the lock folder and holder file are made group-writable, so a teammate
    /// can take over a lock left behind.
    shared: bool,
}

/// The lock folders this process holds now, refreshed by one background thread.
type Held = HashMap<PathBuf, (Holder, bool)>;

fn held_registry() -> &'static Mutex<Held> {
    static HELD: OnceLock<Mutex<Held>> = OnceLock::new();
    HELD.get_or_init(|| {
        std::thread::Builder::new()
            .name("kehu-lock-refresh".into())
            .spawn(refresh_loop)
            .ok();
        Mutex::new(HashMap::new())
    })
}

fn refresh_loop() {
    loop {
        std::thread::sleep(REFRESH_EVERY);
        let Ok(mut held) = held_registry().lock() else {
            return;
        };
        for (dir, (holder, shared)) in held.iter_mut() {
            holder.beat += 1;
            // A failed refresh is retried at the next beat; the lease allows several misses.
            let _ = write_holder(dir, holder, *shared);
        }
    }
}

/// Every holder file's length: a multiple of this.
const HOLDER_BLOCK: usize = 512;

/// A holder as its file holds it: JSON padded with spaces to a whole [`HOLDER_BLOCK`], so that
/// every holder file has the same length. A FUSE mount such as sshfs caches a file's size for up
/// to 20 s and reads no further than the size it remembers: a holder written longer than the one
/// before it (a longer user name, a bigger beat) read through another mount came back cut short
/// and unreadable until the cache expired.
fn holder_bytes(holder: &Holder) -> std::io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec(holder).map_err(std::io::Error::other)?;
    let padded = bytes.len().div_ceil(HOLDER_BLOCK).max(1) * HOLDER_BLOCK;
    bytes.resize(padded, b' ');
    Ok(bytes)
}

fn write_holder(dir: &Path, holder: &Holder, shared: bool) -> std::io::Result<()> {
    let bytes = holder_bytes(holder)?;
    // Written under a temporary name and renamed, so a reader never sees half a holder.
    let tmp = dir.join(format!("holder.{}", holder.nonce));
    fs::write(&tmp, bytes)?;
    if shared {
        let _ = crate::store::set_mode(&tmp, 0o660);
    }
    fs::rename(&tmp, dir.join("holder"))
}

fn read_holder(dir: &Path) -> Option<Holder> {
    let bytes = fs::read(dir.join("holder")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What a waiter has seen of a lock it could not take: the holder's nonce and beat, and since when
/// (by this process's clock) they have not changed.
struct Seen {
    key: (Option<u64>, u64),
    since: Instant,
    /// When this waiter last looked: a lease counts only while it keeps watching, not across a
    /// gap in which the lock may have been released and taken again.
    last: Instant,
}

/// How long a waiter may stop looking before its observation of a lock starts over.
const WATCH_GAP: Duration = Duration::from_secs(2);

thread_local! {
    static SEEN: RefCell<HashMap<PathBuf, Seen>> = RefCell::new(HashMap::new());
    /// The holder this thread last waited for, for the "busy" message.
    static LAST_BLOCKER: RefCell<Option<Holder>> = const { RefCell::new(None) };
    /// The last lock error of this thread (a read-only folder…), for the error message.
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Notices about broken locks, to show the user once.
fn notices() -> &'static Mutex<Vec<String>> {
    static NOTICES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    NOTICES.get_or_init(|| Mutex::new(Vec::new()))
}

/// Takes the notices gathered so far ("took over the lock of …").
pub fn take_notices() -> Vec<String> {
    notices()
        .lock()
        .map(|mut n| std::mem::take(&mut *n))
        .unwrap_or_default()
}

/// The holder any thread of this process last found in its way, and when — for a screen whose
/// worker thread is waiting to say whom it waits for.
fn latest_blocker() -> &'static Mutex<Option<(Holder, Instant)>> {
    static LATEST: OnceLock<Mutex<Option<(Holder, Instant)>>> = OnceLock::new();
    LATEST.get_or_init(|| Mutex::new(None))
}

/// Who this process is waiting for now (seen in the last two seconds), if kehu's lock knows.
pub fn waiting_for() -> Option<Holder> {
    latest_blocker()
        .lock()
        .ok()
        .and_then(|l| l.clone())
        .filter(|(_, at)| at.elapsed() < Duration::from_secs(2))
        .map(|(h, _)| h)
}

/// Who holds the lock of the database at `db` right now, if anyone does.
pub fn current_holder(db: &Path) -> Option<Holder> {
    if crate::store::server::is_address(db) {
        return None;
    }
    read_holder(&lock_dir(db))
}

/// Who held the lock the last time this thread had to wait for it.
pub fn last_blocker() -> Option<Holder> {
    LAST_BLOCKER.with(|b| b.borrow().clone())
}

pub fn clear_last_blocker() {
    LAST_BLOCKER.with(|b| *b.borrow_mut() = None);
}

/// Why this thread's last lock attempt failed outright.
pub fn take_last_error() -> Option<String> {
    LAST_ERROR.with(|e| e.borrow_mut().take())
}

impl DbLock {
    pub fn new(db: &Path) -> DbLock {
        DbLock {
            dir: lock_dir(db),
            held: None,
            prepared: None,
            shared: crate::store::team::is_shared(db),
        }
    }

    pub fn is_held(&self) -> bool {
        self.held.is_some()
    }

    /// One attempt to take the lock, breaking it first if its holder is dead. Never waits: the
    /// caller (SQLite's busy handler) decides how long to keep trying.
    pub fn try_take(&mut self) -> Attempt {
        if self.held.is_some() {
            return Attempt::Taken;
        }
        match self.create() {
            Ok(()) => Attempt::Taken,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                let holder = read_holder(&self.dir);
                if self.is_abandoned(holder.as_ref()) && self.break_lock(holder.as_ref()) {
                    return match self.create() {
                        Ok(()) => Attempt::Taken,
                        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                            Attempt::Held(read_holder(&self.dir))
                        }
                        Err(e) => self.failed(e),
                    };
                }
                LAST_BLOCKER.with(|b| *b.borrow_mut() = holder.clone());
                if let (Some(h), Ok(mut latest)) = (&holder, latest_blocker().lock()) {
                    *latest = Some((h.clone(), Instant::now()));
                }
                Attempt::Held(holder)
            }
            Err(e) => self.failed(e),
        }
    }

    fn failed(&self, e: std::io::Error) -> Attempt {
        LAST_ERROR.with(|slot| {
            *slot.borrow_mut() = Some(crate::i18n::tf(
                "lock.cannot_create",
                &[("path", &self.dir.display()), ("why", &e)],
            ))
        });
        Attempt::Failed(e)
    }

    fn create(&mut self) -> std::io::Result<()> {
        let (ready, mut holder, written) = match self.prepared.take() {
            Some(p) => p,
            None => self.prepare()?,
        };
        if let Err(e) = fs::rename(&ready, &self.dir) {
            if e.kind() == ErrorKind::NotFound && !ready.exists() {
                // Our folder was swept away (by a teammate's clean-up): prepare it again next try.
                return Err(std::io::Error::new(ErrorKind::AlreadyExists, e));
            }
            self.prepared = Some((ready, holder, written));
            return Err(if refused_because_taken(&e) {
                std::io::Error::new(ErrorKind::AlreadyExists, e)
            } else {
                e
            });
        }
        if written.elapsed() > Duration::from_secs(1) {
            // Prepared while waiting: the holder says since when it really holds the lock.
            holder.since = crate::domain::time::format_timestamp(chrono::Utc::now());
            let _ = write_holder(&self.dir, &holder, self.shared);
        }
        if let Ok(mut held) = held_registry().lock() {
            held.insert(self.dir.clone(), (holder.clone(), self.shared));
        }
        SEEN.with(|s| s.borrow_mut().remove(&self.dir));
        self.held = Some(holder);
        Ok(())
    }

    /// Makes this taker's own folder, `DB-lock.take.NONCE` holding `holder`.
    fn prepare(&self) -> std::io::Result<(PathBuf, Holder, Instant)> {
        let holder = Holder {
            user: user(),
            host: crate::store::presence::host_name(),
            pid: std::process::id(),
            since: crate::domain::time::format_timestamp(chrono::Utc::now()),
            nonce: next_nonce(),
            beat: 0,
            started: process_start(std::process::id()),
        };
        let ready = beside(&self.dir, &format!(".take.{}", holder.nonce));
        fs::create_dir(&ready)?;
        if self.shared {
            let _ = crate::store::set_mode(&ready, 0o2770);
        }
        // Nobody reads this folder before it is renamed into place: written directly.
        let written =
            holder_bytes(&holder).and_then(|bytes| fs::write(ready.join("holder"), bytes));
        if let Err(e) = written {
            remove_lock_folder(&ready);
            return Err(e);
        }
        if self.shared {
            let _ = crate::store::set_mode(&ready.join("holder"), 0o660);
        }
        Ok((ready, holder, Instant::now()))
    }

    /// Gives the lock back. Only ever removes a lock that is still this holder's.
    ///
    /// The folder is first renamed away — one atomic step that frees the lock — and then emptied.
    /// Removing `holder` in place would not do: on a FUSE mount a file another process has open is
    /// only hidden, not removed, so the folder could not be removed and would stay behind empty.
    pub fn release(&mut self) {
        let Some(mine) = self.held.take() else {
            return;
        };
        if let Ok(mut held) = held_registry().lock() {
            held.remove(&self.dir);
        }
        if read_holder(&self.dir).is_some_and(|h| h.nonce == mine.nonce) {
            let gone = beside(&self.dir, &format!(".released.{}", mine.nonce));
            if fs::rename(&self.dir, &gone).is_ok() {
                remove_lock_folder(&gone);
            } else {
                remove_lock_folder(&self.dir);
            }
        }
        self.sweep_released();
    }

    /// Removes folders of released locks that could not be emptied at once (a file still open
    /// elsewhere) and takers' folders left by processes that died while waiting; a few at a time,
    /// by whoever releases next.
    fn sweep_released(&self) {
        let (Some(parent), Some(name)) = (self.dir.parent(), self.dir.file_name()) else {
            return;
        };
        let released = format!("{}.released.", name.to_string_lossy());
        let taking = format!("{}.take.", name.to_string_lossy());
        let Ok(entries) = fs::read_dir(parent) else {
            return;
        };
        let leftovers = entries.flatten().filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with(&released) || (name.starts_with(&taking) && taker_gone(&entry.path()))
        });
        for entry in leftovers.take(64) {
            remove_lock_folder(&entry.path());
        }
    }

    /// Whether the lock's holder is gone: the same machine and its process has ended, or it has
    /// not refreshed the lock for a lease as this waiter sees it.
    fn is_abandoned(&self, holder: Option<&Holder>) -> bool {
        if let Some(h) = holder
            && h.host == crate::store::presence::host_name()
            && process_gone(h.pid, h.started)
        {
            return true;
        }
        let now = Instant::now();
        let fresh = |key| Seen {
            key,
            since: now,
            last: now,
        };
        SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            // An unreadable holder (being written, or a cached miss on a network mount) keeps the
            // observation of the holder seen before rather than starting it over.
            let key = match (holder, seen.get(&self.dir)) {
                (Some(h), _) => (Some(h.nonce), h.beat),
                (None, Some(s)) => s.key,
                (None, None) => (None, 0),
            };
            let entry = seen.entry(self.dir.clone()).or_insert_with(|| fresh(key));
            if entry.key != key || entry.last.elapsed() > WATCH_GAP {
                *entry = fresh(key);
            }
            entry.last = now;
            // A holder seen before and unreadable now (a cached size, a write in flight) is
            // judged again once it reads: breaking a live teammate's lock loses their write.
            // One never readable at all (a damaged holder file) is judged on the lease alone.
            entry.since.elapsed() >= LEASE && (holder.is_some() || key.0.is_none())
        })
    }

    /// Removes an abandoned lock, if it is still the one judged abandoned. Returns whether it was
    /// removed (by this process or meanwhile by another).
    fn break_lock(&self, judged: Option<&Holder>) -> bool {
        let breaker = beside(&self.dir, ".break");
        if let Err(e) = fs::create_dir(&breaker) {
            if e.kind() == ErrorKind::AlreadyExists {
                self.clear_dead_breaker(&breaker);
            }
            return false;
        }
        let now = read_holder(&self.dir);
        let same = match (judged, now.as_ref()) {
            (Some(a), Some(b)) => a.nonce == b.nonce && a.beat == b.beat,
            (None, None) => true,
            // Unreadable now after a reading, or readable now after none: look again.
            _ => false,
        };
        let mut removed = false;
        if same {
            let gone = beside(&self.dir, &format!(".released.{}", next_nonce()));
            removed = fs::rename(&self.dir, &gone).is_ok() || !self.dir.exists();
            remove_lock_folder(&gone);
            if removed {
                let who =
                    judged.map_or_else(|| crate::i18n::t("lock.unknown").into(), |h| h.describe());
                if let Ok(mut n) = notices().lock() {
                    n.push(crate::i18n::tf("lock.broken", &[("holder", &who)]));
                }
            }
        }
        SEEN.with(|s| s.borrow_mut().remove(&self.dir));
        let _ = fs::remove_dir(&breaker);
        removed
    }

    /// A breaker that died between its two `mkdir`s leaves `.break` behind; once this waiter has
    /// seen it for [`BREAK_LEASE`], it is removed.
    fn clear_dead_breaker(&self, breaker: &Path) {
        let stale = SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            let now = Instant::now();
            let entry = seen.entry(breaker.to_path_buf()).or_insert(Seen {
                key: (None, 0),
                since: now,
                last: now,
            });
            if entry.last.elapsed() > WATCH_GAP {
                entry.since = now;
            }
            entry.last = now;
            entry.since.elapsed() >= BREAK_LEASE
        });
        if stale {
            let _ = fs::remove_dir(breaker);
            SEEN.with(|s| s.borrow_mut().remove(breaker));
        }
    }
}

impl Drop for DbLock {
    fn drop(&mut self) {
        self.release();
        if let Some((ready, _, _)) = self.prepared.take() {
            remove_lock_folder(&ready);
        }
    }
}

/// Whether a refused rename onto the lock means someone holds it: the folder is there and not
/// empty (EEXIST or ENOTEMPTY, by platform), or sshfs's EPERM, its word for every refusal — as is
/// a sticky folder's for a lock owned by another user. Anything else (EACCES, a read-only file
/// system…) is a folder kehu cannot use. The lock may be gone by the time the error is read, so
/// the error decides, not a second look.
fn refused_because_taken(e: &std::io::Error) -> bool {
    if matches!(
        e.kind(),
        ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty
    ) {
        return true;
    }
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::EPERM) {
        return true;
    }
    // Windows says "access denied" when the target folder exists.
    #[cfg(windows)]
    if e.kind() == ErrorKind::PermissionDenied {
        return true;
    }
    false
}

/// Whether a taker's folder (`DB-lock.take.NONCE`) was left behind: its process on this machine
/// has ended, or, from another machine, it is a day old (a waiter refreshes nothing, and no wait
/// lasts that long).
fn taker_gone(folder: &Path) -> bool {
    match read_holder(folder) {
        Some(h) if h.host == crate::store::presence::host_name() => process_gone(h.pid, h.started),
        _ => fs::symlink_metadata(folder)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(24 * 3600)),
    }
}

/// Removes a lock folder and whatever is in it (best effort).
fn remove_lock_folder(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let _ = fs::remove_file(entry.path());
        }
    }
    let _ = fs::remove_dir(dir);
}

/// Linux: the process's start time in clock ticks since boot (field 22 of `/proc/PID/stat`).
fn process_start(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and brackets: count from the last ')'.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// Whether a process of this machine has ended. Where that cannot be known (no `/proc`), the
/// lease decides instead.
fn process_gone(pid: u32, started: Option<u64>) -> bool {
    if !Path::new("/proc/self/stat").exists() {
        return false;
    }
    match process_start(pid) {
        None => true,
        Some(now) => started.is_some_and(|s| s != now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_files_keep_one_length_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kehu.db");
        let mut a = DbLock::new(&db);
        assert!(matches!(a.try_take(), Attempt::Taken));
        let file = lock_dir(&db).join("holder");
        let first = fs::metadata(&file).unwrap().len();
        let mut holder = read_holder(&lock_dir(&db)).expect("a readable holder");
        // Beats and names of every length give a file of the same length.
        for (beat, user) in [
            (9, "li"),
            (10, "watcher"),
            (12_345_678, "a.much.longer.name"),
        ] {
            holder.beat = beat;
            holder.user = user.into();
            write_holder(&lock_dir(&db), &holder, false).unwrap();
            assert_eq!(fs::metadata(&file).unwrap().len(), first);
            assert_eq!(read_holder(&lock_dir(&db)), Some(holder.clone()));
        }
        assert_eq!(first as usize % HOLDER_BLOCK, 0);
        a.release();
    }

    #[test]
    fn a_second_taker_waits_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kehu.db");
        let mut a = DbLock::new(&db);
        let mut b = DbLock::new(&db);
        assert!(matches!(a.try_take(), Attempt::Taken));
        match b.try_take() {
            Attempt::Held(Some(h)) => assert_eq!(h.pid, std::process::id()),
            other => panic!("expected held, got {other:?}"),
        }
        a.release();
        assert!(matches!(b.try_take(), Attempt::Taken));
        drop(b);
        drop(a);
        assert_eq!(
            lock_leftovers(dir.path()),
            Vec::<String>::new(),
            "released locks and takers' folders leave nothing behind"
        );
    }

    fn lock_leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("kehu.db-lock"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_waiter_that_gives_up_removes_its_folder_and_a_dead_waiters_is_swept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kehu.db");
        let mut a = DbLock::new(&db);
        let mut b = DbLock::new(&db);
        assert!(matches!(a.try_take(), Attempt::Taken));
        assert!(matches!(b.try_take(), Attempt::Held(_)));
        assert_eq!(
            lock_leftovers(dir.path()).len(),
            2,
            "the lock and b's folder"
        );
        drop(b);
        assert_eq!(lock_leftovers(dir.path()), vec!["kehu.db-lock".to_string()]);
        // A waiter on this machine that died while waiting left its folder behind.
        let dead = lock_dir(&db).with_file_name("kehu.db-lock.take.77");
        fs::create_dir(&dead).unwrap();
        let ghost = Holder {
            user: "ghost".into(),
            host: crate::store::presence::host_name(),
            pid: u32::MAX - 1,
            since: "2026-11-22T02:00:00.000Z".into(),
            nonce: 77,
            beat: 0,
            started: None,
        };
        fs::write(dead.join("holder"), serde_json::to_vec(&ghost).unwrap()).unwrap();
        a.release();
        assert_eq!(lock_leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_lock_of_a_dead_process_on_this_host_is_taken_over_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kehu.db");
        fs::create_dir(lock_dir(&db)).unwrap();
        let dead = Holder {
            user: "ghost".into(),
            host: crate::store::presence::host_name(),
            pid: u32::MAX - 1,
            since: "2026-11-22T02:00:00.000Z".into(),
            nonce: 7,
            beat: 0,
            started: None,
        };
        write_holder(&lock_dir(&db), &dead, false).unwrap();
        let mut me = DbLock::new(&db);
        assert!(matches!(me.try_take(), Attempt::Taken));
        let notes = take_notices();
        assert!(notes.iter().any(|n| n.contains("ghost")), "{notes:?}");
    }

    /// A database whose lock is held by "wang" on another machine.
    fn held_by_another_machine() -> (tempfile::TempDir, PathBuf, Holder) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kehu.db");
        fs::create_dir(lock_dir(&db)).unwrap();
        let far = Holder {
            user: "wang".into(),
            host: "another-machine".into(),
            pid: 1,
            since: "2026-11-22T02:00:00.000Z".into(),
            nonce: 9,
            beat: 0,
            started: None,
        };
        write_holder(&lock_dir(&db), &far, false).unwrap();
        (dir, db, far)
    }

    /// Pretends this waiter first saw the lock a lease ago.
    fn seen_for_a_lease(db: &Path) {
        SEEN.with(|s| {
            s.borrow_mut().get_mut(&lock_dir(db)).unwrap().since =
                Instant::now() - LEASE - Duration::from_secs(1)
        });
    }

    #[test]
    fn a_lock_of_another_host_is_kept_until_its_lease_runs_out() {
        let (_dir, db, _far) = held_by_another_machine();
        let mut me = DbLock::new(&db);
        assert!(matches!(me.try_take(), Attempt::Held(Some(ref h)) if h.user == "wang"));
        seen_for_a_lease(&db);
        assert!(matches!(me.try_take(), Attempt::Taken));
    }

    #[test]
    fn a_holder_that_cannot_be_read_for_a_moment_is_not_taken_for_dead() {
        let (_dir, db, far) = held_by_another_machine();
        let mut me = DbLock::new(&db);
        assert!(matches!(me.try_take(), Attempt::Held(Some(_))));
        seen_for_a_lease(&db);
        // Cut short, as a mount that caches an older, shorter file's size reads it.
        let file = lock_dir(&db).join("holder");
        let whole = fs::read(&file).unwrap();
        fs::write(&file, &whole[..20]).unwrap();
        assert!(
            matches!(me.try_take(), Attempt::Held(None)),
            "unreadable after a reading: not broken"
        );
        // Readable again and still unchanged after the lease: the holder has stopped.
        write_holder(&lock_dir(&db), &far, false).unwrap();
        assert!(matches!(me.try_take(), Attempt::Taken));
    }

    #[test]
    fn a_holder_file_never_readable_is_broken_after_a_lease() {
        let (_dir, db, _far) = held_by_another_machine();
        fs::write(lock_dir(&db).join("holder"), b"{\"user\": ").unwrap();
        let mut me = DbLock::new(&db);
        assert!(matches!(me.try_take(), Attempt::Held(None)));
        seen_for_a_lease(&db);
        assert!(matches!(me.try_take(), Attempt::Taken));
    }

    #[test]
    fn a_refreshed_lock_is_not_broken() {
        let (_dir, db, mut far) = held_by_another_machine();
        let mut me = DbLock::new(&db);
        assert!(matches!(me.try_take(), Attempt::Held(_)));
        seen_for_a_lease(&db);
        far.beat = 1;
        write_holder(&lock_dir(&db), &far, false).unwrap();
        assert!(
            matches!(me.try_take(), Attempt::Held(_)),
            "a new beat restarts the lease"
        );
    }
}
