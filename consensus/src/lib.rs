//! Onebook's consensus: Malachite (Tendermint BFT, `arc-malachitebft-*` pinned `=0.8.2`) adapted
//! to Onebook blocks. The node implements [`Application`]; this crate drives it. Malachite's own
//! types stay inside this crate: the rest of Onebook sees only Onebook's block, header, validator
//! set and [`CommitCertificate`](onebook_types::block::CommitCertificate).
//!
//! A precommit for a block signs exactly the [`CommitVote`](onebook_types::block::CommitVote)
//! digest of `docs/formats.md`, so the precommits that decide a block are, as they are, the
//! commit certificate that anyone holding the genesis file can check offline. Prevotes, nil
//! precommits, proposals and proposal parts sign other, domain-tagged digests (`signing.rs`).
//!
//! [`run`] starts Malachite's engine (its own libp2p swarm, WAL and value sync) for one
//! validator configured by [`ConsensusConfig`] and serves the engine's requests by calling the
//! [`Application`] from one task (`host.rs`). Inside: `types.rs` (the Malachite `Context`: the
//! block is the value, the node key is the address, round-robin proposers), `codec.rs` (a
//! versioned, size-limited borsh encoding of every message and WAL entry), `certificate.rs`
//! (Malachite's certificate to Onebook's and back) and `proposals.rs` (the node's own
//! proposals, kept on disk so a restart never proposes two blocks at one height and round).
//! ADR 0006 records the choice of Malachite.

mod app;
mod catchup;
mod certificate;
mod codec;
mod config;
mod error;
mod host;
pub mod metrics;
mod node;
mod proposals;
mod signing;
#[cfg(feature = "sim")]
pub mod sim;
mod types;

pub use app::{AppError, Application, HeaderField, InvalidBlock};
pub use catchup::{SyncSnapshot, SyncStatus};
pub use config::{ConfigError, ConsensusConfig, PeerConfig};
pub use error::ConsensusError;
pub use node::{run, run_with_status};
pub use types::ChainIdentity;
