//! Onebook's integration tests, compiled into one binary.

#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]

mod checkpoints_e2e;
mod cli;
mod codec_props;
mod crash;
mod demo_seed;
mod devnet;
mod events;
mod explorer;
mod history_vectors;
mod json_vectors;
mod lifecycles;
mod network;
mod proof_bundles;
mod proofs_e2e;
mod read_audit;
mod store;
mod vectors;

/// The test package's build of the `onebook` command, for end-to-end tests that start nodes.
fn node_binary() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_onebook-node"))
}
