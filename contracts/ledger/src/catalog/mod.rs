//! The catalog (政务数据目录, "目录—数据—系统"): entries an org drafts and the data authority of
//! its region reviews, the resources registered under them, and the obligations a duty change or
//! a publication opens.
//!
//! ```text
//!                         Revise (correct in place)
//!                           ┌──┐                                  Revise (correct)
//!                           ▼  │                                     ┌──┐
//!   DraftCatalogEntry ──▶ Draft ──Submit──▶ Submitted ──Review: return──▶ Returned
//!                           ▲                 │  ▲                     │  ▲ │
//!                           │                 │  └────────Submit───────┘  └─┘
//!                           │          Review: approve
//!                           │                 ▼
//!                           │             Approved ──Publish──▶ Published ──Deprecate──▶ Deprecated
//!                           │                                      │
//!                           └──Revise: version n+1 (version n stays in force until n+1 is published)
//! ```
//!
//! The status describes the entry's latest version. Every version is kept inside the entry's
//! record ([`CatalogEntry::versions`](onebook_types::catalog_records::CatalogEntry::versions),
//! at most [`CATALOG_VERSIONS_MAX`](onebook_types::catalog_records::CATALOG_VERSIONS_MAX)), and
//! [`CatalogEntry::published`](onebook_types::catalog_records::CatalogEntry::published) names the
//! version in force, so a proof of the entry proves all of them. Codes are
//! `<region>-<org>-<sequence>` from the per-org sequence `catalog/<org>`.
//!
//! Catalog clerks of the provider draft, submit, revise, publish and deprecate; catalog clerks of
//! the org that is the data authority (数据主管部门) of the entry's region review. Resources are
//! registered against the published version, and an authoritative resource is the one source of
//! each of its items (一数一源): the entry keeps that index, sorted by item.
//!
//! A duty change opens a catalog-update obligation, met by the org's next `SubmitCatalogEntry`;
//! a publication opens a resource-registration obligation for the entry (unless one is open
//! for it), met by the provider's next `RegisterResource` under the entry. Both are kept by
//! [`obligations`](crate::obligations), which lists each org's open ones and answers which are
//! overdue ([`is_overdue`]).
//!
//! Catalog-update `due` is the last millisecond of the `catalog_update_working_days`-th working
//! day after the duty change (7 in Xiamen: "在职能或者业务系统发生变化之日起7个工作日内更新数据目录");
//! resource-registration `due` counts `resource_registration_working_days` from publication.

mod apply;
mod transitions;

pub use apply::{
    deprecate_catalog_entry, draft_catalog_entry, publish_catalog_entry, record_duty_change,
    register_resource, review_catalog_entry, revise_catalog_entry, submit_catalog_entry,
    update_resource,
};
pub use transitions::{
    Revision, SECURITY_LEVEL_MAX, SECURITY_LEVEL_MIN, check_draft, entry_code, is_overdue,
    revision_of, sources_after_register, status_after_deprecate, status_after_publish,
    status_after_review, status_after_submit,
};

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) use tests::reach;
