//! Several real processes writing to one database file at once.

use std::thread;

use crate::common::{Kehu, command_for};

#[test]
fn four_writers_each_logging_a_hundred_interactions_lose_nothing() {
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
    assert_eq!(k.ok(&["check"]).trim(), "ok");
}
