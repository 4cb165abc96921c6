//! The `spoolsim` command-line tool; see `spoolsim --help`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    spoolsim::cli::main()
}
