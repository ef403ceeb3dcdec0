//! Record types of the grant lifecycle after issue: the close-out a grantee records when a grant
//! ends (数据安全销毁: destruction, or lawful retention with its legal basis), the lineage of
//! onward grants that share data back down the hierarchy (数据回流/属地返还), and the governed
//! parameters of both. Each is stored under its [`RecordKey`](crate::record::RecordKey) as its
//! borsh encoding; append fields only with a format change.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    hash::Hash32,
    ids::{GrantId, Height, LegalBasisCode, OrgId, Timestamp},
    keys::PublicKey,
};

pub use crate::limits::{ONWARD_DEPTH_MAX, ONWARD_GRANTS_PER_GRANT_MAX};

/// Working days a grantee has to close out a grant after it ends, when governance set none.
pub const CLOSE_OUT_WORKING_DAYS_DEFAULT: u16 = 10;

/// The governed parameters of the grant lifecycle, stored under the `lifecycle_policy` record
/// key; absent means the defaults (10 working days).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LifecyclePolicy {
    /// Working days after a grant ends within which its grantee must record its close-out.
    pub close_out_working_days: u16,
}

impl Default for LifecyclePolicy {
    fn default() -> Self {
        Self { close_out_working_days: CLOSE_OUT_WORKING_DAYS_DEFAULT }
    }
}

/// What the grantee did with the data when the grant ended.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "disposition", rename_all = "kebab-case")]
pub enum CloseOutDisposition {
    /// Every copy was destroyed (数据安全销毁).
    Destroyed,
    /// Copies are kept because a law requires it (archives, case files), on this basis.
    Retained {
        /// The legal basis of the retention, from the registry.
        legal_basis: LegalBasisCode,
    },
}

/// How a grant ended, as the close-out found it.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum GrantEnd {
    /// Its term ran out.
    Expired,
    /// The provider's approver revoked it.
    Revoked,
    /// A grant it derives from was revoked or closed out.
    ParentEnded,
    /// The grantee ended its use early: the close-out itself ended the grant.
    EndOfUse,
}

impl GrantEnd {
    /// Its name, as JSON and events spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::ParentEnded => "parent-ended",
            Self::EndOfUse => "end-of-use",
        }
    }
}

/// A grantee's record that the data it received under a grant was destroyed or lawfully
/// retained, with the digest of its attestation document (kept off the ledger).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrantCloseOut {
    /// The grant.
    pub grant: GrantId,
    /// The grantee org that recorded it.
    pub grantee: OrgId,
    /// The member who signed it.
    pub signer: PublicKey,
    /// Destroyed or retained.
    pub disposition: CloseOutDisposition,
    /// Digest (BLAKE3) of the signed attestation document.
    pub attestation_digest: Hash32,
    /// How the grant had ended.
    pub ended: GrantEnd,
    /// Block time at which the grant ended (the close-out's own time for an end of use).
    pub ended_at: Timestamp,
    /// The end of the last working day on which the close-out was due.
    pub due: Timestamp,
    /// Height of the block that recorded it.
    pub recorded_at: Height,
    /// That block's time.
    pub recorded_time: Timestamp,
    /// Whether it was recorded after `due`.
    pub late: bool,
}

/// Where a grant sits in a chain of onward grants: the grant it derives from, the org that
/// granted it, and the onward grants derived from it. Stored for a grant issued onward, and for
/// any grant once it has onward grants.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrantLineage {
    /// The grant it derives from; `None` for a grant issued on a share request.
    pub parent: Option<GrantId>,
    /// The org that issued it onward (the parent's grantee); `None` for a grant issued on a
    /// share request.
    pub granted_by: Option<OrgId>,
    /// Onward grants below the grant issued on a share request: 0 for that grant.
    pub depth: u8,
    /// The onward grants derived from it, by id; at most 16.
    pub children: Vec<GrantId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_end_is_spelled_as_its_json() {
        for end in [GrantEnd::Expired, GrantEnd::Revoked, GrantEnd::ParentEnded, GrantEnd::EndOfUse]
        {
            let json = serde_json::to_value(end).expect("serializes");

            assert_eq!(json, end.as_str());
        }
    }
}
