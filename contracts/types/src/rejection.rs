//! Why the ledger refused a transaction inside a block. Receipts keep [`Rejection::code`], so a
//! code is fixed forever: append new ones, never renumber or reuse. Code 0 means accepted.
//! (Borsh and serde would store a variant's position, so receipts store the code instead.)

/// A rule a transaction broke. The name states the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
#[repr(u16)]
pub enum Rejection {
    /// The nonce is not one more than the signer's last committed nonce.
    #[error("nonce is not the signer's next nonce")]
    NonceNotNext = 1,
    /// The signer's roles do not allow the action.
    #[error("the signer's roles do not allow this action")]
    RoleMissing = 2,
    /// The signer is not a member of the consortium.
    #[error("the signer is not a registered member")]
    SignerUnknown = 3,
    /// The signer's key was revoked or rotated away.
    #[error("the signer's key is revoked")]
    SignerRevoked = 4,
    /// The signer's org is suspended.
    #[error("the signer's org is suspended")]
    OrgSuspended = 5,
    /// The chain passed the tx's `valid_until` height.
    #[error("the tx expired before this height")]
    TxExpired = 6,
    /// A text field exceeds its length limit.
    #[error("a text field is longer than its limit")]
    TextTooLong = 7,
    /// A list exceeds its item limit.
    #[error("a list holds more items than its limit")]
    ListTooLong = 8,
    /// An id is empty, too long, or holds a forbidden character.
    #[error("an id is malformed")]
    IdMalformed = 9,
    /// The tx names another chain. A correct proposer never includes one, so this marks the
    /// proposer's fault; the ledger still refuses it rather than trusting the proposer.
    #[error("the tx is for another chain")]
    WrongChain = 10,
    /// The action's rules are not yet enabled on this chain: the ledger refuses it, records the
    /// refusal, and changes nothing but the signer's nonce.
    #[error("this action is not yet enabled on this chain")]
    ActionNotYetEnabled = 11,
    /// A public key is not a valid ed25519 key (not a curve point, or of small order).
    #[error("a public key is not a valid ed25519 key")]
    KeyInvalid = 12,
    /// The key already belongs to a member (active or revoked); a key is bound once, forever.
    #[error("the key already belongs to a member")]
    MemberKeyInUse = 13,
    /// A member must hold at least one role.
    #[error("a member must hold at least one role")]
    MemberWithoutRoles = 14,
    /// Roles must be listed sorted and without duplicates.
    #[error("roles are not sorted without duplicates")]
    RolesNotSorted = 15,
    /// A required text field (name, reason, rationale, title) is empty.
    #[error("a required text field is empty")]
    TextRequired = 16,
    /// No member has this key.
    #[error("no member has this key")]
    MemberUnknown = 17,
    /// The member belongs to another org than the signer's.
    #[error("the member belongs to another org")]
    MemberOfAnotherOrg = 18,
    /// The member is already revoked.
    #[error("the member is already revoked")]
    MemberAlreadyRevoked = 19,
    /// Only an org that runs a validator may propose or vote in governance.
    #[error("the signer's org runs no validator")]
    OrgNotValidator = 20,
    /// No governance proposal has this id.
    #[error("no such proposal")]
    ProposalUnknown = 21,
    /// The proposal is already decided.
    #[error("the proposal is not open")]
    ProposalNotOpen = 22,
    /// The signer's org already voted on this proposal.
    #[error("the org already voted on this proposal")]
    VoteAlreadyCast = 23,
    /// No org has this id.
    #[error("no such org")]
    OrgUnknown = 24,
    /// An org with this id already exists.
    #[error("an org with this id already exists")]
    OrgAlreadyExists = 25,
    /// The org already has the status the change asks for (suspending a suspended org,
    /// reinstating an active one).
    #[error("the org already has this status")]
    OrgStatusUnchanged = 26,
    /// The validator change is impossible: removing a validator not in the set, emptying the
    /// set, or exceeding the set's size limit.
    #[error("the validator change is not possible")]
    ValidatorChangeInvalid = 27,
    /// The policy value is out of range or conflicts with the policy in force (a zero period, a
    /// make-up day that is not a weekend or is a holiday, a legal basis already listed).
    #[error("the policy change is not valid")]
    PolicyChangeInvalid = 28,
    /// A region has at most one data authority (数据主管部门): admitting another is refused.
    #[error("the region already has a data authority")]
    DataAuthorityExists = 29,
    // Catalog, resources and obligations: codes 100-139.
    /// No catalog entry has this code.
    #[error("no such catalog entry")]
    CatalogEntryUnknown = 100,
    /// Only a draft or returned entry can be submitted for review.
    #[error("the catalog entry is not a draft or returned for correction")]
    CatalogEntryNotDraft = 101,
    /// Only a submitted entry can be reviewed.
    #[error("the catalog entry is not submitted for review")]
    CatalogEntryNotSubmitted = 102,
    /// Only an approved entry can be published.
    #[error("the catalog entry is not approved")]
    CatalogEntryNotApproved = 103,
    /// The action needs a published entry: revising a new version, deprecating, or registering
    /// a resource (which also needs the entry not deprecated).
    #[error("the catalog entry is not published")]
    CatalogEntryNotPublished = 104,
    /// Only the data authority (数据主管部门) of the entry's region reviews it.
    #[error("the reviewer's org is not the data authority of the entry's region")]
    ReviewerNotDataAuthority = 105,
    /// An entry lists no data items, or lists one name twice.
    #[error("the catalog entry's data items are empty or repeat a name")]
    CatalogItemsInvalid = 106,
    /// A security level is outside 1 to 5.
    #[error("the security level is not between 1 and 5")]
    SecurityLevelOutOfRange = 107,
    /// A legal basis cited, by a not-shared entry or by an approval of a share request, must
    /// be in the policy's registry.
    #[error("the legal basis is not in the registry")]
    LegalBasisUnknown = 108,
    /// One authoritative source per data element across the consortium (一数一源): the data
    /// element of an item (or, for an item naming no element, its name) already has one, held
    /// by another resource of this or another org. The receipt's `tx.refused` event names the
    /// holder.
    #[error("a data element already has an authoritative source (one source per data element)")]
    AuthoritativeSourceExists = 109,
    /// A resource must hold one or more distinct items of the entry's published version.
    #[error("the resource's items are empty, repeated, or not items of the published entry")]
    ResourceItemsNotInEntry = 110,
    /// No resource has this id.
    #[error("no such resource")]
    ResourceUnknown = 111,
    /// Only the provider org's clerks act on its entries and resources.
    #[error("only the provider org acts on this entry or resource")]
    ProviderOnly = 112,
    /// The entry holds `CATALOG_VERSIONS_MAX` versions; deprecate it and draft a new one.
    #[error("the catalog entry holds the most versions allowed")]
    CatalogVersionsFull = 113,
    /// The entry record, with all its versions, would exceed the record size limit.
    #[error("the catalog entry would exceed the record size limit")]
    CatalogEntryTooLarge = 114,
    // Sharing, grants, access events and violations: codes 140-179.
    /// No share request has this id.
    #[error("no such share request")]
    ShareRequestUnknown = 140,
    /// The share request is no longer awaiting an answer (answered or withdrawn).
    #[error("the share request is not awaiting an answer")]
    ShareRequestNotPending = 141,
    /// A refusal must cite a legal ground of the registry (非因法定事由不得拒绝).
    #[error("a refusal must cite a legal basis of the registry")]
    RefusalWithoutLegalBasis = 142,
    /// The legal duty a request cites is not in the legal-basis registry.
    #[error("the legal duty is not in the legal-basis registry")]
    LegalDutyUnknown = 143,
    /// No catalog entry has the code the request names.
    #[error("no catalog entry has this code")]
    ShareEntryUnknown = 144,
    /// Only a published catalog entry can be requested.
    #[error("the catalog entry is not published")]
    ShareEntryNotPublished = 145,
    /// An approval grants named items of a request for named items; only a request of the whole
    /// entry (naming no item) may be granted the whole entry.
    #[error("the approval names no item, but the request asked for named items")]
    ShareItemsEmpty = 146,
    /// Every item requested must be an item of the entry.
    #[error("an item requested is not an item of the entry")]
    ShareItemsNotInEntry = 147,
    /// The period ends before it starts, or is longer than the policy's longest grant term.
    #[error("the share term is empty or longer than the policy allows")]
    ShareTermInvalid = 148,
    /// An approval's expiry is not after the block time.
    #[error("the grant would expire before it starts")]
    GrantExpiresInPast = 149,
    /// Only a share approver of the entry's provider org may answer or revoke.
    #[error("the signer is not an approver of the provider org")]
    ApproverNotProvider = 150,
    /// An approval may grant only items that were requested.
    #[error("an item granted was not requested")]
    GrantItemsNotRequested = 151,
    /// Only the requesting member or an admin of its org may withdraw a request.
    #[error("the signer did not make this request")]
    NotRequester = 152,
    /// No grant has this id.
    #[error("no such grant")]
    GrantUnknown = 153,
    /// The grant is already revoked.
    #[error("the grant is not active")]
    GrantNotActive = 154,
    /// An access batch must hold at least one access.
    #[error("the access batch is empty")]
    AccessBatchEmpty = 155,
    /// Every accessing member must belong to the reporting gateway's org.
    #[error("an accessing member is not of the gateway's org")]
    AccessMemberNotInOrg = 156,
    /// An access names the items it returned: at least one, each once, each held by its
    /// resource.
    #[error("an access names no item, repeats one, or names one its resource does not hold")]
    AccessItemsNotInResource = 157,
    /// An exception to a not-shared entry is granted only citing a legal basis.
    #[error("an exception to a not-shared entry must be approved citing a legal basis")]
    ExceptionWithoutLegalBasis = 158,
    /// Only a not-shared entry is asked for an exception; others are simply requested.
    #[error("an exception is asked only of a not-shared entry")]
    ExceptionOnlyForNotShared = 159,
    // Quality feedback: codes 180-199.
    /// No quality report has this id.
    #[error("no such quality report")]
    QualityReportUnknown = 180,
    /// A provider corrects its own data with `UpdateResource`; quality reports come from its
    /// data's users.
    #[error("the provider cannot report a quality issue in its own resource")]
    QualityReportByProvider = 181,
    /// Only a report still awaiting the provider's answer can be answered.
    #[error("the quality report is not awaiting an answer")]
    QualityReportNotAwaitingAnswer = 182,
    /// A fix must name a new snapshot, not the one the problem was reported in.
    #[error("a fix must name a snapshot other than the one reported")]
    QualityFixWithoutNewSnapshot = 183,
    /// Only a disputed report is ruled on.
    #[error("the quality report is not disputed")]
    QualityReportNotDisputed = 184,
    /// Only the data authority of the provider's region rules on a disputed report.
    #[error("the signer's org is not the data authority of the provider's region")]
    RulerNotDataAuthority = 185,
    /// A ruling holds responsible one of the parties: the provider or the reporter's org.
    #[error("the org held responsible is neither the provider nor the reporter's org")]
    ResponsibleNotAParty = 186,
    /// The org already owes the most open obligations allowed; it must meet some before a tx
    /// may open another.
    #[error("the org owes the most open obligations allowed")]
    OpenObligationsFull = 187,
    // Data-property registration: codes 200-259.
    /// No property application has this id.
    #[error("no such property application")]
    ApplicationUnknown = 200,
    /// Only an application awaiting review (applied) can be reviewed.
    #[error("the application is not awaiting review")]
    ApplicationNotAwaitingReview = 201,
    /// Objections are filed against, and certificates issued for, only an application in public
    /// notice.
    #[error("the application is not in public notice")]
    ApplicationNotInNotice = 202,
    /// An application must cite at least one digest of evidence of lawful source.
    #[error("the application cites no evidence of lawful source")]
    EvidenceMissing = 203,
    /// A validity must start before it ends and must not have ended already.
    #[error("the validity does not start before it ends or has already ended")]
    ValidityInvalid = 204,
    /// A data product must carry the digest of the product.
    #[error("the data product has no digest")]
    ProductDigestMissing = 205,
    /// One holding right per subject (and one product-operation right per product): another
    /// application is pending or a certificate stands.
    #[error("the subject already has this right registered or applied for")]
    SubjectRightTaken = 206,
    /// A product-operation right is on a data product and names the certificates of its inputs.
    #[error("a product-operation right must be on a data product naming its inputs")]
    ProductInputsMissing = 207,
    /// Every input of a product must be a certificate in force today held by the registrant, its
    /// own right or a licence to it.
    #[error("an input of the product is not a right in force held by the registrant")]
    ProductInputNotHeld = 208,
    /// Only the provider org of a resource may apply for the holding right in it.
    #[error("only the resource's provider may apply for its holding right")]
    RegistrantNotProvider = 209,
    /// A processing-use right is granted by a holder's licence, never applied for.
    #[error("a processing-use right is granted by licence, not applied for")]
    ProcessingUseByLicenceOnly = 210,
    /// Only a registrar of a registration-centre org reviews, rules, issues, renews and cancels.
    #[error("the registrar's org is not a registration centre")]
    RegistrarNotRegistrationCentre = 211,
    /// An objection is filed before the public notice ends.
    #[error("the public notice has ended")]
    NoticeClosed = 212,
    /// No objection has this id.
    #[error("no such objection")]
    ObjectionUnknown = 213,
    /// The objection has already been ruled on.
    #[error("the objection is already ruled on")]
    ObjectionNotPending = 214,
    /// A certificate is issued only once the public notice has ended.
    #[error("the public notice has not ended")]
    NoticeNotEnded = 215,
    /// A certificate is issued only once every objection is ruled on.
    #[error("an objection to the application is not ruled on")]
    ObjectionsPending = 216,
    /// No certificate has this number.
    #[error("no such certificate")]
    CertificateUnknown = 217,
    /// The certificate is cancelled or expired, or (a licence) its parent is.
    #[error("the certificate, or the parent of a licence, is cancelled or expired")]
    CertificateNotActive = 218,
    /// Only an org admin of the holder org (or a registrar, to cancel) acts on a certificate.
    #[error("only the holder org's admin may act on this certificate")]
    HolderOnly = 219,
    /// A right is transferred or licensed to an org other than its holder.
    #[error("the org named already holds the certificate")]
    CounterpartyIsHolder = 220,
    /// A right is transferred or licensed only to an active org.
    #[error("the org named is suspended")]
    CounterpartyOrgSuspended = 221,
    /// A licence starts before it ends, ends today or later, lies inside the parent's validity, and
    /// is no longer than the policy's longest term.
    #[error("the licence term is empty, past, outside the parent's validity or too long")]
    LicenceTermInvalid = 222,
    /// A licence (processing-use right) can be neither transferred nor licensed further.
    #[error("a licence can be neither transferred nor licensed further")]
    LicenceCannotBePassedOn = 223,
    /// A renewal moves the last day of validity later.
    #[error("the renewal does not extend the validity")]
    RenewalNotLater = 224,
    /// No certificate number can be assigned: the centre's region code is not six digits or the
    /// year's sequence is exhausted.
    #[error("no certificate number can be assigned")]
    CertificateNumberUnavailable = 225,

    // Read audit: 240-.
    /// A `RecordReads` tx carries no read, or more than the limit.
    #[error("a read batch holds 1 to 50 reads")]
    ReadBatchSize = 240,
    /// A recorded read's reader signature does not verify over its method, path and time.
    #[error("a recorded read's signature does not verify")]
    ReadSignatureInvalid = 241,
    /// A recorded read's reader is not a member.
    #[error("a recorded read's reader is not a member")]
    ReaderUnknown = 242,
    /// A recorded read's method is not `GET`, or its path is empty or too long.
    #[error("a recorded read's method or path is malformed")]
    ReadMalformed = 243,

    // Checkpoints and anchoring: 260-.
    /// A checkpoint policy or witness set breaks a rule: an interval of 0, witness keys unsorted
    /// or repeated, a witness without a name, or a threshold outside 1 to the number of witnesses.
    #[error("the checkpoint policy or witness set is invalid")]
    CheckpointPolicyInvalid = 260,
    /// The child chain is already admitted, or is this chain itself.
    #[error("the child chain is already admitted or is this chain")]
    ChildChainExists = 261,
    /// No child chain with the checkpoint's chain id is admitted.
    #[error("no child chain with this chain id is admitted")]
    ChildChainUnknown = 262,
    /// The checkpoint names another genesis than the admitted child chain's.
    #[error("the checkpoint is of another genesis than the child chain's")]
    CheckpointWrongGenesis = 263,
    /// The cosignatures do not witness the checkpoint under the child's witness set.
    #[error("the checkpoint is not cosigned by the child chain's witness threshold")]
    CheckpointNotWitnessed = 264,
    /// The checkpoint is not above the child's latest anchored checkpoint.
    #[error("the checkpoint is not above the latest anchored one")]
    CheckpointNotNewer = 265,
    /// The extension proof is missing, not needed, or does not show that the checkpoint extends
    /// the latest anchored one.
    #[error("the checkpoint does not extend the latest anchored one")]
    CheckpointNotExtending = 266,
    /// The new witness set is missing where the checkpoint announces one, given where it does
    /// not, not the one announced, or invalid.
    #[error("the new witness set is not the one the checkpoint announces")]
    NextWitnessesMismatch = 267,
    // Grant close-out (300-309).
    /// Only a member of the grant's grantee org may close it out.
    #[error("only the grantee may close out a grant")]
    CloseOutNotGrantee = 300,
    /// A grant is closed out once.
    #[error("the grant is already closed out")]
    GrantAlreadyClosedOut = 301,
    /// A retention must cite a legal basis of the registry.
    #[error("a retention must cite a legal basis of the registry")]
    RetentionLegalBasisUnknown = 302,
    /// A close-out must carry the digest of its attestation document.
    #[error("a close-out must carry the digest of its attestation")]
    AttestationDigestMissing = 303,
    // Onward grants (data return, 310-319).
    /// Only a share approver of the parent grant's grantee may grant onward.
    #[error("only the parent grant's grantee may grant it onward")]
    OnwardGranterNotGrantee = 310,
    /// The parent grant must cover use now: active, started, unexpired, not closed out, and so
    /// every grant it derives from.
    #[error("the parent grant does not cover use now")]
    ParentGrantNotInForce = 311,
    /// An onward grant's items must be among the parent's (the whole entry only under an
    /// entry-scoped parent).
    #[error("an onward grant is wider than its parent's scope")]
    OnwardScopeExceedsParent = 312,
    /// An onward grant must expire no later than its parent.
    #[error("an onward grant outlasts its parent's term")]
    OnwardTermExceedsParent = 313,
    /// An onward grant goes to another org under the granter's government, never up the
    /// hierarchy nor to the granter itself.
    #[error("the onward grantee is not below the granter in the hierarchy")]
    OnwardGranteeNotBelow = 314,
    /// A grant has at most 16 onward grants, and onward grants go at most two levels down.
    #[error("the parent grant can take no more onward grants")]
    OnwardGrantsFull = 315,
    // Open data and development (320-349).
    /// An open-data plan is for this year or the next.
    #[error("an open-data plan is for this year or the next")]
    OpenDataPlanYearInvalid = 320,
    /// A plan opens at least one entry, each once, each in a quarter 1 to 4.
    #[error("a plan opens at least one entry, each once, in a quarter 1 to 4")]
    OpenDataPlanInvalid = 321,
    /// A plan opens only the org's own entries.
    #[error("a plan opens only its org's own entries")]
    OpenDataEntryNotOwn = 322,
    /// A plan opens only entries whose open type is open or conditionally open.
    #[error("a plan opens only open or conditionally open entries")]
    OpenDataEntryNotOpen = 323,
    /// A scenario names at least one registered resource, each once.
    #[error("a scenario names at least one registered resource, each once")]
    ScenarioResourcesInvalid = 330,
    /// One scenario type is applied for and approved once (一类场景一审定): the org has a scenario
    /// of this type under review or approved.
    #[error("the org already has a scenario of this type under review or approved")]
    ScenarioTypeTaken = 331,
    /// No development scenario has this id.
    #[error("no such development scenario")]
    ScenarioUnknown = 332,
    /// The scenario is not under review.
    #[error("the scenario is not under review")]
    ScenarioNotUnderReview = 333,
    /// Only the data authority of the developer's region reviews its scenarios.
    #[error("only the data authority of the developer's region reviews its scenarios")]
    ReviewerNotScenarioAuthority = 334,
    /// A scenario's term starts no later than it ends, lasts at most the longest grant term,
    /// and has not ended.
    #[error("the scenario's term is invalid")]
    ScenarioTermInvalid = 335,
    /// No development grant has this id.
    #[error("no such development grant")]
    DevelopmentGrantUnknown = 336,
    /// The development grant does not cover today.
    #[error("the development grant is not in force today")]
    DevelopmentGrantNotInForce = 337,
    /// Only the development grant's developer records products under it.
    #[error("only the grant's developer records products under it")]
    DeveloperNotGrantee = 338,
    /// A product digest is recorded once.
    #[error("a product with this digest is already recorded")]
    ProductAlreadyRecorded = 339,
    /// A data product is registered only as a product its registrant recorded under a
    /// development grant.
    #[error("the product was not recorded under a development grant of the registrant")]
    ProductWithoutDevelopmentGrant = 340,
    /// The development roles are a rule of a later protocol version.
    #[error("a developer role is not yet enabled on this chain")]
    DeveloperRoleNotYetEnabled = 341,
    // Periodic reports (350-359).
    /// A report names an org, or a region, the ledger does not know.
    #[error("no such org or region to report on")]
    ReportScopeUnknown = 350,
    /// Only the data authority of the region the report covers publishes it.
    #[error("the signer's org is not the data authority of the region reported on")]
    ReporterNotRegionAuthority = 351,
    /// A period is a month 1-12, a quarter 1-4 or a year, from 2000 to 9999.
    #[error("the report's period is not a valid month, quarter or year")]
    ReportPeriodInvalid = 352,
    /// A report is published only for a period that ended before the block recording it.
    #[error("the report's period has not ended")]
    ReportPeriodNotEnded = 353,
    /// The figures are computed at a height already committed: below the recording block's.
    #[error("the report's height is not below the block recording it")]
    ReportHeightNotCommitted = 354,
}

impl Rejection {
    /// The stable code stored in receipts.
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// Every rejection, in code order.
    pub const ALL: &'static [Self] = &[
        Self::NonceNotNext,
        Self::RoleMissing,
        Self::SignerUnknown,
        Self::SignerRevoked,
        Self::OrgSuspended,
        Self::TxExpired,
        Self::TextTooLong,
        Self::ListTooLong,
        Self::IdMalformed,
        Self::WrongChain,
        Self::ActionNotYetEnabled,
        Self::KeyInvalid,
        Self::MemberKeyInUse,
        Self::MemberWithoutRoles,
        Self::RolesNotSorted,
        Self::TextRequired,
        Self::MemberUnknown,
        Self::MemberOfAnotherOrg,
        Self::MemberAlreadyRevoked,
        Self::OrgNotValidator,
        Self::ProposalUnknown,
        Self::ProposalNotOpen,
        Self::VoteAlreadyCast,
        Self::OrgUnknown,
        Self::OrgAlreadyExists,
        Self::OrgStatusUnchanged,
        Self::ValidatorChangeInvalid,
        Self::PolicyChangeInvalid,
        Self::DataAuthorityExists,
        // Catalog, resources and obligations.
        Self::CatalogEntryUnknown,
        Self::CatalogEntryNotDraft,
        Self::CatalogEntryNotSubmitted,
        Self::CatalogEntryNotApproved,
        Self::CatalogEntryNotPublished,
        Self::ReviewerNotDataAuthority,
        Self::CatalogItemsInvalid,
        Self::SecurityLevelOutOfRange,
        Self::LegalBasisUnknown,
        Self::AuthoritativeSourceExists,
        Self::ResourceItemsNotInEntry,
        Self::ResourceUnknown,
        Self::ProviderOnly,
        Self::CatalogVersionsFull,
        Self::CatalogEntryTooLarge,
        // Sharing, grants, access events and violations.
        Self::ShareRequestUnknown,
        Self::ShareRequestNotPending,
        Self::RefusalWithoutLegalBasis,
        Self::LegalDutyUnknown,
        Self::ShareEntryUnknown,
        Self::ShareEntryNotPublished,
        Self::ShareItemsEmpty,
        Self::ShareItemsNotInEntry,
        Self::ShareTermInvalid,
        Self::GrantExpiresInPast,
        Self::ApproverNotProvider,
        Self::GrantItemsNotRequested,
        Self::NotRequester,
        Self::GrantUnknown,
        Self::GrantNotActive,
        Self::AccessBatchEmpty,
        Self::AccessMemberNotInOrg,
        Self::AccessItemsNotInResource,
        Self::ExceptionWithoutLegalBasis,
        Self::ExceptionOnlyForNotShared,
        // Quality feedback.
        Self::QualityReportUnknown,
        Self::QualityReportByProvider,
        Self::QualityReportNotAwaitingAnswer,
        Self::QualityFixWithoutNewSnapshot,
        Self::QualityReportNotDisputed,
        Self::RulerNotDataAuthority,
        Self::ResponsibleNotAParty,
        Self::OpenObligationsFull,
        // Data-property registration.
        Self::ApplicationUnknown,
        Self::ApplicationNotAwaitingReview,
        Self::ApplicationNotInNotice,
        Self::EvidenceMissing,
        Self::ValidityInvalid,
        Self::ProductDigestMissing,
        Self::SubjectRightTaken,
        Self::ProductInputsMissing,
        Self::ProductInputNotHeld,
        Self::RegistrantNotProvider,
        Self::ProcessingUseByLicenceOnly,
        Self::RegistrarNotRegistrationCentre,
        Self::NoticeClosed,
        Self::ObjectionUnknown,
        Self::ObjectionNotPending,
        Self::NoticeNotEnded,
        Self::ObjectionsPending,
        Self::CertificateUnknown,
        Self::CertificateNotActive,
        Self::HolderOnly,
        Self::CounterpartyIsHolder,
        Self::CounterpartyOrgSuspended,
        Self::LicenceTermInvalid,
        Self::LicenceCannotBePassedOn,
        Self::RenewalNotLater,
        Self::CertificateNumberUnavailable,
        Self::ReadBatchSize,
        Self::ReadSignatureInvalid,
        Self::ReaderUnknown,
        Self::ReadMalformed,
        Self::CheckpointPolicyInvalid,
        Self::ChildChainExists,
        Self::ChildChainUnknown,
        Self::CheckpointWrongGenesis,
        Self::CheckpointNotWitnessed,
        Self::CheckpointNotNewer,
        Self::CheckpointNotExtending,
        Self::NextWitnessesMismatch,
        Self::CloseOutNotGrantee,
        Self::GrantAlreadyClosedOut,
        Self::RetentionLegalBasisUnknown,
        Self::AttestationDigestMissing,
        Self::OnwardGranterNotGrantee,
        Self::ParentGrantNotInForce,
        Self::OnwardScopeExceedsParent,
        Self::OnwardTermExceedsParent,
        Self::OnwardGranteeNotBelow,
        Self::OnwardGrantsFull,
        Self::OpenDataPlanYearInvalid,
        Self::OpenDataPlanInvalid,
        Self::OpenDataEntryNotOwn,
        Self::OpenDataEntryNotOpen,
        Self::ScenarioResourcesInvalid,
        Self::ScenarioTypeTaken,
        Self::ScenarioUnknown,
        Self::ScenarioNotUnderReview,
        Self::ReviewerNotScenarioAuthority,
        Self::ScenarioTermInvalid,
        Self::DevelopmentGrantUnknown,
        Self::DevelopmentGrantNotInForce,
        Self::DeveloperNotGrantee,
        Self::ProductAlreadyRecorded,
        Self::ProductWithoutDevelopmentGrant,
        Self::DeveloperRoleNotYetEnabled,
        Self::ReportScopeUnknown,
        Self::ReporterNotRegionAuthority,
        Self::ReportPeriodInvalid,
        Self::ReportPeriodNotEnded,
        Self::ReportHeightNotCommitted,
    ];

    /// The rejection with `code`, if any.
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.iter().copied().find(|rejection| rejection.code() == code)
    }

    /// The variant's name, used as the stable slug in REST problem types.
    pub fn name(self) -> String {
        format!("{self:?}")
    }

    /// The rule as one sentence a clerk reads: the message, capitalised, with a full stop.
    /// `docs/rules.md` lists it under the code, and `onebook tx` prints it for a refusal.
    pub fn sentence(self) -> String {
        let message = self.to_string();
        let mut chars = message.chars();
        match chars.next() {
            Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_nonzero_and_listed_in_order() {
        let codes: Vec<u16> = Rejection::ALL.iter().map(|r| r.code()).collect();

        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(codes[0] > 0);
        for &rejection in Rejection::ALL {
            assert_eq!(Rejection::from_code(rejection.code()), Some(rejection));
        }
    }

    #[test]
    fn a_sentence_is_the_message_capitalised_with_a_full_stop() {
        assert_eq!(
            Rejection::RefusalWithoutLegalBasis.sentence(),
            "A refusal must cite a legal basis of the registry."
        );
    }
}
