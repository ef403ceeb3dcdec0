//! `onebook inspect`: print stored blocks, transactions and state as JSON, or check a whole
//! store.

use std::time::{Duration, Instant};

use clap::Subcommand;
use eyre::{bail, eyre};
use onebook_types::{hash::Hash32, ids::Height};
use serde_json::json;

use crate::Home;

/// Print stored blocks, transactions and state.
#[derive(Debug, Subcommand)]
pub enum InspectCommand {
    /// A block with its decoded transactions and receipts (default: the tip).
    Block {
        /// The height.
        #[arg(long)]
        height: Option<u64>,
    },
    /// A committed transaction and its receipt.
    Tx {
        /// The tx hash (hex).
        hash: String,
    },
    /// The tip, and the state tree's size after rehashing every node of it.
    State {
        /// The height (default: the tip).
        #[arg(long)]
        height: Option<u64>,
    },
    /// Check the whole store: every block (header chain, tx list and roots, receipts, commit
    /// certificate against its validator set), every tx (stored at its place, hashing to its
    /// key, signed), every state-tree node, the tip's tree from its root, and every other entry
    /// read through RocksDB's checksums. Prints a JSON report on stdout and progress on stderr;
    /// exits 1 if anything is wrong. Run it on a stopped node.
    Verify,
}

/// How often `inspect verify` prints its progress.
const PROGRESS_INTERVAL: Duration = Duration::from_secs(2);

impl InspectCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let open = || -> eyre::Result<_> {
            let (store, _) = super::open_store(home, &config)?;
            let tip = store.tip()?;
            Ok((store, tip))
        };
        let output = match self {
            Self::Verify => return verify(home, &config),
            Self::Block { height } => {
                let (store, tip) = open()?;
                let height = Height(height.unwrap_or(tip.height.0));
                let block = store.block(height)?.ok_or_else(|| eyre!("no block at {height}"))?;
                let mut receipts = Vec::new();
                for index in 0..block.txs.len() {
                    let location =
                        onebook_storage::TxLocation { height, index: u32::try_from(index)? };
                    receipts.push(store.receipt(location)?);
                }
                json!({
                    "hash": block.header.hash_in(store.suite()),
                    "header": block.header,
                    "txs": block.txs,
                    "receipts": receipts,
                    "certificate": store.certificate(height)?,
                })
            }
            Self::Tx { hash } => {
                let (store, _) = open()?;
                let hash = Hash32::from_hex(&hash).map_err(|e| eyre!("tx hash: {e}"))?;
                let (location, tx) = store.tx(&hash)?.ok_or_else(|| eyre!("no tx {hash}"))?;
                json!({
                    "hash": hash,
                    "height": location.height,
                    "index": location.index,
                    "tx": tx,
                    "receipt": store.receipt(location)?,
                })
            }
            Self::State { height } => {
                let (store, tip) = open()?;
                let height = Height(height.unwrap_or(tip.height.0));
                let stats = store.verify_state(height)?;
                json!({
                    "height": height,
                    "state_root": store.state_root(height)?,
                    "tip": { "height": tip.height, "block_hash": tip.block_hash },
                    "leaves": stats.leaves,
                    "internal_nodes": stats.internal_nodes,
                    "verified": true,
                })
            }
        };
        println!("{}", serde_json::to_string_pretty(&output)?);
        Ok(())
    }
}

/// `inspect verify`: opens the store as it is (writing no genesis) and checks all of it.
fn verify(home: &Home, config: &crate::Config) -> eyre::Result<()> {
    let store_config =
        config.storage.store_config(&config.storage.data_path(home.root()), home.suite())?;
    let store = onebook_storage::Store::open(&store_config)
        .map_err(|error| eyre!("the store cannot be opened: {error}"))?;
    let started = Instant::now();
    let mut printed = Instant::now();
    let mut progress = |step: onebook_storage::VerifyProgress| {
        if printed.elapsed() >= PROGRESS_INTERVAL || step.done == step.total {
            let percent = (step.done * 100).checked_div(step.total).unwrap_or(100);
            eprintln!(
                "verify: {} {}/{} ({percent}%), {:.0} s",
                step.phase,
                step.done,
                step.total,
                started.elapsed().as_secs_f64()
            );
            printed = Instant::now();
        }
    };
    let report = store.verify_all(&mut progress)?;
    let output = json!({
        "sound": report.is_sound(),
        "tip": report.tip,
        "blocks": report.blocks,
        "txs": report.txs,
        "receipts": report.receipts,
        "certificates": report.certificates,
        "state_nodes": report.state_nodes,
        "tip_records": report.tip_records,
        "entries": report.entries,
        "problems_total": report.problems_total,
        "problems": report.problems,
        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    });
    println!("{}", serde_json::to_string_pretty(&output)?);
    if !report.is_sound() {
        bail!("the store has {} problem(s); the report lists them", report.problems_total);
    }
    Ok(())
}
