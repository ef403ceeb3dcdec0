//! What this node knows of its peers' heights, and how fast it catches up with them.
//!
//! A node learns that the chain is ahead of it in two ways: a peer's sync status announces the
//! peer's tip (decoded in `codec.rs`, which records it in [`PeerTips`]), and a peer's votes or
//! proposal parts arrive for a height above the one this node is deciding (the host records the
//! highest). While either shows a height above the one just finalized, the host starts the next
//! height at once instead of waiting `idle_block_interval` (ADR 0010, ADR 0016): idle pacing is
//! for a node at the tip, and a node behind it must not fall further behind.
//!
//! [`SyncStatus`] is the catch-up progress the REST API shows in `GET /v1/status`; the host
//! updates it after every commit and logs a progress line every [`PROGRESS_LOG_INTERVAL`] while
//! the node is catching up.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use onebook_types::ids::Height;
use tracing::info;

/// How long a window the commit rate is measured over.
const RATE_WINDOW: Duration = Duration::from_secs(10);
/// Most commits the rate window holds.
const RATE_SAMPLES_MAX: usize = 4_096;
/// How often a node that is catching up logs its progress.
pub(crate) const PROGRESS_LOG_INTERVAL: Duration = Duration::from_secs(5);
/// How many blocks behind its peers' tip a node must be to count as catching up: a node at the
/// tip often sees a peer finalize the same height a moment before it does.
const BEHIND_BLOCKS_MIN: u64 = 2;

/// The highest tip any peer has announced in its sync status. Cheap to clone; the codec writes
/// it as statuses arrive, the host and the REST API read it.
#[derive(Clone, Debug, Default)]
pub(crate) struct PeerTips(Arc<AtomicU64>);

impl PeerTips {
    /// Records a tip a peer announced.
    pub(crate) fn heard(&self, tip: u64) {
        self.0.fetch_max(tip, Ordering::Relaxed);
    }

    /// The highest tip heard; 0 before any.
    pub(crate) fn highest(&self) -> Height {
        Height(self.0.load(Ordering::Relaxed))
    }
}

/// How this node stands against its peers, as of its last commit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncSnapshot {
    /// This node's last committed height.
    pub height: u64,
    /// The highest tip a peer has announced (0 before any peer's status arrived).
    pub peer_height: u64,
    /// Whether this node is catching up: at least two blocks behind that tip.
    pub catching_up: bool,
    /// Blocks committed per second over the last ten seconds.
    pub blocks_per_s: u64,
    /// Txs committed per second over the last ten seconds.
    pub txs_per_s: u64,
    /// Seconds until this node reaches `peer_height` at that rate, while it catches up.
    pub eta_s: Option<u64>,
}

impl SyncSnapshot {
    /// Blocks between this node's tip and the highest tip a peer announced.
    pub fn behind_blocks(&self) -> u64 {
        self.peer_height.saturating_sub(self.height)
    }
}

/// The catch-up progress of a running node: cheap to clone and shared between consensus, which
/// updates it, and the REST API, which shows it.
#[derive(Clone, Debug, Default)]
pub struct SyncStatus {
    tips: PeerTips,
    rates: Arc<Mutex<Rates>>,
}

/// The figures of the last commit.
#[derive(Clone, Copy, Debug, Default)]
struct Rates {
    height: u64,
    blocks_per_s: u64,
    txs_per_s: u64,
    at: Option<Instant>,
}

impl SyncStatus {
    /// A status no consensus updates yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where this node stands now. The rates fall to zero when no block was committed for the
    /// length of the rate window.
    pub fn snapshot(&self) -> SyncSnapshot {
        let rates = *self.rates.lock().unwrap_or_else(PoisonError::into_inner);
        let fresh = rates.at.is_some_and(|at| at.elapsed() < RATE_WINDOW);
        let (blocks_per_s, txs_per_s) =
            if fresh { (rates.blocks_per_s, rates.txs_per_s) } else { (0, 0) };
        let peer_height = self.tips.highest().0;
        let behind = peer_height.saturating_sub(rates.height);
        let catching_up = behind >= BEHIND_BLOCKS_MIN;
        let eta_s = (catching_up && blocks_per_s > 0).then(|| behind.div_ceil(blocks_per_s));
        SyncSnapshot {
            height: rates.height,
            peer_height,
            catching_up,
            blocks_per_s,
            txs_per_s,
            eta_s,
        }
    }

    /// The peer tips this status reads.
    pub(crate) fn tips(&self) -> &PeerTips {
        &self.tips
    }

    fn set(&self, rates: Rates) {
        *self.rates.lock().unwrap_or_else(PoisonError::into_inner) = rates;
    }
}

/// The host's record of its commits: the rate window, and where catching up began.
#[derive(Debug)]
pub(crate) struct Progress {
    status: SyncStatus,
    /// (when, height, txs committed since start) of recent commits, oldest first.
    samples: VecDeque<(Instant, u64, u64)>,
    txs_total: u64,
    /// When and at which height this node started catching up, while it is.
    catching_up_since: Option<(Instant, Height)>,
    logged_at: Option<Instant>,
}

impl Progress {
    pub(crate) fn new(status: SyncStatus) -> Self {
        Self {
            status,
            samples: VecDeque::new(),
            txs_total: 0,
            catching_up_since: None,
            logged_at: None,
        }
    }

    /// Records the commit of `height` with `txs` txs at `now`, updates the shared status and
    /// logs progress while this node catches up.
    pub(crate) fn committed(&mut self, height: Height, txs: usize, now: Instant) {
        self.txs_total += txs as u64;
        self.samples.push_back((now, height.0, self.txs_total));
        while self.samples.len() > RATE_SAMPLES_MAX
            || self.samples.front().is_some_and(|(at, _, _)| now.duration_since(*at) > RATE_WINDOW)
        {
            self.samples.pop_front();
        }
        let (blocks_per_s, txs_per_s) = self.rates();
        self.status.set(Rates { height: height.0, blocks_per_s, txs_per_s, at: Some(now) });
        let snapshot = self.status.snapshot();
        match (snapshot.catching_up, self.catching_up_since) {
            (true, None) => {
                self.catching_up_since = Some((now, height));
                info!(
                    height = height.0,
                    peer_height = snapshot.peer_height,
                    behind = snapshot.behind_blocks(),
                    "catching up with peers"
                );
                self.logged_at = Some(now);
            }
            (true, Some(_)) => {
                if self.logged_at.is_none_or(|at| now.duration_since(at) >= PROGRESS_LOG_INTERVAL) {
                    info!(
                        height = height.0,
                        peer_height = snapshot.peer_height,
                        behind = snapshot.behind_blocks(),
                        blocks_per_s,
                        txs_per_s,
                        eta_s = snapshot.eta_s.unwrap_or(0),
                        "catching up"
                    );
                    self.logged_at = Some(now);
                }
            }
            (false, Some((since, from))) => {
                let seconds = now.duration_since(since).as_secs_f64();
                info!(
                    height = height.0,
                    blocks = height.0.saturating_sub(from.0),
                    seconds = format!("{seconds:.1}"),
                    "caught up with peers"
                );
                self.catching_up_since = None;
            }
            (false, None) => {}
        }
    }

    /// Blocks and txs per second over the window.
    fn rates(&self) -> (u64, u64) {
        let (Some(first), Some(last)) = (self.samples.front(), self.samples.back()) else {
            return (0, 0);
        };
        let seconds = last.0.duration_since(first.0).as_secs_f64();
        if seconds <= 0.0 {
            return (0, 0);
        }
        let per_second = |count: u64| (count as f64 / seconds).round() as u64;
        (per_second(last.1 - first.1), per_second(last.2 - first.2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_behind_its_peers_shows_its_rate_and_when_it_will_be_there() {
        let status = SyncStatus::new();
        let mut progress = Progress::new(status.clone());
        status.tips().heard(1_000);
        let start = Instant::now();

        for n in 0..=100u64 {
            progress.committed(Height(n + 1), 10, start + Duration::from_millis(50 * n));
        }
        let snapshot = status.snapshot();

        assert_eq!(snapshot.height, 101);
        assert_eq!(snapshot.behind_blocks(), 899);
        assert!(snapshot.catching_up);
        assert_eq!(snapshot.blocks_per_s, 20);
        assert_eq!(snapshot.txs_per_s, 200);
        assert_eq!(snapshot.eta_s, Some(45));
    }

    #[test]
    fn a_node_at_its_peers_tip_is_not_catching_up() {
        let status = SyncStatus::new();
        let mut progress = Progress::new(status.clone());
        status.tips().heard(41);

        progress.committed(Height(40), 0, Instant::now());
        let snapshot = status.snapshot();

        assert!(!snapshot.catching_up);
        assert_eq!(snapshot.eta_s, None);
    }

    #[test]
    fn the_highest_tip_heard_is_kept() {
        let tips = PeerTips::default();

        tips.heard(7);
        tips.heard(3);

        assert_eq!(tips.highest(), Height(7));
    }
}
