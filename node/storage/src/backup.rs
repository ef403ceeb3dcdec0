//! Backups of a store, taken beside a running node, and their checked restore.
//!
//! **Taking one.** [`backup`] opens the node's database as a RocksDB *secondary instance*: a
//! second process's read-only view, caught up with the primary's manifest and write-ahead log
//! as of one moment, which the node's later writes do not move. Each block is one write batch,
//! so that moment falls between two blocks, or between a block and its index batch (ADR 0046):
//! then the backup holds the block's `index_pending` mark, and the restored store writes that
//! index when it opens. With every table file held open
//! (`max_open_files = -1`), files the node compacts away meanwhile stay readable. The backup
//! copies every column family of that view into sorted table files (SST, written with RocksDB's
//! `SstFileWriter`) and writes an [`ArchiveManifest`] naming the height, block hash and state
//! root it holds, a proof bundle that certifies that block from the genesis (its validator-set
//! changes, header and commit certificate), and each file's size and BLAKE3 hash. Everything is
//! written into a hidden sibling directory, the manifest last, synced, and renamed into place,
//! so an interrupted backup leaves no directory under the asked name, only a `.partial` one
//! that either has no manifest, which restore refuses, or (killed between the last sync and the
//! rename) is complete. ADR 0014 gives the reasons.
//!
//! **Restoring one.** [`restore`] trusts nothing in the backup: it checks the manifest's proof
//! bundle against the operator's own genesis (the certificate against the validator set in
//! force), each file against its size and hash, then ingests the files into a new database
//! beside the target, reopens it rehashing the whole state tree, and checks that the tip is the
//! certified block, that the headers chain from the genesis to it with the tx lists their roots
//! commit to, and that the state root recomputed from the latest version of every record equals
//! the certified one. Only then is the new database renamed into place. A flipped byte anywhere
//! is refused with the check it broke ([`BackupError`]).
//!
//! The manifest ([`ArchiveManifest`], `docs/formats.md` "Store archives") has a scope, so a
//! state snapshot for a joining node can reuse the format, the certificate check and the
//! recomputed root with fewer column families.

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
};

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_state::MemNodeStore;
use onebook_types::suite::Suite;
use onebook_types::{
    block, codec,
    hash::Hash32,
    ids::{ChainId, Height},
    record::RecordKey,
};
use onebook_verifier::{ProofBundle, TrustedGenesis};
use rocksdb::{ColumnFamilyDescriptor, DB, Options, SstFileWriter};

use crate::{Store, StoreConfig, Tip, VerifyOnOpen, keys, proofs};

/// The four bytes a manifest starts with: ASCII `OBAR` ("Onebook archive").
pub const ARCHIVE_MAGIC: [u8; 4] = *b"OBAR";
/// The manifest layout this build writes and reads.
pub const ARCHIVE_VERSION: u16 = 1;
/// The manifest's file name inside an archive directory.
pub const MANIFEST_FILE: &str = "manifest";
/// The largest manifest read: the proof bundle plus a file list.
pub const MANIFEST_BYTES_MAX: usize = 8 * 1024 * 1024;
/// Raw key and value bytes after which a column family continues in a new table file.
pub const CHUNK_BYTES: u64 = 256 * 1024 * 1024;

/// What an archive holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ArchiveScope {
    /// Every column family of the store: a backup.
    Store,
    /// The records of one height, its block and receipts, in one snapshot file
    /// (`snapshot.rs`): what a joining node starts from.
    State,
}

/// One table file of an archive.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ArchiveFile {
    /// Its name inside the archive directory (`<family>-<n>.sst`).
    pub name: String,
    /// The column family it belongs to.
    pub family: String,
    /// The keys it holds.
    pub keys: u64,
    /// Its size in bytes.
    pub bytes: u64,
    /// The BLAKE3 hash of its bytes (untagged: a file checksum, not a ledger hash).
    pub blake3: Hash32,
}

/// The manifest of an archive: what it holds and how to check it. Encoded with borsh.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ArchiveManifest {
    /// Always [`ARCHIVE_MAGIC`].
    pub magic: [u8; 4],
    /// Always [`ARCHIVE_VERSION`].
    pub version: u16,
    /// What the files hold.
    pub scope: ArchiveScope,
    /// The store schema version the files were written under.
    pub schema_version: u32,
    /// The chain.
    pub chain_id: ChainId,
    /// The genesis the store was initialised with.
    pub genesis_hash: Hash32,
    /// The last block held.
    pub height: Height,
    /// Its header hash.
    pub block_hash: Hash32,
    /// The state root after it.
    pub state_root: Hash32,
    /// When the archive was taken, in ms since the Unix epoch (information only).
    pub created_ms: u64,
    /// A proof bundle (`onebook-verifier`, borsh) certifying the block at `height` from the
    /// genesis: validator-set changes, header, commit certificate, and the validator-set record.
    pub anchor: Vec<u8>,
    /// The table files, grouped by column family in the store's order, each family's in key
    /// order.
    pub files: Vec<ArchiveFile>,
}

impl ArchiveManifest {
    /// The manifest file's bytes: `borsh(self)` followed by the BLAKE3 hash of those bytes, so
    /// that any damaged byte, even of a field restore does not otherwise check, is refused.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = codec::encode(self);
        let checksum = *blake3::hash(&bytes).as_bytes();
        bytes.extend_from_slice(&checksum);
        bytes
    }

    /// Reads a manifest file's bytes, checking the size, magic, version and checksum first.
    pub fn decode(bytes: &[u8]) -> Result<Self, BackupError> {
        let bad = |detail: String| BackupError::Manifest { detail };
        if bytes.len() > MANIFEST_BYTES_MAX {
            return Err(bad(format!(
                "it is {} bytes; the limit is {MANIFEST_BYTES_MAX}",
                bytes.len()
            )));
        }
        if bytes.get(..4) != Some(ARCHIVE_MAGIC.as_slice()) {
            return Err(bad("it does not start with OBAR".into()));
        }
        let version = u16::from_le_bytes([
            bytes.get(4).copied().unwrap_or(0),
            bytes.get(5).copied().unwrap_or(0),
        ]);
        if version != ARCHIVE_VERSION {
            return Err(bad(format!("version {version} is not {ARCHIVE_VERSION}")));
        }
        let Some(split) = bytes.len().checked_sub(32) else {
            return Err(bad("it is too short".into()));
        };
        let (body, checksum) = bytes.split_at(split);
        if blake3::hash(body).as_bytes() != checksum {
            return Err(bad(
                "its checksum does not match its bytes: the manifest is damaged".into()
            ));
        }
        codec::decode(body, MANIFEST_BYTES_MAX).map_err(|e| bad(format!("it does not decode: {e}")))
    }
}

/// Why a backup could not be taken or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// RocksDB failed.
    #[error("rocksdb: {0}")]
    Rocks(#[from] rocksdb::Error),
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] crate::StorageError),
    /// The target already exists, or is not empty.
    #[error("{path} already exists{hint}")]
    Exists {
        /// The path.
        path: PathBuf,
        /// What to do.
        hint: &'static str,
    },
    /// The store holds nothing to back up.
    #[error(
        "the store holds only the genesis state, which `onebook init` recreates; nothing to back up"
    )]
    NothingCommitted,
    /// The manifest is missing or malformed.
    #[error("backup manifest refused: {detail}")]
    Manifest {
        /// What is wrong.
        detail: String,
    },
    /// The proof bundle does not certify the backed-up block from the genesis.
    #[error("backup certificate refused: {detail}")]
    Certificate {
        /// What is wrong.
        detail: String,
    },
    /// A file of the backup is missing or differs from the manifest.
    #[error("backup file {name} refused: {detail}")]
    File {
        /// The file.
        name: String,
        /// What differs.
        detail: String,
    },
    /// The restored store does not hold what the certified block commits to.
    #[error("restored store refused: {detail}")]
    Content {
        /// What differs.
        detail: String,
    },
}

/// Result of backup operations.
pub type BackupResult<T> = Result<T, BackupError>;

/// Where a long operation reports how far it is.
pub trait Progress {
    /// A new stage of `total` units (0 if unknown) begins.
    fn stage(&mut self, name: &'static str, total: u64);
    /// `units` more are done.
    fn advance(&mut self, units: u64);
}

/// Reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&mut self, _name: &'static str, _total: u64) {}
    fn advance(&mut self, _units: u64) {}
}

/// Takes a backup of the database at `primary` (whose node may be running) into the new
/// directory `out`, and returns its manifest. `created_ms` is recorded as the time taken.
pub fn backup(
    primary: &Path,
    suite: Suite,
    out: &Path,
    created_ms: u64,
    progress: &mut dyn Progress,
) -> BackupResult<ArchiveManifest> {
    if out.exists() {
        return Err(BackupError::Exists { path: out.to_owned(), hint: "; choose a new directory" });
    }
    let partial = sibling(out, "partial");
    clear_leftover(&partial, "backup")?;
    fs::create_dir_all(&partial).map_err(io_at(&partial))?;
    let manifest = match write_backup(primary, suite, &partial, created_ms, progress) {
        Ok(manifest) => manifest,
        Err(error) => {
            let _ = fs::remove_dir_all(&partial);
            return Err(error);
        }
    };
    fs::rename(&partial, out).map_err(io_at(out))?;
    sync_dir(parent(out))?;
    Ok(manifest)
}

/// Writes the files and then the manifest of a backup of `primary` into `partial`, synced.
fn write_backup(
    primary: &Path,
    suite: Suite,
    partial: &Path,
    created_ms: u64,
    progress: &mut dyn Progress,
) -> BackupResult<ArchiveManifest> {
    let scratch = partial.join(".secondary");
    let manifest = {
        let store = open_secondary(primary, &scratch, suite)?;
        let tip = store.tip()?;
        if tip.height.0 == 0 {
            return Err(BackupError::NothingCommitted);
        }
        let anchor = proofs::bundle_for_record(&store, &RecordKey::ValidatorSet, tip.height)?;
        if anchor.header.hash_in(suite) != tip.block_hash {
            return Err(BackupError::Content {
                detail: "the tip's header does not hash to the tip's block hash".into(),
            });
        }
        let genesis_hash =
            store.genesis_hash()?.ok_or(crate::StorageError::Missing { what: "genesis hash" })?;
        let files = copy_families(&store, partial, progress)?;
        ArchiveManifest {
            magic: ARCHIVE_MAGIC,
            version: ARCHIVE_VERSION,
            scope: ArchiveScope::Store,
            schema_version: keys::SCHEMA_VERSION,
            chain_id: anchor.header.chain_id.clone(),
            genesis_hash,
            height: tip.height,
            block_hash: tip.block_hash,
            state_root: tip.state_root,
            created_ms,
            anchor: anchor.encode(),
            files,
        }
    };
    fs::remove_dir_all(&scratch).map_err(io_at(&scratch))?;
    // The manifest appears whole or not at all: a backup killed while writing it leaves no
    // manifest (not a complete backup), never a torn one.
    let writing = partial.join(format!(".{MANIFEST_FILE}.partial"));
    write_synced(&writing, &manifest.encode())?;
    let path = partial.join(MANIFEST_FILE);
    fs::rename(&writing, &path).map_err(io_at(&path))?;
    sync_dir(partial)?;
    Ok(manifest)
}

/// Reads the manifest of the archive directory `archive` and checks it against `genesis`: the
/// proof bundle must certify the block the manifest names. Checks no file.
pub fn check_manifest(archive: &Path, genesis: &TrustedGenesis) -> BackupResult<ArchiveManifest> {
    let path = archive.join(MANIFEST_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(BackupError::Manifest {
                detail: format!(
                    "{} has no {MANIFEST_FILE}: it is not a complete backup",
                    archive.display()
                ),
            });
        }
        Err(source) => return Err(BackupError::Io { path, source }),
    };
    let manifest = ArchiveManifest::decode(&bytes)?;
    if manifest.scope != ArchiveScope::Store {
        return Err(BackupError::Manifest {
            detail: "it is a state snapshot, not a backup; start a node from it with \
                     `onebook start --from-snapshot`"
                .into(),
        });
    }
    if manifest.schema_version != keys::SCHEMA_VERSION {
        return Err(BackupError::Manifest {
            detail: format!(
                "store schema {} is not this release's {}; restore it with the release that \
                 wrote it",
                manifest.schema_version,
                keys::SCHEMA_VERSION
            ),
        });
    }
    check_certified(&manifest, genesis).map_err(|detail| BackupError::Certificate { detail })?;
    Ok(manifest)
}

/// Checks that `manifest`'s proof bundle certifies, from `genesis`, the block, state root and
/// chain the manifest names; the decoded bundle, or why not.
pub(crate) fn check_certified(
    manifest: &ArchiveManifest,
    genesis: &TrustedGenesis,
) -> Result<ProofBundle, String> {
    if manifest.genesis_hash != genesis.genesis_hash {
        return Err(format!(
            "it is of genesis {}, this home's genesis is {}",
            manifest.genesis_hash, genesis.genesis_hash
        ));
    }
    let anchor = onebook_verifier::decode(&manifest.anchor)
        .map_err(|source| format!("the manifest's proof bundle does not decode: {source}"))?;
    // The archived height is usually above the newest witnessed checkpoint, so its bundle is
    // unanchored: the block is certified by its validators' signatures, as a syncing node
    // trusts them, and the restored node is checked against its peers when it joins.
    let options = onebook_verifier::VerifyOptions { allow_unanchored: true, ..Default::default() };
    let verdict = onebook_verifier::verify_bundle_with(&anchor, genesis, &options)
        .map_err(|e| format!("the proof bundle does not verify: {e}"))?;
    if verdict.height != manifest.height || verdict.block_hash != manifest.block_hash {
        return Err(format!(
            "the certified block is {} at height {}, the manifest names {} at height {}",
            verdict.block_hash, verdict.height, manifest.block_hash, manifest.height
        ));
    }
    if anchor.header.state_root != manifest.state_root {
        return Err(format!(
            "the certified state root is {}, the manifest names {}",
            anchor.header.state_root, manifest.state_root
        ));
    }
    if manifest.chain_id != genesis.chain_id {
        return Err(format!("the manifest names chain {}", manifest.chain_id));
    }
    Ok(anchor)
}

/// Checks every file of `archive` against `manifest`: present, of its size and hash.
pub fn check_files(
    archive: &Path,
    manifest: &ArchiveManifest,
    progress: &mut dyn Progress,
) -> BackupResult<()> {
    progress.stage("checking files", manifest.files.iter().map(|file| file.bytes).sum());
    for file in &manifest.files {
        let refuse = |detail: String| BackupError::File { name: file.name.clone(), detail };
        let plain_name = !file.name.is_empty()
            && !file.name.starts_with('.')
            && file.name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !plain_name || !keys::COLUMN_FAMILIES.contains(&file.family.as_str()) {
            return Err(refuse("the manifest names it or its column family wrongly".into()));
        }
        let path = archive.join(&file.name);
        let size = fs::metadata(&path)
            .map_err(|e| refuse(format!("the manifest lists it, but it cannot be read: {e}")))?
            .len();
        if size != file.bytes {
            return Err(refuse(format!("it is {size} bytes, the manifest says {}", file.bytes)));
        }
        let hash = hash_file(&path, progress)?;
        if hash != file.blake3 {
            return Err(refuse(format!(
                "its BLAKE3 hash is {hash}, the manifest says {}: the file is damaged",
                file.blake3
            )));
        }
    }
    Ok(())
}

/// Restores the archive `archive` into the database directory `config.path`, which must not
/// exist or be empty, after checking everything against `genesis` (see the module docs).
pub fn restore(
    archive: &Path,
    config: &StoreConfig,
    genesis: &TrustedGenesis,
    progress: &mut dyn Progress,
) -> BackupResult<ArchiveManifest> {
    let target = &config.path;
    if target.exists() && fs::read_dir(target).map_err(io_at(target))?.next().is_some() {
        return Err(BackupError::Exists {
            path: target.clone(),
            hint: " and is not empty; restore only into an empty data directory",
        });
    }
    let manifest = check_manifest(archive, genesis)?;
    check_files(archive, &manifest, progress)?;
    let building = sibling(target, "restoring");
    clear_leftover(&building, "restore")?;
    let building_config =
        StoreConfig { path: building.clone(), suite: genesis.suite, ..config.clone() };
    if let Err(error) = build_restored(archive, &building_config, &manifest, progress) {
        let _ = fs::remove_dir_all(&building);
        return Err(error);
    }
    if target.exists() {
        fs::remove_dir(target).map_err(io_at(target))?;
    }
    fs::rename(&building, target).map_err(io_at(target))?;
    sync_dir(parent(target))?;
    Ok(manifest)
}

/// Ingests the files of `archive` into a new database at `config.path`, then reopens it and
/// checks its content against `manifest`.
fn build_restored(
    archive: &Path,
    config: &StoreConfig,
    manifest: &ArchiveManifest,
    progress: &mut dyn Progress,
) -> BackupResult<()> {
    {
        let store = Store::open(config)?;
        progress.stage("ingesting", manifest.files.len() as u64);
        for family in keys::COLUMN_FAMILIES {
            let paths: Vec<PathBuf> = manifest
                .files
                .iter()
                .filter(|file| file.family == family)
                .map(|file| archive.join(&file.name))
                .collect();
            if paths.is_empty() {
                continue;
            }
            let count = paths.len() as u64;
            store.db().ingest_external_file_cf(store.cf(family), paths)?;
            progress.advance(count);
        }
    }
    let store = Store::open(&StoreConfig { verify_on_open: VerifyOnOpen::Full, ..config.clone() })
        .map_err(|e| BackupError::Content { detail: e.to_string() })?;
    check_content(&store, manifest, progress)?;
    drop(store);
    sync_dir(&config.path)
}

/// Checks that `store` holds the block `manifest` certifies, its history and its state.
fn check_content(
    store: &Store,
    manifest: &ArchiveManifest,
    progress: &mut dyn Progress,
) -> BackupResult<()> {
    let refuse = |detail: String| BackupError::Content { detail };
    let expected = Tip {
        height: manifest.height,
        block_hash: manifest.block_hash,
        state_root: manifest.state_root,
    };
    let tip = store.tip()?;
    if tip != expected {
        return Err(refuse(format!("its tip is {tip:?}, the certified block is {expected:?}")));
    }
    if store.genesis_hash()? != Some(manifest.genesis_hash) {
        return Err(refuse("it was initialised with another genesis".into()));
    }
    progress.stage("checking blocks", manifest.height.0);
    let mut previous = manifest.genesis_hash;
    for height in 1..=manifest.height.0 {
        let height = Height(height);
        let header =
            store.header(height)?.ok_or_else(|| refuse(format!("block {height} is missing")))?;
        if header.height != height || header.previous_hash != previous {
            return Err(refuse(format!("block {height} does not follow block {}", height.0 - 1)));
        }
        let hashes = store
            .block_tx_hashes(height)?
            .ok_or_else(|| refuse(format!("the tx list of block {height} is missing")))?;
        if block::tx_root_in(store.suite(), &hashes) != header.tx_root {
            return Err(refuse(format!("the txs of block {height} do not hash to its tx root")));
        }
        for hash in &hashes {
            match store.tx(hash)? {
                Some((location, tx))
                    if location.height == height && tx.hash_in(store.suite()) == *hash => {}
                _ => {
                    return Err(refuse(format!(
                        "tx {hash} of block {height} is missing or damaged"
                    )));
                }
            }
        }
        previous = header.hash_in(store.suite());
        progress.advance(1);
    }
    if previous != manifest.block_hash {
        return Err(refuse("the headers do not chain to the certified block".into()));
    }
    let root = recompute_state_root(store, manifest.height)?;
    if root != manifest.state_root {
        return Err(refuse(format!(
            "the records rehash to state root {root}, the certified block commits to {}",
            manifest.state_root
        )));
    }
    Ok(())
}

/// The state root of the latest version at or below `height` of every stored record, computed
/// from the records alone in a fresh tree.
pub fn recompute_state_root(store: &Store, height: Height) -> BackupResult<Hash32> {
    let mut leaves = Vec::new();
    crate::snapshot::for_each_record(store, height, &mut NoProgress, |key, value| {
        let suite = store.suite();
        let value_hash = onebook_state::value_hash_in(suite, &value);
        leaves.push((onebook_state::key_hash_in(suite, key), Some(value_hash)));
        Ok(())
    })
    .map_err(|error| match error {
        crate::snapshot::SnapshotError::Storage(error) => BackupError::Storage(error),
        other => BackupError::Content { detail: other.to_string() },
    })?;
    Ok(onebook_state::apply_updates_in(store.suite(), &MemNodeStore::new(), Hash32::ZERO, leaves)
        .root)
}

/// Opens the database at `primary` as a secondary instance whose own files go to `scratch`.
pub(crate) fn open_secondary(primary: &Path, scratch: &Path, suite: Suite) -> BackupResult<Store> {
    if !primary.join("CURRENT").exists() {
        return Err(BackupError::Io {
            path: primary.to_owned(),
            source: io::Error::new(io::ErrorKind::NotFound, "no database here"),
        });
    }
    let mut options = Options::default();
    // Every table file stays open, so one the node deletes after a compaction stays readable.
    options.set_max_open_files(-1);
    let families = keys::COLUMN_FAMILIES
        .iter()
        .map(|name| ColumnFamilyDescriptor::new(*name, Options::default()));
    let db = DB::open_cf_descriptors_as_secondary(&options, primary, scratch, families)?;
    let schema =
        db.get_cf(db.cf_handle(keys::META).expect("opened with every family"), keys::META_SCHEMA)?;
    if schema.as_deref() != Some(keys::SCHEMA_VERSION.to_be_bytes().as_slice()) {
        return Err(BackupError::Storage(crate::StorageError::UnsupportedSchema {
            found: schema.unwrap_or_default(),
            supported: keys::SCHEMA_VERSION,
        }));
    }
    Ok(Store::from_db(db, VerifyOnOpen::Root, suite)?)
}

/// Copies every column family of `store` into table files in `dir`.
fn copy_families(
    store: &Store,
    dir: &Path,
    progress: &mut dyn Progress,
) -> BackupResult<Vec<ArchiveFile>> {
    let db = store.db();
    let estimate: u64 = keys::COLUMN_FAMILIES
        .iter()
        .filter_map(|family| {
            db.property_int_value_cf(store.cf(family), "rocksdb.estimate-num-keys").ok().flatten()
        })
        .sum();
    progress.stage("copying", estimate);
    let mut options = Options::default();
    options.set_compression_type(rocksdb::DBCompressionType::Lz4);
    let mut files = Vec::new();
    for family in keys::COLUMN_FAMILIES {
        let mut iter = db.raw_iterator_cf(store.cf(family));
        iter.seek_to_first();
        let mut open: Option<(SstFileWriter<'_>, ArchiveFile)> = None;
        let mut raw_bytes = 0u64;
        while let (Some(key), Some(value)) = (iter.key(), iter.value()) {
            if open.is_none() {
                let name = format!(
                    "{family}-{:04}.sst",
                    files.iter().filter(|f: &&ArchiveFile| f.family == family).count()
                );
                let writer = SstFileWriter::create(&options);
                writer.open(dir.join(&name))?;
                let file = ArchiveFile {
                    name,
                    family: family.to_owned(),
                    keys: 0,
                    bytes: 0,
                    blake3: Hash32::ZERO,
                };
                open = Some((writer, file));
                raw_bytes = 0;
            }
            let (writer, file) = open.as_mut().expect("opened above");
            writer.put(key, value)?;
            file.keys += 1;
            raw_bytes += (key.len() + value.len()) as u64;
            progress.advance(1);
            iter.next();
            if raw_bytes >= CHUNK_BYTES {
                let (writer, file) = open.take().expect("opened above");
                files.push(finish_file(writer, file, dir)?);
            }
        }
        iter.status()?;
        if let Some((writer, file)) = open.take() {
            files.push(finish_file(writer, file, dir)?);
        }
    }
    Ok(files)
}

fn finish_file(
    mut writer: SstFileWriter<'_>,
    mut file: ArchiveFile,
    dir: &Path,
) -> BackupResult<ArchiveFile> {
    writer.finish()?;
    let path = dir.join(&file.name);
    let handle = fs::File::open(&path).map_err(io_at(&path))?;
    handle.sync_all().map_err(io_at(&path))?;
    file.bytes = handle.metadata().map_err(io_at(&path))?.len();
    file.blake3 = hash_file(&path, &mut NoProgress)?;
    Ok(file)
}

fn hash_file(path: &Path, progress: &mut dyn Progress) -> BackupResult<Hash32> {
    let mut file = fs::File::open(path).map_err(io_at(path))?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let read = file.read(&mut buffer).map_err(io_at(path))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        progress.advance(read as u64);
    }
    Ok(Hash32(*hasher.finalize().as_bytes()))
}

pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> BackupResult<()> {
    let mut file = fs::File::create(path).map_err(io_at(path))?;
    file.write_all(bytes).map_err(io_at(path))?;
    file.sync_all().map_err(io_at(path))
}

pub(crate) fn sync_dir(path: &Path) -> BackupResult<()> {
    fs::File::open(path).and_then(|dir| dir.sync_all()).map_err(io_at(path))
}

/// Removes what an interrupted `what` left at `path`, if anything.
pub(crate) fn clear_leftover(path: &Path, what: &str) -> BackupResult<()> {
    if path.exists() {
        tracing::warn!(path = %path.display(), "removing what an interrupted {what} left");
        fs::remove_dir_all(path).map_err(io_at(path))?;
    }
    Ok(())
}

/// `.<name>.<suffix>` beside `path`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    parent(path).join(format!(".{name}.{suffix}"))
}

pub(crate) fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

pub(crate) fn io_at(path: &Path) -> impl Fn(io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.to_owned(), source }
}

#[cfg(test)]
mod tests {
    use onebook_types::ids::OrgId;

    use super::*;
    use crate::RecordChange;

    fn genesis_store(dir: &Path) -> Store {
        let store = Store::open(&StoreConfig::new(dir)).expect("open");
        let records = (0..50u8)
            .map(|n| RecordChange {
                key: RecordKey::Org(OrgId::from(format!("org-{n}").as_str())),
                value: Some(vec![n; 40]),
            })
            .collect();
        store.init_genesis(Hash32([3; 32]), records).expect("genesis");
        store
    }

    #[test]
    fn the_state_root_recomputed_from_the_records_is_the_tree_root() {
        let dir = tempfile::tempdir().expect("dir");
        let store = genesis_store(dir.path());

        let root = recompute_state_root(&store, Height(0)).expect("root");

        assert_eq!(root, store.tip().expect("tip").state_root);
    }

    /// A record value rewritten behind the state tree's back (as a backup rewritten with fresh
    /// file hashes would hold) no longer rehashes to the certified root.
    #[test]
    fn a_record_changed_behind_the_tree_changes_the_recomputed_root() {
        let dir = tempfile::tempdir().expect("dir");
        let store = genesis_store(dir.path());
        let key = RecordKey::Org(OrgId::from("org-7"));
        let stored_key = keys::with_suffix(&key.encode(), &keys::height(Height(0)));

        store
            .db()
            .put_cf(store.cf(keys::RECORDS), stored_key, codec::encode(&Some(vec![8u8; 40])))
            .expect("put");
        let root = recompute_state_root(&store, Height(0)).expect("root");

        assert_ne!(root, store.tip().expect("tip").state_root);
    }

    #[test]
    fn a_manifest_round_trips_and_refuses_other_magic_and_versions() {
        let manifest = ArchiveManifest {
            magic: ARCHIVE_MAGIC,
            version: ARCHIVE_VERSION,
            scope: ArchiveScope::Store,
            schema_version: keys::SCHEMA_VERSION,
            chain_id: ChainId::from("onebook-dev-1"),
            genesis_hash: Hash32([1; 32]),
            height: Height(5),
            block_hash: Hash32([2; 32]),
            state_root: Hash32([3; 32]),
            created_ms: 7,
            anchor: vec![1, 2, 3],
            files: vec![ArchiveFile {
                name: "meta-0000.sst".into(),
                family: "meta".into(),
                keys: 4,
                bytes: 1000,
                blake3: Hash32([4; 32]),
            }],
        };
        let bytes = manifest.encode();

        assert_eq!(ArchiveManifest::decode(&bytes).expect("decodes"), manifest);
        assert_eq!(&bytes[..6], b"OBAR\x01\x00");
        let mut other = bytes.clone();
        other[4] = 2;
        assert!(ArchiveManifest::decode(&other).is_err());
        assert!(ArchiveManifest::decode(b"OBPB\x01\x00").is_err());
        let mut longer = bytes;
        longer.push(0);
        assert!(ArchiveManifest::decode(&longer).is_err(), "trailing bytes are refused");
    }
}
