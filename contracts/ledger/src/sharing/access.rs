//! Handler of `RecordAccesses`: every access is recorded with the items it returned, and one no
//! grant covers (for an item-scoped grant, item by item) is also recorded as a violation and
//! raised as an alert, never dropped.

use onebook_types::{
    action::AccessDraft,
    consortium::{Member, Role},
    ids::{AccessEventId, ViolationId},
    limits::{LIST_ITEMS_MAX, RECEIPT_EVENTS_MAX},
    record::RecordKey,
    rejection::Rejection,
    sharing_records::{AccessEvent, Grant, Violation},
};

use super::{
    catalog_view::{ResourceScope, resource_scope},
    transitions::violation_of,
};
use crate::{
    checks,
    executor::{Effects, TxContext},
    ports::{StateWrite, load, store},
};

// One summary event plus at most one alert per access keeps a receipt within its limit.
const _: () = assert!(LIST_ITEMS_MAX < RECEIPT_EVENTS_MAX, "a batch's events fit a receipt");

/// `RecordAccesses`: a data user (a gateway) reports a batch of accesses by its org's members.
/// Coverage is judged at the block's time, never by the gateway's clock.
pub fn record_accesses(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    events: &[AccessDraft],
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::DataUser)?;
    checks::list(events)?;
    if events.is_empty() {
        return Err(Rejection::AccessBatchEmpty);
    }
    let mut scopes = Vec::with_capacity(events.len());
    for draft in events {
        let member: Option<Member> = load(state, &RecordKey::Member(draft.member));
        if member.is_none_or(|member| member.org != ctx.signer.org) {
            return Err(Rejection::AccessMemberNotInOrg);
        }
        let scope = resource_scope(state, draft.resource);
        check_items(&draft.items, scope.as_ref())?;
        scopes.push(scope);
    }
    let mut ids = Vec::with_capacity(events.len());
    let mut violations = Vec::new();
    for (draft, scope) in events.iter().zip(&scopes) {
        let (id, violation) = record_one(state, ctx, draft, scope.as_ref());
        ids.push(id.to_string());
        violations.extend(violation);
    }
    let mut effects = Effects::default();
    effects.event(
        "access.recorded",
        &[
            ("org", ctx.signer.org.to_string()),
            ("count", events.len().to_string()),
            ("violations", violations.len().to_string()),
            ("access_events", ids.join(",")),
        ],
    );
    for violation in &violations {
        effects.event(
            "violation.recorded",
            &[
                ("violation", violation.id.to_string()),
                ("access_event", violation.access_event.to_string()),
                ("org", violation.org.to_string()),
                ("reason", violation.reason.as_str().to_owned()),
            ],
        );
    }
    Ok(effects)
}

/// The items an access names: at least one, each once, each a name the resource holds (when the
/// resource exists; an access to an unknown one is a violation, judged later).
fn check_items(items: &[String], scope: Option<&ResourceScope>) -> Result<(), Rejection> {
    checks::list(items)?;
    for item in items {
        checks::text(item, true)?;
    }
    let names: Vec<&str> = items.iter().map(String::as_str).collect();
    let held = |name: &&str| scope.is_none_or(|scope| scope.items.iter().any(|i| i == name));
    if names.is_empty() || !checks::all_distinct(&names) || !names.iter().all(held) {
        return Err(Rejection::AccessItemsNotInResource);
    }
    Ok(())
}

/// Records one access to the resource of `scope`, and its violation if no grant covers it; the
/// access event's id and the violation.
fn record_one(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    draft: &AccessDraft,
    scope: Option<&ResourceScope>,
) -> (AccessEventId, Option<Violation>) {
    let id = AccessEventId(checks::next_id(state, "access_event"));
    let grant: Option<Grant> = draft.grant.and_then(|grant| load(state, &RecordKey::Grant(grant)));
    let offset = ctx.policy.utc_offset_minutes;
    let reason = violation_of(
        draft.grant,
        grant.as_ref(),
        &ctx.signer.org,
        scope.map(|scope| &scope.entry),
        &draft.items,
        ctx.block.time,
        offset,
    )
    .or_else(|| {
        let grant = grant.as_ref()?;
        crate::lifecycle::lifecycle_violation(state, grant, ctx.block.time)
    });
    let violation = reason.map(|reason| Violation {
        id: ViolationId(checks::next_id(state, "violation")),
        access_event: id,
        org: ctx.signer.org.clone(),
        reason,
        recorded_at: ctx.block.time,
    });
    let event = AccessEvent {
        id,
        org: ctx.signer.org.clone(),
        gateway: ctx.signer.key,
        access: draft.clone(),
        recorded_at: ctx.block.time,
        violation: violation.as_ref().map(|violation| violation.id),
    };
    store(state, RecordKey::AccessEvent(id), &event);
    if let Some(violation) = &violation {
        store(state, RecordKey::Violation(violation.id), violation);
    }
    (id, violation)
}
