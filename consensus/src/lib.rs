//! Onebook's consensus: Malachite (Tendermint BFT, `arc-malachitebft-*` pinned `=0.8.2`) adapted
//! to Onebook blocks. The node implements [`Application`]; this crate drives it. Malachite's own
//! types stay inside this crate: the rest of Onebook sees only Onebook's block, header, validator
//! set and [`CommitCertificate`](onebook_types::block::CommitCertificate).
//!
//! A precommit for a block signs exactly the [`CommitVote`](onebook_types::block::CommitVote)
//! digest of `docs/formats.md`, so the precommits that decide a block are, as they are, the
//! commit certificate that anyone holding the genesis file can check offline.

mod app;
mod certificate;
pub mod codec;
mod config;
mod error;
mod host;
mod node;
mod proposals;
pub mod signing;
pub mod types;

pub use app::{AppError, Application};
pub use config::{ConfigError, ConsensusConfig, PeerConfig};
pub use error::ConsensusError;
pub use node::run;
