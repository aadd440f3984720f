//! kehu — a keyboard-first client manager for the terminal.
//!
//! - `domain`: plain types, vocabularies, validation of user input, time rules. No SQL, no terminal.
//! - `store`: the SQLite repository (the only place with SQL): opening, migrations, sharing-safe
//!   writes, one file of plain functions per table group.
//! - `cli`: the command line (clap) and one small function per subcommand.
//! - `demo`: loads the demo data from `assets/`.
//! - `config`: where the database lives and who the user is.
//! - `report`: the figures behind `kehu report` and the dashboard.
//! - `search`: the customer matcher the screen and `customer list --search` share.
//! - `tui`: the interactive screen (ratatui): key table, state, update, views, store worker.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod io;
pub mod report;
pub mod search;
pub mod store;
pub mod tui;
