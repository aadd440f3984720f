//! Team settings in the `setting` table; a missing row means the default.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use super::Ctx;
use super::error::Result;
use super::rows;
use crate::domain::settings::{SETTINGS, find};

/// The stored value of a known setting, or its default.
/// A value kehu keeps for itself in the settings table (when a daily pass last ran, the value
/// score's cut points): not a team setting, never listed, not in the change log.
pub fn internal(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
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

/// Validates and stores a setting; returns the stored spelling.
pub fn set(conn: &Connection, ctx: &Ctx, key: &str, value: &str) -> Result<String> {
    let def = find(key)?;
    let value = def.validate(value)?;
    let before = get(conn, def.key)?;
    super::rows::exec(conn,
        "INSERT INTO setting (key, value, updated_at, updated_by, version) VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by, version = setting.version + 1",
        params![def.key, value, ctx.clock.stamp(), ctx.user],
    )?;
    if before != value {
        rows::log(
            conn,
            ctx,
            "setting",
            0,
            None,
            "update",
            Some(&json!({ def.key: before })),
            Some(&json!({ def.key: value })),
        )?;
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
