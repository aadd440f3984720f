//! The command line's help in the user's language: every command's description and every
//! option's help come from the catalogue (`cli.<command path>.about`, `cli.<path>.<option>`),
//! and so do the headings clap would print in English (usage, arguments, options, commands).

use clap::{Arg, ArgAction, Command};

use crate::i18n::t;

/// The catalogue key of a command path ("cli", "cli.customer", "cli.customer.add").
fn about_key(path: &str) -> String {
    format!("{path}.about")
}

fn arg_key(path: &str, id: &str) -> String {
    format!("{path}.{id}")
}

/// Options clap adds itself (help, version) and kehu's global options, which are described once.
fn is_builtin(id: &str) -> bool {
    matches!(id, "help" | "version")
}

/// `cmd` with every text from the catalogue, recursively.
pub fn localized(cmd: Command) -> Command {
    localize(cmd, "cli")
}

fn localize(mut cmd: Command, path: &str) -> Command {
    cmd = cmd
        .about(t(&about_key(path)).to_string())
        .long_about(clap::builder::Resettable::<clap::builder::StyledStr>::Reset)
        .subcommand_help_heading(t("cli.heading.commands").to_string())
        .help_template(format!(
            "{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            t("cli.heading.usage")
        ))
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(t("cli.help").to_string())
                .help_heading(t("cli.heading.options").to_string()),
        );
    if path == "cli" {
        cmd = cmd
            .after_help(t("cli.after_help").to_string())
            .disable_version_flag(true)
            .arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help(t("cli.version").to_string())
                    .help_heading(t("cli.heading.options").to_string()),
            );
    }
    let ids: Vec<(String, bool, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional(), a.is_global_set()))
        .filter(|(id, _, _)| !is_builtin(id))
        .collect();
    for (id, positional, global) in ids {
        // A global option is described under the top-level command, wherever it is shown.
        let key = if global {
            arg_key("cli", &id)
        } else {
            arg_key(path, &id)
        };
        let heading = match (positional, global) {
            (true, _) => "cli.heading.arguments",
            (false, true) => "cli.heading.global",
            (false, false) => "cli.heading.options",
        };
        cmd = cmd.mut_arg(&id, |a| {
            a.help(t(&key).to_string())
                .long_help(clap::builder::Resettable::<clap::builder::StyledStr>::Reset)
                .help_heading(t(heading).to_string())
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = format!("{path}.{name}");
        cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub_path));
    }
    cmd
}

/// Every catalogue key the command line needs, for the catalogue test.
#[cfg(test)]
pub fn keys(cmd: &Command) -> Vec<String> {
    let mut out = vec![
        "cli.heading.commands".into(),
        "cli.heading.usage".into(),
        "cli.heading.options".into(),
        "cli.heading.arguments".into(),
        "cli.heading.global".into(),
        "cli.help".into(),
        "cli.version".into(),
        "cli.after_help".into(),
    ];
    collect(cmd, "cli", &mut out);
    out
}

#[cfg(test)]
fn collect(cmd: &Command, path: &str, out: &mut Vec<String>) {
    out.push(about_key(path));
    for a in cmd.get_arguments() {
        let id = a.get_id().as_str();
        let shown_elsewhere = a.is_global_set() && path != "cli";
        if !is_builtin(id) && !shown_elsewhere {
            out.push(arg_key(path, id));
        }
    }
    for s in cmd.get_subcommands() {
        if s.get_name() != "help" {
            collect(s, &format!("{path}.{}", s.get_name()), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::i18n::parse_catalogue;

    #[test]
    fn every_command_and_option_is_in_both_catalogues() {
        let en: std::collections::HashSet<&str> = parse_catalogue(include_str!("../i18n/en.cat"))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let missing: Vec<String> = keys(&super::super::Cli::command())
            .into_iter()
            .filter(|k| !en.contains(k.as_str()))
            .collect();
        assert!(missing.is_empty(), "en.cat lacks {missing:?}");
    }

    #[test]
    fn the_localized_command_is_consistent() {
        localized(super::super::Cli::command()).debug_assert();
    }
}
