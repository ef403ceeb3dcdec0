//! Handlers of the catalog, resource and obligation actions: read, check role, transition, write.

use onebook_types::{
    action::{CatalogEntryDraft, DataItem, ResourceDraft, ReviewDecision},
    catalog_records::{
        CATALOG_VERSIONS_MAX, CatalogEntry, CatalogStatus, CatalogVersion, ElementSource,
        ObligationKind, Resource, SourceKey,
    },
    codec,
    consortium::{Org, Role},
    hash::Hash32,
    ids::{CatalogCode, OrgId, ResourceId},
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
    rejection::Rejection,
    suite::Suite,
};

use super::transitions::{
    Revision, check_draft, entry_code, revision_of, sources_after_register, status_after_deprecate,
    status_after_publish, status_after_review, status_after_submit,
};
use crate::{
    checks,
    executor::{Effects, Refusal, TxContext},
    obligations::{self, Duty},
    ports::{StateRead, StateWrite, load, store},
};

/// The sequence that numbers resources.
const RESOURCE_SEQUENCE: &str = "resource";

/// `RecordDutyChange`: an org admin records that its org's duties (三定) changed, which opens a
/// catalog-update obligation due in the policy's working days.
pub fn record_duty_change(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    description: &str,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::OrgAdmin)?;
    checks::text(description, true)?;
    let mut effects = Effects::default();
    let duty = Duty {
        org: &ctx.signer.org,
        kind: ObligationKind::CatalogUpdate,
        description: description.to_owned(),
        working_days: ctx.policy.catalog_update_working_days,
        subject: None,
    };
    obligations::open(state, ctx, duty, &mut effects)?;
    Ok(effects)
}

/// `DraftCatalogEntry`: a catalog clerk drafts version 1 of a new entry of the clerk's org, under
/// the next code of that org.
pub fn draft_catalog_entry(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    draft: &CatalogEntryDraft,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::CatalogClerk)?;
    check_draft(draft, ctx.policy)?;
    let provider = ctx.signer.org.clone();
    let org: Org = load(state, &RecordKey::Org(provider.clone()))
        .expect("the signer's org exists: admission checked it");
    let sequence = checks::next_id(state, &format!("catalog/{provider}"));
    let code = entry_code(&org.region, &provider, sequence);
    checks::id(code.as_str())?;
    let entry = CatalogEntry {
        code,
        provider,
        region: org.region,
        versions: vec![version(1, draft, ctx)],
        published: None,
        status: CatalogStatus::Draft,
        authoritative_sources: Vec::new(),
    };
    save_entry(state, &entry)?;
    let mut effects = Effects::default();
    entry_event(&mut effects, "catalog.drafted", &entry, &[]);
    Ok(effects)
}

/// `SubmitCatalogEntry`: a clerk of the provider sends a draft or returned entry to review. It
/// meets every open catalog-update obligation of the provider.
pub fn submit_catalog_entry(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    code: &CatalogCode,
) -> Result<Effects, Rejection> {
    let mut entry = provider_entry(state, ctx, code)?;
    entry.status = status_after_submit(&entry.status)?;
    save_entry(state, &entry)?;
    let mut effects = Effects::default();
    entry_event(&mut effects, "catalog.submitted", &entry, &[]);
    let record = RecordKey::CatalogEntry(entry.code.clone());
    let kind = ObligationKind::CatalogUpdate;
    obligations::meet(state, ctx, &entry.provider, kind, None, &record, &mut effects);
    Ok(effects)
}

/// `ReviewCatalogEntry`: a catalog clerk of the data authority of the entry's region approves or
/// returns a submitted entry. The reviewer's role is `CatalogClerk`, as the authority's catalog
/// staff do the review; its admins manage members, not content.
pub fn review_catalog_entry(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    code: &CatalogCode,
    decision: &ReviewDecision,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::CatalogClerk)?;
    let mut entry = load_entry(state, code)?;
    if checks::region_authority(state, &entry.region).as_ref() != Some(&ctx.signer.org) {
        return Err(Rejection::ReviewerNotDataAuthority);
    }
    entry.status = status_after_review(&entry.status, decision)?;
    save_entry(state, &entry)?;
    let mut effects = Effects { orgs: vec![entry.provider.clone()], ..Effects::default() };
    let by = ("by", ctx.signer.org.to_string());
    match &entry.status {
        CatalogStatus::Returned { reasons } => entry_event(
            &mut effects,
            "catalog.returned",
            &entry,
            &[by, ("reasons", reasons.clone())],
        ),
        _ => entry_event(&mut effects, "catalog.approved", &entry, &[by]),
    }
    Ok(effects)
}

/// `PublishCatalogEntry`: a clerk of the provider publishes the approved latest version, which
/// becomes the version in force, and opens a resource-registration obligation: the resources
/// linked to the entry are registered within the policy's working days. While one is open for
/// the entry, a later publication does not open another; the earlier deadline stands.
pub fn publish_catalog_entry(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    code: &CatalogCode,
) -> Result<Effects, Rejection> {
    let mut entry = provider_entry(state, ctx, code)?;
    entry.status = status_after_publish(&entry.status)?;
    let latest = entry.versions.last_mut().expect("an entry is drafted with its first version");
    latest.published_at = Some(ctx.block.height);
    entry.published = Some(latest.number);
    save_entry(state, &entry)?;
    let mut effects = Effects::default();
    entry_event(&mut effects, "catalog.published", &entry, &[]);
    let subject = RecordKey::CatalogEntry(entry.code.clone());
    let registering = obligations::open_obligations(state, &entry.provider).into_iter().any(|o| {
        o.kind == ObligationKind::ResourceRegistration && o.subject.as_ref() == Some(&subject)
    });
    if !registering {
        let duty = Duty {
            org: &entry.provider,
            kind: ObligationKind::ResourceRegistration,
            description: format!("{} version {} published", entry.code, entry.latest().number),
            working_days: ctx.policy.resource_registration_working_days,
            subject: Some(subject),
        };
        obligations::open(state, ctx, duty, &mut effects)?;
    }
    Ok(effects)
}

/// `ReviseCatalogEntry`: a clerk of the provider drafts version n+1 of a published entry (the
/// published version stays in force until the new one is published), or corrects a draft or
/// returned version in place.
pub fn revise_catalog_entry(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    code: &CatalogCode,
    draft: &CatalogEntryDraft,
) -> Result<Effects, Rejection> {
    let mut entry = provider_entry(state, ctx, code)?;
    let revision = revision_of(&entry.status)?;
    check_draft(draft, ctx.policy)?;
    match revision {
        Revision::NewVersion => {
            if entry.versions.len() >= CATALOG_VERSIONS_MAX {
                return Err(Rejection::CatalogVersionsFull);
            }
            let number = entry.latest().number + 1;
            entry.versions.push(version(number, draft, ctx));
        }
        Revision::Correction => {
            let number = entry.latest().number;
            *entry.versions.last_mut().expect("an entry has a version") =
                version(number, draft, ctx);
        }
    }
    entry.status = CatalogStatus::Draft;
    save_entry(state, &entry)?;
    let mut effects = Effects::default();
    entry_event(&mut effects, "catalog.revised", &entry, &[]);
    Ok(effects)
}

/// `DeprecateCatalogEntry`: a clerk of the provider withdraws a published entry, with a reason.
pub fn deprecate_catalog_entry(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    code: &CatalogCode,
    reason: &str,
) -> Result<Effects, Rejection> {
    let mut entry = provider_entry(state, ctx, code)?;
    entry.status = status_after_deprecate(&entry.status, reason)?;
    save_entry(state, &entry)?;
    let released = release_sources(state, ctx.block.suite, &entry);
    let mut effects = Effects::default();
    let extra = [("reason", reason.to_owned()), ("sources_released", released.to_string())];
    entry_event(&mut effects, "catalog.deprecated", &entry, &extra);
    Ok(effects)
}

/// Frees the data elements a deprecated `entry`'s resources are the authoritative source of, so
/// an entry in force may claim them; the entry's own record keeps its list. How many were freed.
fn release_sources(state: &mut impl StateWrite, suite: Suite, entry: &CatalogEntry) -> usize {
    let mut released = 0;
    for source in &entry.authoritative_sources {
        let resource: Resource = load(state, &RecordKey::Resource(source.resource))
            .expect("an authoritative source is a registered resource");
        let version = entry
            .versions
            .iter()
            .find(|version| version.number == resource.entry_version)
            .expect("a resource is registered under a version of its entry");
        let Some(item) = version.content.items.iter().find(|item| item.name == source.item) else {
            continue;
        };
        let key = RecordKey::ElementSource(SourceKey::of(item).hash_in(suite));
        let held: Option<ElementSource> = load(state, &key);
        if held.is_some_and(|held| held.resource == source.resource) {
            state.delete(key);
            released += 1;
        }
    }
    released
}

/// `RegisterResource`: a clerk of the provider registers a resource holding items of the
/// entry's published version. An authoritative resource becomes the one authoritative source,
/// across every entry and org, of the data element of each of its items (of the item's name,
/// where it names no element): 一数一源. A second claim is refused, naming the holder.
pub fn register_resource(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    code: &CatalogCode,
    draft: &ResourceDraft,
) -> Result<Effects, Refusal> {
    let mut entry = provider_entry(state, ctx, code)?;
    let published = match (&entry.status, entry.published_version()) {
        (CatalogStatus::Deprecated { .. }, _) | (_, None) => {
            return Err(Rejection::CatalogEntryNotPublished.into());
        }
        (_, Some(published)) => published,
    };
    checks::list(&draft.items)?;
    let names: Vec<&str> = draft.items.iter().map(String::as_str).collect();
    let known = |name: &&str| published.content.items.iter().any(|item| item.name == *name);
    if names.is_empty() || !checks::all_distinct(&names) || !names.iter().all(known) {
        return Err(Rejection::ResourceItemsNotInEntry.into());
    }
    checks::id(draft.system.as_str())?;
    let entry_version = published.number;
    let published_items = published.content.items.clone();
    let id = ResourceId(checks::next_id(state, RESOURCE_SEQUENCE));
    if draft.authoritative {
        claim_sources(state, ctx, &entry, &published_items, &draft.items, id)?;
        entry.authoritative_sources =
            sources_after_register(&entry.authoritative_sources, &draft.items, id).map_err(
                |rejection| {
                    let held = draft.items.iter().find_map(|item| {
                        entry.authoritative_source(item).map(|holder| (item, holder))
                    });
                    match held {
                        Some((item, holder)) => Refusal::naming(
                            rejection,
                            &[
                                ("item", item.clone()),
                                ("holder_resource", holder.to_string()),
                                ("holder_entry", entry.code.to_string()),
                                ("holder_org", entry.provider.to_string()),
                            ],
                        ),
                        None => Refusal::from(rejection),
                    }
                },
            )?;
        save_entry(state, &entry)?;
    }
    let resource = Resource {
        id,
        entry: code.clone(),
        provider: entry.provider.clone(),
        entry_version,
        system: draft.system.clone(),
        snapshot_digest: draft.snapshot_digest,
        record_count: draft.record_count,
        items: draft.items.clone(),
        authoritative: draft.authoritative,
        registered_at: ctx.block.height,
        updated_at: ctx.block.height,
    };
    store(state, RecordKey::Resource(id), &resource);
    let mut effects = Effects::default();
    effects.event(
        "resource.registered",
        &[
            ("resource", id.to_string()),
            ("entry", code.to_string()),
            ("org", resource.provider.to_string()),
            ("authoritative", draft.authoritative.to_string()),
            ("snapshot_digest", draft.snapshot_digest.to_hex()),
        ],
    );
    let subject = RecordKey::CatalogEntry(code.clone());
    let kind = ObligationKind::ResourceRegistration;
    let record = RecordKey::Resource(id);
    obligations::meet(state, ctx, &resource.provider, kind, Some(&subject), &record, &mut effects);
    Ok(effects)
}

/// Makes resource `id` of `entry` the authoritative source of the data element (or name) of each
/// item it holds (`names`, items of `published`), across every entry and org. Refuses with
/// [`Rejection::AuthoritativeSourceExists`], naming the holder, if another resource holds one.
/// Two items of one resource may follow the same element.
fn claim_sources(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    entry: &CatalogEntry,
    published: &[DataItem],
    names: &[String],
    id: ResourceId,
) -> Result<(), Refusal> {
    for name in names {
        let item = published
            .iter()
            .find(|item| item.name == *name)
            .expect("checked: every name is an item of the published version");
        let key = SourceKey::of(item);
        let record_key = RecordKey::ElementSource(key.hash_in(ctx.block.suite));
        match load::<ElementSource>(state, &record_key) {
            Some(held) if held.resource == id => {}
            Some(held) => {
                let mut detail = vec![("item", name.clone())];
                if let SourceKey::DataElement(element) = &key {
                    detail.push(("data_element", element.clone()));
                }
                detail.extend([
                    ("holder_resource", held.resource.to_string()),
                    ("holder_entry", held.entry.to_string()),
                    ("holder_org", held.provider.to_string()),
                    ("org", ctx.signer.org.to_string()),
                ]);
                return Err(Refusal::naming(Rejection::AuthoritativeSourceExists, &detail));
            }
            None => {
                let source = ElementSource {
                    key,
                    resource: id,
                    entry: entry.code.clone(),
                    provider: entry.provider.clone(),
                    item: name.clone(),
                    registered_at: ctx.block.height,
                };
                store(state, record_key, &source);
            }
        }
    }
    Ok(())
}

/// `UpdateResource`: a clerk of the provider records a resource's new snapshot.
pub fn update_resource(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ResourceId,
    snapshot_digest: Hash32,
    record_count: u64,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::CatalogClerk)?;
    let mut resource: Resource =
        load(state, &RecordKey::Resource(id)).ok_or(Rejection::ResourceUnknown)?;
    require_provider(ctx, &resource.provider)?;
    resource.snapshot_digest = snapshot_digest;
    resource.record_count = record_count;
    resource.updated_at = ctx.block.height;
    store(state, RecordKey::Resource(id), &resource);
    let mut effects = Effects::default();
    effects.event(
        "resource.updated",
        &[
            ("resource", id.to_string()),
            ("org", resource.provider.to_string()),
            ("snapshot_digest", snapshot_digest.to_hex()),
            ("record_count", record_count.to_string()),
        ],
    );
    Ok(effects)
}

fn require_provider(ctx: &TxContext<'_>, provider: &OrgId) -> Result<(), Rejection> {
    if ctx.signer.org == *provider { Ok(()) } else { Err(Rejection::ProviderOnly) }
}

fn load_entry(state: &impl StateRead, code: &CatalogCode) -> Result<CatalogEntry, Rejection> {
    load(state, &RecordKey::CatalogEntry(code.clone())).ok_or(Rejection::CatalogEntryUnknown)
}

/// The entry `code`, for a catalog clerk of its provider.
fn provider_entry(
    state: &impl StateRead,
    ctx: &TxContext<'_>,
    code: &CatalogCode,
) -> Result<CatalogEntry, Rejection> {
    ctx.require_role(Role::CatalogClerk)?;
    let entry = load_entry(state, code)?;
    require_provider(ctx, &entry.provider)?;
    Ok(entry)
}

/// Stores `entry`, unless its record, which holds every version, would pass the size limit.
fn save_entry(state: &mut impl StateWrite, entry: &CatalogEntry) -> Result<(), Rejection> {
    if codec::encode(entry).len() > RECORD_BYTES_MAX {
        return Err(Rejection::CatalogEntryTooLarge);
    }
    store(state, RecordKey::CatalogEntry(entry.code.clone()), entry);
    Ok(())
}

fn version(number: u32, draft: &CatalogEntryDraft, ctx: &TxContext<'_>) -> CatalogVersion {
    CatalogVersion {
        number,
        content: draft.clone(),
        drafted_at: ctx.block.height,
        published_at: None,
    }
}

fn entry_event(effects: &mut Effects, kind: &str, entry: &CatalogEntry, extra: &[(&str, String)]) {
    let mut attributes = vec![
        ("entry", entry.code.to_string()),
        ("org", entry.provider.to_string()),
        ("version", entry.latest().number.to_string()),
    ];
    attributes.extend_from_slice(extra);
    effects.event(kind, &attributes);
}
