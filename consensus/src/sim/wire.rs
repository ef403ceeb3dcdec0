//! What simulated validators send each other: the engine's messages in the bytes of
//! `OnebookCodec`, so every message a simulated node receives is decoded as a real node
//! decodes it, plus the few messages of the simulation's catch-up (`catch_up.rs`).

use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use onebook_types::codec;

/// Largest encoded simulation message: a sync response of full blocks, with room for the tag.
const SIM_MESSAGE_BYTES_MAX: usize = crate::codec::SYNC_RESPONSE_BYTES_MAX + 1024;

/// One message between simulated validators. Opaque outside this crate: the simulated network
/// only carries, drops, delays, duplicates and reorders it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimMessage {
    bytes: Bytes,
}

/// What a [`SimMessage`] carries, so a simulated network can log or target kinds of messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SimMessageKind {
    /// A signed vote or proposal.
    Consensus,
    /// A rebroadcast vote, a polka certificate or a round certificate.
    Liveness,
    /// A block streamed by its proposer.
    ProposalPart,
    /// A validator's committed height.
    Status,
    /// A request for committed blocks.
    SyncRequest,
    /// Committed blocks with their certificates.
    SyncResponse,
}

impl SimMessage {
    /// The message's bytes, as the simulated network carries them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// What the message carries.
    pub fn kind(&self) -> SimMessageKind {
        match self.bytes.first() {
            Some(0) => SimMessageKind::Consensus,
            Some(1) => SimMessageKind::Liveness,
            Some(2) => SimMessageKind::ProposalPart,
            Some(3) => SimMessageKind::Status,
            Some(4) => SimMessageKind::SyncRequest,
            _ => SimMessageKind::SyncResponse,
        }
    }

    pub(crate) fn encode(wire: &Wire) -> Self {
        Self { bytes: Bytes::from(codec::encode(wire)) }
    }

    pub(crate) fn decode(&self) -> Option<Wire> {
        codec::decode(&self.bytes, SIM_MESSAGE_BYTES_MAX).ok()
    }
}

/// The borsh layout of a [`SimMessage`]: the variant index is the first byte, which
/// [`SimMessage::kind`] reads.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub(crate) enum Wire {
    /// `OnebookCodec` bytes of a `SignedConsensusMsg`.
    Consensus(Vec<u8>),
    /// `OnebookCodec` bytes of a `LivenessMsg`.
    Liveness(Vec<u8>),
    /// `OnebookCodec` bytes of a `StreamMessage<BlockProposalPart>`.
    ProposalPart(Vec<u8>),
    /// The sender's committed height.
    Status {
        /// The height.
        tip: u64,
    },
    /// A request for the committed blocks `first..=last`.
    SyncRequest {
        /// The requester's number for the request, which the response carries back.
        id: u64,
        /// The first height asked for.
        first: u64,
        /// The last height asked for.
        last: u64,
    },
    /// The answer to request `id`: `OnebookCodec` bytes of a sync `Response`.
    SyncResponse {
        /// The request's number.
        id: u64,
        /// The response.
        response: Vec<u8>,
    },
}
