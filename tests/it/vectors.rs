//! Golden vectors: fixed keys and inputs with their expected bytes, hashes, signatures and proofs,
//! in `tests/vectors/*.json`. The test recomputes every vector and compares it with the file, then
//! checks each proof in the file with the verifiers. Regenerating is a deliberate act:
//! `ONEBOOK_REGENERATE_VECTORS=1 cargo test -p onebook-tests --test it vectors`.

use std::path::PathBuf;

use onebook_state::{MemNodeStore, StateProof, apply_updates, key_hash, prove, value_hash};
use onebook_types::samples::sample_actions;
use onebook_types::{
    block::{self, CommitCertificate, CommitSignature, CommitVote, Event, Header, Receipt},
    codec,
    consortium::{Validator, ValidatorSet},
    hash::{Hash32, Tag},
    history::History,
    ids::{ChainId, Height, Nonce, OrgId, Timestamp},
    keys::SecretKey,
    merkle::{self, InclusionProof},
    record::RecordKey,
    rejection::Rejection,
    tx::TxBody,
};
use serde_json::{Value, json};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Compares `value` with the committed file, or writes it when regeneration is asked for.
pub(crate) fn check_file(name: &str, value: &Value) {
    let path = vectors_dir().join(name);
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("ONEBOOK_REGENERATE_VECTORS").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; regenerate deliberately if this is new", path.display())
    });
    let committed: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(&committed, value, "{name} differs from the code; a wire or hash format changed");
}

pub(crate) fn hex_of(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().expect("hex string")).expect("valid hex")
}

pub(crate) fn hash_of(value: &Value) -> Hash32 {
    Hash32(hex_of(value).try_into().expect("32 bytes"))
}

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed([n; 32])
}

#[test]
fn tag_vectors_match() {
    let cases: Vec<Value> = Tag::ALL
        .iter()
        .map(|tag| json!({ "tag": tag.as_str(), "input_hex": "6f6e65626f6f6b", "hash": onebook_types::hash::hash_tagged(*tag, &[b"onebook"]) }))
        .collect();

    check_file(
        "tags.json",
        &json!({ "description": "BLAKE3(tag || 0x00 || input) for every tag", "cases": cases }),
    );
}

#[test]
fn tx_vectors_match_and_verify() {
    let actions = sample_actions();
    let cases: Vec<Value> = (0..actions.len())
        .map(|index| {
            let n = index;
            let secret = key(u8::try_from(n + 1).unwrap());
            let body = TxBody {
                chain_id: ChainId::from("onebook-dev-1"),
                signer: secret.public_key(),
                nonce: Nonce(n as u64 + 1),
                valid_until: Height(1000),
                action: actions[index].clone(),
            };
            let body_bytes = codec::encode(&body);
            let tx = body.clone().sign(&secret);
            json!({
                "name": format!("action-{index}"),
                "secret_seed": hex::encode(secret.seed()),
                "public_key": secret.public_key(),
                "body_borsh": hex::encode(&body_bytes),
                "signing_digest": body.signing_digest(),
                "signature": tx.signature,
                "tx_borsh": hex::encode(tx.encode()),
                "tx_hash": tx.hash(),
                "body_json": serde_json::to_value(&body).unwrap(),
            })
        })
        .collect();
    let file = json!({ "description": "one signed transaction of every action, in variant order (case n: action n, signer seed n + 1 repeated, nonce n + 1): body bytes, signing digest, ed25519 signature, tx bytes, tx hash, and the body as the REST API's JSON spells it", "cases": cases });

    check_file("txs.json", &file);

    for case in file["cases"].as_array().unwrap() {
        let tx = onebook_types::tx::SignedTx::decode(&hex_of(&case["tx_borsh"])).unwrap();
        assert_eq!(tx.hash(), hash_of(&case["tx_hash"]));
        assert_eq!(codec::encode(&tx.body), hex_of(&case["body_borsh"]));
        tx.verify().unwrap();
    }
}

/// The genesis hash of the sample headers.
const SAMPLE_GENESIS: Hash32 = Hash32([0xaa; 32]);

fn sample_header(height: u64, previous: Hash32, history: &History) -> Header {
    Header {
        chain_id: ChainId::from("onebook-dev-1"),
        height: Height(height),
        time: Timestamp(1_767_196_800_000 + height * 1000),
        previous_hash: previous,
        history_root: history.root(),
        tx_root: merkle::root(&[]),
        tx_count: 0,
        receipts_root: merkle::root(&[]),
        state_root: Hash32([0x11; 32]),
        validator_set_hash: validator_set().hash(),
        next_validator_set_hash: validator_set().hash(),
        proposer: key(101).public_key(),
    }
}

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

#[test]
fn header_and_certificate_vectors_match_and_verify() {
    let mut history = History::new();
    history.push(&SAMPLE_GENESIS);
    let first = sample_header(1, SAMPLE_GENESIS, &history);
    history.push(&first.hash());
    let second = sample_header(2, first.hash(), &history);
    let vote = CommitVote {
        chain_id: second.chain_id.clone(),
        genesis_hash: SAMPLE_GENESIS,
        height: second.height,
        round: 0,
        block_hash: second.hash(),
    };
    let set = validator_set();
    let mut signatures: Vec<CommitSignature> = (101..=103)
        .map(|n| CommitSignature {
            node_key: key(n).public_key(),
            signature: key(n).sign(vote.signing_digest().as_bytes()),
        })
        .collect();
    signatures.sort_by_key(|s| s.node_key);
    let certificate = CommitCertificate { vote: vote.clone(), signatures };
    let headers: Vec<Value> = [&first, &second]
        .iter()
        .map(|h| json!({ "header_borsh": hex::encode(codec::encode(*h)), "header_hash": h.hash() }))
        .collect();
    let file = json!({
        "description": "headers 1 and 2 of a chain whose genesis hash is aa repeated (each with the history root over the genesis hash and the block hashes before it), the validator set, a commit vote digest and a 3-of-4 commit certificate",
        "genesis_hash": SAMPLE_GENESIS,
        "validator_set_borsh": hex::encode(codec::encode(&set)),
        "validator_set_hash": set.hash(),
        "validator_seeds": (101..=104).map(|n| hex::encode(key(n).seed())).collect::<Vec<_>>(),
        "headers": headers,
        "commit_vote_borsh": hex::encode(codec::encode(&vote)),
        "commit_vote_digest": vote.signing_digest(),
        "certificate_borsh": hex::encode(codec::encode(&certificate)),
    });

    check_file("headers.json", &file);

    let decoded: CommitCertificate =
        codec::decode(&hex_of(&file["certificate_borsh"]), 4096).unwrap();
    let header = Header::decode(&hex_of(&file["headers"][1]["header_borsh"])).unwrap();
    decoded.verify(&header, &SAMPLE_GENESIS, &set).unwrap();
    assert!(decoded.verify(&header, &Hash32([0xbb; 32]), &set).is_err(), "another genesis");
    let mut two = decoded;
    two.signatures.truncate(2);
    assert!(
        two.verify(&header, &SAMPLE_GENESIS, &set).is_err(),
        "two of four validators are not a quorum"
    );
}

#[test]
fn merkle_vectors_match_and_verify() {
    let tx_hashes: Vec<Hash32> =
        (0u8..5).map(|n| onebook_types::hash::hash_tagged(Tag::Tx, &[&[n]])).collect();
    let leaves: Vec<Hash32> = tx_hashes.iter().map(merkle::tx_leaf).collect();
    let root = block::tx_root(&tx_hashes);
    let receipts: Vec<Receipt> = tx_hashes
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 2 {
                Receipt::rejected(*h, Rejection::RoleMissing)
            } else {
                Receipt::accepted(
                    *h,
                    vec![Event {
                        kind: "sample.done".into(),
                        attributes: vec![("i".into(), i.to_string())],
                    }],
                )
            }
        })
        .collect();
    let proofs: Vec<Value> = (0..5)
        .map(|i| {
            let proof = merkle::prove(&leaves, i);
            json!({ "index": i, "tx_hash": tx_hashes[i], "leaf": leaves[i], "proof_borsh": hex::encode(codec::encode(&proof)), "path": proof.path })
        })
        .collect();
    let file = json!({
        "description": "a 5-tx block: tx root, an inclusion proof per tx, and the receipts root",
        "tx_hashes": tx_hashes,
        "tx_root": root,
        "empty_root": merkle::root(&[]),
        "inclusion_proofs": proofs,
        "receipts_borsh": receipts.iter().map(|r| hex::encode(codec::encode(r))).collect::<Vec<_>>(),
        "receipts_root": block::receipts_root(&receipts),
    });

    check_file("merkle.json", &file);

    for case in file["inclusion_proofs"].as_array().unwrap() {
        let proof: InclusionProof = codec::decode(&hex_of(&case["proof_borsh"]), 4096).unwrap();
        let leaf = merkle::tx_leaf(&hash_of(&case["tx_hash"]));
        proof.verify(&leaf, &hash_of(&file["tx_root"]), 5).unwrap();
    }
}

#[test]
fn state_vectors_match_and_verify_at_past_heights() {
    let mut store = MemNodeStore::new();
    let names =
        ["org/xm-dsj", "org/xm-gaj", "member/alice", "grant/1", "grant/2", "certificate/XM-1"];
    let first = apply_updates(
        &store,
        Hash32::ZERO,
        names
            .iter()
            .map(|n| (key_hash(n.as_bytes()), Some(value_hash(format!("v1:{n}").as_bytes())))),
    );
    store.insert_all(&first);
    let second = apply_updates(
        &store,
        first.root,
        [
            (key_hash(b"grant/1"), None),
            (key_hash(b"grant/2"), Some(value_hash(b"v2:grant/2"))),
            (key_hash(b"grant/3"), Some(value_hash(b"v1:grant/3"))),
        ],
    );
    store.insert_all(&second);
    let case = |height: u64, root: Hash32, name: &str, value: Option<String>| {
        let proof = prove(&store, root, key_hash(name.as_bytes()));
        json!({
            "height": height,
            "state_root": root,
            "key": name,
            "key_hash": key_hash(name.as_bytes()),
            "value": value,
            "value_hash": value.as_ref().map(|v| value_hash(v.as_bytes())),
            "proof_borsh": hex::encode(codec::encode(&proof)),
        })
    };
    let cases = vec![
        case(1, first.root, "grant/1", Some("v1:grant/1".into())),
        case(1, first.root, "grant/3", None),
        case(1, first.root, "certificate/XM-2", None),
        case(2, second.root, "grant/1", None),
        case(2, second.root, "grant/2", Some("v2:grant/2".into())),
        case(2, second.root, "org/xm-dsj", Some("v1:org/xm-dsj".into())),
    ];
    let file = json!({
        "description": "state proofs: membership and non-membership at height 1, and again at height 2 after a delete, a replacement and an insert; height 1 stays provable",
        "roots": { "1": first.root, "2": second.root },
        "cases": cases,
    });

    check_file("state.json", &file);

    for case in file["cases"].as_array().unwrap() {
        let proof: StateProof = codec::decode(&hex_of(&case["proof_borsh"]), 16_384).unwrap();
        let value = case["value_hash"].as_str().map(|_| hash_of(&case["value_hash"]));
        proof.verify(hash_of(&case["state_root"]), hash_of(&case["key_hash"]), value).unwrap();
        let flipped = value.map_or(Some(Hash32([3; 32])), |_| None);
        assert!(
            proof
                .verify(hash_of(&case["state_root"]), hash_of(&case["key_hash"]), flipped)
                .is_err()
        );
    }
}

#[test]
fn rejection_code_table_matches() {
    let table: Vec<Value> = Rejection::ALL
        .iter()
        .map(|r| json!({ "code": r.code(), "name": r.name(), "message": r.to_string() }))
        .collect();

    check_file(
        "rejections.json",
        &json!({ "description": "stable rejection codes stored in receipts; 0 = accepted", "codes": table }),
    );
}

#[test]
fn dev_genesis_hash_and_state_root_match() {
    let bytes = include_bytes!("../../genesis/networks/dev.json");
    let genesis = onebook_genesis::GenesisFile::from_json_validated(bytes).unwrap();
    let records = genesis.initial_state();
    let update = apply_updates(
        &MemNodeStore::new(),
        Hash32::ZERO,
        records.iter().map(|(key, value)| (key_hash(&key.encode()), Some(value_hash(value)))),
    );

    check_file(
        "genesis.json",
        &json!({
            "description": "genesis/networks/dev.json: its hash (BLAKE3 over borsh of the parsed file), validator-set hash, and the state root at height 0 over its initial records",
            "file": "genesis/networks/dev.json",
            "genesis_hash": genesis.hash(),
            "validator_set_hash": genesis.validator_set().hash(),
            "initial_records": records.len(),
            "state_root": update.root,
        }),
    );
}

#[test]
fn record_key_vectors_match() {
    let keys = [
        RecordKey::Policy,
        RecordKey::ValidatorSet,
        RecordKey::CheckpointPolicy,
        RecordKey::ChildChain(ChainId::from("onebook-sm-1")),
        RecordKey::Org(OrgId::from("xm-dsj")),
        RecordKey::Member(key(1).public_key()),
        RecordKey::Nonce(key(1).public_key()),
        RecordKey::ShareRequest(onebook_types::ids::ShareRequestId(7)),
        RecordKey::Certificate(onebook_types::ids::CertificateNumber::from("350200-2026-000001X")),
        RecordKey::Sequence("grant".into()),
    ];
    let cases: Vec<Value> = keys
        .iter()
        .map(|k| {
            json!({
                "key": serde_json::to_value(k).unwrap(),
                "key_borsh": hex::encode(k.encode()),
                "key_hash": key_hash(&k.encode()),
            })
        })
        .collect();

    check_file(
        "records.json",
        &json!({ "description": "record keys: borsh(RecordKey) and the state-tree path H(\"onebook/state-key/v1\", key)", "cases": cases }),
    );
}

/// The child chain of the sample `AnchorCheckpoint`, with that checkpoint anchored.
fn sample_child_chain() -> onebook_types::checkpoint::ChildChain {
    use onebook_types::{
        action::Action,
        checkpoint::{AnchoredCheckpoint, ChildChain},
        samples::{sample_anchor, sample_checkpoint, sample_witness_set},
    };
    let Action::AnchorCheckpoint { cosignatures, .. } = sample_anchor() else {
        unreachable!("the sample anchor is an AnchorCheckpoint")
    };
    let checkpoint = sample_checkpoint();
    ChildChain {
        chain_id: checkpoint.chain_id.clone(),
        genesis_hash: checkpoint.genesis_hash,
        witnesses: sample_witness_set(),
        admitted_at: Height(4),
        latest: Some(AnchoredCheckpoint {
            checkpoint,
            cosignatures,
            anchored_at: Timestamp(1_772_409_720_000),
        }),
    }
}

/// One stored value of each open-data and development record kind: xm-scjg's 2026 plan, the
/// platform's approved 普惠金融 scenario, its development grant and one product built under it.
fn development_values() -> Vec<(RecordKey, Vec<u8>)> {
    use onebook_types::development_records::*;
    use onebook_types::{
        hash::Hash32,
        ids::{CatalogCode, DevelopmentGrantId, OpenDataPlanId, ResourceId, ScenarioId},
        time::Date,
    };
    let day = |text: &str| text.parse::<Date>().unwrap();
    let scm = OrgId::from("xm-scjg");
    let jypt = OrgId::from("xm-jypt");
    let plan = OpenDataPlan {
        id: OpenDataPlanId(1),
        org: scm.clone(),
        year: 2026,
        revisions: vec![PlanRevision {
            openings: vec![PlannedOpening {
                entry: CatalogCode::from("350200-xm-scjg-0001"),
                quarter: 2,
            }],
            signer: key(2).public_key(),
            recorded_at: Height(20),
            recorded_time: Timestamp(1_772_416_800_000),
        }],
    };
    let draft = ScenarioDraft {
        scenario_type: "普惠金融".into(),
        name: "小微企业信用评估".into(),
        description: "基于企业登记信息的授信模型".into(),
        resources: vec![ResourceId(1)],
        starts: day("2026-03-03"),
        ends: day("2026-12-31"),
    };
    let scenario = DevelopmentScenario {
        id: ScenarioId(1),
        developer: jypt.clone(),
        applicant: key(3).public_key(),
        level: DeveloperLevel::Primary,
        draft: draft.clone(),
        authority: OrgId::from("xm-dsj"),
        applied_at: Timestamp(1_772_503_200_000),
        status: ScenarioStatus::Approved { grant: DevelopmentGrantId(1) },
    };
    let grant = DevelopmentGrant {
        id: DevelopmentGrantId(1),
        scenario: ScenarioId(1),
        scenario_type: draft.scenario_type.clone(),
        developer: jypt.clone(),
        level: DeveloperLevel::Primary,
        resources: draft.resources.clone(),
        starts: draft.starts,
        ends: draft.ends,
        approved_by: OrgId::from("xm-dsj"),
        approved_at: Timestamp(1_772_503_260_000),
    };
    let digest = Hash32([0x0c; 32]);
    let product = DevelopedProduct {
        digest,
        name: "小微企业信用分".into(),
        description: "按月更新的企业信用评分".into(),
        grant: DevelopmentGrantId(1),
        developer: jypt.clone(),
        resources: vec![ResourceId(1)],
        signer: key(3).public_key(),
        recorded_at: Height(40),
    };
    vec![
        (RecordKey::OpenDataPlan(OpenDataPlanId(1)), codec::encode(&plan)),
        (
            RecordKey::OrgPlans(scm),
            codec::encode(&OrgPlans { plans: vec![(2026, OpenDataPlanId(1))] }),
        ),
        (RecordKey::Scenario(ScenarioId(1)), codec::encode(&scenario)),
        (
            RecordKey::OrgScenarioTypes(jypt),
            codec::encode(&OrgScenarioTypes {
                types: vec![("普惠金融".into(), ScenarioId(1))]
            }),
        ),
        (RecordKey::DevelopmentGrant(DevelopmentGrantId(1)), codec::encode(&grant)),
        (RecordKey::Product(digest), codec::encode(&product)),
        (
            RecordKey::ResourceProducts(ResourceId(1)),
            codec::encode(&ResourceProducts { products: vec![digest] }),
        ),
    ]
}

/// The close-out of grant 1, retained on a legal basis and recorded late.
fn sample_close_out() -> onebook_types::lifecycle_records::GrantCloseOut {
    use onebook_types::{
        hash::Hash32,
        ids::{GrantId, LegalBasisCode},
        lifecycle_records::{CloseOutDisposition, GrantCloseOut, GrantEnd},
    };
    GrantCloseOut {
        grant: GrantId(1),
        grantee: OrgId::from("xm-dsj"),
        signer: key(1).public_key(),
        disposition: CloseOutDisposition::Retained {
            legal_basis: LegalBasisCode::from("gov-info-14"),
        },
        attestation_digest: Hash32([0x0b; 32]),
        ended: GrantEnd::Revoked,
        ended_at: Timestamp(1_790_238_000_000),
        due: Timestamp(1_791_647_999_999),
        recorded_at: Height(61),
        recorded_time: Timestamp(1_791_768_600_000),
        late: true,
    }
}

/// `bytes` decoded as `T`, as JSON, after checking that `T` encodes back to the same bytes.
fn decoded<T>(bytes: &[u8]) -> Value
where
    T: borsh::BorshDeserialize + borsh::BorshSerialize + serde::Serialize,
{
    let value: T = codec::decode(bytes, onebook_types::limits::RECORD_BYTES_MAX).unwrap();
    assert_eq!(codec::encode(&value), bytes, "the value encodes back to its bytes");
    serde_json::to_value(&value).unwrap()
}

/// A stored value as JSON, decoded as the type its key stores.
fn value_json(key: &RecordKey, bytes: &[u8]) -> Value {
    use onebook_types::development_records as development;
    use onebook_types::{
        catalog_records::{CatalogEntry, ElementSource, Obligation, OrgObligations, Resource},
        consortium::{Member, Org, Policy, ProtocolSchedule},
        property_records::{Certificate, Objection, PropertyApplication, SubjectRights},
        quality_records::QualityReport,
        records::Proposal,
        sharing_records::{AccessEvent, Grant, ShareRequest, Violation},
    };
    match key {
        RecordKey::Policy => decoded::<Policy>(bytes),
        RecordKey::ValidatorSet => decoded::<ValidatorSet>(bytes),
        RecordKey::Org(_) => decoded::<Org>(bytes),
        RecordKey::Member(_) => decoded::<Member>(bytes),
        RecordKey::Nonce(_) => decoded::<Nonce>(bytes),
        RecordKey::Proposal(_) => decoded::<Proposal>(bytes),
        RecordKey::CatalogEntry(_) => decoded::<CatalogEntry>(bytes),
        RecordKey::Resource(_) => decoded::<Resource>(bytes),
        RecordKey::ShareRequest(_) => decoded::<ShareRequest>(bytes),
        RecordKey::Grant(_) => decoded::<Grant>(bytes),
        RecordKey::AccessEvent(_) => decoded::<AccessEvent>(bytes),
        RecordKey::Violation(_) => decoded::<Violation>(bytes),
        RecordKey::QualityReport(_) => decoded::<QualityReport>(bytes),
        RecordKey::Application(_) => decoded::<PropertyApplication>(bytes),
        RecordKey::Objection(_) => decoded::<Objection>(bytes),
        RecordKey::Certificate(_) => decoded::<Certificate>(bytes),
        RecordKey::Obligation(_) => decoded::<Obligation>(bytes),
        RecordKey::Sequence(_) => decoded::<u64>(bytes),
        RecordKey::OrgObligations(_) => decoded::<OrgObligations>(bytes),
        RecordKey::RegionAuthority(_) => decoded::<OrgId>(bytes),
        RecordKey::PropertySubject(_) => decoded::<SubjectRights>(bytes),
        RecordKey::ElementSource(_) => decoded::<ElementSource>(bytes),
        RecordKey::CheckpointPolicy => {
            decoded::<onebook_types::checkpoint::CheckpointPolicy>(bytes)
        }
        RecordKey::ChildChain(_) => decoded::<onebook_types::checkpoint::ChildChain>(bytes),
        RecordKey::Protocol => decoded::<ProtocolSchedule>(bytes),
        RecordKey::GrantCloseOut(_) => {
            decoded::<onebook_types::lifecycle_records::GrantCloseOut>(bytes)
        }
        RecordKey::GrantLineage(_) => {
            decoded::<onebook_types::lifecycle_records::GrantLineage>(bytes)
        }
        RecordKey::LifecyclePolicy => {
            decoded::<onebook_types::lifecycle_records::LifecyclePolicy>(bytes)
        }
        RecordKey::OpenDataPlan(_) => decoded::<development::OpenDataPlan>(bytes),
        RecordKey::OrgPlans(_) => decoded::<development::OrgPlans>(bytes),
        RecordKey::Scenario(_) => decoded::<development::DevelopmentScenario>(bytes),
        RecordKey::OrgScenarioTypes(_) => decoded::<development::OrgScenarioTypes>(bytes),
        RecordKey::DevelopmentGrant(_) => decoded::<development::DevelopmentGrant>(bytes),
        RecordKey::Product(_) => decoded::<development::DevelopedProduct>(bytes),
        RecordKey::ResourceProducts(_) => decoded::<development::ResourceProducts>(bytes),
        RecordKey::PublishedReport(_) => {
            decoded::<onebook_types::report_records::PublishedReport>(bytes)
        }
    }
}

#[test]
fn record_value_vectors_match_and_decode() {
    use onebook_types::{
        action::{PropertySubject, RightKind},
        catalog_records::{ElementSource, SourceKey},
        consortium::{ProtocolSchedule, ProtocolUpgrade},
        ids::GrantId,
        ids::{
            ApplicationId, CatalogCode, CertificateNumber, Height, ProtocolVersion, RegionCode,
            ResourceId,
        },
        lifecycle_records::{GrantLineage, LifecyclePolicy},
        property_records::{SubjectClaim, SubjectRight, SubjectRights, subject_hash},
    };

    let genesis = onebook_genesis::GenesisFile::from_json_validated(include_bytes!(
        "../../genesis/networks/dev.json"
    ))
    .unwrap();
    let mut values: Vec<(RecordKey, Vec<u8>)> = genesis
        .initial_state()
        .into_iter()
        .filter(|(key, _)| {
            matches!(key, RecordKey::Policy | RecordKey::ValidatorSet | RecordKey::CheckpointPolicy)
        })
        .collect();
    values.extend(onebook_query::test_utils::every_kind());
    let subject = subject_hash(&PropertySubject::Resource { resource: ResourceId(1) });
    let source = ElementSource {
        key: SourceKey::DataElement("DE-GA-0002".into()),
        resource: ResourceId(3),
        entry: CatalogCode::from("350200-xm-gaj-0001"),
        provider: OrgId::from("xm-gaj"),
        item: "公民身份号码".into(),
        registered_at: Height(12),
    };
    let schedule = ProtocolSchedule {
        upgrades: vec![ProtocolUpgrade { version: ProtocolVersion(2), height: Height(1_000) }],
    };
    let rights = SubjectRights {
        claims: vec![
            SubjectRight {
                right: RightKind::Holding,
                claim: SubjectClaim::Application(ApplicationId(2)),
            },
            SubjectRight {
                right: RightKind::Holding,
                claim: SubjectClaim::Certificate(CertificateNumber::from("350200-2026-000001X")),
            },
        ],
    };
    values.extend([
        (RecordKey::Nonce(key(1).public_key()), codec::encode(&Nonce(7))),
        (RecordKey::Sequence("grant".into()), codec::encode(&12u64)),
        (
            RecordKey::RegionAuthority(RegionCode::from("350200")),
            codec::encode(&OrgId::from("xm-dsj")),
        ),
        (RecordKey::PropertySubject(subject), codec::encode(&rights)),
        (RecordKey::ElementSource(source.key.hash()), codec::encode(&source)),
        (RecordKey::ChildChain("onebook-sm-1".into()), codec::encode(&sample_child_chain())),
        (RecordKey::Protocol, codec::encode(&schedule)),
        (RecordKey::GrantCloseOut(GrantId(1)), codec::encode(&sample_close_out())),
        (
            RecordKey::GrantLineage(GrantId(2)),
            codec::encode(&GrantLineage {
                parent: Some(GrantId(1)),
                granted_by: Some(OrgId::from("xm-dsj")),
                depth: 1,
                children: vec![GrantId(3)],
            }),
        ),
        (RecordKey::LifecyclePolicy, codec::encode(&LifecyclePolicy { close_out_working_days: 6 })),
    ]);
    values.extend(development_values());
    let cases: Vec<Value> = values
        .iter()
        .map(|(key, bytes)| {
            json!({
                "key": serde_json::to_value(key).unwrap(),
                "key_borsh": hex::encode(key.encode()),
                "value": value_json(key, bytes),
                "value_borsh": hex::encode(bytes),
                "value_hash": value_hash(bytes),
            })
        })
        .collect();
    let mut variants: Vec<u8> = values.iter().map(|(key, _)| key.encode()[0]).collect();
    variants.sort_unstable();
    variants.dedup();
    assert_eq!(variants, (0..=35).collect::<Vec<u8>>(), "one value of every record kind");

    check_file(
        "record_values.json",
        &json!({ "description": "one stored value of every record kind (docs/formats.md section 10.1): the key, the value as the REST API's JSON names its fields, its borsh bytes, and its state-tree value hash H(\"onebook/state-value/v1\", bytes)", "cases": cases }),
    );
}

#[test]
fn report_digest_vector_matches() {
    use onebook_query::reports::{Figure, Report, SharingFigures, Tally};
    use onebook_types::report_records::{ReportPeriod, ReportScope};
    let figure = |keys: &[&str]| Figure {
        count: keys.len() as u64,
        records: keys.iter().map(|key| (*key).to_owned()).collect(),
    };
    let report = Report {
        scope: ReportScope::Org(OrgId::from("xm-gaj")),
        period: ReportPeriod::Month { year: 2026, month: 12 },
        from: 1_796_054_400_000,
        to: 1_798_732_800_000,
        as_of_height: 120,
        as_of_time: 1_798_732_799_000,
        closed: true,
        orgs: vec![OrgId::from("xm-gaj")],
        catalog: onebook_query::reports::CatalogFigures {
            entries: figure(&["catalog_entry:350200-xm-gaj-0001"]),
            published: figure(&["catalog_entry:350200-xm-gaj-0001"]),
            with_resources: figure(&["catalog_entry:350200-xm-gaj-0001"]),
            completeness_per_mille: Some(1000),
        },
        obligations: vec![],
        overdue: figure(&[]),
        sharing: SharingFigures {
            requested: figure(&["share_request:1", "share_request:2"]),
            answered_in_time: figure(&["share_request:1"]),
            answered_late: figure(&["share_request:2"]),
            working_days_median: Some(2),
            working_days_p90: Some(7),
            refusals: vec![Tally { name: "pipl-34".into(), figure: figure(&["share_request:2"]) }],
            ..SharingFigures::default()
        },
        quality: onebook_query::reports::QualityFigures::default(),
        violations: vec![Tally { name: "no-grant".into(), figure: figure(&["violation:1"]) }],
    };
    let bytes = codec::encode(&report);

    check_file(
        "reports.json",
        &json!({ "description": "a periodic report's figures (docs/formats.md section 28): as the REST API's JSON names them, their borsh bytes, and the digest publish_report records, H(\"onebook/report/v1\", bytes)", "cases": [{
            "report": serde_json::to_value(&report).unwrap(),
            "report_borsh": hex::encode(&bytes),
            "digest": report.digest(),
        }] }),
    );
    assert_eq!(report.digest(), onebook_types::hash::hash_tagged(Tag::Report, &[&bytes]));
}
