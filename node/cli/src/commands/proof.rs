//! `onebook proof`: cut a proof bundle from the node's store, or fetch one from a running node,
//! for `onebook verify-proof`.

use std::{fs, path::PathBuf};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use onebook_query::client::percent_encoded;
use onebook_storage::Store;
use onebook_types::{
    checkpoint::ChildChain,
    codec,
    hash::Hash32,
    ids::{AccessEventId, ChainId, Height},
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
};
use onebook_verifier::{Claim, ProofBundle};

use crate::Home;

/// Write a proof bundle of records (or their absence), a transaction and its receipt, or an
/// access and the grant it used, checkable offline with `onebook verify-proof` and the genesis
/// file alone. The bundle is anchored at the newest checkpoint the chain's witnesses cosigned
/// (or at `--checkpoint`); with none at or above its height, it is written unanchored and a
/// warning says so. The bundle is cut from the home's store, which only a stopped node leaves
/// free; `--node` fetches it from a running node's REST API instead (`GET /v1/proofs/...`), one
/// record at a time, anchored at the newest witnessed checkpoint.
#[derive(Debug, Args)]
pub struct ProofCommand {
    /// A record as `<kind>:<id>`, e.g. `certificate:350200-2026-000001X`, `grant:1`, `policy`;
    /// may be repeated (at most 12 records, with what their standing needs). Certificates and
    /// grants bring the policy along (dates are judged in the chain's local time), a licence
    /// brings its parent certificate, a product's certificate its product, development grant and
    /// scenario, and an onward grant the grants above it (`docs/formats.md` section 29): a
    /// verifier refuses them otherwise.
    #[arg(long, value_name = "KIND:ID")]
    record: Vec<String>,
    /// Require every `--record` to be absent (a proof that nothing is recorded under it).
    #[arg(long, requires = "record")]
    absent: bool,
    /// A committed transaction's hash (hex), instead of records.
    #[arg(long, conflicts_with_all = ["record", "access_event"])]
    tx: Option<String>,
    /// An access event id: prove it with its grant, its resource and the policy, at `--height`
    /// (the block that recorded it), for `verify-proof --grant-at-access`.
    #[arg(long, conflicts_with = "record")]
    access_event: Option<u64>,
    /// The height to prove at. Default: for records, the newest witnessed checkpoint (so the
    /// bundle says who holds what as of it; the tip while none is witnessed); otherwise the tip.
    #[arg(long)]
    height: Option<u64>,
    /// Anchor at the witnessed checkpoint at this height (at or above the proved height)
    /// instead of the newest.
    #[arg(long, value_name = "HEIGHT", conflicts_with = "node")]
    checkpoint: Option<u64>,
    /// A parent chain's node (`host:port`) that anchors this chain's checkpoints: the bundle is
    /// anchored at the latest checkpoint the parent recorded and carries the parent's proof of
    /// that record, for `verify-proof --parent-genesis`.
    #[arg(long, value_name = "HOST:PORT", conflicts_with_all = ["checkpoint", "node"])]
    parent_node: Option<String>,
    /// Where to write the bundle (binary).
    #[arg(long)]
    out: PathBuf,
    /// Fetch the bundle from this running node's API, `http://host:port` or `host:port`,
    /// instead of the home's store.
    #[arg(long, value_name = "URL")]
    node: Option<String>,
    /// With `--node`, sign the request with this member key under `keys/` (a restricted
    /// record's bundle answers to the members its rule names).
    #[arg(long, requires = "node")]
    key: Option<String>,
}

impl ProofCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        if let Some(node) = &self.node {
            let node = super::remote::node_address(home, overrides, Some(node))?;
            let bundle = self.fetch(home, &node)?;
            return self.write(&bundle);
        }
        let config = super::load_config(home, overrides)?;
        let (store, genesis) = super::open_store(home, &config).wrap_err(
            "the home's store cannot be opened; if its node is running, fetch the bundle from \
             it with --node <host:port>",
        )?;
        let parent = match &self.parent_node {
            Some(node) => Some(parent_proof(node, &genesis.chain_id)?),
            None => None,
        };
        let anchor_at = parent.as_ref().map(|(at, _)| *at).or(self.checkpoint.map(Height));
        let tip = store.tip()?.height;
        let mut bundle = if let Some(hash) = &self.tx {
            let hash = Hash32::from_hex(hash).map_err(|e| eyre!("tx hash: {e}"))?;
            onebook_storage::bundle_for_tx(&store, &hash)?
        } else if let Some(id) = self.access_event {
            let height = Height(self.height.unwrap_or(tip.0));
            onebook_storage::bundle_for_access(&store, AccessEventId(id), height)?
        } else {
            let height = match (self.height, anchor_at) {
                (Some(height), _) => Height(height),
                (None, Some(at)) => at,
                (None, None) => onebook_storage::default_proof_height(&store)?,
            };
            self.records_bundle(&store, height)?
        };
        if anchor_at.is_some() {
            onebook_storage::anchor_bundle(&store, &mut bundle, anchor_at)?;
        }
        if let (Some(anchor), Some((_, bytes))) = (&mut bundle.anchor, parent) {
            anchor.parent = Some(bytes);
        }
        self.write(&bundle)
    }

    /// Writes `bundle` to `--out` and says what it holds.
    fn write(&self, bundle: &ProofBundle) -> eyre::Result<()> {
        let bytes = bundle.encode();
        fs::write(&self.out, &bytes).wrap_err_with(|| format!("writing {}", self.out.display()))?;
        let anchoring = match &bundle.anchor {
            Some(anchor) if anchor.parent.is_some() => format!(
                ", anchored at witnessed checkpoint {} with the parent chain's proof",
                anchor.checkpoint.height
            ),
            Some(anchor) => {
                format!(", anchored at witnessed checkpoint {}", anchor.checkpoint.height)
            }
            None => {
                eprintln!(
                    "WARNING: no checkpoint at or above height {} is witnessed yet, so the bundle \
                     is NOT ANCHORED; `verify-proof` refuses it unless given --allow-unanchored. \
                     Wait for the witnesses to cosign a later checkpoint (GET /v1/checkpoints).",
                    bundle.header.height
                );
                ", NOT anchored".to_owned()
            }
        };
        println!(
            "wrote a {}-byte proof bundle at height {}{anchoring} to {}",
            bytes.len(),
            bundle.header.height,
            self.out.display()
        );
        Ok(())
    }

    fn records_bundle(&self, store: &Store, height: Height) -> eyre::Result<ProofBundle> {
        if self.record.is_empty() {
            bail!("give --record, --tx or --access-event");
        }
        let keys: Vec<RecordKey> =
            self.record.iter().map(|text| parse_record_key(text)).collect::<eyre::Result<_>>()?;
        Ok(onebook_storage::bundle_for_claims(store, &keys, self.absent, height)?)
    }

    /// The bundle the running node at `node` serves for the claim asked, checked to decode.
    fn fetch(&self, home: &Home, node: &str) -> eyre::Result<ProofBundle> {
        let height = self.height.map(|height| format!("height={height}"));
        let path = if let Some(hash) = &self.tx {
            let hash = Hash32::from_hex(hash).map_err(|e| eyre!("tx hash: {e}"))?;
            format!("/v1/proofs/txs/{hash}")
        } else if let Some(id) = self.access_event {
            with_query(format!("/v1/proofs/access-events/{id}"), &[height])
        } else {
            let [record] = self.record.as_slice() else {
                bail!("with --node give one --record (or --tx, or --access-event) per bundle");
            };
            let key = parse_record_key(record)?;
            let text = onebook_query::record_key_text(&key);
            let segment = match text.split_once(':') {
                Some((kind, id)) => format!("{kind}:{}", percent_encoded(id)),
                None => text,
            };
            let absent = self.absent.then(|| "absent=true".to_owned());
            with_query(format!("/v1/proofs/records/{segment}"), &[height, absent])
        };
        let reader = self.key.as_deref().map(|name| home.read_key(name)).transpose()?;
        let (code, bytes) = super::remote::get(node, &path, reader.as_ref())?;
        if code != 200 {
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            bail!("GET {path} on {node} answered {code}: {}", crate::http::problem_text(&body));
        }
        onebook_verifier::decode(&bytes).map_err(|error| {
            eyre!("the node at {node} answered a bundle that does not decode: {error}")
        })
    }
}

/// `path` with the query parameters given.
fn with_query(path: String, parameters: &[Option<String>]) -> String {
    let given: Vec<&str> = parameters.iter().flatten().map(String::as_str).collect();
    if given.is_empty() { path } else { format!("{path}?{}", given.join("&")) }
}

/// The parent chain's latest anchored checkpoint of this chain and the encoded bundle proving
/// it, read from the parent node at `node`.
fn parent_proof(node: &str, chain: &ChainId) -> eyre::Result<(Height, Vec<u8>)> {
    let path = format!("/v1/proofs/records/child_chain:{chain}");
    let (status, bytes) = crate::http::request(node, "GET", &path, None)?;
    if status != 200 {
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        bail!("the parent node answered {status}: {}", crate::http::problem_text(&body));
    }
    let bundle = onebook_verifier::decode(&bytes)
        .map_err(|error| eyre!("the parent node's bundle does not decode: {error}"))?;
    let Claim::Records(claims) = &bundle.claim else {
        bail!("the parent node's bundle proves no record");
    };
    let value = claims
        .iter()
        .find(|claim| claim.key == RecordKey::ChildChain(chain.clone()))
        .and_then(|claim| claim.value.as_ref())
        .ok_or_else(|| eyre!("the parent chain does not anchor chain {chain}"))?;
    let child: ChildChain = codec::decode(value, RECORD_BYTES_MAX)
        .map_err(|error| eyre!("the parent's child-chain record does not decode: {error}"))?;
    let latest = child
        .latest
        .ok_or_else(|| eyre!("the parent chain has anchored no checkpoint of {chain} yet"))?;
    Ok((latest.checkpoint.height, bytes))
}

/// Parses `<kind>:<id>` (or a bare `<kind>` for `policy` and `validator_set`) into a record key.
pub(crate) fn parse_record_key(text: &str) -> eyre::Result<RecordKey> {
    onebook_api::parse_record_key(text).map_err(|e| eyre!("{e}"))
}

#[cfg(test)]
mod tests {
    use onebook_types::ids::{CertificateNumber, GrantId};

    use super::*;

    #[test]
    fn record_keys_parse_from_kind_and_id() {
        assert_eq!(parse_record_key("grant:7").unwrap(), RecordKey::Grant(GrantId(7)));
        assert_eq!(
            parse_record_key("certificate:350200-2026-000001X").unwrap(),
            RecordKey::Certificate(CertificateNumber::from("350200-2026-000001X"))
        );
        assert_eq!(parse_record_key("policy").unwrap(), RecordKey::Policy);
        // An org whose id is all digits (a region code) is still an org.
        assert_eq!(parse_record_key("org:350200").unwrap(), RecordKey::Org("350200".into()));
        assert!(parse_record_key("nonsense:1").is_err());
    }
}
