//! What the benches share: their command-line options and the median.

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
