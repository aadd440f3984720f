//! Importing customers from a spreadsheet: one transaction with a batch id, all or nothing
//! (unless bad rows are to be skipped), duplicates found and decided, every step undoable.

use chrono::NaiveTime;
use serde_json::{Map, Value as Json};

use std::path::Path;

use super::mapping::{self, Row, Target};
use super::table::{self, Opened};
use crate::domain::{CustomerFields, InputError, InteractionFields, InteractionKind, time};
use crate::store::deferred_indexes::{self, SetAside};
use crate::store::imports::{self, AddedRows, Duplicate, Looking, Seen};
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
    /// The workbook's sheet to read (the first that has rows unless the user says).
    pub sheet: Option<String>,
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
    /// The encoding read, or the workbook and its sheet.
    pub encoding: String,
    /// The CSV's delimiter (none for a workbook).
    pub delimiter: Option<char>,
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
    /// Where rows named in the report are, when the line alone does not say (line, place).
    pub places: Vec<(u64, String)>,
    /// What is likely wrong with the whole file when most rows fail ([`hint`]).
    pub hint: Option<String>,
    /// The first rows as they will be stored.
    pub preview: Vec<Row>,
    pub committed: bool,
}

impl Report {
    /// Where the row at `line` is, as a report names it: the line, or the line in its file.
    pub fn at(&self, line: u64) -> String {
        self.places
            .iter()
            .find(|(l, _)| *l == line)
            .map_or_else(|| line.to_string(), |(_, p)| p.clone())
    }
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
    fill!(industry, "industry");
    fill!(potential, "potential");
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
fn overwritable(f: &CustomerFields) -> [(&'static str, Option<String>); 12] {
    [
        ("company", f.company.clone()),
        ("email", f.email.clone()),
        ("phone", f.phone.clone()),
        ("city", f.city.clone()),
        ("industry", f.industry.clone()),
        ("potential", f.potential.map(|p| p.to_string())),
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
            "industry" => into.industry.clone_from(&from.industry),
            "potential" => into.potential = from.potential,
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

/// Opens the file at `path` for import by what its name says it is: a workbook (xlsx, xlsm,
/// xls, ods), vCards (a .vcf file, or a folder of them), else a CSV (or tab- or
/// semicolon-separated text).
pub fn open(path: &Path, o: &Options) -> Result<Opened<'static>, StoreError> {
    if path.is_dir() {
        return Ok(super::vcard::open(path)?);
    }
    let file = std::fs::File::open(path).map_err(|e| {
        StoreError::Refused(crate::i18n::tf(
            "io.cannot_read_why",
            &[("path", &path.display()), ("why", &e)],
        ))
    })?;
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    Ok(match extension.as_str() {
        "vcf" | "vcard" => super::vcard::open(path)?,
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            super::sheet::open(std::io::BufReader::new(file), o.sheet.as_deref())?
        }
        _ => table::open_csv(std::io::BufReader::new(file), o.encoding)?,
    })
}

/// Imports (or, with `dry_run`, checks) a CSV held in memory.
pub fn run_bytes(
    store: &Store,
    ctx: &Ctx,
    bytes: &[u8],
    o: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, StoreError> {
    let opened = table::open_csv(std::io::Cursor::new(bytes), o.encoding)?;
    run(store, ctx, opened, o, progress)
}

/// Imports (or, with `dry_run`, checks) the rows of an opened file, a row at a time as they
/// are read. A bad row fails the whole import unless `skip_bad` (the rest are still checked, so
/// the report names every bad row); the report says what happened either way.
pub fn run(
    store: &Store,
    ctx: &Ctx,
    opened: Opened<'_>,
    o: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, StoreError> {
    let Opened {
        encoding,
        delimiter,
        header,
        rows: mut source,
    } = opened;
    let map = mapping::map_header(&header, &o.maps)?;
    let in_file: Vec<&str> = map
        .iter()
        .filter_map(|t| match t {
            Target::Field(f) => Some(*f),
            _ => None,
        })
        .collect();
    let today = ctx.clock.today();
    let mut report = Report {
        encoding,
        delimiter: delimiter.map(char::from),
        columns: header
            .iter()
            .zip(&map)
            .map(|(h, m)| (h.clone(), describe(m)))
            .collect(),
        ..Report::default()
    };
    let churn_reasons =
        crate::domain::churn::reasons(&store.read(|c| store::settings::get(c, "churn_reasons"))?);
    let reason_column = map
        .iter()
        .position(|t| matches!(t, Target::Field("churn_reason")))
        .and_then(|i| header.get(i).cloned());
    // The change log, first history, tags and undo records of the rows are written many to a
    // statement (store::appends); flushed before anything reads them and before the commit.
    let ctx = &ctx.appending();
    store.begin_batch()?;
    let outcome = (|| -> Result<(), StoreError> {
        let batch = imports::start_batch(store.conn(), ctx, &o.source)?;
        let existed = imports::newest_customer_id(store.conn())?;
        // Into a book without customers, rows are checked against each other in memory, and the
        // indexes the check would read are built at the end with the others.
        let checks = o.on_duplicate != OnDuplicate::Add;
        let mut seen = (checks && existed == 0).then(Seen::default);
        let reads_indexes = checks && existed > 0;
        report.batch = Some(batch);
        let mut writing = true;
        let mut set_aside = None;
        let mut added = AddedRows::default();
        while let Some(next) = source.next_row() {
            let (line, cells) = next?;
            if report.rows == SIZE_UP_AFTER && writing {
                // Far enough in to guess the file's rows from the share of it read.
                let (done, size) = source.progress();
                let coming = (report.rows as u64).saturating_mul(size) / done.max(1);
                if deferred_indexes::worth_it(coming, u64::try_from(existed).unwrap_or(0)) {
                    set_aside = Some(SetAside::for_import(store.conn(), reads_indexes)?);
                }
            }
            let mut r = mapping::convert(line, &header, &map, &cells, today, &ctx.user);
            churn_reason_checked(&mut r, &churn_reasons, reason_column.as_deref());
            report.rows += 1;
            if report.rows.is_multiple_of(500) {
                let (done, size) = source.progress();
                // The rows to come, guessed from the share of the file read so far.
                let total = if done > 0 && size > done {
                    (report.rows as u64).saturating_mul(size) / done
                } else {
                    report.rows as u64
                };
                progress(report.rows, usize::try_from(total).unwrap_or(usize::MAX));
            }
            let in_preview = report.preview.len() < 5;
            if in_preview {
                report.preview.push(r.clone());
            }
            let named = report.bad.len() + report.likely.len() + report.possible_duplicates.len();
            if !r.errors.is_empty() {
                for (col, why) in &r.errors {
                    report.bad.push((line, col.clone(), why.clone()));
                }
                report.bad_rows.push((line, cells));
                report.places.extend(source.place(line).map(|p| (line, p)));
                // Nothing will be saved: the rest are only checked.
                writing &= o.skip_bad || o.dry_run;
                continue;
            }
            if writing {
                add_row(
                    store,
                    ctx,
                    o,
                    batch,
                    existed,
                    &mut seen,
                    &mut added,
                    &in_file,
                    &r,
                    &mut report,
                )?;
            }
            let mentioned =
                report.bad.len() + report.likely.len() + report.possible_duplicates.len();
            if (mentioned > named || in_preview)
                && let Some(place) = source.place(line)
            {
                report.places.push((line, place));
            }
        }
        added.record(store.conn(), batch)?;
        ctx.flush_appends(store.conn())?;
        if report.rows == 0 {
            return Err(InputError::new("file", crate::i18n::t("err.file_no_rows")).into());
        }
        if !writing {
            progress(report.rows, report.rows);
            // What a pass cut short found is no news: the bad rows are.
            report.added = 0;
            report.updated = 0;
            report.overwritten = 0;
            report.skipped_duplicates.clear();
            report.possible_duplicates.clear();
            report.likely.clear();
            return Ok(());
        }
        if let Some(aside) = set_aside.filter(|_| !o.dry_run) {
            // The bar stays short of its end while the indexes are built (seconds at 1M rows).
            progress(report.rows.saturating_sub(1), report.rows);
            aside.restore(store.conn())?;
        }
        progress(report.rows, report.rows);
        imports::finish_batch(
            store.conn(),
            batch,
            report.added,
            report.updated,
            report.skipped_duplicates.len(),
        )
    })();
    report.header = header;
    // An import that adds and changes nothing (a file imported again) leaves nothing behind, and
    // one with bad rows not to be skipped leaves nothing at all.
    let clean = report.bad.is_empty() || o.skip_bad;
    let commit = outcome.is_ok() && !o.dry_run && clean && report.added + report.updated > 0;
    store.end_batch(commit)?;
    outcome?;
    report.committed = commit;
    if !commit {
        report.batch = None;
    }
    Ok(report)
}

/// Rows read before an import guesses how large the file is (and so whether to build its indexes
/// at the end).
const SIZE_UP_AFTER: usize = 1_000;

/// Adds one good row, or updates or skips the customer it duplicates.
#[allow(clippy::too_many_arguments)]
fn add_row(
    store: &Store,
    ctx: &Ctx,
    o: &Options,
    batch: i64,
    existed: i64,
    seen: &mut Option<Seen>,
    added: &mut AddedRows,
    in_file: &[&str],
    r: &Row,
    report: &mut Report,
) -> Result<(), StoreError> {
    let conn = store.conn();
    let looking = seen.as_ref().map_or(Looking::InBook, Looking::InSeen);
    let find = || {
        imports::find_duplicate_looking(
            conn,
            looking,
            &r.fields,
            r.kehu_id.filter(|id| *id <= existed),
        )
    };
    let dup = match o.on_duplicate {
        OnDuplicate::Add => None,
        // A customer this import added may have tags and history still gathered: written
        // before it is read for a decision.
        _ => match find()? {
            Some(_) => {
                ctx.flush_appends(conn)?;
                find()?
            }
            None => None,
        },
    };
    // A row that agrees with a possible duplicate on its name and on every other field it has
    // is that customer (the same file imported again); one that differs anywhere is someone
    // else, added and listed.
    let dup = match dup {
        Some((existing, Duplicate::Possible))
            if imports::similar(&existing.fields.name, &r.fields.name)
                && differences(&existing.fields, &r.fields, in_file).is_empty() =>
        {
            Some((existing, Duplicate::Likely))
        }
        other => other,
    };
    match dup {
        Some((existing, Duplicate::Likely)) => {
            let differs = differences(&existing.fields, &r.fields, in_file);
            let replace = o.overwrite.contains(&(r.line, existing.id));
            if o.on_duplicate != OnDuplicate::Update && !replace {
                report
                    .skipped_duplicates
                    .push((r.line, r.fields.name.clone(), existing.id));
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
                    if let Some(seen) = seen {
                        let keys = store::customers::stored_keys(&fields);
                        seen.add(existing.id, &keys, fields.company.as_deref());
                    }
                    imports::record_before(conn, ctx, batch, existing.id, &Json::Object(before))?;
                    report.updated += 1;
                } else {
                    report
                        .skipped_duplicates
                        .push((r.line, r.fields.name.clone(), existing.id));
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
                report
                    .possible_duplicates
                    .push((r.line, r.fields.name.clone(), existing.id));
            }
            let contact = r.last_contact.map(|d| {
                let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
                InteractionFields {
                    at: time::format_timestamp(ctx.clock.instant_of(d, noon).min(ctx.clock.now)),
                    kind: InteractionKind::Note,
                    summary: "Last contact (imported)".into(),
                    details: None,
                }
            });
            let keys = store::customers::stored_keys(&r.fields);
            let (id, note) = store::customers::add_contacted_keyed(
                conn,
                ctx,
                &r.fields,
                &keys,
                &r.tags,
                contact.as_ref(),
            )?;
            if let Some(seen) = seen {
                seen.add(id, &keys, r.fields.company.as_deref());
            }
            added.customer(id);
            if let Some(note) = note {
                added.interaction(note);
            }
            report.added += 1;
        }
    }
    Ok(())
}

/// A row's churn reason as the team's list spells it, or a bad cell naming the list.
fn churn_reason_checked(r: &mut mapping::Row, reasons: &[String], column: Option<&str>) {
    let Some(typed) = r.fields.churn_reason.clone() else {
        return;
    };
    match crate::domain::churn::parse(reasons, &typed) {
        Ok(reason) => r.fields.churn_reason = Some(reason),
        Err(e) => r
            .errors
            .push((column.unwrap_or("churn reason").to_string(), e.reason)),
    }
}

/// Restores a `kehu export json` document into an empty database, all or nothing.
/// The document is read as it is loaded (`size` is its length, for progress).
pub fn json(
    store: &Store,
    ctx: &Ctx,
    mut input: impl std::io::Read + std::io::Seek,
    size: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<store::dump::Loaded, StoreError> {
    store.write(|c| store::dump::load(c, ctx, &mut input, size, progress))
}

/// When most rows fail, and in the same column: what is likely wrong with the whole file. A CSV
/// whose header another encoding reads into more known columns names that encoding; otherwise
/// the hint says which column fails and what to check.
pub fn hint(path: &Path, o: &Options, report: &Report) -> Option<String> {
    let (rows, bad) = (report.rows, report.bad_rows.len());
    if rows < 3 || bad * 5 < rows * 4 {
        return None;
    }
    let mut by_column: Vec<(&str, usize, &str)> = Vec::new();
    for (_, col, why) in &report.bad {
        match by_column.iter_mut().find(|(c, _, _)| c == col) {
            Some(entry) => entry.1 += 1,
            None => by_column.push((col, 1, why)),
        }
    }
    let (col, n, why) = by_column.into_iter().max_by_key(|(_, n, _)| *n)?;
    if n * 5 < bad * 4 {
        return None;
    }
    let known = |header: &[String]| {
        mapping::map_header(header, &o.maps).map_or(0, |m| {
            m.iter().filter(|t| matches!(t, Target::Field(_))).count()
        })
    };
    if report.delimiter.is_some() {
        let mut head = Vec::new();
        if let Ok(f) = std::fs::File::open(path) {
            let _ = std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut head);
        }
        let now = known(&report.header);
        for (name, charset) in [
            ("utf-8", encoding_rs::UTF_8),
            ("gbk", encoding_rs::GB18030),
            ("utf-16", encoding_rs::UTF_16LE),
        ] {
            if report.encoding.to_lowercase().starts_with(&name[..3]) {
                continue;
            }
            let (text, _) = charset.decode_with_bom_removal(&head);
            let first = text.lines().next().unwrap_or("");
            let delimiter = table::sniff_delimiter(first) as char;
            let header: Vec<String> = first
                .split(delimiter)
                .map(|h| h.trim().to_string())
                .collect();
            if known(&header) > now {
                return Some(crate::i18n::tf(
                    "import.hint_encoding",
                    &[("n", &bad), ("rows", &rows), ("encoding", &name)],
                ));
            }
        }
    }
    Some(crate::i18n::tf(
        "import.hint_same_way",
        &[("n", &bad), ("rows", &rows), ("col", &col), ("why", &why)],
    ))
}
