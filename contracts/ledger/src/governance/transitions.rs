//! Pure rules of governance: tallies, and the records each change produces.

use onebook_types::{
    action::{GovernanceChange, PolicyParameter},
    consortium::{OrgStatus, Policy, ProtocolSchedule, ProtocolUpgrade, Validator, ValidatorSet},
    ids::{Height, OrgId, ProtocolVersion},
    keys::PublicKey,
    limits::VALIDATORS_MAX,
    records::ProposalStatus,
    rejection::Rejection,
};

use crate::checks;

/// Voting power counted for a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Power of the orgs that approved.
    pub approving: u64,
    /// Power of the orgs that voted against.
    pub against: u64,
    /// All voting power.
    pub total: u64,
}

/// The summed power of `org`'s validators.
pub fn org_power(validators: &ValidatorSet, org: &OrgId) -> u64 {
    validators.validators.iter().filter(|v| &v.org == org).map(|v| v.power).sum()
}

/// Counts `votes` with each org's power in `validators`; an org no longer in the set counts 0.
pub fn tally(votes: &[(OrgId, bool)], validators: &ValidatorSet) -> Tally {
    let mut counted = Tally { approving: 0, against: 0, total: validators.total_power() };
    for (org, approve) in votes {
        let power = org_power(validators, org);
        if *approve {
            counted.approving += power;
        } else {
            counted.against += power;
        }
    }
    counted
}

/// Passed once approving power is more than two thirds of the total; rejected once it can no
/// longer be, even if every org yet to vote approved; open otherwise.
pub fn status_after_tally(tally: Tally) -> ProposalStatus {
    let total = u128::from(tally.total);
    let could_approve = total.saturating_sub(u128::from(tally.against));
    if u128::from(tally.approving) * 3 > total * 2 {
        ProposalStatus::Passed
    } else if could_approve * 3 <= total * 2 {
        ProposalStatus::Rejected
    } else {
        ProposalStatus::Open
    }
}

/// The status an org moves to under a suspend or reinstate change; `None` for other changes.
pub fn org_status_after(
    status: OrgStatus,
    change: &GovernanceChange,
) -> Option<Result<OrgStatus, Rejection>> {
    match (change, status) {
        (GovernanceChange::SuspendOrg { .. }, OrgStatus::Active) => Some(Ok(OrgStatus::Suspended)),
        (GovernanceChange::ReinstateOrg { .. }, OrgStatus::Suspended) => {
            Some(Ok(OrgStatus::Active))
        }
        (GovernanceChange::SuspendOrg { .. }, OrgStatus::Suspended)
        | (GovernanceChange::ReinstateOrg { .. }, OrgStatus::Active) => {
            Some(Err(Rejection::OrgStatusUnchanged))
        }
        (
            GovernanceChange::AdmitOrg { .. }
            | GovernanceChange::SetValidator { .. }
            | GovernanceChange::SetPolicy { .. }
            | GovernanceChange::SetCheckpointPolicy { .. }
            | GovernanceChange::AdmitChildChain { .. }
            | GovernanceChange::ScheduleUpgrade { .. }
            | GovernanceChange::RotateValidatorKey { .. }
            | GovernanceChange::SetLifecyclePolicy { .. },
            _,
        ) => None,
    }
}

/// The validator set after adding, re-weighting or (with power 0) removing `validator`.
/// Refused if it removes a validator not in the set, moves a node key to another org, empties
/// the set, overflows the total power, or exceeds [`VALIDATORS_MAX`].
pub fn validator_set_after(
    set: &ValidatorSet,
    validator: &Validator,
) -> Result<ValidatorSet, Rejection> {
    let mut validators = set.validators.clone();
    let position = validators.binary_search_by(|v| v.node_key.cmp(&validator.node_key));
    match (position, validator.power) {
        (Ok(index), 0) => {
            validators.remove(index);
        }
        (Err(_), 0) => return Err(Rejection::ValidatorChangeInvalid),
        (Ok(index), _) if validators[index].org != validator.org => {
            return Err(Rejection::ValidatorChangeInvalid);
        }
        (Ok(index), _) => validators[index].power = validator.power,
        (Err(index), _) => validators.insert(index, validator.clone()),
    }
    let total = validators.iter().try_fold(0u64, |sum, v| sum.checked_add(v.power));
    if validators.is_empty() || validators.len() > VALIDATORS_MAX || total.is_none() {
        return Err(Rejection::ValidatorChangeInvalid);
    }
    Ok(ValidatorSet { validators })
}

/// The validator set after `old_key`'s validator takes `new_key`, keeping its org and power.
/// Refused with [`Rejection::ValidatorChangeInvalid`] unless `old_key` is in the set and
/// `new_key` is not.
pub fn validator_set_rotated(
    set: &ValidatorSet,
    old_key: &PublicKey,
    new_key: &PublicKey,
) -> Result<ValidatorSet, Rejection> {
    if set.get(new_key).is_some() {
        return Err(Rejection::ValidatorChangeInvalid);
    }
    let mut validators = set.validators.clone();
    let validator = validators
        .iter_mut()
        .find(|v| v.node_key == *old_key)
        .ok_or(Rejection::ValidatorChangeInvalid)?;
    validator.node_key = *new_key;
    validators.sort_by_key(|v| v.node_key);
    Ok(ValidatorSet { validators })
}

/// The schedule after adding `version` at `height`, judged in the block at `now`. Refused with
/// [`Rejection::PolicyChangeInvalid`] unless `version` is the next after the last scheduled and
/// `height` is above both `now` and the last scheduled activation.
pub fn schedule_after(
    schedule: &ProtocolSchedule,
    version: ProtocolVersion,
    height: Height,
    now: Height,
) -> Result<ProtocolSchedule, Rejection> {
    let last_height = schedule.upgrades.last().map_or(Height(0), |upgrade| upgrade.height);
    if version != schedule.latest().next() || height <= now || height <= last_height {
        return Err(Rejection::PolicyChangeInvalid);
    }
    let mut next = schedule.clone();
    next.upgrades.push(ProtocolUpgrade { version, height });
    Ok(next)
}

/// The policy after setting `parameter`. Periods must be positive; make-up days must be
/// weekends and not holidays; a legal basis is added once, with a title.
pub fn policy_after(policy: &Policy, parameter: &PolicyParameter) -> Result<Policy, Rejection> {
    let mut next = policy.clone();
    let positive = |days: u32| if days > 0 { Ok(()) } else { Err(Rejection::PolicyChangeInvalid) };
    match parameter {
        PolicyParameter::CatalogUpdateWorkingDays(days) => {
            positive(u32::from(*days))?;
            next.catalog_update_working_days = *days;
        }
        PolicyParameter::ResourceRegistrationWorkingDays(days) => {
            positive(u32::from(*days))?;
            next.resource_registration_working_days = *days;
        }
        PolicyParameter::ShareAnswerWorkingDays(days) => {
            positive(u32::from(*days))?;
            next.share_answer_working_days = *days;
        }
        PolicyParameter::CorrectionWorkingDays(days) => {
            positive(u32::from(*days))?;
            next.correction_working_days = *days;
        }
        PolicyParameter::PublicNoticeDays(days) => {
            positive(u32::from(*days))?;
            next.public_notice_days = *days;
        }
        PolicyParameter::GrantTermDaysMax(days) => {
            positive(*days)?;
            next.grant_term_days_max = *days;
        }
        PolicyParameter::AddCalendar { holidays, makeup_workdays } => {
            checks::list(holidays)?;
            checks::list(makeup_workdays)?;
            next.holidays.extend_from_slice(holidays);
            next.holidays.sort();
            next.holidays.dedup();
            next.makeup_workdays.extend_from_slice(makeup_workdays);
            next.makeup_workdays.sort();
            next.makeup_workdays.dedup();
            let clash = next
                .makeup_workdays
                .iter()
                .any(|day| !day.is_weekend() || next.holidays.binary_search(day).is_ok());
            if clash {
                return Err(Rejection::PolicyChangeInvalid);
            }
        }
        PolicyParameter::AddLegalBasis(basis) => {
            checks::id(basis.code.as_str())?;
            checks::text(&basis.title, true)?;
            match next.legal_bases.binary_search_by(|b| b.code.cmp(&basis.code)) {
                Ok(_) => return Err(Rejection::PolicyChangeInvalid),
                Err(index) => next.legal_bases.insert(index, basis.clone()),
            }
        }
        PolicyParameter::RecordSignedReads(on) => next.record_signed_reads = *on,
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use onebook_types::keys::PublicKey;

    use super::*;

    fn set(orgs: &[&str]) -> ValidatorSet {
        let validators = orgs
            .iter()
            .zip(1u8..)
            .map(|(org, byte)| Validator {
                node_key: PublicKey([byte; 32]),
                org: OrgId::from(*org),
                power: 10,
            })
            .collect();
        ValidatorSet { validators }
    }

    fn vote(org: &str, approve: bool) -> (OrgId, bool) {
        (OrgId::from(org), approve)
    }

    #[test]
    fn three_of_four_equal_orgs_pass_and_two_do_not() {
        let validators = set(&["a", "b", "c", "d"]);

        let two = tally(&[vote("a", true), vote("b", true)], &validators);
        let three = tally(&[vote("a", true), vote("b", true), vote("c", true)], &validators);

        assert_eq!(status_after_tally(two), ProposalStatus::Open);
        assert_eq!(status_after_tally(three), ProposalStatus::Passed);
    }

    #[test]
    fn two_of_four_against_reject_at_once() {
        let validators = set(&["a", "b", "c", "d"]);

        let one = tally(&[vote("a", false)], &validators);
        let two = tally(&[vote("a", false), vote("b", false)], &validators);

        assert_eq!(status_after_tally(one), ProposalStatus::Open);
        assert_eq!(status_after_tally(two), ProposalStatus::Rejected);
    }

    #[test]
    fn an_org_votes_with_all_its_validators_power() {
        let validators = set(&["a", "a", "b"]);

        let counted = tally(&[vote("a", true)], &validators);

        assert_eq!(counted, Tally { approving: 20, against: 0, total: 30 });
        assert_eq!(status_after_tally(counted), ProposalStatus::Open);
    }

    #[test]
    fn removing_the_last_or_an_absent_validator_is_refused() {
        let one = set(&["a"]);
        let remove = |byte: u8| Validator {
            node_key: PublicKey([byte; 32]),
            org: OrgId::from("a"),
            power: 0,
        };

        assert_eq!(validator_set_after(&one, &remove(1)), Err(Rejection::ValidatorChangeInvalid));
        assert_eq!(validator_set_after(&one, &remove(9)), Err(Rejection::ValidatorChangeInvalid));
    }

    #[test]
    fn a_new_validator_is_inserted_in_key_order() {
        let validators = set(&["a", "b"]);
        let new = Validator { node_key: PublicKey([0; 32]), org: OrgId::from("c"), power: 5 };

        let after = validator_set_after(&validators, &new).expect("valid");

        assert_eq!(after.validators[0], new);
        assert_eq!(after.total_power(), 25);
    }
}
