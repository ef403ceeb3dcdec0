//! `onebook snapshot`: write the state of one certified height into a file a new node starts
//! from.

use std::{path::PathBuf, time::Instant};

use clap::{Args, Subcommand};
use onebook_storage::{backup::ArchiveManifest, snapshot};
use onebook_types::ids::Height;

use crate::{Home, progress::Bars};

/// Write or inspect state snapshots.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Write the state at a height into a snapshot file, while the node runs or not: the block,
    /// its receipts, every record of the state after it, and a proof bundle certifying that
    /// block from the genesis. A new node starts from it with `onebook start --from-snapshot`,
    /// which checks it against its own genesis. The file is written beside `--out` and renamed
    /// into place when complete.
    Create(CreateArgs),
    /// Start this home's empty data directory from a snapshot file or `http://` URL, checked as
    /// `onebook start --from-snapshot` checks it, and exit: the node then starts (for example
    /// as the service) at the snapshot's height and syncs the blocks after it.
    Restore(RestoreArgs),
}

/// `onebook snapshot restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The snapshot: a file from `onebook snapshot create`, or an `http://` URL serving one.
    #[arg(value_name = "FILE-OR-URL")]
    source: String,
    /// The most bytes downloaded from an `http://` snapshot; a larger one is refused.
    #[arg(long, value_name = "BYTES", default_value_t = SNAPSHOT_DOWNLOAD_BYTES_MAX)]
    snapshot_bytes_max: u64,
}

/// The most bytes downloaded from an `http://` snapshot unless `--snapshot-bytes-max` says
/// otherwise: 64 GiB, well above the states measured so far (a snapshot is checked while it
/// downloads, and its records are held in memory while the tree is rebuilt).
pub(crate) const SNAPSHOT_DOWNLOAD_BYTES_MAX: u64 = 64 * 1024 * 1024 * 1024;

/// `onebook snapshot create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The snapshot file to create; it must not exist.
    #[arg(long)]
    out: PathBuf,
    /// The height to snapshot; the node's last committed block by default.
    #[arg(long)]
    height: Option<u64>,
}

impl SnapshotCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        match self {
            Self::Create(args) => {
                let config = super::load_config(home, overrides)?;
                let data = config.storage.data_path(home.root());
                let started = Instant::now();
                let mut bars = Bars::default();
                let manifest = snapshot::write_snapshot_file(
                    &data,
                    home.genesis()?.suite,
                    args.height.map(Height),
                    &args.out,
                    crate::clock::wall_ms(),
                    &mut bars,
                )?;
                bars.finish();
                let bytes = std::fs::metadata(&args.out).map(|meta| meta.len()).unwrap_or(0);
                print_snapshot("snapshot", &args.out.display().to_string(), &manifest);
                println!("size        {bytes} bytes");
                println!("took        {:.1?}", started.elapsed());
                Ok(())
            }
            Self::Restore(args) => {
                let config = super::load_config(home, overrides)?;
                start_from(home, &config, &args.source, args.snapshot_bytes_max)
            }
        }
    }
}

/// Prints what a snapshot holds, one fact per line.
pub(crate) fn print_snapshot(what: &str, source: &str, manifest: &ArchiveManifest) {
    println!("{what:<11} {source}");
    println!("chain id    {}", manifest.chain_id);
    println!("genesis     {}", manifest.genesis_hash);
    println!("height      {}", manifest.height);
    println!("block hash  {}", manifest.block_hash);
    println!("state root  {}", manifest.state_root);
}

/// Starts the home's empty data directory from the snapshot at `source`, a file or an
/// `http://` URL (at most `download_bytes_max` bytes, checked as it downloads), after checking
/// it against the home's genesis.
pub(crate) fn start_from(
    home: &Home,
    config: &crate::Config,
    source: &str,
    download_bytes_max: u64,
) -> eyre::Result<()> {
    let genesis = home.genesis()?;
    let trusted = super::verify_proof::trusted(&genesis)?;
    let data = config.storage.data_path(home.root());
    let store_config = config.storage.store_config(&data, genesis.suite)?;
    let started = Instant::now();
    let mut bars = Bars::default();
    let manifest = if source.starts_with("http://") {
        let mut body =
            onebook_query::blocking::download(source, download_bytes_max).map_err(|error| {
                eyre::eyre!("fetching the snapshot from {source}: {error}{}", limit_hint(&error))
            })?;
        let size = body.size_bytes().unwrap_or(0);
        snapshot::restore_snapshot(&mut body, size, &store_config, &trusted, &mut bars)?
    } else if source.contains("://") {
        eyre::bail!(
            "--from-snapshot {source}: only a file or an http:// URL; download an https:// \
             snapshot first and give its file"
        );
    } else {
        let mut file = std::fs::File::open(source)
            .map_err(|error| eyre::eyre!("opening the snapshot {source}: {error}"))?;
        let size = file.metadata().map(|meta| meta.len()).unwrap_or(0);
        let mut reader = std::io::BufReader::with_capacity(1024 * 1024, &mut file);
        snapshot::restore_snapshot(&mut reader, size, &store_config, &trusted, &mut bars)?
    };
    bars.finish();
    tracing::info!(
        height = manifest.height.0,
        block_hash = %manifest.block_hash,
        state_root = %manifest.state_root,
        took_ms = started.elapsed().as_millis() as u64,
        "started from a checked snapshot"
    );
    print_snapshot("started", source, &manifest);
    println!("took        {:.1?}", started.elapsed());
    Ok(())
}

/// What to do about a download refused for its size.
fn limit_hint(error: &onebook_query::QueryError) -> &'static str {
    match error {
        onebook_query::QueryError::BadInput { parameter: "limit_bytes", .. } => {
            " (--snapshot-bytes-max raises the limit)"
        }
        _ => "",
    }
}
