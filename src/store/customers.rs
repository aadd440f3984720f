//! Customers: add, read, list, edit, tags, archive, erase, and the cached derived columns.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row, params_from_iter};
use chrono::NaiveDate;
use rusqlite::params;

use super::error::{Result, StoreError};
use super::rows::{self, AUDIT_COLS, int, text};
use super::{AppendTo, Ctx};
use crate::domain::{Customer, CustomerFields, InteractionFields, Stage, Tier, input, sort_key};
use serde_json::Value as Json;

pub(crate) const WHAT: &str = "customer";

pub use super::merge::{MergeReport, merge};
pub(crate) use super::tags::{link_tag, remove_unused_tags, wanted_tags};
pub use super::tags::{set_tags, tags_of};

/// Column list matching [`from_row`].
pub(crate) const COLS: &str = "id, name, company, kind, tier, stage, email, phone, city, address, owner, channel, cadence_days, \
     birthday, source, needs, service_needs, custom_fields, pool_locked, archived_at, last_contact_at, next_due, \
     purchase_total, purchase_count, last_purchase_on, \
     (SELECT group_concat(t.name, char(31)) FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.customer_id = customer.id), \
     value_r, value_f, value_m, churn_reason, churn_note, churned_at, industry, potential, value_score";

/// Parses a stored enum or date; a bad value means the file was edited by another tool.
pub(crate) fn parsed<T: FromStr>(row: &Row<'_>, idx: usize) -> crate::store::db::RowResult<T>
where
    T::Err: std::fmt::Display,
{
    let raw: String = row.get(idx)?;
    raw.parse::<T>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("'{raw}': {e}").into(),
        )
    })
}

pub(crate) fn parsed_opt<T: FromStr>(
    row: &Row<'_>,
    idx: usize,
) -> crate::store::db::RowResult<Option<T>>
where
    T::Err: std::fmt::Display,
{
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(_) => parsed(row, idx).map(Some),
    }
}

pub(crate) fn from_row(row: &Row<'_>) -> crate::store::db::RowResult<Customer> {
    let custom: String = row.get(17)?;
    let custom_fields: BTreeMap<String, String> =
        serde_json::from_str::<BTreeMap<String, serde_json::Value>>(&custom)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            .collect();
    let tags = tag_list(row.get(25)?);
    Ok(Customer {
        id: row.get(0)?,
        fields: CustomerFields {
            name: row.get(1)?,
            company: row.get(2)?,
            kind: parsed(row, 3)?,
            tier: parsed(row, 4)?,
            stage: parsed(row, 5)?,
            email: row.get(6)?,
            phone: row.get(7)?,
            city: row.get(8)?,
            address: row.get(9)?,
            owner: row.get(10)?,
            channel: parsed_opt(row, 11)?,
            cadence_days: row.get(12)?,
            birthday: parsed_opt::<NaiveDate>(row, 13)?,
            source: row.get(14)?,
            needs: row.get(15)?,
            service_needs: row.get(16)?,
            custom_fields,
            pool_locked: row.get::<_, i64>(18)? != 0,
            churn_reason: row.get(29)?,
            churn_note: row.get(30)?,
            industry: row.get(32)?,
            potential: row.get(33)?,
        },
        churned_at: row.get(31)?,
        archived_at: row.get(19)?,
        last_contact_at: row.get(20)?,
        next_due: parsed_opt(row, 21)?,
        purchase_total: row.get(22)?,
        purchase_count: row.get(23)?,
        last_purchase_on: parsed_opt(row, 24)?,
        tags,
        value: crate::domain::rules::ValueScore {
            rfm: crate::domain::rules::Rfm {
                recency: row.get(26)?,
                frequency: row.get(27)?,
                monetary: row.get(28)?,
            },
            potential: row.get(33)?,
            score: row.get(34)?,
        },
        audit: rows::audit(row, 35)?,
    })
}

/// The stored columns for a customer's editable fields, with their normal forms and sort key.
/// What a customer is found by, as stored: the name's sort key and the normal forms of the
/// e-mail and phone (`sort_key`, `email_norm`, `phone_norm`). Worked out once per imported row.
#[derive(Debug, Clone)]
pub struct StoredKeys {
    pub sort_key: String,
    pub email_norm: Option<String>,
    pub phone_norm: Option<String>,
}

pub fn stored_keys(f: &CustomerFields) -> StoredKeys {
    StoredKeys {
        sort_key: sort_key(&f.name),
        email_norm: f
            .email
            .as_deref()
            .map(|e| input::email(e).map_or_else(|_| e.to_lowercase(), |(_, n)| n)),
        phone_norm: f
            .phone
            .as_deref()
            .map(|p| input::phone(p).map_or_else(|_| input::phone_digits(p), |(_, n)| n)),
    }
}

fn columns(f: &CustomerFields) -> Vec<(&'static str, Value)> {
    columns_with(f, &stored_keys(f))
}

fn columns_with(f: &CustomerFields, keys: &StoredKeys) -> Vec<(&'static str, Value)> {
    let StoredKeys {
        sort_key,
        email_norm,
        phone_norm,
    } = keys;
    let custom = serde_json::to_string(&f.custom_fields).unwrap_or_else(|_| "{}".to_string());
    vec![
        ("name", Value::Text(f.name.clone())),
        ("sort_key", Value::Text(sort_key.clone())),
        ("company", text(f.company.as_deref())),
        ("kind", Value::Text(f.kind.to_string())),
        ("tier", Value::Text(f.tier.to_string())),
        ("stage", Value::Text(f.stage.to_string())),
        ("email", text(f.email.as_deref())),
        ("email_norm", text(email_norm.as_deref())),
        ("phone", text(f.phone.as_deref())),
        ("phone_norm", text(phone_norm.as_deref())),
        ("city", text(f.city.as_deref())),
        ("address", text(f.address.as_deref())),
        ("owner", text(f.owner.as_deref())),
        ("channel", text(f.channel.map(|c| c.as_str()))),
        ("cadence_days", int(f.cadence_days)),
        (
            "birthday",
            text(f.birthday.map(|d| d.to_string()).as_deref()),
        ),
        ("source", text(f.source.as_deref())),
        ("needs", text(f.needs.as_deref())),
        ("service_needs", text(f.service_needs.as_deref())),
        ("custom_fields", Value::Text(custom)),
        ("pool_locked", Value::Integer(i64::from(f.pool_locked))),
        ("churn_reason", text(f.churn_reason.as_deref())),
        ("churn_note", text(f.churn_note.as_deref())),
        ("industry", text(f.industry.as_deref())),
        ("potential", int(f.potential.map(i64::from))),
    ]
}

/// The fields with their churn reason read against the team's list: kept (as the list spells
/// it) only while churned; required when a customer becomes churned by an edit (`before` is the
/// customer as it was). Adding a customer already churned (an import of old records) may leave
/// the reason unknown.
fn with_churn_reason(
    conn: &Connection,
    before: Option<&CustomerFields>,
    fields: &CustomerFields,
) -> Result<CustomerFields> {
    let mut f = fields.clone();
    if f.stage != Stage::Churned {
        f.churn_reason = None;
        f.churn_note = None;
        return Ok(f);
    }
    let typed = f
        .churn_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let becoming = before.is_some_and(|b| b.stage != Stage::Churned);
    let unchanged = before.is_some_and(|b| b.churn_reason.as_deref() == typed);
    f.churn_reason = match typed {
        // A reason stored before the team changed its list stays as it was.
        Some(r) if unchanged => Some(r.to_string()),
        Some(r) => {
            let list = crate::domain::churn::reasons(&super::settings::get(conn, "churn_reasons")?);
            Some(crate::domain::churn::parse(&list, r)?)
        }
        None if becoming => {
            let list = crate::domain::churn::reasons(&super::settings::get(conn, "churn_reasons")?);
            return Err(StoreError::Input(crate::domain::InputError::new(
                "churn_reason",
                crate::i18n::tf(
                    "err.churn_needs_reason",
                    &[(
                        "known",
                        &list
                            .iter()
                            .map(|r| crate::domain::churn::shown(r))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )],
                ),
            )));
        }
        None => None,
    };
    f.churn_note = f
        .churn_note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Ok(f)
}

pub fn add(conn: &Connection, ctx: &Ctx, fields: &CustomerFields, tags: &[String]) -> Result<i64> {
    Ok(add_contacted(conn, ctx, fields, tags, None)?.0)
}

/// [`add`] for a customer last contacted at `last_contact` (an import's column), with the
/// interaction that says so. One log entry holds the customer, their tags and that interaction
/// (by its id: its time is the customer's `last_contact_at`, its kind and summary the import's):
/// an import adds thousands. Returns the customer's id and the interaction's.
pub fn add_contacted(
    conn: &Connection,
    ctx: &Ctx,
    fields: &CustomerFields,
    tags: &[String],
    last_contact: Option<&InteractionFields>,
) -> Result<(i64, Option<i64>)> {
    add_contacted_keyed(conn, ctx, fields, &stored_keys(fields), tags, last_contact)
}

/// [`add_contacted`] with the customer's [`stored_keys`] already worked out.
pub fn add_contacted_keyed(
    conn: &Connection,
    ctx: &Ctx,
    fields: &CustomerFields,
    keys: &StoredKeys,
    tags: &[String],
    last_contact: Option<&InteractionFields>,
) -> Result<(i64, Option<i64>)> {
    let checked;
    let fields = if fields.stage == Stage::Churned || fields.churn_reason.is_some() {
        checked = with_churn_reason(conn, None, fields)?;
        &checked
    } else {
        fields
    };
    let mut cols = columns_with(fields, keys);
    if fields.stage == Stage::Churned {
        cols.push(("churned_at", Value::Text(ctx.clock.stamp())));
    }
    if let Some(contact) = last_contact {
        cols.push(("last_contact_at", Value::Text(contact.at.clone())));
    }
    let wanted = wanted_tags(tags);
    let mut also = serde_json::Map::new();
    if !wanted.is_empty() {
        also.insert("tags".into(), serde_json::json!(wanted));
    }
    let id = rows::insert_unlogged(conn, ctx, "customer", &cols)?;
    // The interaction is the customer's `last_contact_at` as a note: its id is all the entry
    // needs to name it.
    let note = match last_contact {
        Some(contact) => {
            let note = super::interactions::add_unlogged(conn, ctx, id, contact)?;
            also.insert("last_contact_note".into(), Json::from(note));
            Some(note)
        }
        None => None,
    };
    rows::log_insert(conn, ctx, "customer", id, &cols, None, &also)?;
    first_history(conn, ctx, id, fields)?;
    if fields.potential.is_some() {
        super::value::refresh_one(conn, id, ctx.clock.today())?;
    }
    // A new customer has no tags to read or take away.
    match ctx.gathered() {
        Some(mut appends) => {
            for t in &wanted {
                let name = input::clean_line(t);
                if !name.is_empty() {
                    let tag = appends.tag_id(conn, &name)?;
                    appends.push(
                        conn,
                        AppendTo::CustomerTag,
                        [Value::Integer(id), Value::Integer(tag)],
                    )?;
                }
            }
        }
        None => {
            for t in &wanted {
                link_tag(conn, id, t)?;
            }
        }
    }
    Ok((id, note))
}

/// A new customer's first tier, stage and owner, dated now for the reports, in one statement.
fn first_history(conn: &Connection, ctx: &Ctx, id: i64, fields: &CustomerFields) -> Result<()> {
    if let Some(mut appends) = ctx.gathered() {
        let firsts = [
            ("tier", Some(fields.tier.to_string()), None),
            (
                "stage",
                Some(fields.stage.to_string()),
                fields.churn_reason.clone(),
            ),
            ("owner", fields.owner.clone(), None),
        ];
        for (field, value, note) in firsts {
            if let Some(value) = value {
                appends.push(
                    conn,
                    AppendTo::CustomerHistory,
                    [
                        Value::Integer(id),
                        Value::Text(ctx.clock.stamp()),
                        Value::Text(ctx.user.clone()),
                        Value::Text(field.into()),
                        Value::Null,
                        Value::Text(value),
                        rows::text(note.as_deref()),
                    ],
                )?;
            }
        }
        return Ok(());
    }
    rows::exec(
        conn,
        "INSERT INTO customer_history (customer_id, at, by, field, old_value, new_value, note)
         SELECT ?1, ?2, ?3, column1, NULL, column2, column3
         FROM (VALUES ('tier', ?4, NULL), ('stage', ?5, ?7), ('owner', ?6, NULL)) AS first
         WHERE column2 IS NOT NULL",
        params![
            id,
            ctx.clock.stamp(),
            ctx.user,
            fields.tier.to_string(),
            fields.stage.to_string(),
            fields.owner,
            fields.churn_reason
        ],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, id: i64) -> Result<Customer> {
    super::rows::query_one(
        conn,
        &format!("SELECT {COLS}, {AUDIT_COLS} FROM customer WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })
}

/// `NotFound` unless the customer exists (cheaper than [`get`] when only that matters).
pub fn ensure_exists(conn: &Connection, id: i64) -> Result<()> {
    rows::query_one(conn, "SELECT 1 FROM customer WHERE id = ?1", [id], |_| {
        Ok(())
    })
    .optional()?
    .ok_or(StoreError::NotFound { what: WHAT, id })
}

/// Replaces a customer's editable fields and tags, if nobody saved it since `version`.
pub fn update(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    fields: &CustomerFields,
    tags: &[String],
) -> Result<bool> {
    let before = get(conn, id)?;
    let fields = &with_churn_reason(conn, Some(&before.fields), fields)?;
    let mut cols = columns(fields);
    match (
        before.fields.stage == Stage::Churned,
        fields.stage == Stage::Churned,
    ) {
        (false, true) => cols.push(("churned_at", Value::Text(ctx.clock.stamp()))),
        (true, false) => cols.push(("churned_at", Value::Null)),
        _ => {}
    }
    let changed = rows::update(conn, ctx, WHAT, "customer", id, version, &cols, Some(id))?;
    if changed {
        record_history(conn, ctx, id, Some(&before.fields), fields)?;
        if before.fields.potential != fields.potential {
            super::value::refresh_one(conn, id, ctx.clock.today())?;
        }
    }
    let tags_changed = set_tags(conn, ctx, id, tags)?;
    // Tags are part of the customer: changing only them still moves the version on, so a
    // teammate's stale tag edit is a conflict like any other field's.
    if tags_changed && !changed {
        rows::exec(
            conn,
            "UPDATE customer SET version = version + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
            rusqlite::params![id, ctx.clock.stamp(), ctx.user],
        )?;
    }
    Ok(changed || tags_changed)
}

/// Dated changes of tier, stage and owner, for reports.
fn record_history(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    before: Option<&CustomerFields>,
    after: &CustomerFields,
) -> Result<()> {
    let pairs: [(&str, Option<String>, Option<String>); 3] = [
        (
            "tier",
            before.map(|b| b.tier.to_string()),
            Some(after.tier.to_string()),
        ),
        (
            "stage",
            before.map(|b| b.stage.to_string()),
            Some(after.stage.to_string()),
        ),
        (
            "owner",
            before.and_then(|b| b.owner.clone()),
            after.owner.clone(),
        ),
    ];
    for (field, old, new) in pairs {
        if old != new && !(before.is_none() && new.is_none()) {
            // The stage change to churned keeps why, for the report's churn by reason.
            let note = (field == "stage" && after.stage == Stage::Churned)
                .then_some(after.churn_reason.as_deref())
                .flatten();
            super::rows::exec(
                conn,
                "INSERT INTO customer_history (customer_id, at, by, field, old_value, new_value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, ctx.clock.stamp(), ctx.user, field, old, new, note],
            )?;
        }
    }
    Ok(())
}

/// Which customers a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub tier: Option<Tier>,
    pub stage: Option<Stage>,
    pub owner: Option<String>,
    pub tag: Option<String>,
    /// The screen's fuzzy matcher (`crate::search`) over name (and its pinyin), company, e-mail,
    /// city, contact persons and tags; digits also match phone numbers typed in any format.
    pub search: Option<String>,
    pub include_archived: bool,
    /// The listing's order.
    pub order: super::pages::CustomerSort,
}

/// Collects bound values and hands out their `?N` placeholders.
#[derive(Default)]
struct Binds(Vec<Value>);

impl Binds {
    fn bind(&mut self, v: Value) -> String {
        self.0.push(v);
        format!("?{}", self.0.len())
    }
}

/// Customers matching `filter`, by name (sort key, then id).
pub fn list(conn: &Connection, filter: &Filter) -> Result<Vec<Customer>> {
    let (where_sql, binds) = where_of(filter);
    // A search uses the screen's matcher, so `--search` and `/` find the same customers. Only
    // what the matcher reads is loaded for all of them; whole records only for the matches.
    if let Some(q) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        // The stored keys (`search_keys`): the matches, then the listing's filter on them
        // (the matcher judges each customer alone, so filtering first or last finds the same).
        let found = crate::search::matching(super::search_keys::candidates(conn, q)?, q);
        let mut binds = binds;
        let ids = binds.bind(Value::Text(serde_json::to_string(&found)?));
        let where_sql = match where_sql.strip_prefix("WHERE ") {
            Some(rest) => format!("WHERE id IN (SELECT value FROM json_each({ids})) AND {rest}"),
            None => format!("WHERE id IN (SELECT value FROM json_each({ids}))"),
        };
        return sorted(conn, &where_sql, binds.0, filter.order);
    }
    sorted(conn, &where_sql, binds.0, filter.order)
}

/// The WHERE clause of `filter` but its search, with its values.
fn where_of(filter: &Filter) -> (String, Binds) {
    let mut b = Binds::default();
    let mut clauses: Vec<String> = Vec::new();
    if !filter.include_archived {
        clauses.push("archived_at IS NULL".into());
    }
    if let Some(t) = filter.tier {
        clauses.push(format!("tier = {}", b.bind(Value::Text(t.to_string()))));
    }
    if let Some(s) = filter.stage {
        clauses.push(format!("stage = {}", b.bind(Value::Text(s.to_string()))));
    }
    if let Some(o) = &filter.owner {
        clauses.push(format!("owner = {}", b.bind(Value::Text(o.clone()))));
    }
    if let Some(tag) = &filter.tag {
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id \
             WHERE ct.customer_id = customer.id AND t.name = {} COLLATE NOCASE)",
            b.bind(Value::Text(tag.clone()))
        ));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (where_sql, b)
}

/// A customer's tags from their `group_concat`, in the order every reader shows (and the search
/// matches) them.
pub(crate) fn tag_list(joined: Option<String>) -> Vec<String> {
    let mut tags: Vec<String> = joined
        .map(|s| s.split('\u{1f}').map(str::to_string).collect())
        .unwrap_or_default();
    tags.sort_by_key(|t| t.to_lowercase());
    tags
}

/// Whole customers that `where_sql` selects, in `order`. Read in the table's order and sorted
/// here: following the sort key's index fetched every row from a different page of a book
/// grown by edits (1.5 s for 100,000 customers, 0.3 s in the table's order). The keys are text,
/// never NULL, compared by bytes in both places.
fn sorted(
    conn: &Connection,
    where_sql: &str,
    binds: Vec<Value>,
    order: super::pages::CustomerSort,
) -> Result<Vec<Customer>> {
    let sql = format!(
        "SELECT {COLS}, {AUDIT_COLS}, {} FROM customer {where_sql}",
        order.key()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let key_at = stmt.column_count()? - 1;
    // The keys sorted beside the customers, which are then put in place once: sorting the
    // customers themselves moved hundreds of bytes at every step (100,000 of them).
    let (mut keys, mut found) = (Vec::new(), Vec::new());
    let mut rows = stmt.query(params_from_iter(binds))?;
    while let Some(r) = rows.next()? {
        let customer = from_row(&r)?;
        keys.push((r.get::<_, String>(key_at)?, customer.id));
        found.push(customer);
    }
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]));
    crate::domain::order::permute(&mut found, &mut order);
    Ok(found)
}

/// Hides a customer from lists without deleting anything.
pub fn set_archived(
    conn: &Connection,
    ctx: &Ctx,
    id: i64,
    version: i64,
    archived: bool,
) -> Result<bool> {
    let value = if archived {
        Value::Text(ctx.clock.stamp())
    } else {
        Value::Null
    };
    let current = get(conn, id)?;
    if current.archived_at.is_some() == archived {
        return Ok(false);
    }
    rows::update(
        conn,
        ctx,
        WHAT,
        "customer",
        id,
        version,
        &[("archived_at", value)],
        Some(id),
    )
}

/// Tables holding a customer's records, deleted explicitly on erase (no cascades).
const CHILD_TABLES: &[&str] = &[
    // Points and coupons may name a purchase or a survey: they go first.
    "points_entry",
    "coupon",
    "contact_person",
    "customer_tag",
    "interaction",
    "todo",
    "purchase",
    "deal",
    "agreement",
    // A survey may answer a ticket's check-back: it goes first.
    "survey",
    "ticket",
    "campaign_member",
    "customer_history",
    "queue_snooze",
    "import_undo",
    "change_log",
];

/// Removes a customer and everything about them — including their change-log entries and import
/// undo records — leaving one audit row with no personal data. With `secure_delete` on, the
/// freed bytes are zeroed.
pub fn erase(conn: &Connection, ctx: &Ctx, id: i64) -> Result<()> {
    get(conn, id)?;
    // A recurring to-do of another customer cannot point here, but one of this customer's to-dos
    // may be the origin of a later one: break that link first.
    super::rows::exec(
        conn,
        "UPDATE todo SET spawned_from = NULL WHERE spawned_from IN (SELECT id FROM todo WHERE customer_id = ?1)",
        [id],
    )?;
    for table in CHILD_TABLES {
        super::rows::exec(
            conn,
            &format!("DELETE FROM {table} WHERE customer_id = ?1"),
            [id],
        )?;
    }
    super::rows::exec(conn, "DELETE FROM customer WHERE id = ?1", [id])?;
    remove_unused_tags(conn)?;
    rows::log(conn, ctx, "customer", id, None, "erase", None, None)
}

/// Recomputes a customer's cached figures from their records. Not a user edit: the version is
/// left alone so nobody gets a conflict from someone else logging a call.
/// Moves the customer's last contact up to `at` if it is later: all that logging a contact
/// changes of the cached figures (cheaper than [`refresh_derived`], which an import would run
/// for every row).
pub fn note_contact(conn: &Connection, id: i64, at: &str) -> Result<()> {
    super::rows::exec(
        conn,
        "UPDATE customer SET last_contact_at = ?2
         WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
        params![id, at],
    )?;
    Ok(())
}

/// [`refresh_derived`] for every customer at once (after a whole book is loaded).
pub fn refresh_all_derived(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "UPDATE customer SET
            last_contact_at  = (SELECT max(at) FROM interaction WHERE customer_id = customer.id AND is_contact = 1),
            next_due         = (SELECT min(due) FROM todo WHERE customer_id = customer.id AND status = 'open'),
            purchase_total   = (SELECT coalesce(sum(amount), 0) FROM purchase WHERE customer_id = customer.id),
            purchase_count   = (SELECT count(*) FROM purchase WHERE customer_id = customer.id),
            last_purchase_on = (SELECT max(on_date) FROM purchase WHERE customer_id = customer.id)",
    )?;
    Ok(())
}

pub fn refresh_derived(conn: &Connection, id: i64) -> Result<()> {
    super::rows::exec(conn,
        "UPDATE customer SET
            last_contact_at  = (SELECT max(at) FROM interaction WHERE customer_id = ?1 AND is_contact = 1),
            next_due         = (SELECT min(due) FROM todo WHERE customer_id = ?1 AND status = 'open'),
            purchase_total   = (SELECT coalesce(sum(amount), 0) FROM purchase WHERE customer_id = ?1),
            purchase_count   = (SELECT count(*) FROM purchase WHERE customer_id = ?1),
            last_purchase_on = (SELECT max(on_date) FROM purchase WHERE customer_id = ?1)
         WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// Customers whose cached figures disagree with their records (for `kehu check`).
pub fn stale_derived(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM customer c WHERE
            c.last_contact_at IS NOT (SELECT max(at) FROM interaction WHERE customer_id = c.id AND is_contact = 1)
         OR c.next_due IS NOT (SELECT min(due) FROM todo WHERE customer_id = c.id AND status = 'open')
         OR c.purchase_total IS NOT (SELECT coalesce(sum(amount), 0) FROM purchase WHERE customer_id = c.id)
         OR c.purchase_count IS NOT (SELECT count(*) FROM purchase WHERE customer_id = c.id)
         OR c.last_purchase_on IS NOT (SELECT max(on_date) FROM purchase WHERE customer_id = c.id)
         ORDER BY id",
    )?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<crate::store::db::RowResult<Vec<i64>>>()?;
    Ok(ids)
}

/// Customers whose number starts with `prefix` (the newest when it is empty), for the shell's
/// completion: (id, name, company), at most `limit`.
pub fn numbered_like(
    conn: &Connection,
    prefix: &str,
    limit: usize,
) -> Result<Vec<(i64, String, Option<String>)>> {
    let row = |r: &crate::store::db::Row<'_>| Ok((r.get(0)?, r.get(1)?, r.get(2)?));
    if prefix.starts_with('0') {
        return Ok(Vec::new());
    }
    let Ok(start) = prefix.parse::<i64>() else {
        // Nothing typed: the newest.
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, company FROM customer WHERE archived_at IS NULL ORDER BY id DESC LIMIT ?1",
        )?;
        let found = stmt
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], row)?
            .collect::<crate::store::db::RowResult<Vec<_>>>()?;
        return Ok(found);
    };
    // The numbers that start with the digits typed are whole ranges of ids (12, 120–129,
    // 1200–1299 …): each read through the primary key, never a scan of every customer.
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, company FROM customer
         WHERE id BETWEEN ?1 AND ?2 AND archived_at IS NULL ORDER BY id LIMIT ?3",
    )?;
    let mut found = Vec::new();
    let mut width: i64 = 1;
    while found.len() < limit {
        let (Some(low), Some(span)) = (start.checked_mul(width), width.checked_sub(1)) else {
            break;
        };
        let Some(high) = low.checked_add(span) else {
            break;
        };
        let left = i64::try_from(limit - found.len()).unwrap_or(i64::MAX);
        found.extend(
            stmt.query_map(params![low, high, left], row)?
                .collect::<crate::store::db::RowResult<Vec<_>>>()?,
        );
        if low > i64::MAX / 10 || width > 1_000_000_000_000 {
            break;
        }
        width *= 10;
    }
    Ok(found)
}

pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))
}

/// Takes a customer from the shared pool (no owner) for `ctx.user`. Returns false when they are
/// already the owner; refuses when someone else owns the customer.
pub fn claim(conn: &Connection, ctx: &Ctx, id: i64, version: i64) -> Result<bool> {
    let current = get(conn, id)?;
    match current.fields.owner.as_deref() {
        Some(owner) if owner == ctx.user => return Ok(false),
        Some(owner) => {
            return Err(StoreError::Refused(crate::i18n::tf(
                "refused.not_in_pool",
                &[("id", &id), ("owner", &owner)],
            )));
        }
        None => {}
    }
    let mut fields = current.fields.clone();
    fields.owner = Some(ctx.user.clone());
    update(conn, ctx, id, version, &fields, &current.tags)
}

/// Recomputes a customer's sort key and normal forms from the stored fields (after a JSON
/// import, which never trusts cached columns from a file). Reading the row also checks that
/// every enum and date in it parses.
pub(crate) fn refresh_keys(conn: &Connection, id: i64) -> Result<()> {
    let c = get(conn, id)?;
    let cols = columns(&c.fields);
    let keyed = |name: &str| rows::value_of(&cols, name);
    rows::exec(
        conn,
        "UPDATE customer SET sort_key = ?2, email_norm = ?3, phone_norm = ?4 WHERE id = ?1",
        params![
            id,
            keyed("sort_key"),
            keyed("email_norm"),
            keyed("phone_norm")
        ],
    )?;
    Ok(())
}
