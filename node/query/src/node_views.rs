//! The answers of a node's own routes: its status, a submission, a tx's status and a signer's
//! nonces. They are not ledger reads of [`LedgerQuery`](crate::LedgerQuery), but the REST API
//! writes them and the HTTP client reads them, so they are defined here, once.

use onebook_types::{hash::Hash32, ids::ChainId, keys::PublicKey};
use serde::{Deserialize, Serialize};

use crate::views::TxView;

/// `GET /v1/status` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusView {
    /// The chain this node serves.
    pub chain_id: ChainId,
    /// The last committed height.
    pub height: u64,
    /// The hash of the last committed block (the genesis hash at height 0).
    pub block_hash: Hash32,
    /// The state root after the last committed block.
    pub state_root: Hash32,
    /// The last committed block's time in ms (0 at genesis, which has no header).
    pub time: u64,
    /// Txs waiting in this node's mempool.
    pub pending_txs: usize,
    /// How this node stands against its peers, on a node that runs consensus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncView>,
    /// Which heights' state this node holds: every height's, or a window of recent heights'.
    #[serde(default)]
    pub state_history: StateHistoryView,
}

/// Which heights' state a node holds, and so which heights it answers state reads and proofs
/// for (`[storage] state_history`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateHistoryView {
    /// `archive`: every height's state, from the oldest height on; `pruned`: the state of the
    /// last `window_blocks` heights only (and of the newest witnessed checkpoint).
    pub mode: StateHistoryMode,
    /// On a pruning node, how many recent heights' state it keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_blocks: Option<u64>,
    /// The oldest height whose state the node holds: a record read or a proof as of an older
    /// height is refused with a 400 that names this height (0 on an archive node that began at
    /// the genesis; the snapshot's height on a node started from one).
    pub oldest_state_height: u64,
}

/// Whether a node keeps every height's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StateHistoryMode {
    /// Every height's state (from the node's first height): an archive node.
    #[default]
    Archive,
    /// A window of recent heights' state only: ask an archive node for older heights.
    Pruned,
}

/// Where a node stands against its peers: how far behind their tip it is, and how fast it
/// commits blocks, so that a node catching up shows when it will be there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncView {
    /// Whether the node is catching up: at least two blocks behind its peers' tip.
    pub catching_up: bool,
    /// The highest tip a peer has announced (0 before any peer's status arrived).
    pub peer_height: u64,
    /// Blocks between this node's tip and `peer_height`.
    pub behind_blocks: u64,
    /// Blocks committed per second over the last ten seconds.
    pub blocks_per_s: u64,
    /// Txs committed per second over the last ten seconds.
    pub txs_per_s: u64,
    /// Seconds until the node reaches `peer_height` at that rate, while it catches up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_s: Option<u64>,
}

/// `POST /v1/txs` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submitted {
    /// The tx's hash, to follow it with `GET /v1/txs/{hash}`.
    pub tx_hash: Hash32,
}

/// `POST /v1/txs/batch` answer: one result per tx, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmittedBatch {
    /// What admission made of each tx.
    pub results: Vec<BatchResult>,
}

/// What admission made of one tx of a batch: admitted (`status` 202, with its hash), or the
/// problem `POST /v1/txs` would have answered for it alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResult {
    /// 202 when admitted; otherwise the status `POST /v1/txs` answers for this tx (400, 403,
    /// 409, 413, 429 or 503).
    pub status: u16,
    /// The tx's hash, when admitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<Hash32>,
    /// The problem type (`/problems/<slug>`), when refused.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The ledger's rejection code, where a rule refused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
}

/// `GET /v1/nonces/{key}` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoncesView {
    /// The signer.
    pub signer: PublicKey,
    /// Its last committed nonce (0 before its first tx).
    pub committed: u64,
    /// The nonce its next tx must carry: one above its committed and waiting txs.
    pub next: u64,
}

/// `GET /v1/txs/{hash}` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TxStatusView {
    /// Waiting in this node's mempool.
    Pending,
    /// Committed, accepted or refused by the rules: where, the decoded tx, its code and events
    /// (a node's REST API shows a tx carrying restricted content, and events of restricted
    /// records, only as far as the reader may read them).
    Committed(Box<TxView>),
}
