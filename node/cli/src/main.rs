//! The `onebook` binary.

use clap::Parser;

fn main() -> eyre::Result<()> {
    let cli = onebook_cli::Cli::parse();
    onebook_cli::init_tracing(&cli);
    cli.execute()
}
