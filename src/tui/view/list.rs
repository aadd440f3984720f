//! The customer list: the loaded window of rows, or the search results.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cell, clip, focused, pane_block};
use crate::domain::{Customer, Tier};
use crate::i18n::{t, tf};
use crate::store::pages::CustomerSort;
use crate::tui::search;
use crate::tui::state::{Pane, State};
use crate::tui::theme;
use unicode_width::UnicodeWidthStr;

pub fn draw(f: &mut Frame, s: &mut State, area: Rect) {
    let sort = t(match s.sort {
        CustomerSort::Name => "sort.name",
        CustomerSort::LastContact => "sort.last_contact",
        CustomerSort::NextDue => "sort.next_due",
        CustomerSort::Value => "sort.value",
    });
    let filter = s.filter_label();
    let title = tf("list.title", &[("sort", &sort)]);
    let title = if filter.is_empty() {
        title
    } else {
        format!("{title} · {filter}")
    };
    let block = pane_block(title, '1', focused(s, Pane::List));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let w = inner.width as usize;
    // Column widths: name and company share what is left after the fixed columns.
    // A narrow pane drops columns from the right (next due, then last contact, then tier) so a
    // name always has ten columns.
    let mut fixed = [4usize, 6, if w >= 60 { 10 } else { 5 }];
    let used = |cols: &[usize; 3]| {
        cols.iter()
            .filter(|c| **c > 0)
            .map(|c| c + 1)
            .sum::<usize>()
            + 3
    };
    for i in (0..3).rev() {
        if w.saturating_sub(used(&fixed)) < 10 {
            fixed[i] = 0;
        }
    }
    let [tier_w, days_w, due_w] = fixed;
    let flexible = w.saturating_sub(used(&fixed));
    let name_w = if w >= 60 { flexible * 5 / 9 } else { flexible };
    let company_w = flexible.saturating_sub(name_w + 1);

    let mut lines: Vec<Line> = Vec::new();
    let searching = s.search.active();
    if searching {
        let count = match &s.search.hits {
            Some((h, _)) => tf("search.found", &[("n", &h.len())]),
            None if s.search.text.trim().is_empty() => t("search.type").to_string(),
            None => t("search.searching").to_string(),
        };
        let cursor = if s.search.editing { "▏" } else { "" };
        lines.push(Line::from(vec![
            Span::styled("/", theme::KEY),
            Span::raw(clip(&s.search.text, w.saturating_sub(count.width() + 4))),
            Span::styled(cursor, theme::KEY),
            Span::styled(format!("  {count}"), theme::DIM),
        ]));
    }
    let mut header = format!(" {} ", cell(t("col.name"), name_w));
    if company_w > 0 {
        header.push_str(&cell(t("col.company"), company_w));
        header.push(' ');
    }
    for (label, width) in [
        ("col.tier", tier_w),
        ("col.last", days_w),
        ("col.next", due_w),
    ] {
        if width > 0 {
            header.push_str(&format!("{} ", cell(t(label), width)));
        }
    }
    lines.push(Line::styled(header, theme::HEADER));
    let room = (inner.height as usize).saturating_sub(lines.len());

    // Search results are drawn from the index's short form of each customer.
    let rows: Vec<Cow<'_, Customer>>;
    let selected;
    let offset;
    if s.search.filtering() {
        let (hits, index) = match &s.search.hits {
            Some((h, i)) => (h.as_slice(), Some(i)),
            None => (&[][..], None),
        };
        s.search.offset = keep_visible(s.search.offset, s.search.selected, room);
        offset = s.search.offset;
        selected = s.search.selected;
        rows = match index {
            Some(index) => hits
                .iter()
                .skip(offset)
                .take(room)
                .filter_map(|h| index.entries.get(h.index).map(|e| Cow::Owned(e.customer())))
                .collect(),
            None => Vec::new(),
        };
    } else {
        s.list.offset = keep_visible(s.list.offset, s.list.selected, room);
        offset = s.list.offset;
        selected = s.list.selected;
        rows = s
            .list
            .rows
            .iter()
            .skip(offset)
            .take(room)
            .map(Cow::Borrowed)
            .collect();
    }

    if rows.is_empty()
        && !s.search.filtering()
        && !s.list.loading
        && s.filter == Default::default()
        && s.status.customers == 0
    {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {}", t("list.empty")), theme::HEADER));
        lines.push(Line::raw(format!(" {}", t("list.empty_add"))));
        lines.push(Line::raw(format!(" {}", t("list.empty_demo"))));
        lines.push(Line::styled("   kehu --demo", theme::KEY));
        lines.push(Line::raw(format!(" {}", t("list.empty_help"))));
    } else if rows.is_empty() && !s.list.loading {
        lines.push(Line::styled(
            format!(
                " {}",
                t(if s.search.filtering() {
                    "list.no_match"
                } else {
                    "list.no_filter_match"
                })
            ),
            theme::DIM,
        ));
    }
    for (i, c) in rows.iter().enumerate() {
        let is_sel = offset + i == selected;
        s.clickable(
            Rect {
                x: inner.x,
                y: inner.y + lines.len() as u16,
                width: inner.width,
                height: 1,
            },
            crate::tui::state::Click::Row(Pane::List, offset + i),
        );
        let f = &c.fields;
        // A mark column: ⚠ at risk of churning (before the VIP star, which it outranks).
        let (marker, style) = if s.at_risk.contains(&c.id) {
            ("⚠", theme::OVERDUE)
        } else if f.tier == Tier::Vip {
            ("★", theme::VIP)
        } else {
            (" ", theme::VIP)
        };
        let mut spans = vec![Span::styled(marker, style)];
        if s.search.filtering() {
            let positions = search::highlight(&f.name, &s.search.text);
            spans.extend(highlighted(&clip(&f.name, name_w), &positions, name_w));
        } else {
            spans.push(Span::raw(cell(&f.name, name_w)));
        }
        spans.push(Span::raw(" "));
        if company_w > 0 {
            spans.push(Span::styled(
                format!("{} ", cell(f.company.as_deref().unwrap_or(""), company_w)),
                theme::DIM,
            ));
        }
        let tier = t(match f.tier {
            Tier::Vip => "tier.short.vip",
            Tier::Regular => "tier.short.regular",
            Tier::Potential => "tier.short.potential",
        });
        if tier_w > 0 {
            spans.push(Span::raw(format!("{} ", cell(tier, tier_w))));
        }
        let (days, late) = match s.days_since_contact(c) {
            Some((d, late)) => (
                format!(
                    "{}{}",
                    tf("days.short", &[("n", &d)]),
                    if late { "!" } else { "" }
                ),
                late,
            ),
            None => ("–".into(), false),
        };
        if days_w > 0 {
            spans.push(Span::styled(
                format!("{} ", cell(&days, days_w)),
                if late { theme::OVERDUE } else { Style::new() },
            ));
        }
        let today = s.clock.today();
        let (due, style) = match c.next_due {
            Some(d) if d < today => (
                d.format(if due_w >= 10 { "%Y-%m-%d" } else { "%m-%d" })
                    .to_string(),
                theme::OVERDUE,
            ),
            Some(d) if d == today => (t("date.today").to_string(), theme::TODAY),
            Some(d) => (
                d.format(if due_w >= 10 { "%Y-%m-%d" } else { "%m-%d" })
                    .to_string(),
                Style::new(),
            ),
            None => (String::new(), Style::new()),
        };
        if due_w > 0 {
            spans.push(Span::styled(cell(&due, due_w), style));
        }
        let mut line = Line::from(spans);
        if is_sel {
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The first visible row that keeps `selected` on screen.
fn keep_visible(offset: usize, selected: usize, room: usize) -> usize {
    if room == 0 {
        return selected;
    }
    if selected < offset {
        selected
    } else if selected >= offset + room {
        selected + 1 - room
    } else {
        offset
    }
}

/// A name with the matched characters marked (underlined, so it shows without colour too).
fn highlighted(text: &str, positions: &[usize], width: usize) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, ch) in text.chars().enumerate() {
        let style = if positions.contains(&i) {
            theme::MATCH
        } else {
            Style::new()
        };
        spans.push(Span::styled(ch.to_string(), style));
    }
    let used = unicode_width::UnicodeWidthStr::width(text);
    spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
    spans
}
