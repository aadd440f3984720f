//! `kehu init`, `settings`, `backup`, `check`, and plain `kehu`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::args::{Cli, SettingsCmd};
use super::output::Table;
use super::{Env, Out};
use crate::demo;
use crate::store::{self, Ctx, OpenMode, Store, maintenance};

/// Plain `kehu` without a terminal (in a pipe or a script): the commands instead of the screen.
pub fn no_subcommand(_cli: &Cli) -> Result<()> {
    let mut out = Out::new();
    out.line(crate::i18n::t("admin.no_terminal"))?;
    out.line("")?;
    out.line(&super::command().render_help().to_string())?;
    out.flush()?;
    Ok(())
}

pub fn init(path: &Path, shared: bool, with_demo: bool, ctx: &Ctx) -> Result<()> {
    // A server's book exists when it has kehu's schema; the folder and file modes of `--shared`
    // are a file's (a server's roles decide who may use it).
    let server = store::server::is_address(path);
    let existed = if server {
        Store::open(path, OpenMode::Existing, ctx).is_ok()
    } else {
        path.exists()
    };
    if shared && !server {
        // Before the first connection, so even it takes the team's lock.
        store::team::make_shared(path)?;
    }
    let store = Store::open(path, OpenMode::Create { shared }, ctx)?;
    let mut out = Out::new();
    if with_demo {
        let n = demo::load(&store, ctx)?;
        out.line(&crate::i18n::tf(
            "out.loaded_the_demo_customers",
            &[("n", &n)],
        ))?;
    }
    let key = if existed {
        "out.database_ready"
    } else {
        "out.database_created"
    };
    out.line(&crate::i18n::tf(key, &[("path", &path.display())]))?;
    out.flush()?;
    Ok(())
}

pub fn settings(env: &mut Env, action: Option<SettingsCmd>) -> Result<()> {
    let ctx = env.ctx.clone();
    match action {
        None => {
            let all = env.store.read(store::settings::all)?;
            let mut table = Table::new(&[("KEY", 28), ("VALUE", 20), ("MEANING", 80)]);
            for (key, value) in &all {
                table.row(vec![
                    key.to_string(),
                    value.clone(),
                    crate::i18n::t(&format!("setting.{key}")).to_string(),
                ]);
            }
            table.print(&mut env.out)?;
            let targets = env.store.read(store::settings::all_targets)?;
            env.out.line("")?;
            if targets.is_empty() {
                env.out.line(crate::i18n::t("out.targets_none"))?;
            } else {
                env.out.line(crate::i18n::t("out.targets_heading"))?;
                let mut table = Table::new(&[("KEY", 36), ("TARGET", 16), ("FIGURE", 40)]);
                for target in &targets {
                    table.row(vec![
                        target.key(),
                        target.shown(true),
                        crate::i18n::t(&format!("report.{}", target.figure))
                            .trim()
                            .to_string(),
                    ]);
                }
                table.print(&mut env.out)?;
            }
        }
        Some(SettingsCmd::Get { key }) => {
            let value = env.store.read(|c| store::settings::get(c, &key))?;
            env.out.line(&value)?;
        }
        Some(SettingsCmd::Set { key, value }) => {
            let stored = env
                .store
                .write(|c| store::settings::set(c, &ctx, &key, &value))?;
            env.out
                .line(&format!("{} = {stored}", key.trim().to_lowercase()))?;
            if key.trim().eq_ignore_ascii_case("locking") {
                let db = env.store.path().to_path_buf();
                store::lock::policy::follow_setting(&db, &stored)?;
                let now = store::lock::policy::decide(&db);
                env.out
                    .line(&crate::i18n::tf("check.locking", &[("why", &now.why)]))?;
            }
        }
    }
    Ok(())
}

/// The default backup file: `backups/kehu-YYYYMMDD-HHMMSS.db` beside the database.
fn default_backup_path(db: &Path, ctx: &Ctx) -> PathBuf {
    let dir = maintenance::backup_dir(db);
    let stamp = ctx
        .clock
        .now
        .with_timezone(&ctx.clock.offset)
        .format("%Y%m%d-%H%M%S");
    let kind = if store::server::is_address(db) {
        "dump"
    } else {
        "db"
    };
    dir.join(format!("kehu-{stamp}.{kind}"))
}

pub fn backup(env: &mut Env, out: Option<PathBuf>, list: bool) -> Result<()> {
    if list {
        let mut table = Table::new(&[("FILE", 60), ("SIZE", 12), ("MODIFIED", 20)]);
        for (path, size) in maintenance::list_backups(env.store.path()) {
            let modified = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .map(|t| {
                    chrono::DateTime::<chrono::Utc>::from(t)
                        .with_timezone(&env.ctx.clock.offset)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            table.row(vec![
                path.display().to_string(),
                format!("{:.1} MB", size as f64 / 1_048_576.0),
                modified,
            ]);
        }
        table.print(&mut env.out)?;
        return Ok(());
    }
    let dest = out.unwrap_or_else(|| default_backup_path(env.store.path(), &env.ctx));
    if dest.exists() {
        bail!(
            "{}",
            crate::i18n::tf("admin.exists", &[("path", &dest.display())])
        );
    }
    maintenance::backup(&env.store, &dest)?;
    let done = if env.store.is_server() {
        "server.backup_done"
    } else {
        "admin.backup_done"
    };
    env.out
        .line(&crate::i18n::tf(done, &[("path", &dest.display())]))?;
    Ok(())
}

pub fn check(env: &mut Env) -> Result<()> {
    let why = store::lock::policy::decide(env.store.path()).why;
    env.out
        .line(&crate::i18n::tf("check.locking", &[("why", &why)]))?;
    let problems = maintenance::check(&env.store)?;
    if problems.is_empty() {
        env.out.line("ok")?;
        return Ok(());
    }
    for p in &problems {
        env.out.line(p)?;
    }
    env.out.flush()?;
    bail!(
        "{}",
        crate::i18n::tf(
            "out.problems_found",
            &[
                ("n", &problems.len()),
                ("path", &env.store.path().display())
            ],
        )
    )
}

pub fn restore(db: &Path, file: &Path, force: bool, ctx: &Ctx) -> Result<()> {
    if store::server::is_address(db) {
        bail!("{}", crate::i18n::t("server.no_restore"));
    }
    if !file.is_file() {
        bail!(
            "{}",
            crate::i18n::tf("admin.no_backup", &[("path", &file.display())])
        );
    }
    let stamp = ctx
        .clock
        .now
        .with_timezone(&ctx.clock.offset)
        .format("%Y%m%d-%H%M%S")
        .to_string();
    let mut out = Out::new();
    if db.exists()
        && let Some(why) = maintenance::damage_of(db)
    {
        if !force {
            bail!(
                "{}",
                crate::i18n::tf(
                    "admin.restore_damaged_needs_force",
                    &[("path", &db.display()), ("why", &why)],
                )
            );
        }
        let aside = maintenance::backup_dir(db).join(format!("kehu-damaged-{stamp}.db"));
        maintenance::replace_damaged(db, file, &aside)?;
        // Opening upgrades a backup made by an older kehu.
        drop(Store::open(db, OpenMode::Existing, ctx)?);
        out.line(&crate::i18n::tf(
            "admin.restored_damaged",
            &[("path", &file.display()), ("aside", &aside.display())],
        ))?;
        out.flush()?;
        return Ok(());
    }
    let mut store = Store::open(db, OpenMode::Existing, ctx)?;
    let others = store::presence::others(store.path());
    if !others.is_empty() && !force {
        let who: Vec<String> = others
            .iter()
            .map(|p| format!("{}@{}", p.user, p.host))
            .collect();
        bail!(
            "{}",
            crate::i18n::tf(
                "admin.others_open",
                &[("n", &others.len()), ("who", &who.join(", "))],
            )
        );
    }
    let keep = maintenance::backup_dir(db).join(format!("kehu-before-restore-{stamp}.db"));
    maintenance::restore(&mut store, file, &keep)?;
    drop(store);
    // Reopen, which upgrades a backup made by an older kehu.
    drop(Store::open(db, OpenMode::Existing, ctx)?);
    out.line(&crate::i18n::tf(
        "admin.restored",
        &[("path", &file.display()), ("kept", &keep.display())],
    ))?;
    out.flush()?;
    Ok(())
}

/// `kehu undo`: the user's last change (or change `--change ID`), undone as a new change.
pub fn undo(env: &mut Env, change: Option<i64>) -> Result<()> {
    let ctx = env.ctx.clone();
    let user = ctx.user.clone();
    let (what, _) = env.store.write(|c| {
        let id = match change {
            Some(id) => id,
            None => match crate::store::undo::last_of(c, &user)? {
                Some(id) => id,
                None => {
                    return Err(crate::store::StoreError::Refused(crate::i18n::tf(
                        "undo.nothing_cli",
                        &[("user", &user)],
                    )));
                }
            },
        };
        crate::store::undo::undo(c, &ctx, id)
    })?;
    env.out
        .line(&crate::i18n::tf("undo.done", &[("what", &what)]))?;
    Ok(())
}

/// `kehu copy FROM TO`: the whole book into a new database (a file or a server), exactly.
pub fn copy(from: &Path, to: &Path, ctx: &Ctx) -> Result<()> {
    if from == to {
        bail!("{}", crate::i18n::t("copy.same"));
    }
    let source = Store::open(from, OpenMode::Existing, ctx)?;
    let target = Store::open(to, OpenMode::Create { shared: false }, ctx)?;
    let mut out = Out::new();
    let mut lines = Vec::new();
    let copied = store::copy::copy(&source, &target, &mut |table, rows| {
        lines.push(crate::i18n::tf(
            "copy.table",
            &[("table", &table), ("rows", &rows)],
        ));
    })?;
    for line in lines {
        out.line(&line)?;
    }
    let customers = copied
        .tables
        .iter()
        .find(|(t, _)| *t == "customer")
        .map_or(0, |(_, n)| *n);
    let rows: usize = copied.tables.iter().map(|(_, n)| n).sum();
    out.line(&crate::i18n::tf(
        "copy.done",
        &[
            ("from", &from.display()),
            ("to", &to.display()),
            ("customers", &customers),
            ("rows", &rows),
        ],
    ))?;
    out.flush()?;
    Ok(())
}
