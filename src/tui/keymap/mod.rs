//! The key table: every binding as data (layer, key, action, description). Dispatch, the help
//! screen and the hint line all read this one table, so they cannot drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::state::Pane;

mod bindings;
pub mod overrides;
pub use bindings::BINDINGS;

/// Where a key is looked up. Modal layers (form, confirm, help, entry) and the search line take
/// keys before the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Keys that work in any pane.
    Panes,
    List,
    Profile,
    Timeline,
    Queue,
    Search,
    Form,
    Confirm,
    Help,
    Entry,
    Pipeline,
    Dashboard,
    Merge,
    Import,
    Palette,
}

impl Layer {
    pub fn of_pane(p: Pane) -> Layer {
        match p {
            Pane::List => Layer::List,
            Pane::Profile => Layer::Profile,
            Pane::Timeline => Layer::Timeline,
            Pane::Queue => Layer::Queue,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Layer::Panes => "layer.panes",
            Layer::List => "layer.list",
            Layer::Profile => "layer.profile",
            Layer::Timeline => "layer.timeline",
            Layer::Queue => "layer.queue",
            Layer::Search => "layer.search",
            Layer::Form => "layer.form",
            Layer::Confirm => "layer.confirm",
            Layer::Help => "layer.help",
            Layer::Entry => "layer.entry",
            Layer::Pipeline => "layer.pipeline",
            Layer::Dashboard => "layer.dashboard",
            Layer::Merge => "layer.merge",
            Layer::Import => "layer.import",
            Layer::Palette => "layer.palette",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn alt(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::ALT,
    }
}

impl Key {
    /// The key event this key stands for (a click on a hint presses it).
    pub fn event(&self) -> KeyEvent {
        KeyEvent::new(self.code, self.mods)
    }

    /// The table's form of a key event: Shift is part of the character for letters and symbols.
    pub fn from_event(e: &KeyEvent) -> Key {
        let mut mods = e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(e.code, KeyCode::Char(_)) {
            mods |= e.modifiers & KeyModifiers::SHIFT;
        }
        if e.code == KeyCode::BackTab {
            mods = KeyModifiers::NONE;
        }
        Key { code: e.code, mods }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub layer: Layer,
    pub key: Key,
    pub action: Action,
    pub help: &'static str,
    /// The short label in the one-line hint under the panes; empty when not shown there.
    pub hint: &'static str,
}

const fn b(
    layer: Layer,
    key: Key,
    action: Action,
    help: &'static str,
    hint: &'static str,
) -> Binding {
    Binding {
        layer,
        key,
        action,
        help,
        hint,
    }
}

/// The key table in force: kehu's bindings with the user's overrides (`[keys]` in the config
/// file, see [`overrides`]). Dispatch, the help screen and the hint line all read it.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: BINDINGS.to_vec(),
        }
    }
}

impl Keymap {
    /// The action bound to `key` in `layer`, if any.
    pub fn lookup(&self, layer: Layer, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.layer == layer && b.key == key)
            .map(|b| b.action)
    }

    /// The bindings of one layer, in the table's order.
    pub fn of_layer(&self, layer: Layer) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.layer == layer)
    }

    /// The hint line's keys for the layers in force, most specific first, with the key itself
    /// for clicking on them.
    pub fn hints_with_keys(&self, layers: &[Layer]) -> Vec<(String, &'static str, Key)> {
        let mut out: Vec<(String, &'static str, Key)> = Vec::new();
        for layer in layers {
            for b in self.of_layer(*layer).filter(|b| !b.hint.is_empty()) {
                if !out.iter().any(|(k, _, _)| *k == b.key.label()) {
                    out.push((b.key.label(), b.hint, b.key));
                }
            }
        }
        out
    }
}

/// The action kehu binds to `key` in `layer` by default.
pub fn lookup(layer: Layer, key: Key) -> Option<Action> {
    Keymap::default().lookup(layer, key)
}

#[cfg(test)]
mod tests {
    use super::Layer::*;
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_layer_binds_a_key_twice() {
        let mut seen = HashSet::new();
        for b in BINDINGS {
            assert!(
                seen.insert((b.layer, b.key)),
                "{:?} binds {} twice",
                b.layer,
                b.key.label()
            );
        }
    }

    #[test]
    fn pane_keys_do_not_shadow_the_shared_layer() {
        for b in BINDINGS
            .iter()
            .filter(|b| matches!(b.layer, List | Profile | Timeline | Queue))
        {
            let shared = lookup(Panes, b.key);
            assert!(
                shared.is_none(),
                "{:?} rebinds {} which works in every pane",
                b.layer,
                b.key.label()
            );
        }
    }

    #[test]
    fn shift_is_part_of_the_character() {
        let e = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(Panes, Key::from_event(&e)), Some(Action::Bottom));
        let back = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            lookup(Panes, Key::from_event(&back)),
            Some(Action::FocusPrev)
        );
    }
}
