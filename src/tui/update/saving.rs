//! Changes on their way to the store: sending them, undoing them, and quitting without losing
//! one.

use super::*;

/// Sends a change to the store, remembered as pending (with what it is, in the user's words)
/// until its answer arrives, so quitting never drops it silently.
pub(super) fn save(s: &mut State, save: Save, what: String) {
    let token = s.next_token;
    s.next_token += 1;
    s.pending.push((token, what));
    s.outbox.push(Request::Save { token, save });
}

/// How many of the screen's changes `u` can walk back through.
pub const UNDO_DEPTH: usize = 100;

/// Undoes the last change made on this screen (the store refuses if anyone changed it since).
pub(super) fn undo(s: &mut State) {
    match s.undo_stack.pop() {
        Some((item, what)) => {
            let label = tf("undo.pending", &[("what", &what)]);
            let change = match item {
                crate::tui::state::Undoable::Change(change) => Save::Undo { change },
                crate::tui::state::Undoable::Import(batch) => Save::UndoImport { batch },
            };
            save(s, change, label);
        }
        None => inform(s, t("undo.nothing")),
    }
}

/// Quits, unless a change is still on its way to the database: then asks, naming it (`behind`
/// is the form that returns if the answer is no).
pub(super) fn quit(s: &mut State, behind: Option<Box<Form>>) {
    match s.pending.first() {
        None => s.quit = true,
        Some((_, what)) => {
            let what = what.clone();
            let text = if s.quit_after_save {
                tf("msg.quit_now_and_lose", &[("what", &what)])
            } else {
                tf("msg.quit_while_saving", &[("what", &what)])
            };
            s.modal = Some(Modal::Confirm {
                text,
                then: if s.quit_after_save {
                    Confirmed::Quit
                } else {
                    Confirmed::QuitAfterSave
                },
                form: behind,
            });
        }
    }
}

/// A save's answer arrived: it is no longer pending; quits if the user asked to once it was.
pub(super) fn answered(s: &mut State, token: u64, ok: bool) {
    s.pending.retain(|(t, _)| *t != token);
    if !ok {
        // A refused save is shown (its form stays open): quitting now would drop it.
        s.quit_after_save = false;
    } else if s.quit_after_save && s.pending.is_empty() {
        s.quit = true;
    }
}

pub(super) fn submit(s: &mut State) {
    let clock = s.clock;
    let token = s.next_token;
    let Some(Modal::Form(form)) = &mut s.modal else {
        return;
    };
    if form.saving.is_some() {
        return;
    }
    if matches!(form.kind, FormKind::Filter | FormKind::Import) {
        // Checked here; applied by `finish_filter`, which the event loop calls next.
        if form.validate(&clock).is_none() && form.fields.iter().all(|f| f.error.is_none()) {
            form.saving = Some(token);
        }
        return;
    }
    // A person the team does not know is most likely a typo: said once, with the nearest known
    // name; Enter again keeps it (a new teammate).
    for key in ["owner", "assignee"] {
        let typed = form.value(key).trim().to_string();
        if typed.is_empty()
            || s.people.is_empty()
            || s.people.contains(&typed)
            || form.new_name_ok.as_deref() == Some(typed.as_str())
        {
            continue;
        }
        let nearest = s
            .people
            .iter()
            .min_by_key(|p| crate::tui::forms::edit_distance(&typed, p))
            .cloned()
            .unwrap_or_default();
        if let Some(f) = form.fields.iter_mut().find(|f| f.key == key) {
            f.error = Some(tf(
                "err.unknown_person",
                &[("name", &typed), ("nearest", &nearest)],
            ));
        }
        form.focus = form.fields.iter().position(|f| f.key == key).unwrap_or(0);
        form.new_name_ok = Some(typed);
        return;
    }
    if let Some(save) = form.validate(&clock) {
        form.saving = Some(token);
        let what = form.title.clone();
        s.next_token += 1;
        s.pending.push((token, what));
        s.outbox.push(Request::Save { token, save });
    }
}
