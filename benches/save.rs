//! One save under the sharing rules: `cargo bench --bench save`.
//!
//! A customer edit with its change-log row, in its own `BEGIN IMMEDIATE` transaction, on a local
//! disk with `synchronous=FULL` and the rollback journal (the safe mode kehu always uses).

use std::time::{Duration, Instant};

use kehu::domain::{Clock, CustomerFields};
use kehu::store::{self, Ctx, OpenMode, Store};

fn main() {
    let dir = tempfile::Builder::new()
        .prefix("kehu-save-bench")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir");
    let ctx = Ctx::new("bench", Clock::from_env().expect("clock"));
    let s = Store::open(
        &dir.path().join("kehu.db"),
        OpenMode::Create { shared: false },
        &ctx,
    )
    .expect("open");
    let ids: Vec<i64> = (0..100)
        .map(|i| {
            s.write(|c| {
                store::customers::add(
                    c,
                    &ctx,
                    &CustomerFields::named(format!("Customer {i}")),
                    &[],
                )
            })
            .expect("add")
        })
        .collect();
    let mut times: Vec<Duration> = Vec::new();
    for round in 0..500 {
        let id = ids[round % ids.len()];
        let started = Instant::now();
        s.write(|c| {
            let cur = store::customers::get(c, id)?;
            let mut f = cur.fields.clone();
            f.city = Some(format!("City {round}"));
            store::customers::update(c, &ctx, id, cur.audit.version, &f, &cur.tags)
        })
        .expect("save");
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "one save (customer edit + change log, BEGIN IMMEDIATE, synchronous=FULL, rollback journal): median {:.2} ms, p95 {:.2} ms over {} saves",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        times.len()
    );
}
