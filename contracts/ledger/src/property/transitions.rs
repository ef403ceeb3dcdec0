//! Pure rules of data-property registration: no state, and `now` is always the block time
//! (`today` its local date).

use onebook_types::{
    action::{ReviewDecision, RightKind},
    consortium::Policy,
    ids::{ObjectionId, Timestamp},
    property_records::{ApplicationStatus, Certificate, CertificateStanding, ObjectionStatus},
    rejection::Rejection,
    time::{DAY_MS, Date},
};

/// Whether at most one right of this kind may stand on a subject at a time: the holding right,
/// and the product-operation right of a product. Processing-use rights are licences, many per
/// subject.
pub fn is_exclusive(right: RightKind) -> bool {
    match right {
        RightKind::Holding | RightKind::ProductOperation => true,
        RightKind::ProcessingUse => false,
    }
}

/// A validity from `valid_from` to `valid_until` (both included) that starts before it ends and
/// has not ended before `today`.
pub fn check_validity(valid_from: Date, valid_until: Date, today: Date) -> Result<(), Rejection> {
    if valid_from >= valid_until || valid_until < today {
        return Err(Rejection::ValidityInvalid);
    }
    Ok(())
}

/// The status an application moves to when reviewed at block time `now`: an approval opens the
/// public notice for the policy's days, a return refuses it with the reasons.
pub fn status_after_review(
    status: &ApplicationStatus,
    decision: &ReviewDecision,
    policy: &Policy,
    now: Timestamp,
) -> Result<ApplicationStatus, Rejection> {
    match (status, decision) {
        (ApplicationStatus::Applied, ReviewDecision::Approve) => {
            let notice_ms = u64::from(policy.public_notice_days).saturating_mul(DAY_MS);
            Ok(ApplicationStatus::InNotice {
                notice_ends: Timestamp(now.0.saturating_add(notice_ms)),
            })
        }
        (ApplicationStatus::Applied, ReviewDecision::Return { reasons }) => {
            Ok(ApplicationStatus::Refused { reasons: reasons.clone(), objection: None })
        }
        (
            ApplicationStatus::Refused { .. }
            | ApplicationStatus::InNotice { .. }
            | ApplicationStatus::Certified { .. },
            _,
        ) => Err(Rejection::ApplicationNotAwaitingReview),
    }
}

/// Whether an objection may be filed at block time `now`: the application is in notice and the
/// notice has not ended.
pub fn check_notice_open(status: &ApplicationStatus, now: Timestamp) -> Result<(), Rejection> {
    match status {
        ApplicationStatus::InNotice { notice_ends } if now < *notice_ends => Ok(()),
        ApplicationStatus::InNotice { .. } => Err(Rejection::NoticeClosed),
        ApplicationStatus::Applied
        | ApplicationStatus::Refused { .. }
        | ApplicationStatus::Certified { .. } => Err(Rejection::ApplicationNotInNotice),
    }
}

/// The status an objection moves to when ruled on: only a pending one can be.
pub fn objection_status_after_ruling(
    status: &ObjectionStatus,
    upheld: bool,
    reasons: &str,
) -> Result<ObjectionStatus, Rejection> {
    match status {
        ObjectionStatus::Pending if upheld => {
            Ok(ObjectionStatus::Upheld { reasons: reasons.into() })
        }
        ObjectionStatus::Pending => Ok(ObjectionStatus::Dismissed { reasons: reasons.into() }),
        ObjectionStatus::Upheld { .. } | ObjectionStatus::Dismissed { .. } => {
            Err(Rejection::ObjectionNotPending)
        }
    }
}

/// The status an application moves to when its objection `objection` is upheld: one in notice
/// is refused; one already refused (by another upheld objection) stays as it is.
pub fn application_status_after_upheld_objection(
    status: &ApplicationStatus,
    objection: ObjectionId,
    reasons: &str,
) -> ApplicationStatus {
    match status {
        ApplicationStatus::InNotice { .. } => {
            ApplicationStatus::Refused { reasons: reasons.into(), objection: Some(objection) }
        }
        ApplicationStatus::Applied
        | ApplicationStatus::Refused { .. }
        | ApplicationStatus::Certified { .. } => status.clone(),
    }
}

/// Whether an application's certificate may be issued at block time `now`: it must be in
/// notice, the notice over, and no objection pending.
pub fn check_issuable(
    status: &ApplicationStatus,
    objections_pending: bool,
    now: Timestamp,
) -> Result<(), Rejection> {
    match status {
        ApplicationStatus::InNotice { notice_ends } if now < *notice_ends => {
            Err(Rejection::NoticeNotEnded)
        }
        ApplicationStatus::InNotice { .. } if objections_pending => {
            Err(Rejection::ObjectionsPending)
        }
        ApplicationStatus::InNotice { .. } => Ok(()),
        ApplicationStatus::Applied
        | ApplicationStatus::Refused { .. }
        | ApplicationStatus::Certified { .. } => Err(Rejection::ApplicationNotInNotice),
    }
}

/// Whether `certificate` still stands on local day `today`: not cancelled, not past its last
/// day, and, for a licence, its parent (given as `parent`) standing too. It may not have started
/// yet; see [`covers`]. The judgment is [`Certificate::standing`], the one read views and proof
/// verdicts show.
pub fn is_standing(certificate: &Certificate, parent: Option<&Certificate>, today: Date) -> bool {
    certificate.standing(parent, today).stands()
}

/// Whether `certificate` proves its right on local day `today`: standing and started.
pub fn covers(certificate: &Certificate, parent: Option<&Certificate>, today: Date) -> bool {
    certificate.standing(parent, today) == CertificateStanding::Valid
}

/// A licence term from `starts` to `ends` (both included) under `parent` on local day `today`:
/// it starts before it ends, has not ended, lies inside the parent's validity and is no longer
/// than the policy's longest term.
pub fn check_licence_term(
    starts: Date,
    ends: Date,
    parent: &Certificate,
    policy: &Policy,
    today: Date,
) -> Result<(), Rejection> {
    let days = i64::from(ends.0) - i64::from(starts.0) + 1;
    let inside = parent.valid_from <= starts && ends <= parent.valid_until;
    if starts >= ends || ends < today || !inside || days > i64::from(policy.grant_term_days_max) {
        return Err(Rejection::LicenceTermInvalid);
    }
    Ok(())
}

/// A renewal of `certificate` (under `parent`, for a licence) to last day `valid_until`: later
/// than the current last day and, for a licence, still inside the parent's validity.
pub fn check_renewal(
    certificate: &Certificate,
    parent: Option<&Certificate>,
    valid_until: Date,
) -> Result<(), Rejection> {
    if valid_until <= certificate.valid_until {
        return Err(Rejection::RenewalNotLater);
    }
    if parent.is_some_and(|parent| valid_until > parent.valid_until) {
        return Err(Rejection::LicenceTermInvalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        action::PropertySubject,
        hash::Hash32,
        ids::{CertificateNumber, OrgId, ResourceId},
        property_records::CertificateStatus,
    };

    use super::*;
    use crate::testkit::dev_genesis;

    fn certificate(valid_from: i32, valid_until: i32) -> Certificate {
        Certificate {
            number: CertificateNumber::from("350200-2026-0000028"),
            application: None,
            right: RightKind::Holding,
            subject: PropertySubject::Resource { resource: ResourceId(1) },
            subject_hash: Hash32::ZERO,
            holder: OrgId::from("xm-dsj"),
            parent: None,
            issuer: OrgId::from("xm-djzx"),
            valid_from: Date(valid_from),
            valid_until: Date(valid_until),
            issued_at: Timestamp(0),
            transfers: vec![],
            status: CertificateStatus::Active,
        }
    }

    #[test]
    fn a_validity_must_start_before_it_ends_and_not_have_ended() {
        assert_eq!(check_validity(Date(10), Date(20), Date(15)), Ok(()));
        assert_eq!(check_validity(Date(10), Date(10), Date(5)), Err(Rejection::ValidityInvalid));
        assert_eq!(check_validity(Date(10), Date(20), Date(21)), Err(Rejection::ValidityInvalid));
    }

    #[test]
    fn an_approval_opens_a_notice_of_the_policy_days_and_a_second_review_is_refused() {
        let policy = dev_genesis().policy;

        let status = status_after_review(
            &ApplicationStatus::Applied,
            &ReviewDecision::Approve,
            &policy,
            Timestamp(1_000),
        );
        let again = status_after_review(
            &status.clone().expect("approved"),
            &ReviewDecision::Approve,
            &policy,
            Timestamp(2_000),
        );

        let notice_ends = Timestamp(1_000 + u64::from(policy.public_notice_days) * DAY_MS);
        assert_eq!(status, Ok(ApplicationStatus::InNotice { notice_ends }));
        assert_eq!(again, Err(Rejection::ApplicationNotAwaitingReview));
    }

    #[test]
    fn objections_are_filed_only_before_the_notice_ends() {
        let in_notice = ApplicationStatus::InNotice { notice_ends: Timestamp(100) };

        assert_eq!(check_notice_open(&in_notice, Timestamp(99)), Ok(()));
        assert_eq!(check_notice_open(&in_notice, Timestamp(100)), Err(Rejection::NoticeClosed));
        assert_eq!(
            check_notice_open(&ApplicationStatus::Applied, Timestamp(0)),
            Err(Rejection::ApplicationNotInNotice)
        );
    }

    #[test]
    fn a_certificate_waits_for_the_notice_and_every_ruling() {
        let in_notice = ApplicationStatus::InNotice { notice_ends: Timestamp(100) };

        let early = check_issuable(&in_notice, false, Timestamp(99));
        let pending = check_issuable(&in_notice, true, Timestamp(100));
        let issuable = check_issuable(&in_notice, false, Timestamp(100));

        assert_eq!(early, Err(Rejection::NoticeNotEnded));
        assert_eq!(pending, Err(Rejection::ObjectionsPending));
        assert_eq!(issuable, Ok(()));
    }

    #[test]
    fn a_licence_stands_only_while_its_parent_does() {
        let mut parent = certificate(0, 100);
        let mut licence = certificate(10, 50);
        licence.parent = Some(parent.number.clone());

        let before = is_standing(&licence, Some(&parent), Date(20));
        parent.status = CertificateStatus::Cancelled { reason: "r".into(), at: Timestamp(1) };
        let after = is_standing(&licence, Some(&parent), Date(20));

        assert!(before);
        assert!(!after);
        assert!(!is_standing(&licence, None, Date(20)));
    }

    #[test]
    fn a_certificate_covers_only_the_days_of_its_validity() {
        let certificate = certificate(10, 20);

        let days = [9, 10, 20, 21].map(|day| covers(&certificate, None, Date(day)));

        assert_eq!(days, [false, true, true, false]);
    }

    #[test]
    fn a_licence_term_lies_inside_the_parent_and_the_policy_maximum() {
        let policy = dev_genesis().policy;
        let parent = certificate(0, 5_000);
        let max = i32::try_from(policy.grant_term_days_max).expect("small");
        let term =
            |starts, ends| check_licence_term(Date(starts), Date(ends), &parent, &policy, Date(0));

        assert_eq!(term(0, 10), Ok(()));
        assert_eq!(term(10, 10), Err(Rejection::LicenceTermInvalid));
        assert_eq!(term(4_990, 5_001), Err(Rejection::LicenceTermInvalid));
        assert_eq!(term(0, max - 1), Ok(()));
        assert_eq!(term(0, max), Err(Rejection::LicenceTermInvalid));
    }

    #[test]
    fn a_renewal_must_extend_and_keep_a_licence_inside_its_parent() {
        let parent = certificate(0, 100);
        let licence = certificate(0, 50);

        assert_eq!(check_renewal(&licence, None, Date(50)), Err(Rejection::RenewalNotLater));
        assert_eq!(check_renewal(&licence, Some(&parent), Date(100)), Ok(()));
        assert_eq!(
            check_renewal(&licence, Some(&parent), Date(101)),
            Err(Rejection::LicenceTermInvalid)
        );
    }
}
