//! The borsh encoding of everything Malachite sends or writes to its WAL.
//!
//! Each encoding is one version byte ([`ENCODING_VERSION`]) then the borsh encoding of a private
//! mirror type (`Wire*`), so Malachite's types never shape the bytes and a later format can be
//! told apart. Decoding checks the size before reading (a limit per kind of message), refuses
//! trailing bytes, recomputes every block hash from the block itself and never panics.
//!
//! Rounds are `Option<u32>` (`None` for nil); heights are `u64`; keys and signatures are raw
//! bytes; a vote type is 0 (prevote) or 1 (precommit).

use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use malachitebft_app_channel::app::{
    consensus::LivenessMsg,
    streaming::StreamContent,
    types::{
        PeerId, ProposedValue, SignedConsensusMsg,
        codec::{Codec, HasEncodedLen},
        core::{
            ExtendedCommitCertificate, ExtendedCommitSignature, NilOrVal, PolkaCertificate,
            PolkaSignature, Round, RoundCertificate, RoundCertificateType, RoundSignature,
            SignedMessage, ValidatorProof, Validity, VoteType,
        },
        streaming::{StreamId, StreamMessage},
        sync::{RawDecidedValue, Request, Response, Status},
    },
};
use malachitebft_sync as malachite_sync;
use onebook_types::{
    block::Block,
    codec::{self, DecodeError},
    hash::Hash32,
    ids::Height,
    keys::{PublicKey, Signature},
    limits::BLOCK_BYTES_MAX,
    suite::Suite,
};

use crate::catchup::PeerTips;
use crate::types::{
    BlockProposal, BlockProposalPart, BlockValue, ConsensusHeight, ConsensusVote, OnebookContext,
    ValidatorAddress,
};

/// The version byte that opens every encoding.
pub(crate) const ENCODING_VERSION: u8 = 1;

/// Largest encoding of a message that carries one block (proposal, part, proposed value).
pub(crate) const MESSAGE_BYTES_MAX: usize = BLOCK_BYTES_MAX + 64 * 1024;

/// Most decided values one sync response carries: a node far behind fetches small blocks in
/// batches this large, and large blocks as far as [`SYNC_RESPONSE_BYTES_MAX`] allows.
pub(crate) const SYNC_BATCH_VALUES_MAX: usize = 25;

/// Largest encoding of a sync response: five full blocks with their certificates.
pub(crate) const SYNC_RESPONSE_BYTES_MAX: usize = 5 * MESSAGE_BYTES_MAX;

/// Largest encoding of a message without a block (votes, certificates, status, requests).
const SMALL_MESSAGE_BYTES_MAX: usize = 256 * 1024;

/// Why bytes from a peer or the WAL could not be decoded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CodecError {
    /// The input has no version byte.
    #[error("message is empty")]
    Empty,
    /// The version byte is not one this build reads.
    #[error("unknown encoding version {version}")]
    UnknownVersion {
        /// The version byte found.
        version: u8,
    },
    /// The borsh body is too large or malformed.
    #[error("invalid message body: {0}")]
    Body(#[from] DecodeError),
    /// A peer id is not a valid libp2p peer id.
    #[error("invalid peer id")]
    PeerId,
    /// A vote type byte is neither 0 nor 1, or a certificate type byte is unknown.
    #[error("unknown {kind} tag {tag}")]
    UnknownTag {
        /// What the tag names.
        kind: &'static str,
        /// The tag found.
        tag: u8,
    },
}

/// The codec Malachite is given for the network, sync and the WAL. The network's copy records
/// the tips that peers announce in their sync status (`catchup.rs`): Malachite hands statuses to
/// its sync actor only, and the host needs them to know whether it is behind.
#[derive(Clone, Debug, Default)]
pub(crate) struct OnebookCodec {
    tips: Option<PeerTips>,
    /// The chain's suite, in which a decoded block's header is hashed into its value id.
    suite: Suite,
}

impl OnebookCodec {
    /// A codec for a chain of `suite`.
    pub(crate) fn new(suite: Suite) -> Self {
        Self { tips: None, suite }
    }

    /// A codec for a chain of `suite` that records the tips of the statuses it decodes in
    /// `tips`.
    pub(crate) fn recording(suite: Suite, tips: PeerTips) -> Self {
        Self { tips: Some(tips), suite }
    }
}

fn encode_versioned<T: BorshSerialize>(wire: &T) -> Bytes {
    let mut bytes = vec![ENCODING_VERSION];
    bytes.extend_from_slice(&codec::encode(wire));
    Bytes::from(bytes)
}

fn decode_versioned<T: BorshDeserialize>(
    bytes: &[u8],
    limit_bytes: usize,
) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != ENCODING_VERSION {
        return Err(CodecError::UnknownVersion { version });
    }
    Ok(codec::decode(body, limit_bytes)?)
}

fn round_to_wire(round: Round) -> Option<u32> {
    round.as_u32()
}

fn round_from_wire(round: Option<u32>) -> Round {
    round.map_or(Round::Nil, Round::new)
}

fn height(height: u64) -> ConsensusHeight {
    ConsensusHeight(Height(height))
}

fn vote_type_to_wire(vote_type: VoteType) -> u8 {
    match vote_type {
        VoteType::Prevote => 0,
        VoteType::Precommit => 1,
    }
}

fn vote_type_from_wire(tag: u8) -> Result<VoteType, CodecError> {
    match tag {
        0 => Ok(VoteType::Prevote),
        1 => Ok(VoteType::Precommit),
        tag => Err(CodecError::UnknownTag { kind: "vote type", tag }),
    }
}

fn nil_or_val_to_wire(value: &NilOrVal<Hash32>) -> Option<Hash32> {
    match value {
        NilOrVal::Nil => None,
        NilOrVal::Val(hash) => Some(*hash),
    }
}

fn nil_or_val_from_wire(value: Option<Hash32>) -> NilOrVal<Hash32> {
    value.map_or(NilOrVal::Nil, NilOrVal::Val)
}

fn peer_id_from_wire(bytes: &[u8]) -> Result<PeerId, CodecError> {
    PeerId::from_bytes(bytes).map_err(|_| CodecError::PeerId)
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireSignedVote {
    vote_type: u8,
    height: u64,
    round: Option<u32>,
    value: Option<Hash32>,
    validator: PublicKey,
    extension_signature: Option<Signature>,
    signature: Signature,
}

impl WireSignedVote {
    fn from_vote(vote: &SignedMessage<OnebookContext, ConsensusVote>) -> Self {
        Self {
            vote_type: vote_type_to_wire(vote.message.vote_type),
            height: vote.message.height.0.0,
            round: round_to_wire(vote.message.round),
            value: nil_or_val_to_wire(&vote.message.value),
            validator: vote.message.validator.0,
            extension_signature: vote.message.extension.as_ref().map(|e| e.signature),
            signature: vote.signature,
        }
    }

    fn into_vote(self) -> Result<SignedMessage<OnebookContext, ConsensusVote>, CodecError> {
        let vote = ConsensusVote {
            vote_type: vote_type_from_wire(self.vote_type)?,
            height: height(self.height),
            round: round_from_wire(self.round),
            value: nil_or_val_from_wire(self.value),
            validator: ValidatorAddress(self.validator),
            extension: self.extension_signature.map(|s| SignedMessage::new((), s)),
        };
        Ok(SignedMessage::new(vote, self.signature))
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireSignedProposal {
    height: u64,
    round: Option<u32>,
    /// Boxed to keep the enum small; borsh encodes a `Box<T>` as the `T`.
    block: Box<Block>,
    pol_round: Option<u32>,
    proposer: PublicKey,
    signature: Signature,
}

#[derive(BorshSerialize, BorshDeserialize)]
enum WireConsensusMsg {
    Vote(WireSignedVote),
    Proposal(WireSignedProposal),
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireProposalPart {
    height: u64,
    round: Option<u32>,
    pol_round: Option<u32>,
    proposer: PublicKey,
    block: Block,
    signature: Signature,
}

impl WireProposalPart {
    fn from_part(part: &BlockProposalPart) -> Self {
        Self {
            height: part.height.0.0,
            round: round_to_wire(part.round),
            pol_round: round_to_wire(part.pol_round),
            proposer: part.proposer.0,
            block: part.value.block().clone(),
            signature: part.signature,
        }
    }

    fn into_part(self, suite: Suite) -> BlockProposalPart {
        BlockProposalPart {
            height: height(self.height),
            round: round_from_wire(self.round),
            pol_round: round_from_wire(self.pol_round),
            proposer: ValidatorAddress(self.proposer),
            value: BlockValue::new(suite, self.block),
            signature: self.signature,
        }
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireStreamMessage {
    stream_id: Vec<u8>,
    sequence: u64,
    /// `None` ends the stream.
    part: Option<WireProposalPart>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireAddressSignature {
    address: PublicKey,
    signature: Signature,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WirePolkaCertificate {
    height: u64,
    round: Option<u32>,
    value_id: Hash32,
    signatures: Vec<WireAddressSignature>,
}

impl WirePolkaCertificate {
    fn from_certificate(certificate: &PolkaCertificate<OnebookContext>) -> Self {
        Self {
            height: certificate.height.0.0,
            round: round_to_wire(certificate.round),
            value_id: certificate.value_id,
            signatures: certificate
                .polka_signatures
                .iter()
                .map(|s| WireAddressSignature { address: s.address.0, signature: s.signature })
                .collect(),
        }
    }

    fn into_certificate(self) -> PolkaCertificate<OnebookContext> {
        PolkaCertificate {
            height: height(self.height),
            round: round_from_wire(self.round),
            value_id: self.value_id,
            polka_signatures: self
                .signatures
                .into_iter()
                .map(|s| PolkaSignature::new(ValidatorAddress(s.address), s.signature))
                .collect(),
        }
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireRoundSignature {
    vote_type: u8,
    value_id: Option<Hash32>,
    address: PublicKey,
    signature: Signature,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireRoundCertificate {
    height: u64,
    round: Option<u32>,
    /// 0 for skip, 1 for precommit.
    cert_type: u8,
    signatures: Vec<WireRoundSignature>,
}

impl WireRoundCertificate {
    fn from_certificate(certificate: &RoundCertificate<OnebookContext>) -> Self {
        Self {
            height: certificate.height.0.0,
            round: round_to_wire(certificate.round),
            cert_type: match certificate.cert_type {
                RoundCertificateType::Skip => 0,
                RoundCertificateType::Precommit => 1,
            },
            signatures: certificate
                .round_signatures
                .iter()
                .map(|s| WireRoundSignature {
                    vote_type: vote_type_to_wire(s.vote_type),
                    value_id: nil_or_val_to_wire(&s.value_id),
                    address: s.address.0,
                    signature: s.signature,
                })
                .collect(),
        }
    }

    fn into_certificate(self) -> Result<RoundCertificate<OnebookContext>, CodecError> {
        let cert_type = match self.cert_type {
            0 => RoundCertificateType::Skip,
            1 => RoundCertificateType::Precommit,
            tag => return Err(CodecError::UnknownTag { kind: "round certificate", tag }),
        };
        let round_signatures = self
            .signatures
            .into_iter()
            .map(|s| {
                Ok(RoundSignature::new(
                    vote_type_from_wire(s.vote_type)?,
                    nil_or_val_from_wire(s.value_id),
                    ValidatorAddress(s.address),
                    s.signature,
                ))
            })
            .collect::<Result<Vec<_>, CodecError>>()?;
        Ok(RoundCertificate {
            height: height(self.height),
            round: round_from_wire(self.round),
            cert_type,
            round_signatures,
        })
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
enum WireLivenessMsg {
    Vote(WireSignedVote),
    PolkaCertificate(WirePolkaCertificate),
    SkipRoundCertificate(WireRoundCertificate),
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireValidatorProof {
    public_key: Vec<u8>,
    peer_id: Vec<u8>,
    signature: Signature,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireStatus {
    peer_id: Vec<u8>,
    tip_height: u64,
    history_min_height: u64,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireRequest {
    first_height: u64,
    last_height: u64,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireCommitSignature {
    address: PublicKey,
    signature: Signature,
    extension_signature: Option<Signature>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireCommitCertificate {
    height: u64,
    round: Option<u32>,
    value_id: Hash32,
    signatures: Vec<WireCommitSignature>,
}

impl WireCommitCertificate {
    fn from_certificate(certificate: &ExtendedCommitCertificate<OnebookContext>) -> Self {
        Self {
            height: certificate.height.0.0,
            round: round_to_wire(certificate.round),
            value_id: certificate.value_id,
            signatures: certificate
                .commit_signatures
                .iter()
                .map(|s| WireCommitSignature {
                    address: s.address.0,
                    signature: s.signature,
                    extension_signature: s.extension.as_ref().map(|e| e.signature),
                })
                .collect(),
        }
    }

    fn into_certificate(self) -> ExtendedCommitCertificate<OnebookContext> {
        ExtendedCommitCertificate {
            height: height(self.height),
            round: round_from_wire(self.round),
            value_id: self.value_id,
            commit_signatures: self
                .signatures
                .into_iter()
                .map(|s| ExtendedCommitSignature {
                    address: ValidatorAddress(s.address),
                    signature: s.signature,
                    extension: s.extension_signature.map(|sig| SignedMessage::new((), sig)),
                })
                .collect(),
        }
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireDecidedValue {
    value_bytes: Vec<u8>,
    certificate: WireCommitCertificate,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireResponse {
    start_height: u64,
    values: Vec<WireDecidedValue>,
}

impl WireResponse {
    fn from_response(response: &Response<OnebookContext>) -> Self {
        let Response::ValueResponse(response) = response;
        Self {
            start_height: response.start_height.0.0,
            values: response
                .values
                .iter()
                .map(|v| WireDecidedValue {
                    value_bytes: v.value_bytes.to_vec(),
                    certificate: WireCommitCertificate::from_certificate(&v.certificate),
                })
                .collect(),
        }
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
struct WireProposedValue {
    height: u64,
    round: Option<u32>,
    valid_round: Option<u32>,
    proposer: PublicKey,
    block: Block,
    valid: bool,
}

impl Codec<BlockProposalPart> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<BlockProposalPart, CodecError> {
        let wire: WireProposalPart = decode_versioned(&bytes, MESSAGE_BYTES_MAX)?;
        Ok(wire.into_part(self.suite))
    }

    fn encode(&self, part: &BlockProposalPart) -> Result<Bytes, CodecError> {
        Ok(encode_versioned(&WireProposalPart::from_part(part)))
    }
}

impl Codec<SignedConsensusMsg<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<SignedConsensusMsg<OnebookContext>, CodecError> {
        match decode_versioned(&bytes, MESSAGE_BYTES_MAX)? {
            WireConsensusMsg::Vote(vote) => Ok(SignedConsensusMsg::Vote(vote.into_vote()?)),
            WireConsensusMsg::Proposal(p) => {
                let proposal = BlockProposal {
                    height: height(p.height),
                    round: round_from_wire(p.round),
                    value: BlockValue::new(self.suite, *p.block),
                    pol_round: round_from_wire(p.pol_round),
                    proposer: ValidatorAddress(p.proposer),
                };
                Ok(SignedConsensusMsg::Proposal(SignedMessage::new(proposal, p.signature)))
            }
        }
    }

    fn encode(&self, msg: &SignedConsensusMsg<OnebookContext>) -> Result<Bytes, CodecError> {
        let wire = match msg {
            SignedConsensusMsg::Vote(vote) => {
                WireConsensusMsg::Vote(WireSignedVote::from_vote(vote))
            }
            SignedConsensusMsg::Proposal(p) => WireConsensusMsg::Proposal(WireSignedProposal {
                height: p.message.height.0.0,
                round: round_to_wire(p.message.round),
                block: Box::new(p.message.value.block().clone()),
                pol_round: round_to_wire(p.message.pol_round),
                proposer: p.message.proposer.0,
                signature: p.signature,
            }),
        };
        Ok(encode_versioned(&wire))
    }
}

impl Codec<LivenessMsg<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<LivenessMsg<OnebookContext>, CodecError> {
        match decode_versioned(&bytes, SMALL_MESSAGE_BYTES_MAX)? {
            WireLivenessMsg::Vote(vote) => Ok(LivenessMsg::Vote(vote.into_vote()?)),
            WireLivenessMsg::PolkaCertificate(c) => {
                Ok(LivenessMsg::PolkaCertificate(c.into_certificate()))
            }
            WireLivenessMsg::SkipRoundCertificate(c) => {
                Ok(LivenessMsg::SkipRoundCertificate(c.into_certificate()?))
            }
        }
    }

    fn encode(&self, msg: &LivenessMsg<OnebookContext>) -> Result<Bytes, CodecError> {
        let wire = match msg {
            LivenessMsg::Vote(vote) => WireLivenessMsg::Vote(WireSignedVote::from_vote(vote)),
            LivenessMsg::PolkaCertificate(c) => {
                WireLivenessMsg::PolkaCertificate(WirePolkaCertificate::from_certificate(c))
            }
            LivenessMsg::SkipRoundCertificate(c) => {
                WireLivenessMsg::SkipRoundCertificate(WireRoundCertificate::from_certificate(c))
            }
        };
        Ok(encode_versioned(&wire))
    }
}

impl Codec<StreamMessage<BlockProposalPart>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<StreamMessage<BlockProposalPart>, CodecError> {
        let wire: WireStreamMessage = decode_versioned(&bytes, MESSAGE_BYTES_MAX)?;
        let content = match wire.part {
            Some(part) => StreamContent::Data(part.into_part(self.suite)),
            None => StreamContent::Fin,
        };
        Ok(StreamMessage::new(StreamId::new(Bytes::from(wire.stream_id)), wire.sequence, content))
    }

    fn encode(&self, msg: &StreamMessage<BlockProposalPart>) -> Result<Bytes, CodecError> {
        let part = match &msg.content {
            StreamContent::Data(part) => Some(WireProposalPart::from_part(part)),
            StreamContent::Fin => None,
        };
        let wire = WireStreamMessage {
            stream_id: msg.stream_id.to_bytes().to_vec(),
            sequence: msg.sequence,
            part,
        };
        Ok(encode_versioned(&wire))
    }
}

impl Codec<ValidatorProof<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<ValidatorProof<OnebookContext>, CodecError> {
        let wire: WireValidatorProof = decode_versioned(&bytes, SMALL_MESSAGE_BYTES_MAX)?;
        Ok(ValidatorProof::new(wire.public_key, wire.peer_id, wire.signature))
    }

    fn encode(&self, proof: &ValidatorProof<OnebookContext>) -> Result<Bytes, CodecError> {
        Ok(encode_versioned(&WireValidatorProof {
            public_key: proof.public_key.clone(),
            peer_id: proof.peer_id.clone(),
            signature: proof.signature,
        }))
    }
}

impl Codec<Status<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<Status<OnebookContext>, CodecError> {
        let wire: WireStatus = decode_versioned(&bytes, SMALL_MESSAGE_BYTES_MAX)?;
        if let Some(tips) = &self.tips {
            tips.heard(wire.tip_height);
        }
        Ok(Status {
            peer_id: peer_id_from_wire(&wire.peer_id)?,
            tip_height: height(wire.tip_height),
            history_min_height: height(wire.history_min_height),
        })
    }

    fn encode(&self, status: &Status<OnebookContext>) -> Result<Bytes, CodecError> {
        Ok(encode_versioned(&WireStatus {
            peer_id: status.peer_id.to_bytes(),
            tip_height: status.tip_height.0.0,
            history_min_height: status.history_min_height.0.0,
        }))
    }
}

impl Codec<Request<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<Request<OnebookContext>, CodecError> {
        let wire: WireRequest = decode_versioned(&bytes, SMALL_MESSAGE_BYTES_MAX)?;
        Ok(Request::ValueRequest(malachite_sync::ValueRequest::new(
            height(wire.first_height)..=height(wire.last_height),
        )))
    }

    fn encode(&self, request: &Request<OnebookContext>) -> Result<Bytes, CodecError> {
        let Request::ValueRequest(request) = request;
        Ok(encode_versioned(&WireRequest {
            first_height: request.range.start().0.0,
            last_height: request.range.end().0.0,
        }))
    }
}

impl Codec<Response<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<Response<OnebookContext>, CodecError> {
        let wire: WireResponse = decode_versioned(&bytes, SYNC_RESPONSE_BYTES_MAX)?;
        let values = wire
            .values
            .into_iter()
            .map(|v| {
                RawDecidedValue::new(Bytes::from(v.value_bytes), v.certificate.into_certificate())
            })
            .collect();
        Ok(Response::ValueResponse(malachite_sync::ValueResponse::new(
            height(wire.start_height),
            values,
        )))
    }

    fn encode(&self, response: &Response<OnebookContext>) -> Result<Bytes, CodecError> {
        Ok(encode_versioned(&WireResponse::from_response(response)))
    }
}

impl HasEncodedLen<Response<OnebookContext>> for OnebookCodec {
    fn encoded_len(&self, response: &Response<OnebookContext>) -> Result<usize, CodecError> {
        let body = borsh::object_length(&WireResponse::from_response(response))
            .map_err(DecodeError::Invalid)?;
        Ok(1 + body)
    }
}

impl Codec<ProposedValue<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<ProposedValue<OnebookContext>, CodecError> {
        let wire: WireProposedValue = decode_versioned(&bytes, MESSAGE_BYTES_MAX)?;
        Ok(ProposedValue {
            height: height(wire.height),
            round: round_from_wire(wire.round),
            valid_round: round_from_wire(wire.valid_round),
            proposer: ValidatorAddress(wire.proposer),
            value: BlockValue::new(self.suite, wire.block),
            validity: Validity::from_bool(wire.valid),
        })
    }

    fn encode(&self, value: &ProposedValue<OnebookContext>) -> Result<Bytes, CodecError> {
        Ok(encode_versioned(&WireProposedValue {
            height: value.height.0.0,
            round: round_to_wire(value.round),
            valid_round: round_to_wire(value.valid_round),
            proposer: value.proposer.0,
            block: value.value.block().clone(),
            valid: value.validity.is_valid(),
        }))
    }
}

impl Codec<PolkaCertificate<OnebookContext>> for OnebookCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<PolkaCertificate<OnebookContext>, CodecError> {
        let wire: WirePolkaCertificate = decode_versioned(&bytes, SMALL_MESSAGE_BYTES_MAX)?;
        Ok(wire.into_certificate())
    }

    fn encode(&self, certificate: &PolkaCertificate<OnebookContext>) -> Result<Bytes, CodecError> {
        Ok(encode_versioned(&WirePolkaCertificate::from_certificate(certificate)))
    }
}

#[cfg(test)]
mod tests {
    use malachitebft_app_channel::app::types::core::Context as _;
    use onebook_types::{
        block::Header,
        ids::{ChainId, Timestamp},
    };

    use super::*;

    fn block(height: u64) -> Block {
        Block {
            header: Header {
                chain_id: ChainId::from("test"),
                height: Height(height),
                time: Timestamp(1_000),
                previous_hash: Hash32([1; 32]),
                history_root: Hash32::ZERO,
                tx_root: Hash32::ZERO,
                tx_count: 0,
                receipts_root: Hash32::ZERO,
                state_root: Hash32::ZERO,
                validator_set_hash: Hash32::ZERO,
                next_validator_set_hash: Hash32::ZERO,
                proposer: PublicKey([2; 32]),
            },
            txs: Vec::new(),
        }
    }

    #[test]
    fn a_signed_vote_round_trips() {
        let ctx = OnebookContext::new(crate::types::test_chain());
        let vote = ctx.new_precommit(
            height(3),
            Round::new(1),
            NilOrVal::Val(Hash32([4; 32])),
            ValidatorAddress(PublicKey([5; 32])),
        );
        let msg = SignedConsensusMsg::Vote(SignedMessage::new(vote, Signature([6; 64])));

        let bytes =
            Codec::<SignedConsensusMsg<OnebookContext>>::encode(&OnebookCodec::default(), &msg)
                .expect("encodes");
        let back: SignedConsensusMsg<OnebookContext> =
            OnebookCodec::default().decode(bytes.clone()).expect("decodes");

        assert_eq!(bytes[0], ENCODING_VERSION);
        assert_eq!(back, msg);
    }

    #[test]
    fn a_proposed_value_round_trips_with_its_block_hash_recomputed() {
        let value = ProposedValue {
            height: height(7),
            round: Round::new(0),
            valid_round: Round::Nil,
            proposer: ValidatorAddress(PublicKey([2; 32])),
            value: BlockValue::new(Suite::Ed25519Blake3, block(7)),
            validity: Validity::Valid,
        };

        let bytes = OnebookCodec::default().encode(&value).expect("encodes");
        let back: ProposedValue<OnebookContext> =
            OnebookCodec::default().decode(bytes).expect("decodes");

        assert_eq!(back, value);
        assert_eq!(back.value.hash(), block(7).header.hash());
    }

    #[test]
    fn garbage_and_unknown_versions_are_refused_without_panicking() {
        let empty: Result<SignedConsensusMsg<OnebookContext>, _> =
            OnebookCodec::default().decode(Bytes::new());
        let future: Result<Status<OnebookContext>, _> =
            OnebookCodec::default().decode(Bytes::from_static(&[2, 0, 0]));
        let truncated: Result<StreamMessage<BlockProposalPart>, _> =
            OnebookCodec::default().decode(Bytes::from_static(&[1, 4, 0, 0, 0, 1]));

        assert!(matches!(empty, Err(CodecError::Empty)));
        assert!(matches!(future, Err(CodecError::UnknownVersion { version: 2 })));
        assert!(matches!(truncated, Err(CodecError::Body(_))));
    }

    #[test]
    fn an_oversized_message_is_refused_before_decoding() {
        let mut bytes = vec![ENCODING_VERSION];
        bytes.resize(SMALL_MESSAGE_BYTES_MAX + 2, 0);

        let result: Result<Status<OnebookContext>, _> =
            OnebookCodec::default().decode(Bytes::from(bytes));

        assert!(matches!(result, Err(CodecError::Body(DecodeError::TooLarge { .. }))));
    }
}
