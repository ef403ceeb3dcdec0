//! The API over a real store holding the dev genesis, driven through the router.

use std::sync::{Arc, Mutex};

use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
};
use onebook_chain::{Chain, ChainConfig};
use onebook_genesis::{GenesisFile, dev_secret};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    action::Action,
    codec,
    consortium::Role,
    ids::{Height, Nonce, Timestamp},
    limits::TX_BYTES_MAX,
    tx::TxBody,
};
use tower::ServiceExt;

use super::*;

fn genesis() -> GenesisFile {
    GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
        .expect("the dev genesis is valid")
}

fn clock() -> Timestamp {
    Timestamp(genesis().genesis_time.0 + 60_000)
}

pub(crate) fn app(dir: &tempfile::TempDir) -> axum::Router {
    router(state(dir))
}

/// The API's state over a new store in `dir` holding the dev genesis.
pub(crate) fn state(dir: &tempfile::TempDir) -> ApiState {
    let genesis = genesis();
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    store.init_genesis_state(genesis.hash(), genesis.initial_state()).expect("genesis");
    state_over(Arc::new(store), genesis.chain_id, genesis.genesis_time, clock)
}

/// The router over `store` of `chain_id` (created at `genesis_time`), with a chain on the node
/// clock `clock` and an empty mempool.
pub(crate) fn router_over(
    store: Arc<Store>,
    chain_id: onebook_types::ids::ChainId,
    genesis_time: Timestamp,
    clock: fn() -> Timestamp,
) -> axum::Router {
    router(state_over(store, chain_id, genesis_time, clock))
}

fn state_over(
    store: Arc<Store>,
    chain_id: onebook_types::ids::ChainId,
    genesis_time: Timestamp,
    clock: fn() -> Timestamp,
) -> ApiState {
    let mempool = Arc::new(Mutex::new(Mempool::new(MempoolConfig::default(), chain_id.clone())));
    let chain = Chain::new(
        Arc::clone(&store),
        mempool,
        chain_id.clone(),
        genesis_time,
        ChainConfig::default(),
        clock,
    );
    ApiState::new(store, chain.gate(), chain_id)
}

pub(crate) fn tx(nonce: u64) -> Vec<u8> {
    let admin = dev_secret("xm-dsj/admin");
    let body = TxBody {
        chain_id: genesis().chain_id,
        signer: admin.public_key(),
        nonce: Nonce(nonce),
        valid_until: Height(100),
        action: Action::RegisterMember {
            key: dev_secret("new-member").public_key(),
            name: "成员".into(),
            roles: vec![Role::DataUser],
        },
    };
    codec::encode(&body.sign(&admin))
}

/// The status, media type and JSON body (`null` if none) of the answer to `request`; the body of
/// an event stream, which does not end, is not read.
pub(crate) async fn call(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, String, serde_json::Value) {
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type == "text/event-stream" {
        return (status, content_type, serde_json::Value::Null);
    }
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, content_type, json)
}

fn post(content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/v1/txs")
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .expect("request")
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

#[tokio::test]
async fn metrics_show_the_height_the_pool_and_responses_by_class() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    call(&app, post("application/octet-stream", tx(1))).await;
    call(&app, get("/v1/no-such-route")).await;
    call(&app, get("/v1/blocks/x")).await;

    let response = app.clone().oneshot(get("/metrics")).await.expect("answers");
    let kind = response.headers().get(header::CONTENT_TYPE).cloned();
    let text =
        String::from_utf8(to_bytes(response.into_body(), 1 << 20).await.expect("body").to_vec())
            .expect("utf-8");

    assert_eq!(
        kind.as_ref().and_then(|v| v.to_str().ok()),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    for line in [
        "onebook_height 0",
        "onebook_mempool_txs 1",
        "onebook_last_block_time_seconds 0",
        "onebook_api_requests_total{class=\"2xx\"} 1",
        "onebook_api_requests_total{class=\"4xx\"} 2",
        "onebook_api_requests_total{class=\"5xx\"} 0",
        "# TYPE onebook_api_requests_total counter",
        "onebook_state_node_cache_capacity_nodes 262144",
        "# TYPE onebook_state_node_cache_misses_total counter",
        // Latency by route template, not by raw path; a path no route matches is `unmatched`.
        "# TYPE onebook_api_request_duration_seconds histogram",
        "onebook_api_request_duration_seconds_count{route=\"/v1/blocks/{height}\"} 1",
        "onebook_api_request_duration_seconds_count{route=\"/v1/txs\"} 1",
        "onebook_api_request_duration_seconds_count{route=\"unmatched\"} 1",
        "onebook_api_request_duration_seconds_bucket{route=\"unmatched\",le=\"+Inf\"} 1",
        "onebook_storage_write_stopped 0",
        "onebook_storage_delayed_write_rate_bytes 0",
        "# TYPE onebook_admission_refusals_total counter",
        "onebook_admission_refusals_total{reason=\"nonce_gap\"} 0",
        "# TYPE onebook_block_execution_seconds histogram",
        "# TYPE onebook_block_commit_seconds histogram",
        "# TYPE onebook_consensus_decided_round histogram",
        "# TYPE onebook_consensus_rounds_started_total counter",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} missing from\n{text}");
    }
    assert!(!text.contains("route=\"/v1/blocks/x\""), "a raw path is never a label:\n{text}");
}

#[tokio::test]
async fn a_refused_admission_is_counted_under_its_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    call(&app, post("application/octet-stream", tx(1))).await;
    call(&app, post("application/octet-stream", tx(1))).await;
    call(&app, post("application/octet-stream", tx(3))).await;

    let (_, text) = metrics_text(&app).await;

    for line in [
        "onebook_admission_refusals_total{reason=\"duplicate\"} 1",
        "onebook_admission_refusals_total{reason=\"nonce_gap\"} 1",
        "onebook_admission_refusals_total{reason=\"bad_signature\"} 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} missing from\n{text}");
    }
}

async fn metrics_text(app: &axum::Router) -> (StatusCode, String) {
    let response = app.clone().oneshot(get("/metrics")).await.expect("answers");
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, String::from_utf8(body.to_vec()).expect("utf-8"))
}

#[tokio::test]
async fn a_submitted_tx_is_accepted_once_and_then_pending() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    let (first, _, submitted) = call(&app, post("application/octet-stream", tx(1))).await;
    let (again, kind, problem) = call(&app, post("application/octet-stream", tx(1))).await;
    let hash = submitted["tx_hash"].as_str().expect("a hash").to_owned();
    let (_, _, pending) = call(&app, get(&format!("/v1/txs/{hash}"))).await;
    let (_, _, status) = call(&app, get("/v1/status")).await;

    assert_eq!(first, StatusCode::ACCEPTED);
    assert_eq!(again, StatusCode::CONFLICT);
    assert_eq!(kind, "application/problem+json");
    assert_eq!(problem["type"], "/problems/tx-duplicate");
    assert_eq!(pending["status"], "pending");
    assert_eq!(status["height"], 0);
    assert_eq!(status["pending_txs"], 1);
}

#[tokio::test]
async fn a_tx_in_json_hex_is_accepted_too() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let body = serde_json::json!({ "tx": hex::encode(tx(1)) }).to_string();

    let (status, _, _) = call(&app, post("application/json", body)).await;

    assert_eq!(status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn bad_input_gets_a_problem_naming_what_was_wrong() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let cases = [
        (
            post("application/octet-stream", vec![1, 2, 3]),
            StatusCode::BAD_REQUEST,
            "/problems/tx-malformed",
        ),
        (post("application/json", "{\"tx\": 1"), StatusCode::BAD_REQUEST, "/problems/bad-request"),
        (
            post("application/json", "{\"tx\": \"00\", \"extra\": 1}"),
            StatusCode::BAD_REQUEST,
            "/problems/bad-request",
        ),
        (
            post("application/json", "{\"tx\": \"zz\"}"),
            StatusCode::BAD_REQUEST,
            "/problems/bad-request",
        ),
        (
            post("text/plain", "hello"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "/problems/unsupported-media-type",
        ),
        (post("application/octet-stream", tx(2)), StatusCode::CONFLICT, "/problems/nonce-gap"),
        (
            post("application/octet-stream", vec![0; 3 * TX_BYTES_MAX]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
        (get("/v1/txs/nothex"), StatusCode::BAD_REQUEST, "/problems/bad-request"),
        (
            get(&format!("/v1/txs/{}", "00".repeat(32))),
            StatusCode::NOT_FOUND,
            "/problems/not-found",
        ),
        (get("/v1/blocks/0"), StatusCode::NOT_FOUND, "/problems/not-found"),
        (get("/v1/blocks/1"), StatusCode::NOT_FOUND, "/problems/no-block-yet"),
        (get("/v1/blocks/-1"), StatusCode::BAD_REQUEST, "/problems/bad-request"),
        (get("/v1/nowhere"), StatusCode::NOT_FOUND, "/problems/not-found"),
    ];

    for (request, expected_status, expected_type) in cases {
        let uri = request.uri().to_string();
        let (status, content_type, problem) = call(&app, request).await;

        assert_eq!(status, expected_status, "{uri}: {problem}");
        if !expected_type.is_empty() {
            assert_eq!(content_type, "application/problem+json", "{uri}");
            assert_eq!(problem["type"], expected_type, "{uri}: {problem}");
            assert!(problem["detail"].as_str().is_some_and(|detail| !detail.is_empty()), "{uri}");
        }
    }
}

#[tokio::test]
async fn a_signer_without_the_role_is_turned_away_with_the_rejection_code() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let auditor = dev_secret("xm-dsj/auditor");
    let body = TxBody {
        chain_id: genesis().chain_id,
        signer: auditor.public_key(),
        nonce: Nonce(1),
        valid_until: Height(100),
        action: Action::RevokeMember {
            key: dev_secret("xm-dsj/admin").public_key(),
            reason: "x".into(),
        },
    };

    let (status, _, problem) =
        call(&app, post("application/octet-stream", codec::encode(&body.sign(&auditor)))).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], 2);
    assert_eq!(problem["rejection"], "RoleMissing");
}
