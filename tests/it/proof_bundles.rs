//! Proof bundles cut from a real store and checked by the offline verifier: valid bundles,
//! validator-set changes, quorum, anchoring at a witnessed checkpoint, receipts, standing,
//! freshness, a parent chain's record, the attacks they stop, golden bundles and byte mutations.

use std::collections::BTreeMap;

use onebook_genesis::GenesisFile;
use onebook_storage::{RecordClaimKind, Store, StoreConfig};
use onebook_tests::proof_chain::{
    self, ACCESS_HEIGHT, CANCELLED, CERTIFICATE, CHANGE_HEIGHT, CHECKPOINT_HEIGHT,
    EVERY_KIND_HEIGHT, EXPIRED, LICENCE, REFUSED_HEIGHT, TIP_HEIGHT, TRANSFER_HEIGHT, certify,
    trusted, validator_keys,
};
use onebook_types::{
    block::{CertificateError, Header},
    checkpoint::{AnchoredCheckpoint, ChildChain},
    hash::Hash32,
    ids::{
        AccessEventId, CertificateNumber, GrantId, Height, OrgId, ResourceId, Timestamp,
        ViolationId,
    },
    record::RecordKey,
    sharing_records::{GrantStatus, ViolationReason},
};
use onebook_verifier::{
    Claim, CoverageError, ProofBundle, Proved, RecordValue, Standing, TrustedGenesis, VerifyError,
    VerifyOptions, verify, verify_bundle, verify_bundle_with, verify_grant_at_access, verify_with,
};
use serde_json::json;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    genesis: GenesisFile,
    trusted: TrustedGenesis,
}

fn open(dir: &tempfile::TempDir, name: &str) -> Store {
    let mut config = StoreConfig::new(dir.path().join(name));
    config.sync_writes = false;
    Store::open(&config).unwrap()
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, "db");
    let genesis = proof_chain::dev_genesis().unwrap();
    proof_chain::build(&store, &genesis).unwrap();
    let trusted = trusted(&genesis);
    Fixture { _dir: dir, store, genesis, trusted }
}

fn number(text: &str) -> CertificateNumber {
    CertificateNumber::from(text)
}

fn certificate_key() -> RecordKey {
    RecordKey::Certificate(number(CERTIFICATE))
}

fn as_stored(keys: &[RecordKey]) -> Vec<(RecordKey, RecordClaimKind)> {
    keys.iter().map(|key| (key.clone(), RecordClaimKind::AsStored)).collect()
}

/// The certificate and the policy at the checkpoint, above the set change and the transfer.
fn certificate_bundle(fx: &Fixture) -> ProofBundle {
    let keys = as_stored(&[certificate_key(), RecordKey::Policy]);
    onebook_storage::bundle_for_records(&fx.store, &keys, CHECKPOINT_HEIGHT).unwrap()
}

fn coverage_keys() -> Vec<(RecordKey, RecordClaimKind)> {
    as_stored(&[
        RecordKey::AccessEvent(AccessEventId(1)),
        RecordKey::Grant(GrantId(1)),
        RecordKey::Resource(ResourceId(1)),
        RecordKey::Policy,
    ])
}

fn options() -> VerifyOptions {
    VerifyOptions::default()
}

#[test]
fn a_certificate_bundle_at_the_checkpoint_says_who_holds_what_as_of_it() {
    let fx = fixture();
    let bundle = certificate_bundle(&fx);

    let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();

    assert_eq!(verdict.height, CHECKPOINT_HEIGHT);
    assert_eq!(verdict.set_changes, 1);
    let anchor = verdict.anchor.as_ref().unwrap();
    assert_eq!((anchor.height, anchor.cosigned, anchor.threshold), (CHECKPOINT_HEIGHT, 2, 2));
    let summary = verdict.certificate(&number(CERTIFICATE)).unwrap();
    assert_eq!(summary.standing, Standing::Valid);
    assert_eq!(summary.holder, OrgId::from("xm-jypt"));
    let text = verdict.to_string();
    assert!(
        text.starts_with(
            "certificate 350200-2026-000001X valid at height 10: holder xm-jypt, holding right \
             on resource 1, 2026-04-15..2031-04-14, transferred from xm-scjg at height 6"
        ),
        "{text}"
    );
    assert!(text.contains("anchored at witnessed checkpoint 10"), "{text}");
}

#[test]
fn a_transferred_certificate_shows_each_holder_as_of_its_height() {
    let fx = fixture();
    let at = |height| {
        let keys = as_stored(&[certificate_key(), RecordKey::Policy]);
        let bundle = onebook_storage::bundle_for_records(&fx.store, &keys, height).unwrap();
        let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();
        verdict.certificate(&number(CERTIFICATE)).unwrap().holder
    };

    assert_eq!(at(Height(TRANSFER_HEIGHT.0 - 1)), OrgId::from("xm-scjg"));
    assert_eq!(at(TRANSFER_HEIGHT), OrgId::from("xm-jypt"));
}

#[test]
fn a_bundle_spanning_a_set_change_verifies_only_with_the_right_chain() {
    let fx = fixture();
    let bundle = certificate_bundle(&fx);
    assert_eq!(bundle.set_changes.len(), 1);
    assert_eq!(bundle.set_changes[0].header.height, CHANGE_HEIGHT);

    let mut without_chain = bundle.clone();
    without_chain.set_changes.clear();
    let mut wrong_set = bundle.clone();
    wrong_set.set_changes[0].next_set = fx.genesis.validator_set();
    let mut forged_set = bundle.clone();
    forged_set.set_changes[0].next_set.validators[0].power = 1000;
    let mut twice = bundle.clone();
    twice.set_changes.push(bundle.set_changes[0].clone());

    let error = verify_bundle(&without_chain, &fx.trusted).unwrap_err();
    assert!(
        matches!(
            error,
            VerifyError::Certificate { source: CertificateError::WrongValidatorSet { .. }, .. }
        ),
        "{error:?}"
    );
    let error = verify_bundle(&wrong_set, &fx.trusted).unwrap_err();
    assert!(matches!(error, VerifyError::SetChangeMismatch { index: 0, .. }), "{error:?}");
    let error = verify_bundle(&forged_set, &fx.trusted).unwrap_err();
    assert!(matches!(error, VerifyError::SetChangeMismatch { index: 0, .. }), "{error:?}");
    let error = verify_bundle(&twice, &fx.trusted).unwrap_err();
    assert!(matches!(error, VerifyError::SetChangeOutOfOrder { index: 1, .. }), "{error:?}");
    assert!(verify_bundle(&bundle, &fx.trusted).is_ok());
}

#[test]
fn a_bundle_below_the_set_change_needs_no_chain_and_is_anchored_through_its_ancestry() {
    let fx = fixture();
    let keys = as_stored(&[certificate_key(), RecordKey::Policy]);

    let bundle = onebook_storage::bundle_for_records(&fx.store, &keys, CHANGE_HEIGHT).unwrap();
    let verdict = verify_bundle(&bundle, &fx.trusted).unwrap();

    assert!(bundle.set_changes.is_empty(), "the change takes effect after its block");
    assert_eq!(verdict.set_changes, 0);
    let anchor = bundle.anchor.as_ref().unwrap();
    assert_eq!(anchor.checkpoint.height, CHECKPOINT_HEIGHT);
    let ancestry = anchor.ancestry.as_ref().unwrap();
    assert_eq!((ancestry.index, ancestry.size), (CHANGE_HEIGHT.0, CHECKPOINT_HEIGHT.0));
}

#[test]
fn a_header_signed_by_two_thirds_or_less_of_the_power_has_no_quorum() {
    let fx = fixture();
    let mut bundle = certificate_bundle(&fx);
    let genesis_hash = fx.trusted.genesis_hash;
    let signers = validator_keys(&proof_chain::next_set(&fx.genesis)).unwrap();
    let mut quorate = bundle.clone();
    quorate.certificate = certify(&bundle.header, genesis_hash, &signers[..3]);

    bundle.certificate = certify(&bundle.header, genesis_hash, &signers[..2]);
    let error = verify_bundle(&bundle, &fx.trusted).unwrap_err();

    assert!(
        matches!(
            error,
            VerifyError::Certificate {
                source: CertificateError::NoQuorum { signed: 20, total: 40 },
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.kind(), "no-quorum");
    assert!(verify_bundle(&quorate, &fx.trusted).is_ok(), "three of four is more than 2/3");
}

#[test]
fn a_set_change_signed_by_the_new_set_instead_of_the_old_fails() {
    let fx = fixture();
    let mut bundle = certificate_bundle(&fx);
    let new_signers = validator_keys(&proof_chain::next_set(&fx.genesis)).unwrap();
    let change = &mut bundle.set_changes[0];
    change.certificate = certify(&change.header, fx.trusted.genesis_hash, &new_signers);

    let error = verify_bundle(&bundle, &fx.trusted).unwrap_err();

    assert!(matches!(error, VerifyError::SetChangeCertificate { index: 0, .. }), "{error:?}");
}

#[test]
fn no_violation_recorded_for_the_access_is_proved_by_absence() {
    let fx = fixture();
    let key = RecordKey::Violation(ViolationId(1));

    let bundle = onebook_storage::bundle_for_absence(&fx.store, &key, ACCESS_HEIGHT).unwrap();
    let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();

    assert_eq!(verdict.value(&key), Some(&RecordValue::Absent));
    assert!(verdict.to_string().starts_with("violation 1 absent at height 2\n"), "{verdict}");
    let present = onebook_storage::bundle_for_absence(&fx.store, &certificate_key(), ACCESS_HEIGHT);
    assert!(present.is_err(), "absence of a present record is refused at generation");
    let mut claims_present = bundle;
    if let Claim::Records(claims) = &mut claims_present.claim {
        claims[0].value = Some(vec![1]);
    }
    let error = verify_bundle(&claims_present, &fx.trusted).unwrap_err();
    assert!(matches!(error, VerifyError::StateProof { index: 0, .. }), "{error:?}");
}

#[test]
fn the_grant_covered_the_access_at_its_block_and_the_ledger_agrees() {
    let fx = fixture();
    let at_access =
        onebook_storage::bundle_for_records(&fx.store, &coverage_keys(), ACCESS_HEIGHT).unwrap();
    let at_checkpoint =
        onebook_storage::bundle_for_records(&fx.store, &coverage_keys(), CHECKPOINT_HEIGHT)
            .unwrap();

    let coverage = verify_grant_at_access(&at_access.encode(), &fx.trusted).unwrap();
    let later = verify_grant_at_access(&at_checkpoint.encode(), &fx.trusted).unwrap_err();

    assert_eq!((coverage.access_event, coverage.grant), (AccessEventId(1), GrantId(1)));
    assert!(coverage.expires_at > coverage.recorded_at);
    assert!(matches!(later, CoverageError::NotAtAccessBlock { .. }), "{later:?}");
    let event = proof_chain::access_event();
    let grant = proof_chain::grant();
    let entry = proof_chain::resource().entry;
    let ledger = onebook_ledger::sharing::violation_of(
        event.access.grant,
        Some(&grant),
        &event.org,
        Some(&entry),
        &event.access.items,
        event.recorded_at,
        480,
    );
    assert_eq!(ledger, None);
}

#[test]
fn coverage_fails_as_the_ledger_judges_a_revoked_expired_or_item_scoped_grant() {
    let revoked = {
        let mut grant = proof_chain::grant();
        grant.status =
            GrantStatus::Revoked { at: proof_chain::block_time(Height(1)), reason: "r".into() };
        grant
    };
    let expired = {
        let mut grant = proof_chain::grant();
        grant.expires_at = proof_chain::access_event().recorded_at;
        grant
    };
    let other_items = {
        let mut grant = proof_chain::grant();
        grant.items = vec!["credit_code".into()];
        grant
    };
    let event = proof_chain::access_event();
    let entry = proof_chain::resource().entry;

    for (grant, reason) in [
        (revoked, ViolationReason::GrantRevoked),
        (expired, ViolationReason::GrantExpired),
        (other_items, ViolationReason::ItemOutOfScope),
    ] {
        let verdict = onebook_verifier::Verdict {
            height: ACCESS_HEIGHT,
            block_hash: Hash32::ZERO,
            block_time: event.recorded_at,
            validator_set_hash: Hash32::ZERO,
            set_changes: 0,
            proved: Proved::Records(vec![
                record(
                    RecordKey::AccessEvent(event.id),
                    RecordValue::AccessEvent(Box::new(event.clone())),
                ),
                record(RecordKey::Grant(grant.id), RecordValue::Grant(Box::new(grant.clone()))),
                record(
                    RecordKey::Resource(ResourceId(1)),
                    RecordValue::Resource(Box::new(proof_chain::resource())),
                ),
                record(
                    RecordKey::Policy,
                    RecordValue::Policy(Box::new(proof_chain::dev_genesis().unwrap().policy)),
                ),
            ]),
            anchor: None,
        };
        let ledger = onebook_ledger::sharing::violation_of(
            event.access.grant,
            Some(&grant),
            &event.org,
            Some(&entry),
            &event.access.items,
            event.recorded_at,
            480,
        );

        let error = onebook_verifier::judge(&verdict).unwrap_err();

        assert_eq!(ledger, Some(reason));
        assert!(
            matches!(error, CoverageError::NotCovered { reason: r } if r == reason),
            "{error:?}"
        );
    }
}

fn record(key: RecordKey, value: RecordValue) -> onebook_verifier::ProvenRecord {
    onebook_verifier::ProvenRecord { key, value }
}

fn tx_bundle(fx: &Fixture, height: Height, index: usize) -> ProofBundle {
    let block = fx.store.block(height).unwrap().unwrap();
    onebook_storage::bundle_for_tx(&fx.store, &block.txs[index].hash()).unwrap()
}

#[test]
fn a_tx_bundle_proves_inclusion_and_acceptance() {
    let fx = fixture();

    let bundle = tx_bundle(&fx, Height(4), 1);
    let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();

    assert!(matches!(&verdict.proved, Proved::Tx { index: 1, receipt, .. } if receipt.code == 0));
    assert_eq!(verdict.set_changes, 1);
    assert!(verdict.to_string().contains("accepted with code 0"), "{verdict}");
}

#[test]
fn attack_a_refused_tx_presented_as_a_claim_is_refused_naming_the_refusal() {
    let fx = fixture();
    let bundle = tx_bundle(&fx, REFUSED_HEIGHT, 1).encode();
    let told = VerifyOptions { allow_refused_tx: true, ..options() };

    let error = verify(&bundle, &fx.trusted).unwrap_err();
    let verdict = verify_with(&bundle, &fx.trusted, &told).unwrap();

    assert_eq!(error.kind(), "tx-refused");
    assert!(error.to_string().contains("code 2 (RoleMissing)"), "{error}");
    assert!(
        verdict.to_string().contains("refused with code 2 (RoleMissing: the signer's roles"),
        "{verdict}"
    );
    let mut lying = tx_bundle(&fx, REFUSED_HEIGHT, 1);
    if let Claim::Tx { receipt, .. } = &mut lying.claim {
        receipt.code = 0;
    }
    assert_eq!(verify_bundle(&lying, &fx.trusted).unwrap_err().kind(), "receipt-inclusion");
}

/// A chain like the dev chain in every byte of its genesis but the start time: a staging chain
/// run with the same chain id, validator keys and witness keys.
fn staging() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, "staging");
    let mut genesis = proof_chain::dev_genesis().unwrap();
    genesis.genesis_time = Timestamp(genesis.genesis_time.0 + 1);
    proof_chain::build(&store, &genesis).unwrap();
    (dir, store)
}

#[test]
fn attack_a_staging_chains_bundle_with_the_genesis_hash_rewritten_is_refused() {
    let fx = fixture();
    let (_dir, staging) = staging();
    let keys = as_stored(&[certificate_key(), RecordKey::Policy]);
    let mut forged =
        onebook_storage::bundle_for_records(&staging, &keys, CHECKPOINT_HEIGHT).unwrap();
    assert!(verify_bundle(&forged, &fx.trusted).is_err());

    forged.genesis_hash = fx.trusted.genesis_hash;
    let rewritten_field = verify_bundle(&forged, &fx.trusted).unwrap_err();
    forged.anchor.as_mut().unwrap().checkpoint.genesis_hash = fx.trusted.genesis_hash;
    let rewritten_checkpoint = verify_bundle(&forged, &fx.trusted).unwrap_err();
    forged.certificate.vote.genesis_hash = fx.trusted.genesis_hash;
    for change in &mut forged.set_changes {
        change.certificate.vote.genesis_hash = fx.trusted.genesis_hash;
    }
    let rewritten_votes = verify_bundle(&forged, &fx.trusted).unwrap_err();

    // The bundle's own genesis field is only a label: the checkpoint names the genesis its
    // witnesses saw, the votes the genesis its validators signed for, and neither can be
    // rewritten without the signatures failing.
    assert_eq!(rewritten_field.kind(), "checkpoint-wrong-genesis", "{rewritten_field}");
    assert_eq!(rewritten_checkpoint.kind(), "set-change-wrong-genesis", "{rewritten_checkpoint}");
    assert_eq!(rewritten_votes.kind(), "set-change-bad-signature", "{rewritten_votes}");
}

/// A header at `height` forged by the genesis validator set, retired at [`CHANGE_HEIGHT`]: its
/// state root holds a certificate of `holder` and the policy.
fn forged_by_the_retired_set(fx: &Fixture, height: u64, holder: &str) -> ProofBundle {
    use onebook_state::{MemNodeStore, apply_updates, key_hash, prove, value_hash};
    let mut certificate = proof_chain::certificate();
    certificate.holder = OrgId::from(holder);
    let records = [
        (certificate_key(), onebook_types::codec::encode(&certificate)),
        (RecordKey::Policy, onebook_types::codec::encode(&fx.genesis.policy)),
    ];
    let mut nodes = MemNodeStore::new();
    let update = apply_updates(
        &nodes,
        Hash32::ZERO,
        records.iter().map(|(key, value)| (key_hash(&key.encode()), Some(value_hash(value)))),
    );
    nodes.insert_all(&update);
    let retired = fx.genesis.validator_set();
    let header = Header {
        chain_id: fx.genesis.chain_id.clone(),
        height: Height(height),
        time: proof_chain::block_time(Height(height)),
        previous_hash: Hash32([0xf0; 32]),
        history_root: Hash32([0xf1; 32]),
        tx_root: Hash32::ZERO,
        tx_count: 0,
        receipts_root: Hash32::ZERO,
        state_root: update.root,
        validator_set_hash: retired.hash(),
        next_validator_set_hash: retired.hash(),
        proposer: retired.validators[0].node_key,
    };
    let certificate = certify(&header, fx.trusted.genesis_hash, &validator_keys(&retired).unwrap());
    let claims = records
        .iter()
        .map(|(key, value)| onebook_verifier::RecordClaim {
            key: key.clone(),
            value: Some(value.clone()),
            proof: prove(&nodes, update.root, key_hash(&key.encode())),
        })
        .collect();
    ProofBundle::new(
        fx.trusted.genesis_hash,
        vec![],
        header,
        certificate,
        Claim::Records(claims),
        None,
    )
}

#[test]
fn attack_a_bundle_signed_by_a_retired_set_with_no_set_changes_is_refused() {
    let fx = fixture();
    let real_anchor = certificate_bundle(&fx).anchor.unwrap();
    let unanchored = forged_by_the_retired_set(&fx, 1000, "xm-gaj");
    let mut above = forged_by_the_retired_set(&fx, 1000, "xm-gaj");
    above.anchor = Some(real_anchor.clone());
    let mut below = forged_by_the_retired_set(&fx, 7, "xm-gaj");
    let mut anchor = real_anchor;
    anchor.ancestry = Some(
        onebook_storage::anchor(&fx.store, Height(7), None).unwrap().unwrap().ancestry.unwrap(),
    );
    below.anchor = Some(anchor);
    let dev_only = VerifyOptions { allow_unanchored: true, ..options() };

    let refused = verify_bundle(&unanchored, &fx.trusted).unwrap_err();
    let above = verify_bundle(&above, &fx.trusted).unwrap_err();
    let below = verify_bundle(&below, &fx.trusted).unwrap_err();

    assert_eq!(refused.kind(), "unanchored", "{refused}");
    assert!(refused.to_string().contains("retired validator set"), "{refused}");
    assert_eq!(above.kind(), "anchor-below-header", "{above}");
    assert_eq!(below.kind(), "anchor-ancestry", "{below}");
    // Accepting unanchored bundles is exactly the risk the anchoring removes.
    assert!(verify_bundle_with(&unanchored, &fx.trusted, &dev_only).is_ok());
}

#[test]
fn attack_a_date_past_valid_until_in_beijing_time_is_not_judged_in_utc() {
    let fx = fixture();
    let expired = RecordKey::Certificate(number(EXPIRED));
    let without_policy = onebook_storage::bundle_for_records(
        &fx.store,
        &[(expired.clone(), RecordClaimKind::Present)],
        CHECKPOINT_HEIGHT,
    )
    .unwrap();
    let with_policy =
        onebook_storage::bundle_for_claims(&fx.store, &[expired], false, CHECKPOINT_HEIGHT)
            .unwrap();

    let error = verify_bundle(&without_policy, &fx.trusted).unwrap_err();
    let verdict = verify_bundle(&with_policy, &fx.trusted).unwrap();

    assert_eq!(error.kind(), "standing-policy-missing", "{error}");
    let summary = verdict.certificate(&number(EXPIRED)).unwrap();
    assert_eq!(summary.standing, Standing::Expired);
    let in_utc = onebook_verifier::summarize(&proof_chain::expired(), None, verdict.block_time, 0);
    assert_eq!(in_utc.standing, Standing::Valid, "on the UTC day it would still look valid");
}

#[test]
fn attack_a_licence_without_its_parent_is_refused_and_with_it_judged_by_it() {
    let fx = fixture();
    let licence = RecordKey::Certificate(number(LICENCE));
    let alone = onebook_storage::bundle_for_records(
        &fx.store,
        &as_stored(&[licence.clone(), RecordKey::Policy]),
        CHECKPOINT_HEIGHT,
    )
    .unwrap();
    let with_parent =
        onebook_storage::bundle_for_claims(&fx.store, &[licence], false, CHECKPOINT_HEIGHT)
            .unwrap();

    let error = verify_bundle(&alone, &fx.trusted).unwrap_err();
    let verdict = verify_bundle(&with_parent, &fx.trusted).unwrap();

    assert_eq!(error.kind(), "standing-parent-missing", "{error}");
    assert!(error.to_string().contains(CERTIFICATE), "{error}");
    assert_eq!(verdict.certificate(&number(LICENCE)).unwrap().standing, Standing::Valid);
    assert!(verdict.to_string().contains("licensed under 350200-2026-000001X"), "{verdict}");
}

#[test]
fn a_licence_under_a_parent_that_no_longer_stands_does_not_stand() {
    let fx = fixture();
    let bundle = onebook_storage::bundle_for_claims(
        &fx.store,
        &[RecordKey::Certificate(number(LICENCE))],
        false,
        CHECKPOINT_HEIGHT,
    )
    .unwrap();
    let verdict = verify_bundle(&bundle, &fx.trusted).unwrap();
    let mut parent = proof_chain::transferred_certificate();
    parent.status = onebook_types::property_records::CertificateStatus::Cancelled {
        reason: "注销".into(),
        at: Timestamp(1),
    };
    let mut judged = verdict;
    if let Proved::Records(records) = &mut judged.proved {
        for record in records.iter_mut().filter(|record| record.key == certificate_key()) {
            record.value = RecordValue::Certificate(Box::new(parent.clone()));
        }
    }

    let standing = judged.certificate(&number(LICENCE)).unwrap().standing;

    assert!(matches!(standing, Standing::ParentCancelled { .. }), "{standing:?}");
}

#[test]
fn attack_a_stale_bundle_is_refused_under_max_age() {
    let fx = fixture();
    let bundle = certificate_bundle(&fx).encode();
    let checkpoint_time = proof_chain::block_time(CHECKPOINT_HEIGHT);
    let fresh = VerifyOptions { not_before: Some(checkpoint_time), ..options() };
    let stale = VerifyOptions { not_before: Some(Timestamp(checkpoint_time.0 + 1)), ..options() };

    assert!(verify_with(&bundle, &fx.trusted, &fresh).is_ok());
    let error = verify_with(&bundle, &fx.trusted, &stale).unwrap_err();

    assert_eq!(error.kind(), "stale", "{error}");
}

#[test]
fn a_bundle_above_the_newest_witnessed_checkpoint_is_cut_unanchored_and_refused() {
    let fx = fixture();
    let keys = as_stored(&[certificate_key(), RecordKey::Policy]);

    let bundle = onebook_storage::bundle_for_records(&fx.store, &keys, TIP_HEIGHT).unwrap();
    let error = verify_bundle(&bundle, &fx.trusted).unwrap_err();

    assert!(bundle.anchor.is_none());
    assert_eq!(error.kind(), "unanchored");
    let default_height = onebook_storage::default_proof_height(&fx.store).unwrap();
    assert_eq!(default_height, CHECKPOINT_HEIGHT, "record bundles default to the checkpoint");
}

#[test]
fn one_cosignature_of_two_does_not_witness_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, "one-witness");
    let genesis = proof_chain::dev_genesis().unwrap();
    proof_chain::build_unwitnessed(&store, &genesis).unwrap();
    proof_chain::cosign(&store, CHECKPOINT_HEIGHT, &proof_chain::WITNESSES[..1]).unwrap();

    let keys = as_stored(&[certificate_key(), RecordKey::Policy]);
    let bundle = onebook_storage::bundle_for_records(&store, &keys, CHECKPOINT_HEIGHT).unwrap();

    assert!(bundle.anchor.is_none(), "below the threshold, nothing is witnessed");
    assert_eq!(onebook_storage::newest_witnessed(&store, Height(1)).unwrap(), None);
    assert_eq!(verify_bundle(&bundle, &trusted(&genesis)).unwrap_err().kind(), "unanchored");
}

/// The parent chain's proof that it recorded the dev chain's checkpoint at
/// [`CHECKPOINT_HEIGHT`], built in `dir`, with the trusted parent genesis.
fn parent(fx: &Fixture, dir: &tempfile::TempDir) -> (Vec<u8>, TrustedGenesis) {
    let (checkpoint, cosignatures) =
        onebook_storage::witnessed(&fx.store, CHECKPOINT_HEIGHT).unwrap().unwrap();
    let child = ChildChain {
        chain_id: fx.genesis.chain_id.clone(),
        genesis_hash: fx.trusted.genesis_hash,
        witnesses: fx.trusted.witnesses.clone(),
        admitted_at: Height(1),
        latest: Some(AnchoredCheckpoint {
            checkpoint,
            cosignatures,
            anchored_at: proof_chain::block_time(Height(1)),
        }),
    };
    let store = open(dir, "parent");
    let genesis = proof_chain::parent_genesis().unwrap();
    proof_chain::build_parent(&store, &genesis, &child).unwrap();
    let key = RecordKey::ChildChain(fx.genesis.chain_id.clone());
    let bundle = onebook_storage::bundle_for_record(&store, &key, CHECKPOINT_HEIGHT).unwrap();
    (bundle.encode(), trusted(&genesis))
}

#[test]
fn a_bundle_carrying_the_parent_chains_record_verifies_with_both_genesis_files() {
    let fx = fixture();
    let dir = tempfile::tempdir().unwrap();
    let (parent_bundle, parent_trusted) = parent(&fx, &dir);
    let mut bundle = certificate_bundle(&fx);
    bundle.anchor.as_mut().unwrap().parent = Some(parent_bundle);
    let with_parent = VerifyOptions { parent: Some(parent_trusted.clone()), ..options() };

    let verdict = verify_bundle_with(&bundle, &fx.trusted, &with_parent).unwrap();
    let without_it = {
        let mut bundle = bundle.clone();
        bundle.anchor.as_mut().unwrap().parent = None;
        verify_bundle_with(&bundle, &fx.trusted, &with_parent).unwrap_err()
    };
    let other_parent = {
        let mut other = parent_trusted;
        other.genesis_hash = Hash32([3; 32]);
        let options = VerifyOptions { parent: Some(other), ..options() };
        verify_bundle_with(&bundle, &fx.trusted, &options).unwrap_err()
    };

    let parent_summary = verdict.anchor.as_ref().unwrap().parent.as_ref().unwrap();
    assert_eq!(parent_summary.chain_id.as_str(), "onebook-fj-1");
    assert!(verdict.to_string().contains("recorded on parent chain onebook-fj-1"), "{verdict}");
    assert_eq!(without_it.kind(), "parent-missing");
    assert_eq!(other_parent.kind(), "parent-bundle", "{other_parent}");
    assert!(verify_bundle(&bundle, &fx.trusted).is_ok(), "the city genesis alone still suffices");
}

/// A deterministic generator (splitmix64) so the sampled mutations replay from the seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn seed() -> u64 {
    std::env::var("ONEBOOK_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x0b0b_2026)
}

/// Flips one byte of `bytes` by a random non-zero mask at every position (`Positions::Every`)
/// or at a number of random positions, and counts the error kind of each refusal; panics if a
/// mutant verifies.
fn mutate(
    name: &str,
    bytes: &[u8],
    trusted: &TrustedGenesis,
    positions: Positions,
    rng: &mut SplitMix,
    counts: &mut BTreeMap<&'static str, usize>,
) -> usize {
    let positions: Vec<usize> = match positions {
        Positions::Every => (0..bytes.len()).collect(),
        Positions::Sampled(samples) => (0..samples)
            .map(|_| usize::try_from(rng.next() % bytes.len() as u64).unwrap())
            .collect(),
    };
    let original = verify(bytes, trusted).unwrap().to_string();
    for &position in &positions {
        let mut mutant = bytes.to_vec();
        let flip = u8::try_from(rng.next() % 255 + 1).unwrap();
        mutant[position] ^= flip;
        match verify(&mutant, trusted) {
            // A non-membership proof ends at the leaf or empty subtree that the claimed key's
            // path reaches, so it proves absent every key whose path reaches the same place: a
            // flip in the claimed key may turn it into another key the same proof truly proves
            // absent. The verdict then names that key, never the original claim.
            Ok(verdict)
                if name == "absence"
                    && verdict.to_string() != original
                    && verdict.to_string().contains(" absent at height ") =>
            {
                *counts.entry("another-key-proven-absent").or_default() += 1;
            }
            Ok(verdict) => {
                panic!("{name}: flipping byte {position} by {flip:#04x} verified: {verdict}")
            }
            Err(error) => *counts.entry(error.kind()).or_default() += 1,
        }
    }
    positions.len()
}

/// Which byte positions to mutate.
#[derive(Clone, Copy)]
enum Positions {
    Every,
    Sampled(usize),
}

#[test]
fn every_single_byte_mutation_fails_with_a_specific_error() {
    let fx = fixture();
    let certificate = certificate_bundle(&fx).encode();
    let violation = RecordKey::Violation(ViolationId(1));
    let absence =
        onebook_storage::bundle_for_absence(&fx.store, &violation, ACCESS_HEIGHT).unwrap().encode();
    let tx = tx_bundle(&fx, Height(4), 0).encode();
    let seed = seed();
    let mut rng = SplitMix(seed);
    let mut counts = BTreeMap::new();
    let trusted = &fx.trusted;

    let mut every = 0;
    for (name, bytes) in [("certificate", &certificate), ("absence", &absence), ("tx", &tx)] {
        every += mutate(name, bytes, trusted, Positions::Every, &mut rng, &mut counts);
    }
    let sampled = mutate(
        "certificate",
        &certificate,
        trusted,
        Positions::Sampled(1000),
        &mut rng,
        &mut counts,
    );
    let truncated = truncations(&certificate, trusted, &mut counts);

    println!(
        "mutation seed {seed} (replay with ONEBOOK_SEED): every byte of bundles of {}, {} and {} \
         bytes flipped once ({every}), {sampled} more sampled flips, {truncated} truncations: \
         all refused but those proving another key absent",
        certificate.len(),
        absence.len(),
        tx.len()
    );
    for (kind, count) in &counts {
        println!("  {kind:32} {count}");
    }
    assert!(every + sampled >= 1000);
    assert!(!counts.contains_key("too-large"));
    for kind in counts.keys().filter(|kind| **kind != "another-key-proven-absent") {
        assert!(VerifyError::KINDS.contains(kind), "{kind} is not a documented kind");
    }
}

/// Every prefix of a bundle (and one byte more) is refused.
fn truncations(
    bytes: &[u8],
    trusted: &TrustedGenesis,
    counts: &mut BTreeMap<&'static str, usize>,
) -> usize {
    let mut cases: Vec<Vec<u8>> =
        (0..bytes.len()).step_by(97).map(|n| bytes[..n].to_vec()).collect();
    let mut longer = bytes.to_vec();
    longer.push(0);
    cases.push(longer);
    for case in &cases {
        let error = verify(case, trusted).unwrap_err();
        *counts.entry(error.kind()).or_default() += 1;
    }
    cases.len()
}

fn vectors_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/bundles")
}

/// Compares a golden file with `value`, or writes it when regeneration is asked for.
fn check_golden(name: &str, value: &serde_json::Value) {
    let path = vectors_dir().join(name);
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("ONEBOOK_REGENERATE_VECTORS").is_some() {
        std::fs::create_dir_all(vectors_dir()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(&committed, value, "{name} differs from the code; the bundle format changed");
}

/// Checks a golden bundle: verified with `options`, its verdict is pinned with its bytes.
pub(crate) fn check_bundle(
    name: &str,
    description: &str,
    bundle: &ProofBundle,
    trusted: &TrustedGenesis,
    options: &VerifyOptions,
) {
    let bytes = bundle.encode();
    let verdict = verify_with(&bytes, trusted, options).unwrap().to_string();
    let value = json!({
        "description": description,
        "genesis": "genesis/networks/dev.json",
        "genesis_hash": trusted.genesis_hash,
        "options": options_json(options),
        "bundle_bytes": bytes.len(),
        "bundle_hex": hex::encode(&bytes),
        "verdict": verdict,
    });
    check_golden(name, &value);
}

fn options_json(options: &VerifyOptions) -> serde_json::Value {
    json!({
        "allow_unanchored": options.allow_unanchored,
        "allow_refused_tx": options.allow_refused_tx,
        "not_before": options.not_before,
        "parent_genesis_hash": options.parent.as_ref().map(|parent| parent.genesis_hash),
    })
}

/// The groups of records, one bundle each, that prove one record of every kind at
/// [`EVERY_KIND_HEIGHT`] (with the policy where the standing needs it).
fn every_kind_groups(fx: &Fixture) -> Vec<Vec<RecordKey>> {
    let member = fx.genesis.members[0].key;
    let mut keys: Vec<RecordKey> = vec![
        RecordKey::ValidatorSet,
        RecordKey::CheckpointPolicy,
        RecordKey::Org(OrgId::from("xm-dsj")),
        RecordKey::Member(member),
        RecordKey::Certificate(number(CANCELLED)),
    ];
    keys.extend(proof_chain::every_kind().into_iter().map(|(key, _)| key));
    keys.extend([RecordKey::AccessEvent(AccessEventId(1)), RecordKey::Grant(GrantId(1))]);
    keys.push(RecordKey::Resource(ResourceId(1)));
    keys.chunks(6)
        .map(|chunk| {
            let mut group = chunk.to_vec();
            group.push(RecordKey::Policy);
            group
        })
        .collect()
}

#[test]
fn golden_bundles_match_and_verify() {
    let fx = fixture();
    let t = &fx.trusted;
    let at = |keys: &[RecordKey], height| {
        onebook_storage::bundle_for_claims(&fx.store, keys, false, height).unwrap()
    };
    let refused_ok = VerifyOptions { allow_refused_tx: true, ..options() };

    check_bundle(
        "membership.json",
        "certificate 350200-2026-000001X with the policy at height 10 of the proof chain (tests/src/proof_chain.rs), a witnessed checkpoint: across one validator-set change at height 3, after its transfer at height 6",
        &at(&[certificate_key()], CHECKPOINT_HEIGHT),
        t,
        &options(),
    );
    check_bundle(
        "absence.json",
        "violation 1 absent at height 1 of the proof chain: no set change, one record claim, anchored at the checkpoint at height 10 by an ancestry proof",
        &onebook_storage::bundle_for_absence(
            &fx.store,
            &RecordKey::Violation(ViolationId(1)),
            Height(1),
        )
        .unwrap(),
        t,
        &options(),
    );
    check_bundle(
        "transferred-before.json",
        "certificate 350200-2026-000001X at height 5, before its transfer: held by xm-scjg",
        &at(&[certificate_key()], Height(5)),
        t,
        &options(),
    );
    check_bundle(
        "transferred-after.json",
        "certificate 350200-2026-000001X at height 6, the block of its transfer: held by xm-jypt",
        &at(&[certificate_key()], TRANSFER_HEIGHT),
        t,
        &options(),
    );
    check_bundle(
        "licence.json",
        "licence 350200-2026-0000028 with its parent certificate and the policy at height 10",
        &at(&[RecordKey::Certificate(number(LICENCE))], CHECKPOINT_HEIGHT),
        t,
        &options(),
    );
    check_bundle(
        "cancelled.json",
        "certificate 350200-2026-0000036 at height 10, cancelled at height 5",
        &at(&[RecordKey::Certificate(number(CANCELLED))], CHECKPOINT_HEIGHT),
        t,
        &options(),
    );
    check_bundle(
        "expired.json",
        "certificate 350200-2026-0000044 at height 10: valid until 2026-04-30, which is still that day in UTC at the block (2026-04-30T20:00:09Z) but 2026-05-01 in China Standard Time, the policy's local time",
        &at(&[RecordKey::Certificate(number(EXPIRED))], CHECKPOINT_HEIGHT),
        t,
        &options(),
    );
    check_bundle(
        "grant-at-access.json",
        "access event 1, grant 1, resource 1 and the policy at height 2, the block that recorded the access (for verify-proof --grant-at-access)",
        &onebook_storage::bundle_for_access(&fx.store, AccessEventId(1), ACCESS_HEIGHT).unwrap(),
        t,
        &options(),
    );
    check_bundle(
        "tx-accepted.json",
        "the second tx of block 4 with its receipt: accepted with code 0",
        &tx_bundle(&fx, Height(4), 1),
        t,
        &options(),
    );
    check_bundle(
        "tx-refused.json",
        "the second tx of block 7 with its receipt: refused with code 2 (RoleMissing); verified with allow_refused_tx, refused (tx-refused) without",
        &tx_bundle(&fx, REFUSED_HEIGHT, 1),
        t,
        &refused_ok,
    );
    for (n, keys) in every_kind_groups(&fx).iter().enumerate() {
        check_bundle(
            &format!("records-{}.json", n + 1),
            "records of several kinds at height 8 of the proof chain, with the policy: together the records-*.json files prove one record of every kind",
            &onebook_storage::bundle_for_records(&fx.store, &as_stored(keys), EVERY_KIND_HEIGHT)
                .unwrap(),
            t,
            &options(),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (parent_bundle, parent_trusted) = parent(&fx, &dir);
    let mut parented = at(&[certificate_key()], CHECKPOINT_HEIGHT);
    parented.anchor.as_mut().unwrap().parent = Some(parent_bundle);
    let parent_genesis = proof_chain::parent_genesis().unwrap();
    check_bundle(
        "parent-anchored.json",
        "membership.json's certificate, carrying the proof that the parent chain onebook-fj-1 (parent_genesis_json) recorded the checkpoint at height 10 as onebook-dev-1's latest: verify with both genesis files",
        &parented,
        t,
        &VerifyOptions { parent: Some(parent_trusted), ..options() },
    );
    check_golden("parent-genesis.json", &serde_json::to_value(&parent_genesis).unwrap());
    let kinds: std::collections::BTreeSet<u8> =
        every_kind_groups(&fx).iter().flatten().map(|key| key.encode()[0]).collect();
    assert_eq!(kinds.len(), 23, "the records-*.json files prove one record of every kind");
}

#[test]
fn golden_refusals_match_and_are_refused_as_documented() {
    let fx = fixture();
    let t = &fx.trusted;
    let certificate = certificate_bundle(&fx);
    let (_dir, staging) = staging();
    let keys = as_stored(&[certificate_key(), RecordKey::Policy]);
    let mut staged =
        onebook_storage::bundle_for_records(&staging, &keys, CHECKPOINT_HEIGHT).unwrap();
    staged.genesis_hash = t.genesis_hash;
    let mut below_threshold = certificate.clone();
    below_threshold.anchor.as_mut().unwrap().cosignatures.truncate(1);
    let mut no_policy = certificate.clone();
    if let Claim::Records(claims) = &mut no_policy.claim {
        claims.retain(|claim| claim.key != RecordKey::Policy);
    }
    let licence_alone = onebook_storage::bundle_for_records(
        &fx.store,
        &as_stored(&[RecordKey::Certificate(number(LICENCE)), RecordKey::Policy]),
        CHECKPOINT_HEIGHT,
    )
    .unwrap();
    let mut unanchored = certificate.clone();
    unanchored.anchor = None;
    let stale_at = Timestamp(proof_chain::block_time(CHECKPOINT_HEIGHT).0 + 1);
    let cases: Vec<(&str, &str, ProofBundle, VerifyOptions)> = vec![
        ("unanchored", "membership.json without its anchoring", unanchored, options()),
        (
            "checkpoint-wrong-genesis",
            "a staging chain's bundle (genesis time one millisecond later) with the bundle's genesis hash rewritten",
            staged.clone(),
            options(),
        ),
        (
            "set-change-wrong-genesis",
            "the same with its checkpoint's genesis hash rewritten too",
            {
                let mut staged = staged;
                staged.anchor.as_mut().unwrap().checkpoint.genesis_hash = t.genesis_hash;
                staged
            },
            options(),
        ),
        (
            "anchor-below-header",
            "a header at height 1000 forged by the genesis validator set, retired at height 3, anchored at the real checkpoint 10",
            {
                let mut forged = forged_by_the_retired_set(&fx, 1000, "xm-gaj");
                forged.anchor = certificate.anchor.clone();
                forged
            },
            options(),
        ),
        (
            "unanchored",
            "the same forged header with no anchoring",
            forged_by_the_retired_set(&fx, 1000, "xm-gaj"),
            options(),
        ),
        (
            "tx-refused",
            "tx-refused.json verified without allow_refused_tx",
            tx_bundle(&fx, REFUSED_HEIGHT, 1),
            options(),
        ),
        (
            "standing-policy-missing",
            "membership.json without the policy record",
            no_policy,
            options(),
        ),
        (
            "standing-parent-missing",
            "a licence and the policy, without the licence's parent certificate",
            licence_alone,
            options(),
        ),
        (
            "stale",
            "membership.json with not_before one millisecond after its block time",
            certificate.clone(),
            VerifyOptions { not_before: Some(stale_at), ..options() },
        ),
        (
            "checkpoint-below-threshold",
            "membership.json with one of its two cosignatures",
            below_threshold,
            options(),
        ),
        (
            "parent-missing",
            "membership.json verified with a parent genesis, carrying no parent proof",
            certificate,
            VerifyOptions {
                parent: Some(trusted(&proof_chain::parent_genesis().unwrap())),
                ..options()
            },
        ),
    ];
    let mut values = Vec::new();
    for (kind, description, bundle, options) in cases {
        let bytes = bundle.encode();
        let error = verify_with(&bytes, t, &options).unwrap_err();
        assert_eq!(error.kind(), kind, "{description}: {error}");
        values.push(json!({
            "kind": kind,
            "description": description,
            "options": options_json(&options),
            "error": error.to_string(),
            "bundle_hex": hex::encode(&bytes),
        }));
    }
    check_golden(
        "refusals.json",
        &json!({
            "description": "bundles verify-proof must refuse, against genesis/networks/dev.json, each with the kind of the check that fails (docs/formats.md section 15.2) and the options it is verified with; the parent genesis is parent-genesis.json",
            "genesis_hash": t.genesis_hash,
            "cases": values,
        }),
    );
}
