//! The customer matcher, one for the screen and the command line: an index of normalised
//! fields (accents folded, pinyin keys, phone digits) and a fuzzy ranking over it.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::domain::input::phone_digits;
use chrono::NaiveDate;

use crate::domain::{Customer, CustomerFields, Tier, pinyin};
use crate::store::pages::SearchSource;

/// Lower case with accents removed, so `muller` finds Müller and `jose` finds José.
pub fn fold(text: &str) -> String {
    // Most of a book is ASCII and common Chinese characters, which decompose to themselves and
    // have no case: lower-casing the ASCII letters is all folding does to them.
    if text
        .chars()
        .all(|c| c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// One customer as the search sees them: their texts end to end in one allocation (a hundred
/// thousand customers' dozen strings each were most of the screen's memory), and what the list
/// draws for a match — the rest of the record stays in the database.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: i64,
    /// Every part below, one after another; `ends` says where each stops.
    text: Box<str>,
    ends: [u32; PARTS],
    tier: Tier,
    cadence_days: Option<i64>,
    next_due: Option<NaiveDate>,
    /// Whether the company and the last contact are known (an empty part is either).
    has_company: bool,
    has_last_contact: bool,
    /// Which characters each searched part holds ([`char_mask`]), in the order name, rest,
    /// phones, pinyin, other pinyin: a part without all of a query's characters cannot match it
    /// and is not scored, an entry with no such part not looked at.
    masks: [u64; SEARCHED],
    /// All of them together.
    mask: u64,
}

/// The name, folded.
const NAME: usize = 0;
/// Company, contact persons, e-mail, city and tags, folded, separated by spaces.
const REST: usize = 1;
/// Every phone number's digits, space-separated.
const PHONES: usize = 2;
/// Pinyin keys of the name (full spelling and initials), space-separated; empty when it has no
/// Chinese characters.
const PINYIN: usize = 3;
/// The same for the company and the city: a match there ranks below a match of the name.
const OTHER_PINYIN: usize = 4;
/// Parts searched (the ones above); those below are drawn.
const SEARCHED: usize = 5;
const SHOWN_NAME: usize = 5;
const COMPANY: usize = 6;
const LAST_CONTACT: usize = 7;
/// The name-order key: (this, id) keeps a patched index in the list's order.
const SORT_KEY: usize = 8;
const PARTS: usize = 9;

/// Whether `mask` holds every character of `wanted`.
fn holds(mask: u64, wanted: u64) -> bool {
    mask & wanted == wanted
}

/// A set of characters in 64 bits: a–z and 0–9 each their own bit, every other character
/// sharing the remaining 28 by its code (so the set may hold more, never less). Spaces are left
/// out: they separate words, and the matcher needs none in a field.
fn char_mask(text: &str) -> u64 {
    text.chars().fold(0, |mask, c| {
        let bit = match c {
            ' ' => return mask,
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            _ => 36 + c as u32 % 28,
        };
        mask | 1 << bit
    })
}

impl Entry {
    fn part(&self, p: usize) -> &str {
        let start = if p == 0 { 0 } else { self.ends[p - 1] as usize };
        self.text.get(start..self.ends[p] as usize).unwrap_or("")
    }

    fn order(&self) -> (&str, i64) {
        (self.part(SORT_KEY), self.id)
    }

    /// The customer as the list draws them (the fields it does not show are empty).
    pub fn customer(&self) -> Customer {
        let fields = CustomerFields {
            company: self.has_company.then(|| self.part(COMPANY).to_string()),
            tier: self.tier,
            cadence_days: self.cadence_days,
            ..CustomerFields::named(self.part(SHOWN_NAME))
        };
        Customer {
            last_contact_at: self
                .has_last_contact
                .then(|| self.part(LAST_CONTACT).to_string()),
            next_due: self.next_due,
            ..Customer::bare(self.id, fields, Vec::new())
        }
    }

    /// A customer's entry: their fields folded, their phones' digits, their pinyin keys.
    fn of(s: SearchSource, spelled: &mut Spellings) -> Entry {
        let keys = Keys::of(&s, spelled);
        let c = &s.customer;
        let f = &c.fields;
        let sort_key = s
            .sort_key
            .clone()
            .unwrap_or_else(|| crate::domain::sort_key(&f.name));
        let shown = Shown {
            name: &f.name,
            company: f.company.as_deref(),
            last_contact: c.last_contact_at.as_deref(),
            sort_key: &sort_key,
            tier: f.tier,
            cadence_days: f.cadence_days,
            next_due: c.next_due,
        };
        Entry::assemble(c.id, &keys, &shown)
    }

    /// An entry to match against, from a customer's stored [`Keys`]: what the list draws is left
    /// empty (the command line reads the matches' records whole), and it sorts by id.
    pub fn of_keys(id: i64, keys: &Keys) -> Entry {
        let shown = Shown {
            name: "",
            company: None,
            last_contact: None,
            sort_key: "",
            tier: Tier::Potential,
            cadence_days: None,
            next_due: None,
        };
        Entry::assemble(id, keys, &shown)
    }

    /// A customer's entry from their kept [`Keys`] and what the list draws of them.
    pub fn of_kept(id: i64, keys: &Keys, shown: &Shown<'_>) -> Entry {
        Entry::assemble(id, keys, shown)
    }

    fn assemble(id: i64, keys: &Keys, shown: &Shown<'_>) -> Entry {
        let parts: [&str; PARTS] = [
            &keys.name,
            &keys.rest,
            &keys.phones,
            &keys.pinyin,
            &keys.other_pinyin,
            shown.name,
            shown.company.unwrap_or(""),
            shown.last_contact.unwrap_or(""),
            shown.sort_key,
        ];
        let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        let mut ends = [0; PARTS];
        for (end, part) in ends.iter_mut().zip(parts) {
            text.push_str(part);
            // An entry's texts are a customer's few fields: far below 4 GB.
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        let masks = keys.masks();
        Entry {
            id,
            text: text.into(),
            ends,
            tier: shown.tier,
            cadence_days: shown.cadence_days,
            next_due: shown.next_due,
            has_company: shown.company.is_some(),
            has_last_contact: shown.last_contact.is_some(),
            mask: masks.iter().fold(0, |m, f| m | f),
            masks,
        }
    }
}

/// What the list draws of an entry.
pub struct Shown<'a> {
    pub name: &'a str,
    pub company: Option<&'a str>,
    pub last_contact: Option<&'a str>,
    /// The name-order key (`customer.sort_key`).
    pub sort_key: &'a str,
    pub tier: Tier,
    pub cadence_days: Option<i64>,
    pub next_due: Option<NaiveDate>,
}

/// What the matcher reads of a customer: the texts an entry is searched in. Kept in the
/// database too (`store::search_keys`), so that the command line need not work out every
/// customer's pinyin for each `--search`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    /// The name, folded.
    pub name: String,
    /// Company, e-mail, city, tags and contact persons, folded, separated by spaces.
    pub rest: String,
    /// Every phone number's digits, space-separated.
    pub phones: String,
    /// Pinyin keys of the name (full spelling and initials), space-separated.
    pub pinyin: String,
    /// The same for the company and the city.
    pub other_pinyin: String,
}

impl Keys {
    fn of(s: &SearchSource, spelled: &mut Spellings) -> Keys {
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
        let mut other = Vec::new();
        for part in [&f.company, &f.city].into_iter().flatten() {
            other.extend(spelled.keys(part).iter().cloned());
        }
        Keys {
            name: fold(&f.name),
            rest: fold(&rest),
            phones,
            pinyin: pinyin::search_keys(&f.name, true).join(" "),
            other_pinyin: other.join(" "),
        }
    }

    /// Each searched part's characters ([`char_mask`]), in the order of the parts.
    fn masks(&self) -> [u64; SEARCHED] {
        [
            &self.name,
            &self.rest,
            &self.phones,
            &self.pinyin,
            &self.other_pinyin,
        ]
        .map(|part| char_mask(part))
    }

    /// All the parts' characters together: an entry can match a query only if this holds
    /// every character of one of the query's forms (see [`query_masks`]).
    pub fn mask(&self) -> u64 {
        self.masks().iter().fold(0, |m, f| m | f)
    }

    /// The keys of each of `sources`, with its customer's id, worked out on this thread.
    fn of_sources(sources: &[SearchSource]) -> Vec<(i64, Keys)> {
        let mut spelled = Spellings::default();
        sources
            .iter()
            .map(|s| (s.customer.id, Keys::of(s, &mut spelled)))
            .collect()
    }
}

/// The keys of each of `sources`, with its customer's id, in their order; many are worked out on
/// every core.
pub fn keys_of(sources: &[SearchSource]) -> Vec<(i64, Keys)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if cores < 2 || sources.len() < SPLIT_FROM {
        return Keys::of_sources(sources);
    }
    let keys: Vec<(i64, Keys)> = at_once(
        sources.chunks(sources.len().div_ceil(cores)),
        Keys::of_sources,
    )
    .into_iter()
    .flatten()
    .collect();
    // A share left out (its thread died) would read as customers without keys.
    if keys.len() == sources.len() {
        keys
    } else {
        Keys::of_sources(sources)
    }
}

/// The character sets one of which an entry's [`Keys::mask`] must hold for `query` to match it
/// (a set no entry holds stands for a form the query does not have). A cheap first sieve, in
/// SQL or anywhere: it never leaves out an entry the matcher would find.
pub fn query_masks(query: &str) -> [u64; 3] {
    Query::new(&fold(query.trim())).masks
}

/// The ids of `entries` that `query` matches, by the screen's matcher.
pub fn matching(entries: Vec<Entry>, query: &str) -> Vec<i64> {
    let index = Index::of_entries(entries);
    rank(&index, query, None)
        .iter()
        .filter_map(|h| index.entries.get(h.index))
        .map(|e| e.id)
        .collect()
}

/// The pinyin keys of companies and cities, worked out once per building thread: a book names
/// the same few hundred cities and many companies over and over.
#[derive(Default)]
struct Spellings(std::collections::HashMap<String, Vec<String>>);

impl Spellings {
    fn keys(&mut self, text: &str) -> &[String] {
        if !pinyin::has_han(text) {
            return &[];
        }
        if !self.0.contains_key(text) {
            self.0
                .insert(text.to_string(), pinyin::search_keys(text, false));
        }
        self.0.get(text).map_or(&[], Vec::as_slice)
    }
}

#[derive(Default)]
pub struct Index {
    /// Shared with the copies [`Index::patched`] makes: a change copies pointers, not records.
    pub entries: Vec<std::sync::Arc<Entry>>,
    /// The entries' positions in the order their texts lie in memory (see [`rank`]).
    by_address: Vec<usize>,
}

impl Index {
    fn of_shared(entries: Vec<std::sync::Arc<Entry>>) -> Index {
        // Pairs of (address, position), sorted side by side: reading each entry's address at
        // every comparison would be the cache misses this order is meant to avoid.
        let mut pairs: Vec<(usize, usize)> = entries
            .iter()
            .enumerate()
            .map(|(at, e)| (e.text.as_ptr() as usize, at))
            .collect();
        pairs.sort_unstable();
        Index {
            by_address: pairs.into_iter().map(|(_, at)| at).collect(),
            entries,
        }
    }

    /// The index of `sources`, in name order whatever their order. A large one is built on
    /// every core (the pinyin keys are most of the work).
    pub fn build(sources: Vec<SearchSource>) -> Index {
        Index::of_entries(Index::entries(sources))
    }

    /// The entries of `sources`, in no particular order: a large index is built from parts as
    /// they are read, so the customers read never all wait in memory beside it.
    pub fn entries(mut sources: Vec<SearchSource>) -> Vec<Entry> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        if cores < 2 || sources.len() < SPLIT_FROM {
            return Self::entries_here(sources);
        }
        let share = sources.len().div_ceil(cores);
        let mut parts = Vec::new();
        while sources.len() > share {
            parts.push(sources.split_off(sources.len() - share));
        }
        parts.push(sources);
        at_once(parts.into_iter(), Index::entries_here)
            .into_iter()
            .flatten()
            .collect()
    }

    /// The entries of `sources`, built on this thread (for a thread that is one of several
    /// already).
    pub fn entries_here(sources: Vec<SearchSource>) -> Vec<Entry> {
        let mut spelled = Spellings::default();
        sources
            .into_iter()
            .map(|s| Entry::of(s, &mut spelled))
            .collect()
    }

    /// The index of `entries`, put in name order.
    pub fn of_entries(entries: Vec<Entry>) -> Index {
        // Sorted as small keys side by side (the sort key's head and the position), going to
        // the entries only on a tie: comparing the entries themselves read memory all over a
        // million of them (0.8 s of the index build at 1M customers).
        let mut keys: Vec<(u128, usize)> = entries
            .iter()
            .enumerate()
            .map(|(at, e)| (crate::domain::order::head(e.part(SORT_KEY)), at))
            .collect();
        keys.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| entries[a.1].order().cmp(&entries[b.1].order()))
        });
        // Shared in the order they were built, so each entry's own allocation lies in the same
        // order as its text (see `rank_all`); only the pointers are put in name order.
        let mut slots: Vec<Option<std::sync::Arc<Entry>>> = entries
            .into_iter()
            .map(|e| Some(std::sync::Arc::new(e)))
            .collect();
        Index::of_shared(
            keys.iter()
                .filter_map(|&(_, at)| slots[at].take())
                .collect(),
        )
    }

    /// A copy with `changed` customers replaced (or added) and `gone` ones removed, in name
    /// order: the index kept fresh without rebuilding it.
    pub fn patched(&self, changed: Vec<SearchSource>, gone: &[i64]) -> Index {
        let drop: std::collections::HashSet<i64> = changed
            .iter()
            .map(|s| s.customer.id)
            .chain(gone.iter().copied())
            .collect();
        let mut entries: Vec<std::sync::Arc<Entry>> = self
            .entries
            .iter()
            .filter(|e| !drop.contains(&e.id))
            .cloned()
            .collect();
        let fresh = Index::build(changed).entries;
        if fresh.len() <= 64 {
            // A few saved customers: each goes in at its place in name order.
            for e in fresh {
                let at = entries.partition_point(|x| x.order() < e.order());
                entries.insert(at, e);
            }
        } else {
            entries.extend(fresh);
            entries.sort_by(|a, b| a.order().cmp(&b.order()));
        }
        Index::of_shared(entries)
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

fn score(matcher: &SkimMatcherV2, e: &Entry, q: &Query<'_>) -> Option<i64> {
    let (query, spelled) = (q.text, q.spelled.as_str());
    let [text_mask, spelled_mask, _] = q.masks;
    let mut best = None;
    let name = e.part(NAME);
    if holds(e.masks[NAME], text_mask)
        && let Some(s) = fuzzy(matcher, name, query)
    {
        best = best.max(Some(s * 2 + if name.starts_with(query) { 1000 } else { 0 }));
    }
    // Pinyin: a name key that starts with the query (`zw` → 张伟) ranks just below a name that
    // starts with it in its own letters, so typing the characters themselves always ranks first;
    // a company or city (`shan` → 上海) ranks below any match of the name.
    if !spelled.is_empty() {
        let fields = [(PINYIN, 800, 799), (OTHER_PINYIN, 300, 299)].map(|(field, prefix, cap)| {
            (
                holds(e.masks[field], spelled_mask),
                e.part(field),
                prefix,
                cap,
            )
        });
        // Prefixes first, which are cheap; a fuzzy match scores at most `spelled_bound`
        // (REST_CEILING a character), so once the best score reaches it none is worth computing.
        for (wanted, keys, prefix, _) in fields {
            if wanted
                && keys
                    .split(' ')
                    .any(|k| !k.is_empty() && k.starts_with(spelled))
            {
                best = best.max(Some(prefix + spelled.len() as i64));
            }
        }
        if best < Some(q.spelled_bound) {
            for (_, keys, _, cap) in fields.into_iter().filter(|f| f.0) {
                for key in keys.split(' ').filter(|k| !k.is_empty()) {
                    if !key.starts_with(spelled)
                        && holds(char_mask(key), spelled_mask)
                        && let Some(s) = fuzzy(matcher, key, spelled)
                    {
                        best = best.max(Some(s.min(cap)));
                    }
                }
            }
        }
    }
    if q.digits.len() >= 3 && e.part(PHONES).contains(&q.digits) {
        best = best.max(Some(2000));
    }
    // The rest is the longest field and the dearest to score; a score the rest cannot beat
    // (see REST_CEILING) is final without it.
    let beaten = best.is_some_and(|b| b >= q.rest_bound);
    if !beaten
        && holds(e.masks[REST], text_mask)
        && let Some(s) = fuzzy(matcher, e.part(REST), query)
    {
        best = best.max(Some(s));
    }
    best
}

/// skim's score of `pattern` in `choice`. A one-character pattern — the first key of every
/// search, which matches most of a book — is scored directly: skim would copy the text into a
/// buffer and fill a score row for it, to find what is simply its best-placed occurrence.
fn fuzzy(matcher: &SkimMatcherV2, choice: &str, pattern: &str) -> Option<i64> {
    let mut chars = pattern.chars();
    match (chars.next(), chars.next()) {
        (Some(p), None) if !p.is_ascii_uppercase() => skim_one(choice, p),
        _ => matcher.fuzzy_match(choice, pattern),
    }
}

/// skim (fuzzy-matcher 0.3's `SkimMatcherV2`, default scoring, smart case with a pattern
/// without capitals) for a pattern of one character: each occurrence scores the match (16, 2
/// less when only its case differs) and the bonus of its place — a word's head 8, after
/// punctuation 7, a capital after a small letter or digit 6, doubled at the first character —
/// less one for the gap before it; the best occurrence counts.
fn skim_one(choice: &str, p: char) -> Option<i64> {
    /// skim's character classes, as far as the bonuses tell them apart.
    #[derive(Clone, Copy, PartialEq)]
    enum Class {
        Start,
        Separator,
        Punctuation,
        Upper,
        Digit,
        Other,
    }
    fn class(c: char) -> Class {
        match c {
            ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => Class::Separator,
            '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => Class::Punctuation,
            '0'..='9' => Class::Digit,
            'A'..='Z' => Class::Upper,
            _ => Class::Other,
        }
    }
    let mut prev = Class::Start;
    let mut best = None;
    for (j, c) in choice.chars().enumerate() {
        let now = class(c);
        if c.eq_ignore_ascii_case(&p) {
            let place = match (prev, now) {
                (Class::Start | Class::Separator, _) => 8,
                (Class::Punctuation, _) => 7,
                (Class::Other | Class::Digit, Class::Upper) => 6,
                _ => 0,
            };
            let place = if j == 0 { place * 2 } else { place };
            let matched = if c == p { 16 } else { 14 };
            best = best.max(Some(matched + place - 1));
        }
        prev = if c == '\0' { Class::Start } else { now };
    }
    best
}

/// The most a fuzzy match scores for each character of the query: skim gives 16 for the match
/// and a bonus of at most 16 (a word's start, doubled at the field's first character).
const REST_CEILING: i64 = 32;

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

/// Below this many entries to score, one thread does it all.
const SPLIT_FROM: usize = 4_096;

/// Scores `candidates` (all entries when `None`), best first; ties keep name order. A large
/// index is scored on every core, each taking a share of the entries.
pub fn rank(index: &Index, query: &str, candidates: Option<&[Hit]>) -> Vec<Hit> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let query = Query::new(&q);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let positions: Vec<usize>;
    let whole = cores >= 2 && index.len() >= SPLIT_FROM;
    let all: &[usize] = match candidates {
        // The next key of a query that matched much of the book: its hits are rescored in
        // memory order too (in score order, each was a cache miss: `ga` after `g` took 330 ms
        // of a million customers).
        Some(prev) if whole && prev.len() * 8 >= index.len() => {
            let mut wanted = vec![false; index.len()];
            for h in prev {
                if let Some(w) = wanted.get_mut(h.index) {
                    *w = true;
                }
            }
            return rank_all(index, &query, cores, Some(&wanted));
        }
        Some(prev) => {
            positions = prev.iter().map(|h| h.index).collect();
            &positions
        }
        None if whole => return rank_all(index, &query, cores, None),
        None => {
            positions = (0..index.entries.len()).collect();
            &positions
        }
    };
    if cores < 2 || all.len() < SPLIT_FROM {
        let mut hits = query.score_all(index, all);
        sort_best_first(&mut hits);
        return hits;
    }
    // Each core scores and sorts its share; the sorted shares are merged.
    let share = all.len().div_ceil(cores);
    merge(at_once(all.chunks(share), |part| {
        let mut hits = query.score_all(index, part);
        sort_best_first(&mut hits);
        hits
    }))
}

/// `work` done on every share at once, a thread each. Building or scoring an entry cannot
/// panic; if a thread did, its share is left out (its default).
fn at_once<S: Send, R: Send + Default>(
    shares: impl Iterator<Item = S>,
    work: impl Fn(S) -> R + Sync,
) -> Vec<R> {
    let work = &work;
    std::thread::scope(|s| {
        let running: Vec<_> = shares.map(|share| s.spawn(move || work(share))).collect();
        running
            .into_iter()
            .map(|t| t.join().unwrap_or_default())
            .collect()
    })
}

/// Every entry of a large index (or those `wanted`) scored, each core taking a share of them in
/// the order their texts lie in memory: built in parts on several threads, entries in name order
/// are all over memory, and scoring them in that order waited on a cache miss for nearly every
/// one (`g` over a million customers: 141 → 78 ms in memory order). The hits are put back in
/// name order through a table of scores by position, and each core sorts a range of positions
/// best first.
fn rank_all(index: &Index, query: &Query<'_>, cores: usize, wanted: Option<&[bool]>) -> Vec<Hit> {
    let n = index.entries.len();
    let share = n.div_ceil(cores);
    let found = at_once(index.by_address.chunks(share), |part| match wanted {
        Some(wanted) => {
            let part: Vec<usize> = part
                .iter()
                .copied()
                .filter(|&at| wanted.get(at).copied().unwrap_or(false))
                .collect();
            query.score_all(index, &part)
        }
        None => query.score_all(index, part),
    });
    // Few hits are simply sorted; the table costs a pass over every position.
    if found.iter().map(Vec::len).sum::<usize>() * 8 < n {
        let mut hits: Vec<Hit> = found.into_iter().flatten().collect();
        hits.sort_unstable_by(best_first);
        return hits;
    }
    const UNMATCHED: i64 = i64::MIN;
    let mut by_position = vec![UNMATCHED; n];
    for h in found.iter().flatten() {
        by_position[h.index] = h.score;
    }
    merge(at_once(
        by_position.chunks(share).enumerate(),
        |(k, scores)| {
            let mut hits: Vec<Hit> = scores
                .iter()
                .enumerate()
                .filter(|(_, score)| **score != UNMATCHED)
                .map(|(i, score)| Hit {
                    index: k * share + i,
                    score: *score,
                })
                .collect();
            sort_best_first(&mut hits);
            hits
        },
    ))
}

/// Hits scored in index order, put best first (ties in index order). The first keys of a
/// search match most of a book with a few hundred distinct scores: counted into place, that is
/// one pass instead of a sort of a million hits.
fn sort_best_first(hits: &mut Vec<Hit>) {
    let (Some(low), Some(high)) = (
        hits.iter().map(|h| h.score).min(),
        hits.iter().map(|h| h.score).max(),
    ) else {
        return;
    };
    let span = usize::try_from(high - low).unwrap_or(usize::MAX);
    let in_index_order = hits.windows(2).all(|w| w[0].index < w[1].index);
    if hits.len() < 4096 || span >= hits.len() || !in_index_order {
        hits.sort_unstable_by(best_first);
        return;
    }
    // Where each score's hits start, best score first; each goes in stable, so in index order.
    let mut starts = vec![0usize; span + 1];
    for h in hits.iter() {
        starts[(high - h.score) as usize] += 1;
    }
    let mut at = 0;
    for slot in starts.iter_mut() {
        let n = *slot;
        *slot = at;
        at += n;
    }
    let mut sorted = vec![Hit { index: 0, score: 0 }; hits.len()];
    for h in hits.iter() {
        let slot = &mut starts[(high - h.score) as usize];
        sorted[*slot] = *h;
        *slot += 1;
    }
    *hits = sorted;
}

fn best_first(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score.cmp(&a.score).then(a.index.cmp(&b.index))
}

/// Sorted runs into one sorted list.
fn merge(mut runs: Vec<Vec<Hit>>) -> Vec<Hit> {
    while runs.len() > 1 {
        let (b, a) = (
            runs.pop().unwrap_or_default(),
            runs.pop().unwrap_or_default(),
        );
        let mut merged = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if best_first(&a[i], &b[j]).is_le() {
                merged.push(a[i]);
                i += 1;
            } else {
                merged.push(b[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&a[i..]);
        merged.extend_from_slice(&b[j..]);
        runs.push(merged);
    }
    runs.pop().unwrap_or_default()
}

/// A folded query in the forms it is compared in.
struct Query<'q> {
    text: &'q str,
    digits: String,
    spelled: String,
    /// An entry must hold every character of at least one form to match.
    masks: [u64; 3],
    /// The most its match in a customer's rest can score ([`REST_CEILING`] a character).
    rest_bound: i64,
    /// The same for a fuzzy match of its pinyin spelling.
    spelled_bound: i64,
}

impl<'q> Query<'q> {
    fn new(text: &'q str) -> Query<'q> {
        let digits = phone_query(text);
        let spelled = pinyin_query(text);
        let never = u64::MAX;
        let spelled_bound = REST_CEILING * spelled.chars().count() as i64;
        let masks = [
            char_mask(text),
            if spelled.is_empty() {
                never
            } else {
                char_mask(&spelled)
            },
            if digits.len() >= 3 {
                char_mask(&digits)
            } else {
                never
            },
        ];
        Query {
            text,
            digits,
            spelled,
            masks,
            rest_bound: REST_CEILING * text.chars().count() as i64,
            spelled_bound,
        }
    }

    fn score_all(&self, index: &Index, positions: &[usize]) -> Vec<Hit> {
        let matcher = SkimMatcherV2::default();
        positions
            .iter()
            .filter_map(|&i| {
                let e = &index.entries[i];
                if !self.masks.iter().any(|m| holds(e.mask, *m)) {
                    return None;
                }
                score(&matcher, e, self).map(|score| Hit { index: i, score })
            })
            .collect()
    }
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
pub(crate) mod tests;
