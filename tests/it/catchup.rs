//! A validator that was down catches up with its peers as soon as it restarts: idle pacing
//! holds a node at the tip, never one behind it (ADR 0016). Each test kills one validator of
//! four `onebook` processes, keeps it down for 30 s and restarts it; it must reach the live
//! validators' tip within [`RESTART_ALLOWANCE`] plus [`FETCH_AND_VERIFY_PER_BLOCK`] for each
//! block it missed, and the figures are printed.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use onebook_genesis::dev_secret;
use onebook_tests::devnet::{Devnet, register_member};

/// What a restarted node may take besides fetching and verifying blocks: starting the process,
/// opening its store and WAL, dialing its peers and hearing their first sync status (every 2 s).
const RESTART_ALLOWANCE: Duration = Duration::from_secs(10);
/// What fetching and verifying one missed block may take here: these blocks hold at most a few
/// dozen txs, re-executed and committed with a synced write by a debug build on a shared
/// machine, where one such block takes 10 to 30 ms (the sync benchmark measures release builds).
const FETCH_AND_VERIFY_PER_BLOCK: Duration = Duration::from_millis(100);
/// How long the victim stays down.
const DOWN: Duration = Duration::from_secs(30);

const VICTIM: usize = 3;
const LIVE: [usize; 3] = [0, 1, 2];

#[test]
fn n4_a_validator_down_30_s_on_an_idle_chain_reaches_the_tip_at_once() {
    // The default interval: an idle chain makes a block every ten seconds.
    let mut net = Devnet::start_idle(crate::node_binary(), 4, 0, "10s").unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 2, Duration::from_secs(120)).unwrap();

    let figures = down_and_back(&mut net);

    figures.assert_within_bound("idle chain");
}

#[test]
fn n4_a_validator_killed_under_load_reaches_the_tip_at_once() {
    let mut net = Devnet::start_idle(crate::node_binary(), 4, 0, "10s").unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 2, Duration::from_secs(120)).unwrap();
    let load = Load::start(&net, 30);
    std::thread::sleep(Duration::from_secs(5));

    let figures = down_and_back(&mut net);
    let hashes = load.stop();

    figures.assert_within_bound("under load");
    assert!(hashes.len() > 500, "the load submitted {} txs", hashes.len());
    // The sync status is taken at each commit, from the tips peers announced by then: one
    // announcement may still be on its way, so read it until it holds that tip (bounded).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        let (_, status) = net.nodes[VICTIM].get("/v1/status").unwrap();
        let seen = status["sync"]["peer_height"].as_u64() >= Some(figures.tip);
        if seen || std::time::Instant::now() >= deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status["sync"]["peer_height"].as_u64() >= Some(figures.tip), "{status}");
    assert!(status["sync"]["behind_blocks"].as_u64() <= Some(1), "{status}");
    let tip = LIVE.iter().filter_map(|&node| net.nodes[node].height()).min().unwrap();
    net.wait_for_height(&[VICTIM], tip, Duration::from_secs(60)).unwrap();
    for height in 1..=tip {
        let expected = net.block_roots(0, height).unwrap();
        assert_eq!(net.block_roots(VICTIM, height).unwrap(), expected, "height {height}");
    }
    for hash in &hashes {
        let receipt = net.wait_committed(VICTIM, hash, Duration::from_secs(60)).unwrap();
        assert_eq!(receipt["code"], 0, "{receipt}");
    }
}

/// What one kill and restart measured.
#[derive(Debug)]
struct Figures {
    /// The victim's height when it was killed.
    killed_at: u64,
    /// The live tip when the victim reached it.
    tip: u64,
    /// From the restart until the victim held the live tip.
    caught_up_after: Duration,
    /// The victim's `sync` status seen while it caught up, if it was caught in the act.
    sync_seen: Option<serde_json::Value>,
    /// The end of the victim's log when it reached the tip, shown if it was too slow.
    victim_log: String,
}

impl Figures {
    fn missed(&self) -> u64 {
        self.tip - self.killed_at
    }

    fn bound(&self) -> Duration {
        RESTART_ALLOWANCE + FETCH_AND_VERIFY_PER_BLOCK * u32::try_from(self.missed()).unwrap()
    }

    fn assert_within_bound(&self, case: &str) {
        println!(
            "catch-up ({case}): down {:?}, killed at height {}, tip {} when reached, {} blocks \
             missed, caught up {:.1} s after the restart, bound {:.1} s ({:?} + {:?} per block); \
             sync status seen: {}",
            DOWN,
            self.killed_at,
            self.tip,
            self.missed(),
            self.caught_up_after.as_secs_f64(),
            self.bound().as_secs_f64(),
            RESTART_ALLOWANCE,
            FETCH_AND_VERIFY_PER_BLOCK,
            self.sync_seen.as_ref().map_or_else(|| "none".to_owned(), ToString::to_string)
        );
        assert!(
            self.caught_up_after <= self.bound(),
            "{case}: the restarted validator took {:?} to reach the tip, over the bound {:?}\n{}",
            self.caught_up_after,
            self.bound(),
            self.victim_log
        );
    }
}

/// Kills the victim with SIGKILL, keeps it down for [`DOWN`], restarts it and waits until it
/// holds the live validators' tip.
fn down_and_back(net: &mut Devnet) -> Figures {
    let killed_at = net.nodes[VICTIM].height().unwrap();
    net.nodes[VICTIM].kill().unwrap();
    std::thread::sleep(DOWN);
    assert!(live_tip(net) > killed_at, "the live validators made no block without the victim");

    net.nodes[VICTIM].start().unwrap();
    let restarted = Instant::now();
    let mut sync_seen = None;
    loop {
        let tip = live_tip(net);
        let (status, body) = net.nodes[VICTIM].get("/v1/status").unwrap_or_default();
        let height = (status == 200).then(|| body["height"].as_u64()).flatten();
        if body["sync"]["catching_up"] == true {
            sync_seen = Some(body["sync"].clone());
        }
        if height.is_some_and(|height| height >= tip) {
            let caught_up_after = restarted.elapsed();
            let victim_log = net.nodes[VICTIM].log_tail(80);
            return Figures { killed_at, tip, caught_up_after, sync_seen, victim_log };
        }
        assert!(
            restarted.elapsed() < Duration::from_secs(180),
            "the restarted validator is at {height:?}, the tip at {tip}\n{}",
            net.nodes[VICTIM].log_tail(30)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The height every live validator holds. Under load the live validators themselves are often a
/// block apart when their heights are read one after the other, so the restarted node has reached
/// the tip once it is as current as the slowest of them.
fn live_tip(net: &Devnet) -> u64 {
    LIVE.iter().filter_map(|&node| net.nodes[node].height()).min().unwrap_or(0)
}

/// A steady load of `RegisterMember` txs on the live validators, each signer on its own node.
struct Load {
    stop: Arc<AtomicBool>,
    sender: std::thread::JoinHandle<Vec<String>>,
}

impl Load {
    fn start(net: &Devnet, rate_per_s: u64) -> Self {
        let ports: Vec<u16> = LIVE.iter().map(|&node| net.nodes[node].api_port).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let sender = std::thread::spawn(move || {
            let admins = ["xm-gov/admin", "xm-djzx/admin", "xm-jypt/admin"].map(dev_secret);
            let mut nonces = [0u64; 3];
            let mut hashes = Vec::new();
            let interval = Duration::from_secs_f64(1.0 / rate_per_s as f64);
            let started = Instant::now();
            for n in 0u64.. {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                let due = started + interval * u32::try_from(n).unwrap_or(u32::MAX);
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
                let signer = usize::try_from(n % 3).unwrap();
                nonces[signer] += 1;
                let tx = register_member(
                    &admins[signer],
                    nonces[signer],
                    100_000 * (signer as u64 + 1) + nonces[signer],
                );
                match onebook_tests::devnet::http(
                    ports[signer],
                    "POST",
                    "/v1/txs",
                    Some(("application/octet-stream", &tx)),
                ) {
                    Ok((202, body)) => hashes.push(body["tx_hash"].as_str().unwrap().to_owned()),
                    // A refused tx leaves its nonce unused: the signer's next tx takes it.
                    _ => nonces[signer] -= 1,
                }
            }
            hashes
        });
        Self { stop, sender }
    }

    /// Stops the load; the hashes of the txs the nodes admitted.
    fn stop(self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        self.sender.join().unwrap()
    }
}
