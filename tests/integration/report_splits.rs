//! The report's targets, forecast, and figures split by source, campaign and product, against
//! answers worked out by hand.

use crate::common::{Kehu, clock, id_in, temp_store};
use crate::reports::d;
use kehu::report::{self, Period};
use kehu::store;

#[test]
fn targets_set_in_settings_judge_the_report_for_the_team_and_for_one_manager() {
    let k = Kehu::new();
    let a = k.add(&["--name", "A", "--stage", "customer", "--owner", "li"]);
    let b = k.add(&["--name", "B", "--stage", "customer", "--owner", "wang"]);
    for (id, on, amount) in [
        (a, "2026-11-02", "100"),
        (a, "2026-11-10", "300"),
        (b, "2026-11-12", "600"),
    ] {
        k.ok(&[
            "purchase",
            "add",
            &id.to_string(),
            "--date",
            on,
            "--amount",
            amount,
        ]);
    }
    assert_eq!(
        k.ok(&["settings", "set", "target.revenue", "¥900"]).trim(),
        "target.revenue = 900.00"
    );
    k.ok(&[
        "settings",
        "set",
        "target.repeat_buyer_revenue_share",
        "50%",
    ]);
    k.ok(&["settings", "set", "TARGET.churn_rate", "5"]);
    k.ok(&["settings", "set", "target.revenue@li", "500"]);
    // A bad value or figure is refused by name, and nothing is stored.
    let err = k.fails(&["settings", "set", "target.churn_rate", "low"]);
    assert!(err.contains("'low'") && err.contains("churn_rate"), "{err}");
    let err = k.fails(&["settings", "set", "target.happiness", "5"]);
    assert!(
        err.contains("happiness") && err.contains("retention_rate"),
        "{err}"
    );
    assert_eq!(k.ok(&["settings", "get", "target.churn_rate"]).trim(), "5%");

    let team = k.json(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--json",
    ]);
    let t = &team["targets"];
    assert_eq!(t["revenue"]["target"], "900.00");
    assert_eq!(t["revenue"]["met"], true, "1000.00 ≥ 900.00");
    assert_eq!(t["revenue"]["set_for"], "team");
    // Revenue from repeat buyers: A's 400.00 of 1000.00 is below the 50% aimed for.
    assert_eq!(team["repeat_buyer_revenue_share"], 0.4);
    assert_eq!(t["repeat_buyer_revenue_share"]["met"], false);
    assert_eq!(t["churn_rate"]["direction"], "at_most");
    assert_eq!(
        t["churn_rate"]["met"],
        serde_json::Value::Null,
        "no customers at the period's start to judge churn by"
    );

    // li's own revenue target, and the team's rates; the team's amount is not one person's.
    let li = k.json(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--owner",
        "li",
        "--json",
    ]);
    assert_eq!(li["targets"]["revenue"]["set_for"], "li");
    assert_eq!(li["targets"]["revenue"]["met"], false, "400.00 < 500.00");
    assert_eq!(li["targets"]["churn_rate"]["set_for"], "team");
    let wang = k.json(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--owner",
        "wang",
        "--json",
    ]);
    assert!(
        wang["targets"].get("revenue").is_none(),
        "{}",
        wang["targets"]
    );

    let table = k.ok(&["report", "--from", "2026-11-01", "--to", "2026-11-22"]);
    let revenue = table.lines().find(|l| l.starts_with("Revenue  ")).unwrap();
    assert!(revenue.contains("≥¥900.00 ✓"), "{revenue}");
    let churn = table.lines().find(|l| l.starts_with("Churn rate")).unwrap();
    assert!(churn.contains("≤5.0% –"), "{churn}");
    assert!(table.contains("Targets met: 1 of 2"), "{table}");
    let csv = k.ok(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--csv",
    ]);
    assert!(
        csv.lines().any(|l| l
            .starts_with("Revenue from repeat buyers,repeat_buyer_revenue_share,40.0%,")
            && l.ends_with(",≥50%,no")),
        "{csv}"
    );
    assert!(k.ok(&["settings"]).contains("target.revenue@li"));

    // Targets travel with the book: export, load into an empty one, same targets.
    let out = k.dir.path().join("book.json");
    k.ok(&["export", "json", "--out", out.to_str().unwrap()]);
    let other = Kehu::new();
    other.ok(&["import", "json", out.to_str().unwrap()]);
    let moved = other.json(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--owner",
        "li",
        "--json",
    ]);
    assert_eq!(moved["targets"], li["targets"]);

    // `off` removes one.
    k.ok(&["settings", "set", "target.revenue@li", "off"]);
    let li = k.json(&["report", "--owner", "li", "--json"]);
    assert!(li["targets"].get("revenue").is_none());
}

#[test]
fn the_forecast_weighs_open_deals_by_their_stage_and_sums_them_by_close_month() {
    let k = Kehu::new();
    let a = k.add(&["--name", "A", "--owner", "li"]).to_string();
    let b = k.add(&["--name", "B", "--owner", "wang"]).to_string();
    let deal = |id: &str, amount: &str, close: Option<&str>| {
        let mut args = vec!["deal", "add", id, "--title", "t", "--amount", amount];
        if let Some(c) = close {
            args.extend(["--close", c]);
        }
        id_in(&k.ok(&args), "added deal ")
    };
    let d1 = deal(&a, "1000", Some("2026-12-10"));
    let d2 = deal(&b, "400", Some("2026-12-31"));
    deal(&a, "333.33", Some("2027-01-05"));
    deal(&b, "70", None);
    let won = deal(&a, "99999", Some("2026-12-01"));
    k.ok(&["deal", "move", &d1.to_string(), "proposal"]);
    k.ok(&["deal", "move", &d2.to_string(), "negotiation"]);
    k.ok(&["deal", "won", &won.to_string()]);
    k.ok(&["settings", "set", "probability.negotiation", "80%"]);
    let err = k.fails(&["settings", "set", "probability.proposal", "150"]);
    assert!(err.contains("'150'"), "{err}");

    // 1000 × 50% + 400 × 80% in December; 333.33 × 10% in January; 70 × 10% undated; the won
    // deal is no longer a forecast.
    let f = k.json(&["deal", "forecast", "--json"]);
    assert_eq!(f["weighted_total"], "860.33");
    let months: Vec<(String, i64, String, String)> = f["by_close_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_string(),
                m["deals"].as_i64().unwrap(),
                m["amount"].as_str().unwrap().to_string(),
                m["weighted"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        months,
        vec![
            ("2026-12".into(), 2, "1400.00".into(), "820.00".into()),
            ("2027-01".into(), 1, "333.33".into(), "33.33".into()),
            ("undated".into(), 1, "70.00".into(), "7.00".into()),
        ]
    );
    // The report carries the same forecast, limited to an owner's customers with --owner.
    assert_eq!(k.json(&["report", "--json"])["forecast"], f);
    let li = k.json(&["report", "--owner", "li", "--json"]);
    assert_eq!(li["forecast"]["weighted_total"], "533.33");
    let text = k.ok(&["report"]);
    assert!(text.contains("Forecast:"), "{text}");
    let total = text.lines().find(|l| l.starts_with("total")).unwrap();
    assert!(total.contains("¥860.33"), "{total}");
    assert!(
        k.ok(&["deal", "forecast", "--owner", "nobody"])
            .contains("no open deals")
    );
}

#[test]
fn sources_and_campaigns_split_the_figures_without_losing_or_doubling_any() {
    let (_dir, s) = temp_store();
    kehu::demo::load(&s, &crate::common::ctx("tester")).unwrap();
    let period = Period {
        from: d("2026-06-01"),
        to: d("2026-11-22"),
    };
    let r = report::compute(&s, period, None, &clock()).unwrap();
    let raw = &r.current.raw;
    assert!(raw.by_source.len() > 3, "{:?}", raw.by_source);
    // Every customer has one source (or none): the parts add up to the whole.
    let sum = |f: fn(&store::breakdowns::Segment) -> i64| raw.by_source.iter().map(f).sum::<i64>();
    assert_eq!(sum(|x| x.converted), raw.converted);
    assert_eq!(sum(|x| x.lead_base), raw.lead_base);
    assert_eq!(sum(|x| x.churned), raw.churned);
    assert_eq!(sum(|x| x.customers_at_start), raw.customers_at_start);
    assert_eq!(sum(|x| x.revenue), raw.revenue);
    // The campaign's attendees, counted from the tables independently; invitations alone are
    // not participation.
    let (attended, revenue): (i64, i64) = s
        .read(|c| {
            c.query_row(
                "SELECT count(DISTINCT m.customer_id),
                        coalesce((SELECT sum(p.amount) FROM purchase p WHERE p.on_date BETWEEN '2026-06-01' AND '2026-11-22'
                          AND p.customer_id IN (SELECT customer_id FROM campaign_member WHERE attended_at IS NOT NULL)), 0)
                 FROM campaign_member m WHERE m.attended_at IS NOT NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .unwrap();
    assert!(attended > 0);
    let total: i64 = raw.by_campaign.iter().map(|x| x.revenue).sum();
    assert_eq!(total, revenue, "{:?}", raw.by_campaign);
    let j = r.json();
    let (name, first) = j["by_source"].as_object().unwrap().iter().next().unwrap();
    assert!(
        first["conversion_rate"].is_number() || first["conversion_rate"].is_null(),
        "{name}"
    );
    assert!(first["revenue"].is_string());

    // The plan table has each customer's value score and latest feedback.
    let rows = report::plan_rows(&s, None, &clock()).unwrap();
    let at = |h: &str| rows[0].iter().position(|c| c == h).unwrap();
    let (value, feedback) = (at("Value"), at("Feedback"));
    assert!(rows[1..].iter().any(|r| r[value] != "0"));
    assert!(
        rows[1..].iter().any(|r| r[feedback].contains('.')),
        "a survey's average shows"
    );
}

#[test]
fn purchases_pick_products_from_the_list_and_the_report_splits_revenue_and_repurchase_by_them() {
    let k = Kehu::new();
    k.ok(&[
        "product",
        "add",
        "Premium Service",
        "--category",
        "services",
        "--price",
        "1200",
    ]);
    k.ok(&["product", "add", "Starter Kit", "--category", "hardware"]);
    let err = k.fails(&["product", "add", "premium service"]);
    assert!(err.contains("already product"), "{err}");
    let a = k.add(&["--name", "A"]).to_string();
    let b = k.add(&["--name", "B"]).to_string();
    let buy = |id: &str, product: &str, amount: &str| {
        k.ok(&[
            "purchase",
            "add",
            id,
            "--product",
            product,
            "--amount",
            amount,
            "--date",
            "2026-11-10",
        ]);
    };
    // Any case picks the listed spelling; other text is kept as typed.
    buy(&a, "premium SERVICE", "1200");
    buy(&a, "Premium Service", "1200");
    buy(&b, "Premium Service", "1000");
    buy(&b, "Starter Kit", "300");
    buy(&b, "a custom job", "50");
    let bought = k.json(&["purchase", "list", &a, "--json"]);
    assert!(
        bought
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["product"] == "Premium Service"),
        "{bought}"
    );
    let r = k.json(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-22",
        "--json",
    ]);
    let premium = &r["by_product"]["Premium Service"];
    assert_eq!(premium["revenue"], "3400.00");
    assert_eq!(
        (
            premium["buyers"].as_i64(),
            premium["repeat_buyers"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(premium["repurchase_rate"], 0.5);
    assert_eq!(r["by_product"]["a custom job"]["revenue"], "50.00");
    assert_eq!(r["by_category"]["services"]["revenue"], "3400.00");
    assert_eq!(r["by_category"]["hardware"]["revenue"], "300.00");
    assert_eq!(r["by_category"]["uncategorised"]["revenue"], "50.00");
    // The parts add up to the period's revenue.
    let total: f64 = r["by_product"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p["revenue"].as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(format!("{total:.2}"), r["revenue"].as_str().unwrap());
    let text = k.ok(&["report", "--from", "2026-11-01", "--to", "2026-11-22"]);
    assert!(
        text.contains("by product: Premium Service ¥3,400.00 (2 buyers, repurchase 50.0%)"),
        "{text}"
    );
    // The list travels with the book.
    let file = k.dir.path().join("book.json");
    k.ok(&["export", "json", "--out", file.to_str().unwrap()]);
    let other = Kehu::new();
    other.ok(&["import", "json", file.to_str().unwrap()]);
    let list = other.json(&["product", "list", "--json"]);
    assert_eq!(list[0]["category"], "hardware");
    assert_eq!(list[1]["price"], "1200.00");
}
