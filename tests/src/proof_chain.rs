//! A small signed chain for proof bundles: the dev genesis, real commit certificates signed by
//! the dev validator keys, a certificate, a grant, an access under it, and one validator-set
//! change, all written into a real [`Store`].
//!
//! | height | what it writes |
//! |---|---|
//! | 1 | resource 1 (entry `xm-scjg-001`), certificate [`CERTIFICATE`] on it, grant 1 to `xm-gaj` |
//! | 2 ([`ACCESS_HEIGHT`]) | access event 1 by `xm-gaj` on resource 1 under grant 1 |
//! | 3 ([`CHANGE_HEIGHT`]) | the next validator set: `xm-scjg`'s validator out, `xm-djzx`'s in |
//! | 4, 5 | synthetic records only, signed by the new set |
//!
//! Every block also carries two synthetic transactions ([`crate::synthetic::body`]).

use onebook_genesis::{GenesisFile, dev_secret};
use onebook_storage::{BlockCommit, RecordChange, Store, Tip};
use onebook_types::{
    action::{AccessDraft, AccessOperation, PropertySubject, RightKind},
    block::{self, Block, CommitCertificate, CommitSignature, CommitVote, Header},
    catalog_records::Resource,
    codec,
    consortium::{Validator, ValidatorSet},
    hash::Hash32,
    ids::{
        AccessEventId, CatalogCode, CertificateNumber, GrantId, Height, OrgId, ResourceId,
        ShareRequestId, SystemId, Timestamp,
    },
    keys::SecretKey,
    property_records::{Certificate, CertificateStatus},
    record::RecordKey,
    sharing_records::{AccessEvent, Grant, GrantStatus},
    time::Date,
    tx::SignedTx,
};
use onebook_verifier::TrustedGenesis;

/// The certificate issued at height 1.
pub const CERTIFICATE: &str = "350200-2026-000001X";
/// The height of the block that records the access event.
pub const ACCESS_HEIGHT: Height = Height(2);
/// The height of the block that announces the validator-set change.
pub const CHANGE_HEIGHT: Height = Height(3);
/// The last height built.
pub const TIP_HEIGHT: Height = Height(5);
/// Block time of block 1 (2026-05-01T00:00:00Z); each block is one second later.
pub const FIRST_BLOCK_TIME_MS: u64 = 1_777_593_600_000;

/// The dev genesis (`genesis/networks/dev.json`).
pub fn dev_genesis() -> eyre::Result<GenesisFile> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../genesis/networks/dev.json");
    Ok(GenesisFile::from_json_validated(&std::fs::read(path)?)?)
}

/// What a verifier trusts of `genesis`.
pub fn trusted(genesis: &GenesisFile) -> TrustedGenesis {
    TrustedGenesis {
        chain_id: genesis.chain_id.clone(),
        genesis_hash: genesis.hash(),
        validators: genesis.validator_set(),
    }
}

/// The secret key of each validator of `set`, derived from the dev label `<org>/node`.
pub fn validator_keys(set: &ValidatorSet) -> eyre::Result<Vec<SecretKey>> {
    set.validators
        .iter()
        .map(|validator| {
            let key = dev_secret(&format!("{}/node", validator.org));
            eyre::ensure!(
                key.public_key() == validator.node_key,
                "{} is no dev key",
                validator.org
            );
            Ok(key)
        })
        .collect()
}

/// The set announced at [`CHANGE_HEIGHT`]: the genesis set without `xm-scjg`'s validator and
/// with one run by `xm-djzx`.
pub fn next_set(genesis: &GenesisFile) -> ValidatorSet {
    let mut validators: Vec<Validator> = genesis
        .validator_set()
        .validators
        .into_iter()
        .filter(|validator| validator.org.as_str() != "xm-scjg")
        .collect();
    let org = OrgId::from("xm-djzx");
    let node_key = dev_secret("xm-djzx/node").public_key();
    validators.push(Validator { node_key, org, power: 10 });
    validators.sort_by_key(|validator| validator.node_key);
    ValidatorSet { validators }
}

/// A commit certificate of `header` signed by `signers` (sorted by node key here).
pub fn certify(header: &Header, signers: &[SecretKey]) -> CommitCertificate {
    let vote = CommitVote {
        chain_id: header.chain_id.clone(),
        height: header.height,
        round: 0,
        block_hash: header.hash(),
    };
    let digest = vote.signing_digest();
    let mut signatures: Vec<CommitSignature> = signers
        .iter()
        .map(|key| CommitSignature {
            node_key: key.public_key(),
            signature: key.sign(digest.as_bytes()),
        })
        .collect();
    signatures.sort_by_key(|entry| entry.node_key);
    CommitCertificate { vote, signatures }
}

/// Opens the genesis state of `genesis` in `store` and commits blocks 1 to [`TIP_HEIGHT`].
pub fn build(store: &Store, genesis: &GenesisFile) -> eyre::Result<Tip> {
    store.init_genesis_state(genesis.hash(), genesis.initial_state())?;
    extend(store, genesis, TIP_HEIGHT)
}

/// Commits the blocks of this chain above `store`'s tip up to `last`: the same blocks, with the
/// same certificates, whatever store holds the blocks below (one started from a snapshot too).
pub fn extend(store: &Store, genesis: &GenesisFile, last: Height) -> eyre::Result<Tip> {
    let mut tip = store.tip()?;
    let old = genesis.validator_set();
    let new = next_set(genesis);
    for height in tip.height.next().0..=last.0 {
        let height = Height(height);
        let (signing, next) = match height.cmp(&CHANGE_HEIGHT) {
            std::cmp::Ordering::Less => (&old, &old),
            std::cmp::Ordering::Equal => (&old, &new),
            std::cmp::Ordering::Greater => (&new, &new),
        };
        let mut body = crate::synthetic::body(height, 2, 3);
        body.changes.extend(domain_changes(height, &new));
        let staged = store.stage(body.changes.clone())?;
        let block = seal(&tip, &body.txs, &body.receipts, staged.root, signing, next);
        let certificate = certify(&block.header, &validator_keys(signing)?);
        let commit = BlockCommit {
            block,
            receipts: body.receipts,
            certificate: Some(certificate),
            touches: body.touches,
        };
        tip = store.commit(commit, staged)?;
    }
    Ok(tip)
}

/// The block time of block `height`.
pub fn block_time(height: Height) -> Timestamp {
    Timestamp(FIRST_BLOCK_TIME_MS + (height.0 - 1) * 1000)
}

/// The certificate written at height 1.
pub fn certificate() -> Certificate {
    let subject = PropertySubject::Resource { resource: ResourceId(1) };
    Certificate {
        number: CertificateNumber::from(CERTIFICATE),
        application: Some(onebook_types::ids::ApplicationId(1)),
        right: RightKind::Holding,
        subject_hash: onebook_types::property_records::subject_hash(&subject),
        subject,
        holder: OrgId::from("xm-scjg"),
        parent: None,
        issuer: OrgId::from("xm-djzx"),
        valid_from: date(2026, 4, 15),
        valid_until: date(2031, 4, 14),
        issued_at: block_time(Height(1)),
        transfers: vec![],
        status: CertificateStatus::Active,
    }
}

/// The grant written at height 1.
pub fn grant() -> Grant {
    Grant {
        id: GrantId(1),
        request: ShareRequestId(1),
        grantee: OrgId::from("xm-gaj"),
        provider: OrgId::from("xm-scjg"),
        entry: CatalogCode::from("xm-scjg-001"),
        items: vec!["name".into(), "credit_code".into()],
        starts: date(2026, 4, 30),
        expires_at: date(2026, 12, 31).start(480),
        conditions: String::new(),
        exception: false,
        status: GrantStatus::Active,
        legal_basis: None,
    }
}

/// The resource written at height 1.
pub fn resource() -> Resource {
    Resource {
        id: ResourceId(1),
        entry: CatalogCode::from("xm-scjg-001"),
        provider: OrgId::from("xm-scjg"),
        entry_version: 1,
        system: SystemId::from("xm-scjg-reg"),
        snapshot_digest: Hash32([7; 32]),
        record_count: 1000,
        items: vec!["name".into(), "credit_code".into()],
        authoritative: true,
        registered_at: Height(1),
        updated_at: Height(1),
    }
}

/// The access event written at [`ACCESS_HEIGHT`].
pub fn access_event() -> AccessEvent {
    AccessEvent {
        id: AccessEventId(1),
        org: OrgId::from("xm-gaj"),
        gateway: dev_secret("xm-gaj/gateway").public_key(),
        access: AccessDraft {
            grant: Some(GrantId(1)),
            member: dev_secret("xm-gaj/gateway").public_key(),
            resource: ResourceId(1),
            items: vec!["name".into()],
            operation: AccessOperation::Query,
            record_count: 3,
            request_digest: Hash32([9; 32]),
            accessed_at: Timestamp(block_time(ACCESS_HEIGHT).0 - 500),
        },
        recorded_at: block_time(ACCESS_HEIGHT),
        violation: None,
    }
}

fn domain_changes(height: Height, next: &ValidatorSet) -> Vec<RecordChange> {
    let change = |key: RecordKey, value: Vec<u8>| RecordChange { key, value: Some(value) };
    match height.0 {
        1 => vec![
            change(RecordKey::Resource(ResourceId(1)), codec::encode(&resource())),
            change(
                RecordKey::Certificate(CertificateNumber::from(CERTIFICATE)),
                codec::encode(&certificate()),
            ),
            change(RecordKey::Grant(GrantId(1)), codec::encode(&grant())),
        ],
        2 => vec![change(RecordKey::AccessEvent(AccessEventId(1)), codec::encode(&access_event()))],
        3 => vec![change(RecordKey::ValidatorSet, codec::encode(next))],
        _ => vec![],
    }
}

fn seal(
    tip: &Tip,
    txs: &[SignedTx],
    receipts: &[block::Receipt],
    state_root: Hash32,
    signing: &ValidatorSet,
    next: &ValidatorSet,
) -> Block {
    let height = tip.height.next();
    let hashes: Vec<Hash32> = txs.iter().map(SignedTx::hash).collect();
    let header = Header {
        chain_id: onebook_types::ids::ChainId::from("onebook-dev-1"),
        height,
        time: block_time(height),
        previous_hash: tip.block_hash,
        tx_root: block::tx_root(&hashes),
        tx_count: u32::try_from(hashes.len()).expect("a proof-chain block is small"),
        receipts_root: block::receipts_root(receipts),
        state_root,
        validator_set_hash: signing.hash(),
        next_validator_set_hash: next.hash(),
        proposer: signing.validators[0].node_key,
    };
    Block { header, txs: txs.to_vec() }
}

fn date(year: i32, month: u32, day: u32) -> Date {
    Date::from_ymd(year, month, day).expect("a real date")
}
