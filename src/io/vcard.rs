//! vCard 4.0 (RFC 6350) out and in: customers and their contact persons for address books.
//!
//! Out: one file of cards, or a vdir (`--dir`): one `.vcf` per card, named by its UID, which
//! khard and vdirsyncer read. A person has `N` and `FN`; `KIND:org` only for a company without a
//! person's name. In: a file of cards or a folder of them, brought in as rows with the CSV's
//! mapping, duplicate rules and undo.

use std::io::Read;
use std::path::Path;

use super::table::{Opened, RowSource};
use crate::domain::{CustomerFields, CustomerKind, InputError};
use crate::store::{self, Store, StoreError};

/// Escapes a vCard text value (RFC 6350 §3.4).
fn vtext(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets (never inside a character) and ends it with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// Two-character Chinese surnames, which take both characters as the family name.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "呼延", "百里", "东郭", "闻人",
];

/// A person's name as vCard's `N` wants it: (family, given). Chinese names put the family name
/// first without a space; others are "given … family".
pub fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    let han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c == '·';
    if !name.contains(' ') && name.chars().next().is_some_and(han) {
        let family = COMPOUND_SURNAMES
            .iter()
            .find(|s| name.starts_with(**s) && name.chars().count() > 2)
            .map_or_else(|| name.chars().take(1).collect(), |s| s.to_string());
        let given = name[family.len()..].to_string();
        return (family, given);
    }
    match name.rsplit_once(' ') {
        Some((given, family)) => (family.trim().to_string(), given.trim().to_string()),
        None => (name.to_string(), String::new()),
    }
}

/// Whether the name reads as an organisation's rather than a person's.
fn looks_like_organisation(name: &str) -> bool {
    const MARKS: &[&str] = &[
        "公司",
        "集团",
        "有限",
        "工作室",
        "商行",
        "事务所",
        "中心",
        "银行",
        "大学",
        "医院",
        "Ltd",
        "LTD",
        "Inc",
        "INC",
        "GmbH",
        "LLC",
        "Corp",
        "Co.",
        "S.A.",
        "AG",
        "Studio",
    ];
    MARKS.iter().any(|m| name.contains(m))
}

/// A company without a person: the card is the organisation's (`KIND:org`, no `N`).
fn is_organisation(f: &CustomerFields) -> bool {
    let same_as_company = f.company.as_deref().is_none_or(|c| {
        let fold = |s: &str| s.to_lowercase().replace(char::is_whitespace, "");
        fold(c) == fold(&f.name)
    });
    f.kind == CustomerKind::B2b && (same_as_company || looks_like_organisation(&f.name))
        || f.company.is_none() && looks_like_organisation(&f.name)
}

/// One card: the file name a vdir gives it (its UID, made safe) and its text.
pub struct Card {
    pub file: String,
    pub text: String,
}

/// Every customer (archived ones left out) and each of their contact persons, as cards.
pub fn cards(store: &Store) -> Result<Vec<Card>, StoreError> {
    store.read(|c| {
        let all = store::customers::list(c, &store::customers::Filter::default())?;
        let mut out = Vec::with_capacity(all.len());
        for cu in &all {
            let f = &cu.fields;
            let uid = format!("urn:kehu:customer:{}", cu.id);
            let mut lines = vec![
                "BEGIN:VCARD".to_string(),
                "VERSION:4.0".into(),
                format!("UID:{uid}"),
                format!("FN:{}", vtext(&f.name)),
            ];
            if is_organisation(f) {
                lines.push("KIND:org".into());
                lines.push(format!(
                    "ORG:{}",
                    vtext(f.company.as_deref().unwrap_or(&f.name))
                ));
            } else {
                let (family, given) = split_name(&f.name);
                lines.push(format!("N:{};{};;;", vtext(&family), vtext(&given)));
                if let Some(co) = &f.company {
                    lines.push(format!("ORG:{}", vtext(co)));
                }
            }
            // kehu's own kind, so a card read back is the same customer (other programs
            // ignore X- properties).
            lines.push(format!("X-KEHU-KIND:{}", f.kind));
            if let Some(p) = &f.phone {
                lines.push(format!("TEL;TYPE=voice:{}", vtext(p)));
            }
            if let Some(e) = &f.email {
                lines.push(format!("EMAIL:{}", vtext(e)));
            }
            if f.address.is_some() || f.city.is_some() {
                let (a, city) = (
                    f.address.as_deref().unwrap_or(""),
                    f.city.as_deref().unwrap_or(""),
                );
                lines.push(format!("ADR:;;{};{};;;", vtext(a), vtext(city)));
            }
            if let Some(b) = f.birthday {
                lines.push(format!("BDAY:{}", b.format("%Y%m%d")));
            }
            if !cu.tags.is_empty() {
                let tags: Vec<String> = cu.tags.iter().map(|t| vtext(t)).collect();
                lines.push(format!("CATEGORIES:{}", tags.join(",")));
            }
            if let Some(n) = &f.needs {
                lines.push(format!("NOTE:{}", vtext(n)));
            }
            lines.push("END:VCARD".into());
            out.push(card(&uid, &lines));
            for p in store::contacts::for_customer(c, cu.id)? {
                let uid = format!("urn:kehu:contact:{}", p.id);
                let (family, given) = split_name(&p.name);
                let mut lines = vec![
                    "BEGIN:VCARD".to_string(),
                    "VERSION:4.0".into(),
                    format!("UID:{uid}"),
                    format!("FN:{}", vtext(&p.name)),
                    format!("N:{};{};;;", vtext(&family), vtext(&given)),
                    format!("ORG:{}", vtext(f.company.as_deref().unwrap_or(&f.name))),
                ];
                if let Some(t) = &p.title {
                    lines.push(format!("TITLE:{}", vtext(t)));
                }
                if let Some(ph) = &p.phone {
                    lines.push(format!("TEL;TYPE=voice:{}", vtext(ph)));
                }
                if let Some(e) = &p.email {
                    lines.push(format!("EMAIL:{}", vtext(e)));
                }
                lines.push(format!(
                    "RELATED;TYPE=colleague:urn:kehu:customer:{}",
                    cu.id
                ));
                lines.push("END:VCARD".into());
                out.push(card(&uid, &lines));
            }
        }
        Ok(out)
    })
}

fn card(uid: &str, lines: &[String]) -> Card {
    Card {
        file: format!("{}.vcf", uid.replace(':', "-")),
        text: lines.iter().map(|l| fold(l)).collect(),
    }
}

/// Every card in one text (`kehu export vcard`).
pub fn text(store: &Store) -> Result<String, StoreError> {
    Ok(cards(store)?.into_iter().map(|c| c.text).collect())
}

/// Writes a vdir: one `.vcf` per card in `dir` (made if missing), each replaced whole; cards kehu
/// wrote there before for customers now gone or archived are removed, other files left alone.
/// Returns how many cards were written.
pub fn write_dir(store: &Store, dir: &Path) -> Result<usize, StoreError> {
    let cannot = |e: std::io::Error| {
        StoreError::Refused(crate::i18n::tf(
            "io.cannot_write_why",
            &[("path", &dir.display()), ("why", &e)],
        ))
    };
    let cards = cards(store)?;
    std::fs::create_dir_all(dir).map_err(cannot)?;
    for c in &cards {
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(cannot)?;
        std::io::Write::write_all(&mut tmp, c.text.as_bytes()).map_err(cannot)?;
        tmp.persist(dir.join(&c.file))
            .map_err(|e| cannot(e.error))?;
    }
    let current: std::collections::HashSet<&str> = cards.iter().map(|c| c.file.as_str()).collect();
    for entry in std::fs::read_dir(dir).map_err(cannot)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("urn-kehu-")
            && name.ends_with(".vcf")
            && !current.contains(name.as_str())
        {
            std::fs::remove_file(entry.path()).map_err(cannot)?;
        }
    }
    Ok(cards.len())
}

/// The columns a card becomes, named so the CSV mapping takes them.
const HEADER: &[&str] = &[
    "Kehu id",
    "Name",
    "Company",
    "Kind",
    "Phone",
    "Email",
    "City",
    "Address",
    "Birthday",
    "Tags",
    "Needs",
    "field:title",
];

/// Undoes vCard text escapes (`\n`, `\,`, `\;`, `\\`).
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a structured value (`N`, `ADR`) at unescaped semicolons.
fn components(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut escaped = false;
    for c in value.chars() {
        match c {
            ';' if !escaped => parts.push(String::new()),
            _ => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
        escaped = c == '\\' && !escaped;
    }
    parts.iter().map(|p| unescape(p)).collect()
}

/// Decodes quoted-printable text (vCard 2.1, as old phones export).
fn quoted_printable(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: u8| (b as char).to_digit(16);
    while i < bytes.len() {
        if bytes[i] == b'='
            && let (Some(Some(high)), Some(Some(low))) = (
                bytes.get(i + 1).map(|b| hex(*b)),
                bytes.get(i + 2).map(|b| hex(*b)),
            )
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A card's content lines, unfolded: (line the card starts on, [(name, params, value)]).
type Parsed = (u64, Vec<(String, String, String)>);

/// The cards in a text, each with the line its `BEGIN:VCARD` is on.
fn parse(text: &str) -> Vec<Parsed> {
    let mut cards = Vec::new();
    let mut current: Option<Parsed> = None;
    let mut logical: Vec<(u64, String)> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        match logical.last_mut() {
            // A folded line continues the one before (RFC 6350 §3.2); a quoted-printable line
            // ending in '=' continues too (vCard 2.1).
            Some((_, prev)) if raw.starts_with([' ', '\t']) => prev.push_str(&raw[1..]),
            Some((_, prev))
                if prev.ends_with('=') && prev.to_uppercase().contains("QUOTED-PRINTABLE") =>
            {
                prev.pop();
                prev.push_str(raw);
            }
            _ => logical.push((n as u64 + 1, raw.to_string())),
        }
    }
    for (line, content) in logical {
        let Some((head, value)) = content.split_once(':') else {
            continue;
        };
        let (name, params) = head.split_once(';').unwrap_or((head, ""));
        // "item1.TEL": the group is dropped.
        let name = name
            .rsplit('.')
            .next()
            .unwrap_or(name)
            .trim()
            .to_uppercase();
        let value = value.trim();
        match (name.as_str(), value.to_uppercase().as_str()) {
            ("BEGIN", "VCARD") => current = Some((line, Vec::new())),
            ("END", "VCARD") => cards.extend(current.take()),
            _ => {
                if let Some((_, props)) = current.as_mut() {
                    let value = if params.to_uppercase().contains("QUOTED-PRINTABLE") {
                        quoted_printable(value)
                    } else {
                        value.to_string()
                    };
                    props.push((name, params.to_uppercase(), value));
                }
            }
        }
    }
    cards
}

/// A card as a row of [`HEADER`]'s columns; `None` for a kehu contact person's card (a person
/// at a customer, not a customer).
fn row_of(props: &[(String, String, String)]) -> Option<Vec<String>> {
    let get = |name: &str| {
        props
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, p, v)| (p, v))
    };
    let text = |name: &str| get(name).map(|(_, v)| unescape(v)).unwrap_or_default();
    let uid = text("UID");
    if uid.starts_with("urn:kehu:contact:") {
        return None;
    }
    let kehu_id = uid
        .strip_prefix("urn:kehu:customer:")
        .unwrap_or_default()
        .to_string();
    let n = get("N").map(|(_, v)| components(v)).unwrap_or_default();
    let mut name = text("FN");
    if name.trim().is_empty() {
        let (family, given) = (
            n.first().cloned().unwrap_or_default(),
            n.get(1).cloned().unwrap_or_default(),
        );
        let cjk = family.chars().any(|c| c as u32 >= 0x2E80);
        name = if cjk {
            format!("{family}{given}")
        } else {
            format!("{given} {family}").trim().to_string()
        };
    }
    let org = get("ORG")
        .map(|(_, v)| components(v).into_iter().next().unwrap_or_default())
        .unwrap_or_default();
    if name.trim().is_empty() {
        name.clone_from(&org);
    }
    let kind = match text("X-KEHU-KIND") {
        k if !k.is_empty() => k,
        _ if text("KIND").eq_ignore_ascii_case("org") => "b2b".into(),
        _ => String::new(),
    };
    // A company card names itself as its organisation: no company of its own beside it.
    let company = if org == name { String::new() } else { org };
    let phone = text("TEL");
    let phone = phone.strip_prefix("tel:").unwrap_or(&phone).to_string();
    let email = text("EMAIL");
    let email = email.strip_prefix("mailto:").unwrap_or(&email).to_string();
    let adr = get("ADR").map(|(_, v)| components(v)).unwrap_or_default();
    let part = |i: usize| adr.get(i).cloned().unwrap_or_default();
    let birthday = birthday(&text("BDAY"));
    let tags = get("CATEGORIES")
        .map(|(_, v)| {
            let mut tags = Vec::new();
            let mut escaped = false;
            let mut current = String::new();
            for c in v.chars() {
                if c == ',' && !escaped {
                    tags.push(unescape(&std::mem::take(&mut current)));
                } else {
                    current.push(c);
                }
                escaped = c == '\\' && !escaped;
            }
            tags.push(unescape(&current));
            // The tags column splits on commas and semicolons: a tag holding one is quoted.
            tags.iter()
                .filter(|t| !t.trim().is_empty())
                .map(|t| t.replace([',', ';'], " "))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    Some(vec![
        kehu_id,
        name,
        company,
        kind,
        phone,
        email,
        part(3),
        part(2),
        birthday,
        tags,
        text("NOTE"),
        text("TITLE"),
    ])
}

/// `BDAY` as `YYYY-MM-DD`: `19850312`, `1985-03-12` or `1985-03-12T…`; a birthday without a year
/// (`--0312`) is kept as written, for the row to say why it cannot be stored.
fn birthday(value: &str) -> String {
    let v = value.trim();
    let date = v.split('T').next().unwrap_or(v);
    if date.len() == 8 && date.chars().all(|c| c.is_ascii_digit()) {
        return format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]);
    }
    date.to_string()
}

/// The cards of one file or of every `.vcf` in a folder, as rows.
struct CardRows {
    rows: std::vec::IntoIter<(u64, Vec<String>)>,
    total: u64,
    done: u64,
    /// (first line, file) of each file read, for naming a row's place.
    files: Vec<(u64, String)>,
}

impl RowSource for CardRows {
    fn next_row(&mut self) -> Option<Result<(u64, Vec<String>), InputError>> {
        let row = self.rows.next()?;
        self.done += 1;
        Some(Ok(row))
    }

    fn progress(&self) -> (u64, u64) {
        (self.done, self.total)
    }

    fn place(&self, line: u64) -> Option<String> {
        if self.files.len() < 2 {
            return None;
        }
        let at = self.files.partition_point(|(first, _)| *first <= line);
        let (first, file) = self.files.get(at.checked_sub(1)?)?;
        Some(format!("{} ({file})", line - first + 1))
    }
}

/// Opens a vCard file, or a folder of them (a vdir), for import.
pub fn open(path: &Path) -> Result<Opened<'static>, InputError> {
    let file_error = |reason: String| InputError::new("file", reason);
    let mut files: Vec<std::path::PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| file_error(e.to_string()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("vcf") || e.eq_ignore_ascii_case("vcard")
                })
            })
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    let mut rows = Vec::new();
    let mut places = Vec::new();
    let mut offset = 0u64;
    let mut contacts = 0usize;
    for file in &files {
        let mut bytes = Vec::new();
        std::fs::File::open(file)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| file_error(format!("{}: {e}", file.display())))?;
        let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes))
        {
            Ok(t) => t.to_string(),
            // Old phones write vCard 2.1 in the system's code page.
            Err(_) => encoding_rs::GB18030.decode(&bytes).0.into_owned(),
        };
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        places.push((offset + 1, name));
        for (line, props) in parse(&text) {
            match row_of(&props) {
                Some(row) => rows.push((offset + line, row)),
                None => contacts += 1,
            }
        }
        offset += text.lines().count() as u64 + 1;
    }
    if rows.is_empty() && contacts == 0 {
        return Err(file_error(crate::i18n::t("err.no_cards").into()));
    }
    let encoding = if files.len() == 1 {
        crate::i18n::tf("import.vcard_file", &[("contacts", &contacts)])
    } else {
        crate::i18n::tf(
            "import.vcard_dir",
            &[("files", &files.len()), ("contacts", &contacts)],
        )
    };
    Ok(Opened {
        encoding,
        delimiter: None,
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows: Box::new(CardRows {
            total: rows.len() as u64,
            rows: rows.into_iter(),
            done: 0,
            files: places,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_the_way_their_language_writes_them() {
        assert_eq!(split_name("张伟"), ("张".into(), "伟".into()));
        assert_eq!(split_name("欧阳娜娜"), ("欧阳".into(), "娜娜".into()));
        assert_eq!(
            split_name("Anna Maria Müller"),
            ("Müller".into(), "Anna Maria".into())
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
    }

    #[test]
    fn cards_are_read_folded_escaped_grouped_and_quoted_printable() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Anna;;;\r\nFN:Anna\r\n  Müller\r\nitem1.TEL;TYPE=CELL:+49 30 1234\r\nEMAIL;TYPE=INTERNET:anna@example.de\r\nADR;TYPE=WORK:;;Hauptstr. 1\\, Hof;Berlin;;10115;DE\r\nCATEGORIES:vip,a\\,b\r\nNOTE:line one\\nline two\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=BC=9F;;;\r\nTEL;CELL:13800138000\r\nEND:VCARD\r\n";
        let cards = parse(text);
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].0, 1);
        assert_eq!(cards[1].0, 12);
        let anna = row_of(&cards[0].1).unwrap();
        assert_eq!(anna[1], "Anna Müller");
        assert_eq!(anna[4], "+49 30 1234");
        assert_eq!(anna[5], "anna@example.de");
        assert_eq!(
            (anna[6].as_str(), anna[7].as_str()),
            ("Berlin", "Hauptstr. 1, Hof")
        );
        assert_eq!(anna[9], "vip, a b");
        assert_eq!(anna[10], "line one\nline two");
        let zhang = row_of(&cards[1].1).unwrap();
        assert_eq!(
            (zhang[1].as_str(), zhang[4].as_str()),
            ("张伟", "13800138000")
        );
        assert_eq!(birthday("19850312"), "1985-03-12");
        assert_eq!(birthday("--0312"), "--0312");
    }
}
