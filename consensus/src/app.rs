//! The one trait the node implements for consensus.

use onebook_types::{
    block::{Block, CertificateError, CommitCertificate, Header},
    consortium::ValidatorSet,
    hash::Hash32,
    ids::{ChainId, Height, Timestamp},
    keys::PublicKey,
};

/// Why the application could not do what consensus asked. A proposal that fails
/// [`Application::verify`] is voted against; any other error stops the node, since a node that
/// cannot build on or store its own chain must not go on voting.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The proposed block breaks a rule: its roots, its parent, its time or its size.
    #[error("invalid block: {0}")]
    Invalid(#[from] InvalidBlock),
    /// The node's own storage failed; the application's own error, kept whole as the source.
    #[error("storage failed: {0}")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl AppError {
    /// A storage failure with `error` as its source.
    pub fn storage(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Storage(Box::new(error))
    }
}

/// The header field a block claims differently from what executing it computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderField {
    /// `chain_id`.
    ChainId,
    /// `height`.
    Height,
    /// `time`.
    Time,
    /// `previous_hash`.
    PreviousHash,
    /// `history_root`.
    HistoryRoot,
    /// `tx_root`.
    TxRoot,
    /// `tx_count`.
    TxCount,
    /// `receipts_root`.
    ReceiptsRoot,
    /// `state_root`.
    StateRoot,
    /// `validator_set_hash`.
    ValidatorSetHash,
    /// `next_validator_set_hash`.
    NextValidatorSetHash,
    /// `proposer`.
    Proposer,
}

impl HeaderField {
    /// The first field in which `claimed` differs from `computed`, if any.
    pub fn first_difference(claimed: &Header, computed: &Header) -> Option<Self> {
        let differs = [
            (Self::ChainId, claimed.chain_id != computed.chain_id),
            (Self::Height, claimed.height != computed.height),
            (Self::Time, claimed.time != computed.time),
            (Self::PreviousHash, claimed.previous_hash != computed.previous_hash),
            (Self::HistoryRoot, claimed.history_root != computed.history_root),
            (Self::TxRoot, claimed.tx_root != computed.tx_root),
            (Self::TxCount, claimed.tx_count != computed.tx_count),
            (Self::ReceiptsRoot, claimed.receipts_root != computed.receipts_root),
            (Self::StateRoot, claimed.state_root != computed.state_root),
            (Self::ValidatorSetHash, claimed.validator_set_hash != computed.validator_set_hash),
            (
                Self::NextValidatorSetHash,
                claimed.next_validator_set_hash != computed.next_validator_set_hash,
            ),
            (Self::Proposer, claimed.proposer != computed.proposer),
        ];
        differs.into_iter().find_map(|(field, differs)| differs.then_some(field))
    }
}

impl std::fmt::Display for HeaderField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ChainId => "chain_id",
            Self::Height => "height",
            Self::Time => "time",
            Self::PreviousHash => "previous_hash",
            Self::HistoryRoot => "history_root",
            Self::TxRoot => "tx_root",
            Self::TxCount => "tx_count",
            Self::ReceiptsRoot => "receipts_root",
            Self::StateRoot => "state_root",
            Self::ValidatorSetHash => "validator_set_hash",
            Self::NextValidatorSetHash => "next_validator_set_hash",
            Self::Proposer => "proposer",
        })
    }
}

/// The rule a block breaks, so a validator votes against it (or refuses to build it).
#[derive(Debug, thiserror::Error)]
pub enum InvalidBlock {
    /// The block is for another chain.
    #[error("block is for chain {chain_id}")]
    WrongChain {
        /// The chain its header names.
        chain_id: ChainId,
    },
    /// The block does not follow the committed tip (height or parent hash), or the node was
    /// asked to build a height other than the one above its tip.
    #[error("block {block} at height {height} does not follow the tip at height {tip}")]
    NotOnTip {
        /// The block's hash (the zero hash for a block not yet built).
        block: Hash32,
        /// Its height.
        height: Height,
        /// The committed tip's height.
        tip: Height,
    },
    /// The block's time is not after its parent's.
    #[error("block time {} is not after its parent's {}", time.0, parent.0)]
    TimeNotAfterParent {
        /// The block's time.
        time: Timestamp,
        /// Its parent's time (genesis time for the first block).
        parent: Timestamp,
    },
    /// The block's time is further ahead of this node's clock than the node allows.
    #[error("block time {} is ahead of this node's clock {}", time.0, now.0)]
    AheadOfClock {
        /// The block's time.
        time: Timestamp,
        /// This node's clock.
        now: Timestamp,
    },
    /// The block holds more txs than a block may.
    #[error("block holds {count} txs")]
    TooManyTxs {
        /// How many.
        count: usize,
    },
    /// A tx of the block has a bad signature.
    #[error("tx {tx} has a bad signature")]
    BadSignature {
        /// The tx's hash.
        tx: Hash32,
    },
    /// The block's header differs from the one its execution computes.
    #[error("block {block} does not match its execution ({field} differs)")]
    Mismatch {
        /// The block's hash.
        block: Hash32,
        /// The first field that differs.
        field: HeaderField,
    },
    /// The block's txs delete the validator set.
    #[error("the block deletes the validator set")]
    DeletesValidatorSet,
    /// The chain has no validator set for the block's height.
    #[error("no validator set for height {height}")]
    NoValidatorSet {
        /// The height.
        height: Height,
    },
    /// The commit certificate does not sign the block.
    #[error("commit certificate: {0}")]
    Certificate(#[from] CertificateError),
    /// A rule of the application's own (its protocol versions, for one), kept whole as the
    /// source.
    #[error(transparent)]
    Rule(Box<dyn std::error::Error + Send + Sync + 'static>),
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
