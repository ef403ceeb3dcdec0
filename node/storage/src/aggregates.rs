//! Aggregates of the listing index: an exact count per term at every height, the time each
//! record was created, and the index terms by creation time, so that a count, a count per date
//! interval and a date filter read index keys, never record values (ADR 0035).
//!
//! They live in the `record_index` family beside the listing entries of `index.rs`, whose keys
//! start with a [`RecordKind`] byte (below `0xFD`), and are written in the same block batch:
//!
//! ```text
//! 0xFF || term || height                     ->  count (u64, big-endian): the records holding the
//!                                                term from this height on (written where it changes)
//! 0xFE || borsh(RecordKey)                   ->  time (u64) || height (u64): the block that first
//!                                                wrote the record (0 || 0 at the genesis)
//! 0xFD || term || time || sort_id || height  ->  0x01 (holds the term from this height on)
//!                                                0x00 (no longer holds it)
//! 0xFC || 'h' || term || hour || height      ->  count (u64): the records holding the term
//! 0xFC || 'd' || term || day || height       ->  created in that UTC hour or day (time / 3.6e6,
//!                                                time / 8.64e7, u64), from this height on
//! ```
//!
//! `time` in a `0xFD` key is the record's creation time from its `0xFE` entry, so the records
//! holding a term that were created in `[from, to)` are one range of keys; each record's last
//! entry at or below a height says whether it held the term then, as in the listing. A count
//! over a span of time reads the hour and day counters for the whole hours and days in it and
//! the `0xFD` keys only for the parts of an hour at its ends (none for spans that start and end
//! on a whole hour, as a day or month in any whole-hour time zone does).
//!
//! A share request, once answered, also holds a term of how it was answered, written by the
//! block that answered it and never removed: [`ANSWERED_ON_TIME`] (granted or refused at or before
//! the `answer_due` of its review, or in the block that recorded it) or [`ANSWERED_LATE`]. It is
//! a status term of the share-request kind, so it is counted, and counted by creation time, like
//! any status.
//!
//! A store started from a snapshot holds no history below its base: its records written there
//! count as created at time 0 (like the genesis's) and their answers before the base are not
//! counted.

use std::collections::{BTreeMap, HashMap};

use onebook_types::{
    codec,
    ids::{Height, Timestamp},
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
    sharing_records::{ShareRequest, ShareStatus},
};
use rocksdb::IteratorMode;

use crate::{
    batch::Batch,
    error::{Result, StorageError},
    index::{self, ListFilter, RecordKind},
    keys,
    store::{MergedEntries, Store},
};

/// The first byte of a count entry.
const COUNTS: u8 = 0xFF;
/// The first byte of a creation entry.
const CREATED: u8 = 0xFE;
/// The first byte of an entry of the index by creation time.
pub(crate) const TIMED: u8 = 0xFD;
/// The first byte of a count by hour or day of creation.
const BUCKETS: u8 = 0xFC;
/// The width byte of a count by hour of creation.
const HOURLY: u8 = b'h';
/// The width byte of a count by day (UTC) of creation.
const DAILY: u8 = b'd';
const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 86_400_000;

/// The status term of a share request answered by its `answer_due` (or at once by the ledger).
pub const ANSWERED_ON_TIME: &str = "answered-on-time";
/// The status term of a share request answered after its `answer_due`.
pub const ANSWERED_LATE: &str = "answered-late";

/// Most intervals one count by creation time takes.
pub const TIME_INTERVALS_MAX: usize = 400;

/// Creation entries a block's index reads in one batched lookup.
const CREATED_READ_BATCH: usize = 4_096;

/// Entries a rebuild writes per batch.
const REBUILD_BATCH_ENTRIES: usize = 50_000;

/// The changes of one block's counts, by counter (the key of a count without its height).
pub(crate) type CountDeltas = BTreeMap<Vec<u8>, i64>;

/// The counter of `term`: `0xFF || term`.
fn counter(term: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + term.len() + 8);
    write_counter(&mut key, term);
    key
}

/// Writes [`counter`] of `term` into `key`, emptied first.
fn write_counter(key: &mut Vec<u8>, term: &[u8]) {
    key.clear();
    key.push(COUNTS);
    key.extend_from_slice(term);
}

/// The counter of the records holding `term` created in hour or day `bucket` (`width` says
/// which): `0xFC || width || term || bucket`.
fn bucket_counter(width: u8, term: &[u8], bucket: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + term.len() + 16);
    write_bucket_counter(&mut key, width, term, bucket);
    key
}

/// Writes [`bucket_counter`] of `width`, `term` and `bucket` into `key`, emptied first.
fn write_bucket_counter(key: &mut Vec<u8>, width: u8, term: &[u8], bucket: u64) {
    key.clear();
    key.extend_from_slice(&[BUCKETS, width]);
    key.extend_from_slice(term);
    key.extend_from_slice(&bucket.to_be_bytes());
}

/// Adds `delta` to the count change of the counter in `key`; allocates only for a counter the
/// block has not changed yet.
fn add_delta(deltas: &mut CountDeltas, key: &[u8], delta: i64) {
    match deltas.get_mut(key) {
        Some(sum) => *sum += delta,
        None => {
            deltas.insert(key.to_vec(), delta);
        }
    }
}

/// A counter's entry at `height`.
fn at(counter: &[u8], height: Height) -> Vec<u8> {
    let mut key = Vec::with_capacity(counter.len() + 8);
    key.extend_from_slice(counter);
    key.extend_from_slice(&height.0.to_be_bytes());
    key
}

#[cfg(test)]
fn count_key(term: &[u8], height: Height) -> Vec<u8> {
    at(&counter(term), height)
}

fn created_key(key: &RecordKey) -> Vec<u8> {
    let mut bytes = vec![CREATED];
    bytes.extend_from_slice(&key.encode());
    bytes
}

fn timed_prefix(term: &[u8], time: Option<u64>) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + term.len() + 8);
    key.push(TIMED);
    key.extend_from_slice(term);
    if let Some(time) = time {
        key.extend_from_slice(&time.to_be_bytes());
    }
    key
}

/// The answer term the share request of `key` gains by going from `old` to `new` in a block at
/// `time`; `None` for every other change and kind.
///
/// `added` are the listing terms the change enters: a request is answered only by entering the
/// status term of `granted` or `refused` (from no value or from `under-review`), so a change
/// that enters neither is not decoded.
pub(crate) fn answer_term(
    key: &RecordKey,
    (old, new): (Option<&[u8]>, Option<&[u8]>),
    time: u64,
    added: &[Vec<u8>],
) -> Option<Vec<u8>> {
    let RecordKey::ShareRequest(_) = key else { return None };
    let enters = |status: &str| {
        let filter = ListFilter { status: Some(status.to_owned()), ..ListFilter::default() };
        added.contains(&index::term(RecordKind::ShareRequest, &filter))
    };
    if !enters("granted") && !enters("refused") {
        return None;
    }
    let decode = |bytes: &[u8]| codec::decode::<ShareRequest>(bytes, RECORD_BYTES_MAX).ok();
    let new = decode(new?)?;
    if !matches!(new.status, ShareStatus::Granted { .. } | ShareStatus::Refused { .. }) {
        return None;
    }
    let late = match old.map(decode) {
        // Answered in the block that recorded it: by the ledger, at once.
        None => false,
        Some(Some(ShareRequest { status: ShareStatus::UnderReview { answer_due }, .. })) => {
            time > answer_due.0
        }
        // Already answered (or withdrawn), or an old value that does not decode.
        Some(_) => return None,
    };
    let status = if late { ANSWERED_LATE } else { ANSWERED_ON_TIME };
    let filter = ListFilter { status: Some(status.to_owned()), ..ListFilter::default() };
    Some(index::term(RecordKind::ShareRequest, &filter))
}

/// Whether `term` has timed entries of its own (`0xFD || term || ...`): the kind term (`k`)
/// of every kind and the answer terms of share requests, which have no listing entries. A count
/// by creation time of any other term reads its kind's timed entries and the term's listing
/// entries (ADR 0045).
pub(crate) fn has_timed(term: &[u8]) -> bool {
    // `index::term` of a status: kind, `s`, the status's length and bytes.
    match term {
        [_, b'k'] => true,
        [kind, b's', len, status @ ..] => {
            *kind == RecordKind::ShareRequest as u8
                && usize::from(*len) == status.len()
                && [ANSWERED_ON_TIME, ANSWERED_LATE]
                    .iter()
                    .any(|answer| answer.as_bytes() == status)
        }
        _ => false,
    }
}

/// The key ranges of `record_index` holding timed entries of terms without [`has_timed`], per
/// listed kind: everything from `0xFD || kind` to `0xFD || kind + 1` but the kind term's and the
/// answer terms' entries. A store of schema 9 or earlier deletes them on open.
pub(crate) fn timed_ranges_without_use() -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut ranges = Vec::new();
    for kind in RecordKind::ALL {
        let byte = kind as u8;
        let mut kept = vec![vec![TIMED, byte, b'k']];
        if kind == RecordKind::ShareRequest {
            kept.extend(answer_terms().map(|term| [&[TIMED], term.as_slice()].concat()));
        }
        kept.sort();
        let mut from = vec![TIMED, byte];
        for prefix in kept {
            ranges.push((from, prefix.clone()));
            from = keys::after_prefix(&prefix);
        }
        ranges.push((from, vec![TIMED, byte + 1]));
    }
    ranges
}

/// The two answer terms of share requests ([`ANSWERED_ON_TIME`], [`ANSWERED_LATE`]).
fn answer_terms() -> [Vec<u8>; 2] {
    [ANSWERED_ON_TIME, ANSWERED_LATE].map(|status| {
        let filter = ListFilter { status: Some(status.to_owned()), ..ListFilter::default() };
        index::term(RecordKind::ShareRequest, &filter)
    })
}

/// Whether the listing entries of `term` say that the record of `sort_id` held it at `height`:
/// its last entry at or below `height`, read through `iter` over `record_index`, marks presence.
fn held(
    iter: &mut rocksdb::DBRawIterator<'_>,
    term: &[u8],
    sort_id: &[u8],
    height: Height,
) -> std::result::Result<bool, rocksdb::Error> {
    let seek = [term, sort_id, &height.0.to_be_bytes()].concat();
    iter.seek_for_prev(&seek);
    match (iter.key(), iter.value()) {
        (Some(found), Some(value)) => Ok(found.len() == seek.len()
            && found.starts_with(&seek[..seek.len() - 8])
            && value.first() == Some(&1)),
        // The iterator is past the family's first key, or failed.
        _ => iter.status().map(|()| false),
    }
}

/// A record a rebuild is reading: its key's bytes, its key, its value before the version read
/// and its creation time, once known.
type Reading = (Vec<u8>, RecordKey, Option<Vec<u8>>, Option<u64>);

/// Reads a big-endian u64 from the first 8 bytes of `bytes`.
fn read_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?))
}

impl Store {
    /// How many records of `kind` held the term of `filter` as of the block at `height`: one read
    /// of a count entry, whatever the number of records. An `under` filter counts the records
    /// under that record; `org` and `status` together, those naming the org in that status.
    pub fn count_records(
        &self,
        kind: RecordKind,
        filter: &ListFilter,
        height: Height,
    ) -> Result<u64> {
        self.check_held(height)?;
        let term = index::term(kind, filter);
        let mut iter = self.db.raw_iterator_cf(self.cf(keys::RECORD_INDEX));
        self.read_counter(&mut iter, &counter(&term), height)
    }

    /// The count of `counter` as of `height` (0 if it never counted anything), through `iter`
    /// over `record_index`.
    fn read_counter(
        &self,
        iter: &mut rocksdb::DBRawIterator<'_>,
        counter: &[u8],
        height: Height,
    ) -> Result<u64> {
        let seek = at(counter, height);
        iter.seek_for_prev(&seek);
        if let (Some(found), Some(value)) = (iter.key(), iter.value())
            && found.len() == seek.len()
            && found.starts_with(counter)
        {
            return read_u64(value)
                .filter(|_| value.len() == 8)
                .ok_or_else(|| self.noted(StorageError::Missing { what: "record count" }));
        }
        iter.status().map_err(|e| self.rocks(e))?;
        Ok(0)
    }

    /// How many records holding `term` as of `height` were created in `[from, to)`: whole UTC
    /// days and hours from their counters, the parts of an hour at either end from the index by
    /// creation time. `first` is the earliest time a record created by a block can have (the
    /// time of the store's first block); `last` the latest (the time of the block at `height`).
    #[allow(clippy::too_many_arguments)]
    fn count_span(
        &self,
        iter: &mut rocksdb::DBRawIterator<'_>,
        (term, listed): (&[u8], &[Vec<u8>]),
        height: Height,
        (from, to): (u64, u64),
        (first, last): (u64, u64),
    ) -> Result<u64> {
        let mut count = 0;
        // Records of the genesis, or brought in by a snapshot, are at time 0: when no block is
        // in the first hour of 1970, they are the count of that hour.
        if from == 0 && to > 0 {
            count += if first >= HOUR_MS {
                self.read_counter(iter, &bucket_counter(HOURLY, term, 0), height)?
            } else {
                self.scan_span((term, listed), height, (0, 1))?
            };
        }
        // No record a block created lies outside `[first, last]`: the span is cut to the whole
        // days and hours around it, so that it stays on counters where it was on whole hours.
        let past_last = last.saturating_add(HOUR_MS - last % HOUR_MS);
        let (mut time, to) = (from.max(first - first % DAY_MS).max(1), to.min(past_last));
        while time < to {
            let next = if time % DAY_MS == 0 && time + DAY_MS <= to {
                count +=
                    self.read_counter(iter, &bucket_counter(DAILY, term, time / DAY_MS), height)?;
                time + DAY_MS
            } else if time % HOUR_MS == 0 && time + HOUR_MS <= to {
                count +=
                    self.read_counter(iter, &bucket_counter(HOURLY, term, time / HOUR_MS), height)?;
                time + HOUR_MS
            } else {
                let next = (time - time % HOUR_MS + HOUR_MS).min(to);
                count += self.scan_span((term, listed), height, (time, next))?;
                next
            };
            time = next;
        }
        Ok(count)
    }

    /// How many records holding `term` as of `height` were created in `[from, to)`, read from
    /// the index by creation time: the term's own timed entries if it has them
    /// ([`has_timed`]: the kind term and the answer terms), else those of its kind, each record
    /// there checked against the listing entries of the `listed` terms
    /// ([`index::listing_terms`]: the term, or the two side terms an org term of a kind
    /// between two orgs is the union of). One key per record and change in the span, and one
    /// seek per record for a term without timed entries.
    fn scan_span(
        &self,
        (term, listed): (&[u8], &[Vec<u8>]),
        height: Height,
        (from, to): (u64, u64),
    ) -> Result<u64> {
        let own = has_timed(term);
        let timed = match term.first() {
            Some(kind) if !own => timed_prefix(&[*kind, b'k'], None),
            _ => timed_prefix(term, None),
        };
        let start = |prefix: &[u8]| keys::with_suffix(prefix, &from.to_be_bytes());
        // An entry's id is the record's creation time and sort id.
        let end = Some(to.to_be_bytes().to_vec());
        let mut entries = MergedEntries::new(self, vec![timed], start, 9, end);
        let mut listing = self.db.raw_iterator_cf(self.cf(keys::RECORD_INDEX));
        let mut count = 0;
        while let Some((id, present)) = entries.next(height) {
            if present.is_none() {
                continue;
            }
            let sort_id = &id[8..];
            let mut holds = own;
            for term in listed {
                if holds {
                    break;
                }
                holds = held(&mut listing, term, sort_id, height).map_err(|e| self.rocks(e))?;
            }
            count += u64::from(holds);
        }
        entries.status().map_err(|e| self.rocks(e))?;
        Ok(count)
    }

    /// For each interval `[bounds[i], bounds[i + 1])` of block times (ms, ascending), how many
    /// records of `kind` holding the term of `filter` as of `height` were created in it. Whole
    /// UTC days and hours are one read each (their counters); the parts of an hour at an
    /// interval's ends read one index key per record created there. No record value is read.
    pub fn count_records_by_time(
        &self,
        kind: RecordKind,
        filter: &ListFilter,
        height: Height,
        bounds: &[Timestamp],
    ) -> Result<Vec<u64>> {
        self.check_held(height)?;
        let term = index::term(kind, filter);
        let listed = index::listing_terms(kind, filter);
        let first_block = Height(self.base().0.max(1));
        let time_of = |height: Height| -> Result<u64> {
            Ok(self.header(height)?.map_or(0, |header| header.time.0))
        };
        let (first, last) = if height < first_block {
            (1, 0)
        } else {
            (time_of(first_block)?.max(1), time_of(height)?)
        };
        let mut iter = self.db.raw_iterator_cf(self.cf(keys::RECORD_INDEX));
        bounds
            .windows(2)
            .map(|pair| {
                let span = (pair[0].0, pair[1].0);
                self.count_span(&mut iter, (&term, &listed), height, span, (first, last))
            })
            .collect()
    }

    /// The block time and height of the block that first wrote the record of `key` (time 0 at
    /// the genesis, and for a record a snapshot brought in); `None` if no block wrote it.
    pub fn record_created(&self, key: &RecordKey) -> Result<Option<(Timestamp, Height)>> {
        let value = self
            .db
            .get_cf(self.cf(keys::RECORD_INDEX), created_key(key))
            .map_err(|e| self.rocks(e))?;
        value.map(|value| self.read_created(&value)).transpose()
    }

    /// The creation times of the records of `keys` that have one ([`Store::record_created`]),
    /// in the order of `keys`, read in batches: RocksDB looks a batch's keys up together.
    pub(crate) fn created_times<'k>(
        &self,
        keys: impl Iterator<Item = &'k RecordKey>,
    ) -> Result<Vec<Option<u64>>> {
        let family = self.cf(keys::RECORD_INDEX);
        let lookups: Vec<Vec<u8>> = keys.map(created_key).collect();
        let mut times = Vec::with_capacity(lookups.len());
        for chunk in lookups.chunks(CREATED_READ_BATCH) {
            for value in self.db.batched_multi_get_cf(family, chunk, false) {
                let value = value.map_err(|e| self.rocks(e))?;
                let created = value.map(|value| self.read_created(&value)).transpose()?;
                times.push(created.map(|(time, _)| time.0));
            }
        }
        Ok(times)
    }

    /// A creation entry's value: the block's time and height.
    fn read_created(&self, value: &[u8]) -> Result<(Timestamp, Height)> {
        match (read_u64(value), value.get(8..).and_then(read_u64)) {
            (Some(time), Some(height)) if value.len() == 16 => {
                Ok((Timestamp(time), Height(height)))
            }
            _ => Err(self.noted(StorageError::Missing { what: "record creation time" })),
        }
    }

    /// Adds to `batch` the aggregate entries of the record of `key` going from `old` to `new`
    /// at `height`, a block at `time`, and its count changes to `deltas`. `added` and `removed`
    /// are the listing terms it enters and leaves; `created` its creation entry if it has one
    /// already (else this block creates it). `answers` says whether to add the answer term.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn put_aggregates<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        deltas: &mut CountDeltas,
        key: &RecordKey,
        (old, new): (Option<&[u8]>, Option<&[u8]>),
        (added, removed): (&[Vec<u8>], &[Vec<u8>]),
        (height, time): (Height, Option<u64>),
        created: Option<u64>,
    ) {
        let family = self.cf(keys::RECORD_INDEX);
        let created = match created {
            Some(created) => created,
            None => {
                let created = time.unwrap_or(0);
                let mut value = created.to_be_bytes().to_vec();
                value.extend_from_slice(&height.0.to_be_bytes());
                batch.put_cf(family, created_key(key), value);
                created
            }
        };
        let answer = time.and_then(|time| answer_term(key, (old, new), time, added));
        let sort_id = index::sort_id(key);
        let (created_bytes, height_bytes) = (created.to_be_bytes(), height.0.to_be_bytes());
        // The timed entry of `term` is `timed_prefix(term, Some(created)) || sort_id || height`.
        let mut timed = |term: &[u8], value: &[u8]| {
            let parts: [&[u8]; 5] = [&[TIMED], term, &created_bytes, &sort_id, &height_bytes];
            batch.put_cf_parts(family, &parts, value);
        };
        let mut scratch = Vec::with_capacity(64);
        let mut count = |term: &[u8], delta: i64| {
            write_counter(&mut scratch, term);
            add_delta(deltas, &scratch, delta);
            write_bucket_counter(&mut scratch, HOURLY, term, created / HOUR_MS);
            add_delta(deltas, &scratch, delta);
            write_bucket_counter(&mut scratch, DAILY, term, created / DAY_MS);
            add_delta(deltas, &scratch, delta);
        };
        // Only the kind term and the answer terms have timed entries (`has_timed`); every
        // term has counts.
        for term in added.iter().chain(&answer) {
            if has_timed(term) {
                timed(term, &[1]);
            }
            count(term, 1);
        }
        for term in removed {
            if has_timed(term) {
                timed(term, &[0]);
            }
            count(term, -1);
        }
    }

    /// Adds to `batch` the counts at `height` of the terms whose count `deltas` changes, each
    /// from its count at the tip. A count that would fall below zero is damage: refused.
    pub(crate) fn put_counts<'s>(
        &'s self,
        batch: &mut Batch<'s>,
        height: Height,
        deltas: &CountDeltas,
    ) -> Result<()> {
        let family = self.cf(keys::RECORD_INDEX);
        let mut iter = self.db.raw_iterator_cf(family);
        for (counter, delta) in deltas.iter().filter(|(_, delta)| **delta != 0) {
            let before = self.read_counter(&mut iter, counter, Height(u64::MAX))?;
            let after = before
                .checked_add_signed(*delta)
                .ok_or_else(|| self.noted(StorageError::Missing { what: "record count" }))?;
            batch.put_cf(family, at(counter, height), after.to_be_bytes());
        }
        Ok(())
    }

    /// Checks that each listing term's count at the tip is the number of records at the tip
    /// holding it (the answer terms aside), adding each mismatch to `report`.
    pub(crate) fn verify_counts(
        &self,
        report: &mut crate::VerifyReport,
        progress: &mut dyn FnMut(crate::VerifyProgress),
    ) {
        let phase = "counts";
        let mut expected: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mut latest: Option<(Vec<u8>, RecordKey, Option<Vec<u8>>)> = None;
        let mut tally = |latest: Option<(Vec<u8>, RecordKey, Option<Vec<u8>>)>| {
            if let Some((_, key, Some(value))) = latest {
                for term in index::terms(&key, &value) {
                    *expected.entry(term).or_insert(0) += 1;
                }
            }
        };
        for item in self.db.iterator_cf(self.cf(keys::RECORDS), IteratorMode::Start) {
            let Ok((stored, value)) = item else {
                report.problem("counts: the records could not be read".to_owned());
                return;
            };
            let Some(split) = stored.len().checked_sub(8) else { continue };
            let key_bytes = &stored[..split];
            if latest.as_ref().is_none_or(|(bytes, ..)| bytes.as_slice() != key_bytes) {
                tally(latest.take());
                latest = match RecordKey::decode(key_bytes) {
                    Ok(key) if RecordKind::of(&key).is_some() => {
                        Some((key_bytes.to_vec(), key, None))
                    }
                    _ => None,
                };
            }
            if let Some((_, _, current)) = &mut latest {
                *current = codec::decode(&value, RECORD_BYTES_MAX + 8).ok().flatten();
            }
        }
        tally(latest);
        // The stored counts at the tip: each term's last count entry.
        let mut stored: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mode = IteratorMode::From(&[COUNTS], rocksdb::Direction::Forward);
        for item in self.db.iterator_cf(self.cf(keys::RECORD_INDEX), mode) {
            let Ok((key, value)) = item else {
                report.problem("counts: the record index could not be read".to_owned());
                return;
            };
            let Some(term) = key.get(1..key.len().saturating_sub(8)).filter(|t| !t.is_empty())
            else {
                continue;
            };
            stored.insert(term.to_vec(), read_u64(&value).unwrap_or(u64::MAX));
        }
        let answers = answer_terms();
        let terms: std::collections::BTreeSet<&Vec<u8>> =
            expected.keys().chain(stored.keys()).filter(|t| !answers.contains(t)).collect();
        let total = terms.len() as u64;
        for (done, term) in terms.into_iter().enumerate() {
            let (want, have) = (expected.get(term).copied(), stored.get(term).copied());
            if want.unwrap_or(0) != have.unwrap_or(0) {
                report.problem(format!(
                    "record_index: term {} counts {} at the tip, {} records hold it",
                    term.iter().map(|byte| format!("{byte:02x}")).collect::<String>(),
                    have.unwrap_or(0),
                    want.unwrap_or(0)
                ));
            }
            if done % 1_024 == 0 {
                progress(crate::VerifyProgress { phase, done: done as u64, total });
            }
        }
        progress(crate::VerifyProgress { phase, done: total, total });
    }

    /// Writes the listing entries and the aggregates of every record version the store holds,
    /// from the `records` family and the headers' times, as a store of an earlier schema lacks
    /// the aggregates and the side terms. Rerun after a crash, it writes the same entries again.
    /// Its memory follows the number of count changes (one per term per height a term's count
    /// changed at).
    pub(crate) fn rebuild_index(&self) -> Result<()> {
        let base = self.base();
        let mut times: HashMap<u64, u64> = HashMap::new();
        let mut deltas: BTreeMap<(Vec<u8>, u64), i64> = BTreeMap::new();
        let mut batch = Batch::default();
        // The record being read: its key and its value before the version read.
        let mut current: Option<Reading> = None;
        let records = self.db.iterator_cf(self.cf(keys::RECORDS), IteratorMode::Start);
        for item in records {
            let (stored, value) = item.map_err(|e| self.rocks(e))?;
            let Some(split) = stored.len().checked_sub(8) else { continue };
            let (key_bytes, at) = stored.split_at(split);
            let height = Height(read_u64(at).unwrap_or_default());
            if current.as_ref().is_none_or(|(bytes, ..)| bytes.as_slice() != key_bytes) {
                current = match RecordKey::decode(key_bytes) {
                    Ok(key) if RecordKind::of(&key).is_some() => {
                        Some((key_bytes.to_vec(), key, None, None))
                    }
                    _ => None,
                };
            }
            let Some((_, key, old, created)) = &mut current else { continue };
            let new: Option<Vec<u8>> = codec::decode(&value, RECORD_BYTES_MAX + 8)
                .map_err(|source| self.noted(StorageError::Corrupt { what: "record", source }))?;
            // Below a snapshot's base nothing is known: the time of a record brought in is 0.
            let time = if height.0 == 0 || height <= base {
                0
            } else if let Some(time) = times.get(&height.0) {
                *time
            } else {
                let time = self.header(height)?.map_or(0, |header| header.time.0);
                times.insert(height.0, time);
                time
            };
            let (added, removed) =
                self.put_index_change(&mut batch, key, old.as_deref(), new.as_deref(), height);
            let answers = (height > base || height.0 == 0).then_some(time);
            let mut block = CountDeltas::new();
            self.put_aggregates(
                &mut batch,
                &mut block,
                key,
                (old.as_deref(), new.as_deref()),
                (&added, &removed),
                (height, answers),
                *created,
            );
            created.get_or_insert(time);
            for (term, delta) in block {
                *deltas.entry((term, height.0)).or_insert(0) += delta;
            }
            *old = new;
            if batch.len() >= REBUILD_BATCH_ENTRIES {
                self.write(std::mem::take(&mut batch))?;
            }
        }
        let family = self.cf(keys::RECORD_INDEX);
        let mut running: Option<(Vec<u8>, u64)> = None;
        for ((term, height), delta) in deltas {
            let before = match &running {
                Some((current, count)) if *current == term => *count,
                _ => 0,
            };
            let after = before
                .checked_add_signed(delta)
                .ok_or_else(|| self.noted(StorageError::Missing { what: "record count" }))?;
            if delta != 0 {
                batch.put_cf(family, at(&term, Height(height)), after.to_be_bytes());
            }
            running = Some((term, after));
            if batch.len() >= REBUILD_BATCH_ENTRIES {
                self.write(std::mem::take(&mut batch))?;
            }
        }
        self.write(batch)
    }
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        hash::Hash32,
        ids::{GrantId, OrgId, ShareRequestId},
        keys::PublicKey,
        time::Date,
    };

    use super::*;
    use crate::{RecordChange, StoreConfig, index::Side};

    /// The first block's time in `testing::commit_changes`; each block is a second later.
    const T0: u64 = 1_767_196_800_000;

    fn request(id: u64, provider: &str, status: ShareStatus) -> RecordChange {
        request_between(id, ("req", provider), status)
    }

    fn request_between(
        id: u64,
        (requester, provider): (&str, &str),
        status: ShareStatus,
    ) -> RecordChange {
        let request = ShareRequest {
            id: ShareRequestId(id),
            requester_org: requester.into(),
            requester: PublicKey([1; 32]),
            entry: "e-0001".into(),
            provider: provider.into(),
            items: vec![],
            purpose: "p".into(),
            legal_duty: "duty".into(),
            starts: Date::from_ymd(2026, 1, 1).expect("date"),
            ends: Date::from_ymd(2026, 12, 31).expect("date"),
            requested_at: Timestamp(T0),
            status,
            exception: false,
        };
        RecordChange {
            key: RecordKey::ShareRequest(request.id),
            value: Some(codec::encode(&request)),
        }
    }

    fn review(due: u64) -> ShareStatus {
        ShareStatus::UnderReview { answer_due: Timestamp(due) }
    }

    fn granted(id: u64) -> ShareStatus {
        ShareStatus::Granted { grant: GrantId(id) }
    }

    fn filter(org: Option<&str>, status: Option<&str>) -> ListFilter {
        let (org, status) = (org.map(OrgId::from), status.map(str::to_owned));
        ListFilter { org, status, ..ListFilter::default() }
    }

    fn listed(store: &Store, filter: &ListFilter, height: u64) -> u64 {
        let page = store
            .list_records(RecordKind::ShareRequest, filter, Height(height), None, 100)
            .expect("list");
        page.records.len() as u64
    }

    /// Genesis: request 1 under review at `a`. Block 1 (T0): requests 2 (under review, due
    /// T0 + 1500) and 3 (granted at once) at `b`. Block 2 (T0 + 1s): 1 granted (its due was 0:
    /// late), 2 granted on time. Block 3 (T0 + 2s): request 3 deleted, 4 created under review.
    fn chain(dir: &tempfile::TempDir) -> Store {
        let store = Store::open(&StoreConfig::new(dir.path())).expect("open");
        store.init_genesis(Hash32([1; 32]), vec![request(1, "a", review(0))]).expect("genesis");
        for changes in chain_blocks() {
            crate::testing::commit_changes(&store, changes);
        }
        store
    }

    #[test]
    fn a_count_equals_its_listing_at_every_height() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let filters = [
            filter(None, None),
            filter(Some("b"), None),
            filter(None, Some("granted")),
            filter(Some("b"), Some("under-review")),
            filter(Some("c"), None),
        ];

        for height in 0..=3 {
            for filter in &filters {
                let count = store
                    .count_records(RecordKind::ShareRequest, filter, Height(height))
                    .expect("count");
                assert_eq!(count, listed(&store, filter, height), "{filter:?} at {height}");
            }
        }
        let granted_now = store.count_records(
            RecordKind::ShareRequest,
            &filter(None, Some("granted")),
            Height(3),
        );
        assert_eq!(granted_now.expect("count"), 2, "3 was deleted");
    }

    #[test]
    fn answers_are_counted_on_time_or_late_against_the_due_of_their_review() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let count = |status: &str, height: u64| {
            store
                .count_records(
                    RecordKind::ShareRequest,
                    &filter(None, Some(status)),
                    Height(height),
                )
                .expect("count")
        };

        assert_eq!((count(ANSWERED_ON_TIME, 1), count(ANSWERED_LATE, 1)), (1, 0), "3 at once");
        assert_eq!((count(ANSWERED_ON_TIME, 2), count(ANSWERED_LATE, 2)), (2, 1));
        // An answer is never taken back: request 3, deleted, was still answered on time.
        assert_eq!(count(ANSWERED_ON_TIME, 3) + count(ANSWERED_LATE, 3), 3);
    }

    #[test]
    fn counts_by_creation_time_fall_in_their_interval() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let all = filter(None, None);
        let bounds = [0, 1, T0, T0 + 1_000, T0 + 2_000, u64::MAX].map(Timestamp);
        let by_time = |height: u64, bounds: &[Timestamp]| {
            store
                .count_records_by_time(RecordKind::ShareRequest, &all, Height(height), bounds)
                .expect("count")
        };

        // 1 at the genesis (time 0), 2 and 3 in block 1 (T0), 4 in block 3 (T0 + 2 s).
        assert_eq!(by_time(2, &bounds), vec![1, 0, 2, 0, 0]);
        assert_eq!(by_time(3, &bounds), vec![1, 0, 1, 0, 1], "3 deleted, 4 created");
        assert_eq!(by_time(3, &bounds[2..4]), vec![1]);
        assert!(by_time(3, &bounds[..1]).is_empty());
        let created = store.record_created(&RecordKey::ShareRequest(ShareRequestId(4)));
        assert_eq!(created.expect("read"), Some((Timestamp(T0 + 2_000), Height(3))));
    }

    #[test]
    fn hour_and_day_counters_agree_with_the_index_by_time() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let (hour, day) = (HOUR_MS, DAY_MS);
        // T0 is 16:00 UTC: its UTC day starts 16 hours before.
        let day_start = T0 - T0 % day;
        let spans = [
            (day_start, day_start + day),
            (day_start - day, day_start + 2 * day),
            (T0, T0 + hour),
            (T0 - hour, T0 + 2 * hour),
            (T0 + 500, T0 + hour),
            (T0 + 1_000, T0 + 1_001),
            (0, T0 + 1_500),
            (1, u64::MAX),
            (0, u64::MAX),
        ];
        let mut iter = store.db.raw_iterator_cf(store.cf(keys::RECORD_INDEX));

        // An org of a kind between two orgs is counted from its counters and scanned from its
        // two side terms' timed entries (ADR 0044).
        for filter in [
            ListFilter::default(),
            filter(Some("b"), Some("granted")),
            filter(None, Some(ANSWERED_ON_TIME)),
            filter(Some("b"), None),
            filter(Some("req"), None),
        ] {
            let term = index::term(RecordKind::ShareRequest, &filter);
            let listed = index::listing_terms(RecordKind::ShareRequest, &filter);
            for height in 0..=3 {
                for (from, to) in spans {
                    let bounds = [Timestamp(from), Timestamp(to)];
                    let counted = store
                        .count_span(
                            &mut iter,
                            (&term, &listed),
                            Height(height),
                            (from, to),
                            (T0, T0 + 2_000),
                        )
                        .expect("count");
                    let scanned = store
                        .scan_span((&term, &listed), Height(height), (from, to))
                        .expect("scan");
                    assert_eq!(counted, scanned, "{bounds:?} at {height}");
                }
            }
        }
        let all = store
            .count_records_by_time(
                RecordKind::ShareRequest,
                &ListFilter::default(),
                Height(3),
                &[Timestamp(0), Timestamp(day_start), Timestamp(day_start + day)],
            )
            .expect("count");
        assert_eq!(all, vec![1, 2], "the genesis's request, then 2 and 4 (3 was deleted)");
    }

    #[test]
    fn a_rebuild_writes_the_index_each_block_wrote() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let written = index_entries(&store);
        for (key, _) in &written {
            store.db.delete_cf(store.cf(keys::RECORD_INDEX), key).expect("delete");
        }

        store.rebuild_index().expect("rebuild");

        let aggregates = written.iter().filter(|(key, _)| key[0] >= TIMED).count();
        assert!(aggregates > 20, "{aggregates}");
        assert_eq!(index_entries(&store), written);
    }

    /// Keys and values read from a store.
    type Entries = Vec<(Box<[u8]>, Box<[u8]>)>;

    /// Every entry of the `record_index` family and the pending mark.
    fn index_entries(store: &Store) -> Entries {
        let family = store.cf(keys::RECORD_INDEX);
        let mut entries: Vec<_> =
            store.db.iterator_cf(family, IteratorMode::Start).map(|i| i.expect("read")).collect();
        let pending = store.db.get_cf(store.cf(keys::META), keys::META_INDEX_PENDING);
        if let Some(value) = pending.expect("read") {
            entries.push((keys::META_INDEX_PENDING.into(), value.into()));
        }
        entries
    }

    /// The blocks of [`chain`] after the genesis.
    fn chain_blocks() -> Vec<Vec<RecordChange>> {
        vec![
            vec![request(2, "b", review(T0 + 1_500)), request(3, "b", granted(3))],
            vec![request(1, "a", granted(1)), request(2, "b", granted(2))],
            vec![
                RecordChange { key: RecordKey::ShareRequest(ShareRequestId(3)), value: None },
                request(4, "b", review(T0 + 9_000)),
            ],
        ]
    }

    #[test]
    fn a_block_whose_index_batch_was_lost_gets_it_back_on_open_or_at_the_next_commit() {
        let whole_dir = tempfile::tempdir().expect("dir");
        let whole_store = chain(&whole_dir);
        let whole = index_entries(&whole_store);
        assert!(whole.len() > 30, "{}", whole.len());
        assert!(!whole.iter().any(|(key, _)| &**key == keys::META_INDEX_PENDING));

        // The last block's index lost, as by a crash after its synced batch: the block stands,
        // the pending mark names it, and opening the store writes its index.
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&StoreConfig::new(dir.path())).expect("open");
        store.init_genesis(Hash32([1; 32]), vec![request(1, "a", review(0))]).expect("genesis");
        let mut blocks = chain_blocks();
        let last = blocks.pop().expect("three blocks");
        for changes in blocks {
            crate::testing::commit_changes(&store, changes);
        }
        store.lose_index.store(true, std::sync::atomic::Ordering::SeqCst);
        let error = crate::testing::try_commit_changes(&store, last).expect_err("index lost");
        assert!(error.to_string().contains("lost by a test"), "{error}");
        assert_eq!(store.tip().expect("tip").height, Height(3), "the block itself was written");
        let lost = index_entries(&store);
        assert_ne!(lost, whole);
        // The mark's bytes, as `docs/formats.md` section 31 shows them: height 3, requests 3
        // and 4.
        let pending = lost.iter().find(|(key, _)| &**key == keys::META_INDEX_PENDING);
        let expected = "0300000000000000 02000000 08 0300000000000000 08 0400000000000000";
        let hex = |bytes: &[u8]| bytes.iter().map(|byte| format!("{byte:02x}")).collect::<String>();
        assert_eq!(pending.map(|(_, value)| hex(value)), Some(expected.replace(' ', "")));
        drop(store);
        let store = Store::open(&StoreConfig::new(dir.path())).expect("reopen");
        assert_eq!(index_entries(&store), whole);

        // The middle block's index lost and the store left open: the next commit writes it
        // before its own block.
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&StoreConfig::new(dir.path())).expect("open");
        store.init_genesis(Hash32([1; 32]), vec![request(1, "a", review(0))]).expect("genesis");
        for (n, changes) in chain_blocks().into_iter().enumerate() {
            if n == 1 {
                store.lose_index.store(true, std::sync::atomic::Ordering::SeqCst);
                crate::testing::try_commit_changes(&store, changes).expect_err("index lost");
            } else {
                crate::testing::commit_changes(&store, changes);
            }
        }
        assert_eq!(index_entries(&store), whole);
        let granted = filter(Some("b"), Some("granted"));
        for height in 0..=3 {
            assert_eq!(listed(&store, &granted, height), listed(&whole_store, &granted, height));
        }
    }

    #[test]
    fn the_layout_is_fixed() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let get = |hex_key: &str| {
            let key: Vec<u8> = (0..hex_key.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex_key[i..i + 2], 16).expect("hex"))
                .collect();
            let value = store.db.get_cf(store.cf(keys::RECORD_INDEX), key).expect("read");
            value.map(|v| v.iter().map(|b| format!("{b:02x}")).collect::<String>())
        };

        // docs/formats.md §30: the count of share requests from height 1 on, the creation of
        // share request 4, its entry in the kind's time index, a provider side term's count
        // and the count of requests answered on time.
        let created = "0000019b75233bd0";
        assert_eq!(get("ff066b0000000000000001").as_deref(), Some("0000000000000003"));
        assert_eq!(get("ff066b0000000000000003"), None, "block 3 left the count as it was");
        assert_eq!(
            get("fe080400000000000000").as_deref(),
            Some("0000019b75233bd00000000000000003")
        );
        let timed = format!("fd066b{created}00000000000000040000000000000003");
        assert_eq!(get(&timed).as_deref(), Some("01"));
        assert_eq!(get("ff067601620000000000000001").as_deref(), Some("0000000000000002"));
        let on_time = "ff067310616e7377657265642d6f6e2d74696d650000000000000002";
        assert_eq!(get(on_time).as_deref(), Some("0000000000000002"));
    }

    #[test]
    fn verify_finds_a_count_that_is_off() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let sound = store.verify_all(&mut |_| {}).expect("verify");
        let term = index::term(RecordKind::ShareRequest, &filter(Some("b"), None));
        let family = store.cf(keys::RECORD_INDEX);
        store.db.put_cf(family, count_key(&term, Height(3)), 7u64.to_be_bytes()).expect("put");

        let damaged = store.verify_all(&mut |_| {}).expect("verify");

        // The test chain's blocks carry no commit certificates: those problems are in both.
        let counts = |report: &crate::VerifyReport| -> Vec<String> {
            report.problems.iter().filter(|p| p.starts_with("record_index")).cloned().collect()
        };
        assert_eq!(counts(&sound), Vec::<String>::new());
        assert_eq!(damaged.problems_total, sound.problems_total + 1);
        let found = counts(&damaged);
        assert!(found[0].ends_with("counts 7 at the tip, 2 records hold it"), "{found:?}");
    }

    #[test]
    fn a_side_count_keeps_the_org_on_that_side() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chain(&dir);
        let count = |org: &str, side: Side| {
            let filter =
                ListFilter { org: Some(org.into()), side: Some(side), ..ListFilter::default() };
            store.count_records(RecordKind::ShareRequest, &filter, Height(3)).expect("count")
        };

        // Requests 1, 2 and 4 stand (3 was deleted): `req` asked for all three, of `a` and `b`.
        assert_eq!(count("b", Side::Provider), 2);
        assert_eq!(count("b", Side::Party), 0);
        assert_eq!(count("req", Side::Party), 3);
        assert_eq!(count("req", Side::Provider), 0);
    }

    #[test]
    fn a_store_of_schema_5_gains_its_aggregates_on_open() {
        let dir = tempfile::tempdir().expect("dir");
        drop(chain(&dir));
        {
            let store = Store::open_database(&StoreConfig::new(dir.path())).expect("raw");
            let family = store.cf(keys::RECORD_INDEX);
            let keys: Vec<Box<[u8]>> = store
                .db
                .iterator_cf(family, IteratorMode::Start)
                .map(|item| item.expect("read").0)
                .filter(|key| key[0] >= TIMED)
                .collect();
            for key in keys {
                store.db.delete_cf(family, key).expect("delete");
            }
            let version = keys::SCHEMA_VERSION_NO_AGGREGATES.to_be_bytes();
            store.db.put_cf(store.cf(keys::META), keys::META_SCHEMA, version).expect("mark");
        }

        let store = Store::open(&StoreConfig::new(dir.path())).expect("upgraded");

        let all = filter(None, None);
        let count = store.count_records(RecordKind::ShareRequest, &all, Height(3));
        assert_eq!(count.expect("count"), 3);
        let schema = store.db.get_cf(store.cf(keys::META), keys::META_SCHEMA).expect("read");
        assert_eq!(schema.as_deref(), Some(keys::SCHEMA_VERSION.to_be_bytes().as_slice()));
    }

    /// The keys of every page of the listing of `filter` at `height`, pages of two.
    fn paged(store: &Store, filter: &ListFilter, height: u64) -> Vec<RecordKey> {
        let (mut keys, mut after) = (Vec::new(), None);
        loop {
            let page = store
                .list_records(RecordKind::ShareRequest, filter, Height(height), after.as_deref(), 2)
                .expect("list");
            keys.extend(page.records.into_iter().map(|(key, _)| key));
            match page.next {
                Some(next) => after = Some(next),
                None => return keys,
            }
        }
    }

    /// A change of one of a few share requests: its orgs (one org may be both sides) and
    /// status, or a deletion.
    type Change = (u64, Option<(usize, usize, u8)>);

    const ORGS: [&str; 3] = ["a", "b", "c"];

    fn change_strategy() -> impl proptest::strategy::Strategy<Value = Change> {
        (0..6u64, proptest::option::weighted(0.8, (0..3usize, 0..3usize, 0..3u8)))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

        /// ADR 0044: the org listing of a kind between two orgs, read from its two side terms,
        /// lists at every height exactly the records naming the org on either side (once when
        /// on both), page after page. ADR 0045: its count, and that of a status and of an org in
        /// a status, by creation time over spans that end inside an hour (read from the kind's
        /// timed entries and the term's listing) equal the model's.
        #[test]
        fn an_org_listing_of_requests_is_the_union_of_its_two_sides(
            blocks in proptest::collection::vec(
                proptest::collection::vec(change_strategy(), 1..5),
                1..6,
            )
        ) {
            let dir = tempfile::tempdir().expect("dir");
            let store = Store::open(&StoreConfig::new(dir.path())).expect("open");
            store.init_genesis(Hash32([1; 32]), vec![]).expect("genesis");
            // The model: per height, each standing request's two orgs and status; and the
            // height that first wrote each request (its creation entry, which stays).
            let mut standing: BTreeMap<u64, (usize, usize, &str)> = BTreeMap::new();
            let mut created: BTreeMap<u64, u64> = BTreeMap::new();
            let mut model = vec![standing.clone()];
            for (n, block) in blocks.iter().enumerate() {
                let mut changes = Vec::new();
                for (id, change) in block {
                    let key = RecordKey::ShareRequest(ShareRequestId(*id));
                    // The block that first wrote the record, a deletion included.
                    created.entry(*id).or_insert(n as u64 + 1);
                    match change {
                        Some((requester, provider, status)) => {
                            let (status, name) = match status {
                                0 => (review(T0 + 10_000), "under-review"),
                                1 => (granted(*id), "granted"),
                                _ => (ShareStatus::Withdrawn, "withdrawn"),
                            };
                            let orgs = (ORGS[*requester], ORGS[*provider]);
                            changes.push(request_between(*id, orgs, status));
                            standing.insert(*id, (*requester, *provider, name));
                        }
                        None => {
                            changes.push(RecordChange { key, value: None });
                            standing.remove(id);
                        }
                    }
                }
                crate::testing::commit_changes(&store, changes);
                model.push(standing.clone());
            }
            // Block `h` is at T0 + (h - 1) s: the second bound cuts the hour of T0 after
            // block 2.
            let bounds = [Timestamp(0), Timestamp(T0 + 1_500), Timestamp(T0 + 3_600_000)];
            let mut filters: Vec<(Option<usize>, Option<&str>)> = Vec::new();
            for org in [None, Some(0), Some(1), Some(2)] {
                for status in [None, Some("withdrawn"), Some("granted")] {
                    if org.is_some() || status.is_some() {
                        filters.push((org, status));
                    }
                }
            }
            for (height, standing) in model.iter().enumerate() {
                let height = height as u64;
                for (org, status) in &filters {
                    let expected: Vec<u64> = standing
                        .iter()
                        .filter(|(_, (requester, provider, name))| {
                            org.is_none_or(|n| *requester == n || *provider == n)
                                && status.is_none_or(|status| status == *name)
                        })
                        .map(|(id, _)| *id)
                        .collect();
                    let keys: Vec<RecordKey> = expected
                        .iter()
                        .map(|id| RecordKey::ShareRequest(ShareRequestId(*id)))
                        .collect();
                    let of = filter(org.map(|n| ORGS[n]), *status);
                    let listed = paged(&store, &of, height);
                    proptest::prop_assert_eq!(&listed, &keys, "{:?} at {}", of, height);
                    let count = store
                        .count_records(RecordKind::ShareRequest, &of, Height(height))
                        .expect("count");
                    proptest::prop_assert_eq!(count, keys.len() as u64);
                    let early = expected.iter().filter(|id| created[*id] <= 2).count() as u64;
                    let by_time = store
                        .count_records_by_time(
                            RecordKind::ShareRequest,
                            &of,
                            Height(height),
                            &bounds,
                        )
                        .expect("count by time");
                    proptest::prop_assert_eq!(
                        by_time,
                        vec![early, keys.len() as u64 - early],
                        "{:?} at {}",
                        of,
                        height
                    );
                    for key in &keys {
                        let value = store.record(key, Height(height)).expect("read").expect("held");
                        let admitted = of.admits(RecordKind::ShareRequest, key, &value);
                        proptest::prop_assert!(admitted);
                    }
                }
            }
            let mut report = crate::VerifyReport::default();
            store.verify_counts(&mut report, &mut |_| {});
            proptest::prop_assert!(report.problems.is_empty(), "{:?}", report.problems);
            // No org entry of the kind is stored (its listing is its sides'), and no timed entry
            // but the kind term's and the answer terms'.
            let family = store.cf(keys::RECORD_INDEX);
            let kind = RecordKind::ShareRequest as u8;
            let stored = store
                .db
                .iterator_cf(family, IteratorMode::Start)
                .map(|item| item.expect("read").0)
                .filter(|key| key.starts_with(&[kind, b'o']) || removable_timed(key))
                .count();
            proptest::prop_assert_eq!(stored, 0);
        }
    }

    /// Whether `key` is a timed entry of a term without [`has_timed`].
    fn removable_timed(key: &[u8]) -> bool {
        key.first() == Some(&TIMED)
            && key.get(2) != Some(&b'k')
            && !answer_terms().iter().any(|term| key[1..].starts_with(term))
    }

    /// A store of schema 8 holds the org listing entries of the kinds between two orgs, one of
    /// schema 8 or 9 a timed entry for every term; opening it deletes those this schema does not
    /// keep, with the new schema mark, and its listings and counts read the same.
    #[test]
    fn a_store_of_schema_8_or_9_loses_the_entries_it_no_longer_keeps_and_reads_the_same() {
        for mark in [keys::SCHEMA_VERSION_SIDED_ORG_ENTRIES, keys::SCHEMA_VERSION_TIMED_PER_TERM] {
            upgraded_from(mark);
        }
    }

    fn upgraded_from(mark: u32) {
        let dir = tempfile::tempdir().expect("dir");
        let filters = [filter(Some("a"), None), filter(Some("b"), None), filter(Some("req"), None)];
        // `chain`'s requests naming `a`, `b` and `req` (the requester of all) at heights 0 to 3.
        let ids = |ids: &[u64]| -> Vec<RecordKey> {
            ids.iter().map(|id| RecordKey::ShareRequest(ShareRequestId(*id))).collect()
        };
        let expected: Vec<Vec<RecordKey>> = [
            [&[1][..], &[], &[1]],
            [&[1], &[2, 3], &[1, 2, 3]],
            [&[1], &[2, 3], &[1, 2, 3]],
            [&[1], &[2, 4], &[1, 2, 4]],
        ]
        .iter()
        .flat_map(|at| at.iter().map(|listed| ids(listed)))
        .collect();
        drop(chain(&dir));
        let listing = vec![RecordKind::ShareRequest as u8, b'o'];
        let removable = |key: &[u8]| key.starts_with(&listing) || removable_timed(key);
        let other_entries = |store: &Store| {
            let family = store.cf(keys::RECORD_INDEX);
            store
                .db
                .iterator_cf(family, IteratorMode::Start)
                .map(|item| item.expect("read"))
                .filter(|(key, _)| !removable(key))
                .collect::<Vec<_>>()
        };
        let kept = {
            // What schemas 8 and 9 wrote beside, from the records family: each version's org
            // listing entries and a timed entry for every term (schema 9 wrote no org entries of
            // requests, but a store it opened kept them until now).
            let store = Store::open_database(&StoreConfig::new(dir.path())).expect("raw");
            let family = store.cf(keys::RECORD_INDEX);
            let mut written = 0;
            let mut old: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
            let versions: Vec<_> = store
                .db
                .iterator_cf(store.cf(keys::RECORDS), IteratorMode::Start)
                .map(|item| item.expect("read"))
                .collect();
            for (stored, value) in versions {
                let (key_bytes, at) = stored.split_at(stored.len() - 8);
                let key = RecordKey::decode(key_bytes).expect("key");
                if !matches!(key, RecordKey::ShareRequest(_)) {
                    continue;
                }
                let value: Option<Vec<u8>> =
                    codec::decode(&value, RECORD_BYTES_MAX + 8).expect("value");
                let terms_of = |value: Option<&Vec<u8>>| -> Vec<Vec<u8>> {
                    value.map(|value| index::terms(&key, value)).unwrap_or_default()
                };
                let (was, now) = (terms_of(old.get(key_bytes)), terms_of(value.as_ref()));
                let created = store.record_created(&key).expect("read").expect("created").0.0;
                for (term, mark) in now
                    .iter()
                    .filter(|t| !was.contains(t))
                    .map(|t| (t, 1u8))
                    .chain(was.iter().filter(|t| !now.contains(t)).map(|t| (t, 0u8)))
                {
                    let sort_id = index::sort_id(&key);
                    if term.starts_with(&listing) {
                        let entry = if mark == 1 { index::present(&key) } else { vec![0] };
                        let entry_key = [term.as_slice(), &sort_id, at].concat();
                        store.db.put_cf(family, entry_key, entry).expect("put");
                        written += 1;
                    }
                    if !has_timed(term) {
                        let timed_key =
                            [&[TIMED], term.as_slice(), &created.to_be_bytes(), &sort_id, at]
                                .concat();
                        store.db.put_cf(family, timed_key, [mark]).expect("put");
                        written += 1;
                    }
                }
                match value {
                    Some(value) => old.insert(key_bytes.to_vec(), value),
                    None => old.remove(key_bytes),
                };
            }
            assert!(written >= 20, "the earlier schema's entries written: {written}");
            let family = store.cf(keys::META);
            store.db.put_cf(family, keys::META_SCHEMA, mark.to_be_bytes()).expect("mark");
            other_entries(&store)
        };

        let store = Store::open(&StoreConfig::new(dir.path())).expect("upgraded");

        let schema = store.db.get_cf(store.cf(keys::META), keys::META_SCHEMA).expect("read");
        assert_eq!(schema.as_deref(), Some(keys::SCHEMA_VERSION.to_be_bytes().as_slice()));
        let family = store.cf(keys::RECORD_INDEX);
        let left = store
            .db
            .iterator_cf(family, IteratorMode::Start)
            .map(|item| item.expect("read").0)
            .filter(|key| removable(key))
            .count();
        assert_eq!(left, 0, "the org entries of requests and the unused timed entries are gone");
        assert_eq!(other_entries(&store), kept, "every other index entry is kept");
        let after: Vec<Vec<RecordKey>> = (0..=3)
            .flat_map(|h| filters.iter().map(move |f| (h, f)))
            .map(|(h, f)| paged(&store, f, h))
            .collect();
        assert_eq!(after, expected);
        // Request 1 is of the genesis (time 0), 2 and 3 of block 1 (T0), 4 of block 3 (T0 + 2 s).
        let bounds = [Timestamp(0), Timestamp(T0 + 1_500), Timestamp(T0 + 3_600_000)];
        let by_time: Vec<Vec<u64>> = filters
            .iter()
            .map(|filter| {
                store
                    .count_records_by_time(RecordKind::ShareRequest, filter, Height(3), &bounds)
                    .expect("count by time")
            })
            .collect();
        assert_eq!(by_time, [vec![1, 0], vec![1, 1], vec![2, 1]], "a, b, req");
        let mut report = crate::VerifyReport::default();
        store.verify_counts(&mut report, &mut |_| {});
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }
}
