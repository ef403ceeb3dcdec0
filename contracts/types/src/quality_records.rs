//! Records of data quality feedback (数据质量反馈, "问题数据可反馈、数据质量问题可定责"): a user's
//! report of a problem in a resource, the provider's answer, and the data authority's ruling on a
//! disputed one. Each is stored under its [`RecordKey`](crate::record::RecordKey) as its borsh
//! encoding; append fields only with a format change.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    hash::Hash32,
    ids::{CatalogCode, ObligationId, OrgId, QualityReportId, ResourceId, Timestamp},
    keys::PublicKey,
};

/// Where a quality report stands.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum QualityStatus {
    /// Awaiting the provider's answer.
    Reported {
        /// Block time by which the answer is due (the correction obligation's due time).
        answer_due: Timestamp,
    },
    /// The provider fixed the data; the resource now holds the new snapshot.
    Fixed {
        /// Digest of the corrected snapshot.
        snapshot_digest: Hash32,
        /// Block time of the answer.
        at: Timestamp,
    },
    /// The provider disputes the report; the data authority of its region rules.
    Disputed {
        /// The provider's reasons.
        reasons: String,
        /// Block time of the answer.
        at: Timestamp,
    },
    /// The data authority ruled on the dispute and named the org responsible.
    Ruled {
        /// The provider's reasons for the dispute, kept with the ruling.
        reasons: String,
        /// The org held responsible: the provider or the reporter's org.
        responsible: OrgId,
        /// The ruling.
        ruling: String,
        /// Block time of the ruling.
        at: Timestamp,
    },
}

/// A report by a data user's org of a problem in a provider's resource.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReport {
    /// Its id, from the `quality_report` sequence.
    pub id: QualityReportId,
    /// The resource reported.
    pub resource: ResourceId,
    /// The entry the resource is registered under.
    pub entry: CatalogCode,
    /// The resource's provider, who answers.
    pub provider: OrgId,
    /// The org reporting.
    pub reporter_org: OrgId,
    /// The member who signed the report.
    pub reporter: PublicKey,
    /// The problem.
    pub description: String,
    /// Digest of the evidence kept off the ledger.
    pub evidence_digest: Hash32,
    /// Digest of the resource's snapshot when the problem was reported.
    pub reported_snapshot: Hash32,
    /// Block time of the block that recorded it.
    pub reported_at: Timestamp,
    /// The correction obligation it opened for the provider.
    pub obligation: ObligationId,
    /// Where it stands.
    pub status: QualityStatus,
}
