//! The kinds of record the explorer has pages for: where each lives, what its key is called, the
//! columns of its list, the order a clerk reads its fields in, and the node's API route it is
//! read from. Each is read from the kind's row of the kind table (`onebook_types::record_kind`);
//! this file adds only what is the explorer's own: the path of its pages where it is not the last
//! segment of the API's route, labels of its fields that differ from the general ones, and fields
//! read under another name. The labels of the fields and values are in `i18n`.

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

/// Pairs of names: a field and its label, or a field and the name it is read under.
type Pairs = &'static [(&'static str, &'static str)];

impl Kind {
    /// The explorer's view of `kind`, from its row of the kind table.
    pub(crate) const fn of(kind: RecordKind) -> Self {
        let spec = kind.spec();
        let (labels, renames): (Pairs, Pairs) = match kind {
            RecordKind::Org => (&[("parent", "ui.parent_org")], &[]),
            RecordKind::Certificate => (&[("parent", "ui.parent_certificate")], &[]),
            RecordKind::Scenario | RecordKind::Product => (&[], &[("grant", "development_grant")]),
            RecordKind::PublishedReport => {
                (&[("scope", "ui.report_scope"), ("published_at", "ui.report_published_time")], &[])
            }
            _ => (&[], &[]),
        };
        let path = match kind {
            RecordKind::CatalogEntry => "catalog",
            _ => last_segment(spec.route),
        };
        Self {
            kind,
            path,
            key_kind: spec.key_name,
            columns: spec.columns,
            order: spec.order,
            api: spec.route,
            labels,
            renames,
        }
    }
}

/// The part of `route` after its last `/`.
const fn last_segment(route: &'static str) -> &'static str {
    let bytes = route.as_bytes();
    let mut start = bytes.len();
    while start > 0 && bytes[start - 1] != b'/' {
        start -= 1;
    }
    let (_, segment) = route.split_at(start);
    segment
}

pub(crate) const ORG: Kind = Kind::of(RecordKind::Org);
pub(crate) const MEMBER: Kind = Kind::of(RecordKind::Member);
pub(crate) const PROPOSAL: Kind = Kind::of(RecordKind::Proposal);
pub(crate) const CATALOG_ENTRY: Kind = Kind::of(RecordKind::CatalogEntry);
pub(crate) const RESOURCE: Kind = Kind::of(RecordKind::Resource);
pub(crate) const SHARE_REQUEST: Kind = Kind::of(RecordKind::ShareRequest);
pub(crate) const GRANT: Kind = Kind::of(RecordKind::Grant);
pub(crate) const ACCESS_EVENT: Kind = Kind::of(RecordKind::AccessEvent);
pub(crate) const VIOLATION: Kind = Kind::of(RecordKind::Violation);
pub(crate) const QUALITY_REPORT: Kind = Kind::of(RecordKind::QualityReport);
pub(crate) const APPLICATION: Kind = Kind::of(RecordKind::Application);
pub(crate) const OBJECTION: Kind = Kind::of(RecordKind::Objection);
pub(crate) const CERTIFICATE: Kind = Kind::of(RecordKind::Certificate);
pub(crate) const OBLIGATION: Kind = Kind::of(RecordKind::Obligation);
pub(crate) const GRANT_CLOSE_OUT: Kind = Kind::of(RecordKind::GrantCloseOut);
pub(crate) const OPEN_DATA_PLAN: Kind = Kind::of(RecordKind::OpenDataPlan);
pub(crate) const SCENARIO: Kind = Kind::of(RecordKind::Scenario);
pub(crate) const DEVELOPMENT_GRANT: Kind = Kind::of(RecordKind::DevelopmentGrant);
pub(crate) const PRODUCT: Kind = Kind::of(RecordKind::Product);

/// Every kind, in the order of [`RecordKind::ALL`].
pub(crate) const ALL: [Kind; RecordKind::ALL.len()] = {
    let mut all = [ORG; RecordKind::ALL.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = Kind::of(RecordKind::ALL[i]);
        i += 1;
    }
    all
};

/// The path of the pages of `kind`: `grants` for `/grants` and `/grants/1`.
pub fn page_path(kind: RecordKind) -> &'static str {
    Kind::of(kind).path
}

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
        matches!(self.kind.spec().id, onebook_types::record_kind::IdForm::Number)
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
