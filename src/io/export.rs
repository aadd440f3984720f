//! Export: every customer to CSV (UTF-8 with BOM, so Excel opens Chinese text; formula-looking
//! cells escaped; readable back by `kehu import`), and everything to JSON.

use std::collections::BTreeSet;

use serde_json::{Value as Json, json};

use crate::domain::Clock;
use crate::domain::input::money_text;
use crate::report::csv_cell;
use crate::store::{self, Store, StoreError};

/// The CSV's fixed columns, named so that `kehu import` maps them back.
const HEADER: &[&str] = &[
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
];

/// Every customer (archived ones too), by name, as CSV text with a BOM.
pub fn csv(store: &Store, clock: &Clock) -> Result<String, StoreError> {
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
    let mut out = String::from("\u{feff}");
    let mut header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    header.extend(keys.iter().map(|k| format!("field:{k}")));
    out.push_str(
        &header
            .iter()
            .map(|h| csv_cell(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for c in &all {
        let f = &c.fields;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut cells = vec![
            f.name.clone(),
            s(&f.company),
            f.kind.to_string(),
            f.tier.to_string(),
            f.stage.to_string(),
            s(&f.email),
            s(&f.phone),
            s(&f.city),
            s(&f.address),
            s(&f.owner),
            c.tags.join(", "),
            f.channel.map(|c| c.to_string()).unwrap_or_default(),
            f.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
            f.birthday.map(|d| d.to_string()).unwrap_or_default(),
            s(&f.source),
            s(&f.needs),
            s(&f.service_needs),
            if f.pool_locked {
                "yes".into()
            } else {
                String::new()
            },
            c.last_contact_at
                .as_deref()
                .and_then(|t| clock.local_date_of(t))
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ];
        cells.extend(
            keys.iter()
                .map(|k| f.custom_fields.get(k).cloned().unwrap_or_default()),
        );
        // Phone numbers like +86… would run as formulas too: every cell goes through the escape.
        out.push_str(
            &cells
                .iter()
                .map(|v| csv_text_cell(v))
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

/// Everything kehu holds, as one JSON document.
pub fn json(store: &Store, clock: &Clock) -> Result<Json, StoreError> {
    store.read(|c| {
        let all = store::customers::list(c, &store::customers::Filter { include_archived: true, ..Default::default() })?;
        let mut customers = Vec::new();
        for cu in &all {
            let mut v = crate::cli::customer_json(cu, &store::contacts::for_customer(c, cu.id)?, clock);
            let w = store::profile::Workflow::load(c, cu, clock)?;
            let extra = json!({
                "interactions": store::interactions::timeline(c, cu.id, None, usize::MAX >> 1)?.iter().map(|i| json!({
                    "id": i.id, "at": i.at, "kind": i.kind, "summary": i.summary, "details": i.details,
                    "by": i.audit.created_by, "created_at": i.audit.created_at,
                })).collect::<Vec<_>>(),
                "todos": store::todos::list_all_for(c, cu.id)?.iter().map(|t| json!({
                    "id": t.id, "title": t.title, "due": t.due.map(|d| d.to_string()), "status": t.status,
                    "priority": t.priority, "assignee": t.assignee, "every": t.recurrence.map(|r| r.to_string()), "done_at": t.done_at,
                })).collect::<Vec<_>>(),
                "purchases": store::purchases::for_customer(c, cu.id, usize::MAX >> 1)?.iter().map(|p| json!({
                    "id": p.id, "date": p.on_date.to_string(), "product": p.product, "amount": money_text(p.amount), "note": p.note,
                })).collect::<Vec<_>>(),
                "tickets": w.tickets.iter().map(|t| json!({
                    "id": t.id, "kind": t.kind, "severity": t.severity, "summary": t.summary, "status": t.status,
                    "opened_at": t.opened_at, "first_response_at": t.first_response_at, "resolved_at": t.resolved_at, "closed_at": t.closed_at,
                })).collect::<Vec<_>>(),
                "surveys": w.surveys.iter().map(|s| json!({
                    "id": s.id, "date": s.on_date.to_string(), "quality": s.quality, "attitude": s.attitude, "speed": s.speed, "comment": s.comment,
                })).collect::<Vec<_>>(),
                "deals": w.deals.iter().map(|d| json!({
                    "id": d.id, "title": d.title, "amount": money_text(d.amount), "stage": d.stage,
                    "expected_close": d.expected_close.map(|x| x.to_string()), "lost_reason": d.lost_reason,
                })).collect::<Vec<_>>(),
                "campaigns": w.campaigns.iter().map(|m| json!({"id": m.campaign_id, "attended": m.attended, "responded": m.responded})).collect::<Vec<_>>(),
                "history": store::history::for_customer(c, cu.id, usize::MAX >> 1)?.iter().map(|e| json!({
                    "at": e.at, "by": e.by, "table": e.table, "row_id": e.row_id, "action": e.action, "before": e.before, "after": e.after,
                })).collect::<Vec<_>>(),
            });
            if let (Json::Object(base), Json::Object(more)) = (&mut v, extra) {
                base.extend(more);
            }
            customers.push(v);
        }
        let campaigns: Vec<Json> = store::campaigns::list(c)?
            .iter()
            .map(|k| json!({"id": k.id, "name": k.name, "date": k.on_date.map(|d| d.to_string()), "invited": k.invited}))
            .collect();
        let settings: serde_json::Map<String, Json> =
            store::settings::all(c)?.into_iter().map(|(k, v)| (k.to_string(), Json::String(v))).collect();
        Ok(json!({"format": "kehu-export", "version": 1, "customers": customers, "campaigns": campaigns, "settings": settings}))
    })
}

/// Escapes a vCard text value (RFC 6350 §3.4).
fn vtext(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets without splitting a character (RFC 6350 §3.2).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// vCard 4.0 cards for every customer and contact person, readable by address books.
pub fn vcard(store: &Store) -> Result<String, StoreError> {
    store.read(|c| {
        let all = store::customers::list(c, &store::customers::Filter::default())?;
        let mut out = String::new();
        for cu in &all {
            let f = &cu.fields;
            let mut lines = vec![
                "BEGIN:VCARD".to_string(),
                "VERSION:4.0".into(),
                format!("UID:urn:kehu:customer:{}", cu.id),
            ];
            lines.push(format!("FN:{}", vtext(&f.name)));
            if f.kind == crate::domain::CustomerKind::B2b {
                lines.push("KIND:org".into());
            }
            if let Some(co) = &f.company {
                lines.push(format!("ORG:{}", vtext(co)));
            }
            if let Some(p) = &f.phone {
                lines.push(format!("TEL;TYPE=voice:{}", vtext(p)));
            }
            if let Some(e) = &f.email {
                lines.push(format!("EMAIL:{}", vtext(e)));
            }
            if f.address.is_some() || f.city.is_some() {
                let (a, city) = (
                    f.address.as_deref().unwrap_or(""),
                    f.city.as_deref().unwrap_or(""),
                );
                lines.push(format!("ADR:;;{};{};;;", vtext(a), vtext(city)));
            }
            if let Some(b) = f.birthday {
                lines.push(format!("BDAY:{}", b.format("%Y%m%d")));
            }
            if !cu.tags.is_empty() {
                lines.push(format!(
                    "CATEGORIES:{}",
                    cu.tags
                        .iter()
                        .map(|t| vtext(t))
                        .collect::<Vec<_>>()
                        .join(",")
                ));
            }
            if let Some(n) = &f.needs {
                lines.push(format!("NOTE:{}", vtext(n)));
            }
            lines.push("END:VCARD".into());
            for l in lines {
                out.push_str(&fold(&l));
            }
            for p in store::contacts::for_customer(c, cu.id)? {
                let mut lines = vec![
                    "BEGIN:VCARD".to_string(),
                    "VERSION:4.0".into(),
                    format!("UID:urn:kehu:contact:{}", p.id),
                ];
                lines.push(format!("FN:{}", vtext(&p.name)));
                lines.push(format!(
                    "ORG:{}",
                    vtext(f.company.as_deref().unwrap_or(&f.name))
                ));
                if let Some(t) = &p.title {
                    lines.push(format!("TITLE:{}", vtext(t)));
                }
                if let Some(ph) = &p.phone {
                    lines.push(format!("TEL;TYPE=voice:{}", vtext(ph)));
                }
                if let Some(e) = &p.email {
                    lines.push(format!("EMAIL:{}", vtext(e)));
                }
                lines.push(format!(
                    "RELATED;TYPE=colleague:urn:kehu:customer:{}",
                    cu.id
                ));
                lines.push("END:VCARD".into());
                for l in lines {
                    out.push_str(&fold(&l));
                }
            }
        }
        Ok(out)
    })
}
