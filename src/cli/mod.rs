//! The command line: parse, resolve settings, run one subcommand, map errors to one stderr line
//! and an exit code (1 for refused input or a failed operation, 2 for usage, 0 on a closed pipe).

mod admin;
mod agreements;
pub mod args;
mod batch;
mod configure;
mod customer;
mod localize;
mod loyalty;
mod output;
mod products;
mod reporting;
mod shell;
mod timeline;
mod todo;
mod transfer;
mod views;
mod win_back;
mod workflows;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};

pub use args::Cli;
use args::Command;
pub use output::{Out, fit};

use crate::domain::{Clock, input};
use crate::store::{Ctx, OpenMode, Store};
use crate::{config, demo};

/// What every subcommand works with.
pub struct Env {
    pub store: Store,
    pub ctx: Ctx,
    pub out: Out,
    /// Keeps a `--demo` database alive until the command ends.
    _demo_dir: Option<tempfile::TempDir>,
    /// Whether the process ends with this one command (not a batch, not the screen's palette).
    ends_after: bool,
}

impl Env {
    /// Lets go of a large result. When the process ends with this command it is left to the
    /// end of the process rather than freed piece by piece: half a million rows took a tenth of
    /// a second to free, and left the allocator so much to sort out that closing the database
    /// after took as long again. In a batch or the screen's palette it is freed as usual.
    pub fn let_go<T>(&self, value: T) {
        if self.ends_after {
            std::mem::forget(value);
        }
    }
}

/// The binary's entry point.
pub fn main_entry() -> ExitCode {
    install_panic_hook();
    // The language is needed before parsing: the help text is in it.
    // `args_os`: an argument that is not UTF-8 must reach clap (which names it), not panic here.
    let flag = language_flag(std::env::args_os().map(|a| a.to_string_lossy().into_owned()));
    crate::i18n::set_lang(crate::i18n::detect(
        flag.as_deref(),
        config::config_value("lang"),
    ));
    // A completion script asking for candidates: answered, and nothing else runs.
    shell::answer();
    let cli = match command()
        .try_get_matches()
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let outcome = run(cli);
    // A teammate's abandoned lock that this command took over: said, so nobody wonders.
    for notice in crate::store::lock::take_notices() {
        eprintln!("kehu: warning: {notice}");
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kehu: {}", input::for_terminal(&format!("{e:#}"), true));
            ExitCode::from(1)
        }
    }
}

/// The command line with its help in the user's language.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    shell::with_completers(localize::localized(Cli::command()), "kehu").version(version_text())
}

/// `kehu --version`: the program, the schema it writes, the SQLite it links.
fn version_text() -> String {
    format!(
        "{} (schema {}, SQLite {})",
        env!("CARGO_PKG_VERSION"),
        crate::store::migrate::latest_version(),
        rusqlite::version()
    )
}

/// `--lang X` or `--lang=X` anywhere on the command line.
fn language_flag(args: impl Iterator<Item = String>) -> Option<String> {
    let mut args = args.skip(1);
    while let Some(a) = args.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return args.next();
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_string());
        }
    }
    None
}

/// No panic reaches the user as a backtrace, whatever RUST_BACKTRACE says: one line, exit 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        eprintln!(
            "kehu: {}",
            crate::i18n::tf("cli.internal_error", &[("what", &what)])
        );
    }));
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn user_of(cli: &Cli) -> Result<String> {
    match &cli.user {
        Some(u) => input::optional_line("user", u)?
            .ok_or_else(|| anyhow!("{}", crate::i18n::t("cli.user_empty"))),
        None => Ok(config::config_value("user").unwrap_or_else(config::login_name)),
    }
}

fn db_path(cli: &Cli) -> Result<PathBuf> {
    let path = match &cli.db {
        Some(p) if !p.as_os_str().is_empty() => p.clone(),
        _ => config::config_value("db")
            .map(PathBuf::from)
            .or_else(config::default_db_path)
            .ok_or_else(|| anyhow!("{}", crate::i18n::t("cli.no_data_dir")))?,
    };
    // A server's address is not a file name: taken for one, it made a folder `postgresql:`.
    let text = path.to_string_lossy().to_lowercase();
    if !crate::store::server::is_address(&path)
        && ["postgres:", "postgresql:"]
            .iter()
            .any(|scheme| text.starts_with(scheme))
    {
        bail!(
            "{}",
            crate::i18n::tf("cli.db_is_a_server", &[("db", &path.display())])
        );
    }
    Ok(path)
}

/// A fresh temporary database with the demo data, removed when the command ends.
fn demo_env(ctx: Ctx) -> Result<Env> {
    let dir = tempfile::Builder::new()
        .prefix("kehu-demo-")
        .tempdir()
        .context("cannot create a temporary folder for the demo")?;
    let store = Store::open(
        &dir.path().join("demo.db"),
        OpenMode::Create { shared: false },
        &ctx,
    )?;
    demo::load(&store, &ctx)?;
    let ctx = ctx.with_clock(store.team_clock(ctx.clock));
    Ok(Env {
        store,
        ctx,
        out: Out::new(),
        _demo_dir: Some(dir),
        ends_after: false,
    })
}

/// Plain `kehu`: the interactive screen on the user's database (created on first run), or on a
/// fresh demo database with `--demo`. Without a terminal, the command help instead.
fn open_screen(cli: &Cli, ctx: Ctx) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return admin::no_subcommand(cli);
    }
    if cli.demo {
        let env = demo_env(ctx)?;
        let path = env.store.path().to_path_buf();
        return crate::tui::run(
            &path,
            env.ctx.clone(),
            crate::i18n::t("tui.demo_database").into(),
        );
    }
    let path = db_path(cli)?;
    // Opening reads the file: if a teammate holds kehu's lock, say whom we wait for rather than
    // leave a blank terminal.
    if let Some(holder) = crate::store::lock::current_holder(&path) {
        eprintln!(
            "kehu: {}",
            crate::i18n::tf("status.waiting_for", &[("holder", &holder.describe())])
        );
    }
    let store = Store::open(&path, OpenMode::Create { shared: false }, &ctx)?;
    let ctx = ctx.with_clock(store.team_clock(ctx.clock));
    drop(store);
    let label = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    crate::tui::run(&path, ctx, label)
}

pub fn run(mut cli: Cli) -> Result<()> {
    crate::store::busy_from_env().map_err(|why| anyhow!("{why}"))?;
    let ctx = Ctx::new(user_of(&cli)?, Clock::from_env()?);
    let Some(command) = cli.command.take() else {
        return open_screen(&cli, ctx);
    };
    // Help for the shell: no database needed.
    match command {
        Command::Completions { shell } => return shell::completions(shell),
        Command::Man { dir } => return shell::man(dir.as_deref()),
        Command::Config { edit } => return configure::run(&cli, edit),
        _ => {}
    }
    if let Command::Init { shared } = command {
        return admin::init(&db_path(&cli)?, shared, cli.demo, &ctx);
    }
    // A copy names both its databases; `--db` plays no part.
    if let Command::Copy { from, to } = &command {
        return admin::copy(from, to, &ctx);
    }
    // A damaged database may not even open: restore works on the path.
    if let Command::Restore { file, force } = &command
        && !cli.demo
    {
        return admin::restore(&db_path(&cli)?, file, *force, &ctx);
    }
    let mut env = if cli.demo {
        demo_env(ctx)?
    } else {
        let path = db_path(&cli)?;
        let store = Store::open(&path, OpenMode::Existing, &ctx)?;
        for w in crate::store::guard::warnings(&path) {
            eprintln!("kehu: warning: {w}");
        }
        let ctx = ctx.with_clock(store.team_clock(ctx.clock));
        Env {
            store,
            ctx,
            out: Out::new(),
            _demo_dir: None,
            ends_after: false,
        }
    };
    env.ends_after = !matches!(command, Command::Batch { .. });
    dispatch(&mut env, command)?;
    env.out.flush()?;
    Ok(())
}

/// Runs one command line typed in the screen's `:` palette against the database at `path`, the
/// way `kehu batch` runs a line (same parser, same refusals), and returns what it printed.
pub fn run_line(path: &std::path::Path, ctx: &Ctx, line: &str) -> Result<String> {
    let command = batch::parse_line(&mut command(), line)?;
    let store = Store::open(path, OpenMode::Existing, ctx)?;
    let ctx = ctx.with_clock(store.team_clock(ctx.clock));
    let mut env = Env {
        store,
        ctx,
        out: Out::captured(),
        _demo_dir: None,
        ends_after: false,
    };
    dispatch(&mut env, command)?;
    env.out.flush()?;
    Ok(env.out.text())
}

/// The names of the subcommands (and, after one, of its subcommands), for completing them.
pub fn command_names(first: Option<&str>) -> Vec<String> {
    let cmd = command();
    let level = match first {
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => return Vec::new(),
        },
        None => cmd,
    };
    level
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| {
            !matches!(
                n.as_str(),
                "help" | "batch" | "init" | "restore" | "backup" | "copy"
            )
        })
        .collect()
}

/// Runs one subcommand against an open database (also each line of `kehu batch`).
pub(crate) fn dispatch(env: &mut Env, command: Command) -> Result<()> {
    match command {
        Command::Init { .. } => {} // handled before a database is opened
        Command::Customer(cmd) => customer::run(env, cmd)?,
        Command::Contact(cmd) => customer::contact(env, cmd)?,
        Command::Log(args) => timeline::log(env, args)?,
        Command::Interaction(cmd) => timeline::interaction(env, cmd)?,
        Command::Purchase(cmd) => timeline::purchase(env, cmd)?,
        Command::History { id, json } => timeline::history(env, id, json)?,
        Command::Today { mine, json, limit } => workflows::today(env, mine, json, limit)?,
        Command::Report(args) => reporting::run(env, args)?,
        Command::Import(cmd) => transfer::import(env, cmd)?,
        Command::Export(cmd) => transfer::export(env, cmd)?,
        Command::Ticket(cmd) => workflows::ticket(env, cmd)?,
        Command::Survey(cmd) => workflows::survey(env, cmd)?,
        Command::Deal(cmd) => workflows::deal(env, cmd)?,
        Command::Agreement(cmd) => agreements::run(env, cmd)?,
        Command::Points(cmd) => loyalty::points(env, cmd)?,
        Command::Coupon(cmd) => loyalty::coupons(env, cmd)?,
        Command::Product(cmd) => products::run(env, cmd)?,
        Command::Campaign(cmd) => workflows::campaign(env, cmd)?,
        Command::Todo(cmd) => todo::run(env, cmd)?,
        Command::Settings { action } => admin::settings(env, action)?,
        Command::Backup { out, list } => admin::backup(env, out, list)?,
        Command::Check => admin::check(env)?,
        Command::Undo { change } => admin::undo(env, change)?,
        Command::Restore { file, force } => {
            admin::restore(env.store.path(), &file, force, &env.ctx)?
        }
        Command::Copy { from, to } => admin::copy(&from, &to, &env.ctx)?,
        Command::Batch {
            file,
            atomic,
            keep_going,
        } => batch::run(env, file.as_deref(), atomic, keep_going)?,
        // Answered before a database is opened.
        Command::Completions { .. } | Command::Man { .. } | Command::Config { .. } => {}
    }
    Ok(())
}
