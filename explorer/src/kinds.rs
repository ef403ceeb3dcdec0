//! The kinds of record the explorer has pages for: where each lives, what its key is called, the
//! columns of its list, the order a clerk reads its fields in, and the node's API route it is
//! read from. This table is the one place a kind's display is decided; the labels of the fields
//! and values are in `i18n`.

use onebook_query::RecordKind;

/// One kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Kind {
    /// The kind in the query port.
    pub(crate) kind: RecordKind,
    /// The first segment of its pages' paths: `/grants`, `/grants/1`.
    pub(crate) path: &'static str,
    /// The kind in a record key, `grant` in `grant:1`.
    pub(crate) key_kind: &'static str,
    /// Its list's columns: a field name and its place in the record's JSON (`-1` is a list's
    /// last item), or, after `@`, in the view around the record (a certificate's standing).
    pub(crate) columns: &'static [(&'static str, &'static str)],
    /// Its fields in the order a clerk reads them on its page; fields not listed follow in
    /// [`FIELD_RANK`] order.
    pub(crate) order: &'static [&'static str],
    /// The node's REST route of its records; `{api}/{id}` reads one.
    pub(crate) api: &'static str,
    /// Labels of its fields that differ from the general ones (`parent` of a certificate is
    /// the certificate it was licensed from, of an org the body above it).
    pub(crate) labels: &'static [(&'static str, &'static str)],
    /// Fields of its records, at any depth, read under another name, so that they link to the
    /// right kind and carry the right label: a product's `grant` is a development grant.
    pub(crate) renames: &'static [(&'static str, &'static str)],
}

pub(crate) const ORG: Kind = Kind {
    kind: RecordKind::Org,
    path: "orgs",
    key_kind: "org",
    columns: &[
        ("id", "/id"),
        ("name", "/name"),
        ("level", "/level"),
        ("parent", "/parent"),
        ("status", "/status"),
    ],
    order: &["name", "id", "level", "parent", "region", "data_authority", "status"],
    api: "/v1/orgs",
    labels: &[("parent", "ui.parent_org")],
    renames: &[],
};
pub(crate) const MEMBER: Kind = Kind {
    kind: RecordKind::Member,
    path: "members",
    key_kind: "member",
    columns: &[
        ("key", "/key"),
        ("name", "/name"),
        ("org", "/org"),
        ("roles", "/roles"),
        ("status", "/status"),
    ],
    order: &["name", "org", "roles", "status", "key"],
    api: "/v1/members",
    labels: &[],
    renames: &[],
};
pub(crate) const PROPOSAL: Kind = Kind {
    kind: RecordKind::Proposal,
    path: "proposals",
    key_kind: "proposal",
    columns: &[
        ("id", "/id"),
        ("change", "/change/kind"),
        ("proposer", "/proposer"),
        ("status", "/status"),
    ],
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
    api: "/v1/proposals",
    labels: &[],
    renames: &[],
};
pub(crate) const CATALOG_ENTRY: Kind = Kind {
    kind: RecordKind::CatalogEntry,
    path: "catalog",
    key_kind: "catalog_entry",
    columns: &[
        ("code", "/code"),
        ("name", "/versions/-1/content/name"),
        ("provider", "/provider"),
        ("published", "/published"),
        ("status", "/status/status"),
    ],
    order: &[
        "code",
        "provider",
        "region",
        "status",
        "published",
        "authoritative_sources",
        "versions",
    ],
    api: "/v1/catalog/entries",
    labels: &[],
    renames: &[],
};
pub(crate) const RESOURCE: Kind = Kind {
    kind: RecordKind::Resource,
    path: "resources",
    key_kind: "resource",
    columns: &[
        ("id", "/id"),
        ("entry", "/entry"),
        ("provider", "/provider"),
        ("record_count", "/record_count"),
        ("authoritative", "/authoritative"),
    ],
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
    api: "/v1/resources",
    labels: &[],
    renames: &[],
};
pub(crate) const SHARE_REQUEST: Kind = Kind {
    kind: RecordKind::ShareRequest,
    path: "share-requests",
    key_kind: "share_request",
    columns: &[
        ("id", "/id"),
        ("requester_org", "/requester_org"),
        ("provider", "/provider"),
        ("entry", "/entry"),
        ("requested_at", "/requested_at"),
        ("status", "/status/status"),
    ],
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
    api: "/v1/share-requests",
    labels: &[],
    renames: &[],
};
pub(crate) const GRANT: Kind = Kind {
    kind: RecordKind::Grant,
    path: "grants",
    key_kind: "grant",
    columns: &[
        ("id", "/id"),
        ("grantee", "/grantee"),
        ("provider", "/provider"),
        ("entry", "/entry"),
        ("expires_at", "/expires_at"),
        ("exception", "/exception"),
        ("status", "/status/status"),
    ],
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
    api: "/v1/grants",
    labels: &[],
    renames: &[],
};
pub(crate) const ACCESS_EVENT: Kind = Kind {
    kind: RecordKind::AccessEvent,
    path: "access-events",
    key_kind: "access_event",
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
    order: &["id", "org", "gateway", "access", "recorded_at", "violation"],
    api: "/v1/access-events",
    labels: &[],
    renames: &[],
};
pub(crate) const VIOLATION: Kind = Kind {
    kind: RecordKind::Violation,
    path: "violations",
    key_kind: "violation",
    columns: &[
        ("id", "/id"),
        ("org", "/org"),
        ("access_event", "/access_event"),
        ("reason", "/reason"),
        ("recorded_at", "/recorded_at"),
    ],
    order: &["id", "org", "reason", "access_event", "recorded_at"],
    api: "/v1/violations",
    labels: &[],
    renames: &[],
};
pub(crate) const QUALITY_REPORT: Kind = Kind {
    kind: RecordKind::QualityReport,
    path: "quality-reports",
    key_kind: "quality_report",
    columns: &[
        ("id", "/id"),
        ("resource", "/resource"),
        ("provider", "/provider"),
        ("reporter_org", "/reporter_org"),
        ("status", "/status/status"),
    ],
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
    api: "/v1/quality-reports",
    labels: &[],
    renames: &[],
};
pub(crate) const APPLICATION: Kind = Kind {
    kind: RecordKind::Application,
    path: "applications",
    key_kind: "application",
    columns: &[
        ("id", "/id"),
        ("registrant", "/registrant"),
        ("right", "/right"),
        ("applied_at", "/applied_at"),
        ("status", "/status/status"),
    ],
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
    api: "/v1/property/applications",
    labels: &[],
    renames: &[],
};
pub(crate) const OBJECTION: Kind = Kind {
    kind: RecordKind::Objection,
    path: "objections",
    key_kind: "objection",
    columns: &[
        ("id", "/id"),
        ("application", "/application"),
        ("objector_org", "/objector_org"),
        ("filed_at", "/filed_at"),
        ("status", "/status/status"),
    ],
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
    api: "/v1/property/objections",
    labels: &[],
    renames: &[],
};
pub(crate) const CERTIFICATE: Kind = Kind {
    kind: RecordKind::Certificate,
    path: "certificates",
    key_kind: "certificate",
    columns: &[
        ("number", "/number"),
        ("right", "/right"),
        ("holder", "/holder"),
        ("parent", "/parent"),
        ("valid_until", "/valid_until"),
        ("status", "/status/status"),
        ("standing", "@/standing"),
    ],
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
    api: "/v1/property/certificates",
    labels: &[("parent", "ui.parent_certificate")],
    renames: &[],
};
pub(crate) const OBLIGATION: Kind = Kind {
    kind: RecordKind::Obligation,
    path: "obligations",
    key_kind: "obligation",
    columns: &[
        ("id", "/id"),
        ("org", "/org"),
        ("kind", "/kind"),
        ("due", "/due"),
        ("status", "/status/status"),
    ],
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
    api: "/v1/obligations",
    labels: &[],
    renames: &[],
};
pub(crate) const GRANT_CLOSE_OUT: Kind = Kind {
    kind: RecordKind::GrantCloseOut,
    path: "grant-close-outs",
    key_kind: "grant_close_out",
    columns: &[
        ("grant", "/grant"),
        ("grantee", "/grantee"),
        ("disposition", "/disposition/disposition"),
        ("ended", "/ended"),
        ("due", "/due"),
        ("recorded_time", "/recorded_time"),
        ("late", "/late"),
    ],
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
    api: "/v1/grant-close-outs",
    labels: &[],
    renames: &[],
};
pub(crate) const OPEN_DATA_PLAN: Kind = Kind {
    kind: RecordKind::OpenDataPlan,
    path: "open-data-plans",
    key_kind: "open_data_plan",
    columns: &[
        ("id", "/id"),
        ("org", "/org"),
        ("year", "/year"),
        ("openings", "/revisions/-1/openings"),
        ("recorded_time", "/revisions/-1/recorded_time"),
    ],
    order: &["id", "org", "year", "revisions"],
    api: "/v1/open-data-plans",
    labels: &[],
    renames: &[],
};
pub(crate) const SCENARIO: Kind = Kind {
    kind: RecordKind::Scenario,
    path: "scenarios",
    key_kind: "scenario",
    columns: &[
        ("id", "/id"),
        ("name", "/draft/name"),
        ("scenario_type", "/draft/scenario_type"),
        ("developer", "/developer"),
        ("authority", "/authority"),
        ("applied_at", "/applied_at"),
        ("status", "/status/status"),
    ],
    order: &["id", "developer", "applicant", "level", "draft", "authority", "applied_at", "status"],
    api: "/v1/scenarios",
    labels: &[],
    renames: &[("grant", "development_grant")],
};
pub(crate) const DEVELOPMENT_GRANT: Kind = Kind {
    kind: RecordKind::DevelopmentGrant,
    path: "development-grants",
    key_kind: "development_grant",
    columns: &[
        ("id", "/id"),
        ("scenario", "/scenario"),
        ("scenario_type", "/scenario_type"),
        ("developer", "/developer"),
        ("approved_by", "/approved_by"),
        ("ends", "/ends"),
    ],
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
    api: "/v1/development-grants",
    labels: &[],
    renames: &[],
};
pub(crate) const PRODUCT: Kind = Kind {
    kind: RecordKind::Product,
    path: "products",
    key_kind: "product",
    columns: &[
        ("product", "/digest"),
        ("name", "/name"),
        ("developer", "/developer"),
        ("development_grant", "/grant"),
        ("resources", "/resources"),
    ],
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
    api: "/v1/products",
    labels: &[],
    renames: &[("grant", "development_grant")],
};

pub(crate) const PUBLISHED_REPORT: Kind = Kind {
    kind: RecordKind::PublishedReport,
    path: "published-reports",
    key_kind: "published_report",
    columns: &[
        ("id", "/id"),
        ("scope", "/scope/id"),
        ("period", "/period"),
        ("publisher_org", "/publisher_org"),
        ("published_at", "/published_at"),
    ],
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
    api: "/v1/published-reports",
    labels: &[("scope", "ui.report_scope"), ("published_at", "ui.report_published_time")],
    renames: &[],
};

/// Every kind, in the order of [`RecordKind::ALL`].
pub(crate) const ALL: [Kind; 20] = [
    ORG,
    MEMBER,
    PROPOSAL,
    CATALOG_ENTRY,
    RESOURCE,
    SHARE_REQUEST,
    GRANT,
    ACCESS_EVENT,
    VIOLATION,
    QUALITY_REPORT,
    APPLICATION,
    OBJECTION,
    CERTIFICATE,
    OBLIGATION,
    GRANT_CLOSE_OUT,
    OPEN_DATA_PLAN,
    SCENARIO,
    DEVELOPMENT_GRANT,
    PRODUCT,
    PUBLISHED_REPORT,
];

/// The order fields of any object are read in when its kind gives none (an action, a nested
/// part of a record): who and what first, then the substance, then times, then the outcome.
/// A field not listed comes last, by name.
pub(crate) const FIELD_RANK: &[&str] = &[
    "id",
    "number",
    "code",
    "name",
    "title",
    "key",
    "org",
    "requester_org",
    "requester",
    "grantee",
    "provider",
    "registrant",
    "applicant",
    "holder",
    "issuer",
    "objector_org",
    "objector",
    "reporter_org",
    "reporter",
    "from",
    "to",
    "licensee",
    "gateway",
    "member",
    "request",
    "grant",
    "entry",
    "resource",
    "application",
    "certificate",
    "objection",
    "report",
    "proposal",
    "obligation",
    "violation",
    "access_event",
    "right",
    "subject",
    "kind",
    "change",
    "parameter",
    "value",
    "level",
    "parent",
    "region",
    "roles",
    "items",
    "item",
    "operation",
    "record_count",
    "purpose",
    "legal_duty",
    "legal_basis",
    "scope",
    "conditions",
    "description",
    "grounds",
    "reason",
    "reasons",
    "rationale",
    "decision",
    "answer",
    "ruling",
    "responsible",
    "approve",
    "exception",
    "starts",
    "ends",
    "valid_from",
    "valid_until",
    "expires_at",
    "due",
    "accessed_at",
    "requested_at",
    "applied_at",
    "filed_at",
    "reported_at",
    "recorded_at",
    "issued_at",
    "opened_time",
    "time",
    "at",
    "drafted_at",
    "published_at",
    "submitted_at",
    "decided_at",
    "registered_at",
    "updated_at",
    "opened_at",
    "height",
    "status",
];

/// `object`'s fields in `order`, then the others in [`FIELD_RANK`] order, then by name.
pub(crate) fn ordered<'a>(
    object: &'a serde_json::Map<String, serde_json::Value>,
    order: &[&str],
) -> Vec<(&'a String, &'a serde_json::Value)> {
    let rank = |name: &str| {
        order.iter().position(|known| *known == name).unwrap_or_else(|| {
            order.len()
                + FIELD_RANK.iter().position(|known| *known == name).unwrap_or(FIELD_RANK.len())
        })
    };
    let mut fields: Vec<_> = object.iter().collect();
    fields.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    fields
}

impl Kind {
    /// Whether its ids are numbers (`grant:7`), not texts (`org:xm-gaj`).
    pub(crate) fn numbered(self) -> bool {
        !matches!(
            self.kind,
            RecordKind::Org
                | RecordKind::Member
                | RecordKind::CatalogEntry
                | RecordKind::Certificate
                | RecordKind::Product
        )
    }

    /// `value` with the fields of [`Kind::renames`] renamed, at any depth.
    pub(crate) fn renamed(self, value: serde_json::Value) -> serde_json::Value {
        if self.renames.is_empty() {
            return value;
        }
        rename_fields(value, self.renames)
    }
}

/// `value` with every field named as the first of a pair of `renames` named as its second, at
/// any depth.
pub(crate) fn rename_fields(
    value: serde_json::Value,
    renames: &[(&str, &str)],
) -> serde_json::Value {
    match value {
        serde_json::Value::Object(object) => serde_json::Value::Object(
            object
                .into_iter()
                .map(|(name, item)| {
                    let name = renames
                        .iter()
                        .find(|(from, _)| *from == name)
                        .map_or(name, |(_, to)| (*to).to_owned());
                    (name, rename_fields(item, renames))
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => serde_json::Value::Array(
            items.into_iter().map(|item| rename_fields(item, renames)).collect(),
        ),
        other => other,
    }
}

/// The kind whose record keys say `key_kind`.
pub(crate) fn by_key_kind(key_kind: &str) -> Option<Kind> {
    ALL.into_iter().find(|kind| kind.key_kind == key_kind)
}

/// The kind and id of a record key written `<kind>:<id>`, if the kind has pages.
pub(crate) fn of_key_text(text: &str) -> Option<(Kind, &str)> {
    let (kind, id) = text.split_once(':')?;
    Some((by_key_kind(kind)?, id))
}

/// The value at `pointer` in `value`, where a segment `-1` is a list's last item.
pub(crate) fn at<'a>(value: &'a serde_json::Value, pointer: &str) -> &'a serde_json::Value {
    let mut here = value;
    for segment in pointer.split('/').filter(|segment| !segment.is_empty()) {
        here = match (here, segment) {
            (serde_json::Value::Array(items), "-1") => {
                items.last().unwrap_or(&serde_json::Value::Null)
            }
            (serde_json::Value::Array(items), index) => index
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .unwrap_or(&serde_json::Value::Null),
            (serde_json::Value::Object(map), name) => {
                map.get(name).unwrap_or(&serde_json::Value::Null)
            }
            _ => &serde_json::Value::Null,
        };
    }
    here
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_kind_of_the_port_in_its_order() {
        let kinds: Vec<RecordKind> = ALL.iter().map(|kind| kind.kind).collect();

        assert_eq!(kinds, RecordKind::ALL);
    }

    #[test]
    fn fields_follow_the_kind_then_the_general_rank() {
        let object = serde_json::json!({"status": 1, "zeta": 2, "id": 3, "org": 4});
        let object = object.as_object().unwrap();

        let names: Vec<&str> = ordered(object, &["org"]).iter().map(|(n, _)| n.as_str()).collect();

        assert_eq!(names, ["org", "id", "status", "zeta"]);
    }

    #[test]
    fn a_pointer_reads_the_last_item_of_a_list() {
        let value = serde_json::json!({"versions": [{"n": 1}, {"n": 2}]});

        assert_eq!(at(&value, "/versions/-1/n"), 2);
        assert_eq!(at(&value, "/versions/0/n"), 1);
        assert!(at(&value, "/nothing/here").is_null());
    }
}
