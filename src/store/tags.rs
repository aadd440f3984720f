//! A customer's tags: free words, compared without case, shared between customers through the
//! tag table (a tag nobody has any more is removed).

use crate::store::db::Connection;
use rusqlite::params;

use super::Ctx;
use super::error::Result;
use super::rows;
use crate::domain::input;

/// Makes the customer's tags exactly `tags` (case-insensitive), logging the change. Returns
/// whether anything changed.
pub fn set_tags(conn: &Connection, ctx: &Ctx, id: i64, tags: &[String]) -> Result<bool> {
    let current = tags_of(conn, id)?;
    let wanted = wanted_tags(tags);
    let same = current.len() == wanted.len()
        && current
            .iter()
            .zip(&wanted)
            .all(|(a, b)| a.eq_ignore_ascii_case(b));
    if same {
        return Ok(false);
    }
    super::rows::exec(
        conn,
        "DELETE FROM customer_tag WHERE customer_id = ?1",
        [id],
    )?;
    for t in &wanted {
        link_tag(conn, id, t)?;
    }
    // Scanning every tag for orphans is only needed when one was taken away.
    if current
        .iter()
        .any(|c| !wanted.iter().any(|w| w.eq_ignore_ascii_case(c)))
    {
        remove_unused_tags(conn)?;
    }
    log_tags(conn, ctx, id, &current, &wanted)?;
    Ok(true)
}

/// Tags as they are kept: cleaned, without blanks or a second spelling of one, in order.
pub(crate) fn wanted_tags(tags: &[String]) -> Vec<String> {
    let mut wanted: Vec<String> = Vec::new();
    for t in tags
        .iter()
        .map(|t| input::clean_line(t))
        .filter(|t| !t.is_empty())
    {
        if !wanted.iter().any(|w| w.eq_ignore_ascii_case(&t)) {
            wanted.push(t);
        }
    }
    wanted.sort_by_key(|t| t.to_lowercase());
    wanted
}

fn log_tags(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    before: &[String],
    after: &[String],
) -> Result<()> {
    rows::log(
        conn,
        ctx,
        "customer",
        id,
        Some(id),
        "update",
        Some(&serde_json::json!({ "tags": before })),
        Some(&serde_json::json!({ "tags": after })),
    )
}

/// Gives the customer one tag (created if new; an existing spelling is kept). Not logged: the
/// caller logs the change as a whole.
pub(crate) fn link_tag(conn: &Connection, id: i64, name: &str) -> Result<()> {
    let name = input::clean_line(name);
    if name.is_empty() {
        return Ok(());
    }
    super::rows::exec(
        conn,
        "INSERT INTO tag (name) VALUES (?1) ON CONFLICT DO NOTHING",
        [&name],
    )?;
    super::rows::exec(
        conn,
        "INSERT OR IGNORE INTO customer_tag (customer_id, tag_id) SELECT ?1, id FROM tag WHERE name = ?2 COLLATE NOCASE",
        params![id, name],
    )?;
    Ok(())
}

pub(crate) fn remove_unused_tags(conn: &Connection) -> Result<()> {
    super::rows::exec(
        conn,
        "DELETE FROM tag WHERE NOT EXISTS (SELECT 1 FROM customer_tag ct WHERE ct.tag_id = tag.id)",
        [],
    )?;
    Ok(())
}

pub fn tags_of(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.customer_id = ?1 ORDER BY lower(t.name)",
    )?;
    let tags = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<Vec<String>>>()?;
    Ok(tags)
}
