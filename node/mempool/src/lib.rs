//! Onebook's mempool: the txs a node has admitted and not yet seen committed.
//!
//! Admission runs in a fixed order, cheapest first, and stops at the first failure: size,
//! decoding, chain id, room in the pool, duplicate, signature, nonce, then the signer and role
//! pre-check against the committed state. The checks before the signature need no state and the
//! signature needs no pool ([`decode`], [`Mempool::check_room`], [`Mempool::check_new`]), so a
//! caller can verify the signatures of many txs together, with the pool unlocked, and admit them
//! with [`Mempool::admit_verified`]. A tx turned away here is not recorded anywhere; the caller gets an
//! [`AdmitError`] saying which check failed. The pool is bounded in txs and in bytes and answers
//! [`AdmitError::Full`] rather than grow.
//!
//! # Nonces
//! A signer's txs must arrive in nonce order with no gap: the next admitted nonce is one more
//! than the signer's committed nonce plus the number of its txs already waiting. So a block
//! reaped in arrival order holds each signer's txs in nonce order.
//!
//! # Role pre-check
//! The signer must be an active member of an active org
//! ([`onebook_ledger::check_signer`]). When the signer has no tx waiting, the tx is also run
//! alone against the committed state, and one the ledger would refuse for a missing role is
//! turned away with [`AdmitError::Refused`]. Any other refusal by the rules is left for the
//! block to record, because an auditor needs to see it.

use std::collections::{BTreeMap, VecDeque};

use onebook_ledger::{BlockContext, StateRead, apply_block, check_signer, load};
use onebook_types::{
    codec::{self, DecodeError},
    hash::Hash32,
    ids::{ChainId, Height, Nonce},
    keys::PublicKey,
    limits::{MEMPOOL_TXS_MAX, TX_BYTES_MAX},
    record::RecordKey,
    rejection::Rejection,
    tx::{SignedTx, VerifiedTx},
};

/// The pool's bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MempoolConfig {
    /// The most txs the pool holds.
    pub txs_max: usize,
    /// The most encoded bytes the pool holds.
    pub bytes_max: usize,
}

impl Default for MempoolConfig {
    fn default() -> Self {
        Self { txs_max: MEMPOOL_TXS_MAX as usize, bytes_max: 64 * 1024 * 1024 }
    }
}

/// Why a tx was turned away. Nothing is recorded; the REST API answers 4xx (429 for
/// [`AdmitError::Full`]).
#[derive(Debug, thiserror::Error)]
pub enum AdmitError {
    /// The encoded tx is over the size limit.
    #[error("tx is {size_bytes} bytes; the limit is {TX_BYTES_MAX}")]
    TooLarge {
        /// Its size.
        size_bytes: usize,
    },
    /// The bytes are not a canonical signed tx.
    #[error("tx cannot be decoded: {0}")]
    Decode(#[source] DecodeError),
    /// The tx names another chain.
    #[error("tx is for chain {got}, this node serves {expected}")]
    WrongChain {
        /// The chain the tx names.
        got: ChainId,
        /// This node's chain.
        expected: ChainId,
    },
    /// The same tx is already waiting.
    #[error("tx {tx_hash} is already in the mempool")]
    Duplicate {
        /// Its hash.
        tx_hash: Hash32,
    },
    /// The signature does not verify over the body.
    #[error("the signature does not verify")]
    BadSignature,
    /// The nonce was already used by a committed or waiting tx of the signer.
    #[error("nonce {nonce} is already used; the signer's next nonce is {next}")]
    NonceUsed {
        /// The tx's nonce.
        nonce: u64,
        /// The next nonce the pool admits for the signer.
        next: u64,
    },
    /// The nonce skips ahead of the signer's next nonce.
    #[error("nonce {nonce} skips ahead; the signer's next nonce is {next}")]
    NonceGap {
        /// The tx's nonce.
        nonce: u64,
        /// The next nonce the pool admits for the signer.
        next: u64,
    },
    /// The ledger would refuse the tx before judging it, or for a missing role.
    #[error("refused: {0}")]
    Refused(Rejection),
    /// The pool is at its bound.
    #[error("mempool holds {txs} txs ({bytes} bytes); retry later")]
    Full {
        /// Txs held.
        txs: usize,
        /// Bytes held.
        bytes: usize,
    },
}

#[derive(Debug)]
struct Entry {
    tx: VerifiedTx,
    size_bytes: usize,
}

/// The admitted, uncommitted txs, in arrival order.
#[derive(Debug)]
pub struct Mempool {
    config: MempoolConfig,
    chain_id: ChainId,
    txs: BTreeMap<Hash32, Entry>,
    arrival: VecDeque<Hash32>,
    waiting: BTreeMap<PublicKey, u64>,
    bytes: usize,
    synced: Option<Height>,
}

impl Mempool {
    /// An empty pool for `chain_id`.
    pub fn new(config: MempoolConfig, chain_id: ChainId) -> Self {
        Self {
            config,
            chain_id,
            txs: BTreeMap::new(),
            arrival: VecDeque::new(),
            waiting: BTreeMap::new(),
            bytes: 0,
            synced: None,
        }
    }

    /// Txs waiting.
    pub fn len(&self) -> usize {
        self.txs.len()
    }

    /// Whether no tx waits.
    pub fn is_empty(&self) -> bool {
        self.txs.is_empty()
    }

    /// Encoded bytes waiting.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether the tx `hash` waits.
    pub fn contains(&self, hash: &Hash32) -> bool {
        self.txs.contains_key(hash)
    }

    /// `signer`'s last committed nonce in `state`, and the nonce its next tx must carry: one
    /// above its committed and waiting txs.
    pub fn nonces(&self, state: &impl StateRead, signer: &PublicKey) -> (u64, u64) {
        let waiting = self.waiting.get(signer).copied().unwrap_or(0);
        let committed: Nonce = load(state, &RecordKey::Nonce(*signer)).unwrap_or_default();
        (committed.0, committed.0.saturating_add(waiting).saturating_add(1))
    }

    /// The waiting tx `hash`, whose signature admission already verified.
    pub fn verified(&self, hash: &Hash32) -> Option<VerifiedTx> {
        self.txs.get(hash).map(|entry| entry.tx.clone())
    }

    /// Admits the encoded tx `bytes`, checked against `state` (the committed state) as the next
    /// block `next` would judge it. Returns the tx hash.
    pub fn admit(
        &mut self,
        bytes: &[u8],
        state: &impl StateRead,
        next: &BlockContext,
    ) -> Result<Hash32, AdmitError> {
        let tx = decode(&self.chain_id, bytes)?;
        self.check_room(bytes.len(), 1)?;
        self.check_new(&tx.hash_in(next.suite))?;
        let tx = tx.verify_in(next.suite).map_err(|_| AdmitError::BadSignature)?;
        self.admit_verified(tx, bytes.len(), state, next)
    }

    /// Refuses with [`AdmitError::Full`] unless `count` more txs of `bytes` bytes in all fit.
    pub fn check_room(&self, bytes: usize, count: usize) -> Result<(), AdmitError> {
        if self.txs.len().saturating_add(count) > self.config.txs_max
            || self.bytes.saturating_add(bytes) > self.config.bytes_max
        {
            return Err(AdmitError::Full { txs: self.txs.len(), bytes: self.bytes });
        }
        Ok(())
    }

    /// Refuses with [`AdmitError::Duplicate`] if the tx `tx_hash` already waits.
    pub fn check_new(&self, tx_hash: &Hash32) -> Result<(), AdmitError> {
        if self.txs.contains_key(tx_hash) {
            return Err(AdmitError::Duplicate { tx_hash: *tx_hash });
        }
        Ok(())
    }

    /// Admits `tx`, whose signature the caller verified and whose encoding is `size_bytes`
    /// long, with the checks that follow the signature: duplicate, nonce, signer and role
    /// against `state` as the block `next` would judge it, and room. Returns the tx hash.
    pub fn admit_verified(
        &mut self,
        tx: VerifiedTx,
        size_bytes: usize,
        state: &impl StateRead,
        next: &BlockContext,
    ) -> Result<Hash32, AdmitError> {
        let tx_hash = tx.hash();
        self.check_new(&tx_hash)?;
        let signer = tx.body().signer;
        let (_, next_nonce) = self.nonces(state, &signer);
        let nonce = tx.body().nonce.0;
        if nonce < next_nonce {
            return Err(AdmitError::NonceUsed { nonce, next: next_nonce });
        }
        if nonce > next_nonce {
            return Err(AdmitError::NonceGap { nonce, next: next_nonce });
        }
        check_signer(state, next, tx.body()).map_err(AdmitError::Refused)?;
        if !self.waiting.contains_key(&signer) {
            let outcome = apply_block(state, next, std::slice::from_ref(&tx));
            if outcome.receipts[0].rejection() == Some(Rejection::RoleMissing) {
                return Err(AdmitError::Refused(Rejection::RoleMissing));
            }
        }
        self.check_room(size_bytes, 1)?;
        self.bytes += size_bytes;
        *self.waiting.entry(signer).or_insert(0) += 1;
        self.arrival.push_back(tx_hash);
        self.txs.insert(tx_hash, Entry { tx, size_bytes });
        Ok(tx_hash)
    }

    /// The committed height the pool's txs were last checked against: the tip at the last
    /// [`Mempool::remove_committed`] or [`Mempool::synced_to`]. Admission reads the state at
    /// this height, so the committed nonces it reads and the txs waiting belong together even
    /// while a newer block is being written.
    pub fn synced(&self) -> Option<Height> {
        self.synced
    }

    /// Records that the pool's txs are those left after the block at `height`.
    pub fn synced_to(&mut self, height: Height) {
        self.synced = Some(height);
    }

    /// Up to `txs_max` waiting txs totalling at most `bytes_max` encoded bytes, in arrival
    /// order (so each signer's in nonce order), for the next block. They stay in the pool until
    /// [`Mempool::remove_committed`].
    pub fn reap(&self, txs_max: usize, bytes_max: usize) -> Vec<VerifiedTx> {
        let mut reaped = Vec::new();
        let mut bytes = 0usize;
        for hash in &self.arrival {
            let Some(entry) = self.txs.get(hash) else { continue };
            if reaped.len() >= txs_max || bytes.saturating_add(entry.size_bytes) > bytes_max {
                break;
            }
            bytes += entry.size_bytes;
            reaped.push(entry.tx.clone());
        }
        reaped
    }

    /// Drops what a committed block settled: its txs; every waiting tx that has expired before
    /// the block `next`; and, per signer, every tx that no longer continues the signer's nonce
    /// sequence from the committed state `state` (used, or stranded behind a dropped one).
    pub fn remove_committed(
        &mut self,
        committed: &[Hash32],
        state: &impl StateRead,
        next: &BlockContext,
    ) {
        for hash in committed {
            self.remove(hash);
        }
        let mut by_signer: BTreeMap<PublicKey, Vec<(u64, Hash32, bool)>> = BTreeMap::new();
        for (hash, entry) in &self.txs {
            let body = entry.tx.body();
            let expired = body.valid_until < next.height;
            by_signer.entry(body.signer).or_default().push((body.nonce.0, *hash, expired));
        }
        let mut stale = Vec::new();
        for (signer, mut txs) in by_signer {
            txs.sort_unstable();
            let last: Nonce = load(state, &RecordKey::Nonce(signer)).unwrap_or_default();
            let mut expected = last.0.saturating_add(1);
            for (nonce, hash, expired) in txs {
                if nonce == expected && !expired {
                    expected += 1;
                } else {
                    stale.push(hash);
                }
            }
        }
        for hash in &stale {
            self.remove(hash);
        }
        self.arrival.retain(|hash| self.txs.contains_key(hash));
        self.synced = Some(Height(next.height.0.saturating_sub(1)));
    }

    fn remove(&mut self, hash: &Hash32) {
        let Some(entry) = self.txs.remove(hash) else { return };
        self.bytes -= entry.size_bytes;
        let signer = entry.tx.body().signer;
        if let Some(count) = self.waiting.get_mut(&signer) {
            *count -= 1;
            if *count == 0 {
                self.waiting.remove(&signer);
            }
        }
    }
}

/// Decodes the encoded tx `bytes` for the chain `chain_id`: the checks of admission that need
/// neither the pool nor the state (size, encoding, chain), so they run before the pool is locked.
pub fn decode(chain_id: &ChainId, bytes: &[u8]) -> Result<SignedTx, AdmitError> {
    if bytes.len() > TX_BYTES_MAX {
        return Err(AdmitError::TooLarge { size_bytes: bytes.len() });
    }
    let tx: SignedTx = codec::decode(bytes, TX_BYTES_MAX).map_err(AdmitError::Decode)?;
    if tx.body.chain_id != *chain_id {
        return Err(AdmitError::WrongChain { got: tx.body.chain_id, expected: chain_id.clone() });
    }
    Ok(tx)
}

#[cfg(test)]
mod tests;
