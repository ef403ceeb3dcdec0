//! `onebook read`: a signed `GET` of a node's REST API with a member key of the home.

use clap::Args;
use eyre::bail;
use serde_json::Value;

use super::remote;
use crate::{Home, http::problem_text};

/// Read a path of a node's REST API, signed with a member key of this home (`keys/<name>.key`),
/// and print the JSON answer: restricted records (access events, violations, share requests,
/// unpublished applications, pending objections) answer to the members their rule names. For
/// example `onebook read /v1/violations/1 --key auditor`. The node is the home's own unless
/// `--node` names another. Exits 1 if the node answers other than 200, printing its problem.
#[derive(Debug, Args)]
pub struct ReadCommand {
    /// The path and query to read, as `/v1/...`.
    path: String,
    /// The member key's file name under `keys/`.
    #[arg(long, default_value = "member")]
    key: String,
    /// The node's API, `host:port`; by default the home's own (`[api] listen` of its config).
    #[arg(long)]
    node: Option<String>,
}

impl ReadCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        if !self.path.starts_with('/') || self.path.contains(char::is_whitespace) {
            bail!("the path {:?} is not a REST path such as /v1/violations/1", self.path);
        }
        let secret = home.read_key(&self.key)?;
        let node = remote::node_address(home, overrides, self.node.as_deref())?;
        let (code, bytes) = remote::get(&node, &self.path, Some(&secret))?;
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if code != 200 {
            bail!("GET {} answered {code}: {}", self.path, problem_text(&body));
        }
        if body.is_null() {
            println!("{}", String::from_utf8_lossy(&bytes));
        } else {
            println!("{}", serde_json::to_string_pretty(&body)?);
        }
        Ok(())
    }
}
