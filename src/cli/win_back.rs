//! `kehu customer win-back`: the churned customers worth calling back.

use anyhow::Result;

use super::Env;
use super::output::Table;
use crate::domain::format;
use crate::domain::input::money_text;
use crate::i18n::t;
use crate::store;

/// `kehu customer win-back`: churned customers by value, with the time since they left, why,
/// and the attempts logged since.
pub fn run(env: &mut Env, owner: Option<&str>, json: bool) -> Result<()> {
    let clock = env.ctx.clock;
    let today = clock.today();
    let rows = env.store.read(|c| store::win_back::candidates(c, owner))?;
    let days_since = |at: &Option<String>| {
        at.as_deref()
            .and_then(|a| clock.local_date_of(a))
            .map(|d| (today - d).num_days())
    };
    if json {
        let out: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "name": r.name,
                    "company": r.company,
                    "owner": r.owner,
                    "value_score": r.value_score,
                    "purchase_total": money_text(r.purchase_total),
                    "churned_at": r.churned_at,
                    "days_since_churn": days_since(&r.churned_at),
                    "churn_reason": r.reason,
                    "churn_note": r.note,
                    "attempts": r.attempts,
                    "last_attempt": r.last_attempt,
                })
            })
            .collect();
        return Ok(env.out.json(&out)?);
    }
    if rows.is_empty() {
        env.out.line(t("out.win_back_none"))?;
        return Ok(());
    }
    let currency = env.store.read(|c| store::settings::get(c, "currency"))?;
    let mut table = Table::new(&[
        ("ID", 6),
        ("NAME", 24),
        ("VALUE", 5),
        ("BOUGHT", 14),
        ("CHURNED", 10),
        ("DAYS", 5),
        ("REASON", 18),
        ("TRIED", 5),
        ("LAST TRY", 10),
        ("NOTE", 40),
    ]);
    for r in &rows {
        table.row(vec![
            r.id.to_string(),
            r.name.clone(),
            r.value_score.to_string(),
            format::money(r.purchase_total, &currency),
            r.churned_at
                .as_deref()
                .and_then(|a| clock.local_date_of(a))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            days_since(&r.churned_at)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.reason
                .as_deref()
                .map(crate::domain::churn::shown)
                .unwrap_or_default(),
            r.attempts.to_string(),
            r.last_attempt
                .as_deref()
                .and_then(|a| clock.local_date_of(a))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.note.clone().unwrap_or_default(),
        ]);
    }
    table.print(&mut env.out)?;
    Ok(())
}
