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
    /// Refused by the provider's approver on a legal ground of the registry.
    Refused {
        /// The legal ground cited.
        legal_basis: LegalBasisCode,
        /// The approver's explanation.
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
    /// Names of the items wanted.
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
    /// Names of the items granted.
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
