//! Pure rules of the catalog: status changes, the checks of an entry's content, entry codes, the
//! one-source-per-item index, and when an obligation is overdue.

use onebook_types::{
    action::{CatalogEntryDraft, ReviewDecision, ShareType},
    catalog_records::{AuthoritativeSource, CatalogStatus, Obligation, ObligationStatus},
    consortium::Policy,
    ids::{CatalogCode, OrgId, RegionCode, ResourceId, Timestamp},
    rejection::Rejection,
};

use crate::checks;

/// Lowest security level.
pub const SECURITY_LEVEL_MIN: u8 = 1;
/// Highest security level.
pub const SECURITY_LEVEL_MAX: u8 = 5;

/// What `ReviseCatalogEntry` does to an entry, by its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revision {
    /// A published entry gets a new draft version; the published one stays in force.
    NewVersion,
    /// A draft or returned version is corrected in place, keeping its number.
    Correction,
}

/// The status after `SubmitCatalogEntry`: a draft or a returned entry goes to review.
pub fn status_after_submit(status: &CatalogStatus) -> Result<CatalogStatus, Rejection> {
    match status {
        CatalogStatus::Draft | CatalogStatus::Returned { .. } => Ok(CatalogStatus::Submitted),
        CatalogStatus::Submitted
        | CatalogStatus::Approved
        | CatalogStatus::Published
        | CatalogStatus::Deprecated { .. } => Err(Rejection::CatalogEntryNotDraft),
    }
}

/// The status after `ReviewCatalogEntry`: approved, or returned with non-blank reasons.
pub fn status_after_review(
    status: &CatalogStatus,
    decision: &ReviewDecision,
) -> Result<CatalogStatus, Rejection> {
    match (status, decision) {
        (CatalogStatus::Submitted, ReviewDecision::Approve) => Ok(CatalogStatus::Approved),
        (CatalogStatus::Submitted, ReviewDecision::Return { reasons }) => {
            checks::text(reasons, true)?;
            Ok(CatalogStatus::Returned { reasons: reasons.clone() })
        }
        (
            CatalogStatus::Draft
            | CatalogStatus::Returned { .. }
            | CatalogStatus::Approved
            | CatalogStatus::Published
            | CatalogStatus::Deprecated { .. },
            _,
        ) => Err(Rejection::CatalogEntryNotSubmitted),
    }
}

/// The status after `PublishCatalogEntry`: only an approved entry is published.
pub fn status_after_publish(status: &CatalogStatus) -> Result<CatalogStatus, Rejection> {
    match status {
        CatalogStatus::Approved => Ok(CatalogStatus::Published),
        CatalogStatus::Draft
        | CatalogStatus::Submitted
        | CatalogStatus::Returned { .. }
        | CatalogStatus::Published
        | CatalogStatus::Deprecated { .. } => Err(Rejection::CatalogEntryNotApproved),
    }
}

/// What `ReviseCatalogEntry` does: a new version of a published entry, or a correction of a
/// draft or returned one. An entry under review, approved, or deprecated cannot be revised.
pub fn revision_of(status: &CatalogStatus) -> Result<Revision, Rejection> {
    match status {
        CatalogStatus::Published => Ok(Revision::NewVersion),
        CatalogStatus::Draft | CatalogStatus::Returned { .. } => Ok(Revision::Correction),
        CatalogStatus::Submitted | CatalogStatus::Approved | CatalogStatus::Deprecated { .. } => {
            Err(Rejection::CatalogEntryNotPublished)
        }
    }
}

/// The status after `DeprecateCatalogEntry`: only a published entry, with a non-blank reason.
pub fn status_after_deprecate(
    status: &CatalogStatus,
    reason: &str,
) -> Result<CatalogStatus, Rejection> {
    match status {
        CatalogStatus::Published => {
            checks::text(reason, true)?;
            Ok(CatalogStatus::Deprecated { reason: reason.to_owned() })
        }
        CatalogStatus::Draft
        | CatalogStatus::Submitted
        | CatalogStatus::Returned { .. }
        | CatalogStatus::Approved
        | CatalogStatus::Deprecated { .. } => Err(Rejection::CatalogEntryNotPublished),
    }
}

/// Checks an entry's content against the limits and `policy`.
pub fn check_draft(draft: &CatalogEntryDraft, policy: &Policy) -> Result<(), Rejection> {
    checks::text(&draft.name, true)?;
    checks::text(&draft.description, true)?;
    checks::text(&draft.classification, false)?;
    checks::text(&draft.update_frequency, false)?;
    checks::list(&draft.items)?;
    for item in &draft.items {
        checks::text(&item.name, true)?;
        checks::text(&item.data_element, false)?;
    }
    let names: Vec<&str> = draft.items.iter().map(|item| item.name.as_str()).collect();
    if names.is_empty() || !checks::all_distinct(&names) {
        return Err(Rejection::CatalogItemsInvalid);
    }
    if !(SECURITY_LEVEL_MIN..=SECURITY_LEVEL_MAX).contains(&draft.security_level) {
        return Err(Rejection::SecurityLevelOutOfRange);
    }
    match &draft.share_type {
        ShareType::Unconditional => {}
        ShareType::Conditional { conditions } => checks::text(conditions, true)?,
        ShareType::NotShared { legal_basis } => {
            if !policy.has_legal_basis(legal_basis) {
                return Err(Rejection::LegalBasisUnknown);
            }
        }
    }
    checks::id(draft.system.as_str())
}

/// The code of an org's `sequence`-th entry: `<region>-<org>-<sequence>`, the sequence written
/// with at least four digits (`350200-xm-scjg-0001`).
pub fn entry_code(region: &RegionCode, org: &OrgId, sequence: u64) -> CatalogCode {
    CatalogCode(format!("{region}-{org}-{sequence:04}"))
}

/// `sources` with `resource` as the authoritative source of each of `items`, or
/// [`Rejection::AuthoritativeSourceExists`] if any already has one (一数一源). Stays sorted.
pub fn sources_after_register(
    sources: &[AuthoritativeSource],
    items: &[String],
    resource: ResourceId,
) -> Result<Vec<AuthoritativeSource>, Rejection> {
    let mut next = sources.to_vec();
    for item in items {
        match next.binary_search_by(|source| source.item.cmp(item)) {
            Ok(_) => return Err(Rejection::AuthoritativeSourceExists),
            Err(index) => next.insert(index, AuthoritativeSource { item: item.clone(), resource }),
        }
    }
    Ok(next)
}

/// Whether `obligation` is still open after its due time, at block time `now`.
pub fn is_overdue(obligation: &Obligation, now: Timestamp) -> bool {
    obligation.status == ObligationStatus::Open && now > obligation.due
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        catalog_records::ObligationKind,
        ids::{Height, ObligationId},
    };

    use super::*;

    fn obligation(status: ObligationStatus) -> Obligation {
        Obligation {
            id: ObligationId(1),
            org: OrgId::from("xm-scjg"),
            kind: ObligationKind::CatalogUpdate,
            description: "三定调整".into(),
            opened_at: Height(1),
            opened_time: Timestamp(0),
            due: Timestamp(100),
            status,
            subject: None,
        }
    }

    #[test]
    fn a_returned_entry_is_resubmitted_and_a_published_one_is_not() {
        let returned = CatalogStatus::Returned { reasons: "补充数据元".into() };

        assert_eq!(status_after_submit(&returned), Ok(CatalogStatus::Submitted));
        assert_eq!(
            status_after_submit(&CatalogStatus::Published),
            Err(Rejection::CatalogEntryNotDraft)
        );
    }

    #[test]
    fn a_return_must_give_reasons() {
        let bare = ReviewDecision::Return { reasons: " ".into() };

        assert_eq!(
            status_after_review(&CatalogStatus::Submitted, &bare),
            Err(Rejection::TextRequired)
        );
    }

    #[test]
    fn a_published_entry_gets_a_new_version_and_a_draft_a_correction() {
        assert_eq!(revision_of(&CatalogStatus::Published), Ok(Revision::NewVersion));
        assert_eq!(revision_of(&CatalogStatus::Draft), Ok(Revision::Correction));
        assert_eq!(
            revision_of(&CatalogStatus::Submitted),
            Err(Rejection::CatalogEntryNotPublished)
        );
    }

    #[test]
    fn codes_join_region_org_and_a_four_digit_sequence() {
        let code = entry_code(&RegionCode::from("350200"), &OrgId::from("xm-scjg"), 7);

        assert_eq!(code.as_str(), "350200-xm-scjg-0007");
    }

    #[test]
    fn an_item_has_one_authoritative_source() {
        let items = vec!["统一社会信用代码".to_owned(), "企业名称".to_owned()];
        let first = sources_after_register(&[], &items, ResourceId(1)).expect("first source");

        let second = sources_after_register(&first, &items[1..], ResourceId(2));

        assert_eq!(first[0].item, "企业名称");
        assert_eq!(second, Err(Rejection::AuthoritativeSourceExists));
    }

    #[test]
    fn an_open_obligation_is_overdue_only_after_its_due_time() {
        let open = obligation(ObligationStatus::Open);
        let met = obligation(ObligationStatus::Met {
            at: Height(2),
            time: Timestamp(50),
            record: onebook_types::record::RecordKey::CatalogEntry(CatalogCode::from(
                "350200-xm-scjg-0001",
            )),
        });

        assert!(!is_overdue(&open, Timestamp(100)));
        assert!(is_overdue(&open, Timestamp(101)));
        assert!(!is_overdue(&met, Timestamp(101)));
    }
}
