//! The customer matcher, one for the screen and the command line: an index of normalised
//! fields (accents folded, pinyin keys, phone digits) and a fuzzy ranking over it.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::domain::input::phone_digits;
use crate::domain::{Customer, pinyin};
use crate::store::pages::SearchSource;

/// Lower case with accents removed, so `muller` finds Müller and `jose` finds José.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// One customer as the search sees them.
#[derive(Clone)]
pub struct Entry {
    pub customer: Customer,
    /// Name order: (sort key, id), so patched indexes keep the list's order.
    order: (String, i64),
    name: String,
    /// Company, contact persons, e-mail, city and tags, folded, separated by spaces.
    rest: String,
    /// Every phone number's digits, space-separated.
    phones: String,
    /// Pinyin keys of the name (full spelling and initials), space-separated; empty when it has
    /// no Chinese characters.
    pinyin: String,
    /// The same for the company and the city: a match there ranks below a match of the name.
    other_pinyin: String,
}

pub struct Index {
    pub entries: Vec<Entry>,
}

impl Index {
    pub fn build(sources: Vec<SearchSource>) -> Index {
        let entries = sources
            .into_iter()
            .map(|s| {
                let c = &s.customer;
                let f = &c.fields;
                let mut rest = String::new();
                for part in [&f.company, &f.email, &f.city].into_iter().flatten() {
                    rest.push_str(part);
                    rest.push(' ');
                }
                for part in c.tags.iter().chain(&s.contacts) {
                    rest.push_str(part);
                    rest.push(' ');
                }
                let mut phones = f.phone.as_deref().map(phone_digits).unwrap_or_default();
                for contact in &s.contacts {
                    let digits = phone_digits(contact);
                    if !digits.is_empty() {
                        phones.push(' ');
                        phones.push_str(&digits);
                    }
                }
                let order = (crate::domain::sort_key(&f.name), c.id);
                let keys = pinyin::search_keys(&f.name, true);
                let mut other = Vec::new();
                for part in [&f.company, &f.city].into_iter().flatten() {
                    other.extend(pinyin::search_keys(part, false));
                }
                Entry {
                    pinyin: keys.join(" "),
                    other_pinyin: other.join(" "),
                    name: fold(&f.name),
                    rest: fold(&rest),
                    phones,
                    order,
                    customer: s.customer,
                }
            })
            .collect();
        Index { entries }
    }

    /// A copy with `changed` customers replaced (or added) and `gone` ones removed, in name
    /// order: the index kept fresh without rebuilding it.
    pub fn patched(&self, changed: Vec<SearchSource>, gone: &[i64]) -> Index {
        let drop: std::collections::HashSet<i64> = changed
            .iter()
            .map(|s| s.customer.id)
            .chain(gone.iter().copied())
            .collect();
        let mut entries: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| !drop.contains(&e.customer.id))
            .cloned()
            .collect();
        entries.extend(Index::build(changed).entries);
        entries.sort_by(|a, b| a.order.cmp(&b.order));
        Index { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A matching customer: position in the index and score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub index: usize,
    pub score: i64,
}

/// The query as it is compared with pinyin keys (`张wei` → `zhangwei`), if it is Latin letters
/// or mixes them with Chinese; a query of Chinese characters alone matches the characters.
fn pinyin_query(q: &str) -> String {
    let latin = q.chars().any(|c| c.is_ascii_alphabetic());
    if latin
        && q.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || pinyin::is_han(c))
    {
        pinyin::spelled(q)
    } else {
        String::new()
    }
}

fn score(
    matcher: &SkimMatcherV2,
    e: &Entry,
    query: &str,
    digits: &str,
    spelled: &str,
) -> Option<i64> {
    let mut best = matcher
        .fuzzy_match(&e.name, query)
        .map(|s| s * 2 + if e.name.starts_with(query) { 1000 } else { 0 });
    // Pinyin: a name key that starts with the query (`zw` → 张伟) ranks just below a name that
    // starts with it in its own letters, so typing the characters themselves always ranks first;
    // a company or city (`shan` → 上海) ranks below any match of the name.
    if !spelled.is_empty() {
        for (keys, prefix, fuzzy_cap) in [(&e.pinyin, 800, 799), (&e.other_pinyin, 300, 299)] {
            for key in keys.split(' ').filter(|k| !k.is_empty()) {
                let s = if key.starts_with(spelled) {
                    Some(prefix + spelled.len() as i64)
                } else {
                    matcher.fuzzy_match(key, spelled).map(|s| s.min(fuzzy_cap))
                };
                if let Some(s) = s {
                    best = Some(best.map_or(s, |b| b.max(s)));
                }
            }
        }
    }
    if let Some(s) = matcher.fuzzy_match(&e.rest, query) {
        best = Some(best.map_or(s, |b| b.max(s)));
    }
    if digits.len() >= 3 && e.phones.contains(digits) {
        best = Some(best.map_or(2000, |b| b.max(2000)));
    }
    best
}

/// Digits-only queries (allowing phone punctuation) also match phone numbers, from 3 digits on.
fn phone_query(q: &str) -> String {
    if q.chars()
        .all(|c| c.is_ascii_digit() || " -+().".contains(c))
    {
        phone_digits(q)
    } else {
        String::new()
    }
}

/// Whether the matches of `next` are among those of `prev`, so only those need rescoring: `next`
/// extends `prev`, and does not start matching phone numbers that `prev` was too short for.
pub fn narrows(prev: &str, next: &str) -> bool {
    let (prev, next) = (fold(prev.trim()), fold(next.trim()));
    !prev.is_empty()
        && next.starts_with(&prev)
        && (phone_query(&next).len() < 3 || phone_query(&prev).len() >= 3)
}

/// Scores `candidates` (all entries when `None`), best first; ties keep name order.
pub fn rank(index: &Index, query: &str, candidates: Option<&[Hit]>) -> Vec<Hit> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let digits = phone_query(&q);
    let spelled = pinyin_query(&q);
    let matcher = SkimMatcherV2::default();
    let mut hits: Vec<Hit> = match candidates {
        Some(prev) => prev
            .iter()
            .filter_map(|h| {
                score(&matcher, &index.entries[h.index], &q, &digits, &spelled).map(|score| Hit {
                    index: h.index,
                    score,
                })
            })
            .collect(),
        None => index
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                score(&matcher, e, &q, &digits, &spelled).map(|score| Hit { index: i, score })
            })
            .collect(),
    };
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    hits
}

/// Where in `name` the query matched, as character positions, for highlighting.
pub fn highlight(name: &str, query: &str) -> Vec<usize> {
    let folded = fold(name);
    // Folding keeps one character per precomposed letter; if it did not, skip highlighting.
    if folded.chars().count() != name.chars().count() {
        return Vec::new();
    }
    SkimMatcherV2::default()
        .fuzzy_indices(&folded, &fold(query.trim()))
        .map(|(_, idx)| idx)
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::{Audit, CustomerFields};

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
            customer: Customer {
                id,
                fields,
                tags: vec!["重点".into()],
                archived_at: None,
                last_contact_at: None,
                next_due: None,
                purchase_total: 0,
                purchase_count: 0,
                last_purchase_on: None,
                value: Default::default(),
                audit: Audit::default(),
            },
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
            .map(|h| idx.entries[h.index].customer.id)
            .collect()
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
        let names: Vec<&str> = patched
            .entries
            .iter()
            .map(|e| e.customer.fields.name.as_str())
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
}
