//! Storage benchmark: synced block commits of synthetic signed txs into RocksDB, then state-tree
//! updates and proofs over the store at the size reached. Prints `key=value` figures.
//!
//! Each tx of a synthetic block writes its signer's nonce and a new share request. The synthetic
//! chain stores the tx hash as the share request's value, which does not decode as one; here
//! each is replaced by a withdrawn share request that does, so the record index does what it
//! does for a real chain (six listing terms per new request) rather than measure the decoder
//! failing (which allocates up to 1 MiB per undecodable value).

use std::time::Instant;

use onebook_state::{key_hash, prove};
use onebook_storage::{BlockCommit, RecordChange, Store, StoreConfig};
use onebook_tests::{cpu, synthetic};
use onebook_types::{
    codec,
    ids::{CatalogCode, Height, LegalBasisCode, OrgId, Timestamp},
    keys::PublicKey,
    record::RecordKey,
    sharing_records::{ShareRequest, ShareStatus},
    time::Date,
};

fn main() -> eyre::Result<()> {
    let blocks: u64 = env_or("ONEBOOK_BENCH_BLOCKS", 500);
    let txs: u64 = env_or("ONEBOOK_BENCH_TXS_PER_BLOCK", 1000);
    // Removed on any exit, an error or a panic included: the store grows to half a gigabyte.
    let dir = tempfile::Builder::new().prefix("onebook-bench-storage-").tempdir()?;
    let store = Store::open(&StoreConfig::new(dir.path()))?;
    store.init_genesis(synthetic::genesis_hash(), synthetic::genesis_records())?;
    let (mut build_s, mut stage_s, mut write_s) = (0.0, 0.0, 0.0);
    let (mut stage_cpu_s, mut write_cpu_s, mut tree_nodes) = (0.0, 0.0, 0);
    let mut latencies_ms = Vec::with_capacity(usize::try_from(blocks)?);
    for _ in 0..blocks {
        let tip = store.tip()?;
        let clock = Instant::now();
        let mut body = synthetic::body(tip.height.next(), txs, 10_000);
        body.changes.iter_mut().for_each(decodable);
        build_s += clock.elapsed().as_secs_f64();
        let (clock, cpu_clock) = (Instant::now(), cpu::thread_time());
        let staged = store.stage(body.changes.clone())?;
        stage_s += clock.elapsed().as_secs_f64();
        stage_cpu_s += (cpu::thread_time().saturating_sub(cpu_clock)).as_secs_f64();
        tree_nodes += staged.new_nodes();
        let block = synthetic::seal(&tip, &body, staged.root, store.next_history_root()?);
        let commit = BlockCommit {
            block,
            receipts: body.receipts,
            certificate: None,
            touches: body.touches,
        };
        // The commit builds the index on a second thread: its CPU is the process's, RocksDB's
        // background threads (flushes, compactions) while it runs included.
        let (clock, cpu_clock) = (Instant::now(), cpu::process_time());
        store.commit(commit, staged)?;
        let write = clock.elapsed().as_secs_f64();
        write_s += write;
        write_cpu_s += (cpu::process_time().saturating_sub(cpu_clock)).as_secs_f64();
        latencies_ms.push(write * 1000.0);
    }
    latencies_ms.sort_by(f64::total_cmp);
    let percentile = |p: f64| latencies_ms[((latencies_ms.len() - 1) as f64 * p) as usize];
    let total_txs = (blocks * txs) as f64;
    println!(
        "storage_commit blocks={blocks} txs_per_block={txs} write_txs_per_s={:.0} write_ms_p50={:.1} write_ms_p99={:.1} write_txs_per_cpu_s={:.0} tree_nodes_per_block={} (per block one synced WriteBatch of txs, receipts, records and state nodes, then its index batch, ADR 0046; CPU of every thread of the process during the commits)",
        total_txs / write_s,
        percentile(0.5),
        percentile(0.99),
        total_txs / write_cpu_s.max(f64::MIN_POSITIVE),
        tree_nodes / usize::try_from(blocks)?.max(1),
    );
    println!(
        "storage_stage state_updates_per_s={:.0} state_updates_per_cpu_s={:.0} (2 record writes per tx, state tree read from RocksDB)",
        2.0 * total_txs / stage_s,
        2.0 * total_txs / stage_cpu_s.max(f64::MIN_POSITIVE),
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
    dir.close()?;
    Ok(())
}

/// Turns the value of a synthetic share request into a withdrawn share request of ordinary size.
fn decodable(change: &mut RecordChange) {
    let RecordKey::ShareRequest(id) = change.key else { return };
    let request = ShareRequest {
        id,
        requester_org: OrgId::from(format!("org-{}", id.0 % 4).as_str()),
        requester: PublicKey([(id.0 % 251) as u8; 32]),
        entry: CatalogCode::from(format!("xm-entry-{:04}", id.0 % 1000).as_str()),
        provider: OrgId::from("xm-gaj"),
        items: vec!["name".into(), "address".into(), "licence".into()],
        purpose: "annual inspection of licensed premises".into(),
        legal_duty: LegalBasisCode::from("dsl-38"),
        starts: Date(20_000),
        ends: Date(20_365),
        requested_at: Timestamp(synthetic::GENESIS_TIME_MS + id.0),
        status: ShareStatus::Withdrawn,
        exception: false,
    };
    change.value = Some(codec::encode(&request));
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
