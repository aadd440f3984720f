//! Help that lives outside the binary: shell completion scripts (clap_complete) and man pages
//! (clap_mangen), both from the same command definition as `--help`, in the interface language.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// `kehu completions SHELL`: the completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = super::command();
    // Into memory first: clap_complete panics on a failed write, and `| head` closes the pipe.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kehu", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
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
