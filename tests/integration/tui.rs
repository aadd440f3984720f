//! The interactive screen, driven by key events and read from ratatui's `TestBackend`.

use std::time::Duration;

use kehu::store::{self, OpenMode, Store};
use kehu::tui::App;
use kehu::tui::state::QueueRow;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

use crate::common::ctx;

pub(crate) const SETTLE: Duration = Duration::from_secs(10);

pub(crate) fn demo_app() -> (TempDir, App) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("kehu.db");
    let s = Store::open(&path, OpenMode::Create { shared: false }, &ctx("tester")).unwrap();
    kehu::demo::load(&s, &ctx("tester")).unwrap();
    drop(s);
    let mut app = App::new(&path, ctx("tester"), "kehu.db".into()).unwrap();
    assert!(app.settle(SETTLE));
    (dir, app)
}

pub(crate) fn app_on(dir: &TempDir) -> App {
    let mut app = App::new(&dir.path().join("kehu.db"), ctx("tester"), "kehu.db".into()).unwrap();
    assert!(app.settle(SETTLE));
    app
}

pub(crate) fn store_of(dir: &TempDir) -> Store {
    Store::open(
        &dir.path().join("kehu.db"),
        OpenMode::Create { shared: false },
        &ctx("other"),
    )
    .unwrap()
}

/// The screen as text, one line per row; wide characters count once.
pub(crate) fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            // The cell after a wide character is its right half.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            out.push_str(sym);
        }
        out.push('\n');
    }
    out
}

/// The to-do on the queue's first row (in the open to-dos view).
pub(crate) fn first_todo(app: &App) -> kehu::domain::Todo {
    match &app.state.queue[0] {
        QueueRow::Todo { todo, .. } => (**todo).clone(),
        QueueRow::Today(r) => *r.todo.clone().expect("a to-do row"),
    }
}

pub(crate) fn press(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
    assert!(app.settle(SETTLE), "the screen did not settle");
}

pub(crate) fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

#[test]
fn first_screen_at_80x24_and_200x60() {
    let (_d, mut app) = demo_app();
    let small = screen(&mut app, 80, 24);
    for part in [
        "1 Customers",
        "2 Profile",
        "3 Timeline",
        "4 Queue",
        "overdue",
        "due today",
        "search",
        "quit",
    ] {
        assert!(small.contains(part), "80x24 lacks '{part}':\n{small}");
    }
    assert!(
        small.contains("▶ 1 Customers"),
        "the focused pane is marked with a symbol, not only colour"
    );
    assert_eq!(small.lines().count(), 24);
    let wide = screen(&mut app, 200, 60);
    assert!(
        wide.contains("Company"),
        "wide screens show the company column:\n{wide}"
    );
    assert!(wide.contains("Contact persons"));
    // The selected customer's profile is shown.
    let name = app.state.list.rows[0].fields.name.clone();
    assert!(wide.contains(&name));
}

#[test]
fn focus_moves_with_tab_backtab_and_numbers() {
    let (_d, mut app) = demo_app();
    press(&mut app, KeyCode::Tab);
    assert!(screen(&mut app, 80, 24).contains("▶ 2 Profile"));
    press(&mut app, KeyCode::BackTab);
    assert!(screen(&mut app, 80, 24).contains("▶ 1 Customers"));
    press(&mut app, KeyCode::Char('4'));
    assert!(screen(&mut app, 80, 24).contains("▶ 4 Queue"));
}

#[test]
fn search_folds_accents_and_escape_clears() {
    let (_d, mut app) = demo_app();
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "muller");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("/muller"), "{s}");
    assert!(s.contains("Müller"), "muller finds Müller:\n{s}");
    assert!(!s.contains("Amelia Martin"), "non-matches are hidden:\n{s}");
    // Typing `q` in the search line is text, not quit.
    keys(&mut app, "q");
    assert!(!app.state.quit);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Enter);
    assert!(
        screen(&mut app, 80, 24).contains("/muller"),
        "Enter keeps the filter"
    );
    press(&mut app, KeyCode::Esc);
    assert!(
        screen(&mut app, 80, 24).contains("Amelia Martin"),
        "Esc clears it"
    );
}

#[test]
fn chinese_search_and_wide_characters_align() {
    let (_d, mut app) = demo_app();
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "张伟");
    assert!(app.settle(SETTLE));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("张伟"), "{s}");
    // Every row is exactly 80 columns wide: CJK characters are measured as two.
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer().clone();
    for (y, line) in s.lines().enumerate() {
        let width = unicode_width::UnicodeWidthStr::width(line);
        assert_eq!(width, 80, "row {y} is {width} columns: {line}");
    }
    let _ = buf;
}

#[test]
fn help_lists_the_key_table() {
    let (_d, mut app) = demo_app();
    press(&mut app, KeyCode::Char('?'));
    let s = screen(&mut app, 100, 60);
    for part in ["Help", "log an interaction", "sort by name"] {
        assert!(s.contains(part), "help lacks '{part}':\n{s}");
    }
    // Further down: scroll.
    for _ in 0..40 {
        press(&mut app, KeyCode::Char('j'));
    }
    let s = screen(&mut app, 100, 60);
    assert!(
        s.contains("snooze a week"),
        "help lacks 'snooze a week' after scrolling:\n{s}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 100, 60).contains("snooze a week"));
}

#[test]
fn log_form_validates_in_place_then_saves() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.expect("a selected customer");
    press(&mut app, KeyCode::Char('l'));
    // An empty summary is refused beside the field, and the form stays open.
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("must not be empty"), "{s}");
    keys(&mut app, "Called about the renewal");
    press(&mut app, KeyCode::Tab); // details
    press(&mut app, KeyCode::Tab); // when
    press(&mut app, KeyCode::Tab); // next follow-up
    keys(&mut app, "Send contract");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "someday");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("is not a date"), "{s}");
    assert!(s.contains("Send contract"), "what was typed is kept:\n{s}");
    for _ in 0.."someday".len() {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "+3d");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "saved and closed");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("logged the call"), "{s}");

    let st = store_of(&dir);
    let entries = st
        .read(|c| store::interactions::timeline(c, id, None, 1))
        .unwrap();
    assert_eq!(entries[0].summary, "Called about the renewal");
    assert_eq!(entries[0].audit.created_by, "tester");
    let todos = st
        .read(|c| {
            store::todos::list_open(
                c,
                &store::todos::Filter {
                    customer_id: Some(id),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert!(
        todos.iter().any(|t| t.title == "Send contract"
            && t.due.map(|d| d.to_string()) == Some("2026-11-25".into()))
    );
}

#[test]
fn escape_on_a_typed_form_asks_first() {
    let (_d, mut app) = demo_app();
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "New person");
    press(&mut app, KeyCode::Esc);
    assert!(screen(&mut app, 80, 24).contains("Discard what you typed?"));
    press(&mut app, KeyCode::Char('n'));
    assert!(
        screen(&mut app, 80, 24).contains("New person"),
        "No returns to the form with its input"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.state.modal.is_none());
}

#[test]
fn add_customer_form_saves_and_selects_them() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Zelda Zhou");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Hyrule Ltd");
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    keys(&mut app, "12");
    press(&mut app, KeyCode::Enter);
    assert!(
        screen(&mut app, 80, 24).contains("too few digits"),
        "phone validated in place"
    );
    for _ in 0..2 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "138 0013 8000");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none());
    assert_eq!(
        app.state.current().map(|c| c.fields.name.as_str()),
        Some("Zelda Zhou")
    );
    let found = store_of(&dir)
        .read(|c| {
            store::customers::list(
                c,
                &store::customers::Filter {
                    search: Some("Zelda".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fields.phone.as_deref(), Some("138 0013 8000"));
    assert_eq!(found[0].fields.owner.as_deref(), Some("tester"));
}

#[test]
fn edits_to_different_fields_merge_and_the_same_field_is_decided_per_field() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let other = store_of(&dir);
    let teammate_saves = |city: &str, company: Option<&str>| {
        let c = other.read(|x| store::customers::get(x, id)).unwrap();
        let mut f = c.fields.clone();
        f.city = Some(city.into());
        if let Some(co) = company {
            f.company = Some(co.into());
        }
        other
            .write(|x| store::customers::update(x, &ctx("wang"), id, c.audit.version, &f, &c.tags))
            .unwrap();
    };

    // Different fields: no question, both changes kept.
    press(&mut app, KeyCode::Char('e'));
    teammate_saves("Teammate City", None);
    press(&mut app, KeyCode::Tab);
    keys(&mut app, " X");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 120, 40));
    let now = other.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!(now.fields.city.as_deref(), Some("Teammate City"));
    assert!(
        now.fields.company.as_deref().unwrap_or("").ends_with(" X"),
        "{:?}",
        now.fields.company
    );
    assert!(screen(&mut app, 120, 40).contains("merged with wang's changes"));

    // The same field: the form shows theirs, mine and the original, and nothing is saved yet.
    press(&mut app, KeyCode::Char('e'));
    teammate_saves("Second City", Some("Their Co"));
    press(&mut app, KeyCode::Tab);
    for _ in 0..40 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "My Co");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 50);
    assert!(
        s.contains("Ctrl-t takes wang's 'Their Co'") && s.contains("wang changed this customer"),
        "{s}"
    );
    assert_eq!(
        other
            .read(|x| store::customers::get(x, id))
            .unwrap()
            .fields
            .company
            .as_deref(),
        Some("Their Co"),
        "nothing overwritten"
    );
    // Take theirs for that field; their other change (the city) is merged in too.
    app.key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 160, 50));
    let now = other.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!(now.fields.company.as_deref(), Some("Their Co"));
    assert_eq!(now.fields.city.as_deref(), Some("Second City"));

    // Or keep mine: the next overlapping edit saves the user's value after the decision.
    press(&mut app, KeyCode::Char('e'));
    teammate_saves("Third City", Some("Their Co 2"));
    press(&mut app, KeyCode::Tab);
    for _ in 0..40 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "Mine Co");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let now = other.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!(now.fields.company.as_deref(), Some("Mine Co"));
    assert_eq!(now.fields.city.as_deref(), Some("Third City"));
    assert_eq!(now.audit.updated_by, "tester");
}

#[test]
fn queue_complete_and_snooze() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('T'));
    assert!(screen(&mut app, 100, 30).contains("Queue · open to-dos"));
    let first = first_todo(&app);
    let selected = app.state.selected_id;
    press(&mut app, KeyCode::Char('x'));
    let st = store_of(&dir);
    assert_eq!(
        st.read(|c| store::todos::get(c, first.id)).unwrap().status,
        kehu::domain::TodoStatus::Done
    );
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("done:"), "{shown}");
    assert_eq!(
        app.state.selected_id,
        app.state.queue_row().unwrap().customer_id().or(selected),
        "the profile follows the row that took the completed one's place"
    );
    let second = first_todo(&app);
    assert_ne!(
        second.id, first.id,
        "the completed row left the queue at once"
    );
    press(&mut app, KeyCode::Char('Z'));
    let due = st
        .read(|c| store::todos::get(c, second.id))
        .unwrap()
        .due
        .unwrap();
    assert_eq!(
        due.to_string(),
        "2026-11-29",
        "a week from today for an overdue to-do"
    );
}

#[test]
fn a_held_lock_shows_waiting_and_the_save_completes_after_release() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char('l'));
    keys(&mut app, "during the lock");
    let holder = rusqlite::Connection::open(dir.path().join("kehu.db")).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    // The screen keeps drawing and says it is waiting.
    let waited = crate::common::wait_for(Duration::from_secs(5), || {
        app.pump();
        app.tick();
        screen(&mut app, 80, 24).contains("waiting for the database")
    });
    assert!(waited, "{}", screen(&mut app, 80, 24));
    // Keys still work while the save waits (the form shows it is saving).
    app.key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    assert!(screen(&mut app, 80, 24).contains("saving"));
    holder.execute_batch("ROLLBACK").unwrap();
    let released = std::time::Instant::now();
    assert!(app.settle(SETTLE));
    assert!(
        released.elapsed() < Duration::from_secs(1),
        "saved {:?} after the release",
        released.elapsed()
    );
    let entries = store_of(&dir)
        .read(|c| store::interactions::timeline(c, id, None, 1))
        .unwrap();
    assert_eq!(entries[0].summary, "during the lock");
}

#[test]
fn another_process_change_appears_without_a_key() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let other = store_of(&dir);
    let c = other.read(|x| store::customers::get(x, id)).unwrap();
    let mut f = c.fields.clone();
    f.city = Some("Changed Elsewhere".into());
    other
        .write(|x| store::customers::update(x, &ctx("wang"), id, c.audit.version, &f, &c.tags))
        .unwrap();
    let seen = crate::common::wait_for(Duration::from_secs(5), || {
        app.tick();
        app.pump();
        screen(&mut app, 100, 30).contains("Changed Elsewhere")
    });
    assert!(seen, "{}", screen(&mut app, 100, 30));
    assert_eq!(app.state.selected_id, Some(id), "selection kept");
}

#[test]
fn empty_database_shows_a_friendly_first_screen() {
    let dir = TempDir::new().unwrap();
    drop(store_of(&dir));
    // Before the queue's first answer is taken in, it is loading, not empty.
    let mut app = App::new(&dir.path().join("kehu.db"), ctx("tester"), "kehu.db".into()).unwrap();
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("loading…") && !s.contains("Nothing needs you today"),
        "{s}"
    );
    assert!(app.settle(SETTLE));
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("No customers yet") && s.contains("kehu --demo"),
        "{s}"
    );
    assert!(s.contains("Nothing needs you today"), "{s}");
}

#[test]
fn stored_escape_sequences_are_drawn_harmlessly() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    drop(st);
    let raw = rusqlite::Connection::open(dir.path().join("kehu.db")).unwrap();
    raw.execute_batch(
        "INSERT INTO customer (name, sort_key, tier, created_at, created_by, updated_at, updated_by)
         VALUES ('Evil' || char(27) || ']0;pwned' || char(7) || 'Name', 'evil', 'vip', '2026-01-01T00:00:00.000Z', 'x', '2026-01-01T00:00:00.000Z', 'x')",
    )
    .unwrap();
    let mut app = app_on(&dir);
    let s = screen(&mut app, 100, 30);
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
    assert!(s.contains("Evil"));
}

/// The top of the list arrives in two parts (a screenful first); a reload after a teammate's
/// change keeps the highlighted customer even when they are in the second part.
#[test]
fn the_lists_top_comes_in_two_parts_and_a_reload_keeps_a_row_from_the_second() {
    let (dir, mut app) = demo_app();
    let total = store_of(&dir).read(store::customers::count).unwrap() as usize;
    assert!(total > 60, "{total}");
    assert_eq!(
        app.state.list.rows.len(),
        total.min(kehu::tui::update::PAGE)
    );
    for _ in 0..60 {
        press(&mut app, KeyCode::Down);
    }
    let picked = app.state.selected_id.expect("a customer is highlighted");
    assert_eq!(app.state.list.rows[app.state.list.selected].id, picked);
    let fields = kehu::domain::CustomerFields::named("Aardvark Newcomer");
    store_of(&dir)
        .write(|x| store::customers::add(x, &ctx("wang"), &fields, &[]))
        .unwrap();
    let reloaded = crate::common::wait_for(Duration::from_secs(5), || {
        app.tick();
        app.pump();
        app.state
            .list
            .rows
            .iter()
            .any(|c| c.fields.name == "Aardvark Newcomer")
    });
    assert!(reloaded, "{}", screen(&mut app, 100, 30));
    assert!(app.settle(SETTLE));
    assert_eq!(
        app.state.list.rows.len(),
        (total + 1).min(kehu::tui::update::PAGE)
    );
    assert_eq!(app.state.list.rows[app.state.list.selected].id, picked);
    assert_eq!(app.state.selected_id, Some(picked));
}

#[test]
fn a_teammates_new_customer_appears_and_is_searchable() {
    let (dir, mut app) = demo_app();
    let other = store_of(&dir);
    let fields = kehu::domain::CustomerFields::named("Aardvark Newcomer");
    other
        .write(|x| store::customers::add(x, &ctx("wang"), &fields, &[]))
        .unwrap();
    let seen = crate::common::wait_for(Duration::from_secs(5), || {
        app.tick();
        app.pump();
        screen(&mut app, 100, 30).contains("Aardvark Newcomer")
    });
    assert!(seen, "{}", screen(&mut app, 100, 30));
    assert!(app.settle(SETTLE));
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "aardv");
    let s = screen(&mut app, 100, 30);
    assert!(
        s.contains("1 found") && s.contains("Aardvark Newcomer"),
        "{s}"
    );
}

#[test]
fn queue_edit_todo_form() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('T'));
    let todo = first_todo(&app);
    press(&mut app, KeyCode::Char('e'));
    assert!(screen(&mut app, 100, 30).contains("Edit the to-do"));
    for _ in 0..todo.title.chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "Renamed task");
    press(&mut app, KeyCode::Tab);
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "+1w");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 100, 30));
    let t = store_of(&dir)
        .read(|c| store::todos::get(c, todo.id))
        .unwrap();
    assert_eq!(t.title, "Renamed task");
    assert_eq!(t.due.map(|d| d.to_string()).as_deref(), Some("2026-11-29"));
}

#[test]
fn contact_persons_are_added_and_the_picked_one_edited() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('c'));
    keys(&mut app, "Ann First");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('c'));
    keys(&mut app, "Ben Second");
    press(&mut app, KeyCode::Enter);
    let people = store_of(&dir)
        .read(|c| store::contacts::for_customer(c, id))
        .unwrap();
    let ben = people
        .iter()
        .position(|p| p.name == "Ben Second")
        .expect("Ben added");
    for _ in 0..ben {
        press(&mut app, KeyCode::Char(']'));
    }
    assert!(
        screen(&mut app, 120, 50).contains("▸   Ben Second"),
        "{}",
        screen(&mut app, 120, 50)
    );
    press(&mut app, KeyCode::Char('C'));
    assert!(screen(&mut app, 120, 50).contains("Edit contact Ben Second"));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "CTO");
    press(&mut app, KeyCode::Enter);
    let people = store_of(&dir)
        .read(|c| store::contacts::for_customer(c, id))
        .unwrap();
    assert_eq!(
        people
            .iter()
            .find(|p| p.name == "Ben Second")
            .unwrap()
            .title
            .as_deref(),
        Some("CTO")
    );
}

#[test]
fn past_cadence_marks_follow_the_team_setting() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    let c = ctx("tester");
    let id = st
        .write(|x| {
            store::customers::add(x, &c, &kehu::domain::CustomerFields::named("Rhythm"), &[])
        })
        .unwrap();
    let at = "2026-11-02T02:00:00.000Z"; // 20 days before the fixed today
    let fields = kehu::domain::InteractionFields {
        at: at.into(),
        kind: kehu::domain::InteractionKind::Call,
        summary: "hi".into(),
        details: None,
    };
    st.write(|x| store::interactions::add(x, &c, id, &fields))
        .unwrap();
    let mut app = app_on(&dir);
    assert!(
        screen(&mut app, 100, 30).contains("20d "),
        "regular cadence is 90 days: no mark"
    );
    st.write(|x| store::settings::set(x, &c, "cadence.regular", "14"))
        .unwrap();
    let seen = crate::common::wait_for(Duration::from_secs(5), || {
        app.tick();
        app.pump();
        screen(&mut app, 100, 30).contains("20d!")
    });
    assert!(seen, "{}", screen(&mut app, 100, 30));
}

/// Tags are a field like any other: a teammate's tag change merges with an edit of another
/// field, and a stale edit of the tags themselves is a conflict decided per field.
#[test]
fn a_teammates_tag_change_is_never_silently_overwritten() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let other = store_of(&dir);
    let teammate_tags = |tags: &[&str]| {
        let c = other.read(|x| store::customers::get(x, id)).unwrap();
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        other
            .write(|x| {
                store::customers::update(x, &ctx("wang"), id, c.audit.version, &c.fields, &tags)
            })
            .unwrap();
    };
    // Another field: merged, their tags kept.
    press(&mut app, KeyCode::Char('e'));
    teammate_tags(&["theirs"]);
    press(&mut app, KeyCode::Tab);
    keys(&mut app, " Y");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 120, 40));
    let now = other.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!(now.tags, vec!["theirs".to_string()]);
    assert!(now.fields.company.as_deref().unwrap_or("").ends_with(" Y"));

    // The tags field itself, changed by both: the user decides; nothing is overwritten first.
    press(&mut app, KeyCode::Char('e'));
    teammate_tags(&["theirs", "second"]);
    for _ in 0..12 {
        press(&mut app, KeyCode::Tab);
    }
    for _ in 0..40 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "mine");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 50);
    assert!(s.contains("Ctrl-t takes wang's"), "{s}");
    let now = other.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!(now.tags, vec!["second".to_string(), "theirs".to_string()]);
    // Keeping mine is a decision, then saved.
    press(&mut app, KeyCode::Enter);
    let now = other.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!(now.tags, vec!["mine".to_string()]);
}

/// A screen split into the panes and the footer (the status line, hints or a long message), at
/// the last pane border.
pub(crate) fn split_footer(text: &str) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let last_border = lines
        .iter()
        .rposition(|l| l.ends_with('┘') || l.ends_with('┛'))
        .unwrap_or(0);
    (
        lines[..=last_border].join("\n"),
        lines[last_border + 1..].join("\n"),
    )
}

/// A `[keys]` table rebinds actions by the names the help screen shows: the new key acts, the
/// old one is free, the help and the hint line show the user's key, and a bad line is reported
/// by its number while its defaults stay.
#[test]
fn keys_from_the_config_file_rebind_the_screen() {
    let (_dir, mut app) = demo_app();
    let problems = app.set_keys(
        "user = \"li.na\"\n[keys]\nlog_interaction = \"L\"\nquit = [\"q\", \"ctrl-q\"]\nadd_todo = \"j\"\n",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("line 5") && problems[0].contains("'down'"),
        "{problems:?}"
    );
    let hint = screen(&mut app, 120, 30);
    assert!(
        hint.contains("L log"),
        "the hint line shows the user's key:\n{hint}"
    );
    press(&mut app, KeyCode::Char('l'));
    assert!(app.state.modal.is_none(), "l is free now");
    press(&mut app, KeyCode::Char('L'));
    assert!(
        screen(&mut app, 120, 30).contains("Log an interaction"),
        "L opens the log form"
    );
    press(&mut app, KeyCode::Esc);
    // j still moves down: the refused line changed nothing.
    let before = app.state.list.selected;
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.state.list.selected, before + 1);
    press(&mut app, KeyCode::Char('?'));
    let help = screen(&mut app, 120, 40);
    assert!(
        help.lines()
            .any(|l| l.contains(" L ") && l.contains("log_interaction")),
        "the help shows the key and the action's name:\n{help}"
    );
    press(&mut app, KeyCode::Esc);
    app.key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert!(app.state.quit, "ctrl-q quits");
}

#[test]
fn moves_pressed_while_the_next_page_loads_are_made_when_it_arrives() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("kehu.db");
    let s = Store::open(&path, OpenMode::Create { shared: false }, &ctx("tester")).unwrap();
    kehu::store::bulk::generate(&s, &ctx("tester"), 350, 0, |_| {}).unwrap();
    drop(s);
    let mut app = app_on(&dir);
    assert_eq!(app.state.list.rows.len(), 100, "one page loaded");
    // 150 presses with no time for a reply between them: the ones past the loaded rows wait
    // for the next page instead of being dropped.
    for _ in 0..150 {
        app.key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    }
    assert!(app.settle(SETTLE));
    let on = app.state.list.rows[app.state.list.selected].id;
    let in_order: Vec<i64> = store_of(&dir)
        .read(|c| kehu::store::customers::list(c, &kehu::store::customers::Filter::default()))
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(on, in_order[150], "the 151st customer in name order");
}

#[test]
fn the_screens_search_finds_customers_by_tag_contact_person_and_their_phone() {
    let dir = TempDir::new().unwrap();
    let s = store_of(&dir);
    let c = ctx("tester");
    kehu::demo::load(&s, &c).unwrap();
    let id = s
        .write(|conn| {
            let fields = kehu::domain::CustomerFields {
                company: Some("Quist Haulage".into()),
                ..kehu::domain::CustomerFields::named("Zed Quist")
            };
            let id = kehu::store::customers::add(conn, &c, &fields, &["platinumclub".into()])?;
            kehu::store::contacts::add(
                conn,
                &c,
                id,
                &kehu::domain::ContactFields {
                    name: "Otto Haystack".into(),
                    title: None,
                    phone: Some("030 987 6543".into()),
                    email: None,
                    primary: true,
                },
            )?;
            Ok(id)
        })
        .unwrap();
    drop(s);
    let mut app = app_on(&dir);
    for query in ["platinumclub", "haystack", "9876543"] {
        press(&mut app, KeyCode::Char('/'));
        keys(&mut app, query);
        let (hits, index) = app.state.search.hits.clone().expect("results");
        let first = &index.entries[hits[0].index];
        assert_eq!(first.id, id, "{query}");
        // The list draws the match from the index: name and company.
        let drawn = first.customer();
        assert_eq!(drawn.fields.name, "Zed Quist");
        assert_eq!(drawn.fields.company.as_deref(), Some("Quist Haulage"));
        press(&mut app, KeyCode::Esc);
    }
}
