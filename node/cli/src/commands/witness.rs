//! `onebook witness`: follow a chain's checkpoints, check each, cosign it and send the
//! cosignature to the nodes. Run by a party outside the validators, with its own key.
//!
//! For each checkpoint above the last one it cosigned, in order, the witness fetches the evidence
//! (`GET /v1/checkpoints/{h}/evidence?from=<last>`) and checks, trusting only its genesis file and
//! its own state: the proof bundle verifies (the header at `h` is committed by the validator set
//! walked from genesis, and the bundle proves the checkpoint policy after the block); every field
//! of the checkpoint is the header's or the policy's; the checkpoint names the witness set the
//! witness holds as current; and it extends the last checkpoint cosigned (consistency of the
//! history trees, and the old block an ancestor of the new). Only then does it sign, write its
//! new state to disk (atomically, before anything leaves the process, so a restart never signs a
//! second, conflicting checkpoint at a height) and post the cosignature to every node. A
//! checkpoint that fails a check is never cosigned and the witness stops advancing: it reports
//! the failure on every round until an operator looks.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use onebook_api::{CheckpointEvidence, CheckpointPage};
use onebook_types::{
    checkpoint::{Checkpoint, CheckpointPolicy, Cosignature, WitnessSet},
    hash::Hash32,
    ids::{ChainId, Timestamp},
    keys::SecretKey,
    record::RecordKey,
};
use onebook_verifier::{RecordValue, TrustedGenesis, VerifyOptions};
use serde::{Deserialize, Serialize};

use crate::{Home, home::read_genesis};

/// Follow a chain's checkpoints, check each against the genesis file and the last one cosigned,
/// cosign it with this home's witness key and send the cosignature to the nodes.
#[derive(Debug, Args)]
pub struct WitnessCommand {
    /// A node's API, `host:port`; may be repeated. Checkpoints are read from the first that
    /// answers; cosignatures go to all.
    #[arg(long = "node", required = true, value_name = "HOST:PORT")]
    nodes: Vec<String>,
    /// The witness key's file name under `keys/`.
    #[arg(long, default_value = "witness")]
    key: String,
    /// The chain's genesis file (default: the home's `genesis.json`).
    #[arg(long)]
    genesis: Option<PathBuf>,
    /// The witness's state: the last checkpoint it cosigned (default: `witness-state.json` in
    /// the home). Keep it: a witness that loses it cannot tell a fork from the chain it saw.
    #[arg(long)]
    state: Option<PathBuf>,
    /// How long to wait between rounds.
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    interval: Duration,
    /// Run one round and exit.
    #[arg(long)]
    once: bool,
}

/// What a witness keeps between runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WitnessState {
    /// The chain followed.
    chain_id: ChainId,
    /// Its genesis hash.
    genesis_hash: Hash32,
    /// The last checkpoint checked (cosigned, if this witness was in its set).
    last: Option<Checkpoint>,
    /// The witness set the next checkpoint must name: the genesis set, then each checkpoint's
    /// announced set.
    witnesses: WitnessSet,
    /// This witness's cosignature of `last`, if it made one, re-sent until the nodes hold it.
    cosignature: Option<Cosignature>,
}

impl WitnessCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home) -> eyre::Result<()> {
        let genesis_path = self.genesis.clone().unwrap_or_else(|| home.genesis_path());
        let genesis = super::verify_proof::trusted(&read_genesis(&genesis_path)?)?;
        let key = home.read_key_in(&self.key, genesis.suite)?;
        let state_path =
            self.state.clone().unwrap_or_else(|| home.root().join("witness-state.json"));
        let mut state = load_state(&state_path, &genesis)?;
        tracing::info!(
            witness = %key.public_key(),
            chain = %genesis.chain_id,
            last = ?state.last.as_ref().map(|checkpoint| checkpoint.height.0),
            "witness started"
        );
        loop {
            let started = Instant::now();
            if let Err(error) = self.round(&genesis, &key, &state_path, &mut state) {
                tracing::error!("witness round failed: {error:#}");
                if self.once {
                    return Err(error);
                }
            }
            if self.once {
                return Ok(());
            }
            std::thread::sleep(self.interval.saturating_sub(started.elapsed()));
        }
    }

    /// Checks and cosigns every checkpoint above the last one, in order.
    fn round(
        &self,
        genesis: &TrustedGenesis,
        key: &SecretKey,
        state_path: &Path,
        state: &mut WitnessState,
    ) -> eyre::Result<()> {
        if let Some(cosignature) = &state.cosignature
            && let Some(last) = &state.last
        {
            self.send(last, cosignature);
        }
        let after = state.last.as_ref().map_or(0, |checkpoint| checkpoint.height.0);
        let page: CheckpointPage = self.get_json(&format!("/v1/checkpoints?after={after}"))?;
        for summary in page.checkpoints {
            let checkpoint = summary.checkpoint;
            let next = check(self, genesis, state, &checkpoint)?;
            let cosignature = if state.witnesses.get(&key.public_key()).is_some() {
                let time = now();
                let digest = checkpoint.cosigning_digest_in(genesis.suite, time);
                Some(Cosignature {
                    witness: key.public_key(),
                    time,
                    signature: key.sign(digest.as_bytes()),
                })
            } else {
                tracing::warn!(
                    height = checkpoint.height.0,
                    "not a witness of this checkpoint's set; not cosigning"
                );
                None
            };
            state.last = Some(checkpoint.clone());
            state.witnesses = next;
            state.cosignature = cosignature.clone();
            save_state(state_path, state)?;
            if let Some(cosignature) = &cosignature {
                let lag = cosignature.time.0.saturating_sub(checkpoint.time.0);
                tracing::info!(height = checkpoint.height.0, lag_ms = lag, "cosigned checkpoint");
                self.send(&checkpoint, cosignature);
            }
        }
        Ok(())
    }

    /// Posts `cosignature` to every node; a node that is down gets it on a later round.
    fn send(&self, checkpoint: &Checkpoint, cosignature: &Cosignature) {
        let body = serde_json::to_vec(cosignature).expect("a cosignature serializes");
        let path = format!("/v1/checkpoints/{}/cosignatures", checkpoint.height);
        for node in &self.nodes {
            match crate::http::request(node, "POST", &path, Some(("application/json", &body))) {
                Ok((200 | 201, _)) => {}
                Ok((status, body)) => {
                    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    tracing::warn!(%node, status, problem = %crate::http::problem_text(&body), "cosignature not taken");
                }
                Err(error) => tracing::warn!(%node, "cannot reach the node: {error:#}"),
            }
        }
    }

    fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> eyre::Result<T> {
        let mut last_error = None;
        for node in &self.nodes {
            match crate::http::request(node, "GET", path, None) {
                Ok((200, body)) => {
                    return serde_json::from_slice(&body)
                        .wrap_err_with(|| format!("{node}{path} answered no valid JSON"));
                }
                Ok((status, body)) => {
                    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    last_error =
                        Some(eyre!("{node}{path}: {status} {}", crate::http::problem_text(&body)));
                }
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| eyre!("no node given")))
    }
}

/// Checks `checkpoint` against the evidence a node gives, the genesis and the witness's state;
/// the witness set it announces for the next checkpoint.
fn check(
    command: &WitnessCommand,
    genesis: &TrustedGenesis,
    state: &WitnessState,
    checkpoint: &Checkpoint,
) -> eyre::Result<WitnessSet> {
    let height = checkpoint.height;
    let from = state.last.as_ref().map(|last| last.height.0);
    let path = match from {
        Some(from) => format!("/v1/checkpoints/{height}/evidence?from={from}"),
        None => format!("/v1/checkpoints/{height}/evidence"),
    };
    let evidence: CheckpointEvidence = command.get_json(&path)?;
    if evidence.checkpoint != *checkpoint {
        bail!("checkpoint {height}: the node's evidence is for another checkpoint");
    }
    let bytes = hex::decode(&evidence.bundle).wrap_err("the evidence bundle is not hex")?;
    let options = VerifyOptions { allow_unanchored: true, ..VerifyOptions::default() };
    let verdict = onebook_verifier::verify_with(&bytes, genesis, &options).map_err(|error| {
        eyre!("checkpoint {height}: its header does not verify ({}): {error}", error.kind())
    })?;
    let bundle = onebook_verifier::decode(&bytes)?;
    let header = &bundle.header;
    let Some(RecordValue::CheckpointPolicy(policy)) = verdict.value(&RecordKey::CheckpointPolicy)
    else {
        bail!("checkpoint {height}: the evidence does not prove the checkpoint policy");
    };
    let policy: &CheckpointPolicy = policy;
    let expected = Checkpoint {
        chain_id: genesis.chain_id.clone(),
        genesis_hash: genesis.genesis_hash,
        height,
        time: header.time,
        block_hash: verdict.block_hash,
        history_root: header.history_root,
        validator_set_hash: header.validator_set_hash,
        witness_set_hash: state.witnesses.hash_in(genesis.suite),
        next_witness_set_hash: policy.witnesses.hash_in(genesis.suite),
    };
    if verdict.height != height || expected != *checkpoint {
        bail!(
            "checkpoint {height} is not what the chain shows: expected {expected:?}, the node \
             offers {checkpoint:?}"
        );
    }
    if let Some(last) = &state.last {
        let extension = evidence.extension.ok_or_else(|| {
            eyre!("checkpoint {height}: the node gave no proof it extends {}", last.height)
        })?;
        checkpoint.verify_extends_in(genesis.suite, last, &extension).map_err(|error| {
            eyre!(
                "checkpoint {height} does not extend the checkpoint {} this witness cosigned: \
                 {error}; a fork or a rewritten history, refusing to cosign",
                last.height
            )
        })?;
    }
    Ok(policy.witnesses.clone())
}

fn load_state(path: &Path, genesis: &TrustedGenesis) -> eyre::Result<WitnessState> {
    let fresh = WitnessState {
        chain_id: genesis.chain_id.clone(),
        genesis_hash: genesis.genesis_hash,
        last: None,
        witnesses: genesis.witnesses.clone(),
        cosignature: None,
    };
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(fresh),
        Err(error) => return Err(error).wrap_err_with(|| format!("reading {}", path.display())),
    };
    let state: WitnessState = serde_json::from_str(&text)
        .wrap_err_with(|| format!("witness state {} is damaged", path.display()))?;
    if state.chain_id != genesis.chain_id || state.genesis_hash != genesis.genesis_hash {
        bail!(
            "witness state {} is for chain {} of genesis {}, not this genesis",
            path.display(),
            state.chain_id,
            state.genesis_hash
        );
    }
    Ok(state)
}

/// Writes the state to a temporary file, syncs it and renames it over the old one, then syncs
/// the directory: after a crash the file holds the old state or the new, whole.
fn save_state(path: &Path, state: &WitnessState) -> eyre::Result<()> {
    let text = serde_json::to_string_pretty(state)? + "\n";
    let temporary = path.with_extension("json.tmp");
    let mut file = fs::File::create(&temporary)
        .wrap_err_with(|| format!("writing {}", temporary.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    fs::rename(&temporary, path).wrap_err_with(|| format!("replacing {}", path.display()))?;
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    Timestamp(u64::try_from(ms).unwrap_or(u64::MAX))
}
