//! Each customer's search keys kept in the book (schema 22): what the matcher reads of them —
//! folded fields, phone digits, pinyin — so that `customer list --search` reads keys instead of
//! working every customer's out afresh. Triggers mark a customer whose searched text changed
//! (`search_stale`); kehu brings marked ones up to date as it writes, and a search works out any
//! still marked afresh, so a stale key is never matched against.

use crate::store::db::Connection;
use rusqlite::params;

use super::error::Result;
use crate::search::{Entry, Keys};

/// How many marked customers a write brings up to date before it commits: any edit, and a batch
/// of them, are far fewer; an import's hundred thousand are left to the next search.
pub const IN_A_WRITE: i64 = 2_000;

/// How many customers are marked for new keys.
pub fn marked(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM search_stale", [], |r| r.get(0))
}

/// Brings the keys of up to `limit` marked customers up to date (of all, when `None`), in the
/// caller's write transaction. A marked customer no longer in the book loses their keys.
pub fn refresh(conn: &Connection, limit: Option<i64>) -> Result<()> {
    let mut left = limit.unwrap_or(i64::MAX);
    while left > 0 {
        let wanted = left.min(AT_A_TIME);
        let done = refresh_some(conn, wanted)?;
        if done < wanted {
            break;
        }
        left -= done;
    }
    Ok(())
}

/// How many customers' keys are worked out at a time: a new schema marks every customer of a
/// large book, and a million customers' records and keys held at once took 1.4 GB.
const AT_A_TIME: i64 = 25_000;

/// The first `limit` marked customers' keys brought up to date; how many were marked.
fn refresh_some(conn: &Connection, limit: i64) -> Result<i64> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT customer_id FROM search_stale ORDER BY customer_id LIMIT ?1")?
        .query_map([limit], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
        return Ok(0);
    };
    let sources = super::pages::marked_search_sources(conn, *first, *last)?;
    let keys = crate::search::keys_of(&sources);
    drop(sources);
    let mut put = conn.prepare_cached(
        "INSERT INTO search_entry (customer_id, mask, name, rest, phones, pinyin, other_pinyin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (customer_id) DO UPDATE SET mask = excluded.mask, name = excluded.name,
             rest = excluded.rest, phones = excluded.phones, pinyin = excluded.pinyin,
             other_pinyin = excluded.other_pinyin",
    )?;
    for (id, k) in &keys {
        // The set's 64 bits as SQLite's signed integer: `&` works on the bits either way.
        let mask = k.mask().cast_signed();
        put.execute(params![
            id,
            mask,
            k.name,
            k.rest,
            k.phones,
            k.pinyin,
            k.other_pinyin
        ])?;
    }
    let mut gone = conn.prepare_cached("DELETE FROM search_entry WHERE customer_id = ?1")?;
    let mut done = conn.prepare_cached("DELETE FROM search_stale WHERE customer_id = ?1")?;
    let mut kept = keys.iter().map(|(id, _)| *id).peekable();
    for id in &ids {
        // Both lists are in id order: an id with no keys has no customer any more.
        if kept.next_if_eq(id).is_none() {
            gone.execute([id])?;
        }
        done.execute([id])?;
    }
    Ok(i64::try_from(ids.len()).unwrap_or(i64::MAX))
}

/// Kept keys read from `search_entry`'s name, rest, phones, pinyin and other_pinyin, in that
/// order, from column `at` on.
pub(crate) fn keys_at(
    r: &crate::store::db::Row<'_>,
    at: usize,
) -> crate::store::db::RowResult<Keys> {
    Ok(Keys {
        name: r.get(at)?,
        rest: r.get(at + 1)?,
        phones: r.get(at + 2)?,
        pinyin: r.get(at + 3)?,
        other_pinyin: r.get(at + 4)?,
    })
}

/// The entries `query` could match, archived customers' too: the stored keys of unmarked
/// customers that pass the query's sieve in SQL, and every marked customer's worked out afresh.
pub fn candidates(conn: &Connection, query: &str) -> Result<Vec<Entry>> {
    let [a, b, c] = crate::search::query_masks(query).map(u64::cast_signed);
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, name, rest, phones, pinyin, other_pinyin FROM search_entry
         WHERE (mask & ?1 = ?1 OR mask & ?2 = ?2 OR mask & ?3 = ?3)
           AND customer_id NOT IN (SELECT customer_id FROM search_stale)",
    )?;
    let mut entries = stmt
        .query_map([a, b, c], |r| {
            Ok(Entry::of_keys(r.get(0)?, &keys_at(r, 1)?))
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    // A part at a time: on a file kehu could not write since a new schema, every customer.
    let marked: Vec<i64> = conn
        .prepare_cached("SELECT customer_id FROM search_stale ORDER BY customer_id")?
        .query_map([], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    for part in marked.chunks(AT_A_TIME as usize) {
        let (Some(first), Some(last)) = (part.first(), part.last()) else {
            continue;
        };
        let fresh = super::pages::marked_search_sources(conn, *first, *last)?;
        entries.extend(
            crate::search::keys_of(&fresh)
                .iter()
                .map(|(id, keys)| Entry::of_keys(*id, keys)),
        );
    }
    Ok(entries)
}
