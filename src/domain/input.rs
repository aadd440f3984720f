//! Validation and normal forms for what users type: names, free text, e-mail, phone numbers,
//! money and recurrence. Every refusal names the field and the reason.

use crate::i18n::tf;
use std::fmt;

use super::InputError;

pub const NAME_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 20_000;

/// Removes control characters (escape sequences, bells, NULs) from a one-line value; line breaks
/// and tabs become spaces. Stored text must never be able to drive a terminal.
pub fn clean_line(text: &str) -> String {
    // Nearly every cell is clean already: one copy of it, not a rebuilt one and a trimmed copy.
    let trimmed = text.trim();
    if !trimmed
        .chars()
        .any(|c| matches!(c, '\n' | '\r' | '\t') || is_unsafe_char(c))
    {
        return trimmed.to_string();
    }
    let mapped: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if is_unsafe_char(c) => None,
            c => Some(c),
        })
        .collect();
    mapped.trim().to_string()
}

/// Like [`clean_line`] but keeps line breaks, for multi-line notes (`\r\n` becomes `\n`).
pub fn clean_text(text: &str) -> String {
    let unified = text.replace("\r\n", "\n");
    let mapped: String = unified
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' | '\r' => Some(' '),
            c if is_unsafe_char(c) => None,
            c => Some(c),
        })
        .collect();
    mapped.trim().to_string()
}

/// Control characters, including the C1 range (0x80–0x9f, where a lone CSI lives) and the
/// bidirectional overrides that can make text display differently from what it is.
fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for the terminal: every unsafe character replaced by a visible `�`, newlines by `⏎` when
/// `one_line`. Used on output as a second line of defence for rows written by other tools.
pub fn for_terminal(text: &str, one_line: bool) -> String {
    let mut out = String::new();
    push_for_terminal(&mut out, text, one_line);
    out
}

/// Whether `text` holds a character [`for_terminal`] replaces: a line break, a tab or an unsafe
/// character. Read as bytes, in UTF-8: a C0 control or DEL is one byte, a C1 control is `C2 80`
/// to `C2 9F`, the bidirectional overrides are `E2 80 AA`–`AE` and `E2 81 A6`–`A9`. Printing half
/// a million table cells spent a tenth of its time decoding characters to ask this.
fn needs_cleaning(text: &str) -> bool {
    let b = text.as_bytes();
    // First whether any byte could start one, without stopping early (which lets the compiler
    // test many bytes at once): nearly every cell has none.
    let maybe = b.iter().fold(false, |any, &x| {
        any | (x < 0x20) | (x == 0x7f) | (x == 0xc2) | (x == 0xe2)
    });
    maybe
        && b.iter().enumerate().any(|(i, &x)| match x {
            0x00..=0x1f | 0x7f => true,
            0xc2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
            0xe2 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0x80), Some(n)) => (0xaa..=0xae).contains(n),
                (Some(0x81), Some(n)) => (0xa6..=0xa9).contains(n),
                _ => false,
            },
            _ => false,
        })
}

/// [`for_terminal`], appended to `out`.
fn push_for_terminal(out: &mut String, text: &str, one_line: bool) {
    // Nearly all stored text has nothing to replace: copied whole.
    if !needs_cleaning(text) {
        out.push_str(text);
        return;
    }
    out.extend(text.chars().map(|c| match c {
        '\n' if one_line => '⏎',
        '\n' => '\n',
        '\t' => ' ',
        c if is_unsafe_char(c) => '�',
        c => c,
    }));
}

/// Text shown with its control characters written out (`\x1b`, `\u{202e}`) — for exports printed
/// to a terminal, where the reader should see exactly what is stored without the terminal acting
/// on it. Line breaks and tabs stay; a CR before a line break (CRLF) is dropped.
pub fn escape_for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => {}
            c if is_unsafe_char(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Stored text made safe for the terminal (see [`for_terminal`]) and cut to at most `max`
/// columns, ending with `…` when cut. Widths are Unicode widths (CJK counts two); a wide
/// character is never split.
pub fn clip(text: &str, max: usize) -> String {
    let mut out = String::new();
    clip_into(&mut out, text, max);
    out
}

/// [`clip`], appended to `out`; returns the columns the appended text takes. Spares a string
/// per cell where many cells are laid end to end (a table of half a million rows).
pub fn clip_into(out: &mut String, text: &str, max: usize) -> usize {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let start = out.len();
    push_for_terminal(out, text, true);
    let width = out[start..].width();
    if width <= max {
        return width;
    }
    // Cut where the next character would leave no room for the ellipsis.
    let mut used = 0;
    let mut end = out.len();
    for (i, c) in out[start..].char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            end = start + i;
            break;
        }
        used += w;
    }
    out.truncate(end);
    out.push('…');
    out[start..].width()
}

/// A customer's or person's name: 1–200 characters after trimming and cleaning.
pub fn name(field: &str, text: &str) -> Result<String, InputError> {
    let cleaned = clean_line(text);
    let n = cleaned.chars().count();
    if n == 0 {
        return Err(InputError::new(
            field,
            crate::i18n::t("err.must_not_be_empty"),
        ));
    }
    if n > NAME_MAX_CHARS {
        return Err(InputError::new(
            field,
            tf("err.too_long", &[("n", &n), ("max", &NAME_MAX_CHARS)]),
        ));
    }
    Ok(cleaned)
}

/// An optional one-line value: `None` when empty after cleaning.
pub fn optional_line(field: &str, text: &str) -> Result<Option<String>, InputError> {
    let cleaned = clean_line(text);
    check_length(field, &cleaned)?;
    Ok(Some(cleaned).filter(|s| !s.is_empty()))
}

/// An optional multi-line value: `None` when empty after cleaning.
pub fn optional_text(field: &str, text: &str) -> Result<Option<String>, InputError> {
    let cleaned = clean_text(text);
    check_length(field, &cleaned)?;
    Ok(Some(cleaned).filter(|s| !s.is_empty()))
}

/// A required one-line value such as a summary or a title.
pub fn required_line(field: &str, text: &str) -> Result<String, InputError> {
    optional_line(field, text)?
        .ok_or_else(|| InputError::new(field, crate::i18n::t("err.must_not_be_empty")))
}

fn check_length(field: &str, text: &str) -> Result<(), InputError> {
    let n = text.chars().count();
    if n > TEXT_MAX_CHARS {
        return Err(InputError::new(
            field,
            tf("err.too_long", &[("n", &n), ("max", &TEXT_MAX_CHARS)]),
        ));
    }
    Ok(())
}

/// An e-mail address: returns (as typed, trimmed; normal form in lower case).
pub fn email(text: &str) -> Result<(String, String), InputError> {
    let t = clean_line(text);
    let bad = |why: &str| InputError::new("email", format!("'{t}' {why}"));
    if t.len() > 254 {
        return Err(bad(crate::i18n::t("err.is_longer_than_254_characters")));
    }
    if t.chars().any(char::is_whitespace) {
        return Err(bad(crate::i18n::t("err.contains_a_space")));
    }
    let (local, domain) = t
        .split_once('@')
        .ok_or_else(|| bad(crate::i18n::t("err.has_no")))?;
    if local.is_empty() || domain.contains('@') {
        return Err(bad(crate::i18n::t(
            "err.is_not_a_valid_address_one_with_text_on",
        )));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return Err(bad(crate::i18n::t(
            "err.has_no_valid_domain_after_the_like_examp",
        )));
    }
    let normal = t.to_lowercase();
    Ok((t, normal))
}

/// A phone number as people write it: digits with spaces, dashes, dots and brackets, a leading
/// `+` or `00`, and an optional extension (`x123`, `ext. 123`, `转123`). Returns (as typed;
/// digits-only normal form of the main number, international prefix `00` folded into `+`'s form).
pub fn phone(text: &str) -> Result<(String, String), InputError> {
    let t = clean_line(text);
    let lower = t.to_lowercase();
    let (main, ext) = split_extension(&lower);
    if let Some(ext) = ext
        && (ext.is_empty() || !ext.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(InputError::new(
            "phone",
            tf("err.phone_extension", &[("text", &t)]),
        ));
    }
    let main = main.trim();
    let mut digits = String::new();
    for (i, c) in main.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{3000}' | '（' | '）' => {}
            other => {
                return Err(InputError::new(
                    "phone",
                    tf("err.phone_character", &[("text", &t), ("other", &other)]),
                ));
            }
        }
    }
    let normal = match digits.strip_prefix("00") {
        Some(rest) if !main.starts_with('+') => rest.to_string(),
        _ => digits,
    };
    if normal.len() < 5 {
        return Err(InputError::new(
            "phone",
            tf("err.phone_short", &[("text", &t)]),
        ));
    }
    if normal.len() > 20 {
        return Err(InputError::new(
            "phone",
            tf("err.phone_long", &[("text", &t)]),
        ));
    }
    Ok((t, normal))
}

/// Whether two phone numbers as typed are the same line: the same digits, or one written
/// internationally (`+86 …`, `0086 …`) whose country code (1–3 digits) is all the other lacks,
/// the other's trunk `0` aside (`+44 20 7946 0000` is `020 7946 0000`). Never a shared suffix:
/// `138 1234 5678` is not `139 1234 5678`, `0755-12345678` is not `021-12345678`.
pub fn same_phone(a: &str, b: &str) -> bool {
    let international = |text: &str| {
        let t = text.trim_start();
        t.starts_with('+') || t.starts_with("00")
    };
    let (Ok((_, na)), Ok((_, nb))) = (phone(a), phone(b)) else {
        return false;
    };
    if na == nb {
        return true;
    }
    let with_code = |full: &str, text: &str, national: &str| {
        let national = national.strip_prefix('0').unwrap_or(national);
        international(text)
            && national.len() >= 6
            && full
                .strip_suffix(national)
                .is_some_and(|code| (1..=3).contains(&code.len()) && !code.starts_with('0'))
    };
    with_code(&na, a, &nb) || with_code(&nb, b, &na)
}

fn split_extension(lower: &str) -> (&str, Option<&str>) {
    // Every marker has one of these: most numbers have none, and are done with one pass.
    if !lower.contains(['x', '#', '转']) {
        return (lower, None);
    }
    for marker in ["extension", "ext.", "ext", "转", "x", "#"] {
        if let Some(pos) = lower.find(marker) {
            let ext = lower[pos + marker.len()..]
                .trim()
                .trim_start_matches(['.', ':'])
                .trim();
            return (&lower[..pos], Some(ext));
        }
    }
    (lower, None)
}

/// The digits-only form used to match phone numbers typed in any style (for search).
pub fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Money in minor units (fen / cents). Accepts `1200`, `1200.5`, `1,200.50`, `¥1200`, `$1,200`,
/// `-35` (a refund) and a trailing `元`.
pub fn money(field: &str, text: &str) -> Result<i64, InputError> {
    let t = text.trim();
    let bad = |why: &str| InputError::new(field, format!("'{t}' {why}"));
    let mut body = t.trim_end_matches('元').trim();
    let negative = body.starts_with('-');
    if negative {
        body = body[1..].trim_start();
    }
    let body = body.trim_start_matches(['¥', '￥', '$', '€', '£']).trim();
    if body.is_empty() {
        return Err(bad(crate::i18n::t("err.is_not_an_amount_like_1200_50")));
    }
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, f),
        None => (body, ""),
    };
    if frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad(crate::i18n::t(
            "err.has_more_than_two_decimals_or_a_stray_ch",
        )));
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped_ok || whole.is_empty() && frac.is_empty() {
        return Err(bad(crate::i18n::t(
            "err.is_not_an_amount_like_1200_50_or_1_200_5",
        )));
    }
    let digits: String = groups.concat();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad(crate::i18n::t("err.is_not_an_amount_like_1200_50")));
    }
    let units: i64 = if digits.is_empty() {
        0
    } else {
        digits
            .parse()
            .map_err(|_| bad(crate::i18n::t("err.is_too_large")))?
    };
    let cents: i64 = format!("{frac:0<2}")
        .parse()
        .map_err(|_| bad(crate::i18n::t("err.is_not_an_amount")))?;
    // Capped well below i64 so any realistic number of them still sums without overflow.
    let total = units
        .checked_mul(100)
        .and_then(|u| u.checked_add(cents))
        .filter(|t| *t <= MAX_MONEY_MINOR)
        .ok_or_else(|| bad(crate::i18n::t("err.is_too_large")))?;
    Ok(if negative { -total } else { total })
}

/// The largest amount kehu takes: 100,000,000,000.00 (in minor units).
pub const MAX_MONEY_MINOR: i64 = 10_000_000_000_000;

/// Minor units as a decimal string: `120050` → `1200.50`.
pub fn money_text(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// How often a to-do comes back once done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurrence {
    pub every: u32,
    pub unit: RecurrenceUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceUnit {
    Days,
    Weeks,
    Months,
}

impl RecurrenceUnit {
    pub fn letter(self) -> &'static str {
        match self {
            RecurrenceUnit::Days => "d",
            RecurrenceUnit::Weeks => "w",
            RecurrenceUnit::Months => "m",
        }
    }
}

impl Recurrence {
    /// Parses `30d`, `2w`, `1m` (also `30 days`, `2 weeks`, `1 month`).
    pub fn parse(text: &str) -> Result<Recurrence, InputError> {
        let t = text.trim().to_lowercase();
        let bad = || InputError::new("every", tf("err.recurrence", &[("text", &text.trim())]));
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let every: u32 = t[..split].parse().map_err(|_| bad())?;
        let unit = match t[split..].trim() {
            "d" | "day" | "days" => RecurrenceUnit::Days,
            "w" | "week" | "weeks" => RecurrenceUnit::Weeks,
            "m" | "month" | "months" => RecurrenceUnit::Months,
            _ => return Err(bad()),
        };
        if every == 0 || every > 3650 {
            return Err(InputError::new(
                "every",
                crate::i18n::t("err.must_be_between_1_and_3650"),
            ));
        }
        Ok(Recurrence { every, unit })
    }

    /// The next due date counted from `from` (the completion date).
    pub fn next_after(self, from: chrono::NaiveDate) -> chrono::NaiveDate {
        match self.unit {
            RecurrenceUnit::Days => from + chrono::Duration::days(i64::from(self.every)),
            RecurrenceUnit::Weeks => from + chrono::Duration::weeks(i64::from(self.every)),
            RecurrenceUnit::Months => super::time::add_months_clamped(from, self.every),
        }
    }
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.every, self.unit.letter())
    }
}

/// A custom field assignment `KEY=VALUE` (an empty value removes the key).
pub fn custom_field(text: &str) -> Result<(String, String), InputError> {
    let (k, v) = text
        .split_once('=')
        .ok_or_else(|| InputError::new("field", tf("err.key_value", &[("text", &text)])))?;
    let key = clean_line(k);
    if key.is_empty() {
        return Err(InputError::new(
            "field",
            tf("err.empty_key", &[("text", &text)]),
        ));
    }
    Ok((key, clean_line(v)))
}

/// Cooperation potential: a whole number from 1 to 5 (a trailing "/5" or "★" count also reads).
pub fn potential(text: &str) -> Result<u8, InputError> {
    let t = text.trim();
    let stars = t.chars().filter(|c| *c == '★').count();
    let n = if stars > 0 && t.chars().all(|c| c == '★' || c == '☆') {
        Some(stars)
    } else {
        t.trim_end_matches("/5").trim().parse::<usize>().ok()
    };
    match n {
        Some(n @ 1..=5) => Ok(n as u8),
        _ => Err(InputError::new(
            "potential",
            tf("err.potential", &[("text", &t)]),
        )),
    }
}

/// A follow-up cadence in days.
pub fn cadence_days(text: &str) -> Result<i64, InputError> {
    let t = text.trim().trim_end_matches(['d', 'D']);
    match t.parse::<i64>() {
        Ok(n) if (1..=3650).contains(&n) => Ok(n),
        _ => Err(InputError::new(
            "cadence",
            tf("err.cadence", &[("text", &text.trim())]),
        )),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_byte_test_for_cleaning_agrees_with_the_character_rule_for_every_character() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let by_rule = c == '\n' || c == '\t' || super::is_unsafe_char(c);
            // Alone, and between other text (a match must not depend on where it sits).
            let alone = c.encode_utf8(&mut buf);
            assert_eq!(super::needs_cleaning(alone), by_rule, "{:?}", c);
            assert_eq!(
                super::needs_cleaning(&format!("a{alone}张")),
                by_rule,
                "{:?}",
                c
            );
        }
    }

    #[test]
    fn clean_lines_come_out_as_the_character_by_character_rule_makes_them() {
        let by_rule = |text: &str| -> String {
            let mapped: String = text
                .chars()
                .filter_map(|c| match c {
                    '\n' | '\r' | '\t' => Some(' '),
                    c if super::is_unsafe_char(c) => None,
                    c => Some(c),
                })
                .collect();
            mapped.trim().to_string()
        };
        for text in [
            "",
            "  ",
            "王芳",
            "  Zhang Wei \r\n",
            "a\tb",
            "x \u{85}",
            " \u{1b}[31m red",
            "\u{202e}evil",
            "a\u{0}b",
            "\u{2003}full width space\u{3000}",
            "line\nbreak",
        ] {
            assert_eq!(super::clean_line(text), by_rule(text), "{text:?}");
        }
    }

    #[test]
    fn potential_reads_one_to_five() {
        assert_eq!(super::potential(" 4 ").unwrap(), 4);
        assert_eq!(super::potential("3/5").unwrap(), 3);
        assert_eq!(super::potential("★★☆☆☆").unwrap(), 2);
        for bad in ["0", "6", "high", "", "2.5"] {
            let e = super::potential(bad).unwrap_err();
            assert_eq!(e.field, "potential", "{bad}");
        }
    }

    #[test]
    fn control_characters_are_written_out_for_a_terminal() {
        assert_eq!(
            escape_for_terminal("a\u{1b}]2;PWNED\u{7}\u{1b}[2Jb\r\nc\u{202e}d\u{9b}e"),
            "a\\x1b]2;PWNED\\x07\\x1b[2Jb\nc\\u{202e}d\\x9be"
        );
        assert_eq!(escape_for_terminal("张伟\tok\n"), "张伟\tok\n");
    }

    use super::*;

    #[test]
    fn the_same_phone_is_the_whole_number_with_or_without_its_country_code() {
        let same = [
            ("+86 138 0013 8000", "138 0013 8000"),
            ("0086 138-0013-8000", "13800138000"),
            ("+44 20 7946 0000", "020 7946 0000"),
            ("(021) 6234-5678", "021 6234 5678"),
            ("138 0013 8000", "+86 138 0013 8000"),
        ];
        for (a, b) in same {
            assert!(same_phone(a, b), "{a} = {b}");
        }
        let different = [
            ("13812345678", "13912345678"),
            ("0755-12345678", "021-12345678"),
            ("13812345678", "3812345678"),
            ("+86 13812345678", "+1 13812345678"),
            ("not a phone", "not a phone"),
        ];
        for (a, b) in different {
            assert!(!same_phone(a, b), "{a} ≠ {b}");
        }
    }

    #[test]
    fn control_characters_never_survive() {
        assert_eq!(
            clean_line("Zhang\u{1b}]0;owned\u{7}Wei"),
            "Zhang]0;ownedWei"
        );
        assert_eq!(clean_line(" a\nb\tc "), "a b c");
        assert_eq!(clean_text("line1\r\nline2\u{9b}31m"), "line1\nline231m");
        assert_eq!(for_terminal("a\u{1b}b\nc", true), "a�b⏎c");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", "  张伟  ").unwrap(), "张伟");
        assert_eq!(name("name", "   ").unwrap_err().reason, "must not be empty");
        assert!(name("name", &"x".repeat(200)).is_ok());
        let err = name("name", &"字".repeat(201)).unwrap_err();
        assert!(err.reason.contains("201 characters"), "{}", err.reason);
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" Li.Na@Example.COM ").unwrap(),
            ("Li.Na@Example.COM".into(), "li.na@example.com".into())
        );
        for bad in [
            "li",
            "li@",
            "@x.com",
            "li@x",
            "li na@x.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn phones_in_real_formats() {
        let n = |s: &str| phone(s).map(|(_, n)| n);
        assert_eq!(n("138 0013 8000").unwrap(), "13800138000");
        assert_eq!(n("+86 138-0013-8000").unwrap(), "8613800138000");
        assert_eq!(n("0086 138.0013.8000").unwrap(), "8613800138000");
        assert_eq!(n("(021) 6234-5678").unwrap(), "02162345678");
        assert_eq!(n("+1 (555) 010-9999 x123").unwrap(), "15550109999");
        assert_eq!(n("010-8888 8888 ext. 42").unwrap(), "01088888888");
        assert_eq!(n("10086").unwrap(), "10086");
        assert!(phone("1234").unwrap_err().reason.contains("too few digits"));
        assert!(phone("call me").is_err());
        assert!(phone("555 0101 xabc").is_err());
    }

    #[test]
    fn money_in_real_formats() {
        let m = |s: &str| money("amount", s);
        assert_eq!(m("1200").unwrap(), 120_000);
        assert_eq!(m("1200.5").unwrap(), 120_050);
        assert_eq!(m("1,200.50").unwrap(), 120_050);
        assert_eq!(m("¥1200").unwrap(), 120_000);
        assert_eq!(m("$1,200").unwrap(), 120_000);
        assert_eq!(m("-35").unwrap(), -3_500);
        assert_eq!(m("0.99").unwrap(), 99);
        for bad in [
            "",
            "abc",
            "1.234",
            "12,00",
            "1,2,3",
            "¥",
            "1e5",
            "99999999999999999999",
        ] {
            assert!(m(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(money_text(120_050), "1200.50");
        assert_eq!(money_text(-5), "-0.05");
    }

    #[test]
    fn recurrences() {
        let r = Recurrence::parse("2w").unwrap();
        assert_eq!(r.to_string(), "2w");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(
            Recurrence::parse("1m").unwrap().next_after(d).to_string(),
            "2026-02-28"
        );
        assert_eq!(
            Recurrence::parse("30 days")
                .unwrap()
                .next_after(d)
                .to_string(),
            "2026-03-02"
        );
        assert!(Recurrence::parse("0d").is_err());
        assert!(Recurrence::parse("weekly").is_err());
    }
}
