//! Export: every customer to CSV (UTF-8 with BOM, so Excel opens Chinese text; formula-looking
//! cells escaped; readable back by `kehu import`), and everything to JSON.

use std::collections::BTreeSet;

use std::io::Write;

use serde_json::Value as Json;

use crate::domain::Clock;
use crate::report::csv_cell;
use crate::store::sheets::{Cell, Kind};
use crate::store::{self, Store, StoreError};

/// The CSV's fixed columns, named so that `kehu import` maps them back.
const HEADER: &[&str] = &[
    "Kehu id",
    "Name",
    "Company",
    "Kind",
    "Tier",
    "Stage",
    "Email",
    "Phone",
    "City",
    "Address",
    "Owner",
    "Tags",
    "Channel",
    "Cadence",
    "Birthday",
    "Source",
    "Needs",
    "Service needs",
    "Pool locked",
    "Last contact",
    "Churn reason",
    "Churn note",
    "Industry",
    "Potential",
];

/// The kind of each fixed column, for a workbook: the id and the cadence are numbers, the
/// birthday and the last contact dates, the rest (phones among them) text.
fn kind_of(header: &str) -> Kind {
    match header {
        "Kehu id" | "Cadence" | "Potential" => Kind::Number,
        "Birthday" | "Last contact" => Kind::Date,
        _ => Kind::Text,
    }
}

/// The customers' columns (header, kind) and a row of cells per customer.
pub type CustomerTable = (Vec<(String, Kind)>, Vec<Vec<Cell>>);

/// Every customer (archived ones too), by name: the columns with their kinds, then a row of
/// cells per customer. Custom fields follow the fixed columns as `field:KEY`.
pub fn customer_table(store: &Store, clock: &Clock) -> Result<CustomerTable, StoreError> {
    let all = store.read(|c| {
        store::customers::list(
            c,
            &store::customers::Filter {
                include_archived: true,
                ..Default::default()
            },
        )
    })?;
    let keys: BTreeSet<String> = all
        .iter()
        .flat_map(|c| c.fields.custom_fields.keys().cloned())
        .collect();
    let mut columns: Vec<(String, Kind)> =
        HEADER.iter().map(|h| (h.to_string(), kind_of(h))).collect();
    columns.extend(keys.iter().map(|k| (format!("field:{k}"), Kind::Text)));
    let text = |v: Option<String>| v.filter(|s| !s.is_empty()).map_or(Cell::Empty, Cell::Text);
    let rows = all
        .iter()
        .map(|c| {
            let f = &c.fields;
            let mut cells = vec![
                Cell::Number(c.id),
                text(Some(f.name.clone())),
                text(f.company.clone()),
                text(Some(f.kind.to_string())),
                text(Some(f.tier.to_string())),
                text(Some(f.stage.to_string())),
                text(f.email.clone()),
                text(f.phone.clone()),
                text(f.city.clone()),
                text(f.address.clone()),
                text(f.owner.clone()),
                text(Some(c.tags.join(", "))),
                text(f.channel.map(|c| c.to_string())),
                f.cadence_days.map_or(Cell::Empty, Cell::Number),
                text(f.birthday.map(|d| d.to_string())),
                text(f.source.clone()),
                text(f.needs.clone()),
                text(f.service_needs.clone()),
                text(f.pool_locked.then(|| "yes".to_string())),
                text(
                    c.last_contact_at
                        .as_deref()
                        .and_then(|t| clock.local_date_of(t))
                        .map(|d| d.to_string()),
                ),
                text(f.churn_reason.clone()),
                text(f.churn_note.clone()),
                text(f.industry.clone()),
                f.potential
                    .map_or(Cell::Empty, |p| Cell::Number(i64::from(p))),
            ];
            cells.extend(keys.iter().map(|k| text(f.custom_fields.get(k).cloned())));
            cells
        })
        .collect();
    Ok((columns, rows))
}

/// Every customer (archived ones too), by name, as CSV text with a BOM.
pub fn csv(store: &Store, clock: &Clock) -> Result<String, StoreError> {
    let (columns, rows) = customer_table(store, clock)?;
    let mut out = String::from("\u{feff}");
    out.push_str(
        &columns
            .iter()
            .map(|(h, _)| csv_cell(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for cells in &rows {
        // Phone numbers like +86… would run as formulas too: every cell goes through the escape.
        out.push_str(
            &cells
                .iter()
                .map(|cell| match cell {
                    Cell::Empty => String::new(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Text(t) => csv_text_cell(t),
                })
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    Ok(out)
}

/// A text cell: formula characters escaped even when the text looks like a number (a phone
/// such as +86 138…), unlike figures in reports.
fn csv_text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        csv_cell(&format!("'{text}"))
    } else {
        csv_cell(text)
    }
}

/// Everything kehu holds, as one JSON document written as it is read (a customer at a time, so
/// a large book never sits in memory whole). `kehu import json` reads it back exactly.
pub fn json(
    store: &Store,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), StoreError> {
    store.read(|c| {
        let head = store::dump::head(c)?;
        out.write_all(b"{\n")?;
        for key in [
            "format",
            "version",
            "settings",
            "campaigns",
            "products",
            "todos",
            "history",
        ] {
            let value = head.get(key).cloned().unwrap_or(Json::Null);
            writeln!(out, "  \"{key}\": {},", indented(&value, 2)?)?;
        }
        out.write_all(b"  \"customers\": [")?;
        let mut done = 0;
        store::dump::each_customer(c, &mut |customer, total| {
            let sep = if done == 0 { "\n" } else { ",\n" };
            write!(out, "{sep}    {}", indented(&customer, 4)?)?;
            done += 1;
            progress(done, total);
            Ok(())
        })?;
        out.write_all(if done == 0 { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
        Ok(())
    })
}

/// Pretty JSON whose lines after the first are indented by `by` spaces (strings never hold a
/// raw newline in JSON, so splitting on lines is safe).
fn indented(value: &Json, by: usize) -> Result<String, StoreError> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(text.replace('\n', &format!("\n{}", " ".repeat(by))))
}
