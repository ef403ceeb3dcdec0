//! Record types of data-property registration (数据产权登记, 三权分置): applications, the objections
//! filed during their public notice, the certificates issued for them, and the per-subject index
//! that enforces one holding right per subject. Each is stored under its
//! [`RecordKey`](crate::record::RecordKey) as its borsh encoding; append fields only with a
//! format change.
//!
//! Certificate numbers read `<region>-<yyyy>-<sequence><check>`: the issuing registration
//! centre's six-digit region code, the local year of issue, a six-digit sequence per region and
//! year, and an ISO 7064 MOD 11-2 check character (as on Chinese resident ID numbers, `X` for 10)
//! computed over the sixteen digits before it, e.g. `350200-2026-000001X`.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    action::{PropertySubject, RightKind},
    codec,
    hash::{Hash32, Tag},
    ids::{ApplicationId, CertificateNumber, Height, ObjectionId, OrgId, ResourceId, Timestamp},
    keys::PublicKey,
    time::Date,
};

/// The largest sequence a certificate number can carry in one region and year.
pub const CERTIFICATE_SEQUENCE_MAX: u64 = 999_999;

/// Where a property application stands.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ApplicationStatus {
    /// Waiting for a registrar's review.
    Applied,
    /// Refused: returned by a registrar, or by an objection upheld during the notice.
    Refused {
        /// The registrar's reasons.
        reasons: String,
        /// The upheld objection that refused it, if any.
        objection: Option<ObjectionId>,
    },
    /// Accepted and under public notice (公示) until `notice_ends`.
    InNotice {
        /// Block time at which the notice ends; objections are filed before it.
        notice_ends: Timestamp,
    },
    /// A certificate was issued for it.
    Certified {
        /// The certificate.
        certificate: CertificateNumber,
    },
}

/// An application by a registrant org for a data-property right in a subject.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PropertyApplication {
    /// Its id, from the `application` sequence.
    pub id: ApplicationId,
    /// The org applying, which will hold the right.
    pub registrant: OrgId,
    /// The member who signed the application.
    pub applicant: PublicKey,
    /// The right applied for.
    pub right: RightKind,
    /// What the right is held in.
    pub subject: PropertySubject,
    /// The subject's hash (`subject_hash`): the key of its `SubjectRights` index.
    pub subject_hash: Hash32,
    /// Digests of the evidence of lawful source.
    pub evidence_digests: Vec<Hash32>,
    /// First day of validity asked for.
    pub valid_from: Date,
    /// Last day of validity asked for.
    pub valid_until: Date,
    /// Block time of the block that recorded it.
    pub applied_at: Timestamp,
    /// Objections filed against it, in filing order.
    pub objections: Vec<ObjectionId>,
    /// Where it stands.
    pub status: ApplicationStatus,
}

/// Where an objection stands.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ObjectionStatus {
    /// Waiting for a registrar's ruling; the certificate cannot be issued meanwhile.
    Pending,
    /// Upheld: the application is refused.
    Upheld {
        /// The registrar's reasons.
        reasons: String,
    },
    /// Dismissed: the application goes on.
    Dismissed {
        /// The registrar's reasons.
        reasons: String,
    },
}

/// An objection to an application, filed during its public notice.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Objection {
    /// Its id, from the `objection` sequence.
    pub id: ObjectionId,
    /// The application objected to.
    pub application: ApplicationId,
    /// The objector's org.
    pub objector_org: OrgId,
    /// The member who signed it.
    pub objector: PublicKey,
    /// The grounds.
    pub grounds: String,
    /// Digests of the evidence.
    pub evidence_digests: Vec<Hash32>,
    /// Block time of the block that recorded it.
    pub filed_at: Timestamp,
    /// Where it stands.
    pub status: ObjectionStatus,
}

/// Whether a certificate still stands (before its last day of validity).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum CertificateStatus {
    /// In force from `valid_from` to `valid_until`, both included.
    Active,
    /// Cancelled; proves nothing from `at` on, nor do licences granted under it.
    Cancelled {
        /// Why.
        reason: String,
        /// Block time of the cancellation.
        at: Timestamp,
    },
}

/// One change of holder, kept on the certificate so its chain of holders is on the record.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderChange {
    /// The holder before the transfer.
    pub from: OrgId,
    /// The holder after it.
    pub to: OrgId,
    /// Height of the block that recorded the transfer.
    pub height: Height,
    /// Block time of that block.
    pub at: Timestamp,
}

/// A data-property certificate: issued for an application after its notice, or as a licence
/// (a processing-use right) under a parent certificate.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// Its number (see the module doc).
    pub number: CertificateNumber,
    /// The application it was issued for; `None` for a licence.
    pub application: Option<ApplicationId>,
    /// The right it proves.
    pub right: RightKind,
    /// What the right is held in.
    pub subject: PropertySubject,
    /// The subject's hash (`subject_hash`).
    pub subject_hash: Hash32,
    /// The org holding the right now.
    pub holder: OrgId,
    /// For a licence, the certificate it was granted under.
    pub parent: Option<CertificateNumber>,
    /// The registration centre that issued it (for a licence, the parent's).
    pub issuer: OrgId,
    /// First day of validity.
    pub valid_from: Date,
    /// Last day of validity.
    pub valid_until: Date,
    /// Block time of issue.
    pub issued_at: Timestamp,
    /// Earlier holders, oldest first.
    pub transfers: Vec<HolderChange>,
    /// Whether it still stands.
    pub status: CertificateStatus,
}

/// Where a certificate stands on a local day, judged from its own record and, for a licence,
/// its parent's: a licence stands only while its parent does, so a cancelled or expired parent
/// takes its licences down with it (a transferred parent still stands, and so do its licences).
/// Not stored: read views and proof verdicts judge it when they show a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CertificateStanding {
    /// In force: active, and the day is within its validity (and its parent stands).
    Valid,
    /// Active, but its first day has not come yet.
    NotYetValid,
    /// Its last day has passed.
    Expired,
    /// Cancelled.
    Cancelled,
    /// A licence whose parent certificate is cancelled.
    ParentCancelled,
    /// A licence whose parent certificate's last day has passed.
    ParentExpired,
    /// A licence whose parent certificate was not given to judge it (not found, or not proved
    /// alongside it): it cannot be said to stand.
    ParentUnknown,
}

impl CertificateStanding {
    /// Whether the certificate stands (it may not have started yet).
    pub const fn stands(self) -> bool {
        matches!(self, Self::Valid | Self::NotYetValid)
    }

    /// Its name in JSON: `valid`, `parent-cancelled`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::NotYetValid => "not-yet-valid",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::ParentCancelled => "parent-cancelled",
            Self::ParentExpired => "parent-expired",
            Self::ParentUnknown => "parent-unknown",
        }
    }
}

impl std::fmt::Display for CertificateStanding {
    /// In words: `valid`, `parent cancelled`, ...
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str().replace('-', " "))
    }
}

impl Certificate {
    /// Where it stands on local day `today`, with `parent` its parent certificate if it is a
    /// licence (`None` if that is not known). Its own cancellation or expiry comes first, then
    /// its parent's, then whether it has started.
    pub fn standing(&self, parent: Option<&Self>, today: Date) -> CertificateStanding {
        if let CertificateStatus::Cancelled { .. } = self.status {
            return CertificateStanding::Cancelled;
        }
        if today > self.valid_until {
            return CertificateStanding::Expired;
        }
        if self.parent.is_some() {
            let parent = parent.map(|parent| parent.standing(None, today));
            match parent {
                None | Some(CertificateStanding::ParentUnknown) => {
                    return CertificateStanding::ParentUnknown;
                }
                Some(CertificateStanding::Cancelled | CertificateStanding::ParentCancelled) => {
                    return CertificateStanding::ParentCancelled;
                }
                Some(CertificateStanding::Expired | CertificateStanding::ParentExpired) => {
                    return CertificateStanding::ParentExpired;
                }
                Some(CertificateStanding::Valid | CertificateStanding::NotYetValid) => {}
            }
        }
        if today < self.valid_from {
            return CertificateStanding::NotYetValid;
        }
        CertificateStanding::Valid
    }
}

/// What stands in the way of a new claim of an exclusive right on a subject.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "claim", content = "id", rename_all = "kebab-case")]
pub enum SubjectClaim {
    /// An application applied for or in notice.
    Application(ApplicationId),
    /// A certificate not cancelled (it may have expired since: expiry is judged at use).
    Certificate(CertificateNumber),
}

/// One claim of a right on a subject.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectRight {
    /// The right claimed.
    pub right: RightKind,
    /// The application or certificate claiming it.
    pub claim: SubjectClaim,
}

/// The index stored under `RecordKey::PropertySubject(subject_hash)`: the pending applications
/// and uncancelled certificates of exclusive rights (holding, product operation) on one subject,
/// so a conflicting application is found without a scan. Licences are not listed: they hang off
/// their parent certificate.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectRights {
    /// The claims, sorted, each once.
    pub claims: Vec<SubjectRight>,
}

/// What identifies a subject for the index: the resource, or the product's digest. A product's
/// name, description and inputs do not make it another subject.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
enum SubjectIdentity {
    Resource(ResourceId),
    Product(Hash32),
}

/// The key of a subject's [`SubjectRights`] index: `H(Tag::PropertySubject, borsh(identity))`,
/// where the identity is the resource id or the product digest.
/// (`ed25519-blake3`)
pub fn subject_hash(subject: &PropertySubject) -> Hash32 {
    subject_hash_in(crate::suite::Suite::Ed25519Blake3, subject)
}

/// [`subject_hash`] in `suite`.
pub fn subject_hash_in(suite: crate::suite::Suite, subject: &PropertySubject) -> Hash32 {
    let identity = match subject {
        PropertySubject::Resource { resource } => SubjectIdentity::Resource(*resource),
        PropertySubject::Product { digest, .. } => SubjectIdentity::Product(*digest),
    };
    suite.hash_tagged(Tag::PropertySubject, &[&codec::encode(&identity)])
}

/// The ISO 7064 MOD 11-2 check character of `digits` (`0`-`9` or `X`), or `None` if `digits` is
/// empty or holds anything but ASCII digits.
pub fn mod11_2_check(digits: &str) -> Option<char> {
    if digits.is_empty() {
        return None;
    }
    let mut carry: u32 = 0;
    for byte in digits.bytes() {
        if !byte.is_ascii_digit() {
            return None;
        }
        carry = ((carry + u32::from(byte - b'0')) * 2) % 11;
    }
    match (12 - carry) % 11 {
        10 => Some('X'),
        value => char::from_digit(value, 10),
    }
}

/// The certificate number for `sequence` in `region` and `year`, or `None` if the region is not
/// six digits, the year not four, or the sequence not in `1..=CERTIFICATE_SEQUENCE_MAX`.
pub fn certificate_number(region: &str, year: i32, sequence: u64) -> Option<CertificateNumber> {
    if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !(1000..=9999).contains(&year) || !(1..=CERTIFICATE_SEQUENCE_MAX).contains(&sequence) {
        return None;
    }
    let check = mod11_2_check(&format!("{region}{year}{sequence:06}"))?;
    Some(CertificateNumber(format!("{region}-{year}-{sequence:06}{check}")))
}

/// Whether `text` is a certificate number of the form of [`certificate_number`] whose check
/// character is right.
pub fn certificate_number_is_well_formed(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [region, year, tail] = parts.as_slice() else { return false };
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if region.len() != 6 || year.len() != 4 || tail.len() != 7 {
        return false;
    }
    let (sequence, check) = tail.split_at(6);
    if !all_digits(region) || !all_digits(year) || !all_digits(sequence) {
        return false;
    }
    mod11_2_check(&format!("{region}{year}{sequence}"))
        .is_some_and(|expected| check.len() == 1 && check.starts_with(expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::check_id;

    #[test]
    fn the_check_character_matches_known_id_and_orcid_vectors() {
        // GB 11643's sample resident ID number, and ORCID's documentation sample: both ISO 7064
        // MOD 11-2.
        assert_eq!(mod11_2_check("11010519491231002"), Some('X'));
        assert_eq!(mod11_2_check("000000021825009"), Some('7'));
        assert_eq!(mod11_2_check(""), None);
        assert_eq!(mod11_2_check("12a"), None);
    }

    #[test]
    fn a_certificate_number_carries_region_year_sequence_and_check_and_is_a_valid_id() {
        let number = certificate_number("350200", 2026, 1).expect("assignable");

        assert_eq!(number.as_str(), "350200-2026-000001X");
        assert!(certificate_number_is_well_formed(number.as_str()));
        assert_eq!(check_id(number.as_str()), Ok(()));
    }

    #[test]
    fn a_number_with_a_wrong_check_or_shape_is_not_well_formed() {
        let number = certificate_number("350200", 2026, 42).expect("assignable");
        let mut wrong = number.0;
        let check = wrong.pop().expect("non-empty");
        wrong.push(if check == '0' { '1' } else { '0' });

        assert!(!certificate_number_is_well_formed(&wrong));
        assert!(!certificate_number_is_well_formed("350200-2026-00004"));
        assert!(!certificate_number_is_well_formed("35020A-2026-0000421"));
        assert!(!certificate_number_is_well_formed("350200-2026-000042-1"));
    }

    #[test]
    fn numbers_are_refused_past_the_sequence_or_for_a_non_numeric_region() {
        assert!(certificate_number("350200", 2026, CERTIFICATE_SEQUENCE_MAX).is_some());
        assert_eq!(certificate_number("350200", 2026, CERTIFICATE_SEQUENCE_MAX + 1), None);
        assert_eq!(certificate_number("350200", 2026, 0), None);
        assert_eq!(certificate_number("xm", 2026, 1), None);
    }

    fn certificate(parent: Option<&str>, valid_from: i32, valid_until: i32) -> Certificate {
        Certificate {
            number: CertificateNumber::from("350200-2026-0000028"),
            application: None,
            right: RightKind::Holding,
            subject: PropertySubject::Resource { resource: ResourceId(1) },
            subject_hash: Hash32::ZERO,
            holder: OrgId::from("xm-dsj"),
            parent: parent.map(CertificateNumber::from),
            issuer: OrgId::from("xm-djzx"),
            valid_from: Date(valid_from),
            valid_until: Date(valid_until),
            issued_at: Timestamp(0),
            transfers: vec![],
            status: CertificateStatus::Active,
        }
    }

    #[test]
    fn a_licence_stands_only_while_its_parent_does() {
        let mut parent = certificate(None, 0, 100);
        let licence = certificate(Some("350200-2026-000001X"), 10, 50);
        let at = |parent: &Certificate, day| licence.standing(Some(parent), Date(day));

        let before = [at(&parent, 5), at(&parent, 20)];
        parent.transfers.push(HolderChange {
            from: OrgId::from("xm-dsj"),
            to: OrgId::from("xm-gaj"),
            height: Height(3),
            at: Timestamp(3),
        });
        let transferred = at(&parent, 20);
        parent.status = CertificateStatus::Cancelled { reason: "r".into(), at: Timestamp(4) };
        let cancelled = at(&parent, 20);

        assert_eq!(before, [CertificateStanding::NotYetValid, CertificateStanding::Valid]);
        assert_eq!(transferred, CertificateStanding::Valid);
        assert_eq!(cancelled, CertificateStanding::ParentCancelled);
        assert_eq!(cancelled.to_string(), "parent cancelled");
        assert_eq!(licence.standing(None, Date(20)), CertificateStanding::ParentUnknown);
        assert!(!cancelled.stands() && before.iter().all(|standing| standing.stands()));
    }

    #[test]
    fn its_own_cancellation_or_expiry_comes_before_its_parents() {
        let mut parent = certificate(None, 0, 100);
        parent.status = CertificateStatus::Cancelled { reason: "r".into(), at: Timestamp(4) };
        let mut licence = certificate(Some("350200-2026-000001X"), 10, 50);

        let expired = licence.standing(Some(&parent), Date(51));
        licence.status = CertificateStatus::Cancelled { reason: "r".into(), at: Timestamp(5) };
        let cancelled = licence.standing(Some(&parent), Date(20));

        assert_eq!(expired, CertificateStanding::Expired);
        assert_eq!(cancelled, CertificateStanding::Cancelled);
        assert_eq!(serde_json::to_value(cancelled).expect("json"), cancelled.as_str());
    }

    #[test]
    fn a_product_is_the_same_subject_whatever_its_name_and_differs_from_a_resource() {
        let product = |name: &str| PropertySubject::Product {
            name: name.into(),
            description: String::new(),
            digest: Hash32([1; 32]),
            inputs: vec![],
        };
        let resource = PropertySubject::Resource { resource: ResourceId(1) };

        assert_eq!(subject_hash(&product("a")), subject_hash(&product("b")));
        assert_ne!(subject_hash(&product("a")), subject_hash(&resource));
    }
}
