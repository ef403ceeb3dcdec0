//! Moving the state tree of a store written by schema 3 or earlier, which kept every node under
//! its hash in `state_nodes`, to the layout of schema 4: each block's new nodes in chunks
//! (`state.rs`).
//!
//! The move replays the tree height by height. For each height whose root differs from the one
//! before, it finds the leaves that differ between the two stored trees (walking both from the
//! roots down and skipping every subtree whose hash is the same in both), applies them as one
//! batch to the tree already moved, and checks that the result is the root the header commits
//! to, so a store is never upgraded into a different state. The last height moved is recorded
//! with each height's nodes, so a move stopped by a crash resumes where it stopped. Every past
//! root stays provable: each height's tree is moved, not only the tip's.

use std::collections::BTreeMap;

use onebook_state::{Node, TreeUpdate};
use onebook_types::{codec, hash::Hash32, ids::Height, limits::BLOCK_BYTES_MAX};
use rocksdb::WriteBatch;

use crate::{
    error::{Result, StorageError},
    keys, state,
    store::{StagedState, Store, Tip},
};

/// How often the move reports its progress, in heights.
const PROGRESS_HEIGHTS: u64 = 10_000;

impl Store {
    /// Moves the state tree of every height up to `until` (the tip if `None`) from nodes by hash
    /// to nodes by block, from the height after the last one already moved. A store with no
    /// genesis has nothing to move.
    pub(crate) fn move_state_tree(&self, until: Option<Height>) -> Result<()> {
        let Some(tip) = self.load::<Tip>(keys::META, keys::META_TIP, "tip")? else {
            return Ok(());
        };
        let until = until.map_or(tip.height, |until| until.min(tip.height));
        let moved: Option<u64> =
            self.load(keys::META, keys::META_STATE_MOVED, "state move mark")?;
        let (first, mut previous) = match moved {
            Some(height) => (height + 1, self.root_at_height(Height(height), &tip)?),
            None => (0, Hash32::ZERO),
        };
        if first > until.0 {
            return Ok(());
        }
        if self.db.cf_handle(keys::STATE_NODES_BY_HASH).is_none() {
            return Err(StorageError::Missing { what: "state nodes of a schema 3 store" });
        }
        tracing::info!(from = first, to = until.0, "moving the state tree to nodes by block");
        for height in first..=until.0 {
            let root = self.root_at_height(Height(height), &tip)?;
            let mut batch = WriteBatch::default();
            if root != previous {
                let update = self.replay_difference(Height(height), previous, root)?;
                let staged = StagedState {
                    base_root: previous,
                    root,
                    root_ref: update.root_ref,
                    chunks: state::chunks(&update.new_nodes),
                    changes: Vec::new(),
                };
                self.put_tree(&mut batch, Height(height), &staged);
                self.cache_tree(Height(height), staged);
            }
            batch.put_cf(self.cf(keys::META), keys::META_STATE_MOVED, codec::encode(&height));
            // Unsynced: after a crash the move resumes from the last height the WAL kept.
            self.write_unsynced(batch)?;
            previous = root;
            if height % PROGRESS_HEIGHTS == 0 {
                tracing::info!(height, tip = tip.height.0, "moving the state tree");
            }
        }
        self.db.flush_wal(true)?;
        Ok(())
    }

    /// The state root after the block at `height`, read without the store's tip (which is not
    /// loaded yet while the store opens).
    fn root_at_height(&self, height: Height, tip: &Tip) -> Result<Hash32> {
        if height == tip.height {
            return Ok(tip.state_root);
        }
        if height.0 == 0 {
            let bytes = self.db.get_cf(self.cf(keys::META), keys::META_GENESIS_STATE_ROOT)?;
            return bytes
                .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
                .map(Hash32)
                .ok_or(StorageError::Missing { what: "genesis state root" });
        }
        let header = self.header(height)?.ok_or(StorageError::Missing { what: "header" })?;
        Ok(header.state_root)
    }

    /// Applies to the moved tree at `previous` the leaves in which the stored tree at `root`
    /// differs from it, and checks that this gives `root`.
    fn replay_difference(
        &self,
        height: Height,
        previous: Hash32,
        root: Hash32,
    ) -> Result<TreeUpdate> {
        let mut writes = Vec::new();
        self.difference(previous, root, &mut writes)?;
        let update = onebook_state::apply_updates(self, previous, writes);
        if update.root != root {
            return Err(StorageError::StateRootMismatch {
                height,
                detail: format!(
                    "moving the state tree from nodes by hash gives root {}, not {root}",
                    update.root
                ),
            });
        }
        Ok(update)
    }

    /// Appends to `writes` what turns the stored tree `old` into the stored tree `new`: every
    /// leaf of `new` that is not in `old`, as a write, and every key of `old` not in `new`, as a
    /// delete. Subtrees with the same hash in both are skipped; where the shapes part (a leaf on
    /// one side, an internal node on the other), both sides' leaves are listed. At most 256
    /// levels deep.
    fn difference(
        &self,
        old: Hash32,
        new: Hash32,
        writes: &mut Vec<(Hash32, Option<Hash32>)>,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        if let (Some(Node::Internal { left, right }), Some(Node::Internal { left: l, right: r })) =
            (self.node_by_hash(old)?, self.node_by_hash(new)?)
        {
            self.difference(left, l, writes)?;
            return self.difference(right, r, writes);
        }
        let (old_leaves, new_leaves) = (self.leaves_by_hash(old)?, self.leaves_by_hash(new)?);
        for (key, value) in &new_leaves {
            if old_leaves.get(key) != Some(value) {
                writes.push((*key, Some(*value)));
            }
        }
        for key in old_leaves.keys().filter(|key| !new_leaves.contains_key(key)) {
            writes.push((*key, None));
        }
        Ok(())
    }

    /// The leaves of the stored subtree `hash`, by key hash.
    fn leaves_by_hash(&self, hash: Hash32) -> Result<BTreeMap<Hash32, Hash32>> {
        let mut leaves = BTreeMap::new();
        let mut stack = vec![hash];
        while let Some(hash) = stack.pop() {
            match self.node_by_hash(hash)? {
                None => {}
                Some(Node::Leaf { key_hash, value_hash }) => {
                    leaves.insert(key_hash, value_hash);
                }
                Some(Node::Internal { left, right }) => stack.extend([left, right]),
            }
        }
        Ok(leaves)
    }

    /// A node of schema 3's `state_nodes`, checked against its hash; `None` for ZERO.
    fn node_by_hash(&self, hash: Hash32) -> Result<Option<Node>> {
        if hash == Hash32::ZERO {
            return Ok(None);
        }
        let family = self
            .db
            .cf_handle(keys::STATE_NODES_BY_HASH)
            .ok_or(StorageError::Missing { what: "state nodes of a schema 3 store" })?;
        let bytes = self
            .db
            .get_pinned_cf(family, hash.as_bytes())?
            .ok_or(StorageError::Missing { what: "state node of a schema 3 store" })?;
        let node: Node = codec::decode(&bytes, BLOCK_BYTES_MAX)
            .map_err(|source| StorageError::Corrupt { what: "state node", source })?;
        if node.hash() != hash {
            return Err(StorageError::Missing { what: "state node that rehashes to its key" });
        }
        Ok(Some(node))
    }
}

#[cfg(test)]
mod tests {
    use onebook_state::{StateProof, key_hash, prove};
    use onebook_types::record::RecordKey;

    use super::*;
    use crate::{StoreConfig, testing};

    /// The proofs of records `s0`..`s250` at every height of `store`.
    fn proofs(store: &Store) -> Vec<StateProof> {
        let tip = store.tip().expect("tip");
        let mut proofs = Vec::new();
        for height in 0..=tip.height.0 {
            let root = store.state_root(Height(height)).expect("root");
            for n in (0..250).step_by(3) {
                let key = RecordKey::Sequence(format!("s{n}"));
                proofs.push(prove(store, root, key_hash(&key.encode())));
            }
        }
        proofs
    }

    fn schema(store: &Store) -> Vec<u8> {
        store.db.get_cf(store.cf(keys::META), keys::META_SCHEMA).expect("reads").expect("marked")
    }

    #[test]
    fn a_schema_3_store_is_moved_to_nodes_by_block_and_every_past_root_stays_provable() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::chain(dir.path(), 8);
        let before = proofs(&store);
        drop(store);
        testing::downgrade_to_schema_3(dir.path());

        let store = testing::open(dir.path(), 0);

        assert_eq!(schema(&store), keys::SCHEMA_VERSION.to_be_bytes());
        assert!(store.db.cf_handle(keys::STATE_NODES_BY_HASH).is_none(), "the old family is gone");
        assert_eq!(proofs(&store), before);
        for height in 0..=8 {
            store.verify_state(Height(height)).expect("every past tree is whole");
        }
        let tip = testing::commit_changes(&store, testing::records(0, 30, Some(99)));
        assert_eq!(tip.height, Height(9));
        store.verify_state(Height(9)).expect("the store goes on");
    }

    #[test]
    fn a_move_stopped_part_way_resumes_where_it_stopped() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::chain(dir.path(), 8);
        let before = proofs(&store);
        drop(store);
        testing::downgrade_to_schema_3(dir.path());
        let part = Store::open_database(&StoreConfig::new(dir.path())).expect("opens");
        part.move_state_tree(Some(Height(3))).expect("moves");
        let moved: Option<u64> =
            part.load(keys::META, keys::META_STATE_MOVED, "mark").expect("reads");
        assert_eq!(moved, Some(3));
        assert_eq!(schema(&part), keys::SCHEMA_VERSION_NODES_BY_HASH.to_be_bytes());
        drop(part);

        let store = testing::open(dir.path(), 0);

        assert_eq!(proofs(&store), before);
        store.verify_state(Height(8)).expect("the tip's tree is whole");
    }

    #[test]
    fn a_schema_3_store_whose_nodes_are_damaged_is_refused_not_upgraded() {
        let dir = tempfile::tempdir().expect("dir");
        drop(testing::chain(dir.path(), 4));
        testing::downgrade_to_schema_3(dir.path());
        {
            let store = Store::open_database(&StoreConfig::new(dir.path())).expect("opens");
            let family = store.db.cf_handle(keys::STATE_NODES_BY_HASH).expect("old family");
            let header = store.header(Height(2)).expect("reads").expect("header");
            store.db.delete_cf(family, header.state_root.as_bytes()).expect("deletes");
        }

        let opened = Store::open(&StoreConfig::new(dir.path()));

        assert!(matches!(opened, Err(StorageError::Missing { .. })), "{opened:?}");
        let store = Store::open_database(&StoreConfig::new(dir.path())).expect("opens");
        assert_eq!(schema(&store), keys::SCHEMA_VERSION_NODES_BY_HASH.to_be_bytes());
    }
}
