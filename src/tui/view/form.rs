//! A form: its fields, their messages, a picker's values, and a footer that stays in view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::modal::{centered, frame};
use super::{cell, clip, wrapped};
use crate::i18n::{t, tf};
use crate::tui::forms::Form;
use crate::tui::theme;

/// A form: one line per field, a field's note and error wrapped in full under it, the form's
/// message at the bottom. Lines are wrapped here (not by the widget) so the form knows where the
/// focused field is and scrolls to keep it — and its error — in view.
pub(super) fn draw_form(
    f: &mut Frame,
    form: &Form,
    status: &crate::tui::state::Status,
    area: Rect,
) {
    let width = area.width.saturating_sub(4).clamp(20, 90);
    let label_w = form
        .fields
        .iter()
        .map(|x| x.label.width())
        .max()
        .unwrap_or(8)
        .min(width as usize / 3)
        + 1;
    let inner_w = width.saturating_sub(2) as usize;
    let value_w = inner_w.saturating_sub(label_w + 3).max(4);
    let under = label_w + 2;
    let mut lines: Vec<Line> = Vec::new();
    let (mut focus_top, mut focus_bottom) = (0, 0);
    for (i, field) in form.fields.iter().enumerate() {
        let active = i == form.focus;
        if active {
            focus_top = lines.len();
        }
        let marker = if active { "▶" } else { " " };
        let label_style = if active { theme::KEY } else { theme::DIM };
        let mut spans = vec![Span::styled(
            format!("{marker}{} ", cell(field.label, label_w)),
            label_style,
        )];
        // A default nobody touched reads like a placeholder: typing replaces it.
        let value_style = if field.pristine {
            theme::DIM
        } else {
            Style::new()
        };
        let tall =
            field.multiline && (field.value.contains('\n') || field.value.width() + 1 > value_w);
        let mut more_rows: Vec<Line> = Vec::new();
        if field.value.is_empty() && !active {
            spans.push(Span::styled(clip(field.placeholder, value_w), theme::DIM));
        } else if tall {
            // Several lines: wrapped under the label, five at most, around the cursor.
            let mut text = field.value.clone();
            if active {
                let at = text
                    .char_indices()
                    .nth(field.cursor)
                    .map_or(text.len(), |(i, _)| i);
                text.insert(at, '▏');
            }
            let rows: Vec<String> = text
                .split('\n')
                .flat_map(|l| wrapped(l, value_w, 0))
                .collect();
            let cursor_row = rows.iter().position(|r| r.contains('▏')).unwrap_or(0);
            let first = cursor_row.saturating_sub(4);
            let shown: Vec<&String> = rows.iter().skip(first).take(5).collect();
            let cut = first > 0 || rows.len() > first + 5;
            for (n, row) in shown.iter().enumerate() {
                let line = Span::styled((*row).clone(), value_style);
                if n == 0 {
                    spans.push(line);
                } else {
                    more_rows.push(Line::from(vec![Span::raw(" ".repeat(under)), line]));
                }
            }
            if cut {
                more_rows.push(Line::styled(
                    format!(
                        "{}{}",
                        " ".repeat(under),
                        tf("form.lines", &[("n", &rows.len())])
                    ),
                    theme::DIM,
                ));
            }
        } else {
            // Show the part of the value around the cursor.
            let chars: Vec<char> = field.value.chars().collect();
            let start = field.cursor.saturating_sub(value_w.saturating_sub(2));
            let before: String = chars[start..field.cursor.min(chars.len())].iter().collect();
            let after: String = chars[field.cursor.min(chars.len())..].iter().collect();
            spans.push(Span::styled(clip(&before, value_w), value_style));
            if active {
                spans.push(Span::styled("▏", theme::KEY));
            }
            spans.push(Span::styled(
                clip(&after, value_w.saturating_sub(before.width() + 1)),
                value_style,
            ));
            if field.value.is_empty() && active {
                spans.push(Span::styled(
                    clip(field.placeholder, value_w.saturating_sub(1)),
                    theme::DIM,
                ));
            }
        }
        if field.error.is_some() {
            spans.push(Span::styled(" ✗", theme::ERROR));
        }
        lines.push(Line::from(spans));
        lines.extend(more_rows);
        // A focused choice field lists its values, the current one reversed, wrapped to fit.
        // Names offered (teammates, campaigns): the first dozen, the current one reversed.
        let offered: Vec<(String, bool)> = if field.choices.is_empty() {
            field
                .suggestions
                .iter()
                .take(12)
                .map(|n| (n.clone(), n == field.value.trim()))
                .collect()
        } else {
            field
                .choices
                .iter()
                .map(|c| {
                    let current = c.shown() == field.value.trim()
                        || c.stored.eq_ignore_ascii_case(field.value.trim());
                    (c.shown(), current)
                })
                .collect()
        };
        if active && !offered.is_empty() {
            let mut row: Vec<Span> = vec![Span::raw(" ".repeat(under))];
            let mut used = under;
            let hint = format!("{}: ", t("form.choices"));
            used += hint.width();
            row.push(Span::styled(hint, theme::DIM));
            for (n, (word, current)) in offered.iter().enumerate() {
                let sep = if n == 0 { "" } else { " · " };
                let piece_w = sep.width() + word.width();
                if used + piece_w > inner_w && used > under {
                    lines.push(Line::from(std::mem::take(&mut row)));
                    row.push(Span::raw(" ".repeat(under)));
                    used = under;
                }
                used += piece_w;
                row.push(Span::styled(sep.to_string(), theme::DIM));
                row.push(Span::styled(
                    word.clone(),
                    if *current {
                        theme::SELECTED
                    } else {
                        theme::DIM
                    },
                ));
            }
            lines.push(Line::from(row));
        }
        if let Some(n) = &field.note {
            for l in wrapped(&format!("⚑ {n}"), inner_w.saturating_sub(under), 2) {
                lines.push(Line::styled(
                    format!("{}{l}", " ".repeat(under)),
                    theme::TODAY,
                ));
            }
        }
        if let Some(e) = &field.error {
            for l in wrapped(&format!("✗ {e}"), inner_w.saturating_sub(under), 2) {
                lines.push(Line::styled(
                    format!("{}{l}", " ".repeat(under)),
                    theme::ERROR,
                ));
            }
        }
        if active {
            focus_bottom = lines.len();
        }
    }
    let (message, style) = match (&form.error, form.saving) {
        (_, Some(_)) => {
            // Whom the save waits for, when kehu's lock names them.
            let text = match &status.waiting_for {
                Some(holder) if status.waiting => tf("form.saving_held", &[("holder", holder)]),
                _ => t("form.saving").to_string(),
            };
            (text, theme::TODAY)
        }
        (Some(e), _) => (format!("✗ {e}"), theme::ERROR),
        _ => (t("form.footer").to_string(), theme::DIM),
    };
    // The form's own message and, after a conflict, the keys that resolve it: a footer that
    // stays in view below the fields, however many fields scroll.
    let mut footer: Vec<Line> = vec![Line::raw("")];
    for l in wrapped(&message, inner_w.saturating_sub(1), 2) {
        footer.push(Line::styled(format!(" {l}"), style));
    }
    if form.conflict_version.is_some() {
        for l in wrapped(t("form.conflict_keys"), inner_w.saturating_sub(1), 2) {
            footer.push(Line::styled(format!(" {l}"), theme::KEY));
        }
    }
    let r = centered(
        area,
        width,
        ((lines.len() + footer.len()) as u16 + 2).min(area.height),
    );
    super::clear_for_box(f, r);
    let block = frame(&form.title);
    let inner = block.inner(r);
    f.render_widget(block, r);
    // The footer keeps at least three rows for the fields on a small screen.
    let footer_rows = (footer.len() as u16).min(inner.height.saturating_sub(3));
    let [fields_area, footer_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(footer_rows)]).areas(inner);
    let height = fields_area.height as usize;
    // Keep the focused field and all its messages in view.
    let scroll = focus_bottom.saturating_sub(height).min(focus_top);
    f.render_widget(
        Paragraph::new(lines).scroll((scroll as u16, 0)),
        fields_area,
    );
    f.render_widget(Paragraph::new(footer), footer_area);
}
