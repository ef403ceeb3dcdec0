//! Sharing and access events, as applied through whole blocks on the dev network. The xm-gaj
//! gateway (a data user) asks xm-dsj (whose share approver answers) for catalog entries seeded
//! as catalog records built by `catalog_view::fixtures`; the first block's local date is 2026-01-01, a holiday.

use onebook_types::{
    action::{AccessDraft, AccessOperation, Action, ShareAnswer, ShareRequestDraft, ShareType},
    block::Receipt,
    hash::Hash32,
    ids::{CatalogCode, GrantId, LegalBasisCode, OrgId, ResourceId, ShareRequestId, Timestamp},
    record::RecordKey,
    rejection::Rejection,
    sharing_records::{
        AccessEvent, Grant, GrantStatus, ShareRequest, ShareStatus, Violation, ViolationReason,
    },
    time::{DAY_MS, Date},
};
use proptest::prelude::*;

use super::{catalog_view::fixtures, is_answer_overdue};
use crate::{
    ports::{load, store},
    testkit::{Chain, public, refusal},
};

const GATEWAY: &str = "xm-gaj/gateway";
const APPROVER: &str = "xm-dsj/share-approver";
const UTC_OFFSET: i16 = 480;

/// The dev chain with four xm-dsj entries of the items `name` and `licence` (unconditional,
/// conditional, not shared, unpublished) and resources 1 and 2 of the first two, resource 3 of
/// another entry, each holding both items.
fn chain() -> Chain {
    let mut chain = Chain::dev();
    let entries = [
        ("E-UNCOND", ShareType::Unconditional, true),
        ("E-COND", ShareType::Conditional { conditions: "仅限办案".into() }, true),
        ("E-NOT", ShareType::NotShared { legal_basis: LegalBasisCode::from("dsl-38") }, true),
        ("E-DRAFT", ShareType::Unconditional, false),
    ];
    for (code, share_type, published) in entries {
        let entry = fixtures::entry(code, "xm-dsj", share_type, &["name", "licence"], published);
        store(&mut chain.state, RecordKey::CatalogEntry(CatalogCode::from(code)), &entry);
    }
    for (id, entry) in [(1, "E-UNCOND"), (2, "E-COND"), (3, "E-OTHER")] {
        let resource = fixtures::resource(id, entry, "xm-dsj", &["name", "licence"]);
        store(&mut chain.state, RecordKey::Resource(ResourceId(id)), &resource);
    }
    chain
}

fn today(chain: &Chain) -> Date {
    Date::of_timestamp(chain.context().time, UTC_OFFSET)
}

fn draft(chain: &Chain, entry: &str) -> ShareRequestDraft {
    ShareRequestDraft {
        entry: CatalogCode::from(entry),
        items: vec!["name".into()],
        purpose: "核查企业登记信息".into(),
        legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
        starts: today(chain),
        ends: today(chain),
        exception: false,
    }
}

fn request(chain: &mut Chain, entry: &str) -> Receipt {
    let draft = draft(chain, entry);
    chain.run(GATEWAY, Action::RequestShare { draft })
}

fn answer(chain: &mut Chain, label: &str, id: u64, answer: ShareAnswer) -> Receipt {
    chain.run(label, Action::AnswerShare { request: ShareRequestId(id), answer })
}

fn approve(expires_at: Timestamp) -> ShareAnswer {
    approving(&["name"], expires_at, None)
}

/// An approval of `items` until `expires_at`, citing `legal_basis`.
fn approving(items: &[&str], expires_at: Timestamp, legal_basis: Option<&str>) -> ShareAnswer {
    ShareAnswer::Approve {
        items: items.iter().map(|item| (*item).to_owned()).collect(),
        expires_at,
        conditions: "仅限办案".into(),
        legal_basis: legal_basis.map(LegalBasisCode::from),
    }
}

fn refuse(code: &str) -> ShareAnswer {
    ShareAnswer::Refuse {
        legal_basis: LegalBasisCode::from(code), reason: "涉及国家秘密".into()
    }
}

/// An access by `member` under `grant` to `resource` that returned the item `name`.
fn access(grant: Option<u64>, member: &str, resource: u64) -> AccessDraft {
    access_to(grant, member, resource, &["name"])
}

fn access_to(grant: Option<u64>, member: &str, resource: u64, items: &[&str]) -> AccessDraft {
    AccessDraft {
        grant: grant.map(GrantId),
        member: public(member),
        resource: ResourceId(resource),
        items: items.iter().map(|item| (*item).to_owned()).collect(),
        operation: AccessOperation::Query,
        record_count: 1,
        request_digest: Hash32([7; 32]),
        accessed_at: Timestamp(0),
    }
}

fn accesses(events: Vec<AccessDraft>) -> Action {
    Action::RecordAccesses { events }
}

fn share_request(chain: &Chain, id: u64) -> ShareRequest {
    load(&chain.state, &RecordKey::ShareRequest(ShareRequestId(id))).expect("share request")
}

fn grant(chain: &Chain, id: u64) -> Grant {
    load(&chain.state, &RecordKey::Grant(GrantId(id))).expect("grant")
}

fn access_event(chain: &Chain, id: u64) -> AccessEvent {
    let key = RecordKey::AccessEvent(onebook_types::ids::AccessEventId(id));
    load(&chain.state, &key).expect("access event")
}

/// The reason of the violation recorded for access event `id`, if any.
fn violation_reason(chain: &Chain, id: u64) -> Option<ViolationReason> {
    let violation = access_event(chain, id).violation?;
    let record: Violation = load(&chain.state, &RecordKey::Violation(violation)).expect("stored");
    assert_eq!(record.access_event.0, id);
    Some(record.reason)
}

fn kinds(receipt: &Receipt) -> Vec<&str> {
    receipt.events.iter().map(|event| event.kind.as_str()).collect()
}

#[test]
fn an_unconditional_request_is_granted_by_the_ledger_in_the_same_block() {
    let mut chain = chain();
    let day = today(&chain);

    let receipt = request(&mut chain, "E-UNCOND");

    assert_eq!(refusal(&receipt), None);
    assert_eq!(kinds(&receipt), ["share_request.submitted", "grant.issued"]);
    assert_eq!(share_request(&chain, 1).status, ShareStatus::Granted { grant: GrantId(1) });
    let grant = grant(&chain, 1);
    assert_eq!(grant.grantee, OrgId::from("xm-gaj"));
    assert_eq!(grant.provider, OrgId::from("xm-dsj"));
    assert_eq!(grant.status, GrantStatus::Active);
    assert_eq!(grant.expires_at, day.next().start(UTC_OFFSET));
    assert!(!grant.exception);
}

#[test]
fn a_conditional_request_is_due_within_five_working_days_and_then_overdue() {
    // 2026-01-01 to 03 are holidays; Sun 4 is a make-up day (1); Mon 5 to Thu 8 (2 to 5).
    let mut chain = chain();

    let receipt = request(&mut chain, "E-COND");

    assert_eq!(refusal(&receipt), None);
    let request = share_request(&chain, 1);
    let ShareStatus::UnderReview { answer_due } = request.status else { panic!("under review") };
    assert_eq!(Date::of_timestamp(answer_due, UTC_OFFSET).to_string(), "2026-01-08");
    assert!(!is_answer_overdue(&request, answer_due));
    assert!(is_answer_overdue(&request, Timestamp(answer_due.0 + 1)));
}

#[test]
fn a_refusal_without_a_legal_basis_of_the_registry_is_rejected() {
    let mut chain = chain();
    request(&mut chain, "E-COND");

    let receipt = answer(&mut chain, APPROVER, 1, refuse("not-a-law"));

    assert_eq!(refusal(&receipt), Some(Rejection::RefusalWithoutLegalBasis));
    assert!(matches!(share_request(&chain, 1).status, ShareStatus::UnderReview { .. }));
}

#[test]
fn a_refused_request_can_be_asked_again_and_granted() {
    let mut chain = chain();
    request(&mut chain, "E-COND");
    let refused = answer(&mut chain, APPROVER, 1, refuse("dsl-38"));
    let expires_at = Timestamp(chain.context().time.0 + DAY_MS);

    let again = request(&mut chain, "E-COND");
    let approved = answer(&mut chain, APPROVER, 2, approve(expires_at));

    assert_eq!(refusal(&refused), None);
    assert_eq!(kinds(&refused), ["share_request.refused"]);
    assert!(matches!(share_request(&chain, 1).status, ShareStatus::Refused { .. }));
    assert_eq!([refusal(&again), refusal(&approved)], [None, None]);
    assert_eq!(share_request(&chain, 2).status, ShareStatus::Granted { grant: GrantId(1) });
    assert_eq!(grant(&chain, 1).conditions, "仅限办案");
    assert_eq!(grant(&chain, 1).expires_at, expires_at);
}

/// 不予共享: a request on a not-shared entry is refused by the ledger in its own block, citing
/// the entry's legal basis, and nothing waits for an approver.
#[test]
fn a_request_on_a_not_shared_entry_is_refused_in_its_block_citing_the_entrys_legal_basis() {
    let mut chain = chain();

    let receipt = request(&mut chain, "E-NOT");

    assert_eq!(refusal(&receipt), None);
    assert_eq!(kinds(&receipt), ["share_request.submitted", "share_request.refused"]);
    let refused = &receipt.events[1];
    assert!(refused.attributes.contains(&("legal_basis".into(), "dsl-38".into())), "{refused:?}");
    let ShareStatus::Refused { legal_basis, .. } = share_request(&chain, 1).status else {
        panic!("refused in its block: {:?}", share_request(&chain, 1).status)
    };
    assert_eq!(legal_basis, LegalBasisCode::from("dsl-38"));
    let expires_at = Timestamp(chain.context().time.0 + DAY_MS);
    let late = answer(&mut chain, APPROVER, 1, approve(expires_at));
    assert_eq!(refusal(&late), Some(Rejection::ShareRequestNotPending));
}

/// 例外共享: an exception to a not-shared entry waits for the provider's approver, who grants it
/// only citing a legal basis of the registry; the grant is recorded as an exception with it.
#[test]
fn an_exception_to_a_not_shared_entry_is_granted_only_citing_a_legal_basis() {
    let mut chain = chain();
    let draft = ShareRequestDraft { exception: true, ..draft(&chain, "E-NOT") };
    let requested = chain.run(GATEWAY, Action::RequestShare { draft });
    let expires_at = Timestamp(chain.context().time.0 + DAY_MS);
    let citing = |basis: Option<&str>| approving(&["name"], expires_at, basis);

    let bare = answer(&mut chain, APPROVER, 1, citing(None));
    let unknown = answer(&mut chain, APPROVER, 1, citing(Some("whim")));
    let approved = answer(&mut chain, APPROVER, 1, citing(Some("gov-info-14")));

    assert_eq!(kinds(&requested), ["share_request.submitted", "share_request.under_review"]);
    assert!(share_request(&chain, 1).exception);
    assert_eq!(refusal(&bare), Some(Rejection::ExceptionWithoutLegalBasis));
    assert_eq!(refusal(&unknown), Some(Rejection::LegalBasisUnknown));
    assert_eq!(refusal(&approved), None);
    let grant = grant(&chain, 1);
    assert!(grant.exception);
    assert_eq!(grant.legal_basis, Some(LegalBasisCode::from("gov-info-14")));
    let issued = &approved.events[0];
    assert!(issued.attributes.contains(&("exception".into(), "true".into())), "{issued:?}");
    assert!(issued.attributes.contains(&("legal_basis".into(), "gov-info-14".into())));
}

#[test]
fn an_exception_is_asked_only_of_a_not_shared_entry() {
    let mut chain = chain();
    let draft = ShareRequestDraft { exception: true, ..draft(&chain, "E-COND") };

    let receipt = chain.run(GATEWAY, Action::RequestShare { draft });

    assert_eq!(refusal(&receipt), Some(Rejection::ExceptionOnlyForNotShared));
}

/// A request naming no item asks for the whole entry; granted by the ledger for an
/// unconditional entry, the grant is entry-scoped and covers an access to any of its items.
#[test]
fn a_request_of_the_whole_entry_is_granted_an_entry_scoped_grant_covering_every_item() {
    let mut chain = chain();
    let draft = ShareRequestDraft { items: vec![], ..draft(&chain, "E-UNCOND") };
    chain.run(GATEWAY, Action::RequestShare { draft });

    let receipt =
        chain.run(GATEWAY, accesses(vec![access_to(Some(1), GATEWAY, 1, &["name", "licence"])]));

    assert!(grant(&chain, 1).is_entry_scoped());
    assert_eq!(refusal(&receipt), None);
    assert_eq!(violation_reason(&chain, 1), None);
}

/// A conditional request of the whole entry may be granted the whole entry or named items of
/// it; a request of named items is never granted the whole entry.
#[test]
fn an_approver_grants_the_whole_entry_only_to_a_request_of_the_whole_entry() {
    let mut chain = chain();
    let whole = ShareRequestDraft { items: vec![], ..draft(&chain, "E-COND") };
    chain.run(GATEWAY, Action::RequestShare { draft: whole.clone() });
    chain.run(GATEWAY, Action::RequestShare { draft: whole });
    request(&mut chain, "E-COND");
    let expires_at = Timestamp(chain.context().time.0 + DAY_MS);
    let granting = |items: &[&str]| approving(items, expires_at, None);

    let entry = answer(&mut chain, APPROVER, 1, granting(&[]));
    let narrowed = answer(&mut chain, APPROVER, 2, granting(&["licence"]));
    let widened = answer(&mut chain, APPROVER, 3, granting(&[]));

    assert_eq!([refusal(&entry), refusal(&narrowed)], [None, None]);
    assert!(grant(&chain, 1).is_entry_scoped());
    assert_eq!(grant(&chain, 2).items, ["licence"]);
    assert_eq!(refusal(&widened), Some(Rejection::ShareItemsEmpty));
}

#[test]
fn the_requester_or_its_admin_withdraws_a_pending_request_and_no_one_else() {
    let mut chain = chain();
    request(&mut chain, "E-COND");
    request(&mut chain, "E-COND");

    let stranger =
        chain.run("xm-jypt/admin", Action::WithdrawShareRequest { request: ShareRequestId(1) });
    let requester = chain.run(GATEWAY, Action::WithdrawShareRequest { request: ShareRequestId(1) });
    let admin =
        chain.run("xm-gaj/admin", Action::WithdrawShareRequest { request: ShareRequestId(2) });
    let late_answer = answer(&mut chain, APPROVER, 1, refuse("dsl-38"));
    let again = chain.run(GATEWAY, Action::WithdrawShareRequest { request: ShareRequestId(1) });

    assert_eq!(refusal(&stranger), Some(Rejection::NotRequester));
    assert_eq!([refusal(&requester), refusal(&admin)], [None, None]);
    assert_eq!(share_request(&chain, 1).status, ShareStatus::Withdrawn);
    assert_eq!(share_request(&chain, 2).status, ShareStatus::Withdrawn);
    assert_eq!(refusal(&late_answer), Some(Rejection::ShareRequestNotPending));
    assert_eq!(refusal(&again), Some(Rejection::ShareRequestNotPending));
}

#[test]
fn a_request_needs_a_published_entry_its_items_a_registered_duty_and_a_valid_term() {
    let mut chain = chain();
    let base = draft(&chain, "E-UNCOND");
    let max =
        i32::try_from(crate::testkit::dev_genesis().policy.grant_term_days_max).expect("fits");
    let cases: Vec<(ShareRequestDraft, Rejection)> = vec![
        (
            ShareRequestDraft { entry: CatalogCode::from("E-NONE"), ..base.clone() },
            Rejection::ShareEntryUnknown,
        ),
        (
            ShareRequestDraft { entry: CatalogCode::from("E-DRAFT"), ..base.clone() },
            Rejection::ShareEntryNotPublished,
        ),
        (
            ShareRequestDraft { exception: true, ..base.clone() },
            Rejection::ExceptionOnlyForNotShared,
        ),
        (
            ShareRequestDraft { items: vec!["salary".into()], ..base.clone() },
            Rejection::ShareItemsNotInEntry,
        ),
        (
            ShareRequestDraft { legal_duty: LegalBasisCode::from("whim"), ..base.clone() },
            Rejection::LegalDutyUnknown,
        ),
        (
            ShareRequestDraft { ends: Date(base.starts.0 - 1), ..base.clone() },
            Rejection::ShareTermInvalid,
        ),
        (
            ShareRequestDraft { ends: Date(base.starts.0 + max), ..base.clone() },
            Rejection::ShareTermInvalid,
        ),
        (ShareRequestDraft { purpose: " ".into(), ..base.clone() }, Rejection::TextRequired),
    ];

    for (draft, expected) in cases {
        let receipt = chain.run(GATEWAY, Action::RequestShare { draft: draft.clone() });

        assert_eq!(refusal(&receipt), Some(expected), "{draft:?}");
    }
    let not_a_user = chain.run(APPROVER, Action::RequestShare { draft: base });
    assert_eq!(refusal(&not_a_user), Some(Rejection::RoleMissing));
}

#[test]
fn an_approval_grants_requested_items_until_a_future_time_within_the_longest_term() {
    let mut chain = chain();
    request(&mut chain, "E-COND");
    let now = chain.context().time;
    let term_ms = u64::from(crate::testkit::dev_genesis().policy.grant_term_days_max) * DAY_MS;
    let too_long = Timestamp(today(&chain).start(UTC_OFFSET).0 + term_ms + 1);
    let with_items = |items: Vec<String>| ShareAnswer::Approve {
        items,
        expires_at: Timestamp(now.0 + DAY_MS),
        conditions: String::new(),
        legal_basis: None,
    };

    let outcomes = [
        answer(&mut chain, APPROVER, 1, with_items(vec!["licence".into()])),
        answer(&mut chain, APPROVER, 1, with_items(vec![])),
        answer(&mut chain, APPROVER, 1, approve(Timestamp(now.0 - 1))),
        answer(&mut chain, APPROVER, 1, approve(too_long)),
    ];

    let codes: Vec<_> = outcomes.iter().map(refusal).collect();
    assert_eq!(
        codes,
        [
            Some(Rejection::GrantItemsNotRequested),
            Some(Rejection::ShareItemsEmpty),
            Some(Rejection::GrantExpiresInPast),
            Some(Rejection::ShareTermInvalid),
        ]
    );
}

#[test]
fn only_a_share_approver_of_the_provider_answers_or_revokes() {
    let mut chain = chain();
    request(&mut chain, "E-COND");
    request(&mut chain, "E-UNCOND");

    let other_provider = answer(&mut chain, "xm-scjg/share-approver", 1, refuse("dsl-38"));
    let not_approver = answer(&mut chain, "xm-dsj/admin", 1, refuse("dsl-38"));
    let revoke = Action::RevokeGrant { grant: GrantId(1), reason: "越权使用".into() };
    let other_revoker = chain.run("xm-scjg/share-approver", revoke);

    assert_eq!(refusal(&other_provider), Some(Rejection::ApproverNotProvider));
    assert_eq!(refusal(&not_approver), Some(Rejection::RoleMissing));
    assert_eq!(refusal(&other_revoker), Some(Rejection::ApproverNotProvider));
}

#[test]
fn unknown_requests_and_grants_and_a_second_revocation_are_refused() {
    let mut chain = chain();
    request(&mut chain, "E-UNCOND");
    let revoke =
        |grant: u64| Action::RevokeGrant { grant: GrantId(grant), reason: "越权使用".into() };

    let unknown_request = answer(&mut chain, APPROVER, 9, refuse("dsl-38"));
    let unknown_grant = chain.run(APPROVER, revoke(9));
    let first = chain.run(APPROVER, revoke(1));
    let second = chain.run(APPROVER, revoke(1));

    assert_eq!(refusal(&unknown_request), Some(Rejection::ShareRequestUnknown));
    assert_eq!(refusal(&unknown_grant), Some(Rejection::GrantUnknown));
    assert_eq!(refusal(&first), None);
    assert_eq!(kinds(&first), ["grant.revoked"]);
    assert_eq!(refusal(&second), Some(Rejection::GrantNotActive));
}

#[test]
fn a_covered_access_is_recorded_without_a_violation() {
    let mut chain = chain();
    request(&mut chain, "E-UNCOND");

    let receipt = chain.run(GATEWAY, accesses(vec![access(Some(1), GATEWAY, 1)]));

    assert_eq!(refusal(&receipt), None);
    assert_eq!(kinds(&receipt), ["access.recorded"]);
    assert_eq!(access_event(&chain, 1).access.grant, Some(GrantId(1)));
    assert_eq!(violation_reason(&chain, 1), None);
}

#[test]
fn an_access_under_a_revoked_grant_is_recorded_as_a_violation() {
    let mut chain = chain();
    request(&mut chain, "E-UNCOND");
    chain.run(APPROVER, Action::RevokeGrant { grant: GrantId(1), reason: "越权使用".into() });

    let receipt = chain.run(GATEWAY, accesses(vec![access(Some(1), GATEWAY, 1)]));

    assert_eq!(refusal(&receipt), None);
    assert_eq!(kinds(&receipt), ["access.recorded", "violation.recorded"]);
    assert_eq!(violation_reason(&chain, 1), Some(ViolationReason::GrantRevoked));
    // The event spells the reason as the record and its JSON do.
    let raised = &receipt.events[1];
    assert!(raised.attributes.contains(&("reason".into(), "grant-revoked".into())), "{raised:?}");
}

/// The grant covers 姓名 and 性别 of the entry; an access under it that returned 公民身份号码
/// is a violation of its own reason, while one that returned 姓名 is covered.
#[test]
fn an_access_to_an_item_outside_an_item_scoped_grant_is_a_violation() {
    let mut chain = chain();
    let people = ["公民身份号码", "姓名", "性别"];
    let condition = ShareType::Conditional { conditions: "仅限办案".into() };
    let entry = fixtures::entry("E-PEOPLE", "xm-dsj", condition, &people, true);
    store(&mut chain.state, RecordKey::CatalogEntry(CatalogCode::from("E-PEOPLE")), &entry);
    let ids = fixtures::resource(4, "E-PEOPLE", "xm-dsj", &["公民身份号码"]);
    store(&mut chain.state, RecordKey::Resource(ResourceId(4)), &ids);
    let names = fixtures::resource(5, "E-PEOPLE", "xm-dsj", &["姓名", "性别"]);
    store(&mut chain.state, RecordKey::Resource(ResourceId(5)), &names);
    let items = vec!["姓名".to_owned(), "性别".to_owned()];
    let draft = ShareRequestDraft { items, ..draft(&chain, "E-PEOPLE") };
    chain.run(GATEWAY, Action::RequestShare { draft });
    let expires_at = Timestamp(chain.context().time.0 + DAY_MS);
    answer(&mut chain, APPROVER, 1, approving(&["姓名", "性别"], expires_at, None));

    let receipt = chain.run(
        GATEWAY,
        accesses(vec![
            access_to(Some(1), GATEWAY, 5, &["姓名"]),
            access_to(Some(1), GATEWAY, 4, &["公民身份号码"]),
        ]),
    );

    assert_eq!(refusal(&receipt), None);
    assert_eq!(access_event(&chain, 2).access.items, ["公民身份号码"]);
    assert_eq!(violation_reason(&chain, 1), None);
    assert_eq!(violation_reason(&chain, 2), Some(ViolationReason::ItemOutOfScope));
    let recorded = &receipt.events[0].attributes;
    assert!(recorded.contains(&("violations".into(), "1".into())), "{recorded:?}");
    assert!(recorded.contains(&("access_events".into(), "1,2".into())), "{recorded:?}");
    let raised = &receipt.events[1].attributes;
    assert!(raised.contains(&("reason".into(), "item-out-of-scope".into())), "{raised:?}");
}

#[test]
fn an_access_after_expiry_is_a_violation_judged_by_block_time_not_the_gateways_clock() {
    let mut chain = chain();
    request(&mut chain, "E-UNCOND");
    let expires_at = grant(&chain, 1).expires_at;
    let mut claimed_early = access(Some(1), GATEWAY, 1);
    claimed_early.accessed_at = Timestamp(expires_at.0 - 1);

    let receipt = chain.run_at(expires_at, GATEWAY, accesses(vec![claimed_early]));

    assert_eq!(refusal(&receipt), None);
    assert_eq!(violation_reason(&chain, 1), Some(ViolationReason::GrantExpired));
}

#[test]
fn an_access_before_the_grants_first_day_is_a_violation_and_one_on_that_day_is_covered() {
    let mut chain = chain();
    let tomorrow = Date(today(&chain).0 + 1);
    let draft = ShareRequestDraft { starts: tomorrow, ends: tomorrow, ..draft(&chain, "E-UNCOND") };
    chain.run(GATEWAY, Action::RequestShare { draft });
    let first_day = tomorrow.start(UTC_OFFSET);

    let early = chain.run_at(
        Timestamp(first_day.0 - 1),
        GATEWAY,
        accesses(vec![access(Some(1), GATEWAY, 1)]),
    );
    let on_time = chain.run_at(first_day, GATEWAY, accesses(vec![access(Some(1), GATEWAY, 1)]));

    assert_eq!([refusal(&early), refusal(&on_time)], [None, None]);
    assert_eq!(kinds(&early), ["access.recorded", "violation.recorded"]);
    assert_eq!(violation_reason(&chain, 1), Some(ViolationReason::NotYetValid));
    assert_eq!(violation_reason(&chain, 2), None);
}

#[test]
fn accesses_no_grant_of_the_org_covers_for_the_resource_are_violations() {
    let mut chain = chain();
    request(&mut chain, "E-UNCOND");
    let batch = vec![
        access(None, GATEWAY, 1),
        access(Some(9), GATEWAY, 1),
        access(Some(1), "xm-gaj/admin", 2),
        access(Some(1), GATEWAY, 1),
    ];

    let ours = chain.run(GATEWAY, accesses(batch));
    let theirs =
        chain.run("xm-jypt/data-user", accesses(vec![access(Some(1), "xm-jypt/data-user", 1)]));

    assert_eq!([refusal(&ours), refusal(&theirs)], [None, None]);
    assert_eq!(ours.events[0].attributes[2], ("violations".to_owned(), "3".to_owned()));
    let reasons: Vec<_> = (1..=5).map(|id| violation_reason(&chain, id)).collect();
    assert_eq!(
        reasons,
        [
            Some(ViolationReason::NoGrant),
            Some(ViolationReason::GrantUnknown),
            Some(ViolationReason::OutOfScope),
            None,
            Some(ViolationReason::WrongGrantee),
        ]
    );
}

#[test]
fn an_access_batch_is_not_empty_and_names_only_the_gateways_own_members() {
    let mut chain = chain();

    let empty = chain.run(GATEWAY, accesses(vec![]));
    let foreign = chain.run(GATEWAY, accesses(vec![access(None, "xm-dsj/admin", 1)]));
    let unknown = chain.run(GATEWAY, accesses(vec![access(None, "nobody", 1)]));

    assert_eq!(refusal(&empty), Some(Rejection::AccessBatchEmpty));
    assert_eq!(refusal(&foreign), Some(Rejection::AccessMemberNotInOrg));
    assert_eq!(refusal(&unknown), Some(Rejection::AccessMemberNotInOrg));
}

#[test]
fn an_access_names_distinct_items_its_resource_holds() {
    let mut chain = chain();
    let batch = |items: &[&str]| accesses(vec![access_to(None, GATEWAY, 1, items)]);

    let none = chain.run(GATEWAY, batch(&[]));
    let twice = chain.run(GATEWAY, batch(&["name", "name"]));
    let not_held = chain.run(GATEWAY, batch(&["salary"]));
    let unknown_resource = chain.run(GATEWAY, accesses(vec![access_to(None, GATEWAY, 9, &["x"])]));

    let codes = [&none, &twice, &not_held].map(refusal);
    assert_eq!(codes, [Some(Rejection::AccessItemsNotInResource); 3]);
    assert_eq!(refusal(&unknown_resource), None, "an unknown resource is a violation, judged");
    assert_eq!(violation_reason(&chain, 1), Some(ViolationReason::NoGrant));
}

#[test]
fn sharing_rejection_codes_never_change() {
    // Receipts on disk and every SDK depend on these numbers.
    let codes = [
        Rejection::ShareRequestUnknown,
        Rejection::RefusalWithoutLegalBasis,
        Rejection::GrantExpiresInPast,
        Rejection::AccessMemberNotInOrg,
    ]
    .map(Rejection::code);

    assert_eq!(codes, [140, 142, 149, 156]);
}

/// One random step of the property below: a request, a revocation, an access, or time passing.
fn step() -> impl Strategy<Value = (u8, u8)> {
    (0u8..4, 0u8..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn no_access_after_a_grants_expiry_or_revocation_is_recorded_without_a_violation(
        steps in prop::collection::vec(step(), 1..10),
    ) {
        let mut chain = chain();
        let mut time = chain.context().time;
        for (kind, arg) in steps {
            time = Timestamp(time.0 + 1_000);
            let grant = u64::from(arg % 3) + 1;
            match kind {
                0 => {
                    let mut draft = draft(&chain, "E-UNCOND");
                    draft.starts = Date::of_timestamp(time, UTC_OFFSET);
                    draft.ends = Date(draft.starts.0 + i32::from(arg % 2));
                    chain.run_at(time, GATEWAY, Action::RequestShare { draft });
                }
                1 => {
                    let revoke = Action::RevokeGrant { grant: GrantId(grant), reason: "越权".into() };
                    chain.run_at(time, APPROVER, revoke);
                }
                2 => {
                    chain.run_at(time, GATEWAY, accesses(vec![access(Some(grant), GATEWAY, 1)]));
                }
                _ => time = Timestamp(time.0 + u64::from(arg) * 6 * 3_600_000),
            }
        }

        for key in chain.state.records().keys() {
            let RecordKey::AccessEvent(id) = key else { continue };
            let event = access_event(&chain, id.0);
            let grant: Option<Grant> =
                event.access.grant.and_then(|g| load(&chain.state, &RecordKey::Grant(g)));
            let Some(grant) = grant else { continue };
            let revoked = matches!(grant.status, GrantStatus::Revoked { at, .. } if at < event.recorded_at);
            if revoked || event.recorded_at >= grant.expires_at {
                prop_assert!(violation_reason(&chain, id.0).is_some(), "{:?} under {:?}", event, grant);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn no_request_is_ever_refused_without_a_legal_basis_of_the_registry(
        steps in prop::collection::vec((0u8..4, 0u8..8), 1..10),
    ) {
        // Codes in and out of the registry, including near misses.
        const GROUNDS: [&str; 6] = ["dsl-38", "pipl-34", "whim", "DSL-38", "dsl-3", "gov-info-14"];
        let mut chain = chain();
        for (kind, arg) in steps {
            let request = u64::from(arg % 4) + 1;
            match kind {
                0 => {
                    let entry = ["E-COND", "E-NOT", "E-UNCOND"][usize::from(arg % 3)];
                    let draft = draft(&chain, entry);
                    chain.run(GATEWAY, Action::RequestShare { draft });
                }
                1 => {
                    let ground = GROUNDS[usize::from(arg) % GROUNDS.len()];
                    answer(&mut chain, APPROVER, request, refuse(ground));
                }
                2 => {
                    let expires_at = Timestamp(chain.context().time.0 + DAY_MS);
                    answer(&mut chain, APPROVER, request, approve(expires_at));
                }
                _ => {
                    let withdraw = Action::WithdrawShareRequest { request: ShareRequestId(request) };
                    chain.run(GATEWAY, withdraw);
                }
            }
        }

        let policy = crate::testkit::dev_genesis().policy;
        for key in chain.state.records().keys() {
            let RecordKey::ShareRequest(id) = key else { continue };
            if let ShareStatus::Refused { legal_basis, .. } = share_request(&chain, id.0).status {
                prop_assert!(policy.has_legal_basis(&legal_basis), "refused citing {legal_basis}");
            }
        }
    }
}

/// The reach of each sharing and access code: see `crate::reach`.
pub(crate) fn reach(rejection: Rejection) -> Option<crate::testkit::Reach> {
    use crate::testkit::Reach;
    let requesting = |change: fn(&mut ShareRequestDraft)| {
        let chain = chain();
        let mut draft = draft(&chain, "E-UNCOND");
        change(&mut draft);
        Reach::by(chain, GATEWAY, Action::RequestShare { draft })
    };
    let under_review = || {
        let mut chain = chain();
        assert_eq!(refusal(&request(&mut chain, "E-COND")), None);
        chain
    };
    let answering = |answer: ShareAnswer| {
        let chain = under_review();
        Reach::by(chain, APPROVER, Action::AnswerShare { request: ShareRequestId(1), answer })
    };
    let revoke =
        |grant: u64| Action::RevokeGrant { grant: GrantId(grant), reason: "越权使用".into() };
    let reach = match rejection {
        Rejection::ShareRequestUnknown => Reach::by(
            chain(),
            APPROVER,
            Action::AnswerShare { request: ShareRequestId(9), answer: refuse("dsl-38") },
        ),
        Rejection::ShareRequestNotPending => {
            let mut chain = under_review();
            assert_eq!(refusal(&answer(&mut chain, APPROVER, 1, refuse("dsl-38"))), None);
            Reach::by(
                chain,
                APPROVER,
                Action::AnswerShare { request: ShareRequestId(1), answer: refuse("dsl-38") },
            )
        }
        Rejection::RefusalWithoutLegalBasis => answering(refuse("不想给")),
        Rejection::LegalDutyUnknown => requesting(|d| d.legal_duty = LegalBasisCode::from("whim")),
        Rejection::ShareEntryUnknown => requesting(|d| d.entry = CatalogCode::from("E-NONE")),
        Rejection::ShareEntryNotPublished => requesting(|d| d.entry = CatalogCode::from("E-DRAFT")),
        Rejection::ShareItemsEmpty => answering(approving(&[], Timestamp(u64::MAX / 2), None)),
        Rejection::ShareItemsNotInEntry => requesting(|d| d.items = vec!["salary".into()]),
        Rejection::ShareTermInvalid => requesting(|d| d.ends = Date(d.starts.0 - 1)),
        Rejection::GrantExpiresInPast => answering(approve(Timestamp(0))),
        Rejection::ApproverNotProvider => {
            let chain = under_review();
            let action =
                Action::AnswerShare { request: ShareRequestId(1), answer: refuse("dsl-38") };
            Reach::by(chain, "xm-scjg/share-approver", action)
        }
        Rejection::GrantItemsNotRequested => {
            answering(approving(&["licence"], Timestamp(u64::MAX / 2), None))
        }
        Rejection::ExceptionOnlyForNotShared => requesting(|d| d.exception = true),
        Rejection::ExceptionWithoutLegalBasis => {
            let mut chain = chain();
            let draft = ShareRequestDraft { exception: true, ..draft(&chain, "E-NOT") };
            assert_eq!(refusal(&chain.run(GATEWAY, Action::RequestShare { draft })), None);
            let answer = approve(Timestamp(u64::MAX / 2));
            Reach::by(chain, APPROVER, Action::AnswerShare { request: ShareRequestId(1), answer })
        }
        Rejection::AccessItemsNotInResource => {
            Reach::by(chain(), GATEWAY, accesses(vec![access_to(None, GATEWAY, 1, &["salary"])]))
        }
        Rejection::NotRequester => Reach::by(
            under_review(),
            "xm-jypt/data-user",
            Action::WithdrawShareRequest { request: ShareRequestId(1) },
        ),
        Rejection::GrantUnknown => Reach::by(chain(), APPROVER, revoke(9)),
        Rejection::GrantNotActive => {
            let mut chain = chain();
            assert_eq!(refusal(&request(&mut chain, "E-UNCOND")), None);
            assert_eq!(refusal(&chain.run(APPROVER, revoke(1))), None);
            Reach::by(chain, APPROVER, revoke(1))
        }
        Rejection::AccessBatchEmpty => Reach::by(chain(), GATEWAY, accesses(vec![])),
        Rejection::AccessMemberNotInOrg => {
            Reach::by(chain(), GATEWAY, accesses(vec![access(None, "xm-dsj/admin", 1)]))
        }
        _ => return None,
    };
    Some(reach)
}
