//! Listing indexes: which records of a kind exist at a height, by org and by status.
//!
//! Each record of a listed kind carries a few *terms*: its kind, each org it names (the kind's
//! org fields, below), its status, and each org paired with the status. The `record_index`
//! column family holds, for every term, one entry per height at which the record entered or
//! left the term:
//!
//! ```text
//! term || sort_id || height  ->  0x01 || borsh(RecordKey)   (holds the term from this height)
//!                             ->  0x00                      (no longer holds it)
//! ```
//!
//! So a prefix scan of a term, keeping per record the last entry at or below a height, lists the
//! records that held the term at that height, in id order. The entries are written in the block's
//! own write batch, beside the record versions they describe.
//!
//! Which orgs a record names, its status and the records it hangs under are given by its kind's
//! row of the kind table (`onebook_types::record_kind`, [`RecordKind::attributes`]): the fields
//! of [`KindSpec::orgs`](onebook_types::record_kind::KindSpec::orgs), one of its
//! [`RecordKind::statuses`] and the records of its [`RecordKind::under_kinds`].
//!
//! A record between two orgs (a share request, grant, quality report or certificate) also holds
//! a *side* term per org: `kind || 'v' || org` for its provider (a certificate's issuer) and
//! `kind || 'y' || org` for the other party (requester, grantee, reporter, holder), so that "the
//! grants an org gave" and "the grants it received" are listings (and counts) of their own.
//!
//! A record of some kinds also hangs *under* another record (a resource under its catalog
//! entry, a product under its development grant and each resource it was built from), and holds
//! the term of that record's key, so the records under one record are a listing of their own,
//! however many records of the kind there are.

pub use onebook_types::record_kind::RecordKind;
use onebook_types::{
    codec,
    ids::OrgId,
    limits::ID_BYTES_MAX,
    record::RecordKey,
    record_kind::{IdForm, RecordId},
};

/// The cursor of a listing of `kind` that starts after `key`, as [`RecordPage::next`] gives it
/// after a page ending at `key`.
pub fn cursor_after(kind: RecordKind, key: &RecordKey) -> Vec<u8> {
    cursor(kind, key)
}

/// Whether `cursor` (as [`RecordPage::next`] gives it) belongs to a list of `kind`.
pub fn cursor_is_well_formed(kind: RecordKind, cursor: &[u8]) -> bool {
    let Some((&byte, sort_id)) = cursor.split_first() else { return false };
    byte == kind as u8 && sort_id_is_well_formed(kind, sort_id)
}

/// What a listing keeps of a kind's records. `org` and `status` may both be set; `under` is a
/// listing of its own, and when it is set the other two are not looked at; so is `side` with
/// `org`, when `status` is not looked at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only records naming this org (see the module doc for which fields count).
    pub org: Option<OrgId>,
    /// Only records in this status (one of [`RecordKind::statuses`]).
    pub status: Option<String>,
    /// Only records under this record (see the module doc; [`RecordKind::under_kind`]).
    pub under: Option<RecordKey>,
    /// With `org`: only records naming it on this side (see [`Side`]).
    pub side: Option<Side>,
}

/// Which of the two orgs of a record between two orgs: the provider (of a share request, grant
/// or quality report; a certificate's issuer) or the other party (the requester, grantee,
/// reporter; a certificate's holder).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The provider, or a certificate's issuer.
    Provider,
    /// The requester, grantee or reporter, or a certificate's holder.
    Party,
}

impl ListFilter {
    /// Whether the record of `key`, whose value is `value`, is in the listing of `kind` under
    /// this filter, by the terms the index gives it. A listing reads the index; this keeps a
    /// second filter over what a listing read (the records under one record that also name an
    /// org).
    pub fn admits(&self, kind: RecordKind, key: &RecordKey, value: &[u8]) -> bool {
        terms(key, value).contains(&term(kind, self))
    }
}

/// A page of records and the cursor for the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordPage {
    /// The records, in id order, with their value bytes at the height asked.
    pub records: Vec<(RecordKey, Vec<u8>)>,
    /// Pass as `after` to get the next page; `None` at the end.
    pub next: Option<Vec<u8>>,
}

/// The index term of `kind` under `filter`: the prefix every entry of the listing starts with.
pub(crate) fn term(kind: RecordKind, filter: &ListFilter) -> Vec<u8> {
    if let Some(under) = &filter.under {
        return under_term(kind, under);
    }
    match (&filter.org, &filter.side) {
        (Some(org), Some(Side::Provider)) => return tagged(kind, b'v', &[org.as_str()]),
        (Some(org), Some(Side::Party)) => return tagged(kind, b'y', &[org.as_str()]),
        _ => {}
    }
    match (&filter.org, &filter.status) {
        (None, None) => vec![kind as u8, b'k'],
        (Some(org), None) => tagged(kind, b'o', &[org.as_str()]),
        (None, Some(status)) => tagged(kind, b's', &[status]),
        (Some(org), Some(status)) => tagged(kind, b'b', &[org.as_str(), status]),
    }
}

/// The terms whose listing entries a listing of `kind` under `filter` reads: the filter's
/// [`term`], or, for an org listing of a kind between two orgs, the org's two side terms, whose
/// union it is (ADR 0044).
pub(crate) fn listing_terms(kind: RecordKind, filter: &ListFilter) -> Vec<Vec<u8>> {
    let listed = term(kind, filter);
    if is_stored(&listed) {
        return vec![listed];
    }
    [Side::Provider, Side::Party]
        .map(|side| {
            let filter =
                ListFilter { org: filter.org.clone(), side: Some(side), ..ListFilter::default() };
            term(kind, &filter)
        })
        .to_vec()
}

/// Whether the listing entries of `term` are stored: those of every term but the org term
/// (`o`) of a kind between two orgs, which the two side terms hold between them (ADR 0044). Its
/// count is stored like any term's (which terms have timed entries: `aggregates::has_timed`).
pub(crate) fn is_stored(term: &[u8]) -> bool {
    match term {
        [kind, b'o', ..] => {
            !RecordKind::ALL.into_iter().any(|sided| sided as u8 == *kind && has_sides(sided))
        }
        _ => true,
    }
}

/// The term of the records of `kind` under the record of `under`.
fn under_term(kind: RecordKind, under: &RecordKey) -> Vec<u8> {
    let mut term = vec![kind as u8, b'u'];
    term.extend_from_slice(&under.encode());
    term
}

/// Whether the records of `kind` are between two orgs, a provider and another party, and so
/// hold a [`Side`] term per org: share requests, grants, quality reports and certificates.
pub const fn has_sides(kind: RecordKind) -> bool {
    kind.spec().sides
}

/// The terms a record of `key` with `value` holds; none for kinds that are not listed. A value
/// that does not decode as its kind (only synthetic test chains write such) holds the kind term
/// alone.
pub(crate) fn terms(key: &RecordKey, value: &[u8]) -> Vec<Vec<u8>> {
    let Some(kind) = RecordKind::of(key) else { return Vec::new() };
    let mut terms = vec![term(kind, &ListFilter::default())];
    let Some(attributes) = RecordKind::attributes(key, value) else {
        tracing::debug!(?key, "record value does not decode; listed by kind only");
        return terms;
    };
    let (orgs, status, under) = (attributes.orgs, attributes.status, attributes.under);
    // The terms `term` gives for the filters of this record, built without the filters.
    // The kinds between two orgs name the other party first and the provider second.
    if let (true, [party, provider]) = (has_sides(kind), orgs.as_slice()) {
        terms.push(tagged(kind, b'y', &[party.as_str()]));
        terms.push(tagged(kind, b'v', &[provider.as_str()]));
    }
    for org in &orgs {
        terms.push(tagged(kind, b'o', &[org.as_str()]));
    }
    if let Some(status) = status {
        terms.push(tagged(kind, b's', &[status]));
        for org in &orgs {
            terms.push(tagged(kind, b'b', &[org.as_str(), status]));
        }
    }
    for under in &under {
        terms.push(under_term(kind, under));
    }
    terms.sort();
    terms.dedup();
    terms
}

/// The part of an index key after the term: the record's id in an order-preserving form.
/// Numbers are big-endian, keys and hashes their bytes, text ids their bytes and a zero byte
/// (text ids hold no zero byte, so one id's entries are never interleaved with another's).
pub(crate) fn sort_id(key: &RecordKey) -> Vec<u8> {
    match RecordKind::id_of(key) {
        Some((_, RecordId::Number(number))) => number.to_be_bytes().to_vec(),
        Some((_, RecordId::Hex32(bytes))) => bytes.to_vec(),
        Some((_, RecordId::Text(id))) => {
            let mut bytes = id.as_bytes().to_vec();
            bytes.push(0);
            bytes
        }
        // Not listed; `terms` gives them no entry, so this is never stored.
        None => key.encode(),
    }
}

/// The cursor after `key` in a listing of `kind`: the kind's byte, then the record's sort id.
pub(crate) fn cursor(kind: RecordKind, key: &RecordKey) -> Vec<u8> {
    let mut cursor = vec![kind as u8];
    cursor.extend_from_slice(&sort_id(key));
    cursor
}

/// The value of an entry marking that the record holds the term from its height on.
pub(crate) fn present(key: &RecordKey) -> Vec<u8> {
    let mut value = vec![1];
    value.extend_from_slice(&key.encode());
    value
}

/// The value of an entry marking that the record no longer holds the term.
pub(crate) const ABSENT: [u8; 1] = [0];

/// The record key an entry's value names, if the entry marks presence.
pub(crate) fn named_key(value: &[u8]) -> Option<Result<RecordKey, codec::DecodeError>> {
    match value.split_first() {
        Some((1, key)) => Some(RecordKey::decode(key)),
        _ => None,
    }
}

fn tagged(kind: RecordKind, tag: u8, parts: &[&str]) -> Vec<u8> {
    let mut term = vec![kind as u8, tag];
    for part in parts {
        // Org ids and status names are at most ID_BYTES_MAX bytes, so the length fits a byte;
        // longer text is cut to keep the key bounded (an unknown org then matches nothing).
        let bytes = &part.as_bytes()[..part.len().min(ID_BYTES_MAX)];
        term.push(u8::try_from(bytes.len()).expect("ID_BYTES_MAX fits a byte"));
        term.extend_from_slice(bytes);
    }
    term
}

fn sort_id_is_well_formed(kind: RecordKind, sort_id: &[u8]) -> bool {
    match kind.spec().id {
        IdForm::Text { .. } => {
            matches!(sort_id.split_last(), Some((0, text))
                if !text.is_empty() && text.len() <= ID_BYTES_MAX && !text.contains(&0))
        }
        IdForm::Hex32 { .. } => sort_id.len() == 32,
        IdForm::Number => sort_id.len() == 8,
    }
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        catalog_records::Resource,
        consortium::{Member, MemberStatus},
        hash::Hash32,
        ids::Height,
        keys::PublicKey,
    };

    use super::*;
    use crate::{RecordChange, StorageError, Store, StoreConfig, Tip};

    fn member(n: u8, org: &str, status: MemberStatus) -> (RecordKey, Vec<u8>) {
        let key = PublicKey([n; 32]);
        let member = Member { key, org: org.into(), name: format!("m{n}"), roles: vec![], status };
        (RecordKey::Member(key), codec::encode(&member))
    }

    fn commit(store: &Store, records: Vec<(RecordKey, Vec<u8>)>) -> Tip {
        let changes =
            records.into_iter().map(|(key, value)| RecordChange { key, value: Some(value) });
        crate::testing::commit_changes(store, changes.collect())
    }

    fn keys(page: &RecordPage) -> Vec<RecordKey> {
        page.records.iter().map(|(key, _)| key.clone()).collect()
    }

    fn list(store: &Store, org: Option<&str>, status: Option<&str>, height: u64) -> Vec<RecordKey> {
        let filter = ListFilter {
            org: org.map(OrgId::from),
            status: status.map(str::to_owned),
            ..ListFilter::default()
        };
        keys(
            &store
                .list_records(RecordKind::Member, &filter, Height(height), None, 100)
                .expect("list"),
        )
    }

    /// Two members of `a` and one of `b` at genesis; at height 1 the first is revoked.
    fn store(dir: &tempfile::TempDir) -> Store {
        let store = Store::open(&StoreConfig::new(dir.path())).expect("open");
        let genesis = vec![
            member(1, "a", MemberStatus::Active),
            member(2, "a", MemberStatus::Active),
            member(3, "b", MemberStatus::Active),
        ];
        let changes =
            genesis.into_iter().map(|(key, value)| RecordChange { key, value: Some(value) });
        store.init_genesis(Hash32([1; 32]), changes.collect()).expect("genesis");
        commit(&store, vec![member(1, "a", MemberStatus::Revoked)]);
        store
    }

    fn resource(id: u64, entry: &str) -> (RecordKey, Vec<u8>) {
        let resource = Resource {
            id: onebook_types::ids::ResourceId(id),
            entry: entry.into(),
            provider: "a".into(),
            entry_version: 1,
            system: "a-sys".into(),
            snapshot_digest: Hash32([id as u8; 32]),
            record_count: 1,
            items: vec![],
            authoritative: false,
            registered_at: Height(0),
            updated_at: Height(0),
        };
        (RecordKey::Resource(resource.id), codec::encode(&resource))
    }

    fn under(store: &Store, kind: RecordKind, key: &RecordKey, height: u64) -> Vec<RecordKey> {
        let filter = ListFilter { under: Some(key.clone()), ..ListFilter::default() };
        keys(&store.list_records(kind, &filter, Height(height), None, 100).expect("list"))
    }

    #[test]
    fn the_records_under_a_record_are_listed_as_of_the_height_asked() {
        let dir = tempfile::tempdir().expect("dir");
        let store = store(&dir);
        let [one, two, three] =
            [1, 2, 3].map(|n| RecordKey::Resource(onebook_types::ids::ResourceId(n)));
        let [first, second] = ["e-0001", "e-0002"].map(|code| RecordKey::CatalogEntry(code.into()));
        commit(&store, vec![resource(1, "e-0001"), resource(2, "e-0001"), resource(3, "e-0002")]);
        // At height 3 resource 2 is written under the other entry: it leaves the first's list.
        commit(&store, vec![resource(2, "e-0002")]);

        assert_eq!(under(&store, RecordKind::Resource, &first, 2), vec![one.clone(), two.clone()]);
        assert_eq!(under(&store, RecordKind::Resource, &second, 2), vec![three.clone()]);
        assert_eq!(under(&store, RecordKind::Resource, &first, 3), vec![one]);
        assert_eq!(under(&store, RecordKind::Resource, &second, 3), vec![two, three]);
        assert!(under(&store, RecordKind::Resource, &first, 1).is_empty(), "none before");
        assert!(under(&store, RecordKind::Grant, &first, 3).is_empty(), "another kind's list");
    }

    #[test]
    fn a_filter_admits_the_records_its_listing_holds() {
        let (key, value) = member(1, "a", MemberStatus::Active);
        let filter = |org: Option<&str>, status: Option<&str>| ListFilter {
            org: org.map(OrgId::from),
            status: status.map(str::to_owned),
            ..ListFilter::default()
        };

        let admitted =
            [filter(None, None), filter(Some("a"), None), filter(Some("a"), Some("active"))]
                .map(|filter| filter.admits(RecordKind::Member, &key, &value));
        let refused = [filter(Some("b"), None), filter(None, Some("revoked"))]
            .map(|filter| filter.admits(RecordKind::Member, &key, &value));
        let other_kind = filter(None, None).admits(RecordKind::Grant, &key, &value);

        assert_eq!(admitted, [true; 3]);
        assert_eq!(refused, [false; 2]);
        assert!(!other_kind, "a member is in no listing of grants");
    }

    #[test]
    fn a_record_holds_exactly_the_terms_of_the_filters_that_list_it() {
        // A share request between two orgs, with a status: every kind of term but `under`
        // (a resource, which hangs under its entry, gives that one).
        let request = onebook_types::sharing_records::ShareRequest {
            id: onebook_types::ids::ShareRequestId(7),
            requester_org: "req".into(),
            requester: PublicKey([7; 32]),
            entry: "e-0001".into(),
            provider: "prov".into(),
            items: vec!["name".into()],
            purpose: "audit".into(),
            legal_duty: "dsl-38".into(),
            starts: onebook_types::time::Date(1),
            ends: onebook_types::time::Date(2),
            requested_at: onebook_types::ids::Timestamp(3),
            status: onebook_types::sharing_records::ShareStatus::Withdrawn,
            exception: false,
        };
        let key = RecordKey::ShareRequest(request.id);
        let (resource_key, resource) = resource(4, "e-0001");
        let org =
            |org: &str, side| ListFilter { org: Some(org.into()), side, ..ListFilter::default() };
        let status = |org: Option<&str>| ListFilter {
            org: org.map(OrgId::from),
            status: Some("withdrawn".into()),
            ..ListFilter::default()
        };
        let filters = [
            ListFilter::default(),
            org("req", None),
            org("prov", None),
            org("req", Some(Side::Party)),
            org("prov", Some(Side::Provider)),
            status(None),
            status(Some("req")),
            status(Some("prov")),
        ];
        let mut expected: Vec<Vec<u8>> =
            filters.iter().map(|filter| term(RecordKind::ShareRequest, filter)).collect();
        expected.sort();
        let entry = RecordKey::CatalogEntry("e-0001".into());
        let under = ListFilter { under: Some(entry), ..ListFilter::default() };
        let resource_filters = [ListFilter::default(), org("a", None), under];
        let mut resource_expected: Vec<Vec<u8>> =
            resource_filters.iter().map(|filter| term(RecordKind::Resource, filter)).collect();
        resource_expected.sort();

        assert_eq!(terms(&key, &codec::encode(&request)), expected);
        assert_eq!(terms(&resource_key, &resource), resource_expected);
    }

    #[test]
    fn every_kind_with_an_under_record_hangs_under_a_listed_kind() {
        for kind in RecordKind::ALL {
            if let Some(parent) = kind.under_kind() {
                assert!(RecordKind::ALL.contains(&parent), "{kind:?}");
            }
        }
        let hanging: Vec<_> =
            RecordKind::ALL.into_iter().filter(|k| k.under_kind().is_some()).collect();
        assert_eq!(hanging.len(), 10);
        for kind in RecordKind::ALL {
            for parent in kind.under_kinds() {
                assert!(RecordKind::ALL.contains(parent), "{kind:?}");
            }
        }
    }

    #[test]
    fn a_listing_keeps_the_records_that_held_the_term_at_the_height_asked() {
        let dir = tempfile::tempdir().expect("dir");
        let store = store(&dir);
        let [one, two, three] = [1, 2, 3].map(|n| RecordKey::Member(PublicKey([n; 32])));

        let all = list(&store, None, None, 1);
        let of_a = list(&store, Some("a"), None, 1);
        let active_then = list(&store, Some("a"), Some("active"), 0);
        let active_now = list(&store, Some("a"), Some("active"), 1);
        let revoked_now = list(&store, None, Some("revoked"), 1);

        assert_eq!(all, vec![one.clone(), two.clone(), three]);
        assert_eq!(of_a, vec![one.clone(), two.clone()]);
        assert_eq!(active_then, vec![one.clone(), two.clone()]);
        assert_eq!(active_now, vec![two]);
        assert_eq!(revoked_now, vec![one]);
    }

    #[test]
    fn pages_follow_their_cursor_and_a_foreign_cursor_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let store = store(&dir);
        let filter = ListFilter::default();

        let first =
            store.list_records(RecordKind::Member, &filter, Height(1), None, 2).expect("list");
        let cursor = first.next.clone().expect("a next page");
        let second = store
            .list_records(RecordKind::Member, &filter, Height(1), Some(&cursor), 2)
            .expect("list");
        let foreign = store.list_records(RecordKind::Grant, &filter, Height(1), Some(&cursor), 2);

        assert_eq!(first.records.len(), 2);
        assert_eq!(keys(&second), vec![RecordKey::Member(PublicKey([3; 32]))]);
        assert_eq!(second.next, None);
        assert!(matches!(foreign, Err(StorageError::InvalidCursor)));
    }

    #[test]
    fn a_store_of_an_earlier_or_unknown_schema_is_refused_with_both_versions() {
        // 3: before history roots, which this release cannot read; 12: a later release's.
        for found in [3u32, 12] {
            let dir = tempfile::tempdir().expect("dir");
            drop(store(&dir));
            {
                let db = rocksdb::DB::open_cf(
                    &rocksdb::Options::default(),
                    dir.path(),
                    crate::keys::COLUMN_FAMILIES,
                )
                .expect("raw open");
                let meta = db.cf_handle(crate::keys::META).expect("meta");
                db.put_cf(meta, crate::keys::META_SCHEMA, found.to_be_bytes()).expect("mark");
            }

            let error = Store::open(&StoreConfig::new(dir.path())).expect_err("refused");

            let supported = crate::keys::SCHEMA_VERSION;
            assert_eq!(supported, 11);
            assert!(
                matches!(&error, StorageError::UnsupportedSchema { supported: s, found: f }
                    if *s == supported && *f == found.to_be_bytes()),
                "{error}"
            );
            assert!(error.to_string().contains(&format!("not version {supported}")), "{error}");
        }
    }
}
