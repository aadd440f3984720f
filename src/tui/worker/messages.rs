//! What the screen asks of the store worker and what it answers: the messages that cross the
//! channel between them.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::domain::{
    ContactFields, Customer, CustomerFields, Interaction, InteractionFields, Purchase, Todo,
    TodoFields,
};
use crate::store;
use crate::store::pages::{Cursor, CustomerSort, ListFilter, SearchSource};
use crate::store::today::TodayKind;

use super::super::state::QueueRow;
use super::QueueKey;

/// Where a page of the customer list starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Top,
    Bottom,
    After(Cursor),
    Before(Cursor),
}

/// Everything the screen shows about the selected customer.
#[derive(Debug, Clone)]
pub struct Detail {
    pub customer: Customer,
    pub contacts: Vec<crate::domain::ContactPerson>,
    pub interactions: Vec<Interaction>,
    pub purchases: Vec<Purchase>,
    pub todos: Vec<Todo>,
    /// Value, churn risk, surveys, tickets, deals and campaigns.
    pub workflow: store::profile::Workflow,
}

/// A points movement asked for from the profile.
#[derive(Debug, Clone)]
pub enum PointsAction {
    /// Points spent, and on what.
    Redeem(i64, String),
    /// Points added or taken away, and why.
    Adjust(i64, String),
    /// The customer referred (their number), with a note.
    Referral(i64, Option<String>),
}

/// A change the user asked to save.
#[derive(Debug, Clone)]
pub enum Save {
    /// Undo an earlier change (by its change id), as a new change.
    Undo {
        change: i64,
    },
    /// Undo an import (every customer it added goes, every one it updated is restored).
    UndoImport {
        batch: i64,
    },
    NewCustomer {
        fields: CustomerFields,
        tags: Vec<String>,
    },
    EditCustomer {
        id: i64,
        version: i64,
        fields: CustomerFields,
        tags: Vec<String>,
    },
    Log {
        customer: i64,
        fields: InteractionFields,
        next: Option<TodoFields>,
    },
    EditInteraction {
        id: i64,
        version: i64,
        fields: InteractionFields,
    },
    DeleteInteraction {
        id: i64,
        version: i64,
    },
    AddTodo(TodoFields),
    EditTodo {
        id: i64,
        version: i64,
        fields: TodoFields,
    },
    CompleteTodo {
        id: i64,
        version: i64,
    },
    ReopenTodo {
        id: i64,
        version: i64,
    },
    SnoozeTodo {
        id: i64,
        version: i64,
        until: NaiveDate,
    },
    /// Remember that a queue row that is not a to-do was snoozed.
    SnoozeRow {
        customer: i64,
        kind: TodayKind,
        occasion: String,
        until: NaiveDate,
    },
    AdvanceTicket {
        id: i64,
        version: i64,
        to: crate::domain::TicketStatus,
        note: String,
        /// The step was contact with the customer (it then resets their cadence).
        as_contact: bool,
    },
    OpenTicket {
        customer: i64,
        kind: crate::domain::TicketKind,
        severity: crate::domain::Severity,
        summary: String,
        routing: store::tickets::Routing,
    },
    /// A ticket handed to a colleague and/or department.
    HandOverTicket {
        id: i64,
        version: i64,
        to: Option<String>,
        department: Option<String>,
        note: Option<String>,
    },
    AddSurvey {
        customer: i64,
        quality: i64,
        attitude: i64,
        speed: i64,
        comment: Option<String>,
        /// The complaint this survey checks back on.
        ticket: Option<i64>,
    },
    AddPurchase {
        customer: i64,
        fields: crate::domain::PurchaseFields,
        /// A coupon redeemed against it (its code).
        coupon: Option<String>,
    },
    Points {
        customer: i64,
        action: PointsAction,
    },
    IssueCoupon {
        customer: i64,
        spec: store::coupons::CouponSpec,
    },
    EditPurchase {
        id: i64,
        version: i64,
        fields: crate::domain::PurchaseFields,
    },
    DeletePurchase {
        id: i64,
        version: i64,
    },
    Archive {
        id: i64,
        version: i64,
        archived: bool,
    },
    AddDeal {
        customer: i64,
        title: String,
        amount: i64,
        close: Option<NaiveDate>,
    },
    AddAgreement {
        customer: i64,
        fields: store::agreements::AgreementFields,
    },
    MoveDeal {
        id: i64,
        version: i64,
        stage: crate::domain::DealStage,
        reason: Option<String>,
        purchase: bool,
        /// The purchase's amount, when it is not the deal's.
        amount: Option<i64>,
    },
    /// Merge `other` into `keep`, taking `take`'s fields from `other`.
    Merge {
        keep: i64,
        keep_version: i64,
        other: i64,
        other_version: i64,
        take: Vec<String>,
    },
    /// Mark a customer as attended or responded in a campaign (by name or id).
    MarkCampaign {
        customer: i64,
        campaign: String,
        responded: bool,
    },
    /// Invite customers to a campaign, creating it when `campaign` is a new name.
    Invite {
        campaign: String,
        customers: Vec<i64>,
        filter: Option<ListFilter>,
    },
    AddContact {
        customer: i64,
        fields: ContactFields,
    },
    EditContact {
        id: i64,
        version: i64,
        fields: ContactFields,
    },
}

// Requests are moved through a channel once; boxing the big one would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Request {
    Page {
        seq: u64,
        sort: CustomerSort,
        filter: ListFilter,
        anchor: Anchor,
        limit: usize,
    },
    Detail {
        seq: u64,
        id: i64,
    },
    /// A window of the queue. `fresh` recomputes it (after a change); otherwise the worker pages
    /// through the queue it computed last, so every row is reachable without loading them all
    /// on the screen.
    Queue {
        seq: u64,
        customer: Option<i64>,
        /// The ranked Today queue rather than every open to-do.
        today: bool,
        /// Done and cancelled to-dos (when not `today`).
        closed: bool,
        /// Only this user's customers and to-dos.
        mine: Option<String>,
        fresh: bool,
        /// The row (position in the whole queue) the window should hold.
        around: usize,
        /// Keep the selection on this row wherever it moved (`QueueRow::key`).
        keep: Option<QueueKey>,
    },
    /// Once a day: value cut points and greeting to-dos.
    DailyPass,
    /// Every deal with its customer's name, for the pipeline.
    Deals {
        seq: u64,
    },
    /// Which of these customers are at risk of churning (for the list's marks).
    Risk {
        ids: Vec<i64>,
    },
    /// A customer's change log.
    History {
        id: i64,
    },
    /// Both customers of a merge, to show side by side.
    MergePair {
        keep: i64,
        other: i64,
    },
    /// Import a CSV file (or, with `dry_run`, only check it and preview what would happen).
    Import {
        path: PathBuf,
        on_duplicate: crate::io::import::OnDuplicate,
        dry_run: bool,
        /// Import the good rows and leave the bad ones out (the user chose to, having seen them).
        skip_bad: bool,
        /// Likely duplicates to overwrite, as (line, stored customer id).
        overwrite: Vec<(u64, i64)>,
    },
    /// The dashboard's figures (and the 12-month trend for its charts).
    Report {
        seq: u64,
        period: crate::report::Period,
        owner: Option<String>,
    },
    /// The customers behind one figure.
    Drill {
        seq: u64,
        period: crate::report::Period,
        owner: Option<String>,
        key: &'static str,
        label: String,
    },
    Counts,
    SearchSources,
    /// Fresh search entries for these customers only.
    SearchSourcesFor(Vec<i64>),
    Save {
        token: u64,
        save: Save,
    },
    /// Has another process committed since we last looked?
    Poll,
    /// On a server: say this screen is still here, and ask who else is.
    Presence,
    /// A command line from the `:` palette.
    RunLine(String),
}

#[derive(Debug)]
pub enum Reply {
    /// Who else has the book open ("user@host"), from the server's presence table.
    Others(Vec<String>),
    Page {
        seq: u64,
        anchor: Anchor,
        rows: Vec<Customer>,
        /// Whether the page was full (more may lie beyond it).
        full: bool,
        /// Whether this is the request's last part (the top of the list comes in two).
        done: bool,
    },
    Detail {
        seq: u64,
        id: i64,
        detail: Option<Box<Detail>>,
    },
    Queue {
        seq: u64,
        /// The window of rows, starting at position `offset` of the whole queue.
        rows: Vec<QueueRow>,
        offset: usize,
        /// Rows in the whole queue.
        total: usize,
        /// The position of the selected row.
        selected: usize,
    },
    Deals {
        seq: u64,
        deals: Vec<(store::deals::Deal, String)>,
        /// The team's chance of winning at each open stage, for the forecast.
        odds: crate::domain::forecast::Odds,
    },
    /// The daily pass ran; it created this many greeting to-dos.
    DailyDone {
        created: usize,
        warning: Option<String>,
    },
    /// Of the customers asked about, the ones at risk.
    Risk { asked: Vec<i64>, at_risk: Vec<i64> },
    Report {
        seq: u64,
        report: Box<crate::report::Report>,
        trend: Box<store::reports::Raw>,
    },
    Drill {
        seq: u64,
        label: String,
        rows: Vec<(i64, String, String)>,
    },
    History {
        id: i64,
        entries: Vec<crate::domain::ChangeEntry>,
    },
    MergePair {
        keep: Box<Customer>,
        other: Box<Customer>,
    },
    /// An import's outcome (or preview).
    Imported {
        path: PathBuf,
        on_duplicate: crate::io::import::OnDuplicate,
        dry_run: bool,
        report: Result<Box<crate::io::import::Report>, String>,
    },
    /// How far a long job has got (not an answer to a request).
    Progress { done: usize, total: usize },
    Counts {
        overdue: i64,
        today: i64,
        customers: i64,
        /// The team's cadence per tier: VIP, regular, potential.
        cadences: [i64; 3],
        /// The team's currency (ISO code), for showing amounts.
        currency: String,
        /// Everyone who owns a customer or is assigned a to-do (for owner fields).
        people: Vec<String>,
        /// Campaign names, newest first (for campaign fields).
        campaigns: Vec<String>,
        /// The product list's names (for a purchase's product and a deal's title).
        products: Vec<String>,
    },
    /// Search entries of part of the customers, built where they were read, while more follows
    /// (not an answer: the `SearchRead` that ends it is). `read` tells one reading from another:
    /// the parts of a read that failed are not mixed into the next.
    SearchPart {
        read: u64,
        entries: Vec<crate::search::Entry>,
    },
    /// Every customer has been read (these are the last entries): the index can be built.
    SearchRead {
        read: u64,
        entries: Vec<crate::search::Entry>,
    },
    /// Search entries for changed customers; `gone` were erased, merged away or archived.
    SearchPatch {
        changed: Vec<SearchSource>,
        gone: Vec<i64>,
    },
    /// A save finished; `customer` is the one it concerned (a new customer's id for an add).
    Saved {
        token: u64,
        customer: Option<i64>,
        message: String,
        /// The change it made, for `u` to undo (None for an undo, or when nothing changed).
        change: Option<i64>,
    },
    /// A save was refused; the form that asked keeps its input.
    /// `conflict` holds the version now stored when someone else saved first.
    SaveFailed {
        token: u64,
        error: String,
        conflict: Option<i64>,
        /// For a customer edit that hit a conflict: the customer as now stored, to merge with.
        stored: Option<Box<Customer>>,
        /// The field a refused value belongs to (the store's rules: a churn reason), so the form
        /// shows the reason beside it.
        field: Option<(String, String)>,
    },
    /// Another process wrote to the database: what its change-log entries name.
    Changed(ChangeSet),
    /// A read failed: shown in the status line.
    Error(String),
    /// A palette command finished: what it printed, or why it failed.
    LineDone {
        line: String,
        result: Result<String, String>,
    },
}

/// What other users changed, from the change-log entries since the screen last looked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Customers whose rows or records changed.
    pub customers: Vec<i64>,
    /// Some to-do was added, changed or removed.
    pub todos: bool,
    /// Customers were added or removed, or so much changed that everything should reload.
    pub broad: bool,
    /// Who made the changes, other than this user (this user's own changes from another window
    /// or the daily pass refresh the screen silently).
    pub by: Vec<String>,
}
