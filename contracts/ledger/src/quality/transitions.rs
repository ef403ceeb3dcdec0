//! Pure rules of quality feedback: where a report moves when answered or ruled on, and when its
//! answer is overdue.

use onebook_types::{
    action::QualityAnswer,
    ids::{OrgId, Timestamp},
    quality_records::{QualityReport, QualityStatus},
    rejection::Rejection,
};

use crate::checks;

/// The status after `AnswerQualityIssue` at block time `now`. Every (status, answer) pair is
/// spelled out, so a new status will not compile until it is decided. A fix must name a snapshot
/// other than `reported_snapshot`; a dispute must give reasons.
pub fn status_after_answer(
    status: &QualityStatus,
    answer: &QualityAnswer,
    reported_snapshot: onebook_types::hash::Hash32,
    now: Timestamp,
) -> Result<QualityStatus, Rejection> {
    match (status, answer) {
        (QualityStatus::Reported { .. }, QualityAnswer::Fixed { snapshot_digest }) => {
            if *snapshot_digest == reported_snapshot {
                return Err(Rejection::QualityFixWithoutNewSnapshot);
            }
            Ok(QualityStatus::Fixed { snapshot_digest: *snapshot_digest, at: now })
        }
        (QualityStatus::Reported { .. }, QualityAnswer::Disputed { reasons }) => {
            checks::text(reasons, true)?;
            Ok(QualityStatus::Disputed { reasons: reasons.clone(), at: now })
        }
        (
            QualityStatus::Fixed { .. }
            | QualityStatus::Disputed { .. }
            | QualityStatus::Ruled { .. },
            _,
        ) => Err(Rejection::QualityReportNotAwaitingAnswer),
    }
}

/// The status after `RuleQualityIssue` at block time `now`: only a disputed report is ruled on,
/// with a ruling, holding responsible `provider` or `reporter_org`.
pub fn status_after_ruling(
    status: &QualityStatus,
    parties: (&OrgId, &OrgId),
    responsible: &OrgId,
    ruling: &str,
    now: Timestamp,
) -> Result<QualityStatus, Rejection> {
    match status {
        QualityStatus::Disputed { reasons, .. } => {
            let (provider, reporter_org) = parties;
            if responsible != provider && responsible != reporter_org {
                return Err(Rejection::ResponsibleNotAParty);
            }
            checks::text(ruling, true)?;
            Ok(QualityStatus::Ruled {
                reasons: reasons.clone(),
                responsible: responsible.clone(),
                ruling: ruling.to_owned(),
                at: now,
            })
        }
        QualityStatus::Reported { .. }
        | QualityStatus::Fixed { .. }
        | QualityStatus::Ruled { .. } => Err(Rejection::QualityReportNotDisputed),
    }
}

/// Whether `report` still awaits its answer after the due time, at block time `now`.
pub fn is_answer_overdue(report: &QualityReport, now: Timestamp) -> bool {
    matches!(report.status, QualityStatus::Reported { answer_due } if now > answer_due)
}

#[cfg(test)]
mod tests {
    use onebook_types::hash::Hash32;

    use super::*;

    fn reported() -> QualityStatus {
        QualityStatus::Reported { answer_due: Timestamp(100) }
    }

    #[test]
    fn a_fix_names_a_new_snapshot_and_a_dispute_gives_reasons() {
        let same = QualityAnswer::Fixed { snapshot_digest: Hash32::ZERO };
        let bare = QualityAnswer::Disputed { reasons: " ".into() };
        let fixed = QualityAnswer::Fixed { snapshot_digest: Hash32([1; 32]) };

        let results = [same, bare, fixed]
            .map(|answer| status_after_answer(&reported(), &answer, Hash32::ZERO, Timestamp(5)));

        assert_eq!(results[0], Err(Rejection::QualityFixWithoutNewSnapshot));
        assert_eq!(results[1], Err(Rejection::TextRequired));
        assert_eq!(
            results[2],
            Ok(QualityStatus::Fixed { snapshot_digest: Hash32([1; 32]), at: Timestamp(5) })
        );
    }

    #[test]
    fn only_a_disputed_report_is_ruled_on_and_only_against_a_party() {
        let disputed = QualityStatus::Disputed { reasons: "数据无误".into(), at: Timestamp(5) };
        let (provider, reporter) = (OrgId::from("xm-scjg"), OrgId::from("xm-gaj"));
        let rule = |status: &QualityStatus, responsible: &str| {
            let responsible = OrgId::from(responsible);
            status_after_ruling(status, (&provider, &reporter), &responsible, "裁定", Timestamp(9))
        };

        assert_eq!(rule(&reported(), "xm-scjg"), Err(Rejection::QualityReportNotDisputed));
        assert_eq!(rule(&disputed, "xm-dsj"), Err(Rejection::ResponsibleNotAParty));
        assert!(matches!(
            rule(&disputed, "xm-gaj"),
            Ok(QualityStatus::Ruled { ref reasons, ref responsible, .. })
                if reasons == "数据无误" && *responsible == reporter
        ));
    }
}
