//! Applying a block's writes to a tree as one sorted batch, producing a new root and the nodes
//! it adds.
//!
//! The writes are sorted by key hash once; then one walk from the root splits them by key bit at
//! each level, so every internal node on the path of one or more written keys is read once and
//! rebuilt once per batch, however many of the batch's keys pass through it. Children are built
//! before their parent, so each new node is hashed exactly once, from children already known, and
//! refers to its new children by their index in the batch's list. Untouched subtrees, and leaves
//! that only move up or down, stay where they are stored and are referred to there.

use onebook_types::{hash::Hash32, suite::Suite};

use crate::node::{Child, KEY_BITS, NodeAt, NodeStore, StoredNode, load, root_at};

/// The outcome of [`apply_updates`]: the new root and the nodes to store so it can be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeUpdate {
    /// The root after the batch; ZERO if the tree is now empty.
    pub root: Hash32,
    /// Where the root node is: [`Child::Here`] (an index in `new_nodes`) if the batch created
    /// it, [`Child::At`] if it was already stored, [`Child::Empty`] for the empty tree.
    pub root_ref: Child,
    /// The nodes the batch created, children before their parents (the new root, if it is new,
    /// comes last). A store keeps them, in this order, as the batch's version: a new node refers
    /// to a new child by its index here ([`Child::Here`]). They are exactly the nodes reachable
    /// from `root` that are not reachable from the root the batch was applied to, each once. A
    /// batch that recreates an earlier shape (a delete undoing an insert) creates its nodes
    /// again rather than finding the old copies.
    pub new_nodes: Vec<StoredNode>,
}

/// Applies a batch of writes to the tree at `root` and returns the new root and new nodes.
///
/// Each update is `(key_hash, Some(value_hash))` to insert or replace, or `(key_hash, None)` to
/// delete; the last write for a key wins. The old tree is left untouched, so `root` stays
/// readable once the new nodes are stored next to the old ones. The result is the same as
/// applying the writes one by one, in order, keeping only the nodes the last root reaches.
///
/// # Panics
///
/// If `store` lacks `root` (other than ZERO) or a node of its tree on the path of an updated key.
///
/// Nodes are hashed in the `ed25519-blake3` suite; see [`apply_updates_in`].
pub fn apply_updates<S: NodeStore + ?Sized>(
    store: &S,
    root: Hash32,
    updates: impl IntoIterator<Item = (Hash32, Option<Hash32>)>,
) -> TreeUpdate {
    apply_updates_in(Suite::Ed25519Blake3, store, root, updates)
}

/// [`apply_updates`] with every new node hashed in `suite`, the suite of the tree at `root`.
///
/// # Panics
///
/// If `store` lacks `root` (other than ZERO) or a node of its tree on the path of an updated key.
pub fn apply_updates_in<S: NodeStore + ?Sized>(
    suite: Suite,
    store: &S,
    root: Hash32,
    updates: impl IntoIterator<Item = (Hash32, Option<Hash32>)>,
) -> TreeUpdate {
    let updates = last_write_per_key(updates);
    let old = match root {
        Hash32::ZERO => Subtree::EMPTY,
        _ => Subtree { hash: root, kind: Kind::Kept, place: Place::Stored(root_at(store, root)) },
    };
    let read = match old.place {
        Place::Stored(at) if store.reads_ahead() && !updates.is_empty() => {
            read_paths(store, root, at, &updates)
        }
        _ => ReadAhead::default(),
    };
    let mut builder =
        Builder { suite, store, read, new_nodes: Vec::with_capacity(updates.len() * 12) };
    let new = builder.update(old, 0, &updates);
    debug_assert!(
        builder
            .read
            .levels
            .iter()
            .zip(&builder.read.next)
            .all(|(level, next)| level.len() == *next),
        "the rebuild asks for every node read ahead, in the order read"
    );
    TreeUpdate { root: new.hash, root_ref: new.child(), new_nodes: builder.new_nodes }
}

/// The writes sorted by key hash, keeping the last write of each key. Sorting makes each
/// subtree's writes one contiguous run, split in two at one point per level.
fn last_write_per_key(
    updates: impl IntoIterator<Item = (Hash32, Option<Hash32>)>,
) -> Vec<(Hash32, Option<Hash32>)> {
    let mut updates: Vec<(Hash32, Option<Hash32>)> = updates.into_iter().collect();
    // A stable sort keeps the writes of one key in their order, so the last one is the last.
    updates.sort_by_key(|(key, _)| *key);
    let mut last: Vec<(Hash32, Option<Hash32>)> = Vec::with_capacity(updates.len());
    for (key, value) in updates {
        match last.last_mut() {
            Some((previous, slot)) if *previous == key => *slot = value,
            _ => last.push((key, value)),
        }
    }
    last
}

/// The nodes read ahead on a batch's written paths: for each depth, the nodes of that depth in
/// key order, which is the order in which the rebuild, depth first and left to right, asks for
/// them. So each is found by a cursor per depth, without a map.
#[derive(Debug, Default)]
struct ReadAhead {
    levels: Vec<Vec<(NodeAt, StoredNode)>>,
    /// For each depth, the next node the rebuild will ask for.
    next: Vec<usize>,
}

impl ReadAhead {
    /// The node at `at` and `depth` if it is the next one read ahead there.
    fn take(&mut self, at: NodeAt, depth: usize) -> Option<StoredNode> {
        let (level, next) = (self.levels.get(depth)?, self.next.get_mut(depth)?);
        let (found, node) = level.get(*next)?;
        if *found != at {
            return None;
        }
        *next += 1;
        Some(*node)
    }
}

/// Reads every node of the tree at `root` (stored at `at`) on the paths of `updates`, one level
/// at a time.
///
/// The walk that rebuilds the tree goes depth first, so each of its reads waits for the one
/// above it. Here the reads of one level are independent of each other and go to the store
/// together ([`NodeStore::nodes`]), which lets a disk store overlap them. At most [`KEY_BITS`]
/// levels.
fn read_paths<S: NodeStore + ?Sized>(
    store: &S,
    root: Hash32,
    at: NodeAt,
    updates: &[(Hash32, Option<Hash32>)],
) -> ReadAhead {
    let mut read = ReadAhead::default();
    // The nodes to read at this level: (address, hash, the range of `updates` below it).
    let mut level: Vec<(NodeAt, Hash32, usize, usize)> = vec![(at, root, 0, updates.len())];
    let mut refs = Vec::new();
    let mut nodes = Vec::new();
    for depth in 0..=KEY_BITS {
        if level.is_empty() {
            break;
        }
        refs.clear();
        refs.extend(level.iter().map(|(at, hash, ..)| (*at, *hash)));
        nodes.clear();
        store.nodes(&refs, &mut nodes);
        assert_eq!(nodes.len(), refs.len(), "one answer per node asked");
        let mut next = Vec::with_capacity(level.len() * 2);
        let mut kept = Vec::with_capacity(level.len());
        for ((at, hash, start, end), node) in level.iter().copied().zip(nodes.iter().copied()) {
            let Some(node) = node else {
                panic!("state node {hash} at depth {depth} is missing from the store (at {at:?})");
            };
            kept.push((at, node));
            if let StoredNode::Internal { left, right } = node {
                assert!(depth < KEY_BITS, "internal state node {hash} below the deepest level");
                let split = start + split_point(&updates[start..end], depth);
                for (child, from, to) in [(left, start, split), (right, split, end)] {
                    if let Place::Stored(child_at) = Subtree::kept(child, at.version).place
                        && from < to
                    {
                        next.push((child_at, child.hash(), from, to));
                    }
                }
            }
        }
        read.levels.push(kept);
        read.next.push(0);
        level = next;
    }
    read
}

/// What a subtree built or kept by the batch is, so that a parent need not read it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Empty,
    Leaf,
    Internal,
    /// An untouched subtree of the old tree, whose node was not read.
    Kept,
}

/// Where a subtree's top node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// The empty subtree has no node.
    Nowhere,
    /// A node of this batch, at this index of its new nodes.
    New(u32),
    /// A node already stored.
    Stored(NodeAt),
}

/// A subtree's hash, kind and place.
#[derive(Clone, Copy, Debug)]
struct Subtree {
    hash: Hash32,
    kind: Kind,
    place: Place,
}

impl Subtree {
    const EMPTY: Self = Self { hash: Hash32::ZERO, kind: Kind::Empty, place: Place::Nowhere };

    /// The subtree a stored node of `version` names as its child.
    fn kept(child: Child, version: u64) -> Self {
        match child.resolve(version) {
            Some(at) if child.hash() != Hash32::ZERO => {
                Self { hash: child.hash(), kind: Kind::Kept, place: Place::Stored(at) }
            }
            _ => Self::EMPTY,
        }
    }

    /// How a new parent refers to this subtree.
    fn child(&self) -> Child {
        match self.place {
            Place::Nowhere => Child::Empty,
            Place::New(index) => Child::Here { hash: self.hash, index },
            Place::Stored(at) => Child::At { hash: self.hash, at },
        }
    }
}

/// A leaf of the old tree that a batch may push down below new neighbours, unchanged: the new
/// tree refers to it where it is stored.
#[derive(Clone, Copy, Debug)]
struct StoredLeaf {
    key_hash: Hash32,
    value_hash: Hash32,
    subtree: Subtree,
}

/// The state of one [`apply_updates`] call. Its recursion follows key paths, so it is at most
/// [`KEY_BITS`] levels deep.
struct Builder<'a, S: ?Sized> {
    suite: Suite,
    store: &'a S,
    /// The nodes on the written paths, read ahead by [`read_paths`] if the store asks for it.
    read: ReadAhead,
    new_nodes: Vec<StoredNode>,
}

impl<S: NodeStore + ?Sized> Builder<'_, S> {
    /// Applies `updates`, whose keys all lie below the subtree `old` at `depth`, and returns the
    /// new subtree.
    fn update(
        &mut self,
        old: Subtree,
        depth: usize,
        updates: &[(Hash32, Option<Hash32>)],
    ) -> Subtree {
        if updates.is_empty() {
            return old;
        }
        let Place::Stored(at) = old.place else {
            return self.build(depth, &written(updates), None);
        };
        match self.load(at, old.hash, depth) {
            StoredNode::Leaf { key_hash, value_hash } => {
                let stored = Subtree { kind: Kind::Leaf, ..old };
                if let [(key, value)] = updates
                    && *key == key_hash
                {
                    // The common case of a replaced or deleted record: no other key below.
                    return match value {
                        None => Subtree::EMPTY,
                        Some(value) if *value == value_hash => stored,
                        Some(value) => self.leaf(key_hash, *value),
                    };
                }
                let mut leaves = written(updates);
                if updates.binary_search_by(|(key, _)| key.cmp(&key_hash)).is_err() {
                    let at = leaves.partition_point(|(key, _)| *key < key_hash);
                    leaves.insert(at, (key_hash, value_hash));
                }
                // The old leaf may come back unchanged, lower down, where it is stored.
                self.build(
                    depth,
                    &leaves,
                    Some(StoredLeaf { key_hash, value_hash, subtree: stored }),
                )
            }
            StoredNode::Internal { left, right } => {
                assert!(
                    depth < KEY_BITS,
                    "internal state node {} below the deepest level",
                    old.hash
                );
                let (low, high) = updates.split_at(split_point(updates, depth));
                let (old_left, old_right) =
                    (Subtree::kept(left, at.version), Subtree::kept(right, at.version));
                let new_left = self.update(old_left, depth + 1, low);
                let new_right = self.update(old_right, depth + 1, high);
                if (new_left.hash, new_right.hash) == (old_left.hash, old_right.hash) {
                    return Subtree { kind: Kind::Internal, ..old };
                }
                self.make_internal(depth + 1, new_left, new_right)
            }
        }
    }

    /// Builds the canonical subtree at `depth` for `leaves`: sorted, distinct keys that share
    /// their first `depth` bits. `stored` is a leaf the store already holds, not to create again.
    fn build(
        &mut self,
        depth: usize,
        leaves: &[(Hash32, Hash32)],
        stored: Option<StoredLeaf>,
    ) -> Subtree {
        match leaves {
            [] => Subtree::EMPTY,
            [(key_hash, value_hash)] => match stored {
                Some(leaf) if (leaf.key_hash, leaf.value_hash) == (*key_hash, *value_hash) => {
                    leaf.subtree
                }
                _ => self.leaf(*key_hash, *value_hash),
            },
            _ => {
                assert!(depth < KEY_BITS, "two distinct key hashes differ at some bit");
                let (low, high) = leaves.split_at(split_point(leaves, depth));
                let left = self.build(depth + 1, low, stored);
                let right = self.build(depth + 1, high, stored);
                // Two or more leaves never collapse, even if they all fall on one side.
                let node = StoredNode::Internal { left: left.child(), right: right.child() };
                self.record(node, Kind::Internal)
            }
        }
    }

    /// The canonical parent of two subtrees at `child_depth`: an empty pair is empty, and a lone
    /// leaf rises to take the parent's place.
    fn make_internal(&mut self, child_depth: usize, left: Subtree, right: Subtree) -> Subtree {
        let lone = match (left.kind, right.kind) {
            (Kind::Empty, Kind::Empty) => return Subtree::EMPTY,
            (Kind::Empty, _) => Some(right),
            (_, Kind::Empty) => Some(left),
            _ => None,
        };
        if let Some(child) = lone
            && self.is_leaf(child, child_depth)
        {
            return Subtree { kind: Kind::Leaf, ..child };
        }
        let node = StoredNode::Internal { left: left.child(), right: right.child() };
        self.record(node, Kind::Internal)
    }

    /// Whether `subtree`, just built or kept from the old tree, is a leaf. Only a kept subtree
    /// is read from the store, and only when a delete leaves it alone beside an empty sibling; a
    /// kept subtree has no write below it, so it was not read ahead.
    fn is_leaf(&self, subtree: Subtree, depth: usize) -> bool {
        match (subtree.kind, subtree.place) {
            (Kind::Leaf, _) => true,
            (Kind::Kept, Place::Stored(at)) => {
                matches!(load(self.store, at, subtree.hash, depth), StoredNode::Leaf { .. })
            }
            _ => false,
        }
    }

    /// A node of the old tree on a written path: read ahead if the store reads ahead, else
    /// from the store.
    fn load(&mut self, at: NodeAt, hash: Hash32, depth: usize) -> StoredNode {
        match self.read.take(at, depth) {
            Some(node) => node,
            None => load(self.store, at, hash, depth),
        }
    }

    /// A new leaf.
    fn leaf(&mut self, key_hash: Hash32, value_hash: Hash32) -> Subtree {
        self.record(StoredNode::Leaf { key_hash, value_hash }, Kind::Leaf)
    }

    /// Notes `node` as new and returns it as a subtree.
    fn record(&mut self, node: StoredNode, kind: Kind) -> Subtree {
        let hash = node.hash_in(self.suite);
        let index =
            u32::try_from(self.new_nodes.len()).expect("a batch creates fewer than 2^32 nodes");
        self.new_nodes.push(node);
        Subtree { hash, kind, place: Place::New(index) }
    }
}

/// The `(key_hash, value_hash)` pairs that `updates` writes, dropping deletes.
fn written(updates: &[(Hash32, Option<Hash32>)]) -> Vec<(Hash32, Hash32)> {
    updates.iter().filter_map(|(key, value)| value.map(|value| (*key, value))).collect()
}

/// Where items sorted by key hash, whose keys share their first `depth` bits, split by bit
/// `depth`: those before the returned index have bit 0, the rest bit 1.
fn split_point<T>(items: &[(Hash32, T)], depth: usize) -> usize {
    items.partition_point(|(key, _)| !key.bit(depth))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemNodeStore, Node, get, key_hash, value_hash};

    fn hash_with_first_byte(byte: u8) -> Hash32 {
        let mut bytes = [0x55; 32];
        bytes[0] = byte;
        Hash32(bytes)
    }

    fn commit(
        store: &mut MemNodeStore,
        root: Hash32,
        updates: &[(Hash32, Option<Hash32>)],
    ) -> Hash32 {
        let update = apply_updates(store, root, updates.iter().copied());
        store.insert_all(&update);
        update.root
    }

    fn leaf(key_hash: Hash32, value_hash: Hash32) -> StoredNode {
        StoredNode::Leaf { key_hash, value_hash }
    }

    #[test]
    fn an_empty_batch_on_the_empty_tree_gives_the_zero_root() {
        let store = MemNodeStore::new();

        let update = apply_updates(&store, Hash32::ZERO, []);

        let expected = TreeUpdate { root: Hash32::ZERO, root_ref: Child::Empty, new_nodes: vec![] };
        assert_eq!(update, expected);
    }

    #[test]
    fn one_key_gives_a_leaf_root() {
        let store = MemNodeStore::new();
        let leaf = leaf(key_hash(b"k"), value_hash(b"v"));

        let update =
            apply_updates(&store, Hash32::ZERO, [(key_hash(b"k"), Some(value_hash(b"v")))]);

        let root_ref = Child::Here { hash: leaf.hash(), index: 0 };
        assert_eq!(update, TreeUpdate { root: leaf.hash(), root_ref, new_nodes: vec![leaf] });
    }

    #[test]
    fn inserting_then_deleting_a_key_returns_the_previous_root() {
        let mut store = MemNodeStore::new();
        let before = commit(&mut store, Hash32::ZERO, &[(key_hash(b"a"), Some(value_hash(b"1")))]);

        let inserted = commit(&mut store, before, &[(key_hash(b"b"), Some(value_hash(b"2")))]);
        let deleted = commit(&mut store, inserted, &[(key_hash(b"b"), None)]);

        assert_ne!(inserted, before);
        assert_eq!(deleted, before);
    }

    #[test]
    fn deleting_the_only_key_gives_the_zero_root() {
        let mut store = MemNodeStore::new();
        let root = commit(&mut store, Hash32::ZERO, &[(key_hash(b"a"), Some(value_hash(b"1")))]);

        let update = apply_updates(&store, root, [(key_hash(b"a"), None)]);

        let expected = TreeUpdate { root: Hash32::ZERO, root_ref: Child::Empty, new_nodes: vec![] };
        assert_eq!(update, expected);
    }

    #[test]
    fn replacing_a_value_changes_the_root_and_the_old_root_still_answers_the_old_value() {
        let mut store = MemNodeStore::new();
        let (a, b) = (key_hash(b"a"), key_hash(b"b"));
        let old = commit(&mut store, Hash32::ZERO, &[(a, Some(value_hash(b"1"))), (b, None)]);

        let new = commit(&mut store, old, &[(a, Some(value_hash(b"2")))]);

        assert_ne!(new, old);
        assert_eq!(get(&store, new, a), Some(value_hash(b"2")));
        assert_eq!(get(&store, old, a), Some(value_hash(b"1")));
    }

    #[test]
    fn two_keys_differing_at_bit_zero_give_an_internal_root_with_the_zero_bit_key_left() {
        let store = MemNodeStore::new();
        let (a, b) = (hash_with_first_byte(0x7f), hash_with_first_byte(0x80));
        let (va, vb) = (value_hash(b"a"), value_hash(b"b"));
        let (leaf_a, leaf_b) = (leaf(a, va), leaf(b, vb));

        let update = apply_updates(&store, Hash32::ZERO, [(b, Some(vb)), (a, Some(va))]);

        let root = StoredNode::Internal {
            left: Child::Here { hash: leaf_a.hash(), index: 0 },
            right: Child::Here { hash: leaf_b.hash(), index: 1 },
        };
        assert_eq!(
            update.root,
            Node::Internal { left: leaf_a.hash(), right: leaf_b.hash() }.hash()
        );
        assert_eq!(update.new_nodes, vec![leaf_a, leaf_b, root]);
        assert_eq!(update.root_ref, Child::Here { hash: update.root, index: 2 });
    }

    #[test]
    fn keys_sharing_a_prefix_hang_below_a_chain_with_empty_siblings() {
        let store = MemNodeStore::new();
        // 0b0010_0000 and 0b0000_0000 share bits 0 and 1 and first differ at bit 2.
        let (a, b) = (hash_with_first_byte(0x00), hash_with_first_byte(0x20));
        let value = value_hash(b"v");
        let leaf_a = leaf(a, value).hash();
        let leaf_b = leaf(b, value).hash();
        let split = Node::Internal { left: leaf_a, right: leaf_b }.hash();
        let level_1 = Node::Internal { left: split, right: Hash32::ZERO }.hash();

        let update = apply_updates(&store, Hash32::ZERO, [(a, Some(value)), (b, Some(value))]);

        assert_eq!(update.root, Node::Internal { left: level_1, right: Hash32::ZERO }.hash());
    }

    #[test]
    fn deleting_down_to_one_key_lifts_its_stored_leaf_to_the_root() {
        let mut store = MemNodeStore::new();
        let (a, b) = (hash_with_first_byte(0x00), hash_with_first_byte(0x01));
        let value = value_hash(b"v");
        let root = commit(&mut store, Hash32::ZERO, &[(a, Some(value)), (b, Some(value))]);

        let update = apply_updates(&store, root, [(b, None)]);

        // The leaf of `a` was created first in version 0 and is referred to there.
        let hash = leaf(a, value).hash();
        let root_ref = Child::At { hash, at: NodeAt { version: 0, index: 0 } };
        assert_eq!(update, TreeUpdate { root: hash, root_ref, new_nodes: vec![] });
    }

    #[test]
    fn a_leaf_pushed_down_by_a_new_neighbour_is_referred_to_where_it_is_stored() {
        let mut store = MemNodeStore::new();
        // 0x00 and 0x01 share their first seven bits; 0x80 keeps `a` alone on the left first.
        let (a, b, c) =
            (hash_with_first_byte(0x00), hash_with_first_byte(0x80), hash_with_first_byte(0x01));
        let value = value_hash(b"v");
        let root = commit(&mut store, Hash32::ZERO, &[(a, Some(value)), (b, Some(value))]);

        let update = apply_updates(&store, root, [(c, Some(value))]);

        // New: the leaf of `c`, the node where `a` and `c` split, six chain nodes, the root.
        assert_eq!(update.new_nodes.len(), 1 + 1 + 6 + 1);
        assert_eq!(update.new_nodes[0], leaf(c, value));
        let StoredNode::Internal { left, right } = update.new_nodes[1] else {
            panic!("the split node is internal");
        };
        assert_eq!(
            left,
            Child::At { hash: leaf(a, value).hash(), at: NodeAt { version: 0, index: 0 } }
        );
        assert_eq!(right, Child::Here { hash: leaf(c, value).hash(), index: 0 });
        store.insert_all(&update);
        assert_eq!(get(&store, update.root, a), Some(value));
        assert_eq!(get(&store, update.root, c), Some(value));
    }

    #[test]
    fn the_last_write_for_a_key_in_a_batch_wins() {
        let store = MemNodeStore::new();
        let key = key_hash(b"k");

        let update = apply_updates(
            &store,
            Hash32::ZERO,
            [(key, Some(value_hash(b"1"))), (key, None), (key, Some(value_hash(b"3")))],
        );

        assert_eq!(update.root, leaf(key, value_hash(b"3")).hash());
    }

    #[test]
    fn rewriting_present_values_and_deleting_absent_keys_adds_no_nodes() {
        let mut store = MemNodeStore::new();
        let writes: Vec<_> = (0u8..20).map(|i| (key_hash(&[i]), Some(value_hash(&[i])))).collect();
        let first = apply_updates(&store, Hash32::ZERO, writes.iter().copied());
        store.insert_all(&first);

        let update =
            apply_updates(&store, first.root, writes.into_iter().chain([(key_hash(b"x"), None)]));

        let last = u32::try_from(first.new_nodes.len() - 1).expect("small");
        let root_ref = Child::At { hash: first.root, at: NodeAt { version: 0, index: last } };
        assert_eq!(update, TreeUpdate { root: first.root, root_ref, new_nodes: vec![] });
    }

    #[test]
    #[should_panic(expected = "missing from the store")]
    fn updating_a_tree_whose_root_is_missing_panics() {
        let store = MemNodeStore::new();

        apply_updates(&store, key_hash(b"not a stored root"), [(key_hash(b"k"), None)]);
    }

    #[test]
    #[should_panic(expected = "missing from the store")]
    fn updating_a_tree_whose_nodes_are_missing_panics() {
        let mut store = MemNodeStore::new();
        let absent = Child::At { hash: key_hash(b"absent"), at: NodeAt { version: 9, index: 0 } };
        let present = Child::Here { hash: key_hash(b"present"), index: 0 };
        let root = StoredNode::Internal { left: absent, right: present };
        store.insert_raw(vec![leaf(key_hash(b"x"), Hash32::ZERO), root], root.hash(), 1);

        apply_updates(&store, root.hash(), [(Hash32::ZERO, None)]);
    }
}
