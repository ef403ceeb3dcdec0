//! Unit tests on bundles built in memory: each check refuses what it is for.

use onebook_state::{MemNodeStore, apply_updates, key_hash, prove, value_hash};
use onebook_types::{
    block::{CertificateError, CommitCertificate, CommitSignature, CommitVote, Header},
    checkpoint::{Checkpoint, Cosignature, CosignatureError, Witness, WitnessSet},
    consortium::{Validator, ValidatorSet},
    hash::Hash32,
    ids::{ChainId, GrantId, Height, OrgId, Timestamp},
    keys::SecretKey,
    limits::{PROOF_BUNDLE_BYTES_MAX, PROOF_BUNDLE_CLAIMS_MAX},
    record::RecordKey,
};

use crate::{
    Anchor, Claim, ProofBundle, RecordClaim, RecordValue, SetChange, TrustedGenesis, VerifyError,
    VerifyOptions, WitnessChange, verify, verify_bundle, verify_bundle_with,
};

const CHAIN: &str = "onebook-unit-1";

fn keys() -> Vec<SecretKey> {
    let mut keys: Vec<SecretKey> = (1..=3).map(|n| SecretKey::from_seed([n; 32])).collect();
    keys.sort_by_key(SecretKey::public_key);
    keys
}

fn set_of(keys: &[SecretKey]) -> ValidatorSet {
    let validators = keys
        .iter()
        .map(|key| Validator { node_key: key.public_key(), org: OrgId::from("org"), power: 1 })
        .collect();
    ValidatorSet { validators }
}

fn witness_keys() -> Vec<SecretKey> {
    let mut keys: Vec<SecretKey> = (0x31..=0x33).map(|n| SecretKey::from_seed([n; 32])).collect();
    keys.sort_by_key(SecretKey::public_key);
    keys
}

fn witness_set(keys: &[SecretKey], threshold: u16) -> WitnessSet {
    let witnesses =
        keys.iter().map(|key| Witness { key: key.public_key(), name: "见证".into() }).collect();
    WitnessSet { threshold, witnesses }
}

fn genesis() -> TrustedGenesis {
    TrustedGenesis {
        chain_id: ChainId::from(CHAIN),
        genesis_hash: Hash32([0x6e; 32]),
        validators: set_of(&keys()),
        witnesses: witness_set(&witness_keys(), 2),
        suite: onebook_types::suite::Suite::Ed25519Blake3,
    }
}

/// The checkpoint of `header` itself, cosigned under `set` by `signers`.
fn checkpoint_of(header: &Header, set: &WitnessSet, next: &WitnessSet) -> Checkpoint {
    Checkpoint {
        chain_id: header.chain_id.clone(),
        genesis_hash: genesis().genesis_hash,
        height: header.height,
        time: header.time,
        block_hash: header.hash(),
        history_root: header.history_root,
        validator_set_hash: header.validator_set_hash,
        witness_set_hash: set.hash(),
        next_witness_set_hash: next.hash(),
    }
}

fn cosign(checkpoint: &Checkpoint, signers: &[SecretKey]) -> Vec<Cosignature> {
    let mut cosignatures: Vec<Cosignature> = signers
        .iter()
        .map(|key| {
            let time = Timestamp(checkpoint.time.0 + 7);
            let digest = checkpoint.cosigning_digest(time);
            Cosignature { witness: key.public_key(), time, signature: key.sign(digest.as_bytes()) }
        })
        .collect();
    cosignatures.sort_by_key(|cosignature| cosignature.witness);
    cosignatures
}

/// An anchor at the bundle's own header, cosigned by the first two genesis witnesses.
fn anchor_at(header: &Header) -> Anchor {
    let set = genesis().witnesses;
    let checkpoint = checkpoint_of(header, &set, &set);
    let cosignatures = cosign(&checkpoint, &witness_keys()[..2]);
    Anchor { witness_changes: vec![], checkpoint, cosignatures, ancestry: None, parent: None }
}

fn header(height: u64, state_root: Hash32, set: &ValidatorSet, next: &ValidatorSet) -> Header {
    Header {
        chain_id: ChainId::from(CHAIN),
        height: Height(height),
        time: Timestamp(1_777_593_600_000 + height),
        previous_hash: Hash32::ZERO,
        history_root: Hash32([0x4a; 32]),
        tx_root: Hash32::ZERO,
        tx_count: 0,
        receipts_root: Hash32::ZERO,
        state_root,
        validator_set_hash: set.hash(),
        next_validator_set_hash: next.hash(),
        proposer: set.validators[0].node_key,
    }
}

fn certify(header: &Header, signers: &[SecretKey]) -> CommitCertificate {
    let vote = CommitVote {
        chain_id: header.chain_id.clone(),
        genesis_hash: genesis().genesis_hash,
        height: header.height,
        round: 0,
        block_hash: header.hash(),
    };
    let digest = vote.signing_digest();
    let signatures = signers
        .iter()
        .map(|key| CommitSignature {
            node_key: key.public_key(),
            signature: key.sign(digest.as_bytes()),
        })
        .collect();
    CommitCertificate { vote, signatures }
}

/// A bundle at height 2 claiming the records `records` (key, value) of a tree holding them.
fn bundle_with(records: &[(RecordKey, Vec<u8>)], claims: &[(RecordKey, bool)]) -> ProofBundle {
    let mut store = MemNodeStore::new();
    let updates =
        records.iter().map(|(key, value)| (key_hash(&key.encode()), Some(value_hash(value))));
    let update = apply_updates(&store, Hash32::ZERO, updates);
    store.insert_all(&update);
    let set = set_of(&keys());
    let header = header(2, update.root, &set, &set);
    let certificate = certify(&header, &keys());
    let claims = claims
        .iter()
        .map(|(key, present)| {
            let value =
                records.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).filter(|_| *present);
            let proof = prove(&store, update.root, key_hash(&key.encode()));
            RecordClaim { key: key.clone(), value, proof }
        })
        .collect();
    let anchor = anchor_at(&header);
    ProofBundle::new(
        genesis().genesis_hash,
        vec![],
        header,
        certificate,
        Claim::Records(claims),
        Some(anchor),
    )
}

fn sequence_records() -> Vec<(RecordKey, Vec<u8>)> {
    (0..4u8).map(|n| (RecordKey::Sequence(format!("s{n}")), vec![n; 3])).collect()
}

fn simple() -> ProofBundle {
    bundle_with(&sequence_records(), &[(RecordKey::Sequence("s1".into()), true)])
}

#[test]
fn a_bundle_signed_by_every_validator_proves_its_record() {
    let bundle = simple();

    let verdict = verify(&bundle.encode(), &genesis()).unwrap();

    assert_eq!(verdict.height, Height(2));
    assert_eq!(verdict.records()[0].value, RecordValue::Opaque(vec![1; 3]));
}

#[test]
fn exactly_two_thirds_of_the_power_is_no_quorum() {
    let mut bundle = simple();
    bundle.certificate = certify(&bundle.header, &keys()[..2]);

    let error = verify_bundle(&bundle, &genesis()).unwrap_err();

    assert!(matches!(
        error,
        VerifyError::Certificate { source: CertificateError::NoQuorum { signed: 2, total: 3 }, .. }
    ));
}

#[test]
fn oversize_input_is_refused_before_decoding() {
    let bytes = vec![0u8; PROOF_BUNDLE_BYTES_MAX + 1];

    let error = verify(&bytes, &genesis()).unwrap_err();

    assert!(matches!(error, VerifyError::TooLarge { .. }));
}

#[test]
fn a_wrong_prefix_is_named_before_decoding() {
    let mut newer = simple().encode();
    newer[4] = 3;

    assert!(matches!(verify(b"OB", &genesis()), Err(VerifyError::BadMagic { .. })));
    assert!(matches!(verify(b"", &genesis()), Err(VerifyError::BadMagic { .. })));
    assert!(matches!(verify(b"OBPB\x02", &genesis()), Err(VerifyError::Decode { .. })));
    assert!(matches!(
        verify(&newer, &genesis()),
        Err(VerifyError::UnsupportedVersion { version: 3 })
    ));
    assert!(matches!(
        verify(b"OBPB\x01\x00", &genesis()),
        Err(VerifyError::UnsupportedVersion { version: 1 })
    ));
}

#[test]
fn trailing_bytes_are_refused() {
    let mut bytes = simple().encode();
    bytes.push(0);

    assert!(matches!(verify(&bytes, &genesis()), Err(VerifyError::Decode { .. })));
}

#[test]
fn claim_lists_must_be_non_empty_and_bounded() {
    let records = (0..=PROOF_BUNDLE_CLAIMS_MAX)
        .map(|n| (RecordKey::Sequence(format!("k{n}")), vec![1]))
        .collect::<Vec<_>>();
    let all: Vec<(RecordKey, bool)> = records.iter().map(|(k, _)| (k.clone(), true)).collect();

    let empty = bundle_with(&records, &[]);
    let full = bundle_with(&records, &all);

    assert!(matches!(verify_bundle(&empty, &genesis()), Err(VerifyError::NoClaims)));
    assert!(matches!(verify(&full.encode(), &genesis()), Err(VerifyError::TooMany { .. })));
}

#[test]
fn another_genesis_or_chain_is_refused() {
    let mut other_genesis = genesis();
    other_genesis.genesis_hash = Hash32([1; 32]);
    let mut other_chain = genesis();
    other_chain.chain_id = ChainId::from("onebook-other-1");

    let wrong_genesis = verify_bundle(&simple(), &other_genesis).unwrap_err();
    let wrong_chain = verify_bundle(&simple(), &other_chain).unwrap_err();

    assert!(matches!(wrong_genesis, VerifyError::WrongGenesis { .. }));
    assert!(matches!(wrong_chain, VerifyError::WrongChain { .. }));
}

#[test]
fn a_key_claimed_twice_is_refused() {
    let key = RecordKey::Sequence("s1".into());

    let bundle = bundle_with(&sequence_records(), &[(key.clone(), true), (key, true)]);

    assert!(matches!(
        verify_bundle(&bundle, &genesis()),
        Err(VerifyError::DuplicateClaim { index: 1 })
    ));
}

#[test]
fn a_proved_value_that_is_not_its_kind_is_undecodable() {
    let key = RecordKey::Grant(GrantId(1));

    let bundle = bundle_with(&[(key.clone(), vec![1, 2, 3])], &[(key, true)]);

    assert!(matches!(
        verify_bundle(&bundle, &genesis()),
        Err(VerifyError::RecordUndecodable { index: 0, kind: "grant", .. })
    ));
}

#[test]
fn an_absent_key_is_proved_absent() {
    let key = RecordKey::Sequence("missing".into());

    let bundle = bundle_with(&sequence_records(), &[(key.clone(), false)]);
    let verdict = verify_bundle(&bundle, &genesis()).unwrap();

    assert_eq!(verdict.value(&key), Some(&RecordValue::Absent));
}

#[test]
fn a_change_that_announces_the_set_in_force_is_refused() {
    let mut bundle = simple();
    let set = set_of(&keys());
    let change_header = header(1, Hash32::ZERO, &set, &set);
    let certificate = certify(&change_header, &keys());
    bundle.set_changes.push(SetChange { header: change_header, certificate, next_set: set });

    let error = verify_bundle(&bundle, &genesis()).unwrap_err();

    assert!(matches!(error, VerifyError::NotASetChange { index: 0, .. }));
}

#[test]
fn a_set_change_verifies_only_with_the_chain_that_announced_it() {
    let old = keys();
    let new: Vec<SecretKey> = {
        let mut keys: Vec<SecretKey> = (7..=10).map(|n| SecretKey::from_seed([n; 32])).collect();
        keys.sort_by_key(SecretKey::public_key);
        keys
    };
    let (old_set, new_set) = (set_of(&old), set_of(&new));
    let change_header = header(1, Hash32::ZERO, &old_set, &new_set);
    let change = SetChange {
        certificate: certify(&change_header, &old),
        header: change_header,
        next_set: new_set.clone(),
    };
    let mut bundle = simple();
    bundle.header.validator_set_hash = new_set.hash();
    bundle.header.next_validator_set_hash = new_set.hash();
    bundle.certificate = certify(&bundle.header, &new);
    bundle.anchor = Some(anchor_at(&bundle.header));
    let without = bundle.clone();
    bundle.set_changes.push(change);

    assert_eq!(verify_bundle(&bundle, &genesis()).unwrap().set_changes, 1);
    assert!(matches!(
        verify_bundle(&without, &genesis()),
        Err(VerifyError::Certificate { source: CertificateError::WrongValidatorSet { .. }, .. })
    ));
}

#[test]
fn random_bytes_after_a_valid_prefix_are_refused_without_panicking() {
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u8
    };

    for length in 0..2_000usize {
        let mut bytes = b"OBPB\x02\x00".to_vec();
        bytes.extend((0..length % 700).map(|_| next()));

        assert!(verify(&bytes, &genesis()).is_err());
    }
}

#[test]
fn a_vote_of_another_genesis_is_refused_even_with_valid_signatures() {
    let mut bundle = simple();
    let mut vote = bundle.certificate.vote.clone();
    vote.genesis_hash = Hash32([0x5a; 32]);
    let digest = vote.signing_digest();
    bundle.certificate = CommitCertificate {
        vote,
        signatures: keys()
            .iter()
            .map(|key| CommitSignature {
                node_key: key.public_key(),
                signature: key.sign(digest.as_bytes()),
            })
            .collect(),
    };

    let error = verify_bundle(&bundle, &genesis()).unwrap_err();

    assert_eq!(error.kind(), "certificate-wrong-genesis", "{error}");
}

#[test]
fn an_unanchored_bundle_is_refused_unless_the_verifier_accepts_it() {
    let mut bundle = simple();
    bundle.anchor = None;
    let accepting = VerifyOptions { allow_unanchored: true, ..VerifyOptions::default() };

    let error = verify_bundle(&bundle, &genesis()).unwrap_err();
    let verdict = verify_bundle_with(&bundle, &genesis(), &accepting).unwrap();

    assert!(matches!(error, VerifyError::Unanchored { height: Height(2) }), "{error}");
    assert_eq!(verdict.anchor, None);
    assert!(verdict.to_string().contains("NOT ANCHORED"), "{verdict}");
}

#[test]
fn a_checkpoint_below_the_threshold_or_of_another_block_anchors_nothing() {
    let mut one = simple();
    let anchor = one.anchor.as_mut().unwrap();
    anchor.cosignatures.truncate(1);
    let mut other_block = simple();
    let anchor = other_block.anchor.as_mut().unwrap();
    anchor.checkpoint.block_hash = Hash32([1; 32]);
    anchor.cosignatures = cosign(&anchor.checkpoint, &witness_keys()[..2]);
    let mut stranger = simple();
    let anchor = stranger.anchor.as_mut().unwrap();
    anchor.cosignatures = cosign(&anchor.checkpoint, &[SecretKey::from_seed([0x77; 32])]);

    let below = verify_bundle(&one, &genesis()).unwrap_err();
    let mismatch = verify_bundle(&other_block, &genesis()).unwrap_err();
    let unknown = verify_bundle(&stranger, &genesis()).unwrap_err();

    assert!(matches!(
        below,
        VerifyError::CheckpointCosignatures {
            source: CosignatureError::BelowThreshold { cosigned: 1, threshold: 2 },
            ..
        }
    ));
    assert_eq!(below.kind(), "checkpoint-below-threshold");
    assert_eq!(mismatch.kind(), "anchor-block-mismatch", "{mismatch}");
    assert_eq!(unknown.kind(), "checkpoint-unknown-witness", "{unknown}");
}

#[test]
fn a_witness_set_changes_only_by_a_checkpoint_the_old_set_cosigned() {
    let old = witness_keys();
    let new_keys: Vec<SecretKey> = {
        let mut keys: Vec<SecretKey> =
            (0x41..=0x42).map(|n| SecretKey::from_seed([n; 32])).collect();
        keys.sort_by_key(SecretKey::public_key);
        keys
    };
    let new_set = witness_set(&new_keys, 1);
    let set = set_of(&keys());
    let change_header = header(1, Hash32::ZERO, &set, &set);
    let change_checkpoint = checkpoint_of(&change_header, &genesis().witnesses, &new_set);
    let change = WitnessChange {
        cosignatures: cosign(&change_checkpoint, &old[..2]),
        checkpoint: change_checkpoint,
        next_set: new_set.clone(),
    };
    let mut bundle = simple();
    let anchor = bundle.anchor.as_mut().unwrap();
    anchor.checkpoint.witness_set_hash = new_set.hash();
    anchor.checkpoint.next_witness_set_hash = new_set.hash();
    anchor.cosignatures = cosign(&anchor.checkpoint, &new_keys[..1]);
    let without = bundle.clone();
    bundle.anchor.as_mut().unwrap().witness_changes.push(change);
    let mut by_new = bundle.clone();
    let forged = &mut by_new.anchor.as_mut().unwrap().witness_changes[0];
    forged.cosignatures = cosign(&forged.checkpoint, &new_keys);

    let verdict = verify_bundle(&bundle, &genesis()).unwrap();

    assert_eq!(verdict.anchor.as_ref().map(|anchor| anchor.witness_changes), Some(1));
    assert_eq!(
        verify_bundle(&without, &genesis()).unwrap_err().kind(),
        "checkpoint-wrong-witness-set"
    );
    assert_eq!(
        verify_bundle(&by_new, &genesis()).unwrap_err().kind(),
        "witness-change-unknown-witness"
    );
}

#[test]
fn freshness_is_judged_on_the_proved_block_time_of_records() {
    let bundle = simple();
    let time = bundle.header.time;
    let fresh = VerifyOptions { not_before: Some(time), ..VerifyOptions::default() };
    let stale =
        VerifyOptions { not_before: Some(Timestamp(time.0 + 1)), ..VerifyOptions::default() };

    assert!(verify_bundle_with(&bundle, &genesis(), &fresh).is_ok());
    let error = verify_bundle_with(&bundle, &genesis(), &stale).unwrap_err();
    assert!(matches!(error, VerifyError::Stale { .. }), "{error}");
}

#[test]
fn every_error_kind_is_listed() {
    let kinds: std::collections::BTreeSet<&str> = VerifyError::KINDS.iter().copied().collect();
    assert_eq!(kinds.len(), VerifyError::KINDS.len(), "no kind listed twice");
    for error in [
        verify(b"", &genesis()).unwrap_err(),
        verify_bundle(&ProofBundle { anchor: None, ..simple() }, &genesis()).unwrap_err(),
    ] {
        assert!(kinds.contains(error.kind()), "{}", error.kind());
    }
}

/// The policy record, at UTC+8 (a certificate's standing needs it in the bundle).
fn policy_record() -> (RecordKey, Vec<u8>) {
    let policy = onebook_types::consortium::Policy {
        catalog_update_working_days: 5,
        resource_registration_working_days: 5,
        share_answer_working_days: 5,
        correction_working_days: 5,
        public_notice_days: 5,
        grant_term_days_max: 365,
        utc_offset_minutes: 480,
        holidays: vec![],
        makeup_workdays: vec![],
        legal_bases: vec![],
        record_signed_reads: false,
    };
    (RecordKey::Policy, onebook_types::codec::encode(&policy))
}

fn certificate(
    number: &str,
    parent: Option<&str>,
    status: onebook_types::property_records::CertificateStatus,
) -> onebook_types::property_records::Certificate {
    use onebook_types::{
        action::{PropertySubject, RightKind},
        ids::{CertificateNumber, ResourceId},
    };
    onebook_types::property_records::Certificate {
        number: CertificateNumber::from(number),
        application: None,
        right: if parent.is_some() { RightKind::ProcessingUse } else { RightKind::Holding },
        subject: PropertySubject::Resource { resource: ResourceId(1) },
        subject_hash: Hash32::ZERO,
        holder: OrgId::from(if parent.is_some() { "xm-jypt" } else { "xm-gaj" }),
        parent: parent.map(CertificateNumber::from),
        issuer: OrgId::from("xm-djzx"),
        valid_from: "2026-01-01".parse().expect("a date"),
        valid_until: "2026-12-31".parse().expect("a date"),
        issued_at: Timestamp(0),
        transfers: vec![],
        status,
    }
}

/// A licence stands only while its parent does: with its cancelled parent in the bundle, the
/// licence reads "parent cancelled", never valid.
#[test]
fn a_licence_under_a_cancelled_parent_reads_parent_cancelled() {
    use onebook_types::{codec, property_records::CertificateStatus};
    let cancelled =
        CertificateStatus::Cancelled { reason: "权属争议".into(), at: Timestamp(1) };
    let parent = certificate("350200-2026-000001X", None, cancelled);
    let licence = certificate("350200-2026-0000028", Some("350200-2026-000001X"), {
        CertificateStatus::Active
    });
    let licence_key = RecordKey::Certificate(licence.number.clone());
    let parent_key = RecordKey::Certificate(parent.number.clone());
    let records = [
        (licence_key.clone(), codec::encode(&licence)),
        (parent_key.clone(), codec::encode(&parent)),
        policy_record(),
    ];
    let claims = [(licence_key, true), (parent_key, true), (RecordKey::Policy, true)];
    let bundle = bundle_with(&records, &claims);

    let verdict = verify(&bundle.encode(), &genesis()).unwrap();

    let summary = verdict.certificate(&licence.number).expect("proved");
    assert_ne!(summary.standing, crate::Standing::Valid);
    let text = verdict.to_string();
    let first = text.lines().next().expect("a line per record");
    assert!(first.contains("parent cancelled"), "{text}");
}

/// Without its parent in the bundle a licence's standing is not proved, and the bundle is
/// refused; with a parent that was only transferred, it stands.
#[test]
fn a_licence_stands_with_a_transferred_parent_and_is_refused_without_one() {
    use onebook_types::{
        codec,
        ids::CertificateNumber,
        property_records::{CertificateStatus, HolderChange},
    };
    let mut parent = certificate("350200-2026-000001X", None, CertificateStatus::Active);
    parent.transfers.push(HolderChange {
        from: OrgId::from("xm-gaj"),
        to: OrgId::from("xm-scjg"),
        height: Height(1),
        at: Timestamp(1),
    });
    let licence =
        certificate("350200-2026-0000028", Some("350200-2026-000001X"), CertificateStatus::Active);
    let licence_key = RecordKey::Certificate(licence.number.clone());
    let parent_key = RecordKey::Certificate(parent.number.clone());
    let records = [
        (licence_key.clone(), codec::encode(&licence)),
        (parent_key.clone(), codec::encode(&parent)),
        policy_record(),
    ];
    let policy = (RecordKey::Policy, true);
    let with_parent =
        bundle_with(&records, &[(licence_key.clone(), true), (parent_key, true), policy.clone()]);
    let alone = bundle_with(&records, &[(licence_key, true), policy]);

    let with_parent = verify(&with_parent.encode(), &genesis()).unwrap();
    let alone = verify(&alone.encode(), &genesis()).unwrap_err();

    let standing = with_parent.certificate(&licence.number).expect("proved").standing;
    assert_eq!(standing, crate::Standing::Valid);
    assert_eq!(alone.kind(), "standing-parent-missing", "{alone}");
    let unproved = crate::summarize(&licence, None, with_parent.block_time, 480);
    let parent = CertificateNumber::from("350200-2026-000001X");
    assert_eq!(unproved.standing, crate::Standing::ParentUnproved { parent });
    assert!(unproved.to_string().contains("parent not proved"), "{unproved}");
}
