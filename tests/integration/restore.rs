//! `kehu import json`: a JSON export restored into an empty database, exactly.

use std::fs;

use serde_json::Value;

use crate::common::Kehu;

/// The demo book plus what the demo lacks: a to-do of nobody, an erased customer (whose audit
/// row belongs to no customer), custom fields, a changed setting.
fn rich_book() -> Kehu {
    let k = Kehu::uninitialised();
    k.ok(&["init", "--demo"]);
    k.ok(&[
        "todo",
        "add",
        "--title",
        "Order brochures",
        "--due",
        "2026-12-01",
    ]);
    let gone = k.add(&["--name", "To be erased", "--field", "industry=retail"]);
    k.ok(&["customer", "erase", &gone.to_string(), "--yes"]);
    k.add(&[
        "--name",
        "王芳",
        "--field",
        "行业=制造",
        "--tag",
        "华东",
        "--phone",
        "138 0013 8000",
    ]);
    k.ok(&["settings", "set", "cadence.vip", "21"]);
    k
}

fn export_json(k: &Kehu, name: &str) -> (String, Vec<u8>) {
    let path = k.dir.path().join(name);
    let path = path.to_str().unwrap().to_string();
    k.ok(&["export", "json", "--out", &path]);
    let bytes = fs::read(&path).unwrap();
    (path, bytes)
}

#[test]
fn json_round_trip_is_exact() {
    let k = rich_book();
    let (path, first) = export_json(&k, "first.json");
    let doc: Value = serde_json::from_slice(&first).unwrap();
    assert!(
        doc["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["action"] == "erase"),
        "the erased customer's audit row is exported at the top level"
    );
    assert_eq!(doc["todos"][0]["title"], "Order brochures");

    let fresh = Kehu::new();
    let out = fresh.ok(&["import", "json", &path]);
    assert!(out.contains("imported"), "{out}");
    let (_, second) = export_json(&fresh, "second.json");
    assert!(
        first == second,
        "export → import json → export gives the same file"
    );
    // Cached figures are recomputed, not copied: lists, search and checks agree with the source.
    assert_eq!(fresh.ok(&["check"]).lines().last(), Some("ok"));
    for args in [
        &["customer", "list", "--json", "--archived"][..],
        &["report", "--json"][..],
        &["today", "--json"][..],
    ] {
        assert_eq!(
            k.json(args),
            fresh.json(args),
            "kehu {args:?} differs after the restore"
        );
    }
    assert_eq!(fresh.ok(&["settings", "get", "cadence.vip"]).trim(), "21");
}

#[test]
fn json_import_refuses_a_database_that_holds_records() {
    let k = rich_book();
    let (path, _) = export_json(&k, "book.json");
    let before = k.ok(&["customer", "list", "--archived"]);
    let err = k.fails(&["import", "json", &path]);
    assert!(err.contains("empty database"), "{err}");
    assert_eq!(
        k.ok(&["customer", "list", "--archived"]),
        before,
        "nothing changed"
    );
}

#[test]
fn bad_json_imports_name_the_place_and_write_nothing() {
    let k = rich_book();
    let (_, bytes) = export_json(&k, "book.json");
    let good: Value = serde_json::from_slice(&bytes).unwrap();
    let mut bad_stamp = good.clone();
    let customers = bad_stamp["customers"].as_array_mut().unwrap();
    let n = customers
        .iter()
        .position(|c| !c["interactions"].as_array().unwrap().is_empty())
        .unwrap();
    let id = customers[n]["id"].as_i64().unwrap();
    customers[n]["interactions"][0]["at"] = "yesterday".into();
    let mut bad_enum = good.clone();
    bad_enum["customers"][0]["tier"] = "gold".into();
    let mut unknown = good.clone();
    unknown["customers"][1]["shoe_size"] = 44.into();
    let mut broken_link = good.clone();
    broken_link["customers"][0]["campaigns"] =
        serde_json::json!([{"campaign_id": 999, "invited_at": "2026-11-01T00:00:00.000Z"}]);
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "not JSON",
            b"{\"format\": \"kehu-export\",".to_vec(),
            "not valid JSON".into(),
        ),
        (
            "a CSV file",
            b"name,phone\nZhang,138\n".to_vec(),
            "not valid JSON".into(),
        ),
        (
            "another JSON",
            b"{\"customers\": []}".to_vec(),
            "not a kehu export".into(),
        ),
        (
            "a newer format",
            br#"{"format": "kehu-export", "version": 99}"#.to_vec(),
            "newer kehu".into(),
        ),
        (
            "a bad timestamp",
            serde_json::to_vec(&bad_stamp).unwrap(),
            format!("customers[{n}] (id {id}).interactions[0]: 'at' must be a timestamp"),
        ),
        (
            "an unknown tier",
            serde_json::to_vec(&bad_enum).unwrap(),
            "customers[0]".into(),
        ),
        (
            "an unknown field",
            serde_json::to_vec(&unknown).unwrap(),
            "unknown field 'shoe_size'".into(),
        ),
        (
            "a missing campaign",
            serde_json::to_vec(&broken_link).unwrap(),
            "FOREIGN KEY".into(),
        ),
    ];
    for (what, bytes, expected) in cases {
        let fresh = Kehu::new();
        let file = fresh.dir.path().join("in.json");
        fs::write(&file, &bytes).unwrap();
        let err = fresh.fails(&["import", "json", file.to_str().unwrap()]);
        // SQLite says "FOREIGN KEY constraint failed", PostgreSQL "violates foreign key constraint".
        assert!(
            err.to_lowercase().contains(&expected.to_lowercase()),
            "{what}: expected '{expected}' in: {err}"
        );
        assert!(err.contains("nothing was imported"), "{what}: {err}");
        assert_eq!(
            fresh.json(&["customer", "list", "--archived", "--json"]),
            serde_json::json!([]),
            "{what}: something was written"
        );
    }
}
