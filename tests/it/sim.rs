//! Seeded simulations of the consortium (see `onebook_tests::sim` for what one seed runs and
//! checks).
//!
//! - The default suite runs [`DEFAULT_SEEDS`] seeds of a short profile (faults for 1.5 to 6 s
//!   of virtual time, then 3 heights after the heal, seven validators in one seed of ten);
//!   `simulation_thousands_of_seeds_slow` runs 2,000 seeds of the full profile (faults for 4 to
//!   15 s, 8 heights after the heal) and 300 Twins seeds (one validator run twice,
//!   equivocating). `docs/simulation.md` describes the faults and the checks.
//! - A failing seed is printed with the command that reruns it alone, for example:
//!
//!   ```text
//!   ONEBOOK_SEED=1234 cargo nextest run -p onebook-tests --no-capture \
//!       sim::simulation_seeds_keep_agreement_validity_and_exactly_once
//!   ```
//!
//!   Every test here reads `ONEBOOK_SEED`: set, it runs just that seed, with the options of the
//!   test named, and the run is the same event for event (`a_seed_replays_exactly`).
//!   `ONEBOOK_SIM_WORKERS` sets how many threads run seeds (default: the machine's cores).
//! - The injected bug ([`InjectedBug::LowQuorum`]: every validator's consensus core counts more
//!   than a third of the power as a quorum instead of more than two thirds) must be caught by
//!   some seed, and the seed that caught it must replay the same violation. The first thing
//!   that catches it is the host's own certificate check (the validator refuses to commit a
//!   block decided by half the power, and stops), which the simulation reports as a
//!   violation.

use onebook_tests::sim::{self, InjectedBug, SimOptions, SimReport, Violation};

/// Seeds of the default suite.
const DEFAULT_SEEDS: std::ops::Range<u64> = 0..300;
/// Seeds of the full profile in the slow suite.
const SLOW_SEEDS: std::ops::Range<u64> = 0..2_000;
/// Twins seeds in the slow suite.
const SLOW_TWINS_SEEDS: std::ops::Range<u64> = 0..300;
/// Seeds the injected bug is run on.
const BUG_SEEDS: std::ops::Range<u64> = 0..40;

/// The short profile of the default suite: the same faults over a shorter window, and fewer
/// seeds of seven validators (which cost about three times as much as four).
fn short_profile() -> SimOptions {
    SimOptions {
        faults_ms: (1_500, 6_000),
        liveness_heights: 3,
        seven_validators_per_mille: 100,
        ..SimOptions::default()
    }
}

fn workers() -> usize {
    std::env::var("ONEBOOK_SIM_WORKERS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
}

/// Runs `seeds` (or `ONEBOOK_SEED` alone), asserts that no property broke and, over a whole
/// suite, that the faults the checks are meant to survive did happen.
fn run_and_check(name: &str, seeds: std::ops::Range<u64>, options: &SimOptions) {
    let seeds = sim::seeds(seeds);
    let started = std::time::Instant::now();
    let summary = sim::run_suite(&seeds, options, workers());
    let t = &summary.totals;
    eprintln!(
        "{name}: {} seeds ({} with 7 validators) in {:.1} s: {} heights, {} txs committed of \
         {} acknowledged, {} crashes, {} partitions, {} messages ({} dropped, {} duplicated, \
         {} to a crashed node), {} sync responses, {} s of virtual time",
        summary.seeds,
        summary.seven_validator_seeds,
        started.elapsed().as_secs_f64(),
        t.heights,
        t.txs_committed,
        t.txs_acknowledged,
        t.crashes,
        t.partitions,
        t.messages,
        t.dropped,
        t.duplicated,
        t.lost_to_crashed,
        t.sync_responses,
        t.virtual_ms / 1_000,
    );
    summary.assert_no_violations();
    if seeds.len() > 1 {
        assert!(t.txs_committed > 0 && t.txs_committed == t.txs_acknowledged, "txs committed");
        assert!(t.dropped > 0 && t.duplicated > 0, "messages were lost and duplicated");
        assert!(t.partitions > 0, "the network was partitioned");
        assert!(t.sync_responses > 0, "a validator caught up by sync");
        if !options.twins {
            assert!(t.crashes > 0 && t.lost_to_crashed > 0, "validators crashed");
            assert!(summary.seven_validator_seeds > 0, "some seeds ran seven validators");
        }
    }
}

#[test]
fn simulation_seeds_keep_agreement_validity_and_exactly_once() {
    run_and_check("default suite", DEFAULT_SEEDS, &short_profile());
}

#[test]
fn simulation_thousands_of_seeds_slow() {
    run_and_check("full profile", SLOW_SEEDS, &SimOptions::default());
    run_and_check("twins", SLOW_TWINS_SEEDS, &SimOptions { twins: true, ..SimOptions::default() });
}

#[test]
fn a_seed_replays_exactly() {
    let options = short_profile();
    for seed in sim::seeds(0..3) {
        let first = sim::run(seed, &options);
        let again = sim::run(seed, &options);

        assert_eq!(again.trace, first.trace, "seed {seed} replays event for event");
        assert_eq!(again.stats, first.stats);
        assert_eq!(again.scenario, first.scenario);
        assert!(first.stats.messages > 0 && first.stats.heights > 0, "seed {seed} ran");
    }
    let other = sim::run(1_000, &options);
    assert_ne!(other.trace, sim::run(0, &options).trace, "another seed runs otherwise");
}

/// Whether the run caught a decision without a two-thirds quorum: as a commit of two blocks at
/// one height or an invalid certificate (the history checks), or as a validator that stopped
/// because its host refused to commit a block whose certificate holds too little power.
fn caught_low_quorum(report: &SimReport) -> bool {
    report.violations.iter().any(|violation| match violation {
        Violation::Agreement { .. } | Violation::Validity { .. } => true,
        Violation::Halted { reason, .. } => reason.contains("is not more than two thirds"),
        _ => false,
    })
}

#[test]
fn an_injected_low_quorum_is_caught_and_its_seed_replays() {
    let options = SimOptions { bug: Some(InjectedBug::LowQuorum), ..short_profile() };
    let seeds = sim::seeds(BUG_SEEDS);
    let reports: Vec<SimReport> = seeds.iter().map(|seed| sim::run(*seed, &options)).collect();
    let caught: Vec<&SimReport> =
        reports.iter().filter(|report| caught_low_quorum(report)).collect();
    eprintln!(
        "low quorum: {} of {} seeds caught it (seeds {:?})",
        caught.len(),
        reports.len(),
        caught.iter().map(|report| report.seed).collect::<Vec<_>>()
    );
    let Some(first) = caught.first() else {
        panic!("no seed of {seeds:?} caught a quorum of one third")
    };

    let replay = sim::run(first.seed, &options);

    eprintln!("seed {} caught it: {}", first.seed, first.violations[0]);
    assert_eq!(replay.violations, first.violations, "seed {} replays the violation", first.seed);
    assert_eq!(replay.trace, first.trace);
}
