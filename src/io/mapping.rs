//! Which column is which: headers matched by name, case-insensitively, with English and Chinese
//! synonyms; `--map 'Column=field'` overrides; unknown columns become custom fields, never dropped.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::input;
use crate::domain::{CustomerFields, InputError, Stage, Tier, time};

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Field(&'static str),
    Custom(String),
    Ignore,
}

/// kehu's fields and the headers that mean them.
const SYNONYMS: &[(&str, &[&str])] = &[
    // kehu's own export names each customer, so that importing it again is exact.
    ("kehu_id", &["kehu id", "kehu_id", "kehu 编号"]),
    (
        "name",
        &[
            "name",
            "姓名",
            "客户名称",
            "客户名",
            "客户",
            "full name",
            "fullname",
            "customer",
            "customer name",
            "contact name",
        ],
    ),
    (
        "first_name",
        &["first name", "firstname", "given name", "名"],
    ),
    (
        "last_name",
        &["last name", "lastname", "surname", "family name", "姓"],
    ),
    (
        "company",
        &[
            "company",
            "公司",
            "公司名称",
            "单位",
            "account name",
            "account",
            "organization",
            "organisation",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "电话",
            "手机",
            "手机号",
            "联系电话",
            "联系方式",
            "mobile",
            "mobile phone",
            "tel",
            "telephone",
        ],
    ),
    (
        "email",
        &[
            "email",
            "邮箱",
            "电子邮箱",
            "e-mail",
            "email address",
            "mail",
        ],
    ),
    ("city", &["city", "城市", "mailing city", "所在城市"]),
    ("address", &["address", "地址", "mailing street", "street"]),
    ("tier", &["tier", "等级", "客户等级", "grade", "rating"]),
    (
        "stage",
        &["stage", "阶段", "客户阶段", "lead status", "status"],
    ),
    ("kind", &["kind", "类型", "客户类型"]),
    (
        "owner",
        &["owner", "负责人", "account owner", "lead owner", "销售"],
    ),
    ("tags", &["tags", "tag", "标签"]),
    ("notes", &["notes", "note", "备注", "description", "说明"]),
    (
        "last_contact",
        &[
            "last contact",
            "上次联系日期",
            "最近联系",
            "last contacted",
            "last activity",
            "last activity date",
        ],
    ),
    (
        "birthday",
        &["birthday", "生日", "birthdate", "date of birth", "出生日期"],
    ),
    ("source", &["source", "来源", "客户来源", "lead source"]),
    (
        "channel",
        &["channel", "渠道", "联系渠道", "preferred channel"],
    ),
    ("needs", &["needs", "需求", "needs and preferences"]),
    ("service_needs", &["service needs", "服务需求"]),
    ("cadence", &["cadence", "跟进周期", "follow-up days"]),
    ("pool_locked", &["pool locked", "锁定"]),
    (
        "churn_reason",
        &["churn reason", "流失原因", "reason lost", "lost reason"],
    ),
    ("churn_note", &["churn note", "流失说明"]),
    ("industry", &["industry", "行业", "所属行业", "sector"]),
    (
        "potential",
        &["potential", "合作潜力", "cooperation potential", "潜力"],
    ),
];

fn normal(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a header names, if any.
pub fn field_for(header: &str) -> Option<&'static str> {
    let h = normal(header);
    let h = h.strip_suffix(" *").unwrap_or(&h);
    SYNONYMS
        .iter()
        .find(|(_, names)| names.iter().any(|n| normal(n) == h || *n == header.trim()))
        .map(|(f, _)| *f)
}

/// The column kehu adds to a bad-rows file (in either language), ignored when the fixed file is
/// imported again.
pub const PROBLEM_COLUMNS: [&str; 2] = ["kehu: problem", "kehu:问题"];

/// Maps every column. `overrides` are `Column=field` pairs; `field` may be a kehu field,
/// `field:KEY` for a custom field, or `ignore`.
pub fn map_header(header: &[String], overrides: &[String]) -> Result<Vec<Target>, InputError> {
    let mut forced: BTreeMap<String, Target> = BTreeMap::new();
    for o in overrides {
        let (col, to) = o.split_once('=').ok_or_else(|| {
            InputError::new("map", crate::i18n::tf("err.map_form", &[("text", &o)]))
        })?;
        let target = match to.trim() {
            "ignore" | "skip" => Target::Ignore,
            t if t.starts_with("field:") => Target::Custom(t["field:".len()..].to_string()),
            t => Target::Field(field_for(t).ok_or_else(|| {
                InputError::new("map", crate::i18n::tf("err.map_field", &[("text", &t)]))
            })?),
        };
        forced.insert(normal(col), target);
    }
    Ok(header
        .iter()
        .map(|h| {
            if let Some(t) = forced.get(&normal(h)) {
                return t.clone();
            }
            if let Some(key) = h.trim().strip_prefix("field:") {
                return Target::Custom(key.to_string());
            }
            match field_for(h) {
                Some(f) => Target::Field(f),
                None if h.trim().is_empty() || PROBLEM_COLUMNS.contains(&h.trim()) => {
                    Target::Ignore
                }
                None => Target::Custom(h.trim().to_string()),
            }
        })
        .collect())
}

/// Undoes the formula escape of kehu's own export (and of careful spreadsheets): a leading `'`
/// before `= + - @`, tab or CR.
pub fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

fn tier(v: &str) -> Result<Tier, InputError> {
    match v.trim() {
        "重要" | "重点" | "重要客户" | "VIP客户" | "大客户" | "a" | "A" => {
            Ok(Tier::Vip)
        }
        "普通" | "一般" | "普通客户" | "b" | "B" => Ok(Tier::Regular),
        "潜在" | "潜在客户" | "c" | "C" => Ok(Tier::Potential),
        other => other.parse(),
    }
}

fn stage(v: &str) -> Result<Stage, InputError> {
    match v.trim() {
        "线索" | "new" | "open" => Ok(Stage::Lead),
        "意向" | "意向客户" | "跟进中" | "working" | "contacted" | "qualified" => {
            Ok(Stage::Prospect)
        }
        "成交" | "成交客户" | "客户" | "已成交" | "converted" => Ok(Stage::Customer),
        "流失" | "流失客户" | "lost" => Ok(Stage::Churned),
        other => other.parse(),
    }
}

/// One spreadsheet row as kehu will store it, or the reasons it cannot be.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub fields: CustomerFields,
    pub tags: Vec<String>,
    pub last_contact: Option<NaiveDate>,
    /// The customer number of kehu's own export: the same customer when the name agrees.
    pub kehu_id: Option<i64>,
    /// (column header, reason) for each bad cell.
    pub errors: Vec<(String, String)>,
}

/// Converts one row with the column mapping; bad cells are collected, not fatal.
pub fn convert(
    line: u64,
    header: &[String],
    map: &[Target],
    cells: &[String],
    today: NaiveDate,
    default_owner: &str,
) -> Row {
    let mut f = CustomerFields::named("");
    f.owner = Some(default_owner.to_string());
    let mut row = Row {
        line,
        fields: f,
        tags: Vec::new(),
        last_contact: None,
        kehu_id: None,
        errors: Vec::new(),
    };
    let (mut first, mut last) = (String::new(), String::new());
    let mut name_failed = false;
    for (i, target) in map.iter().enumerate() {
        let raw = unescape(cells.get(i).map(String::as_str).unwrap_or(""));
        let col = header.get(i).cloned().unwrap_or_default();
        let value = raw.trim();
        let mut fail = |e: InputError| row.errors.push((col.clone(), e.reason));
        let f = &mut row.fields;
        match target {
            Target::Ignore => {}
            Target::Custom(key) => {
                let v = input::clean_line(value);
                if !v.is_empty() {
                    f.custom_fields.insert(key.clone(), v);
                }
            }
            Target::Field(name) if value.is_empty() && *name != "name" => {}
            Target::Field(name) => match *name {
                "name" => match input::name("name", value) {
                    Ok(n) => f.name = n,
                    Err(_) if value.is_empty() => {}
                    Err(e) => {
                        name_failed = true;
                        fail(e);
                    }
                },
                "first_name" => first = value.to_string(),
                "last_name" => last = value.to_string(),
                "company" => {
                    f.company = input::optional_line("company", value).unwrap_or_else(|e| {
                        fail(e);
                        None
                    })
                }
                "phone" => match input::phone(value) {
                    Ok((p, _)) => f.phone = Some(p),
                    Err(e) => fail(e),
                },
                "email" => match input::email(value) {
                    Ok((e, _)) => f.email = Some(e),
                    Err(e) => fail(e),
                },
                "city" => f.city = Some(input::clean_line(value)),
                "address" => f.address = Some(input::clean_line(value)),
                "tier" => match tier(value) {
                    Ok(t) => f.tier = t,
                    Err(e) => fail(e),
                },
                "stage" => match stage(value) {
                    Ok(s) => f.stage = s,
                    Err(e) => fail(e),
                },
                "kind" => match value.parse() {
                    Ok(k) => f.kind = k,
                    Err(e) => fail(e),
                },
                "owner" => f.owner = Some(input::clean_line(value)),
                "channel" => match value.parse() {
                    Ok(c) => f.channel = Some(c),
                    Err(e) => fail(e),
                },
                "cadence" => match input::cadence_days(value) {
                    Ok(c) => f.cadence_days = Some(c),
                    Err(e) => fail(e),
                },
                "birthday" => match time::parse_date("birthday", value, today) {
                    Ok(d) => f.birthday = Some(d),
                    Err(e) => fail(e),
                },
                "kehu_id" => match value.parse::<i64>() {
                    Ok(id) if id > 0 => row.kehu_id = Some(id),
                    _ => fail(InputError::new(
                        "kehu id",
                        crate::i18n::tf("import.bad_kehu_id", &[("value", &value)]),
                    )),
                },
                "last_contact" => match time::parse_date("last contact", value, today) {
                    Ok(d) => row.last_contact = Some(d),
                    Err(e) => fail(e),
                },
                "source" => f.source = Some(input::clean_line(value)),
                "industry" => f.industry = Some(input::clean_line(value)),
                "potential" => match input::potential(value) {
                    Ok(p) => f.potential = Some(p),
                    Err(e) => fail(e),
                },
                "needs" => {
                    f.needs = input::optional_text("needs", value).unwrap_or_else(|e| {
                        fail(e);
                        None
                    })
                }
                "service_needs" => {
                    f.service_needs =
                        input::optional_text("service needs", value).unwrap_or_else(|e| {
                            fail(e);
                            None
                        })
                }
                // Read against the team's list by the import, which knows it.
                "churn_reason" => {
                    f.churn_reason =
                        input::optional_line("churn_reason", value).unwrap_or_else(|e| {
                            fail(e);
                            None
                        })
                }
                "churn_note" => {
                    f.churn_note = input::optional_text("churn_note", value).unwrap_or_else(|e| {
                        fail(e);
                        None
                    })
                }
                "pool_locked" => {
                    f.pool_locked =
                        matches!(value.to_lowercase().as_str(), "yes" | "true" | "1" | "是")
                }
                "tags" => row.tags.extend(
                    value
                        .split([',', '，', ';', '；', '|'])
                        .map(input::clean_line)
                        .filter(|t| !t.is_empty()),
                ),
                // Notes are what the customer needs and prefers, not a contact: they must not move the
                // last-contact date.
                "notes" => match input::optional_text("notes", value) {
                    Ok(n) => {
                        f.needs = match (f.needs.take(), n) {
                            (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
                            (a, b) => a.or(b),
                        }
                    }
                    Err(e) => fail(e),
                },
                _ => {}
            },
        }
    }
    // One reason per problem: a name that was there but wrong has said so already.
    if row.fields.name.is_empty() && !name_failed {
        let joined = format!("{} {}", first.trim(), last.trim());
        match input::name("name", &joined) {
            Ok(n) => row.fields.name = n,
            Err(_) if joined.trim().is_empty() => row
                .errors
                .push(("name".into(), crate::i18n::t("import.needs_a_name").into())),
            Err(e) => row.errors.push(("name".into(), e.reason)),
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_in_english_and_chinese() {
        let header = h(&[
            "客户名称",
            "手机",
            "电子邮箱",
            "客户等级",
            "负责人",
            "上次联系日期",
            "行业",
            "Lead Source",
            "Account Name",
            "喜好颜色",
        ]);
        let m = map_header(&header, &[]).unwrap();
        assert_eq!(m[0], Target::Field("name"));
        assert_eq!(m[1], Target::Field("phone"));
        assert_eq!(m[2], Target::Field("email"));
        assert_eq!(m[3], Target::Field("tier"));
        assert_eq!(m[4], Target::Field("owner"));
        assert_eq!(m[5], Target::Field("last_contact"));
        assert_eq!(m[6], Target::Field("industry"));
        assert_eq!(m[7], Target::Field("source"));
        assert_eq!(m[8], Target::Field("company"));
        assert_eq!(m[9], Target::Custom("喜好颜色".into()));
        let o = map_header(
            &h(&["Kontakt", "Ort"]),
            &["Kontakt=name".into(), "Ort=city".into()],
        )
        .unwrap();
        assert_eq!(o, vec![Target::Field("name"), Target::Field("city")]);
        assert!(map_header(&h(&["x"]), &["x=height".into()]).is_err());
    }

    #[test]
    fn rows_convert_with_reasons_per_cell() {
        let today: NaiveDate = "2026-11-22".parse().unwrap();
        let header = h(&[
            "First Name",
            "Last Name",
            "Phone",
            "等级",
            "Birthday",
            "Tags",
        ]);
        let map = map_header(&header, &[]).unwrap();
        let ok = convert(
            2,
            &header,
            &map,
            &h(&[
                "Ann",
                "Lee",
                "(021) 6234-5678",
                "VIP",
                "1990/3/4",
                "a, b；c",
            ]),
            today,
            "me",
        );
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
        assert_eq!(ok.fields.name, "Ann Lee");
        assert_eq!(ok.fields.tier, Tier::Vip);
        assert_eq!(ok.tags, vec!["a", "b", "c"]);
        let bad = convert(
            3,
            &header,
            &map,
            &h(&["", "", "12", "gold", "yesterday-ish", ""]),
            today,
            "me",
        );
        let cols: Vec<&str> = bad.errors.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(cols, vec!["Phone", "等级", "Birthday", "name"]);
        assert_eq!(unescape("'=HYPERLINK(1)"), "=HYPERLINK(1)");
        assert_eq!(unescape("'plain"), "'plain");
    }

    #[test]
    fn a_name_too_long_is_one_problem_not_two() {
        let header = h(&["Name", "City"]);
        let map = map_header(&header, &[]).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let long = "N".repeat(300);
        let row = convert(2, &header, &map, &h(&[&long, "Berlin"]), today, "me");
        assert_eq!(row.errors.len(), 1, "{:?}", row.errors);
        assert_eq!(row.errors[0].0, "Name");
        assert!(row.errors[0].1.contains("300"), "{:?}", row.errors);
        let empty = convert(3, &header, &map, &h(&["", "Berlin"]), today, "me");
        assert_eq!(empty.errors.len(), 1, "{:?}", empty.errors);
        assert_eq!(empty.errors[0].0, "name");
    }
}
