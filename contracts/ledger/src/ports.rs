//! The ports through which the rules see the state, and the typed helpers over them.

use std::collections::BTreeMap;

use borsh::{BorshDeserialize, BorshSerialize};
use onebook_types::{codec, limits::RECORD_BYTES_MAX, record::RecordKey};

/// Reads the ledger state: records by key, as their canonical bytes.
///
/// No `Result`: a node that cannot read its own state must stop, not answer differently from its
/// peers, so an implementation panics on an I/O failure.
pub trait StateRead {
    /// The bytes stored under `key`, if any.
    fn get(&self, key: &RecordKey) -> Option<Vec<u8>>;
}

/// Writes the ledger state. Implementations buffer or apply; the rules never read back their
/// own writes through anything but [`StateRead::get`].
pub trait StateWrite: StateRead {
    /// Stores `value` under `key`, replacing what was there.
    fn put(&mut self, key: RecordKey, value: Vec<u8>);
    /// Removes the record under `key`, if any.
    fn delete(&mut self, key: RecordKey);
}

/// The record of type `T` under `key`, if any.
///
/// # Panics
/// If the stored bytes do not decode as `T`: the rules wrote them, so that is a broken invariant,
/// and a node that went on could diverge from its peers.
pub fn load<T: BorshDeserialize>(state: &(impl StateRead + ?Sized), key: &RecordKey) -> Option<T> {
    let bytes = state.get(key)?;
    match codec::decode(&bytes, RECORD_BYTES_MAX) {
        Ok(value) => Some(value),
        Err(error) => panic!(
            "record {key:?} holds {} bytes that do not decode as {}: {error}",
            bytes.len(),
            std::any::type_name::<T>()
        ),
    }
}

/// Stores `value` under `key` in its canonical encoding.
pub fn store<T: BorshSerialize>(state: &mut (impl StateWrite + ?Sized), key: RecordKey, value: &T) {
    let bytes = codec::encode(value);
    assert!(bytes.len() <= RECORD_BYTES_MAX, "record {key:?} is {} bytes", bytes.len());
    state.put(key, bytes);
}

/// A state held in memory: the test implementation of the ports, and a reference for others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemState {
    records: BTreeMap<RecordKey, Vec<u8>>,
}

impl MemState {
    /// A state holding `records`, such as a genesis file's initial state.
    pub fn from_records(records: impl IntoIterator<Item = (RecordKey, Vec<u8>)>) -> Self {
        Self { records: records.into_iter().collect() }
    }

    /// Applies a block's changes, as storage would: `None` deletes.
    pub fn apply_changes(&mut self, changes: &[(RecordKey, Option<Vec<u8>>)]) {
        for (key, value) in changes {
            match value {
                Some(bytes) => self.put(key.clone(), bytes.clone()),
                None => self.delete(key.clone()),
            }
        }
    }

    /// Every record, sorted by key.
    pub fn records(&self) -> &BTreeMap<RecordKey, Vec<u8>> {
        &self.records
    }
}

impl StateRead for MemState {
    fn get(&self, key: &RecordKey) -> Option<Vec<u8>> {
        self.records.get(key).cloned()
    }
}

impl StateWrite for MemState {
    fn put(&mut self, key: RecordKey, value: Vec<u8>) {
        self.records.insert(key, value);
    }

    fn delete(&mut self, key: RecordKey) {
        self.records.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use onebook_types::ids::Nonce;

    use super::*;

    #[test]
    fn a_stored_record_loads_back() {
        let mut state = MemState::default();
        let key = RecordKey::Sequence("proposal".into());

        store(&mut state, key.clone(), &Nonce(7));

        assert_eq!(load::<Nonce>(&state, &key), Some(Nonce(7)));
    }

    #[test]
    #[should_panic(expected = "do not decode")]
    fn undecodable_stored_bytes_are_a_broken_invariant() {
        let key = RecordKey::Sequence("proposal".into());
        let state = MemState::from_records([(key.clone(), vec![1, 2, 3])]);

        let _ = load::<u64>(&state, &key);
    }
}
