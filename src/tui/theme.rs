//! Styles in one place. Every cue that colour carries also has a symbol or a modifier, so it
//! survives `NO_COLOR` (where crossterm drops all colour).

use ratatui::style::{Color, Modifier, Style};

pub const FOCUS_BORDER: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const BORDER: Style = Style::new().fg(Color::DarkGray);
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
pub const HEADER: Style = Style::new().add_modifier(Modifier::BOLD);
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const OVERDUE: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const TODAY: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
pub const MATCH: Style = Style::new()
    .fg(Color::Yellow)
    .add_modifier(Modifier::UNDERLINED);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const OK: Style = Style::new().fg(Color::Green);
pub const KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const VIP: Style = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD);
