//! Proof bundles cut from a real store and checked by the offline verifier: valid bundles,
//! validator-set changes, quorum, absence, grant coverage, golden bundles and byte mutations.

use std::collections::BTreeMap;

use onebook_genesis::GenesisFile;
use onebook_storage::{RecordClaimKind, Store, StoreConfig};
use onebook_tests::proof_chain::{
    self, ACCESS_HEIGHT, CERTIFICATE, CHANGE_HEIGHT, TIP_HEIGHT, certify, trusted, validator_keys,
};
use onebook_types::{
    block::CertificateError,
    ids::{AccessEventId, CertificateNumber, GrantId, Height, ResourceId, ViolationId},
    record::RecordKey,
    sharing_records::{GrantStatus, ViolationReason},
};
use onebook_verifier::{
    Claim, CoverageError, ProofBundle, Proved, RecordValue, Standing, TrustedGenesis, VerifyError,
    verify, verify_bundle, verify_grant_at_access,
};
use serde_json::json;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    genesis: GenesisFile,
    trusted: TrustedGenesis,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut config = StoreConfig::new(dir.path().join("db"));
    config.sync_writes = false;
    let store = Store::open(&config).unwrap();
    let genesis = proof_chain::dev_genesis().unwrap();
    proof_chain::build(&store, &genesis).unwrap();
    let trusted = trusted(&genesis);
    Fixture { _dir: dir, store, genesis, trusted }
}

fn certificate_key() -> RecordKey {
    RecordKey::Certificate(CertificateNumber::from(CERTIFICATE))
}

fn as_stored(keys: &[RecordKey]) -> Vec<(RecordKey, RecordClaimKind)> {
    keys.iter().map(|key| (key.clone(), RecordClaimKind::AsStored)).collect()
}

/// The certificate and the policy at the tip, above the set change.
fn certificate_bundle(fx: &Fixture) -> ProofBundle {
    let keys = as_stored(&[certificate_key(), RecordKey::Policy]);
    onebook_storage::bundle_for_records(&fx.store, &keys, TIP_HEIGHT).unwrap()
}

fn coverage_keys() -> Vec<(RecordKey, RecordClaimKind)> {
    as_stored(&[
        RecordKey::AccessEvent(AccessEventId(1)),
        RecordKey::Grant(GrantId(1)),
        RecordKey::Resource(ResourceId(1)),
        RecordKey::Policy,
    ])
}

#[test]
fn a_certificate_bundle_above_a_set_change_verifies_and_says_who_holds_what() {
    let fx = fixture();
    let bundle = certificate_bundle(&fx);

    let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();

    assert_eq!(verdict.height, TIP_HEIGHT);
    assert_eq!(verdict.set_changes, 1);
    let summary = verdict.certificate(&CertificateNumber::from(CERTIFICATE)).unwrap();
    assert_eq!(summary.standing, Standing::Valid);
    let text = verdict.to_string();
    assert!(
        text.starts_with(
            "certificate 350200-2026-000001X valid at height 5: holder xm-scjg, holding right on \
             resource 1, 2026-04-15..2031-04-14"
        ),
        "{text}"
    );
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
fn a_bundle_below_the_set_change_needs_no_chain() {
    let fx = fixture();
    let keys = as_stored(&[certificate_key()]);

    let bundle = onebook_storage::bundle_for_records(&fx.store, &keys, CHANGE_HEIGHT).unwrap();

    assert!(bundle.set_changes.is_empty(), "the change takes effect after its block");
    assert_eq!(verify_bundle(&bundle, &fx.trusted).unwrap().set_changes, 0);
}

#[test]
fn a_header_signed_by_two_thirds_or_less_of_the_power_has_no_quorum() {
    let fx = fixture();
    let mut bundle = certificate_bundle(&fx);
    let signers = validator_keys(&proof_chain::next_set(&fx.genesis)).unwrap();
    let mut quorate = bundle.clone();
    quorate.certificate = certify(&bundle.header, &signers[..3]);

    bundle.certificate = certify(&bundle.header, &signers[..2]);
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
    change.certificate = certify(&change.header, &new_signers);

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
    assert_eq!(verdict.to_string(), "violation 1 absent at height 2");
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
    let at_tip =
        onebook_storage::bundle_for_records(&fx.store, &coverage_keys(), TIP_HEIGHT).unwrap();

    let coverage = verify_grant_at_access(&at_access.encode(), &fx.trusted).unwrap();
    let later = verify_grant_at_access(&at_tip.encode(), &fx.trusted).unwrap_err();

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
            block_hash: onebook_types::hash::Hash32::ZERO,
            block_time: event.recorded_at,
            validator_set_hash: onebook_types::hash::Hash32::ZERO,
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

#[test]
fn a_tx_bundle_proves_inclusion_in_its_block() {
    let fx = fixture();
    let block = fx.store.block(Height(4)).unwrap().unwrap();
    let tx_hash = block.txs[1].hash();

    let bundle = onebook_storage::bundle_for_tx(&fx.store, &tx_hash).unwrap();
    let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();

    assert!(matches!(verdict.proved, Proved::Tx { index: 1, .. }));
    assert_eq!(verdict.set_changes, 1);
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
    let tx_hash = fx.store.block(Height(4)).unwrap().unwrap().txs[0].hash();
    let tx = onebook_storage::bundle_for_tx(&fx.store, &tx_hash).unwrap().encode();
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

/// Compares a golden bundle with the one cut now, or writes it when regeneration is asked for;
/// then verifies the committed bytes and compares the verdict.
fn check_bundle(name: &str, description: &str, bundle: &ProofBundle, trusted: &TrustedGenesis) {
    let bytes = bundle.encode();
    let verdict = verify(&bytes, trusted).unwrap().to_string();
    let value = json!({
        "description": description,
        "genesis": "genesis/networks/dev.json",
        "genesis_hash": trusted.genesis_hash,
        "bundle_bytes": bytes.len(),
        "bundle_hex": hex::encode(&bytes),
        "verdict": verdict,
    });
    let path = vectors_dir().join(name);
    let text = serde_json::to_string_pretty(&value).unwrap() + "\n";
    if std::env::var_os("ONEBOOK_REGENERATE_VECTORS").is_some() {
        std::fs::create_dir_all(vectors_dir()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(committed, value, "{name} differs from the code; the bundle format changed");
    let committed_bytes = hex::decode(committed["bundle_hex"].as_str().unwrap()).unwrap();
    assert_eq!(verify(&committed_bytes, trusted).unwrap().to_string(), committed["verdict"]);
}

#[test]
fn golden_bundles_match_and_verify() {
    let fx = fixture();
    let membership =
        onebook_storage::bundle_for_record(&fx.store, &certificate_key(), TIP_HEIGHT).unwrap();
    let absence = onebook_storage::bundle_for_absence(
        &fx.store,
        &RecordKey::Violation(ViolationId(1)),
        Height(1),
    )
    .unwrap();

    check_bundle(
        "membership.json",
        "certificate 350200-2026-000001X at height 5 of the proof chain (tests/src/proof_chain.rs), across one validator-set change at height 3; dates judged in UTC as the policy is not in the bundle",
        &membership,
        &fx.trusted,
    );
    check_bundle(
        "absence.json",
        "violation 1 absent at height 1 of the proof chain: no set change, one record claim",
        &absence,
        &fx.trusted,
    );
}
