//! A validator for deterministic simulation tests (feature `sim`): Malachite's sans-IO consensus
//! core, this crate's `Host` (the real block proposing, part checking, deciding and syncing
//! code of a node) and the node's `Application`, driven by a test harness that owns time and
//! the network.
//!
//! The node that `crate::run` starts hands the core to Malachite's engine: ractor actors, a
//! libp2p swarm, tokio timers, a WAL file and a sync actor that keeps peer scores on the wall
//! clock. None of that can be replayed from a seed. [`SimValidator`] replaces exactly that
//! layer and nothing else:
//!
//! - each `Effect` of the core is handled as the engine's consensus actor handles it (sign,
//!   verify, publish, schedule a timer, append to the WAL, ask the host), in the same order;
//! - timers are due times in the harness's virtual milliseconds, fired by [`SimValidator::wake`];
//! - the WAL keeps each entry in the engine's own encoding (`encode_entry`) in a [`SimDisk`]
//!   that survives [`SimValidator::crash`], is replayed on restart as the engine replays it
//!   (index first, then every entry, then live), and is reset when a new height starts;
//! - messages leave as [`SimOutput`]s in `OnebookCodec` bytes and arrive through
//!   [`SimValidator::receive`], decoded as a real node decodes them;
//! - catch-up (`catch_up.rs`) is a plain status/request/response exchange in place of
//!   Malachite's sync actor, feeding the core the same `SyncValueResponse` input and the host
//!   the same `GetDecidedValues` and `ProcessSyncedValue` messages;
//! - the block time target is kept by holding the next height's start (the engine holds it
//!   in a finalization period measured on the wall clock), and the host runs with no idle
//!   interval, since its idle pacing reads the wall clock.
//!
//! The harness supplies the application: block times it proposes must come from virtual time
//! too, or no seed replays.
//!
//! # Injected bugs
//! [`InjectedBug`] makes the node break a consensus rule on purpose, so that a test can show
//! that the simulation's checks catch a broken node and that the seed replays the violation.

mod catch_up;
mod effects;
mod wire;

use std::{
    future::Future,
    pin::pin,
    sync::Arc,
    task::{Context, Poll, Waker},
    time::Duration,
};

use malachitebft_app_channel::{
    AppMsg, NetworkMsg,
    app::{
        consensus::{
            Error as ConsensusCoreError, Input, Params, State as ConsensusState, ValuePayload,
            process,
        },
        engine::wal::decode_entry,
        metrics::Metrics,
        types::{
            PeerId,
            core::{
                HeightParams, LinearTimeouts, ThresholdParam, ThresholdParams, Timeout, ValueOrigin,
            },
        },
    },
};
use onebook_types::keys::{PublicKey, SecretKey};
use tokio::sync::{mpsc, oneshot};

pub use self::wire::{SimMessage, SimMessageKind};
use self::{catch_up::CatchUp, wire::Wire};
use crate::{
    app::Application,
    codec::OnebookCodec,
    config::ConsensusConfig,
    error::ConsensusError,
    host::{Host, Pacing},
    proposals::ProposalStore,
    signing::{OnebookSigner, OnebookVerifier},
    types::{ChainIdentity, ConsensusHeight, OnebookContext, ValidatorAddress},
};

/// Capacity of the channel the host publishes proposal parts on; drained after every host call.
const HOST_NETWORK_CAPACITY: usize = 1024;
/// Inputs for heights above the current one that the core keeps (the engine's default).
const QUEUE_CAPACITY: usize = 10;
/// Inputs per height that the core keeps (the engine's default).
const QUEUE_PER_HEIGHT_CAPACITY: usize = 500;

/// A consensus rule the node breaks on purpose, to show that the simulation finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InjectedBug {
    /// The node counts more than a third of the voting power as a quorum, where Tendermint
    /// needs more than two thirds: two sides of a partition, each holding half the power, can
    /// then each decide a block at the same height.
    LowQuorum,
}

/// How a simulated validator runs.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// The chain every signature is bound to: its id and genesis hash.
    pub chain: ChainIdentity,
    /// Timeouts, the block time target and the status interval; `home_dir` holds the blocks
    /// the node proposed (`proposals/`), which survive a crash as on a real node.
    pub consensus: ConsensusConfig,
    /// Every validator's node key, this node's included; the others are asked for blocks when
    /// this node falls behind.
    pub validators: Vec<PublicKey>,
    /// A rule to break, or `None` for a correct node.
    pub bug: Option<InjectedBug>,
}

/// What a simulated validator keeps across a crash besides its store and `home_dir`: its
/// consensus WAL, as the engine encodes it.
#[derive(Clone, Debug, Default)]
pub struct SimDisk {
    wal: WalLog,
}

impl SimDisk {
    /// The WAL's height and how many entries it holds, for traces.
    pub fn wal_len(&self) -> (u64, usize) {
        (self.wal.height, self.wal.entries.len())
    }
}

/// The write-ahead log of one height: the engine's entry encoding, one entry per element.
#[derive(Clone, Debug, Default)]
struct WalLog {
    height: u64,
    entries: Vec<Vec<u8>>,
}

/// A message a simulated validator sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimOutput {
    /// To every other validator.
    Broadcast(SimMessage),
    /// To one validator.
    Send(PublicKey, SimMessage),
}

/// Work the node set itself for later: the host's answer reaching consensus, or the next
/// height's start after the block time target.
#[derive(Clone, Debug)]
enum Deferred {
    Input(Input<OnebookContext>),
    StartHeight { height: ConsensusHeight, params: HeightParams<OnebookContext>, restart: bool },
}

/// One validator of a simulation. See the module documentation.
pub struct SimValidator<A: Application> {
    consensus: Option<ConsensusState<OnebookContext>>,
    params: Params<OnebookContext>,
    metrics: Metrics,
    node: NodeIo<A>,
}

/// Everything the core's effects reach: kept apart from the core's state, which
/// [`process!`] holds while effects are handled.
struct NodeIo<A: Application> {
    ctx: OnebookContext,
    node_key: PublicKey,
    signer: OnebookSigner,
    verifier: OnebookVerifier,
    timeouts: LinearTimeouts,
    block_time_ms: u64,
    host: Host<A>,
    host_network: mpsc::Receiver<NetworkMsg<OnebookContext>>,
    wal: WalLog,
    recovering: bool,
    /// Scheduled timeouts and their due times, in the order they were scheduled.
    timers: Vec<(Timeout, u64)>,
    /// Deferred work and its due time, in the order it was deferred.
    deferred: Vec<(u64, Deferred)>,
    outputs: Vec<SimOutput>,
    /// Why the node stopped, as a real node stops on an error of its host or its core.
    fatal: Option<String>,
    now_ms: u64,
    height_started_ms: u64,
    catch_up: CatchUp,
}

impl<A: Application> std::fmt::Debug for SimValidator<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimValidator")
            .field("node_key", &self.node.node_key)
            .field("height", &self.height())
            .field("fatal", &self.node.fatal)
            .finish_non_exhaustive()
    }
}

impl<A: Application> SimValidator<A> {
    /// Starts the validator `secret` at virtual time `now_ms` over `app` and what `disk` kept,
    /// as `crate::run` starts one: consensus begins at the application's committed height plus
    /// one, replaying the WAL if it holds that height.
    pub fn start(
        config: SimConfig,
        secret: SecretKey,
        app: A,
        disk: SimDisk,
        now_ms: u64,
    ) -> Result<Self, ConsensusError> {
        config.consensus.validate()?;
        let secret = Arc::new(secret);
        let node_key = secret.public_key();
        let ctx = OnebookContext::new(config.chain.clone());
        let timeouts = crate::node::timeouts(&config.consensus);
        let proposals = ProposalStore::open(&config.consensus.home_dir.join("proposals"))?;
        let (network, host_network) = mpsc::channel(HOST_NETWORK_CAPACITY);
        // Both pacing intervals are kept here on virtual time: the host's own pacing reads the
        // wall clock.
        let pacing =
            Pacing { block_time_target: Duration::ZERO, idle_block_interval: Duration::ZERO };
        let host =
            Host::new(app, ctx.clone(), Arc::clone(&secret), timeouts, pacing, proposals, network);
        let peers = config.validators.iter().filter(|key| **key != node_key).copied().collect();
        let node = NodeIo {
            signer: OnebookSigner::new(config.chain.clone(), Arc::clone(&secret)),
            verifier: OnebookVerifier::new(config.chain),
            ctx,
            node_key,
            timeouts,
            block_time_ms: millis(config.consensus.block_time_target),
            host,
            host_network,
            wal: disk.wal,
            recovering: false,
            timers: Vec::new(),
            deferred: Vec::new(),
            outputs: Vec::new(),
            fatal: None,
            now_ms,
            height_started_ms: now_ms,
            catch_up: CatchUp::new(peers, millis(config.consensus.sync_status_interval), now_ms),
        };
        let params = Params {
            address: ValidatorAddress(node_key),
            threshold_params: match config.bug {
                Some(InjectedBug::LowQuorum) => ThresholdParams {
                    quorum: ThresholdParam::F_PLUS_ONE,
                    honest: ThresholdParam::F_PLUS_ONE,
                },
                _ => ThresholdParams::default(),
            },
            value_payload: ValuePayload::ProposalAndParts,
            enabled: true,
        };
        let mut validator = Self { consensus: None, params, metrics: Metrics::new(), node };
        let ready = validator.node.call(|reply| AppMsg::ConsensusReady { reply });
        if let Some((height, params)) = ready {
            validator.start_height(height, params, false);
        }
        match validator.node.fatal.take() {
            Some(reason) => Err(ConsensusError::EngineStart { reason }),
            None => Ok(validator),
        }
    }

    /// Handles `message` from the validator `from`, arriving at virtual time `now_ms`.
    pub fn receive(&mut self, from: &PublicKey, message: &SimMessage, now_ms: u64) {
        if self.node.fatal.is_some() {
            return;
        }
        self.node.now_ms = now_ms;
        let Some(wire) = message.decode() else { return };
        match wire {
            Wire::Consensus(bytes) => {
                if let Some(input) = effects::consensus_input(self.node.ctx.chain().suite, &bytes) {
                    self.process(input);
                }
            }
            Wire::Liveness(bytes) => {
                if let Some(input) = effects::liveness_input(self.node.ctx.chain().suite, &bytes) {
                    self.process(input);
                }
            }
            Wire::ProposalPart(bytes) => {
                if let Some(value) = self.node.received_part(from, &bytes) {
                    self.node.defer_now(Deferred::Input(Input::ProposedValue(
                        value,
                        ValueOrigin::Consensus,
                    )));
                }
            }
            Wire::Status { tip } => {
                self.node.catch_up.status(from, tip);
                self.request_blocks();
            }
            Wire::SyncRequest { id, first, last } => self.node.serve_blocks(from, id, first, last),
            Wire::SyncResponse { id, response } => {
                let suite = self.node.ctx.chain().suite;
                let answered = self.node.catch_up.response(suite, from, id, &response);
                self.feed_synced();
                if answered {
                    self.request_blocks();
                }
            }
        }
    }

    /// Fires what is due at virtual time `now_ms`: timeouts, deferred work and catch-up.
    pub fn wake(&mut self, now_ms: u64) {
        if self.node.fatal.is_some() {
            return;
        }
        self.node.now_ms = now_ms;
        while let Some(timeout) = self.node.take_due_timer() {
            self.process(Input::TimeoutElapsed(timeout));
        }
        while let Some(deferred) = self.node.take_due_deferred() {
            match deferred {
                Deferred::Input(input) => self.process(input),
                Deferred::StartHeight { height, params, restart } => {
                    self.start_height(height, params, restart);
                }
            }
            if self.node.fatal.is_some() {
                return;
            }
        }
        if self.node.catch_up.status_due(now_ms) {
            let tip = self.node.catch_up.tip();
            self.node.outputs.push(SimOutput::Broadcast(SimMessage::encode(&Wire::Status { tip })));
            self.request_blocks();
        }
    }

    /// The messages the node sent since the last call.
    pub fn take_outputs(&mut self) -> Vec<SimOutput> {
        std::mem::take(&mut self.node.outputs)
    }

    /// When [`SimValidator::wake`] has something to do next, in virtual milliseconds.
    pub fn next_wake_ms(&self) -> Option<u64> {
        if self.node.fatal.is_some() {
            return None;
        }
        let timers = self.node.timers.iter().map(|(_, due)| *due);
        let deferred = self.node.deferred.iter().map(|(due, _)| *due);
        timers.chain(deferred).chain(Some(self.node.catch_up.next_status_ms())).min()
    }

    /// Why the node stopped, if it did: an error of its host, its application or its core,
    /// on which a real node stops too.
    pub fn halted(&self) -> Option<&str> {
        self.node.fatal.as_deref()
    }

    /// The height consensus is deciding and its round, once started.
    pub fn height(&self) -> Option<(u64, i64)> {
        self.consensus.as_ref().map(|state| (state.height().0.0, state.round().as_i64()))
    }

    /// Stops the node as `kill -9` would: everything in memory is lost, and what it had
    /// written survives: the returned WAL, its `home_dir` and the application's store.
    pub fn crash(self) -> SimDisk {
        SimDisk { wal: self.node.wal }
    }

    /// Feeds `input` to the core and handles every effect, as the engine's consensus actor does.
    fn process(&mut self, input: Input<OnebookContext>) {
        let Some(state) = self.consensus.as_mut() else { return };
        let node = &mut self.node;
        let result: Result<(), ConsensusCoreError<OnebookContext>> = process!(
            input: input,
            state: state,
            metrics: &self.metrics,
            with: effect => node.handle(effect)
        );
        if let Err(error) = result {
            self.node.fail(format!("consensus failed: {error}"));
        }
    }

    /// Starts (or, with `restart`, restarts) `height`, replaying the WAL as the engine does.
    fn start_height(
        &mut self,
        height: ConsensusHeight,
        params: HeightParams<OnebookContext>,
        restart: bool,
    ) {
        if self.consensus.is_none() {
            self.consensus = Some(ConsensusState::new(
                self.node.ctx.clone(),
                height,
                params.validator_set.clone(),
                self.params.clone(),
                QUEUE_CAPACITY,
                QUEUE_PER_HEIGHT_CAPACITY,
            ));
        }
        let entries = self.node.wal_started_height(height.0.0, restart);
        self.node.height_started_ms = self.node.now_ms;
        // The core's own target time runs on the wall clock; this node keeps the block time
        // target itself (see `Deferred::StartHeight`).
        self.process(Input::StartHeight(
            height,
            params.validator_set,
            restart,
            None,
            params.vote_extension_policy,
        ));
        if !entries.is_empty() {
            self.replay(entries);
        }
        self.node.catch_up.started_height(height.0.0);
        self.feed_synced();
        self.request_blocks();
    }

    /// Replays the WAL of the current height: every entry was admitted before the crash, so
    /// an entry that does not decode or apply stops the node, as it stops the engine.
    fn replay(&mut self, entries: Vec<Vec<u8>>) {
        let mut inputs = Vec::with_capacity(entries.len());
        for bytes in &entries {
            let codec = OnebookCodec::new(self.node.ctx.chain().suite);
            match decode_entry(&codec, std::io::Cursor::new(bytes)) {
                Ok(input) => inputs.push(input),
                Err(error) => {
                    self.node.fail(format!("corrupted WAL entry: {error}"));
                    return;
                }
            }
        }
        let Some(state) = self.consensus.as_mut() else { return };
        state.record_recovered_own_precommit_extensions(inputs.iter());
        state.index_wal_entries(inputs.iter());
        self.node.recovering = true;
        for input in inputs {
            self.process(input);
            if self.node.fatal.is_some() {
                return;
            }
        }
        self.node.recovering = false;
        if let Some(state) = self.consensus.as_mut() {
            state.reset_entries_index();
        }
    }

    /// Hands the core the synced block of its current height, if one arrived.
    fn feed_synced(&mut self) {
        let Some(height) = self.consensus.as_ref().map(|state| state.height().0.0) else {
            return;
        };
        if let Some(response) = self.node.catch_up.take_value(height) {
            self.process(Input::SyncValueResponse(response));
        }
    }

    /// Asks a peer for blocks if one has committed the height this node is deciding.
    fn request_blocks(&mut self) {
        let Some(height) = self.consensus.as_ref().map(|state| state.height().0.0) else {
            return;
        };
        let now_ms = self.node.now_ms;
        if let Some((peer, id, first, last)) = self.node.catch_up.next_request(height, now_ms) {
            let message = SimMessage::encode(&Wire::SyncRequest { id, first, last });
            self.node.outputs.push(SimOutput::Send(peer, message));
        }
    }
}

impl<A: Application> NodeIo<A> {
    /// Asks the host, as the engine's host actor would, and waits for its reply.
    fn call<T>(
        &mut self,
        make: impl FnOnce(oneshot::Sender<T>) -> AppMsg<OnebookContext>,
    ) -> Option<T> {
        let (reply, mut answer) = oneshot::channel();
        self.tell(make(reply));
        answer.try_recv().ok()
    }

    /// Hands the host a message and sends what it published.
    fn tell(&mut self, message: AppMsg<OnebookContext>) {
        if self.fatal.is_some() {
            return;
        }
        match ready(self.host.handle(message)) {
            Some(Ok(())) => {}
            Some(Err(error)) => self.fail(format!("host failed: {error}")),
            None => self.fail("the host waited, which a simulated node cannot do".to_owned()),
        }
        while let Ok(message) = self.host_network.try_recv() {
            let NetworkMsg::PublishProposalPart(part) = message;
            if let Some(bytes) = effects::encode_part(&part) {
                self.broadcast(Wire::ProposalPart(bytes));
            }
        }
    }

    fn broadcast(&mut self, wire: Wire) {
        self.outputs.push(SimOutput::Broadcast(SimMessage::encode(&wire)));
    }

    fn fail(&mut self, reason: String) {
        tracing::warn!(node_key = %self.node_key, %reason, "simulated node stopped");
        self.fatal.get_or_insert(reason);
    }

    fn defer_now(&mut self, deferred: Deferred) {
        self.deferred.push((self.now_ms, deferred));
    }

    fn take_due_timer(&mut self) -> Option<Timeout> {
        take_due(&mut self.timers, self.now_ms, |(_, due)| *due).map(|(timeout, _)| timeout)
    }

    fn take_due_deferred(&mut self) -> Option<Deferred> {
        take_due(&mut self.deferred, self.now_ms, |(due, _)| *due).map(|(_, deferred)| deferred)
    }

    /// The WAL entries to replay when `height` starts: those of `height` if the log is at it
    /// (a restart after a crash), none otherwise, the log then being reset to `height`.
    fn wal_started_height(&mut self, height: u64, restart: bool) -> Vec<Vec<u8>> {
        if !restart && self.wal.height == height {
            return self.wal.entries.clone();
        }
        self.wal = WalLog { height, entries: Vec::new() };
        Vec::new()
    }
}

/// Removes and returns the earliest of `items` due at `now` (by `due`), the first scheduled
/// among those due at the same time.
fn take_due<T>(items: &mut Vec<T>, now: u64, due: impl Fn(&T) -> u64) -> Option<T> {
    let index = items
        .iter()
        .enumerate()
        .filter(|(_, item)| due(item) <= now)
        .min_by_key(|(index, item)| (due(item), *index))
        .map(|(index, _)| index)?;
    Some(items.remove(index))
}

/// Polls `future` once: everything a simulated node awaits is ready at once (signing, a
/// bounded channel that is drained after every call), so `None` means the code under test
/// waited on something the simulation does not model.
fn ready<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// A validator's peer id, as the engine names the peer a message came from.
fn peer_id(key: &PublicKey) -> Option<PeerId> {
    let public = libp2p_identity::ed25519::PublicKey::try_from_bytes(&key.0).ok()?;
    let peer = libp2p_identity::PublicKey::from(public).to_peer_id();
    PeerId::from_bytes(&peer.to_bytes()).ok()
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
