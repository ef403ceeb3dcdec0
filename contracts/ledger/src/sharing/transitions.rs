//! Pure rules of sharing and access coverage: no state, and `now` is always the block time.

use onebook_types::{
    action::{ShareAnswer, ShareRequestDraft, ShareType},
    consortium::Policy,
    ids::{CatalogCode, GrantId, OrgId, Timestamp},
    rejection::Rejection,
    sharing_records::{Grant, GrantStatus, ShareRequest, ShareStatus, ViolationReason},
    time::{DAY_MS, Date},
};

use super::catalog_view::ShareTerms;

/// Checks a request's content against the entry's terms and the policy: a published entry,
/// items all of the entry (none asks for the whole entry), an exception asked only of a
/// not-shared entry, a legal duty of the registry, and a period that starts no later than it
/// ends and is no longer than the longest grant term.
pub fn check_draft(
    draft: &ShareRequestDraft,
    terms: &ShareTerms,
    policy: &Policy,
) -> Result<(), Rejection> {
    if !terms.published {
        return Err(Rejection::ShareEntryNotPublished);
    }
    if !draft.items.iter().all(|item| terms.items.contains(item)) {
        return Err(Rejection::ShareItemsNotInEntry);
    }
    if draft.exception && !matches!(terms.share_type, ShareType::NotShared { .. }) {
        return Err(Rejection::ExceptionOnlyForNotShared);
    }
    if !policy.has_legal_basis(&draft.legal_duty) {
        return Err(Rejection::LegalDutyUnknown);
    }
    check_term(draft.starts, draft.ends, policy)
}

/// The block time at which a grant ending on local day `ends` expires: the next local midnight.
pub fn expiry_of(ends: Date, policy: &Policy) -> Timestamp {
    ends.next().start(policy.utc_offset_minutes)
}

/// The status a share request moves to when answered, given the grant id an approval would
/// issue and the items of the entry's version in force. Every (status, answer) pair is spelled
/// out, so a new status will not compile until it is decided. Checks the approval's scope
/// against the request (the whole entry only for a request of the whole entry), its legal basis
/// (one of the registry, and one at all for an exception) and its term against `policy`, and
/// that a refusal cites the registry.
pub fn status_after_answer(
    request: &ShareRequest,
    answer: &ShareAnswer,
    entry_items: &[String],
    grant: GrantId,
    policy: &Policy,
    now: Timestamp,
) -> Result<ShareStatus, Rejection> {
    match (&request.status, answer) {
        (
            ShareStatus::UnderReview { .. },
            ShareAnswer::Approve { items, expires_at, legal_basis, .. },
        ) => {
            let asked = if request.items.is_empty() { entry_items } else { &request.items };
            if items.is_empty() && !request.items.is_empty() {
                return Err(Rejection::ShareItemsEmpty);
            }
            if !items.iter().all(|item| asked.contains(item)) {
                return Err(Rejection::GrantItemsNotRequested);
            }
            match legal_basis {
                None if request.exception => return Err(Rejection::ExceptionWithoutLegalBasis),
                Some(code) if !policy.has_legal_basis(code) => {
                    return Err(Rejection::LegalBasisUnknown);
                }
                None | Some(_) => {}
            }
            if *expires_at <= now {
                return Err(Rejection::GrantExpiresInPast);
            }
            let starts = request.starts.start(policy.utc_offset_minutes).0;
            let term_ms = u64::from(policy.grant_term_days_max).saturating_mul(DAY_MS);
            if expires_at.0 > starts.saturating_add(term_ms) {
                return Err(Rejection::ShareTermInvalid);
            }
            Ok(ShareStatus::Granted { grant })
        }
        (ShareStatus::UnderReview { .. }, ShareAnswer::Refuse { legal_basis, reason }) => {
            if !policy.has_legal_basis(legal_basis) {
                return Err(Rejection::RefusalWithoutLegalBasis);
            }
            Ok(ShareStatus::Refused { legal_basis: legal_basis.clone(), reason: reason.clone() })
        }
        (ShareStatus::Granted { .. } | ShareStatus::Refused { .. } | ShareStatus::Withdrawn, _) => {
            Err(Rejection::ShareRequestNotPending)
        }
    }
}

/// The status a share request moves to when withdrawn: only one under review can be.
pub fn status_after_withdraw(status: &ShareStatus) -> Result<ShareStatus, Rejection> {
    match status {
        ShareStatus::UnderReview { .. } => Ok(ShareStatus::Withdrawn),
        ShareStatus::Granted { .. } | ShareStatus::Refused { .. } | ShareStatus::Withdrawn => {
            Err(Rejection::ShareRequestNotPending)
        }
    }
}

/// The status a grant moves to when revoked at block time `at`: only an active one can be.
pub fn grant_status_after_revoke(
    status: &GrantStatus,
    at: Timestamp,
    reason: &str,
) -> Result<GrantStatus, Rejection> {
    match status {
        GrantStatus::Active => Ok(GrantStatus::Revoked { at, reason: reason.to_owned() }),
        GrantStatus::Revoked { .. } => Err(Rejection::GrantNotActive),
    }
}

/// Whether a share request's answer is overdue at block time `now`: still under review after
/// its due time.
pub fn is_answer_overdue(request: &ShareRequest, now: Timestamp) -> bool {
    match request.status {
        ShareStatus::UnderReview { answer_due } => now > answer_due,
        ShareStatus::Granted { .. } | ShareStatus::Refused { .. } | ShareStatus::Withdrawn => false,
    }
}

/// Why an access by `org` that returned `items` of a resource of entry `resource_entry` (`None`:
/// no such resource), claiming `claimed` (found as `grant`), is not covered at block time `now`;
/// `None` if covered. Covered means: the grant exists, was issued to `org`, is active, its first
/// day of use has begun in the policy's local time (`utc_offset_minutes`), it has not expired,
/// it covers the resource's entry, and, if it names items (an item-scoped grant), every item the
/// access returned is one of them; an entry-scoped grant covers every item of its entry.
pub fn violation_of(
    claimed: Option<GrantId>,
    grant: Option<&Grant>,
    org: &OrgId,
    resource_entry: Option<&CatalogCode>,
    items: &[String],
    now: Timestamp,
    utc_offset_minutes: i16,
) -> Option<ViolationReason> {
    let Some(_) = claimed else { return Some(ViolationReason::NoGrant) };
    let Some(grant) = grant else { return Some(ViolationReason::GrantUnknown) };
    if grant.grantee != *org {
        return Some(ViolationReason::WrongGrantee);
    }
    if let GrantStatus::Revoked { .. } = grant.status {
        return Some(ViolationReason::GrantRevoked);
    }
    if now < grant.starts.start(utc_offset_minutes) {
        return Some(ViolationReason::NotYetValid);
    }
    if now >= grant.expires_at {
        return Some(ViolationReason::GrantExpired);
    }
    if resource_entry != Some(&grant.entry) {
        return Some(ViolationReason::OutOfScope);
    }
    if !grant.is_entry_scoped() && !items.iter().all(|item| grant.items.contains(item)) {
        return Some(ViolationReason::ItemOutOfScope);
    }
    None
}

/// A period from local day `starts` to `ends`, both included, of at least one day and at most
/// the policy's longest grant term.
fn check_term(starts: Date, ends: Date, policy: &Policy) -> Result<(), Rejection> {
    let days = i64::from(ends.0) - i64::from(starts.0) + 1;
    if days < 1 || days > i64::from(policy.grant_term_days_max) {
        return Err(Rejection::ShareTermInvalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use onebook_types::{ids::LegalBasisCode, keys::PublicKey};

    use super::*;
    use crate::testkit::dev_genesis;

    fn under_review() -> ShareRequest {
        ShareRequest {
            id: onebook_types::ids::ShareRequestId(1),
            requester_org: OrgId::from("xm-gaj"),
            requester: PublicKey([1; 32]),
            entry: CatalogCode::from("e"),
            provider: OrgId::from("xm-dsj"),
            items: vec!["name".into()],
            purpose: "p".into(),
            legal_duty: LegalBasisCode::from("dsl-38"),
            starts: Date(20_000),
            ends: Date(20_010),
            requested_at: Timestamp(0),
            status: ShareStatus::UnderReview { answer_due: Timestamp(100) },
            exception: false,
        }
    }

    #[test]
    fn refusal_must_cite_a_legal_basis_of_the_registry() {
        let policy = dev_genesis().policy;
        let refuse = |code: &str| ShareAnswer::Refuse {
            legal_basis: LegalBasisCode::from(code),
            reason: "涉密".into(),
        };

        let bare = status_after_answer(
            &under_review(),
            &refuse("made-up"),
            &[],
            GrantId(1),
            &policy,
            Timestamp(50),
        );
        let cited = status_after_answer(
            &under_review(),
            &refuse("dsl-38"),
            &[],
            GrantId(1),
            &policy,
            Timestamp(50),
        );

        assert_eq!(bare, Err(Rejection::RefusalWithoutLegalBasis));
        assert!(matches!(cited, Ok(ShareStatus::Refused { .. })));
    }

    #[test]
    fn an_answer_is_overdue_only_after_its_due_time_and_while_under_review() {
        let mut request = under_review();

        let on_time = is_answer_overdue(&request, Timestamp(100));
        let late = is_answer_overdue(&request, Timestamp(101));
        request.status = ShareStatus::Withdrawn;
        let closed = is_answer_overdue(&request, Timestamp(101));

        assert_eq!([on_time, late, closed], [false, true, false]);
    }

    #[test]
    fn a_term_is_at_least_one_day_and_at_most_the_policy_maximum() {
        let policy = dev_genesis().policy;
        let max = i32::try_from(policy.grant_term_days_max).expect("small");

        assert_eq!(check_term(Date(10), Date(10), &policy), Ok(()));
        assert_eq!(check_term(Date(10), Date(9), &policy), Err(Rejection::ShareTermInvalid));
        assert_eq!(check_term(Date(0), Date(max - 1), &policy), Ok(()));
        assert_eq!(check_term(Date(0), Date(max), &policy), Err(Rejection::ShareTermInvalid));
    }

    #[test]
    fn a_withdrawn_request_cannot_be_answered_or_withdrawn_again() {
        let policy = dev_genesis().policy;
        let mut request = under_review();
        request.status = ShareStatus::Withdrawn;
        let approve = ShareAnswer::Approve {
            items: vec!["name".into()],
            expires_at: Timestamp(1_000),
            conditions: String::new(),
            legal_basis: None,
        };

        let answered =
            status_after_answer(&request, &approve, &[], GrantId(1), &policy, Timestamp(5));

        assert_eq!(answered, Err(Rejection::ShareRequestNotPending));
        assert_eq!(status_after_withdraw(&request.status), Err(Rejection::ShareRequestNotPending));
    }
}
