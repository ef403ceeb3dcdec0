//! The grant lifecycle, as applied through whole blocks on the dev network at protocol version
//! 3. The provincial data bureau fj-sjj provides entry E-PROV (items `name`, `licence`,
//! `address`; resource 1); the city data bureau xm-dsj asks for it and passes it on to the
//! city's public-security bureau xm-gaj (数据回流). The first block's local date is 2026-01-01, a
//! holiday; Jan 2 and Sat 3 are holidays too, and Sun Jan 4 is a make-up working day.

use onebook_types::{
    action::{
        AccessDraft, AccessOperation, Action, GovernanceChange, ShareAnswer, ShareRequestDraft,
        ShareType,
    },
    block::Receipt,
    catalog_records::{Obligation, ObligationKind, ObligationStatus},
    consortium::Role,
    hash::Hash32,
    ids::{
        AccessEventId, CatalogCode, GrantId, LegalBasisCode, OrgId, ProposalId, ResourceId,
        ShareRequestId, Timestamp,
    },
    lifecycle_records::{
        CloseOutDisposition, GrantCloseOut, GrantEnd, GrantLineage, LifecyclePolicy,
    },
    record::RecordKey,
    rejection::Rejection,
    sharing_records::{AccessEvent, Grant, Violation, ViolationReason},
    time::Date,
};

use crate::{
    obligations::{open_obligations, overdue_obligations},
    ports::{load, store},
    sharing::catalog_view::fixtures,
    testkit::{Chain, Reach, public, refusal},
};

const PROVIDER_APPROVER: &str = "fj-sjj/share-approver";
const CITY_USER: &str = "xm-dsj/data-user";
const CITY_APPROVER: &str = "xm-dsj/share-approver";
const BUREAU_APPROVER: &str = "xm-gaj/share-approver";
const BUREAU_GATEWAY: &str = "xm-gaj/gateway";
const OFFSET: i16 = 480;

fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

/// Local midnight starting `text`.
fn midnight(text: &str) -> Timestamp {
    date(text).start(OFFSET)
}

/// The dev chain at protocol version 3 with fj-sjj's conditional entry E-PROV and its resource
/// 1, a share approver at fj-sjj and a data user at xm-dsj.
fn chain() -> Chain {
    let mut chain = Chain::at_version_three();
    let conditional = ShareType::Conditional { conditions: "仅限履职".into() };
    let items = ["name", "licence", "address"];
    let entry = fixtures::entry("E-PROV", "fj-sjj", conditional, &items, true);
    store(&mut chain.state, RecordKey::CatalogEntry(CatalogCode::from("E-PROV")), &entry);
    let resource = fixtures::resource(1, "E-PROV", "fj-sjj", &items);
    store(&mut chain.state, RecordKey::Resource(ResourceId(1)), &resource);
    for (admin, label, role) in [
        ("fj-sjj/admin", PROVIDER_APPROVER, Role::ShareApprover),
        ("xm-dsj/admin", CITY_USER, Role::DataUser),
    ] {
        let register =
            Action::RegisterMember {
                key: public(label), name: "经办人".into(), roles: vec![role]
            };
        assert_eq!(refusal(&chain.run(admin, register)), None);
    }
    chain
}

/// `chain()` after xm-dsj asked for `items` of E-PROV and fj-sjj granted them until
/// `expires_at`: grant 1.
fn granted(items: &[&str], expires_at: Timestamp) -> Chain {
    let mut chain = chain();
    grant_on(&mut chain, items, expires_at);
    chain
}

/// xm-dsj asks for `items` of E-PROV for 2026 and fj-sjj grants them until `expires_at`.
fn grant_on(chain: &mut Chain, items: &[&str], expires_at: Timestamp) {
    let draft = ShareRequestDraft {
        entry: CatalogCode::from("E-PROV"),
        items: names(items),
        purpose: "市级数据回流，支撑基层治理".into(),
        legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
        starts: date("2026-01-01"),
        ends: date("2026-12-31"),
        exception: false,
    };
    assert_eq!(refusal(&chain.run(CITY_USER, Action::RequestShare { draft })), None);
    let id: u64 = load(&chain.state, &RecordKey::Sequence("share_request".into())).expect("one");
    let answer = ShareAnswer::Approve {
        items: names(items),
        expires_at,
        conditions: "仅限履职".into(),
        legal_basis: None,
    };
    let approve = Action::AnswerShare { request: ShareRequestId(id), answer };
    assert_eq!(refusal(&chain.run(PROVIDER_APPROVER, approve)), None);
}

fn names(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn destroyed(grant: u64) -> Action {
    Action::CloseOutGrant {
        grant: GrantId(grant),
        disposition: CloseOutDisposition::Destroyed,
        attestation_digest: Hash32([9; 32]),
    }
}

fn onward(parent: u64, grantee: &str, items: &[&str], expires_at: Timestamp) -> Action {
    Action::GrantOnward {
        parent: GrantId(parent),
        grantee: OrgId::from(grantee),
        items: names(items),
        expires_at,
        conditions: "仅限辖区履职".into(),
    }
}

fn revoke(grant: u64) -> Action {
    Action::RevokeGrant { grant: GrantId(grant), reason: "超范围使用".into() }
}

/// An access by `member` (a member of the signer's org) to resource 1 under `grant`.
fn access(grant: u64, member: &str) -> Action {
    Action::RecordAccesses {
        events: vec![AccessDraft {
            grant: Some(GrantId(grant)),
            member: public(member),
            resource: ResourceId(1),
            items: vec!["name".into()],
            operation: AccessOperation::Query,
            record_count: 3,
            request_digest: Hash32([7; 32]),
            accessed_at: Timestamp(0),
        }],
    }
}

/// The violation reason of the last access event, if any.
fn last_violation(chain: &Chain) -> Option<ViolationReason> {
    let last: u64 = load(&chain.state, &RecordKey::Sequence("access_event".into())).expect("one");
    let event: AccessEvent =
        load(&chain.state, &RecordKey::AccessEvent(AccessEventId(last))).expect("stored");
    let violation: Violation =
        load(&chain.state, &RecordKey::Violation(event.violation?)).expect("stored");
    Some(violation.reason)
}

fn close_out_obligation(chain: &Chain, org: &str, grant: u64) -> Obligation {
    let subject = Some(RecordKey::Grant(GrantId(grant)));
    let all: Vec<Obligation> = (1..=20)
        .filter_map(|id| {
            load(&chain.state, &RecordKey::Obligation(onebook_types::ids::ObligationId(id)))
        })
        .collect();
    all.into_iter()
        .find(|o| {
            o.org == OrgId::from(org)
                && o.kind == ObligationKind::GrantCloseOut
                && o.subject == subject
        })
        .expect("a close-out obligation")
}

fn close_out_record(chain: &Chain, grant: u64) -> GrantCloseOut {
    load(&chain.state, &RecordKey::GrantCloseOut(GrantId(grant))).expect("a close-out")
}

fn grant(chain: &Chain, id: u64) -> Grant {
    load(&chain.state, &RecordKey::Grant(GrantId(id))).expect("grant")
}

fn local_day(time: Timestamp) -> String {
    Date::of_timestamp(time, OFFSET).to_string()
}

fn attribute<'r>(receipt: &'r Receipt, kind: &str, name: &str) -> &'r str {
    let event = receipt.events.iter().find(|e| e.kind == kind).expect(kind);
    let (_, value) = event.attributes.iter().find(|(n, _)| n == name).expect(name);
    value
}

/// Passes `SetLifecyclePolicy` with `days` through governance.
fn set_close_out_days(chain: &mut Chain, days: u16) {
    let change = GovernanceChange::SetLifecyclePolicy {
        policy: LifecyclePolicy { close_out_working_days: days },
    };
    let submit = Action::SubmitProposal { change, rationale: "数据销毁时限".into() };
    assert_eq!(refusal(&chain.run("xm-dsj/admin", submit)), None);
    let id: u64 = load(&chain.state, &RecordKey::Sequence("proposal".into())).expect("one");
    for admin in ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"] {
        let vote = Action::VoteProposal { proposal: ProposalId(id), approve: true };
        assert_eq!(refusal(&chain.run(admin, vote)), None);
    }
}

#[test]
fn a_grant_opens_its_grantees_close_out_duty_due_ten_working_days_after_its_last_day() {
    // Last day of cover Jan 1; Jan 2-3 off, Sun 4 a make-up day (1), Jan 5-9 (2-6), 12-15 (7-10).
    let chain = granted(&["name"], midnight("2026-01-02"));

    let duty = close_out_obligation(&chain, "xm-dsj", 1);

    assert_eq!(duty.status, ObligationStatus::Open);
    assert_eq!(local_day(duty.due), "2026-01-15");
    let listed = open_obligations(&chain.state, &OrgId::from("xm-dsj"));
    assert!(listed.iter().any(|o| o.id == duty.id));
}

#[test]
fn a_missing_close_out_is_overdue_exactly_after_the_governed_working_days_and_then_late() {
    // Five working days, counted from Jan 1 across the New Year holiday: Sun Jan 4 is a make-up
    // day (1), Mon 5 to Thu 8 (2 to 5). Due at the last millisecond of Jan 8.
    let mut chain = chain();
    set_close_out_days(&mut chain, 5);
    grant_on(&mut chain, &["name"], midnight("2026-01-02"));
    let duty = close_out_obligation(&chain, "xm-dsj", 1);
    let dsj = OrgId::from("xm-dsj");
    let overdue_ids = |chain: &Chain, now: Timestamp| {
        overdue_obligations(&chain.state, &dsj, now)
            .iter()
            .filter(|o| o.kind == ObligationKind::GrantCloseOut)
            .map(|o| o.subject.clone())
            .collect::<Vec<_>>()
    };

    let at_due = overdue_ids(&chain, duty.due);
    let after_due = overdue_ids(&chain, Timestamp(duty.due.0 + 1));
    let late = chain.run_at(Timestamp(duty.due.0 + 1), CITY_USER, destroyed(1));

    assert_eq!(local_day(duty.due), "2026-01-08");
    assert_eq!(local_day(Timestamp(duty.due.0 + 1)), "2026-01-09");
    let subject = Some(RecordKey::Grant(GrantId(1)));
    assert!(!at_due.contains(&subject), "not overdue on its last day");
    assert!(after_due.contains(&subject), "overdue just after");
    assert_eq!(refusal(&late), None);
    assert_eq!(attribute(&late, "grant.closed_out", "late"), "true");
    assert_eq!(attribute(&late, "obligation.met", "late"), "true");
    let record = close_out_record(&chain, 1);
    assert!(record.late);
    assert_eq!((record.ended, record.ended_at), (GrantEnd::Expired, midnight("2026-01-02")));
    let met = close_out_obligation(&chain, "xm-dsj", 1).status;
    assert!(matches!(met, ObligationStatus::Met { .. }));
    assert!(!overdue_ids(&chain, Timestamp(duty.due.0 + 2)).contains(&subject));
}

#[test]
fn a_close_out_within_the_working_days_is_on_time_and_meets_the_duty() {
    let mut chain = granted(&["name"], midnight("2026-01-02"));
    let due = close_out_obligation(&chain, "xm-dsj", 1).due;

    let receipt = chain.run_at(due, CITY_USER, destroyed(1));

    assert_eq!(refusal(&receipt), None);
    assert_eq!(attribute(&receipt, "grant.closed_out", "late"), "false");
    assert_eq!(attribute(&receipt, "grant.closed_out", "disposition"), "destroyed");
    let record = close_out_record(&chain, 1);
    assert_eq!((record.late, record.due, record.grantee), (false, due, OrgId::from("xm-dsj")));
    assert_eq!(record.attestation_digest, Hash32([9; 32]));
    assert!(open_obligations(&chain.state, &OrgId::from("xm-dsj")).is_empty());
}

#[test]
fn a_lawful_retention_cites_a_legal_basis_of_the_registry() {
    let mut chain = granted(&["name"], midnight("2026-01-02"));
    let retain = |code: &str| Action::CloseOutGrant {
        grant: GrantId(1),
        disposition: CloseOutDisposition::Retained { legal_basis: LegalBasisCode::from(code) },
        attestation_digest: Hash32([3; 32]),
    };
    let after = Timestamp(midnight("2026-01-05").0);

    let unknown = chain.run_at(after, CITY_USER, retain("keep-forever"));
    let cited = chain.run_at(after, CITY_USER, retain("dsl-38"));

    assert_eq!(refusal(&unknown), Some(Rejection::RetentionLegalBasisUnknown));
    assert_eq!(refusal(&cited), None);
    assert_eq!(
        close_out_record(&chain, 1).disposition,
        CloseOutDisposition::Retained { legal_basis: LegalBasisCode::from("dsl-38") }
    );
}

#[test]
fn only_the_grantee_closes_out_and_only_once_with_an_attestation() {
    let mut chain = granted(&["name"], midnight("2026-01-02"));
    let bare = Action::CloseOutGrant {
        grant: GrantId(1),
        disposition: CloseOutDisposition::Destroyed,
        attestation_digest: Hash32::ZERO,
    };

    let stranger = chain.run(BUREAU_GATEWAY, destroyed(1));
    let no_role = chain.run(CITY_APPROVER, destroyed(1));
    let unknown = chain.run(CITY_USER, destroyed(9));
    let without_attestation = chain.run(CITY_USER, bare);
    let first = chain.run(CITY_USER, destroyed(1));
    let again = chain.run("xm-dsj/admin", destroyed(1));

    assert_eq!(refusal(&stranger), Some(Rejection::CloseOutNotGrantee));
    assert_eq!(refusal(&no_role), Some(Rejection::RoleMissing));
    assert_eq!(refusal(&unknown), Some(Rejection::GrantUnknown));
    assert_eq!(refusal(&without_attestation), Some(Rejection::AttestationDigestMissing));
    assert_eq!(refusal(&first), None);
    assert_eq!(refusal(&again), Some(Rejection::GrantAlreadyClosedOut));
}

#[test]
fn a_close_out_before_expiry_ends_the_grant_and_later_accesses_are_violations() {
    let mut chain = granted(&["name"], midnight("2026-03-01"));
    let before = chain.run(CITY_USER, access(1, CITY_USER));
    let covered = last_violation(&chain);

    let closed = chain.run(CITY_USER, destroyed(1));
    let after = chain.run(CITY_USER, access(1, CITY_USER));

    assert_eq!([refusal(&before), refusal(&closed), refusal(&after)], [None, None, None]);
    assert_eq!(covered, None);
    assert_eq!(attribute(&closed, "grant.closed_out", "ended"), "end-of-use");
    assert_eq!(close_out_record(&chain, 1).ended, GrantEnd::EndOfUse);
    assert_eq!(last_violation(&chain), Some(ViolationReason::GrantClosed));
}

#[test]
fn revoking_a_grant_brings_its_close_out_forward_to_the_working_days_after_revocation() {
    let mut chain = granted(&["name"], midnight("2026-06-01"));
    let before = close_out_obligation(&chain, "xm-dsj", 1).due;

    let revoked = chain.run(PROVIDER_APPROVER, revoke(1));

    assert_eq!(refusal(&revoked), None);
    let after = close_out_obligation(&chain, "xm-dsj", 1).due;
    assert_eq!(local_day(before), "2026-06-12");
    assert_eq!(local_day(after), "2026-01-15");
    assert_eq!(attribute(&revoked, "obligation.due_changed", "due"), after.to_string());
}

#[test]
fn close_out_is_a_rule_of_protocol_version_three() {
    let mut chain = Chain::dev();
    let entry = fixtures::entry("E-UNCOND", "xm-dsj", ShareType::Unconditional, &["name"], true);
    store(&mut chain.state, RecordKey::CatalogEntry(CatalogCode::from("E-UNCOND")), &entry);
    let draft = ShareRequestDraft {
        entry: CatalogCode::from("E-UNCOND"),
        items: vec![],
        purpose: "核查".into(),
        legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
        starts: date("2026-01-01"),
        ends: date("2026-01-01"),
        exception: false,
    };
    let issued = chain.run(BUREAU_GATEWAY, Action::RequestShare { draft });
    assert_eq!(refusal(&issued), None);
    assert!(issued.events.iter().any(|e| e.kind == "grant.issued"));

    let receipt = chain.run(BUREAU_GATEWAY, destroyed(1));
    let on_ward = chain.run(BUREAU_APPROVER, onward(1, "xm-dsj", &["name"], Timestamp(1)));

    assert_eq!(refusal(&receipt), Some(Rejection::ActionNotYetEnabled));
    assert_eq!(refusal(&on_ward), Some(Rejection::ActionNotYetEnabled));
    assert!(issued.events.iter().all(|e| e.kind != "obligation.opened"));
    assert!(
        open_obligations(&chain.state, &OrgId::from("xm-gaj"))
            .iter()
            .all(|o| o.kind != ObligationKind::GrantCloseOut),
        "grants issued before version 3 open no close-out duty"
    );
}

#[test]
fn an_onward_grant_passes_data_down_within_its_parents_scope_and_term() {
    let expiry = midnight("2026-03-01");
    let mut chain = granted(&["name", "licence"], expiry);

    let wider = chain.run(CITY_APPROVER, onward(1, "xm-gaj", &["address"], expiry));
    let whole = chain.run(CITY_APPROVER, onward(1, "xm-gaj", &[], expiry));
    let longer = chain.run(CITY_APPROVER, onward(1, "xm-gaj", &["name"], Timestamp(expiry.0 + 1)));
    let upward = chain.run(CITY_APPROVER, onward(1, "fj-sjj", &["name"], expiry));
    let outside = chain.run(CITY_APPROVER, onward(1, "xm-jypt", &["name"], expiry));
    let not_grantee = chain.run(BUREAU_APPROVER, onward(1, "xm-scjg", &["name"], expiry));
    let within = chain.run(CITY_APPROVER, onward(1, "xm-gaj", &["name"], expiry));
    let used = chain.run(BUREAU_GATEWAY, access(2, BUREAU_GATEWAY));

    assert_eq!(refusal(&wider), Some(Rejection::OnwardScopeExceedsParent));
    assert_eq!(refusal(&whole), Some(Rejection::OnwardScopeExceedsParent));
    assert_eq!(refusal(&longer), Some(Rejection::OnwardTermExceedsParent));
    assert_eq!(refusal(&upward), Some(Rejection::OnwardGranteeNotBelow));
    assert_eq!(refusal(&outside), Some(Rejection::OnwardGranteeNotBelow));
    assert_eq!(refusal(&not_grantee), Some(Rejection::OnwardGranterNotGrantee));
    assert_eq!([refusal(&within), refusal(&used)], [None, None]);
    assert_eq!(last_violation(&chain), None);
    let child = grant(&chain, 2);
    assert_eq!((child.grantee, child.provider), (OrgId::from("xm-gaj"), OrgId::from("fj-sjj")));
    assert_eq!(child.request, ShareRequestId(1));
    let lineage: GrantLineage = load(&chain.state, &RecordKey::GrantLineage(GrantId(2))).expect("");
    assert_eq!(lineage.parent, Some(GrantId(1)));
    assert_eq!(lineage.granted_by, Some(OrgId::from("xm-dsj")));
    let parent: GrantLineage = load(&chain.state, &RecordKey::GrantLineage(GrantId(1))).expect("");
    assert_eq!(parent.children, [GrantId(2)]);
    assert_eq!(local_day(close_out_obligation(&chain, "xm-gaj", 2).due), "2026-03-13");
}

#[test]
fn revoking_the_parent_ends_the_onward_grants_cover_and_their_accesses_are_violations() {
    let expiry = midnight("2026-03-01");
    let mut chain = granted(&["name"], expiry);
    assert_eq!(refusal(&chain.run(CITY_APPROVER, onward(1, "xm-gaj", &["name"], expiry))), None);
    let before = close_out_obligation(&chain, "xm-gaj", 2).due;

    let revoked = chain.run(PROVIDER_APPROVER, revoke(1));
    let used = chain.run(BUREAU_GATEWAY, access(2, BUREAU_GATEWAY));
    let again = chain.run(CITY_APPROVER, onward(1, "xm-scjg", &["name"], expiry));

    assert_eq!([refusal(&revoked), refusal(&used)], [None, None]);
    assert_eq!(attribute(&revoked, "grant.cover_ended", "grant"), "2");
    assert_eq!(last_violation(&chain), Some(ViolationReason::ParentGrantEnded));
    let after = close_out_obligation(&chain, "xm-gaj", 2).due;
    assert!(after < before, "the onward grant's close-out falls due with its parent's end");
    assert_eq!(refusal(&again), Some(Rejection::ParentGrantNotInForce));
    let closed = chain.run(BUREAU_GATEWAY, destroyed(2));
    assert_eq!(refusal(&closed), None);
    assert_eq!(close_out_record(&chain, 2).ended, GrantEnd::ParentEnded);
}

#[test]
fn the_onward_granter_may_revoke_its_onward_grant() {
    let expiry = midnight("2026-03-01");
    let mut chain = granted(&["name"], expiry);
    assert_eq!(refusal(&chain.run(CITY_APPROVER, onward(1, "xm-gaj", &["name"], expiry))), None);

    let stranger = chain.run("xm-scjg/share-approver", revoke(2));
    let granter = chain.run(CITY_APPROVER, revoke(2));
    let used = chain.run(BUREAU_GATEWAY, access(2, BUREAU_GATEWAY));

    assert_eq!(refusal(&stranger), Some(Rejection::ApproverNotProvider));
    assert_eq!([refusal(&granter), refusal(&used)], [None, None]);
    assert_eq!(last_violation(&chain), Some(ViolationReason::GrantRevoked));
}

#[test]
fn onward_grants_go_at_most_two_levels_down() {
    let expiry = midnight("2026-03-01");
    let mut chain = granted(&["name"], expiry);
    assert_eq!(refusal(&chain.run(CITY_APPROVER, onward(1, "xm-gaj", &["name"], expiry))), None);
    let second = chain.run(BUREAU_APPROVER, onward(2, "xm-scjg", &["name"], expiry));

    let third = chain.run("xm-scjg/share-approver", onward(3, "xm-dsj", &["name"], expiry));

    assert_eq!(refusal(&second), None);
    assert_eq!(refusal(&third), Some(Rejection::OnwardGrantsFull));
}

#[test]
fn the_close_out_working_days_are_governed_from_version_three_and_never_zero() {
    let mut chain = chain();
    let propose = |days: u16| Action::SubmitProposal {
        change: GovernanceChange::SetLifecyclePolicy {
            policy: LifecyclePolicy { close_out_working_days: days },
        },
        rationale: "时限".into(),
    };
    let mut old = Chain::dev();

    let zero = chain.run("xm-dsj/admin", propose(0));
    let before_version_three = old.run("xm-dsj/admin", propose(5));
    set_close_out_days(&mut chain, 7);

    assert_eq!(refusal(&zero), Some(Rejection::PolicyChangeInvalid));
    assert_eq!(refusal(&before_version_three), Some(Rejection::ActionNotYetEnabled));
    let policy: LifecyclePolicy = load(&chain.state, &RecordKey::LifecyclePolicy).expect("set");
    assert_eq!(policy.close_out_working_days, 7);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Whatever is asked, an accepted onward grant names only items of its parent and expires
    /// no later than it; one that would not is refused with the rule it breaks.
    #[test]
    fn an_onward_grant_never_exceeds_its_parent(
        parent_mask in 1u8..8,
        child_mask in 0u8..8,
        later_ms in -2i64..=2,
    ) {
        let all = ["name", "licence", "address"];
        let pick = |mask: u8| -> Vec<&str> {
            all.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect()
        };
        let (parent_items, child_items) = (pick(parent_mask), pick(child_mask));
        let parent_expiry = midnight("2026-03-01");
        let mut chain = granted(&parent_items, parent_expiry);
        let expires_at = Timestamp(parent_expiry.0.saturating_add_signed(later_ms * 1_000));

        let receipt = chain.run(CITY_APPROVER, onward(1, "xm-gaj", &child_items, expires_at));

        let within = !child_items.is_empty() && child_items.iter().all(|i| parent_items.contains(i));
        let expected = if !within {
            Some(Rejection::OnwardScopeExceedsParent)
        } else if expires_at > parent_expiry {
            Some(Rejection::OnwardTermExceedsParent)
        } else {
            None
        };
        proptest::prop_assert_eq!(refusal(&receipt), expected);
        if expected.is_none() {
            let child = grant(&chain, 2);
            let parent = grant(&chain, 1);
            proptest::prop_assert!(child.items.iter().all(|i| parent.items.contains(i)));
            proptest::prop_assert!(child.expires_at <= parent.expires_at);
        }
    }
}

/// The reach of each grant-lifecycle code: see `crate::reach`.
pub(crate) fn reach(rejection: Rejection) -> Option<Reach> {
    let expiry = midnight("2026-03-01");
    let granted = || granted(&["name"], expiry);
    let reach = match rejection {
        Rejection::CloseOutNotGrantee => Reach::by(granted(), BUREAU_GATEWAY, destroyed(1)),
        Rejection::GrantAlreadyClosedOut => {
            let mut chain = granted();
            assert_eq!(refusal(&chain.run(CITY_USER, destroyed(1))), None);
            Reach::by(chain, CITY_USER, destroyed(1))
        }
        Rejection::RetentionLegalBasisUnknown => Reach::by(
            granted(),
            CITY_USER,
            Action::CloseOutGrant {
                grant: GrantId(1),
                disposition: CloseOutDisposition::Retained {
                    legal_basis: LegalBasisCode::from("whim"),
                },
                attestation_digest: Hash32([1; 32]),
            },
        ),
        Rejection::AttestationDigestMissing => Reach::by(
            granted(),
            CITY_USER,
            Action::CloseOutGrant {
                grant: GrantId(1),
                disposition: CloseOutDisposition::Destroyed,
                attestation_digest: Hash32::ZERO,
            },
        ),
        Rejection::OnwardGranterNotGrantee => {
            Reach::by(granted(), BUREAU_APPROVER, onward(1, "xm-scjg", &["name"], expiry))
        }
        Rejection::ParentGrantNotInForce => {
            let mut chain = granted();
            assert_eq!(refusal(&chain.run(PROVIDER_APPROVER, revoke(1))), None);
            Reach::by(chain, CITY_APPROVER, onward(1, "xm-gaj", &["name"], expiry))
        }
        Rejection::OnwardScopeExceedsParent => {
            Reach::by(granted(), CITY_APPROVER, onward(1, "xm-gaj", &["licence"], expiry))
        }
        Rejection::OnwardTermExceedsParent => Reach::by(
            granted(),
            CITY_APPROVER,
            onward(1, "xm-gaj", &["name"], Timestamp(expiry.0 + 1)),
        ),
        Rejection::OnwardGranteeNotBelow => {
            Reach::by(granted(), CITY_APPROVER, onward(1, "fj-sjj", &["name"], expiry))
        }
        Rejection::OnwardGrantsFull => {
            let mut chain = granted();
            let first = onward(1, "xm-gaj", &["name"], expiry);
            assert_eq!(refusal(&chain.run(CITY_APPROVER, first)), None);
            let second = onward(2, "xm-scjg", &["name"], expiry);
            assert_eq!(refusal(&chain.run(BUREAU_APPROVER, second)), None);
            Reach::by(chain, "xm-scjg/share-approver", onward(3, "xm-dsj", &["name"], expiry))
        }
        _ => return None,
    };
    Some(reach)
}
