//! The view types: what a query answers, as the REST API writes it in JSON.

use onebook_types::{
    action::Action,
    block::{CommitCertificate, Event, Header},
    catalog_records::{CatalogEntry, ElementSource, Obligation, Resource},
    checkpoint::{CheckpointPolicy, ChildChain},
    consortium::{Member, Org, Policy, ProtocolUpgrade, Validator},
    development_records::{DevelopedProduct, DevelopmentGrant, DevelopmentScenario, OpenDataPlan},
    hash::Hash32,
    ids::{OrgId, ProtocolVersion},
    keys::PublicKey,
    lifecycle_records::{GrantCloseOut, GrantLineage, LifecyclePolicy},
    property_records::{Certificate, CertificateStanding, Objection, PropertyApplication},
    quality_records::QualityReport,
    record::RecordKey,
    records::Proposal,
    report_records::PublishedReport,
    sharing_records::{AccessEvent, Grant, ShareRequest, Violation},
};
use onebook_types::{
    codec::{self, DecodeError},
    limits::RECORD_BYTES_MAX,
};
use serde::{Deserialize, Serialize};

use crate::RecordKind;

/// The last committed block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TipView {
    /// Its height (0: genesis only).
    pub height: u64,
    /// Its header hash (the genesis hash at height 0).
    pub block_hash: Hash32,
    /// The state root after it.
    pub state_root: Hash32,
    /// Its block time in ms (0 at genesis, which has no header).
    pub time: u64,
}

/// Counts of records: `GET /v1/counts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountView {
    /// The height counted at.
    pub height: u64,
    /// One count of every record that passes the filters, or one per interval of creation
    /// time the bounds asked for, in their order.
    pub counts: Vec<u64>,
}

/// One committed block: `GET /v1/blocks/{height}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockView {
    /// The header.
    pub header: Header,
    /// The header's hash.
    pub hash: Hash32,
    /// The txs' hashes, in block order.
    pub tx_hashes: Vec<Hash32>,
    /// The precommits that decided the block.
    pub certificate: Option<CommitCertificate>,
}

/// One line of the list of blocks: `GET /v1/blocks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockSummaryView {
    /// Its height.
    pub height: u64,
    /// Its header hash.
    pub hash: Hash32,
    /// Its block time in ms.
    pub time: u64,
    /// Txs in it.
    pub tx_count: u32,
    /// The node key of the validator that proposed it.
    pub proposer: PublicKey,
    /// Signatures in its commit certificate (0 if none was stored).
    pub signatures: u32,
}

/// One committed tx, decoded, with what became of it: `GET /v1/txs/{hash}` once committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TxView {
    /// Its hash.
    pub tx_hash: Hash32,
    /// The block's height.
    pub height: u64,
    /// The tx's position in the block.
    pub index: u32,
    /// Who signed it.
    pub signer: PublicKey,
    /// The signer's nonce it carries.
    pub nonce: u64,
    /// The last height it could have been committed at.
    pub valid_until: u64,
    /// What it asked, in the action's JSON form (`{"type": "request_share", ...}`); `None` where
    /// a node's REST API withholds a tx carrying restricted content from its reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// 0 if accepted, else the rejection code.
    pub code: u16,
    /// The rejection's name, if refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<String>,
    /// The events the tx raised (none if refused).
    pub events: Vec<Event>,
}

/// The validator set in force at a height: `GET /v1/validators`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidatorsView {
    /// The height read at.
    pub height: u64,
    /// The validators, sorted by node key (empty if the store holds no set).
    pub validators: Vec<Validator>,
    /// Their summed voting power.
    pub total_power: u64,
    /// The power that commits a block: more than two thirds of the total.
    pub quorum_power: u64,
}

/// A decoded record of one of the listed kinds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Record {
    /// An organisation.
    Org(Org),
    /// A member.
    Member(Member),
    /// A governance proposal.
    Proposal(Proposal),
    /// A catalog entry with every version it had.
    CatalogEntry(CatalogEntry),
    /// A resource.
    Resource(Resource),
    /// A share request.
    ShareRequest(ShareRequest),
    /// A grant.
    Grant(Grant),
    /// An access event.
    AccessEvent(AccessEvent),
    /// A violation.
    Violation(Violation),
    /// A quality report.
    QualityReport(QualityReport),
    /// A property application.
    Application(PropertyApplication),
    /// An objection.
    Objection(Objection),
    /// A certificate.
    Certificate(Certificate),
    /// An obligation.
    Obligation(Obligation),
    /// A grant's close-out.
    GrantCloseOut(GrantCloseOut),
    /// An org's open-data plan for one year.
    OpenDataPlan(OpenDataPlan),
    /// A development scenario.
    Scenario(DevelopmentScenario),
    /// A development grant.
    DevelopmentGrant(DevelopmentGrant),
    /// A product built under a development grant.
    Product(DevelopedProduct),
    /// A published periodic report (通报).
    PublishedReport(PublishedReport),
}

impl Record {
    /// The record of `key` from its value bytes; a key of no listed kind is
    /// [`DecodeError::Invalid`].
    pub fn decode(key: &RecordKey, bytes: &[u8]) -> Result<Self, DecodeError> {
        let limit = RECORD_BYTES_MAX;
        let Some(kind) = RecordKind::of(key) else {
            // Only listed kinds are served, and listings hold only those.
            return Err(DecodeError::Invalid(std::io::Error::other("not a listed kind")));
        };
        Ok(match kind {
            RecordKind::Org => Self::Org(codec::decode(bytes, limit)?),
            RecordKind::Member => Self::Member(codec::decode(bytes, limit)?),
            RecordKind::Proposal => Self::Proposal(codec::decode(bytes, limit)?),
            RecordKind::CatalogEntry => Self::CatalogEntry(codec::decode(bytes, limit)?),
            RecordKind::Resource => Self::Resource(codec::decode(bytes, limit)?),
            RecordKind::ShareRequest => Self::ShareRequest(codec::decode(bytes, limit)?),
            RecordKind::Grant => Self::Grant(codec::decode(bytes, limit)?),
            RecordKind::AccessEvent => Self::AccessEvent(codec::decode(bytes, limit)?),
            RecordKind::Violation => Self::Violation(codec::decode(bytes, limit)?),
            RecordKind::QualityReport => Self::QualityReport(codec::decode(bytes, limit)?),
            RecordKind::Application => Self::Application(codec::decode(bytes, limit)?),
            RecordKind::Objection => Self::Objection(codec::decode(bytes, limit)?),
            RecordKind::Certificate => Self::Certificate(codec::decode(bytes, limit)?),
            RecordKind::Obligation => Self::Obligation(codec::decode(bytes, limit)?),
            RecordKind::GrantCloseOut => Self::GrantCloseOut(codec::decode(bytes, limit)?),
            RecordKind::OpenDataPlan => Self::OpenDataPlan(codec::decode(bytes, limit)?),
            RecordKind::Scenario => Self::Scenario(codec::decode(bytes, limit)?),
            RecordKind::DevelopmentGrant => Self::DevelopmentGrant(codec::decode(bytes, limit)?),
            RecordKind::Product => Self::Product(codec::decode(bytes, limit)?),
            RecordKind::PublishedReport => Self::PublishedReport(codec::decode(bytes, limit)?),
        })
    }

    /// The record's kind.
    pub const fn kind(&self) -> RecordKind {
        match self {
            Self::Org(_) => RecordKind::Org,
            Self::Member(_) => RecordKind::Member,
            Self::Proposal(_) => RecordKind::Proposal,
            Self::CatalogEntry(_) => RecordKind::CatalogEntry,
            Self::Resource(_) => RecordKind::Resource,
            Self::ShareRequest(_) => RecordKind::ShareRequest,
            Self::Grant(_) => RecordKind::Grant,
            Self::AccessEvent(_) => RecordKind::AccessEvent,
            Self::Violation(_) => RecordKind::Violation,
            Self::QualityReport(_) => RecordKind::QualityReport,
            Self::Application(_) => RecordKind::Application,
            Self::Objection(_) => RecordKind::Objection,
            Self::Certificate(_) => RecordKind::Certificate,
            Self::Obligation(_) => RecordKind::Obligation,
            Self::GrantCloseOut(_) => RecordKind::GrantCloseOut,
            Self::OpenDataPlan(_) => RecordKind::OpenDataPlan,
            Self::Scenario(_) => RecordKind::Scenario,
            Self::DevelopmentGrant(_) => RecordKind::DevelopmentGrant,
            Self::Product(_) => RecordKind::Product,
            Self::PublishedReport(_) => RecordKind::PublishedReport,
        }
    }
}

/// One record as of a height: `{"key": "grant:1", "height": 5, "kind": "grant", "record": {..}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordView {
    /// The record's key as `<kind>:<id>`, such as `grant:7`.
    pub key: String,
    /// The height it was read at.
    pub height: u64,
    /// Whether details the reader may not read were left out of `record` (a share request in a
    /// list read by someone other than its parties: its items and purpose are emptied).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
    /// For a certificate, where it stands at this height, judged with its parent for a licence
    /// (a licence stands only while its parent does): `valid`, `not-yet-valid`, `expired`,
    /// `cancelled`, `parent-cancelled`, `parent-expired`, `parent-unknown`. Absent for other
    /// kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<CertificateStanding>,
    /// For a grant passed on down the hierarchy (数据回流) or that has onward grants, where it
    /// sits in the chain at this height: the grant it derives from, the org that granted it
    /// onward, its depth below the grant issued on a share request, and its onward grants.
    /// Absent for other grants and other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage: Option<GrantLineage>,
    /// Where the record was created: the block that first wrote it and the tx that wrote it
    /// there. Absent only from a node that does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<CreationView>,
    /// The record.
    #[serde(flatten)]
    pub record: Record,
}

/// Where a record was created, from the node's index: no tx is read to answer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreationView {
    /// The height of the block that first wrote it: 0 for a record of the genesis, the
    /// snapshot's height for one a node started from a snapshot was given.
    pub height: u64,
    /// That block's time in ms (0 at the genesis and below a snapshot).
    pub time: u64,
    /// The tx that wrote it in that block; absent for a record of the genesis or one a
    /// snapshot brought in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<Hash32>,
    /// That tx's position in the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_index: Option<u32>,
}

/// The authoritative source of a data element as of a height (一数一源):
/// `GET /v1/catalog/sources`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElementSourceView {
    /// The height it was read at.
    pub height: u64,
    /// The source: the data element (or item name), and the resource, entry and org holding it.
    pub source: ElementSource,
}

/// The policy in force as of a height: `GET /v1/policy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyView {
    /// The height it was read at; the policy governs the block after it.
    pub height: u64,
    /// The policy.
    pub policy: Policy,
    /// The governed parameters of the grant lifecycle in force (the defaults when governance set
    /// none).
    pub lifecycle: LifecyclePolicy,
}

/// The checkpoint policy in force as of a height: `GET /v1/checkpoint-policy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckpointPolicyView {
    /// The height it was read at; the policy judges the blocks after it.
    pub height: u64,
    /// How often the chain checkpoints and who witnesses (with their threshold).
    pub policy: CheckpointPolicy,
}

/// The protocol versions governance scheduled, as of a height: `GET /v1/protocol`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolView {
    /// The height it was read at.
    pub height: u64,
    /// The version whose rules judged the block at that height (the genesis version, 1, until
    /// an upgrade activates).
    pub version: ProtocolVersion,
    /// The upgrades scheduled, activated or not, versions 2, 3, ... in order, at strictly
    /// increasing heights (none until the first is scheduled).
    pub upgrades: Vec<ProtocolUpgrade>,
}

/// A child chain this chain anchors, as of a height: `GET /v1/child-chains/{id}` and the items
/// of `GET /v1/child-chains`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildChainView {
    /// The height it was read at.
    pub height: u64,
    /// The child chain: its id and genesis hash, the witness set its next anchored checkpoint
    /// needs, when it was admitted and its latest anchored checkpoint.
    pub chain: ChildChain,
}

/// One page of a list and the cursor of the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// One tx of an entity's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntryView {
    /// The block's height.
    pub height: u64,
    /// The tx's position in the block.
    pub index: u32,
    /// The tx.
    pub tx_hash: Hash32,
    /// Who signed it.
    pub signer: PublicKey,
    /// What it asked, as the action's name (`request_share`, `revoke_grant`, ...).
    pub action: String,
    /// 0 if accepted, else the rejection code.
    pub code: u16,
    /// The rejection's name, if refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<String>,
}

/// An action's name, its JSON `type`: `request_share`, `revoke_grant`, ...
pub fn action_name(action: &onebook_types::action::Action) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|value| value["type"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The overdue obligations of one org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueView {
    /// The org.
    pub org: OrgId,
    /// The height read at.
    pub height: u64,
    /// The time they were judged at, in ms: each is due before it.
    pub at: u64,
    /// The obligations, by id.
    pub obligations: Vec<Obligation>,
}

/// One thing a search text names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "hit", rename_all = "snake_case")]
pub enum SearchHitView {
    /// A committed tx.
    Tx {
        /// Its hash.
        tx_hash: Hash32,
        /// Its block.
        height: u64,
        /// Its position in the block.
        index: u32,
    },
    /// A committed block.
    Block {
        /// Its height.
        height: u64,
        /// Its header hash.
        block_hash: Hash32,
    },
    /// A record present at the tip.
    Record {
        /// Its key as `<kind>:<id>`.
        key: String,
    },
}

/// Parses `<kind>:<id>` (or a bare `<kind>` for `policy` and `validator_set`) into a record key
/// by the key's JSON form: a numeric id is a number, any other id a string (hex for member keys).
/// For example `certificate:350200-2026-000001X`, `grant:1`, `org:xm-dsj`, `org:350200`.
pub fn parse_record_key(text: &str) -> Result<RecordKey, String> {
    let Some((kind, id)) = text.split_once(':') else {
        return serde_json::from_value(serde_json::json!({ "kind": text }))
            .map_err(|_| format!("record {text:?} is not <kind>:<id>, such as grant:1"));
    };
    // An id of digits is a number for numeric kinds and text for the others (an org `350200`).
    if let Ok(number) = id.parse::<u64>()
        && let Ok(key) = serde_json::from_value(serde_json::json!({ "kind": kind, "id": number }))
    {
        return Ok(key);
    }
    serde_json::from_value(serde_json::json!({ "kind": kind, "id": id }))
        .map_err(|e| format!("record {text:?} is not <kind>:<id>: {e}"))
}

/// A record key as `<kind>:<id>`, the form [`parse_record_key`] reads.
pub fn record_key_text(key: &RecordKey) -> String {
    let value = serde_json::to_value(key).unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default();
    match &value["id"] {
        serde_json::Value::String(id) => format!("{kind}:{id}"),
        serde_json::Value::Null => kind.to_owned(),
        other => format!("{kind}:{other}"),
    }
}
