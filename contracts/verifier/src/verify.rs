//! The checks, in order: size, prefix, decoding, counts, genesis, chain ids, the validator-set
//! chain, the certificate of the proved header, the claim against the header's roots, the
//! records its standing depends on, the anchoring (witness-set chain, cosignatures, ancestry),
//! the parent chain's record of the checkpoint, and freshness.

use onebook_types::{
    block::Header,
    checkpoint::{Checkpoint, ChildChain, WitnessSet},
    codec,
    consortium::ValidatorSet,
    hash::Hash32,
    history,
    ids::{ChainId, Height, Timestamp},
    limits::{
        PROOF_BUNDLE_BYTES_MAX, PROOF_BUNDLE_CLAIMS_MAX, PROOF_BUNDLE_SET_CHANGES_MAX,
        PROOF_BUNDLE_WITNESS_CHANGES_MAX, RECORD_BYTES_MAX, VALIDATORS_MAX, WITNESSES_MAX,
    },
    merkle::{self, InclusionError},
    record::RecordKey,
    rejection::Rejection,
    suite::Suite,
};

use crate::{
    Anchor, BUNDLE_MAGIC, BUNDLE_VERSION, Claim, ProofBundle, RecordClaim, SetChange,
    WitnessChange,
    error::{Result, VerifyError},
    verdict::{AnchorSummary, ParentSummary, Proved, ProvenRecord, RecordValue, Verdict},
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
    /// The witness set at height 0, which cosigns every checkpoint until a change.
    pub witnesses: WitnessSet,
    /// The chain's cryptographic suite (`GenesisFile::suite`): every hash and signature of its
    /// bundles is read in it.
    pub suite: Suite,
}

/// What the verifier asks of a bundle beyond its proofs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Accept a bundle without anchoring ([`VerifyError::Unanchored`] otherwise). Such a bundle
    /// trusts every validator set that was ever in force, retired ones included.
    pub allow_unanchored: bool,
    /// Accept a claimed transaction the ledger refused ([`VerifyError::TxRefused`] otherwise);
    /// the verdict then names the refusal.
    pub allow_refused_tx: bool,
    /// Refuse a bundle whose facts are as of a block time before this
    /// ([`VerifyError::Stale`]): the header's time for records, the checkpoint's time for a
    /// transaction (see [`Verdict::as_of`]).
    pub not_before: Option<Timestamp>,
    /// A parent chain the verifier trusts: the bundle must carry its proof that it recorded the
    /// bundle's checkpoint ([`VerifyError::ParentMissing`] otherwise).
    pub parent: Option<TrustedGenesis>,
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

/// Decodes `bundle_bytes` and checks it from `genesis` alone with the default options
/// (anchoring required); returns what it proves.
pub fn verify(bundle_bytes: &[u8], genesis: &TrustedGenesis) -> Result<Verdict> {
    verify_with(bundle_bytes, genesis, &VerifyOptions::default())
}

/// Decodes `bundle_bytes` and checks it from `genesis` and `options`.
pub fn verify_with(
    bundle_bytes: &[u8],
    genesis: &TrustedGenesis,
    options: &VerifyOptions,
) -> Result<Verdict> {
    verify_bundle_with(&decode(bundle_bytes)?, genesis, options)
}

/// Checks an already decoded bundle with the default options (see [`verify`]).
pub fn verify_bundle(bundle: &ProofBundle, genesis: &TrustedGenesis) -> Result<Verdict> {
    verify_bundle_with(bundle, genesis, &VerifyOptions::default())
}

/// Checks an already decoded bundle (see [`verify_with`]).
pub fn verify_bundle_with(
    bundle: &ProofBundle,
    genesis: &TrustedGenesis,
    options: &VerifyOptions,
) -> Result<Verdict> {
    check_counts(bundle)?;
    if bundle.genesis_hash != genesis.genesis_hash {
        return Err(VerifyError::WrongGenesis {
            bundle: bundle.genesis_hash,
            trusted: genesis.genesis_hash,
        });
    }
    check_chain_ids(bundle, genesis)?;
    let suite = genesis.suite;
    let validators = set_in_force(
        suite,
        &bundle.set_changes,
        &genesis.genesis_hash,
        &genesis.validators,
        bundle.header.height,
    )?;
    bundle
        .certificate
        .verify_in(suite, &bundle.header, &genesis.genesis_hash, validators)
        .map_err(|source| VerifyError::Certificate { height: bundle.header.height, source })?;
    let proved = match &bundle.claim {
        Claim::Records(claims) => Proved::Records(check_records(suite, &bundle.header, claims)?),
        Claim::Tx { tx, proof, receipt, receipt_proof } => {
            let tx_hash = tx.hash_in(suite);
            let header = &bundle.header;
            let size = u64::from(header.tx_count);
            proof
                .verify_in(suite, &merkle::tx_leaf_in(suite, &tx_hash), &header.tx_root, size)
                .map_err(|source| VerifyError::TxInclusion { tx_hash, source })?;
            if receipt.tx_hash != tx_hash {
                return Err(VerifyError::ReceiptOtherTx { tx_hash, receipt_tx: receipt.tx_hash });
            }
            if receipt_proof.index != proof.index {
                let source = InclusionError::IndexOutOfRange {
                    index: receipt_proof.index,
                    size: proof.index,
                };
                return Err(VerifyError::ReceiptInclusion { tx_hash, source });
            }
            let leaf = merkle::receipt_leaf_in(suite, &codec::encode(receipt));
            receipt_proof
                .verify_in(suite, &leaf, &header.receipts_root, size)
                .map_err(|source| VerifyError::ReceiptInclusion { tx_hash, source })?;
            if receipt.code != 0 && !options.allow_refused_tx {
                return Err(VerifyError::TxRefused {
                    tx_hash,
                    code: receipt.code,
                    name: Rejection::from_code(receipt.code)
                        .map_or_else(|| "unknown code".to_owned(), Rejection::name),
                });
            }
            Proved::Tx { tx_hash, index: proof.index, tx: tx.clone(), receipt: receipt.clone() }
        }
    };
    if let Proved::Records(records) = &proved {
        check_standing(records)?;
        crate::lineage::check(records)?;
    }
    let anchor = match &bundle.anchor {
        Some(anchor) => Some(check_anchor(&bundle.header, anchor, genesis, options)?),
        None if options.allow_unanchored => None,
        None => return Err(VerifyError::Unanchored { height: bundle.header.height }),
    };
    if options.parent.is_some() && anchor.is_none() {
        return Err(VerifyError::ParentMissing);
    }
    let verdict = Verdict {
        height: bundle.header.height,
        block_hash: bundle.header.hash_in(suite),
        block_time: bundle.header.time,
        validator_set_hash: bundle.header.validator_set_hash,
        set_changes: bundle.set_changes.len(),
        proved,
        anchor,
    };
    if let Some(not_before) = options.not_before
        && verdict.as_of() < not_before
    {
        return Err(VerifyError::Stale { as_of: verdict.as_of(), not_before });
    }
    Ok(verdict)
}

/// Every header of the bundle names the trusted chain, and every checkpoint the trusted chain
/// and genesis.
fn check_chain_ids(bundle: &ProofBundle, genesis: &TrustedGenesis) -> Result<()> {
    for header in bundle.set_changes.iter().map(|change| &change.header) {
        check_chain(header.height, &header.chain_id, &genesis.chain_id)?;
    }
    check_chain(bundle.header.height, &bundle.header.chain_id, &genesis.chain_id)?;
    let Some(anchor) = &bundle.anchor else { return Ok(()) };
    let mut checkpoints = anchor
        .witness_changes
        .iter()
        .map(|change| &change.checkpoint)
        .chain(std::iter::once(&anchor.checkpoint));
    checkpoints.try_for_each(|checkpoint| check_checkpoint_chain(checkpoint, genesis))
}

/// The checkpoint names the trusted chain and genesis.
fn check_checkpoint_chain(checkpoint: &Checkpoint, genesis: &TrustedGenesis) -> Result<()> {
    check_chain(checkpoint.height, &checkpoint.chain_id, &genesis.chain_id)?;
    if checkpoint.genesis_hash != genesis.genesis_hash {
        return Err(VerifyError::CheckpointWrongGenesis {
            height: checkpoint.height,
            found: checkpoint.genesis_hash,
            expected: genesis.genesis_hash,
        });
    }
    Ok(())
}

/// Walks the set changes from the genesis set and returns the set in force at `target`.
///
/// Change `i` must sit above the previous change (or height 0) and below `target`, be committed
/// by the set in force at its height, carry exactly the set its header announces, and announce
/// a set other than the one in force. An omitted change leaves the wrong set in force, so the
/// next certificate check fails on `WrongValidatorSet`.
fn set_in_force<'a>(
    suite: Suite,
    changes: &'a [SetChange],
    genesis_hash: &Hash32,
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
            .verify_in(suite, &change.header, genesis_hash, current)
            .map_err(|source| VerifyError::SetChangeCertificate { index, height, source })?;
        let given = change.next_set.hash_in(suite);
        let announced = change.header.next_validator_set_hash;
        if given != announced {
            return Err(VerifyError::SetChangeMismatch { index, height, announced, given });
        }
        if given == current.hash_in(suite) {
            return Err(VerifyError::NotASetChange { index, height });
        }
        current = &change.next_set;
        after = height;
    }
    Ok(current)
}

fn check_records(
    suite: Suite,
    header: &Header,
    claims: &[RecordClaim],
) -> Result<Vec<ProvenRecord>> {
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
        let key_hash = onebook_state::key_hash_in(suite, &claim.key.encode());
        let value_hash =
            claim.value.as_deref().map(|value| onebook_state::value_hash_in(suite, value));
        claim
            .proof
            .verify_in(suite, header.state_root, key_hash, value_hash)
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

/// The records a claim's standing depends on are in the bundle, proved under the same header:
/// the policy for a certificate or a grant (its UTC offset fixes their local days), and a
/// licence's parent certificate.
fn check_standing(records: &[ProvenRecord]) -> Result<()> {
    let has = |key: &RecordKey| {
        records.iter().any(|record| record.key == *key && record.value != RecordValue::Absent)
    };
    for (index, record) in records.iter().enumerate() {
        let needs_policy = match &record.value {
            RecordValue::Certificate(certificate) => {
                if let Some(parent) = &certificate.parent
                    && !has(&RecordKey::Certificate(parent.clone()))
                {
                    return Err(VerifyError::LicenceParentMissing {
                        index,
                        parent: parent.clone(),
                    });
                }
                true
            }
            RecordValue::Grant(_) => true,
            _ => false,
        };
        if needs_policy && !has(&RecordKey::Policy) {
            let kind = crate::verdict::kind_name(&record.key);
            return Err(VerifyError::StandingPolicyMissing { index, kind });
        }
    }
    Ok(())
}

/// Checks the anchoring of `header`: the witness-set chain from genesis, the checkpoint's
/// cosignatures, the header's place in its history, and (when a parent is trusted) the parent
/// chain's record of the checkpoint.
fn check_anchor(
    header: &Header,
    anchor: &Anchor,
    genesis: &TrustedGenesis,
    options: &VerifyOptions,
) -> Result<AnchorSummary> {
    let checkpoint = &anchor.checkpoint;
    let suite = genesis.suite;
    let witnesses =
        witnesses_in_force(suite, &anchor.witness_changes, &genesis.witnesses, checkpoint.height)?;
    let cosigned =
        witnesses.check_in(suite, checkpoint, &anchor.cosignatures).map_err(|source| {
            VerifyError::CheckpointCosignatures { height: checkpoint.height, source }
        })?;
    let height = header.height;
    match height.cmp(&checkpoint.height) {
        std::cmp::Ordering::Greater => {
            return Err(VerifyError::AnchorBelowHeader {
                header: height,
                checkpoint: checkpoint.height,
            });
        }
        std::cmp::Ordering::Equal => {
            if anchor.ancestry.is_some() || checkpoint.block_hash != header.hash_in(suite) {
                return Err(VerifyError::AnchorBlockMismatch { height });
            }
        }
        std::cmp::Ordering::Less => {
            let ancestry_error = |source| VerifyError::AnchorAncestry {
                height,
                checkpoint: checkpoint.height,
                source,
            };
            let Some(proof) = &anchor.ancestry else {
                let source =
                    InclusionError::PathLength { index: height.0, size: checkpoint.height.0 };
                return Err(ancestry_error(source));
            };
            if proof.index != height.0 {
                let source = InclusionError::IndexOutOfRange { index: proof.index, size: height.0 };
                return Err(ancestry_error(source));
            }
            history::verify_ancestry_in(
                suite,
                proof,
                &header.hash_in(suite),
                &checkpoint.history_root,
                checkpoint.height.0,
            )
            .map_err(ancestry_error)?;
        }
    }
    let parent = match (&options.parent, &anchor.parent) {
        (Some(trusted), Some(bytes)) => {
            Some(check_parent(bytes, anchor, genesis, trusted, options)?)
        }
        (Some(_), None) => return Err(VerifyError::ParentMissing),
        (None, _) => None,
    };
    Ok(AnchorSummary {
        height: checkpoint.height,
        time: checkpoint.time,
        block_hash: checkpoint.block_hash,
        cosigned,
        threshold: witnesses.threshold,
        witnesses: witnesses.witnesses.len(),
        witness_changes: anchor.witness_changes.len(),
        parent_carried: anchor.parent.is_some(),
        parent,
    })
}

/// Checks `changes`, every witness-set change below `target`, as a bundle's anchoring is
/// checked (each checkpoint of the trusted chain and genesis, in order, cosigned by the set in
/// force before it, announcing the set it carries), and returns the set in force after the
/// last: what a store started from a snapshot keeps instead of the policy history below it.
pub fn witnesses_after(
    changes: &[WitnessChange],
    genesis: &TrustedGenesis,
    target: Height,
) -> Result<WitnessSet> {
    for change in changes {
        check_checkpoint_chain(&change.checkpoint, genesis)?;
    }
    witnesses_in_force(genesis.suite, changes, &genesis.witnesses, target).cloned()
}

/// Walks the witness-set changes from the genesis set and returns the set in force for the
/// checkpoint at `target`.
fn witnesses_in_force<'a>(
    suite: Suite,
    changes: &'a [WitnessChange],
    genesis: &'a WitnessSet,
    target: Height,
) -> Result<&'a WitnessSet> {
    let mut current = genesis;
    let mut after = Height(0);
    for (index, change) in changes.iter().enumerate() {
        let height = change.checkpoint.height;
        if height <= after || height >= target {
            return Err(VerifyError::WitnessChangeOutOfOrder {
                index,
                height,
                after,
                before: target,
            });
        }
        if let Some(reason) = change.next_set.problem() {
            return Err(VerifyError::WitnessSetInvalid { index, reason });
        }
        current
            .check_in(suite, &change.checkpoint, &change.cosignatures)
            .map_err(|source| VerifyError::WitnessChangeCosignatures { index, height, source })?;
        let given = change.next_set.hash_in(suite);
        let announced = change.checkpoint.next_witness_set_hash;
        if given != announced {
            return Err(VerifyError::WitnessChangeMismatch { index, height, announced, given });
        }
        if given == current.hash_in(suite) {
            return Err(VerifyError::NotAWitnessChange { index, height });
        }
        current = &change.next_set;
        after = height;
    }
    Ok(current)
}

/// Verifies the parent chain's bundle against `trusted` and checks that it proves this chain's
/// `ChildChain` record, of this genesis, with the anchor's checkpoint as the latest anchored.
fn check_parent(
    bytes: &[u8],
    anchor: &Anchor,
    genesis: &TrustedGenesis,
    trusted: &TrustedGenesis,
    options: &VerifyOptions,
) -> Result<ParentSummary> {
    let parent_error =
        |source: VerifyError| VerifyError::Parent { kind: source.kind(), source: Box::new(source) };
    let bundle = decode(bytes).map_err(parent_error)?;
    if bundle.anchor.as_ref().is_some_and(|anchor| anchor.parent.is_some()) {
        return Err(VerifyError::ParentNested);
    }
    let parent_options = VerifyOptions { parent: None, not_before: None, ..options.clone() };
    let verdict = verify_bundle_with(&bundle, trusted, &parent_options).map_err(parent_error)?;
    let key = RecordKey::ChildChain(genesis.chain_id.clone());
    let Some(RecordValue::ChildChain(child)) = verdict.value(&key) else {
        return Err(VerifyError::ParentRecordMissing { chain: genesis.chain_id.clone() });
    };
    let child: &ChildChain = child;
    if child.genesis_hash != genesis.genesis_hash {
        return Err(VerifyError::ParentWrongGenesis {
            chain: genesis.chain_id.clone(),
            found: child.genesis_hash,
            expected: genesis.genesis_hash,
        });
    }
    let anchored = child.latest.as_ref().map(|latest| &latest.checkpoint);
    if anchored != Some(&anchor.checkpoint) {
        return Err(VerifyError::ParentOtherCheckpoint {
            anchored: anchored.map(|checkpoint| checkpoint.height),
            checkpoint: anchor.checkpoint.height,
        });
    }
    Ok(ParentSummary {
        chain_id: trusted.chain_id.clone(),
        height: verdict.height,
        block_time: verdict.block_time,
        anchored_at: child.latest.as_ref().map_or(verdict.block_time, |latest| latest.anchored_at),
        checkpoint: verdict.anchor.as_ref().map(|anchor| (anchor.height, anchor.time)),
    })
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
    if let Some(anchor) = &bundle.anchor {
        let changes = anchor.witness_changes.len();
        if changes > PROOF_BUNDLE_WITNESS_CHANGES_MAX {
            return Err(VerifyError::TooMany {
                what: "witness-set changes",
                count: changes,
                limit: PROOF_BUNDLE_WITNESS_CHANGES_MAX,
            });
        }
        let cosignatures = anchor
            .witness_changes
            .iter()
            .map(|change| change.cosignatures.len())
            .chain(std::iter::once(anchor.cosignatures.len()))
            .max()
            .unwrap_or(0);
        if cosignatures > WITNESSES_MAX {
            return Err(VerifyError::TooMany {
                what: "cosignatures of one checkpoint",
                count: cosignatures,
                limit: WITNESSES_MAX,
            });
        }
    }
    Ok(())
}

fn check_chain(height: Height, found: &ChainId, expected: &ChainId) -> Result<()> {
    if found != expected {
        return Err(VerifyError::WrongChain {
            height,
            found: found.clone(),
            expected: expected.clone(),
        });
    }
    Ok(())
}
