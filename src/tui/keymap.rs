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
    b(Panes, k('q'), Action::Quit, "key.quit", "hint.quit"),
    b(Panes, ctrl('c'), Action::Quit, "key.quit_from_anywhere", ""),
    b(
        Panes,
        code(KeyCode::Tab),
        Action::FocusNext,
        "key.next_pane",
        "",
    ),
    b(
        Panes,
        code(KeyCode::BackTab),
        Action::FocusPrev,
        "key.previous_pane",
        "",
    ),
    b(
        Panes,
        k('1'),
        Action::Focus(Pane::List),
        "key.go_to_the_customer_list",
        "",
    ),
    b(
        Panes,
        k('2'),
        Action::Focus(Pane::Profile),
        "key.go_to_the_profile",
        "",
    ),
    b(
        Panes,
        k('3'),
        Action::Focus(Pane::Timeline),
        "key.go_to_the_timeline",
        "",
    ),
    b(
        Panes,
        k('4'),
        Action::Focus(Pane::Queue),
        "key.go_to_the_queue",
        "",
    ),
    b(
        Panes,
        k('/'),
        Action::StartSearch,
        "key.search_customers",
        "hint.search",
    ),
    b(
        Panes,
        k('l'),
        Action::LogInteraction,
        "key.log_an_interaction",
        "hint.log",
    ),
    b(
        Panes,
        k('t'),
        Action::AddTodo,
        "key.add_a_to_do",
        "hint.to_do",
    ),
    b(
        Panes,
        k('?'),
        Action::Help,
        "key.help_every_key",
        "hint.help",
    ),
    b(
        Panes,
        k('P'),
        Action::OpenPipeline,
        "key.the_deal_pipeline",
        "",
    ),
    b(
        Panes,
        k('D'),
        Action::OpenDashboard,
        "key.the_dashboard_figures_and_charts",
        "",
    ),
    b(
        Panes,
        k('H'),
        Action::ShowHistory,
        "key.who_changed_what_the_customer_s_history",
        "",
    ),
    b(
        Panes,
        k('i'),
        Action::StartImport,
        "key.import_customers_from_a_csv_file_with_a_preview",
        "",
    ),
    b(Panes, k('j'), Action::Down, "key.move_down", ""),
    b(
        Panes,
        code(KeyCode::Down),
        Action::Down,
        "key.move_down",
        "",
    ),
    b(Panes, k('k'), Action::Up, "key.move_up", ""),
    b(Panes, code(KeyCode::Up), Action::Up, "key.move_up", ""),
    b(Panes, k('g'), Action::Top, "key.go_to_the_first_row", ""),
    b(
        Panes,
        code(KeyCode::Home),
        Action::Top,
        "key.go_to_the_first_row",
        "",
    ),
    b(Panes, k('G'), Action::Bottom, "key.go_to_the_last_row", ""),
    b(
        Panes,
        code(KeyCode::End),
        Action::Bottom,
        "key.go_to_the_last_row",
        "",
    ),
    b(
        Panes,
        code(KeyCode::PageDown),
        Action::PageDown,
        "key.page_down",
        "",
    ),
    b(
        Panes,
        code(KeyCode::PageUp),
        Action::PageUp,
        "key.page_up",
        "",
    ),
    b(
        List,
        k('a'),
        Action::AddCustomer,
        "key.add_a_customer",
        "hint.add",
    ),
    b(
        List,
        k('I'),
        Action::InviteShown,
        "key.invite_the_customers_shown_to_a_campaign",
        "",
    ),
    b(
        List,
        k('O'),
        Action::ChangeOwner,
        "key.reassign_the_customer_or_claim_one_from_the_pool",
        "",
    ),
    b(
        List,
        k('M'),
        Action::MergeMark,
        "key.merge_mark_a_duplicate_then_m_on_the_customer_to",
        "",
    ),
    b(
        Profile,
        k('M'),
        Action::MergeMark,
        "key.merge_mark_a_duplicate_then_m_on_the_customer_to",
        "",
    ),
    b(
        Profile,
        k('O'),
        Action::ChangeOwner,
        "key.reassign_the_customer_or_claim_one_from_the_pool",
        "",
    ),
    b(
        List,
        k('e'),
        Action::EditCustomer,
        "key.edit_the_customer",
        "hint.edit",
    ),
    b(
        List,
        k('s'),
        Action::CycleSort,
        "key.sort_by_name_last_contact_next_due_value",
        "hint.sort",
    ),
    b(
        List,
        k('f'),
        Action::CycleFilter,
        "key.filter_by_tier_stage_owner_or_tag",
        "hint.filter",
    ),
    b(
        List,
        code(KeyCode::Esc),
        Action::ClearFilter,
        "key.clear_the_search_and_filter",
        "",
    ),
    b(
        Profile,
        k('a'),
        Action::AddCustomer,
        "key.add_a_customer",
        "",
    ),
    b(
        Profile,
        k('e'),
        Action::EditCustomer,
        "key.edit_the_customer",
        "hint.edit",
    ),
    b(
        Profile,
        k('c'),
        Action::AddContact,
        "key.add_a_contact_person",
        "hint.contact",
    ),
    b(
        Profile,
        k('p'),
        Action::AddPurchase,
        "key.record_a_purchase",
        "hint.purchase",
    ),
    b(
        Profile,
        k('v'),
        Action::AddSurvey,
        "key.record_a_satisfaction_survey",
        "hint.survey",
    ),
    b(
        Profile,
        k('!'),
        Action::OpenTicket,
        "key.open_a_complaint_or_service_request",
        "hint.complaint",
    ),
    b(Profile, k('n'), Action::AddDeal, "key.open_a_new_deal", ""),
    b(
        Profile,
        k('r'),
        Action::ProgressTicket,
        "key.respond_to_resolve_or_close_the_open_ticket",
        "",
    ),
    b(
        Profile,
        k('A'),
        Action::MarkAttendance,
        "key.mark_campaign_attendance_or_response",
        "",
    ),
    b(
        Profile,
        k('C'),
        Action::EditContact,
        "key.edit_the_picked_contact_person_pick",
        "",
    ),
    b(
        Timeline,
        code(KeyCode::Enter),
        Action::OpenEntry,
        "key.open_the_entry",
        "hint.open",
    ),
    b(
        Timeline,
        k('e'),
        Action::EditEntry,
        "key.edit_the_entry",
        "hint.edit",
    ),
    b(
        Timeline,
        k('d'),
        Action::DeleteEntry,
        "key.delete_the_entry",
        "hint.delete",
    ),
    b(
        Queue,
        k('x'),
        Action::CompleteTodo,
        "key.act_complete_a_to_do_a_repeating_one_schedules_i",
        "hint.act",
    ),
    b(Queue, k(' '), Action::CompleteTodo, "key.complete", ""),
    b(
        Queue,
        k('z'),
        Action::SnoozeDay,
        "key.snooze_a_day",
        "hint.1_day",
    ),
    b(
        Queue,
        k('Z'),
        Action::SnoozeWeek,
        "key.snooze_a_week",
        "hint.1_week",
    ),
    b(
        Queue,
        k('e'),
        Action::EditTodo,
        "key.edit_the_to_do",
        "hint.edit",
    ),
    b(
        Queue,
        k('T'),
        Action::ToggleQueueView,
        "key.today_queue_every_open_to_do",
        "hint.today_all",
    ),
    b(
        Queue,
        k('m'),
        Action::ToggleQueueMine,
        "key.only_my_customers_and_to_dos_everyone_s",
        "hint.mine",
    ),
    b(
        Profile,
        k(']'),
        Action::NextContact,
        "key.pick_the_next_contact_person",
        "",
    ),
    b(
        Profile,
        k('['),
        Action::PrevContact,
        "key.pick_the_previous_contact_person",
        "",
    ),
    b(
        Queue,
        k('o'),
        Action::ToggleQueueScope,
        "key.all_customers_only_the_selected_one",
        "hint.only_this_one",
    ),
    b(
        Search,
        code(KeyCode::Enter),
        Action::KeepSearch,
        "key.keep_the_results_as_the_list",
        "hint.keep",
    ),
    b(
        Search,
        code(KeyCode::Esc),
        Action::ClearFilter,
        "key.clear_the_search",
        "hint.clear",
    ),
    b(
        Search,
        code(KeyCode::Down),
        Action::Down,
        "key.next_result",
        "",
    ),
    b(
        Search,
        code(KeyCode::Up),
        Action::Up,
        "key.previous_result",
        "",
    ),
    b(
        Search,
        code(KeyCode::Backspace),
        Action::Backspace,
        "key.delete_a_character",
        "",
    ),
    b(
        Form,
        code(KeyCode::Tab),
        Action::FieldNext,
        "key.next_field",
        "hint.next",
    ),
    b(
        Form,
        code(KeyCode::Down),
        Action::FieldNext,
        "key.next_field",
        "",
    ),
    b(
        Form,
        code(KeyCode::BackTab),
        Action::FieldPrev,
        "key.previous_field",
        "hint.back",
    ),
    b(
        Form,
        code(KeyCode::Up),
        Action::FieldPrev,
        "key.previous_field",
        "",
    ),
    b(
        Form,
        code(KeyCode::Enter),
        Action::Submit,
        "key.save",
        "hint.save",
    ),
    b(Form, ctrl('s'), Action::Submit, "key.save", ""),
    b(
        Form,
        code(KeyCode::Esc),
        Action::Close,
        "key.close_asks_if_anything_was_typed",
        "hint.close",
    ),
    b(
        Form,
        code(KeyCode::Backspace),
        Action::Backspace,
        "key.delete_a_character",
        "",
    ),
    b(
        Form,
        code(KeyCode::Left),
        Action::CursorLeft,
        "key.cursor_left",
        "",
    ),
    b(
        Form,
        code(KeyCode::Right),
        Action::CursorRight,
        "key.cursor_right",
        "",
    ),
    b(
        Form,
        ctrl('o'),
        Action::Overwrite,
        "key.after_a_conflict_save_over_the_other_change",
        "",
    ),
    b(
        Form,
        ctrl('r'),
        Action::Reload,
        "key.after_a_conflict_reload_and_lose_your_edit",
        "",
    ),
    b(
        Form,
        ctrl('t'),
        Action::TakeTheirs,
        "key.after_a_conflict_take_the_teammate_s_value_for_t",
        "",
    ),
    b(Form, ctrl('c'), Action::Quit, "key.quit_asks_first", ""),
    b(Confirm, k('y'), Action::Answer(true), "key.yes", "hint.yes"),
    b(
        Confirm,
        code(KeyCode::Enter),
        Action::Answer(true),
        "key.yes",
        "",
    ),
    b(Confirm, k('n'), Action::Answer(false), "key.no", "hint.no"),
    b(
        Confirm,
        code(KeyCode::Esc),
        Action::Answer(false),
        "key.no",
        "",
    ),
    b(
        Help,
        code(KeyCode::Esc),
        Action::Close,
        "key.close_help",
        "hint.close",
    ),
    b(Help, k('?'), Action::Close, "key.close_help", ""),
    b(Help, k('q'), Action::Close, "key.close_help", ""),
    b(Help, k('j'), Action::Down, "key.scroll", ""),
    b(Help, code(KeyCode::Down), Action::Down, "key.scroll", ""),
    b(Help, k('k'), Action::Up, "key.scroll", ""),
    b(Help, code(KeyCode::Up), Action::Up, "key.scroll", ""),
    b(
        Entry,
        code(KeyCode::Esc),
        Action::Close,
        "key.close",
        "hint.close",
    ),
    b(Entry, code(KeyCode::Enter), Action::Close, "key.close", ""),
    b(Entry, k('e'), Action::EditEntry, "key.edit", "hint.edit"),
    b(
        Entry,
        k('d'),
        Action::DeleteEntry,
        "key.delete",
        "hint.delete",
    ),
    b(
        Pipeline,
        code(KeyCode::Esc),
        Action::Close,
        "key.close_the_pipeline",
        "hint.close",
    ),
    b(
        Pipeline,
        k('q'),
        Action::Close,
        "key.close_the_pipeline",
        "",
    ),
    b(
        Pipeline,
        k('h'),
        Action::Left,
        "key.previous_stage_column",
        "",
    ),
    b(
        Pipeline,
        code(KeyCode::Left),
        Action::Left,
        "key.previous_stage_column",
        "",
    ),
    b(Pipeline, k('l'), Action::Right, "key.next_stage_column", ""),
    b(
        Pipeline,
        code(KeyCode::Right),
        Action::Right,
        "key.next_stage_column",
        "",
    ),
    b(Pipeline, k('j'), Action::Down, "key.next_deal", ""),
    b(
        Pipeline,
        code(KeyCode::Down),
        Action::Down,
        "key.next_deal",
        "",
    ),
    b(Pipeline, k('k'), Action::Up, "key.previous_deal", ""),
    b(
        Pipeline,
        code(KeyCode::Up),
        Action::Up,
        "key.previous_deal",
        "",
    ),
    b(
        Pipeline,
        k('>'),
        Action::DealNextStage,
        "key.move_the_deal_to_the_next_stage",
        "hint.next_stage",
    ),
    b(
        Pipeline,
        k('<'),
        Action::DealPrevStage,
        "key.move_the_deal_back_a_stage",
        "hint.back",
    ),
    b(
        Pipeline,
        k('w'),
        Action::DealWonWithPurchase,
        "key.won_and_record_the_purchase",
        "hint.won",
    ),
    b(
        Pipeline,
        k('W'),
        Action::DealWon,
        "key.won_without_recording_a_purchase",
        "",
    ),
    b(
        Pipeline,
        k('L'),
        Action::DealLost,
        "key.lost_asks_the_reason",
        "hint.lost",
    ),
    b(
        Pipeline,
        code(KeyCode::Enter),
        Action::Select,
        "key.go_to_the_deal_s_customer",
        "hint.customer",
    ),
    b(
        Dashboard,
        code(KeyCode::Esc),
        Action::Close,
        "key.close_or_leave_the_customer_list",
        "hint.close",
    ),
    b(
        Dashboard,
        k('q'),
        Action::Close,
        "key.close_or_leave_the_customer_list",
        "",
    ),
    b(
        Dashboard,
        k('j'),
        Action::Down,
        "key.next_figure_or_customer",
        "",
    ),
    b(
        Dashboard,
        code(KeyCode::Down),
        Action::Down,
        "key.next_figure_or_customer",
        "",
    ),
    b(
        Dashboard,
        k('k'),
        Action::Up,
        "key.previous_figure_or_customer",
        "",
    ),
    b(
        Dashboard,
        code(KeyCode::Up),
        Action::Up,
        "key.previous_figure_or_customer",
        "",
    ),
    b(
        Dashboard,
        code(KeyCode::Enter),
        Action::Select,
        "key.the_customers_behind_the_figure_go_to_a_customer",
        "hint.customers",
    ),
    b(Dashboard, k('h'), Action::Left, "key.the_period_before", ""),
    b(
        Dashboard,
        code(KeyCode::Left),
        Action::Left,
        "key.the_period_before",
        "hint.earlier",
    ),
    b(Dashboard, k('l'), Action::Right, "key.the_period_after", ""),
    b(
        Dashboard,
        code(KeyCode::Right),
        Action::Right,
        "key.the_period_after",
        "hint.later",
    ),
    b(
        Dashboard,
        k('m'),
        Action::ToggleMine,
        "key.my_customers_everyone_s",
        "hint.mine",
    ),
    b(
        Merge,
        code(KeyCode::Esc),
        Action::Close,
        "key.cancel_the_merge",
        "hint.cancel",
    ),
    b(Merge, k('j'), Action::Down, "key.next_field", ""),
    b(
        Merge,
        code(KeyCode::Down),
        Action::Down,
        "key.next_field",
        "",
    ),
    b(Merge, k('k'), Action::Up, "key.previous_field", ""),
    b(
        Merge,
        code(KeyCode::Up),
        Action::Up,
        "key.previous_field",
        "",
    ),
    b(
        Merge,
        k(' '),
        Action::Toggle,
        "key.keep_this_value_or_take_the_other_s",
        "hint.choose",
    ),
    b(
        Merge,
        code(KeyCode::Tab),
        Action::Toggle,
        "key.keep_this_value_or_take_the_other_s",
        "",
    ),
    b(
        Merge,
        code(KeyCode::Enter),
        Action::Submit,
        "key.merge_move_every_record_to_the_kept_customer",
        "hint.merge",
    ),
    b(
        Import,
        k('y'),
        Action::Answer(true),
        "key.import",
        "hint.import",
    ),
    b(
        Import,
        k('n'),
        Action::Answer(false),
        "key.cancel",
        "hint.cancel",
    ),
    b(
        Import,
        code(KeyCode::Esc),
        Action::Answer(false),
        "key.cancel",
        "",
    ),
    b(
        Import,
        k('j'),
        Action::Down,
        "key.next_likely_duplicate",
        "",
    ),
    b(
        Import,
        code(KeyCode::Down),
        Action::Down,
        "key.next_likely_duplicate",
        "",
    ),
    b(
        Import,
        k('k'),
        Action::Up,
        "key.previous_likely_duplicate",
        "",
    ),
    b(
        Import,
        code(KeyCode::Up),
        Action::Up,
        "key.previous_likely_duplicate",
        "",
    ),
    b(
        Import,
        k(' '),
        Action::Toggle,
        "key.overwrite_this_stored_customer_s_differing_field",
        "hint.overwrite",
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
