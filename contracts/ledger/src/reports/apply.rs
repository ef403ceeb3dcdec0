//! The handler of `PublishReport`: read, check the signer's role, check, write.

use onebook_types::{
    consortium::{Org, Role},
    hash::Hash32,
    ids::{Height, ProtocolVersion, PublishedReportId, RegionCode},
    record::RecordKey,
    rejection::Rejection,
    report_records::{PublishedReport, ReportPeriod, ReportScope},
};

use crate::{
    checks,
    executor::{Effects, TxContext},
    ports::{StateWrite, load, store},
};

/// The protocol version that enables `PublishReport`.
pub const REPORTS_SINCE: ProtocolVersion = ProtocolVersion(3);

/// `PublishReport`: an auditor of the data authority of the region the report covers records
/// the digest of the figures of `scope` over `period` computed at `height`. The period must have
/// ended before this block (local time of the policy) and `height` must be below it.
pub fn publish_report(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    scope: &ReportScope,
    period: ReportPeriod,
    height: Height,
    digest: &Hash32,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::Auditor)?;
    if ctx.protocol < REPORTS_SINCE {
        return Err(Rejection::ActionNotYetEnabled);
    }
    let period = period.check().map_err(|_| Rejection::ReportPeriodInvalid)?;
    let region = scope_region(state, scope)?;
    if checks::region_authority(state, &region).as_ref() != Some(&ctx.signer.org) {
        return Err(Rejection::ReporterNotRegionAuthority);
    }
    let (_, end) = period.bounds(ctx.policy.utc_offset_minutes);
    if ctx.block.time < end {
        return Err(Rejection::ReportPeriodNotEnded);
    }
    if height >= ctx.block.height {
        return Err(Rejection::ReportHeightNotCommitted);
    }
    let id = PublishedReportId(checks::next_id(state, "published_report"));
    let report = PublishedReport {
        id,
        scope: scope.clone(),
        period,
        height,
        digest: *digest,
        publisher_org: ctx.signer.org.clone(),
        publisher: ctx.signer.key,
        published_at: ctx.block.time,
    };
    store(state, RecordKey::PublishedReport(id), &report);
    let mut effects = Effects::default();
    if let ReportScope::Org(org) = scope {
        effects.orgs.push(org.clone());
    }
    effects.event(
        "report.published",
        &[
            ("published_report", id.to_string()),
            ("org", ctx.signer.org.to_string()),
            ("scope", scope.name().to_owned()),
            ("id", scope.id().to_owned()),
            ("period", period.to_string()),
            ("height", height.to_string()),
            ("digest", digest.to_hex()),
        ],
    );
    Ok(effects)
}

/// The region a report's scope lies in: the org's, or the region named, which must have a
/// data authority.
fn scope_region(
    state: &impl crate::ports::StateRead,
    scope: &ReportScope,
) -> Result<RegionCode, Rejection> {
    match scope {
        ReportScope::Org(id) => {
            checks::id(id.as_str())?;
            let org: Org =
                load(state, &RecordKey::Org(id.clone())).ok_or(Rejection::ReportScopeUnknown)?;
            Ok(org.region)
        }
        ReportScope::Region(region) => {
            checks::id(region.as_str())?;
            checks::region_authority(state, region).ok_or(Rejection::ReportScopeUnknown)?;
            Ok(region.clone())
        }
    }
}
