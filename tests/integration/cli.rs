//! The real `kehu` binary: every subcommand, the JSON contract, and bad input.

use serde_json::Value;

use crate::common::{Kehu, assert_clean_error, id_in};

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn customer_add_list_show_json_contract() {
    let k = Kehu::new();
    let id = k.add(&[
        "--name",
        "张伟",
        "--company",
        "上海星辰科技有限公司",
        "--kind",
        "B2B",
        "--tier",
        "VIP",
        "--stage",
        "customer",
        "--email",
        "zhang.wei@example.cn",
        "--phone",
        "138 0013 8000",
        "--city",
        "上海",
        "--tag",
        "重点",
        "--tag",
        "华东",
        "--channel",
        "wechat",
        "--birthday",
        "1985-03-12",
        "--cadence",
        "21",
        "--source",
        "展会",
        "--needs",
        "快速交付",
        "--service-needs",
        "季度巡检",
        "--field",
        "industry=制造",
        "--address",
        "浦东新区",
    ]);
    k.ok(&[
        "log",
        &id.to_string(),
        "--kind",
        "call",
        "--summary",
        "first call",
        "--at",
        "2026-11-20 09:30",
    ]);
    k.ok(&[
        "purchase",
        "add",
        &id.to_string(),
        "--amount",
        "¥1,200.50",
        "--product",
        "kit",
        "--date",
        "2026-11-01",
    ]);
    k.ok(&[
        "todo",
        "add",
        &id.to_string(),
        "--title",
        "call back",
        "--due",
        "+3d",
    ]);

    let list = k.json(&["customer", "list", "--json"]);
    let arr = list.as_array().expect("a top-level array");
    assert_eq!(arr.len(), 1);
    let c = &arr[0];
    assert_eq!(
        keys(c),
        [
            "city",
            "company",
            "email",
            "id",
            "kind",
            "last_contact",
            "name",
            "next_due",
            "owner",
            "phone",
            "stage",
            "tags",
            "tier"
        ]
    );
    assert_eq!(c["id"], id);
    assert_eq!(c["name"], "张伟");
    assert_eq!(c["kind"], "b2b");
    assert_eq!(c["tier"], "vip");
    assert_eq!(c["owner"], "tester", "the adding user owns a new customer");
    assert_eq!(c["tags"], serde_json::json!(["华东", "重点"]));
    assert_eq!(c["last_contact"], "2026-11-20", "local date");
    assert_eq!(c["next_due"], "2026-11-25");

    let show = k.json(&["customer", "show", &id.to_string(), "--json"]);
    assert_eq!(
        show["purchase_total"], "1200.50",
        "money is a decimal string"
    );
    assert_eq!(show["purchase_count"], 1);
    assert_eq!(show["birthday"], "1985-03-12");
    assert_eq!(show["cadence_days"], 21);
    assert_eq!(show["custom_fields"]["industry"], "制造");
    assert_eq!(show["channel"], "wechat");
    for key in keys(c) {
        assert!(show.get(&key).is_some(), "show lacks listed key {key}");
    }

    let human = k.ok(&["customer", "show", &id.to_string()]);
    assert!(
        human.contains("上海星辰科技有限公司")
            && human.contains("first call")
            && human.contains("call back"),
        "{human}"
    );
    let table = k.ok(&["customer", "list"]);
    assert!(table.lines().next().unwrap().starts_with("ID"), "{table}");
    assert!(table.contains("张伟"));
}

#[test]
fn customer_list_filters() {
    let k = Kehu::new();
    let a = k.add(&[
        "--name", "Alice", "--tier", "vip", "--tag", "key", "--city", "Berlin",
    ]);
    let b = k.add(&[
        "--name",
        "Bob",
        "--stage",
        "prospect",
        "--owner",
        "wang",
        "--phone",
        "+49 30 123456",
    ]);
    let ids = |args: &[&str]| -> Vec<i64> {
        let v = k.json(&[&["customer", "list", "--json"], args].concat());
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&[]), vec![a, b]);
    assert_eq!(ids(&["--tier", "VIP"]), vec![a]);
    assert_eq!(ids(&["--stage", "prospect"]), vec![b]);
    assert_eq!(ids(&["--owner", "wang"]), vec![b]);
    assert_eq!(ids(&["--mine"]), vec![a]);
    assert_eq!(ids(&["--tag", "key"]), vec![a]);
    assert_eq!(ids(&["--search", "berl"]), vec![a]);
    assert_eq!(ids(&["--search", "30 123"]), vec![b]);
    k.ok(&["customer", "archive", &b.to_string()]);
    assert_eq!(ids(&[]), vec![a]);
    assert_eq!(ids(&["--archived"]), vec![a, b]);
    k.ok(&["customer", "unarchive", &b.to_string()]);
    assert_eq!(ids(&[]), vec![a, b]);
    assert_eq!(
        k.ok(&["customer", "list", "--search", "nobody"]).trim(),
        "no customers match"
    );
}

#[test]
fn customer_edit_untag_clear_and_history() {
    let k = Kehu::new();
    let id = k.add(&[
        "--name",
        "Carol",
        "--tag",
        "a",
        "--tag",
        "b",
        "--email",
        "c@example.com",
        "--field",
        "size=10",
    ]);
    let sid = id.to_string();
    k.ok(&[
        "customer",
        "edit",
        &sid,
        "--name",
        "Carol King",
        "--untag",
        "A",
        "--tag",
        "c",
        "--clear",
        "email",
        "--clear",
        "field:size",
        "--tier",
        "potential",
    ]);
    let c = k.json(&["customer", "show", &sid, "--json"]);
    assert_eq!(c["name"], "Carol King");
    assert_eq!(c["tags"], serde_json::json!(["b", "c"]));
    assert_eq!(c["email"], Value::Null);
    assert_eq!(c["custom_fields"], serde_json::json!({}));
    assert_eq!(c["tier"], "potential");
    assert_eq!(c["version"], 2);
    assert!(
        k.ok(&["customer", "edit", &sid, "--name", "Carol King"])
            .contains("nothing to change")
    );

    let history = k.json(&["history", &sid, "--json"]);
    let entries = history.as_array().unwrap();
    assert!(entries.len() >= 3);
    assert!(
        entries
            .windows(2)
            .all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()),
        "newest first"
    );
    let rename = entries
        .iter()
        .find(|e| e["after"]["name"] == "Carol King")
        .expect("rename logged");
    assert_eq!(rename["before"]["name"], "Carol");
    assert_eq!(rename["by"], "tester");
    let text = k.ok(&["history", &sid]);
    assert!(text.contains("name: Carol → Carol King"), "{text}");
    assert!(
        !text.contains("sort_key"),
        "derived columns are hidden: {text}"
    );
}

#[test]
fn contacts_add_edit_list_delete() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Acme", "--kind", "b2b"]).to_string();
    let out = k.ok(&[
        "contact",
        "add",
        &id,
        "--name",
        "Ann",
        "--title",
        "CEO",
        "--phone",
        "(021) 6234-5678",
        "--primary",
    ]);
    let ann = id_in(&out, "added contact person ").to_string();
    k.ok(&[
        "contact",
        "add",
        &id,
        "--name",
        "Ben",
        "--email",
        "ben@acme.com",
    ]);
    k.ok(&["contact", "edit", &ann, "--title", "Founder"]);
    let list = k.json(&["contact", "list", &id, "--json"]);
    assert_eq!(list[0]["name"], "Ann");
    assert_eq!(list[0]["title"], "Founder");
    assert_eq!(list[0]["primary"], true);
    assert_eq!(list[1]["email"], "ben@acme.com");
    let show = k.json(&["customer", "show", &id, "--json"]);
    assert_eq!(show["contacts"].as_array().unwrap().len(), 2);
    k.ok(&["contact", "delete", &ann]);
    assert_eq!(
        k.json(&["contact", "list", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn log_with_next_follow_up_in_one_step_and_interaction_edit_delete() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Dan"]).to_string();
    let out = k.ok(&[
        "log",
        &id,
        "--kind",
        "meeting",
        "--summary",
        "demo",
        "--details",
        "line1\nline2",
        "--next",
        "send quote",
        "--due",
        "tomorrow",
    ]);
    let entry = id_in(&out, "logged meeting ").to_string();
    assert!(out.contains("scheduled to-do"), "{out}");
    let todos = k.json(&["todo", "list", "--json"]);
    assert_eq!(todos[0]["title"], "send quote");
    assert_eq!(todos[0]["due"], "2026-11-23");
    assert_eq!(todos[0]["customer_id"].as_i64().unwrap().to_string(), id);

    k.ok(&[
        "interaction",
        "edit",
        &entry,
        "--summary",
        "product demo",
        "--kind",
        "visit",
    ]);
    let tl = k.json(&["interaction", "list", &id, "--json"]);
    assert_eq!(tl[0]["summary"], "product demo");
    assert_eq!(tl[0]["kind"], "visit");
    assert_eq!(tl[0]["details"], "line1\nline2");
    k.ok(&["interaction", "delete", &entry]);
    assert_eq!(
        k.json(&["interaction", "list", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        k.json(&["customer", "show", &id, "--json"])["last_contact"],
        Value::Null
    );

    // A bad due date fails the whole step: no interaction without its follow-up.
    let err = k.fails(&[
        "log",
        &id,
        "--summary",
        "x",
        "--next",
        "y",
        "--due",
        "someday",
    ]);
    assert!(err.contains("due"), "{err}");
    assert_eq!(
        k.json(&["interaction", "list", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn todo_lifecycle_with_recurrence() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Eve"]).to_string();
    let out = k.ok(&[
        "todo",
        "add",
        &id,
        "--title",
        "monthly check",
        "--due",
        "2026-11-20",
        "--every",
        "1m",
        "--priority",
        "high",
    ]);
    let t = id_in(&out, "added to-do ").to_string();
    let loose = id_in(
        &k.ok(&["todo", "add", "--title", "tidy desk", "--assignee", "wang"]),
        "added to-do ",
    )
    .to_string();
    let overdue = k.json(&["todo", "list", "--overdue", "--json"]);
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(
        keys(&overdue[0])
            .iter()
            .filter(|k| ["id", "customer_id", "title", "due", "status"].contains(&k.as_str()))
            .count(),
        5
    );
    assert_eq!(overdue[0]["status"], "open");
    assert_eq!(
        k.json(&["todo", "list", "--mine", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let done = k.ok(&["todo", "done", &t]);
    assert!(
        done.contains("next: to-do") && done.contains("2026-12-22"),
        "{done}"
    );
    let err = k.fails(&["todo", "done", &t]);
    assert!(err.contains("already done"), "{err}");
    let next = id_in(&done, "next: to-do ").to_string();
    k.ok(&["todo", "snooze", &next, "--until", "+2w"]);
    let open = k.json(&["todo", "list", "--customer", &id, "--json"]);
    assert_eq!(open[0]["due"], "2026-12-06");
    k.ok(&["todo", "cancel", &loose]);
    assert!(
        k.json(&["todo", "list", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["title"] != "tidy desk")
    );
    let text = k.ok(&["todo", "list"]);
    assert!(text.contains("monthly check"), "{text}");
}

#[test]
fn purchases_add_edit_delete_list() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Finn"]).to_string();
    let p = id_in(
        &k.ok(&["purchase", "add", &id, "--amount", "$1,200"]),
        "recorded purchase ",
    )
    .to_string();
    k.ok(&[
        "purchase",
        "add",
        &id,
        "--amount",
        "99.5",
        "--product",
        "cable",
        "--date",
        "2026-10-01",
    ]);
    k.ok(&[
        "purchase",
        "edit",
        &p,
        "--amount",
        "1000",
        "--note",
        "discounted",
    ]);
    let list = k.json(&["purchase", "list", &id, "--json"]);
    assert_eq!(list[0]["amount"], "1000.00");
    assert_eq!(list[0]["date"], "2026-11-22");
    assert_eq!(list[1]["amount"], "99.50");
    assert_eq!(
        k.json(&["customer", "show", &id, "--json"])["purchase_total"],
        "1099.50"
    );
    k.ok(&["purchase", "delete", &p]);
    assert_eq!(
        k.json(&["customer", "show", &id, "--json"])["purchase_total"],
        "99.50"
    );
}

#[test]
fn settings_backup_check() {
    if crate::common::file_only("settings_backup_check") {
        return;
    }
    let k = Kehu::new();
    assert_eq!(k.ok(&["settings", "get", "cadence.vip"]).trim(), "30");
    assert_eq!(
        k.ok(&["settings", "set", "cadence.vip", "45"]).trim(),
        "cadence.vip = 45"
    );
    assert_eq!(k.ok(&["settings", "get", "cadence.vip"]).trim(), "45");
    assert!(k.ok(&["settings"]).contains("pool_after_days"));
    let err = k.fails(&["settings", "set", "cadence.vip", "never"]);
    assert!(err.contains("cadence"), "{err}");
    let err = k.fails(&["settings", "set", "nonsense", "1"]);
    assert!(err.contains("not a setting"), "{err}");

    k.add(&["--name", "Gina"]);
    let dest = k.dir.path().join("b").join("copy.db");
    let out = k.ok(&["backup", "--out", dest.to_str().unwrap()]);
    assert!(out.contains("checked"), "{out}");
    let copy = Kehu {
        dir: tempfile::TempDir::new().unwrap(),
        db: dest.clone(),
    };
    assert_eq!(
        copy.json(&["customer", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let err = k.fails(&["backup", "--out", dest.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");
    let auto = k.ok(&["backup"]);
    assert!(auto.contains("backups"), "{auto}");
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

#[test]
fn check_fails_with_problems_listed() {
    if crate::common::file_only("check_fails_with_problems_listed") {
        return;
    }
    let k = Kehu::new();
    let id = k.add(&["--name", "Hank"]);
    rusqlite::Connection::open(&k.db)
        .unwrap()
        .execute("UPDATE customer SET purchase_total = 5 WHERE id = ?1", [id])
        .unwrap();
    let out = k.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cached figures"));
    assert_clean_error(&String::from_utf8_lossy(&out.stderr));
}

#[test]
fn erase_needs_yes_and_removes_everything() {
    if crate::common::file_only("erase_needs_yes_and_removes_everything") {
        return;
    }
    let k = Kehu::new();
    let id = k.add(&["--name", "Ivy QmarkerQ"]).to_string();
    k.ok(&["log", &id, "--summary", "secret QmarkerQ"]);
    let err = k.fails(&["customer", "erase", &id]);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(
        k.json(&["customer", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    k.ok(&["customer", "erase", &id, "--yes"]);
    assert!(
        k.fails(&["customer", "show", &id])
            .contains("no customer with id")
    );
    let bytes = std::fs::read(&k.db).unwrap();
    assert!(
        !bytes
            .windows(9)
            .any(|w| w == b"QmarkerQ".as_slice() || w == b"QmarkerQ ".as_slice())
    );
    assert!(!bytes.windows(8).any(|w| w == b"QmarkerQ"));
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

#[test]
fn demo_init_and_demo_flag() {
    let k = Kehu::uninitialised();
    let out = k.ok(&["init", "--demo"]);
    assert!(out.contains("loaded the demo"), "{out}");
    let all = k.json(&["customer", "list", "--json"]);
    let arr = all.as_array().unwrap();
    assert!(arr.len() >= 80);
    for tier in ["vip", "regular", "potential"] {
        assert!(arr.iter().any(|c| c["tier"] == tier), "no {tier}");
    }
    for stage in ["lead", "prospect", "customer", "churned"] {
        assert!(arr.iter().any(|c| c["stage"] == stage), "no {stage}");
    }
    assert!(arr.iter().any(|c| {
        c["name"]
            .as_str()
            .unwrap()
            .chars()
            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))
    }));
    assert!(arr.iter().any(|c| c["name"].as_str().unwrap().is_ascii()));
    let todos = k.json(&["todo", "list", "--json"]);
    let todos = todos.as_array().unwrap();
    assert!(
        todos
            .iter()
            .any(|t| t["due"].as_str().is_some_and(|d| d < "2026-11-22")),
        "some overdue"
    );
    assert!(
        todos.iter().any(|t| t["due"] == "2026-11-22"),
        "some due today"
    );
    let b2b = arr.iter().find(|c| c["kind"] == "b2b").unwrap();
    let shown = k.json(&["customer", "show", &b2b["id"].to_string(), "--json"]);
    assert!(!shown["contacts"].as_array().unwrap().is_empty());
    let total: usize = arr
        .iter()
        .map(|c| {
            k.json(&[
                "interaction",
                "list",
                &c["id"].to_string(),
                "--limit",
                "1000",
                "--json",
            ])
            .as_array()
            .unwrap()
            .len()
        })
        .sum();
    assert!(total >= 600, "only {total} interactions");
    assert!(
        k.fails(&["init", "--demo"])
            .contains("already has customers")
    );
    // The workflows show on the demo: `today` has a row of every kind.
    let today = k.json(&["today", "--json"]);
    for kind in ["todo", "cadence", "birthday", "complaint", "deal"] {
        assert!(
            today.as_array().unwrap().iter().any(|r| r["kind"] == kind),
            "demo today has no {kind} row"
        );
    }
    let deals = k.json(&["deal", "list", "--json"]);
    for stage in [
        "qualified",
        "needs_analysis",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ] {
        assert!(
            deals
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["stage"] == stage),
            "no demo deal in {stage}"
        );
    }
    assert!(
        !k.json(&["customer", "list", "--at-risk", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !k.json(&["campaign", "list", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));

    // --demo works on a throwaway database whatever --db says.
    let elsewhere = Kehu::uninitialised();
    let v = elsewhere.json(&["--demo", "customer", "list", "--json"]);
    assert!(v.as_array().unwrap().len() >= 80);
    assert!(
        !elsewhere.db.exists(),
        "--demo must not create the --db file"
    );
}

#[test]
fn customer_claim_and_merge() {
    let k = Kehu::new();
    let pool = k.add(&["--name", "Pool", "--owner", ""]).to_string();
    assert_eq!(
        k.json(&["customer", "show", &pool, "--json"])["owner"],
        Value::Null
    );
    assert!(k.ok(&["customer", "claim", &pool]).contains("you own them"));
    assert_eq!(
        k.json(&["customer", "show", &pool, "--json"])["owner"],
        "tester"
    );
    let theirs = k.add(&["--name", "Theirs", "--owner", "wang"]).to_string();
    assert!(
        k.fails(&["customer", "claim", &theirs])
            .contains("belongs to wang")
    );

    let keep = k
        .add(&["--name", "Keep", "--email", "k@example.com"])
        .to_string();
    let other = k
        .add(&["--name", "Other", "--phone", "021 5555 0000", "--tag", "t"])
        .to_string();
    k.ok(&["log", &other, "--summary", "hello"]);
    let out = k.ok(&["customer", "merge", &keep, &other]);
    assert!(
        out.contains("merged customer") && out.contains("1 interaction"),
        "{out}"
    );
    let merged = k.json(&["customer", "show", &keep, "--json"]);
    assert_eq!(merged["phone"], "021 5555 0000");
    assert_eq!(merged["email"], "k@example.com");
    assert_eq!(merged["tags"], serde_json::json!(["t"]));
    assert!(
        k.fails(&["customer", "show", &other])
            .contains("no customer")
    );
    assert!(
        k.fails(&["customer", "merge", &keep, &keep])
            .contains("into itself")
    );
    // Field by field: take the other customer's value where both have one.
    let a = k
        .add(&[
            "--name",
            "Anna A",
            "--city",
            "Berlin",
            "--email",
            "a@example.com",
        ])
        .to_string();
    let b = k
        .add(&[
            "--name",
            "Anna B",
            "--city",
            "Paris",
            "--email",
            "b@example.com",
        ])
        .to_string();
    assert!(
        k.fails(&["customer", "merge", &a, &b, "--take", "height"])
            .contains("not a field to take")
    );
    k.ok(&["customer", "merge", &a, &b, "--take", "city"]);
    let merged = k.json(&["customer", "show", &a, "--json"]);
    assert_eq!(merged["city"], "Paris", "taken from the other");
    assert_eq!(merged["email"], "a@example.com", "kept");
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

#[test]
fn version_names_the_schema_and_the_sqlite_it_links() {
    let k = Kehu::uninitialised();
    let out = k.ok(&["--version"]);
    assert!(
        out.starts_with("kehu ")
            && out.contains(&format!(
                "schema {}",
                kehu::store::migrate::latest_version()
            ))
            && out.contains("SQLite 3."),
        "{out}"
    );
}

#[test]
fn undo_walks_back_the_users_changes_and_todo_reopen() {
    let k = Kehu::new();
    let id = k
        .add(&["--name", "Undo Person", "--city", "Before"])
        .to_string();
    k.ok(&["customer", "edit", &id, "--city", "After", "--tier", "vip"]);
    let t = id_in(
        &k.ok(&["todo", "add", &id, "--title", "call", "--due", "2026-12-01"]),
        "added to-do ",
    )
    .to_string();
    k.ok(&["todo", "done", &t]);
    // Reopen, and reopening an open one is refused by name.
    k.ok(&["todo", "reopen", &t]);
    let err = k.fails(&["todo", "reopen", &t]);
    assert!(err.contains("already open"), "{err}");
    // undo: the reopen, then the completion, then the new to-do, then the edit.
    let out = k.ok(&["undo"]);
    assert!(out.starts_with("undone: change of to-do"), "{out}");
    let todos = k.json(&["todo", "list", "--customer", &id, "--json"]);
    assert_eq!(todos.as_array().unwrap().len(), 0, "the reopen was undone");
    k.ok(&["undo"]);
    let todos = k.json(&["todo", "list", "--customer", &id, "--json"]);
    assert_eq!(todos[0]["status"], "open", "the completion was undone");
    let out = k.ok(&["undo"]);
    assert!(out.contains("adding of to-do"), "{out}");
    assert_eq!(
        k.json(&["todo", "list", "--customer", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    k.ok(&["undo"]);
    let c = k.json(&["customer", "show", &id, "--json"]);
    assert_eq!(c["city"], "Before");
    assert_eq!(c["tier"], "regular");
    // A teammate's later change is never overwritten.
    k.ok(&["customer", "edit", &id, "--city", "Mine"]);
    k.ok(&[
        "--user", "wang", "customer", "edit", &id, "--city", "Theirs",
    ]);
    let err = k.fails(&["undo"]);
    assert!(err.contains("wang changed it since"), "{err}");
    assert_eq!(
        k.json(&["customer", "show", &id, "--json"])["city"],
        "Theirs"
    );
}
