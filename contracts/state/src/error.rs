//! Why a proof or a stored tree fails its checks.

use onebook_types::hash::Hash32;

use crate::NodeAt;

/// Why a [`StateProof`](crate::StateProof) does not establish the claimed value or absence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof lists more siblings than a key path has bits.
    #[error("proof has {len} siblings, more than the 256 bits of a key path")]
    TooDeep {
        /// The number of siblings.
        len: usize,
    },
    /// Hashing the terminal up the path does not give the expected root.
    #[error("proof computes root {computed}, expected {expected}")]
    RootMismatch {
        /// The root the proof implies.
        computed: Hash32,
        /// The root it was checked against.
        expected: Hash32,
    },
    /// Membership was claimed, but the proof ends in an empty subtree.
    #[error("proof shows the key is absent")]
    KeyAbsent,
    /// Membership was claimed, but the proof ends in another key's leaf.
    #[error("proof ends in the leaf of key hash {found}")]
    KeyMismatch {
        /// The key hash of the leaf the proof ends in.
        found: Hash32,
    },
    /// Membership was claimed with a value hash other than the leaf's.
    #[error("leaf holds value hash {found}, expected {expected}")]
    ValueMismatch {
        /// The leaf's value hash.
        found: Hash32,
        /// The claimed value hash.
        expected: Hash32,
    },
    /// Absence was claimed, but the proof ends in the key's own leaf.
    #[error("proof shows the key is present")]
    KeyPresent,
    /// Absence was claimed with another key's leaf that is not on the key's path.
    #[error("proof's leaf does not share the first {depth} bits of the key hash")]
    LeafNotOnPath {
        /// The depth of the leaf, which is the number of bits it must share.
        depth: usize,
    },
    /// The proof ends beside an empty sibling, a shape the canonical tree never has.
    #[error(
        "proof ends at depth {depth} beside an empty sibling, which a canonical tree collapses"
    )]
    NotCanonical {
        /// The depth of the terminal.
        depth: usize,
    },
}

/// Why a stored tree fails [`verify_tree`](crate::verify_tree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// A node reachable from the root is not in the store.
    #[error("state node {hash} at depth {depth} is missing")]
    MissingNode {
        /// The hash the node should be stored under.
        hash: Hash32,
        /// Its depth in the tree.
        depth: usize,
    },
    /// A node does not hash to what its parent (or, for the root, the root hash) commits to.
    #[error("state node at {at:?} hashes to {computed}, not {expected}")]
    HashMismatch {
        /// The hash its parent commits to.
        expected: Hash32,
        /// The node's own hash.
        computed: Hash32,
        /// Where it is stored.
        at: NodeAt,
    },
    /// An internal node names a stored child whose hash is ZERO, the empty subtree's.
    #[error("state node {hash} at depth {depth} has a stored child that hashes to ZERO")]
    EmptyChildStored {
        /// The internal node's hash.
        hash: Hash32,
        /// Its depth in the tree.
        depth: usize,
    },
    /// An internal node with two empty children, or a leaf beside an empty sibling.
    #[error("state node {hash} at depth {depth} should have been collapsed into its parent")]
    NotCanonical {
        /// The node's hash.
        hash: Hash32,
        /// Its depth in the tree.
        depth: usize,
    },
    /// A leaf whose key hash does not start with the path that leads to it.
    #[error("leaf of key hash {key_hash} at depth {depth} is not on its key's path")]
    LeafNotOnPath {
        /// The leaf's key hash.
        key_hash: Hash32,
        /// Its depth in the tree.
        depth: usize,
    },
    /// An internal node at depth 256, where no bit is left to split keys by.
    #[error("internal state node {hash} is deeper than a key path")]
    TooDeep {
        /// The node's hash.
        hash: Hash32,
    },
}
