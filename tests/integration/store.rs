//! The repository layer on temporary databases.

use chrono::NaiveDate;
use kehu::domain::input::Recurrence;
use kehu::domain::{
    ContactFields, CustomerFields, InteractionFields, InteractionKind, Priority, PurchaseFields,
    Stage, Tier, TodoFields, TodoStatus,
};
use kehu::store::customers::Filter;
use kehu::store::pages::{self, CustomerSort};
use kehu::store::{self, OpenMode, Store, StoreError};

use crate::common::{add_customer, clock, ctx, temp_store};

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn todo(customer: Option<i64>, title: &str, due: Option<&str>) -> TodoFields {
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

fn call(at: &str, summary: &str) -> InteractionFields {
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

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let (_d, s) = temp_store();
    let before = s.read(store::history::last_id).unwrap();
    let result: Result<(), StoreError> = s.write(|x| {
        store::customers::add(x, &ctx("t"), &CustomerFields::named("Half"), &[])?;
        Err(StoreError::Refused("stop".into()))
    });
    assert!(result.is_err());
    assert_eq!(s.read(store::customers::count).unwrap(), 0);
    assert_eq!(s.read(store::history::last_id).unwrap(), before);
}

#[test]
fn erase_leaves_no_trace_in_the_file() {
    let (dir, s) = temp_store();
    let c = ctx("tester");
    let marker = "Zq7MARKERxk";
    let keep = add_customer(&s, "Keeper");
    let mut f = CustomerFields::named(format!("Name {marker}"));
    f.email = Some(format!("{marker}@example.com"));
    f.needs = Some(format!("needs {marker}"));
    let id = s
        .write(|x| store::customers::add(x, &c, &f, &[format!("tag{marker}")]))
        .unwrap();
    s.write(|x| {
        store::contacts::add(
            x,
            &c,
            id,
            &ContactFields {
                name: format!("P {marker}"),
                title: None,
                phone: None,
                email: None,
                primary: true,
            },
        )
    })
    .unwrap();
    for i in 0..30 {
        s.write(|x| {
            store::interactions::add(
                x,
                &c,
                id,
                &call("2026-11-20T01:00:00.000Z", &format!("call {i} {marker}")),
            )
        })
        .unwrap();
    }
    s.write(|x| {
        store::todos::add(
            x,
            &c,
            &todo(Some(id), &format!("todo {marker}"), Some("2026-11-30")),
        )
    })
    .unwrap();
    s.write(|x| {
        store::purchases::add(
            x,
            &c,
            id,
            &PurchaseFields {
                on_date: date("2026-11-01"),
                product: Some(marker.into()),
                amount: 1,
                note: None,
            },
        )
    })
    .unwrap();
    let v = s
        .read(|x| store::customers::get(x, id))
        .unwrap()
        .audit
        .version;
    let mut f2 = f.clone();
    f2.city = Some(format!("City {marker}"));
    s.write(|x| store::customers::update(x, &c, id, v, &f2, &[]))
        .unwrap();

    s.write(|x| store::customers::erase(x, &c, id)).unwrap();
    drop(s);
    let bytes = crate::common::file_bytes(&dir.path().join("kehu.db"));
    let found = bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
    assert!(
        !found,
        "the erased customer's marker is still in the database file"
    );

    let s = Store::open(&dir.path().join("kehu.db"), OpenMode::Existing, &c).unwrap();
    assert!(matches!(
        s.read(|x| store::customers::get(x, id)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        s.read(|x| store::customers::get(x, keep))
            .unwrap()
            .fields
            .name,
        "Keeper"
    );
    // One audit row remains for the erase, without personal data.
    let log = s.read(|x| store::history::for_customer(x, id, 10)).unwrap();
    assert!(
        log.is_empty(),
        "no entries remain filed under the erased customer"
    );
    assert!(store::maintenance::check(&s).unwrap().is_empty());
}

#[test]
fn each_pane_query_uses_an_index() {
    let (_d, s) = temp_store();
    for _ in 0..50 {
        add_customer(&s, "Same Name");
    }
    s.write(|x| {
        x.execute_batch("ANALYZE")?;
        Ok(())
    })
    .unwrap();
    for (name, sql) in pages::pane_queries() {
        let plan = s.read(|x| pages::explain(x, &sql)).unwrap().join(" | ");
        assert!(
            plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"),
            "{name} does not use an index: {plan}"
        );
        assert!(
            !plan.contains("TEMP B-TREE"),
            "{name} sorts in a temporary b-tree: {plan}"
        );
        assert!(
            !plan.contains("SCAN customer") || plan.contains("USING INDEX"),
            "{name} scans customers: {plan}"
        );
    }
}

#[test]
fn customer_pages_never_skip_rows_that_share_a_name() {
    let (_d, s) = temp_store();
    let mut expected = Vec::new();
    for i in 0..25 {
        expected.push(add_customer(
            &s,
            if i % 2 == 0 { "Wang Fang" } else { "wang fang" },
        ));
    }
    expected.push(add_customer(&s, "Aaron"));
    for sort in [
        CustomerSort::Name,
        CustomerSort::LastContact,
        CustomerSort::NextDue,
    ] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = s
                .read(|x| pages::customers_after(x, sort, &Default::default(), cursor.as_ref(), 4))
                .unwrap();
            let Some(last) = page.last() else { break };
            cursor = Some(sort.cursor_of(last));
            seen.extend(page.iter().map(|c| c.id));
        }
        let mut sorted = seen.clone();
        sorted.sort();
        let mut all = expected.clone();
        all.sort();
        assert_eq!(sorted, all, "{sort:?}: every customer exactly once");
        // Paging backwards from the end gives the same order.
        let last = s
            .read(|x| store::customers::get(x, *seen.last().unwrap()))
            .unwrap();
        let back = s
            .read(|x| {
                pages::customers_before(
                    x,
                    sort,
                    &Default::default(),
                    Some(&sort.cursor_of(&last)),
                    100,
                )
            })
            .unwrap();
        assert_eq!(
            back.iter().map(|c| c.id).collect::<Vec<_>>(),
            seen[..seen.len() - 1].to_vec(),
            "{sort:?} backwards"
        );
    }
}

#[test]
fn backup_copies_and_checks() {
    let (dir, s) = temp_store();
    add_customer(&s, "Backed Up");
    let dest = dir.path().join("out").join("copy.db");
    store::maintenance::backup(&s, &dest).unwrap();
    let copy = Store::open(&dest, OpenMode::Existing, &ctx("t")).unwrap();
    assert_eq!(copy.read(store::customers::count).unwrap(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn check_reports_stale_cached_figures() {
    let (dir, s) = temp_store();
    let id = add_customer(&s, "Acme");
    drop(s);
    let raw = rusqlite::Connection::open(dir.path().join("kehu.db")).unwrap();
    raw.execute(
        "UPDATE customer SET purchase_total = 999 WHERE id = ?1",
        [id],
    )
    .unwrap();
    drop(raw);
    let s = Store::open(&dir.path().join("kehu.db"), OpenMode::Existing, &ctx("t")).unwrap();
    let problems = store::maintenance::check(&s).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("cached figures"));
}

#[test]
fn merge_moves_every_child_row_and_fills_empty_fields() {
    let (dir, s) = temp_store();
    let c = ctx("tester");
    let mut kf = CustomerFields::named("Zhang Wei");
    kf.email = Some("zw@example.com".into());
    let mut of = CustomerFields::named("张伟");
    of.email = Some("other@example.com".into());
    of.phone = Some("138 0013 8000".into());
    of.custom_fields.insert("industry".into(), "制造".into());
    let keep = s
        .write(|x| store::customers::add(x, &c, &kf, &["a".into()]))
        .unwrap();
    let other = s
        .write(|x| store::customers::add(x, &c, &of, &["b".into()]))
        .unwrap();
    for id in [keep, other] {
        s.write(|x| {
            store::contacts::add(
                x,
                &c,
                id,
                &ContactFields {
                    name: format!("p{id}"),
                    title: None,
                    phone: None,
                    email: None,
                    primary: true,
                },
            )?;
            store::interactions::add(x, &c, id, &call("2026-11-20T01:00:00.000Z", "hello"))?;
            store::todos::add(x, &c, &todo(Some(id), "call", Some("2026-11-30")))?;
            store::purchases::add(
                x,
                &c,
                id,
                &PurchaseFields {
                    on_date: date("2026-11-01"),
                    product: None,
                    amount: 100,
                    note: None,
                },
            )?;
            Ok(())
        })
        .unwrap();
    }
    // Rows of tables whose commands come with later features, written directly.
    let raw = rusqlite::Connection::open(dir.path().join("kehu.db")).unwrap();
    let audit = "'2026-11-22T02:00:00.000Z', 't', '2026-11-22T02:00:00.000Z', 't'";
    raw.execute_batch(&format!(
        "INSERT INTO deal (customer_id, title, created_at, created_by, updated_at, updated_by) VALUES ({other}, 'd', {audit});
         INSERT INTO ticket (customer_id, summary, opened_at, created_at, created_by, updated_at, updated_by) VALUES ({other}, 't', '2026-11-20T00:00:00.000Z', {audit});
         INSERT INTO survey (customer_id, on_date, quality, attitude, speed, created_at, created_by, updated_at, updated_by) VALUES ({other}, '2026-11-01', 5, 4, 3, {audit});
         INSERT INTO campaign (id, name, created_at, created_by, updated_at, updated_by) VALUES (1, 'c1', {audit});
         INSERT INTO campaign (id, name, created_at, created_by, updated_at, updated_by) VALUES (2, 'c2', {audit});
         INSERT INTO campaign_member (campaign_id, customer_id, invited_at) VALUES (1, {keep}, '2026-11-02');
         INSERT INTO campaign_member (campaign_id, customer_id, invited_at, attended_at) VALUES (1, {other}, '2026-11-01', '2026-11-05');
         INSERT INTO campaign_member (campaign_id, customer_id, invited_at) VALUES (2, {other}, '2026-11-03');"
    ))
    .unwrap();
    let count = |table: &str, id: i64| -> i64 {
        raw.query_row(
            &format!("SELECT count(*) FROM {table} WHERE customer_id = ?1"),
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    let tables = [
        "contact_person",
        "interaction",
        "todo",
        "purchase",
        "deal",
        "ticket",
        "survey",
        "customer_history",
        "change_log",
    ];
    let before: Vec<i64> = tables
        .iter()
        .map(|t| count(t, keep) + count(t, other))
        .collect();

    let kv = s
        .read(|x| store::customers::get(x, keep))
        .unwrap()
        .audit
        .version;
    let ov = s
        .read(|x| store::customers::get(x, other))
        .unwrap()
        .audit
        .version;
    s.write(|x| store::customers::merge(x, &c, keep, kv, other, ov, &[]))
        .unwrap();

    for (t, n) in tables.iter().zip(&before) {
        assert_eq!(count(t, other), 0, "{t} rows left on the removed customer");
        // The merge itself adds change-log rows to the kept customer.
        if *t == "change_log" {
            assert!(count(t, keep) > *n, "{t}");
        } else {
            assert_eq!(count(t, keep), *n, "{t} rows lost or duplicated");
        }
    }
    let members: Vec<(i64, Option<String>, String)> = raw
        .prepare("SELECT campaign_id, attended_at, invited_at FROM campaign_member WHERE customer_id = ?1 ORDER BY campaign_id")
        .unwrap()
        .query_map([keep], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        members,
        vec![
            (1, Some("2026-11-05".into()), "2026-11-01".into()),
            (2, None, "2026-11-03".into())
        ]
    );
    let merged = s.read(|x| store::customers::get(x, keep)).unwrap();
    assert_eq!(
        merged.fields.email.as_deref(),
        Some("zw@example.com"),
        "keep's value wins"
    );
    assert_eq!(
        merged.fields.phone.as_deref(),
        Some("138 0013 8000"),
        "empty field filled"
    );
    assert_eq!(
        merged
            .fields
            .custom_fields
            .get("industry")
            .map(String::as_str),
        Some("制造")
    );
    assert_eq!(merged.tags, vec!["a".to_string(), "b".to_string()]);
    assert_eq!((merged.purchase_count, merged.purchase_total), (2, 200));
    assert!(matches!(
        s.read(|x| store::customers::get(x, other)),
        Err(StoreError::NotFound { .. })
    ));
    assert!(store::maintenance::check(&s).unwrap().is_empty());
    assert!(
        s.write(|x| store::customers::merge(x, &c, keep, 9, keep, 9, &[]))
            .is_err()
    );
}

#[test]
fn claim_takes_pool_customers_only() {
    let (_d, s) = temp_store();
    let pool = add_customer(&s, "Pooled");
    let mut owned = CustomerFields::named("Owned");
    owned.owner = Some("wang".into());
    let taken = s
        .write(|x| store::customers::add(x, &ctx("wang"), &owned, &[]))
        .unwrap();
    assert!(
        s.write(|x| store::customers::claim(x, &ctx("li"), pool, 1))
            .unwrap()
    );
    assert_eq!(
        s.read(|x| store::customers::get(x, pool))
            .unwrap()
            .fields
            .owner
            .as_deref(),
        Some("li")
    );
    assert!(
        !s.write(|x| store::customers::claim(x, &ctx("li"), pool, 2))
            .unwrap(),
        "already mine"
    );
    let err = s
        .write(|x| store::customers::claim(x, &ctx("li"), taken, 1))
        .unwrap_err();
    assert!(err.to_string().contains("belongs to wang"), "{err}");
}
