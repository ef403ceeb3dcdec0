//! Every rejection code is reached by a real tx through the executor.
//!
//! Each domain module answers, for the codes it owns, with a [`Reach`]: a chain prepared up to
//! the refusal and the tx that is refused. The checks here run each one and compare the
//! receipt's code, so a code that no test reaches, or a reach that stops being refused with its
//! code, fails the suite. The admission and consortium codes are reached here.

use onebook_genesis::dev_secret;
use onebook_types::{
    action::{Action, GovernanceChange, PolicyParameter},
    consortium::{OrgLevel, Role, Validator},
    ids::{ChainId, Height, OrgId, ProposalId, RegionCode},
    keys::PublicKey,
    limits::LIST_ITEMS_MAX,
    rejection::Rejection,
};

use crate::testkit::{Chain, Reach, public, refusal, signed};

/// Codes that no action of this chain version can reach, with the reason.
pub(crate) const UNREACHABLE: &[(Rejection, &str)] = &[];

/// The reach of `rejection`, asking each module in turn.
pub(crate) fn reach(rejection: Rejection) -> Option<Reach> {
    let modules: [fn(Rejection) -> Option<Reach>; 11] = [
        admission_and_consortium,
        governance,
        crate::catalog::reach,
        crate::sharing::reach,
        crate::quality::reach::reach,
        crate::property::reach::reach,
        crate::reads::reach,
        crate::anchoring::reach,
        crate::lifecycle::reach,
        crate::development::reach,
        crate::reports::reach,
    ];
    modules.iter().find_map(|module| module(rejection))
}

fn register(key: PublicKey, name: &str, roles: Vec<Role>) -> Action {
    Action::RegisterMember { key, name: name.into(), roles }
}

fn admit(id: &str) -> GovernanceChange {
    GovernanceChange::AdmitOrg {
        id: OrgId::from(id),
        name: "厦门市思明区人民政府".into(),
        level: OrgLevel::District,
        parent: Some(OrgId::from("xm-gov")),
        region: RegionCode::from("350203"),
        data_authority: false,
        admin: public("xm-sm/admin"),
    }
}

fn propose(change: GovernanceChange) -> Action {
    Action::SubmitProposal { change, rationale: "思明区接入一本账".into() }
}

/// The dev chain after xm-dsj proposed admitting xm-sm (proposal 1).
fn proposed() -> Chain {
    let mut chain = Chain::dev();
    assert_eq!(refusal(&chain.run("xm-dsj/admin", propose(admit("xm-sm")))), None);
    chain
}

/// The dev chain after the validator orgs passed `change` as proposal 1.
fn passed(change: GovernanceChange) -> Chain {
    let mut chain = Chain::dev();
    assert_eq!(refusal(&chain.run("xm-dsj/admin", propose(change))), None);
    for admin in ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"] {
        let vote = Action::VoteProposal { proposal: ProposalId(1), approve: true };
        assert_eq!(refusal(&chain.run(admin, vote)), None);
    }
    chain
}

fn admission_and_consortium(rejection: Rejection) -> Option<Reach> {
    let admin = "xm-dsj/admin";
    let new_key = public("xm-dsj/new");
    let data_user = || vec![Role::DataUser];
    let reach = match rejection {
        Rejection::NonceNotNext => {
            let tx = signed(&dev_secret(admin), 2, register(new_key, "成员", data_user()));
            Reach { chain: Chain::dev(), tx }
        }
        Rejection::SignerUnknown => {
            Reach::by(Chain::dev(), "nobody", register(new_key, "成员", data_user()))
        }
        Rejection::SignerRevoked => {
            let mut chain = Chain::dev();
            let revoke = Action::RevokeMember {
                key: public("xm-dsj/catalog-clerk"),
                reason: "调离岗位".into(),
            };
            assert_eq!(refusal(&chain.run(admin, revoke)), None);
            let action = Action::DeprecateCatalogEntry {
                code: "350200-xm-dsj-0001".into(),
                reason: "停用".into(),
            };
            Reach::by(chain, "xm-dsj/catalog-clerk", action)
        }
        Rejection::OrgSuspended => {
            let chain = passed(GovernanceChange::SuspendOrg { org: OrgId::from("xm-jypt") });
            Reach::by(chain, "xm-jypt/admin", Action::RotateMemberKey { new_key })
        }
        Rejection::TxExpired => {
            let mut chain = Chain::dev();
            chain.height = Height(5);
            let secret = dev_secret(admin);
            let mut body =
                signed(&secret, 1, register(new_key, "成员", data_user())).into_inner().body;
            body.valid_until = Height(5);
            Reach { chain, tx: body.sign(&secret).verify().expect("verifies") }
        }
        Rejection::WrongChain => {
            let secret = dev_secret(admin);
            let mut body =
                signed(&secret, 1, register(new_key, "成员", data_user())).into_inner().body;
            body.chain_id = ChainId::from("onebook-other");
            Reach { chain: Chain::dev(), tx: body.sign(&secret).verify().expect("verifies") }
        }
        Rejection::RoleMissing => {
            Reach::by(Chain::dev(), "xm-dsj/catalog-clerk", register(new_key, "成员", data_user()))
        }
        Rejection::TextTooLong => {
            Reach::by(Chain::dev(), admin, register(new_key, &"名".repeat(2_000), data_user()))
        }
        Rejection::ListTooLong => Reach::by(
            Chain::dev(),
            admin,
            register(new_key, "成员", vec![Role::DataUser; LIST_ITEMS_MAX + 1]),
        ),
        Rejection::KeyInvalid => {
            // The identity point has small order: a weak key anyone could sign for.
            let mut identity = [0u8; 32];
            identity[0] = 1;
            Reach::by(Chain::dev(), admin, register(PublicKey(identity), "成员", data_user()))
        }
        Rejection::MemberKeyInUse => {
            Reach::by(Chain::dev(), admin, register(public("xm-gaj/gateway"), "成员", data_user()))
        }
        Rejection::MemberWithoutRoles => {
            Reach::by(Chain::dev(), admin, register(new_key, "成员", vec![]))
        }
        Rejection::RolesNotSorted => Reach::by(
            Chain::dev(),
            admin,
            register(new_key, "成员", vec![Role::DataUser, Role::OrgAdmin]),
        ),
        Rejection::TextRequired => {
            Reach::by(Chain::dev(), admin, register(new_key, " ", data_user()))
        }
        Rejection::MemberUnknown => Reach::by(
            Chain::dev(),
            admin,
            Action::SetMemberRoles { key: public("nobody"), roles: data_user() },
        ),
        Rejection::MemberOfAnotherOrg => Reach::by(
            Chain::dev(),
            admin,
            Action::SetMemberRoles { key: public("xm-gaj/gateway"), roles: data_user() },
        ),
        Rejection::MemberAlreadyRevoked => {
            let mut chain = Chain::dev();
            let revoke = || Action::RevokeMember {
                key: public("xm-dsj/auditor"),
                reason: "调离岗位".into(),
            };
            assert_eq!(refusal(&chain.run(admin, revoke())), None);
            Reach::by(chain, admin, revoke())
        }
        _ => return None,
    };
    Some(reach)
}

fn governance(rejection: Rejection) -> Option<Reach> {
    let admin = "xm-dsj/admin";
    let reach = match rejection {
        Rejection::OrgNotValidator => {
            Reach::by(Chain::dev(), "xm-djzx/admin", propose(admit("xm-sm")))
        }
        Rejection::ActionNotYetEnabled => {
            // Validator-key rotation is a rule of protocol version 2; the dev chain runs 1.
            let rotate = GovernanceChange::RotateValidatorKey {
                old_key: public("xm-dsj/node"),
                new_key: public("xm-dsj/node-2"),
            };
            Reach::by(Chain::dev(), admin, propose(rotate))
        }
        Rejection::ProposalUnknown => Reach::by(
            Chain::dev(),
            admin,
            Action::VoteProposal { proposal: ProposalId(9), approve: true },
        ),
        Rejection::ProposalNotOpen => Reach::by(
            passed(admit("xm-sm")),
            "xm-scjg/admin",
            Action::VoteProposal { proposal: ProposalId(1), approve: true },
        ),
        Rejection::VoteAlreadyCast => {
            let mut chain = proposed();
            let vote = || Action::VoteProposal { proposal: ProposalId(1), approve: true };
            assert_eq!(refusal(&chain.run("xm-gaj/admin", vote())), None);
            Reach::by(chain, "xm-gaj/admin", vote())
        }
        Rejection::OrgUnknown => Reach::by(
            Chain::dev(),
            admin,
            propose(GovernanceChange::SuspendOrg { org: OrgId::from("nowhere") }),
        ),
        Rejection::IdMalformed => Reach::by(Chain::dev(), admin, propose(admit("xm sm"))),
        Rejection::OrgAlreadyExists => Reach::by(Chain::dev(), admin, propose(admit("xm-gaj"))),
        Rejection::OrgStatusUnchanged => Reach::by(
            Chain::dev(),
            admin,
            propose(GovernanceChange::ReinstateOrg { org: OrgId::from("xm-gaj") }),
        ),
        Rejection::ValidatorChangeInvalid => {
            let absent =
                Validator { node_key: public("no-node"), org: OrgId::from("xm-gaj"), power: 0 };
            Reach::by(
                Chain::dev(),
                admin,
                propose(GovernanceChange::SetValidator { validator: absent }),
            )
        }
        Rejection::PolicyChangeInvalid => Reach::by(
            Chain::dev(),
            admin,
            propose(GovernanceChange::SetPolicy {
                parameter: PolicyParameter::ShareAnswerWorkingDays(0),
            }),
        ),
        _ => return None,
    };
    Some(reach)
}

/// The code `reach` is refused with when its tx runs alone in the next block.
fn outcome(reach: Reach) -> Option<Rejection> {
    let Reach { mut chain, tx } = reach;
    let receipt = chain.block(&[tx]).receipts.remove(0);
    refusal(&receipt)
}

#[test]
fn every_rejection_code_is_reached_by_a_tx_through_the_executor() {
    let mut unreached = Vec::new();
    let mut mismatched = Vec::new();

    for &rejection in Rejection::ALL {
        if UNREACHABLE.iter().any(|(code, _)| *code == rejection) {
            continue;
        }
        match reach(rejection) {
            None => unreached.push(rejection),
            Some(case) => {
                let got = outcome(case);
                if got != Some(rejection) {
                    mismatched.push((rejection, got));
                }
            }
        }
    }

    assert!(unreached.is_empty(), "no reach for {unreached:?}");
    assert!(mismatched.is_empty(), "reaches refused otherwise (expected, got): {mismatched:?}");
}

#[test]
fn an_unreachable_code_is_indeed_unreached() {
    for (rejection, why) in UNREACHABLE {
        assert!(reach(*rejection).is_none(), "{rejection:?} is listed unreachable ({why})");
    }
}
