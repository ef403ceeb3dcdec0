//! End-to-end: validators of the dev network agreeing by BFT consensus, each a separate
//! `onebook` process with its own RocksDB store, on 127.0.0.1.

use std::time::Duration;

use onebook_genesis::dev_secret;
use onebook_tests::devnet::{Devnet, register_member};
use onebook_types::{
    action::{Action, GovernanceChange},
    consortium::Validator,
    ids::{OrgId, ProposalId},
    keys::{PublicKey, SecretKey},
    suite::Suite,
};

/// The validator orgs' admins, one per node, so each node gets its own signer's txs.
const ADMINS: [&str; 4] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin", "xm-scjg/admin"];

/// Every node in `nodes` holds the same block hash and state root at every height in `heights`.
fn assert_same_chain(net: &Devnet, nodes: &[usize], heights: std::ops::RangeInclusive<u64>) {
    for height in heights {
        let first = net.block_roots(nodes[0], height).unwrap();
        for &node in &nodes[1..] {
            assert_eq!(
                net.block_roots(node, height).unwrap(),
                first,
                "node{node} at height {height}"
            );
        }
    }
}

/// Waits until the tx `hash` is committed on node `node`; its receipt code.
fn committed_code(net: &Devnet, node: usize, hash: &str, timeout: Duration) -> u64 {
    let receipt = net.wait_committed(node, hash, timeout).unwrap();
    receipt["code"].as_u64().unwrap()
}

#[test]
fn four_validators_commit_fifty_heights_with_identical_roots_while_txs_go_to_every_node() {
    fifty_heights(Suite::Ed25519Blake3);
}

/// Four validators of a chain of `suite` commit fifty heights with identical roots while txs
/// go to every node; a committed tx is never taken again.
pub(crate) fn fifty_heights(suite: Suite) {
    let mut net = Devnet::start_in(crate::node_binary(), suite, 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    // Signers no other devnet test uses, so each nonce sequence is this test's alone.
    let admins: Vec<SecretKey> = ["fj-gov/admin", "xm-gov/admin", "xm-djzx/admin", "xm-jypt/admin"]
        .iter()
        .map(|label| net.dev_secret(label))
        .collect();
    let mut submitted = Vec::new();

    for nonce in 1..=10u64 {
        for (node, admin) in admins.iter().enumerate() {
            let tx = register_member(admin, nonce, 100 * node as u64 + nonce);
            let (status, body) = net.nodes[node].submit(&tx).unwrap();
            assert_eq!(status, 202, "node{node}: {body}");
            submitted.push((tx, body["tx_hash"].as_str().unwrap().to_owned()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    net.wait_for_height(&[0, 1, 2, 3], 50, Duration::from_secs(300)).unwrap();

    assert_same_chain(&net, &[0, 1, 2, 3], 1..=50);
    for (_, hash) in &submitted {
        for node in 0..4 {
            assert_eq!(committed_code(&net, node, hash, Duration::from_secs(30)), 0, "{hash}");
        }
    }
    // Resubmitting a committed tx to any node never commits it again.
    for (tx, _) in submitted.iter().take(8) {
        for node in 0..4 {
            let (status, body) = net.nodes[node].submit(tx).unwrap();
            assert_eq!(status, 409, "node{node} took a committed tx again: {body}");
        }
    }
}

/// The same fifty heights on a chain of the national suite (SM2 votes and tx signatures, SM3
/// block, tx, state and history hashes).
#[test]
fn four_validators_commit_fifty_heights_on_an_sm2_sm3_devnet_slow() {
    fifty_heights(Suite::Sm2Sm3);
}

/// The kill -9 cycles on a chain of the national suite.
#[test]
fn a_killed_validator_of_an_sm2_sm3_devnet_rejoins_twenty_times_slow() {
    n4f1_kill_cycles(Suite::Sm2Sm3, 20);
}

#[test]
fn a_killed_validator_rejoins_twenty_times_and_no_committed_tx_is_lost() {
    n4f1_kill_cycles(Suite::Ed25519Blake3, 20);
}

#[test]
fn a_killed_validator_rejoins_a_hundred_times_slow() {
    n4f1_kill_cycles(Suite::Ed25519Blake3, 100);
}

/// Kills one validator with SIGKILL per cycle (each in turn) while txs go to the live ones;
/// the other three keep committing, the killed one restarts from its store and WAL and catches
/// up. At the end every tx is committed on every node and all four hold one chain.
pub(crate) fn n4f1_kill_cycles(suite: Suite, cycles: usize) {
    let mut net = Devnet::start_in(crate::node_binary(), suite, 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 2, Duration::from_secs(60)).unwrap();
    let admins: Vec<SecretKey> = ADMINS.iter().map(|label| net.dev_secret(label)).collect();
    let mut nonces = [0u64; 4];
    let mut hashes = Vec::new();

    for cycle in 0..cycles {
        let victim = cycle % 4;
        let live: Vec<usize> = (0..4).filter(|&node| node != victim).collect();
        net.nodes[victim].kill().unwrap();
        let before = live.iter().filter_map(|&node| net.nodes[node].height()).max().unwrap();
        // Each live node takes a tx from its own signer while the victim is down.
        for &node in &live {
            nonces[node] += 1;
            let tx =
                register_member(&admins[node], nonces[node], 10_000 * node as u64 + nonces[node]);
            let (status, body) = net.nodes[node].submit(&tx).unwrap();
            assert_eq!(status, 202, "cycle {cycle}, node{node}: {body}");
            hashes.push(body["tx_hash"].as_str().unwrap().to_owned());
        }
        net.wait_for_height(&live, before + 2, Duration::from_secs(60))
            .unwrap_or_else(|error| panic!("cycle {cycle}: the live validators stalled: {error}"));
        net.nodes[victim].start().unwrap();
        let tip = live.iter().filter_map(|&node| net.nodes[node].height()).max().unwrap();
        net.wait_for_height(&[victim], tip, Duration::from_secs(60)).unwrap_or_else(|error| {
            panic!("cycle {cycle}: node{victim} did not catch up: {error}")
        });
    }

    let tip = (0..4).filter_map(|node| net.nodes[node].height()).min().unwrap();
    assert_same_chain(&net, &[0, 1, 2, 3], 1..=tip);
    for hash in &hashes {
        for node in 0..4 {
            assert_eq!(committed_code(&net, node, hash, Duration::from_secs(60)), 0, "{hash}");
        }
    }
    for node in 0..4 {
        let log = std::fs::read_to_string(&net.nodes[node].log).unwrap_or_default();
        assert!(!log.to_ascii_lowercase().contains("equivocat"), "node{node} saw equivocation");
    }
}

#[test]
fn an_observer_started_late_syncs_from_genesis_and_matches_every_root() {
    let mut net = Devnet::start(crate::node_binary(), 4, 1).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 10, Duration::from_secs(120)).unwrap();

    net.nodes[4].start().unwrap();
    let tip = (0..4).filter_map(|node| net.nodes[node].height()).max().unwrap();
    // Every node, not only the observer, must hold the tip: a validator that was one height
    // behind when the tip was read has no block there yet.
    net.wait_for_height(&[0, 1, 2, 3, 4], tip, Duration::from_secs(120)).unwrap();

    assert_same_chain(&net, &[0, 1, 2, 3, 4], 1..=tip);
}

#[test]
fn a_node_whose_key_is_not_in_the_consortium_gets_no_block_and_no_tx_through() {
    let mut net = Devnet::start(crate::node_binary(), 4, 1).unwrap();
    // node4 is listed in every validator's peers under the key `testnet` gave it; it runs under
    // another key instead, so it is a stranger that knows the consortium's addresses.
    let outsider = &net.nodes[4];
    let status = std::process::Command::new(&outsider.binary)
        .arg("--home")
        .arg(&outsider.home)
        .args(["keys", "generate", "--name", "outsider"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let config_path = outsider.home.join("config.toml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    assert!(config.contains("node_key = \"node\""), "{config}");
    std::fs::write(&config_path, config.replace("node_key = \"node\"", "node_key = \"outsider\""))
        .unwrap();
    net.nodes[4].start().unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 8, Duration::from_secs(120)).unwrap();

    // A tx the stranger admits never reaches the consortium.
    let tx = register_member(&dev_secret("xm-jypt/admin"), 1, 900);
    let (status, body) = net.nodes[4].submit(&tx).unwrap();
    assert_eq!(status, 202, "{body}");
    let hash = body["tx_hash"].as_str().unwrap().to_owned();
    let tip = (0..4).filter_map(|node| net.nodes[node].height()).min().unwrap();
    net.wait_for_height(&[0, 1, 2, 3], tip + 4, Duration::from_secs(120)).unwrap();

    assert_eq!(net.nodes[4].height(), Some(0), "the stranger synced blocks");
    for node in 0..4 {
        let (_, body) = net.nodes[node].get(&format!("/v1/txs/{hash}")).unwrap();
        assert_ne!(body["status"], "committed", "node{node} committed the stranger's tx");
        assert_ne!(body["status"], "pending", "node{node} took the stranger's tx");
    }
}

#[test]
fn an_idle_chain_makes_no_block_before_its_interval_and_a_tx_starts_one_at_once() {
    // An hour between empty blocks: any block after the first few is made for a tx.
    let mut net = Devnet::start_idle(crate::node_binary(), 4, 0, "1h").unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let idle = (0..4).filter_map(|node| net.nodes[node].height()).max().unwrap();
    std::thread::sleep(Duration::from_secs(5));
    let still = (0..4).filter_map(|node| net.nodes[node].height()).max().unwrap();
    assert_eq!(still, idle, "the idle chain made blocks");

    let tx = register_member(&dev_secret("xm-djzx/admin"), 1, 700);
    let (status, body) = net.nodes[1].submit(&tx).unwrap();
    assert_eq!(status, 202, "{body}");
    let hash = body["tx_hash"].as_str().unwrap().to_owned();
    // Well inside the hour: the tx started a height on every node.
    for node in 0..4 {
        assert_eq!(committed_code(&net, node, &hash, Duration::from_secs(60)), 0);
    }
}

#[test]
fn a_validator_added_by_governance_signs_from_the_next_height_and_carries_the_chain() {
    let mut net = Devnet::start(crate::node_binary(), 4, 1).unwrap();
    net.nodes[4].start().unwrap();
    net.wait_for_height(&[0, 1, 2, 3, 4], 1, Duration::from_secs(60)).unwrap();
    let output = std::process::Command::new(&net.nodes[4].binary)
        .arg("--home")
        .arg(&net.nodes[4].home)
        .args(["keys", "show", "--name", "node"])
        .output()
        .unwrap();
    let key = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let node_key: PublicKey =
        serde_json::from_value(serde_json::Value::String(key.clone())).unwrap();

    // The observer's node becomes a validator of xm-djzx: a proposal and three of four votes.
    let change = GovernanceChange::SetValidator {
        validator: Validator { node_key, org: OrgId::from("xm-djzx"), power: 10 },
    };
    let wait = Duration::from_secs(60);
    let action = Action::SubmitProposal { change, rationale: "大数据中心节点加入".into() };
    net.commit(0, "fj-sjj/admin", 1, action, wait).unwrap();
    let vote = || Action::VoteProposal { proposal: ProposalId(1), approve: true };
    net.commit(0, "fj-sjj/admin", 2, vote(), wait).unwrap();
    net.commit(0, "xm-dsj/admin", 1, vote(), wait).unwrap();
    let changed = net.commit(0, "xm-gaj/admin", 1, vote(), wait).unwrap();

    // The block that passed the change names the new set as the next one; the block above it
    // is signed by the new set.
    net.wait_for_height(&[0], changed + 1, wait).unwrap();
    let (_, passed) = net.nodes[0].get(&format!("/v1/blocks/{changed}")).unwrap();
    let (_, above) = net.nodes[0].get(&format!("/v1/blocks/{}", changed + 1)).unwrap();
    assert_ne!(passed["header"]["next_validator_set_hash"], passed["header"]["validator_set_hash"]);
    assert_eq!(above["header"]["validator_set_hash"], passed["header"]["next_validator_set_hash"]);

    // With one of the old four stopped, the other three hold 30 of 50: blocks need the new
    // validator's precommit, and its key is in their certificates.
    net.nodes[3].kill().unwrap();
    let tip = net.nodes[0].height().unwrap();
    net.wait_for_height(&[0, 1, 2, 4], tip + 3, Duration::from_secs(120)).unwrap();
    let (_, later) = net.nodes[0].get(&format!("/v1/blocks/{}", tip + 3)).unwrap();
    let signers: Vec<&str> = later["certificate"]["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|signature| signature["node_key"].as_str())
        .collect();
    assert!(signers.contains(&key.as_str()), "{signers:?} lacks {key}");
    assert_same_chain(&net, &[0, 1, 2, 4], 1..=tip + 3);
}
