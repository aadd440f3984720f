//! Lists a team keeps in its settings — why customers leave (`churn_reasons`), the departments
//! complaints are routed to (`departments`) — and reading an entry as a person types it: the
//! built-in entries are words in the catalogue (`word.<group>.<entry>`), so each reads in the
//! interface language and is accepted in either.

use super::InputError;
use crate::i18n::{Lang, tf, word_in};

/// The reasons a team starts with; each is shown in the interface language (`word.churn.*`).
pub const DEFAULT_REASONS: &str =
    "price; service; quality; competitor; no_longer_needed; closed_down; moved_away; other";

/// The departments a team starts with.
pub const DEFAULT_DEPARTMENTS: &str =
    "customer_service; sales; technical_support; logistics; finance";

/// The list as stored: entries separated by `;` (or `,`, `、`), trimmed, blanks dropped.
pub fn reasons(list: &str) -> Vec<String> {
    entries(list)
}

/// The entries of a stored list.
pub fn entries(list: &str) -> Vec<String> {
    list.split([';', ',', '、', '；', '，'])
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect()
}

/// The setting's validator: at least one reason, each on one line, no repeats.
pub fn validate_list(value: &str) -> Result<String, InputError> {
    validate_entries("churn_reasons", value)
}

/// `departments`' validator.
pub fn validate_departments(value: &str) -> Result<String, InputError> {
    validate_entries("departments", value)
}

fn validate_entries(setting: &str, value: &str) -> Result<String, InputError> {
    let list = entries(value);
    if list.is_empty() {
        return Err(InputError::new(setting, tf("err.churn_reasons_empty", &[])));
    }
    let mut seen: Vec<String> = Vec::new();
    for r in &list {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(r)) {
            return Err(InputError::new(
                setting,
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

/// A department as shown.
pub fn department_shown(department: &str) -> String {
    crate::i18n::word("department", department)
}

/// Reads a typed reason against the team's list: the entry itself, or its word in English or
/// Chinese (`price`, `Price`, `价格`, `no longer needed`), case-insensitively. Refused, naming
/// the list, when it matches none.
pub fn parse(list: &[String], typed: &str) -> Result<String, InputError> {
    parse_in("churn", "churn_reason", "err.churn_reason", list, typed)
}

/// Reads a typed department against the team's `departments`.
pub fn parse_department(list: &[String], typed: &str) -> Result<String, InputError> {
    parse_in("department", "department", "err.department", list, typed)
}

fn parse_in(
    group: &str,
    field: &str,
    message: &str,
    list: &[String],
    typed: &str,
) -> Result<String, InputError> {
    let t = typed.trim();
    let same = |a: &str| a.eq_ignore_ascii_case(t) || a.replace('_', " ").eq_ignore_ascii_case(t);
    list.iter()
        .find(|r| {
            same(r) || same(&word_in(Lang::En, group, r)) || same(&word_in(Lang::Zh, group, r))
        })
        .cloned()
        .ok_or_else(|| {
            InputError::new(
                field,
                tf(
                    message,
                    &[
                        ("text", &t),
                        (
                            "known",
                            &list
                                .iter()
                                .map(|r| crate::i18n::word(group, r))
                                .collect::<Vec<_>>()
                                .join(", "),
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

#[cfg(test)]
mod department_tests {
    use super::*;

    #[test]
    fn departments_are_read_in_either_language() {
        let list = entries(DEFAULT_DEPARTMENTS);
        assert_eq!(
            parse_department(&list, "技术支持").unwrap(),
            "technical_support"
        );
        assert_eq!(
            parse_department(&list, "Technical Support").unwrap(),
            "technical_support"
        );
        assert!(parse_department(&list, "legal").is_err());
    }
}
