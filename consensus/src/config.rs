//! The consensus section of the node's configuration.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use onebook_types::keys::PublicKey;
use serde::{Deserialize, Serialize};

/// How the node takes part in consensus: where it listens, which consortium peers it talks
/// to, where its WAL lives, and its timeouts.
///
/// Peers are authorised by key: each [`PeerConfig`] names a peer's node key, the dial address
/// carries the libp2p peer id derived from that key (`/p2p/<id>`), so the Noise handshake fails
/// against any other key; and with `persistent_peers_only` the node accepts no connection from
/// a peer outside that list and runs no discovery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsensusConfig {
    /// The node's name in logs and peer tables.
    pub moniker: String,
    /// The TCP address consensus listens on.
    pub listen_addr: SocketAddr,
    /// The consortium's other validators.
    pub peers: Vec<PeerConfig>,
    /// Accept and dial only `peers` (the consortium default), with discovery off.
    pub persistent_peers_only: bool,
    /// This node's own directory for its WAL (`wal/`) and the blocks it proposed
    /// (`proposals/`). Must persist across restarts and must not be shared with another node.
    pub home_dir: PathBuf,
    /// How long to wait for a proposal in round 0.
    #[serde(with = "humantime_serde")]
    pub timeout_propose: Duration,
    /// How long to wait for more prevotes after a quorum of mixed prevotes, in round 0.
    #[serde(with = "humantime_serde")]
    pub timeout_prevote: Duration,
    /// How long to wait for more precommits after a quorum of mixed precommits, in round 0.
    #[serde(with = "humantime_serde")]
    pub timeout_precommit: Duration,
    /// How much each of the three timeouts grows per round.
    #[serde(with = "humantime_serde")]
    pub timeout_delta: Duration,
    /// The shortest time from one height's start to the next: consensus waits this long
    /// (collecting late precommits) before it finalizes a height.
    #[serde(with = "humantime_serde")]
    pub block_time_target: Duration,
    /// How long a node waits, after a height is finalized with no tx waiting in its pool,
    /// before it starts the next height anyway and so makes an empty block. It starts at once
    /// when a tx arrives. An idle chain thus makes one block per interval, a heartbeat that
    /// shows the validators are alive, instead of one per `block_time_target`.
    #[serde(with = "humantime_serde")]
    pub idle_block_interval: Duration,
    /// How often the node tells its peers its tip, which drives sync.
    #[serde(with = "humantime_serde")]
    pub sync_status_interval: Duration,
}

/// One consortium peer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerConfig {
    /// Its consensus TCP address.
    pub addr: SocketAddr,
    /// Its node key (the validator key), which its libp2p identity is derived from.
    pub node_key: PublicKey,
}

impl Default for ConsensusConfig {
    fn default() -> Self {
        Self {
            moniker: "onebook".to_owned(),
            listen_addr: SocketAddr::from(([0, 0, 0, 0], 26656)),
            peers: Vec::new(),
            persistent_peers_only: true,
            home_dir: PathBuf::from("data/consensus"),
            timeout_propose: Duration::from_secs(3),
            timeout_prevote: Duration::from_secs(1),
            timeout_precommit: Duration::from_secs(1),
            timeout_delta: Duration::from_millis(500),
            block_time_target: Duration::from_millis(100),
            idle_block_interval: Duration::from_secs(10),
            sync_status_interval: Duration::from_secs(2),
        }
    }
}

/// Why a [`ConsensusConfig`] is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The moniker is empty.
    #[error("moniker must not be empty")]
    EmptyMoniker,
    /// The home directory is empty.
    #[error("home_dir must name a directory")]
    EmptyHomeDir,
    /// A timeout is zero.
    #[error("{name} must be longer than zero")]
    ZeroTimeout {
        /// The field.
        name: &'static str,
    },
    /// A peer is listed twice.
    #[error("peer {node_key} is listed twice")]
    DuplicatePeer {
        /// Its key.
        node_key: PublicKey,
    },
}

impl ConsensusConfig {
    /// Checks the config; the error says which rule it breaks.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.moniker.is_empty() {
            return Err(ConfigError::EmptyMoniker);
        }
        if self.home_dir.as_os_str().is_empty() {
            return Err(ConfigError::EmptyHomeDir);
        }
        for (name, value) in [
            ("timeout_propose", self.timeout_propose),
            ("timeout_prevote", self.timeout_prevote),
            ("timeout_precommit", self.timeout_precommit),
            ("sync_status_interval", self.sync_status_interval),
        ] {
            if value.is_zero() {
                return Err(ConfigError::ZeroTimeout { name });
            }
        }
        let mut keys: Vec<PublicKey> = self.peers.iter().map(|p| p.node_key).collect();
        keys.sort();
        if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(ConfigError::DuplicatePeer { node_key: pair[0] });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_is_valid_and_only_talks_to_listed_peers() {
        let config = ConsensusConfig::default();

        assert_eq!(config.validate(), Ok(()));
        assert!(config.persistent_peers_only);
    }

    #[test]
    fn durations_are_humantime_and_unknown_fields_are_refused() {
        let parsed: ConsensusConfig =
            serde_json::from_str(r#"{"timeout_propose": "1s 500ms"}"#).expect("parses");
        let unknown = serde_json::from_str::<ConsensusConfig>(r#"{"timeout_proposal": "1s"}"#);

        assert_eq!(parsed.timeout_propose, Duration::from_millis(1_500));
        assert!(unknown.is_err());
    }

    #[test]
    fn a_peer_listed_twice_is_refused() {
        let peer = PeerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 1)),
            node_key: PublicKey([1; 32]),
        };
        let config =
            ConsensusConfig { peers: vec![peer.clone(), peer], ..ConsensusConfig::default() };

        assert_eq!(
            config.validate(),
            Err(ConfigError::DuplicatePeer { node_key: PublicKey([1; 32]) })
        );
    }
}
