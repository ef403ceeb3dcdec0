//! Golden vectors of the `sm2-sm3` suite (`docs/formats.md` §24): `tests/vectors/sm2-sm3/*.json`,
//! the same inputs as the default suite's files beside them, hashed with SM3 and signed with SM2
//! (user id `1234567812345678`). Each file is recomputed and compared, then every signature,
//! certificate and proof in it is checked in the national suite and refused in the default one,
//! so a hash or signature site that fell back to BLAKE3 or ed25519 fails here.

use onebook_state::{
    MemNodeStore, StateProof, apply_updates_in, key_hash_in, prove, value_hash_in,
};
use onebook_types::{
    block::{self, CommitCertificate, CommitSignature, CommitVote, Event, Header, Receipt},
    codec,
    consortium::{Validator, ValidatorSet},
    hash::{Hash32, Tag},
    history::{self, History},
    ids::{ChainId, Height, Nonce, OrgId, Timestamp},
    keys::SecretKey,
    merkle::{self, InclusionProof},
    rejection::Rejection,
    samples::sample_actions,
    suite::{SM2_DEFAULT_USER_ID, Suite},
    tx::{SignedTx, TxBody},
};
use serde_json::{Value, json};

use crate::vectors::{check_file, hash_of, hex_of};

const SUITE: Suite = Suite::Sm2Sm3;

/// The SM2 key of seed `n` repeated (every such seed is in range).
fn key(n: u8) -> SecretKey {
    SecretKey::from_seed_in(SUITE, [n; 32]).expect("a seed in range")
}

#[test]
fn national_tag_vectors_match() {
    let cases: Vec<Value> = Tag::ALL
        .iter()
        .map(|tag| {
            json!({ "tag": tag.as_str(), "input_hex": "6f6e65626f6f6b", "hash": SUITE.hash_tagged(*tag, &[b"onebook"]) })
        })
        .collect();

    check_file(
        "sm2-sm3/tags.json",
        &json!({ "description": "SM3(tag || 0x00 || input) for every tag", "cases": cases }),
    );
}

#[test]
fn national_tx_vectors_match_and_verify_in_their_suite_only() {
    let actions = sample_actions();
    let cases: Vec<Value> = (0..actions.len())
        .map(|index| {
            let secret = key(u8::try_from(index + 1).unwrap());
            let body = TxBody {
                chain_id: ChainId::from("onebook-dev-1"),
                signer: secret.public_key(),
                nonce: Nonce(index as u64 + 1),
                valid_until: Height(1000),
                action: actions[index].clone(),
            };
            let tx = body.clone().sign(&secret);
            json!({
                "name": format!("action-{index}"),
                "secret_seed": hex::encode(secret.seed()),
                "public_key": secret.public_key(),
                "body_borsh": hex::encode(codec::encode(&body)),
                "signing_digest": body.signing_digest_in(SUITE),
                "signature": tx.signature,
                "tx_borsh": hex::encode(tx.encode()),
                "tx_hash": tx.hash_in(SUITE),
            })
        })
        .collect();
    let file = json!({
        "description": "the transactions of txs.json in the sm2-sm3 suite (case n: action n, SM2 key of seed n + 1 repeated, its public key the x-coordinate of the even-y point): SM3 signing digest, SM2 signature r || s (user id 1234567812345678, k by RFC 6979 over SM3), tx bytes and SM3 tx hash",
        "user_id": SM2_DEFAULT_USER_ID,
        "cases": cases,
    });

    check_file("sm2-sm3/txs.json", &file);

    for case in file["cases"].as_array().unwrap() {
        let tx = SignedTx::decode(&hex_of(&case["tx_borsh"])).unwrap();
        assert_eq!(tx.hash_in(SUITE), hash_of(&case["tx_hash"]));
        assert_eq!(tx.body.signing_digest_in(SUITE), hash_of(&case["signing_digest"]));
        assert_eq!(tx.clone().verify_in(SUITE).unwrap().hash(), hash_of(&case["tx_hash"]));
        assert!(tx.verify_in(Suite::Ed25519Blake3).is_err(), "no fallback to ed25519");
    }
}

const SAMPLE_GENESIS: Hash32 = Hash32([0xaa; 32]);

fn validator_set() -> ValidatorSet {
    let mut validators: Vec<Validator> = (101..=104)
        .map(|n| Validator {
            node_key: key(n).public_key(),
            org: OrgId(format!("org-{n}")),
            power: 10,
        })
        .collect();
    validators.sort();
    ValidatorSet { validators }
}

fn sample_header(height: u64, previous: Hash32, history: &History) -> Header {
    Header {
        chain_id: ChainId::from("onebook-dev-1"),
        height: Height(height),
        time: Timestamp(1_767_196_800_000 + height * 1000),
        previous_hash: previous,
        history_root: history.root_in(SUITE),
        tx_root: merkle::root_in(SUITE, &[]),
        tx_count: 0,
        receipts_root: merkle::root_in(SUITE, &[]),
        state_root: Hash32([0x11; 32]),
        validator_set_hash: validator_set().hash_in(SUITE),
        next_validator_set_hash: validator_set().hash_in(SUITE),
        proposer: key(101).public_key(),
    }
}

#[test]
fn national_header_and_certificate_vectors_match_and_verify_in_their_suite_only() {
    let mut history = History::new();
    history.push_in(SUITE, &SAMPLE_GENESIS);
    let first = sample_header(1, SAMPLE_GENESIS, &history);
    history.push_in(SUITE, &first.hash_in(SUITE));
    let second = sample_header(2, first.hash_in(SUITE), &history);
    let vote = CommitVote {
        chain_id: second.chain_id.clone(),
        genesis_hash: SAMPLE_GENESIS,
        height: second.height,
        round: 0,
        block_hash: second.hash_in(SUITE),
    };
    let set = validator_set();
    let mut signatures: Vec<CommitSignature> = (101..=103)
        .map(|n| CommitSignature {
            node_key: key(n).public_key(),
            signature: key(n).sign(vote.signing_digest_in(SUITE).as_bytes()),
        })
        .collect();
    signatures.sort_by_key(|signature| signature.node_key);
    let certificate = CommitCertificate { vote: vote.clone(), signatures };
    let headers: Vec<Value> = [&first, &second]
        .iter()
        .map(|header| json!({ "header_borsh": hex::encode(codec::encode(*header)), "header_hash": header.hash_in(SUITE) }))
        .collect();
    let file = json!({
        "description": "headers.json in the sm2-sm3 suite: headers 1 and 2 (SM3 history root over the genesis hash aa repeated and the block hashes before it), the validator set of SM2 keys of seeds 101 to 104 and its SM3 hash, the SM3 commit vote digest and a 3-of-4 certificate of SM2 signatures",
        "genesis_hash": SAMPLE_GENESIS,
        "validator_set_borsh": hex::encode(codec::encode(&set)),
        "validator_set_hash": set.hash_in(SUITE),
        "validator_seeds": (101..=104).map(|n| hex::encode(key(n).seed())).collect::<Vec<_>>(),
        "headers": headers,
        "commit_vote_borsh": hex::encode(codec::encode(&vote)),
        "commit_vote_digest": vote.signing_digest_in(SUITE),
        "certificate_borsh": hex::encode(codec::encode(&certificate)),
    });

    check_file("sm2-sm3/headers.json", &file);

    let decoded: CommitCertificate =
        codec::decode(&hex_of(&file["certificate_borsh"]), 4096).unwrap();
    let header = Header::decode(&hex_of(&file["headers"][1]["header_borsh"])).unwrap();
    assert_eq!(header.hash_in(SUITE), hash_of(&file["headers"][1]["header_hash"]));
    decoded.verify_in(SUITE, &header, &SAMPLE_GENESIS, &set).unwrap();
    assert!(decoded.verify(&header, &SAMPLE_GENESIS, &set).is_err(), "no fallback to ed25519");
    assert!(decoded.verify_in(SUITE, &header, &Hash32([0xbb; 32]), &set).is_err());
    let mut two = decoded;
    two.signatures.truncate(2);
    assert!(two.verify_in(SUITE, &header, &SAMPLE_GENESIS, &set).is_err(), "no quorum");
    let ancestry = history::prove_ancestry_in(
        SUITE,
        &NationalLeaves(vec![
            history::leaf_in(SUITE, &SAMPLE_GENESIS),
            history::leaf_in(SUITE, &first.hash_in(SUITE)),
        ]),
        1,
        2,
    )
    .unwrap_or_else(|_| unreachable!());
    history::verify_ancestry_in(SUITE, &ancestry, &first.hash_in(SUITE), &header.history_root, 2)
        .unwrap();
}

/// Leaves in memory whose subtrees are hashed in the national suite.
struct NationalLeaves(Vec<Hash32>);

impl history::HistoryNodes for NationalLeaves {
    type Error = std::convert::Infallible;

    fn perfect(&self, level: u8, index: u64) -> Result<Hash32, Self::Error> {
        let width = 1usize << level;
        let start = usize::try_from(index).expect("in memory") * width;
        Ok(history::root_of_leaves_in(SUITE, &self.0[start..start + width]))
    }
}

#[test]
fn national_merkle_vectors_match_and_verify_in_their_suite_only() {
    let tx_hashes: Vec<Hash32> = (0u8..5).map(|n| SUITE.hash_tagged(Tag::Tx, &[&[n]])).collect();
    let leaves: Vec<Hash32> =
        tx_hashes.iter().map(|hash| merkle::tx_leaf_in(SUITE, hash)).collect();
    let receipts: Vec<Receipt> = tx_hashes
        .iter()
        .enumerate()
        .map(|(i, hash)| {
            if i == 2 {
                Receipt::rejected(*hash, Rejection::RoleMissing)
            } else {
                let attributes = vec![("i".into(), i.to_string())];
                Receipt::accepted(*hash, vec![Event { kind: "sample.done".into(), attributes }])
            }
        })
        .collect();
    let proofs: Vec<Value> = (0..5)
        .map(|i| {
            let proof = merkle::prove_in(SUITE, &leaves, i);
            json!({ "index": i, "tx_hash": tx_hashes[i], "leaf": leaves[i], "proof_borsh": hex::encode(codec::encode(&proof)), "path": proof.path })
        })
        .collect();
    let file = json!({
        "description": "merkle.json in the sm2-sm3 suite: a 5-tx block (tx hashes SM3 over tag Tx and one byte n), its tx root, an inclusion proof per tx, and the receipts root",
        "tx_hashes": tx_hashes,
        "tx_root": block::tx_root_in(SUITE, &tx_hashes),
        "empty_root": merkle::root_in(SUITE, &[]),
        "inclusion_proofs": proofs,
        "receipts_borsh": receipts.iter().map(|r| hex::encode(codec::encode(r))).collect::<Vec<_>>(),
        "receipts_root": block::receipts_root_in(SUITE, &receipts),
    });

    check_file("sm2-sm3/merkle.json", &file);

    for case in file["inclusion_proofs"].as_array().unwrap() {
        let proof: InclusionProof = codec::decode(&hex_of(&case["proof_borsh"]), 4096).unwrap();
        let leaf = merkle::tx_leaf_in(SUITE, &hash_of(&case["tx_hash"]));
        let root = hash_of(&file["tx_root"]);
        proof.verify_in(SUITE, &leaf, &root, 5).unwrap();
        assert!(proof.verify(&leaf, &root, 5).is_err(), "no fallback to BLAKE3");
    }
}

#[test]
fn national_dev_genesis_vectors_match() {
    let dev = onebook_genesis::GenesisFile::from_json_validated(include_bytes!(
        "../../genesis/networks/dev.json"
    ))
    .unwrap();
    let national = dev.with_dev_suite(SUITE).unwrap();
    national.validate().unwrap();

    check_file(
        "sm2-sm3/genesis.json",
        &json!({
            "description": "genesis/networks/dev.json in the sm2-sm3 suite (every dev key derived again: seed SM3(\"onebook dev key: \" || label)): its JSON with the suite field, its hash (SM3 over borsh of the fields, then the suite code 0x01) and its validator-set hash",
            "genesis_json": serde_json::to_value(&national).unwrap(),
            "genesis_hash": national.hash(),
            "validator_set_hash": national.validator_set().hash_in(SUITE),
        }),
    );
}

#[test]
fn national_state_vectors_match_and_verify_in_their_suite_only() {
    let key_hash = |bytes: &[u8]| key_hash_in(SUITE, bytes);
    let value_hash = |bytes: &[u8]| value_hash_in(SUITE, bytes);
    let mut store = MemNodeStore::new();
    let names =
        ["org/xm-dsj", "org/xm-gaj", "member/alice", "grant/1", "grant/2", "certificate/XM-1"];
    let writes = names
        .iter()
        .map(|n| (key_hash(n.as_bytes()), Some(value_hash(format!("v1:{n}").as_bytes()))));
    let first = apply_updates_in(SUITE, &store, Hash32::ZERO, writes);
    store.insert_all(&first);
    let second = apply_updates_in(
        SUITE,
        &store,
        first.root,
        [
            (key_hash(b"grant/1"), None),
            (key_hash(b"grant/2"), Some(value_hash(b"v2:grant/2"))),
            (key_hash(b"grant/3"), Some(value_hash(b"v1:grant/3"))),
        ],
    );
    store.insert_all(&second);
    let case = |height: u64, root: Hash32, name: &str, value: Option<&str>| {
        let proof = prove(&store, root, key_hash(name.as_bytes()));
        json!({
            "height": height,
            "state_root": root,
            "key": name,
            "key_hash": key_hash(name.as_bytes()),
            "value": value,
            "value_hash": value.map(|v| value_hash(v.as_bytes())),
            "proof_borsh": hex::encode(codec::encode(&proof)),
        })
    };
    let cases = vec![
        case(1, first.root, "grant/1", Some("v1:grant/1")),
        case(1, first.root, "grant/3", None),
        case(1, first.root, "certificate/XM-2", None),
        case(2, second.root, "grant/1", None),
        case(2, second.root, "grant/2", Some("v2:grant/2")),
        case(2, second.root, "org/xm-dsj", Some("v1:org/xm-dsj")),
    ];
    let file = json!({
        "description": "state.json in the sm2-sm3 suite: the same records, keys and values, with SM3 key hashes, value hashes, leaves and inner nodes",
        "roots": { "1": first.root, "2": second.root },
        "cases": cases,
    });

    check_file("sm2-sm3/state.json", &file);

    for case in file["cases"].as_array().unwrap() {
        let proof: StateProof = codec::decode(&hex_of(&case["proof_borsh"]), 16_384).unwrap();
        let value = case["value_hash"].as_str().map(|_| hash_of(&case["value_hash"]));
        let (root, key) = (hash_of(&case["state_root"]), hash_of(&case["key_hash"]));
        proof.verify_in(SUITE, root, key, value).unwrap();
        assert!(proof.verify(root, key, value).is_err(), "no fallback to BLAKE3");
    }
}

/// The proof chain of the default suite's bundles (`tests/src/proof_chain.rs`) on the dev
/// genesis rekeyed in `sm2-sm3`: certificate 350200-2026-000001X at the witnessed checkpoint,
/// across the validator-set change and after the transfer, as `bundles/membership.json` is in
/// the default suite. Verified in its suite, with its verdict pinned; refused by a verifier that
/// trusts the same genesis in the default suite.
#[test]
fn national_bundle_vector_matches_and_verifies_in_its_suite_only() {
    use onebook_tests::proof_chain::{self, CERTIFICATE, CHECKPOINT_HEIGHT};
    use onebook_types::{ids::CertificateNumber, record::RecordKey};
    let dir = tempfile::tempdir().unwrap();
    let mut config = onebook_storage::StoreConfig::new(dir.path().join("db"));
    config.sync_writes = false;
    config.suite = SUITE;
    let store = onebook_storage::Store::open(&config).unwrap();
    let genesis = proof_chain::dev_genesis().unwrap().with_dev_suite(SUITE).unwrap();
    proof_chain::build(&store, &genesis).unwrap();
    let trusted = proof_chain::trusted(&genesis);
    let key = RecordKey::Certificate(CertificateNumber::from(CERTIFICATE));

    let bundle =
        onebook_storage::bundle_for_claims(&store, &[key], false, CHECKPOINT_HEIGHT).unwrap();
    let bytes = bundle.encode();
    let verdict = onebook_verifier::verify(&bytes, &trusted).unwrap();
    let in_default = onebook_verifier::TrustedGenesis { suite: Suite::Ed25519Blake3, ..trusted };

    assert_eq!(verdict.height, CHECKPOINT_HEIGHT);
    assert_eq!(verdict.set_changes, 1);
    let anchor = verdict.anchor.as_ref().expect("anchored at the checkpoint");
    assert_eq!((anchor.height, anchor.cosigned, anchor.threshold), (CHECKPOINT_HEIGHT, 2, 2));
    assert!(onebook_verifier::verify(&bytes, &in_default).is_err(), "no fallback to ed25519");
    check_file(
        "sm2-sm3/bundle.json",
        &json!({
            "description": "bundles/membership.json in the sm2-sm3 suite: certificate 350200-2026-000001X with the policy at height 10 of the proof chain (tests/src/proof_chain.rs) on sm2-sm3/genesis.json, a checkpoint cosigned by both dev witnesses in SM2: across one validator-set change at height 3, after its transfer at height 6",
            "genesis": "sm2-sm3/genesis.json",
            "genesis_hash": in_default.genesis_hash,
            "bundle_bytes": bytes.len(),
            "bundle_hex": hex::encode(&bytes),
            "verdict": verdict.to_string(),
        }),
    );
}
