//! Help, forms, questions and the full view of a timeline entry, drawn over the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::wrapped;
use super::{cell, clip};
use crate::i18n::{t, tf};
use crate::io::import::OnDuplicate;
use crate::tui::keymap::Layer;
use crate::tui::state::{ImportView, Modal, PIPELINE_STAGES, Pipeline, State};
use crate::tui::theme;

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A large box centred over the panes, cleared; with the width inside its border.
fn big_box(f: &mut Frame, area: Rect) -> (Rect, usize) {
    let r = centered(
        area,
        area.width.saturating_sub(4).max(40),
        area.height.saturating_sub(2),
    );
    super::clear_for_box(f, r);
    (r, r.width.saturating_sub(2) as usize)
}

pub(super) fn frame(title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme::FOCUS_BORDER)
        .title(Span::styled(format!(" {title} "), theme::HEADER))
}

pub fn draw(f: &mut Frame, s: &State, area: Rect) {
    match &s.modal {
        None => {}
        Some(Modal::Help { scroll, .. }) => help(f, &s.keys, *scroll, area),
        Some(Modal::Palette {
            text,
            completions,
            running,
        }) => palette(f, text, completions, *running, area),
        Some(Modal::Text {
            title,
            text,
            scroll,
        }) => {
            let r = centered(
                area,
                area.width.saturating_sub(4).min(120),
                area.height.saturating_sub(2),
            );
            super::clear_for_box(f, r);
            let lines: Vec<Line> = text
                .lines()
                .map(|l| Line::raw(crate::domain::input::for_terminal(l, false)))
                .collect();
            f.render_widget(
                Paragraph::new(lines)
                    .scroll((*scroll, 0))
                    .block(frame(&format!("{} · {}", clip(title, 50), t("text.keys")))),
                r,
            );
        }
        Some(Modal::History {
            name,
            entries,
            scroll,
        }) => history(f, s, name, entries.as_deref(), *scroll, area),
        Some(Modal::Merge(m)) => merge_view(f, m, area),
        Some(Modal::ImportPreview(v)) => import_preview(f, v, area),
        Some(Modal::Form(form)) => super::form::draw_form(f, form, &s.status, area),
        Some(Modal::Confirm { text, .. }) => {
            let width = (text.width() as u16 + 6).clamp(30, area.width);
            let r = centered(area, width, 5);
            super::clear_for_box(f, r);
            let lines = vec![
                Line::raw(clip(text, width as usize - 4)),
                Line::raw(""),
                Line::from(vec![
                    Span::styled("y", theme::KEY),
                    Span::raw(format!(" {}   ", t("hint.yes"))),
                    Span::styled("n", theme::KEY),
                    Span::raw(format!(" {}", t("hint.no"))),
                ]),
            ];
            f.render_widget(Paragraph::new(lines).block(frame(t("confirm.title"))), r);
        }
        Some(Modal::Pipeline(p)) => pipeline(f, p, &s.currency, s.clock.today(), area),
        Some(Modal::Dashboard(d)) => super::dashboard::draw(f, d, &s.user, &s.currency, area),
        Some(Modal::Entry(e, scroll)) => {
            let r = centered(
                area,
                area.width.saturating_sub(8).max(40),
                area.height.saturating_sub(4).max(8),
            );
            super::clear_for_box(f, r);
            let mut lines = vec![
                Line::from(vec![
                    Span::styled(
                        crate::i18n::word("interaction_tag", e.kind.as_str()),
                        theme::KEY,
                    ),
                    Span::raw(format!("  {}", s.clock.local_display(&e.at))),
                ]),
                Line::styled(
                    tf(
                        "entry.audit",
                        &[
                            ("by", &e.audit.created_by),
                            ("changed", &s.clock.local_display(&e.audit.updated_at)),
                            ("changed_by", &e.audit.updated_by),
                        ],
                    ),
                    theme::DIM,
                ),
                Line::raw(""),
                Line::styled(
                    crate::domain::input::for_terminal(&e.summary, true),
                    theme::HEADER,
                ),
                Line::raw(""),
            ];
            // Wrapped here, line by line, so j/k scroll a long note to its end and no further.
            let w = r.width.saturating_sub(2) as usize;
            for l in crate::domain::input::for_terminal(e.details.as_deref().unwrap_or(""), false)
                .lines()
            {
                for part in wrapped(l, w, 0) {
                    lines.push(Line::raw(part));
                }
            }
            let last = lines
                .len()
                .saturating_sub(r.height.saturating_sub(2) as usize) as u16;
            f.render_widget(
                Paragraph::new(lines)
                    .scroll(((*scroll).min(last), 0))
                    .block(frame(t("entry.title"))),
                r,
            );
        }
    }
}

/// The `:` line at the bottom of the screen, with the command names that complete it.
fn palette(f: &mut Frame, text: &str, completions: &[String], running: bool, area: Rect) {
    let height = 3.min(area.height);
    let r = Rect {
        x: area.x,
        y: area.y + area.height - height,
        width: area.width,
        height,
    };
    super::clear_for_box(f, r);
    let w = r.width.saturating_sub(2) as usize;
    let status = if running {
        t("palette.running").to_string()
    } else {
        completions.join(" ")
    };
    let line = Line::from(vec![
        Span::styled(":", theme::KEY),
        Span::raw(clip(text, w.saturating_sub(2))),
        Span::styled(if running { "" } else { "▏" }, theme::KEY),
        Span::styled(
            format!("  {}", clip(&status, w.saturating_sub(text.width() + 4))),
            theme::DIM,
        ),
    ]);
    f.render_widget(Paragraph::new(line).block(frame(t("palette.title"))), r);
}

/// The symbols the screen uses, each with what it means (help's legend).
const LEGEND: &[(&str, &str)] = &[
    ("▶ ┏━┓", "legend.focus"),
    ("reverse", "legend.selection"),
    ("★", "legend.vip"),
    ("⚠", "legend.at_risk"),
    ("231d!", "legend.past_cadence"),
    ("!2d", "legend.overdue"),
    ("☐", "legend.todo"),
    ("☎", "legend.call"),
    ("✿", "legend.birthday"),
    ("! 24h", "legend.complaint"),
    ("$", "legend.deal"),
    ("?", "legend.survey"),
    ("⚑", "legend.agreement"),
    ("¤", "legend.coupon"),
    ("↻", "legend.repeats"),
    ("✓", "legend.done"),
    ("✗", "legend.refused"),
    ("ℹ", "legend.info"),
    ("⏳", "legend.waiting"),
    ("👥", "legend.teammates"),
    ("↑ ↓ …", "legend.more"),
    ("–", "legend.empty"),
];

/// Every key of every layer (the user's own keys where the config file rebinds them) with the
/// action's name for the config file's `[keys]`, then the legend of symbols.
pub fn help_lines(keys: &crate::tui::keymap::Keymap) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let layers = [
        Layer::Panes,
        Layer::List,
        Layer::Profile,
        Layer::Timeline,
        Layer::Queue,
        Layer::Search,
        Layer::Form,
        Layer::Confirm,
        Layer::Entry,
        Layer::Pipeline,
        Layer::Help,
    ];
    for layer in layers {
        lines.push(Line::styled(t(layer.title()), theme::HEADER));
        let mut seen: Vec<(String, &str, String)> = Vec::new();
        for b in keys.of_layer(layer) {
            // Keys that do the same thing share a line: "j / ↓  move down".
            if let Some(entry) = seen.iter_mut().find(|(_, h, _)| *h == b.help) {
                entry.0.push_str(&format!(" / {}", b.key.label()));
            } else {
                let name = crate::tui::keymap::overrides::action_name(&b.action);
                seen.push((b.key.label(), b.help, name));
            }
        }
        for (keys, help, name) in seen {
            // The name is what `[keys]` in the config file rebinds; the description gives way.
            let room = 55usize.saturating_sub(name.width() + 1);
            let text = clip(t(help), room);
            let gap = room.saturating_sub(text.width()) + 1;
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", cell(&keys, 16)), theme::KEY),
                Span::raw(text),
                Span::styled(format!("{}{name}", " ".repeat(gap)), theme::DIM),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(t("legend.title"), theme::HEADER));
    for (symbol, meaning) in LEGEND {
        let shown = if *symbol == "reverse" {
            Span::styled(
                format!("  {} ", cell(t("legend.reverse"), 16)),
                theme::SELECTED,
            )
        } else {
            Span::styled(format!("  {} ", cell(symbol, 16)), theme::KEY)
        };
        lines.push(Line::from(vec![shown, Span::raw(clip(t(meaning), 55))]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(t("help.typed_keys"), theme::DIM));
    lines
}

fn help(f: &mut Frame, keys: &crate::tui::keymap::Keymap, scroll: u16, area: Rect) {
    let r = centered(area, 76, area.height.saturating_sub(2));
    super::clear_for_box(f, r);
    let p = Paragraph::new(help_lines(keys))
        .scroll((scroll, 0))
        .block(frame(t("help.title")));
    f.render_widget(p, r);
}

/// The pipeline: a column per stage with its count and total; the selected deal reversed.
fn pipeline(f: &mut Frame, p: &Pipeline, currency: &str, today: chrono::NaiveDate, area: Rect) {
    super::clear_for_box(f, area);
    let block = frame(t("pipeline.title"));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if !p.loaded {
        f.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", t("profile.loading")),
                theme::DIM,
            )),
            inner,
        );
        return;
    }
    // The last line shows the selected deal in full: the cards are cut to their column. Above
    // it, the forecast: open deals weighted by their stage's chance, by expected close month.
    let (inner, forecast_area, detail_area) = if inner.height > 6 {
        let [cards, forecast, detail] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        (cards, Some(forecast), Some(detail))
    } else if inner.height > 4 {
        let [cards, detail] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        (cards, None, Some(detail))
    } else {
        (inner, None, None)
    };
    if let Some(area) = forecast_area {
        let lines = p.forecast(today);
        let whole = |m| crate::domain::format::money_whole(m, currency);
        let months: Vec<String> = lines
            .iter()
            .map(|l| format!("{} {}", l.when.label(), whole(l.weighted)))
            .collect();
        let text = format!(
            "Σ {} · {}",
            tf(
                "pipeline.forecast",
                &[("total", &whole(crate::domain::forecast::total(&lines)))]
            ),
            months.join(" · ")
        );
        f.render_widget(
            Paragraph::new(Line::styled(
                clip(&text, area.width as usize),
                theme::HEADER,
            )),
            area,
        );
    }
    if let (Some(area), Some((d, customer))) = (detail_area, p.selected()) {
        let mut text = format!(
            "▶ {} · {} · {}",
            d.title,
            customer,
            crate::domain::format::money(d.amount, currency)
        );
        if let Some(close) = d.expected_close {
            text.push_str(&format!(
                " · {}",
                tf("pipeline.closes", &[("date", &close)])
            ));
        }
        f.render_widget(
            Paragraph::new(Line::styled(clip(&text, area.width as usize), theme::KEY)),
            area,
        );
    }
    let n = PIPELINE_STAGES.len() as u16;
    let col_w = (inner.width / n).max(8);
    // Each open stage's chance of winning beside its name, when every column has room for it.
    let with_odds = PIPELINE_STAGES.iter().all(|stage| {
        UnicodeWidthStr::width(crate::i18n::word("deal", stage.as_str()).as_str()) + 6
            <= col_w as usize
    });
    for (i, stage) in PIPELINE_STAGES.iter().enumerate() {
        let deals = p.column(i);
        let total: i64 = deals.iter().map(|(d, _)| d.amount).sum();
        let x = inner.x + col_w * i as u16;
        if x >= inner.x + inner.width {
            break;
        }
        let w = col_w.min(inner.x + inner.width - x);
        let cw = w.saturating_sub(1) as usize;
        let focused = i == p.column;
        let head_style = if focused {
            theme::FOCUS_BORDER
        } else {
            theme::HEADER
        };
        let marker = if focused { "▶" } else { " " };
        let mut lines = vec![
            Line::styled(
                cell(
                    &match p.odds.of(*stage).filter(|_| with_odds) {
                        Some(chance) => format!(
                            "{marker}{} {chance}%",
                            crate::i18n::word("deal", stage.as_str())
                        ),
                        None => format!("{marker}{}", crate::i18n::word("deal", stage.as_str())),
                    },
                    cw,
                ),
                head_style,
            ),
            Line::styled(
                cell(
                    &format!(
                        " {} · {}",
                        deals.len(),
                        crate::domain::format::money(total, currency)
                    ),
                    cw,
                ),
                theme::DIM,
            ),
            Line::raw(""),
        ];
        // Two lines a card; the column scrolls to keep its selection in view, and says how
        // many cards are above and below.
        let room = (inner.height as usize).saturating_sub(lines.len() + 1) / 2;
        let row = if focused { p.row } else { 0 };
        let first = row.saturating_sub(room.saturating_sub(1));
        if first > 0 {
            lines[2] = Line::styled(
                cell(&tf("pipeline.above", &[("n", &first)]), cw),
                theme::DIM,
            );
        }
        for (r, (d, customer)) in deals.iter().enumerate().skip(first).take(room.max(1)) {
            let mut title = Line::raw(cell(&format!(" {}", d.title), cw));
            let mut who = Line::styled(
                cell(
                    &format!(
                        " {} · {}",
                        customer,
                        crate::domain::format::money(d.amount, currency)
                    ),
                    cw,
                ),
                theme::DIM,
            );
            if focused && r == p.row {
                title = title.patch_style(theme::SELECTED);
                who = who.patch_style(theme::SELECTED);
            }
            lines.push(title);
            lines.push(who);
        }
        let below = deals.len().saturating_sub(first + room.max(1));
        if below > 0 {
            lines.push(Line::styled(
                cell(&tf("pipeline.below", &[("n", &below)]), cw),
                theme::DIM,
            ));
        }
        let rect = Rect {
            x,
            y: inner.y,
            width: w,
            height: inner.height,
        };
        f.render_widget(Paragraph::new(lines), rect);
    }
}

/// Who changed what and when, newest first, field by field.
fn history(
    f: &mut Frame,
    s: &State,
    name: &str,
    entries: Option<&[crate::domain::ChangeEntry]>,
    scroll: u16,
    area: Rect,
) {
    let (r, w) = big_box(f, area);
    let mut lines = Vec::new();
    match entries {
        None => lines.push(Line::styled(
            format!(" {}", t("profile.loading")),
            theme::DIM,
        )),
        Some([]) => lines.push(Line::styled(format!(" {}", t("history.empty")), theme::DIM)),
        Some(list) => {
            for e in list {
                let what = format!(
                    "{} {} {}",
                    crate::i18n::word("action", &e.action),
                    crate::i18n::word("table", &e.table),
                    e.row_id
                );
                lines.push(Line::from(vec![
                    Span::styled(format!("{} ", s.clock.local_display(&e.at)), theme::DIM),
                    Span::styled(format!("{} ", cell(&e.by, 10)), theme::KEY),
                    Span::raw(clip(&what, 28)),
                ]));
                let detail = history_detail(s, e);
                for l in wrapped(&detail, w.saturating_sub(4), 0) {
                    if !l.is_empty() {
                        lines.push(Line::styled(format!("    {l}"), theme::DIM));
                    }
                }
            }
        }
    }
    let title = tf("history.title", &[("name", &clip(name, 30))]);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(frame(&title)),
        r,
    );
}

/// Columns a history leaves out: ids, audit stamps and values derived from others.
const HISTORY_HIDDEN: &[&str] = &[
    "id",
    "customer_id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
    "sort_key",
    "email_norm",
    "phone_norm",
    "phone_tail",
];

/// A change's fields as the screen shows them elsewhere: labels in the interface language, money
/// in the team's currency, times in local time, stored words as the words the screen uses.
fn history_detail(s: &State, e: &crate::domain::ChangeEntry) -> String {
    use serde_json::Value;
    let empty = serde_json::Map::new();
    let b = e.before.as_object().unwrap_or(&empty);
    let a = e.after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| !HISTORY_HIDDEN.contains(&k.as_str()))
        .collect();
    keys.sort();
    keys.dedup();
    let group = |field: &str| -> Option<&'static str> {
        Some(match (e.table.as_str(), field) {
            ("customer", "kind") => "kind",
            ("customer", "tier") => "tier",
            ("customer", "stage") => "stage",
            (_, "channel") => "channel",
            ("interaction", "kind") => "interaction",
            ("todo", "status") => "todo",
            (_, "priority") => "priority",
            ("deal", "stage") => "deal",
            ("ticket", "kind") => "ticket",
            ("ticket", "status") => "ticket_status",
            (_, "severity") => "severity",
            _ => return None,
        })
    };
    let show = |field: &str, v: Option<&Value>| -> String {
        match v {
            None | Some(Value::Null) => "∅".to_string(),
            Some(Value::Number(n)) if matches!(field, "amount" | "purchase_total") => {
                n.as_i64().map_or(n.to_string(), |m| s.money(m))
            }
            Some(Value::String(text)) if field == "at" || field.ends_with("_at") => {
                s.clock.local_display(text)
            }
            Some(Value::String(text)) => match group(field) {
                Some(g) => crate::i18n::word(g, text),
                None => text.clone(),
            },
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map_or(i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            Some(other) => other.to_string(),
        }
    };
    let label = |field: &str| -> String {
        crate::i18n::lookup(&format!("form.label.{field}"))
            .map_or_else(|| field.replace('_', " "), str::to_string)
    };
    keys.iter()
        .map(|k| {
            let name = label(k);
            match (b.contains_key(*k), a.contains_key(*k)) {
                (true, true) => format!("{name}: {} → {}", show(k, b.get(*k)), show(k, a.get(*k))),
                (false, true) => format!("{name}: {}", show(k, a.get(*k))),
                _ => format!("{name}: {} → ∅", show(k, b.get(*k))),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The import preview: the mapping, the first rows as they will be stored, what would happen,
/// and the likely duplicates, each of which can be marked to overwrite the stored customer.
fn import_preview(f: &mut Frame, v: &ImportView, area: Rect) {
    let (r, w) = big_box(f, area);
    let mut lines = Vec::new();
    let mut dups = Vec::new();
    match v.report.as_deref() {
        None => lines.push(Line::styled(
            format!(" ⏳ {}", t("import.reading")),
            theme::TODAY,
        )),
        Some(rep) => {
            let summary = match rep.delimiter {
                Some(d) => tf(
                    "import.summary",
                    &[
                        ("n", &rep.rows),
                        ("encoding", &rep.encoding),
                        ("delimiter", &d.escape_default()),
                    ],
                ),
                None => tf(
                    "import.summary_sheet",
                    &[("n", &rep.rows), ("encoding", &rep.encoding)],
                ),
            };
            lines.push(Line::raw(format!(" {summary}")));
            lines.push(Line::styled(
                format!(" {}", t("import.columns")),
                theme::HEADER,
            ));
            let columns: Vec<String> = rep
                .columns
                .iter()
                .map(|(h, to)| format!("{h} → {to}"))
                .collect();
            lines.extend(packed(&columns, w, 4).into_iter().map(Line::raw));
            lines.push(Line::styled(
                format!(" {}", t("import.first_rows")),
                theme::HEADER,
            ));
            for row in &rep.preview {
                let fl = &row.fields;
                let o = |v: &Option<String>| v.clone().unwrap_or_default();
                let text = format!(
                    "   {} · {} · {} · {} · {}",
                    fl.name,
                    o(&fl.company),
                    o(&fl.phone),
                    o(&fl.email),
                    crate::i18n::word("tier", fl.tier.as_str())
                );
                lines.push(Line::raw(clip(&text, w)));
            }
            let overwrite = rep
                .likely
                .iter()
                .filter(|d| v.overwrite.contains(&(d.line, d.existing_id)))
                .count();
            let (update, skip) = match v.on_duplicate {
                OnDuplicate::Update => (rep.updated, rep.skipped_duplicates.len()),
                _ => (
                    overwrite,
                    rep.skipped_duplicates.len().saturating_sub(overwrite),
                ),
            };
            let outcome = [
                tf("import.would_add", &[("n", &rep.added)]),
                tf(
                    "import.would_update",
                    &[("n", &update), ("overwrite", &overwrite)],
                ),
                tf("import.would_skip", &[("n", &skip)]),
                tf("import.possible", &[("n", &rep.possible_duplicates.len())]),
            ];
            lines.extend(
                packed(&outcome, w, 2)
                    .into_iter()
                    .map(|l| Line::styled(l, theme::HEADER)),
            );
            if !rep.bad.is_empty() {
                lines.push(Line::styled(
                    format!(" ✗ {}", tf("import.bad", &[("n", &rep.bad.len())])),
                    theme::ERROR,
                ));
                for (line, col, why) in rep.bad.iter().take(8) {
                    lines.push(Line::styled(
                        clip(
                            &format!(
                                "   {}",
                                tf(
                                    "import.bad_row",
                                    &[("line", &rep.at(*line)), ("col", col), ("why", why)]
                                )
                            ),
                            w,
                        ),
                        theme::ERROR,
                    ));
                }
                if let Some(hint) = &rep.hint {
                    lines.extend(
                        super::wrapped(hint, w.saturating_sub(3), 0)
                            .into_iter()
                            .map(|l| Line::styled(format!("   {l}"), theme::ERROR)),
                    );
                }
            }
            if !rep.likely.is_empty() {
                lines.push(Line::styled(
                    clip(&format!(" {}", t("import.likely")), w),
                    theme::HEADER,
                ));
                dups = duplicate_lines(v, &rep.likely, w);
            }
        }
    }
    let footer = Line::from(vec![
        Span::styled(" y", theme::KEY),
        Span::raw(format!(" {}   ", t("hint.import"))),
        Span::styled("n", theme::KEY),
        Span::raw(format!(" {}", t("hint.cancel"))),
    ]);
    // The duplicates get the room that is left, scrolled to keep the cursor in view.
    let room = (r.height as usize)
        .saturating_sub(2 + lines.len() + 2)
        .max(1);
    let first = v
        .selected
        .saturating_sub(room.saturating_sub(1))
        .min(dups.len().saturating_sub(room));
    lines.extend(dups.into_iter().skip(first).take(room));
    lines.push(Line::raw(""));
    lines.push(footer);
    let title = tf(
        "import.title",
        &[("path", &clip(&v.path.display().to_string(), 50))],
    );
    f.render_widget(Paragraph::new(lines).block(frame(&title)), r);
}

/// `items` joined by " · " into at most `max_lines` lines of `w` columns; what does not fit is
/// counted on the last line.
fn packed(items: &[String], w: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::from("  ");
    for (i, item) in items.iter().enumerate() {
        let piece = format!(" {item} ·");
        if current.width() + piece.width() > w && current.trim() != "" {
            if lines.len() + 1 == max_lines {
                current.push_str(&format!(
                    " … {}",
                    tf("import.more", &[("n", &(items.len() - i))])
                ));
                break;
            }
            lines.push(std::mem::replace(&mut current, String::from("  ")));
        }
        current.push_str(&piece);
    }
    lines.push(current);
    lines
        .into_iter()
        .map(|l| clip(l.trim_end_matches(" ·"), w))
        .collect()
}

/// One line per likely duplicate: `[x]` when it will be overwritten, and how it differs.
fn duplicate_lines(
    v: &ImportView,
    likely: &[crate::io::import::LikelyDuplicate],
    w: usize,
) -> Vec<Line<'static>> {
    likely
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let marked = v.overwrite.contains(&(d.line, d.existing_id));
            let mark = match (marked, d.differences.is_empty()) {
                (true, _) => "[x]",
                (false, false) => "[ ]",
                (false, true) => " = ",
            };
            let diff = if d.differences.is_empty() {
                t("import.no_difference").to_string()
            } else {
                d.differences
                    .iter()
                    .map(|(field, stored, file)| {
                        let label = crate::i18n::lookup(&format!("field.{field}")).unwrap_or(field);
                        format!("{label} {stored} → {file}")
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let cursor = if i == v.selected { "›" } else { " " };
            let text = format!(
                " {cursor}{mark} {}: {} ≈ #{} {} · {diff}",
                tf("import.line", &[("n", &d.line)]),
                d.name,
                d.existing_id,
                d.existing_name
            );
            let mut line = Line::styled(
                clip(&text, w),
                if marked { theme::HEADER } else { Style::new() },
            );
            if i == v.selected {
                line = line.patch_style(theme::SELECTED);
            }
            line
        })
        .collect()
}

/// Two customers side by side: for each field where both have a value and they differ, which one
/// the merged customer keeps.
fn merge_view(f: &mut Frame, m: &crate::tui::state::MergeView, area: Rect) {
    let (r, w) = big_box(f, area);
    let col = w.saturating_sub(20) / 2;
    let mut lines = vec![
        Line::raw(clip(
            &format!(
                " {}",
                tf(
                    "merge.heading",
                    &[
                        ("other", &m.other.fields.name),
                        ("other_id", &m.other.id),
                        ("keep", &m.keep.fields.name),
                        ("keep_id", &m.keep.id),
                    ],
                )
            ),
            w,
        )),
        Line::styled(clip(&format!(" {}", t("merge.explain")), w), theme::DIM),
        Line::raw(""),
        Line::styled(
            format!(
                " {} {} {}",
                cell(t("merge.field"), 14),
                cell(t("merge.keep"), col),
                cell(t("merge.other"), col)
            ),
            theme::HEADER,
        ),
    ];
    if m.rows.is_empty() {
        lines.push(Line::styled(format!(" {}", t("merge.nothing")), theme::DIM));
    }
    for (i, (field, keep, other, take)) in m.rows.iter().enumerate() {
        // Stored words read as the screen's words; the field by its label.
        let shown = |v: &str| match *field {
            "tier" | "stage" | "kind" | "channel" => crate::i18n::word(field, v),
            _ => v.to_string(),
        };
        let (keep, other) = (&shown(keep), &shown(other));
        let label = crate::i18n::lookup(&format!("form.label.{field}"))
            .map_or_else(|| field.to_string(), str::to_string);
        let field = &label;
        let (k_mark, o_mark) = if *take {
            ("  ", "▶ ")
        } else {
            ("▶ ", "  ")
        };
        let mut line = Line::from(vec![
            Span::raw(format!(" {} ", cell(field, 14))),
            Span::styled(
                format!("{k_mark}{}", cell(keep, col.saturating_sub(2))),
                if *take { theme::DIM } else { theme::HEADER },
            ),
            Span::styled(
                format!(" {o_mark}{}", cell(other, col.saturating_sub(2))),
                if *take { theme::HEADER } else { theme::DIM },
            ),
        ]);
        if i == m.selected {
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!(" {}", t("merge.footer")), theme::DIM));
    f.render_widget(Paragraph::new(lines).block(frame(t("merge.title"))), r);
}
