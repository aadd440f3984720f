//! The `kehu` binary: everything lives in the library; see `kehu::cli`.

fn main() -> std::process::ExitCode {
    kehu::cli::main_entry()
}
