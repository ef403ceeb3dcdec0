//! Storage errors.

use std::path::PathBuf;

use onebook_types::{codec::DecodeError, hash::Hash32, ids::Height};

/// Result of a storage operation.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// RocksDB failed (open, read or write).
    #[error("rocksdb: {0}")]
    Rocks(#[from] rocksdb::Error),
    /// A stored value does not decode: the database is damaged.
    #[error("stored {what} does not decode")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// The decoder's complaint.
        #[source]
        source: DecodeError,
    },
    /// A value the store needs is missing: the database is damaged.
    #[error("stored {what} is missing")]
    Missing {
        /// What was being read.
        what: &'static str,
    },
    /// The state tree does not rehash to the committed root.
    #[error("state at height {height} does not match its header: {detail}")]
    StateRootMismatch {
        /// The height checked.
        height: Height,
        /// What differed.
        detail: String,
    },
    /// The block does not follow the tip.
    #[error("block {got} does not follow the tip {tip}")]
    NotNext {
        /// Its height.
        got: Height,
        /// The tip height.
        tip: Height,
    },
    /// The block's header disagrees with its contents.
    #[error("block {height}: {detail}")]
    InvalidBlock {
        /// Its height.
        height: Height,
        /// What disagrees.
        detail: String,
    },
    /// The store was created for another genesis.
    #[error("store holds genesis {stored}, not {given}")]
    WrongGenesis {
        /// The genesis stored.
        stored: Hash32,
        /// The genesis given.
        given: Hash32,
    },
    /// The database was written by a version of Onebook with another layout.
    #[error(
        "database schema version {found:?} (big-endian bytes) is not version {supported} or \
         version 4, 5 or 6, which this release upgrades on open; open it with the Onebook release \
         that wrote it, or sync this node into an empty data directory (version 4 changed the \
         header and certificate formats, so older chains cannot continue)"
    )]
    UnsupportedSchema {
        /// The stored version bytes.
        found: Vec<u8>,
        /// The version this build writes.
        supported: u32,
    },
    /// A listing cursor is not one this listing gave.
    #[error("cursor is not one this listing gave")]
    InvalidCursor,
    /// A proof bundle cannot be cut as asked.
    #[error("cannot build a proof bundle: {reason}")]
    NoProof {
        /// Why, as a sentence: no block at the height, no certificate stored, the record is
        /// present where absence was asked, and so on.
        reason: String,
    },
    /// The height is below the first one this store holds: it started from a snapshot.
    #[error(
        "height {height} is below {base}, the first height this node holds (it started from a \
         snapshot); ask a node that holds the whole history"
    )]
    BelowBase {
        /// The height asked.
        height: Height,
        /// The first height held.
        base: Height,
    },
    /// The state tree at the height has been pruned: this node keeps the state of a window of
    /// recent blocks only (`[storage] state_history`).
    #[error(
        "the state at height {height} is no longer held: this node prunes its state history and \
         keeps the state from height {oldest} on; ask an archive node for older heights"
    )]
    StatePruned {
        /// The height asked.
        height: Height,
        /// The oldest height whose state the node holds.
        oldest: Height,
    },
    /// A store that has pruned its state history was opened as an archive.
    #[error(
        "this store has pruned its state history and holds the state from height {oldest} on, \
         so it cannot serve as an archive node, which keeps every version; keep `[storage] \
         state_history` a window of blocks, or restore an archive node's backup, or sync an \
         empty data directory from the genesis"
    )]
    PrunedStoreAsArchive {
        /// The oldest height whose state the store holds.
        oldest: Height,
    },
    /// The store has no genesis yet.
    #[error("store is empty: initialise it with a genesis first")]
    Empty,
    /// A height above the tip was asked for.
    #[error("height {height} is above the tip {tip}")]
    AboveTip {
        /// The height asked for.
        height: Height,
        /// The tip height.
        tip: Height,
    },
    /// The store holds less than this node had committed: its RocksDB WAL or files were
    /// damaged or truncated, or an older copy of the data directory was put in its place.
    #[error(
        "the store ends at height {}, but this node had committed height {committed} \
         (recorded in {}); the store's write-ahead log or files were damaged or truncated, or an \
         older copy of the data directory was put in its place. The node refuses to serve a \
         shorter chain as its own. Restore the data directory from a backup, or move it aside \
         and start again so that the node syncs the chain from its peers; if an older backup \
         was restored on purpose, delete {} first",
        store.map_or_else(|| "nowhere (it holds no block)".to_owned(), |h| h.0.to_string()),
        mark.display(),
        mark.display()
    )]
    BehindCommitted {
        /// The store's tip height, if it has one.
        store: Option<Height>,
        /// The height this node had committed.
        committed: Height,
        /// The file that records it.
        mark: PathBuf,
    },
    /// The store's block at the height this node last committed is another block.
    #[error(
        "the store holds block {stored} at height {height}, but this node had committed block \
         {committed} there (recorded in {}); the store was replaced or damaged. Restore the data \
         directory from a backup, or move it aside and start again so that the node syncs the \
         chain from its peers",
        mark.display()
    )]
    OtherThanCommitted {
        /// The height.
        height: Height,
        /// The block hash the store holds.
        stored: Hash32,
        /// The block hash this node had committed.
        committed: Hash32,
        /// The file that records it.
        mark: PathBuf,
    },
    /// The record of the last committed height cannot be read.
    #[error(
        "the record of this node's last committed height ({}) is damaged: {detail}; check the \
         store with `onebook inspect verify`, then delete the file to accept the store's tip",
        mark.display()
    )]
    MarkUnreadable {
        /// The file.
        mark: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The size of the store's file system could not be read.
    #[error("cannot read the size of the store's file system: {source}")]
    DiskSpace {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The record of the last committed height could not be written.
    #[error("cannot write {}: {source}", mark.display())]
    MarkWrite {
        /// The file.
        mark: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl StorageError {
    /// Whether the error shows damage to the store: data that RocksDB's checksums refuse, that
    /// does not decode, that must be there and is not, or a state tree that does not rehash to
    /// its root. Damage is permanent, unlike a failure to read now.
    pub fn is_damage(&self) -> bool {
        match self {
            Self::Rocks(error) => error.kind() == rocksdb::ErrorKind::Corruption,
            Self::Corrupt { .. }
            | Self::Missing { .. }
            | Self::StateRootMismatch { .. }
            | Self::BehindCommitted { .. }
            | Self::OtherThanCommitted { .. }
            | Self::MarkUnreadable { .. } => true,
            Self::NotNext { .. }
            | Self::InvalidBlock { .. }
            | Self::WrongGenesis { .. }
            | Self::UnsupportedSchema { .. }
            | Self::InvalidCursor
            | Self::NoProof { .. }
            | Self::Empty
            | Self::AboveTip { .. }
            | Self::BelowBase { .. }
            | Self::StatePruned { .. }
            | Self::PrunedStoreAsArchive { .. }
            | Self::DiskSpace { .. }
            | Self::MarkWrite { .. } => false,
        }
    }
}
