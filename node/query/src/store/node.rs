//! [`NodeRead`] over the node's own store.

use onebook_storage::{
    CosignOutcome, CosignRefusal, RecordClaimKind, StateHistory, StorageError, Store,
};
use onebook_types::{
    block::Event,
    checkpoint::Cosignature,
    codec,
    consortium::{Policy, ValidatorSet},
    hash::Hash32,
    ids::{AccessEventId, Height},
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
    suite::Suite,
    tx::SignedTx,
};

use crate::{
    QueryError,
    node::{
        Bundle, CosignError, EngineFigures, MISSED_WINDOW, MissedVotes, NodeFigures, NodeRead,
        ProofError,
    },
    node_views::{
        CheckpointEvidence, CheckpointPage, CheckpointSummary, CheckpointView, CosignReceipt,
        StateHistoryMode, StateHistoryView,
    },
};

impl From<StorageError> for ProofError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::NoProof { reason } => Self::NoProof { reason },
            below @ StorageError::BelowBase { .. } => Self::BelowBase { detail: below.to_string() },
            other => Self::Read(other.into()),
        }
    }
}

/// A bundle the store made, encoded with its height.
macro_rules! encoded {
    ($made:expr) => {{
        let bundle = $made?;
        Ok(Bundle { height: bundle.header.height, bytes: bundle.encode() })
    }};
}

impl NodeRead for Store {
    fn tip_height(&self) -> Result<Height, QueryError> {
        Ok(self.tip()?.height)
    }

    fn damaged_reads(&self) -> Option<u64> {
        self.damage().map(|damage| damage.reads)
    }

    fn suite(&self) -> Suite {
        Self::suite(self)
    }

    fn policy_at_tip(&self) -> Result<Option<Policy>, QueryError> {
        let tip = self.tip()?;
        let policy = self.record(&RecordKey::Policy, tip.height)?;
        Ok(policy.and_then(|bytes| codec::decode(&bytes, RECORD_BYTES_MAX).ok()))
    }

    fn state_history(&self) -> StateHistoryView {
        let oldest_state_height = self.oldest_state_height().0;
        match Self::state_history(self) {
            StateHistory::Archive => StateHistoryView {
                mode: StateHistoryMode::Archive,
                window_blocks: None,
                oldest_state_height,
            },
            StateHistory::Window { blocks } => StateHistoryView {
                mode: StateHistoryMode::Pruned,
                window_blocks: Some(blocks),
                oldest_state_height,
            },
        }
    }

    fn figures(&self) -> Result<NodeFigures, QueryError> {
        let height = self.tip()?.height;
        let cache = self.node_cache_stats();
        Ok(NodeFigures {
            height,
            last_block_time_ms: self.header(height).ok().flatten().map(|header| header.time.0),
            cache_nodes: cache.nodes,
            cache_capacity_nodes: cache.capacity,
            cache_hits: cache.hits,
            cache_misses: cache.misses,
            base_height: self.base(),
            disk_bytes: self
                .disk_space()
                .ok()
                .map(|space| (space.size_bytes, space.available_bytes)),
            damaged_reads: self.damage().map_or(0, |damage| damage.reads),
            family_bytes: self.family_bytes().ok().map(|families| {
                families.into_iter().map(|(family, bytes)| (family.to_owned(), bytes)).collect()
            }),
            memory_bytes: self
                .memory()
                .ok()
                .map(|memory| (memory.memtables, memory.block_cache, memory.table_readers)),
            engine: self.engine_stats().ok().map(|engine| EngineFigures {
                write_stopped: engine.write_stopped,
                delayed_write_rate_bytes: engine.delayed_write_rate_bytes,
                running_compactions: engine.running_compactions,
                pending_compaction_bytes: engine.pending_compaction_bytes,
                live_data_bytes: engine.live_data_bytes,
            }),
            missed_votes: missed_votes(self, height).ok(),
        })
    }

    fn default_proof_height(&self) -> Result<Height, QueryError> {
        Ok(onebook_storage::default_proof_height(self)?)
    }

    fn record_bundle(
        &self,
        key: RecordKey,
        absent: bool,
        height: Height,
    ) -> Result<Bundle, ProofError> {
        encoded!(onebook_storage::bundle_for_claims(self, &[key], absent, height))
    }

    fn tx_bundle(&self, hash: Hash32) -> Result<Bundle, ProofError> {
        encoded!(onebook_storage::bundle_for_tx(self, &hash))
    }

    fn access_bundle(&self, id: AccessEventId, height: Height) -> Result<Bundle, ProofError> {
        encoded!(onebook_storage::bundle_for_access(self, id, height))
    }

    fn committed_tx(&self, hash: Hash32) -> Result<Option<(SignedTx, Vec<Event>)>, QueryError> {
        let Some((location, tx)) = self.tx(&hash)? else { return Ok(None) };
        let events = self.receipt(location)?.map(|receipt| receipt.events);
        Ok(Some((tx, events.unwrap_or_default())))
    }

    fn checkpoints(&self, after: Height, limit: usize) -> Result<CheckpointPage, ProofError> {
        let mut checkpoints = Vec::new();
        for height in onebook_storage::checkpoint_heights(self, after, limit)? {
            let checkpoint = onebook_storage::checkpoint(self, height)?
                .ok_or(StorageError::Missing { what: "checkpoint" })?;
            let set = onebook_storage::witnesses_of(self, height)?;
            let cosignatures = onebook_storage::cosignatures(self, height)?;
            let witnessed = set.check_in(self.suite(), &checkpoint, &cosignatures).is_ok();
            checkpoints.push(CheckpointSummary {
                checkpoint,
                cosigned: cosignatures.len(),
                threshold: set.threshold,
                witnessed,
            });
        }
        let newest_witnessed = onebook_storage::newest_witnessed(self, Height(1))?;
        Ok(CheckpointPage { checkpoints, newest_witnessed })
    }

    fn checkpoint(&self, height: Height) -> Result<Option<CheckpointView>, ProofError> {
        let Some(checkpoint) = onebook_storage::checkpoint(self, height)? else {
            return Ok(None);
        };
        let witnesses = onebook_storage::witnesses_of(self, height)?;
        let next_witnesses = onebook_storage::checkpoint_policy(self, height)?.witnesses;
        let cosignatures = onebook_storage::cosignatures(self, height)?;
        let witnessed = witnesses.check_in(self.suite(), &checkpoint, &cosignatures).is_ok();
        Ok(Some(CheckpointView { checkpoint, witnesses, next_witnesses, cosignatures, witnessed }))
    }

    fn checkpoint_evidence(
        &self,
        height: Height,
        from: Option<Height>,
    ) -> Result<Option<CheckpointEvidence>, ProofError> {
        let Some(checkpoint) = onebook_storage::checkpoint(self, height)? else {
            return Ok(None);
        };
        let keys = [(RecordKey::CheckpointPolicy, RecordClaimKind::Present)];
        let mut bundle = onebook_storage::bundle_for_records(self, &keys, height)?;
        bundle.anchor = None;
        let extension =
            from.map(|from| onebook_storage::extension(self, from, height)).transpose()?;
        Ok(Some(CheckpointEvidence { checkpoint, bundle: hex::encode(bundle.encode()), extension }))
    }

    fn cosign(
        &self,
        height: Height,
        cosignature: &Cosignature,
    ) -> Result<(bool, CosignReceipt), CosignError> {
        let refused = |refusal: CosignRefusal| match refusal {
            CosignRefusal::NoCheckpoint(_) => CosignError::NoCheckpoint,
            CosignRefusal::NotAWitness(_) => CosignError::NotAWitness(refusal.to_string()),
            CosignRefusal::BadSignature(_) => CosignError::BadSignature(refusal.to_string()),
            CosignRefusal::Storage(error) => CosignError::Read(error.into()),
        };
        let outcome =
            onebook_storage::record_cosignature(self, height, cosignature).map_err(refused)?;
        let witnessed =
            onebook_storage::witnessed(self, height).map_err(ProofError::from)?.is_some();
        let (stored, cosigned, threshold) = match outcome {
            CosignOutcome::Stored { cosigned, threshold } => (true, cosigned, threshold),
            CosignOutcome::AlreadyHeld => {
                let held = onebook_storage::cosignatures(self, height).map_err(ProofError::from)?;
                let set = onebook_storage::witnesses_of(self, height).map_err(ProofError::from)?;
                (false, held.len(), set.threshold)
            }
        };
        Ok((stored, CosignReceipt { height, cosigned, threshold, witnessed }))
    }
}

/// Per validator of the set in force at `tip`, how many of the last [`MISSED_WINDOW`] committed
/// blocks (at or above the store's base) have a commit certificate without its signature.
fn missed_votes(store: &Store, tip: Height) -> Result<MissedVotes, StorageError> {
    let set: ValidatorSet = match store.record(&RecordKey::ValidatorSet, tip)? {
        Some(bytes) => codec::decode(&bytes, RECORD_BYTES_MAX)
            .map_err(|source| StorageError::Corrupt { what: "validator set", source })?,
        None => ValidatorSet::default(),
    };
    let first = tip.0.saturating_sub(MISSED_WINDOW - 1).max(store.base().0).max(1);
    let mut missed: Vec<_> = set.validators.into_iter().map(|validator| (validator, 0)).collect();
    let mut window = 0;
    for height in first..=tip.0 {
        let Some(certificate) = store.certificate(Height(height))? else { continue };
        window += 1;
        for (validator, count) in &mut missed {
            let signed = certificate
                .signatures
                .binary_search_by_key(&validator.node_key, |signature| signature.node_key)
                .is_ok();
            *count += u64::from(!signed);
        }
    }
    Ok(MissedVotes { window, validators: missed })
}
