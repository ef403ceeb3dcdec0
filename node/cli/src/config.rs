//! The node configuration, layered: defaults < `config.toml` < `ONEBOOK__SECTION__KEY` < flags.
//!
//! Each section has defaults, refuses unknown keys and checks itself with errors written as
//! sentences; a failure names its section.

use std::{path::Path, time::Duration};

use eyre::{WrapErr, bail, eyre};
use onebook_storage::{StateHistory, StoreConfig, VerifyOnOpen};
use onebook_types::suite::Suite;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

/// The prefix of environment overrides: `ONEBOOK__STORAGE__SYNC_WRITES=false`.
pub(crate) const ENV_PREFIX: &str = "ONEBOOK__";

/// The whole configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// This node.
    pub node: NodeConfig,
    /// The database.
    pub storage: StorageConfigSection,
    /// The bounds of the tx pool.
    pub mempool: MempoolSection,
    /// The REST API.
    pub api: ApiSection,
    /// BFT consensus with the other validators (Malachite); `home_dir` is relative to the home.
    pub consensus: onebook_consensus::ConsensusConfig,
    /// Tx gossip with the consortium's other nodes.
    pub network: onebook_network::NetworkConfig,
    /// Logging.
    pub log: LogConfig,
    /// The ledger clock: the wall clock, or a faster one on a development network.
    pub clock: crate::clock::ClockSection,
}

/// `[mempool]`: the bounds of the tx pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MempoolSection {
    /// The most txs the pool holds; beyond it, submissions get 429.
    pub txs_max: u64,
    /// The most encoded bytes the pool holds.
    pub bytes_max: u64,
}

impl Default for MempoolSection {
    fn default() -> Self {
        let defaults = onebook_mempool::MempoolConfig::default();
        Self { txs_max: defaults.txs_max as u64, bytes_max: defaults.bytes_max as u64 }
    }
}

impl MempoolSection {
    /// Checks the bounds.
    pub fn validate(&self) -> eyre::Result<()> {
        let tx_max = onebook_types::limits::TX_BYTES_MAX as u64;
        if self.txs_max == 0 || self.bytes_max < tx_max {
            bail!("txs_max must be at least 1 and bytes_max at least {tx_max} (one largest tx)");
        }
        Ok(())
    }

    /// The mempool's configuration.
    pub fn mempool_config(&self) -> eyre::Result<onebook_mempool::MempoolConfig> {
        Ok(onebook_mempool::MempoolConfig {
            txs_max: usize::try_from(self.txs_max)?,
            bytes_max: usize::try_from(self.bytes_max)?,
        })
    }
}

/// `[api]`: the REST API and the limits it serves under (`onebook_api::ServeConfig`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSection {
    /// The address the API listens on, `host:port`.
    pub listen: String,
    /// The member key (a file name under `keys/`) this node signs `RecordReads` txs with when
    /// the policy has signed reads recorded; without one, the node refuses signed reads while
    /// the policy is on.
    pub read_audit_key: Option<String>,
    /// How long a connection may take to send a whole request head, from when it opened or its
    /// last answer was sent; then it is closed (idle keep-alive and slowloris connections).
    #[serde(with = "humantime_serde")]
    pub header_read_timeout: Duration,
    /// How long a connection may move no byte either way (a client that stopped reading its
    /// answer or stalled its body) before it is closed; longer than the event stream's 10 s
    /// keep-alive.
    #[serde(with = "humantime_serde")]
    pub idle_timeout: Duration,
    /// How long a request may take, from its head, to have its body read and its answer begun;
    /// then it is answered 408.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// The most connections served at once; more are answered 503 with `Retry-After`.
    pub connections_max: u64,
    /// The most event streams (`GET /v1/events`) open at once, at most `connections_max`; more
    /// are answered 503 with `Retry-After`.
    pub event_streams_max: u64,
}

impl Default for ApiSection {
    fn default() -> Self {
        let serve = onebook_api::ServeConfig::default();
        Self {
            listen: "127.0.0.1:8640".into(),
            read_audit_key: None,
            header_read_timeout: serve.header_read_timeout,
            idle_timeout: serve.idle_timeout,
            request_timeout: serve.request_timeout,
            connections_max: serve.connections_max as u64,
            event_streams_max: serve.event_streams_max as u64,
        }
    }
}

impl ApiSection {
    /// Checks the address and the limits.
    pub fn validate(&self) -> eyre::Result<()> {
        self.listen_addr()?;
        self.serve_config()?.validate().map_err(|sentence| eyre!(sentence))
    }

    /// The address to listen on.
    pub fn listen_addr(&self) -> eyre::Result<std::net::SocketAddr> {
        self.listen.parse().map_err(|_| {
            eyre!("listen must be an address like 127.0.0.1:8640, not {:?}", self.listen)
        })
    }

    /// The limits the API serves under.
    pub fn serve_config(&self) -> eyre::Result<onebook_api::ServeConfig> {
        Ok(onebook_api::ServeConfig {
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            request_timeout: self.request_timeout,
            connections_max: usize::try_from(self.connections_max)?,
            event_streams_max: usize::try_from(self.event_streams_max)?,
        })
    }
}

/// This node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeConfig {
    /// A human name for the node, shown in logs.
    pub moniker: String,
    /// The name of the node key file under `keys/`.
    pub node_key: String,
    /// The name of the key file whose key identifies the node to its peers, when it is not the
    /// node key: after governance rotated the node key, the old one, by which the peers'
    /// `peers` lists still name this node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_key: Option<String>,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self { moniker: "onebook-node".into(), node_key: "node".into(), network_key: None }
    }
}

/// The database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfigSection {
    /// Sync the WAL on every block. Only turn off for throwaway benchmarks.
    pub sync_writes: bool,
    /// RocksDB block cache size in bytes.
    pub block_cache_bytes: u64,
    /// The most memory RocksDB's write buffers (memtables) take, all column families
    /// together, in bytes: past it the largest is flushed to disk.
    pub memtable_bytes: u64,
    /// `root` checks the tip's state root node on open; `full` rehashes the whole state tree.
    pub verify_on_open: String,
    /// The database directory, relative to the home (or absolute, as a packaged node's
    /// `/var/lib/onebook/data` beside a read-only `/etc/onebook` home).
    pub data_dir: String,
    /// `"archive"` keeps every version of the state tree, so the state at any height can be
    /// proved; a number of blocks keeps only the versions of that many recent heights (and the
    /// newest witnessed checkpoint's), and refuses state reads and proofs below them.
    pub state_history: StateHistorySetting,
}

/// `[storage] state_history`: `"archive"` or a number of blocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StateHistorySetting {
    /// A window of this many blocks.
    Blocks(u64),
    /// A name: only `"archive"` is one.
    Named(String),
}

impl Default for StateHistorySetting {
    fn default() -> Self {
        Self::Named("archive".into())
    }
}

impl StateHistorySetting {
    /// What the store keeps, or why the setting is wrong.
    pub fn state_history(&self) -> eyre::Result<StateHistory> {
        match self {
            Self::Named(name) if name == "archive" => Ok(StateHistory::Archive),
            Self::Named(name) => match name.parse::<u64>() {
                Ok(blocks) => Self::Blocks(blocks).state_history(),
                Err(_) => bail!(
                    "state_history must be \"archive\" or a number of blocks of at least 1, not \
                     {name:?}"
                ),
            },
            Self::Blocks(0) => {
                bail!(
                    "state_history must be \"archive\" or a number of blocks of at least 1, not 0"
                )
            }
            Self::Blocks(blocks) => Ok(StateHistory::Window { blocks: *blocks }),
        }
    }
}

impl Default for StorageConfigSection {
    fn default() -> Self {
        Self {
            sync_writes: true,
            block_cache_bytes: 64 * 1024 * 1024,
            memtable_bytes: onebook_storage::MEMTABLE_BYTES_DEFAULT as u64,
            verify_on_open: "root".into(),
            data_dir: "data".into(),
            state_history: StateHistorySetting::default(),
        }
    }
}

impl StorageConfigSection {
    /// Checks the section.
    pub fn validate(&self) -> eyre::Result<()> {
        if self.block_cache_bytes < 1024 * 1024 {
            bail!("block_cache_bytes must be at least 1048576 (1 MiB)");
        }
        if self.memtable_bytes < 4 * 1024 * 1024 {
            bail!("memtable_bytes must be at least 4194304 (4 MiB)");
        }
        if self.data_dir.trim().is_empty() {
            bail!("data_dir must name a directory");
        }
        self.verify_mode()?;
        self.state_history.state_history()?;
        Ok(())
    }

    fn verify_mode(&self) -> eyre::Result<VerifyOnOpen> {
        match self.verify_on_open.as_str() {
            "root" => Ok(VerifyOnOpen::Root),
            "full" => Ok(VerifyOnOpen::Full),
            other => bail!("verify_on_open must be \"root\" or \"full\", not {other:?}"),
        }
    }

    /// The database directory of the home at `home`.
    pub fn data_path(&self, home: &Path) -> std::path::PathBuf {
        home.join(&self.data_dir)
    }

    /// The store configuration for a database at `path` of a chain of `suite`.
    pub fn store_config(&self, path: &Path, suite: Suite) -> eyre::Result<StoreConfig> {
        Ok(StoreConfig {
            path: path.to_owned(),
            sync_writes: self.sync_writes,
            block_cache_bytes: usize::try_from(self.block_cache_bytes)?,
            verify_on_open: self.verify_mode()?,
            node_cache_nodes: onebook_storage::NODE_CACHE_NODES_DEFAULT,
            memtable_bytes: usize::try_from(self.memtable_bytes)?,
            suite,
            state_history: self.state_history.state_history()?,
        })
    }
}

/// Logging.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// Default filter when `RUST_LOG` is unset, e.g. `info` or `onebook_storage=debug,info`.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into() }
    }
}

impl Config {
    /// Loads the layers: defaults, then `file` if it exists, then `env`, then `overrides`.
    pub fn load(
        file: &Path,
        env: impl IntoIterator<Item = (String, String)>,
        overrides: &[String],
    ) -> eyre::Result<Self> {
        let text = if file.exists() {
            Some(
                std::fs::read_to_string(file)
                    .wrap_err_with(|| format!("reading {}", file.display()))?,
            )
        } else {
            None
        };
        Self::parse(text.as_deref(), env, overrides)
            .wrap_err_with(|| format!("configuration from {}", file.display()))
    }

    /// Reads the layers from text: defaults, then the file's `text` if any, then `env`, then
    /// `overrides`; checks every section.
    pub fn parse(
        text: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
        overrides: &[String],
    ) -> eyre::Result<Self> {
        let mut table = Table::try_from(Self::default()).wrap_err("encoding defaults")?;
        if let Some(text) = text {
            let from_file: Table = text.parse().wrap_err("parsing the file")?;
            merge(&mut table, from_file);
        }
        for (name, value) in env {
            let Some(path) = name.strip_prefix(ENV_PREFIX) else { continue };
            let path = path.to_ascii_lowercase().replace("__", ".");
            set(&mut table, &path, &value).wrap_err_with(|| format!("environment {name}"))?;
        }
        for assignment in overrides {
            let (path, value) = assignment.split_once('=').ok_or_else(|| {
                eyre!("--set {assignment:?} is not of the form section.key=value")
            })?;
            set(&mut table, path.trim(), value.trim())
                .wrap_err_with(|| format!("--set {assignment}"))?;
        }
        let config: Self = Value::Table(table).try_into().wrap_err("configuration is not valid")?;
        config.storage.validate().wrap_err("in section [storage]")?;
        config.mempool.validate().wrap_err("in section [mempool]")?;
        config.api.validate().wrap_err("in section [api]")?;
        config.consensus.validate().wrap_err("in section [consensus]")?;
        config.network.validate().wrap_err("in section [network]")?;
        config.clock.validate().wrap_err("in section [clock]")?;
        Ok(config)
    }

    /// The configuration as commented TOML.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).expect("the config always encodes as TOML");
        format!(
            "# Onebook node configuration. Layers: defaults < this file < ONEBOOK__SECTION__KEY \
             environment variables < --set section.key=value flags.\n\n{body}"
        )
    }
}

fn merge(base: &mut Table, overlay: Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(base_table)), Value::Table(overlay_table)) => {
                merge(base_table, overlay_table);
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Sets `section.key` to `text`, read as the type the default has (bool, integer or string).
fn set(table: &mut Table, path: &str, text: &str) -> eyre::Result<()> {
    let (section, key) =
        path.split_once('.').ok_or_else(|| eyre!("{path:?} is not of the form section.key"))?;
    let Some(Value::Table(section_table)) = table.get_mut(section) else {
        bail!("there is no configuration section [{section}]");
    };
    let value = match section_table.get(key) {
        Some(Value::Boolean(_)) => Value::Boolean(
            text.parse().map_err(|_| eyre!("{path} must be true or false, not {text:?}"))?,
        ),
        Some(Value::Integer(_)) => Value::Integer(
            text.parse().map_err(|_| eyre!("{path} must be an integer, not {text:?}"))?,
        ),
        Some(Value::Array(_)) => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        Some(_) => Value::String(text.to_owned()),
        None => bail!("there is no setting {key:?} in section [{section}]"),
    };
    section_table.insert(key.to_owned(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_override_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "[node]\nmoniker = \"from-file\"\n[storage]\nsync_writes = false\n")
            .unwrap();
        let env = [("ONEBOOK__STORAGE__BLOCK_CACHE_BYTES".to_owned(), "2097152".to_owned())];

        let config = Config::load(&file, env, &["node.moniker=from-flag".into()]).unwrap();

        assert_eq!(config.node.moniker, "from-flag");
        assert!(!config.storage.sync_writes);
        assert_eq!(config.storage.block_cache_bytes, 2_097_152);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_with_their_names() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "[storage]\nsync_write = true\n").unwrap();

        let unknown = Config::load(&file, [], &[]).unwrap_err();
        let bad = Config::load(&dir.path().join("none"), [], &["storage.sync_writes=maybe".into()])
            .unwrap_err();
        let small =
            Config::load(&dir.path().join("none"), [], &["storage.block_cache_bytes=5".into()])
                .unwrap_err();

        assert!(format!("{unknown:#}").contains("sync_write"), "{unknown:#}");
        assert!(format!("{bad:#}").contains("true or false"), "{bad:#}");
        assert!(format!("{small:#}").contains("[storage]"), "{small:#}");
    }

    #[test]
    fn api_limits_read_as_durations_and_are_checked_together() {
        let none = std::path::PathBuf::from("/nonexistent/config.toml");
        let set = |pairs: &[&str]| {
            let overrides: Vec<String> = pairs.iter().map(|pair| (*pair).to_owned()).collect();
            Config::load(&none, [], &overrides)
        };

        let config =
            set(&["api.idle_timeout=90s", "api.connections_max=10", "api.event_streams_max=5"])
                .unwrap();
        let too_many_streams = set(&["api.connections_max=10", "api.event_streams_max=11"]);
        let too_short_idle = set(&["api.idle_timeout=5s"]);

        assert_eq!(config.api.idle_timeout, Duration::from_secs(90));
        assert_eq!(config.api.serve_config().unwrap().connections_max, 10);
        let error = format!("{:#}", too_many_streams.unwrap_err());
        assert!(error.contains("[api]") && error.contains("event_streams_max"), "{error}");
        let error = format!("{:#}", too_short_idle.unwrap_err());
        assert!(error.contains("idle_timeout"), "{error}");
    }

    #[test]
    fn state_history_is_archive_or_a_window_of_at_least_one_block() {
        let none = std::path::PathBuf::from("/nonexistent/config.toml");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "[storage]\nstate_history = 1000\n").unwrap();
        let history = |config: &Config| config.storage.state_history.state_history().unwrap();

        let default = Config::load(&none, [], &[]).unwrap();
        let from_file = Config::load(&file, [], &[]).unwrap();
        let env = [("ONEBOOK__STORAGE__STATE_HISTORY".to_owned(), "5".to_owned())];
        let from_env = Config::load(&none, env, &[]).unwrap();
        let zero = Config::load(&none, [], &["storage.state_history=0".into()]).unwrap_err();
        let word = Config::load(&none, [], &["storage.state_history=recent".into()]);

        assert_eq!(history(&default), StateHistory::Archive);
        assert_eq!(history(&from_file), StateHistory::Window { blocks: 1000 });
        assert_eq!(history(&from_env), StateHistory::Window { blocks: 5 });
        assert!(format!("{zero:#}").contains("state_history"), "{zero:#}");
        let word = format!("{:#}", word.unwrap_err());
        assert!(word.contains("[storage]") && word.contains("\"recent\""), "{word}");
    }

    #[test]
    fn the_committed_example_config_parses() {
        let example = include_str!("../config.example.toml");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, example).unwrap();

        let config = Config::load(&file, [], &[]).unwrap();

        assert_eq!(config, Config::default());
    }

    #[test]
    fn the_debian_package_config_parses_and_writes_only_under_var_lib() {
        let packaged = include_str!("../../../deploy/debian/config.toml");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, packaged).unwrap();

        let config = Config::load(&file, [], &[]).unwrap();

        let home = Path::new("/etc/onebook");
        assert_eq!(config.storage.data_path(home), Path::new("/var/lib/onebook/data"));
        assert_eq!(home.join(&config.consensus.home_dir), Path::new("/var/lib/onebook/consensus"));
    }
}
