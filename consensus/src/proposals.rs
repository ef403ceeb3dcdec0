//! The blocks this node proposed, kept on disk until their height is committed, so a node that
//! restarts mid-height proposes the very same block again at a height and round instead of
//! signing a second one. Malachite's WAL protects votes; this protects proposals.
//!
//! One file per `(height, round)`, `proposals/<height>-<round>.block`, holding the borsh block.
//! It is written to a temporary name, synced and renamed before the proposal leaves the node.

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

use onebook_types::{block::Block, codec, ids::Height};

/// The proposal directory of one node.
#[derive(Debug)]
pub(crate) struct ProposalStore {
    dir: PathBuf,
}

impl ProposalStore {
    /// Opens (creating) `dir`.
    pub(crate) fn open(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(Self { dir: dir.to_owned() })
    }

    /// The block proposed at `(height, round)`, if any. An unreadable file is an error: the
    /// node must not propose anew over a proposal it cannot read.
    pub(crate) fn load(&self, height: Height, round: u32) -> io::Result<Option<Block>> {
        match fs::read(self.path(height, round)) {
            Ok(bytes) => Block::decode(&bytes)
                .map(Some)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Durably records the block proposed at `(height, round)`.
    pub(crate) fn save(&self, height: Height, round: u32, block: &Block) -> io::Result<()> {
        let path = self.path(height, round);
        let temporary = path.with_extension("tmp");
        let mut file = fs::File::create(&temporary)?;
        file.write_all(&codec::encode(block))?;
        file.sync_all()?;
        fs::rename(&temporary, &path)?;
        fs::File::open(&self.dir)?.sync_all()
    }

    /// Deletes the proposals at `committed` and below.
    pub(crate) fn prune(&self, committed: Height) -> io::Result<()> {
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let height =
                name.to_str().and_then(|n| n.split('-').next()).and_then(|h| h.parse::<u64>().ok());
            if height.is_some_and(|h| h <= committed.0) {
                fs::remove_file(entry.path())?;
            }
        }
        Ok(())
    }

    fn path(&self, height: Height, round: u32) -> PathBuf {
        self.dir.join(format!("{}-{round}.block", height.0))
    }
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        block::Header,
        hash::Hash32,
        ids::{ChainId, Timestamp},
        keys::PublicKey,
    };

    use super::*;

    fn block(height: u64) -> Block {
        Block {
            header: Header {
                chain_id: ChainId::from("test"),
                height: Height(height),
                time: Timestamp(height),
                previous_hash: Hash32::ZERO,
                history_root: Hash32::ZERO,
                tx_root: Hash32::ZERO,
                tx_count: 0,
                receipts_root: Hash32::ZERO,
                state_root: Hash32::ZERO,
                validator_set_hash: Hash32::ZERO,
                next_validator_set_hash: Hash32::ZERO,
                proposer: PublicKey([1; 32]),
            },
            txs: Vec::new(),
        }
    }

    #[test]
    fn a_saved_proposal_survives_reopening_until_pruned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ProposalStore::open(dir.path()).expect("opens");
        store.save(Height(3), 1, &block(3)).expect("saves");
        store.save(Height(4), 0, &block(4)).expect("saves");

        let reopened = ProposalStore::open(dir.path()).expect("opens");
        assert_eq!(reopened.load(Height(3), 1).expect("loads"), Some(block(3)));
        assert_eq!(reopened.load(Height(3), 0).expect("loads"), None);
        reopened.prune(Height(3)).expect("prunes");

        assert_eq!(reopened.load(Height(3), 1).expect("loads"), None);
        assert_eq!(reopened.load(Height(4), 0).expect("loads"), Some(block(4)));
    }
}
