//! Record types the ledger rules create in the state, beside the consortium records of
//! [`consortium`](crate::consortium). Each is stored under its [`RecordKey`](crate::record::RecordKey)
//! as its borsh encoding; append fields only with a format change.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    action::GovernanceChange,
    ids::{Height, OrgId, ProposalId},
};

/// Where a governance proposal stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProposalStatus {
    /// Validator orgs may still vote.
    Open,
    /// More than two thirds of the voting power approved; the change was applied.
    Passed,
    /// It can no longer reach two thirds; nothing changed.
    Rejected,
}

/// A governance proposal: a change to the consortium that validator orgs vote on.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    /// Its id, from the `proposal` sequence.
    pub id: ProposalId,
    /// What it would change.
    pub change: GovernanceChange,
    /// Why, for the voters.
    pub rationale: String,
    /// The org whose admin submitted it.
    pub proposer: OrgId,
    /// The height of the block that recorded it.
    pub submitted_at: Height,
    /// The votes cast, in the order they were committed, one per validator org.
    pub votes: Vec<(OrgId, bool)>,
    /// Where it stands.
    pub status: ProposalStatus,
    /// The height of the block whose vote decided it; `None` while open.
    pub decided_at: Option<Height>,
}
