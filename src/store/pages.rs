//! The queries behind the screen's panes: keyset paging on (key, id), never a deep OFFSET, so a
//! page costs the same at row 10 and at row 100,000, and rows that share a key are never skipped.

use crate::store::db::Value;
use crate::store::db::{Connection, params_from_iter};

use super::customers::{self, COLS};
use super::error::Result;
use super::rows::AUDIT_COLS;
use crate::domain::{Customer, Stage, Tier};

/// The orders the customer list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerSort {
    /// By name (the cached sort key).
    #[default]
    Name,
    /// Longest without contact first (never contacted at the very top).
    LastContact,
    /// Soonest follow-up first (none scheduled at the end).
    NextDue,
    /// Highest value score (RFM) first.
    Value,
}

impl CustomerSort {
    /// The indexed key expression; NULL-free so row-value comparisons are exact.
    pub(crate) fn key(self) -> &'static str {
        match self {
            CustomerSort::Name => "sort_key",
            CustomerSort::LastContact => "coalesce(last_contact_at, '')",
            CustomerSort::NextDue => "coalesce(next_due, '9999-12-31')",
            CustomerSort::Value => "printf('%02d', 15 - value_score)",
        }
    }

    /// A customer's position in this order.
    pub fn cursor_of(self, c: &Customer) -> Cursor {
        let key = match self {
            CustomerSort::Name => crate::domain::sort_key(&c.fields.name),
            CustomerSort::LastContact => c.last_contact_at.clone().unwrap_or_default(),
            CustomerSort::NextDue => c
                .next_due
                .map_or_else(|| "9999-12-31".to_string(), |d| d.to_string()),
            CustomerSort::Value => format!("{:02}", 15 - i64::from(c.value.total())),
        };
        Cursor { key, id: c.id }
    }
}

/// A position in an ordered listing: the sort key and id of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: i64,
}

/// Which customers the list pane shows (the `f` key cycles these).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub tier: Option<Tier>,
    pub stage: Option<Stage>,
    pub owner: Option<String>,
    pub tag: Option<String>,
    /// The archived customers instead of the active ones (to find and unarchive them).
    pub archived: bool,
}

impl ListFilter {
    /// Extra WHERE terms, bound from ?4 on (?1–?3 are the cursor and the limit).
    fn sql(&self) -> (String, Vec<Value>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        let mut add = |term: &str, v: Value| {
            values.push(v);
            sql.push_str(&term.replace('#', &format!("?{}", values.len() + 3)));
        };
        if let Some(t) = self.tier {
            add(" AND tier = #", Value::Text(t.to_string()));
        }
        if let Some(s) = self.stage {
            add(" AND stage = #", Value::Text(s.to_string()));
        }
        match self.owner.as_deref() {
            // The shared pool: customers with no owner.
            Some("") => add(" AND owner IS NULL AND # IS NOT NULL", Value::Integer(1)),
            Some(o) => add(" AND owner = #", Value::Text(o.to_string())),
            None => {}
        }
        if let Some(t) = &self.tag {
            add(
                " AND EXISTS (SELECT 1 FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id \
                 WHERE ct.customer_id = customer.id AND t.name = # COLLATE NOCASE)",
                Value::Text(t.clone()),
            );
        }
        (sql, values)
    }
}

/// Which customers a list shows: the active ones, or the archived ones.
fn shown(archived: bool) -> &'static str {
    if archived {
        "archived_at IS NOT NULL"
    } else {
        "archived_at IS NULL"
    }
}

/// SQL for the page after a cursor, in `sort` order.
pub fn customers_after_sql(sort: CustomerSort, archived: bool, filter_sql: &str) -> String {
    let k = sort.key();
    let shown = shown(archived);
    format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM customer
         WHERE {shown} AND ({k}, id) > (?1, ?2){filter_sql}
         ORDER BY {k}, id LIMIT ?3"
    )
}

/// SQL for the page before a cursor (returned nearest-first; callers reverse it).
pub fn customers_before_sql(sort: CustomerSort, archived: bool, filter_sql: &str) -> String {
    let k = sort.key();
    let shown = shown(archived);
    format!(
        "SELECT {COLS}, {AUDIT_COLS} FROM customer
         WHERE {shown} AND ({k}, id) < (?1, ?2){filter_sql}
         ORDER BY {k} DESC, id DESC LIMIT ?3"
    )
}

fn page(
    conn: &Connection,
    sql: &str,
    key: String,
    id: i64,
    limit: usize,
    extra: Vec<Value>,
) -> Result<Vec<Customer>> {
    let mut values = vec![
        Value::Text(key),
        Value::Integer(id),
        Value::Integer(limit as i64),
    ];
    values.extend(extra);
    let mut stmt = conn.prepare_cached(sql)?;
    let found = stmt
        .query_map(params_from_iter(values), customers::from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Up to `limit` customers after `after` (from the top when `None`).
pub fn customers_after(
    conn: &Connection,
    sort: CustomerSort,
    filter: &ListFilter,
    after: Option<&Cursor>,
    limit: usize,
) -> Result<Vec<Customer>> {
    let (key, id) = after.map_or((String::new(), i64::MIN), |c| (c.key.clone(), c.id));
    let (filter_sql, extra) = filter.sql();
    page(
        conn,
        &customers_after_sql(sort, filter.archived, &filter_sql),
        key,
        id,
        limit,
        extra,
    )
}

/// Up to `limit` customers before `before` (from the very end when `None`), in display order.
pub fn customers_before(
    conn: &Connection,
    sort: CustomerSort,
    filter: &ListFilter,
    before: Option<&Cursor>,
    limit: usize,
) -> Result<Vec<Customer>> {
    let (key, id) = before.map_or(("\u{10ffff}".to_string(), i64::MAX), |c| {
        (c.key.clone(), c.id)
    });
    let (filter_sql, extra) = filter.sql();
    let mut found = page(
        conn,
        &customers_before_sql(sort, filter.archived, &filter_sql),
        key,
        id,
        limit,
        extra,
    )?;
    found.reverse();
    Ok(found)
}

/// The open to-do queue by due date (undated last), after a cursor.
pub const OPEN_TODOS_SQL: &str = "SELECT id FROM todo
     WHERE status = 'open' AND (coalesce(due, '9999-12-31'), id) > (?1, ?2)
     ORDER BY coalesce(due, '9999-12-31'), id LIMIT ?3";

/// A customer's timeline page (see `interactions::timeline`).
pub const TIMELINE_SQL: &str = "SELECT id FROM interaction
     WHERE customer_id = ?1 AND (at < ?2 OR (at = ?2 AND id < ?3))
     ORDER BY at DESC, id DESC LIMIT ?4";

/// Duplicate checks and phone/e-mail lookups.
pub const BY_EMAIL_SQL: &str = "SELECT id FROM customer WHERE email_norm = ?1";
pub const BY_PHONE_SQL: &str = "SELECT id FROM customer WHERE phone_norm = ?1";

/// Every query a pane runs, named, for the test that checks each one uses an index.
pub fn pane_queries() -> Vec<(&'static str, String)> {
    vec![
        (
            "customers by name, next page",
            customers_after_sql(CustomerSort::Name, false, ""),
        ),
        (
            "customers by name, previous page",
            customers_before_sql(CustomerSort::Name, false, ""),
        ),
        (
            "customers by last contact",
            customers_after_sql(CustomerSort::LastContact, false, ""),
        ),
        (
            "customers by last contact, previous page",
            customers_before_sql(CustomerSort::LastContact, false, ""),
        ),
        (
            "customers by next due",
            customers_after_sql(CustomerSort::NextDue, false, ""),
        ),
        (
            "customers by next due, previous page",
            customers_before_sql(CustomerSort::NextDue, false, ""),
        ),
        (
            "customers by value",
            customers_after_sql(CustomerSort::Value, false, ""),
        ),
        (
            "customers by value, previous page",
            customers_before_sql(CustomerSort::Value, false, ""),
        ),
        ("open to-dos by due date", OPEN_TODOS_SQL.to_string()),
        ("a customer's timeline", TIMELINE_SQL.to_string()),
        ("customer by e-mail", BY_EMAIL_SQL.to_string()),
        ("customer by phone", BY_PHONE_SQL.to_string()),
    ]
}

/// The query plan SQLite chooses for `sql`, one line per step (for tests and `kehu check`).
pub fn explain(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let n = stmt.parameter_count();
    let nulls: Vec<crate::store::db::Value> = vec![crate::store::db::Value::Null; n];
    let lines = stmt
        .query_map(crate::store::db::params_from_iter(nulls), |r| {
            r.get::<_, String>(3)
        })?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(lines)
}

/// One customer's searchable text, gathered in one pass for the search index.
#[derive(Debug, Clone)]
pub struct SearchSource {
    pub customer: Customer,
    /// The stored name-order key, when read with the customer (the same the list sorts by).
    pub sort_key: Option<String>,
    /// Contact persons' names, phones and e-mails.
    pub contacts: Vec<String>,
}

/// What the search index reads of a customer, and nothing else: the whole record (custom
/// fields as JSON, notes, the audit columns) made reading a large book's customers twice as long.
/// `condition` picks the customers (archived ones too, unless it leaves them out).
fn search_sql(condition: &str) -> String {
    format!(
        "SELECT id, name, company, email, city, phone, tier, cadence_days, last_contact_at, next_due,
            (SELECT group_concat(t.name, char(31)) FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id
             WHERE ct.customer_id = customer.id),
            sort_key,
            (SELECT group_concat(coalesce(p.name, '') || ' ' || coalesce(p.phone, '') || ' ' || coalesce(p.email, ''), char(31))
             FROM contact_person p WHERE p.customer_id = customer.id)
         FROM customer WHERE {condition}"
    )
}

fn search_source(r: &crate::store::db::Row<'_>) -> crate::store::db::RowResult<SearchSource> {
    let fields = crate::domain::CustomerFields {
        company: r.get(2)?,
        email: r.get(3)?,
        city: r.get(4)?,
        phone: r.get(5)?,
        tier: customers::parsed(r, 6)?,
        cadence_days: r.get(7)?,
        ..crate::domain::CustomerFields::named(r.get::<_, String>(1)?)
    };
    let contacts: Option<String> = r.get(12)?;
    Ok(SearchSource {
        customer: Customer {
            last_contact_at: r.get(8)?,
            next_due: customers::parsed_opt(r, 9)?,
            ..Customer::bare(r.get(0)?, fields, customers::tag_list(r.get(10)?))
        },
        sort_key: r.get(11)?,
        contacts: contacts
            .map(|c| c.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

/// The search entries of just these customers (archived or missing ones are left out).
pub fn search_sources_for(conn: &Connection, ids: &[i64]) -> Result<Vec<SearchSource>> {
    let mut stmt = conn.prepare_cached(&search_sql("archived_at IS NULL AND id = ?1"))?;
    let mut found = Vec::new();
    for id in ids {
        found.extend(
            stmt.query_map([id], search_source)?
                .collect::<crate::store::db::RowResult<Vec<_>>>()?,
        );
    }
    Ok(found)
}

/// Every active customer with their contact persons' details, for building the search index
/// off the UI thread, handed over `part` customers at a time (the last part possibly shorter, or
/// empty): a million customers' records never all wait in memory. Only ids in `ids` (see
/// [`id_shares`]). `each` returns whether to go on (the screen that wanted them may have closed).
/// In the table's order (the index sorts them by name: following the sort key's index read a
/// grown book's rows from pages all over the file).
pub fn search_sources_in_parts(
    conn: &Connection,
    part: usize,
    ids: std::ops::Range<i64>,
    mut each: impl FnMut(Vec<SearchSource>) -> bool,
) -> Result<()> {
    let mut stmt =
        conn.prepare_cached(&search_sql("archived_at IS NULL AND id >= ?1 AND id < ?2"))?;
    let mut rows = stmt.query([ids.start, ids.end])?;
    let mut chunk = Vec::with_capacity(part);
    while let Some(row) = rows.next()? {
        chunk.push(search_source(&row)?);
        if chunk.len() == part && !each(std::mem::replace(&mut chunk, Vec::with_capacity(part))) {
            return Ok(());
        }
    }
    each(chunk);
    Ok(())
}

/// The search entries of every active customer with an id in `ids`, handed over `part` at a time
/// like [`search_sources_in_parts`]: from the keys kept in the book (no pinyin to work out, no
/// tags or contact persons to read), the few customers marked for new keys worked out afresh. A
/// share mostly marked (a book just upgraded) is read the way the keys are made.
pub fn search_entries_in_parts(
    conn: &Connection,
    part: usize,
    ids: std::ops::Range<i64>,
    mut each: impl FnMut(Vec<crate::search::Entry>) -> bool,
) -> Result<()> {
    let marked: i64 = conn.query_row(
        "SELECT count(*) FROM search_stale WHERE customer_id >= ?1 AND customer_id < ?2",
        [ids.start, ids.end],
        |r| r.get(0),
    )?;
    if marked > super::search_keys::IN_A_WRITE {
        return search_sources_in_parts(conn, part, ids, |sources| {
            each(crate::search::Index::entries_here(sources))
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.company, c.last_contact_at, c.sort_key, c.tier, c.cadence_days,
                c.next_due, e.name, e.rest, e.phones, e.pinyin, e.other_pinyin,
                e.customer_id IS NULL OR s.customer_id IS NOT NULL
         FROM customer c LEFT JOIN search_entry e ON e.customer_id = c.id
              LEFT JOIN search_stale s ON s.customer_id = c.id
         WHERE c.archived_at IS NULL AND c.id >= ?1 AND c.id < ?2",
    )?;
    let mut rows = stmt.query([ids.start, ids.end])?;
    let mut chunk = Vec::with_capacity(part);
    // Marked customers, and any without kept keys: worked out afresh at the end.
    let mut fresh = Vec::new();
    while let Some(r) = rows.next()? {
        if r.get::<_, bool>(13)? {
            fresh.push(r.get::<_, i64>(0)?);
            continue;
        }
        let keys = super::search_keys::keys_at(&r, 8)?;
        let (name, company, last_contact, sort_key): (
            String,
            Option<String>,
            Option<String>,
            String,
        ) = (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        let shown = crate::search::Shown {
            name: &name,
            company: company.as_deref(),
            last_contact: last_contact.as_deref(),
            sort_key: &sort_key,
            tier: customers::parsed(&r, 5)?,
            cadence_days: r.get(6)?,
            next_due: customers::parsed_opt(&r, 7)?,
        };
        chunk.push(crate::search::Entry::of_kept(r.get(0)?, &keys, &shown));
        if chunk.len() == part && !each(std::mem::replace(&mut chunk, Vec::with_capacity(part))) {
            return Ok(());
        }
    }
    chunk.extend(crate::search::Index::entries_here(search_sources_for(
        conn, &fresh,
    )?));
    each(chunk);
    Ok(())
}

/// What the search reads of the customers with ids from `first` to `last` marked for new search
/// keys (see `search_keys`), archived ones too (`--archived` searches them), by id.
pub fn marked_search_sources(
    conn: &Connection,
    first: i64,
    last: i64,
) -> Result<Vec<SearchSource>> {
    let mut stmt = conn.prepare_cached(&search_sql(
        "id IN (SELECT customer_id FROM search_stale WHERE customer_id BETWEEN ?1 AND ?2) ORDER BY id",
    ))?;
    let found = stmt
        .query_map([first, last], search_source)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Every customer id in `n` ranges of about equal span (at least one; together all ids), for
/// reading the customers on `n` connections at once.
pub fn id_shares(conn: &Connection, n: usize) -> Result<Vec<std::ops::Range<i64>>> {
    let (low, high): (Option<i64>, Option<i64>) =
        conn.query_row("SELECT min(id), max(id) FROM customer", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let (Some(low), Some(high)) = (low, high) else {
        return Ok(std::iter::once(i64::MIN..i64::MAX).collect());
    };
    let n = i64::try_from(n.max(1)).unwrap_or(1);
    let step = ((high - low) / n).max(1);
    let mut cuts: Vec<i64> = (1..n)
        .map(|k| low + k * step)
        .filter(|c| *c <= high)
        .collect();
    cuts.dedup();
    let starts = std::iter::once(i64::MIN).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().chain(std::iter::once(i64::MAX));
    Ok(starts.zip(ends).map(|(a, b)| a..b).collect())
}

/// SQLite's counter of commits by other connections: a cheap "has anyone else written" check.
/// A server has none: the change log's last id moves with every commit that changed something.
pub fn data_version(conn: &Connection) -> Result<i64> {
    if conn.is_server() {
        return conn.query_row("SELECT coalesce(max(id), 0) FROM change_log", [], |r| {
            r.get(0)
        });
    }
    conn.pragma_query_value("data_version")
}

/// The team as the book knows it: everyone who owns a customer or is assigned a to-do, by name.
pub fn people(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT owner FROM customer WHERE owner IS NOT NULL AND owner != ''
         UNION SELECT assignee FROM todo WHERE assignee IS NOT NULL AND assignee != ''
         ORDER BY 1",
    )?;
    let found = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Campaign names, newest first.
pub fn campaign_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM campaign ORDER BY id DESC")?;
    let found = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Open to-dos overdue and due on `today`, for the status bar.
pub fn due_counts(conn: &Connection, today: chrono::NaiveDate) -> Result<(i64, i64)> {
    let d = today.to_string();
    conn.query_row(
        "SELECT count(*) FILTER (WHERE due < ?1), count(*) FILTER (WHERE due = ?1)
         FROM todo WHERE status = 'open' AND coalesce(due, '9999-12-31') <= ?1",
        [d],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Open to-dos, soonest due first (or, `closed`, done and cancelled ones, latest first), with
/// each one's customer name.
pub fn open_todos(
    conn: &Connection,
    customer: Option<i64>,
    assignee: Option<&str>,
    limit: usize,
    closed: bool,
) -> Result<Vec<(crate::domain::Todo, Option<String>)>> {
    let todos = if closed {
        super::todos::list_closed(conn, customer, assignee, limit)?
    } else {
        super::todos::list_open_limited(conn, customer, assignee, limit)?
    };
    let mut out = Vec::with_capacity(todos.len());
    let mut name_of = conn.prepare_cached("SELECT name FROM customer WHERE id = ?1")?;
    for t in todos {
        let name = match t.customer_id {
            Some(id) => name_of.query_row([id], |r| r.get::<_, String>(0)).ok(),
            None => None,
        };
        out.push((t, name));
    }
    Ok(out)
}
