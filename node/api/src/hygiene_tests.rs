//! What every route answers to a request it cannot serve, through the router over a real store:
//! a problem for every 4xx and 405, media types matched exactly, and no telling anonymous readers
//! which restricted records exist.

use axum::{
    body::{Body, to_bytes},
    http::{Method, Request, StatusCode, header},
};

use crate::{
    REQUEST_BODY_BYTES_MAX,
    auth_tests::{fixture, send},
    record_tests::app_over,
    tests::{app, call, tx},
};

fn request(method: Method, uri: &str) -> Request<Body> {
    Request::builder().method(method).uri(uri).body(Body::empty()).expect("request")
}

#[tokio::test]
async fn a_bad_query_on_a_proof_route_is_a_problem_naming_the_parameter() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let cases = [
        ("/v1/proofs/records/org:xm-gaj?height=abc", "height"),
        ("/v1/proofs/records/org:xm-gaj?bogus=1", "bogus"),
        ("/v1/proofs/access-events/1?bogus=1", "bogus"),
        ("/v1/proofs/access-events/1?absent=maybe", "absent"),
    ];

    for (uri, parameter) in cases {
        let (status, content_type, problem) = call(&app, request(Method::GET, uri)).await;

        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {problem}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
        assert_eq!(problem["type"], "/problems/bad-request", "{uri}");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains(parameter)), "{problem}");
    }
}

#[tokio::test]
async fn a_method_a_path_does_not_answer_is_a_405_problem_with_allow() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    for (method, uri, allowed) in [
        (Method::DELETE, "/v1/status", "GET"),
        (Method::POST, "/v1/blocks", "GET"),
        (Method::PUT, "/v1/txs", "POST"),
        (Method::PATCH, "/v1/orgs/xm-gaj", "GET"),
    ] {
        let response = tower::ServiceExt::oneshot(app.clone(), request(method, uri))
            .await
            .expect("the router answers");
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = to_bytes(response.into_body(), 1 << 16).await.expect("body");
        let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();

        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json", "{uri}");
        assert!(headers[header::ALLOW].to_str().is_ok_and(|a| a.contains(allowed)), "{uri}");
        assert_eq!(problem["type"], "/problems/method-not-allowed", "{uri}: {problem}");
        assert_eq!(problem["status"], 405, "{uri}: {problem}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem_on_every_route() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let too_large = REQUEST_BODY_BYTES_MAX + 1;

    for (method, uri) in [(Method::POST, "/v1/txs"), (Method::GET, "/v1/status")] {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::CONTENT_LENGTH, too_large)
            .body(Body::from(vec![0; too_large]))
            .expect("request");

        let (status, content_type, problem) = call(&app, request).await;

        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}: {problem}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains("bytes")), "{problem}");
    }
}

#[tokio::test]
async fn a_tx_body_media_type_is_matched_exactly_in_any_case() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let json = |nonce| serde_json::json!({ "tx": hex::encode(tx(nonce)) }).to_string().into_bytes();
    let cases = [
        ("application/jsonx", json(1), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/octet-streamx", tx(1), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/json+x", json(1), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/vnd.x+json", json(1), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/json-seq", json(1), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("text/json", json(1), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application", json(1), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("APPLICATION/JSON", json(1), StatusCode::ACCEPTED),
        ("Application/Octet-Stream; x=1", tx(2), StatusCode::ACCEPTED),
        ("application/json; charset=utf-8", json(3), StatusCode::ACCEPTED),
    ];

    for (media_type, body, expected) in cases {
        let request = Request::post("/v1/txs")
            .header(header::CONTENT_TYPE, media_type)
            .body(Body::from(body))
            .expect("request");

        let (status, _, answer) = call(&app, request).await;

        assert_eq!(status, expected, "{media_type}: {answer}");
        if expected == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            assert_eq!(answer["type"], "/problems/unsupported-media-type", "{media_type}");
        }
    }
}

#[tokio::test]
async fn an_anonymous_reader_cannot_tell_a_restricted_record_from_an_absent_one() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, _) = fixture(&dir);
    let app = app_over(store);
    // Each pair: a restricted record of the fixture, and one of the same kind that is absent.
    let pairs = [
        ("/v1/access-events/1", "/v1/access-events/99"),
        ("/v1/access-events/1?height=0", "/v1/access-events/99?height=0"),
        ("/v1/violations/2", "/v1/violations/99"),
        ("/v1/share-requests/1", "/v1/share-requests/99"),
        ("/v1/property/applications/2", "/v1/property/applications/99"),
        ("/v1/property/objections/2", "/v1/property/objections/99"),
        ("/v1/timeline/share_request:1", "/v1/timeline/share_request:99"),
        ("/v1/timeline/application:2", "/v1/timeline/application:99"),
        ("/v1/timeline/objection:2", "/v1/timeline/objection:99"),
        ("/v1/proofs/records/violation:2", "/v1/proofs/records/violation:99"),
        (
            "/v1/proofs/records/violation:2?absent=true",
            "/v1/proofs/records/violation:99?absent=true",
        ),
        ("/v1/proofs/records/application:2", "/v1/proofs/records/application:99"),
        ("/v1/proofs/access-events/2", "/v1/proofs/access-events/99"),
    ];

    for (restricted, absent) in pairs {
        let (status, headers, body) = send(&app, restricted, None).await;
        let (absent_status, absent_headers, absent_body) = send(&app, absent, None).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED, "{restricted}: {body}");
        assert_eq!((absent_status, &absent_body), (status, &body), "{absent} vs {restricted}");
        assert_eq!(
            absent_headers.get(header::WWW_AUTHENTICATE),
            headers.get(header::WWW_AUTHENTICATE),
            "{absent}"
        );
    }
}
