//! What an import did, so that it can be undone: the runs of rows it added and the fields it
//! changed (their before-images).

use std::collections::BTreeSet;

use crate::store::db::Value;
use crate::store::db::{Connection, Optional};
use rusqlite::params;
use serde_json::Value as Json;

use super::error::{Result, StoreError};
use super::{AppendTo, Ctx, customers};

/// The tables whose added rows an import remembers, in the order an undo removes them: a
/// customer goes only once nothing of theirs is left.
const ADDED_TABLES: [&str; 2] = ["interaction", "customer"];

/// The rows an import has added, as runs of consecutive ids per table.
///
/// Ids are never reused and nothing else inserts while the import's transaction holds the book,
/// so the rows come in a run or two: a 100,000-row import remembers its customers and their
/// last-contact notes in two rows instead of 200,000.
#[derive(Debug, Default)]
pub struct AddedRows {
    runs: [Vec<(i64, i64)>; 2],
}

impl AddedRows {
    pub fn customer(&mut self, id: i64) {
        Self::note(&mut self.runs[1], id);
    }

    pub fn interaction(&mut self, id: i64) {
        Self::note(&mut self.runs[0], id);
    }

    fn note(runs: &mut Vec<(i64, i64)>, id: i64) {
        match runs.last_mut() {
            Some((_, through)) if *through + 1 == id => *through = id,
            _ => runs.push((id, id)),
        }
    }

    /// Writes the runs into the batch's undo records.
    pub fn record(&self, conn: &Connection, batch: i64) -> Result<()> {
        let mut stmt = conn.prepare_cached(
            "INSERT INTO import_undo (batch_id, table_name, row_id, through_id) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (table, runs) in ADDED_TABLES.iter().zip(&self.runs) {
            for (first, through) in runs {
                stmt.execute(params![batch, table, first, through])?;
            }
        }
        Ok(())
    }
}

/// Remembers the fields of a customer the import changed, as they were before.
pub fn record_before(
    conn: &Connection,
    ctx: &Ctx,
    batch: i64,
    customer_id: i64,
    before: &Json,
) -> Result<()> {
    if let Some(mut appends) = ctx.gathered() {
        return appends.push(
            conn,
            AppendTo::ImportUndo,
            [
                Value::Integer(batch),
                Value::Text("customer".into()),
                Value::Integer(customer_id),
                Value::Integer(customer_id),
                Value::Text(before.to_string()),
            ],
        );
    }
    super::rows::exec(
        conn,
        "INSERT INTO import_undo (batch_id, table_name, row_id, customer_id, before) VALUES (?1, 'customer', ?2, ?2, ?3)",
        params![batch, customer_id, before.to_string()],
    )?;
    Ok(())
}

/// One undo record: a run of added rows (`before` None; books before schema 20 have runs of
/// one) or the before-image of a changed customer.
struct Entry {
    table: String,
    first: i64,
    through: i64,
    before: Option<String>,
}

/// Undoes an import: puts back the fields it filled in, removes the notes and customers it added
/// (refusing a customer someone has since given other records) and recomputes the figures of the
/// customers left. Rows removed or merged away since are passed over. Returns (removed, restored).
pub fn undo(conn: &Connection, ctx: &Ctx, batch: i64) -> Result<(usize, usize)> {
    let undone: Option<Option<String>> = conn
        .query_row(
            "SELECT undone_at FROM import_batch WHERE id = ?1",
            [batch],
            |r| r.get(0),
        )
        .optional()?;
    match undone {
        None => {
            return Err(StoreError::NotFound {
                what: "import",
                id: batch,
            });
        }
        Some(Some(at)) => {
            return Err(StoreError::Refused(crate::i18n::tf(
                "refused.already_undone",
                &[("batch", &batch), ("at", &at)],
            )));
        }
        Some(None) => {}
    }
    let mut stmt = conn.prepare_cached(
        "SELECT table_name, row_id, coalesce(through_id, row_id), before FROM import_undo
         WHERE batch_id = ?1 ORDER BY id DESC",
    )?;
    let entries: Vec<Entry> = stmt
        .query_map([batch], |r| {
            Ok(Entry {
                table: r.get(0)?,
                first: r.get(1)?,
                through: r.get(2)?,
                before: r.get(3)?,
            })
        })?
        .collect::<crate::store::db::RowResult<_>>()?;

    let mut restored = 0;
    for e in &entries {
        if let (Some(before), "customer") = (&e.before, e.table.as_str())
            && restore(conn, ctx, e.first, before)?
        {
            restored += 1;
        }
    }
    let mut touched = BTreeSet::new();
    let mut removed = 0;
    for table in ADDED_TABLES {
        for e in entries
            .iter()
            .filter(|e| e.before.is_none() && e.table == table)
        {
            match table {
                "interaction" => {
                    touched.extend(ids_in(
                        conn,
                        "SELECT customer_id FROM interaction WHERE id BETWEEN ?1 AND ?2",
                        e,
                    )?);
                    super::rows::exec(
                        conn,
                        "DELETE FROM interaction WHERE id BETWEEN ?1 AND ?2",
                        [e.first, e.through],
                    )?;
                }
                _ => {
                    let ids = ids_in(
                        conn,
                        "SELECT id FROM customer WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC",
                        e,
                    )?;
                    for id in ids {
                        refuse_if_kept(conn, id)?;
                        customers::erase(conn, ctx, id)?;
                        touched.remove(&id);
                        removed += 1;
                    }
                }
            }
        }
    }
    for id in touched {
        if exists(conn, id)? {
            customers::refresh_derived(conn, id)?;
        }
    }
    super::rows::exec(
        conn,
        "UPDATE import_batch SET undone_at = ?2 WHERE id = ?1",
        params![batch, ctx.clock.stamp()],
    )?;
    Ok((removed, restored))
}

fn exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM customer WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn ids_in(conn: &Connection, sql: &str, e: &Entry) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let ids = stmt
        .query_map([e.first, e.through], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(ids)
}

/// Refuses to undo the adding of a customer someone has since given records of their own.
fn refuse_if_kept(conn: &Connection, id: i64) -> Result<()> {
    let others: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM interaction WHERE customer_id = ?1) + (SELECT count(*) FROM todo WHERE customer_id = ?1)
              + (SELECT count(*) FROM purchase WHERE customer_id = ?1) + (SELECT count(*) FROM ticket WHERE customer_id = ?1)
              + (SELECT count(*) FROM deal WHERE customer_id = ?1) + (SELECT count(*) FROM contact_person WHERE customer_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if others > 0 {
        let name = customers::get(conn, id)?.fields.name;
        return Err(StoreError::Refused(crate::i18n::tf(
            "refused.undo_has_records",
            &[("id", &id), ("name", &name)],
        )));
    }
    Ok(())
}

/// Puts back the fields an import changed on customer `id`; false when the customer has been
/// erased or merged away since.
fn restore(conn: &Connection, ctx: &Ctx, id: i64, before: &str) -> Result<bool> {
    if !exists(conn, id)? {
        return Ok(false);
    }
    let old: serde_json::Map<String, Json> = serde_json::from_str(before)?;
    let c = customers::get(conn, id)?;
    let cols: Vec<(&str, Value)> = old
        .iter()
        .filter_map(|(k, v)| {
            let key = COLUMNS.iter().find(|c| **c == k.as_str())?;
            Some((
                *key,
                v.as_str()
                    .map_or(Value::Null, |s| Value::Text(s.to_string())),
            ))
        })
        .collect();
    super::rows::update(
        conn,
        ctx,
        "customer",
        "customer",
        id,
        c.audit.version,
        &cols,
        Some(id),
    )?;
    // The normal forms follow the restored phone and e-mail.
    customers::refresh_keys(conn, id)?;
    Ok(true)
}

/// Customer columns an import may fill in (and undo may restore).
const COLUMNS: &[&str] = &[
    "company",
    "email",
    "email_norm",
    "phone",
    "phone_norm",
    "city",
    "industry",
    "potential",
    "address",
    "owner",
    "source",
    "needs",
    "service_needs",
    "birthday",
    "custom_fields",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerFields, InteractionFields, InteractionKind};

    fn add(conn: &Connection, ctx: &Ctx, name: &str) -> (i64, i64) {
        let note = InteractionFields {
            at: ctx.clock.stamp(),
            kind: InteractionKind::Note,
            summary: "Last contact (imported)".into(),
            details: None,
        };
        let (id, note) =
            customers::add_contacted(conn, ctx, &CustomerFields::named(name), &[], Some(&note))
                .unwrap();
        (id, note.expect("the note is added"))
    }

    fn count(conn: &Connection, table: &str) -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn batches_written_a_row_at_a_time_before_runs_undo_as_they_did() {
        let (_dir, store) = crate::store::scratch_store();
        let ctx = Ctx::new(
            "t",
            crate::domain::Clock::fixed(
                chrono::Utc::now(),
                chrono::FixedOffset::east_opt(0).expect("UTC"),
            ),
        );
        store
            .write(|conn| {
                let (kept, _) = add(conn, &ctx, "Kept");
                let batch = super::super::imports::start_batch(conn, &ctx, "old.csv")?;
                for name in ["Ann", "Bo"] {
                    let (id, note) = add(conn, &ctx, name);
                    // Schema 19 and before: one record per added row, with its customer.
                    for (table, row) in [("customer", id), ("interaction", note)] {
                        conn.execute(
                            "INSERT INTO import_undo (batch_id, table_name, row_id, customer_id) VALUES (?1, ?2, ?3, ?4)",
                            params![batch, table, row, id],
                        )?;
                    }
                }
                assert_eq!(undo(conn, &ctx, batch)?, (2, 0));
                assert_eq!(count(conn, "customer"), 1);
                assert_eq!(count(conn, "interaction"), 1, "Kept's note stays");
                customers::get(conn, kept)?;
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn runs_follow_consecutive_ids() {
        let mut added = AddedRows::default();
        for id in [5, 6, 7, 9, 10] {
            added.customer(id);
        }
        added.interaction(3);
        assert_eq!(added.runs[1], vec![(5, 7), (9, 10)]);
        assert_eq!(added.runs[0], vec![(3, 3)]);
    }
}
