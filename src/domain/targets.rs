//! Targets: the figure a team (or one account manager) aims for on a report line. Kept in the
//! settings table as `target.<figure>` for the team and `target.<figure>@<owner>` for one book,
//! each in the figure's own units so comparing needs no conversion.

use super::{InputError, input};
use crate::i18n::tf;

/// What a figure measures, which says how a target for it is written and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (customers, to-dos).
    Count,
    /// Money in minor units.
    Money,
    /// A share, stored as a fraction and written as a percentage.
    Rate,
    /// A plain number (a 1–5 score, hours).
    Number,
}

/// Every report figure a target can be set for, with its kind. The report's lines use the same
/// keys (a test there checks the two lists agree).
pub const FIGURES: &[(&str, Kind)] = &[
    ("new_customers", Kind::Count),
    ("new_leads", Kind::Count),
    ("conversion_rate", Kind::Rate),
    ("deal_win_rate", Kind::Rate),
    ("churn_rate", Kind::Rate),
    ("retention_rate", Kind::Rate),
    ("win_back_rate", Kind::Rate),
    ("won_back", Kind::Count),
    ("win_back_attempts", Kind::Count),
    ("repurchase_rate", Kind::Rate),
    ("repurchase_rate_all_time", Kind::Rate),
    ("repeat_buyer_revenue_share", Kind::Rate),
    ("revenue", Kind::Money),
    ("refunds", Kind::Money),
    ("top_20_percent_revenue_share", Kind::Rate),
    ("average_purchase_value", Kind::Money),
    ("customer_lifetime_value", Kind::Money),
    ("revenue_per_buyer_to_date", Kind::Money),
    ("active_members", Kind::Count),
    ("points_issued", Kind::Count),
    ("points_redeemed", Kind::Count),
    ("points_expired", Kind::Count),
    ("points_redemption_rate", Kind::Rate),
    ("coupons_issued", Kind::Count),
    ("coupons_redeemed", Kind::Count),
    ("coupon_redemption_rate", Kind::Rate),
    ("coupon_discounts", Kind::Money),
    ("satisfaction", Kind::Number),
    ("satisfaction_quality", Kind::Number),
    ("satisfaction_attitude", Kind::Number),
    ("satisfaction_speed", Kind::Number),
    ("complaint_rate", Kind::Rate),
    ("first_response_within_24h", Kind::Rate),
    ("median_first_response_hours", Kind::Number),
    ("follow_up_compliance", Kind::Rate),
    ("todos_done_on_time", Kind::Count),
    ("todos_done_late", Kind::Count),
];

/// Figures where less is better (a rising churn rate is bad news; a target is a ceiling).
pub const LOWER_IS_BETTER: &[&str] = &[
    "churn_rate",
    "refunds",
    "complaint_rate",
    "median_first_response_hours",
    "todos_done_late",
    "top_20_percent_revenue_share",
];

pub const PREFIX: &str = "target.";

/// One target: the figure, whose book (`None`: the whole team) and the value in the figure's
/// units (a fraction for a rate, minor units for money).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub figure: &'static str,
    pub owner: Option<String>,
    pub value: f64,
}

impl Target {
    pub fn kind(&self) -> Kind {
        kind_of(self.figure).unwrap_or(Kind::Number)
    }

    /// Its settings key: `target.churn_rate` or `target.revenue@li.na`.
    pub fn key(&self) -> String {
        match &self.owner {
            Some(o) => format!("{PREFIX}{}@{o}", self.figure),
            None => format!("{PREFIX}{}", self.figure),
        }
    }

    /// Whether `now` reaches it: at least the target, or at most for a figure where less is
    /// better.
    pub fn met_by(&self, now: f64) -> bool {
        if LOWER_IS_BETTER.contains(&self.figure) {
            now <= self.value + 1e-9
        } else {
            now >= self.value - 1e-9
        }
    }

    /// As stored: rates and numbers as decimals, counts and money as whole numbers.
    pub fn stored(&self) -> String {
        match self.kind() {
            Kind::Count | Kind::Money => format!("{}", self.value.round() as i64),
            Kind::Rate | Kind::Number => format!("{}", (self.value * 1e6).round() / 1e6),
        }
    }

    /// As a person writes it: `90%`, `4.5`, `120000.00`, `12`; with `≥` or `≤` before it when
    /// `with_side`.
    pub fn shown(&self, with_side: bool) -> String {
        let value = match self.kind() {
            Kind::Count => format!("{}", self.value.round() as i64),
            Kind::Money => input::money_text(self.value.round() as i64),
            Kind::Rate => format!("{}%", trim_decimals(self.value * 100.0)),
            Kind::Number => trim_decimals(self.value),
        };
        if !with_side {
            return value;
        }
        let side = if LOWER_IS_BETTER.contains(&self.figure) {
            "≤"
        } else {
            "≥"
        };
        format!("{side}{value}")
    }
}

fn trim_decimals(x: f64) -> String {
    let s = format!("{:.2}", x);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn kind_of(figure: &str) -> Option<Kind> {
    FIGURES
        .iter()
        .find(|(k, _)| *k == figure)
        .map(|(_, kind)| *kind)
}

/// Whether a settings key names a target.
pub fn is_target_key(key: &str) -> bool {
    key.trim().to_lowercase().starts_with(PREFIX)
}

/// Splits `target.<figure>[@<owner>]` into a known figure and its owner.
pub fn parse_key(key: &str) -> Result<(&'static str, Option<String>), InputError> {
    let key = key.trim();
    let rest = key.get(PREFIX.len()..).unwrap_or("");
    let (figure, owner) = match rest.split_once('@') {
        Some((f, o)) => (f, Some(o.trim())),
        None => (rest, None),
    };
    let figure = figure.trim().to_lowercase();
    let known = FIGURES
        .iter()
        .find(|(k, _)| *k == figure)
        .map(|(k, _)| *k)
        .ok_or_else(|| {
            InputError::new(
                "key",
                tf(
                    "err.not_a_figure",
                    &[
                        ("text", &figure.as_str()),
                        (
                            "known",
                            &FIGURES
                                .iter()
                                .map(|(k, _)| *k)
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ],
                ),
            )
        })?;
    let owner = match owner {
        Some("") => return Err(InputError::new("owner", tf("err.target_owner", &[]))),
        Some(o) => Some(input::clean_line(o)),
        None => None,
    };
    Ok((known, owner))
}

/// Reads a target for `figure` as a person writes it: a rate as `90%` or `90` (per cent), money
/// as an amount, a count as a whole number, a score or hours as a number.
pub fn parse_value(figure: &'static str, text: &str) -> Result<f64, InputError> {
    let t = text.trim();
    let bad = |hint: &str| {
        InputError::new(
            "value",
            tf(
                "err.target_value",
                &[("text", &t), ("figure", &figure), ("hint", &hint)],
            ),
        )
    };
    match kind_of(figure).unwrap_or(Kind::Number) {
        Kind::Rate => {
            let n: f64 = t
                .trim_end_matches(['%', '％'])
                .trim()
                .parse()
                .map_err(|_| bad("90%"))?;
            if !(0.0..=100.0).contains(&n) {
                return Err(bad("90%"));
            }
            Ok(n / 100.0)
        }
        Kind::Money => {
            let cents = input::money("value", t).map_err(|_| bad("120000"))?;
            Ok(cents as f64)
        }
        Kind::Count => match t.parse::<u32>() {
            Ok(n) => Ok(n as f64),
            Err(_) => Err(bad("20")),
        },
        Kind::Number => match t.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
            _ => Err(bad("4.5")),
        },
    }
}

/// The target a report for `owner` (or the whole team) is judged against: the owner's own when
/// set; otherwise the team's — but only for a rate or a score, since a team's count or amount is
/// not one person's.
pub fn applying<'a>(
    targets: &'a [Target],
    figure: &str,
    owner: Option<&str>,
) -> Option<&'a Target> {
    let own = |o: Option<&str>| {
        targets
            .iter()
            .find(|t| t.figure == figure && t.owner.as_deref() == o)
    };
    match owner {
        None => own(None),
        Some(o) => own(Some(o))
            .or_else(|| own(None).filter(|t| matches!(t.kind(), Kind::Rate | Kind::Number))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_in_each_figures_units() {
        assert_eq!(parse_value("churn_rate", "5%").unwrap(), 0.05);
        assert_eq!(parse_value("retention_rate", " 90 ").unwrap(), 0.9);
        assert!(parse_value("retention_rate", "120%").is_err());
        assert_eq!(parse_value("revenue", "¥120,000").unwrap(), 12_000_000.0);
        assert_eq!(parse_value("new_customers", "20").unwrap(), 20.0);
        assert!(parse_value("new_customers", "2.5").is_err());
        assert_eq!(parse_value("satisfaction", "4.5").unwrap(), 4.5);
        let e = parse_value("churn_rate", "low").unwrap_err();
        assert_eq!(e.field, "value");
        assert!(e.reason.contains("low") && e.reason.contains("churn_rate"));
    }

    #[test]
    fn keys_name_a_known_figure_and_maybe_an_owner() {
        assert_eq!(
            parse_key("target.revenue@li.na").unwrap(),
            ("revenue", Some("li.na".into()))
        );
        assert_eq!(
            parse_key("target.Churn_Rate").unwrap(),
            ("churn_rate", None)
        );
        assert!(parse_key("target.happiness").is_err());
        assert!(parse_key("target.revenue@").is_err());
    }

    #[test]
    fn a_ceiling_for_figures_where_less_is_better() {
        let t = |figure, value| Target {
            figure,
            owner: None,
            value,
        };
        assert!(t("churn_rate", 0.05).met_by(0.05));
        assert!(!t("churn_rate", 0.05).met_by(0.06));
        assert!(t("retention_rate", 0.9).met_by(0.95));
        assert!(!t("retention_rate", 0.9).met_by(0.85));
        assert_eq!(t("churn_rate", 0.05).shown(true), "≤5%");
        assert_eq!(t("revenue", 12_000_000.0).shown(true), "≥120000.00");
        assert_eq!(t("satisfaction", 4.5).stored(), "4.5");
    }

    #[test]
    fn an_owner_report_takes_the_team_rate_but_not_the_team_amount() {
        let all = vec![
            Target {
                figure: "revenue",
                owner: None,
                value: 1e7,
            },
            Target {
                figure: "churn_rate",
                owner: None,
                value: 0.05,
            },
            Target {
                figure: "churn_rate",
                owner: Some("wang".into()),
                value: 0.03,
            },
        ];
        assert_eq!(applying(&all, "revenue", Some("li")), None);
        assert_eq!(
            applying(&all, "churn_rate", Some("li")).unwrap().value,
            0.05
        );
        assert_eq!(
            applying(&all, "churn_rate", Some("wang")).unwrap().value,
            0.03
        );
        assert_eq!(applying(&all, "revenue", None).unwrap().value, 1e7);
    }
}
