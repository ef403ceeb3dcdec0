//! Handlers of open data and development: read, check the signer's role, transition, write.

use onebook_types::{
    action::OpenType,
    action::{PropertySubject, ReviewDecision},
    catalog_records::{CatalogEntry, Resource},
    consortium::Role,
    development_records::{
        DevelopedProduct, DevelopmentGrant, DevelopmentScenario, OpenDataPlan, OrgPlans,
        OrgScenarioTypes, PlanRevision, PlannedOpening, RESOURCE_PRODUCTS_MAX, ResourceProducts,
        ScenarioDraft, ScenarioStatus,
    },
    hash::Hash32,
    ids::{DevelopmentGrantId, OpenDataPlanId, OrgId, ProtocolVersion, ScenarioId},
    record::RecordKey,
    rejection::Rejection,
    time::Date,
};

use super::transitions::{check_openings, check_scenario_term, developer_level};
use crate::{
    checks,
    executor::{Effects, TxContext},
    ports::{StateRead, StateWrite, load, store},
};

/// The protocol version that enables open data and development: its actions, the developer
/// roles, and the rule that a data product is registered only under a development grant.
pub const DEVELOPMENT_SINCE: ProtocolVersion = ProtocolVersion(3);

fn enabled(ctx: &TxContext<'_>) -> Result<(), Rejection> {
    if ctx.protocol < DEVELOPMENT_SINCE { Err(Rejection::ActionNotYetEnabled) } else { Ok(()) }
}

fn today(ctx: &TxContext<'_>) -> Date {
    Date::of_timestamp(ctx.block.time, ctx.policy.utc_offset_minutes)
}

/// Refuses, below protocol version 3, roles that version adds (the developer roles).
pub fn check_roles_enabled(ctx: &TxContext<'_>, roles: &[Role]) -> Result<(), Rejection> {
    let developer =
        roles.iter().any(|role| matches!(role, Role::PrimaryDeveloper | Role::SecondaryDeveloper));
    if developer && ctx.protocol < DEVELOPMENT_SINCE {
        return Err(Rejection::DeveloperRoleNotYetEnabled);
    }
    Ok(())
}

/// `RecordOpenDataPlan`: a catalog clerk records the org's plan for `year` (a revision if the
/// year has one): its own open or conditionally open entries, each once, by quarter.
pub fn record_open_data_plan(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    year: u16,
    openings: &[PlannedOpening],
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::CatalogClerk)?;
    enabled(ctx)?;
    checks::list(openings)?;
    check_openings(year, openings, today(ctx))?;
    for opening in openings {
        let entry: CatalogEntry = load(state, &RecordKey::CatalogEntry(opening.entry.clone()))
            .ok_or(Rejection::OpenDataEntryNotOwn)?;
        if entry.provider != ctx.signer.org {
            return Err(Rejection::OpenDataEntryNotOwn);
        }
        let version = entry.published_version().unwrap_or_else(|| entry.latest());
        if version.content.open_type == OpenType::NotOpen {
            return Err(Rejection::OpenDataEntryNotOpen);
        }
    }
    let org = ctx.signer.org.clone();
    let mut index: OrgPlans = load(state, &RecordKey::OrgPlans(org.clone())).unwrap_or_default();
    let revision = PlanRevision {
        openings: openings.to_vec(),
        signer: ctx.signer.key,
        recorded_at: ctx.block.height,
        recorded_time: ctx.block.time,
    };
    let plan = match index.plans.binary_search_by_key(&year, |(year, _)| *year) {
        Ok(at) => {
            let id = index.plans[at].1;
            let mut plan: OpenDataPlan =
                load(state, &RecordKey::OpenDataPlan(id)).expect("the index names stored plans");
            plan.revisions.push(revision);
            plan
        }
        Err(at) => {
            let id = OpenDataPlanId(checks::next_id(state, "open_data_plan"));
            index.plans.insert(at, (year, id));
            store(state, RecordKey::OrgPlans(org.clone()), &index);
            OpenDataPlan { id, org: org.clone(), year, revisions: vec![revision] }
        }
    };
    checks::list(&plan.revisions)?;
    store(state, RecordKey::OpenDataPlan(plan.id), &plan);
    let mut effects = Effects::default();
    effects.event(
        "open_data_plan.recorded",
        &[
            ("open_data_plan", plan.id.to_string()),
            ("org", org.to_string()),
            ("year", year.to_string()),
            ("revision", plan.revisions.len().to_string()),
            ("entries", openings.len().to_string()),
        ],
    );
    Ok(effects)
}

/// `ApplyForScenario`: a member with a developer role applies, for its org, for a scenario of
/// one type naming the resources it needs; refused while the org has a scenario of the type
/// under review or approved (一类场景一审定).
pub fn apply_for_scenario(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    draft: &ScenarioDraft,
) -> Result<Effects, Rejection> {
    let level = developer_level(&ctx.signer).ok_or(Rejection::RoleMissing)?;
    enabled(ctx)?;
    checks::text(&draft.scenario_type, true)?;
    checks::text(&draft.name, true)?;
    checks::text(&draft.description, false)?;
    checks::list(&draft.resources)?;
    let mut sorted = draft.resources.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let known = draft.resources.iter().all(|id| state.get(&RecordKey::Resource(*id)).is_some());
    if draft.resources.is_empty() || sorted.len() != draft.resources.len() || !known {
        return Err(Rejection::ScenarioResourcesInvalid);
    }
    check_scenario_term(draft.starts, draft.ends, today(ctx), ctx.policy)?;
    let org = ctx.signer.org.clone();
    let mut types: OrgScenarioTypes =
        load(state, &RecordKey::OrgScenarioTypes(org.clone())).unwrap_or_default();
    let at = match types.types.binary_search_by(|(kind, _)| kind.as_str().cmp(&draft.scenario_type))
    {
        Ok(_) => return Err(Rejection::ScenarioTypeTaken),
        Err(at) => at,
    };
    let developer: onebook_types::consortium::Org =
        load(state, &RecordKey::Org(org.clone())).expect("a signer's org exists");
    let authority = checks::region_authority(state, &developer.region)
        .ok_or(Rejection::ReviewerNotScenarioAuthority)?;
    let id = ScenarioId(checks::next_id(state, "scenario"));
    types.types.insert(at, (draft.scenario_type.clone(), id));
    checks::list(&types.types)?;
    store(state, RecordKey::OrgScenarioTypes(org.clone()), &types);
    let scenario = DevelopmentScenario {
        id,
        developer: org.clone(),
        applicant: ctx.signer.key,
        level,
        draft: draft.clone(),
        authority: authority.clone(),
        applied_at: ctx.block.time,
        status: ScenarioStatus::UnderReview,
    };
    store(state, RecordKey::Scenario(id), &scenario);
    let mut effects = Effects { orgs: vec![authority.clone()], ..Effects::default() };
    effects.event(
        "scenario.applied",
        &[
            ("scenario", id.to_string()),
            ("org", org.to_string()),
            ("scenario_type", draft.scenario_type.clone()),
            ("authority", authority.to_string()),
        ],
    );
    Ok(effects)
}

/// `ReviewScenario`: a share approver of the reviewing data authority approves a scenario under
/// review (issuing its development grant for the scenario's resources and term) or returns it,
/// which frees its type.
pub fn review_scenario(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ScenarioId,
    decision: &ReviewDecision,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::ShareApprover)?;
    enabled(ctx)?;
    let mut scenario: DevelopmentScenario =
        load(state, &RecordKey::Scenario(id)).ok_or(Rejection::ScenarioUnknown)?;
    if scenario.authority != ctx.signer.org {
        return Err(Rejection::ReviewerNotScenarioAuthority);
    }
    if scenario.status != ScenarioStatus::UnderReview {
        return Err(Rejection::ScenarioNotUnderReview);
    }
    let mut effects = Effects { orgs: vec![scenario.developer.clone()], ..Effects::default() };
    match decision {
        ReviewDecision::Approve => {
            let draft = &scenario.draft;
            check_scenario_term(draft.starts, draft.ends, today(ctx), ctx.policy)?;
            let grant = DevelopmentGrant {
                id: DevelopmentGrantId(checks::next_id(state, "development_grant")),
                scenario: id,
                scenario_type: draft.scenario_type.clone(),
                developer: scenario.developer.clone(),
                level: scenario.level,
                resources: draft.resources.clone(),
                starts: draft.starts,
                ends: draft.ends,
                approved_by: ctx.signer.org.clone(),
                approved_at: ctx.block.time,
            };
            store(state, RecordKey::DevelopmentGrant(grant.id), &grant);
            scenario.status = ScenarioStatus::Approved { grant: grant.id };
            effects.event(
                "development_grant.issued",
                &[
                    ("development_grant", grant.id.to_string()),
                    ("scenario", id.to_string()),
                    ("developer", grant.developer.to_string()),
                    ("scenario_type", grant.scenario_type.clone()),
                    ("ends", grant.ends.to_string()),
                ],
            );
        }
        ReviewDecision::Return { reasons } => {
            checks::text(reasons, true)?;
            let key = RecordKey::OrgScenarioTypes(scenario.developer.clone());
            let mut types: OrgScenarioTypes = load(state, &key).unwrap_or_default();
            types.types.retain(|(_, scenario)| *scenario != id);
            if types.types.is_empty() {
                state.delete(key);
            } else {
                store(state, key, &types);
            }
            scenario.status = ScenarioStatus::Returned { reasons: reasons.clone() };
            effects.event("scenario.returned", &[("scenario", id.to_string())]);
        }
    }
    store(state, RecordKey::Scenario(id), &scenario);
    Ok(effects)
}

/// `RecordProduct`: a developer of the grant's org records a product built under a development
/// grant in force today, listed under each resource of the grant.
pub fn record_product(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    grant: DevelopmentGrantId,
    name: &str,
    description: &str,
    digest: &Hash32,
) -> Result<Effects, Rejection> {
    developer_level(&ctx.signer).ok_or(Rejection::RoleMissing)?;
    enabled(ctx)?;
    checks::text(name, true)?;
    checks::text(description, false)?;
    if *digest == Hash32::ZERO {
        return Err(Rejection::ProductDigestMissing);
    }
    let grant: DevelopmentGrant = load(state, &RecordKey::DevelopmentGrant(grant))
        .ok_or(Rejection::DevelopmentGrantUnknown)?;
    if grant.developer != ctx.signer.org {
        return Err(Rejection::DeveloperNotGrantee);
    }
    if !in_force(&grant, today(ctx)) {
        return Err(Rejection::DevelopmentGrantNotInForce);
    }
    if state.get(&RecordKey::Product(*digest)).is_some() {
        return Err(Rejection::ProductAlreadyRecorded);
    }
    for resource in &grant.resources {
        let key = RecordKey::ResourceProducts(*resource);
        let mut listed: ResourceProducts = load(state, &key).unwrap_or_default();
        if listed.products.len() >= RESOURCE_PRODUCTS_MAX {
            return Err(Rejection::ListTooLong);
        }
        listed.products.push(*digest);
        store(state, key, &listed);
    }
    let product = DevelopedProduct {
        digest: *digest,
        name: name.to_owned(),
        description: description.to_owned(),
        grant: grant.id,
        developer: grant.developer.clone(),
        resources: grant.resources.clone(),
        signer: ctx.signer.key,
        recorded_at: ctx.block.height,
    };
    store(state, RecordKey::Product(*digest), &product);
    let providers = providers(state, &grant.resources);
    let mut effects = Effects { orgs: providers, ..Effects::default() };
    effects.event(
        "product.recorded",
        &[
            ("product", digest.to_hex()),
            ("development_grant", grant.id.to_string()),
            ("developer", grant.developer.to_string()),
        ],
    );
    Ok(effects)
}

/// From protocol version 3 on, a property application on a data product must name a product
/// its registrant recorded under a development grant in force on `today`.
pub fn check_product_subject(
    state: &impl StateRead,
    ctx: &TxContext<'_>,
    subject: &PropertySubject,
) -> Result<(), Rejection> {
    let PropertySubject::Product { digest, .. } = subject else { return Ok(()) };
    if ctx.protocol < DEVELOPMENT_SINCE {
        return Ok(());
    }
    let product: Option<DevelopedProduct> = load(state, &RecordKey::Product(*digest));
    let grant = product.filter(|product| product.developer == ctx.signer.org).and_then(|product| {
        load::<DevelopmentGrant>(state, &RecordKey::DevelopmentGrant(product.grant))
    });
    match grant {
        Some(grant) if in_force(&grant, today(ctx)) => Ok(()),
        _ => Err(Rejection::ProductWithoutDevelopmentGrant),
    }
}

fn in_force(grant: &DevelopmentGrant, today: Date) -> bool {
    grant.starts <= today && today <= grant.ends
}

/// The provider orgs of `resources`, sorted, each once.
fn providers(state: &impl StateRead, resources: &[onebook_types::ids::ResourceId]) -> Vec<OrgId> {
    let mut orgs: Vec<OrgId> = resources
        .iter()
        .filter_map(|id| load::<Resource>(state, &RecordKey::Resource(*id)))
        .map(|resource| resource.provider)
        .collect();
    orgs.sort();
    orgs.dedup();
    orgs
}
