//! The `kehu` binary: everything lives in the library; see `kehu::cli`.

fn main() -> std::process::ExitCode {
    keep_heap_headroom();
    kehu::cli::main_entry()
}

/// SQLite's page cache frees and takes back pages all the time while a large write spills it.
/// glibc gives the top of the heap back to the system after each such free (its trim threshold
/// is 128 KB) and takes it again on the next allocation: a 100,000-row import made 1.1 million
/// page faults and spent a third of its time in the kernel. Keeping 8 MB at the top of the heap
/// stops the churn (1,300 faults; 14.8 s → 9.3 s) and costs no more than those 8 MB.
fn keep_heap_headroom() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning value of the allocator; it is called before any thread
    // starts and reports failure through its return value, which may be ignored (the default
    // stays).
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 8 << 20);
    }
}
