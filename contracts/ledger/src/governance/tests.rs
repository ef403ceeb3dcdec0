//! Governance on the dev network: four validator orgs (fj-sjj, xm-dsj, xm-gaj, xm-scjg), each
//! with power 10, so three approvals pass a proposal and two refusals reject it.

use onebook_genesis::dev_secret;
use onebook_types::{
    action::{Action, GovernanceChange, PolicyParameter},
    block::Receipt,
    consortium::{
        LegalBasis, Member, Org, OrgLevel, OrgStatus, Policy, ProtocolUpgrade, Validator,
        ValidatorSet,
    },
    ids::{Height, LegalBasisCode, OrgId, ProposalId, ProtocolVersion, RegionCode},
    record::RecordKey,
    records::{Proposal, ProposalStatus},
    rejection::Rejection,
};

use crate::{
    executor::{protocol_schedule, protocol_version},
    ports::{StateRead, load},
    testkit::{Chain, public, refusal},
};

const VALIDATOR_ADMINS: [&str; 4] =
    ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin", "xm-scjg/admin"];

fn admit_district() -> GovernanceChange {
    admit("xm-sm", "xm-gov")
}

fn admit(id: &str, parent: &str) -> GovernanceChange {
    GovernanceChange::AdmitOrg {
        id: OrgId::from(id),
        name: "厦门市思明区人民政府".into(),
        level: OrgLevel::District,
        parent: Some(OrgId::from(parent)),
        region: RegionCode::from("350203"),
        data_authority: false,
        admin: public("xm-sm/admin"),
    }
}

fn submit(chain: &mut Chain, label: &str, change: GovernanceChange) -> Receipt {
    chain.run(label, Action::SubmitProposal { change, rationale: "思明区接入一本账".into() })
}

fn vote(chain: &mut Chain, label: &str, approve: bool) -> Receipt {
    chain.run(label, Action::VoteProposal { proposal: ProposalId(1), approve })
}

fn proposal(chain: &Chain) -> Proposal {
    load(&chain.state, &RecordKey::Proposal(ProposalId(1))).expect("proposal 1")
}

/// Submits `change` as xm-dsj and has the first `yes` validator admins approve it.
fn pass(chain: &mut Chain, change: GovernanceChange) -> Receipt {
    assert_eq!(refusal(&submit(chain, "xm-dsj/admin", change)), None);
    let mut last = None;
    for label in &VALIDATOR_ADMINS[..3] {
        last = Some(vote(chain, label, true));
    }
    last.expect("three votes")
}

#[test]
fn three_of_four_validator_orgs_admit_an_org_with_its_admin() {
    let mut chain = Chain::dev();
    assert_eq!(refusal(&submit(&mut chain, "xm-dsj/admin", admit_district())), None);

    let first = vote(&mut chain, "fj-sjj/admin", true);
    let second = vote(&mut chain, "xm-dsj/admin", true);
    let open = proposal(&chain).status;
    let third = vote(&mut chain, "xm-gaj/admin", true);

    assert_eq!([refusal(&first), refusal(&second)], [None, None]);
    assert_eq!(open, ProposalStatus::Open);
    assert_eq!(refusal(&third), None);
    let kinds: Vec<&str> = third.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["proposal.voted", "proposal.passed", "org.admitted", "member.registered"]);
    assert_eq!(proposal(&chain).status, ProposalStatus::Passed);
    let org: Org = load(&chain.state, &RecordKey::Org(OrgId::from("xm-sm"))).expect("admitted");
    assert_eq!(org.status, OrgStatus::Active);
    let admin: Member = chain.member(public("xm-sm/admin")).expect("its admin");
    assert!(admin.can(onebook_types::consortium::Role::OrgAdmin));
    let late = vote(&mut chain, "xm-scjg/admin", true);
    assert_eq!(refusal(&late), Some(Rejection::ProposalNotOpen));
}

/// `admit_district` as the data authority of its region, under `region`.
fn admit_authority(region: &str) -> GovernanceChange {
    match admit_district() {
        GovernanceChange::AdmitOrg { id, name, level, parent, admin, .. } => {
            let region = RegionCode::from(region);
            GovernanceChange::AdmitOrg {
                id,
                name,
                level,
                parent,
                region,
                data_authority: true,
                admin,
            }
        }
        _ => unreachable!("admit_district admits an org"),
    }
}

#[test]
fn a_region_has_one_data_authority_and_an_admitted_one_is_indexed() {
    let mut chain = Chain::dev();

    let second_in_xiamen = submit(&mut chain, "xm-dsj/admin", admit_authority("350200"));
    let admitted = pass(&mut chain, admit_authority("350203"));

    assert_eq!(refusal(&second_in_xiamen), Some(Rejection::DataAuthorityExists));
    assert_eq!(refusal(&admitted), None);
    let authority: Option<OrgId> =
        load(&chain.state, &RecordKey::RegionAuthority(RegionCode::from("350203")));
    assert_eq!(authority, Some(OrgId::from("xm-sm")));
    let xiamen: Option<OrgId> =
        load(&chain.state, &RecordKey::RegionAuthority(RegionCode::from("350200")));
    assert_eq!(xiamen, Some(OrgId::from("xm-dsj")));
}

#[test]
fn a_data_authority_admitted_while_another_proposal_waits_makes_that_one_fail_to_pass() {
    let mut chain = Chain::dev();
    assert_eq!(refusal(&submit(&mut chain, "xm-dsj/admin", admit_authority("350203"))), None);
    let other = match admit_authority("350203") {
        GovernanceChange::AdmitOrg { level, parent, region, data_authority, .. } => {
            GovernanceChange::AdmitOrg {
                id: OrgId::from("xm-sm-dsj"),
                name: "思明区数据局".into(),
                level,
                parent,
                region,
                data_authority,
                admin: public("xm-sm-dsj/admin"),
            }
        }
        _ => unreachable!("an admission"),
    };
    assert_eq!(refusal(&submit(&mut chain, "xm-dsj/admin", other)), None);
    for label in &VALIDATOR_ADMINS[..3] {
        vote(&mut chain, label, true);
    }

    let mut last = None;
    for label in &VALIDATOR_ADMINS[..3] {
        last =
            Some(chain.run(label, Action::VoteProposal { proposal: ProposalId(2), approve: true }));
    }

    assert_eq!(refusal(&last.expect("votes")), Some(Rejection::DataAuthorityExists));
}

#[test]
fn two_refusals_of_four_reject_a_proposal_and_change_nothing() {
    let mut chain = Chain::dev();
    submit(&mut chain, "xm-dsj/admin", admit_district());

    let yes = vote(&mut chain, "xm-dsj/admin", true);
    let no = vote(&mut chain, "xm-gaj/admin", false);
    let deciding = vote(&mut chain, "xm-scjg/admin", false);

    assert_eq!([refusal(&yes), refusal(&no), refusal(&deciding)], [None, None, None]);
    assert_eq!(deciding.events[1].kind, "proposal.rejected");
    assert_eq!(proposal(&chain).status, ProposalStatus::Rejected);
    assert!(chain.state.get(&RecordKey::Org(OrgId::from("xm-sm"))).is_none());
}

#[test]
fn an_org_votes_once() {
    let mut chain = Chain::dev();
    submit(&mut chain, "xm-dsj/admin", admit_district());
    vote(&mut chain, "xm-dsj/admin", true);

    let again = vote(&mut chain, "xm-dsj/admin", false);

    assert_eq!(refusal(&again), Some(Rejection::VoteAlreadyCast));
}

#[test]
fn only_admins_of_validator_orgs_take_part() {
    let mut chain = Chain::dev();

    let not_validator = submit(&mut chain, "xm-djzx/admin", admit_district());
    let not_admin = submit(&mut chain, "xm-gaj/catalog-clerk", admit_district());
    let no_rationale = chain.run(
        "xm-dsj/admin",
        Action::SubmitProposal { change: admit_district(), rationale: String::new() },
    );
    let unknown = vote(&mut chain, "xm-dsj/admin", true);

    assert_eq!(refusal(&not_validator), Some(Rejection::OrgNotValidator));
    assert_eq!(refusal(&not_admin), Some(Rejection::RoleMissing));
    assert_eq!(refusal(&no_rationale), Some(Rejection::TextRequired));
    assert_eq!(refusal(&unknown), Some(Rejection::ProposalUnknown));
}

#[test]
fn impossible_changes_are_refused_when_submitted() {
    let mut chain = Chain::dev();
    let existing = admit("xm-gaj", "xm-gov");
    let bad_id = admit("xm sm", "xm-gov");
    let orphan = admit("xm-sm", "nowhere");
    let active = GovernanceChange::ReinstateOrg { org: OrgId::from("xm-gaj") };
    let remove_absent = GovernanceChange::SetValidator {
        validator: Validator { node_key: public("no-node"), org: OrgId::from("xm-gaj"), power: 0 },
    };
    let zero_days =
        GovernanceChange::SetPolicy { parameter: PolicyParameter::ShareAnswerWorkingDays(0) };

    let codes: Vec<Option<Rejection>> =
        [existing, bad_id, orphan, active, remove_absent, zero_days]
            .into_iter()
            .map(|change| refusal(&submit(&mut chain, "xm-dsj/admin", change)))
            .collect();

    assert_eq!(
        codes,
        [
            Some(Rejection::OrgAlreadyExists),
            Some(Rejection::IdMalformed),
            Some(Rejection::OrgUnknown),
            Some(Rejection::OrgStatusUnchanged),
            Some(Rejection::ValidatorChangeInvalid),
            Some(Rejection::PolicyChangeInvalid),
        ]
    );
}

#[test]
fn a_suspended_org_signs_nothing_until_reinstated() {
    let mut chain = Chain::dev();
    pass(&mut chain, GovernanceChange::SuspendOrg { org: OrgId::from("xm-jypt") });

    let suspended = chain.run("xm-jypt/admin", Action::RotateMemberKey { new_key: public("k") });

    assert_eq!(refusal(&suspended), Some(Rejection::OrgSuspended));
}

#[test]
fn a_passed_validator_change_writes_the_new_set() {
    let mut chain = Chain::dev();
    let node = dev_secret("xm-djzx/node").public_key();
    let validator = Validator { node_key: node, org: OrgId::from("xm-djzx"), power: 5 };

    let receipt = pass(&mut chain, GovernanceChange::SetValidator { validator: validator.clone() });

    assert_eq!(refusal(&receipt), None);
    let set: ValidatorSet = load(&chain.state, &RecordKey::ValidatorSet).expect("set");
    assert_eq!(set.get(&node), Some(&validator));
    assert_eq!(set.total_power(), 45);
}

#[test]
fn a_passed_policy_change_updates_the_policy() {
    let mut chain = Chain::dev();
    let basis = LegalBasis {
        code: LegalBasisCode::from("dsl-21"),
        title: "《数据安全法》第二十一条".into(),
    };

    pass(
        &mut chain,
        GovernanceChange::SetPolicy { parameter: PolicyParameter::AddLegalBasis(basis) },
    );

    let policy: Policy = load(&chain.state, &RecordKey::Policy).expect("policy");
    assert!(policy.has_legal_basis(&LegalBasisCode::from("dsl-21")));
}

#[test]
fn a_change_that_no_longer_applies_refuses_the_deciding_vote() {
    let mut chain = Chain::dev();
    submit(&mut chain, "xm-dsj/admin", admit_district());
    submit(&mut chain, "xm-dsj/admin", admit_district());
    for label in &VALIDATOR_ADMINS[..3] {
        vote(&mut chain, label, true);
    }
    let second = |approve| Action::VoteProposal { proposal: ProposalId(2), approve };
    chain.run("fj-sjj/admin", second(true));
    chain.run("xm-dsj/admin", second(true));

    let deciding = chain.run("xm-gaj/admin", second(true));

    assert_eq!(refusal(&deciding), Some(Rejection::OrgAlreadyExists));
    let open: Proposal = load(&chain.state, &RecordKey::Proposal(ProposalId(2))).expect("kept");
    assert_eq!(open.status, ProposalStatus::Open);
}

fn schedule(version: u64, height: u64) -> GovernanceChange {
    GovernanceChange::ScheduleUpgrade { version: ProtocolVersion(version), height: Height(height) }
}

fn rotate(org: &str, new_label: &str) -> GovernanceChange {
    GovernanceChange::RotateValidatorKey {
        old_key: public(&format!("{org}/node")),
        new_key: public(new_label),
    }
}

/// Passes `change` as the next proposal: xm-dsj submits it, three validator orgs approve it.
fn pass_next(chain: &mut Chain, change: GovernanceChange) -> Receipt {
    assert_eq!(refusal(&submit(chain, "xm-dsj/admin", change)), None);
    let id: u64 = load(&chain.state, &RecordKey::Sequence("proposal".into())).expect("a proposal");
    let mut last = None;
    for label in &VALIDATOR_ADMINS[..3] {
        last = Some(
            chain.run(label, Action::VoteProposal { proposal: ProposalId(id), approve: true }),
        );
    }
    last.expect("three votes")
}

#[test]
fn an_upgrade_is_scheduled_as_the_next_version_at_a_later_height() {
    let mut chain = Chain::dev();

    let skipping = submit(&mut chain, "xm-dsj/admin", schedule(3, 100));
    let same = submit(&mut chain, "xm-dsj/admin", schedule(1, 100));
    let past = submit(&mut chain, "xm-dsj/admin", schedule(2, 2));
    let passed = pass_next(&mut chain, schedule(2, 100));
    let earlier_than_the_last = submit(&mut chain, "xm-dsj/admin", schedule(3, 50));

    assert_eq!(refusal(&skipping), Some(Rejection::PolicyChangeInvalid));
    assert_eq!(refusal(&same), Some(Rejection::PolicyChangeInvalid));
    assert_eq!(refusal(&past), Some(Rejection::PolicyChangeInvalid));
    assert_eq!(refusal(&passed), None);
    let scheduled = passed.events.iter().find(|e| e.kind == "protocol.scheduled").expect("event");
    assert_eq!(
        scheduled.attributes,
        [("version".into(), "2".into()), ("height".into(), "100".into())]
    );
    assert_eq!(refusal(&earlier_than_the_last), Some(Rejection::PolicyChangeInvalid));
    let schedule = protocol_schedule(&chain.state);
    assert_eq!(
        schedule.upgrades,
        [ProtocolUpgrade { version: ProtocolVersion(2), height: Height(100) }]
    );
    assert_eq!(protocol_version(&chain.state, Height(99)), ProtocolVersion(1));
    assert_eq!(protocol_version(&chain.state, Height(100)), ProtocolVersion(2));
}

#[test]
fn an_upgrade_whose_height_passed_while_it_was_voted_on_is_not_applied() {
    let mut chain = Chain::dev();
    // Submitted in block 1 for height 3; the deciding vote comes in block 4.
    assert_eq!(refusal(&submit(&mut chain, "xm-dsj/admin", schedule(2, 3))), None);
    vote(&mut chain, "fj-sjj/admin", true);
    vote(&mut chain, "xm-dsj/admin", true);

    let deciding = vote(&mut chain, "xm-gaj/admin", true);

    assert_eq!(refusal(&deciding), Some(Rejection::PolicyChangeInvalid));
    assert_eq!(proposal(&chain).status, ProposalStatus::Open);
    assert_eq!(protocol_schedule(&chain.state).latest(), ProtocolVersion(1));
}

#[test]
fn blocks_below_the_activation_height_are_judged_by_the_old_rules_and_above_by_the_new() {
    // Version 2 enables validator-key rotation. Scheduled for height 10: a rotation submitted
    // in a block below 10 is refused as not yet enabled, the same one at 10 is accepted.
    let mut chain = Chain::dev();
    pass_next(&mut chain, schedule(2, 10));
    let before_height = chain.context().height;
    let before = submit(&mut chain, "xm-dsj/admin", rotate("xm-dsj", "xm-dsj/node-2"));
    while chain.context().height < Height(10) {
        chain.block(&[]);
    }
    let at_height = chain.context().height;
    let after = submit(&mut chain, "xm-dsj/admin", rotate("xm-dsj", "xm-dsj/node-2"));

    assert!(before_height < Height(10));
    assert_eq!(refusal(&before), Some(Rejection::ActionNotYetEnabled));
    assert_eq!(at_height, Height(10));
    assert_eq!(refusal(&after), None);
}

#[test]
fn a_rotated_validator_keeps_its_org_and_power_under_its_new_key() {
    let mut chain = Chain::dev();
    pass_next(&mut chain, schedule(2, 6));
    while chain.context().height < Height(6) {
        chain.block(&[]);
    }
    let before: ValidatorSet = load(&chain.state, &RecordKey::ValidatorSet).expect("set");
    let taken = submit(&mut chain, "xm-dsj/admin", rotate("xm-dsj", "xm-gaj/node"));
    let unknown = submit(&mut chain, "xm-dsj/admin", rotate("xm-sm", "xm-dsj/node-2"));

    let passed = pass_next(&mut chain, rotate("xm-dsj", "xm-dsj/node-2"));

    assert_eq!(refusal(&taken), Some(Rejection::ValidatorChangeInvalid));
    assert_eq!(refusal(&unknown), Some(Rejection::ValidatorChangeInvalid));
    assert_eq!(refusal(&passed), None);
    assert!(passed.events.iter().any(|e| e.kind == "validator.key_rotated"));
    let after: ValidatorSet = load(&chain.state, &RecordKey::ValidatorSet).expect("set");
    assert_eq!(after.validators.len(), before.validators.len());
    assert_eq!(after.get(&public("xm-dsj/node")), None);
    let rotated = after.get(&public("xm-dsj/node-2")).expect("the new key");
    let old = before.get(&public("xm-dsj/node")).expect("the old key");
    assert_eq!((&rotated.org, rotated.power), (&old.org, old.power));
    assert!(after.validators.windows(2).all(|pair| pair[0].node_key < pair[1].node_key));
    assert_eq!(after.total_power(), before.total_power());
}
