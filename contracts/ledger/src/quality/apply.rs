//! Handlers of the quality feedback actions: read, check role, transition, write.

use onebook_types::{
    action::QualityAnswer,
    catalog_records::{ObligationKind, Resource},
    consortium::{Org, Role},
    hash::Hash32,
    ids::{OrgId, QualityReportId, ResourceId},
    quality_records::{QualityReport, QualityStatus},
    record::RecordKey,
    rejection::Rejection,
};

use super::transitions::{status_after_answer, status_after_ruling};
use crate::{
    checks,
    executor::{Effects, TxContext},
    obligations::{self, Duty},
    ports::{StateRead, StateWrite, load, store},
};

/// `ReportQualityIssue`: a data user reports, for its org, a problem in another org's resource.
/// It opens a correction obligation on the provider, due in the policy's working days.
pub fn report_quality_issue(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    resource: ResourceId,
    description: &str,
    evidence_digest: Hash32,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::DataUser)?;
    checks::text(description, true)?;
    let reported: Resource =
        load(state, &RecordKey::Resource(resource)).ok_or(Rejection::ResourceUnknown)?;
    if reported.provider == ctx.signer.org {
        return Err(Rejection::QualityReportByProvider);
    }
    let id = QualityReportId(checks::next_id(state, "quality_report"));
    let mut effects = Effects { orgs: vec![reported.provider.clone()], ..Effects::default() };
    effects.event(
        "quality.reported",
        &[
            ("quality_report", id.to_string()),
            ("resource", resource.to_string()),
            ("org", ctx.signer.org.to_string()),
            ("provider", reported.provider.to_string()),
        ],
    );
    let duty = Duty {
        org: &reported.provider,
        kind: ObligationKind::Correction,
        description: description.to_owned(),
        working_days: ctx.policy.correction_working_days,
        subject: Some(RecordKey::QualityReport(id)),
    };
    let obligation = obligations::open(state, ctx, duty, &mut effects)?;
    let report = QualityReport {
        id,
        resource,
        entry: reported.entry,
        provider: reported.provider,
        reporter_org: ctx.signer.org.clone(),
        reporter: ctx.signer.key,
        description: description.to_owned(),
        evidence_digest,
        reported_snapshot: reported.snapshot_digest,
        reported_at: ctx.block.time,
        obligation: obligation.id,
        status: QualityStatus::Reported { answer_due: obligation.due },
    };
    store(state, RecordKey::QualityReport(id), &report);
    Ok(effects)
}

/// `AnswerQualityIssue`: a catalog clerk of the provider answers a report: fixed (the resource
/// takes the new snapshot) or disputed, with reasons. Either meets the correction obligation.
pub fn answer_quality_issue(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: QualityReportId,
    answer: &QualityAnswer,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::CatalogClerk)?;
    let mut report = quality_report(state, id)?;
    if report.provider != ctx.signer.org {
        return Err(Rejection::ProviderOnly);
    }
    report.status =
        status_after_answer(&report.status, answer, report.reported_snapshot, ctx.block.time)?;
    store(state, RecordKey::QualityReport(id), &report);
    let mut effects = Effects { orgs: vec![report.reporter_org.clone()], ..Effects::default() };
    let mut attributes =
        vec![("quality_report", id.to_string()), ("org", report.provider.to_string())];
    match answer {
        QualityAnswer::Fixed { snapshot_digest } => {
            let key = RecordKey::Resource(report.resource);
            let mut resource: Resource =
                load(state, &key).expect("a reported resource stays registered");
            resource.snapshot_digest = *snapshot_digest;
            resource.updated_at = ctx.block.height;
            store(state, key, &resource);
            attributes.push(("snapshot_digest", snapshot_digest.to_hex()));
            effects.event("quality.fixed", &attributes);
        }
        QualityAnswer::Disputed { reasons } => {
            attributes.push(("reasons", reasons.clone()));
            effects.event("quality.disputed", &attributes);
        }
    }
    let record = RecordKey::QualityReport(id);
    let kind = ObligationKind::Correction;
    obligations::meet(state, ctx, &report.provider, kind, Some(&record), &record, &mut effects);
    Ok(effects)
}

/// `RuleQualityIssue`: a catalog clerk of the data authority of the provider's region rules on
/// a disputed report and holds the provider or the reporter's org responsible.
pub fn rule_quality_issue(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: QualityReportId,
    responsible: &OrgId,
    ruling: &str,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::CatalogClerk)?;
    let mut report = quality_report(state, id)?;
    let provider: Org = load(state, &RecordKey::Org(report.provider.clone()))
        .expect("a resource's provider is an admitted org");
    if checks::region_authority(state, &provider.region).as_ref() != Some(&ctx.signer.org) {
        return Err(Rejection::RulerNotDataAuthority);
    }
    let parties = (&report.provider, &report.reporter_org);
    report.status =
        status_after_ruling(&report.status, parties, responsible, ruling, ctx.block.time)?;
    store(state, RecordKey::QualityReport(id), &report);
    let orgs = vec![report.provider.clone(), report.reporter_org.clone()];
    let mut effects = Effects { orgs, ..Effects::default() };
    effects.event(
        "quality.ruled",
        &[
            ("quality_report", id.to_string()),
            ("by", ctx.signer.org.to_string()),
            ("responsible", responsible.to_string()),
        ],
    );
    Ok(effects)
}

fn quality_report(state: &impl StateRead, id: QualityReportId) -> Result<QualityReport, Rejection> {
    load(state, &RecordKey::QualityReport(id)).ok_or(Rejection::QualityReportUnknown)
}
