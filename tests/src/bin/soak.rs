//! Soak: four validator processes of the dev network on 127.0.0.1 under a steady signed-tx
//! load for a set time, with one SIGKILL of a random validator every few minutes (restarted
//! after a short time down). `scripts/soak.sh` builds it and the node in release and runs it.
//!
//! Every minute it prints a table row: each node's height, the txs sent and acknowledged (202)
//! per second over the last minute, how many acknowledged txs wait for a block, and each node's
//! resident memory and open files. At the end it stops the load, lets every acknowledged tx
//! reach a block, and prints a verdict; it exits 1 when:
//! - a tx a node acknowledged is not in any block (**lost**), after the client did what a
//!   client must: send again, to a live node, the txs that a killed node may have dropped from
//!   its mempool (the mempool is not durable; a 202 only says "admitted");
//! - two nodes hold different blocks at one height (**divergent**), every block of every node
//!   being compared;
//! - a node process's resident memory grew by more than `--rss-growth-max-percent` from its
//!   first `--window-s` after `--warm-up-s` to its last `--window-s`, each window's median of
//!   the samples taken every 10 s (each process lifetime long enough to judge is judged on its
//!   own; a restarted node warms up again). A window spans several cycles of RocksDB's
//!   memtables, which fill to `[storage] memtable_bytes` and flush every minute or two, so a
//!   single sample would judge where in that cycle it fell; the warm-up covers the parts of a
//!   node's memory that fill as its store grows from empty (`docs/performance.md`, "Soak").
//!
//! The offered rate is a target: each signer's client sends on a fixed schedule and, when the
//! nodes answer too slowly to keep it, skips what it missed beyond one second's worth instead
//! of bursting; the rows and the verdict say what rate was reached.
#![allow(clippy::disallowed_methods, reason = "a soak run measures wall-clock time")]

use std::{
    collections::HashSet,
    path::PathBuf,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
        mpsc,
    },
    time::{Duration, Instant},
};

use clap::Parser;
use eyre::{WrapErr, bail, eyre};
use onebook_genesis::dev_secret;
use onebook_tests::{
    chain_watch::ChainWatch,
    devnet::{Devnet, register_member},
    history::SIGNERS,
    rng::Rng,
};
use onebook_types::keys::SecretKey;

const VALIDATORS: usize = 4;

/// Run four validators under load with periodic SIGKILLs and report lost txs, divergent
/// heights, memory and open files.
#[derive(Debug, Parser)]
struct Args {
    /// The `onebook` command to run (a release build for a soak).
    #[arg(long)]
    node_binary: PathBuf,
    /// How long the load runs, in seconds.
    #[arg(long, default_value_t = 1_800)]
    duration_s: u64,
    /// Txs offered per second, spread over eight signers.
    #[arg(long, default_value_t = 500)]
    rate: u64,
    /// Seconds between two SIGKILLs of a random validator (0: none).
    #[arg(long, default_value_t = 300)]
    kill_every_s: u64,
    /// Seconds a killed validator stays down before it restarts.
    #[arg(long, default_value_t = 15)]
    down_s: u64,
    /// Seconds of a process's life before its memory is held to the growth bound.
    #[arg(long, default_value_t = 900)]
    warm_up_s: u64,
    /// Seconds of each of the two windows whose medians the growth compares.
    #[arg(long, default_value_t = 300)]
    window_s: u64,
    /// The largest growth of a process's resident memory after warm-up, in percent.
    #[arg(long, default_value_t = 10)]
    rss_growth_max_percent: u64,
    /// Seed of the choice of victims (default: from the clock; printed).
    #[arg(long, env = "ONEBOOK_SEED")]
    seed: Option<u64>,
    /// After the load stops, the drain waits for every acknowledged tx to reach a block for as
    /// long as the chain keeps committing them; it gives up after this many seconds without one.
    #[arg(long, default_value_t = 120)]
    drain_stall_s: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("soak: error: {error:?}");
            ExitCode::from(2)
        }
    }
}

/// What the senders share with the main thread.
struct Shared {
    stop: AtomicBool,
    /// Set when the main thread ends the drain.
    drain_over: AtomicBool,
    /// Per node: whether it is down (killed, not yet restarted).
    down: [AtomicBool; VALIDATORS],
    ports: [u16; VALIDATORS],
    /// Txs sent (first attempts).
    sent: AtomicU64,
    /// Txs sent again that a node admitted anew (202): no node it asked held them any more (a
    /// killed node's mempool) or yet (gossip not there yet). Resent txs a node already held
    /// (409) are not counted.
    readmitted: AtomicU64,
    /// Answers 429/503 (back-pressure).
    busy: AtomicU64,
}

/// The signed `RegisterMember` tx of signer `index` at `nonce`: the same bytes every time.
fn tx(signer: &SecretKey, index: usize, nonce: u64) -> Vec<u8> {
    register_member(signer, nonce, 1_000_000_000 * (index as u64 + 1) + nonce)
}

fn post(port: u16, tx: &[u8]) -> eyre::Result<(u16, serde_json::Value)> {
    onebook_tests::devnet::http(port, "POST", "/v1/txs", Some(("application/octet-stream", tx)))
}

/// One signer's client: sends its txs in nonce order at `rate` per second to its home node (or
/// the next live one), reports each acknowledged tx's hash on `acked`, and, when a node says an
/// earlier nonce is missing, sends the missing txs again (same bytes, same hashes). After the
/// stop, keeps making sure every tx it sent is waiting somewhere until all are committed or the
/// main thread ends the drain.
fn sender(
    index: usize,
    rate: f64,
    shared: &Shared,
    acked: &mpsc::Sender<[u8; 32]>,
) -> eyre::Result<()> {
    let signer = dev_secret(SIGNERS[index]);
    let key = signer.public_key().to_hex();
    let home = index % VALIDATORS;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut due = Instant::now();
    let mut next = 1u64;
    while !shared.stop.load(Ordering::Relaxed) {
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        shared.sent.fetch_add(1, Ordering::Relaxed);
        deliver(shared, home, &signer, index, &key, next, acked)?;
        next += 1;
        // A client that fell behind does not burst to catch up beyond one second's worth.
        let floor = Instant::now().checked_sub(Duration::from_secs(1)).unwrap_or(due);
        due = (due + interval).max(floor);
    }
    // Drain: the client keeps its txs alive until the chain has them all.
    let last = next - 1;
    while !shared.drain_over.load(Ordering::Relaxed) {
        let node = live_node(shared, home);
        if let Ok((200, nonces)) = onebook_tests::devnet::http(
            shared.ports[node],
            "GET",
            &format!("/v1/nonces/{key}"),
            None,
        ) {
            let committed = nonces["committed"].as_u64().unwrap_or(0);
            if committed >= last {
                return Ok(());
            }
            let waiting_to = nonces["next"].as_u64().unwrap_or(1).saturating_sub(1);
            for nonce in waiting_to.max(committed) + 1..=last {
                resend(shared, node, &tx(&signer, index, nonce));
            }
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    Ok(())
}

/// Sends `tx` again to node `node`, counting it when the node admits it anew.
fn resend(shared: &Shared, node: usize, tx: &[u8]) {
    if matches!(post(shared.ports[node], tx), Ok((202, _))) {
        shared.readmitted.fetch_add(1, Ordering::Relaxed);
    }
}

/// The first live node from `home` on.
fn live_node(shared: &Shared, home: usize) -> usize {
    (0..VALIDATORS)
        .map(|offset| (home + offset) % VALIDATORS)
        .find(|&node| !shared.down[node].load(Ordering::Relaxed))
        .unwrap_or(home)
}

/// Sends the tx of `nonce` until some node acknowledges it (or already holds it).
fn deliver(
    shared: &Shared,
    home: usize,
    signer: &SecretKey,
    index: usize,
    key: &str,
    nonce: u64,
    acked: &mpsc::Sender<[u8; 32]>,
) -> eyre::Result<()> {
    let bytes = tx(signer, index, nonce);
    let mut attempt = 0usize;
    loop {
        if shared.stop.load(Ordering::Relaxed) && attempt > 50 {
            return Ok(());
        }
        let node = live_node(shared, home + attempt);
        attempt += 1;
        let port = shared.ports[node];
        match post(port, &bytes) {
            Ok((202, body)) => {
                let hash =
                    body["tx_hash"].as_str().ok_or_else(|| eyre!("202 without a hash: {body}"))?;
                let mut raw = [0u8; 32];
                hex::decode_to_slice(hash, &mut raw).wrap_err("a tx hash of 64 hex digits")?;
                acked.send(raw).map_err(|_| eyre!("the main thread is gone"))?;
                return Ok(());
            }
            // A retry after an answer that never came: the node took it the first time.
            Ok((409, body))
                if body["type"].as_str().is_some_and(|kind| {
                    kind.ends_with("/tx-duplicate") || kind.ends_with("/nonce-used")
                }) =>
            {
                let hash = blake3_tx_hash(&bytes)?;
                acked.send(hash).map_err(|_| eyre!("the main thread is gone"))?;
                return Ok(());
            }
            // The node lacks an earlier tx of this signer (gossip not there yet, or it was in
            // a killed node's mempool): send it the missing ones, then this one again.
            Ok((409, body))
                if body["type"].as_str().is_some_and(|kind| kind.ends_with("/nonce-gap")) =>
            {
                if let Ok((200, nonces)) =
                    onebook_tests::devnet::http(port, "GET", &format!("/v1/nonces/{key}"), None)
                {
                    let from = nonces["next"].as_u64().unwrap_or(nonce);
                    for missing in from..nonce {
                        resend(shared, node, &tx(signer, index, missing));
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok((429 | 503, _)) => {
                shared.busy.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok((status, body)) => bail!("signer {index}, nonce {nonce}: refused {status} {body}"),
            // Connection refused or reset: the node is down or going down; the next one.
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// The hash a node gives a tx: what `GET /v1/txs/{hash}` and blocks name it by.
fn blake3_tx_hash(bytes: &[u8]) -> eyre::Result<[u8; 32]> {
    let signed = onebook_types::tx::SignedTx::decode(bytes).map_err(|error| eyre!("{error}"))?;
    Ok(signed.hash().0)
}

/// One process lifetime's memory samples.
#[derive(Debug)]
struct Life {
    node: usize,
    started: Instant,
    /// (age, resident KiB).
    samples: Vec<(Duration, u64)>,
}

impl Life {
    /// The growth from the median of the first `window` after `warm_up` to the median of the
    /// last `window`, in percent, if the life reached two windows past warm-up.
    fn growth(&self, warm_up: Duration, window_length: Duration) -> Option<(u64, u64, f64)> {
        let last_age = self.samples.last()?.0;
        if last_age < warm_up + 2 * window_length {
            return None;
        }
        let window = |from: Duration, to: Duration| {
            let mut values: Vec<u64> = self
                .samples
                .iter()
                .filter(|(age, _)| *age >= from && *age < to)
                .map(|&(_, kib)| kib)
                .collect();
            values.sort_unstable();
            values.get(values.len() / 2).copied()
        };
        let first = window(warm_up, warm_up + window_length)?;
        let last =
            window(last_age.saturating_sub(window_length), last_age + Duration::from_secs(1))?;
        Some((first, last, (last as f64 / first as f64 - 1.0) * 100.0))
    }
}

/// Reads every node's new blocks, comparing them across nodes, and adds their txs to
/// `committed`.
fn poll(watch: &mut ChainWatch, net: &Devnet, committed: &mut HashSet<[u8; 32]>) {
    watch.poll(&net.nodes);
    for hash in watch.take_committed_txs() {
        let mut raw = [0u8; 32];
        if hex::decode_to_slice(&hash, &mut raw).is_ok() {
            committed.insert(raw);
        }
    }
}

/// Resident KiB and open files of process `pid`.
fn rss_and_fds(pid: u32) -> Option<(u64, usize)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    Some((rss, fds))
}

fn run(args: &Args) -> eyre::Result<bool> {
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.as_nanos() as u64)
    });
    let mut rng = Rng::new(seed);
    let warm_up = Duration::from_secs(args.warm_up_s);
    let window_length = Duration::from_secs(args.window_s.max(10));
    println!(
        "soak: {} validators, {} tx/s offered for {} s, a SIGKILL every {} s (down {} s), warm-up {} s, memory windows {} s, seed {seed}",
        VALIDATORS,
        args.rate,
        args.duration_s,
        args.kill_every_s,
        args.down_s,
        args.warm_up_s,
        window_length.as_secs()
    );
    let mut net = Devnet::start(&args.node_binary, VALIDATORS, 0)?;
    net.wait_for_height(&[0, 1, 2, 3], 2, Duration::from_secs(120))?;
    let shared = Arc::new(Shared {
        stop: AtomicBool::new(false),
        drain_over: AtomicBool::new(false),
        down: Default::default(),
        ports: std::array::from_fn(|node| net.nodes[node].api_port),
        sent: AtomicU64::new(0),
        readmitted: AtomicU64::new(0),
        busy: AtomicU64::new(0),
    });
    let (acked_tx, acked_rx) = mpsc::channel();
    let per_signer = args.rate as f64 / SIGNERS.len() as f64;
    let drain_stall = Duration::from_secs(args.drain_stall_s);
    let senders: Vec<_> = (0..SIGNERS.len())
        .map(|index| {
            let shared = Arc::clone(&shared);
            let acked = acked_tx.clone();
            std::thread::spawn(move || sender(index, per_signer, &shared, &acked))
        })
        .collect();
    drop(acked_tx);

    let mut watch = ChainWatch::new(VALIDATORS).keeping_tx_hashes();
    let mut acked: HashSet<[u8; 32]> = HashSet::new();
    let mut committed: HashSet<[u8; 32]> = HashSet::new();
    let mut lives: Vec<Life> = (0..VALIDATORS)
        .map(|node| Life { node, started: Instant::now(), samples: Vec::new() })
        .collect();
    let mut current: [usize; VALIDATORS] = std::array::from_fn(|node| node);
    let started = Instant::now();
    let duration = Duration::from_secs(args.duration_s);
    let kill_every = (args.kill_every_s > 0).then(|| Duration::from_secs(args.kill_every_s));
    let mut next_kill = kill_every.map(|every| started + every);
    let mut restart: Option<(usize, Instant)> = None;
    let mut catch_ups: Vec<String> = Vec::new();
    let mut catching_up: Option<(usize, Instant)> = None;
    let mut next_row = started + Duration::from_secs(60);
    let mut next_sample = started;
    let (mut last_sent, mut last_acked) = (0u64, 0usize);
    let mut fds_seen: Vec<Vec<usize>> = vec![Vec::new(); VALIDATORS];
    println!(
        "{:>4} {:>31} {:>7} {:>7} {:>7} {:>8} {:>29} {:>19}",
        "min",
        "heights n0 n1 n2 n3",
        "sent/s",
        "ack/s",
        "ack",
        "waiting",
        "RSS MiB n0 n1 n2 n3",
        "open files"
    );

    // While draining: when it began, and the last time a waiting tx reached a block.
    let mut draining: Option<(Instant, Instant)> = None;
    let mut committed_before = 0;
    loop {
        let now = Instant::now();
        let loading = now < started + duration;
        if !loading && !shared.stop.load(Ordering::Relaxed) {
            shared.stop.store(true, Ordering::Relaxed);
            draining = Some((now, now));
            println!(
                "soak: load stopped after {:.0} s; draining",
                now.duration_since(started).as_secs_f64()
            );
        }
        while let Ok(hash) = acked_rx.try_recv() {
            acked.insert(hash);
        }
        poll(&mut watch, &net, &mut committed);
        // Kills and restarts.
        if loading && next_kill.is_some_and(|at| now >= at) && restart.is_none() {
            let victim = usize::try_from(rng.below(VALIDATORS as u64))?;
            shared.down[victim].store(true, Ordering::Relaxed);
            net.nodes[victim].kill()?;
            println!(
                "soak: {:.0} s: SIGKILL node{victim} at height {}",
                now.duration_since(started).as_secs_f64(),
                net.nodes[(victim + 1) % VALIDATORS].height().unwrap_or(0)
            );
            restart = Some((victim, now + Duration::from_secs(args.down_s)));
            next_kill = kill_every.map(|every| now + every);
        }
        if let Some((victim, at)) = restart.filter(|&(_, at)| now >= at) {
            let _ = at;
            net.nodes[victim].start()?;
            shared.down[victim].store(false, Ordering::Relaxed);
            lives.push(Life { node: victim, started: Instant::now(), samples: Vec::new() });
            current[victim] = lives.len() - 1;
            catching_up = Some((victim, Instant::now()));
            restart = None;
        }
        if let Some((node, since)) = catching_up {
            let tip = (0..VALIDATORS)
                .filter(|&other| other != node)
                .filter_map(|other| net.nodes[other].height())
                .max()
                .unwrap_or(0);
            if net.nodes[node].height().is_some_and(|height| height >= tip) {
                let line = format!(
                    "node{node} at the tip {:.1} s after its restart",
                    since.elapsed().as_secs_f64()
                );
                println!("soak: {line}");
                catch_ups.push(line);
                catching_up = None;
            }
        }
        // Memory and files, every 10 s.
        if now >= next_sample {
            next_sample = now + Duration::from_secs(10);
            for node in 0..VALIDATORS {
                if let Some((kib, fds)) = net.nodes[node].pid().and_then(rss_and_fds) {
                    let life = &mut lives[current[node]];
                    life.samples.push((life.started.elapsed(), kib));
                    fds_seen[node].push(fds);
                }
            }
        }
        if now >= next_row {
            next_row += Duration::from_secs(60);
            let sent = shared.sent.load(Ordering::Relaxed);
            let heights: Vec<String> = net
                .nodes
                .iter()
                .map(|node| node.height().map_or("-".into(), |height| height.to_string()))
                .collect();
            let rss: Vec<String> = (0..VALIDATORS)
                .map(|node| {
                    lives[current[node]]
                        .samples
                        .last()
                        .map_or("-".into(), |&(_, kib)| (kib / 1024).to_string())
                })
                .collect();
            let fds: Vec<String> = (0..VALIDATORS)
                .map(|node| fds_seen[node].last().map_or("-".into(), ToString::to_string))
                .collect();
            let waiting = acked.iter().filter(|hash| !committed.contains(*hash)).count();
            println!(
                "{:>4} {:>31} {:>7.0} {:>7.0} {:>7} {:>8} {:>29} {:>19}",
                (now.duration_since(started).as_secs() + 30) / 60,
                heights.join(" "),
                (sent - last_sent) as f64 / 60.0,
                (acked.len() - last_acked) as f64 / 60.0,
                acked.len(),
                waiting,
                rss.join(" "),
                fds.join(" ")
            );
            last_sent = sent;
            last_acked = acked.len();
        }
        if let Some((began, progress)) = &mut draining {
            if committed.len() > committed_before {
                *progress = now;
            }
            let senders_done = senders.iter().all(std::thread::JoinHandle::is_finished);
            let all_in = acked.iter().all(|hash| committed.contains(hash));
            let heights = net.nodes.iter().map(|node| node.height()).collect::<Vec<_>>();
            let level = heights.iter().all(|height| height.is_some() && *height == heights[0]);
            let stalled = now.duration_since(*progress) >= drain_stall;
            if (senders_done && all_in && level) || stalled {
                println!(
                    "soak: drain {} after {:.0} s",
                    if stalled { "gave up, no tx committed for a while," } else { "done" },
                    now.duration_since(*began).as_secs_f64()
                );
                shared.drain_over.store(true, Ordering::Relaxed);
                break;
            }
        }
        committed_before = committed.len();
        std::thread::sleep(Duration::from_millis(500));
    }
    for sender in senders {
        sender.join().map_err(|_| eyre!("a sender panicked"))??;
    }
    while let Ok(hash) = acked_rx.try_recv() {
        acked.insert(hash);
    }
    poll(&mut watch, &net, &mut committed);

    // The verdict.
    let elapsed = duration.as_secs_f64();
    let lost: Vec<String> =
        acked.iter().filter(|hash| !committed.contains(*hash)).map(hex::encode).collect();
    let divergent = watch.violations().len();
    println!("\nsoak: verdict (seed {seed})");
    println!(
        "  load: {} txs sent, {} acknowledged ({:.0} tx/s reached, {} tx/s offered), {} sent again and admitted anew, {} busy answers",
        shared.sent.load(Ordering::Relaxed),
        acked.len(),
        acked.len() as f64 / elapsed,
        args.rate,
        shared.readmitted.load(Ordering::Relaxed),
        shared.busy.load(Ordering::Relaxed)
    );
    println!(
        "  chain: {} heights, {} block reads compared across the nodes, {} txs in blocks",
        watch.heights_seen(),
        watch.compared(),
        committed.len()
    );
    println!(
        "  lost: {} acknowledged txs in no block{}",
        lost.len(),
        lost.first().map_or(String::new(), |hash| format!(" (e.g. {hash})"))
    );
    println!(
        "  divergent: {divergent} heights{}",
        watch.violations().first().map_or(String::new(), |violation| format!(" ({violation})"))
    );
    for line in &catch_ups {
        println!("  catch-up: {line}");
    }
    let mut rss_ok = true;
    let mut judged = 0;
    for life in &lives {
        let age = life.samples.last().map_or(0, |&(age, _)| age.as_secs());
        match life.growth(warm_up, window_length) {
            Some((first, last, growth)) => {
                judged += 1;
                let ok = growth <= args.rss_growth_max_percent as f64;
                rss_ok &= ok;
                println!(
                    "  rss: node{} (a life of {age} s): median {} MiB in the first window after warm-up, {} MiB in the last: {growth:+.1}% {}",
                    life.node,
                    first / 1024,
                    last / 1024,
                    if ok { "ok" } else { "OVER THE BOUND" }
                );
            }
            None => println!("  rss: node{} (a life of {age} s): too short to judge", life.node),
        }
    }
    if judged == 0 {
        println!("  rss: no process lived long enough to judge");
        rss_ok = false;
    }
    for (node, fds) in fds_seen.iter().enumerate() {
        if let (Some(min), Some(max)) = (fds.iter().min(), fds.iter().max()) {
            println!("  open files: node{node} between {min} and {max}");
        }
    }
    let pass = lost.is_empty() && divergent == 0 && rss_ok;
    println!("soak: {}", if pass { "PASS" } else { "FAIL" });
    if !pass {
        for node in 0..VALIDATORS {
            println!("node{node} log tail:\n{}", net.nodes[node].log_tail(20));
        }
    }
    Ok(pass)
}
