//! The block, block-tx, validator and committed-tx routes over a real store: a genesis holding a
//! validator set of two, then two blocks certified by both.

use std::sync::Arc;

use axum::{body::Body, http::Request, http::StatusCode};
use onebook_query::test_utils::{self, TestTx, commit_txs, entry, init};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    action::Action,
    consortium::{Validator, ValidatorSet},
    ids::{GrantId, ShareRequestId},
    keys::SecretKey,
    record::RecordKey,
};

fn validators() -> Vec<SecretKey> {
    vec![SecretKey::from_seed([1; 32]), SecretKey::from_seed([2; 32])]
}

fn app(dir: &tempfile::TempDir) -> axum::Router {
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    let set = ValidatorSet {
        validators: validators()
            .iter()
            .map(|key| Validator { node_key: key.public_key(), org: "xm-dsj".into(), power: 5 })
            .collect(),
    };
    init(&store, vec![entry(RecordKey::ValidatorSet, &set)]);
    let grant = entry(RecordKey::Grant(GrantId(1)), &test_utils::grant(1, "xm-gaj"));
    let withdraw = Action::WithdrawShareRequest { request: ShareRequestId(1) };
    commit_txs(&store, vec![TestTx::new(withdraw.clone(), vec![grant])], &validators());
    commit_txs(&store, vec![TestTx::new(withdraw, vec![])], &validators());
    crate::record_tests::app_over(Arc::new(store))
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let request = Request::get(uri).body(Body::empty()).expect("request");
    let (status, _, json) = crate::tests::call(app, request).await;
    (status, json)
}

#[tokio::test]
async fn blocks_list_newest_first_and_each_block_lists_its_decoded_txs() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    let (status, first) = get(&app, "/v1/blocks?limit=1").await;
    let next = first["next"].as_str().expect("a next page").to_owned();
    let (_, second) = get(&app, &format!("/v1/blocks?limit=1&cursor={next}")).await;
    let (_, block) = get(&app, "/v1/blocks/1").await;
    let (txs_status, txs) = get(&app, "/v1/blocks/1/txs").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["items"][0]["height"], 2);
    assert_eq!(first["items"][0]["signatures"], 2);
    assert_eq!(second["items"][0]["height"], 1);
    assert_eq!(second.get("next"), None);
    assert_eq!(block["certificate"]["signatures"].as_array().map(Vec::len), Some(2));
    assert_eq!(txs_status, StatusCode::OK);
    assert_eq!(txs["items"][0]["tx_hash"], block["tx_hashes"][0]);
    assert_eq!(txs["items"][0]["action"]["type"], "withdraw_share_request");
}

#[tokio::test]
async fn a_committed_tx_answers_its_receipt_and_the_decoded_tx() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let (_, block) = get(&app, "/v1/blocks/1").await;
    let hash = block["tx_hashes"][0].as_str().expect("a tx").to_owned();

    let (status, tx) = get(&app, &format!("/v1/txs/{hash}")).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(tx["status"], "committed");
    assert_eq!(
        (tx["height"].as_u64(), tx["index"].as_u64(), tx["code"].as_u64()),
        (Some(1), Some(0), Some(0))
    );
    assert!(tx["events"].is_array());
    assert_eq!(tx.get("rejection"), None);
    assert_eq!(tx["tx_hash"], hash.as_str());
    assert_eq!(tx["signer"], test_utils::signer().public_key().to_hex());
    assert_eq!(tx["nonce"], 1_000);
    assert_eq!(tx["action"]["type"], "withdraw_share_request");
}

#[tokio::test]
async fn the_validator_set_is_served_and_bad_block_reads_are_problems() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    let (status, set) = get(&app, "/v1/validators").await;
    let (_, at_genesis) = get(&app, "/v1/validators?height=0").await;
    let (past_end_status, past_end) = get(&app, "/v1/blocks/1/txs?cursor=5").await;
    let cases = [
        ("/v1/blocks/9/txs", StatusCode::NOT_FOUND, "/problems/no-block-yet"),
        ("/v1/blocks/9", StatusCode::NOT_FOUND, "/problems/no-block-yet"),
        ("/v1/blocks/0/txs", StatusCode::NOT_FOUND, "/problems/not-found"),
        ("/v1/blocks/x/txs", StatusCode::BAD_REQUEST, "/problems/bad-request"),
        ("/v1/blocks/1/txs?cursor=5x", StatusCode::BAD_REQUEST, "/problems/bad-request"),
        ("/v1/blocks?cursor=x", StatusCode::BAD_REQUEST, "/problems/bad-request"),
        ("/v1/blocks?limit=101", StatusCode::BAD_REQUEST, "/problems/bad-request"),
        ("/v1/blocks?other=1", StatusCode::BAD_REQUEST, "/problems/bad-request"),
        ("/v1/validators?height=9", StatusCode::NOT_FOUND, "/problems/no-block-yet"),
    ];

    assert_eq!(status, StatusCode::OK);
    assert_eq!(set["validators"].as_array().map(Vec::len), Some(2));
    assert_eq!((set["total_power"].as_u64(), set["quorum_power"].as_u64()), (Some(10), Some(7)));
    assert_eq!(at_genesis["height"], 0);
    assert_eq!(past_end_status, StatusCode::OK, "{past_end}");
    assert_eq!(past_end["items"], serde_json::json!([]), "past the block's last tx: {past_end}");
    assert_eq!(past_end.get("next"), None);
    for (uri, expected, kind) in cases {
        let (status, problem) = get(&app, uri).await;

        assert_eq!(status, expected, "{uri}: {problem}");
        assert_eq!(problem["type"], kind, "{uri}: {problem}");
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{uri}");
    }
}
