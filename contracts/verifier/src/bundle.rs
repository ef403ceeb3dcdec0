//! The proof bundle format: what a node hands out and a verifier checks.

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_state::StateProof;
use onebook_types::{
    block::{CommitCertificate, Header, Receipt},
    checkpoint::{Checkpoint, Cosignature, WitnessSet},
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
/// Version 1 (no history root, no genesis hash in the votes, no anchoring, no receipts) is no
/// longer read.
pub const BUNDLE_VERSION: u16 = 2;

/// Everything needed to check, from the genesis alone, one or more facts committed in the block
/// at one height, and that this block is an ancestor of a checkpoint the chain's witnesses
/// cosigned. Encoded with borsh; `docs/formats.md` (Proof bundles) gives every byte.
///
/// The chain of trust is genesis validator set → each [`SetChange`] in order → the set in force
/// at `header.height` → `certificate` over `header` → `claim` against `header`'s roots; and
/// genesis witness set → each [`WitnessChange`] → the set cosigning the [`Anchor`]'s checkpoint →
/// `header` as an ancestor of that checkpoint.
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
    /// The witnessed checkpoint `header` is an ancestor of; `None` for an unanchored bundle,
    /// which a verifier refuses unless told to accept it.
    pub anchor: Option<Anchor>,
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
    /// A transaction included in the block and what became of it: against `tx_root`,
    /// `receipts_root` and `tx_count`.
    Tx {
        /// The transaction.
        tx: Box<SignedTx>,
        /// Its audit path in the block's tx tree.
        proof: InclusionProof,
        /// Its receipt: the code (0 accepted, else the rule it broke) and events.
        receipt: Receipt,
        /// The receipt's audit path in the block's receipt tree, at the same index.
        receipt_proof: InclusionProof,
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

/// Where a bundle's header sits in the witnessed history: a checkpoint at or above it, its
/// cosignatures, the witness-set changes from genesis to the set that cosigned it, and the
/// header's place in the checkpoint's history tree.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Anchor {
    /// Every change of the witness set from genesis up to (not including) the checkpoint, in
    /// height order; empty if the genesis witnesses cosign it.
    pub witness_changes: Vec<WitnessChange>,
    /// The checkpoint, at or above the bundle's header.
    pub checkpoint: Checkpoint,
    /// Its cosignatures, sorted by witness key, at least the threshold of the set in force.
    pub cosignatures: Vec<Cosignature>,
    /// The header's block as leaf `header.height` of the checkpoint's history tree; `None` when
    /// the header is the checkpoint's own.
    pub ancestry: Option<InclusionProof>,
    /// A proof bundle of the parent chain (encoded) proving that it recorded this checkpoint:
    /// its `ChildChain` record for this chain, with this checkpoint as the latest anchored.
    pub parent: Option<Vec<u8>>,
}

/// One change of the witness set: the cosigned checkpoint that announced it
/// (`next_witness_set_hash` differs from `witness_set_hash`), and the set it announced, which
/// cosigns the checkpoints after it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct WitnessChange {
    /// The checkpoint announcing the change, cosigned by the set in force before it.
    pub checkpoint: Checkpoint,
    /// Its cosignatures.
    pub cosignatures: Vec<Cosignature>,
    /// The announced set; its hash is `checkpoint.next_witness_set_hash`.
    pub next_set: WitnessSet,
}

impl ProofBundle {
    /// A bundle of the current version.
    pub fn new(
        genesis_hash: Hash32,
        set_changes: Vec<SetChange>,
        header: Header,
        certificate: CommitCertificate,
        claim: Claim,
        anchor: Option<Anchor>,
    ) -> Self {
        Self {
            magic: BUNDLE_MAGIC,
            version: BUNDLE_VERSION,
            genesis_hash,
            set_changes,
            header,
            certificate,
            claim,
            anchor,
        }
    }

    /// The bundle's canonical bytes.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }
}
