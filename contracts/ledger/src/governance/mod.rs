//! Governance: proposals that validator orgs vote on, and the consortium changes they apply.
//!
//! ```text
//!   SubmitProposal ──▶ Open ──VoteProposal: approving power × 3 > total × 2──▶ Passed (change applied)
//!                       │ ▲
//!                       └─┘ VoteProposal, still undecided
//!                       │
//!                       └──VoteProposal: can no longer pass──────────────────▶ Rejected
//! ```
//!
//! Only an org admin of an org that runs a validator may submit or vote; each such org votes
//! once, with the summed power of its validators in the [`ValidatorSet`](onebook_types::consortium::ValidatorSet)
//! record as it stands when the vote is counted. The change is checked when submitted and again
//! when the deciding vote would pass it (the state may have moved on meanwhile); if it no longer
//! holds, that vote is refused with the change's rejection, the proposal stays open, and the
//! other orgs can still reject it.
//!
//! A passed `SetValidator` writes the new set under
//! [`RecordKey::ValidatorSet`](onebook_types::record::RecordKey::ValidatorSet); the height at
//! which consensus starts using it is for the node and consensus to decide (the network issue),
//! not for these rules. A passed `SetPolicy` writes the [`Policy`](onebook_types::consortium::Policy)
//! record; blocks after it are judged by the new version.
//!
//! A passed `ScheduleUpgrade` adds the next protocol version and its activation height to the
//! [`ProtocolSchedule`](onebook_types::consortium::ProtocolSchedule) record; blocks from that
//! height on are judged by the new version's rules, those below it by the old ones. A passed
//! `RotateValidatorKey` (protocol version 2 on) gives a validator a new node key in the set: the
//! next block is signed under the new key, and a vote under the old one no longer counts.

mod apply;
mod transitions;

pub use apply::{submit_proposal, vote_proposal};
pub use transitions::{
    Tally, org_power, org_status_after, policy_after, schedule_after, status_after_tally, tally,
    validator_set_after, validator_set_rotated,
};

#[cfg(test)]
mod tests;
