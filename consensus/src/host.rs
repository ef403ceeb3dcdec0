//! The application side of Malachite's channel: each [`AppMsg`] becomes a call to the
//! [`Application`], in order, from one task.
//!
//! The host keeps in memory the blocks seen at the current height (its own and verified ones
//! from peers or sync), so that `Decided` finds the block its certificate names, and the parts
//! that arrive for the next heights before this node gets there (bounded).
//!
//! After a height is finalized the host starts the next one at once when txs wait, or when a
//! peer is known to be past the finalized height (`catchup.rs`); otherwise it holds the start
//! for `idle_block_interval`, so an idle chain makes one block per interval while a node behind
//! it catches up at the speed of sync.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use malachitebft_app_channel::{
    AppMsg, NetworkMsg,
    app::{
        engine::host::{Next, SyncedValueOutcome},
        streaming::StreamContent,
        types::{
            LocallyProposedValue, ProposedValue,
            core::{
                CommitCertificate as MalachiteCertificate, Context as _, HeightParams,
                LinearTimeouts, Round, Validator as _, Validity,
            },
            streaming::{StreamId, StreamMessage},
            sync::RawDecidedValue,
        },
    },
};
use onebook_types::{
    block::Block,
    codec,
    consortium::ValidatorSet,
    hash::Hash32,
    ids::{Height, Timestamp},
    keys::SecretKey,
};
use tokio::sync::mpsc;
use tracing::{debug, error, info, warn};

use crate::{
    app::{AppError, Application},
    catchup::{PeerTips, Progress, SyncStatus},
    certificate,
    codec::{SYNC_BATCH_VALUES_MAX, SYNC_RESPONSE_BYTES_MAX},
    error::ConsensusError,
    proposals::ProposalStore,
    signing::proposal_part_digest,
    types::{
        BlockProposalPart, BlockValue, ConsensusHeight, ConsensusValidatorSet, OnebookContext,
        ValidatorAddress,
    },
};

/// Most parts buffered for heights this node has not reached.
const PENDING_PARTS_MAX: usize = 64;
/// How many heights ahead of the current one parts are buffered for.
const PENDING_HEIGHTS_AHEAD: u64 = 2;
/// Most distinct blocks kept for the current height.
const UNDECIDED_VALUES_MAX: usize = 256;
/// Room left in a sync response for each block's certificate and framing: a certificate of a
/// hundred signatures takes about 10 KiB.
const SYNC_VALUE_OVERHEAD_BYTES: usize = 64 * 1024;

/// The validator sets of the height being decided.
struct HeightSets {
    height: Height,
    onebook: ValidatorSet,
    consensus: ConsensusValidatorSet,
}

/// How fast heights follow each other (see [`crate::ConsensusConfig`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pacing {
    /// The shortest time from one height's start to the next.
    pub(crate) block_time_target: Duration,
    /// How long an idle chain waits before an empty block; zero for no wait.
    pub(crate) idle_block_interval: Duration,
}

/// The start of the next height, held back while the chain is idle.
struct DeferredStart {
    height: Height,
    since: Instant,
    reply: tokio::sync::oneshot::Sender<Next<OnebookContext>>,
}

/// State of the application side of the channel.
pub(crate) struct Host<A> {
    app: A,
    ctx: OnebookContext,
    secret: Arc<SecretKey>,
    address: ValidatorAddress,
    timeouts: LinearTimeouts,
    block_time_target: Duration,
    idle_block_interval: Duration,
    /// The next height's start, held while no tx waits (see `idle_block_interval`).
    deferred: Option<DeferredStart>,
    proposals: ProposalStore,
    network: mpsc::Sender<NetworkMsg<OnebookContext>>,
    /// The height being decided (committed + 1).
    current: Height,
    sets: Option<HeightSets>,
    /// Blocks seen at the current height, by (round, block hash).
    undecided: BTreeMap<(u32, Hash32), ProposedValue<OnebookContext>>,
    /// Parts for heights above the current one, by (height, round, proposer).
    pending: BTreeMap<(u64, u32, ValidatorAddress), BlockProposalPart>,
    /// The highest tip a peer announced in its sync status.
    peer_tips: PeerTips,
    /// The highest height a peer was seen voting or proposing at.
    peer_voting_at: Height,
    /// Commit rate and catch-up progress, shared with the REST API.
    progress: Progress,
}

impl<A: Application> Host<A> {
    pub(crate) fn new(
        app: A,
        ctx: OnebookContext,
        secret: Arc<SecretKey>,
        timeouts: LinearTimeouts,
        pacing: Pacing,
        proposals: ProposalStore,
        network: mpsc::Sender<NetworkMsg<OnebookContext>>,
    ) -> Self {
        let address = ValidatorAddress(secret.public_key());
        let sync = SyncStatus::new();
        Self {
            peer_tips: sync.tips().clone(),
            peer_voting_at: Height(0),
            progress: Progress::new(sync),
            app,
            ctx,
            secret,
            address,
            timeouts,
            block_time_target: pacing.block_time_target,
            idle_block_interval: pacing.idle_block_interval,
            deferred: None,
            proposals,
            network,
            current: Height(0),
            sets: None,
            undecided: BTreeMap::new(),
            pending: BTreeMap::new(),
        }
    }

    /// Keeps `sync` up to date, and reads the peer tips its codec records.
    pub(crate) fn reporting_to(mut self, sync: SyncStatus) -> Self {
        self.peer_tips = sync.tips().clone();
        self.progress = Progress::new(sync);
        self
    }

    /// Serves one message. An error stops the node.
    pub(crate) async fn handle(
        &mut self,
        msg: AppMsg<OnebookContext>,
    ) -> Result<(), ConsensusError> {
        match msg {
            AppMsg::ConsensusReady { reply } => {
                let start = self.app.committed_height()?.next();
                let params = self.enter_height(start)?;
                info!(height = %start, "consensus ready");
                send(reply, (ConsensusHeight(start), params));
            }
            AppMsg::StartedRound { height, round, proposer, role, reply_value } => {
                debug!(height = %height, round = %round, proposer = %proposer, ?role, "started round");
                crate::metrics::round_started();
                if height.0 != self.current {
                    self.enter_height(height.0)?;
                }
                self.drain_pending(height.0)?;
                let values = self
                    .undecided
                    .iter()
                    .filter(|((r, _), _)| Round::new(*r) == round)
                    .map(|(_, value)| value.clone())
                    .collect();
                send(reply_value, values);
            }
            AppMsg::GetValue { height, round, timeout: _, reply } => {
                let value = self.own_proposal(height.0, round)?;
                send(reply, LocallyProposedValue::new(height, round, value.clone()));
                self.publish(height, round, Round::Nil, value).await;
            }
            AppMsg::ExtendVote { reply, .. } => send(reply, None),
            AppMsg::VerifyVoteExtensions { extensions, reply, .. } => {
                send(
                    reply,
                    extensions.into_iter().map(|(address, ())| (address, Ok(()))).collect(),
                );
            }
            AppMsg::RestreamProposal { height, round, valid_round, address, value_id } => {
                self.restream(height, round, valid_round, address, value_id).await;
            }
            AppMsg::GetHistoryMinHeight { reply } => {
                send(reply, ConsensusHeight(self.app.earliest_decided()?));
            }
            AppMsg::ReceivedProposalPart { from, part, reply, .. } => {
                let value = match part.content {
                    StreamContent::Data(part) => self.received_part(part)?,
                    StreamContent::Fin => None,
                };
                if value.is_none() {
                    debug!(peer = %from, "proposal part held or dropped");
                }
                send(reply, value);
            }
            AppMsg::Decided { certificate, reply, .. } => {
                self.decided(&certificate)?;
                send(reply, ());
            }
            AppMsg::Finalized { certificate, reply, .. } => {
                let committed = self.app.committed_height()?;
                let next = if committed >= certificate.height.0 {
                    let height = committed.next();
                    if !self.idle_block_interval.is_zero()
                        && !self.app.has_waiting_txs()
                        && !self.peers_past(committed)
                    {
                        debug!(height = %height, "no tx waits; holding the next height");
                        self.deferred =
                            Some(DeferredStart { height, since: Instant::now(), reply });
                        return Ok(());
                    }
                    Next::Start(ConsensusHeight(height), self.enter_height(height)?)
                } else {
                    warn!(height = %certificate.height, "decided block was not committed; restarting height");
                    Next::Restart(certificate.height, self.enter_height(certificate.height.0)?)
                };
                send(reply, next);
            }
            AppMsg::GetDecidedValues { range, reply } => {
                let values = self.decided_values(range.start().0, range.end().0)?;
                send(reply, values);
            }
            AppMsg::ProcessSyncedValue { height, round, proposer, value_bytes, reply } => {
                let outcome = self.synced_value(height, round, proposer, &value_bytes)?;
                send(reply, outcome);
            }
        }
        Ok(())
    }

    /// Whether the next height's start is held back.
    pub(crate) fn is_deferred(&self) -> bool {
        self.deferred.is_some()
    }

    /// Records that a peer voted or proposed at `height` (from the engine's events).
    pub(crate) fn heard_peer_at(&mut self, height: Height) {
        self.peer_voting_at = self.peer_voting_at.max(height);
    }

    /// Whether a peer is known to be past `committed`: it announced a higher tip (this node is
    /// behind), or it already votes or proposes above it (the next height has begun without
    /// this node). Either way, waiting would only hold the chain back.
    fn peers_past(&self, committed: Height) -> bool {
        self.peer_tips.highest() > committed || self.peer_voting_at > committed
    }

    /// Starts the held-back height once a tx waits, a peer is known to be past it or the idle
    /// interval has passed.
    pub(crate) fn poll_deferred(&mut self) -> Result<(), ConsensusError> {
        let due = self.deferred.as_ref().is_some_and(|deferred| {
            deferred.since.elapsed() >= self.idle_block_interval
                || self.app.has_waiting_txs()
                || self.peers_past(Height(deferred.height.0 - 1))
        });
        if !due {
            return Ok(());
        }
        if let Some(deferred) = self.deferred.take() {
            debug!(height = %deferred.height, "starting the held height");
            let params = self.enter_height(deferred.height)?;
            send(deferred.reply, Next::Start(ConsensusHeight(deferred.height), params));
        }
        Ok(())
    }

    /// Moves to `height`: drops what belonged to lower heights and loads its validator set.
    fn enter_height(
        &mut self,
        height: Height,
    ) -> Result<HeightParams<OnebookContext>, ConsensusError> {
        if self.current != height {
            self.undecided.clear();
            self.pending.retain(|(h, _, _), _| *h >= height.0);
            self.current = height;
        }
        let sets = match self.sets.take() {
            Some(sets) if sets.height == height => sets,
            _ => {
                let onebook = self
                    .app
                    .validator_set(height)?
                    .ok_or(ConsensusError::NoValidatorSet { height })?;
                let consensus = ConsensusValidatorSet::from_onebook(&onebook);
                if consensus.is_empty() {
                    return Err(ConsensusError::EmptyValidatorSet { height });
                }
                HeightSets { height, onebook, consensus }
            }
        };
        let params =
            HeightParams::new(sets.consensus.clone(), self.timeouts, Some(self.block_time_target));
        self.sets = Some(sets);
        Ok(params)
    }

    /// The block this node proposes at `(height, round)`: the one it proposed before a
    /// restart if there is one, else a new one from the application, saved before use.
    fn own_proposal(&mut self, height: Height, round: Round) -> Result<BlockValue, ConsensusError> {
        let round_number = round.as_u32().unwrap_or(0);
        // How long building and saving took, in ms, for the log: a slow proposal delays the
        // height for every validator.
        let (mut build_ms, mut save_ms) = (0, 0);
        let block = match self.proposals.load(height, round_number)? {
            Some(block) => {
                info!(height = %height, round = %round, "proposing the block saved before restart");
                block
            }
            None => {
                let started = Instant::now();
                let block = self.app.propose(height, now(), self.address.0)?;
                let built = Instant::now();
                self.proposals.save(height, round_number, &block)?;
                build_ms = built.duration_since(started).as_millis();
                save_ms = built.elapsed().as_millis();
                block
            }
        };
        let value = BlockValue::new(self.ctx.chain().suite, block);
        info!(height = %height, round = %round, block_hash = %value.hash(), tx_count = value.block().txs.len(), build_ms, save_ms, "proposing block");
        self.remember(ProposedValue {
            height: ConsensusHeight(height),
            round,
            valid_round: Round::Nil,
            proposer: self.address,
            value: value.clone(),
            validity: Validity::Valid,
        });
        Ok(value)
    }

    /// Streams `value` as one signed part and the end of the stream.
    async fn publish(
        &self,
        height: ConsensusHeight,
        round: Round,
        pol_round: Round,
        value: BlockValue,
    ) {
        let Some(digest) = proposal_part_digest(
            self.ctx.chain(),
            height,
            round,
            pol_round,
            value.hash(),
            &self.address.0,
        ) else {
            return;
        };
        let part = BlockProposalPart {
            height,
            round,
            pol_round,
            proposer: self.address,
            value,
            signature: self.secret.sign(&digest),
        };
        let stream_id = StreamId::new(Bytes::from(codec::encode(&(
            height.0.0,
            round.as_u32(),
            pol_round.as_u32(),
        ))));
        let messages = [
            StreamMessage::new(stream_id.clone(), 0, StreamContent::Data(part)),
            StreamMessage::new(stream_id, 1, StreamContent::Fin),
        ];
        for message in messages {
            if self.network.send(NetworkMsg::PublishProposalPart(message)).await.is_err() {
                warn!(height = %height, round = %round, "network closed; proposal not published");
                return;
            }
        }
    }

    async fn restream(
        &self,
        height: ConsensusHeight,
        round: Round,
        valid_round: Round,
        address: ValidatorAddress,
        value_id: Hash32,
    ) {
        if address != self.address || height.0 != self.current {
            return;
        }
        let value =
            self.undecided.values().find(|v| v.value.hash() == value_id).map(|v| v.value.clone());
        match value {
            Some(value) => self.publish(height, round, valid_round, value).await,
            None => {
                warn!(height = %height, round = %round, block_hash = %value_id, "cannot restream an unknown block")
            }
        }
    }

    /// Checks a part and, at the current height, the block in it; buffers parts for the next
    /// heights.
    fn received_part(
        &mut self,
        part: BlockProposalPart,
    ) -> Result<Option<ProposedValue<OnebookContext>>, ConsensusError> {
        let height = part.height.0;
        if height < self.current {
            return Ok(None);
        }
        if part.proposer != self.address {
            self.heard_peer_at(height);
        }
        if height > self.current {
            let in_window = height.0 <= self.current.0.saturating_add(PENDING_HEIGHTS_AHEAD);
            if in_window && self.pending.len() < PENDING_PARTS_MAX {
                let key = (height.0, part.round.as_u32().unwrap_or(0), part.proposer);
                self.pending.insert(key, part);
            }
            return Ok(None);
        }
        self.check_part(part)
    }

    fn check_part(
        &mut self,
        part: BlockProposalPart,
    ) -> Result<Option<ProposedValue<OnebookContext>>, ConsensusError> {
        let Some(sets) = self.sets.as_ref().filter(|s| s.height == part.height.0) else {
            return Ok(None);
        };
        let expected = self.ctx.select_proposer(&sets.consensus, part.height, part.round);
        let signed = proposal_part_digest(
            self.ctx.chain(),
            part.height,
            part.round,
            part.pol_round,
            part.value.hash(),
            &part.proposer.0,
        )
        .is_some_and(|digest| {
            self.ctx.chain().suite.verify(&part.proposer.0, &digest, &part.signature).is_ok()
        });
        if *expected.address() != part.proposer || !signed {
            warn!(height = %part.height, round = %part.round, proposer = %part.proposer, "proposal part not signed by the round's proposer");
            return Ok(None);
        }
        let known = self.undecided.values().find(|v| v.value == part.value).map(|v| v.validity);
        let validity = match known {
            Some(validity) => validity,
            None => self.verify(part.value.block())?,
        };
        let value = ProposedValue {
            height: part.height,
            round: part.round,
            valid_round: part.pol_round,
            proposer: part.proposer,
            value: part.value,
            validity,
        };
        self.remember(value.clone());
        Ok(Some(value))
    }

    /// Re-checks the buffered parts of `height` now that it is current. Their values reach
    /// consensus through the `StartedRound` reply.
    fn drain_pending(&mut self, height: Height) -> Result<(), ConsensusError> {
        let parts: Vec<BlockProposalPart> = {
            let keys: Vec<_> =
                self.pending.keys().filter(|(h, _, _)| *h == height.0).copied().collect();
            keys.into_iter().filter_map(|k| self.pending.remove(&k)).collect()
        };
        for part in parts {
            self.check_part(part)?;
        }
        Ok(())
    }

    /// The application's verdict on a block at the current height.
    fn verify(&mut self, block: &Block) -> Result<Validity, ConsensusError> {
        if block.header.height != self.current || block.header.chain_id != *self.ctx.chain_id() {
            return Ok(Validity::Invalid);
        }
        match self.app.verify(block) {
            Ok(()) => Ok(Validity::Valid),
            Err(AppError::Invalid(reason)) => {
                warn!(height = %block.header.height, block_hash = %block.header.hash_in(self.ctx.chain().suite), %reason, "invalid block");
                Ok(Validity::Invalid)
            }
            Err(error) => Err(error.into()),
        }
    }

    fn remember(&mut self, value: ProposedValue<OnebookContext>) {
        if self.undecided.len() >= UNDECIDED_VALUES_MAX {
            return;
        }
        let key = (value.round.as_u32().unwrap_or(0), value.value.hash());
        self.undecided.insert(key, value);
    }

    /// Commits the block a certificate decides, with the certificate in Onebook's form.
    fn decided(
        &mut self,
        decided: &MalachiteCertificate<OnebookContext>,
    ) -> Result<(), ConsensusError> {
        let height = decided.height.0;
        if self.app.committed_height()? >= height {
            return Ok(());
        }
        let value = self
            .undecided
            .values()
            .find(|v| v.value.hash() == decided.value_id && v.validity.is_valid())
            .map(|v| v.value.clone());
        let (Some(value), Some(certificate)) =
            (value, certificate::to_onebook(self.ctx.chain(), decided))
        else {
            error!(height = %height, block_hash = %decided.value_id, "decided block is unknown here");
            return Ok(());
        };
        if let Some(sets) = self.sets.as_ref().filter(|s| s.height == height) {
            certificate
                .verify_in(
                    self.ctx.chain().suite,
                    &value.block().header,
                    &self.ctx.chain().genesis_hash,
                    &sets.onebook,
                )
                .map_err(|source| ConsensusError::Certificate { height, source })?;
        }
        let round = certificate.vote.round;
        let signatures = certificate.signatures.len();
        let txs = value.block().txs.len();
        self.app.commit(value.into_block(), certificate)?;
        info!(height = %height, round, block_hash = %decided.value_id, signatures, "committed block");
        crate::metrics::DECIDED_ROUND.observe(f64::from(round));
        self.proposals.prune(height)?;
        self.progress.committed(height, txs, Instant::now());
        Ok(())
    }

    fn decided_values(
        &self,
        first: Height,
        last: Height,
    ) -> Result<Vec<RawDecidedValue<OnebookContext>>, ConsensusError> {
        let committed = self.app.committed_height()?;
        let last =
            last.0.min(committed.0).min(first.0.saturating_add(SYNC_BATCH_VALUES_MAX as u64 - 1));
        let mut values = Vec::new();
        let mut bytes = 0usize;
        for height in first.0.max(1)..=last {
            // A block this node cannot read is not served; the peer asks another node. Serving
            // is not the commit path, so a damaged old block must not stop consensus here.
            let decided = match self.app.decided(Height(height)) {
                Ok(decided) => decided,
                Err(error) => {
                    warn!(height, %error, "cannot serve a decided block to a syncing peer");
                    break;
                }
            };
            match decided {
                Some((block, certificate)) => {
                    let value = Bytes::from(codec::encode(&block));
                    // The response is cut at the first block that would pass the byte limit,
                    // with room for each block's certificate and framing.
                    bytes += value.len() + SYNC_VALUE_OVERHEAD_BYTES;
                    if !values.is_empty() && bytes > SYNC_RESPONSE_BYTES_MAX {
                        break;
                    }
                    values
                        .push(RawDecidedValue::new(value, certificate::to_malachite(&certificate)));
                }
                None => break,
            }
        }
        Ok(values)
    }

    fn synced_value(
        &mut self,
        height: ConsensusHeight,
        round: Round,
        proposer: ValidatorAddress,
        value_bytes: &[u8],
    ) -> Result<SyncedValueOutcome<OnebookContext>, ConsensusError> {
        let Ok(block) = Block::decode(value_bytes) else {
            return Ok(SyncedValueOutcome::PeerFault);
        };
        if block.header.height != height.0 {
            return Ok(SyncedValueOutcome::PeerFault);
        }
        if height.0 != self.current {
            return Ok(SyncedValueOutcome::LocalTransientError);
        }
        let validity = match self.app.verify(&block) {
            Ok(()) => Validity::Valid,
            Err(AppError::Invalid(reason)) => {
                warn!(height = %height, %reason, "invalid synced block");
                Validity::Invalid
            }
            Err(AppError::Storage(reason)) => {
                warn!(height = %height, %reason, "storage failed while checking a synced block");
                return Ok(SyncedValueOutcome::LocalTransientError);
            }
        };
        let value = ProposedValue {
            height,
            round,
            valid_round: Round::Nil,
            proposer,
            value: BlockValue::new(self.ctx.chain().suite, block),
            validity,
        };
        debug!(height = %height, round = %round, "synced block checked");
        self.remember(value.clone());
        Ok(SyncedValueOutcome::Verdict(value))
    }
}

/// Sends a reply; consensus may have moved on, which is not an error here.
fn send<T>(reply: tokio::sync::oneshot::Sender<T>, value: T) {
    if reply.send(value).is_err() {
        debug!("consensus dropped a reply");
    }
}

/// Wall-clock time in milliseconds: only the proposer's suggestion for block time, which the
/// application bounds by the previous block's and every validator checks.
fn now() -> Timestamp {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    Timestamp(u64::try_from(millis).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use malachitebft_app_channel::app::consensus::MisbehaviorEvidence;
    use onebook_types::{
        block::{CommitCertificate, Header},
        consortium::Validator,
        ids::ChainId,
        keys::PublicKey,
    };

    use super::*;

    /// Builds a different block on every call, as a real node would after a restart (new
    /// time, new mempool contents).
    struct ChangingApp {
        proposed: u64,
    }

    impl Application for ChangingApp {
        fn committed_height(&self) -> Result<Height, AppError> {
            Ok(Height(0))
        }

        fn validator_set(&self, _height: Height) -> Result<Option<ValidatorSet>, AppError> {
            let node_key = SecretKey::from_seed([3; 32]).public_key();
            let validator = Validator { node_key, org: "xm-dsj".into(), power: 10 };
            Ok(Some(ValidatorSet { validators: vec![validator] }))
        }

        fn propose(
            &mut self,
            height: Height,
            _time: Timestamp,
            proposer: PublicKey,
        ) -> Result<Block, AppError> {
            self.proposed += 1;
            let header = Header {
                chain_id: ChainId::from("test"),
                height,
                time: Timestamp(self.proposed),
                previous_hash: Hash32::ZERO,
                history_root: Hash32::ZERO,
                tx_root: Hash32::ZERO,
                tx_count: 0,
                receipts_root: Hash32::ZERO,
                state_root: Hash32::ZERO,
                validator_set_hash: Hash32::ZERO,
                next_validator_set_hash: Hash32::ZERO,
                proposer,
            };
            Ok(Block { header, txs: Vec::new() })
        }

        fn verify(&mut self, _block: &Block) -> Result<(), AppError> {
            Ok(())
        }

        fn commit(
            &mut self,
            _block: Block,
            _certificate: CommitCertificate,
        ) -> Result<(), AppError> {
            Ok(())
        }

        fn decided(&self, _height: Height) -> Result<Option<(Block, CommitCertificate)>, AppError> {
            Ok(None)
        }

        fn has_waiting_txs(&self) -> bool {
            false
        }
    }

    fn host(dir: &std::path::Path, proposed: u64) -> Host<ChangingApp> {
        paced_host(dir, proposed, Duration::ZERO)
    }

    fn paced_host(
        dir: &std::path::Path,
        proposed: u64,
        idle_block_interval: Duration,
    ) -> Host<ChangingApp> {
        let (network, _) = mpsc::channel(4);
        Host::new(
            ChangingApp { proposed },
            OnebookContext::new(crate::types::test_chain()),
            Arc::new(SecretKey::from_seed([3; 32])),
            LinearTimeouts::default(),
            Pacing { block_time_target: Duration::from_millis(100), idle_block_interval },
            ProposalStore::open(dir).expect("opens"),
            network,
        )
    }

    #[test]
    fn a_restarted_proposer_proposes_the_same_block_at_the_same_height_and_round() {
        let dir = tempfile::tempdir().expect("tempdir");
        let before = host(dir.path(), 0).own_proposal(Height(1), Round::new(0)).expect("proposes");

        let mut restarted = host(dir.path(), 100);
        let again = restarted.own_proposal(Height(1), Round::new(0)).expect("proposes");
        let next_round = restarted.own_proposal(Height(1), Round::new(1)).expect("proposes");

        assert_eq!(again.hash(), before.hash());
        assert_ne!(next_round.hash(), before.hash());
    }

    /// Finalizes height 0 (what `ChangingApp` has committed) on `host`; where its reply comes.
    async fn finalize(
        host: &mut Host<ChangingApp>,
    ) -> tokio::sync::oneshot::Receiver<Next<OnebookContext>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let certificate = MalachiteCertificate {
            height: ConsensusHeight(Height(0)),
            round: Round::new(0),
            value_id: Hash32::ZERO,
            commit_signatures: Vec::new(),
        };
        let evidence =
            MisbehaviorEvidence { proposals: Default::default(), votes: Default::default() };
        let message =
            AppMsg::Finalized { certificate, extensions: Default::default(), evidence, reply };
        host.handle(message).await.expect("handles");
        answer
    }

    fn starts_height_one(next: Option<Next<OnebookContext>>) -> bool {
        matches!(next, Some(Next::Start(ConsensusHeight(Height(1)), _)))
    }

    #[tokio::test]
    async fn an_idle_node_at_the_tip_holds_the_next_height_and_one_behind_its_peers_does_not() {
        let tip_dir = tempfile::tempdir().expect("tempdir");
        let behind_dir = tempfile::tempdir().expect("tempdir");
        let hour = Duration::from_secs(3_600);
        let mut at_tip = paced_host(tip_dir.path(), 0, hour);
        let mut behind = paced_host(behind_dir.path(), 0, hour);
        behind.peer_tips.heard(5);

        let held = finalize(&mut at_tip).await.try_recv().ok();
        let started = finalize(&mut behind).await.try_recv().ok();

        assert!(held.is_none() && at_tip.is_deferred(), "the node at the tip waits");
        assert!(starts_height_one(started), "the node behind starts at once");
    }

    #[tokio::test]
    async fn a_held_height_starts_once_a_peer_votes_above_the_finalized_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut host = paced_host(dir.path(), 0, Duration::from_secs(3_600));
        let answer = finalize(&mut host).await;
        host.poll_deferred().expect("polls");
        let still_held = host.is_deferred();

        host.heard_peer_at(Height(1));
        host.poll_deferred().expect("polls");

        assert!(still_held, "nothing above the finalized height was heard yet");
        assert!(!host.is_deferred());
        assert!(starts_height_one(answer.await.ok()));
    }
}
