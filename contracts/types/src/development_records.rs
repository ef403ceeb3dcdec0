//! Record types of open data and development (开放开发): an org's annual open-data plan, the
//! development scenarios (应用场景) development entities apply for, the development grants the
//! data authority issues for them, one scenario type at a time (一类场景一审定), and the products
//! built under a grant. Each is stored under its [`RecordKey`](crate::record::RecordKey) as its
//! borsh encoding; append fields only with a format change.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    hash::Hash32,
    ids::{
        CatalogCode, DevelopmentGrantId, Height, OpenDataPlanId, OrgId, ResourceId, ScenarioId,
        Timestamp,
    },
    keys::PublicKey,
    time::Date,
};

/// One entry an open-data plan opens, and the quarter (1 to 4) it opens in.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedOpening {
    /// The entry, one of the org's own, open or conditionally open.
    pub entry: CatalogCode,
    /// The quarter of the plan's year, 1 to 4.
    pub quarter: u8,
}

/// One version of a plan, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRevision {
    /// The entries to open, each once, by entry code.
    pub openings: Vec<PlannedOpening>,
    /// The member who recorded it.
    pub signer: PublicKey,
    /// Height of the block that recorded it.
    pub recorded_at: Height,
    /// That block's time.
    pub recorded_time: Timestamp,
}

/// An org's open-data plan for one year (年度公共数据开放计划); every revision is kept, the last
/// in force.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenDataPlan {
    /// Its id, from the `open_data_plan` sequence.
    pub id: OpenDataPlanId,
    /// The org whose data it opens.
    pub org: OrgId,
    /// The plan's year.
    pub year: u16,
    /// Every version, oldest first; the last is in force.
    pub revisions: Vec<PlanRevision>,
}

/// The plans of one org, by year, so a revision finds its plan without a scan.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgPlans {
    /// `(year, plan)`, sorted by year, each year once.
    pub plans: Vec<(u16, OpenDataPlanId)>,
}

/// A development entity's level (分级开发).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum DeveloperLevel {
    /// 一级开发主体.
    Primary,
    /// 二级开发主体.
    Secondary,
}

/// A scenario's content, as its applicant drafts it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenarioDraft {
    /// The scenario type (场景类型, e.g. `普惠金融`): one per application.
    pub scenario_type: String,
    /// Its name.
    pub name: String,
    /// What it builds, for whom.
    pub description: String,
    /// The resources it needs, each once.
    pub resources: Vec<ResourceId>,
    /// First day of development.
    pub starts: Date,
    /// Last day of development.
    pub ends: Date,
}

/// Where a scenario stands.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ScenarioStatus {
    /// Waiting for the data authority.
    UnderReview,
    /// Approved, with the development grant issued for it.
    Approved {
        /// The grant.
        grant: DevelopmentGrantId,
    },
    /// Returned with reasons; the type may be applied for again.
    Returned {
        /// The reasons.
        reasons: String,
    },
}

/// A development scenario (应用场景) a development entity applied for.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevelopmentScenario {
    /// Its id, from the `scenario` sequence.
    pub id: ScenarioId,
    /// The development entity's org.
    pub developer: OrgId,
    /// The member who applied.
    pub applicant: PublicKey,
    /// The applicant's level, from its role.
    pub level: DeveloperLevel,
    /// The content.
    pub draft: ScenarioDraft,
    /// The data authority that reviews it: the one of the developer's region.
    pub authority: OrgId,
    /// Block time of the application.
    pub applied_at: Timestamp,
    /// Where it stands.
    pub status: ScenarioStatus,
}

/// The scenarios of one org by type, so one type has at most one scenario under review or
/// approved (一类场景一审定).
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgScenarioTypes {
    /// `(scenario type, scenario)` of the scenarios under review or approved, sorted by type.
    pub types: Vec<(String, ScenarioId)>,
}

/// Permission for a development entity to develop named resources for one approved scenario
/// until its last day.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevelopmentGrant {
    /// Its id, from the `development_grant` sequence.
    pub id: DevelopmentGrantId,
    /// The scenario approved.
    pub scenario: ScenarioId,
    /// The scenario type it approves.
    pub scenario_type: String,
    /// The development entity's org.
    pub developer: OrgId,
    /// Its level.
    pub level: DeveloperLevel,
    /// The resources it may develop.
    pub resources: Vec<ResourceId>,
    /// First day.
    pub starts: Date,
    /// Last day.
    pub ends: Date,
    /// The data authority that approved it.
    pub approved_by: OrgId,
    /// Block time of the approval.
    pub approved_at: Timestamp,
}

/// A data product built under a development grant, stored under its digest, so a property
/// registration of the product finds the grant it came from.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevelopedProduct {
    /// Digest (BLAKE3) of the product.
    pub digest: Hash32,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// The grant it was built under.
    pub grant: DevelopmentGrantId,
    /// The developer org.
    pub developer: OrgId,
    /// The resources it was built from (the grant's).
    pub resources: Vec<ResourceId>,
    /// The member who recorded it.
    pub signer: PublicKey,
    /// Height of the block that recorded it.
    pub recorded_at: Height,
}

/// The products built from one resource, by digest, in the order recorded.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourceProducts {
    /// The products' digests; at most 4 096.
    pub products: Vec<Hash32>,
}

/// Products one resource's index lists.
pub const RESOURCE_PRODUCTS_MAX: usize = 4_096;
const _: () = assert!(
    4 + RESOURCE_PRODUCTS_MAX * 32 <= crate::limits::RECORD_BYTES_MAX,
    "a resource's product index fits one record",
);
