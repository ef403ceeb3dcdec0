//! Onebook's test harness, golden vectors, crash and end-to-end tests.
//!
//! [`synthetic`] builds a deterministic chain of signed blocks with state changes, so a crash
//! test, a benchmark and an in-memory replay can all produce the same blocks and compare roots.
//! One sample of every action lives in `onebook_types::samples` (feature `samples`).

pub mod devnet;
pub mod synthetic;
