//! Onebook's tx gossip: every tx a node admits spreads to the other consortium nodes, which admit
//! it through their own mempool checks, so whichever validator proposes next can include it.
//!
//! # Who may connect
//! The gossip network is closed: a node connects to, and accepts connections from, only the
//! peers its configuration names, each by its node key. The libp2p identity of a node is its
//! ed25519 node key, the Noise handshake proves it, and an allow list refuses any connection,
//! inbound or outbound, from a peer id outside the list. A stranger that knows the addresses
//! gets nothing: no tx from it is admitted and none is sent to it.
//!
//! # What travels
//! Txs are sent in batches (see [`TxBatch`]) on the gossipsub topic
//! `onebook/<chain id>/txs/v2`. A node batches the txs it admitted in one turn of its network
//! task, in admission order, so one signer's txs arrive in nonce order. Messages carry no
//! gossipsub signature or author (ADR 0040): the Noise session names the peer that sent a
//! batch, and each tx carries its signer's signature. A message is identified by the BLAKE3 hash
//! of its bytes, so a batch is handled once however many peers forward it. A receiving node
//! admits each tx in order; it forwards a batch only if it admitted at least one of its txs or
//! holds one for a retry (a tx that came before the one it follows), and penalises a peer that
//! sends bytes that are not a batch.
//!
//! A peer that joins late (a restart, a new observer) has missed earlier batches, so when a
//! peer subscribes, the node gossips every tx still waiting in its pool again; peers that hold
//! them already ignore them. A batch that finds no peer at all is kept and sent when the first
//! peer subscribes.
//!
//! # Bounds
//! The publish queue holds [`PUBLISH_QUEUE_TXS`] txs; beyond that [`TxGossip::publish`] says
//! no, and the tx stays only in this node's pool, committed when this node proposes. A batch
//! holds at most [`BATCH_TXS_MAX`] txs and [`BATCH_BYTES_MAX`] bytes; larger messages are
//! refused by gossipsub before decoding.

use std::{
    collections::BTreeMap,
    future::Future,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use borsh::{BorshDeserialize, BorshSerialize};
use futures::StreamExt;
use libp2p::{
    Multiaddr, PeerId, Swarm, SwarmBuilder, allow_block_list, gossipsub, identity, noise,
    swarm::{
        NetworkBehaviour, SwarmEvent,
        dial_opts::{DialOpts, PeerCondition},
    },
    tcp, yamux,
};
use onebook_types::{codec, ids::ChainId, keys::PublicKey, keys::SecretKey, limits::TX_BYTES_MAX};
use serde::{Deserialize, Serialize};
use tokio::{sync::mpsc, task::JoinHandle};
use tracing::{debug, info, warn};

/// The most txs in one gossip batch.
pub const BATCH_TXS_MAX: usize = 2_048;
/// The most encoded tx bytes in one gossip batch.
pub const BATCH_BYTES_MAX: usize = 2 * 1024 * 1024;
/// The most txs waiting to be gossiped.
pub const PUBLISH_QUEUE_TXS: usize = 20_000;
/// The most received batches waiting for admission.
const ADMISSION_QUEUE_BATCHES: usize = 1_024;
/// The most early txs held for a retry.
pub const HELD_TXS_MAX: usize = 10_000;
/// How long an early tx is held.
const HELD_FOR: Duration = Duration::from_secs(10);
/// How often a node dials the configured peers it is not connected to.
const REDIAL_INTERVAL: Duration = Duration::from_secs(2);

/// `[network]`: where this node gossips txs and with whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// The TCP address the gossip network listens on.
    pub listen_addr: SocketAddr,
    /// The consortium's other nodes (validators and registered observers): the only peers
    /// this node dials or accepts.
    pub peers: Vec<NetworkPeer>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self { listen_addr: SocketAddr::from(([0, 0, 0, 0], 26657)), peers: Vec::new() }
    }
}

impl NetworkConfig {
    /// Checks that every peer's node key is a usable ed25519 key and no peer is listed twice.
    pub fn validate(&self) -> Result<(), NetworkError> {
        let mut seen = std::collections::BTreeSet::new();
        for peer in &self.peers {
            let id = peer_id(&peer.node_key).ok_or(NetworkError::PeerKey { addr: peer.addr })?;
            if !seen.insert(id) {
                return Err(NetworkError::DuplicatePeer { addr: peer.addr });
            }
        }
        Ok(())
    }
}

/// One consortium peer of the gossip network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkPeer {
    /// Its gossip TCP address.
    pub addr: SocketAddr,
    /// Its node key, which its libp2p identity is derived from.
    pub node_key: PublicKey,
}

/// The bytes of one gossip message: encoded signed txs, in the order the sender admitted them.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TxBatch {
    /// The sender's batch counter, which starts at its start time in milliseconds: it makes
    /// every batch's bytes, and so its message id, new, even when the same txs are sent again.
    pub sequence: u64,
    /// The txs, each as its borsh bytes.
    pub txs: Vec<Vec<u8>>,
}

/// What the node's mempool made of one gossiped tx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Admitted: new to this node.
    Admitted,
    /// Not admitted yet: it follows a tx this node has not seen (a nonce gap), which another
    /// batch may bring. It is held for a while and tried again.
    Early,
    /// Not admitted, but not the sender's fault: already known, already committed, or a full
    /// pool.
    Ignored,
    /// Not a tx anyone honest would send: undecodable, for another chain, or badly signed.
    Invalid,
}

/// The node's pool, as gossip sees it.
pub trait TxPool: Send + Sync + 'static {
    /// Admits one gossiped tx. Called for each tx of a batch, in order, off the network task.
    fn admit(&self, tx: &[u8]) -> Verdict;
    /// Admits the txs of one gossiped batch, in order; one verdict per tx. A pool that can
    /// check many signatures together overrides this; by default each tx is admitted alone.
    fn admit_all(&self, txs: &[Vec<u8>]) -> Vec<Verdict> {
        txs.iter().map(|tx| self.admit(tx)).collect()
    }
    /// Up to `max` waiting txs, encoded, in arrival order: what a late peer is sent.
    fn waiting(&self, max: usize) -> Vec<Vec<u8>>;
}

/// Why the gossip network could not start.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// The node key is not a usable libp2p identity.
    #[error("the node key cannot be a libp2p identity")]
    NodeKey,
    /// A peer's node key is not a valid ed25519 key.
    #[error("peer {addr} has an invalid node key")]
    PeerKey {
        /// The peer's address.
        addr: SocketAddr,
    },
    /// Two peers have the same node key.
    #[error("peer {addr} repeats the node key of another peer")]
    DuplicatePeer {
        /// The second peer's address.
        addr: SocketAddr,
    },
    /// The transport or behaviour could not be built.
    #[error("building the gossip network failed: {0}")]
    Build(String),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
}

/// A handle that queues admitted txs for gossip. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TxGossip {
    queue: mpsc::Sender<Vec<u8>>,
}

impl TxGossip {
    /// Queues the encoded tx `tx` for the consortium's other nodes. False if the queue is full
    /// or the network has stopped; the tx then stays only in this node's pool.
    pub fn publish(&self, tx: Vec<u8>) -> bool {
        self.queue.try_send(tx).is_ok()
    }
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    allowed: allow_block_list::Behaviour<allow_block_list::AllowedPeers>,
    gossipsub: gossipsub::Behaviour,
}

/// The libp2p peer id of the node key `key`.
pub fn peer_id(key: &PublicKey) -> Option<PeerId> {
    let public = identity::ed25519::PublicKey::try_from_bytes(&key.0).ok()?;
    Some(identity::PublicKey::from(public).to_peer_id())
}

/// The gossip topic of `chain_id`.
pub fn topic(chain_id: &ChainId) -> gossipsub::IdentTopic {
    gossipsub::IdentTopic::new(format!("onebook/{chain_id}/txs/v2"))
}

/// Starts the gossip network of the node with node key `secret` on `chain_id`: it listens,
/// dials its peers and keeps dialing those it loses, gossips what [`TxGossip::publish`] queues,
/// and hands each received tx to `pool`. Runs until `shutdown` resolves. Must be called
/// inside a tokio runtime.
pub fn spawn(
    config: &NetworkConfig,
    secret: &SecretKey,
    chain_id: &ChainId,
    pool: Arc<dyn TxPool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(TxGossip, JoinHandle<()>), NetworkError> {
    let keypair =
        identity::Keypair::ed25519_from_bytes(secret.seed()).map_err(|_| NetworkError::NodeKey)?;
    config.validate()?;
    let mut peers = BTreeMap::new();
    for peer in &config.peers {
        let id = peer_id(&peer.node_key).ok_or(NetworkError::PeerKey { addr: peer.addr })?;
        peers.insert(id, multiaddr(peer.addr).with_p2p(id).map_err(|_| NetworkError::NodeKey)?);
    }
    let topic = topic(chain_id);
    let mut swarm = build_swarm(keypair, &peers, &topic)?;
    swarm.listen_on(multiaddr(config.listen_addr)).map_err(|error| NetworkError::Listen {
        addr: config.listen_addr,
        reason: error.to_string(),
    })?;
    let (queue, published) = mpsc::channel(PUBLISH_QUEUE_TXS);
    let since_epoch =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let task = Task {
        swarm,
        peers,
        topic,
        published,
        queue: queue.clone(),
        pool,
        sequence: u64::try_from(since_epoch.as_millis()).unwrap_or(0),
        unsent: Vec::new(),
    };
    Ok((TxGossip { queue }, tokio::spawn(task.run(shutdown))))
}

fn build_swarm(
    keypair: identity::Keypair,
    peers: &BTreeMap<PeerId, Multiaddr>,
    topic: &gossipsub::IdentTopic,
) -> Result<Swarm<Behaviour>, NetworkError> {
    let build = |error: &dyn std::fmt::Display| NetworkError::Build(error.to_string());
    // Messages carry no gossipsub signature (ADR 0040): each connection is already a Noise
    // session with an allowed node key, which is the peer a bad batch is blamed on, and every
    // tx in a batch is signed by its own signer. Signing each message, and verifying it once per
    // copy received, cost more than admitting the txs it carried.
    let gossip_config = gossipsub::ConfigBuilder::default()
        .validation_mode(gossipsub::ValidationMode::Anonymous)
        .validate_messages()
        .message_id_fn(|message: &gossipsub::Message| {
            gossipsub::MessageId::from(blake3::hash(&message.data).as_bytes().to_vec())
        })
        .max_transmit_size(BATCH_BYTES_MAX + TX_BYTES_MAX)
        .heartbeat_interval(Duration::from_millis(500))
        .build()
        .map_err(|error| build(&error))?;
    let mut gossipsub =
        gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Anonymous, gossip_config)
            .map_err(|error| build(&error))?;
    gossipsub.subscribe(topic).map_err(|error| build(&error))?;
    let mut allowed = allow_block_list::Behaviour::<allow_block_list::AllowedPeers>::default();
    for id in peers.keys() {
        allowed.allow_peer(*id);
        // The consortium is small: every peer gets every batch directly, mesh or not.
        gossipsub.add_explicit_peer(id);
    }
    let swarm = SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .map_err(|error| build(&error))?
        .with_behaviour(|_| Behaviour { allowed, gossipsub })
        .map_err(|error| build(&error))?
        .with_swarm_config(|swarm| swarm.with_idle_connection_timeout(Duration::from_secs(60)))
        .build();
    Ok(swarm)
}

fn multiaddr(addr: SocketAddr) -> Multiaddr {
    let mut out = Multiaddr::from(addr.ip());
    out.push(libp2p::multiaddr::Protocol::Tcp(addr.port()));
    out
}

/// A received batch waiting for admission, with what gossipsub needs to hear back.
type Received = (gossipsub::MessageId, PeerId, Vec<u8>);
/// The admission result of a batch.
type Judged = (gossipsub::MessageId, PeerId, gossipsub::MessageAcceptance);

struct Task {
    swarm: Swarm<Behaviour>,
    peers: BTreeMap<PeerId, Multiaddr>,
    topic: gossipsub::IdentTopic,
    published: mpsc::Receiver<Vec<u8>>,
    /// The sending side of `published`, to queue the pool again for a late peer.
    queue: mpsc::Sender<Vec<u8>>,
    pool: Arc<dyn TxPool>,
    sequence: u64,
    /// Batches that found no peer, sent when one subscribes.
    unsent: Vec<TxBatch>,
}

impl Task {
    async fn run(mut self, shutdown: impl Future<Output = ()> + Send) {
        let (received_tx, received_rx) = mpsc::channel::<Received>(ADMISSION_QUEUE_BATCHES);
        let (judged_tx, mut judged_rx) = mpsc::channel::<Judged>(ADMISSION_QUEUE_BATCHES);
        let admission = tokio::spawn(admission(received_rx, judged_tx, Arc::clone(&self.pool)));
        let mut redial = tokio::time::interval(REDIAL_INTERVAL);
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                _ = redial.tick() => self.dial_missing(),
                first = self.published.recv() => match first {
                    Some(first) => self.publish_batch(first),
                    None => break,
                },
                Some((id, source, acceptance)) = judged_rx.recv() => {
                    self.swarm
                        .behaviour_mut()
                        .gossipsub
                        .report_message_validation_result(&id, &source, acceptance);
                }
                event = self.swarm.select_next_some() => self.on_event(event, &received_tx),
            }
        }
        admission.abort();
        debug!("tx gossip stopped");
    }

    fn dial_missing(&mut self) {
        for (id, addr) in &self.peers {
            if self.swarm.is_connected(id) {
                continue;
            }
            let opts = DialOpts::peer_id(*id)
                .addresses(vec![addr.clone()])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            if let Err(error) = self.swarm.dial(opts) {
                debug!(peer = %id, %error, "gossip dial not started");
            }
        }
    }

    /// Publishes `first` with every tx queued behind it, in order, in batches.
    fn publish_batch(&mut self, first: Vec<u8>) {
        let mut next = Some(first);
        while let Some(tx) = next.take() {
            let mut bytes = tx.len();
            self.sequence = self.sequence.wrapping_add(1);
            let mut batch = TxBatch { sequence: self.sequence, txs: vec![tx] };
            while batch.txs.len() < BATCH_TXS_MAX {
                let Ok(tx) = self.published.try_recv() else { break };
                if bytes + tx.len() > BATCH_BYTES_MAX {
                    next = Some(tx);
                    break;
                }
                bytes += tx.len();
                batch.txs.push(tx);
            }
            self.send(batch);
        }
    }

    fn send(&mut self, batch: TxBatch) {
        let count = batch.txs.len();
        let gossip = &mut self.swarm.behaviour_mut().gossipsub;
        match gossip.publish(self.topic.clone(), codec::encode(&batch)) {
            Ok(_) => debug!(txs = count, "gossiped a tx batch"),
            Err(gossipsub::PublishError::NoPeersSubscribedToTopic) => {
                let held: usize = self.unsent.iter().map(|batch| batch.txs.len()).sum();
                if held + count <= PUBLISH_QUEUE_TXS {
                    self.unsent.push(batch);
                } else {
                    debug!(txs = count, "no gossip peer yet; the txs wait in this node's pool");
                }
            }
            Err(error) => warn!(txs = count, %error, "tx batch not gossiped"),
        }
    }

    /// A peer joined the topic: send what found no peer, then queue the whole pool again.
    fn on_subscribed(&mut self, peer: PeerId) {
        debug!(%peer, "gossip peer subscribed");
        for batch in std::mem::take(&mut self.unsent) {
            self.send(batch);
        }
        let pool = Arc::clone(&self.pool);
        let queue = self.queue.clone();
        tokio::task::spawn_blocking(move || {
            for tx in pool.waiting(PUBLISH_QUEUE_TXS / 2) {
                if queue.try_send(tx).is_err() {
                    break;
                }
            }
        });
    }

    fn on_event(&mut self, event: SwarmEvent<BehaviourEvent>, received: &mpsc::Sender<Received>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            })) => {
                if let Err(error) =
                    received.try_send((message_id, propagation_source, message.data))
                {
                    let (message_id, source, _) = match error {
                        mpsc::error::TrySendError::Full(item)
                        | mpsc::error::TrySendError::Closed(item) => item,
                    };
                    warn!(peer = %source, "admission queue full; a gossiped batch is dropped");
                    self.swarm.behaviour_mut().gossipsub.report_message_validation_result(
                        &message_id,
                        &source,
                        gossipsub::MessageAcceptance::Ignore,
                    );
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(gossipsub::Event::Subscribed {
                peer_id,
                topic,
            })) if topic == self.topic.hash() => self.on_subscribed(peer_id),
            SwarmEvent::NewListenAddr { address, .. } => info!(%address, "tx gossip listening"),
            SwarmEvent::ConnectionEstablished { peer_id, .. } => {
                debug!(peer = %peer_id, "gossip peer connected");
            }
            SwarmEvent::IncomingConnectionError { send_back_addr, error, .. } => {
                info!(from = %send_back_addr, %error, "gossip connection refused");
            }
            _ => {}
        }
    }
}

/// Admits received batches one at a time, in arrival order, off the network task.
async fn admission(
    mut received: mpsc::Receiver<Received>,
    judged: mpsc::Sender<Judged>,
    pool: Arc<dyn TxPool>,
) {
    let judge = Arc::new(std::sync::Mutex::new(BatchJudge::default()));
    while let Some((id, source, data)) = received.recv().await {
        let pool = Arc::clone(&pool);
        let judge = Arc::clone(&judge);
        let acceptance = tokio::task::spawn_blocking(move || {
            let mut judge = judge.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            judge.judge(&data, pool.as_ref(), Instant::now())
        })
        .await
        .unwrap_or(gossipsub::MessageAcceptance::Ignore);
        if judged.send((id, source, acceptance)).await.is_err() {
            return;
        }
    }
}

/// Judges received gossip messages one after another, as the node does: decodes each as a
/// [`TxBatch`], admits its txs into the pool in order and holds those that came early. The
/// network task runs one; it is public so that the decoding and admission of peers' bytes can be
/// driven without a network (tests, fuzzing).
#[derive(Debug, Default)]
pub struct BatchJudge {
    held: Held,
}

impl BatchJudge {
    /// Judges the gossip message `data` at `now`: rejected if it is not a batch or holds a tx
    /// no honest node would send, accepted (and forwarded) if a tx was admitted or held, ignored
    /// otherwise.
    pub fn judge(
        &mut self,
        data: &[u8],
        pool: &dyn TxPool,
        now: Instant,
    ) -> gossipsub::MessageAcceptance {
        judge(data, pool, &mut self.held, now)
    }

    /// How many early txs wait for the txs they follow.
    pub fn held(&self) -> usize {
        self.held.txs.len()
    }
}

/// Txs that came before one they follow, retried after each batch that admits something.
#[derive(Debug, Default)]
struct Held {
    txs: std::collections::VecDeque<(Instant, Vec<u8>)>,
}

impl Held {
    fn hold(&mut self, tx: &[u8], now: Instant) {
        if self.txs.len() >= HELD_TXS_MAX {
            self.txs.pop_front();
        }
        self.txs.push_back((now, tx.to_vec()));
    }

    /// Retries the held txs in arrival order until a pass admits none; drops the expired ones
    /// and those the pool no longer wants.
    fn retry(&mut self, pool: &dyn TxPool, now: Instant) {
        self.txs.retain(|(at, _)| now.duration_since(*at) < HELD_FOR);
        loop {
            let mut progress = false;
            let mut kept = std::collections::VecDeque::with_capacity(self.txs.len());
            for (at, tx) in self.txs.drain(..) {
                match pool.admit(&tx) {
                    Verdict::Admitted => progress = true,
                    Verdict::Early => kept.push_back((at, tx)),
                    Verdict::Ignored | Verdict::Invalid => {}
                }
            }
            self.txs = kept;
            if !progress || self.txs.is_empty() {
                return;
            }
        }
    }
}

/// Admits a batch's txs in order: accepted (and forwarded) if any was admitted or held, rejected if the
/// bytes are not a batch or hold a tx no honest node would send. A tx that came early is held
/// and retried once later batches have admitted what it follows.
fn judge(
    data: &[u8],
    pool: &dyn TxPool,
    held: &mut Held,
    now: Instant,
) -> gossipsub::MessageAcceptance {
    let Ok(batch) = codec::decode::<TxBatch>(data, BATCH_BYTES_MAX + TX_BYTES_MAX) else {
        return gossipsub::MessageAcceptance::Reject;
    };
    if batch.txs.is_empty() || batch.txs.len() > BATCH_TXS_MAX {
        return gossipsub::MessageAcceptance::Reject;
    }
    let mut admitted = false;
    let mut forward = false;
    let mut invalid = false;
    for (tx, verdict) in batch.txs.iter().zip(pool.admit_all(&batch.txs)) {
        match verdict {
            Verdict::Admitted => admitted = true,
            Verdict::Early => {
                held.hold(tx, now);
                // Its signature checked out; it only waits for an earlier tx, which a peer
                // behind this node may need it after as well.
                forward = true;
            }
            Verdict::Ignored => {}
            Verdict::Invalid => {
                invalid = true;
                break;
            }
        }
    }
    if admitted && !held.txs.is_empty() {
        held.retry(pool, now);
    }
    if invalid {
        gossipsub::MessageAcceptance::Reject
    } else if admitted || forward {
        gossipsub::MessageAcceptance::Accept
    } else {
        gossipsub::MessageAcceptance::Ignore
    }
}

#[cfg(test)]
mod tests;
