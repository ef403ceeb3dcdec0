//! Throughput of the state map in memory: block-sized update batches, proof generation and
//! proof verification at `ONEBOOK_BENCH_KEYS` keys (default 1,000,000).
//!
//! Run with `cargo bench -p onebook-state`. The tree is built in batches of 1,000 writes, like
//! blocks, so the store holds every version, as a node's database does.
//!
//! Beside each wall-clock rate it prints the rate per second of this thread's time on a CPU
//! (`/proc/thread-self/schedstat`, Linux), which other processes on a shared machine inflate far
//! less than they inflate the wall clock.
#![allow(clippy::disallowed_methods, reason = "a benchmark measures wall-clock time")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use onebook_state::{MemNodeStore, StateProof, apply_updates, key_hash, prove, value_hash};
use onebook_types::hash::Hash32;

const BATCH: u64 = 1_000;
const TIMED_BATCHES: u64 = 100;
const PROOFS: u64 = 100_000;

fn main() {
    let keys: u64 = std::env::var("ONEBOOK_BENCH_KEYS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_000_000)
        .max(1);
    let mut store = MemNodeStore::new();
    let mut root = Hash32::ZERO;

    let start = Instant::now();
    for first in (0..keys).step_by(BATCH as usize) {
        let writes = (first..keys.min(first + BATCH)).map(|i| (key(i), Some(value(i, 0))));
        root = commit(&mut store, root, writes);
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "state_map build_s={seconds:.2} keys={keys} batch={BATCH} nodes_stored={}",
        store.len()
    );

    let mut draw = SplitMix64(1);
    let (mut applying, mut storing) = (Duration::ZERO, Duration::ZERO);
    let (mut applying_cpu, mut storing_cpu) = (Duration::ZERO, Duration::ZERO);
    for round in 1..=TIMED_BATCHES {
        let writes: Vec<_> =
            (0..BATCH).map(|_| draw.below(keys)).map(|i| (key(i), Some(value(i, round)))).collect();
        let (start, start_cpu) = (Instant::now(), cpu_time());
        let update = apply_updates(&store, root, writes);
        let (applied, applied_cpu) = (Instant::now(), cpu_time());
        root = update.root;
        store.insert(update);
        applying += applied - start;
        storing += applied.elapsed();
        applying_cpu += applied_cpu.saturating_sub(start_cpu);
        storing_cpu += cpu_time().saturating_sub(applied_cpu);
    }
    let updates = (TIMED_BATCHES * BATCH) as f64;
    let rate = |time: Duration| updates / time.as_secs_f64().max(f64::MIN_POSITIVE);
    println!(
        "state_map updates_per_s={:.0} keys={keys} batch={BATCH} apply_only_updates_per_s={:.0} updates_per_cpu_s={:.0} apply_only_updates_per_cpu_s={:.0}",
        rate(applying + storing),
        rate(applying),
        rate(applying_cpu + storing_cpu),
        rate(applying_cpu),
    );

    let probes: Vec<Hash32> = (0..PROOFS).map(|_| key(draw.below(keys))).collect();
    let (start, start_cpu) = (Instant::now(), cpu_time());
    let proofs: Vec<StateProof> = probes.iter().map(|probe| prove(&store, root, *probe)).collect();
    let (rate, rate_cpu) = per_second(PROOFS, start, start_cpu);
    let siblings = proofs.iter().map(|proof| proof.siblings.len()).sum::<usize>() as f64;
    println!(
        "state_map proofs_generated_per_s={rate:.0} keys={keys} siblings_mean={:.1} proofs_generated_per_cpu_s={rate_cpu:.0}",
        siblings / PROOFS as f64
    );

    let (start, start_cpu) = (Instant::now(), cpu_time());
    for (proof, probe) in proofs.iter().zip(&probes) {
        black_box(proof.verify(root, *probe, proof_value(proof))).expect("a fresh proof verifies");
    }
    let (rate, rate_cpu) = per_second(PROOFS, start, start_cpu);
    println!(
        "state_map proofs_verified_per_s={rate:.0} keys={keys} proofs_verified_per_cpu_s={rate_cpu:.0}"
    );
}

/// `count` per second of wall-clock time and per second of CPU time since the two starts.
fn per_second(count: u64, start: Instant, start_cpu: Duration) -> (f64, f64) {
    let wall = start.elapsed().as_secs_f64().max(f64::MIN_POSITIVE);
    let cpu = cpu_time().saturating_sub(start_cpu).as_secs_f64().max(f64::MIN_POSITIVE);
    (count as f64 / wall, count as f64 / cpu)
}

/// The time this thread has spent on a CPU: the first field of `/proc/thread-self/schedstat`,
/// in nanoseconds. Zero where that file does not exist, so the CPU rates are then meaningless.
fn cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn commit(
    store: &mut MemNodeStore,
    root: Hash32,
    writes: impl IntoIterator<Item = (Hash32, Option<Hash32>)>,
) -> Hash32 {
    let update = apply_updates(store, root, writes);
    let root = update.root;
    store.insert(update);
    root
}

fn key(i: u64) -> Hash32 {
    key_hash(&i.to_le_bytes())
}

fn value(i: u64, round: u64) -> Hash32 {
    value_hash(&[i.to_le_bytes(), round.to_le_bytes()].concat())
}

/// The value a membership proof claims, or `None` for an absence proof.
fn proof_value(proof: &StateProof) -> Option<Hash32> {
    match proof.terminal {
        onebook_state::Terminal::Leaf { value_hash, .. } => Some(value_hash),
        onebook_state::Terminal::Empty => None,
    }
}

/// A small deterministic generator, so runs are comparable without a randomness crate.
struct SplitMix64(u64);

impl SplitMix64 {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce5_e9b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % bound
    }
}
