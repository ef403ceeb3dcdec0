//! Sync benchmark: a node started on an empty store syncs a history of `ONEBOOK_BENCH_BLOCKS`
//! blocks (default 10,000) of `ONEBOOK_BENCH_TXS_PER_BLOCK` signed txs each (default 100) from
//! four validator processes started on copies of it, on 127.0.0.1. The history is built straight
//! into a store (`onebook_tests::history`): real txs executed by the ledger rules, each block
//! certified by the four dev validators' keys, so the syncing node checks every certificate,
//! signature and root as it would on a live network.
//!
//! Prints `sync_history` (how long building the history took) and `sync_empty_node`: blocks and
//! txs of history synced per second, from the observer's start to its holding the history's tip,
//! with the `sync` object of its `GET /v1/status` sampled on the way.
#![allow(clippy::disallowed_methods, reason = "a benchmark measures wall-clock time")]

use std::{
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use eyre::{WrapErr, bail, eyre};
use onebook_tests::{
    devnet::{Node, free_base_port},
    history,
};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn main() -> eyre::Result<()> {
    let blocks = env_or("ONEBOOK_BENCH_BLOCKS", 10_000);
    let txs_per_block = env_or("ONEBOOK_BENCH_TXS_PER_BLOCK", 100);
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

    let base = free_base_port(5)?;
    let out = dir.path().join("net");
    let status = Command::new(&binary)
        .args(["testnet", "--nodes", "4", "--observers", "1", "--base-port", &base.to_string()])
        .args(["--idle-block-interval", "1h", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("onebook testnet failed: {status}");
    }
    let mut nodes: Vec<Node> = (0..5)
        .map(|i| {
            Node::new(
                binary.clone(),
                out.join(format!("node{i}")),
                base + 10 * i as u16,
                out.join(format!("node{i}.log")),
            )
        })
        .collect();
    for node in &mut nodes[..4] {
        history::copy_store(&dir.path().join("history"), &node.home.join("data"))?;
        node.start()?;
    }
    wait(&nodes[0], blocks, Duration::from_secs(300)).wrap_err("the validators did not start")?;

    let started = Instant::now();
    nodes[4].start()?;
    let mut samples = Vec::new();
    let mut sampled = Instant::now();
    loop {
        let (status, body) = nodes[4].get("/v1/status").unwrap_or_default();
        let height = (status == 200).then(|| body["height"].as_u64()).flatten().unwrap_or(0);
        if height >= blocks {
            break;
        }
        if sampled.elapsed() >= Duration::from_secs(10) {
            samples.push(format!(
                "t={:.0}s height={height} sync={}",
                started.elapsed().as_secs_f64(),
                body["sync"]
            ));
            sampled = Instant::now();
        }
        if started.elapsed() > Duration::from_secs(3_600) {
            bail!(
                "the observer is at {height} of {blocks} after an hour\n{}",
                nodes[4].log_tail(20)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let seconds = started.elapsed().as_secs_f64();
    for sample in &samples {
        println!("sync_progress {sample}");
    }
    println!(
        "sync_empty_node blocks={blocks} txs={} seconds={seconds:.1} blocks_per_s={:.0} \
         txs_per_s={:.0} (from process start to the history's tip; goal 50000 tx/s)",
        built.txs,
        blocks as f64 / seconds,
        built.txs as f64 / seconds
    );
    Ok(())
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
