//! The catalog: an entry drafted, submitted, returned, corrected, approved, published, revised to
//! a second version and deprecated; resources under it, one authoritative source per item; and
//! the obligations a duty change and a publication open, met or overdue.

use onebook_types::{
    action::{Action, ResourceDraft, ReviewDecision, ShareType},
    ids::{CatalogCode, ObligationId, ResourceId, SystemId},
    suite::Suite,
};

use super::{Ledger, digest, entry_draft, in_order};

const CLERK: &str = "xm-scjg/catalog-clerk";
const REVIEWER: &str = "xm-dsj/catalog-clerk";
const ITEMS: [&str; 3] = ["统一社会信用代码", "企业名称", "登记状态"];

fn obligation_of(receipt: &onebook_cli::demo::Receipt) -> ObligationId {
    ObligationId(receipt.number("obligation.opened", "obligation").unwrap())
}

fn resource_draft(items: &[&str], authoritative: bool, what: &str) -> ResourceDraft {
    ResourceDraft {
        system: SystemId::from("xm-scjg-djxt"),
        snapshot_digest: digest(what),
        record_count: 1_200_000,
        items: items.iter().map(|item| (*item).to_owned()).collect(),
        authoritative,
    }
}

#[test]
fn a_catalog_entry_its_resources_and_its_obligations_go_through_their_lifecycles_over_http() {
    catalog_lifecycle(&Ledger::start());
}

/// The same lifecycle on a chain of the national suite (SM2 signatures, SM3 digests): every
/// tx, signed read, receipt and record of it is read and checked in `sm2-sm3`.
#[test]
fn the_catalog_lifecycle_runs_over_http_on_an_sm2_sm3_devnet() {
    let ledger = Ledger::start_in(Suite::Sm2Sm3);
    assert_eq!(ledger.net.suite, Suite::Sm2Sm3);
    catalog_lifecycle(&ledger);
}

fn catalog_lifecycle(ledger: &Ledger) {
    // A duty change (三定) opens a catalog update, due in working days.
    let duty =
        Action::RecordDutyChange { description: "新增知识产权质押登记职责".to_owned() };
    ledger.turned_away(CLERK, duty.clone(), "RoleMissing", 2);
    let receipt = ledger.accept("xm-scjg/admin", duty, &["obligation.opened"]);
    let update = format!("/v1/obligations/{}", obligation_of(&receipt));
    let record = ledger.record(&update);
    assert_eq!(
        (record["kind"].as_str(), record["org"].as_str()),
        (Some("catalog-update"), Some("xm-scjg"))
    );
    assert_eq!(record["status"]["status"], "open");

    // Drafted: the ledger assigns the code.
    let draft = entry_draft("企业登记信息", &ITEMS, ShareType::Unconditional);
    let receipt = ledger.accept(
        CLERK,
        Action::DraftCatalogEntry { draft: draft.clone() },
        &["catalog.drafted"],
    );
    let code = CatalogCode(receipt.id("catalog.drafted", "entry").unwrap());
    assert!(code.as_str().starts_with("350200-xm-scjg-"), "{code}");
    let entry = format!("/v1/catalog/entries/{code}");
    assert_eq!(ledger.status(&entry), "draft");
    let mut duplicate = draft.clone();
    duplicate.items.push(duplicate.items[0].clone());
    let mut insecure = draft.clone();
    insecure.security_level = 9;
    ledger.refuse_all(vec![
        (CLERK, Action::DraftCatalogEntry { draft: duplicate }, "CatalogItemsInvalid", 106),
        (CLERK, Action::DraftCatalogEntry { draft: insecure }, "SecurityLevelOutOfRange", 107),
        (
            "xm-gaj/catalog-clerk",
            Action::SubmitCatalogEntry { code: code.clone() },
            "ProviderOnly",
            112,
        ),
    ]);

    // Submitted: the duty change's catalog update is met by it.
    ledger.accept(
        CLERK,
        Action::SubmitCatalogEntry { code: code.clone() },
        &["catalog.submitted", "obligation.met"],
    );
    assert_eq!(ledger.status(&entry), "submitted");
    let record = ledger.record(&update);
    assert_eq!(record["status"]["status"], "met");
    assert_eq!(
        record["status"]["record"],
        serde_json::json!({"kind": "catalog_entry", "id": code.as_str()})
    );

    // Returned by the region's data authority, corrected in place, submitted again, approved.
    let review = |decision| Action::ReviewCatalogEntry { code: code.clone(), decision };
    ledger.refuse(
        "xm-gaj/catalog-clerk",
        review(ReviewDecision::Approve),
        "ReviewerNotDataAuthority",
        105,
    );
    let reasons = "数据项缺少数据元标识，请补正".to_owned();
    ledger.accept(
        REVIEWER,
        review(ReviewDecision::Return { reasons: reasons.clone() }),
        &["catalog.returned"],
    );
    let record = ledger.record(&entry);
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["reasons"].as_str()),
        (Some("returned"), Some(reasons.as_str()))
    );
    let mut corrected = draft.clone();
    corrected.description = "本市企业的设立、变更、注销登记信息（已补正）".to_owned();
    ledger.accept(
        CLERK,
        Action::ReviseCatalogEntry { code: code.clone(), draft: corrected },
        &["catalog.revised"],
    );
    let record = ledger.record(&entry);
    assert_eq!(record["status"]["status"], "draft");
    assert_eq!(
        record["versions"].as_array().map(Vec::len),
        Some(1),
        "a correction keeps the version"
    );
    ledger.accept(CLERK, Action::SubmitCatalogEntry { code: code.clone() }, &["catalog.submitted"]);
    ledger.refuse(
        CLERK,
        Action::PublishCatalogEntry { code: code.clone() },
        "CatalogEntryNotApproved",
        103,
    );
    ledger.accept(REVIEWER, review(ReviewDecision::Approve), &["catalog.approved"]);
    assert_eq!(ledger.status(&entry), "approved");

    // Published: version 1 is in force, and its resources are due.
    let receipt = ledger.accept(
        CLERK,
        Action::PublishCatalogEntry { code: code.clone() },
        &["catalog.published", "obligation.opened"],
    );
    let registration = format!("/v1/obligations/{}", obligation_of(&receipt));
    assert_eq!(ledger.record(&registration)["kind"], "resource-registration");
    let record = ledger.record(&entry);
    assert_eq!(
        (record["status"]["status"].as_str(), record["published"].as_u64()),
        (Some("published"), Some(1))
    );
    ledger.refuse(
        CLERK,
        Action::PublishCatalogEntry { code: code.clone() },
        "CatalogEntryNotApproved",
        103,
    );

    // Resources: the first authoritative one meets the duty and becomes the items' one source.
    let register = |draft| Action::RegisterResource { entry: code.clone(), draft };
    let receipt = ledger.accept(
        CLERK,
        register(resource_draft(&ITEMS, true, "snapshot-1")),
        &["resource.registered", "obligation.met"],
    );
    let resource = ResourceId(receipt.number("resource.registered", "resource").unwrap());
    let record = ledger.record(&format!("/v1/resources/{resource}"));
    assert_eq!(
        (record["entry"].as_str(), record["authoritative"].as_bool()),
        (Some(code.as_str()), Some(true))
    );
    assert_eq!(ledger.record(&registration)["status"]["status"], "met");
    let sources = ledger.record(&entry)["authoritative_sources"].clone();
    assert_eq!(sources.as_array().map(Vec::len), Some(ITEMS.len()), "{sources}");
    assert!(sources.as_array().unwrap().iter().all(|source| source["resource"] == resource.0));
    ledger.refuse_all(vec![
        (
            CLERK,
            register(resource_draft(&ITEMS[..1], true, "second source")),
            "AuthoritativeSourceExists",
            109,
        ),
        (
            CLERK,
            register(resource_draft(&["注册资本"], false, "unknown item")),
            "ResourceItemsNotInEntry",
            110,
        ),
    ]);
    ledger.accept(
        CLERK,
        register(resource_draft(&ITEMS[..2], false, "replica")),
        &["resource.registered"],
    );
    let update_snapshot = Action::UpdateResource {
        resource,
        snapshot_digest: digest("snapshot-2"),
        record_count: 1_250_000,
    };
    ledger.accept(CLERK, update_snapshot, &["resource.updated"]);
    let record = ledger.record(&format!("/v1/resources/{resource}"));
    assert_eq!(record["snapshot_digest"], digest("snapshot-2").to_hex());
    assert_eq!(record["record_count"], 1_250_000);

    // Version 2: drafted beside version 1, which stays in force until 2 is published.
    let mut second = draft;
    second.items.push(onebook_types::action::DataItem {
        name: "数据更新时间".to_owned(),
        data_element: "DE9001".to_owned(),
        personal_information: false,
        sensitivity: onebook_types::action::Grade::General,
    });
    ledger.accept(
        CLERK,
        Action::ReviseCatalogEntry { code: code.clone(), draft: second },
        &["catalog.revised"],
    );
    let record = ledger.record(&entry);
    assert_eq!(
        (record["status"]["status"].as_str(), record["published"].as_u64()),
        (Some("draft"), Some(1))
    );
    ledger.accept(CLERK, Action::SubmitCatalogEntry { code: code.clone() }, &["catalog.submitted"]);
    ledger.accept(REVIEWER, review(ReviewDecision::Approve), &["catalog.approved"]);
    let receipt = ledger.accept(
        CLERK,
        Action::PublishCatalogEntry { code: code.clone() },
        &["catalog.published", "obligation.opened"],
    );
    let versions = ledger.client.get(&format!("{entry}/versions")).unwrap();
    assert_eq!(versions["published"], 2);
    let numbers: Vec<u64> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["number"].as_u64())
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(
        versions["versions"][1]["content"]["items"].as_array().map(Vec::len),
        Some(ITEMS.len() + 1)
    );

    // The new version's resources are not registered: overdue once its due time has passed.
    let due = obligation_of(&receipt);
    let record = ledger.record(&format!("/v1/obligations/{due}"));
    let due_at = record["due"].as_u64().unwrap();
    let overdue = |at: u64| {
        let view =
            ledger.client.get(&format!("/v1/obligations/overdue?org=xm-scjg&at={at}")).unwrap();
        view["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["id"].as_u64())
            .collect::<Vec<u64>>()
    };
    assert!(!overdue(ledger.now()).contains(&due.0), "not due yet");
    assert!(overdue(due_at + 1).contains(&due.0), "overdue after {due_at}");

    // Deprecated: nothing more happens to it.
    let deprecate = |reason: &str| Action::DeprecateCatalogEntry {
        code: code.clone(),
        reason: reason.to_owned(),
    };
    ledger.accept(CLERK, deprecate("并入法人综合信息目录"), &["catalog.deprecated"]);
    assert_eq!(ledger.status(&entry), "deprecated");
    ledger.refuse_all(vec![
        (CLERK, deprecate("再次停用"), "CatalogEntryNotPublished", 104),
        (
            CLERK,
            register(resource_draft(&ITEMS[2..], false, "late")),
            "CatalogEntryNotPublished",
            104,
        ),
    ]);

    let timeline = ledger.timeline(&format!("catalog_entry:{code}"));
    assert!(
        in_order(
            &timeline,
            &[
                "draft_catalog_entry",
                "submit_catalog_entry",
                "review_catalog_entry",
                "revise_catalog_entry",
                "submit_catalog_entry",
                "review_catalog_entry",
                "publish_catalog_entry",
                "register_resource",
                "revise_catalog_entry",
                "publish_catalog_entry",
                "deprecate_catalog_entry",
            ]
        ),
        "{timeline:?}"
    );
}
