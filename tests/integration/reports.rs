//! Every figure of `kehu report` against answers worked out by hand on a small book.

use chrono::{DateTime, NaiveDate, Utc};
use kehu::domain::{
    Clock, CustomerFields, InteractionFields, InteractionKind, Priority, PurchaseFields, Severity,
    Stage, TicketKind, TicketStatus, Tier, TodoFields,
};
use kehu::report::{self, Period};
use kehu::store::{self, Ctx};
use serde_json::Value;

use crate::common::{Kehu, clock, temp_store};

/// A writer whose clock says `at` (Shanghai time).
fn at(when: &str) -> Ctx {
    let t = DateTime::parse_from_rfc3339(when).expect("time");
    Ctx::new("tester", Clock::fixed(t.with_timezone(&Utc), *t.offset()))
}

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn customer(s: &store::Store, when: &str, name: &str, stage: Stage, tier: Tier) -> i64 {
    let mut f = CustomerFields::named(name);
    f.stage = stage;
    f.tier = tier;
    let c = at(when);
    s.write(|x| store::customers::add(x, &c, &f, &[])).unwrap()
}

fn set_stage(s: &store::Store, when: &str, id: i64, stage: Stage) {
    let c = at(when);
    let cur = s.read(|x| store::customers::get(x, id)).unwrap();
    let mut f = cur.fields.clone();
    f.stage = stage;
    if stage == Stage::Churned {
        f.churn_reason = Some("price".into());
    }
    s.write(|x| store::customers::update(x, &c, id, cur.audit.version, &f, &cur.tags))
        .unwrap();
}

fn buy(s: &store::Store, id: i64, on: &str, amount: i64) {
    let c = at("2026-11-22T09:00:00+08:00");
    let f = PurchaseFields {
        on_date: d(on),
        product: None,
        amount,
        note: None,
    };
    s.write(|x| store::purchases::add(x, &c, id, &f)).unwrap();
}

#[test]
fn every_figure_matches_the_hand_worked_answer() {
    let (_dir, s) = temp_store();
    // A: a VIP lead since September who became a customer on 5 Nov.
    let a = customer(&s, "2026-09-01T10:00:00+08:00", "A", Stage::Lead, Tier::Vip);
    set_stage(&s, "2026-11-05T10:00:00+08:00", a, Stage::Customer);
    // B: a prospect since September, still a prospect.
    let b = customer(
        &s,
        "2026-09-01T10:00:00+08:00",
        "B",
        Stage::Prospect,
        Tier::Regular,
    );
    // C: a new lead, added in the period.
    customer(
        &s,
        "2026-11-10T10:00:00+08:00",
        "C",
        Stage::Lead,
        Tier::Regular,
    );
    // D: a customer since August who churned on 15 Nov.
    let dd = customer(
        &s,
        "2026-08-01T10:00:00+08:00",
        "D",
        Stage::Customer,
        Tier::Regular,
    );
    set_stage(&s, "2026-11-15T10:00:00+08:00", dd, Stage::Churned);
    // E: a customer since August.
    let e = customer(
        &s,
        "2026-08-01T10:00:00+08:00",
        "E",
        Stage::Customer,
        Tier::Regular,
    );

    buy(&s, e, "2026-11-02", 10_000);
    buy(&s, e, "2026-11-20", 30_000);
    buy(&s, a, "2026-11-06", 60_000);
    buy(&s, dd, "2026-10-15", 5_000); // before the period, in the previous one
    // A refund to B, who never bought: net revenue falls, but a refund is never a purchase and
    // B is no buyer.
    buy(&s, b, "2026-11-21", -5_000);

    let deal_ctx = at("2026-11-08T10:00:00+08:00");
    s.write(|x| {
        let won = store::deals::add(x, &deal_ctx, e, "won", 1, None)?;
        store::deals::move_to(
            x,
            &deal_ctx,
            won,
            1,
            kehu::domain::DealStage::Won,
            None,
            store::deals::WinPurchase::No,
        )?;
        let lost = store::deals::add(x, &deal_ctx, a, "lost", 1, None)?;
        store::deals::move_to(
            x,
            &deal_ctx,
            lost,
            1,
            kehu::domain::DealStage::Lost,
            Some("price"),
            store::deals::WinPurchase::No,
        )
    })
    .unwrap();

    let sc = at("2026-11-12T10:00:00+08:00");
    s.write(|x| store::surveys::add(x, &sc, e, d("2026-11-12"), 5, 4, 3, None))
        .unwrap();
    s.write(|x| store::surveys::add(x, &sc, a, d("2026-11-13"), 3, 4, 5, None))
        .unwrap();

    // Complaints: answered after 6 h, after 48 h, and not yet.
    let complaint = |opened: &str, answered: Option<&str>| {
        let o = at(opened);
        let id = s
            .write(|x| store::tickets::open(x, &o, e, TicketKind::Complaint, Severity::Normal, "x"))
            .unwrap();
        if let Some(ans) = answered {
            let r = at(ans);
            s.write(|x| {
                store::tickets::advance(x, &r, id, 1, TicketStatus::Responded, "answered", false)
            })
            .unwrap();
        }
    };
    complaint(
        "2026-11-10T09:00:00+08:00",
        Some("2026-11-10T15:00:00+08:00"),
    );
    complaint(
        "2026-11-12T09:00:00+08:00",
        Some("2026-11-14T09:00:00+08:00"),
    );
    complaint("2026-11-20T09:00:00+08:00", None);

    // E was contacted on 20 Nov (the complaint answers above also count as contact).
    let call = InteractionFields {
        at: "2026-11-20T02:00:00.000Z".into(),
        kind: InteractionKind::Call,
        summary: "hi".into(),
        details: None,
    };
    s.write(|x| store::interactions::add(x, &at("2026-11-20T10:00:00+08:00"), e, &call))
        .unwrap();

    // To-dos: one done a day early, one done two days late.
    let todo = |due: &str, done: &str| {
        let f = TodoFields {
            customer_id: Some(b),
            title: "t".into(),
            due: Some(d(due)),
            due_time: None,
            priority: Priority::Normal,
            assignee: None,
            recurrence: None,
        };
        let id = s
            .write(|x| store::todos::add(x, &at("2026-11-01T10:00:00+08:00"), &f))
            .unwrap();
        s.write(|x| store::todos::complete(x, &at(done), id, 1))
            .unwrap();
    };
    todo("2026-11-10", "2026-11-09T10:00:00+08:00");
    todo("2026-11-05", "2026-11-07T10:00:00+08:00");

    let r = report::compute(
        &s,
        Period {
            from: d("2026-11-01"),
            to: d("2026-11-22"),
        },
        None,
        &clock(),
    )
    .unwrap();
    let f = &r.current;
    let pct = |x: Option<f64>| x.map(|v| (v * 1000.0).round() / 1000.0);
    assert_eq!(
        f.raw.new_customers, 1,
        "A became a customer; C is a new lead"
    );
    assert_eq!(f.raw.new_leads, 1, "C");
    assert_eq!((f.raw.converted, f.raw.lead_base), (1, 3), "A of A, B, C");
    assert_eq!(pct(f.conversion_rate), Some(0.333));
    assert_eq!(f.deal_win_rate, Some(0.5));
    assert_eq!(
        (f.raw.churned, f.raw.customers_at_start),
        (1, 2),
        "D of D, E"
    );
    assert_eq!(f.churn_rate, Some(0.5));
    assert_eq!(f.raw.retained, 1, "E");
    assert_eq!(f.retention_rate, Some(0.5));
    assert_eq!(f.raw.revenue, 95_000, "1000.00 bought less 50.00 refunded");
    assert_eq!((f.raw.refunds, f.raw.refund_count), (5_000, 1));
    assert_eq!(
        f.average_purchase_value,
        Some(33_333),
        "1000.00 over 3 purchases; the refund is not one"
    );
    assert_eq!(
        f.repurchase_rate,
        Some(0.5),
        "E of the period's buyers E, A"
    );
    assert_eq!(pct(f.repurchase_rate_all_time), Some(0.333), "E of E, A, D");
    assert_eq!(
        (
            f.raw.repeat_buyer_revenue,
            pct(f.repeat_buyer_revenue_share)
        ),
        (40_000, Some(0.421)),
        "E's 400.00 (E bought twice) of the period's 950.00 net; A bought once"
    );
    assert_eq!(
        f.revenue_per_buyer_to_date,
        Some(33_333),
        "1000.00 net to date over 3 buyers"
    );
    // 333.33 a purchase × 1.5 purchases per buyer in 22 days, made yearly × 1 ÷ yearly churn
    // (half of the customers in 22 days).
    let years = 22.0 / 365.0;
    let yearly_churn = 1.0 - (1.0f64 - 0.5).powf(1.0 / years);
    let clv = 33_333.0 * (3.0 / 2.0 / years) * (1.0 / yearly_churn).min(10.0);
    assert_eq!(f.customer_lifetime_value, Some(clv.round() as i64));
    assert_eq!(
        pct(f.top_20_percent_revenue_share),
        Some(0.632),
        "A's 600 of 950 net"
    );
    assert_eq!(
        f.raw.revenue_by_tier,
        vec![("regular".to_string(), 35_000), ("vip".to_string(), 60_000)]
    );
    assert_eq!(f.satisfaction, Some((4.0, 4.0, 4.0)));
    assert_eq!(f.raw.complaints, 3);
    assert_eq!(pct(f.first_response_within_24h), Some(0.333));
    assert_eq!(
        f.median_first_response_hours,
        Some(27.0),
        "median of 6 h and 48 h"
    );
    assert_eq!(f.raw.active_customers, 4, "A, B, C, E");
    assert_eq!(f.complaint_rate, Some(0.75));
    // Within cadence on 22 Nov: E (contacted 20 Nov), B (82 days ≤ 90), C (12 days); not A
    // (VIP, 82 days > 30).
    assert_eq!(f.raw.within_cadence, 3);
    assert_eq!(f.follow_up_compliance, Some(0.75));
    assert_eq!((f.raw.todos_on_time, f.raw.todos_late), (1, 1));
    let tiers: Vec<(String, i64)> = f.raw.by_tier.clone();
    assert_eq!(
        tiers,
        vec![("regular".to_string(), 4), ("vip".to_string(), 1)]
    );

    // Every list behind a figure holds exactly what the figure counts, in this period and in
    // the one before (judged as it was at its end).
    let counted = |f: &report::Figures, key: &str, buyers: i64| -> i64 {
        match key {
            "new_customers" => f.raw.new_customers,
            "conversion_rate" => f.raw.converted,
            "churn_rate" => f.raw.churned,
            "retention_rate" => f.raw.retained,
            "repurchase_rate" => f.raw.repeat_buyers,
            "revenue" | "top_20_percent_revenue_share" => buyers,
            "complaint_rate" => f.raw.complaints,
            "first_response_within_24h" => f.raw.complaints_due - f.raw.complaints_answered_in_24h,
            "follow_up_compliance" => f.raw.active_customers - f.raw.within_cadence,
            other => panic!("no count for {other}"),
        }
    };
    let periods = [
        (d("2026-11-01"), d("2026-11-22"), &r.current, 3), // E, A, and B's refund
        (d("2026-10-10"), d("2026-10-31"), &r.previous, 1), // D
    ];
    for (from, to, figures, buyers) in periods {
        let scope = store::reports::Scope::new(from, to, None, &clock());
        for key in store::reports::DRILLABLE {
            let listed = s
                .read(|x| store::reports::customers_behind(x, &scope, key))
                .unwrap();
            assert_eq!(
                listed.len() as i64,
                counted(figures, key, buyers),
                "{from} {key}: {listed:?}"
            );
        }
    }
    // The dashboard's charts read the same series without computing every figure again.
    let scope = store::reports::Scope::new(d("2026-11-01"), d("2026-11-22"), None, &clock());
    let trend = s.read(|x| store::reports::trend(x, &scope)).unwrap();
    assert_eq!(trend.new_per_month, f.raw.new_per_month);
    assert_eq!(trend.revenue_per_month, f.raw.revenue_per_month);
    assert_eq!(trend.satisfaction_per_month, f.raw.satisfaction_per_month);
    assert_eq!(
        trend.churned_per_month,
        vec![("2026-11".to_string(), 1)],
        "D"
    );
    // At the end of October D had not churned yet: four active customers then (C came later).
    assert_eq!(
        r.previous.raw.active_customers, 4,
        "A, B, D, E as they were"
    );

    // The previous period (10–31 Oct): D's purchase, nothing else.
    assert_eq!(r.previous.raw.revenue, 5_000);
    assert_eq!(
        r.previous.churn_rate,
        Some(0.0),
        "no churn among the 2 customers then"
    );
    assert_eq!(r.previous.satisfaction, None);

    // One owner's book only.
    let mine = report::compute(
        &s,
        Period {
            from: d("2026-11-01"),
            to: d("2026-11-22"),
        },
        Some("nobody".into()),
        &clock(),
    )
    .unwrap();
    assert_eq!(mine.current.raw.revenue, 0);
    assert_eq!(mine.current.churn_rate, None);
}

#[test]
fn report_formats_and_empty_database() {
    let k = Kehu::new();
    let j = k.json(&["report", "--json"]);
    for key in [
        "churn_rate",
        "conversion_rate",
        "repurchase_rate",
        "satisfaction",
        "complaint_rate",
        "first_response_within_24h",
        "customer_lifetime_value",
        "follow_up_compliance",
    ] {
        assert_eq!(j[key], Value::Null, "{key} on an empty database");
    }
    assert_eq!(j["period"]["from"], "2026-10-24");
    assert_eq!(j["previous"]["period"]["to"], "2026-10-23");
    assert!(!j.to_string().contains("NaN"));
    let text = k.ok(&["report"]);
    assert!(text.contains("Churn rate") && text.contains('–'), "{text}");
    let csv = k.ok(&["report", "--csv"]);
    assert!(csv.starts_with("figure,key,value,previous,change,target,target_met\n"));
    assert!(csv.contains("Churn rate,churn_rate,–,–,→"));
    // Every figure of the report has its definition, in both languages.
    let explained = k.json(&["report", "--explain", "--json"]);
    for key in j.as_object().unwrap().keys() {
        if matches!(
            key.as_str(),
            "period"
                | "owner"
                | "previous"
                | "targets"
                | "forecast"
                | "by_source"
                | "by_campaign"
                | "by_product"
                | "by_category"
        ) || key.contains("_by_")
            || key.ends_with("_per_month")
        {
            continue;
        }
        if matches!(key.as_str(), "complaints" | "churned") {
            continue;
        }
        assert!(
            explained[key].as_str().is_some_and(|t| t.contains('=')),
            "{key} has no definition: {explained}"
        );
    }
    let text = k.ok(&["report", "--explain"]);
    assert!(
        text.contains("Churn rate (churn_rate)") && text.contains("never passes 100%"),
        "{text}"
    );
    let md = k.ok(&["report", "--markdown"]);
    assert!(md.contains("| Figure | Now | Before | |"));
    assert!(
        k.fails(&["report", "--from", "2026-12-01", "--to", "2026-11-01"])
            .contains("after")
    );
    assert_eq!(
        k.run(&["report", "--json", "--csv"]).status.code(),
        Some(2),
        "one format at a time"
    );

    let id = k
        .add(&[
            "--name",
            "=HYPERLINK(\"evil\")",
            "--service-needs",
            "fast | cheap",
        ])
        .to_string();
    k.ok(&["purchase", "add", &id, "--amount", "99"]);
    let plan = k.ok(&["report", "plan", "--csv"]);
    assert!(
        plan.lines()
            .next()
            .unwrap()
            .starts_with("Customer,Contact,Last contact")
    );
    assert!(
        plan.contains("\"'=HYPERLINK(\"\"evil\"\")\""),
        "formula escaped: {plan}"
    );
    let md = k.ok(&["report", "plan", "--markdown"]);
    assert!(md.contains("fast \\| cheap"), "{md}");
    // An invitation is not participation: the plan table says which campaigns a customer took
    // part in, and which they were only invited to, in the interface language.
    k.ok(&["campaign", "add", "--name", "Spring fair"]);
    k.ok(&["campaign", "add", "--name", "Autumn fair"]);
    k.ok(&["campaign", "invite", "1", "--customer", &id]);
    k.ok(&["campaign", "invite", "2", "--customer", &id]);
    k.ok(&["campaign", "attend", "1", &id]);
    let plan = k.ok(&["report", "plan", "--csv"]);
    assert!(
        plan.contains("Spring fair · invited only: Autumn fair"),
        "{plan}"
    );
    let zh = k
        .command()
        .env("KEHU_LANG", "zh")
        .args(["report", "plan", "--csv"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&zh.stdout).contains("仅受邀:Autumn fair"));
    assert!(k.ok(&["report", "plan"]).contains("99.00"));
}

/// Months and days are the team's, not UTC's: at +08:00, +00:00 and −05:00, a customer added
/// 31 Oct 16:30 UTC (1 Nov 00:30 in Beijing) and a to-do due 1 Nov done 2 Nov 03:00 UTC
/// (1 Nov 22:00 in New York) land where the people there would put them.
#[test]
fn months_and_on_time_use_the_teams_time_zone() {
    use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
    use kehu::domain::{Clock, CustomerFields, Priority, TodoFields};
    use kehu::store::{Ctx, customers, reports, todos};
    let instant = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let cases = [
        (8 * 3600, "2026-11", 0, 1),
        (0, "2026-10", 0, 1),
        (-5 * 3600, "2026-10", 1, 0),
    ];
    for (seconds, month, on_time, late) in cases {
        let (_d, st) = crate::common::temp_store();
        let offset = FixedOffset::east_opt(seconds).unwrap();
        let at = |s: &str| Ctx::new("tester", Clock::fixed(instant(s), offset));
        let id = st
            .write(|x| {
                customers::add(
                    x,
                    &at("2026-10-31T16:30:00Z"),
                    &CustomerFields {
                        stage: kehu::domain::Stage::Customer,
                        ..CustomerFields::named("Edge Case")
                    },
                    &[],
                )
            })
            .unwrap();
        let todo = st
            .write(|x| {
                todos::add(
                    x,
                    &at("2026-10-30T12:00:00Z"),
                    &TodoFields {
                        customer_id: Some(id),
                        title: "due the first".into(),
                        due: NaiveDate::from_ymd_opt(2026, 11, 1),
                        due_time: None,
                        priority: Priority::Normal,
                        assignee: None,
                        recurrence: None,
                    },
                )
            })
            .unwrap();
        let version = st.read(|x| todos::get(x, todo)).unwrap().audit.version;
        st.write(|x| todos::complete(x, &at("2026-11-02T03:00:00Z"), todo, version))
            .unwrap();
        let clock = Clock::fixed(instant("2026-11-20T00:00:00Z"), offset);
        let scope = reports::Scope::new(
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            None,
            &clock,
        );
        let raw = st.read(|x| reports::compute(x, &scope, &clock)).unwrap();
        assert_eq!(
            raw.new_per_month,
            vec![(month.to_string(), 1)],
            "at {seconds} s from UTC"
        );
        assert_eq!(
            (raw.todos_on_time, raw.todos_late),
            (on_time, late),
            "on time at {seconds} s from UTC"
        );
    }
}

/// The team's time zone is a setting: a teammate whose machine runs on UTC still puts a customer
/// added 1 Nov 00:30 Beijing time in November once the team says it works at +08:00.
#[test]
fn the_team_time_zone_setting_decides_months_for_everyone() {
    let k = Kehu::new();
    let utc = |args: &[&str]| {
        let out = k
            .command()
            .env("KEHU_NOW", "2026-10-31T16:30:00Z")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    utc(&["customer", "add", "--name", "Edge", "--stage", "customer"]);
    let months = |k: &Kehu| -> serde_json::Value {
        let out = k
            .command()
            .env("KEHU_NOW", "2026-11-20T00:00:00Z")
            .args([
                "report",
                "--json",
                "--from",
                "2026-10-01",
                "--to",
                "2026-11-30",
            ])
            .output()
            .unwrap();
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        j["new_customers_per_month"].clone()
    };
    assert_eq!(
        months(&k),
        serde_json::json!({"2026-10": 1}),
        "the machine's UTC"
    );
    k.ok(&["settings", "set", "time_zone", "+8"]);
    assert_eq!(k.ok(&["settings", "get", "time_zone"]).trim(), "+08:00");
    assert_eq!(
        months(&k),
        serde_json::json!({"2026-11": 1}),
        "the team's +08:00"
    );
    let refused = k.fails(&["settings", "set", "time_zone", "Asia/Shanghai"]);
    assert!(
        refused.contains("time_zone") || refused.contains("time zone"),
        "{refused}"
    );
    k.ok(&["settings", "set", "time_zone", "machine"]);
    assert_eq!(months(&k), serde_json::json!({"2026-10": 1}));
}

/// On a grown book (two years of imports, stage changes, contacts, purchases, tickets; never
/// ANALYZEd, as no command runs it), every statement the report, the dashboard's charts and
/// lists, and the Today queue run is planned without a scan repeated per row — the shape that
/// made the report take minutes on an imported book. Statements are recorded as SQLite runs them.
#[test]
fn figures_and_today_never_scan_per_row_on_a_grown_book() {
    if crate::common::file_only("figures_and_today_never_scan_per_row_on_a_grown_book") {
        return;
    }
    use kehu::store::{reports, today};
    use std::sync::{Arc, Mutex};
    let (dir, st) = crate::common::temp_store();
    let end = crate::common::clock();
    kehu::io::grown_book::grow(&st, end, 400, 4000, |_| {}).unwrap();
    drop(st);

    let mut conn = rusqlite::Connection::open(dir.path().join("kehu.db")).unwrap();
    let seen: Arc<Mutex<std::collections::BTreeMap<String, String>>> = Arc::default();
    let record = Arc::clone(&seen);
    conn.trace_v2(
        rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |e: rusqlite::trace::TraceEvent<'_>| {
            if let rusqlite::trace::TraceEvent::Stmt(stmt, _) = e {
                let sql = stmt.sql().to_string();
                if let Some(expanded) = stmt.expanded_sql() {
                    record.lock().unwrap().entry(sql).or_insert(expanded);
                }
            }
        }),
    )
    .unwrap();
    let today_is = end.today();
    let month = kehu::report::Period::default_for(today_is);
    let mut conn = kehu::store::db::Connection::Sqlite(conn);
    let scopes = [
        reports::Scope::new(month.from, month.to, None, &end),
        reports::Scope::new(month.from, month.to, Some("li.na".into()), &end),
        reports::Scope::new(today_is - chrono::Duration::days(364), today_is, None, &end),
    ];
    for scope in &scopes {
        reports::compute(&conn, scope, &end).unwrap();
        reports::trend(&conn, scope).unwrap();
        for key in reports::DRILLABLE {
            reports::customers_behind(&conn, scope, key).unwrap();
        }
    }
    let queue = today::queue(&conn, &end, None, None, None).unwrap();
    assert!(!queue.is_empty(), "the grown book has nothing for today");
    today::queue(&conn, &end, Some("li.na"), None, None).unwrap();
    conn.file_only_mut()
        .unwrap()
        .trace_v2(
            rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT,
            None::<fn(rusqlite::trace::TraceEvent<'_>)>,
        )
        .unwrap();

    let statements = seen.lock().unwrap().clone();
    assert!(
        statements.len() > 30,
        "only {} statements recorded",
        statements.len()
    );
    let mut failures = Vec::new();
    for (sql, expanded) in &statements {
        if !sql.trim_start().to_uppercase().starts_with("SELECT")
            && !sql.trim_start().to_uppercase().starts_with("WITH")
        {
            continue;
        }
        let plan = kehu::store::plans::plan_of(&conn, expanded).unwrap();
        let bad = kehu::store::plans::per_row_scans(&plan);
        if !bad.is_empty() {
            failures.push(format!("{bad:?}\n  in: {sql}\n"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} statements scan per row:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `today --limit N` words only the most urgent reminders; its rows are exactly the first N of
/// the whole queue, in the same order, on a book with thousands of reminders and ties.
#[test]
fn the_limited_today_queue_is_the_head_of_the_whole_one() {
    use kehu::store::today;
    let (dir, st) = crate::common::temp_store();
    let end = crate::common::clock();
    kehu::io::grown_book::grow(&st, end, 600, 3000, |_| {}).unwrap();
    let whole = st
        .read(|c| today::queue(c, &end, None, None, None))
        .unwrap();
    assert!(whole.len() > 200, "only {} rows", whole.len());
    let kinds: std::collections::BTreeSet<_> = whole.iter().map(|r| r.kind.as_str()).collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    // Every cut, so that some fall inside a run of equally urgent reminders.
    for n in (1..=whole.len() + 1).step_by(3) {
        let head = st
            .read(|c| today::queue(c, &end, None, None, Some(n)))
            .unwrap();
        assert_eq!(head, whole[..n.min(whole.len())], "limit {n}");
    }
    let mine = st
        .read(|c| today::queue(c, &end, Some("emma"), None, None))
        .unwrap();
    let head = st
        .read(|c| today::queue(c, &end, Some("emma"), None, Some(10)))
        .unwrap();
    assert_eq!(head, mine[..10]);
    let book = st.path().to_path_buf();
    drop(st);

    // The command prints the same head (after its daily pass, which may add greetings).
    let k = crate::common::Kehu { db: book, dir };
    let rows = k.json(&["today", "--limit", "3", "--json"]);
    let ids: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let st = kehu::store::Store::open(
        &k.db,
        kehu::store::OpenMode::Existing,
        &crate::common::ctx("t"),
    )
    .unwrap();
    let whole = st
        .read(|c| today::queue(c, &end, None, None, None))
        .unwrap();
    let first: Vec<i64> = whole[..3].iter().map(|r| r.item_id).collect();
    assert_eq!(ids, first);
}
