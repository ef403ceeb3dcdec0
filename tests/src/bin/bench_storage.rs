//! Storage benchmark: synced block commits of synthetic signed txs into RocksDB, then state-tree
//! updates and proofs over the store at the size reached. Prints `key=value` figures.

use std::time::Instant;

use onebook_state::{key_hash, prove};
use onebook_storage::{Store, StoreConfig};
use onebook_tests::synthetic;
use onebook_types::{ids::Height, record::RecordKey};

fn main() -> eyre::Result<()> {
    let blocks: u64 = env_or("ONEBOOK_BENCH_BLOCKS", 500);
    let txs: u64 = env_or("ONEBOOK_BENCH_TXS_PER_BLOCK", 1000);
    let dir = tempfile_dir()?;
    let store = Store::open(&StoreConfig::new(&dir))?;
    store.init_genesis(synthetic::genesis_hash(), synthetic::genesis_records())?;
    let started = Instant::now();
    let mut latencies_ms = Vec::with_capacity(usize::try_from(blocks)?);
    for _ in 0..blocks {
        let block_started = Instant::now();
        synthetic::commit_next(&store, txs, 10_000)?;
        latencies_ms.push(block_started.elapsed().as_secs_f64() * 1000.0);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies_ms.sort_by(f64::total_cmp);
    let percentile = |p: f64| latencies_ms[((latencies_ms.len() - 1) as f64 * p) as usize];
    let total_txs = blocks * txs;
    println!(
        "storage_commit blocks={blocks} txs_per_block={txs} txs_per_s={:.0} block_ms_p50={:.1} block_ms_p99={:.1} (synced; includes building, signing and staging each block)",
        total_txs as f64 / elapsed,
        percentile(0.5),
        percentile(0.99)
    );
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
