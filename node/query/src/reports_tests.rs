//! The figures of a report, each checked on a chain of chosen records in a real store.
//!
//! The chain: market regulation `xm-scjg` and the police bureau `xm-gaj` in region 350200,
//! `fj-x` in 350000. March 2026 in Beijing time; 2026-03-01 is a Sunday and the policy makes
//! Thursday 2026-03-05 a holiday. Blocks:
//!
//! | height | local time | what it writes |
//! |---|---|---|
//! | 1 | Mon 03-02 09:00 | entries E1, E2 (published), E3 (draft), E4 (deprecated); resource 1 under E1; request 1 granted at once; obligations 1 (catalog update, due 03-05), 2 (resource registration, due 03-06), 3 (due 04-10), 4 (due 02-20) |
//! | 2 | Mon 03-02 10:00 | requests 2, 3, 4, 5 under review (due 03-09) |
//! | 3 | Wed 03-04 15:00 | request 2 granted; request 5 withdrawn; obligation 1 met |
//! | 4 | Thu 03-12 11:00 | request 3 refused citing `pipl-34`; obligation 5 (correction, due 03-10) opened and met |
//! | 5 | Fri 03-20 10:00 | quality reports 1-5; violations 1-3; request 6 to `xm-gaj`; request 7 under review (due 04-03) |
//! | 6 | Thu 04-02 09:00 | request 4 granted; request 8; obligation 2 met |
//! | 7 | Fri 04-03 09:00 | request 7 refused |

use std::sync::Arc;

use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    action::Action,
    catalog_records::{CatalogStatus, ObligationKind, ObligationStatus, Resource},
    consortium::{LegalBasis, Org, OrgLevel, OrgStatus, Policy},
    hash::Hash32,
    ids::{
        Height, LegalBasisCode, ObligationId, OrgId, QualityReportId, RegionCode, ResourceId,
        ShareRequestId, SystemId, Timestamp, ViolationId,
    },
    quality_records::{QualityReport, QualityStatus},
    record::RecordKey,
    report_records::{ReportPeriod, ReportScope},
    sharing_records::{ShareRequest, ShareStatus, Violation, ViolationReason},
    time::Date,
};

use crate::{
    LedgerQuery as _, QueryError, StoreQuery,
    reports::{Report, ReportView, nearest_rank, report_csv, working_days_between},
    test_utils::{TestTx, catalog_entry, commit_txs_at, entry, init, obligation},
};

const CST: i16 = 480;

/// A record and its encoded value, as a block writes it.
type Written = (RecordKey, Vec<u8>);

fn day(month: u32, day: u32) -> Date {
    Date::from_ymd(2026, month, day).expect("a date")
}

/// Local time `hour:00` of 2026-`month`-`day`.
fn at(month: u32, date: u32, hour: u64) -> Timestamp {
    Timestamp(day(month, date).start(CST).0 + hour * 3_600_000)
}

/// The last ms of 2026-`month`-`day`, local time: a deadline.
fn end_of(month: u32, date: u32) -> Timestamp {
    Timestamp(day(month, date).next().start(CST).0 - 1)
}

fn plain_policy() -> Policy {
    Policy {
        catalog_update_working_days: 7,
        resource_registration_working_days: 20,
        share_answer_working_days: 5,
        correction_working_days: 5,
        public_notice_days: 10,
        grant_term_days_max: 366,
        utc_offset_minutes: CST,
        holidays: vec![day(3, 5)],
        makeup_workdays: vec![],
        legal_bases: vec![LegalBasis {
            code: LegalBasisCode::from("pipl-34"),
            title: "个人信息保护法第三十四条".into(),
        }],
        record_signed_reads: false,
    }
}

fn org(id: &str, region: &str) -> (RecordKey, Vec<u8>) {
    let org = Org {
        id: OrgId::from(id),
        name: format!("机构 {id}"),
        level: OrgLevel::Bureau,
        parent: None,
        region: RegionCode::from(region),
        data_authority: false,
        status: OrgStatus::Active,
    };
    entry(RecordKey::Org(OrgId::from(id)), &org)
}

fn request(
    id: u64,
    requester: &str,
    provider: &str,
    at: Timestamp,
    status: ShareStatus,
) -> (RecordKey, Vec<u8>) {
    let request = ShareRequest {
        id: ShareRequestId(id),
        requester_org: OrgId::from(requester),
        requester: crate::test_utils::signer().public_key(),
        entry: "E1".into(),
        provider: OrgId::from(provider),
        items: vec![],
        purpose: "依法履职".into(),
        legal_duty: LegalBasisCode::from("pipl-34"),
        starts: day(3, 2),
        ends: day(6, 30),
        requested_at: at,
        status,
        exception: false,
    };
    entry(RecordKey::ShareRequest(ShareRequestId(id)), &request)
}

fn under_review(due: Timestamp) -> ShareStatus {
    ShareStatus::UnderReview { answer_due: due }
}

fn granted(id: u64) -> ShareStatus {
    ShareStatus::Granted { grant: onebook_types::ids::GrantId(id) }
}

fn duty(id: u64, kind: ObligationKind, due: Timestamp) -> (RecordKey, Vec<u8>) {
    let mut duty = obligation(id, "xm-scjg", due);
    duty.kind = kind;
    entry(RecordKey::Obligation(ObligationId(id)), &duty)
}

fn met(
    id: u64,
    kind: ObligationKind,
    due: Timestamp,
    height: u64,
    time: Timestamp,
) -> (RecordKey, Vec<u8>) {
    let mut duty = obligation(id, "xm-scjg", due);
    duty.kind = kind;
    duty.status = ObligationStatus::Met {
        at: Height(height),
        time,
        record: RecordKey::CatalogEntry("E1".into()),
    };
    entry(RecordKey::Obligation(ObligationId(id)), &duty)
}

fn quality(id: u64, status: QualityStatus) -> (RecordKey, Vec<u8>) {
    let report = QualityReport {
        id: QualityReportId(id),
        resource: ResourceId(1),
        entry: "E1".into(),
        provider: OrgId::from("xm-scjg"),
        reporter_org: OrgId::from("xm-gaj"),
        reporter: crate::test_utils::signer().public_key(),
        description: "名称有误".into(),
        evidence_digest: Hash32([5; 32]),
        reported_snapshot: Hash32([7; 32]),
        reported_at: at(3, 20, 10),
        obligation: ObligationId(9),
        status,
    };
    entry(RecordKey::QualityReport(QualityReportId(id)), &report)
}

fn violation(id: u64, org: &str, reason: ViolationReason) -> (RecordKey, Vec<u8>) {
    let violation = Violation {
        id: ViolationId(id),
        access_event: onebook_types::ids::AccessEventId(id),
        org: OrgId::from(org),
        reason,
        recorded_at: at(3, 20, 10),
    };
    entry(RecordKey::Violation(ViolationId(id)), &violation)
}

fn block(store: &Store, time: Timestamp, records: Vec<(RecordKey, Vec<u8>)>) {
    let height = store.tip().expect("a tip").height.0 + 1;
    let mut tx =
        TestTx::new(Action::WithdrawShareRequest { request: ShareRequestId(height) }, records);
    tx.nonce = Some(height);
    commit_txs_at(store, vec![tx], &[], Some(time));
}

/// The chain of the module doc, up to `last` (1 to 7).
fn chain(dir: &tempfile::TempDir, last: u64) -> StoreQuery {
    let store = Arc::new(Store::open(&StoreConfig::new(dir.path())).expect("store opens"));
    init(
        &store,
        vec![
            entry(RecordKey::Policy, &plain_policy()),
            org("xm-scjg", "350200"),
            org("xm-gaj", "350200"),
            org("fj-x", "350000"),
        ],
    );
    let mut draft = catalog_entry("E3", "xm-scjg", &["草稿"]);
    draft.published = None;
    draft.status = CatalogStatus::Draft;
    let mut deprecated = catalog_entry("E4", "xm-scjg", &["旧目录"]);
    deprecated.status = CatalogStatus::Deprecated { reason: "撤销".into() };
    let resource = Resource {
        id: ResourceId(1),
        entry: "E1".into(),
        provider: OrgId::from("xm-scjg"),
        entry_version: 1,
        system: SystemId::from("xm-scjg-djxt"),
        snapshot_digest: Hash32([1; 32]),
        record_count: 10,
        items: vec!["企业名称".into()],
        authoritative: true,
        registered_at: Height(1),
        updated_at: Height(1),
    };
    let blocks: Vec<(Timestamp, Vec<Written>)> = vec![
        (
            at(3, 2, 9),
            vec![
                entry(
                    RecordKey::CatalogEntry("E1".into()),
                    &catalog_entry("E1", "xm-scjg", &["登记"]),
                ),
                entry(
                    RecordKey::CatalogEntry("E2".into()),
                    &catalog_entry("E2", "xm-scjg", &["许可"]),
                ),
                entry(RecordKey::CatalogEntry("E3".into()), &draft),
                entry(RecordKey::CatalogEntry("E4".into()), &deprecated),
                entry(RecordKey::Resource(ResourceId(1)), &resource),
                request(1, "xm-gaj", "xm-scjg", at(3, 2, 9), granted(1)),
                duty(1, ObligationKind::CatalogUpdate, end_of(3, 5)),
                duty(2, ObligationKind::ResourceRegistration, end_of(3, 6)),
                duty(3, ObligationKind::CatalogUpdate, end_of(4, 10)),
                duty(4, ObligationKind::CatalogUpdate, end_of(2, 20)),
            ],
        ),
        (
            at(3, 2, 10),
            (2..=5)
                .map(|id| {
                    request(id, "xm-gaj", "xm-scjg", at(3, 2, 10), under_review(end_of(3, 9)))
                })
                .collect(),
        ),
        (
            at(3, 4, 15),
            vec![
                request(2, "xm-gaj", "xm-scjg", at(3, 2, 10), granted(2)),
                request(5, "xm-gaj", "xm-scjg", at(3, 2, 10), ShareStatus::Withdrawn),
                met(1, ObligationKind::CatalogUpdate, end_of(3, 5), 3, at(3, 4, 15)),
            ],
        ),
        (
            at(3, 12, 11),
            vec![
                request(
                    3,
                    "xm-gaj",
                    "xm-scjg",
                    at(3, 2, 10),
                    ShareStatus::Refused {
                        legal_basis: LegalBasisCode::from("pipl-34"),
                        reason: "超出必要范围".into(),
                    },
                ),
                met(5, ObligationKind::Correction, end_of(3, 10), 4, at(3, 12, 11)),
            ],
        ),
        (
            at(3, 20, 10),
            vec![
                quality(1, QualityStatus::Reported { answer_due: end_of(3, 27) }),
                quality(
                    2,
                    QualityStatus::Fixed { snapshot_digest: Hash32([2; 32]), at: at(3, 20, 10) },
                ),
                quality(3, ruled("xm-scjg")),
                quality(4, ruled("xm-gaj")),
                quality(
                    5,
                    QualityStatus::Disputed { reasons: "数据无误".into(), at: at(3, 20, 10) },
                ),
                violation(1, "xm-scjg", ViolationReason::GrantExpired),
                violation(2, "xm-scjg", ViolationReason::GrantExpired),
                violation(3, "xm-gaj", ViolationReason::NoGrant),
                request(6, "xm-scjg", "xm-gaj", at(3, 20, 10), under_review(end_of(3, 27))),
                request(7, "xm-gaj", "xm-scjg", at(3, 20, 10), under_review(end_of(4, 3))),
            ],
        ),
        (
            at(4, 2, 9),
            vec![
                request(4, "xm-gaj", "xm-scjg", at(3, 2, 10), granted(4)),
                request(8, "xm-gaj", "xm-scjg", at(4, 2, 9), under_review(end_of(4, 9))),
                met(2, ObligationKind::ResourceRegistration, end_of(3, 6), 6, at(4, 2, 9)),
            ],
        ),
        (
            at(4, 3, 9),
            vec![request(
                7,
                "xm-gaj",
                "xm-scjg",
                at(3, 20, 10),
                ShareStatus::Refused {
                    legal_basis: LegalBasisCode::from("pipl-34"),
                    reason: "不予共享".into(),
                },
            )],
        ),
    ];
    for (time, records) in blocks.into_iter().take(usize::try_from(last).expect("small")) {
        block(&store, time, records);
    }
    StoreQuery::new(store)
}

fn ruled(responsible: &str) -> QualityStatus {
    QualityStatus::Ruled {
        reasons: "数据无误".into(),
        responsible: OrgId::from(responsible),
        ruling: "裁定".into(),
        at: at(3, 20, 10),
    }
}

fn march() -> ReportPeriod {
    "2026-03".parse().expect("a period")
}

fn scjg() -> ReportScope {
    ReportScope::Org(OrgId::from("xm-scjg"))
}

async fn march_of(query: &StoreQuery, scope: ReportScope, height: Option<u64>) -> ReportView {
    query.report(scope, march(), height.map(Height)).await.expect("a report")
}

fn keys(figure: &crate::reports::Figure) -> Vec<&str> {
    assert_eq!(figure.count, figure.records.len() as u64);
    figure.records.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn a_closed_month_is_read_as_of_its_last_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let view = march_of(&query, scjg(), None).await;

    let report = &view.report;
    assert_eq!(view.height, 7);
    assert_eq!(report.as_of_height, 5, "block 5 is March's last");
    assert_eq!(report.as_of_time, at(3, 20, 10).0);
    assert!(report.closed);
    assert_eq!((report.from, report.to), (day(3, 1).start(CST).0, day(4, 1).start(CST).0));
    assert_eq!(report.orgs, vec![OrgId::from("xm-scjg")]);
}

#[tokio::test]
async fn catalog_completeness_counts_published_entries_with_a_resource() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let catalog = march_of(&query, scjg(), None).await.report.catalog;

    assert_eq!(
        keys(&catalog.entries),
        ["catalog_entry:E1", "catalog_entry:E2", "catalog_entry:E3"]
    );
    assert_eq!(keys(&catalog.published), ["catalog_entry:E1", "catalog_entry:E2"]);
    assert_eq!(keys(&catalog.with_resources), ["catalog_entry:E1"]);
    assert_eq!(catalog.completeness_per_mille, Some(500));
}

#[tokio::test]
async fn obligations_due_in_the_month_are_split_by_how_they_were_met() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let report = march_of(&query, scjg(), None).await.report;

    let kinds: Vec<&str> = report.obligations.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["catalog-update", "resource-registration", "correction"]);
    let [update, registration, correction] = &report.obligations[..] else { panic!("three kinds") };
    assert_eq!(keys(&update.due), ["obligation:1"]);
    assert_eq!(keys(&update.met_on_time), ["obligation:1"]);
    // Met in April, after the month's last block: open and past due as of March.
    assert_eq!(keys(&registration.overdue), ["obligation:2"]);
    assert!(registration.met_late.records.is_empty());
    assert_eq!(keys(&correction.met_late), ["obligation:5"]);
    // Due in February and never met; due in April is not yet due at March's last block.
    assert_eq!(keys(&report.overdue), ["obligation:2", "obligation:4"]);
}

#[tokio::test]
async fn share_requests_are_timed_in_working_days_against_their_deadline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let sharing = march_of(&query, scjg(), None).await.report.sharing;

    // Request 6 went to xm-gaj; request 8 was made in April.
    assert_eq!(
        keys(&sharing.requested),
        [
            "share_request:1",
            "share_request:2",
            "share_request:3",
            "share_request:4",
            "share_request:5",
            "share_request:7"
        ]
    );
    assert_eq!(keys(&sharing.answered_in_time), ["share_request:1", "share_request:2"]);
    assert_eq!(keys(&sharing.answered_late), ["share_request:3"]);
    // Request 4 was answered in April, after the month's last block.
    assert_eq!(keys(&sharing.pending_overdue), ["share_request:4"]);
    assert_eq!(keys(&sharing.pending), ["share_request:7"]);
    assert_eq!(keys(&sharing.withdrawn), ["share_request:5"]);
    // 0 (granted at once), 2 (Tue, Wed), 7 (03-03..03-12 without the weekend and the 5th).
    assert_eq!(sharing.working_days_median, Some(2));
    assert_eq!(sharing.working_days_p90, Some(7));
    assert_eq!(sharing.refusals.len(), 1);
    assert_eq!(sharing.refusals[0].name, "pipl-34");
    assert_eq!(keys(&sharing.refusals[0].figure), ["share_request:3"]);
}

#[tokio::test]
async fn quality_reports_and_violations_are_counted_by_status_and_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let report = march_of(&query, scjg(), None).await.report;

    let quality = &report.quality;
    assert_eq!(quality.reported.count, 5);
    assert_eq!(keys(&quality.awaiting), ["quality_report:1"]);
    assert_eq!(keys(&quality.fixed), ["quality_report:2"]);
    assert_eq!(keys(&quality.ruled_provider), ["quality_report:3"]);
    assert_eq!(keys(&quality.ruled_reporter), ["quality_report:4"]);
    assert_eq!(keys(&quality.disputed), ["quality_report:5"]);
    assert_eq!(report.violations.len(), 1, "only xm-scjg's own accesses");
    assert_eq!(report.violations[0].name, "grant-expired");
    assert_eq!(keys(&report.violations[0].figure), ["violation:1", "violation:2"]);
}

#[tokio::test]
async fn later_blocks_change_no_figure_of_a_closed_month() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let at_six = march_of(&query, scjg(), Some(6)).await;
    let at_seven = march_of(&query, scjg(), Some(7)).await;
    let running = march_of(&query, scjg(), Some(4)).await;

    assert_eq!(at_six.report, at_seven.report);
    assert_eq!(at_six.digest, at_seven.digest);
    assert_eq!(at_six.digest, at_six.report.digest());
    assert!(!running.report.closed, "March had not ended at block 4");
    assert_eq!(running.report.as_of_height, 4);
    assert_ne!(running.digest, at_six.digest);
}

#[tokio::test]
async fn a_region_sums_its_orgs_and_refuses_an_unknown_scope() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let region = march_of(&query, ReportScope::Region(RegionCode::from("350200")), None).await;
    let province = march_of(&query, ReportScope::Region(RegionCode::from("350000")), None).await;

    assert_eq!(region.report.orgs, vec![OrgId::from("xm-gaj"), OrgId::from("xm-scjg")]);
    assert_eq!(region.report.sharing.requested.count, 7, "request 6 to xm-gaj counts too");
    let reasons: Vec<&str> = region.report.violations.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(reasons, ["no-grant", "grant-expired"]);
    assert_eq!(province.report.orgs, vec![OrgId::from("fj-x")]);
    assert_eq!(province.report.sharing.requested.count, 0);
    assert_eq!(province.report.sharing.working_days_median, None);
    for scope in [
        ReportScope::Region(RegionCode::from("999999")),
        ReportScope::Org(OrgId::from("xm-none")),
        ReportScope::Org(OrgId::from("bad id")),
    ] {
        let refused = query.report(scope.clone(), march(), None).await;
        assert!(
            matches!(refused, Err(QueryError::BadInput { parameter: "id", .. })),
            "{scope:?}: {refused:?}"
        );
    }
    let above = query.report(scjg(), march(), Some(Height(99))).await;
    assert!(matches!(above, Err(QueryError::NoBlockYet { height: 99 })), "{above:?}");
}

#[tokio::test]
async fn the_csv_lists_every_figure_with_its_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = chain(&dir, 7);

    let view = march_of(&query, scjg(), None).await;
    let csv = report_csv(&view);

    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "section,name,count,records");
    assert!(lines.contains(&"sharing,answered_late,1,share_request:3"), "{csv}");
    assert!(lines.contains(&"violations,grant-expired,2,violation:1 violation:2"), "{csv}");
    assert!(lines.contains(&"sharing,working_days_p90,7,"), "{csv}");
    assert!(lines.contains(&format!("report,digest,,{}", view.digest.to_hex()).as_str()), "{csv}");
}

#[test]
fn working_days_skip_weekends_and_holidays_and_start_after_the_first_day() {
    let policy = plain_policy();

    assert_eq!(working_days_between(day(3, 2), day(3, 2), &policy), 0);
    assert_eq!(working_days_between(day(3, 2), day(3, 4), &policy), 2);
    // Tue 3, Wed 4, (Thu 5 holiday), Fri 6, (weekend), Mon 9 ... Thu 12.
    assert_eq!(working_days_between(day(3, 2), day(3, 12), &policy), 7);
    assert_eq!(working_days_between(day(3, 12), day(3, 2), &policy), 0);
}

#[test]
fn percentiles_are_taken_by_nearest_rank() {
    assert_eq!(nearest_rank(&[], 50), None);
    assert_eq!(nearest_rank(&[4], 90), Some(4));
    assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2));
    assert_eq!(nearest_rank(&(1..=10).collect::<Vec<_>>(), 90), Some(9));
    assert_eq!(nearest_rank(&(1..=11).collect::<Vec<_>>(), 90), Some(10));
}

#[test]
fn the_digest_is_the_tagged_hash_of_the_borsh_figures() {
    let report = Report {
        scope: scjg(),
        period: march(),
        from: 1,
        to: 2,
        as_of_height: 3,
        as_of_time: 4,
        closed: true,
        orgs: vec![],
        catalog: Default::default(),
        obligations: vec![],
        overdue: Default::default(),
        sharing: Default::default(),
        quality: Default::default(),
        violations: vec![],
    };

    let expected = onebook_types::hash::hash_tagged(
        onebook_types::hash::Tag::Report,
        &[&onebook_types::codec::encode(&report)],
    );
    assert_eq!(report.digest(), expected);
}
