//! A large synthetic database for benchmarks: many customers and interactions written in one
//! transaction with prepared statements, cached columns filled in at the end.

use rusqlite::params;

use super::error::Result;
use super::{Ctx, Store};
use crate::domain::{sort_key, time};

const SURNAMES: &[&str] = &[
    "张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "Smith", "Müller", "García", "Lee",
    "Brown",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "Anna", "José", "Liam", "Mia", "Noah", "Zoe", "Tom",
];
const CITIES: &[&str] = &[
    "上海",
    "北京",
    "深圳",
    "杭州",
    "Berlin",
    "London",
    "Singapore",
    "Toronto",
];
const SUMMARIES: &[&str] = &[
    "电话沟通续约意向",
    "Sent the proposal",
    "季度业务回顾会议",
    "Follow-up on the quote",
    "回访产品使用情况",
];

/// A tiny deterministic generator, so two runs build the same database.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn draw(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.draw() as usize) % n.max(1)
    }
    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.draw() % 100 < percent
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Adds `customers` customers and `interactions` interactions (spread over the past two years)
/// plus one open to-do per 20 customers. `progress` is called with a fraction done.
pub fn generate(
    store: &Store,
    ctx: &Ctx,
    customers: usize,
    interactions: usize,
    mut progress: impl FnMut(f64),
) -> Result<()> {
    let stamp = ctx.clock.stamp();
    let today = ctx.clock.today();
    let mut rng = Lcg(20_261_122);
    store.write(|c| {
        let first_id: i64 = c.query_row("SELECT coalesce(max(id), 0) + 1 FROM customer", [], |r| r.get(0))?;
        {
            let mut add = c.prepare_cached(
                "INSERT INTO customer (name, sort_key, company, kind, tier, stage, phone, phone_norm, city, owner,
                     created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?12)",
            )?;
            for i in 0..customers {
                let name = format!("{}{} {i}", rng.pick(SURNAMES), rng.pick(GIVEN));
                let phone = format!("138{:08}", rng.draw() % 100_000_000);
                let tier = ["vip", "regular", "regular", "potential"][i % 4];
                let stage = ["lead", "prospect", "customer", "customer", "churned"][i % 5];
                add.execute(params![
                    name,
                    sort_key(&name),
                    format!("Company {}", i % 5000),
                    if i % 2 == 0 { "b2b" } else { "b2c" },
                    tier,
                    stage,
                    phone,
                    phone,
                    rng.pick(CITIES),
                    ["li.na", "wang.lei", "emma"][i % 3],
                    stamp,
                    ctx.user,
                ])?;
                if i % 10_000 == 0 {
                    progress(0.3 * i as f64 / customers.max(1) as f64);
                }
            }
        }
        {
            let mut log = c.prepare_cached(
                "INSERT INTO interaction (customer_id, at, kind, summary, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
            )?;
            for i in 0..interactions {
                let customer = first_id + (rng.draw() as i64 % customers.max(1) as i64);
                let minutes_ago = (rng.draw() % (2 * 365 * 24 * 60)) as i64;
                let at = time::format_timestamp(ctx.clock.now - chrono::Duration::minutes(minutes_ago));
                let kind = ["call", "email", "meeting", "visit", "message", "note"][i % 6];
                log.execute(params![customer, at, kind, rng.pick(SUMMARIES), stamp, ctx.user])?;
                if i % 50_000 == 0 {
                    progress(0.3 + 0.6 * i as f64 / interactions.max(1) as f64);
                }
            }
        }
        {
            let mut todo = c.prepare_cached(
                "INSERT INTO todo (customer_id, title, due, assignee, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, 'Follow up', ?2, ?3, ?4, ?5, ?4, ?5)",
            )?;
            for i in (0..customers).step_by(20) {
                let due = today + chrono::Duration::days((rng.draw() % 40) as i64 - 10);
                todo.execute(params![first_id + i as i64, due.to_string(), ["li.na", "wang.lei", "emma"][i % 3], stamp, ctx.user])?;
            }
        }
        // Cached columns for everyone at once, as the per-row refresh would leave them.
        c.execute_batch(
            "UPDATE customer SET
                last_contact_at = (SELECT max(at) FROM interaction i WHERE i.customer_id = customer.id AND i.is_contact = 1),
                next_due = (SELECT min(due) FROM todo t WHERE t.customer_id = customer.id AND t.status = 'open');
             ANALYZE;",
        )?;
        progress(1.0);
        Ok(())
    })
}
