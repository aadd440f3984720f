//! The demo book of customers from `assets/demo.json`. Its dates are relative (days ago, due in
//! days) and shifted onto the clock's today when loaded, so the demo always looks current.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveTime};
use serde::Deserialize;

use crate::domain::input::{self, Recurrence};
use crate::domain::{
    ContactFields, CustomerFields, InteractionFields, PurchaseFields, TodoFields, time,
};
use crate::store::{self, Ctx, Store, StoreError};

const DEMO_JSON: &str = include_str!("../assets/demo.json");

#[derive(Deserialize)]
struct DemoFile {
    customers: Vec<DemoCustomer>,
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
    address: Option<String>,
    owner: Option<String>,
    channel: Option<String>,
    cadence_days: Option<i64>,
    birthday_in_days: Option<i64>,
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
                "the database already has customers; load the demo into a new file (kehu --db NEW.db init --demo)".into(),
            ));
        }
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
                phone: c.phone.as_deref().map(input::phone).transpose()?.map(|(p, _)| p),
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
            };
            let owner_ctx = Ctx::new(c.owner.clone().unwrap_or_else(|| ctx.user.clone()), ctx.clock);
            let id = store::customers::add(conn, &owner_ctx, &fields, &c.tags)?;
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
                let at = ctx.clock.instant_of(today - Duration::days(e.days_ago), time_of_day);
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
        }
        Ok(file.customers.len())
    })
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
