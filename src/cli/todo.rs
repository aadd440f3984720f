//! `kehu todo …`.

use anyhow::Result;

use super::Env;
use super::args::TodoCmd;
use super::output::Table;
use super::views;
use crate::domain::input::{self, Recurrence};
use crate::domain::{TodoFields, time};
use crate::store;

pub fn run(env: &mut Env, cmd: TodoCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    let today = ctx.clock.today();
    match cmd {
        TodoCmd::Add {
            id,
            title,
            due,
            time: at,
            every,
            assignee,
            priority,
        } => {
            let fields = TodoFields {
                customer_id: id,
                title: input::required_line("title", &title)?,
                due: due
                    .as_deref()
                    .map(|d| time::parse_date("due", d, today))
                    .transpose()?,
                due_time: at
                    .as_deref()
                    .map(|t| time::parse_time_of_day("time", t))
                    .transpose()?
                    .map(|t| t.format("%H:%M").to_string()),
                priority: priority.parse()?,
                assignee: match assignee {
                    Some(a) => input::optional_line("assignee", &a)?,
                    None => Some(ctx.user.clone()),
                },
                recurrence: every.as_deref().map(Recurrence::parse).transpose()?,
            };
            if fields.recurrence.is_some() && fields.due.is_none() {
                return Err(crate::domain::InputError::new(
                    "every",
                    crate::i18n::t("err.repeat_needs_due"),
                )
                .into());
            }
            let tid = env.store.write(|c| store::todos::add(c, &ctx, &fields))?;
            env.out.line(&crate::i18n::tf(
                "out.added_todo",
                &[("id", &tid), ("title", &fields.title)],
            ))?;
        }
        TodoCmd::List {
            overdue,
            mine,
            customer,
            json,
        } => {
            let filter = store::todos::Filter {
                due_before: overdue.then_some(today),
                assignee: mine.then(|| ctx.user.clone()),
                customer_id: customer,
            };
            let todos = env.store.read(|c| store::todos::list_open(c, &filter))?;
            if json {
                return Ok(env.out.json(&views::list(&todos, views::todo))?);
            }
            if todos.is_empty() {
                env.out.line(crate::i18n::t("out.no_open_to_dos"))?;
                return Ok(());
            }
            let mut table = Table::new(&[
                ("ID", 8),
                ("DUE", 10),
                ("", 9),
                ("CUSTOMER", 8),
                ("TITLE", 50),
                ("ASSIGNEE", 12),
                ("PRIORITY", 8),
            ]);
            for t in &todos {
                let when = match t.due {
                    Some(d) if d < today => {
                        crate::i18n::tf("queue.late", &[("n", &(today - d).num_days())])
                    }
                    Some(d) if d == today => crate::i18n::t("date.today").into(),
                    _ => String::new(),
                };
                table.row(vec![
                    t.id.to_string(),
                    t.due.map(|d| d.to_string()).unwrap_or_default(),
                    when,
                    t.customer_id.map(|c| c.to_string()).unwrap_or_default(),
                    t.title.clone(),
                    t.assignee.clone().unwrap_or_default(),
                    crate::i18n::word("priority", t.priority.as_str()),
                ]);
            }
            table.print(&mut env.out)?;
        }
        TodoCmd::Done { id } => {
            let todo = env.store.read(|c| store::todos::get(c, id))?;
            let next = env
                .store
                .write(|c| store::todos::complete(c, &ctx, id, todo.audit.version))?;
            env.out
                .line(&crate::i18n::tf("out.done_to_do", &[("id", &id)]))?;
            if let Some(n) = next {
                let again = env.store.read(|c| store::todos::get(c, n))?;
                let due = again.due.map_or("no date".into(), |d| d.to_string());
                env.out.line(&crate::i18n::tf(
                    "out.next_to_do_due",
                    &[("n", &n), ("due", &due)],
                ))?;
            }
        }
        TodoCmd::Cancel { id } => {
            let todo = env.store.read(|c| store::todos::get(c, id))?;
            env.store
                .write(|c| store::todos::cancel(c, &ctx, id, todo.audit.version))?;
            env.out
                .line(&crate::i18n::tf("out.cancelled_to_do", &[("id", &id)]))?;
        }
        TodoCmd::Reopen { id } => {
            let todo = env.store.read(|c| store::todos::get(c, id))?;
            env.store
                .write(|c| store::todos::reopen(c, &ctx, id, todo.audit.version))?;
            env.out
                .line(&crate::i18n::tf("out.reopened_to_do", &[("id", &id)]))?;
        }
        TodoCmd::Snooze { id, until } => {
            let date = time::parse_date("until", &until, today)?;
            let todo = env.store.read(|c| store::todos::get(c, id))?;
            env.store
                .write(|c| store::todos::snooze(c, &ctx, id, todo.audit.version, date))?;
            env.out.line(&crate::i18n::tf(
                "out.snoozed_to_do_until",
                &[("id", &id), ("date", &date)],
            ))?;
        }
    }
    Ok(())
}
