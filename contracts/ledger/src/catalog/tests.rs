//! The catalog on the dev network: xm-scjg (market regulation) provides entries, xm-dsj (the
//! Xiamen data bureau) is the data authority of region 350200 and reviews them. The dev chain's
//! first block falls on 2026-01-01, New Year's Day.

use onebook_types::{
    action::{
        Action, CatalogEntryDraft, DataItem, Grade, OpenType, ResourceDraft, ReviewDecision,
        ShareType,
    },
    block::Receipt,
    catalog_records::{
        CATALOG_VERSIONS_MAX, CatalogEntry, CatalogStatus, Obligation, ObligationKind,
        ObligationStatus, Resource,
    },
    hash::Hash32,
    ids::{CatalogCode, LegalBasisCode, ObligationId, OrgId, ResourceId, SystemId, Timestamp},
    record::RecordKey,
    rejection::Rejection,
    time::Date,
};

use super::is_overdue;
use crate::{
    obligations::{open_obligations, overdue_obligations},
    ports::load,
    testkit::{Chain, refusal},
};

const CLERK: &str = "xm-scjg/catalog-clerk";
const REVIEWER: &str = "xm-dsj/catalog-clerk";
const ITEMS: [&str; 3] = ["统一社会信用代码", "企业名称", "法定代表人"];

fn draft() -> CatalogEntryDraft {
    CatalogEntryDraft {
        name: "市场主体登记信息".into(),
        description: "本市市场主体的设立、变更、注销登记信息".into(),
        items: ITEMS.iter().map(|name| item(name, &format!("DE-{name}"))).collect(),
        classification: "市场监管".into(),
        grade: Grade::General,
        security_level: 2,
        share_type: ShareType::Conditional { conditions: "仅用于依法履职".into() },
        open_type: OpenType::ConditionallyOpen,
        update_frequency: "daily".into(),
        system: SystemId::from("xm-scjg-djxt"),
    }
}

/// An item of general data, not personal information.
fn item(name: &str, element: &str) -> DataItem {
    DataItem {
        name: name.into(),
        data_element: element.into(),
        personal_information: false,
        sensitivity: Grade::General,
    }
}

fn code() -> CatalogCode {
    CatalogCode::from("350200-xm-scjg-0001")
}

fn entry(chain: &Chain) -> CatalogEntry {
    load(&chain.state, &RecordKey::CatalogEntry(code())).expect("entry drafted")
}

fn ok(receipt: &Receipt) -> &Receipt {
    assert_eq!(refusal(receipt), None, "refused: {receipt:?}");
    receipt
}

fn submit(chain: &mut Chain) -> Receipt {
    chain.run(CLERK, Action::SubmitCatalogEntry { code: code() })
}

fn review(chain: &mut Chain, label: &str, decision: ReviewDecision) -> Receipt {
    chain.run(label, Action::ReviewCatalogEntry { code: code(), decision })
}

fn publish(chain: &mut Chain) -> Receipt {
    chain.run(CLERK, Action::PublishCatalogEntry { code: code() })
}

fn revise(chain: &mut Chain, draft: CatalogEntryDraft) -> Receipt {
    chain.run(CLERK, Action::ReviseCatalogEntry { code: code(), draft })
}

/// Submits, approves and publishes the latest version.
fn approve_and_publish(chain: &mut Chain) {
    ok(&submit(chain));
    ok(&review(chain, REVIEWER, ReviewDecision::Approve));
    ok(&publish(chain));
}

/// A chain with entry 0001 of xm-scjg drafted and published as version 1.
fn published_chain() -> Chain {
    let mut chain = Chain::dev();
    ok(&chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() }));
    approve_and_publish(&mut chain);
    chain
}

fn resource(items: &[&str], authoritative: bool) -> Action {
    Action::RegisterResource {
        entry: code(),
        draft: ResourceDraft {
            system: SystemId::from("xm-scjg-djxt"),
            snapshot_digest: Hash32([7; 32]),
            record_count: 1_200_000,
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            authoritative,
        },
    }
}

/// Makes a draft whose entry record would pass the record size limit.
fn oversize(draft: &mut CatalogEntryDraft) {
    for item in &mut draft.items {
        item.data_element = "元".repeat(1_300);
    }
    let template = draft.items[0].clone();
    draft.items =
        (0..80).map(|n| DataItem { name: format!("字段{n}"), ..template.clone() }).collect();
}

fn kinds(receipt: &Receipt) -> Vec<&str> {
    receipt.events.iter().map(|event| event.kind.as_str()).collect()
}

fn obligation(chain: &Chain, id: u64) -> Obligation {
    load(&chain.state, &RecordKey::Obligation(ObligationId(id))).expect("opened")
}

fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

/// 10:00 local time (UTC+8) on `day`.
fn morning(day: &str) -> Timestamp {
    Timestamp(date(day).start(480).0 + 10 * 3_600_000)
}

#[test]
fn an_entry_goes_from_draft_through_a_return_to_two_published_versions_and_deprecation() {
    let mut chain = Chain::dev();
    let mut corrected = draft();
    corrected.description.push_str("（含吊销信息）");
    let mut second = draft();
    second.items.push(item("注册资本", "DE-注册资本"));

    let drafted = ok(&chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() })).clone();
    ok(&submit(&mut chain));
    let returned = ok(&review(
        &mut chain,
        REVIEWER,
        ReviewDecision::Return { reasons: "描述缺少吊销信息".into() },
    ))
    .clone();
    assert_eq!(
        entry(&chain).status,
        CatalogStatus::Returned { reasons: "描述缺少吊销信息".into() }
    );
    ok(&revise(&mut chain, corrected.clone()));
    approve_and_publish(&mut chain);
    let first = entry(&chain);
    ok(&revise(&mut chain, second.clone()));
    let under_revision = entry(&chain);
    approve_and_publish(&mut chain);
    let both = entry(&chain);
    let deprecated = ok(&chain
        .run(CLERK, Action::DeprecateCatalogEntry { code: code(), reason: "职能划转".into() }))
    .clone();

    assert_eq!(kinds(&drafted), ["catalog.drafted"]);
    assert_eq!(drafted.events[0].attributes[0], ("entry".to_owned(), code().to_string()));
    assert_eq!(kinds(&returned), ["catalog.returned"]);
    assert_eq!((first.versions.len(), first.published), (1, Some(1)));
    assert_eq!(first.latest().content, corrected);
    assert_eq!(under_revision.status, CatalogStatus::Draft);
    assert_eq!(under_revision.published_version().map(|v| &v.content), Some(&corrected));
    assert_eq!((both.versions.len(), both.published), (2, Some(2)));
    assert_eq!(both.versions[0].content, corrected);
    assert!(both.versions[0].published_at.is_some());
    assert_eq!(both.latest().content, second);
    assert_eq!(kinds(&deprecated), ["catalog.deprecated"]);
    assert_eq!(entry(&chain).status, CatalogStatus::Deprecated { reason: "职能划转".into() });
}

#[test]
fn each_org_numbers_its_own_entries() {
    let mut chain = Chain::dev();

    chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() });
    let second = chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() });
    let police = chain.run("xm-gaj/catalog-clerk", Action::DraftCatalogEntry { draft: draft() });

    assert_eq!(second.events[0].attributes[0].1, "350200-xm-scjg-0002");
    assert_eq!(police.events[0].attributes[0].1, "350200-xm-gaj-0001");
}

#[test]
fn a_second_authoritative_source_for_the_same_item_is_refused() {
    let mut chain = published_chain();

    let first = chain.run(CLERK, resource(&ITEMS[..2], true));
    let second = chain.run(CLERK, resource(&ITEMS[1..], true));
    let copy = chain.run(CLERK, resource(&ITEMS[1..], false));
    let other_item = chain.run(CLERK, resource(&ITEMS[2..], true));

    assert_eq!(kinds(ok(&first)), ["resource.registered", "obligation.met"]);
    assert_eq!(refusal(&second), Some(Rejection::AuthoritativeSourceExists));
    assert_eq!(refusal(&copy), None);
    assert_eq!(refusal(&other_item), None);
    let entry = entry(&chain);
    assert_eq!(entry.authoritative_source(ITEMS[1]), Some(ResourceId(1)));
    assert_eq!(entry.authoritative_source(ITEMS[2]), Some(ResourceId(3)));
}

/// Drafts `draft` as an entry of `org` and has it approved and published; its code.
fn publish_as(chain: &mut Chain, org: &str, draft: CatalogEntryDraft) -> CatalogCode {
    let clerk = format!("{org}/catalog-clerk");
    let drafted = chain.run(&clerk, Action::DraftCatalogEntry { draft });
    let code = CatalogCode(ok(&drafted).events[0].attributes[0].1.clone());
    ok(&chain.run(&clerk, Action::SubmitCatalogEntry { code: code.clone() }));
    let approve = ReviewDecision::Approve;
    ok(&chain.run(REVIEWER, Action::ReviewCatalogEntry { code: code.clone(), decision: approve }));
    ok(&chain.run(&clerk, Action::PublishCatalogEntry { code: code.clone() }));
    code
}

/// An entry draft holding one item per `(name, data element)`.
fn draft_of(name: &str, items: &[(&str, &str)]) -> CatalogEntryDraft {
    let items = items.iter().map(|(name, element)| item(name, element)).collect();
    CatalogEntryDraft { name: name.into(), items, ..draft() }
}

fn authoritative(entry: &CatalogCode, items: &[&str]) -> Action {
    let Action::RegisterResource { draft, .. } = resource(items, true) else { unreachable!() };
    Action::RegisterResource { entry: entry.clone(), draft }
}

/// 一数一源 across the consortium: once xm-gaj's entry is the authoritative source of the data
/// element DE-GA-0002 (公民身份号码), xm-scjg's entry cannot claim it too, under any item name.
#[test]
fn two_orgs_entries_claiming_one_data_element_have_one_authoritative_source() {
    let mut chain = Chain::dev();
    let police =
        draft_of("常住人口信息", &[("公民身份号码", "DE-GA-0002"), ("姓名", "DE-GA-0001")]);
    let police = publish_as(&mut chain, "xm-gaj", police);
    let market = draft_of("法定代表人信息", &[("法定代表人身份证号", "DE-GA-0002")]);
    let market = publish_as(&mut chain, "xm-scjg", market);
    let first = chain.run("xm-gaj/catalog-clerk", authoritative(&police, &["公民身份号码"]));

    let second = chain.run(CLERK, authoritative(&market, &["法定代表人身份证号"]));

    assert_eq!(refusal(&first), None);
    assert_eq!(refusal(&second), Some(Rejection::AuthoritativeSourceExists));
}

/// A chain where xm-gaj's entry `police` holds the authoritative source of DE-GA-0002
/// (公民身份号码) and xm-scjg's published entry `market` follows the same element (证件号码).
fn police_source_and_market_entry() -> (Chain, CatalogCode, CatalogCode) {
    let mut chain = Chain::dev();
    let police = draft_of("常住人口信息", &[("公民身份号码", "DE-GA-0002")]);
    let police = publish_as(&mut chain, "xm-gaj", police);
    let market = publish_as(
        &mut chain,
        "xm-scjg",
        draft_of("法定代表人信息", &[("证件号码", "DE-GA-0002")]),
    );
    ok(&chain.run("xm-gaj/catalog-clerk", authoritative(&police, &["公民身份号码"])));
    (chain, police, market)
}

/// A deprecated entry is no longer the source of its data elements: another entry may claim them.
#[test]
fn a_deprecated_entrys_data_elements_may_be_claimed_by_another_entry() {
    let (mut chain, police, market) = police_source_and_market_entry();
    let deprecate = Action::DeprecateCatalogEntry { code: police, reason: "职能划转".into() };
    let deprecated = chain.run("xm-gaj/catalog-clerk", deprecate);

    let claimed = chain.run(CLERK, authoritative(&market, &["证件号码"]));

    let released = &ok(&deprecated).events[0].attributes;
    assert!(released.contains(&("sources_released".into(), "1".into())), "{released:?}");
    assert_eq!(refusal(&claimed), None);
}

/// The refused claim's receipt names who holds the source.
#[test]
fn a_refused_claim_names_the_holder_of_the_source() {
    let (mut chain, police, market) = police_source_and_market_entry();

    let refused = chain.run(CLERK, authoritative(&market, &["证件号码"]));

    assert_eq!(refusal(&refused), Some(Rejection::AuthoritativeSourceExists));
    assert_eq!(kinds(&refused), [Receipt::REFUSED]);
    let detail: Vec<(&str, &str)> =
        refused.events[0].attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        detail,
        [
            ("rejection", "AuthoritativeSourceExists"),
            ("item", "证件号码"),
            ("data_element", "DE-GA-0002"),
            ("holder_resource", "1"),
            ("holder_entry", police.as_str()),
            ("holder_org", "xm-gaj"),
            ("org", "xm-scjg"),
        ]
    );
}

/// An item that names no data element is keyed by its name across the consortium.
#[test]
fn items_without_a_data_element_have_one_authoritative_source_per_name() {
    let mut chain = Chain::dev();
    let police = publish_as(&mut chain, "xm-gaj", draft_of("联系信息", &[("联系电话", "")]));
    let market = publish_as(&mut chain, "xm-scjg", draft_of("联络信息", &[("联系电话", "")]));
    let first = chain.run("xm-gaj/catalog-clerk", authoritative(&police, &["联系电话"]));

    let second = chain.run(CLERK, authoritative(&market, &["联系电话"]));

    assert_eq!(refusal(&first), None);
    assert_eq!(refusal(&second), Some(Rejection::AuthoritativeSourceExists));
}

#[test]
fn a_provider_clerk_records_a_new_snapshot_of_a_resource() {
    let mut chain = published_chain();
    chain.run(CLERK, resource(&ITEMS, true));
    let update = |resource| Action::UpdateResource {
        resource,
        snapshot_digest: Hash32([9; 32]),
        record_count: 1_250_000,
    };

    let updated = chain.run(CLERK, update(ResourceId(1)));
    let stranger = chain.run("xm-gaj/catalog-clerk", update(ResourceId(1)));
    let unknown = chain.run(CLERK, update(ResourceId(9)));

    assert_eq!(kinds(ok(&updated)), ["resource.updated"]);
    let stored: Resource = load(&chain.state, &RecordKey::Resource(ResourceId(1))).expect("kept");
    assert_eq!((stored.snapshot_digest, stored.record_count), (Hash32([9; 32]), 1_250_000));
    assert_eq!(refusal(&stranger), Some(Rejection::ProviderOnly));
    assert_eq!(refusal(&unknown), Some(Rejection::ResourceUnknown));
}

#[test]
fn a_xiamen_duty_change_is_due_seven_working_days_later_across_new_year_and_met_by_a_submission() {
    // Opened Thu 2026-01-01, a holiday. Fri 2 and Sat 3 are off; Sun 4 is a make-up day (1);
    // Mon 5 to Fri 9 (6); the weekend is off; Mon 12 (7).
    let mut chain = Chain::dev();

    let opened =
        chain.run("xm-scjg/admin", Action::RecordDutyChange { description: "新增职责".into() });
    chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() });
    let submitted = submit(&mut chain);
    let later = submit(&mut chain);

    assert_eq!(kinds(ok(&opened)), ["obligation.opened"]);
    let obligation: Obligation =
        load(&chain.state, &RecordKey::Obligation(ObligationId(1))).expect("opened");
    assert_eq!(Date::of_timestamp(obligation.due, 480), "2026-01-12".parse().expect("date"));
    assert_eq!(
        Date::of_timestamp(Timestamp(obligation.due.0 + 1), 480),
        "2026-01-13".parse().expect("date")
    );
    assert_eq!(kinds(ok(&submitted)), ["catalog.submitted", "obligation.met"]);
    assert!(matches!(
        obligation.status,
        ObligationStatus::Met { ref record, .. } if *record == RecordKey::CatalogEntry(code())
    ));
    assert_eq!(open_obligations(&chain.state, &OrgId::from("xm-scjg")), []);
    assert!(!is_overdue(&obligation, Timestamp(obligation.due.0 + 1)));
    assert_eq!(refusal(&later), Some(Rejection::CatalogEntryNotDraft));
}

#[test]
fn an_unmet_duty_change_is_overdue_once_its_due_time_has_passed() {
    let mut chain = Chain::dev();
    chain.run("xm-scjg/admin", Action::RecordDutyChange { description: "职能划入".into() });
    // Another org's submission does not meet xm-scjg's obligation.
    chain.run("xm-gaj/catalog-clerk", Action::DraftCatalogEntry { draft: draft() });
    chain.run(
        "xm-gaj/catalog-clerk",
        Action::SubmitCatalogEntry { code: CatalogCode::from("350200-xm-gaj-0001") },
    );

    let obligation: Obligation =
        load(&chain.state, &RecordKey::Obligation(ObligationId(1))).expect("opened");

    assert_eq!(obligation.status, ObligationStatus::Open);
    assert!(!is_overdue(&obligation, obligation.due));
    assert!(is_overdue(&obligation, Timestamp(obligation.due.0 + 1)));
}

#[test]
fn a_duty_change_on_the_eve_of_the_spring_festival_is_due_after_the_holiday_and_then_overdue() {
    // Opened Fri 2026-02-13. Sat 14 is a make-up day (1); Feb 15-23 are the Spring Festival;
    // Tue 24 to Fri 27 (5); Sat 28 is a make-up day (6); Sun Mar 1 is off; Mon Mar 2 (7).
    let mut chain = Chain::dev();
    let scjg = OrgId::from("xm-scjg");
    let duty = Action::RecordDutyChange { description: "职能划入".into() };

    ok(&chain.run_at(morning("2026-02-13"), "xm-scjg/admin", duty));

    let due = obligation(&chain, 1).due;
    assert_eq!(Date::of_timestamp(due, 480), date("2026-03-02"));
    assert_eq!(overdue_obligations(&chain.state, &scjg, morning("2026-03-02")), []);
    let overdue = overdue_obligations(&chain.state, &scjg, morning("2026-03-03"));
    assert_eq!(overdue, [obligation(&chain, 1)]);
    assert_eq!(overdue[0].kind, ObligationKind::CatalogUpdate);
}

#[test]
fn publishing_opens_a_resource_registration_obligation_met_by_a_resource_under_the_entry() {
    let mut chain = published_chain();
    let published = obligation(&chain, 1);

    let registered = chain.run(CLERK, resource(&ITEMS, true));

    assert_eq!(published.kind, ObligationKind::ResourceRegistration);
    assert_eq!(published.subject, Some(RecordKey::CatalogEntry(code())));
    let days = (published.due.0 - published.opened_time.0) / 86_400_000;
    assert!(days >= 7, "seven working days, plus weekends and holidays: {days}");
    assert_eq!(kinds(ok(&registered)), ["resource.registered", "obligation.met"]);
    assert!(matches!(
        obligation(&chain, 1).status,
        ObligationStatus::Met { record: RecordKey::Resource(ResourceId(1)), .. }
    ));
    assert_eq!(open_obligations(&chain.state, &OrgId::from("xm-scjg")), []);
}

#[test]
fn an_entry_published_without_a_resource_is_an_overdue_duty_and_a_new_version_opens_no_second() {
    let mut chain = published_chain();
    ok(&revise(&mut chain, draft()));

    approve_and_publish(&mut chain);
    let due = obligation(&chain, 1).due;

    let scjg = OrgId::from("xm-scjg");
    assert_eq!(open_obligations(&chain.state, &scjg).len(), 1);
    assert_eq!(overdue_obligations(&chain.state, &scjg, due), []);
    assert_eq!(overdue_obligations(&chain.state, &scjg, Timestamp(due.0 + 1)).len(), 1);
    assert_eq!(overdue_obligations(&chain.state, &OrgId::from("xm-gaj"), Timestamp(u64::MAX)), []);
}

#[test]
fn only_an_org_admin_records_a_duty_change_with_a_description() {
    let mut chain = Chain::dev();

    let clerk = chain.run(CLERK, Action::RecordDutyChange { description: "调整".into() });
    let blank = chain.run("xm-scjg/admin", Action::RecordDutyChange { description: " ".into() });

    assert_eq!(refusal(&clerk), Some(Rejection::RoleMissing));
    assert_eq!(refusal(&blank), Some(Rejection::TextRequired));
}

#[test]
fn a_draft_is_checked_before_it_gets_a_code() {
    let mut chain = Chain::dev();
    let with = |change: fn(&mut CatalogEntryDraft)| {
        let mut draft = draft();
        change(&mut draft);
        Action::DraftCatalogEntry { draft }
    };
    let cases = [
        with(|d| d.items.clear()),
        with(|d| d.items[1].name = d.items[0].name.clone()),
        with(|d| d.security_level = 0),
        with(|d| d.security_level = 6),
        with(|d| d.share_type = ShareType::NotShared { legal_basis: LegalBasisCode::from("none") }),
        with(|d| d.system = SystemId::from("登记 系统")),
        with(|d| d.name = String::new()),
        with(oversize),
    ];

    let codes: Vec<_> =
        cases.into_iter().map(|action| refusal(&chain.run(CLERK, action))).collect();
    let admin = chain.run("xm-scjg/admin", Action::DraftCatalogEntry { draft: draft() });
    let not_shared = chain.run(
        CLERK,
        with(|d| {
            d.share_type = ShareType::NotShared { legal_basis: LegalBasisCode::from("dsl-38") }
        }),
    );

    assert_eq!(
        codes,
        [
            Some(Rejection::CatalogItemsInvalid),
            Some(Rejection::CatalogItemsInvalid),
            Some(Rejection::SecurityLevelOutOfRange),
            Some(Rejection::SecurityLevelOutOfRange),
            Some(Rejection::LegalBasisUnknown),
            Some(Rejection::IdMalformed),
            Some(Rejection::TextRequired),
            Some(Rejection::CatalogEntryTooLarge),
        ]
    );
    assert_eq!(refusal(&admin), Some(Rejection::RoleMissing));
    assert_eq!(refusal(&not_shared), None);
    assert_eq!(not_shared.events[0].attributes[0].1, "350200-xm-scjg-0001");
}

#[test]
fn only_the_data_authority_of_the_region_reviews_a_submitted_entry() {
    let mut chain = Chain::dev();
    chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() });

    let not_submitted = review(&mut chain, REVIEWER, ReviewDecision::Approve);
    submit(&mut chain);
    let police = review(&mut chain, "xm-gaj/catalog-clerk", ReviewDecision::Approve);
    let admin = review(&mut chain, "xm-dsj/admin", ReviewDecision::Approve);
    let no_reasons =
        review(&mut chain, REVIEWER, ReviewDecision::Return { reasons: String::new() });
    let approved = review(&mut chain, REVIEWER, ReviewDecision::Approve);

    assert_eq!(refusal(&not_submitted), Some(Rejection::CatalogEntryNotSubmitted));
    assert_eq!(refusal(&police), Some(Rejection::ReviewerNotDataAuthority));
    assert_eq!(refusal(&admin), Some(Rejection::RoleMissing));
    assert_eq!(refusal(&no_reasons), Some(Rejection::TextRequired));
    assert_eq!(kinds(ok(&approved)), ["catalog.approved"]);
}

#[test]
fn only_the_provider_acts_on_an_existing_entry_in_its_turn() {
    let mut chain = Chain::dev();
    chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() });

    let unknown = chain.run(CLERK, Action::SubmitCatalogEntry { code: CatalogCode::from("x") });
    let stranger = chain.run("xm-gaj/catalog-clerk", Action::SubmitCatalogEntry { code: code() });
    let unapproved = publish(&mut chain);
    let deprecate_draft =
        chain.run(CLERK, Action::DeprecateCatalogEntry { code: code(), reason: "重复".into() });
    let resource_on_draft = chain.run(CLERK, resource(&ITEMS, false));
    submit(&mut chain);
    let revise_submitted = revise(&mut chain, draft());

    assert_eq!(refusal(&unknown), Some(Rejection::CatalogEntryUnknown));
    assert_eq!(refusal(&stranger), Some(Rejection::ProviderOnly));
    assert_eq!(refusal(&unapproved), Some(Rejection::CatalogEntryNotApproved));
    assert_eq!(refusal(&deprecate_draft), Some(Rejection::CatalogEntryNotPublished));
    assert_eq!(refusal(&resource_on_draft), Some(Rejection::CatalogEntryNotPublished));
    assert_eq!(refusal(&revise_submitted), Some(Rejection::CatalogEntryNotPublished));
}

#[test]
fn a_resource_holds_distinct_items_of_the_published_version() {
    let mut chain = published_chain();

    let unknown = chain.run(CLERK, resource(&["注册资本"], false));
    let empty = chain.run(CLERK, resource(&[], false));
    let repeated = chain.run(CLERK, resource(&[ITEMS[0], ITEMS[0]], false));
    chain.run(CLERK, Action::DeprecateCatalogEntry { code: code(), reason: "撤销".into() });
    let deprecated = chain.run(CLERK, resource(&ITEMS, false));

    assert_eq!(refusal(&unknown), Some(Rejection::ResourceItemsNotInEntry));
    assert_eq!(refusal(&empty), Some(Rejection::ResourceItemsNotInEntry));
    assert_eq!(refusal(&repeated), Some(Rejection::ResourceItemsNotInEntry));
    assert_eq!(refusal(&deprecated), Some(Rejection::CatalogEntryNotPublished));
}

#[test]
fn an_entry_keeps_at_most_the_version_limit() {
    let mut chain = published_chain();
    for _ in 1..CATALOG_VERSIONS_MAX {
        ok(&revise(&mut chain, draft()));
        approve_and_publish(&mut chain);
    }

    let one_more = revise(&mut chain, draft());

    assert_eq!(entry(&chain).versions.len(), CATALOG_VERSIONS_MAX);
    assert_eq!(refusal(&one_more), Some(Rejection::CatalogVersionsFull));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn no_item_ever_has_two_authoritative_resources(
        registrations in proptest::collection::vec((1u8..8, proptest::bool::ANY), 1..10),
    ) {
        let mut chain = published_chain();

        for (mask, authoritative) in &registrations {
            let items: Vec<&str> =
                ITEMS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect();
            chain.run(CLERK, resource(&items, *authoritative));
        }

        let last: u64 =
            load(&chain.state, &RecordKey::Sequence("resource".into())).unwrap_or(0);
        let resources: Vec<Resource> = (1..=last)
            .map(|id| load(&chain.state, &RecordKey::Resource(ResourceId(id))).expect("stored"))
            .collect();
        let entry = entry(&chain);
        for item in ITEMS {
            let sources: Vec<ResourceId> = resources
                .iter()
                .filter(|r| r.authoritative && r.items.iter().any(|i| i == item))
                .map(|r| r.id)
                .collect();
            proptest::prop_assert!(sources.len() <= 1, "{item} has sources {sources:?}");
            proptest::prop_assert_eq!(entry.authoritative_source(item), sources.first().copied());
        }
    }
}

/// The catalog and sharing rules meet: a published conditional entry is requested by another
/// bureau's gateway, approved by the provider, and accessed under the grant; an access to a
/// resource outside the grant's entry, and one that returned an item the grant does not name,
/// are recorded as violations.
#[test]
fn a_published_entry_is_requested_approved_and_accessed_under_its_grant() {
    use onebook_types::{
        action::{AccessDraft, AccessOperation, ShareAnswer, ShareRequestDraft},
        ids::{AccessEventId, GrantId, ShareRequestId},
        sharing_records::{AccessEvent, ShareRequest, ShareStatus, Violation, ViolationReason},
    };
    let mut chain = published_chain();
    ok(&chain.run(CLERK, resource(&ITEMS[..2], true)));
    let today = Date::of_timestamp(chain.context().time, 480);
    let request = ShareRequestDraft {
        entry: code(),
        items: vec![ITEMS[1].into()],
        purpose: "核查涉案企业登记信息".into(),
        legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
        starts: today,
        ends: Date(today.0 + 30),
        exception: false,
    };
    let gateway = "xm-gaj/gateway";

    ok(&chain.run(gateway, Action::RequestShare { draft: request }));
    let answer = ShareAnswer::Approve {
        items: vec![ITEMS[1].into()],
        expires_at: Timestamp(chain.context().time.0 + 10 * 86_400_000),
        conditions: "仅限办案使用".into(),
        legal_basis: None,
    };
    ok(&chain
        .run("xm-scjg/share-approver", Action::AnswerShare { request: ShareRequestId(1), answer }));
    let access = |resource: u64, item: &str| AccessDraft {
        grant: Some(GrantId(1)),
        member: crate::testkit::public(gateway),
        resource: ResourceId(resource),
        items: vec![item.into()],
        operation: AccessOperation::Query,
        record_count: 1,
        request_digest: Hash32([9; 32]),
        accessed_at: chain.context().time,
    };
    let events = vec![access(1, ITEMS[1]), access(99, ITEMS[1]), access(1, ITEMS[0])];
    let receipt = chain.run(gateway, Action::RecordAccesses { events });

    ok(&receipt);
    let shared: ShareRequest =
        load(&chain.state, &RecordKey::ShareRequest(ShareRequestId(1))).expect("request");
    assert!(matches!(shared.status, ShareStatus::Granted { grant: GrantId(1) }));
    let reason = |id: u64| {
        let event: AccessEvent =
            load(&chain.state, &RecordKey::AccessEvent(AccessEventId(id))).expect("recorded");
        event.violation.map(|violation| {
            let violation: Violation =
                load(&chain.state, &RecordKey::Violation(violation)).expect("recorded");
            violation.reason
        })
    };
    assert_eq!(
        [reason(1), reason(2), reason(3)],
        [None, Some(ViolationReason::OutOfScope), Some(ViolationReason::ItemOutOfScope)]
    );
    assert_eq!(kinds(&receipt), ["access.recorded", "violation.recorded", "violation.recorded"]);
}

/// The reach of each catalog code: see `crate::reach`.
pub(crate) fn reach(rejection: Rejection) -> Option<crate::testkit::Reach> {
    use crate::testkit::Reach;
    let drafted = || {
        let mut chain = Chain::dev();
        ok(&chain.run(CLERK, Action::DraftCatalogEntry { draft: draft() }));
        chain
    };
    let with = |change: fn(&mut CatalogEntryDraft)| {
        let mut draft = draft();
        change(&mut draft);
        Action::DraftCatalogEntry { draft }
    };
    let reach = match rejection {
        Rejection::CatalogEntryUnknown => {
            Reach::by(Chain::dev(), CLERK, Action::SubmitCatalogEntry { code: code() })
        }
        Rejection::CatalogEntryNotDraft => {
            let mut chain = drafted();
            ok(&submit(&mut chain));
            Reach::by(chain, CLERK, Action::SubmitCatalogEntry { code: code() })
        }
        Rejection::CatalogEntryNotSubmitted => Reach::by(
            drafted(),
            REVIEWER,
            Action::ReviewCatalogEntry { code: code(), decision: ReviewDecision::Approve },
        ),
        Rejection::CatalogEntryNotApproved => {
            Reach::by(drafted(), CLERK, Action::PublishCatalogEntry { code: code() })
        }
        Rejection::CatalogEntryNotPublished => Reach::by(
            drafted(),
            CLERK,
            Action::DeprecateCatalogEntry { code: code(), reason: "重复".into() },
        ),
        Rejection::ReviewerNotDataAuthority => {
            let mut chain = drafted();
            ok(&submit(&mut chain));
            Reach::by(
                chain,
                "xm-gaj/catalog-clerk",
                Action::ReviewCatalogEntry { code: code(), decision: ReviewDecision::Approve },
            )
        }
        Rejection::CatalogItemsInvalid => Reach::by(Chain::dev(), CLERK, with(|d| d.items.clear())),
        Rejection::SecurityLevelOutOfRange => {
            Reach::by(Chain::dev(), CLERK, with(|d| d.security_level = 6))
        }
        Rejection::LegalBasisUnknown => Reach::by(
            Chain::dev(),
            CLERK,
            with(|d| {
                d.share_type = ShareType::NotShared { legal_basis: LegalBasisCode::from("none") }
            }),
        ),
        Rejection::AuthoritativeSourceExists => {
            let mut chain = published_chain();
            ok(&chain.run(CLERK, resource(&ITEMS[..1], true)));
            Reach::by(chain, CLERK, resource(&ITEMS[..2], true))
        }
        Rejection::ResourceItemsNotInEntry => {
            Reach::by(published_chain(), CLERK, resource(&["注册资本"], false))
        }
        Rejection::ResourceUnknown => Reach::by(
            Chain::dev(),
            CLERK,
            Action::UpdateResource {
                resource: ResourceId(9),
                snapshot_digest: Hash32([8; 32]),
                record_count: 1,
            },
        ),
        Rejection::ProviderOnly => Reach::by(
            drafted(),
            "xm-gaj/catalog-clerk",
            Action::SubmitCatalogEntry { code: code() },
        ),
        Rejection::CatalogVersionsFull => {
            let mut chain = published_chain();
            for _ in 1..CATALOG_VERSIONS_MAX {
                ok(&revise(&mut chain, draft()));
                approve_and_publish(&mut chain);
            }
            Reach::by(chain, CLERK, Action::ReviseCatalogEntry { code: code(), draft: draft() })
        }
        Rejection::CatalogEntryTooLarge => Reach::by(Chain::dev(), CLERK, with(oversize)),
        _ => return None,
    };
    Some(reach)
}
