//! The repository layer keeping data whole: failed writes, erasing, indexes, paging, backups,
//! checks, merging and claiming.

use kehu::domain::{ContactFields, CustomerFields, PurchaseFields};
use kehu::store::pages::{self, CustomerSort};
use kehu::store::{self, OpenMode, Store, StoreError};

use crate::common::{add_customer, ctx, temp_store};
use crate::store::{call, date, todo};

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
    if crate::common::file_only("erase_leaves_no_trace_in_the_file") {
        return;
    }
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
    if crate::common::file_only("each_pane_query_uses_an_index") {
        return;
    }
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
    if crate::common::file_only("backup_copies_and_checks") {
        return;
    }
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
    if crate::common::file_only("check_reports_stale_cached_figures") {
        return;
    }
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
    if crate::common::file_only("merge_moves_every_child_row_and_fills_empty_fields") {
        return;
    }
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
