//! Figures and the Today queue on a grown book: `cargo bench --bench figures`
//! (`-- --customers N --interactions N` to change its size, `--db PATH` to keep it elsewhere).
//!
//! The book is grown the way a team's is (`kehu::io::grown_book`: two years of CSV imports, stage
//! changes, archiving, contacts, purchases and refunds, to-dos, tickets, deals; never ANALYZEd),
//! once, and reused while the file exists. Then each command is run as a user runs it — the
//! `kehu` binary, start to exit — and the dashboard's work for each of its keys is timed on the
//! code its worker runs. Every figure must stay under a second; `today --limit` under 200 ms.
//! Last, every statement they ran is traced and its plan checked for reads repeated per row.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kehu::domain::Clock;
use kehu::report::{self, Period};
use kehu::store::{Ctx, OpenMode, Store, plans, reports, today};

use common::{NOW, bench_clock, grown_book, median};

fn ms(d: Duration) -> String {
    format!("{:>8.1} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `kehu ARGS` on the book `rounds` times; the median wall time, start to exit.
fn command(db: &Path, args: &[&str], rounds: usize) -> Duration {
    let runs = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_kehu"))
                .args(args)
                .env("KEHU_DB", db)
                .env("KEHU_NOW", NOW)
                .env("KEHU_USER", "li.na")
                .env("KEHU_LANG", "en")
                .output()
                .expect("run kehu");
            let took = started.elapsed();
            assert!(
                out.status.success(),
                "kehu {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            took
        })
        .collect();
    median(runs)
}

/// Times `work` `rounds` times; the median.
fn timed<T>(rounds: usize, mut work: impl FnMut() -> T) -> Duration {
    median(
        (0..rounds)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(work());
                started.elapsed()
            })
            .collect(),
    )
}

/// Every distinct statement (with its parameters written in) that the report, the dashboard's
/// charts and lists, and the Today queue run on the book.
fn traced_statements(path: &Path, clock: &Clock, opened: Period) -> Vec<(String, String)> {
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    let mut conn = rusqlite::Connection::open(path).expect("open");
    let seen: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let record = Arc::clone(&seen);
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |e: TraceEvent<'_>| {
            if let TraceEvent::Stmt(stmt, _) = e
                && let (Some(expanded), Ok(mut seen)) = (stmt.expanded_sql(), record.lock())
            {
                seen.entry(stmt.sql().to_string()).or_insert(expanded);
            }
        }),
    )
    .expect("trace");
    let conn = kehu::store::db::Connection::Sqlite(conn);
    for (period, owner) in [
        (opened, None),
        (opened.previous(), None),
        (opened, Some("li.na".to_string())),
    ] {
        let scope = reports::Scope::new(period.from, period.to, owner.clone(), clock);
        reports::compute(&conn, &scope, clock).expect("report");
        let year = reports::Scope::new(
            period.to - chrono::Duration::days(364),
            period.to,
            owner,
            clock,
        );
        reports::trend(&conn, &year).expect("trend");
        for key in reports::DRILLABLE {
            reports::customers_behind(&conn, &scope, key).expect("drill");
        }
    }
    today::queue(&conn, clock, None, None, None).expect("today");
    today::queue(&conn, clock, Some("li.na"), None, Some(20)).expect("today --limit");
    drop(conn);
    let statements = seen.lock().map(|s| s.clone()).unwrap_or_default();
    statements
        .into_iter()
        .filter(|(sql, _)| {
            let head = sql.trim_start().to_uppercase();
            head.starts_with("SELECT") || head.starts_with("WITH")
        })
        .collect()
}

fn main() {
    let clock = bench_clock();
    let path = grown_book();
    // The first command of the day makes the daily backup and runs the daily pass; the figures
    // below are for every later command.
    command(&path, &["today"], 1);

    let overs = std::cell::Cell::new(0);
    let over_second = |d: Duration| {
        if d > Duration::from_secs(1) {
            overs.set(overs.get() + 1);
            "  OVER 1 s"
        } else {
            ""
        }
    };
    println!("\nkehu, start to exit (median of 5):");
    let cli: &[(&str, &[&str])] = &[
        ("report (this month)", &["report"]),
        ("report --json", &["report", "--json"]),
        (
            "report, last quarter",
            &["report", "--from", "2026-07-01", "--to", "2026-09-30"],
        ),
        (
            "report, the year",
            &["report", "--from", "2025-11-29", "--to", "2026-11-28"],
        ),
        ("report --owner", &["report", "--owner", "li.na"]),
        ("report --explain", &["report", "--explain"]),
        ("today", &["today"]),
        ("today --json", &["today", "--json"]),
    ];
    for (name, args) in cli {
        let d = command(&path, args, 5);
        println!("  {name:<28}{}{}", ms(d), over_second(d));
    }
    let first = command(&path, &["today", "--limit", "20"], 5);
    let mark = if first > Duration::from_millis(200) {
        overs.set(overs.get() + 1);
        "  OVER 200 ms"
    } else {
        ""
    };
    println!("  {:<28}{}{mark}", "today --limit 20", ms(first));

    // Listing and searching beside sqlite3 reading the same rows (when it is installed).
    let sqlite3 = |args: &[&str]| -> Option<Duration> {
        Command::new("sqlite3").arg("-version").output().ok()?;
        let runs = (0..5)
            .map(|_| {
                let started = Instant::now();
                let out = Command::new("sqlite3").arg(&path).args(args).output();
                out.map(|_| started.elapsed()).unwrap_or_default()
            })
            .collect();
        Some(median(runs))
    };
    let beside = |anchor: Option<Duration>| {
        anchor.map_or_else(
            || "  (sqlite3 not installed)".to_string(),
            |a| format!("  sqlite3 {}", ms(a).trim()),
        )
    };
    let search = command(&path, &["customer", "list", "--search", "wang"], 5);
    let like = sqlite3(&[
        "SELECT id FROM customer WHERE archived_at IS NULL AND (name LIKE '%wang%' \
         OR company LIKE '%wang%' OR email LIKE '%wang%' OR city LIKE '%wang%')",
    ]);
    let mark = if search > Duration::from_millis(100) {
        overs.set(overs.get() + 1);
        "  OVER 100 ms"
    } else {
        ""
    };
    println!(
        "  {:<28}{}{mark}{}",
        "customer list --search wang",
        ms(search),
        beside(like)
    );
    let listed = command(&path, &["customer", "list", "--json"], 5);
    let dumped = sqlite3(&["-json", "SELECT * FROM customer"]);
    let mark = match dumped {
        Some(d) if listed > d * 2 => {
            overs.set(overs.get() + 1);
            "  OVER 2× sqlite3"
        }
        _ => "",
    };
    println!(
        "  {:<28}{}{mark}{}",
        "customer list --json",
        ms(listed),
        beside(dumped)
    );

    println!("\ndashboard, each key (the worker's work, median of 5):");
    let store = Store::open(&path, OpenMode::Existing, &Ctx::new("li.na", clock)).expect("open");
    let opened = Period::default_for(clock.today());
    let previous = opened.previous();
    let keys: &[(&str, Period, Option<String>)] = &[
        ("open (this month)", opened, None),
        ("← last month", previous, None),
        ("← ← the month before", previous.previous(), None),
        ("m (mine)", opened, Some("li.na".into())),
    ];
    for (name, period, owner) in keys {
        let d = timed(5, || {
            report::dashboard(&store, *period, owner.clone(), &clock).expect("dashboard")
        });
        println!("  {name:<28}{}{}", ms(d), over_second(d));
    }
    let scope = reports::Scope::new(opened.from, opened.to, None, &clock);
    for key in reports::DRILLABLE {
        let d = timed(5, || {
            store
                .read(|c| reports::customers_behind(c, &scope, key))
                .expect("drill")
        });
        println!(
            "  {:<28}{}{}",
            format!("Enter on {key}"),
            ms(d),
            over_second(d)
        );
    }

    // The plans, on this book: every statement the figures and the queue ran, as SQLite ran it.
    let statements = traced_statements(&path, &clock, opened);
    let bad: Vec<String> = statements
        .iter()
        .filter_map(|(sql, expanded)| {
            let conn = kehu::store::db::Connection::Sqlite(rusqlite::Connection::open(&path).ok()?);
            let plan = plans::plan_of(&conn, expanded).ok()?;
            let scans = plans::per_row_scans(&plan);
            (!scans.is_empty()).then(|| {
                format!(
                    "{scans:?} in {}",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                )
            })
        })
        .collect();
    println!(
        "\nplans: {} statements of the report, the dashboard and the queue; {} repeat a read per row",
        statements.len(),
        bad.len()
    );
    for b in &bad {
        println!("  {b}");
        overs.set(overs.get() + 1);
    }

    if overs.get() > 0 {
        eprintln!("\n{} figures over their limit", overs.get());
        std::process::exit(1);
    }
}
