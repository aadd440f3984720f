//! Drawing: every pane and modal reads `&State` and never touches the database.

mod dashboard;
mod form;
mod list;
pub mod modal;
mod panes;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::keymap::Layer;
use super::state::{Modal, Pane, State};
use super::theme;

pub use crate::domain::input::clip;
use crate::i18n::{t, tf};

/// Clears `area` for a box drawn over the panes. A double-width character just left of the box
/// would reach into its first column (and a terminal would then draw half of it over the
/// border): it is blanked too.
pub fn clear_for_box(f: &mut Frame, area: Rect) {
    f.render_widget(ratatui::widgets::Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in area.top()..area.bottom() {
        let cell = &mut buf[(area.x - 1, y)];
        if cell.symbol().width() > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// `text` clipped and padded to exactly `width` columns.
pub fn cell(text: &str, width: usize) -> String {
    let c = clip(text, width);
    let pad = width.saturating_sub(c.width());
    format!("{c}{}", " ".repeat(pad))
}

/// A pane's frame: the focused one gets a thick bold border and a `▶` before its title.
pub fn pane_block(title: String, number: char, focused: bool) -> Block<'static> {
    let (style, marker, kind) = if focused {
        (theme::FOCUS_BORDER, "▶ ", BorderType::Thick)
    } else {
        (theme::BORDER, "", BorderType::Plain)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(style)
        .title(Span::styled(
            format!("{marker}{number} {title}"),
            if focused {
                theme::FOCUS_BORDER
            } else {
                theme::HEADER
            },
        ))
}

/// The layers whose keys are live now, most specific first.
pub fn active_layers(s: &State) -> Vec<Layer> {
    match &s.modal {
        Some(Modal::Help { .. }) => vec![Layer::Help],
        Some(Modal::Form(_)) => vec![Layer::Form],
        Some(Modal::Confirm { .. }) => vec![Layer::Confirm],
        Some(Modal::Entry(..)) => vec![Layer::Entry],
        Some(Modal::Pipeline(_)) => vec![Layer::Pipeline],
        Some(Modal::Dashboard(_)) => vec![Layer::Dashboard],
        Some(Modal::History { .. }) => vec![Layer::Help],
        Some(Modal::ImportPreview(_)) => vec![Layer::Import],
        Some(Modal::Merge(_)) => vec![Layer::Merge],
        Some(Modal::Palette { .. }) => vec![Layer::Palette],
        Some(Modal::Text { .. }) => vec![Layer::Help],
        None if s.search.editing => vec![Layer::Search],
        None => vec![Layer::of_pane(s.focus), Layer::Panes],
    }
}

pub fn draw(f: &mut Frame, s: &mut State) {
    let area = f.area();
    // A message too long for the status line takes the hint line and, when it must, a few more.
    let footer_rows =
        (must_read(s).join("  ").width() / (area.width.max(2) as usize - 1) + 1).clamp(2, 5) as u16;
    let [main, footer_area] =
        Layout::vertical([Constraint::Min(6), Constraint::Length(footer_rows)]).areas(area);
    let left_pct = if area.width >= 120 { 50 } else { 55 };
    let [left, right] = Layout::horizontal([
        Constraint::Percentage(left_pct),
        Constraint::Percentage(100 - left_pct),
    ])
    .areas(main);
    let [list_area, queue_area] =
        Layout::vertical([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(left);
    let [profile_area, timeline_area] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(right);

    s.list_height = list_area.height.saturating_sub(3) as usize;
    s.screen_rows = area.height as usize;
    s.clicks.borrow_mut().clear();
    for (a, p) in [
        (list_area, Pane::List),
        (profile_area, Pane::Profile),
        (timeline_area, Pane::Timeline),
        (queue_area, Pane::Queue),
    ] {
        s.clickable(a, super::state::Click::Pane(p));
    }
    list::draw(f, s, list_area);
    panes::profile(f, s, profile_area);
    panes::timeline(f, s, timeline_area);
    panes::queue(f, s, queue_area);
    footer(f, s, footer_area);
    modal::draw(f, s, area);
}

/// Splits `text` into lines of at most `width` columns (wide characters never split).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && used > 0 {
            // Break at the last space of the line when there is one (Latin words stay whole);
            // Chinese text, which has no spaces, breaks between any two characters.
            let line = lines.last_mut().map(std::mem::take).unwrap_or_default();
            let (head, tail) = match line.rfind(' ') {
                Some(at) if at > 0 && !c.is_whitespace() => {
                    (line[..at].to_string(), line[at + 1..].to_string())
                }
                _ => (line, String::new()),
            };
            if let Some(last) = lines.last_mut() {
                *last = head;
            }
            used = tail.width();
            lines.push(tail);
            if used + w > width && used > 0 {
                // A word as long as the line: it breaks where it must.
                lines.push(String::new());
                used = 0;
            }
            if c == ' ' && used == 0 {
                continue;
            }
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
        used += w;
    }
    lines
}

/// What the footer must show in full, in order: a wait for the lock, an import's progress, the
/// message.
fn must_read_styled(s: &State) -> Vec<(String, Style)> {
    // What must be read, in order, with its style.
    let mut must: Vec<(String, Style)> = Vec::new();
    if s.status.waiting {
        let text = match &s.status.waiting_for {
            Some(holder) => tf("status.waiting_for", &[("holder", holder)]),
            None => t("status.waiting").to_string(),
        };
        must.push((format!("⏳ {text}"), theme::TODAY));
    }
    if let Some((done, total)) = s.status.progress.filter(|(_, t)| *t > 0) {
        let text = tf(
            "status.importing",
            &[
                ("percent", &(done * 100 / total)),
                ("done", &done),
                ("total", &total),
            ],
        );
        must.push((format!("⏳ {text}"), theme::TODAY));
    }
    if let Some(m) = &s.status.message {
        let style = match m.tone {
            super::state::Tone::Refused => theme::ERROR,
            super::state::Tone::Done => theme::OK,
            super::state::Tone::Info => Style::new(),
        };
        must.push((format!("{} {}", m.tone.symbol(), m.text), style));
    }
    must
}

fn must_read(s: &State) -> Vec<String> {
    must_read_styled(s).into_iter().map(|(t, _)| t).collect()
}

/// `text` as lines of at most `width` columns, each indented by `indent` spaces after the first.
pub(crate) fn wrapped(text: &str, width: usize, indent: usize) -> Vec<String> {
    wrap(text, width.saturating_sub(indent).max(1))
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l
            } else {
                format!("{}{l}", " ".repeat(indent))
            }
        })
        .collect()
}

/// The status line and the key hints below it. What the user must read — a wait for the lock, a
/// message — is never cut: it comes first and wraps onto the hint line when it is long. The
/// counts and who else is here fill what room is left (a count of teammates when names do not
/// fit), so neither can push a message off the screen.
fn footer(f: &mut Frame, s: &State, area: Rect) {
    let width = area.width as usize;
    let [status_area, hint_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let must = must_read_styled(s);
    let counts = |long: bool| -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        if long {
            spans.push(Span::styled(
                format!("{} ", clip(&s.db_label, 40)),
                theme::HEADER,
            ));
            spans.push(Span::raw(format!(
                "· {} · {} · ",
                clip(&s.user, 16),
                tf("status.customers", &[("n", &s.status.customers)])
            )));
        }
        spans.push(Span::styled(
            tf("status.overdue", &[("n", &s.status.overdue)]),
            if s.status.overdue > 0 {
                theme::OVERDUE
            } else {
                Style::new()
            },
        ));
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            tf("status.due_today", &[("n", &s.status.due_today)]),
            if s.status.due_today > 0 {
                theme::TODAY
            } else {
                Style::new()
            },
        ));
        spans
    };
    let others = &s.status.others;
    let presence = [
        (!others.is_empty()).then(|| tf("status.also_here", &[("who", &others.join(", "))])),
        (!others.is_empty()).then(|| tf("status.also_here_count", &[("n", &others.len())])),
    ];
    let spans_width = |spans: &[Span]| spans.iter().map(|x| x.content.width()).sum::<usize>();

    let must_text: Vec<String> = must.iter().map(|(t, _)| t.clone()).collect();
    let joined = must_text.join("  ");
    let mut status_spans: Vec<Span> = Vec::new();
    let mut second: Option<Text> = None;
    if joined.width() + 1 > width && !must.is_empty() {
        // Too long for one line: the message wraps onto the hint line (hints return when it clears).
        let style = must.last().map_or(Style::new(), |(_, st)| *st);
        let lines = wrap(&joined, width.saturating_sub(1).max(1));
        status_spans.push(Span::styled(format!(" {}", lines[0]), style));
        let rows = hint_area.height as usize;
        let mut rest: Vec<Line> = lines[1..]
            .iter()
            .map(|l| Line::styled(format!(" {l}"), style))
            .collect();
        if rest.len() > rows {
            // Longer than the footer can grow: the end is clipped, marked by the ellipsis.
            let tail = lines[rows..].concat();
            rest.truncate(rows);
            if let Some(last) = rest.last_mut() {
                *last = Line::styled(
                    format!(" {}", clip(&format!("{}{tail}", lines[rows]), width - 1)),
                    style,
                );
            }
        }
        second = Some(Text::from(rest));
    } else {
        status_spans.push(Span::raw(" "));
        for (i, (text, style)) in must.iter().enumerate() {
            if i > 0 {
                status_spans.push(Span::raw("  "));
            }
            status_spans.push(Span::styled(text.clone(), *style));
        }
        // Then the counts (long, else short) and presence (names, else a count), as room allows.
        let used = spans_width(&status_spans);
        let gap = if must.is_empty() { 0 } else { 2 };
        // The richest tail that fits: teammates stay visible (as a count at least) before the
        // database name and customer count do.
        let presence_span = |i: usize| {
            presence[i]
                .as_ref()
                .map(|p| Span::styled(format!(" · 👥 {p}"), theme::KEY))
        };
        let candidates: [(Option<bool>, Option<usize>); 7] = [
            (Some(true), Some(0)),
            (Some(true), Some(1)),
            (Some(false), Some(0)),
            (Some(false), Some(1)),
            (Some(false), None),
            (None, Some(1)),
            (None, None),
        ];
        let mut tail: Vec<Span> = Vec::new();
        for (long, who) in candidates {
            let mut c = long.map(counts).unwrap_or_default();
            match who.map(presence_span) {
                Some(Some(p)) => c.push(p),
                // No one else is here: the same tail without presence.
                Some(None) => {}
                None => {}
            }
            if used + gap + spans_width(&c) <= width {
                tail = c;
                break;
            }
        }
        if !tail.is_empty() {
            if must.is_empty() {
                status_spans.extend(tail);
            } else {
                // Right-aligned, so the message keeps the left where the eye looks first.
                let pad = width.saturating_sub(used + spans_width(&tail) + 1);
                status_spans.push(Span::raw(" ".repeat(pad.max(gap))));
                status_spans.extend(tail);
            }
        }
    }
    f.render_widget(Paragraph::new(Line::from(status_spans)), status_area);
    match second {
        Some(text) => f.render_widget(Paragraph::new(text), hint_area),
        None => hint_line(f, s, hint_area),
    }
}

fn hint_line(f: &mut Frame, s: &State, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (label, short, key) in s.keys.hints_with_keys(&active_layers(s)) {
        let short = crate::i18n::t(short);
        let w = label.width() + short.width() + 3;
        if used + w > area.width as usize {
            break;
        }
        // A click on a hint runs its key.
        s.clickable(
            Rect {
                x: area.x + used as u16,
                y: area.y,
                width: w as u16,
                height: 1,
            },
            super::state::Click::Key(key),
        );
        used += w;
        let key = label;
        spans.push(Span::styled(format!(" {key}"), theme::KEY));
        spans.push(Span::raw(format!(" {short} ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Whether `pane` has the keys (no modal or search line in front of it).
pub fn focused(s: &State, pane: Pane) -> bool {
    s.modal.is_none() && s.focus == pane && !(s.search.editing && pane != Pane::List)
}
