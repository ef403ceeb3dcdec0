//! One fixed sample of every action, for codec properties, golden vectors and the checks that
//! keep `docs/rules.md` true, and for the flag form of `onebook tx`, which reads each action's
//! fields and their types from its sample. Only built with the `samples` feature.

use crate::{
    action::{
        AccessDraft, AccessOperation, Action, CatalogEntryDraft, DataItem, GovernanceChange, Grade,
        OpenType, PolicyParameter, PropertyApplicationDraft, PropertySubject, QualityAnswer,
        ResourceDraft, ReviewDecision, RightKind, ShareAnswer, ShareRequestDraft, ShareType,
    },
    checkpoint::{Checkpoint, CheckpointPolicy, Cosignature, Witness, WitnessSet},
    consortium::{LegalBasis, OrgLevel, Role, Validator},
    development_records::{PlannedOpening, ScenarioDraft},
    hash::{Hash32, Tag, hash_tagged},
    ids::{
        ApplicationId, CatalogCode, CertificateNumber, ChainId, DevelopmentGrantId, GrantId,
        Height, LegalBasisCode, ObjectionId, OrgId, ProposalId, ProtocolVersion, QualityReportId,
        RegionCode, ResourceId, ScenarioId, ShareRequestId, SystemId, Timestamp,
    },
    keys::PublicKey,
    lifecycle_records::{CloseOutDisposition, LifecyclePolicy},
    report_records::{ReportPeriod, ReportScope},
    time::Date,
};

fn digest(label: &str) -> Hash32 {
    hash_tagged(Tag::StateValue, &[label.as_bytes()])
}

fn date(text: &str) -> Date {
    text.parse().expect("fixture dates are valid")
}

fn entry_draft() -> CatalogEntryDraft {
    CatalogEntryDraft {
        name: "企业登记信息".into(),
        description: "市场主体登记基本信息".into(),
        items: vec![
            DataItem {
                name: "统一社会信用代码".into(),
                data_element: "DE0001".into(),
                personal_information: false,
                sensitivity: Grade::General,
            },
            DataItem {
                name: "企业名称".into(),
                data_element: "DE0002".into(),
                personal_information: false,
                sensitivity: Grade::General,
            },
            DataItem {
                name: "法定代表人身份证号".into(),
                data_element: "DE-GA-0002".into(),
                personal_information: true,
                sensitivity: Grade::Important,
            },
        ],
        classification: "市场监管".into(),
        grade: Grade::General,
        security_level: 2,
        share_type: ShareType::Conditional { conditions: "仅用于依法履职".into() },
        open_type: OpenType::ConditionallyOpen,
        update_frequency: "daily".into(),
        system: SystemId::from("xm-scjg-djxt"),
    }
}

/// One sample of every [`Action`] variant, in variant order.
pub fn sample_actions() -> Vec<Action> {
    let key = PublicKey([7; 32]);
    let code = CatalogCode::from("350200-xm-scjg-0001");
    let cert = CertificateNumber::from("350200-2026-000001X");
    vec![
        Action::RegisterMember {
            key, name: "目录编制员".into(), roles: vec![Role::CatalogClerk]
        },
        Action::SetMemberRoles { key, roles: vec![Role::CatalogClerk, Role::ShareApprover] },
        Action::RotateMemberKey { new_key: PublicKey([8; 32]) },
        Action::RevokeMember { key, reason: "调岗".into() },
        Action::SubmitProposal {
            change: GovernanceChange::AdmitOrg {
                id: OrgId::from("xm-swj"),
                name: "厦门市商务局".into(),
                level: OrgLevel::Bureau,
                parent: Some(OrgId::from("xm-gov")),
                region: RegionCode::from("350200"),
                data_authority: false,
                admin: PublicKey([9; 32]),
            },
            rationale: "新增共享单位".into(),
        },
        Action::VoteProposal { proposal: ProposalId(1), approve: true },
        Action::RecordDutyChange { description: "职责调整：新增数据安全监管".into() },
        Action::DraftCatalogEntry { draft: entry_draft() },
        Action::SubmitCatalogEntry { code: code.clone() },
        Action::ReviewCatalogEntry {
            code: code.clone(),
            decision: ReviewDecision::Return { reasons: "数据元引用缺失".into() },
        },
        Action::PublishCatalogEntry { code: code.clone() },
        Action::ReviseCatalogEntry { code: code.clone(), draft: entry_draft() },
        Action::DeprecateCatalogEntry { code: code.clone(), reason: "系统下线".into() },
        Action::RegisterResource {
            entry: code.clone(),
            draft: ResourceDraft {
                system: SystemId::from("xm-scjg-djxt"),
                snapshot_digest: digest("snapshot-1"),
                record_count: 120_000,
                items: vec!["统一社会信用代码".into()],
                authoritative: true,
            },
        },
        Action::UpdateResource {
            resource: ResourceId(1),
            snapshot_digest: digest("snapshot-2"),
            record_count: 120_500,
        },
        Action::RequestShare {
            draft: ShareRequestDraft {
                entry: code,
                items: vec!["企业名称".into()],
                purpose: "核查企业经营状态".into(),
                legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
                starts: date("2026-03-02"),
                ends: date("2026-12-31"),
                exception: false,
            },
        },
        Action::AnswerShare {
            request: ShareRequestId(1),
            answer: ShareAnswer::Approve {
                items: vec!["企业名称".into()],
                expires_at: Timestamp(1_798_732_800_000),
                conditions: "不得对外提供".into(),
                legal_basis: Some(LegalBasisCode::from("gzsj-2022-sh")),
            },
        },
        Action::WithdrawShareRequest { request: ShareRequestId(2) },
        Action::RevokeGrant { grant: GrantId(1), reason: "超范围使用".into() },
        Action::RecordAccesses {
            events: vec![AccessDraft {
                grant: Some(GrantId(1)),
                member: key,
                resource: ResourceId(1),
                items: vec!["企业名称".into()],
                operation: AccessOperation::ApiCall,
                record_count: 3,
                request_digest: digest("request-1"),
                accessed_at: Timestamp(1_772_409_600_000),
            }],
        },
        Action::ReportQualityIssue {
            resource: ResourceId(1),
            description: "地址字段为空".into(),
            evidence_digest: digest("evidence-1"),
        },
        Action::AnswerQualityIssue {
            report: QualityReportId(1),
            answer: QualityAnswer::Fixed { snapshot_digest: digest("snapshot-3") },
        },
        Action::RuleQualityIssue {
            report: QualityReportId(2),
            responsible: OrgId::from("xm-scjg"),
            ruling: "由提供方负责更正".into(),
        },
        Action::ApplyForProperty {
            draft: PropertyApplicationDraft {
                right: RightKind::ProductOperation,
                subject: PropertySubject::Product {
                    name: "企业信用画像".into(),
                    description: "基于登记与处罚数据的加工产品".into(),
                    digest: digest("product-1"),
                    inputs: vec![cert.clone()],
                },
                evidence_digests: vec![digest("source-1")],
                valid_from: date("2026-04-01"),
                valid_until: date("2029-03-31"),
            },
        },
        Action::ReviewPropertyApplication {
            application: ApplicationId(1),
            decision: ReviewDecision::Approve,
        },
        Action::FileObjection {
            application: ApplicationId(1),
            grounds: "数据来源不合法".into(),
            evidence_digests: vec![digest("objection-1")],
        },
        Action::RuleObjection {
            objection: ObjectionId(1),
            upheld: false,
            reasons: "证据不足".into(),
        },
        Action::IssueCertificate { application: ApplicationId(1) },
        Action::TransferCertificate { certificate: cert.clone(), to: OrgId::from("xm-jypt") },
        Action::LicenseRight {
            certificate: cert.clone(),
            licensee: OrgId::from("xm-jypt"),
            starts: date("2026-05-01"),
            ends: date("2027-04-30"),
        },
        Action::RenewCertificate { certificate: cert.clone(), valid_until: date("2032-03-31") },
        Action::CancelCertificate { certificate: cert, reason: "权利人申请注销".into() },
        Action::RecordReads { reads: vec![sample_read()] },
        sample_anchor(),
        Action::CloseOutGrant {
            grant: GrantId(1),
            disposition: CloseOutDisposition::Retained {
                legal_basis: LegalBasisCode::from("archives-law-14"),
            },
            attestation_digest: digest("销毁或留存证明"),
        },
        Action::GrantOnward {
            parent: GrantId(1),
            grantee: OrgId::from("xm-sm"),
            items: vec!["企业名称".into()],
            expires_at: Timestamp(1_798_732_800_000),
            conditions: "仅限辖区基层治理".into(),
        },
        Action::RecordOpenDataPlan {
            year: 2026,
            openings: vec![PlannedOpening {
                entry: CatalogCode::from("350200-xm-scjg-0001"),
                quarter: 2,
            }],
        },
        Action::ApplyForScenario {
            draft: ScenarioDraft {
                scenario_type: "普惠金融".into(),
                name: "小微企业信用评估".into(),
                description: "基于企业登记信息的授信模型".into(),
                resources: vec![ResourceId(1)],
                starts: date("2026-04-01"),
                ends: date("2026-12-31"),
            },
        },
        Action::ReviewScenario { scenario: ScenarioId(1), decision: ReviewDecision::Approve },
        Action::RecordProduct {
            grant: DevelopmentGrantId(1),
            name: "小微企业信用分".into(),
            description: "按月更新的企业信用评分".into(),
            digest: digest("信用分产品"),
        },
        Action::PublishReport {
            scope: ReportScope::Org(OrgId::from("xm-gaj")),
            period: ReportPeriod::Month { year: 2026, month: 12 },
            height: Height(120),
            digest: digest("2026年12月通报"),
        },
    ]
}

/// The witness set of the sample child chain: two witnesses of seeds `[0x71; 32]` and
/// `[0x72; 32]`, both needed.
pub fn sample_witness_set() -> WitnessSet {
    let mut witnesses: Vec<Witness> = [(0x71, "思明区见证节点"), (0x72, "市审计局见证节点")]
        .into_iter()
        .map(|(seed, name)| Witness {
            key: crate::keys::SecretKey::from_seed([seed; 32]).public_key(),
            name: name.into(),
        })
        .collect();
    witnesses.sort_by_key(|witness| witness.key);
    WitnessSet { threshold: 2, witnesses }
}

/// A checkpoint of the sample child chain `onebook-sm-1` at height 20.
pub fn sample_checkpoint() -> Checkpoint {
    let set = sample_witness_set().hash();
    Checkpoint {
        chain_id: ChainId::from("onebook-sm-1"),
        genesis_hash: digest("child genesis"),
        height: Height(20),
        time: Timestamp(1_772_409_600_000),
        block_hash: digest("child block 20"),
        history_root: digest("child history 20"),
        validator_set_hash: digest("child validators"),
        witness_set_hash: set,
        next_witness_set_hash: set,
    }
}

/// `AnchorCheckpoint` of [`sample_checkpoint`], cosigned by both sample witnesses at a fixed
/// time, as the first checkpoint anchored for its chain.
pub fn sample_anchor() -> Action {
    let checkpoint = sample_checkpoint();
    let time = Timestamp(1_772_409_660_000);
    let mut cosignatures: Vec<Cosignature> = [0x71u8, 0x72]
        .into_iter()
        .map(|seed| {
            let key = crate::keys::SecretKey::from_seed([seed; 32]);
            let digest = checkpoint.cosigning_digest(time);
            Cosignature { witness: key.public_key(), time, signature: key.sign(digest.as_bytes()) }
        })
        .collect();
    cosignatures.sort_by_key(|cosignature| cosignature.witness);
    Action::AnchorCheckpoint { checkpoint, cosignatures, extension: None, next_witnesses: None }
}

/// A read of violation 1 signed by the dev-style key of seed `[0x61; 32]` at a fixed time.
pub fn sample_read() -> crate::reads::SignedRead {
    let reader = crate::keys::SecretKey::from_seed([0x61; 32]);
    let (method, path, time_ms) = ("GET", "/v1/violations/1", 1_772_409_600_000);
    let digest = crate::read_request::read_request_digest(method, path, time_ms);
    crate::reads::SignedRead {
        reader: reader.public_key(),
        method: method.into(),
        path: path.into(),
        time_ms,
        signature: reader.sign(digest.as_bytes()),
    }
}

/// Samples of the governance changes and policy parameters not covered by [`sample_actions`].
pub fn sample_governance_changes() -> Vec<GovernanceChange> {
    vec![
        GovernanceChange::SuspendOrg { org: OrgId::from("xm-swj") },
        GovernanceChange::ReinstateOrg { org: OrgId::from("xm-swj") },
        GovernanceChange::SetValidator {
            validator: Validator {
                node_key: PublicKey([4; 32]),
                org: OrgId::from("xm-dsj"),
                power: 10,
            },
        },
        GovernanceChange::SetPolicy { parameter: PolicyParameter::CatalogUpdateWorkingDays(7) },
        GovernanceChange::SetPolicy { parameter: PolicyParameter::RecordSignedReads(true) },
        GovernanceChange::SetPolicy {
            parameter: PolicyParameter::AddCalendar {
                holidays: vec![date("2027-01-01")],
                makeup_workdays: vec![date("2027-01-09")],
            },
        },
        GovernanceChange::SetPolicy {
            parameter: PolicyParameter::AddLegalBasis(LegalBasis {
                code: LegalBasisCode::from("dsl-21"),
                title: "《中华人民共和国数据安全法》第二十一条".into(),
            }),
        },
        GovernanceChange::SetCheckpointPolicy {
            policy: CheckpointPolicy { interval: 10, witnesses: sample_witness_set() },
        },
        GovernanceChange::AdmitChildChain {
            chain_id: ChainId::from("onebook-sm-1"),
            genesis_hash: digest("child genesis"),
            witnesses: sample_witness_set(),
        },
        GovernanceChange::ScheduleUpgrade { version: ProtocolVersion(2), height: Height(1_000) },
        GovernanceChange::RotateValidatorKey {
            old_key: PublicKey([4; 32]),
            new_key: PublicKey([5; 32]),
        },
        GovernanceChange::SetLifecyclePolicy {
            policy: LifecyclePolicy { close_out_working_days: 10 },
        },
    ]
}
