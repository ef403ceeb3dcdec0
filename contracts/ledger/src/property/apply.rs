//! Handlers of the data-property actions: read, check the signer's role, transition, write.

use onebook_types::{
    action::{PropertyApplicationDraft, PropertySubject, ReviewDecision, RightKind},
    catalog_records::Resource,
    consortium::{Org, OrgLevel, OrgStatus, Role},
    hash::Hash32,
    ids::{ApplicationId, CertificateNumber, ObjectionId, OrgId},
    limits::LIST_ITEMS_MAX,
    property_records::{
        ApplicationStatus, Certificate, CertificateStatus, HolderChange, Objection,
        ObjectionStatus, PropertyApplication, SubjectClaim, SubjectRight, SubjectRights,
        certificate_number, subject_hash_in,
    },
    record::RecordKey,
    rejection::Rejection,
    time::Date,
};

use super::transitions::{
    application_status_after_upheld_objection, check_issuable, check_licence_term,
    check_notice_open, check_renewal, check_validity, covers, is_exclusive, is_standing,
    objection_status_after_ruling, status_after_review,
};
use crate::{
    checks,
    executor::{Effects, TxContext},
    ports::{StateRead, StateWrite, load, store},
};

/// `ApplyForProperty`: a data user or org admin applies, for its own org, for a holding or
/// product-operation right in a subject, citing evidence of lawful source.
pub fn apply_for_property(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    draft: &PropertyApplicationDraft,
) -> Result<Effects, Rejection> {
    if !ctx.signer.can(Role::DataUser) && !ctx.signer.can(Role::OrgAdmin) {
        return Err(Rejection::RoleMissing);
    }
    if draft.right == RightKind::ProcessingUse {
        return Err(Rejection::ProcessingUseByLicenceOnly);
    }
    checks::list(&draft.evidence_digests)?;
    if draft.evidence_digests.is_empty() {
        return Err(Rejection::EvidenceMissing);
    }
    let today = today(ctx);
    check_validity(draft.valid_from, draft.valid_until, today)?;
    check_subject(state, &ctx.signer.org, draft.right, &draft.subject, today)?;
    crate::development::check_product_subject(state, ctx, &draft.subject)?;
    let subject_hash = subject_hash_in(ctx.block.suite, &draft.subject);
    let mut index = subject_rights(state, subject_hash);
    prune(state, &mut index, today);
    if index.claims.iter().any(|claim| claim.right == draft.right) {
        return Err(Rejection::SubjectRightTaken);
    }
    let id = ApplicationId(checks::next_id(state, "application"));
    index.claims.push(SubjectRight { right: draft.right, claim: SubjectClaim::Application(id) });
    index.claims.sort();
    store(state, RecordKey::PropertySubject(subject_hash), &index);
    let application = PropertyApplication {
        id,
        registrant: ctx.signer.org.clone(),
        applicant: ctx.signer.key,
        right: draft.right,
        subject: draft.subject.clone(),
        subject_hash,
        evidence_digests: draft.evidence_digests.clone(),
        valid_from: draft.valid_from,
        valid_until: draft.valid_until,
        applied_at: ctx.block.time,
        objections: Vec::new(),
        status: ApplicationStatus::Applied,
    };
    store(state, RecordKey::Application(id), &application);
    let mut effects = Effects::default();
    effects.event(
        "property.applied",
        &[
            ("application", id.to_string()),
            ("registrant", application.registrant.to_string()),
            ("right", right_name(application.right).to_owned()),
            ("subject", subject_hash.to_hex()),
        ],
    );
    Ok(effects)
}

/// `ReviewPropertyApplication`: a registrar of a registration centre accepts an application,
/// opening its public notice, or returns it with reasons, which refuses it and frees the subject.
pub fn review_property_application(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ApplicationId,
    decision: &ReviewDecision,
) -> Result<Effects, Rejection> {
    require_registrar(state, ctx)?;
    if let ReviewDecision::Return { reasons } = decision {
        checks::text(reasons, true)?;
    }
    let mut application = application(state, id)?;
    application.status =
        status_after_review(&application.status, decision, ctx.policy, ctx.block.time)?;
    let mut effects = Effects { orgs: vec![application.registrant.clone()], ..Effects::default() };
    match (decision, &application.status) {
        (ReviewDecision::Approve, ApplicationStatus::InNotice { notice_ends }) => effects.event(
            "property.notice_started",
            &[("application", id.to_string()), ("notice_ends", notice_ends.to_string())],
        ),
        (ReviewDecision::Approve, _) => panic!("an approval opens the notice"),
        (ReviewDecision::Return { .. }, _) => {
            release(state, application.subject_hash, &SubjectClaim::Application(id));
            effects.event("property.refused", &[("application", id.to_string())]);
        }
    }
    store(state, RecordKey::Application(id), &application);
    Ok(effects)
}

/// `FileObjection`: any member files an objection, with grounds, against an application while
/// its public notice runs.
pub fn file_objection(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ApplicationId,
    grounds: &str,
    evidence_digests: &[Hash32],
) -> Result<Effects, Rejection> {
    checks::text(grounds, true)?;
    checks::list(evidence_digests)?;
    let mut application = application(state, id)?;
    check_notice_open(&application.status, ctx.block.time)?;
    if application.objections.len() >= LIST_ITEMS_MAX {
        return Err(Rejection::ListTooLong);
    }
    let objection = Objection {
        id: ObjectionId(checks::next_id(state, "objection")),
        application: id,
        objector_org: ctx.signer.org.clone(),
        objector: ctx.signer.key,
        grounds: grounds.to_owned(),
        evidence_digests: evidence_digests.to_vec(),
        filed_at: ctx.block.time,
        status: ObjectionStatus::Pending,
    };
    application.objections.push(objection.id);
    store(state, RecordKey::Objection(objection.id), &objection);
    store(state, RecordKey::Application(id), &application);
    let mut effects = Effects { orgs: vec![application.registrant.clone()], ..Effects::default() };
    effects.event(
        "objection.filed",
        &[("objection", objection.id.to_string()), ("application", id.to_string())],
    );
    Ok(effects)
}

/// `RuleObjection`: a registrar upholds a pending objection, which refuses the application and
/// frees the subject, or dismisses it, with reasons either way.
pub fn rule_objection(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ObjectionId,
    upheld: bool,
    reasons: &str,
) -> Result<Effects, Rejection> {
    require_registrar(state, ctx)?;
    checks::text(reasons, true)?;
    let mut objection: Objection =
        load(state, &RecordKey::Objection(id)).ok_or(Rejection::ObjectionUnknown)?;
    objection.status = objection_status_after_ruling(&objection.status, upheld, reasons)?;
    store(state, RecordKey::Objection(id), &objection);
    let mut application = application(state, objection.application)?;
    let app_id = application.id.to_string();
    let mut effects = Effects {
        orgs: vec![application.registrant.clone(), objection.objector_org.clone()],
        ..Effects::default()
    };
    let kind = if upheld { "objection.upheld" } else { "objection.dismissed" };
    effects.event(kind, &[("objection", id.to_string()), ("application", app_id.clone())]);
    if upheld {
        let before = application.status.clone();
        application.status = application_status_after_upheld_objection(&before, id, reasons);
        if application.status != before {
            release(state, application.subject_hash, &SubjectClaim::Application(application.id));
            store(state, RecordKey::Application(application.id), &application);
            effects.event(
                "property.refused",
                &[("application", app_id), ("objection", id.to_string())],
            );
        }
    }
    Ok(effects)
}

/// `IssueCertificate`: a registrar issues the certificate of an application whose notice has
/// ended with every objection ruled on; a product's inputs are checked again.
pub fn issue_certificate(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    id: ApplicationId,
) -> Result<Effects, Rejection> {
    let centre = require_registrar(state, ctx)?;
    let mut application = application(state, id)?;
    let pending = application.objections.iter().any(|objection| {
        let objection: Objection =
            load(state, &RecordKey::Objection(*objection)).expect("listed objections are stored");
        objection.status == ObjectionStatus::Pending
    });
    check_issuable(&application.status, pending, ctx.block.time)?;
    let today = today(ctx);
    check_subject(state, &application.registrant, application.right, &application.subject, today)?;
    let number = assign_number(state, ctx, &centre)?;
    application.status = ApplicationStatus::Certified { certificate: number.clone() };
    let certificate = Certificate {
        number: number.clone(),
        application: Some(id),
        right: application.right,
        subject: application.subject.clone(),
        subject_hash: application.subject_hash,
        holder: application.registrant.clone(),
        parent: None,
        issuer: centre.id.clone(),
        valid_from: application.valid_from,
        valid_until: application.valid_until,
        issued_at: ctx.block.time,
        transfers: Vec::new(),
        status: CertificateStatus::Active,
    };
    let mut index = subject_rights(state, application.subject_hash);
    for right in &mut index.claims {
        if right.claim == SubjectClaim::Application(id) {
            right.claim = SubjectClaim::Certificate(number.clone());
        }
    }
    index.claims.sort();
    store(state, RecordKey::PropertySubject(application.subject_hash), &index);
    store(state, RecordKey::Certificate(number.clone()), &certificate);
    store(state, RecordKey::Application(id), &application);
    let mut effects = Effects { orgs: vec![certificate.holder.clone()], ..Effects::default() };
    effects.event(
        "certificate.issued",
        &[
            ("certificate", number.to_string()),
            ("application", id.to_string()),
            ("holder", certificate.holder.to_string()),
            ("right", right_name(certificate.right).to_owned()),
        ],
    );
    Ok(effects)
}

/// `TransferCertificate`: an org admin of the holder transfers a standing right (not a licence)
/// to another active org. Licences granted under it stay in force.
pub fn transfer_certificate(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    number: &CertificateNumber,
    to: &OrgId,
) -> Result<Effects, Rejection> {
    let mut certificate = holder_acts(state, ctx, number)?;
    check_counterparty(state, &certificate, to)?;
    if certificate.transfers.len() >= LIST_ITEMS_MAX {
        return Err(Rejection::ListTooLong);
    }
    let from = std::mem::replace(&mut certificate.holder, to.clone());
    certificate.transfers.push(HolderChange {
        from: from.clone(),
        to: to.clone(),
        height: ctx.block.height,
        at: ctx.block.time,
    });
    store(state, RecordKey::Certificate(number.clone()), &certificate);
    let mut effects = Effects { orgs: vec![to.clone()], ..Effects::default() };
    effects.event(
        "certificate.transferred",
        &[("certificate", number.to_string()), ("from", from.to_string()), ("to", to.to_string())],
    );
    Ok(effects)
}

/// `LicenseRight`: an org admin of the holder of a standing holding or product-operation right
/// licenses a processing-use right in its subject to another active org, for a term inside the
/// parent's validity; the licence is a certificate of its own whose parent is the right.
pub fn license_right(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    number: &CertificateNumber,
    licensee: &OrgId,
    starts: Date,
    ends: Date,
) -> Result<Effects, Rejection> {
    let parent = holder_acts(state, ctx, number)?;
    check_counterparty(state, &parent, licensee)?;
    check_licence_term(starts, ends, &parent, ctx.policy, today(ctx))?;
    let issuer: Org =
        load(state, &RecordKey::Org(parent.issuer.clone())).expect("the issuer org exists");
    let licence_number = assign_number(state, ctx, &issuer)?;
    let licence = Certificate {
        number: licence_number.clone(),
        application: None,
        right: RightKind::ProcessingUse,
        subject: parent.subject.clone(),
        subject_hash: parent.subject_hash,
        holder: licensee.clone(),
        parent: Some(number.clone()),
        issuer: parent.issuer,
        valid_from: starts,
        valid_until: ends,
        issued_at: ctx.block.time,
        transfers: Vec::new(),
        status: CertificateStatus::Active,
    };
    store(state, RecordKey::Certificate(licence_number.clone()), &licence);
    let mut effects = Effects { orgs: vec![licensee.clone()], ..Effects::default() };
    effects.event(
        "certificate.licensed",
        &[
            ("certificate", licence_number.to_string()),
            ("parent", number.to_string()),
            ("licensee", licensee.to_string()),
            ("starts", starts.to_string()),
            ("ends", ends.to_string()),
        ],
    );
    Ok(effects)
}

/// `RenewCertificate`: a registrar moves a standing certificate's last day later (a licence's
/// no later than its parent's).
pub fn renew_certificate(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    number: &CertificateNumber,
    valid_until: Date,
) -> Result<Effects, Rejection> {
    require_registrar(state, ctx)?;
    let mut certificate = certificate(state, number)?;
    let parent = parent_of(state, &certificate);
    if !is_standing(&certificate, parent.as_ref(), today(ctx)) {
        return Err(Rejection::CertificateNotActive);
    }
    check_renewal(&certificate, parent.as_ref(), valid_until)?;
    certificate.valid_until = valid_until;
    store(state, RecordKey::Certificate(number.clone()), &certificate);
    let mut effects = Effects { orgs: vec![certificate.holder.clone()], ..Effects::default() };
    effects.event(
        "certificate.renewed",
        &[("certificate", number.to_string()), ("valid_until", valid_until.to_string())],
    );
    Ok(effects)
}

/// `CancelCertificate`: a registrar, or an org admin of the holder, cancels a standing
/// certificate with a reason; the subject is freed, and licences under it stop standing.
pub fn cancel_certificate(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    number: &CertificateNumber,
    reason: &str,
) -> Result<Effects, Rejection> {
    // The roles first, as every action checks them before the records it names.
    if !ctx.signer.can(Role::Registrar) && !ctx.signer.can(Role::OrgAdmin) {
        return Err(Rejection::RoleMissing);
    }
    let mut certificate = certificate(state, number)?;
    let holder_admin = ctx.signer.can(Role::OrgAdmin) && ctx.signer.org == certificate.holder;
    if !holder_admin {
        if ctx.signer.can(Role::Registrar) {
            require_registrar(state, ctx)?;
        } else {
            return Err(Rejection::HolderOnly);
        }
    }
    checks::text(reason, true)?;
    let parent = parent_of(state, &certificate);
    if !is_standing(&certificate, parent.as_ref(), today(ctx)) {
        return Err(Rejection::CertificateNotActive);
    }
    certificate.status =
        CertificateStatus::Cancelled { reason: reason.to_owned(), at: ctx.block.time };
    if is_exclusive(certificate.right) && certificate.parent.is_none() {
        release(state, certificate.subject_hash, &SubjectClaim::Certificate(number.clone()));
    }
    store(state, RecordKey::Certificate(number.clone()), &certificate);
    let mut effects = Effects { orgs: vec![certificate.holder.clone()], ..Effects::default() };
    effects.event("certificate.cancelled", &[("certificate", number.to_string())]);
    Ok(effects)
}

/// The signer is a registrar of a registration centre; returns the centre.
fn require_registrar(state: &impl StateRead, ctx: &TxContext<'_>) -> Result<Org, Rejection> {
    ctx.require_role(Role::Registrar)?;
    let org: Org =
        load(state, &RecordKey::Org(ctx.signer.org.clone())).expect("the signer's org exists");
    if org.level != OrgLevel::RegistrationCentre {
        return Err(Rejection::RegistrarNotRegistrationCentre);
    }
    Ok(org)
}

/// The certificate `number`, for an action of its holder's org admin: loaded, the signer
/// allowed, not a licence, and standing today.
fn holder_acts(
    state: &impl StateRead,
    ctx: &TxContext<'_>,
    number: &CertificateNumber,
) -> Result<Certificate, Rejection> {
    ctx.require_role(Role::OrgAdmin)?;
    let certificate = certificate(state, number)?;
    if certificate.holder != ctx.signer.org {
        return Err(Rejection::HolderOnly);
    }
    if certificate.right == RightKind::ProcessingUse {
        return Err(Rejection::LicenceCannotBePassedOn);
    }
    if !is_standing(&certificate, None, today(ctx)) {
        return Err(Rejection::CertificateNotActive);
    }
    Ok(certificate)
}

/// The org a right passes to: existing, not the holder, active.
fn check_counterparty(
    state: &impl StateRead,
    certificate: &Certificate,
    to: &OrgId,
) -> Result<(), Rejection> {
    let org: Org = load(state, &RecordKey::Org(to.clone())).ok_or(Rejection::OrgUnknown)?;
    if *to == certificate.holder {
        return Err(Rejection::CounterpartyIsHolder);
    }
    if org.status != OrgStatus::Active {
        return Err(Rejection::CounterpartyOrgSuspended);
    }
    Ok(())
}

/// A subject `registrant` may claim `right` in on local day `today`. A resource: registered,
/// its holding right claimed by its provider. A product: named, with a digest; for its
/// operation right, naming inputs each proven today by a certificate held by the registrant.
fn check_subject(
    state: &impl StateRead,
    registrant: &OrgId,
    right: RightKind,
    subject: &PropertySubject,
    today: Date,
) -> Result<(), Rejection> {
    match subject {
        PropertySubject::Resource { resource } => {
            let resource: Resource =
                load(state, &RecordKey::Resource(*resource)).ok_or(Rejection::ResourceUnknown)?;
            if right == RightKind::ProductOperation {
                return Err(Rejection::ProductInputsMissing);
            }
            if resource.provider != *registrant {
                return Err(Rejection::RegistrantNotProvider);
            }
        }
        PropertySubject::Product { name, description, digest, inputs } => {
            checks::text(name, true)?;
            checks::text(description, false)?;
            checks::list(inputs)?;
            if *digest == Hash32::ZERO {
                return Err(Rejection::ProductDigestMissing);
            }
            if right == RightKind::ProductOperation && inputs.is_empty() {
                return Err(Rejection::ProductInputsMissing);
            }
            if right == RightKind::ProductOperation {
                for input in inputs {
                    let input = certificate(state, input)?;
                    let parent = parent_of(state, &input);
                    if input.holder != *registrant || !covers(&input, parent.as_ref(), today) {
                        return Err(Rejection::ProductInputNotHeld);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Assigns the next certificate number of `centre`'s region and the block's local year.
fn assign_number(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    centre: &Org,
) -> Result<CertificateNumber, Rejection> {
    let (year, _, _) = today(ctx).ymd();
    let sequence = checks::next_id(state, &certificate_sequence(centre.region.as_str(), year));
    certificate_number(centre.region.as_str(), year, sequence)
        .ok_or(Rejection::CertificateNumberUnavailable)
}

/// The sequence kind counting certificate numbers in `region` and `year`.
pub(crate) fn certificate_sequence(region: &str, year: i32) -> String {
    format!("certificate/{region}/{year}")
}

/// Drops from `index` the claims that no longer stand in the way on `today`: applications
/// refused or certified, certificates cancelled or expired.
fn prune(state: &impl StateRead, index: &mut SubjectRights, today: Date) {
    index.claims.retain(|right| match &right.claim {
        SubjectClaim::Application(id) => {
            let application: PropertyApplication =
                load(state, &RecordKey::Application(*id)).expect("indexed applications are stored");
            matches!(
                application.status,
                ApplicationStatus::Applied | ApplicationStatus::InNotice { .. }
            )
        }
        SubjectClaim::Certificate(number) => {
            let certificate: Certificate = load(state, &RecordKey::Certificate(number.clone()))
                .expect("indexed certificates are stored");
            is_standing(&certificate, None, today)
        }
    });
}

/// Removes `claim` from the index of `subject`, and the index itself once it is empty.
fn release(state: &mut impl StateWrite, subject: Hash32, claim: &SubjectClaim) {
    let mut index = subject_rights(state, subject);
    index.claims.retain(|right| right.claim != *claim);
    if index.claims.is_empty() {
        state.delete(RecordKey::PropertySubject(subject));
    } else {
        store(state, RecordKey::PropertySubject(subject), &index);
    }
}

fn subject_rights(state: &impl StateRead, subject: Hash32) -> SubjectRights {
    load(state, &RecordKey::PropertySubject(subject)).unwrap_or_default()
}

fn application(
    state: &impl StateRead,
    id: ApplicationId,
) -> Result<PropertyApplication, Rejection> {
    load(state, &RecordKey::Application(id)).ok_or(Rejection::ApplicationUnknown)
}

fn certificate(
    state: &impl StateRead,
    number: &CertificateNumber,
) -> Result<Certificate, Rejection> {
    load(state, &RecordKey::Certificate(number.clone())).ok_or(Rejection::CertificateUnknown)
}

/// A licence's parent certificate; `None` for a right with no parent.
fn parent_of(state: &impl StateRead, certificate: &Certificate) -> Option<Certificate> {
    let parent = certificate.parent.as_ref()?;
    Some(
        load(state, &RecordKey::Certificate(parent.clone())).expect("a licence's parent is stored"),
    )
}

/// The block's local date.
fn today(ctx: &TxContext<'_>) -> Date {
    Date::of_timestamp(ctx.block.time, ctx.policy.utc_offset_minutes)
}

/// The right's name in events.
fn right_name(right: RightKind) -> &'static str {
    match right {
        RightKind::Holding => "holding",
        RightKind::ProcessingUse => "processing-use",
        RightKind::ProductOperation => "product-operation",
    }
}
