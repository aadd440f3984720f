//! The real binary in a real terminal (tmux): open, search, log a call, quit — then the CLI
//! confirms the call was saved. Skipped with a note when tmux is missing (`.ci/run` installs it).

use std::process::Command;
use std::time::Duration;

use crate::common::{Kehu, wait_for};

struct Session(String);

impl Session {
    /// Quits kehu with `q` and checks that it exited cleanly.
    fn quit(&self) {
        self.send(&["q"]);
        let end = self.wait_for("EXITED-");
        assert!(end.contains("EXITED-0"), "kehu exited badly:\n{end}");
    }

    /// A detached tmux session named `name`, `size` columns by rows, running `command`.
    fn start(name: String, (width, height): (u16, u16), command: &str) -> Session {
        let s = Session(name);
        let (width, height) = (width.to_string(), height.to_string());
        s.tmux(&[
            "new-session",
            "-d",
            "-s",
            &s.0,
            "-x",
            &width,
            "-y",
            &height,
            command,
        ]);
        s
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(args).output().expect("run tmux");
        String::from_utf8_lossy(&out.stdout).to_string()
    }
    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.0];
        args.extend(keys);
        self.tmux(&args);
    }
    fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.0, "-l", text]);
    }
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.0])
    }
    /// Polls the screen until `what` is gone from it (bounded).
    fn wait_gone(&self, what: &str) {
        let mut last = String::new();
        let gone = wait_for(Duration::from_secs(20), || {
            last = self.screen();
            !last.contains(what)
        });
        assert!(gone, "'{what}' stayed on the screen:\n{last}");
    }

    /// Polls the screen until it shows `what` (bounded), and returns it.
    fn wait_for(&self, what: &str) -> String {
        let mut last = String::new();
        let seen = wait_for(Duration::from_secs(20), || {
            last = self.screen();
            last.contains(what)
        });
        assert!(seen, "the screen never showed '{what}':\n{last}");
        last
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

#[test]
fn open_search_log_a_call_and_quit_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: skipping the real-terminal test (apt-get install tmux)");
        return;
    }
    let _one_at_a_time = crate::common::heavy();
    let k = Kehu::uninitialised();
    k.ok(&["init", "--demo"]);
    let name = format!("kehu-test-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_kehu");
    let command = format!(
        "KEHU_DB='{}' KEHU_USER=tmuxer KEHU_NOW=2026-11-22T10:00:00+08:00 '{bin}'; echo EXITED-$?; sleep 30",
        k.db.display()
    );
    let s = Session::start(name, (100, 30), &command);
    s.wait_for("4 Queue");
    s.send(&["/"]);
    s.text("zhang");
    s.send(&["BSpace", "BSpace", "BSpace", "BSpace", "BSpace"]);
    s.text("张伟");
    s.wait_for("found");
    s.send(&["Enter"]);
    s.wait_for("上海星辰科技有限公司");
    s.send(&["l"]);
    s.wait_for("Log an interaction with 张伟");
    s.text("Called from tmux");
    s.send(&["Enter"]);
    s.wait_for("logged the call");
    s.quit();

    let out = k.ok(&["customer", "list", "--search", "张伟", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = v[0]["id"].as_i64().unwrap().to_string();
    let entries = k.json(&["interaction", "list", &id, "--json"]);
    assert_eq!(entries[0]["summary"], "Called from tmux");
    assert_eq!(entries[0]["by"], "tmuxer");
}

/// What the walk waits for on screen, in the language it runs in.
struct Words {
    lang: &'static str,
    found: &'static str,
    log_title: &'static str,
    email: &'static str,
    scheduled: &'static str,
    due_today: &'static str,
    queue_scope: &'static str,
    undone: &'static str,
}

const EN: Words = Words {
    lang: "en",
    found: "found",
    log_title: "Log an interaction with 张伟",
    email: "email",
    scheduled: "scheduled the follow-up",
    due_today: " due today",
    queue_scope: "all customers ",
    undone: "undone",
};

const ZH: Words = Words {
    lang: "zh",
    found: "找到",
    log_title: "张伟",
    email: "邮件",
    scheduled: "安排了下次跟进",
    due_today: " 项今天到期",
    queue_scope: "全部客户",
    undone: "已撤销",
};

/// The walk a new user takes, at 80×24 with colours off: find a customer, log an e-mail with a
/// follow-up (the kind picked with →), see the follow-up in the queue, undo it, check the raw
/// escapes keep the selection in reverse video, then resolve an edit conflict with a teammate.
fn walk(w: &Words) {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: skipping the real-terminal walk (apt-get install tmux)");
        return;
    }
    let _one_at_a_time = crate::common::heavy();
    let k = Kehu::uninitialised();
    k.ok(&["init", "--demo"]);
    let name = format!("kehu-walk-{}-{}", w.lang, std::process::id());
    let bin = env!("CARGO_BIN_EXE_kehu");
    let command = format!(
        "NO_COLOR=1 KEHU_DB='{}' KEHU_USER=walker KEHU_NOW=2026-11-22T10:00:00+08:00 '{bin}' --lang {}; echo EXITED-$?; sleep 30",
        k.db.display(),
        w.lang
    );
    let s = Session::start(name, (80, 24), &command);
    s.wait_for("4 ");
    // Search by pinyin initials.
    s.send(&["/"]);
    s.text("zw");
    s.wait_for(w.found);
    s.send(&["Enter"]);
    s.wait_for("张伟");
    let id = {
        let out = k.ok(&["customer", "list", "--search", "张伟", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v[0]["id"].as_i64().unwrap().to_string()
    };
    // How many to-dos are due today, as the status bar counts them.
    let due_today = |screen: &str| -> usize {
        let line = screen
            .lines()
            .find(|l| l.contains(w.due_today))
            .unwrap_or_default();
        let head = &line[..line.find(w.due_today).unwrap_or(0)];
        let digits: String = head
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits
            .chars()
            .rev()
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    };
    let first = s.wait_for(w.due_today);
    let n = due_today(&first);
    // And how many rows the Today queue has (its title: "… all customers (79)").
    let queue: usize = first
        .lines()
        .find_map(|l| l.split(w.queue_scope).nth(1))
        .and_then(|rest| rest.trim_start_matches('(').split(')').next())
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("no Today count in the queue's title:\n{first}"));
    assert!(
        n > 0,
        "no due-today count on the status line:\n{}",
        s.screen()
    );
    // Log an e-mail (the picker's → from the default call) with a follow-up.
    s.send(&["l"]);
    s.wait_for(w.log_title);
    s.send(&["BTab", "Right"]);
    s.wait_for("←/→");
    s.wait_for(w.email);
    s.send(&["Tab"]);
    s.text("walked through tmux");
    s.send(&["Tab", "Tab", "Tab"]);
    s.text("call back after the walk");
    s.send(&["Tab"]);
    s.text("today");
    s.send(&["Enter"]);
    s.wait_for(w.scheduled);
    let entries = k.json(&["interaction", "list", &id, "--json"]);
    assert_eq!(entries[0]["summary"], "walked through tmux");
    assert_eq!(entries[0]["kind"], "email");
    // The follow-up is due today: the status bar counts it, the queue lists it.
    s.wait_for(&format!("{}{}", n + 1, w.due_today));
    s.send(&["4"]);
    // The count may already show before the key is taken: wait for the queue to have the focus.
    s.wait_for("▶ 4 ");
    s.wait_for(&format!("{}({})", w.queue_scope, queue + 1));
    // Colours off: the selected queue row is reverse video, never reset by an empty SGR.
    let raw = s.tmux(&["capture-pane", "-e", "-p", "-t", &s.0]);
    assert!(
        raw.contains("\u{1b}[7m"),
        "no reverse video under NO_COLOR:\n{raw:?}"
    );
    assert!(
        !raw.contains("\u{1b}[;m"),
        "an empty SGR resets reverse video:\n{raw:?}"
    );
    // Undo takes the log and its follow-up back.
    s.send(&["u"]);
    s.wait_for(w.undone);
    s.wait_for(&format!("{n}{}", w.due_today));
    let entries = k.json(&["interaction", "list", &id, "--json"]);
    assert_ne!(
        entries[0]["summary"], "walked through tmux",
        "the undo did not undo"
    );
    // An edit conflict at 80×24: a teammate saves the same field first.
    s.send(&["1", "e"]);
    s.wait_for("▶");
    k.ok(&[
        "--user",
        "teammate",
        "customer",
        "edit",
        &id,
        "--company",
        "Theirs Ltd",
    ]);
    s.send(&["Tab", "C-u"]);
    s.text("Mine Ltd");
    s.send(&["Enter"]);
    let conflict = s.wait_for("Ctrl-o");
    assert!(
        conflict.contains("teammate"),
        "who changed it is not on screen:\n{conflict}"
    );
    s.send(&["C-o"]);
    let saved = wait_for(Duration::from_secs(20), || {
        k.json(&["customer", "show", &id, "--json"])["company"] == "Mine Ltd"
    });
    assert!(saved, "Ctrl-o did not save over theirs:\n{}", s.screen());
    // The form closes once saved (until then q would be typed into it).
    s.wait_gone("Ctrl-o");
    s.quit();
}

#[test]
fn a_new_users_walk_in_english() {
    walk(&EN);
}

#[test]
fn a_new_users_walk_in_chinese() {
    walk(&ZH);
}

/// The real binary reads the user's `[keys]` at start-up: the rebound key works in a real
/// terminal, the old one is free, and a line it cannot use is said with its number.
#[test]
fn keys_from_the_config_file_work_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: skipping the real-terminal test (apt-get install tmux)");
        return;
    }
    let _one_at_a_time = crate::common::heavy();
    let k = Kehu::uninitialised();
    k.ok(&["init", "--demo"]);
    let config = k.dir.path().join("config.toml");
    std::fs::write(&config, "[keys]\nlog_interaction = \"L\"\nfly = \"x\"\n").unwrap();
    let name = format!("kehu-keys-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_kehu");
    let command = format!(
        "KEHU_CONFIG='{}' KEHU_DB='{}' KEHU_USER=tmuxer KEHU_LANG=en KEHU_NOW=2026-11-22T10:00:00+08:00 '{bin}'; echo EXITED-$?; sleep 30",
        config.display(),
        k.db.display()
    );
    let s = Session::start(name, (120, 30), &command);
    s.wait_for("4 Queue");
    s.wait_for("line 3 of [keys]");
    s.send(&["l"]);
    s.wait_for("does nothing");
    s.send(&["L"]);
    s.wait_for("Log an interaction with");
    s.send(&["Escape"]);
    s.wait_gone("Log an interaction with");
    s.quit();
}
