//! `MemChain`: an [`Application`] over memory, for tests. Blocks carry no transactions; every
//! header field is filled in and checked as a real chain would: parent hash, height, time,
//! tx and receipt roots, a state root derived from the parent's, and the validator set.

use std::sync::{Arc, Mutex};

use onebook_consensus::{AppError, Application, HeaderField, InvalidBlock};
use onebook_types::{
    block::{Block, CommitCertificate, Header, receipts_root, tx_root},
    consortium::ValidatorSet,
    hash::Hash32,
    ids::{ChainId, Height, Timestamp},
    keys::PublicKey,
};

/// What a node has committed: its "disk", which outlives a restart of the node.
pub(crate) type Committed = Arc<Mutex<Vec<(Block, CommitCertificate)>>>;

/// The chain of one node.
pub(crate) struct MemChain {
    pub(crate) chain_id: ChainId,
    pub(crate) genesis_hash: Hash32,
    pub(crate) validators: ValidatorSet,
    pub(crate) committed: Committed,
}

impl MemChain {
    fn tip(&self) -> (Height, Hash32, Timestamp, Hash32) {
        let committed = self.committed.lock().expect("lock");
        match committed.last() {
            Some((block, _)) => (
                block.header.height,
                block.header.hash(),
                block.header.time,
                block.header.state_root,
            ),
            None => (Height(0), self.genesis_hash, Timestamp(0), Hash32::ZERO),
        }
    }

    fn state_root_after(parent_state_root: Hash32, height: Height) -> Hash32 {
        let mut hasher = blake3::Hasher::new();
        hasher.update(parent_state_root.as_bytes());
        hasher.update(&height.0.to_le_bytes());
        Hash32(*hasher.finalize().as_bytes())
    }
}

impl Application for MemChain {
    /// Blocks carry no txs, so none ever waits; the test networks run with no idle interval.
    fn has_waiting_txs(&self) -> bool {
        false
    }

    fn committed_height(&self) -> Result<Height, AppError> {
        Ok(self.tip().0)
    }

    fn validator_set(&self, _height: Height) -> Result<Option<ValidatorSet>, AppError> {
        Ok(Some(self.validators.clone()))
    }

    fn propose(
        &mut self,
        height: Height,
        time: Timestamp,
        proposer: PublicKey,
    ) -> Result<Block, AppError> {
        let (tip, parent_hash, parent_time, parent_state_root) = self.tip();
        assert_eq!(height, tip.next(), "consensus asks for the block above the tip");
        let set_hash = self.validators.hash();
        let header = Header {
            chain_id: self.chain_id.clone(),
            height,
            time: Timestamp(time.0.max(parent_time.0)),
            previous_hash: parent_hash,
            history_root: Hash32::ZERO,
            tx_root: tx_root(&[]),
            tx_count: 0,
            receipts_root: receipts_root(&[]),
            state_root: Self::state_root_after(parent_state_root, height),
            validator_set_hash: set_hash,
            next_validator_set_hash: set_hash,
            proposer,
        };
        Ok(Block { header, txs: Vec::new() })
    }

    fn verify(&mut self, block: &Block) -> Result<(), AppError> {
        let (tip, parent_hash, parent_time, parent_state_root) = self.tip();
        let header = &block.header;
        let mismatch =
            |field| Err(AppError::Invalid(InvalidBlock::Mismatch { block: header.hash(), field }));
        if header.height != tip.next() || header.previous_hash != parent_hash {
            return Err(AppError::Invalid(InvalidBlock::NotOnTip {
                block: header.hash(),
                height: header.height,
                tip,
            }));
        }
        if header.chain_id != self.chain_id {
            return Err(InvalidBlock::WrongChain { chain_id: header.chain_id.clone() }.into());
        }
        if header.time < parent_time {
            return Err(InvalidBlock::TimeNotAfterParent {
                time: header.time,
                parent: parent_time,
            }
            .into());
        }
        if header.tx_root != block.compute_tx_root() {
            return mismatch(HeaderField::TxRoot);
        }
        if header.tx_count as usize != block.txs.len() {
            return mismatch(HeaderField::TxCount);
        }
        if header.state_root != Self::state_root_after(parent_state_root, header.height) {
            return mismatch(HeaderField::StateRoot);
        }
        if header.validator_set_hash != self.validators.hash() {
            return mismatch(HeaderField::ValidatorSetHash);
        }
        if self.validators.get(&header.proposer).is_none() {
            return mismatch(HeaderField::Proposer);
        }
        Ok(())
    }

    fn commit(&mut self, block: Block, certificate: CommitCertificate) -> Result<(), AppError> {
        let (tip, ..) = self.tip();
        if block.header.height != tip.next() {
            return Err(AppError::storage(std::io::Error::other(format!(
                "commit of height {} above tip {tip}",
                block.header.height
            ))));
        }
        self.committed.lock().expect("lock").push((block, certificate));
        Ok(())
    }

    fn decided(&self, height: Height) -> Result<Option<(Block, CommitCertificate)>, AppError> {
        let committed = self.committed.lock().expect("lock");
        let index = usize::try_from(height.0).ok().and_then(|h| h.checked_sub(1));
        Ok(index.and_then(|i| committed.get(i).cloned()))
    }
}
