//! Validators of the dev network in network namespaces ([`crate::netns`]), each a real `onebook`
//! process.
//!
//! [`PartitionNet`] writes the homes with `onebook testnet`, moves each node's addresses onto its
//! namespace's links (peers on the data network, the API on the management one) and starts the
//! nodes inside their namespaces; [`crate::chain_watch::ChainWatch`] is the safety oracle
//! partition tests hold them to.

use std::path::Path;

use eyre::{WrapErr, bail, eyre};

use crate::{
    devnet::{Node, write_testnet},
    netns::NetnsNet,
};

/// The first port `onebook testnet` gives; node `i` uses `BASE_PORT + 10 i` and the next two.
/// Every node has a namespace of its own, so fixed ports never clash.
const BASE_PORT: u16 = 26_600;

/// Validators in namespaces. Fields drop in order: the node processes are killed before their
/// namespaces are deleted, and the homes last.
#[derive(Debug)]
pub struct PartitionNet {
    /// The nodes, validators in genesis order.
    pub nodes: Vec<Node>,
    /// Their namespaces and links.
    pub net: NetnsNet,
    _dir: tempfile::TempDir,
}

impl PartitionNet {
    /// Writes the homes of `validators` validators of the dev network whose idle chain makes a
    /// block every `idle_block_interval` (such as `1s`), with the `onebook` command `binary`,
    /// puts each in a namespace of its own and starts them all.
    pub fn start(
        binary: &Path,
        validators: usize,
        idle_block_interval: &str,
    ) -> eyre::Result<Self> {
        let net = NetnsNet::create(validators)?;
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("net");
        let interval = ["--idle-block-interval", idle_block_interval];
        write_testnet(binary, &out, validators, 0, BASE_PORT, &interval)?;
        let mut nodes = Vec::with_capacity(validators);
        for node in 0..validators {
            let home = out.join(format!("node{node}"));
            move_into_namespaces(&home.join("config.toml"), &net, validators)?;
            nodes.push(
                Node::new(
                    binary.to_owned(),
                    home,
                    port(node, 0),
                    out.join(format!("node{node}.log")),
                )
                .with_api_ip(net.api_ip(node).into()),
            );
        }
        let mut this = Self { nodes, net, _dir: dir };
        for node in 0..validators {
            this.start_node(node)?;
        }
        Ok(this)
    }

    /// Starts node `node` (again) inside its namespace.
    pub fn start_node(&mut self, node: usize) -> eyre::Result<()> {
        let launcher = self.net.launcher(node);
        let launcher: Vec<&str> = launcher.iter().map(String::as_str).collect();
        self.nodes[node].start_via(&launcher, &[])
    }

    /// The committed height of each node in `which` whose API answers.
    pub fn heights(&self, which: &[usize]) -> Vec<Option<u64>> {
        which.iter().map(|&node| self.nodes[node].height()).collect()
    }

    /// The highest height any node in `which` has committed (0 if none answers).
    pub fn tip(&self, which: &[usize]) -> u64 {
        self.heights(which).into_iter().flatten().max().unwrap_or(0)
    }

    /// Node `node`'s node key (hex), as block headers name their proposer: the key of the
    /// genesis validator at its index, as `onebook testnet` gives it.
    pub fn node_key(&self, node: usize) -> eyre::Result<String> {
        let path = self.nodes[node].home.join("genesis.json");
        let bytes = std::fs::read(&path).wrap_err_with(|| format!("reading {}", path.display()))?;
        let genesis = onebook_genesis::GenesisFile::from_json_validated(&bytes)?;
        let validator =
            genesis.validators.get(node).ok_or_else(|| eyre!("no validator {node} in genesis"))?;
        Ok(validator.node_key.to_hex())
    }

    /// The last lines of the logs of the nodes in `which`, for failure messages.
    pub fn logs(&self, which: &[usize], lines: usize) -> String {
        which
            .iter()
            .map(|&node| format!("node{node}:\n{}", self.nodes[node].log_tail(lines)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Node `node`'s port `offset` (0 the API, 1 consensus, 2 tx gossip).
fn port(node: usize, offset: u16) -> u16 {
    BASE_PORT + 10 * u16::try_from(node).unwrap_or(u16::MAX / 20) + offset
}

/// Rewrites one home's `config.toml`, as `onebook testnet` wrote it on 127.0.0.1, so that every
/// node's consensus and gossip addresses (its own and its peers') are on the data network and
/// its API on the management one.
fn move_into_namespaces(config: &Path, net: &NetnsNet, nodes: usize) -> eyre::Result<()> {
    let mut text = std::fs::read_to_string(config)
        .wrap_err_with(|| format!("reading {}", config.display()))?;
    for node in 0..nodes {
        for (offset, ip) in [(0, net.api_ip(node)), (1, net.data_ip(node)), (2, net.data_ip(node))]
        {
            let from = format!("\"127.0.0.1:{}\"", port(node, offset));
            let to = format!("\"{ip}:{}\"", port(node, offset));
            text = text.replace(&from, &to);
        }
    }
    if text.contains("127.0.0.1") {
        bail!("{} still names 127.0.0.1 after the move:\n{text}", config.display());
    }
    std::fs::write(config, text).wrap_err_with(|| format!("writing {}", config.display()))
}
