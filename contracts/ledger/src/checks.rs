//! Checks shared by the handlers: text and list limits, keys, roles, ids, sequences.

use onebook_types::{
    consortium::Role,
    ids::{OrgId, RegionCode, check_id},
    keys::PublicKey,
    limits::{LIST_ITEMS_MAX, TEXT_BYTES_MAX},
    record::RecordKey,
    rejection::Rejection,
    suite::Suite,
};

use crate::ports::{StateRead, StateWrite, load, store};

/// A text field within [`TEXT_BYTES_MAX`]; if `required`, also not blank.
pub(crate) fn text(value: &str, required: bool) -> Result<(), Rejection> {
    if value.len() > TEXT_BYTES_MAX {
        return Err(Rejection::TextTooLong);
    }
    if required && value.trim().is_empty() {
        return Err(Rejection::TextRequired);
    }
    Ok(())
}

/// A list within [`LIST_ITEMS_MAX`].
pub(crate) fn list<T>(items: &[T]) -> Result<(), Rejection> {
    if items.len() > LIST_ITEMS_MAX {
        return Err(Rejection::ListTooLong);
    }
    Ok(())
}

/// A textual id acceptable to [`check_id`].
pub(crate) fn id(value: &str) -> Result<(), Rejection> {
    check_id(value).map_err(|_| Rejection::IdMalformed)
}

/// Whether no name is listed twice.
pub(crate) fn all_distinct(names: &[&str]) -> bool {
    let mut sorted = names.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).all(|pair| pair[0] != pair[1])
}

/// A valid public key of the chain's suite (for `ed25519-blake3`, a strong ed25519 key).
pub(crate) fn key(suite: Suite, key: &PublicKey) -> Result<(), Rejection> {
    suite.check_key(key).map_err(|_| Rejection::KeyInvalid)
}

/// A role list a member may hold: not too long, not empty, sorted without duplicates.
pub(crate) fn roles(roles: &[Role]) -> Result<(), Rejection> {
    list(roles)?;
    if roles.is_empty() {
        return Err(Rejection::MemberWithoutRoles);
    }
    if !roles.windows(2).all(|pair| pair[0] < pair[1]) {
        return Err(Rejection::RolesNotSorted);
    }
    Ok(())
}

/// The org that is the data authority (数据主管部门) of `region`, from the index genesis and
/// `AdmitOrg` keep under [`RecordKey::RegionAuthority`]; `None` if the region has none.
pub(crate) fn region_authority(state: &impl StateRead, region: &RegionCode) -> Option<OrgId> {
    load(state, &RecordKey::RegionAuthority(region.clone()))
}

/// Assigns the next id of the sequence `kind`: one more than the last, starting at 1. The last
/// id is stored as a `u64` under [`RecordKey::Sequence`].
pub(crate) fn next_id(state: &mut impl StateWrite, kind: &str) -> u64 {
    let key = RecordKey::Sequence(kind.to_owned());
    let last: u64 = load(state, &key).unwrap_or(0);
    let next = last.checked_add(1).expect("a sequence cannot pass u64::MAX in any lifetime");
    store(state, key, &next);
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MemState;

    #[test]
    fn roles_must_be_present_sorted_and_unique() {
        assert_eq!(roles(&[]), Err(Rejection::MemberWithoutRoles));
        assert_eq!(roles(&[Role::DataUser, Role::OrgAdmin]), Err(Rejection::RolesNotSorted));
        assert_eq!(roles(&[Role::OrgAdmin, Role::OrgAdmin]), Err(Rejection::RolesNotSorted));
        assert_eq!(roles(&[Role::OrgAdmin, Role::DataUser]), Ok(()));
    }

    #[test]
    fn text_limits_and_required_text() {
        assert_eq!(text(&"字".repeat(TEXT_BYTES_MAX), false), Err(Rejection::TextTooLong));
        assert_eq!(text("  ", true), Err(Rejection::TextRequired));
        assert_eq!(text("", false), Ok(()));
    }

    #[test]
    fn sequences_start_at_one_and_count_up() {
        let mut state = MemState::default();

        let ids = [next_id(&mut state, "proposal"), next_id(&mut state, "proposal")];

        assert_eq!(ids, [1, 2]);
    }
}
