//! The search keys kept in the book (schema 22) never answer with old text: after any change —
//! through kehu, undone, or made by another tool straight in SQL — every customer either has the
//! keys their record gives now, or is marked to have them worked out afresh.

use std::collections::{HashMap, HashSet};

use kehu::domain::{ContactFields, CustomerFields};
use kehu::search::Keys;
use kehu::store::customers::{self, Filter};
use kehu::store::{self, Store};

use crate::common::{ctx, temp_store};

/// Every customer not marked has the keys their record gives now, and no one else has keys.
fn assert_keys_hold(st: &Store) {
    let conn = st.conn();
    let mut stored: HashMap<i64, (i64, Keys)> = HashMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT customer_id, mask, name, rest, phones, pinyin, other_pinyin FROM search_entry",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                Keys {
                    name: r.get(2)?,
                    rest: r.get(3)?,
                    phones: r.get(4)?,
                    pinyin: r.get(5)?,
                    other_pinyin: r.get(6)?,
                },
            ))
        })
        .unwrap();
    for row in rows {
        let (id, mask, keys) = row.unwrap();
        stored.insert(id, (mask, keys));
    }
    let marked: HashSet<i64> = conn
        .prepare("SELECT customer_id FROM search_stale")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Every customer's keys as their record gives them now, worked out the way a search does.
    // A transaction of its own, rolled back: the probe leaves the book as it was.
    conn.execute_batch("BEGIN; INSERT OR IGNORE INTO search_stale SELECT id FROM customer")
        .unwrap();
    let fresh = kehu::search::keys_of(
        &store::pages::marked_search_sources(conn, i64::MIN, i64::MAX).unwrap(),
    );
    conn.execute_batch("ROLLBACK").unwrap();
    let ids: HashSet<i64> = fresh.iter().map(|(id, _)| *id).collect();
    for (id, keys) in &fresh {
        if marked.contains(id) {
            continue;
        }
        let (mask, kept) = stored
            .get(id)
            .unwrap_or_else(|| panic!("customer {id} is neither marked nor has keys"));
        assert_eq!(kept, keys, "customer {id}'s kept keys");
        assert_eq!(*mask, keys.mask().cast_signed(), "customer {id}'s mask");
    }
    for id in stored.keys() {
        assert!(ids.contains(id), "keys kept for customer {id}, who is gone");
    }
}

fn found(st: &Store, query: &str, archived: bool) -> Vec<i64> {
    let filter = Filter {
        search: Some(query.into()),
        include_archived: archived,
        ..Filter::default()
    };
    let mut ids: Vec<i64> = st
        .read(|c| customers::list(c, &filter))
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    ids.sort_unstable();
    ids
}

fn marked(st: &Store) -> i64 {
    st.read(store::search_keys::marked).unwrap()
}

#[test]
fn kept_search_keys_follow_every_change_and_never_answer_with_old_text() {
    let (_dir, st) = temp_store();
    let c = ctx("tester");
    let add = |name: &str, company: Option<&str>, tags: &[&str]| {
        let fields = CustomerFields {
            company: company.map(str::to_string),
            ..CustomerFields::named(name)
        };
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        st.write(|conn| customers::add(conn, &c, &fields, &tags))
            .unwrap()
    };
    let wei = add("张伟", Some("上海星辰科技"), &["vip", "华东"]);
    let ann = add("Ann Lee", Some("Acme"), &["vip"]);
    let bo = add("Bo Chen", None, &[]);
    // Each write leaves its customers' keys up to date.
    assert_eq!(marked(&st), 0);
    assert_keys_hold(&st);
    assert_eq!(found(&st, "zhangwei", false), vec![wei]);
    assert_eq!(found(&st, "shanghai", false), vec![wei]);
    assert_eq!(found(&st, "vip", false), vec![wei, ann]);

    // A contact person's name and phone are searched with their customer.
    let person = st
        .write(|conn| {
            store::contacts::add(
                conn,
                &c,
                bo,
                &ContactFields {
                    name: "Dora Quist".into(),
                    title: None,
                    phone: Some("138 0013 8000".into()),
                    email: None,
                    primary: false,
                },
            )
        })
        .unwrap();
    assert_keys_hold(&st);
    assert_eq!(found(&st, "quist", false), vec![bo]);
    assert_eq!(found(&st, "13800138000", false), vec![bo]);
    let version = st
        .read(|conn| store::contacts::get(conn, person))
        .unwrap()
        .audit
        .version;
    st.write(|conn| store::contacts::delete(conn, &c, person, version))
        .unwrap();
    assert_keys_hold(&st);
    assert_eq!(found(&st, "quist", false), Vec::<i64>::new());

    // A rename and new tags through kehu.
    let before = st.read(|conn| customers::get(conn, ann)).unwrap();
    let fields = CustomerFields {
        company: Some("Globex".into()),
        ..CustomerFields::named("Anna Leigh")
    };
    st.write(|conn| {
        customers::update(
            conn,
            &c,
            ann,
            before.audit.version,
            &fields,
            &["gold".into()],
        )
    })
    .unwrap();
    assert_keys_hold(&st);
    assert_eq!(found(&st, "acme", false), Vec::<i64>::new());
    assert_eq!(found(&st, "globex", false), vec![ann]);
    assert_eq!(found(&st, "vip", false), vec![wei]);

    // Undone, the old name and company are found again.
    let change = st.last_change().expect("the update made a change");
    st.write(|conn| store::undo::undo(conn, &c, change))
        .unwrap();
    assert_keys_hold(&st);
    assert_eq!(found(&st, "acme", false), vec![ann]);
    assert_eq!(found(&st, "globex", false), Vec::<i64>::new());

    // Another tool writing straight into the file: marked, and searched afresh until kehu writes.
    let conn = st.conn();
    conn.execute(
        "UPDATE customer SET company = '北京天河贸易' WHERE id = ?1",
        [bo],
    )
    .unwrap();
    conn.execute("UPDATE tag SET name = '华北' WHERE name = '华东'", [])
        .unwrap();
    assert_eq!(marked(&st), 2);
    assert_keys_hold(&st);
    assert_eq!(found(&st, "beijing", false), vec![bo]);
    assert_eq!(found(&st, "华北", false), vec![wei]);
    assert_eq!(found(&st, "华东", false), Vec::<i64>::new());
    // A tag deleted outright takes its customers' taggings with it.
    conn.execute("DELETE FROM tag WHERE name = '华北'", [])
        .unwrap();
    assert_keys_hold(&st);
    assert_eq!(found(&st, "华北", false), Vec::<i64>::new());
    // kehu's next write brings them up to date.
    add("Cy Dunn", None, &[]);
    assert_eq!(marked(&st), 0);
    assert_keys_hold(&st);

    // Only the tags changing, through kehu and by a tag deleted outside it.
    let before = st.read(|conn| customers::get(conn, wei)).unwrap();
    st.write(|conn| {
        customers::update(
            conn,
            &c,
            wei,
            before.audit.version,
            &before.fields,
            &["金牌".into()],
        )
    })
    .unwrap();
    assert_keys_hold(&st);
    // Ann's tag came back with the undo.
    assert_eq!(found(&st, "vip", false), vec![ann]);
    assert_eq!(found(&st, "金牌", false), vec![wei]);
    st.conn()
        .execute("DELETE FROM tag WHERE name = '金牌'", [])
        .unwrap();
    assert_eq!(marked(&st), 1);
    assert_keys_hold(&st);
    assert_eq!(found(&st, "金牌", false), Vec::<i64>::new());

    // Archived customers are searched only when asked for.
    let version = st
        .read(|conn| customers::get(conn, wei))
        .unwrap()
        .audit
        .version;
    st.write(|conn| customers::set_archived(conn, &c, wei, version, true))
        .unwrap();
    assert_eq!(found(&st, "zhangwei", false), Vec::<i64>::new());
    assert_eq!(found(&st, "zhangwei", true), vec![wei]);

    // Merged and erased customers leave no keys behind.
    let (keep, other) = (
        st.read(|conn| customers::get(conn, ann)).unwrap(),
        st.read(|conn| customers::get(conn, bo)).unwrap(),
    );
    st.write(|conn| {
        customers::merge(
            conn,
            &c,
            ann,
            keep.audit.version,
            bo,
            other.audit.version,
            &[],
        )
    })
    .unwrap();
    assert_keys_hold(&st);
    assert_eq!(found(&st, "bo chen", true), Vec::<i64>::new());
    st.write(|conn| customers::erase(conn, &c, wei)).unwrap();
    assert_keys_hold(&st);
    assert_eq!(found(&st, "zhangwei", true), Vec::<i64>::new());
}

/// A book from before the keys were kept, and an import of many customers: the first search
/// works out and keeps every key, and finds what the screen's matcher finds.
#[test]
fn the_first_search_after_an_import_keeps_every_customers_keys() {
    let k = crate::common::Kehu::new();
    let mut csv = String::from("name,company,city,tags\n");
    for i in 0..4_500 {
        csv.push_str(&format!("王芳{i},星辰{i}号,杭州,t{}\n", i % 7));
    }
    csv.push_str("Zed Wang,Initech,Berlin,\n");
    let file = k.dir.path().join("book.csv");
    std::fs::write(&file, csv).unwrap();
    k.ok(&["import", "csv", file.to_str().unwrap()]);
    let st = Store::open(&k.db, store::OpenMode::Existing, &ctx("t")).unwrap();
    assert!(
        marked(&st) > store::search_keys::IN_A_WRITE,
        "{}",
        marked(&st)
    );
    drop(st);
    let out = k.ok(&["customer", "list", "--search", "zedwang"]);
    assert!(out.contains("Zed Wang"), "{out}");
    let st = Store::open(&k.db, store::OpenMode::Existing, &ctx("t")).unwrap();
    assert_eq!(marked(&st), 0);
    assert_keys_hold(&st);
    // The same customers as the screen's matcher over every customer worked out afresh.
    let everyone = st
        .read(|conn| {
            let mut all = Vec::new();
            store::pages::search_sources_in_parts(conn, 1_000, i64::MIN..i64::MAX, |part| {
                all.extend(part);
                true
            })?;
            Ok(all)
        })
        .unwrap();
    let index = kehu::search::Index::build(everyone);
    for q in ["wangfang", "hz", "xingchen12", "zw", "t3", "init"] {
        let mut want: Vec<i64> = kehu::search::rank(&index, q, None)
            .iter()
            .map(|h| index.entries[h.index].id)
            .collect();
        want.sort_unstable();
        assert_eq!(found(&st, q, false), want, "{q}");
        assert!(!want.is_empty(), "{q} finds no one");
    }
}

/// The screen's index read from the kept keys is the index worked out afresh: the same entries,
/// with customers marked since and archived ones handled as the fresh read handles them.
#[test]
fn the_screens_index_from_kept_keys_is_the_index_worked_out_afresh() {
    let (_dir, st) = temp_store();
    let c = ctx("tester");
    kehu::io::grown_book::grow(&st, crate::common::clock(), 300, 600, |_| {}).unwrap();
    st.write(|conn| store::search_keys::refresh(conn, None))
        .unwrap();
    // Some marked by another tool's edits, one archived.
    let conn = st.conn();
    conn.execute(
        "UPDATE customer SET company = '杭州新店' WHERE id IN (SELECT id FROM customer ORDER BY id LIMIT 5)",
        [],
    )
    .unwrap();
    let id = st
        .read(|x| x.query_row("SELECT max(id) FROM customer", [], |r| r.get::<_, i64>(0)))
        .unwrap();
    let version = st.read(|x| customers::get(x, id)).unwrap().audit.version;
    st.write(|x| customers::set_archived(x, &c, id, version, true))
        .unwrap();
    conn.execute("UPDATE customer SET city = '苏州' WHERE id = ?1", [id - 1])
        .unwrap();
    assert!(marked(&st) > 0);
    let everything = i64::MIN..i64::MAX;
    let fresh = st
        .read(|x| {
            let mut all = Vec::new();
            store::pages::search_sources_in_parts(x, 64, everything.clone(), |part| {
                all.extend(kehu::search::Index::entries_here(part));
                true
            })?;
            Ok(all)
        })
        .unwrap();
    let kept = st
        .read(|x| {
            let mut all = Vec::new();
            store::pages::search_entries_in_parts(x, 64, everything.clone(), |part| {
                all.extend(part);
                true
            })?;
            Ok(all)
        })
        .unwrap();
    let shown = |entries: Vec<kehu::search::Entry>| {
        let mut texts: Vec<String> = entries.iter().map(|e| format!("{e:?}")).collect();
        texts.sort();
        texts
    };
    assert_eq!(fresh.len(), kept.len());
    assert_eq!(shown(fresh), shown(kept));
}
