//! Records of the catalog (政务数据目录): catalog entries with every version they had, the
//! resources registered under them, and the deadline-bound obligations an org's duty change opens.
//! Each is stored under its [`RecordKey`] as its borsh encoding; append
//! fields only with a format change.
//!
//! An entry keeps all its versions inside its own record, so a proof of the entry at a height
//! proves every version it had then, and the authoritative-source index (一数一源) of its items,
//! with one lookup. Across the whole consortium, each data element (or item name, where an item
//! names no element) has at most one authoritative source: an [`ElementSource`] record under
//! [`RecordKey::ElementSource`], keyed by the hash of its [`SourceKey`].

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    action::{CatalogEntryDraft, DataItem},
    codec,
    hash::{Hash32, Tag, hash_tagged},
    ids::{CatalogCode, Height, ObligationId, OrgId, RegionCode, ResourceId, SystemId, Timestamp},
    record::RecordKey,
};

pub use crate::limits::CATALOG_VERSIONS_MAX;

/// Where the latest version of a catalog entry stands.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum CatalogStatus {
    /// Being written by the provider's clerk; not yet submitted.
    Draft,
    /// Awaiting review by the region's data authority.
    Submitted,
    /// Returned by the data authority for correction.
    Returned {
        /// What to correct.
        reasons: String,
    },
    /// Approved by the data authority; not yet published.
    Approved,
    /// Published: the latest version is the one in force.
    Published,
    /// Withdrawn from the catalog; nothing more happens to it.
    Deprecated {
        /// Why.
        reason: String,
    },
}

/// One version of a catalog entry's content.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogVersion {
    /// Its number: 1 for the first, one more for each revision.
    pub number: u32,
    /// The content.
    pub content: CatalogEntryDraft,
    /// The height of the block that drafted it.
    pub drafted_at: Height,
    /// The height of the block that published it; `None` until then.
    pub published_at: Option<Height>,
}

/// The authoritative resource of one data item of an entry (一数一源).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthoritativeSource {
    /// The item's name.
    pub item: String,
    /// The one resource that is its authoritative source.
    pub resource: ResourceId,
}

/// What one authoritative source is the source of, across every entry and org (一数一源): a data
/// element (数据元), or, for an item that names none, the item's name.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "by", content = "name", rename_all = "snake_case")]
pub enum SourceKey {
    /// A data element, by its identifier, such as `DE-GA-0002`.
    DataElement(String),
    /// An item that names no data element, by the item's name.
    ItemName(String),
}

impl SourceKey {
    /// The key of `item`: its data element, or its name if it names none (a blank element counts
    /// as none).
    pub fn of(item: &DataItem) -> Self {
        if item.data_element.trim().is_empty() {
            Self::ItemName(item.name.clone())
        } else {
            Self::DataElement(item.data_element.clone())
        }
    }

    /// The id of its [`ElementSource`] record: `H("onebook/element-source/v1", borsh(self))`.
    /// (`ed25519-blake3`)
    pub fn hash(&self) -> Hash32 {
        hash_tagged(Tag::ElementSource, &[&codec::encode(self)])
    }

    /// The id of its [`ElementSource`] record in `suite`.
    pub fn hash_in(&self, suite: crate::suite::Suite) -> Hash32 {
        suite.hash_tagged(Tag::ElementSource, &[&codec::encode(self)])
    }
}

impl std::fmt::Display for SourceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DataElement(element) => write!(f, "data element {element}"),
            Self::ItemName(name) => write!(f, "item {name}"),
        }
    }
}

/// The one authoritative source of a data element (or item name) across the consortium
/// (一数一源), stored under `RecordKey::ElementSource(key.hash())` once a resource claims it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElementSource {
    /// What it is the source of.
    pub key: SourceKey,
    /// The resource that is the source.
    pub resource: ResourceId,
    /// The entry the resource is registered under.
    pub entry: CatalogCode,
    /// The entry's provider, which holds the source.
    pub provider: OrgId,
    /// The name of the entry's item that follows the data element.
    pub item: String,
    /// The height of the block that registered the resource.
    pub registered_at: Height,
}

/// A catalog entry: one class of data an org holds by its duties, with every version it had.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogEntry {
    /// Its code, `<region>-<org>-<sequence>`, assigned by the ledger.
    pub code: CatalogCode,
    /// The org that provides the data.
    pub provider: OrgId,
    /// The provider's region when drafted; its data authority reviews the entry.
    pub region: RegionCode,
    /// Every version, oldest first: version `n` is at index `n - 1`. The last one is the one
    /// `status` describes.
    pub versions: Vec<CatalogVersion>,
    /// The number of the version in force: the latest published one. A published entry under
    /// revision stays readable as this version until the new one is published.
    pub published: Option<u32>,
    /// Where the latest version stands.
    pub status: CatalogStatus,
    /// The authoritative resource of each of its items that has one, sorted by item, each item
    /// once. Across the consortium, one element-source record per data element says who its
    /// source is.
    pub authoritative_sources: Vec<AuthoritativeSource>,
}

impl CatalogEntry {
    /// The latest version.
    ///
    /// # Panics
    /// If the entry has no version: drafting creates the first and nothing removes one.
    pub fn latest(&self) -> &CatalogVersion {
        self.versions.last().expect("an entry is drafted with its first version")
    }

    /// The version in force, if any was published.
    pub fn published_version(&self) -> Option<&CatalogVersion> {
        let number = self.published?;
        self.versions.iter().find(|version| version.number == number)
    }

    /// The authoritative resource of `item`, if any.
    pub fn authoritative_source(&self, item: &str) -> Option<ResourceId> {
        self.authoritative_sources
            .binary_search_by(|source| source.item.as_str().cmp(item))
            .ok()
            .map(|index| self.authoritative_sources[index].resource)
    }
}

/// A resource registered under a catalog entry: a dataset held in a system, with a digest of its
/// latest snapshot.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resource {
    /// Its id, from the `resource` sequence.
    pub id: ResourceId,
    /// The entry it is registered under.
    pub entry: CatalogCode,
    /// The entry's provider, whose clerks update it.
    pub provider: OrgId,
    /// The entry version in force when it was registered, whose items it holds.
    pub entry_version: u32,
    /// The system holding it.
    pub system: SystemId,
    /// Digest (BLAKE3) of its latest snapshot.
    pub snapshot_digest: Hash32,
    /// Records in that snapshot.
    pub record_count: u64,
    /// Names of the entry's items it holds, as registered.
    pub items: Vec<String>,
    /// Whether it is the authoritative source of those items (一数一源).
    pub authoritative: bool,
    /// The height of the block that registered it.
    pub registered_at: Height,
    /// The height of the block that recorded its latest snapshot.
    pub updated_at: Height,
}

/// What an obligation requires.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ObligationKind {
    /// Update the org's catalog after its duties changed (7 working days in Xiamen).
    CatalogUpdate,
    /// Register the resources linked to a newly published entry version; met by the provider's
    /// next `RegisterResource` under that entry.
    ResourceRegistration,
    /// Answer a quality report on one of the org's resources (fixed or disputed).
    Correction,
    /// Close out a grant the org received, within the governed working days after it ends;
    /// met by the grantee's `CloseOutGrant`.
    GrantCloseOut,
}

/// Whether an obligation was met.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ObligationStatus {
    /// Not yet met; overdue once block time passes its due time.
    Open,
    /// Met by a tx.
    Met {
        /// The height of the block that met it.
        at: Height,
        /// That block's time, to compare with the due time.
        time: Timestamp,
        /// The record the meeting tx wrote: the catalog entry submitted, the resource
        /// registered, or the quality report answered.
        record: RecordKey,
    },
}

/// A deadline-bound duty of an org. Missed deadlines stay visible: an open obligation past its
/// due time is overdue, and a met one records when it was met.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Obligation {
    /// Its id, from the `obligation` sequence.
    pub id: ObligationId,
    /// The org that owes it.
    pub org: OrgId,
    /// What it requires.
    pub kind: ObligationKind,
    /// What gave rise to it (the duty change described, the version published, the problem
    /// reported).
    pub description: String,
    /// The height of the block that opened it.
    pub opened_at: Height,
    /// That block's time.
    pub opened_time: Timestamp,
    /// The last millisecond of the due day, in block time.
    pub due: Timestamp,
    /// Whether it was met.
    pub status: ObligationStatus,
    /// The record it concerns: the catalog entry whose resources are to be registered, or the
    /// quality report to answer; `None` for a catalog update, which any submission meets.
    pub subject: Option<RecordKey>,
}

/// One open obligation as the org's index lists it.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenObligation {
    /// The obligation.
    pub id: ObligationId,
    /// What it requires.
    pub kind: ObligationKind,
    /// Its due time, so overdue duties are found without loading the others.
    pub due: Timestamp,
}

/// The open obligations of one org, stored under
/// [`RecordKey::OrgObligations`]: sorted by id, each
/// once, at most [`ORG_OPEN_OBLIGATIONS_MAX`]. An obligation leaves the index when it is met; an
/// org with none has no index record.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgObligations {
    /// The open obligations, sorted by id.
    pub open: Vec<OpenObligation>,
}

pub use crate::limits::ORG_OPEN_OBLIGATIONS_MAX;
