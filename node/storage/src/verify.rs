//! A check of a whole store, for `onebook inspect verify`: every block, tx, receipt and
//! certificate, every state-tree node, and every other entry, read through RocksDB's checksums.
//!
//! The check reads only, reports every problem it finds (up to [`PROBLEMS_LISTED_MAX`] listed,
//! all counted) and goes on after each one, so one damaged block does not hide the next.

use std::cell::RefCell;

use onebook_state::{NodeAt, NodeStore, StoredNode};
use onebook_types::{
    block::{self, CommitCertificate, Header, Receipt},
    codec,
    consortium::ValidatorSet,
    hash::Hash32,
    history::History,
    ids::Height,
    limits::{BLOCK_BYTES_MAX, RECORD_BYTES_MAX},
    record::RecordKey,
};
use rocksdb::IteratorMode;

use crate::{StorageError, Store, TxLocation, error::Result, keys, state};

/// Most problems a report lists; the rest are counted.
pub const PROBLEMS_LISTED_MAX: usize = 1_000;

/// What [`Store::verify_all`] checked and found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// The tip the check ran up to.
    pub tip: Height,
    /// Blocks checked.
    pub blocks: u64,
    /// Txs checked: stored once, at their place, decoding, hashing to their key and signed.
    pub txs: u64,
    /// Receipts checked.
    pub receipts: u64,
    /// Commit certificates checked against the validator set of their height.
    pub certificates: u64,
    /// State-tree nodes stored, in chunks that decode and whose children lie below them (a
    /// node's hash is checked where its parent or the root record names it).
    pub state_nodes: u64,
    /// Records in the tip's state tree, walked from its root.
    pub tip_records: u64,
    /// Other entries read (record versions, history and record indexes, metadata).
    pub entries: u64,
    /// The problems found, in the order found, at most [`PROBLEMS_LISTED_MAX`].
    pub problems: Vec<String>,
    /// How many problems were found in all.
    pub problems_total: u64,
}

impl VerifyReport {
    /// Whether the store passed.
    pub fn is_sound(&self) -> bool {
        self.problems_total == 0
    }

    pub(crate) fn problem(&mut self, text: String) {
        self.problems_total += 1;
        if self.problems.len() < PROBLEMS_LISTED_MAX {
            self.problems.push(text);
        }
    }
}

/// How far a check has come: `done` of `total` items of `phase` (`total` is an estimate for the
/// phases that scan a column family).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyProgress {
    /// `blocks`, `state nodes`, `tip state`, `entries` or `counts`.
    pub phase: &'static str,
    /// Items done.
    pub done: u64,
    /// Items in the phase.
    pub total: u64,
}

/// What one block is checked against.
#[derive(Clone, Copy)]
struct BlockChecks<'a> {
    /// The hash of the block below (`ZERO` when unknown: not checked).
    below: Hash32,
    /// The store's genesis hash, which the certificate's votes must name.
    genesis: Hash32,
    /// The history tree over the blocks below (`None` when unknown: not checked).
    history: Option<&'a History>,
    /// The oldest height whose state tree the store holds: the state root of a block below it
    /// is pruned, not checked.
    oldest_state: Height,
}

impl Store {
    /// Checks the whole store, calling `progress` as it goes (at least every 1,024 items):
    ///
    /// 1. each block from 1 to the tip: its header decodes, names its height and links to the
    ///    block below (the genesis hash for block 1), carries the history root of the blocks
    ///    below it, and its hash maps back to its height; its tx
    ///    list decodes and matches `tx_count` and `tx_root`; each tx is stored at its place,
    ///    decodes, hashes to its key and its signature verifies; each receipt decodes, names its
    ///    tx and the receipts match `receipts_root`; its commit certificate verifies against the
    ///    validator set in the state below it, which the header names, for this store's genesis
    ///    (for blocks from the base up, on a store started from a snapshot: the base block's was
    ///    checked from the genesis when the snapshot was restored); its state root node is
    ///    recorded and its node hashes to it (from the oldest height whose state a pruning store
    ///    keeps: the roots below it are pruned);
    /// 2. every chunk of state-tree nodes decodes and each child it names is stored before its
    ///    parent (pruned slots aside), and every recorded state root's node hashes to the root;
    /// 3. the tip's state tree is complete and canonical from its root;
    /// 4. every other entry is read, so RocksDB checks its checksum, and record versions decode;
    /// 5. each listing term's count at the tip equals the number of records at the tip that hold
    ///    the term (`aggregates.rs`; the answer terms of share requests, which the records alone
    ///    do not give, are not checked).
    ///
    /// Only a failure to read at all is an error; every problem found goes in the report.
    pub fn verify_all(&self, progress: &mut dyn FnMut(VerifyProgress)) -> Result<VerifyReport> {
        let tip = self.tip()?;
        // No prune removes a tree the check reads while it runs.
        let oldest_state = self.oldest_state_height();
        let _reading = self.read_state(oldest_state)?;
        let mut report = VerifyReport { tip: tip.height, ..VerifyReport::default() };
        let genesis = self.genesis_hash()?.ok_or(StorageError::Empty)?;
        // A store started from a snapshot holds the blocks from its base: the block below the
        // base is unknown (not checked), and the history frontier below it is the one the
        // snapshot carried.
        let base = self.base();
        let mut below = if base.0 == 0 { genesis } else { Hash32::ZERO };
        // The history frontier over the blocks below `height`; lost (no longer checked) past a
        // block whose header is missing.
        let mut history = if base.0 == 0 {
            let mut history = History::new();
            history.push_in(self.suite(), &genesis);
            Some(history)
        } else {
            History::from_nodes(base.0, self)
                .map_err(|error| report.problem(format!("the history below the base: {error}")))
                .ok()
        };
        for height in base.0.max(1)..=tip.height.0 {
            if height.is_multiple_of(1_024) {
                progress(VerifyProgress { phase: "blocks", done: height, total: tip.height.0 });
            }
            let checks = BlockChecks { below, genesis, history: history.as_ref(), oldest_state };
            match self.verify_block(Height(height), checks, &mut report) {
                Ok(Some(hash)) => {
                    below = hash;
                    if let Some(history) = &mut history {
                        history.push_in(self.suite(), &hash);
                    }
                }
                Ok(None) => {
                    below = Hash32::ZERO;
                    history = None;
                }
                Err(error) => {
                    report.problem(format!("block {height}: {error}"));
                    history = None;
                }
            }
            report.blocks += 1;
        }
        if tip.height.0 > 0 && below != tip.block_hash {
            report.problem(format!(
                "the tip record names block {} but the header at {} hashes to {below}",
                tip.block_hash, tip.height.0
            ));
        }
        progress(VerifyProgress { phase: "blocks", done: tip.height.0, total: tip.height.0 });
        self.verify_state_nodes(&mut report, progress);
        self.verify_tip_state(tip.state_root, &mut report, progress);
        self.verify_entries(&mut report, progress);
        self.verify_counts(&mut report, progress);
        Ok(report)
    }

    /// Checks block `height` as `checks` asks; its hash if its header was read.
    fn verify_block(
        &self,
        height: Height,
        checks: BlockChecks<'_>,
        report: &mut VerifyReport,
    ) -> Result<Option<Hash32>> {
        let BlockChecks { below, genesis, history, oldest_state } = checks;
        let at = |what: String| format!("block {}: {what}", height.0);
        let Some(header) = self.header(height)? else {
            report.problem(at("no header".into()));
            return Ok(None);
        };
        let suite = self.suite();
        let hash = header.hash_in(suite);
        if header.height != height {
            report.problem(at(format!("the header names height {}", header.height.0)));
        }
        if below != Hash32::ZERO && header.previous_hash != below {
            report.problem(at(format!(
                "previous_hash {} is not the hash {below} of the block below",
                header.previous_hash
            )));
        }
        if let Some(history) = history
            && header.history_root != history.root_in(suite)
        {
            report.problem(at(format!(
                "history_root {} is not the root {} of the blocks below",
                header.history_root,
                history.root_in(suite)
            )));
        }
        if self.block_height(&hash)? != Some(height) {
            report.problem(at(format!("its hash {hash} does not map back to its height")));
        }
        let Some(hashes) = self.block_tx_hashes(height)? else {
            report.problem(at("no tx list".into()));
            return Ok(Some(hash));
        };
        if usize::try_from(header.tx_count).ok() != Some(hashes.len()) {
            report.problem(at(format!(
                "the tx list holds {} txs, the header counts {}",
                hashes.len(),
                header.tx_count
            )));
        }
        if block::tx_root_in(suite, &hashes) != header.tx_root {
            report.problem(at("the tx list does not match tx_root".into()));
        }
        let mut receipts = Vec::with_capacity(hashes.len());
        for (index, tx_hash) in hashes.iter().enumerate() {
            let location = TxLocation { height, index: u32::try_from(index).unwrap_or(u32::MAX) };
            self.verify_tx(tx_hash, location, report);
            match self.receipt(location) {
                Ok(Some(receipt)) => {
                    if receipt.tx_hash != *tx_hash {
                        report.problem(at(format!("the receipt at {index} names another tx")));
                    }
                    receipts.push(receipt);
                    report.receipts += 1;
                }
                Ok(None) => report.problem(at(format!("no receipt at {index}"))),
                Err(error) => report.problem(at(format!("receipt at {index}: {error}"))),
            }
        }
        if receipts.len() == hashes.len()
            && block::receipts_root_in(suite, &receipts) != header.receipts_root
        {
            report.problem(at("the receipts do not match receipts_root".into()));
        }
        self.verify_certificate(&header, genesis, report);
        match self.root_node_at(&header.state_root) {
            _ if header.state_root == Hash32::ZERO || height < oldest_state => {}
            Ok(Some(node_at)) => match self.stored_node(node_at, &header.state_root) {
                Ok(Some(_)) => {}
                Ok(None) => report.problem(at(
                    "its state root node is missing or rehashes to another hash".into(),
                )),
                Err(error) => report.problem(at(format!("its state root node: {error}"))),
            },
            Ok(None) => report.problem(at("its state root is not recorded".into())),
            Err(error) => report.problem(at(format!("its state root: {error}"))),
        }
        Ok(Some(hash))
    }

    fn verify_tx(&self, tx_hash: &Hash32, location: TxLocation, report: &mut VerifyReport) {
        let at = format!("tx {tx_hash} of block {} at {}", location.height.0, location.index);
        match self.tx(tx_hash) {
            Ok(Some((stored, tx))) => {
                if stored != location {
                    report.problem(format!(
                        "{at}: stored as at block {} index {}",
                        stored.height.0, stored.index
                    ));
                }
                let rehashed = tx.hash_in(self.suite());
                if rehashed != *tx_hash {
                    report.problem(format!("{at}: its bytes hash to {rehashed}"));
                } else if tx.verify_in(self.suite()).is_err() {
                    report.problem(format!("{at}: its signature does not verify"));
                }
                report.txs += 1;
            }
            Ok(None) => report.problem(format!("{at}: missing")),
            Err(error) => report.problem(format!("{at}: {error}")),
        }
    }

    fn verify_certificate(&self, header: &Header, genesis: Hash32, report: &mut VerifyReport) {
        let height = header.height;
        let at = |what: String| format!("block {}: {what}", height.0);
        let certificate = match self.certificate(height) {
            Ok(Some(certificate)) => certificate,
            Ok(None) => return report.problem(at("no commit certificate".into())),
            Err(error) => return report.problem(at(format!("certificate: {error}"))),
        };
        if height == self.base() {
            // The validator set below a snapshot's base is not held here: the snapshot's
            // certificate of its base block was checked from the genesis when the store was
            // started from it.
            return;
        }
        match self.validator_set_below(height) {
            Ok(Some(validators)) => {
                match certificate.verify_in(self.suite(), header, &genesis, &validators) {
                    Ok(()) => report.certificates += 1,
                    Err(error) => report.problem(at(format!("commit certificate: {error}"))),
                }
            }
            Ok(None) => report.problem(at("no validator set in the state below it".into())),
            Err(error) => report.problem(at(format!("validator set below it: {error}"))),
        }
    }

    fn validator_set_below(&self, height: Height) -> Result<Option<ValidatorSet>> {
        let below = Height(height.0 - 1);
        let Some(bytes) = self.record(&RecordKey::ValidatorSet, below)? else { return Ok(None) };
        codec::decode(&bytes, RECORD_BYTES_MAX).map(Some).map_err(|source| {
            self.noted(StorageError::Corrupt { what: "validator set record", source })
        })
    }

    fn verify_state_nodes(
        &self,
        report: &mut VerifyReport,
        progress: &mut dyn FnMut(VerifyProgress),
    ) {
        let family = self.cf(keys::STATE_CHUNKS);
        let total = self.estimated_keys(family).saturating_mul(state::CHUNK_NODES as u64);
        for item in self.db.iterator_cf(family, IteratorMode::Start) {
            let (key, value) = match item {
                Ok(entry) => entry,
                Err(error) => {
                    report.problem(format!("state chunks: {}", self.rocks(error)));
                    return;
                }
            };
            let before = report.state_nodes;
            match state::check_chunk(&key, &value) {
                Ok(nodes) => report.state_nodes += nodes as u64,
                Err(problem) => report.problem(format!("state chunk {}: {problem}", hex(&key))),
            }
            if report.state_nodes / 1_024 != before / 1_024 {
                let done = report.state_nodes;
                progress(VerifyProgress { phase: "state nodes", done, total: total.max(done) });
            }
        }
        for item in self.db.iterator_cf(self.cf(keys::STATE_ROOTS), IteratorMode::Start) {
            let (key, value) = match item {
                Ok(entry) => entry,
                Err(error) => {
                    report.problem(format!("state roots: {}", self.rocks(error)));
                    return;
                }
            };
            let Ok(root) = <[u8; 32]>::try_from(key.as_ref()).map(Hash32) else {
                report.problem("a state root key is not 32 bytes".to_owned());
                continue;
            };
            let node = codec::decode::<NodeAt>(&value, BLOCK_BYTES_MAX)
                .map_err(|error| error.to_string())
                .and_then(|at| self.stored_node(at, &root).map_err(|error| error.to_string()));
            match node {
                Ok(Some(_)) => {}
                Ok(None) => report.problem(format!(
                    "state root {root}: its node is missing or rehashes to another hash"
                )),
                Err(error) => report.problem(format!("state root {root}: {error}")),
            }
        }
        let done = report.state_nodes;
        progress(VerifyProgress { phase: "state nodes", done, total: done });
    }

    fn verify_tip_state(
        &self,
        root: Hash32,
        report: &mut VerifyReport,
        progress: &mut dyn FnMut(VerifyProgress),
    ) {
        progress(VerifyProgress { phase: "tip state", done: 0, total: 1 });
        let reader = Reading { store: self, error: RefCell::new(None) };
        match onebook_state::verify_tree_in(self.suite(), &reader, root) {
            Ok(stats) => report.tip_records = stats.leaves,
            Err(error) => match reader.error.into_inner() {
                Some(read) => report.problem(format!("the tip's state tree: {read}")),
                None => report.problem(format!("the tip's state tree: {error}")),
            },
        }
        progress(VerifyProgress { phase: "tip state", done: 1, total: 1 });
    }

    fn verify_entries(&self, report: &mut VerifyReport, progress: &mut dyn FnMut(VerifyProgress)) {
        let families = [
            keys::META,
            keys::RECEIPTS,
            keys::CERTIFICATES,
            keys::RECORDS,
            keys::HISTORY,
            keys::BY_ORG,
            keys::RECORD_INDEX,
        ];
        let total: u64 = families.iter().map(|name| self.estimated_keys(self.cf(name))).sum();
        let mut done = 0u64;
        for name in families {
            for item in self.db.iterator_cf(self.cf(name), IteratorMode::Start) {
                let (key, value) = match item {
                    Ok(entry) => entry,
                    Err(error) => {
                        report.problem(format!("{name}: {}", self.rocks(error)));
                        break;
                    }
                };
                done += 1;
                report.entries += 1;
                if done.is_multiple_of(1_024) {
                    progress(VerifyProgress { phase: "entries", done, total: total.max(done) });
                }
                let sound = match name {
                    keys::RECORDS => {
                        codec::decode::<Option<Vec<u8>>>(&value, RECORD_BYTES_MAX + 8).is_ok()
                    }
                    keys::RECEIPTS => Receipt::decode(&value).is_ok() && key.len() == 12,
                    keys::CERTIFICATES => {
                        codec::decode::<CommitCertificate>(&value, BLOCK_BYTES_MAX).is_ok()
                    }
                    _ => true,
                };
                if !sound {
                    report.problem(format!("{name}: the entry {} does not decode", hex(&key)));
                }
            }
        }
        progress(VerifyProgress { phase: "entries", done, total: done });
    }

    fn estimated_keys(&self, family: &rocksdb::ColumnFamily) -> u64 {
        self.db
            .property_int_value_cf(family, "rocksdb.estimate-num-keys")
            .ok()
            .flatten()
            .unwrap_or(0)
    }
}

/// The store as a [`NodeStore`] that keeps a read error instead of stopping the process.
struct Reading<'s> {
    store: &'s Store,
    error: RefCell<Option<StorageError>>,
}

impl Reading<'_> {
    fn keep<T: Default>(&self, read: Result<T>) -> T {
        read.unwrap_or_else(|error| {
            self.error.borrow_mut().get_or_insert(error);
            T::default()
        })
    }
}

impl NodeStore for Reading<'_> {
    fn root(&self, root: &Hash32) -> Option<NodeAt> {
        self.keep(self.store.root_node_at(root))
    }

    fn node(&self, at: NodeAt, hash: &Hash32) -> Option<StoredNode> {
        self.keep(self.store.stored_node(at, hash))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
