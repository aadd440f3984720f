//! Applying a save the user asked for: one store call (or a few) inside the worker's write.

use super::*;
use crate::i18n::{t, tf};

pub(super) fn apply(
    c: &crate::store::db::Connection,
    ctx: &Ctx,
    save: Save,
) -> Result<(Option<i64>, String), StoreError> {
    Ok(match save {
        Save::Undo { change } => {
            let (what, customers) = store::undo::undo(c, ctx, change)?;
            (
                customers
                    .first()
                    .copied()
                    .filter(|id| store::customers::get(c, *id).is_ok()),
                tf("undo.done", &[("what", &what)]),
            )
        }
        Save::UndoImport { batch } => {
            let (removed, restored) = store::imports::undo(c, ctx, batch)?;
            (
                None,
                tf(
                    "msg.import_undone",
                    &[("removed", &removed), ("restored", &restored)],
                ),
            )
        }
        Save::NewCustomer { fields, tags } => {
            let id = store::customers::add(c, ctx, &fields, &tags)?;
            (Some(id), tf("msg.added", &[("name", &fields.name)]))
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
                    tf("msg.saved", &[("name", &fields.name)])
                } else {
                    t("msg.nothing_changed").into()
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
            let key = if next.is_some() {
                "msg.logged_and_scheduled"
            } else {
                "msg.logged"
            };
            let kind = crate::i18n::word("interaction", fields.kind.as_str());
            (Some(customer), tf(key, &[("kind", &kind)]))
        }
        Save::EditInteraction {
            id,
            version,
            fields,
        } => {
            let customer = store::interactions::get(c, id)?.customer_id;
            store::interactions::update(c, ctx, id, version, &fields)?;
            (Some(customer), t("msg.saved_the_entry").into())
        }
        Save::DeleteInteraction { id, version } => {
            let customer = store::interactions::get(c, id)?.customer_id;
            store::interactions::delete(c, ctx, id, version)?;
            (Some(customer), t("msg.deleted_the_entry").into())
        }
        Save::AddTodo(fields) => {
            store::todos::add(c, ctx, &fields)?;
            (
                fields.customer_id,
                tf("msg.todo_added", &[("title", &fields.title)]),
            )
        }
        Save::EditTodo {
            id,
            version,
            fields,
        } => {
            store::todos::update(c, ctx, id, version, &fields)?;
            (
                fields.customer_id,
                tf("msg.todo_saved", &[("title", &fields.title)]),
            )
        }
        Save::CompleteTodo { id, version } => {
            let t = store::todos::get(c, id)?;
            let next = store::todos::complete(c, ctx, id, version)?;
            let next = match next {
                Some(n) => tf(
                    "msg.next_due",
                    &[(
                        "date",
                        &store::todos::get(c, n)?
                            .due
                            .map_or("–".into(), crate::domain::format::date),
                    )],
                ),
                None => String::new(),
            };
            (
                t.customer_id,
                format!("{}{next}", tf("msg.done", &[("title", &t.title)])),
            )
        }
        Save::SnoozeTodo { id, version, until } => {
            let t = store::todos::get(c, id)?;
            store::todos::snooze(c, ctx, id, version, until)?;
            let until = crate::domain::format::date(until);
            (
                t.customer_id,
                tf("msg.snoozed_todo", &[("date", &until), ("title", &t.title)]),
            )
        }
        Save::SnoozeRow {
            customer,
            kind,
            occasion,
            until,
        } => {
            store::today::snooze(c, ctx, customer, kind, &occasion, until)?;
            (
                Some(customer),
                tf(
                    "msg.snoozed",
                    &[("date", &crate::domain::format::date(until))],
                ),
            )
        }
        Save::AdvanceTicket {
            id,
            version,
            to,
            note,
            as_contact,
        } => {
            let t = store::tickets::get(c, id)?;
            store::tickets::advance(c, ctx, id, version, to, &note, as_contact)?;
            let to = crate::i18n::word("ticket_status", to.as_str());
            (
                Some(t.customer_id),
                tf("msg.ticket", &[("id", &id), ("status", &to)]),
            )
        }
        Save::HandOverTicket {
            id,
            version,
            to,
            department,
            note,
        } => {
            store::tickets::hand_over(
                c,
                ctx,
                id,
                version,
                to.as_deref(),
                department.as_deref(),
                note.as_deref(),
            )?;
            let t = store::tickets::get(c, id)?;
            (
                Some(t.customer_id),
                tf(
                    "msg.handed_over",
                    &[
                        ("id", &id),
                        ("whom", &t.routing.describe().unwrap_or_default()),
                    ],
                ),
            )
        }
        Save::OpenTicket {
            customer,
            kind,
            severity,
            summary,
            routing,
        } => {
            let id =
                store::tickets::open_routed(c, ctx, customer, kind, severity, &summary, &routing)?;
            (
                Some(customer),
                tf(
                    "msg.ticket_opened",
                    &[
                        ("kind", &crate::i18n::word("ticket", kind.as_str())),
                        ("id", &id),
                    ],
                ),
            )
        }
        Save::AddSurvey {
            customer,
            quality,
            attitude,
            speed,
            comment,
            ticket,
        } => {
            store::surveys::add_for(
                c,
                ctx,
                customer,
                ctx.clock.today(),
                [quality, attitude, speed],
                comment.as_deref(),
                ticket,
            )?;
            (Some(customer), t("msg.recorded_the_survey").into())
        }
        Save::AddPurchase {
            customer,
            fields,
            coupon,
        } => {
            let id = store::purchases::add(c, ctx, customer, &fields)?;
            let mut said = tf(
                "msg.purchase",
                &[("amount", &crate::domain::input::money_text(fields.amount))],
            );
            // The coupon is part of the purchase: a bad one records neither (the form stays).
            if let Some(code) = coupon {
                let k = store::coupons::redeem_coupon(c, ctx, &code, id)?;
                said.push_str(&tf(
                    "msg.coupon_redeemed",
                    &[
                        ("code", &k.code),
                        (
                            "discount",
                            &crate::domain::input::money_text(k.discount.unwrap_or(0)),
                        ),
                    ],
                ));
            }
            (Some(customer), said)
        }
        Save::Points { customer, action } => {
            let said = match action {
                super::PointsAction::Redeem(n, reason) => {
                    store::loyalty::redeem(c, ctx, customer, n, &reason)?;
                    tf("msg.points_redeemed", &[("n", &n)])
                }
                super::PointsAction::Adjust(n, reason) => {
                    store::loyalty::adjust(c, ctx, customer, n, &reason)?;
                    tf("msg.points_adjusted", &[("n", &format!("{n:+}"))])
                }
                super::PointsAction::Referral(other, note) => {
                    store::loyalty::referral(c, ctx, customer, other, note.as_deref())?;
                    tf("msg.points_referral", &[("other", &other)])
                }
            };
            let balance = store::loyalty::balance(c, customer)?;
            (
                Some(customer),
                format!("{said} · {}", tf("msg.points_balance", &[("n", &balance)])),
            )
        }
        Save::IssueCoupon { customer, spec } => {
            let codes = store::coupons::issue(c, ctx, &[customer], &spec, false)?;
            (
                Some(customer),
                tf("msg.coupon_issued", &[("code", &codes.join(", "))]),
            )
        }
        Save::EditPurchase {
            id,
            version,
            fields,
        } => {
            let customer = store::purchases::get(c, id)?.customer_id;
            store::purchases::update(c, ctx, id, version, &fields)?;
            (Some(customer), tf("msg.purchase_edited", &[("id", &id)]))
        }
        Save::ReopenTodo { id, version } => {
            let todo = store::todos::get(c, id)?;
            store::todos::reopen(c, ctx, id, version)?;
            (
                todo.customer_id,
                tf("msg.reopened", &[("title", &todo.title)]),
            )
        }
        Save::Archive {
            id,
            version,
            archived,
        } => {
            let name = store::customers::get(c, id)?.fields.name;
            store::customers::set_archived(c, ctx, id, version, archived)?;
            let key = if archived {
                "msg.archived"
            } else {
                "msg.unarchived"
            };
            (Some(id), tf(key, &[("name", &name)]))
        }
        Save::DeletePurchase { id, version } => {
            let customer = store::purchases::get(c, id)?.customer_id;
            store::purchases::delete(c, ctx, id, version)?;
            (Some(customer), tf("msg.purchase_deleted", &[("id", &id)]))
        }
        Save::AddAgreement { customer, fields } => {
            let id = store::agreements::add(c, ctx, customer, &fields)?;
            (
                Some(customer),
                tf(
                    "msg.agreement_added",
                    &[("id", &id), ("title", &fields.title)],
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
            (
                Some(customer),
                tf("msg.deal_added", &[("id", &id), ("title", &title)]),
            )
        }
        Save::MoveDeal {
            id,
            version,
            stage,
            reason,
            purchase,
            amount,
        } => {
            let d = store::deals::get(c, id)?;
            let was = d.stage;
            store::deals::move_to(
                c,
                ctx,
                id,
                version,
                stage,
                reason.as_deref(),
                match (purchase, amount) {
                    (false, _) => store::deals::WinPurchase::No,
                    (true, None) => store::deals::WinPurchase::DealAmount,
                    (true, Some(a)) => store::deals::WinPurchase::Amount(a),
                },
            )?;
            let name = store::customers::get(c, d.customer_id)?.fields.name;
            let currency = store::settings::get(c, "currency")?;
            let recorded = crate::domain::format::money(amount.unwrap_or(d.amount), &currency);
            let stage_word = crate::i18n::word("deal", stage.as_str());
            let message = if purchase && was != crate::domain::DealStage::Won {
                tf(
                    "msg.deal_won_purchase",
                    &[("title", &d.title), ("amount", &recorded), ("name", &name)],
                )
            } else {
                tf(
                    "msg.deal_moved",
                    &[("title", &d.title), ("stage", &stage_word), ("name", &name)],
                )
            };
            (Some(d.customer_id), message)
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
            (Some(keep), tf("msg.merged", &[("name", &name)]))
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
                    tf("msg.no_campaign", &[("name", &campaign)]),
                )));
            };
            store::campaigns::mark(c, ctx, k.id, customer, responded)?;
            (
                Some(customer),
                tf(
                    if responded {
                        "msg.responded_to"
                    } else {
                        "msg.attended"
                    },
                    &[("name", &k.name)],
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
                tf("msg.invited", &[("n", &n), ("campaign", &campaign)]),
            )
        }
        Save::AddContact { customer, fields } => {
            store::contacts::add(c, ctx, customer, &fields)?;
            (
                Some(customer),
                tf("msg.contact_added", &[("name", &fields.name)]),
            )
        }
        Save::EditContact {
            id,
            version,
            fields,
        } => {
            let customer = store::contacts::get(c, id)?.customer_id;
            store::contacts::update(c, ctx, id, version, &fields)?;
            (
                Some(customer),
                tf("msg.contact_saved", &[("name", &fields.name)]),
            )
        }
    })
}
