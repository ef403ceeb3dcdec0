//! The onebook binary: commands, configuration loading and the composition root.
//!
//! Each subcommand is one file in `commands/`, a clap struct whose doc comments are its `--help`
//! text, with `execute(self) -> eyre::Result<()>`. Configuration is layered: built-in defaults,
//! then `<home>/config.toml`, then `ONEBOOK__SECTION__KEY` environment variables, then flags
//! (`--set section.key=value`). This crate is the only one that reads files or the environment.

pub mod clock;
mod commands;
mod config;
mod home;
/// Demo data for a development network (`onebook demo seed`), through the typed client only.
pub use onebook_demo as demo;
pub mod http;
pub mod keyfile;
mod progress;

use std::{path::PathBuf, process::ExitCode};

/// jemalloc serves every allocation of a process that links this crate: Rust's through the global
/// allocator and, its symbols unprefixed, RocksDB's C++ `malloc` and `new` as well. Under glibc's
/// allocator a node's resident memory kept growing at a steady write rate after every bounded
/// cache was full (about half of it free memory held by the allocator's arenas); jemalloc returns
/// freed pages to the system (ADR 0042).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::{Parser, Subcommand};

pub use config::{ApiSection, Config, LogConfig, MempoolSection, NodeConfig, StorageConfigSection};
pub use home::{Home, KeyProtection, StoredKey};

/// Onebook: a permissioned consortium ledger for public-data governance.
#[derive(Debug, Parser)]
#[command(name = "onebook", version, about)]
pub struct Cli {
    /// Node home directory (config.toml, genesis.json, keys/, data/). Defaults to ~/.onebook.
    #[arg(long, global = true, env = "ONEBOOK_HOME")]
    pub home: Option<PathBuf>,
    /// Override one setting, e.g. `--set storage.sync_writes=false`; may be repeated.
    #[arg(long = "set", global = true, value_name = "SECTION.KEY=VALUE")]
    pub overrides: Vec<String>,
    /// Read key passphrases from this open file descriptor (its first line).
    #[arg(long, global = true, value_name = "FD")]
    pub passphrase_fd: Option<u32>,
    /// Read key passphrases from this file's first line, e.g. a systemd credential
    /// (`$CREDENTIALS_DIRECTORY/passphrase`). Without either, `ONEBOOK_KEY_PASSPHRASE` or a
    /// prompt on the terminal.
    #[arg(long, global = true, env = "ONEBOOK_KEY_PASSPHRASE_FILE", value_name = "PATH")]
    pub passphrase_file: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a node home: config, genesis, node key and data directory.
    Init(commands::init::InitCommand),
    /// Open the ledger and run the node until interrupted.
    Start(commands::start::StartCommand),
    /// Generate or show keys.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
    /// Create, validate or hash a genesis file.
    #[command(subcommand)]
    Genesis(commands::genesis::GenesisCommand),
    /// Print stored blocks, transactions and state.
    #[command(subcommand)]
    Inspect(commands::inspect::InspectCommand),
    /// Show the effective configuration.
    #[command(subcommand)]
    Config(commands::config::ConfigCommand),
    /// Write a proof bundle of records, a transaction or an access from the store.
    Proof(commands::proof::ProofCommand),
    /// Check a proof bundle offline against a genesis file (exit 0 valid, 1 invalid, 2 error).
    VerifyProof(commands::verify_proof::VerifyProofCommand),
    /// Write the homes of a local network of validators and observers on 127.0.0.1.
    Testnet(commands::testnet::TestnetCommand),
    /// Sign an action with a member key and submit it to a node; optionally wait for the receipt.
    Tx(commands::tx::TxCommand),
    /// Read a REST path of a node, signed with a member key (for restricted records).
    Read(commands::read::ReadCommand),
    /// Demo data for a development network.
    #[command(subcommand)]
    Demo(commands::demo::DemoCommand),
    /// Serve the explorer's web pages over a node's REST API.
    Explorer(commands::explorer::ExplorerCommand),
    /// Copy the store, while the node runs, into a verifiable backup directory.
    Backup(commands::backup::BackupCommand),
    /// Check a backup against the genesis and restore it into an empty data directory.
    Restore(commands::restore::RestoreCommand),
    /// Print a one-screen health summary of a running node.
    Status(commands::status::StatusCommand),
    /// Write the state of one certified height into a file a new node starts from.
    #[command(subcommand)]
    Snapshot(commands::snapshot::SnapshotCommand),
    /// Follow a chain's checkpoints and cosign each one that checks out, as a witness.
    Witness(commands::witness::WitnessCommand),
    /// Record a child chain's witnessed checkpoints on its parent chain.
    Anchor(commands::anchor::AnchorCommand),
}

impl Cli {
    /// Runs the chosen command.
    pub fn execute(self) -> eyre::Result<()> {
        // verify-proof reads only its arguments, so it runs without a home or $HOME.
        let command = match self.command {
            Command::VerifyProof(command) => return command.execute(),
            Command::Demo(command) => return command.execute(),
            Command::Explorer(command) => return command.execute(),
            command => command,
        };
        let passphrase = keyfile::Passphrase::new(self.passphrase_fd, self.passphrase_file);
        let home = Home::new(self.home)?.with_passphrase(passphrase);
        match command {
            Command::Init(command) => command.execute(&home, &self.overrides),
            Command::Start(command) => command.execute(&home, &self.overrides),
            Command::Keys(command) => command.execute(&home),
            Command::Genesis(command) => command.execute(),
            Command::Inspect(command) => command.execute(&home, &self.overrides),
            Command::Config(command) => command.execute(&home, &self.overrides),
            Command::Testnet(command) => command.execute(),
            Command::Tx(command) => command.execute(&home, &self.overrides),
            Command::Read(command) => command.execute(&home, &self.overrides),
            Command::Proof(command) => command.execute(&home, &self.overrides),
            Command::VerifyProof(command) => command.execute(),
            Command::Demo(command) => command.execute(),
            Command::Explorer(command) => command.execute(),
            Command::Backup(command) => command.execute(&home, &self.overrides),
            Command::Restore(command) => command.execute(&home, &self.overrides),
            Command::Status(command) => command.execute(&home, &self.overrides),
            Command::Snapshot(command) => command.execute(&home, &self.overrides),
            Command::Witness(command) => command.execute(&home),
            Command::Anchor(command) => command.execute(&home),
        }
    }
}

/// Prints a command's error to stderr and gives the exit status: 0 on success; 1 for a failed
/// command, a refused tx or a refused proof; 2 when `verify-proof` cannot read its inputs. A tx
/// refused by the rules or turned away by the node is an expected outcome, printed as its one
/// sentence alone, with no source location.
pub fn exit_code(result: eyre::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            match error.downcast_ref::<commands::remote::Refused>() {
                Some(refused) => eprintln!("{refused}"),
                None => eprintln!("Error: {error:?}"),
            }
            ExitCode::from(commands::verify_proof::exit_status(&error))
        }
    }
}

/// Whether this CPU has the instructions the build relies on: on x86-64, SSE4.2 and PCLMULQDQ,
/// which RocksDB is compiled to use for its checksums (`.cargo/config.toml`, docs/adr/0043).
/// Every x86-64 server CPU since 2010 has them; on one without, the process would stop on an
/// illegal instruction at its first write, so it says so at start instead.
pub fn check_cpu() -> Result<(), String> {
    #[cfg(target_arch = "x86_64")]
    {
        let missing: Vec<&str> = [
            ("sse4.2", std::arch::is_x86_feature_detected!("sse4.2")),
            ("pclmulqdq", std::arch::is_x86_feature_detected!("pclmulqdq")),
        ]
        .into_iter()
        .filter_map(|(name, present)| (!present).then_some(name))
        .collect();
        if !missing.is_empty() {
            return Err(format!(
                "this CPU lacks {}, which this build of onebook needs (x86-64 with SSE4.2 and \
                 PCLMULQDQ; see docs/operate.md, \"Hardware\")",
                missing.join(" and ")
            ));
        }
    }
    Ok(())
}

/// Sends logs to stderr, filtered by `RUST_LOG` (default `info`), so stdout stays for output.
pub fn init_tracing(_cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .init();
}
