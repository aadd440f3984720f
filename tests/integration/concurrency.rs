//! Several real processes writing to one database file at once.

use std::thread;

use crate::common::{Kehu, command_for};

#[test]
fn four_writers_each_logging_a_hundred_interactions_lose_nothing() {
    let _one_at_a_time = crate::common::heavy();
    let k = Kehu::new();
    let id = k.add(&["--name", "Busy Customer"]).to_string();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = k.db.clone();
            let id = id.clone();
            thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..100 {
                    let out = command_for(&db)
                        .env("KEHU_USER", format!("writer{w}"))
                        .args([
                            "log",
                            &id,
                            "--kind",
                            "note",
                            "--summary",
                            &format!("w{w} n{i}"),
                        ])
                        .output()
                        .expect("run kehu");
                    if !out.status.success() {
                        failures.push(String::from_utf8_lossy(&out.stderr).to_string());
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = writers
        .into_iter()
        .flat_map(|w| w.join().expect("writer thread"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} writes failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );

    let entries = k.json(&["interaction", "list", &id, "--limit", "1000", "--json"]);
    let mut summaries: Vec<String> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap().to_string())
        .collect();
    summaries.sort();
    let mut expected: Vec<String> = (0..4)
        .flat_map(|w| (0..100).map(move |i| format!("w{w} n{i}")))
        .collect();
    expected.sort();
    assert_eq!(
        summaries, expected,
        "every acknowledged write is present exactly once"
    );
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

/// Eight processes on a file, sixteen on a server, each running 250 mixed writes (interaction
/// logs, customer edits, to-do completions) through `kehu batch` on one book at once.
#[test]
fn many_processes_of_250_mixed_writes_keep_every_acknowledged_write() {
    let _one_at_a_time = crate::common::heavy();
    let writers = if crate::common::on_server() { 16 } else { 8 };
    let k = Kehu::new();
    let dir = k.dir.path().to_path_buf();
    // Each writer gets its own customer and the to-dos it will complete (ids are predictable in a
    // fresh database: customer w+1, to-dos after them).
    let mut setup = String::new();
    for w in 0..writers {
        setup.push_str(&format!("customer add --name \"Writer {w}\"\n"));
    }
    for w in 0..writers {
        for t in 0..84 {
            setup.push_str(&format!(
                "todo add {} --title \"w{w} t{t}\" --due today\n",
                w + 1
            ));
        }
    }
    std::fs::write(dir.join("setup.txt"), setup).unwrap();
    k.ok(&["batch", "--atomic", dir.join("setup.txt").to_str().unwrap()]);
    let todo_id = |w: usize, t: usize| 1 + w * 84 + t;

    let running: Vec<_> = (0..writers)
        .map(|w| {
            let mut lines = String::new();
            for i in 0..250 {
                lines.push_str(&match i % 3 {
                    0 => format!("log {} --kind note --summary \"w{w} i{i}\"\n", w + 1),
                    1 => format!("customer edit {} --field k{i}=v{i}\n", w + 1),
                    _ => format!("todo done {}\n", todo_id(w, i / 3)),
                });
            }
            let file = dir.join(format!("w{w}.txt"));
            std::fs::write(&file, lines).unwrap();
            command_for(&k.db)
                .env("KEHU_USER", format!("writer{w}"))
                .env("KEHU_BUSY_SECONDS", "60")
                .args(["batch", file.to_str().unwrap()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn kehu")
        })
        .collect();
    let outputs: Vec<_> = running
        .into_iter()
        .map(|c| c.wait_with_output().expect("writer"))
        .collect();
    for (w, out) in outputs.iter().enumerate() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("locked") && !err.contains("busy"),
            "writer {w}: {err}"
        );
        assert!(out.status.success(), "writer {w} failed: {err}");
        let acks = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("ok "))
            .count();
        assert_eq!(acks, 250, "writer {w} acknowledged every write");
    }
    for w in 0..writers {
        let id = (w + 1).to_string();
        let shown = k.json(&["customer", "show", &id, "--json"]);
        let fields = shown["custom_fields"].as_object().unwrap();
        let logs = k.json(&["interaction", "list", &id, "--limit", "1000", "--json"]);
        let summaries: Vec<&str> = logs
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["summary"].as_str().unwrap())
            .collect();
        let logged: Vec<&&str> = summaries
            .iter()
            .filter(|s| s.starts_with(&format!("w{w} i")))
            .collect();
        let distinct: std::collections::HashSet<&&&str> = logged.iter().collect();
        assert_eq!(logged.len(), 84, "writer {w}'s 84 logs, none twice");
        assert_eq!(distinct.len(), 84, "writer {w}'s logs are distinct");
        for i in 0..250 {
            match i % 3 {
                0 => assert!(
                    summaries.contains(&format!("w{w} i{i}").as_str()),
                    "writer {w} log {i} missing"
                ),
                1 => assert_eq!(
                    fields.get(&format!("k{i}")).and_then(|v| v.as_str()),
                    Some(format!("v{i}").as_str()),
                    "writer {w} edit {i}"
                ),
                _ => {}
            }
        }
    }
    let open = k.json(&["todo", "list", "--json"]);
    let still_open: Vec<String> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect();
    for w in 0..writers {
        for t in 0..83 {
            assert!(
                !still_open.contains(&format!("w{w} t{t}")),
                "writer {w}'s to-do {t} was completed"
            );
        }
    }
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

/// Eight processes edit one customer at once, each sure of the version it read: one edit is
/// saved, the seven others are refused as conflicts and change nothing — on a file and on a
/// server alike.
#[test]
fn racing_edits_of_one_version_save_one_and_refuse_the_rest() {
    let _one_at_a_time = crate::common::heavy();
    let k = Kehu::new();
    let id = k.add(&["--name", "Contested"]).to_string();
    let version = k.json(&["customer", "show", &id, "--json"])["version"]
        .as_i64()
        .expect("a version")
        .to_string();
    let racers: Vec<_> = (0..8)
        .map(|r| {
            command_for(&k.db)
                .env("KEHU_USER", format!("racer{r}"))
                .env("KEHU_BUSY_SECONDS", "60")
                .args(["customer", "edit", &id, "--city", &format!("City {r}")])
                .args(["--if-version", &version])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn kehu")
        })
        .collect();
    let outputs: Vec<_> = racers
        .into_iter()
        .map(|c| c.wait_with_output().expect("racer"))
        .collect();
    let saved: Vec<usize> = (0..8).filter(|r| outputs[*r].status.success()).collect();
    assert_eq!(saved.len(), 1, "exactly one racer saves");
    for (r, out) in outputs.iter().enumerate() {
        if saved.contains(&r) {
            continue;
        }
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "racer {r}: {err}");
        assert!(
            err.contains("changed") || err.contains("version"),
            "racer {r}: {err}"
        );
    }
    let after = k.json(&["customer", "show", &id, "--json"]);
    assert_eq!(after["city"], format!("City {}", saved[0]));
    assert_eq!(
        after["version"].as_i64(),
        Some(version.parse::<i64>().expect("a number") + 1)
    );
}
