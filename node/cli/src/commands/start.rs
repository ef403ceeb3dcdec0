//! `onebook start`: open the ledger and run the node until interrupted.

use std::sync::{Arc, Mutex};

use clap::Args;
use eyre::{WrapErr, bail};
use onebook_api::ApiState;
use onebook_chain::{Chain, ChainConfig};
use onebook_mempool::Mempool;
use onebook_types::{ids::Timestamp, keys::SecretKey, suite::Suite};

use crate::{Home, clock::ClockedApp};

/// Open the ledger (writing the genesis state on first start), check its state root, serve the
/// REST API and run until Ctrl-C or SIGTERM.
#[derive(Debug, Args)]
pub struct StartCommand {
    /// Start an empty data directory from a state snapshot (a file from `onebook snapshot
    /// create`, or an `http://` URL serving one) instead of the genesis: it is checked against
    /// this home's genesis (the certificate of its block, from the validator-set changes since
    /// genesis, and the state root rebuilt from its records) before anything is served, and
    /// the node then syncs the blocks after it from its peers.
    #[arg(long, value_name = "FILE-OR-URL")]
    from_snapshot: Option<String>,
}

impl StartCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let node_key = home.read_key(&config.node.node_key)?;
        let network_key = network_key(home, &config, &node_key)?;
        if let Some(source) = &self.from_snapshot {
            super::snapshot::start_from(home, &config, source)?;
        }
        let (store, genesis) = super::open_store(home, &config)?;
        let store = Arc::new(store);
        let tip = store.tip()?;
        let role = if genesis.validator_set().get(&node_key.public_key()).is_some() {
            "validator"
        } else {
            "observer"
        };
        let mempool = Arc::new(Mutex::new(Mempool::new(
            config.mempool.mempool_config()?,
            genesis.chain_id.clone(),
        )));
        let clock = config.clock.clock();
        if !clock.is_wall() && !genesis.dev_only {
            bail!(
                "[clock] rate is {}, but only a dev_only network may run its ledger clock faster \
                 than the wall clock",
                config.clock.rate
            );
        }
        // A faster clock checks block times itself (`ClockedApp`); the chain's own check would
        // hold them to the wall clock.
        let chain_config = ChainConfig {
            build_budget: config.consensus.timeout_propose / 4,
            ..ChainConfig::default()
        };
        let chain_config = if clock.is_wall() {
            chain_config
        } else {
            ChainConfig { future_time_max_ms: u64::MAX, ..chain_config }
        };
        let chain = Chain::new(
            Arc::clone(&store),
            mempool,
            genesis.chain_id.clone(),
            genesis.genesis_time,
            chain_config,
            wall_clock,
        );
        let protocol = chain.check_protocol().wrap_err("this release cannot run the chain")?;
        tracing::info!(
            moniker = %config.node.moniker,
            chain_id = %genesis.chain_id,
            genesis = %genesis.hash(),
            height = tip.height.0,
            state_root = %tip.state_root,
            node_key = %node_key.public_key(),
            role,
            clock_rate = config.clock.rate,
            protocol = protocol.0,
            "node started"
        );
        let gate = chain.gate();
        let read_audit_key = match &config.api.read_audit_key {
            Some(name) => Some(home.read_key(name).wrap_err("reading `[api] read_audit_key`")?),
            None => None,
        };
        let mut consensus = config.consensus.clone();
        consensus.home_dir = home.root().join(&consensus.home_dir);
        if consensus.moniker.is_empty() || consensus.moniker == "onebook" {
            consensus.moniker.clone_from(&config.node.moniker);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        let outcome = runtime.block_on(async {
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let gossip = if config.network.peers.is_empty() {
                None
            } else {
                let mut gossip_stopped = stop.subscribe();
                let (gossip, _task) = onebook_network::spawn(
                    &config.network,
                    &network_key,
                    &genesis.chain_id,
                    Arc::new(GossipPool(gate.clone())),
                    async move {
                        let _ = gossip_stopped.wait_for(|stop| *stop).await;
                    },
                )
                .wrap_err("starting tx gossip")?;
                Some(gossip)
            };
            let reads = read_audit_key.map(|operator| {
                onebook_api::ReadRecorder::spawn(
                    operator,
                    gate.clone(),
                    Arc::clone(&store),
                    genesis.chain_id.clone(),
                    gossip.clone(),
                )
            });
            let sync = onebook_consensus::SyncStatus::new();
            let api = ApiState {
                store: Arc::clone(&store),
                gate,
                chain_id: genesis.chain_id.clone(),
                gossip,
                reads,
                sync: Some(sync.clone()),
            };
            let address = config.api.listen_addr()?;
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .wrap_err_with(|| format!("binding the API to {address}"))?;
            tracing::info!(address = %listener.local_addr()?, "api listening");
            let limits = config.api.serve_config()?;
            let server = tokio::spawn(onebook_api::serve(listener, api, limits, async move {
                let mut stopped = stopped;
                // An error means the sender is gone, which is a stop too.
                let _ = stopped.wait_for(|stop| *stop).await;
            }));
            spawn_pruner(Arc::clone(&store), stop.subscribe());
            let mut consensus_stopped = stop.subscribe();
            let consensus_stop = async move {
                let _ = consensus_stopped.wait_for(|stop| *stop).await;
            };
            let chain_id = onebook_consensus::ChainIdentity {
                chain_id: genesis.chain_id.clone(),
                genesis_hash: genesis.hash(),
                suite: genesis.suite,
            };
            let engine = if clock.is_wall() {
                tokio::spawn(onebook_consensus::run_with_status(
                    consensus,
                    node_key,
                    network_key,
                    chain_id.clone(),
                    chain,
                    sync,
                    consensus_stop,
                ))
            } else {
                tokio::spawn(onebook_consensus::run_with_status(
                    consensus,
                    node_key,
                    network_key,
                    chain_id,
                    ClockedApp::new(chain, clock),
                    sync,
                    consensus_stop,
                ))
            };
            tokio::pin!(engine);
            let outcome = tokio::select! {
                signal = shutdown_signal() => signal,
                ended = &mut engine => match ended {
                    Ok(Ok(())) => Err(eyre::eyre!("consensus stopped on its own")),
                    Ok(Err(error)) => Err(eyre::Report::new(error).wrap_err("consensus failed")),
                    Err(error) => Err(eyre::Report::new(error).wrap_err("consensus task")),
                },
            };
            let _ = stop.send(true);
            // A stop is bounded: every committed block is already synced to the store, so a
            // part that does not wind down in time is left behind, as a crash would leave it.
            if outcome.is_ok() {
                match tokio::time::timeout(STOP_GRACE, &mut engine).await {
                    Ok(ended) => ended.wrap_err("consensus task")?.wrap_err("consensus")?,
                    Err(_) => tracing::warn!(grace = ?STOP_GRACE, "consensus did not stop in time"),
                }
            }
            server.await.wrap_err("api task")?.wrap_err("api server")?;
            outcome
        });
        // Tasks and blocking threads still running (a consensus actor that did not stop) are
        // not waited for beyond the grace.
        runtime.shutdown_timeout(STOP_GRACE);
        outcome?;
        tracing::info!(height = store.tip()?.height.0, "node stopped");
        Ok(())
    }
}

/// How often a node that prunes its state history checks whether a prune is due.
const PRUNE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// On a node whose `[storage] state_history` is a window, prunes the state tree in the
/// background whenever a prune is due, until `stopped`. A prune cut short by the stop is safe:
/// the store keeps every tree of the window at any instant, and the next prune finishes it.
fn spawn_pruner(
    store: Arc<onebook_storage::Store>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    if store.state_history() == onebook_storage::StateHistory::Archive {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_CHECK_EVERY);
        loop {
            tokio::select! {
                _ = stopped.wait_for(|stop| *stop) => return,
                _ = tick.tick() => {}
            }
            let store = Arc::clone(&store);
            match tokio::task::spawn_blocking(move || store.prune_state()).await {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => tracing::error!(%error, "pruning the state tree failed"),
                Err(error) => tracing::error!(%error, "the state tree prune did not complete"),
            }
        }
    });
}

/// The mempool as gossip sees it. Gossiped txs go through the same admission checks as the
/// API's; a tx another node could not have admitted honestly (undecodable, another chain, a bad
/// signature) marks its sender.
struct GossipPool(onebook_chain::TxGate);

impl onebook_network::TxPool for GossipPool {
    fn admit(&self, tx: &[u8]) -> onebook_network::Verdict {
        gossip_verdict(self.0.admit(tx))
    }

    /// The batch's signatures are checked together, once: a tx this node already holds is
    /// turned away as a duplicate before its signature is looked at.
    fn admit_all(&self, txs: &[Vec<u8>]) -> Vec<onebook_network::Verdict> {
        self.0.admit_many(txs).into_iter().map(gossip_verdict).collect()
    }

    fn waiting(&self, max: usize) -> Vec<Vec<u8>> {
        self.0.waiting(max)
    }
}

/// What gossip makes of the mempool's answer to a gossiped tx.
fn gossip_verdict(
    admitted: Result<onebook_types::hash::Hash32, onebook_chain::ChainAdmitError>,
) -> onebook_network::Verdict {
    use onebook_chain::ChainAdmitError;
    use onebook_mempool::AdmitError;
    use onebook_network::Verdict;
    match admitted {
        Ok(_) => Verdict::Admitted,
        Err(ChainAdmitError::Admit(
            AdmitError::TooLarge { .. }
            | AdmitError::Decode(_)
            | AdmitError::WrongChain { .. }
            | AdmitError::BadSignature,
        )) => Verdict::Invalid,
        Err(ChainAdmitError::Admit(AdmitError::NonceGap { .. })) => Verdict::Early,
        Err(_) => Verdict::Ignored,
    }
}

/// How long each part of the node may take to stop after SIGTERM (consensus, then the tasks
/// left); the API stops within `onebook_api::SHUTDOWN_GRACE`. Together well under 5 s.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_millis(1_500);

/// This node's wall clock, in milliseconds since the Unix epoch.
fn wall_clock() -> Timestamp {
    Timestamp(crate::clock::wall_ms())
}

async fn shutdown_signal() -> eyre::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result?,
        _ = terminate.recv() => {}
    }
    Ok(())
}

/// The node's libp2p transport key, ed25519 in every suite (ADR 0026): `[node] network_key`,
/// or in the default suite the node key itself. A national chain's node needs its own
/// transport key, since its SM2 node key cannot be a libp2p identity.
fn network_key(
    home: &Home,
    config: &crate::Config,
    node_key: &SecretKey,
) -> eyre::Result<SecretKey> {
    let suite = home.genesis()?.suite;
    match &config.node.network_key {
        Some(name) => home
            .read_key_in(name, Suite::Ed25519Blake3)
            .wrap_err("reading `[node] network_key`, the node's ed25519 transport key"),
        None if suite == Suite::Ed25519Blake3 => Ok(SecretKey::from_seed(node_key.seed())),
        None => bail!(
            "the chain's suite is {suite}, whose node keys cannot identify a node to libp2p: give              the node an ed25519 transport key (`onebook keys generate --name transport \
             --suite ed25519-blake3`) and name it in `[node] network_key`; its peers name it by              that key"
        ),
    }
}
