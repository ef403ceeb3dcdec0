//! The node's clock, and the faster one a development network may run on.
//!
//! The ledger rules see only block time, which the proposer takes from its clock and every
//! validator bounds by its own. On a production network that clock is the wall clock. A
//! `dev_only` network may instead run its ledger clock `rate` times faster than the wall clock
//! from an `anchor` on (`[clock]` in the configuration, written by `onebook testnet
//! --clock-rate`), so that what the rules count in days (a property application's public notice,
//! answer and correction deadlines, grant terms) passes in minutes on a demo or test network.
//! Every node of the network must run with the same rate and anchor, or their block times
//! disagree and they vote against each other's blocks.

use std::time::{SystemTime, UNIX_EPOCH};

use eyre::bail;
use onebook_consensus::{AppError, Application, InvalidBlock};
use onebook_types::{
    block::{Block, CommitCertificate},
    consortium::ValidatorSet,
    ids::{Height, Timestamp},
    keys::PublicKey,
};
use serde::{Deserialize, Serialize};

/// The fastest ledger clock: one day of block time per second of wall time.
pub const CLOCK_RATE_MAX: u32 = 86_400;

/// How far ahead of a validator's clock a block's time may be, in wall-clock milliseconds
/// (`onebook_chain::ChainConfig::future_time_max_ms` on a wall-clock network).
const FUTURE_WALL_MS_MAX: u64 = 30_000;

/// `[clock]`: the ledger clock of a development network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClockSection {
    /// How many times faster than the wall clock block time runs: 1 (the wall clock) on every
    /// network but a `dev_only` one, at most 86400 (a day a second).
    pub rate: u32,
    /// The wall-clock time (Unix ms) from which the faster clock runs; the network's nodes share
    /// it. Required when `rate` is above 1.
    pub anchor_ms: u64,
}

impl Default for ClockSection {
    fn default() -> Self {
        Self { rate: 1, anchor_ms: 0 }
    }
}

impl ClockSection {
    /// Checks the section.
    pub fn validate(&self) -> eyre::Result<()> {
        if self.rate == 0 || self.rate > CLOCK_RATE_MAX {
            bail!("rate must be between 1 and {CLOCK_RATE_MAX}, not {}", self.rate);
        }
        if self.rate > 1 && self.anchor_ms == 0 {
            bail!(
                "anchor_ms must be set (a Unix time in ms that every node of the network shares) \
                 when rate is above 1"
            );
        }
        Ok(())
    }

    /// The clock this section describes.
    pub fn clock(&self) -> NodeClock {
        NodeClock { rate: u64::from(self.rate.max(1)), anchor_ms: self.anchor_ms }
    }
}

/// A node's clock: the wall clock, or one running `rate` times faster from `anchor_ms` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeClock {
    rate: u64,
    anchor_ms: u64,
}

impl NodeClock {
    /// Whether this is the wall clock.
    pub fn is_wall(&self) -> bool {
        self.rate == 1
    }

    /// The time now by this clock.
    pub fn now(&self) -> Timestamp {
        self.at(wall_ms())
    }

    /// The time by this clock when the wall clock reads `wall_ms`. Before the anchor (a clock
    /// set back) it is the wall clock's time.
    pub fn at(&self, wall_ms: u64) -> Timestamp {
        match wall_ms.checked_sub(self.anchor_ms) {
            Some(since) if self.rate > 1 => {
                Timestamp(self.anchor_ms.saturating_add(since.saturating_mul(self.rate)))
            }
            _ => Timestamp(wall_ms),
        }
    }

    /// How far ahead of this clock a block's time may be: thirty seconds of wall time.
    fn future_max_ms(&self) -> u64 {
        FUTURE_WALL_MS_MAX.saturating_mul(self.rate)
    }
}

/// The wall clock, in milliseconds since the Unix epoch.
pub fn wall_ms() -> u64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX)
}

/// An [`Application`] whose blocks take their time from a faster [`NodeClock`]: it proposes at
/// that clock's time and votes against a block more than thirty wall-clock seconds ahead of it.
/// The wrapped chain must not check block times against the wall clock itself.
#[derive(Debug)]
pub struct ClockedApp<A> {
    inner: A,
    clock: NodeClock,
}

impl<A> ClockedApp<A> {
    /// `inner`, timed by `clock`.
    pub fn new(inner: A, clock: NodeClock) -> Self {
        Self { inner, clock }
    }
}

impl<A: Application> Application for ClockedApp<A> {
    fn committed_height(&self) -> Result<Height, AppError> {
        self.inner.committed_height()
    }

    fn validator_set(&self, height: Height) -> Result<Option<ValidatorSet>, AppError> {
        self.inner.validator_set(height)
    }

    fn propose(
        &mut self,
        height: Height,
        time: Timestamp,
        proposer: PublicKey,
    ) -> Result<Block, AppError> {
        let now = self.clock.now();
        self.inner.propose(height, Timestamp(time.0.max(now.0)), proposer)
    }

    fn verify(&mut self, block: &Block) -> Result<(), AppError> {
        let now = self.clock.now();
        if block.header.time.0 > now.0.saturating_add(self.clock.future_max_ms()) {
            return Err(InvalidBlock::AheadOfClock { time: block.header.time, now }.into());
        }
        self.inner.verify(block)
    }

    fn has_waiting_txs(&self) -> bool {
        self.inner.has_waiting_txs()
    }

    fn commit(&mut self, block: Block, certificate: CommitCertificate) -> Result<(), AppError> {
        self.inner.commit(block, certificate)
    }

    fn decided(&self, height: Height) -> Result<Option<(Block, CommitCertificate)>, AppError> {
        self.inner.decided(height)
    }

    fn earliest_decided(&self) -> Result<Height, AppError> {
        self.inner.earliest_decided()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_faster_clock_runs_from_its_anchor() {
        let clock = ClockSection { rate: 1_440, anchor_ms: 1_000 }.clock();

        assert_eq!(clock.at(1_000), Timestamp(1_000));
        assert_eq!(clock.at(1_001), Timestamp(2_440));
        assert_eq!(clock.at(61_000), Timestamp(1_000 + 60_000 * 1_440));
        assert_eq!(clock.at(500), Timestamp(500), "before the anchor it reads the wall clock");
    }

    #[test]
    fn the_default_clock_is_the_wall_clock() {
        let clock = ClockSection::default().clock();

        assert!(clock.is_wall());
        assert_eq!(clock.at(123_456), Timestamp(123_456));
    }

    #[test]
    fn a_rate_out_of_range_or_without_an_anchor_is_refused() {
        let zero = ClockSection { rate: 0, anchor_ms: 1 }.validate().unwrap_err();
        let fast = ClockSection { rate: CLOCK_RATE_MAX + 1, anchor_ms: 1 }.validate().unwrap_err();
        let unanchored = ClockSection { rate: 2, anchor_ms: 0 }.validate().unwrap_err();

        assert!(zero.to_string().contains("between 1 and"), "{zero}");
        assert!(fast.to_string().contains("between 1 and"), "{fast}");
        assert!(unanchored.to_string().contains("anchor_ms"), "{unanchored}");
    }
}
