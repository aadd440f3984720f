//! The sales forecast: every open deal's amount weighted by the chance of winning at its stage
//! (the team's `probability.<stage>` settings), summed by the month it is expected to close.

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use super::DealStage;
use super::input::money_text;

/// The chance, in per cent, that an open deal at each stage is won; `None` for won and lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Odds {
    pub qualified: u32,
    pub needs_analysis: u32,
    pub proposal: u32,
    pub negotiation: u32,
}

impl Default for Odds {
    /// The settings' defaults.
    fn default() -> Odds {
        Odds {
            qualified: 10,
            needs_analysis: 25,
            proposal: 50,
            negotiation: 75,
        }
    }
}

impl Odds {
    pub fn of(&self, stage: DealStage) -> Option<u32> {
        match stage {
            DealStage::Qualified => Some(self.qualified),
            DealStage::NeedsAnalysis => Some(self.needs_analysis),
            DealStage::Proposal => Some(self.proposal),
            DealStage::Negotiation => Some(self.negotiation),
            DealStage::Won | DealStage::Lost => None,
        }
    }
}

/// When the deals of a forecast line are expected to close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum When {
    /// Expected before the current month and still open: the forecast cannot count on them
    /// arriving on time, but they are still in play.
    Late,
    /// A calendar month (year, month).
    Month(i32, u32),
    /// No expected close date.
    Undated,
}

impl When {
    /// `2026-12`, or the word for late and undated.
    pub fn label(self) -> String {
        match self {
            When::Late => crate::i18n::t("forecast.late").to_string(),
            When::Month(y, m) => format!("{y}-{m:02}"),
            When::Undated => crate::i18n::t("forecast.undated").to_string(),
        }
    }

    fn key(self) -> String {
        match self {
            When::Late => "late".into(),
            When::Month(y, m) => format!("{y}-{m:02}"),
            When::Undated => "undated".into(),
        }
    }
}

/// One line of the forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub when: When,
    pub deals: usize,
    /// The open deals' full amounts.
    pub amount: i64,
    /// Σ amount × the stage's chance, rounded to the cent.
    pub weighted: i64,
}

/// The forecast from `(stage, amount, expected close)` of deals, as of `today`: a line per
/// month with open deals (late ones together first, undated ones last).
pub fn by_month(
    deals: impl IntoIterator<Item = (DealStage, i64, Option<NaiveDate>)>,
    odds: &Odds,
    today: NaiveDate,
) -> Vec<Line> {
    let this_month = (today.year(), today.month());
    let mut lines: Vec<Line> = Vec::new();
    let mut weighted_x100: Vec<(When, i128)> = Vec::new();
    for (stage, amount, close) in deals {
        let Some(chance) = odds.of(stage) else {
            continue;
        };
        let when = match close {
            None => When::Undated,
            Some(d) if (d.year(), d.month()) < this_month => When::Late,
            Some(d) => When::Month(d.year(), d.month()),
        };
        let i = match lines.iter().position(|l| l.when == when) {
            Some(i) => i,
            None => {
                lines.push(Line {
                    when,
                    deals: 0,
                    amount: 0,
                    weighted: 0,
                });
                weighted_x100.push((when, 0));
                lines.len() - 1
            }
        };
        lines[i].deals += 1;
        lines[i].amount += amount;
        // Kept in hundredths of a cent until the end, so rounding happens once per line.
        weighted_x100[i].1 += amount as i128 * chance as i128;
    }
    for (line, (_, x100)) in lines.iter_mut().zip(&weighted_x100) {
        line.weighted = ((*x100 + 50) / 100) as i64;
    }
    lines.sort_by_key(|l| l.when);
    lines
}

/// The weighted total of a forecast.
pub fn total(lines: &[Line]) -> i64 {
    lines.iter().map(|l| l.weighted).sum()
}

pub fn json(lines: &[Line]) -> Value {
    json!({
        "weighted_total": money_text(total(lines)),
        "by_close_month": lines.iter().map(|l| json!({
            "month": l.when.key(),
            "deals": l.deals,
            "amount": money_text(l.amount),
            "weighted": money_text(l.weighted),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        s.parse().ok()
    }

    #[test]
    fn open_deals_weighted_by_stage_and_summed_by_close_month() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let deals = [
            (DealStage::Proposal, 100_000, d("2026-12-10")),
            (DealStage::Negotiation, 40_000, d("2026-12-31")),
            (DealStage::Qualified, 33_333, d("2027-01-05")),
            (DealStage::Won, 999_999, d("2026-12-01")),
            (DealStage::Lost, 999_999, d("2026-12-01")),
            (DealStage::NeedsAnalysis, 10_000, d("2026-10-01")),
            (DealStage::Proposal, 7_000, None),
            (DealStage::Proposal, 1_000, d("2026-11-01")),
        ];
        let lines = by_month(deals, &Odds::default(), today);
        let got: Vec<(String, usize, i64, i64)> = lines
            .iter()
            .map(|l| (l.when.key(), l.deals, l.amount, l.weighted))
            .collect();
        assert_eq!(
            got,
            vec![
                ("late".into(), 1, 10_000, 2_500),
                ("2026-11".into(), 1, 1_000, 500),
                ("2026-12".into(), 2, 140_000, 80_000),
                ("2027-01".into(), 1, 33_333, 3_333),
                ("undated".into(), 1, 7_000, 3_500),
            ]
        );
        assert_eq!(total(&lines), 89_833);
        assert_eq!(json(&lines)["weighted_total"], "898.33");
    }
}
