//! Lineage in proof bundles (`docs/formats.md` section 29), cut from a real store holding the
//! lineage chain (`onebook_tests::lineage_chain`): a product certificate's bundle names the
//! development grant its product came from, and an access under an onward grant two levels
//! down carries the grants above it, so its coverage, and its end when the top grant is
//! revoked, is proved offline. Golden vectors pin both bundles.

use onebook_storage::{Store, StoreConfig};
use onebook_tests::{
    lineage_chain::{
        self, ACCESS_HEIGHT, CHECKPOINT_HEIGHT, CUT_OFF_HEIGHT, PRODUCT_CERTIFICATE, product_digest,
    },
    proof_chain::{self, trusted},
};
use onebook_types::{
    ids::{AccessEventId, CertificateNumber, DevelopmentGrantId, GrantId, ScenarioId},
    limits::PROOF_BUNDLE_CLAIMS_MAX,
    record::RecordKey,
    sharing_records::ViolationReason,
};
use onebook_verifier::{
    Claim, CoverageError, Development, ProofBundle, TrustedGenesis, VerifyOptions, verify,
    verify_grant_at_access,
};

use crate::proof_bundles::check_bundle;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    trusted: TrustedGenesis,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut config = StoreConfig::new(dir.path().join("db"));
    config.sync_writes = false;
    let store = Store::open(&config).unwrap();
    let genesis = proof_chain::dev_genesis().unwrap();
    lineage_chain::build(&store, &genesis).unwrap();
    Fixture { _dir: dir, store, trusted: trusted(&genesis) }
}

fn certificate_key() -> RecordKey {
    RecordKey::Certificate(CertificateNumber::from(PRODUCT_CERTIFICATE))
}

fn certificate_bundle(fx: &Fixture) -> ProofBundle {
    onebook_storage::bundle_for_claims(&fx.store, &[certificate_key()], false, CHECKPOINT_HEIGHT)
        .unwrap()
}

fn access_bundle(fx: &Fixture, id: u64, height: onebook_types::ids::Height) -> ProofBundle {
    onebook_storage::bundle_for_access(&fx.store, AccessEventId(id), height).unwrap()
}

fn keys(bundle: &ProofBundle) -> Vec<RecordKey> {
    match &bundle.claim {
        Claim::Records(claims) => claims.iter().map(|claim| claim.key.clone()).collect(),
        Claim::Tx { .. } => vec![],
    }
}

#[test]
fn a_product_certificate_bundle_names_the_development_grant_it_came_from() {
    let fx = fixture();
    let bundle = certificate_bundle(&fx);

    let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();

    assert_eq!(
        keys(&bundle),
        [
            certificate_key(),
            RecordKey::Policy,
            RecordKey::Product(product_digest()),
            RecordKey::DevelopmentGrant(DevelopmentGrantId(1)),
            RecordKey::Scenario(ScenarioId(1)),
        ]
    );
    let number = CertificateNumber::from(PRODUCT_CERTIFICATE);
    let Some(Development::Granted { product, grant, scenario }) = verdict.development(&number)
    else {
        panic!("no development grant in {verdict}");
    };
    assert_eq!(
        (product.digest, grant.id, scenario.id),
        (product_digest(), grant.id, ScenarioId(1))
    );
    assert_eq!(grant.id, DevelopmentGrantId(1));
    let text = verdict.to_string();
    assert!(
        text.lines().next().unwrap().ends_with(
            "developed under development grant 1 (scenario 1 of type \"普惠金融\", approved by xm-dsj)"
        ),
        "{text}"
    );
}

#[test]
fn a_bundle_of_a_product_or_its_grant_carries_what_lies_above_it() {
    let fx = fixture();
    let at = |key: RecordKey| {
        onebook_storage::bundle_for_claims(&fx.store, &[key], false, CHECKPOINT_HEIGHT).unwrap()
    };

    let product = at(RecordKey::Product(product_digest()));
    let grant = at(RecordKey::DevelopmentGrant(DevelopmentGrantId(1)));

    assert_eq!(keys(&product).len(), 3, "product, development grant, scenario");
    assert_eq!(
        keys(&grant),
        [RecordKey::DevelopmentGrant(DevelopmentGrantId(1)), RecordKey::Scenario(ScenarioId(1)),]
    );
    for bundle in [product, grant] {
        verify(&bundle.encode(), &fx.trusted).unwrap();
    }
}

#[test]
fn an_access_under_an_onward_grant_carries_the_grants_above_it_and_is_covered_offline() {
    let fx = fixture();
    let bundle = access_bundle(&fx, 2, ACCESS_HEIGHT);

    let coverage = verify_grant_at_access(&bundle.encode(), &fx.trusted).unwrap();

    assert_eq!(keys(&bundle).len(), PROOF_BUNDLE_CLAIMS_MAX, "the longest chain fits exactly");
    assert_eq!(coverage.grant, GrantId(3));
    let chain = coverage.verdict.onward_chain(GrantId(3)).unwrap();
    let ids: Vec<GrantId> = chain.iter().map(|level| level.grant.id).collect();
    assert_eq!(ids, [GrantId(3), GrantId(2), GrantId(1)]);
    assert!(chain.iter().all(|level| level.ended_at().is_none() && level.close_out.is_none()));
    let text = coverage.verdict.to_string();
    assert!(text.contains("grant 3 active at height 2: to xm-smq-sjj by xm-scjg"), "{text}");
    assert!(text.contains("onward from grant 2 (granted on by xm-smq)"), "{text}");
    assert!(text.contains("grant_lineage 1 at height 2: issued on its share request"), "{text}");
}

#[test]
fn an_access_after_the_top_grant_was_revoked_is_not_covered_offline() {
    let fx = fixture();
    let bundle = access_bundle(&fx, 3, CUT_OFF_HEIGHT);

    let error = verify_grant_at_access(&bundle.encode(), &fx.trusted).unwrap_err();

    assert!(
        matches!(error, CoverageError::NotCovered { reason: ViolationReason::ParentGrantEnded }),
        "{error}"
    );
}

#[test]
fn an_onward_grant_proved_without_a_level_above_it_is_refused() {
    let fx = fixture();
    let mut bundle = access_bundle(&fx, 2, ACCESS_HEIGHT);
    let mut no_lineage = bundle.clone();
    if let Claim::Records(claims) = &mut bundle.claim {
        claims.retain(|claim| claim.key != RecordKey::Grant(GrantId(1)));
    }
    if let Claim::Records(claims) = &mut no_lineage.claim {
        claims.retain(|claim| claim.key != RecordKey::GrantLineage(GrantId(2)));
    }

    let missing_grant = verify(&bundle.encode(), &fx.trusted).unwrap_err();
    let missing_lineage = verify(&no_lineage.encode(), &fx.trusted).unwrap_err();

    assert_eq!(missing_grant.kind(), "lineage", "{missing_grant}");
    assert!(missing_grant.to_string().contains("derives from grant 1, which is not proved"));
    assert_eq!(missing_lineage.kind(), "lineage", "{missing_lineage}");
}

#[test]
fn a_grant_bundle_of_an_onward_grant_names_its_parent() {
    let fx = fixture();
    let bundle = onebook_storage::bundle_for_claims(
        &fx.store,
        &[RecordKey::Grant(GrantId(2))],
        false,
        CHECKPOINT_HEIGHT,
    )
    .unwrap();

    let verdict = verify(&bundle.encode(), &fx.trusted).unwrap();

    let text = verdict.to_string();
    assert!(text.lines().next().unwrap().contains("onward from grant 1 (granted on by xm-gaj)"));
    assert!(text.contains("grant 1 revoked at height 10"), "{text}");
    let chain = verdict.onward_chain(GrantId(2)).unwrap();
    assert_eq!(
        onebook_verifier::ended_above(&chain),
        Some(proof_chain::block_time(lineage_chain::REVOKE_HEIGHT))
    );
}

#[test]
fn golden_lineage_bundles_match_and_verify() {
    let fx = fixture();
    let options = VerifyOptions::default();

    check_bundle(
        "lineage-certificate.json",
        "certificate 350200-2026-0000052 of a developed product at height 10 of the lineage chain (tests/src/lineage_chain.rs), with the policy, the product under its digest, its development grant 1 and scenario 1",
        &certificate_bundle(&fx),
        &fx.trusted,
        &options,
    );
    check_bundle(
        "lineage-access.json",
        "access event 2 under onward grant 3 at height 2 of the lineage chain, the block that recorded it, with grant 3's lineage and close-out absence and, for grants 2 and 1 above it, each grant, its lineage and its close-out absence (for verify-proof --grant-at-access)",
        &access_bundle(&fx, 2, ACCESS_HEIGHT),
        &fx.trusted,
        &options,
    );
}
