//! Why a bundle does not prove its claim: one variant per check, in the order the checks run.

use onebook_state::ProofError;
use onebook_types::{
    block::CertificateError,
    codec::DecodeError,
    hash::Hash32,
    ids::{ChainId, Height},
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
    #[error("bundle format version {version} is not supported (this build reads 1)")]
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
        }
    }
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
