//! Everything the screen shows, as plain data. Only `update` changes it; the views only read it.

use std::sync::Arc;

use crate::domain::{Clock, Customer, DealStage, Interaction, Purchase, Tier, Todo};
use crate::store::deals::Deal;
use crate::store::pages::{CustomerSort, ListFilter};
use crate::store::today::TodayRow;

use super::forms::Form;
use super::search::{Hit, Index};
use super::worker::{Detail, Request};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Profile,
    Timeline,
    Queue,
}

impl Pane {
    pub const ORDER: [Pane; 4] = [Pane::List, Pane::Profile, Pane::Timeline, Pane::Queue];
}

/// A window of the customer list, loaded page by page around the selection.
#[derive(Debug, Default)]
pub struct ListState {
    pub rows: Vec<Customer>,
    pub selected: usize,
    /// First row drawn.
    pub offset: usize,
    pub more_before: bool,
    pub more_after: bool,
    pub loading: bool,
    /// Replies for an older request (an earlier sort or filter) are dropped.
    pub seq: u64,
    /// Select this customer when the next page arrives (after a save or a refresh).
    pub want: Option<i64>,
    /// The next page replaces the window (a refresh) instead of extending it.
    pub replace: bool,
    /// Keep this first visible row after a refresh.
    pub keep_offset: Option<usize>,
    /// Rows to move once the page being loaded arrives (negative: up).
    pub owed: isize,
}

#[derive(Default)]
pub struct SearchState {
    /// The search line has the keys.
    pub editing: bool,
    pub text: String,
    pub version: u64,
    /// Ranked results for `text`, with the index they point into.
    pub hits: Option<(Vec<Hit>, Arc<Index>)>,
    /// The query version `hits` answer (older than `version` while a search is running).
    pub answered: u64,
    pub selected: usize,
    pub offset: usize,
}

impl SearchState {
    /// The search line is showing (being typed in, or kept).
    pub fn active(&self) -> bool {
        self.editing || !self.text.is_empty()
    }

    /// The list shows search results instead of the book: something has been typed. An empty
    /// search line shows everyone.
    pub fn filtering(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// One row of the timeline: interactions and purchases, newest first.
#[derive(Debug, Clone)]
pub enum TimelineItem {
    Interaction(Interaction),
    Purchase(Purchase),
}

impl TimelineItem {
    /// The stored time or date used for ordering and grouping by day.
    pub fn sort_key(&self) -> String {
        match self {
            TimelineItem::Interaction(i) => i.at.clone(),
            TimelineItem::Purchase(p) => format!("{}T23:59:59.999Z", p.on_date),
        }
    }
}

/// One row of the queue. An enum from the start: later kinds (cadence reminders, birthdays,
/// complaint clocks, deals) join the same ranked list.
#[derive(Debug, Clone)]
pub enum QueueRow {
    Todo {
        /// Boxed like the Today row's to-do, so both views match one pattern.
        todo: Box<Todo>,
        customer: Option<String>,
    },
    /// A row of the Today queue: a due to-do, a cadence reminder, a birthday, a complaint on the
    /// clock or a late deal, with its urgency and reasons.
    Today(TodayRow),
}

impl QueueRow {
    /// What the row is about, so a reload keeps the selection on the same row.
    pub fn key(&self) -> (&'static str, i64, &str) {
        match self {
            QueueRow::Todo { todo, .. } => ("todo", todo.id, ""),
            QueueRow::Today(r) => match &r.todo {
                Some(todo) => ("todo", todo.id, ""),
                None => (r.kind.as_str(), r.item_id, r.occasion.as_str()),
            },
        }
    }

    pub fn customer_id(&self) -> Option<i64> {
        match self {
            QueueRow::Todo { todo, .. } => todo.customer_id,
            QueueRow::Today(r) => r.customer_id,
        }
    }
}

/// What a question's "yes" does.
#[derive(Debug, Clone)]
pub enum Confirmed {
    Quit,
    /// Quit as soon as the pending saves are written.
    QuitAfterSave,
    DiscardForm,
    DeleteInteraction {
        id: i64,
        version: i64,
        /// What the deletion is, for the quit question while it is on its way.
        what: String,
    },
    DeletePurchase {
        id: i64,
        version: i64,
        what: String,
    },
    Archive {
        id: i64,
        version: i64,
        what: String,
    },
}

/// The dashboard: the report's figures for a period, charts, and the customers behind a figure.
#[derive(Debug)]
pub struct Dashboard {
    pub period: crate::report::Period,
    /// Only the user's own customers.
    pub mine: bool,
    pub report: Option<Box<crate::report::Report>>,
    /// The 12 months up to the period's end, for the charts.
    pub trend: Option<Box<crate::store::reports::Raw>>,
    pub selected: usize,
    /// The customers behind the selected figure: (figure label, rows).
    pub drill: Option<(String, Vec<crate::store::reports::Behind>)>,
    pub drill_selected: usize,
    pub seq: u64,
}

/// The deal pipeline: a column per stage.
#[derive(Debug, Default)]
pub struct Pipeline {
    /// Every deal with its customer's name.
    pub deals: Vec<(Deal, String)>,
    pub column: usize,
    pub row: usize,
    pub loaded: bool,
    /// Select this deal when the deals arrive.
    pub want: Option<i64>,
    /// The chance of winning at each open stage (settings), for the forecast.
    pub odds: crate::domain::forecast::Odds,
}

pub const PIPELINE_STAGES: [DealStage; 6] = [
    DealStage::Qualified,
    DealStage::NeedsAnalysis,
    DealStage::Proposal,
    DealStage::Negotiation,
    DealStage::Won,
    DealStage::Lost,
];

impl Pipeline {
    pub fn column(&self, i: usize) -> Vec<&(Deal, String)> {
        self.deals
            .iter()
            .filter(|(d, _)| Some(d.stage) == PIPELINE_STAGES.get(i).copied())
            .collect()
    }

    pub fn selected(&self) -> Option<&(Deal, String)> {
        self.column(self.column).get(self.row).copied()
    }

    /// The weighted pipeline of the open deals by expected close month, as of `today`.
    pub fn forecast(&self, today: chrono::NaiveDate) -> Vec<crate::domain::forecast::Line> {
        crate::domain::forecast::by_month(
            self.deals
                .iter()
                .map(|(d, _)| (d.stage, d.amount, d.expected_close)),
            &self.odds,
            today,
        )
    }

    /// Keeps the selection on `id` (after a reload or when opened from the queue).
    pub fn select(&mut self, id: i64) {
        for c in 0..PIPELINE_STAGES.len() {
            if let Some(r) = self.column(c).iter().position(|(d, _)| d.id == id) {
                self.column = c;
                self.row = r;
            }
        }
    }
}

/// Merging two customers: the fields where they differ, and which value to keep for each.
#[derive(Debug)]
pub struct MergeView {
    pub keep: Box<Customer>,
    pub other: Box<Customer>,
    /// (field, keep's value, other's value, take other's)
    pub rows: Vec<(&'static str, String, String, bool)>,
    pub selected: usize,
}

/// The import preview: what an import would do, and which likely duplicates are to be
/// overwritten (chosen row by row; nothing else is ever overwritten).
pub struct ImportView {
    pub path: std::path::PathBuf,
    pub on_duplicate: crate::io::import::OnDuplicate,
    /// None while the file is being read.
    pub report: Option<Box<crate::io::import::Report>>,
    /// The likely duplicate under the cursor.
    pub selected: usize,
    /// (line, stored customer id) of the rows whose differing fields replace the stored ones.
    pub overwrite: std::collections::BTreeSet<(u64, i64)>,
}

impl ImportView {
    pub fn new(path: std::path::PathBuf, on_duplicate: crate::io::import::OnDuplicate) -> Self {
        ImportView {
            path,
            on_duplicate,
            report: None,
            selected: 0,
            overwrite: Default::default(),
        }
    }
}

pub enum Modal {
    /// Two customers side by side; Enter merges the other into the kept one.
    Merge(Box<MergeView>),
    /// What an import would do; `y` imports.
    ImportPreview(Box<ImportView>),
    /// A customer's change log, newest first.
    History {
        name: String,
        entries: Option<Vec<crate::domain::ChangeEntry>>,
        scroll: u16,
    },
    Dashboard(Box<Dashboard>),
    Pipeline(Box<Pipeline>),
    Help {
        scroll: u16,
        /// The form help was opened from: it returns, as typed, when help closes.
        behind: Option<Box<Form>>,
    },
    Form(Box<Form>),
    Confirm {
        text: String,
        then: Confirmed,
        form: Option<Box<Form>>,
    },
    /// A timeline entry in full, scrolled this many lines.
    Entry(Box<Interaction>, u16),
    /// The `:` command line: any `kehu` command, run against this database.
    Palette {
        text: String,
        /// Completions of the word being typed (shown; Tab takes the first).
        completions: Vec<String>,
        /// The command is running.
        running: bool,
    },
    /// A text to read whole, scrollable: a command's output, a cut value.
    Text {
        title: String,
        text: String,
        scroll: u16,
    },
}

/// What a mouse click on a spot of the screen means (recorded while drawing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Click {
    Pane(Pane),
    /// A row of the pane, by its position in the pane's whole list.
    Row(Pane, usize),
    /// A key in the hint line.
    Key(super::keymap::Key),
}

/// Something `u` can undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undoable {
    /// A change (one write), by its change id.
    Change(i64),
    /// An import, by its batch (undone the way `kehu import undo` does it).
    Import(i64),
}

/// What a status message reports: a change made, a fact, or something refused or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Done,
    Info,
    Refused,
}

impl Tone {
    /// The symbol drawn before the message, so the tone survives without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Tone::Done => "✓",
            Tone::Info => "ℹ",
            Tone::Refused => "✗",
        }
    }

    /// How long the message stays: a refusal or warning long enough to read twice.
    pub fn lasts(self) -> std::time::Duration {
        std::time::Duration::from_secs(match self {
            Tone::Refused => 12,
            _ => 6,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Message {
    pub text: String,
    pub tone: Tone,
    pub since: std::time::Instant,
}

#[derive(Debug, Default)]
pub struct Status {
    pub message: Option<Message>,
    pub overdue: i64,
    pub due_today: i64,
    pub customers: i64,
    pub waiting: bool,
    /// Whom the wait is for, when kehu's own lock names the holder.
    pub waiting_for: Option<String>,
    /// Teammates who have the database open too ("user@host").
    pub others: Vec<String>,
    /// A long job under way: (done, total).
    pub progress: Option<(usize, usize)>,
}

pub struct State {
    pub focus: Pane,
    /// The pane whose selection the profile and timeline show: the list or the queue, whichever
    /// was focused last, or the profile itself for a customer opened from a figure or a deal.
    pub follows: Pane,
    pub list: ListState,
    pub sort: CustomerSort,
    pub filter: ListFilter,
    pub search: SearchState,
    pub detail: Option<Box<Detail>>,
    pub detail_seq: u64,
    /// The customer the profile and timeline show.
    pub selected_id: Option<i64>,
    pub profile_scroll: u16,
    /// The selected customer is no longer in the book (erased or merged, here or by a teammate).
    pub gone: Option<i64>,
    /// The shown customer (id, name) a teammate just changed: archived or erased is said.
    pub watching: Option<(i64, String)>,
    /// The contact person `C` edits (picked with `[` and `]`).
    pub contact_selected: usize,
    /// The team's follow-up cadence per tier (VIP, regular, potential), from the settings.
    pub cadences: [i64; 3],
    /// The team's currency (ISO code), from the settings.
    pub currency: String,
    /// The keys in force: kehu's, with the user's `[keys]` overrides.
    pub keys: crate::tui::keymap::Keymap,
    /// Teammates the book knows (owners, assignees) and campaign names: what owner, assignee and
    /// campaign fields offer.
    pub people: Vec<String>,
    pub campaigns: Vec<String>,
    /// The product list's names, offered in a purchase's product and a deal's title.
    pub products: Vec<String>,
    pub timeline: Vec<TimelineItem>,
    pub timeline_selected: usize,
    pub queue: Vec<QueueRow>,
    /// The selected row's position in the whole queue (`queue` holds a window of it).
    pub queue_selected: usize,
    /// Where the window `queue` starts in the whole queue, and how many rows the queue has.
    pub queue_offset: usize,
    pub queue_total: usize,
    /// A window is on its way.
    pub queue_loading: bool,
    pub queue_only_selected: bool,
    /// The customer the queue is narrowed to, when it is.
    pub queue_only: Option<i64>,
    /// The queue shows the ranked Today queue (default) or every open to-do.
    pub queue_today: bool,
    /// The open to-dos view shows the done and cancelled ones instead (to reopen them).
    pub queue_closed: bool,
    /// The queue shows only the user's customers and to-dos.
    pub queue_mine: bool,
    pub pipeline_seq: u64,
    /// The customer marked with `M` to be merged into another.
    pub merge_from: Option<(i64, String)>,
    /// Said with the next save's message (e.g. that it merged a teammate's changes).
    pub note_after_save: Option<String>,
    /// Customers known to be at risk of churning (checked for the rows loaded).
    pub at_risk: std::collections::HashSet<i64>,
    pub queue_seq: u64,
    pub modal: Option<Modal>,
    pub status: Status,
    pub user: String,
    pub db_label: String,
    pub clock: Clock,
    /// Requests for the store worker, sent by the event loop after each update.
    pub outbox: Vec<Request>,
    /// Work for the search thread (index builds, patches, queries).
    pub search_jobs: Vec<super::search::Job>,
    pub next_token: u64,
    pub search_index: Option<Arc<Index>>,
    /// Rows the list pane can show, from the last draw (for paging keys).
    pub list_height: usize,
    /// The terminal's rows at the last draw (to stop scrolling at the end of a box).
    pub screen_rows: usize,
    /// Where the last draw put what a click can hit, later entries on top.
    pub clicks: std::cell::RefCell<Vec<(ratatui::layout::Rect, Click)>>,
    pub quit: bool,
    /// Changes sent to the store and not yet answered: (save token, what it is). Token 0 is an
    /// import.
    pub pending: Vec<(u64, String)>,
    /// The user asked to quit once the pending changes are written.
    pub quit_after_save: bool,
    /// Keys wait, in order, for this customer's details (a fast typist's `1` `l` `hello` opens
    /// the log form and types into it, rather than finding "loading…"): the customer and since when.
    pub waiting_for: Option<(i64, std::time::Instant)>,
    /// Set by an action that found the details still loading.
    pub wants_details: bool,
    /// Changes made on this screen, newest last, with what they were, for `u`.
    pub undo_stack: Vec<(Undoable, String)>,
    /// Colours are off (`NO_COLOR`): every cue is drawn with a symbol or a modifier only.
    pub monochrome: bool,
}

impl Status {
    pub fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.message = Some(Message {
            text: text.into(),
            tone,
            since: std::time::Instant::now(),
        });
    }

    /// Clears a message that has been shown long enough; returns whether it did.
    pub fn expire(&mut self) -> bool {
        let old = self
            .message
            .as_ref()
            .is_some_and(|m| m.since.elapsed() >= m.tone.lasts());
        if old {
            self.message = None;
        }
        old
    }
}

impl State {
    /// Notes that a click on `area` means `what` (views call it while drawing).
    pub fn clickable(&self, area: ratatui::layout::Rect, what: Click) {
        self.clicks.borrow_mut().push((area, what));
    }

    /// What a click at (`x`, `y`) hits, the topmost first.
    pub fn clicked(&self, x: u16, y: u16) -> Option<Click> {
        self.clicks
            .borrow()
            .iter()
            .rev()
            .find(|(r, _)| x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)
            .map(|(_, c)| *c)
    }

    pub fn new(user: String, db_label: String, clock: Clock) -> State {
        State {
            focus: Pane::List,
            follows: Pane::List,
            list: ListState::default(),
            sort: CustomerSort::Name,
            filter: ListFilter::default(),
            search: SearchState::default(),
            detail: None,
            detail_seq: 0,
            selected_id: None,
            profile_scroll: 0,
            gone: None,
            watching: None,
            contact_selected: 0,
            cadences: [Tier::Vip, Tier::Regular, Tier::Potential].map(Tier::default_cadence_days),
            currency: "CNY".into(),
            keys: Default::default(),
            people: Vec::new(),
            campaigns: Vec::new(),
            products: Vec::new(),
            timeline: Vec::new(),
            timeline_selected: 0,
            queue: Vec::new(),
            queue_selected: 0,
            queue_offset: 0,
            queue_total: 0,
            queue_loading: false,
            queue_only_selected: false,
            queue_only: None,
            queue_today: true,
            queue_closed: false,
            queue_mine: false,
            pipeline_seq: 0,
            at_risk: Default::default(),
            note_after_save: None,
            merge_from: None,
            queue_seq: 0,
            modal: None,
            status: Status::default(),
            user,
            db_label,
            clock,
            outbox: Vec::new(),
            search_jobs: Vec::new(),
            next_token: 1,
            search_index: None,
            list_height: 10,
            screen_rows: 24,
            clicks: Default::default(),
            quit: false,
            pending: Vec::new(),
            quit_after_save: false,
            monochrome: false,
            undo_stack: Vec::new(),
            waiting_for: None,
            wants_details: false,
        }
    }

    /// The customer under the list's selection as the list shows them (a search result is the
    /// index's short form: the fields the list draws).
    pub fn list_customer(&self) -> Option<std::borrow::Cow<'_, Customer>> {
        if self.search.filtering() {
            let (hits, index) = self.search.hits.as_ref()?;
            let hit = hits.get(self.search.selected)?;
            return index
                .entries
                .get(hit.index)
                .map(|e| std::borrow::Cow::Owned(e.customer()));
        }
        self.list
            .rows
            .get(self.list.selected)
            .map(std::borrow::Cow::Borrowed)
    }

    /// The customer under the list's selection (search results when searching).
    pub fn list_customer_id(&self) -> Option<i64> {
        if self.search.filtering() {
            let (hits, index) = self.search.hits.as_ref()?;
            let hit = hits.get(self.search.selected)?;
            return index.entries.get(hit.index).map(|e| e.id);
        }
        self.list.rows.get(self.list.selected).map(|c| c.id)
    }

    /// The queue's selected row, when its window is loaded.
    pub fn queue_row(&self) -> Option<&QueueRow> {
        self.queue
            .get(self.queue_selected.checked_sub(self.queue_offset)?)
    }

    /// The customer highlighted in the pane the profile follows: the one every key acts on.
    pub fn target_id(&self) -> Option<i64> {
        match self.follows {
            Pane::Queue => self.queue_row().and_then(QueueRow::customer_id),
            Pane::List => self.list_customer_id(),
            // Opened from a figure or a deal: the profile holds its customer.
            _ => self.selected_id,
        }
    }

    /// The customer the panes are about, when its details are loaded and it is still the one
    /// highlighted (a key pressed while the details load must not act on the previous one).
    pub fn current(&self) -> Option<&Customer> {
        self.detail
            .as_ref()
            .map(|d| &d.customer)
            .filter(|c| Some(c.id) == self.selected_id && Some(c.id) == self.target_id())
    }

    /// Days between contacts for this customer: their own cadence, else the team's for the tier.
    /// An amount as people read it: the team's currency symbol and thousands separators.
    pub fn money(&self, minor: i64) -> String {
        crate::domain::format::money(minor, &self.currency)
    }

    pub fn cadence_of(&self, c: &Customer) -> i64 {
        c.fields.cadence_days.unwrap_or(match c.fields.tier {
            Tier::Vip => self.cadences[0],
            Tier::Regular => self.cadences[1],
            Tier::Potential => self.cadences[2],
        })
    }

    /// Days since the last contact, and whether that is past the customer's cadence.
    pub fn days_since_contact(&self, c: &Customer) -> Option<(i64, bool)> {
        let last = self.clock.local_date_of(c.last_contact_at.as_deref()?)?;
        let days = (self.clock.today() - last).num_days();
        Some((days, days > self.cadence_of(c)))
    }

    pub fn filter_label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = self.filter.tier {
            parts.push(t.to_string());
        }
        if let Some(s) = self.filter.stage {
            parts.push(s.to_string());
        }
        match self.filter.owner.as_deref() {
            Some("") => parts.push("pool".into()),
            Some(o) => parts.push(format!("owner:{o}")),
            None => {}
        }
        if let Some(t) = &self.filter.tag {
            parts.push(format!("tag:{t}"));
        }
        if self.filter.archived {
            parts.push("archived".into());
        }
        parts.join(" ")
    }
}
