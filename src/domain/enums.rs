//! The fixed vocabularies of the data model. Each is stored as its lower-case spelling, parsed
//! case-insensitively, and an unknown value is refused with the list of valid ones.

use std::fmt;
use std::str::FromStr;

use super::InputError;

/// Declares a string enum: variants with their stored spelling, plus `FromStr`, `Display`,
/// `as_str` and `ALL`. The field name goes into parse errors so the user learns which flag was wrong.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal, $group:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const FIELD: &'static str = $field;
            /// The catalogue group of its shown words (`word.GROUP.VALUE`).
            pub const GROUP: &'static str = $group;

            /// The word the interface shows for it, in the current language.
            pub fn shown(self) -> String {
                crate::i18n::word($group, self.as_str())
            }

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = InputError;
            fn from_str(s: &str) -> Result<Self, InputError> {
                // The stored form first, as every row read from the database has it.
                if let Some(v) = $name::ALL.iter().copied().find(|v| v.as_str() == s) {
                    return Ok(v);
                }
                let wanted = s.trim().to_lowercase().replace([' ', '-'], "_");
                $name::ALL
                    .iter()
                    .copied()
                    // The shown word in either language is accepted too (`普通` for regular).
                    .find(|v| v.as_str() == wanted || crate::i18n::is_word($group, v.as_str(), s))
                    .ok_or_else(|| InputError::new(
                        $field,
                        crate::i18n::tf(
                            "err.one_of",
                            &[
                                ("text", &s.trim()),
                                ("choices", &$name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")),
                            ],
                        ),
                    ))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// Business or consumer customer.
    CustomerKind, "kind", "kind", { B2b => "b2b", B2c => "b2c" }
);
string_enum!(
    /// The grade a customer is served by.
    Tier, "tier", "tier", { Vip => "vip", Regular => "regular", Potential => "potential" }
);
string_enum!(
    /// Where a customer stands in the relationship.
    Stage, "stage", "stage", { Lead => "lead", Prospect => "prospect", Customer => "customer", Churned => "churned" }
);
string_enum!(
    /// How a customer prefers to be reached.
    Channel, "channel", "channel", {
        Phone => "phone", Email => "email", Wechat => "wechat", Sms => "sms", Visit => "visit", Meeting => "meeting"
    }
);
string_enum!(
    /// What kind of timeline entry an interaction is.
    InteractionKind, "kind", "interaction", {
        Call => "call", Email => "email", Meeting => "meeting", Visit => "visit", Message => "message", Note => "note"
    }
);
string_enum!(
    /// A to-do's life cycle.
    TodoStatus, "status", "todo", { Open => "open", Done => "done", Cancelled => "cancelled" }
);
string_enum!(
    /// How pressing a to-do is.
    Priority, "priority", "priority", { Low => "low", Normal => "normal", High => "high" }
);
string_enum!(
    /// Sales pipeline stages.
    DealStage, "stage", "deal", {
        Qualified => "qualified", NeedsAnalysis => "needs_analysis", Proposal => "proposal",
        Negotiation => "negotiation", Won => "won", Lost => "lost"
    }
);
string_enum!(
    /// What a ticket is about.
    TicketKind, "kind", "ticket", { Complaint => "complaint", Inquiry => "inquiry", AfterSales => "after_sales" }
);
string_enum!(
    /// How serious a ticket is.
    Severity, "severity", "severity", { Low => "low", Normal => "normal", High => "high", Critical => "critical" }
);
string_enum!(
    /// A ticket's life cycle.
    TicketStatus, "status", "ticket_status", { Open => "open", Responded => "responded", Resolved => "resolved", Closed => "closed" }
);

impl InteractionKind {
    /// How getting in touch by `channel` is logged.
    pub fn for_channel(channel: Channel) -> InteractionKind {
        match channel {
            Channel::Phone => InteractionKind::Call,
            Channel::Email => InteractionKind::Email,
            Channel::Wechat | Channel::Sms => InteractionKind::Message,
            Channel::Visit => InteractionKind::Visit,
            Channel::Meeting => InteractionKind::Meeting,
        }
    }
}

impl Tier {
    /// The follow-up cadence used when neither the customer nor the team settings say otherwise.
    pub fn default_cadence_days(self) -> i64 {
        match self {
            Tier::Vip => 30,
            Tier::Regular => 90,
            Tier::Potential => 14,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_case_insensitive_and_errors_list_valid_values() {
        assert_eq!("VIP".parse::<Tier>().unwrap(), Tier::Vip);
        assert_eq!(" WeChat ".parse::<Channel>().unwrap(), Channel::Wechat);
        assert_eq!(
            "needs analysis".parse::<DealStage>().unwrap(),
            DealStage::NeedsAnalysis
        );
        let err = "gold".parse::<Tier>().unwrap_err();
        assert_eq!(err.field, "tier");
        assert!(
            err.reason.contains("vip, regular, potential"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn display_round_trips() {
        for s in Stage::ALL {
            assert_eq!(s.to_string().parse::<Stage>().unwrap(), *s);
        }
    }
}
