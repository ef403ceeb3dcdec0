//! Storage benchmark: synced block commits of synthetic signed txs into RocksDB, then state-tree
//! updates and proofs over the store at the size reached. Prints `key=value` figures.

use std::time::Instant;

use onebook_state::{key_hash, prove};
use onebook_storage::{BlockCommit, Store, StoreConfig};
use onebook_tests::synthetic;
use onebook_types::{ids::Height, record::RecordKey};

fn main() -> eyre::Result<()> {
    let blocks: u64 = env_or("ONEBOOK_BENCH_BLOCKS", 500);
    let txs: u64 = env_or("ONEBOOK_BENCH_TXS_PER_BLOCK", 1000);
    let dir = tempfile_dir()?;
    let store = Store::open(&StoreConfig::new(&dir))?;
    store.init_genesis(synthetic::genesis_hash(), synthetic::genesis_records())?;
    let (mut build_s, mut stage_s, mut write_s) = (0.0, 0.0, 0.0);
    let mut latencies_ms = Vec::with_capacity(usize::try_from(blocks)?);
    for _ in 0..blocks {
        let tip = store.tip()?;
        let clock = Instant::now();
        let body = synthetic::body(tip.height.next(), txs, 10_000);
        build_s += clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        let staged = store.stage(body.changes.clone())?;
        stage_s += clock.elapsed().as_secs_f64();
        let block = synthetic::seal(&tip, &body, staged.root, store.next_history_root()?);
        let commit = BlockCommit {
            block,
            receipts: body.receipts,
            certificate: None,
            touches: body.touches,
        };
        let clock = Instant::now();
        store.commit(commit, staged)?;
        let write = clock.elapsed().as_secs_f64();
        write_s += write;
        latencies_ms.push(write * 1000.0);
    }
    latencies_ms.sort_by(f64::total_cmp);
    let percentile = |p: f64| latencies_ms[((latencies_ms.len() - 1) as f64 * p) as usize];
    let total_txs = (blocks * txs) as f64;
    println!(
        "storage_commit blocks={blocks} txs_per_block={txs} write_txs_per_s={:.0} write_ms_p50={:.1} write_ms_p99={:.1} (one synced WriteBatch per block: txs, receipts, indexes, records, state nodes)",
        total_txs / write_s,
        percentile(0.5),
        percentile(0.99)
    );
    println!(
        "storage_stage state_updates_per_s={:.0} (2 record writes per tx, state tree read from RocksDB)",
        2.0 * total_txs / stage_s
    );
    println!(
        "storage_pipeline txs_per_s={:.0} build_sign_s={build_s:.1} stage_s={stage_s:.1} write_s={write_s:.1} (single thread, end to end)",
        total_txs / (build_s + stage_s + write_s)
    );
    let total_txs = blocks * txs;
    let tip = store.tip()?;
    let proofs: u64 = env_or("ONEBOOK_BENCH_PROOFS", 20_000);
    let started = Instant::now();
    for n in 0..proofs {
        let key = RecordKey::ShareRequest(onebook_types::ids::ShareRequestId(n * 7919 % total_txs));
        let proof = prove(&store, tip.state_root, key_hash(&key.encode()));
        std::hint::black_box(proof);
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "storage_proofs records={} proofs_per_s={:.0} (RocksDB-backed state tree at height {})",
        total_txs + 10_000,
        proofs as f64 / elapsed,
        tip.height
    );
    let _ = store.record(&RecordKey::Sequence("synthetic".into()), Height(0))?;
    drop(store);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn tempfile_dir() -> eyre::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("onebook-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
