//! Committed txs found by the first hex digits of their hash. The tx family is keyed by the
//! hash itself, so a prefix is one seek and a short forward scan: no index of its own.

use borsh::BorshDeserialize;
use onebook_types::hash::Hash32;
use rocksdb::{Direction, IteratorMode};

use crate::{
    error::{Result, StorageError},
    keys,
    store::{Store, TxLocation},
};

/// A prefix of a hash written in hex: its whole bytes and, for an odd number of digits, the
/// high nibble of the next byte.
#[derive(Clone, Debug, PartialEq, Eq)]
struct HexPrefix {
    bytes: Vec<u8>,
    nibble: Option<u8>,
}

impl HexPrefix {
    /// `text` as a prefix, if it is 1 to 64 hex digits (either case).
    fn parse(text: &str) -> Option<Self> {
        if text.is_empty() || text.len() > 64 {
            return None;
        }
        let digits: Vec<u8> = text
            .chars()
            .map(|c| c.to_digit(16).and_then(|digit| u8::try_from(digit).ok()))
            .collect::<Option<_>>()?;
        let bytes = digits.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]).collect();
        let nibble = (digits.len() % 2 == 1).then(|| digits[digits.len() - 1]);
        Some(Self { bytes, nibble })
    }

    /// The first key at or above every key with this prefix.
    fn seek_key(&self) -> Vec<u8> {
        let mut key = self.bytes.clone();
        key.extend(self.nibble.map(|nibble| nibble << 4));
        key
    }

    fn matches(&self, key: &[u8]) -> bool {
        key.starts_with(&self.bytes)
            && self
                .nibble
                .is_none_or(|nibble| key.get(self.bytes.len()).map(|b| b >> 4) == Some(nibble))
    }
}

impl Store {
    /// The committed txs whose hash starts with the hex digits `prefix` (either case), in hash
    /// order, at most `limit`, and whether more match. A `prefix` that is not 1 to 64 hex digits
    /// matches nothing; callers decide how short a prefix they accept.
    pub fn txs_with_hash_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<(Vec<(Hash32, TxLocation)>, bool)> {
        let Some(prefix) = HexPrefix::parse(prefix) else { return Ok((Vec::new(), false)) };
        let start = prefix.seek_key();
        let mode = IteratorMode::From(&start, Direction::Forward);
        let mut found = Vec::new();
        for item in self.db().iterator_cf(self.cf(keys::TXS), mode) {
            let (key, value) = item.map_err(|e| self.rocks(e))?;
            if !prefix.matches(&key) {
                break;
            }
            if found.len() == limit {
                return Ok((found, true));
            }
            let hash = <[u8; 32]>::try_from(key.as_ref())
                .map(Hash32)
                .map_err(|_| self.noted(StorageError::Missing { what: "a 32-byte tx hash key" }))?;
            let location = TxLocation::deserialize(&mut value.as_ref()).map_err(|e| {
                self.noted(StorageError::Corrupt {
                    what: "tx",
                    source: onebook_types::codec::DecodeError::Invalid(e),
                })
            })?;
            found.push((hash, location));
        }
        Ok((found, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_reads_whole_bytes_and_a_last_nibble() {
        let even = HexPrefix::parse("AB01").unwrap();
        let odd = HexPrefix::parse("ab0").unwrap();

        assert_eq!(even, HexPrefix { bytes: vec![0xab, 0x01], nibble: None });
        assert_eq!(odd, HexPrefix { bytes: vec![0xab], nibble: Some(0) });
        assert_eq!(odd.seek_key(), [0xab, 0x00]);
        assert!(odd.matches(&[0xab, 0x0f, 0xff]));
        assert!(!odd.matches(&[0xab, 0x10]));
        assert!(!odd.matches(&[0xab]));
        assert_eq!(HexPrefix::parse("ag"), None);
        assert_eq!(HexPrefix::parse(""), None);
    }
}
