//! Replies from the store worker and the search thread, applied to the state.

use super::*;
use crate::i18n::tf;

/// A new search index from the search thread: draw from it, and rerun the query on it.
pub fn search_index(s: &mut State, index: std::sync::Arc<Index>) {
    s.search_index = Some(index);
    if !s.search.text.trim().is_empty() {
        search_changed(s);
    }
}

pub fn search_results(s: &mut State, r: Results) {
    if r.version != s.search.version || !s.search.active() {
        return;
    }
    s.search.hits = Some((r.hits, r.index));
    s.search.answered = r.version;
    s.search.selected = 0;
    s.search.offset = 0;
    follow_selection(s);
}

pub fn reply(s: &mut State, r: Reply) {
    match r {
        Reply::Page {
            seq,
            anchor,
            rows,
            full,
            done,
        } => {
            if seq != s.list.seq {
                return;
            }
            s.list.loading = !done;
            match anchor {
                Anchor::Top => {
                    s.list.owed = 0;
                    s.list.rows = rows;
                    s.list.selected = 0;
                    s.list.offset = 0;
                    s.list.more_before = false;
                    s.list.more_after = full;
                }
                Anchor::Bottom => {
                    s.list.owed = 0;
                    s.list.selected = rows.len().saturating_sub(1);
                    s.list.rows = rows;
                    s.list.offset = s
                        .list
                        .selected
                        .saturating_sub(s.list_height.saturating_sub(1));
                    s.list.more_before = full;
                    s.list.more_after = false;
                }
                Anchor::After(_) if s.list.replace || s.list.rows.is_empty() => {
                    s.list.replace = false;
                    s.list.owed = 0;
                    s.list.rows = rows;
                    s.list.more_after = full;
                    s.list.selected = s.list.selected.min(s.list.rows.len().saturating_sub(1));
                }
                Anchor::After(_) => {
                    s.list.rows.extend(rows);
                    s.list.more_after = full;
                    if s.list.rows.len() > WINDOW {
                        let drop = s.list.rows.len() - WINDOW;
                        s.list.rows.drain(..drop);
                        s.list.selected = s.list.selected.saturating_sub(drop);
                        s.list.offset = s.list.offset.saturating_sub(drop);
                        s.list.more_before = true;
                    }
                }
                Anchor::Before(_) => {
                    let n = rows.len();
                    s.list.rows.splice(0..0, rows);
                    s.list.selected += n;
                    s.list.offset += n;
                    s.list.more_before = full;
                    if s.list.rows.len() > WINDOW {
                        s.list.rows.truncate(WINDOW);
                        s.list.more_after = true;
                    }
                }
            }
            // The customer to keep selected may come in the request's second part.
            if let Some(want) = s.list.want
                && let Some(i) = s.list.rows.iter().position(|c| c.id == want)
            {
                s.list.selected = i;
                s.list.want = None;
            }
            if done {
                s.list.want = None;
            }
            // A refresh keeps the rows where they were on screen.
            if s.list.want.is_none()
                && let Some(offset) = s.list.keep_offset.take()
            {
                s.list.offset = offset.min(s.list.selected);
            }
            super::pay_owed_moves(s);
            if !s.search.filtering() && s.list.want.is_none() {
                follow_selection(s);
            }
            let ids: Vec<i64> = s.list.rows.iter().map(|c| c.id).collect();
            s.outbox.push(Request::Risk { ids });
        }
        Reply::Detail { seq, id, detail } => {
            // Archived, erased or merged away by a teammate while it was on screen: said once,
            // and every pane reloads so it leaves the list and the queue. Checked even when the
            // selection has moved on since (the list may have reloaded first).
            if let Some((watched, name)) = s.watching.take_if(|(w, _)| *w == id) {
                let gone = match &detail {
                    None => Some(tf("msg.customer_gone", &[("name", &name)])),
                    Some(d) if d.customer.archived_at.is_some() => {
                        Some(tf("msg.customer_archived", &[("name", &name)]))
                    }
                    _ => None,
                };
                if let Some(message) = gone {
                    inform(s, message);
                    reload_window(s);
                    reload_queue(s);
                    s.outbox.push(Request::SearchSourcesFor(vec![watched]));
                    if s.follows == Pane::Profile && s.selected_id == Some(watched) {
                        s.follows = Pane::List;
                        if s.focus == Pane::Profile {
                            s.focus = Pane::List;
                        }
                    }
                }
            }
            if seq != s.detail_seq {
                return;
            }
            s.gone = if detail.is_none() { Some(id) } else { None };
            match detail {
                Some(d) => {
                    let mut items: Vec<TimelineItem> = d
                        .interactions
                        .iter()
                        .cloned()
                        .map(TimelineItem::Interaction)
                        .collect();
                    items.extend(d.purchases.iter().cloned().map(TimelineItem::Purchase));
                    items.sort_by_key(|i| std::cmp::Reverse(i.sort_key()));
                    s.timeline = items;
                    s.timeline_selected =
                        s.timeline_selected.min(s.timeline.len().saturating_sub(1));
                    s.detail = Some(d);
                }
                None => {
                    s.detail = None;
                    s.timeline.clear();
                }
            }
        }
        Reply::Queue {
            seq,
            rows,
            offset,
            total,
            selected,
        } => {
            if seq != s.queue_seq {
                return;
            }
            s.queue_loading = false;
            s.queue = rows;
            s.queue_offset = offset;
            s.queue_total = total;
            s.queue_selected = selected;
            follow_selection(s);
        }
        Reply::Report { seq, report, trend } => {
            if let Some(Modal::Dashboard(d)) = &mut s.modal
                && d.seq == seq
            {
                d.report = Some(report);
                d.trend = Some(trend);
                d.selected = d.selected.min(
                    d.report
                        .as_ref()
                        .map_or(0, |r| r.lines().len().saturating_sub(1)),
                );
            }
        }
        Reply::Drill { seq, label, rows } => {
            if let Some(Modal::Dashboard(d)) = &mut s.modal
                && d.seq == seq
            {
                d.drill = Some((label, rows));
                d.drill_selected = 0;
            }
        }
        Reply::Progress { done, total } => s.status.progress = Some((done, total)),
        Reply::Imported {
            path,
            on_duplicate,
            dry_run,
            report,
        } => {
            s.status.progress = None;
            if !dry_run {
                answered(s, 0, report.is_ok());
            }
            match (dry_run, report) {
                (true, Ok(rep)) => {
                    if let Some(Modal::ImportPreview(view)) = &mut s.modal
                        && view.path == path
                        && view.on_duplicate == on_duplicate
                    {
                        view.report = Some(rep);
                        view.selected = 0;
                        view.overwrite.clear();
                    }
                }
                (false, Ok(rep)) => {
                    if let Some(batch) = rep.batch {
                        s.undo_stack.push((
                            super::super::state::Undoable::Import(batch),
                            tf("msg.import_what", &[("path", &path.display())]),
                        ));
                    }
                    let undo = rep
                        .batch
                        .map(|b| format!(" — {}", tf("msg.import_undo", &[("batch", &b)])))
                        .unwrap_or_default();
                    say(
                        s,
                        format!(
                            "{}{undo}",
                            tf(
                                if rep.overwritten > 0 {
                                    "msg.imported_overwritten"
                                } else {
                                    "msg.imported"
                                },
                                &[
                                    ("added", &rep.added),
                                    ("updated", &rep.updated),
                                    ("overwritten", &rep.overwritten),
                                    ("skipped", &rep.skipped_duplicates.len()),
                                ],
                            )
                        ),
                        false,
                    );
                    refresh_all(s, None);
                }
                (_, Err(e)) => {
                    s.modal = None;
                    say(s, format!("import: {e}"), true);
                }
            }
        }
        Reply::MergePair { keep, other } => {
            let rows = crate::domain::CustomerFields::MERGE_FIELDS
                .iter()
                .filter_map(|f| {
                    let (k, o) = (keep.fields.text_of(f), other.fields.text_of(f));
                    (!k.is_empty() && !o.is_empty() && k != o).then_some((*f, k, o, false))
                })
                .collect();
            s.modal = Some(Modal::Merge(Box::new(super::super::state::MergeView {
                keep,
                other,
                rows,
                selected: 0,
            })));
        }
        Reply::History { id, entries: list } => {
            if let Some(Modal::History { entries, .. }) = &mut s.modal
                && s.selected_id == Some(id)
            {
                *entries = Some(list);
            }
        }
        Reply::Risk { asked, at_risk } => {
            for id in asked {
                s.at_risk.remove(&id);
            }
            s.at_risk.extend(at_risk);
        }
        Reply::DailyDone { created, warning } => {
            if let Some(w) = warning {
                say(s, w, true);
            }
            if created > 0 {
                say(s, tf("msg.greetings", &[("n", &created)]), false);
                reload_queue(s);
                s.outbox.push(Request::Counts);
            }
        }
        Reply::Deals { seq, deals, odds } => {
            if seq != s.pipeline_seq {
                return;
            }
            if let Some(Modal::Pipeline(p)) = &mut s.modal {
                let keep = p.want.take().or_else(|| p.selected().map(|(d, _)| d.id));
                p.deals = deals;
                p.odds = odds;
                p.loaded = true;
                p.row = 0;
                if let Some(id) = keep {
                    p.select(id);
                }
                let n = p.column(p.column).len();
                p.row = p.row.min(n.saturating_sub(1));
            }
        }
        Reply::Counts {
            overdue,
            today,
            customers,
            cadences,
            currency,
            people,
            campaigns,
            products,
        } => {
            s.products = products;
            s.people = people;
            if !s.people.contains(&s.user) {
                s.people.push(s.user.clone());
                s.people.sort();
            }
            s.campaigns = campaigns;
            s.cadences = cadences;
            s.currency = currency;
            s.status.overdue = overdue;
            s.status.due_today = today;
            s.status.customers = customers;
        }
        // Building the index is slow at scale: the search thread does it.
        Reply::SearchPart { read, entries } => s.search_jobs.push(Job::BuildPart { read, entries }),
        Reply::SearchRead { read, entries } => s.search_jobs.push(Job::Build { read, entries }),
        Reply::SearchPatch { changed, gone } => s.search_jobs.push(Job::Patch { changed, gone }),
        Reply::Saved {
            token,
            customer,
            message,
            change,
        } => {
            let what = s
                .pending
                .iter()
                .find(|(t, _)| *t == token)
                .map(|(_, w)| w.clone())
                .unwrap_or_default();
            answered(s, token, true);
            if let Some(change) = change {
                s.undo_stack
                    .push((super::super::state::Undoable::Change(change), what));
                // Deep enough for a morning's work; the oldest fall off.
                if s.undo_stack.len() > UNDO_DEPTH {
                    s.undo_stack.remove(0);
                }
            }
            let mut added = false;
            let mut back_to_deal = None;
            if let Some(Modal::Form(form)) = &s.modal
                && form.saving == Some(token)
            {
                added = matches!(form.kind, FormKind::NewCustomer);
                back_to_deal = form.back_to_deal;
                s.modal = None;
            }
            if let Some(deal) = back_to_deal {
                open_pipeline(s, Some(deal));
            }
            let message = match s.note_after_save.take() {
                Some(note) => format!("{message} ({note})"),
                None => message,
            };
            say(s, message, false);
            if let Some(id) = customer {
                if added {
                    // A new customer is shown in the list, selected, whichever pane was focused.
                    s.focus = Pane::List;
                    s.follows = Pane::List;
                }
                if s.follows == Pane::List {
                    if s.selected_id.is_none() || s.list_customer_id().is_none() {
                        s.list.want = Some(id);
                    }
                    select_customer(s, id);
                }
            }
            refresh_all(s, customer);
            if let Some(id) = customer {
                s.list.want = Some(id);
            }
        }
        Reply::SaveFailed {
            token,
            error,
            conflict,
            stored,
            field,
        } => {
            answered(s, token, false);
            if let Some(Modal::Form(form)) = &mut s.modal
                && form.saving == Some(token)
            {
                form.saving = None;
                if let (Some(stored), FormKind::EditCustomer { .. }) = (&stored, &form.kind) {
                    let at = s.clock.local_display(&stored.audit.updated_at);
                    let by = stored.audit.updated_by.clone();
                    if form.merge_customer(stored, &by) {
                        form.error = Some(tf("msg.conflict_merged", &[("by", &by), ("at", &at)]));
                        // Ctrl-o saves the form as it stands over theirs; Ctrl-t takes theirs.
                        form.conflict_version = conflict;
                    } else {
                        // Different fields: merge without asking.
                        s.note_after_save = Some(tf("msg.merged_with", &[("by", &by)]));
                        submit(s);
                    }
                    return;
                }
                if conflict.is_some() {
                    form.error = Some(tf("msg.conflict", &[("error", &error)]));
                    form.conflict_version = conflict;
                } else if let Some(i) = field
                    .as_ref()
                    .and_then(|(key, _)| form.fields.iter().position(|f| f.key == *key))
                {
                    // Beside the field it is about, with the cursor there to correct it.
                    form.fields[i].error = field.map(|(_, reason)| reason);
                    form.focus = i;
                } else {
                    form.error = Some(error);
                }
                return;
            }
            say(s, error, true);
            refresh_all(s, None);
        }
        Reply::Changed(set) => {
            // The shown customer changed elsewhere: its next details say whether it is still here.
            if let Some(d) = s.detail.as_ref().filter(|d| {
                Some(d.customer.id) == s.selected_id
                    && d.customer.archived_at.is_none()
                    && (set.broad || set.customers.contains(&d.customer.id))
            }) {
                s.watching = Some((d.customer.id, d.customer.fields.name.clone()));
            }
            refresh_changed(s, &set);
            if !set.by.is_empty() {
                let by = set.by.join(", ");
                inform(s, tf("msg.updated_with_changes_by", &[("by", &by)]));
            }
        }
        Reply::Others(others) => s.status.others = others,
        Reply::LineDone { line, result } => match result {
            Ok(out) => {
                let out = out.trim_end().to_string();
                if out.lines().count() > 1 {
                    s.modal = Some(Modal::Text {
                        title: format!(": {line}"),
                        text: out,
                        scroll: 0,
                    });
                } else {
                    s.modal = None;
                    let message = if out.is_empty() {
                        tf("palette.done", &[("line", &line)])
                    } else {
                        out
                    };
                    say(s, message, false);
                }
                // The command may have changed anything.
                refresh_all(s, None);
            }
            Err(e) => {
                // The line stays, to be corrected.
                s.modal = Some(Modal::Palette {
                    completions: palette_completions(&line),
                    text: line,
                    running: false,
                });
                say(s, e, true);
            }
        },
        Reply::Error(e) => {
            s.list.loading = false;
            say(s, e, true);
        }
    }
}
