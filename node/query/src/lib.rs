//! The `LedgerQuery` read trait, its view types, and its implementation over the store.
//!
//! [`LedgerQuery`] is everything the REST API and the explorer may ask of the ledger: one record
//! by key, the records of a kind filtered by org and status and their counts, an entity's timeline of txs, an
//! org's overdue obligations, and a search by tx hash, height, record id, catalog code or
//! certificate number, the committed events after a cursor for the event stream, and the
//! blocks, their decoded txs and the validator set, the authoritative source of a data element
//! (一数一源) and the policy in force. Every record read may be made as of a past height; a height above the tip is
//! [`QueryError::NoBlockYet`].
//!
//! This crate is the port: the trait, its view types and the rules every reader applies, with
//! no database and no runtime by default. Its adapters sit behind features: `StoreQuery`
//! (feature `store`) answers from a node's own RocksDB store, and `HttpQuery` (module `client`,
//! feature `client`) answers from a remote node's REST API with the same views, and has the node's own calls too (status, submit, tx status, nonces, proof bundles,
//! signed reads). Views are plain serde types whose JSON is what the REST API answers: hashes
//! and keys in hex, numeric ids as numbers, text ids as strings. Lists are paged by a keyset
//! cursor, at most [`PAGE_ITEMS_MAX`](onebook_types::limits::PAGE_ITEMS_MAX) items a page: a
//! cursor is a position in the listing's order (the `next` of a page is the position of its last
//! item), and any position continues after itself, whether a record sits there or not; text
//! that is no position of the listing is [`QueryError::CursorUnknown`]. See
//! `docs/adr/0009-ledger-query.md`.

#[cfg(feature = "client")]
pub mod blocking;
#[cfg(feature = "client")]
pub mod client;
mod error;
mod events;
mod ledger;
mod node;
mod node_views;
pub mod read_rules;
mod reader_query;
pub mod reports;
pub mod shared;
#[cfg(feature = "store")]
mod store;
#[cfg(all(feature = "store", any(test, feature = "test-utils")))]
pub mod test_utils;
mod views;

#[cfg(feature = "client")]
pub use blocking::BlockingHttp;
#[cfg(feature = "client")]
pub use client::HttpQuery;
pub use error::QueryError;
pub use events::{
    EVENT_KIND_BYTES_MAX, EVENTS_SCANNED_TXS_MAX, EventCursor, EventFilter, EventPage, EventParams,
    EventView, ORG_ATTRIBUTES,
};
pub use ledger::{
    ANSWERED_LATE, ANSWERED_ON_TIME, COUNT_INTERVALS_MAX, CountParams, LIMIT_DEFAULT, LedgerQuery,
    ListParams, PageParams, SCANNED_RECORDS_MAX, SEARCH_TX_PREFIX_HITS_MAX, Side, TIME_MAX,
    TX_HASH_PREFIX_DIGITS_MIN, check_chain_id, check_count, check_record_id, check_source_key,
    check_time, page_limit, served_kind, timeline_kind,
};
pub use node::{
    Bundle, CosignError, EngineFigures, MISSED_WINDOW, MissedVotes, NodeFigures, NodeRead,
    ProofError,
};
pub use node_views::{
    BatchResult, CheckpointEvidence, CheckpointPage, CheckpointSummary, CheckpointView,
    CosignReceipt, NoncesView, StateHistoryMode, StateHistoryView, StatusView, Submitted,
    SubmittedBatch, SyncView, TxStatusView,
};
pub use onebook_types::record_kind::RecordKind;
pub use reader_query::ReaderQuery;
pub use shared::SharedQuery;
#[cfg(feature = "store")]
pub use store::StoreQuery;
pub use views::{
    BlockSummaryView, BlockView, CheckpointPolicyView, ChildChainView, CountView, CreationView,
    ElementSourceView, OverdueView, Page, PolicyView, ProtocolView, Record, RecordView,
    SearchHitView, TimelineEntryView, TipView, TxView, ValidatorsView, action_name,
    parse_record_key, record_key_text,
};

#[cfg(all(test, feature = "store"))]
mod reports_tests;
#[cfg(all(test, feature = "store"))]
mod tests;
