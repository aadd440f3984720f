//! Importing customers from a spreadsheet: one transaction with a batch id, all or nothing
//! (unless bad rows are to be skipped), duplicates found and decided, every step undoable.

use chrono::NaiveTime;
use serde_json::{Map, Value as Json};

use super::mapping::{self, Row, Target};
use super::table;
use crate::domain::{CustomerFields, InputError, InteractionFields, InteractionKind, time};
use crate::store::imports::{self, Duplicate};
use crate::store::{self, Ctx, Store, StoreError};

/// What to do with a row that is likely a customer kehu already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDuplicate {
    Skip,
    /// Fill the stored customer's empty fields; never overwrite.
    Update,
    Add,
}

impl std::str::FromStr for OnDuplicate {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        match s.trim().to_lowercase().as_str() {
            "skip" => Ok(OnDuplicate::Skip),
            "update" => Ok(OnDuplicate::Update),
            "add" => Ok(OnDuplicate::Add),
            other => Err(InputError::new(
                "on-duplicate",
                crate::i18n::tf(
                    "err.one_of",
                    &[("text", &other), ("choices", &"skip, update, add")],
                ),
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub dry_run: bool,
    pub on_duplicate: OnDuplicate,
    pub skip_bad: bool,
    pub maps: Vec<String>,
    pub source: String,
    /// Likely duplicates, as (line, stored customer id), whose differing fields replace the
    /// stored ones: chosen row by row in the TUI preview. Nothing else is ever overwritten.
    pub overwrite: Vec<(u64, i64)>,
    /// How to read the file's bytes (found out unless the user says).
    pub encoding: table::Encoding,
}

/// A row of the file that is likely a customer kehu already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikelyDuplicate {
    pub line: u64,
    pub name: String,
    pub existing_id: i64,
    pub existing_name: String,
    /// Fields where both hold a value and the values differ: (field, stored, in the file).
    pub differences: Vec<(&'static str, String, String)>,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub encoding: &'static str,
    pub delimiter: char,
    pub columns: Vec<(String, String)>,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    /// (line, name, the stored customer's id)
    pub skipped_duplicates: Vec<(u64, String, i64)>,
    pub possible_duplicates: Vec<(u64, String, i64)>,
    /// Every likely duplicate with how it differs from the stored customer.
    pub likely: Vec<LikelyDuplicate>,
    /// Stored customers whose fields were replaced, as asked row by row.
    pub overwritten: usize,
    /// (line, column, reason)
    pub bad: Vec<(u64, String, String)>,
    /// The file's header and each bad row as it was in the file (line, cells), for a bad-rows
    /// file that can be fixed and imported again.
    pub header: Vec<String>,
    pub bad_rows: Vec<(u64, Vec<String>)>,
    pub batch: Option<i64>,
    /// The first rows as they will be stored.
    pub preview: Vec<Row>,
    pub committed: bool,
}

fn describe(t: &Target) -> String {
    match t {
        Target::Field(f) => crate::i18n::lookup(&format!("field.{f}"))
            .unwrap_or(f)
            .to_string(),
        Target::Custom(k) => crate::i18n::tf("import.custom_field", &[("key", k)]),
        Target::Ignore => crate::i18n::t("import.ignored").into(),
    }
}

/// Fills `into`'s empty fields from `from`; returns the columns changed with their old values.
fn fill_empty(into: &mut CustomerFields, from: &CustomerFields) -> Map<String, Json> {
    let mut before = Map::new();
    macro_rules! fill {
        ($field:ident, $col:literal) => {
            if into.$field.is_none() && from.$field.is_some() {
                into.$field.clone_from(&from.$field);
                before.insert($col.into(), Json::Null);
            }
        };
    }
    fill!(company, "company");
    fill!(email, "email");
    fill!(phone, "phone");
    fill!(city, "city");
    fill!(address, "address");
    fill!(source, "source");
    fill!(needs, "needs");
    fill!(service_needs, "service_needs");
    if into.birthday.is_none() && from.birthday.is_some() {
        into.birthday = from.birthday;
        before.insert("birthday".into(), Json::Null);
    }
    if before.contains_key("email") {
        before.insert("email_norm".into(), Json::Null);
    }
    if before.contains_key("phone") {
        before.insert("phone_norm".into(), Json::Null);
    }
    let old_custom = into.custom_fields.clone();
    for (k, v) in &from.custom_fields {
        into.custom_fields
            .entry(k.clone())
            .or_insert_with(|| v.clone());
    }
    if into.custom_fields != old_custom {
        let text = serde_json::to_string(&old_custom).unwrap_or_else(|_| "{}".into());
        before.insert("custom_fields".into(), Json::String(text));
    }
    before
}

/// The text fields an import may overwrite when asked, with their values.
fn overwritable(f: &CustomerFields) -> [(&'static str, Option<String>); 10] {
    [
        ("company", f.company.clone()),
        ("email", f.email.clone()),
        ("phone", f.phone.clone()),
        ("city", f.city.clone()),
        ("address", f.address.clone()),
        ("owner", f.owner.clone()),
        ("source", f.source.clone()),
        ("needs", f.needs.clone()),
        ("service_needs", f.service_needs.clone()),
        ("birthday", f.birthday.map(|d| d.to_string())),
    ]
}

/// Whether two values of `field` say the same thing (an e-mail in another case, a phone number
/// written another way).
fn same_value(field: &str, a: &str, b: &str) -> bool {
    match field {
        "email" => a.trim().eq_ignore_ascii_case(b.trim()),
        "phone" => {
            let norm = |p: &str| {
                crate::domain::input::phone(p)
                    .map_or_else(|_| crate::domain::input::phone_digits(p), |(_, n)| n)
            };
            norm(a) == norm(b)
        }
        _ => a.trim() == b.trim(),
    }
}

/// The fields where the stored customer and the file's row (in a column the file has: a missing
/// owner column defaults to the importer, which is no reason to overwrite) hold different values.
fn differences(
    stored: &CustomerFields,
    file: &CustomerFields,
    in_file: &[&str],
) -> Vec<(&'static str, String, String)> {
    overwritable(stored)
        .into_iter()
        .zip(overwritable(file))
        .filter_map(|((field, a), (_, b))| match (a, b) {
            (Some(a), Some(b)) if in_file.contains(&field) && !same_value(field, &a, &b) => {
                Some((field, a, b))
            }
            _ => None,
        })
        .collect()
}

/// Replaces `into`'s fields listed in `differences` (as [`differences`] found them) with
/// `from`'s; returns the columns changed with their old values (for undo).
fn overwrite(
    into: &mut CustomerFields,
    from: &CustomerFields,
    differences: &[(&'static str, String, String)],
) -> Map<String, Json> {
    let mut before = Map::new();
    for (field, old, _) in differences {
        let (field, old) = (*field, old.clone());
        before.insert(field.into(), Json::String(old));
        match field {
            "company" => into.company.clone_from(&from.company),
            "email" => into.email.clone_from(&from.email),
            "phone" => into.phone.clone_from(&from.phone),
            "city" => into.city.clone_from(&from.city),
            "address" => into.address.clone_from(&from.address),
            "owner" => into.owner.clone_from(&from.owner),
            "source" => into.source.clone_from(&from.source),
            "needs" => into.needs.clone_from(&from.needs),
            "service_needs" => into.service_needs.clone_from(&from.service_needs),
            _ => into.birthday = from.birthday,
        }
    }
    before
}

/// Reads `bytes` and imports (or, with `dry_run`, checks) them. A bad row fails the whole import
/// unless `skip_bad`; the report says what happened either way.
pub fn run(
    store: &Store,
    ctx: &Ctx,
    bytes: &[u8],
    o: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, StoreError> {
    let t = table::parse_as(bytes, o.encoding)?;
    let map = mapping::map_header(&t.header, &o.maps)?;
    let in_file: Vec<&str> = map
        .iter()
        .filter_map(|t| match t {
            Target::Field(f) => Some(*f),
            _ => None,
        })
        .collect();
    let today = ctx.clock.today();
    let rows: Vec<Row> = t
        .rows
        .iter()
        .map(|(line, cells)| mapping::convert(*line, &t.header, &map, cells, today, &ctx.user))
        .collect();
    let mut report = Report {
        encoding: t.encoding,
        delimiter: t.delimiter as char,
        columns: t
            .header
            .iter()
            .zip(&map)
            .map(|(h, m)| (h.clone(), describe(m)))
            .collect(),
        rows: rows.len(),
        preview: rows.iter().take(5).cloned().collect(),
        ..Report::default()
    };
    for (r, (_, cells)) in rows.iter().zip(&t.rows) {
        for (col, why) in &r.errors {
            report.bad.push((r.line, col.clone(), why.clone()));
        }
        if !r.errors.is_empty() {
            report.bad_rows.push((r.line, cells.clone()));
        }
    }
    report.header = t.header.clone();
    if !report.bad.is_empty() && !o.skip_bad && !o.dry_run {
        return Ok(report);
    }
    store.begin_batch()?;
    let outcome = (|| -> Result<(), StoreError> {
        let batch = imports::start_batch(store.conn(), ctx, &o.source)?;
        let existed = imports::newest_customer_id(store.conn())?;
        report.batch = Some(batch);
        let total = rows.len();
        for (n, r) in rows.iter().enumerate().filter(|(_, r)| r.errors.is_empty()) {
            if n % 500 == 0 {
                progress(n, total);
            }
            let conn = store.conn();
            let dup = if o.on_duplicate == OnDuplicate::Add {
                None
            } else {
                imports::find_duplicate(conn, &r.fields, r.kehu_id.filter(|id| *id <= existed))?
            };
            // A row that agrees with a possible duplicate on its name and on every other field
            // it has is that customer (the same file imported again); one that differs anywhere
            // is someone else, added and listed.
            let dup = match dup {
                Some((existing, Duplicate::Possible))
                    if imports::similar(&existing.fields.name, &r.fields.name)
                        && differences(&existing.fields, &r.fields, &in_file).is_empty() =>
                {
                    Some((existing, Duplicate::Likely))
                }
                other => other,
            };
            match dup {
                Some((existing, Duplicate::Likely)) => {
                    let differs = differences(&existing.fields, &r.fields, &in_file);
                    let replace = o.overwrite.contains(&(r.line, existing.id));
                    if o.on_duplicate != OnDuplicate::Update && !replace {
                        report.skipped_duplicates.push((
                            r.line,
                            r.fields.name.clone(),
                            existing.id,
                        ));
                    } else {
                        let mut fields = existing.fields.clone();
                        let mut before = Map::new();
                        if replace {
                            before = overwrite(&mut fields, &r.fields, &differs);
                            if !before.is_empty() {
                                report.overwritten += 1;
                            }
                        }
                        before.extend(fill_empty(&mut fields, &r.fields));
                        let mut tags = existing.tags.clone();
                        tags.extend(r.tags.iter().cloned());
                        if store::customers::update(
                            conn,
                            ctx,
                            existing.id,
                            existing.audit.version,
                            &fields,
                            &tags,
                        )? {
                            imports::record(
                                conn,
                                batch,
                                "customer",
                                existing.id,
                                existing.id,
                                Some(&Json::Object(before)),
                            )?;
                            report.updated += 1;
                        } else {
                            report.skipped_duplicates.push((
                                r.line,
                                r.fields.name.clone(),
                                existing.id,
                            ));
                        }
                    }
                    report.likely.push(LikelyDuplicate {
                        line: r.line,
                        name: r.fields.name.clone(),
                        existing_id: existing.id,
                        existing_name: existing.fields.name.clone(),
                        differences: differs,
                    });
                }
                other => {
                    if let Some((existing, Duplicate::Possible)) = other {
                        report.possible_duplicates.push((
                            r.line,
                            r.fields.name.clone(),
                            existing.id,
                        ));
                    }
                    let id = store::customers::add(conn, ctx, &r.fields, &r.tags)?;
                    imports::record(conn, batch, "customer", id, id, None)?;
                    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
                    let note = |at: chrono::NaiveDate,
                                summary: String,
                                details: Option<String>|
                     -> Result<(), StoreError> {
                        let stamp = time::format_timestamp(
                            ctx.clock.instant_of(at, noon).min(ctx.clock.now),
                        );
                        let f = InteractionFields {
                            at: stamp,
                            kind: InteractionKind::Note,
                            summary,
                            details,
                        };
                        let iid = store::interactions::add(conn, ctx, id, &f)?;
                        imports::record(conn, batch, "interaction", iid, id, None)
                    };
                    if let Some(d) = r.last_contact {
                        note(d, "Last contact (imported)".into(), None)?;
                    }

                    report.added += 1;
                }
            }
        }
        progress(total, total);
        imports::finish_batch(
            store.conn(),
            batch,
            report.added,
            report.updated,
            report.skipped_duplicates.len(),
        )
    })();
    // An import that adds and changes nothing (a file imported again) leaves nothing behind.
    let commit = outcome.is_ok() && !o.dry_run && report.added + report.updated > 0;
    store.end_batch(commit)?;
    outcome?;
    report.committed = commit;
    if !commit {
        report.batch = None;
    }
    Ok(report)
}

/// Restores a `kehu export json` document into an empty database, all or nothing.
pub fn json(
    store: &Store,
    ctx: &Ctx,
    bytes: &[u8],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<store::dump::Loaded, StoreError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let doc: Json = serde_json::from_slice(bytes)
        .map_err(|e| StoreError::Refused(crate::i18n::tf("restore.not_json", &[("why", &e)])))?;
    store.write(|c| store::dump::load(c, ctx, &doc, progress))
}
