//! Deals through the pipeline: qualified → needs analysis → proposal → negotiation → won / lost.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};
use chrono::NaiveDate;

use super::Ctx;
use super::customers::{self, parsed, parsed_opt};
use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::forecast::Odds;
use crate::domain::{Audit, DealStage, PurchaseFields};

const WHAT: &str = "deal";
pub(crate) const COLS: &str =
    "id, customer_id, title, amount, stage, expected_close, lost_reason, closed_at";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deal {
    pub id: i64,
    pub customer_id: i64,
    pub title: String,
    pub amount: i64,
    pub stage: DealStage,
    pub expected_close: Option<NaiveDate>,
    pub lost_reason: Option<String>,
    pub closed_at: Option<String>,
    pub audit: Audit,
}

impl Deal {
    pub fn is_open(&self) -> bool {
        !matches!(self.stage, DealStage::Won | DealStage::Lost)
    }
}

pub(crate) fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Deal> {
    Ok(Deal {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        title: row.get(2)?,
        amount: row.get(3)?,
        stage: parsed(row, 4)?,
        expected_close: parsed_opt(row, 5)?,
        lost_reason: row.get(6)?,
        closed_at: row.get(7)?,
        audit: rows::audit(row, 8)?,
    })
}

pub fn add(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    title: &str,
    amount: i64,
    close: Option<NaiveDate>,
) -> Result<i64> {
    customers::get(conn, customer)?;
    let cols = [
        ("customer_id", Value::Integer(customer)),
        ("title", Value::Text(title.to_string())),
        ("amount", Value::Integer(amount)),
        ("stage", Value::Text(DealStage::Qualified.to_string())),
        (
            "expected_close",
            text(close.map(|d| d.to_string()).as_deref()),
        ),
    ];
    rows::insert(conn, ctx, "deal", &cols, Some(customer))
}

pub fn get(conn: &Connection, id: i64) -> Result<Deal> {
    super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM deal WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })
}

/// Moves a deal to `stage`. Losing needs a reason; winning may record the purchase (dated today).
/// Whether winning a deal records a purchase, and of what amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinPurchase {
    No,
    /// The deal's amount.
    DealAmount,
    /// A final price that differs from the deal's amount.
    Amount(i64),
}

impl WinPurchase {
    /// From the command line's `--purchase` flag.
    pub fn deal_amount_if(flag: bool) -> WinPurchase {
        if flag {
            WinPurchase::DealAmount
        } else {
            WinPurchase::No
        }
    }
}

pub fn move_to(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    stage: DealStage,
    lost_reason: Option<&str>,
    purchase: WinPurchase,
) -> Result<()> {
    let d = get(conn, id)?;
    rows::check_version(conn, WHAT, "deal", id, version)?;
    let reason = lost_reason.map(str::trim).filter(|r| !r.is_empty());
    if stage == DealStage::Lost && reason.is_none() {
        return Err(StoreError::Input(crate::domain::InputError::new(
            "reason",
            "a lost deal needs a reason (--reason)",
        )));
    }
    let closed = matches!(stage, DealStage::Won | DealStage::Lost);
    let cols = [
        ("stage", Value::Text(stage.to_string())),
        (
            "lost_reason",
            text(if stage == DealStage::Lost {
                reason
            } else {
                None
            }),
        ),
        (
            "closed_at",
            if closed {
                Value::Text(ctx.clock.stamp())
            } else {
                Value::Null
            },
        ),
    ];
    rows::update(
        conn,
        ctx,
        WHAT,
        "deal",
        id,
        version,
        &cols,
        Some(d.customer_id),
    )?;
    let amount = match purchase {
        WinPurchase::No => None,
        WinPurchase::DealAmount => Some(d.amount),
        WinPurchase::Amount(a) => Some(a),
    };
    if let Some(amount) = amount.filter(|_| stage == DealStage::Won && d.stage != DealStage::Won) {
        let purchase = PurchaseFields {
            on_date: ctx.clock.today(),
            product: Some(d.title.clone()),
            amount,
            note: Some(format!("deal #{id} won")),
        };
        super::purchases::add(conn, ctx, d.customer_id, &purchase)?;
    }
    Ok(())
}

/// What the forecast needs of every open deal (of `owner`'s customers, or everyone's): stage,
/// amount and expected close.
pub fn open_for_forecast(
    conn: &Connection,
    owner: Option<&str>,
) -> Result<Vec<(DealStage, i64, Option<NaiveDate>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.stage, d.amount, d.expected_close FROM deal d
         WHERE d.stage NOT IN ('won', 'lost')
           AND (?1 IS NULL OR d.customer_id IN (SELECT id FROM customer WHERE owner = ?1))",
    )?;
    let found = stmt
        .query_map([owner], |r| {
            Ok((parsed(r, 0)?, r.get(1)?, parsed_opt(r, 2)?))
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// The team's chance of winning an open deal at each stage.
pub fn odds(conn: &Connection) -> Result<Odds> {
    let chance = |stage| -> Result<u32> {
        let key = crate::domain::settings::probability_key(stage).unwrap_or_default();
        let fallback = Odds::default().of(stage).unwrap_or(0);
        Ok(super::settings::get(conn, key)?.parse().unwrap_or(fallback))
    };
    Ok(Odds {
        qualified: chance(DealStage::Qualified)?,
        needs_analysis: chance(DealStage::NeedsAnalysis)?,
        proposal: chance(DealStage::Proposal)?,
        negotiation: chance(DealStage::Negotiation)?,
    })
}

/// Every deal, open ones first by stage, then by expected close.
pub fn list(conn: &Connection, customer: Option<i64>) -> Result<Vec<Deal>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM deal WHERE (?1 IS NULL OR customer_id = ?1)
         ORDER BY stage IN ('won', 'lost'), coalesce(expected_close, '9999-12-31'), id"
    ))?;
    let found = stmt
        .query_map([customer], from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
