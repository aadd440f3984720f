//! The store worker: a thread with its own connection that runs every database request the
//! screen makes and sends the results back as events, so a teammate holding the lock never
//! freezes the screen.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use super::wake::{Notifying, Waker};

use super::state::QueueRow;

mod messages;
mod saves;
use crate::domain::Tier;
use crate::store::pages;
use crate::store::{self, Ctx, OpenMode, Store, StoreError};
pub use messages::*;
use saves::apply;

/// How many done and cancelled to-dos the queue's closed view lists.
pub const CLOSED_SHOWN: usize = 2000;

/// Customers read for the search index sent to the screen at a time.
const SEARCH_PART: usize = 8192;

/// Rows of the queue sent to the screen at a time.
pub const QUEUE_WINDOW: usize = 200;

/// A queue row's identity, owned (see `QueueRow::key`).
pub type QueueKey = (&'static str, i64, String);

/// The queue as last computed, which page requests slice.
struct QueueCache {
    of: (Option<i64>, bool, bool, Option<String>),
    rows: Vec<QueueRow>,
}

/// More change-log entries than this since the last look: reload everything instead.
const MAX_CHANGES: i64 = 2000;

fn changes_since(
    c: &crate::store::db::Connection,
    after: i64,
    me: &str,
) -> Result<(ChangeSet, i64), StoreError> {
    let entries = store::history::since(c, after, MAX_CHANGES + 1)?;
    let last = entries.last().map_or(after, |e| e.id);
    let mut set = ChangeSet {
        broad: entries.len() as i64 > MAX_CHANGES,
        ..Default::default()
    };
    for e in &entries {
        if let Some(id) = e.customer_id
            && !set.customers.contains(&id)
        {
            set.customers.push(id);
        }
        if e.by != me && !set.by.contains(&e.by) {
            set.by.push(e.by.clone());
        }
        set.todos |= e.table == "todo";
        set.broad |= (e.table == "customer" && e.action != "update")
            || e.table == "setting"
            || e.table == "schema";
    }
    Ok((set, last))
}

/// The screen's handle on the worker thread.
pub struct Worker {
    tx: Sender<Request>,
    pub rx: Receiver<Reply>,
    /// When the request now running started, so the screen can say it is waiting.
    pub busy_since: Arc<Mutex<Option<Instant>>>,
}

impl Worker {
    /// Opens a second connection to `path` on a new thread.
    pub fn start(path: PathBuf, ctx: Ctx, waker: Waker) -> Result<Worker, StoreError> {
        let store = Store::open(&path, OpenMode::Existing, &ctx)?;
        store.listen()?;
        let (tx, requests) = channel::<Request>();
        let (replies, rx) = channel::<Reply>();
        let replies = Notifying::new(replies, waker);
        let busy_since = Arc::new(Mutex::new(None));
        let busy = Arc::clone(&busy_since);
        thread::Builder::new()
            .name("kehu-store".into())
            .spawn(move || serve(store, ctx, requests, replies, busy))
            .map_err(|e| StoreError::Refused(format!("cannot start the database worker: {e}")))?;
        Ok(Worker { tx, rx, busy_since })
    }

    pub fn send(&self, r: Request) {
        // The worker only stops when the screen does; a send can fail only during shutdown.
        let _ = self.tx.send(r);
    }
}

fn serve(
    store: Store,
    ctx: Ctx,
    requests: Receiver<Request>,
    replies: Notifying<Reply>,
    busy: Arc<Mutex<Option<Instant>>>,
) {
    let mut seen = Seen {
        version: store.read(pages::data_version).unwrap_or(0),
        log_id: store.read(store::history::last_id).unwrap_or(0),
        started: Instant::now(),
        queue: None,
        search_reads: 0,
        quiet_polls: 0,
    };
    while let Ok(request) = requests.recv() {
        if let Ok(mut b) = busy.lock() {
            *b = Some(Instant::now());
        }
        let reply = handle(&store, &ctx, request, &mut seen, &replies);
        if let Ok(mut b) = busy.lock() {
            *b = None;
        }
        if let Some(reply) = reply
            && replies.send(reply).is_err()
        {
            break;
        }
    }
    // The screen closed: teammates stop seeing it at once rather than after the heartbeat ages.
    if store.is_server() {
        let _ = store::presence::leave(store.conn());
    }
}

/// Every customer's search entries, sent to the screen part by part: read and built on one
/// thread per core, each with its own connection and a share of the ids (the first share on
/// `store`, the others on connections of their own to `path`). One thread reading while the
/// others built kept more threads busy than there are cores, and the reading, which everything
/// waited for, lost most: a million customers took 7.2 s that way, 5.0 s reading and building
/// by turns, and less in shares read and built side by side.
fn read_search_entries(
    store: &Store,
    path: &std::path::Path,
    ctx: &Ctx,
    replies: &Notifying<Reply>,
    read: u64,
) -> Result<(), StoreError> {
    let cores = thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let shares = store.read(|c| pages::id_shares(c, cores))?;
    let Some((first, others)) = shares.split_first() else {
        return Ok(());
    };
    thread::scope(|s| {
        let running: Vec<_> = others
            .iter()
            .map(|ids| {
                let ids = ids.clone();
                s.spawn(move || {
                    let store = Store::open(path, OpenMode::Existing, ctx)?;
                    send_search_share(&store, ids, replies, read)
                })
            })
            .collect();
        let mut outcome = send_search_share(store, first.clone(), replies, read);
        for t in running {
            let done = t.join().unwrap_or_else(|_| {
                Err(StoreError::Io(std::io::Error::other(
                    "a thread reading the search index stopped",
                )))
            });
            outcome = outcome.and(done);
        }
        outcome
    })
}

/// The search entries of the customers with ids in `ids`, built here and sent part by part.
fn send_search_share(
    store: &Store,
    ids: std::ops::Range<i64>,
    replies: &Notifying<Reply>,
    read: u64,
) -> Result<(), StoreError> {
    store.read(|c| {
        pages::search_entries_in_parts(c, SEARCH_PART, ids, |entries| {
            // The screen has closed: stop reading.
            replies.send(Reply::SearchPart { read, entries }).is_ok()
        })
    })
}

/// Value scores, the shared pool, greetings, and the daily backup; returns the greetings created
/// and, if the backup failed, why (a warning: the day's work goes on).
fn daily_pass(path: &std::path::Path, ctx: &Ctx) -> Result<(usize, Option<String>), StoreError> {
    let store = Store::open(path, OpenMode::Existing, ctx)?;
    let due = store.read(|c| store::care::daily_due(c, ctx.clock.today()))?;
    let created = if due {
        store.write(|c| store::care::daily(c, ctx))?
    } else {
        0
    };
    let keep = store
        .read(|c| store::settings::get(c, "backup_keep"))?
        .parse()
        .unwrap_or(7);
    let warning = store::maintenance::daily_backup(&store, ctx.clock.today(), keep)
        .err()
        .map(|e| crate::i18n::tf("warn.daily_backup", &[("why", &e)]));
    Ok((created, warning))
}

impl Seen {
    /// The screen's clock moved on by the time since the worker started.
    fn now(&self, ctx: &Ctx) -> crate::domain::Clock {
        ctx.clock.advanced(self.started.elapsed())
    }
}

/// The last data version and change-log entry the screen has been told about.
struct Seen {
    version: i64,
    log_id: i64,
    /// When the worker started: "now" is the screen's clock plus the time since, so a session
    /// left open past midnight moves on while a fixed clock (tests, `KEHU_NOW`) stays fixed.
    started: Instant,
    queue: Option<QueueCache>,
    /// Reads of every customer's search text started: each read's parts carry its number.
    search_reads: u64,
    /// Polls since the change log was last read (on a server, which announces commits).
    quiet_polls: u32,
}

/// On a server the change log is read when a commit is announced, and at least this often in
/// polls (about half a minute) in case an announcement was lost with a dropped connection.
const READ_LOG_EVERY: u32 = 40;

/// The rows of the list's top sent first: a screenful on most terminals (the rest follows at
/// once on a taller one).
const FIRST_PART: usize = 40;

fn handle(
    store: &Store,
    ctx: &Ctx,
    request: Request,
    seen: &mut Seen,
    replies: &Notifying<Reply>,
) -> Option<Reply> {
    let failed = |e: StoreError| Reply::Error(e.to_string());
    Some(match request {
        Request::Page {
            seq,
            sort,
            filter,
            anchor,
            limit,
        } => {
            // The top of the list in two parts: a screenful at once, then the rest of the page
            // in the same request (never behind work asked for after it). Opening a grown book
            // cold, each customer is a read from its own page of the file, and a whole page of
            // them put the first frame past 50 ms.
            let first = if matches!(anchor, Anchor::Top) {
                limit.min(FIRST_PART)
            } else {
                limit
            };
            let rows = store.read(|c| match &anchor {
                Anchor::Top => pages::customers_after(c, sort, &filter, None, first),
                Anchor::After(cur) => pages::customers_after(c, sort, &filter, Some(cur), limit),
                Anchor::Before(cur) => pages::customers_before(c, sort, &filter, Some(cur), limit),
                Anchor::Bottom => pages::customers_before(c, sort, &filter, None, limit),
            });
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => return Some(failed(e)),
            };
            let full = rows.len() == first;
            let rest = limit - first;
            let cursor = match rows.last() {
                Some(last) if full && rest > 0 => sort.cursor_of(last),
                _ => {
                    let full = full && rest == 0;
                    return Some(Reply::Page {
                        seq,
                        anchor,
                        rows,
                        full,
                        done: true,
                    });
                }
            };
            let _ = replies.send(Reply::Page {
                seq,
                anchor,
                rows,
                full: true,
                done: false,
            });
            match store.read(|c| pages::customers_after(c, sort, &filter, Some(&cursor), rest)) {
                Ok(rows) => Reply::Page {
                    seq,
                    anchor: Anchor::After(cursor),
                    full: rows.len() == rest,
                    rows,
                    done: true,
                },
                Err(e) => failed(e),
            }
        }
        Request::Detail { seq, id } => {
            let detail = store.read(|c| {
                let customer = match store::customers::get(c, id) {
                    Ok(customer) => customer,
                    Err(StoreError::NotFound { .. }) => return Ok(None),
                    Err(e) => return Err(e),
                };
                let clock = seen.now(ctx);
                let workflow = store::profile::Workflow::load(c, &customer, &clock)?;
                Ok(Some(Box::new(Detail {
                    workflow,
                    customer,
                    contacts: store::contacts::for_customer(c, id)?,
                    interactions: store::interactions::timeline(c, id, None, 300)?,
                    purchases: store::purchases::for_customer(c, id, 300)?,
                    todos: store::todos::list_open(
                        c,
                        &store::todos::Filter {
                            customer_id: Some(id),
                            ..Default::default()
                        },
                    )?,
                })))
            });
            match detail {
                Ok(detail) => Reply::Detail { seq, id, detail },
                Err(e) => failed(e),
            }
        }
        Request::Queue {
            seq,
            customer,
            today,
            closed,
            mine,
            fresh,
            around,
            keep,
        } => {
            let of = (customer, today, closed, mine.clone());
            if fresh || seen.queue.as_ref().is_none_or(|q| q.of != of) {
                let clock = seen.now(ctx);
                let rows = if today {
                    // One connection: at start-up the search index is being built on every
                    // core, and a second reader slowed it more than it sped the queue.
                    store
                        .read(|c| store::today::queue(c, &clock, mine.as_deref(), customer, None))
                        .map(|rows| rows.into_iter().map(QueueRow::Today).collect())
                } else {
                    store
                        .read(|c| {
                            // The closed ones: the latest, enough to find a mistake to reopen.
                            let limit = if closed { CLOSED_SHOWN } else { usize::MAX };
                            pages::open_todos(c, customer, mine.as_deref(), limit, closed)
                        })
                        .map(|rows| {
                            rows.into_iter()
                                .map(|(todo, customer)| QueueRow::Todo {
                                    todo: Box::new(todo),
                                    customer,
                                })
                                .collect()
                        })
                };
                match rows {
                    Ok(rows) => seen.queue = Some(QueueCache { of, rows }),
                    Err(e) => return Some(failed(e)),
                }
            }
            let all = seen.queue.as_ref().map_or(&[][..], |q| &q.rows[..]);
            let total = all.len();
            let selected = keep
                .and_then(|k| all.iter().position(|r| r.key() == (k.0, k.1, k.2.as_str())))
                .unwrap_or_else(|| around.min(total.saturating_sub(1)));
            let offset = selected
                .saturating_sub(QUEUE_WINDOW / 2)
                .min(total.saturating_sub(QUEUE_WINDOW));
            let rows = all
                .iter()
                .skip(offset)
                .take(QUEUE_WINDOW)
                .cloned()
                .collect();
            Reply::Queue {
                seq,
                rows,
                offset,
                total,
                selected,
            }
        }
        Request::Deals { seq } => {
            let deals = store.read(|c| {
                let mut out = Vec::new();
                for d in store::deals::list(c, None)? {
                    let name = store::customers::get(c, d.customer_id)?.fields.name;
                    out.push((d, name));
                }
                Ok((out, store::deals::odds(c)?))
            });
            match deals {
                Ok((deals, odds)) => Reply::Deals { seq, deals, odds },
                Err(e) => failed(e),
            }
        }
        Request::Report { seq, period, owner } => {
            let clock = seen.now(ctx);
            let computed = crate::report::dashboard(store, period, owner, &clock);
            match computed {
                Ok((report, trend)) => Reply::Report {
                    seq,
                    report: Box::new(report),
                    trend: Box::new(trend),
                },
                Err(e) => failed(e),
            }
        }
        Request::Drill {
            seq,
            period,
            owner,
            key,
            label,
        } => {
            let clock = seen.now(ctx);
            let scope = store::reports::Scope::new(period.from, period.to, owner, &clock);
            match store.read(|c| store::reports::customers_behind(c, &scope, key)) {
                Ok(rows) => Reply::Drill { seq, label, rows },
                Err(e) => failed(e),
            }
        }
        Request::Import {
            path,
            on_duplicate,
            dry_run,
            skip_bad,
            overwrite,
        } => {
            let ctx = Ctx::new(ctx.user.clone(), seen.now(ctx));
            let options = crate::io::import::Options {
                dry_run,
                on_duplicate,
                skip_bad,
                maps: Vec::new(),
                source: path.display().to_string(),
                overwrite,
                encoding: Default::default(),
                sheet: None,
            };
            let mut progress = |done: usize, total: usize| {
                let _ = replies.send(Reply::Progress { done, total });
            };
            let report = crate::io::import::open(&path, &options)
                .and_then(|opened| {
                    crate::io::import::run(store, &ctx, opened, &options, &mut progress)
                })
                .map(|mut report| {
                    report.hint = crate::io::import::hint(&path, &options, &report);
                    report
                })
                .map(Box::new)
                .map_err(|e| e.to_string());
            if let Ok(v) = store.read(pages::data_version) {
                seen.version = v;
            }
            Reply::Imported {
                path,
                on_duplicate,
                dry_run,
                report,
            }
        }
        Request::MergePair { keep, other } => {
            match store.read(|c| {
                Ok((
                    store::customers::get(c, keep)?,
                    store::customers::get(c, other)?,
                ))
            }) {
                Ok((k, o)) => Reply::MergePair {
                    keep: Box::new(k),
                    other: Box::new(o),
                },
                Err(e) => failed(e),
            }
        }
        Request::History { id } => {
            match store.read(|c| store::history::for_customer(c, id, 1000)) {
                Ok(entries) => Reply::History { id, entries },
                Err(e) => failed(e),
            }
        }
        Request::Risk { ids } => {
            let clock = seen.now(ctx);
            let found = store.read(|c| {
                let cad = store::risk::cadences(c)?;
                let mut out = Vec::new();
                for id in &ids {
                    let customer = match store::customers::get(c, *id) {
                        Ok(customer) => customer,
                        Err(StoreError::NotFound { .. }) => continue,
                        Err(e) => return Err(e),
                    };
                    if !store::risk::signals(c, &customer, &cad, &clock)?.is_empty() {
                        out.push(*id);
                    }
                }
                Ok(out)
            });
            match found {
                Ok(at_risk) => Reply::Risk {
                    asked: ids,
                    at_risk,
                },
                Err(e) => failed(e),
            }
        }
        Request::DailyPass => {
            // The first start of a day rescores every customer and copies the file: seconds on a
            // large book. On its own thread and connection, the screen's reads are not held up.
            let ctx = Ctx::new(ctx.user.clone(), seen.now(ctx));
            let path = store.path().to_path_buf();
            let replies = replies.clone();
            let spawned = thread::Builder::new()
                .name("kehu-daily".into())
                .spawn(move || {
                    let reply = match daily_pass(&path, &ctx) {
                        Ok((created, warning)) => Reply::DailyDone { created, warning },
                        Err(e) => Reply::Error(e.to_string()),
                    };
                    let _ = replies.send(reply);
                });
            match spawned {
                Ok(_) => return None,
                Err(e) => Reply::Error(format!("cannot start the daily pass: {e}")),
            }
        }
        Request::Counts => {
            let today = ctx.clock.today();
            let counts = store.read(|c| {
                let mut cadences = [0; 3];
                for (slot, tier) in
                    cadences
                        .iter_mut()
                        .zip([Tier::Vip, Tier::Regular, Tier::Potential])
                {
                    *slot = store::settings::cadence_for(c, tier)?;
                }
                Ok((
                    pages::due_counts(c, today)?,
                    store::customers::count(c)?,
                    cadences,
                    store::settings::get(c, "currency")?,
                    (
                        pages::people(c)?,
                        pages::campaign_names(c)?,
                        store::products::list(c)?
                            .into_iter()
                            .map(|p| p.name)
                            .collect::<Vec<_>>(),
                    ),
                ))
            });
            match counts {
                Ok((
                    (overdue, today),
                    customers,
                    cadences,
                    currency,
                    (people, campaigns, products),
                )) => Reply::Counts {
                    overdue,
                    today,
                    customers,
                    cadences,
                    currency,
                    people,
                    campaigns,
                    products,
                },
                Err(e) => failed(e),
            }
        }
        Request::SearchSources => {
            // Reading every customer takes seconds on a large book: on its own thread and
            // connection, so neither waits for the other's requests (the Today queue of a
            // million customers, say). Parts go to the screen as they are read; the last one
            // answers the request.
            let path = store.path().to_path_buf();
            let reader = ctx.clone();
            let to_screen = replies.clone();
            seen.search_reads += 1;
            let read = seen.search_reads;
            let spawned = thread::Builder::new()
                .name("kehu-index-read".into())
                .spawn(move || {
                    let outcome =
                        Store::open(&path, OpenMode::Existing, &reader).and_then(|store| {
                            read_search_entries(&store, &path, &reader, &to_screen, read)
                        });
                    let _ = to_screen.send(match outcome {
                        Ok(()) => Reply::SearchRead {
                            read,
                            entries: Vec::new(),
                        },
                        Err(e) => Reply::Error(e.to_string()),
                    });
                });
            match spawned {
                Ok(_) => return None,
                Err(_) => match read_search_entries(store, store.path(), ctx, replies, read) {
                    Ok(()) => Reply::SearchRead {
                        read,
                        entries: Vec::new(),
                    },
                    Err(e) => failed(e),
                },
            }
        }
        Request::Save { token, save } => {
            let ctx = Ctx::new(ctx.user.clone(), seen.now(ctx));
            let is_undo = matches!(save, Save::Undo { .. } | Save::UndoImport { .. });
            let outcome = store.write(|c| apply(c, &ctx, save));
            let change = store.last_change().filter(|_| outcome.is_ok() && !is_undo);
            // Our own commit must not look like someone else's; the screen refreshes for it itself.
            if let Ok(v) = store.read(pages::data_version) {
                seen.version = v;
            }
            if let Ok(id) = store.read(store::history::last_id) {
                seen.log_id = id;
            }
            match outcome {
                Ok((customer, message)) => Reply::Saved {
                    token,
                    customer,
                    message,
                    change,
                },
                Err(e) => {
                    let (conflict, stored) = match &e {
                        StoreError::Conflict {
                            what: "customer",
                            id,
                            current_version,
                            ..
                        } => (
                            Some(*current_version),
                            store
                                .read(|c| store::customers::get(c, *id))
                                .ok()
                                .map(Box::new),
                        ),
                        StoreError::Conflict {
                            current_version, ..
                        } => (Some(*current_version), None),
                        _ => (None, None),
                    };
                    let field = match &e {
                        StoreError::Input(input) => {
                            Some((input.field.clone(), input.reason.clone()))
                        }
                        _ => None,
                    };
                    Reply::SaveFailed {
                        token,
                        conflict,
                        stored,
                        error: e.to_string(),
                        field,
                    }
                }
            }
        }
        Request::SearchSourcesFor(ids) => {
            match store.read(|c| pages::search_sources_for(c, &ids)) {
                Ok(changed) => {
                    let gone = ids
                        .iter()
                        .copied()
                        .filter(|id| !changed.iter().any(|s| s.customer.id == *id))
                        .collect();
                    Reply::SearchPatch { changed, gone }
                }
                Err(e) => failed(e),
            }
        }
        Request::RunLine(line) => {
            let ctx = Ctx::new(ctx.user.clone(), seen.now(ctx));
            let result = crate::cli::run_line(store.path(), &ctx, &line).map_err(|e| e.to_string());
            Reply::LineDone { line, result }
        }
        Request::Presence => {
            let here = store::presence::heartbeat(store.conn(), &ctx.user).ok()?;
            Reply::Others(
                here.into_iter()
                    .map(|p| format!("{}@{}", p.user, p.host))
                    .collect(),
            )
        }
        Request::Poll => {
            if store.is_server() {
                seen.quiet_polls += 1;
                if !store.announced() && seen.quiet_polls < READ_LOG_EVERY {
                    return None;
                }
                seen.quiet_polls = 0;
            }
            let v = store.read(pages::data_version).ok()?;
            if v == seen.version {
                return None;
            }
            seen.version = v;
            let (set, last) = store
                .read(|c| changes_since(c, seen.log_id, &ctx.user))
                .ok()?;
            seen.log_id = last;
            Reply::Changed(set)
        }
    })
}
