//! Complaints and service requests, with their first-response clocks (24 hours for a complaint,
//! the team's setting for inquiries and after-sales requests).

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};
use chrono::{DateTime, Utc};

use super::Ctx;
use super::customers::{self, parsed};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS};
use crate::domain::{
    Audit, InteractionFields, InteractionKind, Severity, TicketKind, TicketStatus, rules, time,
};

const WHAT: &str = "ticket";
const COLS: &str = "id, customer_id, kind, severity, summary, status, opened_at, first_response_at, resolved_at, closed_at, \
     checkback_due, (SELECT min(s.id) FROM survey s WHERE s.ticket_id = ticket.id), \
     channel, assignee, department";

/// How a ticket came in and where it is: the channel, who has it, the department.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    pub channel: Option<crate::domain::Channel>,
    pub assignee: Option<String>,
    pub department: Option<String>,
}

impl Routing {
    /// "with li.na (technical support)", or `None` when nobody and no department has it.
    pub fn describe(&self) -> Option<String> {
        let department = self
            .department
            .as_deref()
            .map(crate::domain::churn::department_shown);
        let whom = match (&self.assignee, department) {
            (Some(a), Some(d)) => format!("{a} ({d})"),
            (Some(a), None) => a.clone(),
            (None, Some(d)) => d,
            (None, None) => return None,
        };
        Some(crate::i18n::tf("why.assigned", &[("whom", &whom)]))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: i64,
    pub customer_id: i64,
    pub kind: TicketKind,
    pub severity: Severity,
    pub summary: String,
    pub status: TicketStatus,
    pub opened_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    /// When a resolved complaint's satisfaction check-back is due (the team's
    /// `complaint_checkback_days` after it was resolved), and the survey that answered it.
    pub checkback_due: Option<chrono::NaiveDate>,
    pub checkback_survey: Option<i64>,
    pub routing: Routing,
    pub audit: Audit,
    /// Hours the first response may take: 24 for a complaint, the team's setting for the others.
    pub respond_within_hours: i64,
}

impl Ticket {
    pub fn opened(&self) -> Option<DateTime<Utc>> {
        time::parse_timestamp(&self.opened_at)
    }

    /// Time left on the first-response clock (negative when over); `None` once answered.
    pub fn response_left(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        if self.first_response_at.is_some() {
            return None;
        }
        self.opened()
            .map(|o| rules::response_time_left_within(o, self.respond_within_hours, now))
    }

    /// The clock as every view shows it: "5h 10m left", "3h over", or "answered in 2h 5m".
    pub fn clock_text(&self, now: DateTime<Utc>) -> String {
        if let Some(left) = self.response_left(now) {
            return rules::describe_clock(left);
        }
        match (
            self.first_response_at
                .as_deref()
                .and_then(time::parse_timestamp),
            self.opened(),
        ) {
            (Some(at), Some(opened)) => {
                let took = at - opened;
                crate::i18n::tf(
                    "out.answered_in",
                    &[("h", &took.num_hours()), ("m", &(took.num_minutes() % 60))],
                )
            }
            _ => String::new(),
        }
    }
}

/// The first-response clock of each kind of ticket, in hours.
fn response_hours(conn: &Connection) -> Result<impl Fn(TicketKind) -> i64> {
    let setting = |key: &str| -> Result<i64> {
        Ok(super::settings::get(conn, key)?
            .parse()
            .unwrap_or(rules::OTHER_RESPONSE_HOURS))
    };
    let (inquiry, after_sales) = (
        setting("response_hours.inquiry")?,
        setting("response_hours.after_sales")?,
    );
    Ok(move |kind| match kind {
        TicketKind::Complaint => rules::FIRST_RESPONSE_HOURS,
        TicketKind::Inquiry => inquiry,
        TicketKind::AfterSales => after_sales,
    })
}

/// Sets each ticket's clock from its kind and the team's settings.
fn with_clocks(conn: &Connection, mut tickets: Vec<Ticket>) -> Result<Vec<Ticket>> {
    let hours = response_hours(conn)?;
    for t in &mut tickets {
        t.respond_within_hours = hours(t.kind);
    }
    Ok(tickets)
}

fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Ticket> {
    Ok(Ticket {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        kind: parsed(row, 2)?,
        severity: parsed(row, 3)?,
        summary: row.get(4)?,
        status: parsed(row, 5)?,
        opened_at: row.get(6)?,
        first_response_at: row.get(7)?,
        resolved_at: row.get(8)?,
        closed_at: row.get(9)?,
        checkback_due: customers::parsed_opt(row, 10)?,
        checkback_survey: row.get(11)?,
        routing: Routing {
            channel: customers::parsed_opt(row, 12)?,
            assignee: row.get(13)?,
            department: row.get(14)?,
        },
        audit: rows::audit(row, 15)?,
        respond_within_hours: rules::FIRST_RESPONSE_HOURS,
    })
}

pub fn open(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    kind: TicketKind,
    severity: Severity,
    summary: &str,
) -> Result<i64> {
    open_routed(
        conn,
        ctx,
        customer,
        kind,
        severity,
        summary,
        &Routing::default(),
    )
}

/// Opens a ticket with how it came in, who has it and the department (read against the
/// team's `departments`).
pub fn open_routed(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    kind: TicketKind,
    severity: Severity,
    summary: &str,
    routing: &Routing,
) -> Result<i64> {
    customers::get(conn, customer)?;
    let department = department_checked(conn, routing.department.as_deref())?;
    let mut cols = vec![
        ("customer_id", Value::Integer(customer)),
        ("kind", Value::Text(kind.to_string())),
        ("severity", Value::Text(severity.to_string())),
        ("summary", Value::Text(summary.to_string())),
        ("status", Value::Text(TicketStatus::Open.to_string())),
        ("opened_at", Value::Text(ctx.clock.stamp())),
    ];
    // Empty routing is left out, so the change log of a plain ticket stays as it was.
    if let Some(c) = routing.channel {
        cols.push(("channel", Value::Text(c.to_string())));
    }
    if let Some(a) = &routing.assignee {
        cols.push(("assignee", Value::Text(a.clone())));
    }
    if let Some(d) = department {
        cols.push(("department", Value::Text(d)));
    }
    rows::insert(conn, ctx, "ticket", &cols, Some(customer))
}

/// A typed department as the team's list spells it.
fn department_checked(conn: &Connection, typed: Option<&str>) -> Result<Option<String>> {
    let Some(typed) = typed.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    let list = crate::domain::churn::entries(&super::settings::get(conn, "departments")?);
    Ok(Some(crate::domain::churn::parse_department(&list, typed)?))
}

/// Hands a ticket over to `to` (and/or another department), written on its trail: a timeline
/// entry that was not contact with the customer, and the change log.
pub fn hand_over(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    to: Option<&str>,
    department: Option<&str>,
    note: Option<&str>,
) -> Result<()> {
    let t = get(conn, id)?;
    let to = to.map(str::trim).filter(|a| !a.is_empty());
    let department = department_checked(conn, department)?;
    if to.is_none() && department.is_none() {
        return Err(StoreError::Input(crate::domain::InputError::new(
            "to",
            crate::i18n::t("err.hand_over_to_whom"),
        )));
    }
    let mut cols: Vec<(&str, Value)> = Vec::new();
    if let Some(a) = to {
        cols.push(("assignee", Value::Text(a.to_string())));
    }
    if let Some(d) = &department {
        cols.push(("department", Value::Text(d.clone())));
    }
    rows::update(
        conn,
        ctx,
        WHAT,
        "ticket",
        id,
        version,
        &cols,
        Some(t.customer_id),
    )?;
    let whom = match (to, &department) {
        (Some(a), Some(d)) => format!("{a} ({})", crate::domain::churn::department_shown(d)),
        (Some(a), None) => a.to_string(),
        (None, Some(d)) => crate::domain::churn::department_shown(d),
        (None, None) => String::new(),
    };
    let mut summary = format!(
        "Handed {} #{id} to {whom}",
        t.kind.as_str().replace('_', " ")
    );
    if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
        summary.push_str(&format!(": {n}"));
    }
    let entry = InteractionFields {
        at: ctx.clock.stamp(),
        kind: InteractionKind::Note,
        summary,
        details: Some(format!("{}: {}", t.kind, t.summary)),
    };
    super::interactions::add_as(conn, ctx, t.customer_id, &entry, false)?;
    Ok(())
}

pub fn get(conn: &Connection, id: i64) -> Result<Ticket> {
    let found = super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM ticket WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })?;
    Ok(with_clocks(conn, vec![found])?.remove(0))
}

/// Moves a ticket along (respond → resolve → close), stamping the time and logging the note on
/// the customer's timeline. The first response is recorded once.
pub fn advance(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    to: TicketStatus,
    note: &str,
    as_contact: bool,
) -> Result<()> {
    let t = get(conn, id)?;
    rows::check_version(conn, WHAT, "ticket", id, version)?;
    if t.status == TicketStatus::Closed {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.ticket_closed",
            &[("id", &id)],
        )));
    }
    let now = ctx.clock.stamp();
    let mut cols: Vec<(&str, Value)> = vec![("status", Value::Text(to.to_string()))];
    if t.first_response_at.is_none() {
        cols.push(("first_response_at", Value::Text(now.clone())));
    }
    // A complaint resolved asks whether the customer is satisfied with the solution: a
    // check-back is due the team's number of days later (once; reopening does not move it).
    let resolving =
        matches!(to, TicketStatus::Resolved | TicketStatus::Closed) && t.resolved_at.is_none();
    if resolving
        && t.kind == TicketKind::Complaint
        && t.checkback_due.is_none()
        && let Ok(days) = super::settings::get(conn, "complaint_checkback_days")?.parse::<i64>()
    {
        let due = ctx.clock.today() + chrono::Duration::days(days);
        cols.push(("checkback_due", Value::Text(due.to_string())));
    }
    match to {
        TicketStatus::Resolved => cols.push(("resolved_at", Value::Text(now.clone()))),
        TicketStatus::Closed => {
            cols.push(("closed_at", Value::Text(now.clone())));
            if t.resolved_at.is_none() {
                cols.push(("resolved_at", Value::Text(now.clone())));
            }
        }
        _ => {}
    }
    rows::update(
        conn,
        ctx,
        WHAT,
        "ticket",
        id,
        version,
        &cols,
        Some(t.customer_id),
    )?;
    let verb = match to {
        TicketStatus::Responded | TicketStatus::Open => "Responded to",
        TicketStatus::Resolved => "Resolved",
        TicketStatus::Closed => "Closed",
    };
    let entry = InteractionFields {
        at: now,
        kind: InteractionKind::Note,
        summary: format!("{verb} {} #{id}: {note}", t.kind.as_str().replace('_', " ")),
        details: Some(format!("{}: {}", t.kind, t.summary)),
    };
    super::interactions::add_as(conn, ctx, t.customer_id, &entry, as_contact)?;
    Ok(())
}

/// Resolved complaints whose check-back is due by `day` and not yet answered by a survey.
pub fn checkbacks_due(
    conn: &Connection,
    day: chrono::NaiveDate,
    customer: Option<i64>,
) -> Result<Vec<Ticket>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM ticket
         WHERE checkback_due IS NOT NULL AND checkback_due <= ?1 AND (?2 IS NULL OR customer_id = ?2)
           AND NOT EXISTS (SELECT 1 FROM survey s WHERE s.ticket_id = ticket.id)
         ORDER BY checkback_due, id"
    ))?;
    let found = stmt
        .query_map(rusqlite::params![day.to_string(), customer], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Tickets, newest first; only those not resolved or closed when `open_only`.
pub fn list(conn: &Connection, open_only: bool, customer: Option<i64>) -> Result<Vec<Ticket>> {
    let sql = format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM ticket
         WHERE (?1 = 0 OR status IN ('open', 'responded')) AND (?2 IS NULL OR customer_id = ?2)
         ORDER BY opened_at DESC, id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let found = stmt
        .query_map(rusqlite::params![i64::from(open_only), customer], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    with_clocks(conn, found)
}
