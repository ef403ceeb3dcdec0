//! Record keys: where each record lives in the state tree.
//!
//! A record's key bytes are `borsh(RecordKey)`: a one-byte kind tag then the id. The state tree
//! hashes those bytes into the record's path (`H("onebook/state-key/v1", key)`), and a record's
//! value bytes are the borsh encoding of its record type. Append kinds at the end; never reorder.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    codec,
    hash::Hash32,
    ids::{
        AccessEventId, ApplicationId, CatalogCode, CertificateNumber, ChainId, DevelopmentGrantId,
        GrantId, ObjectionId, ObligationId, OpenDataPlanId, OrgId, ProposalId, PublishedReportId,
        QualityReportId, RegionCode, ResourceId, ScenarioId, ShareRequestId, ViolationId,
    },
    keys::PublicKey,
};

/// The key of one record in the state tree.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RecordKey {
    /// The policy in force.
    Policy,
    /// The validator set in force.
    ValidatorSet,
    /// An organisation.
    Org(OrgId),
    /// A member, by key.
    Member(PublicKey),
    /// A signer's last committed nonce.
    Nonce(PublicKey),
    /// A governance proposal.
    Proposal(ProposalId),
    /// A catalog entry (its current version; older versions are kept under the entry).
    CatalogEntry(CatalogCode),
    /// A resource.
    Resource(ResourceId),
    /// A share request.
    ShareRequest(ShareRequestId),
    /// A grant.
    Grant(GrantId),
    /// An access event.
    AccessEvent(AccessEventId),
    /// A violation.
    Violation(ViolationId),
    /// A quality report.
    QualityReport(QualityReportId),
    /// A property application.
    Application(ApplicationId),
    /// An objection.
    Objection(ObjectionId),
    /// A certificate.
    Certificate(CertificateNumber),
    /// An obligation with a deadline.
    Obligation(ObligationId),
    /// The last id assigned in a sequence (by kind name, e.g. `grant`).
    Sequence(String),
    /// The ids of an org's open obligations, so overdue duties are found without a scan.
    OrgObligations(OrgId),
    /// The org that is the data authority (数据主管部门) of a region.
    RegionAuthority(RegionCode),
    /// The rights registered and applied for on one property subject, by the subject's hash.
    PropertySubject(Hash32),
    /// The authoritative source of a data element (or item name) across the consortium
    /// (一数一源), by the hash of its `SourceKey`.
    ElementSource(Hash32),
    /// The checkpoint policy in force: interval and witnesses.
    CheckpointPolicy,
    /// A child chain this chain anchors, by its chain id.
    ChildChain(ChainId),
    /// The protocol versions governance scheduled and their activation heights.
    Protocol,
    /// The close-out the grantee recorded for a grant.
    GrantCloseOut(GrantId),
    /// Where a grant sits in a chain of onward grants.
    GrantLineage(GrantId),
    /// The governed parameters of the grant lifecycle.
    LifecyclePolicy,
    /// An org's open-data plan for one year.
    OpenDataPlan(OpenDataPlanId),
    /// The open-data plans of an org, by year.
    OrgPlans(OrgId),
    /// A development scenario.
    Scenario(ScenarioId),
    /// The scenarios of an org under review or approved, by type.
    OrgScenarioTypes(OrgId),
    /// A development grant.
    DevelopmentGrant(DevelopmentGrantId),
    /// A product built under a development grant, by its digest.
    Product(Hash32),
    /// The products built from a resource.
    ResourceProducts(ResourceId),
    /// A published periodic report (通报).
    PublishedReport(PublishedReportId),
}

impl RecordKey {
    /// The key bytes the state tree hashes.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }

    /// Decodes key bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, codec::DecodeError> {
        codec::decode(bytes, 1 + 4 + crate::limits::ID_BYTES_MAX)
    }
}
