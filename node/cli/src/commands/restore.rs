//! `onebook restore`: check a backup against the genesis and restore it into an empty data
//! directory.

use std::path::PathBuf;

use clap::Args;
use onebook_storage::backup;

use crate::{Home, progress::Bars};

/// Check a backup from `onebook backup` against this home's genesis, trusting nothing in it,
/// and restore it into the home's empty data directory. Refused, with the check that failed: a
/// manifest whose proof bundle does not certify its block from the genesis (the certificate
/// against the validator set in force), a file whose size or BLAKE3 hash differs, and a store
/// whose tip, headers, tx lists or records (the state root recomputed from every record) differ
/// from the certified block. The database is built beside the data directory and renamed into
/// place only when every check passed. Then start the node: it catches up from the others.
#[derive(Debug, Args)]
pub struct RestoreCommand {
    /// The backup directory.
    dir: PathBuf,
    /// Only check the manifest, its certificate and the files' hashes; restore nothing.
    #[arg(long)]
    check: bool,
}

impl RestoreCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let genesis = home.genesis()?;
        let trusted = super::verify_proof::trusted(&genesis)?;
        let data = config.storage.data_path(home.root());
        let mut bars = Bars::default();
        let manifest = if self.check {
            let manifest = backup::check_manifest(&self.dir, &trusted)?;
            backup::check_files(&self.dir, &manifest, &mut bars)?;
            manifest
        } else {
            let store_config = config.storage.store_config(&data, genesis.suite)?;
            backup::restore(&self.dir, &store_config, &trusted, &mut bars)?
        };
        bars.finish();
        super::backup::print_manifest("backup", &self.dir, &manifest);
        if self.check {
            println!("checked     the certificate and every file; nothing restored");
        } else {
            println!("restored    into {}", data.display());
        }
        Ok(())
    }
}
