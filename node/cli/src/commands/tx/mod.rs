//! `onebook tx`: build, sign and submit one action to a node, and optionally wait for its
//! receipt. The action is given by name with its fields as flags (`flags.rs`), or as JSON.

mod flags;

use std::{path::PathBuf, time::Duration};

use clap::{ArgGroup, Args};
use eyre::{WrapErr, bail, eyre};
use onebook_types::{
    action::Action,
    codec,
    ids::{ChainId, Height, Nonce},
    tx::TxBody,
};
use serde_json::Value;

use super::remote::{self, Refused, refusal_detail, refusal_sentence};
use crate::{
    Home,
    http::{self, problem_text},
};

/// Sign an action with a member key of this home (`keys/<name>.key`) and submit it to a node.
///
/// The action is named with its fields as flags, `onebook tx <action> --<field> <value> ...`
/// (for example `onebook tx review-catalog-entry --key clerk --code 350200-xm-scjg-0001
/// --decision approve`; `onebook tx list-actions` lists every action and its fields, and
/// `onebook tx <action> --help` one), or given as JSON, as the API shows it:
/// `{"type": "<action>", ...fields}` (see `docs/rules.md` for every action), inline with
/// `--action` or from `--action-file`. The chain id comes from the node, and the nonce from the
/// node too unless `--nonce` is given. The node is the home's own (its `[api] listen` address)
/// unless `--node` names another. A tx the node turns away or the rules refuse is reported as
/// one line, `refused: <code> <Name>: <the rule's sentence in docs/rules.md>`, with exit status
/// 1. See `docs/cli.md`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["action", "action_file", "flags"])))]
pub struct TxCommand {
    /// The member key's file name under `keys/`.
    #[arg(long, default_value = "member")]
    key: String,
    /// The node's API, `host:port`; by default the home's own (`[api] listen` of its config).
    #[arg(long)]
    node: Option<String>,
    /// The action as JSON.
    #[arg(long, conflicts_with_all = ["action_file", "flags"])]
    action: Option<String>,
    /// A file holding the action as JSON.
    #[arg(long, conflicts_with = "flags")]
    action_file: Option<PathBuf>,
    /// The nonce; by default the node's `next` for the key.
    #[arg(long)]
    nonce: Option<u64>,
    /// How many heights above the node's tip the tx stays valid.
    #[arg(long, default_value_t = 1_000)]
    valid_for: u64,
    /// Wait up to this many seconds for the receipt; print it, read as the signer (a signed
    /// read) so that it shows the signer's own restricted events, or, if the rules refused the
    /// tx, say why in one line and exit 1.
    #[arg(long, value_name = "SECONDS")]
    wait: Option<u64>,
    /// The action's name in kebab-case, then its fields: `--<field> <value>`, `--<a>.<b>
    /// <value>` for a field of a field, `--<field>-file FILE` for a field's JSON from a file.
    /// `list-actions` lists every action and its fields. The options may come among the fields.
    #[arg(
        value_name = "ACTION [--FIELD VALUE]...",
        trailing_var_arg = true,
        allow_hyphen_values = true,
        num_args = 1..
    )]
    flags: Vec<String>,
}

impl TxCommand {
    /// Runs the command.
    pub fn execute(mut self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let action = match (&self.action, &self.action_file) {
            (Some(text), _) => from_json(text)?,
            (None, Some(path)) => from_json(
                &std::fs::read_to_string(path)
                    .wrap_err_with(|| format!("reading {}", path.display()))?,
            )?,
            (None, None) => match flags::parse(&self.flags)? {
                flags::Parsed::ListActions => {
                    print!("{}", flags::list_actions());
                    return Ok(());
                }
                flags::Parsed::Help(form) => {
                    print!("{}", form.help());
                    return Ok(());
                }
                flags::Parsed::Action { action, options } => {
                    self.apply(options)?;
                    *action
                }
            },
        };
        let secret = home.read_key(&self.key)?;
        let signer = secret.public_key();
        let node = remote::node_address(home, overrides, self.node.as_deref())?;
        let status = get(&node, "/v1/status")?;
        let chain_id = status["chain_id"]
            .as_str()
            .ok_or_else(|| eyre!("the node's status names no chain: {status}"))?;
        let tip = status["height"].as_u64().ok_or_else(|| eyre!("no height in {status}"))?;
        let nonce = match self.nonce {
            Some(nonce) => nonce,
            None => {
                let nonces = get(&node, &format!("/v1/nonces/{signer}"))?;
                nonces["next"].as_u64().ok_or_else(|| eyre!("no next nonce in {nonces}"))?
            }
        };
        let body = TxBody {
            chain_id: ChainId::from(chain_id),
            signer,
            nonce: Nonce(nonce),
            valid_until: Height(tip.saturating_add(self.valid_for)),
            action,
        };
        let tx = codec::encode(&body.sign(&secret));
        let (code, bytes) =
            http::request(&node, "POST", "/v1/txs", Some(("application/octet-stream", &tx)))?;
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if code != 202 {
            // Turned away at admission: by a rule (a missing role, a stale nonce, ...) when the
            // problem names its code, else for what the problem says.
            let line = match answer["code"].as_u64() {
                Some(rule) => refusal_sentence("turned away", rule, &[]),
                None => format!("turned away ({code}): {}", problem_text(&answer)),
            };
            return Err(Refused(line).into());
        }
        let hash = answer["tx_hash"].as_str().ok_or_else(|| eyre!("no tx hash in {answer}"))?;
        println!("{hash}");
        let Some(seconds) = self.wait else { return Ok(()) };
        let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
        let mut poll = http::TxPoll::default();
        let path = format!("/v1/txs/{hash}");
        loop {
            // Polled anonymously (a signed read may be recorded on the ledger), then read once,
            // signed, as its signer: a restricted receipt hides its events from anyone else.
            let (code, bytes) = http::request(&node, "GET", &path, None)?;
            let receipt: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            if code == 200 && receipt["status"] == "committed" {
                let (code, bytes) = remote::get(&node, &path, Some(&secret))?;
                let receipt: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                if code != 200 {
                    bail!(
                        "GET {path} signed as the signer answered {code}: {}",
                        problem_text(&receipt)
                    );
                }
                // An accepted tx's receipt is printed whole; a refused one is its sentence.
                return match receipt["code"].as_u64() {
                    Some(0) => {
                        println!("{}", serde_json::to_string_pretty(&receipt)?);
                        Ok(())
                    }
                    Some(rule) => {
                        let detail = refusal_detail(&receipt);
                        Err(Refused(refusal_sentence("refused", rule, &detail)).into())
                    }
                    None => bail!("the receipt names no code: {receipt}"),
                };
            }
            if !poll.again(code) {
                bail!("GET {path} answered {code}: {}", problem_text(&receipt));
            }
            if std::time::Instant::now() > deadline {
                bail!("tx {hash} was not committed within {seconds} s");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Sets the options given among an action's flags.
    fn apply(&mut self, options: Vec<(&'static str, String)>) -> eyre::Result<()> {
        let number = |option: &str, value: &str| {
            value.parse::<u64>().map_err(|_| eyre!("--{option} {value:?} is not a number"))
        };
        for (option, value) in options {
            match option {
                "key" => self.key = value,
                "node" => self.node = Some(value),
                "nonce" => self.nonce = Some(number(option, &value)?),
                "valid-for" => self.valid_for = number(option, &value)?,
                "wait" => self.wait = Some(number(option, &value)?),
                other => bail!("--{other} is not an option of onebook tx"),
            }
        }
        Ok(())
    }
}

/// `GET path` on `node`; the JSON body of a 200.
fn get(node: &str, path: &str) -> eyre::Result<Value> {
    let (code, bytes) = http::request(node, "GET", path, None)?;
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if code != 200 {
        bail!("GET {path} answered {code}: {}", problem_text(&body));
    }
    Ok(body)
}

/// The action in `text`, JSON as the API shows it.
fn from_json(text: &str) -> eyre::Result<Action> {
    serde_json::from_str(text)
        .map_err(|error| eyre!("the action is not valid JSON of an action: {error}"))
}
