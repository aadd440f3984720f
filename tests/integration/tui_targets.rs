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
fn highlighted(app: &App) -> Option<i64> {
    match app.state.follows {
        Pane::Queue => app.state.queue_row().and_then(|r| r.customer_id()),
        _ => app.state.list_customer().map(|c| c.id),
    }
}

fn name_of(app: &App, id: i64) -> String {
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
fn check_key(app: &mut App, key: char, want: i64, how: &str) {
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
        .read(|x| store::today::queue(x, &c.clock, None, None))
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
            Some((hits, index)) => hits
                .iter()
                .map(|h| index.entries[h.index].customer.id)
                .collect(),
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
fn pipeline_columns_scroll_and_winning_asks_the_amount() {
    let (dir, mut app) = demo_app();
    let customer = app.state.selected_id.unwrap();
    let st = store_of(&dir);
    st.write(|c| {
        for i in 0..15 {
            store::deals::add(
                c,
                &ctx("tester"),
                customer,
                &format!("Deep deal {i:02}"),
                10_000,
                None,
            )?;
        }
        Ok(())
    })
    .unwrap();
    press(&mut app, KeyCode::Char('P'));
    let Some(Modal::Pipeline(p)) = &app.state.modal else {
        panic!("no pipeline")
    };
    let n = p.column(0).len();
    assert!(n >= 15, "{n} qualified deals");
    for _ in 0..n {
        press(&mut app, KeyCode::Char('j'));
    }
    let Some(Modal::Pipeline(p)) = &app.state.modal else {
        panic!("no pipeline")
    };
    let (deal, _) = p.selected().expect("a selected deal").clone();
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains(&deal.title),
        "the selected deal {} is off screen:\n{text}",
        deal.title
    );
    assert!(text.contains("more"), "no sign of the cards above:\n{text}");
    assert!(
        !text.contains("· 100.00"),
        "a card shows a bare amount:\n{text}"
    );
    // Esc from the lost form returns to the pipeline.
    press(&mut app, KeyCode::Char('L'));
    assert!(
        matches!(app.state.modal, Some(Modal::Form(_))),
        "no lost form"
    );
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.state.modal, Some(Modal::Pipeline(_))),
        "Esc left the pipeline"
    );
    // w asks for the amount, prefilled, and says what it recorded.
    press(&mut app, KeyCode::Char('w'));
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!("w recorded a purchase without asking")
    };
    assert_eq!(f.value("amount"), "100.00");
    for _ in 0..6 {
        press(&mut app, KeyCode::Backspace);
    }
    crate::tui::keys(&mut app, "95");
    press(&mut app, KeyCode::Enter);
    let message = app.state.status.message.clone().expect("a message").text;
    assert!(
        message.contains("95.00") && message.contains(&deal.title),
        "{message}"
    );
    assert!(
        matches!(app.state.modal, Some(Modal::Pipeline(_))),
        "back to the pipeline"
    );
    let purchases = st
        .read(|c| store::purchases::for_customer(c, customer, 10))
        .unwrap();
    assert_eq!(purchases[0].amount, 9_500);
    assert_eq!(
        st.read(|c| store::deals::get(c, deal.id)).unwrap().stage,
        kehu::domain::DealStage::Won
    );
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

#[test]
fn purchases_archive_closed_todos_and_imports_are_all_reachable_on_screen() {
    let (dir, mut app) = demo_app();
    let st = store_of(&dir);
    // A purchase: Enter on it in the timeline opens it; saving corrects it; d deletes it; u undoes.
    let customer = app.state.selected_id.unwrap();
    st.write(|c| {
        store::purchases::add(
            c,
            &ctx("tester"),
            customer,
            &kehu::domain::PurchaseFields {
                on_date: c_today(),
                product: Some("Widget".into()),
                amount: 12_000,
                note: None,
            },
        )
    })
    .unwrap();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('3'));
    let at = app
        .state
        .timeline
        .iter()
        .position(|i| matches!(i, kehu::tui::state::TimelineItem::Purchase(p) if p.product.as_deref() == Some("Widget")))
        .expect("the purchase is on the timeline");
    app.state.timeline_selected = at;
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!("Enter on a purchase opened nothing")
    };
    assert_eq!(f.value("amount"), "120.00");
    for _ in 0..6 {
        press(&mut app, KeyCode::Backspace);
    }
    crate::tui::keys(&mut app, "150");
    press(&mut app, KeyCode::Enter);
    let purchases = st
        .read(|c| store::purchases::for_customer(c, customer, 10))
        .unwrap();
    let p = purchases
        .iter()
        .find(|p| p.product.as_deref() == Some("Widget"))
        .unwrap()
        .clone();
    assert_eq!(p.amount, 15_000, "corrected");
    app.state.timeline_selected = app
        .state
        .timeline
        .iter()
        .position(|i| matches!(i, kehu::tui::state::TimelineItem::Purchase(x) if x.id == p.id))
        .unwrap();
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert!(
        st.read(|c| store::purchases::get(c, p.id)).is_err(),
        "deleted"
    );
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        st.read(|c| store::purchases::get(c, p.id)).unwrap().amount,
        15_000
    );

    // Archive from the list (it asks), find them under `f archived`, bring them back.
    press(&mut app, KeyCode::Char('1'));
    let id = app.state.list_customer().unwrap().id;
    press(&mut app, KeyCode::Char('X'));
    press(&mut app, KeyCode::Char('y'));
    assert!(
        st.read(|c| store::customers::get(c, id))
            .unwrap()
            .archived_at
            .is_some()
    );
    assert!(!app.state.list.rows.iter().any(|c| c.id == id));
    press(&mut app, KeyCode::Char('f'));
    crate::tui::keys(&mut app, "archived");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.state.list.rows.iter().any(|c| c.id == id),
        "the archived filter lists them"
    );
    let at = app.state.list.rows.iter().position(|c| c.id == id).unwrap();
    for _ in 0..at {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('X'));
    assert!(
        st.read(|c| store::customers::get(c, id))
            .unwrap()
            .archived_at
            .is_none()
    );
    press(&mut app, KeyCode::Esc);

    // Done to-dos: T twice shows them; x reopens.
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('T'));
    let todo = crate::tui::first_todo(&app);
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Char('T'));
    assert!(screen(&mut app, 100, 30).contains("done and cancelled"));
    let row = app.state.queue_row().cloned().expect("a closed to-do");
    let kehu::tui::state::QueueRow::Todo { todo: closed, .. } = row else {
        panic!("not a to-do row")
    };
    assert_eq!(closed.id, todo.id, "the latest closed first");
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        st.read(|c| store::todos::get(c, todo.id)).unwrap().status,
        kehu::domain::TodoStatus::Open
    );

    // An import from the screen is undone by u.
    let file = dir.path().join("two.csv");
    std::fs::write(&file, "name,city\nImported One,Xian\nImported Two,Xian\n").unwrap();
    let before = st.read(store::customers::count).unwrap();
    press(&mut app, KeyCode::Char('i'));
    crate::tui::keys(&mut app, file.to_str().unwrap());
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(st.read(store::customers::count).unwrap(), before + 2);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        st.read(store::customers::count).unwrap(),
        before,
        "the import was undone"
    );
}

fn c_today() -> chrono::NaiveDate {
    crate::common::ctx("tester").clock.today()
}

#[test]
fn an_edit_conflict_fits_80x24_with_its_keys_and_ctrl_o_saves_mine() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let other = store_of(&dir);
    press(&mut app, KeyCode::Char('e'));
    // A teammate changes the company while the form is open.
    let c = other.read(|x| store::customers::get(x, id)).unwrap();
    let mut f = c.fields.clone();
    f.company = Some("Their Co".into());
    other
        .write(|x| store::customers::update(x, &ctx("wang"), id, c.audit.version, &f, &c.tags))
        .unwrap();
    press(&mut app, KeyCode::Tab);
    app.key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    crate::tui::keys(&mut app, "My Co");
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("Ctrl-o"),
        "the keys that resolve it are off screen:\n{text}"
    );
    assert!(
        text.contains("▶Company") || text.contains("▶ Company") || text.contains("My Co"),
        "the focused field is off screen:\n{text}"
    );
    assert!(text.contains("wang"), "who changed it is not said:\n{text}");
    app.key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('o'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    assert!(app.settle(crate::tui::SETTLE));
    assert!(
        app.state.modal.is_none(),
        "Ctrl-o did not save:\n{}",
        screen(&mut app, 80, 24)
    );
    assert_eq!(
        other
            .read(|x| store::customers::get(x, id))
            .unwrap()
            .fields
            .company
            .as_deref(),
        Some("My Co")
    );
}

#[test]
fn defaults_are_replaced_by_typing_and_fields_have_line_editing_keys() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('p'));
    let Some(Modal::Form(f)) = &mut app.state.modal else {
        panic!("no purchase form")
    };
    let due = f.fields.iter().position(|x| x.key == "date").unwrap();
    assert_eq!(
        f.fields[due].value, "today",
        "the purchase form's date defaults to today"
    );
    f.focus = due;
    crate::tui::keys(&mut app, "next friday");
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert_eq!(
        f.value("date"),
        "next friday",
        "typing replaced the default"
    );
    let ctrl = |c| {
        ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Char(c),
            ratatui::crossterm::event::KeyModifiers::CONTROL,
        )
    };
    app.key(ctrl('w'));
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert_eq!(f.value("date"), "next ");
    app.key(ctrl('a'));
    crate::tui::keys(&mut app, "the ");
    app.key(ctrl('e'));
    crate::tui::keys(&mut app, "week");
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert_eq!(f.value("date"), "the next week");
    app.key(ctrl('u'));
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert_eq!(f.value("date"), "");
}

#[test]
fn choice_fields_are_pickers_in_either_language() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let st = store_of(&dir);
    let newest = |st: &store::Store| {
        st.read(|c| store::interactions::timeline(c, id, None, 1))
            .unwrap()[0]
            .clone()
    };
    // The Chinese word the timeline shows is accepted as typed.
    kehu::i18n::set_thread_lang(Some(kehu::i18n::Lang::Zh));
    press(&mut app, KeyCode::Char('l'));
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!("no log form")
    };
    assert_eq!(
        f.value("kind"),
        "电话",
        "the default kind is shown in Chinese"
    );
    press(&mut app, KeyCode::BackTab);
    crate::tui::keys(&mut app, "拜访");
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "上门");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 80, 24));
    assert_eq!(newest(&st).kind, kehu::domain::InteractionKind::Visit);
    kehu::i18n::set_thread_lang(None);
    // ←/→ pick the next value; the list of values is shown under the field.
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Right);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("call · email · meeting"), "{text}");
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert_eq!(f.value("kind"), "email");
    // j and k go through the values too.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('k'));
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert_eq!(f.value("kind"), "call");
    press(&mut app, KeyCode::Char('j'));
    // Typing the start of a value picks it.
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    crate::tui::keys(&mut app, "mee");
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "typed ahead");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 80, 24));
    assert_eq!(newest(&st).kind, kehu::domain::InteractionKind::Meeting);
    assert_eq!(newest(&st).summary, "typed ahead");
    // A value that is none of them is refused in place, naming the field.
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::BackTab);
    crate::tui::keys(&mut app, "fax");
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "x");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!("a bad kind was saved")
    };
    assert!(f.fields[0].error.is_some());
    assert_eq!(f.value("kind"), "fax", "what was typed is kept");
}

fn mouse(app: &mut App, kind: ratatui::crossterm::event::MouseEventKind, x: u16, y: u16) {
    app.mouse(ratatui::crossterm::event::MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
    });
    assert!(app.settle(crate::tui::SETTLE));
}

/// Where `text` is drawn on the screen: (column, row) of its first character.
fn find(screen: &str, text: &str) -> (u16, u16) {
    for (y, line) in screen.lines().enumerate() {
        if let Some(at) = line.find(text) {
            let x = unicode_width::UnicodeWidthStr::width(&line[..at]);
            return (x as u16, y as u16);
        }
    }
    panic!("{text} is not on screen:\n{screen}")
}

#[test]
fn the_mouse_selects_scrolls_and_presses_hint_keys() {
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    let (_dir, mut app) = demo_app();
    let text = screen(&mut app, 100, 30);
    // A click on a list row selects that customer.
    let name = app.state.list.rows[4].fields.name.clone();
    let (x, y) = find(&text, &name);
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left), x, y);
    assert_eq!(
        app.state.list_customer().map(|c| c.fields.name.clone()),
        Some(name)
    );
    assert_eq!(app.state.selected_id, highlighted(&app));
    // A click on a queue row focuses the queue and selects the row; the profile follows.
    let text = screen(&mut app, 100, 30);
    let _ = text;
    // Where the queue's third row is drawn (what a user sees there is that row).
    let (x, y) = (0..100u16)
        .flat_map(|x| (0..30u16).map(move |y| (x, y)))
        .find(|(x, y)| {
            app.state.clicked(*x, *y) == Some(kehu::tui::state::Click::Row(Pane::Queue, 2))
        })
        .expect("the queue's third row is on screen");
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left), x, y);
    assert_eq!(app.state.focus, Pane::Queue);
    assert_eq!(app.state.queue_selected, 2);
    assert_eq!(app.state.selected_id, highlighted(&app));
    // The wheel over the list scrolls it (three rows a notch).
    let (lx, ly) = find(&screen(&mut app, 100, 30), "Customers");
    let before = app.state.list.selected;
    mouse(&mut app, MouseEventKind::ScrollDown, lx, ly + 3);
    assert_eq!(app.state.focus, Pane::List);
    assert_eq!(app.state.list.selected, before + 3);
    // A click on a key in the hint line presses it.
    let text = screen(&mut app, 100, 30);
    let (hx, hy) = find(text.lines().last().unwrap(), "? help");
    let hy = hy + text.lines().count() as u16 - 1;
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        hx + 1,
        hy,
    );
    assert!(
        matches!(app.state.modal, Some(Modal::Help { .. })),
        "the click did not open help"
    );
}

#[test]
fn the_colon_palette_runs_kehu_commands_with_completion() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char(':'));
    crate::tui::keys(&mut app, "cu");
    let Some(Modal::Palette { completions, .. }) = &app.state.modal else {
        panic!("no palette")
    };
    assert_eq!(completions.first().map(String::as_str), Some("customer"));
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "li");
    press(&mut app, KeyCode::Tab);
    let Some(Modal::Palette { text, .. }) = &app.state.modal else {
        panic!("no palette")
    };
    assert_eq!(text, "customer list ");
    crate::tui::keys(&mut app, "--tier vip");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Text { text, .. }) = &app.state.modal else {
        panic!("the listing is not shown: {}", screen(&mut app, 80, 24))
    };
    assert!(text.contains("VIP") || text.contains("vip"), "{text}");
    press(&mut app, KeyCode::Esc);
    // A change made from the palette is saved and the screen refreshes; the message says so.
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char(':'));
    crate::tui::keys(
        &mut app,
        &format!("todo add {id} --title 'from the palette'"),
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none());
    let said = app.state.status.message.clone().unwrap().text;
    assert!(said.contains("added to-do"), "{said}");
    let todos = store_of(&dir)
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
    assert!(todos.iter().any(|t| t.title == "from the palette"));
    // A bad command keeps the line for correcting, and says what is wrong.
    press(&mut app, KeyCode::Char(':'));
    crate::tui::keys(&mut app, "customer frob");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Palette { text, .. }) = &app.state.modal else {
        panic!("the line was lost")
    };
    assert_eq!(text, "customer frob");
    assert_eq!(
        app.state.status.message.clone().unwrap().tone,
        kehu::tui::state::Tone::Refused
    );
}

#[test]
fn v_and_enter_show_whole_what_panes_cut() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let long_phone = "+86 138 0013 8000 ext. 4471 (front desk, ask for purchasing)";
    let st = store_of(&dir);
    st.write(|c| {
        store::contacts::add(
            c,
            &ctx("tester"),
            id,
            &kehu::domain::ContactFields {
                name: "Long Number Person".into(),
                title: Some("Head of purchasing for the whole northern region".into()),
                phone: Some(long_phone.into()),
                email: None,
                primary: false,
            },
        )
    })
    .unwrap();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Text { text, .. }) = &app.state.modal else {
        panic!("Enter on a list row showed nothing")
    };
    assert!(text.contains(long_phone), "{text}");
    assert!(text.contains("Head of purchasing for the whole northern region"));
    press(&mut app, KeyCode::Esc);
    // A queue row's reasons, whole.
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('v'));
    let Some(Modal::Text { text, .. }) = &app.state.modal else {
        panic!("v on a queue row showed nothing")
    };
    let kehu::tui::state::QueueRow::Today(r) = app.state.queue_row().unwrap().clone() else {
        panic!()
    };
    for why in &r.why {
        assert!(text.contains(why.as_str()), "{why} missing from\n{text}");
    }
}

#[test]
fn history_shows_values_as_the_screen_does() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    store_of(&dir)
        .write(|c| {
            store::purchases::add(
                c,
                &ctx("tester"),
                id,
                &kehu::domain::PurchaseFields {
                    on_date: c_today(),
                    product: Some("Audit".into()),
                    amount: 2_000_000,
                    note: None,
                },
            )
        })
        .unwrap();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('H'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("¥20,000.00"), "{text}");
    assert!(!text.contains("2000000"), "a raw amount:\n{text}");
    assert!(!text.contains("customer_id"), "a raw id column:\n{text}");
    assert!(
        !text.contains("T0") || !text.contains("Z;"),
        "a UTC instant:\n{text}"
    );
    kehu::i18n::set_thread_lang(Some(kehu::i18n::Lang::Zh));
    let zh = screen(&mut app, 120, 40);
    kehu::i18n::set_thread_lang(None);
    assert!(zh.contains("金额"), "labels in Chinese:\n{zh}");
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

#[test]
fn owner_fields_offer_the_team_and_question_an_unknown_name_once() {
    let (dir, mut app) = demo_app();
    assert!(
        app.state.people.contains(&"wang.lei".to_string()),
        "{:?}",
        app.state.people
    );
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char('O'));
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!("no reassign form")
    };
    assert!(!f.fields[0].suggestions.is_empty(), "no names offered");
    // ←/→ go through the team.
    press(&mut app, KeyCode::Right);
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert!(app.state.people.contains(&f.fields[0].value));
    // A typo is questioned, naming the nearest teammate; Enter again keeps it.
    app.key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    crate::tui::keys(&mut app, "wnag.lei");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!("a typo was saved without a question")
    };
    let error = f.fields[0].error.clone().unwrap_or_default();
    assert!(error.contains("wang.lei"), "{error}");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "Enter again did not keep it");
    assert_eq!(
        store_of(&dir)
            .read(|c| store::customers::get(c, id))
            .unwrap()
            .fields
            .owner
            .as_deref(),
        Some("wnag.lei")
    );
}

#[test]
fn details_keep_their_lines_and_a_long_note_scrolls_to_its_end() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char('l'));
    crate::tui::keys(&mut app, "pasted note");
    press(&mut app, KeyCode::Tab);
    app.paste("first line\r\nsecond line\nthird");
    app.key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('j'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    crate::tui::keys(&mut app, "fourth");
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("second line") && text.contains("fourth"),
        "{text}"
    );
    press(&mut app, KeyCode::Enter);
    let saved = store_of(&dir)
        .read(|c| store::interactions::timeline(c, id, None, 1))
        .unwrap()[0]
        .clone();
    assert_eq!(
        saved.details.as_deref(),
        Some("first line\nsecond line\nthird\nfourth")
    );
    // A 10,000-character note opens whole and scrolls to its last words.
    let long: String = (0..1000)
        .map(|i| format!("word{i:04} "))
        .collect::<String>()
        + "THE-END";
    store_of(&dir)
        .write(|c| {
            store::interactions::add(
                c,
                &ctx("tester"),
                id,
                &kehu::domain::InteractionFields {
                    kind: kehu::domain::InteractionKind::Note,
                    summary: "a very long note".into(),
                    details: Some(long.clone()),
                    at: ctx("tester").clock.stamp(),
                },
            )
        })
        .unwrap();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('3'));
    let at = app
        .state
        .timeline
        .iter()
        .position(|i| matches!(i, kehu::tui::state::TimelineItem::Interaction(x) if x.summary == "a very long note"))
        .unwrap();
    app.state.timeline_selected = at;
    press(&mut app, KeyCode::Enter);
    assert!(!screen(&mut app, 80, 24).contains("THE-END"));
    for _ in 0..30 {
        press(&mut app, KeyCode::PageDown);
    }
    assert!(
        screen(&mut app, 80, 24).contains("THE-END"),
        "the end of the note cannot be reached"
    );
}

#[test]
fn tab_completes_the_import_path() {
    let (dir, mut app) = demo_app();
    let folder = dir.path().join("exports");
    std::fs::create_dir_all(folder.join("older")).unwrap();
    std::fs::write(folder.join("people-2026.csv"), "name\nA\n").unwrap();
    std::fs::write(folder.join("people-notes.txt"), "x").unwrap();
    press(&mut app, KeyCode::Char('i'));
    crate::tui::keys(&mut app, &format!("{}/peo", folder.display()));
    press(&mut app, KeyCode::Tab);
    let value = |app: &App| match &app.state.modal {
        Some(Modal::Form(f)) => f.value("path").to_string(),
        _ => panic!("no import form"),
    };
    assert_eq!(value(&app), format!("{}/people-", folder.display()));
    crate::tui::keys(&mut app, "2");
    press(&mut app, KeyCode::Tab);
    assert_eq!(value(&app), format!("{}/people-2026.csv", folder.display()));
    // Nothing more to add: Tab moves to the next field.
    press(&mut app, KeyCode::Tab);
    let Some(Modal::Form(f)) = &app.state.modal else {
        panic!()
    };
    assert_eq!(f.fields[f.focus].key, "duplicates");
}
