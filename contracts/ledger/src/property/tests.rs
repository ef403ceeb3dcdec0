//! Data-property registration, as applied through whole blocks on the dev network. xm-dsj
//! provides resource 1 and applies for its holding right; the registrars of xm-djzx review,
//! rule and issue; the first block's local date is 2026-01-01 and the notice lasts 15 days.

use onebook_types::{
    action::{Action, PropertySubject, RightKind},
    block::Receipt,
    hash::Hash32,
    ids::{ApplicationId, CertificateNumber, ObjectionId, OrgId},
    property_records::{
        ApplicationStatus, Certificate, CertificateStatus, Objection, ObjectionStatus,
        SubjectRights, certificate_number, certificate_number_is_well_formed, subject_hash,
    },
    record::RecordKey,
    rejection::Rejection,
    time::Date,
};
use std::{cell::RefCell, collections::BTreeMap};

use onebook_genesis::dev_secret;
use onebook_types::{keys::PublicKey, tx::VerifiedTx};
use proptest::prelude::*;

use super::{
    certificate_sequence, is_standing,
    reach::{
        DATA_USER, PLATFORM, POLICE, PROVIDER, REGISTRAR, accepted, after_notice, application,
        applied, approve, cancel, certified, chain, holding, issue, issued, license, licensed,
        object, product, reach, rule, today, transfer,
    },
};
use crate::{
    ports::load,
    testkit::{Chain, public, refusal, signed},
};

fn certificate(chain: &Chain, number: &CertificateNumber) -> Certificate {
    load(&chain.state, &RecordKey::Certificate(number.clone())).expect("certificate")
}

fn objection(chain: &Chain, id: u64) -> Objection {
    load(&chain.state, &RecordKey::Objection(ObjectionId(id))).expect("objection")
}

fn kinds(receipt: &Receipt) -> Vec<&str> {
    receipt.events.iter().map(|event| event.kind.as_str()).collect()
}

fn subject_claims(chain: &Chain, subject: &PropertySubject) -> usize {
    let key = RecordKey::PropertySubject(subject_hash(subject));
    load::<SubjectRights>(&chain.state, &key).unwrap_or_default().claims.len()
}

#[test]
fn a_holding_right_goes_from_application_through_notice_to_a_certificate_and_its_end() {
    let mut chain = chain();
    let product_draft = product(&chain, RightKind::Holding, 7, vec![]);
    let resource_draft = holding(&chain, 1);
    let contested = applied(&mut chain, DATA_USER, product_draft.clone());
    let id = applied(&mut chain, PROVIDER, resource_draft.clone());
    let accept = chain.run(REGISTRAR, approve(id));
    accepted(&chain.run(REGISTRAR, approve(contested)));
    accepted(&chain.run(POLICE, object(contested)));
    let upheld = chain.run(REGISTRAR, rule(ObjectionId(1), true));
    accepted(&chain.run(PLATFORM, object(id)));
    accepted(&chain.run(REGISTRAR, rule(ObjectionId(2), false)));

    let number = issued(&mut chain, id);
    let moved = chain.run(PROVIDER, transfer(&number, "xm-gaj"));
    let action = license(&chain, &number, 90);
    let licence_receipt = chain.run(POLICE, action);
    let renewed_until = Date(certificate(&chain, &number).valid_until.0 + 365);
    let renew =
        Action::RenewCertificate { certificate: number.clone(), valid_until: renewed_until };
    accepted(&chain.run("xm-djzx/registrar-2", renew));
    let cancelled = chain.run(REGISTRAR, cancel(&number));

    assert_eq!(kinds(&accept), ["property.notice_started"]);
    assert_eq!(kinds(&upheld), ["objection.upheld", "property.refused"]);
    assert!(matches!(
        application(&chain, contested).status,
        ApplicationStatus::Refused { objection: Some(ObjectionId(1)), .. }
    ));
    assert_eq!(subject_claims(&chain, &product_draft.subject), 0);
    assert!(matches!(objection(&chain, 2).status, ObjectionStatus::Dismissed { .. }));
    assert!(certificate_number_is_well_formed(number.as_str()), "{number}");
    assert!(number.as_str().starts_with("350200-2026-000001"));
    assert_eq!(kinds(&moved), ["certificate.transferred"]);
    assert_eq!(kinds(&licence_receipt), ["certificate.licensed"]);
    assert_eq!(kinds(&cancelled), ["certificate.cancelled"]);
    let held = certificate(&chain, &number);
    assert_eq!(held.holder, OrgId::from("xm-gaj"));
    assert_eq!(held.transfers.len(), 1);
    assert_eq!(held.transfers[0].from, OrgId::from("xm-dsj"));
    assert_eq!(held.valid_until, renewed_until);
    assert!(matches!(held.status, CertificateStatus::Cancelled { .. }));
    let licence_number = certificate_number("350200", 2026, 2).expect("assignable");
    let licence = certificate(&chain, &licence_number);
    assert_eq!((licence.right, licence.parent.as_ref()), (RightKind::ProcessingUse, Some(&number)));
    assert!(!is_standing(&licence, Some(&held), today(&chain)));
    assert_eq!(subject_claims(&chain, &resource_draft.subject), 0);
    accepted(&chain.run(PROVIDER, Action::ApplyForProperty { draft: holding(&chain, 1) }));
}

#[test]
fn a_refused_application_frees_its_subject() {
    let mut chain = chain();
    let draft = holding(&chain, 1);
    let id = applied(&mut chain, PROVIDER, draft.clone());
    let refuse = Action::ReviewPropertyApplication {
        application: id,
        decision: onebook_types::action::ReviewDecision::Return {
            reasons: "证明材料不足".into()
        },
    };

    let receipt = chain.run(REGISTRAR, refuse);

    assert_eq!(kinds(&receipt), ["property.refused"]);
    assert_eq!(subject_claims(&chain, &draft.subject), 0);
    accepted(&chain.run(PROVIDER, Action::ApplyForProperty { draft }));
}

#[test]
fn an_expired_certificate_no_longer_holds_its_subject() {
    let mut chain = chain();
    let mut draft = holding(&chain, 1);
    draft.valid_until = Date(draft.valid_from.0 + 20);
    let id = applied(&mut chain, PROVIDER, draft.clone());
    accepted(&chain.run(REGISTRAR, approve(id)));
    issued(&mut chain, id);
    chain.skip(10 * onebook_types::time::DAY_MS);

    let again = holding(&chain, 1);
    let receipt = chain.run(PROVIDER, Action::ApplyForProperty { draft: again });

    accepted(&receipt);
    assert_eq!(subject_claims(&chain, &draft.subject), 1);
}

#[test]
fn a_product_operation_right_rests_on_licences_that_stand_only_while_their_parent_does() {
    let mut chain = chain();
    let licence = licensed(&mut chain);
    let parent = certificate(&chain, &licence).parent.expect("a licence has a parent");
    let draft = product(&chain, RightKind::ProductOperation, 3, vec![licence.clone()]);
    let later = product(&chain, RightKind::ProductOperation, 4, vec![licence]);

    let before = chain.run(DATA_USER, Action::ApplyForProperty { draft });
    accepted(&chain.run(REGISTRAR, cancel(&parent)));
    let after = chain.run(DATA_USER, Action::ApplyForProperty { draft: later });

    accepted(&before);
    assert_eq!(refusal(&after), Some(Rejection::ProductInputNotHeld));
}

#[test]
fn a_holder_may_cancel_its_own_certificate_but_not_another_orgs() {
    let mut chain = chain();
    let number = certified(&mut chain);

    let stranger = chain.run(POLICE, cancel(&number));
    let holder = chain.run(PROVIDER, cancel(&number));

    assert_eq!(refusal(&stranger), Some(Rejection::HolderOnly));
    accepted(&holder);
}

#[test]
fn certificate_numbers_count_up_per_region_and_year() {
    let mut chain = chain();
    let first = certified(&mut chain);
    let second_id = {
        let draft = holding(&chain, 2);
        applied(&mut chain, POLICE, draft)
    };
    accepted(&chain.run(REGISTRAR, approve(second_id)));

    let second = issued(&mut chain, second_id);

    assert_eq!(first, certificate_number("350200", 2026, 1).expect("assignable"));
    assert_eq!(second, certificate_number("350200", 2026, 2).expect("assignable"));
    let last: u64 = load(&chain.state, &RecordKey::Sequence(certificate_sequence("350200", 2026)))
        .expect("set");
    assert_eq!(last, 2);
}

/// Runs the reach of `rejection` and checks the refusal changed nothing but the nonce.
fn assert_refused(rejection: Rejection) {
    let mut reach = reach(rejection).expect("a property rejection has a reach");
    let signer = reach.tx.body().signer;

    let outcome = reach.chain.block(&[reach.tx]);

    assert_eq!(refusal(&outcome.receipts[0]), Some(rejection));
    let keys: Vec<&RecordKey> = outcome.changes.iter().map(|(key, _)| key).collect();
    assert_eq!(keys, [&RecordKey::Nonce(signer)]);
}

/// One test per rejection, named after the rule, reached through the executor.
macro_rules! rules {
    ($($rule:ident => $rejection:ident,)*) => {
        $(
            #[test]
            fn $rule() {
                assert_refused(Rejection::$rejection);
            }
        )*
    };
}

rules! {
    only_a_recorded_application_can_be_reviewed => ApplicationUnknown,
    an_application_is_reviewed_once => ApplicationNotAwaitingReview,
    objections_are_filed_only_against_an_application_in_notice => ApplicationNotInNotice,
    an_application_cites_evidence_of_lawful_source => EvidenceMissing,
    a_validity_starts_before_it_ends => ValidityInvalid,
    a_data_product_carries_its_digest => ProductDigestMissing,
    one_holding_right_per_subject => SubjectRightTaken,
    a_product_operation_right_names_the_products_inputs => ProductInputsMissing,
    every_input_is_a_right_the_registrant_holds => ProductInputNotHeld,
    only_a_resources_provider_applies_for_its_holding_right => RegistrantNotProvider,
    a_processing_use_right_comes_only_by_licence => ProcessingUseByLicenceOnly,
    only_a_registration_centre_registers => RegistrarNotRegistrationCentre,
    no_objection_after_the_notice_ends => NoticeClosed,
    only_a_recorded_objection_can_be_ruled_on => ObjectionUnknown,
    an_objection_is_ruled_on_once => ObjectionNotPending,
    no_certificate_before_the_notice_ends => NoticeNotEnded,
    no_certificate_while_an_objection_is_pending => ObjectionsPending,
    only_a_recorded_certificate_can_be_acted_on => CertificateUnknown,
    a_cancelled_certificate_cannot_be_transferred => CertificateNotActive,
    only_the_holder_transfers_a_right => HolderOnly,
    a_right_is_transferred_to_another_org => CounterpartyIsHolder,
    a_right_passes_only_to_an_active_org => CounterpartyOrgSuspended,
    a_licence_term_is_not_empty => LicenceTermInvalid,
    a_licence_is_not_passed_on => LicenceCannotBePassedOn,
    a_renewal_extends_the_validity => RenewalNotLater,
    certificate_numbers_are_bounded_per_region_and_year => CertificateNumberUnavailable,
}

/// The signers of the property below: the provider of resource 1, two orgs that may claim the
/// products, and the registrar.
const APPLICANTS: [&str; 3] = [PROVIDER, DATA_USER, POLICE];

/// One random step: an action, its signer or target, an argument, and whether block time first
/// jumps past the notices opened so far.
/// Weighted towards applying, accepting, waiting and issuing, so that many cases issue
/// certificates and then race further applications against them.
fn step() -> impl Strategy<Value = (u8, u8, u8, bool)> {
    let kind = prop_oneof![
        3 => Just(0u8), 3 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8), 1 => Just(4u8),
        3 => Just(5u8), 1 => Just(6u8), 1 => Just(7u8),
    ];
    (kind, 0u8..3, 0u8..4, prop::bool::weighted(0.3))
}

/// The subjects the steps claim: resource 1 and two products.
fn subject_draft(chain: &Chain, which: u8) -> onebook_types::action::PropertyApplicationDraft {
    match which {
        0 => holding(chain, 1),
        _ => product(chain, RightKind::Holding, which, vec![]),
    }
}

fn run_step(chain: &mut Chain, (kind, who, arg, wait): (u8, u8, u8, bool)) {
    if wait {
        after_notice(chain);
    }
    let applicant = APPLICANTS[usize::from(who)];
    // Arguments pick among the records that exist, so most steps act on something real.
    let pick = |kind: &str| {
        let last: u64 = load(&chain.state, &RecordKey::Sequence(kind.to_owned())).unwrap_or(0);
        u64::from(arg) % last.max(1) + 1
    };
    let id = ApplicationId(pick("application"));
    let objection = ObjectionId(pick("objection"));
    let sequence = pick(&certificate_sequence("350200", 2026));
    let number = || certificate_number("350200", 2026, sequence).expect("assignable");
    let action = match kind {
        0 => Action::ApplyForProperty { draft: subject_draft(chain, arg % 3) },
        1 => approve(id),
        2 => Action::ReviewPropertyApplication {
            application: id,
            decision: onebook_types::action::ReviewDecision::Return {
                reasons: "材料不全".into()
            },
        },
        3 => object(id),
        4 => rule(objection, who == 0),
        5 => issue(id),
        6 => transfer(&number(), ["xm-dsj", "xm-jypt", "xm-gaj"][usize::from(who)]),
        _ => cancel(&number()),
    };
    let signer = match kind {
        1 | 2 | 4 | 5 => REGISTRAR,
        7 if who == 0 => REGISTRAR,
        6 | 7 => [PROVIDER, PLATFORM, POLICE][usize::from(arg % 3)],
        _ => applicant,
    };
    run_signed_once(chain, signer, action);
}

/// A signed tx's identity in [`SIGNED`]: signer label, nonce, encoded action.
type SignedKey = (&'static str, u64, Vec<u8>);

thread_local! {
    /// Txs already signed by earlier cases, by signer label, nonce and encoded action: signing
    /// and verifying dominate a case's cost in debug builds, and cases repeat many txs.
    static SIGNED: RefCell<BTreeMap<SignedKey, VerifiedTx>> =
        const { RefCell::new(BTreeMap::new()) };
    /// The state [`chain`] starts from, built once.
    static GENESIS: Chain = chain();
    /// Dev public keys by label, derived once.
    static KEYS: RefCell<BTreeMap<&'static str, PublicKey>> = const { RefCell::new(BTreeMap::new()) };
}

/// As [`Chain::run`], reusing a tx signed by an earlier case when one is the same.
fn run_signed_once(chain: &mut Chain, label: &'static str, action: Action) {
    let public = KEYS.with_borrow_mut(|keys| *keys.entry(label).or_insert_with(|| public(label)));
    let nonce = chain.next_nonce(public);
    let key = (label, nonce, onebook_types::codec::encode(&action));
    let tx = SIGNED.with_borrow_mut(|txs| {
        txs.entry(key).or_insert_with(|| signed(&dev_secret(label), nonce, action)).clone()
    });
    chain.block(&[tx]);
}

/// The number of standing holding certificates per subject, by scanning every number issued.
fn standing_holdings(chain: &Chain) -> Vec<(Hash32, usize)> {
    let last: u64 =
        load(&chain.state, &RecordKey::Sequence(certificate_sequence("350200", 2026))).unwrap_or(0);
    let today = today(chain);
    let mut counts: BTreeMap<Hash32, usize> = BTreeMap::new();
    for sequence in 1..=last {
        let number = certificate_number("350200", 2026, sequence).expect("assignable");
        let certificate = self::certificate(chain, &number);
        if certificate.right == RightKind::Holding && is_standing(&certificate, None, today) {
            *counts.entry(certificate.subject_hash).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn no_subject_ever_has_two_standing_holding_certificates(
        steps in prop::collection::vec(step(), 1..15),
    ) {
        let mut chain = GENESIS.with(|genesis| Chain {
            state: genesis.state.clone(),
            height: genesis.height,
            skipped_ms: genesis.skipped_ms,
        });

        for step in steps {
            run_step(&mut chain, step);

            let holdings = standing_holdings(&chain);
            for (subject, count) in holdings {
                prop_assert!(count <= 1, "subject {} has {} holding certificates", subject, count);
            }
        }
    }
}
