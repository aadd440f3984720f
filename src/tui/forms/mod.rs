//! Forms: text fields that validate with the same rules as the command line and, when valid,
//! become a `Save` for the store worker. A refused save keeps everything the user typed.

use crate::domain::input::{self, Recurrence};
use crate::domain::{
    Clock, ContactFields, ContactPerson, Customer, CustomerFields, InputError, Interaction,
    InteractionFields, Priority, TicketStatus, Todo, TodoFields, time,
};
use crate::i18n::{t, tf};

use super::worker::Save;

mod build;
mod kinds;
use crate::store::pages::ListFilter;
use build::build;
use kinds::customer_fields;

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
        /// A satisfaction check-back on this complaint.
        ticket: Option<i64>,
    },
    Purchase {
        customer: i64,
    },
    Agreement {
        customer: i64,
    },
    /// Points redeemed, adjusted or a referral bonus.
    Points {
        customer: i64,
    },
    Coupon {
        customer: i64,
    },
    /// An existing purchase, corrected.
    EditPurchase {
        id: i64,
        version: i64,
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
    /// A deal won, recording a purchase of the amount in the form.
    WonDeal {
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

/// A path as typed, with a leading `~` meaning the home folder (as in a shell: the screen has no
/// shell to expand it).
pub fn expand_home(typed: &str) -> std::path::PathBuf {
    let typed = typed.trim();
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    match (typed.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
            home.join(rest.trim_start_matches(['/', '\\']))
        }
        _ => std::path::PathBuf::from(typed),
    }
}

/// Edits (insert, delete, replace a character) that turn `a` into `b`: how close a mistyped name
/// is to a known one (`wnag.lei` is two from `wang.lei`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// One line-editing key applied to `value` with the cursor at character `cursor`: the new value
/// and cursor. Words are runs of non-spaces (CJK text without spaces is one word, as in a shell).
pub fn line_edit(value: &str, cursor: usize, a: crate::tui::action::Action) -> (String, usize) {
    use crate::tui::action::Action;
    let chars: Vec<char> = value.chars().collect();
    let cursor = cursor.min(chars.len());
    let word_start = |from: usize| {
        let mut i = from;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    };
    let word_end = |from: usize| {
        let mut i = from;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        i
    };
    let text = |v: &[char]| v.iter().collect::<String>();
    match a {
        Action::LineStart => (value.to_string(), 0),
        Action::LineEnd => (value.to_string(), chars.len()),
        Action::KillToStart => (text(&chars[cursor..]), 0),
        Action::KillToEnd => (text(&chars[..cursor]), cursor),
        Action::DeleteWordBack => {
            let from = word_start(cursor);
            (text(&[&chars[..from], &chars[cursor..]].concat()), from)
        }
        Action::DeleteForward if cursor < chars.len() => (
            text(&[&chars[..cursor], &chars[cursor + 1..]].concat()),
            cursor,
        ),
        Action::WordLeft => (value.to_string(), word_start(cursor)),
        Action::WordRight => (value.to_string(), word_end(cursor)),
        _ => (value.to_string(), cursor),
    }
}

impl FormKind {
    /// The customer the form saves to, for the kinds that are about one customer.
    pub fn customer(&self) -> Option<i64> {
        match self {
            FormKind::EditCustomer { id, .. } | FormKind::Owner { id, .. } => Some(*id),
            FormKind::Log { customer }
            | FormKind::Contact { customer, .. }
            | FormKind::Survey { customer, .. }
            | FormKind::Purchase { customer }
            | FormKind::Agreement { customer }
            | FormKind::Points { customer }
            | FormKind::Coupon { customer }
            | FormKind::EditPurchase { customer, .. }
            | FormKind::Ticket { customer }
            | FormKind::Deal { customer }
            | FormKind::Attendance { customer } => Some(*customer),
            FormKind::Todo { customer } | FormKind::EditTodo { customer, .. } => *customer,
            _ => None,
        }
    }
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
    /// The value is a default nobody has touched: drawn like a placeholder, and the first key
    /// typed replaces it (`today` + typing `next friday` gives `next friday`).
    pub pristine: bool,
    /// A choice field's values (empty for free text): ←/→ pick one, typing picks by its start,
    /// and a word in either language is accepted.
    pub choices: Vec<Choice>,
    /// Names the field offers (teammates, campaigns): ←/→ go through them, any text is accepted.
    pub suggestions: Vec<String>,
    /// Holds several lines (details, notes): Ctrl-j breaks a line, a paste keeps its lines.
    pub multiline: bool,
}

/// One value of a choice field: what is stored, and the catalogue group of its shown words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub stored: &'static str,
    pub group: &'static str,
}

impl Choice {
    /// The word shown for it in the interface language.
    pub fn shown(&self) -> String {
        crate::i18n::word(self.group, self.stored)
    }

    /// Whether `text` names it: its stored spelling or its word in either language.
    fn named_by(&self, text: &str) -> bool {
        let t = text.trim();
        t.eq_ignore_ascii_case(self.stored)
            || t.eq_ignore_ascii_case(&self.stored.replace('_', " "))
            || crate::i18n::is_word(self.group, self.stored, t)
    }

    /// Whether `text` is the start of one of its names (for type-ahead).
    fn starts(&self, text: &str) -> bool {
        let t = text.trim().to_lowercase();
        !t.is_empty()
            && [
                self.stored.to_string(),
                crate::i18n::word_in(crate::i18n::Lang::En, self.group, self.stored),
                crate::i18n::word_in(crate::i18n::Lang::Zh, self.group, self.stored),
            ]
            .iter()
            .any(|w| w.to_lowercase().starts_with(&t))
    }
}

fn choices_of<T: Copy>(
    all: &[T],
    stored: fn(T) -> &'static str,
    group: &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            stored: stored(*v),
            group,
        })
        .collect()
}

/// The values a field of this form can take, when it is a choice.
fn choices_for(kind: &FormKind, key: &str) -> Vec<Choice> {
    use crate::domain::{
        Channel, CustomerKind, InteractionKind, Priority, Severity, Stage, TicketKind, Tier,
    };
    let customer = matches!(kind, FormKind::NewCustomer | FormKind::EditCustomer { .. });
    let fixed = |values: &[&'static str], group| {
        values
            .iter()
            .map(|v| Choice { stored: v, group })
            .collect::<Vec<_>>()
    };
    match key {
        "kind" if customer => {
            choices_of(CustomerKind::ALL, CustomerKind::as_str, CustomerKind::GROUP)
        }
        "kind"
            if matches!(
                kind,
                FormKind::Log { .. } | FormKind::EditInteraction { .. }
            ) =>
        {
            choices_of(
                InteractionKind::ALL,
                InteractionKind::as_str,
                InteractionKind::GROUP,
            )
        }
        "kind" if matches!(kind, FormKind::Ticket { .. }) => {
            choices_of(TicketKind::ALL, TicketKind::as_str, TicketKind::GROUP)
        }
        "tier" => choices_of(Tier::ALL, Tier::as_str, Tier::GROUP),
        "stage" if customer => choices_of(Stage::ALL, Stage::as_str, Stage::GROUP),
        "channel" => choices_of(Channel::ALL, Channel::as_str, Channel::GROUP),
        "priority" => choices_of(Priority::ALL, Priority::as_str, Priority::GROUP),
        "severity" => choices_of(Severity::ALL, Severity::as_str, Severity::GROUP),
        "action" if matches!(kind, FormKind::Points { .. }) => {
            fixed(&["redeem", "adjust", "referral"], "points_action")
        }
        "duplicates" if matches!(kind, FormKind::Import) => {
            fixed(&["skip", "update", "add"], "duplicates")
        }
        "contact"
            if matches!(
                kind,
                FormKind::TicketProgress { .. } | FormKind::Respond { .. }
            ) =>
        {
            fixed(&["no", "yes"], "yes_no")
        }
        "action" if matches!(kind, FormKind::TicketProgress { .. }) => fixed(
            &["respond", "resolve", "close", "hand_over"],
            "ticket_action",
        ),
        _ => Vec::new(),
    }
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
    /// Opened from the pipeline on this deal: closing or saving returns there.
    pub back_to_deal: Option<i64>,
    /// A name the team does not know yet, confirmed by pressing Enter a second time.
    pub new_name_ok: Option<String>,
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
        pristine: false,
        choices: Vec::new(),
        suggestions: Vec::new(),
        multiline: matches!(
            key,
            "details" | "needs" | "service_needs" | "comment" | "note"
        ),
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Form {
    fn new(title: impl Into<String>, kind: FormKind, mut fields: Vec<Field>) -> Form {
        // In a form that records something new, prefilled values are defaults: typing replaces
        // them. In a form that edits a record, they are the record, and typing edits them.
        let defaults = matches!(
            kind,
            FormKind::NewCustomer
                | FormKind::Log { .. }
                | FormKind::Todo { .. }
                | FormKind::Survey { .. }
                | FormKind::Purchase { .. }
                | FormKind::Agreement { .. }
                | FormKind::Points { .. }
                | FormKind::Coupon { .. }
                | FormKind::Ticket { .. }
                | FormKind::Deal { .. }
                | FormKind::Respond { .. }
                | FormKind::Attendance { .. }
                | FormKind::Invite { .. }
                | FormKind::WonDeal { .. }
                | FormKind::Import
                | FormKind::Contact { existing: None, .. }
        );
        for f in &mut fields {
            f.choices = choices_for(&kind, f.key);
            // A choice shows the word of the interface language (电话, not call).
            if let Some(c) = f.choices.iter().find(|c| c.named_by(&f.value)) {
                f.value = c.shown();
                f.cursor = f.value.chars().count();
            }
            f.pristine = defaults && !f.value.is_empty();
            if f.pristine {
                f.cursor = 0;
            }
        }
        let initial = fields.iter().map(|f| f.value.clone()).collect();
        Form {
            title: title.into(),
            kind,
            fields,
            focus: 0,
            error: None,
            saving: None,
            conflict_version: None,
            back_to_deal: None,
            new_name_ok: None,
            initial,
        }
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
                f.note = Some(tf(
                    "msg.take_theirs",
                    &[("by", &by), ("theirs", &now.value), ("was", &was.value)],
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
    /// Completes the focused path field from the file system (the longest common start of the
    /// names that match, `/` after a folder); returns whether it added anything.
    pub fn complete_path(&mut self) -> bool {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return false;
        };
        let typed = f.value.clone();
        let (folder_typed, start) = match typed.rfind(['/', '\\']) {
            Some(at) => (&typed[..=at], &typed[at + 1..]),
            None => ("", typed.as_str()),
        };
        let folder = if folder_typed.is_empty() {
            std::path::PathBuf::from(".")
        } else {
            expand_home(folder_typed)
        };
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return false;
        };
        let names: Vec<(String, bool)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                // Hidden files only when asked for with a leading dot.
                (name.starts_with(start) && (start.starts_with('.') || !name.starts_with('.')))
                    .then(|| (name, e.path().is_dir()))
            })
            .collect();
        let Some((first, _)) = names.first() else {
            return false;
        };
        let mut common = first.clone();
        for (n, _) in &names[1..] {
            while !n.starts_with(&common) {
                common.pop();
            }
        }
        let mut completed = format!("{folder_typed}{common}");
        if names.len() == 1 && names[0].1 {
            completed.push(std::path::MAIN_SEPARATOR);
        }
        if completed == typed {
            return false;
        }
        f.value = completed;
        f.cursor = f.value.chars().count();
        f.pristine = false;
        f.error = None;
        true
    }

    /// Offers `names` in the fields with this key.
    pub fn suggest(&mut self, key: &str, names: &[String]) {
        for f in self.fields.iter_mut().filter(|f| f.key == key) {
            f.suggestions = names.to_vec();
        }
    }

    /// The stored value a choice field's text names (a word in either language, or its spelling).
    pub fn choice(&self, key: &str) -> Option<&'static str> {
        let f = self.fields.iter().find(|f| f.key == key)?;
        f.choices
            .iter()
            .find(|c| c.named_by(&f.value))
            .map(|c| c.stored)
    }

    /// Replaces a field's default (still a default: typing replaces it).
    pub fn set_default(&mut self, key: &str, value: String) {
        if let Some(i) = self.fields.iter().position(|f| f.key == key) {
            self.fields[i].value = value.clone();
            self.fields[i].cursor = 0;
            self.fields[i].pristine = true;
            if let Some(v) = self.initial.get_mut(i) {
                *v = value;
            }
        }
    }

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
        // In a picker, j and k go through the values (no value starts with either letter).
        if let Some(f) = self.fields.get(self.focus)
            && !f.choices.is_empty()
            && (text == "j" || text == "k")
            && !f.choices.iter().any(|c| c.starts(text))
        {
            self.move_cursor(text == "j");
            return;
        }
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        if f.pristine {
            f.value.clear();
            f.cursor = 0;
            f.pristine = false;
        }
        // One-line fields turn pasted line breaks into spaces; fields of several lines keep them
        // (a Windows CRLF is one break).
        let multiline = f.multiline;
        let clean: String = text
            .replace("\r\n", "\n")
            .chars()
            .map(|c| match c {
                '\n' if multiline => '\n',
                '\n' | '\r' | '\t' => ' ',
                c => c,
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
        if f.pristine {
            f.value.clear();
            f.cursor = 0;
            f.pristine = false;
            return;
        }
        if f.cursor == 0 {
            return;
        }
        if let Some((i, _)) = f.value.char_indices().nth(f.cursor - 1) {
            f.value.remove(i);
            f.cursor -= 1;
        }
        f.error = None;
    }

    /// A line-editing key on the focused field (Ctrl-a/e/u/k/w, Delete, Alt-b/f).
    pub fn edit(&mut self, a: crate::tui::action::Action) {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        f.pristine = false;
        let (value, cursor) = line_edit(&f.value, f.cursor, a);
        if value != f.value {
            f.error = None;
        }
        f.value = value;
        f.cursor = cursor;
    }

    pub fn move_cursor(&mut self, right: bool) {
        if let Some(f) = self.fields.get_mut(self.focus)
            && f.choices.is_empty()
            && !f.suggestions.is_empty()
        {
            // A field with suggestions: ←/→ go through the names.
            let n = f.suggestions.len();
            let at = f.suggestions.iter().position(|x| *x == f.value.trim());
            let next = match (at, right) {
                (Some(i), true) => (i + 1) % n,
                (Some(i), false) => (i + n - 1) % n,
                (None, true) => 0,
                (None, false) => n - 1,
            };
            f.value = f.suggestions[next].clone();
            f.cursor = f.value.chars().count();
            f.pristine = false;
            f.error = None;
            return;
        }
        if let Some(f) = self.fields.get_mut(self.focus)
            && !f.choices.is_empty()
        {
            // In a choice field ←/→ pick the previous or next value.
            let n = f.choices.len();
            let at = f.choices.iter().position(|c| c.named_by(&f.value));
            let next = match (at, right) {
                (Some(i), true) => (i + 1) % n,
                (Some(i), false) => (i + n - 1) % n,
                (None, true) => 0,
                (None, false) => n - 1,
            };
            f.value = f.choices[next].shown();
            f.cursor = f.value.chars().count();
            f.pristine = false;
            f.error = None;
            return;
        }
        if let Some(f) = self.fields.get_mut(self.focus) {
            // Moving into a default means editing it rather than replacing it.
            f.pristine = false;
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
        // Choice fields are read as their stored values: a word in either language, or the
        // unique start of one, names a value. What the user sees is put back afterwards.
        let shown: Vec<String> = self.fields.iter().map(|f| f.value.clone()).collect();
        for f in &mut self.fields {
            if f.choices.is_empty() || f.value.trim().is_empty() {
                continue;
            }
            let exact = f.choices.iter().find(|c| c.named_by(&f.value));
            let started: Vec<&Choice> = f.choices.iter().filter(|c| c.starts(&f.value)).collect();
            if let Some(c) = exact.or(if started.len() == 1 {
                Some(started[0])
            } else {
                None
            }) {
                f.value = c.stored.to_string();
            }
        }
        let save = build(self, clock, &mut errors);
        for (f, v) in self.fields.iter_mut().zip(shown) {
            if f.choices.is_empty() {
                continue;
            }
            f.value = match f.choices.iter().find(|c| c.stored == f.value) {
                // A start that named one value is completed to its word.
                Some(c) if !c.named_by(&v) => c.shown(),
                _ => v,
            };
            f.cursor = f.cursor.min(f.value.chars().count());
        }
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

/// The filter word for the win-back list: churned customers, by value.
fn is_win_back(word: &str) -> bool {
    ["winback", "win-back", "win_back"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
        || word == "挽回"
}

/// Whether a filter asks for the win-back list (which is read by value).
pub fn asks_win_back(text: &str) -> bool {
    text.split_whitespace().any(is_win_back)
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
        } else if word.eq_ignore_ascii_case("archived") || word == "已归档" {
            f.archived = true;
        } else if word.eq_ignore_ascii_case("pool") {
            f.owner = Some(String::new());
        } else if is_win_back(word) {
            f.stage = Some(crate::domain::Stage::Churned);
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
                    "'{word}' is not a tier (vip, regular, potential), a stage (lead, prospect, customer, churned), mine, pool, winback, archived, owner:NAME or tag:NAME"
                ),
            ));
        }
    }
    Ok(f)
}
