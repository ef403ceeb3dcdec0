//! Record types of sharing (share requests and grants) and of access events (accesses and the
//! violations found among them). Each is stored under its [`RecordKey`](crate::record::RecordKey)
//! as its borsh encoding; append fields only with a format change.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    action::AccessDraft,
    ids::{
        AccessEventId, CatalogCode, GrantId, LegalBasisCode, OrgId, ShareRequestId, Timestamp,
        ViolationId,
    },
    keys::PublicKey,
    time::Date,
};

/// Where a share request stands.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ShareStatus {
    /// Waiting for the provider's approver.
    UnderReview {
        /// Block time by which an answer is due (end of the last working day).
        answer_due: Timestamp,
    },
    /// Granted, by the ledger (unconditional entries) or by the provider's approver.
    Granted {
        /// The grant issued.
        grant: GrantId,
    },
    /// Refused on a legal ground of the registry: by the provider's approver, or, for a
    /// request on a not-shared entry that asks for no exception, by the ledger in the block that
    /// recorded it, citing the entry's legal basis.
    Refused {
        /// The legal ground cited.
        legal_basis: LegalBasisCode,
        /// The approver's explanation, or the ledger's for a not-shared entry.
        reason: String,
    },
    /// Withdrawn by the requester before an answer.
    Withdrawn,
}

/// A request by a data user's org for items of a provider's catalog entry.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRequest {
    /// Its id, from the `share_request` sequence.
    pub id: ShareRequestId,
    /// The org asking.
    pub requester_org: OrgId,
    /// The member who signed the request.
    pub requester: PublicKey,
    /// The entry asked for.
    pub entry: CatalogCode,
    /// The entry's provider org when the request was made.
    pub provider: OrgId,
    /// Names of the items wanted; none for the whole entry.
    pub items: Vec<String>,
    /// What the data is for.
    pub purpose: String,
    /// The legal duty it serves, from the registry.
    pub legal_duty: LegalBasisCode,
    /// First day of use.
    pub starts: Date,
    /// Last day of use.
    pub ends: Date,
    /// Block time of the block that recorded it.
    pub requested_at: Timestamp,
    /// Where it stands.
    pub status: ShareStatus,
    /// Whether it asks for an exception to a not-shared entry (例外共享).
    pub exception: bool,
}

/// Whether a grant still covers accesses (before its expiry).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum GrantStatus {
    /// In force until `expires_at`.
    Active,
    /// Revoked by the provider's approver; covers nothing from `at` on.
    Revoked {
        /// Block time of the revocation.
        at: Timestamp,
        /// Why.
        reason: String,
    },
}

/// Permission for an org to use items of a catalog entry until a block time.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grant {
    /// Its id, from the `grant` sequence.
    pub id: GrantId,
    /// The request it answers.
    pub request: ShareRequestId,
    /// The org allowed to use the data.
    pub grantee: OrgId,
    /// The org providing it.
    pub provider: OrgId,
    /// The entry it covers; accesses must be to resources of this entry.
    pub entry: CatalogCode,
    /// Names of the items granted, which every access under it must keep to (an item-scoped
    /// grant); none for the whole entry (an entry-scoped grant).
    pub items: Vec<String>,
    /// First day of use.
    pub starts: Date,
    /// Block time from which it covers nothing.
    pub expires_at: Timestamp,
    /// Conditions of use; empty for an unconditional grant.
    pub conditions: String,
    /// Whether an approver granted it as an exception for a not-shared entry.
    pub exception: bool,
    /// Active or revoked.
    pub status: GrantStatus,
    /// The legal basis the approver cited; always one for an exception.
    pub legal_basis: Option<LegalBasisCode>,
}

impl Grant {
    /// Whether it covers the whole entry rather than named items.
    pub fn is_entry_scoped(&self) -> bool {
        self.items.is_empty()
    }
}

/// Why an access was not covered by a grant.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ViolationReason {
    /// The gateway named no grant.
    NoGrant,
    /// The grant named does not exist.
    GrantUnknown,
    /// The grant was revoked.
    GrantRevoked,
    /// The grant had expired at the block that recorded the access.
    GrantExpired,
    /// The resource is not one of the grant's entry (or is not registered).
    OutOfScope,
    /// The grant was issued to another org.
    WrongGrantee,
    /// The access was recorded before the grant's first day of use.
    NotYetValid,
    /// The access returned an item the grant does not name (an item-scoped grant).
    ItemOutOfScope,
    /// The grantee had closed the grant out (ended its use) before the access.
    GrantClosed,
    /// A grant the onward grant derives from had been revoked or closed out.
    ParentGrantEnded,
}

impl ViolationReason {
    /// Its name, as JSON, receipts' events and records all spell it: `grant-revoked`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NoGrant => "no-grant",
            Self::GrantUnknown => "grant-unknown",
            Self::GrantRevoked => "grant-revoked",
            Self::GrantExpired => "grant-expired",
            Self::OutOfScope => "out-of-scope",
            Self::WrongGrantee => "wrong-grantee",
            Self::NotYetValid => "not-yet-valid",
            Self::ItemOutOfScope => "item-out-of-scope",
            Self::GrantClosed => "grant-closed",
            Self::ParentGrantEnded => "parent-grant-ended",
        }
    }

    /// Every reason, in variant order.
    pub const ALL: [Self; 10] = [
        Self::NoGrant,
        Self::GrantUnknown,
        Self::GrantRevoked,
        Self::GrantExpired,
        Self::OutOfScope,
        Self::WrongGrantee,
        Self::NotYetValid,
        Self::ItemOutOfScope,
        Self::GrantClosed,
        Self::ParentGrantEnded,
    ];
}

/// One recorded use of shared data, as a gateway reported it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessEvent {
    /// Its id, from the `access_event` sequence.
    pub id: AccessEventId,
    /// The org whose member accessed (the gateway's org).
    pub org: OrgId,
    /// The gateway member that reported it.
    pub gateway: PublicKey,
    /// The access as the gateway reported it (its `accessed_at` is the gateway's clock, recorded
    /// and never used by the rules).
    pub access: AccessDraft,
    /// Block time of the block that recorded it; coverage is judged at this time.
    pub recorded_at: Timestamp,
    /// The violation it was found to be, if no grant covered it.
    pub violation: Option<ViolationId>,
}

/// An access that no valid, unexpired, in-scope grant covered.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Violation {
    /// Its id, from the `violation` sequence.
    pub id: ViolationId,
    /// The access.
    pub access_event: AccessEventId,
    /// The org whose member accessed.
    pub org: OrgId,
    /// Why no grant covered it.
    pub reason: ViolationReason,
    /// Block time of the block that recorded it.
    pub recorded_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_violation_reason_is_spelled_as_its_json_everywhere() {
        for reason in ViolationReason::ALL {
            let json = serde_json::to_value(reason).expect("serializes");

            assert_eq!(json, reason.as_str(), "{reason:?}");
        }
    }
}
