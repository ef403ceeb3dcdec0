//! Witnessed checkpoints: the chain's statement of its own history at a height, cosigned by
//! independent witnesses (the transparency-log witness model of C2SP `tlog-cosignature`,
//! applied to a BFT chain).
//!
//! Every `interval` heights (a governed [`CheckpointPolicy`]), and at every height whose block
//! changes the witness set, the header at that height is a [`Checkpoint`]: the chain, its
//! genesis, the height, the block hash and time, the header's history root (every block before
//! it, `crate::history`), the validator set that signed it, the witness set that must cosign it
//! and the one that cosigns the next. A witness (`onebook witness`, run by another party) checks
//! the header's commit certificate and that the checkpoint [extends](Checkpoint::verify_extends)
//! the last one it cosigned, then signs a [`Cosignature`]. A checkpoint cosigned by at least the
//! set's threshold is *witnessed*: a retired validator set can sign a header, but not one that is
//! an ancestor of a witnessed checkpoint without the witnesses' keys as well.
//!
//! Cosignature digest: `H("onebook/cosignature/v1", borsh(checkpoint) || time (u64 LE))`. The
//! witness set's hash is `H("onebook/witness-set/v1", borsh(WitnessSet))`.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    codec,
    hash::{Hash32, Tag},
    history::{self, ConsistencyError, ConsistencyProof},
    ids::{ChainId, Height, Timestamp},
    keys::{PublicKey, Signature},
    merkle::{InclusionError, InclusionProof},
    suite::Suite,
};

/// One witness: a key held by a party outside the validators (a provincial node, an audit
/// office), and its name for people.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Witness {
    /// Its ed25519 key.
    pub key: PublicKey,
    /// Who runs it, e.g. `福建省数据管理局见证节点`.
    pub name: String,
}

/// The witnesses of a chain and how many of them must cosign a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WitnessSet {
    /// Cosignatures a checkpoint needs: 1 to the number of witnesses, or 0 with no witnesses (a
    /// chain without witnesses, whose bundles cannot be anchored).
    pub threshold: u16,
    /// The witnesses, sorted by key, each key once.
    pub witnesses: Vec<Witness>,
}

impl WitnessSet {
    /// `H("onebook/witness-set/v1", borsh(self))` (`ed25519-blake3`).
    pub fn hash(&self) -> Hash32 {
        self.hash_in(Suite::Ed25519Blake3)
    }

    /// The set's hash in `suite`.
    pub fn hash_in(&self, suite: Suite) -> Hash32 {
        suite.hash_tagged(Tag::WitnessSet, &[&codec::encode(self)])
    }

    /// The witness with `key`.
    pub fn get(&self, key: &PublicKey) -> Option<&Witness> {
        self.witnesses.iter().find(|witness| witness.key == *key)
    }

    /// The first rule the set breaks, if any: keys sorted and unique, names 1 to `TEXT_BYTES_MAX`
    /// bytes, the threshold 1 to the count (0 only with no witnesses), at most
    /// [`WITNESSES_MAX`](crate::limits::WITNESSES_MAX) witnesses.
    pub fn problem(&self) -> Option<String> {
        let count = self.witnesses.len();
        if count > crate::limits::WITNESSES_MAX {
            return Some(format!(
                "{count} witnesses; the limit is {}",
                crate::limits::WITNESSES_MAX
            ));
        }
        if !self.witnesses.windows(2).all(|pair| pair[0].key < pair[1].key) {
            return Some("witness keys must be sorted, each once".into());
        }
        if let Some(witness) = self.witnesses.iter().find(|witness| {
            witness.name.trim().is_empty() || witness.name.len() > crate::limits::TEXT_BYTES_MAX
        }) {
            return Some(format!("witness {} needs a name of at most 4096 bytes", witness.key));
        }
        let threshold = usize::from(self.threshold);
        if count == 0 && threshold != 0 {
            return Some(format!("threshold {threshold} with no witnesses"));
        }
        if count > 0 && !(1..=count).contains(&threshold) {
            return Some(format!("threshold {threshold} is not between 1 and {count}"));
        }
        None
    }

    /// Checks that `cosignatures` witness `checkpoint` under this set: the checkpoint names this
    /// set, the cosignatures are sorted by key without repeats, each is by a witness of the set
    /// and verifies, and there are at least `threshold` of them (and at least one). Returns their
    /// number. In the `ed25519-blake3` suite; see [`WitnessSet::check_in`].
    pub fn check(
        &self,
        checkpoint: &Checkpoint,
        cosignatures: &[Cosignature],
    ) -> Result<usize, CosignatureError> {
        self.check_in(Suite::Ed25519Blake3, checkpoint, cosignatures)
    }

    /// [`WitnessSet::check`] with hashes and signatures read in `suite`, the checkpointed
    /// chain's.
    pub fn check_in(
        &self,
        suite: Suite,
        checkpoint: &Checkpoint,
        cosignatures: &[Cosignature],
    ) -> Result<usize, CosignatureError> {
        let hash = self.hash_in(suite);
        if checkpoint.witness_set_hash != hash {
            return Err(CosignatureError::WrongWitnessSet {
                named: checkpoint.witness_set_hash,
                given: hash,
            });
        }
        if self.threshold == 0 {
            return Err(CosignatureError::NoWitnesses);
        }
        if !cosignatures.windows(2).all(|pair| pair[0].witness < pair[1].witness) {
            return Err(CosignatureError::NotSorted);
        }
        for cosignature in cosignatures {
            if self.get(&cosignature.witness).is_none() {
                return Err(CosignatureError::UnknownWitness(cosignature.witness));
            }
            cosignature.verify_in(suite, checkpoint)?;
        }
        if cosignatures.len() < usize::from(self.threshold) {
            return Err(CosignatureError::BelowThreshold {
                cosigned: cosignatures.len(),
                threshold: self.threshold,
            });
        }
        Ok(cosignatures.len())
    }
}

/// How often the chain checkpoints and who witnesses: the `CheckpointPolicy` record, set by
/// genesis and changed only by a governance proposal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckpointPolicy {
    /// Every height that is a multiple of it is a checkpoint (at least 1).
    pub interval: u64,
    /// The witnesses.
    pub witnesses: WitnessSet,
}

impl CheckpointPolicy {
    /// The first rule the policy breaks, if any.
    pub fn problem(&self) -> Option<String> {
        if self.interval == 0 {
            return Some("the checkpoint interval must be at least 1".into());
        }
        self.witnesses.problem()
    }
}

/// What a chain states about itself at a checkpoint height, and witnesses cosign.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkpoint {
    /// The chain.
    pub chain_id: ChainId,
    /// Its genesis hash.
    pub genesis_hash: Hash32,
    /// The height.
    pub height: Height,
    /// The block time at that height.
    pub time: Timestamp,
    /// The header hash at that height.
    pub block_hash: Hash32,
    /// The header's history root: the tree of the `height` block hashes before it.
    pub history_root: Hash32,
    /// The set that signed the header (its `validator_set_hash`).
    pub validator_set_hash: Hash32,
    /// The witness set that cosigns this checkpoint: the one in force after the block below it.
    pub witness_set_hash: Hash32,
    /// The witness set that cosigns the next checkpoint: the one in force after this block.
    /// It differs from `witness_set_hash` only at a checkpoint that changes the set.
    pub next_witness_set_hash: Hash32,
}

impl Checkpoint {
    /// The digest a witness signs at `time` (its clock, Unix ms), in `ed25519-blake3`.
    pub fn cosigning_digest(&self, time: Timestamp) -> Hash32 {
        self.cosigning_digest_in(Suite::Ed25519Blake3, time)
    }

    /// The digest a witness signs at `time`, in `suite`.
    pub fn cosigning_digest_in(&self, suite: Suite, time: Timestamp) -> Hash32 {
        suite.hash_tagged(Tag::Cosignature, &[&codec::encode(self), &time.0.to_le_bytes()])
    }

    /// Checks that this checkpoint extends `older`: the history tree `older` names is a prefix of
    /// this one's, and `older`'s block is leaf `older.height` of this one's tree. Both must be
    /// of the same chain, and this one higher. In the `ed25519-blake3` suite.
    pub fn verify_extends(
        &self,
        older: &Self,
        proof: &CheckpointExtension,
    ) -> Result<(), ExtensionError> {
        self.verify_extends_in(Suite::Ed25519Blake3, older, proof)
    }

    /// [`Checkpoint::verify_extends`] with the history trees hashed in `suite`.
    pub fn verify_extends_in(
        &self,
        suite: Suite,
        older: &Self,
        proof: &CheckpointExtension,
    ) -> Result<(), ExtensionError> {
        if self.chain_id != older.chain_id || self.genesis_hash != older.genesis_hash {
            return Err(ExtensionError::OtherChain);
        }
        if self.height <= older.height {
            return Err(ExtensionError::NotHigher { older: older.height, newer: self.height });
        }
        proof
            .consistency
            .verify_in(
                suite,
                older.height.0,
                &older.history_root,
                self.height.0,
                &self.history_root,
            )
            .map_err(ExtensionError::Consistency)?;
        if proof.ancestry.index != older.height.0 {
            return Err(ExtensionError::WrongLeaf {
                index: proof.ancestry.index,
                height: older.height,
            });
        }
        history::verify_ancestry_in(
            suite,
            &proof.ancestry,
            &older.block_hash,
            &self.history_root,
            self.height.0,
        )
        .map_err(ExtensionError::Ancestry)
    }
}

/// The proof that a checkpoint extends an older one: a consistency proof between their history
/// trees and the older block's place in the newer tree.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckpointExtension {
    /// From the older history tree (size `older.height`) to the newer (size `newer.height`).
    pub consistency: ConsistencyProof,
    /// The older block as leaf `older.height` of the newer tree.
    pub ancestry: InclusionProof,
}

/// Why a checkpoint does not extend an older one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    /// The two checkpoints are of different chains or genesis.
    #[error("the checkpoints are of different chains")]
    OtherChain,
    /// The newer checkpoint is not higher.
    #[error("checkpoint at {newer} is not above the one at {older}")]
    NotHigher {
        /// The older checkpoint's height.
        older: Height,
        /// The newer one's.
        newer: Height,
    },
    /// The history trees are not consistent.
    #[error("history is not consistent: {0}")]
    Consistency(#[source] ConsistencyError),
    /// The ancestry proof is for another leaf than the older block's height.
    #[error("the ancestry proof is for leaf {index}, not the older block at {height}")]
    WrongLeaf {
        /// The leaf the proof is for.
        index: u64,
        /// The older checkpoint's height.
        height: Height,
    },
    /// The older block is not in the newer tree where it should be.
    #[error("the older block is not an ancestor: {0}")]
    Ancestry(#[source] InclusionError),
}

/// A witness's signature over a checkpoint at a time of its clock.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Cosignature {
    /// The witness's key.
    pub witness: PublicKey,
    /// When it cosigned, by its clock (Unix ms).
    pub time: Timestamp,
    /// Its signature over the checkpoint's cosigning digest at `time`:
    /// `H("onebook/cosignature/v1", borsh(checkpoint) || time (u64 LE))`.
    pub signature: Signature,
}

impl Cosignature {
    /// Checks the signature (strict ed25519, as every signature of the default suite).
    pub fn verify(&self, checkpoint: &Checkpoint) -> Result<(), CosignatureError> {
        self.verify_in(Suite::Ed25519Blake3, checkpoint)
    }

    /// Checks the signature over the cosigning digest, both in `suite`.
    pub fn verify_in(&self, suite: Suite, checkpoint: &Checkpoint) -> Result<(), CosignatureError> {
        let digest = checkpoint.cosigning_digest_in(suite, self.time);
        suite
            .verify(&self.witness, digest.as_bytes(), &self.signature)
            .map_err(|_| CosignatureError::BadSignature(self.witness))
    }
}

/// Why cosignatures do not witness a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CosignatureError {
    /// The checkpoint names another witness set than the one given.
    #[error("checkpoint names witness set {named}, not {given}")]
    WrongWitnessSet {
        /// The set the checkpoint names.
        named: Hash32,
        /// The hash of the set given.
        given: Hash32,
    },
    /// The set has no witnesses, so nothing can be witnessed.
    #[error("the witness set is empty: no checkpoint can be witnessed")]
    NoWitnesses,
    /// Cosignatures are unsorted or repeated.
    #[error("cosignatures are not sorted by witness key without repeats")]
    NotSorted,
    /// A cosigner is not a witness of the set.
    #[error("cosigner {0} is not a witness")]
    UnknownWitness(PublicKey),
    /// A cosignature does not verify.
    #[error("cosignature by {0} does not verify")]
    BadSignature(PublicKey),
    /// Too few witnesses cosigned.
    #[error("{cosigned} cosignatures; the witness threshold is {threshold}")]
    BelowThreshold {
        /// How many cosigned.
        cosigned: usize,
        /// How many must.
        threshold: u16,
    },
}

/// A chain below this one (a city's under a province's), as the parent chain's governance admitted
/// it: the `ChildChain` record. Its witnessed checkpoints are anchored by `AnchorCheckpoint` txs.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildChain {
    /// The child chain's id.
    pub chain_id: ChainId,
    /// Its genesis hash.
    pub genesis_hash: Hash32,
    /// The witness set that must cosign its next anchored checkpoint.
    pub witnesses: WitnessSet,
    /// The height of the block of this chain that admitted it.
    pub admitted_at: Height,
    /// The latest checkpoint anchored, if any.
    pub latest: Option<AnchoredCheckpoint>,
}

/// A child chain's witnessed checkpoint as recorded on this chain.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnchoredCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The cosignatures that witnessed it, as checked by this chain's ledger.
    pub cosignatures: Vec<Cosignature>,
    /// This chain's block time that recorded it.
    pub anchored_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{history::History, keys::SecretKey};

    #[test]
    fn national_cosignatures_witness_in_their_suite_only() {
        let suite = Suite::Sm2Sm3;
        let mut keys: Vec<SecretKey> =
            (1..=2u8).map(|i| SecretKey::from_seed_in(suite, [i; 32]).unwrap()).collect();
        keys.sort_by_key(SecretKey::public_key);
        let witnesses = set(&keys, 2);
        let mut history = History::new();
        history.push_in(suite, &Hash32([1; 32]));
        let mut checkpoint = checkpoint_at(1, &history, Hash32([2; 32]), &witnesses);
        checkpoint.history_root = history.root_in(suite);
        checkpoint.witness_set_hash = witnesses.hash_in(suite);
        checkpoint.next_witness_set_hash = witnesses.hash_in(suite);
        let time = Timestamp(1_772_409_660_000);
        let cosignatures: Vec<Cosignature> = keys
            .iter()
            .map(|key| Cosignature {
                witness: key.public_key(),
                time,
                signature: key.sign(checkpoint.cosigning_digest_in(suite, time).as_bytes()),
            })
            .collect();

        assert_eq!(witnesses.check_in(suite, &checkpoint, &cosignatures), Ok(2));
        assert!(witnesses.check(&checkpoint, &cosignatures).is_err(), "no fallback");
    }

    fn witness_keys(n: u8) -> Vec<SecretKey> {
        let mut keys: Vec<SecretKey> = (1..=n).map(|i| SecretKey::from_seed([i; 32])).collect();
        keys.sort_by_key(SecretKey::public_key);
        keys
    }

    fn set(keys: &[SecretKey], threshold: u16) -> WitnessSet {
        let witnesses = keys
            .iter()
            .enumerate()
            .map(|(i, key)| Witness { key: key.public_key(), name: format!("witness {i}") })
            .collect();
        WitnessSet { threshold, witnesses }
    }

    fn checkpoint_at(
        height: u64,
        history: &History,
        block: Hash32,
        set: &WitnessSet,
    ) -> Checkpoint {
        Checkpoint {
            chain_id: ChainId::from("onebook-unit-1"),
            genesis_hash: Hash32([6; 32]),
            height: Height(height),
            time: Timestamp(1_000 * height),
            block_hash: block,
            history_root: history.root(),
            validator_set_hash: Hash32([5; 32]),
            witness_set_hash: set.hash(),
            next_witness_set_hash: set.hash(),
        }
    }

    fn cosign(keys: &[SecretKey], checkpoint: &Checkpoint) -> Vec<Cosignature> {
        keys.iter()
            .map(|key| {
                let time = Timestamp(77);
                let digest = checkpoint.cosigning_digest(time);
                Cosignature {
                    witness: key.public_key(),
                    time,
                    signature: key.sign(digest.as_bytes()),
                }
            })
            .collect()
    }

    fn sample() -> (Vec<SecretKey>, WitnessSet, Checkpoint) {
        let keys = witness_keys(3);
        let set = set(&keys, 2);
        let mut history = History::new();
        history.push(&Hash32([1; 32]));
        let checkpoint = checkpoint_at(1, &history, Hash32([2; 32]), &set);
        (keys, set, checkpoint)
    }

    #[test]
    fn the_threshold_of_valid_cosignatures_witnesses_a_checkpoint() {
        let (keys, set, checkpoint) = sample();

        assert_eq!(set.check(&checkpoint, &cosign(&keys[..2], &checkpoint)), Ok(2));
        assert_eq!(set.check(&checkpoint, &cosign(&keys, &checkpoint)), Ok(3));
        assert_eq!(
            set.check(&checkpoint, &cosign(&keys[..1], &checkpoint)),
            Err(CosignatureError::BelowThreshold { cosigned: 1, threshold: 2 })
        );
    }

    #[test]
    fn unsorted_foreign_forged_or_misdirected_cosignatures_are_refused() {
        let (keys, set, checkpoint) = sample();
        let mut reversed = cosign(&keys[..2], &checkpoint);
        reversed.reverse();
        let stranger = SecretKey::from_seed([9; 32]);
        let mut forged = cosign(&keys[..2], &checkpoint);
        forged[1].time = Timestamp(78);
        let mut other = checkpoint.clone();
        other.height = Height(2);

        assert_eq!(set.check(&checkpoint, &reversed), Err(CosignatureError::NotSorted));
        assert_eq!(
            set.check(&checkpoint, &cosign(&[stranger], &checkpoint)),
            Err(CosignatureError::UnknownWitness(SecretKey::from_seed([9; 32]).public_key()))
        );
        assert_eq!(
            set.check(&checkpoint, &forged),
            Err(CosignatureError::BadSignature(keys[1].public_key()))
        );
        assert!(matches!(
            set.check(&other, &cosign(&keys, &checkpoint)),
            Err(CosignatureError::BadSignature(_))
        ));
        let empty = WitnessSet { threshold: 0, witnesses: vec![] };
        assert!(matches!(
            empty.check(&checkpoint, &[]),
            Err(CosignatureError::WrongWitnessSet { .. })
        ));
    }

    #[test]
    fn witness_sets_must_be_sorted_named_and_reachable() {
        let keys = witness_keys(2);

        assert_eq!(set(&keys, 2).problem(), None);
        assert!(set(&keys, 3).problem().is_some());
        assert!(set(&keys, 0).problem().is_some());
        assert_eq!(WitnessSet { threshold: 0, witnesses: vec![] }.problem(), None);
        let mut unsorted = set(&keys, 1);
        unsorted.witnesses.reverse();
        assert!(unsorted.problem().is_some());
        let policy = CheckpointPolicy { interval: 0, witnesses: set(&keys, 1) };
        assert!(policy.problem().is_some());
    }

    #[test]
    fn a_checkpoint_extends_an_older_one_of_the_same_history_only() {
        let (_, set, _) = sample();
        let blocks: Vec<Hash32> = (0..12u8).map(|i| Hash32([i; 32])).collect();
        let mut history = History::new();
        let mut at = Vec::new();
        for (height, block) in blocks.iter().enumerate() {
            // The checkpoint at `height` carries the history of the blocks below it.
            at.push(checkpoint_at(height as u64, &history, *block, &set));
            history.push(block);
        }
        let nodes = history::LeavesInMemory(blocks.iter().map(history::leaf).collect());
        let (older, newer) = (&at[4], &at[11]);
        let extension = CheckpointExtension {
            consistency: history::prove_consistency(&nodes, 4, 11).map_err(|_| ()).unwrap(),
            ancestry: history::prove_ancestry(&nodes, 4, 11).map_err(|_| ()).unwrap(),
        };

        assert_eq!(newer.verify_extends(older, &extension), Ok(()));
        let mut fork = older.clone();
        fork.block_hash = Hash32([99; 32]);
        assert!(matches!(
            newer.verify_extends(&fork, &extension),
            Err(ExtensionError::Ancestry(_))
        ));
        let mut rewritten = older.clone();
        rewritten.history_root = Hash32([98; 32]);
        assert!(matches!(
            newer.verify_extends(&rewritten, &extension),
            Err(ExtensionError::Consistency(_))
        ));
        assert!(matches!(
            older.verify_extends(newer, &extension),
            Err(ExtensionError::NotHigher { .. })
        ));
    }
}
