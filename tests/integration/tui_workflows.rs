//! Workflows on the interactive screen: the Today queue, pipeline, surveys, campaigns, tickets,
//! dashboard, pool, history, presence, import and merge — driven by key events.

use kehu::store;
use kehu::tui::state::QueueRow;
use ratatui::crossterm::event::KeyCode;
use tempfile::TempDir;

use crate::common::ctx;
use crate::tui::{app_on, demo_app, keys, press, screen, store_of};

#[test]
fn the_today_queue_is_the_default_with_reasons_and_acts_per_kind() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('4'));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Queue · Today"), "{s}");
    assert!(
        s.contains("why: first response:"),
        "the selected row explains itself:\n{s}"
    );
    let QueueRow::Today(first) = app.state.queue[0].clone() else {
        panic!("a Today row")
    };
    assert_eq!(
        first.kind,
        kehu::store::today::TodayKind::Complaint,
        "the demo's overdue complaint ranks first"
    );
    // Acting on a complaint asks for the response and stops its clock.
    press(&mut app, KeyCode::Char('x'));
    assert!(screen(&mut app, 120, 40).contains("Respond:"));
    keys(&mut app, "Called and apologised");
    press(&mut app, KeyCode::Enter);
    let t = store_of(&dir)
        .read(|c| store::tickets::get(c, first.item_id))
        .unwrap();
    assert!(t.first_response_at.is_some());
    assert!(!app.state.queue.iter().any(
        |r| matches!(r, QueueRow::Today(x) if x.item_id == first.item_id && x.kind == first.kind)
    ));
    // Snoozing a row that is not a to-do is remembered.
    let cadence = app
        .state
        .queue
        .iter()
        .position(
            |r| matches!(r, QueueRow::Today(x) if x.kind == kehu::store::today::TodayKind::Cadence),
        )
        .unwrap();
    for _ in 0..cadence {
        press(&mut app, KeyCode::Char('j'));
    }
    let QueueRow::Today(row) = app.state.queue[cadence].clone() else {
        panic!()
    };
    press(&mut app, KeyCode::Char('Z'));
    assert!(!app.state.queue.iter().any(|r| matches!(r, QueueRow::Today(x) if x.kind == row.kind && x.customer_id == row.customer_id)));
    let rows = store_of(&dir)
        .read(|c| store::today::queue(c, &crate::common::clock(), None, None, None))
        .unwrap();
    assert!(
        !rows
            .iter()
            .any(|x| x.kind == row.kind && x.customer_id == row.customer_id),
        "the snooze is stored"
    );
}

#[test]
fn pipeline_moves_deals_and_wins_with_a_purchase() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('P'));
    let s = screen(&mut app, 120, 40);
    for stage in [
        "qualified",
        "needs analysis",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ] {
        assert!(s.contains(stage), "no {stage} column:\n{s}");
    }
    let wide = screen(&mut app, 140, 40);
    assert!(
        wide.contains("proposal 50%") && wide.contains("needs analysis 25%"),
        "each open stage shows its chance where the columns have room:\n{wide}"
    );
    // The forecast line: every open deal × its stage's chance (the settings' defaults).
    let st = store_of(&dir);
    let expected = |st: &kehu::store::Store| {
        let deals = st.read(|c| store::deals::list(c, None)).unwrap();
        let x100: i64 = deals
            .iter()
            .map(|d| {
                let pct = match d.stage.as_str() {
                    "qualified" => 10,
                    "needs_analysis" => 25,
                    "proposal" => 50,
                    "negotiation" => 75,
                    _ => 0,
                };
                d.amount * pct
            })
            .sum();
        format!(
            "forecast {}",
            kehu::domain::format::money_whole(x100 / 100, "CNY")
        )
    };
    assert!(s.contains(&expected(&st)), "{}\n{s}", expected(&st));
    let Some(kehu::tui::state::Modal::Pipeline(p)) = &app.state.modal else {
        panic!("pipeline open")
    };
    let (deal, _) = p.selected().cloned().expect("a qualified deal");
    press(&mut app, KeyCode::Char('>'));
    let moved = screen(&mut app, 120, 40);
    assert!(
        moved.contains(&expected(&st)),
        "the forecast follows the move:\n{moved}"
    );
    assert_eq!(
        st.read(|c| store::deals::get(c, deal.id)).unwrap().stage,
        kehu::domain::DealStage::NeedsAnalysis
    );
    let before = st
        .read(|c| store::customers::get(c, deal.customer_id))
        .unwrap()
        .purchase_total;
    // w asks for the amount (the deal's, prefilled); Enter records it.
    press(&mut app, KeyCode::Char('w'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        st.read(|c| store::deals::get(c, deal.id)).unwrap().stage,
        kehu::domain::DealStage::Won
    );
    let after = st
        .read(|c| store::customers::get(c, deal.customer_id))
        .unwrap()
        .purchase_total;
    assert_eq!(after - before, deal.amount, "winning recorded the purchase");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.state.selected_id,
        Some(deal.customer_id),
        "Enter goes to the deal's customer"
    );
}

#[test]
fn survey_in_three_keystrokes_and_purchase_from_the_profile() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('v'));
    keys(&mut app, "9");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, 100, 30).contains("not a score from 1 to 5"));
    press(&mut app, KeyCode::Backspace);
    keys(&mut app, "542");
    keys(&mut app, "ok");
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none(), "{}", screen(&mut app, 100, 30));
    let surveys = store_of(&dir)
        .read(|c| store::surveys::for_customer(c, id))
        .unwrap();
    assert_eq!(
        (surveys[0].quality, surveys[0].attitude, surveys[0].speed),
        (5, 4, 2)
    );
    assert_eq!(surveys[0].comment.as_deref(), Some("ok"));
    assert!(screen(&mut app, 120, 50).contains("satisfaction"));

    press(&mut app, KeyCode::Char('p'));
    keys(&mut app, "1,250.50");
    press(&mut app, KeyCode::Enter);
    let p = store_of(&dir)
        .read(|c| store::purchases::for_customer(c, id, 1))
        .unwrap();
    assert_eq!(p[0].amount, 125_050);
    assert!(
        app.state.timeline.iter().any(
            |t| matches!(t, kehu::tui::state::TimelineItem::Purchase(x) if x.amount == 125_050)
        )
    );
}

#[test]
fn invite_the_customers_shown_by_a_search() {
    let (dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "muller");
    press(&mut app, KeyCode::Enter);
    let shown = app
        .state
        .search
        .hits
        .as_ref()
        .map(|(h, _)| h.len())
        .unwrap();
    press(&mut app, KeyCode::Char('I'));
    keys(&mut app, "Winter gala");
    press(&mut app, KeyCode::Enter);
    let list = store_of(&dir).read(store::campaigns::list).unwrap();
    let gala = list
        .iter()
        .find(|c| c.name == "Winter gala")
        .expect("campaign created");
    assert_eq!(gala.invited as usize, shown);
}

#[test]
fn at_risk_customers_are_marked_and_tickets_and_attendance_work_from_the_profile() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    let c = ctx("tester");
    let mut f = kehu::domain::CustomerFields::named("Aaron Drifting");
    f.tier = kehu::domain::Tier::Vip;
    let id = st.write(|x| store::customers::add(x, &c, &f, &[])).unwrap();
    let old = kehu::domain::InteractionFields {
        at: "2026-08-01T02:00:00.000Z".into(),
        kind: kehu::domain::InteractionKind::Call,
        summary: "long ago".into(),
        details: None,
    };
    st.write(|x| store::interactions::add(x, &c, id, &old))
        .unwrap();
    let t = st
        .write(|x| {
            store::tickets::open(
                x,
                &c,
                id,
                kehu::domain::TicketKind::Complaint,
                kehu::domain::Severity::High,
                "broken",
            )
        })
        .unwrap();
    let camp = st
        .write(|x| store::campaigns::add(x, &c, "Gala", None, None))
        .unwrap();
    st.write(|x| store::campaigns::invite(x, &c, camp, &[id]))
        .unwrap();
    let mut app = app_on(&dir);
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("⚠Aaron Drifting"), "at-risk mark:\n{s}");
    assert!(
        s.contains("⚠ at risk"),
        "the profile names the signal:\n{s}"
    );
    assert!(
        s.contains("24h 0m left") || s.contains("23h"),
        "the complaint clock shows in the profile:\n{s}"
    );
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('r'));
    keys(&mut app, "called back");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        st.read(|x| store::tickets::get(x, t)).unwrap().status,
        kehu::domain::TicketStatus::Responded
    );
    press(&mut app, KeyCode::Char('r'));
    assert!(
        screen(&mut app, 100, 30).contains("resolve"),
        "the next step is proposed"
    );
    keys(&mut app, "fixed");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        st.read(|x| store::tickets::get(x, t)).unwrap().status,
        kehu::domain::TicketStatus::Resolved
    );
    press(&mut app, KeyCode::Char('A'));
    press(&mut app, KeyCode::Enter);
    let m = st.read(|x| store::campaigns::for_customer(x, id)).unwrap();
    assert!(m[0].attended, "{}", screen(&mut app, 100, 30));
}

#[test]
fn dashboard_at_80x24_and_200x60_with_customers_behind_a_figure() {
    let (_dir, mut app) = demo_app();
    press(&mut app, KeyCode::Char('D'));
    let small = screen(&mut app, 80, 24);
    for part in [
        "Dashboard",
        "Churn rate",
        "Repurchase rate",
        "Revenue / month",
        "Esc close",
    ] {
        assert!(small.contains(part), "80x24 lacks '{part}':\n{small}");
    }
    assert!(
        small.contains('↑') || small.contains('↓'),
        "changes are marked with arrows"
    );
    let wide = screen(&mut app, 200, 60);
    for part in [
        "New customers / month",
        "Churned / month",
        "Satisfaction trend",
        "Revenue by tier",
    ] {
        assert!(wide.contains(part), "200x60 lacks '{part}':\n{wide}");
    }
    assert!(
        !small.contains("Satisfaction trend"),
        "fewer charts at 80x24"
    );
    // The churned customers behind the churn rate, and a jump to one of them.
    let churn = app.state.modal.as_ref().and_then(|m| match m {
        kehu::tui::state::Modal::Dashboard(d) => d.report.as_ref().map(|r| {
            r.lines()
                .iter()
                .position(|l| l.key == "churn_rate")
                .unwrap()
        }),
        _ => None,
    });
    for _ in 0..churn.unwrap() {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Enter);
    let listed = screen(&mut app, 120, 40);
    assert!(
        listed.contains("Churn rate:") && listed.contains("churned 2026-"),
        "{listed}"
    );
    let kehu::tui::state::Modal::Dashboard(d) = app.state.modal.as_ref().unwrap() else {
        panic!()
    };
    let (first, _, _) = d.drill.as_ref().unwrap().1[0].clone();
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none());
    assert_eq!(app.state.selected_id, Some(first), "jumped to the customer");
    // Period and scope change the figures.
    press(&mut app, KeyCode::Char('D'));
    press(&mut app, KeyCode::Left);
    assert!(screen(&mut app, 120, 40).contains("2026-09-24 – 2026-10-23 vs"));
    press(&mut app, KeyCode::Char('m'));
    assert!(screen(&mut app, 120, 40).contains("tester's customers"));
    press(&mut app, KeyCode::Esc);
    assert!(app.state.modal.is_none());
}

#[test]
fn the_dashboard_shows_each_figure_against_its_target() {
    let (dir, mut app) = demo_app();
    let c = ctx("tester");
    store_of(&dir)
        .write(|x| {
            store::settings::set(x, &c, "target.churn_rate", "0.1%")?;
            store::settings::set(x, &c, "target.new_leads", "1000")
        })
        .unwrap();
    press(&mut app, KeyCode::Char('D'));
    let wide = screen(&mut app, 140, 40);
    let row = |s: &str, figure: &str| {
        s.lines()
            .find(|l| l.contains(figure))
            .unwrap_or_else(|| panic!("no {figure}:\n{s}"))
            .to_string()
    };
    assert!(wide.contains("Target"), "{wide}");
    assert!(row(&wide, "Churn rate").contains("≤0.1% ✗"), "{wide}");
    assert!(row(&wide, "New leads").contains("≥1000 ✗"), "{wide}");
    assert!(wide.contains("0 of 2 met"), "{wide}");
    // Without room for the column, the count of targets met still shows.
    let small = screen(&mut app, 80, 24);
    assert!(!row(&small, "Churn rate").contains('≤'), "{small}");
    assert!(small.contains("0 of 2 met"), "{small}");
}

#[test]
fn a_check_back_in_the_queue_opens_the_survey_that_answers_its_complaint() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    // Resolved eight days ago: the check-back (a week after) is a day late.
    let then = kehu::store::Ctx::new(
        "tester",
        kehu::domain::Clock::fixed(
            crate::common::clock().now - chrono::Duration::days(8),
            crate::common::clock().offset,
        ),
    );
    let (customer, ticket) = st
        .write(|x| {
            let mut f = kehu::domain::CustomerFields::named("Cleo Complains");
            f.stage = kehu::domain::Stage::Customer;
            let id = store::customers::add(x, &then, &f, &[])?;
            let t = store::tickets::open(
                x,
                &then,
                id,
                kehu::domain::TicketKind::Complaint,
                kehu::domain::Severity::Normal,
                "cold soup",
            )?;
            store::tickets::advance(
                x,
                &then,
                t,
                1,
                kehu::domain::TicketStatus::Resolved,
                "new soup",
                false,
            )?;
            Ok((id, t))
        })
        .unwrap();
    let mut app = crate::tui::app_on(&dir);
    press(&mut app, KeyCode::Char('4'));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("? poll") && s.contains("Cleo Complains"), "{s}");
    let row = app
        .state
        .queue
        .iter()
        .position(
            |r| matches!(r, QueueRow::Today(x) if x.kind == kehu::store::today::TodayKind::Survey),
        )
        .unwrap();
    for _ in 0..row {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('x'));
    let form = screen(&mut app, 120, 40);
    assert!(
        form.contains(&format!("Check-back on complaint #{ticket}")),
        "{form}"
    );
    keys(&mut app, "545");
    press(&mut app, KeyCode::Enter);
    let surveys = st
        .read(|x| store::surveys::for_customer(x, customer))
        .unwrap();
    assert_eq!(surveys[0].ticket_id, Some(ticket));
    assert!(!app.state.queue.iter().any(
        |r| matches!(r, QueueRow::Today(x) if x.kind == kehu::store::today::TodayKind::Survey)
    ));
}

#[test]
fn a_complaint_is_handed_over_from_the_screen() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    let c = ctx("tester");
    let ticket = st
        .write(|x| {
            let id =
                store::customers::add(x, &c, &kehu::domain::CustomerFields::named("Hana"), &[])?;
            store::tickets::open(
                x,
                &c,
                id,
                kehu::domain::TicketKind::Complaint,
                kehu::domain::Severity::Normal,
                "late parcel",
            )
        })
        .unwrap();
    let mut app = crate::tui::app_on(&dir);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::BackTab);
    for _ in 0..3 {
        press(&mut app, KeyCode::Right);
    }
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "courier");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "li.na");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "技术支持");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("now with li.na (technical support)"), "{s}");
    let t = st.read(|x| store::tickets::get(x, ticket)).unwrap();
    assert_eq!(t.routing.assignee.as_deref(), Some("li.na"));
    assert_eq!(t.routing.department.as_deref(), Some("technical_support"));
    assert!(s.contains("Handed complaint"), "on the timeline:\n{s}");
}

#[test]
fn pool_filter_and_claiming_from_the_screen() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    let c = ctx("tester");
    let f = kehu::domain::CustomerFields::named("Pooled Pat");
    let id = st.write(|x| store::customers::add(x, &c, &f, &[])).unwrap();
    let mut owned = kehu::domain::CustomerFields::named("Owned Olga");
    owned.owner = Some("wang".into());
    st.write(|x| store::customers::add(x, &c, &owned, &[]))
        .unwrap();
    let mut app = app_on(&dir);
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "pool");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("Pooled Pat") && !s.contains("Owned Olga"), "{s}");
    press(&mut app, KeyCode::Char('O'));
    assert!(screen(&mut app, 100, 30).contains("Claim Pooled Pat from the shared pool"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        st.read(|x| store::customers::get(x, id))
            .unwrap()
            .fields
            .owner
            .as_deref(),
        Some("tester")
    );
}

#[test]
fn history_view_lists_who_changed_what() {
    let (dir, mut app) = demo_app();
    let id = app.state.selected_id.unwrap();
    let st = store_of(&dir);
    let c = st.read(|x| store::customers::get(x, id)).unwrap();
    let mut f = c.fields.clone();
    f.city = Some("Hangzhou".into());
    st.write(|x| store::customers::update(x, &ctx("wang"), id, c.audit.version, &f, &c.tags))
        .unwrap();
    press(&mut app, KeyCode::Char('H'));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("History of"), "{s}");
    assert!(
        s.contains("wang") && s.contains("→ Hangzhou"),
        "field-level before → after, by whom:\n{s}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.state.modal.is_none());
}

#[test]
fn the_status_bar_shows_who_else_has_the_file_open() {
    let dir = TempDir::new().unwrap();
    drop(store_of(&dir));
    let folder = dir.path().join(".kehu.db.presence");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("laptop-7.json"),
        br#"{"user":"wang","host":"laptop","pid":7}"#,
    )
    .unwrap();
    let mut app = app_on(&dir);
    app.tick();
    assert!(screen(&mut app, 120, 30).contains("also here: wang@laptop"));
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        2,
        "this screen announced itself"
    );
    drop(app);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1, "and left");
}

#[test]
fn my_customers_and_my_todos() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    let c = ctx("tester");
    let mut mine = kehu::domain::CustomerFields::named("Mine Mei");
    mine.owner = Some("tester".into());
    let mut theirs = kehu::domain::CustomerFields::named("Theirs Tom");
    theirs.owner = Some("wang".into());
    let m = st
        .write(|x| store::customers::add(x, &c, &mine, &[]))
        .unwrap();
    let t = st
        .write(|x| store::customers::add(x, &c, &theirs, &[]))
        .unwrap();
    let todo = |customer: i64, who: &str| kehu::domain::TodoFields {
        customer_id: Some(customer),
        title: format!("call for {who}"),
        due: Some("2026-11-22".parse().unwrap()),
        due_time: None,
        priority: kehu::domain::Priority::Normal,
        assignee: Some(who.into()),
        recurrence: None,
    };
    st.write(|x| store::todos::add(x, &c, &todo(m, "tester")))
        .unwrap();
    st.write(|x| store::todos::add(x, &c, &todo(t, "wang")))
        .unwrap();
    let mut app = app_on(&dir);
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "mine");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 100, 30);
    let names: Vec<&str> = app
        .state
        .list
        .rows
        .iter()
        .map(|c| c.fields.name.as_str())
        .collect();
    assert_eq!(names, vec!["Mine Mei"]);
    assert!(s.contains("owner:tester"));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('m'));
    let s = screen(&mut app, 100, 30);
    assert!(
        s.contains("Today · mine") && s.contains("call for tester") && !s.contains("call for wang"),
        "{s}"
    );
}

#[test]
fn import_from_the_screen_with_a_preview() {
    let dir = TempDir::new().unwrap();
    drop(store_of(&dir));
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "姓名,手机,城市\n王芳,138 0013 8000,杭州\nOmar Ali,+44 20 7946 0000,London\n",
    )
    .unwrap();
    let mut app = app_on(&dir);
    press(&mut app, KeyCode::Char('i'));
    keys(&mut app, file.to_str().unwrap());
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("姓名 → name") && s.contains("Would add 2") && s.contains("王芳"),
        "{s}"
    );
    assert_eq!(
        store_of(&dir).read(store::customers::count).unwrap(),
        0,
        "a preview writes nothing"
    );
    press(&mut app, KeyCode::Char('y'));
    assert!(app.state.modal.is_none());
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("imported 2 new"), "{s}");
    assert_eq!(store_of(&dir).read(store::customers::count).unwrap(), 2);
    assert!(
        s.contains("王芳") && s.contains("Omar Ali"),
        "the list shows them:\n{s}"
    );
    // A file with a bad row: the preview says so and y imports nothing.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "Name,Phone\nGood,138 0013 8001\nBad,12\n").unwrap();
    press(&mut app, KeyCode::Char('i'));
    keys(&mut app, bad.to_str().unwrap());
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, 120, 40).contains("1 bad row(s)"));
    // y says why it imports nothing, and how to import the good rows.
    press(&mut app, KeyCode::Char('y'));
    let said = app.state.status.message.clone().unwrap();
    assert_eq!(said.tone, kehu::tui::state::Tone::Refused);
    assert!(
        said.text.contains("s to import the good rows"),
        "{}",
        said.text
    );
    assert_eq!(store_of(&dir).read(store::customers::count).unwrap(), 2);
    // s imports the good row and leaves the bad one out.
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(store_of(&dir).read(store::customers::count).unwrap(), 3);
    // A path under the home folder may be typed with ~.
    let home = directories::BaseDirs::new()
        .unwrap()
        .home_dir()
        .to_path_buf();
    let mine = tempfile::Builder::new()
        .prefix("kehu-import-")
        .suffix(".csv")
        .tempfile_in(&home);
    if let Ok(mine) = mine {
        std::fs::write(
            mine.path(),
            "Name
Tilde Person
",
        )
        .unwrap();
        let name = mine
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        press(&mut app, KeyCode::Char('i'));
        keys(&mut app, &format!("~/{name}"));
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char('y'));
        assert_eq!(store_of(&dir).read(store::customers::count).unwrap(), 4);
    }
}

#[test]
fn merging_two_customers_from_the_screen_field_by_field() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    let c = ctx("tester");
    let mut a = kehu::domain::CustomerFields::named("Anna A");
    a.city = Some("Berlin".into());
    a.email = Some("a@example.com".into());
    let mut b = kehu::domain::CustomerFields::named("Anna B");
    b.city = Some("Paris".into());
    b.phone = Some("138 0013 8000".into());
    let keep = st.write(|x| store::customers::add(x, &c, &a, &[])).unwrap();
    let other = st.write(|x| store::customers::add(x, &c, &b, &[])).unwrap();
    let call = kehu::domain::InteractionFields {
        at: "2026-11-20T02:00:00.000Z".into(),
        kind: kehu::domain::InteractionKind::Call,
        summary: "from B".into(),
        details: None,
    };
    st.write(|x| store::interactions::add(x, &c, other, &call))
        .unwrap();
    let mut app = app_on(&dir);
    press(&mut app, KeyCode::Char('j')); // Anna B, the duplicate
    press(&mut app, KeyCode::Char('M'));
    press(&mut app, KeyCode::Char('k')); // Anna A, the one to keep
    press(&mut app, KeyCode::Char('M'));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Merge Anna B") && s.contains("Berlin") && s.contains("Paris"),
        "{s}"
    );
    assert!(
        !s.contains("a@example.com") || s.contains("email"),
        "only fields both have and that differ are offered"
    );
    // Take the other's city; then merge.
    let rows = match &app.state.modal {
        Some(kehu::tui::state::Modal::Merge(m)) => m.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        _ => panic!("merge view open"),
    };
    let city = rows
        .iter()
        .position(|f| *f == "city")
        .expect("city differs");
    for _ in 0..city {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    assert!(app.state.modal.is_none());
    let merged = st.read(|x| store::customers::get(x, keep)).unwrap();
    assert_eq!(
        merged.fields.city.as_deref(),
        Some("Paris"),
        "taken from the other"
    );
    assert_eq!(merged.fields.email.as_deref(), Some("a@example.com"));
    assert_eq!(
        merged.fields.phone.as_deref(),
        Some("138 0013 8000"),
        "empty field filled"
    );
    assert!(
        st.read(|x| store::customers::get(x, other)).is_err(),
        "the duplicate is gone"
    );
    assert_eq!(
        st.read(|x| store::interactions::timeline(x, keep, None, 10))
            .unwrap()[0]
            .summary,
        "from B"
    );
}

#[test]
fn import_overwrites_a_likely_duplicate_only_when_asked_for_that_row() {
    let dir = TempDir::new().unwrap();
    let st = store_of(&dir);
    let c = ctx("tester");
    let stored = |name: &str, email: &str, city: &str| {
        let mut f = kehu::domain::CustomerFields::named(name);
        f.email = Some(email.into());
        f.city = Some(city.into());
        f.custom_fields.insert("industry".into(), "制造".into());
        st.write(|conn| store::customers::add(conn, &c, &f, &[]))
            .unwrap()
    };
    let zhang = stored("张伟", "zw@example.cn", "上海");
    let li = stored("李娜", "ln@example.cn", "杭州");
    let file = dir.path().join("update.csv");
    std::fs::write(
        &file,
        "姓名,邮箱,城市,手机,industry,level\n张伟,ZW@example.cn,北京,138 0013 8000,零售,A\n李娜,ln@example.cn,南京,139 0000 1111,零售,B\n",
    )
    .unwrap();
    let mut app = app_on(&dir);
    press(&mut app, KeyCode::Char('i'));
    keys(&mut app, file.to_str().unwrap());
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains(&format!(
            "[ ] line 2: 张伟 ≈ #{zhang} 张伟 · city 上海 → 北京"
        )) && s.contains(&format!("[ ] line 3: 李娜 ≈ #{li} 李娜 · city 杭州 → 南京")),
        "each likely duplicate shows how it differs (an e-mail in another case is no difference):\n{s}"
    );
    // Mark the first row only; the second is skipped (the default for duplicates).
    press(&mut app, KeyCode::Char(' '));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("[x] line 2") && s.contains("1 overwritten"),
        "{s}"
    );
    press(&mut app, KeyCode::Char('y'));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("updated 1 (1 overwritten), skipped 1"), "{s}");
    let get = |id| {
        store_of(&dir)
            .read(|c| store::customers::get(c, id))
            .unwrap()
    };
    let z = get(zhang);
    assert_eq!(
        z.fields.city.as_deref(),
        Some("北京"),
        "overwritten as asked"
    );
    assert_eq!(
        z.fields.phone.as_deref(),
        Some("138 0013 8000"),
        "empty field filled"
    );
    assert_eq!(
        z.fields.email.as_deref(),
        Some("zw@example.cn"),
        "same e-mail kept as stored"
    );
    assert_eq!(
        z.fields.custom_fields["industry"], "制造",
        "custom fields are never overwritten"
    );
    assert_eq!(
        z.fields.custom_fields["level"], "A",
        "a new custom field is added"
    );
    let l = get(li);
    assert_eq!(
        l.fields.city.as_deref(),
        Some("杭州"),
        "an unmarked row is not touched"
    );
    assert_eq!(l.fields.phone, None);
    // Undo puts the overwritten value back.
    let batch = store_of(&dir)
        .write(|conn| {
            let b: i64 = conn.query_row("SELECT max(id) FROM import_batch", [], |r| r.get(0))?;
            store::imports::undo(conn, &c, b).map(|_| b)
        })
        .unwrap();
    assert!(batch > 0);
    let z = get(zhang);
    assert_eq!(
        (z.fields.city.as_deref(), z.fields.phone.as_deref()),
        (Some("上海"), None)
    );
    assert!(
        !z.fields.custom_fields.contains_key("level"),
        "and removes the added custom field"
    );
}
