//! Starting Malachite's engine for one validator and serving it until shutdown.

use std::{future::Future, sync::Arc, time::Duration};

use bytesize::ByteSize;
use malachitebft_app_channel::app::engine::util::events::Event;
use malachitebft_app_channel::{
    ConsensusContext, NetworkContext, NetworkIdentity, RequestContext, Signer as _, SyncContext,
    WalContext,
    app::events::RxEvent,
    app::{
        config::{self as malachite_config, NodeConfig},
        net::Multiaddr,
        types::{Keypair, codec::Codec as _},
    },
    start_engine,
};
use malachitebft_core_types::LinearTimeouts;
use onebook_types::keys::{PublicKey, SecretKey};
use tokio::sync::broadcast::error::RecvError;
use tracing::{info, warn};

use crate::{
    app::Application,
    catchup::SyncStatus,
    codec::{MESSAGE_BYTES_MAX, OnebookCodec, SYNC_BATCH_VALUES_MAX, SYNC_RESPONSE_BYTES_MAX},
    config::ConsensusConfig,
    error::ConsensusError,
    host::Host,
    proposals::ProposalStore,
    signing::{OnebookSigner, OnebookVerifier},
    types::{ChainIdentity, OnebookContext, ValidatorAddress},
};

/// Capacity of the channel of requests from the application to the engine.
const REQUEST_CHANNEL_CAPACITY: usize = 100;
/// How long the engine gets to stop its actors on shutdown.
const ENGINE_STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a held-back height checks whether a tx has arrived.
const IDLE_POLL_INTERVAL: Duration = Duration::from_millis(20);
/// Sync requests in flight at once, each for up to [`SYNC_BATCH_VALUES_MAX`] blocks (and at most
/// [`SYNC_RESPONSE_BYTES_MAX`] bytes): the blocks a node behind its peers has asked for and not
/// yet committed, so the next ones are already here when it finishes one.
const SYNC_PARALLEL_REQUESTS: usize = 4;

/// Runs consensus as the validator `node_secret` on `chain` until `shutdown` completes,
/// driving `app`: it proposes, verifies and commits blocks in height order, starting at the
/// application's committed height plus one.
///
/// The WAL and the node's own proposals live under `config.home_dir`, so a restart with the
/// same directory resumes without signing a second vote or block at any height and round.
/// Returns an error, after stopping the engine, if the application or the engine fails.
pub async fn run<A: Application>(
    config: ConsensusConfig,
    node_secret: SecretKey,
    chain: ChainIdentity,
    app: A,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ConsensusError> {
    let network_secret = SecretKey::from_seed(node_secret.seed());
    run_with_status(config, node_secret, network_secret, chain, app, SyncStatus::new(), shutdown)
        .await
}

/// As [`run`], keeping `sync` up to date with this node's height against its peers' and its
/// commit rate, for the REST API's status, and with `network_secret` as the node's network
/// identity: the node key by default, or the key it had before governance rotated its
/// consensus key, so that its peers, which name it by that key, still admit it.
pub async fn run_with_status<A: Application>(
    config: ConsensusConfig,
    node_secret: SecretKey,
    network_secret: SecretKey,
    chain: ChainIdentity,
    app: A,
    sync: SyncStatus,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ConsensusError> {
    config.validate()?;
    let secret = Arc::new(node_secret);
    let address = ValidatorAddress(secret.public_key());
    let ctx = OnebookContext::new(chain.clone());
    let keypair = Keypair::ed25519_from_bytes(network_secret.seed())
        .map_err(|_| ConsensusError::NetworkKey)?;
    let signer = OnebookSigner::new(chain.clone(), secret.clone());
    let proposals = ProposalStore::open(&config.home_dir.join("proposals"))?;
    std::fs::create_dir_all(config.home_dir.join("wal"))?;

    let proof = signer
        .sign_validator_proof(
            secret.public_key().0.to_vec(),
            keypair.public().to_peer_id().to_bytes(),
        )
        .await
        .map_err(|e| ConsensusError::EngineStart { reason: e.to_string() })?;
    let proof_bytes = OnebookCodec::new(chain.suite)
        .encode(&proof)
        .map_err(|e| ConsensusError::EngineStart { reason: e.to_string() })?;
    let identity = NetworkIdentity::new_validator(
        config.moniker.clone(),
        keypair,
        address.to_string(),
        proof_bytes,
    );

    let (mut channels, engine) = start_engine(
        ctx.clone(),
        malachite_node_config(&config)?,
        WalContext::new(
            config.home_dir.join("wal").join("consensus.wal"),
            OnebookCodec::new(chain.suite),
        ),
        NetworkContext::new(identity, OnebookCodec::recording(chain.suite, sync.tips().clone())),
        ConsensusContext::new_validator(
            address,
            Box::new(OnebookVerifier::new(chain.clone())),
            Box::new(signer),
        ),
        SyncContext::new(OnebookCodec::new(chain.suite)),
        RequestContext::new(REQUEST_CHANNEL_CAPACITY),
    )
    .await
    .map_err(|e| ConsensusError::EngineStart { reason: format!("{e:#}") })?;
    info!(moniker = %config.moniker, node_key = %address, listen_addr = %config.listen_addr, "consensus started");

    let mut host = Host::new(
        app,
        ctx,
        secret,
        timeouts(&config),
        crate::host::Pacing {
            block_time_target: config.block_time_target,
            idle_block_interval: config.idle_block_interval,
        },
        proposals,
        channels.network.clone(),
    )
    .reporting_to(sync);
    let events = channels.events.subscribe();
    let result = serve(&mut host, &mut channels.consensus, events, shutdown).await;

    if let Err(error) = engine.actor.stop_and_wait(None, Some(ENGINE_STOP_TIMEOUT)).await {
        warn!(%error, "engine did not stop in time");
    }
    engine.handle.abort();
    info!(moniker = %config.moniker, "consensus stopped");
    result
}

/// Serves the engine's requests, and watches its events for peers' votes and proposals at
/// heights above this node's (`catchup.rs`).
async fn serve<A: Application>(
    host: &mut Host<A>,
    consensus: &mut tokio::sync::mpsc::Receiver<malachitebft_app_channel::AppMsg<OnebookContext>>,
    mut events: RxEvent<OnebookContext>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ConsensusError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut idle_poll = tokio::time::interval(IDLE_POLL_INTERVAL);
    idle_poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut watching = true;
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            _ = idle_poll.tick(), if host.is_deferred() => host.poll_deferred()?,
            msg = consensus.recv() => match msg {
                Some(msg) => off_runtime(host.handle(msg)).await?,
                None => return Err(ConsensusError::EngineStopped),
            },
            event = events.recv(), if watching => match event {
                Ok(Event::Received(message)) => host.heard_peer_at(message.height().0),
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => watching = false,
            },
        }
    }
}

/// Runs `work`, which executes and writes blocks (the application's calls, the proposal's fsync),
/// with this worker thread handed over to it: the runtime moves its other tasks (the REST API,
/// the engine's actors, gossip) to another worker meanwhile. On a single-threaded runtime
/// (tests) it runs in place.
async fn off_runtime<F: Future>(work: F) -> F::Output {
    let runtime = tokio::runtime::Handle::current();
    if runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
        tokio::task::block_in_place(|| runtime.block_on(work))
    } else {
        work.await
    }
}

pub(crate) fn timeouts(config: &ConsensusConfig) -> LinearTimeouts {
    LinearTimeouts {
        propose: config.timeout_propose,
        propose_delta: config.timeout_delta,
        prevote: config.timeout_prevote,
        prevote_delta: config.timeout_delta,
        precommit: config.timeout_precommit,
        precommit_delta: config.timeout_delta,
        rebroadcast: config.timeout_propose + config.timeout_prevote + config.timeout_precommit,
        ..LinearTimeouts::default()
    }
}

/// What Malachite's `NodeConfig` needs: its consensus (p2p) and sync sections.
#[derive(Clone, Debug)]
struct MalachiteNodeConfig {
    moniker: String,
    consensus: malachite_config::ConsensusConfig,
    value_sync: malachite_config::ValueSyncConfig,
}

impl NodeConfig for MalachiteNodeConfig {
    fn moniker(&self) -> &str {
        &self.moniker
    }

    fn consensus(&self) -> &malachite_config::ConsensusConfig {
        &self.consensus
    }

    fn consensus_mut(&mut self) -> &mut malachite_config::ConsensusConfig {
        &mut self.consensus
    }

    fn value_sync(&self) -> &malachite_config::ValueSyncConfig {
        &self.value_sync
    }

    fn value_sync_mut(&mut self) -> &mut malachite_config::ValueSyncConfig {
        &mut self.value_sync
    }
}

fn malachite_node_config(config: &ConsensusConfig) -> Result<MalachiteNodeConfig, ConsensusError> {
    let mut consensus = malachite_config::ConsensusConfig {
        value_payload: malachite_config::ValuePayload::ProposalAndParts,
        ..malachite_config::ConsensusConfig::default()
    };
    let p2p = &mut consensus.p2p;
    p2p.listen_addr = tcp_multiaddr(config.listen_addr, None)?;
    p2p.persistent_peers = config
        .peers
        .iter()
        .map(|peer| tcp_multiaddr(peer.addr, Some(&peer.node_key)))
        .collect::<Result<_, _>>()?;
    p2p.persistent_peers_only = config.persistent_peers_only;
    p2p.discovery.enabled = !config.persistent_peers_only;
    p2p.pubsub_max_size = ByteSize::b(2 * MESSAGE_BYTES_MAX as u64);
    p2p.rpc_max_size = ByteSize::b(2 * SYNC_RESPONSE_BYTES_MAX as u64);

    let value_sync = malachite_config::ValueSyncConfig {
        enabled: true,
        status_update_interval: config.sync_status_interval,
        parallel_requests: SYNC_PARALLEL_REQUESTS,
        batch_size: SYNC_BATCH_VALUES_MAX,
        max_response_size: ByteSize::b(SYNC_RESPONSE_BYTES_MAX as u64),
        ..malachite_config::ValueSyncConfig::default()
    };
    Ok(MalachiteNodeConfig { moniker: config.moniker.clone(), consensus, value_sync })
}

/// `/ip4/<ip>/tcp/<port>`, with `/p2p/<peer id of node_key>` for a peer.
fn tcp_multiaddr(
    addr: std::net::SocketAddr,
    node_key: Option<&PublicKey>,
) -> Result<Multiaddr, ConsensusError> {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(ip) => format!("/ip4/{ip}"),
        std::net::IpAddr::V6(ip) => format!("/ip6/{ip}"),
    };
    let mut text = format!("{ip}/tcp/{}", addr.port());
    if let Some(key) = node_key {
        let public = libp2p_identity::ed25519::PublicKey::try_from_bytes(&key.0)
            .map_err(|_| ConsensusError::NetworkKey)?;
        let peer_id = libp2p_identity::PublicKey::from(public).to_peer_id();
        text.push_str(&format!("/p2p/{peer_id}"));
    }
    text.parse().map_err(|_| ConsensusError::NetworkKey)
}
