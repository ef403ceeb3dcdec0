//! RocksDB block, state and index store: one atomic synced write batch per block, then its index.
//!
//! [`Store`] is the only place in Onebook that names RocksDB. A block, its receipts, its commit
//! certificate, the state-tree nodes it created and the record versions it wrote go into one
//! `WriteBatch`, written with a synced WAL, so after a crash the store holds either all of a
//! block or none of it. The index entries the block adds, derived from those record versions,
//! follow in a second batch; a crash between the two leaves a mark from which opening the store
//! rebuilds them (ADR 0046). On open the store reads the last committed header
//! back and checks that the state tree under its `state_root` rehashes to that root (the second
//! half of the assert-in-pairs: the root is also checked before the write). See
//! `docs/adr/0005-storage-rocksdb.md` for the column families and key layouts.
//! [`Store::list_records`] lists the records of a kind by org and status at any height from the
//! `record_index` family (`index.rs`), which each block's batch updates beside the record
//! versions. [`bundle_for_record`]
//! and its siblings cut the proof bundles of `onebook-verifier` from the store, anchored at the
//! newest checkpoint the chain's witnesses cosigned ([`anchor`]); the history tree's perfect
//! subtrees (`history_tree`) and the witnesses' cosignatures (`cosignatures`) have column
//! families of their own. [`backup`] copies a running node's store into a checked archive and
//! restores one; [`snapshot`] writes the state of one certified height into a file and starts a
//! new store from one ([`Store::base`]). A store configured with a window of blocks
//! ([`StateHistory`]) removes the state-tree nodes that no version in the window reaches
//! ([`Store::prune_state`]), and refuses reads of older states with
//! [`StorageError::StatePruned`].

mod aggregates;
pub mod backup;
mod batch;
mod checkpoints;
mod committed;
mod damage;
mod engine;
mod error;
mod index;
mod keys;
mod migrate;
mod proofs;
mod prune;
pub mod snapshot;
mod state;
mod store;
#[cfg(test)]
mod testing;
mod tx_prefix;
mod verify;

pub use aggregates::{ANSWERED_LATE, ANSWERED_ON_TIME, TIME_INTERVALS_MAX};
pub use checkpoints::{
    CosignOutcome, CosignRefusal, anchor, checkpoint, checkpoint_heights, checkpoint_policy,
    cosignatures, extension, is_checkpoint, newest_witnessed, record_cosignature, witnessed,
    witnesses_of,
};
pub use damage::StoreDamage;
pub use engine::EngineStats;
pub use error::{Result, StorageError};
pub use index::{
    ListFilter, RecordKind, RecordPage, Side, cursor_after, cursor_is_well_formed, has_sides,
};
pub use proofs::{
    RecordClaimKind, anchor_bundle, bundle_for_absence, bundle_for_access, bundle_for_claims,
    bundle_for_record, bundle_for_records, bundle_for_tx, default_proof_height, set_changes,
};
pub use prune::{PruneReport, StateHistory};
pub use state::NodeCacheStats;
pub use store::{
    BlockCommit, Creations, DiskSpace, FamilySize, HistoryEntry, HistoryPage, KeyedRecord,
    MEMTABLE_BYTES_DEFAULT, NODE_CACHE_NODES_DEFAULT, RECEIPTS_READ_MAX, RecordChange,
    RecordCreation, StagedState, Store, StoreConfig, StoreMemory, TableFile, Tip, TxLocation,
    TxTouch, VerifyOnOpen,
};
pub use verify::{PROBLEMS_LISTED_MAX, VerifyProgress, VerifyReport};
