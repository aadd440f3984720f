//! Layout in both languages: every screen drawn in English and in Chinese at 80×24 and 200×60
//! fills each row exactly (double-width characters measured, none split), keeps every border
//! where the other language has it, and matches its stored snapshot.

use kehu::i18n::{Lang, set_thread_lang};
use ratatui::crossterm::event::KeyCode;
use unicode_width::UnicodeWidthStr;

use crate::tui::{demo_app, press, screen};

// Vertical borders and corners: the horizontal rules hold titles, which differ by language.
const BORDERS: &str = "│┃┌┐└┘┏┓┗┛╔╗╚╝║";

/// Display columns of the border characters on each row.
fn borders(screen: &str) -> Vec<Vec<usize>> {
    screen
        .lines()
        .map(|line| {
            let mut col = 0;
            let mut found = Vec::new();
            for c in line.chars() {
                if BORDERS.contains(c) {
                    found.push(col);
                }
                col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            }
            found
        })
        .collect()
}

fn draw_in(app: &mut kehu::tui::App, lang: Lang, w: u16, h: u16) -> String {
    set_thread_lang(Some(lang));
    let s = screen(app, w, h);
    set_thread_lang(None);
    s
}

/// Compares with `tests/snapshots/NAME.txt`; `KEHU_UPDATE_SNAPSHOTS=1` writes it instead.
pub(crate) fn snapshot(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("KEHU_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with KEHU_UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert_eq!(
        stored, text,
        "{name} differs from its snapshot (KEHU_UPDATE_SNAPSHOTS=1 rewrites it)"
    );
}

/// A screen: its name, the keys that open it from the list and close it again, and a text that
/// shows it is drawn in English and in Chinese.
type Screen = (
    &'static str,
    &'static [KeyCode],
    &'static [KeyCode],
    &'static str,
    &'static str,
);

#[test]
fn every_screen_keeps_its_layout_in_both_languages() {
    let (_d, mut app) = demo_app();
    let screens: &[Screen] = &[
        ("panes", &[], &[], "Customers", "客户"),
        (
            "form",
            &[KeyCode::Char('a')],
            &[KeyCode::Esc],
            "Add a customer",
            "添加客户",
        ),
        (
            "dashboard",
            &[KeyCode::Char('D')],
            &[KeyCode::Esc],
            "Dashboard",
            "仪表盘",
        ),
        (
            "help",
            &[KeyCode::Char('?')],
            &[KeyCode::Esc],
            "Everywhere",
            "全局",
        ),
        (
            "pipeline",
            &[KeyCode::Char('P')],
            &[KeyCode::Esc],
            "Pipeline",
            "商机看板",
        ),
        (
            "history",
            &[KeyCode::Char('H')],
            &[KeyCode::Esc],
            "History of",
            "变更历史",
        ),
    ];
    for (name, open, close, en_mark, zh_mark) in screens {
        // Opened in each language: a form takes its labels when it opens.
        let mut drawn = Vec::new();
        for lang in [Lang::En, Lang::Zh] {
            set_thread_lang(Some(lang));
            for k in *open {
                press(&mut app, *k);
            }
            for (w, h) in [(80u16, 24u16), (200, 60)] {
                drawn.push(draw_in(&mut app, lang, w, h));
            }
            for k in *close {
                press(&mut app, *k);
            }
            set_thread_lang(None);
        }
        for (i, (w, h)) in [(80u16, 24u16), (200, 60)].into_iter().enumerate() {
            let (en, zh) = (drawn[i].clone(), drawn[i + 2].clone());
            assert!(en.contains(en_mark), "{name} {w}x{h} in English:\n{en}");
            assert!(zh.contains(zh_mark), "{name} {w}x{h} in Chinese:\n{zh}");
            for (lang, text) in [("en", &en), ("zh", &zh)] {
                for (y, line) in text.lines().enumerate() {
                    assert_eq!(
                        line.width(),
                        w as usize,
                        "{name} {lang} {w}x{h} row {y} is not {w} columns:\n{text}"
                    );
                }
            }
            assert_eq!(
                borders(&en),
                borders(&zh),
                "{name} {w}x{h}: borders move between languages\n{en}\n{zh}"
            );
            if w == 80 {
                snapshot(&format!("{name}-80x24-en"), &en);
                snapshot(&format!("{name}-80x24-zh"), &zh);
            }
        }
    }
}
