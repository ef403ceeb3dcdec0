//! Onebook's integration tests, compiled into one binary.

#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test")]

mod api_limits;
mod backup;
mod batch_load;
mod catchup;
mod checkpoints_e2e;
mod cli;
mod codec_props;
mod crash;
mod damage;
mod demo_seed;
mod deploy;
mod devnet;
mod events;
mod explorer;
mod fuzz_corpus;
mod history_vectors;
mod join;
mod json_vectors;
mod keys;
mod lifecycles;
mod lineage_bundles;
mod national_vectors;
mod network;
mod partition;
mod proof_bundles;
mod proofs_e2e;
mod prune_e2e;
mod read_audit;
mod rotation;
mod sim;
mod snapshot;
mod store;
mod vectors;
mod workbench;

/// The `onebook` command end-to-end tests start: the test package's own build, or the one
/// `ONEBOOK_NODE_BINARY` names (to run the tests against another build, such as a release one).
fn node_binary() -> &'static std::path::Path {
    static BINARY: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        std::env::var_os("ONEBOOK_NODE_BINARY")
            .map_or_else(|| env!("CARGO_BIN_EXE_onebook-node").into(), std::path::PathBuf::from)
    })
}
