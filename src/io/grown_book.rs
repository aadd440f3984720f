//! A book grown the way a team's grows, for benchmarks and query-plan checks: two years of
//! monthly CSV imports, stage and tier changes, owners handed over, customers archived, contacts
//! logged, purchases and refunds, to-dos done and left open, tickets answered late and on time,
//! deals — every row written through the same functions the commands use, and never `ANALYZE`d
//! (no command runs it), so the planner sees what it sees on a real team's file.
//!
//! The generator's book (`store::bulk`) is one transaction of tidy rows with fresh statistics; it
//! hid a report that took four minutes on an imported book.

use chrono::{DateTime, Duration, Utc};

use super::import::{self, OnDuplicate, Options};
use crate::domain::{
    Clock, DealStage, InteractionFields, InteractionKind, Priority, PurchaseFields, Severity,
    Stage, TicketKind, TicketStatus, Tier, TodoFields,
};
use crate::store::bulk::Lcg;
use crate::store::deals::WinPurchase;
use crate::store::{
    Ctx, Store, StoreError, customers, deals, interactions, purchases, tickets, todos,
};

/// How many months of history the book holds.
pub const MONTHS: i64 = 24;

const SURNAMES: &[&str] = &[
    "张", "王", "李", "刘", "陈", "杨", "赵", "黄", "Smith", "García",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "Anna", "José", "Liam", "Mia",
];
const CITIES: &[&str] = &[
    "上海", "北京", "深圳", "杭州", "Berlin", "London", "Toronto",
];
const OWNERS: &[&str] = &["li.na", "wang.lei", "emma"];
const KINDS: &[InteractionKind] = &[
    InteractionKind::Call,
    InteractionKind::Email,
    InteractionKind::Meeting,
    InteractionKind::Visit,
    InteractionKind::Message,
];

/// One month's CSV, as a team exports it from the spreadsheet it is leaving.
fn month_csv(rng: &mut Lcg, first: usize, count: usize, month_start: DateTime<Utc>) -> String {
    let mut csv =
        String::from("name,company,phone,email,city,stage,tier,owner,tags,last contact\r\n");
    for i in first..first + count {
        let name = format!("{}{}{i}", rng.pick(SURNAMES), rng.pick(GIVEN));
        let company = if rng.chance(60) {
            format!("公司{}", i % 4000)
        } else {
            String::new()
        };
        let stage = ["lead", "lead", "prospect", "customer"][rng.below(4)];
        let tier = ["potential", "regular", "regular", "vip"][rng.below(4)];
        let seen = month_start - Duration::days(rng.below(200) as i64);
        csv.push_str(&format!(
            "{name},{company},1{:010},c{i}@example.cn,{},{stage},{tier},{},t{},{}\r\n",
            3_800_000_000 + i as u64,
            rng.pick(CITIES),
            rng.pick(OWNERS),
            i % 30,
            seen.format("%Y-%m-%d"),
        ));
    }
    csv
}

/// Who did a thing for an assignee (the first owner when none is named).
fn ctx_user(assignee: &Option<String>) -> String {
    assignee.clone().unwrap_or_else(|| OWNERS[0].to_string())
}

/// The next stage a customer's story takes: leads are worked, some buy, some leave, some return.
fn next_stage(rng: &mut Lcg, now: Stage) -> Stage {
    match now {
        Stage::Lead if rng.chance(70) => Stage::Prospect,
        Stage::Lead => Stage::Churned,
        Stage::Prospect if rng.chance(60) => Stage::Customer,
        Stage::Prospect => Stage::Lead,
        Stage::Customer => Stage::Churned,
        Stage::Churned => Stage::Customer,
    }
}

/// Grows a book of about `customers` customers and `interactions` interactions over
/// [`MONTHS`] months ending at `end`, into `store`. `progress` gets the fraction done.
pub fn grow(
    store: &Store,
    end: Clock,
    customers: usize,
    interactions: usize,
    mut progress: impl FnMut(f64),
) -> Result<(), StoreError> {
    let mut rng = Lcg(20_261_129);
    let start = end.now - Duration::days(30 * MONTHS);
    let per_month = customers.div_ceil(MONTHS as usize);
    let contacts_per_month = interactions.div_ceil(MONTHS as usize);
    let mut added = 0usize;
    let mut open_todos: Vec<i64> = Vec::new();
    let mut open_deals: Vec<i64> = Vec::new();
    for month in 0..MONTHS {
        let month_start = start + Duration::days(30 * month);
        // A moment `minutes` into the month, as the clock of whoever did the thing then.
        let at = |minutes: u64| {
            let clock = Clock::fixed(
                month_start + Duration::minutes((minutes % (30 * 24 * 60)) as i64),
                end.offset,
            );
            Ctx::new(OWNERS[(minutes % 3) as usize], clock)
        };
        let count = per_month.min(customers - added);
        if count > 0 {
            let csv = month_csv(&mut rng, added, count, month_start);
            let options = Options {
                dry_run: false,
                on_duplicate: OnDuplicate::Add,
                skip_bad: false,
                maps: Vec::new(),
                source: format!("month-{month}.csv"),
                overwrite: Vec::new(),
                encoding: Default::default(),
                sheet: None,
            };
            import::run_bytes(
                store,
                &at(15 * 24 * 60),
                csv.as_bytes(),
                &options,
                &mut |_, _| {},
            )?;
            added += count;
        }
        // Ids run from 1 in a book only ever added to.
        let any = |rng: &mut Lcg| 1 + rng.below(added) as i64;
        store.write(|c| {
            // Stage and tier changes, owners handed over, a few archived: after the month's
            // import and in time order, as people make them (a customer is changed after they
            // were added, and each change is later than the one before).
            let changes = (per_month * 6 / 10) as u64;
            let (first, span) = (15 * 24 * 60 + 120, 15 * 24 * 60 - 240);
            for i in 0..changes {
                let ctx = at(first + i * span / changes.max(1));
                let id = any(&mut rng);
                let cur = customers::get(c, id)?;
                if cur.archived_at.is_some() {
                    continue;
                }
                if rng.chance(2) {
                    customers::set_archived(c, &ctx, id, cur.audit.version, true)?;
                    continue;
                }
                let mut f = cur.fields.clone();
                f.stage = next_stage(&mut rng, f.stage);
                if f.stage == Stage::Churned {
                    // Why they left, in turn (no draw: the rest of the story stays the same).
                    let reasons = ["price", "service", "competitor", "no_longer_needed"];
                    f.churn_reason = Some(reasons[id as usize % reasons.len()].to_string());
                }
                if rng.chance(20) {
                    f.tier = rng.pick(&[Tier::Vip, Tier::Regular, Tier::Potential]);
                }
                if rng.chance(10) {
                    f.owner = Some(rng.pick(OWNERS).to_string());
                }
                customers::update(c, &ctx, id, cur.audit.version, &f, &cur.tags)?;
            }
            // Contacts logged through the month.
            for _ in 0..contacts_per_month {
                let ctx = at(rng.draw());
                let fields = InteractionFields {
                    at: ctx.clock.stamp(),
                    kind: rng.pick(KINDS),
                    summary: "回访产品使用情况 / follow-up on the quote".into(),
                    details: None,
                };
                interactions::add(c, &ctx, any(&mut rng), &fields)?;
            }
            // Purchases, one in thirty a refund.
            for _ in 0..contacts_per_month / 10 {
                let ctx = at(rng.draw());
                let amount = (1 + rng.below(500) as i64) * 10_000;
                let fields = PurchaseFields {
                    on_date: ctx.clock.today(),
                    product: Some(format!("套餐{}", rng.below(12))),
                    amount: if rng.chance(3) { -amount } else { amount },
                    note: None,
                };
                purchases::add(c, &ctx, any(&mut rng), &fields)?;
            }
            // To-dos: most of last month's done around their due day, some left to go overdue;
            // new ones promised.
            for id in std::mem::take(&mut open_todos) {
                let t = todos::get(c, id)?;
                let Some(due) = t.due.filter(|_| rng.chance(75)) else {
                    continue;
                };
                let done = due.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc()
                    + Duration::hours(rng.below(4 * 24) as i64 - 24);
                let ctx = Ctx::new(ctx_user(&t.assignee), Clock::fixed(done, end.offset));
                todos::complete(c, &ctx, id, t.audit.version)?;
            }
            for _ in 0..per_month / 5 {
                let ctx = at(rng.draw());
                let fields = TodoFields {
                    customer_id: Some(any(&mut rng)),
                    title: "回电确认报价 / call back about the quote".into(),
                    due: Some(ctx.clock.today() + Duration::days(rng.below(20) as i64)),
                    due_time: None,
                    priority: rng.pick(&[Priority::Low, Priority::Normal, Priority::High]),
                    assignee: Some(ctx.user.clone()),
                    recurrence: None,
                };
                open_todos.push(todos::add(c, &ctx, &fields)?);
            }
            // Tickets: most answered within hours, some after days, a few never; then resolved.
            for _ in 0..per_month / 40 {
                let opened = rng.draw();
                let ctx = at(opened);
                let kind = rng.pick(&[
                    TicketKind::Complaint,
                    TicketKind::Inquiry,
                    TicketKind::AfterSales,
                ]);
                let severity = rng.pick(&[Severity::Low, Severity::Normal, Severity::High]);
                let id = tickets::open(
                    c,
                    &ctx,
                    any(&mut rng),
                    kind,
                    severity,
                    "发货延迟 / late delivery",
                )?;
                if rng.chance(10) {
                    continue;
                }
                let waited = if rng.chance(80) {
                    rng.below(20 * 60)
                } else {
                    rng.below(5 * 24 * 60)
                };
                let answered = Ctx::new(
                    ctx.user.clone(),
                    Clock::fixed(ctx.clock.now + Duration::minutes(waited as i64), end.offset),
                );
                if answered.clock.now > end.now {
                    continue;
                }
                let t = tickets::get(c, id)?;
                tickets::advance(
                    c,
                    &answered,
                    id,
                    t.audit.version,
                    TicketStatus::Responded,
                    "已回复",
                    true,
                )?;
                let t = tickets::get(c, id)?;
                tickets::advance(
                    c,
                    &answered,
                    id,
                    t.audit.version,
                    TicketStatus::Resolved,
                    "已解决",
                    false,
                )?;
            }
            // Deals: last month's decided (won with a purchase, or lost), some left open past
            // their expected close; new ones opened.
            for id in std::mem::take(&mut open_deals) {
                let ctx = at(rng.draw());
                let d = deals::get(c, id)?;
                match rng.below(3) {
                    0 => deals::move_to(
                        c,
                        &ctx,
                        id,
                        d.audit.version,
                        DealStage::Won,
                        None,
                        WinPurchase::DealAmount,
                    )?,
                    1 => deals::move_to(
                        c,
                        &ctx,
                        id,
                        d.audit.version,
                        DealStage::Lost,
                        Some("价格 / price"),
                        WinPurchase::No,
                    )?,
                    _ => {}
                }
            }
            for _ in 0..per_month / 20 {
                let ctx = at(rng.draw());
                let close = ctx.clock.today() + Duration::days(rng.below(90) as i64 - 30);
                open_deals.push(deals::add(
                    c,
                    &ctx,
                    any(&mut rng),
                    "年度合同 / yearly contract",
                    (1 + rng.below(100) as i64) * 100_000,
                    Some(close),
                )?);
            }
            Ok(())
        })?;
        progress((month + 1) as f64 / MONTHS as f64);
    }
    Ok(())
}
