//! What one seed simulates: the network's faults, the partitions, the crashes and when the
//! network heals, all drawn from the seed.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use super::SimOptions;

/// The seeded random source of a simulation: every random choice of a run comes from it, in
/// the order the run makes them.
#[derive(Debug)]
pub(crate) struct Draw(ChaCha8Rng);

impl Draw {
    pub(crate) fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.0.next_u64() % n }
    }

    /// A number in `low..=high`.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low).saturating_add(1))
    }

    /// True `per_mille` times in a thousand.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// 32 random bytes.
    pub(crate) fn bytes32(&mut self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        self.0.fill_bytes(&mut bytes);
        bytes
    }
}

/// A bipartition of the validators from `start_ms` to `end_ms`: messages between the two sides
/// are lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// When it starts.
    pub start_ms: u64,
    /// When it heals.
    pub end_ms: u64,
    /// Each validator's side.
    pub side: Vec<bool>,
}

/// A validator killed at `at_ms` and started again at `restart_ms` from what it had written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crash {
    /// The validator's index.
    pub node: usize,
    /// When it is killed.
    pub at_ms: u64,
    /// When it starts again.
    pub restart_ms: u64,
}

/// The faults of one seed. Until `heal_ms` messages are lost, duplicated and delayed (so
/// reordered) at the drawn rates, partitions come and go and up to `f` validators are down at a
/// time; from `heal_ms` every validator runs, no message is lost and delays are short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// How many validators (equal power).
    pub validators: usize,
    /// Messages lost before the heal, per thousand.
    pub drop_per_mille: u64,
    /// Messages delivered twice, per thousand.
    pub duplicate_per_mille: u64,
    /// The longest delay of a message before the heal (delays are uniform from 1 ms).
    pub delay_max_ms: u64,
    /// The longest delay of a message after the heal.
    pub healed_delay_max_ms: u64,
    /// Each validator's clock offset from virtual time.
    pub skews_ms: Vec<i64>,
    /// When the network heals.
    pub heal_ms: u64,
    /// The partitions, in time order, none overlapping.
    pub partitions: Vec<Partition>,
    /// The crashes, in time order.
    pub crashes: Vec<Crash>,
    /// A validator run twice, by two processes with its key, stores and WALs (Twins: a
    /// Byzantine validator that equivocates in every way its two halves disagree). The twin
    /// process comes after the validators; partitions and skews cover it too.
    pub twin: Option<usize>,
}

impl Scenario {
    /// How many validator processes run: the validators and a twin.
    pub fn processes(&self) -> usize {
        self.validators + usize::from(self.twin.is_some())
    }
}

/// Longest delays a seed may draw: from a LAN to twice the propose timeout.
const DELAY_PROFILES_MS: [u64; 6] = [20, 100, 300, 1_000, 3_000, 6_000];
/// Loss rates a seed may draw, per thousand messages: from none to the 30 % of a bad link.
const DROP_PROFILES_PER_MILLE: [u64; 6] = [0, 10, 50, 100, 200, 300];
/// Largest clock offset of a validator: half the chain's 30 s bound on a block's time ahead of
/// a validator's clock, so that no two honest clocks disagree by more than it.
const SKEW_MAX_MS: u64 = 14_000;

impl Scenario {
    /// Draws the faults of one seed.
    pub(crate) fn draw(draw: &mut Draw, options: &SimOptions) -> Self {
        if options.twins {
            return Self::draw_twins(draw, options);
        }
        let validators = if draw.chance(options.seven_validators_per_mille) { 7 } else { 4 };
        let faulty_max = (validators - 1) / 3;
        let drop_per_mille =
            DROP_PROFILES_PER_MILLE[draw.below(DROP_PROFILES_PER_MILLE.len() as u64) as usize];
        let duplicate_per_mille = draw.between(0, 100);
        let delay_max_ms = DELAY_PROFILES_MS[draw.below(DELAY_PROFILES_MS.len() as u64) as usize];
        let healed_delay_max_ms = delay_max_ms.min(300);
        let skews_ms = (0..validators)
            .map(|_| draw.between(0, 2 * SKEW_MAX_MS) as i64 - SKEW_MAX_MS as i64)
            .collect();
        let heal_ms = draw.between(options.faults_ms.0, options.faults_ms.1);
        let partitions = draw_partitions(draw, validators, heal_ms);
        let crashes = draw_crashes(draw, validators, faulty_max, heal_ms);
        Self {
            validators,
            drop_per_mille,
            duplicate_per_mille,
            delay_max_ms,
            healed_delay_max_ms,
            skews_ms,
            heal_ms,
            partitions,
            crashes,
            twin: None,
        }
    }
}

impl Scenario {
    /// Twins (Bano et al., OPODIS 2021): four validators, one of them run by two processes,
    /// and a new bipartition of the five processes every few hundred milliseconds, so that the
    /// twin's halves vote with different sides. One Byzantine validator is within what four
    /// tolerate: no honest validator may commit a block another does not.
    fn draw_twins(draw: &mut Draw, options: &SimOptions) -> Self {
        let validators = 4;
        let processes = validators + 1;
        let heal_ms = draw.between(options.faults_ms.0, options.faults_ms.1);
        let mut partitions = Vec::new();
        let mut cursor = 0;
        while cursor < heal_ms {
            let end_ms = (cursor + draw.between(200, 1_500)).min(heal_ms);
            let side: Vec<bool> = (0..processes).map(|_| draw.chance(500)).collect();
            partitions.push(Partition { start_ms: cursor, end_ms, side });
            cursor = end_ms;
        }
        let delay_max_ms = [20, 100, 300][draw.below(3) as usize];
        Self {
            validators,
            drop_per_mille: draw.between(0, 50),
            duplicate_per_mille: draw.between(0, 100),
            delay_max_ms,
            healed_delay_max_ms: delay_max_ms,
            skews_ms: (0..processes).map(|_| draw.between(0, 2_000) as i64 - 1_000).collect(),
            heal_ms,
            partitions,
            crashes: Vec::new(),
            twin: Some(draw.below(validators as u64) as usize),
        }
    }
}

fn draw_partitions(draw: &mut Draw, validators: usize, heal_ms: u64) -> Vec<Partition> {
    let mut partitions = Vec::new();
    let mut cursor = 0;
    for _ in 0..draw.below(4) {
        let start_ms = cursor + draw.below(heal_ms / 4 + 1);
        let end_ms = (start_ms + draw.between(500, 8_000)).min(heal_ms);
        if start_ms >= end_ms {
            break;
        }
        let mut side: Vec<bool> = (0..validators).map(|_| draw.chance(500)).collect();
        if side.iter().all(|s| *s) || side.iter().all(|s| !*s) {
            let flip = draw.below(validators as u64) as usize;
            side[flip] = !side[flip];
        }
        partitions.push(Partition { start_ms, end_ms, side });
        cursor = end_ms;
    }
    partitions
}

fn draw_crashes(draw: &mut Draw, validators: usize, faulty_max: usize, heal_ms: u64) -> Vec<Crash> {
    let mut crashes: Vec<Crash> = Vec::new();
    for _ in 0..draw.below(5) {
        let node = draw.below(validators as u64) as usize;
        let at_ms = draw.below(heal_ms);
        let restart_ms = (at_ms + draw.between(500, 10_000)).min(heal_ms);
        let overlapping: Vec<&Crash> =
            crashes.iter().filter(|c| c.at_ms < restart_ms && at_ms < c.restart_ms).collect();
        let same_node = overlapping.iter().any(|c| c.node == node);
        // Conservative: count every crash overlapping this one, so that at no instant more than
        // `faulty_max` validators are down.
        if !same_node && overlapping.len() < faulty_max && at_ms < restart_ms {
            crashes.push(Crash { node, at_ms, restart_ms });
        }
    }
    crashes.sort_by_key(|c| (c.at_ms, c.node));
    crashes
}
