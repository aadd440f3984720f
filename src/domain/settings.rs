//! Team-wide settings kept in the database, so every teammate works to the same rules.

use super::{InputError, Tier, input};
use crate::i18n::tf;

/// A known setting: its key and default (what it means is `setting.<key>` in the catalogue).
pub struct SettingDef {
    pub key: &'static str,
    pub default: &'static str,
    validate: fn(&str) -> Result<String, InputError>,
}

impl SettingDef {
    /// The stored spelling of a valid value, or why it is refused.
    pub fn validate(&self, value: &str) -> Result<String, InputError> {
        (self.validate)(value)
    }
}

fn days(value: &str) -> Result<String, InputError> {
    input::cadence_days(value).map(|n| n.to_string())
}

fn days_or_off(value: &str) -> Result<String, InputError> {
    let v = value.trim().to_lowercase();
    if v == "off" || v == "0" {
        return Ok("off".into());
    }
    days(&v).map_err(|_| {
        InputError::new(
            "pool_after_days",
            tf("err.pool_days", &[("text", &value.trim())]),
        )
    })
}

fn currency(value: &str) -> Result<String, InputError> {
    let v = value.trim().to_uppercase();
    if v.len() == 3 && v.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(v)
    } else {
        Err(InputError::new(
            "currency",
            tf("err.currency", &[("text", &value.trim())]),
        ))
    }
}

fn count(value: &str) -> Result<String, InputError> {
    match value.trim().parse::<u32>() {
        Ok(n) if (1..=365).contains(&n) => Ok(n.to_string()),
        _ => Err(InputError::new(
            "backup_keep",
            tf("err.backup_keep", &[("text", &value.trim())]),
        )),
    }
}

/// `auto` (kehu's own lock only where the file system needs it) or `lockfile` (always, for every
/// teammate: the team's choice).
fn locking(value: &str) -> Result<String, InputError> {
    match value.trim().to_lowercase().as_str() {
        "auto" => Ok("auto".into()),
        "lockfile" | "on" => Ok("lockfile".into()),
        _ => Err(InputError::new(
            "locking",
            tf("err.locking", &[("text", &value.trim())]),
        )),
    }
}

/// `machine` (the clock of each teammate's machine) or a fixed offset from UTC: `+08:00`,
/// `-05:00`, `UTC`.
fn time_zone(value: &str) -> Result<String, InputError> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("machine") {
        return Ok("machine".into());
    }
    parse_offset(v)
        .map(offset_text)
        .ok_or_else(|| InputError::new("time_zone", tf("err.time_zone", &[("text", &v)])))
}

/// A fixed offset written `+08:00`, `-0500`, `+8`, `UTC` or `Z`, within ±14 hours.
pub fn parse_offset(text: &str) -> Option<chrono::FixedOffset> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("gmt")
    {
        return chrono::FixedOffset::east_opt(0);
    }
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("utc"))
        .unwrap_or(t);
    let (sign, rest) = match t.chars().next()? {
        '+' => (1, &t[1..]),
        '-' => (-1, &t[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) || (h == 14 && m > 0) {
        return None;
    }
    chrono::FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

fn offset_text(offset: chrono::FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    format!(
        "{sign}{:02}:{:02}",
        secs.abs() / 3600,
        secs.abs() % 3600 / 60
    )
}

/// Hours an inquiry or after-sales request may wait for its first response (1–720).
fn response_hours(value: &str) -> Result<String, InputError> {
    match value.trim().parse::<u32>() {
        Ok(n) if (1..=720).contains(&n) => Ok(n.to_string()),
        _ => Err(InputError::new(
            "response_hours",
            tf("err.response_hours", &[("text", &value.trim())]),
        )),
    }
}

/// Days (1–3650) or `off`, for how often a tier is surveyed and how long after a complaint is
/// resolved its check-back is due.
fn days_or_off_for_surveys(value: &str) -> Result<String, InputError> {
    let v = value.trim().to_lowercase();
    if v == "off" || v == "0" {
        return Ok("off".into());
    }
    days(&v)
        .map_err(|_| InputError::new("value", tf("err.days_or_off", &[("text", &value.trim())])))
}

/// The setting key holding how often a tier is surveyed.
pub fn survey_key(tier: Tier) -> &'static str {
    match tier {
        Tier::Vip => "survey_every.vip",
        Tier::Regular => "survey_every.regular",
        Tier::Potential => "survey_every.potential",
    }
}

/// Which greetings a tier gets: `birthday`, `holidays`, both, or `off`.
fn care_occasions(value: &str) -> Result<String, InputError> {
    let words: Vec<String> = value
        .split([' ', ',', ';', '，'])
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words == ["off"] {
        return Ok("off".into());
    }
    let mut out = Vec::new();
    for w in &words {
        let known = match w.as_str() {
            "birthday" | "birthdays" | "生日" => "birthday",
            "holidays" | "holiday" | "festivals" | "节日" => "holidays",
            _ => {
                return Err(InputError::new(
                    "value",
                    tf("err.care_occasions", &[("text", &value.trim())]),
                ));
            }
        };
        if !out.contains(&known) {
            out.push(known);
        }
    }
    Ok(out.join(" "))
}

/// A gift or coupon to suggest with a tier's greetings (one line), or `off`.
fn gift(value: &str) -> Result<String, InputError> {
    let v = super::input::clean_line(value);
    if v.is_empty() || v.eq_ignore_ascii_case("off") {
        return Ok("off".into());
    }
    if v.chars().count() > 80 {
        return Err(InputError::new("value", tf("err.gift_long", &[])));
    }
    Ok(v)
}

/// The tiers a built-in rhythm is on for (`vip`, `vip regular`…), or `off`.
fn tiers_or_off(value: &str) -> Result<String, InputError> {
    let words: Vec<String> = value
        .split([' ', ',', ';'])
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words == ["off"] {
        return Ok("off".into());
    }
    let mut tiers = Vec::new();
    for w in &words {
        let tier: Tier = w.parse().map_err(|_| {
            InputError::new("value", tf("err.tiers_or_off", &[("text", &value.trim())]))
        })?;
        if !tiers.contains(&tier) {
            tiers.push(tier);
        }
    }
    Ok(tiers
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(" "))
}

/// A chance in per cent, 0–100 (`50` or `50%`).
fn percent(value: &str) -> Result<String, InputError> {
    match value
        .trim()
        .trim_end_matches(['%', '％'])
        .trim()
        .parse::<u32>()
    {
        Ok(n) if n <= 100 => Ok(n.to_string()),
        _ => Err(InputError::new(
            "probability",
            tf("err.probability", &[("text", &value.trim())]),
        )),
    }
}

/// A decimal number from 0 to 1000 (points per currency unit, a tier's multiplier).
fn points_rate(value: &str) -> Result<String, InputError> {
    match value.trim().parse::<f64>() {
        Ok(n) if (0.0..=1000.0).contains(&n) => Ok(n.to_string()),
        _ => Err(InputError::new(
            "points",
            tf("err.points_rate", &[("text", &value.trim())]),
        )),
    }
}

/// A whole number of points, 0 to 1,000,000.
fn points_bonus(value: &str) -> Result<String, InputError> {
    match value.trim().parse::<i64>() {
        Ok(n) if (0..=1_000_000).contains(&n) => Ok(n.to_string()),
        _ => Err(InputError::new(
            "points",
            tf("err.points_bonus", &[("text", &value.trim())]),
        )),
    }
}

/// Months after which points expire (1–120), or off.
fn months_or_off(value: &str) -> Result<String, InputError> {
    let v = value.trim().to_lowercase();
    if v == "off" || v == "0" || v == "never" {
        return Ok("off".into());
    }
    match v.parse::<u32>() {
        Ok(n) if (1..=120).contains(&n) => Ok(n.to_string()),
        _ => Err(InputError::new(
            "points.expire_months",
            tf("err.expire_months", &[("text", &value.trim())]),
        )),
    }
}

fn levels(value: &str) -> Result<String, InputError> {
    super::loyalty::parse_levels(value).map(|l| super::loyalty::levels_text(&l))
}

fn level_by(value: &str) -> Result<String, InputError> {
    match value.trim().to_lowercase().as_str() {
        "points" | "积分" => Ok("points".into()),
        "spend" | "消费" => Ok("spend".into()),
        _ => Err(InputError::new(
            "loyalty.level_by",
            tf("err.level_by", &[("text", &value.trim())]),
        )),
    }
}

/// The default member levels: thresholds in points earned.
const DEFAULT_LEVELS: &str = "Silver 银卡 1000: birthday gift 生日礼物; \
    Gold 金卡 5000: 5% off 95折, priority service 优先服务; \
    Platinum 白金卡 20000: 10% off 9折, a dedicated manager 专属客户经理";

/// A weight in whole per cent, 0–100.
fn weight(value: &str) -> Result<String, InputError> {
    percent(value).map_err(|_| {
        InputError::new(
            "value_potential_weight",
            tf("err.weight_percent", &[("text", &value.trim())]),
        )
    })
}

/// The setting key holding the chance that an open deal at `stage` is won (for the forecast).
pub fn probability_key(stage: super::DealStage) -> Option<&'static str> {
    use super::DealStage::*;
    match stage {
        Qualified => Some("probability.qualified"),
        NeedsAnalysis => Some("probability.needs_analysis"),
        Proposal => Some("probability.proposal"),
        Negotiation => Some("probability.negotiation"),
        Won | Lost => None,
    }
}

/// `auto` (from the churn rate) or a number of years, for the lifetime value.
fn lifespan(value: &str) -> Result<String, InputError> {
    let v = value.trim().to_lowercase();
    if v == "auto" {
        return Ok(v);
    }
    match v.parse::<f64>() {
        Ok(y) if (0.5..=50.0).contains(&y) => Ok(y.to_string()),
        _ => Err(InputError::new(
            "customer_lifespan_years",
            tf("err.lifespan", &[("text", &value.trim())]),
        )),
    }
}

/// Holidays as `NAME YYYY-MM-DD` entries separated by `;` (the date is the last word).
pub fn parse_holidays(value: &str) -> Result<Vec<(String, chrono::NaiveDate)>, InputError> {
    let mut out = Vec::new();
    for entry in value.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (name, date) = entry.rsplit_once(' ').ok_or_else(|| {
            InputError::new("holidays", tf("err.holiday_entry", &[("entry", &entry)]))
        })?;
        let date = date.parse().map_err(|_| {
            InputError::new(
                "holidays",
                tf("err.holiday_date", &[("date", &date), ("entry", &entry)]),
            )
        })?;
        if name.trim().is_empty() {
            return Err(InputError::new(
                "holidays",
                tf("err.holiday_name", &[("entry", &entry)]),
            ));
        }
        out.push((name.trim().to_string(), date));
    }
    Ok(out)
}

fn holidays(value: &str) -> Result<String, InputError> {
    let list = parse_holidays(value)?;
    Ok(list
        .iter()
        .map(|(n, d)| format!("{n} {d}"))
        .collect::<Vec<_>>()
        .join("; "))
}

/// Default holidays: the lunar festivals with their real dates for the coming years.
const DEFAULT_HOLIDAYS: &str = "Spring Festival 春节 2026-02-17; Mid-Autumn Festival 中秋节 2026-09-25; \
    New Year 元旦 2027-01-01; Spring Festival 春节 2027-02-06; Mid-Autumn Festival 中秋节 2027-09-15; \
    New Year 元旦 2028-01-01; Spring Festival 春节 2028-01-26; Mid-Autumn Festival 中秋节 2028-10-03; \
    New Year 元旦 2029-01-01; Spring Festival 春节 2029-02-13; Mid-Autumn Festival 中秋节 2029-09-22; \
    New Year 元旦 2030-01-01; Spring Festival 春节 2030-02-03; Mid-Autumn Festival 中秋节 2030-09-12";

pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        key: "currency",
        default: "CNY",
        validate: currency,
    },
    SettingDef {
        key: "time_zone",
        default: "machine",
        validate: time_zone,
    },
    SettingDef {
        key: "response_hours.inquiry",
        default: "48",
        validate: response_hours,
    },
    SettingDef {
        key: "response_hours.after_sales",
        default: "48",
        validate: response_hours,
    },
    SettingDef {
        key: "customer_lifespan_years",
        default: "auto",
        validate: lifespan,
    },
    SettingDef {
        key: "cadence.vip",
        default: "30",
        validate: days,
    },
    SettingDef {
        key: "cadence.regular",
        default: "90",
        validate: days,
    },
    SettingDef {
        key: "cadence.potential",
        default: "14",
        validate: days,
    },
    SettingDef {
        key: "probability.qualified",
        default: "10",
        validate: percent,
    },
    SettingDef {
        key: "probability.needs_analysis",
        default: "25",
        validate: percent,
    },
    SettingDef {
        key: "probability.proposal",
        default: "50",
        validate: percent,
    },
    SettingDef {
        key: "probability.negotiation",
        default: "75",
        validate: percent,
    },
    SettingDef {
        key: "value_potential_weight",
        default: "25",
        validate: weight,
    },
    SettingDef {
        key: "points.per_unit",
        default: "1",
        validate: points_rate,
    },
    SettingDef {
        key: "points.multiplier.vip",
        default: "2",
        validate: points_rate,
    },
    SettingDef {
        key: "points.multiplier.regular",
        default: "1",
        validate: points_rate,
    },
    SettingDef {
        key: "points.multiplier.potential",
        default: "1",
        validate: points_rate,
    },
    SettingDef {
        key: "points.bonus.survey",
        default: "50",
        validate: points_bonus,
    },
    SettingDef {
        key: "points.bonus.referral",
        default: "200",
        validate: points_bonus,
    },
    SettingDef {
        key: "points.expire_months",
        default: "24",
        validate: months_or_off,
    },
    SettingDef {
        key: "coupon_warn_days",
        default: "7",
        validate: days_or_off_for_surveys,
    },
    SettingDef {
        key: "loyalty.levels",
        default: DEFAULT_LEVELS,
        validate: levels,
    },
    SettingDef {
        key: "loyalty.level_by",
        default: "points",
        validate: level_by,
    },
    SettingDef {
        key: "survey_every.vip",
        default: "182",
        validate: days_or_off_for_surveys,
    },
    SettingDef {
        key: "survey_every.regular",
        default: "off",
        validate: days_or_off_for_surveys,
    },
    SettingDef {
        key: "survey_every.potential",
        default: "off",
        validate: days_or_off_for_surveys,
    },
    SettingDef {
        key: "complaint_checkback_days",
        default: "7",
        validate: days_or_off_for_surveys,
    },
    SettingDef {
        key: "care.vip",
        default: "birthday holidays",
        validate: care_occasions,
    },
    SettingDef {
        key: "care.regular",
        default: "off",
        validate: care_occasions,
    },
    SettingDef {
        key: "care.potential",
        default: "off",
        validate: care_occasions,
    },
    SettingDef {
        key: "care_gift.vip",
        default: "off",
        validate: gift,
    },
    SettingDef {
        key: "care_gift.regular",
        default: "off",
        validate: gift,
    },
    SettingDef {
        key: "care_gift.potential",
        default: "off",
        validate: gift,
    },
    SettingDef {
        key: "rhythm.monthly_letter",
        default: "off",
        validate: tiers_or_off,
    },
    SettingDef {
        key: "rhythm.quarterly_materials",
        default: "off",
        validate: tiers_or_off,
    },
    SettingDef {
        key: "agreement_warn_days",
        default: "60",
        validate: days,
    },
    SettingDef {
        key: "departments",
        default: super::churn::DEFAULT_DEPARTMENTS,
        validate: super::churn::validate_departments,
    },
    SettingDef {
        key: "churn_reasons",
        default: super::churn::DEFAULT_REASONS,
        validate: super::churn::validate_list,
    },
    SettingDef {
        key: "pool_after_days",
        default: "off",
        validate: days_or_off,
    },
    SettingDef {
        key: "backup_keep",
        default: "7",
        validate: count,
    },
    SettingDef {
        key: "locking",
        default: "auto",
        validate: locking,
    },
    SettingDef {
        key: "holidays",
        default: DEFAULT_HOLIDAYS,
        validate: holidays,
    },
];

pub fn find(key: &str) -> Result<&'static SettingDef, InputError> {
    let wanted = key.trim().to_lowercase();
    SETTINGS.iter().find(|d| d.key == wanted).ok_or_else(|| {
        InputError::new(
            "key",
            tf(
                "err.not_a_setting",
                &[
                    ("text", &key.trim()),
                    (
                        "known",
                        &SETTINGS
                            .iter()
                            .map(|d| d.key)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ],
            ),
        )
    })
}

/// The setting key holding a tier's default cadence.
pub fn cadence_key(tier: Tier) -> &'static str {
    match tier {
        Tier::Vip => "cadence.vip",
        Tier::Regular => "cadence.regular",
        Tier::Potential => "cadence.potential",
    }
}

/// The symbol shown before amounts in a currency.
pub fn currency_symbol(code: &str) -> &str {
    match code {
        "CNY" | "JPY" => "¥",
        "USD" | "AUD" | "CAD" | "HKD" | "SGD" | "TWD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_named() {
        for d in SETTINGS {
            assert_eq!(d.validate(d.default).unwrap(), d.default, "{}", d.key);
        }
        assert!(
            find("nope")
                .err()
                .map(|e| e.reason)
                .unwrap_or_default()
                .contains("cadence.vip")
        );
        assert_eq!(find("CADENCE.VIP").unwrap().validate("45").unwrap(), "45");
        assert!(find("cadence.vip").unwrap().validate("0").is_err());
        assert_eq!(find("currency").unwrap().validate("usd").unwrap(), "USD");
        assert_eq!(
            find("pool_after_days").unwrap().validate("OFF").unwrap(),
            "off"
        );
    }
}

#[cfg(test)]
mod zone_tests {
    use super::*;

    #[test]
    fn time_zones_are_fixed_offsets_or_the_machines() {
        assert_eq!(time_zone("+8").unwrap(), "+08:00");
        assert_eq!(time_zone("-0500").unwrap(), "-05:00");
        assert_eq!(time_zone("UTC+05:30").unwrap(), "+05:30");
        assert_eq!(time_zone("utc").unwrap(), "+00:00");
        assert_eq!(time_zone(" Machine ").unwrap(), "machine");
        for bad in ["Asia/Shanghai", "+15:00", "8", "+08:75", ""] {
            assert!(time_zone(bad).is_err(), "{bad}");
        }
        assert_eq!(lifespan("auto").unwrap(), "auto");
        assert_eq!(lifespan("3").unwrap(), "3");
        assert!(lifespan("0").is_err() && lifespan("forever").is_err());
    }
}
