//! One file per subcommand.

pub(crate) mod anchor;
pub(crate) mod backup;
pub(crate) mod config;
pub(crate) mod demo;
pub(crate) mod explorer;
pub(crate) mod genesis;
pub(crate) mod init;
pub(crate) mod inspect;
pub(crate) mod keys;
pub(crate) mod proof;
pub(crate) mod read;
pub(crate) mod remote;
pub(crate) mod restore;
pub(crate) mod snapshot;
pub(crate) mod start;
pub(crate) mod status;
pub(crate) mod testnet;
pub(crate) mod tx;
pub(crate) mod verify_proof;
pub(crate) mod witness;

use onebook_genesis::GenesisFile;
use onebook_storage::Store;

use crate::{Config, Home};

/// The embedded development genesis (public keys only; dev keys are derived from labels).
pub(crate) const DEV_GENESIS: &str = include_str!("../../../../genesis/networks/dev.json");

/// Loads the effective configuration of `home`.
pub(crate) fn load_config(home: &Home, overrides: &[String]) -> eyre::Result<Config> {
    Config::load(&home.config_path(), std::env::vars(), overrides)
}

/// Opens the home's store, writing the genesis state first if the store is new.
pub(crate) fn open_store(home: &Home, config: &Config) -> eyre::Result<(Store, GenesisFile)> {
    let genesis = home.genesis()?;
    let data = config.storage.data_path(home.root());
    let store = Store::open(&config.storage.store_config(&data, genesis.suite)?)?;
    store.init_genesis_state(genesis.hash(), genesis.initial_state())?;
    Ok((store, genesis))
}
