//! Helpers shared by the integration tests: a fixed clock, temporary stores, and a runner for the
//! real binary with a temporary database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Utc};
use kehu::domain::{Clock, CustomerFields};
use kehu::store::{Ctx, OpenMode, Store};
use tempfile::TempDir;

/// The fixed "now" of every test: 22 Nov 2026, 10:00 in Shanghai.
pub const NOW: &str = "2026-11-22T10:00:00+08:00";

pub fn clock() -> Clock {
    let fixed = DateTime::parse_from_rfc3339(NOW).expect("valid NOW");
    Clock::fixed(fixed.with_timezone(&Utc), *fixed.offset())
}

pub fn ctx(user: &str) -> Ctx {
    Ctx::new(user, clock())
}

/// Whether this run of the suite is against a PostgreSQL server (`KEHU_TEST_BACKEND=pg`, with
/// `KEHU_TEST_PG` naming it) rather than SQLite files.
pub fn on_server() -> bool {
    std::env::var("KEHU_TEST_BACKEND").is_ok_and(|b| b == "pg")
}

/// Whether to skip a test of what only a SQLite file has (its bytes, journal, locks, backup API,
/// pages read raw) in the run against a server; says so when it does.
pub fn file_only(test: &str) -> bool {
    if on_server() {
        eprintln!("{test}: a file's test, skipped on a server");
    }
    on_server()
}

/// Where a test's book lives: `kehu.db` in its folder, or a new database on the test server.
/// (Server databases are left for the throwaway server's end.)
pub fn book_in(dir: &TempDir) -> PathBuf {
    if !on_server() {
        return dir.path().join("kehu.db");
    }
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let admin = std::env::var("KEHU_TEST_PG").expect("KEHU_TEST_PG names the test server");
    let name = format!(
        "kehu_t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("the test server");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("a database for the test");
    let (base, _) = admin
        .rsplit_once('/')
        .expect("an address ending in /database");
    PathBuf::from(format!("{base}/{name}"))
}

pub fn temp_store() -> (TempDir, Store) {
    let dir = TempDir::new().expect("temp dir");
    let store = Store::open(
        &book_in(&dir),
        OpenMode::Create { shared: false },
        &ctx("tester"),
    )
    .expect("open");
    (dir, store)
}

pub fn add_customer(store: &Store, name: &str) -> i64 {
    let c = ctx("tester");
    store
        .write(|conn| kehu::store::customers::add(conn, &c, &CustomerFields::named(name), &[]))
        .expect("add customer")
}

/// The real binary with a private database, user and clock.
pub struct Kehu {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Kehu {
    /// A new, initialised, empty database.
    pub fn new() -> Kehu {
        let k = Kehu::uninitialised();
        k.ok(&["init"]);
        k
    }

    /// A book in a file whatever the backend under test (for what only a file can show).
    pub fn on_file() -> Kehu {
        let dir = TempDir::new().expect("temp dir");
        let db = dir.path().join("kehu.db");
        Kehu { dir, db }
    }

    pub fn uninitialised() -> Kehu {
        let dir = TempDir::new().expect("temp dir");
        let db = book_in(&dir);
        Kehu { dir, db }
    }

    pub fn command(&self) -> Command {
        command_for(&self.db)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run kehu")
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "kehu {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs and expects exit status 1 with one clean line on stderr and nothing on stdout.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            out.status.code(),
            Some(1),
            "kehu {args:?} should fail with 1; stderr: {err}"
        );
        assert_clean_error(&err);
        err
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let text = self.ok(args);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("kehu {args:?} printed invalid JSON ({e}):\n{text}"))
    }

    /// Adds a customer through the CLI and returns its id.
    pub fn add(&self, args: &[&str]) -> i64 {
        let out = self.ok(&[&["customer", "add"], args].concat());
        id_in(&out, "added customer ")
    }
}

/// The number after `prefix` in `text`.
pub fn id_in(text: &str, prefix: &str) -> i64 {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("'{prefix}' not in: {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("an id")
}

pub fn command_for(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kehu"));
    cmd.env("KEHU_DB", db)
        .env("KEHU_USER", "tester")
        .env("KEHU_NOW", NOW)
        // English whatever the machine's locale; the language tests set their own.
        .env("KEHU_LANG", "en")
        .env("RUST_BACKTRACE", "1")
        .env_remove("KEHU_BUSY_SECONDS");
    cmd
}

/// An error is one line, names kehu, and never shows a panic or backtrace.
pub fn assert_clean_error(err: &str) {
    assert!(
        err.starts_with("kehu: "),
        "error should start with 'kehu: ': {err}"
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "error should be one line: {err}"
    );
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "internal error"] {
        assert!(!err.contains(bad), "error shows '{bad}': {err}");
    }
}

/// Polls `done` every 20 ms until it holds or `limit` passes; returns whether it held.
pub fn wait_for(limit: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    done()
}

pub fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

/// Heavy multi-process tests hold this so they run one at a time on a busy 2-core machine.
pub fn heavy() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    HEAVY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sets a path's permission bits (Unix).
#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// This machine's name as kehu reads it (`HOSTNAME`, else `/etc/hostname`).
pub fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// The id of a process of this machine that has ended.
pub fn dead_pid() -> u32 {
    let mut gone = std::process::Command::new("true")
        .spawn()
        .expect("run true");
    let pid = gone.id();
    gone.wait().expect("wait for true");
    pid
}
