//! Sync benchmark: a node started on an empty store syncs a history of `ONEBOOK_BENCH_BLOCKS`
//! blocks (default 10,000) of `ONEBOOK_BENCH_TXS_PER_BLOCK` signed txs each (default 100) from
//! four validator processes started on copies of it, on 127.0.0.1. The history is built straight
//! into a store (`onebook_tests::history`): real txs executed by the ledger rules, each block
//! certified by the four dev validators' keys, so the syncing node checks every certificate,
//! signature and root as it would on a live network.
//!
//! Then a second empty node joins the same validators from a verified state snapshot instead
//! (`onebook snapshot create` on a running validator, then `onebook start --from-snapshot`,
//! `docs/operate.md`), and the two ways in are compared.
//!
//! Prints `sync_history` (how long building the history took), `sync_validators_ready` (how
//! long the validators took to answer `GET /v1/status` with the history's tip),
//! `sync_empty_node`: blocks and txs of history synced per second, from the observer's start to
//! its holding the history's tip, with the `sync` object of its `GET /v1/status` sampled on the
//! way, and `sync_snapshot_join`: the time to create the snapshot and for the joining node to
//! hold the tip from it, beside the full sync's time.
//!
//! Before the snapshot, the consortium admits the joining agency (`xm-hlq`, the district of
//! `admit_hlq`) by a proposal and three votes of validator orgs' admins, as `docs/operate.md`
//! describes; `sync_snapshot_join` then checks the joined node's state root and block hash at
//! the tip against a validator's.
//!
//! `ONEBOOK_BENCH_JOIN=0` skips the admission and the snapshot join.
#![allow(clippy::disallowed_methods, reason = "a benchmark measures wall-clock time")]

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use eyre::{WrapErr, bail, eyre};
use onebook_tests::{
    devnet::{Node, admit_hlq, free_base_port, register_member},
    history,
};
use onebook_types::{
    action::Action,
    ids::{ChainId, ProposalId},
    suite::Suite,
};
use serde_json::Value;

/// The admins of three of the four validator orgs: enough to pass a proposal.
const VOTERS: [&str; 3] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"];

/// Validators, then the observer that syncs every block, then the one that joins from a
/// snapshot.
const VALIDATORS: usize = 4;
const FULL_SYNC: usize = 4;
const SNAPSHOT_JOIN: usize = 5;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn main() -> eyre::Result<()> {
    let blocks = env_or("ONEBOOK_BENCH_BLOCKS", 10_000);
    let txs_per_block = env_or("ONEBOOK_BENCH_TXS_PER_BLOCK", 100);
    let join = env_or("ONEBOOK_BENCH_JOIN", 1) != 0;
    let binary: PathBuf = std::env::current_exe()?
        .parent()
        .ok_or_else(|| eyre!("the benchmark has no folder"))?
        .join("onebook-node");
    let dir = tempfile::tempdir()?;

    let started = Instant::now();
    let built = history::build(&dir.path().join("history"), blocks, txs_per_block)?;
    println!(
        "sync_history blocks={blocks} txs_per_block={txs_per_block} txs={} build_s={:.1}",
        built.txs,
        started.elapsed().as_secs_f64()
    );

    let base = free_base_port(SNAPSHOT_JOIN + 1)?;
    let out = dir.path().join("net");
    let status = Command::new(&binary)
        .args(["testnet", "--nodes", "4", "--observers", "2", "--base-port", &base.to_string()])
        .args(["--idle-block-interval", "1h", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("onebook testnet failed: {status}");
    }
    let mut nodes: Vec<Node> = (0..=SNAPSHOT_JOIN)
        .map(|i| {
            Node::new(
                binary.clone(),
                out.join(format!("node{i}")),
                base + 10 * i as u16,
                out.join(format!("node{i}.log")),
            )
        })
        .collect();
    let started = Instant::now();
    for node in &mut nodes[..VALIDATORS] {
        history::copy_store(&dir.path().join("history"), &node.home.join("data"))?;
        node.start()?;
    }
    for node in &nodes[..VALIDATORS] {
        wait(node, blocks, Duration::from_secs(300)).wrap_err("the validators did not start")?;
    }
    println!(
        "sync_validators_ready seconds={:.1} (copies of the history started and serving its tip)",
        started.elapsed().as_secs_f64()
    );

    let full = sync_from_empty(&mut nodes[FULL_SYNC], blocks, &[])?;
    println!(
        "sync_empty_node blocks={blocks} txs={} seconds={full:.1} blocks_per_s={:.0} \
         txs_per_s={:.0} (from process start to the history's tip; goal 50000 tx/s)",
        built.txs,
        blocks as f64 / full,
        built.txs as f64 / full
    );

    if join {
        let started = Instant::now();
        let tip = admit_the_agency(&nodes[0])?;
        println!(
            "sync_admission seconds={:.1} tip={tip} (xm-hlq admitted by a proposal and three votes)",
            started.elapsed().as_secs_f64()
        );
        let file = dir.path().join("state.snapshot");
        let started = Instant::now();
        let created = Command::new(&binary)
            .arg("--home")
            .arg(&nodes[0].home)
            .args(["snapshot", "create", "--out"])
            .arg(&file)
            .stdin(Stdio::null())
            .output()?;
        if !created.status.success() {
            bail!("snapshot create failed: {}", String::from_utf8_lossy(&created.stderr));
        }
        let create_s = started.elapsed().as_secs_f64();
        let bytes = std::fs::metadata(&file)?.len();
        let file = file.to_str().ok_or_else(|| eyre!("the snapshot's path is not UTF-8"))?;
        let joined = sync_from_empty(&mut nodes[SNAPSHOT_JOIN], tip, &["--from-snapshot", file])?;
        // The new agency's first tx, through a validator: the joined node follows, and its
        // roots and hashes equal a validator's at the snapshot's height and at every later one.
        let admin = onebook_genesis::dev_secret("xm-hlq/admin");
        let (status, body) = nodes[0].submit(&register_member(&admin, 1, 1))?;
        if status != 202 {
            bail!("xm-hlq's first tx: {status} {body}");
        }
        let later = tip + 1;
        wait(&nodes[SNAPSHOT_JOIN], later, Duration::from_secs(120))?;
        for height in tip..=later {
            let roots = |node: &Node| -> eyre::Result<(Value, Value)> {
                let (_, block) = node.get(&format!("/v1/blocks/{height}"))?;
                Ok((block["header"]["state_root"].clone(), block["hash"].clone()))
            };
            let (joined, validator) = (roots(&nodes[SNAPSHOT_JOIN])?, roots(&nodes[1])?);
            if joined != validator || joined.0.is_null() {
                bail!(
                    "at {height} the joined node's root and hash {joined:?} differ from a validator's {validator:?}"
                );
            }
        }
        println!(
            "sync_snapshot_join blocks={tip} txs={} snapshot_bytes={bytes} create_s={create_s:.1} \
             join_s={joined:.1} total_s={:.1} full_sync_s={full:.1} speedup={:.1}x (create on a \
             running validator, then start --from-snapshot to the tip; state roots and block \
             hashes equal to a validator's at the tip and the next height)",
            built.txs,
            create_s + joined,
            full / (create_s + joined)
        );
    }
    Ok(())
}

/// Admits `xm-hlq` through `node`: a proposal and three votes, each signed with its signer's
/// next nonce and waited for; the tip height after the last vote.
fn admit_the_agency(node: &Node) -> eyre::Result<u64> {
    let genesis: Value = serde_json::from_slice(&std::fs::read(node.home.join("genesis.json"))?)?;
    let chain_id = genesis["chain_id"]
        .as_str()
        .map(ChainId::from)
        .ok_or_else(|| eyre!("the genesis names no chain"))?;
    let commit = |label: &str, action: Action| -> eyre::Result<u64> {
        let secret = onebook_genesis::dev_secret(label);
        let (_, nonces) = node.get(&format!("/v1/nonces/{}", secret.public_key().to_hex()))?;
        let nonce = nonces["next"].as_u64().ok_or_else(|| eyre!("{label}: no nonce: {nonces}"))?;
        node.commit(&chain_id, &secret, nonce, action, Duration::from_secs(120))
            .wrap_err_with(|| label.to_owned())
    };
    let change = admit_hlq(Suite::Ed25519Blake3);
    commit(VOTERS[0], Action::SubmitProposal { change, rationale: "湖里区接入".to_owned() })?;
    let (_, proposals) = node.get("/v1/proposals?status=open")?;
    let id: u64 = proposals["items"]
        .as_array()
        .and_then(|items| items.last())
        .and_then(|item| item["key"].as_str())
        .and_then(|key| key.strip_prefix("proposal:"))
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| eyre!("no open proposal: {proposals}"))?;
    let mut tip = 0;
    for voter in VOTERS {
        tip = commit(voter, Action::VoteProposal { proposal: ProposalId(id), approve: true })?;
    }
    let (status, org) = node.get("/v1/orgs/xm-hlq")?;
    if (status, org["record"]["status"].as_str()) != (200, Some("active")) {
        bail!("xm-hlq was not admitted: {status} {org}");
    }
    Ok(tip)
}

/// Starts `node` on its empty store with `args` and waits until it holds height `blocks`,
/// printing its `sync` status every ten seconds; the seconds it took.
fn sync_from_empty(node: &mut Node, blocks: u64, args: &[&str]) -> eyre::Result<f64> {
    let name =
        node.home.file_name().map(Path::new).unwrap_or(Path::new("node")).display().to_string();
    let started = Instant::now();
    node.start_with(args, &[])?;
    let mut sampled = Instant::now();
    loop {
        let (status, body) = node.get("/v1/status").unwrap_or_default();
        let height = (status == 200).then(|| body["height"].as_u64()).flatten().unwrap_or(0);
        if height >= blocks {
            return Ok(started.elapsed().as_secs_f64());
        }
        if sampled.elapsed() >= Duration::from_secs(10) {
            println!(
                "sync_progress node={name} t={:.0}s height={height} sync={}",
                started.elapsed().as_secs_f64(),
                body["sync"]
            );
            sampled = Instant::now();
        }
        if !node.is_running() {
            bail!("{name} stopped at {height} of {blocks}\n{}", node.log_tail(20));
        }
        if started.elapsed() > Duration::from_secs(3_600) {
            bail!("{name} is at {height} of {blocks} after an hour\n{}", node.log_tail(20));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits until `node` answers a height of at least `height`.
fn wait(node: &Node, height: u64, timeout: Duration) -> eyre::Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if node.height().is_some_and(|at| at >= height) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("node at {:?}, waiting for {height}\n{}", node.height(), node.log_tail(20))
}
