//! The checks, in order: size, prefix, decoding, genesis, chain ids, the validator-set chain,
//! the certificate of the proved header, then the claim against the header's roots.

use onebook_types::{
    block::Header,
    codec,
    consortium::ValidatorSet,
    hash::Hash32,
    ids::{ChainId, Height},
    limits::{
        PROOF_BUNDLE_BYTES_MAX, PROOF_BUNDLE_CLAIMS_MAX, PROOF_BUNDLE_SET_CHANGES_MAX,
        RECORD_BYTES_MAX, VALIDATORS_MAX,
    },
    merkle,
};

use crate::{
    BUNDLE_MAGIC, BUNDLE_VERSION, Claim, ProofBundle, RecordClaim, SetChange,
    error::{Result, VerifyError},
    verdict::{Proved, ProvenRecord, RecordValue, Verdict},
};

/// What the verifier trusts: the chain's genesis, as the verifier's own copy of the genesis file
/// gives it. Nothing in a bundle is trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedGenesis {
    /// The chain id every header must carry.
    pub chain_id: ChainId,
    /// The genesis hash (`GenesisFile::hash`) every bundle must name.
    pub genesis_hash: Hash32,
    /// The validator set at height 0, which signs block 1 and every block until a change.
    pub validators: ValidatorSet,
}

/// Decodes bundle bytes, checking the size, the magic and the version first.
pub fn decode(bytes: &[u8]) -> Result<ProofBundle> {
    if bytes.len() > PROOF_BUNDLE_BYTES_MAX {
        return Err(VerifyError::TooLarge {
            size_bytes: bytes.len(),
            limit_bytes: PROOF_BUNDLE_BYTES_MAX,
        });
    }
    let magic = bytes.get(..4).unwrap_or(bytes);
    if magic != BUNDLE_MAGIC {
        return Err(VerifyError::BadMagic { found: magic.to_vec() });
    }
    if let Some(&[low, high]) = bytes.get(4..6) {
        let version = u16::from_le_bytes([low, high]);
        if version != BUNDLE_VERSION {
            return Err(VerifyError::UnsupportedVersion { version });
        }
    }
    let bundle: ProofBundle = codec::decode(bytes, PROOF_BUNDLE_BYTES_MAX)
        .map_err(|source| VerifyError::Decode { source })?;
    check_counts(&bundle)?;
    Ok(bundle)
}

/// Decodes `bundle_bytes` and checks it from `genesis` alone; returns what it proves.
pub fn verify(bundle_bytes: &[u8], genesis: &TrustedGenesis) -> Result<Verdict> {
    verify_bundle(&decode(bundle_bytes)?, genesis)
}

/// Checks an already decoded bundle (see [`verify`]).
pub fn verify_bundle(bundle: &ProofBundle, genesis: &TrustedGenesis) -> Result<Verdict> {
    check_counts(bundle)?;
    if bundle.genesis_hash != genesis.genesis_hash {
        return Err(VerifyError::WrongGenesis {
            bundle: bundle.genesis_hash,
            trusted: genesis.genesis_hash,
        });
    }
    for header in bundle.set_changes.iter().map(|change| &change.header) {
        check_chain(header, &genesis.chain_id)?;
    }
    check_chain(&bundle.header, &genesis.chain_id)?;
    let validators = set_in_force(&bundle.set_changes, &genesis.validators, bundle.header.height)?;
    bundle
        .certificate
        .verify(&bundle.header, validators)
        .map_err(|source| VerifyError::Certificate { height: bundle.header.height, source })?;
    let proved = match &bundle.claim {
        Claim::Records(claims) => Proved::Records(check_records(&bundle.header, claims)?),
        Claim::Tx { tx, proof } => {
            let tx_hash = tx.hash();
            let header = &bundle.header;
            proof
                .verify(&merkle::tx_leaf(&tx_hash), &header.tx_root, u64::from(header.tx_count))
                .map_err(|source| VerifyError::TxInclusion { tx_hash, source })?;
            Proved::Tx { tx_hash, index: proof.index, tx: tx.clone() }
        }
    };
    Ok(Verdict {
        height: bundle.header.height,
        block_hash: bundle.header.hash(),
        block_time: bundle.header.time,
        validator_set_hash: bundle.header.validator_set_hash,
        set_changes: bundle.set_changes.len(),
        proved,
    })
}

/// Walks the set changes from the genesis set and returns the set in force at `target`.
///
/// Change `i` must sit above the previous change (or height 0) and below `target`, be committed
/// by the set in force at its height, carry exactly the set its header announces, and announce
/// a set other than the one in force. An omitted change leaves the wrong set in force, so the
/// next certificate check fails on `WrongValidatorSet`.
fn set_in_force<'a>(
    changes: &'a [SetChange],
    genesis: &'a ValidatorSet,
    target: Height,
) -> Result<&'a ValidatorSet> {
    let mut current = genesis;
    let mut after = Height(0);
    for (index, change) in changes.iter().enumerate() {
        let height = change.header.height;
        if height <= after || height >= target {
            return Err(VerifyError::SetChangeOutOfOrder { index, height, after, before: target });
        }
        let count = change.next_set.validators.len();
        if count > VALIDATORS_MAX {
            return Err(VerifyError::SetTooLarge { index, count, limit: VALIDATORS_MAX });
        }
        change
            .certificate
            .verify(&change.header, current)
            .map_err(|source| VerifyError::SetChangeCertificate { index, height, source })?;
        let given = change.next_set.hash();
        let announced = change.header.next_validator_set_hash;
        if given != announced {
            return Err(VerifyError::SetChangeMismatch { index, height, announced, given });
        }
        if given == current.hash() {
            return Err(VerifyError::NotASetChange { index, height });
        }
        current = &change.next_set;
        after = height;
    }
    Ok(current)
}

fn check_records(header: &Header, claims: &[RecordClaim]) -> Result<Vec<ProvenRecord>> {
    let mut proven: Vec<ProvenRecord> = Vec::with_capacity(claims.len());
    for (index, claim) in claims.iter().enumerate() {
        if proven.iter().any(|earlier| earlier.key == claim.key) {
            return Err(VerifyError::DuplicateClaim { index });
        }
        if let Some(value) = &claim.value
            && value.len() > RECORD_BYTES_MAX
        {
            return Err(VerifyError::RecordTooLarge {
                index,
                size_bytes: value.len(),
                limit_bytes: RECORD_BYTES_MAX,
            });
        }
        let key_hash = onebook_state::key_hash(&claim.key.encode());
        let value_hash = claim.value.as_deref().map(onebook_state::value_hash);
        claim
            .proof
            .verify(header.state_root, key_hash, value_hash)
            .map_err(|source| VerifyError::StateProof { index, source })?;
        let value = match &claim.value {
            None => RecordValue::Absent,
            Some(bytes) => RecordValue::decode(&claim.key, bytes).map_err(|source| {
                VerifyError::RecordUndecodable {
                    index,
                    kind: crate::verdict::kind_name(&claim.key),
                    source,
                }
            })?,
        };
        proven.push(ProvenRecord { key: claim.key.clone(), value });
    }
    Ok(proven)
}

fn check_counts(bundle: &ProofBundle) -> Result<()> {
    let changes = bundle.set_changes.len();
    if changes > PROOF_BUNDLE_SET_CHANGES_MAX {
        return Err(VerifyError::TooMany {
            what: "validator-set changes",
            count: changes,
            limit: PROOF_BUNDLE_SET_CHANGES_MAX,
        });
    }
    if let Claim::Records(claims) = &bundle.claim {
        if claims.is_empty() {
            return Err(VerifyError::NoClaims);
        }
        if claims.len() > PROOF_BUNDLE_CLAIMS_MAX {
            return Err(VerifyError::TooMany {
                what: "record claims",
                count: claims.len(),
                limit: PROOF_BUNDLE_CLAIMS_MAX,
            });
        }
    }
    Ok(())
}

fn check_chain(header: &Header, expected: &ChainId) -> Result<()> {
    if header.chain_id != *expected {
        return Err(VerifyError::WrongChain {
            height: header.height,
            found: header.chain_id.clone(),
            expected: expected.clone(),
        });
    }
    Ok(())
}
