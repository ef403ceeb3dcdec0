//! `onebook anchor`: record a child chain's witnessed checkpoints on its parent chain (a city's
//! on the province's), as `AnchorCheckpoint` txs signed by a member key of the parent chain.
//!
//! Each round reads the child chain's `ChildChain` record on the parent (from a proof bundle, so
//! the relay needs no special route), then the child's witnessed checkpoints above the latest
//! anchored one, and anchors, in order, each that hands the witness set over (the parent must
//! follow the handover to check later cosignatures) and the newest. The parent's ledger checks
//! everything; the relay is trusted with nothing but liveness.

use std::time::{Duration, Instant};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use onebook_api::{CheckpointEvidence, CheckpointPage, CheckpointView};
use onebook_types::{
    action::Action,
    checkpoint::ChildChain,
    codec,
    ids::{ChainId, Height, Nonce},
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
    tx::TxBody,
};
use onebook_verifier::Claim;
use serde_json::Value;

use crate::{
    Home,
    http::{self, problem_text},
};

/// Record a child chain's witnessed checkpoints on its parent chain, signed with a member key of
/// this home (`keys/<name>.key`) that the parent chain knows.
#[derive(Debug, Args)]
pub struct AnchorCommand {
    /// A node of the child chain, `host:port`.
    #[arg(long, value_name = "HOST:PORT")]
    node: String,
    /// A node of the parent chain, `host:port`.
    #[arg(long, value_name = "HOST:PORT")]
    parent_node: String,
    /// The member key's file name under `keys/`.
    #[arg(long, default_value = "member")]
    key: String,
    /// How long to wait between rounds.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    interval: Duration,
    /// Run one round and exit.
    #[arg(long)]
    once: bool,
}

impl AnchorCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home) -> eyre::Result<()> {
        let secret = home.read_key(&self.key)?;
        loop {
            let started = Instant::now();
            match self.round(&secret) {
                Ok(anchored) if !anchored.is_empty() => {
                    tracing::info!(?anchored, "anchored checkpoints on the parent chain");
                }
                Ok(_) => {}
                Err(error) if self.once => return Err(error),
                Err(error) => tracing::error!("anchor round failed: {error:#}"),
            }
            if self.once {
                return Ok(());
            }
            std::thread::sleep(self.interval.saturating_sub(started.elapsed()));
        }
    }

    /// Anchors what is due; the heights anchored.
    fn round(&self, secret: &onebook_types::keys::SecretKey) -> eyre::Result<Vec<u64>> {
        let child_status = get(&self.node, "/v1/status")?;
        let chain = child_status["chain_id"]
            .as_str()
            .map(ChainId::from)
            .ok_or_else(|| eyre!("the child node names no chain"))?;
        let mut latest = self.latest_anchored(&chain)?;
        let page: CheckpointPage = serde_json::from_value(get(
            &self.node,
            &format!("/v1/checkpoints?after={}", latest.map_or(0, |h| h.0)),
        )?)?;
        let witnessed: Vec<_> = page.checkpoints.iter().filter(|c| c.witnessed).collect();
        let due: Vec<Height> = witnessed
            .iter()
            .enumerate()
            .filter(|(i, summary)| {
                let checkpoint = &summary.checkpoint;
                *i + 1 == witnessed.len()
                    || checkpoint.next_witness_set_hash != checkpoint.witness_set_hash
            })
            .map(|(_, summary)| summary.checkpoint.height)
            .collect();
        let mut anchored = Vec::new();
        for height in due {
            let view: CheckpointView =
                serde_json::from_value(get(&self.node, &format!("/v1/checkpoints/{height}"))?)?;
            let extension = match latest {
                Some(from) => {
                    let path = format!("/v1/checkpoints/{height}/evidence?from={from}");
                    let evidence: CheckpointEvidence =
                        serde_json::from_value(get(&self.node, &path)?)?;
                    Some(evidence.extension.ok_or_else(|| eyre!("no extension from {from}"))?)
                }
                None => None,
            };
            let announces =
                view.checkpoint.next_witness_set_hash != view.checkpoint.witness_set_hash;
            let action = Action::AnchorCheckpoint {
                checkpoint: view.checkpoint,
                cosignatures: view.cosignatures,
                extension,
                next_witnesses: announces.then_some(view.next_witnesses),
            };
            self.submit(secret, action)
                .wrap_err_with(|| format!("anchoring checkpoint {height}"))?;
            latest = Some(height);
            anchored.push(height.0);
        }
        Ok(anchored)
    }

    /// The child's latest checkpoint the parent recorded, read from the parent's proof bundle of
    /// its `ChildChain` record at the parent's tip.
    fn latest_anchored(&self, chain: &ChainId) -> eyre::Result<Option<Height>> {
        let tip = get(&self.parent_node, "/v1/status")?["height"]
            .as_u64()
            .ok_or_else(|| eyre!("the parent node gives no height"))?;
        let path = format!("/v1/proofs/records/child_chain:{chain}?height={tip}");
        let (status, bytes) = http::request(&self.parent_node, "GET", &path, None)?;
        if status != 200 {
            let body: Value = serde_json::from_slice(&bytes).unwrap_or_default();
            bail!(
                "the parent chain does not anchor {chain} (admit it by governance first): {status} {}",
                problem_text(&body)
            );
        }
        let bundle = onebook_verifier::decode(&bytes)?;
        let Claim::Records(claims) = &bundle.claim else {
            bail!("the parent's bundle proves no record")
        };
        let value = claims
            .iter()
            .find(|claim| claim.key == RecordKey::ChildChain(chain.clone()))
            .and_then(|claim| claim.value.as_ref())
            .ok_or_else(|| eyre!("the parent's bundle does not hold {chain}'s record"))?;
        let child: ChildChain = codec::decode(value, RECORD_BYTES_MAX)?;
        Ok(child.latest.map(|latest| latest.checkpoint.height))
    }

    /// Signs `action`, submits it to the parent and waits for an accepting receipt.
    fn submit(&self, secret: &onebook_types::keys::SecretKey, action: Action) -> eyre::Result<()> {
        let node = &self.parent_node;
        let status = get(node, "/v1/status")?;
        let chain_id = status["chain_id"].as_str().ok_or_else(|| eyre!("no chain id"))?;
        let tip = status["height"].as_u64().ok_or_else(|| eyre!("no height"))?;
        let signer = secret.public_key();
        let next = get(node, &format!("/v1/nonces/{signer}"))?["next"]
            .as_u64()
            .ok_or_else(|| eyre!("no next nonce"))?;
        let body = TxBody {
            chain_id: ChainId::from(chain_id),
            signer,
            nonce: Nonce(next),
            valid_until: Height(tip + 100),
            action,
        };
        let tx = codec::encode(&body.sign(secret));
        let (code, bytes) =
            http::request(node, "POST", "/v1/txs", Some(("application/octet-stream", &tx)))?;
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if code != 202 {
            bail!("the parent node refused the tx ({code}): {}", problem_text(&answer));
        }
        let hash = answer["tx_hash"].as_str().ok_or_else(|| eyre!("no tx hash"))?.to_owned();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut poll = http::TxPoll::default();
        loop {
            let path = format!("/v1/txs/{hash}");
            let (code, bytes) = http::request(node, "GET", &path, None)?;
            let receipt: Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if code == 200 && receipt["status"] == "committed" {
                if receipt["code"] != 0 {
                    bail!("the parent's rules refused the anchoring: {}", receipt["rejection"]);
                }
                return Ok(());
            }
            if !poll.again(code) || Instant::now() > deadline {
                bail!("anchoring tx {hash} not committed: {code} {}", problem_text(&receipt));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// `GET path` on `node`; the JSON body of a 200.
fn get(node: &str, path: &str) -> eyre::Result<Value> {
    let (code, bytes) = http::request(node, "GET", path, None)?;
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    if code != 200 {
        bail!("GET {node}{path} answered {code}: {}", problem_text(&body));
    }
    Ok(body)
}
