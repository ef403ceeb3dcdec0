//! Handlers of the grant lifecycle, and the hooks sharing calls when a grant is issued, ended,
//! or used: read, check the signer's role, transition, write.

use onebook_types::{
    catalog_records::ObligationKind,
    consortium::{Org, OrgStatus, Role},
    hash::Hash32,
    ids::{GrantId, OrgId, ProtocolVersion, Timestamp},
    lifecycle_records::{
        CloseOutDisposition, GrantCloseOut, GrantEnd, GrantLineage, LifecyclePolicy,
        ONWARD_DEPTH_MAX, ONWARD_GRANTS_PER_GRANT_MAX,
    },
    record::RecordKey,
    rejection::Rejection,
    sharing_records::{Grant, GrantStatus, ViolationReason},
};

use super::transitions::{check_close_out, check_onward, close_out_due, grant_end};
use crate::{
    checks,
    executor::{Effects, TxContext},
    obligations::{self, Duty},
    ports::{StateRead, StateWrite, load, store},
    sharing::catalog_view::share_terms,
};

/// The protocol version that enables the grant lifecycle: close-out obligations on every grant
/// issued, `CloseOutGrant`, `GrantOnward` and `SetLifecyclePolicy`.
pub const LIFECYCLE_SINCE: ProtocolVersion = ProtocolVersion(3);

/// Most links followed up a chain of onward grants; deeper than any chain the rules allow.
const ANCESTORS_MAX: usize = ONWARD_DEPTH_MAX as usize;

/// Most parent links followed up the org hierarchy (国家—省—市—区县—部门 and a margin).
const ORG_DEPTH_MAX: usize = 16;

/// The lifecycle parameters in force: governance's, or the defaults.
pub fn lifecycle_policy(state: &(impl StateRead + ?Sized)) -> LifecyclePolicy {
    load(state, &RecordKey::LifecyclePolicy).unwrap_or_default()
}

/// The close-out recorded for `grant`, if any.
pub fn close_out(state: &(impl StateRead + ?Sized), grant: GrantId) -> Option<GrantCloseOut> {
    load(state, &RecordKey::GrantCloseOut(grant))
}

/// Where `grant` sits among onward grants: stored, or a grant issued on a share request with
/// no onward grants yet.
pub fn lineage(state: &(impl StateRead + ?Sized), grant: GrantId) -> GrantLineage {
    load(state, &RecordKey::GrantLineage(grant)).unwrap_or_default()
}

/// Checks a proposed lifecycle policy: a rule of protocol version 3 on, with at least one
/// working day to close out.
pub fn check_lifecycle_policy(
    ctx: &TxContext<'_>,
    policy: &LifecyclePolicy,
) -> Result<(), Rejection> {
    if ctx.protocol < LIFECYCLE_SINCE {
        return Err(Rejection::ActionNotYetEnabled);
    }
    if policy.close_out_working_days == 0 {
        return Err(Rejection::PolicyChangeInvalid);
    }
    Ok(())
}

/// The earliest block time at which one of the grants `grant` derives from stopped covering
/// use (revoked, or closed out), if one did.
pub fn ancestors_ended(state: &(impl StateRead + ?Sized), grant: GrantId) -> Option<Timestamp> {
    let mut earliest: Option<Timestamp> = None;
    let mut next = lineage(state, grant).parent;
    for _ in 0..ANCESTORS_MAX {
        let Some(id) = next else { break };
        let parent: Grant = load(state, &RecordKey::Grant(id)).expect("a lineage names grants");
        let revoked = match parent.status {
            GrantStatus::Revoked { at, .. } => Some(at),
            GrantStatus::Active => None,
        };
        let closed = close_out(state, id).map(|record| record.ended_at);
        for at in [revoked, closed].into_iter().flatten() {
            earliest = Some(earliest.map_or(at, |earliest| earliest.min(at)));
        }
        next = lineage(state, id).parent;
    }
    earliest
}

/// Why an access under `grant`, which the sharing rules found covering, is not covered at block
/// time `now` after all: the grantee closed it out, or a grant it derives from ended.
pub fn lifecycle_violation(
    state: &(impl StateRead + ?Sized),
    grant: &Grant,
    now: Timestamp,
) -> Option<ViolationReason> {
    if close_out(state, grant.id).is_some_and(|record| record.ended_at <= now) {
        return Some(ViolationReason::GrantClosed);
    }
    if ancestors_ended(state, grant.id).is_some_and(|at| at <= now) {
        return Some(ViolationReason::ParentGrantEnded);
    }
    None
}

/// Called for every grant issued: from protocol version 3 on, opens the grantee's close-out
/// obligation, due the lifecycle policy's working days after the grant's expiry.
pub(crate) fn on_grant_issued(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    grant: &Grant,
    effects: &mut Effects,
) -> Result<(), Rejection> {
    if ctx.protocol < LIFECYCLE_SINCE {
        return Ok(());
    }
    let lifecycle = lifecycle_policy(state);
    let duty = Duty {
        org: &grant.grantee,
        kind: ObligationKind::GrantCloseOut,
        description: format!("授权 {} 到期或终止后办理数据销毁或依法留存登记", grant.id),
        working_days: lifecycle.close_out_working_days,
        subject: Some(RecordKey::Grant(grant.id)),
    };
    let due = close_out_due(grant.expires_at, &lifecycle, ctx.policy);
    obligations::open_until(state, ctx, duty, due, effects).map(|_| ())
}

/// Called when `grant` stops covering use at block time `at` (revoked, or closed out before
/// its expiry): brings its close-out forward (unless `include_self` is false) and those of every
/// onward grant derived from it, raising `grant.cover_ended` for each onward grant.
pub(crate) fn on_grant_ended(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    grant: GrantId,
    include_self: bool,
    effects: &mut Effects,
) {
    if ctx.protocol < LIFECYCLE_SINCE {
        return;
    }
    let due = close_out_due(ctx.block.time, &lifecycle_policy(state), ctx.policy);
    if include_self {
        bring_close_out_forward(state, grant, due, effects);
    }
    let mut level = lineage(state, grant).children;
    for _ in 0..ONWARD_DEPTH_MAX {
        let mut below = Vec::new();
        for child in level {
            if close_out(state, child).is_none() {
                bring_close_out_forward(state, child, due, effects);
                let grantee = grant_record(state, child).grantee;
                effects.orgs.push(grantee.clone());
                effects.event(
                    "grant.cover_ended",
                    &[
                        ("grant", child.to_string()),
                        ("grantee", grantee.to_string()),
                        ("parent_ended", grant.to_string()),
                    ],
                );
            }
            below.extend(lineage(state, child).children);
        }
        level = below;
    }
}

fn bring_close_out_forward(
    state: &mut impl StateWrite,
    grant: GrantId,
    due: Timestamp,
    effects: &mut Effects,
) {
    let grantee = grant_record(state, grant).grantee;
    let subject = RecordKey::Grant(grant);
    obligations::bring_forward(
        state,
        &grantee,
        ObligationKind::GrantCloseOut,
        &subject,
        due,
        effects,
    );
}

fn grant_record(state: &(impl StateRead + ?Sized), grant: GrantId) -> Grant {
    load(state, &RecordKey::Grant(grant)).expect("a lineage names grants")
}

/// `CloseOutGrant`: a data user or admin of the grantee org records that the data received
/// under a grant was destroyed, or lawfully retained citing a legal basis, with its
/// attestation's digest. Recorded after the grant ended, it meets the close-out obligation
/// (late if after its due time); recorded while the grant still covers use, it ends the grant
/// (and the cover of its onward grants) at once.
pub fn close_out_grant(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: GrantId,
    disposition: &CloseOutDisposition,
    attestation_digest: &Hash32,
) -> Result<Effects, Rejection> {
    if !ctx.signer.can(Role::DataUser) && !ctx.signer.can(Role::OrgAdmin) {
        return Err(Rejection::RoleMissing);
    }
    if ctx.protocol < LIFECYCLE_SINCE {
        return Err(Rejection::ActionNotYetEnabled);
    }
    let grant = load::<Grant>(state, &RecordKey::Grant(id)).ok_or(Rejection::GrantUnknown)?;
    if grant.grantee != ctx.signer.org {
        return Err(Rejection::CloseOutNotGrantee);
    }
    if close_out(state, id).is_some() {
        return Err(Rejection::GrantAlreadyClosedOut);
    }
    check_close_out(disposition, attestation_digest, ctx.policy)?;
    let now = ctx.block.time;
    let (ended, ended_at) =
        grant_end(&grant, ancestors_ended(state, id), now).unwrap_or((GrantEnd::EndOfUse, now));
    let lifecycle = lifecycle_policy(state);
    let mut effects = Effects { orgs: vec![grant.provider.clone()], ..Effects::default() };
    let computed = close_out_due(ended_at, &lifecycle, ctx.policy);
    let due = bring_close_out_due(state, &grant, computed, &mut effects).unwrap_or(computed);
    let record = GrantCloseOut {
        grant: id,
        grantee: grant.grantee.clone(),
        signer: ctx.signer.key,
        disposition: disposition.clone(),
        attestation_digest: *attestation_digest,
        ended,
        ended_at,
        due,
        recorded_at: ctx.block.height,
        recorded_time: now,
        late: now > due,
    };
    store(state, RecordKey::GrantCloseOut(id), &record);
    let disposition_name = match disposition {
        CloseOutDisposition::Destroyed => "destroyed",
        CloseOutDisposition::Retained { .. } => "retained",
    };
    effects.event(
        "grant.closed_out",
        &[
            ("grant", id.to_string()),
            ("grantee", grant.grantee.to_string()),
            ("disposition", disposition_name.to_owned()),
            ("ended", ended.as_str().to_owned()),
            ("due", due.to_string()),
            ("late", record.late.to_string()),
        ],
    );
    let key = RecordKey::Grant(id);
    let met = RecordKey::GrantCloseOut(id);
    obligations::meet(
        state,
        ctx,
        &grant.grantee,
        ObligationKind::GrantCloseOut,
        Some(&key),
        &met,
        &mut effects,
    );
    if ended == GrantEnd::EndOfUse {
        on_grant_ended(state, ctx, id, false, &mut effects);
    }
    Ok(effects)
}

/// The close-out due time of `grant`'s open obligation, brought forward to `due` if that is
/// earlier (an early end); `None` for a grant with none (issued before protocol version 3).
fn bring_close_out_due(
    state: &mut impl StateWrite,
    grant: &Grant,
    due: Timestamp,
    effects: &mut Effects,
) -> Option<Timestamp> {
    let subject = RecordKey::Grant(grant.id);
    let kind = ObligationKind::GrantCloseOut;
    obligations::bring_forward(state, &grant.grantee, kind, &subject, due, effects)
}

/// `GrantOnward`: a share approver of a grant's grantee passes the data on to an org below it
/// in the hierarchy (数据回流: province to city to district), for items and a term within the
/// parent grant's, while the parent covers use. The onward grant answers the same share request
/// and provider as its parent, and its lineage names the parent and the granter.
pub fn grant_onward(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    parent_id: GrantId,
    grantee: &OrgId,
    items: &[String],
    expires_at: Timestamp,
    conditions: &str,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::ShareApprover)?;
    if ctx.protocol < LIFECYCLE_SINCE {
        return Err(Rejection::ActionNotYetEnabled);
    }
    checks::id(grantee.as_str())?;
    checks::list(items)?;
    for item in items {
        checks::text(item, true)?;
    }
    checks::text(conditions, false)?;
    let parent: Grant = load(state, &RecordKey::Grant(parent_id)).ok_or(Rejection::GrantUnknown)?;
    if parent.grantee != ctx.signer.org {
        return Err(Rejection::OnwardGranterNotGrantee);
    }
    let now = ctx.block.time;
    let started = now >= parent.starts.start(ctx.policy.utc_offset_minutes);
    let ended = grant_end(&parent, ancestors_ended(state, parent_id), now).is_some();
    if !started || ended || close_out(state, parent_id).is_some() {
        return Err(Rejection::ParentGrantNotInForce);
    }
    let receiver: Org =
        load(state, &RecordKey::Org(grantee.clone())).ok_or(Rejection::OrgUnknown)?;
    if receiver.status != OrgStatus::Active {
        return Err(Rejection::CounterpartyOrgSuspended);
    }
    if !is_below(state, &receiver, &ctx.signer.org) {
        return Err(Rejection::OnwardGranteeNotBelow);
    }
    let mut parent_lineage = lineage(state, parent_id);
    if parent_lineage.children.len() >= ONWARD_GRANTS_PER_GRANT_MAX
        || parent_lineage.depth >= ONWARD_DEPTH_MAX
    {
        return Err(Rejection::OnwardGrantsFull);
    }
    let entry_items =
        share_terms(state, &parent.entry).map(|terms| terms.items).unwrap_or_default();
    check_onward(&parent, items, &entry_items, expires_at, now)?;
    let grant = Grant {
        id: GrantId(checks::next_id(state, "grant")),
        request: parent.request,
        grantee: grantee.clone(),
        provider: parent.provider.clone(),
        entry: parent.entry.clone(),
        items: items.to_vec(),
        starts: parent.starts,
        expires_at,
        conditions: conditions.to_owned(),
        exception: parent.exception,
        status: GrantStatus::Active,
        legal_basis: parent.legal_basis.clone(),
    };
    store(state, RecordKey::Grant(grant.id), &grant);
    let onward = GrantLineage {
        parent: Some(parent_id),
        granted_by: Some(ctx.signer.org.clone()),
        depth: parent_lineage.depth + 1,
        children: Vec::new(),
    };
    store(state, RecordKey::GrantLineage(grant.id), &onward);
    // Ids come from one increasing sequence, so pushing keeps the children sorted.
    parent_lineage.children.push(grant.id);
    store(state, RecordKey::GrantLineage(parent_id), &parent_lineage);
    let mut effects =
        Effects { orgs: vec![grantee.clone(), parent.provider], ..Effects::default() };
    effects.event(
        "grant.issued_onward",
        &[
            ("grant", grant.id.to_string()),
            ("parent", parent_id.to_string()),
            ("granted_by", ctx.signer.org.to_string()),
            ("grantee", grantee.to_string()),
            ("expires_at", expires_at.to_string()),
            ("scope", if grant.is_entry_scoped() { "entry" } else { "items" }.to_owned()),
        ],
    );
    on_grant_issued(state, ctx, &grant, &mut effects)?;
    Ok(effects)
}

/// Whether `receiver` sits under the government of `granter` (the granter's parent, or the
/// granter itself at the top): another org of its level or below, never itself nor above it.
fn is_below(state: &impl StateRead, receiver: &Org, granter: &OrgId) -> bool {
    if receiver.id == *granter {
        return false;
    }
    let granter: Org = load(state, &RecordKey::Org(granter.clone())).expect("a signer's org");
    let government = granter.parent.unwrap_or(granter.id);
    let mut next = receiver.parent.clone();
    for _ in 0..ORG_DEPTH_MAX {
        let Some(id) = next else { return false };
        if id == government {
            return true;
        }
        next = load::<Org>(state, &RecordKey::Org(id)).and_then(|org| org.parent);
    }
    false
}

/// Whether `org` may revoke `grant`: its provider, or, for an onward grant, the org that
/// granted it onward.
pub(crate) fn may_revoke(state: &impl StateRead, grant: &Grant, org: &OrgId) -> bool {
    grant.provider == *org || lineage(state, grant.id).granted_by.as_ref() == Some(org)
}
