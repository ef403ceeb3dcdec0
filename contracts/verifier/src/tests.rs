//! Unit tests on bundles built in memory: each check refuses what it is for.

use onebook_state::{MemNodeStore, apply_updates, key_hash, prove, value_hash};
use onebook_types::{
    block::{CertificateError, CommitCertificate, CommitSignature, CommitVote, Header},
    consortium::{Validator, ValidatorSet},
    hash::Hash32,
    ids::{ChainId, GrantId, Height, OrgId, Timestamp},
    keys::SecretKey,
    limits::{PROOF_BUNDLE_BYTES_MAX, PROOF_BUNDLE_CLAIMS_MAX},
    record::RecordKey,
};

use crate::{
    Claim, ProofBundle, RecordClaim, RecordValue, SetChange, TrustedGenesis, VerifyError, verify,
    verify_bundle,
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

fn genesis() -> TrustedGenesis {
    TrustedGenesis {
        chain_id: ChainId::from(CHAIN),
        genesis_hash: Hash32([0x6e; 32]),
        validators: set_of(&keys()),
    }
}

fn header(height: u64, state_root: Hash32, set: &ValidatorSet, next: &ValidatorSet) -> Header {
    Header {
        chain_id: ChainId::from(CHAIN),
        height: Height(height),
        time: Timestamp(1_777_593_600_000 + height),
        previous_hash: Hash32::ZERO,
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
    ProofBundle::new(genesis().genesis_hash, vec![], header, certificate, Claim::Records(claims))
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
    newer[4] = 2;

    assert!(matches!(verify(b"OB", &genesis()), Err(VerifyError::BadMagic { .. })));
    assert!(matches!(verify(b"", &genesis()), Err(VerifyError::BadMagic { .. })));
    assert!(matches!(verify(b"OBPB\x01", &genesis()), Err(VerifyError::Decode { .. })));
    assert!(matches!(
        verify(&newer, &genesis()),
        Err(VerifyError::UnsupportedVersion { version: 2 })
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
        let mut bytes = b"OBPB\x01\x00".to_vec();
        bytes.extend((0..length % 700).map(|_| next()));

        assert!(verify(&bytes, &genesis()).is_err());
    }
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
    ];
    let bundle = bundle_with(&records, &[(licence_key, true), (parent_key, true)]);

    let verdict = verify(&bundle.encode(), &genesis()).unwrap();

    let summary = verdict.certificate(&licence.number).expect("proved");
    assert_ne!(summary.standing, crate::Standing::Valid);
    let text = verdict.to_string();
    let first = text.lines().next().expect("a line per record");
    assert!(first.contains("parent cancelled"), "{text}");
}

/// Without its parent in the bundle a licence's standing is not proved; with a parent that was
/// only transferred, it stands.
#[test]
fn a_licence_stands_with_a_transferred_parent_and_is_unproved_without_one() {
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
    ];
    let with_parent = bundle_with(&records, &[(licence_key.clone(), true), (parent_key, true)]);
    let alone = bundle_with(&records, &[(licence_key, true)]);

    let with_parent = verify(&with_parent.encode(), &genesis()).unwrap();
    let alone = verify(&alone.encode(), &genesis()).unwrap();

    let standing =
        |verdict: &crate::Verdict| verdict.certificate(&licence.number).expect("proved").standing;
    assert_eq!(standing(&with_parent), crate::Standing::Valid);
    let parent = CertificateNumber::from("350200-2026-000001X");
    assert_eq!(standing(&alone), crate::Standing::ParentUnproved { parent });
    assert!(alone.to_string().contains("parent not proved"), "{alone}");
}
