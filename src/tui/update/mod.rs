//! The only place the screen's state changes: actions from keys, text typed into fields, and
//! replies from the store worker and the search thread.

use crate::i18n::{t, tf};
use chrono::Duration;

use crate::store::pages::{CustomerSort, ListFilter};

use super::action::Action;
use super::forms::{Form, FormKind};
use super::search::{Index, Job, Results};
use super::state::{
    Confirmed, Dashboard, Modal, PIPELINE_STAGES, Pane, Pipeline, QueueRow, State, TimelineItem,
    Tone,
};
use super::worker::ChangeSet;
use super::worker::{Anchor, Reply, Request, Save};

mod modals;
mod queue;
mod replies;
mod saving;
mod whole;

use crate::store::today::{TodayKind, TodayRow};
use modals::*;
use queue::*;
pub use replies::{reply, search_index, search_results};
use saving::*;
use whole::*;

/// Rows fetched per page, and how near the window's edge a fetch of the next page starts.
pub const PAGE: usize = 100;
const PREFETCH: usize = 30;
/// The most rows kept in memory around the selection.
const WINDOW: usize = 400;

/// Requests that fill a fresh screen.
pub fn start(s: &mut State) {
    reload_list(s, Anchor::Top, None);
    // The index is read on threads of its own: asked for second, its reading starts at once
    // instead of after the worker's daily pass and Today queue (which at 100,000 customers put
    // it past a second).
    s.outbox.push(Request::SearchSources);
    s.outbox.push(Request::Counts);
    s.outbox.push(Request::DailyPass);
    reload_queue(s);
}

fn reload_list(s: &mut State, anchor: Anchor, want: Option<i64>) {
    s.list.seq += 1;
    s.list.want = want;
    s.list.replace = false;
    request_page(s, anchor);
}

/// Asks for a page of the list in the current order and filter.
fn request_page(s: &mut State, anchor: Anchor) {
    s.list.loading = true;
    s.outbox.push(Request::Page {
        seq: s.list.seq,
        sort: s.sort,
        filter: s.filter.clone(),
        anchor,
        limit: PAGE,
    });
}

/// Loads the profile and timeline of the customer highlighted in the pane they follow (the list
/// or the queue), if it changed.
fn follow_selection(s: &mut State) {
    let id = s.target_id();
    if id != s.selected_id {
        s.selected_id = id;
        s.contact_selected = 0;
        s.profile_scroll = 0;
        s.timeline_selected = 0;
        if let Some(id) = id {
            s.detail_seq += 1;
            s.outbox.push(Request::Detail {
                seq: s.detail_seq,
                id,
            });
        }
        // "Only this customer" follows the list (in the queue, the rows are all theirs).
        if s.queue_only_selected && s.follows != Pane::Queue {
            s.queue_only = id;
            reload_queue(s);
        }
    }
}

/// Moves the keys to pane `p`; focusing the list or the queue makes the profile follow it.
fn focus(s: &mut State, p: Pane) {
    s.focus = p;
    if matches!(p, Pane::List | Pane::Queue) {
        s.follows = p;
        follow_selection(s);
    }
}

/// The customer the keys act on, with what to say when there is none (or it is still loading).
fn target(s: &mut State) -> Option<crate::domain::Customer> {
    if let Some(c) = s.current() {
        return Some(c.clone());
    }
    if s.target_id().is_some() {
        // The key runs again when the details arrive.
        s.wants_details = true;
        inform(s, t("profile.loading"));
    } else {
        say(s, t("msg.select_a_customer_first"), true);
    }
    None
}

/// Opens a customer picked outside the list and queue (a dashboard figure, a deal): the profile
/// holds them, and keys act on them, until the list or the queue is focused again.
fn open_customer(s: &mut State, id: i64) {
    s.follows = Pane::Profile;
    s.focus = Pane::Profile;
    select_customer(s, id);
}

fn select_customer(s: &mut State, id: i64) {
    if s.selected_id != Some(id) {
        s.selected_id = Some(id);
        s.contact_selected = 0;
        s.profile_scroll = 0;
        s.timeline_selected = 0;
        s.detail_seq += 1;
        s.outbox.push(Request::Detail {
            seq: s.detail_seq,
            id,
        });
    }
}

/// A fact for the user, not the result of a change ("the queue is empty").
fn inform(s: &mut State, text: impl Into<String>) {
    s.status.say(text, Tone::Info);
}

fn say(s: &mut State, text: impl Into<String>, is_error: bool) {
    let tone = if is_error { Tone::Refused } else { Tone::Done };
    s.status.say(text, tone);
}

/// Typed or pasted text: goes to the field or search line that has the keys.
pub fn text(s: &mut State, t: &str) {
    if let Some(Modal::Form(form)) = &mut s.modal {
        // What is typed while the save is on its way would not be in it.
        if form.saving.is_none() {
            form.insert(t);
        }
        return;
    }
    if let Some(Modal::Palette {
        text, completions, ..
    }) = &mut s.modal
    {
        text.push_str(&t.replace(['\n', '\r'], " "));
        *completions = palette_completions(text);
        return;
    }
    if s.search.editing {
        s.search.text.push_str(&t.replace(['\n', '\r'], " "));
        search_changed(s);
    }
}

fn search_changed(s: &mut State) {
    s.search.version += 1;
    s.search.selected = 0;
    s.search.offset = 0;
    if s.search.text.trim().is_empty() {
        // Nothing typed (or all erased): the whole list, with the profile on its selection.
        s.search.hits = None;
        follow_selection(s);
    } else {
        s.search_jobs.push(Job::Query {
            version: s.search.version,
            text: s.search.text.clone(),
        });
    }
}

fn move_list(s: &mut State, delta: isize) {
    if s.search.filtering() {
        let n = s.search.hits.as_ref().map_or(0, |(h, _)| h.len());
        s.search.selected = clamp_move(s.search.selected, delta, n);
        follow_selection(s);
        return;
    }
    let n = s.list.rows.len();
    let wanted = s.list.selected as isize + delta;
    s.list.selected = clamp_move(s.list.selected, delta, n);
    // A move past the loaded rows while the next page is on its way is owed, not lost: a key
    // held or pressed quickly at the window's edge goes on once the page arrives.
    let past = wanted - s.list.selected as isize;
    if s.list.loading && ((past > 0 && s.list.more_after) || (past < 0 && s.list.more_before)) {
        s.list.owed += past;
    }
    prefetch(s);
    follow_selection(s);
}

/// Makes the moves owed while a page loaded (see [`move_list`]).
fn pay_owed_moves(s: &mut State) {
    let owed = std::mem::take(&mut s.list.owed);
    if owed != 0 && !s.search.filtering() {
        move_list(s, owed);
    }
}

fn clamp_move(at: usize, delta: isize, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    (at as isize + delta).clamp(0, n as isize - 1) as usize
}

/// Fetches the next or previous page when the selection nears the window's edge.
fn prefetch(s: &mut State) {
    if s.list.loading {
        return;
    }
    let n = s.list.rows.len();
    if s.list.more_after && s.list.selected + PREFETCH >= n {
        if let Some(last) = s.list.rows.last() {
            let cursor = s.sort.cursor_of(last);
            request_page(s, Anchor::After(cursor));
        }
    } else if s.list.more_before
        && s.list.selected < PREFETCH
        && let Some(first) = s.list.rows.first()
    {
        let cursor = s.sort.cursor_of(first);
        request_page(s, Anchor::Before(cursor));
    }
}

/// Reloads what is on screen, keeping the selection, after a save. `customer` is the one the save
/// concerned: only its search entry is refreshed (all of them when unknown).
fn refresh_all(s: &mut State, customer: Option<i64>) {
    reload_window(s);
    if matches!(s.modal, Some(Modal::Pipeline(_))) {
        reload_deals(s);
    }
    if let Some(id) = s.selected_id {
        s.detail_seq += 1;
        s.outbox.push(Request::Detail {
            seq: s.detail_seq,
            id,
        });
    }
    reload_queue(s);
    s.outbox.push(Request::Counts);
    s.outbox.push(match customer {
        Some(id) => Request::SearchSourcesFor(vec![id]),
        None => Request::SearchSources,
    });
}

/// Another user's changes: reload only the parts of the screen that show what they touched.
fn refresh_changed(s: &mut State, set: &ChangeSet) {
    let touches = |id: &i64| set.customers.contains(id);
    if set.broad || s.list.rows.iter().any(|c| touches(&c.id)) {
        reload_window(s);
    }
    if let Some(id) = s.selected_id.filter(|id| set.broad || touches(id)) {
        s.detail_seq += 1;
        s.outbox.push(Request::Detail {
            seq: s.detail_seq,
            id,
        });
    }
    if set.broad
        || set.todos
        || s.queue
            .iter()
            .any(|r| r.customer_id().is_some_and(|id| touches(&id)))
    {
        reload_queue(s);
    }
    s.outbox.push(Request::Counts);
    if set.broad {
        s.outbox.push(Request::SearchSources);
    } else if !set.customers.is_empty() {
        s.outbox
            .push(Request::SearchSourcesFor(set.customers.clone()));
    }
}

/// Reloads the list's window of rows from its first row, keeping the selection.
fn reload_window(s: &mut State) {
    let want = s.list.rows.get(s.list.selected).map(|c| c.id);
    let offset = s.list.offset;
    match s.list.rows.first() {
        // Inside a long list: reload from the window's first row (inclusive).
        Some(first) if s.list.more_before => {
            let mut cursor = s.sort.cursor_of(first);
            cursor.id -= 1;
            reload_list(s, Anchor::After(cursor), want);
            // The reply replaces the window rather than extending it; until then the old rows stay.
            s.list.replace = true;
        }
        // At the top: from the top, so a customer added above the first row shows up too.
        _ => reload_list(s, Anchor::Top, want),
    }
    s.list.keep_offset = Some(offset);
}

pub(super) fn open_form(s: &mut State, mut form: Form) {
    // Who and which campaign: the names the book knows are offered (any name may be typed).
    form.suggest("owner", &s.people);
    form.suggest("assignee", &s.people);
    form.suggest("campaign", &s.campaigns);
    form.suggest("product", &s.products);
    if matches!(form.kind, crate::tui::forms::FormKind::Deal { .. }) {
        form.suggest("title", &s.products);
    }
    // A purchase offers the customer's open coupons.
    if let crate::tui::forms::FormKind::Purchase { customer } = form.kind
        && let Some(d) = s.detail.as_ref().filter(|d| d.customer.id == customer)
    {
        let today = s.clock.today();
        let codes: Vec<String> = d
            .workflow
            .loyalty
            .coupons
            .iter()
            .filter(|k| k.open_on(today))
            .map(|k| k.code.clone())
            .collect();
        form.suggest("coupon", &codes);
    }
    s.modal = Some(Modal::Form(Box::new(form)));
}

pub fn update(s: &mut State, a: Action) {
    // Modal layers first.
    if let Some(modal) = s.modal.take() {
        modal_key(s, modal, a);
        return;
    }
    panes_key(s, a);
}

/// A key for the panes (no box open).
fn panes_key(s: &mut State, a: Action) {
    if s.search.editing {
        match a {
            Action::KeepSearch => {
                s.search.editing = false;
                if s.search.text.trim().is_empty() {
                    s.search.text.clear();
                }
            }
            Action::ClearFilter => clear_search(s),
            Action::Backspace => {
                s.search.text.pop();
                search_changed(s);
            }
            // The search line's cursor stays at its end: the keys that cut text work.
            Action::KillToStart | Action::KillToEnd | Action::DeleteWordBack => {
                let end = s.search.text.chars().count();
                let (text, _) = super::forms::line_edit(&s.search.text, end, a);
                s.search.text = text;
                search_changed(s);
            }
            Action::Down => move_list(s, 1),
            Action::Up => move_list(s, -1),
            Action::Quit => quit(s, None),
            _ => {}
        }
        return;
    }

    match a {
        Action::Quit => quit(s, None),
        Action::Undo => undo(s),
        Action::ViewWhole => match whole_text(s) {
            Some((title, text)) => {
                s.modal = Some(Modal::Text {
                    title,
                    text,
                    scroll: 0,
                })
            }
            None => inform(s, t("msg.nothing_to_view")),
        },
        Action::OpenPalette => {
            s.modal = Some(Modal::Palette {
                completions: palette_completions(""),
                text: String::new(),
                running: false,
            })
        }
        Action::SelectRow(pane, row) => {
            focus(s, pane);
            match pane {
                Pane::List if s.search.filtering() => {
                    let n = s.search.hits.as_ref().map_or(0, |(h, _)| h.len());
                    s.search.selected = row.min(n.saturating_sub(1));
                    follow_selection(s);
                }
                Pane::List => {
                    s.list.selected = row.min(s.list.rows.len().saturating_sub(1));
                    prefetch(s);
                    follow_selection(s);
                }
                Pane::Queue => {
                    move_queue(s, row);
                    follow_selection(s);
                }
                Pane::Timeline => s.timeline_selected = row.min(s.timeline.len().saturating_sub(1)),
                Pane::Profile => {}
            }
        }
        Action::Archive => {
            let Some(c) = target(s) else { return };
            let what = tf("msg.archive_what", &[("name", &c.fields.name)]);
            if c.archived_at.is_some() {
                // Bringing one back needs no question: it loses nothing.
                let save_it = Save::Archive {
                    id: c.id,
                    version: c.audit.version,
                    archived: false,
                };
                save(s, save_it, what);
            } else {
                s.modal = Some(Modal::Confirm {
                    text: tf("msg.archive_ask", &[("name", &c.fields.name)]),
                    then: Confirmed::Archive {
                        id: c.id,
                        version: c.audit.version,
                        what,
                    },
                    form: None,
                });
            }
        }
        Action::FocusNext | Action::FocusPrev => {
            let i = Pane::ORDER.iter().position(|p| *p == s.focus).unwrap_or(0);
            let step = if a == Action::FocusNext {
                1
            } else {
                Pane::ORDER.len() - 1
            };
            focus(s, Pane::ORDER[(i + step) % Pane::ORDER.len()]);
        }
        Action::Focus(p) => focus(s, p),
        Action::Help => {
            s.modal = Some(Modal::Help {
                scroll: 0,
                behind: None,
            })
        }
        Action::StartSearch => {
            s.search.editing = true;
            focus(s, Pane::List);
            if s.search_index.is_none() {
                inform(s, t("msg.building_the_search_index"));
            }
        }
        Action::ClearFilter => {
            if s.search.active() {
                clear_search(s);
            } else if s.filter != ListFilter::default() {
                s.filter = ListFilter::default();
                reload_list(s, Anchor::Top, None);
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_in_pane(s, a),
        Action::CycleSort => {
            s.sort = match s.sort {
                CustomerSort::Name => CustomerSort::LastContact,
                CustomerSort::LastContact => CustomerSort::NextDue,
                CustomerSort::NextDue => CustomerSort::Value,
                CustomerSort::Value => CustomerSort::Name,
            };
            let want = s.selected_id;
            reload_list(s, Anchor::Top, want);
        }
        Action::CycleFilter => {
            let mut f = Form::filter(&s.filter_label());
            f.focus = 0;
            open_form(s, f);
        }
        Action::AddCustomer => open_form(s, Form::new_customer(&s.user)),
        Action::EditCustomer => {
            if let Some(c) = target(s) {
                open_form(s, Form::edit_customer(&c))
            }
        }
        Action::AddContact => {
            if let Some(c) = target(s) {
                open_form(s, Form::contact(c.id, None))
            }
        }
        Action::NextContact | Action::PrevContact => {
            let n = s.detail.as_ref().map_or(0, |d| d.contacts.len());
            let delta = if a == Action::NextContact { 1 } else { -1 };
            s.contact_selected = clamp_move(s.contact_selected, delta, n);
        }
        Action::EditTodo => match s.queue_row() {
            Some(QueueRow::Todo { todo, .. })
            | Some(QueueRow::Today(TodayRow {
                todo: Some(todo), ..
            })) => {
                let form = Form::edit_todo(todo);
                open_form(s, form);
            }
            Some(QueueRow::Today(_)) => {
                inform(s, t("msg.only_to_dos_can_be_edited_x_acts_on_this"))
            }
            None => inform(s, t("msg.the_queue_is_empty")),
        },
        Action::OpenPipeline => open_pipeline(s, None),
        Action::OpenDashboard => open_dashboard(s),
        Action::StartImport => open_form(s, Form::import()),
        Action::MergeMark => match (
            target(s).map(|c| (c.id, c.fields.name.clone())),
            s.merge_from.clone(),
        ) {
            (None, _) => {}
            (Some((id, _)), Some((from, _))) if id == from => {
                s.merge_from = None;
                inform(s, t("msg.merge_cancelled"));
            }
            (Some((id, _)), Some((from, _))) => s.outbox.push(Request::MergePair {
                keep: id,
                other: from,
            }),
            (Some((id, name)), None) => {
                inform(s, tf("msg.merge_marked", &[("name", &name)]));
                s.merge_from = Some((id, name));
            }
        },
        Action::ShowHistory => {
            if let Some(c) = target(s) {
                s.modal = Some(Modal::History {
                    name: c.fields.name.clone(),
                    entries: None,
                    scroll: 0,
                });
                s.outbox.push(Request::History { id: c.id });
            }
        }
        Action::ChangeOwner => {
            if let Some(c) = target(s) {
                let form = Form::owner(&c, &s.user);
                open_form(s, form);
            }
        }
        Action::ProgressTicket => {
            if target(s).is_none() {
                return;
            }
            let open = s.detail.as_ref().and_then(|d| {
                // The oldest ticket still in progress.
                d.workflow
                    .tickets
                    .iter()
                    .rev()
                    .find(|t| t.status != crate::domain::TicketStatus::Closed)
                    .cloned()
            });
            match open {
                Some(t) => open_form(s, Form::ticket_progress(&t)),
                None => inform(s, t("msg.no_open_ticket_for_this_customer_opens_o")),
            }
        }
        Action::MarkAttendance => {
            if let Some(c) = target(s) {
                let latest = s
                    .detail
                    .as_ref()
                    .and_then(|d| d.workflow.campaigns.first().map(|m| m.name.clone()));
                open_form(s, Form::attendance(c.id, latest.as_deref()))
            }
        }
        Action::AddSurvey
        | Action::AddPurchase
        | Action::OpenTicket
        | Action::AddDeal
        | Action::AddAgreement
        | Action::Points
        | Action::IssueCoupon => {
            if let Some(c) = target(s) {
                let form = match a {
                    Action::AddSurvey => Form::survey(c.id, &c.fields.name),
                    Action::AddPurchase => Form::purchase(c.id, &c.fields.name),
                    Action::OpenTicket => Form::ticket(c.id, &c.fields.name),
                    Action::AddAgreement => Form::agreement(c.id, &c.fields.name, s.clock.today()),
                    Action::Points => Form::points(
                        c.id,
                        &c.fields.name,
                        s.detail
                            .as_ref()
                            .filter(|d| d.customer.id == c.id)
                            .map(|d| d.workflow.loyalty.balance),
                    ),
                    Action::IssueCoupon => Form::coupon(c.id, &c.fields.name, s.clock.today()),
                    _ => Form::deal(c.id, &c.fields.name),
                };
                open_form(s, form);
            }
        }
        Action::InviteShown => {
            let ids: Vec<i64> = match &s.search.hits {
                Some((hits, index)) if s.search.filtering() => hits
                    .iter()
                    .filter_map(|h| index.entries.get(h.index))
                    .map(|e| e.id)
                    .collect(),
                _ if s.filter != ListFilter::default() => {
                    // Everyone the filter matches, not only the rows loaded on screen.
                    let f = s.filter.clone();
                    open_form(s, Form::invite_filtered(f));
                    return;
                }
                _ => {
                    say(s, t("msg.search_or_filter_f_first_so_it_is_clear"), true);
                    return;
                }
            };
            open_form(s, Form::invite(ids));
        }
        Action::ToggleQueueMine => {
            s.queue_mine = !s.queue_mine;
            request_queue(s, true, 0, None);
        }
        Action::ToggleQueueView => {
            // Today → open to-dos → closed (done and cancelled) → Today.
            (s.queue_today, s.queue_closed) = match (s.queue_today, s.queue_closed) {
                (true, _) => (false, false),
                (false, false) => (false, true),
                (false, true) => (true, false),
            };
            request_queue(s, true, 0, None);
        }
        Action::EditContact => {
            let Some(c) = target(s) else { return };
            match s
                .detail
                .as_ref()
                .and_then(|d| d.contacts.get(s.contact_selected))
            {
                Some(p) => {
                    let form = Form::contact(c.id, Some(p));
                    open_form(s, form)
                }
                None => say(s, t("msg.this_customer_has_no_contact_persons_yet"), true),
            }
        }
        Action::LogInteraction => {
            if let Some(c) = target(s) {
                open_form(s, Form::log(c.id, &c.fields.name))
            }
        }
        Action::AddTodo => {
            // A to-do may belong to no one, but not to the wrong one: wait for the details.
            if s.target_id().is_some() && s.current().is_none() {
                inform(s, t("profile.loading"));
                return;
            }
            let customer = s.current().map(|c| (c.id, c.fields.name.clone()));
            let form = Form::todo(customer.as_ref().map(|(id, n)| (*id, n.as_str())), &s.user);
            open_form(s, form);
        }
        Action::CompleteTodo | Action::SnoozeDay | Action::SnoozeWeek => queue_action(s, a),
        Action::ToggleQueueScope => {
            s.queue_only_selected = !s.queue_only_selected;
            s.queue_only = s.selected_id;
            request_queue(s, true, 0, None);
        }
        Action::OpenEntry => {
            if target(s).is_none() {
                return;
            }
            match s.timeline.get(s.timeline_selected) {
                Some(TimelineItem::Interaction(i)) => {
                    s.modal = Some(Modal::Entry(Box::new(i.clone()), 0))
                }
                // A purchase opens as its form: everything it holds, and corrected in place.
                Some(TimelineItem::Purchase(p)) => {
                    let form = Form::edit_purchase(p);
                    open_form(s, form)
                }
                None => {}
            }
        }
        Action::EditEntry => {
            if target(s).is_none() {
                return;
            }
            match s.timeline.get(s.timeline_selected) {
                Some(TimelineItem::Interaction(i)) => {
                    let form = Form::edit_interaction(i, &s.clock);
                    open_form(s, form);
                }
                Some(TimelineItem::Purchase(p)) => {
                    let form = Form::edit_purchase(p);
                    open_form(s, form)
                }
                None => {}
            }
        }
        Action::DeleteEntry => {
            if target(s).is_none() {
                return;
            }
            let (text, then) = match s.timeline.get(s.timeline_selected) {
                Some(TimelineItem::Interaction(i)) => (
                    tf(
                        "msg.delete_entry",
                        &[
                            ("kind", &crate::i18n::word("interaction", i.kind.as_str())),
                            ("summary", &i.summary),
                        ],
                    ),
                    Confirmed::DeleteInteraction {
                        id: i.id,
                        version: i.audit.version,
                        what: i.summary.clone(),
                    },
                ),
                Some(TimelineItem::Purchase(p)) => {
                    let amount = s.money(p.amount);
                    let what = tf(
                        "msg.delete_purchase",
                        &[
                            ("amount", &amount),
                            ("product", &p.product.clone().unwrap_or_default()),
                            ("date", &p.on_date),
                        ],
                    );
                    (
                        what.clone(),
                        Confirmed::DeletePurchase {
                            id: p.id,
                            version: p.audit.version,
                            what,
                        },
                    )
                }
                None => return,
            };
            s.modal = Some(Modal::Confirm {
                text,
                then,
                form: None,
            });
        }
        Action::KeepSearch
        | Action::Close
        | Action::Answer(_)
        | Action::FieldNext
        | Action::FieldPrev
        | Action::Submit
        | Action::Backspace
        | Action::CursorLeft
        | Action::CursorRight
        | Action::Overwrite
        | Action::TakeTheirs
        | Action::Reload
        | Action::DealNextStage
        | Action::DealPrevStage
        | Action::DealWon
        | Action::DealWonWithPurchase
        | Action::DealLost
        | Action::Left
        | Action::Right
        | Action::Select
        | Action::Toggle
        | Action::ToggleMine
        | Action::LineStart
        | Action::LineEnd
        | Action::KillToStart
        | Action::KillToEnd
        | Action::DeleteWordBack
        | Action::DeleteForward
        | Action::WordLeft
        | Action::WordRight
        | Action::SkipBad
        | Action::Newline => {}
    }
}

fn clear_search(s: &mut State) {
    s.search.editing = false;
    s.search.text.clear();
    s.search.hits = None;
    s.search.version += 1;
    follow_selection(s);
}

fn move_in_pane(s: &mut State, a: Action) {
    let page = s.list_height.max(1) as isize;
    let delta = match a {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        _ => 0,
    };
    match s.focus {
        Pane::List => match a {
            Action::Top if s.search.filtering() => move_list(s, isize::MIN / 2),
            Action::Bottom if s.search.filtering() => move_list(s, isize::MAX / 2),
            Action::Top => reload_list(s, Anchor::Top, None),
            Action::Bottom => reload_list(s, Anchor::Bottom, None),
            _ => move_list(s, delta),
        },
        Pane::Profile => {
            s.profile_scroll = match a {
                Action::Top => 0,
                _ => (s.profile_scroll as isize + delta).clamp(0, 500) as u16,
            }
        }
        Pane::Timeline => {
            let n = s.timeline.len();
            s.timeline_selected = match a {
                Action::Top => 0,
                Action::Bottom => n.saturating_sub(1),
                _ => clamp_move(s.timeline_selected, delta, n),
            }
        }
        Pane::Queue => {
            let n = s.queue_total;
            let to = match a {
                Action::Top => 0,
                Action::Bottom => n.saturating_sub(1),
                _ => clamp_move(s.queue_selected, delta, n),
            };
            move_queue(s, to);
            // Selecting a queue row selects its customer.
            follow_selection(s);
        }
    }
}

/// A submitted filter form changes the list here instead of going to the store.
pub fn finish_filter(s: &mut State) {
    let Some(Modal::Form(form)) = &s.modal else {
        return;
    };
    if matches!(form.kind, FormKind::Import) && form.saving.is_some() {
        let path = super::forms::expand_home(form.value("path"));
        let on_duplicate = form
            .choice("duplicates")
            .unwrap_or("skip")
            .parse()
            .unwrap_or(crate::io::import::OnDuplicate::Skip);
        s.modal = Some(Modal::ImportPreview(Box::new(
            crate::tui::state::ImportView::new(path.clone(), on_duplicate),
        )));
        s.outbox.push(Request::Import {
            path,
            on_duplicate,
            dry_run: true,
            skip_bad: false,
            overwrite: Vec::new(),
        });
        return;
    }
    if !matches!(form.kind, FormKind::Filter) || form.saving.is_none() {
        return;
    }
    if let Ok(mut filter) = super::forms::parse_filter(form.value("filter")) {
        if filter.owner.as_deref() == Some(super::forms::MINE) {
            filter.owner = Some(s.user.clone());
        }
        if super::forms::asks_win_back(form.value("filter")) {
            s.sort = crate::store::pages::CustomerSort::Value;
        }
        s.modal = None;
        s.filter = filter;
        reload_list(s, Anchor::Top, None);
    }
}
