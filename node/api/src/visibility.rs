//! What a reader sees of restricted records beyond reading them by id (ADR 0011): in lists,
//! search hits, the event stream, tx receipts, timelines and proof bundles. The rules live in
//! the read port, `onebook_query::read_rules` (its module doc has the table), so every reader of
//! the ledger applies the same ones; the routes here only apply them to the reader that
//! `auth.rs` authenticated.

pub(crate) use onebook_query::read_rules::{
    may_read_event, may_read_tx, may_see_hit, redact_tx, visible_items,
};
