//! Onebook's test harness, golden vectors, crash and end-to-end tests.
//!
//! [`synthetic`] builds a deterministic chain of signed blocks with state changes, so a crash
//! test, a benchmark and an in-memory replay can all produce the same blocks and compare roots.
//! [`fixtures`] holds one sample of every action, used by the codec properties and the vectors.

pub mod fixtures;
pub mod synthetic;
