//! Screen speed at scale: `cargo bench --bench screen` (add `-- --db PATH` to keep the database,
//! `--customers N --interactions N` to change its size).
//!
//! On the grown book the figures bench uses (100,000 customers and 1,000,000 interactions that
//! came in through CSV imports, edits and stage changes; grown once and kept), drives the
//! screen's own loop (`kehu::tui::drive`, the one a terminal drives) into an off-screen 120×40
//! terminal, typing keys down the same channel the terminal's reader thread uses, and times:
//! - start-up: from opening to the first frame that shows customers;
//! - moving the selection: key press to the frame that shows it, a held arrow key (30 a second);
//! - search: key press to the frame that shows that keystroke's results, and the slowest
//!   frame drawn meanwhile.
//!
//! The screen's resident memory is read from /proc once the index is built (Linux).
//!
//! Anchors, measured in the same run on the same customers (one line each: name, company, city,
//! phone) for the same 63 queries: a full scan with skim's matcher (fuzzy-matcher, one thread)
//! and with nucleo's (one thread), scored and sorted; and `fzf --filter` over a file of those
//! lines, the whole process, when fzf is installed.

mod common;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use kehu::store::Ctx;
use kehu::tui::App;
use kehu::tui::wake::Wake;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use common::{bench_clock, grown_book, median};

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 95 / 100).min(v.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// What the bench sees of each frame the loop draws.
struct Seen {
    /// When the frame was on the (off-screen) terminal.
    at: Instant,
    /// How long drawing it took.
    took: Duration,
    rows: usize,
    selected_id: Option<i64>,
    search: String,
    /// The frame shows the results of the newest query.
    answered: bool,
    index_built: bool,
    idle: bool,
}

impl Seen {
    fn of(app: &App, took: Duration) -> Seen {
        let s = &app.state;
        Seen {
            at: Instant::now(),
            took,
            rows: s.list.rows.len(),
            selected_id: s.list.rows.get(s.list.selected).map(|c| c.id),
            search: s.search.text.clone(),
            answered: s.search.answered == s.search.version || s.search.text.trim().is_empty(),
            index_built: s.search_index.is_some(),
            idle: app.idle(),
        }
    }
}

/// The bench's hands: keys go down the loop's wake channel, frames come back.
struct Typist {
    wakes: Sender<Wake>,
    frames: Receiver<Seen>,
}

impl Typist {
    fn press(&self, code: KeyCode, modifiers: KeyModifiers) -> Instant {
        let sent = Instant::now();
        let key = Event::Key(KeyEvent::new(code, modifiers));
        self.wakes.send(Wake::Input(Ok(key))).expect("loop running");
        sent
    }

    /// The first frame from now on that satisfies `wanted`; panics after `limit`.
    fn until(&self, what: &str, limit: Duration, mut wanted: impl FnMut(&Seen) -> bool) -> Seen {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.frames.recv_timeout(left) {
                Ok(seen) if wanted(&seen) => return seen,
                Ok(seen) => {
                    if std::env::var_os("BENCH_DEBUG").is_some() {
                        eprintln!(
                            "frame: rows {} selected {:?} search {:?} answered {} idle {}",
                            seen.rows, seen.selected_id, seen.search, seen.answered, seen.idle
                        );
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("no frame {what} within {limit:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the screen stopped"),
            }
        }
    }
}

/// The script ends the screen however it ends, a failed wait included.
impl Drop for Typist {
    fn drop(&mut self) {
        let quit = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        let _ = self.wakes.send(Wake::Input(Ok(quit)));
    }
}

/// Opens the screen and runs its loop on this thread while `script` types on another; returns
/// what the script returns and when the screen was opened.
fn screen<T: Send + 'static>(
    path: &std::path::Path,
    ctx: &Ctx,
    script: impl FnOnce(Typist, Instant) -> T + Send + 'static,
) -> T {
    let opened = Instant::now();
    let mut app = App::new(path, ctx.clone(), "bench".into()).expect("open");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let (wakes, woken) = channel();
    app.listen(wakes.clone());
    let (frames_tx, frames) = channel();
    let typing = std::thread::spawn(move || script(Typist { wakes, frames }, opened));
    kehu::tui::drive::drive(
        &mut terminal,
        &mut app,
        &woken,
        &mut |_, _| Ok(()),
        &mut |app, took| {
            let _ = frames_tx.send(Seen::of(app, took));
        },
    )
    .expect("loop");
    typing.join().expect("script")
}

/// This process's resident memory in MB (Linux), if it can be read.
fn resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Moves of the selection measured, at the key-repeat rate of a held arrow key.
const MOVES: usize = 600;
const KEY_REPEAT: Duration = Duration::from_millis(33);

const QUERIES: [&str; 9] = [
    "zhang wei 12",
    "garcía 5",
    "1380000",
    "smith anna",
    "王芳 9",
    "zw",
    "wangfang",
    "shanghai",
    "公司12",
];

struct Figures {
    index_built: Duration,
    resident_mb: Option<f64>,
    moves: Vec<Duration>,
    keystrokes: Vec<Duration>,
    slowest_frame: Duration,
}

/// Every prefix of every query, as typed.
fn keystrokes() -> Vec<String> {
    QUERIES
        .iter()
        .flat_map(|q| {
            let chars: Vec<char> = q.chars().collect();
            (1..=chars.len()).map(move |n| chars[..n].iter().collect::<String>())
        })
        .collect()
}

/// Median and p95 of `measure` over every keystroke.
fn anchor(name: &str, mut measure: impl FnMut(&str) -> Duration) {
    let times: Vec<Duration> = keystrokes().iter().map(|q| measure(q)).collect();
    println!(
        "anchor, {name}: median {} (p95 {})",
        ms(median(times.clone())),
        ms(p95(times))
    );
}

fn anchors(path: &std::path::Path, ctx: &Ctx) {
    let store = kehu::store::Store::open(path, kehu::store::OpenMode::Existing, ctx).expect("open");
    let lines: Vec<String> = store
        .read(|c| kehu::store::customers::list(c, &Default::default()))
        .expect("customers")
        .into_iter()
        .map(|c| {
            let f = c.fields;
            [Some(f.name), f.company, f.city, f.phone]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    use fuzzy_matcher::FuzzyMatcher;
    let skim = fuzzy_matcher::skim::SkimMatcherV2::default();
    anchor("skim scan (one thread)", |q| {
        let started = Instant::now();
        let mut hits: Vec<(i64, usize)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| skim.fuzzy_match(l, q).map(|s| (s, i)))
            .collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        started.elapsed()
    });
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    let mut nucleo = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
    // As nucleo keeps them: converted once, as kehu's index keeps its folded keys.
    let kept: Vec<nucleo_matcher::Utf32String> = lines.iter().map(|l| l.as_str().into()).collect();
    anchor("nucleo scan (one thread)", |q| {
        let started = Instant::now();
        let pattern = Pattern::parse(q, CaseMatching::Smart, Normalization::Smart);
        let mut hits: Vec<(u32, usize)> = kept
            .iter()
            .enumerate()
            .filter_map(|(i, h)| pattern.score(h.slice(..), &mut nucleo).map(|s| (s, i)))
            .collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        started.elapsed()
    });
    let file = std::env::temp_dir().join(format!("kehu-bench-lines-{}", std::process::id()));
    std::fs::write(&file, lines.join("\n")).expect("lines file");
    let fzf = |q: &str| {
        let input = std::fs::File::open(&file).expect("lines file");
        let started = Instant::now();
        std::process::Command::new("fzf")
            .args(["--filter", q])
            .stdin(input)
            .stdout(std::process::Stdio::null())
            .status()
            .map(|_| started.elapsed())
    };
    if fzf("a").is_ok() {
        anchor("`fzf --filter`, the whole process", |q| {
            fzf(q).unwrap_or_default()
        });
    } else {
        println!("anchor, `fzf --filter`: fzf is not installed (apt-get install fzf)");
    }
    let _ = std::fs::remove_file(&file);
}

fn main() {
    let path = grown_book();
    let ctx = Ctx::new("bench", bench_clock());
    measure("file", &path, &ctx);
    anchors(&path, &ctx);
    if let Some(server) = server_book(&path, &ctx) {
        measure("server", &server, &ctx);
    }
}

/// A copy of the book on the server named by `--server ADDRESS` (a database where kehu may
/// create its schema), made once with `kehu copy` and kept; `None` without the option.
fn server_book(file: &std::path::Path, ctx: &Ctx) -> Option<std::path::PathBuf> {
    use kehu::store::{OpenMode, Store};
    let address = std::path::PathBuf::from(common::arg("--server")?);
    let server =
        Store::open(&address, OpenMode::Create { shared: false }, ctx).expect("the server");
    let customers = server.read(kehu::store::customers::count).expect("count");
    if customers == 0 {
        let source = Store::open(file, OpenMode::Existing, ctx).expect("the book");
        let started = Instant::now();
        kehu::store::copy::copy(&source, &server, &mut |_, _| {}).expect("copy");
        println!(
            "copied the book to the server in {:.1} s (kehu copy)",
            started.elapsed().as_secs_f64()
        );
    }
    Some(address)
}

/// Every figure of the screen, a save and the report, on the book at `path`.
fn measure(label: &str, path: &std::path::Path, ctx: &Ctx) {
    println!("== on the {label}");
    let long = Duration::from_secs(120);

    let figures = screen(path, ctx, move |t, opened| {
        let built = t.until("with the index", long, |s| s.index_built);
        let index_built = built.at - opened;
        let settled = if built.idle {
            built
        } else {
            t.until("idle after the index", long, |s| s.idle)
        };
        let resident_mb = resident_mb();

        // Moving the selection through the list (pages load around it as it goes).
        let mut moves = Vec::new();
        let mut at = settled.selected_id;
        for _ in 0..MOVES {
            let sent = t.press(KeyCode::Down, KeyModifiers::NONE);
            let seen = t.until("with the selection moved", long, |s| {
                s.selected_id != at && s.selected_id.is_some()
            });
            at = seen.selected_id;
            moves.push(seen.at - sent);
            // A held key: the terminal repeats it 30 times a second.
            std::thread::sleep(KEY_REPEAT.saturating_sub(sent.elapsed()));
        }

        // Search: each keystroke to the frame showing its results.
        let mut keystrokes = Vec::new();
        let mut slowest_frame = Duration::ZERO;
        for query in QUERIES {
            t.press(KeyCode::Char('/'), KeyModifiers::NONE);
            let mut typed = String::new();
            for c in query.chars() {
                typed.push(c);
                let sent = t.press(KeyCode::Char(c), KeyModifiers::NONE);
                let seen = t.until("with the results", long, |s| {
                    slowest_frame = slowest_frame.max(s.took);
                    s.search == typed && s.answered
                });
                keystrokes.push(seen.at - sent);
            }
            t.press(KeyCode::Esc, KeyModifiers::NONE);
            t.until("idle after Esc", long, |s| s.search.is_empty() && s.idle);
        }
        Figures {
            index_built,
            resident_mb,
            moves,
            keystrokes,
            slowest_frame,
        }
    });
    println!(
        "search index built in the background: {:.0} ms after opening",
        figures.index_built.as_secs_f64() * 1000.0
    );
    if let Some(mb) = figures.resident_mb {
        println!("resident memory with the index built: {mb:.0} MB");
    }
    println!(
        "moving the selection: median {} (p95 {}) over {} moves",
        ms(median(figures.moves.clone())),
        ms(p95(figures.moves.clone())),
        figures.moves.len()
    );
    println!(
        "search, key press to the frame with its results: median {} (p95 {}) over {} keystrokes; slowest frame drawn {}",
        ms(median(figures.keystrokes.clone())),
        ms(p95(figures.keystrokes.clone())),
        figures.keystrokes.len(),
        ms(figures.slowest_frame)
    );
    saves_and_report(path, ctx);

    // Last, as a screen closed at once leaves its worker finishing what it was asked (the Today
    // queue of a large book) beside whatever runs next.
    // Start-up: open, and the first frame that shows customers.
    let startups: Vec<Duration> = (0..7)
        .map(|_| {
            screen(path, ctx, move |t, opened| {
                let first = t.until("with customers", long, |s| s.rows > 0);
                first.at - opened
            })
        })
        .collect();
    println!(
        "first frame after start-up: median {} (p95 {})",
        ms(median(startups.clone())),
        ms(p95(startups))
    );
}

/// A save (a customer's city, with its change log, in its own transaction) 200 times, and the
/// report as a user runs it (`kehu report`, the whole process), three times.
fn saves_and_report(path: &std::path::Path, ctx: &Ctx) {
    use kehu::store::{OpenMode, Store, customers};
    let store = Store::open(path, OpenMode::Existing, ctx).expect("open");
    let mut saves = Vec::new();
    for round in 0..200i64 {
        let id = 1 + round * 97;
        let Ok(c) = store.read(|x| customers::get(x, id)) else {
            continue;
        };
        let mut fields = c.fields.clone();
        fields.city = Some(format!("Bench City {round}"));
        let started = Instant::now();
        store
            .write(|x| customers::update(x, ctx, id, c.audit.version, &fields, &c.tags))
            .expect("save");
        saves.push(started.elapsed());
    }
    println!(
        "a save (customer edit + change log, one transaction): median {} (p95 {}) over {} saves",
        ms(median(saves.clone())),
        ms(p95(saves.clone())),
        saves.len()
    );
    let reports: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_kehu"))
                .env("KEHU_DB", path)
                .env("KEHU_NOW", common::NOW)
                .env("KEHU_USER", "li.na")
                .arg("report")
                .output()
                .expect("kehu report");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            started.elapsed()
        })
        .collect();
    println!(
        "`kehu report` (the whole process): median {} of 3",
        ms(median(reports))
    );
}
