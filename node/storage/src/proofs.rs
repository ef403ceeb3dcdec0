//! Cutting proof bundles (`onebook-verifier`) from the store.
//!
//! A bundle needs the header and certificate of the proved height, the state proofs of the
//! claimed records against that header's state root, and every validator-set change since
//! genesis. The ledger writes the next set to the `ValidatorSet` record in the block that
//! announces it, so the heights at which that record has a version are the only candidates:
//! [`set_changes`] reads them from the record's versions (one seek, one step per version, whatever
//! the chain's length), and takes each whose header's `next_validator_set_hash` differs from its
//! `validator_set_hash` (a block that rewrites the set unchanged announces nothing).
//!
//! Every bundle is anchored at the newest witnessed checkpoint at or above its height (or at one
//! asked for, [`anchor_bundle`]); with none, it is cut unanchored and says so, and a verifier
//! refuses it by default. A transaction's bundle carries its receipt, and a certificate's or a
//! grant's the records its standing depends on (the policy, a licence's parent), and the
//! lineage of a developed product or an onward grant (`docs/formats.md` section 29).

use onebook_types::{
    action::PropertySubject,
    block::{CommitCertificate, Header},
    codec,
    consortium::ValidatorSet,
    development_records::{DevelopedProduct, DevelopmentGrant},
    hash::Hash32,
    ids::{AccessEventId, GrantId, Height},
    lifecycle_records::GrantLineage,
    limits::{ONWARD_DEPTH_MAX, PROOF_BUNDLE_CLAIMS_MAX, RECORD_BYTES_MAX},
    merkle,
    property_records::{Certificate, PropertyApplication},
    record::RecordKey,
    sharing_records::AccessEvent,
};
use onebook_verifier::{Claim, ProofBundle, RecordClaim, SetChange};

use crate::{Result, StorageError, Store, TxLocation, checkpoints};

/// What a record claim must show, so a caller asking for absence gets an error, not a
/// membership proof, when the record exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordClaimKind {
    /// Whatever the store holds: the value if present, else absence.
    AsStored,
    /// The record must be present.
    Present,
    /// The record must be absent.
    Absent,
}

/// A bundle proving the values (or absences) of `keys` at `height`, in that order, under one
/// header.
pub fn bundle_for_records(
    store: &Store,
    keys: &[(RecordKey, RecordClaimKind)],
    height: Height,
) -> Result<ProofBundle> {
    if keys.is_empty() || keys.len() > PROOF_BUNDLE_CLAIMS_MAX {
        return Err(no_proof(format!(
            "a bundle claims 1 to {PROOF_BUNDLE_CLAIMS_MAX} records, not {}",
            keys.len()
        )));
    }
    let (header, certificate) = committed(store, height)?;
    let mut claims = Vec::with_capacity(keys.len());
    for (key, kind) in keys {
        let (root, value, proof) = store.prove_record(key, height)?;
        if root != header.state_root {
            return Err(StorageError::StateRootMismatch {
                height,
                detail: "the record proof's root is not the header's state root".into(),
            });
        }
        match (kind, &value) {
            (RecordClaimKind::Present, None) => {
                return Err(no_proof(format!("{key:?} is absent at height {height}")));
            }
            (RecordClaimKind::Absent, Some(_)) => {
                return Err(no_proof(format!("{key:?} is present at height {height}")));
            }
            _ => {}
        }
        claims.push(RecordClaim { key: key.clone(), value, proof });
    }
    bundle(store, header, certificate, Claim::Records(claims))
}

/// A bundle proving the value of `key` at `height`; the record must exist.
pub fn bundle_for_record(store: &Store, key: &RecordKey, height: Height) -> Result<ProofBundle> {
    bundle_for_records(store, &[(key.clone(), RecordClaimKind::Present)], height)
}

/// A bundle proving that no record `key` exists at `height`.
pub fn bundle_for_absence(store: &Store, key: &RecordKey, height: Height) -> Result<ProofBundle> {
    bundle_for_records(store, &[(key.clone(), RecordClaimKind::Absent)], height)
}

/// A bundle proving that the committed transaction `tx_hash` is in its block.
pub fn bundle_for_tx(store: &Store, tx_hash: &Hash32) -> Result<ProofBundle> {
    let (location, tx) =
        store.tx(tx_hash)?.ok_or_else(|| no_proof(format!("no committed tx {tx_hash}")))?;
    let hashes = store
        .block_tx_hashes(location.height)?
        .ok_or_else(|| store.noted(StorageError::Missing { what: "block tx list" }))?;
    let suite = store.suite();
    let leaves: Vec<Hash32> = hashes.iter().map(|hash| merkle::tx_leaf_in(suite, hash)).collect();
    let index = usize::try_from(location.index).unwrap_or(usize::MAX);
    if index >= leaves.len() {
        return Err(store.noted(StorageError::Missing { what: "tx in its block's tx list" }));
    }
    let proof = merkle::prove_in(suite, &leaves, index);
    let mut receipt_leaves = Vec::with_capacity(hashes.len());
    let mut receipt = None;
    for position in 0..hashes.len() {
        let at = TxLocation {
            height: location.height,
            index: u32::try_from(position).unwrap_or(u32::MAX),
        };
        let stored = store.receipt(at)?.ok_or(StorageError::Missing { what: "receipt" })?;
        receipt_leaves.push(merkle::receipt_leaf_in(suite, &codec::encode(&stored)));
        if position == index {
            receipt = Some(stored);
        }
    }
    let receipt = receipt.ok_or(StorageError::Missing { what: "receipt of the tx" })?;
    let receipt_proof = merkle::prove_in(suite, &receipt_leaves, index);
    let (header, certificate) = committed(store, location.height)?;
    let claim = Claim::Tx { tx: Box::new(tx), proof, receipt, receipt_proof };
    bundle(store, header, certificate, claim)
}

/// The height a record bundle is cut at when none is asked for: the newest witnessed
/// checkpoint, so the bundle says who holds what as of that checkpoint; the tip when no
/// checkpoint is witnessed yet (the bundle is then unanchored).
pub fn default_proof_height(store: &Store) -> Result<Height> {
    match checkpoints::newest_witnessed(store, Height(1))? {
        Some(height) => Ok(height),
        None => Ok(store.tip()?.height),
    }
}

/// Anchors `bundle` at the witnessed checkpoint `at` (at or above its height), or at the newest
/// witnessed one when `at` is `None`; removes the anchoring when there is none.
pub fn anchor_bundle(store: &Store, bundle: &mut ProofBundle, at: Option<Height>) -> Result<()> {
    bundle.anchor = checkpoints::anchor(store, bundle.header.height, at)?;
    Ok(())
}

/// Every validator-set change announced by a header below `height`, oldest first.
pub fn set_changes(store: &Store, height: Height) -> Result<Vec<SetChange>> {
    // A store started from a snapshot holds the changes below its base as the snapshot's
    // certificate carried them; the record's versions give the rest.
    let mut changes: Vec<SetChange> = crate::snapshot::base_set_changes(store)?
        .into_iter()
        .filter(|change| change.header.height < height)
        .collect();
    // Height 0 is genesis, whose set no header announces.
    for at in store.record_write_heights(&RecordKey::ValidatorSet, height)? {
        if at.0 == 0 {
            continue;
        }
        let header = store
            .header(at)?
            .ok_or_else(|| store.noted(StorageError::Missing { what: "header" }))?;
        if header.next_validator_set_hash == header.validator_set_hash {
            continue;
        }
        let certificate = store
            .certificate(at)?
            .ok_or_else(|| no_proof(format!("no certificate stored for the set change at {at}")))?;
        let bytes = store
            .record(&RecordKey::ValidatorSet, at)?
            .ok_or_else(|| store.noted(StorageError::Missing { what: "validator set record" }))?;
        let next_set: ValidatorSet = codec::decode(&bytes, RECORD_BYTES_MAX).map_err(|source| {
            store.noted(StorageError::Corrupt { what: "validator set record", source })
        })?;
        if next_set.hash_in(store.suite()) != header.next_validator_set_hash {
            return Err(no_proof(format!(
                "the validator set record at {at} is not the set its header announces"
            )));
        }
        changes.push(SetChange { header, certificate, next_set });
    }
    Ok(changes)
}

fn committed(store: &Store, height: Height) -> Result<(Header, CommitCertificate)> {
    let header =
        store.header(height)?.ok_or_else(|| no_proof(format!("no block at height {height}")))?;
    let certificate = store
        .certificate(height)?
        .ok_or_else(|| no_proof(format!("no commit certificate stored at height {height}")))?;
    Ok((header, certificate))
}

fn bundle(
    store: &Store,
    header: Header,
    certificate: CommitCertificate,
    claim: Claim,
) -> Result<ProofBundle> {
    let genesis_hash = store.genesis_hash()?.ok_or(StorageError::Empty)?;
    let changes = set_changes(store, header.height)?;
    let anchor = match checkpoints::anchor(store, header.height, None) {
        Ok(anchor) => anchor,
        Err(StorageError::NoProof { reason }) => {
            tracing::warn!(height = header.height.0, %reason, "bundle cut unanchored");
            None
        }
        Err(error) => return Err(error),
    };
    Ok(ProofBundle::new(genesis_hash, changes, header, certificate, claim, anchor))
}

/// A bundle of the records `keys` at `height`, all present or (with `absent`) all absent, plus
/// what a verifier requires to judge them: the parent certificate of each licence (a licence
/// stands only while its parent does); for certificates and grants, the policy (its UTC
/// offset fixes the local dates their terms are judged in); for a certificate, application or
/// product of a developed product, the product, its development grant and scenario; for an
/// onward grant or its lineage, the grant and the chain of grants it derives from
/// (`docs/formats.md` section 29). Refused when they do not fit.
pub fn bundle_for_claims(
    store: &Store,
    keys: &[RecordKey],
    absent: bool,
    height: Height,
) -> Result<ProofBundle> {
    let kind = if absent { RecordClaimKind::Absent } else { RecordClaimKind::Present };
    let mut claims: Vec<(RecordKey, RecordClaimKind)> =
        keys.iter().map(|key| (key.clone(), kind)).collect();
    if !absent {
        for key in keys {
            if !matches!(key, RecordKey::Certificate(_)) {
                continue;
            }
            let Some(certificate) = decoded::<Certificate>(store, key, height, "certificate")?
            else {
                continue;
            };
            if let Some(parent) = certificate.parent {
                push(&mut claims, RecordKey::Certificate(parent), RecordClaimKind::Present);
            }
        }
        let wants_policy = keys.iter().any(|key| {
            matches!(
                key,
                RecordKey::Certificate(_) | RecordKey::Grant(_) | RecordKey::GrantLineage(_)
            )
        });
        if wants_policy {
            push(&mut claims, RecordKey::Policy, RecordClaimKind::Present);
        }
        for key in keys {
            for (extra, kind) in development_lineage(store, key, height)? {
                push(&mut claims, extra, kind);
            }
            if let RecordKey::Grant(grant) | RecordKey::GrantLineage(grant) = key {
                // A lineage is judged with its grant.
                push(&mut claims, RecordKey::Grant(*grant), RecordClaimKind::Present);
                for (extra, kind) in onward_lineage(store, *grant, height)? {
                    push(&mut claims, extra, kind);
                }
            }
        }
        if claims.len() > PROOF_BUNDLE_CLAIMS_MAX {
            return Err(no_proof(format!(
                "with the policy, the licences' parents and the lineages their standing needs, \
                 these records make {} claims; a bundle holds {PROOF_BUNDLE_CLAIMS_MAX}",
                claims.len()
            )));
        }
    }
    bundle_for_records(store, &claims, height)
}

/// The bundle "this grant covered that access": access event `id` as of `height` (the block
/// that recorded it), the grant it names, its resource and the policy, under one header; for
/// an onward grant, the chain of grants it derives from too (`docs/formats.md` section 29).
pub fn bundle_for_access(store: &Store, id: AccessEventId, height: Height) -> Result<ProofBundle> {
    let event_key = RecordKey::AccessEvent(id);
    let event: AccessEvent = decoded(store, &event_key, height, "access event")?
        .ok_or_else(|| no_proof(format!("no access event {id} at height {}", height.0)))?;
    let grant =
        event.access.grant.ok_or_else(|| no_proof(format!("access event {id} names no grant")))?;
    let mut keys: Vec<(RecordKey, RecordClaimKind)> = [
        event_key,
        RecordKey::Grant(grant),
        RecordKey::Resource(event.access.resource),
        RecordKey::Policy,
    ]
    .map(|key| (key, RecordClaimKind::AsStored))
    .into();
    for (extra, kind) in onward_lineage(store, grant, height)? {
        push(&mut keys, extra, kind);
    }
    bundle_for_records(store, &keys, height)
}

/// What proves where a developed product came from, for `key` as of `height`: for a
/// certificate or application whose subject is a product, the product under its digest (or its
/// absence: a product registered before development grants, or never recorded); for a product
/// (or a certificate's product), its development grant; for a development grant, the scenario
/// that yielded it. Nothing for other records.
fn development_lineage(
    store: &Store,
    key: &RecordKey,
    height: Height,
) -> Result<Vec<(RecordKey, RecordClaimKind)>> {
    let mut claims = Vec::new();
    let digest = match key {
        RecordKey::Certificate(_) => decoded::<Certificate>(store, key, height, "certificate")?
            .and_then(|certificate| product_digest(&certificate.subject)),
        RecordKey::Application(_) => {
            decoded::<PropertyApplication>(store, key, height, "application")?
                .and_then(|application| product_digest(&application.subject))
        }
        RecordKey::Product(digest) => Some(*digest),
        _ => None,
    };
    let mut grant = match key {
        RecordKey::DevelopmentGrant(id) => Some(*id),
        _ => None,
    };
    if let Some(digest) = digest {
        let product_key = RecordKey::Product(digest);
        if *key != product_key {
            claims.push((product_key.clone(), RecordClaimKind::AsStored));
        }
        grant = decoded::<DevelopedProduct>(store, &product_key, height, "product")?
            .map(|product| product.grant);
    }
    if let Some(id) = grant {
        let grant_key = RecordKey::DevelopmentGrant(id);
        if *key != grant_key {
            claims.push((grant_key.clone(), RecordClaimKind::Present));
        }
        let grant: DevelopmentGrant = decoded(store, &grant_key, height, "development grant")?
            .ok_or_else(|| no_proof(format!("development grant {id} is absent at {height}")))?;
        claims.push((RecordKey::Scenario(grant.scenario), RecordClaimKind::Present));
    }
    Ok(claims)
}

/// What proves an onward grant's standing under the grants it derives from, as of `height`:
/// nothing for a grant issued on a share request; for an onward grant, its lineage and its
/// close-out (or the absence of one), then for each grant above it, up to the grant issued on
/// the share request, the grant, its lineage and its close-out (or the absence of one).
fn onward_lineage(
    store: &Store,
    grant: GrantId,
    height: Height,
) -> Result<Vec<(RecordKey, RecordClaimKind)>> {
    let mut claims = Vec::new();
    let key = RecordKey::GrantLineage(grant);
    let Some(mut lineage) = decoded::<GrantLineage>(store, &key, height, "grant lineage")? else {
        return Ok(claims);
    };
    if lineage.parent.is_none() {
        return Ok(claims);
    }
    claims.push((key, RecordClaimKind::Present));
    claims.push((RecordKey::GrantCloseOut(grant), RecordClaimKind::AsStored));
    for _ in 0..ONWARD_DEPTH_MAX {
        let Some(parent) = lineage.parent else { break };
        let key = RecordKey::GrantLineage(parent);
        claims.push((RecordKey::Grant(parent), RecordClaimKind::Present));
        claims.push((key.clone(), RecordClaimKind::Present));
        claims.push((RecordKey::GrantCloseOut(parent), RecordClaimKind::AsStored));
        lineage = decoded(store, &key, height, "grant lineage")?
            .ok_or_else(|| no_proof(format!("grant {parent} has onward grants but no lineage")))?;
    }
    Ok(claims)
}

fn product_digest(subject: &PropertySubject) -> Option<Hash32> {
    match subject {
        PropertySubject::Product { digest, .. } => Some(*digest),
        PropertySubject::Resource { .. } => None,
    }
}

/// The record `key` at `height`, decoded as `T`; damage if it does not decode.
fn decoded<T: borsh::BorshDeserialize>(
    store: &Store,
    key: &RecordKey,
    height: Height,
    what: &'static str,
) -> Result<Option<T>> {
    let Some(bytes) = store.record(key, height)? else { return Ok(None) };
    codec::decode(&bytes, RECORD_BYTES_MAX)
        .map(Some)
        .map_err(|source| store.noted(StorageError::Corrupt { what, source }))
}

/// Adds the claim `key` unless the list holds it already.
fn push(claims: &mut Vec<(RecordKey, RecordClaimKind)>, key: RecordKey, kind: RecordClaimKind) {
    if !claims.iter().any(|(claimed, _)| *claimed == key) {
        claims.push((key, kind));
    }
}

fn no_proof(reason: String) -> StorageError {
    StorageError::NoProof { reason }
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        block::{self, Block, CommitVote},
        consortium::Validator,
        ids::{ChainId, Timestamp},
        keys::PublicKey,
    };

    use super::*;
    use crate::{BlockCommit, RecordChange, StoreConfig};

    fn set(n: u8) -> ValidatorSet {
        let validators = (0..4)
            .map(|i| Validator {
                node_key: PublicKey([n * 4 + i; 32]),
                org: "xm-dsj".into(),
                power: 10,
            })
            .collect();
        ValidatorSet { validators }
    }

    /// A store whose blocks 1..=`tip` write the validator set where `writes` says: the set
    /// in force before each block is the last one written below it.
    fn chain(dir: &tempfile::TempDir, tip: u64, writes: &[(u64, ValidatorSet)]) -> Store {
        let store = Store::open(&StoreConfig::new(dir.path())).expect("open");
        let genesis =
            RecordChange { key: RecordKey::ValidatorSet, value: Some(codec::encode(&set(0))) };
        store.init_genesis(Hash32([1; 32]), vec![genesis]).expect("genesis");
        let mut in_force = set(0);
        for height in 1..=tip {
            let written = writes.iter().find(|(at, _)| *at == height).map(|(_, set)| set.clone());
            let changes: Vec<RecordChange> = written
                .iter()
                .map(|set| RecordChange {
                    key: RecordKey::ValidatorSet,
                    value: Some(codec::encode(set)),
                })
                .collect();
            let next = written.unwrap_or_else(|| in_force.clone());
            let tip_before = store.tip().expect("tip");
            let staged = store.stage(changes).expect("staged");
            let header = Header {
                chain_id: ChainId::from("set-changes-test"),
                height: Height(height),
                time: Timestamp(height * 1_000),
                previous_hash: tip_before.block_hash,
                history_root: store.next_history_root().expect("history"),
                tx_root: block::tx_root(&[]),
                tx_count: 0,
                receipts_root: block::receipts_root(&[]),
                state_root: staged.root,
                validator_set_hash: in_force.hash(),
                next_validator_set_hash: next.hash(),
                proposer: PublicKey([0; 32]),
            };
            let vote = CommitVote {
                chain_id: header.chain_id.clone(),
                genesis_hash: Hash32([1; 32]),
                height: header.height,
                round: 0,
                block_hash: header.hash(),
            };
            let certificate = Some(CommitCertificate { vote, signatures: vec![] });
            let block = Block { header, txs: vec![] };
            let commit = BlockCommit { block, receipts: vec![], certificate, touches: vec![] };
            store.commit(commit, staged).expect("committed");
            in_force = next;
        }
        store
    }

    /// Every header below `height` that announces another set: what [`set_changes`] must find.
    fn walked(store: &Store, height: u64) -> Vec<Height> {
        (1..height)
            .map(|h| store.header(Height(h)).expect("read").expect("header"))
            .filter(|header| header.next_validator_set_hash != header.validator_set_hash)
            .map(|header| header.height)
            .collect()
    }

    fn heights(changes: &[SetChange]) -> Vec<Height> {
        changes.iter().map(|change| change.header.height).collect()
    }

    #[test]
    fn set_changes_are_the_headers_that_announce_another_set_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Block 15 rewrites the set in force unchanged: a version of the record, no change.
        let writes = [(7, set(1)), (15, set(1)), (23, set(2)), (40, set(3))];
        let store = chain(&dir, 40, &writes);
        for height in [1, 7, 8, 15, 16, 23, 24, 40, 41] {
            let changes = set_changes(&store, Height(height)).expect("set changes");
            assert_eq!(heights(&changes), walked(&store, height), "below height {height}");
        }
        let changes = set_changes(&store, Height(41)).expect("set changes");
        assert_eq!(heights(&changes), [Height(7), Height(23), Height(40)]);
        assert_eq!(changes[1].next_set, set(2));
        let versions =
            store.record_write_heights(&RecordKey::ValidatorSet, Height(41)).expect("versions");
        assert_eq!(versions, [Height(0), Height(7), Height(15), Height(23), Height(40)]);
    }

    #[test]
    fn a_record_written_at_a_height_is_not_counted_below_it_and_other_keys_are_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = chain(&dir, 5, &[(3, set(1))]);
        let below = |height| {
            store.record_write_heights(&RecordKey::ValidatorSet, Height(height)).expect("versions")
        };
        assert_eq!(below(3), [Height(0)]);
        assert_eq!(below(4), [Height(0), Height(3)]);
        assert!(below(0).is_empty());
        let absent = RecordKey::Grant(onebook_types::ids::GrantId(1));
        assert!(store.record_write_heights(&absent, Height(6)).expect("versions").is_empty());
    }
}
