//! What sharing needs to know of the catalog: an entry's provider, share type, items and whether
//! it is published, and which entry a resource belongs to and which items it holds. Sharing reads catalog records only
//! here, as views of the catalog module's [`CatalogEntry`] and [`Resource`] records, so the
//! catalog's record layout can change without touching the sharing rules.

use onebook_types::{
    action::ShareType,
    catalog_records::{CatalogEntry, CatalogStatus, Resource},
    ids::{CatalogCode, OrgId, ResourceId},
    record::RecordKey,
};

use crate::ports::{StateRead, load};

/// The terms on which a catalog entry may be shared: those of its published version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareTerms {
    /// The org that provides the entry's data.
    pub provider: OrgId,
    /// Unconditional, conditional or not shared.
    pub share_type: ShareType,
    /// Names of the published version's items.
    pub items: Vec<String>,
    /// Whether a version is published and the entry is not deprecated (only then can it be
    /// requested).
    pub published: bool,
}

/// The share terms of the entry `code`, `None` if there is no such entry. An entry with no
/// published version yet reads as unpublished, with its latest draft's terms.
pub fn share_terms(state: &(impl StateRead + ?Sized), code: &CatalogCode) -> Option<ShareTerms> {
    let entry: CatalogEntry = load(state, &RecordKey::CatalogEntry(code.clone()))?;
    let deprecated = matches!(entry.status, CatalogStatus::Deprecated { .. });
    let (version, published) = match entry.published_version() {
        Some(version) => (version, !deprecated),
        None => (entry.latest(), false),
    };
    Some(ShareTerms {
        provider: entry.provider.clone(),
        share_type: version.content.share_type.clone(),
        items: version.content.items.iter().map(|item| item.name.clone()).collect(),
        published,
    })
}

/// What an access to a resource is judged by: the entry it is of and the items it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceScope {
    /// The entry the resource is registered under.
    pub entry: CatalogCode,
    /// The entry's provider.
    pub provider: OrgId,
    /// Names of the entry's items it holds.
    pub items: Vec<String>,
}

/// The scope of resource `id`, `None` if there is no such resource.
pub fn resource_scope(state: &(impl StateRead + ?Sized), id: ResourceId) -> Option<ResourceScope> {
    let resource: Resource = load(state, &RecordKey::Resource(id))?;
    Some(ResourceScope {
        entry: resource.entry,
        provider: resource.provider,
        items: resource.items,
    })
}

/// Catalog records for tests of the sharing rules, built as the catalog module stores them.
#[cfg(test)]
pub(crate) mod fixtures {
    use onebook_types::{
        action::{CatalogEntryDraft, DataItem, Grade, OpenType, ShareType},
        catalog_records::{CatalogEntry, CatalogStatus, CatalogVersion, Resource},
        hash::Hash32,
        ids::{CatalogCode, Height, OrgId, RegionCode, ResourceId, SystemId},
    };

    /// An entry of `provider` with one version holding `items`, published or still a draft.
    pub(crate) fn entry(
        code: &str,
        provider: &str,
        share_type: ShareType,
        items: &[&str],
        published: bool,
    ) -> CatalogEntry {
        let content = CatalogEntryDraft {
            name: format!("entry {code}"),
            description: "fixture".into(),
            items: items
                .iter()
                .map(|name| DataItem {
                    name: (*name).into(),
                    data_element: format!("DE-{name}"),
                    personal_information: false,
                    sensitivity: Grade::General,
                })
                .collect(),
            classification: "fixture".into(),
            grade: Grade::General,
            security_level: 1,
            share_type,
            open_type: OpenType::NotOpen,
            update_frequency: "daily".into(),
            system: SystemId::from("fixture-system"),
        };
        CatalogEntry {
            code: CatalogCode::from(code),
            provider: OrgId::from(provider),
            region: RegionCode::from("350200"),
            versions: vec![CatalogVersion {
                number: 1,
                content,
                drafted_at: Height(0),
                published_at: published.then_some(Height(0)),
            }],
            published: published.then_some(1),
            status: if published { CatalogStatus::Published } else { CatalogStatus::Draft },
            authoritative_sources: Vec::new(),
        }
    }

    /// Resource `id` under `entry`, held by `provider`, holding `items`.
    pub(crate) fn resource(id: u64, entry: &str, provider: &str, items: &[&str]) -> Resource {
        Resource {
            id: ResourceId(id),
            entry: CatalogCode::from(entry),
            provider: OrgId::from(provider),
            entry_version: 1,
            system: SystemId::from("fixture-system"),
            snapshot_digest: Hash32::ZERO,
            record_count: 0,
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            authoritative: false,
            registered_at: Height(0),
            updated_at: Height(0),
        }
    }
}
