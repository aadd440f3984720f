//! The demo book of customers from `assets/demo.json`. Its dates are relative (days ago, due in
//! days) and shifted onto the clock's today when loaded, so the demo always looks current.

use std::collections::BTreeMap;

use crate::store::db::Optional;
use chrono::{Datelike, Duration, NaiveTime};
use serde::Deserialize;

use crate::domain::input::{self, Recurrence};
use crate::domain::{Clock, DealStage, Stage, TicketStatus};
use crate::domain::{
    ContactFields, CustomerFields, InteractionFields, PurchaseFields, TodoFields, time,
};
use crate::store::{self, Ctx, Store, StoreError};

const DEMO_JSON: &str = include_str!("../assets/demo.json");

#[derive(Deserialize)]
struct DemoFile {
    customers: Vec<DemoCustomer>,
    #[serde(default)]
    campaigns: Vec<DemoCampaign>,
}

#[derive(Deserialize)]
struct DemoCampaign {
    name: String,
    /// Negative: in the future.
    days_ago: i64,
    invited: Vec<usize>,
    attended: Vec<usize>,
    responded: Vec<usize>,
}

#[derive(Deserialize)]
struct DemoTicket {
    hours_ago: i64,
    kind: String,
    severity: String,
    summary: String,
    responded_after_hours: Option<i64>,
    #[serde(default)]
    resolved: bool,
}

#[derive(Deserialize)]
struct DemoSurvey {
    days_ago: i64,
    quality: i64,
    attitude: i64,
    speed: i64,
    comment: Option<String>,
}

#[derive(Deserialize)]
struct DemoDeal {
    title: String,
    amount: String,
    stage: String,
    close_in_days: i64,
    lost_reason: Option<String>,
}

#[derive(Deserialize)]
struct DemoCustomer {
    name: String,
    company: Option<String>,
    kind: String,
    tier: String,
    stage: String,
    email: Option<String>,
    phone: Option<String>,
    city: Option<String>,
    industry: Option<String>,
    potential: Option<u8>,
    address: Option<String>,
    owner: Option<String>,
    channel: Option<String>,
    cadence_days: Option<i64>,
    birthday_in_days: Option<i64>,
    /// When the customer was added, became a customer, and churned (days ago).
    created_days_ago: Option<i64>,
    converted_days_ago: Option<i64>,
    churned_days_ago: Option<i64>,
    born_years_ago: Option<i32>,
    source: Option<String>,
    needs: Option<String>,
    service_needs: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    contacts: Vec<DemoContact>,
    #[serde(default)]
    interactions: Vec<DemoInteraction>,
    #[serde(default)]
    purchases: Vec<DemoPurchase>,
    #[serde(default)]
    todos: Vec<DemoTodo>,
    #[serde(default)]
    tickets: Vec<DemoTicket>,
    #[serde(default)]
    surveys: Vec<DemoSurvey>,
    #[serde(default)]
    deals: Vec<DemoDeal>,
}

#[derive(Deserialize)]
struct DemoContact {
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    #[serde(default)]
    primary: bool,
}

#[derive(Deserialize)]
struct DemoInteraction {
    days_ago: i64,
    time: String,
    kind: String,
    summary: String,
    details: Option<String>,
    by: String,
}

#[derive(Deserialize)]
struct DemoPurchase {
    days_ago: i64,
    product: Option<String>,
    amount: String,
}

#[derive(Deserialize)]
struct DemoTodo {
    due_in_days: i64,
    title: String,
    priority: String,
    assignee: Option<String>,
    every: Option<String>,
}

/// Loads the demo data into an empty database in one transaction. Returns how many customers.
pub fn load(store: &Store, ctx: &Ctx) -> Result<usize, StoreError> {
    let file: DemoFile = serde_json::from_str(DEMO_JSON)
        .map_err(|e| StoreError::Refused(format!("the demo data is damaged: {e}")))?;
    let today = ctx.clock.today();
    store.write(|conn| {
        if store::customers::count(conn)? > 0 {
            return Err(StoreError::Refused(
                crate::i18n::t("refused.demo_not_empty").into(),
            ));
        }
        let mut ids = Vec::with_capacity(file.customers.len());
        for c in &file.customers {
            let birthday = match (c.birthday_in_days, c.born_years_ago) {
                (Some(d), Some(y)) => {
                    let day = today + Duration::days(d);
                    day.with_year_clamped(day.year() - y)
                }
                _ => None,
            };
            let fields = CustomerFields {
                name: input::name("name", &c.name)?,
                company: c.company.clone(),
                kind: c.kind.parse()?,
                tier: c.tier.parse()?,
                stage: c.stage.parse()?,
                email: c.email.clone(),
                phone: c
                    .phone
                    .as_deref()
                    .map(input::phone)
                    .transpose()?
                    .map(|(p, _)| p),
                city: c.city.clone(),
                address: c.address.clone(),
                owner: c.owner.clone(),
                channel: c.channel.as_deref().map(str::parse).transpose()?,
                cadence_days: c.cadence_days,
                birthday,
                source: c.source.clone(),
                needs: c.needs.clone(),
                service_needs: c.service_needs.clone(),
                custom_fields: c.fields.clone(),
                pool_locked: false,
                churn_reason: None,
                churn_note: None,
                industry: c.industry.clone(),
                potential: c.potential,
            };
            let owner_ctx = Ctx::new(
                c.owner.clone().unwrap_or_else(|| ctx.user.clone()),
                ctx.clock,
            );
            let back = |days: i64| {
                Ctx::new(
                    owner_ctx.user.clone(),
                    shifted(&ctx.clock, Duration::days(days)),
                )
            };
            // Added as a lead (or prospect) back then, converted and churned later: the dated
            // history the reports work from.
            let final_stage = fields.stage;
            let mut first = fields.clone();
            if matches!(final_stage, Stage::Customer | Stage::Churned) {
                first.stage = Stage::Lead;
            }
            let id = store::customers::add(
                conn,
                &back(c.created_days_ago.unwrap_or(0)),
                &first,
                &c.tags,
            )?;
            let step = |days: Option<i64>, stage: Stage| -> Result<(), StoreError> {
                let current = store::customers::get(conn, id)?;
                if current.fields.stage == stage {
                    return Ok(());
                }
                let mut f = current.fields.clone();
                f.stage = stage;
                if stage == Stage::Churned {
                    // The demo's churned customers left for the usual reasons, in turn.
                    let reasons = ["price", "service", "competitor", "no_longer_needed"];
                    let turn = f.name.chars().count() + ids.len() / 7;
                    f.churn_reason = Some(reasons[turn % reasons.len()].to_string());
                }
                store::customers::update(
                    conn,
                    &back(days.unwrap_or(0)),
                    id,
                    current.audit.version,
                    &f,
                    &current.tags,
                )?;
                Ok(())
            };
            if matches!(final_stage, Stage::Customer | Stage::Churned) {
                step(c.converted_days_ago, Stage::Customer)?;
            }
            if final_stage == Stage::Churned {
                step(c.churned_days_ago, Stage::Churned)?;
            }
            ids.push(id);
            for p in &c.contacts {
                let contact = ContactFields {
                    name: p.name.clone(),
                    title: p.title.clone(),
                    phone: p.phone.clone(),
                    email: p.email.clone(),
                    primary: p.primary,
                };
                store::contacts::add(conn, &owner_ctx, id, &contact)?;
            }
            for e in &c.interactions {
                let at_time = input::clean_line(&e.time);
                let time_of_day = NaiveTime::parse_from_str(&at_time, "%H:%M").unwrap_or_default();
                let at = ctx
                    .clock
                    .instant_of(today - Duration::days(e.days_ago), time_of_day);
                let fields = InteractionFields {
                    at: time::format_timestamp(at.min(ctx.clock.now)),
                    kind: e.kind.parse()?,
                    summary: e.summary.clone(),
                    details: e.details.clone(),
                };
                store::interactions::add(conn, &Ctx::new(e.by.clone(), ctx.clock), id, &fields)?;
            }
            for p in &c.purchases {
                let fields = PurchaseFields {
                    on_date: today - Duration::days(p.days_ago),
                    product: p.product.clone(),
                    amount: input::money("amount", &p.amount)?,
                    note: None,
                };
                store::purchases::add(conn, &owner_ctx, id, &fields)?;
            }
            for t in &c.todos {
                let fields = TodoFields {
                    customer_id: Some(id),
                    title: t.title.clone(),
                    due: Some(today + Duration::days(t.due_in_days)),
                    due_time: None,
                    priority: t.priority.parse()?,
                    assignee: t.assignee.clone(),
                    recurrence: t.every.as_deref().map(Recurrence::parse).transpose()?,
                };
                store::todos::add(conn, &owner_ctx, &fields)?;
            }
            // Tickets open at their own time, so their 24-hour clocks run as in real life.
            let at = |hours_ago: i64| {
                Ctx::new(
                    owner_ctx.user.clone(),
                    shifted(&ctx.clock, Duration::hours(hours_ago)),
                )
            };
            for t in &c.tickets {
                let opened = at(t.hours_ago);
                let tid = store::tickets::open(
                    conn,
                    &opened,
                    id,
                    t.kind.parse()?,
                    t.severity.parse()?,
                    &t.summary,
                )?;
                if let Some(after) = t.responded_after_hours {
                    let v = store::tickets::get(conn, tid)?.audit.version;
                    let note = "已联系客户,正在处理 / contacted the customer, working on it";
                    store::tickets::advance(
                        conn,
                        &at(t.hours_ago - after),
                        tid,
                        v,
                        TicketStatus::Responded,
                        note,
                        true,
                    )?;
                    if t.resolved {
                        let v = store::tickets::get(conn, tid)?.audit.version;
                        store::tickets::advance(
                            conn,
                            &at(t.hours_ago - after - 1),
                            tid,
                            v,
                            TicketStatus::Resolved,
                            "resolved",
                            false,
                        )?;
                    }
                }
            }
            for s in &c.surveys {
                let on = today - Duration::days(s.days_ago);
                store::surveys::add(
                    conn,
                    &owner_ctx,
                    id,
                    on,
                    s.quality,
                    s.attitude,
                    s.speed,
                    s.comment.as_deref(),
                )?;
            }
            for d in &c.deals {
                let close = today + Duration::days(d.close_in_days);
                let did = store::deals::add(
                    conn,
                    &owner_ctx,
                    id,
                    &d.title,
                    input::money("amount", &d.amount)?,
                    Some(close),
                )?;
                let stage: DealStage = d.stage.parse()?;
                if stage != DealStage::Qualified {
                    let v = store::deals::get(conn, did)?.audit.version;
                    store::deals::move_to(
                        conn,
                        &owner_ctx,
                        did,
                        v,
                        stage,
                        d.lost_reason.as_deref(),
                        store::deals::WinPurchase::deal_amount_if(stage == DealStage::Won),
                    )?;
                }
            }
        }
        for camp in &file.campaigns {
            let on = today - Duration::days(camp.days_ago);
            let cid = store::campaigns::add(conn, ctx, &camp.name, Some(on), None)?;
            let pick = |list: &[usize]| {
                list.iter()
                    .filter_map(|i| ids.get(*i).copied())
                    .collect::<Vec<i64>>()
            };
            store::campaigns::invite(conn, ctx, cid, &pick(&camp.invited))?;
            for who in pick(&camp.attended) {
                store::campaigns::mark(conn, ctx, cid, who, false)?;
            }
            for who in pick(&camp.responded) {
                store::campaigns::mark(conn, ctx, cid, who, true)?;
            }
        }
        loyalty(conn, ctx, &ids)?;
        // Value scores against the whole demo book, and this week's greetings.
        store::value::refresh_all(conn, today)?;
        store::care::run(conn, ctx)?;
        Ok(file.customers.len())
    })
}

/// The loyalty programme at work: a VIP coupon most VIPs used on a recent purchase, gifts bought
/// with points, and a referral, each on its own day.
fn loyalty(conn: &crate::store::db::Connection, ctx: &Ctx, ids: &[i64]) -> Result<(), StoreError> {
    let back = |days: i64| Ctx::new(ctx.user.clone(), shifted(&ctx.clock, Duration::days(days)));
    let vips: Vec<i64> = conn
        .prepare("SELECT id FROM customer WHERE tier = 'vip' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    let spec = store::coupons::CouponSpec {
        code: Some("VIP95".into()),
        value: crate::domain::loyalty::CouponValue::Percent(5),
        valid_from: ctx.clock.today() - Duration::days(25),
        valid_until: Some(ctx.clock.today() + Duration::days(30)),
        note: Some("VIP 专享 95 折 · 5% off for VIPs".into()),
    };
    let codes = store::coupons::issue(conn, &back(25), &vips, &spec, true)?;
    for (id, code) in vips.iter().zip(&codes) {
        let latest: Option<(i64, String)> = conn
            .query_row(
                "SELECT id, on_date FROM purchase WHERE customer_id = ?1 AND amount > 0
                 ORDER BY on_date DESC LIMIT 1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((purchase, on)) = latest
            && on >= spec.valid_from.to_string()
        {
            store::coupons::redeem_coupon(conn, &back(0), code, purchase)?;
        }
    }
    for id in vips.iter().take(4) {
        if store::loyalty::balance(conn, *id)? >= 1500 {
            store::loyalty::redeem(conn, &back(12), *id, 1000, "茶具礼盒 tea set")?;
        }
    }
    if let [first, second, ..] = ids {
        store::loyalty::referral(conn, &back(20), *first, *second, None)?;
    }
    Ok(())
}

trait ClampYear {
    fn with_year_clamped(self, year: i32) -> Option<chrono::NaiveDate>;
}

impl ClampYear for chrono::NaiveDate {
    /// The same month and day in another year; Feb 29 becomes Feb 28 where needed.
    fn with_year_clamped(self, year: i32) -> Option<chrono::NaiveDate> {
        self.with_year(year)
            .or_else(|| chrono::NaiveDate::from_ymd_opt(year, self.month(), 28))
    }
}

/// The same clock, `ago` earlier (never later than now).
fn shifted(clock: &Clock, ago: Duration) -> Clock {
    Clock::fixed(clock.now - ago.max(Duration::zero()), clock.offset)
}
