//! The kinds of record readers list and look up, and the one table that describes each.
//!
//! A kind's row ([`KindSpec`], in `record_kind/table.rs`) is read by everything that treats
//! records by kind: the store's listing index (the orgs, status and parent records of a record,
//! and the form of its id), the read port (statuses, parents, the REST route a client reads),
//! the REST API (the id in a path, the name in "not found") and the explorer (labels, the order
//! of fields, the columns of a list). Adding a kind means a `RecordKind` variant, its line in
//! [`RecordKind::ALL`] and [`RecordKind::id_of`], and its row; the test
//! `tests/it/record_kinds.rs` names whatever else a new kind still lacks (a route in the
//! OpenAPI document, a label).

mod table;

use crate::{codec, ids::OrgId, limits::RECORD_BYTES_MAX, record::RecordKey};

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
        Self::id_of(key).map(|(kind, _)| kind)
    }

    /// The kind and id of `key`, if records of its kind are listed: the id printer of every
    /// kind (its [`RecordId`] writes it as a path or a record key's text does).
    pub fn id_of(key: &RecordKey) -> Option<(Self, RecordId<'_>)> {
        use RecordId::{Hex32, Number, Text};
        Some(match key {
            RecordKey::Org(id) => (Self::Org, Text(id.as_str())),
            RecordKey::Member(key) => (Self::Member, Hex32(&key.0)),
            RecordKey::Proposal(id) => (Self::Proposal, Number(id.0)),
            RecordKey::CatalogEntry(code) => (Self::CatalogEntry, Text(code.as_str())),
            RecordKey::Resource(id) => (Self::Resource, Number(id.0)),
            RecordKey::ShareRequest(id) => (Self::ShareRequest, Number(id.0)),
            RecordKey::Grant(id) => (Self::Grant, Number(id.0)),
            RecordKey::AccessEvent(id) => (Self::AccessEvent, Number(id.0)),
            RecordKey::Violation(id) => (Self::Violation, Number(id.0)),
            RecordKey::QualityReport(id) => (Self::QualityReport, Number(id.0)),
            RecordKey::Application(id) => (Self::Application, Number(id.0)),
            RecordKey::Objection(id) => (Self::Objection, Number(id.0)),
            RecordKey::Certificate(number) => (Self::Certificate, Text(number.as_str())),
            RecordKey::Obligation(id) => (Self::Obligation, Number(id.0)),
            RecordKey::GrantCloseOut(id) => (Self::GrantCloseOut, Number(id.0)),
            RecordKey::OpenDataPlan(id) => (Self::OpenDataPlan, Number(id.0)),
            RecordKey::Scenario(id) => (Self::Scenario, Number(id.0)),
            RecordKey::DevelopmentGrant(id) => (Self::DevelopmentGrant, Number(id.0)),
            RecordKey::Product(digest) => (Self::Product, Hex32(&digest.0)),
            RecordKey::PublishedReport(id) => (Self::PublishedReport, Number(id.0)),
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

    /// The kind's row of the table.
    pub const fn spec(self) -> &'static KindSpec {
        &table::TABLE[self as usize - 1]
    }

    /// The kind whose record keys name it `key_name` (`share_request`), if one does.
    pub fn by_key_name(key_name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.spec().key_name == key_name)
    }

    /// The kind's name in English words, as refusals and "not found" answers write it
    /// ("catalog entry").
    pub const fn name(self) -> &'static str {
        self.spec().name
    }

    /// The kind's name in a record key's text (`share_request` in `share_request:7`): the
    /// serde name of its [`RecordKey`] variant.
    pub const fn key_name(self) -> &'static str {
        self.spec().key_name
    }

    /// The status names the kind is indexed by (empty if it has none).
    pub const fn statuses(self) -> &'static [&'static str] {
        self.spec().statuses
    }

    /// The kinds of record a record of this kind hangs under, if it hangs under any: the
    /// records under one record are a listing of their own. A product hangs under its
    /// development grant and under each resource it was built from.
    pub const fn under_kinds(self) -> &'static [Self] {
        self.spec().under
    }

    /// The first kind of record a record of this kind hangs under, if it hangs under one (see
    /// [`under_kinds`](Self::under_kinds)).
    pub const fn under_kind(self) -> Option<Self> {
        match self.under_kinds() {
            [first, ..] => Some(*first),
            [] => None,
        }
    }

    /// The key of the record of this kind whose id, as a REST path or a record key's text
    /// writes it, is `id`: a number, 64 hex digits, or a text id taken as it is (the id rule of
    /// a text id is checked where the record is read, naming the parameter that carried it).
    pub fn key(self, id: &str) -> Result<RecordKey, KindIdError> {
        (self.spec().key)(id)
    }

    /// The orgs the record of `key` with `value` names, its status and the records it hangs
    /// under, by its kind's row; `None` for a key of no kind or a value that does not decode as
    /// its kind.
    pub fn attributes(key: &RecordKey, value: &[u8]) -> Option<Attributes> {
        (Self::of(key)?.spec().attributes)(key, value)
    }
}

/// One kind's row of the table: everything about the kind that is data, and the one function
/// that reads a record of it for the listing index.
#[derive(Clone, Copy, Debug)]
pub struct KindSpec {
    /// The kind.
    pub kind: RecordKind,
    /// Its name in English words, as refusals and "not found" answers write it.
    pub name: &'static str,
    /// Its name in a record key's text, the serde name of its [`RecordKey`] variant
    /// (`share_request`); also `{kind}` of `GET /v1/counts/{kind}`.
    pub key_name: &'static str,
    /// The REST API's route of its records: `{route}` lists them, `{route}/{id}` reads one.
    pub route: &'static str,
    /// The form of its ids.
    pub id: IdForm,
    /// The id parser: the key of the record of this kind with the id `id` as text.
    pub key: fn(&str) -> Result<RecordKey, KindIdError>,
    /// The names of its statuses, as its JSON spells them and its listing is filtered by, in the
    /// order its status type declares them (empty if its list has no status filter).
    pub statuses: &'static [&'static str],
    /// The fields of its records that name the orgs it concerns, as its JSON names them, in the
    /// order the index gives them; a kind between two orgs names the other party, then the
    /// provider.
    pub orgs: &'static [&'static str],
    /// Whether it is between two orgs, a provider (or issuer) and another party, each listed
    /// on its side.
    pub sides: bool,
    /// The kinds of record it hangs under.
    pub under: &'static [RecordKind],
    /// Its label in Simplified Chinese and in English.
    pub labels: (&'static str, &'static str),
    /// Its fields in the order a clerk reads them on its page; the fields not listed follow in
    /// the explorer's general order.
    pub order: &'static [&'static str],
    /// The columns of its list: a field name and its place in the record's JSON (a segment `-1`
    /// is a list's last item), or after `@` in the view around the record.
    pub columns: &'static [(&'static str, &'static str)],
    /// The orgs, status and parent records of a record of this kind with the value bytes
    /// `value`; `None` if `value` does not decode as the kind.
    pub attributes: fn(&RecordKey, &[u8]) -> Option<Attributes>,
}

/// The form of a kind's ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdForm {
    /// A number; sorted as 8 bytes, big-endian.
    Number,
    /// 32 bytes, written as 64 hex digits: a member's key, a product's digest.
    Hex32 {
        /// The path parameter that carries it (`key`).
        param: &'static str,
        /// What it is, in words (`member key`).
        what: &'static str,
    },
    /// A text id under the id rule: an org id, a catalog code, a certificate number; sorted as
    /// its bytes and a zero byte.
    Text {
        /// The path parameter that carries it (`code`).
        param: &'static str,
        /// What it is, in words (`catalog code`).
        what: &'static str,
        /// An id of the form, for messages that show one.
        example: &'static str,
    },
}

/// The id of a record of a listed kind, borrowed from its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordId<'a> {
    /// A number.
    Number(u64),
    /// A key or digest.
    Hex32(&'a [u8; 32]),
    /// A text id.
    Text(&'a str),
}

impl std::fmt::Display for RecordId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(number) => write!(f, "{number}"),
            Self::Hex32(bytes) => f.write_str(&hex::encode(bytes)),
            Self::Text(text) => f.write_str(text),
        }
    }
}

/// What the index keeps of one record: the orgs it names, its status name and the records it
/// hangs under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attributes {
    /// The orgs it names, in the order of [`KindSpec::orgs`] (an absent org is left out).
    pub orgs: Vec<OrgId>,
    /// Its status, one of [`KindSpec::statuses`].
    pub status: Option<&'static str>,
    /// The records it hangs under.
    pub under: Vec<RecordKey>,
}

/// Why a text is not the id of a record of a kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KindIdError {
    /// A numbered kind's id that is not a number.
    #[error("{kind} id {id:?} is not a number")]
    NotANumber {
        /// The kind's name.
        kind: &'static str,
        /// The text given.
        id: String,
    },
    /// A key or digest that is not 64 hex digits.
    #[error("{what} {id:?} is not 64 hex characters")]
    NotHex32 {
        /// What the id is (`member key`).
        what: &'static str,
        /// The text given.
        id: String,
    },
}

/// `id` as the number of a record of `kind`.
fn number(kind: RecordKind, id: &str) -> Result<u64, KindIdError> {
    id.parse().map_err(|_| KindIdError::NotANumber { kind: kind.name(), id: id.to_owned() })
}

/// `id` as the 32 bytes of a key or digest of a record of `kind`, from 64 hex digits.
fn hex32(kind: RecordKind, id: &str) -> Result<[u8; 32], KindIdError> {
    let what = match kind.spec().id {
        IdForm::Hex32 { what, .. } => what,
        IdForm::Number | IdForm::Text { .. } => kind.name(),
    };
    let mut bytes = [0; 32];
    hex::decode_to_slice(id, &mut bytes)
        .map_err(|_| KindIdError::NotHex32 { what, id: id.to_owned() })?;
    Ok(bytes)
}

/// The value bytes of a record, decoded as its type.
fn decode<T: borsh::BorshDeserialize>(value: &[u8]) -> Option<T> {
    codec::decode(value, RECORD_BYTES_MAX).ok()
}

/// The [`Attributes`] a row's function gives.
#[allow(clippy::unnecessary_wraps)] // every row's function answers an Option
fn found(
    orgs: Vec<OrgId>,
    status: Option<&'static str>,
    under: Vec<RecordKey>,
) -> Option<Attributes> {
    Some(Attributes { orgs, status, under })
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;

    use super::{IdForm, RecordId, RecordKind};
    use crate::{
        catalog_records::{CatalogStatus, ObligationStatus},
        consortium::{MemberStatus, OrgStatus},
        development_records::ScenarioStatus,
        hash::Hash32,
        ids::GrantId,
        keys::PublicKey,
        property_records::{ApplicationStatus, CertificateStatus, ObjectionStatus},
        quality_records::QualityStatus,
        record::RecordKey,
        records::ProposalStatus,
        sharing_records::{GrantStatus, ShareStatus, ViolationReason},
    };

    /// The names serde gives the variants of `T`, in their order: read from the error of a
    /// name no variant has, as a tagged enum (`{"status": ..}`) or a plain one.
    fn serde_names<T: DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let unknown = "\u{1}";
        let errors = [serde_json::json!({ "status": unknown }), serde_json::json!(unknown)]
            .map(|value| serde_json::from_value::<T>(value).expect_err("no variant is so named"));
        let error = errors
            .iter()
            .map(ToString::to_string)
            .find(|error| error.starts_with("unknown variant"))
            .expect("serde names the variants it knows");
        let expected = error.split("expected ").nth(1).expect("serde lists the variants");
        expected.split('`').skip(1).step_by(2).map(str::to_owned).collect()
    }

    #[test]
    fn the_table_has_one_row_per_kind_in_its_order() {
        for kind in RecordKind::ALL {
            assert_eq!(kind.spec().kind, kind, "the row of {kind:?}");
        }
    }

    #[test]
    fn status_names_are_the_serde_names_of_the_status_types() {
        // Kinds whose status is not a field of an enum type: it is derived from the record.
        let derived = [RecordKind::AccessEvent, RecordKind::GrantCloseOut];
        let typed: Vec<(RecordKind, Vec<String>)> = vec![
            (RecordKind::Org, serde_names::<OrgStatus>()),
            (RecordKind::Member, serde_names::<MemberStatus>()),
            (RecordKind::Proposal, serde_names::<ProposalStatus>()),
            (RecordKind::CatalogEntry, serde_names::<CatalogStatus>()),
            (RecordKind::ShareRequest, serde_names::<ShareStatus>()),
            (RecordKind::Grant, serde_names::<GrantStatus>()),
            (RecordKind::Violation, serde_names::<ViolationReason>()),
            (RecordKind::QualityReport, serde_names::<QualityStatus>()),
            (RecordKind::Application, serde_names::<ApplicationStatus>()),
            (RecordKind::Objection, serde_names::<ObjectionStatus>()),
            (RecordKind::Certificate, serde_names::<CertificateStatus>()),
            (RecordKind::Obligation, serde_names::<ObligationStatus>()),
            (RecordKind::Scenario, serde_names::<ScenarioStatus>()),
        ];

        for (kind, names) in &typed {
            assert_eq!(kind.statuses(), names.as_slice(), "the statuses of {kind:?}");
        }
        for kind in RecordKind::ALL {
            let named = typed.iter().any(|(typed, _)| *typed == kind) || derived.contains(&kind);
            assert!(
                kind.statuses().is_empty() || named,
                "{kind:?} has statuses: tie them to its status type in this test"
            );
        }
    }

    #[test]
    fn a_violation_is_filtered_by_every_reason_the_ledger_records() {
        let reasons: Vec<&str> =
            ViolationReason::ALL.iter().map(|reason| reason.as_str()).collect();
        assert_eq!(RecordKind::Violation.statuses(), reasons.as_slice());
    }

    #[test]
    fn key_names_are_the_serde_names_of_record_keys() {
        for kind in RecordKind::ALL {
            let id = match kind.spec().id {
                IdForm::Number => "7".to_owned(),
                IdForm::Hex32 { .. } => "ab".repeat(32),
                IdForm::Text { example, .. } => example.to_owned(),
            };

            let key = kind.key(&id).expect("a well-formed id");
            let json = serde_json::to_value(&key).expect("a key serializes");

            assert_eq!(json["kind"], kind.key_name(), "{kind:?}");
            assert_eq!(RecordKind::by_key_name(kind.key_name()), Some(kind));
            let (of, printed) = RecordKind::id_of(&key).expect("a listed kind");
            assert_eq!((of, printed.to_string()), (kind, id), "the id printer of {kind:?}");
        }
    }

    #[test]
    fn ids_parse_by_their_form_and_a_malformed_one_is_named() {
        let number = RecordKind::Grant.key("x1").expect_err("not a number");
        let key = RecordKind::Member.key("abc").expect_err("not hex");

        assert_eq!(RecordKind::GrantCloseOut.key("3"), Ok(RecordKey::GrantCloseOut(GrantId(3))));
        assert_eq!(
            RecordKind::Product.key(&"00".repeat(32)),
            Ok(RecordKey::Product(Hash32([0; 32])))
        );
        assert_eq!(number.to_string(), "grant id \"x1\" is not a number");
        assert_eq!(key.to_string(), "member key \"abc\" is not 64 hex characters");
        assert_eq!(
            RecordKind::id_of(&RecordKey::Member(PublicKey([1; 32]))),
            Some((RecordKind::Member, RecordId::Hex32(&[1; 32])))
        );
        assert_eq!(RecordKind::of(&RecordKey::Policy), None);
    }

    #[test]
    fn every_row_is_complete() {
        for kind in RecordKind::ALL {
            let spec = kind.spec();
            let (zh, en) = spec.labels;

            assert!(!spec.name.is_empty() && !zh.is_empty() && !en.is_empty(), "{kind:?}");
            assert!(spec.route.starts_with("/v1/"), "{kind:?}");
            assert!(!spec.orgs.is_empty() && !spec.order.is_empty(), "{kind:?}");
            assert!(!spec.columns.is_empty(), "{kind:?}");
            assert!(!spec.sides || spec.orgs.len() == 2, "{kind:?} is between two orgs");
        }
    }
}
