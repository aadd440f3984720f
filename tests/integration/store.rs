//! The repository layer on temporary databases.

use chrono::NaiveDate;
use kehu::domain::input::Recurrence;
use kehu::domain::{
    ContactFields, CustomerFields, InteractionFields, InteractionKind, Priority, PurchaseFields,
    Stage, Tier, TodoFields, TodoStatus,
};
use kehu::store::customers::Filter;
use kehu::store::{self, OpenMode, Store, StoreError};

use crate::common::{add_customer, clock, ctx, temp_store};

pub(crate) fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

pub(crate) fn todo(customer: Option<i64>, title: &str, due: Option<&str>) -> TodoFields {
    TodoFields {
        customer_id: customer,
        title: title.into(),
        due: due.map(date),
        due_time: None,
        priority: Priority::Normal,
        assignee: Some("tester".into()),
        recurrence: None,
    }
}

pub(crate) fn call(at: &str, summary: &str) -> InteractionFields {
    InteractionFields {
        at: at.into(),
        kind: InteractionKind::Call,
        summary: summary.into(),
        details: None,
    }
}

#[test]
fn customer_add_get_update_and_tags() {
    let (_d, s) = temp_store();
    let c = ctx("li.na");
    let mut f = CustomerFields::named("张伟");
    f.company = Some("上海星辰科技有限公司".into());
    f.tier = Tier::Vip;
    f.email = Some("Zhang.Wei@Example.com".into());
    f.phone = Some("+86 138-0013-8000".into());
    f.custom_fields.insert("industry".into(), "制造".into());
    let id = s
        .write(|conn| {
            store::customers::add(conn, &c, &f, &["重点".into(), "华东".into(), "重点".into()])
        })
        .unwrap();

    let got = s.read(|conn| store::customers::get(conn, id)).unwrap();
    assert_eq!(got.fields, f);
    assert_eq!(got.tags, vec!["华东".to_string(), "重点".to_string()]);
    assert_eq!(got.audit.created_by, "li.na");
    assert_eq!(got.audit.created_at, "2026-11-22T02:00:00.000Z");
    assert_eq!(got.audit.version, 1);

    let mut f2 = got.fields.clone();
    f2.stage = Stage::Customer;
    f2.city = Some("上海".into());
    let changed = s
        .write(|conn| store::customers::update(conn, &ctx("wang"), id, 1, &f2, &["华东".into()]))
        .unwrap();
    assert!(changed);
    let after = s.read(|conn| store::customers::get(conn, id)).unwrap();
    assert_eq!(after.fields.stage, Stage::Customer);
    assert_eq!(after.tags, vec!["华东".to_string()]);
    assert_eq!(after.audit.version, 2);
    assert_eq!(after.audit.updated_by, "wang");

    // Saving the same values again changes nothing and keeps the version.
    let again = s
        .write(|conn| store::customers::update(conn, &ctx("wang"), id, 2, &f2, &["华东".into()]))
        .unwrap();
    assert!(!again);
    assert_eq!(
        s.read(|conn| store::customers::get(conn, id))
            .unwrap()
            .audit
            .version,
        2
    );

    // Stage change was recorded in the dated history used by reports; unused tags are removed.
    let history = s
        .read(|conn| store::history::for_customer(conn, id, 100))
        .unwrap();
    assert!(
        history.iter().any(
            |e| e.after.get("stage").and_then(|v| v.as_str()) == Some("customer")
                && e.before.get("stage").and_then(|v| v.as_str()) == Some("lead")
                && e.by == "wang"
        )
    );
    assert!(history.iter().any(|e| e.after.get("tags").is_some()));
}

#[test]
fn stale_update_is_a_conflict_naming_who_and_writes_nothing() {
    let (_d, s) = temp_store();
    let id = add_customer(&s, "Alice");
    let mut mine = s.read(|c| store::customers::get(c, id)).unwrap().fields;
    let mut theirs = mine.clone();
    theirs.city = Some("Berlin".into());
    s.write(|c| store::customers::update(c, &ctx("bob"), id, 1, &theirs, &[]))
        .unwrap();

    mine.city = Some("Paris".into());
    let err = s
        .write(|c| store::customers::update(c, &ctx("alice"), id, 1, &mine, &[]))
        .unwrap_err();
    match &err {
        StoreError::Conflict {
            by,
            at,
            current_version,
            ..
        } => {
            assert_eq!(by, "bob");
            assert_eq!(at, "2026-11-22T02:00:00.000Z");
            assert_eq!(*current_version, 2);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(err.to_string().contains("bob"));
    let now = s.read(|c| store::customers::get(c, id)).unwrap();
    assert_eq!(now.fields.city.as_deref(), Some("Berlin"));
    assert_eq!(now.audit.version, 2);
}

#[test]
fn list_filters_and_searches() {
    let (_d, s) = temp_store();
    let c = ctx("tester");
    let mut a = CustomerFields::named("Zhang Wei");
    a.tier = Tier::Vip;
    a.owner = Some("li".into());
    a.phone = Some("138 0013 8000".into());
    let mut b = CustomerFields::named("Mary Smith");
    b.company = Some("Acme 100% Robotics".into());
    b.owner = Some("wang".into());
    let ia = s
        .write(|x| store::customers::add(x, &c, &a, &["key".into()]))
        .unwrap();
    let ib = s.write(|x| store::customers::add(x, &c, &b, &[])).unwrap();
    s.write(|x| {
        store::contacts::add(
            x,
            &c,
            ib,
            &ContactFields {
                name: "Peter Pan".into(),
                title: None,
                phone: Some("021-555 0199".into()),
                email: None,
                primary: true,
            },
        )
    })
    .unwrap();

    let ids = |f: Filter| {
        s.read(|x| store::customers::list(x, &f))
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(Filter::default()), vec![ib, ia], "sorted by name");
    assert_eq!(
        ids(Filter {
            tier: Some(Tier::Vip),
            ..Default::default()
        }),
        vec![ia]
    );
    assert_eq!(
        ids(Filter {
            owner: Some("wang".into()),
            ..Default::default()
        }),
        vec![ib]
    );
    assert_eq!(
        ids(Filter {
            tag: Some("KEY".into()),
            ..Default::default()
        }),
        vec![ia]
    );
    assert_eq!(
        ids(Filter {
            search: Some("13800138".into()),
            ..Default::default()
        }),
        vec![ia],
        "phone digits"
    );
    assert_eq!(
        ids(Filter {
            search: Some("138-0013".into()),
            ..Default::default()
        }),
        vec![ia],
        "phone typed with dashes"
    );
    assert_eq!(
        ids(Filter {
            search: Some("peter".into()),
            ..Default::default()
        }),
        vec![ib],
        "contact person"
    );
    assert_eq!(
        ids(Filter {
            search: Some("5550199".into()),
            ..Default::default()
        }),
        vec![ib],
        "contact phone"
    );
    assert_eq!(
        ids(Filter {
            search: Some("100%".into()),
            ..Default::default()
        }),
        vec![ib],
        "LIKE wildcards are literal"
    );
    assert_eq!(
        ids(Filter {
            search: Some("%".into()),
            ..Default::default()
        }),
        vec![ib]
    );

    let v = s
        .read(|x| store::customers::get(x, ib))
        .unwrap()
        .audit
        .version;
    assert!(
        s.write(|x| store::customers::set_archived(x, &c, ib, v, true))
            .unwrap()
    );
    assert_eq!(ids(Filter::default()), vec![ia], "archived hidden");
    assert_eq!(
        ids(Filter {
            include_archived: true,
            ..Default::default()
        }),
        vec![ib, ia]
    );
    let v = s
        .read(|x| store::customers::get(x, ib))
        .unwrap()
        .audit
        .version;
    assert!(
        s.write(|x| store::customers::set_archived(x, &c, ib, v, false))
            .unwrap()
    );
    assert_eq!(ids(Filter::default()), vec![ib, ia]);
}

#[test]
fn contacts_add_update_delete_and_one_primary() {
    let (_d, s) = temp_store();
    let c = ctx("tester");
    let id = add_customer(&s, "Acme");
    let p = |name: &str, primary| ContactFields {
        name: name.into(),
        title: Some("CEO".into()),
        phone: None,
        email: None,
        primary,
    };
    let a = s
        .write(|x| store::contacts::add(x, &c, id, &p("Ann", true)))
        .unwrap();
    let b = s
        .write(|x| store::contacts::add(x, &c, id, &p("Ben", true)))
        .unwrap();
    let list = s.read(|x| store::contacts::for_customer(x, id)).unwrap();
    assert_eq!(
        list.iter()
            .filter(|p| p.primary)
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        vec![b]
    );
    let ann = s.read(|x| store::contacts::get(x, a)).unwrap();
    s.write(|x| store::contacts::update(x, &c, a, ann.audit.version, &p("Ann Lee", false)))
        .unwrap();
    assert_eq!(
        s.read(|x| store::contacts::get(x, a)).unwrap().name,
        "Ann Lee"
    );
    let ben = s.read(|x| store::contacts::get(x, b)).unwrap();
    s.write(|x| store::contacts::delete(x, &c, b, ben.audit.version))
        .unwrap();
    assert_eq!(
        s.read(|x| store::contacts::for_customer(x, id))
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        s.write(|x| store::contacts::add(x, &c, 999, &p("Nobody", false))),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn interactions_refresh_last_contact_and_page_by_keyset() {
    let (_d, s) = temp_store();
    let c = ctx("tester");
    let id = add_customer(&s, "Acme");
    // Five entries sharing one timestamp and two older: paging must not skip any.
    for i in 0..5 {
        s.write(|x| {
            store::interactions::add(
                x,
                &c,
                id,
                &call("2026-11-20T01:00:00.000Z", &format!("same {i}")),
            )
        })
        .unwrap();
    }
    s.write(|x| store::interactions::add(x, &c, id, &call("2026-11-01T01:00:00.000Z", "old")))
        .unwrap();
    let newest = s
        .write(|x| store::interactions::add(x, &c, id, &call("2026-11-21T01:00:00.000Z", "new")))
        .unwrap();
    assert_eq!(
        s.read(|x| store::customers::get(x, id))
            .unwrap()
            .last_contact_at
            .as_deref(),
        Some("2026-11-21T01:00:00.000Z")
    );

    let mut seen = Vec::new();
    let mut cursor: Option<(String, i64)> = None;
    loop {
        let page = s
            .read(|x| {
                store::interactions::timeline(
                    x,
                    id,
                    cursor.as_ref().map(|(a, i)| (a.as_str(), *i)),
                    2,
                )
            })
            .unwrap();
        if page.is_empty() {
            break;
        }
        cursor = page.last().map(|e| (e.at.clone(), e.id));
        seen.extend(page.into_iter().map(|e| e.summary));
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.first().map(String::as_str), Some("new"));
    assert_eq!(seen.last().map(String::as_str), Some("old"));

    // Editing and deleting keep the cached last contact right.
    let e = s.read(|x| store::interactions::get(x, newest)).unwrap();
    s.write(|x| {
        store::interactions::update(
            x,
            &c,
            newest,
            e.audit.version,
            &call("2026-10-01T01:00:00.000Z", "moved"),
        )
    })
    .unwrap();
    assert_eq!(
        s.read(|x| store::customers::get(x, id))
            .unwrap()
            .last_contact_at
            .as_deref(),
        Some("2026-11-20T01:00:00.000Z")
    );
    let e = s.read(|x| store::interactions::get(x, newest)).unwrap();
    assert_eq!(e.audit.version, 2);
    s.write(|x| store::interactions::delete(x, &c, newest, e.audit.version))
        .unwrap();
    assert!(matches!(
        s.read(|x| store::interactions::get(x, newest)),
        Err(StoreError::NotFound { .. })
    ));
    assert!(s.read(store::customers::stale_derived).unwrap().is_empty());
}

#[test]
fn recurring_todo_completed_twice_at_once_spawns_one_follow_up() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("kehu.db");
    let a = Store::open(&path, OpenMode::Create { shared: false }, &ctx("a")).unwrap();
    let b = Store::open(&path, OpenMode::Existing, &ctx("b")).unwrap();
    let id = add_customer(&a, "Acme");
    let mut f = todo(Some(id), "monthly call", Some("2026-11-20"));
    f.recurrence = Some(Recurrence::parse("1m").unwrap());
    let t = a.write(|x| store::todos::add(x, &ctx("a"), &f)).unwrap();
    let seen_by_a = a.read(|x| store::todos::get(x, t)).unwrap().audit.version;
    let seen_by_b = b.read(|x| store::todos::get(x, t)).unwrap().audit.version;

    let next = a
        .write(|x| store::todos::complete(x, &ctx("a"), t, seen_by_a))
        .unwrap()
        .expect("a follow-up");
    let second = b.write(|x| store::todos::complete(x, &ctx("b"), t, seen_by_b));
    assert!(
        matches!(second, Err(StoreError::Conflict { ref by, .. }) if by == "a"),
        "{second:?}"
    );

    let open = a
        .read(|x| store::todos::list_open(x, &Default::default()))
        .unwrap();
    assert_eq!(open.len(), 1, "exactly one follow-up");
    assert_eq!(open[0].id, next);
    assert_eq!(
        open[0].due,
        Some(date("2026-12-22")),
        "counted from the completion date"
    );
    assert_eq!(open[0].recurrence, f.recurrence);
    let done = a.read(|x| store::todos::get(x, t)).unwrap();
    assert_eq!(done.status, TodoStatus::Done);
    assert!(done.done_at.is_some());
    assert_eq!(
        a.read(|x| store::customers::get(x, id)).unwrap().next_due,
        Some(date("2026-12-22"))
    );

    // Completing a done to-do, even at its current version, is refused with who did it.
    let v = a.read(|x| store::todos::get(x, t)).unwrap().audit.version;
    let err = a
        .write(|x| store::todos::complete(x, &ctx("a"), t, v))
        .unwrap_err();
    assert!(err.to_string().contains("already done"), "{err}");
}

#[test]
fn todos_cancel_snooze_and_list() {
    let (_d, s) = temp_store();
    let c = ctx("tester");
    let id = add_customer(&s, "Acme");
    let late = s
        .write(|x| store::todos::add(x, &c, &todo(Some(id), "late", Some("2026-11-19"))))
        .unwrap();
    let later = s
        .write(|x| store::todos::add(x, &c, &todo(Some(id), "later", Some("2026-12-01"))))
        .unwrap();
    let undated = s
        .write(|x| store::todos::add(x, &c, &todo(None, "someday", None)))
        .unwrap();
    let mut other = todo(None, "not mine", Some("2026-11-01"));
    other.assignee = Some("wang".into());
    let theirs = s.write(|x| store::todos::add(x, &c, &other)).unwrap();

    let ids = |f: store::todos::Filter| {
        s.read(|x| store::todos::list_open(x, &f))
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(Default::default()),
        vec![theirs, late, later, undated],
        "by due, undated last"
    );
    assert_eq!(
        ids(store::todos::Filter {
            due_before: Some(clock().today()),
            ..Default::default()
        }),
        vec![theirs, late]
    );
    assert_eq!(
        ids(store::todos::Filter {
            assignee: Some("wang".into()),
            ..Default::default()
        }),
        vec![theirs]
    );
    assert_eq!(
        ids(store::todos::Filter {
            customer_id: Some(id),
            ..Default::default()
        }),
        vec![late, later]
    );
    assert_eq!(
        s.read(|x| store::customers::get(x, id)).unwrap().next_due,
        Some(date("2026-11-19"))
    );

    let v = s
        .read(|x| store::todos::get(x, late))
        .unwrap()
        .audit
        .version;
    s.write(|x| store::todos::snooze(x, &c, late, v, date("2026-12-05")))
        .unwrap();
    assert_eq!(
        s.read(|x| store::customers::get(x, id)).unwrap().next_due,
        Some(date("2026-12-01"))
    );
    let v = s
        .read(|x| store::todos::get(x, later))
        .unwrap()
        .audit
        .version;
    s.write(|x| store::todos::cancel(x, &c, later, v)).unwrap();
    assert_eq!(
        s.read(|x| store::todos::get(x, later)).unwrap().status,
        TodoStatus::Cancelled
    );
    assert_eq!(
        s.read(|x| store::customers::get(x, id)).unwrap().next_due,
        Some(date("2026-12-05"))
    );
    let mut f = todo(Some(id), "renamed", Some("2026-11-30"));
    f.priority = Priority::High;
    let v = s
        .read(|x| store::todos::get(x, late))
        .unwrap()
        .audit
        .version;
    s.write(|x| store::todos::update(x, &c, late, v, &f))
        .unwrap();
    let t = s.read(|x| store::todos::get(x, late)).unwrap();
    assert_eq!((t.title.as_str(), t.priority), ("renamed", Priority::High));
}

#[test]
fn purchases_feed_cached_totals() {
    let (_d, s) = temp_store();
    let c = ctx("tester");
    let id = add_customer(&s, "Acme");
    let p = |d: &str, amount| PurchaseFields {
        on_date: date(d),
        product: Some("kit".into()),
        amount,
        note: None,
    };
    let first = s
        .write(|x| store::purchases::add(x, &c, id, &p("2026-10-01", 120_050)))
        .unwrap();
    s.write(|x| store::purchases::add(x, &c, id, &p("2026-11-01", 30_000)))
        .unwrap();
    let cust = s.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!(
        (
            cust.purchase_total,
            cust.purchase_count,
            cust.last_purchase_on
        ),
        (150_050, 2, Some(date("2026-11-01")))
    );
    let v = s
        .read(|x| store::purchases::get(x, first))
        .unwrap()
        .audit
        .version;
    s.write(|x| store::purchases::update(x, &c, first, v, &p("2026-10-01", 100_000)))
        .unwrap();
    assert_eq!(
        s.read(|x| store::customers::get(x, id))
            .unwrap()
            .purchase_total,
        130_000
    );
    let v = s
        .read(|x| store::purchases::get(x, first))
        .unwrap()
        .audit
        .version;
    s.write(|x| store::purchases::delete(x, &c, first, v))
        .unwrap();
    let cust = s.read(|x| store::customers::get(x, id)).unwrap();
    assert_eq!((cust.purchase_total, cust.purchase_count), (30_000, 1));
    assert_eq!(
        s.read(|x| store::purchases::for_customer(x, id, 10))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn settings_default_validate_and_log() {
    let (_d, s) = temp_store();
    assert_eq!(
        s.read(|x| store::settings::get(x, "cadence.vip")).unwrap(),
        "30"
    );
    assert_eq!(
        s.read(|x| store::settings::cadence_for(x, Tier::Potential))
            .unwrap(),
        14
    );
    s.write(|x| store::settings::set(x, &ctx("boss"), "cadence.vip", "21"))
        .unwrap();
    assert_eq!(
        s.read(|x| store::settings::cadence_for(x, Tier::Vip))
            .unwrap(),
        21
    );
    let err = s
        .write(|x| store::settings::set(x, &ctx("boss"), "cadence.vip", "soon"))
        .unwrap_err();
    assert!(err.to_string().contains("cadence"), "{err}");
    assert!(
        s.write(|x| store::settings::set(x, &ctx("boss"), "colour", "red"))
            .is_err()
    );
    let all = s.read(store::settings::all).unwrap();
    assert!(all.contains(&("cadence.vip", "21".to_string())));
}

/// The Today queue puts promises first: a crafted book whose order is pinned.
#[test]
fn the_today_queue_ranks_promises_above_nudges_and_drops_the_archived() {
    use kehu::domain::{CustomerFields, Priority, Severity, Stage, TicketKind, Tier, TodoFields};
    use kehu::store::{customers, tickets, today, todos};
    let (_d, st) = crate::common::temp_store();
    let c = crate::common::ctx("tester");
    let today_date = c.clock.today();
    let customer = |name: &str, tier: Tier| {
        let mut f = CustomerFields::named(name);
        f.tier = tier;
        f.stage = Stage::Customer;
        f.cadence_days = Some(1);
        f
    };
    let todo = |id: i64, title: &str, days_ago: i64, priority: Priority| TodoFields {
        customer_id: Some(id),
        title: title.into(),
        due: Some(today_date - chrono::Duration::days(days_ago)),
        due_time: None,
        priority,
        assignee: None,
        recurrence: None,
    };
    let (vip, potential, archived) = st
        .write(|x| {
            let vip = customers::add(x, &c, &customer("Vip Promise", Tier::Vip), &[])?;
            let potential =
                customers::add(x, &c, &customer("Potential Nudge", Tier::Potential), &[])?;
            let archived = customers::add(x, &c, &customer("Gone Away", Tier::Vip), &[])?;
            todos::add(x, &c, &todo(vip, "call as promised", 0, Priority::High))?;
            todos::add(x, &c, &todo(potential, "late low one", 5, Priority::Low))?;
            todos::add(x, &c, &todo(archived, "never shown", 9, Priority::High))?;
            tickets::open(
                x,
                &c,
                potential,
                TicketKind::Complaint,
                Severity::Normal,
                "broken",
            )?;
            // Long silences: loud cadence reminders for a potential and a VIP customer.
            let quiet = customers::add(x, &c, &customer("Quiet Vip", Tier::Vip), &[])?;
            for id in [potential, quiet] {
                kehu::store::interactions::add(
                    x,
                    &c,
                    id,
                    &kehu::domain::InteractionFields {
                        at: (c.clock.now - chrono::Duration::days(400))
                            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                            .to_string(),
                        kind: kehu::domain::InteractionKind::Call,
                        summary: "long ago".into(),
                        details: None,
                    },
                )?;
            }
            Ok((vip, potential, archived))
        })
        .unwrap();
    let version = st
        .read(|x| customers::get(x, archived))
        .unwrap()
        .audit
        .version;
    st.write(|x| customers::set_archived(x, &c, archived, version, true))
        .unwrap();
    let rows = st
        .read(|x| today::queue(x, &c.clock, None, None, None))
        .unwrap();
    let kinds: Vec<(today::TodayKind, Option<i64>)> =
        rows.iter().map(|r| (r.kind, r.customer_id)).collect();
    assert!(
        rows.iter().all(|r| r.customer_id != Some(archived)),
        "an archived customer's to-do is in the queue: {kinds:?}"
    );
    let last_promise = rows
        .iter()
        .rposition(|r| matches!(r.kind, today::TodayKind::Todo | today::TodayKind::Complaint))
        .unwrap();
    let first_nudge = rows
        .iter()
        .position(|r| r.kind == today::TodayKind::Cadence)
        .expect("cadence reminders");
    assert!(
        last_promise < first_nudge,
        "a nudge outranks a promise: {kinds:?}"
    );
    assert!(rows.iter().any(|r| r.customer_id == Some(vip)));
    assert!(rows.iter().any(|r| r.customer_id == Some(potential)));
    for r in &rows {
        assert!(r.why.iter().next().is_some());
    }
}

#[test]
fn search_sources_come_in_parts_of_the_size_asked_with_every_active_customer_once() {
    let (_dir, s) = temp_store();
    let mut ids: Vec<i64> = (0..5)
        .map(|i| add_customer(&s, &format!("Person {i}")))
        .collect();
    let archived = add_customer(&s, "Gone Person");
    s.write(|c| store::customers::set_archived(c, &ctx("tester"), archived, 1, true))
        .unwrap();
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    s.read(|c| {
        store::pages::search_sources_in_parts(c, 2, i64::MIN..i64::MAX, |part| {
            sizes.push(part.len());
            seen.extend(part.iter().map(|p| p.customer.id));
            true
        })
    })
    .unwrap();
    assert_eq!(sizes, [2, 2, 1]);
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
    // Told to stop, it stops.
    let mut parts = 0;
    s.read(|c| {
        store::pages::search_sources_in_parts(c, 2, i64::MIN..i64::MAX, |_| {
            parts += 1;
            false
        })
    })
    .unwrap();
    assert_eq!(parts, 1);
    // Read in shares of the ids (one per connection), every active customer comes once.
    for n in 1..=7 {
        let shares = s.read(|c| store::pages::id_shares(c, n)).unwrap();
        assert!(!shares.is_empty() && shares.len() <= n, "{n}: {shares:?}");
        let mut seen = Vec::new();
        for share in shares {
            s.read(|c| {
                store::pages::search_sources_in_parts(c, 100, share, |part| {
                    seen.extend(part.iter().map(|p| p.customer.id));
                    true
                })
            })
            .unwrap();
        }
        seen.sort();
        assert_eq!(seen, ids, "in {n} shares");
    }
    // An empty book is one share of everything.
    let (_empty_dir, empty) = temp_store();
    let everything = empty.read(|c| store::pages::id_shares(c, 2)).unwrap();
    assert_eq!(everything.len(), 1);
    assert_eq!(everything[0], i64::MIN..i64::MAX);
}
