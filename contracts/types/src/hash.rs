//! Domain-tagged BLAKE3 hashing.
//!
//! Every hash in Onebook is `BLAKE3(tag || 0x00 || input)`: the ASCII domain tag of the kind of
//! thing hashed, one zero byte, then the input bytes, in BLAKE3's default (unkeyed) mode with a
//! 32-byte output. Tags contain no zero byte, so no input of one kind can be read as another kind.
//! The tags are listed in [`Tag`] and in `docs/formats.md`.

use std::fmt;

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// A 32-byte BLAKE3 digest.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, BorshSerialize, BorshDeserialize,
)]
pub struct Hash32(pub [u8; 32]);

impl Hash32 {
    /// The all-zero digest. It stands for "nothing": the empty state subtree. No input hashes to
    /// it in practice.
    pub const ZERO: Self = Self([0; 32]);

    /// The digest's bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex characters.
    pub fn from_hex(text: &str) -> Result<Self, hex::FromHexError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes)?;
        Ok(Self(bytes))
    }

    /// Bit `index` of the digest, most significant bit of byte 0 first. Indexes the path from
    /// the root of the state tree to a key's leaf.
    pub const fn bit(&self, index: usize) -> bool {
        assert!(index < 256, "a digest has 256 bits");
        (self.0[index / 8] >> (7 - index % 8)) & 1 == 1
    }
}

impl fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_hex())
    }
}

impl fmt::Display for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_hex())
    }
}

impl Serialize for Hash32 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hash32 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as Deserialize>::deserialize(deserializer)?;
        Self::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// The domain tag of each kind of thing hashed. The string values are part of the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The digest a transaction's signer signs: over `borsh(TxBody)`.
    TxSign,
    /// A transaction's identity: over `borsh(SignedTx)`.
    Tx,
    /// A block's identity: over `borsh(Header)`.
    Header,
    /// A leaf of a block's transaction tree: over the 32-byte tx hash.
    TxLeaf,
    /// A leaf of a block's receipt tree: over `borsh(Receipt)`.
    ReceiptLeaf,
    /// An inner node of a transaction or receipt tree: over `left || right`.
    MerkleNode,
    /// The root of a transaction or receipt tree with no leaves: over nothing.
    MerkleEmpty,
    /// The path of a record in the state tree: over the record key bytes.
    StateKey,
    /// A record's value in the state tree: over the record's value bytes.
    StateValue,
    /// A leaf of the state tree: over `key_hash || value_hash`.
    StateLeaf,
    /// An inner node of the state tree: over `left || right`.
    StateNode,
    /// A validator set: over `borsh(ValidatorSet)`.
    ValidatorSet,
    /// A genesis file: over `borsh(Genesis)`.
    Genesis,
    /// The digest validators sign to commit a block: over `borsh(CommitVote)`.
    CommitVote,
    /// A data-property subject's index key: over `borsh(identity)` (resource id or product
    /// digest).
    PropertySubject,
    /// The digest a member signs to read restricted records: over
    /// `borsh((method, path_and_query, time_ms))`.
    ReadRequest,
    /// The key of a data element's authoritative source (一数一源): over `borsh(SourceKey)`
    /// (the data element, or the item name where no element is given).
    ElementSource,
    /// A leaf of the history tree: over a 32-byte block hash (the genesis hash for leaf 0).
    HistoryLeaf,
    /// An inner node of the history tree: over `left || right`.
    HistoryNode,
    /// A witness set: over `borsh(WitnessSet)`.
    WitnessSet,
    /// The digest a witness signs to cosign a checkpoint: over
    /// `borsh(Checkpoint) || time (u64 LE)`.
    Cosignature,
    /// The figures of a periodic report (通报): over `borsh(Report)` (`onebook_query::reports`).
    Report,
}

impl Tag {
    /// The ASCII tag string.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TxSign => "onebook/tx-sign/v1",
            Self::Tx => "onebook/tx/v1",
            Self::Header => "onebook/header/v1",
            Self::TxLeaf => "onebook/tx-leaf/v1",
            Self::ReceiptLeaf => "onebook/receipt-leaf/v1",
            Self::MerkleNode => "onebook/merkle-node/v1",
            Self::MerkleEmpty => "onebook/merkle-empty/v1",
            Self::StateKey => "onebook/state-key/v1",
            Self::StateValue => "onebook/state-value/v1",
            Self::StateLeaf => "onebook/state-leaf/v1",
            Self::StateNode => "onebook/state-node/v1",
            Self::ValidatorSet => "onebook/validator-set/v1",
            Self::Genesis => "onebook/genesis/v1",
            Self::CommitVote => "onebook/commit-vote/v1",
            Self::PropertySubject => "onebook/property-subject/v1",
            Self::ReadRequest => "onebook/read-request/v1",
            Self::ElementSource => "onebook/element-source/v1",
            Self::HistoryLeaf => "onebook/history-leaf/v1",
            Self::HistoryNode => "onebook/history-node/v1",
            Self::WitnessSet => "onebook/witness-set/v1",
            Self::Cosignature => "onebook/cosignature/v1",
            Self::Report => "onebook/report/v1",
        }
    }

    /// Every tag, for tests and documentation.
    pub const ALL: [Self; 22] = [
        Self::TxSign,
        Self::Tx,
        Self::Header,
        Self::TxLeaf,
        Self::ReceiptLeaf,
        Self::MerkleNode,
        Self::MerkleEmpty,
        Self::StateKey,
        Self::StateValue,
        Self::StateLeaf,
        Self::StateNode,
        Self::ValidatorSet,
        Self::Genesis,
        Self::CommitVote,
        Self::PropertySubject,
        Self::ReadRequest,
        Self::ElementSource,
        Self::HistoryLeaf,
        Self::HistoryNode,
        Self::WitnessSet,
        Self::Cosignature,
        Self::Report,
    ];
}

/// `BLAKE3(tag || 0x00 || parts[0] || parts[1] || ...)`.
pub fn hash_tagged(tag: Tag, parts: &[&[u8]]) -> Hash32 {
    let mut hasher = blake3::Hasher::new();
    hasher.update(tag.as_str().as_bytes());
    hasher.update(&[0]);
    for part in parts {
        hasher.update(part);
    }
    Hash32(*hasher.finalize().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_distinct_and_contain_no_zero_byte() {
        let mut seen = std::collections::BTreeSet::new();

        for tag in Tag::ALL {
            assert!(!tag.as_str().as_bytes().contains(&0), "{tag:?}");
            assert!(seen.insert(tag.as_str()), "duplicate tag {tag:?}");
        }
    }

    #[test]
    fn the_same_input_under_two_tags_hashes_differently() {
        let a = hash_tagged(Tag::Tx, &[b"x"]);
        let b = hash_tagged(Tag::Header, &[b"x"]);

        assert_ne!(a, b);
    }

    #[test]
    fn bits_are_read_most_significant_first() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0b1000_0001;
        let hash = Hash32(bytes);

        assert!(hash.bit(0));
        assert!(!hash.bit(1));
        assert!(hash.bit(7));
        assert!(!hash.bit(8));
    }

    #[test]
    fn hex_round_trips() {
        let hash = hash_tagged(Tag::Genesis, &[b"dev"]);

        assert_eq!(Hash32::from_hex(&hash.to_hex()), Ok(hash));
    }
}
