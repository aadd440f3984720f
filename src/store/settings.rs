//! Team settings in the `setting` table; a missing row means the default.

use crate::store::db::{Connection, Optional};
use rusqlite::params;
use serde_json::json;

use super::Ctx;
use super::error::Result;
use super::rows;
use crate::domain::settings::{SETTINGS, find};
use crate::domain::targets::{self, Target};

/// The stored value of a known setting, or its default.
/// A value kehu keeps for itself in the settings table (when a daily pass last ran, the value
/// score's cut points): not a team setting, never listed, not in the change log.
pub fn internal(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
}

/// Stores a value kehu keeps for itself (see [`internal`]).
pub fn set_internal(conn: &Connection, key: &str, value: &str) -> Result<()> {
    rows::exec(
        conn,
        "INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?1, ?2, '', 'kehu')
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, key: &str) -> Result<String> {
    if targets::is_target_key(key) {
        let (figure, owner) = targets::parse_key(key)?;
        return Ok(all_targets(conn)?
            .into_iter()
            .find(|t| t.figure == figure && t.owner == owner)
            .map_or_else(|| "off".to_string(), |t| t.shown(false)));
    }
    let def = find(key)?;
    let stored: Option<String> = conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [def.key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(stored.unwrap_or_else(|| def.default.to_string()))
}

/// Every known setting with its current value, in catalogue order.
pub fn all(conn: &Connection) -> Result<Vec<(&'static str, String)>> {
    SETTINGS
        .iter()
        .map(|d| Ok((d.key, get(conn, d.key)?)))
        .collect()
}

/// Every target the team has set, team-wide ones first, in the report's order of figures.
pub fn all_targets(conn: &Connection) -> Result<Vec<Target>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, value FROM setting WHERE key >= 'target.' AND key < 'target/'",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    let mut out: Vec<Target> = rows
        .into_iter()
        .filter_map(|(key, value)| {
            // A row an older or newer kehu wrote that this one cannot read is left alone.
            let (figure, owner) = targets::parse_key(&key).ok()?;
            Some(Target {
                figure,
                owner,
                value: value.parse().ok()?,
            })
        })
        .collect();
    let order = |f: &str| targets::FIGURES.iter().position(|(k, _)| *k == f);
    out.sort_by(|a, b| {
        (a.owner.is_some(), &a.owner, order(a.figure)).cmp(&(
            b.owner.is_some(),
            &b.owner,
            order(b.figure),
        ))
    });
    Ok(out)
}

/// Sets (or with `off`, removes) a target; returns it as shown. Logged like any setting.
fn set_target(conn: &Connection, ctx: &Ctx, key: &str, value: &str) -> Result<String> {
    let (figure, owner) = targets::parse_key(key)?;
    let off = matches!(value.trim().to_lowercase().as_str(), "off" | "none" | "");
    let target = if off {
        None
    } else {
        Some(Target {
            figure,
            owner: owner.clone(),
            value: targets::parse_value(figure, value)?,
        })
    };
    let key = Target {
        figure,
        owner,
        value: 0.0,
    }
    .key();
    let before = internal(conn, &key)?;
    write(conn, ctx, &key, before, target.as_ref().map(Target::stored))?;
    Ok(target.map_or_else(|| "off".to_string(), |t| t.shown(false)))
}

/// Stores (`Some`) or removes (`None`) a setting's row, stamped and versioned, and logs the change
/// when the value differs from `before`.
fn write(
    conn: &Connection,
    ctx: &Ctx,
    key: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    match &after {
        Some(value) => rows::exec(
            conn,
            "INSERT INTO setting (key, value, updated_at, updated_by, version) VALUES (?1, ?2, ?3, ?4, 1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by, version = setting.version + 1",
            params![key, value, ctx.clock.stamp(), ctx.user],
        )?,
        None => rows::exec(conn, "DELETE FROM setting WHERE key = ?1", [key])?,
    };
    if before != after {
        rows::log(
            conn,
            ctx,
            "setting",
            0,
            None,
            "update",
            Some(&json!({ key: before })),
            Some(&json!({ key: after })),
        )?;
    }
    Ok(())
}

/// Validates and stores a setting (or a target, `target.<figure>[@<owner>]`); returns the
/// stored spelling.
pub fn set(conn: &Connection, ctx: &Ctx, key: &str, value: &str) -> Result<String> {
    if targets::is_target_key(key) {
        return set_target(conn, ctx, key, value);
    }
    let def = find(key)?;
    let value = def.validate(value)?;
    let before = get(conn, def.key)?;
    write(conn, ctx, def.key, Some(before), Some(value.clone()))?;
    if def.key == "value_potential_weight" {
        // Every rated customer's score moves with the weight, at once.
        super::value::refresh_all(conn, ctx.clock.today())?;
    }
    Ok(value)
}

/// The follow-up cadence in days for a tier, from the team settings.
pub fn cadence_for(conn: &Connection, tier: crate::domain::Tier) -> Result<i64> {
    let raw = get(conn, crate::domain::settings::cadence_key(tier))?;
    Ok(raw.parse().unwrap_or(tier.default_cadence_days()))
}

/// Puts back a setting from an export: validated, stored only when it differs from the default,
/// and not logged (the export's own history already holds the change).
pub fn restore(conn: &Connection, ctx: &Ctx, key: &str, value: &str) -> Result<()> {
    if targets::is_target_key(key) {
        let (figure, owner) = targets::parse_key(key)?;
        let value: f64 = value.parse().map_err(|_| {
            crate::domain::InputError::new(
                "value",
                crate::i18n::tf(
                    "err.target_value",
                    &[("text", &value), ("figure", &figure), ("hint", &"0.9")],
                ),
            )
        })?;
        let t = Target {
            figure,
            owner,
            value,
        };
        super::rows::exec(
            conn,
            "INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![t.key(), t.stored(), ctx.clock.stamp(), ctx.user],
        )?;
        return Ok(());
    }
    let def = find(key)?;
    let value = def.validate(value)?;
    if value != def.default {
        super::rows::exec(
            conn,
            "INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![def.key, value, ctx.clock.stamp(), ctx.user],
        )?;
    }
    Ok(())
}
