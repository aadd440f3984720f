//! The loyalty programme's rules as plain functions: points earned for a purchase, member levels
//! and their benefits, and the coupon's discount. The numbers come from the team settings.

use super::{InputError, Tier};
use crate::i18n::tf;

/// How points are earned, from the settings `points.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct EarnRules {
    /// Points per whole currency unit spent.
    pub per_unit: f64,
    /// The tier's multiplier: VIP, regular, potential.
    pub multiplier: [f64; 3],
    pub survey_bonus: i64,
    pub referral_bonus: i64,
    /// Months after which earned points expire (none: never).
    pub expire_months: Option<u32>,
}

impl EarnRules {
    /// Points for a purchase of `amount` minor units by a customer of `tier`: whole points,
    /// rounded down (towards zero, so a refund takes back what its purchase gave).
    pub fn for_purchase(&self, amount: i64, tier: Tier) -> i64 {
        let m = self.multiplier[match tier {
            Tier::Vip => 0,
            Tier::Regular => 1,
            Tier::Potential => 2,
        }];
        // In hundredths of a point, in integers, so 0.1 × ¥10 is exactly 1.
        let per_unit_hundredths = (self.per_unit * m * 100.0).round() as i128;
        (i128::from(amount) * per_unit_hundredths / 10_000) as i64
    }
}

/// A member level: reached at `threshold` (points earned, or whole currency units spent) with
/// the benefits it brings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Level {
    pub name: String,
    pub threshold: i64,
    pub benefits: Vec<String>,
}

/// What a level is reached by: points earned over the membership, or money spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LevelBy {
    #[default]
    Points,
    Spend,
}

/// Levels written `NAME THRESHOLD: benefit, benefit; NAME THRESHOLD: …` (the threshold is the
/// last word before the colon), from lowest to highest.
pub fn parse_levels(value: &str) -> Result<Vec<Level>, InputError> {
    let mut out: Vec<Level> = Vec::new();
    if value.trim().eq_ignore_ascii_case("off") {
        return Ok(out);
    }
    for entry in value
        .split([';', '；'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let (head, benefits) = entry.split_once([':', '：']).unwrap_or((entry, ""));
        let bad = || {
            InputError::new(
                "loyalty.levels",
                tf("err.level_entry", &[("entry", &entry)]),
            )
        };
        let (name, threshold) = head.trim().rsplit_once(' ').ok_or_else(bad)?;
        let threshold: i64 = threshold
            .trim()
            .replace(',', "")
            .parse()
            .map_err(|_| bad())?;
        if name.trim().is_empty() || threshold < 0 {
            return Err(bad());
        }
        out.push(Level {
            name: name.trim().to_string(),
            threshold,
            benefits: benefits
                .split([',', '，', '、'])
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    out.sort_by_key(|l| l.threshold);
    if out.windows(2).any(|w| w[0].threshold == w[1].threshold) {
        return Err(InputError::new(
            "loyalty.levels",
            tf("err.level_twice", &[("text", &value.trim())]),
        ));
    }
    Ok(out)
}

/// The levels as they are stored: one spelling whatever was typed.
pub fn levels_text(levels: &[Level]) -> String {
    if levels.is_empty() {
        return "off".into();
    }
    levels
        .iter()
        .map(|l| {
            if l.benefits.is_empty() {
                format!("{} {}", l.name, l.threshold)
            } else {
                format!("{} {}: {}", l.name, l.threshold, l.benefits.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The highest level `measure` reaches, and the next one with what is missing to it.
pub fn standing(levels: &[Level], measure: i64) -> (Option<&Level>, Option<(&Level, i64)>) {
    let reached = levels.iter().rev().find(|l| measure >= l.threshold);
    let next = levels
        .iter()
        .find(|l| measure < l.threshold)
        .map(|l| (l, l.threshold - measure));
    (reached, next)
}

/// A coupon's worth: a fixed amount off, or a per cent off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponValue {
    /// Minor units off.
    Amount(i64),
    Percent(i64),
}

impl CouponValue {
    /// What the coupon took off a purchase whose recorded amount (what the customer paid) is
    /// `paid`: the amount itself (at most the price before it), or for a per cent the list price
    /// less what was paid, `paid × p ÷ (100 − p)`, rounded to the minor unit.
    pub fn discount(self, paid: i64) -> i64 {
        match self {
            CouponValue::Amount(a) => a,
            CouponValue::Percent(p) => {
                let p = p.clamp(1, 99);
                (paid * p * 2 + (100 - p)) / ((100 - p) * 2)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> EarnRules {
        EarnRules {
            per_unit: 1.0,
            multiplier: [2.0, 1.0, 1.0],
            survey_bonus: 50,
            referral_bonus: 200,
            expire_months: Some(24),
        }
    }

    #[test]
    fn a_purchase_earns_whole_points_by_tier() {
        let r = rules();
        assert_eq!(r.for_purchase(123_456, Tier::Regular), 1234);
        assert_eq!(r.for_purchase(123_456, Tier::Vip), 2469);
        assert_eq!(r.for_purchase(99, Tier::Regular), 0);
        // A refund takes back what the purchase gave.
        assert_eq!(r.for_purchase(-123_456, Tier::Regular), -1234);
        let tenth = EarnRules { per_unit: 0.1, ..r };
        assert_eq!(tenth.for_purchase(1000, Tier::Regular), 1);
    }

    #[test]
    fn levels_read_in_either_punctuation_and_rank_by_threshold() {
        let l =
            parse_levels("金卡 Gold 5,000：95折、优先服务; Silver 1000: birthday gift").unwrap();
        assert_eq!(l[0].name, "Silver");
        assert_eq!(l[1].name, "金卡 Gold");
        assert_eq!(l[1].threshold, 5000);
        assert_eq!(l[1].benefits, vec!["95折", "优先服务"]);
        assert_eq!(
            levels_text(&l),
            "Silver 1000: birthday gift; 金卡 Gold 5000: 95折, 优先服务"
        );
        let (now, next) = standing(&l, 1200);
        assert_eq!(now.map(|l| l.name.as_str()), Some("Silver"));
        assert_eq!(
            next.map(|(l, n)| (l.name.as_str(), n)),
            Some(("金卡 Gold", 3800))
        );
        assert_eq!(standing(&l, 10).0, None);
        assert!(parse_levels("Gold: x").is_err());
        assert!(parse_levels("A 10; B 10").is_err());
        assert!(parse_levels("off").unwrap().is_empty());
    }

    #[test]
    fn a_per_cent_coupon_gives_back_the_list_price_less_what_was_paid() {
        // Paid ¥90 with 10 % off: the list price was ¥100, the coupon took ¥10.
        assert_eq!(CouponValue::Percent(10).discount(9000), 1000);
        assert_eq!(CouponValue::Amount(5000).discount(9000), 5000);
        assert_eq!(CouponValue::Percent(50).discount(1), 1);
    }
}
