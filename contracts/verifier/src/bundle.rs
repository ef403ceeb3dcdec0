//! The proof bundle format: what a node hands out and a verifier checks.

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_state::StateProof;
use onebook_types::{
    block::{CommitCertificate, Header},
    codec,
    consortium::ValidatorSet,
    hash::Hash32,
    merkle::InclusionProof,
    record::RecordKey,
    tx::SignedTx,
};

/// The four bytes every bundle starts with: ASCII `OBPB` ("Onebook proof bundle").
pub const BUNDLE_MAGIC: [u8; 4] = *b"OBPB";
/// The format version this build writes and reads, as a little-endian `u16` after the magic.
pub const BUNDLE_VERSION: u16 = 1;

/// Everything needed to check, from the genesis alone, one or more facts committed in the block
/// at one height. Encoded with borsh; `docs/formats.md` (Proof bundles) gives every byte.
///
/// The chain of trust is genesis validator set → each [`SetChange`] in order → the set in force
/// at `header.height` → `certificate` over `header` → `claim` against `header`'s roots.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ProofBundle {
    /// Always [`BUNDLE_MAGIC`].
    pub magic: [u8; 4],
    /// Always [`BUNDLE_VERSION`] for this layout.
    pub version: u16,
    /// The genesis the bundle was cut from; must equal the verifier's trusted genesis hash.
    pub genesis_hash: Hash32,
    /// Every change of the validator set from genesis up to (not including) `header.height`,
    /// in height order; empty if the genesis set still signs `header`.
    pub set_changes: Vec<SetChange>,
    /// The header of the block the claim is proved in.
    pub header: Header,
    /// The commit certificate of that block.
    pub certificate: CommitCertificate,
    /// What is proved.
    pub claim: Claim,
}

/// One change of the validator set: the committed block whose `next_validator_set_hash`
/// announced it, and the set it announced, which signs the blocks after it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SetChange {
    /// The header announcing the change (signed by the set in force before it).
    pub header: Header,
    /// The commit certificate of that header.
    pub certificate: CommitCertificate,
    /// The announced set; its hash is `header.next_validator_set_hash`.
    pub next_set: ValidatorSet,
}

/// What a bundle proves about its block.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum Claim {
    /// Records (or their absence) in the state after the block, against `state_root`.
    Records(Vec<RecordClaim>),
    /// A transaction included in the block, against `tx_root` and `tx_count`.
    Tx {
        /// The transaction.
        tx: Box<SignedTx>,
        /// Its audit path in the block's tx tree.
        proof: InclusionProof,
    },
}

/// One record's value, or its absence, with the state proof for it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct RecordClaim {
    /// The record.
    pub key: RecordKey,
    /// Its value bytes (borsh of the record type), or `None` for "absent at this height".
    pub value: Option<Vec<u8>>,
    /// Membership proof for `Some`, non-membership proof for `None`.
    pub proof: StateProof,
}

impl ProofBundle {
    /// A bundle of the current version.
    pub fn new(
        genesis_hash: Hash32,
        set_changes: Vec<SetChange>,
        header: Header,
        certificate: CommitCertificate,
        claim: Claim,
    ) -> Self {
        Self {
            magic: BUNDLE_MAGIC,
            version: BUNDLE_VERSION,
            genesis_hash,
            set_changes,
            header,
            certificate,
            claim,
        }
    }

    /// The bundle's canonical bytes.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }
}
