//! The RocksDB store.

use std::{
    path::PathBuf,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_state::{Child, StateProof, StoredNode, TreeStats};
use onebook_types::{
    block::{self, Block, CommitCertificate, Header, Receipt},
    codec,
    hash::{Hash32, Tag},
    history::{History, HistoryNodes, Subtree},
    ids::{Height, OrgId, Timestamp},
    limits::{BLOCK_BYTES_MAX, PAGE_ITEMS_MAX, RECORD_BYTES_MAX, TX_BYTES_MAX},
    merkle,
    record::RecordKey,
    suite::Suite,
    tx::SignedTx,
};
use rocksdb::{
    BlockBasedOptions, Cache, ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options,
    WriteOptions,
};

use crate::{
    batch::Batch,
    committed::{self, Mark, MarkFile},
    damage::{DamageLog, StoreDamage},
    error::{Result, StorageError},
    index::{self, ListFilter, RecordKind, RecordPage},
    keys,
    prune::{Pruning, StateHistory},
    state::{self, NodeCache, NodeCacheStats},
};

/// Most receipts one [`Store::receipts_from`] reads: with
/// [`RECEIPT_BYTES_MAX`](onebook_types::limits::RECEIPT_BYTES_MAX) each, a read
/// holds at most 16 MiB.
pub const RECEIPTS_READ_MAX: usize = 256;

/// The most write-ahead log the store keeps before RocksDB flushes the column families that
/// hold the oldest of it. RocksDB's default (four times the column families' write buffers, here
/// near 3 GiB) lets a quiet family pin old logs until gigabytes wait to be replayed on open;
/// bounding it bounds how long a restarted node takes to open its store.
const WAL_BYTES_MAX: u64 = 256 * 1024 * 1024;

/// How much of the state the store checks when it opens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VerifyOnOpen {
    /// Check the tip header and the root node of its state tree (fast at any size).
    #[default]
    Root,
    /// Rehash every node of the tip's state tree (proportional to the number of records).
    Full,
}

/// How to open a store. Built by the caller; the store reads no files of its own.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Directory of the database.
    pub path: PathBuf,
    /// Sync the WAL on every block commit. Turning it off loses the crash guarantee.
    pub sync_writes: bool,
    /// Size of the block cache.
    pub block_cache_bytes: usize,
    /// What to check on open.
    pub verify_on_open: VerifyOnOpen,
    /// How many state-tree nodes the node cache holds (about 130 bytes each, in chunks of 64),
    /// so that staging a block reads the tree's upper levels from memory. 0 turns the cache off.
    pub node_cache_nodes: usize,
    /// The most memory the write buffers (memtables) of all column families take together:
    /// past it RocksDB flushes the family with the oldest write buffer to disk. Without it each
    /// family's buffers grow on their own until the write-ahead log bound forces a flush,
    /// hundreds of MiB in all.
    pub memtable_bytes: usize,
    /// The chain's cryptographic suite (its genesis file's): every hash the store computes or
    /// checks (tx and block hashes, roots, the history and state trees) is the suite's.
    pub suite: Suite,
    /// Which versions of the state tree the store keeps: all of them, or those of a window of
    /// recent blocks ([`Store::prune_state`]).
    pub state_history: StateHistory,
}

impl StoreConfig {
    /// This configuration for a chain of `suite`.
    pub fn in_suite(self, suite: Suite) -> Self {
        Self { suite, ..self }
    }

    /// Defaults for a database at `path`: synced, 64 MiB cache, root check on open, the
    /// default suite (see [`StoreConfig::in_suite`]).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            sync_writes: true,
            block_cache_bytes: 64 * 1024 * 1024,
            verify_on_open: VerifyOnOpen::Root,
            node_cache_nodes: NODE_CACHE_NODES_DEFAULT,
            memtable_bytes: MEMTABLE_BYTES_DEFAULT,
            suite: Suite::Ed25519Blake3,
            state_history: StateHistory::Archive,
        }
    }
}

/// The default bound on the memory of the store's write buffers, all column families together.
pub const MEMTABLE_BYTES_DEFAULT: usize = 64 * 1024 * 1024;

/// What the store holds in memory, from RocksDB's own accounting and the node cache's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreMemory {
    /// The write buffers (memtables) of every column family, those being flushed included:
    /// bounded by [`StoreConfig::memtable_bytes`]. RocksDB checks the bound as each write
    /// starts and then flushes one family at a time, passing over a family already being
    /// flushed, so between writes the total may stand a few MiB above it (each family's arena
    /// blocks count too), and while flushes lag behind the writes on a loaded machine it can
    /// stand well above it until they catch up.
    pub memtables: u64,
    /// The block cache's contents: bounded by [`StoreConfig::block_cache_bytes`].
    pub block_cache: u64,
    /// The open table files' readers outside the block cache (their index and filter blocks):
    /// proportional to the data on disk.
    pub table_readers: u64,
}

/// The default size of the node cache: 262,144 nodes, about 34 MiB: the chunks of the last dozen
/// blocks of 1,000 txs, which hold the upper levels of the tree that every block's writes pass
/// through.
pub const NODE_CACHE_NODES_DEFAULT: usize = 1 << 18;

/// What one column family holds on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FamilySize {
    /// The family's name (`docs/adr/0005-storage-rocksdb.md`).
    pub name: &'static str,
    /// Bytes in its SST files.
    pub sst_bytes: u64,
    /// RocksDB's estimate of its number of keys (exact after a full compaction of a family with
    /// no overwrites or deletes).
    pub keys: u64,
}

/// The space of the file system holding a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiskSpace {
    /// Its size.
    pub size_bytes: u64,
    /// What an unprivileged process may still write.
    pub available_bytes: u64,
}

/// The last committed block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Tip {
    /// Its height (0 = genesis only).
    pub height: Height,
    /// Its header hash (the genesis hash at height 0).
    pub block_hash: Hash32,
    /// The state root after it.
    pub state_root: Hash32,
}

/// Where a committed transaction sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TxLocation {
    /// The block.
    pub height: Height,
    /// Its position in the block.
    pub index: u32,
}

/// `borsh(IndexPending)` at [`keys::META_INDEX_PENDING`]: the block whose index batch may not
/// have been written yet, and the records of listed kinds it changed.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub(crate) struct IndexPending {
    pub(crate) height: Height,
    pub(crate) keys: Vec<RecordKey>,
}

/// A record's new value after a block (`None` deletes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChange {
    /// The record.
    pub key: RecordKey,
    /// Its value bytes, or `None`.
    pub value: Option<Vec<u8>>,
}

/// What one transaction touched, for the history indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxTouch {
    /// The records it read for its decision or wrote.
    pub records: Vec<RecordKey>,
    /// The orgs it concerns (the signer's org first).
    pub orgs: Vec<OrgId>,
}

/// Where a record was created ([`Store::record_creation`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordCreation {
    /// The block that first wrote it: 0 at the genesis, the base for a record a snapshot
    /// brought in.
    pub height: Height,
    /// That block's time (0 at the genesis and for a record a snapshot brought in).
    pub time: Timestamp,
    /// The tx that wrote it in that block; `None` when no tx of this store did.
    pub tx: Option<HistoryEntry>,
}

/// Reads where records were created ([`Store::creations`]), one history iterator for all.
pub struct Creations<'a> {
    store: &'a Store,
    history: rocksdb::DBRawIterator<'a>,
}

impl std::fmt::Debug for Creations<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Creations").finish_non_exhaustive()
    }
}

impl Creations<'_> {
    /// [`Store::record_creation`] of `key`.
    pub fn of(&mut self, key: &RecordKey) -> Result<Option<RecordCreation>> {
        let created = self.store.record_created(key)?;
        self.from_created(key, created)
    }

    /// [`Store::record_creation`] of `key`, given its creation block's time and height as
    /// [`Store::record_created`] read them (so a caller that read them already does not read
    /// them twice).
    pub fn from_created(
        &mut self,
        key: &RecordKey,
        created: Option<(Timestamp, Height)>,
    ) -> Result<Option<RecordCreation>> {
        let Some((time, height)) = created else { return Ok(None) };
        let tx = if height.0 == 0 || height <= self.store.base() {
            None
        } else {
            self.creating_tx(key, height)?
        };
        Ok(Some(RecordCreation { height, time, tx }))
    }

    /// The tx at `height` that created the record of `key` (see [`Store::record_creation`]).
    fn creating_tx(&mut self, key: &RecordKey, height: Height) -> Result<Option<HistoryEntry>> {
        let store = self.store;
        let prefix = key.encode();
        let iter = &mut self.history;
        iter.seek(keys::with_suffix(&prefix, &keys::position(height, 0)));
        let mut found = Vec::new();
        while let (Some(stored), Some(value)) = (iter.key(), iter.value()) {
            if stored.len() != prefix.len() + 12 || !stored.starts_with(&prefix) {
                break;
            }
            let (at, index) = keys::read_position(stored)
                .ok_or_else(|| store.noted(StorageError::Missing { what: "history position" }))?;
            if at != height || found.len() == CREATION_CANDIDATES_MAX {
                break;
            }
            let tx_hash = <[u8; 32]>::try_from(value)
                .map(Hash32)
                .map_err(|_| store.noted(StorageError::Missing { what: "history tx hash" }))?;
            found.push(HistoryEntry { location: TxLocation { height, index }, tx_hash });
            iter.next();
        }
        iter.status().map_err(|e| store.rocks(e))?;
        if found.len() < 2 {
            return Ok(found.pop());
        }
        for entry in found {
            if store.receipt(entry.location)?.is_some_and(|receipt| receipt.code == 0) {
                return Ok(Some(entry));
            }
        }
        Ok(None)
    }
}

/// A record's key and its value's bytes.
pub type KeyedRecord = (RecordKey, Vec<u8>);

/// Most history entries at a record's creation height read to find the tx that created it.
const CREATION_CANDIDATES_MAX: usize = 64;

/// A block ready to be written.
#[derive(Clone, Debug)]
pub struct BlockCommit {
    /// The block.
    pub block: Block,
    /// One receipt per transaction, in order.
    pub receipts: Vec<Receipt>,
    /// The commit certificate, when consensus produced one.
    pub certificate: Option<CommitCertificate>,
    /// One entry per transaction, in order.
    pub touches: Vec<TxTouch>,
}

/// The state after a block, computed before its header is built.
#[derive(Debug)]
pub struct StagedState {
    /// The root it was computed on.
    pub base_root: Hash32,
    /// The new root, which the header must carry.
    pub root: Hash32,
    /// Where the root node is (`TreeUpdate::root_ref`).
    pub(crate) root_ref: Child,
    /// The tree nodes the block creates, in the chunks they are stored as (`state.rs`).
    pub(crate) chunks: Vec<Arc<[StoredNode]>>,
    pub(crate) changes: Vec<RecordChange>,
}

impl StagedState {
    /// The number of state-tree nodes the block creates.
    pub fn new_nodes(&self) -> usize {
        self.chunks.iter().map(|chunk| chunk.len()).sum()
    }
}

/// One entry of a record's or an org's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Where the transaction is.
    pub location: TxLocation,
    /// The transaction.
    pub tx_hash: Hash32,
}

/// A page of history and the cursor for the next page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryPage {
    /// The entries, in the order asked.
    pub entries: Vec<HistoryEntry>,
    /// Pass as `after` to get the next page; `None` at the end.
    pub next: Option<TxLocation>,
}

/// One table file (SST) of the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableFile {
    /// Its column family.
    pub family: String,
    /// Its path.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
}

/// The block, state and index store.
pub struct Store {
    pub(crate) db: DB,
    sync_writes: bool,
    tip: Mutex<Option<Tip>>,
    /// The history tree's frontier at the tip: leaves `0..=tip`, so its root is the next
    /// header's `history_root`. Changed under the tip's lock.
    history: Mutex<History>,
    /// The first height whose block and state the store holds (0, or a snapshot's height).
    base: AtomicU64,
    pub(crate) node_cache: NodeCache,
    /// The block cache, for its memory figure; none on a secondary instance.
    block_cache: Option<Cache>,
    /// The record of the last committed block, outside RocksDB (`committed.rs`); none on a
    /// secondary instance, which never commits.
    pub(crate) mark: Option<Mutex<MarkFile>>,
    /// Set when a block was written but its index batch failed: the next commit writes the
    /// index first ([`Store::finish_index`]).
    index_behind: AtomicBool,
    /// Makes the next index batch fail to be written, as a crash after the block's batch would.
    #[cfg(test)]
    pub(crate) lose_index: AtomicBool,
    damage: DamageLog,
    suite: Suite,
    /// The oldest height whose state tree the store holds, and who may read trees (`prune.rs`).
    pub(crate) pruning: Pruning,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.db.path()).field("tip", &self.tip()).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the store, brings a store of an earlier schema up to this one,
    /// and checks its tip as `config.verify_on_open` asks.
    ///
    /// A store whose tip is below the block this node last committed (`committed.rs`) is
    /// refused with [`StorageError::BehindCommitted`] before anything is written to it, so a
    /// damaged write-ahead log is reported, never silently served as a shorter chain.
    pub fn open(config: &StoreConfig) -> Result<Self> {
        if let Some(mark) = committed::read(&config.path)? {
            check_against_mark(&config.path, config.suite, mark)?;
        }
        let mut store = Self::open_database(config)?;
        let upgrade = store.check_schema()?;
        // The base before the upgrade: moving the state tree of an earlier schema starts there.
        store.load_base()?;
        store.load_state_oldest(config.state_history)?;
        if let Some(old) = upgrade {
            store.upgrade(old)?;
        }
        store.drop_nodes_by_hash()?;
        let tip = store.load::<Tip>(keys::META, keys::META_TIP, "tip")?;
        if let Some(tip) = tip {
            store.check_tip(&tip, config.verify_on_open)?;
            *store.history_slot() = store.check_history(&tip)?;
            store.save_mark(&tip)?;
        }
        *store.tip_slot() = tip;
        if let Some(tip) = tip {
            store.finish_index(tip.height)?;
        }
        Ok(store)
    }

    /// Opens the database with every column family, checking nothing.
    pub(crate) fn open_database(config: &StoreConfig) -> Result<Self> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        options.increase_parallelism(2);
        options.set_max_total_wal_size(WAL_BYTES_MAX);
        options.set_db_write_buffer_size(config.memtable_bytes);
        // Flushes and compactions hand their output to the disk a megabyte at a time instead of
        // leaving it to the kernel's writeback, which otherwise writes it in bursts that a
        // block's synced write (and the consensus WAL's) must wait behind.
        options.set_bytes_per_sync(1 << 20);
        let block_cache = Cache::new_lru_cache(config.block_cache_bytes);
        let mut table = BlockBasedOptions::default();
        table.set_block_cache(&block_cache);
        table.set_bloom_filter(10.0, false);
        // A store of an earlier schema may hold families this one no longer writes; RocksDB opens
        // a database only with all of its families.
        let existing = DB::list_cf(&options, &config.path).unwrap_or_default();
        let legacy = existing.iter().any(|name| name == keys::STATE_NODES_BY_HASH);
        let names = keys::COLUMN_FAMILIES.iter().copied();
        let families = names.chain(legacy.then_some(keys::STATE_NODES_BY_HASH)).map(|name| {
            let mut family = Options::default();
            family.set_block_based_table_factory(&table);
            // State nodes are mostly BLAKE3 hashes, which do not compress: LZ4 would cost time.
            let compression = if name == keys::STATE_CHUNKS {
                rocksdb::DBCompressionType::None
            } else {
                rocksdb::DBCompressionType::Lz4
            };
            family.set_compression_type(compression);
            ColumnFamilyDescriptor::new(name, family)
        });
        let db = DB::open_cf_descriptors(&options, &config.path, families)?;
        Ok(Self {
            db,
            sync_writes: config.sync_writes,
            tip: Mutex::new(None),
            history: Mutex::new(History::new()),
            base: AtomicU64::new(0),
            node_cache: NodeCache::new(config.node_cache_nodes),
            block_cache: Some(block_cache),
            mark: Some(Mutex::new(MarkFile::open(&config.path)?)),
            index_behind: AtomicBool::new(false),
            #[cfg(test)]
            lose_index: AtomicBool::new(false),
            damage: DamageLog::default(),
            suite: config.suite,
            pruning: Pruning::new(config.state_history),
        })
    }

    /// The chain's cryptographic suite, which every hash of the store is computed in.
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// What reads have found damaged since the store was opened; `None` while every read was
    /// sound. Damage is permanent: the node that finds it must be restored or resynced.
    pub fn damage(&self) -> Option<StoreDamage> {
        self.damage.get()
    }

    /// The table files (SSTs) the store holds, by column family: where its data lies on disk,
    /// for an operator (and a test) looking at one family's files.
    pub fn table_files(&self) -> Result<Vec<TableFile>> {
        let files = self.db.live_files()?;
        Ok(files
            .into_iter()
            .map(|file| TableFile {
                path: self.db.path().join(file.name.trim_start_matches('/')),
                family: file.column_family_name,
                bytes: file.size as u64,
            })
            .collect())
    }

    /// Counts `error` as damage if it is (see [`StorageError::is_damage`]) and gives it back.
    /// The store counts what it finds itself; readers that find a value of the store unusable
    /// (a record that does not decode) report it here.
    pub fn noted(&self, error: StorageError) -> StorageError {
        self.damage.note(&error);
        error
    }

    /// A store over an already open database (a secondary instance, `backup.rs`), its tip read
    /// and checked as `verify` asks. Writes through it fail.
    pub(crate) fn from_db(db: DB, verify: VerifyOnOpen, suite: Suite) -> Result<Self> {
        let store = Self {
            db,
            sync_writes: false,
            tip: Mutex::new(None),
            history: Mutex::new(History::new()),
            base: AtomicU64::new(0),
            node_cache: NodeCache::new(0),
            block_cache: None,
            mark: None,
            index_behind: AtomicBool::new(false),
            #[cfg(test)]
            lose_index: AtomicBool::new(false),
            damage: DamageLog::default(),
            suite,
            pruning: Pruning::new(StateHistory::Archive),
        };
        store.load_base()?;
        store.load_state_oldest(StateHistory::Archive)?;
        let tip = store.load::<Tip>(keys::META, keys::META_TIP, "tip")?;
        if let Some(tip) = tip {
            store.check_tip(&tip, verify)?;
            *store.history_slot() = store.check_history(&tip)?;
        }
        *store.tip_slot() = tip;
        Ok(store)
    }

    /// The database, for `backup.rs` and the modules of this crate that keep their own column
    /// families.
    pub(crate) fn db(&self) -> &DB {
        &self.db
    }

    /// Writes the genesis state as height 0. Opening an initialised store with the same genesis
    /// is a no-op; with another genesis it is an error.
    pub fn init_genesis(&self, genesis_hash: Hash32, records: Vec<RecordChange>) -> Result<Tip> {
        if let Some(stored) = self.genesis_hash()? {
            if stored != genesis_hash {
                return Err(StorageError::WrongGenesis { stored, given: genesis_hash });
            }
            return self.tip();
        }
        let staged = self.stage_on(Hash32::ZERO, records);
        let tip = Tip { height: Height(0), block_hash: genesis_hash, state_root: staged.root };
        let mut batch = Batch::default();
        let mut history = History::new();
        self.put_history(&mut batch, history.push_in(self.suite, &genesis_hash));
        self.put_state(&mut batch, Height(0), &staged);
        self.put_index(&mut batch, Height(0), Some(0), &staged.changes)?;
        batch.put_cf(self.cf(keys::META), keys::META_GENESIS, genesis_hash.as_bytes());
        batch.put_cf(self.cf(keys::META), keys::META_TIP, codec::encode(&tip));
        self.write(batch)?;
        *self.tip_slot() = Some(tip);
        *self.history_slot() = history;
        self.cache_tree(Height(0), staged);
        self.save_mark(&tip)?;
        tracing::info!(%genesis_hash, state_root = %tip.state_root, "initialised genesis");
        Ok(tip)
    }

    /// As [`Store::init_genesis`], from the records of a genesis state (such as
    /// `GenesisFile::initial_state`), each stored as present.
    pub fn init_genesis_state(
        &self,
        genesis_hash: Hash32,
        records: impl IntoIterator<Item = (RecordKey, Vec<u8>)>,
    ) -> Result<Tip> {
        let records =
            records.into_iter().map(|(key, value)| RecordChange { key, value: Some(value) });
        self.init_genesis(genesis_hash, records.collect())
    }

    /// The genesis this store was initialised with.
    pub fn genesis_hash(&self) -> Result<Option<Hash32>> {
        let bytes =
            self.db.get_cf(self.cf(keys::META), keys::META_GENESIS).map_err(|e| self.rocks(e))?;
        Ok(bytes.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()).map(Hash32))
    }

    /// The last committed block.
    pub fn tip(&self) -> Result<Tip> {
        (*self.tip_slot()).ok_or(StorageError::Empty)
    }

    /// The `history_root` the header above the tip must carry: the root of the history tree
    /// over the genesis hash and every block hash up to the tip.
    pub fn next_history_root(&self) -> Result<Hash32> {
        self.tip()?;
        Ok(self.history_slot().root_in(self.suite))
    }

    /// The first height whose block and state this store holds: 0 for a store that began at
    /// the genesis, or the height of the snapshot it was started from (`snapshot.rs`). Blocks,
    /// txs, record versions and history below it are not held, and reads below it are refused
    /// with [`StorageError::BelowBase`].
    pub fn base(&self) -> Height {
        Height(self.base.load(Ordering::Relaxed))
    }

    /// Refuses a read of the state or blocks at `height` if the store does not hold them.
    pub fn check_held(&self, height: Height) -> Result<()> {
        let base = self.base();
        if height < base {
            return Err(StorageError::BelowBase { height, base });
        }
        Ok(())
    }

    fn load_base(&self) -> Result<()> {
        let bytes = self.db.get_cf(self.cf(keys::META), keys::META_BASE)?;
        let base = match bytes {
            None => 0,
            Some(bytes) => u64::from_be_bytes(
                bytes.as_slice().try_into().map_err(|_| StorageError::Missing { what: "base" })?,
            ),
        };
        self.base.store(base, Ordering::Relaxed);
        Ok(())
    }

    /// Marks the store as starting at `height` (written by a snapshot restore, in its batch).
    pub(crate) fn put_base<'s>(&'s self, batch: &mut Batch<'s>, height: Height) {
        batch.put_cf(self.cf(keys::META), keys::META_BASE, keys::height(height));
        self.base.store(height.0, Ordering::Relaxed);
    }

    /// Flushes and fully compacts every column family, then gives each one's size on disk. For
    /// benchmarks and operators measuring what the store costs: a full compaction rewrites the
    /// whole database.
    pub fn compact_and_measure(&self) -> Result<Vec<FamilySize>> {
        let mut sizes = Vec::with_capacity(keys::COLUMN_FAMILIES.len());
        for name in keys::COLUMN_FAMILIES {
            let family = self.cf(name);
            self.db.flush_cf(family)?;
            self.db.compact_range_cf(family, None::<&[u8]>, None::<&[u8]>);
            let property = |key: &str| self.db.property_int_value_cf(family, key);
            let sst_bytes = property("rocksdb.total-sst-files-size")?.unwrap_or(0);
            let keys = property("rocksdb.estimate-num-keys")?.unwrap_or(0);
            sizes.push(FamilySize { name, sst_bytes, keys });
        }
        Ok(sizes)
    }

    /// Each column family's bytes on disk (its table files) and in memory (its memtables), from
    /// RocksDB's properties: cheap, for the metrics (compare [`Store::compact_and_measure`]).
    pub fn family_bytes(&self) -> Result<Vec<(&'static str, u64)>> {
        let mut sizes = Vec::with_capacity(keys::COLUMN_FAMILIES.len());
        for name in keys::COLUMN_FAMILIES {
            let family = self.cf(name);
            let property = |key: &str| self.db.property_int_value_cf(family, key);
            let bytes = property("rocksdb.total-sst-files-size")?.unwrap_or(0)
                + property("rocksdb.cur-size-all-mem-tables")?.unwrap_or(0);
            sizes.push((name, bytes));
        }
        Ok(sizes)
    }

    /// The size and free space of the file system holding the store.
    pub fn disk_space(&self) -> Result<DiskSpace> {
        let stat = rustix::fs::statvfs(self.db.path())
            .map_err(|errno| StorageError::DiskSpace { source: errno.into() })?;
        Ok(DiskSpace {
            size_bytes: stat.f_blocks.saturating_mul(stat.f_frsize),
            available_bytes: stat.f_bavail.saturating_mul(stat.f_frsize),
        })
    }

    /// What the node cache has done since the store opened, for the metrics.
    pub fn node_cache_stats(&self) -> NodeCacheStats {
        self.node_cache.stats()
    }

    /// Writes every memtable to table files and syncs them, so that the write-ahead log holds
    /// nothing left to replay: a copy of the directory then opens without replaying it.
    pub fn flush(&self) -> Result<()> {
        let families: Vec<_> = keys::COLUMN_FAMILIES.iter().map(|name| self.cf(name)).collect();
        self.db
            .flush_cfs_opt(&families, &rocksdb::FlushOptions::default())
            .map_err(|e| self.rocks(e))
    }

    /// What the store holds in memory now: its memtables, block cache and table readers.
    pub fn memory(&self) -> Result<StoreMemory> {
        let caches: Vec<&Cache> = self.block_cache.iter().collect();
        let stats = rocksdb::perf::get_memory_usage_stats(Some(&[&self.db]), Some(&caches))
            .map_err(|e| self.rocks(e))?;
        Ok(StoreMemory {
            memtables: stats.mem_table_total,
            block_cache: stats.cache_total,
            table_readers: stats.mem_table_readers_total,
        })
    }

    /// Computes the state after `changes` on top of the tip, without writing anything.
    pub fn stage(&self, changes: Vec<RecordChange>) -> Result<StagedState> {
        let tip = self.tip()?;
        let _reading = self.read_state(tip.height)?;
        Ok(self.stage_on(tip.state_root, changes))
    }

    /// Writes a block in one atomic, synced batch after checking that it follows the tip and that
    /// its header commits to its transactions, receipts and `staged` state, then its index in a
    /// batch of its own (ADR 0046). An error after the block's batch was written (its index
    /// batch failed) leaves the block committed and the tip moved to it; the next commit writes
    /// that index first.
    pub fn commit(&self, commit: BlockCommit, staged: StagedState) -> Result<Tip> {
        let mut tip_slot = self.tip_slot();
        let tip = (*tip_slot).ok_or(StorageError::Empty)?;
        if self.index_behind.load(Ordering::SeqCst) {
            self.finish_index(tip.height)?;
        }
        let header = &commit.block.header;
        // Each tx is encoded once: its hash for the checks and the keys, its bytes for the value.
        let encoded: Vec<Vec<u8>> = commit.block.txs.iter().map(SignedTx::encode).collect();
        // `SignedTx::hash_in` over the bytes already encoded.
        let tx_hashes: Vec<Hash32> =
            encoded.iter().map(|bytes| self.suite.hash_tagged(Tag::Tx, &[bytes])).collect();
        // Each receipt too: its leaf for the receipts root, its bytes for the value.
        let receipt_bytes: Vec<Vec<u8>> = commit.receipts.iter().map(codec::encode).collect();
        let mut frontier = self.history_slot().clone();
        let height = header.height;
        let block_hash = header.hash_in(self.suite);
        let mut batch = Batch::default();
        // The index (about two thirds of a block's writes) is derived from the records: a
        // second thread builds it while this one checks the block, gathers its other writes and
        // writes them in one synced batch, which also names the block's indexed records
        // (`META_INDEX_PENDING`). The index follows in its own batch, not synced: the next
        // block's synced write carries it to the disk, and a crash before that leaves the
        // pending mark, from which opening the store rebuilds it ([`Self::finish_index`]). The
        // tip moves once both are written. The index reads only what earlier blocks wrote.
        let time = Some(header.time.0);
        let (written, index) = std::thread::scope(|scope| {
            let index = scope.spawn(|| self.index_batch(height, time, &staged.changes));
            let written = check_block(
                self.suite,
                &tip,
                &frontier,
                &commit,
                &tx_hashes,
                &receipt_bytes,
                &staged,
            )
            .and_then(|()| {
                self.put_history(&mut batch, frontier.push_in(self.suite, &block_hash));
                self.put_block(&mut batch, &commit, &encoded, &tx_hashes, &receipt_bytes);
                self.put_state(&mut batch, height, &staged);
                let pending = IndexPending {
                    height,
                    keys: indexed(&staged.changes)
                        .into_iter()
                        .map(|change| change.key.clone())
                        .collect(),
                };
                batch.put_cf(
                    self.cf(keys::META),
                    keys::META_INDEX_PENDING,
                    codec::encode(&pending),
                );
                let new_tip = Tip { height, block_hash, state_root: staged.root };
                batch.put_cf(self.cf(keys::META), keys::META_TIP, codec::encode(&new_tip));
                self.write(batch)?;
                Ok(new_tip)
            });
            (written, index.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        // A block that fails its checks or its write is refused for that, and nothing of it was
        // written.
        let new_tip = written?;
        *tip_slot = Some(new_tip);
        *self.history_slot() = frontier;
        // The block is on the disk: if its index cannot be written now, the next commit (or
        // the next open) writes it before anything else.
        let indexed = index.and_then(|index| self.write_index(index, false));
        if let Err(error) = indexed {
            self.index_behind.store(true, Ordering::SeqCst);
            return Err(error);
        }
        drop(tip_slot);
        // The new nodes are the upper levels the next block's writes pass through.
        self.cache_tree(height, staged);
        self.save_mark(&new_tip)?;
        tracing::info!(height = height.0, txs = tx_hashes.len(), %block_hash, "committed block");
        Ok(new_tip)
    }

    /// The index batch of the block at `height` whose record changes are `changes`
    /// ([`Self::put_index`]), with the delete of the block's [`keys::META_INDEX_PENDING`] mark.
    fn index_batch(
        &self,
        height: Height,
        time: Option<u64>,
        changes: &[RecordChange],
    ) -> Result<rocksdb::WriteBatch> {
        let mut index = Batch::default();
        self.put_index(&mut index, height, time, changes)?;
        index.delete_cf(self.cf(keys::META), keys::META_INDEX_PENDING);
        Ok(index.into_write_batch())
    }

    /// Writes the index of the block at `tip` if its batch was not written (a crash or a
    /// failed write between the block's synced batch and its index batch, [`Self::commit`]):
    /// rebuilt from the records the block's pending mark names, as the commit built it, and
    /// written synced. A pending mark of another height than the tip's is damage.
    pub(crate) fn finish_index(&self, tip: Height) -> Result<()> {
        let Some(pending) =
            self.load::<IndexPending>(keys::META, keys::META_INDEX_PENDING, "index pending")?
        else {
            self.index_behind.store(false, Ordering::SeqCst);
            return Ok(());
        };
        if pending.height != tip {
            return Err(self.noted(StorageError::Missing { what: "index of an earlier block" }));
        }
        let header = self
            .header(pending.height)?
            .ok_or_else(|| self.noted(StorageError::Missing { what: "header" }))?;
        let mut iter = self.db.raw_iterator_cf(self.cf(keys::RECORDS));
        let mut changes = Vec::with_capacity(pending.keys.len());
        for key in pending.keys {
            let value = self.record_in(&mut iter, &key, pending.height)?;
            changes.push(RecordChange { key, value });
        }
        let batch = self.index_batch(pending.height, Some(header.time.0), &changes)?;
        self.write_index(batch, true)?;
        self.index_behind.store(false, Ordering::SeqCst);
        tracing::info!(height = pending.height.0, "wrote the index of the tip block");
        Ok(())
    }

    /// Adds a block's header, tx list, txs, receipts, history entries and certificate to `batch`;
    /// `encoded`, `tx_hashes` and `receipt_bytes` are its txs' bytes and hashes and its receipts'
    /// bytes.
    pub(crate) fn put_block<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        commit: &BlockCommit,
        encoded: &[Vec<u8>],
        tx_hashes: &[Hash32],
        receipt_bytes: &[Vec<u8>],
    ) {
        let header = &commit.block.header;
        let height = header.height;
        let block_hash = header.hash_in(self.suite);
        batch.put_cf(self.cf(keys::HEADERS), keys::height(height), codec::encode(header));
        batch.put_cf(self.cf(keys::BLOCKS), keys::height(height), codec::encode(tx_hashes));
        batch.put_cf(self.cf(keys::BLOCKS), block_hash.as_bytes(), keys::height(height));
        let (txs, receipts) = (self.cf(keys::TXS), self.cf(keys::RECEIPTS));
        let (history, by_org) = (self.cf(keys::HISTORY), self.cf(keys::BY_ORG));
        for (index, ((tx, hash), receipt)) in
            encoded.iter().zip(tx_hashes).zip(receipt_bytes).enumerate()
        {
            let location = TxLocation { height, index: index_u32(index) };
            let mut value = Vec::with_capacity(12 + tx.len());
            value.extend_from_slice(&codec::encode(&location));
            value.extend_from_slice(tx);
            batch.put_cf(txs, hash.as_bytes(), value);
            let position = keys::position(height, location.index);
            batch.put_cf(receipts, position, receipt);
            let touch = &commit.touches[index];
            for record in &touch.records {
                let key = keys::with_suffix(&record.encode(), &position);
                batch.put_cf(history, key, hash.as_bytes());
            }
            for org in &touch.orgs {
                let key = keys::with_suffix(&codec::encode(org), &position);
                batch.put_cf(by_org, key, hash.as_bytes());
            }
        }
        if let Some(certificate) = &commit.certificate {
            let bytes = codec::encode(certificate);
            batch.put_cf(self.cf(keys::CERTIFICATES), keys::height(height), bytes);
        }
    }

    /// The header at `height` (none at 0: genesis has no header).
    pub fn header(&self, height: Height) -> Result<Option<Header>> {
        self.load_with(keys::HEADERS, &keys::height(height), "header", Header::decode)
    }

    /// The commit certificate of the block at `height`, if one was stored.
    pub fn certificate(&self, height: Height) -> Result<Option<CommitCertificate>> {
        self.load(keys::CERTIFICATES, &keys::height(height), "certificate")
    }

    /// The tx hashes of the block at `height`, in order.
    pub fn block_tx_hashes(&self, height: Height) -> Result<Option<Vec<Hash32>>> {
        self.load_with(keys::BLOCKS, &keys::height(height), "block tx list", |bytes| {
            codec::decode(bytes, BLOCK_BYTES_MAX)
        })
    }

    /// The whole block at `height`.
    pub fn block(&self, height: Height) -> Result<Option<Block>> {
        let Some(header) = self.header(height)? else { return Ok(None) };
        let hashes = self
            .block_tx_hashes(height)?
            .ok_or_else(|| self.noted(StorageError::Missing { what: "block" }))?;
        let mut txs = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let (_, tx) =
                self.tx(&hash)?.ok_or_else(|| self.noted(StorageError::Missing { what: "tx" }))?;
            txs.push(tx);
        }
        Ok(Some(Block { header, txs }))
    }

    /// The height of the block whose header hash is `hash`.
    pub fn block_height(&self, hash: &Hash32) -> Result<Option<Height>> {
        let bytes =
            self.db.get_cf(self.cf(keys::BLOCKS), hash.as_bytes()).map_err(|e| self.rocks(e))?;
        Ok(bytes
            .and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok())
            .map(u64::from_be_bytes)
            .map(Height))
    }

    /// A committed transaction and where it is.
    pub fn tx(&self, hash: &Hash32) -> Result<Option<(TxLocation, SignedTx)>> {
        let Some(bytes) =
            self.db.get_cf(self.cf(keys::TXS), hash.as_bytes()).map_err(|e| self.rocks(e))?
        else {
            return Ok(None);
        };
        let corrupt = |source| self.noted(StorageError::Corrupt { what: "tx", source });
        let mut slice = bytes.as_slice();
        let location = TxLocation::deserialize(&mut slice)
            .map_err(|e| corrupt(codec::DecodeError::Invalid(e)))?;
        let tx = codec::decode(slice, TX_BYTES_MAX).map_err(corrupt)?;
        Ok(Some((location, tx)))
    }

    /// The receipt of the transaction at `location`.
    pub fn receipt(&self, location: TxLocation) -> Result<Option<Receipt>> {
        let key = keys::position(location.height, location.index);
        self.load_with(keys::RECEIPTS, &key, "receipt", Receipt::decode)
    }

    /// The receipts of committed txs from the position `from` on (that position included), in
    /// block order, at most `limit` (capped at [`RECEIPTS_READ_MAX`]). Blocks without txs hold no
    /// receipts, so an empty block costs nothing; the read sees one snapshot of the store.
    pub fn receipts_from(
        &self,
        from: TxLocation,
        limit: usize,
    ) -> Result<Vec<(TxLocation, Receipt)>> {
        let limit = limit.clamp(1, RECEIPTS_READ_MAX);
        let start = keys::position(from.height, from.index);
        let mode = IteratorMode::From(&start, Direction::Forward);
        let mut receipts = Vec::new();
        for item in self.db.iterator_cf(self.cf(keys::RECEIPTS), mode) {
            if receipts.len() == limit {
                break;
            }
            let (key, value) = item.map_err(|e| self.rocks(e))?;
            let (height, index) = keys::read_position(&key)
                .filter(|_| key.len() == 12)
                .ok_or_else(|| self.noted(StorageError::Missing { what: "receipt position" }))?;
            let receipt = Receipt::decode(&value)
                .map_err(|source| self.noted(StorageError::Corrupt { what: "receipt", source }))?;
            receipts.push((TxLocation { height, index }, receipt));
        }
        Ok(receipts)
    }

    /// The state root after the block at `height` (0 = genesis).
    pub fn state_root(&self, height: Height) -> Result<Hash32> {
        self.check_held(height)?;
        let tip = self.tip()?;
        if height == tip.height {
            return Ok(tip.state_root);
        }
        if height > tip.height {
            return Err(StorageError::AboveTip { height, tip: tip.height });
        }
        if height.0 == 0 {
            return self.genesis_state_root();
        }
        let header = self
            .header(height)?
            .ok_or_else(|| self.noted(StorageError::Missing { what: "header" }))?;
        Ok(header.state_root)
    }

    /// A record's value bytes as of the block at `height`.
    pub fn record(&self, key: &RecordKey, height: Height) -> Result<Option<Vec<u8>>> {
        self.check_held(height)?;
        let mut iter = self.db.raw_iterator_cf(self.cf(keys::RECORDS));
        self.record_in(&mut iter, key, height)
    }

    /// [`Store::record`] through `iter`, an iterator over `records` that a caller reading many
    /// records reuses: creating one costs more than a seek.
    fn record_in(
        &self,
        iter: &mut rocksdb::DBRawIterator<'_>,
        key: &RecordKey,
        height: Height,
    ) -> Result<Option<Vec<u8>>> {
        let key_bytes = key.encode();
        let seek = keys::with_suffix(&key_bytes, &keys::height(height));
        iter.seek_for_prev(&seek);
        if let (Some(found), Some(value)) = (iter.key(), iter.value())
            && found.len() == key_bytes.len() + 8
            && found.starts_with(&key_bytes)
        {
            return codec::decode::<Option<Vec<u8>>>(value, RECORD_BYTES_MAX + 8)
                .map_err(|source| self.noted(StorageError::Corrupt { what: "record", source }));
        }
        iter.status().map_err(|e| self.rocks(e))?;
        Ok(None)
    }

    /// The records present at `height` whose key is of the variant of `like` (the keys whose
    /// encoding starts with the same byte: every child chain for `RecordKey::ChildChain(_)`),
    /// in the order of their encoded keys, after `after`, at most `limit` (capped at
    /// [`PAGE_ITEMS_MAX`]); the flag says more follow. For the kinds the listing index does not
    /// hold: two seeks per key, whatever the number of its versions, so the cost follows the
    /// keys passed (deleted ones too), not the chain's length.
    pub fn records_like(
        &self,
        like: &RecordKey,
        height: Height,
        after: Option<&RecordKey>,
        limit: usize,
    ) -> Result<(Vec<KeyedRecord>, bool)> {
        self.check_held(height)?;
        let limit = limit.clamp(1, PAGE_ITEMS_MAX);
        let variant = like.encode()[..1].to_vec();
        // Past every version of a key: no height is `u64::MAX`.
        let past = |key: &[u8]| keys::with_suffix(key, &[0xff; 8]);
        let mut start = match after {
            Some(after) => past(&after.encode()),
            None => variant.clone(),
        };
        let mut iter = self.db.raw_iterator_cf(self.cf(keys::RECORDS));
        let mut found = Vec::new();
        loop {
            iter.seek(&start);
            let Some(stored) = iter.key() else { break };
            if !stored.starts_with(&variant) || stored.len() < variant.len() + 8 {
                break;
            }
            let key_bytes = stored[..stored.len() - 8].to_vec();
            let key = RecordKey::decode(&key_bytes).map_err(|source| {
                self.noted(StorageError::Corrupt { what: "record key", source })
            })?;
            if let Some(value) = self.record_in(&mut iter, &key, height)? {
                if found.len() == limit {
                    return Ok((found, true));
                }
                found.push((key, value));
            }
            start = past(&key_bytes);
        }
        iter.status().map_err(|e| self.rocks(e))?;
        Ok((found, false))
    }

    /// The heights below `below` at which `key` was written (set or deleted), oldest first. One
    /// seek and one step per version, so the cost follows the record's versions, not the chain's
    /// length.
    pub fn record_write_heights(&self, key: &RecordKey, below: Height) -> Result<Vec<Height>> {
        let key_bytes = key.encode();
        let mut iter = self.db.raw_iterator_cf(self.cf(keys::RECORDS));
        iter.seek(&key_bytes);
        let mut heights = Vec::new();
        while let Some(found) = iter.key() {
            let Some(suffix) = found.strip_prefix(key_bytes.as_slice()) else { break };
            if let Ok(at) = <[u8; 8]>::try_from(suffix) {
                let at = Height(u64::from_be_bytes(at));
                if at >= below {
                    break;
                }
                heights.push(at);
            }
            iter.next();
        }
        iter.status().map_err(|e| self.rocks(e))?;
        Ok(heights)
    }

    /// A record's value at `height` with the state proof for it (membership if present,
    /// non-membership if absent) against the state root of that height.
    pub fn prove_record(
        &self,
        key: &RecordKey,
        height: Height,
    ) -> Result<(Hash32, Option<Vec<u8>>, StateProof)> {
        let _reading = self.read_state(height)?;
        let root = self.state_root(height)?;
        let proof =
            onebook_state::prove(self, root, onebook_state::key_hash_in(self.suite, &key.encode()));
        Ok((root, self.record(key, height)?, proof))
    }

    /// Rehashes every node of the state tree at `height`.
    pub fn verify_state(&self, height: Height) -> Result<TreeStats> {
        let _reading = self.read_state(height)?;
        let root = self.state_root(height)?;
        onebook_state::verify_tree_in(self.suite, self, root).map_err(|e| {
            self.noted(StorageError::StateRootMismatch { height, detail: e.to_string() })
        })
    }

    /// Transactions that touched `record`, oldest first, after the cursor `after`.
    pub fn record_history(
        &self,
        record: &RecordKey,
        after: Option<TxLocation>,
        limit: usize,
    ) -> Result<HistoryPage> {
        self.history(keys::HISTORY, &record.encode(), after, limit)
    }

    /// Where the record of `key` was created: the block that first wrote it (from its creation
    /// entry in the index, `aggregates.rs`) and the tx there that wrote it, found in the record's
    /// history without reading any tx. `None` if no block wrote the record. The tx is `None` for
    /// a record of the genesis or one a snapshot brought in (no tx of this store wrote it).
    ///
    /// Every record change comes from a tx, and a tx's history entries name every record it
    /// wrote, so the creating tx is among the record's entries at the creation height. Only an
    /// earlier tx of that block that read the key while it was absent (a refused one) can come
    /// before it there; when the height holds more than one entry, the first whose receipt
    /// accepted the tx is taken.
    pub fn record_creation(&self, key: &RecordKey) -> Result<Option<RecordCreation>> {
        self.creations().of(key)
    }

    /// A reader of [`Self::record_creation`]s that seeks every record's history through one
    /// iterator: a page of records names the txs that created them without opening an
    /// iterator per record.
    pub fn creations(&self) -> Creations<'_> {
        Creations { store: self, history: self.db.raw_iterator_cf(self.cf(keys::HISTORY)) }
    }

    /// Transactions that concern `org`, oldest first, after the cursor `after`.
    pub fn org_history(
        &self,
        org: &OrgId,
        after: Option<TxLocation>,
        limit: usize,
    ) -> Result<HistoryPage> {
        self.history(keys::BY_ORG, &codec::encode(org), after, limit)
    }

    /// The records of `kind` that pass `filter` as of the block at `height`, in id order, after
    /// the cursor `after` (a [`RecordPage::next`] of the same listing), at most `limit` (capped at
    /// [`PAGE_ITEMS_MAX`]).
    pub fn list_records(
        &self,
        kind: RecordKind,
        filter: &ListFilter,
        height: Height,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<RecordPage> {
        let limit = limit.clamp(1, PAGE_ITEMS_MAX);
        let after = match after {
            Some(cursor) if crate::cursor_is_well_formed(kind, cursor) => Some(&cursor[1..]),
            Some(_) => return Err(StorageError::InvalidCursor),
            None => None,
        };
        // Past every version of the cursor's record.
        let start = |prefix: &[u8]| match after {
            Some(sort_id) => keys::with_suffix(&keys::with_suffix(prefix, sort_id), &[0xff; 8]),
            None => prefix.to_vec(),
        };
        let terms = index::listing_terms(kind, filter);
        let mut entries = MergedEntries::new(self, terms, start, 1, None);
        let mut records = Vec::new();
        while let Some((_, present)) = entries.next(height) {
            let Some(value) = present else { continue };
            let Some(found) = self.listed(&value, height)? else { continue };
            if records.len() == limit {
                let next = records.last().map(|(key, _)| index::cursor(kind, key));
                return Ok(RecordPage { records, next });
            }
            records.push(found);
        }
        entries.status().map_err(|e| self.rocks(e))?;
        Ok(RecordPage { records, next: None })
    }

    fn history(
        &self,
        family: &str,
        prefix: &[u8],
        after: Option<TxLocation>,
        limit: usize,
    ) -> Result<HistoryPage> {
        let limit = limit.clamp(1, PAGE_ITEMS_MAX);
        let start = match after {
            Some(at) => {
                let next =
                    at.index.checked_add(1).map_or((at.height.next(), 0), |i| (at.height, i));
                keys::with_suffix(prefix, &keys::position(next.0, next.1))
            }
            None => prefix.to_vec(),
        };
        let mut entries = Vec::new();
        let mode = IteratorMode::From(&start, Direction::Forward);
        for item in self.db.iterator_cf(self.cf(family), mode) {
            let (key, value) = item.map_err(|e| self.rocks(e))?;
            if key.len() != prefix.len() + 12 || !key.starts_with(prefix) {
                break;
            }
            let (height, index) = keys::read_position(&key)
                .ok_or_else(|| self.noted(StorageError::Missing { what: "history position" }))?;
            let tx_hash = <[u8; 32]>::try_from(value.as_ref())
                .map(Hash32)
                .map_err(|_| self.noted(StorageError::Missing { what: "history tx hash" }))?;
            if entries.len() == limit {
                let last: &HistoryEntry = entries.last().expect("limit is at least 1");
                return Ok(HistoryPage { next: Some(last.location), entries });
            }
            entries.push(HistoryEntry { location: TxLocation { height, index }, tx_hash });
        }
        Ok(HistoryPage { entries, next: None })
    }

    pub(crate) fn stage_on(&self, base_root: Hash32, changes: Vec<RecordChange>) -> StagedState {
        let mut latest = std::collections::BTreeMap::new();
        for change in changes {
            latest.insert(change.key, change.value);
        }
        let changes: Vec<RecordChange> =
            latest.into_iter().map(|(key, value)| RecordChange { key, value }).collect();
        let updates = changes.iter().map(|change| {
            let key_hash = onebook_state::key_hash_in(self.suite, &change.key.encode());
            let value_hash = |value| onebook_state::value_hash_in(self.suite, value);
            (key_hash, change.value.as_deref().map(value_hash))
        });
        let update = onebook_state::apply_updates_in(self.suite, self, base_root, updates);
        let chunks = state::chunks(&update.new_nodes);
        StagedState { base_root, root: update.root, root_ref: update.root_ref, chunks, changes }
    }

    pub(crate) fn put_state<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        height: Height,
        staged: &StagedState,
    ) {
        self.put_tree(batch, height, staged);
        let records = self.cf(keys::RECORDS);
        for change in &staged.changes {
            let key = keys::with_suffix(&change.key.encode(), &keys::height(height));
            batch.put_cf(records, key, codec::encode(&change.value));
        }
        if height.0 == 0 {
            batch.put_cf(
                self.cf(keys::META),
                keys::META_GENESIS_STATE_ROOT,
                staged.root.as_bytes(),
            );
        }
    }

    /// Adds the index entries of a block's record changes, against each record's value before
    /// it, and their aggregates (`aggregates.rs`): `time` is the block's time, `None` for the
    /// records a snapshot brings in (their creation time and answers are unknown).
    pub(crate) fn put_index<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        height: Height,
        time: Option<u64>,
        changes: &[RecordChange],
    ) -> Result<()> {
        let deltas = self.put_index_changes(batch, height, time, &indexed(changes))?;
        self.put_counts(batch, height, &deltas)
    }

    /// Adds the listing entries and aggregates of `indexed` (changes of records of listed kinds)
    /// as [`Self::put_index`] does, but the counts: gives their changes, for
    /// [`Self::put_counts`].
    pub(crate) fn put_index_changes<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        height: Height,
        time: Option<u64>,
        indexed: &[&RecordChange],
    ) -> Result<crate::aggregates::CountDeltas> {
        // Every block that writes an indexed record also writes its creation entry the first
        // time (`put_aggregates`; a snapshot's records and a re-index too), and nothing removes
        // one: a record without it has no earlier version to seek. One batched read finds them.
        let created = self.created_times(indexed.iter().map(|change| &change.key))?;
        let mut iter = self.db.raw_iterator_cf(self.cf(keys::RECORDS));
        let mut deltas = crate::aggregates::CountDeltas::new();
        for (change, created) in indexed.iter().zip(created) {
            let (key, new) = (&change.key, change.value.as_deref());
            let old = match (created, height.0.checked_sub(1)) {
                (Some(_), Some(previous)) => self.record_in(&mut iter, key, Height(previous))?,
                _ => None,
            };
            let (added, removed) = self.put_index_change(batch, key, old.as_deref(), new, height);
            self.put_aggregates(
                batch,
                &mut deltas,
                key,
                (old.as_deref(), new),
                (&added, &removed),
                (height, time),
                created,
            );
        }
        Ok(deltas)
    }

    /// Adds the listing entries of the record of `key` going from `old` to `new` at `height`
    /// (none for a term [`index::is_stored`] leaves out); gives the terms it entered and those it
    /// left, all of them, for the counts.
    pub(crate) fn put_index_change<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        key: &RecordKey,
        old: Option<&[u8]>,
        new: Option<&[u8]>,
        height: Height,
    ) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let old_terms = old.map(|value| index::terms(key, value)).unwrap_or_default();
        let new_terms = new.map(|value| index::terms(key, value)).unwrap_or_default();
        let sort_id = index::sort_id(key);
        let height_bytes = height.0.to_be_bytes();
        let family = self.cf(keys::RECORD_INDEX);
        let added: Vec<Vec<u8>> =
            new_terms.iter().filter(|term| !old_terms.contains(term)).cloned().collect();
        let removed: Vec<Vec<u8>> =
            old_terms.into_iter().filter(|term| !new_terms.contains(term)).collect();
        if !added.is_empty() {
            let present = index::present(key);
            for term in added.iter().filter(|term| index::is_stored(term)) {
                batch.put_cf_parts(family, &[term, &sort_id, &height_bytes], &present);
            }
        }
        for term in removed.iter().filter(|term| index::is_stored(term)) {
            batch.put_cf_parts(family, &[term, &sort_id, &height_bytes], &index::ABSENT);
        }
        (added, removed)
    }

    /// The record an index value names and its value at `height`; `None` for an absence marker.
    fn listed(&self, value: &[u8], height: Height) -> Result<Option<(RecordKey, Vec<u8>)>> {
        let Some(key) = index::named_key(value) else { return Ok(None) };
        let key = key
            .map_err(|source| self.noted(StorageError::Corrupt { what: "record index", source }))?;
        let bytes = self
            .record(&key, height)?
            .ok_or_else(|| self.noted(StorageError::Missing { what: "listed record" }))?;
        Ok(Some((key, bytes)))
    }

    fn genesis_state_root(&self) -> Result<Hash32> {
        let bytes = self
            .db
            .get_cf(self.cf(keys::META), keys::META_GENESIS_STATE_ROOT)
            .map_err(|e| self.rocks(e))?;
        bytes
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            .map(Hash32)
            .ok_or_else(|| self.noted(StorageError::Missing { what: "genesis state root" }))
    }

    /// Marks a new store with the current schema and refuses a store of a schema this release
    /// cannot read; gives the version of a store of an earlier schema it brings up to this one
    /// ([`Self::upgrade`]).
    fn check_schema(&self) -> Result<Option<u32>> {
        let family = self.cf(keys::META);
        let Some(found) = self.db.get_cf(family, keys::META_SCHEMA)? else {
            self.db.put_cf(family, keys::META_SCHEMA, keys::SCHEMA_VERSION.to_be_bytes())?;
            return Ok(None);
        };
        match <[u8; 4]>::try_from(found.as_slice()).map(u32::from_be_bytes) {
            Ok(keys::SCHEMA_VERSION) => Ok(None),
            Ok(
                old @ (keys::SCHEMA_VERSION_NODES_BY_HASH
                | keys::SCHEMA_VERSION_NO_AGGREGATES
                | keys::SCHEMA_VERSION_UNPRUNED
                | keys::SCHEMA_VERSION_SIDED_ORG_ENTRIES
                | keys::SCHEMA_VERSION_TIMED_PER_TERM
                | keys::SCHEMA_VERSION_INDEX_IN_BLOCK),
            ) => Ok(Some(old)),
            _ => Err(StorageError::UnsupportedSchema { found, supported: keys::SCHEMA_VERSION }),
        }
    }

    /// Brings a store of schema `old` up to the current one: a store of schema 4 has its state
    /// tree moved from nodes by hash to nodes by block (`migrate.rs`), and every store of a
    /// schema before 6 has its index rewritten with its aggregates and side terms
    /// (`aggregates.rs`); schema 8 only allows pruned slots in state chunks, which a store of
    /// schema 6 has none of; every store of a schema before 9 has the org listing entries of
    /// its kinds between two orgs deleted (ADR 0044), and every store of a schema before 10 the
    /// timed entries of every term but the kind terms and the answer terms (ADR 0045), in the
    /// batch that writes the new mark (a store of schema 10 has none left: only its mark
    /// changes). Each step can be redone after a crash; the mark of the current schema is
    /// written last, and only then is the family of nodes by hash dropped
    /// ([`Self::drop_nodes_by_hash`]).
    fn upgrade(&mut self, old: u32) -> Result<()> {
        if old == keys::SCHEMA_VERSION_NODES_BY_HASH {
            self.move_state_tree(None)?;
        }
        if old < keys::SCHEMA_VERSION_UNPRUNED {
            self.rebuild_index()?;
        }
        let mut batch = rocksdb::WriteBatch::default();
        let index = self.cf(keys::RECORD_INDEX);
        for kind in RecordKind::ALL.into_iter().filter(|kind| index::has_sides(*kind)) {
            let kind = kind as u8;
            batch.delete_range_cf(index, [kind, b'o'], [kind, b'o' + 1]);
        }
        for (from, to) in crate::aggregates::timed_ranges_without_use() {
            batch.delete_range_cf(index, from, to);
        }
        let version = keys::SCHEMA_VERSION.to_be_bytes();
        batch.put_cf(self.cf(keys::META), keys::META_SCHEMA, version);
        let mut options = WriteOptions::default();
        options.set_sync(true);
        self.db.write_opt(batch, &options)?;
        tracing::info!(from = old, to = keys::SCHEMA_VERSION, "upgraded the store");
        Ok(())
    }

    /// Drops the family of state nodes by hash a store of an earlier schema held, once its tree
    /// has been moved and the current schema marked (a crash before the drop leaves it for the
    /// next open).
    fn drop_nodes_by_hash(&mut self) -> Result<()> {
        if self.db.cf_handle(keys::STATE_NODES_BY_HASH).is_some() {
            self.db.drop_cf(keys::STATE_NODES_BY_HASH)?;
            tracing::info!("dropped the state nodes stored by hash");
        }
        Ok(())
    }

    fn check_tip(&self, tip: &Tip, verify: VerifyOnOpen) -> Result<()> {
        let mismatch =
            |detail: String| StorageError::StateRootMismatch { height: tip.height, detail };
        if tip.height.0 > 0 {
            let header =
                self.header(tip.height)?.ok_or(StorageError::Missing { what: "tip header" })?;
            if header.hash_in(self.suite) != tip.block_hash || header.state_root != tip.state_root {
                return Err(mismatch("the tip record disagrees with the tip header".into()));
            }
        } else if self.genesis_state_root()? != tip.state_root {
            return Err(mismatch("the tip record disagrees with the genesis state root".into()));
        }
        match verify {
            VerifyOnOpen::Root if tip.state_root != Hash32::ZERO => {
                let at = self
                    .root_node_at(&tip.state_root)
                    .map_err(|e| mismatch(e.to_string()))?
                    .ok_or_else(|| {
                    mismatch("the root is not in the state_roots family".into())
                })?;
                // A node that does not rehash to the root is reported as absent (`state.rs`).
                self.stored_node(at, &tip.state_root)
                    .map_err(|e| mismatch(e.to_string()))?
                    .ok_or_else(|| {
                        mismatch(format!(
                            "the root node at {at:?} is missing or rehashes to another hash"
                        ))
                    })?;
            }
            VerifyOnOpen::Root => {}
            VerifyOnOpen::Full => {
                onebook_state::verify_tree_in(self.suite, self, tip.state_root)
                    .map_err(|e| mismatch(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// The history frontier of the tip, read from the stored subtrees, checked against the tip:
    /// the header at the tip must carry the root of the leaves below it.
    fn check_history(&self, tip: &Tip) -> Result<History> {
        let mismatch = |detail: String| StorageError::InvalidBlock { height: tip.height, detail };
        let below = History::from_nodes(tip.height.0, self)?;
        if tip.height.0 > 0 {
            let header =
                self.header(tip.height)?.ok_or(StorageError::Missing { what: "tip header" })?;
            if header.history_root != below.root_in(self.suite) {
                return Err(mismatch(format!(
                    "the stored history tree's root {} is not the tip header's {}",
                    below.root_in(self.suite),
                    header.history_root
                )));
            }
        }
        let history = History::from_nodes(tip.height.0 + 1, self)?;
        let mut rebuilt = below;
        rebuilt.push_in(self.suite, &tip.block_hash);
        if rebuilt != history {
            return Err(mismatch("the stored history tree does not end in the tip's hash".into()));
        }
        Ok(history)
    }

    /// Adds the perfect subtrees of the history tree `created` to `batch`.
    pub(crate) fn put_history<'s>(&'s self, batch: &mut Batch<'s>, created: Vec<Subtree>) {
        for subtree in created {
            let key = keys::subtree(subtree.level, subtree.index);
            batch.put_cf(self.cf(keys::HISTORY_TREE), key, subtree.hash.as_bytes());
        }
    }

    pub(crate) fn load<T: BorshDeserialize>(
        &self,
        family: &str,
        key: &[u8],
        what: &'static str,
    ) -> Result<Option<T>> {
        self.load_with(family, key, what, |bytes| codec::decode(bytes, BLOCK_BYTES_MAX))
    }

    fn load_with<T>(
        &self,
        family: &str,
        key: &[u8],
        what: &'static str,
        decode: impl FnOnce(&[u8]) -> std::result::Result<T, codec::DecodeError>,
    ) -> Result<Option<T>> {
        match self.db.get_pinned_cf(self.cf(family), key).map_err(|e| self.rocks(e))? {
            None => Ok(None),
            Some(bytes) => decode(&bytes)
                .map(Some)
                .map_err(|source| self.noted(StorageError::Corrupt { what, source })),
        }
    }

    /// A RocksDB read error, counted as damage if its checksums refused the data.
    pub(crate) fn rocks(&self, error: rocksdb::Error) -> StorageError {
        self.noted(StorageError::Rocks(error))
    }

    /// Records `tip` as the last committed block (`committed.rs`).
    pub(crate) fn save_mark(&self, tip: &Tip) -> Result<()> {
        let mark = Mark { height: tip.height, block_hash: tip.block_hash };
        match &self.mark {
            Some(file) => file.lock().unwrap_or_else(std::sync::PoisonError::into_inner).save(mark),
            None => Ok(()),
        }
    }

    /// Writes one key, synced as a block is.
    pub(crate) fn write_one(&self, family: &str, key: &[u8], value: &[u8]) -> Result<()> {
        let mut batch = Batch::default();
        batch.put_cf(self.cf(family), key, value);
        self.write(batch)
    }

    pub(crate) fn write(&self, batch: Batch<'_>) -> Result<()> {
        let mut options = WriteOptions::default();
        options.set_sync(self.sync_writes);
        self.db.write_opt(batch.into_write_batch(), &options)?;
        Ok(())
    }

    /// Writes `batch` without waiting for the WAL to reach the disk, whatever
    /// [`StoreConfig::sync_writes`] says: for work that is redone after a crash.
    pub(crate) fn write_unsynced(&self, batch: Batch<'_>) -> Result<()> {
        let mut options = WriteOptions::default();
        options.set_sync(false);
        self.db.write_opt(batch.into_write_batch(), &options)?;
        Ok(())
    }

    /// Writes a block's index batch ([`Self::index_batch`]), with a synced WAL if `sync`: a
    /// commit does not wait for it (the next block's synced write carries it to the disk), a
    /// rebuild after a crash does.
    fn write_index(&self, batch: rocksdb::WriteBatch, sync: bool) -> Result<()> {
        #[cfg(test)]
        if self.lose_index.swap(false, Ordering::SeqCst) {
            return Err(StorageError::Missing { what: "index batch (lost by a test)" });
        }
        let mut options = WriteOptions::default();
        options.set_sync(sync);
        self.db.write_opt(batch, &options).map_err(|e| self.rocks(e))
    }

    /// Writes `batch` with a synced WAL, whatever [`StoreConfig::sync_writes`] says: for marks
    /// that must not be lost once later work relies on them.
    pub(crate) fn write_synced(&self, batch: Batch<'_>) -> Result<()> {
        let mut options = WriteOptions::default();
        options.set_sync(true);
        self.db.write_opt(batch.into_write_batch(), &options)?;
        Ok(())
    }

    pub(crate) fn cf(&self, name: &str) -> &rocksdb::ColumnFamily {
        self.db.cf_handle(name).expect("every column family is created on open")
    }

    pub(crate) fn tip_slot(&self) -> MutexGuard<'_, Option<Tip>> {
        self.tip.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn history_slot(&self) -> MutexGuard<'_, History> {
        self.history.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The stored perfect subtrees of the history tree, for its proofs.
impl HistoryNodes for Store {
    type Error = StorageError;

    fn perfect(&self, level: u8, index: u64) -> Result<Hash32> {
        let key = keys::subtree(level, index);
        let Some(bytes) = self.db.get_pinned_cf(self.cf(keys::HISTORY_TREE), key)? else {
            // A store started from a snapshot holds only the subtrees a proof about a block at
            // or above its base needs.
            let first = index.checked_shl(u32::from(level)).unwrap_or(u64::MAX);
            let base = self.base();
            if first < base.0 {
                return Err(StorageError::BelowBase { height: Height(first), base });
            }
            return Err(StorageError::Missing { what: "history subtree" });
        };
        <[u8; 32]>::try_from(bytes.as_ref())
            .map(Hash32)
            .map_err(|_| StorageError::Missing { what: "history subtree of 32 bytes" })
    }
}

/// Refuses a store at `path` that holds less than the block `mark` records, or another block at
/// its height. The store is opened read-only for this, so a damaged write-ahead log is left as
/// it was found, for the operator to examine.
fn check_against_mark(path: &std::path::Path, suite: Suite, mark: Mark) -> Result<()> {
    let mark_path = path.join(committed::MARK_FILE);
    let behind = |store: Option<Height>| StorageError::BehindCommitted {
        store,
        committed: mark.height,
        mark: mark_path.clone(),
    };
    let options = Options::default();
    if !path.join("CURRENT").exists() {
        return Err(behind(None));
    }
    let families = DB::list_cf(&options, path)?;
    if ![keys::META, keys::HEADERS].iter().all(|name| families.iter().any(|f| f == name)) {
        return Err(behind(None));
    }
    let db = DB::open_cf_for_read_only(&options, path, [keys::META, keys::HEADERS], false)?;
    let family = |name| db.cf_handle(name).expect("the family was listed and opened");
    let tip = match db.get_cf(family(keys::META), keys::META_TIP)? {
        Some(bytes) => codec::decode::<Tip>(&bytes, BLOCK_BYTES_MAX)
            .map_err(|source| StorageError::Corrupt { what: "tip", source })?,
        None => return Err(behind(None)),
    };
    if tip.height < mark.height {
        return Err(behind(Some(tip.height)));
    }
    let stored = if tip.height == mark.height {
        tip.block_hash
    } else if mark.height.0 == 0 {
        let genesis = db.get_cf(family(keys::META), keys::META_GENESIS)?;
        genesis.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()).map_or(Hash32::ZERO, Hash32)
    } else {
        let header = db.get_cf(family(keys::HEADERS), keys::height(mark.height))?;
        let header =
            header.ok_or(StorageError::Missing { what: "header of the last committed block" })?;
        Header::decode(&header)
            .map_err(|source| StorageError::Corrupt { what: "header", source })?
            .hash_in(suite)
    };
    if stored != mark.block_hash {
        return Err(StorageError::OtherThanCommitted {
            height: mark.height,
            stored,
            committed: mark.block_hash,
            mark: mark_path,
        });
    }
    Ok(())
}

/// Checks `commit` against the tip and `staged`; `tx_hashes` are the hashes of its txs and
/// `receipt_bytes` the encodings of its receipts.
fn check_block(
    suite: Suite,
    tip: &Tip,
    history: &History,
    commit: &BlockCommit,
    tx_hashes: &[Hash32],
    receipt_bytes: &[Vec<u8>],
    staged: &StagedState,
) -> Result<()> {
    let header = &commit.block.header;
    let height = header.height;
    if height != tip.height.next() {
        return Err(StorageError::NotNext { got: height, tip: tip.height });
    }
    let invalid = |detail: &str| StorageError::InvalidBlock { height, detail: detail.to_owned() };
    if header.previous_hash != tip.block_hash {
        return Err(invalid("previous_hash is not the tip's hash"));
    }
    if header.history_root != history.root_in(suite) {
        return Err(invalid("history_root is not the root of the blocks before it"));
    }
    if commit.receipts.len() != commit.block.txs.len() {
        return Err(invalid("there is not one receipt per tx"));
    }
    if commit.touches.len() != commit.block.txs.len() {
        return Err(invalid("there is not one index entry per tx"));
    }
    if usize::try_from(header.tx_count).ok() != Some(commit.block.txs.len()) {
        return Err(invalid("tx_count does not match the txs"));
    }
    if block::tx_root_in(suite, tx_hashes) != header.tx_root {
        return Err(invalid("tx_root does not match the txs"));
    }
    // `block::receipts_root_in` over the bytes already encoded.
    let receipt_leaves: Vec<Hash32> =
        receipt_bytes.iter().map(|bytes| merkle::receipt_leaf_in(suite, bytes)).collect();
    if merkle::root_in(suite, &receipt_leaves) != header.receipts_root {
        return Err(invalid("receipts_root does not match the receipts"));
    }
    if staged.base_root != tip.state_root {
        return Err(invalid("the state was staged on another root than the tip's"));
    }
    if staged.root != header.state_root {
        return Err(invalid("state_root does not match the staged state"));
    }
    Ok(())
}

fn index_u32(index: usize) -> u32 {
    u32::try_from(index).expect("a block holds at most BLOCK_TXS_MAX txs")
}

/// The changes of `changes` to records of listed kinds.
fn indexed(changes: &[RecordChange]) -> Vec<&RecordChange> {
    changes.iter().filter(|change| RecordKind::of(&change.key).is_some()).collect()
}

/// The entries `prefix || id || height (u64 BE)` of one or more index prefixes, read together in
/// `id` order, as one listing: an org listing of a kind between two orgs reads its two side
/// terms (ADR 0044), every other listing one term.
pub(crate) struct MergedEntries<'a> {
    scans: Vec<(Vec<u8>, rocksdb::DBRawIterator<'a>)>,
    /// The fewest bytes an entry's id has.
    id_min: usize,
    /// Entries whose id is at or past this are not read.
    end: Option<Vec<u8>>,
}

impl<'a> MergedEntries<'a> {
    /// Reads the entries of each of `prefixes` in `record_index` from the key `start` gives for
    /// it, those with ids of at least `id_min` bytes below `end`.
    pub(crate) fn new(
        store: &'a Store,
        prefixes: Vec<Vec<u8>>,
        start: impl Fn(&[u8]) -> Vec<u8>,
        id_min: usize,
        end: Option<Vec<u8>>,
    ) -> Self {
        let scans = prefixes
            .into_iter()
            .map(|prefix| {
                let mut iter = store.db.raw_iterator_cf(store.cf(keys::RECORD_INDEX));
                iter.seek(start(&prefix));
                (prefix, iter)
            })
            .collect();
        Self { scans, id_min, end }
    }

    /// The id and height of the entry `iter` is at, if it is one of `prefix`'s to read.
    fn entry<'i>(
        prefix: &[u8],
        iter: &'i rocksdb::DBRawIterator<'_>,
        id_min: usize,
        end: Option<&[u8]>,
    ) -> Option<(&'i [u8], u64)> {
        let key = iter.key()?;
        let rest = key.strip_prefix(prefix)?;
        let split = rest.len().checked_sub(8).filter(|split| *split >= id_min)?;
        let (id, at) = rest.split_at(split);
        if end.is_some_and(|end| id >= end) {
            return None;
        }
        Some((id, u64::from_be_bytes(at.try_into().ok()?)))
    }

    /// The next id, and the value of its latest entry at or below `height` on a prefix where
    /// that entry marks presence (`None` if on every prefix the record did not hold the term
    /// then).
    pub(crate) fn next(&mut self, height: Height) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        let (id_min, end) = (self.id_min, self.end.as_deref());
        let id = self
            .scans
            .iter()
            .filter_map(|(prefix, iter)| Self::entry(prefix, iter, id_min, end))
            .map(|(id, _)| id)
            .min()?
            .to_vec();
        let mut present = None;
        for (prefix, iter) in &mut self.scans {
            let mut latest: Option<Vec<u8>> = None;
            while let Some((found, at)) = Self::entry(prefix, iter, id_min, end) {
                if found != id.as_slice() {
                    break;
                }
                if at <= height.0 {
                    latest = iter.value().map(<[u8]>::to_vec);
                }
                iter.next();
            }
            if let Some(value) = latest.filter(|value| value.first() == Some(&1)) {
                present = Some(value);
            }
        }
        Some((id, present))
    }

    /// Whether every scan ended without an error.
    pub(crate) fn status(&self) -> std::result::Result<(), rocksdb::Error> {
        self.scans.iter().try_for_each(|(_, iter)| iter.status())
    }
}

#[cfg(test)]
mod tests {
    use onebook_types::ids::Nonce;

    use super::*;

    fn records(count: u64) -> Vec<RecordChange> {
        (0..count)
            .map(|n| RecordChange {
                key: RecordKey::Sequence(format!("s{n}")),
                value: Some(codec::encode(&Nonce(n))),
            })
            .collect()
    }

    fn open(dir: &tempfile::TempDir, node_cache_nodes: usize) -> Store {
        let mut config = StoreConfig::new(dir.path());
        config.node_cache_nodes = node_cache_nodes;
        Store::open(&config).expect("opens")
    }

    #[test]
    fn staging_twice_reads_the_tree_from_the_node_cache_the_second_time() {
        let dir = tempfile::tempdir().expect("dir");
        drop(open(&dir, NODE_CACHE_NODES_DEFAULT).init_genesis(Hash32([1; 32]), records(50)));
        // Reopened, with the genesis tree on disk only.
        let store = open(&dir, NODE_CACHE_NODES_DEFAULT);
        let changes = records(60).split_off(40);

        let first = store.stage(changes.clone()).expect("staged");
        let after_first = store.node_cache_stats();
        let second = store.stage(changes).expect("staged");
        let after_second = store.node_cache_stats();

        assert_eq!(first.root, second.root);
        assert!(after_first.misses > 0, "{after_first:?}");
        assert_eq!(after_second.misses, after_first.misses, "{after_second:?}");
        assert!(after_second.hits > after_first.hits, "{after_second:?}");
        assert_eq!(after_second.capacity, NODE_CACHE_NODES_DEFAULT as u64);
    }

    /// Writes `mib` MiB into the store in 64 KiB batches spread over five column families, as
    /// blocks spread their writes.
    fn write_mib(store: &Store, mib: u64) {
        let families =
            [keys::TXS, keys::RECEIPTS, keys::STATE_CHUNKS, keys::RECORDS, keys::HISTORY];
        for n in 0..mib * 16 {
            let mut batch = Batch::default();
            for i in 0..64u64 {
                let family = families[usize::try_from(i).expect("small") % families.len()];
                let key = [n.to_be_bytes(), i.to_be_bytes()].concat();
                batch.put_cf(store.cf(family), key, [u8::try_from(n % 251).expect("small"); 1024]);
            }
            store.write(batch).expect("writes");
        }
    }

    /// The store's memtables after RocksDB's flushes have settled (they run in the background).
    fn settled_memtables(store: &Store) -> u64 {
        store.db.wait_for_compact(&rocksdb::WaitForCompactOptions::default()).expect("settles");
        store.memory().expect("memory").memtables
    }

    /// The store's memtables once its flushes have caught up and a write to each of the five
    /// families written by [`write_mib`] has had the chance to flush one more, stopping as soon
    /// as they are within 24 MiB.
    fn nudged(store: &Store) -> u64 {
        let families =
            [keys::TXS, keys::RECEIPTS, keys::STATE_CHUNKS, keys::RECORDS, keys::HISTORY];
        let mut held = settled_memtables(store);
        for family in families {
            if held <= 24 * 1024 * 1024 {
                break;
            }
            let mut batch = Batch::default();
            batch.put_cf(store.cf(family), u64::MAX.to_be_bytes(), [0u8; 16]);
            store.write(batch).expect("writes");
            held = settled_memtables(store);
        }
        held
    }

    #[test]
    fn memtables_stay_within_their_bound_and_grow_past_it_without_one() {
        const MIB: usize = 1024 * 1024;
        let (bounded_dir, unbounded_dir) =
            (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
        let open = |dir: &tempfile::TempDir, memtable_bytes: usize| {
            let mut config = StoreConfig::new(dir.path());
            config.sync_writes = false;
            config.memtable_bytes = memtable_bytes;
            Store::open(&config).expect("opens")
        };
        // An empty store's memtables already take about 5 MiB (an arena per column family), so
        // the bound is well above that.
        let bounded = open(&bounded_dir, 16 * MIB);
        let unbounded = open(&unbounded_dir, 1024 * MIB);

        // 64 MiB written: four times the bound, and under each family's own 64 MiB buffer.
        write_mib(&bounded, 64);
        write_mib(&unbounded, 64);

        // RocksDB checks the bound as a write starts and then flushes one family, passing over
        // a family whose flush is still pending or running: while flushes lag behind the writes
        // (a loaded machine) the total can stand far above the bound (32 MiB has been seen).
        // Once they have caught up, each write flushes one more family until the total is back
        // under it, so at most one write per family is needed. Half the bound again is the slack
        // allowed for the arenas and the last write; without a bound the total stays 64 MiB.
        let (held, without) = (nudged(&bounded), nudged(&unbounded));
        assert!(
            held <= 24 * MIB as u64,
            "{held} bytes of memtables over a 16 MiB bound and its slack"
        );
        assert!(held > 0, "the memtables hold the writes since the last flush");
        assert!(without >= 64 * MIB as u64, "{without} bytes: the test writes too little");
        // Every write is still there after the flushes.
        let key = [5u64.to_be_bytes(), 2u64.to_be_bytes()].concat();
        let value = bounded.db.get_cf(bounded.cf(keys::STATE_CHUNKS), key).expect("reads");
        assert_eq!(value, Some(vec![5u8; 1024]));
    }

    #[test]
    fn a_store_without_a_node_cache_stages_the_same_root() {
        let (cached_dir, bare_dir) =
            (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
        let cached = open(&cached_dir, NODE_CACHE_NODES_DEFAULT);
        let bare = open(&bare_dir, 0);
        for store in [&cached, &bare] {
            store.init_genesis(Hash32([1; 32]), records(50)).expect("genesis");
        }
        let changes = records(60).split_off(40);

        let with_cache = cached.stage(changes.clone()).expect("staged");
        let without = bare.stage(changes).expect("staged");

        assert_eq!(with_cache.root, without.root);
        assert_eq!(with_cache.root_ref, without.root_ref);
        assert_eq!(with_cache.chunks, without.chunks);
        assert_eq!(bare.node_cache_stats().nodes, 0);
        assert_eq!(bare.node_cache_stats().hits, 0);
    }
}
