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
    let existed = path.exists();
    if shared {
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
            let mut table = Table::new(&[("KEY", 20), ("VALUE", 20), ("MEANING", 80)]);
            for (key, value) in &all {
                table.row(vec![
                    key.to_string(),
                    value.clone(),
                    crate::i18n::t(&format!("setting.{key}")).to_string(),
                ]);
            }
            table.print(&mut env.out)?;
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
    dir.join(format!("kehu-{stamp}.db"))
}

pub fn backup(env: &mut Env, out: Option<PathBuf>) -> Result<()> {
    let dest = out.unwrap_or_else(|| default_backup_path(env.store.path(), &env.ctx));
    if dest.exists() {
        bail!(
            "{}",
            crate::i18n::tf("admin.exists", &[("path", &dest.display())])
        );
    }
    maintenance::backup(&env.store, &dest)?;
    env.out.line(&crate::i18n::tf(
        "admin.backup_done",
        &[("path", &dest.display())],
    ))?;
    Ok(())
}

pub fn check(env: &mut Env) -> Result<()> {
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

pub fn restore(env: &mut Env, file: &Path, force: bool) -> Result<()> {
    let others = store::presence::others(env.store.path());
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
    if !file.is_file() {
        bail!(
            "{}",
            crate::i18n::tf("admin.no_backup", &[("path", &file.display())])
        );
    }
    let keep = default_backup_path(env.store.path(), &env.ctx).with_file_name(format!(
        "kehu-before-restore-{}.db",
        env.ctx
            .clock
            .now
            .with_timezone(&env.ctx.clock.offset)
            .format("%Y%m%d-%H%M%S")
    ));
    maintenance::restore(&mut env.store, file, &keep)?;
    // Reopen, which upgrades a backup made by an older kehu.
    env.store = Store::open(env.store.path(), OpenMode::Existing, &env.ctx)?;
    env.out.line(&crate::i18n::tf(
        "admin.restored",
        &[("path", &file.display()), ("kept", &keep.display())],
    ))?;
    Ok(())
}
