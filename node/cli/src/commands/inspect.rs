//! `onebook inspect`: print stored blocks, transactions and state as JSON.

use clap::Subcommand;
use eyre::eyre;
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
}

impl InspectCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let (store, _) = super::open_store(home, &config)?;
        let tip = store.tip()?;
        let output = match self {
            Self::Block { height } => {
                let height = Height(height.unwrap_or(tip.height.0));
                let block = store.block(height)?.ok_or_else(|| eyre!("no block at {height}"))?;
                let mut receipts = Vec::new();
                for index in 0..block.txs.len() {
                    let location =
                        onebook_storage::TxLocation { height, index: u32::try_from(index)? };
                    receipts.push(store.receipt(location)?);
                }
                json!({
                    "hash": block.header.hash(),
                    "header": block.header,
                    "txs": block.txs,
                    "receipts": receipts,
                    "certificate": store.certificate(height)?,
                })
            }
            Self::Tx { hash } => {
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
