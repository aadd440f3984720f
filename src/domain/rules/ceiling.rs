//! The most each rule in [`super`] can score (see the module's use in `kehu today --limit`).

use super::Rfm;
use super::weights::*;

const fn max(a: i64, b: i64) -> i64 {
    if a > b { a } else { b }
}

/// What the customer adds at most: the VIP tier and the highest value score.
const WHO: i64 = VIP + Rfm::MAX_TOTAL as i64 * PER_VALUE_POINT;
/// The widest amount a deal can have: `i64::MAX / 100` has seventeen digits.
const AMOUNT_DIGITS: i64 = 17;

pub const TODO: i64 = PROMISE + TODO_BASE + max(MAX_OVERDUE, DUE_TODAY) + HIGH_PRIORITY + WHO;
pub const COMPLAINT: i64 = COMPLAINT_BASE
    + PROMISE
    + max(COMPLAINT_OVER + MAX_HOURS_OVER, COMPLAINT_UNDER_6H)
    + max(CRITICAL, HIGH_SEVERITY)
    + WHO;
pub const CADENCE: i64 = CADENCE_BASE + MAX_PAST_CADENCE + WHO;
pub const BIRTHDAY: i64 = BIRTHDAY_BASE + 7 * PER_DAY_SOONER + WHO;
pub const SURVEY: i64 = max(
    SURVEY_BASE + MAX_PAST_SURVEY,
    CHECKBACK_BASE + MAX_PAST_CHECKBACK,
) + WHO;
pub const AGREEMENT: i64 = AGREEMENT_BASE + max(AGREEMENT_PAST + MAX_PAST_AGREEMENT, 60) + WHO;
pub const COUPON: i64 = COUPON_BASE + 30 * PER_DAY_SOONER_COUPON / 3 + WHO;
pub const DEAL: i64 = DEAL_BASE + MAX_PAST_CLOSE + AMOUNT_DIGITS + WHO;

#[cfg(test)]
mod tests {
    use super::super::*;
    use chrono::{Duration, NaiveDate};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Each rule swept over its inputs: never above its ceiling, and reaching it (a ceiling
    /// set too high would only make `--limit` read more; one too low would drop rows).
    #[test]
    fn each_rule_stays_under_its_ceiling_and_reaches_it() {
        let today = d("2026-11-28");
        let tiers = [Tier::Vip, Tier::Regular, Tier::Potential];
        let values = [0, 3, 9, Rfm::MAX_TOTAL];
        let days = [
            -400, -61, -30, -7, -1, 0, 1, 2, 6, 7, 8, 20, 29, 30, 31, 59, 60, 61, 400,
        ];
        let top = |scores: &mut dyn Iterator<Item = i64>, ceiling: i64, what: &str| {
            let mut most = i64::MIN;
            for s in scores {
                assert!(s <= ceiling, "{what}: {s} above its ceiling {ceiling}");
                most = most.max(s);
            }
            assert_eq!(most, ceiling, "{what}: the ceiling is never reached");
        };
        let who = || {
            tiers
                .iter()
                .flat_map(|t| values.iter().map(move |v| (*t, *v)))
        };
        top(
            &mut who().flat_map(|(t, v)| {
                days.iter().flat_map(move |n| {
                    [Priority::Low, Priority::Normal, Priority::High].map(|p| {
                        let due = (*n != 0).then(|| today - Duration::days(*n));
                        todo_urgency(due, today, p, Some(t), v).score
                    })
                })
            }),
            ceiling::TODO,
            "to-do",
        );
        top(
            &mut who().flat_map(|(t, v)| {
                days.iter().flat_map(move |h| {
                    [
                        Severity::Low,
                        Severity::Normal,
                        Severity::High,
                        Severity::Critical,
                    ]
                    .map(|s| complaint_urgency(Duration::hours(*h), s, t, v).score)
                })
            }),
            ceiling::COMPLAINT,
            "complaint",
        );
        top(
            &mut who().flat_map(|(t, v)| {
                days.iter()
                    .map(move |n| cadence_urgency(30 + n, 30, t, v).score)
            }),
            ceiling::CADENCE,
            "cadence",
        );
        top(
            &mut who().flat_map(|(t, v)| {
                days.iter()
                    .filter(|n| **n >= 0)
                    .map(move |n| birthday_urgency(*n, t, v).score)
            }),
            ceiling::BIRTHDAY,
            "birthday",
        );
        top(
            &mut who().flat_map(|(t, v)| {
                days.iter().flat_map(move |n| {
                    [
                        survey_urgency(*n, 90, t, v).score,
                        checkback_urgency(*n, 7, t, v).score,
                    ]
                })
            }),
            ceiling::SURVEY,
            "survey",
        );
        top(
            &mut who()
                .flat_map(|(t, v)| days.iter().map(move |n| agreement_urgency(*n, t, v).score)),
            ceiling::AGREEMENT,
            "agreement",
        );
        top(
            &mut who().flat_map(|(t, v)| {
                days.iter()
                    .filter(|n| **n >= 0)
                    .map(move |n| coupon_urgency(*n, t, v).score)
            }),
            ceiling::COUPON,
            "coupon",
        );
        top(
            &mut who().flat_map(|(t, v)| {
                days.iter().flat_map(move |n| {
                    [-500, 0, 99, 10_000, i64::MAX].map(|a| deal_urgency(*n, a, t, v).score)
                })
            }),
            ceiling::DEAL,
            "deal",
        );
    }
}
