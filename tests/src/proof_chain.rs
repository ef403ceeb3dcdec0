//! A small signed chain for proof bundles: the dev genesis, real commit certificates signed by
//! the dev validator keys, certificates in every standing, a grant and an access under it, a
//! refused tx, one validator-set change, and a checkpoint cosigned by both dev witnesses, all
//! written into a real [`Store`].
//!
//! | height | what it writes |
//! |---|---|
//! | 1 | resource 1 (entry `xm-scjg-001`), certificate [`CERTIFICATE`] on it (holder `xm-scjg`), its licence [`LICENCE`] to `xm-jypt`, certificate [`CANCELLED`], certificate [`EXPIRED`] (valid until 2026-04-30), grant 1 to `xm-gaj` |
//! | 2 ([`ACCESS_HEIGHT`]) | access event 1 by `xm-gaj` on resource 1 under grant 1 |
//! | 3 ([`CHANGE_HEIGHT`]) | the next validator set: `xm-scjg`'s validator out, `xm-djzx`'s in |
//! | 5 | [`CANCELLED`] cancelled |
//! | 6 ([`TRANSFER_HEIGHT`]) | [`CERTIFICATE`] transferred from `xm-scjg` to `xm-jypt` |
//! | 7 ([`REFUSED_HEIGHT`]) | its second tx refused (`RoleMissing`) |
//! | 8 | one record of every other kind ([`every_kind`]) |
//! | 10 ([`CHECKPOINT_HEIGHT`]) | a checkpoint, cosigned by both dev witnesses |
//! | 11, 12 | synthetic records only: above the checkpoint, so unanchored |
//!
//! Every block carries two synthetic transactions ([`crate::synthetic::body`]). Block 1 is at
//! 2026-04-30T20:00:00Z, 2026-05-01 04:00 in China Standard Time, and each block one second
//! later: the UTC day and the local day differ, which is what [`EXPIRED`] shows.

use onebook_genesis::{GenesisFile, dev_secret};
use onebook_storage::{BlockCommit, RecordChange, Store, Tip};
use onebook_types::{
    action::{AccessDraft, AccessOperation, PropertySubject, RightKind},
    block::{self, Block, CommitCertificate, CommitSignature, CommitVote, Header, Receipt},
    catalog_records::Resource,
    checkpoint::{Cosignature, WitnessSet},
    codec,
    consortium::{Validator, ValidatorSet},
    hash::Hash32,
    ids::{
        AccessEventId, CatalogCode, CertificateNumber, ChainId, GrantId, Height, OrgId, ResourceId,
        ShareRequestId, SystemId, Timestamp,
    },
    keys::SecretKey,
    property_records::{Certificate, CertificateStatus, HolderChange},
    record::RecordKey,
    rejection::Rejection,
    sharing_records::{AccessEvent, Grant, GrantStatus},
    suite::Suite,
    time::Date,
    tx::SignedTx,
};
use onebook_verifier::TrustedGenesis;

/// The holding certificate issued at height 1 and transferred at [`TRANSFER_HEIGHT`].
pub const CERTIFICATE: &str = "350200-2026-000001X";
/// A licence under [`CERTIFICATE`], to `xm-jypt`.
pub const LICENCE: &str = "350200-2026-0000028";
/// A certificate cancelled at height 5.
pub const CANCELLED: &str = "350200-2026-0000036";
/// A certificate valid until 2026-04-30: still that day in UTC at every block, already
/// 2026-05-01 in China Standard Time.
pub const EXPIRED: &str = "350200-2026-0000044";
/// The height of the block that records the access event.
pub const ACCESS_HEIGHT: Height = Height(2);
/// The height of the block that announces the validator-set change.
pub const CHANGE_HEIGHT: Height = Height(3);
/// The height of the block that cancels [`CANCELLED`].
pub const CANCEL_HEIGHT: Height = Height(5);
/// The height of the block that transfers [`CERTIFICATE`].
pub const TRANSFER_HEIGHT: Height = Height(6);
/// The height of the block whose second tx the ledger refused.
pub const REFUSED_HEIGHT: Height = Height(7);
/// The height of the block that writes one record of every other kind.
pub const EVERY_KIND_HEIGHT: Height = Height(8);
/// The checkpoint both dev witnesses cosign.
pub const CHECKPOINT_HEIGHT: Height = Height(10);
/// The last height built.
pub const TIP_HEIGHT: Height = Height(12);
/// Block time of block 1 (2026-04-30T20:00:00Z); each block is one second later.
pub const FIRST_BLOCK_TIME_MS: u64 = 1_777_579_200_000;
/// The dev labels of the genesis witnesses.
pub const WITNESSES: [&str; 2] = ["fj-sjj/witness", "xm-sjj/witness"];

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
        witnesses: genesis.checkpoint_policy().witnesses,
        suite: genesis.suite,
    }
}

/// The secret key of each validator of `set`, derived from the dev label `<org>/node` in the
/// suite whose dev key it is.
pub fn validator_keys(set: &ValidatorSet) -> eyre::Result<Vec<SecretKey>> {
    set.validators
        .iter()
        .map(|validator| {
            let label = format!("{}/node", validator.org);
            Suite::ALL
                .into_iter()
                .map(|suite| onebook_genesis::dev_secret_in(suite, &label))
                .find(|key| key.public_key() == validator.node_key)
                .ok_or_else(|| eyre::eyre!("{} is no dev key", validator.org))
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
    let node_key = onebook_genesis::dev_secret_in(genesis.suite, "xm-djzx/node").public_key();
    validators.push(Validator { node_key, org, power: 10 });
    validators.sort_by_key(|validator| validator.node_key);
    ValidatorSet { validators }
}

/// A commit certificate of `header` of the chain of `genesis_hash`, signed by `signers` (sorted
/// by node key here), hashed in the signers' suite.
pub fn certify(header: &Header, genesis_hash: Hash32, signers: &[SecretKey]) -> CommitCertificate {
    let suite = signers.first().map_or(Suite::Ed25519Blake3, SecretKey::suite);
    let vote = CommitVote {
        chain_id: header.chain_id.clone(),
        genesis_hash,
        height: header.height,
        round: 0,
        block_hash: header.hash_in(suite),
    };
    let digest = vote.signing_digest_in(suite);
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

/// Cosignatures of the checkpoint at `height` by the dev witnesses `labels`, at a fixed time
/// (five seconds after the checkpoint's block), stored in `store` as a node keeps them.
pub fn cosign(store: &Store, height: Height, labels: &[&str]) -> eyre::Result<Vec<Cosignature>> {
    let checkpoint = onebook_storage::checkpoint(store, height)?
        .ok_or_else(|| eyre::eyre!("no checkpoint at {height}"))?;
    let mut cosignatures = Vec::new();
    for label in labels {
        let key = onebook_genesis::dev_secret_in(store.suite(), label);
        let time = Timestamp(checkpoint.time.0 + 5_000);
        let digest = checkpoint.cosigning_digest_in(store.suite(), time);
        let cosignature =
            Cosignature { witness: key.public_key(), time, signature: key.sign(digest.as_bytes()) };
        onebook_storage::record_cosignature(store, height, &cosignature)?;
        cosignatures.push(cosignature);
    }
    Ok(cosignatures)
}

/// Opens the genesis state of `genesis` in `store`, commits blocks 1 to [`TIP_HEIGHT`] and has
/// both dev witnesses cosign the checkpoint at [`CHECKPOINT_HEIGHT`].
pub fn build(store: &Store, genesis: &GenesisFile) -> eyre::Result<Tip> {
    let tip = build_unwitnessed(store, genesis)?;
    cosign(store, CHECKPOINT_HEIGHT, &WITNESSES)?;
    Ok(tip)
}

/// As [`build`], with no cosignature at all: every bundle cut from it is unanchored.
pub fn build_unwitnessed(store: &Store, genesis: &GenesisFile) -> eyre::Result<Tip> {
    store.init_genesis_state(genesis.hash(), genesis.initial_state())?;
    extend(store, genesis, TIP_HEIGHT)
}

/// Commits the blocks of this chain above `store`'s tip up to `last`: the same blocks, with the
/// same certificates, whatever store holds the blocks below (one started from a snapshot too).
pub fn extend(store: &Store, genesis: &GenesisFile, last: Height) -> eyre::Result<Tip> {
    extend_with(store, genesis, last, &|_| Vec::new())
}

/// As [`extend`], with `extra(height)` written in each block besides this chain's own records
/// (a variant chain: its roots differ from this chain's from the first block `extra` writes in).
pub fn extend_with(
    store: &Store,
    genesis: &GenesisFile,
    last: Height,
    extra: &dyn Fn(Height) -> Vec<RecordChange>,
) -> eyre::Result<Tip> {
    let genesis_hash = genesis.hash();
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
        if height == REFUSED_HEIGHT {
            let refused = body.txs[1].hash_in(store.suite());
            body.receipts[1] = Receipt::rejected(refused, Rejection::RoleMissing);
            let written = RecordKey::ShareRequest(ShareRequestId((height.0 - 1) * 2 + 1));
            body.changes.retain(|change| change.key != written);
            body.touches[1].records.clear();
        }
        body.changes.extend(domain_changes(height, &new));
        body.changes.extend(extra(height));
        let staged = store.stage(body.changes.clone())?;
        let history_root = store.next_history_root()?;
        let sealed =
            Sealed { suite: store.suite(), state_root: staged.root, history_root, signing, next };
        let block = seal(&genesis.chain_id, &tip, &body.txs, &body.receipts, &sealed);
        let certificate = certify(&block.header, genesis_hash, &validator_keys(signing)?);
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

fn holding(number: &str, valid_until: Date) -> Certificate {
    let subject = PropertySubject::Resource { resource: ResourceId(1) };
    Certificate {
        number: CertificateNumber::from(number),
        application: Some(onebook_types::ids::ApplicationId(1)),
        right: RightKind::Holding,
        subject_hash: onebook_types::property_records::subject_hash(&subject),
        subject,
        holder: OrgId::from("xm-scjg"),
        parent: None,
        issuer: OrgId::from("xm-djzx"),
        valid_from: date(2026, 4, 15),
        valid_until,
        issued_at: block_time(Height(1)),
        transfers: vec![],
        status: CertificateStatus::Active,
    }
}

/// [`CERTIFICATE`] as written at height 1.
pub fn certificate() -> Certificate {
    holding(CERTIFICATE, date(2031, 4, 14))
}

/// [`CERTIFICATE`] after its transfer at [`TRANSFER_HEIGHT`].
pub fn transferred_certificate() -> Certificate {
    let mut certificate = certificate();
    certificate.transfers.push(HolderChange {
        from: OrgId::from("xm-scjg"),
        to: OrgId::from("xm-jypt"),
        height: TRANSFER_HEIGHT,
        at: block_time(TRANSFER_HEIGHT),
    });
    certificate.holder = OrgId::from("xm-jypt");
    certificate
}

/// [`LICENCE`]: a processing-use right under [`CERTIFICATE`], to `xm-jypt`.
pub fn licence() -> Certificate {
    let mut licence = holding(LICENCE, date(2027, 4, 30));
    licence.application = None;
    licence.right = RightKind::ProcessingUse;
    licence.holder = OrgId::from("xm-jypt");
    licence.parent = Some(CertificateNumber::from(CERTIFICATE));
    licence.valid_from = date(2026, 5, 1);
    licence
}

/// [`EXPIRED`].
pub fn expired() -> Certificate {
    holding(EXPIRED, date(2026, 4, 30))
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

/// The records of [`EVERY_KIND_HEIGHT`]: one of every kind the chain does not already hold,
/// from `onebook_query::test_utils::every_kind`, plus a nonce, a sequence, a region authority,
/// a property subject's rights and a child chain.
pub fn every_kind() -> Vec<(RecordKey, Vec<u8>)> {
    use onebook_types::{
        checkpoint::ChildChain,
        ids::{ApplicationId, Nonce, RegionCode},
        property_records::{SubjectClaim, SubjectRight, SubjectRights, subject_hash},
    };
    let taken = |key: &RecordKey| {
        matches!(
            key,
            RecordKey::Resource(_)
                | RecordKey::Grant(_)
                | RecordKey::AccessEvent(_)
                | RecordKey::Certificate(_)
                | RecordKey::Org(_)
                | RecordKey::Member(_)
                // Kept out so that the golden bundles pinned before it keep their bytes.
                | RecordKey::PublishedReport(_)
        )
    };
    let mut records: Vec<(RecordKey, Vec<u8>)> = onebook_query::test_utils::every_kind()
        .into_iter()
        .filter(|(key, _)| !taken(key))
        .collect();
    let subject = subject_hash(&PropertySubject::Resource { resource: ResourceId(1) });
    let rights = SubjectRights {
        claims: vec![
            SubjectRight {
                right: RightKind::Holding,
                claim: SubjectClaim::Application(ApplicationId(2)),
            },
            SubjectRight {
                right: RightKind::Holding,
                claim: SubjectClaim::Certificate(CertificateNumber::from(CERTIFICATE)),
            },
        ],
    };
    let child = ChildChain {
        chain_id: ChainId::from("onebook-sm-1"),
        genesis_hash: Hash32([0x51; 32]),
        witnesses: WitnessSet { threshold: 0, witnesses: vec![] },
        admitted_at: Height(4),
        latest: None,
    };
    records.extend([
        (RecordKey::Nonce(dev_secret("xm-gaj/gateway").public_key()), codec::encode(&Nonce(7))),
        (RecordKey::Sequence("grant".into()), codec::encode(&12u64)),
        (
            RecordKey::RegionAuthority(RegionCode::from("350203")),
            codec::encode(&OrgId::from("xm-dsj")),
        ),
        (RecordKey::PropertySubject(subject), codec::encode(&rights)),
        (RecordKey::ChildChain(child.chain_id.clone()), codec::encode(&child)),
    ]);
    records
}

fn domain_changes(height: Height, next: &ValidatorSet) -> Vec<RecordChange> {
    let change = |key: RecordKey, value: Vec<u8>| RecordChange { key, value: Some(value) };
    let certificate_change = |certificate: &Certificate| {
        change(RecordKey::Certificate(certificate.number.clone()), codec::encode(certificate))
    };
    match height {
        Height(1) => vec![
            change(RecordKey::Resource(ResourceId(1)), codec::encode(&resource())),
            certificate_change(&certificate()),
            certificate_change(&licence()),
            certificate_change(&holding(CANCELLED, date(2030, 12, 31))),
            certificate_change(&expired()),
            change(RecordKey::Grant(GrantId(1)), codec::encode(&grant())),
        ],
        ACCESS_HEIGHT => {
            vec![change(RecordKey::AccessEvent(AccessEventId(1)), codec::encode(&access_event()))]
        }
        CHANGE_HEIGHT => vec![change(RecordKey::ValidatorSet, codec::encode(next))],
        CANCEL_HEIGHT => {
            let mut cancelled = holding(CANCELLED, date(2030, 12, 31));
            cancelled.status = CertificateStatus::Cancelled {
                reason: "权利人申请注销".into(),
                at: block_time(CANCEL_HEIGHT),
            };
            vec![certificate_change(&cancelled)]
        }
        TRANSFER_HEIGHT => vec![certificate_change(&transferred_certificate())],
        EVERY_KIND_HEIGHT => {
            every_kind().into_iter().map(|(key, value)| change(key, value)).collect()
        }
        _ => vec![],
    }
}

/// The roots and sets a header is sealed with.
struct Sealed<'a> {
    suite: Suite,
    state_root: Hash32,
    history_root: Hash32,
    signing: &'a ValidatorSet,
    next: &'a ValidatorSet,
}

fn seal(
    chain_id: &ChainId,
    tip: &Tip,
    txs: &[SignedTx],
    receipts: &[block::Receipt],
    sealed: &Sealed<'_>,
) -> Block {
    let height = tip.height.next();
    let suite = sealed.suite;
    let hashes: Vec<Hash32> = txs.iter().map(|tx| tx.hash_in(suite)).collect();
    let header = Header {
        chain_id: chain_id.clone(),
        height,
        time: block_time(height),
        previous_hash: tip.block_hash,
        history_root: sealed.history_root,
        tx_root: block::tx_root_in(suite, &hashes),
        tx_count: u32::try_from(hashes.len()).expect("a proof-chain block is small"),
        receipts_root: block::receipts_root_in(suite, receipts),
        state_root: sealed.state_root,
        validator_set_hash: sealed.signing.hash_in(suite),
        next_validator_set_hash: sealed.next.hash_in(suite),
        proposer: sealed.signing.validators[0].node_key,
    };
    Block { header, txs: txs.to_vec() }
}

/// The provincial chain of the parent-chain examples: the dev genesis renamed `onebook-fj-1`,
/// two hours later.
pub fn parent_genesis() -> eyre::Result<GenesisFile> {
    let mut genesis = dev_genesis()?;
    genesis.chain_id = ChainId::from("onebook-fj-1");
    genesis.genesis_time = Timestamp(genesis.genesis_time.0 + 7_200_000);
    genesis.validate()?;
    Ok(genesis)
}

/// Builds the parent chain of `parent` in `store`: block 1 records `child` (a child chain with
/// its latest anchored checkpoint), blocks 2 to [`CHECKPOINT_HEIGHT`] carry synthetic txs only,
/// and both dev witnesses cosign the checkpoint at [`CHECKPOINT_HEIGHT`].
pub fn build_parent(
    store: &Store,
    parent: &GenesisFile,
    child: &onebook_types::checkpoint::ChildChain,
) -> eyre::Result<Tip> {
    let genesis_hash = parent.hash();
    let mut tip = store.init_genesis_state(genesis_hash, parent.initial_state())?;
    let set = parent.validator_set();
    for height in 1..=CHECKPOINT_HEIGHT.0 {
        let height = Height(height);
        let mut body = crate::synthetic::body(height, 2, 3);
        if height.0 == 1 {
            body.changes.push(RecordChange {
                key: RecordKey::ChildChain(child.chain_id.clone()),
                value: Some(codec::encode(child)),
            });
        }
        let staged = store.stage(body.changes.clone())?;
        let history_root = store.next_history_root()?;
        let sealed = Sealed {
            suite: store.suite(),
            state_root: staged.root,
            history_root,
            signing: &set,
            next: &set,
        };
        let block = seal(&parent.chain_id, &tip, &body.txs, &body.receipts, &sealed);
        let certificate = certify(&block.header, genesis_hash, &validator_keys(&set)?);
        let commit = BlockCommit {
            block,
            receipts: body.receipts,
            certificate: Some(certificate),
            touches: body.touches,
        };
        tip = store.commit(commit, staged)?;
    }
    cosign(store, CHECKPOINT_HEIGHT, &WITNESSES)?;
    Ok(tip)
}

pub(crate) fn date(year: i32, month: u32, day: u32) -> Date {
    Date::from_ymd(year, month, day).expect("a real date")
}
