//! Fuzzy customer search: an in-memory index of normalised fields, scored on its own thread.
//!
//! Queries carry a version; the thread skips to the newest one waiting, so typing never queues
//! up work. When a query only grows, only the previous matches are rescored.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;

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
    /// Pinyin keys of the name, company and city (full spelling and initials), space-separated;
    /// empty when none has Chinese characters.
    pinyin: String,
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
                let mut keys = pinyin::search_keys(&f.name, true);
                for part in [&f.company, &f.city].into_iter().flatten() {
                    keys.extend(pinyin::search_keys(part, false));
                }
                Entry {
                    pinyin: keys.join(" "),
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
    // Pinyin: a key that starts with the query (`zw` → 张伟) ranks just below a name that starts
    // with it in its own letters, so typing the characters themselves always ranks first.
    if !spelled.is_empty() && !e.pinyin.is_empty() {
        for key in e.pinyin.split(' ') {
            let s = if key.starts_with(spelled) {
                Some(800 + spelled.len() as i64)
            } else {
                matcher.fuzzy_match(key, spelled)
            };
            if let Some(s) = s {
                best = Some(best.map_or(s, |b| b.max(s)));
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

/// Scores `candidates` (all entries when `None`), best first; ties keep name order.
pub fn rank(index: &Index, query: &str, candidates: Option<&[Hit]>) -> Vec<Hit> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Vec::new();
    }
    // Digits-only queries (allowing phone punctuation) also match phone numbers.
    let digits = if q
        .chars()
        .all(|c| c.is_ascii_digit() || " -+().".contains(c))
    {
        phone_digits(&q)
    } else {
        String::new()
    };
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

/// Work for the search thread.
pub enum Job {
    /// Build the index from every customer.
    Build(Vec<SearchSource>),
    /// Replace these customers' entries and remove those that are gone.
    Patch {
        changed: Vec<SearchSource>,
        gone: Vec<i64>,
    },
    Query {
        version: u64,
        text: String,
    },
}

/// What the search thread sends back.
pub enum Output {
    /// A new index, for drawing results.
    Index(Arc<Index>),
    Results(Results),
}

/// The result of one query.
pub struct Results {
    pub version: u64,
    pub hits: Vec<Hit>,
    pub index: Arc<Index>,
}

/// The scoring thread's handle.
pub struct Searcher {
    tx: Sender<Job>,
    pub rx: Receiver<Output>,
}

impl Searcher {
    pub fn start() -> Searcher {
        let (tx, jobs) = channel::<Job>();
        let (results, rx) = channel::<Output>();
        // If the thread cannot start, queries simply get no results; the list still works.
        let _ = thread::Builder::new()
            .name("kehu-search".into())
            .spawn(move || serve(jobs, results));
        Searcher { tx, rx }
    }

    pub fn send(&self, job: Job) {
        let _ = self.tx.send(job);
    }
}

fn serve(jobs: Receiver<Job>, results: Sender<Output>) {
    let mut index = Arc::new(Index {
        entries: Vec::new(),
    });
    let mut last: Option<(String, Vec<Hit>)> = None;
    while let Ok(first) = jobs.recv() {
        // Take everything waiting; only the newest query matters.
        let mut query = None;
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            match job {
                Job::Build(sources) => {
                    index = Arc::new(Index::build(sources));
                    last = None;
                    if results.send(Output::Index(Arc::clone(&index))).is_err() {
                        return;
                    }
                }
                Job::Patch { changed, gone } => {
                    index = Arc::new(index.patched(changed, &gone));
                    last = None;
                    if results.send(Output::Index(Arc::clone(&index))).is_err() {
                        return;
                    }
                }
                Job::Query { version, text } => query = Some((version, text)),
            }
        }
        let Some((version, text)) = query else {
            continue;
        };
        let narrowed = last
            .as_ref()
            .filter(|(prev, _)| !prev.is_empty() && fold(&text).starts_with(&fold(prev)));
        let hits = rank(&index, &text, narrowed.map(|(_, h)| h.as_slice()));
        last = Some((text, hits.clone()));
        if results
            .send(Output::Results(Results {
                version,
                hits,
                index: Arc::clone(&index),
            }))
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Audit, CustomerFields};

    fn source(
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
    fn the_thread_answers_the_newest_query() {
        let s = Searcher::start();
        s.send(Job::Build(vec![
            source(1, "José Müller", None, Some("+49 30 123456"), &[]),
            source(3, "Mary Smith", Some("Acme Robotics"), None, &["Peter Pan"]),
        ]));
        s.send(Job::Query {
            version: 1,
            text: "m".into(),
        });
        s.send(Job::Query {
            version: 2,
            text: "smith".into(),
        });
        let mut last = None;
        while let Ok(out) = s.rx.recv_timeout(std::time::Duration::from_secs(5)) {
            let Output::Results(r) = out else { continue };
            let done = r.version == 2;
            last = Some(r);
            if done {
                break;
            }
        }
        let r = last.expect("an answer");
        assert_eq!(r.version, 2);
        assert_eq!(r.hits.len(), 1);
        assert_eq!(r.index.entries[r.hits[0].index].customer.id, 3);
    }
}
