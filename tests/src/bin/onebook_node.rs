//! The `onebook` command, built inside the test package so end-to-end tests can start real node
//! processes (`CARGO_BIN_EXE_onebook-node`). It is the same entry point as `node/cli/src/main.rs`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = onebook_cli::Cli::parse();
    onebook_cli::init_tracing(&cli);
    onebook_cli::exit_code(cli.execute())
}
