//! The same book on a PostgreSQL server: the commands read and write it as they do a file.
//! Needs a server: `KEHU_TEST_PG` is the address of one whose role may create databases
//! (`.ci/pg-start` starts a throwaway one). Without it these tests say they are skipped —
//! except under CI, where they must run.

use std::path::PathBuf;

use crate::common::Kehu;

/// A database of its own on the test server, dropped at the end.
struct ServerBook {
    /// The database's name on the server.
    kehu: Kehu,
    admin: String,
    name: String,
}

impl Drop for ServerBook {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A fresh, empty database on the test server, or `None` (skipped) when there is none.
fn server_book(test: &str) -> Option<ServerBook> {
    let Ok(admin) = std::env::var("KEHU_TEST_PG") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "KEHU_TEST_PG is not set: CI must run the PostgreSQL tests (.ci/pg-start)"
        );
        eprintln!("skipped {test}: no PostgreSQL server (set KEHU_TEST_PG; see README)");
        return None;
    };
    let name = format!("kehu_{test}_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot reach the test server {admin}: {e}"));
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        client.batch_execute(&sql).expect("a database for the test");
    }
    let (base, _) = admin
        .rsplit_once('/')
        .expect("an address ending in /database");
    let kehu = Kehu {
        dir: tempfile::TempDir::new().expect("temp dir"),
        db: PathBuf::from(format!("{base}/{name}")),
    };
    Some(ServerBook { kehu, admin, name })
}

#[test]
fn the_demo_book_reads_the_same_on_a_server_as_in_a_file() {
    let Some(server) = server_book("demo_same") else {
        return;
    };
    let file = crate::common::Kehu::on_file();
    server.kehu.ok(&["--demo", "init"]);
    file.ok(&["--demo", "init"]);
    for args in [
        &["today"][..],
        &["report"],
        &["report", "--owner", "li.na"],
        &["customer", "list"],
        &["customer", "list", "--json"],
        &["customer", "list", "--search", "wang"],
        &["customer", "list", "--sort", "value"],
        &["customer", "show", "5"],
        &["ticket", "list"],
        &["deal", "list"],
        &["todo", "list"],
        &["history", "7"],
        &["product", "list"],
        &["campaign", "list"],
    ] {
        assert_eq!(
            server.kehu.ok(args),
            file.ok(args),
            "kehu {args:?} differs between the server and the file"
        );
    }
}

#[test]
fn writes_on_a_server_keep_versions_and_refuse_a_stale_edit() {
    let Some(server) = server_book("stale_edit") else {
        return;
    };
    let k = &server.kehu;
    k.ok(&["init"]);
    let id = k.add(&["--name", "王芳", "--phone", "13800138000"]);
    let shown = k.json(&["customer", "show", &id.to_string(), "--json"]);
    assert_eq!(shown["name"], "王芳");
    let version = shown["version"].as_i64().expect("a version");
    k.ok(&[
        "customer",
        "edit",
        &id.to_string(),
        "--city",
        "上海",
        "--if-version",
        &version.to_string(),
    ]);
    let err = k.fails(&[
        "customer",
        "edit",
        &id.to_string(),
        "--city",
        "北京",
        "--if-version",
        &version.to_string(),
    ]);
    assert!(err.contains("changed") || err.contains("version"), "{err}");
    let after = k.json(&["customer", "show", &id.to_string(), "--json"]);
    assert_eq!(after["city"], "上海");
    assert_eq!(after["version"].as_i64(), Some(version + 1));
}

#[test]
fn a_server_address_with_no_book_says_how_to_make_one() {
    let Some(server) = server_book("no_book") else {
        return;
    };
    let err = server.kehu.fails(&["customer", "list"]);
    assert!(err.contains("kehu") && err.contains("init"), "{err}");
}

/// A screen on a server hears of a teammate's commit from the server itself (LISTEN/NOTIFY),
/// and the change log says what changed.
#[test]
fn a_teammates_commit_is_announced_to_a_listening_connection() {
    use kehu::store::{OpenMode, Store, pages};
    let Some(server) = server_book("announce") else {
        return;
    };
    server.kehu.ok(&["init"]);
    let screen = Store::open(
        &server.kehu.db,
        OpenMode::Existing,
        &crate::common::ctx("li.na"),
    )
    .expect("the book on the server");
    screen.listen().expect("LISTEN");
    assert!(!screen.announced(), "nothing was committed yet");
    let before = screen
        .read(pages::data_version)
        .expect("the change log's last id");
    server.kehu.add(&["--name", "Li Lei"]);
    assert!(crate::common::wait_for(
        std::time::Duration::from_secs(5),
        || screen.announced()
    ));
    assert!(!screen.announced(), "one commit is announced once");
    assert!(screen.read(pages::data_version).expect("the last id") > before);
}

/// The screen on a server shows a teammate's change without a key, as on a file.
#[test]
fn a_teammates_change_appears_on_a_screen_on_a_server() {
    let Some(server) = server_book("screen_refresh") else {
        return;
    };
    server.kehu.ok(&["--demo", "init"]);
    let mut app = kehu::tui::App::new(&server.kehu.db, crate::common::ctx("li.na"), "crm".into())
        .expect("the screen on the server");
    assert!(app.settle(crate::tui::SETTLE));
    let id = app.state.selected_id.expect("a customer is highlighted");
    server.kehu.ok(&[
        "customer",
        "edit",
        &id.to_string(),
        "--city",
        "Changed Elsewhere",
    ]);
    let started = std::time::Instant::now();
    let seen = crate::common::wait_for(std::time::Duration::from_secs(5), || {
        app.tick();
        app.pump();
        crate::tui::screen(&mut app, 100, 30).contains("Changed Elsewhere")
    });
    assert!(seen, "{}", crate::tui::screen(&mut app, 100, 30));
    eprintln!(
        "a teammate's edit reached the screen in {:?}",
        started.elapsed()
    );
    assert_eq!(app.state.selected_id, Some(id), "selection kept");
}

/// On a server, who else has the book open comes from the server's presence table: a teammate's
/// fresh heartbeat shows, an old one is forgotten, and a closed screen leaves at once.
#[test]
fn a_screen_on_a_server_shows_who_else_is_here() {
    let Some(server) = server_book("presence") else {
        return;
    };
    server.kehu.ok(&["init"]);
    let mut raw = postgres::Client::connect(&server.kehu.db.to_string_lossy(), postgres::NoTls)
        .expect("the test database");
    raw.batch_execute(
        "INSERT INTO kehu.presence (host, pid, user_name, seen_at) VALUES
             ('elsewhere', 1, 'wang', now()),
             ('long-gone', 2, 'zhao', now() - interval '10 minutes')",
    )
    .expect("two teammates' heartbeats");
    let mut app = kehu::tui::App::new(&server.kehu.db, crate::common::ctx("li.na"), "crm".into())
        .expect("the screen on the server");
    assert!(app.settle(crate::tui::SETTLE));
    let shown = crate::common::wait_for(std::time::Duration::from_secs(5), || {
        app.tick();
        app.pump();
        app.state.status.others == ["wang@elsewhere"]
    });
    assert!(shown, "{:?}", app.state.status.others);
    assert!(crate::tui::screen(&mut app, 120, 30).contains("wang@elsewhere"));
    let rows = |raw: &mut postgres::Client| -> Vec<String> {
        raw.query("SELECT user_name FROM kehu.presence ORDER BY 1", &[])
            .expect("presence")
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(
        rows(&mut raw),
        ["li.na", "wang"],
        "the old heartbeat is forgotten"
    );
    drop(app);
    let left = crate::common::wait_for(std::time::Duration::from_secs(5), || {
        rows(&mut raw) == ["wang"]
    });
    assert!(left, "{:?}", rows(&mut raw));
}

/// Every row of every table of a SQLite book, table by table (its counters included).
fn every_table(path: &std::path::Path) -> Vec<(String, Vec<Vec<String>>)> {
    let conn = rusqlite::Connection::open(path).expect("the book");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|table| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
            let width = stmt.column_count();
            let mut rows: Vec<Vec<String>> = stmt
                .query_map([], |r| {
                    (0..width)
                        .map(|i| {
                            r.get::<_, rusqlite::types::Value>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .collect()
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            rows.sort();
            (table, rows)
        })
        .collect()
}

/// `kehu copy` moves the demo book from a file to a server and back: every table of the file
/// that comes back equals the first, row for row — ids, stamps, history, counters, search keys.
#[test]
fn the_demo_book_moves_file_to_server_to_file_exactly() {
    let Some(server) = server_book("copy_round") else {
        return;
    };
    let first = crate::common::Kehu::on_file();
    first.ok(&["--demo", "init"]);
    // A customer erased: the ids above the rows must travel too, never to be handed out again.
    let gone = first.add(&["--name", "Short Stay"]);
    first.ok(&["customer", "erase", &gone.to_string(), "--yes"]);
    let url = server.kehu.db.to_string_lossy().into_owned();
    let out = first.ok(&["copy", &first.db.to_string_lossy(), &url]);
    assert!(out.contains("customers"), "{out}");
    assert_eq!(
        server.kehu.ok(&["customer", "list", "--json"]),
        first.ok(&["customer", "list", "--json"])
    );
    let back = first.dir.path().join("back.db");
    first.ok(&["copy", &url, &back.to_string_lossy()]);
    let (before, after) = (every_table(&first.db), every_table(&back));
    assert_eq!(
        before.iter().map(|(t, _)| t).collect::<Vec<_>>(),
        after.iter().map(|(t, _)| t).collect::<Vec<_>>()
    );
    for ((table, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "table {table} differs after file → server → file");
    }
    // The next customer on the server gets a new id, above the erased one.
    let next = server.kehu.add(&["--name", "After The Move"]);
    assert!(next > gone, "{next} <= {gone}");
    // A copy never merges.
    let err = first.fails(&["copy", &first.db.to_string_lossy(), &url]);
    assert!(err.contains("already holds a book"), "{err}");
}

/// TLS as the address asks for it (libpq's `sslmode`): `verify-full` against the root that
/// signed the server's certificate connects encrypted; against other roots it is refused,
/// saying why; `disable` stays in the clear. Needs the test server on TCP with TLS
/// (`KEHU_TEST_PG_TLS`, `KEHU_TEST_PG_CA`, both set by `.ci/run`).
#[test]
fn tls_to_a_server_is_checked_as_sslmode_asks() {
    use kehu::store::{OpenMode, Store};
    let Some(server) = server_book("tls") else {
        return;
    };
    let (Ok(tls), Ok(ca)) = (
        std::env::var("KEHU_TEST_PG_TLS"),
        std::env::var("KEHU_TEST_PG_CA"),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "KEHU_TEST_PG_TLS and KEHU_TEST_PG_CA must be set under CI"
        );
        eprintln!("skipped: no TLS test server (KEHU_TEST_PG_TLS, KEHU_TEST_PG_CA)");
        return;
    };
    let (base, _) = tls
        .rsplit_once('/')
        .expect("an address ending in /database");
    let address = |query: &str| format!("{base}/{}?{query}", server.name);
    let ca = ca.replace('/', "%2F");
    let encrypted = |address: &str| -> bool {
        let store = Store::open(
            std::path::Path::new(address),
            OpenMode::Create { shared: false },
            &crate::common::ctx("li.na"),
        )
        .unwrap_or_else(|e| panic!("{address}: {e}"));
        store
            .read(|c| {
                c.query_row(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    [],
                    |r| r.get::<_, bool>(0),
                )
            })
            .expect("the connection's TLS state")
    };
    assert!(encrypted(&address(&format!(
        "sslmode=verify-full&sslrootcert={ca}"
    ))));
    assert!(encrypted(&address(&format!(
        "sslmode=verify-ca&sslrootcert={ca}"
    ))));
    assert!(encrypted(&address("sslmode=require")));
    assert!(!encrypted(&address("sslmode=disable")));
    // The machine's roots never signed the test server's certificate.
    let k = &server.kehu;
    let mut cmd = k.command();
    let out = cmd
        .args([
            "--db",
            &address("sslmode=verify-full&sslrootcert=system"),
            "customer",
            "list",
        ])
        .output()
        .expect("run kehu");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    crate::common::assert_clean_error(&err);
    assert!(err.contains("cannot reach the database server"), "{err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

/// The schema a server book gets (`migrations/pg/`) is the file's, table by table: the same
/// columns in the same order, the same NOT NULLs and defaults, the same indexes by name (a
/// server adds its own bookkeeping tables, and unique indexes for SQLite's NOCASE columns).
#[test]
fn a_server_book_has_the_files_schema() {
    let Some(server) = server_book("schema") else {
        return;
    };
    server.kehu.ok(&["init"]);
    let file = crate::common::Kehu::on_file();
    file.ok(&["init"]);
    let lite = rusqlite::Connection::open(&file.db).expect("the file");
    let mut pg = postgres::Client::connect(&server.kehu.db.to_string_lossy(), postgres::NoTls)
        .expect("the server");
    // A default as written, without PostgreSQL's casts and quotes: `'lead'::text` → `lead`.
    let plain = |d: &str| -> String {
        d.split("::")
            .next()
            .unwrap_or(d)
            .trim_matches('\'')
            .to_string()
    };
    let tables: Vec<String> = lite
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() > 20);
    for table in &tables {
        // (name, not null, default) of each column, in order; a key's own column is not null.
        let on_file: Vec<(String, bool, Option<String>)> = lite
            .prepare("SELECT name, \"notnull\" OR pk, dflt_value FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap()
            .query_map([table], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let on_server: Vec<(String, bool, Option<String>)> = pg
            .query(
                "SELECT column_name::text, is_nullable = 'NO', column_default::text
                 FROM information_schema.columns WHERE table_schema = 'kehu' AND table_name = $1
                 ORDER BY ordinal_position",
                &[table],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        assert_eq!(
            on_file.len(),
            on_server.len(),
            "{table}'s columns: {on_server:?}"
        );
        for (f, s) in on_file.iter().zip(&on_server) {
            assert_eq!(f.0, s.0, "{table}: a column in another place");
            assert_eq!(f.1, s.1, "{table}.{}: NOT NULL differs", f.0);
            // The server's ids come from `next_id`, a file's from its rowid.
            if f.0 != "id" {
                assert_eq!(
                    f.2.as_deref().map(plain),
                    s.2.as_deref().map(plain),
                    "{table}.{}: the default differs",
                    f.0
                );
            }
        }
    }
    let server_tables: Vec<String> = pg
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'kehu'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for table in &server_tables {
        assert!(
            tables.contains(table) || ["meta", "presence", "id_sequence"].contains(&table.as_str()),
            "the server has a table the file has not: {table}"
        );
    }
    let server_indexes: Vec<String> = pg
        .query(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'kehu'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let file_indexes: Vec<String> = lite
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(file_indexes.len() > 30);
    for index in &file_indexes {
        assert!(
            server_indexes.contains(index),
            "the server lacks the index {index}"
        );
    }
}
