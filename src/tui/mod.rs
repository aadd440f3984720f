//! The interactive screen. Data flows one way (DESIGN.md §6):
//! key → key table → `Action` → `update` → requests to the store worker → replies as events →
//! state → view. Panes draw from `State` and never touch the database.

pub mod action;
pub mod drive;
pub mod forms;
pub mod keymap;
pub mod search;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;
pub mod wake;
pub mod worker;

use std::io::{IsTerminal, stdout};
use std::path::Path;

use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::Frame;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::execute;

use crate::store::{self, Ctx};
use keymap::Key;
use search::Searcher;
use state::{Modal, State};
use worker::{Request, Worker};

/// How long a request may run before the status bar says the screen is waiting for the lock.
const WAIT_NOTICE: Duration = Duration::from_millis(300);
/// How long typed keys wait for a customer's details before they are dropped (with a message).
const TYPEAHEAD_LIMIT: Duration = Duration::from_secs(5);
/// How often to look for teammates' presence files.
const PRESENCE_EVERY: Duration = Duration::from_secs(5);
/// How often to ask whether another process has written.
const POLL_EVERY: Duration = Duration::from_millis(700);

/// The screen's state plus its two helper threads.
pub struct App {
    pub state: State,
    worker: Worker,
    searcher: Searcher,
    /// Requests sent to the worker whose replies have not arrived (polls excluded).
    outstanding: usize,
    last_poll: Instant,
    /// This process's presence file, and when others were last looked for.
    presence: Option<store::presence::Presence>,
    db: std::path::PathBuf,
    last_presence: Option<Instant>,
    last_touch: Instant,
    /// The book is on a server: presence goes through the worker.
    on_server: bool,
    /// Keys typed while the highlighted customer's details load, replayed in order once they
    /// arrive (see `State::waiting_for`).
    typeahead: Vec<KeyEvent>,
    /// Wakes the event loop when the worker or the searcher answers.
    waker: wake::Waker,
}

impl App {
    pub fn new(path: &Path, ctx: Ctx, db_label: String) -> Result<App> {
        let waker = wake::Waker::default();
        let worker = Worker::start(path.to_path_buf(), ctx.clone(), waker.clone())?;
        let mut state = State::new(ctx.user.clone(), db_label, ctx.clock);
        state.monochrome = theme::monochrome();
        update::start(&mut state);
        let on_server = store::server::is_address(path);
        let presence = if on_server {
            None
        } else {
            store::presence::Presence::announce(path, &ctx.user)
        };
        // The user's own keys; a line that cannot be used is said, and its defaults stay.
        if let Some(text) =
            crate::config::config_path().and_then(|p| std::fs::read_to_string(p).ok())
        {
            let problems = app_keys(&mut state, &text);
            if let Some(first) = problems.first() {
                state.status.say(
                    crate::i18n::tf("keys.problems", &[("n", &problems.len()), ("first", first)]),
                    state::Tone::Refused,
                );
            }
        }
        if let Some(w) = store::guard::warnings(path).into_iter().next() {
            state.status.say(
                crate::i18n::tf("tui.warning", &[("what", &w)]),
                state::Tone::Refused,
            );
        }
        let mut app = App {
            state,
            worker,
            searcher: Searcher::start(waker.clone()),
            waker,
            outstanding: 0,
            last_poll: Instant::now(),
            presence,
            db: path.to_path_buf(),
            last_presence: None,
            last_touch: Instant::now(),
            on_server,
            typeahead: Vec::new(),
        };
        app.flush();
        Ok(app)
    }

    /// Uses the `[keys]` of a config file's text; returns the problems found, by line.
    pub fn set_keys(&mut self, config_text: &str) -> Vec<String> {
        app_keys(&mut self.state, config_text)
    }

    /// Sends what `update` queued.
    fn flush(&mut self) {
        for r in self.state.outbox.drain(..) {
            if !matches!(r, Request::Poll) {
                self.outstanding += 1;
            }
            self.worker.send(r);
        }
        for job in self.state.search_jobs.drain(..) {
            self.searcher.send(job);
        }
    }

    pub fn key(&mut self, e: KeyEvent) {
        // Windows also reports releases; act on presses only.
        if e.kind == KeyEventKind::Release {
            return;
        }
        // Waiting for details: keep the key for later, in order (Ctrl-c still quits).
        let ctrl_c = e.code == KeyCode::Char('c') && e.modifiers.contains(KeyModifiers::CONTROL);
        if self.state.waiting_for.is_some() && !ctrl_c {
            self.typeahead.push(e);
            return;
        }
        self.state.wants_details = false;
        let key = Key::from_event(&e);
        let layers = view::active_layers(&self.state);
        let action = layers.iter().find_map(|l| self.state.keys.lookup(*l, key));
        match action {
            Some(a) => update::update(&mut self.state, a),
            None => {
                let typing = matches!(
                    self.state.modal,
                    Some(Modal::Form(_) | Modal::Palette { .. })
                ) || self.state.search.editing;
                if let (true, KeyCode::Char(c)) = (typing, e.code)
                    && !e
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    update::text(&mut self.state, &c.to_string());
                } else if e.code == KeyCode::Char('c')
                    && e.modifiers.contains(KeyModifiers::CONTROL)
                {
                    update::update(&mut self.state, action::Action::Quit);
                } else if !typing && !matches!(e.code, KeyCode::Modifier(_)) {
                    // A key that means nothing here says so, and where to find the keys that do.
                    let pane = keymap::Layer::title(layers[0]);
                    self.state.status.say(
                        crate::i18n::tf(
                            "msg.key_does_nothing",
                            &[("key", &key.label()), ("here", &crate::i18n::t(pane))],
                        ),
                        state::Tone::Info,
                    );
                }
            }
        }
        // The key needs details that are still loading: it and the keys after it wait.
        if std::mem::take(&mut self.state.wants_details)
            && let Some(id) = self.state.target_id()
        {
            self.state.waiting_for = Some((id, Instant::now()));
            self.typeahead.push(e);
        }
        self.after_update();
    }

    /// Replays the keys that waited for details, once they are here (or drops them, saying so,
    /// when the highlighted customer changed meanwhile or the details never came).
    fn release_typeahead(&mut self) {
        let Some((id, since)) = self.state.waiting_for else {
            return;
        };
        let ready = self.state.current().is_some_and(|c| c.id == id);
        let moved = self.state.target_id() != Some(id);
        if ready {
            self.state.waiting_for = None;
            for k in std::mem::take(&mut self.typeahead) {
                self.key(k);
            }
        } else if moved || since.elapsed() > TYPEAHEAD_LIMIT {
            self.state.waiting_for = None;
            self.typeahead.clear();
            self.state
                .status
                .say(crate::i18n::t("msg.keys_dropped"), state::Tone::Refused);
        }
    }

    /// A mouse event: a click selects and focuses the row or pane under it, or runs the hint-line
    /// key under it; the wheel scrolls the pane under the pointer (or the open box).
    pub fn mouse(&mut self, e: event::MouseEvent) {
        use event::{MouseButton, MouseEventKind};
        let hit = self.state.clicked(e.column, e.row);
        let free = self.state.modal.is_none() && !self.state.search.editing;
        match e.kind {
            MouseEventKind::Down(MouseButton::Left) => match hit {
                Some(state::Click::Key(k)) => return self.key(k.event()),
                Some(state::Click::Row(p, i)) if free => {
                    update::update(&mut self.state, action::Action::SelectRow(p, i))
                }
                Some(state::Click::Pane(p)) if free => {
                    update::update(&mut self.state, action::Action::Focus(p))
                }
                _ => return,
            },
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let a = if e.kind == MouseEventKind::ScrollDown {
                    action::Action::Down
                } else {
                    action::Action::Up
                };
                if !free {
                    // In a form the wheel would jump between fields: only boxes that scroll take it.
                    if matches!(self.state.modal, Some(Modal::Form(_))) {
                        return;
                    }
                    update::update(&mut self.state, a);
                } else if let Some(state::Click::Pane(p) | state::Click::Row(p, _)) = hit {
                    if self.state.focus != p {
                        update::update(&mut self.state, action::Action::Focus(p));
                    }
                    for _ in 0..3 {
                        update::update(&mut self.state, a);
                    }
                } else {
                    return;
                }
            }
            _ => return,
        }
        self.after_update();
    }

    /// Pasted text is text, never key commands.
    pub fn paste(&mut self, text: &str) {
        update::text(&mut self.state, text);
        self.after_update();
    }

    fn after_update(&mut self) {
        // The filter form is answered here, not by the store.
        update::finish_filter(&mut self.state);
        self.flush();
    }

    /// Applies every reply that has arrived; returns whether anything changed.
    pub fn pump(&mut self) -> bool {
        let mut changed = false;
        while let Ok(reply) = self.worker.rx.try_recv() {
            // Changes, progress and a first part are not (whole) answers to requests.
            if !matches!(
                reply,
                worker::Reply::Changed(_)
                    | worker::Reply::Others(_)
                    | worker::Reply::Progress { .. }
                    | worker::Reply::SearchPart { .. }
                    | worker::Reply::Page { done: false, .. }
            ) {
                self.outstanding = self.outstanding.saturating_sub(1);
            }
            update::reply(&mut self.state, reply);
            changed = true;
        }
        while let Ok(out) = self.searcher.rx.try_recv() {
            match out {
                search::Output::Index(index) => update::search_index(&mut self.state, index),
                search::Output::Results(results) => {
                    update::search_results(&mut self.state, results)
                }
            }
            changed = true;
        }
        self.flush();
        if self.state.waiting_for.is_some() {
            self.release_typeahead();
            changed = true;
        }
        changed
    }

    /// Time-driven work: the waiting notice and the check for other users' changes.
    pub fn tick(&mut self) -> bool {
        let waiting = self
            .worker
            .busy_since
            .lock()
            .ok()
            .and_then(|b| *b)
            .is_some_and(|t| t.elapsed() >= WAIT_NOTICE);
        let waiting_for = waiting
            .then(store::lock::waiting_for)
            .flatten()
            .map(|h| h.describe());
        let mut changed =
            waiting != self.state.status.waiting || waiting_for != self.state.status.waiting_for;
        self.state.status.waiting = waiting;
        self.state.status.waiting_for = waiting_for;
        // Someone's abandoned lock taken over: said once, as a warning.
        for notice in store::lock::take_notices() {
            self.state.status.say(notice, state::Tone::Refused);
            changed = true;
        }
        changed |= self.state.status.expire();
        // Presence: touch our file, and look for teammates every few seconds (a folder listing).
        if self.last_touch.elapsed() >= store::presence::TOUCH_EVERY {
            self.last_touch = Instant::now();
            if let Some(p) = &self.presence {
                p.touch();
            }
        }
        if self
            .last_presence
            .is_none_or(|t| t.elapsed() >= PRESENCE_EVERY)
            && self.on_server
        {
            // A server keeps presence in a table, which only the worker may touch.
            self.last_presence = Some(Instant::now());
            self.worker.send(Request::Presence);
        } else if self
            .last_presence
            .is_none_or(|t| t.elapsed() >= PRESENCE_EVERY)
        {
            self.last_presence = Some(Instant::now());
            let others: Vec<String> = store::presence::others(&self.db)
                .into_iter()
                .map(|p| format!("{}@{}", p.user, p.host))
                .collect();
            changed |= others != self.state.status.others;
            self.state.status.others = others;
        }
        if self.last_poll.elapsed() >= POLL_EVERY && self.outstanding == 0 {
            self.last_poll = Instant::now();
            self.worker.send(Request::Poll);
        }
        changed
    }

    /// Waits (bounded) until every request sent has been answered — for tests.
    pub fn settle(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        loop {
            self.pump();
            // The search thread answers the newest query once its index is built.
            let searching = !self.state.search.text.trim().is_empty()
                && self.state.search.answered != self.state.search.version;
            if self.outstanding == 0 && !searching && self.state.waiting_for.is_none() {
                return true;
            }
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// No request is waiting for an answer.
    pub fn idle(&self) -> bool {
        self.outstanding == 0 && self.state.waiting_for.is_none()
    }

    /// Wakes the loop on `wakes` whenever the worker or the searcher answers.
    pub fn listen(&self, wakes: std::sync::mpsc::Sender<wake::Wake>) {
        self.waker.set(wakes);
    }

    pub fn draw(&mut self, f: &mut Frame) {
        view::draw(f, &mut self.state);
        if self.state.monochrome {
            theme::strip_colours(f.buffer_mut());
        }
    }
}

fn app_keys(state: &mut State, config_text: &str) -> Vec<String> {
    let (keys, problems) = keymap::overrides::load(config_text);
    state.keys = keys;
    problems
}

/// Opens the screen on `path` and runs until the user quits. The terminal is restored on every
/// exit path, panics included (ratatui's hook runs before kehu's own one-line report).
pub fn run(path: &Path, ctx: Ctx, db_label: String) -> Result<()> {
    if !stdout().is_terminal() {
        anyhow::bail!("{}", crate::i18n::t("tui.needs_terminal"));
    }
    let mut app = App::new(path, ctx, db_label)?;
    if app.state.monochrome {
        // kehu removes the colours itself (see `theme::strip_colours`).
        ratatui::crossterm::style::force_color_output(true);
    }
    let mut terminal = ratatui::try_init()?;
    // ratatui's hook restores the screen on a panic; mouse reporting must stop too, or the
    // shell gets escape codes for every movement.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
        previous(info);
    }));
    let _ = execute!(stdout(), EnableBracketedPaste, EnableMouseCapture);
    let result = event_loop(&mut terminal, &mut app);
    let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::try_restore()?;
    result
}

/// Ctrl-z: gives the terminal back and stops, like any terminal program; `fg` brings the
/// screen back as it was.
#[cfg(unix)]
fn suspend(terminal: &mut ratatui::DefaultTerminal, _app: &mut App) -> Result<()> {
    use ratatui::crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
    let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::try_restore()?;
    // SAFETY: raising a signal on our own process; SIGTSTP's default action stops it until
    // SIGCONT, and nothing here runs concurrently with signal handlers of ours (there are none).
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )?;
    terminal.clear()?;
    Ok(())
}

#[cfg(not(unix))]
fn suspend(_terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<()> {
    app.state
        .status
        .say(crate::i18n::t("msg.no_suspend"), state::Tone::Info);
    Ok(())
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<()> {
    // One channel wakes the loop: terminal events from a reader thread, and a note from the
    // worker or the searcher each time it answers — so a reply is drawn the moment it arrives.
    let (wakes, woken) = std::sync::mpsc::channel();
    app.listen(wakes.clone());
    std::thread::Builder::new()
        .name("kehu-input".into())
        .spawn(move || {
            loop {
                let read = event::read();
                let failed = read.is_err();
                if wakes.send(wake::Wake::Input(read)).is_err() || failed {
                    return;
                }
            }
        })?;
    drive::drive(terminal, app, &woken, &mut suspend, &mut |_, _| {})
}
