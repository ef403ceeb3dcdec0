//! Why the consensus node stopped.

use onebook_types::{block::CertificateError, ids::Height};

use crate::{app::AppError, config::ConfigError};

/// Why [`run`](crate::run) returned an error. Each one stops the node: it must not go on voting
/// when it cannot build on, check or store its own chain.
#[derive(Debug, thiserror::Error)]
pub enum ConsensusError {
    /// The configuration is invalid.
    #[error("invalid consensus config: {0}")]
    Config(#[from] ConfigError),
    /// The application failed with something other than an invalid block.
    #[error("application failed: {0}")]
    App(#[from] AppError),
    /// The application has no validator set for a height consensus must run.
    #[error("no validator set for height {height}")]
    NoValidatorSet {
        /// The height.
        height: Height,
    },
    /// The validator set for a height has no validator with power.
    #[error("validator set for height {height} is empty")]
    EmptyValidatorSet {
        /// The height.
        height: Height,
    },
    /// The precommits that decided a block do not form a certificate the block's header
    /// accepts (its validator set hash disagrees with the set consensus ran with).
    #[error("decided block at height {height} has no valid certificate: {source}")]
    Certificate {
        /// The height.
        height: Height,
        /// Why the certificate fails.
        #[source]
        source: CertificateError,
    },
    /// The node key cannot serve as a libp2p identity.
    #[error("node key is not a valid network identity")]
    NetworkKey,
    /// Malachite's engine failed to start (its error is a report, kept as text).
    #[error("engine failed to start: {reason}")]
    EngineStart {
        /// The engine's report.
        reason: String,
    },
    /// The engine's channel to the application closed while the node was running.
    #[error("engine stopped unexpectedly")]
    EngineStopped,
    /// The home directory (WAL, own proposals) could not be written or read.
    #[error("consensus home directory: {0}")]
    Io(#[from] std::io::Error),
}
