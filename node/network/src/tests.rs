//! Gossip between real libp2p nodes on 127.0.0.1.

use std::{
    net::{SocketAddr, TcpListener},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use onebook_genesis::dev_secret;
use onebook_types::{ids::ChainId, keys::SecretKey};

use super::*;

/// A port free on 127.0.0.1 now.
fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// A pool that records every tx it admits, in order. Bytes starting with 0xff are invalid (and
/// recorded, to show they arrived). `tx-<n>` is numbered like a nonce: admitted only as the
/// next number, early above it, ignored below it. It holds nothing waiting, so a late peer gets
/// nothing again.
struct Recorder(Arc<Mutex<Vec<Vec<u8>>>>);

impl TxPool for Recorder {
    fn admit(&self, tx: &[u8]) -> Verdict {
        let mut seen = self.0.lock().unwrap();
        if tx.first() == Some(&0xff) {
            seen.push(tx.to_vec());
            return Verdict::Invalid;
        }
        if let Some(n) = number(tx) {
            let next = seen.iter().filter(|tx| number(tx).is_some()).count() as u64;
            match n.cmp(&next) {
                std::cmp::Ordering::Less => return Verdict::Ignored,
                std::cmp::Ordering::Greater => return Verdict::Early,
                std::cmp::Ordering::Equal => {}
            }
        }
        seen.push(tx.to_vec());
        Verdict::Admitted
    }

    fn waiting(&self, _max: usize) -> Vec<Vec<u8>> {
        Vec::new()
    }
}

fn number(tx: &[u8]) -> Option<u64> {
    std::str::from_utf8(tx.strip_prefix(b"tx-")?).ok()?.parse().ok()
}

struct TestNode {
    gossip: TxGossip,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

/// Starts a node with key `secret` at `addr` that knows `peers`. It records every tx it gets and
/// admits it, except bytes starting with 0xff, which it judges invalid.
fn start(secret: &SecretKey, addr: SocketAddr, peers: &[(SocketAddr, &SecretKey)]) -> TestNode {
    let config = NetworkConfig {
        listen_addr: addr,
        peers: peers
            .iter()
            .map(|(addr, key)| NetworkPeer { addr: *addr, node_key: key.public_key() })
            .collect(),
    };
    let received = Arc::new(Mutex::new(Vec::new()));
    let pool: Arc<dyn TxPool> = Arc::new(Recorder(Arc::clone(&received)));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let (gossip, task) =
        spawn(&config, secret, &ChainId::from("onebook-test-1"), pool, shutdown).unwrap();
    TestNode { gossip, received, stop: Some(stop), task }
}

impl TestNode {
    fn received(&self) -> Vec<Vec<u8>> {
        self.received.lock().unwrap().clone()
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}

/// Publishes a probe from `from` every 100 ms until every node of `to` has received one.
async fn wait_connected(from: &TestNode, to: &[&TestNode]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !to.iter().all(|node| !node.received().is_empty()) {
        assert!(Instant::now() < deadline, "the gossip network did not connect");
        from.gossip.publish(b"probe".to_vec());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts three nodes where node `i` knows the nodes `links(i)`, waits until node 0's probes
/// reach the other two, then publishes 3,000 numbered txs from node 0, the second one first and
/// alone, so every peer must hold it until the first arrives. Both peers must admit every tx
/// once, in number order.
async fn numbered_txs_arrive_once_and_in_order(links: fn(usize) -> Vec<usize>, name: &str) {
    let keys: Vec<SecretKey> =
        ["a", "b", "c"].iter().map(|l| dev_secret(&format!("{name}/{l}"))).collect();
    let addrs: Vec<SocketAddr> = (0..3).map(|_| free_addr()).collect();
    let nodes: Vec<TestNode> = (0..3)
        .map(|i| {
            let peers: Vec<(SocketAddr, &SecretKey)> =
                links(i).into_iter().map(|j| (addrs[j], &keys[j])).collect();
            start(&keys[i], addrs[i], &peers)
        })
        .collect();
    wait_connected(&nodes[0], &[&nodes[1], &nodes[2]]).await;

    let sent: Vec<Vec<u8>> = (0..3_000u32).map(|n| format!("tx-{n:05}").into_bytes()).collect();
    assert!(nodes[0].gossip.publish(sent[1].clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    for tx in std::iter::once(&sent[0]).chain(&sent[2..]) {
        assert!(nodes[0].gossip.publish(tx.clone()));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    for (index, node) in nodes.iter().enumerate().skip(1) {
        loop {
            let got: Vec<Vec<u8>> =
                node.received().into_iter().filter(|tx| tx.starts_with(b"tx-")).collect();
            if got.len() >= sent.len() {
                // Each tx once (a forwarded batch is not admitted twice), in nonce order.
                let first_difference = got.iter().zip(&sent).position(|(got, sent)| got != sent);
                assert_eq!((got.len(), first_difference), (sent.len(), None), "node {index}");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "node {index}: {} of {} txs arrived",
                got.len(),
                sent.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    for node in nodes {
        node.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn txs_published_by_one_node_reach_every_peer_once_and_in_order() {
    numbered_txs_arrive_once_and_in_order(|i| (0..3).filter(|&j| j != i).collect(), "mesh").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tx_held_for_an_earlier_one_is_forwarded_to_peers_behind_the_holder() {
    // a - b - c in a line: c hears a's txs only through b, which holds the early one.
    let links = |i: usize| if i == 1 { vec![0, 2] } else { vec![1] };
    numbered_txs_arrive_once_and_in_order(links, "held").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_that_knows_the_addresses_gets_no_tx_through() {
    let (a, b, stranger) = (dev_secret("net/a"), dev_secret("net/b"), dev_secret("net/stranger"));
    let (addr_a, addr_b, addr_s) = (free_addr(), free_addr(), free_addr());
    let node_a = start(&a, addr_a, &[(addr_b, &b)]);
    let node_b = start(&b, addr_b, &[(addr_a, &a)]);
    // The stranger knows both nodes' addresses and keys; neither lists it.
    let node_s = start(&stranger, addr_s, &[(addr_a, &a), (addr_b, &b)]);
    wait_connected(&node_a, &[&node_b]).await;

    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        node_s.gossip.publish(b"from-the-stranger".to_vec());
        node_a.gossip.publish(b"from-a".to_vec());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for node in [&node_a, &node_b] {
        assert!(
            !node.received().iter().any(|tx| tx == b"from-the-stranger"),
            "a consortium node admitted a stranger's tx"
        );
    }
    assert!(node_s.received().is_empty(), "the stranger received the consortium's txs");
    for node in [node_a, node_b, node_s] {
        node.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_with_an_invalid_tx_is_not_forwarded() {
    // a - b - c in a line: c hears a's batches only if b forwards them.
    let keys: Vec<SecretKey> =
        ["a", "b", "c"].iter().map(|l| dev_secret(&format!("line/{l}"))).collect();
    let addrs: Vec<SocketAddr> = (0..3).map(|_| free_addr()).collect();
    let node_a = start(&keys[0], addrs[0], &[(addrs[1], &keys[1])]);
    let node_b = start(&keys[1], addrs[1], &[(addrs[0], &keys[0]), (addrs[2], &keys[2])]);
    let node_c = start(&keys[2], addrs[2], &[(addrs[1], &keys[1])]);
    wait_connected(&node_a, &[&node_b, &node_c]).await;

    assert!(node_a.gossip.publish(vec![0xff, 1]));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(node_a.gossip.publish(b"after".to_vec()));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !node_c.received().iter().any(|tx| tx == b"after") {
        assert!(Instant::now() < deadline, "the valid batch was not forwarded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(node_b.received().iter().any(|tx| tx.first() == Some(&0xff)), "b never got the batch");
    assert!(!node_c.received().iter().any(|tx| tx.first() == Some(&0xff)), "b forwarded it");
    for node in [node_a, node_b, node_c] {
        node.stop().await;
    }
}

#[test]
fn a_tx_batch_has_a_pinned_encoding() {
    let batch = TxBatch { sequence: 7, txs: vec![vec![1, 2], vec![3]] };
    // The sequence as a u64, a u32 count, then each tx as a u32 length and its bytes.
    assert_eq!(
        codec::encode(&batch),
        [7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 2, 1, 0, 0, 0, 3]
    );
    assert_eq!(peer_id(&dev_secret("net/a").public_key()).map(|id| id.to_string().len()), Some(52));
}
