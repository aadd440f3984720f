//! `kehu import …` and `kehu export …`.

use crate::i18n::{t, tf, word};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::Env;
use super::args::{ExportCmd, ImportCmd, RowsImport};
use crate::io::import::{self, Options, Report};
use crate::report::csv_cell;
use crate::store;

pub fn import(env: &mut Env, cmd: ImportCmd) -> Result<()> {
    match cmd {
        ImportCmd::Csv { rows, encoding } => {
            let encoding = encoding.parse()?;
            import_rows(env, rows, |o| o.encoding = encoding)?;
        }
        ImportCmd::Xlsx { rows, sheet } => import_rows(env, rows, |o| o.sheet = sheet)?,
        ImportCmd::Vcard { rows } => import_rows(env, rows, |_| {})?,
        ImportCmd::Json { file } => {
            let input = std::fs::File::open(&file)
                .with_context(|| crate::i18n::tf("io.cannot_read", &[("path", &file.display())]))?;
            let size = input.metadata().map_or(0, |m| m.len());
            let mut bar = progress_bar("importing");
            let loaded = crate::io::import::json(&env.store, &env.ctx, input, size, &mut bar)
                .with_context(|| format!("{}: nothing was imported", file.display()))?;
            env.out.line(&crate::i18n::tf(
                "out.imported_json",
                &[
                    ("customers", &loaded.customers),
                    ("records", &loaded.records),
                    ("file", &file.display()),
                ],
            ))?;
        }
        ImportCmd::Undo { batch } => {
            let ctx = env.ctx.clone();
            let (removed, restored) = env.store.write(|c| store::imports::undo(c, &ctx, batch))?;
            env.out.line(&crate::i18n::tf(
                "out.undid_import",
                &[
                    ("batch", &batch),
                    ("removed", &removed),
                    ("restored", &restored),
                ],
            ))?;
        }
    }
    Ok(())
}

/// Imports a CSV or a workbook's sheet (`kehu import csv|xlsx`), reading it as it goes.
fn import_rows(env: &mut Env, rows: RowsImport, how: impl FnOnce(&mut Options)) -> Result<()> {
    let RowsImport {
        file,
        dry_run,
        on_duplicate,
        maps,
        skip_bad,
    } = rows;
    let mut options = Options {
        dry_run,
        on_duplicate: on_duplicate.parse()?,
        skip_bad,
        maps,
        source: file.display().to_string(),
        overwrite: Vec::new(),
        encoding: Default::default(),
        sheet: None,
    };
    how(&mut options);
    let opened = import::open(&file, &options)?;
    let mut progress = progress_bar("importing");
    let report = import::run(&env.store, &env.ctx, opened, &options, &mut progress)?;
    print_report(env, &report, dry_run)?;
    if let Some(hint) = import::hint(&file, &options, &report) {
        env.out.line(&hint)?;
    }
    if !report.bad.is_empty() && skip_bad && !dry_run {
        let path = bad_rows_path(&file);
        std::fs::write(&path, bad_rows_csv(&report))
            .with_context(|| crate::i18n::tf("io.cannot_write", &[("path", &path.display())]))?;
        env.out
            .line(&tf("out.bad_rows_written", &[("path", &path.display())]))?;
    }
    if !report.bad.is_empty() && !skip_bad && !dry_run {
        env.out.flush()?;
        bail!(
            "{}",
            tf("out.nothing_imported", &[("n", &report.bad.len())])
        );
    }
    Ok(())
}

/// The rows that were not imported, as they were (the file's header first), each with what is
/// wrong with it in a last column that a second import ignores: fix them and import this file.
fn bad_rows_csv(report: &import::Report) -> String {
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let mut text = cells.collect::<Vec<_>>().join(",");
        text.push_str("\r\n");
        text
    };
    let problem = crate::i18n::t("import.problem_column");
    let mut text = line(
        &mut report
            .header
            .iter()
            .map(|h| csv_cell(h))
            .chain([csv_cell(problem)]),
    );
    for (at, cells) in &report.bad_rows {
        let why: Vec<String> = report
            .bad
            .iter()
            .filter(|(l, _, _)| l == at)
            .map(|(_, col, why)| format!("{col}: {why}"))
            .collect();
        // Short rows are padded, so the problem stays in its column.
        let padded = (0..report.header.len().max(cells.len()))
            .map(|i| csv_cell(cells.get(i).map_or("", String::as_str)));
        text.push_str(&line(&mut padded.chain([csv_cell(&why.join("; "))])));
    }
    text
}

fn bad_rows_path(file: &Path) -> std::path::PathBuf {
    let name = file
        .file_name()
        .map_or_else(|| "import".into(), |n| n.to_string_lossy().into_owned());
    file.with_file_name(format!("{name}.bad-rows.csv"))
}

fn print_report(env: &mut Env, r: &Report, dry_run: bool) -> Result<()> {
    match r.delimiter {
        Some(d) => {
            let delim = match d {
                '\t' => t("out.tab").to_string(),
                d => format!("'{d}'"),
            };
            env.out.line(&tf(
                "out.read_rows",
                &[
                    ("n", &r.rows),
                    ("encoding", &r.encoding),
                    ("delimiter", &delim),
                ],
            ))?;
        }
        None => env.out.line(&tf(
            "out.read_rows_sheet",
            &[("n", &r.rows), ("encoding", &r.encoding)],
        ))?,
    }
    env.out.line(crate::i18n::t("out.columns"))?;
    for (h, to) in &r.columns {
        env.out.line(&format!("  {h} → {to}"))?;
    }
    if !r.preview.is_empty() {
        env.out
            .line(crate::i18n::t("out.first_rows_as_they_will_be_stored"))?;
        for row in &r.preview {
            let f = &row.fields;
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let state = if row.errors.is_empty() {
                t("out.ok").to_string()
            } else {
                tf("out.problems", &[("n", &row.errors.len())])
            };
            env.out.line(&format!(
                "  {}: {} · {} · {} · {} · {} · {state}",
                tf("import.line", &[("n", &r.at(row.line))]),
                f.name,
                opt(&f.company),
                opt(&f.phone),
                opt(&f.email),
                word("tier", f.tier.as_str()),
            ))?;
        }
    }
    let key = if dry_run {
        "out.outcome_dry_run"
    } else if r.committed {
        "out.outcome_added"
    } else {
        "out.outcome_not_added"
    };
    env.out.line(&tf(
        key,
        &[
            ("added", &r.added),
            ("updated", &r.updated),
            ("skipped", &r.skipped_duplicates.len()),
        ],
    ))?;
    for (line, name, id) in &r.skipped_duplicates {
        let differs = r
            .likely
            .iter()
            .find(|d| d.line == *line && !d.differences.is_empty())
            .map(|d| {
                let what: Vec<String> = d
                    .differences
                    .iter()
                    .map(|(f, stored, file)| {
                        let label = crate::i18n::lookup(&format!("field.{f}")).unwrap_or(f);
                        format!("{label} {stored} → {file}")
                    })
                    .collect();
                tf("out.differs", &[("what", &what.join("; "))])
            })
            .unwrap_or_default();
        env.out.line(&format!(
            "{}{differs}",
            tf(
                "out.likely",
                &[("line", &r.at(*line)), ("name", &name), ("id", &id)]
            )
        ))?;
    }
    for (line, name, id) in &r.possible_duplicates {
        env.out.line(&crate::i18n::tf(
            "out.line_shares_an_e_mail_or_phone_with_cust",
            &[("line", &r.at(*line)), ("name", &name), ("id", &id)],
        ))?;
    }
    if !r.bad.is_empty() {
        env.out.line(&tf("out.bad_rows", &[("n", &r.bad.len())]))?;
        for (line, col, why) in &r.bad {
            env.out.line(&crate::i18n::tf(
                "out.line_column",
                &[("line", &r.at(*line)), ("col", &col), ("why", &why)],
            ))?;
        }
    }
    if let Some(b) = r.batch {
        env.out.line(&crate::i18n::tf(
            "out.import_done_undo_with_kehu_import_undo",
            &[("b", &b)],
        ))?;
    }
    Ok(())
}

pub fn export(env: &mut Env, cmd: ExportCmd) -> Result<()> {
    let clock = env.ctx.clock;
    match cmd {
        ExportCmd::Csv { out } => {
            let text = crate::io::export::csv(&env.store, &clock)?;
            write_export(env, out, |_, w| Ok(w.write_all(text.as_bytes())?))
        }
        ExportCmd::Xlsx { out } => {
            // A workbook is not text: never onto a terminal.
            if out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                bail!("{}", t("out.workbook_needs_out"));
            }
            let currency = env.store.read(|c| store::settings::get(c, "currency"))?;
            let bytes = crate::io::workbook::xlsx(&env.store, &clock, &currency)?;
            write_export(env, out, |_, w| Ok(w.write_all(&bytes)?))
        }
        ExportCmd::Vcard {
            out,
            dir: Some(dir),
        } => {
            debug_assert!(out.is_none());
            let written = crate::io::vcard::write_dir(&env.store, &dir)?;
            Ok(env.out.line(&tf(
                "out.vcards_written",
                &[("n", &written), ("dir", &dir.display())],
            ))?)
        }
        ExportCmd::Vcard { out, dir: None } => {
            let text = crate::io::vcard::text(&env.store)?;
            write_export(env, out, |_, w| Ok(w.write_all(text.as_bytes())?))
        }
        // Written as it is read, so a large book never sits in memory whole.
        ExportCmd::Json { out } => write_export(env, out, |store, w| {
            let mut bar = progress_bar("exporting");
            Ok(crate::io::export::json(store, w, &mut bar)?)
        }),
    }
}

/// Writes an export to standard output, or to `out` through a temporary file beside it, so a
/// failed export never leaves half a file.
fn write_export(
    env: &mut Env,
    out: Option<std::path::PathBuf>,
    write: impl FnOnce(&crate::store::Store, &mut dyn Write) -> Result<()>,
) -> Result<()> {
    match out {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| {
                crate::i18n::tf("io.cannot_write_in", &[("path", &dir.display())])
            })?;
            {
                let mut w = std::io::BufWriter::new(tmp.as_file_mut());
                write(&env.store, &mut w)?;
                w.flush()?;
            }
            tmp.persist(&path).with_context(|| {
                crate::i18n::tf("io.cannot_write", &[("path", &path.display())])
            })?;
            env.out
                .line(&tf("out.exported", &[("path", &path.display())]))?;
        }
        None => {
            env.out.flush()?;
            let stdout = std::io::stdout();
            if std::io::IsTerminal::is_terminal(&stdout) {
                let mut w =
                    crate::cli::output::TerminalSafe::new(std::io::BufWriter::new(stdout.lock()));
                write(&env.store, &mut w)?;
                w.flush()?;
            } else {
                let mut w = std::io::BufWriter::new(stdout.lock());
                write(&env.store, &mut w)?;
                w.flush()?;
            }
        }
    }
    Ok(())
}

/// A progress bar on stderr when it is a terminal (stdout stays the data, for scripts).
fn progress_bar(verb: &'static str) -> impl FnMut(usize, usize) {
    use std::io::IsTerminal;
    let on = std::io::stderr().is_terminal();
    let mut shown = usize::MAX;
    move |done: usize, total: usize| {
        if !on || total == 0 {
            return;
        }
        let percent = done * 100 / total;
        if percent == shown && done != total {
            return;
        }
        shown = percent;
        let filled = done * 30 / total;
        eprint!(
            "\r  {verb} [{}{}] {percent:>3}% ({done}/{total})",
            "#".repeat(filled),
            " ".repeat(30 - filled),
        );
        if done == total {
            eprintln!();
        }
    }
}
