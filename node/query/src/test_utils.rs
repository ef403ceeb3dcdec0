//! Chains of chosen records for tests: each block is one tx that writes the records given and
//! touches them, so listings, as-of reads and timelines all have something to read.

use onebook_storage::{BlockCommit, RecordChange, Store, Tip, TxTouch};
use onebook_types::{
    action::Action,
    block::{self, Block, Header, Receipt},
    codec,
    hash::Hash32,
    ids::{ChainId, Height, Nonce, OrgId, ShareRequestId, Timestamp},
    keys::{PublicKey, SecretKey},
    record::RecordKey,
    tx::TxBody,
};

/// The chain id of test chains.
pub const CHAIN_ID: &str = "onebook-query-test";
/// Block time of block `h` is `h` seconds after this.
pub const GENESIS_TIME_MS: u64 = 1_767_196_800_000;

/// The signer of every test tx.
pub fn signer() -> SecretKey {
    SecretKey::from_seed([0x51; 32])
}

/// The block time of block `height`.
pub fn block_time(height: Height) -> Timestamp {
    Timestamp(GENESIS_TIME_MS + height.0 * 1_000)
}

/// A record and its encoded value.
pub fn entry<T: borsh::BorshSerialize>(key: RecordKey, record: &T) -> (RecordKey, Vec<u8>) {
    (key, codec::encode(record))
}

/// Opens `store` at a genesis holding `records`.
pub fn init(store: &Store, records: Vec<(RecordKey, Vec<u8>)>) -> Tip {
    let genesis_hash = Hash32([0x9e; 32]);
    store.init_genesis_state(genesis_hash, records).expect("the test genesis is written")
}

/// Commits the next block: one tx that writes `records`, touching each of them and `orgs`.
pub fn commit(store: &Store, records: Vec<(RecordKey, Vec<u8>)>, orgs: Vec<OrgId>) -> Tip {
    let tip = store.tip().expect("the store has a genesis");
    let height = tip.height.next();
    let key = signer();
    let tx = TxBody {
        chain_id: ChainId::from(CHAIN_ID),
        signer: key.public_key(),
        nonce: Nonce(height.0),
        valid_until: Height(height.0 + 100),
        action: Action::WithdrawShareRequest { request: ShareRequestId(height.0) },
    }
    .sign(&key);
    let touch = TxTouch { records: records.iter().map(|(key, _)| key.clone()).collect(), orgs };
    let changes = records.into_iter().map(|(key, value)| RecordChange { key, value: Some(value) });
    let staged = store.stage(changes.collect()).expect("staged");
    let receipts = vec![Receipt::accepted(tx.hash(), vec![])];
    let header = Header {
        chain_id: ChainId::from(CHAIN_ID),
        height,
        time: block_time(height),
        previous_hash: tip.block_hash,
        tx_root: block::tx_root(&[tx.hash()]),
        tx_count: 1,
        receipts_root: block::receipts_root(&receipts),
        state_root: staged.root,
        validator_set_hash: Hash32::ZERO,
        next_validator_set_hash: Hash32::ZERO,
        proposer: PublicKey([0; 32]),
    };
    let block = Block { header, txs: vec![tx] };
    let commit = BlockCommit { block, receipts, certificate: None, touches: vec![touch] };
    store.commit(commit, staged).expect("committed")
}

/// An active grant `id` of entry `350200-xm-scjg-0001` from `xm-scjg` to `grantee`.
pub fn grant(id: u64, grantee: &str) -> onebook_types::sharing_records::Grant {
    use onebook_types::{
        ids::{CatalogCode, GrantId},
        sharing_records::{Grant, GrantStatus},
        time::Date,
    };
    let first_day = Date::from_ymd(2026, 1, 1).expect("a date");
    Grant {
        id: GrantId(id),
        request: ShareRequestId(id),
        grantee: OrgId::from(grantee),
        provider: OrgId::from("xm-scjg"),
        entry: CatalogCode::from("350200-xm-scjg-0001"),
        items: vec!["企业名称".into()],
        starts: first_day,
        expires_at: Date::from_ymd(2026, 12, 31).expect("a date").start(480),
        conditions: String::new(),
        exception: false,
        status: GrantStatus::Active,
    }
}

/// An active org `id` under `parent` in region `350200`.
pub fn org(id: &str, parent: Option<&str>) -> onebook_types::consortium::Org {
    use onebook_types::{
        consortium::{Org, OrgLevel, OrgStatus},
        ids::RegionCode,
    };
    Org {
        id: OrgId::from(id),
        name: format!("机构 {id}"),
        level: OrgLevel::Bureau,
        parent: parent.map(OrgId::from),
        region: RegionCode::from("350200"),
        data_authority: false,
        status: OrgStatus::Active,
    }
}

/// A draft catalog entry `code` of `provider` with one version per name in `names`, the last
/// published.
pub fn catalog_entry(
    code: &str,
    provider: &str,
    names: &[&str],
) -> onebook_types::catalog_records::CatalogEntry {
    use onebook_types::{
        action::{CatalogEntryDraft, DataItem, Grade, OpenType, ShareType},
        catalog_records::{CatalogEntry, CatalogStatus, CatalogVersion},
        ids::{CatalogCode, RegionCode, SystemId},
    };
    let versions = (1..)
        .zip(names)
        .map(|(number, name)| CatalogVersion {
            number,
            content: CatalogEntryDraft {
                name: (*name).to_owned(),
                description: "市场主体登记基本信息".into(),
                items: vec![DataItem {
                    name: "企业名称".into(), data_element: "DE0002".into()
                }],
                classification: "市场监管".into(),
                grade: Grade::General,
                security_level: 2,
                share_type: ShareType::Unconditional,
                open_type: OpenType::NotOpen,
                update_frequency: "daily".into(),
                system: SystemId::from("xm-scjg-djxt"),
            },
            drafted_at: Height(u64::from(number)),
            published_at: Some(Height(u64::from(number))),
        })
        .collect::<Vec<_>>();
    CatalogEntry {
        code: CatalogCode::from(code),
        provider: OrgId::from(provider),
        region: RegionCode::from("350200"),
        published: u32::try_from(versions.len()).ok(),
        versions,
        status: CatalogStatus::Published,
        authoritative_sources: vec![],
    }
}

/// An open obligation `id` of `org`, due at `due`.
pub fn obligation(
    id: u64,
    org: &str,
    due: Timestamp,
) -> onebook_types::catalog_records::Obligation {
    use onebook_types::{
        catalog_records::{Obligation, ObligationKind, ObligationStatus},
        ids::ObligationId,
    };
    Obligation {
        id: ObligationId(id),
        org: OrgId::from(org),
        kind: ObligationKind::CatalogUpdate,
        description: "职责调整".into(),
        opened_at: Height(1),
        opened_time: block_time(Height(1)),
        due,
        status: ObligationStatus::Open,
        subject: None,
    }
}
