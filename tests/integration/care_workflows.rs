//! The articles' practices through the real binary (issue 17): win-back, surveys on a
//! schedule, complaint routing, agreements and care for every tier, with the clock fixed at
//! 2026-11-22 10:00 in Shanghai unless a step says otherwise (`Kehu::ok_at`).

use serde_json::Value;

use crate::common::{Kehu, id_in};

#[test]
fn churning_asks_why_and_the_win_back_list_report_and_export_follow() {
    let k = Kehu::new();
    let add = |name: &str, amount: &str| {
        let out = k.ok_at(
            "2026-01-05T10:00:00+08:00",
            &["customer", "add", "--name", name, "--stage", "customer"],
        );
        let id = id_in(&out, "added customer ").to_string();
        k.ok(&[
            "purchase",
            "add",
            &id,
            "--amount",
            amount,
            "--date",
            "2026-01-10",
        ]);
        id
    };
    let big = add("Big Spender", "90000");
    let small = add("Small Buyer", "100");
    let back = add("Comes Back", "500");

    // Marking churned without a reason is refused by name, listing the team's reasons; nothing
    // changes.
    let err = k.fails(&["customer", "edit", &big, "--stage", "churned"]);
    assert!(
        err.contains("churn reason") && err.contains("competitor"),
        "{err}"
    );
    let err = k.fails(&[
        "customer",
        "edit",
        &big,
        "--stage",
        "churned",
        "--churn-reason",
        "weather",
    ]);
    assert!(err.contains("'weather'"), "{err}");
    assert_eq!(
        k.json(&["customer", "show", &big, "--json"])["stage"],
        "customer"
    );

    // A reason in either language is stored as the list spells it.
    k.ok_at(
        "2026-10-01T10:00:00+08:00",
        &[
            "customer",
            "edit",
            &big,
            "--stage",
            "churned",
            "--churn-reason",
            "价格",
            "--churn-note",
            "a cheaper supplier",
        ],
    );
    k.ok_at(
        "2026-11-01T10:00:00+08:00",
        &[
            "customer",
            "edit",
            &small,
            "--stage",
            "churned",
            "--churn-reason",
            "Service",
        ],
    );
    k.ok_at(
        "2026-10-15T10:00:00+08:00",
        &[
            "customer",
            "edit",
            &back,
            "--stage",
            "churned",
            "--churn-reason",
            "price",
        ],
    );
    let shown = k.json(&["customer", "show", &big, "--json"]);
    assert_eq!(shown["churn_reason"], "price");
    assert_eq!(shown["churn_note"], "a cheaper supplier");

    // Contact with a churned customer is a win-back attempt; one comes back.
    k.ok_at(
        "2026-11-10T10:00:00+08:00",
        &["log", &back, "--summary", "we miss you offer"],
    );
    k.ok_at(
        "2026-11-12T10:00:00+08:00",
        &["log", &big, "--summary", "called, not yet"],
    );
    k.ok_at(
        "2026-11-15T10:00:00+08:00",
        &["customer", "edit", &back, "--stage", "customer"],
    );
    let returned = k.json(&["customer", "show", &back, "--json"]);
    assert_eq!(
        returned["churn_reason"],
        Value::Null,
        "a customer again has no churn reason"
    );
    assert_eq!(returned["churned_at"], Value::Null);

    // The list: most valuable first, with days since churn, reason and attempts.
    let list = k.json(&["customer", "win-back", "--json"]);
    let rows = list.as_array().unwrap();
    let ids: Vec<String> = rows.iter().map(|r| r["id"].to_string()).collect();
    assert_eq!(ids, vec![big.clone(), small.clone()], "{list}");
    assert_eq!(rows[0]["churn_reason"], "price");
    assert_eq!(rows[0]["attempts"], 1);
    assert_eq!(rows[0]["days_since_churn"], 52, "1 Oct to 22 Nov");
    assert_eq!(rows[1]["attempts"], 0);
    let table = k.ok(&["customer", "win-back"]);
    assert!(
        table.lines().nth(1).unwrap().contains("Big Spender"),
        "{table}"
    );

    // The report: churn by reason in the period, and the win-back rate of those churned at its
    // start (Big Spender and Comes Back on 1 Nov; Comes Back returned).
    let r = k.json(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--json",
    ]);
    assert_eq!(r["churn_by_reason"], serde_json::json!({"service": 1}));
    assert_eq!(r["won_back"], 1);
    assert_eq!(r["win_back_rate"], 0.5);
    assert_eq!(r["win_back_attempts"], 2);
    let october = k.json(&[
        "report",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--json",
    ]);
    assert_eq!(october["churn_by_reason"], serde_json::json!({"price": 2}));

    // The CSV export carries reason and note; a new book reads them back.
    let csv = k.ok(&["export", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("Last contact,Churn reason,Churn note"),
        "{header}"
    );
    let file = k.dir.path().join("book.csv");
    std::fs::write(&file, &csv).unwrap();
    let other = Kehu::new();
    other.ok(&["import", "csv", file.to_str().unwrap()]);
    let moved = other.json(&["customer", "win-back", "--json"]);
    assert_eq!(moved[0]["name"], "Big Spender");
    assert_eq!(moved[0]["churn_reason"], "price");
    assert_eq!(moved[0]["churn_note"], "a cheaper supplier");

    // An unknown reason in a file is a bad row named by its line, and nothing is imported.
    let bad = k.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Name,Stage,Churn reason\nA,churned,price\nB,churned,weather\n",
    )
    .unwrap();
    let third = Kehu::new();
    let out = third.run(&["import", "csv", bad.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.lines()
            .any(|l| l.contains("line 3") && l.contains("'Churn reason'") && l.contains("weather")),
        "{said}"
    );
    assert_eq!(
        third.json(&["customer", "list", "--json"]),
        serde_json::json!([])
    );
}

/// Today's rows of one kind as (customer name, title, why), from `kehu today --json` at `now`.
pub(crate) fn today_rows(k: &Kehu, now: &str, kind: &str) -> Vec<(String, String, String)> {
    let text = k.ok_at(now, &["today", "--json"]);
    let v: Value = serde_json::from_str(&text).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .map(|r| {
            (
                r["customer"].as_str().unwrap_or("").to_string(),
                r["title"].as_str().unwrap_or("").to_string(),
                r["why"].to_string(),
            )
        })
        .collect()
}

#[test]
fn surveys_fall_due_by_tier_and_a_resolved_complaint_is_checked_back_on() {
    let k = Kehu::new();
    let added = |name: &str, tier: &str| {
        let out = k.ok_at(
            "2026-01-05T10:00:00+08:00",
            &[
                "customer", "add", "--name", name, "--tier", tier, "--stage", "customer",
            ],
        );
        id_in(&out, "added customer ").to_string()
    };
    let vip = added("Vera VIP", "vip");
    let surveyed = added("Sam Surveyed", "vip");
    let regular = added("Rex Regular", "regular");
    let lead = k.ok_at(
        "2026-01-05T10:00:00+08:00",
        &["customer", "add", "--name", "Lea Lead", "--tier", "vip"],
    );
    let _ = lead;
    // Sam answered a survey in September: not due for 182 days.
    k.ok(&[
        "survey",
        "add",
        &surveyed,
        "--quality",
        "4",
        "--attitude",
        "4",
        "--speed",
        "4",
        "--date",
        "2026-09-01",
    ]);

    // By default VIP customers are surveyed twice a year; regular ones are not scheduled, and
    // a lead is not surveyed.
    let now = "2026-11-22T10:00:00+08:00";
    let due = today_rows(&k, now, "survey");
    let names: Vec<&str> = due.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, vec!["Vera VIP"], "{due:?}");
    assert!(
        due[0].2.contains("every 182 days: 139 days past"),
        "{due:?}"
    );
    k.ok(&["settings", "set", "survey_every.regular", "90"]);
    let names: Vec<String> = today_rows(&k, now, "survey")
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(names, vec!["Vera VIP", "Rex Regular"]);
    // Answering takes the row away.
    k.ok(&[
        "survey",
        "add",
        &vip,
        "--quality",
        "5",
        "--attitude",
        "5",
        "--speed",
        "5",
    ]);
    let names: Vec<String> = today_rows(&k, now, "survey")
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(names, vec!["Rex Regular"]);
    k.ok(&["settings", "set", "survey_every.regular", "off"]);

    // Resolving a complaint schedules its check-back a week later.
    let out = k.ok(&["ticket", "open", &regular, "--summary", "broken lid"]);
    let t = id_in(&out, "opened ticket ").to_string();
    k.ok(&["ticket", "resolve", &t, "--note", "sent a new lid"]);
    let tickets = k.json(&["ticket", "list", "--json"]);
    assert_eq!(tickets[0]["checkback_due"], "2026-11-29");
    assert!(today_rows(&k, now, "survey").is_empty(), "not due yet");
    let later = "2026-11-30T10:00:00+08:00";
    let due = today_rows(&k, later, "survey");
    assert_eq!(due.len(), 1, "{due:?}");
    assert!(
        due[0].1.contains(&format!("complaint #{t}: broken lid")),
        "{due:?}"
    );
    assert!(
        due[0]
            .2
            .contains(&format!("check-back on resolved complaint #{t}")),
        "{due:?}"
    );
    // A survey for another customer's ticket is refused; the answer names the ticket.
    let err = k.fails(&[
        "survey",
        "add",
        &vip,
        "--quality",
        "3",
        "--attitude",
        "3",
        "--speed",
        "3",
        "--ticket",
        &t,
    ]);
    assert!(err.contains(&format!("#{t}")), "{err}");
    k.ok_at(
        later,
        &[
            "survey",
            "add",
            &regular,
            "--quality",
            "4",
            "--attitude",
            "5",
            "--speed",
            "4",
            "--ticket",
            &t,
        ],
    );
    assert!(today_rows(&k, later, "survey").is_empty());
    let surveys = k.json(&["survey", "list", &regular, "--json"]);
    assert_eq!(surveys[0]["ticket"].to_string(), t);
    let tickets = k.json(&["ticket", "list", "--json"]);
    assert_eq!(tickets[0]["checkback_survey"], surveys[0]["id"]);
}

#[test]
fn complaints_are_routed_handed_over_on_their_trail_and_timed_per_department() {
    let k = Kehu::new();
    let out = k.ok_at(
        "2026-11-01T09:00:00+08:00",
        &[
            "customer",
            "add",
            "--name",
            "Rita Routed",
            "--owner",
            "wang",
        ],
    );
    let id = id_in(&out, "added customer ").to_string();
    // Opened with its channel, assignee and department (either language).
    let out = k.ok_at(
        "2026-11-20T09:00:00+08:00",
        &[
            "ticket",
            "open",
            &id,
            "--summary",
            "parcel lost",
            "--channel",
            "wechat",
            "--department",
            "物流部",
        ],
    );
    let a = id_in(&out, "opened ticket ").to_string();
    let out = k.ok_at(
        "2026-11-20T09:00:00+08:00",
        &[
            "ticket",
            "open",
            &id,
            "--summary",
            "rude driver",
            "--assignee",
            "li.na",
            "--department",
            "customer service",
        ],
    );
    let b = id_in(&out, "opened ticket ").to_string();
    let err = k.fails(&[
        "ticket",
        "open",
        &id,
        "--summary",
        "x",
        "--department",
        "legal",
    ]);
    assert!(
        err.contains("'legal'") && err.contains("logistics"),
        "{err}"
    );

    // Handing over is written on the trail (not as contact) and in the ticket.
    k.ok_at(
        "2026-11-20T10:00:00+08:00",
        &[
            "ticket",
            "assign",
            &a,
            "--to",
            "zhao",
            "--note",
            "courier claim",
        ],
    );
    assert!(k.fails(&["ticket", "assign", &a]).contains("--to"));
    let list = k.json(&["ticket", "list", "--json"]);
    let routed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(a.as_str()))
        .unwrap();
    assert_eq!(
        (
            &routed["channel"],
            &routed["assignee"],
            &routed["department"]
        ),
        (
            &Value::from("wechat"),
            &Value::from("zhao"),
            &Value::from("logistics")
        )
    );
    let trail = k.json(&["interaction", "list", &id, "--json"]);
    assert!(
        trail.as_array().unwrap().iter().any(|e| e["summary"]
            == format!("Handed complaint #{a} to zhao: courier claim")
            && e["contact"] == false),
        "{trail}"
    );
    let mine = k.json(&["ticket", "list", "--assignee", "li.na", "--json"]);
    assert_eq!(mine.as_array().unwrap().len(), 1);

    // Each assignee sees their complaints in their queue; the account manager sees the rest.
    let queue_of = |user: &str| -> Vec<String> {
        let out = k
            .command()
            .env("KEHU_NOW", "2026-11-20T12:00:00+08:00")
            .env("KEHU_USER", user)
            .args(["today", "--mine", "--json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "complaint")
            .map(|r| r["id"].to_string())
            .collect()
    };
    assert_eq!(queue_of("zhao"), vec![a.clone()]);
    assert_eq!(queue_of("li.na"), vec![b.clone()]);
    assert!(queue_of("wang").is_empty(), "both are handed to someone");

    // Response and resolution times per department.
    k.ok_at(
        "2026-11-20T15:00:00+08:00",
        &["ticket", "respond", &a, "--note", "claim filed"],
    );
    k.ok_at(
        "2026-11-21T09:00:00+08:00",
        &["ticket", "resolve", &a, "--note", "refunded"],
    );
    k.ok_at(
        "2026-11-20T10:00:00+08:00",
        &["ticket", "respond", &b, "--note", "apologised"],
    );
    let r = k.json(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--json",
    ]);
    let by = &r["complaints_by_department"];
    assert_eq!(by["logistics"]["complaints"], 1);
    assert_eq!(by["logistics"]["median_first_response_hours"], 6.0);
    assert_eq!(by["logistics"]["median_resolution_hours"], 24.0);
    assert_eq!(by["customer_service"]["median_first_response_hours"], 1.0);
    assert_eq!(
        by["customer_service"]["median_resolution_hours"],
        Value::Null
    );
    let text = k.ok(&["report", "--from", "2026-11-01", "--to", "2026-11-22"]);
    assert!(
        text.contains("logistics 1 (median first response 6.0 h, resolved in 24.0 h)"),
        "{text}"
    );
}

#[test]
fn agreements_are_kept_warned_about_before_their_end_and_travel_with_the_book() {
    let k = Kehu::new();
    let id = k
        .add(&["--name", "Acme Partner", "--stage", "customer"])
        .to_string();
    let out = k.ok(&[
        "agreement",
        "add",
        &id,
        "--title",
        "Annual supply",
        "--start",
        "2026-01-01",
        "--end",
        "2026-12-31",
        "--value",
        "¥120,000",
        "--renewal",
        "renews yearly, 30 days' notice",
    ]);
    let a = id_in(&out, "added agreement ").to_string();
    // Bad input is refused by field; nothing is stored.
    let err = k.fails(&[
        "agreement",
        "add",
        &id,
        "--title",
        "x",
        "--start",
        "2026-05-01",
        "--end",
        "2026-01-01",
    ]);
    assert!(err.contains("end") && err.contains("2026-05-01"), "{err}");
    assert!(
        k.fails(&["agreement", "add", &id, "--title", " "])
            .contains("title")
    );
    let list = k.json(&["agreement", "list", &id, "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["value"], "120000.00");
    assert_eq!(list[0]["active"], true);

    // 22 Nov: 39 days before the end, inside the default 60 days' warning.
    let rows = today_rows(&k, "2026-11-22T10:00:00+08:00", "agreement");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].1.contains("2026-12-31: Annual supply"), "{rows:?}");
    assert!(rows[0].2.contains("ends in 39 days"), "{rows:?}");
    k.ok(&["settings", "set", "agreement_warn_days", "30"]);
    assert!(today_rows(&k, "2026-11-22T10:00:00+08:00", "agreement").is_empty());
    // Past its end and not dealt with, it stays; renewing moves the end.
    let rows = today_rows(&k, "2027-01-05T10:00:00+08:00", "agreement");
    assert!(rows[0].2.contains("ended 5 days ago"), "{rows:?}");
    k.ok(&["agreement", "edit", &a, "--end", "2027-12-31"]);
    assert!(today_rows(&k, "2027-01-05T10:00:00+08:00", "agreement").is_empty());

    // The book's JSON export carries it; a new book loads it back.
    let file = k.dir.path().join("book.json");
    k.ok(&["export", "json", "--out", file.to_str().unwrap()]);
    let other = Kehu::new();
    other.ok(&["import", "json", file.to_str().unwrap()]);
    let moved = other.json(&["agreement", "list", "--json"]);
    assert_eq!(moved[0]["title"], "Annual supply");
    assert_eq!(moved[0]["end"], "2027-12-31");
    assert_eq!(moved[0]["renewal"], "renews yearly, 30 days' notice");

    // Ended early: no longer active, no longer warned about.
    k.ok(&["agreement", "end", &a]);
    assert_eq!(k.json(&["agreement", "list", "--json"])[0]["active"], false);
    assert!(today_rows(&k, "2027-12-20T10:00:00+08:00", "agreement").is_empty());
    // Erasing the customer takes the agreement with it.
    k.ok(&["customer", "erase", &id, "--yes"]);
    assert_eq!(
        k.json(&["agreement", "list", "--json"]),
        serde_json::json!([])
    );
}

/// The open to-dos' titles, sorted.
fn todo_titles(k: &Kehu) -> Vec<String> {
    let v = k.json(&["todo", "list", "--json"]);
    let mut titles: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

#[test]
fn care_rules_per_tier_and_key_account_rhythms_prepare_their_to_dos_once() {
    let k = Kehu::new();
    k.add(&[
        "--name",
        "Rosa Regular",
        "--tier",
        "regular",
        "--birthday",
        "1990-11-25",
    ]);
    k.add(&[
        "--name",
        "Pia Potential",
        "--tier",
        "potential",
        "--birthday",
        "1991-11-26",
    ]);
    k.add(&["--name", "Vic VIP", "--tier", "vip", "--stage", "customer"]);
    let now = "2026-11-22T10:00:00+08:00";
    k.ok_at(now, &["today"]);
    assert!(
        todo_titles(&k).is_empty(),
        "by default only VIPs are greeted"
    );

    k.ok(&["settings", "set", "care.regular", "生日"]);
    k.ok(&["settings", "set", "care_gift.regular", "a 10% coupon"]);
    k.ok(&["settings", "set", "rhythm.monthly_letter", "vip"]);
    k.ok(&["settings", "set", "rhythm.quarterly_materials", "VIP"]);
    assert!(
        k.fails(&["settings", "set", "rhythm.monthly_letter", "gold"])
            .contains("'gold'")
    );
    k.ok_at(now, &["today"]);
    k.ok_at(now, &["today"]);
    assert_eq!(
        todo_titles(&k),
        vec![
            "Birthday greeting for Rosa Regular (11-25) — suggest: a 10% coupon".to_string(),
            "Monthly care letter for Vic VIP".to_string(),
            "Quarterly materials for Vic VIP".to_string(),
        ],
        "once each, however often the pass runs; potential customers are not greeted"
    );
    // A new month brings the next letter; the quarter's materials are already prepared.
    k.ok_at("2026-12-01T10:00:00+08:00", &["today"]);
    let titles = todo_titles(&k);
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.starts_with("Monthly care letter"))
            .count(),
        2,
        "{titles:?}"
    );
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.starts_with("Quarterly materials"))
            .count(),
        1,
        "{titles:?}"
    );
}

#[test]
fn industry_and_cooperation_potential_weigh_into_the_value_score_and_say_so() {
    let k = Kehu::new();
    // A bad potential is refused by name; nothing is added.
    let err = k.fails(&["customer", "add", "--name", "Hopeful", "--potential", "7"]);
    assert!(err.contains("potential") && err.contains("'7'"), "{err}");
    assert_eq!(
        k.json(&["customer", "list", "--json"]),
        serde_json::json!([])
    );

    let rated = k.add(&[
        "--name",
        "Hopeful",
        "--industry",
        "制造业",
        "--potential",
        "5",
    ]);
    let unrated = k.add(&["--name", "Unrated"]).to_string();
    let rated = rated.to_string();
    let value = |id: &str| k.json(&["customer", "show", id, "--json"])["value"].clone();
    let shown = k.json(&["customer", "show", &rated, "--json"]);
    assert_eq!(shown["industry"], "制造业");
    assert_eq!(shown["potential"], 5);
    // No purchase yet: RFM 0, and potential 5 (15 on RFM's scale) at the default 25 % → 3.75 → 4.
    let v = value(&rated);
    assert_eq!(
        (
            &v["score"],
            &v["rfm"],
            &v["potential"],
            &v["potential_weight_percent"]
        ),
        (&4.into(), &0.into(), &5.into(), &25.into()),
        "{v}"
    );
    assert_eq!(value(&unrated)["score"], 0);
    // The text breakdown says that potential is in the score, and how much it weighs.
    let text = k.ok(&["customer", "show", &rated]);
    assert!(
        text.contains("RFM 0; cooperation potential 5/5 weighs 25%"),
        "{text}"
    );
    assert!(text.contains("制造业"), "{text}");

    // A purchase (the only buyer: every part is the middle, RFM 9): 75 % × 9 + 25 % × 15 = 10.5 → 11.
    k.ok(&["purchase", "add", &rated, "--amount", "300"]);
    assert_eq!(value(&rated)["score"], 11);
    // The weight is the team's: at 0 % the score is RFM's, at 100 % it is potential's alone; the
    // change rescored everyone at once.
    k.ok(&["settings", "set", "value_potential_weight", "0"]);
    assert_eq!(value(&rated)["score"], 9);
    k.ok(&["settings", "set", "value_potential_weight", "100%"]);
    assert_eq!(value(&rated)["score"], 15);
    let err = k.fails(&["settings", "set", "value_potential_weight", "120"]);
    assert!(err.contains("'120'"), "{err}");
    // Rating down, or clearing, moves the score with it.
    k.ok(&["customer", "edit", &rated, "--potential", "2"]);
    assert_eq!(value(&rated)["score"], 6);
    k.ok(&["customer", "edit", &rated, "--clear", "potential"]);
    assert_eq!(value(&rated)["score"], 9);
    k.ok(&["customer", "edit", &rated, "--potential", "★★★★☆"]);
    assert_eq!(value(&rated)["score"], 12);

    // Both travel through a CSV export into another book.
    let csv = k.ok(&["export", "csv"]);
    assert!(
        csv.lines().next().unwrap().ends_with(",Industry,Potential"),
        "{csv}"
    );
    let file = k.dir.path().join("book.csv");
    std::fs::write(&file, &csv).unwrap();
    let other = Kehu::new();
    other.ok(&["import", "csv", file.to_str().unwrap()]);
    let moved = other.json(&["customer", "list", "--search", "Hopeful", "--json"]);
    let id = moved[0]["id"].to_string();
    let back = other.json(&["customer", "show", &id, "--json"]);
    assert_eq!(
        (&back["industry"], &back["potential"]),
        (&"制造业".into(), &4.into())
    );

    // A spreadsheet's own headings in Chinese are recognised; a bad potential is a bad row by line.
    let bad = k.dir.path().join("bad.csv");
    std::fs::write(&bad, "姓名,行业,合作潜力\n甲,零售,3\n乙,教育,很高\n").unwrap();
    let third = Kehu::new();
    let out = third.run(&["import", "csv", bad.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.lines()
            .any(|l| l.contains("line 3") && l.contains("很高")),
        "{said}"
    );
}
