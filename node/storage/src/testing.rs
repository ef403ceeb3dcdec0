//! Helpers for the crate's tests: stores and blocks without transactions that change records.

use std::collections::BTreeMap;

use onebook_state::{Node, NodeStore, StateProof, StoredNode, key_hash, prove};
use onebook_types::{
    block::{self, Block, Header},
    codec,
    hash::Hash32,
    ids::{ChainId, Height, Nonce, Timestamp},
    keys::SecretKey,
    record::RecordKey,
};
use rocksdb::{Options, WriteBatch};

use crate::{BlockCommit, RecordChange, Store, StoreConfig, Tip, keys};

/// The genesis of test stores.
pub(crate) const GENESIS: Hash32 = Hash32([1; 32]);

/// `Sequence` records `s{from}`..`s{to}` holding `value`, or deleted if `value` is `None`.
pub(crate) fn records(from: u64, to: u64, value: Option<u64>) -> Vec<RecordChange> {
    (from..to)
        .map(|n| RecordChange {
            key: RecordKey::Sequence(format!("s{n}")),
            value: value.map(|value| codec::encode(&Nonce(value))),
        })
        .collect()
}

/// Opens the store in `dir` with a node cache of `node_cache_nodes`.
pub(crate) fn open(dir: &std::path::Path, node_cache_nodes: usize) -> Store {
    let mut config = StoreConfig::new(dir);
    config.node_cache_nodes = node_cache_nodes;
    Store::open(&config).expect("opens")
}

/// Copies the files of the store in `from` (a closed one) into `to`.
pub(crate) fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("creates");
    for entry in std::fs::read_dir(from).expect("lists") {
        let entry = entry.expect("lists");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copies");
    }
}

/// Stages `changes` on the tip and commits them as the next block, which has no transactions.
pub(crate) fn commit_changes(store: &Store, changes: Vec<RecordChange>) -> Tip {
    try_commit_changes(store, changes).expect("commits")
}

/// [`commit_changes`], giving the commit's error.
pub(crate) fn try_commit_changes(store: &Store, changes: Vec<RecordChange>) -> crate::Result<Tip> {
    let tip = store.tip().expect("initialised");
    let staged = store.stage(changes).expect("staged");
    let header = Header {
        chain_id: ChainId::from("onebook-storage-test"),
        height: tip.height.next(),
        time: Timestamp(1_767_196_800_000 + tip.height.0 * 1000),
        previous_hash: tip.block_hash,
        history_root: store.next_history_root().expect("history root"),
        tx_root: block::tx_root(&[]),
        tx_count: 0,
        receipts_root: block::receipts_root(&[]),
        state_root: staged.root,
        validator_set_hash: Hash32::ZERO,
        next_validator_set_hash: Hash32::ZERO,
        proposer: SecretKey::from_seed([7; 32]).public_key(),
    };
    let commit = BlockCommit {
        block: Block { header, txs: Vec::new() },
        receipts: Vec::new(),
        certificate: None,
        touches: Vec::new(),
    };
    store.commit(commit, staged)
}

/// A store with a genesis of 50 records and `blocks` blocks, each inserting 40 records,
/// replacing 20 and deleting 10, so its tree grows, changes and shrinks in every block.
pub(crate) fn chain(dir: &std::path::Path, blocks: u64) -> Store {
    let store = open(dir, crate::NODE_CACHE_NODES_DEFAULT);
    store.init_genesis(GENESIS, records(0, 50, Some(0))).expect("genesis");
    for height in 1..=blocks {
        let base = 50 + 40 * (height - 1);
        let mut changes = records(base, base + 40, Some(height));
        changes.extend(records(base - 30, base - 10, Some(height * 7)));
        changes.extend(records(base - 40, base - 30, None));
        commit_changes(&store, changes);
    }
    assert_eq!(store.tip().expect("tip").height, Height(blocks));
    store
}

/// The proofs of records `s0`..`s250`, every `step`-th (present, replaced, deleted or never
/// written), at every height of `store`.
pub(crate) fn proofs(store: &Store, step: usize) -> Vec<StateProof> {
    let tip = store.tip().expect("tip");
    let mut proofs = Vec::new();
    for height in 0..=tip.height.0 {
        let root = store.state_root(Height(height)).expect("root");
        for n in (0..250).step_by(step) {
            let key = RecordKey::Sequence(format!("s{n}"));
            proofs.push(prove(store, root, key_hash(&key.encode())));
        }
    }
    proofs
}

/// Every node of the tree `root`, by hash.
fn nodes_by_hash(store: &Store, root: Hash32, nodes: &mut BTreeMap<Hash32, Node>) {
    if root == Hash32::ZERO {
        return;
    }
    let mut stack = vec![(root, store.root(&root).expect("the root is stored"))];
    while let Some((hash, at)) = stack.pop() {
        let node = store.node(at, &hash).expect("the node is stored");
        nodes.insert(hash, node.node());
        if let StoredNode::Internal { left, right } = node {
            for child in [left, right] {
                if let Some(child_at) = child.resolve(at.version) {
                    stack.push((child.hash(), child_at));
                }
            }
        }
    }
}

/// Rewrites the store in `dir` as schema 4 wrote it: every node of every height's tree under
/// its hash in `state_nodes`, no chunks, no roots, no mark of a move begun, schema mark 4.
pub(crate) fn downgrade_to_schema_4(dir: &std::path::Path) {
    let mut store = open(dir, 0);
    let tip = store.tip().expect("tip");
    let mut nodes = BTreeMap::new();
    for height in 0..=tip.height.0 {
        nodes_by_hash(&store, store.state_root(Height(height)).expect("root"), &mut nodes);
    }
    store.db.create_cf(keys::STATE_NODES_BY_HASH, &Options::default()).expect("creates");
    let mut batch = WriteBatch::default();
    let family = store.db.cf_handle(keys::STATE_NODES_BY_HASH).expect("created");
    for (hash, node) in &nodes {
        batch.put_cf(family, hash.as_bytes(), codec::encode(node));
    }
    let version = keys::SCHEMA_VERSION_NODES_BY_HASH.to_be_bytes();
    batch.put_cf(store.cf(keys::META), keys::META_SCHEMA, version);
    batch.delete_cf(store.cf(keys::META), keys::META_STATE_MOVED);
    store.db.write(batch).expect("writes");
    store.db.drop_cf(keys::STATE_CHUNKS).expect("drops");
    store.db.drop_cf(keys::STATE_ROOTS).expect("drops");
}
