//! `onebook init`: create a node home.

use std::fs;

use clap::Args;
use eyre::{WrapErr, bail};
use onebook_genesis::{GenesisFile, dev_secret_in};
use onebook_types::{keys::SecretKey, suite::Suite};

use crate::{Config, Home, KeyProtection, home::read_genesis};

/// Create a node home: config.toml, genesis.json, a node key and the data directory.
#[derive(Debug, Args)]
pub struct InitCommand {
    /// Genesis file to use. Defaults to the embedded development network (dev keys are public).
    #[arg(long)]
    genesis: Option<std::path::PathBuf>,
    /// Derive the node key from this public dev label (e.g. `xm-dsj/node`) instead of generating
    /// a random one. Only for development networks.
    #[arg(long)]
    dev_key: Option<String>,
    /// A human name for the node.
    #[arg(long)]
    moniker: Option<String>,
    /// Seal the node key under a passphrase even on a `dev_only` network (it always is on
    /// another network).
    #[arg(long)]
    encrypt: bool,
}

impl InitCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        if home.config_path().exists() || home.genesis_path().exists() {
            bail!("{} already holds a node home; choose another --home", home.root().display());
        }
        let genesis = match &self.genesis {
            Some(path) => read_genesis(path)?,
            None => GenesisFile::from_json_validated(super::DEV_GENESIS.as_bytes())?,
        };
        let mut config = Config::load(&home.config_path(), std::env::vars(), overrides)?;
        if let Some(moniker) = self.moniker {
            config.node.moniker = moniker;
        }
        let node_key = match &self.dev_key {
            Some(label) if genesis.dev_only => dev_secret_in(genesis.suite, label),
            Some(_) => bail!("--dev-key is only allowed with a dev_only genesis"),
            None => random_key(genesis.suite)?,
        };
        let protection = if self.encrypt || !genesis.dev_only {
            KeyProtection::Encrypted
        } else {
            KeyProtection::Plain
        };
        let data = config.storage.data_path(home.root());
        fs::create_dir_all(&data).wrap_err_with(|| format!("creating {}", data.display()))?;
        // The key first: if its passphrase cannot be had, no config or genesis is left behind
        // and init can simply run again.
        let key_path = home.write_key(&config.node.node_key, &node_key, protection)?;
        // A national chain's node key cannot identify it to libp2p: it gets an ed25519
        // transport key of its own (ADR 0026), which its peers name it by.
        let transport = if genesis.suite == Suite::Ed25519Blake3 {
            None
        } else {
            let key = random_key(Suite::Ed25519Blake3)?;
            let name = super::testnet::TRANSPORT_KEY;
            let path = home.write_key(name, &key, protection)?;
            config.node.network_key = Some(name.into());
            Some((key.public_key(), path))
        };
        fs::write(home.genesis_path(), genesis.to_json_pretty())?;
        fs::write(home.config_path(), config.to_toml())?;
        println!("home        {}", home.root().display());
        println!("chain id    {}", genesis.chain_id);
        println!("genesis     {}", genesis.hash());
        println!("node key    {} ({})", node_key.public_key(), key_path.display());
        if let Some((public_key, path)) = transport {
            println!("transport   {public_key} ({}; peers name this node by it)", path.display());
        }
        Ok(())
    }
}

/// A fresh key of `suite` from the operating system's random source. An SM2 seed out of range
/// (a chance of about 2⁻³²) is drawn again.
pub(crate) fn random_key(suite: Suite) -> eyre::Result<SecretKey> {
    loop {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| eyre::eyre!("no randomness available: {e}"))?;
        if let Ok(key) = SecretKey::from_seed_in(suite, seed) {
            return Ok(key);
        }
    }
}
