//! Care for every tier: greeting to-dos before a customer's birthday and before the team's
//! holidays (the lunar festivals among them), for the tiers the team switched them on for
//! (`care.<tier>`; VIP by default), with a gift or coupon to suggest (`care_gift.<tier>`); and
//! the key-account rhythms a team can switch on for tiers — a monthly care letter, quarterly
//! materials. Each is created at most once per customer and occasion (the `todo.occasion` key is
//! unique), so running the pass twice changes nothing.

use crate::store::db::{Connection, Optional};
use chrono::{Datelike, Duration};
use rusqlite::params;

use super::error::Result;
use super::{Ctx, customers, settings};
use crate::domain::settings::parse_holidays;
use crate::domain::{Priority, Tier, TodoFields, time};

/// How many days ahead a greeting is prepared.
pub const LEAD_DAYS: i64 = 7;

fn has_occasion(conn: &Connection, customer: i64, occasion: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM todo WHERE customer_id = ?1 AND occasion = ?2",
            params![customer, occasion],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn greet(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    owner: Option<String>,
    title: String,
    due: chrono::NaiveDate,
    occasion: &str,
) -> Result<bool> {
    if has_occasion(conn, customer, occasion)? {
        return Ok(false);
    }
    let fields = TodoFields {
        customer_id: Some(customer),
        title,
        due: Some(due),
        due_time: None,
        priority: Priority::Normal,
        assignee: owner,
        recurrence: None,
    };
    let id = super::todos::add(conn, ctx, &fields)?;
    super::rows::exec(
        conn,
        "UPDATE todo SET occasion = ?2 WHERE id = ?1",
        params![id, occasion],
    )?;
    Ok(true)
}

/// A tier's care rules from the settings.
struct TierCare {
    birthday: bool,
    holidays: bool,
    /// Appended to each greeting's title: " — suggest: a gift box".
    gift: String,
}

fn tier_care(conn: &Connection, tier: Tier) -> Result<TierCare> {
    let occasions = settings::get(conn, &format!("care.{}", tier.as_str()))?;
    let gift = settings::get(conn, &format!("care_gift.{}", tier.as_str()))?;
    Ok(TierCare {
        birthday: occasions.split(' ').any(|w| w == "birthday"),
        holidays: occasions.split(' ').any(|w| w == "holidays"),
        gift: if gift == "off" {
            String::new()
        } else {
            format!(" — {}", crate::i18n::tf("care.suggest", &[("gift", &gift)]))
        },
    })
}

/// Creates the greeting to-dos due in the coming week and the rhythms' to-dos of the month and
/// quarter; returns how many were created.
pub fn run(conn: &Connection, ctx: &Ctx) -> Result<usize> {
    let today = ctx.clock.today();
    let horizon = today + Duration::days(LEAD_DAYS);
    let holidays: Vec<_> = parse_holidays(&settings::get(conn, "holidays")?)?
        .into_iter()
        .filter(|(_, d)| *d >= today && *d <= horizon)
        .collect();
    let mut created = 0;
    for tier in [Tier::Vip, Tier::Regular, Tier::Potential] {
        let care = tier_care(conn, tier)?;
        if care.birthday || care.holidays {
            created += greet_tier(conn, ctx, tier, &care, &holidays)?;
        }
    }
    created += rhythms(conn, ctx)?;
    Ok(created)
}

/// The tier's greetings due within the week.
fn greet_tier(
    conn: &Connection,
    ctx: &Ctx,
    tier: Tier,
    care: &TierCare,
    holidays: &[(String, chrono::NaiveDate)],
) -> Result<usize> {
    let today = ctx.clock.today();
    let horizon = today + Duration::days(LEAD_DAYS);
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM customer WHERE tier = ?1 AND stage <> 'churned' AND archived_at IS NULL ORDER BY id",
    )?;
    let ids: Vec<i64> = stmt
        .query_map([tier.as_str()], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    let mut created = 0;
    for id in ids {
        let c = customers::get(conn, id)?;
        if let Some(bd) = c.fields.birthday.filter(|_| care.birthday) {
            let next = time::next_birthday(bd, today);
            if next <= horizon {
                let title = format!(
                    "Birthday greeting for {} ({}){}",
                    c.fields.name,
                    next.format("%m-%d"),
                    care.gift
                );
                let occasion = format!("birthday:{}", next.year());
                created += usize::from(greet(
                    conn,
                    ctx,
                    id,
                    c.fields.owner.clone(),
                    title,
                    (next - Duration::days(1)).max(today),
                    &occasion,
                )?);
            }
        }
        for (name, date) in holidays.iter().filter(|_| care.holidays) {
            let occasion = format!("holiday:{name}:{}", date.year());
            let title = format!("{name} greeting for {}{}", c.fields.name, care.gift);
            created += usize::from(greet(
                conn,
                ctx,
                id,
                c.fields.owner.clone(),
                title,
                (*date - Duration::days(1)).max(today),
                &occasion,
            )?);
        }
    }
    Ok(created)
}

/// The key-account rhythms switched on for tiers: a care letter each month and materials each
/// quarter, for every customer (stage customer) of those tiers, due on the period's first day
/// (or today when the rhythm was switched on later).
fn rhythms(conn: &Connection, ctx: &Ctx) -> Result<usize> {
    let today = ctx.clock.today();
    let month_start = today.with_day(1).unwrap_or(today);
    let quarter = (today.month0() / 3) + 1;
    let quarter_start =
        chrono::NaiveDate::from_ymd_opt(today.year(), (quarter - 1) * 3 + 1, 1).unwrap_or(today);
    let mut created = 0;
    for (key, occasion, start, title) in [
        (
            "rhythm.monthly_letter",
            format!("letter:{}", today.format("%Y-%m")),
            month_start,
            "care.monthly_letter",
        ),
        (
            "rhythm.quarterly_materials",
            format!("materials:{}-Q{quarter}", today.year()),
            quarter_start,
            "care.quarterly_materials",
        ),
    ] {
        let on = settings::get(conn, key)?;
        if on == "off" {
            continue;
        }
        for tier in on.split(' ') {
            let mut stmt = conn.prepare_cached(
                "SELECT id, name, owner FROM customer
                 WHERE tier = ?1 AND stage = 'customer' AND archived_at IS NULL ORDER BY id",
            )?;
            let who: Vec<(i64, String, Option<String>)> = stmt
                .query_map([tier], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<crate::store::db::RowResult<_>>()?;
            for (id, name, owner) in who {
                let text = crate::i18n::tf(title, &[("name", &name)]);
                created += usize::from(greet(
                    conn,
                    ctx,
                    id,
                    owner,
                    text,
                    start.max(today),
                    &occasion,
                )?);
            }
        }
    }
    Ok(created)
}

/// Where the daily pass notes it ran: the day, and the last change of any setting then.
const DAILY_DONE_KEY: &str = "daily_pass_done";

/// What the daily-pass note must say for the pass to count as done: today, with the settings as
/// they are (a holiday or pool rule changed today runs the pass again).
fn daily_stamp(conn: &Connection, today: chrono::NaiveDate) -> Result<String> {
    // Every change of a setting moves its version on (a clock that stands still, as in a
    // test or a machine with a wrong date, would not move `updated_at`).
    let changed: String = conn.query_row(
        "SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || coalesce(max(updated_at), '')
         FROM setting WHERE key <> ?1",
        [DAILY_DONE_KEY],
        |r| r.get(0),
    )?;
    Ok(format!("{today} {changed}"))
}

/// Whether today's daily pass is still to run: read first, so that every later `kehu today`
/// of the day neither takes the write lock nor reads every VIP again.
pub fn daily_due(conn: &Connection, today: chrono::NaiveDate) -> Result<bool> {
    Ok(settings::internal(conn, DAILY_DONE_KEY)? != Some(daily_stamp(conn, today)?))
}

/// The daily pass: refresh the value-score cut points if stale, return neglected customers to the
/// shared pool, and prepare greetings. Runs once a day (again if a setting changed).
pub fn daily(conn: &Connection, ctx: &Ctx) -> Result<usize> {
    let today = ctx.clock.today();
    if !daily_due(conn, today)? {
        return Ok(0);
    }
    if super::value::is_stale(conn, today)? {
        super::value::refresh_all(conn, today)?;
    }
    return_to_pool(conn, ctx)?;
    super::loyalty::expire_due(conn, ctx)?;
    let created = run(conn, ctx)?;
    settings::set_internal(conn, DAILY_DONE_KEY, &daily_stamp(conn, today)?)?;
    Ok(created)
}

/// The shared pool (公海): customers whose owner has not contacted them for `pool_after_days`
/// (counted from the owner's last logged interaction, or from when they took the customer) lose
/// their owner, so anyone can claim them. Locked customers stay. Returns how many returned.
pub fn return_to_pool(conn: &Connection, ctx: &Ctx) -> Result<usize> {
    let setting = settings::get(conn, "pool_after_days")?;
    let Ok(days) = setting.parse::<i64>() else {
        return Ok(0); // "off"
    };
    let mut stmt = conn.prepare_cached(
        "SELECT c.id FROM customer c
         WHERE c.owner IS NOT NULL AND c.pool_locked = 0 AND c.archived_at IS NULL AND c.stage <> 'churned'
           AND julianday(?1) - julianday(max(
                 coalesce((SELECT max(i.at) FROM interaction i WHERE i.customer_id = c.id AND i.created_by = c.owner AND i.is_contact = 1), ''),
                 coalesce((SELECT max(h.at) FROM customer_history h WHERE h.customer_id = c.id AND h.field = 'owner'), ''),
                 c.created_at)) > ?2",
    )?;
    let ids: Vec<i64> = stmt
        .query_map(params![ctx.clock.stamp(), days], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    let pool = Ctx::new("pool", ctx.clock);
    for id in &ids {
        let c = customers::get(conn, *id)?;
        let mut f = c.fields.clone();
        f.owner = None;
        customers::update(conn, &pool, *id, c.audit.version, &f, &c.tags)?;
    }
    Ok(ids.len())
}
