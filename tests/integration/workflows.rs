//! The account manager's workflows through the real binary, with the clock fixed at
//! 2026-11-22 10:00 in Shanghai (02:00 UTC).

use serde_json::Value;

use crate::common::{Kehu, id_in};

impl Kehu {
    /// Runs with "now" set to another time (RFC 3339), expecting success.
    pub(crate) fn ok_at(&self, now: &str, args: &[&str]) -> String {
        let out = self
            .command()
            .env("KEHU_NOW", now)
            .args(args)
            .output()
            .expect("run kehu");
        assert!(
            out.status.success(),
            "kehu {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    fn today(&self) -> Vec<Value> {
        self.json(&["today", "--json"])
            .as_array()
            .expect("an array")
            .clone()
    }
}

fn kinds(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["kind"].as_str().unwrap()).collect()
}

#[test]
fn ticket_lifecycle_records_the_first_response_and_logs_it() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Ann"]).to_string();
    let out = k.ok_at(
        "2026-11-22T09:00:00+08:00",
        &[
            "ticket",
            "open",
            &id,
            "--summary",
            "late delivery",
            "--severity",
            "high",
        ],
    );
    let t = id_in(&out, "opened ticket ").to_string();
    let list = k.json(&["ticket", "list", "--open", "--json"]);
    assert_eq!(list[0]["status"], "open");
    assert_eq!(
        list[0]["clock"], "23h 0m left",
        "opened at 09:00, now 10:00: one hour used"
    );
    k.ok(&["ticket", "respond", &t, "--note", "called them"]);
    let after = k.json(&["ticket", "list", "--json"]);
    assert_eq!(after[0]["status"], "responded");
    assert_eq!(after[0]["first_response_at"], "2026-11-22T02:00:00.000Z");
    assert!(
        after[0]["clock"]
            .as_str()
            .unwrap()
            .starts_with("answered in 1h 0m"),
        "{}",
        after[0]["clock"]
    );
    let timeline = k.json(&["interaction", "list", &id, "--json"]);
    assert!(
        timeline[0]["summary"]
            .as_str()
            .unwrap()
            .contains("Responded to complaint"),
        "{timeline}"
    );
    // A later response does not move the first-response time.
    k.ok_at(
        "2026-11-23T10:00:00+08:00",
        &["ticket", "resolve", &t, "--note", "refund sent"],
    );
    let resolved = k.json(&["ticket", "list", "--json"]);
    assert_eq!(resolved[0]["first_response_at"], "2026-11-22T02:00:00.000Z");
    assert_eq!(resolved[0]["status"], "resolved");
    assert_eq!(
        k.json(&["ticket", "list", "--open", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    k.ok(&["ticket", "close", &t, "--note", "done"]);
    assert!(
        k.fails(&["ticket", "close", &t, "--note", "again"])
            .contains("already closed")
    );
    assert!(
        k.fails(&[
            "ticket",
            "open",
            &id,
            "--summary",
            "x",
            "--severity",
            "urgent"
        ])
        .contains("severity")
    );
    assert!(
        k.fails(&["ticket", "respond", &t, "--note", " "])
            .contains("note")
    );
}

#[test]
fn surveys_refuse_scores_outside_one_to_five_and_show_latest_and_averages() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Ben"]).to_string();
    let err = k.fails(&[
        "survey",
        "add",
        &id,
        "--quality",
        "6",
        "--attitude",
        "3",
        "--speed",
        "3",
    ]);
    assert!(
        err.contains("quality: 6 is not a score from 1 to 5"),
        "{err}"
    );
    assert!(
        k.fails(&[
            "survey",
            "add",
            &id,
            "--quality",
            "3",
            "--attitude",
            "0",
            "--speed",
            "3"
        ])
        .contains("attitude")
    );
    k.ok(&[
        "survey",
        "add",
        &id,
        "--quality",
        "5",
        "--attitude",
        "4",
        "--speed",
        "3",
        "--date",
        "2026-10-01",
    ]);
    k.ok(&[
        "survey",
        "add",
        &id,
        "--quality",
        "2",
        "--attitude",
        "2",
        "--speed",
        "3",
        "--comment",
        "slow",
    ]);
    let show = k.json(&["customer", "show", &id, "--json"]);
    assert_eq!(show["latest_survey"]["quality"], 2);
    assert_eq!(show["latest_survey"]["average"], 2.33);
    assert_eq!(show["survey_averages"]["quality"], 3.5);
    assert_eq!(show["survey_averages"]["speed"], 3.0);
    assert_eq!(show["at_risk"], true, "latest survey averages 2.33 ≤ 2.5");
    assert!(show["risk"][0].as_str().unwrap().contains("survey"));
    assert_eq!(
        k.json(&["survey", "list", &id, "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn deals_move_through_stages_lost_needs_a_reason_and_won_can_record_the_purchase() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Cara", "--kind", "b2b"]).to_string();
    let a = id_in(
        &k.ok(&[
            "deal",
            "add",
            &id,
            "--title",
            "Fleet",
            "--amount",
            "¥120,000",
            "--close",
            "+10d",
        ]),
        "added deal ",
    )
    .to_string();
    let b = id_in(
        &k.ok(&["deal", "add", &id, "--title", "Pilot", "--amount", "5000"]),
        "added deal ",
    )
    .to_string();
    k.ok(&["deal", "move", &a, "proposal"]);
    k.ok(&["deal", "move", &a, "Negotiation"]);
    assert!(
        k.fails(&["deal", "move", &a, "closing"])
            .contains("stage: 'closing' is not one of")
    );
    let err = k.fails(&["deal", "lost", &b]);
    assert!(err.contains("reason"), "{err}");
    k.ok(&["deal", "lost", &b, "--reason", "budget cut"]);
    k.ok(&["deal", "won", &a, "--purchase"]);
    let deals = k.json(&["deal", "list", "--json"]);
    let by_id = |d: &str| {
        deals
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"].as_i64() == d.parse::<i64>().ok())
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(&a)["stage"], "won");
    assert_eq!(by_id(&b)["stage"], "lost");
    assert_eq!(by_id(&b)["lost_reason"], "budget cut");
    let show = k.json(&["customer", "show", &id, "--json"]);
    assert_eq!(
        show["purchase_total"], "120000.00",
        "winning recorded the purchase"
    );
}

#[test]
fn campaigns_invite_by_filter_and_mark_attendance() {
    let k = Kehu::new();
    let a = k.add(&["--name", "Dora", "--tag", "expo"]).to_string();
    let b = k.add(&["--name", "Eli", "--tag", "expo"]).to_string();
    let c = k.add(&["--name", "Fay"]).to_string();
    let camp = id_in(
        &k.ok(&[
            "campaign",
            "add",
            "--name",
            "Spring expo",
            "--date",
            "2026-12-05",
        ]),
        "added campaign ",
    )
    .to_string();
    assert!(
        k.ok(&["campaign", "invite", &camp, "--tag", "expo"])
            .contains("invited 2")
    );
    assert!(
        k.ok(&[
            "campaign",
            "invite",
            &camp,
            "--customer",
            &a,
            "--customer",
            &c
        ])
        .contains("invited 1")
    );
    k.ok(&["campaign", "attend", &camp, &a]);
    k.ok(&["campaign", "respond", &camp, &b]);
    let err = k.fails(&["campaign", "attend", &camp, "999"]);
    assert!(err.contains("not invited"), "{err}");
    let list = k.json(&["campaign", "list", "--json"]);
    assert_eq!(
        (
            list[0]["invited"].as_i64(),
            list[0]["attended"].as_i64(),
            list[0]["responded"].as_i64()
        ),
        (Some(3), Some(1), Some(1))
    );
    let show = k.json(&["customer", "show", &a, "--json"]);
    assert_eq!(show["campaigns"][0]["name"], "Spring expo");
    assert_eq!(show["campaigns"][0]["attended"], true);
}

#[test]
fn today_ranks_every_kind_with_reasons() {
    let k = Kehu::new();
    // Past its cadence: a VIP last called 40 days ago (VIP cadence 30).
    let vip = k.add(&["--name", "Vera VIP", "--tier", "vip"]).to_string();
    k.ok(&[
        "log",
        &vip,
        "--summary",
        "old call",
        "--at",
        "2026-10-13 10:00",
    ]);
    // Contacted recently: not due.
    let fresh = k.add(&["--name", "Fresh", "--tier", "vip"]).to_string();
    k.ok(&["log", &fresh, "--summary", "hi"]);
    k.ok(&[
        "todo",
        "add",
        &fresh,
        "--title",
        "overdue thing",
        "--due",
        "-3d",
        "--priority",
        "high",
    ]);
    k.ok(&[
        "todo",
        "add",
        &fresh,
        "--title",
        "today thing",
        "--due",
        "today",
    ]);
    k.ok(&[
        "todo",
        "add",
        &fresh,
        "--title",
        "future thing",
        "--due",
        "+3d",
    ]);
    let bday = k
        .add(&["--name", "Birthday Bo", "--birthday", "1990-11-25"])
        .to_string();
    k.ok(&["log", &bday, "--summary", "hi"]);
    k.ok_at(
        "2026-11-21T08:00:00+08:00",
        &["ticket", "open", &fresh, "--summary", "broken"],
    );
    let deal = id_in(
        &k.ok(&[
            "deal",
            "add",
            &fresh,
            "--title",
            "Late deal",
            "--amount",
            "100",
            "--close",
            "2026-11-15",
        ]),
        "added deal ",
    );
    let rows = k.today();
    let ks = kinds(&rows);
    for kind in ["todo", "cadence", "birthday", "complaint", "deal"] {
        assert!(ks.contains(&kind), "no {kind} row in {ks:?}");
    }
    assert!(
        rows.windows(2)
            .all(|w| w[0]["urgency"].as_i64() >= w[1]["urgency"].as_i64()),
        "ranked by urgency"
    );
    assert!(
        !rows.iter().any(|r| r["title"] == "future thing"),
        "upcoming to-dos are not today's"
    );
    assert!(
        !rows
            .iter()
            .any(|r| r["kind"] == "cadence" && r["customer"] == "Fresh")
    );
    let complaint = rows.iter().find(|r| r["kind"] == "complaint").unwrap();
    assert_eq!(complaint["why"][0], "first response: 2h 0m over");
    let overdue = rows.iter().find(|r| r["title"] == "overdue thing").unwrap();
    assert_eq!(
        overdue["why"],
        serde_json::json!(["overdue 3 days", "high priority", "VIP"])
    );
    let cadence = rows.iter().find(|r| r["kind"] == "cadence").unwrap();
    assert_eq!(cadence["customer_id"].to_string(), vip);
    assert!(
        cadence["why"][0]
            .as_str()
            .unwrap()
            .starts_with("no contact for 40 days")
    );
    let birthday = rows.iter().find(|r| r["kind"] == "birthday").unwrap();
    assert_eq!(birthday["why"][0], "birthday in 3 days");
    let d = rows.iter().find(|r| r["kind"] == "deal").unwrap();
    assert_eq!(d["id"], deal);
    for r in &rows {
        for key in ["kind", "customer_id", "title", "urgency", "why"] {
            assert!(r.get(key).is_some(), "today row lacks {key}: {r}");
        }
    }
    // Acting on a row removes it: logging a call resets the cadence.
    k.ok(&["log", &vip, "--summary", "caught up"]);
    assert!(!kinds(&k.today()).contains(&"cadence"));
    let text = k.ok(&["today"]);
    assert!(
        text.contains("URGENCY") && text.contains("overdue 3 days"),
        "{text}"
    );
}

#[test]
fn team_cadence_settings_decide_who_is_due() {
    let k = Kehu::new();
    let id = k
        .add(&["--name", "Rhythm", "--tier", "regular"])
        .to_string();
    k.ok(&["log", &id, "--summary", "hi", "--at", "2026-11-02 10:00"]);
    assert!(!kinds(&k.today()).contains(&"cadence"), "20 days < 90");
    k.ok(&["settings", "set", "cadence.regular", "14"]);
    assert!(kinds(&k.today()).contains(&"cadence"), "20 days > 14");
    k.ok(&["customer", "edit", &id, "--cadence", "30"]);
    assert!(
        !kinds(&k.today()).contains(&"cadence"),
        "the customer's own cadence wins"
    );
}

#[test]
fn at_risk_lists_customers_with_their_signals() {
    let k = Kehu::new();
    let quiet = k.add(&["--name", "Quiet", "--tier", "vip"]).to_string();
    k.ok(&["log", &quiet, "--summary", "long ago", "--at", "2026-09-01"]);
    let fine = k.add(&["--name", "Fine", "--tier", "vip"]).to_string();
    k.ok(&["log", &fine, "--summary", "recent"]);
    let gone = k.add(&["--name", "Gone", "--stage", "churned"]).to_string();
    k.ok(&["log", &gone, "--summary", "long ago", "--at", "2025-01-01"]);
    let upset = k.add(&["--name", "Upset"]).to_string();
    k.ok(&["log", &upset, "--summary", "recent"]);
    k.ok_at(
        "2026-11-17T10:00:00+08:00",
        &["ticket", "open", &upset, "--summary", "still broken"],
    );
    let list = k.json(&["customer", "list", "--at-risk", "--json"]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["Quiet", "Upset"],
        "churned customers are gone, not at risk"
    );
    assert!(
        list[0]["risk"][0]
            .as_str()
            .unwrap()
            .starts_with("no contact for 81 days")
    );
    assert_eq!(list[1]["risk"][0], "complaint open for 5 days");
    assert!(k.ok(&["customer", "list", "--at-risk"]).contains("SIGNALS"));
}

#[test]
fn greetings_for_vips_are_created_once_per_occasion() {
    let k = Kehu::new();
    let vip = k
        .add(&[
            "--name",
            "Birthday VIP",
            "--tier",
            "vip",
            "--birthday",
            "1980-11-26",
        ])
        .to_string();
    let regular = k
        .add(&["--name", "Birthday Regular", "--birthday", "1980-11-26"])
        .to_string();
    k.ok(&[
        "settings",
        "set",
        "holidays",
        "Lantern Festival 2026-11-27; Far Away 2027-06-01",
    ]);
    k.today();
    k.today();
    let todos = k.json(&["todo", "list", "--json"]);
    let titles: Vec<&str> = todos
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.starts_with("Birthday greeting for Birthday VIP"))
            .count(),
        1,
        "{titles:?}"
    );
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.starts_with("Lantern Festival greeting"))
            .count(),
        1,
        "{titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.contains("Birthday Regular")),
        "greetings are for VIP customers"
    );
    assert!(
        !titles.iter().any(|t| t.contains("Far Away")),
        "only occasions within a week"
    );
    let greeting = todos
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["title"]
                .as_str()
                .unwrap()
                .starts_with("Birthday greeting")
        })
        .unwrap();
    assert_eq!(greeting["customer_id"].to_string(), vip);
    assert_eq!(greeting["due"], "2026-11-25", "the day before the birthday");
    // Completing it does not bring it back the same year.
    k.ok(&["todo", "done", &greeting["id"].to_string()]);
    k.today();
    let again = k.json(&["todo", "list", "--json"]);
    assert!(!again.as_array().unwrap().iter().any(|t| {
        t["title"]
            .as_str()
            .unwrap()
            .starts_with("Birthday greeting")
    }));
    // The pass runs once a day, and again when a setting changed: a holiday added today gets
    // its greeting from the next `kehu today`.
    k.ok(&[
        "settings",
        "set",
        "holidays",
        "Lantern Festival 2026-11-27; Far Away 2027-06-01; Winter Fair 2026-11-25",
    ]);
    k.today();
    let after = k.json(&["todo", "list", "--json"]);
    assert!(
        after.as_array().unwrap().iter().any(|t| t["title"]
            .as_str()
            .unwrap()
            .starts_with("Winter Fair greeting")),
        "{after}"
    );
    let _ = regular;
    assert!(
        k.fails(&["settings", "set", "holidays", "Someday soon"])
            .contains("holidays")
    );
    assert!(
        k.ok(&["settings", "get", "holidays"])
            .contains("Lantern Festival 2026-11-27")
    );
}

#[test]
fn value_scores_rank_buyers_and_suggest_a_tier() {
    let k = Kehu::new();
    let big = k
        .add(&["--name", "Big Buyer", "--tier", "potential"])
        .to_string();
    let small = k.add(&["--name", "Small Buyer"]).to_string();
    let none = k.add(&["--name", "No Buyer"]).to_string();
    for d in ["2026-11-20", "2026-10-20", "2026-09-20", "2026-08-20"] {
        k.ok(&["purchase", "add", &big, "--amount", "50000", "--date", d]);
    }
    k.ok(&[
        "purchase",
        "add",
        &small,
        "--amount",
        "100",
        "--date",
        "2025-12-01",
    ]);
    k.today(); // the daily pass recomputes the cut points over the whole database
    let by_value = k.json(&["customer", "list", "--sort", "value", "--json"]);
    let order: Vec<String> = by_value
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].to_string())
        .collect();
    assert_eq!(order, vec![big.clone(), small.clone(), none.clone()]);
    let show = k.json(&["customer", "show", &big, "--json"]);
    assert!(
        show["value"]["score"].as_i64().unwrap() >= 12,
        "{}",
        show["value"]
    );
    assert_eq!(show["value"]["suggested_tier"], "vip");
    assert_eq!(
        show["tier"], "potential",
        "the user's tier stays the override"
    );
    assert_eq!(
        k.json(&["customer", "show", &none, "--json"])["value"]["score"],
        0
    );
    assert!(
        k.fails(&["customer", "list", "--sort", "height"])
            .contains("sort")
    );
}

#[test]
fn neglected_customers_return_to_the_shared_pool_and_can_be_claimed() {
    let k = Kehu::new();
    let old = "2026-09-01T10:00:00+08:00";
    let neglected = id_in(
        &k.ok_at(
            old,
            &["customer", "add", "--name", "Neglected", "--owner", "wang"],
        ),
        "added customer ",
    )
    .to_string();
    let locked = id_in(
        &k.ok_at(
            old,
            &[
                "customer",
                "add",
                "--name",
                "Locked",
                "--owner",
                "wang",
                "--pool-lock",
                "yes",
            ],
        ),
        "added customer ",
    )
    .to_string();
    let tended = id_in(
        &k.ok_at(
            old,
            &["customer", "add", "--name", "Tended", "--owner", "wang"],
        ),
        "added customer ",
    )
    .to_string();
    k.command()
        .env("KEHU_USER", "wang")
        .args(["log", &tended, "--summary", "keeping in touch"])
        .output()
        .unwrap();
    // Someone else's call does not count as the owner's contact.
    k.ok(&["log", &neglected, "--summary", "a colleague called"]);
    k.today();
    assert_eq!(
        k.json(&["customer", "show", &neglected, "--json"])["owner"],
        "wang",
        "the pool is off by default"
    );
    k.ok(&["settings", "set", "pool_after_days", "30"]);
    k.today();
    assert_eq!(
        k.json(&["customer", "show", &neglected, "--json"])["owner"],
        Value::Null,
        "returned to the pool"
    );
    assert_eq!(
        k.json(&["customer", "show", &locked, "--json"])["owner"],
        "wang",
        "locked customers stay"
    );
    assert_eq!(
        k.json(&["customer", "show", &tended, "--json"])["owner"],
        "wang",
        "contacted by the owner"
    );
    let history = k.json(&["history", &neglected, "--json"]);
    let entry = history
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["after"]["owner"].is_null() && e["before"]["owner"] == "wang");
    assert_eq!(entry.expect("logged")["by"], "pool");
    assert!(
        k.ok(&["customer", "claim", &neglected])
            .contains("you own them")
    );
    k.today();
    assert_eq!(
        k.json(&["customer", "show", &neglected, "--json"])["owner"],
        "tester",
        "a fresh claim is not returned at once"
    );
}

/// Only complaints ride the 24-hour clock: an inquiry has the team's own, longer one, and every
/// view of a ticket — `ticket list --json`, `customer show --json`, the Today queue — tells the
/// same clock.
#[test]
fn each_kind_of_ticket_has_its_own_clock_and_every_view_agrees() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Clock Case"]).to_string();
    k.ok(&["ticket", "open", &id, "--summary", "broken"]);
    k.ok(&[
        "ticket",
        "open",
        &id,
        "--kind",
        "inquiry",
        "--summary",
        "price?",
    ]);
    let later = |args: &[&str]| -> serde_json::Value {
        let out = k
            .command()
            .env("KEHU_NOW", "2026-11-23T16:00:00+08:00") // 30 hours on
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let clocks = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| {
                format!(
                    "{} {}",
                    t["kind"].as_str().unwrap(),
                    t["clock"].as_str().unwrap()
                )
            })
            .collect()
    };
    let listed = later(&["ticket", "list", "--json"]);
    assert_eq!(
        clocks(&listed),
        vec!["inquiry 18h 0m left", "complaint 6h 0m over"],
        "48 h for the inquiry, 24 h for the complaint"
    );
    let shown = later(&["customer", "show", &id, "--json"]);
    assert_eq!(
        clocks(&shown["tickets"]),
        clocks(&listed),
        "show and list agree"
    );
    let today = later(&["today", "--json"]);
    let why = today.to_string();
    assert!(
        why.contains("18h 0m left") && why.contains("6h 0m over"),
        "{why}"
    );

    k.ok(&["settings", "set", "response_hours.inquiry", "12"]);
    assert!(
        k.fails(&["settings", "set", "response_hours.inquiry", "0"])
            .contains("1 to 720")
    );
    let listed = later(&["ticket", "list", "--json"]);
    assert_eq!(clocks(&listed)[0], "inquiry 18h 0m over");

    // Once answered, both views say how long the answer took.
    k.ok(&["ticket", "respond", "1", "--note", "on it"]);
    let listed = later(&["ticket", "list", "--json"]);
    let shown = later(&["customer", "show", &id, "--json"]);
    assert_eq!(clocks(&listed)[1], "complaint answered in 0h 0m");
    assert_eq!(clocks(&shown["tickets"]), clocks(&listed));
}

/// A ticket step is on the timeline but is not contact with the customer unless the user says
/// it was: only then does it move the last contact (and so the cadence).
#[test]
fn ticket_steps_count_as_contact_only_when_the_user_says_so() {
    let k = Kehu::new();
    let id = k.add(&["--name", "Quiet Customer"]).to_string();
    k.ok(&["ticket", "open", &id, "--summary", "late delivery"]);
    let last_contact =
        |k: &Kehu| k.json(&["customer", "show", &id, "--json"])["last_contact_at"].clone();
    k.ok_at(
        "2026-11-22T12:00:00+08:00",
        &[
            "ticket",
            "respond",
            "1",
            "--note",
            "emailed the tracking number",
        ],
    );
    assert_eq!(
        last_contact(&k),
        Value::Null,
        "a written reply is not contact"
    );
    let timeline = k.json(&["interaction", "list", &id, "--json"]);
    assert_eq!(
        timeline.as_array().unwrap().len(),
        1,
        "but it is on the timeline"
    );
    assert_eq!(timeline[0]["contact"], Value::Bool(false));
    k.ok_at(
        "2026-11-22T15:00:00+08:00",
        &[
            "ticket",
            "resolve",
            "1",
            "--note",
            "called, all sorted",
            "--contact",
        ],
    );
    assert_eq!(
        last_contact(&k),
        Value::String("2026-11-22T07:00:00.000Z".into())
    );
}
