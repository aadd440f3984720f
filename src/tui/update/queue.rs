//! The queue pane: its windows of the whole queue, and what acting on a row does.

use super::*;

/// Recomputes the queue (after a change), keeping the selection on the same row.
pub(super) fn reload_queue(s: &mut State) {
    let keep = s.queue_row().map(|r| {
        let (kind, id, occasion) = r.key();
        (kind, id, occasion.to_string())
    });
    request_queue(s, true, s.queue_selected, keep);
}

/// Asks for the window of the queue around row `around`.
pub(super) fn request_queue(
    s: &mut State,
    fresh: bool,
    around: usize,
    keep: Option<crate::tui::worker::QueueKey>,
) {
    s.queue_seq += 1;
    s.queue_loading = true;
    let customer = if s.queue_only_selected {
        s.queue_only
    } else {
        None
    };
    let mine = s.queue_mine.then(|| s.user.clone());
    s.outbox.push(Request::Queue {
        seq: s.queue_seq,
        customer,
        today: s.queue_today,
        closed: s.queue_closed,
        mine,
        fresh,
        around,
        keep,
    });
}

/// Moves the queue's selection to row `to`; fetches the window around it when it nears the
/// loaded window's edge.
pub(super) fn move_queue(s: &mut State, to: usize) {
    s.queue_selected = to.min(s.queue_total.saturating_sub(1));
    let end = s.queue_offset + s.queue.len();
    let near_start = s.queue_offset > 0 && s.queue_selected < s.queue_offset + PREFETCH;
    let near_end = end < s.queue_total && s.queue_selected + PREFETCH >= end;
    if near_start || near_end {
        request_queue(s, false, s.queue_selected, None);
    }
}

pub(super) fn queue_action(s: &mut State, a: Action) {
    let Some(row) = s.queue_row().cloned() else {
        inform(s, t("msg.the_queue_is_empty"));
        return;
    };
    if let Some(id) = row.customer_id() {
        select_customer(s, id);
    }
    let today = s.clock.today();
    let days = if a == Action::SnoozeWeek { 7 } else { 1 };
    let change = match (&row, a) {
        // To-dos, from either view.
        (QueueRow::Todo { todo, .. }, _)
        | (
            QueueRow::Today(TodayRow {
                todo: Some(todo), ..
            }),
            _,
        ) => match a {
            Action::CompleteTodo if todo.status != crate::domain::TodoStatus::Open => {
                Save::ReopenTodo {
                    id: todo.id,
                    version: todo.audit.version,
                }
            }
            Action::SnoozeDay | Action::SnoozeWeek
                if todo.status != crate::domain::TodoStatus::Open =>
            {
                inform(s, t("msg.reopen_first"));
                return;
            }
            Action::CompleteTodo => Save::CompleteTodo {
                id: todo.id,
                version: todo.audit.version,
            },
            Action::SnoozeDay | Action::SnoozeWeek => {
                let from = todo.due.map_or(today, |d| d.max(today));
                Save::SnoozeTodo {
                    id: todo.id,
                    version: todo.audit.version,
                    until: from + Duration::days(days),
                }
            }
            _ => return,
        },
        // Other rows are snoozed by remembering them.
        (QueueRow::Today(r), Action::SnoozeDay | Action::SnoozeWeek) => match r.customer_id {
            Some(customer) => Save::SnoozeRow {
                customer,
                kind: r.kind,
                occasion: r.occasion.clone(),
                until: today + Duration::days(days),
            },
            None => return,
        },
        // Acting on them opens what the row asks for.
        (QueueRow::Today(r), _) => {
            match r.kind {
                TodayKind::Complaint => open_form(s, Form::respond(r.item_id, r.version, &r.title)),
                TodayKind::Deal => open_pipeline(s, Some(r.item_id)),
                // A survey due opens the survey form; a check-back's answer names its complaint.
                TodayKind::Survey => {
                    if let (Some(id), Some(name)) = (r.customer_id, r.customer.as_deref()) {
                        let ticket = r.occasion.starts_with("checkback:").then_some(r.item_id);
                        open_form(s, Form::survey_on(id, name, ticket))
                    }
                }
                _ => {
                    if let (Some(id), Some(name)) = (r.customer_id, r.customer.as_deref()) {
                        let mut form = Form::log(id, name);
                        // "Get in touch (meeting)": the entry defaults to the way it asks for.
                        let channel = s
                            .current()
                            .filter(|c| c.id == id)
                            .and_then(|c| c.fields.channel);
                        if let Some(kind) = channel.map(crate::domain::InteractionKind::for_channel)
                        {
                            form.set_default("kind", kind.shown());
                        }
                        open_form(s, form)
                    }
                }
            }
            return;
        }
    };
    let what = match &row {
        QueueRow::Todo { todo, .. } => todo.title.clone(),
        QueueRow::Today(r) => r.title.clone(),
    };
    save(s, change, what);
}
