//! The state tree in RocksDB: each block's new nodes in a few chunks, the roots by hash, and the
//! node cache in front of them (`docs/adr/0019-state-nodes-stored-by-block.md`).
//!
//! A block's new nodes ([`TreeUpdate::new_nodes`](onebook_state::TreeUpdate::new_nodes), children
//! first) are the tree's version at that height. They are cut into chunks of [`CHUNK_NODES`]
//! nodes, each stored under `height (8, big-endian) || chunk number (4, big-endian)` in
//! `state_chunks`, so node `i` of height `h` is entry `i % CHUNK_NODES` of chunk
//! `(h, i / CHUNK_NODES)`. Keys grow with the height, so a block's chunks are the largest keys
//! the family has yet seen: RocksDB appends them, and a block of 1,000 txs writes a few hundred
//! values instead of one per node. `state_roots` maps each root hash to where its node is.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use onebook_state::{Child, NodeAt, NodeStore, StoredNode};
use onebook_types::{codec, hash::Hash32, ids::Height, suite::Suite};

use crate::{
    batch::Batch,
    error::{Result, StorageError},
    keys,
    store::{StagedState, Store},
};

/// Nodes per stored chunk. A chunk of 64 nodes is about 4.5 KiB, about one RocksDB block, and a
/// path written by one block usually lies in one or two of that block's chunks. Part of the
/// stored layout: changing it is a schema change.
pub(crate) const CHUNK_NODES: usize = 64;

/// The most bytes a stored chunk may have: 64 internal nodes of two 45-byte children each, and
/// the vector's length.
const CHUNK_BYTES_MAX: usize = 4 + CHUNK_NODES * (1 + 2 * 45);

/// The key of chunk `chunk` of the nodes of `version`.
pub(crate) fn chunk_key(version: u64, chunk: u32) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..8].copy_from_slice(&version.to_be_bytes());
    key[8..].copy_from_slice(&chunk.to_be_bytes());
    key
}

/// What a pruned store keeps in the slot of a node it removed from a chunk that still holds
/// others (`prune.rs`), so the nodes after it keep their index: an internal node with two empty
/// children, which no tree holds (an internal node splits two or more records) and whose hash no
/// parent names. Three bytes, `01 00 00`.
pub(crate) const PRUNED: StoredNode =
    StoredNode::Internal { left: Child::Empty, right: Child::Empty };

/// How many nodes of `nodes` a prune that keeps the slots set in `live` removes (pruned slots
/// already there are not counted).
pub(crate) fn removed_by(nodes: &[StoredNode], live: u64) -> u64 {
    let removed =
        nodes.iter().enumerate().filter(|(slot, node)| live & (1 << slot) == 0 && **node != PRUNED);
    removed.count() as u64
}

/// The chunk `nodes` with only the slots set in `live` kept and the others [`PRUNED`], its
/// trailing pruned slots dropped; `None` if it keeps no node.
pub(crate) fn keep_live(nodes: &[StoredNode], live: u64) -> Option<Vec<StoredNode>> {
    let kept: Vec<StoredNode> = nodes
        .iter()
        .enumerate()
        .map(|(slot, node)| if live & (1 << slot) == 0 { PRUNED } else { *node })
        .collect();
    let length = kept.iter().rposition(|node| *node != PRUNED)? + 1;
    Some(kept[..length].to_vec())
}

/// The chunk holding node `at`, and the node's position in it.
pub(crate) fn chunk_of(at: NodeAt) -> (ChunkId, usize) {
    let chunk = at.index / CHUNK_NODES as u32;
    (ChunkId { version: at.version, chunk }, at.index as usize % CHUNK_NODES)
}

/// A block's new nodes cut into the chunks they are stored as.
pub(crate) fn chunks(nodes: &[StoredNode]) -> Vec<Arc<[StoredNode]>> {
    nodes.chunks(CHUNK_NODES).map(Arc::from).collect()
}

/// Which chunk: a version and a chunk number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ChunkId {
    version: u64,
    chunk: u32,
}

impl ChunkId {
    fn key(self) -> [u8; 12] {
        chunk_key(self.version, self.chunk)
    }

    /// The chunk stored under `key`, if it is a chunk key.
    pub(crate) fn of_key(key: &[u8]) -> Option<Self> {
        let key: [u8; 12] = key.try_into().ok()?;
        let version = u64::from_be_bytes(key[..8].try_into().ok()?);
        let chunk = u32::from_be_bytes(key[8..].try_into().ok()?);
        Some(Self { version, chunk })
    }
}

/// A chunk in memory, with which of its nodes have been checked against the hash their parent
/// names. A chunk read from disk is checked node by node as nodes are first served from it; the
/// chunks of a block committed by this process are known good.
#[derive(Debug)]
struct CachedChunk {
    nodes: Arc<[StoredNode]>,
    /// Bit `i` set: node `i` has been checked.
    checked: AtomicU64,
}

const _: () = assert!(CHUNK_NODES <= 64, "one bit per node of a chunk");

impl CachedChunk {
    fn checked(nodes: Arc<[StoredNode]>) -> Self {
        Self { nodes, checked: AtomicU64::new(u64::MAX) }
    }

    fn unchecked(nodes: Arc<[StoredNode]>) -> Self {
        Self { nodes, checked: AtomicU64::new(0) }
    }

    /// Node `slot`, if it is there and hashes to `hash` in `suite`. A node that does not is
    /// logged and treated as absent, so readers report it as a missing node.
    fn node(&self, suite: Suite, slot: usize, hash: &Hash32, at: NodeAt) -> Option<StoredNode> {
        let node = *self.nodes.get(slot)?;
        if node == PRUNED {
            tracing::error!(?at, "a read reached a pruned state node");
            return None;
        }
        let bit = 1u64 << slot;
        if self.checked.load(Ordering::Relaxed) & bit == 0 {
            let computed = node.hash_in(suite);
            if computed != *hash {
                tracing::error!(?at, %computed, expected = %hash, "a stored state node does not hash to what its parent names");
                return None;
            }
            self.checked.fetch_or(bit, Ordering::Relaxed);
        }
        Some(node)
    }
}

/// What the node cache has done since the store opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeCacheStats {
    /// Node reads answered from memory.
    pub hits: u64,
    /// Node reads that went to RocksDB.
    pub misses: u64,
    /// Nodes held now.
    pub nodes: u64,
    /// The most nodes it holds.
    pub capacity: u64,
}

/// Weighs a cached chunk by its number of nodes, so the cache's bound is in nodes.
#[derive(Clone, Copy, Debug)]
struct ChunkWeighter;

impl quick_cache::Weighter<ChunkId, Arc<CachedChunk>> for ChunkWeighter {
    fn weight(&self, _id: &ChunkId, chunk: &Arc<CachedChunk>) -> u64 {
        chunk.nodes.len() as u64
    }
}

/// A bounded cache of state-tree chunks, in front of the `state_chunks` family. Stored chunks
/// never change, so a cached chunk is never stale; a chunk enters the cache when it is read from
/// RocksDB or when the block that wrote it is committed.
pub(crate) struct NodeCache {
    chunks: Option<quick_cache::sync::Cache<ChunkId, Arc<CachedChunk>, ChunkWeighter>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl NodeCache {
    pub(crate) fn new(capacity_nodes: usize) -> Self {
        let chunks = (capacity_nodes > 0).then(|| {
            quick_cache::sync::Cache::with_weighter(
                capacity_nodes.div_ceil(CHUNK_NODES),
                capacity_nodes as u64,
                ChunkWeighter,
            )
        });
        Self { chunks, hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
    }

    fn get(&self, id: ChunkId) -> Option<Arc<CachedChunk>> {
        self.chunks.as_ref().and_then(|chunks| chunks.get(&id))
    }

    fn insert(&self, id: ChunkId, chunk: Arc<CachedChunk>) {
        if let Some(chunks) = &self.chunks {
            chunks.insert(id, chunk);
        }
    }

    fn count(&self, hits: u64, misses: u64) {
        self.hits.fetch_add(hits, Ordering::Relaxed);
        self.misses.fetch_add(misses, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> NodeCacheStats {
        NodeCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            nodes: self.chunks.as_ref().map_or(0, quick_cache::sync::Cache::weight),
            capacity: self.chunks.as_ref().map_or(0, quick_cache::sync::Cache::capacity),
        }
    }
}

impl Store {
    /// Puts the state tree of `staged`, created at `height`, into `batch`: its chunks, and where
    /// its root is if the root changed.
    pub(crate) fn put_tree<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        height: Height,
        staged: &StagedState,
    ) {
        let family = self.cf(keys::STATE_CHUNKS);
        let mut bytes = Vec::with_capacity(CHUNK_BYTES_MAX);
        for (number, chunk) in staged.chunks.iter().enumerate() {
            bytes.clear();
            borsh::to_writer(&mut bytes, &**chunk).expect("writing to a vector cannot fail");
            batch.put_cf(family, chunk_key(height.0, chunk_number(number)), &bytes);
        }
        if staged.root != staged.base_root
            && let Some(at) = staged.root_ref.resolve(height.0)
        {
            batch.put_cf(self.cf(keys::STATE_ROOTS), staged.root.as_bytes(), codec::encode(&at));
        }
    }

    /// Puts the chunks of a committed block into the node cache: the next block's writes pass
    /// through the upper levels it rewrote.
    pub(crate) fn cache_tree(&self, height: Height, staged: StagedState) {
        for (number, chunk) in staged.chunks.into_iter().enumerate() {
            let id = ChunkId { version: height.0, chunk: chunk_number(number) };
            self.node_cache.insert(id, Arc::new(CachedChunk::checked(chunk)));
        }
    }

    /// How many state-tree nodes the store holds, all versions kept: the nodes of every stored
    /// chunk, its pruned slots not counted.
    pub fn state_nodes_stored(&self) -> Result<u64> {
        let mut nodes = 0u64;
        for item in self.db.iterator_cf(self.cf(keys::STATE_CHUNKS), rocksdb::IteratorMode::Start) {
            let (_, value) = item?;
            let chunk = self.decode_chunk(&value)?;
            nodes += chunk.iter().filter(|node| **node != PRUNED).count() as u64;
        }
        Ok(nodes)
    }

    /// Where the root node of the tree `root` is stored.
    pub(crate) fn root_node_at(&self, root: &Hash32) -> Result<Option<NodeAt>> {
        self.load(keys::STATE_ROOTS, root.as_bytes(), "state root")
    }

    /// The node at `at`, checked against the `hash` its parent names; `None` if it is not
    /// stored or does not hash to `hash`.
    pub(crate) fn stored_node(&self, at: NodeAt, hash: &Hash32) -> Result<Option<StoredNode>> {
        let (id, slot) = chunk_of(at);
        if let Some(chunk) = self.node_cache.get(id) {
            self.node_cache.count(1, 0);
            return Ok(chunk.node(self.suite(), slot, hash, at));
        }
        self.node_cache.count(0, 1);
        let Some(chunk) = self.read_chunk(id)? else { return Ok(None) };
        Ok(chunk.node(self.suite(), slot, hash, at))
    }

    /// Reads a chunk from RocksDB and caches it.
    fn read_chunk(&self, id: ChunkId) -> Result<Option<Arc<CachedChunk>>> {
        let bytes = self.db.get_pinned_cf(self.cf(keys::STATE_CHUNKS), id.key())?;
        bytes.map(|bytes| self.decoded_chunk(id, &bytes)).transpose()
    }

    fn decoded_chunk(&self, id: ChunkId, bytes: &[u8]) -> Result<Arc<CachedChunk>> {
        let nodes = self.decode_chunk(bytes)?;
        let chunk = Arc::new(CachedChunk::unchecked(nodes.into()));
        self.node_cache.insert(id, Arc::clone(&chunk));
        Ok(chunk)
    }

    /// A stored chunk's nodes, pruned slots included.
    pub(crate) fn decode_chunk(&self, bytes: &[u8]) -> Result<Vec<StoredNode>> {
        let nodes: Vec<StoredNode> = codec::decode(bytes, CHUNK_BYTES_MAX)
            .map_err(|source| self.noted(StorageError::Corrupt { what: "state chunk", source }))?;
        if nodes.is_empty() || nodes.len() > CHUNK_NODES {
            return Err(self.noted(StorageError::Missing { what: "state chunk of 1 to 64 nodes" }));
        }
        Ok(nodes)
    }

    /// What [`NodeStore::nodes`] does, with errors: the cached chunks from memory, the others in
    /// one RocksDB multi-get.
    pub(crate) fn stored_nodes(
        &self,
        refs: &[(NodeAt, Hash32)],
        nodes: &mut Vec<Option<StoredNode>>,
    ) -> Result<()> {
        let start = nodes.len();
        let mut wanted: Vec<(usize, ChunkId, usize)> = Vec::new();
        for (index, (at, hash)) in refs.iter().enumerate() {
            let (id, slot) = chunk_of(*at);
            match self.node_cache.get(id) {
                Some(chunk) => nodes.push(chunk.node(self.suite(), slot, hash, *at)),
                None => {
                    wanted.push((index, id, slot));
                    nodes.push(None);
                }
            }
        }
        self.node_cache.count((refs.len() - wanted.len()) as u64, wanted.len() as u64);
        if wanted.is_empty() {
            return Ok(());
        }
        let mut ids: Vec<ChunkId> = wanted.iter().map(|(_, id, _)| *id).collect();
        ids.sort_by_key(|id| (id.version, id.chunk));
        ids.dedup();
        let keys: Vec<[u8; 12]> = ids.iter().map(|id| id.key()).collect();
        let found = self.db.batched_multi_get_cf(self.cf(keys::STATE_CHUNKS), &keys, true);
        let mut read = Vec::with_capacity(ids.len());
        for (id, bytes) in ids.iter().zip(found) {
            let chunk = bytes?.map(|bytes| self.decoded_chunk(*id, &bytes)).transpose()?;
            read.push((*id, chunk));
        }
        for (index, id, slot) in wanted {
            let position = read
                .binary_search_by_key(&(id.version, id.chunk), |(id, _)| (id.version, id.chunk));
            let chunk = position.ok().and_then(|position| read[position].1.as_ref());
            let (at, hash) = &refs[index];
            nodes[start + index] =
                chunk.and_then(|chunk| chunk.node(self.suite(), slot, hash, *at));
        }
        Ok(())
    }
}

/// Checks a stored chunk as a whole-store check reads it, without its parents: its key names a
/// height and a chunk number, it decodes as 1 to [`CHUNK_NODES`] nodes, and each child it names
/// in the same version comes before its parent (children first), in an earlier version
/// otherwise. The number of nodes, its pruned slots ([`PRUNED`]) not counted, or what is wrong.
pub(crate) fn check_chunk(key: &[u8], value: &[u8]) -> std::result::Result<usize, String> {
    let key: [u8; 12] = key.try_into().map_err(|_| "the key is not 12 bytes".to_owned())?;
    let version = u64::from_be_bytes(key[..8].try_into().expect("8 bytes"));
    let chunk = u32::from_be_bytes(key[8..].try_into().expect("4 bytes"));
    let nodes: Vec<StoredNode> = codec::decode(value, CHUNK_BYTES_MAX)
        .map_err(|error| format!("does not decode: {error}"))?;
    if nodes.is_empty() || nodes.len() > CHUNK_NODES {
        return Err(format!("holds {} nodes, not 1 to {CHUNK_NODES}", nodes.len()));
    }
    let mut held = 0;
    for (slot, node) in nodes.iter().enumerate() {
        if *node == PRUNED {
            continue;
        }
        held += 1;
        let StoredNode::Internal { left, right } = node else { continue };
        let index = u64::from(chunk) * CHUNK_NODES as u64 + slot as u64;
        for child in [left, right] {
            let Some(at) = child.resolve(version) else { continue };
            let below =
                at.version < version || (at.version == version && u64::from(at.index) < index);
            if !below {
                return Err(format!("node {index} names a child at {at:?}, not below it"));
            }
        }
    }
    Ok(held)
}

fn chunk_number(number: usize) -> u32 {
    u32::try_from(number).expect("a block's nodes fit 2^32 chunks")
}

/// A storage failure while reading the state tree is fatal: a node that cannot read its own
/// state must stop rather than answer differently from its peers.
impl NodeStore for Store {
    fn root(&self, root: &Hash32) -> Option<NodeAt> {
        self.root_node_at(root).expect("reading a state root failed; the node must stop")
    }

    fn node(&self, at: NodeAt, hash: &Hash32) -> Option<StoredNode> {
        self.stored_node(at, hash).expect("reading a state node failed; the node must stop")
    }

    fn nodes(&self, refs: &[(NodeAt, Hash32)], nodes: &mut Vec<Option<StoredNode>>) {
        self.stored_nodes(refs, nodes).expect("reading state nodes failed; the node must stop");
    }

    fn reads_ahead(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use onebook_state::NodeStore;
    use rocksdb::{Direction, IteratorMode};

    use super::*;
    use crate::testing::{self, GENESIS};

    /// The chunks stored for `height`, decoded, in order.
    fn stored_chunks(store: &Store, height: u64) -> Vec<Vec<StoredNode>> {
        let family = store.cf(keys::STATE_CHUNKS);
        let start = chunk_key(height, 0);
        store
            .db
            .iterator_cf(family, IteratorMode::From(&start, Direction::Forward))
            .map(|item| item.expect("reads"))
            .take_while(|(key, _)| key[..8] == height.to_be_bytes())
            .map(|(_, value)| codec::decode(&value, CHUNK_BYTES_MAX).expect("a chunk decodes"))
            .collect()
    }

    #[test]
    fn a_block_stores_its_new_nodes_in_chunks_of_64_under_its_height() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::open(dir.path(), 0);
        store.init_genesis(GENESIS, testing::records(0, 50, Some(0))).expect("genesis");
        let staged = store.stage(testing::records(50, 250, Some(1))).expect("staged");
        let new_nodes = staged.new_nodes();
        let chunks: Vec<Vec<StoredNode>> =
            staged.chunks.iter().map(|chunk| chunk.to_vec()).collect();

        testing::commit_changes(&store, testing::records(50, 250, Some(1)));

        let stored = stored_chunks(&store, 1);
        assert!(new_nodes > 200, "{new_nodes}");
        assert_eq!(stored.len(), new_nodes.div_ceil(CHUNK_NODES));
        assert!(stored[..stored.len() - 1].iter().all(|chunk| chunk.len() == CHUNK_NODES));
        assert_eq!(stored, chunks);
        let root = store.tip().expect("tip").state_root;
        let at = store.root_node_at(&root).expect("reads").expect("the root is recorded");
        assert_eq!(at, NodeAt { version: 1, index: u32::try_from(new_nodes - 1).expect("small") });
    }

    #[test]
    fn a_block_that_leaves_the_root_unchanged_stores_no_state() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::open(dir.path(), 0);
        store.init_genesis(GENESIS, testing::records(0, 50, Some(0))).expect("genesis");

        let tip = testing::commit_changes(&store, testing::records(0, 10, Some(0)));

        assert_eq!(tip.state_root, store.state_root(Height(0)).expect("root"));
        assert!(stored_chunks(&store, 1).is_empty());
    }

    #[test]
    fn every_past_root_reads_the_same_from_disk_after_a_reopen_without_a_cache() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::chain(dir.path(), 6);
        let before = testing::proofs(&store, 7);
        drop(store);

        let store = testing::open(dir.path(), 0);

        assert_eq!(testing::proofs(&store, 7), before);
        for height in 0..=6 {
            store.verify_state(Height(height)).expect("every past tree is whole");
        }
        assert_eq!(store.node_cache_stats().hits, 0);
    }

    #[test]
    fn a_stored_node_that_does_not_hash_to_what_its_parent_names_is_reported_missing() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::chain(dir.path(), 3);
        let mut chunk = stored_chunks(&store, 3).remove(0);
        let StoredNode::Leaf { value_hash, .. } = &mut chunk[0] else {
            panic!("a block's first new node is a leaf");
        };
        value_hash.0[0] ^= 1;
        let family = store.cf(keys::STATE_CHUNKS);
        store.db.put_cf(family, chunk_key(3, 0), codec::encode(&chunk)).expect("writes");
        drop(store);
        let store = testing::open(dir.path(), 0);

        let damaged = store.verify_state(Height(3));

        assert!(
            matches!(&damaged, Err(StorageError::StateRootMismatch { detail, .. }) if detail.contains("missing")),
            "{damaged:?}"
        );
        store.verify_state(Height(2)).expect("the tree before is whole");
        let root = store.state_root(Height(3)).expect("root");
        assert!(store.root(&root).is_some());
    }

    #[test]
    fn a_chunk_is_checked_for_its_key_its_size_and_children_stored_before_their_parents() {
        let dir = tempfile::tempdir().expect("dir");
        let store = testing::chain(dir.path(), 2);
        let chunks = stored_chunks(&store, 2);
        let bytes = codec::encode(&chunks[0]);

        assert_eq!(check_chunk(&chunk_key(2, 0), &bytes), Ok(chunks[0].len()));
        assert!(check_chunk(&chunk_key(2, 0)[..8], &bytes).is_err(), "a short key");
        assert!(check_chunk(&chunk_key(2, 0), &bytes[..bytes.len() - 1]).is_err(), "cut short");
        assert!(check_chunk(&chunk_key(2, 0), &codec::encode(&Vec::<StoredNode>::new())).is_err());
        let mut forward = chunks[0].clone();
        let slot = forward
            .iter()
            .position(|node| matches!(node, StoredNode::Internal { .. }))
            .expect("a chunk of a block's nodes holds an internal node");
        let StoredNode::Internal { left, .. } = &mut forward[slot] else { unreachable!() };
        *left = onebook_state::Child::Here { hash: left.hash(), index: 63 };
        let problem = check_chunk(&chunk_key(2, 0), &codec::encode(&forward));
        assert!(problem.is_err_and(|problem| problem.contains("not below it")));
    }
}
