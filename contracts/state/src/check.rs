//! A full check of a stored tree, run when a node opens its database and by crash tests.

use onebook_types::{hash::Hash32, suite::Suite};

use crate::TreeError;
use crate::node::{KEY_BITS, NodeAt, NodeStore, StoredNode, shares_prefix};

/// What [`verify_tree`] counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TreeStats {
    /// The number of records.
    pub leaves: u64,
    /// The number of internal nodes.
    pub internal_nodes: u64,
    /// The depth of the deepest leaf (0 for a single leaf or the empty tree).
    pub depth_max: usize,
}

/// Checks every node reachable from `root`: that it is stored where its parent says, that it
/// hashes to what its parent commits to, that the tree has the canonical shape, and that every
/// leaf lies on its key's path. Reads each node once. Nodes are hashed in the `ed25519-blake3`
/// suite; see [`verify_tree_in`].
pub fn verify_tree<S: NodeStore + ?Sized>(store: &S, root: Hash32) -> Result<TreeStats, TreeError> {
    verify_tree_in(Suite::Ed25519Blake3, store, root)
}

/// [`verify_tree`] with nodes hashed in `suite`.
pub fn verify_tree_in<S: NodeStore + ?Sized>(
    suite: Suite,
    store: &S,
    root: Hash32,
) -> Result<TreeStats, TreeError> {
    let mut stats = TreeStats::default();
    if root == Hash32::ZERO {
        return Ok(stats);
    }
    let at = store.root(&root).ok_or(TreeError::MissingNode { hash: root, depth: 0 })?;
    // Depth-first with an explicit stack, which holds at most two entries per level.
    let mut stack =
        vec![Visit { hash: root, at, depth: 0, path: Hash32::ZERO, sibling_empty: false }];
    while let Some(visit) = stack.pop() {
        let Visit { hash, at, depth, path, sibling_empty } = visit;
        let node = store.node(at, &hash).ok_or(TreeError::MissingNode { hash, depth })?;
        let computed = node.hash_in(suite);
        if computed != hash {
            return Err(TreeError::HashMismatch { expected: hash, computed, at });
        }
        match node {
            StoredNode::Leaf { key_hash, .. } => {
                if sibling_empty {
                    return Err(TreeError::NotCanonical { hash, depth });
                }
                if !shares_prefix(&key_hash, &path, depth) {
                    return Err(TreeError::LeafNotOnPath { key_hash, depth });
                }
                stats.leaves += 1;
                stats.depth_max = stats.depth_max.max(depth);
            }
            StoredNode::Internal { left, right } => {
                if depth >= KEY_BITS {
                    return Err(TreeError::TooDeep { hash });
                }
                if left.hash() == Hash32::ZERO && right.hash() == Hash32::ZERO {
                    return Err(TreeError::NotCanonical { hash, depth });
                }
                stats.internal_nodes += 1;
                for (child, bit, sibling) in [(right, true, left), (left, false, right)] {
                    let child_at = match child.resolve(at.version) {
                        None => continue,
                        Some(_) if child.hash() == Hash32::ZERO => {
                            return Err(TreeError::EmptyChildStored { hash, depth });
                        }
                        Some(child_at) => child_at,
                    };
                    let path = with_bit(path, depth, bit);
                    let sibling_empty = sibling.hash() == Hash32::ZERO;
                    let depth = depth + 1;
                    stack.push(Visit {
                        hash: child.hash(),
                        at: child_at,
                        depth,
                        path,
                        sibling_empty,
                    });
                }
            }
        }
    }
    Ok(stats)
}

/// A node still to check, with where it sits.
struct Visit {
    hash: Hash32,
    at: NodeAt,
    depth: usize,
    /// The bits taken from the root to this node, in the first `depth` bits; the rest are 0.
    path: Hash32,
    sibling_empty: bool,
}

/// `hash` with bit `index` (most significant first) set to `bit`.
fn with_bit(mut hash: Hash32, index: usize, bit: bool) -> Hash32 {
    let mask = 0x80 >> (index % 8);
    if bit {
        hash.0[index / 8] |= mask;
    } else {
        hash.0[index / 8] &= !mask;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Child, MemNodeStore, Node, apply_updates, value_hash};

    fn key(first_byte: u8) -> Hash32 {
        let mut bytes = [0; 32];
        bytes[0] = first_byte;
        Hash32(bytes)
    }

    fn leaf(first_byte: u8) -> Node {
        Node::Leaf { key_hash: key(first_byte), value_hash: value_hash(&[first_byte]) }
    }

    /// Stores `nodes` as one version, each internal node's children referring to the earlier
    /// nodes of that version with their hashes (or to an address that holds nothing), and
    /// returns the hash of the last one, recorded as a root.
    fn store_nodes(store: &mut MemNodeStore, nodes: &[Node]) -> Hash32 {
        let child = |hash: Hash32, before: &[Node]| match hash {
            Hash32::ZERO => Child::Empty,
            _ => match before.iter().position(|node| node.hash() == hash) {
                Some(index) => Child::Here { hash, index: u32::try_from(index).expect("small") },
                None => Child::At { hash, at: NodeAt { version: 99, index: 0 } },
            },
        };
        let stored: Vec<StoredNode> = nodes
            .iter()
            .enumerate()
            .map(|(position, node)| match *node {
                Node::Leaf { key_hash, value_hash } => StoredNode::Leaf { key_hash, value_hash },
                Node::Internal { left, right } => StoredNode::Internal {
                    left: child(left, &nodes[..position]),
                    right: child(right, &nodes[..position]),
                },
            })
            .collect();
        let root = nodes.last().map_or(Hash32::ZERO, Node::hash);
        let last = u32::try_from(nodes.len().saturating_sub(1)).expect("small");
        store.insert_raw(stored, root, last);
        root
    }

    #[test]
    fn the_empty_tree_has_no_nodes() {
        let store = MemNodeStore::new();

        assert_eq!(verify_tree(&store, Hash32::ZERO), Ok(TreeStats::default()));
    }

    #[test]
    fn a_built_tree_counts_its_leaves_internal_nodes_and_depth() {
        let mut store = MemNodeStore::new();
        // Keys 0x00 and 0x20 split at bit 2 below a chain of two; 0x80 sits right of the root.
        let writes = [0x00, 0x20, 0x80].map(|byte| (key(byte), Some(value_hash(&[byte]))));
        let update = apply_updates(&store, Hash32::ZERO, writes);
        store.insert_all(&update);

        let stats = verify_tree(&store, update.root);

        assert_eq!(stats, Ok(TreeStats { leaves: 3, internal_nodes: 3, depth_max: 3 }));
    }

    #[test]
    fn a_root_the_store_does_not_hold_is_a_missing_node() {
        let store = MemNodeStore::new();

        let result = verify_tree(&store, key(1));

        assert_eq!(result, Err(TreeError::MissingNode { hash: key(1), depth: 0 }));
    }

    #[test]
    fn a_node_that_hashes_to_another_hash_than_its_parent_names_is_reported() {
        let mut store = MemNodeStore::new();
        let stored = StoredNode::Leaf { key_hash: key(1), value_hash: value_hash(&[1]) };
        store.insert_raw(vec![stored], key(1), 0);

        let result = verify_tree(&store, key(1));

        let at = NodeAt { version: 0, index: 0 };
        let expected = TreeError::HashMismatch { expected: key(1), computed: leaf(1).hash(), at };
        assert_eq!(result, Err(expected));
    }

    #[test]
    fn a_missing_node_is_reported() {
        let mut store = MemNodeStore::new();
        let root = store_nodes(&mut store, &[Node::Internal { left: key(1), right: key(2) }]);

        let result = verify_tree(&store, root);

        assert_eq!(result, Err(TreeError::MissingNode { hash: key(1), depth: 1 }));
    }

    #[test]
    fn a_stored_child_that_hashes_to_zero_is_reported() {
        let mut store = MemNodeStore::new();
        let lone = StoredNode::Leaf { key_hash: key(0x80), value_hash: value_hash(&[1]) };
        let zero = Child::Here { hash: Hash32::ZERO, index: 0 };
        let root =
            StoredNode::Internal { left: zero, right: Child::Here { hash: lone.hash(), index: 0 } };
        store.insert_raw(vec![lone, root], root.hash(), 1);

        let result = verify_tree(&store, root.hash());

        assert_eq!(result, Err(TreeError::EmptyChildStored { hash: root.hash(), depth: 0 }));
    }

    #[test]
    fn a_leaf_beside_an_empty_sibling_is_not_canonical() {
        let mut store = MemNodeStore::new();
        let lone = leaf(0x00);
        let root = store_nodes(
            &mut store,
            &[lone, Node::Internal { left: lone.hash(), right: Hash32::ZERO }],
        );

        let result = verify_tree(&store, root);

        assert_eq!(result, Err(TreeError::NotCanonical { hash: lone.hash(), depth: 1 }));
    }

    #[test]
    fn an_internal_node_with_two_empty_children_is_not_canonical() {
        let mut store = MemNodeStore::new();
        let root =
            store_nodes(&mut store, &[Node::Internal { left: Hash32::ZERO, right: Hash32::ZERO }]);

        let result = verify_tree(&store, root);

        assert_eq!(result, Err(TreeError::NotCanonical { hash: root, depth: 0 }));
    }

    #[test]
    fn a_leaf_on_the_wrong_side_is_not_on_its_path() {
        let mut store = MemNodeStore::new();
        // Key 0x80 has bit 0 set, so it belongs on the right, not the left.
        let (low, high) = (leaf(0x00), leaf(0x80));
        let swapped = Node::Internal { left: high.hash(), right: low.hash() };
        let root = store_nodes(&mut store, &[low, high, swapped]);

        let result = verify_tree(&store, root);

        assert_eq!(result, Err(TreeError::LeafNotOnPath { key_hash: key(0x80), depth: 1 }));
    }

    #[test]
    fn an_internal_node_below_the_deepest_level_is_too_deep() {
        let mut store = MemNodeStore::new();
        let (low, high) = (leaf(0x00), leaf(0x80));
        let mut chain = vec![low, high, Node::Internal { left: low.hash(), right: high.hash() }];
        for _ in 0..KEY_BITS {
            let below = chain.last().map(Node::hash).expect("the chain is not empty");
            chain.push(Node::Internal { left: below, right: Hash32::ZERO });
        }
        let root = store_nodes(&mut store, &chain);

        let result = verify_tree(&store, root);

        assert_eq!(result, Err(TreeError::TooDeep { hash: chain[2].hash() }));
    }
}
