//! State snapshots: one certified height of the ledger in one file, from which a new node starts
//! without replaying every block since the genesis.
//!
//! **What one holds.** A snapshot is a stream of frames (`docs/formats.md` "State snapshots"):
//! an [`ArchiveManifest`] of scope [`ArchiveScope::State`], whose proof bundle certifies the block
//! at its height from the genesis (the validator-set changes since genesis, the header and its
//! commit certificate); that block; what the store needs of the history below it
//! ([`SnapshotHistory`]: the history tree's frontier and the witness-set changes); the block's
//! receipts; then every record of the state after it,
//! as (key, value) pairs in key order; then the record count and a BLAKE3 checksum of every byte
//! before it. It holds records, not the store's column families or state-tree nodes, so it does
//! not depend on how a store lays its tree out: the reader rebuilds the tree.
//!
//! **Writing one** ([`write_snapshot`]) reads the latest version at or below the height of every
//! record. Record versions are never rewritten, so this works on a running node's store (a
//! secondary instance, as for backups, or the node's own store behind `GET /v1/snapshot`) while
//! blocks keep being committed above that height.
//!
//! **Starting from one** ([`restore_snapshot`]) trusts nothing in it: it checks the manifest's
//! proof bundle against the operator's own genesis before it reads any record, checks the block
//! against the certified header (its tx root, tx count and receipts root), the history frontier
//! against its `history_root`, the records' order and encoding, the count and the checksum,
//! then rebuilds the state tree from the records in a new database beside the data directory
//! and refuses the snapshot unless the tree's root is the certified state root and its
//! witness-set changes walk from the genesis witness set to the checkpoint policy among its
//! records. Only then does it write the block, its certificate and the tip, and
//! rename the database into place. The store then starts at that height ([`Store::base`]): it
//! holds that block and everything after it, which the node fetches from its peers by block sync.
//!
//! **Not carried: cosignatures.** Witnesses' cosignatures (the `cosignatures` family) are kept
//! off-chain by each node for the checkpoints its witnesses sent; a snapshot carries only those
//! of the witness-set changes at or below its height (in [`SnapshotHistory`]), which every later
//! anchoring needs. A store started from one knows the checkpoints above its base and anchors
//! bundles at those its witnesses cosign from then on (a witness sends its cosignatures to every
//! node it is told of).

use std::{
    fs,
    io::{self, Read, Write},
    path::Path,
};

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_types::suite::Suite;
use onebook_types::{
    block::{self, Block, Receipt},
    checkpoint::CheckpointPolicy,
    codec,
    hash::Hash32,
    history::History,
    ids::Height,
    limits::{RECEIPT_BYTES_MAX, RECORD_BYTES_MAX},
    record::RecordKey,
    tx::SignedTx,
};
use onebook_verifier::{SetChange, TrustedGenesis, WitnessChange};

use crate::{
    BlockCommit, RecordChange, Store, StoreConfig, Tip, TxLocation, TxTouch, VerifyOnOpen,
    backup::{
        self, ARCHIVE_MAGIC, ARCHIVE_VERSION, ArchiveManifest, ArchiveScope, BackupError,
        MANIFEST_BYTES_MAX, Progress,
    },
    batch::Batch,
    checkpoints,
    error::StorageError,
    keys, proofs,
};

/// The largest frame of a snapshot: a whole block fits one (8 MiB), and so do 256 receipts of
/// the largest size.
pub const SNAPSHOT_FRAME_BYTES_MAX: usize = 16 * 1024 * 1024;
/// The size at which a writer closes a frame of records or receipts and opens the next.
const FRAME_BYTES_TARGET: usize = 1024 * 1024;
/// The schema version a snapshot's manifest carries: a snapshot holds records, not store files.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 0;

/// One frame of a snapshot after its manifest.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum SnapshotFrame {
    /// The block at the snapshot's height (exactly one, first; boxed in memory only: borsh
    /// encodes a box as what it holds).
    Block(Box<Block>),
    /// The next receipts of that block, in order (as many frames as needed, none for an empty
    /// block).
    Receipts(Vec<Receipt>),
    /// The next records of the state after that block, in key order.
    Records(Vec<SnapshotRecord>),
    /// What the snapshot carries of the history below its block (exactly one, right after the
    /// block).
    History(SnapshotHistory),
}

/// What a store started from a snapshot keeps of the history below it, since it holds no block
/// below its base: the frontier of the history tree, so that it computes the next header's
/// `history_root` and proves ancestry and consistency above its base, and the witness-set
/// changes, so that the bundles it anchors walk the witness sets from the genesis.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SnapshotHistory {
    /// The peaks of the history tree of the `height` leaves before the block (the genesis hash
    /// and blocks 1 to `height - 1`), largest first: they fold to the block's `history_root`.
    pub peaks: Vec<Hash32>,
    /// Every witness-set change at a checkpoint at or below the block, oldest first, each
    /// cosigned by the set before it.
    pub witness_changes: Vec<WitnessChange>,
}

/// One record of the state.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SnapshotRecord {
    /// `borsh(RecordKey)`.
    pub key: Vec<u8>,
    /// The record's value bytes.
    pub value: Vec<u8>,
}

/// Why a snapshot could not be written or started from.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The snapshot could not be read or written.
    #[error("snapshot {what}: {source}")]
    Io {
        /// What was being read or written.
        what: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// RocksDB failed.
    #[error("rocksdb: {0}")]
    Rocks(#[from] rocksdb::Error),
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A backup-side step failed (the target exists, a leftover could not be removed).
    #[error(transparent)]
    Archive(#[from] BackupError),
    /// The height asked is not one the store can write.
    #[error("no snapshot at height {height}: {reason}")]
    Height {
        /// The height asked.
        height: Height,
        /// Why not.
        reason: String,
    },
    /// The manifest or the frames are malformed.
    #[error("snapshot refused: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// The proof bundle does not certify the snapshot's block from the genesis.
    #[error("snapshot certificate refused: {detail}")]
    Certificate {
        /// What is wrong.
        detail: String,
    },
    /// The block or the records do not match what the certified header commits to.
    #[error("snapshot content refused: {detail}")]
    Content {
        /// What differs.
        detail: String,
    },
}

/// Result of snapshot operations.
pub type SnapshotResult<T> = Result<T, SnapshotError>;

/// Writes a snapshot of `store` at `height` (its tip if `None`) to `out`, and returns its
/// manifest. `created_ms` is recorded as the time taken.
pub fn write_snapshot(
    store: &Store,
    height: Option<Height>,
    out: &mut dyn Write,
    created_ms: u64,
    progress: &mut dyn Progress,
) -> SnapshotResult<ArchiveManifest> {
    let tip = store.tip()?;
    let height = height.unwrap_or(tip.height);
    let refuse = |reason: String| SnapshotError::Height { height, reason };
    if height.0 == 0 {
        return Err(refuse("the genesis state is the genesis file itself".into()));
    }
    if height > tip.height || height < store.base() {
        return Err(refuse(format!(
            "this store holds heights {} to {}",
            store.base().0.max(1),
            tip.height.0
        )));
    }
    let anchor = proofs::bundle_for_record(store, &RecordKey::ValidatorSet, height)?;
    let block = store.block(height)?.ok_or(StorageError::Missing { what: "block" })?;
    let mut receipts = Vec::with_capacity(block.txs.len());
    for index in 0..block.txs.len() {
        let location = TxLocation { height, index: u32::try_from(index).unwrap_or(u32::MAX) };
        receipts.push(store.receipt(location)?.ok_or(StorageError::Missing { what: "receipt" })?);
    }
    let manifest = ArchiveManifest {
        magic: ARCHIVE_MAGIC,
        version: ARCHIVE_VERSION,
        scope: ArchiveScope::State,
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        chain_id: anchor.header.chain_id.clone(),
        genesis_hash: store.genesis_hash()?.ok_or(StorageError::Missing { what: "genesis" })?,
        height,
        block_hash: anchor.header.hash_in(store.suite()),
        state_root: anchor.header.state_root,
        created_ms,
        anchor: anchor.encode(),
        files: Vec::new(),
    };
    let mut out = HashingWriter { inner: out, hasher: blake3::Hasher::new() };
    out.frame(&manifest.encode())?;
    out.frame(&codec::encode(&SnapshotFrame::Block(Box::new(block))))?;
    let history = SnapshotHistory {
        peaks: History::from_nodes(height.0, store)?.peaks().to_vec(),
        witness_changes: checkpoints::witness_changes(store, height.next())?,
    };
    out.frame(&codec::encode(&SnapshotFrame::History(history)))?;
    for chunk in chunks(receipts, |receipt| codec::encode(receipt).len()) {
        out.frame(&codec::encode(&SnapshotFrame::Receipts(chunk)))?;
    }
    let versions = store
        .db()
        .property_int_value_cf(store.cf(keys::RECORDS), "rocksdb.estimate-num-keys")?
        .unwrap_or(0);
    progress.stage("writing records", versions);
    let mut count = 0u64;
    let mut pending: Vec<SnapshotRecord> = Vec::new();
    let mut pending_bytes = 0;
    for_each_record(store, height, progress, |key, value| {
        pending_bytes += key.len() + value.len() + 8;
        pending.push(SnapshotRecord { key: key.to_vec(), value });
        count += 1;
        if pending_bytes >= FRAME_BYTES_TARGET {
            out.frame(&codec::encode(&SnapshotFrame::Records(std::mem::take(&mut pending))))?;
            pending_bytes = 0;
        }
        Ok(())
    })?;
    if !pending.is_empty() {
        out.frame(&codec::encode(&SnapshotFrame::Records(pending)))?;
    }
    out.write(&0u32.to_le_bytes())?;
    out.write(&count.to_le_bytes())?;
    let checksum = out.hasher.finalize();
    out.inner.write_all(checksum.as_bytes()).map_err(write_error)?;
    out.inner.flush().map_err(write_error)?;
    Ok(manifest)
}

/// Writes a snapshot of the database at `data` (whose node may be running: it is read as a
/// secondary instance, as a backup is) of a chain of `suite` into the new file `out`, through a hidden file beside it
/// that is renamed into place only when complete.
pub fn write_snapshot_file(
    data: &Path,
    suite: Suite,
    height: Option<Height>,
    out: &Path,
    created_ms: u64,
    progress: &mut dyn Progress,
) -> SnapshotResult<ArchiveManifest> {
    if out.exists() {
        return Err(
            BackupError::Exists { path: out.to_owned(), hint: "; choose a new file" }.into()
        );
    }
    let partial = backup::sibling(out, "partial");
    let scratch = backup::sibling(out, "secondary");
    backup::clear_leftover(&scratch, "snapshot")?;
    let written = (|| {
        let store = backup::open_secondary(data, &scratch, suite)?;
        let file = fs::File::create(&partial).map_err(backup::io_at(&partial))?;
        let mut writer = io::BufWriter::with_capacity(1024 * 1024, file);
        let manifest = write_snapshot(&store, height, &mut writer, created_ms, progress)?;
        let file = writer.into_inner().map_err(|error| write_error(error.into_error()))?;
        file.sync_all().map_err(write_error)?;
        Ok::<_, SnapshotError>(manifest)
    })();
    let _ = fs::remove_dir_all(&scratch);
    let manifest = match written {
        Ok(manifest) => manifest,
        Err(error) => {
            let _ = fs::remove_file(&partial);
            return Err(error);
        }
    };
    fs::rename(&partial, out).map_err(backup::io_at(out))?;
    backup::sync_dir(backup::parent(out))?;
    Ok(manifest)
}

/// Starts a store at `config.path`, which must not exist or be empty, from the snapshot read
/// from `input` (of `size_bytes` bytes, 0 if unknown), after checking it against `genesis` (see
/// the module docs). Nothing is left at `config.path` unless every check passed.
pub fn restore_snapshot(
    input: &mut dyn Read,
    size_bytes: u64,
    config: &StoreConfig,
    genesis: &TrustedGenesis,
    progress: &mut dyn Progress,
) -> SnapshotResult<ArchiveManifest> {
    let target = &config.path;
    if target.exists() && fs::read_dir(target).map_err(backup::io_at(target))?.next().is_some() {
        return Err(BackupError::Exists {
            path: target.clone(),
            hint: " and is not empty; a node starts from a snapshot only into an empty data \
                   directory",
        }
        .into());
    }
    let mut input = HashingReader { inner: input, hasher: blake3::Hasher::new(), bytes: 0 };
    let (manifest, anchor) = read_manifest(&mut input, genesis)?;
    progress.stage("reading snapshot", size_bytes);
    let read = read_body(&mut input, &manifest, genesis.suite, progress)?;
    let building = backup::sibling(target, "restoring");
    backup::clear_leftover(&building, "snapshot restore")?;
    let building_config =
        StoreConfig { path: building.clone(), suite: genesis.suite, ..config.clone() };
    let built = (|| {
        progress.stage("rebuilding the state tree", 0);
        let store = Store::open(&building_config)?;
        init_from_snapshot(&store, &manifest, anchor, read, genesis)?;
        drop(store);
        progress.stage("checking the state tree", 0);
        let store = Store::open(&StoreConfig {
            verify_on_open: VerifyOnOpen::Full,
            ..building_config.clone()
        })
        .map_err(|e| SnapshotError::Content { detail: e.to_string() })?;
        let tip = store.tip()?;
        if (tip.height, tip.block_hash, tip.state_root)
            != (manifest.height, manifest.block_hash, manifest.state_root)
        {
            return Err(SnapshotError::Content {
                detail: format!("the restored tip is {tip:?}, not the certified block"),
            });
        }
        drop(store);
        backup::sync_dir(&building)?;
        Ok::<_, SnapshotError>(())
    })();
    if let Err(error) = built {
        let _ = fs::remove_dir_all(&building);
        return Err(error);
    }
    if target.exists() {
        fs::remove_dir(target).map_err(backup::io_at(target))?;
    }
    fs::rename(&building, target).map_err(backup::io_at(target))?;
    backup::sync_dir(backup::parent(target))?;
    Ok(manifest)
}

/// Calls `visit` with the key bytes and the value of the latest version at or below `height` of
/// every record present then, in key order, advancing `progress` by one per stored version.
pub(crate) fn for_each_record(
    store: &Store,
    height: Height,
    progress: &mut dyn Progress,
    mut visit: impl FnMut(&[u8], Vec<u8>) -> SnapshotResult<()>,
) -> SnapshotResult<()> {
    let corrupt = |detail: &str| SnapshotError::Content { detail: detail.to_owned() };
    let mut current: Option<(Vec<u8>, Option<Vec<u8>>)> = None;
    let mut iter = store.db().raw_iterator_cf(store.cf(keys::RECORDS));
    iter.seek_to_first();
    while let (Some(stored_key), Some(stored_value)) = (iter.key(), iter.value()) {
        let split = stored_key
            .len()
            .checked_sub(8)
            .ok_or_else(|| corrupt("a record key is shorter than its height"))?;
        let (key, at) = stored_key.split_at(split);
        let at = Height(u64::from_be_bytes(at.try_into().expect("8 bytes split off")));
        if current.as_ref().is_none_or(|(current_key, _)| current_key.as_slice() != key) {
            if let Some((key, Some(value))) = current.take() {
                visit(&key, value)?;
            }
            if RecordKey::decode(key).is_err() {
                return Err(corrupt("a stored record key does not decode"));
            }
            current = Some((key.to_vec(), None));
        }
        if at <= height {
            let value: Option<Vec<u8>> = codec::decode(stored_value, RECORD_BYTES_MAX + 8)
                .map_err(|e| corrupt(&format!("a stored record does not decode: {e}")))?;
            if let Some((_, latest)) = current.as_mut() {
                *latest = value;
            }
        }
        progress.advance(1);
        iter.next();
    }
    iter.status().map_err(StorageError::from)?;
    if let Some((key, Some(value))) = current.take() {
        visit(&key, value)?;
    }
    Ok(())
}

/// The validator-set changes below the store's base, from the snapshot it started from (none
/// for a store that began at the genesis).
pub(crate) fn base_set_changes(store: &Store) -> crate::Result<Vec<SetChange>> {
    base_changes(store, keys::META_BASE_SET_CHANGES, MANIFEST_BYTES_MAX, "base set changes")
}

/// The witness-set changes at or below the store's base, from the snapshot it started from
/// (none for a store that began at the genesis).
pub(crate) fn base_witness_changes(store: &Store) -> crate::Result<Vec<WitnessChange>> {
    let what = "base witness changes";
    base_changes(store, keys::META_BASE_WITNESS_CHANGES, SNAPSHOT_FRAME_BYTES_MAX, what)
}

/// The list kept under the `meta` key `key` by a snapshot restore; empty when absent.
fn base_changes<T: BorshDeserialize>(
    store: &Store,
    key: &[u8],
    bytes_max: usize,
    what: &'static str,
) -> crate::Result<Vec<T>> {
    match store.db().get_cf(store.cf(keys::META), key)? {
        None => Ok(Vec::new()),
        Some(bytes) => codec::decode(&bytes, bytes_max)
            .map_err(|source| StorageError::Corrupt { what, source }),
    }
}

/// What the frames after the manifest held, checked against the certified header.
struct SnapshotBody {
    block: Block,
    history: History,
    witness_changes: Vec<WitnessChange>,
    receipts: Vec<Receipt>,
    records: Vec<RecordChange>,
}

/// Reads and checks the manifest against `genesis`; the decoded proof bundle with it.
fn read_manifest(
    input: &mut HashingReader<'_>,
    genesis: &TrustedGenesis,
) -> SnapshotResult<(ArchiveManifest, onebook_verifier::ProofBundle)> {
    let bytes = input
        .frame(MANIFEST_BYTES_MAX)?
        .ok_or_else(|| malformed("it ends before its manifest".into()))?;
    let manifest = ArchiveManifest::decode(&bytes).map_err(|error| match error {
        BackupError::Manifest { detail } => malformed(format!("its manifest: {detail}")),
        other => malformed(other.to_string()),
    })?;
    if manifest.scope != ArchiveScope::State || !manifest.files.is_empty() {
        return Err(malformed(
            "it is a backup, not a state snapshot; restore it with `onebook restore`".into(),
        ));
    }
    if manifest.schema_version != SNAPSHOT_SCHEMA_VERSION {
        return Err(malformed(format!(
            "its manifest's schema version is {}, a snapshot's is {SNAPSHOT_SCHEMA_VERSION}",
            manifest.schema_version
        )));
    }
    let anchor = backup::check_certified(&manifest, genesis)
        .map_err(|detail| SnapshotError::Certificate { detail })?;
    Ok((manifest, anchor))
}

/// Reads the block, receipts and records frames and the end of a snapshot, checking each
/// against the certified header in `manifest`'s anchor and the checksum at the end.
fn read_body(
    input: &mut HashingReader<'_>,
    manifest: &ArchiveManifest,
    suite: Suite,
    progress: &mut dyn Progress,
) -> SnapshotResult<SnapshotBody> {
    let content = |detail: String| SnapshotError::Content { detail };
    let mut block: Option<Block> = None;
    let mut history: Option<SnapshotHistory> = None;
    let mut receipts: Vec<Receipt> = Vec::new();
    let mut records: Vec<RecordChange> = Vec::new();
    let mut last_key: Option<Vec<u8>> = None;
    let mut read_before = input.bytes;
    while let Some(bytes) = input.frame(SNAPSHOT_FRAME_BYTES_MAX)? {
        progress.advance(input.bytes - read_before);
        read_before = input.bytes;
        let frame: SnapshotFrame = codec::decode(&bytes, SNAPSHOT_FRAME_BYTES_MAX)
            .map_err(|e| malformed(format!("a frame does not decode: {e}")))?;
        match (frame, &block) {
            (SnapshotFrame::Block(found), None) => {
                check_block(suite, &found, manifest)?;
                block = Some(*found);
            }
            (SnapshotFrame::History(found_history), Some(_)) if history.is_none() => {
                history = Some(found_history);
            }
            (SnapshotFrame::Receipts(more), Some(found))
                if history.is_some()
                    && records.is_empty()
                    && receipts.len() + more.len() <= found.txs.len() =>
            {
                if more.iter().any(|receipt| codec::encode(receipt).len() > RECEIPT_BYTES_MAX) {
                    return Err(malformed("a receipt is larger than a receipt may be".into()));
                }
                receipts.extend(more);
            }
            (SnapshotFrame::Records(more), Some(found))
                if history.is_some() && receipts.len() == found.txs.len() =>
            {
                for record in more {
                    records.push(check_record(record, &mut last_key)?);
                }
            }
            _ => {
                return Err(malformed(
                    "its frames are out of order: one block, its history, its receipts, then \
                     records"
                        .into(),
                ));
            }
        }
    }
    let block = block.ok_or_else(|| malformed("it holds no block".into()))?;
    let history = history.ok_or_else(|| malformed("it holds no history frame".into()))?;
    let peaks = history.peaks.len();
    let frontier = History::from_peaks(manifest.height.0, history.peaks).ok_or_else(|| {
        malformed(format!(
            "its history frame holds {peaks} peaks, a tree of {} leaves has {}",
            manifest.height,
            manifest.height.0.count_ones()
        ))
    })?;
    if frontier.root_in(suite) != block.header.history_root {
        return Err(content(format!(
            "its history peaks fold to {}, the certified header carries history root {}",
            frontier.root_in(suite),
            block.header.history_root
        )));
    }
    if receipts.len() != block.txs.len() {
        return Err(malformed(format!(
            "it holds {} receipts for {} txs",
            receipts.len(),
            block.txs.len()
        )));
    }
    if block::receipts_root_in(suite, &receipts) != block.header.receipts_root {
        return Err(content("the receipts do not hash to the certified receipts root".into()));
    }
    let mut count = [0u8; 8];
    input.read_exact(&mut count)?;
    let expected = input.hasher.finalize();
    let mut checksum = [0u8; 32];
    input.inner.read_exact(&mut checksum).map_err(read_error)?;
    if u64::from_le_bytes(count) != records.len() as u64 {
        return Err(malformed(format!(
            "it holds {} records, its end says {}",
            records.len(),
            u64::from_le_bytes(count)
        )));
    }
    if checksum != *expected.as_bytes() {
        return Err(malformed(
            "its checksum does not match its bytes: the snapshot is damaged".into(),
        ));
    }
    if input.inner.read(&mut [0u8; 1]).map_err(read_error)? != 0 {
        return Err(malformed("it has bytes after its checksum".into()));
    }
    Ok(SnapshotBody {
        block,
        history: frontier,
        witness_changes: history.witness_changes,
        receipts,
        records,
    })
}

/// Checks the snapshot's witness-set changes from the genesis witness set, as a bundle's are,
/// and that they end in the witness set of `policy`, the checkpoint policy among its records.
fn check_witnesses(
    changes: &[WitnessChange],
    policy: Option<&[u8]>,
    genesis: &TrustedGenesis,
    height: Height,
) -> SnapshotResult<()> {
    let content = |detail: String| SnapshotError::Content { detail };
    let walked = onebook_verifier::witnesses_after(changes, genesis, height.next())
        .map_err(|e| content(format!("its witness-set changes do not verify: {e}")))?;
    let policy = policy.ok_or_else(|| content("its records hold no checkpoint policy".into()))?;
    let policy: CheckpointPolicy = codec::decode(policy, RECORD_BYTES_MAX)
        .map_err(|e| content(format!("its checkpoint policy does not decode: {e}")))?;
    if policy.witnesses != walked {
        return Err(content(
            "its witness-set changes do not end in the witness set of its checkpoint policy".into(),
        ));
    }
    Ok(())
}

/// Checks the snapshot's block against the certified header.
fn check_block(suite: Suite, block: &Block, manifest: &ArchiveManifest) -> SnapshotResult<()> {
    let content = |detail: String| SnapshotError::Content { detail };
    let hash = block.header.hash_in(suite);
    if hash != manifest.block_hash {
        return Err(content(format!(
            "its block hashes to {hash}, the certified block is {}",
            manifest.block_hash
        )));
    }
    let hashes: Vec<Hash32> = block.txs.iter().map(|tx| tx.hash_in(suite)).collect();
    if usize::try_from(block.header.tx_count).ok() != Some(hashes.len())
        || block::tx_root_in(suite, &hashes) != block.header.tx_root
    {
        return Err(content("the block's txs do not hash to the certified tx root".into()));
    }
    Ok(())
}

/// Checks one record: its key is a record key in its canonical encoding, after the one before
/// it; its value is within the record limit.
fn check_record(
    record: SnapshotRecord,
    last_key: &mut Option<Vec<u8>>,
) -> SnapshotResult<RecordChange> {
    let key = RecordKey::decode(&record.key)
        .map_err(|e| malformed(format!("a record key does not decode: {e}")))?;
    if key.encode() != record.key {
        return Err(malformed("a record key is not in its canonical encoding".into()));
    }
    if last_key.as_ref().is_some_and(|last| *last >= record.key) {
        return Err(malformed("its records are not in strictly increasing key order".into()));
    }
    if record.value.len() > RECORD_BYTES_MAX {
        return Err(malformed(format!("the record {key:?} is larger than a record may be")));
    }
    *last_key = Some(record.key);
    Ok(RecordChange { key, value: Some(record.value) })
}

/// Writes what a snapshot holds into the empty `store`: the state tree rebuilt from the records,
/// refused unless its root is the certified one and its witness-set changes walk from
/// `genesis` to its checkpoint policy, the records and their index entries, the block with its
/// receipts and certificate, the history frontier, and the tip and base, in one synced batch.
fn init_from_snapshot(
    store: &Store,
    manifest: &ArchiveManifest,
    anchor: onebook_verifier::ProofBundle,
    body: SnapshotBody,
    genesis: &TrustedGenesis,
) -> SnapshotResult<()> {
    if store.genesis_hash()?.is_some() {
        return Err(SnapshotError::Content { detail: "the new database is not empty".into() });
    }
    let height = manifest.height;
    let policy = body
        .records
        .iter()
        .find(|change| change.key == RecordKey::CheckpointPolicy)
        .and_then(|change| change.value.clone());
    let staged = store.stage_on(Hash32::ZERO, body.records);
    if staged.root != manifest.state_root {
        return Err(SnapshotError::Content {
            detail: format!(
                "the records rehash to state root {}, the certified block commits to {}",
                staged.root, manifest.state_root
            ),
        });
    }
    check_witnesses(&body.witness_changes, policy.as_deref(), genesis, height)?;
    let mut batch = Batch::default();
    store.put_state(&mut batch, height, &staged);
    // The new store is empty: every record is new at the base, its creation time unknown.
    store.put_index(&mut batch, height, None, &staged.changes)?;
    let encoded: Vec<Vec<u8>> = body.block.txs.iter().map(SignedTx::encode).collect();
    let hashes: Vec<Hash32> = body.block.txs.iter().map(|tx| tx.hash_in(store.suite())).collect();
    let receipt_bytes: Vec<Vec<u8>> = body.receipts.iter().map(codec::encode).collect();
    let touches = vec![TxTouch::default(); hashes.len()];
    let commit = BlockCommit {
        block: body.block,
        receipts: body.receipts,
        certificate: Some(anchor.certificate),
        touches,
    };
    store.put_block(&mut batch, &commit, &encoded, &hashes, &receipt_bytes);
    let mut history = body.history;
    store.put_history(&mut batch, history.subtrees());
    store.put_history(&mut batch, history.push_in(store.suite(), &manifest.block_hash));
    let meta = store.cf(keys::META);
    batch.put_cf(meta, keys::META_GENESIS, manifest.genesis_hash.as_bytes());
    batch.put_cf(meta, keys::META_BASE_SET_CHANGES, codec::encode(&anchor.set_changes));
    batch.put_cf(meta, keys::META_BASE_WITNESS_CHANGES, codec::encode(&body.witness_changes));
    let tip = Tip { height, block_hash: manifest.block_hash, state_root: staged.root };
    batch.put_cf(meta, keys::META_TIP, codec::encode(&tip));
    store.put_base(&mut batch, height);
    store.write(batch)?;
    *store.tip_slot() = Some(tip);
    *store.history_slot() = history;
    store.cache_tree(height, staged);
    store.save_mark(&tip)?;
    tracing::info!(height = height.0, state_root = %tip.state_root, "started from a snapshot");
    Ok(())
}

/// Splits `items` into runs of about [`FRAME_BYTES_TARGET`] encoded bytes.
fn chunks<T>(items: Vec<T>, size: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0;
    for item in items {
        bytes += size(&item);
        current.push(item);
        if bytes >= FRAME_BYTES_TARGET {
            chunks.push(std::mem::take(&mut current));
            bytes = 0;
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn malformed(detail: String) -> SnapshotError {
    SnapshotError::Malformed { detail }
}

fn read_error(source: io::Error) -> SnapshotError {
    if source.kind() == io::ErrorKind::UnexpectedEof {
        return malformed("it ends early: the snapshot is incomplete".into());
    }
    SnapshotError::Io { what: "read".into(), source }
}

fn write_error(source: io::Error) -> SnapshotError {
    SnapshotError::Io { what: "write".into(), source }
}

/// A writer that hashes every byte it writes.
struct HashingWriter<'w> {
    inner: &'w mut dyn Write,
    hasher: blake3::Hasher,
}

impl HashingWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> SnapshotResult<()> {
        self.hasher.update(bytes);
        self.inner.write_all(bytes).map_err(write_error)
    }

    /// `u32 LE length || bytes`.
    fn frame(&mut self, bytes: &[u8]) -> SnapshotResult<()> {
        assert!(!bytes.is_empty(), "a frame is never empty: length 0 ends the frames");
        let length = u32::try_from(bytes.len()).expect("a frame is at most 16 MiB");
        self.write(&length.to_le_bytes())?;
        self.write(bytes)
    }
}

/// A reader that hashes and counts every byte it reads.
struct HashingReader<'r> {
    inner: &'r mut dyn Read,
    hasher: blake3::Hasher,
    bytes: u64,
}

impl HashingReader<'_> {
    fn read_exact(&mut self, buffer: &mut [u8]) -> SnapshotResult<()> {
        self.inner.read_exact(buffer).map_err(read_error)?;
        self.hasher.update(buffer);
        self.bytes += buffer.len() as u64;
        Ok(())
    }

    /// The next frame's bytes, at most `limit`; `None` at the length-0 end marker.
    fn frame(&mut self, limit: usize) -> SnapshotResult<Option<Vec<u8>>> {
        let mut length = [0u8; 4];
        self.read_exact(&mut length)?;
        let length = u32::from_le_bytes(length) as usize;
        if length == 0 {
            return Ok(None);
        }
        if length > limit {
            return Err(malformed(format!("a frame of {length} bytes is over the {limit} limit")));
        }
        let mut bytes = vec![0u8; length];
        self.read_exact(&mut bytes)?;
        Ok(Some(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onebook_types::ids::OrgId;

    /// The worked example of `docs/formats.md` section 23.
    #[test]
    fn the_frame_layout_is_fixed() {
        let record = SnapshotRecord {
            key: RecordKey::Org(OrgId::from("xm-hlq")).encode(),
            value: vec![1, 2, 3],
        };
        let mut bytes = Vec::new();
        let mut out = HashingWriter { inner: &mut bytes, hasher: blake3::Hasher::new() };
        out.frame(&codec::encode(&SnapshotFrame::Records(vec![record]))).unwrap();
        let expected = concat!(
            "1b000000",
            "02",
            "01000000",
            "0b000000",
            "02",
            "06000000",
            "786d2d686c71",
            "03000000",
            "010203"
        );
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hex, expected);

        let history = SnapshotHistory { peaks: vec![Hash32([0xab; 32])], witness_changes: vec![] };
        let mut bytes = Vec::new();
        let mut out = HashingWriter { inner: &mut bytes, hasher: blake3::Hasher::new() };
        out.frame(&codec::encode(&SnapshotFrame::History(history))).unwrap();
        // Length 41, variant 3, one peak, no witness-set change.
        let expected = ["29000000", "03", "01000000", &"ab".repeat(32), "00000000"].concat();
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hex, expected);
    }
}
