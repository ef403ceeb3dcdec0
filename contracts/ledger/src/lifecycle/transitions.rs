//! Pure rules of the grant lifecycle: no state, and `now` is always the block time.

use onebook_types::{
    consortium::Policy,
    hash::Hash32,
    ids::Timestamp,
    lifecycle_records::{CloseOutDisposition, GrantEnd, LifecyclePolicy},
    rejection::Rejection,
    sharing_records::{Grant, GrantStatus},
};

use crate::calendar;

/// How and when `grant` ended, as seen at block time `now`: revoked, cut off by a grant it
/// derives from (`ancestors_ended`, the earliest time one of them ended), or expired, whichever
/// came first; `None` while it still covers use.
pub fn grant_end(
    grant: &Grant,
    ancestors_ended: Option<Timestamp>,
    now: Timestamp,
) -> Option<(GrantEnd, Timestamp)> {
    let revoked = match grant.status {
        GrantStatus::Revoked { at, .. } => Some((GrantEnd::Revoked, at)),
        GrantStatus::Active => None,
    };
    let cut_off = ancestors_ended.map(|at| (GrantEnd::ParentEnded, at));
    let expired = (now >= grant.expires_at).then_some((GrantEnd::Expired, grant.expires_at));
    // The earliest end wins; on a tie, a revocation, then a parent's end, then the expiry.
    [revoked, cut_off, expired].into_iter().flatten().filter(|(_, at)| *at <= now).min_by_key(
        |(end, at)| {
            let rank = match end {
                GrantEnd::Revoked => 0,
                GrantEnd::ParentEnded => 1,
                GrantEnd::Expired | GrantEnd::EndOfUse => 2,
            };
            (*at, rank)
        },
    )
}

/// When the close-out of a grant whose cover ended at `ended_at` is due: the end of the
/// lifecycle policy's working days counted from the grant's last day of cover (the local day
/// of the millisecond before `ended_at`), on the policy's calendar.
pub fn close_out_due(
    ended_at: Timestamp,
    lifecycle: &LifecyclePolicy,
    policy: &Policy,
) -> Timestamp {
    let last_covered = Timestamp(ended_at.0.saturating_sub(1));
    calendar::deadline(last_covered, lifecycle.close_out_working_days, policy)
}

/// Checks a close-out's content: a retention cites a legal basis of the registry, and the
/// attestation's digest is given.
pub fn check_close_out(
    disposition: &CloseOutDisposition,
    attestation_digest: &Hash32,
    policy: &Policy,
) -> Result<(), Rejection> {
    if *attestation_digest == Hash32::ZERO {
        return Err(Rejection::AttestationDigestMissing);
    }
    match disposition {
        CloseOutDisposition::Destroyed => Ok(()),
        CloseOutDisposition::Retained { legal_basis } if policy.has_legal_basis(legal_basis) => {
            Ok(())
        }
        CloseOutDisposition::Retained { .. } => Err(Rejection::RetentionLegalBasisUnknown),
    }
}

/// Checks an onward grant of `items` until `expires_at` under `parent`, given the items of the
/// parent's entry: never wider than the parent (the whole entry only under an entry-scoped
/// parent; named items among the parent's, or the entry's under an entry-scoped parent), never
/// longer (expiring no later than the parent), and not already expired at `now`.
pub fn check_onward(
    parent: &Grant,
    items: &[String],
    entry_items: &[String],
    expires_at: Timestamp,
    now: Timestamp,
) -> Result<(), Rejection> {
    let within: &[String] = if parent.is_entry_scoped() { entry_items } else { &parent.items };
    if items.is_empty() && !parent.is_entry_scoped() {
        return Err(Rejection::OnwardScopeExceedsParent);
    }
    if !items.iter().all(|item| within.contains(item)) {
        return Err(Rejection::OnwardScopeExceedsParent);
    }
    if expires_at <= now {
        return Err(Rejection::GrantExpiresInPast);
    }
    if expires_at > parent.expires_at {
        return Err(Rejection::OnwardTermExceedsParent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        ids::{CatalogCode, GrantId, LegalBasisCode, OrgId, ShareRequestId},
        time::Date,
    };

    use super::*;
    use crate::testkit::dev_genesis;

    fn grant(items: &[&str], expires_at: u64) -> Grant {
        Grant {
            id: GrantId(1),
            request: ShareRequestId(1),
            grantee: OrgId::from("xm-dsj"),
            provider: OrgId::from("fj-sjj"),
            entry: CatalogCode::from("E"),
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            starts: Date(0),
            expires_at: Timestamp(expires_at),
            conditions: String::new(),
            exception: false,
            status: GrantStatus::Active,
            legal_basis: None,
        }
    }

    fn names(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn a_grant_ends_at_the_earliest_of_revocation_parent_end_and_expiry() {
        let mut revoked = grant(&[], 1_000);
        revoked.status = GrantStatus::Revoked { at: Timestamp(400), reason: "r".into() };

        let live = grant_end(&grant(&[], 1_000), None, Timestamp(999));
        let expired = grant_end(&grant(&[], 1_000), Some(Timestamp(1_500)), Timestamp(2_000));
        let cut_off = grant_end(&grant(&[], 1_000), Some(Timestamp(300)), Timestamp(2_000));
        let before_cut = grant_end(&grant(&[], 1_000), Some(Timestamp(300)), Timestamp(200));
        let by_revocation = grant_end(&revoked, Some(Timestamp(400)), Timestamp(2_000));

        assert_eq!(live, None);
        assert_eq!(expired, Some((GrantEnd::Expired, Timestamp(1_000))));
        assert_eq!(cut_off, Some((GrantEnd::ParentEnded, Timestamp(300))));
        assert_eq!(before_cut, None);
        assert_eq!(by_revocation, Some((GrantEnd::Revoked, Timestamp(400))));
    }

    #[test]
    fn a_close_out_is_due_counted_from_the_last_day_of_cover() {
        // Cover ends at local midnight starting 2026-01-02: the last day of cover is Jan 1.
        // Jan 2 and Sat 3 are holidays, Sun 4 a make-up day (1), Mon 5 to Fri 9 (2 to 6), Mon
        // 12 to Thu 15 (7 to 10).
        let policy = dev_genesis().policy;
        let ended_at = "2026-01-02".parse::<Date>().expect("date").start(480);

        let due = close_out_due(ended_at, &LifecyclePolicy::default(), &policy);

        assert_eq!(Date::of_timestamp(due, 480).to_string(), "2026-01-15");
        assert_eq!(Date::of_timestamp(Timestamp(due.0 + 1), 480).to_string(), "2026-01-16");
    }

    #[test]
    fn a_close_out_carries_its_attestation_and_a_retention_its_legal_basis() {
        let policy = dev_genesis().policy;
        let retained =
            |code: &str| CloseOutDisposition::Retained { legal_basis: LegalBasisCode::from(code) };
        let digest = Hash32([1; 32]);

        assert_eq!(check_close_out(&CloseOutDisposition::Destroyed, &digest, &policy), Ok(()));
        assert_eq!(check_close_out(&retained("dsl-38"), &digest, &policy), Ok(()));
        assert_eq!(
            check_close_out(&retained("keep-it"), &digest, &policy),
            Err(Rejection::RetentionLegalBasisUnknown)
        );
        assert_eq!(
            check_close_out(&CloseOutDisposition::Destroyed, &Hash32::ZERO, &policy),
            Err(Rejection::AttestationDigestMissing)
        );
    }

    #[test]
    fn an_onward_grant_is_never_wider_nor_longer_than_its_parent() {
        let entry = names(&["name", "licence", "address"]);
        let item_scoped = grant(&["name", "licence"], 1_000);
        let entry_scoped = grant(&[], 1_000);
        let now = Timestamp(10);

        let narrower = check_onward(&item_scoped, &names(&["name"]), &entry, Timestamp(1_000), now);
        let wider = check_onward(&item_scoped, &names(&["address"]), &entry, Timestamp(500), now);
        let whole = check_onward(&item_scoped, &[], &entry, Timestamp(500), now);
        let whole_under_whole = check_onward(&entry_scoped, &[], &entry, Timestamp(500), now);
        let any_item = check_onward(&entry_scoped, &names(&["address"]), &entry, Timestamp(9), now);
        let longer = check_onward(&item_scoped, &names(&["name"]), &entry, Timestamp(1_001), now);

        assert_eq!(narrower, Ok(()));
        assert_eq!(wider, Err(Rejection::OnwardScopeExceedsParent));
        assert_eq!(whole, Err(Rejection::OnwardScopeExceedsParent));
        assert_eq!(whole_under_whole, Ok(()));
        assert_eq!(any_item, Err(Rejection::GrantExpiresInPast));
        assert_eq!(longer, Err(Rejection::OnwardTermExceedsParent));
    }
}
