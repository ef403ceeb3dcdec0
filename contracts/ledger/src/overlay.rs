//! A write buffer over a base state, with a layer per transaction.

use std::collections::BTreeMap;

use onebook_types::record::RecordKey;

use crate::ports::{StateRead, StateWrite};

/// Buffers a block's writes over `base`, which it never changes.
///
/// Writes land in the current transaction's layer. [`Overlay::commit_tx`] folds that layer into
/// the block's changes; [`Overlay::discard_tx`] drops it, so a refused tx leaves no trace. Reads
/// see the tx layer, then the block's changes, then the base. [`Overlay::changes`] gives the
/// block's net changes, sorted by key, for storage.
#[derive(Debug)]
pub struct Overlay<'a, S: StateRead> {
    base: &'a S,
    block: BTreeMap<RecordKey, Option<Vec<u8>>>,
    tx: BTreeMap<RecordKey, Option<Vec<u8>>>,
}

impl<'a, S: StateRead> Overlay<'a, S> {
    /// An overlay with no changes over `base`.
    pub fn new(base: &'a S) -> Self {
        Self { base, block: BTreeMap::new(), tx: BTreeMap::new() }
    }

    /// Keeps the current transaction's writes and returns the keys it wrote, sorted.
    pub fn commit_tx(&mut self) -> Vec<RecordKey> {
        // One insert per written key. (`BTreeMap::append` would rebuild the whole block map on
        // every tx, which makes a block's cost grow with the square of its size.)
        let tx = std::mem::take(&mut self.tx);
        let mut written = Vec::with_capacity(tx.len());
        for (key, value) in tx {
            written.push(key.clone());
            self.block.insert(key, value);
        }
        written
    }

    /// Drops the current transaction's writes.
    pub fn discard_tx(&mut self) {
        self.tx.clear();
    }

    /// The block's committed changes so far, sorted by key: `Some` stores, `None` deletes.
    /// Writes of the current, uncommitted transaction are not included.
    pub fn changes(&self) -> Vec<(RecordKey, Option<Vec<u8>>)> {
        self.block.iter().map(|(key, value)| (key.clone(), value.clone())).collect()
    }

    /// As [`Overlay::changes`], consuming the overlay so nothing is copied.
    pub fn into_changes(self) -> Vec<(RecordKey, Option<Vec<u8>>)> {
        self.block.into_iter().collect()
    }
}

impl<S: StateRead> StateRead for Overlay<'_, S> {
    fn get(&self, key: &RecordKey) -> Option<Vec<u8>> {
        match self.tx.get(key).or_else(|| self.block.get(key)) {
            Some(value) => value.clone(),
            None => self.base.get(key),
        }
    }
}

impl<S: StateRead> StateWrite for Overlay<'_, S> {
    fn put(&mut self, key: RecordKey, value: Vec<u8>) {
        self.tx.insert(key, Some(value));
    }

    fn delete(&mut self, key: RecordKey) {
        self.tx.insert(key, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MemState;

    fn key(name: &str) -> RecordKey {
        RecordKey::Sequence(name.into())
    }

    #[test]
    fn a_discarded_tx_changes_nothing() {
        let base = MemState::from_records([(key("a"), vec![1])]);
        let mut overlay = Overlay::new(&base);
        overlay.put(key("a"), vec![2]);
        overlay.delete(key("b"));

        overlay.discard_tx();

        assert_eq!(overlay.get(&key("a")), Some(vec![1]));
        assert!(overlay.changes().is_empty());
    }

    #[test]
    fn committed_writes_are_read_back_and_listed_by_key() {
        let base = MemState::from_records([(key("a"), vec![1])]);
        let mut overlay = Overlay::new(&base);
        overlay.put(key("c"), vec![3]);
        overlay.delete(key("a"));

        let written = overlay.commit_tx();

        assert_eq!(written, vec![key("a"), key("c")]);
        assert_eq!(overlay.get(&key("a")), None);
        assert_eq!(overlay.changes(), vec![(key("a"), None), (key("c"), Some(vec![3]))]);
    }

    #[test]
    fn a_later_tx_overrides_an_earlier_one() {
        let base = MemState::default();
        let mut overlay = Overlay::new(&base);
        overlay.put(key("a"), vec![1]);
        overlay.commit_tx();

        overlay.put(key("a"), vec![2]);
        overlay.commit_tx();

        assert_eq!(overlay.changes(), vec![(key("a"), Some(vec![2]))]);
    }
}
