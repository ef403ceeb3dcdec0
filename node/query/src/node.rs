//! [`NodeRead`]: what a node's REST API reads of its own node beside the ledger's records, which
//! [`LedgerQuery`](crate::LedgerQuery) answers: the tip's height as the event stream watches it,
//! the store's health, figures and state history, the chain's signature suite, the policy the read audit
//! follows, proof bundles and witnessed checkpoints (with the one write a witness makes, its
//! cosignature). The node's store implements it (feature `store`); a test implements it in
//! memory.
//!
//! The methods are synchronous: the tip, health and suite are in memory, and the API runs the
//! others (bundles, checkpoints, figures) on tokio's blocking pool (ADR 0038).

use std::fmt::Debug;

use onebook_types::{
    block::Event,
    checkpoint::Cosignature,
    consortium::{Policy, Validator},
    hash::Hash32,
    ids::{AccessEventId, Height},
    record::RecordKey,
    suite::Suite,
    tx::SignedTx,
};

use crate::{
    QueryError,
    node_views::{
        CheckpointEvidence, CheckpointPage, CheckpointView, CosignReceipt, StateHistoryView,
    },
};

/// What the REST API reads of its node beside the ledger's records. Object-safe: the API holds
/// one as `Arc<dyn NodeRead>`.
pub trait NodeRead: Debug + Send + Sync + 'static {
    /// The height of the last committed block: the event stream waits for it to rise.
    fn tip_height(&self) -> Result<Height, QueryError>;

    /// How many reads found the store damaged since the node started, `None` while none did:
    /// a damaged node fails its health check.
    fn damaged_reads(&self) -> Option<u64>;

    /// The chain's signature and hash suite, in which signed reads are checked.
    fn suite(&self) -> Suite;

    /// The policy in force at the tip, `None` if the state holds none or it does not decode
    /// (then no read is recorded).
    fn policy_at_tip(&self) -> Result<Option<Policy>, QueryError>;

    /// Which heights' state the node holds (`[storage] state_history`).
    fn state_history(&self) -> StateHistoryView;

    /// The node's figures for its metrics; an error only if the tip cannot be read.
    fn figures(&self) -> Result<NodeFigures, QueryError>;

    /// The height a record's bundle is made at when none is asked: the newest witnessed
    /// checkpoint, else the tip.
    fn default_proof_height(&self) -> Result<Height, QueryError>;

    /// The bundle proving the record `key` (or, with `absent`, its absence) at `height`.
    fn record_bundle(
        &self,
        key: RecordKey,
        absent: bool,
        height: Height,
    ) -> Result<Bundle, ProofError>;

    /// The bundle proving the committed tx `hash` and its receipt.
    fn tx_bundle(&self, hash: Hash32) -> Result<Bundle, ProofError>;

    /// The bundle proving the access event `id` and the grant it used, at `height`.
    fn access_bundle(&self, id: AccessEventId, height: Height) -> Result<Bundle, ProofError>;

    /// The committed tx `hash` with the events of its receipt, `None` if none was committed:
    /// what decides who may read its bundle.
    fn committed_tx(&self, hash: Hash32) -> Result<Option<(SignedTx, Vec<Event>)>, QueryError>;

    /// The checkpoints above `after`, at most `limit`, with how far each is witnessed.
    fn checkpoints(&self, after: Height, limit: usize) -> Result<CheckpointPage, ProofError>;

    /// The checkpoint at `height` with everything held about it, `None` if there is none.
    fn checkpoint(&self, height: Height) -> Result<Option<CheckpointView>, ProofError>;

    /// What a witness checks before it cosigns the checkpoint at `height`, with the proof that
    /// it extends the one at `from`; `None` if there is no checkpoint there.
    fn checkpoint_evidence(
        &self,
        height: Height,
        from: Option<Height>,
    ) -> Result<Option<CheckpointEvidence>, ProofError>;

    /// Checks and keeps a witness's `cosignature` of the checkpoint at `height` (off-chain):
    /// whether it was new, and where the checkpoint stands.
    fn cosign(
        &self,
        height: Height,
        cosignature: &Cosignature,
    ) -> Result<(bool, CosignReceipt), CosignError>;
}

/// An encoded proof bundle (`docs/formats.md` §15) and the height it proves at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    /// The height of the header it carries.
    pub height: Height,
    /// The bundle's bytes.
    pub bytes: Vec<u8>,
}

/// Why no bundle (or checkpoint answer) was made.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// There is nothing to prove: no such tx, record or checkpoint range.
    #[error("{reason}")]
    NoProof {
        /// What is missing, as a sentence.
        reason: String,
    },
    /// The height is below the first one this node holds (it started from a snapshot).
    #[error("{detail}")]
    BelowBase {
        /// The heights, as a sentence.
        detail: String,
    },
    /// The store could not be read.
    #[error(transparent)]
    Read(#[from] QueryError),
}

/// Why a cosignature was not kept.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    /// There is no committed checkpoint at the height.
    #[error("no committed checkpoint at this height")]
    NoCheckpoint,
    /// The signer is not a witness of the checkpoint's set.
    #[error("{0}")]
    NotAWitness(String),
    /// The signature does not verify.
    #[error("{0}")]
    BadSignature(String),
    /// The store could not be read or written.
    #[error(transparent)]
    Read(#[from] ProofError),
}

/// A node's figures for its metrics (`GET /metrics`); a figure the store could not read is
/// `None` and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeFigures {
    /// The height of the last committed block.
    pub height: Height,
    /// Its time in ms, `None` at genesis or if its header cannot be read.
    pub last_block_time_ms: Option<u64>,
    /// State-tree nodes held in the node cache.
    pub cache_nodes: u64,
    /// The most state-tree nodes the cache holds.
    pub cache_capacity_nodes: u64,
    /// Node reads answered from the cache.
    pub cache_hits: u64,
    /// Node reads that went to the database.
    pub cache_misses: u64,
    /// The first height held.
    pub base_height: Height,
    /// The size and the free bytes of the file system holding the store.
    pub disk_bytes: Option<(u64, u64)>,
    /// Reads that found the store damaged since the node started.
    pub damaged_reads: u64,
    /// Bytes of each column family.
    pub family_bytes: Option<Vec<(String, u64)>>,
    /// Memory of the memtables, the block cache and the table readers.
    pub memory_bytes: Option<(u64, u64, u64)>,
    /// The database engine's figures.
    pub engine: Option<EngineFigures>,
    /// Recent blocks whose certificate lacks each validator's precommit.
    pub missed_votes: Option<MissedVotes>,
}

/// The database engine's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineFigures {
    /// Writes are stopped until compaction or flushing catches up.
    pub write_stopped: bool,
    /// The rate writes are slowed to, in bytes per second.
    pub delayed_write_rate_bytes: u64,
    /// Compactions running now.
    pub running_compactions: u64,
    /// Bytes compaction must rewrite to bring every level under its target.
    pub pending_compaction_bytes: u64,
    /// The estimate of the live data.
    pub live_data_bytes: u64,
}

/// Per validator of the set in force at the tip, how many of the last committed blocks (at
/// most [`MISSED_WINDOW`], at or above the base) have a certificate without its precommit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MissedVotes {
    /// The blocks counted.
    pub window: u64,
    /// Each validator and its count.
    pub validators: Vec<(Validator, u64)>,
}

/// The blocks the missed-vote counts cover: the last 100 committed.
pub const MISSED_WINDOW: u64 = 100;
