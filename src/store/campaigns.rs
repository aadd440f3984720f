//! Campaigns (marketing activities) and who was invited, attended or responded.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional};
use chrono::NaiveDate;
use rusqlite::params;

use super::Ctx;
use super::customers::parsed_opt;
use super::error::{Result, StoreError};
use super::rows::{self, text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub on_date: Option<NaiveDate>,
    pub invited: i64,
    pub attended: i64,
    pub responded: i64,
}

/// One customer's part in a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub campaign_id: i64,
    pub name: String,
    pub on_date: Option<NaiveDate>,
    pub attended: bool,
    pub responded: bool,
}

pub fn add(
    conn: &Connection,
    ctx: &Ctx,
    name: &str,
    on_date: Option<NaiveDate>,
    description: Option<&str>,
) -> Result<i64> {
    let cols = [
        ("name", Value::Text(name.to_string())),
        ("on_date", text(on_date.map(|d| d.to_string()).as_deref())),
        ("description", text(description)),
    ];
    rows::insert(conn, ctx, "campaign", &cols, None)
}

fn exists(conn: &Connection, id: i64) -> Result<()> {
    conn.query_row("SELECT 1 FROM campaign WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .ok_or(StoreError::NotFound {
            what: "campaign",
            id,
        })
}

/// Invites customers (those already invited stay as they are). Returns how many were new.
pub fn invite(conn: &Connection, ctx: &Ctx, campaign: i64, customers: &[i64]) -> Result<usize> {
    exists(conn, campaign)?;
    let mut added = 0;
    for id in customers {
        super::customers::get(conn, *id)?;
        let n = super::rows::exec(
            conn,
            "INSERT OR IGNORE INTO campaign_member (campaign_id, customer_id, invited_at) VALUES (?1, ?2, ?3)",
            params![campaign, id, ctx.clock.stamp()],
        )?;
        if n > 0 {
            rows::log(
                conn,
                ctx,
                "campaign_member",
                campaign,
                Some(*id),
                "insert",
                None,
                Some(&serde_json::json!({"campaign_id": campaign})),
            )?;
            added += 1;
        }
    }
    Ok(added)
}

/// Marks an invited customer as attended (or responded).
pub fn mark(
    conn: &Connection,
    ctx: &Ctx,
    campaign: i64,
    customer: i64,
    responded: bool,
) -> Result<()> {
    exists(conn, campaign)?;
    let column = if responded {
        "responded_at"
    } else {
        "attended_at"
    };
    let n = super::rows::exec(
        conn,
        &format!(
            "UPDATE campaign_member SET {column} = coalesce({column}, ?3) WHERE campaign_id = ?1 AND customer_id = ?2"
        ),
        params![campaign, customer, ctx.clock.stamp()],
    )?;
    if n == 0 {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.not_invited",
            &[("customer", &customer), ("campaign", &campaign)],
        )));
    }
    rows::log(
        conn,
        ctx,
        "campaign_member",
        campaign,
        Some(customer),
        "update",
        None,
        Some(&serde_json::json!({ column: true })),
    )
}

pub fn list(conn: &Connection) -> Result<Vec<Campaign>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.on_date,
            (SELECT count(*) FROM campaign_member m WHERE m.campaign_id = c.id),
            (SELECT count(*) FROM campaign_member m WHERE m.campaign_id = c.id AND m.attended_at IS NOT NULL),
            (SELECT count(*) FROM campaign_member m WHERE m.campaign_id = c.id AND m.responded_at IS NOT NULL)
         FROM campaign c ORDER BY coalesce(c.on_date, '9999-12-31') DESC, c.id DESC",
    )?;
    let found = stmt
        .query_map([], |r| {
            Ok(Campaign {
                id: r.get(0)?,
                name: r.get(1)?,
                on_date: parsed_opt(r, 2)?,
                invited: r.get(3)?,
                attended: r.get(4)?,
                responded: r.get(5)?,
            })
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// The campaigns a customer was part of, newest first.
pub fn for_customer(conn: &Connection, customer: i64) -> Result<Vec<Membership>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.on_date, m.attended_at IS NOT NULL, m.responded_at IS NOT NULL
         FROM campaign_member m JOIN campaign c ON c.id = m.campaign_id
         WHERE m.customer_id = ?1 ORDER BY coalesce(c.on_date, m.invited_at) DESC",
    )?;
    let found = stmt
        .query_map([customer], |r| {
            Ok(Membership {
                campaign_id: r.get(0)?,
                name: r.get(1)?,
                on_date: parsed_opt(r, 2)?,
                attended: r.get(3)?,
                responded: r.get(4)?,
            })
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
