//! RocksDB's own figures for the metrics: write stalls, compaction backlog and live data.

use crate::{Result, Store, keys};

/// What RocksDB reports of its write path and data, summed over the column families where a
/// figure is per family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Writes are stopped until compaction or flushing catches up (`rocksdb.is-write-stopped`).
    pub write_stopped: bool,
    /// The rate writes are slowed to, in bytes per second; 0 when they are not
    /// (`rocksdb.actual-delayed-write-rate`).
    pub delayed_write_rate_bytes: u64,
    /// Compactions running now (`rocksdb.num-running-compactions`).
    pub running_compactions: u64,
    /// Bytes compaction must rewrite to bring every level under its target
    /// (`rocksdb.estimate-pending-compaction-bytes`).
    pub pending_compaction_bytes: u64,
    /// An estimate of the live data, without obsolete versions awaiting compaction
    /// (`rocksdb.estimate-live-data-size`).
    pub live_data_bytes: u64,
}

impl Store {
    /// RocksDB's figures now.
    pub fn engine_stats(&self) -> Result<EngineStats> {
        let db_property = |key: &str| self.db.property_int_value(key);
        let mut stats = EngineStats {
            write_stopped: db_property("rocksdb.is-write-stopped")?.unwrap_or(0) != 0,
            delayed_write_rate_bytes: db_property("rocksdb.actual-delayed-write-rate")?
                .unwrap_or(0),
            running_compactions: db_property("rocksdb.num-running-compactions")?.unwrap_or(0),
            ..EngineStats::default()
        };
        for name in keys::COLUMN_FAMILIES {
            let family = self.cf(name);
            let property = |key: &str| self.db.property_int_value_cf(family, key);
            stats.pending_compaction_bytes +=
                property("rocksdb.estimate-pending-compaction-bytes")?.unwrap_or(0);
            stats.live_data_bytes += property("rocksdb.estimate-live-data-size")?.unwrap_or(0);
        }
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreConfig};

    #[test]
    fn a_fresh_store_is_not_stalled_and_counts_its_live_data() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&StoreConfig::new(dir.path())).expect("opens");
        let record = (onebook_types::record::RecordKey::Sequence("grant".into()), vec![7; 64]);
        store.init_genesis_state(onebook_types::hash::Hash32([1; 32]), vec![record]).expect("init");
        for name in crate::keys::COLUMN_FAMILIES {
            store.db.flush_cf(store.cf(name)).expect("flush");
        }

        let stats = store.engine_stats().expect("stats");

        assert!(!stats.write_stopped);
        assert_eq!(stats.delayed_write_rate_bytes, 0);
        assert!(stats.live_data_bytes > 0, "{stats:?}");
    }
}
