//! Drawing: every pane and modal reads `&State` and never touches the database.

mod dashboard;
mod list;
mod modal;
mod panes;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::keymap::{self, Layer};
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
        Some(Modal::Entry(_)) => vec![Layer::Entry],
        Some(Modal::Pipeline(_)) => vec![Layer::Pipeline],
        Some(Modal::Dashboard(_)) => vec![Layer::Dashboard],
        Some(Modal::History { .. }) => vec![Layer::Help],
        Some(Modal::ImportPreview(_)) => vec![Layer::Import],
        Some(Modal::Merge(_)) => vec![Layer::Merge],
        None if s.search.editing => vec![Layer::Search],
        None => vec![Layer::of_pane(s.focus), Layer::Panes],
    }
}

pub fn draw(f: &mut Frame, s: &mut State) {
    let area = f.area();
    let [main, status, hints] = Layout::vertical([
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
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
    list::draw(f, s, list_area);
    panes::profile(f, s, profile_area);
    panes::timeline(f, s, timeline_area);
    panes::queue(f, s, queue_area);
    status_bar(f, s, status);
    hint_line(f, s, hints);
    modal::draw(f, s, area);
}

fn status_bar(f: &mut Frame, s: &State, area: Rect) {
    let mut spans = Vec::new();
    if s.status.waiting {
        spans.push(Span::styled(
            match &s.status.waiting_for {
                Some(holder) => format!(
                    " ⏳ {} ",
                    clip(&tf("status.waiting_for", &[("holder", holder)]), 60)
                ),
                None => format!(" ⏳ {} ", t("status.waiting")),
            },
            theme::TODAY,
        ));
    }
    spans.extend([
        Span::styled(format!(" {} ", clip(&s.db_label, 40)), theme::HEADER),
        Span::raw(format!(
            "· {} · {} · ",
            clip(&s.user, 16),
            tf("status.customers", &[("n", &s.status.customers)])
        )),
        Span::styled(
            tf("status.overdue", &[("n", &s.status.overdue)]),
            if s.status.overdue > 0 {
                theme::OVERDUE
            } else {
                Style::new()
            },
        ),
        Span::raw(" · "),
        Span::styled(
            tf("status.due_today", &[("n", &s.status.due_today)]),
            if s.status.due_today > 0 {
                theme::TODAY
            } else {
                Style::new()
            },
        ),
    ]);
    if let Some((done, total)) = s.status.progress.filter(|(_, t)| *t > 0) {
        spans.push(Span::styled(
            format!(
                "  ⏳ {}",
                tf(
                    "status.importing",
                    &[
                        ("percent", &(done * 100 / total)),
                        ("done", &done),
                        ("total", &total)
                    ]
                )
            ),
            theme::TODAY,
        ));
    }
    if !s.status.others.is_empty() {
        spans.push(Span::styled(
            format!(
                " · {}",
                tf("status.also_here", &[("who", &s.status.others.join(", "))])
            ),
            theme::KEY,
        ));
    }
    if let Some(m) = s.status.message.as_ref().filter(|_| !s.status.waiting) {
        let style = if s.status.is_error {
            theme::ERROR
        } else {
            theme::OK
        };
        let marker = if s.status.is_error {
            "  ✗ "
        } else {
            "  ✓ "
        };
        spans.push(Span::styled(
            format!("{marker}{}", clip(m, area.width as usize)),
            style,
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn hint_line(f: &mut Frame, s: &State, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, short) in keymap::hints(&active_layers(s)) {
        let short = crate::i18n::t(short);
        let w = key.width() + short.width() + 3;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(format!(" {key}"), theme::KEY));
        spans.push(Span::raw(format!(" {short} ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Whether `pane` has the keys (no modal or search line in front of it).
pub fn focused(s: &State, pane: Pane) -> bool {
    s.modal.is_none() && s.focus == pane && !(s.search.editing && pane != Pane::List)
}
