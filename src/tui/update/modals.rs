//! Keys while a modal (help, form, question, entry, history, import preview, merge, pipeline,
//! dashboard) is open, and opening the pipeline and the dashboard.

use super::*;
use crate::i18n::{t, tf};

pub(super) fn reload_deals(s: &mut State) {
    s.pipeline_seq += 1;
    s.outbox.push(Request::Deals {
        seq: s.pipeline_seq,
    });
}

/// Opens the dashboard on the default period (the last 30 days).
pub(super) fn open_dashboard(s: &mut State) {
    let period = crate::report::Period::default_for(s.clock.today());
    s.modal = Some(Modal::Dashboard(Box::new(Dashboard {
        period,
        mine: false,
        report: None,
        trend: None,
        selected: 0,
        drill: None,
        drill_selected: 0,
        seq: 0,
    })));
    reload_dashboard(s);
}

pub(super) fn reload_dashboard(s: &mut State) {
    let owner = Some(s.user.clone());
    if let Some(Modal::Dashboard(d)) = &mut s.modal {
        d.seq += 1;
        d.report = None;
        d.drill = None;
        let owner = if d.mine { owner } else { None };
        s.outbox.push(Request::Report {
            seq: d.seq,
            period: d.period,
            owner,
        });
    }
}

/// The dashboard's keys: pick a figure, list its customers, jump to one; change period or scope.
pub(super) fn dashboard_key(s: &mut State, mut d: Box<Dashboard>, a: Action) {
    // Checked: paging far enough would leave the calendar; the period then stays where it is.
    let shift = |p: crate::report::Period, later: bool| {
        let days = (p.to - p.from).num_days() + 1;
        let by = Duration::days(if later { days } else { -days });
        match (p.from.checked_add_signed(by), p.to.checked_add_signed(by)) {
            (Some(from), Some(to))
                if (1..=9999).contains(&chrono::Datelike::year(&from))
                    && chrono::Datelike::year(&to) <= 9999 =>
            {
                crate::report::Period { from, to }
            }
            _ => p,
        }
    };
    match a {
        Action::Close if d.drill.is_some() => d.drill = None,
        Action::Close => return,
        Action::Quit => {
            quit(s, None);
            return;
        }
        Action::Up | Action::Down => {
            let delta = if a == Action::Down { 1 } else { -1 };
            match &d.drill {
                Some((_, rows)) => {
                    d.drill_selected = clamp_move(d.drill_selected, delta, rows.len())
                }
                None => {
                    let n = d.report.as_ref().map_or(0, |r| r.lines().len());
                    d.selected = clamp_move(d.selected, delta, n);
                }
            }
        }
        Action::Select => match (&d.drill, &d.report) {
            (Some((_, rows)), _) => {
                if let Some((id, _, _)) = rows.get(d.drill_selected) {
                    let id = *id;
                    s.modal = None;
                    open_customer(s, id);
                    return;
                }
            }
            (None, Some(r)) => {
                let lines = r.lines();
                if let Some(line) = lines.get(d.selected) {
                    if crate::store::reports::DRILLABLE.contains(&line.key) {
                        d.seq += 1;
                        let owner = d.mine.then(|| s.user.clone());
                        s.outbox.push(Request::Drill {
                            seq: d.seq,
                            period: d.period,
                            owner,
                            key: line.key,
                            label: line.label.trim().to_string(),
                        });
                    } else {
                        inform(s, t("msg.no_customer_list_behind_this_figure"));
                    }
                }
            }
            _ => {}
        },
        Action::Left | Action::Right => {
            let next = shift(d.period, a == Action::Right);
            if next.to <= s.clock.today() || a == Action::Left {
                d.period = next;
                s.modal = Some(Modal::Dashboard(d));
                reload_dashboard(s);
                return;
            }
        }
        Action::ToggleMine => {
            d.mine = !d.mine;
            s.modal = Some(Modal::Dashboard(d));
            reload_dashboard(s);
            return;
        }
        _ => {}
    }
    s.modal = Some(Modal::Dashboard(d));
}

/// Opens the pipeline, optionally on one deal.
pub(super) fn open_pipeline(s: &mut State, deal: Option<i64>) {
    s.modal = Some(Modal::Pipeline(Box::new(Pipeline {
        want: deal,
        ..Default::default()
    })));
    reload_deals(s);
}

/// The pipeline's keys: choose a deal, move it, win or lose it, or go to its customer.
pub(super) fn pipeline_key(s: &mut State, mut p: Box<Pipeline>, a: Action) {
    let columns = PIPELINE_STAGES.len();
    match a {
        Action::Close => return,
        Action::Quit => {
            quit(s, None);
            return;
        }
        Action::Undo => {
            // The pipeline reloads (and keeps its place) when the undo is written.
            p.want = p.selected().map(|(d, _)| d.id);
            s.modal = Some(Modal::Pipeline(p));
            undo(s);
            return;
        }
        Action::Left | Action::Right => {
            p.column = if a == Action::Right {
                (p.column + 1) % columns
            } else {
                (p.column + columns - 1) % columns
            };
            p.row = 0;
        }
        Action::Up | Action::Down => {
            let n = p.column(p.column).len();
            p.row = clamp_move(p.row, if a == Action::Down { 1 } else { -1 }, n);
        }
        Action::Select => {
            if let Some((d, _)) = p.selected() {
                let id = d.customer_id;
                s.modal = None;
                open_customer(s, id);
                return;
            }
        }
        Action::DealNextStage
        | Action::DealPrevStage
        | Action::DealWon
        | Action::DealWonWithPurchase => {
            if let Some((d, _)) = p.selected().cloned() {
                let at = PIPELINE_STAGES
                    .iter()
                    .position(|st| *st == d.stage)
                    .unwrap_or(0);
                let stage = match a {
                    Action::DealWon | Action::DealWonWithPurchase => {
                        Some(crate::domain::DealStage::Won)
                    }
                    // Moving forward stops before won/lost: those say how the deal ended.
                    Action::DealNextStage if at < 3 => Some(PIPELINE_STAGES[at + 1]),
                    Action::DealPrevStage if at > 0 && at <= 4 => Some(PIPELINE_STAGES[at - 1]),
                    _ => None,
                };
                if let Some(stage) = stage {
                    p.want = Some(d.id);
                    let purchase = a == Action::DealWonWithPurchase;
                    if purchase && d.stage != crate::domain::DealStage::Won {
                        // The amount is asked (prefilled): a final price often differs.
                        let mut form = Form::won(d.id, d.audit.version, &d.title, d.amount);
                        form.back_to_deal = Some(d.id);
                        s.modal = Some(Modal::Form(Box::new(form)));
                        return;
                    }
                    let what = d.title.clone();
                    save(
                        s,
                        Save::MoveDeal {
                            id: d.id,
                            version: d.audit.version,
                            stage,
                            reason: None,
                            purchase,
                            amount: None,
                        },
                        what,
                    );
                }
            }
        }
        Action::DealLost => {
            if let Some((d, _)) = p.selected() {
                let mut form = Form::lost(d.id, d.audit.version, &d.title);
                form.back_to_deal = Some(d.id);
                s.modal = Some(Modal::Form(Box::new(form)));
                return;
            }
        }
        _ => {}
    }
    s.modal = Some(Modal::Pipeline(p));
}

/// A key while a modal is open: the modal layer takes it before the panes.
pub(super) fn modal_key(s: &mut State, modal: Modal, a: Action) {
    match modal {
        Modal::Palette {
            mut text,
            mut completions,
            running,
        } => {
            match a {
                Action::Close => return,
                Action::Quit => {
                    quit(s, None);
                    return;
                }
                // One command at a time: keys wait while it runs.
                _ if running => {}
                Action::Submit if text.trim().is_empty() => return,
                Action::Submit => {
                    s.outbox.push(Request::RunLine(text.trim().to_string()));
                    s.modal = Some(Modal::Palette {
                        text,
                        completions: Vec::new(),
                        running: true,
                    });
                    return;
                }
                Action::FieldNext => {
                    if let Some(first) = completions.first() {
                        let keep = text.len() - text.split(' ').next_back().map_or(0, str::len);
                        text.truncate(keep);
                        text.push_str(first);
                        text.push(' ');
                    }
                }
                Action::Backspace => {
                    text.pop();
                }
                Action::KillToStart | Action::DeleteWordBack => {
                    let end = text.chars().count();
                    text = super::super::forms::line_edit(&text, end, a).0;
                }
                _ => {}
            }
            completions = palette_completions(&text);
            s.modal = Some(Modal::Palette {
                text,
                completions,
                running,
            });
        }
        Modal::Text {
            title,
            text,
            scroll,
        } => {
            let last = text
                .lines()
                .count()
                .saturating_sub(s.screen_rows.saturating_sub(4)) as u16;
            let page = s.screen_rows.saturating_sub(6).max(1) as u16;
            let scroll = match a {
                Action::Close | Action::Help => return,
                Action::Quit => {
                    quit(s, None);
                    return;
                }
                Action::Down => scroll.saturating_add(1),
                Action::Up => scroll.saturating_sub(1),
                Action::PageDown => scroll.saturating_add(page),
                Action::PageUp => scroll.saturating_sub(page),
                Action::Top => 0,
                Action::Bottom => last,
                _ => scroll,
            }
            .min(last);
            s.modal = Some(Modal::Text {
                title,
                text,
                scroll,
            });
        }
        Modal::Help { scroll, behind } => {
            // The box is the screen less a line above and below, less its borders.
            let last = crate::tui::view::modal::help_lines(&s.keys)
                .len()
                .saturating_sub(s.screen_rows.saturating_sub(4)) as u16;
            let page = s.screen_rows.saturating_sub(6).max(1) as u16;
            let to = |n: u16, behind| {
                Some(Modal::Help {
                    scroll: n.min(last),
                    behind,
                })
            };
            s.modal = match a {
                Action::Close | Action::Help => behind.map(Modal::Form),
                Action::Down => to(scroll.saturating_add(1), behind),
                Action::Up => to(scroll.saturating_sub(1), behind),
                Action::PageDown => to(scroll.saturating_add(page), behind),
                Action::PageUp => to(scroll.saturating_sub(page), behind),
                Action::Top => to(0, behind),
                Action::Bottom => to(last, behind),
                Action::Quit => {
                    quit(s, behind);
                    s.modal.take()
                }
                _ => to(scroll, behind),
            };
        }
        Modal::Pipeline(p) => pipeline_key(s, p, a),
        Modal::Dashboard(d) => dashboard_key(s, d, a),
        Modal::Merge(mut m) => match a {
            Action::Close => {}
            Action::Up | Action::Down => {
                m.selected = clamp_move(
                    m.selected,
                    if a == Action::Down { 1 } else { -1 },
                    m.rows.len(),
                );
                s.modal = Some(Modal::Merge(m));
            }
            Action::Toggle => {
                if let Some(row) = m.rows.get_mut(m.selected) {
                    row.3 = !row.3;
                }
                s.modal = Some(Modal::Merge(m));
            }
            Action::Submit => {
                let take = m
                    .rows
                    .iter()
                    .filter(|r| r.3)
                    .map(|r| r.0.to_string())
                    .collect();
                s.merge_from = None;
                let what = tf(
                    "msg.merge_what",
                    &[
                        ("other", &m.other.fields.name),
                        ("keep", &m.keep.fields.name),
                    ],
                );
                save(
                    s,
                    Save::Merge {
                        keep: m.keep.id,
                        keep_version: m.keep.audit.version,
                        other: m.other.id,
                        other_version: m.other.audit.version,
                        take,
                    },
                    what,
                );
            }
            Action::Quit => quit(s, None),
            _ => s.modal = Some(Modal::Merge(m)),
        },
        Modal::ImportPreview(mut v) => match a {
            // With bad rows, y says so; s imports the good rows and leaves the bad ones out.
            Action::Answer(true) if v.report.as_ref().is_some_and(|r| !r.bad.is_empty()) => {
                let n = v.report.as_ref().map_or(0, |r| r.bad.len());
                say(s, tf("msg.import_has_bad_rows", &[("n", &n)]), true);
                s.modal = Some(Modal::ImportPreview(v));
            }
            Action::Answer(true) | Action::SkipBad if v.report.is_some() => {
                let skip_bad = a == Action::SkipBad;
                s.status.progress = Some((0, v.report.as_ref().map_or(0, |r| r.rows)));
                // Token 0: an import has no save token; its answer is `Reply::Imported`.
                s.pending
                    .push((0, tf("msg.import_what", &[("path", &v.path.display())])));
                s.outbox.push(Request::Import {
                    path: v.path,
                    on_duplicate: v.on_duplicate,
                    dry_run: false,
                    skip_bad,
                    overwrite: v.overwrite.into_iter().collect(),
                });
            }
            Action::Answer(false) | Action::Close => {}
            Action::Quit => quit(s, None),
            Action::Up | Action::Down => {
                let rows = v.report.as_ref().map_or(0, |r| r.likely.len());
                v.selected = clamp_move(v.selected, if a == Action::Down { 1 } else { -1 }, rows);
                s.modal = Some(Modal::ImportPreview(v));
            }
            Action::Toggle => {
                // Only a row whose values differ has anything to overwrite.
                if let Some(d) = v.report.as_ref().and_then(|r| r.likely.get(v.selected))
                    && !d.differences.is_empty()
                {
                    let key = (d.line, d.existing_id);
                    if !v.overwrite.remove(&key) {
                        v.overwrite.insert(key);
                    }
                }
                s.modal = Some(Modal::ImportPreview(v));
            }
            _ => s.modal = Some(Modal::ImportPreview(v)),
        },
        Modal::History {
            name,
            entries,
            scroll,
        } => {
            s.modal = match a {
                Action::Close | Action::Help => None,
                Action::Down => Some(Modal::History {
                    name,
                    entries,
                    scroll: scroll.saturating_add(1),
                }),
                Action::Up => Some(Modal::History {
                    name,
                    entries,
                    scroll: scroll.saturating_sub(1),
                }),
                Action::Quit => {
                    quit(s, None);
                    s.modal.take()
                }
                _ => Some(Modal::History {
                    name,
                    entries,
                    scroll,
                }),
            }
        }
        Modal::Entry(entry, scroll) => match a {
            Action::Close => {}
            Action::EditEntry => open_form(s, Form::edit_interaction(&entry, &s.clock)),
            Action::DeleteEntry => {
                s.modal = Some(Modal::Confirm {
                    text: tf(
                        "msg.delete_entry",
                        &[
                            (
                                "kind",
                                &crate::i18n::word("interaction", entry.kind.as_str()),
                            ),
                            ("summary", &entry.summary),
                        ],
                    ),
                    then: Confirmed::DeleteInteraction {
                        id: entry.id,
                        version: entry.audit.version,
                        what: entry.summary.clone(),
                    },
                    form: None,
                })
            }
            Action::Quit => quit(s, None),
            Action::Down | Action::PageDown => {
                let step = if a == Action::Down { 1 } else { 10 };
                s.modal = Some(Modal::Entry(entry, scroll.saturating_add(step)))
            }
            Action::Up | Action::PageUp => {
                let step = if a == Action::Up { 1 } else { 10 };
                s.modal = Some(Modal::Entry(entry, scroll.saturating_sub(step)))
            }
            Action::Top => s.modal = Some(Modal::Entry(entry, 0)),
            _ => s.modal = Some(Modal::Entry(entry, scroll)),
        },
        Modal::Confirm { text, then, form } => match a {
            Action::Answer(true) => match then {
                Confirmed::Quit if s.quit_after_save => s.quit = true,
                Confirmed::Quit => quit(s, None),
                Confirmed::QuitAfterSave => {
                    s.quit_after_save = true;
                    // The form that is saving stays on screen, showing whom the save waits for.
                    s.modal = form.map(Modal::Form);
                    inform(s, t("msg.quits_when_saved"));
                }
                Confirmed::DiscardForm => {
                    if let Some(deal) = form.and_then(|f| f.back_to_deal) {
                        open_pipeline(s, Some(deal));
                    }
                }
                Confirmed::DeleteInteraction { id, version, what } => {
                    save(s, Save::DeleteInteraction { id, version }, what)
                }
                Confirmed::DeletePurchase { id, version, what } => {
                    save(s, Save::DeletePurchase { id, version }, what)
                }
                Confirmed::Archive { id, version, what } => save(
                    s,
                    Save::Archive {
                        id,
                        version,
                        archived: true,
                    },
                    what,
                ),
            },
            Action::Answer(false) => s.modal = form.map(Modal::Form),
            // Ctrl-c still quits; an unsaved form behind the question is what it asks about.
            Action::Quit if form.is_none() && matches!(then, Confirmed::Quit) => quit(s, None),
            Action::Quit if form.is_none() && !matches!(then, Confirmed::QuitAfterSave) => {
                quit(s, None)
            }
            _ => s.modal = Some(Modal::Confirm { text, then, form }),
        },
        Modal::Form(mut form) => match a {
            Action::Close if form.dirty() && form.saving.is_none() => {
                s.modal = Some(Modal::Confirm {
                    text: t("msg.discard_what_you_typed").into(),
                    then: Confirmed::DiscardForm,
                    form: Some(form),
                })
            }
            // Closing a form whose save is waiting would hide a refusal and lose the input.
            Action::Close if form.saving.is_some() => {
                s.modal = Some(Modal::Form(form));
                inform(s, t("msg.still_saving"));
            }
            Action::Close => {
                if let Some(deal) = form.back_to_deal {
                    open_pipeline(s, Some(deal));
                }
            }
            Action::Help => {
                s.modal = Some(Modal::Help {
                    scroll: 0,
                    behind: Some(form),
                })
            }
            // Answering "no" to the question returns to the form that is saving.
            Action::Quit if form.saving.is_some() => quit(s, Some(form)),
            Action::Quit if form.dirty() => {
                s.modal = Some(Modal::Confirm {
                    text: t("msg.quit_and_lose_what_you_typed").into(),
                    then: Confirmed::Quit,
                    form: Some(form),
                })
            }
            Action::Quit => quit(s, None),
            // In a file field Tab completes the path as a shell does; with nothing to add, it moves on.
            Action::FieldNext
                if form.fields.get(form.focus).is_some_and(|f| f.key == "path")
                    && form.complete_path() =>
            {
                s.modal = Some(Modal::Form(form))
            }
            Action::FieldNext => {
                form.next_field(true);
                s.modal = Some(Modal::Form(form));
            }
            Action::FieldPrev => {
                form.next_field(false);
                s.modal = Some(Modal::Form(form));
            }
            Action::Backspace => {
                form.backspace();
                s.modal = Some(Modal::Form(form));
            }
            Action::CursorLeft | Action::CursorRight => {
                form.move_cursor(a == Action::CursorRight);
                s.modal = Some(Modal::Form(form));
            }
            Action::Newline => {
                if form.saving.is_none() && form.fields.get(form.focus).is_some_and(|f| f.multiline)
                {
                    form.insert("\n");
                }
                s.modal = Some(Modal::Form(form));
            }
            Action::LineStart
            | Action::LineEnd
            | Action::KillToStart
            | Action::KillToEnd
            | Action::DeleteWordBack
            | Action::DeleteForward
            | Action::WordLeft
            | Action::WordRight => {
                if form.saving.is_none() {
                    form.edit(a);
                }
                s.modal = Some(Modal::Form(form));
            }
            Action::Submit => {
                s.modal = Some(Modal::Form(form));
                submit(s);
            }
            Action::TakeTheirs => {
                form.take_theirs();
                s.modal = Some(Modal::Form(form));
            }
            Action::Overwrite if form.conflict_version.is_some() => {
                // Save over the other change: the form already holds the version now stored.
                s.modal = Some(Modal::Form(form));
                submit(s);
            }
            Action::Reload if form.conflict_version.is_some() => {
                let reopened = match (&form.kind, s.current()) {
                    (FormKind::EditCustomer { .. }, Some(c)) => Some(Form::edit_customer(c)),
                    _ => None,
                };
                s.modal = reopened.map(|f| Modal::Form(Box::new(f)));
                say(s, t("msg.reloaded_showing_the_stored_values"), false);
            }
            _ => s.modal = Some(Modal::Form(form)),
        },
    }
}
