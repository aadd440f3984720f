//! The dashboard: the report's figures with arrows for the change, charts where a person would
//! rather look than read, and the customers behind a figure.

use crate::i18n::{t, tf};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use super::{cell, clip};
use crate::store::reports::{DRILLABLE, Raw};
use crate::tui::state::Dashboard;
use crate::tui::theme;

fn month_label(ym: &str) -> String {
    ym.get(5..7).unwrap_or(ym).to_string()
}

pub fn draw(f: &mut Frame, d: &Dashboard, user: &str, currency: &str, area: Rect) {
    super::clear_for_box(f, area);
    let scope = if d.mine {
        tf("dash.mine", &[("user", &user)])
    } else {
        t("dash.everyone").to_string()
    };
    let title = match &d.report {
        Some(r) => format!(
            " {} ",
            tf(
                "dash.title_vs",
                &[
                    ("from", &r.period.from),
                    ("to", &r.period.to),
                    ("prev_from", &r.previous_period.from),
                    ("prev_to", &r.previous_period.to),
                    ("scope", &scope),
                ],
            )
        ),
        None => format!(
            " {} ",
            tf(
                "dash.title",
                &[
                    ("from", &d.period.from),
                    ("to", &d.period.to),
                    ("scope", &scope)
                ],
            )
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::FOCUS_BORDER)
        .title(Span::styled(
            clip(&title, area.width.saturating_sub(4) as usize),
            theme::HEADER,
        ))
        .title_bottom(Span::styled(format!(" {} ", t("dash.keys")), theme::DIM));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let (Some(report), Some(trend)) = (&d.report, &d.trend) else {
        // Computed on the worker: the screen keeps drawing meanwhile.
        f.render_widget(
            Paragraph::new(Line::styled(
                format!(" ⏳ {}", t("dash.computing")),
                theme::TODAY,
            )),
            inner,
        );
        return;
    };
    let wide = inner.width >= 110;
    let report_lines = report.lines();
    // A target column when the team set targets and there is room beside the charts.
    let targets = report_lines.iter().any(|l| l.target.is_some()) && inner.width >= 100;
    let split = match inner.width {
        w if targets => w.min(72),
        w if w >= 70 => 56,
        w => w,
    };
    let [left, right] =
        Layout::horizontal([Constraint::Length(split), Constraint::Min(0)]).areas(inner);

    // Figures: label, now, before, change.
    let mut top = Vec::new();
    let (met, judged) = report.targets_met();
    if judged > 0 {
        top.push(Line::from(vec![
            Span::styled(format!(" {} ", t("dash.targets")), theme::DIM),
            Span::styled(
                tf("dash.targets_met", &[("met", &met), ("judged", &judged)]),
                if met == judged {
                    theme::OK
                } else {
                    theme::OVERDUE
                },
            ),
        ]));
    }
    top.push(Line::styled(
        format!(
            " {}{}{}{}",
            cell(t("dash.figure"), 27),
            cell(t("dash.now"), 11),
            cell(t("dash.before"), 11),
            if targets {
                format!("    {}", t("dash.target"))
            } else {
                String::new()
            }
        ),
        theme::HEADER,
    ));
    let mut lines = Vec::new();
    for (i, l) in report_lines.iter().enumerate() {
        let marker = if DRILLABLE.contains(&l.key) {
            "›"
        } else {
            " "
        };
        // The arrow says which way it moved; ✓ or ✗ whether that is good news (a falling churn
        // rate is), so the cue survives without colour.
        let (cue, cue_style) = match l.better() {
            Some(true) => (" ✓", theme::OK),
            Some(false) => (" ✗", theme::OVERDUE),
            None => ("", theme::DIM),
        };
        let mut line = Line::from(vec![
            Span::raw(format!("{marker}{}", cell(l.label, 27))),
            Span::styled(cell(&l.now.shown(currency, true), 11), theme::HEADER),
            Span::styled(cell(&l.before.shown(currency, true), 11), theme::DIM),
            Span::styled(l.arrow(), cue_style),
            Span::styled(cell(cue, 2), cue_style),
        ]);
        if targets && l.target.is_some() {
            // Met or not is a ✓ or ✗ in the cell itself, so it reads without colour.
            let style = match l.met() {
                Some(true) => theme::OK,
                Some(false) => theme::OVERDUE,
                None => theme::DIM,
            };
            line.push_span(Span::raw("  "));
            line.push_span(Span::styled(l.target_cell(currency, true), style));
        }
        if i == d.selected && d.drill.is_none() {
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    let mix = |group: &str, v: &[(String, i64)]| {
        v.iter()
            .map(|(k, n)| format!("{} {n}", crate::i18n::word(group, k)))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let mut mixes = vec![Line::raw("")];
    // The mixes wrap under their label rather than run off the column.
    let room = (left.width as usize).saturating_sub(9).max(8);
    for (label, group, values) in [
        ("dash.tiers", "tier", &report.current.raw.by_tier),
        ("dash.stages", "stage", &report.current.raw.by_stage),
        (
            "dash.churn_reasons",
            "churn",
            &report.current.raw.churn_by_reason,
        ),
    ] {
        if values.is_empty() {
            continue;
        }
        for (n, part) in super::wrap(&mix(group, values), room)
            .into_iter()
            .enumerate()
        {
            let head = if n == 0 { t(label) } else { "" };
            mixes.push(Line::from(vec![
                Span::styled(format!(" {} ", cell(head, 6)), theme::DIM),
                Span::raw(part),
            ]));
        }
    }
    // The heading stays; the figures scroll so the selected one is always in view, and the
    // mixes follow when there is room.
    let room = (left.height as usize).saturating_sub(top.len());
    let offset = if lines.len() + mixes.len() <= room {
        0
    } else {
        (d.selected + 1)
            .saturating_sub(room)
            .min(lines.len().saturating_sub(room))
    };
    top.extend(lines.into_iter().skip(offset));
    top.extend(mixes);
    f.render_widget(Paragraph::new(top), left);
    if right.width < 16 {
        return;
    }

    if let Some((label, rows)) = &d.drill {
        customers(f, label, rows, d.drill_selected, right);
        return;
    }
    if wide {
        let [rev, flow, sat, tiers] = Layout::vertical([
            Constraint::Percentage(36),
            Constraint::Percentage(28),
            Constraint::Length(8),
            Constraint::Min(3),
        ])
        .areas(right);
        revenue_chart(f, trend, rev);
        let [new, churned] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(flow);
        count_chart(
            f,
            &format!(" {} ", t("dash.new_per_month")),
            &trend.new_per_month,
            new,
        );
        count_chart(
            f,
            &format!(" {} ", t("dash.churned_per_month")),
            &trend.churned_per_month,
            churned,
        );
        satisfaction(f, trend, sat);
        tier_revenue(f, &report.current.raw, currency, tiers);
    } else {
        let [rev, tiers] =
            Layout::vertical([Constraint::Min(6), Constraint::Length(5)]).areas(right);
        revenue_chart(f, trend, rev);
        tier_revenue(f, &report.current.raw, currency, tiers);
    }
}

fn titled(title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::TOP)
        .border_style(theme::BORDER)
        .title(Span::styled(title.to_string(), theme::HEADER))
}

/// Revenue per month over the last 12 months, in whole currency units.
fn revenue_chart(f: &mut Frame, trend: &Raw, area: Rect) {
    let data: Vec<(String, u64)> = trend
        .revenue_per_month
        .iter()
        .map(|(m, v)| (month_label(m), (*v / 100).max(0) as u64))
        .collect();
    bars(
        f,
        &format!(" {} ", t("dash.revenue_per_month")),
        &data,
        area,
    );
}

fn count_chart(f: &mut Frame, title: &str, series: &[(String, i64)], area: Rect) {
    let data: Vec<(String, u64)> = series
        .iter()
        .map(|(m, n)| (month_label(m), (*n).max(0) as u64))
        .collect();
    bars(f, title, &data, area);
}

fn bars(f: &mut Frame, title: &str, data: &[(String, u64)], area: Rect) {
    if data.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(format!(" {}", t("dash.no_data")), theme::DIM))
                .block(titled(title)),
            area,
        );
        return;
    }
    // Bars at least two columns wide, so each month's label ("01") reads whole: a narrow chart
    // shows the latest months that fit.
    let fit = ((area.width as usize + 1) / 3).max(1);
    let data = &data[data.len().saturating_sub(fit)..];
    let refs: Vec<(&str, u64)> = data.iter().map(|(l, v)| (l.as_str(), *v)).collect();
    let n = refs.len() as u16;
    let width = (area.width.saturating_sub(1) / n.max(1))
        .saturating_sub(1)
        .clamp(2, 8);
    let chart = BarChart::default()
        .block(titled(title))
        .data(refs.as_slice())
        .bar_width(width)
        .bar_gap(1)
        .bar_style(theme::KEY);
    f.render_widget(chart, area);
}

/// Average satisfaction per month (1–5): a bar a month, labelled with the month and the score.
fn satisfaction(f: &mut Frame, trend: &Raw, area: Rect) {
    let last = trend
        .satisfaction_per_month
        .last()
        .map_or("–".to_string(), |(m, v)| {
            tf(
                "dash.score_in",
                &[("score", &format!("{v:.2}")), ("month", m)],
            )
        });
    let title = format!(" {} ", tf("dash.satisfaction", &[("last", &last)]));
    if trend.satisfaction_per_month.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", t("dash.no_surveys")),
                theme::DIM,
            ))
            .block(titled(&title)),
            area,
        );
        return;
    }
    let bars: Vec<Bar> = trend
        .satisfaction_per_month
        .iter()
        .map(|(m, v)| {
            Bar::default()
                .value((v * 20.0).round() as u64)
                .text_value(format!("{v:.1}"))
                .label(Line::raw(month_label(m)))
        })
        .collect();
    let n = bars.len() as u16;
    let width = (area.width.saturating_sub(1) / n.max(1))
        .saturating_sub(1)
        .clamp(3, 8);
    f.render_widget(
        BarChart::default()
            .block(titled(&title))
            .data(BarGroup::default().bars(&bars))
            .max(100)
            .bar_width(width)
            .bar_gap(1)
            .bar_style(theme::OK),
        area,
    );
}

fn tier_revenue(f: &mut Frame, raw: &Raw, currency: &str, area: Rect) {
    let total: i64 = raw.revenue_by_tier.iter().map(|(_, v)| v).sum();
    let mut lines = Vec::new();
    for (tier, v) in &raw.revenue_by_tier {
        let share = if total > 0 {
            *v as f64 / total as f64
        } else {
            0.0
        };
        let bar = "█".repeat((share * 20.0).round() as usize);
        lines.push(Line::from(vec![
            Span::raw(format!(" {} ", cell(&crate::i18n::word("tier", tier), 10))),
            Span::styled(cell(&bar, 20), theme::KEY),
            Span::raw(format!(
                " {:>5.1}% {}",
                share * 100.0,
                crate::domain::format::money(*v, currency)
            )),
        ]));
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            format!(" {}", t("dash.no_revenue")),
            theme::DIM,
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(titled(&format!(" {} ", t("dash.revenue_by_tier")))),
        area,
    );
}

fn customers(
    f: &mut Frame,
    label: &str,
    rows: &[(i64, String, String)],
    selected: usize,
    area: Rect,
) {
    let w = area.width as usize;
    let height = area.height.saturating_sub(1) as usize;
    let offset = selected.saturating_sub(height.saturating_sub(1));
    let mut lines = Vec::new();
    if rows.is_empty() {
        lines.push(Line::styled(format!(" {}", t("dash.nobody")), theme::DIM));
    }
    for (i, (_, name, why)) in rows.iter().enumerate().skip(offset).take(height) {
        let mut line = Line::from(vec![
            Span::raw(format!(" {} ", cell(name, 18))),
            Span::styled(clip(why, w.saturating_sub(21)), theme::DIM),
        ]);
        if i == selected {
            line = line.patch_style(theme::SELECTED);
        }
        lines.push(line);
    }
    let title = format!(
        " {} ",
        tf("dash.behind", &[("label", &label), ("n", &rows.len())])
    );
    f.render_widget(Paragraph::new(lines).block(titled(&title)), area);
}
