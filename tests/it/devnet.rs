//! End-to-end: real `onebook` processes on 127.0.0.1, each with its own RocksDB store, driven
//! only through their REST APIs.

use std::time::Duration;

use onebook_genesis::dev_secret;
use onebook_tests::devnet::{Devnet, http, register_member};

#[test]
fn a_node_process_admits_txs_once_and_answers_malformed_requests_with_problems() {
    let mut net = Devnet::start(crate::node_binary(), 1, 0).unwrap();
    net.wait_for_height(&[0], 0, Duration::from_secs(30)).unwrap();
    let node = &net.nodes[0];
    let admin = dev_secret("xm-dsj/admin");

    let (accepted, body) = node.submit(&register_member(&admin, 1, 1)).unwrap();
    let (duplicate, problem) = node.submit(&register_member(&admin, 1, 1)).unwrap();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for n in 0..1_000u32 {
        let bytes = n.to_le_bytes().repeat(1 + (n % 7) as usize);
        let (status, _) = match n % 4 {
            0 => http(node.api_port, "POST", "/v1/txs", Some(("application/octet-stream", &bytes))),
            1 => http(node.api_port, "POST", "/v1/txs", Some(("application/json", &bytes))),
            2 => http(node.api_port, "GET", &format!("/v1/txs/{n:x}"), None),
            _ => http(node.api_port, "GET", &format!("/v1/blocks/{}", i64::from(n) - 500), None),
        }
        .unwrap();
        *statuses.entry(status).or_default() += 1;
    }

    assert_eq!(accepted, 202, "{body}");
    assert_eq!(duplicate, 409, "{problem}");
    assert_eq!(problem["type"], "/problems/tx-duplicate");
    assert!(statuses.keys().all(|status| (400..500).contains(status)), "{statuses:?}");
    assert_eq!(net.nodes[0].get("/v1/status").unwrap().1["pending_txs"], 1);
}

#[test]
fn a_tx_admitted_by_one_node_is_gossiped_to_the_others_in_order() {
    let mut net = Devnet::start(crate::node_binary(), 3, 0).unwrap();
    net.wait_for_height(&[0, 1, 2], 0, Duration::from_secs(30)).unwrap();
    let admin = dev_secret("xm-gaj/admin");
    let mut hashes = Vec::new();

    for nonce in 1..=20 {
        let (status, body) =
            net.nodes[0].submit(&register_member(&admin, nonce, 100 + nonce)).unwrap();
        assert_eq!(status, 202, "{body}");
        hashes.push(body["tx_hash"].as_str().unwrap().to_owned());
    }

    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    for node in [1, 2] {
        loop {
            let pending = net.nodes[node].get("/v1/status").unwrap().1["pending_txs"].as_u64();
            if pending == Some(20) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "node{node} holds {pending:?} of 20");
            std::thread::sleep(Duration::from_millis(100));
        }
        for hash in &hashes {
            let (status, body) = net.nodes[node].get(&format!("/v1/txs/{hash}")).unwrap();
            assert_eq!((status, body["status"].as_str()), (200, Some("pending")), "node{node}");
        }
    }
}
