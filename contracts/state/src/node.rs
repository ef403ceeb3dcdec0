//! Tree nodes, the hashes that address them, and the store that holds them.

use std::collections::BTreeMap;

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_types::hash::{Hash32, Tag, hash_tagged};

use crate::TreeUpdate;

/// The number of bits in a key path, and so the greatest depth of the tree. It bounds every walk
/// and every recursion in this crate.
pub(crate) const KEY_BITS: usize = 256;

/// The path of a record in the state tree: `hash_tagged(StateKey, key)`.
pub fn key_hash(key: &[u8]) -> Hash32 {
    hash_tagged(Tag::StateKey, &[key])
}

/// The digest of a record's value that its leaf commits to: `hash_tagged(StateValue, value)`.
pub fn value_hash(value: &[u8]) -> Hash32 {
    hash_tagged(Tag::StateValue, &[value])
}

/// A stored node of the state tree. The empty subtree is [`Hash32::ZERO`] and has no node.
///
/// The borsh encoding is part of the format: `0x00 || key_hash || value_hash` for a leaf and
/// `0x01 || left || right` for an internal node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum Node {
    /// A subtree holding exactly one record.
    Leaf {
        /// The record's path, [`key_hash`] of its key.
        key_hash: Hash32,
        /// [`value_hash`] of the record's value.
        value_hash: Hash32,
    },
    /// A subtree holding two or more records, split by the key-hash bit at the node's depth.
    Internal {
        /// The subtree whose keys have bit `depth` equal to 0, or ZERO if there is none.
        left: Hash32,
        /// The subtree whose keys have bit `depth` equal to 1, or ZERO if there is none.
        right: Hash32,
    },
}

impl Node {
    /// The node's hash, which is also the key it is stored under.
    pub fn hash(&self) -> Hash32 {
        match self {
            Self::Leaf { key_hash, value_hash } => {
                hash_tagged(Tag::StateLeaf, &[key_hash.as_bytes(), value_hash.as_bytes()])
            }
            Self::Internal { left, right } => {
                hash_tagged(Tag::StateNode, &[left.as_bytes(), right.as_bytes()])
            }
        }
    }
}

/// Read access to state nodes by hash.
///
/// There is no `Result`: a node that cannot read its own state must stop, so an implementation
/// panics on I/O failure, and callers treat a missing node as a broken invariant.
pub trait NodeStore {
    /// The node stored under `hash`, if any.
    fn node(&self, hash: &Hash32) -> Option<Node>;
}

/// An in-memory [`NodeStore`], for tests and for computing the genesis state root.
#[derive(Clone, Debug, Default)]
pub struct MemNodeStore {
    nodes: BTreeMap<Hash32, Node>,
}

impl MemNodeStore {
    /// An empty store, which holds the empty tree (root ZERO) only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores the nodes of `update`. Old nodes stay, so every earlier root stays readable.
    pub fn insert_all(&mut self, update: &TreeUpdate) {
        self.nodes.extend(update.new_nodes.iter().copied());
    }

    /// The number of nodes stored.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether no node is stored.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Stores `node` under any hash, to build broken trees in tests.
    #[cfg(test)]
    pub(crate) fn insert_raw(&mut self, hash: Hash32, node: Node) {
        self.nodes.insert(hash, node);
    }
}

impl NodeStore for MemNodeStore {
    fn node(&self, hash: &Hash32) -> Option<Node> {
        self.nodes.get(hash).copied()
    }
}

/// Loads a node that the tree rooted where the walk started must contain.
pub(crate) fn load<S: NodeStore + ?Sized>(store: &S, hash: Hash32, depth: usize) -> Node {
    let Some(node) = store.node(&hash) else {
        panic!("state node {hash} at depth {depth} is missing from the store");
    };
    node
}

/// Whether `a` and `b` agree on their first `bits` bits.
pub(crate) fn shares_prefix(a: &Hash32, b: &Hash32, bits: usize) -> bool {
    (0..bits).all(|index| a.bit(index) == b.bit(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_hashes_use_the_state_tags_over_the_concatenated_children() {
        let (a, b) = (key_hash(b"a"), value_hash(b"b"));

        let leaf = Node::Leaf { key_hash: a, value_hash: b }.hash();
        let internal = Node::Internal { left: a, right: b }.hash();

        assert_eq!(leaf, hash_tagged(Tag::StateLeaf, &[&[a.0, b.0].concat()]));
        assert_eq!(internal, hash_tagged(Tag::StateNode, &[&[a.0, b.0].concat()]));
        assert_ne!(leaf, internal);
    }

    #[test]
    fn nodes_encode_as_a_variant_byte_then_two_hashes() {
        let (a, b) = (Hash32([1; 32]), Hash32([2; 32]));

        let leaf = borsh::to_vec(&Node::Leaf { key_hash: a, value_hash: b }).expect("encodes");
        let internal = borsh::to_vec(&Node::Internal { left: a, right: b }).expect("encodes");

        assert_eq!(leaf, [&[0u8][..], &a.0, &b.0].concat());
        assert_eq!(internal, [&[1u8][..], &a.0, &b.0].concat());
    }
}
