//! The matcher's tests; `source` is shared with the screen's search thread's tests.
use super::*;
use crate::domain::CustomerFields;

pub(crate) fn source(
    id: i64,
    name: &str,
    company: Option<&str>,
    phone: Option<&str>,
    contacts: &[&str],
) -> SearchSource {
    let mut fields = CustomerFields::named(name);
    fields.company = company.map(str::to_string);
    fields.phone = phone.map(str::to_string);
    SearchSource {
        customer: Customer::bare(id, fields, vec!["重点".into()]),
        sort_key: None,
        contacts: contacts.iter().map(|s| s.to_string()).collect(),
    }
}

fn index() -> Index {
    Index::build(vec![
        source(1, "José Müller", None, Some("+49 30 123456"), &[]),
        source(
            2,
            "张伟",
            Some("上海星辰科技有限公司"),
            Some("138 0013 8000"),
            &["李娜 139 1111 2222"],
        ),
        source(3, "Mary Smith", Some("Acme Robotics"), None, &["Peter Pan"]),
    ])
}

fn ids(idx: &Index, q: &str) -> Vec<i64> {
    rank(idx, q, None)
        .iter()
        .map(|h| idx.entries[h.index].id)
        .collect()
}

#[test]
fn folding_ascii_and_chinese_takes_the_short_way_to_the_same_answer() {
    let long_way = |t: &str| -> String {
        t.nfd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect()
    };
    for text in [
        "WANG Wei",
        "张伟 Zhang",
        "上海星辰 Ltd.",
        "José Müller",
        "İstanbul",
        "ＡＢＣ 全角",
        "Ωmega 北京",
        "",
    ] {
        assert_eq!(fold(text), long_way(text), "{text}");
    }
}

#[test]
fn accents_fold_and_fields_match() {
    let idx = index();
    assert_eq!(ids(&idx, "muller"), vec![1]);
    assert_eq!(ids(&idx, "jose"), vec![1]);
    assert_eq!(ids(&idx, "张伟"), vec![2]);
    assert_eq!(ids(&idx, "星辰"), vec![2]);
    assert_eq!(ids(&idx, "acme"), vec![3]);
    assert_eq!(ids(&idx, "peter"), vec![3], "contact persons");
    assert_eq!(ids(&idx, "重点").len(), 3, "tags");
    assert_eq!(ids(&idx, "138-0013"), vec![2], "phone ignores dashes");
    assert_eq!(ids(&idx, "1391111"), vec![2], "contact phone");
    assert!(ids(&idx, "zzzz").is_empty());
    assert!(ids(&idx, "  ").is_empty());
}

#[test]
fn pinyin_full_spelling_initials_and_surnames() {
    let mut city = source(7, "王芳", None, None, &[]);
    city.customer.fields.city = Some("北京".into());
    let idx = Index::build(vec![
        source(2, "张伟", Some("上海星辰科技有限公司"), None, &[]),
        source(4, "单田芳", None, None, &[]),
        source(5, "曾国藩", None, None, &[]),
        source(6, "Zoe Wang", None, None, &[]),
        city,
        source(8, "张伟伟", None, None, &[]),
    ]);
    assert_eq!(ids(&idx, "zhangwei")[0], 2);
    assert_eq!(ids(&idx, "zw")[0], 2, "initials");
    assert_eq!(ids(&idx, "shxc"), vec![2], "company initials");
    assert_eq!(ids(&idx, "ZhangWei")[0], 2, "case does not matter");
    assert_eq!(ids(&idx, "张wei")[0], 2, "Chinese mixed with pinyin");
    assert_eq!(ids(&idx, "beijing"), vec![7], "city");
    assert_eq!(ids(&idx, "stf"), vec![4], "单 read as the surname Shan");
    assert_eq!(ids(&idx, "shantianfang"), vec![4]);
    assert_eq!(
        ids(&idx, "dantianfang"),
        vec![4],
        "and by its everyday reading"
    );
    assert_eq!(ids(&idx, "zengguofan"), vec![5]);
    assert!(ids(&idx, "zw").contains(&6), "Latin names still match");
    assert_eq!(
        ids(&idx, "张伟"),
        vec![2, 8],
        "the exact characters rank first"
    );
    assert!(ids(&idx, "xyzq").is_empty());
}

#[test]
fn narrowing_rescores_previous_matches_only() {
    let idx = index();
    let first = rank(&idx, "m", None);
    let narrowed = rank(&idx, "mu", Some(&first));
    assert_eq!(narrowed, rank(&idx, "mu", None));
}

#[test]
fn patching_replaces_adds_and_removes_in_name_order() {
    let idx = index();
    let renamed = source(3, "Aaron Smith", Some("Acme Robotics"), None, &[]);
    let added = source(9, "Zoe New", None, None, &[]);
    let patched = idx.patched(vec![renamed, added], &[2]);
    let names: Vec<String> = patched
        .entries
        .iter()
        .map(|e| e.customer().fields.name)
        .collect();
    assert_eq!(names, vec!["Aaron Smith", "José Müller", "Zoe New"]);
    assert_eq!(ids(&patched, "aaron"), vec![3]);
    assert!(ids(&patched, "张伟").is_empty());
}

#[test]
fn highlight_positions_are_characters() {
    assert_eq!(highlight("José Müller", "mul"), vec![5, 6, 7]);
    assert_eq!(highlight("张伟", "伟"), vec![1]);
}

#[test]
fn a_name_whose_pinyin_starts_with_the_query_ranks_above_a_city_or_company() {
    let mut people: Vec<SearchSource> = (0..7)
        .map(|i| {
            let mut s = source(10 + i, &format!("Alice {i}"), None, None, &[]);
            s.customer.fields.city = Some("上海".into());
            s
        })
        .collect();
    people.push(source(2, "单海燕", None, None, &[]));
    people.push(source(3, "Bob", Some("上海星辰科技有限公司"), None, &[]));
    let idx = Index::build(people);
    let found = ids(&idx, "shan");
    assert_eq!(found.first(), Some(&2), "{found:?}");
    assert_eq!(
        found.len(),
        9,
        "the city and company matches still match: {found:?}"
    );
}

#[test]
fn skipping_fields_by_their_characters_or_a_ceiling_and_scoring_on_every_core_change_no_answer() {
    let surnames = ["张", "王", "García", "Müller", "O'Brien", "李"];
    // "Isaac Tim Lee" matches `acme` weakly (letters inside words), "Acme" strongly.
    let given = ["伟", "芳", "José", "Anna", "Zoë", "Isaac Tim Lee"];
    let cities = ["上海", "Berlin", "São Paulo", "深圳"];
    let sources: Vec<SearchSource> = (0..SPLIT_FROM as i64 * 2)
        .map(|i| {
            let n = i as usize;
            let name = format!("{}{} {i}", surnames[n % 6], given[n / 6 % 6]);
            let company = n.is_multiple_of(3).then(|| format!("Acme {}", n % 17));
            let phone = format!("+86 138 {:04} {:04}", n % 9973, n);
            let mut s = source(i + 1, &name, company.as_deref(), Some(&phone), &[]);
            s.customer.fields.city = Some(cities[n % 4].into());
            s.customer.fields.email = Some(format!("p{i}@example.com"));
            s
        })
        .collect();
    let idx = Index::build(sources);
    for q in [
        "z",
        "zw",
        "zhang wei 1",
        "wangfang",
        "garcia",
        "müller 3",
        "o'b",
        "zoe",
        "上海",
        "sp",
        "138 0042",
        "acme 5",
        "p12@",
        "李明 7",
        "xq",
        "9",
    ] {
        let folded = fold(q);
        let mut every = Query::new(&folded);
        // No character sets and no ceiling: every field of every entry is scored.
        every.masks = [0; 3];
        every.rest_bound = i64::MAX;
        every.spelled_bound = i64::MAX;
        let all: Vec<usize> = (0..idx.len()).collect();
        let mut expected = every.score_all(&idx, &all);
        expected.sort_by(best_first);
        assert_eq!(rank(&idx, q, None), expected, "query {q:?}");
    }
}

#[test]
fn hits_counted_into_place_are_the_hits_sorted() {
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    for (n, spread) in [(10_000, 40), (10_000, 9_000), (5_000, 1), (100, 5)] {
        let hits: Vec<Hit> = (0..n)
            .map(|i| Hit {
                index: i * 3,
                score: 500 + (next() % spread) as i64,
            })
            .collect();
        let mut counted = hits.clone();
        sort_best_first(&mut counted);
        let mut sorted = hits;
        sorted.sort_by(best_first);
        assert_eq!(counted, sorted, "{n} hits, {spread} scores");
    }
}

#[test]
fn one_character_is_scored_as_skim_scores_it() {
    let matcher = SkimMatcherV2::default();
    let texts = [
        "zhang wei 12",
        "acme robotics gmbh info@acme.de münchen vip",
        "Mary-Ann O'Neil (Sales) a.b_c/d\\e|f[g]h{i}j~k^l`m@n:o;p",
        "上海 公司 wang fang wf 王芳",
        "aAaA1a2A.a,a a",
        "x3Yz9ZqQ",
        "éa àa Äb",
        "",
        "a\0a\0Ab",
        "13800001234 010-8888",
    ];
    for text in texts {
        let mut patterns: Vec<char> = text.chars().collect();
        patterns.extend(['a', 'z', '1', '公', '-', ' ', 'q', 'é']);
        for p in patterns {
            let pattern = p.to_string();
            assert_eq!(
                fuzzy(&matcher, text, &pattern),
                matcher.fuzzy_match(text, &pattern),
                "{pattern:?} in {text:?}"
            );
        }
    }
}

#[test]
fn an_entry_gives_back_what_the_list_draws() {
    let mut with = source(
        7,
        "Zoë Ötzi 王芳",
        Some("上海 Acme"),
        Some("138 0000"),
        &["Li"],
    );
    with.customer.fields.cadence_days = Some(14);
    with.customer.last_contact_at = Some("2026-11-02T08:00:00Z".into());
    let e = Entry::of(with.clone(), &mut Spellings::default());
    let back = e.customer();
    assert_eq!(back.id, 7);
    assert_eq!(back.fields.name, "Zoë Ötzi 王芳");
    assert_eq!(back.fields.company.as_deref(), Some("上海 Acme"));
    assert_eq!(back.fields.cadence_days, Some(14));
    assert_eq!(back.last_contact_at, with.customer.last_contact_at);
    assert_eq!(e.part(NAME), "zoe otzi 王芳");
    assert_eq!(e.part(PHONES), "1380000");
    assert!(e.part(PINYIN).contains("wangfang"), "{}", e.part(PINYIN));
    assert!(e.part(OTHER_PINYIN).contains("shanghai"));
    // No company is not an empty one.
    let bare = Entry::of(source(8, "Ann", None, None, &[]), &mut Spellings::default());
    assert_eq!(bare.customer().fields.company, None);
    assert_eq!(bare.customer().last_contact_at, None);
    let empty = Entry::of(
        source(9, "Bo", Some(""), None, &[]),
        &mut Spellings::default(),
    );
    assert_eq!(empty.customer().fields.company.as_deref(), Some(""));
}

#[test]
fn a_weak_name_match_still_lets_a_stronger_pinyin_match_count() {
    // A name the query matches only inside its words, and pinyin keys (as a name with
    // Chinese characters would have) that it matches better: the pinyin's score counts.
    let name = "twoaaaaaaaaaafold";
    let e = Entry::of(source(1, name, None, None, &[]), &mut Spellings::default());
    // Its pinyin part, "w-fang", put in as the builder would.
    let before = e.ends[PINYIN - 1] as usize;
    let mut text = e.text.to_string();
    text.insert_str(before, "w-fang");
    let mut e = Entry {
        text: text.into(),
        ..e
    };
    for end in &mut e.ends[PINYIN..] {
        *end += 6;
    }
    e.masks[PINYIN] = char_mask(e.part(PINYIN));
    e.mask |= e.masks[PINYIN];
    let matcher = SkimMatcherV2::default();
    let q = Query::new("wf");
    let mut every = Query::new("wf");
    every.spelled_bound = i64::MAX;
    every.rest_bound = i64::MAX;
    let name_alone = matcher.fuzzy_match(name, "wf").map(|s| s * 2);
    let scored = score(&matcher, &e, &q);
    assert_eq!(scored, score(&matcher, &e, &every));
    assert!(scored > name_alone, "{scored:?} vs {name_alone:?}");
}

#[test]
fn a_patched_index_is_the_index_built_afresh_for_few_and_for_many_changes() {
    let people = |ids: std::ops::Range<i64>, tag: &str| -> Vec<SearchSource> {
        ids.map(|i| source(i, &format!("{tag} {}", (i * 7919) % 1000), None, None, &[]))
            .collect()
    };
    let base = Index::build(people(1..300, "Lee"));
    for changed in [people(10..13, "Ann"), people(50..250, "Bo")] {
        let gone = [5, 6, 299];
        let patched = base.patched(changed.clone(), &gone);
        let mut all: Vec<SearchSource> = people(1..300, "Lee")
            .into_iter()
            .filter(|s| {
                !gone.contains(&s.customer.id)
                    && !changed.iter().any(|c| c.customer.id == s.customer.id)
            })
            .collect();
        all.extend(changed);
        let fresh = Index::build(all);
        let order = |i: &Index| i.entries.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(order(&patched), order(&fresh));
    }
}

#[test]
fn the_index_is_in_sort_key_then_id_order_when_keys_share_long_beginnings() {
    // Names alike in their first sixteen bytes and more (the sort's quick key ties), Chinese
    // ones, the same name twice, in a scrambled order.
    let names = [
        "Alexandra Konstantinopoulou 2",
        "Alexandra Konstantinopoulou 10",
        "Alexandra Konstantinopoulos",
        "Alexandra Konstantinopoulou 2",
        "张伟",
        "张伟伟",
        "Al",
        "alexandra konstantinopoulou",
        "王芳",
    ];
    let sources: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| source((i as i64 * 7) % 11 + 1, n, None, None, &[]))
        .collect();
    let index = Index::build(sources);
    let got: Vec<(String, i64)> = index
        .entries
        .iter()
        .map(|e| (e.part(SORT_KEY).to_string(), e.id))
        .collect();
    let mut want = got.clone();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(got.len(), names.len());
}

/// A query's hits scored one by one in name order, best first.
fn query_hits(index: &Index, q: &str) -> Vec<Hit> {
    let query = Query::new(q);
    let every: Vec<usize> = (0..index.len()).collect();
    let mut hits = query.score_all(index, &every);
    hits.sort_by(best_first);
    hits
}

#[test]
fn a_large_index_scored_in_memory_order_ranks_as_in_name_order() {
    // Enough entries for the whole-index path, built in parts (as the screen builds them) so
    // that memory order and name order differ, then patched (a patch keeps the order too).
    let names = [
        "Zhang Wei",
        "王芳",
        "Garcia Lopez",
        "Smith Anna",
        "上海星辰",
        "Li Na",
        "Gao",
    ];
    let sources: Vec<SearchSource> = (0..6000_i64)
        .map(|i| {
            let name = format!("{} {}", names[(i % 7) as usize], (i * 7919) % 1000);
            let company = (i % 3 == 0).then(|| format!("公司 {}", i % 50));
            source(
                i + 1,
                &name,
                company.as_deref(),
                Some(&format!("138{i:08}")),
                &[],
            )
        })
        .collect();
    let mut entries = Vec::new();
    for part in sources.chunks(700).rev() {
        entries.extend(Index::entries_here(part.to_vec()));
    }
    let built = Index::of_entries(entries);
    let patched = built.patched(vec![source(9, "Gao Gao", None, None, &[])], &[5, 6]);
    for index in [&built, &patched] {
        assert_eq!(index.by_address.len(), index.len());
        for q in ["g", "a", "1", "王", "公", "zw", "smith 9", "13800"] {
            let folded = fold(q);
            let query = Query::new(&folded);
            let every: Vec<usize> = (0..index.len()).collect();
            let mut want = query.score_all(index, &every);
            want.sort_by(best_first);
            assert!(!want.is_empty(), "{q}");
            for cores in [2, 3] {
                assert_eq!(
                    rank_all(index, &query, cores, None),
                    want,
                    "{q} on {cores} cores"
                );
            }
            // Rescoring some of the hits of a shorter query (every other one, so that leaving
            // out the others shows): only those, in the same order as scored one by one.
            let shorter = fold(&q.chars().take(1).collect::<String>());
            let prev: Vec<Hit> = query_hits(index, &shorter)
                .into_iter()
                .filter(|h| h.index % 2 == 0)
                .collect();
            let mut wanted = vec![false; index.len()];
            for h in &prev {
                wanted[h.index] = true;
            }
            let positions: Vec<usize> = prev.iter().map(|h| h.index).collect();
            let mut want = query.score_all(index, &positions);
            want.sort_by(best_first);
            assert_eq!(
                rank_all(index, &query, 2, Some(&wanted)),
                want,
                "{q} after {shorter}"
            );
        }
    }
}
