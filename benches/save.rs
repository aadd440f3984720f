//! One save under the sharing rules: `cargo bench --bench save`.
//!
//! A customer edit with its change-log row, in its own `BEGIN IMMEDIATE` transaction, on a local
//! disk with `synchronous=FULL` and the rollback journal (the safe mode kehu always uses).

use std::time::{Duration, Instant};

use kehu::domain::{Clock, CustomerFields};
use kehu::store::{self, Ctx, OpenMode, Store};

/// Saves `rounds` edits in `db` (created with kehu's lock on when `team_lock`) and reads one
/// customer per round; returns the save and read times.
fn measure(db: &std::path::Path, team_lock: bool, ctx: &Ctx) -> (Vec<Duration>, Vec<Duration>) {
    if team_lock {
        store::team::make_shared(db).expect("share");
    }
    let s = Store::open(db, OpenMode::Create { shared: team_lock }, ctx).expect("open");
    let ids: Vec<i64> = (0..100)
        .map(|i| {
            s.write(|c| {
                store::customers::add(c, ctx, &CustomerFields::named(format!("Customer {i}")), &[])
            })
            .expect("add")
        })
        .collect();
    let mut saves: Vec<Duration> = Vec::new();
    let mut reads: Vec<Duration> = Vec::new();
    for round in 0..500 {
        let id = ids[round % ids.len()];
        let started = Instant::now();
        s.write(|c| {
            let cur = store::customers::get(c, id)?;
            let mut f = cur.fields.clone();
            f.city = Some(format!("City {round}"));
            store::customers::update(c, ctx, id, cur.audit.version, &f, &cur.tags)
        })
        .expect("save");
        saves.push(started.elapsed());
        let started = Instant::now();
        s.read(|c| store::customers::get(c, id)).expect("read");
        reads.push(started.elapsed());
    }
    saves.sort();
    reads.sort();
    (saves, reads)
}

fn main() {
    let dir = tempfile::Builder::new()
        .prefix("kehu-save-bench")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir");
    let ctx = Ctx::new("bench", Clock::from_env().expect("clock"));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = |v: &[Duration]| v[v.len() / 2];
    let p95 = |v: &[Duration]| v[v.len() * 95 / 100];
    let (plain_saves, plain_reads) = measure(&dir.path().join("plain.db"), false, &ctx);
    let (lock_saves, lock_reads) = measure(&dir.path().join("team.db"), true, &ctx);
    println!(
        "one save (customer edit + change log, BEGIN IMMEDIATE, synchronous=FULL, rollback journal): median {:.2} ms, p95 {:.2} ms over {} saves",
        ms(median(&plain_saves)),
        ms(p95(&plain_saves)),
        plain_saves.len()
    );
    println!(
        "the same with kehu's own lock (lock folder per transaction): median {:.2} ms, p95 {:.2} ms",
        ms(median(&lock_saves)),
        ms(p95(&lock_saves))
    );
    println!(
        "one read (a customer by id): {:.3} ms median; with kehu's lock {:.3} ms",
        ms(median(&plain_reads)),
        ms(median(&lock_reads))
    );
    println!(
        "kehu's lock adds per transaction (median): save {:+.3} ms, read {:+.3} ms",
        ms(median(&lock_saves)) - ms(median(&plain_saves)),
        ms(median(&lock_reads)) - ms(median(&plain_reads))
    );
}
