//! Offline proof check: genesis, validator-set chain, header, certificate and state proof.
//!
//! A [`ProofBundle`] carries everything needed to check a fact from the genesis alone: the
//! validator-set changes since genesis ([`SetChange`]), the header of the block at the proved
//! height, its commit certificate, and a [`Claim`]: records or their absence against the
//! header's state root, or a transaction against its tx root. [`verify`] runs every check in a
//! fixed order and returns a [`Verdict`] with the known record kinds decoded, or the
//! [`VerifyError`] naming the check that failed. [`verify_grant_at_access`] judges, from one
//! bundle, that a grant covered an access when it happened. The crate is pure: no I/O, clock or
//! randomness, and no input panics it. Bytes: `docs/formats.md` (Proof bundles); reasons:
//! `docs/adr/0008-proof-bundles.md`.

mod bundle;
mod coverage;
mod error;
mod verdict;
mod verify;

pub use bundle::{BUNDLE_MAGIC, BUNDLE_VERSION, Claim, ProofBundle, RecordClaim, SetChange};
pub use coverage::{GrantCoverage, judge, verify_grant_at_access};
pub use error::{CoverageError, Result, VerifyError};
pub use verdict::{
    CertificateSummary, Proved, ProvenRecord, RecordValue, Standing, Verdict, kind_name, summarize,
};
pub use verify::{TrustedGenesis, decode, verify, verify_bundle};

#[cfg(test)]
mod tests;
