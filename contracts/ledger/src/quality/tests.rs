//! Quality feedback on the dev network: xm-gaj's gateway (a data user) reports problems in
//! resource 1 of xm-scjg, whose catalog clerk answers; xm-dsj, the data authority of Xiamen
//! (350200), rules on disputes. Resource 2 is xm-gaj's own.

use onebook_types::{
    action::{Action, QualityAnswer},
    block::Receipt,
    catalog_records::{Obligation, ObligationKind, ObligationStatus, Resource},
    hash::Hash32,
    ids::{ObligationId, OrgId, QualityReportId, ResourceId, Timestamp},
    quality_records::{QualityReport, QualityStatus},
    record::RecordKey,
    rejection::Rejection,
};

use super::is_answer_overdue;
use crate::{
    calendar,
    obligations::{open_obligations, overdue_obligations},
    ports::{load, store},
    sharing::catalog_view::fixtures,
    testkit::{Chain, refusal, signed},
};

pub(super) const REPORTER: &str = "xm-gaj/gateway";
pub(super) const PROVIDER_CLERK: &str = "xm-scjg/catalog-clerk";
pub(super) const AUTHORITY_CLERK: &str = "xm-dsj/catalog-clerk";

/// The dev chain with resource 1 of xm-scjg and resource 2 of xm-gaj.
pub(super) fn chain() -> Chain {
    let mut chain = Chain::dev();
    for (id, provider) in [(1, "xm-scjg"), (2, "xm-gaj")] {
        let resource = fixtures::resource(id, &format!("350200-{provider}-0001"), provider, &[]);
        store(&mut chain.state, RecordKey::Resource(ResourceId(id)), &resource);
    }
    chain
}

pub(super) fn report_on(resource: u64, description: &str) -> Action {
    Action::ReportQualityIssue {
        resource: ResourceId(resource),
        description: description.into(),
        evidence_digest: Hash32([3; 32]),
    }
}

pub(super) fn answer(report: u64, answer: QualityAnswer) -> Action {
    Action::AnswerQualityIssue { report: QualityReportId(report), answer }
}

pub(super) fn fixed() -> QualityAnswer {
    QualityAnswer::Fixed { snapshot_digest: Hash32([8; 32]) }
}

pub(super) fn disputed() -> QualityAnswer {
    QualityAnswer::Disputed { reasons: "源数据与登记系统一致".into() }
}

pub(super) fn rule(report: u64, responsible: &str) -> Action {
    Action::RuleQualityIssue {
        report: QualityReportId(report),
        responsible: OrgId::from(responsible),
        ruling: "经核查，问题源于数据使用方的字段映射".into(),
    }
}

/// The chain with report 1 by the gateway on resource 1, disputed by the provider.
pub(super) fn disputed_chain() -> Chain {
    let mut chain = chain();
    ok(&chain.run(REPORTER, report_on(1, "企业名称字段乱码")));
    ok(&chain.run(PROVIDER_CLERK, answer(1, disputed())));
    chain
}

fn ok(receipt: &Receipt) -> &Receipt {
    assert_eq!(refusal(receipt), None, "refused: {receipt:?}");
    receipt
}

fn kinds(receipt: &Receipt) -> Vec<&str> {
    receipt.events.iter().map(|event| event.kind.as_str()).collect()
}

fn report(chain: &Chain, id: u64) -> QualityReport {
    load(&chain.state, &RecordKey::QualityReport(QualityReportId(id))).expect("reported")
}

fn obligation(chain: &Chain, id: u64) -> Obligation {
    load(&chain.state, &RecordKey::Obligation(ObligationId(id))).expect("opened")
}

#[test]
fn a_report_opens_a_correction_on_the_provider_that_a_fix_meets_and_the_resource_records() {
    let mut chain = chain();
    let time = chain.context().time;
    let tx = signed(&onebook_genesis::dev_secret(REPORTER), 1, report_on(1, "企业名称字段乱码"));

    let reported = chain.block(&[tx]);
    let fixed = chain.run(PROVIDER_CLERK, answer(1, fixed()));

    assert_eq!(kinds(ok(&reported.receipts[0])), ["quality.reported", "obligation.opened"]);
    assert_eq!(reported.touched[0].orgs, [OrgId::from("xm-gaj"), OrgId::from("xm-scjg")]);
    let correction = obligation(&chain, 1);
    assert_eq!(correction.org, OrgId::from("xm-scjg"));
    assert_eq!(correction.kind, ObligationKind::Correction);
    let policy = crate::testkit::dev_genesis().policy;
    assert_eq!(correction.due, calendar::deadline(time, policy.correction_working_days, &policy));
    assert_eq!(kinds(ok(&fixed)), ["quality.fixed", "obligation.met"]);
    assert!(matches!(report(&chain, 1).status, QualityStatus::Fixed { snapshot_digest, .. }
        if snapshot_digest == Hash32([8; 32])));
    let resource: Resource =
        load(&chain.state, &RecordKey::Resource(ResourceId(1))).expect("registered");
    assert_eq!(resource.snapshot_digest, Hash32([8; 32]));
    assert_eq!(resource.updated_at, chain.height);
    assert!(matches!(
        obligation(&chain, 1).status,
        ObligationStatus::Met { record: RecordKey::QualityReport(QualityReportId(1)), .. }
    ));
    assert_eq!(open_obligations(&chain.state, &OrgId::from("xm-scjg")), []);
}

#[test]
fn a_disputed_report_is_ruled_by_the_regions_data_authority_holding_a_party_responsible() {
    let mut chain = disputed_chain();

    let bureau = chain.run("xm-gaj/catalog-clerk", rule(1, "xm-gaj"));
    let bystander = chain.run(AUTHORITY_CLERK, rule(1, "xm-dsj"));
    let ruled = chain.run(AUTHORITY_CLERK, rule(1, "xm-gaj"));
    let again = chain.run(AUTHORITY_CLERK, rule(1, "xm-scjg"));

    assert!(matches!(report(&chain, 1).status, QualityStatus::Ruled { .. }));
    assert_eq!(refusal(&bureau), Some(Rejection::RulerNotDataAuthority));
    assert_eq!(refusal(&bystander), Some(Rejection::ResponsibleNotAParty));
    assert_eq!(kinds(ok(&ruled)), ["quality.ruled"]);
    let QualityStatus::Ruled { reasons, responsible, .. } = report(&chain, 1).status else {
        unreachable!("ruled above")
    };
    assert_eq!((reasons.as_str(), responsible), ("源数据与登记系统一致", OrgId::from("xm-gaj")));
    assert_eq!(refusal(&again), Some(Rejection::QualityReportNotDisputed));
}

#[test]
fn a_data_user_reports_with_a_description_on_a_registered_resource_of_another_org() {
    let mut chain = chain();

    let clerk = chain.run(PROVIDER_CLERK, report_on(1, "乱码"));
    let unknown = chain.run(REPORTER, report_on(9, "乱码"));
    let blank = chain.run(REPORTER, report_on(1, "  "));
    let own = chain.run(REPORTER, report_on(2, "乱码"));
    let platform = chain.run("xm-jypt/data-user", report_on(1, "统一社会信用代码校验位错误"));

    assert_eq!(refusal(&clerk), Some(Rejection::RoleMissing));
    assert_eq!(refusal(&unknown), Some(Rejection::ResourceUnknown));
    assert_eq!(refusal(&blank), Some(Rejection::TextRequired));
    assert_eq!(refusal(&own), Some(Rejection::QualityReportByProvider));
    assert_eq!(refusal(&platform), None);
    assert_eq!(report(&chain, 1).reporter_org, OrgId::from("xm-jypt"));
}

#[test]
fn only_the_providers_clerk_answers_once_and_a_fix_names_a_new_snapshot() {
    let mut chain = chain();
    chain.run(REPORTER, report_on(1, "企业名称字段乱码"));

    let stranger = chain.run("xm-gaj/catalog-clerk", answer(1, fixed()));
    let unknown = chain.run(PROVIDER_CLERK, answer(9, fixed()));
    let same = chain
        .run(PROVIDER_CLERK, answer(1, QualityAnswer::Fixed { snapshot_digest: Hash32::ZERO }));
    let bare = chain.run(PROVIDER_CLERK, answer(1, QualityAnswer::Disputed { reasons: "".into() }));
    let first = chain.run(PROVIDER_CLERK, answer(1, fixed()));
    let second = chain.run(PROVIDER_CLERK, answer(1, disputed()));
    let ruling = chain.run(AUTHORITY_CLERK, rule(1, "xm-scjg"));

    assert_eq!(refusal(&stranger), Some(Rejection::ProviderOnly));
    assert_eq!(refusal(&unknown), Some(Rejection::QualityReportUnknown));
    assert_eq!(refusal(&same), Some(Rejection::QualityFixWithoutNewSnapshot));
    assert_eq!(refusal(&bare), Some(Rejection::TextRequired));
    assert_eq!(refusal(&first), None);
    assert_eq!(refusal(&second), Some(Rejection::QualityReportNotAwaitingAnswer));
    assert_eq!(refusal(&ruling), Some(Rejection::QualityReportNotDisputed));
}

#[test]
fn an_unanswered_report_is_an_overdue_duty_of_the_provider_and_a_late_answer_is_marked_late() {
    let mut chain = chain();
    chain.run(REPORTER, report_on(1, "企业名称字段乱码"));
    chain.run(REPORTER, report_on(1, "法定代表人为空"));
    chain.run(PROVIDER_CLERK, answer(2, disputed()));
    let due = obligation(&chain, 1).due;
    let scjg = OrgId::from("xm-scjg");

    let on_time = overdue_obligations(&chain.state, &scjg, due);
    let late = overdue_obligations(&chain.state, &scjg, Timestamp(due.0 + 1));

    assert_eq!(on_time, []);
    assert_eq!(late, [obligation(&chain, 1)]);
    assert!(!is_answer_overdue(&report(&chain, 1), due));
    assert!(is_answer_overdue(&report(&chain, 1), Timestamp(due.0 + 1)));
    assert!(!is_answer_overdue(&report(&chain, 2), Timestamp(due.0 + 1)));
    assert_eq!(overdue_obligations(&chain.state, &OrgId::from("xm-gaj"), Timestamp(u64::MAX)), []);
}

#[test]
fn a_full_obligation_index_refuses_a_new_report() {
    let reach = super::reach::reach(Rejection::OpenObligationsFull).expect("a reach");
    let mut chain = reach.chain;

    let outcome = chain.block(&[reach.tx]);

    assert_eq!(refusal(&outcome.receipts[0]), Some(Rejection::OpenObligationsFull));
}

#[test]
fn quality_rejection_codes_never_change() {
    // Receipts on disk and every SDK depend on these numbers.
    let codes = [
        Rejection::DataAuthorityExists,
        Rejection::QualityReportUnknown,
        Rejection::QualityReportByProvider,
        Rejection::QualityReportNotAwaitingAnswer,
        Rejection::QualityFixWithoutNewSnapshot,
        Rejection::QualityReportNotDisputed,
        Rejection::RulerNotDataAuthority,
        Rejection::ResponsibleNotAParty,
        Rejection::OpenObligationsFull,
    ]
    .map(Rejection::code);

    assert_eq!(codes, [29, 180, 181, 182, 183, 184, 185, 186, 187]);
}
