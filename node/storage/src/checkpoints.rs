//! Checkpoints and their witnesses' cosignatures.
//!
//! A height `h >= 1` is a checkpoint when it is a multiple of the checkpoint interval in force
//! after block `h`, or when block `h` changed the witness set. The checkpoint at `h` is derived
//! from the header at `h` and the `CheckpointPolicy` record before and after it
//! ([`checkpoint`]); nothing about it is written by the block. Witnesses' cosignatures arrive
//! later, over the API, and are kept off-chain in the `cosignatures` column family, each checked
//! on arrival ([`record_cosignature`]). A checkpoint cosigned by at least its witness set's
//! threshold is *witnessed*; bundles are anchored at one ([`anchor`]).

use onebook_types::{
    checkpoint::{Checkpoint, CheckpointExtension, CheckpointPolicy, Cosignature, WitnessSet},
    codec, history,
    ids::Height,
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
};
use onebook_verifier::{Anchor, WitnessChange};
use rocksdb::{Direction, IteratorMode};

use crate::{Result, StorageError, Store, keys};

/// The checkpoint policy in force after block `height` (genesis for 0).
pub fn checkpoint_policy(store: &Store, height: Height) -> Result<CheckpointPolicy> {
    let bytes = store
        .record(&RecordKey::CheckpointPolicy, height)?
        .ok_or(StorageError::Missing { what: "checkpoint policy record" })?;
    codec::decode(&bytes, RECORD_BYTES_MAX)
        .map_err(|source| StorageError::Corrupt { what: "checkpoint policy record", source })
}

/// Whether `height` (at most the tip) is a checkpoint. A store started from a snapshot knows
/// only the checkpoints above its base: the policy before its base is not held.
pub fn is_checkpoint(store: &Store, height: Height) -> Result<bool> {
    if height.0 == 0 || height <= store.base() || height > store.tip()?.height {
        return Ok(false);
    }
    let after = checkpoint_policy(store, height)?;
    if height.0.is_multiple_of(after.interval) {
        return Ok(true);
    }
    let before = checkpoint_policy(store, Height(height.0 - 1))?;
    Ok(before.witnesses != after.witnesses)
}

/// The checkpoint at `height`, if `height` is a committed checkpoint height.
pub fn checkpoint(store: &Store, height: Height) -> Result<Option<Checkpoint>> {
    if !is_checkpoint(store, height)? {
        return Ok(None);
    }
    let header = store.header(height)?.ok_or(StorageError::Missing { what: "header" })?;
    let genesis_hash = store.genesis_hash()?.ok_or(StorageError::Empty)?;
    let before = checkpoint_policy(store, Height(height.0 - 1))?.witnesses;
    let after = checkpoint_policy(store, height)?.witnesses;
    Ok(Some(Checkpoint {
        chain_id: header.chain_id.clone(),
        genesis_hash,
        height,
        time: header.time,
        block_hash: header.hash_in(store.suite()),
        history_root: header.history_root,
        validator_set_hash: header.validator_set_hash,
        witness_set_hash: before.hash_in(store.suite()),
        next_witness_set_hash: after.hash_in(store.suite()),
    }))
}

/// The witness set that cosigns the checkpoint at `height`: the one in force before its block.
pub fn witnesses_of(store: &Store, height: Height) -> Result<WitnessSet> {
    Ok(checkpoint_policy(store, Height(height.0.saturating_sub(1)))?.witnesses)
}

/// The checkpoint heights above `after`, at most the tip, in order, at most `limit`. Reads one
/// version of the checkpoint policy per change, not one record per height.
pub fn checkpoint_heights(store: &Store, after: Height, limit: usize) -> Result<Vec<Height>> {
    let tip = store.tip()?.height;
    let mut policies = Vec::new();
    for at in store.record_write_heights(&RecordKey::CheckpointPolicy, tip.next())? {
        policies.push((at, checkpoint_policy(store, at)?));
    }
    let mut heights = std::collections::BTreeSet::new();
    for (i, (start, policy)) in policies.iter().enumerate() {
        let end = policies.get(i + 1).map_or(tip.0, |(next, _)| next.0 - 1);
        let changed = i > 0 && policies[i - 1].1.witnesses != policy.witnesses;
        if changed && *start > after {
            heights.insert(start.0);
        }
        let low = (after.0 + 1).max(start.0).max(store.base().0 + 1);
        let mut height = low.div_ceil(policy.interval) * policy.interval;
        while height <= end && heights.len() <= limit {
            heights.insert(height);
            height += policy.interval;
        }
        if heights.len() >= limit {
            break;
        }
    }
    Ok(heights.into_iter().take(limit).map(Height).collect())
}

/// The cosignatures stored for the checkpoint at `height`, sorted by witness key.
pub fn cosignatures(store: &Store, height: Height) -> Result<Vec<Cosignature>> {
    let prefix = keys::height(height);
    let mut found = Vec::new();
    let mode = IteratorMode::From(&prefix, Direction::Forward);
    for item in store.db().iterator_cf(store.cf(keys::COSIGNATURES), mode) {
        let (key, value) = item?;
        if !key.starts_with(&prefix) {
            break;
        }
        let cosignature = codec::decode(&value, 256)
            .map_err(|source| StorageError::Corrupt { what: "cosignature", source })?;
        found.push(cosignature);
    }
    Ok(found)
}

/// What became of a cosignature a witness sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CosignOutcome {
    /// Stored; the checkpoint now has this many valid cosignatures.
    Stored {
        /// Cosignatures held now.
        cosigned: usize,
        /// The witness set's threshold.
        threshold: u16,
    },
    /// The same witness's cosignature of this checkpoint was already held; kept as it was.
    AlreadyHeld,
}

/// Why a cosignature was turned away.
#[derive(Debug, thiserror::Error)]
pub enum CosignRefusal {
    /// No committed checkpoint at the height.
    #[error("height {0} is not a committed checkpoint")]
    NoCheckpoint(Height),
    /// The signer is not a witness of the set that cosigns this checkpoint.
    #[error("{0} is not a witness of the set that cosigns this checkpoint")]
    NotAWitness(onebook_types::keys::PublicKey),
    /// The signature does not verify over the checkpoint at the time given.
    #[error("the cosignature does not verify over the checkpoint at height {0}")]
    BadSignature(Height),
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Checks a witness's cosignature of the checkpoint at `height` and keeps it.
pub fn record_cosignature(
    store: &Store,
    height: Height,
    cosignature: &Cosignature,
) -> std::result::Result<CosignOutcome, CosignRefusal> {
    let checkpoint = checkpoint(store, height)?.ok_or(CosignRefusal::NoCheckpoint(height))?;
    let set = witnesses_of(store, height)?;
    if set.get(&cosignature.witness).is_none() {
        return Err(CosignRefusal::NotAWitness(cosignature.witness));
    }
    cosignature
        .verify_in(store.suite(), &checkpoint)
        .map_err(|_| CosignRefusal::BadSignature(height))?;
    let key = keys::with_suffix(&keys::height(height), &cosignature.witness.0);
    let family = store.cf(keys::COSIGNATURES);
    if store.db().get_pinned_cf(family, &key).map_err(StorageError::from)?.is_some() {
        return Ok(CosignOutcome::AlreadyHeld);
    }
    store.write_one(keys::COSIGNATURES, &key, &codec::encode(cosignature))?;
    let cosigned = cosignatures(store, height)?.len();
    Ok(CosignOutcome::Stored { cosigned, threshold: set.threshold })
}

/// The checkpoint at `height` with its cosignatures, if the threshold of its witness set
/// cosigned it (every cosignature is checked again).
pub fn witnessed(store: &Store, height: Height) -> Result<Option<(Checkpoint, Vec<Cosignature>)>> {
    let Some(checkpoint) = checkpoint(store, height)? else { return Ok(None) };
    let cosignatures = cosignatures(store, height)?;
    let set = witnesses_of(store, height)?;
    let witnessed = set.check_in(store.suite(), &checkpoint, &cosignatures).is_ok();
    Ok(witnessed.then_some((checkpoint, cosignatures)))
}

/// The highest witnessed checkpoint at or above `height`.
pub fn newest_witnessed(store: &Store, height: Height) -> Result<Option<Height>> {
    let mut iter = store.db().raw_iterator_cf(store.cf(keys::COSIGNATURES));
    iter.seek_to_last();
    let mut last_seen: Option<Height> = None;
    while let Some(key) = iter.key() {
        let at = key
            .get(..8)
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
            .map(|bytes| Height(u64::from_be_bytes(bytes)))
            .ok_or(StorageError::Missing { what: "cosignature height" })?;
        if at < height {
            break;
        }
        if last_seen != Some(at) {
            last_seen = Some(at);
            if witnessed(store, at)?.is_some() {
                return Ok(Some(at));
            }
        }
        iter.prev();
    }
    iter.status()?;
    Ok(None)
}

/// The proof that the checkpoint at `to` extends the one at `from` (`from < to`).
pub fn extension(store: &Store, from: Height, to: Height) -> Result<CheckpointExtension> {
    let range = |what: String| StorageError::NoProof { reason: what };
    let consistency =
        history::prove_consistency_in(store.suite(), store, from.0, to.0).map_err(|error| {
            match error {
                history::ProveError::Nodes(error) => error,
                history::ProveError::Range(error) => range(error.to_string()),
            }
        })?;
    let ancestry = history::prove_ancestry_in(store.suite(), store, from.0, to.0);
    let ancestry = ancestry.map_err(|error| match error {
        history::ProveError::Nodes(error) => error,
        history::ProveError::Range(error) => range(error.to_string()),
    })?;
    Ok(CheckpointExtension { consistency, ancestry })
}

/// The anchoring of a bundle whose header is at `height`: the checkpoint at `at` (which must be
/// witnessed and at or above `height`), or the newest witnessed checkpoint at or above it; `None`
/// when there is none (the bundle is then unanchored). Carries every witness-set change below
/// the checkpoint, each with the cosignatures of the set before it.
pub fn anchor(store: &Store, height: Height, at: Option<Height>) -> Result<Option<Anchor>> {
    let checkpoint_height = match at {
        Some(at) if at < height => {
            return Err(StorageError::NoProof {
                reason: format!("checkpoint {at} is below the proved height {height}"),
            });
        }
        Some(at) => at,
        None => match newest_witnessed(store, height)? {
            Some(at) => at,
            None => return Ok(None),
        },
    };
    let (checkpoint, cosignatures) =
        witnessed(store, checkpoint_height)?.ok_or_else(|| StorageError::NoProof {
            reason: format!("the checkpoint at {checkpoint_height} is not witnessed"),
        })?;
    let witness_changes = witness_changes(store, checkpoint_height)?;
    let ancestry = if height < checkpoint_height {
        let proof = history::prove_ancestry_in(store.suite(), store, height.0, checkpoint_height.0)
            .map_err(|error| match error {
                history::ProveError::Nodes(error) => error,
                history::ProveError::Range(error) => {
                    StorageError::NoProof { reason: error.to_string() }
                }
            })?;
        Some(proof)
    } else {
        None
    };
    Ok(Some(Anchor { witness_changes, checkpoint, cosignatures, ancestry, parent: None }))
}

/// Every witness-set change below `below`, oldest first, each with the cosignatures of the set
/// before it: the ones below the store's base as the snapshot it started from carried them
/// (`snapshot.rs`), then those of the checkpoint policy's versions above the base.
pub(crate) fn witness_changes(store: &Store, below: Height) -> Result<Vec<WitnessChange>> {
    let mut changes: Vec<WitnessChange> = crate::snapshot::base_witness_changes(store)?
        .into_iter()
        .filter(|change| change.checkpoint.height < below)
        .collect();
    let base = store.base();
    for at in store.record_write_heights(&RecordKey::CheckpointPolicy, below)? {
        // Height 0 is genesis; a snapshot's records are written at its base, whose changes it
        // carried.
        if at <= base || witnesses_of(store, at)? == checkpoint_policy(store, at)?.witnesses {
            continue;
        }
        let (checkpoint, cosignatures) =
            witnessed(store, at)?.ok_or_else(|| StorageError::NoProof {
                reason: format!(
                    "the checkpoint at {at}, which changed the witness set, is not witnessed by \
                     the set before it, so no later checkpoint can be anchored from genesis"
                ),
            })?;
        let next_set = checkpoint_policy(store, at)?.witnesses;
        changes.push(WitnessChange { checkpoint, cosignatures, next_set });
    }
    Ok(changes)
}
