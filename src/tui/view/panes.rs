//! The profile, timeline and queue panes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cell, clip, focused, pane_block};
use crate::domain::TicketStatus;
use crate::domain::format;
use crate::domain::rules;
use crate::i18n::{t, tf, word};
use crate::store::today::TodayKind;
use crate::tui::state::{Pane, QueueRow, State, TimelineItem};
use crate::tui::theme;
use unicode_width::UnicodeWidthStr;

/// A labelled profile line, cut to `width` columns so one line is one row.
fn field<'a>(width: usize, label: &str, value: &str) -> Line<'a> {
    // Padded by display width: Chinese labels are two columns a character.
    Line::from(vec![
        Span::styled(format!("{} ", cell(label, 12)), theme::DIM),
        Span::raw(clip(value, width.saturating_sub(13))),
    ])
}

pub fn profile(f: &mut Frame, s: &State, area: Rect) {
    let block = pane_block(t("pane.profile").into(), '2', focused(s, Pane::Profile));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(d) = s
        .detail
        .as_ref()
        .filter(|d| Some(d.customer.id) == s.selected_id)
    else {
        let text = format!(
            " {}",
            t(if s.selected_id.is_some() && s.gone == s.selected_id {
                "profile.gone"
            } else if s.selected_id.is_some() {
                "profile.loading"
            } else {
                "profile.select"
            })
        );
        f.render_widget(Paragraph::new(Line::styled(text, theme::DIM)), inner);
        return;
    };
    let w = inner.width as usize;
    let c = &d.customer;
    let cf = &c.fields;
    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    let wf = &d.workflow;
    // Most pressing first: risk and complaint clocks, then rhythm and value, then the details.
    let mut lines = vec![
        Line::from(vec![
            Span::styled(clip(&cf.name, w), theme::HEADER),
            Span::styled(format!("  #{}", c.id), theme::DIM),
        ]),
        field(
            w,
            t("profile.tier_stage"),
            &format!(
                "{} · {} · {}",
                word("tier", cf.tier.as_str()),
                word("stage", cf.stage.as_str()),
                word("kind", cf.kind.as_str())
            ),
        ),
    ];
    if let Some(at) = &c.churned_at {
        // Churned: since when, and why — what a win-back call starts from.
        let days = s
            .clock
            .local_date_of(at)
            .map(|d| (s.clock.today() - d).num_days())
            .unwrap_or(0);
        let mut why = tf(
            "profile.churned_since",
            &[
                (
                    "date",
                    &s.clock
                        .local_date_of(at)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                ),
                ("n", &days),
            ],
        );
        if let Some(r) = &cf.churn_reason {
            why.push_str(&format!(" · {}", crate::domain::churn::shown(r)));
        }
        if let Some(n) = &cf.churn_note {
            why.push_str(&format!(" — {n}"));
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("↺ {} ", cell(t("profile.churned"), 10)),
                theme::OVERDUE,
            ),
            Span::raw(clip(&why, w.saturating_sub(13))),
        ]));
    }
    for r in &wf.risk {
        lines.push(Line::from(vec![
            Span::styled(
                format!("⚠ {} ", cell(t("profile.at_risk"), 10)),
                theme::OVERDUE,
            ),
            Span::raw(clip(&r.describe(), w.saturating_sub(13))),
        ]));
    }
    for tk in wf
        .tickets
        .iter()
        .filter(|tk| matches!(tk.status, TicketStatus::Open | TicketStatus::Responded))
    {
        let (clock_text, style) = match tk.response_left(s.clock.now) {
            Some(left) => (
                rules::describe_clock(left),
                if left < chrono::Duration::zero() {
                    theme::OVERDUE
                } else {
                    theme::TODAY
                },
            ),
            _ => (t("profile.answered").to_string(), theme::DIM),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} ",
                    cell(
                        &format!("{} #{}", word("ticket", tk.kind.as_str()), tk.id),
                        12
                    )
                ),
                theme::DIM,
            ),
            Span::styled(format!("{clock_text} "), style),
            Span::raw(clip(&tk.summary, w.saturating_sub(14 + clock_text.width()))),
        ]));
    }
    let cadence = s.cadence_of(c);
    let last = match (&c.last_contact_at, s.days_since_contact(c)) {
        (Some(at), Some((days, late))) => {
            format!(
                "{} ({}{})",
                s.clock.local_display(at),
                tf("profile.days_ago", &[("n", &days)]),
                if late { t("profile.past_cadence") } else { "" }
            )
        }
        _ => t("profile.never").into(),
    };
    lines.push(field(w, t("profile.last_contact"), &last));
    let default = if cf.cadence_days.is_none() {
        t("profile.tier_default")
    } else {
        ""
    };
    lines.push(field(
        w,
        t("profile.cadence"),
        &format!("{}{default}", tf("profile.every_days", &[("n", &cadence)])),
    ));
    lines.push(field(
        w,
        t("profile.next_due"),
        &c.next_due.map_or("–".into(), format::date),
    ));
    let v = c.value;
    let potential = v
        .potential
        .map(|p| {
            format!(
                " · {}",
                tf(
                    "profile.potential_weighs",
                    &[("p", &p), ("w", &wf.potential_weight)]
                )
            )
        })
        .unwrap_or_default();
    lines.push(field(
        w,
        t("profile.value"),
        &format!(
            "{}/15 · R{} F{} M{}{potential} · {}",
            v.total(),
            v.rfm.recency,
            v.rfm.frequency,
            v.rfm.monetary,
            tf(
                "profile.suggests",
                &[("tier", &word("tier", v.suggested_tier().as_str()))]
            )
        ),
    ));
    lines.push(field(
        w,
        t("profile.purchases"),
        &tf(
            "profile.purchase_total",
            &[
                ("n", &c.purchase_count),
                ("total", &s.money(c.purchase_total)),
            ],
        ),
    ));
    // Points and level in one line beside the purchases; benefits and coupons further down.
    let lo = &wf.loyalty;
    let open_coupons: Vec<_> = lo
        .coupons
        .iter()
        .filter(|k| k.open_on(s.clock.today()))
        .collect();
    if !lo.entries.is_empty() || !open_coupons.is_empty() {
        let mut text = tf("profile.points_balance", &[("n", &lo.balance)]);
        if let Some(l) = &lo.level {
            text.push_str(&format!(" · {}", l.name));
        }
        if !open_coupons.is_empty() {
            text.push_str(&format!(
                " · {}",
                tf("profile.coupons_open", &[("n", &open_coupons.len())])
            ));
        }
        lines.push(field(w, t("profile.points"), &text));
    }
    if let (Some(s0), Some((q, a, sp))) = (wf.surveys.first(), wf.survey_averages()) {
        let text = tf(
            "profile.survey",
            &[
                (
                    "latest",
                    &format!("{}/{}/{}", s0.quality, s0.attitude, s0.speed),
                ),
                ("date", &format::date(s0.on_date)),
                ("avg", &format!("{q:.1}/{a:.1}/{sp:.1}")),
                ("n", &wf.surveys.len()),
            ],
        );
        lines.push(field(w, t("profile.satisfaction"), &text));
    }
    for dl in wf.deals.iter().filter(|d| d.is_open()) {
        lines.push(field(
            w,
            &tf("profile.deal", &[("id", &dl.id)]),
            &format!(
                "{} · {} · {}",
                word("deal", dl.stage.as_str()),
                s.money(dl.amount),
                dl.title
            ),
        ));
    }
    // Agreements in force: title, value and until when (and the renewal terms).
    let today = s.clock.today();
    for ag in wf.agreements.iter().filter(|a| a.active_on(today)) {
        let until = ag.fields.ends_on.map_or_else(
            || t("profile.open_ended").to_string(),
            |d| tf("profile.until", &[("date", &d)]),
        );
        let mut text = format!(
            "{} · {} · {}",
            ag.fields.title,
            s.money(ag.fields.value),
            until
        );
        if let Some(r) = &ag.fields.renewal {
            text.push_str(&format!(" · {r}"));
        }
        lines.push(field(w, &tf("profile.agreement", &[("id", &ag.id)]), &text));
    }
    lines.extend([
        // The industry rides on the company's line: the pane is short at 80×24.
        field(
            w,
            t("field.company"),
            &match (&cf.company, &cf.industry) {
                (Some(c), Some(i)) => format!("{c} · {i}"),
                (c, i) => o(&c.clone().or_else(|| i.clone())),
            },
        ),
        field(w, t("field.owner"), &o(&cf.owner)),
        field(
            w,
            t("field.phone"),
            &cf.phone.as_deref().map_or("–".into(), format::phone),
        ),
        field(w, t("field.email"), &o(&cf.email)),
        field(w, t("field.city"), &o(&cf.city)),
        field(w, t("field.address"), &o(&cf.address)),
        field(
            w,
            t("field.channel"),
            &cf.channel
                .map_or("–".into(), |c| word("channel", c.as_str())),
        ),
        field(
            w,
            t("field.birthday"),
            &cf.birthday.map_or("–".into(), format::date),
        ),
        field(w, t("field.source"), &o(&cf.source)),
        field(
            w,
            t("field.tags"),
            &if c.tags.is_empty() {
                "–".into()
            } else {
                c.tags.join(", ")
            },
        ),
        field(w, t("field.needs"), &o(&cf.needs)),
        field(w, t("field.service_needs"), &o(&cf.service_needs)),
    ]);
    for (k, v) in &cf.custom_fields {
        lines.push(field(w, k, v));
    }
    if let Some(l) = lo.level.as_ref().filter(|l| !l.benefits.is_empty()) {
        lines.push(field(w, t("profile.benefits"), &l.benefits.join(", ")));
    }
    for k in &open_coupons {
        let until = k
            .valid_until
            .map(|d| format!(" · {}", tf("profile.until", &[("date", &d)])))
            .unwrap_or_default();
        let worth = match k.value {
            crate::domain::loyalty::CouponValue::Amount(a) => {
                tf("coupon.amount_off", &[("amount", &s.money(a))])
            }
            crate::domain::loyalty::CouponValue::Percent(p) => {
                tf("coupon.percent_off", &[("n", &p)])
            }
        };
        lines.push(field(
            w,
            t("profile.coupon"),
            &format!("{} · {worth}{until}", k.code),
        ));
    }
    if !wf.campaigns.is_empty() {
        let names: Vec<String> = wf
            .campaigns
            .iter()
            .map(|m| format!("{}{}", m.name, if m.attended { " ✓" } else { "" }))
            .collect();
        lines.push(field(w, t("profile.campaigns"), &names.join(", ")));
    }
    lines.push(Line::styled(
        tf("profile.contacts", &[("n", &d.contacts.len())]),
        theme::HEADER,
    ));
    if d.contacts.is_empty() {
        lines.push(Line::styled(
            format!("  {}", t("profile.no_contacts")),
            theme::DIM,
        ));
    }
    let mut picked_line = None;
    for (i, p) in d.contacts.iter().enumerate() {
        let picked = i == s.contact_selected && d.contacts.len() > 1;
        if picked {
            picked_line = Some(lines.len() as u16);
        }
        let mut text = format!(
            "{}{}{}",
            if picked { "▸ " } else { "  " },
            if p.primary { "● " } else { "  " },
            p.name
        );
        let phone = p.phone.as_deref().map(format::phone);
        for part in [p.title.as_ref(), phone.as_ref(), p.email.as_ref()]
            .into_iter()
            .flatten()
        {
            text.push_str(" · ");
            text.push_str(part);
        }
        lines.push(Line::raw(clip(&text, w)));
    }
    lines.push(Line::styled(
        tf(
            "profile.audit",
            &[
                ("added", &s.clock.local_display(&c.audit.created_at)),
                ("by", &c.audit.created_by),
                ("changed", &s.clock.local_display(&c.audit.updated_at)),
                ("changed_by", &c.audit.updated_by),
            ],
        ),
        theme::DIM,
    ));
    let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
    let mut scroll = s.profile_scroll.min(max_scroll);
    // Picking a contact person (`[` `]`) brings it into view.
    if let Some(line) = picked_line.filter(|_| focused(s, Pane::Profile))
        && line >= scroll + inner.height
    {
        scroll = line + 1 - inner.height;
    }
    let p = Paragraph::new(lines).scroll((scroll, 0));
    f.render_widget(p, inner);
}

pub fn timeline(f: &mut Frame, s: &State, area: Rect) {
    let block = pane_block(
        tf("pane.timeline", &[("n", &s.timeline.len())]),
        '3',
        focused(s, Pane::Timeline),
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    if s.detail.is_none() || s.selected_id.is_none() {
        return;
    }
    if s.timeline.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", t("timeline.empty")),
                theme::DIM,
            )),
            inner,
        );
        return;
    }
    let w = inner.width as usize;
    // Build lines with day headers, remembering which line holds the selected entry.
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    // (line, entry) for every entry line, so a click finds its entry.
    let mut line_of: Vec<(usize, usize)> = Vec::new();
    let mut last_day = String::new();
    for (i, item) in s.timeline.iter().enumerate() {
        let (day, time, kind, text, by) = match item {
            TimelineItem::Interaction(e) => {
                let local = s.clock.local_display(&e.at);
                let (day, time) = local
                    .split_once(' ')
                    .map_or((local.clone(), String::new()), |(d, t)| {
                        (d.to_string(), t.to_string())
                    });
                (
                    day,
                    time,
                    word("interaction_tag", e.kind.as_str()),
                    if e.win_back {
                        format!("↺ {}", e.summary)
                    } else {
                        e.summary.clone()
                    },
                    e.audit.created_by.clone(),
                )
            }
            TimelineItem::Purchase(p) => (
                p.on_date.to_string(),
                "     ".into(),
                t("timeline.buy").to_string(),
                format!(
                    "{} {}",
                    s.money(p.amount),
                    p.product.clone().unwrap_or_default()
                ),
                p.audit.created_by.clone(),
            ),
        };
        if day != last_day {
            lines.push(Line::styled(format!("── {day} "), theme::DIM));
            last_day = day;
        }
        if i == s.timeline_selected {
            selected_line = lines.len();
        }
        line_of.push((lines.len(), i));
        let by = format!(" — {by}");
        let room = w.saturating_sub(time.len() + 9 + by.width());
        let mut line = Line::from(vec![
            Span::raw(format!("{time} ")),
            Span::styled(format!("{} ", cell(&kind, 7)), theme::KEY),
            Span::raw(clip(&text, room)),
            Span::styled(by, theme::DIM),
        ]);
        if i == s.timeline_selected && focused(s, Pane::Timeline) {
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    let height = inner.height as usize;
    let scroll = selected_line.saturating_sub(height.saturating_sub(1));
    for (line, entry) in line_of {
        if line >= scroll && line < scroll + height {
            s.clickable(
                Rect {
                    x: inner.x,
                    y: inner.y + (line - scroll) as u16,
                    width: inner.width,
                    height: 1,
                },
                crate::tui::state::Click::Row(Pane::Timeline, entry),
            );
        }
    }
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

pub fn queue(f: &mut Frame, s: &State, area: Rect) {
    let scope = if s.queue_only_selected {
        s.current()
            .map_or(t("queue.this_customer").to_string(), |c| {
                clip(&c.fields.name, 20)
            })
    } else {
        t("queue.all_customers").into()
    };
    let view = t(match (s.queue_today, s.queue_closed, s.queue_mine) {
        (true, _, false) => "queue.today",
        (true, _, true) => "queue.today_mine",
        (false, false, false) => "queue.open",
        (false, false, true) => "queue.open_mine",
        (false, true, false) => "queue.closed",
        (false, true, true) => "queue.closed_mine",
    });
    let block = pane_block(
        tf(
            "pane.queue",
            &[("view", &view), ("scope", &scope), ("n", &s.queue_total)],
        ),
        '4',
        focused(s, Pane::Queue),
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    if s.queue.is_empty() {
        let text = format!(
            " {}",
            // Not "nothing needs you" before the queue has been read at all.
            t(if s.queue_loading {
                "profile.loading"
            } else if s.queue_today {
                "queue.empty_today"
            } else if s.queue_closed {
                "queue.empty_closed"
            } else {
                "queue.empty_open"
            })
        );
        f.render_widget(Paragraph::new(Line::styled(text, theme::DIM)), inner);
        return;
    }
    let w = inner.width as usize;
    // The selected row's full reasons take the pane's last line.
    let why = match s.queue_row() {
        Some(QueueRow::Today(r)) if inner.height >= 3 => {
            Some(tf("queue.why", &[("why", &r.why.join(" · "))]))
        }
        _ => None,
    };
    let height = inner.height as usize - usize::from(why.is_some());
    // The first row drawn, as a position in the whole queue; the window holds rows from
    // `queue_offset` on (a window being fetched shows the rows it has).
    let top = s
        .queue_selected
        .saturating_sub(height.saturating_sub(1))
        .max(s.queue_offset);
    let today = s.clock.today();
    let mut lines = Vec::new();
    let rows = s
        .queue
        .iter()
        .enumerate()
        .map(|(i, r)| (i + s.queue_offset, r));
    for (i, row) in rows.skip(top - s.queue_offset).take(height) {
        s.clickable(
            Rect {
                x: inner.x,
                y: inner.y + (i - top) as u16,
                width: inner.width,
                height: 1,
            },
            crate::tui::state::Click::Row(Pane::Queue, i),
        );
        let who_w = (w / 4).min(14);
        let mut line = match row {
            QueueRow::Todo { todo, customer } => {
                let closed = match todo.status {
                    crate::domain::TodoStatus::Done => {
                        Some(("✓ ", crate::i18n::word("todo", "done")))
                    }
                    crate::domain::TodoStatus::Cancelled => {
                        Some(("✗ ", crate::i18n::word("todo", "cancelled")))
                    }
                    crate::domain::TodoStatus::Open => None,
                };
                let (when, style) = match (closed, todo.due) {
                    (Some((mark, word)), _) => (format!("{mark}{word}"), theme::DIM),
                    (None, due) => match due {
                        Some(d) if d < today => (
                            format!("!{}", tf("queue.late", &[("n", &(today - d).num_days())])),
                            theme::OVERDUE,
                        ),
                        Some(d) if d == today => (t("date.today").into(), theme::TODAY),
                        Some(d) => (format::short_date(d), Style::new()),
                        None => ("–".into(), theme::DIM),
                    },
                };
                let repeat = if todo.recurrence.is_some() {
                    "↻ "
                } else {
                    ""
                };
                let title_w = w.saturating_sub(10 + who_w + 1);
                Line::from(vec![
                    Span::styled(format!("{} ", cell(&when, 9)), style),
                    Span::raw(cell(&format!("{repeat}{}", todo.title), title_w)),
                    Span::styled(
                        format!(" {}", cell(customer.as_deref().unwrap_or(""), who_w)),
                        theme::DIM,
                    ),
                ])
            }
            QueueRow::Today(r) => {
                // A short tag per kind (a symbol, so it reads without colour), then what, who and why.
                let (tag, style) = match r.kind {
                    TodayKind::Todo => (t("queue.tag.todo"), theme::TODAY),
                    TodayKind::Cadence => (t("queue.tag.call"), Style::new()),
                    TodayKind::Birthday => (t("queue.tag.birthday"), theme::VIP),
                    TodayKind::Complaint => (t("queue.tag.ticket"), theme::OVERDUE),
                    TodayKind::Deal => (t("queue.tag.deal"), theme::KEY),
                    TodayKind::Survey => (t("queue.tag.survey"), theme::KEY),
                    TodayKind::Agreement => (t("queue.tag.agreement"), theme::KEY),
                    TodayKind::Coupon => (t("queue.tag.coupon"), theme::KEY),
                };
                let title_w = (w.saturating_sub(8 + who_w + 2) / 2).max(10);
                let why_w = w.saturating_sub(8 + title_w + who_w + 2);
                Line::from(vec![
                    Span::styled(format!("{} ", cell(tag, 7)), style),
                    Span::raw(cell(&r.title, title_w)),
                    Span::styled(
                        format!(" {} ", cell(r.customer.as_deref().unwrap_or(""), who_w)),
                        theme::DIM,
                    ),
                    Span::styled(clip(&r.why.join(" · "), why_w), theme::DIM),
                ])
            }
        };
        if i == s.queue_selected && focused(s, Pane::Queue) {
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    if let Some(why) = why {
        while lines.len() < height {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(clip(&why, w), theme::KEY));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
