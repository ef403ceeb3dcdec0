//! End-to-end: real `onebook` processes on 127.0.0.1, each with its own RocksDB store, driven
//! only through their REST APIs.

use std::time::Duration;

use onebook_genesis::dev_secret;
use onebook_tests::{
    devnet::{Devnet, http, register_member},
    rng::Rng,
};

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
    // Two of the four validators stopped and an observer started: the three running nodes
    // gossip but hold no quorum, so no block takes the txs out of the pools while the test looks.
    let mut net = Devnet::start(crate::node_binary(), 4, 1).unwrap();
    net.wait_for_height(&[0, 1], 0, Duration::from_secs(30)).unwrap();
    for node in [2, 3] {
        net.nodes[node].kill().unwrap();
    }
    net.nodes[4].start().unwrap();
    net.wait_for_height(&[4], 0, Duration::from_secs(30)).unwrap();
    let admin = dev_secret("xm-gaj/admin");
    let mut hashes = Vec::new();

    for nonce in 1..=20 {
        let (status, body) =
            net.nodes[0].submit(&register_member(&admin, nonce, 100 + nonce)).unwrap();
        assert_eq!(status, 202, "{body}");
        hashes.push(body["tx_hash"].as_str().unwrap().to_owned());
    }

    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    for node in [1, 4] {
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

/// Random path segments for malformed requests.
trait Segments {
    /// A path segment of URL-safe characters, sometimes empty, sometimes long.
    fn segment(&mut self) -> String;
}

impl Segments for Rng {
    fn segment(&mut self) -> String {
        const CHARS: &[u8] = b"abcdefxyz0123456789-_.:~%";
        let len = [0, 1, 8, 64, 300][self.below(5) as usize];
        (0..len).map(|_| CHARS[self.below(CHARS.len() as u64) as usize] as char).collect()
    }
}

/// One generated malformed request: method, path, and body with its media type.
fn malformed(rng: &mut Rng, valid_tx: &[u8]) -> (&'static str, String, Option<(String, Vec<u8>)>) {
    const LISTS: [&str; 8] = [
        "orgs",
        "members",
        "catalog/entries",
        "grants",
        "access-events",
        "property/certificates",
        "obligations",
        "share-requests",
    ];
    let list = LISTS[rng.below(LISTS.len() as u64) as usize];
    let octet = |bytes: Vec<u8>| Some(("application/octet-stream".to_owned(), bytes));
    let json = |text: String| Some(("application/json".to_owned(), text.into_bytes()));
    match rng.below(14) {
        0 => {
            let len = rng.below(400) as usize;
            ("POST", "/v1/txs".into(), octet(rng.bytes(len)))
        }
        1 => {
            // A valid tx with one byte changed: a bad signature, another chain, or no decoding.
            let mut tx = valid_tx.to_vec();
            let at = rng.below(tx.len() as u64) as usize;
            tx[at] ^= 1 + rng.below(255) as u8;
            ("POST", "/v1/txs".into(), octet(tx))
        }
        2 => {
            let cut = rng.below(valid_tx.len() as u64) as usize;
            ("POST", "/v1/txs".into(), octet(valid_tx[..cut].to_vec()))
        }
        3 => ("POST", "/v1/txs".into(), json(format!("{{\"tx\": \"{}\"", rng.segment()))),
        4 => ("POST", "/v1/txs".into(), json(format!("{{\"tx\": \"{}\"}}", rng.segment()))),
        5 => (
            "POST",
            "/v1/txs".into(),
            json(format!("{{\"tx\": \"00\", \"{}\": 1}}", rng.segment())),
        ),
        6 => ("POST", "/v1/txs".into(), Some(("text/plain".to_owned(), rng.bytes(16)))),
        7 => {
            let len = 200_000 + rng.below(100_000) as usize;
            ("POST", "/v1/txs".into(), octet(vec![0; len]))
        }
        8 => (
            "GET",
            format!("/v1/{list}?limit={}", [0, 101, 1_000_000][rng.below(3) as usize]),
            None,
        ),
        9 => ("GET", format!("/v1/{list}?cursor={}", rng.segment()), None),
        10 => ("GET", format!("/v1/{list}?{}=1", rng.segment()), None),
        11 => ("GET", format!("/v1/{list}/{}?height={}", rng.segment(), rng.next_u64()), None),
        12 => ("GET", format!("/v1/blocks/{}", rng.segment()), None),
        _ => {
            let route = ["proofs/records", "proofs/txs", "timeline", "txs"][rng.below(4) as usize];
            ("GET", format!("/v1/{route}/{}", rng.segment()), None)
        }
    }
}

#[test]
fn ten_thousand_malformed_requests_get_no_5xx_and_the_chain_keeps_committing() {
    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |since| since.as_nanos() as u64 | 1);
    eprintln!("seed {seed}");
    let mut rng = Rng::new(seed);
    let admin = dev_secret("xm-scjg/admin");
    let valid_tx = register_member(&admin, 1, 5_000);
    let start = net.nodes[0].height().unwrap();
    let port = net.nodes[0].api_port;

    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for n in 0..10_000u32 {
        let (method, path, body) = malformed(&mut rng, &valid_tx);
        let body = body.as_ref().map(|(media, bytes)| (media.as_str(), bytes.as_slice()));
        let (status, problem) = http(port, method, &path, body)
            .unwrap_or_else(|error| panic!("request {n} {method} {path}: {error}"));
        assert!(status < 500, "request {n} {method} {path}: {status} {problem}");
        if method == "POST" {
            assert!((400..500).contains(&status), "request {n} {method} {path}: {status}");
            assert!(
                problem["detail"].as_str().is_some_and(|detail| !detail.is_empty()),
                "request {n} {method} {path}: {status} without a problem: {problem}"
            );
        }
        *statuses.entry(status).or_default() += 1;
    }
    eprintln!("statuses {statuses:?}");

    // The node still takes a valid tx, and the chain still commits.
    let (status, body) = net.nodes[0].submit(&valid_tx).unwrap();
    assert_eq!(status, 202, "{body}");
    let hash = body["tx_hash"].as_str().unwrap().to_owned();
    net.wait_for_height(&[0, 1, 2, 3], start + 3, Duration::from_secs(60)).unwrap();
    let receipt = net.wait_committed(0, &hash, Duration::from_secs(60)).unwrap();
    assert_eq!(receipt["code"], 0, "{receipt}");
}

#[test]
fn onebook_tx_signs_submits_and_waits_for_receipts_with_nonces_from_the_node() {
    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let node = &net.nodes[0];
    let onebook = |args: &[&str]| {
        std::process::Command::new(&node.binary)
            .arg("--home")
            .arg(&node.home)
            .args(args)
            .output()
            .unwrap()
    };
    let keyed = onebook(&["keys", "generate", "--name", "clerk", "--dev-label", "xm-gaj/admin"]);
    assert!(keyed.status.success(), "{}", String::from_utf8_lossy(&keyed.stderr));
    let address = format!("127.0.0.1:{}", node.api_port);
    let register = |n: u64| {
        serde_json::to_string(&onebook_types::action::Action::RegisterMember {
            key: dev_secret(&format!("cli-member-{n}")).public_key(),
            name: "网关".into(),
            roles: vec![onebook_types::consortium::Role::DataUser],
        })
        .unwrap()
    };

    // Two txs in a row: each takes its nonce from the node.
    for n in 1..=2 {
        let action = register(n);
        let out = onebook(&[
            "tx", "--key", "clerk", "--node", &address, "--action", &action, "--wait", "60",
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("\"status\": \"committed\""), "{stdout}");
    }
    let (_, nonces) =
        node.get(&format!("/v1/nonces/{}", dev_secret("xm-gaj/admin").public_key())).unwrap();
    assert_eq!((nonces["committed"].as_u64(), nonces["next"].as_u64()), (Some(2), Some(3)));

    // The same member again: committed, refused by the rules, and the command says so.
    let action = register(1);
    let out =
        onebook(&["tx", "--key", "clerk", "--node", &address, "--action", &action, "--wait", "60"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused"), "{out:?}");
    // Not JSON of an action: nothing is sent.
    let out =
        onebook(&["tx", "--key", "clerk", "--node", &address, "--action", "{\"type\": \"fly\"}"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON of an action"));
}
