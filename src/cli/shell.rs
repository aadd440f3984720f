//! Help that lives outside the binary: shell completion scripts (clap_complete) and man pages
//! (clap_mangen), both from the same command definition as `--help`, in the interface language.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// `kehu completions SHELL`: the completion script on standard output. The script asks kehu
/// itself at each Tab (`COMPLETE=SHELL kehu -- WORDS…`, answered by [`answer`] before anything
/// else runs), so it completes customer numbers from the database and always matches the
/// version installed.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    use clap_complete::env::Shells;
    let name = shell.to_string();
    let mut script = Vec::new();
    match Shells::builtins().completer(&name) {
        Some(dynamic) => {
            let me = std::env::current_exe()
                .map_or_else(|_| "kehu".to_string(), |p| p.display().to_string());
            dynamic.write_registration(VAR, "kehu", "kehu", &me, &mut script)?;
        }
        // A shell only the static generator knows: commands and options, no database.
        None => clap_complete::generate(shell, &mut super::command(), "kehu", &mut script),
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// The variable a completion script sets when it asks kehu for candidates.
const VAR: &str = "COMPLETE";

/// Answers a completion script's request and exits, if this run is one.
pub fn answer() {
    clap_complete::CompleteEnv::with_factory(super::command)
        .var(VAR)
        .complete();
}

/// The arguments that take a customer's number, as `command.subcommand.argument`.
const CUSTOMER_ARGS: &[&str] = &[
    "customer.show.id",
    "customer.edit.id",
    "customer.archive.id",
    "customer.unarchive.id",
    "customer.claim.id",
    "customer.merge.keep",
    "customer.merge.other",
    "customer.erase.id",
    "contact.add.id",
    "contact.list.id",
    "log.id",
    "interaction.list.id",
    "todo.add.id",
    "todo.list.customer",
    "purchase.add.id",
    "purchase.list.id",
    "ticket.open.id",
    "survey.add.id",
    "survey.list.id",
    "deal.add.id",
    "campaign.attend.id",
    "campaign.respond.id",
    "campaign.invite.customer",
    "history.id",
];

/// The stored words an option takes, for completion (they are what kehu reads and writes in
/// files), and the catalogue group that says each in the interface language.
fn words_for(path: &str, arg: &str) -> Option<(&'static [&'static str], &'static str)> {
    let top = path.split('.').nth(1).unwrap_or("");
    let group = match (top, arg) {
        ("deal", "stage") => "deal",
        ("log" | "interaction", "kind") => "interaction",
        ("ticket", "kind") => "ticket",
        ("import", "on_duplicate") => "duplicates",
        (_, "tier") => "tier",
        (_, "stage") => "stage",
        (_, "kind") => "kind",
        (_, "channel") => "channel",
        (_, "priority") => "priority",
        (_, "severity") => "severity",
        _ => "",
    };
    Some((words(top, arg)?, group))
}

fn words(top: &str, arg: &str) -> Option<&'static [&'static str]> {
    Some(match (top, arg) {
        (_, "tier") => &["vip", "regular", "potential"],
        (_, "stage") if top == "deal" => &[
            "qualified",
            "needs_analysis",
            "proposal",
            "negotiation",
            "won",
            "lost",
        ],
        (_, "stage") => &["lead", "prospect", "customer", "churned"],
        ("customer", "kind") => &["b2c", "b2b"],
        ("log" | "interaction", "kind") => {
            &["call", "email", "meeting", "visit", "message", "note"]
        }
        ("ticket", "kind") => &["complaint", "inquiry", "after_sales"],
        (_, "channel") => &["phone", "email", "wechat", "sms", "visit", "meeting"],
        (_, "priority") => &["low", "normal", "high"],
        (_, "severity") => &["low", "normal", "high", "critical"],
        (_, "on_duplicate") => &["skip", "update", "add"],
        (_, "encoding") => &["auto", "utf-8", "gbk", "utf-16"],
        (_, "lang") => &["en", "zh"],
        _ => return None,
    })
}

/// `cmd` (at `path`, "kehu.customer.show") with completers on the arguments that take a
/// customer's number or a stored word, and on its subcommands'.
pub fn with_completers(mut cmd: clap::Command, path: &str) -> clap::Command {
    use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};
    let args: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in args {
        let key = format!("{path}.{id}");
        if CUSTOMER_ARGS.contains(&key.trim_start_matches("kehu.")) {
            cmd = cmd.mut_arg(&id, |a| a.add(ArgValueCompleter::new(customer_numbers)));
        } else if let Some((words, group)) = words_for(path, &id) {
            cmd = cmd.mut_arg(&id, |a| {
                a.add(ArgValueCandidates::new(move || {
                    words
                        .iter()
                        .map(|w| {
                            // The word as the screen says it, beside the word kehu reads.
                            let shown = crate::i18n::word(group, w);
                            CompletionCandidate::new(*w).help((shown != *w).then(|| shown.into()))
                        })
                        .collect()
                }))
            });
        }
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in subs {
        let sub_path = format!("{path}.{sub}");
        cmd = cmd.mut_subcommand(&sub, |s| with_completers(s, &sub_path));
    }
    cmd
}

/// Customer numbers starting with what is typed, each with the customer's name: from the
/// database `KEHU_DB` or the config file names (else the default one). Nothing when it cannot
/// be opened: a completion never fails loudly.
fn customer_numbers(current: &std::ffi::OsStr) -> Vec<clap_complete::engine::CompletionCandidate> {
    let typed = current.to_string_lossy();
    if !typed.chars().all(|c| c.is_ascii_digit()) {
        return Vec::new();
    }
    let path = std::env::var_os("KEHU_DB")
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| crate::config::config_value("db").map(std::path::PathBuf::from))
        .or_else(crate::config::default_db_path);
    let Some(path) = path.filter(|p| crate::store::server::is_address(p) || p.exists()) else {
        return Vec::new();
    };
    let Ok(clock) = crate::domain::Clock::from_env() else {
        return Vec::new();
    };
    let ctx = crate::store::Ctx::new(crate::config::login_name(), clock);
    let Ok(store) = crate::store::Store::open(&path, crate::store::OpenMode::Existing, &ctx) else {
        return Vec::new();
    };
    store
        .read(|c| crate::store::customers::numbered_like(c, &typed, 50))
        .unwrap_or_default()
        .into_iter()
        .map(|(id, name, company)| {
            let about = match company {
                Some(co) if !co.is_empty() => format!("{name} · {co}"),
                _ => name,
            };
            clap_complete::engine::CompletionCandidate::new(id.to_string()).help(Some(
                crate::domain::input::for_terminal(&about, true).into(),
            ))
        })
        .collect()
}

/// `kehu man`: the main page on standard output (`kehu man | man -l -`); `--dir DIR` writes a
/// page for every command and subcommand (`kehu.1`, `kehu-customer-add.1`, …) into DIR.
pub fn man(dir: Option<&Path>) -> Result<()> {
    let cmd = super::command().bin_name("kehu");
    match dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&page)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| crate::i18n::tf("io.cannot_write", &[("path", &dir.display())]))?;
            let mut written = 0;
            write_pages(cmd, "kehu", dir, &mut written)?;
            println!(
                "{}",
                crate::i18n::tf(
                    "out.man_written",
                    &[("n", &written), ("dir", &dir.display())]
                )
            );
        }
    }
    Ok(())
}

/// One page for `cmd` named `name`, then one for each of its subcommands (`name-sub`).
fn write_pages(cmd: clap::Command, name: &str, dir: &Path, written: &mut usize) -> Result<()> {
    let cmd = cmd.name(name.to_string()).bin_name(name.replace('-', " "));
    let path = dir.join(format!("{name}.1"));
    let mut file = std::fs::File::create(&path)
        .with_context(|| crate::i18n::tf("io.cannot_write", &[("path", &path.display())]))?;
    clap_mangen::Man::new(cmd.clone()).render(&mut file)?;
    *written += 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let sub_name = format!("{name}-{}", sub.get_name());
        write_pages(sub.clone(), &sub_name, dir, written)?;
    }
    Ok(())
}
