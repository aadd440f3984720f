//! Applying a save the user asked for: one store call (or a few) inside the worker's write.

use super::*;

pub(super) fn apply(
    c: &rusqlite::Connection,
    ctx: &Ctx,
    save: Save,
) -> Result<(Option<i64>, String), StoreError> {
    Ok(match save {
        Save::NewCustomer { fields, tags } => {
            let id = store::customers::add(c, ctx, &fields, &tags)?;
            (Some(id), format!("added {}", fields.name))
        }
        Save::EditCustomer {
            id,
            version,
            fields,
            tags,
        } => {
            let changed = store::customers::update(c, ctx, id, version, &fields, &tags)?;
            (
                Some(id),
                if changed {
                    format!("saved {}", fields.name)
                } else {
                    "nothing changed".into()
                },
            )
        }
        Save::Log {
            customer,
            fields,
            next,
        } => {
            store::interactions::add(c, ctx, customer, &fields)?;
            if let Some(t) = &next {
                store::todos::add(c, ctx, t)?;
            }
            let also = if next.is_some() {
                " and scheduled the follow-up"
            } else {
                ""
            };
            (Some(customer), format!("logged the {}{also}", fields.kind))
        }
        Save::EditInteraction {
            id,
            version,
            fields,
        } => {
            let customer = store::interactions::get(c, id)?.customer_id;
            store::interactions::update(c, ctx, id, version, &fields)?;
            (Some(customer), "saved the entry".into())
        }
        Save::DeleteInteraction { id, version } => {
            let customer = store::interactions::get(c, id)?.customer_id;
            store::interactions::delete(c, ctx, id, version)?;
            (Some(customer), "deleted the entry".into())
        }
        Save::AddTodo(fields) => {
            store::todos::add(c, ctx, &fields)?;
            (fields.customer_id, format!("added to-do: {}", fields.title))
        }
        Save::EditTodo {
            id,
            version,
            fields,
        } => {
            store::todos::update(c, ctx, id, version, &fields)?;
            (
                fields.customer_id,
                format!("saved the to-do: {}", fields.title),
            )
        }
        Save::CompleteTodo { id, version } => {
            let t = store::todos::get(c, id)?;
            let next = store::todos::complete(c, ctx, id, version)?;
            let next = match next {
                Some(n) => format!(
                    "; next due {}",
                    store::todos::get(c, n)?
                        .due
                        .map_or("–".into(), |d| d.to_string())
                ),
                None => String::new(),
            };
            (t.customer_id, format!("done: {}{next}", t.title))
        }
        Save::SnoozeTodo { id, version, until } => {
            let t = store::todos::get(c, id)?;
            store::todos::snooze(c, ctx, id, version, until)?;
            (t.customer_id, format!("snoozed until {until}: {}", t.title))
        }
        Save::SnoozeRow {
            customer,
            kind,
            occasion,
            until,
        } => {
            store::today::snooze(c, ctx, customer, kind, &occasion, until)?;
            (Some(customer), format!("snoozed until {until}"))
        }
        Save::AdvanceTicket {
            id,
            version,
            to,
            note,
        } => {
            let t = store::tickets::get(c, id)?;
            store::tickets::advance(c, ctx, id, version, to, &note)?;
            (Some(t.customer_id), format!("ticket #{id}: {to}"))
        }
        Save::OpenTicket {
            customer,
            kind,
            severity,
            summary,
        } => {
            let id = store::tickets::open(c, ctx, customer, kind, severity, &summary)?;
            (
                Some(customer),
                format!("opened {kind} #{id}: first response due within 24 hours"),
            )
        }
        Save::AddSurvey {
            customer,
            quality,
            attitude,
            speed,
            comment,
        } => {
            store::surveys::add(
                c,
                ctx,
                customer,
                ctx.clock.today(),
                quality,
                attitude,
                speed,
                comment.as_deref(),
            )?;
            (Some(customer), "recorded the survey".into())
        }
        Save::AddPurchase { customer, fields } => {
            store::purchases::add(c, ctx, customer, &fields)?;
            (
                Some(customer),
                format!(
                    "recorded a purchase of {}",
                    crate::domain::input::money_text(fields.amount)
                ),
            )
        }
        Save::AddDeal {
            customer,
            title,
            amount,
            close,
        } => {
            let id = store::deals::add(c, ctx, customer, &title, amount, close)?;
            (Some(customer), format!("added deal #{id}: {title}"))
        }
        Save::MoveDeal {
            id,
            version,
            stage,
            reason,
            purchase,
        } => {
            let d = store::deals::get(c, id)?;
            store::deals::move_to(c, ctx, id, version, stage, reason.as_deref(), purchase)?;
            let also = if purchase { "; purchase recorded" } else { "" };
            (Some(d.customer_id), format!("deal #{id} → {stage}{also}"))
        }
        Save::Merge {
            keep,
            keep_version,
            other,
            other_version,
            take,
        } => {
            let name = store::customers::get(c, other)?.fields.name;
            store::customers::merge(c, ctx, keep, keep_version, other, other_version, &take)?;
            (Some(keep), format!("merged {name} into this customer"))
        }
        Save::MarkCampaign {
            customer,
            campaign,
            responded,
        } => {
            let found = store::campaigns::list(c)?
                .into_iter()
                .find(|k| k.name == campaign || k.id.to_string() == campaign);
            let Some(k) = found else {
                return Err(StoreError::Input(crate::domain::InputError::new(
                    "campaign",
                    format!("no campaign called '{campaign}'"),
                )));
            };
            store::campaigns::mark(c, ctx, k.id, customer, responded)?;
            (
                Some(customer),
                format!(
                    "{} {}",
                    if responded {
                        "responded to"
                    } else {
                        "attended"
                    },
                    k.name
                ),
            )
        }
        Save::Invite {
            campaign,
            mut customers,
            filter,
        } => {
            if let Some(f) = filter {
                let all = store::customers::Filter {
                    tier: f.tier,
                    stage: f.stage,
                    owner: f.owner,
                    tag: f.tag,
                    ..Default::default()
                };
                customers.extend(store::customers::list(c, &all)?.iter().map(|c| c.id));
            }
            let existing = store::campaigns::list(c)?
                .into_iter()
                .find(|k| k.name == campaign || k.id.to_string() == campaign);
            let id = match existing {
                Some(k) => k.id,
                None => store::campaigns::add(c, ctx, &campaign, None, None)?,
            };
            let n = store::campaigns::invite(c, ctx, id, &customers)?;
            (
                None,
                format!("invited {n} customer(s) to campaign {campaign}"),
            )
        }
        Save::AddContact { customer, fields } => {
            store::contacts::add(c, ctx, customer, &fields)?;
            (Some(customer), format!("added contact {}", fields.name))
        }
        Save::EditContact {
            id,
            version,
            fields,
        } => {
            let customer = store::contacts::get(c, id)?.customer_id;
            store::contacts::update(c, ctx, id, version, &fields)?;
            (Some(customer), format!("saved contact {}", fields.name))
        }
    })
}
