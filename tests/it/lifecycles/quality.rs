//! Quality feedback: a report fixed with a new snapshot, a report disputed and ruled on, and a
//! report left unanswered whose correction becomes overdue.

use onebook_types::{
    action::{Action, QualityAnswer, ShareType},
    consortium::Role,
    ids::{OrgId, QualityReportId, ResourceId},
};

use onebook_types::suite::Suite;

use super::{Ledger, digest, entry_draft, in_order, key, publish, register};

const PROVIDER_CLERK: &str = "xm-scjg/catalog-clerk";

fn report(resource: ResourceId, description: &str) -> Action {
    Action::ReportQualityIssue {
        resource,
        description: description.to_owned(),
        evidence_digest: digest(description),
    }
}

fn answer(report: QualityReportId, answer: QualityAnswer) -> Action {
    Action::AnswerQualityIssue { report, answer }
}

fn rule(report: QualityReportId, responsible: &str) -> Action {
    Action::RuleQualityIssue {
        report,
        responsible: OrgId::from(responsible),
        ruling: "依据数据标准裁定".to_owned(),
    }
}

fn reported(ledger: &Ledger, label: &str, action: Action) -> (QualityReportId, String) {
    let receipt = ledger.accept(label, action, &["quality.reported", "obligation.opened"]);
    let id = QualityReportId(receipt.number("quality.reported", "quality_report").unwrap());
    (id, format!("/v1/obligations/{}", receipt.id("obligation.opened", "obligation").unwrap()))
}

#[test]
fn quality_reports_are_fixed_disputed_and_ruled_on_over_http() {
    quality_reports_are_fixed_disputed_and_ruled_on_over_http_in(Suite::Ed25519Blake3);
}

/// As [`quality_reports_are_fixed_disputed_and_ruled_on_over_http`], on a chain of `suite`.
pub(super) fn quality_reports_are_fixed_disputed_and_ruled_on_over_http_in(suite: Suite) {
    let ledger = Ledger::start_in(suite);
    let items = ["统一社会信用代码", "企业名称"];
    let code =
        publish(&ledger, "xm-scjg", entry_draft("企业登记信息", &items, ShareType::Unconditional));
    let resource = register(&ledger, "xm-scjg", &code, &items);
    let gateway = Action::RegisterMember {
        key: key(suite, "xm-scjg/gateway"),
        name: "市场监管局 网关".to_owned(),
        roles: vec![Role::DataUser],
    };
    ledger.accept("xm-scjg/admin", gateway, &["member.registered"]);

    // Reported by a user of another org: the provider owes a correction.
    let issue = "部分已注销企业仍显示为存续";
    ledger.turned_away("xm-gaj/catalog-clerk", report(resource, issue), "RoleMissing", 2);
    ledger.refuse("xm-scjg/gateway", report(resource, issue), "QualityReportByProvider", 181);
    let (first, correction) = reported(&ledger, "xm-gaj/gateway", report(resource, issue));
    let path = format!("/v1/quality-reports/{first}");
    let record = ledger.record(&path);
    assert_eq!(record["status"]["status"], "reported");
    assert!(record["status"]["answer_due"].as_u64().unwrap() > ledger.now());
    let obligation = ledger.record(&correction);
    assert_eq!(
        (obligation["kind"].as_str(), obligation["org"].as_str()),
        (Some("correction"), Some("xm-scjg"))
    );

    // Fixed with a new snapshot, which the resource then holds; the correction is met.
    let current = ledger.record(&format!("/v1/resources/{resource}"))["snapshot_digest"].clone();
    let same = onebook_types::hash::Hash32::from_hex(current.as_str().unwrap()).unwrap();
    ledger.refuse_all(vec![
        (
            PROVIDER_CLERK,
            answer(first, QualityAnswer::Fixed { snapshot_digest: same }),
            "QualityFixWithoutNewSnapshot",
            183,
        ),
        (
            "xm-gaj/catalog-clerk",
            answer(first, QualityAnswer::Fixed { snapshot_digest: digest("fixed") }),
            "ProviderOnly",
            112,
        ),
    ]);
    ledger.accept(
        PROVIDER_CLERK,
        answer(first, QualityAnswer::Fixed { snapshot_digest: digest("fixed") }),
        &["quality.fixed", "obligation.met"],
    );
    assert_eq!(ledger.status(&path), "fixed");
    assert_eq!(
        ledger.record(&format!("/v1/resources/{resource}"))["snapshot_digest"],
        digest("fixed").to_hex()
    );
    assert_eq!(ledger.record(&correction)["status"]["status"], "met");
    ledger.refuse_all(vec![
        (
            PROVIDER_CLERK,
            answer(first, QualityAnswer::Disputed { reasons: "再答".to_owned() }),
            "QualityReportNotAwaitingAnswer",
            182,
        ),
        ("xm-dsj/catalog-clerk", rule(first, "xm-scjg"), "QualityReportNotDisputed", 184),
    ]);

    // Disputed, then ruled on by the data authority, naming one of the two parties.
    let (second, _) =
        reported(&ledger, "xm-jypt/data-user", report(resource, "处罚日期晚于公示日期"));
    let path = format!("/v1/quality-reports/{second}");
    let disputed =
        QualityAnswer::Disputed { reasons: "经核对原始文书，日期无误".to_owned() };
    ledger.accept(
        PROVIDER_CLERK,
        answer(second, disputed),
        &["quality.disputed", "obligation.met"],
    );
    assert_eq!(ledger.status(&path), "disputed");
    ledger.refuse_all(vec![
        ("xm-dsj/catalog-clerk", rule(second, "xm-gaj"), "ResponsibleNotAParty", 186),
        ("xm-gaj/catalog-clerk", rule(second, "xm-jypt"), "RulerNotDataAuthority", 185),
    ]);
    ledger.accept("xm-dsj/catalog-clerk", rule(second, "xm-jypt"), &["quality.ruled"]);
    let record = ledger.record(&path);
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["responsible"].as_str()),
        (Some("ruled"), Some("xm-jypt"))
    );
    let timeline = ledger.timeline(&format!("quality_report:{second}"));
    assert!(
        in_order(
            &timeline,
            &["report_quality_issue", "answer_quality_issue", "rule_quality_issue"]
        ),
        "{timeline:?}"
    );

    // Unanswered: its correction is overdue once the due time has passed.
    let (third, correction) =
        reported(&ledger, "xm-gaj/gateway", report(resource, "登记状态字段更新滞后"));
    let due = ledger.record(&correction)["due"].as_u64().unwrap();
    let id = ledger.record(&correction)["id"].as_u64().unwrap();
    let overdue = |at: u64| {
        let view =
            ledger.client.get(&format!("/v1/obligations/overdue?org=xm-scjg&at={at}")).unwrap();
        view["obligations"].as_array().unwrap().iter().any(|o| o["id"] == id)
    };
    assert!(!overdue(ledger.now()));
    assert!(overdue(due + 1));
    assert_eq!(ledger.status(&format!("/v1/quality-reports/{third}")), "reported");
}
