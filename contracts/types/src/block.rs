//! Blocks, headers, receipts and commit certificates.
//!
//! A header commits to the block's transactions (`tx_root`), to what became of each
//! (`receipts_root`), to the whole ledger state after the block (`state_root`), to every block
//! before it (`history_root`) and to the validators that sign it. Its hash is
//! `H("onebook/header/v1", borsh(Header))`. A [`CommitCertificate`] holds the signatures of more
//! than two thirds of the voting power over a [`CommitVote`] naming that hash and the chain's
//! genesis hash, so a certificate of one genesis never verifies under another.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    codec::{self, DecodeError},
    consortium::ValidatorSet,
    hash::{Hash32, Tag},
    ids::{ChainId, Height, Timestamp},
    keys::{PublicKey, Signature},
    limits::{BLOCK_BYTES_MAX, HEADER_BYTES_MAX, RECEIPT_BYTES_MAX},
    merkle,
    rejection::Rejection,
    suite::Suite,
    tx::SignedTx,
};

/// What every block commits to.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Header {
    /// The chain.
    pub chain_id: ChainId,
    /// The block's height; the first block is 1.
    pub height: Height,
    /// Block time, set by the proposer; never earlier than the previous block's.
    pub time: Timestamp,
    /// The previous header's hash; for height 1, the genesis hash.
    pub previous_hash: Hash32,
    /// Root of the history tree over the hashes of every block before this one, the genesis hash
    /// first (`crate::history`): `height` leaves, the last of them `previous_hash`.
    pub history_root: Hash32,
    /// Merkle root over the tx leaves, in block order.
    pub tx_root: Hash32,
    /// Number of transactions: the size of the tx and receipt trees, which inclusion proofs are
    /// checked against.
    pub tx_count: u32,
    /// Merkle root over the receipt leaves, in block order.
    pub receipts_root: Hash32,
    /// Root of the state tree after applying this block.
    pub state_root: Hash32,
    /// Hash of the validator set that signs this block.
    pub validator_set_hash: Hash32,
    /// Hash of the validator set that signs the next block.
    pub next_validator_set_hash: Hash32,
    /// Node key of the validator that proposed the block.
    pub proposer: PublicKey,
}

impl Header {
    /// The block's identity (`ed25519-blake3`).
    pub fn hash(&self) -> Hash32 {
        self.hash_in(Suite::Ed25519Blake3)
    }

    /// The block's identity in `suite`.
    pub fn hash_in(&self, suite: Suite) -> Hash32 {
        suite.hash_tagged(Tag::Header, &[&codec::encode(self)])
    }

    /// Decodes a header, refusing more than [`HEADER_BYTES_MAX`] bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        codec::decode(bytes, HEADER_BYTES_MAX)
    }
}

/// A header and its transactions.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The transactions, in execution order.
    pub txs: Vec<SignedTx>,
}

impl Block {
    /// Decodes a block, refusing more than [`BLOCK_BYTES_MAX`] bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        codec::decode(bytes, BLOCK_BYTES_MAX)
    }

    /// The Merkle root over the block's transactions (`ed25519-blake3`).
    pub fn compute_tx_root(&self) -> Hash32 {
        self.compute_tx_root_in(Suite::Ed25519Blake3)
    }

    /// The Merkle root over the block's transactions, in `suite`.
    pub fn compute_tx_root_in(&self, suite: Suite) -> Hash32 {
        tx_root_in(suite, &self.txs.iter().map(|tx| tx.hash_in(suite)).collect::<Vec<_>>())
    }
}

/// The tx root over tx hashes in block order (`ed25519-blake3`).
pub fn tx_root(tx_hashes: &[Hash32]) -> Hash32 {
    tx_root_in(Suite::Ed25519Blake3, tx_hashes)
}

/// The tx root over tx hashes in block order, in `suite`.
pub fn tx_root_in(suite: Suite, tx_hashes: &[Hash32]) -> Hash32 {
    let leaves: Vec<Hash32> =
        tx_hashes.iter().map(|hash| merkle::tx_leaf_in(suite, hash)).collect();
    merkle::root_in(suite, &leaves)
}

/// The receipts root over receipts in block order (`ed25519-blake3`).
pub fn receipts_root(receipts: &[Receipt]) -> Hash32 {
    receipts_root_in(Suite::Ed25519Blake3, receipts)
}

/// The receipts root over receipts in block order, in `suite`.
pub fn receipts_root_in(suite: Suite, receipts: &[Receipt]) -> Hash32 {
    let leaves: Vec<Hash32> = receipts
        .iter()
        .map(|receipt| merkle::receipt_leaf_in(suite, &codec::encode(receipt)))
        .collect();
    merkle::root_in(suite, &leaves)
}

/// A named fact a transaction produced, for indexes and the event stream.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// What happened, as `record.verb`, e.g. `grant.issued`, `violation.recorded`.
    pub kind: String,
    /// Details as ordered key-value pairs.
    pub attributes: Vec<(String, String)>,
}

/// What became of one transaction. Refused transactions are committed too: the refusal and its
/// reason are part of the record.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The transaction.
    pub tx_hash: Hash32,
    /// 0 if accepted, else the [`Rejection::code`].
    pub code: u16,
    /// The events it produced. A refused tx produced none, but for one [`Receipt::REFUSED`]
    /// event where the rule it broke names what stood in the way (the holder of an
    /// authoritative source, for example).
    pub events: Vec<Event>,
}

impl Receipt {
    /// The code of an accepted transaction.
    pub const ACCEPTED: u16 = 0;

    /// A receipt for an accepted transaction.
    pub fn accepted(tx_hash: Hash32, events: Vec<Event>) -> Self {
        Self { tx_hash, code: Self::ACCEPTED, events }
    }

    /// The kind of the one event a refused transaction may carry: what stood in the way.
    pub const REFUSED: &'static str = "tx.refused";

    /// A receipt for a refused transaction.
    pub fn rejected(tx_hash: Hash32, rejection: Rejection) -> Self {
        Self { tx_hash, code: rejection.code(), events: Vec::new() }
    }

    /// A receipt for a refused transaction whose rule names what stood in the way, as a
    /// [`Receipt::REFUSED`] event with `detail`'s attributes.
    pub fn refused(tx_hash: Hash32, rejection: Rejection, detail: Vec<(String, String)>) -> Self {
        let event = Event { kind: Self::REFUSED.to_owned(), attributes: detail };
        Self { tx_hash, code: rejection.code(), events: vec![event] }
    }

    /// Why it was refused, if it was (`None` for accepted, or a code this build does not know).
    pub fn rejection(&self) -> Option<Rejection> {
        Rejection::from_code(self.code)
    }

    /// Decodes a receipt, refusing more than [`RECEIPT_BYTES_MAX`] bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        codec::decode(bytes, RECEIPT_BYTES_MAX)
    }
}

/// What a validator signs to commit a block: `H("onebook/commit-vote/v1", borsh(CommitVote))`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitVote {
    /// The chain.
    pub chain_id: ChainId,
    /// The chain's genesis hash: a vote of a chain started from another genesis (a staging chain
    /// with the same chain id and keys) is never a vote of this one.
    pub genesis_hash: Hash32,
    /// The height.
    pub height: Height,
    /// The consensus round in which the block was decided.
    pub round: u32,
    /// The header hash.
    pub block_hash: Hash32,
}

impl CommitVote {
    /// The digest validators sign (`ed25519-blake3`).
    pub fn signing_digest(&self) -> Hash32 {
        self.signing_digest_in(Suite::Ed25519Blake3)
    }

    /// The digest validators sign, in `suite`.
    pub fn signing_digest_in(&self, suite: Suite) -> Hash32 {
        suite.hash_tagged(Tag::CommitVote, &[&codec::encode(self)])
    }
}

/// One validator's signature in a certificate.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitSignature {
    /// The validator's node key.
    pub node_key: PublicKey,
    /// Its signature over the vote's digest.
    pub signature: Signature,
}

/// The proof that a block was committed: signatures over one `CommitVote` by more than two
/// thirds of the voting power of the block's validator set.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitCertificate {
    /// The vote every signature covers.
    pub vote: CommitVote,
    /// The signatures, sorted by node key, each validator once.
    pub signatures: Vec<CommitSignature>,
}

/// Why a commit certificate does not prove its block.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// The vote names another genesis than the verifier's.
    #[error("the votes are for genesis {got}, not {expected}")]
    WrongGenesis {
        /// The genesis the vote names.
        got: Hash32,
        /// The genesis trusted.
        expected: Hash32,
    },
    /// The certificate names another block.
    #[error("certificate is for block {got}, not {expected}")]
    WrongBlock {
        /// The block it names.
        got: Hash32,
        /// The block expected.
        expected: Hash32,
    },
    /// The set given is not the one the header names.
    #[error("validator set hash {got} differs from the header's {expected}")]
    WrongValidatorSet {
        /// Hash of the set given.
        got: Hash32,
        /// Hash in the header.
        expected: Hash32,
    },
    /// Signatures are unsorted or repeated.
    #[error("signatures are not sorted by node key without repeats")]
    NotSorted,
    /// A signer is not in the validator set.
    #[error("signer {0} is not a validator")]
    UnknownSigner(PublicKey),
    /// A signature does not verify.
    #[error("signature by {0} does not verify")]
    BadSignature(PublicKey),
    /// Not enough power signed.
    #[error("signed power {signed} is not more than two thirds of {total}")]
    NoQuorum {
        /// Power that signed.
        signed: u64,
        /// Total power.
        total: u64,
    },
}

impl CommitCertificate {
    /// Checks that the certificate commits `header` of the chain started from `genesis_hash`
    /// under `validators` (the set named by `header.validator_set_hash`), in the
    /// `ed25519-blake3` suite; see [`CommitCertificate::verify_in`].
    pub fn verify(
        &self,
        header: &Header,
        genesis_hash: &Hash32,
        validators: &ValidatorSet,
    ) -> Result<(), CertificateError> {
        self.verify_in(Suite::Ed25519Blake3, header, genesis_hash, validators)
    }

    /// [`CommitCertificate::verify`] with every hash and signature read in `suite`.
    pub fn verify_in(
        &self,
        suite: Suite,
        header: &Header,
        genesis_hash: &Hash32,
        validators: &ValidatorSet,
    ) -> Result<(), CertificateError> {
        if self.vote.genesis_hash != *genesis_hash {
            return Err(CertificateError::WrongGenesis {
                got: self.vote.genesis_hash,
                expected: *genesis_hash,
            });
        }
        let expected = header.hash_in(suite);
        if self.vote.block_hash != expected
            || self.vote.height != header.height
            || self.vote.chain_id != header.chain_id
        {
            return Err(CertificateError::WrongBlock { got: self.vote.block_hash, expected });
        }
        let set_hash = validators.hash_in(suite);
        if set_hash != header.validator_set_hash {
            return Err(CertificateError::WrongValidatorSet {
                got: set_hash,
                expected: header.validator_set_hash,
            });
        }
        if !self.signatures.windows(2).all(|pair| pair[0].node_key < pair[1].node_key) {
            return Err(CertificateError::NotSorted);
        }
        let digest = self.vote.signing_digest_in(suite);
        let mut signed = 0u64;
        for entry in &self.signatures {
            let validator = validators
                .get(&entry.node_key)
                .ok_or(CertificateError::UnknownSigner(entry.node_key))?;
            suite
                .verify(&entry.node_key, digest.as_bytes(), &entry.signature)
                .map_err(|_| CertificateError::BadSignature(entry.node_key))?;
            signed = signed.saturating_add(validator.power);
        }
        if signed < validators.quorum_power() {
            return Err(CertificateError::NoQuorum { signed, total: validators.total_power() });
        }
        Ok(())
    }
}
