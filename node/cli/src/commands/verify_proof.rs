//! `onebook verify-proof`: check a proof bundle offline against a genesis file.
//!
//! Exit status: 0 if the bundle proves its claim, 1 if it does not (the reason is printed),
//! 2 for a usage or I/O error (unreadable file, invalid genesis).

use std::{fs, path::PathBuf};

use clap::Args;
use eyre::WrapErr;
use onebook_types::limits::PROOF_BUNDLE_BYTES_MAX;
use onebook_verifier::{CoverageError, TrustedGenesis};

use crate::home::read_genesis;

/// Check a proof bundle from `onebook proof` against a genesis file, trusting nothing else, and
/// print what it proves. Exits 0 if valid, 1 if invalid, 2 on a usage or I/O error.
#[derive(Debug, Args)]
pub struct VerifyProofCommand {
    /// The chain's genesis file: the only thing trusted.
    #[arg(long)]
    genesis: PathBuf,
    /// Also judge that the proved grant covered the proved access at its block (a bundle from
    /// `onebook proof --access-event`).
    #[arg(long)]
    grant_at_access: bool,
    /// The bundle file.
    bundle: PathBuf,
}

/// The bundle was read and checked, and it does not prove its claim (exit status 1).
#[derive(Debug, thiserror::Error)]
#[error("invalid proof: {reason}")]
pub(crate) struct ProofRefused {
    reason: String,
}

/// The inputs could not be read or are not usable (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub(crate) struct ProofInputError(eyre::Report);

impl VerifyProofCommand {
    /// Runs the command.
    pub fn execute(self) -> eyre::Result<()> {
        let (genesis, bytes) =
            self.read_inputs().map_err(|e| eyre::Report::new(ProofInputError(e)))?;
        if self.grant_at_access {
            let coverage = onebook_verifier::verify_grant_at_access(&bytes, &genesis)
                .map_err(|error| refused(&error))?;
            println!("{}", coverage.verdict);
            println!(
                "grant {} covered access event {} by {} at block time {} (expires at {})",
                coverage.grant,
                coverage.access_event,
                coverage.grantee,
                coverage.recorded_at.0,
                coverage.expires_at.0
            );
            return Ok(());
        }
        let verdict = onebook_verifier::verify(&bytes, &genesis)
            .map_err(|error| refused(&CoverageError::Proof(error)))?;
        println!("{verdict}");
        Ok(())
    }

    fn read_inputs(&self) -> eyre::Result<(TrustedGenesis, Vec<u8>)> {
        let file = read_genesis(&self.genesis)?;
        let genesis = TrustedGenesis {
            chain_id: file.chain_id.clone(),
            genesis_hash: file.hash(),
            validators: file.validator_set(),
        };
        let size = fs::metadata(&self.bundle)
            .wrap_err_with(|| format!("reading bundle {}", self.bundle.display()))?
            .len();
        eyre::ensure!(
            usize::try_from(size).is_ok_and(|size| size <= PROOF_BUNDLE_BYTES_MAX),
            "bundle {} is {size} bytes; the limit is {PROOF_BUNDLE_BYTES_MAX}",
            self.bundle.display()
        );
        let bytes = fs::read(&self.bundle)
            .wrap_err_with(|| format!("reading bundle {}", self.bundle.display()))?;
        Ok((genesis, bytes))
    }
}

/// The exit status for a command's error: 1 for a refused proof, 2 for unusable inputs to
/// `verify-proof`, 1 for any other failure.
pub(crate) fn exit_status(error: &eyre::Report) -> u8 {
    if error.downcast_ref::<ProofInputError>().is_some() { 2 } else { 1 }
}

fn refused(error: &CoverageError) -> eyre::Report {
    let mut reason = format!("{} ({})", error, kind(error));
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        reason.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eyre::Report::new(ProofRefused { reason })
}

fn kind(error: &CoverageError) -> &'static str {
    match error {
        CoverageError::Proof(error) => error.kind(),
        _ => "coverage",
    }
}
