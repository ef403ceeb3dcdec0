//! Onebook's test harness, golden vectors, crash and end-to-end tests.
//!
//! [`synthetic`] builds a deterministic chain of signed blocks with state changes, so a crash
//! test, a benchmark and an in-memory replay can all produce the same blocks and compare roots.
//! [`webdriver`] drives headless Chromium for the explorer's browser tests. [`proof_chain`] builds a short chain signed by the dev validators, with one validator-set
//! change, for proof bundles. [`history`] builds a long history of the dev network straight into a
//! store, for nodes to start on or sync. [`netns`] and [`partition`] run validators in network
//! namespaces and cut and heal their links; [`chain_watch`] checks that no two nodes ever commit
//! different blocks at one height. [`fuzz`] holds the fuzz targets, which the fuzzer
//! (`tests/fuzz/`, `scripts/fuzz.sh`) and the corpus replay of the default suite both call.
//! [`cpu`] reads a thread's CPU time for the benchmarks. One sample of every action lives in
//! `onebook_types::samples` (feature `samples`).

pub mod chain_watch;
pub mod cpu;
pub mod devnet;
pub mod fuzz;
pub mod history;
pub mod keepalive;
pub mod lineage_chain;
pub mod netns;
pub mod partition;
pub mod proof_chain;
pub mod rng;
pub mod sim;
pub mod synthetic;
pub mod webdriver;
