//! The table: one row per kind of record, in the order of [`RecordKind::ALL`].

use super::{IdForm, KindSpec, RecordKind, decode, found, hex32, number};
use crate::{
    catalog_records::{CatalogEntry, CatalogStatus, Obligation, ObligationStatus, Resource},
    consortium::{Member, MemberStatus, Org, OrgStatus},
    development_records::{
        DevelopedProduct, DevelopmentGrant, DevelopmentScenario, OpenDataPlan, ScenarioStatus,
    },
    hash::Hash32,
    ids::{
        AccessEventId, ApplicationId, CatalogCode, CertificateNumber, DevelopmentGrantId, GrantId,
        ObjectionId, ObligationId, OpenDataPlanId, OrgId, ProposalId, PublishedReportId,
        QualityReportId, ResourceId, ScenarioId, ShareRequestId, ViolationId,
    },
    keys::PublicKey,
    lifecycle_records::GrantCloseOut,
    property_records::{
        ApplicationStatus, Certificate, CertificateStatus, Objection, ObjectionStatus,
        PropertyApplication,
    },
    quality_records::{QualityReport, QualityStatus},
    record::RecordKey,
    records::{Proposal, ProposalStatus},
    report_records::{PublishedReport, ReportScope},
    sharing_records::{AccessEvent, Grant, GrantStatus, ShareRequest, ShareStatus, Violation},
};

/// Every kind's row, at the kind's discriminant less one.
pub(super) const TABLE: [KindSpec; RecordKind::ALL.len()] = [
    KindSpec {
        kind: RecordKind::Org,
        name: "org",
        key_name: "org",
        route: "/v1/orgs",
        id: IdForm::Text { param: "id", what: "org id", example: "350200-xm-gaj" },
        key: |id| Ok(RecordKey::Org(OrgId(id.to_owned()))),
        statuses: &["active", "suspended"],
        orgs: &["parent"],
        sides: false,
        under: &[],
        labels: ("机构", "Organisation"),
        order: &["name", "id", "level", "parent", "region", "data_authority", "status"],
        columns: &[
            ("id", "/id"),
            ("name", "/name"),
            ("level", "/level"),
            ("parent", "/parent"),
            ("status", "/status"),
        ],
        attributes: |_, value| {
            let org: Org = decode(value)?;
            let status = match org.status {
                OrgStatus::Active => "active",
                OrgStatus::Suspended => "suspended",
            };
            found(org.parent.into_iter().collect(), Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::Member,
        name: "member",
        key_name: "member",
        route: "/v1/members",
        id: IdForm::Hex32 { param: "key", what: "member key" },
        key: |id| Ok(RecordKey::Member(PublicKey(hex32(RecordKind::Member, id)?))),
        statuses: &["active", "revoked"],
        orgs: &["org"],
        sides: false,
        under: &[],
        labels: ("成员", "Member"),
        order: &["name", "org", "roles", "status", "key"],
        columns: &[
            ("key", "/key"),
            ("name", "/name"),
            ("org", "/org"),
            ("roles", "/roles"),
            ("status", "/status"),
        ],
        attributes: |_, value| {
            let member: Member = decode(value)?;
            let status = match member.status {
                MemberStatus::Active => "active",
                MemberStatus::Revoked => "revoked",
            };
            found(vec![member.org], Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::Proposal,
        name: "proposal",
        key_name: "proposal",
        route: "/v1/proposals",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Proposal(ProposalId(number(RecordKind::Proposal, id)?))),
        statuses: &["open", "passed", "rejected"],
        orgs: &["proposer"],
        sides: false,
        under: &[],
        labels: ("治理提案", "Governance proposal"),
        order: &[
            "id",
            "change",
            "rationale",
            "proposer",
            "submitted_at",
            "status",
            "votes",
            "decided_at",
        ],
        columns: &[
            ("id", "/id"),
            ("change", "/change/kind"),
            ("proposer", "/proposer"),
            ("status", "/status"),
        ],
        attributes: |_, value| {
            let proposal: Proposal = decode(value)?;
            let status = match proposal.status {
                ProposalStatus::Open => "open",
                ProposalStatus::Passed => "passed",
                ProposalStatus::Rejected => "rejected",
            };
            found(vec![proposal.proposer], Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::CatalogEntry,
        name: "catalog entry",
        key_name: "catalog_entry",
        route: "/v1/catalog/entries",
        id: IdForm::Text { param: "code", what: "catalog code", example: "350200-xm-scjg-0001" },
        key: |id| Ok(RecordKey::CatalogEntry(CatalogCode(id.to_owned()))),
        statuses: &["draft", "submitted", "returned", "approved", "published", "deprecated"],
        orgs: &["provider"],
        sides: false,
        under: &[],
        labels: ("目录", "Catalog entry"),
        order: &[
            "code",
            "provider",
            "region",
            "status",
            "published",
            "authoritative_sources",
            "versions",
        ],
        columns: &[
            ("code", "/code"),
            ("name", "/versions/-1/content/name"),
            ("provider", "/provider"),
            ("published", "/published"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let entry: CatalogEntry = decode(value)?;
            let status = match entry.status {
                CatalogStatus::Draft => "draft",
                CatalogStatus::Submitted => "submitted",
                CatalogStatus::Returned { .. } => "returned",
                CatalogStatus::Approved => "approved",
                CatalogStatus::Published => "published",
                CatalogStatus::Deprecated { .. } => "deprecated",
            };
            found(vec![entry.provider], Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::Resource,
        name: "resource",
        key_name: "resource",
        route: "/v1/resources",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Resource(ResourceId(number(RecordKind::Resource, id)?))),
        statuses: &[],
        orgs: &["provider"],
        sides: false,
        under: &[RecordKind::CatalogEntry],
        labels: ("资源", "Resource"),
        order: &[
            "id",
            "entry",
            "entry_version",
            "provider",
            "system",
            "items",
            "record_count",
            "authoritative",
            "snapshot_digest",
            "registered_at",
            "updated_at",
        ],
        columns: &[
            ("id", "/id"),
            ("entry", "/entry"),
            ("provider", "/provider"),
            ("record_count", "/record_count"),
            ("authoritative", "/authoritative"),
        ],
        attributes: |_, value| {
            let resource: Resource = decode(value)?;
            found(vec![resource.provider], None, vec![RecordKey::CatalogEntry(resource.entry)])
        },
    },
    KindSpec {
        kind: RecordKind::ShareRequest,
        name: "share request",
        key_name: "share_request",
        route: "/v1/share-requests",
        id: IdForm::Number,
        key: |id| {
            Ok(RecordKey::ShareRequest(ShareRequestId(number(RecordKind::ShareRequest, id)?)))
        },
        statuses: &["under-review", "granted", "refused", "withdrawn"],
        orgs: &["requester_org", "provider"],
        sides: true,
        under: &[],
        labels: ("共享申请", "Share request"),
        order: &[
            "id",
            "requester_org",
            "requester",
            "provider",
            "entry",
            "items",
            "purpose",
            "legal_duty",
            "starts",
            "ends",
            "exception",
            "requested_at",
            "status",
        ],
        columns: &[
            ("id", "/id"),
            ("requester_org", "/requester_org"),
            ("provider", "/provider"),
            ("entry", "/entry"),
            ("requested_at", "/requested_at"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let request: ShareRequest = decode(value)?;
            let status = match request.status {
                ShareStatus::UnderReview { .. } => "under-review",
                ShareStatus::Granted { .. } => "granted",
                ShareStatus::Refused { .. } => "refused",
                ShareStatus::Withdrawn => "withdrawn",
            };
            found(vec![request.requester_org, request.provider], Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::Grant,
        name: "grant",
        key_name: "grant",
        route: "/v1/grants",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Grant(GrantId(number(RecordKind::Grant, id)?))),
        statuses: &["active", "revoked"],
        orgs: &["grantee", "provider"],
        sides: true,
        under: &[RecordKind::ShareRequest],
        labels: ("共享授权", "Grant"),
        order: &[
            "id",
            "request",
            "grantee",
            "provider",
            "entry",
            "items",
            "starts",
            "expires_at",
            "conditions",
            "exception",
            "legal_basis",
            "status",
        ],
        columns: &[
            ("id", "/id"),
            ("grantee", "/grantee"),
            ("provider", "/provider"),
            ("entry", "/entry"),
            ("expires_at", "/expires_at"),
            ("exception", "/exception"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let grant: Grant = decode(value)?;
            let status = match grant.status {
                GrantStatus::Active => "active",
                GrantStatus::Revoked { .. } => "revoked",
            };
            found(
                vec![grant.grantee, grant.provider],
                Some(status),
                vec![RecordKey::ShareRequest(grant.request)],
            )
        },
    },
    KindSpec {
        kind: RecordKind::AccessEvent,
        name: "access event",
        key_name: "access_event",
        route: "/v1/access-events",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::AccessEvent(AccessEventId(number(RecordKind::AccessEvent, id)?))),
        statuses: &["covered", "violation"],
        orgs: &["org"],
        sides: false,
        under: &[RecordKind::Resource],
        labels: ("访问记录", "Access event"),
        order: &["id", "org", "gateway", "access", "recorded_at", "violation"],
        columns: &[
            ("id", "/id"),
            ("org", "/org"),
            ("resource", "/access/resource"),
            ("items", "/access/items"),
            ("operation", "/access/operation"),
            ("grant", "/access/grant"),
            ("recorded_at", "/recorded_at"),
            ("violation", "/violation"),
        ],
        attributes: |_, value| {
            let event: AccessEvent = decode(value)?;
            let status = if event.violation.is_some() { "violation" } else { "covered" };
            found(vec![event.org], Some(status), vec![RecordKey::Resource(event.access.resource)])
        },
    },
    KindSpec {
        kind: RecordKind::Violation,
        name: "violation",
        key_name: "violation",
        route: "/v1/violations",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Violation(ViolationId(number(RecordKind::Violation, id)?))),
        statuses: &[
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
        orgs: &["org"],
        sides: false,
        under: &[RecordKind::AccessEvent],
        labels: ("违规", "Violation"),
        order: &["id", "org", "reason", "access_event", "recorded_at"],
        columns: &[
            ("id", "/id"),
            ("org", "/org"),
            ("access_event", "/access_event"),
            ("reason", "/reason"),
            ("recorded_at", "/recorded_at"),
        ],
        attributes: |_, value| {
            let violation: Violation = decode(value)?;
            let under = vec![RecordKey::AccessEvent(violation.access_event)];
            found(vec![violation.org], Some(violation.reason.as_str()), under)
        },
    },
    KindSpec {
        kind: RecordKind::QualityReport,
        name: "quality report",
        key_name: "quality_report",
        route: "/v1/quality-reports",
        id: IdForm::Number,
        key: |id| {
            Ok(RecordKey::QualityReport(QualityReportId(number(RecordKind::QualityReport, id)?)))
        },
        statuses: &["reported", "fixed", "disputed", "ruled"],
        orgs: &["reporter_org", "provider"],
        sides: true,
        under: &[RecordKind::Resource],
        labels: ("质量反馈", "Quality report"),
        order: &[
            "id",
            "resource",
            "entry",
            "provider",
            "reporter_org",
            "reporter",
            "description",
            "reported_at",
            "reported_snapshot",
            "evidence_digest",
            "obligation",
            "status",
        ],
        columns: &[
            ("id", "/id"),
            ("resource", "/resource"),
            ("provider", "/provider"),
            ("reporter_org", "/reporter_org"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let report: QualityReport = decode(value)?;
            let status = match report.status {
                QualityStatus::Reported { .. } => "reported",
                QualityStatus::Fixed { .. } => "fixed",
                QualityStatus::Disputed { .. } => "disputed",
                QualityStatus::Ruled { .. } => "ruled",
            };
            let under = vec![RecordKey::Resource(report.resource)];
            found(vec![report.reporter_org, report.provider], Some(status), under)
        },
    },
    KindSpec {
        kind: RecordKind::Application,
        name: "property application",
        key_name: "application",
        route: "/v1/property/applications",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Application(ApplicationId(number(RecordKind::Application, id)?))),
        statuses: &["applied", "refused", "in-notice", "certified"],
        orgs: &["registrant"],
        sides: false,
        under: &[],
        labels: ("产权登记申请", "Property application"),
        order: &[
            "id",
            "registrant",
            "applicant",
            "right",
            "subject",
            "subject_hash",
            "valid_from",
            "valid_until",
            "applied_at",
            "notice_ends",
            "objections",
            "status",
        ],
        columns: &[
            ("id", "/id"),
            ("registrant", "/registrant"),
            ("right", "/right"),
            ("applied_at", "/applied_at"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let application: PropertyApplication = decode(value)?;
            let status = match application.status {
                ApplicationStatus::Applied => "applied",
                ApplicationStatus::Refused { .. } => "refused",
                ApplicationStatus::InNotice { .. } => "in-notice",
                ApplicationStatus::Certified { .. } => "certified",
            };
            found(vec![application.registrant], Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::Objection,
        name: "objection",
        key_name: "objection",
        route: "/v1/property/objections",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Objection(ObjectionId(number(RecordKind::Objection, id)?))),
        statuses: &["pending", "upheld", "dismissed"],
        orgs: &["objector_org"],
        sides: false,
        under: &[RecordKind::Application],
        labels: ("异议", "Objection"),
        order: &[
            "id",
            "application",
            "objector_org",
            "objector",
            "grounds",
            "evidence_digests",
            "filed_at",
            "status",
        ],
        columns: &[
            ("id", "/id"),
            ("application", "/application"),
            ("objector_org", "/objector_org"),
            ("filed_at", "/filed_at"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let objection: Objection = decode(value)?;
            let status = match objection.status {
                ObjectionStatus::Pending => "pending",
                ObjectionStatus::Upheld { .. } => "upheld",
                ObjectionStatus::Dismissed { .. } => "dismissed",
            };
            let under = vec![RecordKey::Application(objection.application)];
            found(vec![objection.objector_org], Some(status), under)
        },
    },
    KindSpec {
        kind: RecordKind::Certificate,
        name: "certificate",
        key_name: "certificate",
        route: "/v1/property/certificates",
        id: IdForm::Text {
            param: "number",
            what: "certificate number",
            example: "350200-2026-000001X",
        },
        key: |id| Ok(RecordKey::Certificate(CertificateNumber(id.to_owned()))),
        statuses: &["active", "cancelled"],
        orgs: &["holder", "issuer"],
        sides: true,
        under: &[RecordKind::Certificate],
        labels: ("产权登记证书", "Certificate"),
        order: &[
            "number",
            "right",
            "holder",
            "issuer",
            "subject",
            "subject_hash",
            "parent",
            "application",
            "valid_from",
            "valid_until",
            "issued_at",
            "status",
            "transfers",
        ],
        columns: &[
            ("number", "/number"),
            ("right", "/right"),
            ("holder", "/holder"),
            ("parent", "/parent"),
            ("valid_until", "/valid_until"),
            ("status", "/status/status"),
            ("standing", "@/standing"),
        ],
        attributes: |_, value| {
            let certificate: Certificate = decode(value)?;
            let status = match certificate.status {
                CertificateStatus::Active => "active",
                CertificateStatus::Cancelled { .. } => "cancelled",
            };
            let under = certificate.parent.map(RecordKey::Certificate).into_iter().collect();
            found(vec![certificate.holder, certificate.issuer], Some(status), under)
        },
    },
    KindSpec {
        kind: RecordKind::Obligation,
        name: "obligation",
        key_name: "obligation",
        route: "/v1/obligations",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Obligation(ObligationId(number(RecordKind::Obligation, id)?))),
        statuses: &["open", "met"],
        orgs: &["org"],
        sides: false,
        under: &[],
        labels: ("法定义务", "Obligation"),
        order: &[
            "id",
            "org",
            "kind",
            "description",
            "subject",
            "opened_time",
            "opened_at",
            "due",
            "status",
        ],
        columns: &[
            ("id", "/id"),
            ("org", "/org"),
            ("kind", "/kind"),
            ("due", "/due"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let obligation: Obligation = decode(value)?;
            let status = match obligation.status {
                ObligationStatus::Open => "open",
                ObligationStatus::Met { .. } => "met",
            };
            found(vec![obligation.org], Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::GrantCloseOut,
        name: "grant close-out",
        key_name: "grant_close_out",
        route: "/v1/grant-close-outs",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::GrantCloseOut(GrantId(number(RecordKind::GrantCloseOut, id)?))),
        statuses: &["on-time", "late"],
        orgs: &["grantee"],
        sides: false,
        under: &[RecordKind::Grant],
        labels: ("授权终止处置", "Grant close-out"),
        order: &[
            "grant",
            "grantee",
            "signer",
            "disposition",
            "attestation_digest",
            "ended",
            "ended_at",
            "due",
            "recorded_time",
            "recorded_at",
            "late",
        ],
        columns: &[
            ("grant", "/grant"),
            ("grantee", "/grantee"),
            ("disposition", "/disposition/disposition"),
            ("ended", "/ended"),
            ("due", "/due"),
            ("recorded_time", "/recorded_time"),
            ("late", "/late"),
        ],
        attributes: |key, value| {
            let RecordKey::GrantCloseOut(grant) = key else { return None };
            let close_out: GrantCloseOut = decode(value)?;
            let status = if close_out.late { "late" } else { "on-time" };
            found(vec![close_out.grantee], Some(status), vec![RecordKey::Grant(*grant)])
        },
    },
    KindSpec {
        kind: RecordKind::OpenDataPlan,
        name: "open-data plan",
        key_name: "open_data_plan",
        route: "/v1/open-data-plans",
        id: IdForm::Number,
        key: |id| {
            Ok(RecordKey::OpenDataPlan(OpenDataPlanId(number(RecordKind::OpenDataPlan, id)?)))
        },
        statuses: &[],
        orgs: &["org"],
        sides: false,
        under: &[],
        labels: ("年度开放计划", "Open-data plan"),
        order: &["id", "org", "year", "revisions"],
        columns: &[
            ("id", "/id"),
            ("org", "/org"),
            ("year", "/year"),
            ("openings", "/revisions/-1/openings"),
            ("recorded_time", "/revisions/-1/recorded_time"),
        ],
        attributes: |_, value| {
            let plan: OpenDataPlan = decode(value)?;
            found(vec![plan.org], None, vec![])
        },
    },
    KindSpec {
        kind: RecordKind::Scenario,
        name: "development scenario",
        key_name: "scenario",
        route: "/v1/scenarios",
        id: IdForm::Number,
        key: |id| Ok(RecordKey::Scenario(ScenarioId(number(RecordKind::Scenario, id)?))),
        statuses: &["under-review", "approved", "returned"],
        orgs: &["developer", "authority"],
        sides: false,
        under: &[],
        labels: ("开发场景", "Development scenario"),
        order: &[
            "id",
            "developer",
            "applicant",
            "level",
            "draft",
            "authority",
            "applied_at",
            "status",
        ],
        columns: &[
            ("id", "/id"),
            ("name", "/draft/name"),
            ("scenario_type", "/draft/scenario_type"),
            ("developer", "/developer"),
            ("authority", "/authority"),
            ("applied_at", "/applied_at"),
            ("status", "/status/status"),
        ],
        attributes: |_, value| {
            let scenario: DevelopmentScenario = decode(value)?;
            let status = match scenario.status {
                ScenarioStatus::UnderReview => "under-review",
                ScenarioStatus::Approved { .. } => "approved",
                ScenarioStatus::Returned { .. } => "returned",
            };
            found(vec![scenario.developer, scenario.authority], Some(status), vec![])
        },
    },
    KindSpec {
        kind: RecordKind::DevelopmentGrant,
        name: "development grant",
        key_name: "development_grant",
        route: "/v1/development-grants",
        id: IdForm::Number,
        key: |id| {
            Ok(RecordKey::DevelopmentGrant(DevelopmentGrantId(number(
                RecordKind::DevelopmentGrant,
                id,
            )?)))
        },
        statuses: &[],
        orgs: &["developer", "approved_by"],
        sides: false,
        under: &[RecordKind::Scenario],
        labels: ("开发授权", "Development grant"),
        order: &[
            "id",
            "scenario",
            "scenario_type",
            "developer",
            "level",
            "resources",
            "starts",
            "ends",
            "approved_by",
            "approved_at",
        ],
        columns: &[
            ("id", "/id"),
            ("scenario", "/scenario"),
            ("scenario_type", "/scenario_type"),
            ("developer", "/developer"),
            ("approved_by", "/approved_by"),
            ("ends", "/ends"),
        ],
        attributes: |_, value| {
            let grant: DevelopmentGrant = decode(value)?;
            let under = vec![RecordKey::Scenario(grant.scenario)];
            found(vec![grant.developer, grant.approved_by], None, under)
        },
    },
    KindSpec {
        kind: RecordKind::Product,
        name: "product",
        key_name: "product",
        route: "/v1/products",
        id: IdForm::Hex32 { param: "digest", what: "product digest" },
        key: |id| Ok(RecordKey::Product(Hash32(hex32(RecordKind::Product, id)?))),
        statuses: &[],
        orgs: &["developer"],
        sides: false,
        under: &[RecordKind::DevelopmentGrant, RecordKind::Resource],
        labels: ("开发产品", "Product"),
        order: &[
            "name",
            "digest",
            "description",
            "development_grant",
            "developer",
            "resources",
            "signer",
            "recorded_at",
        ],
        columns: &[
            ("product", "/digest"),
            ("name", "/name"),
            ("developer", "/developer"),
            ("development_grant", "/grant"),
            ("resources", "/resources"),
        ],
        attributes: |_, value| {
            let product: DevelopedProduct = decode(value)?;
            let mut under = vec![RecordKey::DevelopmentGrant(product.grant)];
            under.extend(product.resources.iter().copied().map(RecordKey::Resource));
            found(vec![product.developer], None, under)
        },
    },
    KindSpec {
        kind: RecordKind::PublishedReport,
        name: "published report",
        key_name: "published_report",
        route: "/v1/published-reports",
        id: IdForm::Number,
        key: |id| {
            Ok(RecordKey::PublishedReport(PublishedReportId(number(
                RecordKind::PublishedReport,
                id,
            )?)))
        },
        statuses: &[],
        orgs: &["publisher_org", "scope"],
        sides: false,
        under: &[],
        labels: ("定期通报", "Published report"),
        order: &[
            "id",
            "scope",
            "period",
            "height",
            "digest",
            "publisher_org",
            "publisher",
            "published_at",
        ],
        columns: &[
            ("id", "/id"),
            ("scope", "/scope/id"),
            ("period", "/period"),
            ("publisher_org", "/publisher_org"),
            ("published_at", "/published_at"),
        ],
        attributes: |_, value| {
            let report: PublishedReport = decode(value)?;
            let mut orgs = vec![report.publisher_org];
            if let ReportScope::Org(org) = report.scope {
                orgs.push(org);
            }
            found(orgs, None, vec![])
        },
    },
];

// Each row sits at its kind's place, so `RecordKind::spec` is an index.
const _: () = {
    let mut i = 0;
    while i < TABLE.len() {
        assert!(TABLE[i].kind as usize == i + 1, "a row is out of its kind's place");
        assert!(RecordKind::ALL[i] as usize == i + 1, "ALL is in discriminant order");
        i += 1;
    }
};
