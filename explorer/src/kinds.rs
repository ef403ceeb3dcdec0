//! The kinds of record the explorer has pages for: where each lives, what its key is called, and
//! the columns of its list.

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
};

/// Every kind, in the order of [`RecordKind::ALL`].
pub(crate) const ALL: [Kind; 14] = [
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
];

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
    fn a_pointer_reads_the_last_item_of_a_list() {
        let value = serde_json::json!({"versions": [{"n": 1}, {"n": 2}]});

        assert_eq!(at(&value, "/versions/-1/n"), 2);
        assert_eq!(at(&value, "/versions/0/n"), 1);
        assert!(at(&value, "/nothing/here").is_null());
    }
}
