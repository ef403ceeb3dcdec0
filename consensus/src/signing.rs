//! Malachite's signer and verifier over Onebook's ed25519 node keys, with Onebook's strict
//! verification rule (`verify_strict`, [`PublicKey::verify`]) rather than ZIP-215.
//!
//! What each message signs:
//!
//! | message | bytes signed |
//! |---|---|
//! | precommit for block `b` at `(h, r)` | `CommitVote { chain_id, genesis_hash, h, r, b }.signing_digest()` (32 bytes) |
//! | prevote, nil precommit | `D("onebook/consensus/vote/v1", borsh(chain_id, genesis_hash, type, h, r, Option<b>))` |
//! | proposal | `D("onebook/consensus/proposal/v1", borsh(chain_id, genesis_hash, h, r, pol_round, b, proposer))` |
//! | proposal part | `D("onebook/consensus/proposal-part/v1", …same fields…)` |
//! | vote extension | `D("onebook/consensus/vote-extension/v1", borsh(chain_id, genesis_hash, h, r, b, validator))` |
//! | validator proof | Malachite's network-agnostic `ValidatorProof::signing_bytes`, unprefixed |
//!
//! `D(tag, x) = BLAKE3(tag || 0x00 || x)`, the construction of `onebook_types::hash`, with tags
//! of this crate's own that `onebook_types::hash::Tag` does not use. So the precommits that
//! decide a block are, as they are, signatures of an Onebook
//! [`CommitCertificate`](onebook_types::block::CommitCertificate), and no other consensus
//! message can be passed off as one. Rounds are `u32`; `pol_round` is `None` when nil.

use std::{fmt, sync::Arc};

use async_trait::async_trait;
use borsh::BorshSerialize;
use malachitebft_core_types::{
    NilOrVal, Round, SignedMessage, SigningScheme, ValidatorProof, VoteExtensionScope, VoteType,
};
use malachitebft_signing::{Error as SigningError, Signer, VerificationResult, Verifier};
use onebook_types::{
    block::CommitVote,
    codec,
    hash::Hash32,
    ids::Height,
    keys::{PublicKey, SecretKey, Signature},
};

use crate::types::{BlockProposal, ChainIdentity, ConsensusHeight, ConsensusVote, OnebookContext};

/// Tag of prevotes and nil precommits.
const TAG_VOTE: &str = "onebook/consensus/vote/v1";
/// Tag of signed proposal messages.
const TAG_PROPOSAL: &str = "onebook/consensus/proposal/v1";
/// Tag of streamed proposal parts.
const TAG_PROPOSAL_PART: &str = "onebook/consensus/proposal-part/v1";
/// Tag of vote extensions (Onebook uses none, but the signer must be able to sign one).
const TAG_VOTE_EXTENSION: &str = "onebook/consensus/vote-extension/v1";

/// The signing scheme: Onebook's raw 32-byte keys and 64-byte signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OnebookSigningScheme;

/// Why bytes are not a key or signature: they have the wrong length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected_bytes} bytes, got {got_bytes}")]
pub(crate) struct KeyLengthError {
    /// The length required.
    pub(crate) expected_bytes: usize,
    /// The length given.
    pub(crate) got_bytes: usize,
}

impl SigningScheme for OnebookSigningScheme {
    type DecodingError = KeyLengthError;
    type Signature = Signature;
    type PublicKey = PublicKey;
    type PrivateKey = Arc<SecretKey>;

    fn decode_signature(bytes: &[u8]) -> Result<Signature, KeyLengthError> {
        <[u8; 64]>::try_from(bytes)
            .map(Signature)
            .map_err(|_| KeyLengthError { expected_bytes: 64, got_bytes: bytes.len() })
    }

    fn encode_signature(signature: &Signature) -> Vec<u8> {
        signature.0.to_vec()
    }

    fn decode_public_key(bytes: &[u8]) -> Result<PublicKey, KeyLengthError> {
        <[u8; 32]>::try_from(bytes)
            .map(PublicKey)
            .map_err(|_| KeyLengthError { expected_bytes: 32, got_bytes: bytes.len() })
    }

    fn encode_public_key(public_key: &PublicKey) -> Vec<u8> {
        public_key.0.to_vec()
    }
}

/// Signs as one validator: its node key, for one chain.
pub(crate) struct OnebookSigner {
    chain: ChainIdentity,
    secret: Arc<SecretKey>,
}

impl OnebookSigner {
    /// A signer with `secret` for the chain `chain`.
    pub(crate) fn new(chain: ChainIdentity, secret: Arc<SecretKey>) -> Self {
        Self { chain, secret }
    }
}

impl fmt::Debug for OnebookSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnebookSigner")
            .field("chain", &self.chain)
            .field("node_key", &self.secret.public_key())
            .finish()
    }
}

/// Checks signatures for one chain in its suite (strict ed25519, or SM2).
#[derive(Clone, Debug)]
pub(crate) struct OnebookVerifier {
    chain: ChainIdentity,
}

impl OnebookVerifier {
    /// A verifier for the chain `chain`.
    pub(crate) fn new(chain: ChainIdentity) -> Self {
        Self { chain }
    }
}

/// The 32 bytes a vote's signature covers, or `None` for a vote without a round (never
/// signed, never valid).
pub(crate) fn vote_digest(chain: &ChainIdentity, vote: &ConsensusVote) -> Option<[u8; 32]> {
    let round = vote.round.as_u32()?;
    let digest = match (&vote.vote_type, &vote.value) {
        (VoteType::Precommit, NilOrVal::Val(block_hash)) => {
            CommitVote {
                chain_id: chain.chain_id.clone(),
                genesis_hash: chain.genesis_hash,
                height: vote.height.0,
                round,
                block_hash: *block_hash,
            }
            .signing_digest_in(chain.suite)
            .0
        }
        (vote_type, value) => {
            let kind: u8 = match vote_type {
                VoteType::Prevote => 0,
                VoteType::Precommit => 1,
            };
            let value: Option<Hash32> = match value {
                NilOrVal::Nil => None,
                NilOrVal::Val(hash) => Some(*hash),
            };
            tagged_digest(chain, TAG_VOTE, &(chain, kind, vote.height.0, round, value))
        }
    };
    Some(digest)
}

/// The 32 bytes a proposal's signature covers, or `None` for a proposal without a round.
pub(crate) fn proposal_digest(chain: &ChainIdentity, proposal: &BlockProposal) -> Option<[u8; 32]> {
    let round = proposal.round.as_u32()?;
    Some(tagged_digest(
        chain,
        TAG_PROPOSAL,
        &(
            chain,
            proposal.height.0,
            round,
            proposal.pol_round.as_u32(),
            proposal.value.hash(),
            proposal.proposer.0,
        ),
    ))
}

/// The 32 bytes a proposal part's signature covers, or `None` without a round.
pub(crate) fn proposal_part_digest(
    chain: &ChainIdentity,
    height: ConsensusHeight,
    round: Round,
    pol_round: Round,
    block_hash: Hash32,
    proposer: &PublicKey,
) -> Option<[u8; 32]> {
    let round = round.as_u32()?;
    Some(tagged_digest(
        chain,
        TAG_PROPOSAL_PART,
        &(chain, height.0, round, pol_round.as_u32(), block_hash, proposer),
    ))
}

fn extension_digest(
    chain: &ChainIdentity,
    scope: &VoteExtensionScope<OnebookContext>,
) -> Option<[u8; 32]> {
    let round = scope.round.as_u32()?;
    let height: Height = scope.height.0;
    Some(tagged_digest(
        chain,
        TAG_VOTE_EXTENSION,
        &(chain, height, round, scope.value_id, scope.validator_address.0),
    ))
}

/// `H(tag || 0x00 || borsh(body))` with the chain's suite's hash (BLAKE3 or SM3).
fn tagged_digest<T: BorshSerialize>(chain: &ChainIdentity, tag: &str, body: &T) -> [u8; 32] {
    let mut input = Vec::with_capacity(tag.len() + 1 + 128);
    input.extend_from_slice(tag.as_bytes());
    input.push(0);
    input.extend_from_slice(&codec::encode(body));
    chain.suite.digest(&input)
}

fn check(
    chain: &ChainIdentity,
    public_key: &PublicKey,
    digest: Option<[u8; 32]>,
    signature: &Signature,
) -> bool {
    digest.is_some_and(|digest| chain.suite.verify(public_key, &digest, signature).is_ok())
}

#[async_trait]
impl Signer<OnebookContext> for OnebookSigner {
    async fn sign_vote(
        &self,
        vote: ConsensusVote,
    ) -> Result<SignedMessage<OnebookContext, ConsensusVote>, SigningError> {
        let digest = vote_digest(&self.chain, &vote).ok_or_else(SigningError::new)?;
        let signature = self.secret.sign(&digest);
        Ok(SignedMessage::new(vote, signature))
    }

    async fn sign_proposal(
        &self,
        proposal: BlockProposal,
    ) -> Result<SignedMessage<OnebookContext, BlockProposal>, SigningError> {
        let digest = proposal_digest(&self.chain, &proposal).ok_or_else(SigningError::new)?;
        let signature = self.secret.sign(&digest);
        Ok(SignedMessage::new(proposal, signature))
    }

    async fn sign_vote_extension(
        &self,
        scope: VoteExtensionScope<OnebookContext>,
        extension: (),
    ) -> Result<SignedMessage<OnebookContext, ()>, SigningError> {
        let digest = extension_digest(&self.chain, &scope).ok_or_else(SigningError::new)?;
        Ok(SignedMessage::new(extension, self.secret.sign(&digest)))
    }

    async fn sign_validator_proof(
        &self,
        public_key: Vec<u8>,
        peer_id: Vec<u8>,
    ) -> Result<ValidatorProof<OnebookContext>, SigningError> {
        let signature = self
            .secret
            .sign(&ValidatorProof::<OnebookContext>::signing_bytes(&public_key, &peer_id));
        Ok(ValidatorProof::new(public_key, peer_id, signature))
    }
}

#[async_trait]
impl Verifier<OnebookContext> for OnebookVerifier {
    async fn verify_signed_vote(
        &self,
        vote: &ConsensusVote,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, SigningError> {
        let valid = check(&self.chain, public_key, vote_digest(&self.chain, vote), signature);
        Ok(VerificationResult::from_bool(valid))
    }

    async fn verify_signed_proposal(
        &self,
        proposal: &BlockProposal,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, SigningError> {
        let valid =
            check(&self.chain, public_key, proposal_digest(&self.chain, proposal), signature);
        Ok(VerificationResult::from_bool(valid))
    }

    async fn verify_signed_vote_extension(
        &self,
        scope: &VoteExtensionScope<OnebookContext>,
        _extension: &(),
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, SigningError> {
        let valid = check(&self.chain, public_key, extension_digest(&self.chain, scope), signature);
        Ok(VerificationResult::from_bool(valid))
    }

    async fn verify_validator_proof(
        &self,
        proof: &ValidatorProof<OnebookContext>,
    ) -> Result<VerificationResult, SigningError> {
        let valid = match proof.decoded_public_key() {
            Ok(public_key) => {
                self.chain.suite.verify(&public_key, &proof.preimage(), &proof.signature).is_ok()
            }
            Err(_) => false,
        };
        Ok(VerificationResult::from_bool(valid))
    }
}

#[cfg(test)]
mod tests {
    use malachitebft_core_types::Context as _;
    use onebook_types::{ids::ChainId, suite::Suite};

    use super::*;
    use crate::types::ValidatorAddress;

    fn chain() -> ChainIdentity {
        ChainIdentity {
            chain_id: ChainId::from("test-chain"),
            genesis_hash: Hash32([0x6e; 32]),
            suite: Suite::Ed25519Blake3,
        }
    }

    #[tokio::test]
    async fn a_national_chain_signs_and_checks_every_message_in_sm2_and_sm3_only() {
        let national = ChainIdentity { suite: Suite::Sm2Sm3, ..chain() };
        let secret = Arc::new(SecretKey::from_seed_in(Suite::Sm2Sm3, [7; 32]).unwrap());
        let signer = OnebookSigner::new(national.clone(), secret.clone());
        let ctx = OnebookContext::new(national.clone());
        let block_hash = Hash32([9; 32]);
        let address = ValidatorAddress(secret.public_key());
        let precommit = ctx.new_precommit(
            ConsensusHeight(Height(5)),
            Round::new(2),
            NilOrVal::Val(block_hash),
            address,
        );
        let prevote =
            ctx.new_prevote(ConsensusHeight(Height(5)), Round::new(2), NilOrVal::Nil, address);

        let signed_precommit = signer.sign_vote(precommit.clone()).await.expect("signs");
        let signed_prevote = signer.sign_vote(prevote.clone()).await.expect("signs");

        let digest = CommitVote {
            chain_id: national.chain_id.clone(),
            genesis_hash: national.genesis_hash,
            height: Height(5),
            round: 2,
            block_hash,
        }
        .signing_digest_in(Suite::Sm2Sm3);
        let key = secret.public_key();
        assert!(Suite::Sm2Sm3.verify(&key, digest.as_bytes(), &signed_precommit.signature).is_ok());
        let verifier = OnebookVerifier::new(national);
        let default = OnebookVerifier::new(chain());
        for (vote, signature) in
            [(&precommit, &signed_precommit.signature), (&prevote, &signed_prevote.signature)]
        {
            let own = verifier.verify_signed_vote(vote, signature, &key).await.unwrap();
            let fallback = default.verify_signed_vote(vote, signature, &key).await.unwrap();
            assert!(own.is_valid());
            assert!(!fallback.is_valid(), "no fallback to BLAKE3 and ed25519");
        }
    }

    #[tokio::test]
    async fn a_precommit_for_a_block_signs_the_commit_vote_digest() {
        let secret = Arc::new(SecretKey::from_seed([7; 32]));
        let signer = OnebookSigner::new(chain(), secret.clone());
        let ctx = OnebookContext::new(chain());
        let block_hash = Hash32([9; 32]);
        let vote = ctx.new_precommit(
            ConsensusHeight(Height(5)),
            Round::new(2),
            NilOrVal::Val(block_hash),
            ValidatorAddress(secret.public_key()),
        );

        let signed = signer.sign_vote(vote).await.expect("signs");

        let digest = CommitVote {
            chain_id: chain().chain_id,
            genesis_hash: chain().genesis_hash,
            height: Height(5),
            round: 2,
            block_hash,
        }
        .signing_digest();
        assert!(secret.public_key().verify(digest.as_bytes(), &signed.signature).is_ok());
    }

    #[tokio::test]
    async fn a_prevote_does_not_verify_as_a_precommit() {
        let secret = Arc::new(SecretKey::from_seed([7; 32]));
        let signer = OnebookSigner::new(chain(), secret.clone());
        let verifier = OnebookVerifier::new(chain());
        let ctx = OnebookContext::new(chain());
        let address = ValidatorAddress(secret.public_key());
        let value = NilOrVal::Val(Hash32([9; 32]));
        let height = ConsensusHeight(Height(5));
        let prevote = ctx.new_prevote(height, Round::new(0), value, address);
        let precommit = ctx.new_precommit(height, Round::new(0), value, address);

        let signed = signer.sign_vote(prevote.clone()).await.expect("signs");

        let own = verifier.verify_signed_vote(&prevote, &signed.signature, &address.0).await;
        let other = verifier.verify_signed_vote(&precommit, &signed.signature, &address.0).await;
        assert!(own.expect("verifies").is_valid());
        assert!(other.expect("verifies").is_invalid());
    }

    #[tokio::test]
    async fn a_vote_for_another_chain_does_not_verify() {
        let secret = Arc::new(SecretKey::from_seed([7; 32]));
        let other = ChainIdentity { chain_id: ChainId::from("other"), ..chain() };
        let signer = OnebookSigner::new(other, secret.clone());
        let verifier = OnebookVerifier::new(chain());
        let ctx = OnebookContext::new(chain());
        let address = ValidatorAddress(secret.public_key());
        let vote =
            ctx.new_precommit(ConsensusHeight(Height(1)), Round::new(0), NilOrVal::Nil, address);

        let signed = signer.sign_vote(vote.clone()).await.expect("signs");

        let result = verifier.verify_signed_vote(&vote, &signed.signature, &address.0).await;
        assert!(result.expect("verifies").is_invalid());
    }

    #[tokio::test]
    async fn a_precommit_of_a_chain_from_another_genesis_does_not_verify() {
        let secret = Arc::new(SecretKey::from_seed([7; 32]));
        let staging = ChainIdentity { genesis_hash: Hash32([0x5a; 32]), ..chain() };
        let signer = OnebookSigner::new(staging, secret.clone());
        let verifier = OnebookVerifier::new(chain());
        let ctx = OnebookContext::new(chain());
        let address = ValidatorAddress(secret.public_key());
        let value = NilOrVal::Val(Hash32([9; 32]));
        let precommit =
            ctx.new_precommit(ConsensusHeight(Height(1)), Round::new(0), value, address);

        let signed = signer.sign_vote(precommit.clone()).await.expect("signs");

        let result = verifier.verify_signed_vote(&precommit, &signed.signature, &address.0).await;
        assert!(result.expect("verifies").is_invalid());
    }
}
