//! `onebook backup`: copy the store, while the node runs, into a verifiable backup directory.

use std::{path::PathBuf, time::Instant};

use clap::Args;
use onebook_storage::backup::{self, ArchiveManifest};

use crate::{Home, progress::Bars};

/// Copy the store into a new backup directory, while the node runs or not. The copy is one
/// consistent view between two blocks (a RocksDB secondary instance beside the node): the table
/// files of every column family and a manifest with the height, block hash and state root and a
/// proof bundle certifying that block from the genesis. It is written to a hidden directory
/// beside `--out` and renamed into place when complete, so an interrupted backup leaves nothing
/// under `--out`. Restore it with `onebook restore`.
#[derive(Debug, Args)]
pub struct BackupCommand {
    /// The backup directory to create; it must not exist.
    #[arg(long)]
    out: PathBuf,
}

impl BackupCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let data = config.storage.data_path(home.root());
        let started = Instant::now();
        let mut bars = Bars::default();
        let suite = home.genesis()?.suite;
        let manifest = backup::backup(&data, suite, &self.out, crate::clock::wall_ms(), &mut bars)?;
        bars.finish();
        print_manifest("backup", &self.out, &manifest);
        println!("took        {:.1?}", started.elapsed());
        Ok(())
    }
}

/// Prints what a backup holds, one fact per line.
pub(crate) fn print_manifest(what: &str, dir: &std::path::Path, manifest: &ArchiveManifest) {
    let bytes: u64 = manifest.files.iter().map(|file| file.bytes).sum();
    let keys: u64 = manifest.files.iter().map(|file| file.keys).sum();
    println!("{what:<11} {}", dir.display());
    println!("chain id    {}", manifest.chain_id);
    println!("genesis     {}", manifest.genesis_hash);
    println!("height      {}", manifest.height);
    println!("block hash  {}", manifest.block_hash);
    println!("state root  {}", manifest.state_root);
    println!("files       {} ({keys} keys, {bytes} bytes)", manifest.files.len());
}
