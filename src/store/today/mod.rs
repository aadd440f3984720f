//! The Today queue: one ranked list of what needs the account manager now — to-dos due or
//! overdue, customers past their cadence, birthdays within a week, complaints on the 24-hour
//! clock and deals past their expected close — each with its urgency and the reasons for it.

mod kinds;

use crate::store::db::Connection;
use chrono::NaiveDate;
use rusqlite::params;

use super::Ctx;
use super::error::Result;
use crate::domain::Clock;
use crate::domain::rules;
use kinds::{agreements, birthdays, cadence, complaints, coupons, deals, surveys_due, todos};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TodayKind {
    Todo,
    Cadence,
    Birthday,
    Complaint,
    Deal,
    /// A satisfaction survey due: the tier's schedule, or a resolved complaint's check-back.
    Survey,
    /// An agreement nearing its end (the team's `agreement_warn_days`), or past it.
    Agreement,
    /// A coupon about to expire unused (the team's `coupon_warn_days`): a reason to call.
    Coupon,
}

impl TodayKind {
    pub const ALL: [TodayKind; 8] = [
        TodayKind::Todo,
        TodayKind::Cadence,
        TodayKind::Birthday,
        TodayKind::Complaint,
        TodayKind::Deal,
        TodayKind::Survey,
        TodayKind::Agreement,
        TodayKind::Coupon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TodayKind::Todo => "todo",
            TodayKind::Cadence => "cadence",
            TodayKind::Birthday => "birthday",
            TodayKind::Complaint => "complaint",
            TodayKind::Deal => "deal",
            TodayKind::Survey => "survey",
            TodayKind::Agreement => "agreement",
            TodayKind::Coupon => "coupon",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodayRow {
    pub kind: TodayKind,
    pub customer_id: Option<i64>,
    pub customer: Option<String>,
    pub title: String,
    pub urgency: i64,
    pub why: Reasons,
    /// The to-do, ticket or deal the row is about (the customer for cadence and birthdays).
    pub item_id: i64,
    pub version: i64,
    /// What a snooze of this row is remembered under (`queue_snooze.occasion`).
    pub occasion: String,
    /// The to-do itself, on to-do rows (for completing, snoozing and editing it). Boxed: a
    /// to-do is a few hundred bytes, and most rows of a large book's queue are not to-dos
    /// (570,000 rows at 1M customers carried ~170 MB of empty to-do space inline).
    pub todo: Option<Box<crate::domain::Todo>>,
}

/// Why a row is in the queue, in the order the rules gave them. One string, the reasons apart
/// by a unit separator (a control character, which cleaned text never holds): a large book's
/// queue holds half a million rows, and a vector of strings to each was a tenth of the screen's
/// memory at 1M customers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reasons(Box<str>);

impl Reasons {
    const APART: char = '\u{1f}';

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split(Self::APART).filter(|w| !w.is_empty())
    }

    /// The reasons on one line, `between` each two.
    pub fn join(&self, between: &str) -> std::borrow::Cow<'_, str> {
        if self.0.contains(Self::APART) {
            self.iter().collect::<Vec<_>>().join(between).into()
        } else {
            std::borrow::Cow::Borrowed(&self.0)
        }
    }
}

impl Reasons {
    /// [`Reasons::join`] appended to `out`: spares a string per row where many rows are
    /// written one after another, and finds the separators byte by byte (the reasons are a few
    /// words; searching them with `memchr` was a twentieth of printing a large queue).
    pub fn join_into(&self, out: &mut String, between: &str) {
        let mut first = true;
        let mut start = 0;
        let bytes = self.0.as_bytes();
        for end in 0..=bytes.len() {
            if end < bytes.len() && bytes[end] != Self::APART as u8 {
                continue;
            }
            // The separator is one byte of ASCII, so both ends are character boundaries.
            let piece = &self.0[start..end];
            start = end + 1;
            if piece.is_empty() {
                continue;
            }
            if !first {
                out.push_str(between);
            }
            out.push_str(piece);
            first = false;
        }
    }
}

impl From<Vec<String>> for Reasons {
    fn from(why: Vec<String>) -> Reasons {
        let mut text = String::with_capacity(why.iter().map(|w| w.len() + 1).sum());
        for w in &why {
            if !text.is_empty() {
                text.push(Self::APART);
            }
            text.push_str(w);
        }
        Reasons(text.into())
    }
}

impl serde::Serialize for Reasons {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Rows snoozed past today, read once per queue: each customer's (kind, occasion) pairs, looked
/// up by customer without building a key (half a million lookups at 1M customers).
struct Snoozes(std::collections::HashMap<i64, Vec<(String, String)>>);

impl Snoozes {
    fn load(conn: &Connection, today: NaiveDate) -> Result<Snoozes> {
        let mut stmt = conn.prepare_cached(
            "SELECT customer_id, kind, occasion FROM queue_snooze WHERE until > ?1",
        )?;
        let mut by_customer = std::collections::HashMap::<i64, Vec<(String, String)>>::new();
        let mut rows = stmt.query([today.to_string()])?;
        while let Some(r) = rows.next()? {
            by_customer
                .entry(r.get(0)?)
                .or_default()
                .push((r.get(1)?, r.get(2)?));
        }
        Ok(Snoozes(by_customer))
    }

    fn has(&self, customer: i64, kind: TodayKind, occasion: &str) -> bool {
        self.0.get(&customer).is_some_and(|snoozed| {
            snoozed
                .iter()
                .any(|(k, o)| k == kind.as_str() && o == occasion)
        })
    }
}

/// Remembers that a row that is not a to-do was snoozed until `until`.
pub fn snooze(
    conn: &Connection,
    ctx: &Ctx,
    customer: i64,
    kind: TodayKind,
    occasion: &str,
    until: NaiveDate,
) -> Result<()> {
    super::rows::exec(conn,
        "INSERT INTO queue_snooze (customer_id, kind, occasion, until, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (customer_id, kind, occasion) DO UPDATE SET until = excluded.until,
             created_at = excluded.created_at, created_by = excluded.created_by",
        params![customer, kind.as_str(), occasion, until.to_string(), ctx.clock.stamp(), ctx.user],
    )?;
    super::rows::log(
        conn,
        ctx,
        "queue_snooze",
        customer,
        Some(customer),
        "update",
        None,
        Some(&serde_json::json!({ "kind": kind.as_str(), "until": until.to_string() })),
    )
}

/// Builds the ranked Today queue for `clock`'s day, optionally for one owner or customer, and
/// only its first `limit` rows when asked.
pub fn queue(
    conn: &Connection,
    clock: &Clock,
    owner: Option<&str>,
    customer: Option<i64>,
    limit: Option<usize>,
) -> Result<Vec<TodayRow>> {
    let rows = gathered(conn, clock, owner, customer, limit, &|_| true)?;
    Ok(ranked(rows, limit))
}

/// The same queue as [`queue`], read on two connections at once when it is whole: customers
/// past their cadence (three rows in four of a large book's queue) on one, every other kind on
/// the other, so that two cores halve the wait. With a limit, one connection: the kinds are
/// then read one after another, most urgent first, and most are left out.
pub fn queue_at_once(
    store: &super::Store,
    clock: &Clock,
    owner: Option<&str>,
    customer: Option<i64>,
    limit: Option<usize>,
) -> Result<Vec<TodayRow>> {
    if limit.is_some() {
        return store.read(|c| queue(c, clock, owner, customer, limit));
    }
    let [mut rows, others] = store.read_at_once([
        &|c: &Connection| {
            gathered(c, clock, owner, customer, None, &|k| {
                k == TodayKind::Cadence
            })
        },
        &|c: &Connection| {
            gathered(c, clock, owner, customer, None, &|k| {
                k != TodayKind::Cadence
            })
        },
    ])?;
    rows.extend(others);
    Ok(ranked(rows, None))
}

/// The rows of the kinds `wanted` picks, in no particular order.
fn gathered(
    conn: &Connection,
    clock: &Clock,
    owner: Option<&str>,
    customer: Option<i64>,
    limit: Option<usize>,
    wanted: &dyn Fn(TodayKind) -> bool,
) -> Result<Vec<TodayRow>> {
    let mut g = Gather {
        conn,
        clock,
        today: clock.today(),
        owner,
        customer,
        limit,
        snoozes: Snoozes::load(conn, clock.today())?,
        out: Vec::new(),
    };
    // The kinds that can score highest first, so that with a limit the rest can be left out
    // as soon as enough rows score above all they could give (a large book's first twenty rows
    // are complaints and to-dos; its cadence reminders alone are half a million customers read).
    let mut kinds = KINDS;
    kinds.sort_by_key(|k| std::cmp::Reverse(k.ceiling));
    for k in kinds {
        if wanted(k.kind) && g.could_reach(k.ceiling) {
            (k.gather)(&mut g)?;
        }
    }
    Ok(g.out)
}

/// The rows in the queue's order (most urgent first, then by customer and item), the first
/// `limit` of them when asked.
fn ranked(mut out: Vec<TodayRow>, limit: Option<usize>) -> Vec<TodayRow> {
    // Sorted as small keys, then the rows put in place by following the permutation's cycles:
    // a row is over a hundred bytes, so sorting the rows spent its time moving them, comparing
    // through them read memory all over a large book's queue (570,000 rows), and collecting them
    // into a second vector held that queue twice at its peak. Rows equal in all three keep the
    // kinds' order, then the order they were found in, as a stable sort would keep them.
    let mut ranks: Vec<Rank> = out.iter().enumerate().map(Rank::of).collect();
    ranks.sort_unstable_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then(a.named.cmp(&b.named))
            .then(a.head.cmp(&b.head))
            .then_with(|| {
                let (x, y) = (&out[a.at], &out[b.at]);
                x.customer
                    .cmp(&y.customer)
                    .then(x.item_id.cmp(&y.item_id))
                    .then(a.kind.cmp(&b.kind))
                    .then(a.at.cmp(&b.at))
            })
    });
    let mut order: Vec<usize> = ranks.into_iter().map(|r| r.at).collect();
    crate::domain::order::permute(&mut out, &mut order);
    if let Some(n) = limit {
        out.truncate(n);
    }
    out
}

/// One kind of row: the most it can score, and how its rows are found.
#[derive(Clone, Copy)]
struct KindOfRow {
    kind: TodayKind,
    ceiling: i64,
    gather: fn(&mut Gather<'_>) -> Result<()>,
}

/// Every kind, in the order rows equal in urgency, customer and item keep (the order they were
/// first gathered in, before the ceilings decided it).
const KINDS: [KindOfRow; 8] = [
    KindOfRow {
        kind: TodayKind::Todo,
        ceiling: rules::ceiling::TODO,
        gather: todos,
    },
    KindOfRow {
        kind: TodayKind::Cadence,
        ceiling: rules::ceiling::CADENCE,
        gather: cadence,
    },
    KindOfRow {
        kind: TodayKind::Birthday,
        ceiling: rules::ceiling::BIRTHDAY,
        gather: birthdays,
    },
    KindOfRow {
        kind: TodayKind::Complaint,
        ceiling: rules::ceiling::COMPLAINT,
        gather: complaints,
    },
    KindOfRow {
        kind: TodayKind::Survey,
        ceiling: rules::ceiling::SURVEY,
        gather: surveys_due,
    },
    KindOfRow {
        kind: TodayKind::Agreement,
        ceiling: rules::ceiling::AGREEMENT,
        gather: agreements,
    },
    KindOfRow {
        kind: TodayKind::Coupon,
        ceiling: rules::ceiling::COUPON,
        gather: coupons,
    },
    KindOfRow {
        kind: TodayKind::Deal,
        ceiling: rules::ceiling::DEAL,
        gather: deals,
    },
];

/// Where a kind's rows go among rows that tie on everything else.
fn kind_place(kind: TodayKind) -> u8 {
    KINDS
        .iter()
        .position(|k| k.kind == kind)
        .unwrap_or(KINDS.len()) as u8
}

/// What every kind's gathering shares: the day, whose queue it is, the snoozes, the rows so far.
struct Gather<'a> {
    conn: &'a Connection,
    clock: &'a Clock,
    today: NaiveDate,
    owner: Option<&'a str>,
    customer: Option<i64>,
    limit: Option<usize>,
    snoozes: Snoozes,
    out: Vec<TodayRow>,
}

impl Gather<'_> {
    /// Whether a row scoring `ceiling` could still be among the first `limit`: fewer than
    /// `limit` rows found score above it (one scoring the same could come first by name).
    fn could_reach(&self, ceiling: i64) -> bool {
        self.limit.is_none_or(|n| {
            self.out
                .iter()
                .filter(|r| r.urgency > ceiling)
                .take(n)
                .count()
                < n
        })
    }
}

/// Where a row goes in the queue, read without going back to the row for most comparisons:
/// urgency, then whether it has a customer (none first, as `Option` orders), then the head of
/// the customer's name (see `domain::order::head`), then — only when those tie — the row itself.
struct Rank {
    urgency: i64,
    named: bool,
    head: u128,
    /// The kind's place in [`KINDS`]: rows tied on all else keep the kinds' order.
    kind: u8,
    at: usize,
}

impl Rank {
    fn of((at, row): (usize, &TodayRow)) -> Rank {
        Rank {
            urgency: row.urgency,
            named: row.customer.is_some(),
            head: crate::domain::order::head(row.customer.as_deref().unwrap_or_default()),
            kind: kind_place(row.kind),
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Reasons;

    #[test]
    fn reasons_keep_their_order_and_are_a_list_in_json() {
        let why = Reasons::from(vec!["No contact for 40 days".into(), "VIP".into()]);
        assert_eq!(
            why.iter().collect::<Vec<_>>(),
            ["No contact for 40 days", "VIP"]
        );
        assert_eq!(why.join(" · "), "No contact for 40 days · VIP");
        let mut line = String::from("> ");
        why.join_into(&mut line, " · ");
        assert_eq!(line, "> No contact for 40 days · VIP");
        assert_eq!(
            serde_json::to_string(&why).ok().as_deref(),
            Some(r#"["No contact for 40 days","VIP"]"#)
        );
        let one = Reasons::from(vec!["Due today".into()]);
        assert_eq!(one.join(" · "), "Due today");
        assert_eq!(Reasons::from(Vec::new()).iter().count(), 0);
    }

    #[test]
    fn every_kind_is_gathered_once() {
        use super::{KINDS, TodayKind};
        for k in TodayKind::ALL {
            assert_eq!(KINDS.iter().filter(|g| g.kind == k).count(), 1, "{k:?}");
        }
        assert_eq!(KINDS.len(), TodayKind::ALL.len());
    }
}
