//! The account manager's rules as plain functions: the value score (RFM), churn-risk signals,
//! the 24-hour complaint clock and the urgency that ranks the Today queue. The current time is
//! passed in; the weights are constants documented in the README.

use crate::i18n::{t, tf};
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Priority, Severity, Tier};

// ---- value (RFM) ----------------------------------------------------------------------------

/// Where the database's buyers put each fifth, on recency (days since the last purchase),
/// frequency (purchases) and monetary value (total spent): for each, the values at which the
/// fifth steps up. A value's fifth is the one its mid-rank among all buyers falls in (ties share
/// the middle of their range), and the mid-rank only grows with the value, so four cut points
/// per measure give that fifth exactly for any value, however many buyers there are.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RfmThresholds {
    /// How many buyers the cut points come from (none: every score is the middle).
    pub buyers: usize,
    /// Recency is cut on minus the days, so that more recent is higher like the others.
    pub recency_cuts: Vec<i64>,
    pub frequency_cuts: Vec<i64>,
    pub monetary_cuts: Vec<i64>,
}

/// A customer's value score: each part 1–5 against the whole database, 0 for non-buyers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rfm {
    pub recency: u8,
    pub frequency: u8,
    pub monetary: u8,
}

impl Rfm {
    /// The most a total can be: each part is at most 5.
    pub const MAX_TOTAL: u8 = 15;

    /// 3–15 for buyers, 0 for customers who never bought.
    pub fn total(self) -> u8 {
        self.recency + self.frequency + self.monetary
    }

    /// The tier the score suggests; the user's tier stays the override.
    pub fn suggested_tier(self) -> Tier {
        match self.total() {
            12.. => Tier::Vip,
            7.. => Tier::Regular,
            _ => Tier::Potential,
        }
    }
}

/// The value score as kept with the customer: the RFM parts and, when the account manager rated
/// it, cooperation potential (合作潜力, 1–5) weighed in. The score stays on RFM's 0–15 scale so
/// that sorting, tiers and filters mean the same with or without potential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValueScore {
    pub rfm: Rfm,
    pub potential: Option<u8>,
    /// The score as stored (the weighed one).
    pub score: u8,
}

impl ValueScore {
    /// `rfm` with `potential` weighed in at `weight_percent`: potential 1–5 counts as 3–15 on
    /// RFM's scale, and the score is `(100 − w)% × RFM + w% × 3 × potential`, rounded. Without a
    /// rated potential (or at 0 %), the score is RFM's.
    pub fn weigh(rfm: Rfm, potential: Option<u8>, weight_percent: u8) -> ValueScore {
        let base = u32::from(rfm.total());
        let score = match potential.filter(|p| (1..=5).contains(p)) {
            Some(p) if weight_percent > 0 => {
                let w = u32::from(weight_percent.min(100));
                (((100 - w) * base + w * 3 * u32::from(p)) * 2 + 100) / 200
            }
            _ => base,
        };
        ValueScore {
            rfm,
            potential,
            score: score.min(15) as u8,
        }
    }

    /// 0–15: the stored score.
    pub fn total(self) -> u8 {
        self.score
    }

    /// The tier the score suggests; the user's tier stays the override.
    pub fn suggested_tier(self) -> Tier {
        match self.score {
            12.. => Tier::Vip,
            7.. => Tier::Regular,
            _ => Tier::Potential,
        }
    }
}

/// The fifth (1–5) that `value` falls in by its mid-rank among `sorted`: (values below it +
/// values at or below it) ÷ 2 ÷ their number, in integers so no rounding moves a boundary.
pub fn mid_rank_fifth(value: i64, sorted: &[i64]) -> u8 {
    let n = sorted.len();
    if n == 0 {
        return 3;
    }
    let below = sorted.partition_point(|x| *x < value);
    let at_or_below = sorted.partition_point(|x| *x <= value);
    (1 + 5 * (below + at_or_below) / (2 * n)).min(5) as u8
}

/// The smallest values at which [`mid_rank_fifth`] reaches 2, 3, 4 and 5 (fewer when a fifth is
/// never reached). The fifth is constant between two neighbouring values, so the only places it
/// can step up are a value itself and the value just above it.
fn cuts(mut sorted: Vec<i64>) -> Vec<i64> {
    sorted.sort_unstable();
    let mut distinct = sorted.clone();
    distinct.dedup();
    let mut out = Vec::new();
    let mut next = 2u8;
    for v in distinct.iter().flat_map(|d| [*d, d.saturating_add(1)]) {
        while next <= 5 && mid_rank_fifth(v, &sorted) >= next {
            out.push(v);
            next += 1;
        }
    }
    out
}

fn fifth(value: i64, cuts: &[i64], buyers: usize) -> u8 {
    if buyers == 0 {
        // Nothing to compare with yet: the middle.
        return 3;
    }
    1 + cuts.iter().filter(|c| **c <= value).count() as u8
}

impl RfmThresholds {
    /// Cut points from every buyer's (days since last purchase, purchases, total spent).
    pub fn from_buyers(buyers: &[(i64, i64, i64)]) -> RfmThresholds {
        RfmThresholds {
            buyers: buyers.len(),
            recency_cuts: cuts(buyers.iter().map(|b| -b.0).collect()),
            frequency_cuts: cuts(buyers.iter().map(|b| b.1).collect()),
            monetary_cuts: cuts(buyers.iter().map(|b| b.2).collect()),
        }
    }

    pub fn score(&self, days_since_purchase: Option<i64>, purchases: i64, total: i64) -> Rfm {
        let Some(days) = days_since_purchase.filter(|_| purchases > 0) else {
            return Rfm::default();
        };
        Rfm {
            recency: fifth(-days, &self.recency_cuts, self.buyers),
            frequency: fifth(purchases, &self.frequency_cuts, self.buyers),
            monetary: fifth(total, &self.monetary_cuts, self.buyers),
        }
    }
}

// ---- churn risk ----------------------------------------------------------------------------

/// A documented reason to think a customer is drifting away.
#[derive(Debug, Clone, PartialEq)]
pub enum RiskSignal {
    /// No contact for more than 1.5 × the cadence.
    NoContact { days: i64, cadence: i64 },
    /// With 3+ purchases: more than twice the median gap since the last one.
    PurchaseGap { days: i64, median_gap: i64 },
    /// The latest survey averages 2.5 or less.
    LowSatisfaction { average: f64 },
    /// An open complaint older than 3 days.
    OldComplaint { days: i64 },
}

impl RiskSignal {
    pub fn describe(&self) -> String {
        match self {
            RiskSignal::NoContact { days, cadence } => {
                tf("risk.no_contact", &[("days", days), ("cadence", cadence)])
            }
            RiskSignal::PurchaseGap { days, median_gap } => {
                tf("risk.purchase_gap", &[("days", days), ("gap", median_gap)])
            }
            RiskSignal::LowSatisfaction { average } => tf(
                "risk.low_satisfaction",
                &[("avg", &format!("{average:.1}"))],
            ),
            RiskSignal::OldComplaint { days } => tf("risk.old_complaint", &[("days", days)]),
        }
    }
}

/// What the churn rules look at for one customer.
#[derive(Debug, Clone, Default)]
pub struct RiskFacts {
    /// Last contact, or when the customer was added if never contacted.
    pub last_touch: Option<DateTime<Utc>>,
    pub cadence_days: i64,
    pub purchase_dates: Vec<NaiveDate>,
    pub latest_survey_average: Option<f64>,
    pub oldest_open_complaint: Option<DateTime<Utc>>,
}

pub const NO_CONTACT_FACTOR: f64 = 1.5;
pub const PURCHASE_GAP_FACTOR: i64 = 2;
pub const LOW_SATISFACTION: f64 = 2.5;
pub const COMPLAINT_AGE_DAYS: i64 = 3;

pub fn churn_signals(f: &RiskFacts, now: DateTime<Utc>, today: NaiveDate) -> Vec<RiskSignal> {
    let mut signals = Vec::new();
    // Thresholds compare exact durations: 3.5 days is more than 3 days.
    let day = 86_400.0;
    if let Some(t) = f.last_touch {
        let days = (now - t).num_days();
        if (now - t).num_seconds() as f64 > NO_CONTACT_FACTOR * f.cadence_days as f64 * day {
            signals.push(RiskSignal::NoContact {
                days,
                cadence: f.cadence_days,
            });
        }
    }
    if f.purchase_dates.len() >= 3 {
        let mut dates = f.purchase_dates.clone();
        dates.sort_unstable();
        let mut gaps: Vec<i64> = dates.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
        gaps.sort_unstable();
        // The median: the middle gap, or the mean of the two middle ones.
        let n = gaps.len();
        let median = if n % 2 == 1 {
            gaps[n / 2] as f64
        } else {
            (gaps[n / 2 - 1] + gaps[n / 2]) as f64 / 2.0
        }
        .max(1.0);
        let days = dates.last().map_or(0, |d| (today - *d).num_days());
        if days as f64 > PURCHASE_GAP_FACTOR as f64 * median {
            signals.push(RiskSignal::PurchaseGap {
                days,
                median_gap: median.round() as i64,
            });
        }
    }
    if let Some(average) = f.latest_survey_average.filter(|a| *a <= LOW_SATISFACTION) {
        signals.push(RiskSignal::LowSatisfaction { average });
    }
    if let Some(opened) = f.oldest_open_complaint {
        let days = (now - opened).num_days();
        if now - opened > Duration::days(COMPLAINT_AGE_DAYS) {
            signals.push(RiskSignal::OldComplaint { days });
        }
    }
    signals
}

// ---- complaint clock ------------------------------------------------------------------------

/// A complaint must get its first response within this many hours.
pub const FIRST_RESPONSE_HOURS: i64 = 24;

/// Inquiries and after-sales requests get a longer first-response clock than complaints,
/// settable per team (`response_hours.inquiry`, `response_hours.after_sales`).
pub const OTHER_RESPONSE_HOURS: i64 = 48;

/// Time left on a complaint's 24-hour first-response clock; negative when over.
pub fn response_time_left(opened_at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    response_time_left_within(opened_at, FIRST_RESPONSE_HOURS, now)
}

/// Time left on a first-response clock of `hours`; negative when over.
pub fn response_time_left_within(
    opened_at: DateTime<Utc>,
    hours: i64,
    now: DateTime<Utc>,
) -> Duration {
    opened_at + Duration::hours(hours) - now
}

/// "5h 10m left" or "3h over".
pub fn describe_clock(left: Duration) -> String {
    let minutes = left.num_minutes();
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    let amount = if h > 0 {
        format!("{h}h {m}m")
    } else {
        format!("{m}m")
    };
    let key = if minutes >= 0 {
        "clock.left"
    } else {
        "clock.over"
    };
    tf(key, &[("amount", &amount)])
}

// ---- urgency (the Today queue) ---------------------------------------------------------------

/// Weights of the urgency score (README: "The Today queue").
pub mod weights {
    pub const TODO_BASE: i64 = 50;
    pub const PER_DAY_OVERDUE: i64 = 10;
    pub const MAX_OVERDUE: i64 = 200;
    pub const DUE_TODAY: i64 = 30;
    pub const HIGH_PRIORITY: i64 = 20;
    pub const LOW_PRIORITY: i64 = -10;
    pub const CADENCE_BASE: i64 = 30;
    pub const PER_DAY_PAST_CADENCE: i64 = 3;
    pub const MAX_PAST_CADENCE: i64 = 150;
    pub const BIRTHDAY_BASE: i64 = 20;
    pub const PER_DAY_SOONER: i64 = 5;
    pub const COMPLAINT_BASE: i64 = 80;
    pub const COMPLAINT_UNDER_6H: i64 = 60;
    pub const COMPLAINT_OVER: i64 = 100;
    pub const PER_HOUR_OVER: i64 = 5;
    pub const MAX_HOURS_OVER: i64 = 200;
    pub const CRITICAL: i64 = 40;
    pub const HIGH_SEVERITY: i64 = 20;
    pub const SURVEY_BASE: i64 = 25;
    pub const PER_DAY_PAST_SURVEY: i64 = 1;
    pub const MAX_PAST_SURVEY: i64 = 60;
    pub const CHECKBACK_BASE: i64 = 45;
    pub const PER_DAY_PAST_CHECKBACK: i64 = 5;
    pub const MAX_PAST_CHECKBACK: i64 = 100;
    pub const AGREEMENT_BASE: i64 = 35;
    pub const AGREEMENT_PAST: i64 = 60;
    pub const MAX_PAST_AGREEMENT: i64 = 40;
    pub const COUPON_BASE: i64 = 20;
    pub const PER_DAY_SOONER_COUPON: i64 = 3;
    pub const DEAL_BASE: i64 = 40;
    pub const PER_DAY_PAST_CLOSE: i64 = 5;
    pub const MAX_PAST_CLOSE: i64 = 100;
    /// Promises (to-dos due or overdue, complaints on their clock) rank above every nudge
    /// (cadence reminders, birthdays, late deals): what someone said would happen comes first.
    pub const PROMISE: i64 = 1000;
    pub const VIP: i64 = 25;
    pub const REGULAR: i64 = 10;
    pub const PER_VALUE_POINT: i64 = 2;
}

/// The highest score each rule can give, for a VIP of the highest value: `kehu today --limit n`
/// leaves out a kind of row when `n` rows already found score above its ceiling, since none of
/// its rows could come before them (its tests hold each rule under its ceiling).
pub mod ceiling;

/// A score and the reasons for it, most important first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urgency {
    pub score: i64,
    pub why: Vec<String>,
}

impl Urgency {
    fn new(base: i64, why: impl Into<String>) -> Urgency {
        Urgency {
            score: base,
            why: vec![why.into()],
        }
    }
    fn add(&mut self, points: i64, why: impl Into<String>) {
        self.score += points;
        self.why.push(why.into());
    }
    /// Who the customer is: tier and value score.
    fn customer(&mut self, tier: Option<Tier>, value: u8) {
        match tier {
            Some(Tier::Vip) => self.add(weights::VIP, t("why.vip")),
            Some(Tier::Regular) => self.add(weights::REGULAR, t("why.regular")),
            _ => {}
        }
        if value > 0 {
            self.add(
                i64::from(value) * weights::PER_VALUE_POINT,
                tf("why.value", &[("n", &value)]),
            );
        }
    }
}

pub fn todo_urgency(
    due: Option<NaiveDate>,
    today: NaiveDate,
    priority: Priority,
    tier: Option<Tier>,
    value: u8,
) -> Urgency {
    let mut u = match due {
        Some(d) if d < today => {
            let days = (today - d).num_days();
            let mut u = Urgency::new(
                weights::TODO_BASE,
                tf(
                    if days == 1 {
                        "why.overdue_one"
                    } else {
                        "why.overdue"
                    },
                    &[("n", &days)],
                ),
            );
            u.score += (days * weights::PER_DAY_OVERDUE).min(weights::MAX_OVERDUE);
            u
        }
        Some(d) if d == today => {
            Urgency::new(weights::TODO_BASE + weights::DUE_TODAY, t("why.due_today"))
        }
        _ => Urgency::new(weights::TODO_BASE, t("why.todo")),
    };
    match priority {
        Priority::High => u.add(weights::HIGH_PRIORITY, t("why.high_priority")),
        Priority::Low => u.add(weights::LOW_PRIORITY, t("why.low_priority")),
        Priority::Normal => {}
    }
    // Due or overdue: a promise.
    if due.is_some_and(|d| d <= today) {
        u.score += weights::PROMISE;
    }
    u.customer(tier, value);
    u
}

/// The cadence reminder's score alone — what [`cadence_urgency`] adds up — for ranking tens of
/// thousands of reminders before any reason is worded (`kehu today --limit`).
pub fn cadence_score(days_since: i64, cadence: i64, tier: Tier, value: u8) -> i64 {
    let who = match tier {
        Tier::Vip => weights::VIP,
        Tier::Regular => weights::REGULAR,
        Tier::Potential => 0,
    };
    weights::CADENCE_BASE
        + ((days_since - cadence) * weights::PER_DAY_PAST_CADENCE).min(weights::MAX_PAST_CADENCE)
        + who
        + i64::from(value) * weights::PER_VALUE_POINT
}

pub fn cadence_urgency(days_since: i64, cadence: i64, tier: Tier, value: u8) -> Urgency {
    let past = days_since - cadence;
    let mut u = Urgency::new(
        weights::CADENCE_BASE,
        tf(
            "why.no_contact",
            &[("days", &days_since), ("cadence", &cadence)],
        ),
    );
    u.score += (past * weights::PER_DAY_PAST_CADENCE).min(weights::MAX_PAST_CADENCE);
    u.customer(Some(tier), value);
    u
}

pub fn birthday_urgency(days_until: i64, tier: Tier, value: u8) -> Urgency {
    let when = match days_until {
        0 => t("why.birthday_today").to_string(),
        1 => t("why.birthday_tomorrow").to_string(),
        d => tf("why.birthday_in", &[("n", &d)]),
    };
    let mut u = Urgency::new(
        weights::BIRTHDAY_BASE + (7 - days_until).max(0) * weights::PER_DAY_SOONER,
        when,
    );
    u.customer(Some(tier), value);
    u
}

/// A scheduled satisfaction survey `days_over` days past its tier's interval (`every`).
pub fn survey_urgency(days_over: i64, every: i64, tier: Tier, value: u8) -> Urgency {
    let mut u = Urgency::new(
        weights::SURVEY_BASE
            + (days_over.max(0) * weights::PER_DAY_PAST_SURVEY).min(weights::MAX_PAST_SURVEY),
        tf(
            "why.survey_due",
            &[("every", &every), ("n", &days_over.max(0))],
        ),
    );
    u.customer(Some(tier), value);
    u
}

/// A resolved complaint's satisfaction check-back, `days_over` days past its due date.
pub fn checkback_urgency(days_over: i64, ticket: i64, tier: Tier, value: u8) -> Urgency {
    let mut u = Urgency::new(
        weights::CHECKBACK_BASE
            + (days_over.max(0) * weights::PER_DAY_PAST_CHECKBACK).min(weights::MAX_PAST_CHECKBACK),
        tf(
            "why.checkback",
            &[("ticket", &ticket), ("n", &days_over.max(0))],
        ),
    );
    u.customer(Some(tier), value);
    u
}

/// An agreement in force whose end is `days_left` days away (negative: passed, not marked ended
/// or renewed).
pub fn agreement_urgency(days_left: i64, tier: Tier, value: u8) -> Urgency {
    let why = if days_left < 0 {
        tf("why.agreement_ended", &[("n", &-days_left)])
    } else {
        tf("why.agreement_ends", &[("n", &days_left)])
    };
    let score = if days_left < 0 {
        weights::AGREEMENT_BASE
            + weights::AGREEMENT_PAST
            + (-days_left * 2).min(weights::MAX_PAST_AGREEMENT)
    } else {
        weights::AGREEMENT_BASE + (60 - days_left).clamp(0, 60)
    };
    let mut u = Urgency::new(score, why);
    u.customer(Some(tier), value);
    u
}

/// A coupon expiring unused in `days_left` days (0: today): the sooner, the more pressing.
pub fn coupon_urgency(days_left: i64, tier: Tier, value: u8) -> Urgency {
    let why = if days_left == 0 {
        t("why.coupon_expires_today").to_string()
    } else {
        tf("why.coupon_expires", &[("n", &days_left)])
    };
    let mut u = Urgency::new(
        weights::COUPON_BASE + (30 - days_left).clamp(0, 30) * weights::PER_DAY_SOONER_COUPON / 3,
        why,
    );
    u.customer(Some(tier), value);
    u
}

pub fn complaint_urgency(left: Duration, severity: Severity, tier: Tier, value: u8) -> Urgency {
    let mut u = Urgency::new(
        weights::COMPLAINT_BASE + weights::PROMISE,
        tf("why.first_response", &[("clock", &describe_clock(left))]),
    );
    let hours = left.num_hours();
    if left < Duration::zero() {
        u.score += weights::COMPLAINT_OVER
            + ((-hours) * weights::PER_HOUR_OVER).min(weights::MAX_HOURS_OVER);
    } else if hours < 6 {
        u.score += weights::COMPLAINT_UNDER_6H;
    }
    match severity {
        Severity::Critical => u.add(weights::CRITICAL, t("why.critical")),
        Severity::High => u.add(weights::HIGH_SEVERITY, t("why.high_severity")),
        _ => {}
    }
    u.customer(Some(tier), value);
    u
}

pub fn deal_urgency(days_past_close: i64, amount: i64, tier: Tier, value: u8) -> Urgency {
    let mut u = Urgency::new(
        weights::DEAL_BASE,
        tf("why.deal_late", &[("n", &days_past_close)]),
    );
    u.score += (days_past_close * weights::PER_DAY_PAST_CLOSE).min(weights::MAX_PAST_CLOSE);
    // Bigger deals first: a point per digit of the amount in whole units.
    u.score += (amount / 100).max(1).to_string().len() as i64;
    u.customer(Some(tier), value);
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cadence_score_alone_is_the_cadence_urgencys_score() {
        for tier in [Tier::Vip, Tier::Regular, Tier::Potential] {
            for (days, cadence, value) in [(31, 30, 0), (400, 7, 15), (8, 7, 3), (90, 60, 12)] {
                assert_eq!(
                    cadence_score(days, cadence, tier, value),
                    cadence_urgency(days, cadence, tier, value).score,
                    "{tier:?} {days} {cadence} {value}"
                );
            }
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn promises_rank_above_nudges_and_every_term_is_said() {
        let today = d("2026-11-22");
        let vip_due = todo_urgency(Some(today), today, Priority::High, Some(Tier::Vip), 15);
        let potential_nudge = cadence_urgency(400, 14, Tier::Potential, 15);
        let vip_nudge = cadence_urgency(400, 30, Tier::Vip, 15);
        let overdue_low = todo_urgency(
            Some(d("2026-11-13")),
            today,
            Priority::Low,
            Some(Tier::Potential),
            0,
        );
        assert!(vip_due.score > potential_nudge.score);
        assert!(
            vip_due.score > vip_nudge.score,
            "a promise outranks a nudge"
        );
        assert!(
            overdue_low.score > vip_nudge.score,
            "nudges stay below overdue promises"
        );
        let complaint = complaint_urgency(Duration::hours(4), Severity::Normal, Tier::Potential, 0);
        assert!(complaint.score > vip_nudge.score);
        assert!(
            overdue_low.why.iter().any(|w| w.contains("low")),
            "{:?}",
            overdue_low.why
        );
        let regular = todo_urgency(Some(today), today, Priority::Normal, Some(Tier::Regular), 0);
        assert!(
            regular.why.iter().any(|w| w.contains("regular")),
            "{:?}",
            regular.why
        );
    }

    #[test]
    fn rfm_scores_against_the_whole_database() {
        // Ten buyers: (days since purchase, purchases, total).
        let buyers: Vec<(i64, i64, i64)> = (1..=10).map(|i| (i * 10, i, i * 1000)).collect();
        let th = RfmThresholds::from_buyers(&buyers);
        let best = th.score(Some(10), 10, 10_000);
        assert_eq!((best.recency, best.frequency, best.monetary), (5, 5, 5));
        assert_eq!(best.suggested_tier(), Tier::Vip);
        let worst = th.score(Some(100), 1, 1000);
        assert_eq!((worst.recency, worst.frequency, worst.monetary), (1, 1, 1));
        assert_eq!(worst.suggested_tier(), Tier::Potential);
        let mid = th.score(Some(50), 5, 5000);
        assert_eq!(mid.total(), 9);
        assert_eq!(mid.suggested_tier(), Tier::Regular);
        assert_eq!(th.score(None, 0, 0), Rfm::default());
    }

    #[test]
    fn potential_weighs_into_the_score_on_the_same_scale() {
        let rfm = Rfm {
            recency: 4,
            frequency: 3,
            monetary: 5,
        };
        // Unrated or weighed at 0 %: RFM's 12.
        assert_eq!(ValueScore::weigh(rfm, None, 25).total(), 12);
        assert_eq!(ValueScore::weigh(rfm, Some(1), 0).total(), 12);
        // 75 % × 12 + 25 % × 3 × 2 = 9 + 1.5 = 10.5 → 11 (halves round up).
        assert_eq!(ValueScore::weigh(rfm, Some(2), 25).total(), 11);
        // Potential 5 at 25 %: 9 + 3.75 = 12.75 → 13, a VIP suggestion.
        let high = ValueScore::weigh(rfm, Some(5), 25);
        assert_eq!((high.total(), high.suggested_tier()), (13, Tier::Vip));
        // A prospect who never bought is lifted by a high potential alone: 25 % × 15 = 3.75 → 4.
        assert_eq!(ValueScore::weigh(Rfm::default(), Some(5), 25).total(), 4);
        // All weight on potential: 3 × potential.
        assert_eq!(ValueScore::weigh(rfm, Some(3), 100).total(), 9);
        assert_eq!(
            RfmThresholds::from_buyers(&[]).score(Some(1), 1, 1).total(),
            9,
            "no database to compare with: the middle"
        );
    }

    /// The cut points give exactly the documented mid-rank fifth, for values in the book and
    /// between them, with ties, at sizes 5 does not divide, and at 10,007 buyers.
    #[test]
    fn rfm_cut_points_give_the_exact_mid_rank_fifth() {
        let mut seed = 42u64;
        let mut next = move |m: i64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as i64
        };
        for (n, spread) in [
            (1, 10),
            (2, 3),
            (7, 5),
            (13, 1000),
            (101, 20),
            (10_007, 500_000),
        ] {
            let mut values: Vec<i64> = (0..n).map(|_| next(spread)).collect();
            let cut = cuts(values.clone());
            values.sort_unstable();
            for v in -2..spread + 2 {
                if spread > 1000 && v % 97 != 0 && values.binary_search(&v).is_err() {
                    continue;
                }
                let by_cuts = 1 + cut.iter().filter(|c| **c <= v).count() as u8;
                assert_eq!(by_cuts, mid_rank_fifth(v, &values), "n {n}, value {v}");
            }
            for v in &values {
                let by_cuts = 1 + cut.iter().filter(|c| *c <= v).count() as u8;
                assert_eq!(by_cuts, mid_rank_fifth(*v, &values), "n {n}, value {v}");
            }
        }
    }

    #[test]
    fn churn_signals_each_rule() {
        let now = t("2026-11-22T02:00:00Z");
        let today = d("2026-11-22");
        let quiet = RiskFacts {
            last_touch: Some(t("2026-10-01T00:00:00Z")),
            cadence_days: 30,
            ..Default::default()
        };
        assert_eq!(
            churn_signals(&quiet, now, today),
            vec![RiskSignal::NoContact {
                days: 52,
                cadence: 30
            }]
        );
        let recent = RiskFacts {
            last_touch: Some(t("2026-11-01T00:00:00Z")),
            cadence_days: 30,
            ..Default::default()
        };
        assert!(
            churn_signals(&recent, now, today).is_empty(),
            "21 days is within 1.5 x 30"
        );

        let buyer = RiskFacts {
            purchase_dates: vec![d("2026-07-01"), d("2026-07-31"), d("2026-08-30")],
            cadence_days: 90,
            ..Default::default()
        };
        assert_eq!(
            churn_signals(&buyer, now, today),
            vec![RiskSignal::PurchaseGap {
                days: 84,
                median_gap: 30
            }]
        );
        let two = RiskFacts {
            purchase_dates: vec![d("2025-01-01"), d("2025-02-01")],
            ..buyer.clone()
        };
        assert!(
            churn_signals(&two, now, today).is_empty(),
            "needs at least 3 purchases"
        );

        let unhappy = RiskFacts {
            latest_survey_average: Some(2.5),
            ..Default::default()
        };
        assert_eq!(
            churn_signals(&unhappy, now, today),
            vec![RiskSignal::LowSatisfaction { average: 2.5 }]
        );
        let content = RiskFacts {
            latest_survey_average: Some(2.67),
            ..Default::default()
        };
        assert!(churn_signals(&content, now, today).is_empty());

        let complaint = RiskFacts {
            oldest_open_complaint: Some(t("2026-11-18T00:00:00Z")),
            ..Default::default()
        };
        assert_eq!(
            churn_signals(&complaint, now, today),
            vec![RiskSignal::OldComplaint { days: 4 }]
        );
        let fresh = RiskFacts {
            oldest_open_complaint: Some(t("2026-11-20T00:00:00Z")),
            ..Default::default()
        };
        assert!(churn_signals(&fresh, now, today).is_empty());
        // Exact durations: three and a half days open is more than three days; three is not.
        let three_and_a_half = RiskFacts {
            oldest_open_complaint: Some(now - Duration::hours(84)),
            ..Default::default()
        };
        assert_eq!(
            churn_signals(&three_and_a_half, now, today),
            vec![RiskSignal::OldComplaint { days: 3 }]
        );
        let three = RiskFacts {
            oldest_open_complaint: Some(now - Duration::days(3)),
            ..Default::default()
        };
        assert!(churn_signals(&three, now, today).is_empty());
        // The median of an even number of gaps is the mean of the middle two: gaps 10, 20, 30, 40
        // have median 25, so 55 days since the last purchase is past twice it (50), 45 is not.
        let buys = |last_ago: i64| RiskFacts {
            purchase_dates: [100, 90, 70, 40, 0]
                .iter()
                .map(|back| today - Duration::days(back + last_ago))
                .collect(),
            ..Default::default()
        };
        assert_eq!(
            churn_signals(&buys(55), now, today),
            vec![RiskSignal::PurchaseGap {
                days: 55,
                median_gap: 25
            }]
        );
        assert!(churn_signals(&buys(45), now, today).is_empty());
    }

    #[test]
    fn complaint_clock() {
        let opened = t("2026-11-21T10:00:00Z");
        assert_eq!(
            describe_clock(response_time_left(opened, t("2026-11-22T04:50:00Z"))),
            "5h 10m left"
        );
        assert_eq!(
            describe_clock(response_time_left(opened, t("2026-11-22T13:00:00Z"))),
            "3h 0m over"
        );
        assert_eq!(
            describe_clock(response_time_left(opened, t("2026-11-22T09:30:00Z"))),
            "30m left"
        );
    }

    #[test]
    fn urgency_ranks_and_explains() {
        let today = d("2026-11-22");
        let late = todo_urgency(
            Some(d("2026-11-19")),
            today,
            Priority::High,
            Some(Tier::Vip),
            12,
        );
        assert_eq!(late.score, 1000 + 50 + 30 + 20 + 25 + 24);
        assert_eq!(
            late.why,
            vec!["overdue 3 days", "high priority", "VIP", "value 12/15"]
        );
        let due = todo_urgency(
            Some(today),
            today,
            Priority::Normal,
            Some(Tier::Potential),
            0,
        );
        assert_eq!(
            (due.score, due.why.clone()),
            (1080, vec!["due today".to_string()])
        );
        assert!(late.score > due.score);

        let over = complaint_urgency(Duration::hours(-3), Severity::Critical, Tier::Regular, 0);
        let near = complaint_urgency(Duration::hours(4), Severity::Normal, Tier::Regular, 0);
        let fresh = complaint_urgency(Duration::hours(20), Severity::Normal, Tier::Regular, 0);
        assert!(over.score > near.score && near.score > fresh.score);
        assert_eq!(over.why[0], "first response: 3h 0m over");

        let soon = birthday_urgency(1, Tier::Vip, 0);
        let later = birthday_urgency(6, Tier::Vip, 0);
        assert!(soon.score > later.score);
        assert_eq!(soon.why[0], "birthday tomorrow");

        let cadence = cadence_urgency(50, 30, Tier::Vip, 0);
        assert_eq!(cadence.score, 30 + 60 + 25);
        let deal = deal_urgency(4, 1_000_000, Tier::Regular, 0);
        assert_eq!(deal.score, 40 + 20 + 5 + 10);
    }
}
