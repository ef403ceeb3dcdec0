//! The core's effects, handled as Malachite's engine handles them (its consensus actor's
//! `handle_effect`), with virtual time, the simulated network and the in-memory WAL in place of
//! tokio timers, libp2p and the WAL file.

use bytes::Bytes;
use malachitebft_app_channel::{
    AppMsg,
    app::{
        consensus::{ConsensusMsg, Effect, Input, LivenessMsg, Resumable, Resume},
        engine::{
            host::{Next, SyncedValueOutcome},
            wal::encode_entry,
        },
        streaming::StreamContent,
        types::{
            ProposedValue, SignedConsensusMsg,
            codec::Codec,
            core::{Value as _, ValueOrigin},
            streaming::StreamMessage,
            sync::Response,
        },
    },
};
use malachitebft_signing::{Signer as _, Verifier as _, VerifierExt as _};
use onebook_types::{keys::PublicKey, suite::Suite};

use super::{Deferred, NodeIo, ready, wire::Wire};
use crate::{
    app::Application,
    codec::OnebookCodec,
    types::{BlockProposalPart, ConsensusHeight, OnebookContext},
};

type Ctx = OnebookContext;

/// A vote or proposal from a peer, as the core's input.
pub(super) fn consensus_input(suite: Suite, bytes: &[u8]) -> Option<Input<Ctx>> {
    let message: SignedConsensusMsg<Ctx> =
        OnebookCodec::new(suite).decode(Bytes::copy_from_slice(bytes)).ok()?;
    Some(match message {
        SignedConsensusMsg::Vote(vote) => Input::Vote(vote),
        SignedConsensusMsg::Proposal(proposal) => Input::Proposal(proposal),
    })
}

/// A rebroadcast vote or a certificate from a peer, as the core's input.
pub(super) fn liveness_input(suite: Suite, bytes: &[u8]) -> Option<Input<Ctx>> {
    let message: LivenessMsg<Ctx> =
        OnebookCodec::new(suite).decode(Bytes::copy_from_slice(bytes)).ok()?;
    Some(match message {
        LivenessMsg::Vote(vote) => Input::Vote(vote),
        LivenessMsg::PolkaCertificate(certificate) => Input::PolkaCertificate(certificate),
        LivenessMsg::SkipRoundCertificate(certificate) => Input::RoundCertificate(certificate),
    })
}

/// The bytes of a proposal part the host published.
pub(super) fn encode_part(part: &StreamMessage<BlockProposalPart>) -> Option<Vec<u8>> {
    OnebookCodec::default().encode(part).ok().map(|bytes| bytes.to_vec())
}

impl<A: Application> NodeIo<A> {
    /// Handles one effect and says how the core resumes. An `Err` makes the core resume with
    /// `Continue`, which fails an effect that expects a value: the node then stops, as the
    /// engine stops on a failed signer.
    pub(super) fn handle(&mut self, effect: Effect<Ctx>) -> Result<Resume<Ctx>, String> {
        let resume = match effect {
            Effect::CancelAllTimeouts(r) => {
                self.timers.clear();
                r.resume_with(())
            }
            Effect::CancelTimeout(timeout, r) => {
                self.timers.retain(|(scheduled, _)| *scheduled != timeout);
                r.resume_with(())
            }
            Effect::ScheduleTimeout(timeout, r) => {
                let due =
                    self.now_ms.saturating_add(super::millis(self.timeouts.duration_for(timeout)));
                self.timers.retain(|(scheduled, _)| *scheduled != timeout);
                self.timers.push((timeout, due));
                r.resume_with(())
            }
            Effect::StartRound(height, round, proposer, role, r) => {
                let values = self.call(|reply_value| AppMsg::StartedRound {
                    height,
                    round,
                    proposer,
                    role,
                    reply_value,
                });
                for value in values.unwrap_or_default() {
                    self.defer_now(Deferred::Input(Input::ProposedValue(
                        value,
                        ValueOrigin::Consensus,
                    )));
                }
                r.resume_with(())
            }
            Effect::SignProposal(proposal, r) => {
                let signed = ready(self.signer.sign_proposal(proposal))
                    .and_then(Result::ok)
                    .ok_or("the proposal could not be signed")?;
                r.resume_with(signed)
            }
            Effect::SignVote(vote, r) => {
                let signed = ready(self.signer.sign_vote(vote))
                    .and_then(Result::ok)
                    .ok_or("the vote could not be signed")?;
                r.resume_with(signed)
            }
            Effect::VerifySignature(message, public_key, r) => {
                let result = match &message.message {
                    ConsensusMsg::Vote(vote) => ready(self.verifier.verify_signed_vote(
                        vote,
                        &message.signature,
                        &public_key,
                    )),
                    ConsensusMsg::Proposal(proposal) => {
                        ready(self.verifier.verify_signed_proposal(
                            proposal,
                            &message.signature,
                            &public_key,
                        ))
                    }
                };
                // As in the engine, a check that cannot complete counts as invalid.
                let valid = matches!(result, Some(Ok(result)) if result.is_valid());
                r.resume_with(valid)
            }
            Effect::VerifyCommitCertificate(certificate, validators, thresholds, r) => {
                let result = ready(self.verifier.verify_commit_certificate(
                    &self.ctx,
                    &certificate,
                    &validators,
                    thresholds,
                ))
                .ok_or("certificate check waited")?;
                r.resume_with(result)
            }
            Effect::VerifyExtendedCommitCertificate(
                certificate,
                validators,
                thresholds,
                policy,
                r,
            ) => {
                let result = ready(self.verifier.verify_extended_commit_certificate(
                    &self.ctx,
                    &certificate,
                    &validators,
                    thresholds,
                    policy,
                ))
                .ok_or("certificate check waited")?;
                r.resume_with(result)
            }
            Effect::VerifyPolkaCertificate(certificate, validators, thresholds, r) => {
                let result = ready(self.verifier.verify_polka_certificate(
                    &self.ctx,
                    &certificate,
                    &validators,
                    thresholds,
                ))
                .ok_or("certificate check waited")?;
                r.resume_with(result)
            }
            Effect::VerifyRoundCertificate(certificate, validators, thresholds, r) => {
                let result = ready(self.verifier.verify_round_certificate(
                    &self.ctx,
                    &certificate,
                    &validators,
                    thresholds,
                ))
                .ok_or("certificate check waited")?;
                r.resume_with(result)
            }
            // Onebook uses no vote extensions: the core asks only under a policy that requires
            // them, and the host answers as it does on a real node.
            Effect::ExtendVote(_, _, _, _, r) => r.resume_with(None),
            Effect::VerifyVoteExtension(_, _, _, _, _, _, r) => r.resume_with(Ok(())),
            Effect::PublishConsensusMsg(message, r) => {
                let bytes = OnebookCodec::default().encode(&message).map_err(|e| e.to_string())?;
                self.broadcast(Wire::Consensus(bytes.to_vec()));
                r.resume_with(())
            }
            Effect::PublishLivenessMsg(message, r) => {
                self.publish_liveness(&message)?;
                r.resume_with(())
            }
            Effect::RepublishVote(vote, r) => {
                self.publish_liveness(&LivenessMsg::Vote(vote))?;
                r.resume_with(())
            }
            Effect::RepublishRoundCertificate(certificate, r) => {
                self.publish_liveness(&LivenessMsg::SkipRoundCertificate(certificate))?;
                r.resume_with(())
            }
            Effect::GetValue(height, round, timeout, r) => {
                let timeout = self.timeouts.duration_for(timeout);
                let value = self.call(|reply| AppMsg::GetValue { height, round, timeout, reply });
                if let Some(value) = value {
                    self.defer_now(Deferred::Input(Input::Propose(value)));
                }
                r.resume_with(())
            }
            Effect::RestreamProposal(height, round, valid_round, address, value_id, r) => {
                self.tell(AppMsg::RestreamProposal {
                    height,
                    round,
                    valid_round,
                    address,
                    value_id,
                });
                r.resume_with(())
            }
            Effect::Decide(certificate, extensions, r) => {
                let height = certificate.height.0.0;
                if self.call(|reply| AppMsg::Decided { certificate, extensions, reply }).is_some() {
                    self.catch_up.committed(height);
                }
                r.resume_with(())
            }
            Effect::Finalize(certificate, extensions, evidence, r) => {
                let next = self.call(|reply| AppMsg::Finalized {
                    certificate,
                    extensions,
                    evidence,
                    reply,
                });
                match next {
                    Some(Next::Start(height, params)) => {
                        let due = self
                            .now_ms
                            .max(self.height_started_ms.saturating_add(self.block_time_ms));
                        self.deferred
                            .push((due, Deferred::StartHeight { height, params, restart: false }));
                    }
                    Some(Next::Restart(height, params)) => {
                        self.defer_now(Deferred::StartHeight { height, params, restart: true });
                    }
                    None => {}
                }
                r.resume_with(())
            }
            Effect::CertRejectedSyncValue(_peer, height, _error, r) => {
                self.catch_up.failed(height.0.0);
                r.resume_with(())
            }
            Effect::CertVerifiedSyncValue(value, proposer, r) => {
                let certificate = &value.certificate;
                let (height, round, value_id) =
                    (certificate.height, certificate.round, certificate.value_id);
                let value_bytes = value.value_bytes.clone();
                let outcome = self.call(|reply| AppMsg::ProcessSyncedValue {
                    height,
                    round,
                    proposer,
                    value_bytes,
                    reply,
                });
                match outcome {
                    Some(SyncedValueOutcome::Verdict(mut proposed))
                        if proposed.value.id() == value_id =>
                    {
                        // The engine takes the certificate's round, whatever the host said.
                        proposed.round = round;
                        self.defer_now(Deferred::Input(Input::ProposedValue(
                            proposed,
                            ValueOrigin::Sync,
                        )));
                    }
                    _ => self.catch_up.failed(height.0.0),
                }
                r.resume_with(())
            }
            Effect::WalAppend(height, entry, r) => {
                // During replay the engine reads the log rather than writing it; an entry for
                // another height than the log's is ignored.
                if !self.recovering && self.wal.height == height.0.0 {
                    let mut bytes = Vec::new();
                    encode_entry(entry, &OnebookCodec::default(), &mut bytes)
                        .map_err(|e| e.to_string())?;
                    self.wal.entries.push(bytes);
                }
                r.resume_with(())
            }
        };
        Ok(resume)
    }

    fn publish_liveness(&mut self, message: &LivenessMsg<Ctx>) -> Result<(), String> {
        let bytes = OnebookCodec::default().encode(message).map_err(|e| e.to_string())?;
        self.broadcast(Wire::Liveness(bytes.to_vec()));
        Ok(())
    }

    /// Hands a peer's proposal part to the host; the checked block, if the part completes one.
    pub(super) fn received_part(
        &mut self,
        from: &PublicKey,
        bytes: &[u8],
    ) -> Option<ProposedValue<Ctx>> {
        let part: StreamMessage<BlockProposalPart> =
            OnebookCodec::new(self.ctx.chain().suite).decode(Bytes::copy_from_slice(bytes)).ok()?;
        if matches!(part.content, StreamContent::Fin) {
            return None;
        }
        let peer = super::peer_id(from)?;
        self.call(|reply| AppMsg::ReceivedProposalPart {
            from: peer,
            published_by: Some(peer),
            part,
            reply,
        })?
    }

    /// Answers a peer's request for committed blocks from the host, as the sync actor does.
    pub(super) fn serve_blocks(&mut self, from: &PublicKey, id: u64, first: u64, last: u64) {
        if first == 0 || last < first {
            return;
        }
        let range = ConsensusHeight(onebook_types::ids::Height(first))
            ..=ConsensusHeight(onebook_types::ids::Height(last));
        let values =
            self.call(|reply| AppMsg::GetDecidedValues { range, reply }).unwrap_or_default();
        if values.is_empty() {
            return;
        }
        let start = ConsensusHeight(onebook_types::ids::Height(first));
        let response =
            Response::ValueResponse(malachitebft_sync::ValueResponse::new(start, values));
        match OnebookCodec::default().encode(&response) {
            Ok(bytes) => self.outputs.push(super::SimOutput::Send(
                *from,
                super::SimMessage::encode(&Wire::SyncResponse { id, response: bytes.to_vec() }),
            )),
            Err(error) => tracing::warn!(%error, "sync response not encoded"),
        }
    }
}
