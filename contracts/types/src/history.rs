//! The history accumulator: a Merkle tree over every block hash since genesis, committed in each
//! header, so that a header can be proved an ancestor of any later one in `O(log n)` hashes.
//!
//! Leaf `i` is the hash of block `i`, where "block 0" is the genesis hash. The header at height
//! `h` carries `history_root`, the root of the tree of the `h` leaves `0..h` (every block before
//! it). The tree has the shape of RFC 6962 §2.1 (the tx and receipt trees of [`crate::merkle`]),
//! with its own tags: a leaf is `H("onebook/history-leaf/v1", block_hash)` and an inner node
//! `H("onebook/history-node/v1", left || right)`. So:
//!
//! - an ancestry proof ("block `a` is leaf `a` of the tree whose root header `c` carries") is an
//!   RFC 9162 inclusion proof ([`InclusionProof`], verified by [`verify_ancestry`]);
//! - a consistency proof ("the tree of size `m` is a prefix of the tree of size `n`") is an RFC
//!   9162 consistency proof ([`ConsistencyProof`]).
//!
//! A node keeps the tree as its perfect subtrees (each `2^level` leaves, aligned), two per leaf
//! on average; [`History`] is the compact frontier (one root per set bit of the size) from which
//! the next header's root is computed, and [`HistoryNodes`] the port through which proofs read
//! the stored subtrees. Every function here is pure; the shapes are checked against a naive
//! implementation by property tests.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    hash::{Hash32, Tag},
    merkle::{InclusionError, InclusionProof},
    suite::Suite,
};

/// The leaf of a block hash (`ed25519-blake3`).
pub fn leaf(block_hash: &Hash32) -> Hash32 {
    leaf_in(Suite::Ed25519Blake3, block_hash)
}

/// The leaf of a block hash, in `suite`.
pub fn leaf_in(suite: Suite, block_hash: &Hash32) -> Hash32 {
    suite.hash_tagged(Tag::HistoryLeaf, &[block_hash.as_bytes()])
}

/// An inner node (`ed25519-blake3`).
pub fn node(left: &Hash32, right: &Hash32) -> Hash32 {
    node_in(Suite::Ed25519Blake3, left, right)
}

/// An inner node, in `suite`.
pub fn node_in(suite: Suite, left: &Hash32, right: &Hash32) -> Hash32 {
    suite.hash_tagged(Tag::HistoryNode, &[left.as_bytes(), right.as_bytes()])
}

/// The root of a tree over already-hashed leaves (at least one), computed directly: the
/// reference the stored form is checked against (`ed25519-blake3`).
pub fn root_of_leaves(leaves: &[Hash32]) -> Hash32 {
    root_of_leaves_in(Suite::Ed25519Blake3, leaves)
}

/// [`root_of_leaves`] in `suite`.
pub fn root_of_leaves_in(suite: Suite, leaves: &[Hash32]) -> Hash32 {
    match leaves.len() {
        0 => Hash32::ZERO,
        1 => leaves[0],
        n => {
            let k = crate::merkle::split_point(n);
            let left = root_of_leaves_in(suite, &leaves[..k]);
            node_in(suite, &left, &root_of_leaves_in(suite, &leaves[k..]))
        }
    }
}

/// The compact frontier of the tree: its size and the roots of its perfect subtrees, largest
/// (leftmost) first, one per set bit of the size.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct History {
    size: u64,
    peaks: Vec<Hash32>,
}

/// A perfect subtree created by [`History::push`]: `2^level` leaves from leaf `index << level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subtree {
    /// Its height above the leaves: 0 for a leaf.
    pub level: u8,
    /// Its position among the subtrees of that level.
    pub index: u64,
    /// Its root.
    pub hash: Hash32,
}

impl History {
    /// The empty tree.
    pub const fn new() -> Self {
        Self { size: 0, peaks: Vec::new() }
    }

    /// The frontier of the tree of `size` leaves, read from its stored perfect subtrees.
    pub fn from_nodes<N: HistoryNodes>(size: u64, nodes: &N) -> Result<Self, N::Error> {
        let mut peaks = Vec::new();
        let mut start = 0u64;
        for level in (0..64u8).rev() {
            if size >> level & 1 == 1 {
                peaks.push(nodes.perfect(level, start >> level)?);
                start += 1 << level;
            }
        }
        Ok(Self { size, peaks })
    }

    /// The number of leaves.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// The roots of its perfect subtrees, largest (leftmost) first.
    pub fn peaks(&self) -> &[Hash32] {
        &self.peaks
    }

    /// The frontier of `size` leaves from its peaks, largest first (as [`History::peaks`] gives
    /// them); `None` unless there is exactly one peak per set bit of `size`.
    pub fn from_peaks(size: u64, peaks: Vec<Hash32>) -> Option<Self> {
        (peaks.len() == size.count_ones() as usize).then_some(Self { size, peaks })
    }

    /// Its peaks as the perfect subtrees they are, largest first: what a store that starts from
    /// this frontier keeps, so that [`History::from_nodes`] reads it back and every proof about
    /// a leaf at or after `size - 1` finds the subtrees it needs.
    pub fn subtrees(&self) -> Vec<Subtree> {
        let mut subtrees = Vec::with_capacity(self.peaks.len());
        let mut peaks = self.peaks.iter();
        let mut start = 0u64;
        for level in (0..64u8).rev() {
            if self.size >> level & 1 == 1 {
                let hash = *peaks.next().expect("one peak per set bit of the size");
                subtrees.push(Subtree { level, index: start >> level, hash });
                start += 1 << level;
            }
        }
        subtrees
    }

    /// The root: the peaks folded from the right (`node(p0, node(p1, ... p_k))`), which is the
    /// RFC 6962 root of the same leaves. [`Hash32::ZERO`] for the empty tree, which no header
    /// carries (the genesis hash is always leaf 0). In the `ed25519-blake3` suite.
    pub fn root(&self) -> Hash32 {
        self.root_in(Suite::Ed25519Blake3)
    }

    /// [`History::root`] in `suite`, which must be the suite the tree was pushed in.
    pub fn root_in(&self, suite: Suite) -> Hash32 {
        let mut peaks = self.peaks.iter().rev();
        let Some(last) = peaks.next() else { return Hash32::ZERO };
        peaks.fold(*last, |right, left| node_in(suite, left, &right))
    }

    /// Appends the hash of the next block and returns the perfect subtrees it completes, lowest
    /// first (the leaf itself, then one per level it closes): what a node stores. In the
    /// `ed25519-blake3` suite.
    pub fn push(&mut self, block_hash: &Hash32) -> Vec<Subtree> {
        self.push_in(Suite::Ed25519Blake3, block_hash)
    }

    /// [`History::push`] in `suite`.
    pub fn push_in(&mut self, suite: Suite, block_hash: &Hash32) -> Vec<Subtree> {
        let index = self.size;
        let mut hash = leaf_in(suite, block_hash);
        let mut created = vec![Subtree { level: 0, index, hash }];
        let mut level = 0u8;
        while index >> level & 1 == 1 {
            let left = self.peaks.pop().expect("a set bit of the size has a peak");
            hash = node_in(suite, &left, &hash);
            level += 1;
            created.push(Subtree { level, index: index >> level, hash });
        }
        self.peaks.push(hash);
        self.size += 1;
        created
    }
}

/// Where proofs read the perfect subtrees of a stored history tree.
pub trait HistoryNodes {
    /// Why a subtree could not be read.
    type Error;

    /// The root of the perfect subtree of `2^level` leaves starting at leaf `index << level`.
    fn perfect(&self, level: u8, index: u64) -> Result<Hash32, Self::Error>;
}

/// Every leaf in memory: the reference implementation of [`HistoryNodes`], for tests and small
/// trees.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeavesInMemory(pub Vec<Hash32>);

impl HistoryNodes for LeavesInMemory {
    type Error = std::convert::Infallible;

    fn perfect(&self, level: u8, index: u64) -> Result<Hash32, Self::Error> {
        let width = 1usize << level;
        let start = usize::try_from(index).expect("in memory") * width;
        Ok(root_of_leaves(&self.0[start..start + width]))
    }
}

/// Why a history proof could not be made: the sizes do not describe a proof.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HistoryRangeError {
    /// The leaf is not inside the tree.
    #[error("leaf {index} is not inside a tree of {size} leaves")]
    Outside {
        /// The leaf.
        index: u64,
        /// The tree's size.
        size: u64,
    },
    /// The first tree is empty or larger than the second.
    #[error("no consistency proof from {first} leaves to {second}")]
    Sizes {
        /// The older size.
        first: u64,
        /// The newer size.
        second: u64,
    },
}

/// Either a range error or the store's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProveError<E> {
    /// The sizes asked for describe no proof.
    Range(HistoryRangeError),
    /// A stored subtree could not be read.
    Nodes(E),
}

/// The root of the leaves `start..end` of a tree, an RFC 6962 subtree: `start` is a multiple of
/// the largest power of two not above `end - start`, as every subtree the proofs name is.
fn subtree_root<N: HistoryNodes>(
    suite: Suite,
    nodes: &N,
    start: u64,
    end: u64,
) -> Result<Hash32, N::Error> {
    let width = end - start;
    if width.is_power_of_two() {
        let level = u8::try_from(width.trailing_zeros()).expect("under 64");
        return nodes.perfect(level, start >> level);
    }
    let k = largest_power_of_two_below(width);
    let left = subtree_root(suite, nodes, start, start + k)?;
    Ok(node_in(suite, &left, &subtree_root(suite, nodes, start + k, end)?))
}

/// The largest power of two strictly smaller than `n` (`n >= 2`).
fn largest_power_of_two_below(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The root of the first `size` leaves (at least one), in the `ed25519-blake3` suite.
pub fn root<N: HistoryNodes>(nodes: &N, size: u64) -> Result<Hash32, ProveError<N::Error>> {
    root_in(Suite::Ed25519Blake3, nodes, size)
}

/// [`root`] in `suite`.
pub fn root_in<N: HistoryNodes>(
    suite: Suite,
    nodes: &N,
    size: u64,
) -> Result<Hash32, ProveError<N::Error>> {
    if size == 0 {
        return Err(ProveError::Range(HistoryRangeError::Sizes { first: 0, second: 0 }));
    }
    subtree_root(suite, nodes, 0, size).map_err(ProveError::Nodes)
}

/// The ancestry proof of leaf `index` in the tree of `size` leaves: its RFC 9162 audit path.
/// In the `ed25519-blake3` suite.
pub fn prove_ancestry<N: HistoryNodes>(
    nodes: &N,
    index: u64,
    size: u64,
) -> Result<InclusionProof, ProveError<N::Error>> {
    prove_ancestry_in(Suite::Ed25519Blake3, nodes, index, size)
}

/// [`prove_ancestry`] in `suite`.
pub fn prove_ancestry_in<N: HistoryNodes>(
    suite: Suite,
    nodes: &N,
    index: u64,
    size: u64,
) -> Result<InclusionProof, ProveError<N::Error>> {
    if index >= size {
        return Err(ProveError::Range(HistoryRangeError::Outside { index, size }));
    }
    let mut path = Vec::new();
    audit_path(suite, nodes, index, 0, size, &mut path).map_err(ProveError::Nodes)?;
    Ok(InclusionProof { index, size, path })
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[start..end])`, with `m` the leaf's absolute index.
fn audit_path<N: HistoryNodes>(
    suite: Suite,
    nodes: &N,
    m: u64,
    start: u64,
    end: u64,
    path: &mut Vec<Hash32>,
) -> Result<(), N::Error> {
    if end - start <= 1 {
        return Ok(());
    }
    let k = largest_power_of_two_below(end - start);
    if m < start + k {
        audit_path(suite, nodes, m, start, start + k, path)?;
        path.push(subtree_root(suite, nodes, start + k, end)?);
    } else {
        audit_path(suite, nodes, m, start + k, end, path)?;
        path.push(subtree_root(suite, nodes, start, start + k)?);
    }
    Ok(())
}

/// Checks that `block_hash` is leaf `proof.index` of the history tree with `size` leaves and
/// root `root`: that the block at that height is an ancestor of the header carrying `root` at
/// height `size`.
pub fn verify_ancestry(
    proof: &InclusionProof,
    block_hash: &Hash32,
    root: &Hash32,
    size: u64,
) -> Result<(), InclusionError> {
    verify_ancestry_in(Suite::Ed25519Blake3, proof, block_hash, root, size)
}

/// [`verify_ancestry`] in `suite`.
pub fn verify_ancestry_in(
    suite: Suite,
    proof: &InclusionProof,
    block_hash: &Hash32,
    root: &Hash32,
    size: u64,
) -> Result<(), InclusionError> {
    let leaf = leaf_in(suite, block_hash);
    proof.verify_with(&leaf, root, size, |left, right| node_in(suite, left, right))
}

/// A proof that the history tree of `first` leaves is a prefix of the tree of `second` leaves:
/// RFC 9162 §2.1.4. borsh: `first (8) || second (8) || n (4) || path (32 n)`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsistencyProof {
    /// The older tree's size.
    pub first: u64,
    /// The newer tree's size.
    pub second: u64,
    /// The subtree roots of RFC 9162 §2.1.4.1, in order.
    pub path: Vec<Hash32>,
}

/// Why a consistency proof failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConsistencyError {
    /// The proof is for other sizes than those asked about.
    #[error("proof is from {proof_first} to {proof_second} leaves, not {first} to {second}")]
    SizeMismatch {
        /// The proof's older size.
        proof_first: u64,
        /// The proof's newer size.
        proof_second: u64,
        /// The older size asked about.
        first: u64,
        /// The newer size asked about.
        second: u64,
    },
    /// The older tree is empty or larger than the newer.
    #[error("no consistency from {first} leaves to {second}")]
    Sizes {
        /// The older size.
        first: u64,
        /// The newer size.
        second: u64,
    },
    /// The path has the wrong length for these sizes.
    #[error("consistency path has the wrong length")]
    PathLength,
    /// The path does not lead to the two roots.
    #[error("consistency path does not give the two roots")]
    RootMismatch,
}

/// The consistency proof from the tree of `first` leaves to the tree of `second`
/// (`1 <= first <= second`; empty when they are equal).
/// In the `ed25519-blake3` suite.
pub fn prove_consistency<N: HistoryNodes>(
    nodes: &N,
    first: u64,
    second: u64,
) -> Result<ConsistencyProof, ProveError<N::Error>> {
    prove_consistency_in(Suite::Ed25519Blake3, nodes, first, second)
}

/// [`prove_consistency`] in `suite`.
pub fn prove_consistency_in<N: HistoryNodes>(
    suite: Suite,
    nodes: &N,
    first: u64,
    second: u64,
) -> Result<ConsistencyProof, ProveError<N::Error>> {
    if first == 0 || first > second {
        return Err(ProveError::Range(HistoryRangeError::Sizes { first, second }));
    }
    let mut path = Vec::new();
    if first < second {
        subproof(suite, nodes, first, 0, second, true, &mut path).map_err(ProveError::Nodes)?;
    }
    Ok(ConsistencyProof { first, second, path })
}

/// RFC 9162 §2.1.4.1 `SUBPROOF(m, D[start..end], b)`.
fn subproof<N: HistoryNodes>(
    suite: Suite,
    nodes: &N,
    m: u64,
    start: u64,
    end: u64,
    complete: bool,
    path: &mut Vec<Hash32>,
) -> Result<(), N::Error> {
    let n = end - start;
    if m == n {
        if !complete {
            path.push(subtree_root(suite, nodes, start, end)?);
        }
        return Ok(());
    }
    let k = largest_power_of_two_below(n);
    if m <= k {
        subproof(suite, nodes, m, start, start + k, complete, path)?;
        path.push(subtree_root(suite, nodes, start + k, end)?);
    } else {
        subproof(suite, nodes, m - k, start + k, end, false, path)?;
        path.push(subtree_root(suite, nodes, start, start + k)?);
    }
    Ok(())
}

impl ConsistencyProof {
    /// Checks that the tree of `first` leaves with root `first_root` is a prefix of the tree of
    /// `second` leaves with root `second_root`: RFC 9162 §2.1.4.2, and for equal sizes an empty
    /// path and equal roots. In the `ed25519-blake3` suite.
    pub fn verify(
        &self,
        first: u64,
        first_root: &Hash32,
        second: u64,
        second_root: &Hash32,
    ) -> Result<(), ConsistencyError> {
        self.verify_in(Suite::Ed25519Blake3, first, first_root, second, second_root)
    }

    /// [`ConsistencyProof::verify`] in `suite`.
    pub fn verify_in(
        &self,
        suite: Suite,
        first: u64,
        first_root: &Hash32,
        second: u64,
        second_root: &Hash32,
    ) -> Result<(), ConsistencyError> {
        let node = |left: &Hash32, right: &Hash32| node_in(suite, left, right);
        if self.first != first || self.second != second {
            return Err(ConsistencyError::SizeMismatch {
                proof_first: self.first,
                proof_second: self.second,
                first,
                second,
            });
        }
        if first == 0 || first > second {
            return Err(ConsistencyError::Sizes { first, second });
        }
        if first == second {
            if !self.path.is_empty() {
                return Err(ConsistencyError::PathLength);
            }
            return if first_root == second_root {
                Ok(())
            } else {
                Err(ConsistencyError::RootMismatch)
            };
        }
        let mut path = self.path.iter();
        let start = if first.is_power_of_two() {
            *first_root
        } else {
            *path.next().ok_or(ConsistencyError::PathLength)?
        };
        let (mut f, mut s) = (first - 1, second - 1);
        while f & 1 == 1 {
            f >>= 1;
            s >>= 1;
        }
        let (mut fr, mut sr) = (start, start);
        for c in path {
            if s == 0 {
                return Err(ConsistencyError::PathLength);
            }
            if f & 1 == 1 || f == s {
                fr = node(c, &fr);
                sr = node(c, &sr);
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            } else {
                sr = node(&sr, c);
            }
            f >>= 1;
            s >>= 1;
        }
        if s != 0 {
            return Err(ConsistencyError::PathLength);
        }
        if fr != *first_root || sr != *second_root {
            return Err(ConsistencyError::RootMismatch);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_tagged;

    fn blocks(n: usize) -> Vec<Hash32> {
        (0..n).map(|i| hash_tagged(Tag::Header, &[&(i as u64).to_le_bytes()])).collect()
    }

    fn tree(n: usize) -> (LeavesInMemory, History) {
        let mut history = History::new();
        for block in blocks(n) {
            history.push(&block);
        }
        (LeavesInMemory(blocks(n).iter().map(leaf).collect()), history)
    }

    fn unwrap<T>(result: Result<T, ProveError<std::convert::Infallible>>) -> T {
        match result {
            Ok(value) => value,
            Err(ProveError::Range(error)) => panic!("{error}"),
            Err(ProveError::Nodes(never)) => match never {},
        }
    }

    #[test]
    fn the_frontier_root_is_the_rfc_6962_root_of_the_leaves_at_every_size() {
        let mut history = History::new();
        let mut leaves = Vec::new();

        for (n, block) in blocks(70).iter().enumerate() {
            history.push(block);
            leaves.push(leaf(block));
            let nodes = LeavesInMemory(leaves.clone());

            assert_eq!(history.size(), n as u64 + 1);
            assert_eq!(history.root(), root_of_leaves(&leaves), "size {}", n + 1);
            assert_eq!(unwrap(root(&nodes, n as u64 + 1)), history.root());
            assert_eq!(History::from_nodes(n as u64 + 1, &nodes), Ok(history.clone()));
        }
    }

    /// Every leaf in memory, with subtrees hashed in the `sm2-sm3` suite.
    struct NationalLeaves(Vec<Hash32>);

    impl HistoryNodes for NationalLeaves {
        type Error = std::convert::Infallible;

        fn perfect(&self, level: u8, index: u64) -> Result<Hash32, Self::Error> {
            let width = 1usize << level;
            let start = usize::try_from(index).expect("in memory") * width;
            Ok(root_of_leaves_in(Suite::Sm2Sm3, &self.0[start..start + width]))
        }
    }

    #[test]
    fn a_national_history_proves_ancestry_and_consistency_in_its_suite_only() {
        let suite = Suite::Sm2Sm3;
        let leaves = blocks(11);
        let mut history = History::new();
        for block in &leaves {
            history.push_in(suite, block);
        }
        let nodes = NationalLeaves(leaves.iter().map(|block| leaf_in(suite, block)).collect());
        let root = history.root_in(suite);

        let ancestry = unwrap(prove_ancestry_in(suite, &nodes, 6, 11));
        let consistency = unwrap(prove_consistency_in(suite, &nodes, 5, 11));
        let mut older = History::new();
        for block in &leaves[..5] {
            older.push_in(suite, block);
        }

        assert_eq!(root, root_of_leaves_in(suite, &nodes.0));
        assert_eq!(unwrap(root_in(suite, &nodes, 11)), root);
        assert_ne!(root, history.root());
        assert_eq!(verify_ancestry_in(suite, &ancestry, &leaves[6], &root, 11), Ok(()));
        assert!(verify_ancestry(&ancestry, &leaves[6], &root, 11).is_err());
        assert_eq!(consistency.verify_in(suite, 5, &older.root_in(suite), 11, &root), Ok(()));
        assert!(consistency.verify(5, &older.root_in(suite), 11, &root).is_err());
    }

    #[test]
    fn push_returns_every_perfect_subtree_it_completes() {
        let mut history = History::new();
        let block_hashes = blocks(8);
        let nodes = LeavesInMemory(block_hashes.iter().map(leaf).collect());

        let created: Vec<Vec<Subtree>> = block_hashes.iter().map(|b| history.push(b)).collect();

        assert_eq!(created[6].len(), 1);
        let last: Vec<(u8, u64)> = created[7].iter().map(|s| (s.level, s.index)).collect();
        assert_eq!(last, [(0, 7), (1, 3), (2, 1), (3, 0)]);
        for subtree in created.iter().flatten() {
            assert_eq!(Ok(subtree.hash), nodes.perfect(subtree.level, subtree.index));
        }
    }

    #[test]
    fn a_frontier_round_trips_through_its_peaks_and_names_its_stored_subtrees() {
        let leaves: Vec<Hash32> = (0..40u8).map(|i| leaf(&Hash32([i; 32]))).collect();
        for size in 0..=40u64 {
            let nodes = LeavesInMemory(leaves[..size as usize].to_vec());
            let history = History::from_nodes(size, &nodes).unwrap();
            let again = History::from_peaks(size, history.peaks().to_vec());
            assert_eq!(again.as_ref(), Some(&history), "size {size}");
            for subtree in history.subtrees() {
                assert_eq!(Ok(subtree.hash), nodes.perfect(subtree.level, subtree.index));
            }
            let mut one_more = history.peaks().to_vec();
            one_more.push(Hash32::ZERO);
            assert_eq!(History::from_peaks(size, one_more), None, "size {size}");
        }
    }

    #[test]
    fn a_three_leaf_tree_is_two_then_one() {
        let b = blocks(3);

        let (_, history) = tree(3);

        assert_eq!(history.root(), node(&node(&leaf(&b[0]), &leaf(&b[1])), &leaf(&b[2])));
    }

    #[test]
    fn every_ancestor_of_every_size_up_to_40_is_proved() {
        for size in 1..=40u64 {
            let (nodes, history) = tree(size as usize);
            for index in 0..size {
                let proof = unwrap(prove_ancestry(&nodes, index, size));
                let block = blocks(size as usize)[index as usize];

                assert_eq!(verify_ancestry(&proof, &block, &history.root(), size), Ok(()));
                let other = hash_tagged(Tag::Tx, &[b"not a block"]);
                assert!(verify_ancestry(&proof, &other, &history.root(), size).is_err());
            }
        }
    }

    #[test]
    fn every_pair_of_sizes_up_to_40_is_consistent_and_no_other_root_is() {
        for second in 1..=40u64 {
            let (nodes, newer) = tree(second as usize);
            for first in 1..=second {
                let (_, older) = tree(first as usize);
                let proof = unwrap(prove_consistency(&nodes, first, second));

                assert_eq!(
                    proof.verify(first, &older.root(), second, &newer.root()),
                    Ok(()),
                    "{first} to {second}"
                );
                let forged = hash_tagged(Tag::Tx, &[b"forged"]);
                assert!(proof.verify(first, &forged, second, &newer.root()).is_err());
                assert!(proof.verify(first, &older.root(), second, &forged).is_err());
            }
        }
    }

    #[test]
    fn the_rfc_9162_example_sizes_give_the_documented_path_lengths() {
        // RFC 9162 §2.1.5: the consistency proof between the trees of 3 and 7 leaves is
        // [c, d, g, l]; between 4 and 7 it is [l]; between 6 and 7 it is [i, j, k].
        let (nodes, _) = tree(7);
        let len = |first| unwrap(prove_consistency(&nodes, first, 7)).path.len();

        assert_eq!([len(3), len(4), len(6)], [4, 1, 3]);
    }

    #[test]
    fn impossible_ranges_are_refused() {
        let (nodes, _) = tree(5);

        assert!(matches!(
            prove_ancestry(&nodes, 5, 5),
            Err(ProveError::Range(HistoryRangeError::Outside { index: 5, size: 5 }))
        ));
        assert!(matches!(prove_consistency(&nodes, 0, 5), Err(ProveError::Range(_))));
        assert!(matches!(prove_consistency(&nodes, 6, 5), Err(ProveError::Range(_))));
        let proof = ConsistencyProof { first: 2, second: 5, path: vec![] };
        assert_eq!(
            proof.verify(2, &Hash32::ZERO, 5, &Hash32::ZERO),
            Err(ConsistencyError::PathLength)
        );
        assert!(matches!(
            proof.verify(3, &Hash32::ZERO, 5, &Hash32::ZERO),
            Err(ConsistencyError::SizeMismatch { .. })
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        #[test]
        fn any_bit_flip_in_a_consistency_proof_fails(
            second in 2u64..300,
            pick in 0u64..300,
        ) {
            let first = 1 + pick % (second - 1);
            let (nodes, newer) = tree(second as usize);
            let (_, older) = tree(first as usize);
            let proof = unwrap(prove_consistency(&nodes, first, second));
            proptest::prop_assert_eq!(proof.verify(first, &older.root(), second, &newer.root()), Ok(()));
            let bytes = crate::codec::encode(&proof);

            for bit in 0..bytes.len() * 8 {
                let mut flipped = bytes.clone();
                flipped[bit / 8] ^= 1 << (bit % 8);
                if let Ok(bad) = crate::codec::decode::<ConsistencyProof>(&flipped, 1 << 16) {
                    proptest::prop_assert!(
                        bad.verify(first, &older.root(), second, &newer.root()).is_err(),
                        "bit {}", bit
                    );
                }
            }
        }

        #[test]
        fn ancestry_proofs_hold_for_large_trees(size in 1u64..2_000, pick in 0u64..2_000) {
            let index = pick % size;
            let (nodes, history) = tree(size as usize);
            let proof = unwrap(prove_ancestry(&nodes, index, size));
            let block = blocks(size as usize)[index as usize];

            proptest::prop_assert!(proof.path.len() <= 11);
            proptest::prop_assert_eq!(verify_ancestry(&proof, &block, &history.root(), size), Ok(()));
            if index + 1 < size {
                let next = blocks(size as usize)[index as usize + 1];
                proptest::prop_assert!(verify_ancestry(&proof, &next, &history.root(), size).is_err());
            }
        }
    }
}
