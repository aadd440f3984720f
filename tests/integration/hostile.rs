//! Hostile input, generated: every command and option of the real binary fed control bytes,
//! invalid UTF-8, huge numbers and strings, far dates, bad amounts, and corrupt or truncated
//! databases and files. Nothing may panic (exit 101) and a refused command may not change the
//! database.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::common::{Kehu, command_for};

/// Values that have broken programs like this one.
fn hostile_values(dir: &Path) -> Vec<OsString> {
    let mut v: Vec<OsString> = [
        "",
        " ",
        "\u{1b}]2;PWNED\u{7}\u{1b}[2J",
        "\u{202e}evil",
        "-1",
        "0",
        "99999999999999999999",
        "-99999999999999999999",
        "1e20",
        "NaN",
        "inf",
        "+99999999d",
        "-99999999d",
        "+4294967295m",
        "+999999y",
        "9999-12-31",
        "10000-01-01",
        "0000-00-00",
        "2026-02-30",
        "¥-0.001",
        "92233720368547758.07",
        "1,2,3,4",
        "%s%n%x",
        "'; DROP TABLE customer; --",
        "a=b=c",
        "field:",
        "=",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    v.push(OsString::from("x".repeat(100_000)));
    v.push(OsString::from("张".repeat(5_000)));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        v.push(OsString::from_vec(vec![0xff, 0xfe, b'a']));
        v.push(OsString::from_vec(b"\xe5\xbc".to_vec()));
    }
    for (name, bytes) in hostile_files() {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write hostile file");
        v.push(path.into_os_string());
    }
    v
}

/// Files a user might hand kehu by mistake or malice.
fn hostile_files() -> Vec<(&'static str, Vec<u8>)> {
    let mut sqlite_header = b"SQLite format 3\0".to_vec();
    sqlite_header.extend(std::iter::repeat_n(0xAB, 2000));
    vec![
        ("truncated.db", sqlite_header),
        ("empty.db", Vec::new()),
        ("garbage.csv", vec![0xff, 0x00, 0x1b, b'\n', b',', b'"', 0xfe]),
        ("unterminated.csv", b"name,phone\n\"Zhang,138\n".to_vec()),
        ("truncated.json", br#"{"format":"kehu-export","version":2,"customers":[{"id":1,"name":"#.to_vec()),
        ("wrong.json", br#"{"format":"kehu-export","version":2,"customers":[{"id":"x","name":5}]}"#.to_vec()),
        ("escape.json", "{\"format\":\"kehu-export\",\"version\":2,\"customers\":[{\"id\":1,\"name\":\"\\u001b[2J\",\"amount\":1e400}]}".as_bytes().to_vec()),
    ]
}

/// Every leaf command of the CLI as its words (`["customer", "edit"]`) and its arguments.
fn leaf_commands() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
        let subs: Vec<&clap::Command> = cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push((path, cmd.clone()));
            return;
        }
        for s in subs {
            let mut p = path.clone();
            p.push(s.get_name().to_string());
            walk(s, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&kehu::cli::command(), Vec::new(), &mut out);
    out
}

/// A small deterministic generator, so a failure names a case that can be run again.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
}

/// One generated command line: for each positional an id or a hostile value, plus one option
/// given a hostile value (or every option at once, in some cases).
fn cases(values: &[OsString], count: usize) -> Vec<Vec<OsString>> {
    let commands = leaf_commands();
    let mut rng = Lcg(0x6b65_6875);
    let mut out = Vec::new();
    while out.len() < count {
        let (words, cmd) = &commands[rng.next() % commands.len()];
        // Restoring or re-initialising replaces the book the other cases run on.
        if matches!(words.first().map(String::as_str), Some("restore" | "init")) {
            continue;
        }
        let mut args: Vec<OsString> = words.iter().map(OsString::from).collect();
        let options: Vec<&clap::Arg> = cmd
            .get_arguments()
            .filter(|a| a.get_long().is_some() && !a.is_global_set())
            .filter(|a| !matches!(a.get_id().as_str(), "help" | "version" | "yes"))
            .collect();
        for _positional in cmd.get_positionals() {
            if rng.next().is_multiple_of(3) {
                args.push(values[rng.next() % values.len()].clone());
            } else {
                args.push(OsString::from(format!("{}", 1 + rng.next() % 5)));
            }
        }
        let all = rng.next().is_multiple_of(5);
        for o in &options {
            if !all && !rng.next().is_multiple_of(options.len().max(1)) {
                continue;
            }
            let mut flag = OsString::from("--");
            flag.push(o.get_long().unwrap_or_default());
            let takes_value = o.get_num_args().is_none_or(|n| n.takes_values());
            if takes_value {
                flag.push("=");
                flag.push(&values[rng.next() % values.len()]);
            }
            args.push(flag);
        }
        out.push(args);
    }
    out
}

fn describe(args: &[OsString]) -> String {
    args.iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if s.chars().count() > 40 {
                format!(
                    "{}…({} chars)",
                    s.chars().take(40).collect::<String>(),
                    s.len()
                )
            } else {
                s.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn twelve_hundred_hostile_command_lines_never_panic_or_write_half() {
    if crate::common::file_only("twelve_hundred_hostile_command_lines_never_panic_or_write_half") {
        return;
    }
    let _one_at_a_time = crate::common::heavy();
    let k = Kehu::uninitialised();
    k.ok(&["init", "--demo"]);
    k.ok(&["today"]);
    let files = k.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let values = hostile_values(&files);
    let mut panics = Vec::new();
    let mut partial = Vec::new();
    let mut by_status = std::collections::BTreeMap::new();
    for args in cases(&values, 1200) {
        let before = std::fs::read(&k.db).unwrap();
        // In the test's own folder: a hostile value taken as an output file name lands there,
        // not in the working copy.
        let out = command_for(&k.db)
            .current_dir(k.dir.path())
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run kehu");
        let err = String::from_utf8_lossy(&out.stderr);
        *by_status.entry(out.status.code()).or_insert(0) += 1;
        if out.status.code() == Some(101)
            || err.contains("internal error")
            || err.contains("panicked")
        {
            panics.push(format!("{} → {}", describe(&args), err.trim()));
        }
        // A refused command writes nothing (a batch that keeps going saves its good lines by
        // design and says so).
        let batch = args.first().is_some_and(|a| a == "batch");
        if !out.status.success() && !batch && std::fs::read(&k.db).unwrap() != before {
            partial.push(format!("{} → {}", describe(&args), err.trim()));
        }
    }
    // The cases must reach kehu's own checks, not only clap's: many refused by kehu (1), some
    // accepted (0).
    eprintln!("hostile cases by exit status: {by_status:?}");
    assert!(
        by_status.get(&Some(1)).copied().unwrap_or(0) >= 200,
        "{by_status:?}"
    );
    assert!(
        by_status.get(&Some(0)).copied().unwrap_or(0) >= 50,
        "{by_status:?}"
    );
    assert!(
        panics.is_empty(),
        "{} panics, e.g.:\n{}",
        panics.len(),
        panics
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        partial.is_empty(),
        "{} refused commands changed the database, e.g.:\n{}",
        partial.len(),
        partial
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

/// Corrupt, truncated and foreign files given as the database itself: refused with a clear
/// message, never a panic, and never changed.
#[test]
fn hostile_database_files_are_refused_untouched() {
    let k = Kehu::uninitialised();
    let files = k.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let mut dbs: Vec<PathBuf> = hostile_files()
        .into_iter()
        .map(|(name, bytes)| {
            let p = files.join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect();
    dbs.push(files.clone());
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        dbs.push(files.join(OsString::from_vec(vec![0xff, b'x', b'.', b'd', b'b'])));
    }
    let mut n = 0;
    for db in &dbs {
        for args in [
            vec!["customer", "list"],
            vec!["customer", "add", "--name", "X"],
            vec!["check"],
            vec!["today", "--json"],
            vec!["report"],
            vec!["export", "json"],
            vec!["backup"],
        ] {
            n += 1;
            let before = std::fs::read(db).ok();
            let out = command_for(db)
                .current_dir(db.parent().unwrap_or(std::path::Path::new(".")))
                .args(&args)
                .output()
                .expect("run kehu");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(101), "{db:?} {args:?}: {err}");
            assert!(!err.contains("panicked"), "{db:?} {args:?}: {err}");
            assert_eq!(
                std::fs::read(db).ok(),
                before,
                "{db:?} {args:?} changed the file"
            );
        }
    }
    assert!(n >= 50);
}
