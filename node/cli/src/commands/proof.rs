//! `onebook proof`: cut a proof bundle from the node's store, for `onebook verify-proof`.

use std::{fs, path::PathBuf};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use onebook_storage::{RecordClaimKind, Store};
use onebook_types::{
    codec,
    hash::Hash32,
    ids::{AccessEventId, Height},
    limits::{PROOF_BUNDLE_CLAIMS_MAX, RECORD_BYTES_MAX},
    property_records::Certificate,
    record::RecordKey,
    sharing_records::AccessEvent,
};
use onebook_verifier::ProofBundle;

use crate::Home;

/// Write a proof bundle of records (or their absence), a transaction, or an access and the grant
/// it used, checkable offline with `onebook verify-proof` and the genesis file alone.
#[derive(Debug, Args)]
pub struct ProofCommand {
    /// A record as `<kind>:<id>`, e.g. `certificate:350200-2026-000001X`, `grant:1`, `policy`;
    /// may be repeated (at most 8 records). Certificates and grants bring the policy along, so
    /// dates are judged in local time, and a licence brings its parent certificate.
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
    /// The height to prove at (default: the tip).
    #[arg(long)]
    height: Option<u64>,
    /// Where to write the bundle (binary).
    #[arg(long)]
    out: PathBuf,
}

impl ProofCommand {
    /// Runs the command.
    pub fn execute(self, home: &Home, overrides: &[String]) -> eyre::Result<()> {
        let config = super::load_config(home, overrides)?;
        let (store, _) = super::open_store(home, &config)?;
        let height = Height(self.height.unwrap_or(store.tip()?.height.0));
        let bundle = if let Some(hash) = &self.tx {
            let hash = Hash32::from_hex(hash).map_err(|e| eyre!("tx hash: {e}"))?;
            onebook_storage::bundle_for_tx(&store, &hash)?
        } else if let Some(id) = self.access_event {
            coverage_bundle(&store, AccessEventId(id), height)?
        } else {
            self.records_bundle(&store, height)?
        };
        let bytes = bundle.encode();
        fs::write(&self.out, &bytes).wrap_err_with(|| format!("writing {}", self.out.display()))?;
        println!(
            "wrote a {}-byte proof bundle at height {} to {}",
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
        let kind = if self.absent { RecordClaimKind::Absent } else { RecordClaimKind::Present };
        let mut keys = Vec::new();
        for text in &self.record {
            keys.push((parse_record_key(text)?, kind));
        }
        for parent in licence_parents(store, &keys, height)? {
            if keys.len() < PROOF_BUNDLE_CLAIMS_MAX && !keys.iter().any(|(key, _)| *key == parent) {
                keys.push((parent, RecordClaimKind::Present));
            }
        }
        let wants_policy = keys
            .iter()
            .any(|(key, _)| matches!(key, RecordKey::Certificate(_) | RecordKey::Grant(_)));
        let has_policy = keys.iter().any(|(key, _)| *key == RecordKey::Policy);
        if !self.absent && wants_policy && !has_policy && keys.len() < PROOF_BUNDLE_CLAIMS_MAX {
            keys.push((RecordKey::Policy, RecordClaimKind::Present));
        }
        Ok(onebook_storage::bundle_for_records(store, &keys, height)?)
    }
}

/// The parent certificates of the licences among `keys`: a licence stands only while its parent
/// does, so its bundle proves the parent too.
fn licence_parents(
    store: &Store,
    keys: &[(RecordKey, RecordClaimKind)],
    height: Height,
) -> eyre::Result<Vec<RecordKey>> {
    let mut parents = Vec::new();
    for (key, _) in keys {
        if !matches!(key, RecordKey::Certificate(_)) {
            continue;
        }
        let Some(bytes) = store.record(key, height)? else { continue };
        let certificate: Certificate = codec::decode(&bytes, RECORD_BYTES_MAX)?;
        if let Some(parent) = certificate.parent {
            parents.push(RecordKey::Certificate(parent));
        }
    }
    Ok(parents)
}

/// The access event, the grant it names, its resource and the policy, at `height`.
fn coverage_bundle(store: &Store, id: AccessEventId, height: Height) -> eyre::Result<ProofBundle> {
    let event_key = RecordKey::AccessEvent(id);
    let bytes = store
        .record(&event_key, height)?
        .ok_or_else(|| eyre!("no access event {id} at height {height}"))?;
    let event: AccessEvent = codec::decode(&bytes, RECORD_BYTES_MAX)?;
    let grant = event.access.grant.ok_or_else(|| eyre!("access event {id} names no grant"))?;
    let keys = [
        event_key,
        RecordKey::Grant(grant),
        RecordKey::Resource(event.access.resource),
        RecordKey::Policy,
    ]
    .map(|key| (key, RecordClaimKind::AsStored));
    Ok(onebook_storage::bundle_for_records(store, &keys, height)?)
}

/// Parses `<kind>:<id>` (or a bare `<kind>` for `policy` and `validator_set`) into a record key,
/// by the key's JSON form: a numeric id is a number, any other id a string (hex for keys and
/// hashes).
pub(crate) fn parse_record_key(text: &str) -> eyre::Result<RecordKey> {
    let value = match text.split_once(':') {
        None => serde_json::json!({ "kind": text }),
        Some((kind, id)) => match id.parse::<u64>() {
            Ok(number) => serde_json::json!({ "kind": kind, "id": number }),
            Err(_) => serde_json::json!({ "kind": kind, "id": id }),
        },
    };
    serde_json::from_value(value).map_err(|e| eyre!("record {text:?} is not <kind>:<id>: {e}"))
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
        assert!(parse_record_key("nonsense:1").is_err());
    }
}
