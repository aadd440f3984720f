//! Undoing an import after the book has moved on: rows erased or merged away since, and rows
//! added since, which must never be taken for the import's own.

use std::fs;

use crate::common::{Kehu, id_in};

fn customers(k: &Kehu) -> Vec<(i64, String)> {
    k.json(&["customer", "list", "--archived", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn id_of(k: &Kehu, name: &str) -> String {
    customers(k)
        .into_iter()
        .find(|(_, n)| n == name)
        .unwrap_or_else(|| panic!("{name} is in the book"))
        .0
        .to_string()
}

#[test]
fn undo_passes_over_rows_gone_since_and_keeps_rows_added_since() {
    let k = Kehu::new();
    let keeper = k
        .add(&["--name", "Keeper", "--phone", "138 0000 0001"])
        .to_string();
    let text = "Name,Phone,Last contact\n\
                Ann,139 0000 0001,2026-10-01\n\
                Bo,139 0000 0002,2026-11-20\n\
                Cy,139 0000 0003,2026-10-03\n\
                Di,139 0000 0004,2026-10-04\n";
    let file = k.dir.path().join("four.csv");
    fs::write(&file, text).unwrap();
    let out = k.ok(&["import", "csv", file.to_str().unwrap()]);
    let batch = id_in(&out, "kehu import undo ").to_string();
    assert!(out.contains("added 4"), "{out}");

    // The book moves on: the last customer the import added is erased, a new customer comes in
    // (with ids reused it would take the erased one's number), and Bo is merged into Keeper,
    // bringing his imported last contact along.
    let di = id_of(&k, "Di");
    k.ok(&["customer", "erase", &di, "--yes"]);
    let later = k.add(&["--name", "Later"]).to_string();
    k.ok(&["customer", "merge", &keeper, &id_of(&k, "Bo")]);
    assert_eq!(
        k.json(&["customer", "show", &keeper, "--json"])["last_contact"],
        "2026-11-20"
    );

    let undo = k.ok(&["import", "undo", &batch]);
    assert!(undo.contains("removed 2"), "Ann and Cy: {undo}");
    let left: Vec<String> = customers(&k).into_iter().map(|(_, n)| n).collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&"Keeper".to_string()) && left.contains(&"Later".to_string()));
    assert_eq!(id_of(&k, "Later"), later);
    // The note the import added went with the undo, and Keeper's figures follow.
    let shown = k.json(&["customer", "show", &keeper, "--json"]);
    assert_eq!(shown["last_contact"], serde_json::Value::Null, "{shown}");
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

#[test]
fn undo_refuses_while_an_added_customer_has_records_of_their_own() {
    let k = Kehu::new();
    let file = k.dir.path().join("two.csv");
    fs::write(&file, "Name,Last contact\nAnn,2026-10-01\nBo,2026-10-02\n").unwrap();
    let out = k.ok(&["import", "csv", file.to_str().unwrap()]);
    let batch = id_in(&out, "kehu import undo ").to_string();
    let bo = id_of(&k, "Bo");
    k.ok(&[
        "log",
        &bo,
        "--kind",
        "call",
        "--summary",
        "Called about the renewal",
    ]);
    let refused = k.fails(&["import", "undo", &batch]);
    assert!(refused.contains("Bo"), "{refused}");
    // Nothing was undone: both customers and all their notes are still there.
    assert_eq!(customers(&k).len(), 2);
    let timeline = k.ok(&["customer", "show", &bo]);
    assert!(
        timeline.contains("Called about the renewal")
            && timeline.contains("Last contact (imported)"),
        "{timeline}"
    );
}
