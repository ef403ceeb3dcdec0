//! Data-property registration (数据产权登记, 三权分置): applications for holding and
//! product-operation rights, their public notice (公示) and objections, the certificates issued
//! for them, and the processing-use licences granted under a certificate.
//!
//! ```text
//!   ApplyForProperty ──▶ Applied ──ReviewPropertyApplication: Return {reasons}──▶ Refused
//!                           │
//!                           │ ReviewPropertyApplication: Approve
//!                           ▼
//!                  InNotice { notice_ends = now + policy.public_notice_days }
//!                     │   ▲  FileObjection (any member, before notice_ends) ──▶ Objection: Pending
//!                     │   │  RuleObjection: dismissed ──▶ Objection: Dismissed
//!                     │   └─ RuleObjection: upheld ──▶ Objection: Upheld, application Refused
//!                     │
//!                     │ IssueCertificate (notice ended, no objection pending)
//!                     ▼
//!               Certified ──▶ Certificate: Active ──CancelCertificate──▶ Cancelled
//!                              │  ▲   TransferCertificate: holder := to, chain of holders kept
//!                              │  └── RenewCertificate: valid_until later
//!                              └───── LicenseRight ──▶ licence: a ProcessingUse certificate
//!                                                     with parent = the certificate
//! ```
//!
//! Decisions where the sources are silent:
//! - **Who applies**: a data user or org admin, for its own org. A processing-use right is only
//!   ever licensed by a holder, never applied for. A resource's holding right is applied for
//!   only by the resource's provider org (who provides is responsible); a product-operation
//!   right only on a data product that names its inputs, each a certificate in force today held
//!   by the registrant (its own right, or a licence to it). The inputs are checked again when the
//!   certificate is issued. A holding right on a product needs no inputs.
//! - **One right per subject**: the holding right of a subject, and the product-operation right
//!   of a product, are exclusive. A subject is a resource id or a product digest (its name and
//!   inputs do not make it another product); its [`SubjectRights`] index, keyed by
//!   [`subject_hash`], lists the pending applications and uncancelled certificates of those
//!   rights. An application is refused while another is applied for or in notice, or a
//!   certificate stands (not cancelled and not past its last day, even if not yet started).
//!   Refusal, an upheld objection and cancellation free the subject; expiry frees it at the next
//!   application, which prunes claims that no longer stand. An expired certificate cannot be
//!   renewed, so it never comes back.
//! - **Registrars**: only a registrar of a registration-centre org reviews, rules, issues,
//!   renews and cancels; any centre, as the consortium holds one per city. The certificate
//!   number carries the issuing centre's region and the block's local year
//!   (`<region>-<yyyy>-<sequence><check>`, see
//!   [`certificate_number`](onebook_types::property_records::certificate_number)).
//! - **Objections**: anyone, the registrant included, may object while the notice runs. An
//!   objection upheld after another already refused the application changes nothing more.
//! - **Licences** are granted by the holder's org admin under a standing holding or
//!   product-operation right, to another active org, for a term (`starts` < `ends`) inside the
//!   parent's validity and no longer than the policy's longest grant term. A licence can be
//!   neither transferred nor licensed further. It stands only while its parent does: a check of
//!   a licence always checks its parent, so cancelling or letting the parent expire ends it. A
//!   transfer of the parent keeps its licences in force; renewing the parent does not extend
//!   them, and a licence may be renewed only within its parent's validity.
//! - **Cancellation** by a registrar or the holder's org admin, of a standing certificate only.
//!
//! [`SubjectRights`]: onebook_types::property_records::SubjectRights
//! [`subject_hash`]: onebook_types::property_records::subject_hash

mod apply;
#[cfg(test)]
pub(crate) mod reach;
mod transitions;

#[cfg(test)]
pub(crate) use apply::certificate_sequence;
pub use apply::{
    apply_for_property, cancel_certificate, file_objection, issue_certificate, license_right,
    renew_certificate, review_property_application, rule_objection, transfer_certificate,
};
pub use transitions::{
    application_status_after_upheld_objection, check_issuable, check_licence_term,
    check_notice_open, check_renewal, check_validity, covers, is_exclusive, is_standing,
    objection_status_after_ruling, status_after_review,
};

#[cfg(test)]
mod tests;
