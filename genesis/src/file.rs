//! The genesis file format, its hash, and the records it puts in the state at height 0.

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_types::{
    checkpoint::{CheckpointPolicy, Witness, WitnessSet},
    codec,
    consortium::{
        Member, MemberStatus, Org, OrgLevel, OrgStatus, Policy, Role, Validator, ValidatorSet,
    },
    hash::{Hash32, Tag},
    ids::{ChainId, OrgId, RegionCode, Timestamp},
    keys::PublicKey,
    limits::GENESIS_BYTES_MAX,
    record::RecordKey,
    suite::Suite,
};
use serde::{Deserialize, Serialize};

use crate::{GenesisError, GenesisErrors, validate};

/// A genesis file: everything the chain holds before its first block.
///
/// In JSON every field is required and unknown fields are refused, so a misspelt field is an
/// error rather than a silent default.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisFile {
    /// The chain's name; every signed body carries it.
    pub chain_id: ChainId,
    /// The cryptographic suite every key, signature and digest of the chain is read in, fixed
    /// for the chain's life. Optional in JSON, where it is written only when it is not the
    /// default `ed25519-blake3`; outside the borsh fields, and hashed after them only when not
    /// the default (see [`GenesisFile::hash`]), so default genesis hashes are unchanged.
    #[serde(default, skip_serializing_if = "Suite::is_default")]
    #[borsh(skip)]
    pub suite: Suite,
    /// The chain's start: milliseconds since 1970-01-01T00:00:00Z. The first block's time must
    /// come after it.
    pub genesis_time: Timestamp,
    /// True for networks whose keys are public ([`dev_secret`](crate::dev_secret)); only such a
    /// file may give members a `dev_label`.
    pub dev_only: bool,
    /// The first organisations, in any order.
    pub orgs: Vec<GenesisOrg>,
    /// The first member keys, in any order.
    pub members: Vec<GenesisMember>,
    /// The first validators, in any order; [`GenesisFile::validator_set`] sorts them.
    pub validators: Vec<Validator>,
    /// The first policy.
    pub policy: Policy,
    /// How often the chain checkpoints, and who witnesses the checkpoints: the first
    /// `CheckpointPolicy` record.
    pub checkpoints: GenesisCheckpoints,
}

/// The first checkpoint policy: the interval, the witnesses and how many must cosign.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisCheckpoints {
    /// Every height that is a multiple of it is a checkpoint (at least 1).
    pub interval: u64,
    /// Cosignatures a checkpoint needs: 1 to the number of witnesses (0 only with none).
    pub threshold: u16,
    /// The witnesses, in any order; [`GenesisFile::checkpoint_policy`] sorts them by key.
    pub witnesses: Vec<GenesisWitness>,
}

/// A witness named at genesis: a key held by a party outside the validators.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisWitness {
    /// Its ed25519 public key, in hex.
    pub key: PublicKey,
    /// Who runs it.
    pub name: String,
    /// On dev networks only: the label whose [`dev_secret`](crate::dev_secret) is this key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_label: Option<String>,
}

/// An organisation admitted at genesis. It starts [`OrgStatus::Active`].
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisOrg {
    /// Its id, e.g. `xm-dsj`.
    pub id: OrgId,
    /// Its official name.
    pub name: String,
    /// Its level or kind.
    pub level: OrgLevel,
    /// The org it sits under, which must be in the same file; `null` for the top of the
    /// hierarchy and for enterprises outside it.
    pub parent: Option<OrgId>,
    /// Its region code (six digits), e.g. `350200`.
    pub region: RegionCode,
    /// Whether it is its region's data authority; at most one per region.
    pub data_authority: bool,
}

/// A member key admitted at genesis. It starts [`MemberStatus::Active`].
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisMember {
    /// Its ed25519 public key, in hex.
    pub key: PublicKey,
    /// The org it acts for.
    pub org: OrgId,
    /// A display name (a role title or a gateway's name).
    pub name: String,
    /// Its roles, sorted and without duplicates.
    pub roles: Vec<Role>,
    /// On dev networks only: the label whose [`dev_secret`](crate::dev_secret) is this key, so
    /// tools can sign as the member. Omitted elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_label: Option<String>,
}

impl GenesisFile {
    /// Parses genesis JSON, refusing input over [`GENESIS_BYTES_MAX`] before reading it. Does not
    /// validate; see [`GenesisFile::validate`] and [`GenesisFile::from_json_validated`].
    pub fn from_json(bytes: &[u8]) -> Result<Self, GenesisError> {
        if bytes.len() > GENESIS_BYTES_MAX {
            return Err(GenesisError::TooLarge { size_bytes: bytes.len() });
        }
        Ok(serde_json::from_slice(bytes)?)
    }

    /// Parses genesis JSON as [`GenesisFile::from_json`] does, then validates it.
    pub fn from_json_validated(bytes: &[u8]) -> Result<Self, GenesisError> {
        let file = Self::from_json(bytes)?;
        file.validate()?;
        Ok(file)
    }

    /// The file as pretty JSON (two-space indent, UTF-8 text unescaped), ending in a newline.
    pub fn to_json_pretty(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(self).expect("a genesis file has only string map keys");
        text.push('\n');
        text
    }

    /// Checks every rule and returns all the problems found, not just the first.
    pub fn validate(&self) -> Result<(), GenesisErrors> {
        validate::validate(self)
    }

    /// `H("onebook/genesis/v1", borsh(self))` in the file's suite, followed in the input, for
    /// any suite but the default, by the suite's one-byte code (`0x01` for `sm2-sm3`): the
    /// chain's identity. It is taken over the canonical encoding of the parsed file, so
    /// whitespace, JSON field order and escaping do not change it; the order of the lists does.
    pub fn hash(&self) -> Hash32 {
        let suite_code: &[u8] = if self.suite.is_default() { &[] } else { &[self.suite.code()] };
        self.suite.hash_tagged(Tag::Genesis, &[&codec::encode(self), suite_code])
    }

    /// This dev network in `suite`: the same file with every dev key derived again in the suite
    /// ([`dev_secret_in`](crate::dev_secret_in)): members and witnesses by their `dev_label`,
    /// validators by the label `<org>/node` when their node key is that dev key. Keys that are
    /// not dev keys are left as they are, so validation reports them if they are not keys of
    /// `suite`. Refused unless the file is `dev_only`.
    pub fn with_dev_suite(mut self, suite: Suite) -> Result<Self, GenesisError> {
        if !self.dev_only {
            return Err(GenesisError::NotDevOnly);
        }
        let previous = self.suite;
        self.suite = suite;
        for member in &mut self.members {
            if let Some(label) = &member.dev_label {
                member.key = crate::dev_secret_in(suite, label).public_key();
            }
        }
        for witness in &mut self.checkpoints.witnesses {
            if let Some(label) = &witness.dev_label {
                witness.key = crate::dev_secret_in(suite, label).public_key();
            }
        }
        for validator in &mut self.validators {
            let label = format!("{}/node", validator.org);
            if crate::dev_secret_in(previous, &label).public_key() == validator.node_key {
                validator.node_key = crate::dev_secret_in(suite, &label).public_key();
            }
        }
        Ok(self)
    }

    /// The validator set at height 0: the file's validators sorted by node key.
    pub fn validator_set(&self) -> ValidatorSet {
        let mut validators = self.validators.clone();
        validators.sort_by_key(|validator| validator.node_key);
        ValidatorSet { validators }
    }

    /// The checkpoint policy at height 0: the file's interval and threshold, its witnesses
    /// sorted by key (without their dev labels).
    pub fn checkpoint_policy(&self) -> CheckpointPolicy {
        let mut witnesses: Vec<Witness> = self
            .checkpoints
            .witnesses
            .iter()
            .map(|witness| Witness { key: witness.key, name: witness.name.clone() })
            .collect();
        witnesses.sort_by_key(|witness| witness.key);
        CheckpointPolicy {
            interval: self.checkpoints.interval,
            witnesses: WitnessSet { threshold: self.checkpoints.threshold, witnesses },
        }
    }

    /// The state at height 0: every record the file creates, as `(key, codec::encode(record))`,
    /// sorted by key. Holds the policy, the validator set, the checkpoint policy, each org and
    /// each member, all active, and for each data authority the index
    /// [`RecordKey::RegionAuthority`] of its region naming it (validation allows one per
    /// region). Call it on a validated file.
    pub fn initial_state(&self) -> Vec<(RecordKey, Vec<u8>)> {
        let mut records = Vec::with_capacity(3 + self.orgs.len() + self.members.len());
        records.push((RecordKey::Policy, codec::encode(&self.policy)));
        records.push((RecordKey::ValidatorSet, codec::encode(&self.validator_set())));
        records.push((RecordKey::CheckpointPolicy, codec::encode(&self.checkpoint_policy())));
        for org in &self.orgs {
            records.push((RecordKey::Org(org.id.clone()), codec::encode(&org.to_org())));
            if org.data_authority {
                records
                    .push((RecordKey::RegionAuthority(org.region.clone()), codec::encode(&org.id)));
            }
        }
        for member in &self.members {
            records.push((RecordKey::Member(member.key), codec::encode(&member.to_member())));
        }
        records.sort_by(|a, b| a.0.cmp(&b.0));
        records
    }
}

impl GenesisOrg {
    /// The org record it becomes: the same fields, status active.
    pub fn to_org(&self) -> Org {
        Org {
            id: self.id.clone(),
            name: self.name.clone(),
            level: self.level,
            parent: self.parent.clone(),
            region: self.region.clone(),
            data_authority: self.data_authority,
            status: OrgStatus::Active,
        }
    }
}

impl GenesisMember {
    /// The member record it becomes: the same fields without the dev label, status active.
    pub fn to_member(&self) -> Member {
        Member {
            key: self.key,
            org: self.org.clone(),
            name: self.name.clone(),
            roles: self.roles.clone(),
            status: MemberStatus::Active,
        }
    }
}
