//! The shared file on the worst network drive there is: SQLite opened with no locking at all
//! (`KEHU_TEST_NO_FILE_LOCKS=1` selects the `unix-none` VFS under kehu's), so only kehu's own lock
//! stands between writers — and across two real sshfs mounts of one folder where FUSE and an SSH
//! server are available. Plus the lock's behaviour a user sees: who holds it, dead holders.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Kehu, command_for};

const WRITERS: usize = 8;
const WRITES: usize = 250;

/// What one run of the mixed workload saw.
#[derive(Debug, Default)]
struct Outcome {
    acknowledged: usize,
    missing: Vec<String>,
    duplicates: Vec<String>,
    errors: Vec<String>,
    integrity: String,
    /// When each writer finished, in seconds from the start: shows whether one starved.
    finished: Vec<f64>,
}

/// Prepares a database at `dbs[0]` with one customer and 84 to-dos per writer; `shared` is the
/// team's choice of kehu's lock (`init --shared`), else the guard decides.
fn prepare(dbs: &[PathBuf], dir: &Path, env: &[(&str, &str)], shared: bool) {
    let run = |args: &[&str]| {
        let out = command_for(&dbs[0])
            .envs(env.iter().copied())
            .args(args)
            .output()
            .expect("run kehu");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(if shared {
        &["init", "--shared"]
    } else {
        &["init"]
    });
    let mut setup = String::new();
    for w in 0..WRITERS {
        setup.push_str(&format!("customer add --name \"Writer {w}\"\n"));
    }
    for w in 0..WRITERS {
        for t in 0..84 {
            setup.push_str(&format!(
                "todo add {} --title \"w{w} t{t}\" --due today\n",
                w + 1
            ));
        }
    }
    std::fs::write(dir.join("setup.txt"), setup).unwrap();
    run(&["batch", "--atomic", dir.join("setup.txt").to_str().unwrap()]);
}

/// 8 writers × 250 mixed writes (logs, field edits, to-do completions) and 2 readers, the
/// writers spread over `dbs` (one path per "machine"); then everything is counted in the file at
/// `counted` (on a network mount: the server's own copy).
fn mixed_workload(dbs: &[PathBuf], counted: &Path, dir: &Path, env: &[(&str, &str)]) -> Outcome {
    let todo_id = |w: usize, t: usize| 1 + w * 84 + t;
    let writers: Vec<Child> = (0..WRITERS)
        .map(|w| {
            let mut lines = String::new();
            for i in 0..WRITES {
                lines.push_str(&match i % 3 {
                    0 => format!("log {} --kind note --summary \"w{w} i{i}\"\n", w + 1),
                    1 => format!("customer edit {} --field k{i}=v{i}\n", w + 1),
                    _ => format!("todo done {}\n", todo_id(w, i / 3)),
                });
            }
            let file = dir.join(format!("w{w}.txt"));
            std::fs::write(&file, lines).unwrap();
            command_for(&dbs[w % dbs.len()])
                .env("KEHU_BUSY_SECONDS", "120")
                .envs(env.iter().copied())
                .env("KEHU_USER", format!("writer{w}"))
                .args(["batch", file.to_str().unwrap()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn kehu")
        })
        .collect();
    // Readers run while any writer does.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|r| {
            let db = dbs[r % dbs.len()].clone();
            let env: Vec<(String, String)> = env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut errors = Vec::new();
                let mut runs = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || runs == 0 {
                    runs += 1;
                    let args: &[&str] = if runs % 2 == 0 {
                        &["customer", "list", "--json"]
                    } else {
                        &["today", "--json"]
                    };
                    let out = command_for(&db)
                        .env("KEHU_BUSY_SECONDS", "120")
                        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                        .args(args)
                        .output()
                        .expect("run reader");
                    if !out.status.success() {
                        errors.push(String::from_utf8_lossy(&out.stderr).to_string());
                    }
                }
                errors
            })
        })
        .collect();
    let mut outcome = Outcome::default();
    let began = Instant::now();
    let waits: Vec<_> = writers
        .into_iter()
        .map(|c| {
            std::thread::spawn(move || (c.wait_with_output().expect("writer"), began.elapsed()))
        })
        .collect();
    let outputs: Vec<_> = waits
        .into_iter()
        .map(|w| {
            let (out, took) = w.join().expect("writer");
            outcome.finished.push(took.as_secs_f64());
            out
        })
        .collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        outcome.errors.extend(r.join().expect("reader"));
    }
    for out in &outputs {
        outcome.acknowledged += String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("ok "))
            .count();
        let err = String::from_utf8_lossy(&out.stderr);
        if !err.trim().is_empty() {
            outcome.errors.push(err.to_string());
        }
    }
    // Counted with plain SQLite, independently of kehu.
    let conn = rusqlite::Connection::open(counted).expect("open for counting");
    outcome.integrity = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    for w in 0..WRITERS {
        for i in 0..WRITES {
            let (sql, key) = match i % 3 {
                0 => (
                    "SELECT count(*) FROM interaction WHERE customer_id = ?1 AND summary = ?2",
                    format!("w{w} i{i}"),
                ),
                1 => (
                    "SELECT count(*) FROM customer WHERE id = ?1 AND json_extract(custom_fields, '$.' || ?2) IS NOT NULL",
                    format!("k{i}"),
                ),
                _ => (
                    "SELECT count(*) FROM todo WHERE customer_id = ?1 AND title = ?2 AND status = 'done'",
                    format!("w{w} t{}", i / 3),
                ),
            };
            let n: i64 = conn
                .query_row(sql, rusqlite::params![w as i64 + 1, key], |r| r.get(0))
                .unwrap_or(-1);
            if n < 1 {
                outcome.missing.push(format!("writer {w} write {i}"));
            } else if n > 1 {
                outcome.duplicates.push(format!("writer {w} write {i}"));
            }
        }
    }
    outcome
}

fn assert_whole(run: &str, o: &Outcome) {
    assert_eq!(o.integrity, "ok", "{run}: integrity");
    assert_eq!(
        o.acknowledged,
        WRITERS * WRITES,
        "{run}: acknowledged writes; errors: {:?}",
        o.errors.iter().take(4).collect::<Vec<_>>()
    );
    assert!(o.missing.is_empty(), "{run}: missing {:?}", o.missing);
    assert!(
        o.duplicates.is_empty(),
        "{run}: duplicated {:?}",
        o.duplicates
    );
    let malformed = o.errors.iter().filter(|e| e.contains("malformed")).count();
    assert_eq!(malformed, 0, "{run}: malformed errors");
    assert!(o.errors.is_empty(), "{run}: errors {:?}", o.errors);
}

/// A live screen on the same file, in tmux when it is installed (it reads every second).
struct Screen(Option<String>);

impl Screen {
    fn open(db: &Path, env: &[(&str, &str)]) -> Screen {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("tmux is not installed: the workload runs without a live screen");
            return Screen(None);
        }
        let name = format!("kehu-lock-{}-{}", std::process::id(), rand_suffix());
        let vars: String = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        let command = format!(
            "{vars}KEHU_DB='{}' KEHU_USER=watcher KEHU_LANG=en '{}'; sleep 60",
            db.display(),
            env!("CARGO_BIN_EXE_kehu")
        );
        let _ = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "100",
                "-y",
                "30",
                &command,
            ])
            .output();
        Screen(Some(name))
    }

    fn text(&self) -> String {
        let Some(name) = &self.0 else {
            return String::new();
        };
        Command::new("tmux")
            .args(["capture-pane", "-p", "-t", name])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        if let Some(name) = &self.0 {
            let _ = Command::new("tmux")
                .args(["kill-session", "-t", name])
                .output();
        }
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000)
        .unwrap_or(0)
}

#[test]
fn with_no_file_locks_at_all_five_runs_lose_and_corrupt_nothing() {
    let _one_at_a_time = crate::common::heavy();
    let env = [("KEHU_TEST_NO_FILE_LOCKS", "1")];
    for run in 0..5 {
        let k = Kehu::uninitialised();
        let dbs = vec![k.db.clone()];
        prepare(&dbs, k.dir.path(), &env, true);
        let screen = Screen::open(&k.db, &env);
        let outcome = mixed_workload(&dbs, &dbs[0], k.dir.path(), &env);
        assert_whole(&format!("run {run}"), &outcome);
        if screen.0.is_some() {
            let shown = screen.text();
            assert!(
                shown.contains("Writer") && !shown.contains("malformed"),
                "the live screen kept working:\n{shown}"
            );
        }
        let check = command_for(&k.db).envs(env).arg("check").output().unwrap();
        let text = String::from_utf8_lossy(&check.stdout);
        assert!(text.contains("kehu's own lock"), "{text}");
        assert_eq!(text.lines().last(), Some("ok"), "{text}");
    }
}

/// 8 writers × 250 and 4 readers on a local disk with SQLite's own locks and the default 10 s
/// budget, 10 runs: no write is ever refused as busy (writers are not starved).
#[test]
fn ten_runs_of_eight_writers_and_four_readers_refuse_nothing_as_busy() {
    let _one_at_a_time = crate::common::heavy();
    for run in 0..10 {
        let k = Kehu::uninitialised();
        k.ok(&["init"]);
        let mut setup = String::new();
        for w in 0..WRITERS {
            setup.push_str(&format!("customer add --name \"Writer {w}\"\n"));
        }
        std::fs::write(k.dir.path().join("setup.txt"), setup).unwrap();
        k.ok(&[
            "batch",
            "--atomic",
            k.dir.path().join("setup.txt").to_str().unwrap(),
        ]);
        let writers: Vec<Child> = (0..WRITERS)
            .map(|w| {
                let lines: String = (0..WRITES)
                    .map(|i| match i % 2 {
                        0 => format!("log {} --kind note --summary \"w{w} i{i}\"\n", w + 1),
                        _ => format!("customer edit {} --field k{i}=v{i}\n", w + 1),
                    })
                    .collect();
                let file = k.dir.path().join(format!("w{w}.txt"));
                std::fs::write(&file, lines).unwrap();
                command_for(&k.db)
                    .env("KEHU_USER", format!("writer{w}"))
                    .args(["batch", file.to_str().unwrap()])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn kehu")
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(300);
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let db = k.db.clone();
                std::thread::spawn(move || {
                    let mut errors = Vec::new();
                    for i in 0..15 {
                        if Instant::now() > deadline {
                            break;
                        }
                        let args: &[&str] = if i % 2 == 0 {
                            &["customer", "list", "--json"]
                        } else {
                            &["report", "--json"]
                        };
                        let out = command_for(&db).args(args).output().expect("reader");
                        if !out.status.success() {
                            errors.push(String::from_utf8_lossy(&out.stderr).to_string());
                        }
                    }
                    errors
                })
            })
            .collect();
        let mut refused = Vec::new();
        for c in writers {
            let out = c.wait_with_output().expect("writer");
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            let acks = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.starts_with("ok "))
                .count();
            if acks != WRITES || !err.trim().is_empty() {
                refused.push(format!("{acks} acknowledged; {err}"));
            }
        }
        for r in readers {
            refused.extend(r.join().expect("reader"));
        }
        assert!(refused.is_empty(), "run {run}: {refused:?}");
    }
}

/// A waiting command names who holds kehu's lock; a lock left by a process of this machine that
/// has ended is taken over at once, and the user is told whose it was.
#[test]
fn the_lock_names_its_holder_and_a_dead_holder_is_taken_over() {
    let k = Kehu::uninitialised();
    k.ok(&["init", "--shared"]);
    let lock = k.dir.path().join("kehu.db-lock");
    let holder = |host: &str, pid: u32| {
        serde_json::json!({
            "user": "wang.fang", "host": host, "pid": pid,
            "since": "2026-11-22T02:00:00.000Z", "nonce": 42, "beat": 0
        })
        .to_string()
    };
    // Held by a teammate on another machine: the command waits its budget and names them.
    std::fs::create_dir(&lock).unwrap();
    std::fs::write(lock.join("holder"), holder("pc-7", 4242)).unwrap();
    let out = k
        .command()
        .env("KEHU_BUSY_SECONDS", "0.5")
        .args(["customer", "add", "--name", "Blocked"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("wang.fang on pc-7 (process 4242)") && err.contains("nothing was written"),
        "{err}"
    );
    // Held by a process of this machine that has ended: taken over at once.
    let (host, dead) = (crate::common::host_name(), crate::common::dead_pid());
    std::fs::write(lock.join("holder"), holder(&host, dead)).unwrap();
    let out = k
        .command()
        .env("KEHU_BUSY_SECONDS", "5")
        .args(["customer", "add", "--name", "After"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("took over") && err.contains("wang.fang"),
        "{err}"
    );
    assert!(!lock.exists(), "the lock is given back after the command");
    assert_eq!(
        k.json(&["customer", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// The guard sees the file systems whose locks lie and `check` says what protects the file.
#[test]
fn check_says_which_locking_protects_the_file() {
    let k = Kehu::new();
    let text = k.ok(&["check"]);
    assert!(
        text.starts_with("locking: SQLite's own file locks"),
        "{text}"
    );
    let shared = Kehu::uninitialised();
    shared.ok(&["init", "--shared"]);
    let text = shared.ok(&["check"]);
    assert!(
        text.starts_with("locking: kehu's own lock") && text.contains("the team chose it"),
        "{text}"
    );
}

// ---- Two sshfs mounts of one folder: two "machines" whose byte-range locks do not meet. ----

struct Sshfs {
    dir: tempfile::TempDir,
    sshd: Child,
    mounts: Vec<PathBuf>,
}

impl Sshfs {
    /// A throwaway sshd on 127.0.0.1 and two sshfs mounts of one folder, or why not.
    fn start() -> Result<Sshfs, String> {
        let have = |p: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {p}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !Path::new("/dev/fuse").exists() {
            return Err("/dev/fuse is missing (no FUSE on this machine)".into());
        }
        for p in ["sshfs", "ssh-keygen", "fusermount"] {
            if !have(p) {
                return Err(format!(
                    "{p} is not installed (apt-get install sshfs openssh-server)"
                ));
            }
        }
        let sshd_bin = ["/usr/sbin/sshd", "/usr/bin/sshd"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .ok_or("sshd is not installed (apt-get install openssh-server)")?;
        let dir = tempfile::TempDir::new().map_err(|e| e.to_string())?;
        let d = dir.path();
        for key in ["host", "user"] {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(d.join(key))
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return Err("ssh-keygen failed".into());
            }
        }
        std::fs::copy(d.join("user.pub"), d.join("authorized_keys")).map_err(|e| e.to_string())?;
        let port = 20000 + (std::process::id() % 20000) as u16;
        std::fs::write(
            d.join("sshd_config"),
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
                 StrictModes no\nUsePAM no\nPidFile {}\nSubsystem sftp internal-sftp\n",
                d.join("host").display(),
                d.join("authorized_keys").display(),
                d.join("sshd.pid").display()
            ),
        )
        .map_err(|e| e.to_string())?;
        let _ = std::fs::create_dir_all("/run/sshd");
        let sshd = Command::new(sshd_bin)
            .args(["-D", "-e", "-f"])
            .arg(d.join("sshd_config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start sshd: {e}"))?;
        let share = d.join("share");
        std::fs::create_dir_all(&share).map_err(|e| e.to_string())?;
        let user = std::env::var("USER")
            .ok()
            .or_else(|| {
                Command::new("id")
                    .arg("-un")
                    .output()
                    .ok()
                    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            })
            .unwrap_or_else(|| "root".into());
        let mut me = Sshfs {
            dir,
            sshd,
            mounts: Vec::new(),
        };
        // Both with sshfs's defaults, whose 20 s attribute cache once hid the lock's release
        // from the other machine's waiters; now the two interleave writes and each must see the
        // file as the other left it. (A mount with -o dir_cache=no was tried too, but sshfs
        // 3.7.3 sometimes lost its connection under the full suite's load: a flaky test.)
        for m in ["m1", "m2"] {
            let point = me.dir.path().join(m);
            std::fs::create_dir_all(&point).map_err(|e| e.to_string())?;
            // sshd may need a moment to listen: polled, bounded.
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                let status = Command::new("sshfs")
                    .arg(format!("{user}@127.0.0.1:{}", share.display()))
                    .arg(&point)
                    .args(["-p", &port.to_string()])
                    .arg("-o")
                    .arg(format!(
                        "IdentityFile={},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes",
                        me.dir.path().join("user").display()
                    ))
                    .stderr(Stdio::piped())
                    .output()
                    .map_err(|e| e.to_string())?;
                if status.status.success() {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(format!(
                        "sshfs could not mount: {}",
                        String::from_utf8_lossy(&status.stderr).trim()
                    ));
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            me.mounts.push(point);
        }
        Ok(me)
    }
}

impl Drop for Sshfs {
    fn drop(&mut self) {
        for m in &self.mounts {
            let _ = Command::new("fusermount").arg("-u").arg(m).output();
        }
        let _ = self.sshd.kill();
        let _ = self.sshd.wait();
    }
}

#[test]
fn across_two_sshfs_mounts_of_one_folder_nothing_is_lost_or_corrupted() {
    let _one_at_a_time = crate::common::heavy();
    let fs = match Sshfs::start() {
        Ok(fs) => fs,
        Err(why) => {
            eprintln!("skipping the sshfs test: {why}");
            return;
        }
    };
    let dbs: Vec<PathBuf> = fs.mounts.iter().map(|m| m.join("kehu.db")).collect();
    let work = fs.dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    prepare(&dbs, &work, &[], false);
    // The guard sees fuse.sshfs by itself: kehu's lock is on without the team asking.
    let check = command_for(&dbs[1]).arg("check").output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(text.contains("fuse.sshfs"), "{text}");
    let screen = Screen::open(&dbs[1], &[]);
    let started = Instant::now();
    // Counted in the server's folder: plain SQLite through a mount would trust sshfs's cache of
    // which files exist (a deleted journal still listed), the very thing kehu's lock works around.
    let counted = fs.dir.path().join("share").join("kehu.db");
    let outcome = mixed_workload(&dbs, &counted, &work, &[]);
    eprintln!(
        "sshfs: {} writes and 2 readers in {:.1} s; writers finished at {:.0?} s",
        WRITERS * WRITES,
        started.elapsed().as_secs_f64(),
        outcome.finished
    );
    if !outcome.errors.is_empty() {
        // Whether the live screen was still there, and what it said, when something went wrong.
        eprintln!("the live screen:\n{}", screen.text());
    }
    drop(screen);
    assert_whole("sshfs", &outcome);
}
