//! The real binary in a real terminal (tmux): open, search, log a call, quit — then the CLI
//! confirms the call was saved. Skipped with a note when tmux is missing (`.ci/run` installs it).

use std::process::Command;
use std::time::Duration;

use crate::common::{Kehu, wait_for};

struct Session(String);

impl Session {
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
    let s = Session(name.clone());
    s.tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "100",
        "-y",
        "30",
        &command,
    ]);
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
    s.send(&["q"]);
    let end = s.wait_for("EXITED-");
    assert!(end.contains("EXITED-0"), "kehu exited badly:\n{end}");

    let out = k.ok(&["customer", "list", "--search", "张伟", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = v[0]["id"].as_i64().unwrap().to_string();
    let entries = k.json(&["interaction", "list", &id, "--json"]);
    assert_eq!(entries[0]["summary"], "Called from tmux");
    assert_eq!(entries[0]["by"], "tmuxer");
}
