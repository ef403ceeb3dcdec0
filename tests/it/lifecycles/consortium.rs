//! The consortium: a member registered, given roles, rotated to a new key and revoked; an org
//! admitted, suspended and reinstated by governance; a proposal rejected.

use onebook_types::{
    action::{Action, GovernanceChange, PolicyParameter},
    consortium::{OrgLevel, Role},
    ids::{OrgId, ProposalId, RegionCode},
};

use onebook_types::suite::Suite;

use super::{Ledger, in_order, key};

/// The admins of three of the four validator orgs: enough to pass a proposal.
const VOTERS: [&str; 3] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"];

fn register(suite: Suite, label: &str, name: &str, roles: Vec<Role>) -> Action {
    Action::RegisterMember { key: key(suite, label), name: name.to_owned(), roles }
}

fn vote(proposal: ProposalId, approve: bool) -> Action {
    Action::VoteProposal { proposal, approve }
}

/// Submits `change` as the first voter's org and has all three voters approve it; its id.
/// Submits `change` as the first voter's org and has all three voters approve it; the events
/// of the deciding vote, and its block's height.
fn pass(ledger: &Ledger, change: GovernanceChange, rationale: &str) -> (Vec<String>, u64) {
    let submit = Action::SubmitProposal { change, rationale: rationale.to_owned() };
    let receipt = ledger.accept(VOTERS[0], submit, &["proposal.submitted"]);
    let id = ProposalId(receipt.number("proposal.submitted", "proposal").unwrap());
    let votes = VOTERS.iter().map(|voter| (*voter, vote(id, true))).collect();
    let receipts = ledger.accept_all(votes);
    // Txs of different signers may reach the proposer in another order than they were sent.
    let deciding = receipts
        .iter()
        .find(|receipt| receipt.event("proposal.passed").is_some())
        .unwrap_or_else(|| panic!("no vote passed the proposal: {receipts:?}"));
    (deciding.kinds().into_iter().map(str::to_owned).collect(), deciding.height)
}

#[test]
fn members_and_orgs_go_through_their_lifecycles_over_http() {
    members_and_orgs_go_through_their_lifecycles_over_http_in(Suite::Ed25519Blake3);
}

/// As [`members_and_orgs_go_through_their_lifecycles_over_http`], on a chain of `suite`.
pub(super) fn members_and_orgs_go_through_their_lifecycles_over_http_in(suite: Suite) {
    let ledger = Ledger::start_in(suite);
    let admin = "xm-jypt/admin";
    let analyst = "xm-jypt/analyst";
    let rotated = "xm-jypt/analyst-rotated";
    let member = |label: &str| format!("/v1/members/{}", key(suite, label));

    // Registered by its org's admin, with a role.
    let receipt = ledger.accept(
        admin,
        register(suite, analyst, "厦门数据交易平台 数据分析员", vec![Role::DataUser]),
        &["member.registered"],
    );
    assert_eq!(receipt.attribute("member.registered", "org"), Some("xm-jypt"));
    let record = ledger.record(&member(analyst));
    assert_eq!(
        (record["org"].as_str(), record["status"].as_str()),
        (Some("xm-jypt"), Some("active"))
    );
    assert_eq!(record["roles"], serde_json::json!(["data-user"]));
    // A key is bound once; only an admin registers; roles are sorted.
    ledger.refuse(
        admin,
        register(suite, analyst, "重复", vec![Role::DataUser]),
        "MemberKeyInUse",
        13,
    );
    ledger.turned_away(
        "xm-jypt/data-user",
        register(suite, "xm-jypt/other", "未授权", vec![Role::DataUser]),
        "RoleMissing",
        2,
    );
    let unsorted = Action::SetMemberRoles {
        key: key(suite, analyst),
        roles: vec![Role::Auditor, Role::DataUser],
    };
    ledger.refuse(admin, unsorted, "RolesNotSorted", 15);
    let foreign = Action::SetMemberRoles { key: key(suite, analyst), roles: vec![Role::DataUser] };
    ledger.refuse("xm-scjg/admin", foreign, "MemberOfAnotherOrg", 18);

    // Roles replaced.
    let roles = Action::SetMemberRoles {
        key: key(suite, analyst),
        roles: vec![Role::DataUser, Role::Auditor],
    };
    ledger.accept(admin, roles, &["member.roles_set"]);
    assert_eq!(
        ledger.record(&member(analyst))["roles"],
        serde_json::json!(["data-user", "auditor"])
    );

    // Rotated: the old key is revoked, the new one carries the member on.
    ledger.accept(
        analyst,
        Action::RotateMemberKey { new_key: key(suite, rotated) },
        &["member.key_rotated"],
    );
    assert_eq!(ledger.record(&member(analyst))["status"], "revoked");
    let record = ledger.record(&member(rotated));
    assert_eq!(
        (record["status"].as_str(), record["org"].as_str()),
        (Some("active"), Some("xm-jypt"))
    );
    assert_eq!(record["roles"], serde_json::json!(["data-user", "auditor"]));
    let stale = Action::RotateMemberKey { new_key: key(suite, "xm-jypt/never") };
    ledger.turned_away(analyst, stale, "SignerRevoked", 4);

    // Revoked by its admin, once.
    let revoke =
        |reason: &str| Action::RevokeMember { key: key(suite, rotated), reason: reason.to_owned() };
    ledger.accept(admin, revoke("岗位调整"), &["member.revoked"]);
    assert_eq!(ledger.record(&member(rotated))["status"], "revoked");
    ledger.refuse(admin, revoke("再次撤销"), "MemberAlreadyRevoked", 19);
    let timeline = ledger.timeline(&format!("member:{}", key(suite, analyst)));
    assert!(
        in_order(&timeline, &["register_member", "set_member_roles", "rotate_member_key"]),
        "{timeline:?}"
    );

    // An org admitted by the validator orgs' votes: open until more than two thirds approve.
    let admit = onebook_tests::devnet::admit_hlq(suite);
    let submit = Action::SubmitProposal { change: admit, rationale: "湖里区接入".to_owned() };
    let receipt = ledger.accept(VOTERS[0], submit, &["proposal.submitted"]);
    let id = ProposalId(receipt.number("proposal.submitted", "proposal").unwrap());
    let proposal = format!("/v1/proposals/{id}");
    assert_eq!(ledger.record(&proposal)["status"], "open");
    ledger.accept_all(vec![(VOTERS[0], vote(id, true)), (VOTERS[1], vote(id, true))]);
    let record = ledger.record(&proposal);
    assert_eq!(
        (record["status"].as_str(), record["votes"].as_array().map(Vec::len)),
        (Some("open"), Some(2))
    );
    ledger.refuse(VOTERS[0], vote(id, true), "VoteAlreadyCast", 23);
    ledger.refuse("xm-jypt/admin", vote(id, true), "OrgNotValidator", 20);
    ledger.accept(
        VOTERS[2],
        vote(id, true),
        &["proposal.voted", "proposal.passed", "org.admitted", "member.registered"],
    );
    assert_eq!(ledger.record(&proposal)["status"], "passed");
    let org = ledger.record("/v1/orgs/xm-hlq");
    assert_eq!((org["status"].as_str(), org["level"].as_str()), (Some("active"), Some("district")));
    ledger.refuse("xm-scjg/admin", vote(id, true), "ProposalNotOpen", 22);
    ledger.accept(
        "xm-hlq/admin",
        register(suite, "xm-hlq/catalog-clerk", "湖里区 目录编制人员", vec![Role::CatalogClerk]),
        &["member.registered"],
    );

    // What a proposal could never do is refused when proposed.
    let second_authority = GovernanceChange::AdmitOrg {
        id: OrgId::from("xm-sjzx"),
        name: "厦门市数据中心".to_owned(),
        level: OrgLevel::City,
        parent: Some(OrgId::from("xm-gov")),
        region: RegionCode::from("350200"),
        data_authority: true,
        admin: key(suite, "xm-sjzx/admin"),
    };
    let zero =
        GovernanceChange::SetPolicy { parameter: PolicyParameter::ShareAnswerWorkingDays(0) };
    let propose = |change| Action::SubmitProposal { change, rationale: "测试".to_owned() };
    ledger.refuse_all(vec![
        (VOTERS[0], propose(second_authority), "DataAuthorityExists", 29),
        (VOTERS[0], propose(zero), "PolicyChangeInvalid", 28),
    ]);

    // Suspended: its members' txs are turned away; reinstated: they act again.
    let (events, _) =
        pass(&ledger, GovernanceChange::SuspendOrg { org: OrgId::from("xm-hlq") }, "暂停接入");
    assert!(events.contains(&"org.suspended".to_owned()), "{events:?}");
    assert_eq!(ledger.record("/v1/orgs/xm-hlq")["status"], "suspended");
    let blocked =
        register(suite, "xm-hlq/share-approver", "湖里区 共享审核人", vec![Role::ShareApprover]);
    ledger.turned_away("xm-hlq/admin", blocked.clone(), "OrgSuspended", 5);
    let (events, _) =
        pass(&ledger, GovernanceChange::ReinstateOrg { org: OrgId::from("xm-hlq") }, "恢复接入");
    assert!(events.contains(&"org.reinstated".to_owned()), "{events:?}");
    assert_eq!(ledger.record("/v1/orgs/xm-hlq")["status"], "active");
    ledger.accept("xm-hlq/admin", blocked, &["member.registered"]);
    let timeline = ledger.timeline("org:xm-hlq");
    assert!(
        in_order(
            &timeline,
            &[
                "vote_proposal",
                "register_member",
                "vote_proposal",
                "vote_proposal",
                "register_member"
            ]
        ),
        "{timeline:?}"
    );

    // The validator set changed by governance: a validator added (no node runs it, and its
    // power is small enough that the four running ones still commit) and removed again. The
    // block that passes a change names the new set as its next set; the chain goes on.
    let validator = |power| GovernanceChange::SetValidator {
        validator: onebook_types::consortium::Validator {
            node_key: key(suite, "xm-djzx/node"),
            org: OrgId::from("xm-djzx"),
            power,
        },
    };
    let header = |height: u64| {
        let block = ledger.client.get(&format!("/v1/blocks/{height}")).unwrap();
        let hash = |name: &str| block["header"][name].as_str().unwrap().to_owned();
        (hash("validator_set_hash"), hash("next_validator_set_hash"))
    };
    let (genesis_set, _) = header(1);
    let (events, added_at) = pass(&ledger, validator(1), "登记中心节点加入");
    assert!(events.contains(&"validator.set".to_owned()), "{events:?}");
    let (current, next) = header(added_at);
    assert_eq!(current, genesis_set);
    assert_ne!(next, genesis_set, "the block that adds a validator names the larger set next");
    let (events, removed_at) = pass(&ledger, validator(0), "登记中心节点退出");
    assert!(events.contains(&"validator.set".to_owned()), "{events:?}");
    assert_eq!(header(removed_at), (next, genesis_set), "and the removal names it again");
    ledger.accept(
        "xm-hlq/admin",
        register(suite, "xm-hlq/gateway", "湖里区 网关", vec![Role::DataUser]),
        &["member.registered"],
    );

    // Rejected once a third of the power is against it.
    let longer =
        GovernanceChange::SetPolicy { parameter: PolicyParameter::GrantTermDaysMax(3_650) };
    let submit =
        Action::SubmitProposal { change: longer, rationale: "延长授权期限".to_owned() };
    let receipt = ledger.accept(VOTERS[0], submit, &["proposal.submitted"]);
    let id = ProposalId(receipt.number("proposal.submitted", "proposal").unwrap());
    ledger.accept(VOTERS[1], vote(id, false), &["proposal.voted"]);
    ledger.accept(VOTERS[2], vote(id, false), &["proposal.voted", "proposal.rejected"]);
    assert_eq!(ledger.record(&format!("/v1/proposals/{id}"))["status"], "rejected");
}
