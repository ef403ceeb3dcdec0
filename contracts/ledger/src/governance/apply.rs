//! Handlers of the governance actions, and the application of a passed change.

use onebook_types::{
    action::{GovernanceChange, PolicyParameter},
    consortium::{Member, MemberStatus, Org, OrgStatus, Policy, Role, ValidatorSet},
    ids::{OrgId, ProposalId, ProtocolVersion},
    record::RecordKey,
    records::{Proposal, ProposalStatus},
    rejection::Rejection,
};

use super::transitions::{
    org_status_after, policy_after, schedule_after, status_after_tally, tally, validator_set_after,
    validator_set_rotated,
};
use crate::{
    checks,
    executor::{Effects, TxContext, protocol_schedule},
    ports::{StateRead, StateWrite, load, store},
};

/// The protocol version that enables [`GovernanceChange::RotateValidatorKey`].
const ROTATE_VALIDATOR_KEY_SINCE: ProtocolVersion = ProtocolVersion(2);

/// The name suffix of the first admin member of an admitted org, as in genesis files.
const ADMIN_NAME_SUFFIX: &str = " 管理员";

/// `SubmitProposal`: an admin of a validator org opens a proposal. The change is checked against
/// the state now, so a proposal that could never apply is refused at once.
pub fn submit_proposal(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    change: &GovernanceChange,
    rationale: &str,
) -> Result<Effects, Rejection> {
    require_validator_admin(state, ctx)?;
    checks::text(rationale, true)?;
    check_change(state, ctx, change)?;
    let id = ProposalId(checks::next_id(state, "proposal"));
    let proposal = Proposal {
        id,
        change: change.clone(),
        rationale: rationale.to_owned(),
        proposer: ctx.signer.org.clone(),
        submitted_at: ctx.block.height,
        votes: Vec::new(),
        status: ProposalStatus::Open,
        decided_at: None,
    };
    store(state, RecordKey::Proposal(id), &proposal);
    let mut effects = Effects { orgs: orgs_named(change), ..Effects::default() };
    effects.event(
        "proposal.submitted",
        &[
            ("proposal", id.to_string()),
            ("org", proposal.proposer.to_string()),
            ("change", change_kind(change).to_owned()),
        ],
    );
    Ok(effects)
}

/// `VoteProposal`: an admin of a validator org casts its org's one vote. The vote that decides
/// the proposal closes it, and a passing one applies the change in the same tx.
pub fn vote_proposal(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ProposalId,
    approve: bool,
) -> Result<Effects, Rejection> {
    let validators = require_validator_admin(state, ctx)?;
    let mut proposal: Proposal =
        load(state, &RecordKey::Proposal(id)).ok_or(Rejection::ProposalUnknown)?;
    if proposal.status != ProposalStatus::Open {
        return Err(Rejection::ProposalNotOpen);
    }
    let org = ctx.signer.org.clone();
    if proposal.votes.iter().any(|(voter, _)| *voter == org) {
        return Err(Rejection::VoteAlreadyCast);
    }
    proposal.votes.push((org.clone(), approve));
    proposal.status = status_after_tally(tally(&proposal.votes, &validators));
    let mut effects = Effects::default();
    effects.event(
        "proposal.voted",
        &[("proposal", id.to_string()), ("org", org.to_string()), ("approve", approve.to_string())],
    );
    match proposal.status {
        ProposalStatus::Open => {}
        ProposalStatus::Passed => {
            check_change(state, ctx, &proposal.change)?;
            proposal.decided_at = Some(ctx.block.height);
            effects.event("proposal.passed", &[("proposal", id.to_string())]);
            apply_change(state, ctx, &proposal.change, &mut effects);
        }
        ProposalStatus::Rejected => {
            proposal.decided_at = Some(ctx.block.height);
            effects.event("proposal.rejected", &[("proposal", id.to_string())]);
        }
    }
    store(state, RecordKey::Proposal(id), &proposal);
    Ok(effects)
}

/// Checks that the signer is an org admin of an org running a validator; gives the set.
fn require_validator_admin(
    state: &impl StateRead,
    ctx: &TxContext<'_>,
) -> Result<ValidatorSet, Rejection> {
    ctx.require_role(Role::OrgAdmin)?;
    let validators = validator_set(state);
    if !validators.validators.iter().any(|v| v.org == ctx.signer.org) {
        return Err(Rejection::OrgNotValidator);
    }
    Ok(validators)
}

/// Checks that `change` can apply to the state as it stands, in the block `ctx` judges.
fn check_change(
    state: &impl StateRead,
    ctx: &TxContext<'_>,
    change: &GovernanceChange,
) -> Result<(), Rejection> {
    match change {
        GovernanceChange::AdmitOrg { id, name, parent, region, data_authority, admin, .. } => {
            checks::id(id.as_str())?;
            checks::text(name, true)?;
            checks::text(&admin_name(name), true)?;
            checks::id(region.as_str())?;
            checks::key(ctx.block.suite, admin)?;
            if let Some(parent) = parent {
                org(state, parent)?;
            }
            if state.get(&RecordKey::Org(id.clone())).is_some() {
                return Err(Rejection::OrgAlreadyExists);
            }
            if state.get(&RecordKey::Member(*admin)).is_some() {
                return Err(Rejection::MemberKeyInUse);
            }
            if *data_authority && checks::region_authority(state, region).is_some() {
                return Err(Rejection::DataAuthorityExists);
            }
            Ok(())
        }
        GovernanceChange::SuspendOrg { org: id } | GovernanceChange::ReinstateOrg { org: id } => {
            let status = org(state, id)?.status;
            org_status_after(status, change).expect("a status change").map(|_| ())
        }
        GovernanceChange::SetValidator { validator } => {
            checks::key(ctx.block.suite, &validator.node_key)?;
            org(state, &validator.org)?;
            validator_set_after(&validator_set(state), validator).map(|_| ())
        }
        GovernanceChange::SetPolicy { parameter } => {
            policy_after(&policy(state), parameter).map(|_| ())
        }
        GovernanceChange::SetCheckpointPolicy { policy } => {
            crate::anchoring::check_policy(ctx.block.suite, policy)
        }
        GovernanceChange::AdmitChildChain { chain_id, witnesses, .. } => {
            crate::anchoring::check_admit_child(state, ctx.block, chain_id, witnesses)
        }
        GovernanceChange::ScheduleUpgrade { version, height } => {
            schedule_after(&protocol_schedule(state), *version, *height, ctx.block.height)
                .map(|_| ())
        }
        GovernanceChange::RotateValidatorKey { old_key, new_key } => {
            if ctx.protocol < ROTATE_VALIDATOR_KEY_SINCE {
                return Err(Rejection::ActionNotYetEnabled);
            }
            checks::key(ctx.block.suite, new_key)?;
            validator_set_rotated(&validator_set(state), old_key, new_key).map(|_| ())
        }
        GovernanceChange::SetLifecyclePolicy { policy } => {
            crate::lifecycle::check_lifecycle_policy(ctx, policy)
        }
    }
}

/// Applies a passed change that [`check_change`] accepted.
fn apply_change(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    change: &GovernanceChange,
    effects: &mut Effects,
) {
    let checked = "the change was checked in this tx";
    effects.orgs.extend(orgs_named(change));
    if crate::anchoring::apply_change(state, ctx, change, effects).is_some() {
        return;
    }
    match change {
        GovernanceChange::AdmitOrg { id, name, level, parent, region, data_authority, admin } => {
            let org = Org {
                id: id.clone(),
                name: name.clone(),
                level: *level,
                parent: parent.clone(),
                region: region.clone(),
                data_authority: *data_authority,
                status: OrgStatus::Active,
            };
            let member = Member {
                key: *admin,
                org: id.clone(),
                name: admin_name(name),
                roles: vec![Role::OrgAdmin],
                status: MemberStatus::Active,
            };
            store(state, RecordKey::Org(id.clone()), &org);
            store(state, RecordKey::Member(*admin), &member);
            if *data_authority {
                store(state, RecordKey::RegionAuthority(region.clone()), id);
            }
            effects.event(
                "org.admitted",
                &[("org", id.to_string()), ("name", name.clone()), ("admin", admin.to_string())],
            );
            effects.event(
                "member.registered",
                &[
                    ("member", admin.to_string()),
                    ("org", id.to_string()),
                    ("roles", "org-admin".into()),
                ],
            );
        }
        GovernanceChange::SuspendOrg { org: id } | GovernanceChange::ReinstateOrg { org: id } => {
            let mut record = org(state, id).expect(checked);
            record.status = org_status_after(record.status, change).expect(checked).expect(checked);
            store(state, RecordKey::Org(id.clone()), &record);
            let kind = match record.status {
                OrgStatus::Active => "org.reinstated",
                OrgStatus::Suspended => "org.suspended",
            };
            effects.event(kind, &[("org", id.to_string())]);
        }
        GovernanceChange::SetValidator { validator } => {
            let set = validator_set_after(&validator_set(state), validator).expect(checked);
            store(state, RecordKey::ValidatorSet, &set);
            effects.event(
                "validator.set",
                &[
                    ("node_key", validator.node_key.to_string()),
                    ("org", validator.org.to_string()),
                    ("power", validator.power.to_string()),
                ],
            );
        }
        GovernanceChange::SetPolicy { parameter } => {
            let next = policy_after(&policy(state), parameter).expect(checked);
            store(state, RecordKey::Policy, &next);
            effects.event("policy.set", &[("parameter", parameter_name(parameter).to_owned())]);
        }
        GovernanceChange::SetCheckpointPolicy { .. } | GovernanceChange::AdmitChildChain { .. } => {
            unreachable!("applied by the anchoring module")
        }
        GovernanceChange::ScheduleUpgrade { version, height } => {
            let schedule =
                schedule_after(&protocol_schedule(state), *version, *height, ctx.block.height)
                    .expect(checked);
            store(state, RecordKey::Protocol, &schedule);
            effects.event(
                "protocol.scheduled",
                &[("version", version.to_string()), ("height", height.to_string())],
            );
        }
        GovernanceChange::RotateValidatorKey { old_key, new_key } => {
            let set = validator_set(state);
            let org = set.get(old_key).expect(checked).org.clone();
            let rotated = validator_set_rotated(&set, old_key, new_key).expect(checked);
            store(state, RecordKey::ValidatorSet, &rotated);
            effects.orgs.push(org.clone());
            effects.event(
                "validator.key_rotated",
                &[
                    ("old_key", old_key.to_string()),
                    ("new_key", new_key.to_string()),
                    ("org", org.to_string()),
                ],
            );
        }
        GovernanceChange::SetLifecyclePolicy { policy } => {
            store(state, RecordKey::LifecyclePolicy, policy);
            effects.event(
                "lifecycle_policy.set",
                &[("close_out_working_days", policy.close_out_working_days.to_string())],
            );
        }
    }
}

fn org(state: &impl StateRead, id: &OrgId) -> Result<Org, Rejection> {
    load(state, &RecordKey::Org(id.clone())).ok_or(Rejection::OrgUnknown)
}

fn validator_set(state: &impl StateRead) -> ValidatorSet {
    load(state, &RecordKey::ValidatorSet).expect("genesis stores the validator set")
}

fn policy(state: &impl StateRead) -> Policy {
    load(state, &RecordKey::Policy).expect("genesis stores the policy")
}

fn admin_name(org_name: &str) -> String {
    format!("{org_name}{ADMIN_NAME_SUFFIX}")
}

/// The orgs a change concerns, for the node's per-org indexes.
fn orgs_named(change: &GovernanceChange) -> Vec<OrgId> {
    match change {
        GovernanceChange::AdmitOrg { id, .. }
        | GovernanceChange::SuspendOrg { org: id }
        | GovernanceChange::ReinstateOrg { org: id } => vec![id.clone()],
        GovernanceChange::SetValidator { validator } => vec![validator.org.clone()],
        GovernanceChange::SetPolicy { .. }
        | GovernanceChange::SetCheckpointPolicy { .. }
        | GovernanceChange::AdmitChildChain { .. }
        | GovernanceChange::ScheduleUpgrade { .. }
        | GovernanceChange::RotateValidatorKey { .. }
        | GovernanceChange::SetLifecyclePolicy { .. } => Vec::new(),
    }
}

fn change_kind(change: &GovernanceChange) -> &'static str {
    match change {
        GovernanceChange::AdmitOrg { .. } => "admit_org",
        GovernanceChange::SuspendOrg { .. } => "suspend_org",
        GovernanceChange::ReinstateOrg { .. } => "reinstate_org",
        GovernanceChange::SetValidator { .. } => "set_validator",
        GovernanceChange::SetPolicy { .. } => "set_policy",
        GovernanceChange::SetCheckpointPolicy { .. } => "set_checkpoint_policy",
        GovernanceChange::AdmitChildChain { .. } => "admit_child_chain",
        GovernanceChange::ScheduleUpgrade { .. } => "schedule_upgrade",
        GovernanceChange::RotateValidatorKey { .. } => "rotate_validator_key",
        GovernanceChange::SetLifecyclePolicy { .. } => "set_lifecycle_policy",
    }
}

fn parameter_name(parameter: &PolicyParameter) -> &'static str {
    match parameter {
        PolicyParameter::CatalogUpdateWorkingDays(_) => "catalog_update_working_days",
        PolicyParameter::ResourceRegistrationWorkingDays(_) => "resource_registration_working_days",
        PolicyParameter::ShareAnswerWorkingDays(_) => "share_answer_working_days",
        PolicyParameter::CorrectionWorkingDays(_) => "correction_working_days",
        PolicyParameter::PublicNoticeDays(_) => "public_notice_days",
        PolicyParameter::GrantTermDaysMax(_) => "grant_term_days_max",
        PolicyParameter::AddCalendar { .. } => "add_calendar",
        PolicyParameter::AddLegalBasis(_) => "add_legal_basis",
        PolicyParameter::RecordSignedReads(_) => "record_signed_reads",
    }
}
