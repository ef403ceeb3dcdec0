//! Open data and development, as applied through whole blocks on the dev network at protocol
//! version 3. Market regulation (xm-scjg) holds an open entry E-OPEN (resource 1) and a
//! not-open one E-SHUT; the trading platform xm-jypt is a primary development entity whose
//! scenarios the city data bureau (xm-dsj, the region's data authority) reviews. The first
//! block's local date is 2026-01-01.

use onebook_types::{
    action::{
        Action, OpenType, PropertyApplicationDraft, PropertySubject, ReviewDecision, RightKind,
        ShareType,
    },
    consortium::Role,
    development_records::{
        DevelopedProduct, DevelopmentGrant, DevelopmentScenario, OpenDataPlan, PlannedOpening,
        ResourceProducts, ScenarioDraft, ScenarioStatus,
    },
    hash::Hash32,
    ids::{CatalogCode, DevelopmentGrantId, OpenDataPlanId, ResourceId, ScenarioId},
    record::RecordKey,
    rejection::Rejection,
    time::{DAY_MS, Date},
};

use crate::{
    ports::{load, store},
    sharing::catalog_view::fixtures,
    testkit::{Chain, Reach, public, refusal},
};

const CLERK: &str = "xm-scjg/catalog-clerk";
const DEVELOPER: &str = "xm-jypt/developer";
const OTHER_DEVELOPER: &str = "xm-gaj/developer";
const AUTHORITY: &str = "xm-dsj/share-approver";

fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

/// The dev chain at protocol version 3 with xm-scjg's entries and resource 1, a primary
/// developer at xm-jypt and a secondary one at xm-gaj.
fn chain() -> Chain {
    let mut chain = Chain::at_version_three();
    for (code, open_type) in [("E-OPEN", OpenType::Open), ("E-SHUT", OpenType::NotOpen)] {
        let mut entry = fixtures::entry(code, "xm-scjg", ShareType::Unconditional, &["name"], true);
        entry.versions[0].content.open_type = open_type;
        store(&mut chain.state, RecordKey::CatalogEntry(CatalogCode::from(code)), &entry);
    }
    let other = fixtures::entry("E-DSJ", "xm-dsj", ShareType::Unconditional, &["name"], true);
    let mut other = other;
    other.versions[0].content.open_type = OpenType::Open;
    store(&mut chain.state, RecordKey::CatalogEntry(CatalogCode::from("E-DSJ")), &other);
    let resource = fixtures::resource(1, "E-OPEN", "xm-scjg", &["name"]);
    store(&mut chain.state, RecordKey::Resource(ResourceId(1)), &resource);
    for (admin, label, role) in [
        ("xm-jypt/admin", DEVELOPER, Role::PrimaryDeveloper),
        ("xm-gaj/admin", OTHER_DEVELOPER, Role::SecondaryDeveloper),
    ] {
        let register = Action::RegisterMember {
            key: public(label),
            name: "开发主体".into(),
            roles: vec![role],
        };
        assert_eq!(refusal(&chain.run(admin, register)), None);
    }
    chain
}

fn plan(year: u16, openings: &[(&str, u8)]) -> Action {
    Action::RecordOpenDataPlan {
        year,
        openings: openings
            .iter()
            .map(|(entry, quarter)| PlannedOpening {
                entry: CatalogCode::from(*entry),
                quarter: *quarter,
            })
            .collect(),
    }
}

fn scenario(kind: &str, resources: &[u64], ends: &str) -> Action {
    Action::ApplyForScenario {
        draft: ScenarioDraft {
            scenario_type: kind.into(),
            name: "小微企业信用评估".into(),
            description: "基于企业登记信息的普惠金融授信模型".into(),
            resources: resources.iter().map(|id| ResourceId(*id)).collect(),
            starts: date("2026-01-01"),
            ends: date(ends),
        },
    }
}

fn review(id: u64, decision: ReviewDecision) -> Action {
    Action::ReviewScenario { scenario: ScenarioId(id), decision }
}

fn product(grant: u64, digest: u8) -> Action {
    Action::RecordProduct {
        grant: DevelopmentGrantId(grant),
        name: "小微企业信用分".into(),
        description: "按月更新的企业信用评分".into(),
        digest: Hash32([digest; 32]),
    }
}

fn apply_for_product(digest: u8) -> Action {
    Action::ApplyForProperty {
        draft: PropertyApplicationDraft {
            right: RightKind::Holding,
            subject: PropertySubject::Product {
                name: "小微企业信用分".into(),
                description: "数据产品".into(),
                digest: Hash32([digest; 32]),
                inputs: vec![],
            },
            evidence_digests: vec![Hash32([1; 32])],
            valid_from: date("2026-01-01"),
            valid_until: date("2026-12-31"),
        },
    }
}

/// `chain()` after xm-jypt applied for a 普惠金融 scenario on resource 1 for 2026 and xm-dsj
/// approved it: scenario 1, development grant 1.
fn approved() -> Chain {
    let mut chain = chain();
    assert_eq!(refusal(&chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-06-30"))), None);
    assert_eq!(refusal(&chain.run(AUTHORITY, review(1, ReviewDecision::Approve))), None);
    chain
}

fn kinds(receipt: &onebook_types::block::Receipt) -> Vec<&str> {
    receipt.events.iter().map(|event| event.kind.as_str()).collect()
}

#[test]
fn an_open_data_plan_opens_the_orgs_own_open_entries_by_quarter_and_keeps_every_revision() {
    let mut chain = chain();

    let first = chain.run(CLERK, plan(2026, &[("E-OPEN", 2)]));
    let revised = chain.run(CLERK, plan(2026, &[("E-OPEN", 3)]));
    let next_year = chain.run(CLERK, plan(2027, &[("E-OPEN", 1)]));

    assert_eq!(kinds(&first), ["open_data_plan.recorded"]);
    assert_eq!([refusal(&revised), refusal(&next_year)], [None, None]);
    let plan: OpenDataPlan =
        load(&chain.state, &RecordKey::OpenDataPlan(OpenDataPlanId(1))).expect("");
    assert_eq!((plan.year, plan.revisions.len()), (2026, 2));
    assert_eq!(plan.revisions[0].openings[0].quarter, 2);
    assert_eq!(plan.revisions[1].openings[0].quarter, 3);
    let other: OpenDataPlan =
        load(&chain.state, &RecordKey::OpenDataPlan(OpenDataPlanId(2))).expect("");
    assert_eq!(other.year, 2027);
}

#[test]
fn a_plan_opens_only_open_entries_of_its_own_org_this_year_or_next() {
    let mut chain = chain();

    let shut = chain.run(CLERK, plan(2026, &[("E-SHUT", 1)]));
    let foreign = chain.run(CLERK, plan(2026, &[("E-DSJ", 1)]));
    let unknown = chain.run(CLERK, plan(2026, &[("E-NONE", 1)]));
    let past = chain.run(CLERK, plan(2025, &[("E-OPEN", 1)]));
    let fifth = chain.run(CLERK, plan(2026, &[("E-OPEN", 5)]));
    let gateway = chain.run("xm-gaj/gateway", plan(2026, &[("E-OPEN", 1)]));

    assert_eq!(refusal(&shut), Some(Rejection::OpenDataEntryNotOpen));
    assert_eq!(refusal(&foreign), Some(Rejection::OpenDataEntryNotOwn));
    assert_eq!(refusal(&unknown), Some(Rejection::OpenDataEntryNotOwn));
    assert_eq!(refusal(&past), Some(Rejection::OpenDataPlanYearInvalid));
    assert_eq!(refusal(&fifth), Some(Rejection::OpenDataPlanInvalid));
    assert_eq!(refusal(&gateway), Some(Rejection::RoleMissing));
}

#[test]
fn a_scenario_type_is_reviewed_once_by_the_regions_data_authority_yielding_a_grant() {
    let mut chain = chain();

    let applied = chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-06-30"));
    let same_type = chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-03-31"));
    let other_type = chain.run(DEVELOPER, scenario("交通出行", &[1], "2026-03-31"));
    let wrong_reviewer = chain.run("xm-scjg/share-approver", review(1, ReviewDecision::Approve));
    let approved = chain.run(AUTHORITY, review(1, ReviewDecision::Approve));
    let again = chain.run(AUTHORITY, review(1, ReviewDecision::Approve));
    let still_taken = chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-03-31"));

    assert_eq!(kinds(&applied), ["scenario.applied"]);
    assert_eq!(refusal(&same_type), Some(Rejection::ScenarioTypeTaken));
    assert_eq!(refusal(&other_type), None);
    assert_eq!(refusal(&wrong_reviewer), Some(Rejection::ReviewerNotScenarioAuthority));
    assert_eq!(kinds(&approved), ["development_grant.issued"]);
    assert_eq!(refusal(&again), Some(Rejection::ScenarioNotUnderReview));
    assert_eq!(refusal(&still_taken), Some(Rejection::ScenarioTypeTaken));
    let record: DevelopmentScenario =
        load(&chain.state, &RecordKey::Scenario(ScenarioId(1))).expect("");
    assert_eq!(record.status, ScenarioStatus::Approved { grant: DevelopmentGrantId(1) });
    let grant: DevelopmentGrant =
        load(&chain.state, &RecordKey::DevelopmentGrant(DevelopmentGrantId(1))).expect("");
    assert_eq!(grant.developer.as_str(), "xm-jypt");
    assert_eq!(grant.scenario_type, "普惠金融");
    assert_eq!(grant.resources, [ResourceId(1)]);
    assert_eq!(grant.approved_by.as_str(), "xm-dsj");
}

#[test]
fn a_returned_scenario_frees_its_type_for_a_new_application() {
    let mut chain = chain();
    chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-06-30"));
    let reasons = ReviewDecision::Return { reasons: "数据需求超出场景必要范围".into() };

    let returned = chain.run(AUTHORITY, review(1, reasons));
    let again = chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-03-31"));

    assert_eq!(kinds(&returned), ["scenario.returned"]);
    assert_eq!(refusal(&again), None);
}

#[test]
fn a_scenario_names_registered_resources_once_for_a_valid_term_and_needs_a_developer() {
    let mut chain = chain();

    let none = chain.run(DEVELOPER, scenario("普惠金融", &[], "2026-06-30"));
    let unknown = chain.run(DEVELOPER, scenario("普惠金融", &[9], "2026-06-30"));
    let twice = chain.run(DEVELOPER, scenario("普惠金融", &[1, 1], "2026-06-30"));
    let backwards = chain.run(DEVELOPER, scenario("普惠金融", &[1], "2025-12-31"));
    let not_developer = chain.run("xm-jypt/data-user", scenario("普惠金融", &[1], "2026-06-30"));

    assert_eq!(refusal(&none), Some(Rejection::ScenarioResourcesInvalid));
    assert_eq!(refusal(&unknown), Some(Rejection::ScenarioResourcesInvalid));
    assert_eq!(refusal(&twice), Some(Rejection::ScenarioResourcesInvalid));
    assert_eq!(refusal(&backwards), Some(Rejection::ScenarioTermInvalid));
    assert_eq!(refusal(&not_developer), Some(Rejection::RoleMissing));
}

#[test]
fn a_product_is_recorded_under_its_developers_grant_in_force_and_listed_under_its_resources() {
    let mut chain = approved();

    let recorded = chain.run(DEVELOPER, product(1, 5));
    let twice = chain.run(DEVELOPER, product(1, 5));
    let foreign = chain.run(OTHER_DEVELOPER, product(1, 6));
    let unknown = chain.run(DEVELOPER, product(9, 6));
    let blank = chain.run(DEVELOPER, product(1, 0));
    let after_end = date("2026-07-01").start(480);
    let late = chain.run_at(after_end, DEVELOPER, product(1, 7));

    assert_eq!(kinds(&recorded), ["product.recorded"]);
    assert_eq!(refusal(&twice), Some(Rejection::ProductAlreadyRecorded));
    assert_eq!(refusal(&foreign), Some(Rejection::DeveloperNotGrantee));
    assert_eq!(refusal(&unknown), Some(Rejection::DevelopmentGrantUnknown));
    assert_eq!(refusal(&blank), Some(Rejection::ProductDigestMissing));
    assert_eq!(refusal(&late), Some(Rejection::DevelopmentGrantNotInForce));
    let stored: DevelopedProduct =
        load(&chain.state, &RecordKey::Product(Hash32([5; 32]))).expect("");
    assert_eq!((stored.grant, stored.developer.as_str()), (DevelopmentGrantId(1), "xm-jypt"));
    let listed: ResourceProducts =
        load(&chain.state, &RecordKey::ResourceProducts(ResourceId(1))).expect("listed");
    assert_eq!(listed.products, [Hash32([5; 32])]);
}

#[test]
fn a_product_is_registered_for_property_only_when_recorded_under_a_development_grant() {
    let mut chain = approved();
    chain.run(DEVELOPER, product(1, 5));

    let unrecorded = chain.run("xm-jypt/admin", apply_for_product(6));
    let recorded = chain.run("xm-jypt/admin", apply_for_product(5));
    let by_another = chain.run("xm-gaj/admin", apply_for_product(5));

    assert_eq!(refusal(&unrecorded), Some(Rejection::ProductWithoutDevelopmentGrant));
    assert_eq!(refusal(&recorded), None);
    assert_eq!(refusal(&by_another), Some(Rejection::ProductWithoutDevelopmentGrant));
}

#[test]
fn development_is_a_rule_of_protocol_version_three() {
    let mut chain = Chain::dev();
    let developer = Action::RegisterMember {
        key: public(DEVELOPER),
        name: "开发主体".into(),
        roles: vec![Role::PrimaryDeveloper],
    };

    let role = chain.run("xm-jypt/admin", developer);
    let planned = chain.run("xm-dsj/catalog-clerk", plan(2026, &[("E-OPEN", 1)]));
    let product_before = chain.run("xm-jypt/admin", apply_for_product(6));

    assert_eq!(refusal(&role), Some(Rejection::DeveloperRoleNotYetEnabled));
    assert_eq!(refusal(&planned), Some(Rejection::ActionNotYetEnabled));
    assert_eq!(refusal(&product_before), None, "version 1 registers products as before");
}

/// The reach of each open-data and development code: see `crate::reach`.
pub(crate) fn reach(rejection: Rejection) -> Option<Reach> {
    let reach = match rejection {
        Rejection::OpenDataPlanYearInvalid => {
            Reach::by(chain(), CLERK, plan(2025, &[("E-OPEN", 1)]))
        }
        Rejection::OpenDataPlanInvalid => Reach::by(chain(), CLERK, plan(2026, &[])),
        Rejection::OpenDataEntryNotOwn => Reach::by(chain(), CLERK, plan(2026, &[("E-DSJ", 1)])),
        Rejection::OpenDataEntryNotOpen => Reach::by(chain(), CLERK, plan(2026, &[("E-SHUT", 1)])),
        Rejection::ScenarioResourcesInvalid => {
            Reach::by(chain(), DEVELOPER, scenario("普惠金融", &[9], "2026-06-30"))
        }
        Rejection::ScenarioTypeTaken => {
            let mut chain = chain();
            assert_eq!(
                refusal(&chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-06-30"))),
                None
            );
            Reach::by(chain, DEVELOPER, scenario("普惠金融", &[1], "2026-03-31"))
        }
        Rejection::ScenarioUnknown => {
            Reach::by(chain(), AUTHORITY, review(9, ReviewDecision::Approve))
        }
        Rejection::ScenarioNotUnderReview => {
            Reach::by(approved(), AUTHORITY, review(1, ReviewDecision::Approve))
        }
        Rejection::ReviewerNotScenarioAuthority => {
            let mut chain = chain();
            assert_eq!(
                refusal(&chain.run(DEVELOPER, scenario("普惠金融", &[1], "2026-06-30"))),
                None
            );
            Reach::by(chain, "xm-scjg/share-approver", review(1, ReviewDecision::Approve))
        }
        Rejection::ScenarioTermInvalid => {
            Reach::by(chain(), DEVELOPER, scenario("普惠金融", &[1], "2025-12-31"))
        }
        Rejection::DevelopmentGrantUnknown => Reach::by(approved(), DEVELOPER, product(9, 5)),
        Rejection::DevelopmentGrantNotInForce => {
            let mut chain = approved();
            chain.skip(200 * DAY_MS);
            Reach::by(chain, DEVELOPER, product(1, 5))
        }
        Rejection::DeveloperNotGrantee => Reach::by(approved(), OTHER_DEVELOPER, product(1, 5)),
        Rejection::ProductAlreadyRecorded => {
            let mut chain = approved();
            assert_eq!(refusal(&chain.run(DEVELOPER, product(1, 5))), None);
            Reach::by(chain, DEVELOPER, product(1, 5))
        }
        Rejection::ProductWithoutDevelopmentGrant => {
            Reach::by(approved(), "xm-jypt/admin", apply_for_product(6))
        }
        Rejection::DeveloperRoleNotYetEnabled => Reach::by(
            Chain::dev(),
            "xm-jypt/admin",
            Action::RegisterMember {
                key: public(DEVELOPER),
                name: "开发主体".into(),
                roles: vec![Role::PrimaryDeveloper],
            },
        ),
        _ => return None,
    };
    Some(reach)
}
