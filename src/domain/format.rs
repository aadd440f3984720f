//! How values are shown to people (not how they are stored or exported): money with the team's
//! currency symbol and thousands separators, mainland mobile numbers grouped 3-4-4, dates in the
//! interface language.

use chrono::{Datelike, NaiveDate};

use crate::i18n::{Lang, lang};

/// The symbol for an ISO currency code; an unknown code is shown as the code and a space.
pub fn currency_symbol(code: &str) -> String {
    match code.trim().to_uppercase().as_str() {
        "CNY" | "RMB" | "JPY" => "¥".into(),
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "HKD" => "HK$".into(),
        "TWD" => "NT$".into(),
        "SGD" => "S$".into(),
        "AUD" => "A$".into(),
        "CAD" => "C$".into(),
        "KRW" => "₩".into(),
        "INR" => "₹".into(),
        other => format!("{other} "),
    }
}

/// `8500000` minor units in CNY → `¥85,000.00`.
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{sign}{}{grouped}.{:02}",
        currency_symbol(currency),
        abs % 100
    )
}

/// Whole currency units, rounded: `¥538,264` (for a narrow column).
pub fn money_whole(minor: i64, currency: &str) -> String {
    let rounded = (minor + minor.signum() * 50) / 100 * 100;
    let text = money(rounded, currency);
    text.strip_suffix(".00").unwrap_or(&text).to_string()
}

/// A mainland China mobile number grouped `138 0013 8000` (with `+86 ` when it was written
/// with the country code); any other number as it was typed.
pub fn phone(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let plus86 = text.trim_start().starts_with("+86") || text.trim_start().starts_with("0086");
    let local = match digits.len() {
        11 => digits.as_str(),
        13 if plus86 && digits.starts_with("86") => &digits[2..],
        15 if plus86 && digits.starts_with("0086") => &digits[4..],
        _ => return text.to_string(),
    };
    let is_mobile = local.starts_with('1') && matches!(local.as_bytes()[1], b'3'..=b'9');
    // Only digits and the usual separators: "138-0013-8000 ext 5" is left alone.
    let plain = text
        .chars()
        .all(|c| c.is_ascii_digit() || " -+().".contains(c));
    if !is_mobile || !plain {
        return text.to_string();
    }
    let grouped = format!("{} {} {}", &local[..3], &local[3..7], &local[7..]);
    if plus86 {
        format!("+86 {grouped}")
    } else {
        grouped
    }
}

/// A calendar date: `2026-11-22`, or `2026年11月22日` in Chinese.
pub fn date(d: NaiveDate) -> String {
    match lang() {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
    }
}

/// A date in this year without the year: `11-22`, or `11月22日` in Chinese.
pub fn short_date(d: NaiveDate) -> String {
    match lang() {
        Lang::Zh => format!("{}月{}日", d.month(), d.day()),
        Lang::En => d.format("%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::set_thread_lang;

    #[test]
    fn money_has_the_symbol_and_thousands() {
        assert_eq!(money(8_500_000, "CNY"), "¥85,000.00");
        assert_eq!(money(99_000, "USD"), "$990.00");
        assert_eq!(money(-123_456_789, "EUR"), "-€1,234,567.89");
        assert_eq!(money(5, "CHF"), "CHF 0.05");
        assert_eq!(money_whole(53_826_450, "CNY"), "¥538,265");
        assert_eq!(money_whole(-149, "USD"), "-$1");
    }

    #[test]
    fn mainland_mobiles_are_grouped() {
        assert_eq!(phone("13800138000"), "138 0013 8000");
        assert_eq!(phone("+86 138-0013-8000"), "+86 138 0013 8000");
        assert_eq!(phone("008613800138000"), "+86 138 0013 8000");
        assert_eq!(phone("+49 30 123456"), "+49 30 123456");
        assert_eq!(phone("010 8888 6666 ext 2"), "010 8888 6666 ext 2");
        assert_eq!(phone("12345678901"), "12345678901", "not a mobile prefix");
    }

    #[test]
    fn the_shown_words_are_accepted_as_input() {
        use crate::domain::{Channel, Stage, Tier};
        assert_eq!("普通".parse::<Tier>(), Ok(Tier::Regular));
        assert_eq!("VIP".parse::<Tier>(), Ok(Tier::Vip));
        assert_eq!("已流失".parse::<Stage>(), Ok(Stage::Churned));
        assert_eq!("微信".parse::<Channel>(), Ok(Channel::Wechat));
        assert!("金牌".parse::<Tier>().is_err());
    }

    #[test]
    fn dates_follow_the_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        set_thread_lang(Some(Lang::Zh));
        assert_eq!(
            (date(d), short_date(d)),
            ("2026年11月22日".into(), "11月22日".into())
        );
        set_thread_lang(Some(Lang::En));
        assert_eq!(
            (date(d), short_date(d)),
            ("2026-11-22".into(), "11-22".into())
        );
        set_thread_lang(None);
    }
}
