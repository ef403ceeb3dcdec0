//! Published reports, as applied through whole blocks on the dev network at protocol version 3.
//! The city data bureau xm-dsj is the data authority of region 350200 (Xiamen), whose auditor
//! publishes; fj-sjj is the provincial authority of 350000. The first block's local date is
//! 2026-01-01, so December 2025 has ended and January 2026 has not.

use onebook_types::{
    action::Action,
    hash::Hash32,
    ids::{Height, OrgId, PublishedReportId, RegionCode, Timestamp},
    record::RecordKey,
    rejection::Rejection,
    report_records::{PublishedReport, ReportPeriod, ReportScope},
    time::DAY_MS,
};

use crate::{
    ports::load,
    testkit::{Chain, Reach, public, refusal},
};

const AUDITOR: &str = "xm-dsj/auditor";

fn period(text: &str) -> ReportPeriod {
    text.parse().expect("a valid period")
}

fn publish(scope: ReportScope, period: ReportPeriod, height: u64) -> Action {
    Action::PublishReport { scope, period, height: Height(height), digest: Hash32([7; 32]) }
}

fn org(id: &str) -> ReportScope {
    ReportScope::Org(OrgId::from(id))
}

fn region(code: &str) -> ReportScope {
    ReportScope::Region(RegionCode::from(code))
}

#[test]
fn an_auditor_of_the_region_authority_publishes_a_report_of_an_ended_month() {
    let mut chain = Chain::at_version_three();

    let receipt = chain.run(AUDITOR, publish(org("xm-gaj"), period("2025-12"), 0));

    assert_eq!(refusal(&receipt), None);
    let report: PublishedReport =
        load(&chain.state, &RecordKey::PublishedReport(PublishedReportId(1)))
            .expect("the report is recorded");
    assert_eq!(report.scope, org("xm-gaj"));
    assert_eq!(report.period, period("2025-12"));
    assert_eq!(report.height, Height(0));
    assert_eq!(report.digest, Hash32([7; 32]));
    assert_eq!(report.publisher_org, OrgId::from("xm-dsj"));
    assert_eq!(report.publisher, public(AUDITOR));
    assert_eq!(
        report.published_at,
        chain.context().time.0.checked_sub(1_000).map(Timestamp).expect("a time")
    );
    assert_eq!(receipt.events[0].kind, "report.published");
}

#[test]
fn a_region_report_and_a_second_publication_each_get_their_own_id() {
    let mut chain = Chain::at_version_three();

    assert_eq!(refusal(&chain.run(AUDITOR, publish(region("350200"), period("2025"), 0))), None);
    assert_eq!(refusal(&chain.run(AUDITOR, publish(region("350200"), period("2025"), 1))), None);

    let second: PublishedReport =
        load(&chain.state, &RecordKey::PublishedReport(PublishedReportId(2))).expect("recorded");
    assert_eq!(second.height, Height(1));
    assert_eq!(second.scope, region("350200"));
}

#[test]
fn a_month_is_published_once_it_has_ended_in_local_time() {
    let mut chain = Chain::at_version_three();
    // Block 1 is at 2026-01-01 00:00:01 CST: January has not ended until 2026-02-01 00:00 CST.
    let receipt = chain.run(AUDITOR, publish(org("xm-gaj"), period("2026-01"), 0));
    assert_eq!(refusal(&receipt), Some(Rejection::ReportPeriodNotEnded));

    chain.skip(31 * DAY_MS);
    let receipt = chain.run(AUDITOR, publish(org("xm-gaj"), period("2026-01"), 1));

    assert_eq!(refusal(&receipt), None);
}

#[test]
fn only_an_auditor_publishes() {
    let mut chain = Chain::at_version_three();

    let receipt = chain.run("xm-dsj/share-approver", publish(org("xm-gaj"), period("2025-12"), 0));

    assert_eq!(refusal(&receipt), Some(Rejection::RoleMissing));
}

#[test]
fn before_version_three_a_report_is_not_yet_enabled() {
    let mut chain = Chain::dev();

    let receipt = chain.run(AUDITOR, publish(org("xm-gaj"), period("2025-12"), 0));

    assert_eq!(refusal(&receipt), Some(Rejection::ActionNotYetEnabled));
}

/// The reach of each report rejection code.
pub(crate) fn reach(rejection: Rejection) -> Option<Reach> {
    let reach = match rejection {
        Rejection::ReportScopeUnknown => Reach::by(
            Chain::at_version_three(),
            AUDITOR,
            publish(org("xm-none"), period("2025-12"), 0),
        ),
        Rejection::ReporterNotRegionAuthority => Reach::by(
            Chain::at_version_three(),
            AUDITOR,
            publish(region("350000"), period("2025-12"), 0),
        ),
        Rejection::ReportPeriodInvalid => Reach::by(
            Chain::at_version_three(),
            AUDITOR,
            publish(org("xm-gaj"), ReportPeriod::Month { year: 2025, month: 13 }, 0),
        ),
        Rejection::ReportPeriodNotEnded => {
            Reach::by(Chain::at_version_three(), AUDITOR, publish(org("xm-gaj"), period("2026"), 0))
        }
        Rejection::ReportHeightNotCommitted => Reach::by(
            Chain::at_version_three(),
            AUDITOR,
            publish(org("xm-gaj"), period("2025-12"), 1),
        ),
        _ => return None,
    };
    Some(reach)
}
