//! Workbooks in and out through the real binary: codes stay text, dates dates, amounts
//! numbers, and a workbook goes round through kehu unchanged.

use std::path::Path;

use calamine::{Data, Reader};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::common::Kehu;

/// Every sheet of a workbook by name, each row as its cells.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book = calamine::open_workbook_auto(path).expect("a workbook");
    book.worksheets()
        .into_iter()
        .map(|(name, range)| (name, range.rows().map(<[Data]>::to_vec).collect()))
        .collect()
}

fn sheet<'a>(all: &'a [(String, Vec<Vec<Data>>)], name: &str) -> &'a [Vec<Data>] {
    &all.iter().find(|(n, _)| n == name).expect(name).1
}

/// The cell under `header` in each data row.
fn column(rows: &[Vec<Data>], header: &str) -> Vec<Data> {
    let at = rows[0]
        .iter()
        .position(|h| *h == Data::String(header.into()))
        .unwrap_or_else(|| panic!("no column {header}: {:?}", rows[0]));
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

fn text(s: &str) -> Data {
    Data::String(s.into())
}

#[test]
fn xlsx_export_keeps_codes_as_text_and_goes_round_unchanged() {
    let k = Kehu::new();
    let landline = k.add(&[
        "--name",
        "北京客户",
        "--phone",
        "01088886666",
        "--field",
        "id_number=110101199003071234",
        "--field",
        "postcode=00012345",
        "--field",
        "size=3/4",
        "--birthday",
        "1990-03-07",
        "--tag",
        "华北",
    ]);
    k.add(&[
        "--name",
        "=cmd()",
        "--phone",
        "+86 138 0013 8000",
        "--kind",
        "b2b",
        "--company",
        "星辰",
    ]);
    let id = landline.to_string();
    k.ok(&[
        "purchase",
        "add",
        &id,
        "--amount",
        "1200.50",
        "--date",
        "2026-10-02",
    ]);
    k.ok(&[
        "log",
        &id,
        "--summary",
        "called",
        "--at",
        "2026-11-01 09:30",
    ]);
    let first = k.dir.path().join("first.xlsx");
    k.ok(&["export", "xlsx", "--out", first.to_str().unwrap()]);

    let all = sheets(&first);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Customers",
            "Contacts",
            "Interactions",
            "Purchases",
            "To-dos",
            "Tickets",
            "Deals",
            "Agreements"
        ]
    );
    let customers = sheet(&all, "Customers");
    assert_eq!(
        column(customers, "Phone"),
        [text("+86 138 0013 8000"), text("01088886666")],
        "phones are text cells, every digit kept, no quote mark"
    );
    assert_eq!(column(customers, "Name")[0], text("=cmd()"));
    assert_eq!(
        column(customers, "field:id_number")[1],
        text("110101199003071234")
    );
    assert_eq!(column(customers, "field:postcode")[1], text("00012345"));
    assert_eq!(column(customers, "field:size")[1], text("3/4"));
    assert!(
        matches!(column(customers, "Birthday")[1], Data::DateTime(_)),
        "a birthday is a date cell"
    );
    assert_eq!(
        column(customers, "Kehu id")[1],
        Data::Float(landline as f64)
    );
    let purchases = sheet(&all, "Purchases");
    assert_eq!(column(purchases, "Amount"), [Data::Float(1200.5)]);
    assert!(matches!(column(purchases, "Date")[0], Data::DateTime(_)));
    let interactions = sheet(&all, "Interactions");
    assert_eq!(column(interactions, "Summary"), [text("called")]);
    match &column(interactions, "At")[0] {
        Data::DateTime(at) => assert_eq!(
            at.to_ymd_hms_milli(),
            (2026, 11, 1, 9, 30, 0, 0),
            "in the team's time zone"
        ),
        other => panic!("not a date: {other:?}"),
    }

    // Into an empty book and out again: the same customers' sheet but for the numbers, which
    // are that book's.
    let fresh = Kehu::new();
    let out = fresh.ok(&["import", "xlsx", first.to_str().unwrap()]);
    assert!(out.contains("added 2"), "{out}");
    let second = fresh.dir.path().join("second.xlsx");
    fresh.ok(&["export", "xlsx", "--out", second.to_str().unwrap()]);
    let without_ids =
        |rows: &[Vec<Data>]| -> Vec<Vec<Data>> { rows.iter().map(|r| r[1..].to_vec()).collect() };
    assert_eq!(
        without_ids(sheet(&sheets(&second), "Customers")),
        without_ids(customers)
    );

    // Into the book it came from: nothing is added, nothing changes.
    let again = k.ok(&["import", "xlsx", first.to_str().unwrap()]);
    assert!(again.contains("added 0, updated 0"), "{again}");
    let third = k.dir.path().join("third.xlsx");
    k.ok(&["export", "xlsx", "--out", third.to_str().unwrap()]);
    assert_eq!(sheet(&sheets(&third), "Customers"), customers);
}

/// A workbook as a team keeps it: numbers typed into the phone column, real date cells, the
/// customers on a second sheet under a title row.
#[test]
fn a_teams_own_workbook_imports_with_its_sheet_and_row_numbers() {
    let k = Kehu::new();
    let path = k.dir.path().join("team.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet().set_name("Notes").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("客户").unwrap();
    let date = Format::new().set_num_format("yyyy/m/d");
    for (col, h) in ["姓名", "手机", "最近联系", "邮箱"].iter().enumerate() {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "张伟").unwrap();
    sheet.write_number(1, 1, 13812345678.0).unwrap();
    sheet
        .write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(2026, 10, 1).unwrap(), &date)
        .unwrap();
    // Row 3 left empty, as people do.
    sheet.write_string(3, 0, "李娜").unwrap();
    sheet.write_string(3, 3, "not-an-email").unwrap();
    book.save(&path).unwrap();
    let file = path.to_str().unwrap();

    let missing = k.fails(&["import", "xlsx", file, "--sheet", "Customers"]);
    assert!(
        missing.contains("Customers") && missing.contains("Notes, 客户"),
        "names the sheets there are: {missing}"
    );
    let run = k.run(&["import", "xlsx", file, "--sheet", "客户"]);
    assert!(!run.status.success());
    let bad = String::from_utf8_lossy(&run.stdout);
    assert!(
        bad.contains("line 4") && bad.contains("not-an-email"),
        "the sheet's own row number: {bad}"
    );
    let out = k.ok(&["import", "xlsx", file, "--sheet", "客户", "--skip-bad"]);
    assert!(out.contains("added 1"), "{out}");
    let list = k.json(&["customer", "list", "--json"]);
    let zw = &list[0];
    assert_eq!(zw["name"], "张伟");
    assert_eq!(zw["phone"], "13812345678", "a number cell keeps its digits");
    assert_eq!(zw["last_contact"], "2026-10-01", "a date cell is a date");
    // The first sheet with anything in it is read when none is named: here the empty "Notes"
    // is passed over.
    let other = Kehu::new();
    let out = other.ok(&["import", "xlsx", file, "--dry-run", "--skip-bad"]);
    assert!(out.contains("客户"), "{out}");
}
