//! One integration-test binary (built once): the store on temporary databases, migrations, the
//! real `kehu` binary, and several processes sharing one file.

mod care_workflows;
mod cli;
mod cli_failures;
mod cli_language;
mod cli_shell;
mod common;
mod concurrency;
mod crash;
mod hostile;
mod import_duplicates;
mod import_undo;
mod locking;
mod loyalty;
mod migrations;
mod report_splits;
mod reports;
mod restore;
mod search_keys;
mod server;
mod sharing;
mod store;
mod store_integrity;
mod team_safety;
mod tmux;
mod transfer;
mod tui;
mod tui_forms;
mod tui_layout;
mod tui_mono;
mod tui_reach;
mod tui_targets;
mod tui_workflows;
mod workbook;
mod workflows;
