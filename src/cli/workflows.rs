//! `kehu today`, `ticket`, `survey`, `deal` and `campaign`.

use anyhow::Result;
use serde_json::json;
use std::fmt::Write as _;

use super::Env;
use super::args::{CampaignCmd, DealCmd, SurveyCmd, TicketCmd};
use super::output::Table;
use crate::domain::input::{self, money_text};
use crate::domain::{DealStage, Severity, TicketKind, TicketStatus, time};
use crate::store::{self, customers::Filter};

pub fn today(env: &mut Env, mine: bool, json: bool, limit: Option<usize>) -> Result<()> {
    let ctx = env.ctx.clone();
    // The daily pass (value cut points, greetings) first, so today's list includes its to-dos.
    if env
        .store
        .read(|c| store::care::daily_due(c, ctx.clock.today()))?
    {
        env.store.write(|c| store::care::daily(c, &ctx))?;
    }
    let owner = mine.then(|| ctx.user.clone());
    let rows = store::today::queue_at_once(&env.store, &ctx.clock, owner.as_deref(), None, limit)?;
    print_queue(env, &rows, json)?;
    env.out.flush()?;
    env.let_go(rows);
    // The day's backup after the queue is on the screen: copying a large book takes a while, and
    // the list should not wait for it. A failed backup (a full disk, a folder a teammate made
    // unwritable) must not stop the day's work: it is said, with why, and the next command tries
    // again.
    let keep = env
        .store
        .read(|c| store::settings::get(c, "backup_keep"))?
        .parse()
        .unwrap_or(7);
    if let Err(e) = store::maintenance::daily_backup(&env.store, ctx.clock.today(), keep) {
        eprintln!(
            "kehu: {}",
            crate::i18n::tf("warn.daily_backup", &[("why", &e)])
        );
    }
    Ok(())
}

fn print_queue(env: &mut Env, rows: &[store::today::TodayRow], json: bool) -> Result<()> {
    if json {
        let out: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "id": r.item_id, "kind": r.kind.as_str(), "customer_id": r.customer_id, "customer": r.customer,
                    "title": r.title, "urgency": r.urgency, "why": r.why,
                })
            })
            .collect();
        return Ok(env.out.json(&out)?);
    }
    if rows.is_empty() {
        env.out
            .line(crate::i18n::t("out.nothing_needs_you_today"))?;
        return Ok(());
    }
    let mut table = Table::new(&[
        ("URGENCY", 7),
        ("KIND", 9),
        ("CUSTOMER", 20),
        ("WHAT", 40),
        ("WHY", 60),
    ]);
    // The kinds' words in this thread's language, once each.
    let words: Vec<(store::today::TodayKind, String)> = store::today::TodayKind::ALL
        .iter()
        .map(|k| (*k, crate::i18n::word("today", k.as_str())))
        .collect();
    // Half the rows laid out on another core: a large book's queue is half a million rows whose
    // text lies all over memory, and waiting for it is most of the time laying them out takes.
    let (first, second) = rows.split_at(rows.len() / 2);
    let mut rest = table.empty_like();
    std::thread::scope(|s| {
        s.spawn(|| lay_out_queue(&mut rest, second, &words));
        lay_out_queue(&mut table, first, &words);
    });
    table.append(rest);
    table.print(&mut env.out)?;
    env.let_go(table);
    Ok(())
}

/// The queue's rows into `table`, the urgency and reasons written into two strings used again
/// for every row.
fn lay_out_queue(
    table: &mut Table,
    rows: &[store::today::TodayRow],
    words: &[(store::today::TodayKind, String)],
) {
    let (mut urgency, mut why) = (String::new(), String::new());
    for r in rows {
        let kind = words
            .iter()
            .find(|(k, _)| *k == r.kind)
            .map_or("", |(_, w)| w.as_str());
        urgency.clear();
        // Writing into a string cannot fail.
        let _ = write!(urgency, "{}", r.urgency);
        why.clear();
        r.why.join_into(&mut why, " · ");
        table.row([
            urgency.as_str(),
            kind,
            r.customer.as_deref().unwrap_or_default(),
            &r.title,
            &why,
        ]);
    }
}

pub fn ticket(env: &mut Env, cmd: TicketCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    match cmd {
        TicketCmd::Open {
            id,
            summary,
            kind,
            severity,
            channel,
            assignee,
            department,
        } => {
            let summary = input::required_line("summary", &summary)?;
            let (kind, severity): (TicketKind, Severity) = (kind.parse()?, severity.parse()?);
            let routing = store::tickets::Routing {
                channel: channel.as_deref().map(str::parse).transpose()?,
                assignee: assignee
                    .as_deref()
                    .map(|a| input::optional_line("assignee", a))
                    .transpose()?
                    .flatten(),
                department,
            };
            let t = env.store.write(|c| {
                store::tickets::open_routed(c, &ctx, id, kind, severity, &summary, &routing)
            })?;
            env.out.line(&crate::i18n::tf(
                "out.opened_ticket",
                &[("t", &t), ("id", &id)],
            ))?;
        }
        TicketCmd::Respond {
            ticket,
            note,
            contact,
        } => advance(env, ticket, TicketStatus::Responded, &note, contact)?,
        TicketCmd::Resolve {
            ticket,
            note,
            contact,
        } => advance(env, ticket, TicketStatus::Resolved, &note, contact)?,
        TicketCmd::Close {
            ticket,
            note,
            contact,
        } => advance(env, ticket, TicketStatus::Closed, &note, contact)?,
        TicketCmd::Assign {
            ticket,
            to,
            department,
            note,
        } => {
            let t = env.store.write(|c| {
                let current = store::tickets::get(c, ticket)?;
                store::tickets::hand_over(
                    c,
                    &ctx,
                    ticket,
                    current.audit.version,
                    to.as_deref(),
                    department.as_deref(),
                    note.as_deref(),
                )?;
                store::tickets::get(c, ticket)
            })?;
            env.out.line(&crate::i18n::tf(
                "out.handed_over",
                &[
                    ("ticket", &ticket),
                    (
                        "whom",
                        &[
                            t.routing.assignee.clone(),
                            t.routing
                                .department
                                .as_deref()
                                .map(crate::domain::churn::department_shown),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · "),
                    ),
                ],
            ))?;
        }
        TicketCmd::List {
            open,
            assignee,
            mine,
            json,
        } => {
            let assignee = if mine {
                Some(ctx.user.clone())
            } else {
                assignee
            };
            let mut tickets = env.store.read(|c| store::tickets::list(c, open, None))?;
            if let Some(a) = &assignee {
                tickets.retain(|t| t.routing.assignee.as_deref() == Some(a.as_str()));
            }
            let clock = ctx.clock;
            let clock_of = |t: &store::tickets::Ticket| t.clock_text(clock.now);
            if json {
                let out: Vec<_> = tickets
                    .iter()
                    .map(|t| {
                        json!({
                            "id": t.id, "customer_id": t.customer_id, "kind": t.kind, "severity": t.severity,
                            "summary": t.summary, "status": t.status, "opened_at": t.opened_at,
                            "first_response_at": t.first_response_at, "resolved_at": t.resolved_at,
                            "closed_at": t.closed_at, "clock": clock_of(t),
                            "checkback_due": t.checkback_due.map(|d| d.to_string()),
                            "checkback_survey": t.checkback_survey,
                            "channel": t.routing.channel, "assignee": t.routing.assignee,
                            "department": t.routing.department,
                        })
                    })
                    .collect();
                return Ok(env.out.json(&out)?);
            }
            let mut table = Table::new(&[
                ("ID", 6),
                ("CUSTOMER", 8),
                ("KIND", 11),
                ("SEVERITY", 8),
                ("STATUS", 9),
                ("CLOCK", 22),
                ("ASSIGNEE", 24),
                ("SUMMARY", 50),
            ]);
            for t in &tickets {
                table.row(vec![
                    t.id.to_string(),
                    t.customer_id.to_string(),
                    crate::i18n::word("ticket", t.kind.as_str()),
                    t.severity.to_string(),
                    crate::i18n::word("ticket_status", t.status.as_str()),
                    clock_of(t),
                    t.routing.describe().unwrap_or_default(),
                    t.summary.clone(),
                ]);
            }
            if table.is_empty() {
                env.out.line(crate::i18n::t("out.no_tickets"))?;
            } else {
                table.print(&mut env.out)?;
            }
        }
    }
    Ok(())
}

fn advance(
    env: &mut Env,
    ticket: i64,
    to: TicketStatus,
    note: &str,
    as_contact: bool,
) -> Result<()> {
    let ctx = env.ctx.clone();
    let note = input::required_line("note", note)?;
    let t = env.store.read(|c| store::tickets::get(c, ticket))?;
    env.store.write(|c| {
        store::tickets::advance(c, &ctx, ticket, t.audit.version, to, &note, as_contact)
    })?;
    env.out.line(&crate::i18n::tf(
        "out.ticket",
        &[("ticket", &ticket), ("to", &to)],
    ))?;
    Ok(())
}

pub fn survey(env: &mut Env, cmd: SurveyCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    match cmd {
        SurveyCmd::Add {
            id,
            quality,
            attitude,
            speed,
            comment,
            date,
            ticket,
        } => {
            let on = date
                .as_deref()
                .map(|d| time::parse_date("date", d, ctx.clock.today()))
                .transpose()?
                .unwrap_or(ctx.clock.today());
            let comment = comment
                .as_deref()
                .map(|c| input::optional_text("comment", c))
                .transpose()?
                .flatten();
            let s = env.store.write(|c| {
                store::surveys::add_for(
                    c,
                    &ctx,
                    id,
                    on,
                    [quality, attitude, speed],
                    comment.as_deref(),
                    ticket,
                )
            })?;
            env.out.line(&crate::i18n::tf(
                "out.recorded_survey_for_customer",
                &[("s", &s), ("id", &id)],
            ))?;
        }
        SurveyCmd::List { id, json } => {
            let found = env.store.read(|c| {
                store::customers::get(c, id)?;
                store::surveys::for_customer(c, id)
            })?;
            if json {
                let out: Vec<_> = found
                    .iter()
                    .map(|s| json!({"id": s.id, "customer_id": s.customer_id, "date": s.on_date.to_string(), "quality": s.quality, "attitude": s.attitude, "speed": s.speed, "comment": s.comment, "ticket": s.ticket_id}))
                    .collect();
                return Ok(env.out.json(&out)?);
            }
            for s in &found {
                env.out.line(&crate::i18n::tf(
                    "out.survey_line",
                    &[
                        ("id", &s.id),
                        ("date", &crate::domain::format::date(s.on_date)),
                        ("q", &s.quality),
                        ("a", &s.attitude),
                        ("s", &s.speed),
                        ("avg", &format!("{:.1}", s.average())),
                        ("comment", &s.comment.clone().unwrap_or_default()),
                    ],
                ))?;
            }
        }
    }
    Ok(())
}

pub fn deal(env: &mut Env, cmd: DealCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    let today = ctx.clock.today();
    let move_deal = |env: &mut Env,
                     id: i64,
                     stage: DealStage,
                     reason: Option<String>,
                     purchase: bool|
     -> Result<()> {
        let d = env.store.read(|c| store::deals::get(c, id))?;
        env.store.write(|c| {
            store::deals::move_to(
                c,
                &ctx,
                id,
                d.audit.version,
                stage,
                reason.as_deref(),
                store::deals::WinPurchase::deal_amount_if(purchase),
            )
        })?;
        let stage = crate::i18n::word("deal", stage.as_str());
        env.out.line(&crate::i18n::tf(
            if purchase {
                "out.deal_moved_purchase"
            } else {
                "out.deal_moved"
            },
            &[("id", &id), ("stage", &stage)],
        ))?;
        Ok(())
    };
    match cmd {
        DealCmd::Add {
            id,
            title,
            amount,
            close,
        } => {
            let title = input::required_line("title", &title)?;
            let amount = input::money("amount", &amount)?;
            let close = close
                .as_deref()
                .map(|d| time::parse_date("close", d, today))
                .transpose()?;
            let ctx = env.ctx.clone();
            let d = env
                .store
                .write(|c| store::deals::add(c, &ctx, id, &title, amount, close))?;
            env.out.line(&crate::i18n::tf(
                "out.added_deal_for_customer",
                &[("d", &d), ("id", &id)],
            ))?;
        }
        DealCmd::Move { deal, stage } => {
            let stage: DealStage = stage.parse()?;
            if matches!(stage, DealStage::Won | DealStage::Lost) {
                anyhow::bail!(
                    "{}",
                    crate::i18n::tf("out.use_won_lost", &[("deal", &deal)])
                );
            }
            move_deal(env, deal, stage, None, false)?;
        }
        DealCmd::Won { deal, purchase } => move_deal(env, deal, DealStage::Won, None, purchase)?,
        DealCmd::Lost { deal, reason } => move_deal(env, deal, DealStage::Lost, reason, false)?,
        DealCmd::Forecast { owner, json } => {
            let today = env.ctx.clock.today();
            let (lines, currency) = env.store.read(|c| {
                let deals = store::deals::open_for_forecast(c, owner.as_deref())?;
                let odds = store::deals::odds(c)?;
                Ok((
                    crate::domain::forecast::by_month(deals, &odds, today),
                    store::settings::get(c, "currency")?,
                ))
            })?;
            if json {
                return Ok(env.out.json(&crate::domain::forecast::json(&lines))?);
            }
            super::reporting::print_forecast(env, &lines, &currency)?;
        }
        DealCmd::List { json } => {
            let deals = env.store.read(|c| store::deals::list(c, None))?;
            if json {
                let out: Vec<_> = deals
                    .iter()
                    .map(|d| json!({"id": d.id, "customer_id": d.customer_id, "title": d.title, "amount": money_text(d.amount), "stage": d.stage, "expected_close": d.expected_close.map(|x| x.to_string()), "lost_reason": d.lost_reason}))
                    .collect();
                return Ok(env.out.json(&out)?);
            }
            let mut table = Table::new(&[
                ("ID", 6),
                ("CUSTOMER", 8),
                ("STAGE", 14),
                ("AMOUNT", 14),
                ("CLOSE", 10),
                ("TITLE", 50),
            ]);
            for d in &deals {
                table.row(vec![
                    d.id.to_string(),
                    d.customer_id.to_string(),
                    crate::i18n::word("deal", d.stage.as_str()),
                    money_text(d.amount),
                    d.expected_close.map(|x| x.to_string()).unwrap_or_default(),
                    d.title.clone(),
                ]);
            }
            if table.is_empty() {
                env.out.line(crate::i18n::t("out.no_deals"))?;
            } else {
                table.print(&mut env.out)?;
            }
        }
    }
    Ok(())
}

pub fn campaign(env: &mut Env, cmd: CampaignCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    match cmd {
        CampaignCmd::Add {
            name,
            date,
            description,
        } => {
            let name = input::required_line("name", &name)?;
            let date = date
                .as_deref()
                .map(|d| time::parse_date("date", d, ctx.clock.today()))
                .transpose()?;
            let description = description
                .as_deref()
                .map(|d| input::optional_text("description", d))
                .transpose()?
                .flatten();
            let id = env
                .store
                .write(|c| store::campaigns::add(c, &ctx, &name, date, description.as_deref()))?;
            env.out.line(&crate::i18n::tf(
                "out.added_campaign",
                &[("id", &id), ("name", &name)],
            ))?;
        }
        CampaignCmd::Invite {
            campaign,
            customers,
            search,
            tag,
        } => {
            if customers.is_empty() && search.is_none() && tag.is_none() {
                anyhow::bail!("{}", crate::i18n::t("out.invite_whom"));
            }
            let mut ids = customers;
            if search.is_some() || tag.is_some() {
                let filter = Filter {
                    search,
                    tag,
                    ..Default::default()
                };
                ids.extend(
                    env.store
                        .read(|c| store::customers::list(c, &filter))?
                        .iter()
                        .map(|c| c.id),
                );
            }
            let added = env
                .store
                .write(|c| store::campaigns::invite(c, &ctx, campaign, &ids))?;
            env.out.line(&crate::i18n::tf(
                "out.invited",
                &[
                    ("added", &added),
                    ("campaign", &campaign),
                    ("already", &(ids.len() - added)),
                ],
            ))?;
        }
        CampaignCmd::Attend { campaign, id } | CampaignCmd::Respond { campaign, id } => {
            let responded = matches!(cmd, CampaignCmd::Respond { .. });
            env.store
                .write(|c| store::campaigns::mark(c, &ctx, campaign, id, responded))?;
            env.out.line(&crate::i18n::tf(
                if responded {
                    "out.campaign_responded"
                } else {
                    "out.campaign_attended"
                },
                &[("id", &id), ("campaign", &campaign)],
            ))?;
        }
        CampaignCmd::List { json } => {
            let list = env.store.read(store::campaigns::list)?;
            if json {
                let out: Vec<_> = list
                    .iter()
                    .map(|c| json!({"id": c.id, "name": c.name, "date": c.on_date.map(|d| d.to_string()), "invited": c.invited, "attended": c.attended, "responded": c.responded}))
                    .collect();
                return Ok(env.out.json(&out)?);
            }
            let mut table = Table::new(&[
                ("ID", 6),
                ("DATE", 10),
                ("INVITED", 7),
                ("ATTENDED", 8),
                ("RESPONDED", 9),
                ("NAME", 50),
            ]);
            for c in &list {
                table.row(vec![
                    c.id.to_string(),
                    c.on_date.map(|d| d.to_string()).unwrap_or_default(),
                    c.invited.to_string(),
                    c.attended.to_string(),
                    c.responded.to_string(),
                    c.name.clone(),
                ]);
            }
            if table.is_empty() {
                env.out.line(crate::i18n::t("out.no_campaigns"))?;
            } else {
                table.print(&mut env.out)?;
            }
        }
    }
    Ok(())
}
