//! Onebook's authenticated, versioned state map: a binary sparse Merkle tree whose nodes are
//! stored in versions, one list of new nodes per batch of writes.
//!
//! A record with key `k` and value `v` lives at the 256-bit path [`key_hash`]`(k)`, read most
//! significant bit first (bit 0 = left), in a leaf that commits to [`value_hash`]`(v)`. The tree
//! has one canonical shape for each set of records, so its root depends on that set alone, never
//! on insertion order or history:
//!
//! - a subtree with no records is [`Hash32::ZERO`](onebook_types::hash::Hash32::ZERO) and is
//!   never stored;
//! - a subtree with one record is that record's [`Node::Leaf`], placed as high as possible;
//! - a subtree at depth `d` with two or more records is a [`Node::Internal`] whose children split
//!   them by bit `d` of their key hashes. So an internal node never has two empty children nor a
//!   lone leaf beside an empty sibling; keys sharing a prefix sit below a chain of internal nodes
//!   with empty siblings.
//!
//! Hashes commit to [`Node`]s; stores keep [`StoredNode`]s, which add to each child the address
//! where it is stored ([`Child`], [`NodeAt`]). [`apply_updates`] returns only the new nodes of a
//! batch, children first, each new node referring to its new children by their index in that
//! list; a store keeps the list as one version and never overwrites or deletes a node, so every
//! past root stays readable and provable. A [`NodeStore`] also records where each root is.
//! Readers walk down from a root by address: nothing is looked up by hash, so a store can keep a
//! version's nodes together (`node/storage` writes them in a few large values per block).
//! Pruning old versions is a later option: a version's nodes become garbage once no kept root
//! reaches them.
//!
//! [`prove`] gives a [`StateProof`] of membership or absence that [`StateProof::verify`] checks
//! against a root with no store. [`verify_tree`] checks a whole stored tree. The byte-exact
//! format, with a worked example, is the state tree section of `docs/formats.md`; the reasons
//! for this design (rather than the `jmt` crate) are in `docs/adr/0004-state-tree.md`.
//!
//! Every walk follows a key path, so loops and recursion are at most 256 levels deep. The crate
//! does no I/O and reads no clock or randomness: the same inputs always give the same bytes.

mod check;
mod error;
mod node;
mod proof;
mod update;

pub use check::{TreeStats, verify_tree, verify_tree_in};
pub use error::{ProofError, TreeError};
pub use node::{
    Child, MemNodeStore, Node, NodeAt, NodeHashHasher, NodeStore, StoredNode, key_hash,
    key_hash_in, value_hash, value_hash_in,
};
pub use proof::{StateProof, Terminal, get, prove};
pub use update::{TreeUpdate, apply_updates, apply_updates_in};

#[cfg(test)]
mod format_example;
#[cfg(test)]
mod proptests;
