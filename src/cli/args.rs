//! The command line as clap types. Values that need domain validation (enums, dates, money,
//! phones) arrive as text and are parsed by `domain`, so a bad value is reported with the field's
//! name and the reason, and exits 1 like every other refused input.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
// Every description, option help and heading comes from the catalogue (i18n/*.cat) through
// `localize::localized`; none is written here.
#[command(name = "kehu", version)]
pub struct Cli {
    #[arg(long, global = true, env = "KEHU_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[arg(long, global = true, env = "KEHU_USER", value_name = "NAME")]
    pub user: Option<String>,

    #[arg(long, global = true)]
    pub demo: bool,

    #[arg(long, global = true, value_name = "en|zh")]
    pub lang: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

// Parsed once per run; boxing the big variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    Init {
        #[arg(long)]
        shared: bool,
    },
    #[command(subcommand)]
    Customer(CustomerCmd),
    #[command(subcommand)]
    Contact(ContactCmd),
    Log(LogArgs),
    #[command(subcommand)]
    Interaction(InteractionCmd),
    #[command(subcommand)]
    Todo(TodoCmd),
    #[command(subcommand)]
    Purchase(PurchaseCmd),
    Today {
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        json: bool,
        /// Only the N most urgent rows.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    #[command(subcommand)]
    Ticket(TicketCmd),
    #[command(subcommand)]
    Survey(SurveyCmd),
    #[command(subcommand)]
    Deal(DealCmd),
    #[command(subcommand)]
    Agreement(AgreementCmd),
    #[command(subcommand)]
    Product(ProductCmd),
    #[command(subcommand)]
    Points(PointsCmd),
    #[command(subcommand)]
    Coupon(CouponCmd),
    #[command(subcommand)]
    Campaign(CampaignCmd),
    Report(ReportArgs),
    #[command(subcommand)]
    Import(ImportCmd),
    #[command(subcommand)]
    Export(ExportCmd),
    History {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    Settings {
        #[command(subcommand)]
        action: Option<SettingsCmd>,
    },
    Backup {
        #[arg(long, value_name = "FILE", conflicts_with = "list")]
        out: Option<PathBuf>,
        #[arg(long)]
        list: bool,
    },
    Check,
    Undo {
        #[arg(long, value_name = "ID")]
        change: Option<i64>,
    },
    Batch {
        file: Option<std::path::PathBuf>,
        #[arg(long)]
        atomic: bool,
        #[arg(long = "keep-going", conflicts_with = "atomic")]
        keep_going: bool,
    },
    Restore {
        file: std::path::PathBuf,
        #[arg(long)]
        force: bool,
    },
    Copy {
        from: std::path::PathBuf,
        to: std::path::PathBuf,
    },
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
    Config {
        #[arg(long)]
        edit: bool,
    },
}

#[derive(Debug, Args, Default)]
pub struct CustomerFlags {
    #[arg(long)]
    pub company: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub tier: Option<String>,
    #[arg(long)]
    pub stage: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub industry: Option<String>,
    #[arg(long, value_name = "1-5")]
    pub potential: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[arg(long)]
    pub channel: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub birthday: Option<String>,
    #[arg(long, value_name = "DAYS")]
    pub cadence: Option<String>,
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub needs: Option<String>,
    #[arg(long = "service-needs", value_name = "TEXT")]
    pub service_needs: Option<String>,
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    #[arg(long = "pool-lock", value_name = "yes|no")]
    pub pool_lock: Option<String>,
    #[arg(long = "churn-reason", value_name = "REASON")]
    pub churn_reason: Option<String>,
    #[arg(long = "churn-note", value_name = "TEXT")]
    pub churn_note: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    Add {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        flags: CustomerFlags,
    },
    List {
        #[arg(long)]
        tier: Option<String>,
        #[arg(long)]
        stage: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        archived: bool,
        #[arg(long = "at-risk")]
        at_risk: bool,
        #[arg(long, default_value = "name")]
        sort: String,
        #[arg(long)]
        json: bool,
    },
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    #[command(name = "win-back")]
    WinBack {
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        json: bool,
    },
    Edit {
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        flags: CustomerFlags,
        #[arg(long = "untag", value_name = "TAG")]
        untag: Vec<String>,
        #[arg(long = "clear", value_name = "FIELD")]
        clear: Vec<String>,
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    Archive {
        id: i64,
    },
    Unarchive {
        id: i64,
    },
    Claim {
        id: i64,
    },
    Merge {
        keep: i64,
        other: i64,
        #[arg(long = "take", value_name = "FIELD")]
        take: Vec<String>,
    },
    Erase {
        id: i64,
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
    #[arg(long)]
    pub primary: bool,
}

#[derive(Debug, Subcommand)]
pub enum ContactCmd {
    Add {
        id: i64,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        flags: ContactFlags,
    },
    Edit {
        contact: i64,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        flags: ContactFlags,
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    Delete {
        contact: i64,
    },
    List {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct LogArgs {
    pub id: i64,
    #[arg(long, default_value = "call")]
    pub kind: String,
    #[arg(long)]
    pub summary: String,
    #[arg(long)]
    pub details: Option<String>,
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
    #[arg(long, value_name = "TITLE")]
    pub next: Option<String>,
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
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    Delete {
        entry: i64,
    },
    List {
        id: i64,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TodoCmd {
    Add {
        id: Option<i64>,
        #[arg(long)]
        title: String,
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        due: Option<String>,
        #[arg(long, value_name = "HH:MM")]
        time: Option<String>,
        #[arg(long, value_name = "INTERVAL")]
        every: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long, default_value = "normal")]
        priority: String,
    },
    List {
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        mine: bool,
        #[arg(long, value_name = "ID")]
        customer: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    Done {
        id: i64,
    },
    Cancel {
        id: i64,
    },
    Reopen {
        id: i64,
    },
    Snooze {
        id: i64,
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        until: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PurchaseCmd {
    Add {
        id: i64,
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        product: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_name = "CODE")]
        coupon: Option<String>,
    },
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
        #[arg(long = "if-version", value_name = "N")]
        if_version: Option<i64>,
    },
    Delete {
        entry: i64,
    },
    List {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TicketCmd {
    Open {
        id: i64,
        #[arg(long)]
        summary: String,
        #[arg(long, default_value = "complaint")]
        kind: String,
        #[arg(long, default_value = "normal")]
        severity: String,
        #[arg(long)]
        channel: Option<String>,
        #[arg(long, value_name = "NAME")]
        assignee: Option<String>,
        #[arg(long)]
        department: Option<String>,
    },
    Assign {
        ticket: i64,
        #[arg(long, value_name = "NAME")]
        to: Option<String>,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    Respond {
        ticket: i64,
        #[arg(long)]
        note: String,
        #[arg(long)]
        contact: bool,
    },
    Resolve {
        ticket: i64,
        #[arg(long)]
        note: String,
        #[arg(long)]
        contact: bool,
    },
    Close {
        ticket: i64,
        #[arg(long)]
        note: String,
        #[arg(long)]
        contact: bool,
    },
    List {
        #[arg(long)]
        open: bool,
        #[arg(long, value_name = "NAME")]
        assignee: Option<String>,
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductCmd {
    Add {
        name: String,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        price: Option<String>,
    },
    Edit {
        product: i64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        price: Option<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgreementCmd {
    Add {
        id: i64,
        #[arg(long)]
        title: String,
        #[arg(long, allow_hyphen_values = true)]
        start: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        end: Option<String>,
        #[arg(long, default_value = "0")]
        value: String,
        #[arg(long)]
        renewal: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    Edit {
        agreement: i64,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        start: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        end: Option<String>,
        #[arg(long)]
        value: Option<String>,
        #[arg(long)]
        renewal: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    End {
        agreement: i64,
    },
    List {
        id: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PointsCmd {
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    Redeem {
        id: i64,
        points: i64,
        #[arg(long)]
        reason: String,
    },
    Adjust {
        id: i64,
        #[arg(allow_hyphen_values = true)]
        points: i64,
        #[arg(long)]
        reason: String,
    },
    Referral {
        id: i64,
        #[arg(long, value_name = "ID")]
        referred: i64,
        #[arg(long)]
        note: Option<String>,
    },
}

// Parsed once per run: the size of the issue variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum CouponCmd {
    Issue {
        #[arg(long, value_name = "ID")]
        customer: Option<i64>,
        #[arg(long)]
        tier: Option<String>,
        #[arg(long)]
        stage: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        level: Option<String>,
        #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
        value: Option<String>,
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        percent: Option<String>,
        #[arg(long)]
        code: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        from: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        until: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    Redeem {
        code: String,
        #[arg(long, value_name = "ID")]
        purchase: i64,
    },
    List {
        #[arg(long, value_name = "ID")]
        customer: Option<i64>,
        #[arg(long)]
        open: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SurveyCmd {
    Add {
        id: i64,
        #[arg(long)]
        quality: i64,
        #[arg(long)]
        attitude: i64,
        #[arg(long)]
        speed: i64,
        #[arg(long)]
        comment: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
        #[arg(long, value_name = "TICKET")]
        ticket: Option<i64>,
    },
    List {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DealCmd {
    Add {
        id: i64,
        #[arg(long)]
        title: String,
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        close: Option<String>,
    },
    Move {
        deal: i64,
        stage: String,
    },
    Won {
        deal: i64,
        #[arg(long)]
        purchase: bool,
    },
    Lost {
        deal: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Forecast {
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CampaignCmd {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    Invite {
        campaign: i64,
        #[arg(long = "customer", value_name = "ID")]
        customers: Vec<i64>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        tag: Option<String>,
    },
    Attend {
        campaign: i64,
        id: i64,
    },
    Respond {
        campaign: i64,
        id: i64,
    },
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
    #[arg(long, allow_hyphen_values = true)]
    pub from: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub to: Option<String>,
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub format: FormatFlags,
}

#[derive(Debug, Args, Default)]
#[group(multiple = false)]
pub struct FormatFlags {
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub csv: bool,
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    Plan {
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        csv: bool,
        #[arg(long, conflicts_with = "csv")]
        markdown: bool,
    },
}

/// What every import of rows (CSV, workbook) takes.
#[derive(Debug, clap::Args)]
pub struct RowsImport {
    pub file: std::path::PathBuf,
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    #[arg(
        long = "on-duplicate",
        default_value = "skip",
        value_name = "skip|update|add"
    )]
    pub on_duplicate: String,
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub maps: Vec<String>,
    #[arg(long = "skip-bad")]
    pub skip_bad: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    Csv {
        #[command(flatten)]
        rows: RowsImport,
        #[arg(long, default_value = "auto", value_name = "auto|utf-8|gbk|utf-16")]
        encoding: String,
    },
    Xlsx {
        #[command(flatten)]
        rows: RowsImport,
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
    },
    Vcard {
        #[command(flatten)]
        rows: RowsImport,
    },
    Json {
        file: std::path::PathBuf,
    },
    Undo {
        batch: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    Csv {
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    Json {
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    Xlsx {
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    Vcard {
        #[arg(long, value_name = "FILE", conflicts_with = "dir")]
        out: Option<std::path::PathBuf>,
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    Get {
        key: String,
    },
    Set {
        key: String,
        // A negative number is a value the setting refuses by name, not an unknown option.
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
