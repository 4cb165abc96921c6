//! The `spoolsim` command-line tool; see `spoolsim --help`.
#![forbid(unsafe_code)]
#![warn(clippy::too_many_lines)]

use std::alloc::System;

use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};

/// A counting allocator, so `spoolsim bench` can measure live heap bytes per queued message.
/// It adds a few relaxed atomic operations per allocation; the hot paths allocate per batch.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Live heap bytes: the allocator counts a reallocation's growth in `bytes_allocated` (and its
/// shrinking in `bytes_deallocated`) already, so `bytes_reallocated` is not added again.
fn live_bytes() -> i64 {
    let s = GLOBAL.stats();
    s.bytes_allocated as i64 - s.bytes_deallocated as i64
}

fn main() -> std::process::ExitCode {
    spoolsim::cli::main(Some(live_bytes))
}
