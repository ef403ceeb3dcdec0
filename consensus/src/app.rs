//! The one trait the node implements for consensus.

use onebook_types::{
    block::{Block, CommitCertificate},
    consortium::ValidatorSet,
    ids::{Height, Timestamp},
    keys::PublicKey,
};

/// Why the application could not do what consensus asked. A proposal that fails
/// [`Application::verify`] is voted against; any other error stops the node, since a node that
/// cannot build on or store its own chain must not go on voting.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The proposed block breaks a rule: its roots, its parent, its time or its size.
    #[error("invalid block: {0}")]
    Invalid(String),
    /// The node's own storage failed.
    #[error("storage failed: {0}")]
    Storage(String),
}

/// What the node gives the consensus engine: the chain it builds on, block building and
/// checking, and commits. Calls come from one task, in order; a height is committed before the
/// next one is proposed or verified.
pub trait Application: Send + 'static {
    /// The last committed height; `Height(0)` when only genesis is stored.
    fn committed_height(&self) -> Result<Height, AppError>;

    /// The validator set that signs the block at `height`, if the chain has decided it.
    fn validator_set(&self, height: Height) -> Result<Option<ValidatorSet>, AppError>;

    /// Builds the block at `height` (one above the committed height), proposed by the validator
    /// `proposer` no earlier than `time`: txs from the mempool, executed on the committed state,
    /// with every root of its header filled in.
    fn propose(
        &mut self,
        height: Height,
        time: Timestamp,
        proposer: PublicKey,
    ) -> Result<Block, AppError>;

    /// Checks a block another validator proposed by executing it on the committed state:
    /// [`AppError::Invalid`] unless its parent, time, size and every root of its header match.
    fn verify(&mut self, block: &Block) -> Result<(), AppError>;

    /// Whether txs wait in the mempool: the next height starts at once if so, and after the
    /// idle interval if not.
    fn has_waiting_txs(&self) -> bool;

    /// Stores a decided block with the certificate of its precommits, atomically. Blocks arrive
    /// in height order, each one above the committed height.
    fn commit(&mut self, block: Block, certificate: CommitCertificate) -> Result<(), AppError>;

    /// A committed block with its certificate, to serve a peer that syncs.
    fn decided(&self, height: Height) -> Result<Option<(Block, CommitCertificate)>, AppError>;

    /// The lowest height whose block and certificate [`Application::decided`] serves: 1 for a
    /// node that holds the chain from the genesis, the snapshot's height for one started from a
    /// snapshot. Syncing peers ask other nodes for the blocks below it.
    fn earliest_decided(&self) -> Result<Height, AppError> {
        Ok(Height(1))
    }
}
