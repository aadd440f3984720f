//! The key table: every binding as data (layer, key, action, description). Dispatch, the help
//! screen and the hint line all read this one table, so they cannot drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::state::Pane;

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
            Layer::Panes => "Everywhere",
            Layer::List => "Customer list",
            Layer::Profile => "Profile",
            Layer::Timeline => "Timeline",
            Layer::Queue => "Queue",
            Layer::Search => "Search line",
            Layer::Form => "Forms",
            Layer::Confirm => "Questions",
            Layer::Help => "Help",
            Layer::Entry => "Timeline entry",
            Layer::Pipeline => "Pipeline",
            Layer::Dashboard => "Dashboard",
            Layer::Merge => "Merging two customers",
            Layer::Import => "Import preview",
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

impl Key {
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
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

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

use Layer::*;

pub const BINDINGS: &[Binding] = &[
    b(Panes, k('q'), Action::Quit, "quit", "quit"),
    b(Panes, ctrl('c'), Action::Quit, "quit (from anywhere)", ""),
    b(
        Panes,
        code(KeyCode::Tab),
        Action::FocusNext,
        "next pane",
        "",
    ),
    b(
        Panes,
        code(KeyCode::BackTab),
        Action::FocusPrev,
        "previous pane",
        "",
    ),
    b(
        Panes,
        k('1'),
        Action::Focus(Pane::List),
        "go to the customer list",
        "",
    ),
    b(
        Panes,
        k('2'),
        Action::Focus(Pane::Profile),
        "go to the profile",
        "",
    ),
    b(
        Panes,
        k('3'),
        Action::Focus(Pane::Timeline),
        "go to the timeline",
        "",
    ),
    b(
        Panes,
        k('4'),
        Action::Focus(Pane::Queue),
        "go to the queue",
        "",
    ),
    b(
        Panes,
        k('/'),
        Action::StartSearch,
        "search customers",
        "search",
    ),
    b(
        Panes,
        k('l'),
        Action::LogInteraction,
        "log an interaction",
        "log",
    ),
    b(Panes, k('t'), Action::AddTodo, "add a to-do", "to-do"),
    b(Panes, k('?'), Action::Help, "help: every key", "help"),
    b(Panes, k('P'), Action::OpenPipeline, "the deal pipeline", ""),
    b(
        Panes,
        k('D'),
        Action::OpenDashboard,
        "the dashboard: figures and charts",
        "",
    ),
    b(
        Panes,
        k('H'),
        Action::ShowHistory,
        "who changed what: the customer's history",
        "",
    ),
    b(
        Panes,
        k('i'),
        Action::StartImport,
        "import customers from a CSV file (with a preview)",
        "",
    ),
    b(Panes, k('j'), Action::Down, "move down", ""),
    b(Panes, code(KeyCode::Down), Action::Down, "move down", ""),
    b(Panes, k('k'), Action::Up, "move up", ""),
    b(Panes, code(KeyCode::Up), Action::Up, "move up", ""),
    b(Panes, k('g'), Action::Top, "go to the first row", ""),
    b(
        Panes,
        code(KeyCode::Home),
        Action::Top,
        "go to the first row",
        "",
    ),
    b(Panes, k('G'), Action::Bottom, "go to the last row", ""),
    b(
        Panes,
        code(KeyCode::End),
        Action::Bottom,
        "go to the last row",
        "",
    ),
    b(
        Panes,
        code(KeyCode::PageDown),
        Action::PageDown,
        "page down",
        "",
    ),
    b(Panes, code(KeyCode::PageUp), Action::PageUp, "page up", ""),
    b(List, k('a'), Action::AddCustomer, "add a customer", "add"),
    b(
        List,
        k('I'),
        Action::InviteShown,
        "invite the customers shown to a campaign",
        "",
    ),
    b(
        List,
        k('O'),
        Action::ChangeOwner,
        "reassign the customer, or claim one from the pool",
        "",
    ),
    b(
        List,
        k('M'),
        Action::MergeMark,
        "merge: mark a duplicate, then M on the customer to keep",
        "",
    ),
    b(
        Profile,
        k('M'),
        Action::MergeMark,
        "merge: mark a duplicate, then M on the customer to keep",
        "",
    ),
    b(
        Profile,
        k('O'),
        Action::ChangeOwner,
        "reassign the customer, or claim one from the pool",
        "",
    ),
    b(
        List,
        k('e'),
        Action::EditCustomer,
        "edit the customer",
        "edit",
    ),
    b(
        List,
        k('s'),
        Action::CycleSort,
        "sort by name / last contact / next due / value",
        "sort",
    ),
    b(
        List,
        k('f'),
        Action::CycleFilter,
        "filter by tier, stage, owner or tag",
        "filter",
    ),
    b(
        List,
        code(KeyCode::Esc),
        Action::ClearFilter,
        "clear the search and filter",
        "",
    ),
    b(Profile, k('a'), Action::AddCustomer, "add a customer", ""),
    b(
        Profile,
        k('e'),
        Action::EditCustomer,
        "edit the customer",
        "edit",
    ),
    b(
        Profile,
        k('c'),
        Action::AddContact,
        "add a contact person",
        "contact",
    ),
    b(
        Profile,
        k('p'),
        Action::AddPurchase,
        "record a purchase",
        "purchase",
    ),
    b(
        Profile,
        k('v'),
        Action::AddSurvey,
        "record a satisfaction survey",
        "survey",
    ),
    b(
        Profile,
        k('!'),
        Action::OpenTicket,
        "open a complaint or service request",
        "complaint",
    ),
    b(Profile, k('n'), Action::AddDeal, "open a new deal", ""),
    b(
        Profile,
        k('r'),
        Action::ProgressTicket,
        "respond to, resolve or close the open ticket",
        "",
    ),
    b(
        Profile,
        k('A'),
        Action::MarkAttendance,
        "mark campaign attendance or response",
        "",
    ),
    b(
        Profile,
        k('C'),
        Action::EditContact,
        "edit the picked contact person ([ ] pick)",
        "",
    ),
    b(
        Timeline,
        code(KeyCode::Enter),
        Action::OpenEntry,
        "open the entry",
        "open",
    ),
    b(
        Timeline,
        k('e'),
        Action::EditEntry,
        "edit the entry",
        "edit",
    ),
    b(
        Timeline,
        k('d'),
        Action::DeleteEntry,
        "delete the entry",
        "delete",
    ),
    b(
        Queue,
        k('x'),
        Action::CompleteTodo,
        "act: complete a to-do (a repeating one schedules its next), answer a complaint, log a call, open a deal",
        "act",
    ),
    b(Queue, k(' '), Action::CompleteTodo, "complete", ""),
    b(Queue, k('z'), Action::SnoozeDay, "snooze a day", "+1 day"),
    b(
        Queue,
        k('Z'),
        Action::SnoozeWeek,
        "snooze a week",
        "+1 week",
    ),
    b(Queue, k('e'), Action::EditTodo, "edit the to-do", "edit"),
    b(
        Queue,
        k('T'),
        Action::ToggleQueueView,
        "Today queue / every open to-do",
        "today/all",
    ),
    b(
        Queue,
        k('m'),
        Action::ToggleQueueMine,
        "only my customers and to-dos / everyone's",
        "mine",
    ),
    b(
        Profile,
        k(']'),
        Action::NextContact,
        "pick the next contact person",
        "",
    ),
    b(
        Profile,
        k('['),
        Action::PrevContact,
        "pick the previous contact person",
        "",
    ),
    b(
        Queue,
        k('o'),
        Action::ToggleQueueScope,
        "all customers / only the selected one",
        "only this one",
    ),
    b(
        Search,
        code(KeyCode::Enter),
        Action::KeepSearch,
        "keep the results as the list",
        "keep",
    ),
    b(
        Search,
        code(KeyCode::Esc),
        Action::ClearFilter,
        "clear the search",
        "clear",
    ),
    b(Search, code(KeyCode::Down), Action::Down, "next result", ""),
    b(Search, code(KeyCode::Up), Action::Up, "previous result", ""),
    b(
        Search,
        code(KeyCode::Backspace),
        Action::Backspace,
        "delete a character",
        "",
    ),
    b(
        Form,
        code(KeyCode::Tab),
        Action::FieldNext,
        "next field",
        "next",
    ),
    b(
        Form,
        code(KeyCode::Down),
        Action::FieldNext,
        "next field",
        "",
    ),
    b(
        Form,
        code(KeyCode::BackTab),
        Action::FieldPrev,
        "previous field",
        "back",
    ),
    b(
        Form,
        code(KeyCode::Up),
        Action::FieldPrev,
        "previous field",
        "",
    ),
    b(Form, code(KeyCode::Enter), Action::Submit, "save", "save"),
    b(Form, ctrl('s'), Action::Submit, "save", ""),
    b(
        Form,
        code(KeyCode::Esc),
        Action::Close,
        "close (asks if anything was typed)",
        "close",
    ),
    b(
        Form,
        code(KeyCode::Backspace),
        Action::Backspace,
        "delete a character",
        "",
    ),
    b(
        Form,
        code(KeyCode::Left),
        Action::CursorLeft,
        "cursor left",
        "",
    ),
    b(
        Form,
        code(KeyCode::Right),
        Action::CursorRight,
        "cursor right",
        "",
    ),
    b(
        Form,
        ctrl('o'),
        Action::Overwrite,
        "after a conflict: save over the other change",
        "",
    ),
    b(
        Form,
        ctrl('r'),
        Action::Reload,
        "after a conflict: reload and lose your edit",
        "",
    ),
    b(
        Form,
        ctrl('t'),
        Action::TakeTheirs,
        "after a conflict: take the teammate's value for this field",
        "",
    ),
    b(Form, ctrl('c'), Action::Quit, "quit (asks first)", ""),
    b(Confirm, k('y'), Action::Answer(true), "yes", "yes"),
    b(
        Confirm,
        code(KeyCode::Enter),
        Action::Answer(true),
        "yes",
        "",
    ),
    b(Confirm, k('n'), Action::Answer(false), "no", "no"),
    b(Confirm, code(KeyCode::Esc), Action::Answer(false), "no", ""),
    b(
        Help,
        code(KeyCode::Esc),
        Action::Close,
        "close help",
        "close",
    ),
    b(Help, k('?'), Action::Close, "close help", ""),
    b(Help, k('q'), Action::Close, "close help", ""),
    b(Help, k('j'), Action::Down, "scroll", ""),
    b(Help, code(KeyCode::Down), Action::Down, "scroll", ""),
    b(Help, k('k'), Action::Up, "scroll", ""),
    b(Help, code(KeyCode::Up), Action::Up, "scroll", ""),
    b(Entry, code(KeyCode::Esc), Action::Close, "close", "close"),
    b(Entry, code(KeyCode::Enter), Action::Close, "close", ""),
    b(Entry, k('e'), Action::EditEntry, "edit", "edit"),
    b(Entry, k('d'), Action::DeleteEntry, "delete", "delete"),
    b(
        Pipeline,
        code(KeyCode::Esc),
        Action::Close,
        "close the pipeline",
        "close",
    ),
    b(Pipeline, k('q'), Action::Close, "close the pipeline", ""),
    b(Pipeline, k('h'), Action::Left, "previous stage column", ""),
    b(
        Pipeline,
        code(KeyCode::Left),
        Action::Left,
        "previous stage column",
        "",
    ),
    b(Pipeline, k('l'), Action::Right, "next stage column", ""),
    b(
        Pipeline,
        code(KeyCode::Right),
        Action::Right,
        "next stage column",
        "",
    ),
    b(Pipeline, k('j'), Action::Down, "next deal", ""),
    b(Pipeline, code(KeyCode::Down), Action::Down, "next deal", ""),
    b(Pipeline, k('k'), Action::Up, "previous deal", ""),
    b(Pipeline, code(KeyCode::Up), Action::Up, "previous deal", ""),
    b(
        Pipeline,
        k('>'),
        Action::DealNextStage,
        "move the deal to the next stage",
        "next stage",
    ),
    b(
        Pipeline,
        k('<'),
        Action::DealPrevStage,
        "move the deal back a stage",
        "back",
    ),
    b(
        Pipeline,
        k('w'),
        Action::DealWonWithPurchase,
        "won, and record the purchase",
        "won",
    ),
    b(
        Pipeline,
        k('W'),
        Action::DealWon,
        "won, without recording a purchase",
        "",
    ),
    b(
        Pipeline,
        k('L'),
        Action::DealLost,
        "lost (asks the reason)",
        "lost",
    ),
    b(
        Pipeline,
        code(KeyCode::Enter),
        Action::Select,
        "go to the deal's customer",
        "customer",
    ),
    b(
        Dashboard,
        code(KeyCode::Esc),
        Action::Close,
        "close (or leave the customer list)",
        "close",
    ),
    b(
        Dashboard,
        k('q'),
        Action::Close,
        "close (or leave the customer list)",
        "",
    ),
    b(
        Dashboard,
        k('j'),
        Action::Down,
        "next figure or customer",
        "",
    ),
    b(
        Dashboard,
        code(KeyCode::Down),
        Action::Down,
        "next figure or customer",
        "",
    ),
    b(
        Dashboard,
        k('k'),
        Action::Up,
        "previous figure or customer",
        "",
    ),
    b(
        Dashboard,
        code(KeyCode::Up),
        Action::Up,
        "previous figure or customer",
        "",
    ),
    b(
        Dashboard,
        code(KeyCode::Enter),
        Action::Select,
        "the customers behind the figure; go to a customer",
        "customers",
    ),
    b(Dashboard, k('h'), Action::Left, "the period before", ""),
    b(
        Dashboard,
        code(KeyCode::Left),
        Action::Left,
        "the period before",
        "earlier",
    ),
    b(Dashboard, k('l'), Action::Right, "the period after", ""),
    b(
        Dashboard,
        code(KeyCode::Right),
        Action::Right,
        "the period after",
        "later",
    ),
    b(
        Dashboard,
        k('m'),
        Action::ToggleMine,
        "my customers / everyone's",
        "mine",
    ),
    b(
        Merge,
        code(KeyCode::Esc),
        Action::Close,
        "cancel the merge",
        "cancel",
    ),
    b(Merge, k('j'), Action::Down, "next field", ""),
    b(Merge, code(KeyCode::Down), Action::Down, "next field", ""),
    b(Merge, k('k'), Action::Up, "previous field", ""),
    b(Merge, code(KeyCode::Up), Action::Up, "previous field", ""),
    b(
        Merge,
        k(' '),
        Action::Toggle,
        "keep this value or take the other's",
        "choose",
    ),
    b(
        Merge,
        code(KeyCode::Tab),
        Action::Toggle,
        "keep this value or take the other's",
        "",
    ),
    b(
        Merge,
        code(KeyCode::Enter),
        Action::Submit,
        "merge: move every record to the kept customer",
        "merge",
    ),
    b(Import, k('y'), Action::Answer(true), "import", "import"),
    b(Import, k('n'), Action::Answer(false), "cancel", "cancel"),
    b(
        Import,
        code(KeyCode::Esc),
        Action::Answer(false),
        "cancel",
        "",
    ),
    b(Import, k('j'), Action::Down, "next likely duplicate", ""),
    b(
        Import,
        code(KeyCode::Down),
        Action::Down,
        "next likely duplicate",
        "",
    ),
    b(Import, k('k'), Action::Up, "previous likely duplicate", ""),
    b(
        Import,
        code(KeyCode::Up),
        Action::Up,
        "previous likely duplicate",
        "",
    ),
    b(
        Import,
        k(' '),
        Action::Toggle,
        "overwrite this stored customer's differing fields with the file's (or not)",
        "overwrite",
    ),
];

/// The action bound to `key` in `layer`, if any.
pub fn lookup(layer: Layer, key: Key) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.layer == layer && b.key == key)
        .map(|b| b.action)
}

/// The hint line's entries for the layers in force, most specific first.
pub fn hints(layers: &[Layer]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for layer in layers {
        for b in BINDINGS
            .iter()
            .filter(|b| b.layer == *layer && !b.hint.is_empty())
        {
            if !out.iter().any(|(k, _)| *k == b.key.label()) {
                out.push((b.key.label(), b.hint));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
