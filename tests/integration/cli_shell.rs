//! Help that lives outside the binary and the user's own settings: completion scripts used by a
//! real bash, man pages, and `kehu config`.

use crate::common::Kehu;

/// Completion scripts for every shell clap_complete knows, which bash really uses; man pages for
/// every command, in the interface language. None of it needs a database.
#[test]
fn completions_and_man_pages_come_from_the_command_line_itself() {
    let k = Kehu::uninitialised();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = k.ok(&["completions", shell]);
        // Each asks kehu itself at every Tab.
        assert!(
            script.contains("COMPLETE") && script.contains("kehu"),
            "{shell}: {script:.200}"
        );
    }
    // The script asks kehu at each Tab: subcommands, stored words, and customer numbers from
    // the database, with their names.
    let db = Kehu::new();
    db.add(&["--name", "张伟", "--company", "星辰"]);
    for n in 0..11 {
        db.add(&["--name", &format!("客户{n}")]);
    }
    let script = db.dir.path().join("kehu.bash");
    std::fs::write(&script, db.ok(&["completions", "bash"])).unwrap();
    let complete = |words: &[&str]| -> Vec<String> {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let out = std::process::Command::new("bash")
            .env("KEHU_DB", &db.db)
            .env("KEHU_LANG", "en")
            .arg("-c")
            .arg(format!(
                "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_TYPE=9; _clap_complete_kehu kehu \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                script.display(),
                quoted.join(" "),
                words.len() - 1
            ))
            .output()
            .expect("bash");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    };
    assert_eq!(complete(&["kehu", "cus"]), ["customer"]);
    let imports = complete(&["kehu", "import", ""]);
    for sub in ["csv", "xlsx", "vcard", "json", "undo"] {
        assert!(imports.iter().any(|w| w == sub), "{imports:?}");
    }
    assert_eq!(
        complete(&["kehu", "customer", "add", "--tier", ""]),
        ["vip", "regular", "potential"]
    );
    assert_eq!(
        complete(&["kehu", "customer", "show", "1"]),
        ["1", "10", "11", "12"],
        "customer numbers starting with 1, from the database"
    );
    assert_eq!(complete(&["kehu", "log", "12"]), ["12"]);
    assert_eq!(
        complete(&["kehu", "customer", "show", "0"]),
        Vec::<String>::new()
    );

    let page = k.ok(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH kehu 1"),
        "{page:.200}"
    );
    assert!(page.contains("customer"), "the page lists the commands");
    let zh = k.ok(&["--lang", "zh", "man"]);
    assert!(zh.contains("终端"), "{zh:.300}");
    let dir = k.dir.path().join("man1");
    let out = k.ok(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(out.contains("man page"), "{out}");
    for page in [
        "kehu.1",
        "kehu-customer.1",
        "kehu-customer-add.1",
        "kehu-import-xlsx.1",
    ] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page}: {text:.100}");
    }
    assert!(
        std::fs::read_to_string(dir.join("kehu-customer-add.1"))
            .unwrap()
            .contains("kehu customer add"),
        "a subcommand's page names it in full"
    );
}

/// `kehu config` says where the file is and, for each setting, its value and where it came
/// from; `--edit` makes the file from its template and opens the user's editor on it.
#[test]
fn config_shows_each_setting_with_its_source_and_edit_opens_the_editor() {
    let k = Kehu::uninitialised();
    let file = k.dir.path().join("conf").join("config.toml");
    let config = |extra: &[(&str, &str)], args: &[&str]| {
        let mut cmd = k.command();
        cmd.env("KEHU_CONFIG", &file).env_remove("KEHU_USER");
        for (key, value) in extra {
            cmd.env(key, value);
        }
        let out = cmd.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let line = |text: &str, key: &str| -> String {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no {key} in {text}"))
            .to_string()
    };
    let before = config(&[], &["config"]);
    assert!(before.contains("not there yet"), "{before}");
    assert!(line(&before, "db").contains("KEHU_DB"), "{before}");
    assert!(line(&before, "user").contains("login name"), "{before}");
    assert!(line(&before, "lang").contains("KEHU_LANG"), "{before}");

    // An "editor" that adds a line to the file it is given.
    let editor = k.dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\necho 'user = \"amy\"' >> \"$1\"\n").unwrap();
    crate::common::set_mode(&editor, 0o755);
    config(
        &[("EDITOR", editor.to_str().unwrap()), ("VISUAL", "")],
        &["config", "--edit"],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("# db = ") && text.ends_with("user = \"amy\"\n"),
        "the template, then the editor's line: {text}"
    );
    let after = config(&[], &["config"]);
    assert!(after.contains("(exists)"), "{after}");
    let user = line(&after, "user");
    assert!(
        user.contains("amy") && user.contains("config file"),
        "{after}"
    );
    let flagged = config(&[], &["--user", "bob", "config"]);
    assert!(line(&flagged, "user").contains("command line"), "{flagged}");
}
