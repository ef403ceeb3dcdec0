//! Sharing (申请受理、审核授权) and access events (访问留痕): share requests, the grants that answer
//! them, and the accesses made under them.
//!
//! ```text
//!                 entry unconditional: the ledger grants at once
//!   RequestShare ─┬──────────────────────────────────────────────▶ Granted ──▶ Grant: Active
//!                 │                                                   ▲              │
//!                 │ conditional or not shared                         │ AnswerShare:  │ RevokeGrant
//!                 ▼                                                   │ Approve       ▼
//!            UnderReview { answer_due } ──────────────────────────────┘         Grant: Revoked
//!                 │  │
//!                 │  └─ AnswerShare: Refuse, citing the registry ──▶ Refused
//!                 └──── WithdrawShareRequest ──────────────────────▶ Withdrawn
//!
//!   RecordAccesses ──▶ AccessEvent, plus a Violation when no active, started, unexpired,
//!                      in-scope grant of the gateway's org covers it at the block's time
//! ```
//!
//! An unconditional entry is granted by the ledger in the same tx, until the end of the
//! request's last day. A conditional entry waits for a share approver of the provider org,
//! whose answer is due within the policy's working days ([`is_answer_overdue`]); a not-shared
//! entry waits too, and an approval of one is recorded as an exception on the grant. A refusal
//! must cite a legal ground of the registry. Every access a gateway reports is recorded; one no
//! grant covers at the block's time is also recorded as a violation and raised as a
//! `violation.recorded` event, and the batch is accepted all the same. Sharing reads the catalog
//! only through [`catalog_view`].

mod access;
mod apply;
pub mod catalog_view;
mod transitions;

pub use access::record_accesses;
pub use apply::{
    NOT_SHARED_REASON, answer_share, request_share, revoke_grant, withdraw_share_request,
};
pub use transitions::{
    check_draft, expiry_of, grant_status_after_revoke, is_answer_overdue, status_after_answer,
    status_after_withdraw, violation_of,
};

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) use tests::reach;
