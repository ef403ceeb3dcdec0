//! Reading a key, proving its value or absence, and checking such a proof against a root.

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_types::{hash::Hash32, suite::Suite};
use serde::{Deserialize, Serialize};

use crate::ProofError;
use crate::node::{KEY_BITS, Node, NodeStore, StoredNode, load, root_at, shares_prefix};

/// A proof that a key holds a value, or holds none, in the tree with a given root.
///
/// Encoded with borsh as `u32 LE count || siblings (32 bytes each) || terminal`; see
/// `docs/formats.md` (the state tree section).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct StateProof {
    /// The sibling subtrees along the key's path from the root down: `siblings[i]` is the
    /// other child of the internal node at depth `i`. At most 256.
    pub siblings: Vec<Hash32>,
    /// What the path ends in, at depth `siblings.len()`.
    pub terminal: Terminal,
}

/// Where a key's path ends: an empty subtree or a leaf.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
pub enum Terminal {
    /// An empty subtree: the key is absent.
    Empty,
    /// A leaf: the key's own (membership), or another key's sharing the path so far (absence).
    Leaf {
        /// The leaf's key hash.
        key_hash: Hash32,
        /// The leaf's value hash.
        value_hash: Hash32,
    },
}

/// The value hash of `key_hash` in the tree at `root`, or `None` if the key is absent.
///
/// # Panics
///
/// If `store` lacks a node of the tree at `root` on the key's path.
pub fn get<S: NodeStore + ?Sized>(store: &S, root: Hash32, key_hash: Hash32) -> Option<Hash32> {
    match walk(store, root, key_hash, |_| {}) {
        Terminal::Leaf { key_hash: found, value_hash } if found == key_hash => Some(value_hash),
        _ => None,
    }
}

/// A proof of the value of `key_hash`, or of its absence, in the tree at `root`.
///
/// # Panics
///
/// If `store` lacks a node of the tree at `root` on the key's path.
pub fn prove<S: NodeStore + ?Sized>(store: &S, root: Hash32, key_hash: Hash32) -> StateProof {
    let mut siblings = Vec::new();
    let terminal = walk(store, root, key_hash, |sibling| siblings.push(sibling));
    StateProof { siblings, terminal }
}

impl StateProof {
    /// Checks that in the tree with `root`, `key_hash` holds `value_hash` (`Some`) or is absent
    /// (`None`). Needs no store: this is what a light client or an auditor runs. Nodes are
    /// hashed in the `ed25519-blake3` suite; see [`StateProof::verify_in`].
    pub fn verify(
        &self,
        root: Hash32,
        key_hash: Hash32,
        value_hash: Option<Hash32>,
    ) -> Result<(), ProofError> {
        self.verify_in(Suite::Ed25519Blake3, root, key_hash, value_hash)
    }

    /// [`StateProof::verify`] with nodes hashed in `suite`.
    pub fn verify_in(
        &self,
        suite: Suite,
        root: Hash32,
        key_hash: Hash32,
        value_hash: Option<Hash32>,
    ) -> Result<(), ProofError> {
        let depth = self.siblings.len();
        if depth > KEY_BITS {
            return Err(ProofError::TooDeep { len: depth });
        }
        self.check_terminal(key_hash, value_hash)?;
        // A leaf or an empty subtree beside an empty sibling would have been collapsed into
        // the parent, so such a proof cannot come from a canonical tree.
        if self.siblings.last() == Some(&Hash32::ZERO) {
            return Err(ProofError::NotCanonical { depth });
        }
        let computed = self.computed_root(suite, key_hash);
        if computed != root {
            return Err(ProofError::RootMismatch { computed, expected: root });
        }
        Ok(())
    }

    /// Checks that the terminal supports the claim about `key_hash`.
    fn check_terminal(&self, key_hash: Hash32, claim: Option<Hash32>) -> Result<(), ProofError> {
        match (self.terminal, claim) {
            (Terminal::Empty, None) => Ok(()),
            (Terminal::Empty, Some(_)) => Err(ProofError::KeyAbsent),
            (Terminal::Leaf { key_hash: found, value_hash }, Some(expected)) => {
                if found != key_hash {
                    Err(ProofError::KeyMismatch { found })
                } else if value_hash != expected {
                    Err(ProofError::ValueMismatch { found: value_hash, expected })
                } else {
                    Ok(())
                }
            }
            (Terminal::Leaf { key_hash: found, .. }, None) => {
                let depth = self.siblings.len();
                if found == key_hash {
                    Err(ProofError::KeyPresent)
                } else if !shares_prefix(&found, &key_hash, depth) {
                    Err(ProofError::LeafNotOnPath { depth })
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The root implied by hashing the terminal up `key_hash`'s path with the siblings.
    fn computed_root(&self, suite: Suite, key_hash: Hash32) -> Hash32 {
        let mut hash = match self.terminal {
            Terminal::Empty => Hash32::ZERO,
            Terminal::Leaf { key_hash, value_hash } => {
                Node::Leaf { key_hash, value_hash }.hash_in(suite)
            }
        };
        for (depth, sibling) in self.siblings.iter().copied().enumerate().rev() {
            let node = if key_hash.bit(depth) {
                Node::Internal { left: sibling, right: hash }
            } else {
                Node::Internal { left: hash, right: sibling }
            };
            hash = node.hash_in(suite);
        }
        hash
    }
}

/// Follows `key_hash`'s bits from `root` to an empty subtree or a leaf, passing each sibling to
/// `on_sibling` from the root down. At most [`KEY_BITS`] steps.
fn walk<S: NodeStore + ?Sized>(
    store: &S,
    root: Hash32,
    key_hash: Hash32,
    mut on_sibling: impl FnMut(Hash32),
) -> Terminal {
    if root == Hash32::ZERO {
        return Terminal::Empty;
    }
    let (mut hash, mut at, mut depth) = (root, root_at(store, root), 0);
    loop {
        match load(store, at, hash, depth) {
            StoredNode::Leaf { key_hash, value_hash } => {
                return Terminal::Leaf { key_hash, value_hash };
            }
            StoredNode::Internal { left, right } => {
                assert!(depth < KEY_BITS, "internal state node {hash} below the deepest level");
                let (next, sibling) =
                    if key_hash.bit(depth) { (right, left) } else { (left, right) };
                on_sibling(sibling.hash());
                match next.resolve(at.version) {
                    Some(next_at) if next.hash() != Hash32::ZERO => {
                        (hash, at, depth) = (next.hash(), next_at, depth + 1);
                    }
                    _ => return Terminal::Empty,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemNodeStore, apply_updates, key_hash, value_hash};

    fn tree(keys: &[&[u8]]) -> (MemNodeStore, Hash32) {
        let mut store = MemNodeStore::new();
        let update = apply_updates(
            &store,
            Hash32::ZERO,
            keys.iter().map(|key| (key_hash(key), Some(value_hash(key)))),
        );
        store.insert_all(&update);
        (store, update.root)
    }

    #[test]
    fn the_only_key_is_proved_by_its_leaf_with_no_siblings() {
        let (store, root) = tree(&[b"k"]);

        let proof = prove(&store, root, key_hash(b"k"));

        let leaf = Terminal::Leaf { key_hash: key_hash(b"k"), value_hash: value_hash(b"k") };
        assert_eq!(proof, StateProof { siblings: vec![], terminal: leaf });
        assert_eq!(proof.verify(root, key_hash(b"k"), Some(value_hash(b"k"))), Ok(()));
    }

    #[test]
    fn absence_in_the_empty_tree_is_proved_by_the_empty_proof() {
        let store = MemNodeStore::new();

        let proof = prove(&store, Hash32::ZERO, key_hash(b"k"));

        assert_eq!(proof, StateProof { siblings: vec![], terminal: Terminal::Empty });
        assert_eq!(proof.verify(Hash32::ZERO, key_hash(b"k"), None), Ok(()));
        assert_eq!(borsh::to_vec(&proof).expect("encodes"), [0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_membership_proof_does_not_prove_absence_or_another_value() {
        let (store, root) = tree(&[b"a", b"b", b"c"]);
        let proof = prove(&store, root, key_hash(b"a"));

        let absent = proof.verify(root, key_hash(b"a"), None);
        let other_value = proof.verify(root, key_hash(b"a"), Some(value_hash(b"b")));

        assert_eq!(absent, Err(ProofError::KeyPresent));
        let expected =
            ProofError::ValueMismatch { found: value_hash(b"a"), expected: value_hash(b"b") };
        assert_eq!(other_value, Err(expected));
    }

    #[test]
    fn an_absence_proof_does_not_prove_membership() {
        let (store, root) = tree(&[b"a", b"b", b"c"]);
        let proof = prove(&store, root, key_hash(b"z"));

        let result = proof.verify(root, key_hash(b"z"), Some(value_hash(b"z")));

        assert!(matches!(result, Err(ProofError::KeyAbsent | ProofError::KeyMismatch { .. })));
        assert_eq!(proof.verify(root, key_hash(b"z"), None), Ok(()));
    }

    #[test]
    fn get_answers_present_and_absent_keys() {
        let (store, root) = tree(&[b"a", b"b"]);

        assert_eq!(get(&store, root, key_hash(b"a")), Some(value_hash(b"a")));
        assert_eq!(get(&store, root, key_hash(b"z")), None);
    }

    #[test]
    fn a_terminal_beside_an_empty_last_sibling_is_not_canonical() {
        let key = Hash32::ZERO;
        let leaf = Terminal::Leaf { key_hash: key, value_hash: value_hash(b"v") };
        // Roots built so that only the canonical-shape rule can reject these proofs.
        let leaf_proof = StateProof { siblings: vec![Hash32::ZERO], terminal: leaf };
        let empty_proof = StateProof { siblings: vec![Hash32::ZERO], terminal: Terminal::Empty };

        let leaf_result = leaf_proof.verify(
            leaf_proof.computed_root(Suite::Ed25519Blake3, key),
            key,
            Some(value_hash(b"v")),
        );
        let empty_result =
            empty_proof.verify(empty_proof.computed_root(Suite::Ed25519Blake3, key), key, None);

        assert_eq!(leaf_result, Err(ProofError::NotCanonical { depth: 1 }));
        assert_eq!(empty_result, Err(ProofError::NotCanonical { depth: 1 }));
    }

    #[test]
    fn an_absence_proof_ending_in_a_leaf_off_the_path_fails() {
        let key = Hash32::ZERO;
        let off_path = Terminal::Leaf { key_hash: Hash32([0xff; 32]), value_hash: Hash32::ZERO };
        let proof = StateProof { siblings: vec![key_hash(b"sibling")], terminal: off_path };

        let result = proof.verify(proof.computed_root(Suite::Ed25519Blake3, key), key, None);

        assert_eq!(result, Err(ProofError::LeafNotOnPath { depth: 1 }));
    }

    #[test]
    fn a_proof_longer_than_a_key_path_is_too_deep() {
        let proof = StateProof { siblings: vec![key_hash(b"s"); 257], terminal: Terminal::Empty };

        let result = proof.verify(Hash32::ZERO, Hash32::ZERO, None);

        assert_eq!(result, Err(ProofError::TooDeep { len: 257 }));
    }

    #[test]
    fn a_national_tree_proves_and_checks_in_its_suite_only() {
        let suite = Suite::Sm2Sm3;
        let mut store = MemNodeStore::new();
        let writes = ["a", "b", "c", "d"].map(|k| {
            (crate::key_hash_in(suite, k.as_bytes()), Some(crate::value_hash_in(suite, b"v")))
        });
        let update = crate::apply_updates_in(suite, &store, Hash32::ZERO, writes);
        store.insert_all(&update);
        let key = crate::key_hash_in(suite, b"c");
        let value = crate::value_hash_in(suite, b"v");

        let proof = prove(&store, update.root, key);

        assert_eq!(proof.verify_in(suite, update.root, key, Some(value)), Ok(()));
        assert!(proof.verify(update.root, key, Some(value)).is_err(), "no fallback to BLAKE3");
        assert!(crate::verify_tree_in(suite, &store, update.root).is_ok());
        assert!(crate::verify_tree(&store, update.root).is_err());
        let default = crate::apply_updates(&MemNodeStore::new(), Hash32::ZERO, writes);
        assert_ne!(default.root, update.root);
    }

    #[test]
    fn a_proof_against_another_root_fails() {
        let (store, root) = tree(&[b"a", b"b"]);
        let proof = prove(&store, root, key_hash(b"a"));

        let result = proof.verify(key_hash(b"other"), key_hash(b"a"), Some(value_hash(b"a")));

        let expected = ProofError::RootMismatch { computed: root, expected: key_hash(b"other") };
        assert_eq!(result, Err(expected));
    }
}
