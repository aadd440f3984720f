//! The user's own keys: a `[keys]` table in the config file rebinds actions, by the names the
//! help screen shows, in every layer that has the action or in one (`list.log_interaction`):
//!
//! ```toml
//! [keys]
//! log_interaction = "L"
//! quit = ["q", "ctrl-q"]
//! list.add_todo = "T"
//! ```
//!
//! A line that names no action, no key kehu knows, or a key another action already has there is
//! reported with its line number, and the defaults stay for it.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::{Binding, Key, Keymap, Layer};
use crate::i18n::tf;
use crate::tui::action::Action;

/// The name an action goes by in the config file and on the help screen: `LogInteraction` →
/// `log_interaction`, `Focus(List)` → `focus_list`.
pub fn action_name(action: &Action) -> String {
    let mut name = String::new();
    for c in format!("{action:?}").chars() {
        match c {
            'A'..='Z' => {
                if !name.is_empty() && !name.ends_with('_') {
                    name.push('_');
                }
                name.push(c.to_ascii_lowercase());
            }
            '(' | ',' | ' ' => {
                if !name.ends_with('_') {
                    name.push('_');
                }
            }
            ')' => {}
            c => name.push(c),
        }
    }
    name
}

/// The layer a config file names: `list`, `form`, `dashboard`…
fn layer_named(name: &str) -> Option<Layer> {
    use Layer::*;
    [
        Panes, List, Profile, Timeline, Queue, Search, Form, Confirm, Help, Entry, Pipeline,
        Dashboard, Merge, Import, Palette,
    ]
    .into_iter()
    .find(|l| l.title().strip_prefix("layer.") == Some(name))
}

/// A key as the config file writes it: `q`, `L` (Shift is in the letter), `ctrl-q`, `alt-x`,
/// `enter`, `esc`, `tab`, `shift-tab`, `space`, `up`, `pgdn`, `home`, `backspace`, `f2`…
pub fn parse_key(text: &str) -> Option<Key> {
    let text = text.trim();
    let lower = text.to_lowercase();
    let (mods, rest) = if let Some(r) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("c-")) {
        (KeyModifiers::CONTROL, &text[text.len() - r.len()..])
    } else if let Some(r) = lower.strip_prefix("alt-").or(lower.strip_prefix("m-")) {
        (KeyModifiers::ALT, &text[text.len() - r.len()..])
    } else {
        (KeyModifiers::NONE, text)
    };
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if mods == KeyModifiers::NONE => KeyCode::Char(c),
        // Ctrl and Alt take the letter as the terminal sends it.
        (Some(c), None) => KeyCode::Char(c.to_ascii_lowercase()),
        _ => match rest.to_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "shift-tab" | "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            f if f.starts_with('f') => {
                KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
            }
            _ => return None,
        },
    };
    Some(Key { code, mods })
}

/// The quoted strings of a value: `"L"` or `["q", "ctrl-q"]`.
fn strings(value: &str) -> Option<Vec<String>> {
    let value = value.trim();
    let inner = match value.strip_prefix('[') {
        Some(rest) => rest.strip_suffix(']')?,
        None => value,
    };
    let mut out = Vec::new();
    for part in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let s = part
            .strip_prefix('"')
            .and_then(|p| p.strip_suffix('"'))
            .or_else(|| part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')))?;
        out.push(s.to_string());
    }
    (!out.is_empty()).then_some(out)
}

/// The key table with the `[keys]` of a config file's text applied, and each problem found
/// (with its line).
pub fn load(text: &str) -> (Keymap, Vec<String>) {
    let mut map = Keymap::default();
    let mut problems = Vec::new();
    let mut in_keys = false;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            in_keys = line.trim_matches(|c| c == '[' || c == ']').trim() == "keys";
            continue;
        }
        if !in_keys {
            continue;
        }
        let problem = |why: String| tf("keys.problem", &[("line", &line_no), ("why", &why)]);
        let Some((name, value)) = line.split_once('=') else {
            problems.push(problem(tf("keys.not_a_setting", &[("text", &line)])));
            continue;
        };
        let name = name.trim().trim_matches('"');
        let (layer, action_name) = match name.split_once('.') {
            Some((l, a)) => match layer_named(l) {
                Some(layer) => (Some(layer), a),
                None => {
                    problems.push(problem(tf("keys.no_layer", &[("layer", &l)])));
                    continue;
                }
            },
            None => (None, name),
        };
        let Some(texts) = strings(value) else {
            problems.push(problem(tf("keys.not_keys", &[("text", &value.trim())])));
            continue;
        };
        let mut keys = Vec::new();
        for t in &texts {
            match parse_key(t) {
                Some(k) => keys.push(k),
                None => problems.push(problem(tf("keys.unknown_key", &[("key", t)]))),
            }
        }
        if keys.len() != texts.len() {
            continue;
        }
        if let Err(why) = map.rebind(layer, action_name, &keys) {
            problems.push(problem(why));
        }
    }
    (map, problems)
}

impl Keymap {
    /// Binds `name`'s action to `keys` (and only those) in `layer`, or in every layer that has
    /// it. Changes nothing if a key already does something else there.
    fn rebind(&mut self, layer: Option<Layer>, name: &str, keys: &[Key]) -> Result<(), String> {
        let mut layers: Vec<(Layer, Action, &'static str, &'static str)> = Vec::new();
        for b in self
            .bindings
            .iter()
            .filter(|b| action_name(&b.action) == name && layer.is_none_or(|l| l == b.layer))
        {
            if !layers.iter().any(|(l, ..)| *l == b.layer) {
                layers.push((b.layer, b.action, b.help, b.hint));
            }
        }
        if layers.is_empty() {
            return Err(match layer {
                Some(l) => tf(
                    "keys.no_action_in",
                    &[("name", &name), ("layer", &crate::i18n::t(l.title()))],
                ),
                None => tf("keys.no_action", &[("name", &name)]),
            });
        }
        for (l, action, ..) in &layers {
            for key in keys {
                if let Some(other) = self
                    .bindings
                    .iter()
                    .find(|b| b.layer == *l && b.key == *key && b.action != *action)
                {
                    return Err(tf(
                        "keys.taken",
                        &[
                            ("key", &key.label()),
                            ("other", &action_name(&other.action)),
                            ("layer", &crate::i18n::t(l.title())),
                        ],
                    ));
                }
            }
        }
        for (l, action, help, hint) in layers {
            self.bindings
                .retain(|b| !(b.layer == l && b.action == action));
            for (i, key) in keys.iter().enumerate() {
                self.bindings.push(Binding {
                    layer: l,
                    key: *key,
                    action,
                    help,
                    // The hint line shows the first key only.
                    hint: if i == 0 { hint } else { "" },
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn press(map: &Keymap, layer: Layer, key: &str) -> Option<Action> {
        map.lookup(layer, parse_key(key).unwrap())
    }

    #[test]
    fn names_and_keys_read_as_the_help_shows_them() {
        assert_eq!(action_name(&Action::LogInteraction), "log_interaction");
        assert_eq!(
            action_name(&Action::Focus(crate::tui::state::Pane::List)),
            "focus_list"
        );
        assert_eq!(action_name(&Action::Answer(true)), "answer_true");
        assert_eq!(
            parse_key("ctrl-Q"),
            Some(Key::from_event(&KeyEvent::new(
                KeyCode::Char('q'),
                KeyModifiers::CONTROL
            )))
        );
        assert_eq!(parse_key("L").map(|k| k.code), Some(KeyCode::Char('L')));
        assert_eq!(parse_key("f2").map(|k| k.code), Some(KeyCode::F(2)));
        assert_eq!(
            parse_key("shift-tab").map(|k| k.code),
            Some(KeyCode::BackTab)
        );
        assert_eq!(parse_key("hyper-x"), None);
    }

    #[test]
    fn overrides_rebind_report_their_line_and_keep_the_defaults_when_wrong() {
        let text = "user = \"amy\"\n\n[keys]\nlog_interaction = \"L\"\nquit = [\"q\", \"ctrl-q\"]\nfly = \"x\"\nadd_todo = \"j\"\nlist.nothing = \"z\"\nadd_customer = \"hyper-a\"\n[other]\nquit = \"Q\"\n";
        let (map, problems) = load(text);
        assert_eq!(press(&map, Layer::Panes, "L"), Some(Action::LogInteraction));
        assert_eq!(press(&map, Layer::Panes, "l"), None, "the old key is free");
        assert_eq!(press(&map, Layer::Panes, "ctrl-q"), Some(Action::Quit));
        assert_eq!(press(&map, Layer::Panes, "q"), Some(Action::Quit));
        assert_eq!(press(&map, Layer::Panes, "Q"), None, "only [keys] counts");
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(
            problems[0].contains("line 6") && problems[0].contains("fly"),
            "{problems:?}"
        );
        assert!(
            problems[1].contains("line 7") && problems[1].contains("'down'"),
            "{problems:?}"
        );
        assert!(problems[2].contains("line 8"), "{problems:?}");
        assert!(
            problems[3].contains("line 9") && problems[3].contains("hyper-a"),
            "{problems:?}"
        );
        // Refused lines leave their actions as they were.
        assert_eq!(press(&map, Layer::Panes, "t"), Some(Action::AddTodo));
        assert_eq!(press(&map, Layer::List, "a"), Some(Action::AddCustomer));
    }
}
