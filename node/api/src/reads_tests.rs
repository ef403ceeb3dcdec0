//! The read audit over the dev genesis with the policy's `record_signed_reads` on: signed reads
//! answered 2xx become one `RecordReads` tx in the node's mempool, admitted by the ledger's own
//! checks; a node without an operator key refuses signed reads instead of serving them unrecorded.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
};
use onebook_chain::{Chain, ChainConfig, TxGate};
use onebook_genesis::{GenesisFile, dev_secret};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{action::Action, codec, limits::TX_BYTES_MAX, tx::SignedTx};
use tower::ServiceExt as _;

use crate::{ApiState, ReadRecorder, auth::now_ms, router, sign_read};

fn genesis() -> GenesisFile {
    let mut genesis =
        GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
            .expect("the dev genesis is valid");
    genesis.policy.record_signed_reads = true;
    genesis
}

fn clock() -> onebook_types::ids::Timestamp {
    onebook_types::ids::Timestamp(genesis().genesis_time.0 + 60_000)
}

/// The router over the dev genesis with the read audit on, recording with the key of
/// `xm-dsj/admin` if `recording`; and the node's gate.
fn app(dir: &tempfile::TempDir, recording: bool) -> (axum::Router, TxGate) {
    let genesis = genesis();
    let store = Arc::new(Store::open(&StoreConfig::new(dir.path())).expect("store opens"));
    store.init_genesis_state(genesis.hash(), genesis.initial_state()).expect("genesis");
    let chain_id = genesis.chain_id.clone();
    let mempool = Arc::new(Mutex::new(Mempool::new(MempoolConfig::default(), chain_id.clone())));
    let chain = Chain::new(
        Arc::clone(&store),
        mempool,
        chain_id.clone(),
        genesis.genesis_time,
        ChainConfig::default(),
        clock,
    );
    let gate = chain.gate();
    let reads = recording.then(|| {
        let operator = dev_secret("xm-dsj/admin");
        ReadRecorder::spawn(operator, gate.clone(), store.clone(), chain_id.clone(), None)
    });
    let state = ApiState { reads, ..ApiState::new(store, gate.clone(), chain_id) };
    (router(state), gate)
}

async fn signed_get(app: &axum::Router, uri: &str, label: &str) -> (StatusCode, serde_json::Value) {
    let authorization = sign_read(&dev_secret(label), "GET", uri, now_ms());
    let request = Request::get(uri).header(header::AUTHORIZATION, authorization);
    let response =
        app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("answer");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn signed_reads_answered_2xx_become_one_record_reads_tx_the_ledger_admits() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, gate) = app(&dir, true);

    let (auditor, _) = signed_get(&app, "/v1/access-events?org=xm-gaj", "xm-dsj/auditor").await;
    let (gateway, _) = signed_get(&app, "/v1/orgs/xm-gaj", "xm-gaj/gateway").await;
    let (missing, _) = signed_get(&app, "/v1/orgs/xm-nope", "xm-gaj/gateway").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while gate.pending() == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    assert_eq!(
        (auditor, gateway, missing),
        (StatusCode::OK, StatusCode::OK, StatusCode::NOT_FOUND)
    );
    let waiting = gate.waiting(10);
    assert_eq!(waiting.len(), 1, "the two reads share one tx");
    let tx: SignedTx = codec::decode(&waiting[0], TX_BYTES_MAX).expect("a tx");
    assert_eq!(tx.body.signer, dev_secret("xm-dsj/admin").public_key());
    let Action::RecordReads { reads } = &tx.body.action else {
        panic!("not a RecordReads tx: {:?}", tx.body.action);
    };
    let paths: Vec<&str> = reads.iter().map(|read| read.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/v1/access-events?org=xm-gaj", "/v1/orgs/xm-gaj"],
        "the 404 is not recorded"
    );
    assert_eq!(reads[0].reader, dev_secret("xm-dsj/auditor").public_key());
    assert!(reads.iter().all(|read| read.verify().is_ok()), "each carries its reader's signature");
}

#[tokio::test]
async fn with_the_audit_on_a_node_that_cannot_record_refuses_signed_reads_but_serves_anonymous_ones()
 {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir, false);

    let (signed, problem) = signed_get(&app, "/v1/orgs/xm-gaj", "xm-dsj/auditor").await;
    let long = format!("/v1/orgs?cursor={}", "a".repeat(600));
    let (too_long, long_problem) = signed_get(&app, &long, "xm-dsj/auditor").await;
    let anonymous = app
        .clone()
        .oneshot(Request::get("/v1/orgs/xm-gaj").body(Body::empty()).expect("request"))
        .await
        .expect("answer")
        .status();

    assert_eq!(signed, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(problem["type"], "/problems/read-audit-unavailable");
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("read_audit_key")));
    assert_eq!(too_long, StatusCode::URI_TOO_LONG);
    assert_eq!(long_problem["type"], "/problems/read-path-too-long");
    assert_eq!(anonymous, StatusCode::OK);
}
