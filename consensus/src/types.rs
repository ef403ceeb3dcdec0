//! Onebook's types seen through Malachite's [`Context`]: the block is the value, the node key
//! is the address, and the genesis or governed [`ValidatorSet`] is the validator set.
//!
//! - **Value**: [`BlockValue`], an Onebook [`Block`] whose id is [`Header::hash`]. Votes carry
//!   only that id.
//! - **Address**: [`ValidatorAddress`], the validator's 32-byte ed25519 node key itself (no
//!   hashing), so a Malachite commit signature names the Onebook signer directly.
//! - **Validator set**: [`ConsensusValidatorSet`], the Onebook set sorted by node key, each key
//!   once, as `ValidatorSet` requires.
//! - **Proposer**: round-robin over that order, unweighted: the validator at index
//!   `(height + round) mod n`. Onebook validators have equal power (ADR 0006), and a round
//!   change moves to the next validator, so a down proposer costs one round.
//! - **Proposal parts**: one [`BlockProposalPart`] per proposal carrying the whole block and
//!   the proposer's signature, then the stream's end. Blocks are bounded by `BLOCK_BYTES_MAX`
//!   so one part is enough; the signed proposal message carries the block as well, so a block
//!   travels twice (a known cost, traded for simplicity).

use std::{cmp::Ordering, fmt, sync::Arc};

use malachitebft_core_types::{
    self as malachite, LinearTimeouts, NilOrVal, Round, SignedExtension, VoteType,
};
use onebook_types::{
    block::Block,
    consortium::ValidatorSet,
    hash::Hash32,
    ids::{ChainId, Height},
    keys::{PublicKey, Signature},
};

use crate::signing::OnebookSigningScheme;

/// The chain every consensus signature is bound to: its id and its genesis hash. A chain
/// started from another genesis with the same id and keys (a staging chain) signs other digests,
/// so none of its votes counts here.
#[derive(Clone, Debug, PartialEq, Eq, borsh::BorshSerialize)]
pub struct ChainIdentity {
    /// The chain id of the genesis file.
    pub chain_id: ChainId,
    /// The genesis hash.
    pub genesis_hash: Hash32,
    /// The chain's cryptographic suite, which every consensus digest is hashed and every vote
    /// and proposal signed in. Not part of the signed bytes: the genesis hash commits to it.
    #[borsh(skip)]
    pub suite: onebook_types::suite::Suite,
}

/// Malachite's [`Context`](malachite::Context) for Onebook: the chain every signature is bound
/// to, and the choice of types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OnebookContext {
    chain: ChainIdentity,
}

impl OnebookContext {
    /// The context of the chain `chain`.
    pub(crate) fn new(chain: ChainIdentity) -> Self {
        Self { chain }
    }

    /// The chain id every block carries.
    pub(crate) fn chain_id(&self) -> &ChainId {
        &self.chain.chain_id
    }

    /// The chain every vote and proposal is signed for.
    pub(crate) fn chain(&self) -> &ChainIdentity {
        &self.chain
    }
}

/// The chain of the unit tests.
#[cfg(test)]
pub(crate) fn test_chain() -> ChainIdentity {
    ChainIdentity {
        chain_id: ChainId::from("test"),
        genesis_hash: Hash32([0x6e; 32]),
        suite: onebook_types::suite::Suite::Ed25519Blake3,
    }
}

/// A block height as Malachite sees it; genesis is 0 and the first block is 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ConsensusHeight(pub Height);

impl fmt::Display for ConsensusHeight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl malachite::Height for ConsensusHeight {
    const ZERO: Self = Self(Height(0));
    const INITIAL: Self = Self(Height(1));

    fn increment_by(&self, n: u64) -> Self {
        Self(Height(self.0.0.saturating_add(n)))
    }

    fn decrement_by(&self, n: u64) -> Option<Self> {
        self.0.0.checked_sub(n).map(|h| Self(Height(h)))
    }

    fn as_u64(&self) -> u64 {
        self.0.0
    }
}

/// A validator's consensus address: its ed25519 node key, unhashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ValidatorAddress(pub PublicKey);

impl fmt::Display for ValidatorAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl malachite::Address for ValidatorAddress {}

/// A proposed Onebook block, with its header hash computed once. Equality and order are by
/// that hash, which commits to the whole block through the header's `tx_root`.
#[derive(Clone, Debug)]
pub(crate) struct BlockValue {
    block: Arc<Block>,
    id: Hash32,
}

impl BlockValue {
    /// Wraps `block`, hashing its header in the chain's `suite`.
    pub(crate) fn new(suite: onebook_types::suite::Suite, block: Block) -> Self {
        let id = block.header.hash_in(suite);
        Self { block: Arc::new(block), id }
    }

    /// The block.
    pub(crate) fn block(&self) -> &Block {
        &self.block
    }

    /// The header hash, the block's identity.
    pub(crate) fn hash(&self) -> Hash32 {
        self.id
    }

    /// The block, cloned out of its shared wrapper only if it is shared.
    pub(crate) fn into_block(self) -> Block {
        Arc::unwrap_or_clone(self.block)
    }
}

impl PartialEq for BlockValue {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for BlockValue {}

impl PartialOrd for BlockValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for BlockValue {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id.cmp(&other.id)
    }
}

impl malachite::Value for BlockValue {
    type Id = Hash32;

    fn id(&self) -> Hash32 {
        self.id
    }
}

/// One validator: its address (node key), the same key for signature checks, and its power.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConsensusValidator {
    address: ValidatorAddress,
    power: u64,
}

impl ConsensusValidator {
    /// The validator with node key `node_key` and voting power `power`.
    pub(crate) fn new(node_key: PublicKey, power: u64) -> Self {
        Self { address: ValidatorAddress(node_key), power }
    }
}

impl malachite::Validator<OnebookContext> for ConsensusValidator {
    fn address(&self) -> &ValidatorAddress {
        &self.address
    }

    fn public_key(&self) -> &PublicKey {
        &self.address.0
    }

    fn voting_power(&self) -> u64 {
        self.power
    }
}

/// The validators of a height, sorted by node key, each key once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConsensusValidatorSet {
    validators: Vec<ConsensusValidator>,
}

impl ConsensusValidatorSet {
    /// The set of `set`, sorted by node key; a key listed twice counts once (its first entry
    /// in sorted order). Validators with zero power are left out.
    pub(crate) fn from_onebook(set: &ValidatorSet) -> Self {
        let mut validators: Vec<ConsensusValidator> = set
            .validators
            .iter()
            .filter(|v| v.power > 0)
            .map(|v| ConsensusValidator::new(v.node_key, v.power))
            .collect();
        validators.sort_by_key(|v| v.address);
        validators.dedup_by(|a, b| a.address == b.address);
        Self { validators }
    }

    /// Whether the set has no validator (consensus cannot run on it).
    pub(crate) fn is_empty(&self) -> bool {
        self.validators.is_empty()
    }

    /// The validator at `index` of the round-robin order.
    fn at(&self, index: usize) -> &ConsensusValidator {
        &self.validators[index]
    }
}

impl malachite::ValidatorSet<OnebookContext> for ConsensusValidatorSet {
    fn count(&self) -> usize {
        self.validators.len()
    }

    fn total_voting_power(&self) -> u64 {
        self.validators.iter().fold(0u64, |sum, v| sum.saturating_add(v.power))
    }

    fn get_by_address(&self, address: &ValidatorAddress) -> Option<&ConsensusValidator> {
        self.validators
            .binary_search_by(|v| v.address.cmp(address))
            .ok()
            .map(|index| &self.validators[index])
    }

    fn get_by_index(&self, index: usize) -> Option<&ConsensusValidator> {
        self.validators.get(index)
    }
}

/// A proposal for a block at a height and round (named so as not to clash with governance
/// proposals).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BlockProposal {
    /// The height.
    pub(crate) height: ConsensusHeight,
    /// The round.
    pub(crate) round: Round,
    /// The block.
    pub(crate) value: BlockValue,
    /// The round of the proof of lock this block carries, or `Round::Nil`.
    pub(crate) pol_round: Round,
    /// The proposer.
    pub(crate) proposer: ValidatorAddress,
}

impl malachite::Proposal<OnebookContext> for BlockProposal {
    fn height(&self) -> ConsensusHeight {
        self.height
    }

    fn round(&self) -> Round {
        self.round
    }

    fn value(&self) -> &BlockValue {
        &self.value
    }

    fn take_value(self) -> BlockValue {
        self.value
    }

    fn pol_round(&self) -> Round {
        self.pol_round
    }

    fn validator_address(&self) -> &ValidatorAddress {
        &self.proposer
    }
}

/// A prevote or precommit.
#[derive(Clone, Debug)]
pub(crate) struct ConsensusVote {
    /// Prevote or precommit.
    pub(crate) vote_type: VoteType,
    /// The height.
    pub(crate) height: ConsensusHeight,
    /// The round.
    pub(crate) round: Round,
    /// The block hash voted for, or nil.
    pub(crate) value: NilOrVal<Hash32>,
    /// The voter.
    pub(crate) validator: ValidatorAddress,
    /// A vote extension; Onebook uses none, so it is always `None` on votes we make.
    pub(crate) extension: Option<SignedExtension<OnebookContext>>,
}

// The extension is excluded from equality, as `malachite::Vote` requires for WAL replay.
impl PartialEq for ConsensusVote {
    fn eq(&self, other: &Self) -> bool {
        self.vote_type == other.vote_type
            && self.height == other.height
            && self.round == other.round
            && self.value == other.value
            && self.validator == other.validator
    }
}

impl Eq for ConsensusVote {}

impl malachite::Vote<OnebookContext> for ConsensusVote {
    fn height(&self) -> ConsensusHeight {
        self.height
    }

    fn round(&self) -> Round {
        self.round
    }

    fn value(&self) -> &NilOrVal<Hash32> {
        &self.value
    }

    fn take_value(self) -> NilOrVal<Hash32> {
        self.value
    }

    fn vote_type(&self) -> VoteType {
        self.vote_type
    }

    fn validator_address(&self) -> &ValidatorAddress {
        &self.validator
    }

    fn extension(&self) -> Option<&SignedExtension<OnebookContext>> {
        self.extension.as_ref()
    }

    fn take_extension(&mut self) -> Option<SignedExtension<OnebookContext>> {
        self.extension.take()
    }

    fn extend(self, extension: SignedExtension<OnebookContext>) -> Self {
        Self { extension: Some(extension), ..self }
    }
}

/// The one part a proposal is streamed as: the block with who proposed it where, signed by the
/// proposer so a receiver checks it before executing the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BlockProposalPart {
    /// The height.
    pub(crate) height: ConsensusHeight,
    /// The round.
    pub(crate) round: Round,
    /// The proof-of-lock round, or `Round::Nil`.
    pub(crate) pol_round: Round,
    /// The proposer.
    pub(crate) proposer: ValidatorAddress,
    /// The block.
    pub(crate) value: BlockValue,
    /// The proposer's signature over [`crate::signing::proposal_part_digest`].
    pub(crate) signature: Signature,
}

impl malachite::ProposalPart<OnebookContext> for BlockProposalPart {
    fn is_first(&self) -> bool {
        true
    }

    fn is_last(&self) -> bool {
        true
    }
}

impl malachite::Context for OnebookContext {
    type Address = ValidatorAddress;
    type Height = ConsensusHeight;
    type ProposalPart = BlockProposalPart;
    type Proposal = BlockProposal;
    type Validator = ConsensusValidator;
    type ValidatorSet = ConsensusValidatorSet;
    type Timeouts = LinearTimeouts;
    type Value = BlockValue;
    type Vote = ConsensusVote;
    type Extension = ();
    type SigningScheme = OnebookSigningScheme;

    fn select_proposer<'a>(
        &self,
        validator_set: &'a ConsensusValidatorSet,
        height: ConsensusHeight,
        round: Round,
    ) -> &'a ConsensusValidator {
        assert!(!validator_set.is_empty(), "the engine never runs a height without validators");
        let round = u64::from(round.as_u32().unwrap_or(0));
        let count = validator_set.validators.len() as u64;
        let index = height.0.0.wrapping_add(round) % count;
        validator_set.at(usize::try_from(index).expect("an index below the set size fits usize"))
    }

    fn new_proposal(
        &self,
        height: ConsensusHeight,
        round: Round,
        value: BlockValue,
        pol_round: Round,
        address: ValidatorAddress,
    ) -> BlockProposal {
        BlockProposal { height, round, value, pol_round, proposer: address }
    }

    fn new_prevote(
        &self,
        height: ConsensusHeight,
        round: Round,
        value_id: NilOrVal<Hash32>,
        address: ValidatorAddress,
    ) -> ConsensusVote {
        ConsensusVote {
            vote_type: VoteType::Prevote,
            height,
            round,
            value: value_id,
            validator: address,
            extension: None,
        }
    }

    fn new_precommit(
        &self,
        height: ConsensusHeight,
        round: Round,
        value_id: NilOrVal<Hash32>,
        address: ValidatorAddress,
    ) -> ConsensusVote {
        ConsensusVote {
            vote_type: VoteType::Precommit,
            height,
            round,
            value: value_id,
            validator: address,
            extension: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use malachitebft_core_types::{Context as _, ValidatorSet as _};
    use onebook_types::{consortium::Validator, ids::OrgId};

    use super::*;

    fn set_of(keys: &[u8]) -> ValidatorSet {
        ValidatorSet {
            validators: keys
                .iter()
                .map(|&b| Validator {
                    node_key: PublicKey([b; 32]),
                    org: OrgId::from("org"),
                    power: 1,
                })
                .collect(),
        }
    }

    #[test]
    fn the_set_is_sorted_by_node_key_without_repeats() {
        let set = ConsensusValidatorSet::from_onebook(&set_of(&[3, 1, 2, 1]));

        let keys: Vec<u8> = set.iter().map(|v| v.address.0.0[0]).collect();

        assert_eq!(keys, vec![1, 2, 3]);
    }

    #[test]
    fn proposers_rotate_with_height_and_round() {
        let ctx = OnebookContext::new(crate::types::test_chain());
        let set = ConsensusValidatorSet::from_onebook(&set_of(&[1, 2, 3, 4]));

        let proposer = |h: u64, r: u32| {
            ctx.select_proposer(&set, ConsensusHeight(Height(h)), Round::new(r)).address.0.0[0]
        };

        assert_eq!(proposer(1, 0), 2);
        assert_eq!(proposer(2, 0), 3);
        assert_eq!(proposer(1, 1), 3);
        assert_eq!(proposer(3, 2), 2);
    }
}
