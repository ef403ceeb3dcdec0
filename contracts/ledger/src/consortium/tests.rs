//! Member lifecycle, as applied through whole blocks on the dev network.

use onebook_genesis::dev_secret;
use onebook_types::{
    action::Action,
    consortium::{MemberStatus, Role},
    keys::PublicKey,
    limits::LIST_ITEMS_MAX,
    rejection::Rejection,
};

use crate::testkit::{Chain, public, refusal};

fn register(key: PublicKey, roles: Vec<Role>) -> Action {
    Action::RegisterMember {
        key, name: "厦门市大数据管理局 数据使用方".into(), roles
    }
}

#[test]
fn an_admin_registers_a_member_of_its_org() {
    let mut chain = Chain::dev();
    let new = public("xm-dsj/new-clerk");

    let receipt = chain.run("xm-dsj/admin", register(new, vec![Role::CatalogClerk]));

    assert_eq!(refusal(&receipt), None);
    assert_eq!(receipt.events[0].kind, "member.registered");
    let member = chain.member(new).expect("registered");
    assert_eq!(member.org.as_str(), "xm-dsj");
    assert_eq!(member.status, MemberStatus::Active);
}

#[test]
fn a_member_registered_this_way_can_sign_at_once() {
    let mut chain = Chain::dev();
    let clerk = dev_secret("xm-dsj/new-admin");
    chain.run("xm-dsj/admin", register(clerk.public_key(), vec![Role::OrgAdmin]));

    let receipt = chain.run_with(&clerk, register(public("xm-dsj/other"), vec![Role::DataUser]));

    assert_eq!(refusal(&receipt), None);
}

#[test]
fn only_an_org_admin_registers_members() {
    let mut chain = Chain::dev();

    let receipt = chain.run("xm-dsj/catalog-clerk", register(public("x"), vec![Role::DataUser]));

    assert_eq!(refusal(&receipt), Some(Rejection::RoleMissing));
}

#[test]
fn a_key_is_bound_once() {
    let mut chain = Chain::dev();

    let receipt =
        chain.run("xm-dsj/admin", register(public("xm-gaj/gateway"), vec![Role::DataUser]));

    assert_eq!(refusal(&receipt), Some(Rejection::MemberKeyInUse));
}

#[test]
fn an_invalid_key_is_refused() {
    let mut chain = Chain::dev();

    // The identity point has small order: a weak key that anyone could sign for.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let receipt = chain.run("xm-dsj/admin", register(PublicKey(identity), vec![Role::DataUser]));

    assert_eq!(refusal(&receipt), Some(Rejection::KeyInvalid));
}

#[test]
fn roles_must_be_given_sorted_and_within_the_list_limit() {
    let mut chain = Chain::dev();
    let key = public("xm-dsj/x");

    let none = chain.run("xm-dsj/admin", register(key, vec![]));
    let unsorted = chain.run("xm-dsj/admin", register(key, vec![Role::DataUser, Role::OrgAdmin]));
    let too_many =
        chain.run("xm-dsj/admin", register(key, vec![Role::DataUser; LIST_ITEMS_MAX + 1]));

    assert_eq!(refusal(&none), Some(Rejection::MemberWithoutRoles));
    assert_eq!(refusal(&unsorted), Some(Rejection::RolesNotSorted));
    assert_eq!(refusal(&too_many), Some(Rejection::ListTooLong));
}

#[test]
fn a_member_needs_a_name_within_the_text_limit() {
    let mut chain = Chain::dev();
    let key = public("xm-dsj/x");
    let named = |name: String| Action::RegisterMember { key, name, roles: vec![Role::DataUser] };

    let blank = chain.run("xm-dsj/admin", named(" ".into()));
    let long = chain.run("xm-dsj/admin", named("名".repeat(2_000)));

    assert_eq!(refusal(&blank), Some(Rejection::TextRequired));
    assert_eq!(refusal(&long), Some(Rejection::TextTooLong));
}

#[test]
fn an_admin_sets_roles_of_its_own_members_only() {
    let mut chain = Chain::dev();
    let clerk = public("xm-dsj/catalog-clerk");
    let roles =
        |key| Action::SetMemberRoles { key, roles: vec![Role::CatalogClerk, Role::Auditor] };

    let own = chain.run("xm-dsj/admin", roles(clerk));
    let other = chain.run("xm-dsj/admin", roles(public("xm-gaj/catalog-clerk")));
    let unknown = chain.run("xm-dsj/admin", roles(public("nobody")));

    assert_eq!(refusal(&own), None);
    assert_eq!(chain.member(clerk).expect("member").roles, vec![Role::CatalogClerk, Role::Auditor]);
    assert_eq!(refusal(&other), Some(Rejection::MemberOfAnotherOrg));
    assert_eq!(refusal(&unknown), Some(Rejection::MemberUnknown));
}

#[test]
fn a_rotated_key_is_revoked_and_the_new_one_carries_on_from_nonce_one() {
    let mut chain = Chain::dev();
    let old = dev_secret("xm-dsj/admin");
    let new = dev_secret("xm-dsj/admin-2025");

    let rotated = chain.run_with(&old, Action::RotateMemberKey { new_key: new.public_key() });
    let old_again = chain.run_with(&old, register(public("xm-dsj/a"), vec![Role::DataUser]));
    let new_first = chain.next_nonce(new.public_key());
    let new_signs = chain.run_with(&new, register(public("xm-dsj/b"), vec![Role::DataUser]));

    assert_eq!(refusal(&rotated), None);
    assert_eq!(chain.member(old.public_key()).expect("kept").status, MemberStatus::Revoked);
    let successor = chain.member(new.public_key()).expect("bound");
    assert_eq!((successor.org.as_str(), successor.roles), ("xm-dsj", vec![Role::OrgAdmin]));
    assert_eq!(refusal(&old_again), Some(Rejection::SignerRevoked));
    assert_eq!(new_first, 1);
    assert_eq!(refusal(&new_signs), None);
}

#[test]
fn a_key_cannot_be_rotated_onto_a_member_key() {
    let mut chain = Chain::dev();

    let receipt = chain.run(
        "xm-dsj/catalog-clerk",
        Action::RotateMemberKey { new_key: public("xm-dsj/share-approver") },
    );

    assert_eq!(refusal(&receipt), Some(Rejection::MemberKeyInUse));
}

#[test]
fn an_admin_revokes_a_member_once_with_a_reason() {
    let mut chain = Chain::dev();
    let clerk = public("xm-dsj/catalog-clerk");
    let revoke = |reason: &str| Action::RevokeMember { key: clerk, reason: reason.into() };

    let no_reason = chain.run("xm-dsj/admin", revoke(""));
    let revoked = chain.run("xm-dsj/admin", revoke("调离岗位"));
    let again = chain.run("xm-dsj/admin", revoke("调离岗位"));
    let roles = chain
        .run("xm-dsj/admin", Action::SetMemberRoles { key: clerk, roles: vec![Role::Auditor] });
    let clerk_signs = chain.run("xm-dsj/catalog-clerk", register(public("z"), vec![Role::Auditor]));

    assert_eq!(refusal(&no_reason), Some(Rejection::TextRequired));
    assert_eq!(refusal(&revoked), None);
    assert_eq!(revoked.events[0].kind, "member.revoked");
    assert_eq!(refusal(&again), Some(Rejection::MemberAlreadyRevoked));
    assert_eq!(refusal(&roles), Some(Rejection::MemberAlreadyRevoked));
    assert_eq!(refusal(&clerk_signs), Some(Rejection::SignerRevoked));
}
