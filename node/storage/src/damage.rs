//! Damage found while reading: a checksum RocksDB refuses, a value that does not decode, a value
//! that must be there and is not. Such damage is permanent (retrying reads the same bytes), so
//! the store counts it, logs it and keeps the first one found, and the node reports itself
//! unhealthy instead of answering "try later" (`docs/adr/0016-catch-up-and-store-damage.md`).

use std::sync::{
    Mutex, PoisonError,
    atomic::{AtomicU64, Ordering},
};

use crate::error::StorageError;

/// What a store has found damaged since it was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreDamage {
    /// Reads that found damage.
    pub reads: u64,
    /// The first damage found, as the error that reported it.
    pub first: String,
}

/// The store's count of damaged reads, and the first one.
#[derive(Debug, Default)]
pub(crate) struct DamageLog {
    reads: AtomicU64,
    first: Mutex<Option<String>>,
}

impl DamageLog {
    /// Counts `error` if it shows damage, logging the first one and then every power of two, so
    /// a client that keeps asking for a damaged value cannot flood the log.
    pub(crate) fn note(&self, error: &StorageError) {
        if !error.is_damage() {
            return;
        }
        let reads = self.reads.fetch_add(1, Ordering::Relaxed) + 1;
        let mut first = self.first.lock().unwrap_or_else(PoisonError::into_inner);
        if first.is_none() {
            *first = Some(error.to_string());
        }
        drop(first);
        if reads.is_power_of_two() {
            tracing::error!(
                %error,
                reads,
                "store damaged: a read found damaged data; the node reports itself unhealthy \
                 until it is restored from a backup or resynced (`onebook inspect verify` lists \
                 the damage)"
            );
        }
    }

    /// The damage found so far; `None` while every read was sound.
    pub(crate) fn get(&self) -> Option<StoreDamage> {
        let reads = self.reads.load(Ordering::Relaxed);
        let first = self.first.lock().unwrap_or_else(PoisonError::into_inner).clone()?;
        Some(StoreDamage { reads, first })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_damage_is_counted_and_the_first_is_kept() {
        let log = DamageLog::default();

        log.note(&StorageError::InvalidCursor);
        let clean = log.get();
        log.note(&StorageError::Missing { what: "tx" });
        log.note(&StorageError::Missing { what: "header" });

        assert_eq!(clean, None);
        assert_eq!(
            log.get(),
            Some(StoreDamage { reads: 2, first: "stored tx is missing".to_owned() })
        );
    }
}
