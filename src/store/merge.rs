//! Merging two records of one customer: the kept one's values win (except the fields the user
//! takes from the other), its empty fields are filled, and every record of the other moves over.

use crate::store::db::Connection;
use rusqlite::params;

use super::Ctx;
use super::customers::{WHAT, get, refresh_derived, update};
use super::error::{Result, StoreError};
use super::rows;
use crate::domain::CustomerFields;

/// What a merge moved, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub moved: Vec<(&'static str, usize)>,
}

/// Tables whose rows simply change owner customer on a merge.
const MOVABLE_TABLES: &[&str] = &[
    "points_entry",
    "coupon",
    "contact_person",
    "interaction",
    "todo",
    "purchase",
    "deal",
    "agreement",
    "ticket",
    "survey",
    "customer_history",
    "queue_snooze",
    "import_undo",
    "change_log",
];

/// Merges `other` into `keep`: `keep`'s values win except the fields named in `take`, its empty
/// fields are filled from `other`, tags
/// and custom fields are united, and every record of `other` moves to `keep` before `other` is
/// removed. Both must still be at the versions the caller saw.
pub fn merge(
    conn: &Connection,
    ctx: &Ctx,
    keep: i64,
    keep_version: i64,
    other: i64,
    other_version: i64,
    take: &[String],
) -> Result<MergeReport> {
    if keep == other {
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.merge_self",
            &[("id", &keep)],
        )));
    }
    let k = get(conn, keep)?;
    let o = get(conn, other)?;
    rows::check_version(conn, WHAT, "customer", other, other_version)?;
    let mut fields = k.fields.clone();
    // The user's per-field choices first, then every field still empty is filled.
    for field in take {
        fields.take_from(&o.fields, field)?;
    }
    fill_empty(&mut fields, &o.fields);
    let mut tags = k.tags.clone();
    tags.extend(o.tags.iter().cloned());
    update(conn, ctx, keep, keep_version, &fields, &tags)?;

    let mut report = MergeReport::default();
    for table in MOVABLE_TABLES {
        let n = rows::exec(
            conn,
            &format!("UPDATE {table} SET customer_id = ?1 WHERE customer_id = ?2"),
            params![keep, other],
        )?;
        report.moved.push((table, n));
    }
    // Campaign memberships: one row per campaign; keep the earliest invitation and any attendance.
    rows::exec(
        conn,
        "UPDATE campaign_member AS k SET
            invited_at   = min(k.invited_at, o.invited_at),
            attended_at  = coalesce(k.attended_at, o.attended_at),
            responded_at = coalesce(k.responded_at, o.responded_at)
         FROM campaign_member AS o
         WHERE k.customer_id = ?1 AND o.customer_id = ?2 AND o.campaign_id = k.campaign_id",
        params![keep, other],
    )?;
    let n = rows::exec(
        conn,
        "UPDATE campaign_member SET customer_id = ?1 WHERE customer_id = ?2
         AND campaign_id NOT IN (SELECT campaign_id FROM campaign_member WHERE customer_id = ?1)",
        params![keep, other],
    )?;
    rows::exec(
        conn,
        "DELETE FROM campaign_member WHERE customer_id = ?1",
        [other],
    )?;
    report.moved.push(("campaign_member", n));
    rows::exec(
        conn,
        "DELETE FROM customer_tag WHERE customer_id = ?1",
        [other],
    )?;

    let before = rows::row_as_json(conn, "customer", other)?;
    rows::exec(conn, "DELETE FROM customer WHERE id = ?1", [other])?;
    rows::log(
        conn,
        ctx,
        "customer",
        other,
        Some(keep),
        "merge",
        before.as_ref(),
        Some(&serde_json::json!({ "merged_into": keep })),
    )?;
    refresh_derived(conn, keep)?;
    Ok(report)
}

/// Fills `keep`'s empty fields from `other`'s.
fn fill_empty(keep: &mut CustomerFields, other: &CustomerFields) {
    fn fill<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
        if a.is_none() {
            a.clone_from(b);
        }
    }
    fill(&mut keep.company, &other.company);
    fill(&mut keep.email, &other.email);
    fill(&mut keep.phone, &other.phone);
    fill(&mut keep.city, &other.city);
    fill(&mut keep.industry, &other.industry);
    fill(&mut keep.potential, &other.potential);
    fill(&mut keep.address, &other.address);
    fill(&mut keep.owner, &other.owner);
    fill(&mut keep.channel, &other.channel);
    fill(&mut keep.cadence_days, &other.cadence_days);
    fill(&mut keep.birthday, &other.birthday);
    fill(&mut keep.source, &other.source);
    fill(&mut keep.needs, &other.needs);
    fill(&mut keep.service_needs, &other.service_needs);
    for (k, v) in &other.custom_fields {
        keep.custom_fields
            .entry(k.clone())
            .or_insert_with(|| v.clone());
    }
    keep.pool_locked |= other.pool_locked;
}
