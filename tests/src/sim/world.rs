//! One simulation run: the validators, the network between them, the clients, and the event
//! queue that orders everything in virtual time.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::PathBuf,
    sync::{Arc, Mutex},
};

use onebook_chain::{Chain, ChainConfig, TxGate};
use onebook_consensus::{
    ChainIdentity, ConsensusConfig,
    sim::{SimConfig, SimDisk, SimMessage, SimMessageKind, SimOutput, SimValidator},
};
use onebook_genesis::{GenesisFile, dev_secret};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    action::Action,
    codec,
    consortium::{Role, Validator},
    hash::Hash32,
    ids::{Height, Nonce, OrgId},
    keys::{PublicKey, SecretKey},
    tx::TxBody,
};

use super::{
    SimOptions, SimReport, SimStats,
    app::{SimApp, node_clock, set_node_clock},
    oracle::Oracle,
    scenario::{Draw, Scenario},
};

/// The dev network's orgs, in the order validators are given to them.
const ORGS: [&str; 8] =
    ["fj-sjj", "xm-dsj", "xm-gaj", "xm-scjg", "fj-gov", "xm-gov", "xm-djzx", "xm-jypt"];
/// Virtual time 0 is this long after the genesis time, so that no skewed clock reads a time
/// before genesis.
const CLOCK_ORIGIN_AFTER_GENESIS_MS: u64 = 20_000;
/// How long a client waits for its tx to be committed before it submits it again.
const RESUBMIT_AFTER_MS: u64 = 3_000;
/// Most events one virtual millisecond may hold: more means a validator is looping without
/// letting time pass, which the run reports rather than hang on.
const EVENTS_PER_MS_MAX: u64 = 100_000;
/// A simulated store's block cache.
const STORE_BLOCK_CACHE_BYTES: usize = 1 << 20;
/// The bound on each simulated store's memtables.
const STORE_MEMTABLE_BYTES: usize = 4 << 20;
/// A simulated store's node cache, in state-tree nodes.
const STORE_NODE_CACHE_NODES: usize = 1 << 12;
/// A tx valid for as long as any run lasts.
const TX_VALID_UNTIL: Height = Height(1_000_000);

/// What a validator publishes to all: a consensus message or a tx it admitted.
#[derive(Clone, Debug)]
enum Payload {
    Consensus(SimMessage),
    /// A tx gossiped after its admission, as `node/network` gossips it.
    Tx(Arc<Vec<u8>>),
}

/// What travels between simulated validators.
#[derive(Clone, Debug)]
enum Packet {
    /// Published to every validator. Each relays it to the others on first receipt and hands
    /// it to its node once: gossipsub in a network this small is a full mesh that floods, and
    /// its seen-cache drops the copies (a republished vote is a new publication).
    Gossip { origin: usize, id: u64, payload: Payload },
    /// Sent to one validator (sync requests and responses).
    Direct(SimMessage),
}

#[derive(Debug)]
enum Event {
    /// `duplicate`: a copy the network made, which reaches the node even if it saw the packet.
    Deliver {
        from: usize,
        to: usize,
        packet: Packet,
        duplicate: bool,
    },
    Wake {
        node: usize,
    },
    Crash {
        node: usize,
    },
    Restart {
        node: usize,
    },
    Partition {
        side: Option<Vec<bool>>,
    },
    Heal,
    ClientTick {
        client: usize,
    },
    End,
}

/// A running validator.
struct Running {
    validator: SimValidator<SimApp>,
    store: Arc<Store>,
    gate: TxGate,
}

/// One validator process. A twin shares its validator's key (see [`Scenario::twin`]).
struct Node {
    /// The validator whose key it runs (an index into `World::keys`).
    identity: usize,
    seed: [u8; 32],
    home: PathBuf,
    skew_ms: i64,
    running: Option<Running>,
    disk: Option<SimDisk>,
    /// The height of the last block the checks have seen this node commit.
    committed: u64,
    scheduled_wake: Option<u64>,
    /// The gossip this node has seen (origin, id), lost when it crashes.
    seen: BTreeSet<(usize, u64)>,
}

/// A member key submitting one tx at a time, as a clerk's client does: it signs the tx with its
/// next nonce, submits it to some validator, and submits the same bytes again until it sees the
/// tx committed.
struct Client {
    secret: SecretKey,
    nonce: u64,
    outstanding: Option<Outstanding>,
}

struct Outstanding {
    bytes: Vec<u8>,
    hash: Hash32,
    last_submit_ms: u64,
}

pub(crate) struct World {
    seed: u64,
    options: SimOptions,
    scenario: Scenario,
    draw: Draw,
    now_ms: u64,
    sequence: u64,
    gossip_id: u64,
    queue: BTreeMap<(u64, u64), Event>,
    nodes: Vec<Node>,
    keys: Vec<PublicKey>,
    clients: Vec<Client>,
    oracle: Oracle,
    trace: blake3::Hasher,
    stats: SimStats,
    partition: Option<Vec<bool>>,
    healed: bool,
    liveness_target: u64,
    genesis: GenesisFile,
    chain_origin_ms: u64,
    finished: bool,
    _dir: tempfile::TempDir,
}

impl World {
    pub(crate) fn new(seed: u64, options: &SimOptions) -> Self {
        let mut draw = Draw::new(seed);
        let scenario = Scenario::draw(&mut draw, options);
        let genesis = genesis(scenario.validators);
        let dir = sim_dir();
        let identities = (0..scenario.validators).chain(scenario.twin);
        let nodes: Vec<Node> = identities
            .enumerate()
            .map(|(index, identity)| Node {
                identity,
                seed: dev_secret(&format!("{}/node", ORGS[identity])).seed(),
                home: dir.path().join(format!("node-{index}")),
                skew_ms: scenario.skews_ms[index],
                running: None,
                disk: Some(SimDisk::default()),
                committed: 0,
                scheduled_wake: None,
                seen: BTreeSet::new(),
            })
            .collect();
        let keys = nodes[..scenario.validators]
            .iter()
            .map(|n| SecretKey::from_seed(n.seed).public_key())
            .collect();
        let clients = ORGS[..options.clients.min(ORGS.len())]
            .iter()
            .map(|org| Client {
                secret: onebook_genesis::dev_secret_in(genesis.suite, &format!("{org}/admin")),
                nonce: 1,
                outstanding: None,
            })
            .collect();
        let oracle = Oracle::new(
            genesis.chain_id.clone(),
            genesis.suite,
            genesis.hash(),
            genesis.validator_set(),
            genesis.initial_state(),
        );
        let mut trace = blake3::Hasher::new();
        trace.update(&seed.to_le_bytes());
        Self {
            seed,
            options: options.clone(),
            chain_origin_ms: genesis.genesis_time.0 + CLOCK_ORIGIN_AFTER_GENESIS_MS,
            scenario,
            draw,
            now_ms: 0,
            sequence: 0,
            gossip_id: 0,
            queue: BTreeMap::new(),
            nodes,
            keys,
            clients,
            oracle,
            trace,
            stats: SimStats::default(),
            partition: None,
            healed: false,
            liveness_target: 0,
            genesis,
            finished: false,
            _dir: dir,
        }
    }

    /// Runs the seed to its end and reports what the checks found.
    pub(crate) fn run(mut self) -> SimReport {
        self.schedule_faults();
        for node in 0..self.nodes.len() {
            self.start(node);
        }
        for client in 0..self.clients.len() {
            let first = self.draw.between(0, 1_000);
            self.schedule(first, Event::ClientTick { client });
        }
        let mut events_this_ms = 0u64;
        while let Some(((time, _), event)) = self.queue.pop_first() {
            events_this_ms = if time == self.now_ms { events_this_ms + 1 } else { 0 };
            if events_this_ms > EVENTS_PER_MS_MAX {
                if std::env::var_os("ONEBOOK_SIM_DEBUG").is_some() {
                    eprintln!("stalled at {time}: {event:?}");
                    if events_this_ms > EVENTS_PER_MS_MAX + 50 {
                        self.oracle.stalled(time);
                        break;
                    }
                } else {
                    self.oracle.stalled(time);
                    break;
                }
            }
            self.now_ms = time;
            self.handle(event);
            if self.finished || !self.oracle.violations.is_empty() {
                break;
            }
            if self.healed && self.settled() {
                break;
            }
        }
        self.finish()
    }

    fn schedule_faults(&mut self) {
        let partitions = self.scenario.partitions.clone();
        for partition in partitions {
            self.schedule(partition.start_ms, Event::Partition { side: Some(partition.side) });
            self.schedule(partition.end_ms, Event::Partition { side: None });
        }
        let crashes = self.scenario.crashes.clone();
        for crash in crashes {
            self.schedule(crash.at_ms, Event::Crash { node: crash.node });
            self.schedule(crash.restart_ms, Event::Restart { node: crash.node });
        }
        self.schedule(self.scenario.heal_ms, Event::Heal);
    }

    fn schedule(&mut self, at_ms: u64, event: Event) {
        self.sequence += 1;
        self.queue.insert((at_ms, self.sequence), event);
    }

    fn handle(&mut self, event: Event) {
        self.trace.update(&self.now_ms.to_le_bytes());
        match event {
            Event::Deliver { from, to, packet, duplicate } => {
                self.deliver(from, to, packet, duplicate)
            }
            Event::Wake { node } => {
                if self.nodes[node].scheduled_wake != Some(self.now_ms) {
                    return;
                }
                self.nodes[node].scheduled_wake = None;
                self.trace.update(&[1, node as u8]);
                self.set_clock(node);
                let now = self.now_ms;
                if let Some(running) = self.nodes[node].running.as_mut() {
                    running.validator.wake(now);
                }
                self.after_call(node);
            }
            Event::Crash { node } => {
                self.trace.update(&[2, node as u8]);
                self.crash(node);
            }
            Event::Restart { node } => {
                self.trace.update(&[3, node as u8]);
                if self.nodes[node].running.is_none() {
                    self.start(node);
                }
            }
            Event::Partition { side } => {
                self.trace.update(&[4]);
                if side.is_some() {
                    self.stats.partitions += 1;
                }
                if !self.healed {
                    self.partition = side;
                }
            }
            Event::Heal => self.heal(),
            Event::ClientTick { client } => self.client_tick(client),
            Event::End => self.finished = true,
        }
    }

    /// The network heals: no more partitions, losses or crashes, every validator runs, and the
    /// liveness clock starts.
    fn heal(&mut self) {
        self.trace.update(&[5]);
        self.healed = true;
        self.partition = None;
        for node in 0..self.nodes.len() {
            if self.nodes[node].running.is_none() {
                self.start(node);
            }
        }
        self.liveness_target = self.oracle.height() + self.options.liveness_heights;
        self.stats.heal_height = self.oracle.height();
        self.schedule(self.now_ms + self.options.liveness_bound_ms, Event::End);
    }

    /// Whether every honest validator reached the liveness target and every acknowledged tx
    /// is in.
    fn settled(&self) -> bool {
        (0..self.nodes.len())
            .filter(|node| !self.is_twin(*node))
            .all(|node| self.nodes[node].committed >= self.liveness_target)
            && self.oracle.all_acknowledged_committed()
    }

    /// Whether the process runs a key that another process runs too.
    fn is_twin(&self, node: usize) -> bool {
        self.scenario.twin == Some(self.nodes[node].identity)
    }

    fn deliver(&mut self, from: usize, to: usize, packet: Packet, duplicate: bool) {
        if self.nodes[to].running.is_none() {
            self.stats.lost_to_crashed += 1;
            return;
        }
        self.trace.update(&[6, from as u8, to as u8, u8::from(duplicate)]);
        match packet {
            Packet::Gossip { origin, id, payload } => {
                if !duplicate {
                    if !self.nodes[to].seen.insert((origin, id)) {
                        return;
                    }
                    for next in 0..self.nodes.len() {
                        if next != to && next != origin && next != from {
                            let packet = Packet::Gossip { origin, id, payload: payload.clone() };
                            self.send(to, next, packet);
                        }
                    }
                }
                match payload {
                    Payload::Consensus(message) => self.receive(origin, to, &message),
                    Payload::Tx(bytes) => {
                        self.trace.update(&bytes);
                        self.set_clock(to);
                        if let Some(running) = self.nodes[to].running.as_ref() {
                            // A peer's tx is admitted through the same checks; a refusal
                            // (already waiting, already committed) is not an error here.
                            let _ = running.gate.admit(&bytes);
                        }
                    }
                }
            }
            Packet::Direct(message) => self.receive(from, to, &message),
        }
    }

    /// Hands `message`, sent by `from`, to the validator `to`.
    fn receive(&mut self, from: usize, to: usize, message: &SimMessage) {
        self.trace.update(message.as_bytes());
        if message.kind() == SimMessageKind::SyncResponse {
            self.stats.sync_responses += 1;
        }
        self.set_clock(to);
        let (key, now) = (self.keys[self.nodes[from].identity], self.now_ms);
        if let Some(running) = self.nodes[to].running.as_mut() {
            running.validator.receive(&key, message, now);
        }
        self.after_call(to);
    }

    /// Publishes `payload` from `origin` to every other validator.
    fn publish(&mut self, origin: usize, payload: Payload) {
        self.gossip_id += 1;
        let id = self.gossip_id;
        self.nodes[origin].seen.insert((origin, id));
        for to in 0..self.nodes.len() {
            if to != origin {
                self.send(origin, to, Packet::Gossip { origin, id, payload: payload.clone() });
            }
        }
    }

    /// Sends what a validator output, checks what it committed and schedules its next wake.
    fn after_call(&mut self, node: usize) {
        let Some(running) = self.nodes[node].running.as_mut() else { return };
        if let Some(reason) = running.validator.halted() {
            let reason = reason.to_owned();
            if !self.is_twin(node) {
                self.oracle.halted(node, &reason);
            }
            return;
        }
        let outputs = running.validator.take_outputs();
        let next_wake = running.validator.next_wake_ms();
        let store = Arc::clone(&running.store);
        for output in outputs {
            match output {
                SimOutput::Broadcast(message) => self.publish(node, Payload::Consensus(message)),
                SimOutput::Send(key, message) => {
                    for to in 0..self.nodes.len() {
                        if to != node && self.keys[self.nodes[to].identity] == key {
                            self.send(node, to, Packet::Direct(message.clone()));
                        }
                    }
                }
            }
        }
        self.check_commits(node, &store);
        if let Some(next) = next_wake {
            let next = next.max(self.now_ms);
            if self.nodes[node].scheduled_wake.is_none_or(|scheduled| next < scheduled) {
                self.nodes[node].scheduled_wake = Some(next);
                self.schedule(next, Event::Wake { node });
            }
        }
    }

    /// Hands every block `node` committed since the last look to the checks.
    fn check_commits(&mut self, node: usize, store: &Store) {
        let tip = match store.tip() {
            Ok(tip) => tip.height.0,
            Err(error) => {
                self.oracle.halted(node, &format!("store failed: {error}"));
                return;
            }
        };
        while self.nodes[node].committed < tip {
            let height = Height(self.nodes[node].committed + 1);
            let read = (store.block(height), store.certificate(height), store.state_root(height));
            let (Ok(Some(block)), Ok(Some(certificate)), Ok(state_root)) = read else {
                self.oracle.halted(node, &format!("block {} unreadable from its store", height.0));
                return;
            };
            self.trace.update(&[8, node as u8]);
            self.trace.update(block.header.hash_in(self.genesis.suite).as_bytes());
            // A twin is Byzantine: what it commits is not held to the checks.
            if !self.is_twin(node) {
                self.oracle.commit(node, &block, &certificate, state_root);
            }
            self.stats.txs_in_blocks += block.txs.len() as u64;
            self.nodes[node].committed = height.0;
        }
    }

    fn send(&mut self, from: usize, to: usize, packet: Packet) {
        self.stats.messages += 1;
        if !self.healed {
            if self.partition.as_ref().is_some_and(|side| side[from] != side[to]) {
                self.stats.dropped += 1;
                return;
            }
            if self.draw.chance(self.scenario.drop_per_mille) {
                self.stats.dropped += 1;
                return;
            }
        }
        let delay_max_ms = if self.healed {
            self.scenario.healed_delay_max_ms
        } else {
            self.scenario.delay_max_ms
        };
        if self.draw.chance(self.scenario.duplicate_per_mille) {
            self.stats.duplicated += 1;
            let delay = self.draw.between(1, delay_max_ms);
            let copy = Event::Deliver { from, to, packet: packet.clone(), duplicate: true };
            self.schedule(self.now_ms + delay, copy);
        }
        let delay = self.draw.between(1, delay_max_ms);
        self.schedule(self.now_ms + delay, Event::Deliver { from, to, packet, duplicate: false });
    }

    /// Sets the clock the node's chain reads: virtual time on the chain's time line, plus the
    /// node's skew.
    fn set_clock(&self, node: usize) {
        let clock =
            (self.chain_origin_ms + self.now_ms).saturating_add_signed(self.nodes[node].skew_ms);
        set_node_clock(clock);
    }

    /// Starts (or restarts) a validator from what its directory and WAL hold.
    fn start(&mut self, node: usize) {
        self.set_clock(node);
        let home = self.nodes[node].home.clone();
        let store = match open_store(&home, &self.genesis) {
            Ok(store) => Arc::new(store),
            Err(error) => {
                self.oracle.halted(node, &format!("store does not open: {error}"));
                return;
            }
        };
        let holds = store.tip().map_or(0, |tip| tip.height.0);
        let had = self.nodes[node].committed;
        if holds < had {
            self.oracle.rewound(node, had, holds);
        }
        let chain_id = self.genesis.chain_id.clone();
        let mempool = Mempool::new(MempoolConfig::default(), chain_id.clone());
        let chain = Chain::new(
            Arc::clone(&store),
            Arc::new(Mutex::new(mempool)),
            chain_id.clone(),
            self.genesis.genesis_time,
            ChainConfig::default(),
            node_clock,
        );
        let gate = chain.gate();
        let config = SimConfig {
            chain: ChainIdentity {
                chain_id,
                genesis_hash: self.genesis.hash(),
                suite: self.genesis.suite,
            },
            consensus: ConsensusConfig {
                moniker: format!("node-{node}"),
                home_dir: home.join("consensus"),
                ..ConsensusConfig::default()
            },
            validators: self.keys.clone(),
            bug: self.options.bug,
        };
        let disk = self.nodes[node].disk.take().unwrap_or_default();
        let secret = SecretKey::from_seed(self.nodes[node].seed);
        match SimValidator::start(config, secret, SimApp { chain }, disk, self.now_ms) {
            Ok(validator) => {
                self.nodes[node].running = Some(Running { validator, store, gate });
                self.nodes[node].scheduled_wake = None;
                self.after_call(node);
            }
            Err(error) => self.oracle.halted(node, &format!("does not start: {error}")),
        }
    }

    /// Kills a validator: what it held in memory is gone; its store, its proposals and its WAL
    /// stay.
    fn crash(&mut self, node: usize) {
        if let Some(running) = self.nodes[node].running.take() {
            self.stats.crashes += 1;
            let Running { validator, store, gate } = running;
            self.nodes[node].disk = Some(validator.crash());
            drop(gate);
            drop(store);
            self.nodes[node].scheduled_wake = None;
            self.nodes[node].seen.clear();
        }
    }

    fn client_tick(&mut self, client: usize) {
        self.trace.update(&[9, client as u8]);
        let committed = self.clients[client]
            .outstanding
            .as_ref()
            .is_some_and(|outstanding| self.oracle.is_committed(&outstanding.hash));
        if committed {
            self.clients[client].outstanding = None;
            self.clients[client].nonce += 1;
        }
        let now = self.now_ms;
        match &self.clients[client].outstanding {
            Some(outstanding) if now >= outstanding.last_submit_ms + RESUBMIT_AFTER_MS => {
                self.submit(client);
            }
            None if !self.healed => {
                let tx = self.new_tx(client);
                self.oracle.submitted(tx.hash);
                self.clients[client].outstanding = Some(tx);
                self.submit(client);
            }
            _ => {}
        }
        let next = self.now_ms + self.draw.between(200, 1_000);
        self.schedule(next, Event::ClientTick { client });
    }

    /// The client's next tx: it registers a fresh member key of its org.
    fn new_tx(&mut self, client: usize) -> Outstanding {
        let member = SecretKey::from_seed(self.draw.bytes32()).public_key();
        let secret = &self.clients[client].secret;
        let tx = TxBody {
            chain_id: self.genesis.chain_id.clone(),
            signer: secret.public_key(),
            nonce: Nonce(self.clients[client].nonce),
            valid_until: TX_VALID_UNTIL,
            action: Action::RegisterMember {
                key: member,
                name: format!("sim member {}", self.clients[client].nonce),
                roles: vec![Role::DataUser],
            },
        }
        .sign(secret);
        Outstanding {
            hash: tx.hash_in(self.genesis.suite),
            bytes: codec::encode(&tx),
            last_submit_ms: 0,
        }
    }

    /// Submits the client's outstanding tx to a running validator; on acknowledgement the
    /// validator gossips it to the others.
    fn submit(&mut self, client: usize) {
        let up: Vec<usize> =
            (0..self.nodes.len()).filter(|n| self.nodes[*n].running.is_some()).collect();
        if up.is_empty() {
            return;
        }
        let node = up[self.draw.below(up.len() as u64) as usize];
        let Some(outstanding) = self.clients[client].outstanding.as_mut() else { return };
        outstanding.last_submit_ms = self.now_ms;
        let bytes = outstanding.bytes.clone();
        self.set_clock(node);
        let admitted = self.nodes[node].running.as_ref().map(|running| running.gate.admit(&bytes));
        if let Some(Ok(hash)) = admitted {
            self.oracle.acknowledged(hash);
            self.publish(node, Payload::Tx(Arc::new(bytes)));
        }
    }

    fn finish(mut self) -> SimReport {
        if self.oracle.violations.is_empty() {
            let bound_ms = self.options.liveness_bound_ms;
            let honest: Vec<usize> = (0..self.nodes.len()).filter(|n| !self.is_twin(*n)).collect();
            for node in honest {
                let height = self.nodes[node].committed;
                if height < self.liveness_target {
                    self.oracle.liveness(node, height, self.liveness_target, bound_ms);
                }
            }
            self.oracle.check_acknowledged();
        }
        self.stats.heights = self.oracle.height();
        self.stats.txs_committed = self.oracle.committed_count() as u64;
        self.stats.txs_acknowledged = self.oracle.acknowledged_count() as u64;
        self.stats.virtual_ms = self.now_ms;
        let trace = Hash32(*self.trace.finalize().as_bytes());
        // Stop the validators before their directory goes.
        for node in &mut self.nodes {
            node.running = None;
        }
        SimReport {
            seed: self.seed,
            scenario: self.scenario,
            violations: std::mem::take(&mut self.oracle.violations),
            trace,
            stats: self.stats,
        }
    }
}

/// The dev network with `validators` validators of equal power, one per org.
fn genesis(validators: usize) -> GenesisFile {
    let mut genesis =
        GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
            .expect("the dev genesis is valid");
    genesis.validators = ORGS[..validators]
        .iter()
        .map(|org| Validator {
            node_key: dev_secret(&format!("{org}/node")).public_key(),
            org: OrgId::from(*org),
            power: 10,
        })
        .collect();
    genesis.validate().expect("the simulated genesis is valid");
    genesis
}

fn open_store(home: &std::path::Path, genesis: &GenesisFile) -> onebook_storage::Result<Store> {
    // The simulation kills processes, not machines: what a node wrote survives its crash
    // without an fsync. A run's chain is a few dozen small blocks: small caches, which a
    // store allocates on every open, keep the many opens of a suite cheap.
    let config = StoreConfig {
        sync_writes: false,
        block_cache_bytes: STORE_BLOCK_CACHE_BYTES,
        node_cache_nodes: STORE_NODE_CACHE_NODES,
        memtable_bytes: STORE_MEMTABLE_BYTES,
        ..StoreConfig::new(home.join("store")).in_suite(genesis.suite)
    };
    let store = Store::open(&config)?;
    store.init_genesis_state(genesis.hash(), genesis.initial_state())?;
    Ok(store)
}

/// A directory for one run's validators: in memory (`/dev/shm`) where the system has it, as
/// a simulated node syncs its proposal files, and a disk's fsyncs would dominate the run.
fn sim_dir() -> tempfile::TempDir {
    let builder = tempfile::Builder::new().prefix("onebook-sim-").tempdir_in("/dev/shm");
    builder.or_else(|_| tempfile::tempdir()).expect("a temporary directory")
}
