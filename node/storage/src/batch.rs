//! The writes of one atomic batch, gathered per column family and handed to RocksDB sorted by
//! key.
//!
//! RocksDB's memtable is a skip list that keeps, between two inserts, where the last one landed
//! (`InlineSkipList::Insert` and its splice): a key inserted just after the previous one costs a
//! short step from there, while a key anywhere else costs a descent from the top with a cache
//! miss on most levels. A block's puts (~15,000 for 1,000 txs: listing terms, history entries,
//! record versions, txs, receipts, state-tree chunks) come out of the code in an order that is
//! random within each family (hashes, record keys, terms), so [`Batch`] holds them until the
//! write and then adds them to the `WriteBatch` family by family, each family's in ascending
//! key order.
//!
//! The sort is stable: a later put or delete of the same key stays later in the batch and wins,
//! as it would in a plain `WriteBatch`, so the store holds the same keys and values byte for
//! byte. Only the order inside one atomic batch changes, which no reader can observe.

use rocksdb::{ColumnFamily, WriteBatch};

/// The puts and deletes of one atomic write, sorted by key within each column family when
/// turned into a [`WriteBatch`] ([`Batch::into_write_batch`]).
#[derive(Default)]
pub(crate) struct Batch<'a> {
    families: Vec<Family<'a>>,
    /// The family of the last put or delete: consecutive writes mostly go to the same one.
    last: usize,
    entries: usize,
    bytes: usize,
}

/// One column family's writes: their keys and values side by side in one buffer, so that
/// gathering a write costs no allocation of its own.
struct Family<'a> {
    handle: &'a ColumnFamily,
    buffer: Vec<u8>,
    entries: Vec<Entry>,
}

/// Where one write's key and value lie in its family's buffer; `value_len` is `None` for a
/// delete.
#[derive(Clone, Copy)]
struct Entry {
    key_start: usize,
    key_len: usize,
    value_len: Option<usize>,
}

impl Entry {
    fn key<'b>(&self, buffer: &'b [u8]) -> &'b [u8] {
        &buffer[self.key_start..self.key_start + self.key_len]
    }

    fn value<'b>(&self, buffer: &'b [u8]) -> Option<&'b [u8]> {
        let start = self.key_start + self.key_len;
        self.value_len.map(|len| &buffer[start..start + len])
    }
}

/// What RocksDB adds to a batch's bytes per write beyond its key and value: a type byte, a
/// family id and two lengths, each a varint of at most 5 bytes.
const ENTRY_OVERHEAD_BYTES: usize = 16;

/// The header of a `WriteBatch`'s bytes: its sequence number and count.
const HEADER_BYTES: usize = 12;

impl<'a> Batch<'a> {
    /// Adds a put of `value` at `key` in `family`.
    pub(crate) fn put_cf(
        &mut self,
        family: &'a ColumnFamily,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) {
        let (key, value) = (key.as_ref(), value.as_ref());
        self.push(family, key, Some(value));
    }

    /// Adds a put of `value` at the key made of `parts` one after the other, in `family`: the
    /// same as [`Batch::put_cf`] of their concatenation, without building it first.
    pub(crate) fn put_cf_parts(&mut self, family: &'a ColumnFamily, parts: &[&[u8]], value: &[u8]) {
        self.push_parts(family, parts, Some(value));
    }

    /// Adds a delete of `key` in `family`.
    pub(crate) fn delete_cf(&mut self, family: &'a ColumnFamily, key: impl AsRef<[u8]>) {
        self.push(family, key.as_ref(), None);
    }

    /// The number of puts and deletes added.
    pub(crate) fn len(&self) -> usize {
        self.entries
    }

    fn push(&mut self, handle: &'a ColumnFamily, key: &[u8], value: Option<&[u8]>) {
        self.push_parts(handle, &[key], value);
    }

    /// Adds a put of `value` (a delete if `None`) at the key made of `parts`, in `handle`.
    fn push_parts(&mut self, handle: &'a ColumnFamily, parts: &[&[u8]], value: Option<&[u8]>) {
        let family = self.family(handle);
        let key_start = family.buffer.len();
        for part in parts {
            family.buffer.extend_from_slice(part);
        }
        let key_len = family.buffer.len() - key_start;
        if let Some(value) = value {
            family.buffer.extend_from_slice(value);
        }
        family.entries.push(Entry { key_start, key_len, value_len: value.map(<[u8]>::len) });
        self.entries += 1;
        self.bytes += key_len + value.map_or(0, <[u8]>::len) + ENTRY_OVERHEAD_BYTES;
    }

    /// The writes of `handle` so far, created empty on its first write.
    fn family(&mut self, handle: &'a ColumnFamily) -> &mut Family<'a> {
        let same = |family: &Family<'a>| std::ptr::eq(family.handle, handle);
        if !self.families.get(self.last).is_some_and(same) {
            self.last = match self.families.iter().position(same) {
                Some(position) => position,
                None => {
                    let family = Family { handle, buffer: Vec::new(), entries: Vec::new() };
                    self.families.push(family);
                    self.families.len() - 1
                }
            };
        }
        &mut self.families[self.last]
    }

    /// The `WriteBatch` of these writes: family by family in the order of their first write,
    /// each family's writes in ascending key order, writes of the same key in the order added.
    pub(crate) fn into_write_batch(mut self) -> WriteBatch {
        for family in &mut self.families {
            let buffer = family.buffer.as_slice();
            // `sort_by` is stable: the last write of a key stays last.
            family.entries.sort_by(|a, b| a.key(buffer).cmp(b.key(buffer)));
        }
        let mut batch = WriteBatch::with_capacity_bytes(HEADER_BYTES + self.bytes);
        for family in &self.families {
            let buffer = family.buffer.as_slice();
            for entry in &family.entries {
                match entry.value(buffer) {
                    Some(value) => batch.put_cf(family.handle, entry.key(buffer), value),
                    None => batch.delete_cf(family.handle, entry.key(buffer)),
                }
            }
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use rocksdb::{IteratorMode, WriteBatch, WriteBatchIteratorCf};

    use super::Batch;
    use crate::{Store, StoreConfig, keys};

    /// One write of a test block: a family (an index into `FAMILIES`), a key from a small set
    /// (so the same key is often written several times), and a value or a delete.
    type Write = (usize, Vec<u8>, Option<Vec<u8>>);

    const FAMILIES: [&str; 3] = [keys::RECORDS, keys::RECORD_INDEX, keys::TXS];

    fn write_strategy() -> impl Strategy<Value = Write> {
        (
            0..FAMILIES.len(),
            prop::collection::vec(0u8..4, 0..4),
            prop::option::weighted(0.8, prop::collection::vec(any::<u8>(), 0..6)),
        )
    }

    /// Every key and value of the test families, family by family.
    fn contents(store: &Store) -> Vec<BTreeMap<Vec<u8>, Vec<u8>>> {
        let read = |name: &str| {
            store
                .db
                .iterator_cf(store.cf(name), IteratorMode::Start)
                .map(|item| item.map(|(key, value)| (key.to_vec(), value.to_vec())))
                .collect::<Result<BTreeMap<_, _>, _>>()
                .expect("reads")
        };
        FAMILIES.iter().map(|name| read(name)).collect()
    }

    /// How a test block is handed to RocksDB.
    #[derive(Clone, Copy)]
    enum Mode {
        /// One plain `WriteBatch`, in the order given.
        Plain,
        /// One [`Batch`].
        Sorted,
    }

    /// The store after `blocks`, each written as `mode` says.
    fn written(blocks: &[Vec<Write>], mode: Mode) -> Vec<BTreeMap<Vec<u8>, Vec<u8>>> {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&StoreConfig::new(dir.path())).expect("opens");
        for block in blocks {
            let writes = block.iter().map(|(family, key, value)| {
                (store.cf(FAMILIES[*family]), key.as_slice(), value.as_deref())
            });
            if let Mode::Sorted = mode {
                let mut batch = Batch::default();
                writes.for_each(|(family, key, value)| batch.push(family, key, value));
                assert_eq!(batch.len(), block.len());
                store.write(batch).expect("writes");
            } else {
                let mut batch = WriteBatch::default();
                for (family, key, value) in writes {
                    match value {
                        Some(value) => batch.put_cf(family, key, value),
                        None => batch.delete_cf(family, key),
                    }
                }
                store.db.write(batch).expect("writes");
            }
        }
        contents(&store)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Goal: sorting a batch changes nothing a reader can see. Method: write the same
        /// blocks, with repeated keys, puts and deletes of one key in one block and across
        /// blocks, once as plain `WriteBatch`es in the order given and once sorted; compare every
        /// key and value of every family.
        #[test]
        fn a_sorted_batch_leaves_the_same_contents_as_the_unsorted_one(
            blocks in prop::collection::vec(prop::collection::vec(write_strategy(), 0..200), 1..4)
        ) {
            prop_assert_eq!(written(&blocks, Mode::Sorted), written(&blocks, Mode::Plain));
        }
    }

    /// The writes of a `WriteBatch` in its order: key, and value or `None` for a delete.
    #[derive(Default)]
    struct Order(Vec<(Vec<u8>, Option<Vec<u8>>)>);

    impl WriteBatchIteratorCf for Order {
        fn put_cf(&mut self, _: u32, key: &[u8], value: &[u8]) {
            self.0.push((key.to_vec(), Some(value.to_vec())));
        }

        fn delete_cf(&mut self, _: u32, key: &[u8]) {
            self.0.push((key.to_vec(), None));
        }

        fn merge_cf(&mut self, _: u32, _: &[u8], _: &[u8]) {
            unreachable!("the store never merges");
        }
    }

    #[test]
    fn the_last_write_of_a_key_in_a_batch_wins_and_keys_go_in_ascending_order() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&StoreConfig::new(dir.path())).expect("opens");
        let family = store.cf(keys::RECORDS);
        let mut batch = Batch::default();
        batch.put_cf(family, b"b", b"1");
        batch.put_cf(family, b"a", b"1");
        batch.delete_cf(family, b"b");
        batch.put_cf(family, b"c", b"1");
        batch.put_cf(family, b"a", b"2");
        batch.delete_cf(family, b"c");
        batch.put_cf(family, b"c", b"3");

        let write_batch = batch.into_write_batch();
        let mut order = Order::default();
        write_batch.iterate_cf(&mut order);
        let expected: [(&[u8], Option<&[u8]>); 7] = [
            (b"a", Some(b"1")),
            (b"a", Some(b"2")),
            (b"b", Some(b"1")),
            (b"b", None),
            (b"c", Some(b"1")),
            (b"c", None),
            (b"c", Some(b"3")),
        ];
        let expected: Vec<_> =
            expected.iter().map(|(key, value)| (key.to_vec(), value.map(<[u8]>::to_vec))).collect();
        assert_eq!(order.0, expected);
        store.db.write(write_batch).expect("writes");

        let read = |key: &[u8]| store.db.get_cf(family, key).expect("reads");
        assert_eq!(read(b"a"), Some(b"2".to_vec()));
        assert_eq!(read(b"b"), None);
        assert_eq!(read(b"c"), Some(b"3".to_vec()));
    }
}
