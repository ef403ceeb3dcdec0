//! The kinds of record readers list and look up: one table per kind.

use crate::record::RecordKey;

/// A kind of record the ledger lists and serves to readers. The discriminant is the first byte of
/// every key of the kind in the store's listing index: append kinds, never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum RecordKind {
    /// Organisations.
    Org = 1,
    /// Members, by key.
    Member = 2,
    /// Governance proposals.
    Proposal = 3,
    /// Catalog entries.
    CatalogEntry = 4,
    /// Resources.
    Resource = 5,
    /// Share requests.
    ShareRequest = 6,
    /// Grants.
    Grant = 7,
    /// Access events.
    AccessEvent = 8,
    /// Violations.
    Violation = 9,
    /// Quality reports.
    QualityReport = 10,
    /// Property applications.
    Application = 11,
    /// Objections.
    Objection = 12,
    /// Certificates.
    Certificate = 13,
    /// Obligations.
    Obligation = 14,
    /// Grant close-outs, by the grant's id.
    GrantCloseOut = 15,
    /// Open-data plans.
    OpenDataPlan = 16,
    /// Development scenarios.
    Scenario = 17,
    /// Development grants.
    DevelopmentGrant = 18,
    /// Products built under a development grant, by digest.
    Product = 19,
    /// Published periodic reports (通报).
    PublishedReport = 20,
}

impl RecordKind {
    /// Every kind, in discriminant order.
    pub const ALL: [Self; 20] = [
        Self::Org,
        Self::Member,
        Self::Proposal,
        Self::CatalogEntry,
        Self::Resource,
        Self::ShareRequest,
        Self::Grant,
        Self::AccessEvent,
        Self::Violation,
        Self::QualityReport,
        Self::Application,
        Self::Objection,
        Self::Certificate,
        Self::Obligation,
        Self::GrantCloseOut,
        Self::OpenDataPlan,
        Self::Scenario,
        Self::DevelopmentGrant,
        Self::Product,
        Self::PublishedReport,
    ];

    /// The kind of `key`, if records of its kind are listed.
    pub fn of(key: &RecordKey) -> Option<Self> {
        Some(match key {
            RecordKey::Org(_) => Self::Org,
            RecordKey::Member(_) => Self::Member,
            RecordKey::Proposal(_) => Self::Proposal,
            RecordKey::CatalogEntry(_) => Self::CatalogEntry,
            RecordKey::Resource(_) => Self::Resource,
            RecordKey::ShareRequest(_) => Self::ShareRequest,
            RecordKey::Grant(_) => Self::Grant,
            RecordKey::AccessEvent(_) => Self::AccessEvent,
            RecordKey::Violation(_) => Self::Violation,
            RecordKey::QualityReport(_) => Self::QualityReport,
            RecordKey::Application(_) => Self::Application,
            RecordKey::Objection(_) => Self::Objection,
            RecordKey::Certificate(_) => Self::Certificate,
            RecordKey::Obligation(_) => Self::Obligation,
            RecordKey::GrantCloseOut(_) => Self::GrantCloseOut,
            RecordKey::OpenDataPlan(_) => Self::OpenDataPlan,
            RecordKey::Scenario(_) => Self::Scenario,
            RecordKey::DevelopmentGrant(_) => Self::DevelopmentGrant,
            RecordKey::Product(_) => Self::Product,
            RecordKey::PublishedReport(_) => Self::PublishedReport,
            RecordKey::Policy
            | RecordKey::ValidatorSet
            | RecordKey::Nonce(_)
            | RecordKey::Sequence(_)
            | RecordKey::OrgObligations(_)
            | RecordKey::RegionAuthority(_)
            | RecordKey::PropertySubject(_)
            | RecordKey::ElementSource(_)
            | RecordKey::CheckpointPolicy
            | RecordKey::ChildChain(_)
            | RecordKey::Protocol
            | RecordKey::GrantLineage(_)
            | RecordKey::LifecyclePolicy
            | RecordKey::OrgPlans(_)
            | RecordKey::OrgScenarioTypes(_)
            | RecordKey::ResourceProducts(_) => return None,
        })
    }

    /// The kind's name in English words, as refusals and "not found" answers write it
    /// ("catalog entry").
    pub const fn name(self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Member => "member",
            Self::Proposal => "proposal",
            Self::CatalogEntry => "catalog entry",
            Self::Resource => "resource",
            Self::ShareRequest => "share request",
            Self::Grant => "grant",
            Self::AccessEvent => "access event",
            Self::Violation => "violation",
            Self::QualityReport => "quality report",
            Self::Application => "property application",
            Self::Objection => "objection",
            Self::Certificate => "certificate",
            Self::Obligation => "obligation",
            Self::GrantCloseOut => "grant close-out",
            Self::OpenDataPlan => "open-data plan",
            Self::Scenario => "development scenario",
            Self::DevelopmentGrant => "development grant",
            Self::Product => "product",
            Self::PublishedReport => "published report",
        }
    }

    /// The status names the kind is indexed by (empty if it has none).
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            Self::Org => &["active", "suspended"],
            Self::Member | Self::Grant => &["active", "revoked"],
            Self::Proposal => &["open", "passed", "rejected"],
            Self::CatalogEntry => {
                &["draft", "submitted", "returned", "approved", "published", "deprecated"]
            }
            Self::ShareRequest => &["under-review", "granted", "refused", "withdrawn"],
            Self::Certificate => &["active", "cancelled"],
            Self::AccessEvent => &["covered", "violation"],
            Self::Violation => &[
                "no-grant",
                "grant-unknown",
                "grant-revoked",
                "grant-expired",
                "out-of-scope",
                "wrong-grantee",
                "not-yet-valid",
                "item-out-of-scope",
                "grant-closed",
                "parent-grant-ended",
            ],
            Self::QualityReport => &["reported", "fixed", "disputed", "ruled"],
            Self::Application => &["applied", "refused", "in-notice", "certified"],
            Self::Objection => &["pending", "upheld", "dismissed"],
            Self::Obligation => &["open", "met"],
            Self::GrantCloseOut => &["on-time", "late"],
            Self::Scenario => &["under-review", "approved", "returned"],
            Self::Resource
            | Self::OpenDataPlan
            | Self::DevelopmentGrant
            | Self::Product
            | Self::PublishedReport => &[],
        }
    }

    /// The kinds of record a record of this kind hangs under, if it hangs under any: the
    /// records under one record are a listing of their own. A product hangs under its
    /// development grant and under each resource it was built from.
    pub const fn under_kinds(self) -> &'static [Self] {
        match self {
            Self::Resource => &[Self::CatalogEntry],
            Self::Grant => &[Self::ShareRequest],
            Self::AccessEvent | Self::QualityReport => &[Self::Resource],
            Self::Violation => &[Self::AccessEvent],
            Self::Objection => &[Self::Application],
            Self::Certificate => &[Self::Certificate],
            Self::GrantCloseOut => &[Self::Grant],
            Self::DevelopmentGrant => &[Self::Scenario],
            Self::Product => &[Self::DevelopmentGrant, Self::Resource],
            Self::Org
            | Self::Member
            | Self::Proposal
            | Self::CatalogEntry
            | Self::ShareRequest
            | Self::Application
            | Self::Obligation
            | Self::OpenDataPlan
            | Self::Scenario
            | Self::PublishedReport => &[],
        }
    }

    /// The first kind of record a record of this kind hangs under, if it hangs under one (see
    /// [`under_kinds`](Self::under_kinds)).
    pub const fn under_kind(self) -> Option<Self> {
        match self.under_kinds() {
            [first, ..] => Some(*first),
            [] => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RecordKind;
    use crate::sharing_records::ViolationReason;

    #[test]
    fn a_violation_is_filtered_by_every_reason_the_ledger_records() {
        let reasons: Vec<&str> =
            ViolationReason::ALL.iter().map(|reason| reason.as_str()).collect();
        assert_eq!(RecordKind::Violation.statuses(), reasons.as_slice());
    }
}
