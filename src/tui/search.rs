//! Fuzzy customer search on its own thread, over the shared matcher (`crate::search`).
//!
//! Queries carry a version; the thread skips to the newest one waiting, so typing never queues
//! up work. When a query only grows, only the previous matches are rescored.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;

pub use crate::search::{Entry, Hit, Index, fold, highlight, rank};
use crate::store::pages::SearchSource;

/// Work for the search thread.
pub enum Job {
    /// Part of every customer, more to come: their entries wait for the rest of `read` (parts
    /// of an earlier read, one that failed, are dropped).
    BuildPart {
        read: u64,
        entries: Vec<Entry>,
    },
    /// The last part of every customer: the index is built from all the parts of `read`.
    Build {
        read: u64,
        entries: Vec<Entry>,
    },
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
    pub fn start(waker: super::wake::Waker) -> Searcher {
        let (tx, jobs) = channel::<Job>();
        let (results, rx) = channel::<Output>();
        let results = super::wake::Notifying::new(results, waker);
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

fn serve(jobs: Receiver<Job>, results: super::wake::Notifying<Output>) {
    let mut index = Arc::new(Index::default());
    let mut last: Option<(String, Vec<Hit>)> = None;
    let mut building: Vec<crate::search::Entry> = Vec::new();
    let mut building_read = 0;
    while let Ok(first) = jobs.recv() {
        // Take everything waiting; only the newest query matters.
        let mut query = None;
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            match job {
                Job::BuildPart { read, entries } => {
                    if read != building_read {
                        building.clear();
                        building_read = read;
                    }
                    building.extend(entries);
                }
                Job::Build { read, entries } => {
                    if read != building_read {
                        building.clear();
                    }
                    building_read = 0;
                    building.extend(entries);
                    index = Arc::new(Index::of_entries(std::mem::take(&mut building)));
                    last = None;
                    give_back_memory();
                    if results.send(Output::Index(Arc::clone(&index))).is_err() {
                        return;
                    }
                }
                Job::Patch { changed, gone } => {
                    index = Arc::new(index.patched(changed, &gone));
                    last = None;
                    give_back_memory();
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
            .filter(|(prev, _)| crate::search::narrows(prev, &text));
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

/// Returns to the system the memory a build freed: the customers it was built from, read on
/// the worker's thread and the index's parts built on every core, are freed into the allocator's
/// per-thread pools, which glibc keeps (tens of MB at 100,000 customers) unless asked.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own pools; it has no
    // preconditions and touches nothing in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::source;

    #[test]
    fn an_index_built_in_parts_is_the_index_built_at_once() {
        let people: Vec<SearchSource> = (1..40)
            .map(|i| source(i, &format!("Lee {}", (i * 7919) % 100), None, None, &[]))
            .collect();
        let s = Searcher::start(crate::tui::wake::Waker::default());
        // A read that failed after one part: its part is not mixed into the next read's.
        s.send(Job::BuildPart {
            read: 1,
            entries: Index::entries(people[..10].to_vec()),
        });
        for part in people.chunks(16).take(2) {
            s.send(Job::BuildPart {
                read: 2,
                entries: Index::entries(part.to_vec()),
            });
        }
        s.send(Job::Build {
            read: 2,
            entries: Index::entries(people[32..].to_vec()),
        });
        let built = loop {
            match s.rx.recv_timeout(std::time::Duration::from_secs(5)) {
                Ok(Output::Index(index)) => break index,
                Ok(_) => continue,
                Err(e) => panic!("no index: {e}"),
            }
        };
        let at_once = Index::build(people);
        let ids = |i: &Index| i.entries.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(&built), ids(&at_once));
        assert_eq!(built.len(), 39);
    }

    #[test]
    fn the_thread_answers_the_newest_query() {
        let s = Searcher::start(crate::tui::wake::Waker::default());
        s.send(Job::Build {
            read: 1,
            entries: Index::entries(vec![
                source(1, "José Müller", None, Some("+49 30 123456"), &[]),
                source(3, "Mary Smith", Some("Acme Robotics"), None, &["Peter Pan"]),
            ]),
        });
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
        assert_eq!(r.index.entries[r.hits[0].index].id, 3);
    }
}
