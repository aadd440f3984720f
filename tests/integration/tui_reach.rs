//! Everything is reachable and readable from the screen: the mouse, the `:` line, whole texts,
//! history as the screen shows values, purchases, archive, closed to-dos, imports, the pipeline.

use kehu::store;
use kehu::tui::App;
use kehu::tui::state::{Modal, Pane};
use ratatui::crossterm::event::KeyCode;

use crate::common::ctx;
use crate::tui::{demo_app, press, screen, store_of};
use crate::tui_targets::{c_today, highlighted};

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
    for why in r.why.iter() {
        assert!(text.contains(why), "{why} missing from\n{text}");
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
