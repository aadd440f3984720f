//! The import's duplicate check gives the same decisions whichever way it looks: through the
//! book's indexes, or (into a book without customers) through the keys it keeps in memory.

/// What a report says about duplicates, with stored customer ids counted from `first` (the
/// first customer the import added), so two books can be compared.
type Decisions = (
    usize,
    usize,
    Vec<(u64, String, i64)>,
    Vec<(u64, String, i64)>,
    Vec<(u64, String, i64, String, usize)>,
);

fn decisions(report: &kehu::io::import::Report, first: i64) -> Decisions {
    let shift = |id: i64| id - first;
    (
        report.added,
        report.updated,
        report
            .skipped_duplicates
            .iter()
            .map(|(l, n, id)| (*l, n.clone(), shift(*id)))
            .collect(),
        report
            .possible_duplicates
            .iter()
            .map(|(l, n, id)| (*l, n.clone(), shift(*id)))
            .collect(),
        report
            .likely
            .iter()
            .map(|d| {
                let differs = d.differences.len();
                (
                    d.line,
                    d.name.clone(),
                    shift(d.existing_id),
                    d.existing_name.clone(),
                    differs,
                )
            })
            .collect(),
    )
}

#[test]
fn an_empty_books_import_finds_repeated_rows_as_a_full_books_indexes_do() {
    use kehu::io::import::{self, OnDuplicate, Options};
    // Repeats of every kind: the same phone written another way, the same e-mail in capitals
    // under another name, phones that share only their last eight digits, the same name and
    // company in other case, a short phone twice, a row repeating one the import updated.
    let file = "Name,Phone,Email,Company,City\n\
        Zhang Wei,138 0013 8000,zw@example.com,Acme,\n\
        zhang wei,+86 138 0013 8000,,,Shanghai\n\
        Bob Other,,ZW@Example.com,,\n\
        王芳,13812345678,,,\n\
        王芳,13912345678,,,\n\
        Li Na,,,Acme Trading,\n\
        LI NA,,,ACME TRADING,Beijing\n\
        Ann,12345,,,\n\
        Ben,12345,,,\n\
        Zhang Wei,,,,Shenzhen\n\
        Zhang Wei,138 0013 8000,,,Shenzhen\n\
        Bob Other,139 0000 1111,ZW@Example.com,,\n\
        bob other,13900001111,,,\n";
    for on_duplicate in [OnDuplicate::Skip, OnDuplicate::Update] {
        let options = Options {
            dry_run: false,
            on_duplicate,
            skip_bad: false,
            maps: Vec::new(),
            source: "repeats.csv".into(),
            overwrite: Vec::new(),
            encoding: Default::default(),
            sheet: None,
        };
        let mut seen = Vec::new();
        for already in [0, 1] {
            let (_dir, store) = crate::common::temp_store();
            for i in 0..already {
                crate::common::add_customer(&store, &format!("Someone Else {i}"));
            }
            let ctx = crate::common::ctx("li.na");
            let report =
                import::run_bytes(&store, &ctx, file.as_bytes(), &options, &mut |_, _| {}).unwrap();
            assert!(report.committed);
            seen.push(decisions(&report, already + 1));
        }
        assert_eq!(
            seen[0], seen[1],
            "{on_duplicate:?}: empty book vs a book with customers"
        );
        let (added, updated, skipped, possible, likely) = &seen[0];
        let likely_lines: Vec<(u64, i64)> = likely.iter().map(|l| (l.0, l.2)).collect();
        assert_eq!(
            possible
                .iter()
                .map(|(line, _, id)| (*line, *id))
                .collect::<Vec<_>>(),
            [(4, 0), (8, 4), (10, 6)],
            "e-mail under another name, name and company, a short phone"
        );
        match on_duplicate {
            OnDuplicate::Skip => {
                assert_eq!(likely_lines, [(3, 0), (12, 0), (13, 1)]);
                assert_eq!((*added, *updated, skipped.len()), (10, 0, 3));
            }
            // The last row is Bob only once the row before gave him his phone.
            _ => {
                assert_eq!(likely_lines, [(3, 0), (12, 0), (13, 1), (14, 1)]);
                assert_eq!((*added, *updated, skipped.len()), (9, 2, 2));
            }
        }
    }
}
