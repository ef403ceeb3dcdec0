//! Restricted records seen from everywhere but their own route: search hits, proof bundles, the
//! event stream, tx receipts, timelines and the share-request list, for readers of each kind.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use onebook_query::{
    EventCursor,
    test_utils::{TestTx, commit_txs, event},
};
use onebook_types::{action::Action, hash::Hash32, ids::OrgId, ids::ShareRequestId};
use serde_json::{Value, json};

use crate::{
    auth::now_ms,
    auth_tests::{Readers, fixture, read, send},
    event_tests::{open, read_events},
    record_tests::app_over,
    sign_read,
};

/// The fixture of `auth_tests`, then height 1: an access batch of `xm-gaj` whose receipt
/// records its accesses and violation 2; height 2: a public tx raising `grant.issued`. Both touch
/// `xm-gaj`. Answers the router, the readers and the two txs' hashes.
fn app(dir: &tempfile::TempDir) -> (axum::Router, Readers, Hash32, Hash32) {
    let (store, readers) = fixture(dir);
    let tx = |action, events| TestTx {
        orgs: vec![OrgId::from("xm-gaj")],
        events,
        ..TestTx::new(action, vec![])
    };
    let restricted = vec![
        event("access.recorded", &[("org", "xm-gaj"), ("count", "1"), ("violations", "1")]),
        event(
            "violation.recorded",
            &[("violation", "2"), ("access_event", "2"), ("org", "xm-gaj")],
        ),
    ];
    commit_txs(&store, vec![tx(Action::RecordAccesses { events: vec![] }, restricted)], &[]);
    let withdraw = Action::WithdrawShareRequest { request: ShareRequestId(1) };
    let issued = vec![event("grant.issued", &[("grant", "1")])];
    commit_txs(&store, vec![tx(withdraw, issued)], &[]);
    let tx = |height| {
        let hashes = store.block_tx_hashes(onebook_types::ids::Height(height)).expect("read");
        hashes.and_then(|hashes| hashes.first().copied()).expect("a tx")
    };
    let (restricted, public) = (tx(1), tx(2));
    (app_over(store), readers, restricted, public)
}

#[tokio::test]
async fn search_hits_of_restricted_records_are_shown_only_to_their_readers() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers, _, _) = app(&dir);
    let hit = json!([{"hit": "record", "key": "violation:2"}]);

    let (_, _, anonymous) = send(&app, "/v1/search?q=violation:2", None).await;
    let (_, outsider) = read(&app, "/v1/search?q=violation:2", &readers.outsider).await;
    let (_, grantee) = read(&app, "/v1/search?q=violation:2", &readers.grantee).await;
    let (_, auditor) = read(&app, "/v1/search?q=violation:2", &readers.auditor).await;
    let (_, _, request) = send(&app, "/v1/search?q=share_request:1", None).await;

    assert_eq!(anonymous, json!([]));
    assert_eq!(outsider, json!([]));
    assert_eq!(grantee, hit, "the grant's grantee may read the violation");
    assert_eq!(auditor, hit);
    assert_eq!(request, json!([{"hit": "record", "key": "share_request:1"}]), "listed publicly");
}

/// The problem type a read of `uri` by `reader` (anonymous if `None`) answers with, or `ok`.
async fn outcome(
    app: &axum::Router,
    uri: &str,
    reader: Option<&onebook_types::keys::SecretKey>,
) -> String {
    let (status, body) = match reader {
        None => {
            let (status, _, body) = send(app, uri, None).await;
            (status, body)
        }
        Some(secret) => read(app, uri, secret).await,
    };
    if status.is_success() {
        return "ok".into();
    }
    body["type"].as_str().unwrap_or_default().trim_start_matches("/problems/").to_owned()
}

#[tokio::test]
async fn proof_bundles_follow_the_rule_of_the_record_or_tx_they_show() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers, restricted, public) = app(&dir);
    let restricted_tx = format!("/v1/proofs/txs/{restricted}");
    let public_tx = format!("/v1/proofs/txs/{public}");
    // The fixture's blocks carry no commit certificates, so a reader the rule lets through gets
    // `no-proof`: past the rule, the bundle cannot be built.
    let through = "no-proof";

    for uri in ["/v1/proofs/records/violation:2", "/v1/proofs/access-events/2", &restricted_tx] {
        assert_eq!(outcome(&app, uri, None).await, "read-unauthenticated", "{uri}");
        assert_eq!(outcome(&app, uri, Some(&readers.outsider)).await, "read-forbidden", "{uri}");
        assert_eq!(outcome(&app, uri, Some(&readers.auditor)).await, through, "{uri}");
    }
    for uri in ["/v1/proofs/records/violation:2", &restricted_tx] {
        assert_eq!(outcome(&app, uri, Some(&readers.grantee)).await, through, "{uri}");
    }
    assert_eq!(outcome(&app, &public_tx, None).await, through);
    assert_eq!(outcome(&app, "/v1/proofs/records/grant:1", None).await, through);
}

#[tokio::test]
async fn a_receipt_shows_the_events_of_restricted_records_only_to_their_readers() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers, restricted, _) = app(&dir);
    let uri = format!("/v1/txs/{restricted}");
    let kinds = |body: &Value| -> Vec<String> {
        let events = body["events"].as_array().expect("events").iter();
        events.map(|event| event["kind"].as_str().expect("kind").to_owned()).collect()
    };

    let (anonymous_status, _, anonymous) = send(&app, &uri, None).await;
    let (_, outsider) = read(&app, &uri, &readers.outsider).await;
    let (_, auditor) = read(&app, &uri, &readers.auditor).await;

    assert_eq!(anonymous_status, StatusCode::OK, "the tx's outcome is public: {anonymous}");
    assert_eq!(anonymous["code"], 0);
    assert_eq!(kinds(&anonymous), Vec::<String>::new());
    assert_eq!(kinds(&outsider), Vec::<String>::new());
    assert_eq!(kinds(&auditor), ["access.recorded", "violation.recorded"]);
    assert_eq!(anonymous.get("action"), None, "the batch itself is withheld: {anonymous}");
    assert_eq!(outsider.get("action"), None);
    assert_eq!(auditor["action"]["type"], "record_accesses");
    let (_, _, block) = send(&app, "/v1/blocks/1/txs", None).await;
    let (_, _, public_block) = send(&app, "/v1/blocks/2/txs", None).await;
    assert_eq!(block["items"][0].get("action"), None, "{block}");
    assert_eq!(block["items"][0]["code"], 0);
    assert_eq!(public_block["items"][0]["action"]["type"], "withdraw_share_request");
}

#[tokio::test]
async fn timelines_list_txs_carrying_restricted_content_only_to_auditors_and_the_signers_org() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers, _, _) = app(&dir);
    let actions = |body: &Value| -> Vec<String> {
        let items = body["items"].as_array().expect("items").iter();
        items.map(|item| item["action"].as_str().expect("action").to_owned()).collect()
    };

    let (_, _, anonymous) = send(&app, "/v1/timeline/org:xm-gaj", None).await;
    let (_, auditor) = read(&app, "/v1/timeline/org:xm-gaj", &readers.auditor).await;

    assert_eq!(actions(&anonymous), ["withdraw_share_request"]);
    assert_eq!(actions(&auditor), ["record_accesses", "withdraw_share_request"]);
}

#[tokio::test]
async fn the_share_request_list_leaves_the_details_out_for_readers_outside_the_request() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers, _, _) = app(&dir);

    let (_, _, anonymous) = send(&app, "/v1/share-requests", None).await;
    let (_, provider) = read(&app, "/v1/share-requests", &readers.provider).await;
    let (anonymous, provider) = (&anonymous["items"][0], &provider["items"][0]);

    assert_eq!(anonymous["key"], "share_request:1");
    assert_eq!(anonymous["redacted"], true);
    assert_eq!(anonymous["record"]["purpose"], "");
    assert_eq!(anonymous["record"]["items"], json!([]));
    assert_eq!(
        anonymous["record"]["provider"], provider["record"]["provider"],
        "who and what stay"
    );
    assert_eq!(provider.get("redacted"), None, "{provider}");
    assert_ne!(provider["record"]["purpose"], "");
}

#[tokio::test]
async fn the_event_stream_sends_restricted_events_only_to_their_readers() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers, _, _) = app(&dir);
    let uri = format!("/v1/events?after={}", EventCursor::end_of_block(0));
    let request = |authorization: Option<String>| {
        let mut request = Request::get(&uri);
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        request.body(Body::empty()).expect("request")
    };

    let mut anonymous = open(&app, request(None)).await;
    let anonymous = read_events(&mut anonymous, 1).await;
    let signed = sign_read(&readers.auditor, "GET", &uri, now_ms());
    let mut auditor = open(&app, request(Some(signed))).await;
    let auditor = read_events(&mut auditor, 3).await;

    let kinds = |events: &[crate::event_tests::Received]| -> Vec<String> {
        events.iter().map(|event| event.kind.clone()).collect()
    };
    assert_eq!(kinds(&anonymous), ["grant.issued"], "the access and violation are skipped");
    assert_eq!(kinds(&auditor), ["access.recorded", "violation.recorded", "grant.issued"]);
}
