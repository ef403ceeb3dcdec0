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

/// The dev chain with four xm-dsj entries (unconditional, conditional, not shared, unpublished)
/// and resources 1 and 2 of the first two, resource 3 of another entry.
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
        let resource = fixtures::resource(id, entry, "xm-dsj");
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
    ShareAnswer::Approve {
        items: vec!["name".into()], expires_at, conditions: "仅限办案".into()
    }
}

fn refuse(code: &str) -> ShareAnswer {
    ShareAnswer::Refuse {
        legal_basis: LegalBasisCode::from(code), reason: "涉及国家秘密".into()
    }
}

fn access(grant: Option<u64>, member: &str, resource: u64) -> AccessDraft {
    AccessDraft {
        grant: grant.map(GrantId),
        member: public(member),
        resource: ResourceId(resource),
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

#[test]
fn approving_a_not_shared_entry_is_recorded_as_an_exception() {
    let mut chain = chain();
    let requested = request(&mut chain, "E-NOT");
    let expires_at = Timestamp(chain.context().time.0 + DAY_MS);

    let approved = answer(&mut chain, APPROVER, 1, approve(expires_at));

    assert_eq!(kinds(&requested), ["share_request.submitted", "share_request.under_review"]);
    assert_eq!(refusal(&approved), None);
    assert!(grant(&chain, 1).exception);
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
        (ShareRequestDraft { items: vec![], ..base.clone() }, Rejection::ShareItemsEmpty),
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
        Rejection::ShareItemsEmpty => requesting(|d| d.items.clear()),
        Rejection::ShareItemsNotInEntry => requesting(|d| d.items = vec!["salary".into()]),
        Rejection::ShareTermInvalid => requesting(|d| d.ends = Date(d.starts.0 - 1)),
        Rejection::GrantExpiresInPast => answering(approve(Timestamp(0))),
        Rejection::ApproverNotProvider => {
            let chain = under_review();
            let action =
                Action::AnswerShare { request: ShareRequestId(1), answer: refuse("dsl-38") };
            Reach::by(chain, "xm-scjg/share-approver", action)
        }
        Rejection::GrantItemsNotRequested => answering(ShareAnswer::Approve {
            items: vec!["licence".into()],
            expires_at: Timestamp(u64::MAX / 2),
            conditions: String::new(),
        }),
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
