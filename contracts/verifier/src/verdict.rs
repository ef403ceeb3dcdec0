//! What a verified bundle proves, with the known record kinds decoded.

use std::fmt;

use onebook_types::{
    action::{PropertySubject, RightKind},
    catalog_records::Resource,
    codec::{self, DecodeError},
    consortium::{Policy, ValidatorSet},
    hash::Hash32,
    ids::{CertificateNumber, Height, OrgId, Timestamp},
    limits::RECORD_BYTES_MAX,
    property_records::{Certificate, CertificateStanding, CertificateStatus},
    record::RecordKey,
    sharing_records::{AccessEvent, Grant, Violation},
    time::Date,
    tx::SignedTx,
};

/// What a bundle proved, once every check passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The height of the block the facts are proved in.
    pub height: Height,
    /// That block's header hash.
    pub block_hash: Hash32,
    /// That block's time.
    pub block_time: Timestamp,
    /// The hash of the validator set that committed it.
    pub validator_set_hash: Hash32,
    /// How many validator-set changes since genesis the bundle walked.
    pub set_changes: usize,
    /// The facts.
    pub proved: Proved,
}

/// The facts a verdict establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proved {
    /// Record values or absences in the state after the block, in bundle order.
    Records(Vec<ProvenRecord>),
    /// A transaction included in the block.
    Tx {
        /// Its hash.
        tx_hash: Hash32,
        /// Its position in the block.
        index: u64,
        /// The transaction.
        tx: Box<SignedTx>,
    },
}

/// One proved record: its key and what the state holds under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenRecord {
    /// The record's key.
    pub key: RecordKey,
    /// Its proved value.
    pub value: RecordValue,
}

/// A proved record value, decoded when its kind is one a verifier reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordValue {
    /// No record under the key at this height.
    Absent,
    /// A data-property certificate.
    Certificate(Box<Certificate>),
    /// A grant.
    Grant(Box<Grant>),
    /// An access event.
    AccessEvent(Box<AccessEvent>),
    /// A violation.
    Violation(Box<Violation>),
    /// A resource.
    Resource(Box<Resource>),
    /// The policy in force.
    Policy(Box<Policy>),
    /// The validator set in force.
    ValidatorSet(ValidatorSet),
    /// Another kind, proved but not decoded: its value bytes.
    Opaque(Vec<u8>),
}

/// Where a certificate stands at a block time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Active and the block's local day is within its validity.
    Valid,
    /// Active, but its first day of validity has not begun.
    NotYetValid,
    /// Active, but its last day of validity has passed.
    Expired,
    /// Cancelled (at or before the block).
    Cancelled {
        /// Block time of the cancellation.
        at: Timestamp,
        /// Why.
        reason: String,
    },
    /// A licence whose parent, proved in the same bundle, is cancelled: it stands no more.
    ParentCancelled {
        /// The parent certificate.
        parent: CertificateNumber,
    },
    /// A licence whose parent, proved in the same bundle, has expired: it stands no more.
    ParentExpired {
        /// The parent certificate.
        parent: CertificateNumber,
    },
    /// A licence whose parent the bundle does not prove present, so its standing is not proved.
    ParentUnproved {
        /// The parent certificate.
        parent: CertificateNumber,
    },
}

/// A certificate as an auditor reads it, with its standing at the proved block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateSummary {
    /// The certificate number.
    pub number: CertificateNumber,
    /// The org holding the right.
    pub holder: OrgId,
    /// The right.
    pub right: RightKind,
    /// What it is held in.
    pub subject: PropertySubject,
    /// First day of validity.
    pub valid_from: Date,
    /// Last day of validity.
    pub valid_until: Date,
    /// For a licence, the certificate it was granted under. A licence stands only while its
    /// parent does, so its standing is judged with the parent proved in the same bundle.
    pub parent: Option<CertificateNumber>,
    /// Its standing at the proved block.
    pub standing: Standing,
}

impl RecordValue {
    /// Decodes `bytes` as the record type of `key`'s kind (opaque for kinds not read here).
    pub fn decode(key: &RecordKey, bytes: &[u8]) -> Result<Self, DecodeError> {
        let limit = RECORD_BYTES_MAX;
        Ok(match key {
            RecordKey::Certificate(_) => Self::Certificate(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::Grant(_) => Self::Grant(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::AccessEvent(_) => Self::AccessEvent(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::Violation(_) => Self::Violation(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::Resource(_) => Self::Resource(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::Policy => Self::Policy(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::ValidatorSet => Self::ValidatorSet(codec::decode(bytes, limit)?),
            _ => Self::Opaque(bytes.to_vec()),
        })
    }
}

impl Verdict {
    /// The proved records (none for a transaction bundle).
    pub fn records(&self) -> &[ProvenRecord] {
        match &self.proved {
            Proved::Records(records) => records,
            Proved::Tx { .. } => &[],
        }
    }

    /// The proved value under `key`, if the bundle claims it.
    pub fn value(&self, key: &RecordKey) -> Option<&RecordValue> {
        self.records().iter().find(|record| record.key == *key).map(|record| &record.value)
    }

    /// The local time offset of the proved policy, if the bundle proves it; dates are judged in
    /// UTC otherwise.
    pub fn utc_offset_minutes(&self) -> Option<i16> {
        match self.value(&RecordKey::Policy) {
            Some(RecordValue::Policy(policy)) => Some(policy.utc_offset_minutes),
            _ => None,
        }
    }

    /// The summary of a proved certificate, judged at the proved block (a licence with its
    /// parent, if the bundle proves it).
    pub fn certificate(&self, number: &CertificateNumber) -> Option<CertificateSummary> {
        let key = RecordKey::Certificate(number.clone());
        let Some(RecordValue::Certificate(certificate)) = self.value(&key) else { return None };
        Some(self.summary(certificate))
    }

    /// `certificate`'s summary at the proved block, with its parent from the bundle.
    fn summary(&self, certificate: &Certificate) -> CertificateSummary {
        let parent = certificate.parent.as_ref().and_then(|parent| {
            match self.value(&RecordKey::Certificate(parent.clone())) {
                Some(RecordValue::Certificate(parent)) => Some(parent.as_ref()),
                _ => None,
            }
        });
        let offset = self.utc_offset_minutes().unwrap_or(0);
        summarize(certificate, parent, self.block_time, offset)
    }
}

/// A certificate's summary and standing at block time `now` (local days at
/// `utc_offset_minutes`); for a licence, `parent` is its parent certificate if known, and the
/// licence stands only while the parent does.
pub fn summarize(
    certificate: &Certificate,
    parent: Option<&Certificate>,
    now: Timestamp,
    utc_offset_minutes: i16,
) -> CertificateSummary {
    let today = Date::of_timestamp(now, utc_offset_minutes);
    let parent_number = || certificate.parent.clone().unwrap_or_default();
    let standing = match (certificate.standing(parent, today), &certificate.status) {
        (_, CertificateStatus::Cancelled { reason, at }) => {
            Standing::Cancelled { at: *at, reason: reason.clone() }
        }
        (CertificateStanding::Valid, _) => Standing::Valid,
        (CertificateStanding::NotYetValid, _) => Standing::NotYetValid,
        (CertificateStanding::Expired | CertificateStanding::Cancelled, _) => Standing::Expired,
        (CertificateStanding::ParentCancelled, _) => {
            Standing::ParentCancelled { parent: parent_number() }
        }
        (CertificateStanding::ParentExpired, _) => {
            Standing::ParentExpired { parent: parent_number() }
        }
        (CertificateStanding::ParentUnknown, _) => {
            Standing::ParentUnproved { parent: parent_number() }
        }
    };
    CertificateSummary {
        number: certificate.number.clone(),
        holder: certificate.holder.clone(),
        right: certificate.right,
        subject: certificate.subject.clone(),
        valid_from: certificate.valid_from,
        valid_until: certificate.valid_until,
        parent: certificate.parent.clone(),
        standing,
    }
}

/// The name of a record kind, as in `docs/formats.md`.
pub fn kind_name(key: &RecordKey) -> &'static str {
    match key {
        RecordKey::Policy => "policy",
        RecordKey::ValidatorSet => "validator_set",
        RecordKey::Org(_) => "org",
        RecordKey::Member(_) => "member",
        RecordKey::Nonce(_) => "nonce",
        RecordKey::Proposal(_) => "proposal",
        RecordKey::CatalogEntry(_) => "catalog_entry",
        RecordKey::Resource(_) => "resource",
        RecordKey::ShareRequest(_) => "share_request",
        RecordKey::Grant(_) => "grant",
        RecordKey::AccessEvent(_) => "access_event",
        RecordKey::Violation(_) => "violation",
        RecordKey::QualityReport(_) => "quality_report",
        RecordKey::Application(_) => "application",
        RecordKey::Objection(_) => "objection",
        RecordKey::Certificate(_) => "certificate",
        RecordKey::Obligation(_) => "obligation",
        RecordKey::Sequence(_) => "sequence",
        RecordKey::OrgObligations(_) => "org_obligations",
        RecordKey::RegionAuthority(_) => "region_authority",
        RecordKey::PropertySubject(_) => "property_subject",
        RecordKey::ElementSource(_) => "element_source",
    }
}

fn right_name(right: RightKind) -> &'static str {
    match right {
        RightKind::Holding => "holding",
        RightKind::ProcessingUse => "processing-use",
        RightKind::ProductOperation => "product-operation",
    }
}

impl fmt::Display for CertificateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let standing = match &self.standing {
            Standing::Valid => "valid".to_owned(),
            Standing::NotYetValid => "not yet valid".to_owned(),
            Standing::Expired => "expired".to_owned(),
            Standing::Cancelled { at, reason } => format!("cancelled at {} ({reason})", at.0),
            Standing::ParentCancelled { .. } => "parent cancelled".to_owned(),
            Standing::ParentExpired { .. } => "parent expired".to_owned(),
            Standing::ParentUnproved { .. } => "parent not proved".to_owned(),
        };
        write!(f, "certificate {} {standing}: holder {}, ", self.number, self.holder)?;
        write!(f, "{} right on ", right_name(self.right))?;
        match &self.subject {
            PropertySubject::Resource { resource } => write!(f, "resource {resource}")?,
            PropertySubject::Product { name, digest, .. } => {
                write!(f, "product {name:?} ({digest})")?;
            }
        }
        write!(f, ", {}..{}", self.valid_from, self.valid_until)?;
        if let Some(parent) = &self.parent {
            write!(f, ", licensed under {parent}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let height = self.height;
        match &self.proved {
            Proved::Tx { tx_hash, index, tx } => {
                return write!(
                    f,
                    "tx {tx_hash} included at height {height}, position {index}, signed by {}",
                    tx.body.signer.to_hex()
                );
            }
            Proved::Records(records) => {
                for (n, record) in records.iter().enumerate() {
                    if n > 0 {
                        writeln!(f)?;
                    }
                    self.fmt_record(f, record)?;
                }
            }
        }
        Ok(())
    }
}

impl Verdict {
    fn fmt_record(&self, f: &mut fmt::Formatter<'_>, record: &ProvenRecord) -> fmt::Result {
        let height = self.height;
        let kind = kind_name(&record.key);
        match &record.value {
            RecordValue::Absent => {
                write!(f, "{kind} {} absent at height {height}", key_id(&record.key))
            }
            RecordValue::Certificate(certificate) => {
                let text = self.summary(certificate).to_string();
                let (head, tail) = text.split_once(':').unwrap_or((&text, ""));
                write!(f, "{head} at height {height}:{tail}")
            }
            RecordValue::Grant(grant) => write!(
                f,
                "grant {} at height {height}: {:?} to {} by {} on entry {}, expires at {}",
                grant.id,
                grant.status,
                grant.grantee,
                grant.provider,
                grant.entry,
                grant.expires_at.0
            ),
            RecordValue::AccessEvent(event) => write!(
                f,
                "access_event {} at height {height}: org {} on resource {} under grant {:?}, recorded at {}",
                event.id,
                event.org,
                event.access.resource,
                event.access.grant.map(|grant| grant.0),
                event.recorded_at.0
            ),
            _ => write!(f, "{kind} {} present at height {height}", key_id(&record.key)),
        }
    }
}

fn key_id(key: &RecordKey) -> String {
    match key {
        RecordKey::Policy | RecordKey::ValidatorSet => String::new(),
        RecordKey::Org(id) | RecordKey::OrgObligations(id) => id.to_string(),
        RecordKey::Member(key) | RecordKey::Nonce(key) => key.to_hex(),
        RecordKey::Proposal(id) => id.to_string(),
        RecordKey::CatalogEntry(code) => code.to_string(),
        RecordKey::Resource(id) => id.to_string(),
        RecordKey::ShareRequest(id) => id.to_string(),
        RecordKey::Grant(id) => id.to_string(),
        RecordKey::AccessEvent(id) => id.to_string(),
        RecordKey::Violation(id) => id.to_string(),
        RecordKey::QualityReport(id) => id.to_string(),
        RecordKey::Application(id) => id.to_string(),
        RecordKey::Objection(id) => id.to_string(),
        RecordKey::Certificate(number) => number.to_string(),
        RecordKey::Obligation(id) => id.to_string(),
        RecordKey::Sequence(name) => name.clone(),
        RecordKey::RegionAuthority(code) => code.to_string(),
        RecordKey::PropertySubject(hash) | RecordKey::ElementSource(hash) => hash.to_hex(),
    }
}
