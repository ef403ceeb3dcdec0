//! Key layouts of the column families. Heights and indexes are big-endian so that byte order is
//! numeric order and a prefix scan walks a history in commit order.

use onebook_types::ids::Height;

/// Column family names, in the order they are created.
pub(crate) const COLUMN_FAMILIES: [&str; 14] = [
    META,
    HEADERS,
    BLOCKS,
    TXS,
    RECEIPTS,
    CERTIFICATES,
    STATE_CHUNKS,
    STATE_ROOTS,
    RECORDS,
    HISTORY,
    BY_ORG,
    RECORD_INDEX,
    HISTORY_TREE,
    COSIGNATURES,
];
/// Singletons: tip, genesis hash, schema version.
pub(crate) const META: &str = "meta";
/// `height` -> `borsh(Header)`.
pub(crate) const HEADERS: &str = "headers";
/// `height` -> `borsh(Vec<Hash32>)`, the block's tx hashes in order. Also `hash` -> `height`.
pub(crate) const BLOCKS: &str = "blocks";
/// `tx_hash` -> `borsh(TxLocation)` then the tx bytes.
pub(crate) const TXS: &str = "txs";
/// `height || index` -> `borsh(Receipt)`.
pub(crate) const RECEIPTS: &str = "receipts";
/// `height` -> `borsh(CommitCertificate)`.
pub(crate) const CERTIFICATES: &str = "certificates";
/// `height || chunk` -> `borsh(Vec<StoredNode>)`: the state-tree nodes a block created, in
/// chunks of 64 (`state.rs`).
pub(crate) const STATE_CHUNKS: &str = "state_chunks";
/// `root_hash` -> `borsh(NodeAt)`: where the root node of each state root is.
pub(crate) const STATE_ROOTS: &str = "state_roots";
/// Schema 4 (and earlier ones): `node_hash` -> `borsh(Node)`. Read once, to move a store to
/// [`STATE_CHUNKS`], then dropped (`migrate.rs`).
pub(crate) const STATE_NODES_BY_HASH: &str = "state_nodes";
/// `borsh(RecordKey) || height` -> `borsh(Option<Vec<u8>>)`: every version of every record
/// (`None` marks a deletion).
pub(crate) const RECORDS: &str = "records";
/// `borsh(RecordKey) || height || index` -> tx hash: every tx that touched a record.
pub(crate) const HISTORY: &str = "history";
/// `borsh(OrgId) || height || index` -> tx hash: every tx signed for or touching an org.
pub(crate) const BY_ORG: &str = "by_org";
/// `term || sort_id || height` -> `0x01 || borsh(RecordKey)` or `0x00`: when each record entered
/// or left each listing term (kind, org, status). See `index.rs`.
pub(crate) const RECORD_INDEX: &str = "record_index";
/// `level (1) || index (8)` -> the 32-byte root of the perfect subtree of `2^level` leaves from
/// leaf `index << level` of the history tree (leaf `h` is the hash of block `h`, the genesis hash
/// for 0). Written with each block; never changed.
pub(crate) const HISTORY_TREE: &str = "history_tree";
/// `height || witness key (32)` -> `borsh(Cosignature)`: witnesses' cosignatures of the checkpoint
/// at `height`, each checked when it arrived. Off-chain: not part of any block, so each node
/// holds those its witnesses sent it.
pub(crate) const COSIGNATURES: &str = "cosignatures";

pub(crate) const META_TIP: &[u8] = b"tip";
pub(crate) const META_GENESIS: &[u8] = b"genesis";
pub(crate) const META_SCHEMA: &[u8] = b"schema";
pub(crate) const META_GENESIS_STATE_ROOT: &[u8] = b"genesis_state_root";
/// While a store of schema 4 is upgraded: the last height whose state tree has been
/// moved to [`STATE_CHUNKS`], `borsh(u64)` (`migrate.rs`).
pub(crate) const META_STATE_MOVED: &[u8] = b"state_moved";
/// On a store that prunes its state history (`prune.rs`): the oldest height whose state tree it
/// holds whole, `height (8, big-endian)`. Absent on a store that never pruned.
pub(crate) const META_STATE_OLDEST: &[u8] = b"state_oldest";
/// `borsh(IndexPending)`: the block whose index batch may not be written yet (its height) and
/// the records of listed kinds it changed. Written in each block's synced batch, deleted by its
/// index batch; present on open only after a crash between the two, when the store rebuilds
/// that block's index from the records named.
pub(crate) const META_INDEX_PENDING: &[u8] = b"index_pending";
/// The height of the block a store joined from a snapshot started at (absent: 0, genesis).
pub(crate) const META_BASE: &[u8] = b"base";
/// `borsh(Vec<SetChange>)`: the validator-set changes below the base, from the snapshot's
/// certificate, so that proof bundles cut here still walk from the genesis.
pub(crate) const META_BASE_SET_CHANGES: &[u8] = b"base_set_changes";
/// `borsh(Vec<WitnessChange>)`: the witness-set changes at or below the base, from the
/// snapshot, so that bundles anchored here still walk the witness sets from the genesis.
pub(crate) const META_BASE_WITNESS_CHANGES: &[u8] = b"base_witness_changes";
/// Bumped when a layout changes; a store of another version refuses to open, except a store of
/// [`SCHEMA_VERSION_NODES_BY_HASH`], whose state tree is moved to the chunked layout on open, one
/// of [`SCHEMA_VERSION_NO_AGGREGATES`], whose index aggregates are written on open, one of
/// [`SCHEMA_VERSION_UNPRUNED`], [`SCHEMA_VERSION_SIDED_ORG_ENTRIES`] or
/// [`SCHEMA_VERSION_TIMED_PER_TERM`], whose index entries that this version no longer keeps are
/// deleted on open, and one of [`SCHEMA_VERSION_INDEX_IN_BLOCK`], which opens unchanged.
/// Version 4 headers carry the history root and certificates the genesis hash, so no store of an
/// earlier version (whose blocks have neither) can be read or extended. Version 6 adds the index
/// aggregates (counts, creation times, the index by creation time: `aggregates.rs`). Version 8
/// lets a chunk of state-tree nodes hold pruned slots ([`META_STATE_OLDEST`], `prune.rs`), which
/// an earlier release would read as missing nodes. Version 9 stores no org (`o`) listing or
/// timed entries for the kinds between two orgs (ADR 0044), which an earlier release would list
/// as empty. Version 10 keeps timed entries (`aggregates.rs`) for the kind terms and the answer
/// terms only (ADR 0045), which an earlier release would count as none. Version 11 writes a
/// block's index in a batch of its own after the block's synced batch (ADR 0046), leaving
/// [`META_INDEX_PENDING`] between the two, which an earlier release would not act on.
pub(crate) const SCHEMA_VERSION: u32 = 11;
/// The last version that wrote a block's index in the block's own batch; its stores open
/// unchanged.
pub(crate) const SCHEMA_VERSION_INDEX_IN_BLOCK: u32 = 10;
/// The last version that stored a timed entry for every listing term; its stores open once the
/// others are deleted.
pub(crate) const SCHEMA_VERSION_TIMED_PER_TERM: u32 = 9;
/// The last version that stored the org listing and timed entries of the kinds between two
/// orgs; its stores open once those are deleted.
pub(crate) const SCHEMA_VERSION_SIDED_ORG_ENTRIES: u32 = 8;
/// The last version whose state chunks hold no pruned slot; its stores open unchanged.
pub(crate) const SCHEMA_VERSION_UNPRUNED: u32 = 6;
/// The last version without the index aggregates of `aggregates.rs`.
pub(crate) const SCHEMA_VERSION_NO_AGGREGATES: u32 = 5;
/// The last version that stored state nodes by hash, in [`STATE_NODES_BY_HASH`]: the first with
/// history roots, whose store this release still opens.
pub(crate) const SCHEMA_VERSION_NODES_BY_HASH: u32 = 4;

pub(crate) fn height(height: Height) -> [u8; 8] {
    height.0.to_be_bytes()
}

/// The key of a perfect subtree of the history tree.
pub(crate) fn subtree(level: u8, index: u64) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = level;
    key[1..].copy_from_slice(&index.to_be_bytes());
    key
}

pub(crate) fn position(height: Height, index: u32) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..8].copy_from_slice(&height.0.to_be_bytes());
    key[8..].copy_from_slice(&index.to_be_bytes());
    key
}

/// The first key after every key that starts with `prefix` (which must hold a byte below
/// `0xFF`): its last such byte plus one, the `0xFF`s after it dropped.
pub(crate) fn after_prefix(prefix: &[u8]) -> Vec<u8> {
    let mut key = prefix.to_vec();
    while key.last() == Some(&0xFF) {
        key.pop();
    }
    if let Some(last) = key.last_mut() {
        *last += 1;
    }
    key
}

pub(crate) fn with_suffix(prefix: &[u8], suffix: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + suffix.len());
    key.extend_from_slice(prefix);
    key.extend_from_slice(suffix);
    key
}

/// Reads `height || index` from the last 12 bytes of `key`.
pub(crate) fn read_position(key: &[u8]) -> Option<(Height, u32)> {
    let start = key.len().checked_sub(12)?;
    let height = u64::from_be_bytes(key[start..start + 8].try_into().ok()?);
    let index = u32::from_be_bytes(key[start + 8..].try_into().ok()?);
    Some((Height(height), index))
}
