//! The `warden` binary: parse the command line and hand over to the CLI or the TUI.

fn main() -> std::process::ExitCode {
    warden::cli::main()
}
