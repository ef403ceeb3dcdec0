//! Onebook's wire types, canonical encoding, domain-tagged hashing and Merkle trees.
//!
//! Everything signed, hashed or stored is encoded by [`codec`] (borsh) and hashed by [`hash`]
//! with a domain tag per kind of thing. A transaction ([`tx::SignedTx`]) carries one
//! [`action::Action`]; only [`tx::SignedTx::verify`] turns it into the [`tx::VerifiedTx`] the
//! ledger rules accept. A [`block::Header`] commits to transactions and receipts through
//! [`merkle`] roots, to the state through the state tree root, and to every earlier block
//! through the [`history`] root; [`checkpoint`] holds what independent witnesses cosign. A
//! chain's [`suite::Suite`], fixed in genesis, says which signature scheme and hash function
//! read every key, signature and digest (`docs/adr/0026-cryptographic-suite.md`).
//! `docs/formats.md` describes every byte; `tests/vectors/` pins them. See
//! `docs/adr/0002-canonical-encoding-borsh.md`.

pub mod action;
pub mod block;
pub mod catalog_records;
pub mod checkpoint;
pub mod codec;
pub mod consortium;
pub mod development_records;
pub mod hash;
pub mod history;
pub mod ids;
pub mod keys;
pub mod lifecycle_records;
pub mod limits;
pub mod merkle;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod property_records;
pub mod quality_records;
pub mod read_request;
pub mod reads;
pub mod record;
pub mod record_kind;
pub mod records;
pub mod rejection;
pub mod report_records;
#[cfg(feature = "samples")]
pub mod samples;
pub mod sharing_records;
pub mod sigbatch;
pub mod suite;
pub mod time;
pub mod tx;
