//! `kehu batch`: many commands from a file or standard input in one process — each committed and
//! acknowledged as it goes, or with `--atomic` all in one transaction.

use crate::i18n::{t, tf};
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use clap::FromArgMatches;

use super::args::{Cli, Command};
use super::{Env, dispatch};

/// Splits a line into words as a shell would: spaces separate, quotes group, `\` escapes.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err(t("batch.single_quote").into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch) => word.push(ch),
                            None => return Err(t("batch.backslash").into()),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err(t("batch.double_quote").into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next().ok_or(t("batch.backslash"))?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Parses one line as a kehu subcommand that may run inside a batch. `parser` is built once per
/// batch: building clap's command tree for every line would cost more than the writes.
pub(crate) fn parse_line(parser: &mut clap::Command, line: &str) -> Result<Command> {
    let words = split_words(line).map_err(|e| anyhow!(e))?;
    // Checked on the words: clap would fill these from KEHU_DB / KEHU_USER for every line.
    if words.iter().any(|w| {
        ["--db", "--user", "--demo"]
            .iter()
            .any(|g| w == g || w.starts_with(&format!("{g}=")))
    }) {
        bail!("{}", t("batch.globals"));
    }
    let first_line = |e: clap::Error| {
        anyhow!(
            "{}",
            e.render()
                .to_string()
                .lines()
                .next()
                .unwrap_or("not a kehu command")
                .trim_start_matches("error: ")
        )
    };
    let matches = parser
        .try_get_matches_from_mut(std::iter::once("kehu".to_string()).chain(words))
        .map_err(first_line)?;
    let cli = Cli::from_arg_matches(&matches).map_err(first_line)?;

    match cli.command {
        None => bail!("{}", t("batch.no_command")),
        Some(
            Command::Batch { .. }
            | Command::Init { .. }
            | Command::Restore { .. }
            | Command::Copy { .. }
            | Command::Backup { .. }
            | Command::Completions { .. }
            | Command::Man { .. }
            | Command::Config { .. },
        ) => {
            bail!("{}", t("batch.not_inside"))
        }
        Some(c) => Ok(c),
    }
}

pub fn run(env: &mut Env, file: Option<&Path>, atomic: bool, keep_going: bool) -> Result<()> {
    let text = match file.filter(|p| p.as_os_str() != "-") {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| crate::i18n::tf("io.cannot_read", &[("path", &p.display())]))?,
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context(crate::i18n::t("io.cannot_read_stdin"))?;
            s
        }
    };
    let mut parser = super::command();
    if atomic {
        env.store.begin_batch()?;
    }
    let (mut done, mut failed) = (0usize, 0usize);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let outcome = parse_line(&mut parser, line).and_then(|cmd| dispatch(env, cmd));
        match outcome {
            Ok(()) => {
                done += 1;
                if !atomic {
                    // Committed: acknowledge it now, so a caller knows what is saved.
                    env.out.line(&format!("ok {}", i + 1))?;
                }
                env.out.flush()?;
            }
            Err(e) => {
                failed += 1;
                eprintln!(
                    "kehu: line {}: {}",
                    i + 1,
                    crate::domain::input::for_terminal(&format!("{e:#}"), true)
                );
                if !keep_going {
                    break;
                }
            }
        }
    }
    if atomic {
        let commit = failed == 0;
        env.store.end_batch(commit)?;
        if !commit {
            bail!("{}", tf("batch.nothing_saved", &[("failed", &failed)]));
        }
        env.out.line(&crate::i18n::tf(
            "out.committed_command_s_in_one_transaction",
            &[("done", &done)],
        ))?;
    }
    if failed > 0 {
        bail!(
            "{}",
            tf("batch.some_failed", &[("failed", &failed), ("done", &done)])
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(
            split_words(r#"log 5 --summary "said \"hi\"" --kind 'call'"#).unwrap(),
            vec!["log", "5", "--summary", "said \"hi\"", "--kind", "call"]
        );
        assert_eq!(split_words("a\\ b  c").unwrap(), vec!["a b", "c"]);
        assert_eq!(split_words("x ''").unwrap(), vec!["x", ""]);
        assert!(split_words("log \"open").is_err());
    }
}
