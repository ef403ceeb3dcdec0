//! [`NodeRead`]: what a node's REST API reads of its own node beside the ledger's records, which
//! [`LedgerQuery`](crate::LedgerQuery) answers: the tip's height as the event stream watches it,
//! the store's health, the chain's signature suite and the policy the read audit follows. The
//! node's store implements it (feature `store`); a test implements it in memory.
//!
//! The methods are synchronous and cheap (an in-memory tip, one record read), so the API calls
//! them in its handlers and middleware directly (ADR 0038).

use std::fmt::Debug;

use onebook_types::{consortium::Policy, ids::Height, suite::Suite};

use crate::QueryError;

/// What the REST API reads of its node beside the ledger's records. Object-safe: the API holds
/// one as `Arc<dyn NodeRead>`.
pub trait NodeRead: Debug + Send + Sync + 'static {
    /// The height of the last committed block: the event stream waits for it to rise.
    fn tip_height(&self) -> Result<Height, QueryError>;

    /// How many reads found the store damaged since the node started, `None` while none did:
    /// a damaged node fails its health check.
    fn damaged_reads(&self) -> Option<u64>;

    /// The chain's signature and hash suite, in which signed reads are checked.
    fn suite(&self) -> Suite;

    /// The policy in force at the tip, `None` if the state holds none or it does not decode
    /// (then no read is recorded).
    fn policy_at_tip(&self) -> Result<Option<Policy>, QueryError>;
}
