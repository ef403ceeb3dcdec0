//! Why a bundle does not prove its claim: one variant per check, in the order the checks run.

use onebook_state::ProofError;
use onebook_types::{
    block::CertificateError,
    checkpoint::CosignatureError,
    codec::DecodeError,
    hash::Hash32,
    ids::{CertificateNumber, ChainId, Height, Timestamp},
    merkle::InclusionError,
    sharing_records::ViolationReason,
};

/// The result type of this crate.
pub type Result<T, E = VerifyError> = std::result::Result<T, E>;

/// Why a proof bundle was refused. Each variant names the check that failed, so a tampered byte
/// is reported by what it broke.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The bundle is larger than `PROOF_BUNDLE_BYTES_MAX`; nothing was decoded.
    #[error("bundle is {size_bytes} bytes; the limit is {limit_bytes}")]
    TooLarge {
        /// Size of the input.
        size_bytes: usize,
        /// The limit.
        limit_bytes: usize,
    },
    /// The bundle does not start with `OBPB`.
    #[error("not a proof bundle: it starts with {found:02x?}, not \"OBPB\"")]
    BadMagic {
        /// The first bytes found (fewer than four if the input is shorter).
        found: Vec<u8>,
    },
    /// The bundle has a format version this build does not read.
    #[error("bundle format version {version} is not supported (this build reads 2)")]
    UnsupportedVersion {
        /// The version found.
        version: u16,
    },
    /// The bytes after the prefix are not a valid bundle encoding.
    #[error("bundle does not decode")]
    Decode {
        /// The decoder's reason.
        #[source]
        source: DecodeError,
    },
    /// A list in the bundle is longer than its limit.
    #[error("bundle has {count} {what}; the limit is {limit}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A record claim list is empty.
    #[error("bundle claims no record")]
    NoClaims,
    /// The bundle was cut from another chain's genesis.
    #[error("bundle is for genesis {bundle}, not the trusted genesis {trusted}")]
    WrongGenesis {
        /// The genesis hash in the bundle.
        bundle: Hash32,
        /// The trusted genesis hash.
        trusted: Hash32,
    },
    /// A header in the bundle names another chain.
    #[error("header at height {height} is for chain {found}, not {expected}")]
    WrongChain {
        /// The header's height.
        height: Height,
        /// Its chain id.
        found: ChainId,
        /// The trusted chain id.
        expected: ChainId,
    },
    /// Set changes are not in increasing height order, or not all below the proved height.
    #[error(
        "set change {index} at height {height} does not come after {after} and before {before}"
    )]
    SetChangeOutOfOrder {
        /// Position of the change in the bundle.
        index: usize,
        /// Its header's height.
        height: Height,
        /// The height it must be above.
        after: Height,
        /// The height it must be below (the proved height).
        before: Height,
    },
    /// A set change's header is not committed by the set in force before it.
    #[error("set change {index} at height {height}: {source}")]
    SetChangeCertificate {
        /// Position of the change in the bundle.
        index: usize,
        /// Its header's height.
        height: Height,
        /// Why its certificate does not commit it.
        #[source]
        source: CertificateError,
    },
    /// A set change's set is not the one its header announces.
    #[error(
        "set change {index} at height {height} carries set {given}; the header announces {announced}"
    )]
    SetChangeMismatch {
        /// Position of the change in the bundle.
        index: usize,
        /// Its header's height.
        height: Height,
        /// The `next_validator_set_hash` of the header.
        announced: Hash32,
        /// The hash of the set carried.
        given: Hash32,
    },
    /// A set change announces the set already in force, so it is no change.
    #[error("set change {index} at height {height} announces the set already in force")]
    NotASetChange {
        /// Position of the change in the bundle.
        index: usize,
        /// Its header's height.
        height: Height,
    },
    /// A set carried in the bundle has more validators than a set may have.
    #[error("set change {index} carries {count} validators; the limit is {limit}")]
    SetTooLarge {
        /// Position of the change in the bundle.
        index: usize,
        /// Validators in the set.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The proved header is not committed by the set in force at its height. Two thirds or
    /// less of the power signing gives [`CertificateError::NoQuorum`].
    #[error("header at height {height} is not committed: {source}")]
    Certificate {
        /// The header's height.
        height: Height,
        /// Why the certificate does not commit it.
        #[source]
        source: CertificateError,
    },
    /// A record claim's state proof does not hold against the header's state root.
    #[error("record claim {index} does not hold against the state root")]
    StateProof {
        /// Position of the claim.
        index: usize,
        /// Why the proof fails.
        #[source]
        source: ProofError,
    },
    /// Two record claims are for the same key.
    #[error("record claim {index} repeats an earlier key")]
    DuplicateClaim {
        /// Position of the repeated claim.
        index: usize,
    },
    /// A claimed record value is larger than a record may be.
    #[error("record claim {index} is {size_bytes} bytes; a record is at most {limit_bytes}")]
    RecordTooLarge {
        /// Position of the claim.
        index: usize,
        /// Size of the value.
        size_bytes: usize,
        /// The limit.
        limit_bytes: usize,
    },
    /// A proved record's value does not decode as its kind's record type.
    #[error("record claim {index} ({kind}) does not decode")]
    RecordUndecodable {
        /// Position of the claim.
        index: usize,
        /// The record kind.
        kind: &'static str,
        /// The decoder's reason.
        #[source]
        source: DecodeError,
    },
    /// The transaction's inclusion proof does not hold against the header's tx root.
    #[error("transaction {tx_hash} is not proved in the block")]
    TxInclusion {
        /// The transaction's hash.
        tx_hash: Hash32,
        /// Why the audit path fails.
        #[source]
        source: InclusionError,
    },
    /// The receipt names another transaction than the one claimed.
    #[error("the receipt is of tx {receipt_tx}, not of the claimed tx {tx_hash}")]
    ReceiptOtherTx {
        /// The claimed transaction.
        tx_hash: Hash32,
        /// The transaction the receipt names.
        receipt_tx: Hash32,
    },
    /// The receipt's inclusion proof does not hold against the header's receipts root at the
    /// transaction's index.
    #[error("the receipt of transaction {tx_hash} is not proved in the block")]
    ReceiptInclusion {
        /// The transaction's hash.
        tx_hash: Hash32,
        /// Why the audit path fails (or is for another index).
        #[source]
        source: InclusionError,
    },
    /// The ledger refused the claimed transaction: it is in the block, but it changed nothing.
    #[error("the ledger refused tx {tx_hash} with code {code} ({name})")]
    TxRefused {
        /// The transaction's hash.
        tx_hash: Hash32,
        /// The receipt's code.
        code: u16,
        /// The rule it broke, or `unknown code` for a code this build does not know.
        name: String,
    },
    /// A certificate or grant is claimed without the policy, whose UTC offset fixes the local
    /// days its dates are judged in.
    #[error(
        "record claim {index} ({kind}) needs the policy record in the same bundle: its dates are \
         judged in the chain's governed local time"
    )]
    StandingPolicyMissing {
        /// Position of the claim.
        index: usize,
        /// Its kind.
        kind: &'static str,
    },
    /// A licence is claimed without its parent certificate, whose standing it depends on.
    #[error(
        "record claim {index} is a licence under {parent}, which the bundle does not prove: a \
         licence stands only while its parent does"
    )]
    LicenceParentMissing {
        /// Position of the claim.
        index: usize,
        /// The parent certificate.
        parent: CertificateNumber,
    },
    /// A lineage record does not fit the records it links, or is proved without them
    /// (`docs/formats.md` §29).
    #[error("record claim {index}: {detail}")]
    Lineage {
        /// Position of the claim.
        index: usize,
        /// What does not fit.
        detail: String,
    },
    /// A checkpoint in the bundle names another genesis.
    #[error("checkpoint at height {height} is of genesis {found}, not {expected}")]
    CheckpointWrongGenesis {
        /// The checkpoint's height.
        height: Height,
        /// The genesis it names.
        found: Hash32,
        /// The trusted genesis.
        expected: Hash32,
    },
    /// The bundle carries no anchoring, and the verifier requires it.
    #[error(
        "the bundle is not anchored: no witnessed checkpoint shows header {height} in the \
         chain's history, so a retired validator set could have signed it"
    )]
    Unanchored {
        /// The header's height.
        height: Height,
    },
    /// Witness-set changes are not in increasing height order below the anchoring checkpoint.
    #[error(
        "witness change {index} at height {height} does not come after {after} and before {before}"
    )]
    WitnessChangeOutOfOrder {
        /// Position of the change.
        index: usize,
        /// Its checkpoint's height.
        height: Height,
        /// The height it must be above.
        after: Height,
        /// The height it must be below (the anchoring checkpoint's).
        before: Height,
    },
    /// A witness-set change's checkpoint is not cosigned by the witness set in force before it.
    #[error("witness change {index} at height {height}: {source}")]
    WitnessChangeCosignatures {
        /// Position of the change.
        index: usize,
        /// Its checkpoint's height.
        height: Height,
        /// Why its cosignatures do not witness it.
        #[source]
        source: CosignatureError,
    },
    /// A witness-set change carries another set than its checkpoint announces.
    #[error(
        "witness change {index} at height {height} carries set {given}; the checkpoint announces \
         {announced}"
    )]
    WitnessChangeMismatch {
        /// Position of the change.
        index: usize,
        /// Its checkpoint's height.
        height: Height,
        /// The checkpoint's `next_witness_set_hash`.
        announced: Hash32,
        /// The hash of the set carried.
        given: Hash32,
    },
    /// A witness-set change announces the set already in force.
    #[error("witness change {index} at height {height} announces the set already in force")]
    NotAWitnessChange {
        /// Position of the change.
        index: usize,
        /// Its checkpoint's height.
        height: Height,
    },
    /// A witness set carried in the bundle breaks a rule (unsorted keys, a threshold out of
    /// range, too many witnesses).
    #[error("witness change {index} carries an invalid set: {reason}")]
    WitnessSetInvalid {
        /// Position of the change.
        index: usize,
        /// The rule it breaks.
        reason: String,
    },
    /// The anchoring checkpoint is not witnessed by the set in force.
    #[error("checkpoint at height {height} is not witnessed: {source}")]
    CheckpointCosignatures {
        /// The checkpoint's height.
        height: Height,
        /// Why its cosignatures do not witness it.
        #[source]
        source: CosignatureError,
    },
    /// The anchoring checkpoint is below the proved header.
    #[error("checkpoint at height {checkpoint} is below the proved header at {header}")]
    AnchorBelowHeader {
        /// The header's height.
        header: Height,
        /// The checkpoint's height.
        checkpoint: Height,
    },
    /// The checkpoint is at the header's height but names another block, or carries an
    /// ancestry proof it does not need.
    #[error("checkpoint at height {height} is not of the proved header's block")]
    AnchorBlockMismatch {
        /// The height.
        height: Height,
    },
    /// The header's block is not an ancestor of the checkpoint.
    #[error("header {height} is not an ancestor of the checkpoint at {checkpoint}: {source}")]
    AnchorAncestry {
        /// The header's height.
        height: Height,
        /// The checkpoint's height.
        checkpoint: Height,
        /// Why the ancestry proof fails (missing, for another leaf, or not to the root).
        #[source]
        source: InclusionError,
    },
    /// The verifier trusts a parent chain, and the bundle carries no proof from it.
    #[error("the bundle carries no proof from the parent chain that it recorded the checkpoint")]
    ParentMissing,
    /// The parent chain's bundle does not verify against the parent's genesis.
    #[error("the parent chain's proof does not verify ({kind}): {source}")]
    Parent {
        /// The kind of the parent bundle's error.
        kind: &'static str,
        /// Why.
        #[source]
        source: Box<Self>,
    },
    /// The parent chain's bundle carries a parent of its own.
    #[error("the parent chain's proof carries a parent proof of its own")]
    ParentNested,
    /// The parent chain's bundle does not prove a `ChildChain` record of this chain.
    #[error("the parent chain's proof does not show chain {chain} as a child it anchors")]
    ParentRecordMissing {
        /// This chain.
        chain: ChainId,
    },
    /// The parent chain anchors a chain of this id from another genesis.
    #[error("the parent chain anchors chain {chain} of genesis {found}, not {expected}")]
    ParentWrongGenesis {
        /// This chain.
        chain: ChainId,
        /// The genesis the parent holds.
        found: Hash32,
        /// The trusted genesis.
        expected: Hash32,
    },
    /// The parent chain's latest anchored checkpoint is not the bundle's.
    #[error(
        "the parent chain's latest anchored checkpoint of this chain is {anchored:?}, not the \
         bundle's at height {checkpoint}"
    )]
    ParentOtherCheckpoint {
        /// The height of the checkpoint the parent holds, if any.
        anchored: Option<Height>,
        /// The bundle's checkpoint height.
        checkpoint: Height,
    },
    /// The facts are older than the verifier asked for.
    #[error("stale: the bundle shows the chain as of {as_of}, before {not_before} asked for")]
    Stale {
        /// The block time the facts are as of (ms).
        as_of: Timestamp,
        /// The earliest time accepted (ms).
        not_before: Timestamp,
    },
}

impl VerifyError {
    /// A stable short name of the failed check, for counting and for scripts.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too-large",
            Self::BadMagic { .. } => "bad-magic",
            Self::UnsupportedVersion { .. } => "unsupported-version",
            Self::Decode { .. } => "decode",
            Self::TooMany { .. } => "too-many",
            Self::NoClaims => "no-claims",
            Self::WrongGenesis { .. } => "wrong-genesis",
            Self::WrongChain { .. } => "wrong-chain",
            Self::SetChangeOutOfOrder { .. } => "set-change-out-of-order",
            Self::SetChangeCertificate { source, .. } => set_change_kind(source),
            Self::SetChangeMismatch { .. } => "set-change-mismatch",
            Self::NotASetChange { .. } => "not-a-set-change",
            Self::SetTooLarge { .. } => "set-too-large",
            Self::Certificate { source, .. } => certificate_kind(source),
            Self::StateProof { source, .. } => state_proof_kind(source),
            Self::DuplicateClaim { .. } => "duplicate-claim",
            Self::RecordTooLarge { .. } => "record-too-large",
            Self::RecordUndecodable { .. } => "record-undecodable",
            Self::TxInclusion { .. } => "tx-inclusion",
            Self::ReceiptOtherTx { .. } => "receipt-other-tx",
            Self::ReceiptInclusion { .. } => "receipt-inclusion",
            Self::TxRefused { .. } => "tx-refused",
            Self::StandingPolicyMissing { .. } => "standing-policy-missing",
            Self::LicenceParentMissing { .. } => "standing-parent-missing",
            Self::Lineage { .. } => "lineage",
            Self::CheckpointWrongGenesis { .. } => "checkpoint-wrong-genesis",
            Self::Unanchored { .. } => "unanchored",
            Self::WitnessChangeOutOfOrder { .. } => "witness-change-out-of-order",
            Self::WitnessChangeCosignatures { source, .. } => witness_change_kind(source),
            Self::WitnessChangeMismatch { .. } => "witness-change-mismatch",
            Self::NotAWitnessChange { .. } => "not-a-witness-change",
            Self::WitnessSetInvalid { .. } => "witness-set-invalid",
            Self::CheckpointCosignatures { source, .. } => checkpoint_kind(source),
            Self::AnchorBelowHeader { .. } => "anchor-below-header",
            Self::AnchorBlockMismatch { .. } => "anchor-block-mismatch",
            Self::AnchorAncestry { .. } => "anchor-ancestry",
            Self::ParentMissing => "parent-missing",
            Self::Parent { .. } => "parent-bundle",
            Self::ParentNested => "parent-nested",
            Self::ParentRecordMissing { .. } => "parent-record-missing",
            Self::ParentWrongGenesis { .. } => "parent-wrong-genesis",
            Self::ParentOtherCheckpoint { .. } => "parent-other-checkpoint",
            Self::Stale { .. } => "stale",
        }
    }

    /// Every kind [`VerifyError::kind`] can return, for documentation and tests.
    pub const KINDS: &'static [&'static str] = &[
        "too-large",
        "bad-magic",
        "unsupported-version",
        "decode",
        "too-many",
        "no-claims",
        "wrong-genesis",
        "wrong-chain",
        "checkpoint-wrong-genesis",
        "set-change-out-of-order",
        "set-too-large",
        "set-change-wrong-genesis",
        "set-change-wrong-block",
        "set-change-wrong-validator-set",
        "set-change-not-sorted",
        "set-change-unknown-signer",
        "set-change-bad-signature",
        "set-change-no-quorum",
        "set-change-mismatch",
        "not-a-set-change",
        "certificate-wrong-genesis",
        "certificate-wrong-block",
        "certificate-wrong-validator-set",
        "certificate-not-sorted",
        "certificate-unknown-signer",
        "certificate-bad-signature",
        "no-quorum",
        "duplicate-claim",
        "record-too-large",
        "state-proof-too-deep",
        "state-proof-key-mismatch",
        "state-proof-value-mismatch",
        "state-proof-key-absent",
        "state-proof-key-present",
        "state-proof-leaf-not-on-path",
        "state-proof-not-canonical",
        "state-proof-root-mismatch",
        "record-undecodable",
        "tx-inclusion",
        "receipt-other-tx",
        "receipt-inclusion",
        "tx-refused",
        "standing-policy-missing",
        "standing-parent-missing",
        "lineage",
        "unanchored",
        "witness-change-out-of-order",
        "witness-set-invalid",
        "witness-change-wrong-witness-set",
        "witness-change-no-witnesses",
        "witness-change-not-sorted",
        "witness-change-unknown-witness",
        "witness-change-bad-cosignature",
        "witness-change-below-threshold",
        "witness-change-mismatch",
        "not-a-witness-change",
        "checkpoint-wrong-witness-set",
        "checkpoint-no-witnesses",
        "checkpoint-not-sorted",
        "checkpoint-unknown-witness",
        "checkpoint-bad-cosignature",
        "checkpoint-below-threshold",
        "anchor-below-header",
        "anchor-block-mismatch",
        "anchor-ancestry",
        "parent-missing",
        "parent-bundle",
        "parent-nested",
        "parent-record-missing",
        "parent-wrong-genesis",
        "parent-other-checkpoint",
        "stale",
    ];
}

/// Why a proved grant does not cover a proved access.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    /// The bundle itself does not verify.
    #[error(transparent)]
    Proof(#[from] VerifyError),
    /// The bundle lacks a record the judgement needs.
    #[error("the bundle proves no {what} record")]
    MissingRecord {
        /// The record kind missing: `access event`, `grant`, `resource` or `policy`.
        what: &'static str,
    },
    /// The bundle is not at the block that recorded the access, so it does not show the grant
    /// as the ledger saw it then.
    #[error(
        "access was recorded at block time {recorded_at}, but the bundle's block is at {block_time}"
    )]
    NotAtAccessBlock {
        /// The access event's `recorded_at`.
        recorded_at: u64,
        /// The bundle header's time.
        block_time: u64,
    },
    /// The access event names another grant than the one proved (or none).
    #[error("the access names grant {named:?}, not the grant proved")]
    OtherGrant {
        /// The grant the access names.
        named: Option<u64>,
    },
    /// The resource proved is not the one accessed.
    #[error("the resource proved is not the one accessed")]
    OtherResource,
    /// The ledger recorded the access as a violation, though the records after its block show
    /// a covering grant (the grant changed later in the same block).
    #[error("the ledger recorded the access as a violation")]
    LedgerFoundViolation,
    /// The grant did not cover the access, by the ledger's rule.
    #[error("the grant does not cover the access: {reason:?}")]
    NotCovered {
        /// The reason, as the ledger names it.
        reason: ViolationReason,
    },
}

fn certificate_kind(error: &CertificateError) -> &'static str {
    match error {
        CertificateError::WrongGenesis { .. } => "certificate-wrong-genesis",
        CertificateError::WrongBlock { .. } => "certificate-wrong-block",
        CertificateError::WrongValidatorSet { .. } => "certificate-wrong-validator-set",
        CertificateError::NotSorted => "certificate-not-sorted",
        CertificateError::UnknownSigner(_) => "certificate-unknown-signer",
        CertificateError::BadSignature(_) => "certificate-bad-signature",
        CertificateError::NoQuorum { .. } => "no-quorum",
    }
}

fn set_change_kind(error: &CertificateError) -> &'static str {
    match error {
        CertificateError::WrongGenesis { .. } => "set-change-wrong-genesis",
        CertificateError::WrongBlock { .. } => "set-change-wrong-block",
        CertificateError::WrongValidatorSet { .. } => "set-change-wrong-validator-set",
        CertificateError::NotSorted => "set-change-not-sorted",
        CertificateError::UnknownSigner(_) => "set-change-unknown-signer",
        CertificateError::BadSignature(_) => "set-change-bad-signature",
        CertificateError::NoQuorum { .. } => "set-change-no-quorum",
    }
}

fn state_proof_kind(error: &ProofError) -> &'static str {
    match error {
        ProofError::TooDeep { .. } => "state-proof-too-deep",
        ProofError::RootMismatch { .. } => "state-proof-root-mismatch",
        ProofError::KeyAbsent => "state-proof-key-absent",
        ProofError::KeyMismatch { .. } => "state-proof-key-mismatch",
        ProofError::ValueMismatch { .. } => "state-proof-value-mismatch",
        ProofError::KeyPresent => "state-proof-key-present",
        ProofError::LeafNotOnPath { .. } => "state-proof-leaf-not-on-path",
        ProofError::NotCanonical { .. } => "state-proof-not-canonical",
    }
}

fn checkpoint_kind(error: &CosignatureError) -> &'static str {
    match error {
        CosignatureError::WrongWitnessSet { .. } => "checkpoint-wrong-witness-set",
        CosignatureError::NoWitnesses => "checkpoint-no-witnesses",
        CosignatureError::NotSorted => "checkpoint-not-sorted",
        CosignatureError::UnknownWitness(_) => "checkpoint-unknown-witness",
        CosignatureError::BadSignature(_) => "checkpoint-bad-cosignature",
        CosignatureError::BelowThreshold { .. } => "checkpoint-below-threshold",
    }
}

fn witness_change_kind(error: &CosignatureError) -> &'static str {
    match error {
        CosignatureError::WrongWitnessSet { .. } => "witness-change-wrong-witness-set",
        CosignatureError::NoWitnesses => "witness-change-no-witnesses",
        CosignatureError::NotSorted => "witness-change-not-sorted",
        CosignatureError::UnknownWitness(_) => "witness-change-unknown-witness",
        CosignatureError::BadSignature(_) => "witness-change-bad-cosignature",
        CosignatureError::BelowThreshold { .. } => "witness-change-below-threshold",
    }
}
