//! Import and export through the real binary, with files the tests write.

use std::fs;

use serde_json::Value;

use crate::common::Kehu;

fn write(k: &Kehu, name: &str, bytes: &[u8]) -> String {
    let path = k.dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn names(k: &Kehu) -> Vec<String> {
    k.json(&["customer", "list", "--archived", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn gbk_with_chinese_headers() {
    let k = Kehu::new();
    let text = "客户名称,手机,电子邮箱,客户等级,负责人,上次联系日期,标签,行业,备注\r\n张伟,138 0013 8000,zw@example.cn,VIP,li.na,2026-10-01,重点;华东,制造,年底续约\r\n李娜,139-1111-2222,,普通,,,,零售,\r\n";
    let gbk = encoding_rs::GBK.encode(text).0.into_owned();
    let file = write(&k, "gbk.csv", &gbk);
    let out = k.ok(&["import", "csv", &file]);
    assert!(
        out.contains("GBK/GB18030") && out.contains("added 2"),
        "{out}"
    );
    let list = k.json(&["customer", "list", "--json"]);
    let zw = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "张伟")
        .unwrap();
    assert_eq!(zw["tier"], "vip");
    assert_eq!(zw["owner"], "li.na");
    assert_eq!(
        zw["last_contact"], "2026-10-01",
        "the last-contact date is right"
    );
    assert_eq!(zw["tags"], serde_json::json!(["华东", "重点"]));
    let shown = k.json(&["customer", "show", &zw["id"].to_string(), "--json"]);
    assert_eq!(shown["industry"], "制造", "行业 is the industry field");
    assert_eq!(shown["needs"], "年底续约");
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "李娜")
            .unwrap()["owner"],
        "tester",
        "default owner: the importer"
    );
}

#[test]
fn web_crm_headers_with_bom_semicolons_and_names_in_two_columns() {
    let k = Kehu::new();
    let text = "\u{feff}First Name;Last Name;Account Name;Mobile;E-mail;Mailing City;Lead Source;Rating\nMaria;García;Acme;+34 600 111 222;maria@acme.es;Madrid;Web;B\n";
    let out = k.ok(&["import", "csv", &write(&k, "crm.csv", text.as_bytes())]);
    assert!(
        out.contains("UTF-8 with BOM") && out.contains("';'-separated"),
        "{out}"
    );
    let c = &k.json(&["customer", "list", "--json"])[0];
    assert_eq!(c["name"], "Maria García");
    assert_eq!(c["company"], "Acme");
    assert_eq!(c["city"], "Madrid");
    assert_eq!(c["tier"], "regular");
    let tab = "Name\tPhone\nTab Person\t021 5555 0000\n";
    assert!(
        k.ok(&["import", "csv", &write(&k, "tab.csv", tab.as_bytes())])
            .contains("tab-separated")
    );
    let mapped = "Kontakt,Ort\nKlaus,Hamburg\n";
    k.ok(&[
        "import",
        "csv",
        &write(&k, "map.csv", mapped.as_bytes()),
        "--map",
        "Kontakt=name",
        "--map",
        "Ort=city",
    ]);
    assert!(names(&k).contains(&"Klaus".to_string()));
}

#[test]
fn duplicates_likely_possible_and_reimport() {
    let k = Kehu::new();
    let first = "Name,Phone,Email,City\nZhang Wei,138 0013 8000,zw@example.com,\nShared Box,,info@acme.com,\n";
    let file = write(&k, "a.csv", first.as_bytes());
    k.ok(&["import", "csv", &file]);
    // Importing the same file again changes nothing.
    let again = k.ok(&["import", "csv", &file]);
    assert!(
        again.contains("added 0") && again.contains("skipped 2"),
        "{again}"
    );
    assert!(
        !again.contains("undo with"),
        "no empty batch is left behind"
    );
    assert_eq!(names(&k).len(), 2);
    // Same phone, similar name: likely (skipped by default, or fills empty fields with update).
    // Same e-mail, clearly different name: possible, added and reported.
    let second =
        "Name,Phone,Email,City\nzhang wei,+86 138 0013 8000,,Shanghai\nBob Other,,info@acme.com,\n";
    let f2 = write(&k, "b.csv", second.as_bytes());
    let dry = k.ok(&["import", "csv", &f2, "--dry-run"]);
    assert!(
        dry.contains("would add 1")
            && dry.contains("likely customer 1")
            && dry.contains("possible duplicate"),
        "{dry}"
    );
    assert_eq!(names(&k).len(), 2, "a dry run writes nothing");
    let upd = k.ok(&["import", "csv", &f2, "--on-duplicate", "update"]);
    assert!(upd.contains("updated 1"), "{upd}");
    let zw = k.json(&["customer", "show", "1", "--json"]);
    assert_eq!(zw["city"], "Shanghai", "an empty field was filled");
    assert_eq!(
        zw["phone"], "138 0013 8000",
        "a filled field is never overwritten"
    );
    assert_eq!(names(&k).len(), 3);
    assert!(
        k.fails(&["import", "csv", &f2, "--on-duplicate", "merge"])
            .contains("on-duplicate")
    );
    // Two people of the same name whose numbers share only their last eight digits are two
    // customers: no likely, no possible duplicate.
    let k = Kehu::new();
    let wang =
        "姓名,电话\n王芳,13812345678\n王芳,13912345678\n李娜,0755-12345678\n李娜,021-12345678\n";
    let f3 = write(&k, "wang.csv", wang.as_bytes());
    let out = k.ok(&["import", "csv", &f3]);
    assert!(
        out.contains("added 4") && !out.contains("possible"),
        "{out}"
    );
}

#[test]
fn a_bad_row_stops_everything_unless_skipped() {
    let k = Kehu::new();
    // CRLF, as Excel and Python write: the bad row is the file's line 3, in every message.
    let text = "Name,Phone,Tier,Birthday\r\nGood One,138 0013 8000,vip,1990-01-01\r\n,12,gold,2026-13-45\r\nGood Two,,,\r\n";
    let file = write(&k, "bad.csv", text.as_bytes());
    let out = k.run(&["import", "csv", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("line 3, column 'Phone'") && stdout.contains("line 3, column 'Tier'"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was imported"));
    assert!(names(&k).is_empty(), "all or nothing");
    let ok = k.ok(&["import", "csv", &file, "--skip-bad"]);
    assert!(
        ok.contains("added 2") && ok.contains("bad rows written to"),
        "{ok}"
    );
    // The bad-rows file is the rows themselves under the file's header, with what is wrong.
    let bad_file = format!("{file}.bad-rows.csv");
    let report = fs::read_to_string(&bad_file).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 2, "{report}");
    assert_eq!(lines[0], "Name,Phone,Tier,Birthday,kehu: problem");
    assert!(lines[1].starts_with(",12,gold,2026-13-45,"), "{report}");
    assert!(
        lines[1].contains("Phone: ") && lines[1].contains("Tier: ") && lines[1].contains("name: "),
        "{report}"
    );
    // Fixed and imported again: the problem column is not taken for a custom field.
    let fixed = report.replace(
        ",12,gold,2026-13-45,",
        "Fixed Three,138 0013 8001,regular,1990-02-03,",
    );
    fs::write(&bad_file, fixed).unwrap();
    assert!(k.ok(&["import", "csv", &bad_file]).contains("added 1"));
    let three = k.json(&["customer", "show", "3", "--json"]);
    assert_eq!(three["name"], "Fixed Three");
    assert_eq!(three["custom_fields"], serde_json::json!({}), "{three}");
}

#[test]
fn hostile_and_broken_files_give_clear_results() {
    let k = Kehu::new();
    for (name, bytes, expect) in [
        ("empty.csv", b"".to_vec(), "empty"),
        ("header.csv", b"Name,Phone\n".to_vec(), "no data rows"),
        (
            "binary.csv",
            vec![0u8, 159, 146, 150, 0, 1, 2, 3],
            "not a text file",
        ),
        ("long.csv", vec![b'x'; 10 * 1024 * 1024], "no data rows"),
    ] {
        let err = k.fails(&["import", "csv", &write(&k, name, &bytes)]);
        assert!(err.contains(expect), "{name}: {err}");
    }
    let long_name = format!("Name,Notes\n{},x\n", "长".repeat(5000));
    let out = k.run(&[
        "import",
        "csv",
        &write(&k, "longname.csv", long_name.as_bytes()),
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("is 5000 characters long"));
    let hostile = "Name,Company,Notes\n\"Evil\u{1b}]0;x\u{7}Name\",\"=HYPERLINK(\"\"http://x\"\")\",\"multi\nline\"\n";
    k.ok(&[
        "import",
        "csv",
        &write(&k, "hostile.csv", hostile.as_bytes()),
    ]);
    let c = &k.json(&["customer", "list", "--json"])[0];
    assert_eq!(c["name"], "Evil]0;xName", "escape sequences removed");
    assert_eq!(
        c["company"], "=HYPERLINK(\"http://x\")",
        "kept as text, never run"
    );
    assert!(names(&k).len() == 1);
}

#[test]
fn undo_removes_what_was_added_and_restores_what_was_filled() {
    let k = Kehu::new();
    let id = k
        .add(&["--name", "Existing", "--phone", "138 0013 8000"])
        .to_string();
    let text = "Name,Phone,City\nExisting,138 0013 8000,Berlin\nNew Person,139 0000 0000,Paris\n";
    let out = k.ok(&[
        "import",
        "csv",
        &write(&k, "u.csv", text.as_bytes()),
        "--on-duplicate",
        "update",
    ]);
    let batch = crate::common::id_in(&out, "kehu import undo ").to_string();
    assert_eq!(
        k.json(&["customer", "show", &id, "--json"])["city"],
        "Berlin"
    );
    assert_eq!(names(&k).len(), 2);
    let undo = k.ok(&["import", "undo", &batch]);
    assert!(
        undo.contains("removed 1") && undo.contains("restored 1"),
        "{undo}"
    );
    assert_eq!(names(&k), vec!["Existing"]);
    assert_eq!(
        k.json(&["customer", "show", &id, "--json"])["city"],
        Value::Null
    );
    assert!(
        k.fails(&["import", "undo", &batch])
            .contains("already undone")
    );
    assert!(
        k.fails(&["import", "undo", "99"])
            .contains("no import with id 99")
    );
    assert_eq!(k.ok(&["check"]).lines().last(), Some("ok"));
}

#[test]
fn csv_export_is_excel_safe_and_round_trips_exactly() {
    let k = Kehu::new();
    k.add(&[
        "--name",
        "张伟",
        "--company",
        "上海星辰",
        "--tier",
        "vip",
        "--stage",
        "customer",
        "--phone",
        "+86 138 0013 8000",
        "--email",
        "zw@example.cn",
        "--city",
        "上海",
        "--tag",
        "重点",
        "--tag",
        "a",
        "--channel",
        "wechat",
        "--cadence",
        "21",
        "--birthday",
        "1985-03-12",
        "--source",
        "展会",
        "--needs",
        "fast\ndelivery",
        "--field",
        "industry=制造",
        "--pool-lock",
        "yes",
    ]);
    let other = k
        .add(&["--name", "=cmd()", "--kind", "b2b", "--owner", "wang"])
        .to_string();
    k.ok(&["log", &other, "--summary", "hi", "--at", "2026-11-01"]);
    let first = k.dir.path().join("first.csv");
    k.ok(&["export", "csv", "--out", first.to_str().unwrap()]);
    let bytes = fs::read(&first).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("'+86 138 0013 8000") && text.contains("'=cmd()"),
        "formula cells escaped:\n{text}"
    );
    assert!(text.contains("field:industry"));

    // Into another book: the same file but for the customer numbers, which are that book's.
    let fresh = Kehu::new();
    fresh.ok(&["import", "csv", first.to_str().unwrap()]);
    let second = fresh.dir.path().join("second.csv");
    fresh.ok(&["export", "csv", "--out", second.to_str().unwrap()]);
    let without_ids = |t: &str| -> Vec<String> {
        let mut rows: Vec<String> = t
            .split("\r\n")
            .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_string())
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(
        without_ids(&String::from_utf8_lossy(&fs::read(&second).unwrap())),
        without_ids(&text),
        "export → import → export gives the same rows"
    );
    // Into the same book: nothing changes, nothing is dropped.
    let again = k.ok(&["import", "csv", first.to_str().unwrap()]);
    assert!(
        again.contains("added 0") && again.contains("skipped 2"),
        "{again}"
    );
    let c = &fresh.json(&["customer", "list", "--json"]);
    assert!(
        c.as_array().unwrap().iter().any(|x| x["name"] == "=cmd()"),
        "kehu's own escape is removed on import"
    );
}

#[test]
fn json_export_holds_everything() {
    let k = Kehu::uninitialised();
    k.ok(&["init", "--demo"]);
    let v: Value = serde_json::from_str(&k.ok(&["export", "json"])).unwrap();
    assert_eq!(v["format"], "kehu-export");
    let customers = v["customers"].as_array().unwrap();
    assert!(customers.len() >= 80);
    for key in [
        "contacts",
        "tags",
        "interactions",
        "todos",
        "purchases",
        "tickets",
        "surveys",
        "deals",
        "campaigns",
        "history",
    ] {
        assert!(
            customers
                .iter()
                .any(|c| c[key].as_array().is_some_and(|a| !a.is_empty())),
            "no customer has {key}"
        );
    }
    assert!(!v["campaigns"].as_array().unwrap().is_empty());
    assert!(v["settings"]["cadence.vip"].is_string());
}

#[test]
fn vcard_output_field_by_field() {
    let k = Kehu::new();
    let id = k
        .add(&[
            "--name",
            "张伟",
            "--company",
            "上海星辰; 科技",
            "--kind",
            "b2b",
            "--phone",
            "+86 138 0013 8000",
            "--email",
            "zw@example.cn",
            "--address",
            "浦东新区 88号",
            "--city",
            "上海",
            "--birthday",
            "1985-03-12",
            "--tag",
            "重点",
            "--tag",
            "a,b",
            "--needs",
            "line one\nline two",
        ])
        .to_string();
    k.ok(&[
        "contact",
        "add",
        &id,
        "--name",
        "李娜",
        "--title",
        "采购经理",
        "--phone",
        "139 1111 2222",
        "--email",
        "ln@example.cn",
    ]);
    k.ok(&["customer", "add", "--name", &"很长的名字".repeat(10)]);
    let text = k.ok(&["export", "vcard"]);
    assert!(text.contains("\r\n"), "CRLF line ends");
    // Unfold (a line starting with a space continues the one before), then check each property.
    let unfolded = text.replace("\r\n ", "");
    let cards: Vec<&str> = unfolded
        .split("BEGIN:VCARD\r\n")
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cards.len(), 3, "two customers and one contact person");
    let customer = cards.iter().find(|c| c.contains("FN:张伟")).unwrap();
    for line in [
        "VERSION:4.0",
        "N:张;伟;;;",
        "X-KEHU-KIND:b2b",
        "ORG:上海星辰\\; 科技",
        "TEL;TYPE=voice:+86 138 0013 8000",
        "EMAIL:zw@example.cn",
        "ADR:;;浦东新区 88号;上海;;;",
        "BDAY:19850312",
        "CATEGORIES:a\\,b,重点",
        "NOTE:line one\\nline two",
        &format!("UID:urn:kehu:customer:{id}"),
    ] {
        assert!(
            customer.lines().any(|l| l == line),
            "customer card lacks '{line}':\n{customer}"
        );
    }
    assert!(
        !customer.contains("KIND:org"),
        "a person at a company is a person: {customer}"
    );
    let person = cards.iter().find(|c| c.contains("FN:李娜")).unwrap();
    for line in [
        "TITLE:采购经理",
        "TEL;TYPE=voice:139 1111 2222",
        "EMAIL:ln@example.cn",
        "ORG:上海星辰\\; 科技",
    ] {
        assert!(
            person.lines().any(|l| l == line),
            "contact card lacks '{line}':\n{person}"
        );
    }
    // Folded lines stay within 75 octets and never split a character.
    for l in text.split("\r\n") {
        assert!(l.len() <= 75, "line longer than 75 octets: {l}");
    }
    assert!(unfolded.contains(&format!("FN:{}", "很长的名字".repeat(10))));
}

/// A JSON amount is the documented text or a number of whole units (never fen); an e-mail or a
/// phone number passes the checks every other way in applies; each error names its record once.
#[test]
fn json_import_reads_amounts_in_units_and_checks_like_csv() {
    let k = Kehu::new();
    let id = k.add(&[
        "--name",
        "Ann",
        "--email",
        "ann@example.cn",
        "--phone",
        "138 0013 8000",
    ]);
    k.ok(&["purchase", "add", &id.to_string(), "--amount", "1200"]);
    let export = k.ok(&["export", "json"]);
    assert!(export.contains("\"amount\": \"1200.00\""), "{export}");
    let load = |name: &str, text: &str| {
        let fresh = Kehu::new();
        let file = write(&fresh, name, text.as_bytes());
        (fresh.run(&["import", "json", &file]), fresh)
    };
    for (number, stored) in [("1200", "1200.00"), ("12.5", "12.50")] {
        let (out, fresh) = load(
            "n.json",
            &export.replace("\"amount\": \"1200.00\"", &format!("\"amount\": {number}")),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let list = fresh.json(&["purchase", "list", "1", "--json"]);
        assert_eq!(list[0]["amount"], stored, "{number}");
    }
    for (from, to, says) in [
        (
            "\"amount\": \"1200.00\"",
            "\"amount\": 12.345",
            "'amount' '12.345'",
        ),
        (
            "\"email\": \"ann@example.cn\"",
            "\"email\": \"ann-at-example\"",
            "'email' 'ann-at-example'",
        ),
        (
            "\"phone\": \"138 0013 8000\"",
            "\"phone\": \"call me\"",
            "'phone' 'call me'",
        ),
    ] {
        let (out, fresh) = load("bad.json", &export.replace(from, to));
        assert_eq!(out.status.code(), Some(1), "{to}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.matches(says).count(), 1, "{err}");
        assert!(err.contains("customers[0] (id 1)"), "{err}");
        assert!(names(&fresh).is_empty(), "all or nothing: {to}");
    }
}

/// Two customers of the same name at the same company are two people: kehu's own export names
/// each by its customer number, so importing it again into the same book skips exactly them, and
/// into another book adds both (the same name and company alone is a possible duplicate, added).
#[test]
fn same_name_customers_survive_their_own_export() {
    let k = Kehu::new();
    for city in ["上海", "北京"] {
        k.add(&["--name", "王芳", "--company", "星辰科技", "--city", city]);
    }
    let file = k.dir.path().join("book.csv");
    k.ok(&["export", "csv", "--out", file.to_str().unwrap()]);
    let again = k.ok(&["import", "csv", file.to_str().unwrap()]);
    assert!(
        again.contains("added 0") && again.contains("skipped 2"),
        "{again}"
    );
    assert_eq!(names(&k).len(), 2);
    let other = Kehu::new();
    let out = other.ok(&["import", "csv", file.to_str().unwrap()]);
    assert!(
        out.contains("added 2") && out.contains("possible duplicate"),
        "{out}"
    );
    let cities: Vec<String> = other
        .json(&["customer", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["city"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(cities.len(), 2, "{cities:?}");
    // Numbers in another order than the new book's: a row is never matched to a customer the
    // same import has just added.
    let reversed = "Kehu id,Name,Company,City\n2,王芳,星辰科技,北京\n1,王芳,星辰科技,上海\n";
    let third = Kehu::new();
    let f = write(&third, "reversed.csv", reversed.as_bytes());
    assert!(third.ok(&["import", "csv", &f]).contains("added 2"));
    // A number from another book that names someone else here is not taken for them.
    let stranger = "Kehu id,Name\n1,Someone Else\n";
    let f = write(&k, "stranger.csv", stranger.as_bytes());
    assert!(k.ok(&["import", "csv", &f]).contains("added 1"));
}

/// A spreadsheet of names and companies only, imported twice, is not added twice: a row that
/// agrees with a stored customer on everything it has is that customer.
#[test]
fn a_names_and_companies_file_imported_twice_adds_nothing_the_second_time() {
    let k = Kehu::new();
    let text = "Name,Company,City\nAnn Lee,Acme,Berlin\nBo Chen,Acme,\n";
    let f = write(&k, "plain.csv", text.as_bytes());
    assert!(k.ok(&["import", "csv", &f]).contains("added 2"));
    let again = k.ok(&["import", "csv", &f]);
    assert!(
        again.contains("added 0") && again.contains("skipped 2"),
        "{again}"
    );
    // Another Ann Lee at Acme, in another city, is someone else: added, listed as possible.
    let other = write(&k, "other.csv", b"Name,Company,City\nAnn Lee,Acme,Munich\n");
    let out = k.ok(&["import", "csv", &other]);
    assert!(
        out.contains("added 1") && out.contains("possible duplicate"),
        "{out}"
    );
}

/// A file in the wrong encoding is named as such, not refused row by row as "name is empty";
/// `--encoding` reads what auto-detection cannot.
#[test]
fn a_file_in_the_wrong_encoding_says_so_and_encoding_reads_it() {
    let k = Kehu::new();
    let text = "姓名,电话\r\n张伟,138 0013 8000\r\n李娜,139 0013 8000\r\n";
    // Opened as Windows-1252 by some tool and saved as UTF-8: mojibake.
    let (garbled, _, _) = encoding_rs::WINDOWS_1252.decode(text.as_bytes());
    let f = write(&k, "garbled.csv", garbled.as_bytes());
    let err = k.fails(&["import", "csv", &f]);
    assert!(
        err.contains("garbled") && err.contains("姓名,电话"),
        "{err}"
    );
    assert!(!err.contains("empty"), "{err}");
    // Plain headers, garbled names: named by line.
    let (names_only, _, _) = encoding_rs::WINDOWS_1252.decode("Name,City\n张伟,上海\n".as_bytes());
    let f = write(&k, "names.csv", names_only.as_bytes());
    let err = k.fails(&["import", "csv", &f]);
    assert!(err.contains("line 2") && err.contains("张伟,上海"), "{err}");
    // UTF-16 without its byte-order mark: named, and read with --encoding utf-16.
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let f = write(&k, "utf16.csv", &utf16);
    assert!(
        k.fails(&["import", "csv", &f])
            .contains("--encoding utf-16")
    );
    assert!(
        k.ok(&["import", "csv", &f, "--encoding", "utf-16"])
            .contains("added 2")
    );
    // GBK that happens to be read otherwise can be forced; a wrong name is refused.
    let gbk = encoding_rs::GBK.encode("姓名\r\n王芳\r\n").0.into_owned();
    let f = write(&k, "gbk.csv", &gbk);
    assert!(
        k.ok(&["import", "csv", &f, "--encoding", "gbk"])
            .contains("added 1")
    );
    assert!(
        k.fails(&["import", "csv", &f, "--encoding", "utf-8"])
            .contains("UTF-8")
    );
    assert!(
        k.fails(&["import", "csv", &f, "--encoding", "latin1"])
            .contains("encoding")
    );
}

/// `export vcard --dir` writes a vdir (one card per file, as khard and vdirsyncer want), people
/// with N and FN, KIND:org only for a company; `import vcard` reads a file or a folder back with
/// the same duplicate rules, and a card from elsewhere (vCard 3.0 from a phone) comes in too.
#[test]
fn vcards_go_out_as_a_vdir_and_come_back_in() {
    let k = Kehu::new();
    let person = k.add(&[
        "--name",
        "欧阳娜娜",
        "--company",
        "星辰科技",
        "--kind",
        "b2b",
        "--phone",
        "13800138000",
        "--tag",
        "vip",
        "--birthday",
        "1990-05-06",
    ]);
    let company = k.add(&[
        "--name",
        "广州宏远建材有限公司",
        "--kind",
        "b2b",
        "--email",
        "info@hongyuan.cn",
    ]);
    let anna = k.add(&["--name", "Anna Maria Müller", "--city", "Berlin"]);
    k.ok(&[
        "contact",
        "add",
        &company.to_string(),
        "--name",
        "李娜",
        "--phone",
        "139 1111 2222",
    ]);
    let dir = k.dir.path().join("cards");
    std::fs::create_dir(&dir).unwrap();
    // A card of a customer since erased, from an earlier export, and a file that is not kehu's.
    fs::write(
        dir.join("urn-kehu-customer-999.vcf"),
        "BEGIN:VCARD\r\nEND:VCARD\r\n",
    )
    .unwrap();
    fs::write(dir.join("mine.txt"), "keep me").unwrap();
    let out = k.ok(&["export", "vcard", "--dir", dir.to_str().unwrap()]);
    assert!(out.contains("4 card"), "{out}");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "mine.txt".to_string(),
            "urn-kehu-contact-1.vcf".into(),
            format!("urn-kehu-customer-{person}.vcf"),
            format!("urn-kehu-customer-{company}.vcf"),
            format!("urn-kehu-customer-{anna}.vcf"),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    let card =
        |id: i64| fs::read_to_string(dir.join(format!("urn-kehu-customer-{id}.vcf"))).unwrap();
    let (p, c, a) = (card(person), card(company), card(anna));
    assert_eq!(p.matches("BEGIN:VCARD").count(), 1, "one card per file");
    assert!(
        p.contains("N:欧阳;娜娜;;;\r\n")
            && p.contains("FN:欧阳娜娜\r\n")
            && !p.contains("KIND:org"),
        "{p}"
    );
    assert!(c.contains("KIND:org\r\n") && !c.contains("\r\nN:"), "{c}");
    assert!(a.contains("N:Müller;Anna Maria;;;\r\n"), "{a}");

    // The folder back into an empty book: the three customers, the contact person's card left out.
    let fresh = Kehu::new();
    let out = fresh.ok(&["import", "vcard", dir.to_str().unwrap()]);
    assert!(
        out.contains("added 3") && out.contains("1 contact-person"),
        "{out}"
    );
    let list = fresh.json(&["customer", "list", "--json"]);
    let find = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {list}"))
            .clone()
    };
    let nana = find("欧阳娜娜");
    assert_eq!(
        (
            nana["company"].as_str(),
            nana["phone"].as_str(),
            nana["kind"].as_str()
        ),
        (Some("星辰科技"), Some("13800138000"), Some("b2b"))
    );
    assert_eq!(nana["tags"], serde_json::json!(["vip"]));
    assert_eq!(find("广州宏远建材有限公司")["kind"], "b2b");
    assert_eq!(find("Anna Maria Müller")["city"], "Berlin");
    // Into the book they came from: each card is that customer, nothing added.
    let again = k.ok(&["import", "vcard", dir.to_str().unwrap()]);
    assert!(again.contains("added 0"), "{again}");

    // A phone's export: vCard 3.0, several cards in one file, one with a bad e-mail, named by
    // its line.
    let phone = write(
        &fresh,
        "phone.vcf",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;John;;;\r\nFN:John Smith\r\nTEL;TYPE=CELL:+1 415 555 0100\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n",
    );
    let run = fresh.run(&["import", "vcard", &phone]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(!run.status.success() && text.contains("line 7"), "{text}");
    let out = fresh.ok(&["import", "vcard", &phone, "--skip-bad"]);
    assert!(out.contains("added 1"), "{out}");
    assert_eq!(find_in(&fresh, "John Smith")["phone"], "+1 415 555 0100");
}

fn find_in(k: &Kehu, name: &str) -> Value {
    k.json(&["customer", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} missing"))
}

/// When most rows fail in one column, the import says the file as a whole is read wrongly, and
/// names the encoding that reads its header when there is one.
#[test]
fn most_rows_failing_the_same_way_names_the_likely_cause() {
    let k = Kehu::new();
    // Pipes are no delimiter kehu knows: one column, no name in any row.
    let piped = write(
        &k,
        "piped.csv",
        "姓名|电话\n张伟|13800138000\n李娜|13900139000\n王芳|13700137000\n".as_bytes(),
    );
    let run = k.run(&["import", "csv", &piped]);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(!run.status.success());
    assert!(
        out.contains("3 of 3 rows fail the same way") && out.contains("--map"),
        "{out}"
    );
    // UTF-16 without its byte-order mark, read as GBK because the user said so.
    let utf16: Vec<u8> = "Name,Phone\r\nAnn,13800138000\r\nBea,13900139000\r\nCy,13700137000\r\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let file = write(&k, "utf16.csv", &utf16);
    let run = k.run(&["import", "csv", &file, "--encoding", "gbk"]);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        !run.status.success() && out.contains("--encoding utf-16"),
        "{out}"
    );
    // A file with one bad row among good ones gets no such hint.
    let one_bad = write(
        &k,
        "one.csv",
        b"Name,Email\nAnn,a@example.com\nBea,b@example.com\nCy,not-an-email\nDi,d@example.com\n",
    );
    let run = k.run(&["import", "csv", &one_bad]);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        !out.contains("the same way") && !out.contains("another encoding"),
        "{out}"
    );
}
