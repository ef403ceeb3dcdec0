//! What a transaction asks the ledger to do: one [`Action`] variant per operation of the domain,
//! named the way a clerk would say it. The rules that judge each one live in `onebook-ledger`.
//!
//! The variant order is part of the wire format (borsh encodes the position): append new
//! variants at the end, never reorder.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    checkpoint::{Checkpoint, CheckpointExtension, CheckpointPolicy, Cosignature, WitnessSet},
    consortium::{LegalBasis, OrgLevel, Role, Validator},
    development_records::{PlannedOpening, ScenarioDraft},
    hash::Hash32,
    ids::{
        ApplicationId, CatalogCode, CertificateNumber, ChainId, DevelopmentGrantId, GrantId,
        Height, LegalBasisCode, ObjectionId, OrgId, ProposalId, ProtocolVersion, QualityReportId,
        RegionCode, ResourceId, ScenarioId, ShareRequestId, SystemId, Timestamp,
    },
    keys::PublicKey,
    lifecycle_records::{CloseOutDisposition, LifecyclePolicy},
    reads::SignedRead,
    report_records::{ReportPeriod, ReportScope},
    time::Date,
};

/// One ledger operation.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    // Consortium and governance.
    /// An org admin binds a new member key to the admin's org with roles.
    RegisterMember {
        /// The new member's key.
        key: PublicKey,
        /// Display name.
        name: String,
        /// Roles granted.
        roles: Vec<Role>,
    },
    /// An org admin replaces a member's roles.
    SetMemberRoles {
        /// The member.
        key: PublicKey,
        /// The new roles.
        roles: Vec<Role>,
    },
    /// A member moves its identity to a new key; the old key is revoked in the same step.
    RotateMemberKey {
        /// The replacement key.
        new_key: PublicKey,
    },
    /// An org admin revokes a member key.
    RevokeMember {
        /// The member.
        key: PublicKey,
        /// Why.
        reason: String,
    },
    /// An org admin of a validator org opens a governance proposal.
    SubmitProposal {
        /// What would change.
        change: GovernanceChange,
        /// Why, for the voters.
        rationale: String,
    },
    /// An org admin of a validator org votes on an open proposal.
    VoteProposal {
        /// The proposal.
        proposal: ProposalId,
        /// For or against.
        approve: bool,
    },
    /// An org admin records that its org's duties (三定) changed, which opens the catalog-update
    /// obligation.
    RecordDutyChange {
        /// What changed.
        description: String,
    },

    // Catalog.
    /// A catalog clerk drafts a new catalog entry for the clerk's org.
    DraftCatalogEntry {
        /// The entry's content.
        draft: CatalogEntryDraft,
    },
    /// A catalog clerk submits a draft (or returned) entry for review.
    SubmitCatalogEntry {
        /// The entry.
        code: CatalogCode,
    },
    /// The region's data authority approves or returns a submitted entry.
    ReviewCatalogEntry {
        /// The entry.
        code: CatalogCode,
        /// The decision.
        decision: ReviewDecision,
    },
    /// A catalog clerk publishes an approved entry.
    PublishCatalogEntry {
        /// The entry.
        code: CatalogCode,
    },
    /// A catalog clerk drafts a new version of a published entry; the old version stays.
    ReviseCatalogEntry {
        /// The entry.
        code: CatalogCode,
        /// The new content.
        draft: CatalogEntryDraft,
    },
    /// A catalog clerk deprecates an entry.
    DeprecateCatalogEntry {
        /// The entry.
        code: CatalogCode,
        /// Why.
        reason: String,
    },
    /// A catalog clerk registers a resource under an entry of the clerk's org.
    RegisterResource {
        /// The entry.
        entry: CatalogCode,
        /// The resource.
        draft: ResourceDraft,
    },
    /// A catalog clerk records a new snapshot of a resource.
    UpdateResource {
        /// The resource.
        resource: ResourceId,
        /// Digest of the new snapshot.
        snapshot_digest: Hash32,
        /// Records in it.
        record_count: u64,
    },

    // Sharing.
    /// A data user asks for data under a catalog entry.
    RequestShare {
        /// The request.
        draft: ShareRequestDraft,
    },
    /// The provider's share approver answers a conditional (or not-shared) request.
    AnswerShare {
        /// The request.
        request: ShareRequestId,
        /// The answer.
        answer: ShareAnswer,
    },
    /// The requester withdraws a pending request.
    WithdrawShareRequest {
        /// The request.
        request: ShareRequestId,
    },
    /// The provider's share approver revokes a grant.
    RevokeGrant {
        /// The grant.
        grant: GrantId,
        /// Why.
        reason: String,
    },

    // Access events.
    /// A gateway records a batch of accesses made by its org's members.
    RecordAccesses {
        /// The accesses, in the order they happened.
        events: Vec<AccessDraft>,
    },

    // Quality feedback.
    /// A user reports a problem in a resource.
    ReportQualityIssue {
        /// The resource.
        resource: ResourceId,
        /// The problem.
        description: String,
        /// Digest of the evidence kept off the ledger.
        evidence_digest: Hash32,
    },
    /// The provider answers a quality report.
    AnswerQualityIssue {
        /// The report.
        report: QualityReportId,
        /// The answer.
        answer: QualityAnswer,
    },
    /// The data authority rules on a disputed report and names who is responsible.
    RuleQualityIssue {
        /// The report.
        report: QualityReportId,
        /// The org held responsible.
        responsible: OrgId,
        /// The ruling.
        ruling: String,
    },

    // Data-property registration.
    /// A registrant applies for a data-property right.
    ApplyForProperty {
        /// The application.
        draft: PropertyApplicationDraft,
    },
    /// A registrar accepts (opening the public notice) or refuses an application.
    ReviewPropertyApplication {
        /// The application.
        application: ApplicationId,
        /// The decision.
        decision: ReviewDecision,
    },
    /// Anyone files an objection during the public notice.
    FileObjection {
        /// The application.
        application: ApplicationId,
        /// The grounds.
        grounds: String,
        /// Digests of the evidence.
        evidence_digests: Vec<Hash32>,
    },
    /// A registrar rules on an objection.
    RuleObjection {
        /// The objection.
        objection: ObjectionId,
        /// Whether it is upheld (which refuses the application).
        upheld: bool,
        /// The reasons.
        reasons: String,
    },
    /// A registrar issues the certificate once the notice ended with no objection pending.
    IssueCertificate {
        /// The application.
        application: ApplicationId,
    },
    /// The holder transfers a certificate's right to another org.
    TransferCertificate {
        /// The certificate.
        certificate: CertificateNumber,
        /// The new holder.
        to: OrgId,
    },
    /// The holder licenses a processing-use right under its right, for a term inside it.
    LicenseRight {
        /// The parent certificate.
        certificate: CertificateNumber,
        /// The licensee.
        licensee: OrgId,
        /// First day of the licence.
        starts: Date,
        /// Last day of the licence.
        ends: Date,
    },
    /// A registrar renews a certificate to a new last day.
    RenewCertificate {
        /// The certificate.
        certificate: CertificateNumber,
        /// The new last day of validity.
        valid_until: Date,
    },
    /// A registrar (or the holder) cancels a certificate.
    CancelCertificate {
        /// The certificate.
        certificate: CertificateNumber,
        /// Why.
        reason: String,
    },

    // Read audit.
    /// A node records the signed reads of restricted records it served, each as its reader
    /// signed it, when the policy's `record_signed_reads` says so.
    RecordReads {
        /// The reads, in the order served: 1 to `READS_PER_TX_MAX` (50).
        reads: Vec<SignedRead>,
    },

    // Anchoring up the hierarchy.
    /// Any member records a witnessed checkpoint of a child chain (a city's chain under a
    /// province's) that this chain's governance admitted. The ledger checks the cosignatures
    /// against the witness set it holds for the child and that the checkpoint extends the last
    /// one anchored.
    AnchorCheckpoint {
        /// The child chain's checkpoint.
        checkpoint: Checkpoint,
        /// Its cosignatures, sorted by witness key.
        cosignatures: Vec<Cosignature>,
        /// The proof that it extends the child's latest anchored checkpoint; none for the first.
        extension: Option<CheckpointExtension>,
        /// The child's new witness set, when the checkpoint announces one
        /// (`next_witness_set_hash` differs from `witness_set_hash`); none otherwise.
        next_witnesses: Option<WitnessSet>,
    },

    // Grant lifecycle (from protocol version 3).
    /// The grantee records what became of the data received under a grant (数据安全销毁):
    /// destroyed, or lawfully retained on a legal basis, with the digest of its attestation.
    /// Due within the governed working days after the grant ends; recorded before it ends, it
    /// ends the grant's use at once.
    CloseOutGrant {
        /// The grant.
        grant: GrantId,
        /// Destroyed or retained.
        disposition: CloseOutDisposition,
        /// Digest (BLAKE3) of the signed attestation document, kept off the ledger.
        attestation_digest: Hash32,
    },
    /// The grantee's share approver passes data it holds under a grant on to an org below it
    /// in the hierarchy (数据回流/属地返还: a provincial grant to a city, onward to its
    /// districts), never wider in items nor longer in term than the grant it derives from.
    GrantOnward {
        /// The grant it derives from.
        parent: GrantId,
        /// The org receiving it.
        grantee: OrgId,
        /// Names of the items passed on: a subset of the parent's (of the entry's, for an
        /// entry-scoped parent); none passes on the whole entry, which only an entry-scoped
        /// parent allows.
        items: Vec<String>,
        /// Block time at which it expires: no later than the parent's expiry.
        expires_at: Timestamp,
        /// Conditions of use.
        conditions: String,
    },

    // Open data and development (from protocol version 3).
    /// A catalog clerk records (or revises) the org's open-data plan for a year: which of its
    /// open or conditionally open entries it opens, by quarter.
    RecordOpenDataPlan {
        /// The plan's year: this year or the next.
        year: u16,
        /// The entries to open, each once.
        openings: Vec<PlannedOpening>,
    },
    /// A development entity (一级/二级开发主体) applies for a development scenario of one type.
    ApplyForScenario {
        /// The scenario.
        draft: ScenarioDraft,
    },
    /// A share approver of the region's data authority approves a scenario (issuing a
    /// development grant) or returns it with reasons.
    ReviewScenario {
        /// The scenario.
        scenario: ScenarioId,
        /// The decision.
        decision: ReviewDecision,
    },
    /// A development entity records a product it built under its development grant.
    RecordProduct {
        /// The grant.
        grant: DevelopmentGrantId,
        /// The product's name.
        name: String,
        /// What it is.
        description: String,
        /// Digest (BLAKE3) of the product.
        digest: Hash32,
    },
    /// A member of a region's data authority publishes a periodic report (通报) on an org of its
    /// region or on the whole region: the figures computed at `height`, bound by their digest.
    PublishReport {
        /// Whose figures.
        scope: ReportScope,
        /// Which period; it must have ended before the block that records the report.
        period: ReportPeriod,
        /// The height the figures were computed at, below the block that records the report.
        height: Height,
        /// `H("onebook/report/v1", borsh(figures))`.
        digest: Hash32,
    },
}

/// What a governance proposal would change.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GovernanceChange {
    /// Admit a new org, with its first admin key.
    AdmitOrg {
        /// The org's id.
        id: OrgId,
        /// Its name.
        name: String,
        /// Its level.
        level: OrgLevel,
        /// Its parent.
        parent: Option<OrgId>,
        /// Its region.
        region: RegionCode,
        /// Whether it is its region's data authority.
        data_authority: bool,
        /// Its first org-admin key.
        admin: PublicKey,
    },
    /// Suspend an org.
    SuspendOrg {
        /// The org.
        org: OrgId,
    },
    /// Restore a suspended org.
    ReinstateOrg {
        /// The org.
        org: OrgId,
    },
    /// Add, re-weight, or (with power 0) remove a validator.
    SetValidator {
        /// The validator and its new power.
        validator: Validator,
    },
    /// Change one policy parameter.
    SetPolicy {
        /// The parameter and its new value.
        parameter: PolicyParameter,
    },
    /// Replace the checkpoint policy: the interval and the witnesses (with their threshold).
    SetCheckpointPolicy {
        /// The new policy.
        policy: CheckpointPolicy,
    },
    /// Accept a child chain's checkpoints (a city's chain under this provincial one).
    AdmitChildChain {
        /// The child chain's id.
        chain_id: ChainId,
        /// Its genesis hash.
        genesis_hash: Hash32,
        /// Its witness set as its genesis (or its latest checkpoint) names it.
        witnesses: WitnessSet,
    },
    /// Schedule the next protocol version: blocks from `height` on are judged by its rules.
    /// Every node must run a release that knows `version` before `height`.
    ScheduleUpgrade {
        /// The next version: one more than the last scheduled.
        version: ProtocolVersion,
        /// Its activation height, above the height of the block that passes the proposal.
        height: Height,
    },
    /// Replace a validator's node key, keeping its org and power: blocks after the one that
    /// passes it are signed with `new_key`, and votes under `old_key` no longer count. From
    /// protocol version 2.
    RotateValidatorKey {
        /// The validator's node key now.
        old_key: PublicKey,
        /// Its new node key, in no validator's or member's use.
        new_key: PublicKey,
    },
    /// Replace the grant-lifecycle parameters (close-out working days). From protocol
    /// version 3.
    SetLifecyclePolicy {
        /// The new parameters.
        policy: LifecyclePolicy,
    },
}

/// One governed parameter and its new value.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "name", content = "value", rename_all = "snake_case")]
pub enum PolicyParameter {
    /// Working days to update the catalog after a duty change.
    CatalogUpdateWorkingDays(u16),
    /// Working days to register a new resource.
    ResourceRegistrationWorkingDays(u16),
    /// Working days to answer a share request.
    ShareAnswerWorkingDays(u16),
    /// Working days to answer a correction request.
    CorrectionWorkingDays(u16),
    /// Calendar days of public notice.
    PublicNoticeDays(u16),
    /// Longest grant or licence term in days.
    GrantTermDaysMax(u32),
    /// Add statutory holidays and make-up working days (a year's calendar).
    AddCalendar {
        /// Holidays to add.
        holidays: Vec<Date>,
        /// Make-up working days to add.
        makeup_workdays: Vec<Date>,
    },
    /// Add an entry to the legal-basis registry.
    AddLegalBasis(LegalBasis),
    /// Whether nodes record the signed reads they serve on the ledger.
    RecordSignedReads(bool),
}

/// A reviewer's decision.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Approved or accepted.
    Approve,
    /// Returned for correction, or refused, with reasons.
    Return {
        /// The reasons.
        reasons: String,
    },
}

/// How a catalog entry may be shared (共享类型).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "share_type", rename_all = "snake_case")]
pub enum ShareType {
    /// Granted to any requester with a legal duty, by the ledger itself.
    Unconditional,
    /// Granted by the provider's approver, under these conditions.
    Conditional {
        /// The conditions.
        conditions: String,
    },
    /// Not shared, on this legal basis.
    NotShared {
        /// The legal basis.
        legal_basis: LegalBasisCode,
    },
}

/// How a catalog entry may be opened to the public (开放类型).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpenType {
    /// Open.
    Open,
    /// Conditionally open.
    ConditionallyOpen,
    /// Not open.
    NotOpen,
}

/// Data grade (分级).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// General data.
    General,
    /// Important data.
    Important,
    /// Core data.
    Core,
}

/// One field of a catalog entry.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataItem {
    /// Field name.
    pub name: String,
    /// The data element (数据元) it follows; empty if none. Its authoritative source (一数一源)
    /// is keyed by the data element, or by the name where no element is given.
    pub data_element: String,
    /// Whether the field holds personal information (个人信息).
    pub personal_information: bool,
    /// The field's own sensitivity grade (分级): general, important or core data.
    pub sensitivity: Grade,
}

/// A catalog entry's content, before the ledger assigns its code.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogEntryDraft {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The fields.
    pub items: Vec<DataItem>,
    /// Subject or industry classification.
    pub classification: String,
    /// Grade.
    pub grade: Grade,
    /// Security level, 1 (lowest) to 5.
    pub security_level: u8,
    /// Share type.
    pub share_type: ShareType,
    /// Open type.
    pub open_type: OpenType,
    /// Update frequency, e.g. "daily", "monthly", "real-time".
    pub update_frequency: String,
    /// The information system that produces it.
    pub system: SystemId,
}

/// A resource's content, before the ledger assigns its id.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourceDraft {
    /// The system holding it.
    pub system: SystemId,
    /// Digest (BLAKE3) of a dataset snapshot.
    pub snapshot_digest: Hash32,
    /// Records in the snapshot.
    pub record_count: u64,
    /// Names of the entry's items this resource holds.
    pub items: Vec<String>,
    /// Whether it is the authoritative source of those items (一数一源).
    pub authoritative: bool,
}

/// A share request's content.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRequestDraft {
    /// The entry asked for.
    pub entry: CatalogCode,
    /// Names of the items wanted; none asks for the whole entry (an entry-scoped request).
    pub items: Vec<String>,
    /// What the data is for.
    pub purpose: String,
    /// The legal duty it serves (依法履职).
    pub legal_duty: LegalBasisCode,
    /// First day of use.
    pub starts: Date,
    /// Last day of use.
    pub ends: Date,
    /// Whether it asks for an exception to a not-shared entry (例外共享). Only such a request on a
    /// not-shared entry waits for an approver, who grants it only citing a legal basis; any
    /// other request on a not-shared entry is refused by the ledger at once.
    #[serde(default)]
    pub exception: bool,
}

/// An answer to a share request.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum ShareAnswer {
    /// Approve, for the given scope and term.
    Approve {
        /// Names of the items granted: a subset of those asked (of the entry's, for a request
        /// of the whole entry); none grants the whole entry, which only a request of the whole
        /// entry may be granted.
        items: Vec<String>,
        /// Block time at which the grant expires.
        expires_at: Timestamp,
        /// Conditions of use.
        conditions: String,
        /// The legal basis, from the registry, on which the approver grants; required for an
        /// exception to a not-shared entry.
        #[serde(default)]
        legal_basis: Option<LegalBasisCode>,
    },
    /// Refuse, citing a legal ground from the registry.
    Refuse {
        /// The legal ground.
        legal_basis: LegalBasisCode,
        /// Explanation.
        reason: String,
    },
}

/// How data was accessed.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessOperation {
    /// A query.
    Query,
    /// A download.
    Download,
    /// An API call.
    ApiCall,
}

/// One access as a gateway reports it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessDraft {
    /// The grant the access claims (`None` if the gateway knows of none).
    pub grant: Option<GrantId>,
    /// The member who accessed.
    pub member: PublicKey,
    /// The resource.
    pub resource: ResourceId,
    /// Names of the resource's items the access returned: at least one, each once.
    pub items: Vec<String>,
    /// How.
    pub operation: AccessOperation,
    /// Records returned.
    pub record_count: u64,
    /// Digest of the request, kept by the gateway.
    pub request_digest: Hash32,
    /// When, by the gateway's clock (recorded, never trusted for rules).
    pub accessed_at: Timestamp,
}

/// A provider's answer to a quality report.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum QualityAnswer {
    /// Fixed; the resource's new snapshot.
    Fixed {
        /// Digest of the corrected snapshot.
        snapshot_digest: Hash32,
    },
    /// Disputed, with reasons.
    Disputed {
        /// The reasons.
        reasons: String,
    },
}

/// The kind of data-property right (三权分置).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RightKind {
    /// 数据资源持有权.
    Holding,
    /// 数据加工使用权.
    ProcessingUse,
    /// 数据产品经营权.
    ProductOperation,
}

/// What a right is held in.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "subject", rename_all = "snake_case")]
pub enum PropertySubject {
    /// A registered resource.
    Resource {
        /// The resource.
        resource: ResourceId,
    },
    /// A data product.
    Product {
        /// Its name.
        name: String,
        /// Its description.
        description: String,
        /// Digest of the product.
        digest: Hash32,
        /// Certificates of the rights held on its inputs.
        inputs: Vec<CertificateNumber>,
    },
}

/// A data-property application's content.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PropertyApplicationDraft {
    /// The right applied for.
    pub right: RightKind,
    /// What it is held in.
    pub subject: PropertySubject,
    /// Digests of the evidence of lawful source.
    pub evidence_digests: Vec<Hash32>,
    /// First day of validity.
    pub valid_from: Date,
    /// Last day of validity.
    pub valid_until: Date,
}
