//! Query plans that would read many rows for every row of an outer loop — the shape that made
//! the report take minutes on an imported book. The plan test and the figures bench check every
//! statement the report, the dashboard and the Today queue run.

use crate::store::db::Connection;

use super::error::Result;

/// One line of `EXPLAIN QUERY PLAN`: its id, its parent's id, and what it does.
pub type PlanLine = (i64, i64, String);

/// The plan SQLite makes for `sql` (with its parameters written in, as a trace gives them).
pub fn plan_of(conn: &Connection, sql: &str) -> Result<Vec<PlanLine>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let lines = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(3)?)))?
        .collect::<crate::store::db::RowResult<_>>()?;
    Ok(lines)
}

/// The plan lines that repeat a read for every row of an outer loop: inside a correlated
/// subquery or as an inner loop of a join, a `SCAN`, or a `SEARCH` not narrowed to one customer's
/// or one row's entries (an index on the field alone reads every customer's stage changes).
pub fn per_row_scans(plan: &[PlanLine]) -> Vec<String> {
    let node = |id: i64| plan.iter().find(|(i, _, _)| *i == id);
    let is_loop = |d: &str| d.starts_with("SCAN ") || d.starts_with("SEARCH ");
    let narrow = |d: &str| {
        d.starts_with("SEARCH ")
            && [
                "customer_id=",
                "ticket_id=",
                "rowid=",
                "(id=",
                "PRIMARY KEY",
                // A product by its unique name: one row.
                "sqlite_autoindex_product_1 (name=?)",
            ]
            .iter()
            .any(|k| d.contains(k))
    };
    let mut bad = Vec::new();
    for (id, parent, detail) in plan {
        if !is_loop(detail) || detail.starts_with("SCAN CONSTANT ROW") || narrow(detail) {
            continue;
        }
        let mut correlated = false;
        let mut up = *parent;
        // Parents have smaller ids; the walk ends at the root.
        while let Some((_, p, d)) = node(up) {
            correlated |= d.starts_with("CORRELATED ");
            if *p >= up {
                break;
            }
            up = *p;
        }
        let inner = plan
            .iter()
            .any(|(i, p, d)| p == parent && i < id && is_loop(d));
        if correlated || inner {
            bad.push(detail.clone());
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_per_customer_by_field_alone_is_a_per_row_scan() {
        let line = |i: i64, p: i64, d: &str| (i, p, d.to_string());
        let good = [
            line(3, 0, "SCAN c"),
            line(9, 0, "CORRELATED SCALAR SUBQUERY 1"),
            line(
                15,
                9,
                "SEARCH h USING INDEX customer_history_by_customer (customer_id=? AND at<?)",
            ),
        ];
        assert!(per_row_scans(&good).is_empty());
        let by_field = [
            line(3, 0, "SCAN c"),
            line(9, 0, "CORRELATED SCALAR SUBQUERY 1"),
            line(
                15,
                9,
                "SEARCH h USING INDEX customer_history_by_field (field=?)",
            ),
        ];
        assert_eq!(per_row_scans(&by_field).len(), 1);
        let inner_scan = [
            line(2, 0, "SEARCH p USING INDEX purchase_by_date (on_date>?)"),
            line(5, 0, "SCAN c"),
        ];
        assert_eq!(per_row_scans(&inner_scan).len(), 1);
    }
}
