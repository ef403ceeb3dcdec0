//! One way to reach each data-property rejection through the executor, and the scenario
//! builders the property tests share. Resource 1 is provided by xm-dsj, whose admin applies
//! for its holding right; xm-djzx (厦门市数据产权登记中心) reviews and issues.

use onebook_types::{
    action::{Action, PropertyApplicationDraft, PropertySubject, ReviewDecision, RightKind},
    block::Receipt,
    consortium::{Org, OrgStatus, Role},
    hash::Hash32,
    ids::{ApplicationId, CertificateNumber, ObjectionId, OrgId, ResourceId},
    property_records::{ApplicationStatus, Certificate, PropertyApplication},
    record::RecordKey,
    rejection::Rejection,
    time::{DAY_MS, Date},
};

use super::certificate_sequence;
use crate::{
    ports::{load, store},
    sharing::catalog_view::fixtures,
    testkit::{Chain, Reach, public, refusal},
};

/// The registrar of the registration centre.
pub(crate) const REGISTRAR: &str = "xm-djzx/registrar-1";
/// The admin of xm-dsj, provider of resource 1.
pub(crate) const PROVIDER: &str = "xm-dsj/admin";
/// A data user of the trading platform xm-jypt.
pub(crate) const DATA_USER: &str = "xm-jypt/data-user";
/// The admin of the trading platform xm-jypt.
pub(crate) const PLATFORM: &str = "xm-jypt/admin";
/// The admin of xm-gaj.
pub(crate) const POLICE: &str = "xm-gaj/admin";
const UTC_OFFSET: i16 = 480;

/// The dev chain with resource 1 of xm-dsj and resource 2 of xm-gaj.
pub(crate) fn chain() -> Chain {
    let mut chain = Chain::dev();
    for (id, provider) in [(1, "xm-dsj"), (2, "xm-gaj")] {
        let resource = fixtures::resource(id, "E-PROPERTY", provider, &[]);
        store(&mut chain.state, RecordKey::Resource(ResourceId(id)), &resource);
    }
    chain
}

/// The local date of the chain's next block.
pub(crate) fn today(chain: &Chain) -> Date {
    Date::of_timestamp(chain.context().time, UTC_OFFSET)
}

/// Moves the chain past any public notice opened so far.
pub(crate) fn after_notice(chain: &mut Chain) {
    chain.skip(16 * DAY_MS);
}

/// A holding right in resource `resource`, valid from today for a year.
pub(crate) fn holding(chain: &Chain, resource: u64) -> PropertyApplicationDraft {
    PropertyApplicationDraft {
        right: RightKind::Holding,
        subject: PropertySubject::Resource { resource: ResourceId(resource) },
        evidence_digests: vec![Hash32([9; 32])],
        valid_from: today(chain),
        valid_until: Date(today(chain).0 + 365),
    }
}

/// A `right` in the data product of digest `[digest; 32]` built from `inputs`.
pub(crate) fn product(
    chain: &Chain,
    right: RightKind,
    digest: u8,
    inputs: Vec<CertificateNumber>,
) -> PropertyApplicationDraft {
    PropertyApplicationDraft {
        subject: PropertySubject::Product {
            name: "企业信用画像".into(),
            description: "由登记数据加工".into(),
            digest: Hash32([digest; 32]),
            inputs,
        },
        right,
        ..holding(chain, 1)
    }
}

pub(crate) fn apply(draft: PropertyApplicationDraft) -> Action {
    Action::ApplyForProperty { draft }
}

pub(crate) fn approve(application: ApplicationId) -> Action {
    Action::ReviewPropertyApplication { application, decision: ReviewDecision::Approve }
}

pub(crate) fn object(application: ApplicationId) -> Action {
    Action::FileObjection {
        application,
        grounds: "该数据由我方采集".into(),
        evidence_digests: vec![Hash32([5; 32])],
    }
}

pub(crate) fn rule(objection: ObjectionId, upheld: bool) -> Action {
    Action::RuleObjection { objection, upheld, reasons: "经核查".into() }
}

pub(crate) fn issue(application: ApplicationId) -> Action {
    Action::IssueCertificate { application }
}

pub(crate) fn transfer(certificate: &CertificateNumber, to: &str) -> Action {
    Action::TransferCertificate { certificate: certificate.clone(), to: OrgId::from(to) }
}

pub(crate) fn license(chain: &Chain, certificate: &CertificateNumber, days: i32) -> Action {
    Action::LicenseRight {
        certificate: certificate.clone(),
        licensee: OrgId::from("xm-jypt"),
        starts: today(chain),
        ends: Date(today(chain).0 + days),
    }
}

pub(crate) fn cancel(certificate: &CertificateNumber) -> Action {
    Action::CancelCertificate {
        certificate: certificate.clone(), reason: "权利人申请注销".into()
    }
}

/// Asserts the receipt is an acceptance.
pub(crate) fn accepted(receipt: &Receipt) {
    assert_eq!(refusal(receipt), None, "{receipt:?}");
}

pub(crate) fn application(chain: &Chain, id: ApplicationId) -> PropertyApplication {
    load(&chain.state, &RecordKey::Application(id)).expect("application")
}

/// `label` applies with `draft`; returns the new application's id.
pub(crate) fn applied(
    chain: &mut Chain,
    label: &str,
    draft: PropertyApplicationDraft,
) -> ApplicationId {
    let last: u64 = load(&chain.state, &RecordKey::Sequence("application".into())).unwrap_or(0);
    accepted(&chain.run(label, apply(draft)));
    ApplicationId(last + 1)
}

/// xm-dsj's holding application on resource 1, accepted into public notice.
pub(crate) fn in_notice(chain: &mut Chain) -> ApplicationId {
    let draft = holding(chain, 1);
    let id = applied(chain, PROVIDER, draft);
    accepted(&chain.run(REGISTRAR, approve(id)));
    id
}

/// Application `id`, in notice with nothing pending, certified after its notice; returns the
/// certificate's number.
pub(crate) fn issued(chain: &mut Chain, id: ApplicationId) -> CertificateNumber {
    after_notice(chain);
    accepted(&chain.run(REGISTRAR, issue(id)));
    match application(chain, id).status {
        ApplicationStatus::Certified { certificate } => certificate,
        status => panic!("not certified: {status:?}"),
    }
}

/// xm-dsj's certificate of the holding right in resource 1.
pub(crate) fn certified(chain: &mut Chain) -> CertificateNumber {
    let id = in_notice(chain);
    issued(chain, id)
}

/// A certificate held by xm-dsj and a licence under it held by xm-jypt; returns the licence.
pub(crate) fn licensed(chain: &mut Chain) -> CertificateNumber {
    let parent = certified(chain);
    let before: u64 =
        load(&chain.state, &RecordKey::Sequence(certificate_sequence("350200", 2026)))
            .expect("a certificate was numbered");
    let action = license(chain, &parent, 30);
    accepted(&chain.run(PROVIDER, action));
    onebook_types::property_records::certificate_number("350200", 2026, before + 1)
        .expect("assignable")
}

/// For every data-property rejection, a chain prepared just before it and the tx refused with
/// it; `None` for the rejections of other modules.
#[allow(clippy::too_many_lines, reason = "one short arm per rejection code, in code order")]
pub(crate) fn reach(rejection: Rejection) -> Option<Reach> {
    let mut chain = chain();
    let reach = match rejection {
        Rejection::ApplicationUnknown => Reach::by(chain, REGISTRAR, approve(ApplicationId(99))),
        Rejection::ApplicationNotAwaitingReview => {
            let id = in_notice(&mut chain);
            Reach::by(chain, REGISTRAR, approve(id))
        }
        Rejection::ApplicationNotInNotice => {
            let draft = holding(&chain, 1);
            let id = applied(&mut chain, PROVIDER, draft);
            Reach::by(chain, DATA_USER, object(id))
        }
        Rejection::EvidenceMissing => {
            let draft = PropertyApplicationDraft { evidence_digests: vec![], ..holding(&chain, 1) };
            Reach::by(chain, PROVIDER, apply(draft))
        }
        Rejection::ValidityInvalid => {
            let draft = holding(&chain, 1);
            let draft = PropertyApplicationDraft { valid_until: draft.valid_from, ..draft };
            Reach::by(chain, PROVIDER, apply(draft))
        }
        Rejection::ProductDigestMissing => {
            let draft = product(&chain, RightKind::Holding, 0, vec![]);
            Reach::by(chain, DATA_USER, apply(draft))
        }
        Rejection::SubjectRightTaken => {
            let draft = holding(&chain, 1);
            applied(&mut chain, PROVIDER, draft.clone());
            Reach::by(chain, PROVIDER, apply(draft))
        }
        Rejection::ProductInputsMissing => {
            let draft = product(&chain, RightKind::ProductOperation, 3, vec![]);
            Reach::by(chain, DATA_USER, apply(draft))
        }
        Rejection::ProductInputNotHeld => {
            let input = certified(&mut chain);
            let draft = product(&chain, RightKind::ProductOperation, 3, vec![input]);
            Reach::by(chain, DATA_USER, apply(draft))
        }
        Rejection::RegistrantNotProvider => {
            let draft = holding(&chain, 1);
            Reach::by(chain, DATA_USER, apply(draft))
        }
        Rejection::ProcessingUseByLicenceOnly => {
            let draft =
                PropertyApplicationDraft { right: RightKind::ProcessingUse, ..holding(&chain, 1) };
            Reach::by(chain, PROVIDER, apply(draft))
        }
        Rejection::RegistrarNotRegistrationCentre => {
            let id = {
                let draft = holding(&chain, 1);
                applied(&mut chain, PROVIDER, draft)
            };
            let register = Action::RegisterMember {
                key: public("xm-dsj/registrar"),
                name: "非登记中心的登记人员".into(),
                roles: vec![Role::Registrar],
            };
            accepted(&chain.run(PROVIDER, register));
            Reach::by(chain, "xm-dsj/registrar", approve(id))
        }
        Rejection::NoticeClosed => {
            let id = in_notice(&mut chain);
            after_notice(&mut chain);
            Reach::by(chain, DATA_USER, object(id))
        }
        Rejection::ObjectionUnknown => Reach::by(chain, REGISTRAR, rule(ObjectionId(9), false)),
        Rejection::ObjectionNotPending => {
            let id = in_notice(&mut chain);
            accepted(&chain.run(DATA_USER, object(id)));
            accepted(&chain.run(REGISTRAR, rule(ObjectionId(1), false)));
            Reach::by(chain, REGISTRAR, rule(ObjectionId(1), true))
        }
        Rejection::NoticeNotEnded => {
            let id = in_notice(&mut chain);
            Reach::by(chain, REGISTRAR, issue(id))
        }
        Rejection::ObjectionsPending => {
            let id = in_notice(&mut chain);
            accepted(&chain.run(DATA_USER, object(id)));
            after_notice(&mut chain);
            Reach::by(chain, REGISTRAR, issue(id))
        }
        Rejection::CertificateUnknown => {
            let number = CertificateNumber::from("350200-2026-0000028");
            Reach::by(chain, PROVIDER, transfer(&number, "xm-gaj"))
        }
        Rejection::CertificateNotActive => {
            let number = certified(&mut chain);
            accepted(&chain.run(REGISTRAR, cancel(&number)));
            Reach::by(chain, PROVIDER, transfer(&number, "xm-gaj"))
        }
        Rejection::HolderOnly => {
            let number = certified(&mut chain);
            Reach::by(chain, POLICE, transfer(&number, "xm-gaj"))
        }
        Rejection::CounterpartyIsHolder => {
            let number = certified(&mut chain);
            Reach::by(chain, PROVIDER, transfer(&number, "xm-dsj"))
        }
        Rejection::CounterpartyOrgSuspended => {
            let number = certified(&mut chain);
            let key = RecordKey::Org(OrgId::from("xm-jypt"));
            let mut org: Org = load(&chain.state, &key).expect("xm-jypt");
            org.status = OrgStatus::Suspended;
            store(&mut chain.state, key, &org);
            Reach::by(chain, PROVIDER, transfer(&number, "xm-jypt"))
        }
        Rejection::LicenceTermInvalid => {
            let number = certified(&mut chain);
            let action = license(&chain, &number, 0);
            Reach::by(chain, PROVIDER, action)
        }
        Rejection::LicenceCannotBePassedOn => {
            let licence = licensed(&mut chain);
            Reach::by(chain, PLATFORM, transfer(&licence, "xm-gaj"))
        }
        Rejection::RenewalNotLater => {
            let number = certified(&mut chain);
            let current: Certificate =
                load(&chain.state, &RecordKey::Certificate(number.clone())).expect("issued");
            let valid_until = current.valid_until;
            let renew = Action::RenewCertificate { certificate: number, valid_until };
            Reach::by(chain, REGISTRAR, renew)
        }
        Rejection::CertificateNumberUnavailable => {
            let id = in_notice(&mut chain);
            after_notice(&mut chain);
            let sequence = RecordKey::Sequence(certificate_sequence("350200", 2026));
            store(
                &mut chain.state,
                sequence,
                &onebook_types::property_records::CERTIFICATE_SEQUENCE_MAX,
            );
            Reach::by(chain, REGISTRAR, issue(id))
        }
        _ => return None,
    };
    Some(reach)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_property_rejection_has_a_reach_that_yields_its_code() {
        let owned: Vec<Rejection> =
            Rejection::ALL.iter().copied().filter(|r| (200..240).contains(&r.code())).collect();

        for rejection in owned {
            let mut reach =
                reach(rejection).unwrap_or_else(|| panic!("no reach for {rejection:?}"));

            let outcome = reach.chain.block(&[reach.tx]);

            assert_eq!(refusal(&outcome.receipts[0]), Some(rejection));
        }
    }

    #[test]
    fn rejections_of_other_modules_have_no_property_reach() {
        assert!(reach(Rejection::NonceNotNext).is_none());
        assert!(reach(Rejection::ShareRequestUnknown).is_none());
    }
}
