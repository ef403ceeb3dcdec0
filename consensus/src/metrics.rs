//! Process-wide figures of the consensus engine and the chain, read by `GET /metrics`.
//!
//! Each figure is a static of atomics, so the paths that record them pay one relaxed add and
//! need no handle threaded through them; a node runs one chain per process. A [`Histogram`] has
//! fixed buckets, as Prometheus histograms do, so the exposition is a fixed set of lines.

use std::sync::atomic::{AtomicU64, Ordering};

/// The most buckets a [`Histogram`] has, besides `+Inf`.
const BUCKETS_MAX: usize = 16;

/// Bucket bounds in seconds for durations from a millisecond to half a minute.
pub const DURATION_BUCKETS_SECONDS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Bucket bounds for the round at which a height was decided.
pub const ROUND_BUCKETS: &[f64] = &[0.0, 1.0, 2.0, 3.0, 5.0, 10.0];

/// A Prometheus histogram with fixed bucket bounds: each observation counts in the first bucket
/// whose bound is at least its value (and in `+Inf`), and adds to the sum.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    buckets: [AtomicU64; BUCKETS_MAX],
    count: AtomicU64,
    /// The sum of the observations, in millionths.
    sum_micros: AtomicU64,
}

/// A histogram's figures at one moment: cumulative counts per bound, the count and the sum.
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramSnapshot {
    /// Each bound with the observations at most it.
    pub buckets: Vec<(f64, u64)>,
    /// Every observation.
    pub count: u64,
    /// Their sum.
    pub sum: f64,
}

impl Histogram {
    /// An empty histogram over `bounds`, increasing, at most 16.
    ///
    /// # Panics
    /// At compile time for a static, if `bounds` has more than 16 entries.
    pub const fn new(bounds: &'static [f64]) -> Self {
        assert!(bounds.len() <= BUCKETS_MAX, "a histogram has at most 16 buckets");
        Self {
            bounds,
            buckets: [const { AtomicU64::new(0) }; BUCKETS_MAX],
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    /// Counts one observation of `value`.
    pub fn observe(&self, value: f64) {
        if let Some(index) = self.bounds.iter().position(|bound| value <= *bound) {
            self.buckets[index].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        // A negative or non-finite value adds nothing to the sum; the cast saturates.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let micros = (value.max(0.0) * 1e6) as u64;
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Counts the time since `start`, in seconds.
    pub fn observe_since(&self, start: std::time::Instant) {
        self.observe(start.elapsed().as_secs_f64());
    }

    /// The figures now. Under concurrent observations the counts may lag the sum by the
    /// observations in flight, as any scrape of live counters does.
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut cumulative = 0;
        let buckets = self
            .bounds
            .iter()
            .zip(&self.buckets)
            .map(|(bound, count)| {
                cumulative += count.load(Ordering::Relaxed);
                (*bound, cumulative)
            })
            .collect();
        #[allow(clippy::cast_precision_loss)]
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        HistogramSnapshot { buckets, count: self.count.load(Ordering::Relaxed), sum }
    }
}

/// Counters over a fixed set of label values, one counter each.
#[derive(Debug)]
pub struct CounterFamily<const N: usize> {
    labels: [&'static str; N],
    counts: [AtomicU64; N],
}

impl<const N: usize> CounterFamily<N> {
    /// Zeroed counters, one per label value.
    pub const fn new(labels: [&'static str; N]) -> Self {
        Self { labels, counts: [const { AtomicU64::new(0) }; N] }
    }

    /// Counts one under `label`; a label outside the set counts nowhere (and fails debug
    /// builds).
    pub fn count(&self, label: &str) {
        let index = self.labels.iter().position(|known| *known == label);
        debug_assert!(index.is_some(), "{label} is not a label of this family");
        if let Some(index) = index {
            self.counts[index].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Each label value with its count, in the set's order.
    pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
        self.labels.iter().zip(&self.counts).map(|(l, c)| (*l, c.load(Ordering::Relaxed))).collect()
    }
}

/// Why a tx was turned away at admission (the mempool's checks, in their order, then a full
/// pool and a storage failure).
pub static ADMISSION_REFUSALS: CounterFamily<15> = CounterFamily::new([
    "too_large",
    "decode",
    "wrong_chain",
    "duplicate",
    "bad_signature",
    "nonce_used",
    "nonce_gap",
    "tx_expired",
    "signer_unknown",
    "signer_revoked",
    "org_suspended",
    "role_missing",
    "refused_other",
    "full",
    "storage",
]);

/// Rounds this node's consensus started, at every height.
pub static ROUNDS_STARTED: AtomicU64 = AtomicU64::new(0);

/// The round at which each height this node committed was decided (0: the first round).
pub static DECIDED_ROUND: Histogram = Histogram::new(ROUND_BUCKETS);

/// Time to execute a block on the committed state: building one, or checking another's.
pub static BLOCK_EXECUTION_SECONDS: Histogram = Histogram::new(DURATION_BUCKETS_SECONDS);

/// The most txs the next block this node proposes may hold: the configured ceiling, or fewer
/// while recent blocks executed too slowly for the build budget (ADR 0022).
pub static BLOCK_TXS_CAP: AtomicU64 = AtomicU64::new(0);

/// Time to write a decided block to the store.
pub static BLOCK_COMMIT_SECONDS: Histogram = Histogram::new(DURATION_BUCKETS_SECONDS);

/// Counts one started round.
pub fn round_started() {
    ROUNDS_STARTED.fetch_add(1, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_observation_counts_in_its_bucket_and_every_later_one_and_in_the_sum() {
        static BOUNDS: &[f64] = &[0.1, 1.0, 10.0];
        let histogram = Histogram::new(BOUNDS);

        histogram.observe(0.05);
        histogram.observe(1.0);
        histogram.observe(3.0);
        histogram.observe(60.0);

        let snapshot = histogram.snapshot();
        assert_eq!(snapshot.buckets, [(0.1, 1), (1.0, 2), (10.0, 3)]);
        assert_eq!(snapshot.count, 4);
        assert!((snapshot.sum - 64.05).abs() < 1e-6, "{}", snapshot.sum);
    }
}
