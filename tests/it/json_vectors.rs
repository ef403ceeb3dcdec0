//! The JSON spelling of every enum (`tests/vectors/json.json`): for each, how the REST API and
//! the genesis file spell it (a plain string, or an object tagged by a key), and for every
//! variant its borsh index, its spelling and a sample. `docs/formats.md` §3.1 holds the table; a
//! test here keeps the table equal to the code.

use borsh::BorshSerialize;
use onebook_types::{
    action::{
        AccessOperation, Grade, OpenType, PropertySubject, QualityAnswer, ReviewDecision,
        RightKind, ShareAnswer, ShareType,
    },
    catalog_records::{CatalogStatus, ObligationKind, ObligationStatus},
    codec,
    consortium::{MemberStatus, OrgLevel, OrgStatus, Role},
    hash::Hash32,
    ids::{
        ApplicationId, CertificateNumber, GrantId, Height, LegalBasisCode, ObjectionId, OrgId,
        Timestamp,
    },
    property_records::{ApplicationStatus, CertificateStatus, ObjectionStatus, SubjectClaim},
    quality_records::QualityStatus,
    record::RecordKey,
    records::ProposalStatus,
    samples::{sample_actions, sample_governance_changes},
    sharing_records::{GrantStatus, ShareStatus, ViolationReason},
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::vectors::check_file;

/// One enum: its representation and every variant's index, spelling and sample JSON.
fn spell<T: Serialize + BorshSerialize>(name: &str, tag: Option<&str>, values: &[T]) -> Value {
    let variants: Vec<Value> = values
        .iter()
        .map(|value| {
            let json = serde_json::to_value(value).unwrap();
            let spelling = match tag {
                None => json.as_str().unwrap().to_owned(),
                Some(tag) => json[tag].as_str().unwrap().to_owned(),
            };
            json!({ "index": codec::encode(value)[0], "spelling": spelling, "sample": json })
        })
        .collect();
    let indexes: Vec<u64> = variants.iter().map(|v| v["index"].as_u64().unwrap()).collect();
    assert_eq!(
        indexes,
        (0..values.len() as u64).collect::<Vec<_>>(),
        "{name}: every variant, in order"
    );
    json!({ "enum": name, "tag": tag, "variants": variants })
}

fn enums() -> Vec<Value> {
    let actions = sample_actions();
    let mut changes = vec![match &actions[4] {
        onebook_types::action::Action::SubmitProposal { change, .. } => change.clone(),
        _ => unreachable!("sample 4 submits a proposal"),
    }];
    changes.extend(sample_governance_changes().into_iter().filter(|change| {
        !matches!(change, onebook_types::action::GovernanceChange::SetPolicy { .. })
    }));
    changes.insert(
        4,
        sample_governance_changes()
            .into_iter()
            .find(|change| {
                matches!(change, onebook_types::action::GovernanceChange::SetPolicy { .. })
            })
            .unwrap(),
    );
    let parameters = {
        use onebook_types::action::PolicyParameter::*;
        vec![
            CatalogUpdateWorkingDays(7),
            ResourceRegistrationWorkingDays(7),
            ShareAnswerWorkingDays(5),
            CorrectionWorkingDays(5),
            PublicNoticeDays(15),
            GrantTermDaysMax(1095),
            AddCalendar { holidays: vec![], makeup_workdays: vec![] },
            AddLegalBasis(onebook_types::consortium::LegalBasis {
                code: LegalBasisCode::from("dsl-21"),
                title: "《数据安全法》第二十一条".into(),
            }),
            RecordSignedReads(true),
        ]
    };
    let time = Timestamp(1_767_196_800_000);
    let text = || "理由".to_owned();
    let certificate = CertificateNumber::from("350200-2026-000001X");
    vec![
        spell("Action", Some("type"), &actions),
        spell("GovernanceChange", Some("kind"), &changes),
        spell("PolicyParameter", Some("name"), &parameters),
        spell(
            "ReviewDecision",
            Some("decision"),
            &[ReviewDecision::Approve, ReviewDecision::Return { reasons: text() }],
        ),
        spell(
            "ShareType",
            Some("share_type"),
            &[
                ShareType::Unconditional,
                ShareType::Conditional { conditions: text() },
                ShareType::NotShared { legal_basis: LegalBasisCode::from("dsl-38") },
            ],
        ),
        spell("OpenType", None, &[OpenType::Open, OpenType::ConditionallyOpen, OpenType::NotOpen]),
        spell("Grade", None, &[Grade::General, Grade::Important, Grade::Core]),
        spell(
            "ShareAnswer",
            Some("answer"),
            &[
                ShareAnswer::Approve {
                    items: vec![],
                    expires_at: time,
                    conditions: String::new(),
                    legal_basis: None,
                },
                ShareAnswer::Refuse { legal_basis: LegalBasisCode::from("dsl-38"), reason: text() },
            ],
        ),
        spell(
            "AccessOperation",
            None,
            &[AccessOperation::Query, AccessOperation::Download, AccessOperation::ApiCall],
        ),
        spell(
            "QualityAnswer",
            Some("answer"),
            &[
                QualityAnswer::Fixed { snapshot_digest: Hash32([1; 32]) },
                QualityAnswer::Disputed { reasons: text() },
            ],
        ),
        spell(
            "RightKind",
            None,
            &[RightKind::Holding, RightKind::ProcessingUse, RightKind::ProductOperation],
        ),
        spell(
            "PropertySubject",
            Some("subject"),
            &[
                PropertySubject::Resource { resource: onebook_types::ids::ResourceId(1) },
                PropertySubject::Product {
                    name: "产品".into(),
                    description: text(),
                    digest: Hash32([2; 32]),
                    inputs: vec![],
                },
            ],
        ),
        spell(
            "OrgLevel",
            None,
            &[
                OrgLevel::National,
                OrgLevel::Provincial,
                OrgLevel::City,
                OrgLevel::District,
                OrgLevel::Bureau,
                OrgLevel::PublicService,
                OrgLevel::Enterprise,
                OrgLevel::RegistrationCentre,
            ],
        ),
        spell("OrgStatus", None, &[OrgStatus::Active, OrgStatus::Suspended]),
        spell(
            "Role",
            None,
            &[
                Role::OrgAdmin,
                Role::CatalogClerk,
                Role::ShareApprover,
                Role::DataUser,
                Role::Registrar,
                Role::Auditor,
                Role::PrimaryDeveloper,
                Role::SecondaryDeveloper,
            ],
        ),
        spell("MemberStatus", None, &[MemberStatus::Active, MemberStatus::Revoked]),
        spell(
            "ProposalStatus",
            None,
            &[ProposalStatus::Open, ProposalStatus::Passed, ProposalStatus::Rejected],
        ),
        spell(
            "CatalogStatus",
            Some("status"),
            &[
                CatalogStatus::Draft,
                CatalogStatus::Submitted,
                CatalogStatus::Returned { reasons: text() },
                CatalogStatus::Approved,
                CatalogStatus::Published,
                CatalogStatus::Deprecated { reason: text() },
            ],
        ),
        spell(
            "ShareStatus",
            Some("status"),
            &[
                ShareStatus::UnderReview { answer_due: time },
                ShareStatus::Granted { grant: GrantId(1) },
                ShareStatus::Refused {
                    legal_basis: LegalBasisCode::from("dsl-38"),
                    reason: text(),
                },
                ShareStatus::Withdrawn,
            ],
        ),
        spell(
            "GrantStatus",
            Some("status"),
            &[GrantStatus::Active, GrantStatus::Revoked { at: time, reason: text() }],
        ),
        spell(
            "ViolationReason",
            None,
            &[
                ViolationReason::NoGrant,
                ViolationReason::GrantUnknown,
                ViolationReason::GrantRevoked,
                ViolationReason::GrantExpired,
                ViolationReason::OutOfScope,
                ViolationReason::WrongGrantee,
                ViolationReason::NotYetValid,
                ViolationReason::ItemOutOfScope,
                ViolationReason::GrantClosed,
                ViolationReason::ParentGrantEnded,
            ],
        ),
        spell(
            "QualityStatus",
            Some("status"),
            &[
                QualityStatus::Reported { answer_due: time },
                QualityStatus::Fixed { snapshot_digest: Hash32([3; 32]), at: time },
                QualityStatus::Disputed { reasons: text(), at: time },
                QualityStatus::Ruled {
                    reasons: text(),
                    responsible: OrgId::from("xm-scjg"),
                    ruling: text(),
                    at: time,
                },
            ],
        ),
        spell(
            "ApplicationStatus",
            Some("status"),
            &[
                ApplicationStatus::Applied,
                ApplicationStatus::Refused { reasons: text(), objection: Some(ObjectionId(1)) },
                ApplicationStatus::InNotice { notice_ends: time },
                ApplicationStatus::Certified { certificate: certificate.clone() },
            ],
        ),
        spell(
            "ObjectionStatus",
            Some("status"),
            &[
                ObjectionStatus::Pending,
                ObjectionStatus::Upheld { reasons: text() },
                ObjectionStatus::Dismissed { reasons: text() },
            ],
        ),
        spell(
            "CertificateStatus",
            Some("status"),
            &[CertificateStatus::Active, CertificateStatus::Cancelled { reason: text(), at: time }],
        ),
        spell(
            "SubjectClaim",
            Some("claim"),
            &[SubjectClaim::Application(ApplicationId(1)), SubjectClaim::Certificate(certificate)],
        ),
        spell(
            "ObligationKind",
            None,
            &[
                ObligationKind::CatalogUpdate,
                ObligationKind::ResourceRegistration,
                ObligationKind::Correction,
                ObligationKind::GrantCloseOut,
            ],
        ),
        spell(
            "ObligationStatus",
            Some("status"),
            &[
                ObligationStatus::Open,
                ObligationStatus::Met { at: Height(3), time, record: RecordKey::Policy },
            ],
        ),
        spell("RecordKey", Some("kind"), &record_keys()),
        spell(
            "CloseOutDisposition",
            Some("disposition"),
            &[
                onebook_types::lifecycle_records::CloseOutDisposition::Destroyed,
                onebook_types::lifecycle_records::CloseOutDisposition::Retained {
                    legal_basis: onebook_types::ids::LegalBasisCode::from("gov-info-14"),
                },
            ],
        ),
        spell("GrantEnd", None, &{
            use onebook_types::lifecycle_records::GrantEnd;
            [GrantEnd::Expired, GrantEnd::Revoked, GrantEnd::ParentEnded, GrantEnd::EndOfUse]
        }),
        spell("DeveloperLevel", None, &{
            use onebook_types::development_records::DeveloperLevel;
            [DeveloperLevel::Primary, DeveloperLevel::Secondary]
        }),
        spell("ScenarioStatus", Some("status"), &{
            use onebook_types::{development_records::ScenarioStatus, ids::DevelopmentGrantId};
            [
                ScenarioStatus::UnderReview,
                ScenarioStatus::Approved { grant: DevelopmentGrantId(1) },
                ScenarioStatus::Returned { reasons: text() },
            ]
        }),
    ]
}

fn record_keys() -> Vec<RecordKey> {
    use onebook_types::ids::*;
    vec![
        RecordKey::Policy,
        RecordKey::ValidatorSet,
        RecordKey::Org(OrgId::from("xm-dsj")),
        RecordKey::Member(onebook_types::keys::PublicKey([7; 32])),
        RecordKey::Nonce(onebook_types::keys::PublicKey([7; 32])),
        RecordKey::Proposal(ProposalId(1)),
        RecordKey::CatalogEntry(CatalogCode::from("350200-xm-scjg-0001")),
        RecordKey::Resource(ResourceId(1)),
        RecordKey::ShareRequest(ShareRequestId(1)),
        RecordKey::Grant(GrantId(1)),
        RecordKey::AccessEvent(AccessEventId(1)),
        RecordKey::Violation(ViolationId(1)),
        RecordKey::QualityReport(QualityReportId(1)),
        RecordKey::Application(ApplicationId(1)),
        RecordKey::Objection(ObjectionId(1)),
        RecordKey::Certificate(CertificateNumber::from("350200-2026-000001X")),
        RecordKey::Obligation(ObligationId(1)),
        RecordKey::Sequence("grant".into()),
        RecordKey::OrgObligations(OrgId::from("xm-scjg")),
        RecordKey::RegionAuthority(RegionCode::from("350200")),
        RecordKey::PropertySubject(Hash32([4; 32])),
        RecordKey::ElementSource(Hash32([5; 32])),
        RecordKey::CheckpointPolicy,
        RecordKey::ChildChain(ChainId::from("onebook-sm-1")),
        RecordKey::Protocol,
        RecordKey::GrantCloseOut(GrantId(1)),
        RecordKey::GrantLineage(GrantId(2)),
        RecordKey::LifecyclePolicy,
        RecordKey::OpenDataPlan(OpenDataPlanId(1)),
        RecordKey::OrgPlans(OrgId::from("xm-scjg")),
        RecordKey::Scenario(ScenarioId(1)),
        RecordKey::OrgScenarioTypes(OrgId::from("xm-jypt")),
        RecordKey::DevelopmentGrant(DevelopmentGrantId(1)),
        RecordKey::Product(Hash32([0x0c; 32])),
        RecordKey::ResourceProducts(ResourceId(1)),
        RecordKey::PublishedReport(onebook_types::ids::PublishedReportId(1)),
    ]
}

/// The row of `docs/formats.md` §3.1 for one enum of the vector file.
fn row(entry: &Value) -> String {
    let how = match entry["tag"].as_str() {
        None => "string".to_owned(),
        Some("kind") if entry["enum"] == "RecordKey" => "object: `kind`, then `id`".to_owned(),
        Some("name") => "object: `name`, then `value`".to_owned(),
        Some("claim") => "object: `claim`, then `id`".to_owned(),
        Some(tag) => format!("object tagged `{tag}`, fields beside it"),
    };
    let variants: Vec<String> = entry["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| format!("{} `{}`", variant["index"], variant["spelling"].as_str().unwrap()))
        .collect();
    format!("| `{}` | {how} | {} |", entry["enum"].as_str().unwrap(), variants.join(", "))
}

#[test]
fn json_spellings_match_the_code_and_the_formats_table() {
    let file = json!({
        "description": "the JSON spelling of every enum of the REST API and the genesis file: a plain string, or an object whose tag key gives the variant (with its fields beside it, or under a content key); for each variant its borsh index, its spelling and a sample",
        "enums": enums(),
    });

    check_file("json.json", &file);

    let formats = include_str!("../../docs/formats.md");
    for entry in file["enums"].as_array().unwrap() {
        let row = row(entry);
        assert!(formats.contains(&row), "docs/formats.md §3.1 lacks or misspells:\n{row}");
    }
}
