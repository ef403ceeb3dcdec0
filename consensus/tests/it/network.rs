//! Four validators in one process, each with its own engine, WAL directory and `MemChain`,
//! on loopback TCP.

use std::{
    net::{SocketAddr, TcpListener},
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use onebook_consensus::{ChainIdentity, ConsensusConfig, ConsensusError, PeerConfig, run};
use onebook_types::{
    consortium::{Validator, ValidatorSet},
    hash::Hash32,
    ids::{ChainId, Height, OrgId},
    keys::SecretKey,
};
use tokio::{sync::oneshot, task::JoinHandle};

use crate::mem_chain::{Committed, MemChain};

const NODES: usize = 4;
const TEST_TIMEOUT: Duration = Duration::from_secs(150);

/// A running node: the sender that stops it and its task.
type Running = (oneshot::Sender<()>, JoinHandle<Result<(), ConsensusError>>);

struct Node {
    seed: [u8; 32],
    config: ConsensusConfig,
    committed: Committed,
    running: Option<Running>,
}

struct TestNet {
    chain_id: ChainId,
    validators: ValidatorSet,
    nodes: Vec<Node>,
    _home: tempfile::TempDir,
}

impl TestNet {
    fn new() -> Self {
        let home = tempfile::tempdir().expect("tempdir");
        let seeds: Vec<[u8; 32]> = (1..=NODES as u8).map(|i| [i; 32]).collect();
        let keys: Vec<_> = seeds.iter().map(|s| SecretKey::from_seed(*s).public_key()).collect();
        let mut validators: Vec<Validator> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| Validator { node_key: *key, org: OrgId(format!("org-{i}")), power: 1 })
            .collect();
        validators.sort();
        let validators = ValidatorSet { validators };
        let addrs: Vec<SocketAddr> = (0..NODES).map(|_| free_port()).collect();
        let nodes = (0..NODES)
            .map(|i| {
                let peers = (0..NODES)
                    .filter(|&j| j != i)
                    .map(|j| PeerConfig { addr: addrs[j], node_key: keys[j] })
                    .collect();
                let config = ConsensusConfig {
                    moniker: format!("node-{i}"),
                    listen_addr: addrs[i],
                    peers,
                    persistent_peers_only: true,
                    home_dir: PathBuf::from(home.path()).join(format!("node-{i}")),
                    timeout_propose: Duration::from_millis(1_000),
                    timeout_prevote: Duration::from_millis(500),
                    timeout_precommit: Duration::from_millis(500),
                    timeout_delta: Duration::from_millis(250),
                    block_time_target: Duration::from_millis(100),
                    idle_block_interval: Duration::ZERO,
                    sync_status_interval: Duration::from_millis(500),
                };
                Node { seed: seeds[i], config, committed: Committed::default(), running: None }
            })
            .collect();
        Self { chain_id: ChainId::from("onebook-test"), validators, nodes, _home: home }
    }

    fn start(&mut self, index: usize) {
        let node = &mut self.nodes[index];
        let app = MemChain {
            chain_id: self.chain_id.clone(),
            genesis_hash: Hash32([0xAA; 32]),
            validators: self.validators.clone(),
            committed: Arc::clone(&node.committed),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(Box::pin(run(
            node.config.clone(),
            SecretKey::from_seed(node.seed),
            ChainIdentity {
                chain_id: self.chain_id.clone(),
                genesis_hash: Hash32([0xAA; 32]),
                suite: Default::default(),
            },
            app,
            async move {
                let _ = stopped.await;
            },
        )));
        node.running = Some((stop, task));
    }

    async fn stop(&mut self, index: usize) {
        if let Some((stop, task)) = self.nodes[index].running.take() {
            let _ = stop.send(());
            let result = task.await.expect("consensus task does not panic");
            assert!(result.is_ok(), "node {index} stopped with {result:?}");
        }
    }

    fn height(&self, index: usize) -> u64 {
        self.nodes[index].committed.lock().expect("lock").len() as u64
    }

    fn heights(&self) -> Vec<u64> {
        (0..NODES).map(|i| self.height(i)).collect()
    }

    /// Waits until `done` holds of the committed heights, failing on the overall deadline or
    /// if a running node's task has ended.
    async fn wait_until(&self, deadline: Instant, what: &str, done: impl Fn(&[u64]) -> bool) {
        loop {
            let heights = self.heights();
            if done(&heights) {
                return;
            }
            for (i, node) in self.nodes.iter().enumerate() {
                if let Some((_, task)) = &node.running {
                    assert!(!task.is_finished(), "node {i} ended early while waiting for {what}");
                }
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; heights {heights:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every height committed by two nodes has the same block; every certificate verifies
    /// against the genesis validator set.
    fn check_chains(&self) -> u64 {
        let chains: Vec<_> =
            self.nodes.iter().map(|n| n.committed.lock().expect("lock").clone()).collect();
        let longest = chains.iter().map(Vec::len).max().unwrap_or(0);
        for height in 0..longest {
            let mut hashes = chains.iter().filter_map(|c| c.get(height)).map(|(b, cert)| {
                assert_eq!(b.header.height, Height(height as u64 + 1));
                cert.verify(&b.header, &Hash32([0xAA; 32]), &self.validators)
                    .expect("certificate verifies");
                b.header.hash()
            });
            let first = hashes.next().expect("some node has the height");
            assert!(hashes.all(|h| h == first), "nodes disagree at height {}", height + 1);
        }
        longest as u64
    }
}

/// Logs to the test output, filtered by `RUST_LOG` (default: warnings, and this crate's info).
fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,onebook_consensus=info".into()),
        )
        .with_test_writer()
        .try_init();
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds a free port");
    listener.local_addr().expect("has an address")
}

/// Goal: four validators agree on one chain, each block carrying an Onebook certificate that
/// checks against the genesis set; a validator stopped and restarted from its WAL directory
/// catches up by sync while the other three go on. Method: four engines on loopback, polled
/// until the targets are met, under one overall deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn n4_validators_agree_and_a_restarted_validator_catches_up_slow() {
    init_tracing();
    let started = Instant::now();
    let deadline = started + TEST_TIMEOUT;
    let mut net = TestNet::new();
    for i in 0..NODES {
        net.start(i);
    }

    net.wait_until(deadline, "20 heights on all nodes", |h| h.iter().all(|&h| h >= 20)).await;
    let first_phase = started.elapsed();
    let agreed = net.check_chains();
    eprintln!(
        "phase 1: all nodes at >= 20 heights after {first_phase:?}; heights {:?}",
        net.heights()
    );

    net.stop(3).await;
    let stopped_at = net.height(3);
    let others_at = net.heights()[..3].iter().copied().max().unwrap_or(0);
    let phase_two = Instant::now();
    net.wait_until(deadline, "three nodes going on", |h| {
        h[..3].iter().all(|&h| h >= others_at + 10)
    })
    .await;
    eprintln!(
        "phase 2: node 3 stopped at {stopped_at}; others went {others_at} -> {:?} in {:?}",
        &net.heights()[..3],
        phase_two.elapsed()
    );

    net.start(3);
    let phase_three = Instant::now();
    let target = net.heights()[..3].iter().copied().max().unwrap_or(0) + 5;
    net.wait_until(deadline, "node 3 catching up", |h| h.iter().all(|&h| h >= target)).await;
    eprintln!(
        "phase 3: node 3 restarted at {stopped_at}, caught up to {:?} in {:?}",
        net.heights(),
        phase_three.elapsed()
    );

    for i in 0..NODES {
        net.stop(i).await;
    }
    let checked = net.check_chains();
    eprintln!("checked {checked} heights (first check {agreed}) in {:?}", started.elapsed());
    assert!(checked >= 20);
}

/// Goal: a peer is authorised by its node key, not by its address. Method: two validators of
/// a two-validator set (both must sign every block); node 0 lists node 1's address with
/// another key. Neither may connect to the other, so nothing is committed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n2_a_peer_with_another_key_at_a_listed_address_is_not_let_in() {
    init_tracing();
    let home = tempfile::tempdir().expect("tempdir");
    let chain_id = ChainId::from("onebook-test");
    let seeds = [[1u8; 32], [2u8; 32]];
    let keys: Vec<_> = seeds.iter().map(|s| SecretKey::from_seed(*s).public_key()).collect();
    let impostor_key = SecretKey::from_seed([9; 32]).public_key();
    let mut validators: Vec<Validator> = keys
        .iter()
        .map(|key| Validator { node_key: *key, org: OrgId::from("org"), power: 1 })
        .collect();
    validators.sort();
    let validators = ValidatorSet { validators };
    let addrs = [free_port(), free_port()];
    let listed_keys = [impostor_key, keys[0]];
    let mut running = Vec::new();
    let mut chains = Vec::new();
    for i in 0..2 {
        let config = ConsensusConfig {
            moniker: format!("node-{i}"),
            listen_addr: addrs[i],
            peers: vec![PeerConfig { addr: addrs[1 - i], node_key: listed_keys[i] }],
            home_dir: home.path().join(format!("node-{i}")),
            timeout_propose: Duration::from_millis(500),
            block_time_target: Duration::from_millis(100),
            ..ConsensusConfig::default()
        };
        let committed = Committed::default();
        let app = MemChain {
            chain_id: chain_id.clone(),
            genesis_hash: Hash32([0xAA; 32]),
            validators: validators.clone(),
            committed: Arc::clone(&committed),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(Box::pin(run(
            config,
            SecretKey::from_seed(seeds[i]),
            ChainIdentity {
                chain_id: chain_id.clone(),
                genesis_hash: Hash32([0xAA; 32]),
                suite: Default::default(),
            },
            app,
            async move {
                let _ = stopped.await;
            },
        )));
        running.push((stop, task));
        chains.push(committed);
    }

    tokio::time::sleep(Duration::from_secs(4)).await;

    for (stop, task) in running {
        let _ = stop.send(());
        let result = task.await.expect("consensus task does not panic");
        assert!(result.is_ok(), "node stopped with {result:?}");
    }
    let heights: Vec<usize> = chains.iter().map(|c| c.lock().expect("lock").len()).collect();
    assert_eq!(heights, vec![0, 0], "nothing commits without a connection");
}
