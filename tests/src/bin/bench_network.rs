//! Network benchmark: a devnet of four validator processes on 127.0.0.1 under a signed-tx load,
//! beside a single-process apply-and-commit baseline measured in the same run. Prints
//! `key=value` figures; the ratio matters more than the absolute on a shared two-core machine.
//!
//! - `network_saturation`: every tx of `ONEBOOK_BENCH_TXS` (default 40,000) submitted as fast as
//!   eight client threads can, one signer each, to the four nodes, in `POST /v1/txs/batch`
//!   requests of 500 on kept-alive connections; committed tx/s from the first submission to the
//!   block holding the last tx.
//! - `network_latency`: 200 tx/s, then 2,000 tx/s, each for `ONEBOOK_BENCH_SECONDS` (default
//!   20), one tx per `POST /v1/txs` on each signer's kept-alive connection; submit-to-commit
//!   latency p50/p99, a tx counted committed when node0 serves the block holding it, split at
//!   the block's header time into the wait for a proposal and the rest; then `network_blocks`:
//!   the run's blocks (txs each, gaps between them at node0, how many took a later round) and
//!   the four nodes' CPU per committed tx. `ONEBOOK_BENCH_LOGS=<dir>` keeps the nodes' logs there.
//! - `baseline_commit`: the same kind of txs through one in-process chain (mempool, ledger rules,
//!   RocksDB commit with a certificate), no network.
//! - `proof_bundles`: bundles of 2,000 of the members that chain registered, cut from its store
//!   (generated/s) and checked offline against the genesis (verified/s).
//!
//! `--suite <name>` runs the devnet in that cryptographic suite (`ed25519-blake3` by default,
//! or `sm2-sm3`); every network line names its suite. The baseline and the proof bundles run on
//! the dev network's genesis file, in the default suite, so only without `--suite sm2-sm3`.
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
use onebook_tests::{devnet::Devnet, keepalive::KeepAlive};
use onebook_types::{
    action::Action,
    block::{CommitCertificate, CommitSignature, CommitVote},
    codec,
    consortium::Role,
    ids::{ChainId, Height, Nonce, Timestamp},
    keys::SecretKey,
    limits::TX_BYTES_MAX,
    record::RecordKey,
    suite::Suite,
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
                    key: onebook_genesis::dev_secret_in(signer.suite(), &format!("{tag}-{nonce}"))
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

/// Each committed tx hash with when node0 was first seen serving it and its height.
type CommitTimes = BTreeMap<String, (Instant, u64)>;

/// Each submitted tx hash with when it was sent (instant, ms since the epoch) and to which node.
type SendTimes = Arc<Mutex<BTreeMap<String, (Instant, u64, usize)>>>;

/// A block as node0 served it during a latency run.
struct BlockSeen {
    /// When the benchmark first read it.
    seen: Instant,
    /// The same, in ms since the epoch.
    seen_ms: u64,
    /// Its height.
    height: u64,
    /// Its header's time, in ms since the epoch (the proposer's clock, this machine's).
    time_ms: u64,
    /// Its txs.
    txs: usize,
    /// The consensus round that decided it.
    round: u64,
}

/// Polls node0's blocks from `from`; returns when `want` txs were seen, with each tx hash's
/// first-seen time and height, the blocks read, or at `deadline`.
fn watch_commits(
    net: &Devnet,
    from: u64,
    want: usize,
    deadline: Instant,
) -> eyre::Result<(CommitTimes, Vec<BlockSeen>, u64)> {
    let mut client = KeepAlive::new(net.nodes[0].api_addr());
    let mut seen = BTreeMap::new();
    let mut blocks = Vec::new();
    let mut next = from;
    while seen.len() < want && Instant::now() < deadline {
        loop {
            let (status, block) = client.request("GET", &format!("/v1/blocks/{next}"), None)?;
            if status != 200 {
                break;
            }
            let now = Instant::now();
            let hashes = block["tx_hashes"].as_array().map(Vec::as_slice).unwrap_or_default();
            for hash in hashes {
                if let Some(hash) = hash.as_str() {
                    seen.entry(hash.to_owned()).or_insert((now, next));
                }
            }
            blocks.push(BlockSeen {
                seen: now,
                seen_ms: epoch_ms(),
                height: next,
                time_ms: block["header"]["time"].as_u64().unwrap_or(0),
                txs: hashes.len(),
                round: block["certificate"]["vote"]["round"].as_u64().unwrap_or(0),
            });
            next += 1;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok((seen, blocks, next))
}

/// Milliseconds since the epoch on this machine's clock.
fn epoch_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

/// CPU time (user + system, in clock ticks of 10 ms) of process `pid`, split by thread name:
/// `tokio` (threads named `tokio-*`: the runtime's workers, which serve the API, consensus, block
/// execution and commits and gossip, and its blocking pool, which admits txs), `rocksdb`
/// (threads named `rocksdb:*`: flushes and compactions), and `other`: the rest of the process's
/// time, including threads that have exited (counted in the process's own figure).
fn cpu_by_thread(pid: u32) -> BTreeMap<String, u64> {
    /// utime + stime of a `stat` file's text.
    fn used(stat: &str) -> Option<(&str, u64)> {
        let (open, close) = (stat.find('(')?, stat.rfind(')')?);
        let fields: Vec<&str> = stat.get(close + 2..)?.split(' ').collect();
        // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
        let ticks = fields.get(11..13)?.iter().filter_map(|f| f.parse::<u64>().ok()).sum();
        Some((stat.get(open + 1..close)?, ticks))
    }
    let mut ticks = BTreeMap::new();
    let process = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some((_, total)) = used(&process) else { return ticks };
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return ticks };
    let mut named = 0;
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        let Some((name, used)) = used(&stat) else { continue };
        let group = if name.starts_with("rocksdb") {
            "rocksdb"
        } else if name.starts_with("tokio") {
            "tokio"
        } else {
            continue;
        };
        named += used;
        *ticks.entry(group.to_owned()).or_insert(0) += used;
    }
    ticks.insert("other".to_owned(), total.saturating_sub(named));
    ticks
}

/// The CPU time of the four node processes' threads, by group.
fn nodes_cpu(net: &Devnet) -> BTreeMap<String, u64> {
    let mut total = BTreeMap::new();
    for node in &net.nodes {
        for (group, ticks) in node.pid().map(cpu_by_thread).unwrap_or_default() {
            *total.entry(group).or_insert(0) += ticks;
        }
    }
    total
}

/// The CPU ticks each group of [`nodes_cpu`] used between `before` and `after`.
fn cpu_used(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(group, ticks)| {
            (group.clone(), ticks.saturating_sub(before.get(group).copied().unwrap_or(0)))
        })
        .collect()
}

/// The folder `ONEBOOK_BENCH_LOGS` names, created, if it is set.
fn logs_dir() -> eyre::Result<Option<PathBuf>> {
    let Some(dir) = std::env::var_os("ONEBOOK_BENCH_LOGS") else { return Ok(None) };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    Ok(Some(dir))
}

/// Txs per `POST /v1/txs/batch` of the saturation load.
const SATURATION_BATCH_TXS: usize = 500;

/// Submits `txs` (one signer's, in nonce order) through `POST /v1/txs/batch` on `client`, in
/// batches: a full pool is waited out and the rest sent again; a nonce already used means an
/// earlier attempt got in. The txs refused for any other reason.
fn submit_all(client: &mut KeepAlive, txs: &[Vec<u8>]) -> usize {
    let mut refused = 0usize;
    let mut next = 0usize;
    let mut attempts = 0usize;
    while next < txs.len() && attempts < 10_000 {
        attempts += 1;
        let end = (next + SATURATION_BATCH_TXS).min(txs.len());
        let body = codec::encode(&txs[next..end].to_vec());
        let results = match client.request(
            "POST",
            "/v1/txs/batch",
            Some(("application/octet-stream", &body)),
        ) {
            Ok((200, answer)) => answer["results"].as_array().cloned().unwrap_or_default(),
            Ok(_) | Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let mut retry_from = None;
        for (offset, result) in results.iter().enumerate() {
            let kind = result["type"].as_str().unwrap_or("");
            match result["status"].as_u64() {
                Some(202) => {}
                Some(409) if kind == "/problems/nonce-used" => {}
                Some(429 | 503) => {
                    retry_from = Some(next + offset);
                    break;
                }
                Some(409) if kind == "/problems/nonce-gap" => {
                    retry_from = Some(next + offset);
                    break;
                }
                _ => {
                    if refused == 0 {
                        eprintln!("first refusal: {result}");
                    }
                    refused += 1;
                }
            }
        }
        match retry_from {
            Some(from) => {
                next = from;
                std::thread::sleep(Duration::from_millis(20));
            }
            None => next = end,
        }
    }
    refused + (txs.len() - next)
}

fn saturation(net: &Devnet, total: u64, first_nonce: u64) -> eyre::Result<u64> {
    let per_signer = total / SIGNERS.len() as u64;
    let start_height = net.nodes[0].height().ok_or_else(|| eyre!("node0 does not answer"))?;
    let batches: Vec<(usize, Vec<Vec<u8>>)> = SIGNERS
        .iter()
        .enumerate()
        .map(|(i, label)| (i % 4, txs(&net.dev_secret(label), "sat", first_nonce, per_signer)))
        .collect();
    let hashes: usize = batches.iter().map(|(_, txs)| txs.len()).sum();
    let addrs: Vec<String> = net.nodes.iter().map(|node| node.api_addr()).collect();
    let started = Instant::now();
    let senders: Vec<_> = batches
        .into_iter()
        .map(|(node, txs)| {
            let mut client = KeepAlive::new(addrs[node].clone());
            std::thread::spawn(move || submit_all(&mut client, &txs))
        })
        .collect();
    let cpu_before = nodes_cpu(net);
    let (seen, _, _) =
        watch_commits(net, start_height + 1, hashes, Instant::now() + Duration::from_secs(300))?;
    let cpu_after = nodes_cpu(net);
    let refused: usize =
        senders.into_iter().map(|sender| sender.join().unwrap_or(usize::MAX)).sum();
    let committed = seen.len().max(1) as f64;
    let mut line = String::from("network_cpu nodes=4");
    let mut sum = 0.0;
    for (group, used) in cpu_used(&cpu_before, &cpu_after) {
        // Clock ticks are 10 ms; the figure is core-microseconds per committed tx, all four
        // nodes together.
        let micros = used as f64 * 10_000.0 / committed;
        sum += micros;
        line.push_str(&format!(" {group}_us_per_tx={micros:.0}"));
    }
    println!("{line} total_us_per_tx={sum:.0}");
    let last = seen.values().map(|(at, _)| *at).max().unwrap_or(started);
    let seconds = last.duration_since(started).as_secs_f64();
    println!(
        "network_saturation suite={} nodes=4 txs={hashes} committed={} refused_at_submit={refused} seconds={seconds:.2} committed_txs_per_s={:.0}",
        net.suite,
        seen.len(),
        seen.len() as f64 / seconds
    );
    Ok(first_nonce + per_signer)
}

/// A steady `rate` tx/s for `seconds`: each signer sends its share, one tx per request, on its
/// own kept-alive connection to its node; submit-to-commit latency of every admitted tx.
fn latency(net: &Devnet, rate: u64, seconds: u64, first_nonce: u64) -> eyre::Result<u64> {
    let total = rate * seconds;
    let per_signer = total.div_ceil(SIGNERS.len() as u64);
    let start_height = net.nodes[0].height().ok_or_else(|| eyre!("node0 does not answer"))?;
    let submitted: SendTimes = Arc::default();
    let interval = Duration::from_secs_f64(SIGNERS.len() as f64 / rate as f64);
    // Every tx is signed before the clock starts, and the first is due a little after it, so
    // that the commit watcher below is polling before the first submission: a tx's latency is
    // never the load generator's own start-up.
    let signed: Vec<Vec<Vec<u8>>> = SIGNERS
        .iter()
        .map(|label| txs(&net.dev_secret(label), "lat", first_nonce, per_signer))
        .collect();
    let started = Instant::now() + Duration::from_millis(200);
    let senders: Vec<_> = signed
        .into_iter()
        .enumerate()
        .map(|(i, txs)| {
            let mut client = KeepAlive::new(net.nodes[i % 4].api_addr());
            let log = Arc::clone(&submitted);
            // The signers start spread over one interval, so the load is even.
            let offset = interval.mul_f64(i as f64 / SIGNERS.len() as f64);
            std::thread::spawn(move || {
                for (n, tx) in txs.iter().enumerate() {
                    let due = started + offset + interval * u32::try_from(n).unwrap_or(u32::MAX);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let sent = (Instant::now(), epoch_ms(), i % 4);
                    let answer =
                        client.request("POST", "/v1/txs", Some(("application/octet-stream", tx)));
                    if let Ok((202, body)) = answer
                        && let Some(hash) = body["tx_hash"].as_str()
                    {
                        log.lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .insert(hash.to_owned(), sent);
                    }
                }
            })
        })
        .collect();
    let cpu_before = nodes_cpu(net);
    let (seen, blocks, _) = watch_commits(
        net,
        start_height + 1,
        (per_signer * SIGNERS.len() as u64) as usize,
        Instant::now() + Duration::from_secs(seconds + 120),
    )?;
    let cpu_after = nodes_cpu(net);
    for sender in senders {
        sender.join().map_err(|_| eyre!("a load thread panicked"))?;
    }
    let submitted = submitted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Each tx's wait split at its block's header time (the proposer's clock, on this machine):
    // from its submission to the proposal that holds it, and from there to node0 serving it.
    let mut latencies = Vec::new();
    let mut to_proposal = Vec::new();
    let mut after_proposal = Vec::new();
    let mut per_tx = String::from("node,height,sent_ms,latency_ms\n");
    for (hash, (sent, sent_ms, node)) in submitted.iter() {
        let Some((at, height)) = seen.get(hash) else { continue };
        let total = at.duration_since(*sent).as_secs_f64() * 1000.0;
        latencies.push(total);
        per_tx.push_str(&format!("{node},{height},{sent_ms},{total:.1}\n"));
        let index = usize::try_from(height.saturating_sub(start_height + 1)).unwrap_or(0);
        if let Some(block) = blocks.get(index) {
            let waited = block.time_ms.saturating_sub(*sent_ms) as f64;
            to_proposal.push(waited.min(total));
            after_proposal.push((total - waited).max(0.0));
        }
    }
    for list in [&mut latencies, &mut to_proposal, &mut after_proposal] {
        list.sort_by(f64::total_cmp);
    }
    println!(
        "network_latency suite={} nodes=4 rate_txs_per_s={rate} submitted={} committed={} p50_ms={:.0} p99_ms={:.0} to_proposal_p50_ms={:.0} to_proposal_p99_ms={:.0} proposal_to_served_p50_ms={:.0} proposal_to_served_p99_ms={:.0}",
        net.suite,
        submitted.len(),
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&to_proposal, 0.50),
        percentile(&to_proposal, 0.99),
        percentile(&after_proposal, 0.50),
        percentile(&after_proposal, 0.99),
    );
    if let Some(dir) = logs_dir()? {
        let mut csv = String::from("height,header_time_ms,seen_ms,txs,round\n");
        for block in &blocks {
            csv.push_str(&format!(
                "{},{},{},{},{}\n",
                block.height, block.time_ms, block.seen_ms, block.txs, block.round
            ));
        }
        std::fs::write(dir.join(format!("{}-blocks-{rate}.csv", net.suite)), csv)?;
        std::fs::write(dir.join(format!("{}-txs-{rate}.csv", net.suite)), per_tx)?;
    }
    // The blocks of the run: how full, how far apart at node0, how many took a later round.
    let mut sizes: Vec<f64> = blocks.iter().map(|block| block.txs as f64).collect();
    sizes.sort_by(f64::total_cmp);
    let mut gaps: Vec<f64> = blocks
        .windows(2)
        .map(|pair| pair[1].seen.duration_since(pair[0].seen).as_secs_f64() * 1000.0)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let used: u64 = cpu_used(&cpu_before, &cpu_after).values().sum();
    println!(
        "network_blocks suite={} rate_txs_per_s={rate} blocks={} txs_p50={:.0} txs_max={:.0} gap_p50_ms={:.0} gap_p99_ms={:.0} gap_max_ms={:.0} later_rounds={} node_cpu_us_per_tx={:.0}",
        net.suite,
        blocks.len(),
        percentile(&sizes, 0.50),
        sizes.last().copied().unwrap_or(0.0),
        percentile(&gaps, 0.50),
        percentile(&gaps, 0.99),
        gaps.last().copied().unwrap_or(0.0),
        blocks.iter().filter(|block| block.round > 0).count(),
        used as f64 * 10_000.0 / latencies.len().max(1) as f64,
    );
    Ok(first_nonce + per_signer)
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

/// Proof bundles of registered members at the last checkpoint of the baseline chain, which both
/// dev witnesses cosign (a bundle must be anchored): generated from the store, then verified
/// offline from the genesis.
fn proofs(store: &Store, genesis: &GenesisFile, batches: &[Vec<Vec<u8>>]) -> eyre::Result<()> {
    let tip = store.tip()?.height;
    let interval = genesis.checkpoint_policy().interval.max(1);
    let tip = Height(tip.0 - tip.0 % interval);
    onebook_tests::proof_chain::cosign(store, tip, &onebook_tests::proof_chain::WITNESSES)
        .wrap_err("cosigning the last checkpoint of the baseline chain")?;
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

/// The suite named by `--suite <name>` (`ed25519-blake3` when absent).
fn suite_argument() -> eyre::Result<Suite> {
    let mut args = std::env::args().skip(1);
    let mut suite = Suite::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--suite" => {
                let name = args.next().ok_or_else(|| eyre!("--suite needs a suite name"))?;
                suite = name.parse().map_err(|error| eyre!("--suite {name}: {error}"))?;
            }
            other => {
                return Err(eyre!("unknown argument {other:?}; usage: [--suite <suite name>]"));
            }
        }
    }
    Ok(suite)
}

fn main() -> eyre::Result<()> {
    let suite = suite_argument()?;
    let total = env_or("ONEBOOK_BENCH_TXS", 40_000);
    let seconds = env_or("ONEBOOK_BENCH_SECONDS", 20);
    // The in-process baseline runs on the dev network's genesis file, which is in the default
    // suite; the devnet runs in the suite asked for.
    if suite == Suite::default() {
        baseline(total)?;
    }
    let binary: PathBuf = std::env::current_exe()?
        .parent()
        .ok_or_else(|| eyre!("the benchmark has no folder"))?
        .join("onebook-node");
    let mut net = Devnet::start_in(&binary, suite, 4, 0).wrap_err("starting the devnet")?;
    net.wait_for_height(&[0, 1, 2, 3], 2, Duration::from_secs(120))?;
    let mut next_nonce = saturation(&net, total, 1)?;
    for rate in [200, 2_000] {
        next_nonce = latency(&net, rate, seconds, next_nonce)?;
    }
    if let Some(dir) = logs_dir()? {
        for (i, node) in net.nodes.iter().enumerate() {
            std::fs::copy(&node.log, dir.join(format!("{}-node{i}.log", net.suite)))?;
        }
    }
    Ok(())
}
