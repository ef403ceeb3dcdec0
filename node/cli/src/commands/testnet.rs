//! `onebook testnet`: write the homes of a local network.

use std::{fs, path::PathBuf};

use clap::Args;
use eyre::{WrapErr, bail};
use onebook_genesis::{GenesisFile, dev_secret_in};
use onebook_types::{keys::SecretKey, suite::Suite};

use crate::{Config, Home, KeyProtection, home::read_genesis};

/// The name of a national chain's node's transport key file (`[node] network_key`).
pub(crate) const TRANSPORT_KEY: &str = "transport";

/// Write the homes of a local network on 127.0.0.1: one validator per validator of the genesis
/// (the embedded development network by default, whose node keys are public dev keys), plus
/// observers with fresh keys. Each home gets its config with its own ports and its peers.
#[derive(Debug, Args)]
pub struct TestnetCommand {
    /// How many validator nodes; the genesis must have at least as many validators.
    #[arg(long, default_value_t = 4)]
    nodes: usize,
    /// How many observer (non-validator) nodes to add.
    #[arg(long, default_value_t = 0)]
    observers: usize,
    /// Where to write the homes (`node0`, `node1`, ...).
    #[arg(long)]
    out: PathBuf,
    /// The first port; node `i` uses `base_port + 10 i` for its API, the next for consensus and
    /// the one after for tx gossip.
    #[arg(long, default_value_t = 26_600)]
    base_port: u16,
    /// Genesis file; defaults to the embedded development network.
    #[arg(long)]
    genesis: Option<PathBuf>,
    /// How long an idle chain waits before an empty block (`[consensus] idle_block_interval`),
    /// e.g. `10s` or `500ms`; `0s` makes blocks back to back.
    #[arg(long, value_parser = humantime::parse_duration)]
    idle_block_interval: Option<std::time::Duration>,
    /// Run the ledger clock this many times faster than the wall clock, from now on (`[clock]`
    /// of every home), so that days of block time (public notices, deadlines, grant terms) pass
    /// in minutes: 1440 makes a day a minute. 1, the default, is the wall clock.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::clock::CLOCK_RATE_MAX)))]
    clock_rate: u32,
    /// The network's cryptographic suite: the genesis's own by default; `sm2-sm3` (or
    /// `ed25519-blake3`) derives every dev key of the `dev_only` genesis again in that suite.
    #[arg(long)]
    suite: Option<Suite>,
}

impl TestnetCommand {
    /// Runs the command.
    pub fn execute(self) -> eyre::Result<()> {
        let genesis = match &self.genesis {
            Some(path) => read_genesis(path)?,
            None => GenesisFile::from_json_validated(super::DEV_GENESIS.as_bytes())?,
        };
        if !genesis.dev_only {
            bail!(
                "testnet derives the validators' node keys from public dev labels, so it needs a dev_only genesis"
            );
        }
        let genesis = match self.suite {
            Some(suite) if suite != genesis.suite => {
                let genesis = genesis.with_dev_suite(suite)?;
                genesis.validate()?;
                genesis
            }
            _ => genesis,
        };
        if self.nodes == 0 || self.nodes > genesis.validators.len() {
            bail!(
                "--nodes must be between 1 and {} (the validators of the genesis)",
                genesis.validators.len()
            );
        }
        let total = self.nodes + self.observers;
        let last_port = u32::from(self.base_port) + 10 * u32::try_from(total)? + 2;
        if last_port > u32::from(u16::MAX) {
            bail!("--base-port {} leaves no room for {total} nodes", self.base_port);
        }
        if self.out.exists() && fs::read_dir(&self.out)?.next().is_some() {
            bail!("{} is not empty; choose another --out", self.out.display());
        }
        let clock = crate::clock::ClockSection {
            rate: self.clock_rate,
            anchor_ms: if self.clock_rate > 1 { crate::clock::wall_ms() } else { 0 },
        };
        let mut keys = Vec::with_capacity(total);
        for index in 0..total {
            let key = match genesis.validators.get(index) {
                Some(validator) if index < self.nodes => {
                    let key = dev_secret_in(genesis.suite, &format!("{}/node", validator.org));
                    if key.public_key() != validator.node_key {
                        bail!(
                            "validator {index} of the genesis ({}) does not use the dev key `{}/node`",
                            validator.org,
                            validator.org
                        );
                    }
                    key
                }
                _ => super::init::random_key(genesis.suite)?,
            };
            keys.push(key);
        }
        // The libp2p transport keys, which peers name each other by: ed25519 in every suite.
        // In the default suite the node key doubles as the transport key; a national chain's
        // node has a separate ed25519 transport key (ADR 0026).
        let transport: Vec<Option<SecretKey>> = if genesis.suite == Suite::Ed25519Blake3 {
            (0..total).map(|_| None).collect()
        } else {
            (0..total)
                .map(|index| match genesis.validators.get(index) {
                    Some(validator) if index < self.nodes => Ok(Some(dev_secret_in(
                        Suite::Ed25519Blake3,
                        &format!("{}/transport", validator.org),
                    ))),
                    _ => super::init::random_key(Suite::Ed25519Blake3).map(Some),
                })
                .collect::<eyre::Result<_>>()?
        };
        let peer_key = |index: usize| match &transport[index] {
            Some(key) => key.public_key(),
            None => keys[index].public_key(),
        };
        for (index, key) in keys.iter().enumerate() {
            let home = Home::new(Some(self.out.join(format!("node{index}"))))?;
            fs::create_dir_all(home.root().join("data"))
                .wrap_err_with(|| format!("creating {}", home.root().display()))?;
            fs::write(home.genesis_path(), genesis.to_json_pretty())?;
            let mut config = Config::default();
            config.node.moniker = format!("node{index}");
            config.api.listen = format!("127.0.0.1:{}", self.port(index));
            config.clock = clock.clone();
            if let Some(interval) = self.idle_block_interval {
                config.consensus.idle_block_interval = interval;
            }
            config.consensus.listen_addr = format!("127.0.0.1:{}", self.port(index) + 1).parse()?;
            // Every node of the network, observers included, may connect to every other.
            config.consensus.peers = (0..total)
                .filter(|&other| other != index)
                .map(|other| -> eyre::Result<onebook_consensus::PeerConfig> {
                    Ok(onebook_consensus::PeerConfig {
                        addr: format!("127.0.0.1:{}", self.port(other) + 1).parse()?,
                        node_key: peer_key(other),
                    })
                })
                .collect::<eyre::Result<_>>()?;
            config.network.listen_addr = format!("127.0.0.1:{}", self.port(index) + 2).parse()?;
            config.network.peers = (0..total)
                .filter(|&other| other != index)
                .map(|other| -> eyre::Result<onebook_network::NetworkPeer> {
                    Ok(onebook_network::NetworkPeer {
                        addr: format!("127.0.0.1:{}", self.port(other) + 2).parse()?,
                        node_key: peer_key(other),
                    })
                })
                .collect::<eyre::Result<_>>()?;
            if transport[index].is_some() {
                config.node.network_key = Some(TRANSPORT_KEY.into());
            }
            fs::write(home.config_path(), config.to_toml())?;
            // A dev_only network (checked above): plain key files load there.
            home.write_key(&config.node.node_key, key, KeyProtection::Plain)?;
            if let Some(transport) = &transport[index] {
                home.write_key(TRANSPORT_KEY, transport, KeyProtection::Plain)?;
            }
            let role = if index < self.nodes { "validator" } else { "observer" };
            println!(
                "node{index}  {role:9}  api http://{}  home {}",
                config.api.listen,
                home.root().display()
            );
        }
        Ok(())
    }

    fn port(&self, index: usize) -> u32 {
        u32::from(self.base_port) + 10 * u32::try_from(index).unwrap_or(u32::MAX / 20)
    }
}
