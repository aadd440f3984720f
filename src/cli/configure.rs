//! `kehu config`: where the config file is, every setting it understands, the value each has now
//! and where that value came from (a flag, the environment, the file, or kehu's default);
//! `--edit` opens the file in `$VISUAL` or `$EDITOR`, made first from a template that explains it.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::Cli;
use crate::config;
use crate::i18n::{t, tf};

/// Where a setting's value came from.
enum Source {
    Flag,
    Env(&'static str),
    File,
    Default(String),
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Source::Flag => t("config.from_flag").to_string(),
            Source::Env(var) => tf("config.from_env", &[("var", var)]),
            Source::File => t("config.from_file").to_string(),
            Source::Default(how) => tf("config.from_default", &[("how", how)]),
        }
    }
}

/// Whether `--NAME` was given on the command line (clap merges the flag with its variable).
fn flag_given(name: &str) -> bool {
    let long = format!("--{name}");
    std::env::args().any(|a| a == long || a.starts_with(&format!("{long}=")))
}

fn env_set(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty())
}

/// The three settings with their values and sources, as the command line resolves them.
fn settings(cli: &Cli) -> Vec<(&'static str, String, Source)> {
    let db = match &cli.db {
        Some(p) if flag_given("db") => (p.display().to_string(), Source::Flag),
        Some(p) if env_set("KEHU_DB") => (p.display().to_string(), Source::Env("KEHU_DB")),
        _ => match config::config_value("db") {
            Some(p) => (p, Source::File),
            None => (
                config::default_db_path().map_or_else(String::new, |p| p.display().to_string()),
                Source::Default(t("config.default_db").into()),
            ),
        },
    };
    let user = match &cli.user {
        Some(u) if flag_given("user") => (u.clone(), Source::Flag),
        Some(u) => (u.clone(), Source::Env("KEHU_USER")),
        None => match config::config_value("user") {
            Some(u) => (u, Source::File),
            None => (
                config::login_name(),
                Source::Default(t("config.default_user").into()),
            ),
        },
    };
    let lang = match crate::i18n::lang() {
        crate::i18n::Lang::En => "en",
        crate::i18n::Lang::Zh => "zh",
    }
    .to_string();
    let lang_source = if cli.lang.is_some() {
        Source::Flag
    } else if std::env::var("KEHU_LANG").is_ok_and(|v| crate::i18n::Lang::parse(&v).is_some()) {
        Source::Env("KEHU_LANG")
    } else if config::config_value("lang").is_some() {
        Source::File
    } else {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|k| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| format!("{k}={v}"))
        });
        Source::Default(match locale {
            Some(l) => tf("config.default_locale", &[("locale", &l)]),
            None => t("config.default_lang").into(),
        })
    };
    vec![
        ("db", db.0, db.1),
        ("user", user.0, user.1),
        ("lang", lang, lang_source),
    ]
}

/// `kehu config [--edit]`.
pub fn run(cli: &Cli, edit: bool) -> Result<()> {
    let Some(path) = config::config_path() else {
        bail!("{}", t("cli.no_data_dir"));
    };
    if edit {
        return open_in_editor(&path);
    }
    let state = if path.exists() {
        t("config.exists")
    } else {
        t("config.missing")
    };
    println!(
        "{}",
        tf(
            "config.file",
            &[("path", &path.display()), ("state", &state)]
        )
    );
    let rows = settings(cli);
    let width = rows
        .iter()
        .map(|(_, v, _)| unicode_width::UnicodeWidthStr::width(v.as_str()))
        .max()
        .unwrap_or(0);
    for (key, value, source) in rows {
        let pad = width - unicode_width::UnicodeWidthStr::width(value.as_str());
        println!(
            "  {key:<5} {value}{}  {}",
            " ".repeat(pad),
            source.describe()
        );
    }
    // The screen's keys: every line of [keys] that cannot be used.
    if let Ok(text) = std::fs::read_to_string(&path) {
        let (_, problems) = crate::tui::keymap::overrides::load(&text);
        for p in &problems {
            println!("  {}", tf("config.keys_problem", &[("why", p)]));
        }
    }
    Ok(())
}

/// Opens the config file in the user's editor, writing the template first if there is none.
fn open_in_editor(path: &Path) -> Result<()> {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| tf("io.cannot_write", &[("path", &dir.display())]))?;
        }
        std::fs::write(path, t("config.template"))
            .with_context(|| tf("io.cannot_write", &[("path", &path.display())]))?;
    }
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| {
            if cfg!(windows) {
                "notepad".into()
            } else {
                "vi".into()
            }
        });
    // "code --wait" and the like: the editor's own arguments come first.
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
        .with_context(|| tf("config.no_editor", &[("editor", &editor)]))?;
    if !status.success() {
        bail!(
            "{}",
            tf(
                "config.editor_failed",
                &[("editor", &editor), ("status", &status)]
            )
        );
    }
    Ok(())
}
