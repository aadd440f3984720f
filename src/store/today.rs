//! The Today queue: one ranked list of what needs the account manager now — to-dos due or
//! overdue, customers past their cadence, birthdays within a week, complaints on the 24-hour
//! clock and deals past their expected close — each with its urgency and the reasons for it.

use crate::i18n::{t, tf, word};
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, params};

use super::error::Result;
use super::{Ctx, customers, risk};
use crate::domain::rules::{self, Rfm, Urgency};
use crate::domain::{Clock, Customer, time};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TodayKind {
    Todo,
    Cadence,
    Birthday,
    Complaint,
    Deal,
}

impl TodayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TodayKind::Todo => "todo",
            TodayKind::Cadence => "cadence",
            TodayKind::Birthday => "birthday",
            TodayKind::Complaint => "complaint",
            TodayKind::Deal => "deal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodayRow {
    pub kind: TodayKind,
    pub customer_id: Option<i64>,
    pub customer: Option<String>,
    pub title: String,
    pub urgency: i64,
    pub why: Vec<String>,
    /// The to-do, ticket or deal the row is about (the customer for cadence and birthdays).
    pub item_id: i64,
    pub version: i64,
    /// What a snooze of this row is remembered under (`queue_snooze.occasion`).
    pub occasion: String,
    /// The to-do itself, on to-do rows (for completing, snoozing and editing it).
    pub todo: Option<crate::domain::Todo>,
}

fn row(
    kind: TodayKind,
    c: Option<&Customer>,
    title: String,
    u: Urgency,
    item_id: i64,
    version: i64,
    occasion: String,
) -> TodayRow {
    TodayRow {
        kind,
        customer_id: c.map(|c| c.id),
        customer: c.map(|c| c.fields.name.clone()),
        title,
        urgency: u.score,
        why: u.why,
        item_id,
        version,
        occasion,
        todo: None,
    }
}

/// Rows snoozed past today: (customer, kind, occasion), read once per queue.
struct Snoozes(std::collections::HashSet<(i64, String, String)>);

impl Snoozes {
    fn load(conn: &Connection, today: NaiveDate) -> Result<Snoozes> {
        let mut stmt = conn.prepare_cached(
            "SELECT customer_id, kind, occasion FROM queue_snooze WHERE until > ?1",
        )?;
        let set = stmt
            .query_map([today.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Snoozes(set))
    }

    fn has(&self, customer: i64, kind: TodayKind, occasion: &str) -> bool {
        self.0
            .contains(&(customer, kind.as_str().to_string(), occasion.to_string()))
    }
}

/// Remembers that a row that is not a to-do was snoozed until `until`.
pub fn snooze(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    kind: TodayKind,
    occasion: &str,
    until: NaiveDate,
) -> Result<()> {
    super::rows::exec(conn,
        "INSERT INTO queue_snooze (customer_id, kind, occasion, until, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (customer_id, kind, occasion) DO UPDATE SET until = excluded.until,
             created_at = excluded.created_at, created_by = excluded.created_by",
        params![customer, kind.as_str(), occasion, until.to_string(), ctx.clock.stamp(), ctx.user],
    )?;
    super::rows::log(
        conn,
        ctx,
        "queue_snooze",
        customer,
        Some(customer),
        "update",
        None,
        Some(&serde_json::json!({ "kind": kind.as_str(), "until": until.to_string() })),
    )
}

/// The `MM-DD` days from `today` to `today + days`, for matching birthdays in SQL.
fn month_days(today: NaiveDate, days: i64) -> Vec<String> {
    let mut out: Vec<String> = (0..=days)
        .map(|d| (today + Duration::days(d)).format("%m-%d").to_string())
        .collect();
    if out.iter().any(|d| d == "02-28") && !out.iter().any(|d| d == "02-29") {
        out.push("02-29".into());
    }
    out
}

fn value(c: &Customer) -> u8 {
    let r: Rfm = c.value;
    r.total()
}

/// Builds the ranked Today queue for `clock`'s day, optionally for one owner or customer.
pub fn queue(
    conn: &Connection,
    clock: &Clock,
    owner: Option<&str>,
    customer: Option<i64>,
) -> Result<Vec<TodayRow>> {
    let today = clock.today();
    let cad = risk::cadences(conn)?;
    let mut out = Vec::new();
    let snoozes = Snoozes::load(conn, today)?;
    let mine = |c: &Customer| owner.is_none_or(|o| c.fields.owner.as_deref() == Some(o));

    // To-dos due or overdue.
    let todos = super::todos::list_open(
        conn,
        &super::todos::Filter {
            customer_id: customer,
            ..Default::default()
        },
    )?;
    for t in todos
        .into_iter()
        .filter(|t| t.due.is_some_and(|d| d <= today))
    {
        let c = t
            .customer_id
            .map(|id| customers::get(conn, id))
            .transpose()?;
        // An archived customer's to-dos leave the queue with them.
        if c.as_ref().is_some_and(|c| c.archived_at.is_some()) {
            continue;
        }
        if owner.is_some() && t.assignee.as_deref() != owner && !c.as_ref().is_some_and(mine) {
            continue;
        }
        let u = rules::todo_urgency(
            t.due,
            today,
            t.priority,
            c.as_ref().map(|c| c.fields.tier),
            c.as_ref().map_or(0, value),
        );
        let mut r = row(
            TodayKind::Todo,
            c.as_ref(),
            t.title.clone(),
            u,
            t.id,
            t.audit.version,
            String::new(),
        );
        r.todo = Some(t);
        out.push(r);
    }

    // Customers past their cadence, read in one query (there can be many on a large book).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {}, {} FROM customer WHERE archived_at IS NULL AND stage <> 'churned' AND (?5 IS NULL OR id = ?5) AND
            julianday(?1) - julianday(coalesce(last_contact_at, created_at))
                > coalesce(cadence_days, CASE tier WHEN 'vip' THEN ?2 WHEN 'regular' THEN ?3 ELSE ?4 END)",
        customers::COLS,
        super::rows::AUDIT_COLS
    ))?;
    let due: Vec<Customer> = stmt
        .query_map(
            params![clock.stamp(), cad[0], cad[1], cad[2], customer],
            customers::from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    for c in due {
        let id = c.id;
        if !mine(&c) || snoozes.has(id, TodayKind::Cadence, "") {
            continue;
        }
        let cadence = risk::cadence_of(&c, &cad);
        let since = c.last_contact_at.as_deref().unwrap_or(&c.audit.created_at);
        let days = time::parse_timestamp(since).map_or(0, |t| (clock.now - t).num_days());
        let u = rules::cadence_urgency(days, cadence, c.fields.tier, value(&c));
        let title = match c.fields.channel {
            Some(ch) => tf(
                "today.get_in_touch_by",
                &[("channel", &word("channel", ch.as_str()))],
            ),
            None => t("today.get_in_touch").to_string(),
        };
        out.push(row(
            TodayKind::Cadence,
            Some(&c),
            title,
            u,
            id,
            c.audit.version,
            String::new(),
        ));
    }

    // Birthdays in the coming week.
    let days = month_days(today, 7);
    let placeholders = vec!["?"; days.len()].join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id FROM customer WHERE archived_at IS NULL AND stage <> 'churned' AND birthday IS NOT NULL
            AND substr(birthday, 6, 5) IN ({placeholders})"
    ))?;
    let ids: Vec<i64> = stmt
        .query_map(rusqlite::params_from_iter(&days), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids
        .into_iter()
        .filter(|id| customer.is_none_or(|c| c == *id))
    {
        let c = customers::get(conn, id)?;
        let Some(bd) = c.fields.birthday else {
            continue;
        };
        let next = time::next_birthday(bd, today);
        let occasion = format!("birthday:{}", next.year());
        if !mine(&c) || snoozes.has(id, TodayKind::Birthday, &occasion) {
            continue;
        }
        let u = rules::birthday_urgency((next - today).num_days(), c.fields.tier, value(&c));
        out.push(row(
            TodayKind::Birthday,
            Some(&c),
            tf(
                "today.birthday",
                &[("date", &crate::domain::format::short_date(next))],
            ),
            u,
            id,
            c.audit.version,
            occasion,
        ));
    }

    // Tickets still waiting for their first response, each on its own clock (24 h for a
    // complaint, the team's setting for inquiries and after-sales requests).
    for t in super::tickets::list(conn, true, customer)? {
        let Some(left) = t.response_left(clock.now) else {
            continue;
        };
        let c = customers::get(conn, t.customer_id)?;
        if c.archived_at.is_some()
            || !mine(&c)
            || snoozes.has(c.id, TodayKind::Complaint, &t.id.to_string())
        {
            continue;
        }
        let u = rules::complaint_urgency(left, t.severity, c.fields.tier, value(&c));
        out.push(row(
            TodayKind::Complaint,
            Some(&c),
            format!("{}: {}", word("ticket", t.kind.as_str()), t.summary),
            u,
            t.id,
            t.audit.version,
            t.id.to_string(),
        ));
    }

    // Deals past their expected close.
    for d in super::deals::list(conn, customer)?
        .into_iter()
        .filter(|d| d.is_open() && d.expected_close.is_some_and(|e| e < today))
    {
        let c = customers::get(conn, d.customer_id)?;
        if c.archived_at.is_some()
            || !mine(&c)
            || snoozes.has(c.id, TodayKind::Deal, &d.id.to_string())
        {
            continue;
        }
        let past = d.expected_close.map_or(0, |e| (today - e).num_days());
        let u = rules::deal_urgency(past, d.amount, c.fields.tier, value(&c));
        out.push(row(
            TodayKind::Deal,
            Some(&c),
            tf(
                "today.deal",
                &[
                    ("title", &d.title),
                    ("stage", &word("deal", d.stage.as_str())),
                ],
            ),
            u,
            d.id,
            d.audit.version,
            d.id.to_string(),
        ));
    }

    out.sort_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then_with(|| a.customer.cmp(&b.customer))
            .then(a.item_id.cmp(&b.item_id))
    });
    Ok(out)
}
