//! Sharing and access: requests granted by the ledger (unconditional), approved or refused with
//! a legal basis by the provider (conditional), refused or granted by exception (not shared),
//! withdrawn; a grant revoked; accesses covered by grants and uncovered ones recorded as
//! violations.

use onebook_types::{
    action::{AccessDraft, AccessOperation, Action, ShareAnswer, ShareRequestDraft, ShareType},
    consortium::Role,
    ids::{CatalogCode, GrantId, LegalBasisCode, ResourceId, ShareRequestId, Timestamp},
    time::Date,
};
use serde_json::Value;

use onebook_types::suite::Suite;

use super::{Ledger, digest, entry_draft, in_order, key, publish, register};

const APPROVER: &str = "xm-gaj/share-approver";
const PEOPLE: [&str; 3] = ["公民身份号码", "姓名", "户籍地址"];

struct Fixture {
    unconditional: CatalogCode,
    conditional: CatalogCode,
    not_shared: CatalogCode,
    companies: ResourceId,
    people: ResourceId,
    vehicles: ResourceId,
    today: Date,
}

fn request(fixture: &Fixture, entry: &CatalogCode, items: &[&str], duty: &str) -> Action {
    Action::RequestShare {
        draft: ShareRequestDraft {
            entry: entry.clone(),
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            purpose: "依法履职所需".to_owned(),
            legal_duty: LegalBasisCode::from(duty),
            starts: fixture.today,
            ends: Date(fixture.today.0 + 179),
            exception: false,
        },
    }
}

fn approve(request: ShareRequestId, items: &[&str], expires_at: Timestamp) -> Action {
    Action::AnswerShare {
        request,
        answer: ShareAnswer::Approve {
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            expires_at,
            conditions: "仅用于比对校验，不得向第三方提供".to_owned(),
            legal_basis: None,
        },
    }
}

fn refuse_with(request: ShareRequestId, basis: &str) -> Action {
    let answer = ShareAnswer::Refuse {
        legal_basis: LegalBasisCode::from(basis),
        reason: "不符合共享条件".to_owned(),
    };
    Action::AnswerShare { request, answer }
}

/// The `n`-th access by `gateway` under `grant`, to `resource`, returning `item`.
fn access(
    suite: Suite,
    gateway: &str,
    grant: Option<GrantId>,
    resource: ResourceId,
    item: &str,
    n: u64,
) -> AccessDraft {
    AccessDraft {
        grant,
        member: key(suite, gateway),
        resource,
        items: vec![item.to_owned()],
        operation: AccessOperation::Query,
        record_count: n,
        request_digest: digest(&format!("{gateway}/{n}")),
        accessed_at: Timestamp(1_800_000_000_000 + n),
    }
}

fn id_of(receipt: &onebook_cli::demo::Receipt) -> ShareRequestId {
    ShareRequestId(receipt.number("share_request.submitted", "share_request").unwrap())
}

fn grant_of(receipt: &onebook_cli::demo::Receipt) -> GrantId {
    GrantId(receipt.number("grant.issued", "grant").unwrap())
}

fn setup(suite: Suite, ledger: &Ledger) -> Fixture {
    let companies = ["统一社会信用代码", "企业名称"];
    let unconditional = publish(
        ledger,
        "xm-scjg",
        entry_draft("企业登记信息", &companies, ShareType::Unconditional),
    );
    let condition = ShareType::Conditional { conditions: "按最小必要原则".to_owned() };
    let conditional =
        publish(ledger, "xm-gaj", entry_draft("户籍人口信息", &PEOPLE, condition.clone()));
    let vehicles_entry = publish(
        ledger,
        "xm-gaj",
        entry_draft("机动车登记信息", &["号牌号码", "所有人"], condition),
    );
    let not_shared = ShareType::NotShared { legal_basis: LegalBasisCode::from("pipl-34") };
    let not_shared = publish(
        ledger,
        "xm-gaj",
        entry_draft("出入境证件签发信息", &["证件号码", "签发日期"], not_shared),
    );
    let gateway = Action::RegisterMember {
        key: key(suite, "xm-dsj/gateway"),
        name: "大数据局 网关".to_owned(),
        roles: vec![Role::DataUser],
    };
    ledger.accept("xm-dsj/admin", gateway, &["member.registered"]);
    Fixture {
        companies: register(ledger, "xm-scjg", &unconditional, &companies),
        people: register(ledger, "xm-gaj", &conditional, &PEOPLE),
        vehicles: register(ledger, "xm-gaj", &vehicles_entry, &["号牌号码", "所有人"]),
        unconditional,
        conditional,
        not_shared,
        today: Date::of_timestamp(Timestamp(ledger.now()), 480),
    }
}

/// The share request as its requester reads it (a signed read), after checking that an
/// anonymous reader may not.
fn read_request(ledger: &Ledger, id: ShareRequestId, requester: &str) -> Value {
    let path = format!("/v1/share-requests/{id}");
    assert_eq!(ledger.anonymous_status(&path), 401, "a share request is read by its parties");
    ledger.client.get_as(requester, &path).unwrap()["record"].clone()
}

#[test]
fn share_requests_grants_and_accesses_go_through_their_lifecycles_over_http() {
    share_requests_grants_and_accesses_go_through_their_lifecycles_over_http_in(
        Suite::Ed25519Blake3,
    );
}

/// As [`share_requests_grants_and_accesses_go_through_their_lifecycles_over_http`], on a chain of `suite`.
pub(super) fn share_requests_grants_and_accesses_go_through_their_lifecycles_over_http_in(
    suite: Suite,
) {
    let ledger = Ledger::start_in(suite);
    let fixture = setup(suite, &ledger);
    let expires_at = Date(fixture.today.0 + 150).start(480);

    // Unconditional: the ledger grants it at once.
    let receipt = ledger.accept(
        "xm-gaj/gateway",
        request(&fixture, &fixture.unconditional, &["企业名称"], "gzsj-2022-sh"),
        &["share_request.submitted", "grant.issued"],
    );
    let (companies_request, companies_grant) = (id_of(&receipt), grant_of(&receipt));
    let record = read_request(&ledger, companies_request, "xm-gaj/gateway");
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["grant"].as_u64()),
        (Some("granted"), Some(companies_grant.0))
    );
    let grant = ledger.record(&format!("/v1/grants/{companies_grant}"));
    assert_eq!(
        (
            grant["status"]["status"].as_str(),
            grant["exception"].as_bool(),
            grant["grantee"].as_str()
        ),
        (Some("active"), Some(false), Some("xm-gaj"))
    );
    ledger.refuse_all(vec![
        (
            "xm-jypt/data-user",
            request(&fixture, &fixture.conditional, &PEOPLE, "no-such-duty"),
            "LegalDutyUnknown",
            143,
        ),
        (
            "xm-jypt/data-user",
            request(&fixture, &fixture.conditional, &["婚姻状况"], "pipl-13"),
            "ShareItemsNotInEntry",
            147,
        ),
    ]);

    // Conditional: under review until the provider's approver answers; approved for part of it.
    let receipt = ledger.accept(
        "xm-jypt/data-user",
        request(&fixture, &fixture.conditional, &PEOPLE, "pipl-13"),
        &["share_request.submitted", "share_request.under_review"],
    );
    let people_request = id_of(&receipt);
    let record = read_request(&ledger, people_request, "xm-jypt/data-user");
    assert_eq!(record["status"]["status"], "under-review");
    assert!(record["status"]["answer_due"].as_u64().unwrap() > ledger.now());
    ledger.refuse_all(vec![
        (
            "xm-scjg/share-approver",
            approve(people_request, &PEOPLE[..2], expires_at),
            "ApproverNotProvider",
            150,
        ),
        (
            APPROVER,
            approve(people_request, &["婚姻状况"], expires_at),
            "GrantItemsNotRequested",
            151,
        ),
        (APPROVER, approve(people_request, &PEOPLE[..2], Timestamp(1)), "GrantExpiresInPast", 149),
    ]);
    let receipt = ledger.accept(
        APPROVER,
        approve(people_request, &PEOPLE[..2], expires_at),
        &["grant.issued"],
    );
    let people_grant = grant_of(&receipt);
    assert_eq!(read_request(&ledger, people_request, APPROVER)["status"]["status"], "granted");
    let grant = ledger.record(&format!("/v1/grants/{people_grant}"));
    assert_eq!(grant["items"], serde_json::json!(PEOPLE[..2]));
    assert_eq!(grant["expires_at"], expires_at.0);
    assert!(grant["conditions"].as_str().is_some_and(|c| !c.is_empty()));
    ledger.refuse(APPROVER, refuse_with(people_request, "pipl-13"), "ShareRequestNotPending", 141);

    // Conditional, refused: only on a legal basis of the registry.
    let receipt = ledger.accept(
        "xm-dsj/gateway",
        request(&fixture, &fixture.conditional, &PEOPLE, "gzsj-2022-sh"),
        &["share_request.submitted", "share_request.under_review"],
    );
    let refused = id_of(&receipt);
    ledger.refuse(APPROVER, refuse_with(refused, "no-such-law"), "RefusalWithoutLegalBasis", 142);
    ledger.accept(APPROVER, refuse_with(refused, "pipl-13"), &["share_request.refused"]);
    let record = read_request(&ledger, refused, "xm-dsj/gateway");
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["legal_basis"].as_str()),
        (Some("refused"), Some("pipl-13"))
    );

    // Not shared: refused by the ledger in its own block, citing the entry's basis, unless an
    // exception is asked, which the approver grants only citing a legal basis.
    let items = ["证件号码"];
    let mut asking = request(&fixture, &fixture.not_shared, &items, "gzsj-2022-sh");
    if let Action::RequestShare { draft } = &mut asking {
        draft.exception = true;
    }
    let receipts = ledger.accept_all(vec![
        ("xm-dsj/gateway", request(&fixture, &fixture.not_shared, &items, "gzsj-2022-sh")),
        ("xm-jypt/data-user", asking),
    ]);
    let (not_shared_refused, exception) = (id_of(&receipts[0]), id_of(&receipts[1]));
    assert_eq!(receipts[0].kinds(), ["share_request.submitted", "share_request.refused"]);
    assert_eq!(receipts[0].attribute("share_request.refused", "legal_basis"), Some("pipl-34"));
    let record = read_request(&ledger, not_shared_refused, "xm-dsj/gateway");
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["legal_basis"].as_str()),
        (Some("refused"), Some("pipl-34"))
    );
    assert_eq!(receipts[1].kinds(), ["share_request.submitted", "share_request.under_review"]);
    ledger.refuse(
        APPROVER,
        approve(exception, &items, expires_at),
        "ExceptionWithoutLegalBasis",
        158,
    );
    let mut citing = approve(exception, &items, expires_at);
    if let Action::AnswerShare { answer: ShareAnswer::Approve { legal_basis, .. }, .. } =
        &mut citing
    {
        *legal_basis = Some(LegalBasisCode::from("pipl-13"));
    }
    let receipt = ledger.accept(APPROVER, citing, &["grant.issued"]);
    assert_eq!(receipt.attribute("grant.issued", "exception"), Some("true"));
    let grant = ledger.record(&format!("/v1/grants/{}", grant_of(&receipt)));
    assert_eq!((&grant["exception"], &grant["legal_basis"]), (&true.into(), &"pipl-13".into()));

    // Withdrawn by its requester, and then no longer answered.
    let receipt = ledger.accept(
        "xm-jypt/data-user",
        request(&fixture, &fixture.conditional, &PEOPLE[..1], "pipl-13"),
        &["share_request.submitted", "share_request.under_review"],
    );
    let withdrawn = id_of(&receipt);
    let withdraw = Action::WithdrawShareRequest { request: withdrawn };
    ledger.refuse("xm-gaj/gateway", withdraw.clone(), "NotRequester", 152);
    ledger.accept("xm-jypt/data-user", withdraw, &["share_request.withdrawn"]);
    assert_eq!(
        read_request(&ledger, withdrawn, "xm-jypt/data-user")["status"]["status"],
        "withdrawn"
    );
    ledger.refuse(
        APPROVER,
        approve(withdrawn, &PEOPLE[..1], expires_at),
        "ShareRequestNotPending",
        141,
    );

    // Accesses: covered by a valid grant in scope, or recorded as violations.
    let gateway = "xm-jypt/data-user";
    let batch = vec![
        access(suite, gateway, Some(people_grant), fixture.people, "姓名", 1),
        access(suite, gateway, Some(people_grant), fixture.vehicles, "号牌号码", 2),
        access(suite, gateway, Some(companies_grant), fixture.companies, "企业名称", 3),
        access(suite, gateway, None, fixture.companies, "企业名称", 4),
    ];
    ledger.refuse_all(vec![
        (gateway, Action::RecordAccesses { events: vec![] }, "AccessBatchEmpty", 155),
        (
            gateway,
            Action::RecordAccesses {
                events: vec![access(suite, "xm-gaj/gateway", None, fixture.people, "姓名", 9)],
            },
            "AccessMemberNotInOrg",
            156,
        ),
    ]);
    let receipt = ledger.accept(
        gateway,
        Action::RecordAccesses { events: batch },
        &["access.recorded", "violation.recorded", "violation.recorded", "violation.recorded"],
    );
    assert_eq!(receipt.attribute("access.recorded", "violations"), Some("3"));
    let reasons: Vec<String> = receipt.events[1..]
        .iter()
        .map(|event| {
            let violation = &event.attributes.iter().find(|(k, _)| k == "violation").unwrap().1;
            let path = format!("/v1/violations/{violation}");
            assert_eq!(ledger.anonymous_status(&path), 401, "violations are restricted");
            ledger.record(&path)["reason"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(reasons, ["out-of-scope", "wrong-grantee", "no-grant"]);
    let covered = ledger
        .client
        .list_all("/v1/access-events?status=covered", Some(super::AUDITOR), 10)
        .unwrap();
    assert_eq!(covered.len(), 1);
    assert_eq!(covered[0]["record"]["access"]["grant"], people_grant.0);
    assert!(covered[0]["record"]["violation"].is_null());
    // The accesses to the resource of the covered one are a listing of their own.
    let resource = covered[0]["record"]["access"]["resource"].as_u64().unwrap();
    let under = format!("/v1/access-events?under=resource:{resource}");
    let to_resource = ledger.client.list_all(&under, Some(super::AUDITOR), 10).unwrap();
    assert!(
        to_resource.iter().all(|view| view["record"]["access"]["resource"] == resource),
        "{to_resource:?}"
    );
    assert!(to_resource.iter().any(|view| view["record"]["id"] == covered[0]["record"]["id"]));
    assert_eq!(ledger.anonymous_status(&under), 401, "access events stay restricted");

    // Revoked: the grant covers nothing more.
    let revoke =
        |reason: &str| Action::RevokeGrant { grant: people_grant, reason: reason.to_owned() };
    ledger.turned_away("xm-gaj/gateway", revoke("越权撤销"), "RoleMissing", 2);
    ledger.accept(APPROVER, revoke("超出授权用途使用"), &["grant.revoked"]);
    assert_eq!(ledger.status(&format!("/v1/grants/{people_grant}")), "revoked");
    ledger.refuse(APPROVER, revoke("再次撤销"), "GrantNotActive", 154);
    let receipt = ledger.accept(
        gateway,
        Action::RecordAccesses {
            events: vec![access(suite, gateway, Some(people_grant), fixture.people, "姓名", 5)],
        },
        &["access.recorded", "violation.recorded"],
    );
    assert_eq!(receipt.attribute("violation.recorded", "reason"), Some("grant-revoked"));
    let covered = vec![access(
        suite,
        "xm-gaj/gateway",
        Some(companies_grant),
        fixture.companies,
        "企业名称",
        6,
    )];
    ledger.accept(
        "xm-gaj/gateway",
        Action::RecordAccesses { events: covered },
        &["access.recorded"],
    );
    let violations = ledger
        .client
        .list_all("/v1/violations?status=grant-revoked", Some(super::AUDITOR), 10)
        .unwrap();
    assert_eq!(violations.len(), 1);

    let timeline = ledger.timeline(&format!("share_request:{people_request}"));
    assert!(in_order(&timeline, &["request_share", "answer_share"]), "{timeline:?}");
    let timeline = ledger.timeline(&format!("grant:{people_grant}"));
    assert!(in_order(&timeline, &["answer_share", "revoke_grant"]), "{timeline:?}");
}
