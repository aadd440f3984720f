//! What the benches share: their command-line options, the book's size, the grown book and
//! the median.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use kehu::domain::Clock;
use kehu::store::{Ctx, OpenMode, Store};

/// The moment the benches run at: the grown book's two years end here.
pub const NOW: &str = "2026-11-28T09:00:00+08:00";

pub fn bench_clock() -> Clock {
    let now: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(NOW).expect("NOW");
    Clock::fixed(now.with_timezone(&Utc), *now.offset())
}

/// A book grown the way a team's is (`kehu::io::grown_book`: two years of CSV imports, stage
/// changes, edits, interactions and purchases), of `--customers` and `--interactions`; grown
/// once and kept in the target folder (`--db PATH` for another file).
pub fn grown_book() -> PathBuf {
    let (customers, interactions) = book_size();
    let clock = bench_clock();
    // The builder's version is in the name: a changed builder grows a new book.
    let path = arg("--db").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("grown-v2-{customers}-{interactions}.db"))
    });
    if !path.exists() {
        eprintln!(
            "growing {} ({customers} customers, {interactions} interactions over two years)…",
            path.display()
        );
        let started = Instant::now();
        let partial = path.with_extension("growing");
        let _ = std::fs::remove_file(&partial);
        let ctx = Ctx::new("bench", clock);
        let store =
            Store::open(&partial, OpenMode::Create { shared: false }, &ctx).expect("create");
        kehu::io::grown_book::grow(&store, clock, customers, interactions, |f| {
            eprint!("\r{:>3.0}%", f * 100.0)
        })
        .expect("grow");
        drop(store);
        std::fs::rename(&partial, &path).expect("keep the book");
        eprintln!("\rgrown in {:.0} s", started.elapsed().as_secs_f64());
    }
    // A book grown by an older kehu is upgraded here, once, not inside the first start-up measured.
    drop(Store::open(&path, OpenMode::Existing, &Ctx::new("bench", clock)).expect("upgrade"));
    println!(
        "book: {} ({customers} customers, {interactions} interactions)",
        path.display()
    );
    path
}

/// The value after `--name` on the bench's command line (`cargo bench --bench X -- --name V`).
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The book's size: `--customers N --interactions N`, by default 100,000 and 1,000,000.
pub fn book_size() -> (usize, usize) {
    let number =
        |name: &str, default: usize| arg(name).and_then(|s| s.parse().ok()).unwrap_or(default);
    (
        number("--customers", 100_000),
        number("--interactions", 1_000_000),
    )
}
