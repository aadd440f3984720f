//! The report's breakdowns: complaints by department (response and resolution times), and
//! conversion, churn and revenue by source and by campaign attended — each part by the same
//! definitions as the whole (see `reports`).

use crate::store::db::Connection;
use rusqlite::params;

use super::error::Result;
use super::reports::{
    MINE, PURCHASE_MINE, Scope, at_start_sql, churned_where, converted_where, lead_base_where,
};

/// Purchases of one product (or category) in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductFigures {
    pub name: String,
    /// Net revenue (refunds count against the product they name).
    pub revenue: i64,
    pub purchases: i64,
    pub buyers: i64,
    /// Buyers of it with 2 or more purchases of it in the period.
    pub repeat_buyers: i64,
}

/// The period's purchases by the product they name (`by_category`: by the product's category
/// in the product list; `none` for a purchase naming no product, `uncategorised` for a product
/// not in the list or without a category), most revenue first.
pub(super) fn by_product(
    conn: &Connection,
    scope: &Scope,
    by_category: bool,
) -> Result<Vec<ProductFigures>> {
    let key = if by_category {
        "CASE WHEN p.product IS NULL THEN 'none' ELSE coalesce(pr.category, 'uncategorised') END"
    } else {
        "coalesce(p.product, 'none')"
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT k, sum(total), sum(n), count(*) FILTER (WHERE n > 0), count(*) FILTER (WHERE n >= 2)
         FROM (SELECT {key} AS k, p.customer_id, sum(p.amount) AS total,
                      count(*) FILTER (WHERE p.amount > 0) AS n
               FROM purchase p LEFT JOIN product pr ON pr.name = p.product COLLATE NOCASE
               WHERE {PURCHASE_MINE} AND p.on_date >= ?2 AND p.on_date <= ?3
               GROUP BY 1, 2)
         GROUP BY k ORDER BY 2 DESC, 1"
    ))?;
    let found = stmt
        .query_map(
            params![scope.owner, scope.from.to_string(), scope.to.to_string()],
            |r| {
                Ok(ProductFigures {
                    name: r.get(0)?,
                    revenue: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                    purchases: r.get(2)?,
                    buyers: r.get(3)?,
                    repeat_buyers: r.get(4)?,
                })
            },
        )?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Complaints handled by one department in a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartmentTimes {
    pub department: String,
    pub complaints: i64,
    pub response_hours: Vec<f64>,
    pub resolution_hours: Vec<f64>,
}

/// The period's complaints by the department that has them, with their response and resolution
/// times in hours.
pub(super) fn department_times(conn: &Connection, scope: &Scope) -> Result<Vec<DepartmentTimes>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT coalesce(t.department, 'none'),
                (julianday(t.first_response_at) - julianday(t.opened_at)) * 24,
                (julianday(t.resolved_at) - julianday(t.opened_at)) * 24
         FROM ticket t JOIN customer c ON c.id = t.customer_id
         WHERE {MINE} AND t.kind = 'complaint' AND t.opened_at >= ?2 AND t.opened_at < ?3
         ORDER BY 1"
    ))?;
    let rows = stmt
        .query_map(params![scope.owner, scope.start, scope.end], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<f64>>(1)?,
                r.get::<_, Option<f64>>(2)?,
            ))
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    let mut out: Vec<DepartmentTimes> = Vec::new();
    for (department, response, resolution) in rows {
        if out.last().is_none_or(|d| d.department != department) {
            out.push(DepartmentTimes {
                department,
                ..Default::default()
            });
        }
        if let Some(d) = out.last_mut() {
            d.complaints += 1;
            d.response_hours.extend(response);
            d.resolution_hours.extend(resolution);
        }
    }
    Ok(out)
}

/// One source's or campaign's share of the period's figures, by the figures' own definitions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    pub lead_base: i64,
    pub converted: i64,
    pub customers_at_start: i64,
    pub churned: i64,
    pub revenue: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grouping {
    /// The customer's `source` (`none` when blank).
    Source,
    /// Each campaign the customer attended (an invitation alone is not participation).
    Campaign,
}

/// Conversion, churn and revenue of the period, split by source or by campaign attended.
pub(super) fn segments(conn: &Connection, scope: &Scope, by: Grouping) -> Result<Vec<Segment>> {
    let (key, from) = grouped_by(by);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key}, count(*) FILTER (WHERE {lead_base}), count(*) FILTER (WHERE {converted}),
                count(*) FILTER (WHERE {at_start}), count(*) FILTER (WHERE {churned})
         FROM {from} WHERE {MINE} GROUP BY 1",
        lead_base = lead_base_where(),
        converted = converted_where(),
        at_start = at_start_sql(),
        churned = churned_where(),
    ))?;
    let counted: Vec<Segment> = stmt
        .query_map(params![scope.owner, scope.start, scope.end], |r| {
            Ok(Segment {
                name: r.get(0)?,
                lead_base: r.get(1)?,
                converted: r.get(2)?,
                customers_at_start: r.get(3)?,
                churned: r.get(4)?,
                revenue: 0,
            })
        })?
        .collect::<crate::store::db::RowResult<_>>()?;
    with_revenue(conn, scope, by, counted)
}

/// The key a grouping splits by and the rows it reads (customers as `c`).
pub(super) fn grouped_by(by: Grouping) -> (&'static str, &'static str) {
    match by {
        Grouping::Source => ("coalesce(nullif(trim(c.source), ''), 'none')", "customer c"),
        Grouping::Campaign => (
            "k.name",
            "campaign_member m JOIN campaign k ON k.id = m.campaign_id
             JOIN customer c ON c.id = m.customer_id AND m.attended_at IS NOT NULL",
        ),
    }
}

/// Segments whose customers were counted (by the report's own read, for sources) with the
/// period's revenue added; those with nothing to show left out, the most revenue first.
pub(super) fn with_revenue(
    conn: &Connection,
    scope: &Scope,
    by: Grouping,
    mut out: Vec<Segment>,
) -> Result<Vec<Segment>> {
    let (key, from) = grouped_by(by);
    let from = match by {
        Grouping::Source => from.to_string(),
        Grouping::Campaign => format!("({from})"),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key}, sum(p.amount) FROM purchase p JOIN {from} ON c.id = p.customer_id
         WHERE {MINE} AND p.on_date >= ?2 AND p.on_date <= ?3 GROUP BY 1"
    ))?;
    let revenue: Vec<(String, i64)> = stmt
        .query_map(
            params![scope.owner, scope.from.to_string(), scope.to.to_string()],
            |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0))),
        )?
        .collect::<crate::store::db::RowResult<_>>()?;
    for (name, sum) in revenue {
        match out.iter_mut().find(|s| s.name == name) {
            Some(s) => s.revenue = sum,
            None => out.push(Segment {
                name,
                revenue: sum,
                ..Default::default()
            }),
        }
    }
    // Those that brought the most first; segments with nothing to show are left out.
    out.retain(|s| s.lead_base + s.customers_at_start + s.revenue.abs() > 0);
    out.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}
