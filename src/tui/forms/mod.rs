//! Forms: text fields that validate with the same rules as the command line and, when valid,
//! become a `Save` for the store worker. A refused save keeps everything the user typed.

use crate::domain::input::{self, Recurrence};
use crate::domain::{
    Clock, ContactFields, ContactPerson, Customer, CustomerFields, InputError, Interaction,
    InteractionFields, Priority, TicketStatus, Todo, TodoFields, time,
};

use super::worker::Save;

mod build;
use crate::store::pages::ListFilter;
use build::build;

#[derive(Debug, Clone)]
pub enum FormKind {
    NewCustomer,
    EditCustomer {
        id: i64,
        version: i64,
        base: Box<CustomerFields>,
    },
    Log {
        customer: i64,
    },
    Todo {
        customer: Option<i64>,
    },
    EditTodo {
        id: i64,
        version: i64,
        customer: Option<i64>,
    },
    Contact {
        customer: i64,
        existing: Option<(i64, i64)>,
    },
    EditInteraction {
        id: i64,
        version: i64,
    },
    /// Answered by the screen itself: which customers the list shows.
    Filter,
    Respond {
        id: i64,
        version: i64,
    },
    Survey {
        customer: i64,
    },
    Purchase {
        customer: i64,
    },
    Ticket {
        customer: i64,
    },
    Deal {
        customer: i64,
    },
    LostDeal {
        id: i64,
        version: i64,
    },
    TicketProgress {
        id: i64,
        version: i64,
    },
    /// Import a CSV file: answered by the screen (a preview first).
    Import,
    /// Reassign the customer (or claim one from the shared pool).
    Owner {
        id: i64,
        version: i64,
        base: Box<CustomerFields>,
        tags: Vec<String>,
    },
    Attendance {
        customer: i64,
    },
    /// Invite these customers, or everyone the filter matches.
    Invite {
        customers: Vec<i64>,
        filter: Option<ListFilter>,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    /// Cursor position in characters.
    pub cursor: usize,
    pub error: Option<String>,
    /// Shown dimmed when the field is empty.
    pub placeholder: &'static str,
    /// After a conflict: what a teammate saved in this field, and a note saying so.
    pub theirs: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A message about the whole form (e.g. a conflict or a refused save).
    pub error: Option<String>,
    /// The token of the save in flight, if any.
    pub saving: Option<u64>,
    /// After a conflict: the version now stored, so the user may save over it.
    pub conflict_version: Option<i64>,
    initial: Vec<String>,
}

fn field(
    key: &'static str,
    label: &'static str,
    value: impl Into<String>,
    placeholder: &'static str,
) -> Field {
    let value = value.into();
    Field {
        key,
        label,
        cursor: value.chars().count(),
        value,
        error: None,
        placeholder,
        theirs: None,
        note: None,
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Form {
    fn new(title: impl Into<String>, kind: FormKind, fields: Vec<Field>) -> Form {
        let initial = fields.iter().map(|f| f.value.clone()).collect();
        Form {
            title: title.into(),
            kind,
            fields,
            focus: 0,
            error: None,
            saving: None,
            conflict_version: None,
            initial,
        }
    }

    pub fn new_customer(owner: &str) -> Form {
        let mut f = CustomerFields::named("");
        f.owner = Some(owner.to_string());
        Form::new(
            "Add a customer",
            FormKind::NewCustomer,
            customer_fields(&f, &[]),
        )
    }

    pub fn edit_customer(c: &Customer) -> Form {
        Form::new(
            format!("Edit {}", c.fields.name),
            FormKind::EditCustomer {
                id: c.id,
                version: c.audit.version,
                base: Box::new(c.fields.clone()),
            },
            customer_fields(&c.fields, &c.tags),
        )
    }

    pub fn log(customer: i64, name: &str) -> Form {
        let mut form = Form::new(
            format!("Log an interaction with {name}"),
            FormKind::Log { customer },
            vec![
                field(
                    "kind",
                    "Kind",
                    "call",
                    "call, email, meeting, visit, message, note",
                ),
                field("summary", "Summary", "", "what was said or done"),
                field("details", "Details", "", "optional"),
                field("at", "When", "now", "now, 2026-11-20 14:30, -2d"),
                field("next", "Next follow-up", "", "optional: what to do next"),
                field("due", "Due", "", "2026-12-01, tomorrow, +3d, +2w"),
            ],
        );
        // The kind is usually right as it is: start at the summary.
        form.focus = 1;
        form
    }

    pub fn todo(customer: Option<(i64, &str)>, user: &str) -> Form {
        let title = match customer {
            Some((_, name)) => format!("Add a to-do for {name}"),
            None => "Add a to-do".to_string(),
        };
        Form::new(
            title,
            FormKind::Todo {
                customer: customer.map(|(id, _)| id),
            },
            vec![
                field("title", "Title", "", "what to do"),
                field("due", "Due", "", "2026-12-01, today, tomorrow, +3d"),
                field("time", "Time", "", "optional, HH:MM"),
                field("every", "Repeat every", "", "optional: 30d, 2w, 1m"),
                field("priority", "Priority", "normal", "low, normal, high"),
                field("assignee", "Assignee", user, "who does it"),
            ],
        )
    }

    pub fn edit_todo(t: &Todo) -> Form {
        Form::new(
            format!("Edit the to-do: {}", t.title),
            FormKind::EditTodo {
                id: t.id,
                version: t.audit.version,
                customer: t.customer_id,
            },
            vec![
                field("title", "Title", t.title.clone(), "what to do"),
                field(
                    "due",
                    "Due",
                    t.due.map(|d| d.to_string()).unwrap_or_default(),
                    "2026-12-01, today, tomorrow, +3d",
                ),
                field(
                    "time",
                    "Time",
                    t.due_time.clone().unwrap_or_default(),
                    "optional, HH:MM",
                ),
                field(
                    "every",
                    "Repeat every",
                    t.recurrence.map(|r| r.to_string()).unwrap_or_default(),
                    "optional: 30d, 2w, 1m",
                ),
                field(
                    "priority",
                    "Priority",
                    t.priority.to_string(),
                    "low, normal, high",
                ),
                field("assignee", "Assignee", opt(&t.assignee), "who does it"),
            ],
        )
    }

    pub fn contact(customer: i64, existing: Option<&ContactPerson>) -> Form {
        let (title, id, fields) = match existing {
            Some(p) => (
                format!("Edit contact {}", p.name),
                Some((p.id, p.audit.version)),
                [
                    p.name.clone(),
                    opt(&p.title),
                    opt(&p.phone),
                    opt(&p.email),
                    if p.primary { "yes" } else { "no" }.to_string(),
                ],
            ),
            None => (
                "Add a contact person".to_string(),
                None,
                [
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "no".into(),
                ],
            ),
        };
        let [name, job, phone, email, primary] = fields;
        Form::new(
            title,
            FormKind::Contact {
                customer,
                existing: id,
            },
            vec![
                field("name", "Name", name, "required"),
                field("title", "Title", job, "e.g. purchasing manager"),
                field("phone", "Phone", phone, "138 0013 8000"),
                field("email", "Email", email, "name@example.com"),
                field("primary", "Primary", primary, "yes or no"),
            ],
        )
    }

    pub fn edit_interaction(i: &Interaction, clock: &Clock) -> Form {
        Form::new(
            "Edit the entry",
            FormKind::EditInteraction {
                id: i.id,
                version: i.audit.version,
            },
            vec![
                field(
                    "kind",
                    "Kind",
                    i.kind.to_string(),
                    "call, email, meeting, visit, message, note",
                ),
                field("summary", "Summary", i.summary.clone(), "required"),
                field("details", "Details", opt(&i.details), "optional"),
                field("at", "When", clock.local_display(&i.at), "2026-11-20 14:30"),
            ],
        )
    }

    pub fn filter(current: &str) -> Form {
        Form::new(
            "Filter the list",
            FormKind::Filter,
            vec![field(
                "filter",
                "Show",
                current,
                "vip · churned · mine · owner:li.na · pool · tag:重点 — empty: everyone",
            )],
        )
    }

    pub fn respond(id: i64, version: i64, title: &str) -> Form {
        Form::new(
            format!("Respond: {title}"),
            FormKind::Respond { id, version },
            vec![field(
                "note",
                "Response",
                "",
                "what you told or did for the customer",
            )],
        )
    }

    /// Three keystrokes and optional text: each score field takes one digit and moves on.
    pub fn survey(customer: i64, name: &str) -> Form {
        Form::new(
            format!("Satisfaction survey: {name}"),
            FormKind::Survey { customer },
            vec![
                field("quality", "Quality", "", "1–5"),
                field("attitude", "Attitude", "", "1–5"),
                field("speed", "Speed", "", "1–5"),
                field("comment", "Comment", "", "optional"),
            ],
        )
    }

    pub fn purchase(customer: i64, name: &str) -> Form {
        Form::new(
            format!("Record a purchase: {name}"),
            FormKind::Purchase { customer },
            vec![
                field("amount", "Amount", "", "1200, 1,200.50, ¥1200"),
                field("product", "Product", "", "optional"),
                field("date", "Date", "today", "2026-11-20, yesterday, -3d"),
                field("note", "Note", "", "optional"),
            ],
        )
    }

    pub fn ticket(customer: i64, name: &str) -> Form {
        Form::new(
            format!("Complaint or service request: {name}"),
            FormKind::Ticket { customer },
            vec![
                field("summary", "Summary", "", "what went wrong"),
                field(
                    "kind",
                    "Kind",
                    "complaint",
                    "complaint, inquiry, after_sales",
                ),
                field(
                    "severity",
                    "Severity",
                    "normal",
                    "low, normal, high, critical",
                ),
            ],
        )
    }

    pub fn deal(customer: i64, name: &str) -> Form {
        Form::new(
            format!("New deal: {name}"),
            FormKind::Deal { customer },
            vec![
                field("title", "Title", "", "what is being sold"),
                field("amount", "Amount", "", "120000"),
                field("close", "Expected close", "", "2026-12-31, +1m"),
            ],
        )
    }

    /// Moves a ticket on: the next step is proposed (respond, then resolve, then close).
    pub fn ticket_progress(t: &crate::store::tickets::Ticket) -> Form {
        let next = match t.status {
            TicketStatus::Open => "respond",
            TicketStatus::Responded => "resolve",
            _ => "close",
        };
        Form::new(
            format!(
                "{} #{}: {}",
                t.kind.as_str().replace('_', " "),
                t.id,
                t.summary
            ),
            FormKind::TicketProgress {
                id: t.id,
                version: t.audit.version,
            },
            vec![
                field("action", "Action", next, "respond, resolve or close"),
                field("note", "Note", "", "what was done (logged on the timeline)"),
            ],
        )
        .focused(1)
    }

    pub fn import() -> Form {
        Form::new(
            "Import customers from a CSV file",
            FormKind::Import,
            vec![
                field(
                    "path",
                    "File",
                    "",
                    "path to a .csv file (UTF-8 or GBK; comma, semicolon or tab)",
                ),
                field(
                    "duplicates",
                    "Duplicates",
                    "skip",
                    "skip, update (fill empty fields) or add",
                ),
            ],
        )
    }

    /// Reassigns a customer; a customer in the shared pool is offered to the user.
    pub fn owner(c: &Customer, user: &str) -> Form {
        let (title, value) = match &c.fields.owner {
            Some(o) => (
                format!("Reassign {} (owner now: {o})", c.fields.name),
                o.clone(),
            ),
            None => (
                format!("Claim {} from the shared pool", c.fields.name),
                user.to_string(),
            ),
        };
        Form::new(
            title,
            FormKind::Owner {
                id: c.id,
                version: c.audit.version,
                base: Box::new(c.fields.clone()),
                tags: c.tags.clone(),
            },
            vec![field(
                "owner",
                "Owner",
                value,
                "account manager; empty returns them to the pool",
            )],
        )
    }

    /// Marks the customer as having attended (or responded to) a campaign.
    pub fn attendance(customer: i64, latest: Option<&str>) -> Form {
        Form::new(
            "Campaign attendance",
            FormKind::Attendance { customer },
            vec![
                field(
                    "campaign",
                    "Campaign",
                    latest.unwrap_or(""),
                    "name or id of a campaign they were invited to",
                ),
                field("mark", "Mark", "attended", "attended or responded"),
            ],
        )
    }

    fn focused(mut self, i: usize) -> Form {
        self.focus = i.min(self.fields.len() - 1);
        self
    }

    pub fn lost(id: i64, version: i64, title: &str) -> Form {
        Form::new(
            format!("Deal lost: {title}"),
            FormKind::LostDeal { id, version },
            vec![field("reason", "Reason", "", "why it was lost (required)")],
        )
    }

    pub fn invite(customers: Vec<i64>) -> Form {
        let title = format!(
            "Invite the {} customer(s) shown to a campaign",
            customers.len()
        );
        Form::new(
            title,
            FormKind::Invite {
                customers,
                filter: None,
            },
            vec![field(
                "campaign",
                "Campaign",
                "",
                "a new name, or an existing campaign's name or id",
            )],
        )
    }

    pub fn invite_filtered(filter: ListFilter) -> Form {
        Form::new(
            "Invite everyone the filter shows to a campaign",
            FormKind::Invite {
                customers: Vec::new(),
                filter: Some(filter),
            },
            vec![field(
                "campaign",
                "Campaign",
                "",
                "a new name, or an existing campaign's name or id",
            )],
        )
    }

    /// Merges a teammate's save into this customer form after a conflict, field by field: fields
    /// only they changed take their value, fields only the user changed keep the user's, and
    /// fields both changed differently are marked for the user to decide (Ctrl-t takes theirs).
    /// Returns whether any field needs a decision; the form is then based on what is stored.
    pub fn merge_customer(&mut self, stored: &Customer, by: &str) -> bool {
        let FormKind::EditCustomer { base, .. } = &self.kind else {
            return false;
        };
        let original: Vec<Field> = customer_fields(base, &self.initial_tags());
        let theirs: Vec<Field> = customer_fields(&stored.fields, &stored.tags);
        let mut decide = false;
        for f in &mut self.fields {
            let (Some(was), Some(now)) = (
                original.iter().find(|o| o.key == f.key),
                theirs.iter().find(|t| t.key == f.key),
            ) else {
                continue;
            };
            let mine_changed = f.value.trim() != was.value.trim();
            let theirs_changed = now.value.trim() != was.value.trim();
            f.theirs = None;
            f.note = None;
            if theirs_changed && !mine_changed {
                f.value = now.value.clone();
                f.cursor = f.value.chars().count();
            } else if theirs_changed && mine_changed && f.value.trim() != now.value.trim() {
                decide = true;
                f.note = Some(format!(
                    "Ctrl-t takes {by}'s '{}' (was '{}')",
                    now.value, was.value
                ));
                f.theirs = Some(now.value.clone());
            }
        }
        self.kind = FormKind::EditCustomer {
            id: stored.id,
            version: stored.audit.version,
            base: Box::new(stored.fields.clone()),
        };
        self.initial = customer_fields(&stored.fields, &stored.tags)
            .iter()
            .map(|f| f.value.clone())
            .collect();
        self.conflict_version = None;
        decide
    }

    /// The tags as the form first showed them.
    fn initial_tags(&self) -> Vec<String> {
        let i = self
            .fields
            .iter()
            .position(|f| f.key == "tags")
            .unwrap_or(usize::MAX);
        self.initial
            .get(i)
            .map(|t| {
                t.split(", ")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Takes the teammate's value for the focused field (after a conflict).
    pub fn take_theirs(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus)
            && let Some(v) = f.theirs.take()
        {
            f.value = v;
            f.cursor = f.value.chars().count();
            f.note = None;
        }
    }

    /// Has the user typed anything since the form opened?
    pub fn dirty(&self) -> bool {
        self.fields
            .iter()
            .zip(&self.initial)
            .any(|(f, v)| f.value != *v)
    }

    pub fn value(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map_or("", |f| f.value.as_str())
    }

    pub fn insert(&mut self, text: &str) {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        // Fields are one line; pasted line breaks become spaces.
        let clean: String = text
            .chars()
            .map(|c| {
                if c == '\n' || c == '\r' || c == '\t' {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let byte = f
            .value
            .char_indices()
            .nth(f.cursor)
            .map_or(f.value.len(), |(i, _)| i);
        f.value.insert_str(byte, &clean);
        f.cursor += clean.chars().count();
        f.error = None;
        // Survey scores are one digit each: move on as soon as it is typed.
        let score = matches!(f.key, "quality" | "attitude" | "speed");
        if score && matches!(self.kind, FormKind::Survey { .. }) && f.value.chars().count() == 1 {
            self.focus = (self.focus + 1).min(self.fields.len() - 1);
        }
    }

    pub fn backspace(&mut self) {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        if f.cursor == 0 {
            return;
        }
        if let Some((i, _)) = f.value.char_indices().nth(f.cursor - 1) {
            f.value.remove(i);
            f.cursor -= 1;
        }
        f.error = None;
    }

    pub fn move_cursor(&mut self, right: bool) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            let n = f.value.chars().count();
            f.cursor = if right {
                (f.cursor + 1).min(n)
            } else {
                f.cursor.saturating_sub(1)
            };
        }
    }

    pub fn next_field(&mut self, forward: bool) {
        let n = self.fields.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    /// Checks every field; on success returns what to save, otherwise marks the bad fields and
    /// moves the focus to the first one.
    pub fn validate(&mut self, clock: &Clock) -> Option<Save> {
        for f in &mut self.fields {
            f.error = None;
        }
        self.error = None;
        let mut errors: Vec<InputError> = Vec::new();
        let save = build(self, clock, &mut errors);
        if errors.is_empty() {
            return save;
        }
        let mut first = None;
        for e in errors {
            if let Some((i, f)) = self
                .fields
                .iter_mut()
                .enumerate()
                .find(|(_, f)| f.key == e.field)
            {
                f.error = Some(e.reason);
                first = first.or(Some(i));
            } else {
                self.error = Some(e.to_string());
            }
        }
        if let Some(i) = first {
            self.focus = i;
        }
        None
    }
}

fn customer_fields(f: &CustomerFields, tags: &[String]) -> Vec<Field> {
    vec![
        field("name", "Name", f.name.clone(), "required"),
        field("company", "Company", opt(&f.company), ""),
        field("kind", "Kind", f.kind.to_string(), "b2b or b2c"),
        field(
            "tier",
            "Tier",
            f.tier.to_string(),
            "vip, regular, potential",
        ),
        field(
            "stage",
            "Stage",
            f.stage.to_string(),
            "lead, prospect, customer, churned",
        ),
        field(
            "phone",
            "Phone",
            opt(&f.phone),
            "138 0013 8000, +1 (555) 010-9999 x12",
        ),
        field("email", "Email", opt(&f.email), "name@example.com"),
        field("city", "City", opt(&f.city), ""),
        field("address", "Address", opt(&f.address), ""),
        field("owner", "Owner", opt(&f.owner), "account manager"),
        field("tags", "Tags", tags.join(", "), "comma-separated"),
        field(
            "channel",
            "Channel",
            f.channel.map(|c| c.to_string()).unwrap_or_default(),
            "phone, email, wechat, sms, visit, meeting",
        ),
        field(
            "cadence",
            "Cadence (days)",
            f.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
            "empty: the tier's default",
        ),
        field(
            "birthday",
            "Birthday",
            f.birthday.map(|d| d.to_string()).unwrap_or_default(),
            "YYYY-MM-DD",
        ),
        field("source", "Source", opt(&f.source), "where they came from"),
        field("needs", "Needs", opt(&f.needs), "needs and preferences"),
        field("service_needs", "Service needs", opt(&f.service_needs), ""),
    ]
}

/// Stands for the user in a parsed filter until the screen fills in the name.
pub const MINE: &str = "\u{1}mine";

/// `vip`, `churned`, `owner:li.na`, `mine`, `pool`, `tag:重点`, several separated by spaces; empty
/// for all.
pub fn parse_filter(text: &str) -> Result<ListFilter, InputError> {
    let mut f = ListFilter::default();
    for word in text.split_whitespace() {
        if word.eq_ignore_ascii_case("mine") {
            f.owner = Some(MINE.to_string());
        } else if word.eq_ignore_ascii_case("pool") {
            f.owner = Some(String::new());
        } else if let Some(o) = word.strip_prefix("owner:") {
            f.owner = Some(o.to_string());
        } else if let Some(t) = word.strip_prefix("tag:") {
            f.tag = Some(t.to_string());
        } else if let Ok(t) = word.parse() {
            f.tier = Some(t);
        } else if let Ok(st) = word.parse() {
            f.stage = Some(st);
        } else {
            return Err(InputError::new(
                "filter",
                format!(
                    "'{word}' is not a tier (vip, regular, potential), a stage (lead, prospect, customer, churned), owner:NAME or tag:NAME"
                ),
            ));
        }
    }
    Ok(f)
}
