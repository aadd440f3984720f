//! Waking the screen's loop the moment something arrives: a terminal event from the reader
//! thread, a reply from the store worker or the search thread. A loop that waited up to 40 ms for
//! a key before looking at replies showed every answer up to 40 ms late.

use std::sync::mpsc::{SendError, Sender};
use std::sync::{Arc, Mutex};

use ratatui::crossterm::event::Event;

/// What woke the loop.
pub enum Wake {
    Input(std::io::Result<Event>),
    /// A reply is waiting in the worker's or the searcher's channel.
    Reply,
}

/// Whom to wake: the loop's channel, once it runs (tests drive the screen without one and
/// collect replies themselves).
#[derive(Clone, Default)]
pub struct Waker(Arc<Mutex<Option<Sender<Wake>>>>);

impl Waker {
    pub fn wake(&self) {
        if let Ok(to) = self.0.lock()
            && let Some(tx) = to.as_ref()
        {
            let _ = tx.send(Wake::Reply);
        }
    }

    pub fn set(&self, tx: Sender<Wake>) {
        if let Ok(mut to) = self.0.lock() {
            *to = Some(tx);
        }
    }
}

/// A reply channel's sending end that wakes the loop after each send.
pub struct Notifying<T> {
    tx: Sender<T>,
    waker: Waker,
}

impl<T> Clone for Notifying<T> {
    fn clone(&self) -> Self {
        Notifying {
            tx: self.tx.clone(),
            waker: self.waker.clone(),
        }
    }
}

impl<T> Notifying<T> {
    pub fn new(tx: Sender<T>, waker: Waker) -> Notifying<T> {
        Notifying { tx, waker }
    }

    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.tx.send(value)?;
        self.waker.wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    #[test]
    fn a_reply_wakes_the_loop_once_it_listens() {
        let waker = Waker::default();
        let (replies, rx) = channel();
        let notifying = Notifying::new(replies, waker.clone());
        // Nobody listening yet: the reply is kept, nothing else happens.
        notifying.send(1).unwrap();
        let (wake_tx, wakes) = channel();
        waker.set(wake_tx);
        let worker = std::thread::spawn(move || notifying.send(2).unwrap());
        assert!(matches!(
            wakes.recv_timeout(Duration::from_secs(5)),
            Ok(Wake::Reply)
        ));
        worker.join().unwrap();
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [1, 2]);
    }
}
