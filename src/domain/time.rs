//! Time: the injected clock, the one stored timestamp format, and the date words users type.
//!
//! Instants are stored as RFC 3339 UTC text with milliseconds and `Z`, written only by
//! [`format_timestamp`], so text order is time order. Calendar dates (due dates, birthdays,
//! "today") are the user's local dates as `YYYY-MM-DD`.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, Local, Months, NaiveDate, NaiveDateTime, NaiveTime,
    TimeZone, Utc,
};

use super::InputError;

/// The current instant and the user's time zone. Passed into every rule; never read inside one.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub offset: FixedOffset,
}

impl Clock {
    /// The real clock and the machine's time zone, unless `KEHU_NOW` (an RFC 3339 instant with an
    /// offset) fixes both — used by tests and for reproducing a user's report.
    pub fn from_env() -> Result<Clock, InputError> {
        match std::env::var("KEHU_NOW") {
            Ok(text) if !text.trim().is_empty() => {
                let fixed = DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
                    InputError::new("KEHU_NOW", format!("'{text}' is not an RFC 3339 time: {e}"))
                })?;
                Ok(Clock {
                    now: fixed.with_timezone(&Utc),
                    offset: *fixed.offset(),
                })
            }
            _ => {
                let local = Local::now();
                Ok(Clock {
                    now: local.with_timezone(&Utc),
                    offset: *local.offset(),
                })
            }
        }
    }

    pub fn fixed(now: DateTime<Utc>, offset: FixedOffset) -> Clock {
        Clock { now, offset }
    }

    /// This clock in the team's time zone (the `time_zone` setting): `machine` keeps this
    /// machine's; a fixed offset replaces it, so every teammate's days and months are the same.
    pub fn in_zone(self, setting: &str) -> Clock {
        match super::settings::parse_offset(setting) {
            Some(offset) if setting != "machine" => Clock { offset, ..self },
            _ => self,
        }
    }

    /// This clock `elapsed` later (a long-running screen's "now").
    pub fn advanced(&self, elapsed: std::time::Duration) -> Clock {
        Clock {
            now: self.now + Duration::from_std(elapsed).unwrap_or_else(|_| Duration::zero()),
            offset: self.offset,
        }
    }

    /// The user's calendar date now.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.offset).date_naive()
    }

    /// The stored form of "now".
    pub fn stamp(&self) -> String {
        format_timestamp(self.now)
    }

    /// The user's local calendar date of a stored timestamp.
    pub fn local_date_of(&self, stamp: &str) -> Option<NaiveDate> {
        parse_timestamp(stamp).map(|t| t.with_timezone(&self.offset).date_naive())
    }

    /// A stored timestamp as the user's local `YYYY-MM-DD HH:MM`.
    pub fn local_display(&self, stamp: &str) -> String {
        match parse_timestamp(stamp) {
            Some(t) => t
                .with_timezone(&self.offset)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            None => stamp.to_string(),
        }
    }

    /// A local date and time as a UTC instant (an ambiguous or missing local time cannot happen
    /// with a fixed offset).
    pub fn instant_of(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = NaiveDateTime::new(date, time);
        match self.offset.from_local_datetime(&local).single() {
            Some(t) => t.with_timezone(&Utc),
            None => Utc.from_utc_datetime(&local),
        }
    }
}

/// The one function that writes a stored timestamp.
pub fn format_timestamp(t: DateTime<Utc>) -> String {
    use chrono::Timelike;
    let year = t.year();
    let fields = [
        (year / 100) as u32,
        (year % 100) as u32,
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    ];
    if !(0..=9999).contains(&year) {
        return format!(
            "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            fields[2],
            fields[3],
            fields[4],
            fields[5],
            fields[6],
            (t.nanosecond() / 1_000_000).min(999)
        );
    }
    // Digits written straight into place: an import stamps several rows for each line of its
    // file, and `format!`'s padding machinery was a twentieth of its time.
    let mut out = *b"0000-00-00T00:00:00.000Z";
    for (field, at) in fields.into_iter().zip([0, 2, 5, 8, 11, 14, 17]) {
        out[at] = b'0' + (field / 10) as u8;
        out[at + 1] = b'0' + (field % 10) as u8;
    }
    let millis = (t.nanosecond() / 1_000_000).min(999);
    out[20] = b'0' + (millis / 100) as u8;
    out[21] = b'0' + (millis / 10 % 10) as u8;
    out[22] = b'0' + (millis % 10) as u8;
    // ASCII digits and punctuation only: always UTF-8.
    std::str::from_utf8(&out).map_or_else(|_| String::new(), str::to_owned)
}

pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses a calendar date as users type it: `2026-12-01`, `2026/12/1`, `2026.12.01`, `2026年12月1日`,
/// `today`, `tomorrow`, `yesterday`, and offsets `+3d`, `-2w`, `+1m`, `+1y`.
pub fn parse_date(field: &str, text: &str, today: NaiveDate) -> Result<NaiveDate, InputError> {
    let date = parse_date_unchecked(field, text, today)?;
    in_range(field, date)
}

/// The dates kehu stores: years 1 to 9999, so `YYYY-MM-DD` text sorts as time and every date
/// computed from one (a recurrence, a period before it) stays far inside chrono's range.
pub fn in_range(field: &str, date: NaiveDate) -> Result<NaiveDate, InputError> {
    if (1..=9999).contains(&date.year()) {
        Ok(date)
    } else {
        Err(InputError::new(
            field,
            crate::i18n::tf("err.date_range", &[("date", &date)]),
        ))
    }
}

fn parse_date_unchecked(
    field: &str,
    text: &str,
    today: NaiveDate,
) -> Result<NaiveDate, InputError> {
    let t = text.trim();
    let bad = || InputError::new(field, crate::i18n::tf("err.date", &[("text", &t)]));
    match t.to_lowercase().as_str() {
        "" => return Err(InputError::new(field, crate::i18n::t("err.date_required"))),
        "today" | "今天" => return Ok(today),
        "tomorrow" | "明天" => return Ok(today + Duration::days(1)),
        "yesterday" | "昨天" => return Ok(today - Duration::days(1)),
        _ => {}
    }
    if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
        let rest = &t[1..];
        let (num, unit) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
        let n: u32 = num.parse().map_err(|_| bad())?;
        let forward = sign == '+';
        // Units as typed in English or Chinese: +3d / +3天, +2w / +2周, +1m / +1月 / +1个月.
        let shifted = match unit.trim().to_lowercase().as_str() {
            "d" | "天" | "日" => shift_days(today, u64::from(n), forward),
            "w" | "周" | "星期" => shift_days(today, u64::from(n) * 7, forward),
            "m" | "月" | "个月" => shift_months(today, n, forward),
            "y" | "年" => shift_months(today, n.saturating_mul(12), forward),
            _ => return Err(bad()),
        };
        return shifted.ok_or_else(|| {
            InputError::new(field, crate::i18n::tf("err.date_range", &[("date", &t)]))
        });
    }
    let normalised: String = t
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_string();
    let parts: Vec<&str> = normalised.split('-').collect();
    if parts.len() == 3 {
        let (y, m, d) = (
            parts[0].parse::<i32>(),
            parts[1].parse::<u32>(),
            parts[2].parse::<u32>(),
        );
        if let (Ok(y), Ok(m), Ok(d)) = (y, m, d)
            && parts[0].len() == 4
        {
            return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
                InputError::new(field, crate::i18n::tf("err.calendar_date", &[("text", &t)]))
            });
        }
    }
    Err(bad())
}

fn shift_days(d: NaiveDate, n: u64, forward: bool) -> Option<NaiveDate> {
    let days = chrono::Days::new(n);
    if forward {
        d.checked_add_days(days)
    } else {
        d.checked_sub_days(days)
    }
}

fn shift_months(d: NaiveDate, n: u32, forward: bool) -> Option<NaiveDate> {
    if forward {
        d.checked_add_months(Months::new(n))
    } else {
        d.checked_sub_months(Months::new(n))
    }
}

/// Parses an instant as users type it for "when did this happen": `now`, any date form of
/// [`parse_date`] (meaning that day at the current local time of day, or noon for a past
/// day), `YYYY-MM-DD HH:MM[:SS]`, or RFC 3339 with an offset.
pub fn parse_instant(field: &str, text: &str, clock: &Clock) -> Result<DateTime<Utc>, InputError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") || t == "现在" {
        return Ok(clock.now);
    }
    if let Ok(fixed) = DateTime::parse_from_rfc3339(t) {
        in_range(field, fixed.date_naive())?;
        return Ok(fixed.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(t, fmt) {
            in_range(field, local.date())?;
            return Ok(clock.instant_of(local.date(), local.time()));
        }
    }
    let date = parse_date(field, t, clock.today())
        .map_err(|_| InputError::new(field, crate::i18n::tf("err.instant", &[("text", &t)])))?;
    let time = if date == clock.today() {
        clock.now.with_timezone(&clock.offset).time()
    } else {
        NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()
    };
    Ok(clock.instant_of(date, time))
}

/// Parses a time of day `HH:MM`.
pub fn parse_time_of_day(field: &str, text: &str) -> Result<NaiveTime, InputError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        InputError::new(
            field,
            crate::i18n::tf("err.time_of_day", &[("text", &text.trim())]),
        )
    })
}

/// Adds whole months, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29).
pub fn add_months_clamped(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

/// A year-less birthday's next occurrence on or after `from` (Feb 29 falls on Feb 28 in other years).
pub fn next_birthday(birthday: NaiveDate, from: NaiveDate) -> NaiveDate {
    let in_year = |y: i32| {
        NaiveDate::from_ymd_opt(y, birthday.month(), birthday.day())
            .or_else(|| NaiveDate::from_ymd_opt(y, birthday.month(), 28))
    };
    match in_year(from.year()) {
        Some(d) if d >= from => d,
        _ => in_year(from.year() + 1).unwrap_or(from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        let offset = FixedOffset::east_opt(8 * 3600).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-22T23:30:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        Clock::fixed(now, offset)
    }

    #[test]
    fn stored_timestamps_sort_as_time() {
        let a = format_timestamp(
            DateTime::parse_from_rfc3339("2026-11-22T08:30:00Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        let b = format_timestamp(
            DateTime::parse_from_rfc3339("2026-11-22T08:30:00.5Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        assert_eq!(a, "2026-11-22T08:30:00.000Z");
        assert!(a < b);
        assert_eq!(parse_timestamp(&a).map(format_timestamp), Some(a));
    }

    #[test]
    fn stamps_are_written_as_chrono_would_write_them() {
        for text in [
            "2026-11-22T08:30:00Z",
            "2026-01-09T23:59:59.999999Z",
            "0999-12-31T00:00:07.042Z",
            "1970-01-01T00:00:00.100Z",
            "9999-06-15T12:05:09.5Z",
        ] {
            let t = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(
                format_timestamp(t),
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                "{text}"
            );
        }
        let far = Utc.with_ymd_and_hms(12026, 3, 4, 5, 6, 7).unwrap();
        assert_eq!(format_timestamp(far), "12026-03-04T05:06:07.000Z");
    }

    #[test]
    fn today_is_the_local_date_not_utc() {
        // 23:30 in Shanghai is 15:30 UTC on the same day; 00:30 the next day is still the 22nd in UTC.
        assert_eq!(
            clock().today(),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
        );
        let late = Clock::fixed(
            DateTime::parse_from_rfc3339("2026-11-23T00:30:00+08:00")
                .unwrap()
                .with_timezone(&Utc),
            FixedOffset::east_opt(8 * 3600).unwrap(),
        );
        assert_eq!(late.today(), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(
            late.now.date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
        );
    }

    #[test]
    fn date_words_and_offsets() {
        let today = clock().today();
        let d = |s: &str| parse_date("due", s, today).map(|d| d.to_string());
        assert_eq!(d("2026-12-01").unwrap(), "2026-12-01");
        assert_eq!(d("2026/12/1").unwrap(), "2026-12-01");
        assert_eq!(d("2026年12月1日").unwrap(), "2026-12-01");
        assert_eq!(d("+3天").unwrap(), d("+3d").unwrap());
        assert_eq!(d("+2周").unwrap(), d("+2w").unwrap());
        assert_eq!(d("+1个月").unwrap(), d("+1m").unwrap());
        assert_eq!(d("today").unwrap(), "2026-11-22");
        assert_eq!(d("Tomorrow").unwrap(), "2026-11-23");
        assert_eq!(d("+3d").unwrap(), "2026-11-25");
        assert_eq!(d("+2w").unwrap(), "2026-12-06");
        assert_eq!(d("+1m").unwrap(), "2026-12-22");
        assert_eq!(d("-1y").unwrap(), "2025-11-22");
        assert!(
            d("2026-02-30")
                .unwrap_err()
                .reason
                .contains("real calendar date")
        );
        let err = d("next week").unwrap_err();
        assert_eq!(err.field, "due");
        assert!(d("+3x").is_err());
        assert!(d("+").is_err());
        assert!(d("").is_err());
    }

    #[test]
    fn instants_in_local_time() {
        let c = clock();
        let t = parse_instant("at", "2026-11-20 09:15", &c).unwrap();
        assert_eq!(format_timestamp(t), "2026-11-20T01:15:00.000Z");
        assert_eq!(parse_instant("at", "now", &c).unwrap(), c.now);
        assert!(parse_instant("at", "whenever", &c).is_err());
    }

    #[test]
    fn birthdays_roll_over_the_year() {
        let from = NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
        let bd = NaiveDate::from_ymd_opt(1990, 1, 2).unwrap();
        assert_eq!(
            next_birthday(bd, from),
            NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()
        );
        let leap = NaiveDate::from_ymd_opt(1992, 2, 29).unwrap();
        assert_eq!(
            next_birthday(leap, from),
            NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()
        );
    }
}
