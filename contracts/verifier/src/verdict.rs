//! What a verified bundle proves, with the known record kinds decoded, and how a verdict reads.
//!
//! A verdict's text is one line per proved fact, then one line saying how far the facts are
//! anchored: `docs/formats.md` §15.5 gives the wording of every kind.

use std::fmt;

use onebook_types::{
    action::{PropertySubject, RightKind},
    block::Receipt,
    catalog_records::Resource,
    checkpoint::{CheckpointPolicy, ChildChain},
    codec::{self, DecodeError},
    consortium::{Policy, ValidatorSet},
    development_records::{
        DevelopedProduct, DeveloperLevel, DevelopmentGrant, DevelopmentScenario, ScenarioStatus,
    },
    hash::Hash32,
    ids::{CertificateNumber, ChainId, Height, OrgId, Timestamp},
    lifecycle_records::{CloseOutDisposition, GrantCloseOut, GrantLineage},
    limits::RECORD_BYTES_MAX,
    property_records::{Certificate, CertificateStanding, CertificateStatus},
    record::RecordKey,
    rejection::Rejection,
    sharing_records::{AccessEvent, Grant, GrantStatus, Violation},
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
    /// The witnessed checkpoint the block is an ancestor of; `None` for an unanchored bundle a
    /// verifier was told to accept.
    pub anchor: Option<AnchorSummary>,
}

/// The witnessed checkpoint a verdict is anchored at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnchorSummary {
    /// The checkpoint's height (at or above the proved block's).
    pub height: Height,
    /// Its block time: the chain is proved to have looked like this as of then.
    pub time: Timestamp,
    /// Its block hash.
    pub block_hash: Hash32,
    /// How many witnesses cosigned it.
    pub cosigned: usize,
    /// How many had to.
    pub threshold: u16,
    /// How many witnesses the set has.
    pub witnesses: usize,
    /// How many witness-set changes since genesis the bundle walked.
    pub witness_changes: usize,
    /// Whether the bundle carries a parent chain's proof (checked only when a parent genesis is
    /// trusted).
    pub parent_carried: bool,
    /// The parent chain's record of the checkpoint, when a parent genesis was trusted.
    pub parent: Option<ParentSummary>,
}

/// The parent chain's proof that it recorded the checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParentSummary {
    /// The parent chain.
    pub chain_id: ChainId,
    /// The parent block whose state shows the record.
    pub height: Height,
    /// Its time.
    pub block_time: Timestamp,
    /// The parent block time that recorded the checkpoint.
    pub anchored_at: Timestamp,
    /// The parent's own witnessed checkpoint (height and time), if its proof is anchored.
    pub checkpoint: Option<(Height, Timestamp)>,
}

/// The facts a verdict establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proved {
    /// Record values or absences in the state after the block, in bundle order.
    Records(Vec<ProvenRecord>),
    /// A transaction included in the block, and what became of it.
    Tx {
        /// Its hash.
        tx_hash: Hash32,
        /// Its position in the block.
        index: u64,
        /// The transaction.
        tx: Box<SignedTx>,
        /// Its receipt: code 0 if the ledger accepted it, else the rule it broke.
        receipt: Receipt,
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
    /// The checkpoint policy in force.
    CheckpointPolicy(Box<CheckpointPolicy>),
    /// A child chain this chain anchors, with its latest anchored checkpoint.
    ChildChain(Box<ChildChain>),
    /// A grant's close-out.
    GrantCloseOut(Box<GrantCloseOut>),
    /// Where a grant sits among onward grants.
    GrantLineage(Box<GrantLineage>),
    /// A development scenario.
    Scenario(Box<DevelopmentScenario>),
    /// A development grant.
    DevelopmentGrant(Box<DevelopmentGrant>),
    /// A product developed under a development grant.
    Product(Box<DevelopedProduct>),
    /// Another kind, proved but not decoded: its value bytes.
    Opaque(Vec<u8>),
}

/// Where a certificate stands at a block time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Active and the block's local day is within its validity (and, for a licence, its parent
    /// stands too).
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
    /// The holder before the latest transfer, and the height of that transfer, if any.
    pub transferred_from: Option<(OrgId, Height)>,
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
            RecordKey::CheckpointPolicy => {
                Self::CheckpointPolicy(Box::new(codec::decode(bytes, limit)?))
            }
            RecordKey::ChildChain(_) => Self::ChildChain(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::GrantCloseOut(_) => {
                Self::GrantCloseOut(Box::new(codec::decode(bytes, limit)?))
            }
            RecordKey::GrantLineage(_) => {
                Self::GrantLineage(Box::new(codec::decode(bytes, limit)?))
            }
            RecordKey::Scenario(_) => Self::Scenario(Box::new(codec::decode(bytes, limit)?)),
            RecordKey::DevelopmentGrant(_) => {
                Self::DevelopmentGrant(Box::new(codec::decode(bytes, limit)?))
            }
            RecordKey::Product(_) => Self::Product(Box::new(codec::decode(bytes, limit)?)),
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

    /// The local time offset of the proved policy, if the bundle proves it. A bundle that
    /// proves a certificate or a grant always does (the verifier refuses it otherwise).
    pub fn utc_offset_minutes(&self) -> Option<i16> {
        match self.value(&RecordKey::Policy) {
            Some(RecordValue::Policy(policy)) => Some(policy.utc_offset_minutes),
            _ => None,
        }
    }

    /// The block time the facts are as of, which freshness is judged on: the proved block's
    /// time for records (the state after that block, which may have changed since), the
    /// anchoring checkpoint's time for a transaction (it is in the history the witnesses saw
    /// then), or the block's time for an unanchored transaction bundle.
    pub fn as_of(&self) -> Timestamp {
        match (&self.proved, &self.anchor) {
            (Proved::Tx { .. }, Some(anchor)) => anchor.time,
            _ => self.block_time,
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
        transferred_from: certificate
            .transfers
            .last()
            .map(|transfer| (transfer.from.clone(), transfer.height)),
        standing,
    }
}

/// The name of a record kind, as in `docs/formats.md` (the `kind` of its JSON key).
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
        RecordKey::CheckpointPolicy => "checkpoint_policy",
        RecordKey::ChildChain(_) => "child_chain",
        RecordKey::Protocol => "protocol",
        RecordKey::GrantCloseOut(_) => "grant_close_out",
        RecordKey::PublishedReport(_) => "published_report",
        RecordKey::GrantLineage(_) => "grant_lineage",
        RecordKey::LifecyclePolicy => "lifecycle_policy",
        RecordKey::OpenDataPlan(_) => "open_data_plan",
        RecordKey::OrgPlans(_) => "org_plans",
        RecordKey::Scenario(_) => "scenario",
        RecordKey::OrgScenarioTypes(_) => "org_scenario_types",
        RecordKey::DevelopmentGrant(_) => "development_grant",
        RecordKey::Product(_) => "product",
        RecordKey::ResourceProducts(_) => "resource_products",
    }
}

fn level_name(level: DeveloperLevel) -> &'static str {
    match level {
        DeveloperLevel::Primary => "primary developer",
        DeveloperLevel::Secondary => "secondary developer",
    }
}

fn right_name(right: RightKind) -> &'static str {
    match right {
        RightKind::Holding => "holding",
        RightKind::ProcessingUse => "processing-use",
        RightKind::ProductOperation => "product-operation",
    }
}

/// A block time as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC).
pub fn utc(time: Timestamp) -> String {
    let day = Date::of_timestamp(time, 0);
    let ms = time.0 % 86_400_000;
    let (hours, minutes, seconds) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    format!("{day}T{hours:02}:{minutes:02}:{seconds:02}.{:03}Z", ms % 1000)
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid => f.write_str("valid"),
            Self::NotYetValid => f.write_str("not yet valid"),
            Self::Expired => f.write_str("expired"),
            Self::Cancelled { at, reason } => write!(f, "cancelled at {} ({reason})", utc(*at)),
            Self::ParentCancelled { .. } => f.write_str("parent cancelled"),
            Self::ParentExpired { .. } => f.write_str("parent expired"),
            Self::ParentUnproved { .. } => f.write_str("parent not proved"),
        }
    }
}

impl fmt::Display for CertificateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_at(f, None)
    }
}

impl CertificateSummary {
    /// `certificate <number> <standing>[ at height <h>]: holder ...`.
    fn fmt_at(&self, f: &mut fmt::Formatter<'_>, height: Option<Height>) -> fmt::Result {
        write!(f, "certificate {} {}", self.number, self.standing)?;
        if let Some(height) = height {
            write!(f, " at height {height}")?;
        }
        write!(f, ": holder {}, ", self.holder)?;
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
        if let Some((from, height)) = &self.transferred_from {
            write!(f, ", transferred from {from} at height {height}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let height = self.height;
        match &self.proved {
            Proved::Tx { tx_hash, index, tx, receipt } => {
                write!(f, "tx {tx_hash} included at height {height}, position {index}, ")?;
                write!(f, "signed by {}, ", tx.body.signer.to_hex())?;
                match receipt.code {
                    0 => write!(f, "accepted with code 0 ({} events)", receipt.events.len())?,
                    code => {
                        let (name, message) = Rejection::from_code(code).map_or_else(
                            || ("unknown code".to_owned(), String::new()),
                            |rejection| (rejection.name(), format!(": {rejection}")),
                        );
                        write!(f, "refused with code {code} ({name}{message})")?;
                    }
                }
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
        writeln!(f)?;
        self.fmt_anchor(f)
    }
}

impl Verdict {
    fn fmt_anchor(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "as of height {} (block time {})", self.height, utc(self.block_time))?;
        let Some(anchor) = &self.anchor else {
            return write!(
                f,
                ", NOT ANCHORED: no witnessed checkpoint shows this block in the chain's history"
            );
        };
        write!(
            f,
            ", anchored at witnessed checkpoint {} (time {}), cosigned by {} of {} witnesses \
             (threshold {})",
            anchor.height,
            utc(anchor.time),
            anchor.cosigned,
            anchor.witnesses,
            anchor.threshold
        )?;
        match &anchor.parent {
            Some(parent) => {
                write!(
                    f,
                    "; recorded on parent chain {} at block time {}, proved at its height {}",
                    parent.chain_id,
                    utc(parent.anchored_at),
                    parent.height
                )?;
                if let Some((height, time)) = parent.checkpoint {
                    write!(f, " (its checkpoint {height}, time {})", utc(time))?;
                }
            }
            None if anchor.parent_carried => {
                write!(f, "; carries a parent chain's proof, not checked (no parent genesis)")?;
            }
            None => {}
        }
        Ok(())
    }

    fn fmt_record(&self, f: &mut fmt::Formatter<'_>, record: &ProvenRecord) -> fmt::Result {
        let height = self.height;
        let kind = kind_name(&record.key);
        let id = key_id(&record.key);
        let label = if id.is_empty() { kind.to_owned() } else { format!("{kind} {id}") };
        let offset = self.utc_offset_minutes().unwrap_or(0);
        match &record.value {
            RecordValue::Absent => write!(f, "{label} absent at height {height}"),
            RecordValue::Certificate(certificate) => {
                self.summary(certificate).fmt_at(f, Some(height))?;
                match self.development_of(&certificate.subject) {
                    Some(crate::Development::Granted { grant, scenario, .. }) => write!(
                        f,
                        ", developed under development grant {} (scenario {} of type {:?}, \
                         approved by {})",
                        grant.id, scenario.id, grant.scenario_type, grant.approved_by
                    ),
                    Some(crate::Development::NotRecorded { .. }) => {
                        write!(f, ", a product recorded under no development grant")
                    }
                    None => Ok(()),
                }
            }
            RecordValue::Grant(grant) => {
                let status = match &grant.status {
                    GrantStatus::Active if self.block_time >= grant.expires_at => "expired",
                    GrantStatus::Active if self.block_time < grant.starts.start(offset) => {
                        "not yet valid"
                    }
                    GrantStatus::Active => "active",
                    GrantStatus::Revoked { .. } => "revoked",
                };
                write!(
                    f,
                    "grant {} {status} at height {height}: to {} by {} on entry {}, from {} until {}",
                    grant.id,
                    grant.grantee,
                    grant.provider,
                    grant.entry,
                    grant.starts,
                    utc(grant.expires_at)
                )?;
                match self.value(&RecordKey::GrantLineage(grant.id)) {
                    Some(RecordValue::GrantLineage(lineage)) => {
                        match (&lineage.parent, &lineage.granted_by) {
                            (Some(parent), Some(by)) => {
                                write!(f, ", onward from grant {parent} (granted on by {by})")
                            }
                            _ => Ok(()),
                        }
                    }
                    _ => Ok(()),
                }
            }
            RecordValue::GrantCloseOut(record) => {
                write!(f, "grant_close_out {} at height {height}: ", record.grant)?;
                match &record.disposition {
                    CloseOutDisposition::Destroyed => write!(f, "destroyed")?,
                    CloseOutDisposition::Retained { legal_basis } => {
                        write!(f, "retained on legal basis {legal_basis}")?;
                    }
                }
                write!(
                    f,
                    " by {}, the grant ended ({}) at {}, recorded at {}, {}",
                    record.grantee,
                    record.ended.as_str(),
                    utc(record.ended_at),
                    utc(record.recorded_time),
                    if record.late { "late" } else { "on time" }
                )
            }
            RecordValue::GrantLineage(lineage) => {
                write!(f, "{label} at height {height}: ")?;
                match (&lineage.parent, &lineage.granted_by) {
                    (Some(parent), Some(by)) => write!(
                        f,
                        "onward from grant {parent}, granted on by {by}, depth {}",
                        lineage.depth
                    )?,
                    _ => write!(f, "issued on its share request")?,
                }
                let children: Vec<String> =
                    lineage.children.iter().map(ToString::to_string).collect();
                match children.is_empty() {
                    true => write!(f, ", no onward grants"),
                    false => write!(f, ", onward grants {}", children.join(", ")),
                }
            }
            RecordValue::Scenario(scenario) => {
                write!(
                    f,
                    "scenario {} at height {height}: {:?} of type {:?} by {} ({}), ",
                    scenario.id,
                    scenario.draft.name,
                    scenario.draft.scenario_type,
                    scenario.developer,
                    level_name(scenario.level)
                )?;
                match &scenario.status {
                    ScenarioStatus::UnderReview => {
                        write!(f, "under review by {}", scenario.authority)
                    }
                    ScenarioStatus::Approved { grant } => {
                        write!(f, "approved by {} as development grant {grant}", scenario.authority)
                    }
                    ScenarioStatus::Returned { .. } => {
                        write!(f, "returned by {}", scenario.authority)
                    }
                }
            }
            RecordValue::DevelopmentGrant(grant) => write!(
                f,
                "development_grant {} at height {height}: to {} ({}) for scenario {} of type {:?}, \
                 approved by {} at {}, {}..{}",
                grant.id,
                grant.developer,
                level_name(grant.level),
                grant.scenario,
                grant.scenario_type,
                grant.approved_by,
                utc(grant.approved_at),
                grant.starts,
                grant.ends
            ),
            RecordValue::Product(product) => write!(
                f,
                "product {} at height {height}: {:?} by {} under development grant {}, recorded at \
                 height {}",
                product.digest, product.name, product.developer, product.grant, product.recorded_at
            ),
            RecordValue::AccessEvent(event) => {
                write!(
                    f,
                    "access_event {} at height {height}: org {} on resource {} under grant {}, \
                     recorded at {}, ",
                    event.id,
                    event.org,
                    event.access.resource,
                    event.access.grant.map_or_else(|| "none".to_owned(), |grant| grant.to_string()),
                    utc(event.recorded_at)
                )?;
                match event.violation {
                    Some(violation) => write!(f, "a violation ({violation})"),
                    None => write!(f, "covered"),
                }
            }
            RecordValue::Violation(violation) => write!(
                f,
                "violation {} at height {height}: access event {} by org {}, {:?}, recorded at {}",
                violation.id,
                violation.access_event,
                violation.org,
                violation.reason,
                utc(violation.recorded_at)
            ),
            RecordValue::Resource(resource) => write!(
                f,
                "resource {} at height {height}: entry {} of {}, snapshot {}, {} records",
                resource.id,
                resource.entry,
                resource.provider,
                resource.snapshot_digest,
                resource.record_count
            ),
            RecordValue::Policy(policy) => write!(
                f,
                "policy at height {height}: local time UTC{:+}:{:02}",
                policy.utc_offset_minutes / 60,
                (policy.utc_offset_minutes % 60).abs()
            ),
            RecordValue::ValidatorSet(set) => write!(
                f,
                "validator_set at height {height}: {} validators, power {}, hash {}",
                set.validators.len(),
                set.total_power(),
                set.hash()
            ),
            RecordValue::CheckpointPolicy(policy) => write!(
                f,
                "checkpoint_policy at height {height}: every {} heights, {} of {} witnesses",
                policy.interval,
                policy.witnesses.threshold,
                policy.witnesses.witnesses.len()
            ),
            RecordValue::ChildChain(child) => {
                write!(
                    f,
                    "child_chain {} at height {height}: genesis {}, ",
                    child.chain_id, child.genesis_hash
                )?;
                match &child.latest {
                    Some(latest) => write!(
                        f,
                        "latest anchored checkpoint {} (block {}, time {}) recorded at {}",
                        latest.checkpoint.height,
                        latest.checkpoint.block_hash,
                        utc(latest.checkpoint.time),
                        utc(latest.anchored_at)
                    ),
                    None => write!(f, "no checkpoint anchored yet"),
                }
            }
            RecordValue::Opaque(bytes) => write!(
                f,
                "{label} present at height {height}: {} bytes, value hash {}",
                bytes.len(),
                onebook_state::value_hash(bytes)
            ),
        }
    }
}

fn key_id(key: &RecordKey) -> String {
    match key {
        RecordKey::Policy
        | RecordKey::ValidatorSet
        | RecordKey::CheckpointPolicy
        | RecordKey::Protocol
        | RecordKey::LifecyclePolicy => String::new(),
        RecordKey::Org(id)
        | RecordKey::OrgObligations(id)
        | RecordKey::OrgPlans(id)
        | RecordKey::OrgScenarioTypes(id) => id.to_string(),
        RecordKey::OpenDataPlan(id) => id.to_string(),
        RecordKey::Scenario(id) => id.to_string(),
        RecordKey::DevelopmentGrant(id) => id.to_string(),
        RecordKey::PublishedReport(id) => id.to_string(),
        RecordKey::Product(digest) => digest.to_hex(),
        RecordKey::Member(key) | RecordKey::Nonce(key) => key.to_hex(),
        RecordKey::Proposal(id) => id.to_string(),
        RecordKey::CatalogEntry(code) => code.to_string(),
        RecordKey::Resource(id) | RecordKey::ResourceProducts(id) => id.to_string(),
        RecordKey::ShareRequest(id) => id.to_string(),
        RecordKey::Grant(id) | RecordKey::GrantCloseOut(id) | RecordKey::GrantLineage(id) => {
            id.to_string()
        }
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
        RecordKey::ChildChain(chain) => chain.to_string(),
    }
}
