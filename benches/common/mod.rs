//! What the benches share: their command-line options, the book's size and the median.

use std::time::Duration;

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
