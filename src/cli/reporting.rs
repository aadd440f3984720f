//! `kehu report` and `kehu report plan`.

use anyhow::Result;

use super::Env;
use super::args::{ReportArgs, ReportCmd};
use super::output::Table;
use crate::domain::{InputError, time};
use crate::report::{self, Period, csv_cell, md_cell};

/// Each figure's definition: the articles' word for it and the formula, base and numerator.
fn explain(env: &mut Env, lines: &[report::Line], json: bool) -> Result<()> {
    let text = |key: &str| crate::i18n::t(&format!("explain.{key}"));
    if json {
        let map: serde_json::Map<String, serde_json::Value> = lines
            .iter()
            .map(|l| (l.key.to_string(), serde_json::json!(text(l.key))))
            .collect();
        return Ok(env.out.json(&serde_json::Value::Object(map))?);
    }
    for l in lines {
        env.out.line(&format!("{} ({})", l.label.trim(), l.key))?;
        env.out.line(&format!("    {}", text(l.key)))?;
    }
    Ok(())
}

pub fn run(env: &mut Env, args: ReportArgs) -> Result<()> {
    let clock = env.ctx.clock;
    if let Some(ReportCmd::Plan {
        owner,
        csv,
        markdown,
    }) = args.plan
    {
        return plan(env, owner.as_deref(), csv, markdown);
    }
    let today = clock.today();
    let to = args
        .to
        .as_deref()
        .map(|d| time::parse_date("to", d, today))
        .transpose()?
        .unwrap_or(today);
    let from = match args.from.as_deref() {
        Some(d) => time::parse_date("from", d, today)?,
        None => Period::default_for(to).from,
    };
    if from > to {
        return Err(InputError::new(
            "from",
            crate::i18n::tf("err.from_after_to", &[("from", &from), ("to", &to)]),
        )
        .into());
    }
    let r = report::compute(&env.store, Period { from, to }, args.owner.clone(), &clock)?;
    let f = &args.format;
    if args.explain {
        return explain(env, &r.lines(), f.json);
    }
    if f.json {
        return Ok(env.out.json(&r.json())?);
    }
    let lines = r.lines();
    let currency = env
        .store
        .read(|c| crate::store::settings::get(c, "currency"))?;
    if f.csv {
        env.out
            .line("figure,key,value,previous,change,target,target_met")?;
        for l in &lines {
            let met = match l.met() {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            let target = l.target.as_ref().map(|t| t.shown(true)).unwrap_or_default();
            let cells = [
                l.label.trim(),
                l.key,
                &l.now.text(),
                &l.before.text(),
                l.arrow(),
                &target,
                met,
            ];
            env.out.line(
                &cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(","),
            )?;
        }
        return Ok(());
    }
    let scope = args
        .owner
        .as_deref()
        .map(|o| format!(" · {}", crate::i18n::tf("dash.mine", &[("user", &o)])))
        .unwrap_or_default();
    let title = format!(
        "{}{scope}",
        crate::i18n::tf(
            "out.report_title",
            &[
                ("from", &r.period.from),
                ("to", &r.period.to),
                ("prev_from", &r.previous_period.from),
                ("prev_to", &r.previous_period.to),
            ],
        )
    );
    if f.markdown {
        env.out.line(&format!(
            "### {}",
            md_cell(&crate::i18n::tf("out.report_heading", &[("title", &title)]))
        ))?;
        env.out.line("")?;
        let with_targets = lines.iter().any(|l| l.target.is_some());
        if with_targets {
            env.out.line(&format!(
                "{} {} |",
                crate::i18n::t("out.figure_now_before"),
                crate::i18n::t("dash.target")
            ))?;
            env.out.line("|---|---:|---:|:-:|---:|")?;
        } else {
            env.out.line(crate::i18n::t("out.figure_now_before"))?;
            env.out.line("|---|---:|---:|:-:|")?;
        }
        for l in &lines {
            let target = if with_targets {
                format!(" {} |", l.target_cell(&currency, false))
            } else {
                String::new()
            };
            env.out.line(&format!(
                "| {} | {} | {} | {} |{target}",
                md_cell(l.label.trim()),
                l.now.shown(&currency, false),
                l.before.shown(&currency, false),
                l.arrow()
            ))?;
        }
        let tiers: Vec<String> = r
            .current
            .raw
            .by_tier
            .iter()
            .map(|(t, n)| format!("{} {n}", crate::i18n::word("tier", t)))
            .collect();
        env.out.line("")?;
        env.out.line(&crate::i18n::tf(
            "out.md_by_tier",
            &[("list", &md_cell(&tiers.join(", ")))],
        ))?;
        if !r.forecast.is_empty() {
            let months: Vec<String> = r
                .forecast
                .iter()
                .map(|l| {
                    format!(
                        "{} {}",
                        l.when.label(),
                        crate::domain::format::money(l.weighted, &currency)
                    )
                })
                .collect();
            env.out.line("")?;
            env.out.line(&crate::i18n::tf(
                "out.md_forecast",
                &[
                    (
                        "total",
                        &crate::domain::format::money(
                            crate::domain::forecast::total(&r.forecast),
                            &currency,
                        ),
                    ),
                    ("list", &md_cell(&months.join(", "))),
                ],
            ))?;
        }
        return Ok(());
    }
    env.out.line(&title)?;
    let with_targets = lines.iter().any(|l| l.target.is_some());
    let mut columns = vec![("FIGURE", 28), ("NOW", 14), ("BEFORE", 14), ("", 1)];
    if with_targets {
        columns.push(("TARGET", 18));
    }
    let mut table = Table::new(&columns);
    for l in &lines {
        let mut row = vec![
            l.label.to_string(),
            l.now.shown(&currency, false),
            l.before.shown(&currency, false),
            l.arrow().to_string(),
        ];
        if with_targets {
            row.push(l.target_cell(&currency, false));
        }
        table.row(row);
    }
    table.print(&mut env.out)?;
    if with_targets {
        let (met, judged) = r.targets_met();
        env.out.line(&crate::i18n::tf(
            "out.targets_met",
            &[("met", &met), ("judged", &judged)],
        ))?;
    }
    let join = |group: &str, v: &[(String, i64)]| {
        v.iter()
            .map(|(k, n)| format!("{} {n}", crate::i18n::word(group, k)))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    env.out.line(&crate::i18n::tf(
        "out.by_tier",
        &[("list", &join("tier", &r.current.raw.by_tier))],
    ))?;
    env.out.line(&crate::i18n::tf(
        "out.by_stage",
        &[("list", &join("stage", &r.current.raw.by_stage))],
    ))?;
    if !r.current.raw.by_department.is_empty() {
        let hours = |v: &[f64]| report::median(v).map_or("–".into(), |h| format!("{h:.1}"));
        let parts: Vec<String> = r
            .current
            .raw
            .by_department
            .iter()
            .map(|d| {
                crate::i18n::tf(
                    "out.department_times",
                    &[
                        (
                            "department",
                            &crate::domain::churn::department_shown(&d.department),
                        ),
                        ("n", &d.complaints),
                        ("response", &hours(&d.response_hours)),
                        ("resolution", &hours(&d.resolution_hours)),
                    ],
                )
            })
            .collect();
        env.out.line(&crate::i18n::tf(
            "out.complaints_by_department",
            &[("list", &parts.join(" · "))],
        ))?;
    }
    for (label, segments) in [
        ("out.by_source", &r.current.raw.by_source),
        ("out.by_campaign", &r.current.raw.by_campaign),
    ] {
        if segments.is_empty() {
            continue;
        }
        let rate =
            |a: i64, b: i64| report::Measure::Rate((b > 0).then(|| a as f64 / b as f64)).text();
        let parts: Vec<String> = segments
            .iter()
            .map(|s| {
                crate::i18n::tf(
                    "out.segment",
                    &[
                        ("name", &s.name),
                        (
                            "revenue",
                            &crate::domain::format::money(s.revenue, &currency),
                        ),
                        ("conversion", &rate(s.converted, s.lead_base)),
                        ("churn", &rate(s.churned, s.customers_at_start)),
                    ],
                )
            })
            .collect();
        env.out
            .line(&crate::i18n::tf(label, &[("list", &parts.join(" · "))]))?;
    }
    for (label, figures) in [
        ("out.by_product", &r.current.raw.by_product),
        ("out.by_category", &r.current.raw.by_category),
    ] {
        if figures.is_empty() {
            continue;
        }
        let rate =
            |a: i64, b: i64| report::Measure::Rate((b > 0).then(|| a as f64 / b as f64)).text();
        // The ten that brought the most: the JSON has them all.
        let parts: Vec<String> = figures
            .iter()
            .take(10)
            .map(|p| {
                crate::i18n::tf(
                    "out.product_figures",
                    &[
                        ("name", &p.name),
                        (
                            "revenue",
                            &crate::domain::format::money(p.revenue, &currency),
                        ),
                        ("buyers", &p.buyers),
                        ("repurchase", &rate(p.repeat_buyers, p.buyers)),
                    ],
                )
            })
            .collect();
        env.out
            .line(&crate::i18n::tf(label, &[("list", &parts.join(" · "))]))?;
    }
    if !r.current.raw.churn_by_reason.is_empty() {
        env.out.line(&crate::i18n::tf(
            "out.churn_by_reason",
            &[("list", &join("churn", &r.current.raw.churn_by_reason))],
        ))?;
    }
    let revenue: Vec<String> = r
        .current
        .raw
        .revenue_by_tier
        .iter()
        .map(|(k, n)| {
            format!(
                "{} {}",
                crate::i18n::word("tier", k),
                crate::domain::format::money(*n, &currency)
            )
        })
        .collect();
    env.out.line(&crate::i18n::tf(
        "out.revenue_by_tier",
        &[("list", &revenue.join(" · "))],
    ))?;
    env.out.line("")?;
    print_forecast(env, &r.forecast, &currency)
}

/// The weighted pipeline by expected close month, as a table with its total.
pub fn print_forecast(
    env: &mut Env,
    lines: &[crate::domain::forecast::Line],
    currency: &str,
) -> Result<()> {
    use crate::domain::format::money;
    if lines.is_empty() {
        env.out.line(crate::i18n::t("out.forecast_none"))?;
        return Ok(());
    }
    env.out.line(crate::i18n::t("out.forecast_heading"))?;
    let mut table = Table::new(&[("CLOSE", 16), ("DEALS", 6), ("OPEN", 18), ("WEIGHTED", 18)]);
    for l in lines {
        table.row(vec![
            l.when.label(),
            l.deals.to_string(),
            money(l.amount, currency),
            money(l.weighted, currency),
        ]);
    }
    table.row(vec![
        crate::i18n::t("out.forecast_total").to_string(),
        lines.iter().map(|l| l.deals).sum::<usize>().to_string(),
        money(lines.iter().map(|l| l.amount).sum(), currency),
        money(crate::domain::forecast::total(lines), currency),
    ]);
    table.print(&mut env.out)?;
    Ok(())
}

fn plan(env: &mut Env, owner: Option<&str>, csv: bool, markdown: bool) -> Result<()> {
    let rows = report::plan_rows(&env.store, owner, &env.ctx.clock)?;
    if csv {
        for r in &rows {
            env.out
                .line(&r.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","))?;
        }
        return Ok(());
    }
    if markdown {
        for (i, r) in rows.iter().enumerate() {
            env.out.line(&format!(
                "| {} |",
                r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
            ))?;
            if i == 0 {
                env.out.line(&format!("|{}", "---|".repeat(r.len())))?;
            }
        }
        return Ok(());
    }
    let mut table = Table::new(&[
        ("CUSTOMER", 20),
        ("CONTACT", 24),
        ("LAST CONTACT", 12),
        ("PURCHASES", 9),
        ("TOTAL", 12),
        ("LAST PURCHASE", 13),
        ("SERVICE NEEDS", 20),
        ("CAMPAIGNS", 24),
        ("VALUE", 5),
        ("FEEDBACK", 24),
        ("NEXT TO-DO", 24),
        ("DUE", 10),
    ]);
    for r in rows.into_iter().skip(1) {
        table.row(r);
    }
    table.print(&mut env.out)?;
    Ok(())
}
