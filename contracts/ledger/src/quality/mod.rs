//! Data quality feedback (数据质量反馈, "问题数据可反馈、数据质量问题可定责"): a data user reports a
//! problem in a resource, the provider answers, and a dispute is ruled on by the data authority
//! of the provider's region, which names the org responsible.
//!
//! ```text
//!   ReportQualityIssue ──▶ Reported { answer_due } ──AnswerQualityIssue: Fixed──▶ Fixed
//!   (opens a Correction      │                        (the resource takes the new snapshot)
//!    obligation on the       │
//!    provider)               └──AnswerQualityIssue: Disputed──▶ Disputed ──RuleQualityIssue──▶ Ruled
//!                                                                      (responsible: the provider
//!                                                                       or the reporter's org)
//! ```
//!
//! A member with the data-user role reports, for its org, on a registered resource of another
//! org, with a description and the digest of evidence kept off the ledger. The report opens a
//! correction obligation on the provider, due in the policy's `correction_working_days`
//! working days ([`is_answer_overdue`]; it is also listed by
//! [`overdue_obligations`](crate::obligations::overdue_obligations)). A catalog clerk of the
//! provider answers: fixed, naming a snapshot other than the one reported, which the resource
//! then holds; or disputed, with reasons. Either answer meets the obligation, late or not. Only
//! a disputed report is ruled on, by a catalog clerk of the org that is the data authority of
//! the provider's region, and the ruling holds one of the two parties responsible.

mod apply;
mod transitions;

pub use apply::{answer_quality_issue, report_quality_issue, rule_quality_issue};
pub use transitions::{is_answer_overdue, status_after_answer, status_after_ruling};

#[cfg(test)]
pub(crate) mod reach;
#[cfg(test)]
mod tests;
