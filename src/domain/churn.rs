//! Why customers leave: the team's list of churn reasons (the `churn_reasons` setting) and
//! reading a reason as a person types it.

use super::InputError;
use crate::i18n::{Lang, tf, word_in};

/// The reasons a team starts with; each is shown in the interface language (`word.churn.*`).
pub const DEFAULT_REASONS: &str =
    "price; service; quality; competitor; no_longer_needed; closed_down; moved_away; other";

/// The list as stored: entries separated by `;` (or `,`, `、`), trimmed, blanks dropped.
pub fn reasons(list: &str) -> Vec<String> {
    list.split([';', ',', '、', '；', '，'])
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect()
}

/// The setting's validator: at least one reason, each on one line, no repeats.
pub fn validate_list(value: &str) -> Result<String, InputError> {
    let list = reasons(value);
    if list.is_empty() {
        return Err(InputError::new(
            "churn_reasons",
            tf("err.churn_reasons_empty", &[]),
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for r in &list {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(r)) {
            return Err(InputError::new(
                "churn_reasons",
                tf("err.churn_reason_twice", &[("reason", r)]),
            ));
        }
        seen.push(r.clone());
    }
    Ok(list.join("; "))
}

/// A reason as shown: its word in the interface language for the built-in ones.
pub fn shown(reason: &str) -> String {
    crate::i18n::word("churn", reason)
}

/// Reads a typed reason against the team's list: the entry itself, or its word in English or
/// Chinese (`price`, `Price`, `价格`, `no longer needed`), case-insensitively. Refused, naming
/// the list, when it matches none.
pub fn parse(list: &[String], typed: &str) -> Result<String, InputError> {
    let t = typed.trim();
    let same = |a: &str| a.eq_ignore_ascii_case(t) || a.replace('_', " ").eq_ignore_ascii_case(t);
    list.iter()
        .find(|r| {
            same(r) || same(&word_in(Lang::En, "churn", r)) || same(&word_in(Lang::Zh, "churn", r))
        })
        .cloned()
        .ok_or_else(|| {
            InputError::new(
                "churn_reason",
                tf(
                    "err.churn_reason",
                    &[
                        ("text", &t),
                        (
                            "known",
                            &list.iter().map(|r| shown(r)).collect::<Vec<_>>().join(", "),
                        ),
                    ],
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_read_in_either_language_and_refused_by_name() {
        let list = reasons(DEFAULT_REASONS);
        assert_eq!(list.len(), 8);
        assert_eq!(parse(&list, "Price").unwrap(), "price");
        assert_eq!(
            parse(&list, "no longer needed").unwrap(),
            "no_longer_needed"
        );
        assert_eq!(parse(&list, "价格").unwrap(), "price");
        let e = parse(&list, "weather").unwrap_err();
        assert_eq!(e.field, "churn_reason");
        assert!(e.reason.contains("weather") && e.reason.contains("competitor"));
        let own = reasons("预算削减、price");
        assert_eq!(parse(&own, "预算削减").unwrap(), "预算削减");
        assert!(validate_list(" ; ").is_err());
        assert!(validate_list("price; PRICE").is_err());
        assert_eq!(validate_list("a,b ; c").unwrap(), "a; b; c");
    }
}
