//! Screen speed at scale: `cargo bench --bench screen` (add `-- --db PATH` to keep the database,
//! `--customers N --interactions N` to change its size).
//!
//! On the grown book the figures bench uses (100,000 customers and 1,000,000 interactions that
//! came in through CSV imports, edits and stage changes; grown once and kept), measures on the
//! real `App` drawing into an off-screen 120×40 terminal:
//! - start-up: from opening to the first frame that shows customers;
//! - moving the selection: key press to the frame that shows it;
//! - search: key press to the frame that shows that keystroke's results.

mod common;
use std::time::{Duration, Instant};

use kehu::store::Ctx;
use kehu::tui::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use common::{bench_clock, grown_book, median};

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 95 / 100).min(v.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let path = grown_book();
    let ctx = Ctx::new("bench", bench_clock());

    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let frame = |app: &mut App, t: &mut Terminal<TestBackend>| {
        t.draw(|f| app.draw(f)).expect("draw");
    };

    // Start-up: open, and draw until the list has rows.
    let mut startups = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let mut app = App::new(&path, ctx.clone(), "bench".into()).expect("open");
        loop {
            app.pump();
            frame(&mut app, &mut terminal);
            if !app.state.list.rows.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        startups.push(started.elapsed());
    }
    println!(
        "first frame after start-up: median {} (p95 {})",
        ms(median(startups.clone())),
        ms(p95(startups))
    );

    let mut app = App::new(&path, ctx.clone(), "bench".into()).expect("open");
    let index_started = Instant::now();
    while app.state.search_index.is_none() {
        app.pump();
        std::thread::sleep(Duration::from_millis(1));
    }
    app.settle(Duration::from_secs(60));
    println!(
        "search index built in the background in {:.0} ms",
        index_started.elapsed().as_secs_f64() * 1000.0
    );

    // Moving the selection through the list (pages load around it as it goes).
    let mut moves = Vec::new();
    for _ in 0..2000 {
        let started = Instant::now();
        app.key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        app.pump();
        frame(&mut app, &mut terminal);
        moves.push(started.elapsed());
    }
    app.settle(Duration::from_secs(10));
    println!(
        "moving the selection: median {} (p95 {}) over 2000 moves",
        ms(median(moves.clone())),
        ms(p95(moves))
    );

    // Search: each keystroke to the frame showing its results.
    let mut keystrokes = Vec::new();
    for query in [
        "zhang wei 12",
        "garcía 5",
        "1380000",
        "smith anna",
        "王芳 9",
        "zw",
        "wangfang",
        "shanghai",
        "公司12",
    ] {
        app.key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
        for c in query.chars() {
            let started = Instant::now();
            app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            loop {
                app.pump();
                if app.state.search.answered == app.state.search.version
                    || app.state.search.text.trim().is_empty()
                {
                    break;
                }
                std::thread::sleep(Duration::from_micros(50));
            }
            frame(&mut app, &mut terminal);
            keystrokes.push(started.elapsed());
        }
        app.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        app.settle(Duration::from_secs(10));
    }
    println!(
        "search, key press to the frame with its results: median {} (p95 {}) over {} keystrokes",
        ms(median(keystrokes.clone())),
        ms(p95(keystrokes.clone())),
        keystrokes.len()
    );
}
