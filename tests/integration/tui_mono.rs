//! `NO_COLOR`: the screen loses no cue. No cell carries a colour, the selection is reverse video,
//! placeholders are dim, and the symbols that stand beside each colour stay.

use kehu::tui::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};

use crate::tui::{demo_app, press};
use crate::tui_layout::snapshot;

fn draw(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    t.backend().buffer().clone()
}

/// The screen as text with reverse-video runs in «» and dim runs in ‹›.
fn marked(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let (mut rev, mut dim, mut skip) = (false, false, 0);
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            let (r, d) = (
                cell.modifier.contains(Modifier::REVERSED),
                cell.modifier.contains(Modifier::DIM),
            );
            if d != dim {
                out.push(if d { '‹' } else { '›' });
                dim = d;
            }
            if r != rev {
                out.push(if r { '«' } else { '»' });
                rev = r;
            }
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            out.push_str(cell.symbol());
        }
        if rev {
            out.push('»');
        }
        if dim {
            out.push('›');
        }
        out.push('\n');
    }
    out
}

fn colourless(buf: &Buffer) -> bool {
    buf.content
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
}

#[test]
fn with_colours_off_the_selection_is_reverse_video_in_every_pane() {
    let (_dir, mut app) = demo_app();
    app.state.monochrome = true;
    press(&mut app, KeyCode::Char('j'));
    let buf = draw(&mut app, 100, 30);
    assert!(colourless(&buf), "a cell still has a colour");
    let text = marked(&buf);
    let name = app.state.list_customer().unwrap().fields.name.clone();
    assert!(
        text.lines().any(|l| l.contains('«') && l.contains(&name)),
        "the list's selected row {name} is not reverse video:\n{text}"
    );
    snapshot("mono_panes", &text);
    // The queue, the timeline and a form.
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('j'));
    let text = marked(&draw(&mut app, 100, 30));
    let queue_rows: Vec<&str> = text.lines().skip(19).filter(|l| l.contains('«')).collect();
    assert!(
        !queue_rows.is_empty(),
        "no reverse row in the queue:\n{text}"
    );
    press(&mut app, KeyCode::Char('3'));
    let text = marked(&draw(&mut app, 100, 30));
    assert!(
        text.lines().any(|l| l.contains("«") && l.contains("—")),
        "no reverse row in the timeline:\n{text}"
    );
    press(&mut app, KeyCode::Char('l'));
    let buf = draw(&mut app, 100, 30);
    assert!(colourless(&buf));
    let text = marked(&buf);
    assert!(text.contains('‹'), "placeholders are not dim:\n{text}");
    snapshot("mono_form", &text);
}

#[test]
fn with_colours_on_the_screen_has_colours() {
    // The check above means something: the same screen with colours does carry them.
    let (_dir, mut app) = demo_app();
    assert!(!colourless(&draw(&mut app, 100, 30)));
}

#[test]
fn the_status_bar_never_hides_a_message() {
    let (_dir, mut app) = demo_app();
    app.state.status.others = vec![
        "wang.lei@office-pc".into(),
        "li.na@laptop".into(),
        "zhang.wei@front-desk".into(),
    ];
    let long = "Amelia Müller is no longer in the book (erased or merged) — the screen was refreshed, \
                and this sentence is long enough to need a second line";
    app.state.status.say(long, kehu::tui::state::Tone::Refused);
    for (w, h) in [(80, 24), (200, 60), (60, 20)] {
        let text = crate::tui::screen(&mut app, w, h);
        let footer = crate::tui::split_footer(&text).1.trim().to_string();
        let squeezed: String = long.chars().filter(|c| !c.is_whitespace()).collect();
        let shown: String = footer.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            shown.contains(&squeezed),
            "at {w}×{h} the message is cut:\n{text}"
        );
        assert!(footer.starts_with('✗'), "a refusal is marked ✗:\n{text}");
    }
    // A short message leaves room for the counts and a count of teammates.
    app.state.status.say("saved", kehu::tui::state::Tone::Done);
    let text = crate::tui::screen(&mut app, 80, 24);
    let status = text.lines().rev().nth(1).unwrap();
    assert!(
        status.contains("✓ saved") && status.contains("3 also here"),
        "{status}"
    );
    // Messages clear after a few seconds.
    if let Some(m) = app.state.status.message.as_mut() {
        m.since = std::time::Instant::now() - std::time::Duration::from_secs(30);
    }
    app.tick();
    assert!(app.state.status.message.is_none(), "the message stayed");
}
