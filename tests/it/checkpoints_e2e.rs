//! End-to-end, with real processes: witnessed checkpoints and anchored bundles.
//!
//! 1. Four validators and two `onebook witness` processes (the dev network's witnesses, both
//!    needed): checkpoints every 10 heights are cosigned; a tx bundle from before and one from
//!    after a validator-set change passed by governance both verify with `onebook verify-proof`;
//!    with one witness stopped, new checkpoints stay below the threshold and a new bundle is
//!    refused as unanchored, not silently accepted.
//! 2. Two devnets, a city chain and a provincial chain, each with its own genesis file and
//!    witness: the province's governance admits the city chain, `onebook anchor` records the
//!    city's witnessed checkpoints on the province, and a city bundle carrying the province's
//!    proof verifies with both genesis files.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use onebook_genesis::dev_secret;
use onebook_tests::devnet::Devnet;
use onebook_types::{
    action::{Action, GovernanceChange},
    consortium::{Role, Validator},
    ids::{OrgId, ProposalId},
};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(120);

/// A cheap accepted tx: `admin` registers the dev key `member-<n>` as a data user.
fn register(n: u64) -> Action {
    Action::RegisterMember {
        key: dev_secret(&format!("member-{n}")).public_key(),
        name: "网关".into(),
        roles: vec![Role::DataUser],
    }
}

/// The hash of the tx `label` committed at `nonce` with `action`, and its height.
fn commit(net: &Devnet, label: &str, nonce: u64, action: Action) -> (String, u64) {
    let secret = dev_secret(label);
    let body = onebook_types::tx::TxBody {
        chain_id: net.chain_id.clone(),
        signer: secret.public_key(),
        nonce: onebook_types::ids::Nonce(nonce),
        valid_until: onebook_types::ids::Height(1_000_000),
        action,
    };
    let tx = body.sign(&secret);
    let hash = tx.hash().to_hex();
    let (status, answer) = net.nodes[0].submit(&onebook_types::codec::encode(&tx)).unwrap();
    assert_eq!(status, 202, "{label}: {answer}");
    let receipt = net.wait_committed(0, &hash, WAIT).unwrap();
    assert_eq!(receipt["code"], 0, "{label}: {receipt}");
    (hash, receipt["height"].as_u64().unwrap())
}

/// `GET path` on node 0's API, the raw body of a 200.
fn fetch(net: &Devnet, path: &str) -> Vec<u8> {
    let (status, body) =
        onebook_tests::devnet::http_raw(net.nodes[0].api_port, "GET", path, None).unwrap();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    body
}

/// Writes `bundle` to `name` in `dir` and runs `verify-proof` with the genesis files and flags.
fn verify_proof(dir: &Path, name: &str, bundle: &[u8], args: &[&str]) -> (i32, String, String) {
    let path = dir.join(name);
    std::fs::write(&path, bundle).unwrap();
    let output = Command::new(crate::node_binary())
        .arg("verify-proof")
        .args(args)
        .arg(&path)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

/// Every checkpoint node 0 lists, as JSON.
fn checkpoints(net: &Devnet) -> Vec<Value> {
    let (status, page) = net.nodes[0].get("/v1/checkpoints?after=0&limit=100").unwrap();
    assert_eq!(status, 200, "{page}");
    page["checkpoints"].as_array().unwrap().clone()
}

/// Waits until the chain on node 0 is past `height`.
fn wait_past(net: &mut Devnet, height: u64) {
    net.wait_for_height(&[0], height + 1, WAIT).unwrap();
}

#[test]
fn witnesses_cosign_checkpoints_across_a_set_change_and_below_their_threshold_nothing_anchors() {
    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, WAIT).unwrap();
    let mut witnesses = ["fj-sjj/witness", "xm-sjj/witness"]
        .map(|label| net.start_witness(label, &[0, 1, 2, 3]).unwrap());
    let genesis = net.nodes[0].home.join("genesis.json");
    let genesis = genesis.to_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();

    // Before the set change: a tx, anchored once a checkpoint above it is witnessed.
    let (before, before_height) = commit(&net, "xm-dsj/admin", 1, register(900));
    let first = net.wait_witnessed(0, before_height, WAIT).unwrap();
    let before_bundle = fetch(&net, &format!("/v1/proofs/txs/{before}"));
    let (status, stdout, stderr) =
        verify_proof(dir.path(), "before.bundle", &before_bundle, &["--genesis", &genesis]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.contains("accepted with code 0"), "{stdout}");
    assert!(stdout.contains(&format!("anchored at witnessed checkpoint {first}")), "{stdout}");

    // A validator-set change by governance: xm-scjg's validator re-weighted to 20.
    let node_key = dev_secret("xm-scjg/node").public_key();
    let change = GovernanceChange::SetValidator {
        validator: Validator { node_key, org: OrgId::from("xm-scjg"), power: 20 },
    };
    commit(&net, "fj-sjj/admin", 1, Action::SubmitProposal { change, rationale: "扩容".into() });
    let vote = || Action::VoteProposal { proposal: ProposalId(1), approve: true };
    commit(&net, "fj-sjj/admin", 2, vote());
    commit(&net, "xm-dsj/admin", 2, vote());
    let (_, changed) = commit(&net, "xm-gaj/admin", 1, vote());
    let (status, block) = net.nodes[0].get(&format!("/v1/blocks/{changed}")).unwrap();
    assert_eq!(status, 200);
    assert_ne!(block["header"]["next_validator_set_hash"], block["header"]["validator_set_hash"]);

    // After it: a bundle whose header is signed by the new set, walked from genesis.
    let (after, after_height) = commit(&net, "xm-dsj/admin", 3, register(901));
    net.wait_witnessed(0, after_height, WAIT).unwrap();
    let after_bundle = fetch(&net, &format!("/v1/proofs/txs/{after}"));
    let decoded = onebook_verifier::decode(&after_bundle).unwrap();
    assert_eq!(decoded.set_changes.len(), 1, "the change is carried");
    for (name, bundle) in [("before-again.bundle", &before_bundle), ("after.bundle", &after_bundle)]
    {
        let (status, stdout, stderr) =
            verify_proof(dir.path(), name, bundle, &["--genesis", &genesis]);
        assert_eq!(status, 0, "{name}: {stdout}{stderr}");
    }

    // Cosigning latency: from a checkpoint's block time to each witness's cosignature.
    let mut latencies = Vec::new();
    for summary in checkpoints(&net).iter().filter(|summary| summary["witnessed"] == true) {
        let height = summary["checkpoint"]["height"].as_u64().unwrap();
        let (_, view) = net.nodes[0].get(&format!("/v1/checkpoints/{height}")).unwrap();
        let time = view["checkpoint"]["time"].as_u64().unwrap();
        for cosignature in view["cosignatures"].as_array().unwrap() {
            latencies.push(cosignature["time"].as_u64().unwrap().saturating_sub(time));
        }
    }
    latencies.sort_unstable();
    let median = latencies[latencies.len() / 2];
    println!(
        "checkpoint cosigning latency (block time to cosignature, ms) over {} cosignatures: \
         median {median}, max {}",
        latencies.len(),
        latencies.last().unwrap()
    );

    // One witness of two stopped: the threshold is 2, so nothing newer is witnessed.
    witnesses[1].kill().unwrap();
    // A cosignature the stopped witness sent just before may still be on its way.
    std::thread::sleep(Duration::from_secs(2));
    let last_witnessed = net.wait_witnessed(0, 1, WAIT).unwrap();
    let (late, late_height) = commit(&net, "xm-dsj/admin", 4, register(902));
    let next_checkpoint = (late_height / 10 + 1) * 10;
    wait_past(&mut net, next_checkpoint + 2);
    let deadline = Instant::now() + Duration::from_secs(10);
    let unwitnessed = loop {
        let (_, view) = net.nodes[0].get(&format!("/v1/checkpoints/{next_checkpoint}")).unwrap();
        if view["cosignatures"].as_array().is_some_and(|c| !c.is_empty())
            || Instant::now() > deadline
        {
            break view;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(unwitnessed["witnessed"], false, "{unwitnessed}");
    assert_eq!(unwitnessed["cosignatures"].as_array().unwrap().len(), 1, "{unwitnessed}");
    let (_, page) = net.nodes[0].get("/v1/checkpoints?after=0&limit=1").unwrap();
    assert_eq!(page["newest_witnessed"].as_u64(), Some(last_witnessed), "{page}");
    assert!(last_witnessed < late_height);
    let late_bundle = fetch(&net, &format!("/v1/proofs/txs/{late}"));
    let (status, stdout, stderr) =
        verify_proof(dir.path(), "late.bundle", &late_bundle, &["--genesis", &genesis]);
    assert_eq!(status, 1, "an unanchored bundle is refused: {stdout}");
    assert!(stderr.contains("(unanchored)"), "{stderr}");
    assert!(stderr.contains("not anchored"), "{stderr}");
    assert!(witnesses[0].state()["last"]["height"].as_u64() >= Some(next_checkpoint));
}

/// `dev.json` reshaped into another network: `chain_id`, one validator (the dev node key of
/// `validator_org`) and one witness (the dev key `witness`, threshold 1, every 5 heights).
fn network_genesis(chain_id: &str, validator_org: &str, witness: &str) -> Value {
    let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/../genesis/networks/dev.json");
    let mut genesis: Value = serde_json::from_str(&std::fs::read_to_string(dev).unwrap()).unwrap();
    genesis["chain_id"] = Value::from(chain_id);
    let validators: Vec<Value> = genesis["validators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|validator| validator["org"] == validator_org)
        .cloned()
        .collect();
    genesis["validators"] = Value::from(validators);
    let witness = serde_json::json!({
        "key": dev_secret(witness).public_key(),
        "name": format!("{witness} 见证节点"),
        "dev_label": witness,
    });
    genesis["checkpoints"] =
        serde_json::json!({ "interval": 5, "threshold": 1, "witnesses": [witness] });
    genesis
}

#[test]
fn a_city_bundle_carrying_the_provinces_record_of_its_checkpoint_verifies_with_both_genesis_files()
{
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, value: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
        path
    };
    let city_genesis =
        write("city.json", &network_genesis("onebook-xm-1", "xm-dsj", "xm-sjj/witness"));
    let province_genesis =
        write("province.json", &network_genesis("onebook-fj-1", "fj-sjj", "fj-sjj/witness"));
    let mut city = Devnet::start_genesis(crate::node_binary(), &city_genesis, 1).unwrap();
    let mut province = Devnet::start_genesis(crate::node_binary(), &province_genesis, 1).unwrap();
    city.wait_for_height(&[0], 1, WAIT).unwrap();
    province.wait_for_height(&[0], 1, WAIT).unwrap();
    let _city_witness = city.start_witness("xm-sjj/witness", &[0]).unwrap();
    let _province_witness = province.start_witness("fj-sjj/witness", &[0]).unwrap();

    // The province admits the city chain: its genesis hash and witnesses, by governance.
    let city_file =
        onebook_genesis::GenesisFile::from_json_validated(&std::fs::read(&city_genesis).unwrap())
            .unwrap();
    let change = GovernanceChange::AdmitChildChain {
        chain_id: city_file.chain_id.clone(),
        genesis_hash: city_file.hash(),
        witnesses: city_file.checkpoint_policy().witnesses,
    };
    commit(
        &province,
        "fj-sjj/admin",
        1,
        Action::SubmitProposal { change, rationale: "厦门链接入".into() },
    );
    commit(
        &province,
        "fj-sjj/admin",
        2,
        Action::VoteProposal { proposal: ProposalId(1), approve: true },
    );

    // A relay with a province member key records the city's witnessed checkpoints.
    let city_witnessed = city.wait_witnessed(0, 5, WAIT).unwrap();
    let relay = dir.path().join("relay");
    let onebook = |args: &[&str]| {
        let output = Command::new(crate::node_binary())
            .arg("--home")
            .arg(&relay)
            .args(args)
            .env("RUST_LOG", "info")
            .output()
            .unwrap();
        (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    // The province's genesis first: on a `dev_only` network the key file is written plain.
    std::fs::create_dir_all(&relay).unwrap();
    std::fs::copy(&province_genesis, relay.join("genesis.json")).unwrap();
    let (generated, log) =
        onebook(&["keys", "generate", "--name", "relay", "--dev-label", "fj-gov/admin"]);
    assert!(generated, "{log}");
    let (anchored, log) = onebook(&[
        "anchor",
        "--node",
        &city.api_addr(0),
        "--parent-node",
        &province.api_addr(0),
        "--key",
        "relay",
        "--once",
    ]);
    assert!(anchored, "{log}");
    let (_, record) = province.nodes[0].get("/v1/status").unwrap();
    let anchored_height = record["height"].as_u64().unwrap();
    // The province's own witness anchors its record.
    province.wait_witnessed(0, anchored_height, WAIT).unwrap();

    // Stop the city's node, cut a bundle from its store with the province's proof, verify it.
    city.nodes[0].stop(Duration::from_secs(30)).unwrap();
    let bundle = dir.path().join("city.bundle");
    let output = Command::new(crate::node_binary())
        .arg("--home")
        .arg(&city.nodes[0].home)
        .args(["proof", "--record", "org:xm-dsj", "--parent-node", &province.api_addr(0), "--out"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let bytes = std::fs::read(&bundle).unwrap();
    let city_path = city_genesis.to_str().unwrap();
    let province_path = province_genesis.to_str().unwrap();

    let both = ["--genesis", city_path, "--parent-genesis", province_path];
    let (status, stdout, stderr) = verify_proof(dir.path(), "both.bundle", &bytes, &both);
    let (alone, alone_out, _) =
        verify_proof(dir.path(), "alone.bundle", &bytes, &["--genesis", city_path]);
    let swapped = ["--genesis", city_path, "--parent-genesis", city_path];
    let (wrong, _, wrong_err) = verify_proof(dir.path(), "wrong.bundle", &bytes, &swapped);

    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.contains("recorded on parent chain onebook-fj-1"), "{stdout}");
    assert!(city_witnessed >= 5);
    assert_eq!(alone, 0, "the city genesis alone still verifies it: {alone_out}");
    assert!(alone_out.contains("not checked"), "{alone_out}");
    assert_eq!(wrong, 1, "the city is not its own parent: {wrong_err}");
    assert!(wrong_err.contains("(parent-bundle)"), "{wrong_err}");
}
