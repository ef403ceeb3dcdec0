//! Onebook's genesis file: its format, validation, hash and the state at height 0.
//!
//! A [`GenesisFile`] is hashed chain data, not configuration: it names the chain, its start time,
//! the first orgs, members and validators, and the first [`Policy`](onebook_types::consortium::Policy).
//! The CLI reads the JSON file and passes its bytes to [`GenesisFile::from_json`]; this crate
//! never touches files, clocks or randomness. [`GenesisFile::validate`] collects every problem
//! at once, each a sentence naming the field and the rule it breaks. [`GenesisFile::hash`] is
//! taken over the canonical (borsh) encoding, so reformatting the JSON does not change it, and
//! [`GenesisFile::initial_state`] gives the records the state tree holds at height 0.
//!
//! Validators and witnesses may be listed in any order; [`GenesisFile::validator_set`] and
//! [`GenesisFile::checkpoint_policy`] sort them by key and validation refuses a key listed twice. Every other list that the ledger searches
//! (roles, holidays, make-up workdays, legal bases) must already be sorted, as in the records.
//!
//! # The dev network
//!
//! `networks/dev.json` is a Xiamen-shaped network whose keys are all derived by [`dev_secret`]
//! and therefore public. Its hierarchy: `fj-gov` (福建省人民政府) is the root; the provincial
//! data node `fj-sjj` and the Xiamen city government `xm-gov` sit under it; the Xiamen data
//! bureau `xm-dsj` (the city's data authority), the public security bureau `xm-gaj` and the
//! market regulation bureau `xm-scjg` sit under `xm-gov`, because a bureau belongs to its
//! government, not to the data bureau. The data-property registration centre `xm-djzx` sits
//! under the data bureau that runs it. The trading platform `xm-jypt` is an enterprise outside
//! the government hierarchy, so it has no parent.

mod dev;
mod error;
mod file;
mod validate;

pub use dev::{DEV_KEY_PREFIX, dev_secret, dev_secret_in};
pub use error::{GenesisError, GenesisErrors, Problem};
pub use file::{GenesisCheckpoints, GenesisFile, GenesisMember, GenesisOrg, GenesisWitness};

#[cfg(test)]
mod tests;
