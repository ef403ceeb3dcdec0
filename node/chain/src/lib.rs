//! Onebook's chain: the [`Application`] the consensus engine drives. It builds a block from the
//! mempool by executing it with the ledger rules on the committed state, verifies another
//! validator's block by executing it the same way and comparing every header field, and commits
//! a decided block with its commit certificate in one atomic, synced write to the store (its
//! record index follows in a write of its own, ADR 0046).
//!
//! # Validator sets
//! The block at height `h` is signed by the validator set in the state after `h - 1`; its
//! header names that set (`validator_set_hash`) and the set in the state after `h`
//! (`next_validator_set_hash`). So a governance change of the set passed in block `h` takes
//! effect from block `h + 1`, and a light client follows set changes from header to header.
//!
//! # Protocol versions
//! Each block is judged by the rules of the protocol version governance scheduled for its
//! height ([`onebook_ledger::protocol_version`]). This release implements the versions up to
//! [`PROTOCOL_VERSION_MAX`]: it refuses to build, verify or commit a block of a later one, and
//! [`Chain::check_protocol`] refuses a store whose next block is of one, each with an
//! [`UnsupportedProtocol`] that tells the operator which release to install.
//!
//! # Time
//! A block's time is later than its parent's (genesis time for the first block). A validator
//! votes against a block whose time is more than [`ChainConfig::future_time_max_ms`] ahead of its
//! own clock; that check is the node's, not the rules', which see only the block's time.

pub mod budget;
mod state;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, MutexGuard},
};

use onebook_consensus::{AppError, Application, HeaderField, InvalidBlock, metrics};
use onebook_ledger::{BlockContext, PROTOCOL_VERSION_MAX, apply_block, load, protocol_version};
use onebook_mempool::{AdmitError, Mempool};
use onebook_storage::{BlockCommit, RecordChange, StagedState, Store, TxTouch};
use onebook_types::{
    block::{self, Block, CommitCertificate, Header, Receipt},
    codec,
    consortium::ValidatorSet,
    hash::Hash32,
    ids::{ChainId, Height, ProtocolVersion, Timestamp},
    keys::{PublicKey, SignatureError},
    limits::{BLOCK_BYTES_MAX, BLOCK_TXS_MAX},
    record::RecordKey,
    rejection::Rejection,
    suite::Suite,
    tx::{SignedTx, VerifiedTx},
};
pub use state::StoreState;

/// Bounds and checks of block building.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainConfig {
    /// The most txs a block this node builds holds.
    pub block_txs_max: usize,
    /// The most encoded tx bytes a block this node builds holds.
    pub block_bytes_max: usize,
    /// How far ahead of this node's clock a block's time may be before it votes against it.
    pub future_time_max_ms: u64,
    /// How long executing a block this node builds should take: the block holds no more txs
    /// than recent blocks show fit in it ([`budget::BuildBudget`]). A quarter of the propose
    /// timeout, so that building, sending and checking a proposal fit in the timeout.
    pub build_budget: std::time::Duration,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            block_txs_max: BLOCK_TXS_MAX as usize,
            block_bytes_max: BLOCK_BYTES_MAX / 2,
            future_time_max_ms: 30_000,
            build_budget: std::time::Duration::from_millis(750),
        }
    }
}

/// A block of a protocol version this release does not implement.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the block at height {height} is of protocol version {version}, which governance scheduled; \
     this release of onebook implements protocol versions up to {supported}: install a release \
     that implements version {version} (docs/operate.md, rolling upgrade)"
)]
pub struct UnsupportedProtocol {
    /// The block's height.
    pub height: Height,
    /// Its protocol version.
    pub version: ProtocolVersion,
    /// The last version this release implements.
    pub supported: ProtocolVersion,
}

/// The protocol version of the block at `height` over `state`, the state after `height - 1`,
/// if this release implements it.
fn supported_protocol(
    state: &StoreState<'_>,
    height: Height,
) -> Result<ProtocolVersion, UnsupportedProtocol> {
    let version = protocol_version(state, height);
    if version > PROTOCOL_VERSION_MAX {
        return Err(UnsupportedProtocol { height, version, supported: PROTOCOL_VERSION_MAX });
    }
    Ok(version)
}

/// A block executed on the committed state, ready to be written if it is decided.
#[derive(Debug)]
struct Prepared {
    block: Block,
    receipts: Vec<Receipt>,
    touches: Vec<TxTouch>,
    staged: StagedState,
}

/// The node's chain: the store, the mempool and the blocks prepared for the next height.
#[derive(Debug)]
pub struct Chain {
    store: Arc<Store>,
    mempool: Arc<Mutex<Mempool>>,
    chain_id: ChainId,
    genesis_time: Timestamp,
    config: ChainConfig,
    clock: fn() -> Timestamp,
    prepared: BTreeMap<Hash32, Prepared>,
    budget: budget::BuildBudget,
}

impl Chain {
    /// A chain over `store`, which holds the genesis state of `chain_id` (created at
    /// `genesis_time`), taking txs from `mempool`. `clock` is the node's wall clock.
    pub fn new(
        store: Arc<Store>,
        mempool: Arc<Mutex<Mempool>>,
        chain_id: ChainId,
        genesis_time: Timestamp,
        config: ChainConfig,
        clock: fn() -> Timestamp,
    ) -> Self {
        if let Ok(tip) = store.tip() {
            let mut pool = lock(&mempool);
            if pool.synced().is_none() {
                pool.synced_to(tip.height);
            }
        }
        let budget = budget::BuildBudget::new(config.build_budget);
        Self {
            store,
            mempool,
            chain_id,
            genesis_time,
            config,
            clock,
            prepared: BTreeMap::new(),
            budget,
        }
    }

    /// The store, for reads.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The protocol version of the next block, refused if this release does not implement it:
    /// the store was written by a later release, or the chain has passed an upgrade this
    /// release predates. A node checks this before it starts.
    pub fn check_protocol(&self) -> Result<ProtocolVersion, ChainStartError> {
        let tip = self.store.tip()?;
        let state = StoreState::new(&self.store, tip.height);
        Ok(supported_protocol(&state, tip.height.next())?)
    }

    /// Admits the encoded tx `bytes` to the mempool, checked against the committed state.
    pub fn admit(&self, bytes: &[u8]) -> Result<Hash32, ChainAdmitError> {
        self.gate().admit(bytes)
    }

    /// A handle that admits txs into this chain's mempool from other tasks (the REST API).
    pub fn gate(&self) -> TxGate {
        TxGate {
            store: Arc::clone(&self.store),
            mempool: Arc::clone(&self.mempool),
            chain_id: self.chain_id.clone(),
            clock: self.clock,
        }
    }

    fn pool(&self) -> MutexGuard<'_, Mempool> {
        lock(&self.mempool)
    }

    fn context(&self, height: Height, time: Timestamp) -> BlockContext {
        BlockContext { chain_id: self.chain_id.clone(), height, time, suite: self.store.suite() }
    }

    fn parent_time(&self, parent: Height) -> Result<Timestamp, AppError> {
        if parent == Height(0) {
            return Ok(self.genesis_time);
        }
        let header = self.store.header(parent).map_err(storage)?;
        Ok(header
            .ok_or(ChainStorageError::MissingHeader { height: parent })
            .map_err(AppError::storage)?
            .time)
    }

    /// Executes `txs` as the block at the height above the tip and seals its header.
    fn execute(
        &self,
        time: Timestamp,
        proposer: PublicKey,
        txs: Vec<VerifiedTx>,
    ) -> Result<Prepared, AppError> {
        let suite = self.store.suite();
        let tip = self.store.tip().map_err(storage)?;
        let height = tip.height.next();
        let state = StoreState::new(&self.store, tip.height);
        supported_protocol(&state, height)
            .map_err(|error| AppError::Invalid(InvalidBlock::Rule(Box::new(error))))?;
        let validators = validator_set_in(&state)?;
        let started = std::time::Instant::now();
        let outcome = apply_block(&state, &self.context(height, time), &txs);
        let next_validators =
            match outcome.changes.iter().find(|(key, _)| *key == RecordKey::ValidatorSet) {
                Some((_, Some(bytes))) => codec::decode::<ValidatorSet>(bytes, BLOCK_BYTES_MAX)
                    .map_err(|error| AppError::storage(ChainStorageError::ValidatorSet(error)))?,
                Some((_, None)) => {
                    return Err(InvalidBlock::DeletesValidatorSet.into());
                }
                None => validators.clone(),
            };
        let changes =
            outcome.changes.into_iter().map(|(key, value)| RecordChange { key, value }).collect();
        let staged = self.store.stage(changes).map_err(storage)?;
        metrics::BLOCK_EXECUTION_SECONDS.observe_since(started);
        let hashes: Vec<Hash32> = txs.iter().map(VerifiedTx::hash).collect();
        let header = Header {
            chain_id: self.chain_id.clone(),
            height,
            time,
            previous_hash: tip.block_hash,
            history_root: self.store.next_history_root().map_err(storage)?,
            tx_root: block::tx_root_in(suite, &hashes),
            tx_count: u32::try_from(hashes.len())
                .map_err(|_| InvalidBlock::TooManyTxs { count: hashes.len() })?,
            receipts_root: block::receipts_root_in(suite, &outcome.receipts),
            state_root: staged.root,
            validator_set_hash: validators.hash_in(suite),
            next_validator_set_hash: next_validators.hash_in(suite),
            proposer,
        };
        let touches = outcome
            .touched
            .into_iter()
            .map(|touched| TxTouch { records: touched.records, orgs: touched.orgs })
            .collect();
        let block = Block { header, txs: txs.into_iter().map(VerifiedTx::into_inner).collect() };
        Ok(Prepared { block, receipts: outcome.receipts, touches, staged })
    }

    /// Checks a block from outside this node and executes it; the prepared block on success.
    fn check(&self, block: &Block) -> Result<Prepared, AppError> {
        let tip = self.store.tip().map_err(storage)?;
        let header = &block.header;
        if header.chain_id != self.chain_id {
            return Err(InvalidBlock::WrongChain { chain_id: header.chain_id.clone() }.into());
        }
        if header.height != tip.height.next() || header.previous_hash != tip.block_hash {
            return Err(InvalidBlock::NotOnTip {
                block: header.hash_in(self.store.suite()),
                height: header.height,
                tip: tip.height,
            }
            .into());
        }
        let parent_time = self.parent_time(tip.height)?;
        if header.time <= parent_time {
            return Err(InvalidBlock::TimeNotAfterParent {
                time: header.time,
                parent: parent_time,
            }
            .into());
        }
        if block.txs.len() > BLOCK_TXS_MAX as usize {
            return Err(InvalidBlock::TooManyTxs { count: block.txs.len() }.into());
        }
        // A tx waiting in this node's pool had its signature verified at admission; only the
        // others are verified here.
        let known: Vec<Option<VerifiedTx>> = {
            let pool = self.pool();
            block.txs.iter().map(|tx| pool.verified(&tx.hash_in(self.store.suite()))).collect()
        };
        let txs = verify_signatures(self.store.suite(), &block.txs, known)?;
        let prepared = self.execute(header.time, header.proposer, txs)?;
        if let Some(field) = HeaderField::first_difference(header, &prepared.block.header) {
            return Err(InvalidBlock::Mismatch {
                block: header.hash_in(self.store.suite()),
                field,
            }
            .into());
        }
        Ok(prepared)
    }
}

impl Application for Chain {
    fn committed_height(&self) -> Result<Height, AppError> {
        Ok(self.store.tip().map_err(storage)?.height)
    }

    fn validator_set(&self, height: Height) -> Result<Option<ValidatorSet>, AppError> {
        let tip = self.store.tip().map_err(storage)?;
        if height == Height(0) || height.0 > tip.height.0 + 1 {
            return Ok(None);
        }
        let state = StoreState::new(&self.store, Height(height.0 - 1));
        validator_set_in(&state).map(Some)
    }

    fn propose(
        &mut self,
        height: Height,
        time: Timestamp,
        proposer: PublicKey,
    ) -> Result<Block, AppError> {
        let tip = self.store.tip().map_err(storage)?;
        if height != tip.height.next() {
            return Err(
                InvalidBlock::NotOnTip { block: Hash32::ZERO, height, tip: tip.height }.into()
            );
        }
        let parent_time = self.parent_time(tip.height)?;
        let time = Timestamp(time.0.max(parent_time.0 + 1));
        let txs_max = self.budget.txs_max(self.config.block_txs_max);
        metrics::BLOCK_TXS_CAP.store(txs_max as u64, std::sync::atomic::Ordering::Relaxed);
        let txs = self.pool().reap(txs_max, self.config.block_bytes_max);
        let started = std::time::Instant::now();
        let prepared = self.execute(time, proposer, txs)?;
        self.budget.observe(started.elapsed(), prepared.block.txs.len());
        let block = prepared.block.clone();
        tracing::debug!(height = height.0, txs = block.txs.len(), "proposed block");
        self.prepared.insert(block.header.hash_in(self.store.suite()), prepared);
        Ok(block)
    }

    fn verify(&mut self, block: &Block) -> Result<(), AppError> {
        let hash = block.header.hash_in(self.store.suite());
        if self.prepared.contains_key(&hash) {
            return Ok(());
        }
        let now = (self.clock)();
        if block.header.time.0 > now.0.saturating_add(self.config.future_time_max_ms) {
            return Err(InvalidBlock::AheadOfClock { time: block.header.time, now }.into());
        }
        let started = std::time::Instant::now();
        let prepared = self.check(block)?;
        self.budget.observe(started.elapsed(), block.txs.len());
        self.prepared.insert(hash, prepared);
        Ok(())
    }

    fn commit(&mut self, block: Block, certificate: CommitCertificate) -> Result<(), AppError> {
        let suite = self.store.suite();
        let hash = block.header.hash_in(suite);
        let height = block.header.height;
        let validators =
            self.validator_set(height)?.ok_or(InvalidBlock::NoValidatorSet { height })?;
        let genesis_hash = self
            .store
            .genesis_hash()
            .map_err(storage)?
            .ok_or(ChainStorageError::NoGenesis)
            .map_err(AppError::storage)?;
        certificate
            .verify_in(suite, &block.header, &genesis_hash, &validators)
            .map_err(InvalidBlock::Certificate)?;
        let prepared = match self.prepared.remove(&hash) {
            Some(prepared) => prepared,
            None => self.check(&block)?,
        };
        self.prepared.clear();
        let tx_hashes: Vec<Hash32> =
            prepared.block.txs.iter().map(|tx| tx.hash_in(suite)).collect();
        let commit = BlockCommit {
            block: prepared.block,
            receipts: prepared.receipts,
            certificate: Some(certificate),
            touches: prepared.touches,
        };
        // The pool is not locked during the synced write: admission reads the state at the
        // height the pool was last synced to (`Mempool::synced`), not the store's tip, so it
        // never sees the new committed nonces beside the old waiting txs. Once written, the
        // block's txs leave the pool and the pool moves to the new tip under one lock.
        let started = std::time::Instant::now();
        let tip = self.store.commit(commit, prepared.staged).map_err(storage)?;
        metrics::BLOCK_COMMIT_SECONDS.observe_since(started);
        let state = StoreState::new(&self.store, tip.height);
        let next = self.context(tip.height.next(), (self.clock)());
        lock(&self.mempool).remove_committed(&tx_hashes, &state, &next);
        let write_ms = started.elapsed().as_millis();
        tracing::info!(height = height.0, txs = tx_hashes.len(), block = %hash, write_ms, "committed block");
        Ok(())
    }

    fn has_waiting_txs(&self) -> bool {
        !self.pool().is_empty()
    }

    fn earliest_decided(&self) -> Result<Height, AppError> {
        Ok(Height(self.store.base().0.max(1)))
    }

    fn decided(&self, height: Height) -> Result<Option<(Block, CommitCertificate)>, AppError> {
        let block = self.store.block(height).map_err(storage)?;
        let certificate = self.store.certificate(height).map_err(storage)?;
        Ok(block.zip(certificate))
    }
}

/// Why a node cannot start on its store.
#[derive(Debug, thiserror::Error)]
pub enum ChainStartError {
    /// The next block is of a protocol version this release does not implement.
    #[error(transparent)]
    UnsupportedProtocol(#[from] UnsupportedProtocol),
    /// The store could not be read.
    #[error("storage failed: {0}")]
    Storage(#[from] onebook_storage::StorageError),
}

/// Admits txs into a chain's mempool, checked against its committed state. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TxGate {
    store: Arc<Store>,
    mempool: Arc<Mutex<Mempool>>,
    chain_id: ChainId,
    clock: fn() -> Timestamp,
}

impl TxGate {
    /// Admits the encoded tx `bytes`, checked as the next block would judge it.
    pub fn admit(&self, bytes: &[u8]) -> Result<Hash32, ChainAdmitError> {
        let mut results = self.admit_many(&[bytes.to_vec()]);
        assert_eq!(results.len(), 1, "admit_many answers once per tx");
        results.pop().expect("one result, checked above")
    }

    /// Admits the encoded txs `txs` in order, each checked as the next block would judge it;
    /// one result per tx.
    ///
    /// The pool is locked only for the checks that read it: the checks that need neither pool
    /// nor state run first, then room and duplicates under a short lock, then the signatures of
    /// all the txs together ([`SignedTx::verify_many`]) with the pool unlocked, then the nonce,
    /// signer and role checks and the insertion under one lock. Those read the state at the
    /// height the pool was last synced to ([`Mempool::synced`]), so the committed nonces and
    /// the waiting txs they see belong to the same tip even while a commit is being written.
    pub fn admit_many(&self, txs: &[Vec<u8>]) -> Vec<Result<Hash32, ChainAdmitError>> {
        let mut results: Vec<Option<Result<Hash32, ChainAdmitError>>> =
            (0..txs.len()).map(|_| None).collect();
        let mut decoded: Vec<(usize, usize, SignedTx)> = Vec::with_capacity(txs.len());
        for (index, bytes) in txs.iter().enumerate() {
            match onebook_mempool::decode(&self.chain_id, bytes) {
                Ok(tx) => decoded.push((index, bytes.len(), tx)),
                Err(error) => results[index] = Some(Err(error.into())),
            }
        }
        {
            let pool = lock(&self.mempool);
            let mut room_bytes = 0usize;
            let mut room_txs = 0usize;
            decoded.retain(|(index, size, tx)| {
                let check = pool
                    .check_room(room_bytes.saturating_add(*size), room_txs + 1)
                    .and_then(|()| pool.check_new(&tx.hash_in(self.store.suite())));
                match check {
                    Ok(()) => {
                        room_bytes = room_bytes.saturating_add(*size);
                        room_txs += 1;
                        true
                    }
                    Err(error) => {
                        results[*index] = Some(Err(error.into()));
                        false
                    }
                }
            });
        }
        let (places, signed): (Vec<(usize, usize)>, Vec<SignedTx>) =
            decoded.into_iter().map(|(index, size, tx)| ((index, size), tx)).unzip();
        let verified = SignedTx::verify_many_in(self.store.suite(), signed);
        assert_eq!(verified.len(), places.len(), "one signature verdict per tx");
        {
            let mut pool = lock(&self.mempool);
            let height = match pool.synced() {
                Some(height) => Ok(height),
                None => self.store.tip().map(|tip| tip.height),
            };
            match height {
                Ok(height) => {
                    let state = StoreState::new(&self.store, height);
                    let next = BlockContext {
                        chain_id: self.chain_id.clone(),
                        height: height.next(),
                        time: (self.clock)(),
                        suite: self.store.suite(),
                    };
                    for ((index, size), tx) in places.into_iter().zip(verified) {
                        results[index] = Some(match tx {
                            Ok(tx) => pool
                                .admit_verified(tx, size, &state, &next)
                                .map_err(ChainAdmitError::from),
                            Err(_) => Err(AdmitError::BadSignature.into()),
                        });
                    }
                }
                Err(error) => {
                    // One failed read refuses every tx of the batch: they share its cause.
                    let cause = Arc::new(ChainStorageError::Store(error));
                    for (index, _) in places {
                        results[index] = Some(Err(ChainAdmitError::Storage(Arc::clone(&cause))));
                    }
                }
            }
        }
        results
            .into_iter()
            .map(|result| {
                // Every tx was refused by a check above or judged in the last loop.
                let result = result.expect("each tx gets a verdict");
                match &result {
                    Err(ChainAdmitError::Admit(error)) => count_refusal(error),
                    Err(ChainAdmitError::Storage(_)) => {
                        metrics::ADMISSION_REFUSALS.count("storage")
                    }
                    _ => {}
                }
                result
            })
            .collect()
    }

    /// Whether the tx `hash` waits in the mempool.
    pub fn is_pending(&self, hash: &Hash32) -> bool {
        lock(&self.mempool).contains(hash)
    }

    /// Txs waiting in the mempool.
    pub fn pending(&self) -> usize {
        lock(&self.mempool).len()
    }

    /// `signer`'s last committed nonce, and the nonce its next tx must carry (one above its
    /// committed and waiting txs).
    pub fn nonces(&self, signer: &PublicKey) -> Result<(u64, u64), ChainAdmitError> {
        let pool = lock(&self.mempool);
        let height = match pool.synced() {
            Some(height) => height,
            None => {
                self.store
                    .tip()
                    .map_err(|error| ChainAdmitError::Storage(Arc::new(error.into())))?
                    .height
            }
        };
        Ok(pool.nonces(&StoreState::new(&self.store, height), signer))
    }

    /// Up to `max` waiting txs, encoded, in arrival order.
    pub fn waiting(&self, max: usize) -> Vec<Vec<u8>> {
        let txs = lock(&self.mempool).reap(max, usize::MAX);
        txs.iter().map(|tx| codec::encode(tx.tx())).collect()
    }
}

/// Why the chain could not admit a tx.
#[derive(Debug, thiserror::Error)]
pub enum ChainAdmitError {
    /// The mempool turned it away.
    #[error(transparent)]
    Admit(#[from] AdmitError),
    /// The store could not be read; nothing was admitted. The cause is shared by every tx of a
    /// batch that one failed read refused.
    #[error("storage failed: {0}")]
    Storage(#[source] Arc<ChainStorageError>),
}

/// Counts an admission refusal under its reason in [`metrics::ADMISSION_REFUSALS`].
fn count_refusal(error: &AdmitError) {
    let reason = match error {
        AdmitError::TooLarge { .. } => "too_large",
        AdmitError::Decode(_) => "decode",
        AdmitError::WrongChain { .. } | AdmitError::Refused(Rejection::WrongChain) => "wrong_chain",
        AdmitError::Duplicate { .. } => "duplicate",
        AdmitError::BadSignature => "bad_signature",
        AdmitError::NonceUsed { .. } => "nonce_used",
        AdmitError::NonceGap { .. } => "nonce_gap",
        AdmitError::Refused(Rejection::TxExpired) => "tx_expired",
        AdmitError::Refused(Rejection::SignerUnknown) => "signer_unknown",
        AdmitError::Refused(Rejection::SignerRevoked) => "signer_revoked",
        AdmitError::Refused(Rejection::OrgSuspended) => "org_suspended",
        AdmitError::Refused(Rejection::RoleMissing) => "role_missing",
        AdmitError::Refused(_) => "refused_other",
        AdmitError::Full { .. } => "full",
    };
    metrics::ADMISSION_REFUSALS.count(reason);
}

/// Locks the pool. A panic while it was held leaves the pool as consistent as its last update.
fn lock(mempool: &Mutex<Mempool>) -> MutexGuard<'_, Mempool> {
    mempool.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Fewest unverified txs worth sharing among threads: below this, starting threads costs more
/// than it saves.
const PARALLEL_VERIFY_TXS_MIN: usize = 64;

/// `txs` with their signatures verified, in order: those `known` to the pool as they are, the
/// others checked here together ([`SignedTx::verify_many`]), split over every core for a large
/// block (a node catching up verifies whole blocks it has never seen, which is where the time of
/// sync goes after execution).
fn verify_signatures(
    suite: Suite,
    txs: &[SignedTx],
    known: Vec<Option<VerifiedTx>>,
) -> Result<Vec<VerifiedTx>, AppError> {
    let unknown: Vec<SignedTx> = txs
        .iter()
        .zip(&known)
        .filter(|(_, known)| known.is_none())
        .map(|(tx, _)| tx.clone())
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let checked: Vec<Result<VerifiedTx, SignatureError>> =
        if unknown.len() < PARALLEL_VERIFY_TXS_MIN || threads < 2 {
            SignedTx::verify_many_in(suite, unknown)
        } else {
            let chunk = unknown.len().div_ceil(threads);
            let mut parts: Vec<Vec<SignedTx>> = Vec::with_capacity(threads);
            let mut rest = unknown;
            while !rest.is_empty() {
                let tail = rest.split_off(chunk.min(rest.len()));
                parts.push(std::mem::replace(&mut rest, tail));
            }
            std::thread::scope(|scope| {
                let handles: Vec<_> = parts
                    .into_iter()
                    .map(|part| scope.spawn(move || SignedTx::verify_many_in(suite, part)))
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|handle| {
                        handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            })
        };
    let mut checked = checked.into_iter();
    txs.iter()
        .zip(known)
        .map(|(tx, known)| match known {
            Some(verified) => Ok(verified),
            None => checked
                .next()
                .and_then(Result::ok)
                .ok_or_else(|| InvalidBlock::BadSignature { tx: tx.hash_in(suite) }.into()),
        })
        .collect()
}

fn validator_set_in(state: &StoreState<'_>) -> Result<ValidatorSet, AppError> {
    load(state, &RecordKey::ValidatorSet)
        .ok_or(ChainStorageError::NoValidatorSet)
        .map_err(AppError::storage)
}

fn storage(error: onebook_storage::StorageError) -> AppError {
    AppError::storage(ChainStorageError::Store(error))
}

/// Why the chain could not read what it builds on from its own store: [`AppError::Storage`]'s
/// source.
#[derive(Debug, thiserror::Error)]
pub enum ChainStorageError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] onebook_storage::StorageError),
    /// A committed block's header is missing.
    #[error("header {} is missing", height.0)]
    MissingHeader {
        /// Its height.
        height: Height,
    },
    /// The store holds no genesis.
    #[error("the store holds no genesis")]
    NoGenesis,
    /// The committed state holds no validator set.
    #[error("the state holds no validator set")]
    NoValidatorSet,
    /// The validator set a block writes does not decode.
    #[error("validator set: {0}")]
    ValidatorSet(#[source] codec::DecodeError),
}

#[cfg(test)]
mod tests;
