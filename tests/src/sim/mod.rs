//! A seeded simulation of a consortium in one process: several validators, each running the
//! real consensus core (Malachite's sans-IO state machine through
//! [`onebook_consensus::sim::SimValidator`]), the real chain ([`onebook_chain::Chain`]: block
//! building, verification and commit with the ledger rules), the real mempool and a RocksDB
//! store in a temporary directory, over a simulated network that loses, duplicates, delays
//! and reorders messages, splits the validators into two sides, and kills and restarts up to
//! `f` of them.
//!
//! Everything random comes from one seed (`ChaCha8`); time is virtual and jumps from event to
//! event; no wall clock or OS entropy reaches a validator. So a seed replays exactly: a run
//! hashes every event it processes and every block it sees committed into a trace, and two runs
//! of one seed give the same trace ([`SimReport::trace`]). A failing seed is printed with the
//! `ONEBOOK_SEED=<seed>` that reruns just it ([`seeds`]).
//!
//! Each run (`world.rs`): the validators start on the dev network's genesis (4 or 7 of them);
//! until the heal time drawn from the seed, faults come and go (`scenario.rs`) while clients
//! sign and submit txs and resubmit them until they see them committed; at the heal every
//! validator runs and the network delivers promptly; the run ends when every validator has
//! committed [`SimOptions::liveness_heights`] heights above the tip at the heal and every
//! acknowledged tx is committed, or when [`SimOptions::liveness_bound_ms`] has passed. The
//! checks (`oracle.rs`) judge every committed block as it appears.
//!
//! What it does not model: libp2p and gossipsub (messages go point to point, each on its own
//! delay), Malachite's engine actors and its sync actor (replaced, see
//! [`onebook_consensus::sim`]), the REST API, torn or corrupted writes (a crash keeps every
//! write that returned), and Byzantine validators other than the injected bugs.

mod app;
mod oracle;
mod scenario;
mod world;

pub use onebook_consensus::sim::InjectedBug;
use onebook_types::hash::Hash32;
pub use oracle::Violation;
pub use scenario::{Crash, Partition, Scenario};

/// How seeds are run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOptions {
    /// A rule every validator breaks, or `None`.
    pub bug: Option<InjectedBug>,
    /// How often a seed runs 7 validators (f = 2) rather than 4 (f = 1), per thousand.
    pub seven_validators_per_mille: u64,
    /// The range the heal time is drawn from, in virtual milliseconds.
    pub faults_ms: (u64, u64),
    /// How many heights above the tip at the heal every validator must commit.
    pub liveness_heights: u64,
    /// How long after the heal they may take, in virtual milliseconds.
    pub liveness_bound_ms: u64,
    /// How many member keys submit txs.
    pub clients: usize,
    /// Run Twins scenarios ([`Scenario::twin`]) instead of the general mix of faults.
    pub twins: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            bug: None,
            seven_validators_per_mille: 200,
            faults_ms: (4_000, 15_000),
            liveness_heights: 8,
            liveness_bound_ms: 60_000,
            clients: 4,
            twins: false,
        }
    }
}

/// What a run did, for the suite's summary and to show that the faults happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Height of the canonical chain at the end.
    pub heights: u64,
    /// Height of the canonical chain at the heal.
    pub heal_height: u64,
    /// Txs in committed blocks, counted once per validator.
    pub txs_in_blocks: u64,
    /// Distinct txs committed.
    pub txs_committed: u64,
    /// Distinct txs a validator acknowledged.
    pub txs_acknowledged: u64,
    /// Validators killed.
    pub crashes: u64,
    /// Partitions.
    pub partitions: u64,
    /// Messages sent.
    pub messages: u64,
    /// Messages lost (partition or loss).
    pub dropped: u64,
    /// Messages delivered twice.
    pub duplicated: u64,
    /// Messages that reached a validator that was down.
    pub lost_to_crashed: u64,
    /// Sync responses delivered (a validator catching up).
    pub sync_responses: u64,
    /// Virtual time at the end.
    pub virtual_ms: u64,
}

/// The outcome of one seed.
#[derive(Clone, Debug)]
pub struct SimReport {
    /// The seed.
    pub seed: u64,
    /// The faults it drew.
    pub scenario: Scenario,
    /// What the checks found; empty when every property held.
    pub violations: Vec<Violation>,
    /// The hash of every event processed and every block committed, in order.
    pub trace: Hash32,
    /// Counts.
    pub stats: SimStats,
}

/// Runs one seed.
pub fn run(seed: u64, options: &SimOptions) -> SimReport {
    world::World::new(seed, options).run()
}

/// The seeds a test runs: just `ONEBOOK_SEED` when it is set, else `default`.
pub fn seeds(default: std::ops::Range<u64>) -> Vec<u64> {
    match std::env::var("ONEBOOK_SEED") {
        Ok(text) => vec![
            text.trim()
                .parse()
                .unwrap_or_else(|_| panic!("ONEBOOK_SEED must be a number, not {text:?}")),
        ],
        Err(_) => default.collect(),
    }
}

/// What a suite of seeds did.
#[derive(Clone, Debug, Default)]
pub struct SuiteSummary {
    /// Seeds run.
    pub seeds: u64,
    /// Sums over every seed.
    pub totals: SimStats,
    /// Seeds with 7 validators.
    pub seven_validator_seeds: u64,
    /// The failing seeds with their violations.
    pub failures: Vec<(u64, Vec<Violation>)>,
}

/// Runs `seeds` on up to `workers` threads (each seed on one thread, alone with its virtual
/// clock, so the outcome does not depend on the threads) and sums what they did; failures are
/// collected, not raised.
pub fn run_suite(seeds: &[u64], options: &SimOptions, workers: usize) -> SuiteSummary {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let reports = std::sync::Mutex::new(Vec::with_capacity(seeds.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&seed) = seeds.get(index) else { break };
                    let report = run(seed, options);
                    reports.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(report);
                }
            });
        }
    });
    let mut reports = reports.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    reports.sort_by_key(|report| report.seed);
    let mut summary = SuiteSummary::default();
    for report in reports {
        let seed = report.seed;
        summary.seeds += 1;
        if report.scenario.validators == 7 {
            summary.seven_validator_seeds += 1;
        }
        add(&mut summary.totals, &report.stats);
        if !report.violations.is_empty() {
            eprintln!(
                "seed {seed} failed ({} validators): {}\n  rerun it alone with ONEBOOK_SEED={seed}",
                report.scenario.validators,
                report.violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            );
            summary.failures.push((seed, report.violations));
        }
    }
    summary
}

impl SuiteSummary {
    /// Panics with every failing seed and how to rerun it, if any failed.
    pub fn assert_no_violations(&self) {
        if self.failures.is_empty() {
            return;
        }
        let lines: Vec<String> = self
            .failures
            .iter()
            .map(|(seed, violations)| {
                let first = violations.first().map(ToString::to_string).unwrap_or_default();
                format!("seed {seed}: {first} (rerun: ONEBOOK_SEED={seed})")
            })
            .collect();
        panic!("{} of {} seeds failed:\n{}", self.failures.len(), self.seeds, lines.join("\n"));
    }
}

fn add(total: &mut SimStats, run: &SimStats) {
    total.heights += run.heights;
    total.heal_height += run.heal_height;
    total.txs_in_blocks += run.txs_in_blocks;
    total.txs_committed += run.txs_committed;
    total.txs_acknowledged += run.txs_acknowledged;
    total.crashes += run.crashes;
    total.partitions += run.partitions;
    total.messages += run.messages;
    total.dropped += run.dropped;
    total.duplicated += run.duplicated;
    total.lost_to_crashed += run.lost_to_crashed;
    total.sync_responses += run.sync_responses;
    total.virtual_ms += run.virtual_ms;
}
