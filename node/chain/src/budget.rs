//! How many txs the block this node proposes may hold: at most `ChainConfig::block_txs_max`, and
//! no more than this node executed within its build budget in its recent blocks (ADR 0022).
//!
//! A proposal must be built, sent and checked by the other validators within their propose
//! timeout, or they prevote nil and the round is lost. A node that executes slowly (an
//! overloaded machine, a cold cache after a restart) and proposes the largest block the pool
//! allows loses round after round while its backlog, and so its blocks, grow. The budget keeps
//! a block's execution time near a fixed share of the propose timeout instead.

use std::time::Duration;

/// The fewest txs a budget allows in a block, so that a slow node still drains its pool.
pub const BUDGET_TXS_MIN: usize = 100;

/// Blocks of fewer txs are not observed: their fixed costs (header, staging, hashing) would
/// read as a slow per-tx rate.
const OBSERVED_TXS_MIN: usize = 50;

/// The execution time per tx of recent blocks, and the cap on a block's txs it implies.
#[derive(Clone, Debug)]
pub struct BuildBudget {
    budget: Duration,
    /// Seconds per tx, averaged with a weight of one half on the newest block.
    seconds_per_tx: Option<f64>,
}

impl BuildBudget {
    /// A budget of `budget` of execution time per block, with nothing observed yet.
    pub const fn new(budget: Duration) -> Self {
        Self { budget, seconds_per_tx: None }
    }

    /// Records that executing a block of `txs` txs (building it or checking another's) took
    /// `elapsed`.
    pub fn observe(&mut self, elapsed: Duration, txs: usize) {
        if txs < OBSERVED_TXS_MIN {
            return;
        }
        #[allow(clippy::cast_precision_loss)] // a block's tx count is far below 2^52
        let newest = elapsed.as_secs_f64() / txs as f64;
        self.seconds_per_tx = Some(match self.seconds_per_tx {
            Some(average) => (average + newest) / 2.0,
            None => newest,
        });
    }

    /// The most txs of the next block: `ceiling`, or fewer if recent blocks show that `ceiling`
    /// txs would take longer than the budget, never fewer than [`BUDGET_TXS_MIN`].
    pub fn txs_max(&self, ceiling: usize) -> usize {
        let Some(seconds_per_tx) = self.seconds_per_tx.filter(|seconds| *seconds > 0.0) else {
            return ceiling;
        };
        let fits = self.budget.as_secs_f64() / seconds_per_tx;
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let fits = if fits >= ceiling as f64 { ceiling } else { fits as usize };
        fits.max(BUDGET_TXS_MIN).min(ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_observed_allows_the_ceiling() {
        assert_eq!(BuildBudget::new(Duration::from_millis(750)).txs_max(2_000), 2_000);
    }

    #[test]
    fn a_slow_block_lowers_the_cap_to_what_fits_the_budget_and_fast_ones_raise_it_again() {
        let mut budget = BuildBudget::new(Duration::from_millis(750));
        // 2,000 txs in 2.4 s: 1.2 ms a tx, so 625 fit in 750 ms.
        budget.observe(Duration::from_millis(2_400), 2_000);
        assert_eq!(budget.txs_max(2_000), 625);
        // Then 625 txs in 125 ms (0.2 ms a tx): the average is 0.7 ms, 1,071 txs.
        budget.observe(Duration::from_millis(125), 625);
        assert_eq!(budget.txs_max(2_000), 1_071);
        for _ in 0..10 {
            budget.observe(Duration::from_millis(200), 1_000);
        }
        assert_eq!(budget.txs_max(2_000), 2_000);
    }

    #[test]
    fn the_cap_never_falls_below_the_floor_nor_rises_above_the_ceiling() {
        let mut budget = BuildBudget::new(Duration::from_millis(750));
        budget.observe(Duration::from_secs(60), 100);
        assert_eq!(budget.txs_max(2_000), BUDGET_TXS_MIN);
        assert_eq!(budget.txs_max(40), 40);
    }

    #[test]
    fn small_blocks_are_not_observed() {
        let mut budget = BuildBudget::new(Duration::from_millis(750));
        budget.observe(Duration::from_secs(10), OBSERVED_TXS_MIN - 1);
        assert_eq!(budget.txs_max(2_000), 2_000);
    }
}
