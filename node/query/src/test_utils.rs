//! Chains of chosen records for tests: each block is one tx that writes the records given and
//! touches them, so listings, as-of reads and timelines all have something to read.

use onebook_storage::{BlockCommit, RecordChange, Store, Tip, TxTouch};
use onebook_types::{
    action::Action,
    block::{self, Block, Event, Header, Receipt},
    codec,
    hash::Hash32,
    ids::{ChainId, Height, Nonce, OrgId, ShareRequestId, Timestamp},
    keys::{PublicKey, SecretKey},
    record::RecordKey,
    tx::TxBody,
};

/// The chain id of test chains.
pub const CHAIN_ID: &str = "onebook-query-test";
/// Block time of block `h` is `h` seconds after this.
pub const GENESIS_TIME_MS: u64 = 1_767_196_800_000;

/// The genesis hash of the test stores.
pub const GENESIS_HASH: Hash32 = Hash32([0x9e; 32]);

/// The signer of every test tx.
pub fn signer() -> SecretKey {
    SecretKey::from_seed([0x51; 32])
}

/// The block time of block `height`.
pub fn block_time(height: Height) -> Timestamp {
    Timestamp(GENESIS_TIME_MS + height.0 * 1_000)
}

/// A record and its encoded value.
pub fn entry<T: borsh::BorshSerialize>(key: RecordKey, record: &T) -> (RecordKey, Vec<u8>) {
    (key, codec::encode(record))
}

/// Opens `store` at a genesis holding `records`.
pub fn init(store: &Store, records: Vec<(RecordKey, Vec<u8>)>) -> Tip {
    let genesis_hash = GENESIS_HASH;
    store.init_genesis_state(genesis_hash, records).expect("the test genesis is written")
}

/// Commits the next block: one tx that writes `records`, touching each of them and `orgs`.
pub fn commit(store: &Store, records: Vec<(RecordKey, Vec<u8>)>, orgs: Vec<OrgId>) -> Tip {
    let height = store.tip().expect("the store has a genesis").height.next();
    let action = Action::WithdrawShareRequest { request: ShareRequestId(height.0) };
    let mut tx = TestTx::new(action, records);
    tx.orgs = orgs;
    tx.nonce = Some(height.0);
    commit_txs(store, vec![tx], &[])
}

/// An event of `kind` with `attributes`.
pub fn event(kind: &str, attributes: &[(&str, &str)]) -> Event {
    let attributes =
        attributes.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
    Event { kind: kind.to_owned(), attributes }
}

/// Commits the next block: one accepted tx per entry of `txs`, raising that entry's events and
/// writing no record. No entries make a block without txs.
pub fn commit_events(store: &Store, txs: Vec<Vec<Event>>) -> Tip {
    let txs = (0..).zip(txs).map(|(index, events)| {
        let mut tx =
            TestTx::new(Action::WithdrawShareRequest { request: ShareRequestId(index) }, vec![]);
        tx.events = events;
        tx
    });
    commit_txs(store, txs.collect(), &[])
}

/// One tx of a test block, signed by [`signer`]: what it asks, the records it writes and touches,
/// the orgs it touches beside them, and its receipt.
#[derive(Clone, Debug)]
pub struct TestTx {
    /// What it asks.
    pub action: Action,
    /// The records it writes (and touches).
    pub records: Vec<(RecordKey, Vec<u8>)>,
    /// The orgs it touches.
    pub orgs: Vec<OrgId>,
    /// Its receipt's code: 0 accepted, else a rejection code.
    pub code: u16,
    /// Its receipt's events.
    pub events: Vec<Event>,
    /// Its nonce; by default `height * 1000 + index`.
    pub nonce: Option<u64>,
}

impl TestTx {
    /// An accepted tx asking `action` that writes `records`.
    pub fn new(action: Action, records: Vec<(RecordKey, Vec<u8>)>) -> Self {
        Self { action, records, orgs: vec![], code: 0, events: vec![], nonce: None }
    }
}

/// Commits the next block holding `txs`, with a commit certificate signed by each of
/// `validators` (none: no certificate is stored).
pub fn commit_txs(store: &Store, txs: Vec<TestTx>, validators: &[SecretKey]) -> Tip {
    commit_txs_at(store, txs, validators, None)
}

/// As [`commit_txs`], at block time `time` (by default [`block_time`] of its height).
pub fn commit_txs_at(
    store: &Store,
    txs: Vec<TestTx>,
    validators: &[SecretKey],
    time: Option<Timestamp>,
) -> Tip {
    let tip = store.tip().expect("the store has a genesis");
    let height = tip.height.next();
    let key = signer();
    let (mut signed, mut receipts, mut touches, mut changes) = (vec![], vec![], vec![], vec![]);
    for (index, tx) in (0..).zip(txs) {
        let body = TxBody {
            chain_id: ChainId::from(CHAIN_ID),
            signer: key.public_key(),
            nonce: Nonce(tx.nonce.unwrap_or(height.0 * 1_000 + index)),
            valid_until: Height(height.0 + 100),
            action: tx.action,
        }
        .sign(&key);
        let events = if tx.code == Receipt::ACCEPTED { tx.events } else { vec![] };
        receipts.push(Receipt { tx_hash: body.hash(), code: tx.code, events });
        let records = tx.records.iter().map(|(key, _)| key.clone()).collect();
        touches.push(TxTouch { records, orgs: tx.orgs });
        changes.extend(
            tx.records.into_iter().map(|(key, value)| RecordChange { key, value: Some(value) }),
        );
        signed.push(body);
    }
    let hashes: Vec<Hash32> = signed.iter().map(onebook_types::tx::SignedTx::hash).collect();
    let staged = store.stage(changes).expect("staged");
    let header = Header {
        chain_id: ChainId::from(CHAIN_ID),
        height,
        time: time.unwrap_or_else(|| block_time(height)),
        previous_hash: tip.block_hash,
        history_root: store.next_history_root().expect("history"),
        tx_root: block::tx_root(&hashes),
        tx_count: u32::try_from(signed.len()).expect("a test block is small"),
        receipts_root: block::receipts_root(&receipts),
        state_root: staged.root,
        validator_set_hash: Hash32::ZERO,
        next_validator_set_hash: Hash32::ZERO,
        proposer: validators.first().map_or(PublicKey([0; 32]), SecretKey::public_key),
    };
    let certificate = (!validators.is_empty()).then(|| certificate(&header, validators));
    let block = Block { header, txs: signed };
    let commit = BlockCommit { block, receipts, certificate, touches };
    store.commit(commit, staged).expect("committed")
}

/// A commit certificate of `header` signed by each of `validators`, sorted by node key.
pub fn certificate(header: &Header, validators: &[SecretKey]) -> block::CommitCertificate {
    let vote = block::CommitVote {
        chain_id: header.chain_id.clone(),
        genesis_hash: GENESIS_HASH,
        height: header.height,
        round: 0,
        block_hash: header.hash(),
    };
    let digest = vote.signing_digest();
    let mut signatures: Vec<block::CommitSignature> = validators
        .iter()
        .map(|key| block::CommitSignature {
            node_key: key.public_key(),
            signature: key.sign(digest.as_bytes()),
        })
        .collect();
    signatures.sort_by_key(|signature| signature.node_key);
    block::CommitCertificate { vote, signatures }
}

/// An active grant `id` of entry `350200-xm-scjg-0001` from `xm-scjg` to `grantee`.
pub fn grant(id: u64, grantee: &str) -> onebook_types::sharing_records::Grant {
    use onebook_types::{
        ids::{CatalogCode, GrantId},
        sharing_records::{Grant, GrantStatus},
        time::Date,
    };
    let first_day = Date::from_ymd(2026, 1, 1).expect("a date");
    Grant {
        id: GrantId(id),
        request: ShareRequestId(id),
        grantee: OrgId::from(grantee),
        provider: OrgId::from("xm-scjg"),
        entry: CatalogCode::from("350200-xm-scjg-0001"),
        items: vec!["企业名称".into()],
        starts: first_day,
        expires_at: Date::from_ymd(2026, 12, 31).expect("a date").start(480),
        conditions: String::new(),
        exception: false,
        status: GrantStatus::Active,
        legal_basis: None,
    }
}

/// A member who signs reads: the secret of seed `[seed; 32]`, and its active member record in
/// `org` with `roles`, to add to a test genesis (with the org, if it is not in it already).
pub fn reader(
    seed: u8,
    org: &str,
    roles: Vec<onebook_types::consortium::Role>,
) -> (SecretKey, (RecordKey, Vec<u8>)) {
    use onebook_types::consortium::{Member, MemberStatus};
    let secret = SecretKey::from_seed([seed; 32]);
    let key = secret.public_key();
    let member = Member {
        key,
        org: OrgId::from(org),
        name: format!("读者 {seed}"),
        roles,
        status: MemberStatus::Active,
    };
    (secret, entry(RecordKey::Member(key), &member))
}

/// A policy in China Standard Time with no holidays, 5 working days to answer a share request.
pub fn plain_policy() -> onebook_types::consortium::Policy {
    onebook_types::consortium::Policy {
        catalog_update_working_days: 7,
        resource_registration_working_days: 20,
        share_answer_working_days: 5,
        correction_working_days: 5,
        public_notice_days: 10,
        grant_term_days_max: 366,
        utc_offset_minutes: 480,
        holidays: vec![],
        makeup_workdays: vec![],
        legal_bases: vec![],
        record_signed_reads: false,
    }
}

/// An active org `id` under `parent` in region `350200`.
pub fn org(id: &str, parent: Option<&str>) -> onebook_types::consortium::Org {
    use onebook_types::{
        consortium::{Org, OrgLevel, OrgStatus},
        ids::RegionCode,
    };
    Org {
        id: OrgId::from(id),
        name: format!("机构 {id}"),
        level: OrgLevel::Bureau,
        parent: parent.map(OrgId::from),
        region: RegionCode::from("350200"),
        data_authority: false,
        status: OrgStatus::Active,
    }
}

/// A draft catalog entry `code` of `provider` with one version per name in `names`, the last
/// published.
pub fn catalog_entry(
    code: &str,
    provider: &str,
    names: &[&str],
) -> onebook_types::catalog_records::CatalogEntry {
    use onebook_types::{
        action::{CatalogEntryDraft, DataItem, Grade, OpenType, ShareType},
        catalog_records::{CatalogEntry, CatalogStatus, CatalogVersion},
        ids::{CatalogCode, RegionCode, SystemId},
    };
    let versions = (1..)
        .zip(names)
        .map(|(number, name)| CatalogVersion {
            number,
            content: CatalogEntryDraft {
                name: (*name).to_owned(),
                description: "市场主体登记基本信息".into(),
                items: vec![
                    DataItem {
                        name: "企业名称".into(),
                        data_element: "DE0002".into(),
                        personal_information: false,
                        sensitivity: Grade::General,
                    },
                    DataItem {
                        name: "法定代表人".into(),
                        data_element: "DE0003".into(),
                        personal_information: true,
                        sensitivity: Grade::Important,
                    },
                ],
                classification: "市场监管".into(),
                grade: Grade::General,
                security_level: 2,
                share_type: ShareType::Unconditional,
                open_type: OpenType::NotOpen,
                update_frequency: "daily".into(),
                system: SystemId::from("xm-scjg-djxt"),
            },
            drafted_at: Height(u64::from(number)),
            published_at: Some(Height(u64::from(number))),
        })
        .collect::<Vec<_>>();
    CatalogEntry {
        code: CatalogCode::from(code),
        provider: OrgId::from(provider),
        region: RegionCode::from("350200"),
        published: u32::try_from(versions.len()).ok(),
        versions,
        status: CatalogStatus::Published,
        authoritative_sources: vec![],
    }
}

/// An open obligation `id` of `org`, due at `due`.
pub fn obligation(
    id: u64,
    org: &str,
    due: Timestamp,
) -> onebook_types::catalog_records::Obligation {
    use onebook_types::{
        catalog_records::{Obligation, ObligationKind, ObligationStatus},
        ids::ObligationId,
    };
    Obligation {
        id: ObligationId(id),
        org: OrgId::from(org),
        kind: ObligationKind::CatalogUpdate,
        description: "职责调整".into(),
        opened_at: Height(1),
        opened_time: block_time(Height(1)),
        due,
        status: ObligationStatus::Open,
        subject: None,
    }
}

/// One record of every listed kind, each with id 1 (or the text id shown), all naming `xm-gaj`
/// or `xm-scjg`: orgs `xm`, `xm-gaj` (under `xm`) and `xm-scjg`, member `[3; 32]` of `xm-gaj`,
/// proposal 1, catalog entry `350200-xm-scjg-0001` (two versions), resource 1, share request 1,
/// grant 1, access event 1 and its violation 1, quality report 1, application 1, objection 1,
/// certificate `350200-2026-000001X`, and obligation 1 of `xm-scjg` with its org index.
pub fn every_kind() -> Vec<(RecordKey, Vec<u8>)> {
    use onebook_types::{
        action::{AccessDraft, AccessOperation, GovernanceChange, PropertySubject, RightKind},
        catalog_records::{OpenObligation, OrgObligations, Resource},
        consortium::{Member, MemberStatus, Role},
        ids::{
            AccessEventId, ApplicationId, CatalogCode, CertificateNumber, GrantId, LegalBasisCode,
            ObjectionId, ObligationId, ProposalId, QualityReportId, ResourceId, SystemId,
            ViolationId,
        },
        property_records::{
            ApplicationStatus, Certificate, CertificateStatus, Objection, ObjectionStatus,
            PropertyApplication, subject_hash,
        },
        quality_records::{QualityReport, QualityStatus},
        records::{Proposal, ProposalStatus},
        sharing_records::{AccessEvent, ShareRequest, ShareStatus, Violation, ViolationReason},
        time::Date,
    };
    let day = |m, d| Date::from_ymd(2026, m, d).expect("a date");
    let member_key = PublicKey([3; 32]);
    let code = CatalogCode::from("350200-xm-scjg-0001");
    let subject = PropertySubject::Resource { resource: ResourceId(1) };
    let due = block_time(Height(3));
    vec![
        entry(RecordKey::Org("xm".into()), &org("xm", None)),
        entry(RecordKey::Org("xm-gaj".into()), &org("xm-gaj", Some("xm"))),
        entry(RecordKey::Org("xm-scjg".into()), &org("xm-scjg", Some("xm"))),
        entry(
            RecordKey::Member(member_key),
            &Member {
                key: member_key,
                org: "xm-gaj".into(),
                name: "网关".into(),
                roles: vec![Role::DataUser],
                status: MemberStatus::Active,
            },
        ),
        entry(
            RecordKey::Proposal(ProposalId(1)),
            &Proposal {
                id: ProposalId(1),
                change: GovernanceChange::SuspendOrg { org: "xm-gaj".into() },
                rationale: "演练".into(),
                proposer: "xm".into(),
                submitted_at: Height(0),
                votes: vec![],
                status: ProposalStatus::Open,
                decided_at: None,
            },
        ),
        entry(
            RecordKey::CatalogEntry(code.clone()),
            &catalog_entry(code.as_str(), "xm-scjg", &["企业登记", "企业登记信息"]),
        ),
        entry(
            RecordKey::Resource(ResourceId(1)),
            &Resource {
                id: ResourceId(1),
                entry: code.clone(),
                provider: "xm-scjg".into(),
                entry_version: 2,
                system: SystemId::from("xm-scjg-djxt"),
                snapshot_digest: Hash32([7; 32]),
                record_count: 1_000,
                items: vec!["企业名称".into()],
                authoritative: true,
                registered_at: Height(0),
                updated_at: Height(0),
            },
        ),
        entry(
            RecordKey::ShareRequest(ShareRequestId(1)),
            &ShareRequest {
                id: ShareRequestId(1),
                requester_org: "xm-gaj".into(),
                requester: member_key,
                entry: code.clone(),
                provider: "xm-scjg".into(),
                items: vec!["企业名称".into()],
                purpose: "案件核查".into(),
                legal_duty: LegalBasisCode::from("police-law-6"),
                starts: day(1, 1),
                ends: day(12, 31),
                requested_at: block_time(Height(0)),
                status: ShareStatus::Granted { grant: GrantId(1) },
                exception: false,
            },
        ),
        entry(RecordKey::Grant(GrantId(1)), &grant(1, "xm-gaj")),
        entry(
            RecordKey::AccessEvent(AccessEventId(1)),
            &AccessEvent {
                id: AccessEventId(1),
                org: "xm-gaj".into(),
                gateway: member_key,
                access: AccessDraft {
                    grant: None,
                    member: member_key,
                    resource: ResourceId(1),
                    items: vec!["企业名称".into()],
                    operation: AccessOperation::Query,
                    record_count: 3,
                    request_digest: Hash32([9; 32]),
                    accessed_at: block_time(Height(0)),
                },
                recorded_at: block_time(Height(0)),
                violation: Some(ViolationId(1)),
            },
        ),
        entry(
            RecordKey::Violation(ViolationId(1)),
            &Violation {
                id: ViolationId(1),
                access_event: AccessEventId(1),
                org: "xm-gaj".into(),
                reason: ViolationReason::NoGrant,
                recorded_at: block_time(Height(0)),
            },
        ),
        entry(
            RecordKey::QualityReport(QualityReportId(1)),
            &QualityReport {
                id: QualityReportId(1),
                resource: ResourceId(1),
                entry: code,
                provider: "xm-scjg".into(),
                reporter_org: "xm-gaj".into(),
                reporter: member_key,
                description: "名称有误".into(),
                evidence_digest: Hash32([5; 32]),
                reported_snapshot: Hash32([7; 32]),
                reported_at: block_time(Height(0)),
                obligation: ObligationId(1),
                status: QualityStatus::Reported { answer_due: due },
            },
        ),
        entry(
            RecordKey::Application(ApplicationId(1)),
            &PropertyApplication {
                id: ApplicationId(1),
                registrant: "xm-scjg".into(),
                applicant: member_key,
                right: RightKind::Holding,
                subject_hash: subject_hash(&subject),
                subject: subject.clone(),
                evidence_digests: vec![Hash32([4; 32])],
                valid_from: day(1, 1),
                valid_until: day(12, 31),
                applied_at: block_time(Height(0)),
                objections: vec![ObjectionId(1)],
                status: ApplicationStatus::Certified {
                    certificate: CertificateNumber::from("350200-2026-000001X"),
                },
            },
        ),
        entry(
            RecordKey::Objection(ObjectionId(1)),
            &Objection {
                id: ObjectionId(1),
                application: ApplicationId(1),
                objector_org: "xm-gaj".into(),
                objector: member_key,
                grounds: "来源存疑".into(),
                evidence_digests: vec![],
                filed_at: block_time(Height(0)),
                status: ObjectionStatus::Dismissed { reasons: "来源合法".into() },
            },
        ),
        entry(
            RecordKey::Certificate(CertificateNumber::from("350200-2026-000001X")),
            &Certificate {
                number: CertificateNumber::from("350200-2026-000001X"),
                application: Some(ApplicationId(1)),
                right: RightKind::Holding,
                subject_hash: subject_hash(&subject),
                subject,
                holder: "xm-scjg".into(),
                parent: None,
                issuer: "xm".into(),
                valid_from: day(1, 1),
                valid_until: day(12, 31),
                issued_at: block_time(Height(0)),
                transfers: vec![],
                status: CertificateStatus::Active,
            },
        ),
        entry(RecordKey::Obligation(ObligationId(1)), &obligation(1, "xm-scjg", due)),
        entry(
            RecordKey::OrgObligations("xm-scjg".into()),
            &OrgObligations {
                open: vec![OpenObligation {
                    id: ObligationId(1),
                    kind: obligation(1, "xm-scjg", due).kind,
                    due,
                }],
            },
        ),
        entry(
            RecordKey::PublishedReport(onebook_types::ids::PublishedReportId(1)),
            &onebook_types::report_records::PublishedReport {
                id: onebook_types::ids::PublishedReportId(1),
                scope: onebook_types::report_records::ReportScope::Org("xm-scjg".into()),
                period: onebook_types::report_records::ReportPeriod::Month {
                    year: 2025,
                    month: 12,
                },
                height: Height(0),
                digest: Hash32([0x3c; 32]),
                publisher_org: "xm-dsj".into(),
                publisher: member_key,
                published_at: block_time(Height(0)),
            },
        ),
    ]
}

/// A policy of Xiamen's deadlines with one legal basis and one holiday.
pub fn policy() -> onebook_types::consortium::Policy {
    use onebook_types::{consortium::LegalBasis, ids::LegalBasisCode, time::Date};
    onebook_types::consortium::Policy {
        catalog_update_working_days: 7,
        resource_registration_working_days: 10,
        share_answer_working_days: 5,
        correction_working_days: 5,
        public_notice_days: 7,
        grant_term_days_max: 365,
        utc_offset_minutes: 480,
        holidays: vec![Date::from_ymd(2026, 10, 1).expect("a date")],
        makeup_workdays: vec![],
        legal_bases: vec![LegalBasis {
            code: LegalBasisCode::from("police-law-6"),
            title: "人民警察法第六条".into(),
        }],
        record_signed_reads: false,
    }
}

/// The number of the certificate of the product of [`lifecycle_kinds`].
pub const PRODUCT_CERTIFICATE: &str = "350200-2026-0000036";

/// One record of each kind of the grant lifecycle and open-data development (protocol
/// version 3), beside [`every_kind`] (whose records pin golden vectors, so these are apart):
/// the close-out of grant 1 by `xm-gaj` (late), grant 1's onward grant 2 (its lineage and its
/// parent's), open-data plan 1 of `xm-scjg` for 2026, scenario 1 of developer `xm-gaj`
/// approved by `xm` with development grant 1, scenario 2 still under review, the product
/// `[0x0d; 32]` built from resource 1 under development grant 1, its property application 2
/// and the certificate [`PRODUCT_CERTIFICATE`] it was certified with, a lifecycle policy of 5
/// working days, and the overdue close-out obligation 2 of `xm-gaj` for grant 2.
pub fn lifecycle_kinds() -> Vec<(RecordKey, Vec<u8>)> {
    use onebook_types::{
        action::PropertySubject,
        catalog_records::{
            Obligation, ObligationKind, ObligationStatus, OpenObligation, OrgObligations,
        },
        codec,
        development_records::{
            DevelopedProduct, DeveloperLevel, DevelopmentGrant, DevelopmentScenario, OpenDataPlan,
            PlanRevision, PlannedOpening, ScenarioDraft, ScenarioStatus,
        },
        ids::{
            ApplicationId, CatalogCode, CertificateNumber, DevelopmentGrantId, GrantId,
            ObligationId, OpenDataPlanId, ResourceId, ScenarioId,
        },
        lifecycle_records::{
            CloseOutDisposition, GrantCloseOut, GrantEnd, GrantLineage, LifecyclePolicy,
        },
        limits::RECORD_BYTES_MAX,
        property_records::{ApplicationStatus, Certificate, PropertyApplication, subject_hash},
        time::Date,
    };
    let day = |m, d| Date::from_ymd(2026, m, d).expect("a date");
    let member_key = PublicKey([3; 32]);
    let due = block_time(Height(3));
    let draft = |name: &str, scenario_type: &str| ScenarioDraft {
        scenario_type: scenario_type.into(),
        name: name.into(),
        description: "基于企业登记信息的授信模型".into(),
        resources: vec![ResourceId(1)],
        starts: day(1, 1),
        ends: day(12, 31),
    };
    let scenario = |id: u64, status: ScenarioStatus, draft: ScenarioDraft| DevelopmentScenario {
        id: ScenarioId(id),
        developer: "xm-gaj".into(),
        applicant: member_key,
        level: DeveloperLevel::Primary,
        draft,
        authority: "xm".into(),
        applied_at: block_time(Height(0)),
        status,
    };
    let product = PropertySubject::Product {
        name: "小微企业信用分".into(),
        description: "数据产品".into(),
        digest: Hash32([0x0d; 32]),
        inputs: vec![],
    };
    let number = CertificateNumber::from(PRODUCT_CERTIFICATE);
    // Application 1 and certificate 1 of `every_kind`, of the product and its developer.
    let of_every_kind = |key: RecordKey| {
        let (_, value) = every_kind().into_iter().find(|(k, _)| *k == key).expect("in every_kind");
        value
    };
    let mut application: PropertyApplication =
        codec::decode(&of_every_kind(RecordKey::Application(ApplicationId(1))), RECORD_BYTES_MAX)
            .expect("an application");
    application.id = ApplicationId(2);
    application.registrant = "xm-gaj".into();
    application.subject_hash = subject_hash(&product);
    application.subject = product.clone();
    application.objections = vec![];
    application.status = ApplicationStatus::Certified { certificate: number.clone() };
    let mut certificate: Certificate = codec::decode(
        &of_every_kind(RecordKey::Certificate(CertificateNumber::from("350200-2026-000001X"))),
        RECORD_BYTES_MAX,
    )
    .expect("a certificate");
    certificate.number = number;
    certificate.application = Some(ApplicationId(2));
    certificate.subject_hash = subject_hash(&product);
    certificate.subject = product;
    certificate.holder = "xm-gaj".into();
    let close_out_obligation = Obligation {
        id: ObligationId(2),
        org: "xm-gaj".into(),
        kind: ObligationKind::GrantCloseOut,
        description: "授权 2 终止处置".into(),
        opened_at: Height(1),
        opened_time: block_time(Height(1)),
        due,
        status: ObligationStatus::Open,
        subject: Some(RecordKey::Grant(GrantId(2))),
    };
    vec![
        entry(
            RecordKey::GrantCloseOut(GrantId(1)),
            &GrantCloseOut {
                grant: GrantId(1),
                grantee: "xm-gaj".into(),
                signer: member_key,
                disposition: CloseOutDisposition::Destroyed,
                attestation_digest: Hash32([0x0c; 32]),
                ended: GrantEnd::EndOfUse,
                ended_at: block_time(Height(0)),
                due,
                recorded_at: Height(0),
                recorded_time: block_time(Height(0)),
                late: true,
            },
        ),
        entry(
            RecordKey::GrantLineage(GrantId(1)),
            &GrantLineage { parent: None, granted_by: None, depth: 0, children: vec![GrantId(2)] },
        ),
        entry(
            RecordKey::GrantLineage(GrantId(2)),
            &GrantLineage {
                parent: Some(GrantId(1)),
                granted_by: Some("xm-gaj".into()),
                depth: 1,
                children: vec![],
            },
        ),
        entry(RecordKey::LifecyclePolicy, &LifecyclePolicy { close_out_working_days: 5 }),
        entry(
            RecordKey::OpenDataPlan(OpenDataPlanId(1)),
            &OpenDataPlan {
                id: OpenDataPlanId(1),
                org: "xm-scjg".into(),
                year: 2026,
                revisions: vec![PlanRevision {
                    openings: vec![PlannedOpening {
                        entry: CatalogCode::from("350200-xm-scjg-0001"),
                        quarter: 2,
                    }],
                    signer: member_key,
                    recorded_at: Height(0),
                    recorded_time: block_time(Height(0)),
                }],
            },
        ),
        entry(
            RecordKey::Scenario(ScenarioId(1)),
            &scenario(
                1,
                ScenarioStatus::Approved { grant: DevelopmentGrantId(1) },
                draft("小微企业信用评估", "普惠金融"),
            ),
        ),
        entry(
            RecordKey::Scenario(ScenarioId(2)),
            &scenario(2, ScenarioStatus::UnderReview, draft("企业迁移预警", "营商环境")),
        ),
        entry(
            RecordKey::DevelopmentGrant(DevelopmentGrantId(1)),
            &DevelopmentGrant {
                id: DevelopmentGrantId(1),
                scenario: ScenarioId(1),
                scenario_type: "普惠金融".into(),
                developer: "xm-gaj".into(),
                level: DeveloperLevel::Primary,
                resources: vec![ResourceId(1)],
                starts: day(1, 1),
                ends: day(12, 31),
                approved_by: "xm".into(),
                approved_at: block_time(Height(0)),
            },
        ),
        entry(
            RecordKey::Product(Hash32([0x0d; 32])),
            &DevelopedProduct {
                digest: Hash32([0x0d; 32]),
                name: "小微企业信用分".into(),
                description: "按月更新的企业信用评分".into(),
                grant: DevelopmentGrantId(1),
                developer: "xm-gaj".into(),
                resources: vec![ResourceId(1)],
                signer: member_key,
                recorded_at: Height(0),
            },
        ),
        entry(RecordKey::Application(ApplicationId(2)), &application),
        entry(RecordKey::Certificate(certificate.number.clone()), &certificate),
        entry(RecordKey::Obligation(ObligationId(2)), &close_out_obligation),
        entry(
            RecordKey::OrgObligations("xm-gaj".into()),
            &OrgObligations {
                open: vec![OpenObligation {
                    id: ObligationId(2),
                    kind: ObligationKind::GrantCloseOut,
                    due,
                }],
            },
        ),
    ]
}

/// An auditor of org `xm-dsj`, as a reader: reads every restricted record.
pub fn auditor_reader() -> crate::read_rules::Reader {
    crate::read_rules::Reader::Member(onebook_types::consortium::Member {
        key: onebook_types::keys::SecretKey::from_seed([0xad; 32]).public_key(),
        org: "xm-dsj".into(),
        name: "审计员".to_owned(),
        roles: vec![onebook_types::consortium::Role::Auditor],
        status: onebook_types::consortium::MemberStatus::Active,
    })
}
