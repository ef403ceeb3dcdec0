//! The mempool against the dev network's genesis state.

use onebook_genesis::{GenesisFile, dev_secret};
use onebook_ledger::{BlockContext, MemState, apply_block};
use onebook_types::{
    action::Action,
    codec,
    consortium::Role,
    hash::Hash32,
    ids::{ChainId, Height, Nonce, Timestamp},
    keys::SecretKey,
    rejection::Rejection,
    tx::TxBody,
};

use super::*;

const CHAIN: &str = "onebook-dev-1";

fn genesis_state() -> MemState {
    let genesis =
        GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
            .expect("the dev genesis is valid");
    MemState::from_records(genesis.initial_state())
}

fn next_block(height: u64) -> BlockContext {
    BlockContext {
        chain_id: ChainId::from(CHAIN),
        height: Height(height),
        time: Timestamp(1_767_196_800_000 + height * 1_000),
        suite: onebook_types::suite::Suite::Ed25519Blake3,
    }
}

fn register(n: u64) -> Action {
    Action::RegisterMember {
        key: dev_secret(&format!("member-{n}")).public_key(),
        name: "成员".into(),
        roles: vec![Role::DataUser],
    }
}

fn encoded(secret: &SecretKey, nonce: u64, action: Action) -> Vec<u8> {
    let body = TxBody {
        chain_id: ChainId::from(CHAIN),
        signer: secret.public_key(),
        nonce: Nonce(nonce),
        valid_until: Height(100),
        action,
    };
    codec::encode(&body.sign(secret))
}

fn pool() -> Mempool {
    Mempool::new(MempoolConfig::default(), ChainId::from(CHAIN))
}

#[test]
fn admission_checks_run_in_order_and_name_the_failure() {
    let state = genesis_state();
    let admin = dev_secret("xm-dsj/admin");
    let mut pool = pool();
    let good = encoded(&admin, 1, register(1));
    let mut bad_signature = good.clone();
    let last = bad_signature.len() - 1;
    bad_signature[last] ^= 1;
    let other_chain = TxBody {
        chain_id: ChainId::from("onebook-other"),
        signer: admin.public_key(),
        nonce: Nonce(1),
        valid_until: Height(100),
        action: register(1),
    };
    let other_chain_tx = codec::encode(&other_chain.sign(&admin));

    let results = [
        pool.admit(&vec![0; TX_BYTES_MAX + 1], &state, &next_block(1)),
        pool.admit(&[1, 2, 3], &state, &next_block(1)),
        pool.admit(&other_chain_tx, &state, &next_block(1)),
        pool.admit(&bad_signature, &state, &next_block(1)),
        pool.admit(&encoded(&admin, 2, register(1)), &state, &next_block(1)),
        pool.admit(&encoded(&dev_secret("nobody"), 1, register(1)), &state, &next_block(1)),
        pool.admit(&encoded(&dev_secret("xm-dsj/auditor"), 1, register(1)), &state, &next_block(1)),
    ];

    assert!(
        matches!(results[0], Err(AdmitError::TooLarge { size_bytes }) if size_bytes == TX_BYTES_MAX + 1)
    );
    assert!(matches!(results[1], Err(AdmitError::Decode(_))));
    assert!(matches!(results[2], Err(AdmitError::WrongChain { .. })));
    assert!(matches!(results[3], Err(AdmitError::BadSignature)));
    assert!(matches!(results[4], Err(AdmitError::NonceGap { nonce: 2, next: 1 })));
    assert!(matches!(results[5], Err(AdmitError::Refused(Rejection::SignerUnknown))));
    assert!(matches!(results[6], Err(AdmitError::Refused(Rejection::RoleMissing))));
    assert!(pool.is_empty());
    assert!(pool.admit(&good, &state, &next_block(1)).is_ok());
}

#[test]
fn a_duplicate_is_suppressed_and_a_signers_txs_queue_in_nonce_order() {
    let state = genesis_state();
    let admin = dev_secret("xm-dsj/admin");
    let mut pool = pool();
    let first = encoded(&admin, 1, register(1));

    let hash = pool.admit(&first, &state, &next_block(1)).expect("admitted");
    let again = pool.admit(&first, &state, &next_block(1));
    let second = pool.admit(&encoded(&admin, 2, register(2)), &state, &next_block(1));
    let reused = pool.admit(&encoded(&admin, 2, register(3)), &state, &next_block(1));

    assert!(matches!(again, Err(AdmitError::Duplicate { tx_hash }) if tx_hash == hash));
    assert!(second.is_ok());
    assert!(matches!(reused, Err(AdmitError::NonceUsed { nonce: 2, next: 3 })));
    let nonces: Vec<u64> = pool.reap(10, usize::MAX).iter().map(|tx| tx.body().nonce.0).collect();
    assert_eq!(nonces, [1, 2]);
}

#[test]
fn a_full_pool_answers_full_and_does_not_grow() {
    let state = genesis_state();
    let config = MempoolConfig { txs_max: 2, bytes_max: usize::MAX };
    let mut pool = Mempool::new(config, ChainId::from(CHAIN));
    let admin = dev_secret("xm-dsj/admin");
    for nonce in 1..=2 {
        pool.admit(&encoded(&admin, nonce, register(nonce)), &state, &next_block(1)).expect("room");
    }

    let third = pool.admit(&encoded(&admin, 3, register(3)), &state, &next_block(1));

    assert!(matches!(third, Err(AdmitError::Full { txs: 2, .. })));
    assert_eq!(pool.len(), 2);
}

#[test]
fn reaping_respects_the_block_bounds() {
    let state = genesis_state();
    let mut pool = pool();
    let admin = dev_secret("xm-dsj/admin");
    let mut sizes = Vec::new();
    for nonce in 1..=5 {
        let tx = encoded(&admin, nonce, register(nonce));
        sizes.push(tx.len());
        pool.admit(&tx, &state, &next_block(1)).expect("admitted");
    }

    let by_count = pool.reap(3, usize::MAX);
    let by_bytes = pool.reap(10, sizes[0] + sizes[1]);

    assert_eq!(by_count.len(), 3);
    assert_eq!(by_bytes.len(), 2);
    assert_eq!(pool.len(), 5);
    assert_eq!(pool.bytes(), sizes.iter().sum::<usize>());
}

#[test]
fn a_commit_removes_its_txs_and_those_it_made_stale() {
    let mut state = genesis_state();
    let mut pool = pool();
    let admin = dev_secret("xm-dsj/admin");
    let gateway = dev_secret("xm-gaj/admin");
    for nonce in 1..=3 {
        pool.admit(&encoded(&admin, nonce, register(nonce)), &state, &next_block(1)).expect("ok");
    }
    let other = pool.admit(&encoded(&gateway, 1, register(9)), &state, &next_block(1)).expect("ok");
    // A block elsewhere committed the admin's first two txs.
    let block = pool.reap(2, usize::MAX);
    let outcome = apply_block(&state, &next_block(1), &block);
    state.apply_changes(&outcome.changes);
    let committed: Vec<Hash32> = block.iter().map(VerifiedTx::hash).collect();

    pool.remove_committed(&committed, &state, &next_block(2));

    assert_eq!(pool.len(), 2);
    assert!(pool.contains(&other));
    let nonces: Vec<u64> = pool.reap(10, usize::MAX).iter().map(|tx| tx.body().nonce.0).collect();
    assert_eq!(nonces, [3, 1]);
    let next = pool.admit(&encoded(&admin, 4, register(4)), &state, &next_block(2));
    assert!(next.is_ok(), "{next:?}");
}

#[test]
fn a_tx_stranded_behind_an_expired_one_is_dropped() {
    let state = genesis_state();
    let mut pool = pool();
    let admin = dev_secret("xm-dsj/admin");
    let short_lived = TxBody {
        chain_id: ChainId::from(CHAIN),
        signer: admin.public_key(),
        nonce: Nonce(1),
        valid_until: Height(1),
        action: register(1),
    };
    pool.admit(&codec::encode(&short_lived.sign(&admin)), &state, &next_block(1)).expect("ok");
    pool.admit(&encoded(&admin, 2, register(2)), &state, &next_block(1)).expect("ok");

    pool.remove_committed(&[], &state, &next_block(2));

    assert!(pool.is_empty());
}
