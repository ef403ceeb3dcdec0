//! Data-property registration (数据产权登记): an application accepted into public notice, two
//! objections (one dismissed, one upheld, which refuses it), a second application certified after
//! its notice, the certificate licensed, transferred, renewed; another cancelled, which frees its
//! subject; and a product right applied for on the licence.
//!
//! The devnet's clock runs fast enough that a one-day notice (set by governance) ends within
//! seconds, while the genesis notice of fifteen days leaves minutes for the objections.

use std::time::Duration;

use onebook_types::{
    action::{
        Action, GovernanceChange, PolicyParameter, PropertyApplicationDraft, PropertySubject,
        ReviewDecision, RightKind, ShareType,
    },
    ids::{
        ApplicationId, CertificateNumber, ObjectionId, OrgId, ProposalId, ResourceId, Timestamp,
    },
    time::{DAY_MS, Date},
};

use onebook_types::suite::Suite;

use super::{Ledger, digest, entry_draft, in_order, publish, register};

/// A day of block time every ten seconds: fifteen days are 150 s, one day is 10 s.
const CLOCK_RATE: u32 = 8_640;
const REGISTRAR: &str = "xm-djzx/registrar-1";
const HOLDER: &str = "xm-scjg/admin";

fn application(right: RightKind, subject: PropertySubject, today: Date, evidence: bool) -> Action {
    Action::ApplyForProperty {
        draft: PropertyApplicationDraft {
            right,
            subject,
            evidence_digests: if evidence { vec![digest("来源合法性证明")] } else { vec![] },
            valid_from: today,
            valid_until: Date(today.0 + 3 * 365),
        },
    }
}

fn holding(resource: ResourceId, today: Date) -> Action {
    application(RightKind::Holding, PropertySubject::Resource { resource }, today, true)
}

fn review(application: ApplicationId, decision: ReviewDecision) -> Action {
    Action::ReviewPropertyApplication { application, decision }
}

fn applied(receipt: &onebook_cli::demo::Receipt) -> ApplicationId {
    ApplicationId(receipt.number("property.applied", "application").unwrap())
}

fn object(application: ApplicationId, grounds: &str) -> Action {
    Action::FileObjection {
        application,
        grounds: grounds.to_owned(),
        evidence_digests: vec![digest(grounds)],
    }
}

fn rule(objection: ObjectionId, upheld: bool) -> Action {
    Action::RuleObjection { objection, upheld, reasons: "经审查".to_owned() }
}

/// Whether `number` is `350200-<yyyy>-<6 digits><check>`, its check character the ISO 7064
/// MOD 11-2 one of the sixteen digits before it.
fn well_formed(number: &str) -> bool {
    let parts: Vec<&str> = number.split('-').collect();
    let [region, year, tail] = parts[..] else { return false };
    let body = format!("{region}{year}{}", tail.get(..6).unwrap_or(""));
    if region != "350200" || year.len() != 4 || tail.len() != 7 || body.len() != 16 {
        return false;
    }
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let p = body.bytes().fold(0u32, |p, d| (p + u32::from(d - b'0')) * 2 % 11);
    let expected = match (12 - p) % 11 {
        10 => 'X',
        value => char::from_digit(value, 10).unwrap_or('?'),
    };
    tail.ends_with(expected)
}

#[test]
fn property_applications_objections_and_certificates_go_through_their_lifecycles_over_http() {
    property_applications_objections_and_certificates_go_through_their_lifecycles_over_http_in(
        Suite::Ed25519Blake3,
    );
}

/// As [`property_applications_objections_and_certificates_go_through_their_lifecycles_over_http`], on a chain of `suite`.
pub(super) fn property_applications_objections_and_certificates_go_through_their_lifecycles_over_http_in(
    suite: Suite,
) {
    let ledger = Ledger::start_clocked_in(suite, CLOCK_RATE);
    let items = ["统一社会信用代码", "企业名称"];
    let first_entry =
        publish(&ledger, "xm-scjg", entry_draft("企业登记信息", &items, ShareType::Unconditional));
    let second_entry = publish(
        &ledger,
        "xm-scjg",
        entry_draft("食品经营许可信息", &items, ShareType::Unconditional),
    );
    let companies = register(&ledger, "xm-scjg", &first_entry, &items);
    let licences = register(&ledger, "xm-scjg", &second_entry, &items);
    let today = Date::of_timestamp(Timestamp(ledger.now()), 480);

    // Applied for by the resource's provider; one holding right per subject.
    let receipt = ledger.accept(HOLDER, holding(companies, today), &["property.applied"]);
    let first = applied(&receipt);
    let path = format!("/v1/property/applications/{first}");
    assert_eq!(ledger.anonymous_status(&path), 401, "unpublished until its notice");
    assert_eq!(ledger.status(&path), "applied");
    let processing = PropertySubject::Resource { resource: companies };
    ledger.refuse_all(vec![
        ("xm-jypt/admin", holding(companies, today), "RegistrantNotProvider", 209),
        (HOLDER, holding(companies, today), "SubjectRightTaken", 206),
        (
            HOLDER,
            application(RightKind::ProcessingUse, processing, today, true),
            "ProcessingUseByLicenceOnly",
            210,
        ),
        (
            HOLDER,
            application(
                RightKind::Holding,
                PropertySubject::Resource { resource: licences },
                today,
                false,
            ),
            "EvidenceMissing",
            203,
        ),
    ]);

    // Accepted by a registrar into a fifteen-day public notice; objections are filed in it.
    ledger.turned_away("xm-dsj/admin", review(first, ReviewDecision::Approve), "RoleMissing", 2);
    let receipt = ledger.accept(
        REGISTRAR,
        review(first, ReviewDecision::Approve),
        &["property.notice_started"],
    );
    let notice_ends: u64 = receipt.number("property.notice_started", "notice_ends").unwrap();
    let record = ledger.record(&path);
    assert_eq!(record["status"]["status"], "in-notice");
    assert!(notice_ends >= ledger.now() + 14 * DAY_MS, "a fifteen-day notice");
    assert_eq!(ledger.anonymous_status(&path), 200, "published by its notice");
    let receipts = ledger.accept_all(vec![
        ("xm-gaj/admin", object(first, "号牌关联信息来源于公安机关，权属存疑")),
        ("xm-jypt/data-user", object(first, "未附数据采集的合法性证明")),
    ]);
    let objections: Vec<ObjectionId> = receipts
        .iter()
        .map(|receipt| ObjectionId(receipt.number("objection.filed", "objection").unwrap()))
        .collect();
    let objection = |i: usize| format!("/v1/property/objections/{}", objections[i]);
    assert_eq!(ledger.status(&objection(0)), "pending");
    assert_eq!(ledger.anonymous_status(&objection(0)), 401, "pending objections are restricted");
    ledger.refuse(
        REGISTRAR,
        Action::IssueCertificate { application: first },
        "NoticeNotEnded",
        215,
    );

    // Ruled on: one dismissed, one upheld, which refuses the application.
    ledger.accept("xm-djzx/registrar-2", rule(objections[0], false), &["objection.dismissed"]);
    ledger.accept(
        "xm-djzx/registrar-2",
        rule(objections[1], true),
        &["objection.upheld", "property.refused"],
    );
    assert_eq!(ledger.status(&objection(0)), "dismissed");
    assert_eq!(ledger.status(&objection(1)), "upheld");
    let record = ledger.record(&path);
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["objection"].as_u64()),
        (Some("refused"), Some(objections[1].0))
    );
    ledger.refuse_all(vec![
        ("xm-djzx/registrar-2", rule(objections[1], false), "ObjectionNotPending", 214),
        (REGISTRAR, Action::IssueCertificate { application: first }, "ApplicationNotInNotice", 202),
        ("xm-gaj/admin", object(first, "补充异议"), "ApplicationNotInNotice", 202),
    ]);

    // A one-day notice, by governance; the refusal freed the subject for a new application.
    let change = GovernanceChange::SetPolicy { parameter: PolicyParameter::PublicNoticeDays(1) };
    let receipt = ledger.accept(
        "fj-sjj/admin",
        Action::SubmitProposal { change, rationale: "缩短公示期".to_owned() },
        &["proposal.submitted"],
    );
    let proposal = ProposalId(receipt.number("proposal.submitted", "proposal").unwrap());
    let votes = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"]
        .map(|voter| (voter, Action::VoteProposal { proposal, approve: true }));
    let receipts = ledger.accept_all(votes.into());
    assert!(receipts.iter().any(|receipt| receipt.kinds().contains(&"policy.set")), "{receipts:?}");
    let receipts = ledger
        .accept_all(vec![(HOLDER, holding(companies, today)), (HOLDER, holding(licences, today))]);
    let (second, third) = (applied(&receipts[0]), applied(&receipts[1]));
    let receipts = ledger.accept_all(vec![
        (REGISTRAR, review(second, ReviewDecision::Approve)),
        (REGISTRAR, review(third, ReviewDecision::Approve)),
    ]);
    let ends: Vec<u64> = receipts
        .iter()
        .map(|receipt| receipt.number("property.notice_started", "notice_ends").unwrap())
        .collect();
    let started = ledger.now();
    assert!(ends.iter().all(|end| *end <= started + DAY_MS), "a one-day notice: {ends:?}");
    let ended =
        ledger.client.wait_for_time(ends[0].max(ends[1]) + 1, Duration::from_secs(60)).unwrap();
    assert!(ended.is_some(), "block time passes the notice within a minute");
    ledger.refuse("xm-gaj/admin", object(third, "公示期后异议"), "NoticeClosed", 212);

    // Certified: numbered with a check character.
    let receipts = ledger.accept_all(vec![
        (REGISTRAR, Action::IssueCertificate { application: second }),
        (REGISTRAR, Action::IssueCertificate { application: third }),
    ]);
    let numbers: Vec<CertificateNumber> = receipts
        .iter()
        .map(|receipt| CertificateNumber(receipt.id("certificate.issued", "certificate").unwrap()))
        .collect();
    assert!(numbers.iter().all(|number| well_formed(number.as_str())), "{numbers:?}");
    let certificate = format!("/v1/property/certificates/{}", numbers[0]);
    let record = ledger.record(&certificate);
    assert_eq!(
        (record["holder"].as_str(), record["right"].as_str()),
        (Some("xm-scjg"), Some("holding"))
    );
    assert_eq!(record["status"]["status"], "active");
    let record = ledger.record(&format!("/v1/property/applications/{second}"));
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["certificate"].as_str()),
        (Some("certified"), Some(numbers[0].as_str()))
    );

    // Licensed: a processing-use right inside the holding right, held by the licensee.
    let today = Date::of_timestamp(Timestamp(ledger.now()), 480);
    let license = |ends: Date| Action::LicenseRight {
        certificate: numbers[0].clone(),
        licensee: OrgId::from("xm-jypt"),
        starts: today,
        ends,
    };
    ledger.refuse(HOLDER, license(Date(today.0 + 5 * 365)), "LicenceTermInvalid", 222);
    let receipt = ledger.accept(HOLDER, license(Date(today.0 + 364)), &["certificate.licensed"]);
    let licence = CertificateNumber(receipt.id("certificate.licensed", "certificate").unwrap());
    assert!(well_formed(licence.as_str()), "{licence}");
    let record = ledger.record(&format!("/v1/property/certificates/{licence}"));
    assert_eq!(
        (record["right"].as_str(), record["holder"].as_str(), record["parent"].as_str()),
        (Some("processing_use"), Some("xm-jypt"), Some(numbers[0].as_str()))
    );
    let pass_on =
        Action::TransferCertificate { certificate: licence.clone(), to: OrgId::from("xm-dsj") };
    ledger.refuse("xm-jypt/admin", pass_on, "LicenceCannotBePassedOn", 223);

    // Transferred: the chain of holders is kept.
    let transfer = |to: &str| Action::TransferCertificate {
        certificate: numbers[0].clone(),
        to: OrgId::from(to),
    };
    ledger.accept(HOLDER, transfer("xm-dsj"), &["certificate.transferred"]);
    let record = ledger.record(&certificate);
    assert_eq!(record["holder"], "xm-dsj");
    assert_eq!(
        (record["transfers"][0]["from"].as_str(), record["transfers"][0]["to"].as_str()),
        (Some("xm-scjg"), Some("xm-dsj"))
    );
    ledger.refuse_all(vec![
        (HOLDER, transfer("xm-jypt"), "HolderOnly", 219),
        ("xm-dsj/admin", transfer("xm-dsj"), "CounterpartyIsHolder", 220),
    ]);
    // A transferred parent still stands, and so does the licence granted under it.
    let view = ledger.client.get(&format!("/v1/property/certificates/{licence}")).unwrap();
    assert_eq!(view["standing"], "valid", "{view}");

    // Renewed by a registrar to a later last day.
    let valid_until = record["valid_until"].as_str().unwrap().parse::<Date>().unwrap();
    let renew = |until: Date| Action::RenewCertificate {
        certificate: numbers[0].clone(),
        valid_until: until,
    };
    ledger.refuse(REGISTRAR, renew(valid_until), "RenewalNotLater", 224);
    ledger.accept(REGISTRAR, renew(Date(valid_until.0 + 365)), &["certificate.renewed"]);
    assert_eq!(ledger.record(&certificate)["valid_until"], Date(valid_until.0 + 365).to_string());

    // Cancelled by its holder: the subject is free again.
    let cancel = Action::CancelCertificate {
        certificate: numbers[1].clone(),
        reason: "数据资源停止采集".to_owned(),
    };
    ledger.accept(HOLDER, cancel.clone(), &["certificate.cancelled"]);
    assert_eq!(ledger.status(&format!("/v1/property/certificates/{}", numbers[1])), "cancelled");
    ledger.refuse(HOLDER, cancel, "CertificateNotActive", 218);
    ledger.accept(HOLDER, holding(licences, today), &["property.applied"]);

    // A product right on inputs the registrant holds: the licence, not the transferred right.
    let product = |inputs: Vec<CertificateNumber>| PropertySubject::Product {
        name: "企业信用画像数据产品".to_owned(),
        description: "基于企业登记信息加工的信用画像".to_owned(),
        digest: digest("product"),
        inputs,
    };
    ledger.refuse(
        "xm-jypt/admin",
        application(RightKind::ProductOperation, product(vec![numbers[0].clone()]), today, true),
        "ProductInputNotHeld",
        208,
    );
    ledger.accept(
        "xm-jypt/admin",
        application(RightKind::ProductOperation, product(vec![licence.clone()]), today, true),
        &["property.applied"],
    );

    // The parent's own timeline holds what changed it; the licence's, the tx that made it.
    let timeline = ledger.timeline(&format!("certificate:{}", numbers[0]));
    assert!(
        in_order(&timeline, &["issue_certificate", "transfer_certificate", "renew_certificate"]),
        "{timeline:?}"
    );
    assert_eq!(ledger.timeline(&format!("certificate:{licence}")), ["license_right"]);
    // The licences under the parent are a listing of their own.
    let under = format!("/v1/property/certificates?under=certificate:{}", numbers[0]);
    let listed = ledger.client.list_all(&under, None, 5).expect("the licences");
    let listed: Vec<&str> =
        listed.iter().filter_map(|view| view["record"]["number"].as_str()).collect();
    assert_eq!(listed, [licence.as_str()]);
}
