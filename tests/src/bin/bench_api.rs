//! REST API read benchmark: a RocksDB store holding `ONEBOOK_BENCH_API_TXS` (1,000,000) committed
//! txs in blocks of 1,000, each rewriting one of 100,000 grants (so each grant has ten versions)
//! to one of 16 grantee orgs, then the node's real router served on 127.0.0.1 and read over HTTP:
//! a grant by id, a grant's timeline, and a page of an org's timeline (62,500 txs each) at a
//! random depth. Prints `name key=value` figures: p50/p99 per route over
//! `ONEBOOK_BENCH_API_REQUESTS` (2,000) requests with random ids.

use std::{
    sync::{Arc, Mutex},
    time::Instant,
};

use onebook_api::{ApiState, router};
use onebook_chain::{Chain, ChainConfig};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_query::test_utils::grant;
use onebook_storage::{
    BlockCommit, FamilySize, RecordChange, StateHistory, Store, StoreConfig, TxTouch,
};
use onebook_tests::{rng::Rng, synthetic};
use onebook_types::{
    action::Action,
    block::{Event, Receipt},
    codec,
    ids::{ChainId, GrantId, Height, Nonce, OrgId, Timestamp},
    record::RecordKey,
    tx::TxBody,
};

/// A route's request path for one random draw.
type PathOf = Box<dyn Fn(&mut Rng) -> String>;

const TXS_PER_BLOCK: u64 = 1_000;
const GRANTS: u64 = 100_000;
const ORGS: u64 = 16;

fn main() -> eyre::Result<()> {
    let txs: u64 = env_or("ONEBOOK_BENCH_API_TXS", 1_000_000);
    let requests: usize = env_or("ONEBOOK_BENCH_API_REQUESTS", 2_000);
    let dir = tempfile::tempdir()?;
    let store = Store::open(&StoreConfig::new(dir.path()))?;
    store.init_genesis(synthetic::genesis_hash(), synthetic::genesis_records())?;
    let blocks = txs.div_ceil(TXS_PER_BLOCK);
    let clock = Instant::now();
    for height in 1..=blocks {
        commit_grant_block(&store, Height(height))?;
    }
    let build_s = clock.elapsed().as_secs_f64();
    println!(
        "api_store txs={} blocks={blocks} grants={GRANTS} orgs={ORGS} build_s={build_s:.0} ({:.0} tx/s signed, staged and committed)",
        blocks * TXS_PER_BLOCK,
        (blocks * TXS_PER_BLOCK) as f64 / build_s
    );

    print_disk_usage(&store, blocks * TXS_PER_BLOCK)?;
    // The same store, switched to keep the state of a window of blocks: its first prune removes
    // what a node pruning from the start would have removed by now.
    let window: u64 = env_or("ONEBOOK_BENCH_API_WINDOW", 100);
    drop(store);
    let mut config = StoreConfig::new(dir.path());
    config.state_history = StateHistory::Window { blocks: window };
    let store = Store::open(&config)?;
    print_pruned_disk_usage(&store, blocks * TXS_PER_BLOCK, window)?;

    let store = Arc::new(store);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?.to_string();
    let chain_id = ChainId::from(synthetic::CHAIN_ID);
    let mempool = Arc::new(Mutex::new(Mempool::new(MempoolConfig::default(), chain_id.clone())));
    let chain = Chain::new(
        Arc::clone(&store),
        mempool,
        chain_id.clone(),
        Timestamp(synthetic::GENESIS_TIME_MS),
        ChainConfig::default(),
        || Timestamp(synthetic::GENESIS_TIME_MS),
    );
    let state =
        ApiState { store, gate: chain.gate(), chain_id, gossip: None, reads: None, sync: None };
    runtime.spawn(async move { axum::serve(listener, router(state)).await });

    let mut rng = Rng::new(0x0a91);
    let tip = blocks;
    let routes: [(&str, PathOf); 3] = [
        ("grant_by_id", Box::new(|rng: &mut Rng| format!("/v1/grants/{}", rng.below(GRANTS)))),
        (
            "grant_timeline",
            Box::new(|rng: &mut Rng| format!("/v1/timeline/grant:{}", rng.below(GRANTS))),
        ),
        (
            "org_timeline_page",
            Box::new(move |rng: &mut Rng| {
                let mut cursor = (1 + rng.below(tip)).to_be_bytes().to_vec();
                cursor.extend_from_slice(&0u32.to_be_bytes());
                let org = rng.below(ORGS);
                format!("/v1/timeline/org:org-{org}?limit=20&cursor={}", hex::encode(cursor))
            }),
        ),
    ];
    for (name, path) in &routes {
        for _ in 0..50 {
            get(&addr, &path(&mut rng))?;
        }
        let mut latencies_ms = Vec::with_capacity(requests);
        let mut bytes = 0;
        for _ in 0..requests {
            let path = path(&mut rng);
            let clock = Instant::now();
            bytes += get(&addr, &path)?;
            latencies_ms.push(clock.elapsed().as_secs_f64() * 1000.0);
        }
        latencies_ms.sort_by(f64::total_cmp);
        let percentile = |p: f64| latencies_ms[((latencies_ms.len() - 1) as f64 * p) as usize];
        println!(
            "api_read route={name} requests={requests} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} body_bytes_avg={} (one HTTP/1.1 connection per request, 127.0.0.1; aim p99 < 20 ms)",
            percentile(0.5),
            percentile(0.99),
            percentile(1.0),
            bytes / requests
        );
    }
    Ok(())
}

/// Block `height`: 1,000 signed txs, tx `n` (counting from the chain's start) rewriting grant
/// `n % 100,000` to org `org-<n % 16>`, touching the grant and the org.
fn commit_grant_block(store: &Store, height: Height) -> eyre::Result<()> {
    let tip = store.tip()?;
    let mut body = synthetic::BlockBody {
        txs: Vec::new(),
        receipts: Vec::new(),
        touches: Vec::new(),
        changes: Vec::new(),
    };
    for i in 0..TXS_PER_BLOCK {
        let n = (height.0 - 1) * TXS_PER_BLOCK + i;
        let key = synthetic::signer(n % 64);
        let id = n % GRANTS;
        let org = OrgId(format!("org-{}", n % ORGS));
        let tx = TxBody {
            chain_id: ChainId::from(synthetic::CHAIN_ID),
            signer: key.public_key(),
            nonce: Nonce(n / 64 + 1),
            valid_until: Height(height.0 + 100),
            action: Action::RevokeGrant { grant: GrantId(id), reason: "期满".into() },
        }
        .sign(&key);
        let record = RecordKey::Grant(GrantId(id));
        let value = codec::encode(&grant(id, org.as_str()));
        body.changes.push(RecordChange { key: record.clone(), value: Some(value) });
        let event = Event {
            kind: "grant.revoked".into(),
            attributes: vec![("grant".into(), id.to_string())],
        };
        body.receipts.push(Receipt::accepted(tx.hash(), vec![event]));
        body.touches.push(TxTouch { records: vec![record], orgs: vec![org] });
        body.txs.push(tx);
    }
    let staged = store.stage(body.changes.clone())?;
    let block = synthetic::seal(&tip, &body, staged.root, store.next_history_root()?);
    let commit =
        BlockCommit { block, receipts: body.receipts, certificate: None, touches: body.touches };
    store.commit(commit, staged)?;
    Ok(())
}

/// Compacts the store and prints its bytes on disk per committed tx, by column family, then
/// what a node keeping only the tip's state tree would hold: the tip's tree nodes, at the bytes
/// per node the archive's `state_chunks` family measures.
fn print_disk_usage(store: &Store, txs: u64) -> eyre::Result<()> {
    let (sizes, total, figures) = measured(store, txs)?;
    println!(
        "api_disk txs={txs} {figures} (all column families after a full compaction; compare a bare tx + receipt + index row 246-319 B, a PostgreSQL audit row ~500 B)",
    );
    let chunk_bytes =
        sizes.iter().find(|size| size.name == "state_chunks").map_or(0, |size| size.sst_bytes);
    let nodes = (chunk_bytes, store.state_nodes_stored()?);
    let tip = store.tip()?;
    let live = store.verify_state(tip.height)?;
    let live_nodes = live.leaves + live.internal_nodes;
    let node_bytes = nodes.0 as f64 / nodes.1.max(1) as f64;
    let pruned_tree = live_nodes as f64 * node_bytes;
    let pruned_total = total as f64 - nodes.0 as f64 + pruned_tree;
    println!(
        "api_disk_pruned bytes_per_tx={:.1} tree_nodes_kept={live_nodes} tree_nodes_stored={} bytes_per_node={node_bytes:.1} tree_bytes_per_tx={:.1} (the same store keeping only the tip's state tree, every record version kept)",
        pruned_total / txs as f64,
        nodes.1,
        pruned_tree / txs as f64,
    );
    Ok(())
}

/// Compacts the store and measures it: its families' sizes, their total, and the figures
/// `bytes_per_tx=.. total_mib=.. <family>=<bytes per tx>..` for `txs` committed txs.
fn measured(store: &Store, txs: u64) -> eyre::Result<(Vec<FamilySize>, u64, String)> {
    let sizes = store.compact_and_measure()?;
    let total: u64 = sizes.iter().map(|size| size.sst_bytes).sum();
    let per_tx = |bytes: u64| bytes as f64 / txs as f64;
    let families: Vec<String> =
        sizes.iter().map(|size| format!("{}={:.1}", size.name, per_tx(size.sst_bytes))).collect();
    let figures = format!(
        "bytes_per_tx={:.1} total_mib={:.1} {}",
        per_tx(total),
        total as f64 / (1024.0 * 1024.0),
        families.join(" ")
    );
    Ok((sizes, total, figures))
}

/// Prunes `store` to its window of `window` blocks, compacts it, and prints its bytes on disk per
/// committed tx, by column family, and what the prune took.
fn print_pruned_disk_usage(store: &Store, txs: u64, window: u64) -> eyre::Result<()> {
    let clock = Instant::now();
    let report = store.prune_state()?.ok_or_else(|| eyre::eyre!("no prune was due"))?;
    let prune_s = clock.elapsed().as_secs_f64();
    let (_, _, figures) = measured(store, txs)?;
    println!(
        "api_disk_window blocks={window} {figures} oldest={} nodes_removed={} tree_nodes_kept={} prune_s={prune_s:.1} (the same store pruned to the state of the last {window} blocks, every record version kept, after a full compaction)",
        report.oldest.0,
        report.nodes_removed,
        store.state_nodes_stored()?,
    );
    Ok(())
}

/// `GET path` on `addr`; the body's length, or an error if the answer is not 200.
fn get(addr: &str, path: &str) -> eyre::Result<usize> {
    let (status, body) = onebook_query::blocking::request(addr, "GET", path, &[], None)?;
    if status != 200 {
        eyre::bail!("GET {path}: {status} {}", String::from_utf8_lossy(&body));
    }
    Ok(body.len())
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}
