//! How each kind of row in the Today queue is found: to-dos due, customers past their cadence,
//! birthdays, complaints on their clock, surveys due, agreements ending, coupons expiring and late
//! deals, each with what the queue needs to know of its customer.

use crate::store::db::{Connection, Optional};
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::params;

use super::{Gather, Reasons, TodayKind, TodayRow};
use crate::domain::rules::{self, Urgency};
use crate::domain::{Channel, Tier, time};
use crate::i18n::{t, tf, word};
use crate::store::error::Result;
use crate::store::{customers, risk};

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

/// What the queue needs to know of a customer. Read narrow: tens of thousands of customers can
/// be past their cadence on a large book, and reading each whole (tags and all) took a fifth of
/// a second at 100,000.
struct Who {
    id: i64,
    name: String,
    tier: Tier,
    value: u8,
    owner: Option<String>,
    channel: Option<Channel>,
    archived: bool,
    version: i64,
    birthday: Option<NaiveDate>,
    cadence_days: Option<i64>,
    /// The last contact, or when the customer was added.
    since: String,
}

const WHO_COLS: &str = "id, name, tier, value_r + value_f + value_m, owner, channel, archived_at IS NOT NULL, \
     version, birthday, cadence_days, coalesce(last_contact_at, created_at)";

fn who_from_row(r: &crate::store::db::Row<'_>) -> crate::store::db::RowResult<Who> {
    who_at(r, 0)
}

/// A customer from the [`WHO_COLS`] that start at column `at`.
fn who_at(r: &crate::store::db::Row<'_>, at: usize) -> crate::store::db::RowResult<Who> {
    Ok(Who {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        tier: customers::parsed(r, at + 2)?,
        value: r.get(at + 3)?,
        owner: r.get(at + 4)?,
        channel: customers::parsed_opt(r, at + 5)?,
        archived: r.get(at + 6)?,
        version: r.get(at + 7)?,
        birthday: customers::parsed_opt(r, at + 8)?,
        cadence_days: r.get(at + 9)?,
        since: r.get(at + 10)?,
    })
}

/// Open to-dos due on or before `today`, each with its customer (if any), by due date then id:
/// one query, not one customer lookup per to-do (54,000 of them at 1M customers).
fn todos_due(
    conn: &Connection,
    today: NaiveDate,
    customer: Option<i64>,
) -> Result<Vec<(crate::domain::Todo, Option<Who>)>> {
    let (cols, who_at_col) = aliased("t", crate::store::todos::COLS);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {cols}, c.* FROM todo t LEFT JOIN (SELECT {WHO_COLS} FROM customer) c ON c.id = t.customer_id
         WHERE t.status = 'open' AND t.due <= ?1 AND (?2 IS NULL OR t.customer_id = ?2)
         ORDER BY coalesce(t.due, '9999-12-31'), t.id"
    ))?;
    let found = stmt
        .query_map(params![today.to_string(), customer], |r| {
            let todo = crate::store::todos::from_row(r)?;
            let who = match r.get::<_, Option<i64>>(who_at_col)? {
                Some(_) => Some(who_at(r, who_at_col)?),
                None => None,
            };
            Ok((todo, who))
        })?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(found)
}

/// Open deals whose expected close is before `today`, each with its customer, by expected
/// close then id: one query, not one customer lookup per deal (16,000 of them at 1M customers).
fn deals_late(
    conn: &Connection,
    today: NaiveDate,
    customer: Option<i64>,
) -> Result<Vec<(crate::store::deals::Deal, Who)>> {
    let (cols, who_at_col) = aliased("d", crate::store::deals::COLS);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {cols}, c.* FROM deal d JOIN (SELECT {WHO_COLS} FROM customer) c ON c.id = d.customer_id
         WHERE d.stage NOT IN ('won', 'lost') AND d.expected_close < ?1 AND (?2 IS NULL OR d.customer_id = ?2)
         ORDER BY d.expected_close, d.id"
    ))?;
    let found = stmt
        .query_map(params![today.to_string(), customer], |r| {
            Ok((crate::store::deals::from_row(r)?, who_at(r, who_at_col)?))
        })?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(found)
}

/// A table's columns and its audit columns, each prefixed with the table's alias, and how many
/// there are (where the customer's columns start after them).
fn aliased(alias: &str, cols: &str) -> (String, usize) {
    let cols: Vec<String> = format!("{cols}, {}", crate::store::rows::AUDIT_COLS)
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect();
    (cols.join(", "), cols.len())
}

fn who(conn: &Connection, id: i64) -> Result<Who> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {WHO_COLS} FROM customer WHERE id = ?1"))?;
    stmt.query_row([id], who_from_row)
        .optional()?
        .ok_or(crate::store::StoreError::NotFound {
            what: "customer",
            id,
        })
}

/// Surveys due: each resolved complaint's check-back from its due date until a survey answers
/// it (item: the ticket), and the customers of a tier with a survey interval whose last survey
/// (never surveyed: the day they were added) is older than it (item: the customer).
pub(super) fn surveys_due(g: &mut Gather<'_>) -> Result<()> {
    let (conn, clock, customer) = (g.conn, g.clock, g.customer);
    let (snoozes, out) = (&g.snoozes, &mut g.out);
    let mine = mine_of(g.owner);
    let today = clock.today();
    for t in crate::store::tickets::checkbacks_due(conn, today, customer)? {
        let c = who(conn, t.customer_id)?;
        let occasion = format!("checkback:{}", t.id);
        if c.archived || !mine(&c) || snoozes.has(c.id, TodayKind::Survey, &occasion) {
            continue;
        }
        let over = t.checkback_due.map_or(0, |d| (today - d).num_days());
        let u = rules::checkback_urgency(over, t.id, c.tier, c.value);
        out.push(row(
            TodayKind::Survey,
            Some(&c),
            tf(
                "today.checkback",
                &[("ticket", &t.id), ("summary", &t.summary)],
            ),
            u,
            t.id,
            t.audit.version,
            occasion,
        ));
    }
    // Each tier's interval, if it has one, and the day before which its last survey is too old.
    let mut every = [None; 3];
    for (i, tier) in [Tier::Vip, Tier::Regular, Tier::Potential]
        .into_iter()
        .enumerate()
    {
        every[i] = crate::store::settings::get(conn, crate::domain::settings::survey_key(tier))?
            .parse::<i64>()
            .ok();
    }
    if every.iter().all(Option::is_none) {
        return Ok(());
    }
    let cut = |e: Option<i64>| e.map(|days| (today - Duration::days(days)).to_string());
    // All tiers in one pass over the customers (a tier without an interval has no cut, and a
    // comparison with NULL is never true).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {WHO_COLS}, coalesce((SELECT max(s.on_date) FROM survey s WHERE s.customer_id = customer.id),
                                     substr(created_at, 1, 10))
         FROM customer WHERE archived_at IS NULL AND stage = 'customer'
           AND (?4 IS NULL OR id = ?4)
           AND coalesce((SELECT max(s.on_date) FROM survey s WHERE s.customer_id = customer.id),
                        substr(created_at, 1, 10))
               <= CASE tier WHEN 'vip' THEN ?1 WHEN 'regular' THEN ?2 WHEN 'potential' THEN ?3 END"
    ))?;
    let due: Vec<(Who, String)> = stmt
        .query_map(
            params![cut(every[0]), cut(every[1]), cut(every[2]), customer],
            |r| Ok((who_from_row(r)?, r.get(11)?)),
        )?
        .collect::<crate::store::db::RowResult<_>>()?;
    for (c, since) in due {
        if !mine(&c) || snoozes.has(c.id, TodayKind::Survey, "survey") {
            continue;
        }
        let Some(every) = every[match c.tier {
            Tier::Vip => 0,
            Tier::Regular => 1,
            Tier::Potential => 2,
        }] else {
            continue;
        };
        let since: NaiveDate = since.parse().unwrap_or(today);
        let over = (today - since).num_days() - every;
        let u = rules::survey_urgency(over, every, c.tier, c.value);
        out.push(row(
            TodayKind::Survey,
            Some(&c),
            t("today.survey").to_string(),
            u,
            c.id,
            c.version,
            "survey".into(),
        ));
    }
    Ok(())
}

/// Whether a customer is `owner`'s (everyone is, when no owner is asked for).
fn mine_of(owner: Option<&str>) -> impl Fn(&Who) -> bool + '_ {
    move |c: &Who| owner.is_none_or(|o| c.owner.as_deref() == Some(o))
}

/// To-dos due or overdue.
pub(super) fn todos(g: &mut Gather<'_>) -> Result<()> {
    let (conn, today, customer, owner) = (g.conn, g.today, g.customer, g.owner);
    let out = &mut g.out;
    let mine = mine_of(owner);
    for (t, c) in todos_due(conn, today, customer)? {
        // An archived customer's to-dos leave the queue with them.
        if c.as_ref().is_some_and(|c| c.archived) {
            continue;
        }
        if owner.is_some() && t.assignee.as_deref() != owner && !c.as_ref().is_some_and(&mine) {
            continue;
        }
        let u = rules::todo_urgency(
            t.due,
            today,
            t.priority,
            c.as_ref().map(|c| c.tier),
            c.as_ref().map_or(0, |c| c.value),
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
        r.todo = Some(Box::new(t));
        out.push(r);
    }
    Ok(())
}

/// Customers past their cadence, read in one query (there can be many on a large book).
pub(super) fn cadence(g: &mut Gather<'_>) -> Result<()> {
    let (cad, limit) = (risk::cadences(g.conn)?, g.limit);
    let (conn, clock, customer) = (g.conn, g.clock, g.customer);
    let (snoozes, out) = (&g.snoozes, &mut g.out);
    let mine = mine_of(g.owner);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {WHO_COLS} FROM customer WHERE archived_at IS NULL AND stage <> 'churned' AND (?5 IS NULL OR id = ?5) AND
            CASE WHEN cadence_days IS NULL
                THEN coalesce(last_contact_at, created_at) < CASE tier WHEN 'vip' THEN ?2 WHEN 'regular' THEN ?3 ELSE ?4 END
                ELSE julianday(?1) - julianday(coalesce(last_contact_at, created_at)) > cadence_days END"
    ))?;
    // A tier's cadence as the instant before which the last contact is too long ago: compared
    // as text (one timestamp format), which spares parsing every customer's dates.
    let cut = |days: i64| time::format_timestamp(clock.now - Duration::days(days));
    let due: Vec<Who> = stmt
        .query_map(
            params![
                clock.stamp(),
                cut(cad[0]),
                cut(cad[1]),
                cut(cad[2]),
                customer
            ],
            who_from_row,
        )?
        .collect::<crate::store::db::RowResult<_>>()?;
    // Each reminder with its score, days since contact and cadence.
    let mut due: Vec<(i64, i64, i64, Who)> = due
        .into_iter()
        .filter(|c| mine(c) && !snoozes.has(c.id, TodayKind::Cadence, ""))
        .map(|c| {
            let days = time::parse_timestamp(&c.since).map_or(0, |t| (clock.now - t).num_days());
            let cadence = risk::cadence_for(c.cadence_days, c.tier, &cad);
            let score = rules::cadence_score(days, cadence, c.tier, c.value);
            (score, days, cadence, c)
        })
        .collect();
    // Asked for the first `n` rows only: no more than `n` reminders can be among them, so only
    // the `n` most urgent are worded (the queue's own order: urgency, then name, then id).
    if let Some(n) = limit.filter(|n| *n < due.len()) {
        due.select_nth_unstable_by(n, |(a, _, _, x), (b, _, _, y)| {
            b.cmp(a)
                .then_with(|| x.name.cmp(&y.name))
                .then(x.id.cmp(&y.id))
        });
        due.truncate(n);
    }
    // A title per channel, worded once: there are a handful, and hundreds of thousands of rows.
    let mut titles: Vec<(Option<Channel>, String)> = Vec::new();
    for (_, days, cadence, c) in due {
        let u = rules::cadence_urgency(days, cadence, c.tier, c.value);
        let title = match titles.iter().find(|(ch, _)| *ch == c.channel) {
            Some((_, title)) => title.clone(),
            None => {
                let title = match c.channel {
                    Some(ch) => tf(
                        "today.get_in_touch_by",
                        &[("channel", &word("channel", ch.as_str()))],
                    ),
                    None => t("today.get_in_touch").to_string(),
                };
                titles.push((c.channel, title.clone()));
                title
            }
        };
        out.push(row(
            TodayKind::Cadence,
            Some(&c),
            title,
            u,
            c.id,
            c.version,
            String::new(),
        ));
    }
    Ok(())
}

/// Birthdays in the coming week.
pub(super) fn birthdays(g: &mut Gather<'_>) -> Result<()> {
    let (conn, today, customer) = (g.conn, g.today, g.customer);
    let (snoozes, out) = (&g.snoozes, &mut g.out);
    let mine = mine_of(g.owner);
    let days = month_days(today, 7);
    let placeholders = vec!["?"; days.len()].join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {WHO_COLS} FROM customer WHERE archived_at IS NULL AND stage <> 'churned' AND birthday IS NOT NULL
            AND substr(birthday, 6, 5) IN ({placeholders})"
    ))?;
    let born: Vec<Who> = stmt
        .query_map(crate::store::db::params_from_iter(&days), who_from_row)?
        .collect::<crate::store::db::RowResult<_>>()?;
    for c in born
        .into_iter()
        .filter(|c| customer.is_none_or(|id| c.id == id))
    {
        let id = c.id;
        let Some(bd) = c.birthday else {
            continue;
        };
        let next = time::next_birthday(bd, today);
        let occasion = format!("birthday:{}", next.year());
        if !mine(&c) || snoozes.has(id, TodayKind::Birthday, &occasion) {
            continue;
        }
        let u = rules::birthday_urgency((next - today).num_days(), c.tier, c.value);
        out.push(row(
            TodayKind::Birthday,
            Some(&c),
            tf(
                "today.birthday",
                &[("date", &crate::domain::format::short_date(next))],
            ),
            u,
            id,
            c.version,
            occasion,
        ));
    }
    Ok(())
}

pub(super) fn complaints(g: &mut Gather<'_>) -> Result<()> {
    let (conn, clock, customer, owner) = (g.conn, g.clock, g.customer, g.owner);
    let (snoozes, out) = (&g.snoozes, &mut g.out);
    let mine = mine_of(owner);
    // Tickets still waiting for their first response, each on its own clock (24 h for a
    // complaint, the team's setting for inquiries and after-sales requests).
    for t in crate::store::tickets::list(conn, true, customer)? {
        let Some(left) = t.response_left(clock.now) else {
            continue;
        };
        let c = who(conn, t.customer_id)?;
        // A ticket handed to someone is theirs; otherwise the customer's account manager's.
        let for_me = match (&t.routing.assignee, owner) {
            (Some(a), Some(o)) => a == o,
            _ => mine(&c),
        };
        if c.archived || !for_me || snoozes.has(c.id, TodayKind::Complaint, &t.id.to_string()) {
            continue;
        }
        let mut u = rules::complaint_urgency(left, t.severity, c.tier, c.value);
        if let Some(routed) = t.routing.describe() {
            u.why.push(routed);
        }
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
    Ok(())
}

pub(super) fn agreements(g: &mut Gather<'_>) -> Result<()> {
    let (conn, today, customer) = (g.conn, g.today, g.customer);
    let (snoozes, out) = (&g.snoozes, &mut g.out);
    let mine = mine_of(g.owner);
    // Agreements ending soon (to renew or replace), or ended by date and not yet dealt with.
    let warn: i64 = crate::store::settings::get(conn, "agreement_warn_days")?
        .parse()
        .unwrap_or(60);
    for a in crate::store::agreements::ending(conn, today, warn, customer)? {
        let c = who(conn, a.customer_id)?;
        let occasion = a.id.to_string();
        if c.archived || !mine(&c) || snoozes.has(c.id, TodayKind::Agreement, &occasion) {
            continue;
        }
        let Some(end) = a.fields.ends_on else {
            continue;
        };
        let u = rules::agreement_urgency((end - today).num_days(), c.tier, c.value);
        out.push(row(
            TodayKind::Agreement,
            Some(&c),
            tf(
                "today.agreement",
                &[("title", &a.fields.title), ("date", &end)],
            ),
            u,
            a.id,
            a.audit.version,
            occasion,
        ));
    }
    Ok(())
}

pub(super) fn coupons(g: &mut Gather<'_>) -> Result<()> {
    let (conn, today, customer) = (g.conn, g.today, g.customer);
    let (snoozes, out) = (&g.snoozes, &mut g.out);
    let mine = mine_of(g.owner);
    // Coupons about to expire unused: a reason to get in touch before the benefit is lost.
    if let Ok(warn) = crate::store::settings::get(conn, "coupon_warn_days")?.parse::<i64>() {
        for k in crate::store::coupons::expiring(conn, today, warn, customer)? {
            let c = who(conn, k.customer_id)?;
            let occasion = k.id.to_string();
            if c.archived || !mine(&c) || snoozes.has(c.id, TodayKind::Coupon, &occasion) {
                continue;
            }
            let Some(until) = k.valid_until else {
                continue;
            };
            let u = rules::coupon_urgency((until - today).num_days(), c.tier, c.value);
            out.push(row(
                TodayKind::Coupon,
                Some(&c),
                tf("today.coupon", &[("code", &k.code), ("date", &until)]),
                u,
                k.id,
                k.audit.version,
                occasion,
            ));
        }
    }
    Ok(())
}

/// Deals past their expected close.
pub(super) fn deals(g: &mut Gather<'_>) -> Result<()> {
    let (conn, today, customer) = (g.conn, g.today, g.customer);
    let (snoozes, out) = (&g.snoozes, &mut g.out);
    let mine = mine_of(g.owner);
    for (d, c) in deals_late(conn, today, customer)? {
        if c.archived || !mine(&c) || snoozes.has(c.id, TodayKind::Deal, &d.id.to_string()) {
            continue;
        }
        let past = d.expected_close.map_or(0, |e| (today - e).num_days());
        let u = rules::deal_urgency(past, d.amount, c.tier, c.value);
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
    Ok(())
}

fn row(
    kind: TodayKind,
    c: Option<&Who>,
    title: String,
    u: Urgency,
    item_id: i64,
    version: i64,
    occasion: String,
) -> TodayRow {
    TodayRow {
        kind,
        customer_id: c.map(|c| c.id),
        customer: c.map(|c| c.name.clone()),
        title,
        urgency: u.score,
        why: Reasons::from(u.why),
        item_id,
        version,
        occasion,
        todo: None,
    }
}
