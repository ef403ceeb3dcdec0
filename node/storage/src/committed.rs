//! The record of the last committed block, kept outside RocksDB so that it survives damage to
//! RocksDB's write-ahead log.
//!
//! RocksDB recovers a WAL up to its first damaged or missing record and silently drops the
//! rest, so a truncated WAL would reopen the store at a lower height as if the later blocks had
//! never been committed. After every commit the store therefore writes the block's height and
//! hash to `ONEBOOK-COMMITTED` in the database directory, and on open it refuses a store whose
//! tip is below that record ([`StorageError::BehindCommitted`]).
//!
//! The record is written after the block's synced batch, so it never names a block the store
//! does not hold durably. It is synced to disk by the first commit that comes
//! [`MARK_SYNC_INTERVAL`] or more after the last sync, and on close, so a chain making many
//! blocks a second pays for one extra sync a second; after a power cut the record may lag the
//! store, never lead it. The file holds two slots, written in turn, each with a checksum: a
//! write torn by a power cut spoils one slot and the other still holds the block before. Byte
//! layout: `docs/formats.md` §21.

use std::{
    fs::File,
    io::ErrorKind,
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use onebook_types::{hash::Hash32, ids::Height};

use crate::error::{Result, StorageError};

/// The file name, in the database directory.
pub(crate) const MARK_FILE: &str = "ONEBOOK-COMMITTED";
/// The shortest time between two syncs of the record.
pub(crate) const MARK_SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// `b"OBCOMMIT"`: the first bytes of a slot.
const MAGIC: [u8; 8] = *b"OBCOMMIT";
/// The version of the slot layout.
const VERSION: u8 = 1;
/// Magic, version, height, block hash.
const BODY_BYTES: usize = 8 + 1 + 8 + 32;
/// The body and the first 16 bytes of its checksum.
const SLOT_BYTES: usize = BODY_BYTES + 16;
/// Where slot 1 starts: a sector away from slot 0, so one torn sector spoils one slot.
const SLOT_STRIDE: u64 = 512;
/// The key-derivation context of the checksum (BLAKE3 `derive_key` mode).
const CHECKSUM_CONTEXT: &str = "onebook 2026 committed mark v1";

/// The last block a store committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) height: Height,
    pub(crate) block_hash: Hash32,
}

/// The open record file.
#[derive(Debug)]
pub(crate) struct MarkFile {
    path: PathBuf,
    file: File,
    last: Option<Mark>,
    synced_at: Instant,
    dirty: bool,
}

impl MarkFile {
    /// Opens (creating if needed) the record in `dir`.
    pub(crate) fn open(dir: &Path) -> Result<Self> {
        let path = dir.join(MARK_FILE);
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| StorageError::MarkWrite { mark: path.clone(), source })?;
        let last = read_slots(&file, &path)?;
        Ok(Self { path, file, last, synced_at: Instant::now(), dirty: false })
    }

    /// Records `mark`, syncing the file if the last sync is older than [`MARK_SYNC_INTERVAL`].
    pub(crate) fn save(&mut self, mark: Mark) -> Result<()> {
        if self.last == Some(mark) {
            return Ok(());
        }
        let slot = mark.height.0 % 2;
        self.file
            .write_all_at(&encode(&mark), slot * SLOT_STRIDE)
            .map_err(|source| StorageError::MarkWrite { mark: self.path.clone(), source })?;
        self.last = Some(mark);
        self.dirty = true;
        if self.synced_at.elapsed() >= MARK_SYNC_INTERVAL {
            self.sync()?;
        }
        Ok(())
    }

    /// Syncs the file to disk if a record is waiting.
    pub(crate) fn sync(&mut self) -> Result<()> {
        if self.dirty {
            self.file
                .sync_data()
                .map_err(|source| StorageError::MarkWrite { mark: self.path.clone(), source })?;
            self.dirty = false;
        }
        self.synced_at = Instant::now();
        Ok(())
    }
}

impl Drop for MarkFile {
    fn drop(&mut self) {
        if let Err(error) = self.sync() {
            tracing::error!(%error, "the record of the last committed block was not synced");
        }
    }
}

/// The record in `dir`, without creating it; `None` if there is none.
pub(crate) fn read(dir: &Path) -> Result<Option<Mark>> {
    let path = dir.join(MARK_FILE);
    match File::open(&path) {
        Ok(file) => read_slots(&file, &path),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(StorageError::MarkUnreadable { mark: path, detail: error.to_string() }),
    }
}

/// The newer of the file's sound slots; `None` for an empty file.
fn read_slots(file: &File, path: &Path) -> Result<Option<Mark>> {
    let unreadable =
        |detail: String| StorageError::MarkUnreadable { mark: path.to_owned(), detail };
    let length = file.metadata().map_err(|error| unreadable(error.to_string()))?.len();
    if length == 0 {
        return Ok(None);
    }
    let mut marks = Vec::new();
    for slot in 0..2 {
        let mut bytes = [0u8; SLOT_BYTES];
        match file.read_exact_at(&mut bytes, slot * SLOT_STRIDE) {
            Ok(()) => marks.extend(decode(&bytes)),
            Err(error) if error.kind() == ErrorKind::UnexpectedEof => {}
            Err(error) => return Err(unreadable(error.to_string())),
        }
    }
    marks
        .into_iter()
        .max_by_key(|mark| mark.height)
        .map(Some)
        .ok_or_else(|| unreadable("neither of its two slots holds a sound record".to_owned()))
}

fn encode(mark: &Mark) -> [u8; SLOT_BYTES] {
    let mut bytes = [0u8; SLOT_BYTES];
    bytes[..8].copy_from_slice(&MAGIC);
    bytes[8] = VERSION;
    bytes[9..17].copy_from_slice(&mark.height.0.to_be_bytes());
    bytes[17..49].copy_from_slice(mark.block_hash.as_bytes());
    let checksum = checksum(&bytes[..BODY_BYTES]);
    bytes[BODY_BYTES..].copy_from_slice(&checksum);
    bytes
}

fn decode(bytes: &[u8; SLOT_BYTES]) -> Option<Mark> {
    let (body, checksum_bytes) = bytes.split_at(BODY_BYTES);
    if body[..8] != MAGIC || body[8] != VERSION || checksum(body) != checksum_bytes {
        return None;
    }
    let height = u64::from_be_bytes(body[9..17].try_into().ok()?);
    let block_hash = Hash32(body[17..49].try_into().ok()?);
    Some(Mark { height: Height(height), block_hash })
}

fn checksum(body: &[u8]) -> [u8; 16] {
    let hash = blake3::Hasher::new_derive_key(CHECKSUM_CONTEXT).update(body).finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&hash.as_bytes()[..16]);
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(height: u64) -> Mark {
        Mark { height: Height(height), block_hash: Hash32([height as u8; 32]) }
    }

    #[test]
    fn the_newest_record_is_read_back_after_a_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut file = MarkFile::open(dir.path()).expect("opens");

        let empty = read(dir.path()).expect("reads");
        for height in 1..=5 {
            file.save(mark(height)).expect("saves");
        }
        drop(file);

        assert_eq!(empty, None);
        assert_eq!(read(dir.path()).expect("reads"), Some(mark(5)));
        assert_eq!(MarkFile::open(dir.path()).expect("reopens").last, Some(mark(5)));
    }

    #[test]
    fn a_torn_slot_leaves_the_block_before() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut file = MarkFile::open(dir.path()).expect("opens");
        file.save(mark(6)).expect("saves");
        file.save(mark(7)).expect("saves");
        drop(file);

        let raw = File::options().write(true).open(dir.path().join(MARK_FILE)).expect("opens");
        raw.write_all_at(&[0xff; 4], SLOT_STRIDE + 20).expect("tears slot 1");

        assert_eq!(read(dir.path()).expect("reads"), Some(mark(6)));
    }

    #[test]
    fn a_record_with_no_sound_slot_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(MARK_FILE), [7u8; 600]).expect("writes");

        let error = read(dir.path()).expect_err("refused");

        assert!(matches!(error, StorageError::MarkUnreadable { .. }), "{error}");
        assert!(error.to_string().contains(MARK_FILE), "{error}");
    }

    #[test]
    fn the_layout_is_fixed() {
        // docs/formats.md §21 shows these bytes.
        let bytes = encode(&Mark { height: Height(0x0102), block_hash: Hash32([0xab; 32]) });

        assert_eq!(
            hex(&bytes),
            "4f42434f4d4d4954010000000000000102\
             abababababababababababababababababababababababababababababababab\
             6b077f1989f6315d00005667906d2dd3"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
