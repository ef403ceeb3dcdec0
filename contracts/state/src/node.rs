//! Tree nodes, the hashes that address them, and the store that holds them.

use std::hash::{BuildHasherDefault, Hasher};

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_types::{
    hash::{Hash32, Tag, hash_tagged},
    suite::Suite,
};

use crate::TreeUpdate;

/// The number of bits in a key path, and so the greatest depth of the tree. It bounds every walk
/// and every recursion in this crate.
pub(crate) const KEY_BITS: usize = 256;

/// The path of a record in the state tree: `hash_tagged(StateKey, key)`.
/// In the `ed25519-blake3` suite; see [`key_hash_in`].
pub fn key_hash(key: &[u8]) -> Hash32 {
    hash_tagged(Tag::StateKey, &[key])
}

/// [`key_hash`] in `suite`.
pub fn key_hash_in(suite: Suite, key: &[u8]) -> Hash32 {
    suite.hash_tagged(Tag::StateKey, &[key])
}

/// The digest of a record's value that its leaf commits to: `hash_tagged(StateValue, value)`.
/// In the `ed25519-blake3` suite; see [`value_hash_in`].
pub fn value_hash(value: &[u8]) -> Hash32 {
    hash_tagged(Tag::StateValue, &[value])
}

/// [`value_hash`] in `suite`.
pub fn value_hash_in(suite: Suite, value: &[u8]) -> Hash32 {
    suite.hash_tagged(Tag::StateValue, &[value])
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
    /// The node's hash, which is also the key it is stored under (`ed25519-blake3`).
    pub fn hash(&self) -> Hash32 {
        self.hash_in(Suite::Ed25519Blake3)
    }

    /// The node's hash in `suite`.
    pub fn hash_in(&self, suite: Suite) -> Hash32 {
        match self {
            Self::Leaf { key_hash, value_hash } => {
                hash_pair(suite, Tag::StateLeaf, key_hash, value_hash)
            }
            Self::Internal { left, right } => hash_pair(suite, Tag::StateNode, left, right),
        }
    }
}

/// The longest state tag, `onebook/state-leaf/v1` or `onebook/state-node/v1`.
const STATE_TAG_BYTES: usize = 21;

/// `hash_tagged(tag, &[a, b])` for a state tag, hashed in one call over a buffer on the stack
/// rather than through an incremental hasher: the tree hashes millions of these 86-byte inputs.
fn hash_pair(suite: Suite, tag: Tag, a: &Hash32, b: &Hash32) -> Hash32 {
    let tag = tag.as_str().as_bytes();
    assert!(tag.len() <= STATE_TAG_BYTES, "state tags fit the buffer");
    let mut input = [0u8; STATE_TAG_BYTES + 1 + 64];
    let length = tag.len() + 1 + 64;
    input[..tag.len()].copy_from_slice(tag);
    // input[tag.len()] stays 0: the separator after the tag.
    input[tag.len() + 1..tag.len() + 33].copy_from_slice(a.as_bytes());
    input[tag.len() + 33..length].copy_from_slice(b.as_bytes());
    Hash32(suite.digest(&input[..length]))
}

/// Read access to state nodes by hash.
///
/// There is no `Result`: a node that cannot read its own state must stop, so an implementation
/// panics on I/O failure, and callers treat a missing node as a broken invariant.
pub trait NodeStore {
    /// The node stored under `hash`, if any.
    fn node(&self, hash: &Hash32) -> Option<Node>;

    /// Appends to `nodes` the node stored under each of `hashes`, in order. The reads are
    /// independent of each other, so a store may overlap them; the default reads one by one.
    fn nodes(&self, hashes: &[Hash32], nodes: &mut Vec<Option<Node>>) {
        nodes.extend(hashes.iter().map(|hash| self.node(hash)));
    }
}

/// An in-memory [`NodeStore`], for tests, benchmarks and computing the genesis state root.
#[derive(Clone, Debug, Default)]
pub struct MemNodeStore {
    // Looked up by hash only and never iterated, so its order cannot reach any result; a hash
    // map keeps a lookup at one memory access however many versions the store holds.
    nodes: NodeMap,
}

/// A map of nodes by hash, behind [`MemNodeStore`] and the nodes an update reads ahead. Only
/// `get`, `insert`, `extend` and `len` are used on it.
#[allow(clippy::disallowed_types, reason = "never iterated: lookups and inserts only")]
pub(crate) type NodeMap =
    std::collections::HashMap<Hash32, Node, BuildHasherDefault<NodeHashHasher>>;

/// A [`Hasher`] for maps keyed by node hashes. Those are BLAKE3 outputs, already uniform, so
/// their first eight bytes serve as the map's hash with no further mixing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeHashHasher(u64);

impl Hasher for NodeHashHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // A `Hash32` writes its length, then its 32 bytes; the bytes come last and win.
        let mut word = [0u8; 8];
        let take = bytes.len().min(8);
        word[..take].copy_from_slice(&bytes[..take]);
        self.0 = self.0.rotate_left(29) ^ u64::from_le_bytes(word);
    }
}

impl MemNodeStore {
    /// An empty store, which holds the empty tree (root ZERO) only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores the nodes of `update`. Old nodes stay, so every earlier root stays readable.
    pub fn insert_all(&mut self, update: &TreeUpdate) {
        self.nodes.reserve(update.new_nodes.len());
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
