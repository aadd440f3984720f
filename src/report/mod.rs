//! The figures managers judge customer work by, computed from what is recorded: for a period,
//! against the period before it, optionally for one account manager's book. Definitions are in
//! the README ("Reports"); a figure that cannot be computed is `None` (JSON `null`, shown "–").

use chrono::{Duration, NaiveDate};
use serde_json::{Map, Value, json};

use crate::domain::Clock;
use crate::domain::forecast;
use crate::domain::input::money_text;
use crate::store::db::Connection;
use crate::store::reports::{self, Raw, Scope};

use crate::store::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The last 30 days, today included.
    pub fn default_for(today: NaiveDate) -> Period {
        Period {
            from: today - Duration::days(29),
            to: today,
        }
    }

    /// The period of the same length just before this one.
    pub fn previous(self) -> Period {
        let days = (self.to - self.from).num_days() + 1;
        Period {
            from: self.from - Duration::days(days),
            to: self.from - Duration::days(1),
        }
    }
}

/// Every figure for one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub raw: Raw,
    pub conversion_rate: Option<f64>,
    pub deal_win_rate: Option<f64>,
    pub churn_rate: Option<f64>,
    pub retention_rate: Option<f64>,
    /// Of the customers churned at the period's start, those who became customers again.
    pub win_back_rate: Option<f64>,
    /// Points redeemed ÷ points issued in the period.
    pub points_redemption_rate: Option<f64>,
    /// Of the coupons valid from within the period, the share redeemed.
    pub coupon_redemption_rate: Option<f64>,
    pub repurchase_rate: Option<f64>,
    pub repurchase_rate_all_time: Option<f64>,
    /// The loyalty figure: the share of the period's revenue that came from repeat buyers
    /// (customers with two or more purchases by the period's end).
    pub repeat_buyer_revenue_share: Option<f64>,
    pub top_20_percent_revenue_share: Option<f64>,
    pub average_purchase_value: Option<i64>,
    /// Average purchase × purchases per buyer per year × expected years as a customer.
    pub customer_lifetime_value: Option<i64>,
    /// Net revenue to date ÷ customers who ever bought: what a customer has brought so far.
    pub revenue_per_buyer_to_date: Option<i64>,
    /// Average quality, attitude and speed.
    pub satisfaction: Option<(f64, f64, f64)>,
    pub complaint_rate: Option<f64>,
    pub first_response_within_24h: Option<f64>,
    pub median_first_response_hours: Option<f64>,
    pub follow_up_compliance: Option<f64>,
    pub todos_on_time_rate: Option<f64>,
}

/// `total ÷ count` in cents, rounded half away from zero (200.00 / 3 is 66.67, not 66.66).
fn average_money(total: i64, count: i64) -> Option<i64> {
    (count > 0).then(|| {
        let (q, r) = (total / count, total % count);
        if 2 * r.abs() >= count {
            q + total.signum()
        } else {
            q
        }
    })
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The longest a customer is expected to stay when the churn rate is (near) zero.
pub const LIFESPAN_CAP_YEARS: f64 = 10.0;

/// Customer lifetime value: average purchase × purchases per buyer per year × expected years as
/// a customer — the team's setting, else 1 ÷ the yearly churn rate (the period's churn rate made
/// yearly), at most [`LIFESPAN_CAP_YEARS`]. `None` without purchases in the period, or without
/// customers at its start to judge churn by when the lifespan is not set.
fn lifetime_value(raw: &Raw, average: Option<i64>, churn: Option<f64>) -> Option<i64> {
    let average = average? as f64;
    if raw.buyers == 0 || raw.days <= 0 {
        return None;
    }
    let years_in_period = raw.days as f64 / 365.0;
    let per_year = raw.purchases as f64 / raw.buyers as f64 / years_in_period;
    let lifespan = match raw.lifespan_years {
        Some(years) => years,
        None => {
            let yearly_churn = 1.0 - (1.0 - churn?).powf(1.0 / years_in_period);
            if yearly_churn <= 0.0 {
                LIFESPAN_CAP_YEARS
            } else {
                (1.0 / yearly_churn).min(LIFESPAN_CAP_YEARS)
            }
        }
    };
    Some((average * per_year * lifespan).round() as i64)
}

impl Figures {
    pub fn from_raw(raw: Raw) -> Figures {
        let buyers = raw.revenue_per_buyer.len();
        let top = buyers.div_ceil(5);
        let top_revenue: i64 = raw.revenue_per_buyer.iter().take(top).sum();
        let churn_rate = ratio(raw.churned, raw.customers_at_start);
        let average_purchase_value = average_money(raw.sales, raw.purchases);
        Figures {
            conversion_rate: ratio(raw.converted, raw.lead_base),
            deal_win_rate: ratio(raw.deals_won, raw.deals_won + raw.deals_lost),
            churn_rate,
            retention_rate: ratio(raw.retained, raw.customers_at_start),
            win_back_rate: ratio(raw.won_back, raw.churned_at_start),
            points_redemption_rate: ratio(raw.loyalty.points_redeemed, raw.loyalty.points_issued),
            coupon_redemption_rate: ratio(raw.loyalty.coupons_redeemed, raw.loyalty.coupons_issued),
            repurchase_rate: ratio(raw.repeat_buyers, raw.buyers),
            repurchase_rate_all_time: ratio(raw.repeat_buyers_ever, raw.buyers_ever),
            repeat_buyer_revenue_share: (raw.revenue > 0)
                .then(|| raw.repeat_buyer_revenue as f64 / raw.revenue as f64),
            top_20_percent_revenue_share: ratio(top_revenue, raw.revenue),
            average_purchase_value,
            customer_lifetime_value: lifetime_value(&raw, average_purchase_value, churn_rate),
            revenue_per_buyer_to_date: average_money(raw.revenue_ever, raw.buyers_ever),
            satisfaction: (raw.surveys > 0).then(|| {
                let n = raw.surveys as f64;
                (
                    raw.quality_sum as f64 / n,
                    raw.attitude_sum as f64 / n,
                    raw.speed_sum as f64 / n,
                )
            }),
            complaint_rate: ratio(raw.complaints, raw.active_customers),
            first_response_within_24h: ratio(raw.complaints_answered_in_24h, raw.complaints_due),
            median_first_response_hours: median(&raw.response_hours),
            follow_up_compliance: ratio(raw.within_cadence, raw.active_customers),
            todos_on_time_rate: ratio(raw.todos_on_time, raw.todos_on_time + raw.todos_late),
            raw,
        }
    }

    pub fn satisfaction_overall(&self) -> Option<f64> {
        self.satisfaction.map(|(q, a, s)| (q + a + s) / 3.0)
    }
}

/// A period's figures and the previous period's, for one scope.
#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    pub previous_period: Period,
    pub owner: Option<String>,
    pub current: Figures,
    pub previous: Figures,
    /// Every target the team has set (the lines pick the one that applies to this scope).
    pub targets: Vec<Target>,
    /// The weighted pipeline of the scope's open deals by expected close month, as of today.
    pub forecast: Vec<forecast::Line>,
}

pub fn compute(
    store: &Store,
    period: Period,
    owner: Option<String>,
    clock: &Clock,
) -> Result<Report> {
    let previous_period = period.previous();
    let now = Scope::new(period.from, period.to, owner.clone(), clock);
    let before = Scope::new(
        previous_period.from,
        previous_period.to,
        owner.clone(),
        clock,
    );
    let (targets, forecast) = targets_and_forecast(store, owner.as_deref(), clock)?;
    let [current, previous] = store.read_at_once([
        &|c: &Connection| reports::compute(c, &now, clock),
        &|c: &Connection| reports::compute(c, &before, clock),
    ])?;
    Ok(Report {
        period,
        previous_period,
        owner,
        current: Figures::from_raw(current),
        previous: Figures::from_raw(previous),
        targets,
        forecast,
    })
}

/// The team's targets, and the forecast of the open deals in scope as of today (the pipeline as
/// it stands, whatever the period).
fn targets_and_forecast(
    store: &Store,
    owner: Option<&str>,
    clock: &Clock,
) -> Result<(Vec<Target>, Vec<forecast::Line>)> {
    store.read(|c| {
        let deals = crate::store::deals::open_for_forecast(c, owner)?;
        let odds = crate::store::deals::odds(c)?;
        Ok((
            crate::store::settings::all_targets(c)?,
            forecast::by_month(deals, &odds, clock.today()),
        ))
    })
}

/// What the dashboard shows for a period: the report, and the twelve months up to the period's
/// end for its charts, read at the same time. The worker computes it off the screen's thread;
/// the bench times it.
pub fn dashboard(
    store: &Store,
    period: Period,
    owner: Option<String>,
    clock: &Clock,
) -> Result<(Report, reports::Raw)> {
    let previous_period = period.previous();
    let scope = |from, to| Scope::new(from, to, owner.clone(), clock);
    let now = scope(period.from, period.to);
    let before = scope(previous_period.from, previous_period.to);
    let year = scope(period.to - Duration::days(364), period.to);
    let (targets, forecast) = targets_and_forecast(store, owner.as_deref(), clock)?;
    let [current, previous, trend] = store.read_at_once([
        &|c: &Connection| reports::compute(c, &now, clock),
        &|c: &Connection| reports::compute(c, &before, clock),
        &|c: &Connection| reports::trend(c, &year),
    ])?;
    let report = Report {
        period,
        previous_period,
        owner,
        current: Figures::from_raw(current),
        previous: Figures::from_raw(previous),
        targets,
        forecast,
    };
    Ok((report, trend))
}

/// How a figure is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    Count(i64),
    Money(Option<i64>),
    Rate(Option<f64>),
    Number(Option<f64>),
}

impl Measure {
    pub fn text(self) -> String {
        match self {
            Measure::Count(n) => n.to_string(),
            Measure::Money(m) => m.map_or("–".into(), money_text),
            Measure::Rate(r) => r.map_or("–".into(), |r| format!("{:.1}%", r * 100.0)),
            Measure::Number(x) => x.map_or("–".into(), |x| format!("{x:.2}")),
        }
    }

    /// As people read it: amounts with the currency's symbol and thousands separators, whole
    /// units when `whole` (a dashboard column has no room for cents).
    pub fn shown(self, currency: &str, whole: bool) -> String {
        match self {
            Measure::Money(Some(m)) if whole => crate::domain::format::money_whole(m, currency),
            Measure::Money(Some(m)) => crate::domain::format::money(m, currency),
            other => other.text(),
        }
    }

    fn number(self) -> Option<f64> {
        match self {
            Measure::Count(n) => Some(n as f64),
            Measure::Money(m) => m.map(|m| m as f64),
            Measure::Rate(r) | Measure::Number(r) => r,
        }
    }

    pub fn json(self) -> Value {
        match self {
            Measure::Count(n) => json!(n),
            Measure::Money(m) => json!(m.map(money_text)),
            Measure::Rate(r) | Measure::Number(r) => {
                json!(r.map(|x| (x * 10_000.0).round() / 10_000.0))
            }
        }
    }
}

/// One line of the report: what, now, before, and the direction of the change.
#[derive(Debug, Clone)]
pub struct Line {
    pub key: &'static str,
    pub label: &'static str,
    pub now: Measure,
    pub before: Measure,
    /// The target this figure is judged against in this report, if the team set one.
    pub target: Option<Target>,
}

use crate::domain::targets::{Kind, LOWER_IS_BETTER, Target};

impl Line {
    /// ↑, ↓ or → (no change as shown, or nothing to compare): two values that read the same
    /// (33.3% and 33.3%) are no change.
    pub fn arrow(&self) -> &'static str {
        if self.now.text() == self.before.text() {
            return "→";
        }
        match (self.now.number(), self.before.number()) {
            (Some(a), Some(b)) if a > b + 1e-9 => "↑",
            (Some(a), Some(b)) if a < b - 1e-9 => "↓",
            _ => "→",
        }
    }

    /// Whether the figure reaches its target: `None` without a target or without a figure.
    pub fn met(&self) -> Option<bool> {
        let target = self.target.as_ref()?;
        Some(target.met_by(self.now.number()?))
    }

    /// The target and whether it is met, as a cell: `≥90.0% ✓`, `≤5.0% ✗`, `≥¥100,000 –` (no
    /// figure to judge); amounts as the figures show them (`whole`: without cents).
    pub fn target_cell(&self, currency: &str, whole: bool) -> String {
        let Some(t) = &self.target else {
            return String::new();
        };
        let value = match t.kind() {
            Kind::Count => Measure::Count(t.value.round() as i64),
            Kind::Money => Measure::Money(Some(t.value.round() as i64)),
            Kind::Rate => Measure::Rate(Some(t.value)),
            Kind::Number => Measure::Number(Some(t.value)),
        };
        let side = if LOWER_IS_BETTER.contains(&self.key) {
            "≤"
        } else {
            "≥"
        };
        let cue = match self.met() {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "–",
        };
        format!("{side}{} {cue}", value.shown(currency, whole))
    }

    /// Whether the change is good news (Some(true)), bad news (Some(false)), or neither.
    pub fn better(&self) -> Option<bool> {
        let up = match self.arrow() {
            "↑" => true,
            "↓" => false,
            _ => return None,
        };
        Some(up != LOWER_IS_BETTER.contains(&self.key))
    }
}

fn lines_of(now: &Figures, before: &Figures) -> Vec<Line> {
    // Labels are looked up in the interface language: `report.<key>` in the catalogue.
    let l = |key: &'static str, f: &dyn Fn(&Figures) -> Measure| Line {
        key,
        label: crate::i18n::t(&format!("report.{key}")),
        now: f(now),
        before: f(before),
        target: None,
    };
    let sat =
        |i: usize| move |f: &Figures| Measure::Number(f.satisfaction.map(|s| [s.0, s.1, s.2][i]));
    vec![
        l("new_customers", &|f| Measure::Count(f.raw.new_customers)),
        l("new_leads", &|f| Measure::Count(f.raw.new_leads)),
        l("conversion_rate", &|f| Measure::Rate(f.conversion_rate)),
        l("deal_win_rate", &|f| Measure::Rate(f.deal_win_rate)),
        l("churn_rate", &|f| Measure::Rate(f.churn_rate)),
        l("retention_rate", &|f| Measure::Rate(f.retention_rate)),
        l("win_back_rate", &|f| Measure::Rate(f.win_back_rate)),
        l("won_back", &|f| Measure::Count(f.raw.won_back)),
        l("win_back_attempts", &|f| {
            Measure::Count(f.raw.win_back_attempts)
        }),
        l("repurchase_rate", &|f| Measure::Rate(f.repurchase_rate)),
        l("repurchase_rate_all_time", &|f| {
            Measure::Rate(f.repurchase_rate_all_time)
        }),
        l("repeat_buyer_revenue_share", &|f| {
            Measure::Rate(f.repeat_buyer_revenue_share)
        }),
        l("revenue", &|f| Measure::Money(Some(f.raw.revenue))),
        l("refunds", &|f| Measure::Money(Some(f.raw.refunds))),
        l("top_20_percent_revenue_share", &|f| {
            Measure::Rate(f.top_20_percent_revenue_share)
        }),
        l("average_purchase_value", &|f| {
            Measure::Money(f.average_purchase_value)
        }),
        l("customer_lifetime_value", &|f| {
            Measure::Money(f.customer_lifetime_value)
        }),
        l("revenue_per_buyer_to_date", &|f| {
            Measure::Money(f.revenue_per_buyer_to_date)
        }),
        l("active_members", &|f| {
            Measure::Count(f.raw.loyalty.active_members)
        }),
        l("points_issued", &|f| {
            Measure::Count(f.raw.loyalty.points_issued)
        }),
        l("points_redeemed", &|f| {
            Measure::Count(f.raw.loyalty.points_redeemed)
        }),
        l("points_expired", &|f| {
            Measure::Count(f.raw.loyalty.points_expired)
        }),
        l("points_redemption_rate", &|f| {
            Measure::Rate(f.points_redemption_rate)
        }),
        l("coupons_issued", &|f| {
            Measure::Count(f.raw.loyalty.coupons_issued)
        }),
        l("coupons_redeemed", &|f| {
            Measure::Count(f.raw.loyalty.coupons_redeemed)
        }),
        l("coupon_redemption_rate", &|f| {
            Measure::Rate(f.coupon_redemption_rate)
        }),
        l("coupon_discounts", &|f| {
            Measure::Money(Some(f.raw.loyalty.coupon_discounts))
        }),
        l("satisfaction", &|f| {
            Measure::Number(f.satisfaction_overall())
        }),
        l("satisfaction_quality", &sat(0)),
        l("satisfaction_attitude", &sat(1)),
        l("satisfaction_speed", &sat(2)),
        l("complaint_rate", &|f| Measure::Rate(f.complaint_rate)),
        l("first_response_within_24h", &|f| {
            Measure::Rate(f.first_response_within_24h)
        }),
        l("median_first_response_hours", &|f| {
            Measure::Number(f.median_first_response_hours)
        }),
        l("follow_up_compliance", &|f| {
            Measure::Rate(f.follow_up_compliance)
        }),
        l("todos_done_on_time", &|f| {
            Measure::Count(f.raw.todos_on_time)
        }),
        l("todos_done_late", &|f| Measure::Count(f.raw.todos_late)),
    ]
}

impl Report {
    pub fn lines(&self) -> Vec<Line> {
        let mut lines = lines_of(&self.current, &self.previous);
        for line in &mut lines {
            line.target =
                crate::domain::targets::applying(&self.targets, line.key, self.owner.as_deref())
                    .cloned();
        }
        lines
    }

    /// How many of the figures with a target reach it, of how many can be judged.
    pub fn targets_met(&self) -> (usize, usize) {
        let judged: Vec<bool> = self.lines().iter().filter_map(Line::met).collect();
        (judged.iter().filter(|m| **m).count(), judged.len())
    }

    /// The JSON contract: snake_case figure names at the top level, `null` where a figure cannot
    /// be computed, money as decimal strings; `previous` holds the same figures for the period
    /// before.
    pub fn json(&self) -> Value {
        let figures = |f: &Figures, which: fn(&Line) -> Measure| -> Map<String, Value> {
            let mut m = Map::new();
            for line in lines_of(f, f) {
                m.insert(line.key.into(), which(&line).json());
            }
            let pairs = |v: &[(String, i64)]| {
                Value::Object(v.iter().map(|(k, n)| (k.clone(), json!(n))).collect())
            };
            let money = |v: &[(String, i64)]| {
                Value::Object(
                    v.iter()
                        .map(|(k, n)| (k.clone(), json!(money_text(*n))))
                        .collect(),
                )
            };
            m.insert(
                "satisfaction_by_dimension".into(),
                f.satisfaction.map_or(
                    Value::Null,
                    |(q, a, s)| json!({"quality": q, "attitude": a, "speed": s}),
                ),
            );
            m.insert("customers_by_tier".into(), pairs(&f.raw.by_tier));
            m.insert("customers_by_stage".into(), pairs(&f.raw.by_stage));
            m.insert(
                "new_customers_per_month".into(),
                pairs(&f.raw.new_per_month),
            );
            m.insert("churned_per_month".into(), pairs(&f.raw.churned_per_month));
            m.insert("churn_by_reason".into(), pairs(&f.raw.churn_by_reason));
            let segments = |v: &[crate::store::breakdowns::Segment]| {
                Value::Object(
                    v.iter()
                        .map(|s| {
                            (
                                s.name.clone(),
                                json!({
                                    "conversion_rate": Measure::Rate(ratio(s.converted, s.lead_base)).json(),
                                    "converted": s.converted,
                                    "leads": s.lead_base,
                                    "churn_rate": Measure::Rate(ratio(s.churned, s.customers_at_start)).json(),
                                    "churned": s.churned,
                                    "revenue": money_text(s.revenue),
                                }),
                            )
                        })
                        .collect(),
                )
            };
            let products = |v: &[crate::store::breakdowns::ProductFigures]| {
                Value::Object(
                    v.iter()
                        .map(|p| {
                            (
                                p.name.clone(),
                                json!({
                                    "revenue": money_text(p.revenue),
                                    "purchases": p.purchases,
                                    "buyers": p.buyers,
                                    "repeat_buyers": p.repeat_buyers,
                                    "repurchase_rate": Measure::Rate(ratio(p.repeat_buyers, p.buyers)).json(),
                                }),
                            )
                        })
                        .collect(),
                )
            };
            m.insert("by_product".into(), products(&f.raw.by_product));
            m.insert("by_category".into(), products(&f.raw.by_category));
            m.insert("by_source".into(), segments(&f.raw.by_source));
            m.insert("by_campaign".into(), segments(&f.raw.by_campaign));
            m.insert(
                "complaints_by_department".into(),
                Value::Object(
                    f.raw
                        .by_department
                        .iter()
                        .map(|d| {
                            let hours =
                                |v: &[f64]| json!(median(v).map(|h| (h * 100.0).round() / 100.0));
                            (
                                d.department.clone(),
                                json!({
                                    "complaints": d.complaints,
                                    "median_first_response_hours": hours(&d.response_hours),
                                    "median_resolution_hours": hours(&d.resolution_hours),
                                }),
                            )
                        })
                        .collect(),
                ),
            );
            m.insert("revenue_by_tier".into(), money(&f.raw.revenue_by_tier));
            m.insert("revenue_per_month".into(), money(&f.raw.revenue_per_month));
            m.insert("complaints".into(), json!(f.raw.complaints));
            m.insert("churned".into(), json!(f.raw.churned));
            m
        };
        let mut top = figures(&self.current, |l| l.now);
        top.insert(
            "period".into(),
            json!({"from": self.period.from.to_string(), "to": self.period.to.to_string()}),
        );
        top.insert("owner".into(), json!(self.owner));
        let mut prev = figures(&self.previous, |l| l.now);
        prev.insert(
            "period".into(),
            json!({"from": self.previous_period.from.to_string(), "to": self.previous_period.to.to_string()}),
        );
        top.insert("previous".into(), Value::Object(prev));
        let targets: Map<String, Value> = self
            .lines()
            .iter()
            .filter_map(|l| {
                let t = l.target.as_ref()?;
                let value = match t.kind() {
                    Kind::Money => json!(money_text(t.value.round() as i64)),
                    Kind::Count => json!(t.value.round() as i64),
                    Kind::Rate | Kind::Number => json!(t.value),
                };
                Some((
                    l.key.to_string(),
                    json!({
                        "target": value,
                        "direction": if LOWER_IS_BETTER.contains(&l.key) { "at_most" } else { "at_least" },
                        "set_for": t.owner.as_deref().unwrap_or("team"),
                        "met": l.met(),
                    }),
                ))
            })
            .collect();
        top.insert("targets".into(), Value::Object(targets));
        top.insert("forecast".into(), forecast::json(&self.forecast));
        Value::Object(top)
    }
}

/// The plan table, as rows of text cells (header first).
pub fn plan_rows(store: &Store, owner: Option<&str>, clock: &Clock) -> Result<Vec<Vec<String>>> {
    let rows = store.read(|c| reports::plan(c, owner))?;
    let mut out = vec![
        [
            "plan.customer",
            "plan.contact",
            "plan.last_contact",
            "plan.purchases",
            "plan.total",
            "plan.last_purchase",
            "plan.service_needs",
            "plan.campaigns",
            "plan.value",
            "plan.feedback",
            "plan.next_todo",
            "plan.due",
        ]
        .map(|k| crate::i18n::t(k).to_string())
        .to_vec(),
    ];
    for r in rows {
        let (todo, due) = r.next_todo.clone().unwrap_or_default();
        out.push(vec![
            r.name,
            r.contact,
            r.last_contact
                .as_deref()
                .and_then(|s| clock.local_date_of(s))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.purchases.to_string(),
            money_text(r.purchase_total),
            r.last_purchase.unwrap_or_default(),
            r.service_needs.unwrap_or_default(),
            match (r.campaigns.is_empty(), r.invited_only.is_empty()) {
                (_, true) => r.campaigns,
                (true, false) => crate::i18n::tf("plan.invited", &[("names", &r.invited_only)]),
                (false, false) => format!(
                    "{} · {}",
                    r.campaigns,
                    crate::i18n::tf("plan.invited", &[("names", &r.invited_only)])
                ),
            },
            r.value_score.to_string(),
            r.feedback.unwrap_or_default(),
            todo,
            due.unwrap_or_default(),
        ]);
    }
    Ok(out)
}

/// A CSV cell: quoted when needed, and a text cell a spreadsheet would run as a formula
/// (starting with = + - @, tab or CR) is prefixed with `'` as OWASP recommends. Plain numbers
/// (such as a negative amount) are left as they are.
pub fn csv_cell(text: &str) -> String {
    let numeric = text.parse::<f64>().is_ok();
    let risky = !numeric && text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let body = if risky {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if body.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", body.replace('"', "\"\""))
    } else {
        body
    }
}

/// A Markdown table cell: pipes escaped, line breaks flattened.
pub fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_never_divide_by_zero() {
        let f = Figures::from_raw(Raw::default());
        assert_eq!(f.churn_rate, None);
        assert_eq!(f.average_purchase_value, None);
        assert_eq!(f.median_first_response_hours, None);
        let r = Report {
            period: Period::default_for(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
            previous_period: Period::default_for(NaiveDate::from_ymd_opt(2026, 10, 23).unwrap()),
            owner: None,
            current: f.clone(),
            previous: f,
            targets: Vec::new(),
            forecast: Vec::new(),
        };
        let j = r.json();
        assert_eq!(j["churn_rate"], Value::Null);
        assert_eq!(j["customer_lifetime_value"], Value::Null);
        assert!(!j.to_string().contains("NaN"));
        assert!(r.lines().iter().any(|l| l.now.text() == "–"));
    }

    #[test]
    fn periods_and_medians() {
        let p = Period::default_for(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert_eq!(p.from.to_string(), "2026-10-24");
        let prev = p.previous();
        assert_eq!(
            (prev.from.to_string(), prev.to.to_string()),
            ("2026-09-24".into(), "2026-10-23".into())
        );
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0]), Some(2.5));
    }

    #[test]
    fn csv_cells_are_safe() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-35.00"), "-35.00");
        assert_eq!(csv_cell("+86 138"), "'+86 138");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(md_cell("a|b"), "a\\|b");
    }

    #[test]
    fn an_unchanged_figure_as_shown_has_no_arrow_and_good_news_depends_on_the_figure() {
        let line = |key, now, before| Line {
            key,
            label: "",
            now: Measure::Rate(Some(now)),
            before: Measure::Rate(Some(before)),
            target: None,
        };
        assert_eq!(line("conversion_rate", 0.3331, 0.3329).arrow(), "→");
        assert_eq!(line("conversion_rate", 0.3331, 0.3329).better(), None);
        assert_eq!(line("conversion_rate", 0.40, 0.30).better(), Some(true));
        assert_eq!(line("churn_rate", 0.40, 0.30).arrow(), "↑");
        assert_eq!(line("churn_rate", 0.40, 0.30).better(), Some(false));
        assert_eq!(line("churn_rate", 0.10, 0.30).better(), Some(true));
    }

    #[test]
    fn every_line_is_a_figure_a_target_can_be_set_for_with_the_same_kind() {
        let f = Figures::from_raw(Raw::default());
        let lines = lines_of(&f, &f);
        let keys: Vec<&str> = lines.iter().map(|l| l.key).collect();
        let figures: Vec<&str> = crate::domain::targets::FIGURES
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(keys, figures);
        for l in &lines {
            let kind = match l.now {
                Measure::Count(_) => Kind::Count,
                Measure::Money(_) => Kind::Money,
                Measure::Rate(_) => Kind::Rate,
                Measure::Number(_) => Kind::Number,
            };
            assert_eq!(
                crate::domain::targets::kind_of(l.key),
                Some(kind),
                "{}",
                l.key
            );
        }
    }

    #[test]
    fn money_averages_round_half_up_to_the_cent() {
        assert_eq!(average_money(20_000, 3), Some(6_667));
        assert_eq!(average_money(10_000, 3), Some(3_333));
        assert_eq!(average_money(5, 2), Some(3));
        assert_eq!(average_money(-5, 2), Some(-3));
        assert_eq!(average_money(7, 0), None);
    }
}
