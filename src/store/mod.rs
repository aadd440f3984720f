//! The repository layer: the only place with SQL. `Store` owns one connection and its pragmas;
//! the files beside this one are plain functions per table group that return domain types.
//!
//! Sharing rules (DESIGN.md §5): rollback journal (never WAL, which is unsafe on a network drive),
//! `synchronous=FULL`, a busy timeout, every write inside `BEGIN IMMEDIATE` through [`Store::write`],
//! and no statement or transaction kept open between calls.

pub mod agreements;
mod appends;
pub mod breakdowns;
pub mod bulk;
pub mod campaigns;
pub mod care;
pub mod contacts;
pub mod copy;
pub mod coupons;
pub mod customers;
pub mod damage;
pub mod db;
pub mod deals;
pub mod deferred_indexes;
pub mod dump;
pub mod error;
pub mod guard;
pub mod history;
pub mod import_undo;
pub mod imports;
pub mod interactions;
pub mod lock;
pub mod loyalty;
pub mod maintenance;
mod merge;
pub mod migrate;
pub mod pages;
pub mod plans;
pub mod presence;
pub mod products;
pub mod profile;
pub mod purchases;
pub mod reports;
pub mod risk;
mod rows;
pub mod search_keys;
pub mod server;
pub mod settings;
pub mod sheets;
pub mod surveys;
mod tags;
pub mod team;
pub mod tickets;
pub mod today;
pub mod todos;
pub mod undo;
pub mod value;
pub mod win_back;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::store::db::Connection;
use rusqlite::OpenFlags;

pub use error::{Result, StoreError};

use crate::domain::Clock;
use appends::Appends;
pub(crate) use appends::Table as AppendTo;

/// Who is writing and when: stamped on every row and change-log entry.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: String,
    pub clock: Clock,
    /// While a bulk write runs: rows nothing reads back until it ends, gathered to be written
    /// many to a statement ([`appends`]).
    appends: Option<Arc<Mutex<Appends>>>,
}

impl Ctx {
    pub fn new(user: impl Into<String>, clock: Clock) -> Ctx {
        Ctx {
            user: user.into(),
            clock,
            appends: None,
        }
    }

    /// This context with another clock (the team's time zone once the book is open).
    pub fn with_clock(&self, clock: Clock) -> Ctx {
        Ctx {
            clock,
            ..self.clone()
        }
    }

    /// This context for a bulk write (an import): its change log, first history, tags and undo
    /// records are gathered until [`Ctx::flush_appends`].
    pub fn appending(&self) -> Ctx {
        Ctx {
            appends: Some(Arc::default()),
            ..self.clone()
        }
    }

    /// Writes what the bulk write gathered (before reading what it touched, and before commit).
    pub fn flush_appends(&self, conn: &Connection) -> Result<()> {
        match self.gathered() {
            Some(mut appends) => appends.flush(conn),
            None => Ok(()),
        }
    }

    pub(crate) fn gathered(&self) -> Option<MutexGuard<'_, Appends>> {
        self.appends
            .as_ref()
            .map(|a| a.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A new book in a folder of its own that goes with it, for the store's unit tests.
#[cfg(test)]
pub(crate) fn scratch_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let clock = Clock::fixed(
        chrono::Utc::now(),
        chrono::FixedOffset::east_opt(0).expect("UTC"),
    );
    let store = Store::open(
        &dir.path().join("t.db"),
        OpenMode::Create { shared: false },
        &Ctx::new("t", clock),
    )
    .expect("a new book");
    (dir, store)
}

/// How to treat a path that has no database yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The file must exist already.
    Existing,
    /// Create the file (and its folder) if missing; `shared` makes them group read/write.
    Create { shared: bool },
}

/// The longest wait `KEHU_BUSY_SECONDS` may ask for: one hour.
pub const MAX_BUSY_SECONDS: f64 = 3600.0;

/// How long a write waits for another user's lock: `KEHU_BUSY_SECONDS`, default 10 s. A value
/// out of range is refused by [`check_busy_env`] at start-up; here it falls back to the default.
pub fn busy_budget() -> Duration {
    busy_from_env()
        .ok()
        .flatten()
        .unwrap_or(Duration::from_secs(10))
}

/// The wait budget as a user wrote it: `10`, `0.3`.
pub fn budget_text() -> String {
    let secs = busy_budget().as_secs_f64();
    let text = format!("{secs:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// `KEHU_BUSY_SECONDS` read and range-checked (0 to one hour): `Ok(None)` when unset.
pub fn busy_from_env() -> std::result::Result<Option<Duration>, String> {
    let Some(raw) = std::env::var_os("KEHU_BUSY_SECONDS") else {
        return Ok(None);
    };
    let text = raw.to_string_lossy();
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && (0.0..=MAX_BUSY_SECONDS).contains(s))
        .map(|s| Some(Duration::from_secs_f64(s)))
        .ok_or_else(|| {
            crate::i18n::tf(
                "env.busy_seconds",
                &[("value", &text), ("max", &MAX_BUSY_SECONDS)],
            )
        })
}

/// Opens a connection to a database file through kehu's VFS (which adds kehu's own lock where the
/// file system needs it; see [`lock`]). Every connection kehu makes goes through here.
pub fn open_connection(path: &Path, flags: OpenFlags) -> rusqlite::Result<rusqlite::Connection> {
    match lock::vfs::name() {
        Some(vfs) => rusqlite::Connection::open_with_flags_and_vfs(path, flags, vfs),
        None => rusqlite::Connection::open_with_flags(path, flags),
    }
}

/// Waits for a busy lock in short, jittered steps until `budget` has passed. SQLite's default
/// handler backs off to 100 ms sleeps, so a writer that has waited long polls ten times slower than
/// one that just arrived and can lose every race until it gives up: starved. Polling at one pace
/// keeps the odds even.
pub fn install_busy_handler(conn: &mut rusqlite::Connection, budget: Duration) -> Result<()> {
    let mut started = Instant::now();
    let mut seed = u64::from(std::process::id()) ^ 0x2545_F491_4F6C_DD1D;
    conn.busy_handler(Some(move |count: i32| {
        if count == 0 {
            started = Instant::now();
        }
        if started.elapsed() >= budget {
            return false;
        }
        // xorshift: a cheap jitter so waiters do not wake in lockstep.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        thread::sleep(Duration::from_micros(300 + seed % 1700));
        true
    }))?;
    Ok(())
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    budget: Duration,
    /// Writes nested inside an open batch (see [`Store::begin_batch`]) become savepoints.
    depth: std::cell::Cell<u32>,
    /// The change id of the last write that changed something (see `undo`).
    last_change: std::cell::Cell<Option<i64>>,
}

/// A read that can run on any connection, from any thread ([`Store::read_at_once`]).
pub type ReadJob<'a, T> = &'a (dyn Fn(&Connection) -> Result<T> + Sync);

impl Store {
    /// `clock` in the team's time zone (the `time_zone` setting), for everything that buckets by
    /// day or month or judges "on time".
    pub fn team_clock(&self, clock: crate::domain::Clock) -> crate::domain::Clock {
        match self.read(|c| settings::get(c, "time_zone")) {
            Ok(zone) => clock.in_zone(&zone),
            Err(_) => clock,
        }
    }
}

impl Store {
    /// Opens a kehu database. Cheap when the schema is current: the header is read without a
    /// lock; only a migration takes the write lock.
    pub fn open(path: &Path, mode: OpenMode, ctx: &Ctx) -> Result<Store> {
        // A file too damaged to read its schema says so like any damage (and is marked), rather
        // than as a bare SQLite error: the way out is `kehu restore --force`.
        Store::open_unchecked(path, mode, ctx).map_err(|e| match &e {
            StoreError::Sqlite(inner) if damage::is_corruption(inner) => {
                damage::mark(path, &inner.to_string(), &lock::user_name());
                match damage::verdict(path) {
                    Some(v) => damage::refusal(path, v),
                    None => e,
                }
            }
            _ => e,
        })
    }

    fn open_unchecked(path: &Path, mode: OpenMode, ctx: &Ctx) -> Result<Store> {
        if server::is_address(path) {
            return Store::open_server(path, mode, ctx);
        }
        let budget = busy_budget();
        if path.is_dir() {
            return Err(StoreError::file(path, crate::i18n::t("file.folder")));
        }
        let created = if path.exists() {
            false
        } else {
            match mode {
                OpenMode::Existing => return Err(StoreError::Missing(path.to_path_buf())),
                OpenMode::Create { shared } => {
                    create_private_file(path, shared)?;
                    true
                }
            }
        };
        lock::set_user(&ctx.user);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = open_connection(path, flags).map_err(|e| open_error(path, e))?;
        install_busy_handler(&mut conn, budget)?;
        conn.set_prepared_statement_cache_capacity(128);

        let not_sqlite = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite(path.to_path_buf()),
            _ => StoreError::from(e),
        };
        let app_id: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(not_sqlite)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if app_id != migrate::APPLICATION_ID {
            let tables: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            let blank = app_id == 0 && version == 0 && tables == 0;
            if !blank {
                return Err(StoreError::NotKehu(path.to_path_buf()));
            }
            if !created && mode == OpenMode::Existing {
                return Err(StoreError::file(path, crate::i18n::t("file.empty")));
            }
        }
        if version > migrate::latest_version() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: migrate::latest_version(),
            });
        }
        apply_pragmas(&conn, path)?;
        let conn = Connection::Sqlite(conn);
        if version < migrate::latest_version() {
            // A large book's upgrade (its integrity check first) takes seconds, before any screen
            // can draw: say what is happening, to a person only.
            let large = std::fs::metadata(path).is_ok_and(|m| m.len() > 50_000_000);
            if version > 0 && large && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                eprintln!(
                    "{}",
                    crate::i18n::tf(
                        "store.upgrading",
                        &[
                            ("path", &path.display()),
                            ("from", &version),
                            ("to", &migrate::latest_version())
                        ]
                    )
                );
            }
            migrate::migrate_to(
                &conn,
                migrate::latest_version(),
                &ctx.clock.stamp(),
                &ctx.user,
            )?;
        }
        let store = Store {
            conn,
            path: path.to_path_buf(),
            budget,
            depth: std::cell::Cell::new(0),
            last_change: std::cell::Cell::new(None),
        };
        // The team chose kehu's lock but its marker is gone (deleted by hand, a copied folder):
        // put it back, so every teammate takes the lock again from their next transaction.
        // A damaged page here must not stop `kehu check` from saying so (and marking the file).
        if !lock::policy::marker_path(path).exists() {
            match store.read(|c| settings::get(c, "locking")) {
                Ok(v) if v == "lockfile" => {
                    let _ = lock::policy::follow_setting(path, "lockfile");
                }
                Ok(_) => {}
                Err(e) => {
                    store.noted(e);
                }
            }
        }
        Ok(store)
    }

    /// Opens a book on a PostgreSQL server (`path` is its address), creating its schema when
    /// `mode` allows and the database has none.
    fn open_server(path: &Path, mode: OpenMode, ctx: &Ctx) -> Result<Store> {
        let address = path.to_string_lossy();
        lock::set_user(&ctx.user);
        let conn = Connection::Pg(Box::new(db::Pg::new(server::connect(&address)?)));
        let version = migrate::server_version(&conn)?;
        if version == 0 && mode == OpenMode::Existing {
            return Err(StoreError::Refused(crate::i18n::tf(
                "server.no_book",
                &[("address", &address)],
            )));
        }
        if version > migrate::latest_version() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: migrate::latest_version(),
            });
        }
        if version < migrate::latest_version() {
            migrate::migrate_server(&conn, &ctx.clock.stamp(), &ctx.user)?;
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            budget: busy_budget(),
            depth: std::cell::Cell::new(0),
            last_change: std::cell::Cell::new(None),
        })
    }

    /// Asks to hear of every commit to the book (on a server; a file's counter is read instead).
    pub fn listen(&self) -> Result<()> {
        if self.is_server() {
            self.conn.execute_batch("LISTEN kehu")?;
        }
        Ok(())
    }

    /// Whether a commit was announced since the last call (after [`Store::listen`]); always true
    /// on a file, where [`pages::data_version`] is the cheap check.
    pub fn announced(&self) -> bool {
        self.conn.take_notifications()
    }

    /// Whether the book is on a database server rather than in a file.
    pub fn is_server(&self) -> bool {
        self.conn.is_server()
    }

    /// Opens the write transaction: on a server, waiting for kehu's lock at most the budget.
    fn begin_write(&self) -> Result<()> {
        self.conn
            .execute_batch(db::begin_write(self.is_server()))
            .map_err(|e| self.noted(e))?;
        if self.is_server() {
            let ms = self.budget.as_millis().max(1);
            self.conn
                .execute_batch(&format!("SET LOCAL lock_timeout = {ms}"))?;
        }
        Ok(())
    }

    /// Opens a database at an older schema version — for tests of the upgrade path only.
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, version: i64, ctx: &Ctx) -> Result<()> {
        create_private_file(path, false)?;
        let conn = open_connection(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        apply_pragmas(&conn, path)?;
        migrate::migrate_to(
            &Connection::Sqlite(conn),
            version,
            &ctx.clock.stamp(),
            &ctx.user,
        )
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all of it is written or none. Waiting for
    /// another user's lock, and retrying a busy `COMMIT`, both stay inside one time budget.
    pub fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.depth.get() > 0 {
            return self.nested(f);
        }
        self.refuse_if_damaged()?;
        let deadline = Instant::now() + self.budget;
        lock::clear_last_blocker();
        self.begin_write()?;
        let value = match undo::grouped(&self.conn, f) {
            Ok((v, change)) => {
                self.last_change.set(change);
                v
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(self.noted(e));
            }
        };
        self.refresh_search_keys();
        self.commit(deadline).map(|()| value)
    }

    /// Brings the search keys of the customers this write changed up to date, in its
    /// transaction. Never fails the write: keys left marked are worked out afresh by a search.
    fn refresh_search_keys(&self) {
        let _ = self.conn.execute_batch("SAVEPOINT search_keys");
        let end = match search_keys::refresh(&self.conn, Some(search_keys::IN_A_WRITE)) {
            Ok(()) => "RELEASE search_keys",
            Err(_) => "ROLLBACK TO search_keys; RELEASE search_keys",
        };
        let _ = self.conn.execute_batch(end);
    }

    /// The change the last write made, for undoing it (None when it changed nothing).
    pub fn last_change(&self) -> Option<i64> {
        self.last_change.get()
    }

    /// Commits the open transaction, retrying a busy `COMMIT` until `deadline`.
    fn commit(&self, deadline: Instant) -> Result<()> {
        // Every screen on the book hears of it at the commit (a notice is transactional).
        if self.is_server() {
            self.conn.execute_batch("NOTIFY kehu")?;
        }
        loop {
            match self.conn.execute_batch("COMMIT") {
                Ok(()) => return Ok(()),
                Err(StoreError::Busy { .. }) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(2))
                }
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(self.noted(e));
                }
            }
        }
    }

    /// A write to a database marked damaged is refused with the way out.
    fn refuse_if_damaged(&self) -> Result<()> {
        if self.is_server() {
            return Ok(());
        }
        match damage::verdict(&self.path) {
            Some(v) => Err(damage::refusal(&self.path, v)),
            None => Ok(()),
        }
    }

    /// Passes an error on, first marking the database damaged if SQLite found it malformed.
    fn noted(&self, e: StoreError) -> StoreError {
        if let StoreError::Sqlite(inner) = &e
            && damage::is_corruption(inner)
        {
            damage::mark(&self.path, &inner.to_string(), &lock::user_name());
        }
        e
    }

    /// A write inside an open batch: a savepoint, so a failed step undoes only itself.
    fn nested<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let level = self.depth.get();
        self.depth.set(level + 1);
        let name = format!("kehu_{level}");
        let out = self
            .conn
            .execute_batch(&format!("SAVEPOINT {name}"))
            .and_then(|()| undo::grouped(&self.conn, f))
            .map(|(v, change)| {
                self.last_change.set(change);
                v
            });
        let end = match &out {
            Ok(_) => format!("RELEASE {name}"),
            Err(_) => format!("ROLLBACK TO {name}; RELEASE {name}"),
        };
        self.depth.set(level);
        self.conn.execute_batch(&end)?;
        out
    }

    /// Opens one transaction for many writes (`kehu batch --atomic`): until [`Store::end_batch`],
    /// every write is part of it, so all of them are saved or none.
    pub fn begin_batch(&self) -> Result<()> {
        self.refuse_if_damaged()?;
        lock::clear_last_blocker();
        self.begin_write()?;
        self.depth.set(1);
        Ok(())
    }

    /// Commits (retrying a busy commit within the time budget) or rolls back the open batch.
    pub fn end_batch(&self, commit: bool) -> Result<()> {
        self.depth.set(0);
        if !commit {
            self.conn.execute_batch("ROLLBACK")?;
            return Ok(());
        }
        self.refresh_search_keys();
        self.commit(Instant::now() + self.budget)
    }

    /// Another connection to the same file, for reading on another thread (the report computes
    /// its two periods, the dashboard its charts, at the same time). `None` inside a batch, whose
    /// changes only this connection sees, or if the file cannot be opened again. Under kehu's
    /// lock file the two connections take turns.
    pub fn reader(&self) -> Option<Store> {
        if self.depth.get() > 0 {
            return None;
        }
        // The clock would only stamp a migration, and the file is already at the latest schema.
        let clock =
            crate::domain::Clock::fixed(chrono::Utc::now(), chrono::FixedOffset::east_opt(0)?);
        Store::open(
            &self.path,
            OpenMode::Existing,
            &Ctx::new(lock::user_name(), clock),
        )
        .ok()
    }

    /// Runs each job in its own read transaction: the first on this connection, the others at
    /// the same time on other connections to the file, each on its own thread (on a large book
    /// two cores halve the wait); one after another here when the file cannot be opened again.
    pub fn read_at_once<T: Send + Default, const N: usize>(
        &self,
        jobs: [ReadJob<'_, T>; N],
    ) -> Result<[T; N]> {
        let results: [Result<T>; N] = std::thread::scope(|s| {
            let mut others = (1..N)
                .map(|i| {
                    let job = jobs[i];
                    self.reader().map(|r| s.spawn(move || r.read(|c| job(c))))
                })
                .collect::<Vec<_>>()
                .into_iter();
            std::array::from_fn(|i| {
                if i == 0 {
                    return self.read(|c| jobs[0](c));
                }
                match others.next().flatten().map(|t| t.join()) {
                    Some(Ok(result)) => result,
                    // No second connection, or its thread died: read here instead.
                    _ => self.read(|c| jobs[i](c)),
                }
            })
        });
        let mut failed = None;
        let values = results.map(|r| {
            r.unwrap_or_else(|e| {
                failed.get_or_insert(e);
                T::default()
            })
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(values),
        }
    }

    /// Runs `f` in one short read transaction, so what it reads is consistent.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        // Inside a batch the open transaction already gives a consistent view.
        if self.depth.get() > 0 {
            return f(&self.conn);
        }
        lock::clear_last_blocker();
        self.conn
            .execute_batch(db::begin_read(self.is_server()))
            .map_err(|e| self.noted(e))?;
        let out = f(&self.conn);
        let _ = self
            .conn
            .execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        out.map_err(|e| self.noted(e))
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn apply_pragmas(conn: &rusqlite::Connection, path: &Path) -> Result<()> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::file(
            path,
            crate::i18n::tf("file.journal", &[("mode", &mode)]),
        ));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;

    // One imported row runs some twenty different statements; with rusqlite's default cache of
    // 16 they pushed each other out and every row compiled its SQL again (2.5× slower).
    conn.set_prepared_statement_cache_capacity(128);
    // Without the query-planner stability guarantee, SQLite recompiles a cached statement each
    // time a bound value could change its plan (checking it against a partial index's WHERE):
    // that was 44% of a 100,000-row import. kehu's plans do not depend on the values.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

fn open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::CannotOpen) | Some(rusqlite::ErrorCode::PermissionDenied) => {
            StoreError::file(path, crate::i18n::t("file.permissions"))
        }
        _ => StoreError::from(e),
    }
}

/// Creates an empty database file readable only by its owner (0600, folder 0700), or by the
/// group too when `shared` (0660, folder 2770 so new files keep the team's group).
fn create_private_file(path: &Path, shared: bool) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        fs::create_dir_all(dir).map_err(|e| StoreError::file(dir, e))?;
        set_mode(dir, if shared { 0o2770 } else { 0o700 })?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if shared { 0o660 } else { 0o600 });
    }
    options.open(path).map_err(|e| StoreError::file(path, e))?;
    set_mode(path, if shared { 0o660 } else { 0o600 })
}

/// Sets permission bits explicitly, since the umask may have removed group bits. No-op off Unix,
/// where the folder's access rules apply.
pub(crate) fn set_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .map_err(|e| StoreError::file(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}
