//! The grant lifecycle and open-data development (protocol version 3), over HTTP: governance
//! schedules version 3; a provincial grant passed on to a city bureau (数据回流) within its scope
//! and term; the province's revocation ending the onward grant's cover; close-outs on time, and
//! the missing one overdue exactly after its working days; an open-data plan, a development
//! scenario approved once for its type, a product under its development grant, and the property
//! registration that must cite one.

use std::time::Duration;

use onebook_types::{
    action::{
        AccessDraft, AccessOperation, Action, GovernanceChange, OpenType, PropertyApplicationDraft,
        PropertySubject, ReviewDecision, RightKind, ShareAnswer, ShareRequestDraft, ShareType,
    },
    consortium::Role,
    development_records::{PlannedOpening, ScenarioDraft},
    hash::Hash32,
    ids::{
        DevelopmentGrantId, GrantId, Height, LegalBasisCode, OrgId, ProposalId, ProtocolVersion,
        ResourceId, ScenarioId, ShareRequestId, Timestamp,
    },
    lifecycle_records::CloseOutDisposition,
    time::{DAY_MS, Date},
};

use onebook_types::suite::Suite;

use super::{Ledger, digest, entry_draft, key, publish, register};

/// The admins of three of the four validator orgs: enough to pass a proposal.
const VOTERS: [&str; 3] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"];
const OFFSET_MINUTES: i16 = 480;

/// Passes `change` through governance; the receipts of the votes.
fn pass(ledger: &Ledger, change: GovernanceChange) -> Vec<onebook_cli::demo::Receipt> {
    let submit = Action::SubmitProposal { change, rationale: "启用新规则".to_owned() };
    let receipt = ledger.accept(VOTERS[0], submit, &["proposal.submitted"]);
    let proposal = ProposalId(receipt.number("proposal.submitted", "proposal").unwrap());
    let votes =
        VOTERS.iter().map(|voter| (*voter, Action::VoteProposal { proposal, approve: true }));
    ledger.accept_all(votes.collect())
}

/// Schedules versions 2 and 3 a few blocks ahead and waits until version 3 judges the blocks.
pub(crate) fn upgrade_to_version_three(ledger: &Ledger) {
    let (tip, _) = ledger.client.tip().expect("tip");
    let (two, three) = (tip + 12, tip + 13);
    for (version, height) in [(2, two), (3, three)] {
        let change = GovernanceChange::ScheduleUpgrade {
            version: ProtocolVersion(version),
            height: Height(height),
        };
        let receipts = pass(ledger, change);
        assert!(receipts.iter().any(|r| r.kinds().contains(&"protocol.scheduled")), "{receipts:?}");
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while ledger.client.tip().expect("tip").0 < three {
        assert!(std::time::Instant::now() < deadline, "version 3 activates at height {three}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `requester` (of the city's data authority) asks for `items` of the entry `code` for 30 days
/// from today, to pass the data back down (数据回流), and `approver` grants them: the request,
/// the grant's receipt (`grant.issued`, then the close-out duty's `obligation.opened`) and the
/// grant's expiry in ms.
pub(crate) fn grant_down(
    ledger: &Ledger,
    code: onebook_types::ids::CatalogCode,
    items: &[&str],
    requester: &str,
    approver: &str,
) -> (ShareRequestId, onebook_cli::demo::Receipt, u64) {
    let day = today(ledger);
    let items: Vec<String> = items.iter().map(|item| (*item).to_owned()).collect();
    let request = Action::RequestShare {
        draft: ShareRequestDraft {
            entry: code,
            items: items.clone(),
            purpose: "市级数据回流，支撑基层执法核查".to_owned(),
            legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
            starts: day,
            ends: Date(day.0 + 29),
            exception: false,
        },
    };
    let requested = ledger.accept(
        requester,
        request,
        &["share_request.submitted", "share_request.under_review"],
    );
    let request =
        ShareRequestId(requested.number("share_request.submitted", "share_request").unwrap());
    let expires_at = Date(day.0 + 30).start(OFFSET_MINUTES).0;
    let answer = Action::AnswerShare {
        request,
        answer: ShareAnswer::Approve {
            items,
            expires_at: Timestamp(expires_at),
            conditions: "仅用于依法履职".to_owned(),
            legal_basis: None,
        },
    };
    let granted = ledger.accept(approver, answer, &["grant.issued", "obligation.opened"]);
    (request, granted, expires_at)
}

pub(crate) fn today(ledger: &Ledger) -> Date {
    Date::of_timestamp(Timestamp(ledger.now()), OFFSET_MINUTES)
}

fn access(suite: Suite, gateway: &str, grant: GrantId, resource: ResourceId, n: u64) -> Action {
    Action::RecordAccesses {
        events: vec![AccessDraft {
            grant: Some(grant),
            member: key(suite, gateway),
            resource,
            items: vec!["许可证编号".to_owned()],
            operation: AccessOperation::Query,
            record_count: n,
            request_digest: digest(&format!("{gateway}/{n}")),
            accessed_at: Timestamp(1_800_000_000_000 + n),
        }],
    }
}

pub(crate) fn onward(parent: GrantId, grantee: &str, items: &[&str], expires_at: u64) -> Action {
    Action::GrantOnward {
        parent,
        grantee: OrgId::from(grantee),
        items: items.iter().map(|item| (*item).to_owned()).collect(),
        expires_at: Timestamp(expires_at),
        conditions: "仅限辖区执法".to_owned(),
    }
}

pub(crate) fn close_out(grant: GrantId, disposition: CloseOutDisposition) -> Action {
    Action::CloseOutGrant {
        grant,
        disposition,
        attestation_digest: digest(&format!("销毁证明/{grant}")),
    }
}

/// The obligations of `org` overdue at block time `at`, by id.
fn overdue(ledger: &Ledger, org: &str, at: u64) -> Vec<u64> {
    let view = ledger.client.get(&format!("/v1/obligations/overdue?org={org}&at={at}")).unwrap();
    view["obligations"]
        .as_array()
        .unwrap_or_else(|| panic!("no obligations: {view}"))
        .iter()
        .map(|obligation| obligation["id"].as_u64().expect("an id"))
        .collect()
}

#[test]
fn a_grant_passed_on_down_the_hierarchy_is_revoked_and_closed_out_over_http() {
    a_grant_passed_on_down_the_hierarchy_is_revoked_and_closed_out_over_http_in(
        Suite::Ed25519Blake3,
    );
}

/// As [`a_grant_passed_on_down_the_hierarchy_is_revoked_and_closed_out_over_http`], on a chain of `suite`.
pub(super) fn a_grant_passed_on_down_the_hierarchy_is_revoked_and_closed_out_over_http_in(
    suite: Suite,
) {
    let ledger = Ledger::start_in(suite);
    upgrade_to_version_three(&ledger);
    ledger.accept_all(vec![
        (
            "fj-sjj/admin",
            Action::RegisterMember {
                key: key(suite, "fj-sjj/catalog-clerk"),
                name: "省数据管理局 目录编制人员".to_owned(),
                roles: vec![Role::CatalogClerk],
            },
        ),
        (
            "xm-dsj/admin",
            Action::RegisterMember {
                key: key(suite, "xm-dsj/data-user"),
                name: "市大数据管理局 数据使用方".to_owned(),
                roles: vec![Role::DataUser],
            },
        ),
    ]);
    ledger.accept(
        "fj-sjj/admin",
        Action::RegisterMember {
            key: key(suite, "fj-sjj/share-approver"),
            name: "省数据管理局 共享审核人".to_owned(),
            roles: vec![Role::ShareApprover],
        },
        &["member.registered"],
    );

    // The province's conditionally shared licence entry, reviewed by its own data authority.
    let items = ["统一社会信用代码", "许可证编号", "经营地址"];
    let condition = ShareType::Conditional { conditions: "仅用于依法履职".to_owned() };
    let draft = entry_draft("全省企业经营许可信息", &items, condition);
    let clerk = "fj-sjj/catalog-clerk";
    let drafted = ledger.accept(clerk, Action::DraftCatalogEntry { draft }, &["catalog.drafted"]);
    let code = onebook_types::ids::CatalogCode(drafted.id("catalog.drafted", "entry").unwrap());
    ledger.accept(clerk, Action::SubmitCatalogEntry { code: code.clone() }, &["catalog.submitted"]);
    let review =
        Action::ReviewCatalogEntry { code: code.clone(), decision: ReviewDecision::Approve };
    ledger.accept(clerk, review, &["catalog.approved"]);
    let published = ledger.client.submit(clerk, Action::PublishCatalogEntry { code: code.clone() });
    assert!(published.unwrap().accepted());
    let resource = register(&ledger, "fj-sjj", &code, &items);

    // The city asks for two items; the province grants them for 30 days, which opens the city's
    // close-out obligation.
    let items = ["统一社会信用代码", "许可证编号"];
    let (request_id, granted, expires_at) =
        grant_down(&ledger, code, &items, "xm-dsj/data-user", "fj-sjj/share-approver");
    let parent = GrantId(granted.number("grant.issued", "grant").unwrap());
    let city_duty = granted.number("obligation.opened", "obligation").unwrap();
    let duty = ledger.record(&format!("/v1/obligations/{city_duty}"));
    assert_eq!(duty["kind"], "grant-close-out", "{duty}");
    assert_eq!(duty["org"], "xm-dsj", "{duty}");

    // Passed on to the city's police bureau: never wider, never longer, never upward.
    let approver = "xm-dsj/share-approver";
    ledger.refuse_all(vec![
        (
            approver,
            onward(parent, "xm-gaj", &["经营地址"], expires_at),
            "OnwardScopeExceedsParent",
            312,
        ),
        (
            approver,
            onward(parent, "xm-gaj", &["许可证编号"], expires_at + 1),
            "OnwardTermExceedsParent",
            313,
        ),
        (
            approver,
            onward(parent, "fj-sjj", &["许可证编号"], expires_at),
            "OnwardGranteeNotBelow",
            314,
        ),
    ]);
    let passed_on = ledger.accept(
        approver,
        onward(parent, "xm-gaj", &["许可证编号"], expires_at - DAY_MS),
        &["grant.issued_onward", "obligation.opened"],
    );
    let child = GrantId(passed_on.number("grant.issued_onward", "grant").unwrap());
    let bureau_duty = passed_on.number("obligation.opened", "obligation").unwrap();
    let record = ledger.record(&format!("/v1/grants/{child}"));
    assert_eq!(
        (record["grantee"].as_str(), record["provider"].as_str()),
        (Some("xm-gaj"), Some("fj-sjj"))
    );
    assert_eq!(record["request"], request_id.0, "{record}");
    let covered = ledger.accept(
        "xm-gaj/gateway",
        access(suite, "xm-gaj/gateway", child, resource, 1),
        &["access.recorded"],
    );
    assert_eq!(covered.attribute("access.recorded", "violations"), Some("0"));

    // The province revokes its grant: the onward grant's cover ends with it, and both
    // close-outs fall due the working days after this block.
    let revoke = Action::RevokeGrant { grant: parent, reason: "发现超范围调用".to_owned() };
    let revoked = ledger.client.submit("fj-sjj/share-approver", revoke).unwrap();
    assert!(revoked.accepted(), "{revoked:?}");
    assert_eq!(revoked.attribute("grant.cover_ended", "grant"), Some(child.to_string().as_str()));
    let after = ledger.accept(
        "xm-gaj/gateway",
        access(suite, "xm-gaj/gateway", child, resource, 2),
        &["access.recorded", "violation.recorded"],
    );
    let violation = after.number("violation.recorded", "violation").unwrap();
    assert_eq!(
        ledger.record(&format!("/v1/violations/{violation}"))["reason"],
        "parent-grant-ended"
    );

    // The bureau closes out at once: on time, and its duty is met.
    let closed = ledger.accept(
        "xm-gaj/gateway",
        close_out(child, CloseOutDisposition::Destroyed),
        &["grant.closed_out", "obligation.met"],
    );
    assert_eq!(closed.attribute("grant.closed_out", "ended"), Some("parent-ended"));
    assert_eq!(closed.attribute("grant.closed_out", "late"), Some("false"));
    assert_eq!(ledger.status(&format!("/v1/obligations/{bureau_duty}")), "met");

    // The city has not closed out: overdue from the first millisecond after its due time, as
    // the revocation's block set it, and not before.
    let due = ledger.record(&format!("/v1/obligations/{city_duty}"))["due"].as_u64().unwrap();
    let moved = revoked.events.iter().find(|event| {
        event.kind == "obligation.due_changed"
            && event
                .attributes
                .iter()
                .any(|(name, value)| name == "obligation" && *value == city_duty.to_string())
    });
    let moved = moved.unwrap_or_else(|| panic!("the city's due time moved: {revoked:?}"));
    assert!(moved.attributes.contains(&("due".to_owned(), due.to_string())), "{moved:?}");
    assert!(due > ledger.now() && due < expires_at, "due after the revocation, before the expiry");
    assert!(!overdue(&ledger, "xm-dsj", due).contains(&city_duty), "due, not overdue");
    assert!(overdue(&ledger, "xm-dsj", due + 1).contains(&city_duty), "overdue after {due}");

    // A retention cites the registry; a second close-out is refused.
    ledger.refuse(
        "xm-dsj/data-user",
        close_out(
            parent,
            CloseOutDisposition::Retained { legal_basis: LegalBasisCode::from("档案需要") },
        ),
        "RetentionLegalBasisUnknown",
        302,
    );
    let retained =
        CloseOutDisposition::Retained { legal_basis: LegalBasisCode::from("gov-info-14") };
    let receipt = ledger.accept(
        "xm-dsj/data-user",
        close_out(parent, retained.clone()),
        &["grant.closed_out", "obligation.met"],
    );
    assert_eq!(receipt.attribute("grant.closed_out", "ended"), Some("revoked"));
    ledger.refuse("xm-dsj/data-user", close_out(parent, retained), "GrantAlreadyClosedOut", 301);
    assert!(!overdue(&ledger, "xm-dsj", due + 1).contains(&city_duty), "met, no longer overdue");
}

#[test]
fn open_data_and_development_go_through_their_lifecycle_over_http() {
    open_data_and_development_go_through_their_lifecycle_over_http_in(Suite::Ed25519Blake3);
}

/// As [`open_data_and_development_go_through_their_lifecycle_over_http`], on a chain of `suite`.
pub(super) fn open_data_and_development_go_through_their_lifecycle_over_http_in(suite: Suite) {
    let ledger = Ledger::start_in(suite);
    upgrade_to_version_three(&ledger);
    let developer = Action::RegisterMember {
        key: key(suite, "xm-jypt/developer"),
        name: "厦门数据交易平台 一级开发主体".to_owned(),
        roles: vec![Role::PrimaryDeveloper],
    };
    ledger.accept("xm-jypt/admin", developer, &["member.registered"]);
    let items = ["统一社会信用代码", "企业名称"];
    let mut draft = entry_draft("企业登记基本信息", &items, ShareType::Unconditional);
    draft.open_type = OpenType::Open;
    let code = publish(&ledger, "xm-scjg", draft);
    let resource = register(&ledger, "xm-scjg", &code, &items);
    let day = today(&ledger);
    let (year, _, _) = day.ymd();
    let year = u16::try_from(year).unwrap();

    // The open-data plan, then its revision.
    let plan = |quarter| Action::RecordOpenDataPlan {
        year,
        openings: vec![PlannedOpening { entry: code.clone(), quarter }],
    };
    ledger.refuse("xm-scjg/catalog-clerk", plan(5), "OpenDataPlanInvalid", 321);
    let first = ledger.accept("xm-scjg/catalog-clerk", plan(2), &["open_data_plan.recorded"]);
    let revised = ledger.accept("xm-scjg/catalog-clerk", plan(3), &["open_data_plan.recorded"]);
    assert_eq!(first.attribute("open_data_plan.recorded", "revision"), Some("1"));
    assert_eq!(revised.attribute("open_data_plan.recorded", "revision"), Some("2"));

    // One scenario type, one review, by the region's data authority.
    let scenario = |name: &str| Action::ApplyForScenario {
        draft: ScenarioDraft {
            scenario_type: "普惠金融".to_owned(),
            name: name.to_owned(),
            description: "基于企业登记信息的授信模型".to_owned(),
            resources: vec![resource],
            starts: day,
            ends: Date(day.0 + 180),
        },
    };
    let applied =
        ledger.accept("xm-jypt/developer", scenario("小微企业信用评估"), &["scenario.applied"]);
    let id = ScenarioId(applied.number("scenario.applied", "scenario").unwrap());
    assert_eq!(applied.attribute("scenario.applied", "authority"), Some("xm-dsj"));
    ledger.refuse("xm-jypt/developer", scenario("小微企业贷后监测"), "ScenarioTypeTaken", 331);
    let approve = || Action::ReviewScenario { scenario: id, decision: ReviewDecision::Approve };
    ledger.refuse("xm-scjg/share-approver", approve(), "ReviewerNotScenarioAuthority", 334);
    let approved = ledger.accept("xm-dsj/share-approver", approve(), &["development_grant.issued"]);
    let grant = DevelopmentGrantId(
        approved.number("development_grant.issued", "development_grant").unwrap(),
    );

    // A product under the grant; its property registration must be one.
    let product_digest = digest("小微企业信用分 v1");
    let product = Action::RecordProduct {
        grant,
        name: "小微企业信用分".to_owned(),
        description: "按月更新的企业信用评分".to_owned(),
        digest: product_digest,
    };
    let recorded = ledger.accept("xm-jypt/developer", product, &["product.recorded"]);
    assert_eq!(
        recorded.attribute("product.recorded", "product"),
        Some(product_digest.to_hex().as_str())
    );
    let apply = |digest: Hash32| Action::ApplyForProperty {
        draft: PropertyApplicationDraft {
            right: RightKind::Holding,
            subject: PropertySubject::Product {
                name: "小微企业信用分".to_owned(),
                description: "数据产品".to_owned(),
                digest,
                inputs: vec![],
            },
            evidence_digests: vec![super::digest("合法来源证明")],
            valid_from: day,
            valid_until: Date(day.0 + 365),
        },
    };
    ledger.refuse(
        "xm-jypt/admin",
        apply(super::digest("未登记的产品")),
        "ProductWithoutDevelopmentGrant",
        340,
    );
    let applied = ledger.client.submit("xm-jypt/admin", apply(product_digest)).unwrap();
    assert!(applied.accepted(), "{applied:?}");
}
