//! Tree nodes, the hashes that commit to them, where they are stored, and the stores that hold
//! them.
//!
//! A node has two forms. [`Node`] is what its hash commits to: a leaf's key and value hashes, or
//! an internal node's two child hashes. [`StoredNode`] is what a store keeps: the same, plus, for
//! each child of an internal node, where that child is stored ([`Child`]). Nodes are stored in
//! versions: each batch of writes ([`apply_updates`](crate::apply_updates)) creates one list of
//! new nodes, children before parents, and a store keeps that list as the next version, so a
//! node's address is its version and its index in the list ([`NodeAt`]). A reader walks from a
//! root down through these addresses; no node is looked up by its hash.

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

/// A node of the state tree as its hash commits to it. The empty subtree is [`Hash32::ZERO`] and
/// has no node.
///
/// The borsh encoding is `0x00 || key_hash || value_hash` for a leaf and `0x01 || left || right`
/// for an internal node (the state tree section of `docs/formats.md`).
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
    /// The node's hash in `ed25519-blake3`: what its parent, or a header's state root, commits to.
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

/// Where a node is stored: the version that created it and its index in that version's list of
/// new nodes. A store numbers its versions; the ledger's store uses the block height.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize,
)]
pub struct NodeAt {
    /// The version (batch of writes) that created the node.
    pub version: u64,
    /// Its position in that version's list of new nodes.
    pub index: u32,
}

/// A child of a stored internal node: the hash the parent commits to, and where the child is
/// stored. Not hashed: only the child's hash enters the parent's hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum Child {
    /// The empty subtree (ZERO).
    Empty,
    /// A node created in the same version as the node that holds this child, at `index` in that
    /// version's list. New nodes refer to each other this way, so a batch's nodes do not depend on
    /// the number the store gives its version.
    Here {
        /// The child's hash.
        hash: Hash32,
        /// Its index in the version of the node holding it.
        index: u32,
    },
    /// A node of another version.
    At {
        /// The child's hash.
        hash: Hash32,
        /// Where it is stored.
        at: NodeAt,
    },
}

impl Child {
    /// The hash the parent commits to: ZERO for the empty subtree.
    pub fn hash(&self) -> Hash32 {
        match self {
            Self::Empty => Hash32::ZERO,
            Self::Here { hash, .. } | Self::At { hash, .. } => *hash,
        }
    }

    /// Where the child is stored, for a parent stored in `version`; `None` for the empty subtree.
    pub fn resolve(&self, version: u64) -> Option<NodeAt> {
        match self {
            Self::Empty => None,
            Self::Here { index, .. } => Some(NodeAt { version, index: *index }),
            Self::At { at, .. } => Some(*at),
        }
    }
}

/// A node as a store keeps it: a leaf, or an internal node with the address of each child.
///
/// Its borsh encoding is the stored format of the state tree (`docs/formats.md`, the stored
/// layout of the state tree): `0x00 || key_hash || value_hash` for a leaf (65 bytes), and
/// `0x01 || left || right` for an internal node, each child `0x00` (empty, 1 byte),
/// `0x01 || hash || index (u32 LE)` (37 bytes) or `0x02 || hash || version (u64 LE) || index (u32
/// LE)` (45 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum StoredNode {
    /// A subtree holding exactly one record.
    Leaf {
        /// The record's path, [`key_hash`] of its key.
        key_hash: Hash32,
        /// [`value_hash`] of the record's value.
        value_hash: Hash32,
    },
    /// A subtree holding two or more records.
    Internal {
        /// The subtree whose keys have bit `depth` equal to 0.
        left: Child,
        /// The subtree whose keys have bit `depth` equal to 1.
        right: Child,
    },
}

impl StoredNode {
    /// The node its hash commits to, without the children's addresses.
    pub fn node(&self) -> Node {
        match *self {
            Self::Leaf { key_hash, value_hash } => Node::Leaf { key_hash, value_hash },
            Self::Internal { left, right } => {
                Node::Internal { left: left.hash(), right: right.hash() }
            }
        }
    }

    /// The node's hash (`ed25519-blake3`).
    pub fn hash(&self) -> Hash32 {
        self.node().hash()
    }

    /// The node's hash in `suite`.
    pub fn hash_in(&self, suite: Suite) -> Hash32 {
        self.node().hash_in(suite)
    }
}

/// Read access to stored state nodes.
///
/// There is no `Result`: a node that cannot read its own state must stop, so an implementation
/// panics on I/O failure, and callers treat a missing node as a broken invariant.
pub trait NodeStore {
    /// Where the root node of the tree with root hash `root` is stored, if the store holds that
    /// tree. Never asked for ZERO, the empty tree, which has no node.
    fn root(&self, root: &Hash32) -> Option<NodeAt>;

    /// The node stored at `at`, whose parent commits to it with `hash`. A store that reads from
    /// a disk checks the hash there; `None` if nothing is stored at `at`.
    fn node(&self, at: NodeAt, hash: &Hash32) -> Option<StoredNode>;

    /// Appends to `nodes` the node stored at each of `refs`, in order. The reads are independent
    /// of each other, so a store may overlap them; the default reads one by one.
    fn nodes(&self, refs: &[(NodeAt, Hash32)], nodes: &mut Vec<Option<StoredNode>>) {
        nodes.extend(refs.iter().map(|(at, hash)| self.node(*at, hash)));
    }

    /// Whether [`apply_updates`](crate::apply_updates) should first read the nodes on a batch's
    /// paths level by level through [`NodeStore::nodes`], so the store can overlap the reads of a
    /// level (a disk store), rather than read each node as the rebuild reaches it (a memory store,
    /// whose reads cost less than keeping the nodes read aside).
    fn reads_ahead(&self) -> bool {
        false
    }
}

/// An in-memory [`NodeStore`], for tests, benchmarks and computing the genesis state root: each
/// [`TreeUpdate`] stored is the next version, kept as the list the update made.
#[derive(Clone, Debug, Default)]
pub struct MemNodeStore {
    versions: Vec<Vec<StoredNode>>,
    // Looked up by hash only and never iterated, so its order cannot reach any result.
    roots: RootMap,
    nodes: usize,
}

/// The address of each root by its hash, behind [`MemNodeStore`]. Only `get` and `insert` are
/// used on it.
#[allow(clippy::disallowed_types, reason = "never iterated: lookups and inserts only")]
type RootMap = std::collections::HashMap<Hash32, NodeAt, BuildHasherDefault<NodeHashHasher>>;

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

    /// Stores the nodes of `update` as the next version and records where its root is. Old
    /// versions stay, so every earlier root stays readable.
    pub fn insert_all(&mut self, update: &TreeUpdate) {
        self.insert(update.clone());
    }

    /// [`MemNodeStore::insert_all`], keeping the update's list of nodes rather than a copy.
    pub fn insert(&mut self, update: TreeUpdate) {
        let version = self.versions.len() as u64;
        if let Some(at) = update.root_ref.resolve(version) {
            self.roots.insert(update.root, at);
        }
        self.nodes += update.new_nodes.len();
        self.versions.push(update.new_nodes);
    }

    /// The number of nodes stored.
    pub fn len(&self) -> usize {
        self.nodes
    }

    /// Whether no node is stored.
    pub fn is_empty(&self) -> bool {
        self.nodes == 0
    }

    /// Stores `nodes` as the next version and `root` as a root at `index` in it, whatever they
    /// hash to, to build broken trees in tests. Returns the version.
    #[cfg(test)]
    pub(crate) fn insert_raw(&mut self, nodes: Vec<StoredNode>, root: Hash32, index: u32) -> u64 {
        let version = self.versions.len() as u64;
        self.roots.insert(root, NodeAt { version, index });
        self.nodes += nodes.len();
        self.versions.push(nodes);
        version
    }
}

impl NodeStore for MemNodeStore {
    fn root(&self, root: &Hash32) -> Option<NodeAt> {
        self.roots.get(root).copied()
    }

    fn node(&self, at: NodeAt, _hash: &Hash32) -> Option<StoredNode> {
        let version = self.versions.get(usize::try_from(at.version).ok()?)?;
        version.get(usize::try_from(at.index).ok()?).copied()
    }
}

/// The location of the root of the tree `root`, which the walk starting there needs.
pub(crate) fn root_at<S: NodeStore + ?Sized>(store: &S, root: Hash32) -> NodeAt {
    let Some(at) = store.root(&root) else {
        panic!("state root {root} is missing from the store");
    };
    at
}

/// Loads a node that the tree rooted where the walk started must contain.
pub(crate) fn load<S: NodeStore + ?Sized>(
    store: &S,
    at: NodeAt,
    hash: Hash32,
    depth: usize,
) -> StoredNode {
    let Some(node) = store.node(at, &hash) else {
        panic!("state node {hash} at depth {depth} is missing from the store (at {at:?})");
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

    #[test]
    fn a_stored_internal_node_hashes_its_children_hashes_only() {
        let (a, b) = (Hash32([1; 32]), Hash32([2; 32]));
        let here = Child::Here { hash: a, index: 7 };
        let there = Child::At { hash: b, at: NodeAt { version: 3, index: 9 } };

        let stored = StoredNode::Internal { left: here, right: there };

        assert_eq!(stored.hash(), Node::Internal { left: a, right: b }.hash());
        assert_eq!(here.resolve(5), Some(NodeAt { version: 5, index: 7 }));
        assert_eq!(there.resolve(5), Some(NodeAt { version: 3, index: 9 }));
        assert_eq!(Child::Empty.resolve(5), None);
    }

    #[test]
    fn stored_nodes_encode_children_with_their_addresses() {
        let (a, b) = (Hash32([1; 32]), Hash32([2; 32]));
        let node = StoredNode::Internal {
            left: Child::Here { hash: a, index: 0x0102_0304 },
            right: Child::At { hash: b, at: NodeAt { version: 5, index: 6 } },
        };

        let bytes = borsh::to_vec(&node).expect("encodes");
        let empty =
            borsh::to_vec(&StoredNode::Internal { left: Child::Empty, right: Child::Empty })
                .expect("encodes");

        let here = [&[1u8][..], &a.0, &[4, 3, 2, 1]].concat();
        let there = [&[2u8][..], &b.0, &5u64.to_le_bytes(), &6u32.to_le_bytes()].concat();
        assert_eq!(bytes, [&[1u8][..], &here, &there].concat());
        assert_eq!(bytes.len(), 1 + 37 + 45);
        assert_eq!(empty, [1, 0, 0]);
    }
}
