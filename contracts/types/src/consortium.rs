//! The consortium: organisations, members and their roles, validators, and the governed policy.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    hash::{Hash32, Tag},
    ids::{Height, LegalBasisCode, OrgId, ProtocolVersion, RegionCode},
    keys::PublicKey,
    time::Date,
};

/// Where an organisation sits in the hierarchy 国家—省—市—区县, or what kind of body it is.
#[derive(
    Clone,
    Copy,
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
#[serde(rename_all = "kebab-case")]
pub enum OrgLevel {
    /// A national body.
    National,
    /// A provincial government or node.
    Provincial,
    /// A city government or its data bureau.
    City,
    /// A district or county.
    District,
    /// A bureau or department under a government (公安局, 市场监管局).
    Bureau,
    /// A public-service organisation (事业单位).
    PublicService,
    /// An enterprise, such as a trading platform or a data developer.
    Enterprise,
    /// A data-property registration centre.
    RegistrationCentre,
}

/// Whether an organisation may act.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OrgStatus {
    /// Admitted and acting.
    Active,
    /// Suspended by governance: its members' actions are refused.
    Suspended,
}

/// A government body, public-service organisation, enterprise, registration centre or platform.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Org {
    /// Its id.
    pub id: OrgId,
    /// Its official name.
    pub name: String,
    /// Its level or kind.
    pub level: OrgLevel,
    /// The body it sits under; `None` only for the top of the hierarchy.
    pub parent: Option<OrgId>,
    /// The region it belongs to; catalog codes start with it.
    pub region: RegionCode,
    /// Whether it is its region's data authority (数据主管部门), which reviews catalogs.
    pub data_authority: bool,
    /// Whether it may act.
    pub status: OrgStatus,
}

/// What a member may sign. Granted by the member's org admin.
#[derive(
    Clone,
    Copy,
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
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Manages the org's members and roles.
    OrgAdmin,
    /// Registers and updates catalog entries and resources (目录编制人员).
    CatalogClerk,
    /// Answers share requests (共享审核人).
    ShareApprover,
    /// Requests data and records accesses (数据使用方, gateways).
    DataUser,
    /// Reviews property applications and issues certificates (数据产权登记人员).
    Registrar,
    /// Reads restricted records for audit (审计).
    Auditor,
    /// Applies for development scenarios and records products as a primary development entity
    /// (一级开发主体).
    PrimaryDeveloper,
    /// Applies for development scenarios and records products as a secondary development
    /// entity (二级开发主体).
    SecondaryDeveloper,
}

/// Whether a member key may still sign.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MemberStatus {
    /// The key may sign for its roles.
    Active,
    /// The key was revoked or rotated away; it signs nothing more.
    Revoked,
}

/// An ed25519 key bound to one org, holding roles.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// The member's public key, which signs its transactions.
    pub key: PublicKey,
    /// The org it acts for.
    pub org: OrgId,
    /// A display name (a person's role title, or a gateway's name); never personal data beyond it.
    pub name: String,
    /// Its roles, sorted and without duplicates.
    pub roles: Vec<Role>,
    /// Whether it may sign.
    pub status: MemberStatus,
}

impl Member {
    /// Whether the member is active and holds `role`.
    pub fn can(&self, role: Role) -> bool {
        self.status == MemberStatus::Active && self.roles.binary_search(&role).is_ok()
    }
}

/// A node key of an org in the validator set, with its voting power.
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
pub struct Validator {
    /// The key the node signs votes with.
    pub node_key: PublicKey,
    /// The org that runs it.
    pub org: OrgId,
    /// Its voting power; more than two thirds of the total commits a block.
    pub power: u64,
}

/// The validators in force at a height, sorted by node key.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidatorSet {
    /// The validators, sorted by node key, each key once.
    pub validators: Vec<Validator>,
}

impl ValidatorSet {
    /// `H("onebook/validator-set/v1", borsh(self))`, committed in every header
    /// (`ed25519-blake3`).
    pub fn hash(&self) -> Hash32 {
        self.hash_in(crate::suite::Suite::Ed25519Blake3)
    }

    /// The set's hash in `suite`.
    pub fn hash_in(&self, suite: crate::suite::Suite) -> Hash32 {
        suite.hash_tagged(Tag::ValidatorSet, &[&crate::codec::encode(self)])
    }

    /// The sum of all voting power (saturating; genesis and governance bound it far lower).
    pub fn total_power(&self) -> u64 {
        self.validators.iter().fold(0u64, |sum, v| sum.saturating_add(v.power))
    }

    /// The smallest power that is more than two thirds of the total, computed without overflow.
    pub fn quorum_power(&self) -> u64 {
        let quorum = u128::from(self.total_power()) * 2 / 3 + 1;
        u64::try_from(quorum).expect("two thirds of a u64, plus one, fits a u64")
    }

    /// The validator with `node_key`. A linear scan: sets are small (at most `VALIDATORS_MAX`)
    /// and the answer must not depend on the list being sorted.
    pub fn get(&self, node_key: &PublicKey) -> Option<&Validator> {
        self.validators.iter().find(|v| v.node_key == *node_key)
    }
}

/// An entry of the governed legal-basis registry: a law or regulation a refusal or a request
/// may cite.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    /// Its code, cited by transactions.
    pub code: LegalBasisCode,
    /// Its title and article, e.g. "《数据安全法》第三十八条".
    pub title: String,
}

/// The governed parameters. Changed only by a passed governance proposal; the version in force at
/// a block's height judges that block.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Working days to update catalog entries after an org's duties change (20 nationally; 7 in
    /// Xiamen).
    pub catalog_update_working_days: u16,
    /// Working days to register a new resource linked to an entry.
    pub resource_registration_working_days: u16,
    /// Working days to answer a share request.
    pub share_answer_working_days: u16,
    /// Working days for a provider to answer a quality report or correction request.
    pub correction_working_days: u16,
    /// Calendar days a property application stays in public notice (公示).
    pub public_notice_days: u16,
    /// Longest term of a grant or licence, in calendar days.
    pub grant_term_days_max: u32,
    /// Offset of local time from UTC, in minutes (480 for China Standard Time). Working days and
    /// calendar days begin at local midnight.
    pub utc_offset_minutes: i16,
    /// Statutory holidays: weekdays that are not working days. Sorted, each once.
    pub holidays: Vec<Date>,
    /// Make-up working days (调休): weekend days that are working days. Sorted, each once.
    pub makeup_workdays: Vec<Date>,
    /// The legal-basis registry. Sorted by code, each once.
    pub legal_bases: Vec<LegalBasis>,
    /// Whether the nodes record on the ledger, in `RecordReads` txs, every signed read of a
    /// restricted record they serve. Off unless the genesis or governance turns it on.
    #[serde(default)]
    pub record_signed_reads: bool,
}

impl Policy {
    /// Whether `code` is in the legal-basis registry.
    pub fn has_legal_basis(&self, code: &LegalBasisCode) -> bool {
        self.legal_bases.binary_search_by(|basis| basis.code.cmp(code)).is_ok()
    }
}

/// When each protocol version after the genesis one takes effect, as governance scheduled it.
/// Stored under [`RecordKey::Protocol`](crate::record::RecordKey::Protocol); absent until the
/// first upgrade is scheduled, which means [`ProtocolVersion::GENESIS`] at every height.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProtocolSchedule {
    /// The scheduled upgrades: versions 2, 3, ... in order, each once, at strictly increasing
    /// heights.
    pub upgrades: Vec<ProtocolUpgrade>,
}

/// One scheduled upgrade: from `height` on, blocks are judged by `version`'s rules.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProtocolUpgrade {
    /// The version that takes effect.
    pub version: ProtocolVersion,
    /// The first block judged by it.
    pub height: Height,
}

impl ProtocolSchedule {
    /// The version that judges the block at `height`: the last upgrade activated at or below
    /// it, or the genesis version.
    pub fn version_at(&self, height: Height) -> ProtocolVersion {
        self.upgrades
            .iter()
            .rev()
            .find(|upgrade| upgrade.height <= height)
            .map_or(ProtocolVersion::GENESIS, |upgrade| upgrade.version)
    }

    /// The last version scheduled, active or not: the genesis version if none is.
    pub fn latest(&self) -> ProtocolVersion {
        self.upgrades.last().map_or(ProtocolVersion::GENESIS, |upgrade| upgrade.version)
    }

    /// The upgrade that activates `version`, if one is scheduled.
    pub fn activation(&self, version: ProtocolVersion) -> Option<Height> {
        self.upgrades.iter().find(|upgrade| upgrade.version == version).map(|u| u.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validator(byte: u8, power: u64) -> Validator {
        Validator { node_key: PublicKey([byte; 32]), org: OrgId::from("org"), power }
    }

    #[test]
    fn quorum_is_more_than_two_thirds_of_the_power() {
        let four = ValidatorSet { validators: (1..=4).map(|b| validator(b, 10)).collect() };
        let three = ValidatorSet { validators: (1..=3).map(|b| validator(b, 1)).collect() };

        assert_eq!(four.quorum_power(), 27);
        assert_eq!(three.quorum_power(), 3);
    }

    #[test]
    fn the_version_at_a_height_is_the_last_one_activated_at_or_below_it() {
        let schedule = ProtocolSchedule {
            upgrades: vec![
                ProtocolUpgrade { version: ProtocolVersion(2), height: Height(10) },
                ProtocolUpgrade { version: ProtocolVersion(3), height: Height(20) },
            ],
        };

        assert_eq!(ProtocolSchedule::default().version_at(Height(1_000)), ProtocolVersion(1));
        assert_eq!(schedule.version_at(Height(9)), ProtocolVersion(1));
        assert_eq!(schedule.version_at(Height(10)), ProtocolVersion(2));
        assert_eq!(schedule.version_at(Height(19)), ProtocolVersion(2));
        assert_eq!(schedule.version_at(Height(20)), ProtocolVersion(3));
        assert_eq!(schedule.latest(), ProtocolVersion(3));
        assert_eq!(schedule.activation(ProtocolVersion(2)), Some(Height(10)));
    }

    #[test]
    fn a_schedule_and_the_change_that_makes_it_have_the_bytes_of_the_formats_example() {
        let schedule = ProtocolSchedule {
            upgrades: vec![ProtocolUpgrade { version: ProtocolVersion(2), height: Height(1_000) }],
        };
        let change = crate::action::GovernanceChange::ScheduleUpgrade {
            version: ProtocolVersion(2),
            height: Height(1_000),
        };

        assert_eq!(
            hex::encode(crate::codec::encode(&schedule)),
            "010000000200000000000000e803000000000000"
        );
        assert_eq!(
            hex::encode(crate::codec::encode(&change)),
            "070200000000000000e803000000000000"
        );
    }

    #[test]
    fn a_revoked_member_can_do_nothing() {
        let mut member = Member {
            key: PublicKey([1; 32]),
            org: OrgId::from("xm-dsj"),
            name: "clerk".into(),
            roles: vec![Role::CatalogClerk, Role::ShareApprover],
            status: MemberStatus::Active,
        };
        assert!(member.can(Role::ShareApprover));
        assert!(!member.can(Role::Registrar));

        member.status = MemberStatus::Revoked;

        assert!(!member.can(Role::ShareApprover));
    }
}
