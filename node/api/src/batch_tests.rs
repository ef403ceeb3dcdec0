//! `POST /v1/txs/batch`: one result per tx, in order, each as `POST /v1/txs` would answer it.

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use onebook_types::codec;

use crate::tests::{app, call, tx};

fn batch(content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/v1/txs/batch")
        .header("content-type", content_type)
        .body(body.into())
        .expect("request")
}

#[tokio::test]
async fn a_batch_gets_one_result_per_tx_in_order() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let mut bad = tx(3);
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let txs = vec![tx(1), tx(2), tx(2), bad, tx(9), b"junk".to_vec()];

    let (status, _, answer) =
        call(&app, batch("application/octet-stream", codec::encode(&txs))).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    let results = answer["results"].as_array().expect("results");
    let statuses: Vec<u64> = results.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [202, 202, 409, 400, 409, 400], "{answer}");
    assert!(results[0]["tx_hash"].is_string() && results[1]["tx_hash"].is_string());
    assert_eq!(results[2]["type"], "/problems/tx-duplicate");
    assert_eq!(results[4]["type"], "/problems/nonce-gap");
    assert_eq!(results[5]["type"], "/problems/tx-malformed");
    let (_, _, pending) = call(
        &app,
        Request::get(format!("/v1/txs/{}", results[1]["tx_hash"].as_str().unwrap()))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(pending["status"], "pending", "{pending}");
}

#[tokio::test]
async fn a_batch_in_json_hex_is_accepted_and_bad_hex_names_the_tx() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let body = serde_json::json!({ "txs": [hex::encode(tx(1))] }).to_string();
    let (status, _, answer) = call(&app, batch("application/json", body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], 202);

    let body = serde_json::json!({ "txs": [hex::encode(tx(2)), "zz"] }).to_string();
    let (status, _, answer) = call(&app, batch("application/json", body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["detail"].as_str().unwrap().contains("txs[1]"), "{answer}");
}

#[tokio::test]
async fn an_empty_or_overlong_batch_is_refused_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let empty: Vec<Vec<u8>> = Vec::new();
    let overlong: Vec<Vec<u8>> = vec![vec![0u8; 4]; crate::TXS_BATCH_MAX + 1];

    for txs in [empty, overlong] {
        let (status, _, answer) =
            call(&app, batch("application/octet-stream", codec::encode(&txs))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["type"], "/problems/bad-request");
    }
    let (status, _, answer) = call(&app, batch("text/plain", "x")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{answer}");
    let too_large = crate::BATCH_BODY_BYTES_MAX + 1;
    let request = Request::post("/v1/txs/batch")
        .header("content-type", "application/octet-stream")
        .header("content-length", too_large)
        .body(Body::from(vec![0u8; too_large]))
        .expect("request");
    let (status, _, _) = call(&app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}
