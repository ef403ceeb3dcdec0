//! Handlers of the sharing actions: read, check the signer's role, transition, write.

use onebook_types::{
    action::{ShareAnswer, ShareRequestDraft, ShareType},
    consortium::Role,
    ids::{GrantId, LegalBasisCode, ShareRequestId},
    record::RecordKey,
    rejection::Rejection,
    sharing_records::{Grant, GrantStatus, ShareRequest, ShareStatus},
};

use super::{
    catalog_view::share_terms,
    transitions::{
        check_draft, expiry_of, grant_status_after_revoke, status_after_answer,
        status_after_withdraw,
    },
};
use crate::{
    calendar, checks,
    executor::{Effects, TxContext},
    ports::{StateRead, StateWrite, load, store},
};

/// Why the ledger refuses, in the block that records it, a request on a not-shared entry that
/// asks for no exception; the refusal cites the entry's own legal basis.
pub const NOT_SHARED_REASON: &str = "不予共享：该目录依法不予共享，可申请例外共享";

/// `RequestShare`: a data user asks, for its org, for items of a published entry (or the whole
/// entry). An unconditional entry is granted by the ledger in the same tx, and a not-shared one
/// refused by it, citing the entry's legal basis, unless the request asks for an exception; any
/// other waits for the provider's approver, who must answer within the policy's working days.
pub fn request_share(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    draft: &ShareRequestDraft,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::DataUser)?;
    checks::text(&draft.purpose, true)?;
    checks::list(&draft.items)?;
    for item in &draft.items {
        checks::text(item, true)?;
    }
    let terms = share_terms(state, &draft.entry).ok_or(Rejection::ShareEntryUnknown)?;
    check_draft(draft, &terms, ctx.policy)?;
    let id = ShareRequestId(checks::next_id(state, "share_request"));
    let answer_due =
        calendar::deadline(ctx.block.time, ctx.policy.share_answer_working_days, ctx.policy);
    let mut request = ShareRequest {
        id,
        requester_org: ctx.signer.org.clone(),
        requester: ctx.signer.key,
        entry: draft.entry.clone(),
        provider: terms.provider.clone(),
        items: draft.items.clone(),
        purpose: draft.purpose.clone(),
        legal_duty: draft.legal_duty.clone(),
        starts: draft.starts,
        ends: draft.ends,
        requested_at: ctx.block.time,
        status: ShareStatus::UnderReview { answer_due },
        exception: draft.exception,
    };
    let mut effects = Effects { orgs: vec![terms.provider.clone()], ..Effects::default() };
    effects.event(
        "share_request.submitted",
        &[
            ("share_request", id.to_string()),
            ("org", request.requester_org.to_string()),
            ("provider", request.provider.to_string()),
            ("entry", request.entry.to_string()),
        ],
    );
    match terms.share_type {
        ShareType::Unconditional => {
            let expires_at = expiry_of(request.ends, ctx.policy);
            let grant = issue_grant(state, &request, &request.items, expires_at, "", None);
            request.status = ShareStatus::Granted { grant: grant.id };
            grant_event(&mut effects, &grant);
            crate::lifecycle::on_grant_issued(state, ctx, &grant, &mut effects)?;
        }
        // 不予共享: refused at once on the entry's own basis, unless an exception is asked for,
        // which only an approver's decision citing a legal basis grants.
        ShareType::NotShared { legal_basis } if !draft.exception => {
            refused_event(&mut effects, id, &legal_basis, "ledger");
            let reason = NOT_SHARED_REASON.to_owned();
            request.status = ShareStatus::Refused { legal_basis, reason };
        }
        ShareType::Conditional { .. } | ShareType::NotShared { .. } => {
            effects.event(
                "share_request.under_review",
                &[
                    ("share_request", id.to_string()),
                    ("answer_due", answer_due.to_string()),
                    ("exception", draft.exception.to_string()),
                ],
            );
        }
    }
    store(state, RecordKey::ShareRequest(id), &request);
    Ok(effects)
}

/// `AnswerShare`: a share approver of the provider org approves (issuing a grant) or refuses,
/// citing a legal ground of the registry, a request under review.
pub fn answer_share(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ShareRequestId,
    answer: &ShareAnswer,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::ShareApprover)?;
    let mut request = share_request(state, id)?;
    if request.provider != ctx.signer.org {
        return Err(Rejection::ApproverNotProvider);
    }
    match answer {
        ShareAnswer::Approve { items, conditions, .. } => {
            checks::list(items)?;
            checks::text(conditions, false)?;
        }
        ShareAnswer::Refuse { reason, .. } => checks::text(reason, true)?,
    }
    let next_grant = GrantId(peek_next_id(state, "grant"));
    let entry_items = share_terms(state, &request.entry).map(|terms| terms.items);
    let entry_items = entry_items.unwrap_or_default();
    let now = ctx.block.time;
    request.status =
        status_after_answer(&request, answer, &entry_items, next_grant, ctx.policy, now)?;
    let mut effects = Effects { orgs: vec![request.requester_org.clone()], ..Effects::default() };
    match answer {
        ShareAnswer::Approve { items, expires_at, conditions, legal_basis } => {
            let grant =
                issue_grant(state, &request, items, *expires_at, conditions, legal_basis.clone());
            assert_eq!(grant.id, next_grant, "the grant takes the id the status names");
            grant_event(&mut effects, &grant);
            crate::lifecycle::on_grant_issued(state, ctx, &grant, &mut effects)?;
        }
        ShareAnswer::Refuse { legal_basis, .. } => {
            refused_event(&mut effects, id, legal_basis, ctx.signer.org.as_str());
        }
    }
    store(state, RecordKey::ShareRequest(id), &request);
    Ok(effects)
}

/// `WithdrawShareRequest`: the requesting member, or an admin of its org, withdraws a request
/// still under review.
pub fn withdraw_share_request(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ShareRequestId,
) -> Result<Effects, Rejection> {
    let mut request = share_request(state, id)?;
    let is_requester = request.requester == ctx.signer.key;
    let is_admin = ctx.signer.org == request.requester_org && ctx.signer.can(Role::OrgAdmin);
    if !is_requester && !is_admin {
        return Err(Rejection::NotRequester);
    }
    request.status = status_after_withdraw(&request.status)?;
    store(state, RecordKey::ShareRequest(id), &request);
    let mut effects = Effects { orgs: vec![request.provider.clone()], ..Effects::default() };
    effects.event("share_request.withdrawn", &[("share_request", id.to_string())]);
    Ok(effects)
}

/// `RevokeGrant`: a share approver of the provider org (or, for an onward grant, of the org that
/// granted it onward) revokes an active grant; from this block on it covers no access, nor do
/// the onward grants derived from it, and their close-outs fall due.
pub fn revoke_grant(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: GrantId,
    reason: &str,
) -> Result<Effects, Rejection> {
    ctx.require_role(Role::ShareApprover)?;
    checks::text(reason, true)?;
    let mut grant: Grant = load(state, &RecordKey::Grant(id)).ok_or(Rejection::GrantUnknown)?;
    if !crate::lifecycle::may_revoke(state, &grant, &ctx.signer.org) {
        return Err(Rejection::ApproverNotProvider);
    }
    grant.status = grant_status_after_revoke(&grant.status, ctx.block.time, reason)?;
    store(state, RecordKey::Grant(id), &grant);
    let mut effects = Effects { orgs: vec![grant.grantee.clone()], ..Effects::default() };
    effects.event(
        "grant.revoked",
        &[("grant", id.to_string()), ("grantee", grant.grantee.to_string())],
    );
    crate::lifecycle::on_grant_ended(state, ctx, id, true, &mut effects);
    Ok(effects)
}

fn share_request(state: &impl StateRead, id: ShareRequestId) -> Result<ShareRequest, Rejection> {
    load(state, &RecordKey::ShareRequest(id)).ok_or(Rejection::ShareRequestUnknown)
}

/// The id [`checks::next_id`] will assign next in `kind`, without assigning it.
fn peek_next_id(state: &impl StateRead, kind: &str) -> u64 {
    let last: u64 = load(state, &RecordKey::Sequence(kind.to_owned())).unwrap_or(0);
    last.checked_add(1).expect("a sequence cannot pass u64::MAX in any lifetime")
}

/// Issues and stores an active grant answering `request`, an exception if the request asked
/// for one.
fn issue_grant(
    state: &mut impl StateWrite,
    request: &ShareRequest,
    items: &[String],
    expires_at: onebook_types::ids::Timestamp,
    conditions: &str,
    legal_basis: Option<LegalBasisCode>,
) -> Grant {
    let grant = Grant {
        id: GrantId(checks::next_id(state, "grant")),
        request: request.id,
        grantee: request.requester_org.clone(),
        provider: request.provider.clone(),
        entry: request.entry.clone(),
        items: items.to_vec(),
        starts: request.starts,
        expires_at,
        conditions: conditions.to_owned(),
        exception: request.exception,
        status: GrantStatus::Active,
        legal_basis,
    };
    store(state, RecordKey::Grant(grant.id), &grant);
    grant
}

fn grant_event(effects: &mut Effects, grant: &Grant) {
    let mut attributes = vec![
        ("grant", grant.id.to_string()),
        ("share_request", grant.request.to_string()),
        ("grantee", grant.grantee.to_string()),
        ("expires_at", grant.expires_at.to_string()),
        ("exception", grant.exception.to_string()),
        ("scope", if grant.is_entry_scoped() { "entry" } else { "items" }.to_owned()),
    ];
    if let Some(basis) = &grant.legal_basis {
        attributes.push(("legal_basis", basis.to_string()));
    }
    effects.event("grant.issued", &attributes);
}

/// `share_request.refused`, citing `legal_basis`, refused `by` the provider org's approver or by
/// the `ledger`.
fn refused_event(
    effects: &mut Effects,
    id: ShareRequestId,
    legal_basis: &LegalBasisCode,
    by: &str,
) {
    effects.event(
        "share_request.refused",
        &[
            ("share_request", id.to_string()),
            ("legal_basis", legal_basis.to_string()),
            ("by", by.to_owned()),
        ],
    );
}
