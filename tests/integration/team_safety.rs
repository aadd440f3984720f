//! What a team sharing one file relies on besides locking: tag edits that never vanish, scripts
//! that can read-modify-write, backups every member can use, a damaged file that is never written
//! and can be replaced, ids that are never reused, and no escape sequence in or out.

use std::path::Path;

use crate::common::{Kehu, command_for};

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Two people adding different tags to one customer at the same moment: both tags stay, every
/// time (the command line applies its change to the record as it is when it writes).
#[test]
fn racing_tag_edits_keep_both_tags() {
    let k = Kehu::new();
    for round in 0..15 {
        let id = k.add(&["--name", &format!("Shared {round}")]).to_string();
        let a = command_for(&k.db)
            .args(["customer", "edit", &id, "--tag", "alpha"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let b = command_for(&k.db)
            .args(["customer", "edit", &id, "--tag", "beta"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        assert!(a.wait_with_output().unwrap().status.success());
        assert!(b.wait_with_output().unwrap().status.success());
        let shown = k.json(&["customer", "show", &id, "--json"]);
        assert_eq!(
            shown["tags"],
            serde_json::json!(["alpha", "beta"]),
            "round {round}"
        );
    }
}

/// A tag change moves the version on, so a script holding the old version is refused, as for any
/// field, and `--if-version` works on every edit.
#[test]
fn if_version_refuses_an_edit_of_a_record_that_moved_on() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Versioned"]).to_string();
    let v = k.json(&["customer", "show", &id, "--json"])["version"]
        .as_i64()
        .unwrap();
    k.ok(&["customer", "edit", &id, "--tag", "vip-club"]);
    let err = k.fails(&[
        "customer",
        "edit",
        &id,
        "--tag",
        "other",
        "--if-version",
        &v.to_string(),
    ]);
    assert!(err.contains("was changed by"), "{err}");
    let now = v + 1;
    k.ok(&[
        "customer",
        "edit",
        &id,
        "--city",
        "上海",
        "--if-version",
        &now.to_string(),
    ]);
    assert_eq!(
        k.json(&["customer", "show", &id, "--json"])["tags"],
        serde_json::json!(["vip-club"])
    );
    // The same for a timeline entry, a purchase and a contact person.
    k.ok(&["log", &id, "--summary", "first"]);
    let entry = k.json(&["interaction", "list", &id, "--json"])[0].clone();
    let (eid, ev) = (entry["id"].to_string(), entry["version"].as_i64().unwrap());
    k.ok(&["interaction", "edit", &eid, "--summary", "second"]);
    let err = k.fails(&[
        "interaction",
        "edit",
        &eid,
        "--summary",
        "third",
        "--if-version",
        &ev.to_string(),
    ]);
    assert!(err.contains("was changed by"), "{err}");
    k.ok(&["purchase", "add", &id, "--amount", "100"]);
    let p = k.json(&["purchase", "list", &id, "--json"])[0].clone();
    let err = k.fails(&[
        "purchase",
        "edit",
        &p["id"].to_string(),
        "--amount",
        "5",
        "--if-version",
        &(p["version"].as_i64().unwrap() + 7).to_string(),
    ]);
    assert!(err.contains("was changed by"), "{err}");
    k.ok(&["contact", "add", &id, "--name", "Li Lei"]);
    let c = k.json(&["contact", "list", &id, "--json"])[0].clone();
    k.ok(&[
        "contact",
        "edit",
        &c["id"].to_string(),
        "--title",
        "Buyer",
        "--if-version",
        &c["version"].to_string(),
    ]);
}

#[cfg(unix)]
#[test]
fn a_shared_database_gives_the_team_its_backups() {
    if crate::common::file_only("a_shared_database_gives_the_team_its_backups") {
        return;
    }
    let k = Kehu::uninitialised();
    // A team folder that already exists with private modes: init --shared fixes it.
    std::fs::create_dir_all(k.dir.path().join("backups")).unwrap();
    crate::common::set_mode(&k.dir.path().join("backups"), 0o700);
    k.ok(&["init", "--shared"]);
    assert_eq!(mode(&k.db), 0o660);
    assert_eq!(mode(&k.dir.path().join("backups")), 0o2770);
    let out = k.ok(&["backup"]);
    let path = out.trim().rsplit(": ").next().unwrap().to_string();
    assert_eq!(mode(Path::new(&path)), 0o660, "{path}");
    k.ok(&["today"]);
    for entry in std::fs::read_dir(k.dir.path().join("backups")).unwrap() {
        let p = entry.unwrap().path();
        assert_eq!(mode(&p), 0o660, "{p:?}");
    }
    let listed = k.ok(&["backup", "--list"]);
    assert!(listed.contains("kehu-auto-"), "{listed}");
    // A private database keeps private backups.
    let private = Kehu::new();
    let out = private.ok(&["backup"]);
    let path = out.trim().rsplit(": ").next().unwrap().to_string();
    assert_eq!(mode(Path::new(&path)), 0o600);
}

/// The daily backup failing (here: its folder is a file) never fails the command that made it.
#[test]
fn a_failed_daily_backup_warns_and_the_command_goes_on() {
    if crate::common::file_only("a_failed_daily_backup_warns_and_the_command_goes_on") {
        return;
    }
    let k = Kehu::new();
    std::fs::write(k.dir.path().join("backups"), "not a folder").unwrap();
    let out = k.run(&["today", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("automatic backup failed"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "said once: {err}");
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("today still printed");
}

/// A backup killed half-way leaves its temporary copy; the next backup removes it, and it is
/// never listed as a backup.
#[test]
fn a_killed_backups_temporary_file_is_swept_by_the_next() {
    if crate::common::file_only("a_killed_backups_temporary_file_is_swept_by_the_next") {
        return;
    }
    let k = Kehu::new();
    k.add(&["--name", "Kept"]);
    let backups = k.dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let (host, dead) = (crate::common::host_name(), crate::common::dead_pid());
    let left = backups.join(format!(".kehu-backup-{host}-{dead}-AbC123"));
    std::fs::write(&left, vec![7u8; 4096]).unwrap();
    assert!(!k.ok(&["backup", "--list"]).contains(".kehu-backup"));
    k.ok(&["backup"]);
    assert!(!left.exists(), "the abandoned temporary copy was removed");
}

/// A damaged database: `check` marks it, every write is refused with the way out, and
/// `restore --force` moves it aside unchanged and puts a backup in its place.
#[test]
fn a_damaged_database_is_never_written_and_restore_force_replaces_it() {
    if crate::common::file_only("a_damaged_database_is_never_written_and_restore_force_replaces_it")
    {
        return;
    }
    let k = Kehu::new();
    for i in 0..200 {
        k.add(&["--name", &format!("Customer {i}"), "--city", "杭州"]);
    }
    let good = k.dir.path().join("good.db");
    k.ok(&["backup", "--out", good.to_str().unwrap()]);
    // Damage pages in the middle of the file.
    let mut bytes = std::fs::read(&k.db).unwrap();
    let start = bytes.len() / 2;
    for b in &mut bytes[start..start + 8192] {
        *b = 0xA5;
    }
    std::fs::write(&k.db, &bytes).unwrap();
    let out = k.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = k.fails(&["customer", "add", "--name", "Lost?"]);
    assert!(
        err.contains("failed its integrity check") && err.contains("kehu restore"),
        "{err}"
    );
    assert_eq!(std::fs::read(&k.db).unwrap(), bytes, "nothing was written");
    let err = k.fails(&["restore", good.to_str().unwrap()]);
    assert!(err.contains("--force"), "{err}");
    let out = k.ok(&["restore", good.to_str().unwrap(), "--force"]);
    let aside = out.trim().rsplit(' ').next().unwrap().to_string();
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        bytes,
        "moved aside byte for byte: {out}"
    );
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
    k.ok(&["customer", "add", "--name", "After"]);
    assert_eq!(
        k.json(&["customer", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        201
    );
}

/// Ids are never reused: not after an erase, not after a merge.
#[test]
fn ids_of_erased_and_merged_customers_are_never_given_again() {
    let k = Kehu::new();
    let a = k.add(&["--name", "A"]);
    let b = k.add(&["--name", "B"]);
    k.ok(&["customer", "erase", &b.to_string(), "--yes"]);
    let c = k.add(&["--name", "C"]);
    assert!(c > b, "{c} after erased {b}");
    k.ok(&["customer", "merge", &a.to_string(), &c.to_string()]);
    let d = k.add(&["--name", "D"]);
    assert!(d > c, "{d} after merged {c}");
    k.ok(&["log", &a.to_string(), "--summary", "one"]);
    let first = k.json(&["interaction", "list", &a.to_string(), "--json"])[0]["id"]
        .as_i64()
        .unwrap();
    k.ok(&["interaction", "delete", &first.to_string()]);
    k.ok(&["log", &a.to_string(), "--summary", "two"]);
    let second = k.json(&["interaction", "list", &a.to_string(), "--json"])[0]["id"]
        .as_i64()
        .unwrap();
    assert!(second > first);
    // A book moved through export json → import json keeps them unused too (D, the highest,
    // erased before the export).
    k.ok(&["customer", "erase", &d.to_string(), "--yes"]);
    let file = k.dir.path().join("book.json");
    k.ok(&["export", "json", "--out", file.to_str().unwrap()]);
    let copy = Kehu::new();
    copy.ok(&["import", "json", file.to_str().unwrap()]);
    let e = copy.add(&["--name", "E"]);
    assert!(e > d, "{e} after {d} in the moved book");
}

/// Escape sequences in a JSON file never reach the database; an export shown on a terminal
/// writes control characters out instead of running them.
#[test]
fn import_json_cleans_control_characters() {
    if crate::common::file_only("import_json_cleans_control_characters") {
        return;
    }
    let k = Kehu::new();
    k.add(&["--name", "Plain"]);
    let file = k.dir.path().join("book.json");
    k.ok(&["export", "json", "--out", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"Plain\"", "\"\\u001b]2;PWNED\\u0007\\u001b[2JPlain\"");
    std::fs::write(&file, text).unwrap();
    let fresh = Kehu::new();
    fresh.ok(&["import", "json", file.to_str().unwrap()]);
    let conn = rusqlite::Connection::open(&fresh.db).unwrap();
    let name: String = conn
        .query_row("SELECT name FROM customer", [], |r| r.get(0))
        .unwrap();
    assert!(
        !name.contains('\u{1b}') && !name.contains('\u{7}'),
        "{name:?}"
    );
    assert!(name.ends_with("Plain"), "{name:?}");
}
