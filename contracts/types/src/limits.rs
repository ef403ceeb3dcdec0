//! Hard limits. Every input, batch and queue has one; the unit or qualifier comes last.
//!
//! Sizes are checked before decoding, so no input can make a decoder allocate more than its
//! limit. The relations between limits are checked at compile time.

/// Largest encoded `SignedTx`.
pub const TX_BYTES_MAX: usize = 64 * 1024;
/// Most transactions in one block.
pub const BLOCK_TXS_MAX: u32 = 2_000;
/// Largest encoded block.
pub const BLOCK_BYTES_MAX: usize = 8 * 1024 * 1024;
/// Largest encoded receipt.
pub const RECEIPT_BYTES_MAX: usize = 64 * 1024;
/// Largest encoded header.
pub const HEADER_BYTES_MAX: usize = 1024;
/// Most transactions waiting in one node's mempool.
pub const MEMPOOL_TXS_MAX: u32 = 20_000;
/// Longest text field (names, descriptions, reasons, purposes), in bytes of UTF-8.
pub const TEXT_BYTES_MAX: usize = 4 * 1024;
/// Longest identifier (org id, chain id, catalog code, certificate number), in bytes.
pub const ID_BYTES_MAX: usize = 64;
/// Most items in any list inside one action (data items, access events, evidence digests).
pub const LIST_ITEMS_MAX: usize = 256;
/// Most events one receipt may carry.
pub const RECEIPT_EVENTS_MAX: usize = 512;
/// Onward grants one grant may have, so ending a grant reaches all its descendants in one tx.
pub const ONWARD_GRANTS_PER_GRANT_MAX: usize = 16;
/// Levels of onward grants below a grant issued on a share request (province to city to
/// district is two).
pub const ONWARD_DEPTH_MAX: u8 = 2;
const _: () = assert!(
    1 + ONWARD_GRANTS_PER_GRANT_MAX * (1 + ONWARD_GRANTS_PER_GRANT_MAX) < RECEIPT_EVENTS_MAX,
    "ending a grant raises one event per descendant within a receipt",
);
const _: () = assert!(ONWARD_DEPTH_MAX == 2, "the descendant walk covers two levels");
/// Largest encoded state record.
pub const RECORD_BYTES_MAX: usize = 256 * 1024;
/// Most siblings in a state proof: one per bit of a key hash.
pub const STATE_PROOF_SIBLINGS_MAX: usize = 256;
/// Largest encoded genesis file.
pub const GENESIS_BYTES_MAX: usize = 4 * 1024 * 1024;
/// Most validators in a set.
pub const VALIDATORS_MAX: usize = 128;
/// Most versions one catalog entry keeps. A revision past it is refused: the entry must then be
/// deprecated and a new one drafted. It bounds the entry record, which holds every version
/// (the record's encoded size is checked too, as versions vary in size).
pub const CATALOG_VERSIONS_MAX: usize = 16;
/// Most open obligations one org may owe at once. It bounds the org's obligation index; a tx
/// that would open one more is refused until some are met.
pub const ORG_OPEN_OBLIGATIONS_MAX: usize = 4_096;
/// Most rows in one page of any listing.
pub const PAGE_ITEMS_MAX: usize = 100;
/// Largest encoded proof bundle (`onebook-verifier`): a full validator-set chain and a few
/// full-size records fit well inside it.
pub const PROOF_BUNDLE_BYTES_MAX: usize = 4 * 1024 * 1024;
/// Most validator-set changes one proof bundle may carry from genesis to its height.
pub const PROOF_BUNDLE_SET_CHANGES_MAX: usize = 64;
/// Most record claims one proof bundle may carry under its header: an access under an onward
/// grant two levels down, with the lineage and close-outs of the grants above it, makes 12.
pub const PROOF_BUNDLE_CLAIMS_MAX: usize = 12;
/// Most witness-set changes one proof bundle may carry from genesis to its checkpoint.
pub const PROOF_BUNDLE_WITNESS_CHANGES_MAX: usize = 64;
/// Most witnesses in a witness set.
pub const WITNESSES_MAX: usize = 32;

const _: () = assert!(BLOCK_BYTES_MAX >= 16 * TX_BYTES_MAX, "a block fits 16 max-size txs");
const _: () = assert!(MEMPOOL_TXS_MAX >= 2 * BLOCK_TXS_MAX, "the pool can fill two blocks");
const _: () = assert!(TX_BYTES_MAX >= 4 * TEXT_BYTES_MAX, "a tx fits a few full text fields");
// An index entry is an id (8 bytes), a kind tag (1) and a due time (8), after a length (4).
const _: () = assert!(
    4 + ORG_OPEN_OBLIGATIONS_MAX * 17 <= RECORD_BYTES_MAX,
    "a full obligation index fits one record"
);
const _: () = assert!(
    PROOF_BUNDLE_BYTES_MAX >= PROOF_BUNDLE_CLAIMS_MAX * (RECORD_BYTES_MAX + 32 * 257),
    "a bundle fits its most claims, each a full-size record with a full-depth proof"
);
const _: () = assert!(RECEIPT_BYTES_MAX >= TX_BYTES_MAX, "a receipt can describe any tx");

/// Most signed reads one `RecordReads` tx carries.
pub const READS_PER_TX_MAX: usize = 50;
/// Longest path and query of a recorded read, in bytes.
pub const READ_PATH_BYTES_MAX: usize = 512;
