//! Offline proof check: genesis, validator-set chain, header, certificate, state proof, and the
//! witnessed checkpoint that anchors the header in the chain's history.
//!
//! A [`ProofBundle`] carries everything needed to check a fact from the genesis alone: the
//! validator-set changes since genesis ([`SetChange`]), the header of the block at the proved
//! height, its commit certificate, a [`Claim`] (records or their absence against the header's
//! state root, or a transaction and its receipt against its tx and receipt roots), and an
//! [`Anchor`]: a checkpoint at or above the header, cosigned by the chain's witnesses (walked
//! from genesis through each [`WitnessChange`]), with the header's place in its history and,
//! optionally, a parent chain's proof that it recorded the checkpoint. [`verify`] runs every
//! check in a fixed order and returns a [`Verdict`] with the known record kinds decoded, or the
//! [`VerifyError`] naming the check that failed; [`verify_with`] takes [`VerifyOptions`]
//! (unanchored bundles, refused txs, freshness, a trusted parent chain).
//! [`verify_grant_at_access`] judges, from one bundle, that a grant covered an access when it
//! happened, up the chain of grants an onward grant derives from; [`Verdict::development`]
//! names the development grant a product certificate's product was built under. The crate is pure: no I/O, clock or randomness, and no input panics it. Bytes:
//! `docs/formats.md` (Proof bundles); reasons: `docs/adr/0008-proof-bundles.md` and
//! `docs/adr/0017-witnessed-checkpoints.md`.

mod bundle;
mod coverage;
mod error;
mod lineage;
mod verdict;
mod verify;

pub use bundle::{
    Anchor, BUNDLE_MAGIC, BUNDLE_VERSION, Claim, ProofBundle, RecordClaim, SetChange, WitnessChange,
};
pub use coverage::{GrantCoverage, judge, verify_grant_at_access, verify_grant_at_access_with};
pub use error::{CoverageError, Result, VerifyError};
pub use lineage::{ChainLevel, Development, ended_above};
pub use verdict::{
    AnchorSummary, CertificateSummary, ParentSummary, Proved, ProvenRecord, RecordValue, Standing,
    Verdict, kind_name, summarize, utc,
};
pub use verify::{
    TrustedGenesis, VerifyOptions, decode, verify, verify_bundle, verify_bundle_with, verify_with,
    witnesses_after,
};

#[cfg(test)]
mod tests;
