//! Crash safety: kehu is killed (SIGKILL) at points spread before, during and after its commits.
//! Each time the database passes its integrity check, a large write is there entirely or not at
//! all, and every write acknowledged before the kill is present.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Kehu, command_for};

fn count_customers(k: &Kehu) -> usize {
    k.json(&["customer", "list", "--json"])
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_large_write_killed_anywhere_is_all_or_nothing() {
    let _one_at_a_time = crate::common::heavy();
    let big: String = (0..10_000)
        .map(|i| format!("customer add --name \"Crash {i}\" --phone \"138 0000 {i:04}\"\n"))
        .collect();
    // How long the whole write takes here, to spread the kills over it.
    let probe = Kehu::new();
    std::fs::write(probe.dir.path().join("big.txt"), &big).unwrap();
    let started = Instant::now();
    probe.ok(&[
        "batch",
        "--atomic",
        probe.dir.path().join("big.txt").to_str().unwrap(),
    ]);
    let full = started.elapsed();
    assert_eq!(count_customers(&probe), 10_000);

    let kills = 10;
    for n in 0..kills {
        let k = Kehu::new();
        let file = k.dir.path().join("big.txt");
        std::fs::write(&file, &big).unwrap();
        let mut child = command_for(&k.db)
            .args(["batch", "--atomic", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From right away to past the expected end: before, during and after the commit.
        std::thread::sleep(full.mul_f64(n as f64 / (kills - 2) as f64));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            k.ok(&["check"]).lines().last(),
            Some("ok"),
            "kill {n}: integrity"
        );
        let found = count_customers(&k);
        assert!(
            found == 0 || found == 10_000,
            "kill {n}: {found} of 10,000 customers — not all or nothing"
        );
    }
}

#[test]
fn small_acknowledged_writes_survive_a_kill() {
    let _one_at_a_time = crate::common::heavy();
    let kills = 10;
    for n in 0..kills {
        let k = Kehu::new();
        let id = k.add(&["--name", "Stream"]).to_string();
        let lines: String = (0..400)
            .map(|i| format!("log {id} --kind note --summary \"n{i}\"\n"))
            .collect();
        let file = k.dir.path().join("stream.txt");
        std::fs::write(&file, lines).unwrap();
        let mut child = command_for(&k.db)
            .args(["batch", file.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Read acknowledgements as they come; kill after a different number each round.
        let stdout = child.stdout.take().unwrap();
        let mut acked = Vec::new();
        let target = 5 + n * 37;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.len() < target && Instant::now() < deadline {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(no) = line.trim().strip_prefix("ok ") {
                acked.push(no.parse::<usize>().unwrap());
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            k.ok(&["check"]).lines().last(),
            Some("ok"),
            "kill {n}: integrity"
        );
        let logged = k.json(&["interaction", "list", &id, "--limit", "1000", "--json"]);
        let present: Vec<String> = logged
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["summary"].as_str().unwrap().to_string())
            .collect();
        for no in &acked {
            assert!(
                present.contains(&format!("n{}", no - 1)),
                "kill {n}: acknowledged line {no} is missing"
            );
        }
    }
}
