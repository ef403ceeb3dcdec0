//! Open data and development (开放开发), from protocol version 3 on.
//!
//! ```text
//!   RecordOpenDataPlan ──▶ OpenDataPlan { year, revisions: [openings by quarter] }
//!
//!   ApplyForScenario (一级/二级开发主体, one scenario type) ──▶ Scenario: UnderReview
//!        │                                    (refused while the org has one of the type
//!        │                                     under review or approved: 一类场景一审定)
//!        ├── ReviewScenario: Approve (the region's data authority) ──▶ Approved
//!        │        └──▶ DevelopmentGrant { resources, starts, ends }
//!        └── ReviewScenario: Return { reasons } ──▶ Returned (the type is free again)
//!
//!   RecordProduct (the grant's developer, while the grant is in force)
//!        ──▶ DevelopedProduct { digest, grant, resources }, listed under each resource
//!
//!   ApplyForProperty on a product (version 3 on) ──▶ refused unless its digest is a product
//!        the registrant recorded under a development grant
//! ```
//!
//! A plan opens the org's own entries whose open type is open or conditionally open, each once,
//! in a quarter 1 to 4 of this year or the next; recording a plan for a year that has one adds a
//! revision, and every revision is kept. A scenario names the resources it needs; the data
//! authority of the developer's region reviews it. The chain answers "which products were built
//! from this resource, by whom, under which approval" from [`RecordKey::ResourceProducts`], each
//! product's record and its grant.
//!
//! [`RecordKey::ResourceProducts`]: onebook_types::record::RecordKey::ResourceProducts

mod apply;
mod transitions;

pub use apply::{
    DEVELOPMENT_SINCE, apply_for_scenario, check_product_subject, check_roles_enabled,
    record_open_data_plan, record_product, review_scenario,
};
pub use transitions::{check_openings, check_scenario_term, developer_level};

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) use tests::reach;
