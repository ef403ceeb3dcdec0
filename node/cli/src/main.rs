//! The `onebook` binary.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Err(missing) = onebook_cli::check_cpu() {
        eprintln!("Error: {missing}");
        return ExitCode::FAILURE;
    }
    let cli = onebook_cli::Cli::parse();
    onebook_cli::init_tracing(&cli);
    onebook_cli::exit_code(cli.execute())
}
