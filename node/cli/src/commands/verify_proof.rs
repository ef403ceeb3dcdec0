//! `onebook verify-proof`: check a proof bundle offline against a genesis file.
//!
//! Exit status: 0 if the bundle proves its claim, 1 if it does not (the reason is printed),
//! 2 for a usage or I/O error (unreadable file, invalid genesis).

use std::{fs, path::PathBuf, time::Duration};

use clap::Args;
use eyre::WrapErr;
use onebook_genesis::GenesisFile;
use onebook_types::{ids::Timestamp, limits::PROOF_BUNDLE_BYTES_MAX};
use onebook_verifier::{CoverageError, TrustedGenesis, VerifyOptions};

use crate::home::read_genesis;

/// Check a proof bundle from `onebook proof` against a genesis file, trusting nothing else, and
/// print what it proves, as of which block and anchored at which witnessed checkpoint. Exits 0
/// if valid, 1 if invalid (the failed check is named), 2 on a usage or I/O error.
///
/// A bundle must be anchored: its block must be an ancestor of a checkpoint the chain's
/// witnesses (named in the genesis, or handed over by them since) cosigned. Trust model:
/// `docs/formats.md` §15.
#[derive(Debug, Args)]
pub struct VerifyProofCommand {
    /// The chain's genesis file: the only thing trusted.
    #[arg(long)]
    genesis: PathBuf,
    /// The genesis file of the parent chain (a province's, for a city's bundle): the bundle must
    /// then carry the parent chain's proof that it recorded the bundle's checkpoint.
    #[arg(long)]
    parent_genesis: Option<PathBuf>,
    /// Accept a bundle that no witnessed checkpoint anchors, with a warning. Such a bundle is
    /// only as good as every validator key that was ever in force, retired ones included: for
    /// development only.
    #[arg(long)]
    allow_unanchored: bool,
    /// Accept a transaction bundle whose receipt shows the ledger refused the tx, and say so
    /// (by default a refused tx is refused: it is in a block but changed nothing).
    #[arg(long)]
    allow_refused_tx: bool,
    /// Require the facts as of this time or later (RFC 3339, e.g. `2026-05-01T08:00:00Z`, or
    /// Unix milliseconds): records must be proved at a block no older, a transaction anchored at
    /// a checkpoint no older. With `--max-age`, the time the age is counted back from.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Refuse facts older than this before `--at` (default: now), e.g. `1h` or `30m`.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    max_age: Option<Duration>,
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
        let (genesis, options, bytes) =
            self.read_inputs().map_err(|e| eyre::Report::new(ProofInputError(e)))?;
        if options.allow_unanchored {
            eprintln!(
                "WARNING: --allow-unanchored: a bundle no witnessed checkpoint anchors is only as \
                 good as every validator key ever in force, retired ones included"
            );
        }
        let verdict = if self.grant_at_access {
            let coverage =
                onebook_verifier::verify_grant_at_access_with(&bytes, &genesis, &options)
                    .map_err(|error| refused(&error))?;
            println!("{}", coverage.verdict);
            println!(
                "grant {} covered access event {} by {} at block time {} (expires at {})",
                coverage.grant,
                coverage.access_event,
                coverage.grantee,
                onebook_verifier::utc(coverage.recorded_at),
                onebook_verifier::utc(coverage.expires_at)
            );
            coverage.verdict
        } else {
            let verdict = onebook_verifier::verify_with(&bytes, &genesis, &options)
                .map_err(|error| refused(&CoverageError::Proof(error)))?;
            println!("{verdict}");
            verdict
        };
        if verdict.anchor.is_none() {
            eprintln!(
                "WARNING: this bundle is NOT ANCHORED: no witnessed checkpoint shows its block in \
                 the chain's history; a retired validator set could have signed it"
            );
        }
        Ok(())
    }

    fn read_inputs(&self) -> eyre::Result<(TrustedGenesis, VerifyOptions, Vec<u8>)> {
        let genesis = trusted(&read_genesis(&self.genesis)?)?;
        let parent = match &self.parent_genesis {
            Some(path) => Some(trusted(&read_genesis(path)?)?),
            None => None,
        };
        let not_before = self.not_before()?;
        let options = VerifyOptions {
            allow_unanchored: self.allow_unanchored,
            allow_refused_tx: self.allow_refused_tx,
            not_before,
            parent,
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
        Ok((genesis, options, bytes))
    }

    /// The earliest block time accepted: `--at`, less `--max-age` (counted back from now when
    /// `--at` is not given).
    fn not_before(&self) -> eyre::Result<Option<Timestamp>> {
        let at = match &self.at {
            Some(text) => Some(parse_time(text)?),
            None => None,
        };
        Ok(match (at, self.max_age) {
            (None, None) => None,
            (Some(at), None) => Some(at),
            (at, Some(age)) => {
                let reference = match at {
                    Some(at) => at,
                    None => now()?,
                };
                let age_ms = u64::try_from(age.as_millis()).unwrap_or(u64::MAX);
                Some(Timestamp(reference.0.saturating_sub(age_ms)))
            }
        })
    }
}

/// What a verifier trusts of a genesis file: its chain, hash, sets and suite.
pub(crate) fn trusted(file: &GenesisFile) -> eyre::Result<TrustedGenesis> {
    Ok(TrustedGenesis {
        chain_id: file.chain_id.clone(),
        genesis_hash: file.hash(),
        validators: file.validator_set(),
        witnesses: file.checkpoint_policy().witnesses,
        suite: file.suite,
    })
}

/// Parses `--at`: RFC 3339, or Unix milliseconds.
fn parse_time(text: &str) -> eyre::Result<Timestamp> {
    if let Ok(ms) = text.parse::<u64>() {
        return Ok(Timestamp(ms));
    }
    let time = humantime::parse_rfc3339_weak(text)
        .wrap_err_with(|| format!("--at {text:?} is neither RFC 3339 nor Unix milliseconds"))?;
    let ms = time
        .duration_since(std::time::UNIX_EPOCH)
        .wrap_err_with(|| format!("--at {text:?} is before 1970"))?
        .as_millis();
    Ok(Timestamp(u64::try_from(ms)?))
}

fn now() -> eyre::Result<Timestamp> {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    Ok(Timestamp(u64::try_from(ms)?))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_reads_rfc_3339_or_milliseconds() {
        assert_eq!(parse_time("1777593600000").unwrap(), Timestamp(1_777_593_600_000));
        assert_eq!(parse_time("2026-05-01T00:00:00Z").unwrap(), Timestamp(1_777_593_600_000));
        assert!(parse_time("yesterday").is_err());
    }
}
