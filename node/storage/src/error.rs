//! Storage errors.

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
        "database schema version {found:?} (big-endian bytes) is not version {supported} or an \
         earlier one this release upgrades on open; open it with the Onebook release that wrote \
         it, or sync this node into an empty data directory"
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
    /// The store has no genesis yet.
    #[error("store is empty: initialise it with a genesis first")]
    Empty,
}
