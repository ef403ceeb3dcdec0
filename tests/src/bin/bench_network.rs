//! Network benchmark: a devnet of four validator processes on 127.0.0.1 under a signed-tx load,
//! beside a single-process apply-and-commit baseline measured in the same run. Prints
//! `key=value` figures; the ratio matters more than the absolute on a shared two-core machine.
//!
//! - `network_saturation`: every tx of `ONEBOOK_BENCH_TXS` (default 12,000) submitted as fast as
//!   eight client threads can, one signer each, to the four nodes; committed tx/s from the first
//!   submission to the block holding the last tx.
//! - `network_latency`: `ONEBOOK_BENCH_RATE` tx/s (default 200) for `ONEBOOK_BENCH_SECONDS`
//!   (default 20); submit-to-commit latency p50/p99, a tx counted committed when node0 serves
//!   the block holding it.
//! - `baseline_commit`: the same kind of txs through one in-process chain (mempool, ledger rules,
//!   RocksDB commit with a certificate), no network.
//! - `proof_bundles`: bundles of 2,000 of the members that chain registered, cut from its store
//!   (generated/s) and checked offline against the genesis (verified/s).
#![allow(clippy::disallowed_methods, reason = "a benchmark measures wall-clock time")]

use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use eyre::{WrapErr, eyre};
use onebook_chain::{Chain, ChainConfig};
use onebook_consensus::Application;
use onebook_genesis::{GenesisFile, dev_secret};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_storage::{Store, StoreConfig};
use onebook_tests::devnet::Devnet;
use onebook_types::{
    action::Action,
    block::{CommitCertificate, CommitSignature, CommitVote},
    codec,
    consortium::Role,
    ids::{ChainId, Height, Nonce, Timestamp},
    keys::SecretKey,
    limits::TX_BYTES_MAX,
    record::RecordKey,
    tx::{SignedTx, TxBody},
};

/// Org admins of the dev network: each signs its own txs, in nonce order, to one node.
const SIGNERS: [&str; 8] = [
    "fj-gov/admin",
    "fj-sjj/admin",
    "xm-gov/admin",
    "xm-dsj/admin",
    "xm-gaj/admin",
    "xm-scjg/admin",
    "xm-djzx/admin",
    "xm-jypt/admin",
];

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// `count` signed `RegisterMember` txs of `signer`, nonces from `first`.
fn txs(signer: &SecretKey, tag: &str, first: u64, count: u64) -> Vec<Vec<u8>> {
    (first..first + count)
        .map(|nonce| {
            let body = TxBody {
                chain_id: ChainId::from("onebook-dev-1"),
                signer: signer.public_key(),
                nonce: Nonce(nonce),
                valid_until: Height(u64::MAX),
                action: Action::RegisterMember {
                    key: SecretKey::from_seed(
                        *blake3::hash(format!("{tag}-{nonce}").as_bytes()).as_bytes(),
                    )
                    .public_key(),
                    name: "网关".into(),
                    roles: vec![Role::DataUser],
                },
            };
            codec::encode(&body.sign(signer))
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Polls node0's blocks from `from`; returns when `want` txs were seen, with each tx hash's
/// first-seen time, or at `deadline`.
fn watch_commits(
    net: &Devnet,
    from: u64,
    want: usize,
    deadline: Instant,
) -> eyre::Result<(BTreeMap<String, Instant>, u64)> {
    let mut seen = BTreeMap::new();
    let mut next = from;
    while seen.len() < want && Instant::now() < deadline {
        let Some(tip) = net.nodes[0].height() else { continue };
        while next <= tip {
            let (status, block) = net.nodes[0].get(&format!("/v1/blocks/{next}"))?;
            if status != 200 {
                break;
            }
            let now = Instant::now();
            for hash in block["tx_hashes"].as_array().into_iter().flatten() {
                if let Some(hash) = hash.as_str() {
                    seen.entry(hash.to_owned()).or_insert(now);
                }
            }
            next += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((seen, next))
}

fn saturation(net: &Devnet, total: u64, first_nonce: u64) -> eyre::Result<u64> {
    let per_signer = total / SIGNERS.len() as u64;
    let start_height = net.nodes[0].height().ok_or_else(|| eyre!("node0 does not answer"))?;
    let batches: Vec<(usize, Vec<Vec<u8>>)> = SIGNERS
        .iter()
        .enumerate()
        .map(|(i, label)| (i % 4, txs(&dev_secret(label), "sat", first_nonce, per_signer)))
        .collect();
    let hashes: usize = batches.iter().map(|(_, txs)| txs.len()).sum();
    let ports: Vec<u16> = net.nodes.iter().map(|node| node.api_port).collect();
    let started = Instant::now();
    let senders: Vec<_> = batches
        .into_iter()
        .map(|(node, txs)| {
            let port = ports[node];
            std::thread::spawn(move || {
                let mut refused = 0usize;
                for tx in txs {
                    // A lost connection or a full pool is retried; a nonce already used means an
                    // earlier attempt got in, and any other answer is a refusal.
                    for _ in 0..1_000 {
                        match onebook_tests::devnet::http(
                            port,
                            "POST",
                            "/v1/txs",
                            Some(("application/octet-stream", &tx)),
                        ) {
                            Ok((202, _)) => break,
                            Ok((409, body)) if body["type"] == "/problems/nonce-used" => break,
                            Ok((429, _)) | Err(_) => std::thread::sleep(Duration::from_millis(20)),
                            Ok((status, body)) => {
                                if refused == 0 {
                                    eprintln!("first refusal: {status} {body}");
                                }
                                refused += 1;
                                break;
                            }
                        }
                    }
                }
                refused
            })
        })
        .collect();
    let (seen, _) =
        watch_commits(net, start_height + 1, hashes, Instant::now() + Duration::from_secs(180))?;
    let refused: usize =
        senders.into_iter().map(|sender| sender.join().unwrap_or(usize::MAX)).sum();
    let last = seen.values().max().copied().unwrap_or(started);
    let seconds = last.duration_since(started).as_secs_f64();
    println!(
        "network_saturation nodes=4 txs={hashes} committed={} refused_at_submit={refused} seconds={seconds:.2} committed_txs_per_s={:.0}",
        seen.len(),
        seen.len() as f64 / seconds
    );
    Ok(first_nonce + per_signer)
}

fn latency(net: &Devnet, rate: u64, seconds: u64, first_nonce: u64) -> eyre::Result<()> {
    let total = rate * seconds;
    let per_signer = total.div_ceil(SIGNERS.len() as u64);
    let mut queues: Vec<(u16, std::vec::IntoIter<Vec<u8>>)> = SIGNERS
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let txs = txs(&dev_secret(label), "lat", first_nonce, per_signer);
            (net.nodes[i % 4].api_port, txs.into_iter())
        })
        .collect();
    let start_height = net.nodes[0].height().ok_or_else(|| eyre!("node0 does not answer"))?;
    let submitted: Arc<Mutex<BTreeMap<String, Instant>>> = Arc::default();
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let log = Arc::clone(&submitted);
    let sender = std::thread::spawn(move || {
        let started = Instant::now();
        for n in 0..total {
            let due = started + interval * u32::try_from(n).unwrap_or(u32::MAX);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let (port, queue) = &mut queues[(n % SIGNERS.len() as u64) as usize];
            let Some(tx) = queue.next() else { continue };
            let sent = Instant::now();
            let answer = onebook_tests::devnet::http(
                *port,
                "POST",
                "/v1/txs",
                Some(("application/octet-stream", &tx)),
            );
            if let Ok((202, body)) = answer
                && let Some(hash) = body["tx_hash"].as_str()
            {
                log.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(hash.to_owned(), sent);
            }
        }
    });
    let (seen, _) = watch_commits(
        net,
        start_height + 1,
        total as usize,
        Instant::now() + Duration::from_secs(seconds + 120),
    )?;
    sender.join().map_err(|_| eyre!("the load thread panicked"))?;
    let submitted = submitted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut latencies: Vec<f64> = submitted
        .iter()
        .filter_map(|(hash, sent)| {
            seen.get(hash).map(|at| at.duration_since(*sent).as_secs_f64() * 1000.0)
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    println!(
        "network_latency nodes=4 rate_txs_per_s={rate} submitted={} committed={} p50_ms={:.0} p99_ms={:.0}",
        submitted.len(),
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );
    Ok(())
}

fn baseline(total: u64) -> eyre::Result<()> {
    let genesis =
        GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))?;
    let dir = tempfile::tempdir()?;
    let store = Store::open(&StoreConfig::new(dir.path()))?;
    store.init_genesis_state(genesis.hash(), genesis.initial_state())?;
    fn clock() -> Timestamp {
        Timestamp(1_767_196_800_000 + 3_600_000)
    }
    let pool = Mempool::new(MempoolConfig::default(), genesis.chain_id.clone());
    let mut chain = Chain::new(
        Arc::new(store),
        Arc::new(Mutex::new(pool)),
        genesis.chain_id.clone(),
        genesis.genesis_time,
        ChainConfig::default(),
        clock,
    );
    let per_signer = total / SIGNERS.len() as u64;
    let batches: Vec<Vec<Vec<u8>>> =
        SIGNERS.iter().map(|label| txs(&dev_secret(label), "base", 1, per_signer)).collect();
    let validators: Vec<SecretKey> = ["fj-sjj", "xm-dsj", "xm-gaj", "xm-scjg"]
        .iter()
        .map(|org| dev_secret(&format!("{org}/node")))
        .collect();
    let started = Instant::now();
    let mut committed = 0usize;
    let mut next = 0usize;
    let mut time = clock();
    while committed < (per_signer as usize) * SIGNERS.len() {
        while next < per_signer as usize {
            for batch in &batches {
                chain.admit(&batch[next]).map_err(|error| eyre!("baseline admission: {error}"))?;
            }
            next += 1;
            if chain.gate().pending() >= 2_000 {
                break;
            }
        }
        let height = chain.committed_height().map_err(|e| eyre!("{e}"))?.next();
        time = Timestamp(time.0 + 1);
        let block =
            chain.propose(height, time, validators[0].public_key()).map_err(|e| eyre!("{e}"))?;
        committed += block.txs.len();
        let vote = CommitVote {
            chain_id: genesis.chain_id.clone(),
            genesis_hash: genesis.hash(),
            height,
            round: 0,
            block_hash: block.header.hash(),
        };
        let digest = vote.signing_digest();
        let mut signatures: Vec<CommitSignature> = validators
            .iter()
            .map(|key| CommitSignature {
                node_key: key.public_key(),
                signature: key.sign(digest.as_bytes()),
            })
            .collect();
        signatures.sort_by_key(|signature| signature.node_key);
        chain.commit(block, CommitCertificate { vote, signatures }).map_err(|e| eyre!("{e}"))?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "baseline_commit process=1 txs={committed} seconds={seconds:.2} committed_txs_per_s={:.0}",
        committed as f64 / seconds
    );
    proofs(chain.store(), &genesis, &batches)?;
    Ok(())
}

/// Proof bundles of registered members at the tip of the baseline chain: generated from the
/// store, then verified offline from the genesis.
fn proofs(store: &Store, genesis: &GenesisFile, batches: &[Vec<Vec<u8>>]) -> eyre::Result<()> {
    let tip = store.tip()?.height;
    let keys: Vec<RecordKey> = batches
        .iter()
        .flatten()
        .step_by(5)
        .take(2_000)
        .filter_map(|tx| codec::decode::<SignedTx>(tx, TX_BYTES_MAX).ok())
        .filter_map(|tx| match tx.body.action {
            Action::RegisterMember { key, .. } => Some(RecordKey::Member(key)),
            _ => None,
        })
        .collect();
    let started = Instant::now();
    let bundles: Vec<Vec<u8>> = keys
        .iter()
        .map(|key| {
            onebook_storage::bundle_for_record(store, key, tip).map(|bundle| bundle.encode())
        })
        .collect::<Result<_, _>>()?;
    let generate_s = started.elapsed().as_secs_f64();
    let trusted = onebook_tests::proof_chain::trusted(genesis);
    let started = Instant::now();
    for bytes in &bundles {
        onebook_verifier::verify(bytes, &trusted)
            .map_err(|error| eyre!("a bundle failed: {error}"))?;
    }
    let verify_s = started.elapsed().as_secs_f64();
    let bytes = bundles.iter().map(Vec::len).sum::<usize>() / bundles.len().max(1);
    println!(
        "proof_bundles height={} bundles={} bytes_avg={bytes} generated_per_s={:.0} verified_per_s={:.0}",
        tip.0,
        bundles.len(),
        bundles.len() as f64 / generate_s,
        bundles.len() as f64 / verify_s
    );
    Ok(())
}

fn main() -> eyre::Result<()> {
    let total = env_or("ONEBOOK_BENCH_TXS", 12_000);
    let rate = env_or("ONEBOOK_BENCH_RATE", 200);
    let seconds = env_or("ONEBOOK_BENCH_SECONDS", 20);
    baseline(total)?;
    let binary: PathBuf = std::env::current_exe()?
        .parent()
        .ok_or_else(|| eyre!("the benchmark has no folder"))?
        .join("onebook-node");
    let mut net = Devnet::start(&binary, 4, 0).wrap_err("starting the devnet")?;
    net.wait_for_height(&[0, 1, 2, 3], 2, Duration::from_secs(120))?;
    let next_nonce = saturation(&net, total, 1)?;
    latency(&net, rate, seconds, next_nonce)?;
    Ok(())
}
