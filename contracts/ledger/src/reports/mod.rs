//! Published periodic reports (通报), from protocol version 3 on.
//!
//! ```text
//!   reader computes the figures of (scope, period) at height H  ──▶  digest D
//!   PublishReport { scope, period, height: H, digest: D }
//!        (an auditor of the region's data authority; the period ended; H committed)
//!        ──▶ PublishedReport { id, scope, period, height, digest, publisher, published_at }
//! ```
//!
//! The ledger does not compute the figures: they are read from many records through the read
//! port (`onebook_query::reports`), and every read is as of the period's last block, so anyone
//! recomputes them from the same ledger and checks the digest. The ledger checks who publishes
//! and what the report names: an org or region it knows, a period that has ended, a height
//! already committed.

mod apply;

pub use apply::{REPORTS_SINCE, publish_report};

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) use tests::reach;
