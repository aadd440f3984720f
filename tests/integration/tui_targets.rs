//! Every key acts on the customer highlighted in the focused pane, and the profile and timeline
//! always show that customer — whichever way the selection got there.

use std::time::Duration;

use kehu::store;
use kehu::tui::App;
use kehu::tui::state::{Modal, Pane};
use ratatui::crossterm::event::KeyCode;

use crate::common::ctx;
use crate::tui::{demo_app, press, screen, store_of};

/// The customer highlighted in the pane the profile follows (the list or the queue).
pub(crate) fn highlighted(app: &App) -> Option<i64> {
    match app.state.follows {
        Pane::Queue => app.state.queue_row().and_then(|r| r.customer_id()),
        _ => app.state.list_customer().map(|c| c.id),
    }
}

pub(crate) fn name_of(app: &App, id: i64) -> String {
    app.state
        .detail
        .as_ref()
        .filter(|d| d.customer.id == id)
        .map(|d| d.customer.fields.name.clone())
        .unwrap_or_default()
}

/// Which customer the open form or history view is about.
fn touched(app: &App) -> Option<i64> {
    match &app.state.modal {
        Some(Modal::Form(f)) => f.kind.customer(),
        Some(Modal::History { name, .. }) => app
            .state
            .detail
            .as_ref()
            .filter(|d| &d.customer.fields.name == name)
            .map(|d| d.customer.id),
        _ => None,
    }
}

/// Presses `key`, checks what it opened is about `want`, and closes it without saving.
pub(crate) fn check_key(app: &mut App, key: char, want: i64, how: &str) {
    press(app, KeyCode::Char(key));
    assert_eq!(
        touched(app),
        Some(want),
        "`{key}` {how}: acted on another customer than {} (modal open: {})",
        name_of(app, want),
        app.state.modal.is_some()
    );
    while app.state.modal.is_some() {
        press(app, KeyCode::Esc);
        if let Some(Modal::Confirm { .. }) = app.state.modal {
            press(app, KeyCode::Char('y'));
        }
    }
}

/// How the selection got where it is, as the keys that put it there.
const ROUTES: &[(&str, &[char])] = &[
    ("on the list's first row", &[]),
    ("after moving down the list", &['j', 'j', 'j']),
    ("after focusing the queue", &['4']),
    ("after moving down the queue", &['4', 'j', 'j']),
    ("in the open to-dos view", &['4', 'T', 'j']),
    ("after going back to the list", &['4', 'j', '1']),
    (
        "after tabbing from the queue to the profile",
        &['4', 'j', 'j', '2'],
    ),
];

#[test]
fn every_action_key_acts_on_the_highlighted_row_from_every_pane() {
    let (_dir, mut app) = demo_app();
    let first_list = app.state.list_customer().map(|c| c.id);
    let first_queue = app.state.queue.first().and_then(|r| r.customer_id());
    assert_ne!(
        first_list, first_queue,
        "the demo's first list row and first queue row must differ for this test to mean anything"
    );
    for (how, route) in ROUTES {
        // Start from the same place each time.
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Char('g'));
        if !app.state.queue_today {
            press(&mut app, KeyCode::Char('4'));
            press(&mut app, KeyCode::Char('T'));
            press(&mut app, KeyCode::Char('1'));
        }
        app.state.queue_selected = 0;
        for k in *route {
            press(&mut app, KeyCode::Char(*k));
        }
        let want = highlighted(&app).expect("a highlighted customer");
        assert_eq!(
            app.state.selected_id,
            Some(want),
            "{how}: the profile shows another customer than the highlighted row's"
        );
        assert_eq!(
            app.state.detail.as_ref().map(|d| d.customer.id),
            Some(want),
            "{how}: the profile's details are another customer's"
        );
        let pane = app.state.focus;
        // Keys that work in every pane.
        for key in ['l', 't', 'H'] {
            check_key(&mut app, key, want, how);
        }
        // Keys of the profile, which acts on the customer it shows.
        press(&mut app, KeyCode::Char('2'));
        for key in ['e', 'c', 'p', 'v', '!', 'n', 'O', 'A'] {
            check_key(&mut app, key, want, how);
        }
        assert_eq!(
            highlighted(&app),
            Some(want),
            "{how}: focusing the profile moved the target"
        );
        // Back where the route left the keys.
        let back = match pane {
            Pane::Queue => '4',
            Pane::List => '1',
            _ => '2',
        };
        press(&mut app, KeyCode::Char(back));
        if pane == Pane::List {
            for key in ['e', 'O'] {
                check_key(&mut app, key, want, how);
            }
        }
    }
}

#[test]
fn acting_on_a_queue_row_moves_the_profile_to_the_row_that_takes_its_place() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('T'));
    let before = app.state.queue.len();
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        app.state.queue.len(),
        before - 1,
        "the completed to-do left"
    );
    let want = highlighted(&app);
    assert_eq!(app.state.selected_id, want);
    check_key(
        &mut app,
        'l',
        want.expect("a customer"),
        "after completing a to-do",
    );
}

#[test]
fn a_customer_erased_by_a_teammate_leaves_every_pane_with_a_message() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('j'));
    let id = app.state.selected_id.expect("a selected customer");
    let name = name_of(&app, id);
    store_of(&dir)
        .write(|c| store::customers::erase(c, &ctx("wang"), id))
        .unwrap();
    let gone = crate::common::wait_for(Duration::from_secs(5), || {
        app.tick();
        app.pump();
        !app.state.list.rows.iter().any(|c| c.id == id)
            && app.state.selected_id.is_some_and(|s| s != id)
    });
    assert!(gone, "{}", screen(&mut app, 100, 30));
    assert!(app.settle(crate::tui::SETTLE));
    let text = screen(&mut app, 200, 40);
    let (panes, status) = crate::tui::split_footer(&text);
    assert!(!panes.contains(&name), "{name} is still on screen:\n{text}");
    assert!(
        status.contains(&format!("{name} is no longer in the book")),
        "no message:\n{text}"
    );
    assert!(
        app.state
            .detail
            .as_ref()
            .is_some_and(|d| Some(d.customer.id) == app.state.selected_id),
        "the profile shows the row that took its place: selected {:?}, detail {:?}, gone {:?}\n{text}",
        app.state.selected_id,
        app.state.detail.as_ref().map(|d| d.customer.id),
        app.state.gone
    );
}

#[test]
fn a_customer_archived_by_a_teammate_leaves_the_list_with_a_message() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.expect("a selected customer");
    let name = name_of(&app, id);
    let other = store_of(&dir);
    let version = other
        .read(|c| store::customers::get(c, id))
        .unwrap()
        .audit
        .version;
    other
        .write(|c| store::customers::set_archived(c, &ctx("wang"), id, version, true))
        .unwrap();
    let gone = crate::common::wait_for(Duration::from_secs(5), || {
        app.tick();
        app.pump();
        !app.state.list.rows.iter().any(|c| c.id == id) && app.state.selected_id != Some(id)
    });
    assert!(gone, "{}", screen(&mut app, 100, 30));
    assert!(app.settle(crate::tui::SETTLE));
    let text = screen(&mut app, 200, 40);
    let (panes, status) = crate::tui::split_footer(&text);
    assert!(!panes.contains(&name), "{name} is still on screen:\n{text}");
    assert!(
        status.contains(&format!("{name} was archived")),
        "no message:\n{text}"
    );
}

/// Opens the log form on the highlighted customer, types `text`, and presses Enter while another
/// connection holds the database, so the save waits.
fn save_while_locked(app: &mut App, dir: &tempfile::TempDir, text: &str) -> rusqlite::Connection {
    press(app, KeyCode::Char('l'));
    crate::tui::keys(app, text);
    let holder = rusqlite::Connection::open(dir.path().join("kehu.db")).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    app.key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Enter,
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    app.pump();
    assert!(!app.state.pending.is_empty(), "the save is pending");
    holder
}

/// Presses a key without waiting for the store (it is locked).
fn tap(app: &mut App, code: KeyCode) {
    app.key(ratatui::crossterm::event::KeyEvent::new(
        code,
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    app.pump();
}

#[test]
fn quitting_with_a_save_waiting_for_the_lock_waits_for_it() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let holder = save_while_locked(&mut app, &dir, "written before quitting");
    // Esc does not hide a form whose save is waiting.
    tap(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.state.modal, Some(Modal::Form(_))),
        "the form stays open"
    );
    // Quitting asks, naming the save.
    app.key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('c'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    app.pump();
    let asked = screen(&mut app, 80, 24);
    assert!(!app.state.quit, "quit at once with a save pending");
    assert!(asked.contains("Still saving"), "{asked}");
    tap(&mut app, KeyCode::Char('y'));
    assert!(!app.state.quit, "quit before the save was written");
    holder.execute_batch("ROLLBACK").unwrap();
    let quit = crate::common::wait_for(Duration::from_secs(10), || {
        app.pump();
        app.state.quit
    });
    assert!(quit, "kehu did not quit after the save");
    let entries = store_of(&dir)
        .read(|c| store::interactions::timeline(c, id, None, 1))
        .unwrap();
    assert_eq!(entries[0].summary, "written before quitting");
}

#[test]
fn ctrl_c_with_a_save_waiting_asks_and_no_returns_to_the_form() {
    let (dir, mut app) = demo_app();
    let holder = save_while_locked(&mut app, &dir, "kept");
    app.key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('c'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    app.pump();
    assert!(!app.state.quit);
    assert!(screen(&mut app, 80, 24).contains("Still saving"));
    tap(&mut app, KeyCode::Char('n'));
    assert!(
        matches!(app.state.modal, Some(Modal::Form(_))),
        "back to the form"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(app.settle(crate::tui::SETTLE));
    assert!(app.state.modal.is_none(), "the form closed once saved");
    assert!(!app.state.quit);
    assert!(app.state.pending.is_empty());
}

#[test]
fn the_today_queue_pages_through_every_row_and_counts_them_all() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("kehu.db");
    let st = store::Store::open(
        &path,
        store::OpenMode::Create { shared: false },
        &ctx("tester"),
    )
    .unwrap();
    let c = ctx("tester");
    st.write(|x| {
        for i in 0..650 {
            let id = store::customers::add(
                x,
                &c,
                &kehu::domain::CustomerFields::named(format!("Queue Person {i:03}")),
                &[],
            )?;
            store::todos::add(
                x,
                &c,
                &kehu::domain::TodoFields {
                    customer_id: Some(id),
                    title: format!("call back number {i:03}"),
                    due: Some(c.clock.today() - chrono::Duration::days(1 + i % 30)),
                    due_time: None,
                    priority: kehu::domain::Priority::Normal,
                    assignee: None,
                    recurrence: None,
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    let total = st
        .read(|x| store::today::queue(x, &c.clock, None, None, None))
        .unwrap()
        .len();
    assert!(total >= 650, "{total} rows");
    drop(st);
    let mut app = crate::tui::app_on(&dir);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.state.queue_total, total, "the queue knows every row");
    let text = screen(&mut app, 100, 30);
    assert!(
        text.contains(&format!("({total})")),
        "the title shows the true count:\n{text}"
    );
    // The last row is reachable, drawn and acted on.
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.state.queue_selected, total - 1);
    let last = app
        .state
        .queue_row()
        .expect("the last row is loaded")
        .clone();
    let want = last.customer_id().unwrap();
    assert_eq!(
        app.state.selected_id,
        Some(want),
        "the profile follows the last row"
    );
    check_key(&mut app, 'l', want, "on the queue's last row");
    // Paging back up one row at a time crosses window edges without losing the selection.
    for _ in 0..300 {
        press(&mut app, KeyCode::Char('k'));
    }
    assert_eq!(app.state.queue_selected, total - 301);
    assert!(
        app.state.queue_row().is_some(),
        "the row under the cursor is loaded"
    );
    assert_eq!(app.state.selected_id, highlighted(&app));
    // The open to-dos view too.
    press(&mut app, KeyCode::Char('T'));
    assert_eq!(app.state.queue_total, 650);
    press(&mut app, KeyCode::Char('G'));
    assert!(app.state.queue_row().is_some());
}

#[test]
fn an_empty_search_shows_everyone_and_the_cli_finds_what_the_screen_finds() {
    let (dir, mut app) = demo_app();
    let before = app.state.list.rows.len();
    press(&mut app, KeyCode::Char('/'));
    assert!(
        app.state.list_customer().is_some(),
        "an empty search line emptied the list"
    );
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("Amelia Martin"), "{text}");
    crate::tui::keys(&mut app, "x");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.state.list.rows.len(), before);
    assert!(
        app.state.list_customer().is_some(),
        "erasing the query shows everyone again"
    );
    press(&mut app, KeyCode::Esc);
    // The same matcher: for each query, the screen's hits and `customer list --search` agree.
    let st = store_of(&dir);
    for q in ["zw", "shan", "müller", "138", "acme", "li"] {
        press(&mut app, KeyCode::Char('/'));
        crate::tui::keys(&mut app, q);
        let mut screen_ids: Vec<i64> = match &app.state.search.hits {
            Some((hits, index)) => hits.iter().map(|h| index.entries[h.index].id).collect(),
            None => Vec::new(),
        };
        press(&mut app, KeyCode::Esc);
        let mut cli_ids: Vec<i64> = st
            .read(|c| {
                store::customers::list(
                    c,
                    &store::customers::Filter {
                        search: Some(q.into()),
                        ..Default::default()
                    },
                )
            })
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        screen_ids.sort();
        cli_ids.sort();
        assert_eq!(screen_ids, cli_ids, "`{q}` finds different customers");
        if q == "zw" || q == "shan" {
            assert!(!cli_ids.is_empty(), "`{q}` finds no one");
        }
    }
}

#[test]
fn u_walks_back_through_the_screens_changes_and_refuses_over_a_teammates() {
    let (dir, mut app) = demo_app();
    let st = store_of(&dir);
    // 1. Complete the first open to-do.
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('T'));
    let todo = crate::tui::first_todo(&app);
    press(&mut app, KeyCode::Char('x'));
    // 2. Snooze the next one a week.
    let snoozed = crate::tui::first_todo(&app);
    press(&mut app, KeyCode::Char('Z'));
    // 3. Delete the selected customer's newest timeline entry.
    press(&mut app, KeyCode::Char('1'));
    let customer = app.state.selected_id.unwrap();
    let entry = st
        .read(|c| store::interactions::timeline(c, customer, None, 1))
        .unwrap()[0]
        .clone();
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert!(st.read(|c| store::interactions::get(c, entry.id)).is_err());
    // 4. Move a deal on in the pipeline.
    press(&mut app, KeyCode::Char('P'));
    let Some(Modal::Pipeline(p)) = &app.state.modal else {
        panic!("no pipeline")
    };
    let (deal, _) = p.selected().cloned().unwrap();
    press(&mut app, KeyCode::Char('>'));
    assert_ne!(
        st.read(|c| store::deals::get(c, deal.id)).unwrap().stage,
        deal.stage
    );
    // Undo from the pipeline: the deal goes back.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        st.read(|c| store::deals::get(c, deal.id)).unwrap().stage,
        deal.stage
    );
    press(&mut app, KeyCode::Esc);
    // The entry comes back, with its id.
    press(&mut app, KeyCode::Char('u'));
    let back = st.read(|c| store::interactions::get(c, entry.id)).unwrap();
    assert_eq!(back.summary, entry.summary);
    // The snooze is undone: the due date is what it was.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        st.read(|c| store::todos::get(c, snoozed.id)).unwrap().due,
        snoozed.due
    );
    // The completed to-do is open again.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        st.read(|c| store::todos::get(c, todo.id)).unwrap().status,
        kehu::domain::TodoStatus::Open
    );
    let message = app.state.status.message.clone().unwrap().text;
    assert!(message.starts_with("undone"), "{message}");
    press(&mut app, KeyCode::Char('u'));
    assert!(
        app.state
            .status
            .message
            .clone()
            .unwrap()
            .text
            .contains("nothing to undo"),
        "the stack is empty"
    );
    // A teammate changed the customer after my edit: undo refuses and keeps their change.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('e'));
    let Some(Modal::Form(f)) = &mut app.state.modal else {
        panic!("no edit form")
    };
    f.focus = f.fields.iter().position(|x| x.key == "city").unwrap();
    let customer = f.kind.customer().unwrap();
    crate::tui::keys(&mut app, "X");
    press(&mut app, KeyCode::Enter);
    let me = st.read(|c| store::customers::get(c, customer)).unwrap();
    let mut theirs = me.fields.clone();
    theirs.city = Some("Their City".into());
    st.write(|c| {
        store::customers::update(
            c,
            &ctx("wang"),
            customer,
            me.audit.version,
            &theirs,
            &me.tags,
        )
    })
    .unwrap();
    press(&mut app, KeyCode::Char('u'));
    let status = app.state.status.message.clone().unwrap();
    assert_eq!(
        status.tone,
        kehu::tui::state::Tone::Refused,
        "{}",
        status.text
    );
    assert!(status.text.contains("wang"), "{}", status.text);
    assert_eq!(
        st.read(|c| store::customers::get(c, customer))
            .unwrap()
            .fields
            .city
            .as_deref(),
        Some("Their City")
    );
}

pub(crate) fn c_today() -> chrono::NaiveDate {
    crate::common::ctx("tester").clock.today()
}

#[test]
fn keys_typed_while_a_customer_loads_wait_for_them_in_order() {
    let (dir, mut app) = demo_app();
    let raw = |app: &mut App, code| {
        app.key(ratatui::crossterm::event::KeyEvent::new(
            code,
            ratatui::crossterm::event::KeyModifiers::NONE,
        ))
    };
    // Focus the queue and back, then log at once and type — without waiting for anything.
    raw(&mut app, KeyCode::Char('4'));
    raw(&mut app, KeyCode::Char('1'));
    raw(&mut app, KeyCode::Char('j'));
    raw(&mut app, KeyCode::Char('l'));
    for c in "typed fast".chars() {
        raw(&mut app, KeyCode::Char(c));
    }
    raw(&mut app, KeyCode::Enter);
    assert!(app.settle(crate::tui::SETTLE));
    let id = app.state.list.rows[1].id;
    assert_eq!(app.state.selected_id, Some(id));
    let newest = store_of(&dir)
        .read(|c| store::interactions::timeline(c, id, None, 1))
        .unwrap();
    assert_eq!(
        newest[0].summary, "typed fast",
        "the typed keys were lost or misrouted"
    );
}
