//! The records kehu keeps, as plain data.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::enums::*;
use super::input::Recurrence;

/// Who made and last changed a row, and its version for optimistic updates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub version: i64,
}

/// Everything about a customer that a user edits directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFields {
    pub name: String,
    pub company: Option<String>,
    pub kind: CustomerKind,
    pub tier: Tier,
    pub stage: Stage,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub owner: Option<String>,
    pub channel: Option<Channel>,
    pub cadence_days: Option<i64>,
    pub birthday: Option<NaiveDate>,
    pub source: Option<String>,
    pub needs: Option<String>,
    pub service_needs: Option<String>,
    pub custom_fields: BTreeMap<String, String>,
    pub pool_locked: bool,
    /// Why a churned customer left: a word from the team's `churn_reasons` setting. Only while
    /// churned; the stage change's history keeps it after.
    pub churn_reason: Option<String>,
    /// What the customer said, in their words (only while churned).
    pub churn_note: Option<String>,
    /// The customer's industry, as the team names it.
    pub industry: Option<String>,
    /// Cooperation potential (合作潜力), 1–5: the account manager's judgement of how much more
    /// the customer can bring; the value score weighs it (setting `value_potential_weight`).
    pub potential: Option<u8>,
}

impl CustomerFields {
    pub fn named(name: impl Into<String>) -> CustomerFields {
        CustomerFields {
            name: name.into(),
            company: None,
            kind: CustomerKind::B2c,
            tier: Tier::Regular,
            stage: Stage::Lead,
            email: None,
            phone: None,
            city: None,
            address: None,
            owner: None,
            channel: None,
            cadence_days: None,
            birthday: None,
            source: None,
            needs: None,
            service_needs: None,
            custom_fields: BTreeMap::new(),
            pool_locked: false,
            churn_reason: None,
            churn_note: None,
            industry: None,
            potential: None,
        }
    }
}

/// A customer with the figures derived from their records (cached in indexed columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: i64,
    pub fields: CustomerFields,
    pub tags: Vec<String>,
    pub archived_at: Option<String>,
    /// Timestamp of the newest interaction.
    pub last_contact_at: Option<String>,
    /// Earliest due date among open to-dos.
    pub next_due: Option<NaiveDate>,
    /// When the customer last became churned (while they are).
    pub churned_at: Option<String>,
    pub purchase_total: i64,
    pub purchase_count: i64,
    pub last_purchase_on: Option<NaiveDate>,
    /// The value score (RFM), cached; refreshed with purchases and daily.
    pub value: super::rules::ValueScore,
    pub audit: Audit,
}

impl Customer {
    /// Only `fields` and `tags`: no records behind them, no figures, no stamps (what the search
    /// reads, or the list draws, of a customer).
    pub fn bare(id: i64, fields: CustomerFields, tags: Vec<String>) -> Customer {
        Customer {
            id,
            fields,
            tags,
            archived_at: None,
            last_contact_at: None,
            next_due: None,
            churned_at: None,
            purchase_total: 0,
            purchase_count: 0,
            last_purchase_on: None,
            value: Default::default(),
            audit: Audit::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPerson {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub primary: bool,
    pub audit: Audit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFields {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    pub id: i64,
    pub customer_id: i64,
    /// Stored timestamp (UTC).
    pub at: String,
    pub kind: InteractionKind,
    pub summary: String,
    pub details: Option<String>,
    /// Contact with the customer (false for a ticket step no one said was): only contact moves
    /// the last contact.
    pub is_contact: bool,
    /// Contact with the customer while they were churned: an attempt to win them back.
    pub win_back: bool,
    pub audit: Audit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionFields {
    pub at: String,
    pub kind: InteractionKind,
    pub summary: String,
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub title: String,
    pub due: Option<NaiveDate>,
    /// Local time of day, `HH:MM`.
    pub due_time: Option<String>,
    pub priority: Priority,
    pub status: TodoStatus,
    pub assignee: Option<String>,
    pub recurrence: Option<Recurrence>,
    pub done_at: Option<String>,
    pub audit: Audit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodoFields {
    pub customer_id: Option<i64>,
    pub title: String,
    pub due: Option<NaiveDate>,
    pub due_time: Option<String>,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub recurrence: Option<Recurrence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    pub id: i64,
    pub customer_id: i64,
    pub on_date: NaiveDate,
    pub product: Option<String>,
    /// Minor units (fen / cents).
    pub amount: i64,
    pub note: Option<String>,
    pub audit: Audit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseFields {
    pub on_date: NaiveDate,
    pub product: Option<String>,
    pub amount: i64,
    pub note: Option<String>,
}

/// One audited change: who, when, which row, and the changed fields before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEntry {
    pub id: i64,
    pub at: String,
    pub by: String,
    pub table: String,
    pub row_id: i64,
    pub customer_id: Option<i64>,
    pub action: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    /// The change (one write) this entry is part of: what `kehu undo --change` takes.
    pub change_id: Option<i64>,
}

/// Fields that are derived from others and only add noise to a history.
const HIDDEN_FIELDS: &[&str] = &["sort_key", "email_norm", "phone_norm"];

impl ChangeEntry {
    /// The changed fields as `field: before → after`, derived columns left out.
    pub fn describe(&self) -> String {
        let (before, after) = (&self.before, &self.after);
        let empty = serde_json::Map::new();
        let b = before.as_object().unwrap_or(&empty);
        let a = after.as_object().unwrap_or(&empty);
        let mut keys: Vec<&String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| !HIDDEN_FIELDS.contains(&k.as_str()))
            .collect();
        keys.sort();
        keys.dedup();
        let show = |v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => "∅".to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        keys.iter()
            .map(|k| match (b.contains_key(*k), a.contains_key(*k)) {
                (true, true) => format!("{k}: {} → {}", show(b.get(*k)), show(a.get(*k))),
                (false, true) => format!("{k}: {}", show(a.get(*k))),
                _ => format!("{k}: {} → ∅", show(b.get(*k))),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl CustomerFields {
    /// The fields a merge can take from the other customer, by the names the CLI uses.
    pub const MERGE_FIELDS: &'static [&'static str] = &[
        "name",
        "company",
        "kind",
        "tier",
        "stage",
        "email",
        "phone",
        "city",
        "industry",
        "potential",
        "address",
        "owner",
        "channel",
        "cadence",
        "birthday",
        "source",
        "needs",
        "service-needs",
    ];

    /// A field's value as text ("" when empty), for showing two customers side by side.
    pub fn text_of(&self, field: &str) -> String {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        match field {
            "name" => self.name.clone(),
            "company" => o(&self.company),
            "kind" => self.kind.to_string(),
            "tier" => self.tier.to_string(),
            "stage" => self.stage.to_string(),
            "email" => o(&self.email),
            "phone" => o(&self.phone),
            "city" => o(&self.city),
            "industry" => o(&self.industry),
            "potential" => self.potential.map(|p| p.to_string()).unwrap_or_default(),
            "address" => o(&self.address),
            "owner" => o(&self.owner),
            "channel" => self.channel.map(|c| c.to_string()).unwrap_or_default(),
            "cadence" => self.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
            "birthday" => self.birthday.map(|d| d.to_string()).unwrap_or_default(),
            "source" => o(&self.source),
            "needs" => o(&self.needs),
            "service-needs" => o(&self.service_needs),
            _ => String::new(),
        }
    }

    /// Takes `other`'s value for one field (a merge's per-field choice).
    pub fn take_from(
        &mut self,
        other: &CustomerFields,
        field: &str,
    ) -> Result<(), super::InputError> {
        match field {
            "name" => self.name.clone_from(&other.name),
            "company" => self.company.clone_from(&other.company),
            "kind" => self.kind = other.kind,
            "tier" => self.tier = other.tier,
            "stage" => self.stage = other.stage,
            "email" => self.email.clone_from(&other.email),
            "phone" => self.phone.clone_from(&other.phone),
            "city" => self.city.clone_from(&other.city),
            "industry" => self.industry.clone_from(&other.industry),
            "potential" => self.potential = other.potential,
            "address" => self.address.clone_from(&other.address),
            "owner" => self.owner.clone_from(&other.owner),
            "channel" => self.channel = other.channel,
            "cadence" => self.cadence_days = other.cadence_days,
            "birthday" => self.birthday = other.birthday,
            "source" => self.source.clone_from(&other.source),
            "needs" => self.needs.clone_from(&other.needs),
            "service-needs" => self.service_needs.clone_from(&other.service_needs),
            _ => {
                return Err(super::InputError::new(
                    "take",
                    format!(
                        "'{field}' is not a field to take; use one of: {}",
                        Self::MERGE_FIELDS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}
