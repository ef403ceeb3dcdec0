//! Many ed25519 signatures checked together, each accepted or refused exactly as
//! [`PublicKey::verify`] (`verify_strict`) decides.
//!
//! ed25519-dalek's batch check tests one random linear combination of the signatures'
//! equations, without the cofactor, and without the checks `verify_strict` adds. A signature
//! whose key or `R` carries a small-order component, or whose `R` is not canonically encoded,
//! could pass the combination while `verify_strict` refuses it (the combination's coefficients
//! are derived from the batch, so a forger can search for ones that hide such a component). So
//! only a signature that cannot disagree goes into the batch: a canonical scalar `s`, a key
//! that is not weak and has no small-order component, and an `R` that is canonically encoded,
//! not of small order and has no small-order component. Then every equation's defect lies in
//! the prime-order group, where a non-zero defect survives a random 128-bit combination except
//! with negligible probability. Every other signature, and every signature of a batch that
//! fails, is checked alone with `verify_strict`. Keys are the ones the ledger already accepts:
//! [`PublicKey::to_verifying_key`] refuses invalid points and weak keys at registration.
//!
//! Rationale and figures: `docs/adr/0027-write-path-admission-and-batches.md`.

use std::collections::BTreeMap;

use curve25519_dalek::{Scalar, edwards::CompressedEdwardsY};
use ed25519_dalek::VerifyingKey;

use crate::keys::{PublicKey, Signature};

/// Fewest signatures worth a batch: below this the batch costs as much as checking each alone.
pub const BATCH_MIN: usize = 4;

/// One signature to check.
#[derive(Clone, Copy, Debug)]
pub struct SignatureCheck<'a> {
    /// The signer's key.
    pub key: &'a PublicKey,
    /// The signed message.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a Signature,
}

/// Checks every signature of `checks`; `true` where [`PublicKey::verify`] accepts it, in
/// order, with the same verdict for each.
pub fn verify_all(checks: &[SignatureCheck<'_>]) -> Vec<bool> {
    if checks.len() < BATCH_MIN {
        return checks.iter().map(verify_one).collect();
    }
    let mut keys: BTreeMap<[u8; 32], Option<VerifyingKey>> = BTreeMap::new();
    let mut verdicts: Vec<Option<bool>> = vec![None; checks.len()];
    let mut batch: Vec<usize> = Vec::with_capacity(checks.len());
    let mut batch_keys: Vec<VerifyingKey> = Vec::with_capacity(checks.len());
    for (index, check) in checks.iter().enumerate() {
        let key = *keys.entry(check.key.0).or_insert_with(|| batchable_key(check.key));
        match key {
            Some(key) if batchable_signature(check.signature) => {
                batch.push(index);
                batch_keys.push(key);
            }
            _ => verdicts[index] = Some(verify_one(check)),
        }
    }
    if !batch.is_empty() {
        let messages: Vec<&[u8]> = batch.iter().map(|&i| checks[i].message).collect();
        let signatures: Vec<ed25519_dalek::Signature> = batch
            .iter()
            .map(|&i| ed25519_dalek::Signature::from_bytes(&checks[i].signature.0))
            .collect();
        let all_good = ed25519_dalek::verify_batch(&messages, &signatures, &batch_keys).is_ok();
        for &index in &batch {
            verdicts[index] = Some(all_good || verify_one(&checks[index]));
        }
    }
    verdicts.into_iter().map(|verdict| verdict.unwrap_or(false)).collect()
}

fn verify_one(check: &SignatureCheck<'_>) -> bool {
    check.key.verify(check.message, check.signature).is_ok()
}

/// The key, if a signature under it may go into a batch: a valid, non-weak key without a
/// small-order component.
fn batchable_key(key: &PublicKey) -> Option<VerifyingKey> {
    let parsed = key.to_verifying_key().ok()?;
    parsed.to_edwards().is_torsion_free().then_some(parsed)
}

/// Whether the signature may go into a batch: `s` canonical, `R` canonically encoded, of large
/// order and without a small-order component.
fn batchable_signature(signature: &Signature) -> bool {
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&signature.0[..32]);
    s.copy_from_slice(&signature.0[32..]);
    if Option::<Scalar>::from(Scalar::from_canonical_bytes(s)).is_none() {
        return false;
    }
    let Some(point) = CompressedEdwardsY(r).decompress() else { return false };
    point.compress().to_bytes() == r && !point.is_small_order() && point.is_torsion_free()
}

#[cfg(test)]
mod tests;
