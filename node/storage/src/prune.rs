//! Pruning of old state-tree versions on a node that keeps the state of a window of recent
//! blocks only (`docs/adr/0037-pruning-state-tree-versions.md`).
//!
//! A version's nodes are stored together (`state.rs`), and a later version names the nodes it
//! keeps from earlier ones by address, so a node created at version `v` is reachable from the
//! roots of the heights `v` up to the one that replaces it, and from none after. Every node of
//! a version below `K` that a root at or above `K` reaches is therefore in the tree at `K`
//! itself. A prune to `K` ([`Store::prune_state`]) walks that one tree, marks its nodes of
//! versions below `K`, and rewrites every chunk below `K` keeping only the marked nodes: an
//! unmarked slot becomes the pruned slot [`state::PRUNED`] (trailing ones are dropped, and a
//! chunk with no marked node is deleted), so a kept node keeps its address and no parent is
//! rewritten. The roots of the pruned heights leave `state_roots`.
//!
//! **Order, for crashes.** The oldest height held is raised first in memory, once the readers of
//! older trees are done (later ones are refused with [`StorageError::StatePruned`]); then, in
//! one synced batch, it is recorded (`META_STATE_OLDEST`) and the pruned heights' roots are
//! deleted; only then are chunks rewritten. A chunk rewrite keeps every node the tree at `K`
//! reaches, so a crash at any instant leaves every tree from `K` on whole, and the next prune
//! (which rescans every chunk below its own target) removes what the crash left.
//!
//! **What it costs.** The walk reads the whole tree at `K` and keeps one bit per marked node (in
//! one 64-bit mask per chunk); the rewrite reads every chunk below `K`, which after the first
//! prune is about the size of the live tree. A prune runs when the target is an eighth of the
//! window (and at least one block) above the oldest height held, off the commit path: it takes
//! the commit lock only for the synced batch of roots.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex, PoisonError, RwLock, RwLockReadGuard,
        atomic::{AtomicU64, Ordering},
    },
};

use onebook_state::{NodeAt, StoredNode};
use onebook_types::{codec, hash::Hash32, ids::Height};
use rocksdb::IteratorMode;

use crate::{
    batch::Batch,
    checkpoints,
    error::{Result, StorageError},
    keys,
    state::{self, ChunkId},
    store::Store,
};

/// Which versions of the state tree a store keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StateHistory {
    /// Every version, so the state at any height can be proved (an archive node).
    #[default]
    Archive,
    /// The versions of the last `blocks` heights (the tip's included), and the newest witnessed
    /// checkpoint's, which record proof bundles are cut at by default.
    Window {
        /// How many heights, at least 1.
        blocks: u64,
    },
}

impl StateHistory {
    /// How far the target must be above the oldest height held before a prune runs: an eighth of
    /// the window, at least one block, so that a prune's walk of the whole tree is paid once per
    /// many blocks.
    fn step(self) -> u64 {
        match self {
            Self::Archive => u64::MAX,
            Self::Window { blocks } => (blocks / 8).max(1),
        }
    }
}

/// What one prune did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// The oldest height whose state the store now holds.
    pub oldest: Height,
    /// State roots of pruned heights removed from `state_roots`.
    pub roots_removed: u64,
    /// Nodes no kept version reaches, removed.
    pub nodes_removed: u64,
    /// Chunks rewritten with some of their nodes removed.
    pub chunks_rewritten: u64,
    /// Chunks removed whole.
    pub chunks_deleted: u64,
}

/// The pruning state of a store: what it keeps, the oldest height whose tree it holds, and the
/// lock that lets a prune wait for the readers of the trees it is about to remove.
#[derive(Debug)]
pub(crate) struct Pruning {
    history: StateHistory,
    /// The oldest height whose state tree is held whole (0 on a store that never pruned).
    oldest: AtomicU64,
    /// Held shared by each read of a state tree, for its duration; a prune takes it exclusively
    /// for the instant it raises `oldest`. Never taken twice by one thread.
    readers: RwLock<()>,
    /// Held for a whole prune: one at a time.
    running: Mutex<()>,
}

impl Pruning {
    pub(crate) fn new(history: StateHistory) -> Self {
        Self {
            history,
            oldest: AtomicU64::new(0),
            readers: RwLock::new(()),
            running: Mutex::new(()),
        }
    }
}

/// A read of the state trees from a height on: while it lives, no prune removes them.
#[derive(Debug)]
pub(crate) struct StateReading<'a> {
    _guard: RwLockReadGuard<'a, ()>,
}

/// Chunks rewritten or deleted per write batch of a prune.
const PRUNE_BATCH_CHUNKS: usize = 256;

impl Store {
    /// Which versions of the state tree this store keeps.
    pub fn state_history(&self) -> StateHistory {
        self.pruning.history
    }

    /// The oldest height whose state this store holds: its base, or, on a store that prunes,
    /// the oldest height it has kept.
    pub fn oldest_state_height(&self) -> Height {
        Height(self.pruning.oldest.load(Ordering::Acquire).max(self.base().0))
    }

    /// Refuses a read of the state at `height` if the store no longer holds its tree:
    /// [`StorageError::BelowBase`] below a snapshot's base, [`StorageError::StatePruned`] below
    /// the oldest height a pruning store keeps.
    pub fn check_state_held(&self, height: Height) -> Result<()> {
        self.check_held(height)?;
        let oldest = self.oldest_state_height();
        if height < oldest {
            return Err(StorageError::StatePruned { height, oldest });
        }
        Ok(())
    }

    /// Starts a read of the state trees at `height` and above, refused if `height` is pruned.
    /// The caller must not start another while it holds this one.
    pub(crate) fn read_state(&self, height: Height) -> Result<StateReading<'_>> {
        let guard = self.pruning.readers.read().unwrap_or_else(PoisonError::into_inner);
        self.check_state_held(height)?;
        Ok(StateReading { _guard: guard })
    }

    /// Reads the oldest height held, and refuses to open a pruned store as an archive when
    /// `history` says so.
    pub(crate) fn load_state_oldest(&self, history: StateHistory) -> Result<()> {
        let Some(bytes) = self.db.get_cf(self.cf(keys::META), keys::META_STATE_OLDEST)? else {
            return Ok(());
        };
        let oldest = <[u8; 8]>::try_from(bytes.as_slice())
            .map(u64::from_be_bytes)
            .map_err(|_| StorageError::Missing { what: "oldest state height of 8 bytes" })?;
        self.pruning.oldest.store(oldest, Ordering::Release);
        if history == StateHistory::Archive && self.mark.is_some() {
            return Err(StorageError::PrunedStoreAsArchive { oldest: Height(oldest) });
        }
        Ok(())
    }

    /// The height a prune would now keep the state from, if the store prunes and that is far
    /// enough above the oldest height held ([`StateHistory`]): the first height of the window,
    /// or the newest witnessed checkpoint if it is older.
    pub fn prune_target(&self) -> Result<Option<Height>> {
        let StateHistory::Window { blocks } = self.pruning.history else { return Ok(None) };
        let tip = self.tip()?.height;
        let oldest = self.oldest_state_height();
        let due = |target: Height| target.0 >= oldest.0.saturating_add(self.pruning.history.step());
        let mut target = Height((tip.0 + 1).saturating_sub(blocks.max(1)));
        if !due(target) {
            return Ok(None);
        }
        // Record bundles are cut at the newest witnessed checkpoint by default.
        if let Some(checkpoint) = checkpoints::newest_witnessed(self, Height(1))? {
            target = target.min(checkpoint);
        }
        Ok(due(target).then_some(target))
    }

    /// Removes the state-tree nodes that no version from [`Store::prune_target`] on reaches, if
    /// a prune is due; what it did. Meant for a background thread: it never holds the commit
    /// lock for more than one synced write, and waits for the reads of the trees it removes.
    pub fn prune_state(&self) -> Result<Option<PruneReport>> {
        self.prune_state_until(PRUNE_BATCH_CHUNKS, None)
    }

    /// [`Store::prune_state`] in write batches of `batch_chunks` chunks, stopped after `batches`
    /// of them when given: the state a crash at that instant leaves.
    pub(crate) fn prune_state_until(
        &self,
        batch_chunks: usize,
        batches: Option<usize>,
    ) -> Result<Option<PruneReport>> {
        let _running = self.pruning.running.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(target) = self.prune_target()? else { return Ok(None) };
        let keep_root = self.state_root(target)?;
        {
            // Every read of a tree below the target that has begun ends before this.
            let _writer = self.pruning.readers.write().unwrap_or_else(PoisonError::into_inner);
            self.pruning.oldest.fetch_max(target.0, Ordering::AcqRel);
        }
        let mut report = PruneReport { oldest: target, ..PruneReport::default() };
        report.roots_removed = self.forget_roots(keep_root, target)?;
        let live = self.live_nodes_below(keep_root, target)?;
        self.sweep_chunks(&live, target, (batch_chunks, batches), &mut report)?;
        tracing::info!(
            oldest = target.0,
            nodes = report.nodes_removed,
            chunks = report.chunks_rewritten + report.chunks_deleted,
            "pruned the state tree"
        );
        Ok(Some(report))
    }

    /// Deletes from `state_roots` every root whose node is of a version below `below`, but
    /// `keep_root`'s, and records `below` as the oldest height held, in one synced batch; the
    /// number of roots deleted.
    fn forget_roots(&self, keep_root: Hash32, below: Height) -> Result<u64> {
        let family = self.cf(keys::STATE_ROOTS);
        let mut stale = Vec::new();
        for item in self.db.iterator_cf(family, IteratorMode::Start) {
            let (key, value) = item.map_err(|e| self.rocks(e))?;
            let at: NodeAt = codec::decode(&value, 16).map_err(|source| {
                self.noted(StorageError::Corrupt { what: "state root", source })
            })?;
            if at.version < below.0 && key.as_ref() != keep_root.as_bytes() {
                stale.push((key, value));
            }
        }
        let mut batch = Batch::default();
        let mut removed = 0;
        // A block committed meanwhile may record one of these roots again, at a new address.
        let _tip = self.tip_slot();
        for (key, value) in &stale {
            let now = self.db.get_pinned_cf(family, key).map_err(|e| self.rocks(e))?;
            if now.as_deref() == Some(value.as_ref()) {
                batch.delete_cf(family, key);
                removed += 1;
            }
        }
        batch.put_cf(self.cf(keys::META), keys::META_STATE_OLDEST, keys::height(below));
        self.write_synced(batch)?;
        Ok(removed)
    }

    /// The nodes of versions below `below` in the tree `root`, as one mask of slots per chunk.
    fn live_nodes_below(&self, root: Hash32, below: Height) -> Result<BTreeMap<ChunkId, u64>> {
        let mut live = BTreeMap::new();
        if root == Hash32::ZERO {
            return Ok(live);
        }
        let damaged =
            |detail: String| self.noted(StorageError::StateRootMismatch { height: below, detail });
        let at = self
            .root_node_at(&root)?
            .ok_or_else(|| damaged("the root of the oldest kept tree is not recorded".into()))?;
        let mut level = vec![(at, root)];
        let mut nodes = Vec::new();
        // A tree is at most 257 levels deep: the root, then one per key bit.
        for _depth in 0..=256 {
            if level.is_empty() {
                return Ok(live);
            }
            nodes.clear();
            for refs in level.chunks(1_024) {
                self.stored_nodes(refs, &mut nodes)?;
            }
            let mut next = Vec::with_capacity(level.len() * 2);
            for ((at, hash), node) in level.iter().zip(&nodes) {
                let node =
                    node.ok_or_else(|| damaged(format!("node {hash} at {at:?} is missing")))?;
                if at.version < below.0 {
                    let (id, slot) = state::chunk_of(*at);
                    *live.entry(id).or_insert(0u64) |= 1 << slot;
                }
                if let StoredNode::Internal { left, right } = node {
                    for child in [left, right] {
                        if let Some(child_at) = child.resolve(at.version) {
                            next.push((child_at, child.hash()));
                        }
                    }
                }
            }
            level = next;
        }
        Err(damaged("the tree is deeper than 256 levels".into()))
    }

    /// Rewrites every chunk of a version below `below` with only the nodes `live` marks, in write
    /// batches of `batch_chunks` chunks; stops after `batches` of them when given.
    fn sweep_chunks(
        &self,
        live: &BTreeMap<ChunkId, u64>,
        below: Height,
        (batch_chunks, batches): (usize, Option<usize>),
        report: &mut PruneReport,
    ) -> Result<()> {
        let family = self.cf(keys::STATE_CHUNKS);
        let end = state::chunk_key(below.0, 0);
        let mut iter = self.db.raw_iterator_cf(family);
        iter.seek_to_first();
        let mut batch = Batch::default();
        let mut written = 0;
        while let (Some(key), Some(value)) = (iter.key(), iter.value()) {
            if key >= end.as_slice() {
                break;
            }
            let id = ChunkId::of_key(key)
                .ok_or_else(|| self.noted(StorageError::Missing { what: "state chunk key" }))?;
            let nodes = self.decode_chunk(value)?;
            let mask = live.get(&id).copied().unwrap_or(0);
            let removed = state::removed_by(&nodes, mask);
            if removed > 0 {
                report.nodes_removed += removed;
                match state::keep_live(&nodes, mask) {
                    Some(kept) => {
                        batch.put_cf(family, key, codec::encode(&kept));
                        report.chunks_rewritten += 1;
                    }
                    None => {
                        batch.delete_cf(family, key);
                        report.chunks_deleted += 1;
                    }
                }
            }
            if batch.len() >= batch_chunks {
                if batches == Some(written) {
                    return Ok(());
                }
                self.write_unsynced(std::mem::take(&mut batch))?;
                written += 1;
            }
            iter.next();
        }
        iter.status().map_err(|e| self.rocks(e))?;
        if batches == Some(written) {
            return Ok(());
        }
        self.write_unsynced(batch)?;
        // The rewritten range's old table files hold the pruned nodes until compacted.
        self.db.compact_range_cf(family, None::<&[u8]>, Some(end.as_slice()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use onebook_state::{StateProof, key_hash};
    use onebook_types::record::RecordKey;

    use super::*;
    use crate::{
        StoreConfig,
        testing::{self, GENESIS},
    };

    fn open(dir: &std::path::Path, history: StateHistory) -> Store {
        let mut config = StoreConfig::new(dir);
        config.state_history = history;
        Store::open(&config).expect("opens")
    }

    fn window(blocks: u64) -> StateHistory {
        StateHistory::Window { blocks }
    }

    /// The proofs of every 7th record of `s0`..`s250` at `height`.
    fn proofs_at(store: &Store, height: u64) -> Vec<StateProof> {
        let _reading = store.read_state(Height(height)).expect("held");
        let root = store.state_root(Height(height)).expect("root");
        (0..250)
            .step_by(7)
            .map(|n| {
                let key = RecordKey::Sequence(format!("s{n}"));
                onebook_state::prove(store, root, key_hash(&key.encode()))
            })
            .collect()
    }

    /// The changes of block `height` of `testing::chain`.
    fn changes(height: u64) -> Vec<crate::RecordChange> {
        let base = 50 + 40 * (height - 1);
        let mut changes = testing::records(base, base + 40, Some(height));
        changes.extend(testing::records(base - 30, base - 10, Some(height * 7)));
        changes.extend(testing::records(base - 40, base - 30, None));
        changes
    }

    /// Checks the whole store: every problem but the missing certificates of the test chains'
    /// blocks, which have none.
    fn assert_sound(store: &Store) {
        let report = store.verify_all(&mut |_| {}).expect("verifies");
        let problems: Vec<&String> = report
            .problems
            .iter()
            .filter(|problem| !problem.ends_with("no commit certificate"))
            .collect();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(report.state_nodes > 0 && report.tip_records > 0, "{report:?}");
    }

    #[test]
    fn an_archive_store_switched_to_a_window_proves_the_window_alike_and_refuses_older_heights() {
        let (archive_dir, pruned_dir) =
            (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
        let archive = testing::chain(archive_dir.path(), 12);
        drop(testing::chain(pruned_dir.path(), 12));
        let pruned = open(pruned_dir.path(), window(4));
        let nodes_before = pruned.state_nodes_stored().expect("counts");

        let report = pruned.prune_state().expect("prunes").expect("a prune is due");

        assert_eq!(report.oldest, Height(9));
        assert_eq!(pruned.oldest_state_height(), Height(9));
        assert!(report.nodes_removed > 0 && report.roots_removed == 9, "{report:?}");
        let nodes_after = pruned.state_nodes_stored().expect("counts");
        assert_eq!(nodes_after, nodes_before - report.nodes_removed);
        assert!(nodes_after < archive.state_nodes_stored().expect("counts"));
        for height in 9..=12 {
            assert_eq!(
                pruned.state_root(Height(height)).ok(),
                archive.state_root(Height(height)).ok()
            );
            assert_eq!(proofs_at(&pruned, height), proofs_at(&archive, height), "height {height}");
            pruned.verify_state(Height(height)).expect("a kept tree is whole");
        }
        let key = RecordKey::Sequence("s3".into());
        for height in 0..9 {
            let refused = pruned.prove_record(&key, Height(height));
            assert!(
                matches!(refused, Err(StorageError::StatePruned { height: h, oldest: Height(9) }) if h == Height(height)),
                "{refused:?}"
            );
        }
        assert!(matches!(pruned.verify_state(Height(8)), Err(StorageError::StatePruned { .. })));
        assert_sound(&pruned);
        assert!(pruned.prune_state().expect("prunes").is_none(), "nothing more is due");
    }

    #[test]
    fn a_store_pruned_as_it_commits_keeps_the_roots_of_an_archive_and_a_whole_window() {
        let (archive_dir, pruned_dir) =
            (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
        let archive = open(archive_dir.path(), StateHistory::Archive);
        let pruned = open(pruned_dir.path(), window(3));
        for store in [&archive, &pruned] {
            store.init_genesis(GENESIS, testing::records(0, 50, Some(0))).expect("genesis");
        }

        for height in 1..=15 {
            let archived = testing::commit_changes(&archive, changes(height));
            let kept = testing::commit_changes(&pruned, changes(height));
            pruned.prune_state().expect("prunes");

            assert_eq!(kept, archived, "height {height}");
            let oldest = pruned.oldest_state_height();
            assert_eq!(oldest, Height((height + 1).saturating_sub(3)), "height {height}");
            for kept_height in oldest.0..=height {
                pruned.verify_state(Height(kept_height)).expect("a kept tree is whole");
            }
        }

        for height in 13..=15 {
            assert_eq!(proofs_at(&pruned, height), proofs_at(&archive, height));
        }
        assert_sound(&pruned);
        let (kept, all) = (
            pruned.state_nodes_stored().expect("counts"),
            archive.state_nodes_stored().expect("counts"),
        );
        assert!(kept * 2 < all, "{kept} nodes kept of {all}");
        drop(pruned);
        let reopened = open(pruned_dir.path(), window(3));
        assert_eq!(reopened.oldest_state_height(), Height(13));
        reopened.verify_state(Height(13)).expect("a kept tree is whole after a reopen");
    }

    #[test]
    fn a_prune_stopped_after_any_batch_leaves_a_store_that_opens_verifies_and_keeps_the_window() {
        let source = tempfile::tempdir().expect("dir");
        let archive = testing::chain(source.path(), 10);
        let expected: Vec<Vec<StateProof>> =
            (7..=10).map(|height| proofs_at(&archive, height)).collect();
        drop(archive);
        let whole = {
            let dir = tempfile::tempdir().expect("dir");
            testing::copy_dir(source.path(), dir.path());
            let store = open(dir.path(), window(4));
            let report = store.prune_state_until(1, None).expect("prunes").expect("due");
            report.chunks_rewritten + report.chunks_deleted
        };
        assert!(whole > 4, "{whole} chunk batches: too few to stop in between");

        // Every batch boundary up to a dozen of them, and the last.
        let stops = (0..whole).step_by(usize::try_from(whole / 12).expect("small").max(1));
        for stop in stops.chain([whole]) {
            let dir = tempfile::tempdir().expect("dir");
            testing::copy_dir(source.path(), dir.path());
            let store = open(dir.path(), window(4));
            store
                .prune_state_until(1, Some(usize::try_from(stop).expect("small")))
                .expect("prunes");
            drop(store);

            let store = open(dir.path(), window(4));

            assert_eq!(store.oldest_state_height(), Height(7), "stopped after {stop}");
            for (height, proofs) in (7..=10).zip(&expected) {
                assert_eq!(&proofs_at(&store, height), proofs, "stopped after {stop}");
            }
            assert_sound(&store);
            // The next prune finishes what the stopped one left.
            testing::commit_changes(&store, changes(11));
            store.prune_state().expect("prunes").expect("due");
            assert_sound(&store);
        }
    }

    #[test]
    fn a_pruned_store_refuses_to_open_as_an_archive() {
        let dir = tempfile::tempdir().expect("dir");
        drop(testing::chain(dir.path(), 6));
        open(dir.path(), window(2)).prune_state().expect("prunes").expect("due");

        let refused = Store::open(&StoreConfig::new(dir.path()));

        assert!(
            matches!(refused, Err(StorageError::PrunedStoreAsArchive { oldest: Height(5) })),
            "{refused:?}"
        );
        assert_eq!(open(dir.path(), window(10)).oldest_state_height(), Height(5));
    }

    #[test]
    fn a_store_of_schema_6_opens_as_the_current_schema_and_can_then_prune() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::chain(dir.path(), 5);
        let before = proofs_at(&store, 5);
        let family = store.cf(keys::META);
        let six = keys::SCHEMA_VERSION_UNPRUNED.to_be_bytes();
        store.db.put_cf(family, keys::META_SCHEMA, six).expect("marks");
        drop(store);

        let store = open(dir.path(), window(2));

        let schema = store.db.get_cf(store.cf(keys::META), keys::META_SCHEMA).expect("reads");
        assert_eq!(schema.as_deref(), Some(keys::SCHEMA_VERSION.to_be_bytes().as_slice()));
        assert_eq!(proofs_at(&store, 5), before);
        assert_eq!(
            store.prune_state().expect("prunes").map(|report| report.oldest),
            Some(Height(4))
        );
        assert_eq!(proofs_at(&store, 5), before);
    }

    #[test]
    fn a_prune_waits_for_the_reads_of_the_trees_it_removes() {
        let dir = tempfile::tempdir().expect("dir");
        drop(testing::chain(dir.path(), 6));
        let store = open(dir.path(), window(2));
        let reading = store.read_state(Height(1)).expect("held");

        std::thread::scope(|scope| {
            let prune = scope.spawn(|| store.prune_state().expect("prunes"));
            std::thread::sleep(std::time::Duration::from_millis(200));
            assert!(!prune.is_finished(), "the prune waits for the read");
            assert_eq!(store.oldest_state_height(), Height(0));
            drop(reading);
            assert!(prune.join().expect("joins").is_some());
        });

        assert_eq!(store.oldest_state_height(), Height(5));
    }
}
