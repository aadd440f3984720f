//! Forms as a user types into them: pickers, defaults, line editing, several lines, names the
//! team knows, a path completed, and an edit conflict resolved at 80×24.

use kehu::store;
use kehu::tui::App;
use kehu::tui::state::Modal;
use ratatui::crossterm::event::KeyCode;

use crate::common::ctx;
use crate::tui::{demo_app, press, screen, store_of};

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

#[test]
fn marking_churned_on_the_screen_asks_why_and_the_win_back_filter_lists_by_value() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let ctrl_u = || {
        ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Char('u'),
            ratatui::crossterm::event::KeyModifiers::CONTROL,
        )
    };
    press(&mut app, KeyCode::Char('e'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    app.key(ctrl_u());
    crate::tui::keys(&mut app, "churned");
    press(&mut app, KeyCode::Enter);
    // Refused beside the reason field, the form kept as typed.
    let text = screen(&mut app, 100, 32);
    assert!(
        text.contains("▶Churn reason") && text.contains("needs a reason"),
        "{text}"
    );
    let Some(Modal::Form(form)) = &app.state.modal else {
        panic!("the form stays open:\n{text}")
    };
    assert_eq!(form.value("stage"), "churned");
    crate::tui::keys(&mut app, "price");
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "too dear");
    let text = screen(&mut app, 100, 32);
    assert!(text.contains("▶Churn note"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 100, 32));
    let c = store_of(&dir)
        .read(|x| store::customers::get(x, id))
        .unwrap();
    assert_eq!(c.fields.churn_reason.as_deref(), Some("price"));
    assert_eq!(c.fields.churn_note.as_deref(), Some("too dear"));
    // The profile says since when and why.
    let profile = screen(&mut app, 160, 40);
    assert!(
        profile.contains("since 2026-11-22 (0 days) · price — too dear"),
        "{profile}"
    );
    // The win-back filter: churned customers, by value.
    press(&mut app, KeyCode::Char('f'));
    crate::tui::keys(&mut app, "winback");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.state.sort, kehu::store::pages::CustomerSort::Value);
    assert_eq!(app.state.filter.stage, Some(kehu::domain::Stage::Churned));
    let listed = screen(&mut app, 120, 40);
    assert!(listed.contains("by value · churned"), "{listed}");
}

#[test]
fn an_agreement_is_recorded_from_the_profile_and_shown_there() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('w'));
    crate::tui::keys(&mut app, "Service contract");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    // An end before the start is refused beside the field, the form kept.
    crate::tui::keys(&mut app, "2020-01-01");
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app, 100, 32);
    assert!(text.contains("before the start"), "{text}");
    let Some(Modal::Form(_)) = &app.state.modal else {
        panic!("the form stays open:\n{text}")
    };
    let ctrl_u = ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    app.key(ctrl_u);
    crate::tui::keys(&mut app, "2027-06-30");
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "50000");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 100, 32));
    let list = store_of(&dir)
        .read(|x| store::agreements::list(x, Some(id)))
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].fields.value, 5_000_000);
    let profile = screen(&mut app, 160, 50);
    assert!(
        profile.contains("Service contract · ¥50,000.00 · until 2027-06-30"),
        "{profile}"
    );
}

#[test]
fn a_purchase_picks_its_product_from_the_list_with_the_arrows() {
    let (dir, app) = demo_app();
    drop(app);
    store_of(&dir)
        .write(|x| {
            store::products::add(
                x,
                &crate::common::ctx("tester"),
                "Gold Plan",
                Some("plans"),
                None,
            )
        })
        .unwrap();
    // The screen reads the product list with its counts when it opens.
    let mut app = crate::tui::app_on(&dir);
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('p'));
    crate::tui::keys(&mut app, "900");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    let text = screen(&mut app, 100, 32);
    assert!(text.contains("Gold Plan"), "{text}");
    press(&mut app, KeyCode::Enter);
    let bought = store_of(&dir)
        .read(|x| store::purchases::for_customer(x, id, 1))
        .unwrap();
    assert_eq!(bought[0].product.as_deref(), Some("Gold Plan"));
}

#[test]
fn points_and_coupons_from_the_profile_and_a_coupon_redeemed_with_a_purchase() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let balance = |dir: &tempfile::TempDir| {
        store_of(dir)
            .read(|x| store::loyalty::balance(x, id))
            .unwrap()
    };
    let start = balance(&dir);
    press(&mut app, KeyCode::Char('2'));
    // More than the balance is refused beside the points field; the form keeps what was typed.
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, &(start + 1).to_string());
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "tea set");
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app, 100, 32);
    assert!(text.contains("more than the balance"), "{text}");
    let Some(Modal::Form(_)) = &app.state.modal else {
        panic!("the form stays open:\n{text}")
    };
    // Adjusting instead, by a typed +N (the refused field has the focus).
    press(&mut app, KeyCode::BackTab);
    let ctrl_u = ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    // A choice: → goes from redeem to adjust.
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    app.key(ctrl_u);
    crate::tui::keys(&mut app, "+250");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 100, 32));
    assert_eq!(balance(&dir), start + 250);

    // A coupon for this customer, then a purchase that redeems it.
    press(&mut app, KeyCode::Char('V'));
    crate::tui::keys(&mut app, "10%");
    press(&mut app, KeyCode::Tab);
    crate::tui::keys(&mut app, "TUI10");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 100, 32));
    let profile = screen(&mut app, 160, 60);
    assert!(profile.contains("TUI10 · 10% off"), "{profile}");
    press(&mut app, KeyCode::Char('p'));
    crate::tui::keys(&mut app, "900");
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    // The coupon field offers the customer's open coupons.
    press(&mut app, KeyCode::Right);
    let text = screen(&mut app, 100, 32);
    assert!(text.contains("TUI10"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 100, 32));
    let coupon = store_of(&dir)
        .read(|x| store::coupons::coupon_by_code(x, "TUI10"))
        .unwrap();
    assert_eq!(coupon.discount, Some(10_000));
    assert!(coupon.purchase_id.is_some());
}
