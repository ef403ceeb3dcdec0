//! End-to-end: txs submitted in batches (`POST /v1/txs/batch`) to four validator processes
//! while one of them is killed with SIGKILL and restarted. Every tx a node acknowledged is
//! committed, once, on every node.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use onebook_genesis::dev_secret;
use onebook_tests::{
    devnet::{Devnet, register_member},
    keepalive::KeepAlive,
};
use onebook_types::{codec, keys::SecretKey};

/// Signers of the load, two per node: the dev network's org admins.
use onebook_tests::history::SIGNERS;

const TXS: u64 = 20_000;
const BATCH_TXS: usize = 250;
/// The validator killed and restarted.
const VICTIM: usize = 1;

/// Sends `signer`'s txs, nonces 1 to `count`, to the node at `addr` in batches, the way a client
/// that must not lose a tx does: a refused connection (the node is down) or a full pool is
/// retried, and a nonce gap (the node lost txs it had acknowledged when it was killed: the pool
/// lives in memory) sends again from the nonce the node expects, until the signer's last nonce
/// is committed. Each acknowledged (202) tx hash goes to `acked`; a tx sent again has the same
/// hash.
fn send_all(
    addr: &str,
    signer: &SecretKey,
    first_member: u64,
    count: u64,
    acked: &Mutex<Vec<String>>,
    deadline: Instant,
) {
    let txs: Vec<Vec<u8>> =
        (1..=count).map(|nonce| register_member(signer, nonce, first_member + nonce)).collect();
    let mut client = KeepAlive::new(addr);
    let mut next = 0usize;
    loop {
        if next >= txs.len() {
            // All sent. A node killed after acknowledging txs it had not yet gossiped has lost
            // them (the pool lives in memory): resend from the nonce it expects until the last
            // is committed.
            let (status, nonces) = client
                .request("GET", &format!("/v1/nonces/{}", signer.public_key()), None)
                .unwrap_or_default();
            if status == 200 && nonces["committed"].as_u64() == Some(count) {
                return;
            }
            assert!(Instant::now() < deadline, "{addr}: the last txs were not committed in time");
            match nonces["next"].as_u64() {
                Some(expected) if status == 200 && expected <= count => {
                    next = usize::try_from(expected - 1).unwrap();
                }
                _ => {
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            }
        }
        assert!(Instant::now() < deadline, "{addr}: the load did not get through in time");
        let end = (next + BATCH_TXS).min(txs.len());
        let body = codec::encode(&txs[next..end].to_vec());
        let answer =
            client.request("POST", "/v1/txs/batch", Some(("application/octet-stream", &body)));
        let Ok((200, answer)) = answer else {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        let results = answer["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), end - next, "one result per tx: {answer}");
        let mut resend_from = None;
        for (offset, result) in results.iter().enumerate() {
            let kind = result["type"].as_str().unwrap_or("");
            match result["status"].as_u64() {
                Some(202) => {
                    let hash = result["tx_hash"].as_str().expect("an admitted tx has a hash");
                    acked.lock().unwrap().push(hash.to_owned());
                }
                Some(409) if kind == "/problems/nonce-used" => {}
                // The node holds it already: a restarted node gets back by gossip the txs it had
                // acknowledged and lost (its peers send their pools again when it subscribes),
                // which can race this client's resend of the same txs. Its hash was acknowledged
                // when it was first sent.
                Some(409) if kind == "/problems/tx-duplicate" => {}
                Some(429 | 503) => {
                    resend_from = Some(next + offset);
                    break;
                }
                Some(409) if kind == "/problems/nonce-gap" => {
                    let (status, nonces) = client
                        .request("GET", &format!("/v1/nonces/{}", signer.public_key()), None)
                        .unwrap_or_default();
                    assert_eq!(status, 200, "{nonces}");
                    let expected = nonces["next"].as_u64().expect("next nonce");
                    resend_from = Some(usize::try_from(expected - 1).unwrap());
                    break;
                }
                _ => panic!("{addr}: a valid tx was refused: {result}"),
            }
        }
        match resend_from {
            Some(from) => {
                next = from;
                std::thread::sleep(Duration::from_millis(50));
            }
            None => next = end,
        }
    }
}

/// Every tx hash of every block of node `node` up to `tip`, counted.
fn committed(net: &Devnet, node: usize, tip: u64) -> BTreeMap<String, usize> {
    let mut client = KeepAlive::new(net.nodes[node].api_addr());
    let mut counts = BTreeMap::new();
    for height in 1..=tip {
        let (status, block) = client.request("GET", &format!("/v1/blocks/{height}"), None).unwrap();
        assert_eq!(status, 200, "node{node} height {height}: {block}");
        for hash in block["tx_hashes"].as_array().unwrap() {
            *counts.entry(hash.as_str().unwrap().to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn twenty_thousand_batched_txs_through_a_validator_kill_are_each_committed_once_on_every_node() {
    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 2, Duration::from_secs(60)).unwrap();
    let acked = Arc::new(Mutex::new(Vec::new()));
    let per_signer = TXS / SIGNERS.len() as u64;
    let deadline = Instant::now() + Duration::from_secs(600);

    let senders: Vec<_> = SIGNERS
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let addr = net.nodes[i % 4].api_addr();
            let signer = dev_secret(label);
            let acked = Arc::clone(&acked);
            std::thread::spawn(move || {
                send_all(&addr, &signer, 1_000_000 * (i as u64 + 1), per_signer, &acked, deadline);
            })
        })
        .collect();
    // The victim dies under load, with txs it acknowledged waiting in its pool, and comes back.
    let until = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < (TXS / 4) as usize && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    net.nodes[VICTIM].kill().unwrap();
    std::thread::sleep(Duration::from_secs(3));
    net.nodes[VICTIM].start().unwrap();
    for sender in senders {
        sender.join().expect("a sender failed");
    }

    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= TXS as usize, "every tx was acknowledged at least once");
    let mut seen = BTreeMap::new();
    for hash in &acked {
        seen.insert(hash.clone(), ());
    }
    // Wait until every node holds every acknowledged tx; then count each one's occurrences.
    let wait_until = Instant::now() + Duration::from_secs(300);
    let last = acked.last().unwrap().clone();
    for node in 0..4 {
        net.wait_committed(node, &last, wait_until.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|error| panic!("node{node}: {error}"));
    }
    let tip = (0..4).filter_map(|node| net.nodes[node].height()).min().unwrap();
    for node in 0..4 {
        let counts = committed(&net, node, tip);
        for hash in seen.keys() {
            assert_eq!(counts.get(hash), Some(&1), "node{node}: tx {hash} committed once");
        }
        assert!(counts.values().all(|count| *count == 1), "node{node}: a tx committed twice");
    }
}
