//! `onebook status`: a one-screen health summary of a running node, read from its REST API.

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use serde_json::Value;

use crate::{Home, StoredKey, http};

/// A block older than this marks the chain as stalled (an idle chain still makes one every
/// `idle_block_interval`, 10 s by default).
const STALL_MS: u64 = 30_000;

/// Print a one-screen health summary of a running node from its REST API: whether it serves,
/// its chain, tip, block age, state root, txs waiting, the validator set and this node's role in
/// it. Exit 1 if the node does not answer, is unhealthy or its last block is older than 30 s.
#[derive(Debug, Args)]
pub struct StatusCommand {
    /// The node's API address (`host:port`); defaults to `[api] listen` of the home.
    #[arg(long)]
    node: Option<String>,
}

impl StatusCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let node = self.node.unwrap_or_else(|| config.api.listen.replace("0.0.0.0", "127.0.0.1"));
        let get = |path: &str| -> eyre::Result<(u16, Value)> {
            let (code, body) = http::request(&node, "GET", path, None)
                .wrap_err_with(|| format!("the node at {node} does not answer"))?;
            Ok((code, serde_json::from_slice(&body).unwrap_or(Value::Null)))
        };
        let (health, _) = get("/health")?;
        let (code, status) = get("/v1/status")?;
        if code != 200 {
            bail!("GET /v1/status answered {code}: {status}");
        }
        let (_, validators) = get("/v1/validators")?;
        let height = status["height"].as_u64().ok_or_else(|| eyre!("no height in {status}"))?;
        let time = status["time"].as_u64().unwrap_or(0);
        let age_ms = crate::clock::wall_ms().saturating_sub(time);
        let stalled = height > 0 && age_ms > STALL_MS;
        let own_key = match home.read_key_file(&config.node.node_key) {
            Ok(StoredKey::Plain(key)) => Some(key.public_key().to_string()),
            Ok(StoredKey::Encrypted(sealed)) => Some(sealed.public_key().to_string()),
            Err(_) => None,
        };
        let set = validators["validators"].as_array().cloned().unwrap_or_default();
        let role = match &own_key {
            Some(key) => match set.iter().find(|v| v["node_key"].as_str() == Some(key)) {
                Some(validator) => format!(
                    "validator of {} (power {})",
                    validator["org"].as_str().unwrap_or("?"),
                    validator["power"]
                ),
                None => "observer".to_owned(),
            },
            None => "unknown (no node key in this home)".to_owned(),
        };
        let verdict = match (health == 200, stalled) {
            (true, false) => "healthy",
            (true, true) => "STALLED: no new block for more than 30 s",
            (false, _) => "UNHEALTHY: /health does not answer 200",
        };
        println!("node        {node}  {verdict}");
        println!("chain id    {}", status["chain_id"].as_str().unwrap_or("?"));
        if height == 0 {
            println!("height      0 (genesis only)");
        } else {
            println!("height      {height}, last block {:.1} s ago", age_ms as f64 / 1000.0);
        }
        println!("block hash  {}", status["block_hash"].as_str().unwrap_or("?"));
        println!("state root  {}", status["state_root"].as_str().unwrap_or("?"));
        println!("mempool     {} txs waiting", status["pending_txs"]);
        println!(
            "validators  {} (total power {}, a block needs {})",
            set.len(),
            validators["total_power"],
            validators["quorum_power"]
        );
        println!("this node   {role}");
        if health != 200 || stalled {
            bail!("the node is not healthy: {verdict}");
        }
        Ok(())
    }
}
