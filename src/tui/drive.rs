//! The screen's loop: draw when something changed, then sleep until a terminal event, a reply
//! from the worker or the searcher, or the tick. The terminal drives it through `tui::run`; the
//! screen bench drives this same loop with keys sent down the same channel, into an off-screen
//! terminal, so what it measures is what a user waits for.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};

use super::App;
use super::wake::Wake;

/// How often time-driven work (the waiting notice, expiring messages, teammates' changes) is
/// looked at when nothing else wakes the loop.
const TICK: Duration = Duration::from_millis(100);

/// Runs until the user quits or every sender of `woken` is gone. `suspend` handles Ctrl-z;
/// `drawn` sees the state after each frame and how long drawing it took.
pub fn drive<B>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    woken: &Receiver<Wake>,
    suspend: &mut dyn FnMut(&mut Terminal<B>, &mut App) -> Result<()>,
    drawn: &mut dyn FnMut(&App, Duration),
) -> Result<()>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let mut dirty = true;
    while !app.state.quit {
        if dirty {
            let started = Instant::now();
            terminal.draw(|f| app.draw(f))?;
            drawn(app, started.elapsed());
            dirty = false;
        }
        let input = match woken.recv_timeout(TICK) {
            Ok(Wake::Input(read)) => Some(read?),
            Ok(Wake::Reply) | Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if let Some(input) = input {
            match input {
                Event::Key(k)
                    if k.kind != KeyEventKind::Release
                        && k.code == KeyCode::Char('z')
                        && k.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    suspend(terminal, app)?
                }
                Event::Key(k) => app.key(k),
                Event::Mouse(m) => app.mouse(m),
                Event::Paste(text) => app.paste(&text),
                _ => {}
            }
            dirty = true;
        }
        dirty |= app.pump();
        dirty |= app.tick();
    }
    Ok(())
}
