//! Sharing one file: backups and restore, presence, the network-drive guard.

use std::fs;

use crate::common::Kehu;

fn presence_dir(k: &Kehu) -> std::path::PathBuf {
    k.dir.path().join(".kehu.db.presence")
}

/// Pretends a teammate has the database open (a fresh presence file from another host).
fn teammate(k: &Kehu) {
    fs::create_dir_all(presence_dir(k)).unwrap();
    fs::write(
        presence_dir(k).join("otherhost-4242.json"),
        br#"{"user":"wang","host":"otherhost","pid":4242}"#,
    )
    .unwrap();
}

#[test]
fn restore_brings_a_backup_back_and_keeps_what_it_replaced() {
    let k = Kehu::new();
    k.add(&["--name", "Before"]);
    let copy = k.dir.path().join("copy.db");
    k.ok(&["backup", "--out", copy.to_str().unwrap()]);
    k.add(&["--name", "After"]);
    let out = k.ok(&["restore", copy.to_str().unwrap()]);
    assert!(out.contains("kept in"), "{out}");
    let names: Vec<String> = k
        .json(&["customer", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["Before"]);
    let kept = fs::read_dir(k.dir.path().join("backups"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("before-restore"))
        .expect("the replaced data is kept");
    let old = Kehu {
        dir: tempfile::TempDir::new().unwrap(),
        db: kept,
    };
    assert_eq!(
        old.json(&["customer", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

#[test]
fn restore_refuses_while_others_are_in_and_refuses_bad_files() {
    let k = Kehu::new();
    k.add(&["--name", "Live"]);
    let copy = k.dir.path().join("copy.db");
    k.ok(&["backup", "--out", copy.to_str().unwrap()]);
    teammate(&k);
    let err = k.fails(&["restore", copy.to_str().unwrap()]);
    assert!(
        err.contains("wang@otherhost") && err.contains("--force"),
        "{err}"
    );
    k.ok(&["restore", copy.to_str().unwrap(), "--force"]);
    let junk = k.dir.path().join("junk.db");
    fs::write(&junk, vec![7u8; 4096]).unwrap();
    let before = fs::read(&k.db).unwrap();
    assert!(
        k.fails(&["restore", junk.to_str().unwrap(), "--force"])
            .contains("not a SQLite database")
    );
    assert_eq!(fs::read(&k.db).unwrap(), before, "nothing changed");
}

#[test]
fn a_daily_backup_is_made_once_and_old_ones_are_pruned() {
    let k = Kehu::new();
    k.add(&["--name", "Kept"]);
    let dir = k.dir.path().join("backups");
    fs::create_dir_all(&dir).unwrap();
    for day in ["2026-11-18", "2026-11-19", "2026-11-20"] {
        fs::write(dir.join(format!("kehu-auto-{day}.db")), b"old").unwrap();
    }
    k.ok(&["settings", "set", "backup_keep", "2"]);
    k.ok(&["today"]);
    k.ok(&["today"]);
    let mut autos: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("kehu-auto-"))
        .collect();
    autos.sort();
    assert_eq!(
        autos,
        vec!["kehu-auto-2026-11-20.db", "kehu-auto-2026-11-22.db"]
    );
    let today = Kehu {
        dir: tempfile::TempDir::new().unwrap(),
        db: dir.join("kehu-auto-2026-11-22.db"),
    };
    assert_eq!(
        today.json(&["customer", "list", "--json"])[0]["name"],
        "Kept"
    );
}

#[test]
fn presence_files_come_and_go() {
    let k = Kehu::new();
    teammate(&k);
    let others = kehu::store::presence::others(&k.db);
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].user, "wang");
    let me = kehu::store::presence::Presence::announce(&k.db, "tester").expect("announced");
    assert_eq!(fs::read_dir(presence_dir(&k)).unwrap().count(), 2);
    assert_eq!(
        kehu::store::presence::others(&k.db).len(),
        1,
        "this process is not 'others'"
    );
    drop(me);
    assert_eq!(
        fs::read_dir(presence_dir(&k)).unwrap().count(),
        1,
        "removed on exit"
    );
}

#[test]
fn a_database_left_in_wal_mode_is_converted_on_open() {
    let k = Kehu::new();
    k.add(&["--name", "Walter"]);
    {
        let raw = rusqlite::Connection::open(&k.db).unwrap();
        let mode: String = raw
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
    assert_eq!(
        k.json(&["customer", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let raw = rusqlite::Connection::open(&k.db).unwrap();
    let mode: String = raw
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(
        mode, "delete",
        "back to the rollback journal, which is safe on a network drive"
    );
}

#[test]
fn the_user_comes_from_flag_env_config_file_then_login() {
    let k = Kehu::new();
    let conf = k.dir.path().join("config.toml");
    fs::write(&conf, "# kehu\nuser = \"cfg.user\"\n").unwrap();
    let owner_of = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let id = crate::common::id_in(&String::from_utf8_lossy(&out.stdout), "added customer ")
            .to_string();
        k.json(&["customer", "show", &id, "--json"])["owner"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let from_config = k
        .command()
        .env_remove("KEHU_USER")
        .env("KEHU_CONFIG", &conf)
        .args(["customer", "add", "--name", "A"])
        .output()
        .unwrap();
    assert_eq!(owner_of(from_config), "cfg.user");
    let from_env = k
        .command()
        .env("KEHU_USER", "env.user")
        .env("KEHU_CONFIG", &conf)
        .args(["customer", "add", "--name", "B"])
        .output()
        .unwrap();
    assert_eq!(owner_of(from_env), "env.user");
    let from_flag = k
        .command()
        .env("KEHU_USER", "env.user")
        .args(["--user", "flag.user", "customer", "add", "--name", "C"])
        .output()
        .unwrap();
    assert_eq!(owner_of(from_flag), "flag.user");
    let login = k
        .command()
        .env_remove("KEHU_USER")
        .env("KEHU_CONFIG", k.dir.path().join("missing.toml"))
        .env("USER", "login.user")
        .args(["customer", "add", "--name", "D"])
        .output()
        .unwrap();
    assert_eq!(owner_of(login), "login.user");
}

#[test]
fn a_backup_completes_while_another_process_writes() {
    let _one_at_a_time = crate::common::heavy();
    let k = Kehu::new();
    let id = k.add(&["--name", "Busy"]).to_string();
    let lines: String = (0..400)
        .map(|i| format!("log {id} --kind note --summary \"b{i}\"\n"))
        .collect();
    let file = k.dir.path().join("writes.txt");
    fs::write(&file, lines).unwrap();
    let mut writer = crate::common::command_for(&k.db)
        .args(["batch", file.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut copies = 0;
    while writer.try_wait().unwrap().is_none() && copies < 5 {
        let dest = k.dir.path().join(format!("during-{copies}.db"));
        let out = k.ok(&["backup", "--out", dest.to_str().unwrap()]);
        assert!(out.contains("checked"), "{out}");
        let copy = Kehu {
            dir: tempfile::TempDir::new().unwrap(),
            db: dest,
        };
        assert_eq!(copy.ok(&["check"]).lines().last(), Some("ok"));
        copies += 1;
    }
    assert!(writer.wait().unwrap().success());
    assert!(copies > 0, "the writer finished before any backup ran");
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}
