//! Everything the workflows add to a customer's profile, gathered in one read.

use crate::domain::{Clock, Customer};

/// What the workflows know about one customer: churn signals, surveys, tickets, deals and
/// campaigns (for the profile and `customer show`).
#[derive(Debug, Clone, Default)]
pub struct Workflow {
    pub risk: Vec<crate::domain::rules::RiskSignal>,
    pub surveys: Vec<super::surveys::Survey>,
    pub tickets: Vec<super::tickets::Ticket>,
    pub deals: Vec<super::deals::Deal>,
    pub campaigns: Vec<super::campaigns::Membership>,
    pub agreements: Vec<super::agreements::Agreement>,
    /// How much a rated cooperation potential weighs in the value score (per cent), for the
    /// score's breakdown.
    pub potential_weight: u8,
    /// Points, member level and coupons (the five newest ledger lines).
    pub loyalty: super::loyalty::Standing,
}

impl Workflow {
    pub fn load(
        conn: &crate::store::db::Connection,
        c: &Customer,
        clock: &Clock,
    ) -> crate::store::Result<Workflow> {
        use crate::store::{campaigns, deals, risk, surveys, tickets};
        Ok(Workflow {
            risk: risk::signals(conn, c, &risk::cadences(conn)?, clock)?,
            surveys: surveys::for_customer(conn, c.id)?,
            tickets: tickets::list(conn, false, Some(c.id))?,
            deals: deals::list(conn, Some(c.id))?,
            campaigns: campaigns::for_customer(conn, c.id)?,
            agreements: crate::store::agreements::list(conn, Some(c.id))?,
            potential_weight: crate::store::value::potential_weight(conn)?,
            loyalty: crate::store::loyalty::standing_of(conn, c.id, clock.today(), 5)?,
        })
    }

    /// Averages per dimension over every survey: (quality, attitude, speed).
    pub fn survey_averages(&self) -> Option<(f64, f64, f64)> {
        let n = self.surveys.len() as f64;
        (n > 0.0).then(|| {
            let sum = |f: fn(&super::surveys::Survey) -> u8| {
                self.surveys.iter().map(|s| f64::from(f(s))).sum::<f64>() / n
            };
            (sum(|s| s.quality), sum(|s| s.attitude), sum(|s| s.speed))
        })
    }
}
