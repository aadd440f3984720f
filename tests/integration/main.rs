//! One integration-test binary (built once): the store on temporary databases, migrations, the
//! real `kehu` binary, and several processes sharing one file.

mod cli;
mod common;
mod concurrency;
mod crash;
mod migrations;
mod reports;
mod restore;
mod sharing;
mod store;
mod tmux;
mod transfer;
mod tui;
mod tui_layout;
mod tui_workflows;
mod workflows;
