//! Property tests of the whole map: canonical roots, versioning, proofs and their tamper
//! resistance, each against a `BTreeMap` model.

use std::collections::BTreeMap;

use onebook_types::hash::Hash32;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::{
    MemNodeStore, Node, NodeAt, NodeStore, StateProof, StoredNode, TreeStats, TreeUpdate,
    apply_updates, get, prove, verify_tree,
};

type Records = BTreeMap<Hash32, Hash32>;

/// Key hashes that are uniformly random or start with a run of zero bytes, so that sets of them
/// also exercise long shared prefixes, chains of internal nodes and deep leaves.
fn key() -> impl Strategy<Value = Hash32> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(Hash32),
        (any::<[u8; 32]>(), 1usize..32).prop_map(|(mut bytes, zeros)| {
            bytes[..zeros].fill(0);
            Hash32(bytes)
        }),
    ]
}

/// Key hashes whose proofs stay short (a zero first byte adds at most about eight levels), for
/// the tests that try every bit of a proof.
fn shallow_key() -> impl Strategy<Value = Hash32> {
    (any::<[u8; 32]>(), any::<bool>()).prop_map(|(mut bytes, zero_first)| {
        if zero_first {
            bytes[0] = 0;
        }
        Hash32(bytes)
    })
}

fn value() -> impl Strategy<Value = Hash32> {
    any::<[u8; 32]>().prop_map(Hash32)
}

fn records(max: usize) -> impl Strategy<Value = Records> {
    btree_map(key(), value(), 0..max)
}

/// The root of `records` built in one batch on an empty store.
fn scratch_root(records: &Records) -> Hash32 {
    let writes = records.iter().map(|(key, value)| (*key, Some(*value)));
    apply_updates(&MemNodeStore::new(), Hash32::ZERO, writes).root
}

/// Applies the batches in order and returns the final root.
fn commit_batches<'a>(
    store: &mut MemNodeStore,
    batches: impl IntoIterator<Item = &'a [(Hash32, Hash32)]>,
) -> Hash32 {
    let mut root = Hash32::ZERO;
    for batch in batches {
        let update =
            apply_updates(store, root, batch.iter().map(|(key, value)| (*key, Some(*value))));
        store.insert_all(&update);
        root = update.root;
    }
    root
}

/// Every node reachable from `root`, by hash, found by walking the stored addresses down from
/// the root.
fn reachable(store: &MemNodeStore, root: Hash32) -> BTreeMap<Hash32, Node> {
    let mut seen = BTreeMap::new();
    if root == Hash32::ZERO {
        return seen;
    }
    let at = store.root(&root).expect("the root is stored");
    let mut stack = vec![(root, at)];
    while let Some((hash, at)) = stack.pop() {
        let node = store.node(at, &hash).expect("every reachable node is stored");
        assert_eq!(node.hash(), hash, "the node at {at:?} is the one its parent names");
        if seen.insert(hash, node.node()).is_some() {
            continue;
        }
        if let StoredNode::Internal { left, right } = node {
            for child in [left, right] {
                if let Some(child_at) = child.resolve(at.version) {
                    stack.push((child.hash(), child_at));
                }
            }
        }
    }
    seen
}

/// A store that asks [`apply_updates`] to read a batch's paths ahead, level by level, as the
/// database's store does, over the nodes of a [`MemNodeStore`].
struct ReadingAhead<'a>(&'a MemNodeStore);

impl NodeStore for ReadingAhead<'_> {
    fn root(&self, root: &Hash32) -> Option<NodeAt> {
        self.0.root(root)
    }

    fn node(&self, at: NodeAt, hash: &Hash32) -> Option<StoredNode> {
        self.0.node(at, hash)
    }

    fn reads_ahead(&self) -> bool {
        true
    }
}

/// The new nodes of `update`, by hash, as their hashes commit to them.
fn created(update: &TreeUpdate) -> BTreeMap<Hash32, Node> {
    update.new_nodes.iter().map(|node| (node.hash(), node.node())).collect()
}

/// A store and root holding `records`.
fn tree(records: &Records) -> (MemNodeStore, Hash32) {
    let mut store = MemNodeStore::new();
    let update = apply_updates(
        &store,
        Hash32::ZERO,
        records.iter().map(|(key, value)| (*key, Some(*value))),
    );
    store.insert_all(&update);
    (store, update.root)
}

/// `hash` with bit `index` flipped.
fn flip(mut hash: Hash32, index: usize) -> Hash32 {
    hash.0[index / 8] ^= 0x80 >> (index % 8);
    hash
}

/// Asserts that no single-bit change to the encoded proof, the root or the claimed value
/// leaves a proof that verifies.
fn assert_every_flip_fails(proof: &StateProof, root: Hash32, key: Hash32, claim: Option<Hash32>) {
    let bytes = borsh::to_vec(proof).expect("a proof encodes");
    for bit in 0..bytes.len() * 8 {
        let mut tampered = bytes.clone();
        tampered[bit / 8] ^= 0x80 >> (bit % 8);
        if let Ok(tampered) = borsh::from_slice::<StateProof>(&tampered) {
            assert!(tampered.verify(root, key, claim).is_err(), "proof bit {bit} flipped");
        }
    }
    for bit in 0..256 {
        assert!(proof.verify(flip(root, bit), key, claim).is_err(), "root bit {bit} flipped");
        if let Some(value) = claim {
            let claim = Some(flip(value, bit));
            assert!(proof.verify(root, key, claim).is_err(), "value bit {bit} flipped");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_root_depends_only_on_the_set_of_records(
        (records, shuffled, sizes) in records(200).prop_flat_map(|records| {
            let entries: Vec<_> = records.iter().map(|(key, value)| (*key, *value)).collect();
            let len = entries.len().max(1);
            (Just(records), Just(entries).prop_shuffle(), vec(1usize..20, len))
        })
    ) {
        let mut chunks = Vec::new();
        let mut rest = shuffled.as_slice();
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, tail) = rest.split_at((*size).min(rest.len()));
            chunks.push(chunk);
            rest = tail;
        }

        let one_batch = scratch_root(&records);
        let singles = commit_batches(&mut MemNodeStore::new(), shuffled.chunks(1));
        let batched = commit_batches(&mut MemNodeStore::new(), chunks);

        prop_assert_eq!(singles, one_batch);
        prop_assert_eq!(batched, one_batch);
    }

    #[test]
    fn random_writes_and_deletes_keep_a_canonical_versioned_tree(
        pool in vec(key(), 1..40),
        batches in vec(vec((any::<Index>(), option::of(value())), 0..30), 1..10),
    ) {
        let mut store = MemNodeStore::new();
        let mut model = Records::new();
        let mut history = vec![(Hash32::ZERO, model.clone())];

        for batch in batches {
            let writes: Vec<_> = batch.iter().map(|(index, value)| (*index.get(&pool), *value)).collect();
            for (key, value) in &writes {
                match value {
                    Some(value) => model.insert(*key, *value),
                    None => model.remove(key),
                };
            }
            let root = history.last().map(|(root, _)| *root).expect("history starts with ZERO");

            let update = apply_updates(&store, root, writes);
            store.insert_all(&update);

            let new = created(&update);
            prop_assert_eq!(new.len(), update.new_nodes.len(), "each new node once");
            let old = reachable(&store, root);
            let added: BTreeMap<_, _> = reachable(&store, update.root)
                .into_iter()
                .filter(|(hash, _)| !old.contains_key(hash))
                .collect();
            prop_assert_eq!(new, added, "new nodes are those the new root adds");
            prop_assert_eq!(update.root, scratch_root(&model));
            let stats = verify_tree(&store, update.root).expect("the tree is canonical");
            prop_assert_eq!(stats.leaves, model.len() as u64);
            history.push((update.root, model.clone()));
        }

        for (root, model) in &history {
            for key in &pool {
                prop_assert_eq!(get(&store, *root, *key), model.get(key).copied());
            }
        }
    }

    #[test]
    fn present_keys_prove_their_values_and_absent_keys_prove_absence(
        records in records(200),
        probes in vec(key(), 0..20),
    ) {
        let (store, root) = tree(&records);

        for (key, value) in &records {
            let proof = prove(&store, root, *key);
            prop_assert_eq!(proof.verify(root, *key, Some(*value)), Ok(()));
            prop_assert!(proof.verify(root, *key, None).is_err());
        }
        for key in probes.iter().filter(|key| !records.contains_key(key)) {
            let proof = prove(&store, root, *key);
            prop_assert_eq!(proof.verify(root, *key, None), Ok(()));
            prop_assert!(proof.verify(root, *key, Some(Hash32::ZERO)).is_err());
            prop_assert_eq!(get(&store, root, *key), None);
        }
        let stats = verify_tree(&store, root).expect("the tree is canonical");
        prop_assert_eq!(stats.leaves, records.len() as u64);
    }

    #[test]
    fn a_block_batch_gives_the_root_and_nodes_of_its_writes_applied_one_by_one(
        base in records(120),
        pool in vec(key(), 1..40),
        writes in vec((any::<Index>(), any::<bool>(), option::of(value())), 0..80),
    ) {
        // Writes hit keys of the base tree (replace, delete) and new keys (insert, delete an
        // absent key), some more than once, in an arbitrary order.
        let base_keys: Vec<Hash32> = base.keys().copied().collect();
        let writes: Vec<(Hash32, Option<Hash32>)> = writes
            .iter()
            .map(|(index, from_base, value)| {
                let key = if *from_base && !base_keys.is_empty() {
                    *index.get(&base_keys)
                } else {
                    *index.get(&pool)
                };
                (key, *value)
            })
            .collect();
        let (mut one_by_one, base_root) = tree(&base);
        let batched_store = one_by_one.clone();

        let batch = apply_updates(&batched_store, base_root, writes.iter().copied());
        let read_ahead =
            apply_updates(&ReadingAhead(&batched_store), base_root, writes.iter().copied());
        prop_assert_eq!(&read_ahead, &batch, "reading ahead changes nothing");
        let mut root = base_root;
        let mut single_nodes = BTreeMap::new();
        for write in &writes {
            let update = apply_updates(&one_by_one, root, [*write]);
            one_by_one.insert_all(&update);
            single_nodes.extend(created(&update));
            root = update.root;
        }

        prop_assert_eq!(batch.root, root);
        let old = reachable(&one_by_one, base_root);
        let live = reachable(&one_by_one, root);
        // The one-by-one nodes that the final root still reaches, and no other, are the batch's.
        let kept: BTreeMap<Hash32, Node> = single_nodes
            .into_iter()
            .filter(|(hash, _)| live.contains_key(hash) && !old.contains_key(hash))
            .collect();
        let batched = created(&batch);
        prop_assert_eq!(batched.len(), batch.new_nodes.len(), "each new node once");
        prop_assert_eq!(&batched, &kept);
        // Stored as a version, the batch's addresses lead to exactly its nodes and the old ones.
        let mut batched_store = batched_store;
        batched_store.insert_all(&batch);
        let reached = reachable(&batched_store, batch.root);
        prop_assert_eq!(reached, live);
        let stats = verify_tree(&batched_store, batch.root).expect("the tree is canonical");
        prop_assert_eq!(stats, verify_tree(&one_by_one, root).expect("the tree is canonical"));
    }

    // Each case tries every bit of two proofs, so its keys keep proofs short.
    #[test]
    fn flipping_any_bit_of_a_proof_or_claim_makes_verification_fail(
        records in btree_map(shallow_key(), value(), 0..60),
        present in any::<Index>(),
        absent in shallow_key(),
    ) {
        let (store, root) = tree(&records);
        let keys: Vec<_> = records.keys().copied().collect();

        if !keys.is_empty() {
            let key = *present.get(&keys);
            assert_every_flip_fails(&prove(&store, root, key), root, key, records.get(&key).copied());
        }
        if !records.contains_key(&absent) {
            assert_every_flip_fails(&prove(&store, root, absent), root, absent, None);
        }
    }
}

#[test]
fn a_deep_pair_of_keys_hangs_below_a_chain_of_255_internal_nodes() {
    let low = Hash32::ZERO;
    let high = flip(Hash32::ZERO, 255);
    let records = Records::from([(low, Hash32([1; 32])), (high, Hash32([2; 32]))]);
    let (store, root) = tree(&records);

    let stats = verify_tree(&store, root);
    let proof = prove(&store, root, high);

    assert_eq!(stats, Ok(TreeStats { leaves: 2, internal_nodes: 256, depth_max: 256 }));
    assert_eq!(proof.siblings.len(), 256);
    assert_eq!(proof.verify(root, high, Some(Hash32([2; 32]))), Ok(()));
}
