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

/// Whether colours are off: `NO_COLOR` set to anything but the empty string (no-color.org).
pub fn monochrome() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Takes the colour out of a drawn screen, keeping every modifier, and turns what colour alone
/// said into modifiers: grey (placeholders, hints) becomes dim, colour marks become bold.
///
/// crossterm, told `NO_COLOR`, writes each colour change as an empty SGR (`ESC[m`), which resets
/// reverse video and bold too: the selection vanished. So kehu asks crossterm for colour output and
/// draws nothing but the default colours instead (`ESC[39m`/`ESC[49m` leave modifiers alone).
pub fn strip_colours(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        match cell.fg {
            Color::Reset => {}
            Color::DarkGray | Color::Gray => cell.modifier.insert(Modifier::DIM),
            _ => cell.modifier.insert(Modifier::BOLD),
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
        cell.underline_color = Color::Reset;
    }
}
