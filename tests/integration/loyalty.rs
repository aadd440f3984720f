//! The loyalty programme through the real binary (issue 17, item 1): points earned by purchases,
//! surveys and referrals, redeemed and adjusted, expiring first in first out; member levels and
//! benefits; coupons issued to a customer or a segment and redeemed against a purchase; the
//! report's figures; the JSON export.

use serde_json::Value;

use crate::common::Kehu;

/// Runs at `now` (RFC 3339), expecting a refusal; returns stderr.
fn fails_at(k: &Kehu, now: &str, args: &[&str]) -> String {
    let out = k
        .command()
        .env("KEHU_NOW", now)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "kehu {args:?}: {err}");
    err
}

/// The customer's account manager.
fn standing_owner(k: &Kehu, id: &str) -> String {
    let c = k.json(&["customer", "show", id, "--json"]);
    c["owner"].as_str().unwrap_or_default().to_string()
}

fn standing(k: &Kehu, id: &str) -> Value {
    k.json(&["points", "show", id, "--json"])
}

#[test]
fn points_levels_coupons_and_the_report_follow_the_team_rules() {
    let k = Kehu::new();
    let at = |now: &str, args: &[&str]| k.ok_at(now, args);
    let june = "2024-06-01T10:00:00+08:00";
    let add = |name: &str, tier: &str| {
        let out = at(june, &["customer", "add", "--name", name, "--tier", tier]);
        crate::common::id_in(&out, "added customer ").to_string()
    };
    let (a, b, c) = (
        add("Ann", "regular"),
        add("Bob", "vip"),
        add("Cat", "regular"),
    );

    // A purchase earns a point per yuan (whole points, rounded down), times the tier's multiplier.
    at(
        june,
        &[
            "purchase",
            "add",
            &a,
            "--amount",
            "1234.56",
            "--date",
            "2024-06-01",
        ],
    );
    at(
        june,
        &[
            "purchase",
            "add",
            &b,
            "--amount",
            "1000",
            "--date",
            "2024-06-01",
        ],
    );
    assert_eq!(standing(&k, &a)["balance"], 1234);
    assert_eq!(standing(&k, &b)["balance"], 2000, "VIPs earn double");
    // A survey earns its bonus; a referral its own, once per customer brought in.
    at(
        june,
        &[
            "survey",
            "add",
            &a,
            "--quality",
            "5",
            "--attitude",
            "4",
            "--speed",
            "4",
            "--date",
            "2024-06-02",
        ],
    );
    at(
        "2025-01-10T10:00:00+08:00",
        &["points", "referral", &a, "--referred", &c],
    );
    let err = k.fails(&["points", "referral", &b, "--referred", &c]);
    assert!(
        err.contains("Cat") && err.contains(&format!("customer {a}")),
        "{err}"
    );
    let err = k.fails(&["points", "referral", &a, "--referred", &a]);
    assert!(err.contains("themselves"), "{err}");

    // Levels by points earned, with their benefits and what is missing to the next.
    let s = standing(&k, &a);
    assert_eq!(s["balance"], 1234 + 50 + 200);
    assert_eq!(s["level"]["name"], "Silver 银卡");
    assert_eq!(s["level"]["benefits"][0], "birthday gift 生日礼物");
    assert_eq!(s["next_level"]["missing"], 5000 - 1484);
    let text = k.ok(&["points", "show", &a]);
    assert!(text.contains("1484 points · level Silver 银卡"), "{text}");

    // Redeeming more than the balance is refused and changes nothing; within it, it is spent.
    let feb = "2025-02-01T10:00:00+08:00";
    let err = fails_at(
        &k,
        feb,
        &["points", "redeem", &a, "2000", "--reason", "a gift"],
    );
    assert!(err.contains("1484"), "{err}");
    at(
        "2025-02-01T10:00:00+08:00",
        &["points", "redeem", &a, "500", "--reason", "tea set"],
    );
    assert_eq!(standing(&k, &a)["balance"], 984);
    // An adjustment needs a reason and never takes the balance below zero.
    let err = fails_at(
        &k,
        feb,
        &["points", "adjust", &a, "-5000", "--reason", "typo"],
    );
    assert!(err.contains("984"), "{err}");
    let err = k.fails(&["points", "adjust", &a, "100", "--reason", " "]);
    assert!(err.contains("reason"), "{err}");
    at(
        "2025-02-01T10:00:00+08:00",
        &["points", "adjust", &a, "+16", "--reason", "goodwill"],
    );
    assert_eq!(standing(&k, &a)["balance"], 1000);

    // 24 months on, the daily pass expires what was earned before the cut-off and not spent,
    // first in first out: 1234 + 50 earned in June 2024, less the 500 spent, = 784.
    at("2026-07-05T10:00:00+08:00", &["today"]);
    let s = standing(&k, &a);
    assert_eq!(s["balance"], 1000 - 784, "{s}");
    assert_eq!(s["entries"][0]["kind"], "expire");
    assert_eq!(s["entries"][0]["points"], -784);
    // The level stays: it goes by points earned, not by the balance.
    assert_eq!(s["level"]["name"], "Silver 银卡");

    // Coupons: one to a customer with its own code, one each to a segment.
    let now = "2026-07-10T10:00:00+08:00";
    at(
        now,
        &[
            "coupon",
            "issue",
            "--customer",
            &a,
            "--value",
            "50",
            "--code",
            "THANKS",
            "--until",
            "2026-07-31",
        ],
    );
    let issued = at(
        now,
        &[
            "coupon",
            "issue",
            "--tier",
            "vip",
            "--percent",
            "10",
            "--code",
            "VIP10",
            "--json",
        ],
    );
    let codes: Value = serde_json::from_str(&issued).unwrap();
    assert_eq!(codes, serde_json::json!([format!("VIP10-{b}")]));
    let err = k.fails(&[
        "coupon",
        "issue",
        "--customer",
        &b,
        "--value",
        "5",
        "--code",
        "thanks",
    ]);
    assert!(err.contains("taken"), "{err}");
    let err = k.fails(&["coupon", "issue", "--value", "5"]);
    assert!(err.contains("--customer"), "{err}");
    // Redeemed with the purchase: a per cent coupon took the list price less what was paid.
    let out = at(
        now,
        &[
            "purchase",
            "add",
            &b,
            "--amount",
            "900",
            "--coupon",
            &format!("vip10-{b}"),
        ],
    );
    assert!(out.contains("100.00 off"), "{out}");
    // Correcting the purchase moves the coupon's discount (and the points) with it; a date
    // before the coupon was valid is refused and nothing changes.
    let bobs = k.json(&["purchase", "list", &b, "--json"])[0]["id"].to_string();
    at(now, &["purchase", "edit", &bobs, "--amount", "450"]);
    let coupon = &k.json(&["coupon", "list", "--customer", &b, "--json"])[0];
    assert_eq!(coupon["discount"], "50.00");
    let err = fails_at(
        &k,
        now,
        &["purchase", "edit", &bobs, "--date", "2026-07-01"],
    );
    assert!(err.contains("2026-07-10"), "{err}");
    at(now, &["purchase", "edit", &bobs, "--amount", "900"]);
    // Refused, and the purchase is not recorded: another customer's coupon, a used one, out of dates.
    let purchases = |id: &str| {
        k.json(&["purchase", "list", id, "--json"])
            .as_array()
            .unwrap()
            .len()
    };
    let before = purchases(&a);
    let err = k.fails(&[
        "purchase",
        "add",
        &a,
        "--amount",
        "10",
        "--coupon",
        &format!("VIP10-{b}"),
    ]);
    assert!(err.contains("already redeemed"), "{err}");
    let err = k.fails(&[
        "purchase", "add", &c, "--amount", "10", "--coupon", "THANKS",
    ]);
    assert!(err.contains(&format!("customer {a}")), "{err}");
    let err = k.fails(&[
        "purchase",
        "add",
        &a,
        "--amount",
        "10",
        "--coupon",
        "THANKS",
        "--date",
        "2026-08-02",
    ]);
    assert!(err.contains("2026-07-31"), "{err}");
    assert_eq!(purchases(&a), before);
    let open: Value =
        serde_json::from_str(&at(now, &["coupon", "list", "--open", "--json"])).unwrap();
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["code"], "THANKS");
    // A coupon about to expire unused is a reason to call: the Today queue says so a week ahead.
    let rows = |now: &str| crate::care_workflows::today_rows(&k, now, "coupon");
    assert!(
        rows("2026-07-20T10:00:00+08:00").is_empty(),
        "eleven days ahead"
    );
    let due = rows("2026-07-27T10:00:00+08:00");
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].0, "Ann");
    assert!(
        due[0].1.contains("THANKS") && due[0].2.contains("expires in 4 days"),
        "{due:?}"
    );

    // The report over July 2026: issued 1800 (Bob's purchase ×2), redeemed none, 2 coupons of
    // which 1 redeemed, ¥100 off; active members: Bob.
    let r = at(
        now,
        &[
            "report",
            "--from",
            "2026-07-01",
            "--to",
            "2026-07-31",
            "--json",
        ],
    );
    let r: Value = serde_json::from_str(&r).unwrap();
    let f = &r;
    assert_eq!(f["points_issued"], 1800, "{f}");
    assert_eq!(f["points_redeemed"], 0);
    // Ann's 784 and Bob's June 2024 points, all unspent.
    assert_eq!(f["points_expired"], 784 + 2000);
    assert_eq!(f["active_members"], 1);
    assert_eq!(f["coupons_issued"], 2);
    assert_eq!(f["coupons_redeemed"], 1);
    assert_eq!(f["coupon_redemption_rate"], 0.5);
    // For one account manager: Ann's and Bob's has all of it, anyone else none.
    let july_of = |owner: &str| -> Value {
        let args = [
            "report",
            "--from",
            "2026-07-01",
            "--to",
            "2026-07-31",
            "--owner",
            owner,
            "--json",
        ];
        serde_json::from_str(&at(now, &args)).unwrap()
    };
    let owner = standing_owner(&k, &a);
    assert!(!owner.is_empty());
    assert_eq!(owner, standing_owner(&k, &b));
    let theirs = july_of(&owner);
    assert_eq!(theirs["points_issued"], 1800, "{theirs}");
    assert_eq!(theirs["points_expired"], 784 + 2000);
    assert_eq!(theirs["active_members"], 1);
    assert_eq!(theirs["coupons_issued"], 2);
    assert_eq!(theirs["coupons_redeemed"], 1);
    let nobodys = july_of("nobody.else");
    assert_eq!(nobodys["points_issued"], 0, "{nobodys}");
    assert_eq!(nobodys["points_expired"], 0);
    assert_eq!(nobodys["active_members"], 0);
    assert_eq!(nobodys["coupons_issued"], 0);
    // Over everything: redemption rate = 500 redeemed ÷ (1234 + 2000 + 50 + 200 + 16 + 1800) issued.
    let r = at(
        now,
        &[
            "report",
            "--from",
            "2024-01-01",
            "--to",
            "2026-07-31",
            "--json",
        ],
    );
    let r: Value = serde_json::from_str(&r).unwrap();
    let rate = r["points_redemption_rate"].as_f64().unwrap();
    // Rates are given to four places.
    assert!((rate - 500.0 / 5300.0).abs() < 5e-5, "{rate}");

    // The ledger and the coupons travel with the book.
    let file = k.dir.path().join("book.json");
    k.ok(&["export", "json", "--out", file.to_str().unwrap()]);
    let other = Kehu::new();
    other.ok(&["import", "json", file.to_str().unwrap()]);
    assert_eq!(standing(&other, &a)["balance"], standing(&k, &a)["balance"]);
    assert_eq!(
        other.json(&["coupon", "list", "--json"]),
        k.json(&["coupon", "list", "--json"])
    );
    // Deleting a purchase takes its points back and reopens its coupon; erasing a customer
    // takes their ledger and coupons.
    let bob_purchase = k.json(&["purchase", "list", &b, "--json"])[0]["id"].to_string();
    k.ok(&["purchase", "delete", &bob_purchase]);
    assert_eq!(
        standing(&k, &b)["balance"],
        0,
        "2000 expired, 1800 taken back"
    );
    assert_eq!(
        k.json(&["coupon", "list", "--open", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Undoing the deletion brings back the purchase, its points and its coupon's redemption.
    let said = k.ok(&["undo"]);
    assert!(
        said.contains(&format!("purchase #{bob_purchase}")),
        "{said}"
    );
    assert_eq!(standing(&k, &b)["balance"], 1800);
    assert_eq!(
        k.json(&["coupon", "list", "--customer", &b, "--json"])[0]["purchase_id"].to_string(),
        bob_purchase
    );
    k.ok(&["customer", "erase", &a, "--yes"]);
    assert_eq!(
        k.json(&["coupon", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1,
        "Ann's coupon went with her"
    );
    assert_eq!(
        k.json(&["points", "show", &b, "--json"])["balance"],
        1800,
        "Bob's ledger stays"
    );
    // A refund takes back its purchase's points, and what counts for the level with them.
    k.ok(&["purchase", "add", &c, "--amount", "1500"]);
    assert_eq!(standing(&k, &c)["level"]["name"], "Silver 银卡");
    k.ok(&["purchase", "add", &c, "--amount", "-1500"]);
    let s = standing(&k, &c);
    assert_eq!((&s["balance"], &s["earned"]), (&0.into(), &0.into()), "{s}");
    assert_eq!(s["level"], Value::Null);
}
