//! A store holding one record of every kind at genesis (`onebook_query::test_utils`) and blocks
//! of real actions that touch them, certified by four validators.

use std::sync::Arc;

use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
};
use onebook_explorer::{ExplorerConfig, router};
use onebook_query::{
    StoreQuery,
    read_rules::Reader,
    test_utils::{self, TestTx, commit_txs, entry, event, every_kind, init},
};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    action::Action,
    consortium::{Validator, ValidatorSet},
    ids::{CertificateNumber, GrantId, Height, OrgId},
    keys::SecretKey,
    property_records::{Certificate, HolderChange},
    record::RecordKey,
};
use tower::ServiceExt;

/// The node address the proof links point at.
pub(crate) const NODE_URL: &str = "http://127.0.0.1:26600";
pub(crate) const CODE: &str = "350200-xm-scjg-0001";
pub(crate) const CERTIFICATE: &str = "350200-2026-000001X";
pub(crate) const LICENCE: &str = "350200-2026-0000028";
pub(crate) const MEMBER: &str = "0303030303030303030303030303030303030303030303030303030303030303";
/// Grants in the store: grant 1 of `every_kind` and 24 more, so the list has two pages.
pub(crate) const GRANTS: usize = 25;

pub(crate) fn validators() -> Vec<SecretKey> {
    (1..=4).map(|seed| SecretKey::from_seed([seed; 32])).collect()
}

fn action(json: serde_json::Value) -> Action {
    serde_json::from_value(json).expect("a valid action")
}

/// The record of `key` in `every_kind`.
fn genesis_record(key: &RecordKey) -> Vec<u8> {
    every_kind().into_iter().find(|(k, _)| k == key).map(|(_, v)| v).expect("in every_kind")
}

fn touching(action: Action, keys: &[RecordKey], orgs: &[&str]) -> TestTx {
    let records = keys.iter().map(|key| (key.clone(), genesis_record(key))).collect();
    let mut tx = TestTx::new(action, records);
    tx.orgs = orgs.iter().map(|org| OrgId::from(*org)).collect();
    tx
}

/// The store: genesis, then five blocks. Block 1 holds a share request, its answer and a
/// refused revocation; block 2 an access batch raising a violation, the certificate's issue and
/// a licence under it; block 3 the certificate's transfer; block 4 a revision of the catalog
/// entry and the revocations of 24 grants; block 5 no tx (past the obligation's due time).
pub(crate) fn store(dir: &tempfile::TempDir) -> Arc<Store> {
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    let set = ValidatorSet {
        validators: validators()
            .iter()
            .zip(["fj-sjj", "xm", "xm-gaj", "xm-scjg"])
            .map(|(key, org)| Validator { node_key: key.public_key(), org: org.into(), power: 10 })
            .collect(),
    };
    let mut records = every_kind();
    records.extend(test_utils::lifecycle_kinds());
    records.push(entry(RecordKey::ValidatorSet, &set));
    records.push(entry(RecordKey::Policy, &test_utils::policy()));
    init(&store, records);
    let share = RecordKey::ShareRequest(onebook_types::ids::ShareRequestId(1));
    let grant = RecordKey::Grant(GrantId(1));
    let request = action(serde_json::json!({"type": "request_share", "draft": {"entry": CODE,
        "items": ["企业名称"], "purpose": "案件核查", "legal_duty": "police-law-6",
        "starts": "2026-01-01", "ends": "2026-12-31"}}));
    let answer = action(serde_json::json!({"type": "answer_share", "request": 1, "answer": {
        "answer": "approve", "items": ["企业名称"], "expires_at": 1_798_732_800_000_u64,
        "conditions": "仅限案件侦办"}}));
    let mut granted = touching(answer, &[share.clone(), grant], &["xm-gaj", "xm-scjg"]);
    granted.events = vec![event("grant.issued", &[("grant", "1"), ("grantee", "xm-gaj")])];
    let refused = TestTx {
        code: 2,
        ..TestTx::new(
            action(serde_json::json!({"type": "revoke_grant", "grant": 1, "reason": "越权"})),
            vec![],
        )
    };
    commit_txs(
        &store,
        vec![touching(request, &[share], &["xm-gaj"]), granted, refused],
        &validators()[..3],
    );
    let accesses = action(serde_json::json!({"type": "record_accesses", "events": [{"grant": null,
        "member": MEMBER, "resource": 1, "items": ["企业名称"], "operation": "query", "record_count": 3,
        "request_digest": "09".repeat(32), "accessed_at": 1_767_196_800_000_u64}]}));
    let access_keys = [
        RecordKey::AccessEvent(onebook_types::ids::AccessEventId(1)),
        RecordKey::Violation(onebook_types::ids::ViolationId(1)),
    ];
    let mut recorded = touching(accesses, &access_keys, &["xm-gaj"]);
    recorded.events = vec![
        event("access.recorded", &[("access_event", "1"), ("org", "xm-gaj")]),
        event("violation.recorded", &[("violation", "1"), ("org", "xm-gaj")]),
    ];
    let number = RecordKey::Certificate(CertificateNumber::from(CERTIFICATE));
    let issue = action(serde_json::json!({"type": "issue_certificate", "application": 1}));
    let application = RecordKey::Application(onebook_types::ids::ApplicationId(1));
    let mut licence: Certificate =
        onebook_types::codec::decode(&genesis_record(&number), usize::MAX).expect("certificate");
    licence.number = CertificateNumber::from(LICENCE);
    licence.application = None;
    licence.right = onebook_types::action::RightKind::ProcessingUse;
    licence.holder = "xm-gaj".into();
    licence.parent = Some(CertificateNumber::from(CERTIFICATE));
    let license = action(serde_json::json!({"type": "license_right", "certificate": CERTIFICATE,
        "licensee": "xm-gaj", "starts": "2026-02-01", "ends": "2026-06-30"}));
    let mut licensed = TestTx::new(
        license,
        vec![entry(RecordKey::Certificate(CertificateNumber::from(LICENCE)), &licence)],
    );
    licensed.records.push((number.clone(), genesis_record(&number)));
    commit_txs(
        &store,
        vec![recorded, touching(issue, &[application, number.clone()], &["xm-scjg"]), licensed],
        &validators(),
    );
    let mut transferred: Certificate =
        onebook_types::codec::decode(&genesis_record(&number), usize::MAX).expect("certificate");
    transferred.holder = "xm-gaj".into();
    transferred.transfers = vec![HolderChange {
        from: "xm-scjg".into(),
        to: "xm-gaj".into(),
        height: Height(3),
        at: test_utils::block_time(Height(3)),
    }];
    let transfer = action(serde_json::json!({"type": "transfer_certificate",
        "certificate": CERTIFICATE, "to": "xm-gaj"}));
    commit_txs(
        &store,
        vec![TestTx::new(transfer, vec![entry(number, &transferred)])],
        &validators(),
    );
    let entry_key = RecordKey::CatalogEntry(CODE.into());
    let revise = action(
        serde_json::json!({"type": "revise_catalog_entry", "code": CODE, "draft": {
        "name": "企业登记信息", "description": "市场主体登记基本信息", "items": [{"name": "企业名称",
        "data_element": "DE0002", "personal_information": false, "sensitivity": "general"}],
        "classification": "市场监管", "grade": "general",
        "security_level": 2, "share_type": {"share_type": "unconditional"},
        "open_type": "not_open", "update_frequency": "daily", "system": "xm-scjg-djxt"}}),
    );
    let mut txs = vec![touching(revise, &[entry_key], &["xm-scjg"])];
    for id in 2..=GRANTS as u64 {
        let revoke =
            action(serde_json::json!({"type": "revoke_grant", "grant": id, "reason": "到期收回"}));
        txs.push(TestTx::new(
            revoke,
            vec![entry(RecordKey::Grant(GrantId(id)), &{
                let mut grant = test_utils::grant(id, "xm-gaj");
                grant.request = onebook_types::ids::ShareRequestId(1);
                grant
            })],
        ));
    }
    commit_txs(&store, txs, &validators());
    commit_txs(&store, vec![], &validators());
    Arc::new(store)
}

/// The explorer over `store`, read as an auditor (who may read every restricted record).
pub(crate) fn app(store: Arc<Store>) -> axum::Router {
    app_as(store, test_utils::auditor_reader())
}

/// The explorer over `store`, read as `reader`.
pub(crate) fn app_as(store: Arc<Store>, reader: Reader) -> axum::Router {
    let config =
        ExplorerConfig { node_url: Some(NODE_URL.into()), reader, ..ExplorerConfig::default() };
    router(StoreQuery::new(store), config)
}

/// A response: its status, headers and body text.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// `GET uri`, with `cookie` if given.
pub(crate) async fn get(app: &axum::Router, uri: &str, cookie: Option<&str>) -> Answer {
    let mut request = Request::get(uri).header(header::HOST, "explorer.test:8080");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response =
        app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), 16 << 20).await.expect("body");
    Answer { status, headers, body: String::from_utf8(bytes.to_vec()).expect("utf-8") }
}

/// The hash of the tx at `index` of block `height`.
pub(crate) fn tx_hash(store: &Store, height: u64, index: usize) -> String {
    store.block_tx_hashes(Height(height)).expect("read").expect("a block")[index].to_hex()
}
