//! The grant lifecycle after issue, from protocol version 3 on: close-out (数据安全销毁) and
//! onward grants down the hierarchy (数据回流/属地返还).
//!
//! ```text
//!   grant issued ──▶ GrantCloseOut obligation of the grantee, due N working days after expiry
//!        │
//!        ├── RevokeGrant (provider, or the onward granter) ─┐ the grant and every onward grant
//!        ├── CloseOutGrant before expiry (end of use) ──────┤ below it stop covering use; their
//!        │                                                 ┘ close-outs fall due N working days
//!        │                                                   after that block
//!        ├── expiry ─────────────────────────────────────── close-out due N working days after
//!        │                                                   the last day of cover
//!        └── CloseOutGrant (destroyed | retained on a legal basis, attestation digest)
//!              ──▶ GrantCloseOut record, obligation met (late if after its due time)
//!
//!   GrantOnward (grantee's share approver) ──▶ Grant + GrantLineage { parent, granted_by }
//!        items ⊆ parent's, expiry ≤ parent's, to an org under the granter's government,
//!        at most 16 per grant and two levels down
//! ```
//!
//! N is the lifecycle policy's `close_out_working_days` ([`LifecyclePolicy`], governed by
//! `SetLifecyclePolicy`), counted on the policy's working-day calendar from the grant's last
//! day of cover. A grant that ended without close-out is an overdue obligation of its grantee
//! once block time passes the due time, in the same overdue lists as every other duty. An
//! access under a closed-out grant is a violation (`grant-closed`), and so is one under an
//! onward grant once a grant it derives from was revoked or closed out
//! (`parent-grant-ended`). Grants issued before version 3 carry no obligation, but may still be
//! closed out.
//!
//! [`LifecyclePolicy`]: onebook_types::lifecycle_records::LifecyclePolicy

mod apply;
mod transitions;

pub use apply::{
    LIFECYCLE_SINCE, ancestors_ended, check_lifecycle_policy, close_out, close_out_grant,
    grant_onward, lifecycle_policy, lifecycle_violation, lineage,
};
pub(crate) use apply::{may_revoke, on_grant_ended, on_grant_issued};
pub use transitions::{check_close_out, check_onward, close_out_due, grant_end};

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) use tests::reach;
