//! Binary Merkle trees over a block's transactions and receipts, shaped as in RFC 6962/9162.
//!
//! Leaves are hashed by the caller with their own tag ([`tx_leaf`], [`receipt_leaf`]); inner nodes
//! are `H("onebook/merkle-node/v1", left || right)`; the root of no leaves is
//! `H("onebook/merkle-empty/v1", "")`. For `n > 1` leaves the left subtree holds the largest power
//! of two smaller than `n`, exactly as RFC 6962 §2.1, so inclusion proofs are RFC 9162 audit paths.
//! Recursion depth is bounded by `log2(BLOCK_TXS_MAX) + 1`.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    hash::{Hash32, Tag},
    suite::Suite,
};

/// The leaf for a transaction: over its 32-byte tx hash (`ed25519-blake3`).
pub fn tx_leaf(tx_hash: &Hash32) -> Hash32 {
    tx_leaf_in(Suite::Ed25519Blake3, tx_hash)
}

/// The leaf for a transaction in `suite`.
pub fn tx_leaf_in(suite: Suite, tx_hash: &Hash32) -> Hash32 {
    suite.hash_tagged(Tag::TxLeaf, &[tx_hash.as_bytes()])
}

/// The leaf for a receipt: over `borsh(Receipt)` (`ed25519-blake3`).
pub fn receipt_leaf(receipt_bytes: &[u8]) -> Hash32 {
    receipt_leaf_in(Suite::Ed25519Blake3, receipt_bytes)
}

/// The leaf for a receipt in `suite`.
pub fn receipt_leaf_in(suite: Suite, receipt_bytes: &[u8]) -> Hash32 {
    suite.hash_tagged(Tag::ReceiptLeaf, &[receipt_bytes])
}

fn node(suite: Suite, left: &Hash32, right: &Hash32) -> Hash32 {
    suite.hash_tagged(Tag::MerkleNode, &[left.as_bytes(), right.as_bytes()])
}

/// The largest power of two strictly smaller than `n` (`n >= 2`).
pub(crate) fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2);
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The root over already-hashed leaves (`ed25519-blake3`).
pub fn root(leaves: &[Hash32]) -> Hash32 {
    root_in(Suite::Ed25519Blake3, leaves)
}

/// The root over already-hashed leaves, in `suite`.
pub fn root_in(suite: Suite, leaves: &[Hash32]) -> Hash32 {
    match leaves.len() {
        0 => suite.hash_tagged(Tag::MerkleEmpty, &[]),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            node(suite, &root_in(suite, &leaves[..k]), &root_in(suite, &leaves[k..]))
        }
    }
}

/// An inclusion proof: the leaf's index, the tree size and the audit path from the leaf up.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InclusionProof {
    /// The leaf's position, from 0.
    pub index: u64,
    /// The number of leaves.
    pub size: u64,
    /// Sibling hashes from the leaf's level upward.
    pub path: Vec<Hash32>,
}

/// Why an inclusion proof failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InclusionError {
    /// The index is not inside the tree.
    #[error("leaf index {index} is outside a tree of {size} leaves")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The size.
        size: u64,
    },
    /// The path has the wrong length for this index and size.
    #[error("audit path has the wrong length for leaf {index} of {size}")]
    PathLength {
        /// The index.
        index: u64,
        /// The size.
        size: u64,
    },
    /// The proof is for a tree of another size than the committed one.
    #[error("proof is for {proof} leaves; the header commits to {committed}")]
    SizeMismatch {
        /// The proof's size.
        proof: u64,
        /// The committed size.
        committed: u64,
    },
    /// The recomputed root differs.
    #[error("recomputed root {computed} differs from {expected}")]
    RootMismatch {
        /// What the proof gives.
        computed: Hash32,
        /// What was expected.
        expected: Hash32,
    },
}

/// The audit path for `leaves[index]` (`ed25519-blake3`).
pub fn prove(leaves: &[Hash32], index: usize) -> InclusionProof {
    prove_in(Suite::Ed25519Blake3, leaves, index)
}

/// The audit path for `leaves[index]`, in `suite`.
pub fn prove_in(suite: Suite, leaves: &[Hash32], index: usize) -> InclusionProof {
    assert!(index < leaves.len(), "a proof is for a leaf of the tree");
    let mut path = Vec::new();
    audit_path(suite, leaves, index, &mut path);
    InclusionProof { index: index as u64, size: leaves.len() as u64, path }
}

fn audit_path(suite: Suite, leaves: &[Hash32], index: usize, path: &mut Vec<Hash32>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split_point(leaves.len());
    if index < k {
        audit_path(suite, &leaves[..k], index, path);
        path.push(root_in(suite, &leaves[k..]));
    } else {
        audit_path(suite, &leaves[k..], index - k, path);
        path.push(root_in(suite, &leaves[..k]));
    }
}

impl InclusionProof {
    /// Checks that `leaf` is at `self.index` in the tree with root `root` and `size` leaves, the
    /// size the header commits to (`Header::tx_count`); the proof's own `size` must equal it
    /// (RFC 9162 §2.1.3.2, where the size likewise comes from the signed tree head).
    ///
    /// Inner nodes are hashed in the `ed25519-blake3` suite; see [`InclusionProof::verify_in`].
    pub fn verify(&self, leaf: &Hash32, root: &Hash32, size: u64) -> Result<(), InclusionError> {
        self.verify_in(Suite::Ed25519Blake3, leaf, root, size)
    }

    /// [`InclusionProof::verify`] with inner nodes hashed in `suite`.
    pub fn verify_in(
        &self,
        suite: Suite,
        leaf: &Hash32,
        root: &Hash32,
        size: u64,
    ) -> Result<(), InclusionError> {
        self.verify_with(leaf, root, size, |left, right| node(suite, left, right))
    }

    /// [`InclusionProof::verify`] for a tree whose inner nodes are `node(left, right)`: the same
    /// RFC 9162 algorithm under another domain tag (the history tree of `crate::history`).
    pub(crate) fn verify_with(
        &self,
        leaf: &Hash32,
        root: &Hash32,
        size: u64,
        node: impl Fn(&Hash32, &Hash32) -> Hash32,
    ) -> Result<(), InclusionError> {
        if self.size != size {
            return Err(InclusionError::SizeMismatch { proof: self.size, committed: size });
        }
        let index = self.index;
        if index >= size {
            return Err(InclusionError::IndexOutOfRange { index, size });
        }
        let (mut f, mut s) = (index, size - 1);
        let mut r = *leaf;
        for sibling in &self.path {
            if s == 0 {
                return Err(InclusionError::PathLength { index, size });
            }
            if f & 1 == 1 || f == s {
                r = node(sibling, &r);
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            } else {
                r = node(&r, sibling);
            }
            f >>= 1;
            s >>= 1;
        }
        if s != 0 {
            return Err(InclusionError::PathLength { index, size });
        }
        if r != *root {
            return Err(InclusionError::RootMismatch { computed: r, expected: *root });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_tagged;

    fn leaves(n: usize) -> Vec<Hash32> {
        (0..n).map(|i| tx_leaf(&hash_tagged(Tag::Tx, &[&(i as u64).to_le_bytes()]))).collect()
    }

    #[test]
    fn every_leaf_of_every_size_up_to_40_proves_its_inclusion() {
        for n in 1..=40 {
            let leaves = leaves(n);
            let root = root(&leaves);

            for (i, leaf) in leaves.iter().enumerate() {
                let proof = prove(&leaves, i);

                assert_eq!(proof.verify(leaf, &root, n as u64), Ok(()), "leaf {i} of {n}");
            }
        }
    }

    #[test]
    fn a_proof_fails_for_another_leaf_index_or_root() {
        let leaves = leaves(7);
        let root = root(&leaves);
        let proof = prove(&leaves, 3);

        assert!(proof.verify(&leaves[4], &root, 7).is_err());
        assert!(InclusionProof { index: 4, ..proof.clone() }.verify(&leaves[3], &root, 7).is_err());
        assert_eq!(
            proof.verify(&leaves[3], &root, 8),
            Err(InclusionError::SizeMismatch { proof: 7, committed: 8 })
        );
        let too_small = InclusionProof { size: 4, ..proof.clone() };
        assert_eq!(
            too_small.verify(&leaves[3], &root, 4),
            Err(InclusionError::PathLength { index: 3, size: 4 })
        );
        let outside = InclusionProof { size: 3, ..proof.clone() };
        assert_eq!(
            outside.verify(&leaves[3], &root, 3),
            Err(InclusionError::IndexOutOfRange { index: 3, size: 3 })
        );
        assert!(proof.verify(&leaves[3], &leaves[0], 7).is_err());
    }

    #[test]
    fn three_leaves_split_two_and_one() {
        let l = leaves(3);

        let d = Suite::Ed25519Blake3;
        assert_eq!(root(&l), node(d, &node(d, &l[0], &l[1]), &l[2]));
    }

    #[test]
    fn a_national_tree_proves_in_its_suite_only() {
        let national: Vec<Hash32> =
            leaves(7).iter().map(|leaf| tx_leaf_in(Suite::Sm2Sm3, leaf)).collect();
        let national_root = root_in(Suite::Sm2Sm3, &national);
        let proof = prove_in(Suite::Sm2Sm3, &national, 5);

        assert_eq!(proof.verify_in(Suite::Sm2Sm3, &national[5], &national_root, 7), Ok(()));
        assert!(proof.verify(&national[5], &national_root, 7).is_err());
        assert_ne!(root_in(Suite::Sm2Sm3, &[]), root(&[]));
    }

    #[test]
    fn the_empty_tree_has_a_tagged_root() {
        assert_eq!(root(&[]), hash_tagged(Tag::MerkleEmpty, &[]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn any_single_bit_flip_in_a_proof_leaf_or_root_fails(n in 1usize..70, pick in 0usize..70) {
            let leaves = leaves(n);
            let root = root(&leaves);
            let index = pick % n;
            let proof = prove(&leaves, index);
            let size = n as u64;
            proptest::prop_assert_eq!(proof.verify(&leaves[index], &root, size), Ok(()));
            let bytes = crate::codec::encode(&proof);

            for bit in 0..bytes.len() * 8 {
                let mut flipped = bytes.clone();
                flipped[bit / 8] ^= 1 << (bit % 8);
                if let Ok(bad) = crate::codec::decode::<InclusionProof>(&flipped, 1 << 16) {
                    proptest::prop_assert!(bad.verify(&leaves[index], &root, size).is_err(), "bit {}", bit);
                }
            }
            for bit in 0..256 {
                let mut leaf = leaves[index];
                leaf.0[bit / 8] ^= 1 << (bit % 8);
                let mut bad_root = root;
                bad_root.0[bit / 8] ^= 1 << (bit % 8);
                proptest::prop_assert!(proof.verify(&leaf, &root, size).is_err());
                proptest::prop_assert!(proof.verify(&leaves[index], &bad_root, size).is_err());
            }
        }
    }
}
