//! Plain types, vocabularies and rules. No SQL and no terminal here; the current time is passed in.

pub mod churn;
pub mod enums;
pub mod forecast;
pub mod format;
pub mod input;
pub mod loyalty;
pub mod model;
pub mod order;
pub mod pinyin;
pub mod rules;
pub mod settings;
pub mod targets;
pub mod time;

pub use enums::*;
pub use model::*;
pub use time::Clock;

use std::fmt;

/// A value a user typed that cannot be accepted: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: String,
    pub reason: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> InputError {
        InputError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for InputError {
    /// The field by its label in the interface language when it has one (`电话: …`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = crate::i18n::lookup(&format!("field.{}", self.field)).unwrap_or(&self.field);
        write!(f, "{label}: {}", self.reason)
    }
}

impl std::error::Error for InputError {}

/// The key customers are sorted by: case-folded, so `alice` and `Alice` sit together, and
/// Chinese by pinyin (see [`pinyin::sort_key`]). Cached in an indexed column so lists page by
/// (sort key, id) without sorting the table.
pub fn sort_key(name: &str) -> String {
    pinyin::sort_key(name)
}
