//! `kehu agreement …`: long-term cooperation agreements.

use anyhow::Result;
use serde_json::json;

use super::Env;
use super::args::AgreementCmd;
use super::output::Table;
use crate::domain::input::{self, money_text};
use crate::domain::time;
use crate::store::{self, agreements::Agreement};

fn as_json(a: &Agreement, today: chrono::NaiveDate) -> serde_json::Value {
    json!({
        "id": a.id,
        "customer_id": a.customer_id,
        "title": a.fields.title,
        "start": a.fields.starts_on.to_string(),
        "end": a.fields.ends_on.map(|d| d.to_string()),
        "value": money_text(a.fields.value),
        "renewal": a.fields.renewal,
        "notes": a.fields.notes,
        "ended_at": a.ended_at,
        "active": a.active_on(today),
        "version": a.audit.version,
    })
}

pub fn run(env: &mut Env, cmd: AgreementCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    let today = ctx.clock.today();
    let date = |field: &str, v: &str| time::parse_date(field, v, today);
    match cmd {
        AgreementCmd::Add {
            id,
            title,
            start,
            end,
            value,
            renewal,
            notes,
        } => {
            let fields = store::agreements::AgreementFields {
                title: input::required_line("title", &title)?,
                starts_on: start
                    .as_deref()
                    .map(|s| date("start", s))
                    .transpose()?
                    .unwrap_or(today),
                ends_on: end.as_deref().map(|s| date("end", s)).transpose()?,
                value: input::money("value", &value)?,
                renewal: renewal
                    .as_deref()
                    .map(|r| input::optional_line("renewal", r))
                    .transpose()?
                    .flatten(),
                notes: notes
                    .as_deref()
                    .map(|n| input::optional_text("notes", n))
                    .transpose()?
                    .flatten(),
            };
            let a = env
                .store
                .write(|c| store::agreements::add(c, &ctx, id, &fields))?;
            env.out.line(&crate::i18n::tf(
                "out.added_agreement",
                &[("a", &a), ("id", &id)],
            ))?;
        }
        AgreementCmd::Edit {
            agreement,
            title,
            start,
            end,
            value,
            renewal,
            notes,
        } => {
            env.store.write(|c| {
                let current = store::agreements::get(c, agreement)?;
                let mut f = current.fields.clone();
                if let Some(t) = &title {
                    f.title = input::required_line("title", t)?;
                }
                if let Some(s) = &start {
                    f.starts_on = date("start", s)?;
                }
                if let Some(e) = &end {
                    f.ends_on = match e.trim().to_lowercase().as_str() {
                        "none" | "" => None,
                        _ => Some(date("end", e)?),
                    };
                }
                if let Some(v) = &value {
                    f.value = input::money("value", v)?;
                }
                if let Some(r) = &renewal {
                    f.renewal = input::optional_line("renewal", r)?;
                }
                if let Some(n) = &notes {
                    f.notes = input::optional_text("notes", n)?;
                }
                store::agreements::update(c, &ctx, agreement, current.audit.version, &f)
            })?;
            env.out.line(&crate::i18n::tf(
                "out.updated_agreement",
                &[("a", &agreement)],
            ))?;
        }
        AgreementCmd::End { agreement } => {
            env.store.write(|c| {
                let current = store::agreements::get(c, agreement)?;
                store::agreements::end(c, &ctx, agreement, current.audit.version)
            })?;
            env.out.line(&crate::i18n::tf(
                "out.ended_agreement",
                &[("a", &agreement)],
            ))?;
        }
        AgreementCmd::List { id, json } => {
            let found = env.store.read(|c| {
                if let Some(id) = id {
                    store::customers::ensure_exists(c, id)?;
                }
                store::agreements::list(c, id)
            })?;
            if json {
                let out: Vec<_> = found.iter().map(|a| as_json(a, today)).collect();
                return Ok(env.out.json(&out)?);
            }
            if found.is_empty() {
                env.out.line(crate::i18n::t("out.no_agreements"))?;
                return Ok(());
            }
            let currency = env.store.read(|c| store::settings::get(c, "currency"))?;
            let mut table = Table::new(&[
                ("ID", 6),
                ("CUSTOMER", 8),
                ("START", 10),
                ("END", 10),
                ("VALUE", 16),
                ("STATUS", 8),
                ("TITLE", 40),
                ("RENEWAL", 30),
            ]);
            for a in &found {
                table.row(vec![
                    a.id.to_string(),
                    a.customer_id.to_string(),
                    a.fields.starts_on.to_string(),
                    a.fields.ends_on.map(|d| d.to_string()).unwrap_or_default(),
                    crate::domain::format::money(a.fields.value, &currency),
                    crate::i18n::t(if a.active_on(today) {
                        "agreement.active"
                    } else {
                        "agreement.inactive"
                    })
                    .to_string(),
                    a.fields.title.clone(),
                    a.fields.renewal.clone().unwrap_or_default(),
                ]);
            }
            table.print(&mut env.out)?;
        }
    }
    Ok(())
}
