//! Opening rules: upgrades from every older version, refusing foreign and newer files untouched,
//! and two processes opening an old file at once.

use std::process::Stdio;

use kehu::store::migrate::{self, APPLICATION_ID};
use kehu::store::{self, OpenMode, Store, StoreError};
use rusqlite::Connection;

use crate::common::{Kehu, command_for, ctx, file_bytes};

#[test]
fn every_older_version_upgrades_keeping_data() {
    for from in 1..migrate::latest_version() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("old.db");
        Store::create_at_version(&path, from, &ctx("old")).unwrap();
        {
            let raw = Connection::open(&path).unwrap();
            assert_eq!(
                raw.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                    .unwrap(),
                from
            );
            raw.execute(
                "INSERT INTO customer (name, sort_key, created_at, created_by, updated_at, updated_by)
                 VALUES ('Old Timer', 'old timer', '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old')",
                [],
            )
            .unwrap();
        }
        let s = Store::open(&path, OpenMode::Existing, &ctx("new")).unwrap();
        let found = s
            .read(|c| store::customers::list(c, &Default::default()))
            .unwrap();
        assert_eq!(found.len(), 1, "upgrade from {from} kept the customer");
        assert_eq!(found[0].fields.name, "Old Timer");
        drop(s);
        let raw = Connection::open(&path).unwrap();
        let version: i64 = raw
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, migrate::latest_version());
        // Tables of every later step exist now.
        raw.query_row("SELECT count(*) FROM deal", [], |r| r.get::<_, i64>(0))
            .unwrap();
        raw.query_row("SELECT count(*) FROM import_undo", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    }
}

#[test]
fn pragmas_are_set_for_sharing() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("k.db");
    drop(Store::open(&path, OpenMode::Create { shared: false }, &ctx("t")).unwrap());
    let raw = Connection::open(&path).unwrap();
    let mode: String = raw
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    let app: i64 = raw
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    assert_eq!(app, APPLICATION_ID);
}

#[test]
fn a_newer_file_is_refused_and_left_untouched() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("future.db");
    drop(Store::open(&path, OpenMode::Create { shared: false }, &ctx("t")).unwrap());
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let before = file_bytes(&path);
    let err = Store::open(&path, OpenMode::Existing, &ctx("t"))
        .err()
        .expect("refused");
    assert!(
        matches!(err, StoreError::TooNew { found: 99, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer kehu"));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn foreign_files_are_refused_and_left_untouched() {
    let dir = tempfile::TempDir::new().unwrap();
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hi');")
        .unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "this is not a database, just some text that is long enough to have a header".repeat(20),
    )
    .unwrap();
    for (path, expect) in [(&other, "not kehu's"), (&text, "not a SQLite database")] {
        let before = file_bytes(path);
        let err = Store::open(path, OpenMode::Create { shared: false }, &ctx("t"))
            .err()
            .expect("refused");
        assert!(err.to_string().contains(expect), "{err}");
        assert_eq!(&file_bytes(path), &before, "{} was changed", path.display());
    }
}

#[test]
fn file_permissions_are_private_or_shared() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::TempDir::new().unwrap();
        let private = dir.path().join("me").join("kehu.db");
        drop(Store::open(&private, OpenMode::Create { shared: false }, &ctx("t")).unwrap());
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&private), 0o600);
        assert_eq!(mode(private.parent().unwrap()), 0o700);
        let k = Kehu::uninitialised();
        let team = k.dir.path().join("team").join("kehu.db");
        k.ok(&["--db", team.to_str().unwrap(), "init", "--shared"]);
        assert_eq!(mode(&team), 0o660);
        assert_eq!(mode(team.parent().unwrap()) & 0o770, 0o770);
    }
}

#[test]
fn two_processes_opening_an_old_file_migrate_it_once() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 1, &ctx("old")).unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            command_for(&path)
                .args(["customer", "list", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let raw = Connection::open(&path).unwrap();
    let steps: i64 = raw
        .query_row(
            "SELECT count(*) FROM change_log WHERE action = 'migrate' AND row_id = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(steps, 1, "step 2 was applied exactly once");
}

#[test]
fn upgrading_to_pinyin_sort_keys_reorders_chinese_names() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 4, &ctx("old")).unwrap();
    {
        let raw = Connection::open(&path).unwrap();
        // Version 4 sorted by the lower-cased name: 张 (U+5F20) before 王 (U+738B).
        for name in ["张伟", "王芳", "Alice", "单田芳"] {
            raw.execute(
                "INSERT INTO customer (name, sort_key, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, lower(?1), '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old')",
                [name],
            )
            .unwrap();
        }
    }
    let s = Store::open(&path, OpenMode::Existing, &ctx("new")).unwrap();
    let names: Vec<String> = s
        .read(|c| store::customers::list(c, &Default::default()))
        .unwrap()
        .into_iter()
        .map(|c| c.fields.name)
        .collect();
    assert_eq!(
        names,
        vec!["Alice", "单田芳", "王芳", "张伟"],
        "单 as the surname Shan"
    );
}

/// Upgrading to version 9: the ticket steps kehu wrote before are no longer contact, so a
/// customer only "answered" in writing is again due for a call; a real call still counts.
#[test]
fn ticket_steps_written_before_version_9_stop_counting_as_contact() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 8, &ctx("old")).unwrap();
    {
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch(
            "INSERT INTO customer (id, name, sort_key, created_at, created_by, updated_at, updated_by, last_contact_at)
               VALUES (1, 'Wrote Only', 'wrote only', '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old', '2025-03-01T00:00:00.000Z'),
                      (2, 'Was Called', 'was called', '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old', '2025-03-02T00:00:00.000Z');
             INSERT INTO interaction (customer_id, at, kind, summary, details, created_at, created_by, updated_at, updated_by) VALUES
               (1, '2025-03-01T00:00:00.000Z', 'note', 'Responded to complaint #1: emailed', 'complaint: late', '2025-03-01T00:00:00.000Z', 'old', '2025-03-01T00:00:00.000Z', 'old'),
               (2, '2025-02-01T00:00:00.000Z', 'call', 'Responded to the offer', NULL, '2025-02-01T00:00:00.000Z', 'old', '2025-02-01T00:00:00.000Z', 'old'),
               (2, '2025-03-02T00:00:00.000Z', 'note', 'Closed complaint #2: done', 'complaint: x', '2025-03-02T00:00:00.000Z', 'old', '2025-03-02T00:00:00.000Z', 'old');",
        )
        .unwrap();
    }
    drop(Store::open(&path, OpenMode::Existing, &ctx("new")).unwrap());
    let raw = Connection::open(&path).unwrap();
    let last = |id: i64| -> Option<String> {
        raw.query_row(
            "SELECT last_contact_at FROM customer WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(last(1), None, "only a written answer");
    assert_eq!(
        last(2).as_deref(),
        Some("2025-02-01T00:00:00.000Z"),
        "the call"
    );
    let kept: i64 = raw
        .query_row("SELECT count(*) FROM interaction", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 3, "every step stays on the timeline");
}

/// Upgrading to version 16: an industry kept as a custom field (an older import of a column
/// headed 行业 or Industry) moves to the industry field; other custom fields stay.
#[test]
fn an_industry_kept_as_a_custom_field_moves_to_the_field() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 15, &ctx("old")).unwrap();
    {
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch(
            r#"INSERT INTO customer (id, name, sort_key, custom_fields, created_at, created_by, updated_at, updated_by) VALUES
               (1, 'A', 'a', '{"行业":" 制造业 ","喜好":"茶"}', '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old'),
               (2, 'B', 'b', '{"Industry":"Retail"}', '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old'),
               (3, 'C', 'c', '{"行业":""}', '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old'),
               (4, 'D', 'd', '{}', '2025-01-01T00:00:00.000Z', 'old', '2025-01-01T00:00:00.000Z', 'old');"#,
        )
        .unwrap();
    }
    drop(Store::open(&path, OpenMode::Existing, &ctx("new")).unwrap());
    let raw = Connection::open(&path).unwrap();
    let row = |id: i64| -> (Option<String>, String) {
        raw.query_row(
            "SELECT industry, custom_fields FROM customer WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    assert_eq!(row(1), (Some("制造业".into()), r#"{"喜好":"茶"}"#.into()));
    assert_eq!(row(2), (Some("Retail".into()), "{}".into()));
    assert_eq!(row(3), (None, "{}".into()));
    assert_eq!(row(4), (None, "{}".into()));
}
