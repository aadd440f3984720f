//! The win-back list: churned customers worth calling back, most valuable first, with why they
//! left and what has been tried since.

use crate::store::db::Connection;

use super::error::Result;

/// One churned customer on the win-back list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub owner: Option<String>,
    /// The value score (3–15) and what they bought in all.
    pub value_score: i64,
    pub purchase_total: i64,
    pub churned_at: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Contacts logged since they churned (each a win-back attempt), and the latest.
    pub attempts: i64,
    pub last_attempt: Option<String>,
}

/// Churned, unarchived customers (of `owner`, or everyone's): highest value first, then the
/// most recently lost (the easiest to bring back), then by name.
pub fn candidates(conn: &Connection, owner: Option<&str>) -> Result<Vec<Candidate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.company, c.owner, c.value_score, c.purchase_total, c.churned_at,
                c.churn_reason, c.churn_note,
                (SELECT count(*) FROM interaction i WHERE i.customer_id = c.id AND i.win_back = 1
                    AND i.at >= coalesce(c.churned_at, '')),
                (SELECT max(i.at) FROM interaction i WHERE i.customer_id = c.id AND i.win_back = 1
                    AND i.at >= coalesce(c.churned_at, ''))
         FROM customer c
         WHERE c.stage = 'churned' AND c.archived_at IS NULL AND (?1 IS NULL OR c.owner = ?1)
         ORDER BY c.value_score DESC, c.purchase_total DESC, c.churned_at DESC, c.sort_key, c.id",
    )?;
    let found = stmt
        .query_map([owner], |r| {
            Ok(Candidate {
                id: r.get(0)?,
                name: r.get(1)?,
                company: r.get(2)?,
                owner: r.get(3)?,
                value_score: r.get(4)?,
                purchase_total: r.get(5)?,
                churned_at: r.get(6)?,
                reason: r.get(7)?,
                note: r.get(8)?,
                attempts: r.get(9)?,
                last_attempt: r.get(10)?,
            })
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
