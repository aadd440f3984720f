//! The command line as clap types. Values that need domain validation (enums, dates, money,
//! phones) arrive as text and are parsed by `domain`, so a bad value is reported with the field's
//! name and the reason, and exits 1 like every other refused input.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "kehu",
    version,
    about = "kehu (客户) — a keyboard-first client manager for the terminal",
    long_about = "kehu (客户) — a keyboard-first client manager for the terminal.\n\n\
        Run without a subcommand to open the interactive screen. Every command below also works in scripts; \
        add --json to listings for machine-readable output.",
    after_help = "Dates accept 2026-12-01, today, tomorrow, +3d, +2w, +1m. Amounts accept 1200, 1,200.50, ¥1200.\n\
        Try it on sample data: kehu --demo customer list"
)]
pub struct Cli {
    /// Database file [default: $KEHU_DB, else the user data directory]
    #[arg(long, global = true, env = "KEHU_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Who is working: stamped on every change [default: $KEHU_USER, else `user` in the config file, else the login name]
    #[arg(long, global = true, env = "KEHU_USER", value_name = "NAME")]
    pub user: Option<String>,

    /// Use a fresh temporary database filled with demo data (with `init`: load the demo into --db)
    #[arg(long, global = true)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

// Parsed once per run; boxing the big variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database file (and load the demo data with --demo)
    Init {
        /// Make the file and its folder group read/write, for a team folder
        #[arg(long)]
        shared: bool,
    },
    /// Add, list, show, edit, archive or erase customers
    #[command(subcommand)]
    Customer(CustomerCmd),
    /// Contact persons at a business customer
    #[command(subcommand)]
    Contact(ContactCmd),
    /// Log an interaction (call, e-mail, meeting…) and optionally schedule the next follow-up
    Log(LogArgs),
    /// Edit or delete a logged interaction
    #[command(subcommand)]
    Interaction(InteractionCmd),
    /// Follow-up to-dos
    #[command(subcommand)]
    Todo(TodoCmd),
    /// Purchases (transaction history)
    #[command(subcommand)]
    Purchase(PurchaseCmd),
    /// Today's ranked queue: due to-dos, customers past their cadence, birthdays, complaints, late deals
    Today {
        /// Only your customers and to-dos
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        json: bool,
    },
    /// Complaints and service requests
    #[command(subcommand)]
    Ticket(TicketCmd),
    /// Satisfaction surveys
    #[command(subcommand)]
    Survey(SurveyCmd),
    /// Deals through the pipeline
    #[command(subcommand)]
    Deal(DealCmd),
    /// Campaigns and who took part
    #[command(subcommand)]
    Campaign(CampaignCmd),
    /// The figures: conversion, churn, repurchase, revenue, satisfaction, complaints, follow-up
    Report(ReportArgs),
    /// Bring customers in from a spreadsheet, or undo an import
    #[command(subcommand)]
    Import(ImportCmd),
    /// Take everything out: CSV for spreadsheets, JSON for programs
    #[command(subcommand)]
    Export(ExportCmd),
    /// Every change to a customer and their records, newest first
    History {
        /// Customer id
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Show or change team-wide settings (stored in the database)
    Settings {
        #[command(subcommand)]
        action: Option<SettingsCmd>,
    },
    /// Copy the database to a backup file while others keep working
    Backup {
        /// Where to write the copy [default: a dated file in the backups folder beside the database]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check the database's integrity; prints `ok` or the problems
    Check,
    /// Run kehu commands read one per line from FILE (or standard input): each is saved and
    /// acknowledged with `ok LINE` as it goes, or with --atomic all in one transaction
    Batch {
        /// The commands; `-` or nothing reads standard input
        file: Option<std::path::PathBuf>,
        /// All or nothing: one transaction for every line
        #[arg(long)]
        atomic: bool,
        /// Go on after a failed line (without --atomic)
        #[arg(long = "keep-going", conflicts_with = "atomic")]
        keep_going: bool,
    },
    /// Replace the database's contents with a backup (the current contents are kept as a backup)
    Restore {
        /// The backup file to restore
        file: std::path::PathBuf,
        /// Restore even while others have the database open
        #[arg(long)]
        force: bool,
    },
}

/// A customer's editable fields as flags (for `add` and `edit`).
#[derive(Debug, Args, Default)]
pub struct CustomerFlags {
    #[arg(long)]
    pub company: Option<String>,
    /// b2b or b2c
    #[arg(long)]
    pub kind: Option<String>,
    /// vip, regular or potential
    #[arg(long)]
    pub tier: Option<String>,
    /// lead, prospect, customer or churned
    #[arg(long)]
    pub stage: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    /// Account manager [add: default yourself]
    #[arg(long)]
    pub owner: Option<String>,
    /// Add a tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Preferred channel: phone, email, wechat, sms, visit or meeting
    #[arg(long)]
    pub channel: Option<String>,
    /// Birthday (YYYY-MM-DD)
    #[arg(long, allow_hyphen_values = true)]
    pub birthday: Option<String>,
    /// Days between contacts [default: the tier's, from settings]
    #[arg(long, value_name = "DAYS")]
    pub cadence: Option<String>,
    /// Where the customer came from
    #[arg(long)]
    pub source: Option<String>,
    /// Needs and preferences
    #[arg(long, value_name = "TEXT")]
    pub needs: Option<String>,
    /// Service needs
    #[arg(long = "service-needs", value_name = "TEXT")]
    pub service_needs: Option<String>,
    /// Set a custom field (repeatable; an empty VALUE removes it)
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// Protect from returning to the shared pool (yes/no)
    #[arg(long = "pool-lock", value_name = "yes|no")]
    pub pool_lock: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    /// Add a customer
    Add {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        flags: CustomerFlags,
    },
    /// List customers (archived ones are hidden unless --archived)
    List {
        #[arg(long)]
        tier: Option<String>,
        #[arg(long)]
        stage: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        /// Text in name, company, e-mail, city, contact persons or tags; digits match phones
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only customers you own
        #[arg(long)]
        mine: bool,
        /// Include archived customers
        #[arg(long)]
        archived: bool,
        /// Only customers at risk of churning, with the signals
        #[arg(long = "at-risk")]
        at_risk: bool,
        /// Order: name, value (highest first), last-contact (longest ago first), next-due
        #[arg(long, default_value = "name")]
        sort: String,
        #[arg(long)]
        json: bool,
    },
    /// Show one customer with contact persons, recent timeline and open to-dos
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Change a customer's fields
    Edit {
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        flags: CustomerFlags,
        /// Remove a tag (repeatable)
        #[arg(long = "untag", value_name = "TAG")]
        untag: Vec<String>,
        /// Empty a field: company, email, phone, city, address, owner, channel, birthday, cadence,
        /// source, needs, service-needs, or field:KEY (repeatable)
        #[arg(long = "clear", value_name = "FIELD")]
        clear: Vec<String>,
    },
    /// Hide a customer from lists (nothing is deleted)
    Archive { id: i64 },
    /// Bring an archived customer back
    Unarchive { id: i64 },
    /// Take a customer from the shared pool (one with no owner)
    Claim { id: i64 },
    /// Merge OTHER into KEEP: KEEP's values win, its empty fields are filled from OTHER, and all of
    /// OTHER's records move to KEEP before OTHER is removed
    Merge {
        keep: i64,
        other: i64,
        /// Take OTHER's value for this field even where KEEP has one (repeatable): name, company,
        /// kind, tier, stage, email, phone, city, address, owner, channel, cadence, birthday, source,
        /// needs, service-needs
        #[arg(long = "take", value_name = "FIELD")]
        take: Vec<String>,
    },
    /// Permanently remove a customer and everything about them (needs --yes)
    Erase {
        id: i64,
        /// Confirm that the customer and all their records are to be destroyed
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct ContactFlags {
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// Make this the customer's primary contact
    #[arg(long)]
    pub primary: bool,
}

#[derive(Debug, Subcommand)]
pub enum ContactCmd {
    /// Add a contact person to a customer
    Add {
        /// Customer id
        id: i64,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        flags: ContactFlags,
    },
    /// Change a contact person
    Edit {
        /// Contact person id
        contact: i64,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        flags: ContactFlags,
    },
    /// Remove a contact person
    Delete { contact: i64 },
    /// List a customer's contact persons
    List {
        /// Customer id
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Customer id
    pub id: i64,
    /// call, email, meeting, visit, message or note
    #[arg(long, default_value = "call")]
    pub kind: String,
    #[arg(long)]
    pub summary: String,
    #[arg(long)]
    pub details: Option<String>,
    /// When it happened: now, a date, 'YYYY-MM-DD HH:MM', -2d [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Schedule the next follow-up with this title (in the same step)
    #[arg(long, value_name = "TITLE")]
    pub next: Option<String>,
    /// Due date of the next follow-up
    #[arg(
        long,
        value_name = "DATE",
        requires = "next",
        allow_hyphen_values = true
    )]
    pub due: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum InteractionCmd {
    /// Change a logged interaction
    Edit {
        entry: i64,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        summary: Option<String>,
        #[arg(long)]
        details: Option<String>,
        #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
        at: Option<String>,
    },
    /// Delete a logged interaction
    Delete { entry: i64 },
    /// A customer's timeline, newest first
    List {
        /// Customer id
        id: i64,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TodoCmd {
    /// Add a to-do, for a customer or on its own
    Add {
        /// Customer id (optional)
        id: Option<i64>,
        #[arg(long)]
        title: String,
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        due: Option<String>,
        /// Time of day (HH:MM)
        #[arg(long, value_name = "HH:MM")]
        time: Option<String>,
        /// Repeat after completion: 30d, 2w, 1m
        #[arg(long, value_name = "INTERVAL")]
        every: Option<String>,
        /// Who does it [default: yourself]
        #[arg(long)]
        assignee: Option<String>,
        /// low, normal or high
        #[arg(long, default_value = "normal")]
        priority: String,
    },
    /// Open to-dos, overdue first
    List {
        /// Only overdue ones
        #[arg(long)]
        overdue: bool,
        /// Only yours
        #[arg(long)]
        mine: bool,
        /// Only this customer's
        #[arg(long, value_name = "ID")]
        customer: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Mark done (a recurring to-do schedules its next)
    Done { id: i64 },
    /// Cancel
    Cancel { id: i64 },
    /// Move the due date
    Snooze {
        id: i64,
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        until: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PurchaseCmd {
    /// Record a purchase
    Add {
        /// Customer id
        id: i64,
        /// 1200, 1,200.50, ¥1200
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        product: Option<String>,
        /// [default: today]
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Change a purchase
    Edit {
        entry: i64,
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        #[arg(long)]
        product: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Delete a purchase
    Delete { entry: i64 },
    /// A customer's purchases, newest first
    List {
        /// Customer id
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TicketCmd {
    /// Open a complaint or service request (the 24-hour first-response clock starts)
    Open {
        /// Customer id
        id: i64,
        #[arg(long)]
        summary: String,
        /// complaint, inquiry or after_sales
        #[arg(long, default_value = "complaint")]
        kind: String,
        /// low, normal, high or critical
        #[arg(long, default_value = "normal")]
        severity: String,
    },
    /// Record the response (the first one stops the clock); logged on the timeline
    Respond {
        ticket: i64,
        #[arg(long)]
        note: String,
    },
    /// Mark resolved; logged on the timeline
    Resolve {
        ticket: i64,
        #[arg(long)]
        note: String,
    },
    /// Close; logged on the timeline
    Close {
        ticket: i64,
        #[arg(long)]
        note: String,
    },
    /// Tickets, newest first
    List {
        /// Only open and responded ones
        #[arg(long)]
        open: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SurveyCmd {
    /// Record a satisfaction survey: each score 1–5
    Add {
        /// Customer id
        id: i64,
        #[arg(long)]
        quality: i64,
        #[arg(long)]
        attitude: i64,
        #[arg(long)]
        speed: i64,
        #[arg(long)]
        comment: Option<String>,
        /// [default: today]
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
    },
    /// A customer's surveys, newest first
    List {
        /// Customer id
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DealCmd {
    /// Open a deal (stage: qualified)
    Add {
        /// Customer id
        id: i64,
        #[arg(long)]
        title: String,
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// Expected close date
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        close: Option<String>,
    },
    /// Move to a stage: qualified, needs_analysis, proposal, negotiation (won/lost have their own commands)
    Move { deal: i64, stage: String },
    /// Mark won (--purchase also records the purchase)
    Won {
        deal: i64,
        #[arg(long)]
        purchase: bool,
    },
    /// Mark lost, with the reason
    Lost {
        deal: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Deals: open ones first
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CampaignCmd {
    /// Create a campaign
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Invite customers: by id, by search, or by tag
    Invite {
        campaign: i64,
        #[arg(long = "customer", value_name = "ID")]
        customers: Vec<i64>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        tag: Option<String>,
    },
    /// Mark an invited customer as attended
    Attend { campaign: i64, id: i64 },
    /// Mark an invited customer as responded
    Respond { campaign: i64, id: i64 },
    /// Campaigns with their counts
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub plan: Option<ReportCmd>,
    /// First day [default: 29 days before --to]
    #[arg(long, allow_hyphen_values = true)]
    pub from: Option<String>,
    /// Last day [default: today]
    #[arg(long, allow_hyphen_values = true)]
    pub to: Option<String>,
    /// Only this account manager's customers
    #[arg(long)]
    pub owner: Option<String>,
    #[command(flatten)]
    pub format: FormatFlags,
}

#[derive(Debug, Args, Default)]
#[group(multiple = false)]
pub struct FormatFlags {
    #[arg(long)]
    pub json: bool,
    /// For a spreadsheet
    #[arg(long)]
    pub csv: bool,
    /// For pasting into a weekly mail
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// The plan table: one row per customer (contact, last contact, purchases, service needs,
    /// campaigns, next to-do)
    Plan {
        /// Only this account manager's customers
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        csv: bool,
        #[arg(long, conflicts_with = "csv")]
        markdown: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Import customers from a CSV file (UTF-8 with or without BOM, or GBK; comma, semicolon or tab)
    Csv {
        file: std::path::PathBuf,
        /// Check and show what would happen; write nothing
        #[arg(long = "dry-run")]
        dry_run: bool,
        /// A likely duplicate: skip it, update (fill empty fields only) or add it anyway
        #[arg(
            long = "on-duplicate",
            default_value = "skip",
            value_name = "skip|update|add"
        )]
        on_duplicate: String,
        /// Map a column by hand: 'Column=field' (a kehu field, field:KEY, or ignore); repeatable
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        maps: Vec<String>,
        /// Import the good rows and write the bad ones to FILE.bad-rows.csv (default: a bad row stops the import)
        #[arg(long = "skip-bad")]
        skip_bad: bool,
    },
    /// Restore a `kehu export json` file into an empty database: every record, id and date as
    /// exported (to move a whole book to a new file or machine)
    Json { file: std::path::PathBuf },
    /// Undo an import: remove what it added and put back what it changed
    Undo { batch: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Every customer with every field (custom ones too), UTF-8 with BOM for Excel
    Csv {
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Everything: customers, contacts, tags, interactions, to-dos, purchases, tickets, surveys,
    /// deals, campaigns, history
    Json {
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// vCard 4.0 for customers and contact persons, for address books
    Vcard {
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Print one setting's value
    Get { key: String },
    /// Change a setting for the whole team
    Set { key: String, value: String },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
