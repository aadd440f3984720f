//! The command line when things go wrong: bad values, usage errors, broken or locked databases,
//! hostile stored text, closed pipes, no terminal.

use std::io::Write;
use std::process::Stdio;

use crate::common::{Kehu, assert_clean_error};

#[test]
fn bad_values_fail_clearly_and_write_nothing() {
    if crate::common::file_only("bad_values_fail_clearly_and_write_nothing") {
        return;
    }
    let k = Kehu::new();
    let id = k.add(&["--name", "Jill"]).to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["customer", "add", "--name", "  "],
            "name: must not be empty",
        ),
        (
            &["customer", "add", "--name", &"x".repeat(201)],
            "name: is 201 characters",
        ),
        (
            &["customer", "add", "--name", "A", "--tier", "gold"],
            "tier: 'gold' is not one of: vip, regular, potential",
        ),
        (
            &["customer", "add", "--name", "A", "--email", "nope"],
            "email",
        ),
        (
            &["customer", "add", "--name", "A", "--phone", "12"],
            "phone: '12' has too few digits",
        ),
        (
            &["customer", "add", "--name", "A", "--phone", "call me"],
            "phone",
        ),
        (
            &["customer", "add", "--name", "A", "--birthday", "2026-02-30"],
            "birthday",
        ),
        (
            &["customer", "add", "--name", "A", "--birthday", "+3d"],
            "future",
        ),
        (
            &["customer", "add", "--name", "A", "--cadence", "0"],
            "cadence",
        ),
        (
            &["customer", "add", "--name", "A", "--field", "novalue"],
            "KEY=VALUE",
        ),
        (
            &["customer", "add", "--name", "A", "--stage", "won"],
            "stage",
        ),
        (
            &["customer", "edit", &id, "--clear", "name"],
            "cannot be cleared",
        ),
        (&["purchase", "add", &id, "--amount", "12.345"], "amount"),
        (&["purchase", "add", &id, "--amount", "abc"], "amount"),
        (
            &["log", &id, "--kind", "fax", "--summary", "x"],
            "kind: 'fax' is not one of",
        ),
        (
            &["log", &id, "--summary", "   "],
            "summary: must not be empty",
        ),
        (
            &["log", &id, "--summary", "x", "--at", "last tuesday"],
            "at",
        ),
        (&["todo", "add", "--title", "x", "--due", "soon"], "due"),
        (
            &[
                "todo", "add", "--title", "x", "--every", "weekly", "--due", "today",
            ],
            "every",
        ),
        (
            &["todo", "add", "--title", "x", "--every", "1w"],
            "needs a --due",
        ),
        (
            &["todo", "add", "--title", "x", "--priority", "urgent"],
            "priority",
        ),
        (&["todo", "add", "--title", "x", "--time", "25:00"], "time"),
        (&["todo", "snooze", "1", "--until", "later"], "until"),
        (&["customer", "show", "999"], "no customer with id 999"),
        (
            &["customer", "edit", "999", "--city", "x"],
            "no customer with id 999",
        ),
        (&["log", "999", "--summary", "x"], "no customer with id 999"),
        (&["todo", "done", "999"], "no to-do with id 999"),
        (
            &["interaction", "delete", "999"],
            "no interaction with id 999",
        ),
        (
            &["purchase", "edit", "999", "--amount", "1"],
            "no purchase with id 999",
        ),
        (
            &["contact", "add", "999", "--name", "x"],
            "no customer with id 999",
        ),
        (&["history", "999"], "no customer with id 999"),
        (&["--user", " ", "customer", "list"], "user"),
    ];
    let before = std::fs::read(&k.db).unwrap();
    for (args, expect) in cases {
        let err = k.fails(args);
        assert!(
            err.contains(expect),
            "kehu {args:?}: expected '{expect}' in: {err}"
        );
    }
    assert_eq!(
        std::fs::read(&k.db).unwrap(),
        before,
        "a refused command changed the file"
    );
}

#[test]
fn usage_errors_exit_2() {
    let k = Kehu::new();
    for args in [
        &["customer", "frobnicate"][..],
        &["customer", "show", "abc"],
        &["log", "1", "--due", "today", "--summary", "x"],
    ] {
        let out = k.run(args);
        assert_eq!(out.status.code(), Some(2), "kehu {args:?}");
    }
    let help = k.ok(&["--help"]);
    assert!(
        help.contains("customer") && help.contains("KEHU_DB"),
        "{help}"
    );
}

#[test]
fn database_problems_fail_clearly() {
    if crate::common::file_only("database_problems_fail_clearly") {
        return;
    }
    let k = Kehu::uninitialised();
    let err = k.fails(&["customer", "list"]);
    assert!(
        err.contains("no database at") && err.contains("kehu init"),
        "{err}"
    );
    assert!(!k.db.exists(), "a read must not create the file");

    std::fs::write(
        &k.db,
        b"PK\x03\x04 definitely a zip file, not SQLite, padded to be long enough......",
    )
    .unwrap();
    let before = std::fs::read(&k.db).unwrap();
    assert!(
        k.fails(&["customer", "list"])
            .contains("not a SQLite database")
    );
    assert!(
        k.fails(&["customer", "add", "--name", "x"])
            .contains("not a SQLite database")
    );
    assert_eq!(std::fs::read(&k.db).unwrap(), before);

    std::fs::remove_file(&k.db).unwrap();
    rusqlite::Connection::open(&k.db)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = std::fs::read(&k.db).unwrap();
    assert!(k.fails(&["customer", "list"]).contains("not kehu's"));
    assert!(k.fails(&["init"]).contains("not kehu's"));
    assert_eq!(std::fs::read(&k.db).unwrap(), before);

    let dir_as_db = Kehu {
        dir: tempfile::TempDir::new().unwrap(),
        db: std::env::temp_dir(),
    };
    assert!(dir_as_db.fails(&["customer", "list"]).contains("folder"));

    #[cfg(unix)]
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        let k = Kehu::new();
        std::fs::set_permissions(&k.db, std::fs::Permissions::from_mode(0o000)).unwrap();
        let err = k.fails(&["customer", "list"]);
        assert!(
            err.contains("cannot be opened") || err.contains("permission"),
            "{err}"
        );
    }
}

#[cfg(unix)]
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

#[test]
fn a_locked_database_fails_after_the_budget_and_writes_nothing() {
    if crate::common::file_only("a_locked_database_fails_after_the_budget_and_writes_nothing") {
        return;
    }
    let k = Kehu::new();
    let holder = rusqlite::Connection::open(&k.db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = k
        .command()
        .env("KEHU_BUSY_SECONDS", "0.3")
        .args(["customer", "add", "--name", "Blocked"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_clean_error(&err);
    assert!(
        err.contains("waiting 0.3 s") && err.contains("nothing was written"),
        "{err}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(
        k.json(&["customer", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn stored_control_characters_never_reach_the_terminal() {
    if crate::common::file_only("stored_control_characters_never_reach_the_terminal") {
        return;
    }
    let k = Kehu::new();
    let id = k
        .add(&[
            "--name",
            "Evil\u{1b}]0;pwned\u{7}Name",
            "--city",
            "a\u{1b}[2Jb",
        ])
        .to_string();
    // Also a row written by another tool, bypassing kehu's input cleaning.
    rusqlite::Connection::open(&k.db)
        .unwrap()
        .execute(
            "UPDATE customer SET company = 'Co' || char(27) || '[31mRed' WHERE id = ?1",
            [&id],
        )
        .unwrap();
    for args in [
        &["customer", "list"][..],
        &["customer", "show", &id],
        &["customer", "list", "--json"],
        &["history", &id],
    ] {
        let out = k.ok(args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "kehu {args:?} printed a control character: {out:?}"
        );
    }
    let shown = k.json(&["customer", "show", &id, "--json"]);
    assert_eq!(shown["name"], "Evil]0;pwnedName", "cleaned when stored");
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let k = Kehu::uninitialised();
    k.ok(&["init", "--demo"]);
    let mut child = k
        .command()
        .args(["customer", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn plain_kehu_explains_and_shows_help() {
    let k = Kehu::new();
    let mut child = k
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Usage") && text.contains("--demo"), "{text}");
}

/// A PostgreSQL address given as the database is refused by name, wherever it comes from, and
/// never taken for a path (it used to make a folder `postgresql:` with a SQLite file in it).
#[test]
fn a_server_address_is_not_taken_for_a_file() {
    let dir = tempfile::TempDir::new().unwrap();
    for (how, url, says) in [
        (
            "flag",
            "postgresql://me@127.0.0.1:1/crm?sslmode=disable",
            "cannot reach the database server",
        ),
        (
            "env",
            "postgres://me@127.0.0.1:1/crm",
            "cannot reach the database server",
        ),
        (
            "no slashes",
            "postgresql:crm",
            "neither a file nor a server address",
        ),
    ] {
        let mut cmd = crate::common::command_for(&dir.path().join("unused.db"));
        cmd.current_dir(dir.path());
        match how {
            "env" => cmd.env("KEHU_DB", url).args(["customer", "list"]),
            _ => cmd.args(["--db", url, "init"]),
        };
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{how}: {err}");
        assert_clean_error(&err);
        assert!(err.contains(says), "{how}: {err}");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "{how}: nothing is created"
        );
    }
}
