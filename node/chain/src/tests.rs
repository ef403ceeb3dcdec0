//! Two nodes' chains on the dev network, each on its own RocksDB store: one proposes, the other
//! verifies, both commit under a certificate signed by the dev validators' node keys.

use onebook_genesis::{GenesisFile, dev_secret};
use onebook_mempool::MempoolConfig;
use onebook_storage::StoreConfig;
use onebook_types::{
    action::Action,
    block::{CommitSignature, CommitVote},
    consortium::Role,
    ids::Nonce,
    keys::SecretKey,
    tx::TxBody,
};

use super::*;

const VALIDATOR_ORGS: [&str; 4] = ["fj-sjj", "xm-dsj", "xm-gaj", "xm-scjg"];

fn genesis() -> GenesisFile {
    GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
        .expect("the dev genesis is valid")
}

fn clock() -> Timestamp {
    Timestamp(genesis().genesis_time.0 + 3_600_000)
}

/// A chain on a fresh store in `dir`, holding the dev genesis.
fn node(dir: &tempfile::TempDir) -> Chain {
    node_with_state(dir, genesis().initial_state())
}

/// A chain on a fresh store in `dir`, holding the dev genesis with the records `state`.
fn node_with_state(dir: &tempfile::TempDir, state: Vec<(RecordKey, Vec<u8>)>) -> Chain {
    let genesis = genesis();
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    store.init_genesis_state(genesis.hash(), state).expect("genesis");
    chain_over(store)
}

/// A chain of the dev network over `store`, with an empty mempool.
fn chain_over(store: Store) -> Chain {
    let genesis = genesis();
    let mempool = Mempool::new(MempoolConfig::default(), genesis.chain_id.clone());
    Chain::new(
        Arc::new(store),
        Arc::new(Mutex::new(mempool)),
        genesis.chain_id.clone(),
        genesis.genesis_time,
        ChainConfig::default(),
        clock,
    )
}

fn register(secret: &SecretKey, nonce: u64, n: u64) -> Vec<u8> {
    let body = TxBody {
        chain_id: genesis().chain_id,
        signer: secret.public_key(),
        nonce: Nonce(nonce),
        valid_until: Height(1_000),
        action: Action::RegisterMember {
            key: dev_secret(&format!("member-{n}")).public_key(),
            name: "成员".into(),
            roles: vec![Role::DataUser],
        },
    };
    codec::encode(&body.sign(secret))
}

/// A certificate for `block` signed by the node keys of the first `signers` validator orgs.
fn certificate(block: &Block, signers: usize) -> CommitCertificate {
    let vote = CommitVote {
        chain_id: block.header.chain_id.clone(),
        genesis_hash: genesis().hash(),
        height: block.header.height,
        round: 0,
        block_hash: block.header.hash(),
    };
    let digest = vote.signing_digest();
    let mut signatures: Vec<CommitSignature> = VALIDATOR_ORGS[..signers]
        .iter()
        .map(|org| {
            let key = dev_secret(&format!("{org}/node"));
            CommitSignature { node_key: key.public_key(), signature: key.sign(digest.as_bytes()) }
        })
        .collect();
    signatures.sort_by_key(|signature| signature.node_key);
    CommitCertificate { vote, signatures }
}

fn proposer() -> PublicKey {
    dev_secret("xm-dsj/node").public_key()
}

#[test]
fn a_proposed_block_verifies_elsewhere_and_both_nodes_commit_the_same_state() {
    let (dir_a, dir_b) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let (mut a, mut b) = (node(&dir_a), node(&dir_b));
    let admin = dev_secret("xm-dsj/admin");
    for nonce in 1..=3 {
        a.admit(&register(&admin, nonce, nonce)).expect("admitted");
    }

    let block = a.propose(Height(1), clock(), proposer()).expect("proposes");
    b.verify(&block).expect("verifies");
    let certificate = certificate(&block, 3);
    a.commit(block.clone(), certificate.clone()).expect("commits");
    b.commit(block.clone(), certificate).expect("commits");

    let (tip_a, tip_b) = (a.store().tip().expect("tip"), b.store().tip().expect("tip"));
    assert_eq!(tip_a, tip_b);
    assert_eq!(tip_a.height, Height(1));
    assert_eq!(block.txs.len(), 3);
    assert_eq!(a.pool().len(), 0);
    assert_eq!(a.committed_height().expect("height"), Height(1));
    let (stored, stored_certificate) = b.decided(Height(1)).expect("read").expect("decided");
    assert_eq!(stored, block);
    assert_eq!(stored_certificate.signatures.len(), 3);
}

#[test]
fn a_block_whose_roots_do_not_match_its_execution_is_voted_against() {
    let (dir_a, dir_b) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let (mut a, mut b) = (node(&dir_a), node(&dir_b));
    a.admit(&register(&dev_secret("xm-dsj/admin"), 1, 1)).expect("admitted");
    let block = a.propose(Height(1), clock(), proposer()).expect("proposes");

    let mut wrong_root = block.clone();
    wrong_root.header.state_root = Hash32([9; 32]);
    let mut dropped_tx = block.clone();
    dropped_tx.txs.clear();
    let mut not_later = block.clone();
    not_later.header.time = genesis().genesis_time;
    let mut far_future = block;
    far_future.header.time = Timestamp(clock().0 + 60_000);

    let result = b.verify(&wrong_root);
    assert!(
        matches!(
            result,
            Err(AppError::Invalid(InvalidBlock::Mismatch { field: HeaderField::StateRoot, .. }))
        ),
        "root: {result:?}"
    );
    let result = b.verify(&dropped_tx);
    assert!(
        matches!(
            result,
            Err(AppError::Invalid(InvalidBlock::Mismatch { field: HeaderField::TxRoot, .. }))
        ),
        "txs: {result:?}"
    );
    let result = b.verify(&not_later);
    assert!(
        matches!(result, Err(AppError::Invalid(InvalidBlock::TimeNotAfterParent { .. }))),
        "time: {result:?}"
    );
    let result = b.verify(&far_future);
    assert!(
        matches!(result, Err(AppError::Invalid(InvalidBlock::AheadOfClock { .. }))),
        "future: {result:?}"
    );
}

#[test]
fn a_certificate_without_a_quorum_is_not_committed() {
    let dir = tempfile::tempdir().expect("dir");
    let mut a = node(&dir);
    let block = a.propose(Height(1), clock(), proposer()).expect("proposes");

    let result = a.commit(block.clone(), certificate(&block, 2));

    assert!(matches!(result, Err(AppError::Invalid(InvalidBlock::Certificate(_)))), "{result:?}");
    assert_eq!(a.store().tip().expect("tip").height, Height(0));
}

#[test]
fn an_empty_chain_of_blocks_keeps_the_genesis_validators_and_rising_times() {
    let dir = tempfile::tempdir().expect("dir");
    let mut a = node(&dir);
    let genesis_set = genesis().validator_set();

    for height in 1..=3 {
        let block = a.propose(Height(height), genesis().genesis_time, proposer()).expect("ok");
        assert!(block.header.time.0 > genesis().genesis_time.0 + height - 1);
        assert_eq!(block.header.validator_set_hash, genesis_set.hash());
        assert_eq!(block.header.next_validator_set_hash, genesis_set.hash());
        a.commit(block.clone(), certificate(&block, 4)).expect("commits");
    }

    assert_eq!(a.validator_set(Height(4)).expect("read"), Some(genesis_set));
    assert_eq!(a.validator_set(Height(5)).expect("read"), None);
}

#[test]
fn admission_while_a_block_is_written_reads_the_state_the_pool_was_synced_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut chain = node(&dir);
    let admin = dev_secret("xm-dsj/admin");
    let first = chain.admit(&register(&admin, 1, 1)).expect("admitted");
    let block = chain.propose(Height(1), clock(), proposer()).expect("proposes");
    let prepared = chain.prepared.remove(&block.header.hash()).expect("prepared");
    // The block is written and the pool not yet told: the instant inside a commit between the
    // synced write and the pool's update, which no longer holds the pool's lock.
    let commit = BlockCommit {
        block: prepared.block,
        receipts: prepared.receipts,
        certificate: Some(certificate(&block, 3)),
        touches: prepared.touches,
    };
    chain.store.commit(commit, prepared.staged).expect("written");

    let second = chain.admit(&register(&admin, 2, 2));
    let third_too_early = chain.admit(&register(&admin, 4, 4));

    assert!(second.is_ok(), "the next nonce is judged against the pool's own height: {second:?}");
    assert!(matches!(
        third_too_early,
        Err(ChainAdmitError::Admit(AdmitError::NonceGap { nonce: 4, next: 3 }))
    ));
    let state = StoreState::new(&chain.store, Height(1));
    let next = chain.context(Height(2), clock());
    chain.pool().remove_committed(&[first], &state, &next);
    let gate = chain.gate();
    assert_eq!(gate.pending(), 1);
    assert_eq!(gate.nonces(&admin.public_key()).expect("nonces"), (1, 3));
}

#[test]
fn many_txs_admitted_together_get_the_verdicts_of_one_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chain = node(&dir);
    let admin = dev_secret("xm-gaj/admin");
    let mut forged = register(&admin, 3, 3);
    let at = forged.len() - 10;
    forged[at] ^= 0x40;
    let txs = vec![
        register(&admin, 1, 1),
        register(&admin, 2, 2),
        register(&admin, 2, 2),
        forged,
        register(&admin, 3, 3),
        register(&admin, 5, 5),
    ];

    let results = chain.gate().admit_many(&txs);

    assert_eq!(results.len(), txs.len());
    assert!(results[0].is_ok() && results[1].is_ok() && results[4].is_ok(), "{results:?}");
    assert!(matches!(results[2], Err(ChainAdmitError::Admit(AdmitError::Duplicate { .. }))));
    assert!(matches!(results[3], Err(ChainAdmitError::Admit(AdmitError::BadSignature))));
    assert!(matches!(results[5], Err(ChainAdmitError::Admit(AdmitError::NonceGap { .. }))));
}

/// A chain whose genesis state already holds a protocol schedule: versions 2 and 3 from heights
/// 1 and 2, and version 4 (later than this release implements) from height 3, as a store
/// written by a later release after the consortium passed the three upgrades.
fn node_with_schedule(dir: &tempfile::TempDir) -> Chain {
    use onebook_types::consortium::{ProtocolSchedule, ProtocolUpgrade};
    let schedule = ProtocolSchedule {
        upgrades: vec![
            ProtocolUpgrade { version: ProtocolVersion(2), height: Height(1) },
            ProtocolUpgrade { version: ProtocolVersion(3), height: Height(2) },
            ProtocolUpgrade { version: ProtocolVersion(4), height: Height(3) },
        ],
    };
    let mut state = genesis().initial_state();
    state.push((RecordKey::Protocol, codec::encode(&schedule)));
    node_with_state(dir, state)
}

#[test]
fn a_block_of_a_later_protocol_version_is_refused_and_so_is_a_store_about_to_make_one() {
    let dir = tempfile::tempdir().expect("dir");
    let mut chain = node_with_schedule(&dir);
    assert_eq!(chain.check_protocol().expect("version 2 is implemented"), ProtocolVersion(2));
    let first = chain.propose(Height(1), clock(), proposer()).expect("a version 2 block");
    chain.commit(first.clone(), certificate(&first, 3)).expect("commits");
    assert_eq!(chain.check_protocol().expect("version 3 is implemented"), ProtocolVersion(3));
    let time = Timestamp(first.header.time.0 + 1_000);
    let second = chain.propose(Height(2), time, proposer()).expect("a version 3 block");
    chain.commit(second.clone(), certificate(&second, 3)).expect("commits");

    let refused_start = chain.check_protocol().expect_err("height 3 is of version 4");
    let later = Timestamp(second.header.time.0 + 1_000);
    let refused_proposal = chain.propose(Height(3), later, proposer()).expect_err("version 4");
    // A block a later release built on this chain: it follows the tip, so only its version is
    // in question.
    let mut third = second.clone();
    third.header.height = Height(3);
    third.header.previous_hash = second.header.hash();
    third.header.time = Timestamp(second.header.time.0 + 1);
    let refused_block = chain.verify(&third).expect_err("version 4");

    let expected = UnsupportedProtocol {
        height: Height(3),
        version: ProtocolVersion(4),
        supported: PROTOCOL_VERSION_MAX,
    };
    assert!(matches!(&refused_start, ChainStartError::UnsupportedProtocol(e) if *e == expected));
    let message = refused_start.to_string();
    assert!(message.contains("protocol version 4"), "{message}");
    assert!(message.contains("up to 3"), "{message}");
    assert!(message.contains("install a release"), "{message}");
    for refused in [refused_proposal, refused_block] {
        let AppError::Invalid(InvalidBlock::Rule(rule)) = &refused else {
            panic!("refused as {refused:?}, not by the protocol rule");
        };
        assert_eq!(rule.downcast_ref::<UnsupportedProtocol>(), Some(&expected));
    }
    assert_eq!(chain.committed_height().expect("height"), Height(2));
}

#[test]
fn a_store_that_cannot_be_read_refuses_admission_with_its_typed_cause() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A store without a genesis has no tip: the one read admission needs fails.
    let chain = chain_over(Store::open(&StoreConfig::new(dir.path())).expect("store opens"));
    let admin = dev_secret("xm-dsj/admin");

    let results = chain.gate().admit_many(&[register(&admin, 1, 1), register(&admin, 2, 2)]);
    let nonces = chain.gate().nonces(&admin.public_key());

    assert_eq!(results.len(), 2);
    for result in &results {
        assert_refused_for_an_empty_store(result);
    }
    assert_refused_for_an_empty_store(&nonces);
    assert_eq!(chain.gate().pending(), 0, "nothing was admitted");
}

fn assert_refused_for_an_empty_store<T: std::fmt::Debug>(result: &Result<T, ChainAdmitError>) {
    let Err(ChainAdmitError::Storage(cause)) = result else {
        panic!("refused as {result:?}, not as a storage failure");
    };
    assert!(
        matches!(**cause, ChainStorageError::Store(onebook_storage::StorageError::Empty)),
        "{cause:?}"
    );
}
