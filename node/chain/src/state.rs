//! The ledger's view of the committed state: records read from the store at one height.

use onebook_ledger::StateRead;
use onebook_storage::Store;
use onebook_types::{ids::Height, record::RecordKey};

/// The state after `height`, read record by record from the store.
#[derive(Debug)]
pub struct StoreState<'s> {
    store: &'s Store,
    height: Height,
}

impl<'s> StoreState<'s> {
    /// The state of `store` after `height`.
    pub fn new(store: &'s Store, height: Height) -> Self {
        Self { store, height }
    }
}

impl StateRead for StoreState<'_> {
    /// # Panics
    /// If the store cannot be read: a node that cannot read its own state must stop rather
    /// than judge a block differently from its peers (see [`StateRead`]).
    fn get(&self, key: &RecordKey) -> Option<Vec<u8>> {
        match self.store.record(key, self.height) {
            Ok(value) => value,
            Err(error) => panic!("cannot read record {key:?} at height {}: {error}", self.height.0),
        }
    }
}
