//! Import batches (their undo records are in `import_undo`), and the duplicate
//! checks against the customers already stored.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::store::db::{Connection, Optional};
use rusqlite::params;

use super::error::Result;
pub use super::import_undo::{AddedRows, record_before, undo};
use super::{Ctx, customers};
use crate::domain::{Customer, CustomerFields, input, sort_key};

/// How sure kehu is that a row is a customer it already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    /// Same e-mail or phone and a same or very similar name, or the customer kehu's own export
    /// names by number.
    Likely,
    /// Same e-mail or phone under a clearly different name (e.g. a shared company mailbox), or
    /// the same name and company alone (two people can share both).
    Possible,
}

/// Whether two names are the same or one holds the other (case and spaces aside).
pub fn similar(a: &str, b: &str) -> bool {
    let folded = |s: &str| s.to_lowercase().replace(char::is_whitespace, "");
    let (a, b) = (folded(a), folded(b));
    !a.is_empty() && !b.is_empty() && (a == b || a.contains(&b) || b.contains(&a))
}

/// The duplicate keys of the customers an import has added to a book that was empty, in memory:
/// such an import finds a row that repeats an earlier one without the four indexes the check
/// otherwise reads, so it builds them once at its end like the rest (a B-tree insert per row
/// into each, and a query per row, were a fifth of a 1,000,000-row import).
///
/// Keys are kept as 64-bit hashes. A candidate found by one is read from the book and its keys
/// are compared whole, so a collision, or keys a later update of the customer changed, find
/// exactly what the indexes would.
#[derive(Debug, Default)]
pub struct Seen {
    /// Hash of a key → the first customer with it; further customers with it in `more`.
    first: HashMap<u64, i64, Hashed>,
    more: HashMap<u64, Vec<i64>, Hashed>,
}

/// The maps' keys are hashes already: they are used as they are, not hashed again.
#[derive(Debug, Default, Clone, Copy)]
struct Hashed;

impl std::hash::BuildHasher for Hashed {
    type Hasher = AsIs;

    fn build_hasher(&self) -> AsIs {
        AsIs(0)
    }
}

#[derive(Debug)]
struct AsIs(u64);

impl std::hash::Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys reach here (write_u64); anything else is folded in, not lost.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// What a key is of, so that an e-mail and a phone with the same text are different keys.
#[derive(Hash)]
enum Key<'a> {
    Email(&'a str),
    Phone(&'a str),
    PhoneTail(&'a str),
    NameAtCompany(&'a str, &'a str),
}

impl Key<'_> {
    fn hash(&self) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(self, &mut h);
        std::hash::Hasher::finish(&h)
    }
}

/// The last eight characters, as SQLite's `substr(x, -8)` takes them.
fn tail(s: &str) -> &str {
    s.char_indices().rev().nth(7).map_or(s, |(at, _)| &s[at..])
}

impl Seen {
    /// Notes the keys of customer `id` as they now are (`keys`: its [`customers::stored_keys`]).
    pub fn add(&mut self, id: i64, keys: &customers::StoredKeys, company: Option<&str>) {
        let (email, phone) = (keys.email_norm.as_deref(), keys.phone_norm.as_deref());
        let company = company.map(str::to_ascii_lowercase);
        let keys = [
            email.map(Key::Email),
            phone.map(Key::Phone),
            phone.map(|p| Key::PhoneTail(tail(p))),
            company
                .as_deref()
                .map(|c| Key::NameAtCompany(&keys.sort_key, c)),
        ];
        for key in keys.into_iter().flatten() {
            let hash = key.hash();
            match self.first.get(&hash) {
                None => {
                    self.first.insert(hash, id);
                }
                Some(first) if *first == id => {}
                Some(_) => {
                    let more = self.more.entry(hash).or_default();
                    if !more.contains(&id) {
                        more.push(id);
                    }
                }
            }
        }
    }

    /// The customers noted with this key's hash (none, nearly always: no allocation then).
    fn ids(&self, key: Key<'_>) -> Vec<i64> {
        let hash = key.hash();
        match self.first.get(&hash) {
            None => Vec::new(),
            Some(first) => std::iter::once(*first)
                .chain(self.more.get(&hash).into_iter().flatten().copied())
                .collect(),
        }
    }
}

/// Where the duplicate check looks: the book's indexes, or an import's [`Seen`] keys.
#[derive(Clone, Copy)]
pub enum Looking<'a> {
    InBook,
    InSeen(&'a Seen),
}

/// The stored customer this row most likely is, if any. `kehu_id` is the customer number of
/// kehu's own export: the same customer when the stored one by that number has the same or a very
/// similar name (a file from another book numbers other customers).
pub fn find_duplicate(
    conn: &Connection,
    f: &CustomerFields,
    kehu_id: Option<i64>,
) -> Result<Option<(Customer, Duplicate)>> {
    find_duplicate_looking(conn, Looking::InBook, f, kehu_id)
}

/// [`find_duplicate`], looking where `looking` says.
pub fn find_duplicate_looking(
    conn: &Connection,
    looking: Looking<'_>,
    f: &CustomerFields,
    kehu_id: Option<i64>,
) -> Result<Option<(Customer, Duplicate)>> {
    if let Some(id) = kehu_id {
        match customers::get(conn, id) {
            Ok(c) if similar(&c.fields.name, &f.name) => return Ok(Some((c, Duplicate::Likely))),
            Ok(_) | Err(super::StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let email = f.email.as_deref().map(|e| e.to_lowercase());
    let phone = f
        .phone
        .as_deref()
        .and_then(|p| input::phone(p).ok().map(|(_, n)| n));
    // The last eight digits only find candidates; a phone matches on the whole number, its
    // country code optional (`input::same_phone`).
    let found = match looking {
        Looking::InBook => book_candidates(conn, email.as_deref(), phone.as_deref())?,
        Looking::InSeen(seen) => seen_candidates(conn, seen, email.as_deref(), phone.as_deref())?,
    };
    let mut possible = None;
    for (id, same_email) in found.into_iter().take(50) {
        let c = customers::get(conn, id)?;
        let same_phone = match (c.fields.phone.as_deref(), f.phone.as_deref()) {
            (Some(a), Some(b)) => input::same_phone(a, b),
            _ => false,
        };
        if !same_email && !same_phone {
            continue;
        }
        if similar(&c.fields.name, &f.name) {
            return Ok(Some((c, Duplicate::Likely)));
        }
        possible.get_or_insert((c, Duplicate::Possible));
    }
    if let Some(company) = f.company.as_deref().filter(|c| !c.is_empty()) {
        let same: Option<i64> = match looking {
            Looking::InBook => super::rows::query_one(
                conn,
                "SELECT id FROM customer WHERE sort_key = ?1 AND lower(company) = lower(?2) ORDER BY id LIMIT 1",
                params![sort_key(&f.name), company],
                |r| r.get(0),
            )
            .optional()?,
            Looking::InSeen(seen) => seen_same_name_at(conn, seen, &f.name, company)?,
        };
        // The same name and company alone may be two people (two 王芳 at one firm): shown for
        // a decision, never skipped on its own.
        if let Some(id) = same {
            possible.get_or_insert((customers::get(conn, id)?, Duplicate::Possible));
        }
    }
    Ok(possible)
}

/// The customers whose e-mail, whole phone or (for a phone of eight or more) last eight digits
/// match, the first 50 by id, each with whether its e-mail matched. One query for each way to
/// match, each through its own index: one query with OR merged them through a temporary table,
/// for every row of an import.
fn book_candidates(
    conn: &Connection,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<BTreeMap<i64, bool>> {
    let mut found: BTreeMap<i64, bool> = BTreeMap::new();
    let mut candidates = |sql: &str, key: &str, same_email: bool| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        for id in stmt.query_map([key], |r| r.get::<_, i64>(0))? {
            *found.entry(id?).or_default() |= same_email;
        }
        Ok(())
    };
    if let Some(email) = email {
        candidates(
            "SELECT id FROM customer WHERE email_norm = ?1 ORDER BY id LIMIT 50",
            email,
            true,
        )?;
    }
    if let Some(phone) = phone {
        candidates(
            "SELECT id FROM customer WHERE phone_norm = ?1 ORDER BY id LIMIT 50",
            phone,
            false,
        )?;
        if phone.chars().count() >= 8 {
            candidates(
                "SELECT id FROM customer WHERE phone_norm IS NOT NULL
                 AND substr(phone_norm, -8) = substr(?1, -8) ORDER BY id LIMIT 50",
                phone,
                false,
            )?;
        }
    }
    Ok(found.into_iter().take(50).collect())
}

/// The customers whose e-mail or phone match as the book's queries match them (whole e-mail,
/// whole phone, or the phone's last eight digits when it has eight), the first 50 by id, each
/// with whether its e-mail matched.
fn seen_candidates(
    conn: &Connection,
    seen: &Seen,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<BTreeMap<i64, bool>> {
    let by_tail = phone.filter(|p| p.chars().count() >= 8);
    let hashed: BTreeSet<i64> = email
        .map(|e| seen.ids(Key::Email(e)))
        .into_iter()
        .chain(phone.map(|p| seen.ids(Key::Phone(p))))
        .chain(by_tail.map(|p| seen.ids(Key::PhoneTail(tail(p)))))
        .flatten()
        .collect();
    let mut found = BTreeMap::new();
    for id in hashed {
        let stored = customers::stored_keys(&customers::get(conn, id)?.fields);
        let (stored_email, stored_phone) = (stored.email_norm, stored.phone_norm);
        let same_email = email.is_some() && stored_email.as_deref() == email;
        let same_phone = phone.is_some() && stored_phone.as_deref() == phone;
        let same_tail = match (by_tail, stored_phone.as_deref()) {
            (Some(p), Some(s)) => tail(p) == tail(s),
            _ => false,
        };
        if same_email || same_phone || same_tail {
            found.insert(id, same_email);
            if found.len() == 50 {
                break;
            }
        }
    }
    Ok(found)
}

/// The first customer by id with this name's sort key and this company (ASCII case aside, as
/// SQLite's `lower` compares).
fn seen_same_name_at(
    conn: &Connection,
    seen: &Seen,
    name: &str,
    company: &str,
) -> Result<Option<i64>> {
    let key = sort_key(name);
    let company = company.to_ascii_lowercase();
    let mut ids = seen.ids(Key::NameAtCompany(&key, &company));
    ids.sort_unstable();
    for id in ids {
        let c = customers::get(conn, id)?.fields;
        let same_company =
            c.company.as_deref().map(str::to_ascii_lowercase) == Some(company.clone());
        if same_company && sort_key(&c.name) == key {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The highest customer number so far: an import matches `Kehu id`s only to customers that
/// were there before it began, never to one it has just added.
pub fn newest_customer_id(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM customer", [], |r| {
        r.get(0)
    })
}

pub fn start_batch(conn: &Connection, ctx: &Ctx, source: &str) -> Result<i64> {
    super::rows::exec(
        conn,
        "INSERT INTO import_batch (started_at, by, source) VALUES (?1, ?2, ?3)",
        params![ctx.clock.stamp(), ctx.user, source],
    )?;
    conn.last_insert_rowid()
}

pub fn finish_batch(
    conn: &Connection,
    batch: i64,
    added: usize,
    updated: usize,
    skipped: usize,
) -> Result<()> {
    super::rows::exec(
        conn,
        "UPDATE import_batch SET added = ?2, updated = ?3, skipped = ?4 WHERE id = ?1",
        params![batch, added as i64, updated as i64, skipped as i64],
    )?;
    Ok(())
}
