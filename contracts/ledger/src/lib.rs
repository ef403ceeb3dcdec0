//! Onebook's ledger rules: every record of the domain as a deterministic state machine.
//!
//! [`apply_block`] judges a block's verified transactions in order against the state before the
//! block and returns a [`Receipt`](onebook_types::block::Receipt) per tx plus the record changes
//! for storage. The rules see the state only through the [`StateRead`]/[`StateWrite`] ports
//! ([`MemState`] in tests, the state tree's write batch in the node) and see time only as the
//! block's [`BlockContext`]. Writes go to an [`Overlay`], per tx, so a refused tx changes nothing
//! except its signer's nonce (see [`executor`] for why). Each domain module holds its pure status
//! transitions beside the handlers that apply them: [`consortium`] (members), [`catalog`] (catalog
//! entries, resources and obligations), [`governance`]
//! (proposals, votes, and the changes they apply), [`sharing`] (share requests, grants,
//! access events and violations), [`quality`] (quality reports, answers and rulings),
//! [`property`] (data-property applications, public notices, objections, certificates and
//! licences), and [`anchoring`] (the checkpoint policy, child chains and their anchored
//! checkpoints). [`obligations`] keeps each org's deadline-bound duties and answers which are
//! overdue; [`calendar`] counts working days. A block is judged by the rules of the protocol
//! version governance scheduled for its height ([`protocol_version`]); an action that a later
//! version enables is refused before its activation with
//! [`Rejection::ActionNotYetEnabled`](onebook_types::rejection::Rejection::ActionNotYetEnabled).

pub mod anchoring;
pub mod calendar;
pub mod catalog;
mod checks;
pub mod consortium;
pub mod development;
pub mod executor;
pub mod governance;
pub mod lifecycle;
pub mod obligations;
mod overlay;
mod ports;
pub mod property;
pub mod quality;
pub mod reads;
pub mod reports;
pub mod sharing;

pub use executor::{
    BlockContext, BlockOutcome, Effects, PROTOCOL_VERSION_MAX, Refusal, TxContext, TxTouched,
    apply_block, check_signer, protocol_schedule, protocol_version,
};
pub use overlay::Overlay;
pub use ports::{MemState, StateRead, StateWrite, load, store};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod reach;
#[cfg(test)]
mod rules_doc;
#[cfg(test)]
mod scenarios;
#[cfg(test)]
mod testkit;
