//! Applying a block's writes to a tree as one sorted batch, producing a new root and the nodes
//! it adds.
//!
//! The writes are sorted by key hash once; then one walk from the root splits them by key bit at
//! each level, so every internal node on the path of one or more written keys is read once and
//! rebuilt once per batch, however many of the batch's keys pass through it. Children are built
//! before their parent, so each new node is hashed exactly once, from children already known.

use onebook_types::{hash::Hash32, suite::Suite};

use crate::node::{KEY_BITS, Node, NodeMap, NodeStore, load};

/// The outcome of [`apply_updates`]: the new root and the nodes to store so it can be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeUpdate {
    /// The root after the batch; ZERO if the tree is now empty.
    pub root: Hash32,
    /// The nodes the batch created, as `(hash, node)`, children before their parents (the new
    /// root, if it is new, comes last), each once. They are exactly the nodes reachable from
    /// `root` that are not reachable from the root the batch was applied to. A batch that
    /// recreates an earlier shape (a delete undoing an insert) may so list nodes the store
    /// already holds from an older version; storing them again is harmless.
    pub new_nodes: Vec<(Hash32, Node)>,
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
/// If `store` lacks a node of the tree at `root` on the path of an updated key.
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
/// If `store` lacks a node of the tree at `root` on the path of an updated key.
pub fn apply_updates_in<S: NodeStore + ?Sized>(
    suite: Suite,
    store: &S,
    root: Hash32,
    updates: impl IntoIterator<Item = (Hash32, Option<Hash32>)>,
) -> TreeUpdate {
    let updates = last_write_per_key(updates);
    let read = read_paths(store, root, &updates);
    let new_nodes = Vec::with_capacity(updates.len() * 12);
    let mut builder = Builder { suite, store, read, new_nodes };
    let root = builder.update(root, 0, &updates).hash;
    TreeUpdate { root, new_nodes: builder.new_nodes }
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

/// Reads every node of the tree at `root` on the paths of `updates`, one level at a time.
///
/// The walk that rebuilds the tree goes depth first, so each of its reads waits for the one
/// above it. Here the reads of one level are independent of each other and go to the store
/// together ([`NodeStore::nodes`]), which lets a memory or disk store overlap them. At most
/// [`KEY_BITS`] levels.
fn read_paths<S: NodeStore + ?Sized>(
    store: &S,
    root: Hash32,
    updates: &[(Hash32, Option<Hash32>)],
) -> NodeMap {
    let mut read = NodeMap::default();
    // The subtrees to read at this level: (hash, the range of `updates` below it).
    let mut level: Vec<(Hash32, usize, usize)> = Vec::new();
    if root != Hash32::ZERO && !updates.is_empty() {
        level.push((root, 0, updates.len()));
    }
    let mut hashes = Vec::new();
    let mut nodes = Vec::new();
    for depth in 0..=KEY_BITS {
        if level.is_empty() {
            break;
        }
        hashes.clear();
        hashes.extend(level.iter().map(|(hash, ..)| *hash));
        nodes.clear();
        store.nodes(&hashes, &mut nodes);
        assert_eq!(nodes.len(), hashes.len(), "one answer per hash asked");
        let mut next = Vec::with_capacity(level.len() * 2);
        for ((hash, start, end), node) in level.iter().copied().zip(nodes.iter().copied()) {
            let Some(node) = node else {
                panic!("state node {hash} at depth {depth} is missing from the store");
            };
            read.insert(hash, node);
            if let Node::Internal { left, right } = node {
                assert!(depth < KEY_BITS, "internal state node {hash} below the deepest level");
                let split = start + split_point(&updates[start..end], depth);
                for (child, from, to) in [(left, start, split), (right, split, end)] {
                    if child != Hash32::ZERO && from < to {
                        next.push((child, from, to));
                    }
                }
            }
        }
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

/// A subtree's hash and kind.
#[derive(Clone, Copy, Debug)]
struct Subtree {
    hash: Hash32,
    kind: Kind,
}

impl Subtree {
    const EMPTY: Self = Self { hash: Hash32::ZERO, kind: Kind::Empty };
}

/// The state of one [`apply_updates`] call. Its recursion follows key paths, so it is at most
/// [`KEY_BITS`] levels deep.
struct Builder<'a, S: ?Sized> {
    suite: Suite,
    store: &'a S,
    /// The nodes on the written paths, read ahead by [`read_paths`].
    read: NodeMap,
    new_nodes: Vec<(Hash32, Node)>,
}

impl<S: NodeStore + ?Sized> Builder<'_, S> {
    /// Applies `updates`, whose keys all lie below the subtree `hash` at `depth`, and returns the
    /// new subtree.
    fn update(
        &mut self,
        hash: Hash32,
        depth: usize,
        updates: &[(Hash32, Option<Hash32>)],
    ) -> Subtree {
        if updates.is_empty() {
            let kind = if hash == Hash32::ZERO { Kind::Empty } else { Kind::Kept };
            return Subtree { hash, kind };
        }
        if hash == Hash32::ZERO {
            return self.build(depth, &written(updates), None);
        }
        match self.load(hash, depth) {
            Node::Leaf { key_hash, value_hash } => {
                if let [(key, value)] = updates
                    && *key == key_hash
                {
                    // The common case of a replaced or deleted record: no other key below.
                    return match value {
                        None => Subtree::EMPTY,
                        Some(value) if *value == value_hash => Subtree { hash, kind: Kind::Leaf },
                        Some(value) => self.leaf(key_hash, *value),
                    };
                }
                let mut leaves = written(updates);
                if updates.binary_search_by(|(key, _)| key.cmp(&key_hash)).is_err() {
                    let at = leaves.partition_point(|(key, _)| *key < key_hash);
                    leaves.insert(at, (key_hash, value_hash));
                }
                // The old leaf may come back unchanged, lower down; the store already holds it.
                self.build(depth, &leaves, Some((key_hash, value_hash)))
            }
            Node::Internal { left, right } => {
                assert!(depth < KEY_BITS, "internal state node {hash} below the deepest level");
                let (low, high) = updates.split_at(split_point(updates, depth));
                let new_left = self.update(left, depth + 1, low);
                let new_right = self.update(right, depth + 1, high);
                if (new_left.hash, new_right.hash) == (left, right) {
                    return Subtree { hash, kind: Kind::Internal };
                }
                self.make_internal(depth + 1, new_left, new_right)
            }
        }
    }

    /// Builds the canonical subtree at `depth` for `leaves`: sorted, distinct keys that share
    /// their first `depth` bits. `stored` is a leaf the store already holds, not to list as new.
    fn build(
        &mut self,
        depth: usize,
        leaves: &[(Hash32, Hash32)],
        stored: Option<(Hash32, Hash32)>,
    ) -> Subtree {
        match leaves {
            [] => Subtree::EMPTY,
            [(key_hash, value_hash)] if stored == Some((*key_hash, *value_hash)) => {
                let leaf = Node::Leaf { key_hash: *key_hash, value_hash: *value_hash };
                let hash = leaf.hash_in(self.suite);
                Subtree { hash, kind: Kind::Leaf }
            }
            [(key_hash, value_hash)] => self.leaf(*key_hash, *value_hash),
            _ => {
                assert!(depth < KEY_BITS, "two distinct key hashes differ at some bit");
                let (low, high) = leaves.split_at(split_point(leaves, depth));
                let left = self.build(depth + 1, low, stored).hash;
                let right = self.build(depth + 1, high, stored).hash;
                // Two or more leaves never collapse, even if they all fall on one side.
                self.record(Node::Internal { left, right }, Kind::Internal)
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
            return Subtree { hash: child.hash, kind: Kind::Leaf };
        }
        self.record(Node::Internal { left: left.hash, right: right.hash }, Kind::Internal)
    }

    /// Whether `subtree`, just built or kept from the old tree, is a leaf. Only a kept subtree
    /// is read from the store, and only when a delete leaves it alone beside an empty sibling.
    fn is_leaf(&self, subtree: Subtree, depth: usize) -> bool {
        match subtree.kind {
            Kind::Leaf => true,
            Kind::Empty | Kind::Internal => false,
            Kind::Kept => matches!(self.load(subtree.hash, depth), Node::Leaf { .. }),
        }
    }

    /// A node of the old tree: read ahead if it is on a written path, else from the store.
    fn load(&self, hash: Hash32, depth: usize) -> Node {
        match self.read.get(&hash) {
            Some(node) => *node,
            None => load(self.store, hash, depth),
        }
    }

    /// A new leaf.
    fn leaf(&mut self, key_hash: Hash32, value_hash: Hash32) -> Subtree {
        self.record(Node::Leaf { key_hash, value_hash }, Kind::Leaf)
    }

    /// Notes `node` as new and returns it as a subtree.
    fn record(&mut self, node: Node, kind: Kind) -> Subtree {
        let hash = node.hash_in(self.suite);
        self.new_nodes.push((hash, node));
        Subtree { hash, kind }
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
    use crate::{MemNodeStore, get, key_hash, value_hash};

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

    #[test]
    fn an_empty_batch_on_the_empty_tree_gives_the_zero_root() {
        let store = MemNodeStore::new();

        let update = apply_updates(&store, Hash32::ZERO, []);

        assert_eq!(update, TreeUpdate { root: Hash32::ZERO, new_nodes: vec![] });
    }

    #[test]
    fn one_key_gives_a_leaf_root() {
        let store = MemNodeStore::new();
        let leaf = Node::Leaf { key_hash: key_hash(b"k"), value_hash: value_hash(b"v") };

        let update =
            apply_updates(&store, Hash32::ZERO, [(key_hash(b"k"), Some(value_hash(b"v")))]);

        assert_eq!(update, TreeUpdate { root: leaf.hash(), new_nodes: vec![(leaf.hash(), leaf)] });
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

        assert_eq!(update, TreeUpdate { root: Hash32::ZERO, new_nodes: vec![] });
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
        let leaf_a = Node::Leaf { key_hash: a, value_hash: va }.hash();
        let leaf_b = Node::Leaf { key_hash: b, value_hash: vb }.hash();

        let update = apply_updates(&store, Hash32::ZERO, [(b, Some(vb)), (a, Some(va))]);

        assert_eq!(update.root, Node::Internal { left: leaf_a, right: leaf_b }.hash());
        assert_eq!(update.new_nodes.len(), 3);
    }

    #[test]
    fn keys_sharing_a_prefix_hang_below_a_chain_with_empty_siblings() {
        let store = MemNodeStore::new();
        // 0b0010_0000 and 0b0000_0000 share bits 0 and 1 and first differ at bit 2.
        let (a, b) = (hash_with_first_byte(0x00), hash_with_first_byte(0x20));
        let value = value_hash(b"v");
        let leaf_a = Node::Leaf { key_hash: a, value_hash: value }.hash();
        let leaf_b = Node::Leaf { key_hash: b, value_hash: value }.hash();
        let split = Node::Internal { left: leaf_a, right: leaf_b }.hash();
        let level_1 = Node::Internal { left: split, right: Hash32::ZERO }.hash();

        let update = apply_updates(&store, Hash32::ZERO, [(a, Some(value)), (b, Some(value))]);

        assert_eq!(update.root, Node::Internal { left: level_1, right: Hash32::ZERO }.hash());
    }

    #[test]
    fn deleting_down_to_one_key_lifts_its_leaf_to_the_root() {
        let mut store = MemNodeStore::new();
        let (a, b) = (hash_with_first_byte(0x00), hash_with_first_byte(0x01));
        let value = value_hash(b"v");
        let root = commit(&mut store, Hash32::ZERO, &[(a, Some(value)), (b, Some(value))]);

        let update = apply_updates(&store, root, [(b, None)]);

        assert_eq!(update.root, Node::Leaf { key_hash: a, value_hash: value }.hash());
        assert_eq!(update.new_nodes, vec![]);
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

        let expected = Node::Leaf { key_hash: key, value_hash: value_hash(b"3") };
        assert_eq!(update.root, expected.hash());
    }

    #[test]
    fn rewriting_present_values_and_deleting_absent_keys_adds_no_nodes() {
        let mut store = MemNodeStore::new();
        let writes: Vec<_> = (0u8..20).map(|i| (key_hash(&[i]), Some(value_hash(&[i])))).collect();
        let root = commit(&mut store, Hash32::ZERO, &writes);

        let update =
            apply_updates(&store, root, writes.into_iter().chain([(key_hash(b"x"), None)]));

        assert_eq!(update, TreeUpdate { root, new_nodes: vec![] });
    }

    #[test]
    #[should_panic(expected = "missing from the store")]
    fn updating_a_tree_whose_nodes_are_missing_panics() {
        let store = MemNodeStore::new();

        apply_updates(&store, key_hash(b"not a stored node"), [(key_hash(b"k"), None)]);
    }
}
