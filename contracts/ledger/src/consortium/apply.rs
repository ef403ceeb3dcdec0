//! Handlers of the member actions: read, check the signer's role, transition, write.

use onebook_types::{
    consortium::{Member, MemberStatus, Role},
    keys::PublicKey,
    record::RecordKey,
    rejection::Rejection,
};

use super::transitions::{role_names, status_after_revoke};
use crate::{
    checks,
    executor::{Effects, TxContext},
    ports::{StateWrite, load, store},
};

/// `RegisterMember`: the signer, an org admin, binds a new key to its own org with `roles`.
pub fn register_member(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    key: PublicKey,
    name: &str,
    roles: &[Role],
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::OrgAdmin)?;
    checks::key(ctx.block.suite, &key)?;
    checks::text(name, true)?;
    checks::roles(roles)?;
    crate::development::check_roles_enabled(ctx, roles)?;
    if state.get(&RecordKey::Member(key)).is_some() {
        return Err(Rejection::MemberKeyInUse);
    }
    let member = Member {
        key,
        org: ctx.signer.org.clone(),
        name: name.to_owned(),
        roles: roles.to_vec(),
        status: MemberStatus::Active,
    };
    store(state, RecordKey::Member(key), &member);
    let mut effects = Effects::default();
    effects.event(
        "member.registered",
        &[
            ("member", key.to_string()),
            ("org", member.org.to_string()),
            ("roles", role_names(roles)),
            ("by", ctx.signer.key.to_string()),
        ],
    );
    Ok(effects)
}

/// `SetMemberRoles`: an admin of the member's org replaces its roles.
pub fn set_member_roles(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    key: PublicKey,
    roles: &[Role],
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::OrgAdmin)?;
    checks::roles(roles)?;
    crate::development::check_roles_enabled(ctx, roles)?;
    let mut member = load_own_member(state, ctx, key)?;
    if member.status != MemberStatus::Active {
        return Err(Rejection::MemberAlreadyRevoked);
    }
    member.roles = roles.to_vec();
    store(state, RecordKey::Member(key), &member);
    let mut effects = Effects::default();
    effects.event(
        "member.roles_set",
        &[
            ("member", key.to_string()),
            ("org", member.org.to_string()),
            ("roles", role_names(roles)),
            ("by", ctx.signer.key.to_string()),
        ],
    );
    Ok(effects)
}

/// `RotateMemberKey`: the signer moves its identity to `new_key`. The old record becomes
/// revoked; a new one, active with the same org, name and roles, is bound to the new key, whose
/// nonce starts at 0 (no nonce record), so its first tx carries nonce 1.
pub fn rotate_member_key(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    new_key: PublicKey,
) -> Result<Effects, Rejection> {
    checks::key(ctx.block.suite, &new_key)?;
    if state.get(&RecordKey::Member(new_key)).is_some() {
        return Err(Rejection::MemberKeyInUse);
    }
    assert!(
        state.get(&RecordKey::Nonce(new_key)).is_none(),
        "only member keys have nonce records, and the new key is no member"
    );
    let mut old = ctx.signer.clone();
    let new = Member { key: new_key, status: MemberStatus::Active, ..old.clone() };
    old.status = status_after_revoke(old.status)?;
    store(state, RecordKey::Member(old.key), &old);
    store(state, RecordKey::Member(new_key), &new);
    let mut effects = Effects::default();
    effects.event(
        "member.key_rotated",
        &[
            ("member", old.key.to_string()),
            ("new_key", new_key.to_string()),
            ("org", old.org.to_string()),
        ],
    );
    Ok(effects)
}

/// `RevokeMember`: an admin of the member's org revokes its key, giving a reason.
pub fn revoke_member(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    key: PublicKey,
    reason: &str,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::OrgAdmin)?;
    checks::text(reason, true)?;
    let mut member = load_own_member(state, ctx, key)?;
    member.status = status_after_revoke(member.status)?;
    store(state, RecordKey::Member(key), &member);
    let mut effects = Effects::default();
    effects.event(
        "member.revoked",
        &[
            ("member", key.to_string()),
            ("org", member.org.to_string()),
            ("reason", reason.to_owned()),
            ("by", ctx.signer.key.to_string()),
        ],
    );
    Ok(effects)
}

/// The member with `key`, which must belong to the signer's org.
fn load_own_member(
    state: &impl StateWrite,
    ctx: &TxContext<'_>,
    key: PublicKey,
) -> Result<Member, Rejection> {
    let member: Member = load(state, &RecordKey::Member(key)).ok_or(Rejection::MemberUnknown)?;
    if member.org != ctx.signer.org {
        return Err(Rejection::MemberOfAnotherOrg);
    }
    Ok(member)
}
