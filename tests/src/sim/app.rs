//! The application a simulated validator runs: the node's real [`Chain`] over a RocksDB store,
//! read through a virtual clock instead of the wall clock.

use std::cell::Cell;

use onebook_chain::Chain;
use onebook_consensus::{AppError, Application};
use onebook_types::{
    block::{Block, CommitCertificate},
    consortium::ValidatorSet,
    ids::{Height, Timestamp},
    keys::PublicKey,
};

thread_local! {
    /// The time the node being called sees, in milliseconds: the simulation's virtual time
    /// plus that node's clock skew. A simulation runs on one thread, and sets it before every
    /// call into a node.
    static NODE_CLOCK_MS: Cell<u64> = const { Cell::new(0) };
}

/// Sets the clock the next calls into a node read.
pub(crate) fn set_node_clock(ms: u64) {
    NODE_CLOCK_MS.with(|clock| clock.set(ms));
}

/// The clock of the node being called; the `clock` a simulated [`Chain`] is built with.
pub(crate) fn node_clock() -> Timestamp {
    Timestamp(NODE_CLOCK_MS.with(Cell::get))
}

/// A [`Chain`] whose proposals take their time from [`node_clock`]: the host passes the wall
/// clock, which no seed could replay.
#[derive(Debug)]
pub(crate) struct SimApp {
    pub(crate) chain: Chain,
}

impl Application for SimApp {
    fn committed_height(&self) -> Result<Height, AppError> {
        self.chain.committed_height()
    }

    fn validator_set(&self, height: Height) -> Result<Option<ValidatorSet>, AppError> {
        self.chain.validator_set(height)
    }

    fn propose(
        &mut self,
        height: Height,
        _wall_clock: Timestamp,
        proposer: PublicKey,
    ) -> Result<Block, AppError> {
        self.chain.propose(height, node_clock(), proposer)
    }

    fn verify(&mut self, block: &Block) -> Result<(), AppError> {
        self.chain.verify(block)
    }

    fn has_waiting_txs(&self) -> bool {
        self.chain.has_waiting_txs()
    }

    fn commit(&mut self, block: Block, certificate: CommitCertificate) -> Result<(), AppError> {
        self.chain.commit(block, certificate)
    }

    fn decided(&self, height: Height) -> Result<Option<(Block, CommitCertificate)>, AppError> {
        self.chain.decided(height)
    }
}
