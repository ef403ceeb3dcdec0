//! The historical proof "grant G was valid, unexpired and in scope when access A happened".
//!
//! One bundle at the height `H_A` of the block that recorded the access proves, under that one
//! header, the access event, the grant it names, the resource accessed and the policy (for the
//! local day the grant starts on). The judgement is the ledger's own rule
//! (`onebook_ledger::sharing::transitions::violation_of`), restated here because the verifier
//! depends on no ledger code; `tests/it/proof_bundles.rs` checks that the two agree.
//!
//! The records are those after block `H_A`. A grant revoked later in the very block that
//! recorded the access shows as revoked here although the ledger covered the access; the access
//! event's own `violation` field tells the ledger's verdict, and a mismatch is refused.

use onebook_types::{
    ids::{AccessEventId, GrantId, OrgId, Timestamp},
    record::RecordKey,
    sharing_records::{AccessEvent, Grant, GrantStatus, ViolationReason},
};

use crate::{RecordValue, TrustedGenesis, Verdict, VerifyOptions, error::CoverageError};

/// What [`verify_grant_at_access`] established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantCoverage {
    /// The access.
    pub access_event: AccessEventId,
    /// The grant that covered it.
    pub grant: GrantId,
    /// The org that accessed, the grantee.
    pub grantee: OrgId,
    /// The block time the access was recorded and judged at.
    pub recorded_at: Timestamp,
    /// The grant's expiry, after `recorded_at`.
    pub expires_at: Timestamp,
    /// The verdict of the bundle itself.
    pub verdict: Verdict,
}

/// Verifies `bundle_bytes` (anchoring required) and checks that the access event it proves was
/// covered by the grant it proves, at the block that recorded the access: for an onward grant,
/// that no grant above it had been revoked or closed out by then (`docs/formats.md` §29).
pub fn verify_grant_at_access(
    bundle_bytes: &[u8],
    genesis: &TrustedGenesis,
) -> Result<GrantCoverage, CoverageError> {
    verify_grant_at_access_with(bundle_bytes, genesis, &VerifyOptions::default())
}

/// [`verify_grant_at_access`] with `options`.
pub fn verify_grant_at_access_with(
    bundle_bytes: &[u8],
    genesis: &TrustedGenesis,
    options: &VerifyOptions,
) -> Result<GrantCoverage, CoverageError> {
    let verdict = crate::verify_with(bundle_bytes, genesis, options)?;
    judge(&verdict)
}

/// Judges the coverage of an access from an already verified verdict.
pub fn judge(verdict: &Verdict) -> Result<GrantCoverage, CoverageError> {
    let event = find(verdict, "access event", |value| match value {
        RecordValue::AccessEvent(event) => Some(event.as_ref()),
        _ => None,
    })?;
    let grant = find(verdict, "grant", |value| match value {
        RecordValue::Grant(grant) => Some(grant.as_ref()),
        _ => None,
    })?;
    let resource = find(verdict, "resource", |value| match value {
        RecordValue::Resource(resource) => Some(resource.as_ref()),
        _ => None,
    })?;
    let offset =
        verdict.utc_offset_minutes().ok_or(CoverageError::MissingRecord { what: "policy" })?;
    if event.recorded_at != verdict.block_time {
        return Err(CoverageError::NotAtAccessBlock {
            recorded_at: event.recorded_at.0,
            block_time: verdict.block_time.0,
        });
    }
    if event.access.grant != Some(grant.id) {
        return Err(CoverageError::OtherGrant { named: event.access.grant.map(|id| id.0) });
    }
    if resource.id != event.access.resource {
        return Err(CoverageError::OtherResource);
    }
    if let Some(reason) = violation(event, grant, &resource.entry, offset) {
        return Err(CoverageError::NotCovered { reason });
    }
    if let Some(reason) = lifecycle_violation(verdict, grant, event.recorded_at)? {
        return Err(CoverageError::NotCovered { reason });
    }
    if event.violation.is_some() {
        return Err(CoverageError::LedgerFoundViolation);
    }
    Ok(GrantCoverage {
        access_event: event.id,
        grant: grant.id,
        grantee: grant.grantee.clone(),
        recorded_at: event.recorded_at,
        expires_at: grant.expires_at,
        verdict: verdict.clone(),
    })
}

/// The ledger's coverage rule for a claimed, existing grant (see the module doc).
fn violation(
    event: &AccessEvent,
    grant: &Grant,
    resource_entry: &onebook_types::ids::CatalogCode,
    utc_offset_minutes: i16,
) -> Option<ViolationReason> {
    let now = event.recorded_at;
    if grant.grantee != event.org {
        return Some(ViolationReason::WrongGrantee);
    }
    if let GrantStatus::Revoked { .. } = grant.status {
        return Some(ViolationReason::GrantRevoked);
    }
    if now < grant.starts.start(utc_offset_minutes) {
        return Some(ViolationReason::NotYetValid);
    }
    if now >= grant.expires_at {
        return Some(ViolationReason::GrantExpired);
    }
    if *resource_entry != grant.entry {
        return Some(ViolationReason::OutOfScope);
    }
    let items = &event.access.items;
    if !grant.is_entry_scoped() && !items.iter().all(|item| grant.items.contains(item)) {
        return Some(ViolationReason::ItemOutOfScope);
    }
    None
}

/// The rules of protocol version 3 for a grant the sharing rules found covering: a grant
/// closed out by then covers nothing, nor does an onward grant once a grant above it was
/// revoked or closed out. An onward grant (its lineage proved with a parent) needs its own
/// close-out or its absence and every grant above it proved; a grant proved without a lineage
/// is judged as issued on its share request.
fn lifecycle_violation(
    verdict: &Verdict,
    grant: &Grant,
    now: Timestamp,
) -> Result<Option<ViolationReason>, CoverageError> {
    let Some(chain) = verdict.onward_chain(grant.id) else {
        return Err(CoverageError::MissingRecord { what: "grant" });
    };
    let onward = chain.first().is_some_and(|level| level.lineage.parent.is_some());
    if !onward {
        return Ok(None);
    }
    let depth = chain.first().map_or(0, |level| usize::from(level.lineage.depth));
    if chain.len() != depth + 1 {
        return Err(CoverageError::MissingRecord { what: "a grant the onward grant derives from" });
    }
    if verdict.value(&RecordKey::GrantCloseOut(grant.id)).is_none() {
        return Err(CoverageError::MissingRecord { what: "the onward grant's close-out" });
    }
    if chain[0].close_out.as_ref().is_some_and(|record| record.ended_at <= now) {
        return Ok(Some(ViolationReason::GrantClosed));
    }
    if crate::ended_above(&chain).is_some_and(|at| at <= now) {
        return Ok(Some(ViolationReason::ParentGrantEnded));
    }
    Ok(None)
}

fn find<'a, T: 'a>(
    verdict: &'a Verdict,
    what: &'static str,
    pick: impl Fn(&'a RecordValue) -> Option<&'a T>,
) -> Result<&'a T, CoverageError> {
    verdict
        .records()
        .iter()
        .find_map(|record| pick(&record.value))
        .ok_or(CoverageError::MissingRecord { what })
}
