//! Signed reads of restricted records, through the router over a real store: one record of every
//! kind, a pending application and objection, and readers of each role and org that matters.

use std::sync::Arc;

use axum::{
    body::{Body, to_bytes},
    http::{HeaderMap, Request, StatusCode, header},
};
use onebook_query::test_utils::{self, entry, every_kind};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    codec,
    consortium::Role,
    ids::{AccessEventId, ApplicationId, GrantId, ObjectionId, ViolationId},
    keys::SecretKey,
    property_records::{ApplicationStatus, Objection, ObjectionStatus, PropertyApplication},
    record::RecordKey,
    sharing_records::{AccessEvent, Violation},
};
use tower::ServiceExt as _;

use crate::{READ_WINDOW_MS, auth::now_ms, record_tests::app_over, sign_read};

/// The readers of the fixture, by what they are.
pub(crate) struct Readers {
    /// An auditor of `xm-sjj`, an org no record names.
    pub(crate) auditor: SecretKey,
    /// A registrar of `xm-djzx`, an org no record names.
    pub(crate) registrar: SecretKey,
    /// A data user of `xm-swj`, an org no record names.
    pub(crate) outsider: SecretKey,
    /// A data user of `xm-gaj`: the grantee, requester, accessing and objector org.
    pub(crate) grantee: SecretKey,
    /// A share approver of `xm-scjg`: the provider (of the share request and grant 1) and
    /// registrant org.
    pub(crate) provider: SecretKey,
}

/// The router over [`fixture`].
fn app(dir: &tempfile::TempDir) -> (axum::Router, Readers) {
    let (store, readers) = fixture(dir);
    (app_over(store), readers)
}

/// A store at a genesis of `every_kind`, plus access event 2 under grant 1 (from `xm-scjg` to
/// `xm-gaj`) and its violation 2, application 2 (applied) of `xm-scjg` and objection 2 (pending)
/// to it by `xm-gaj`, the readers' orgs, and the readers.
pub(crate) fn fixture(dir: &tempfile::TempDir) -> (Arc<Store>, Readers) {
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    let mut records = every_kind();
    let decode = |key: &RecordKey| {
        let (_, value) = records.iter().find(|(found, _)| found == key).expect("in every_kind");
        value.clone()
    };
    let mut applied: PropertyApplication =
        codec::decode(&decode(&RecordKey::Application(ApplicationId(1))), 1 << 16).expect("ok");
    applied.id = ApplicationId(2);
    applied.status = ApplicationStatus::Applied;
    applied.objections = vec![ObjectionId(2)];
    let mut pending: Objection =
        codec::decode(&decode(&RecordKey::Objection(ObjectionId(1))), 1 << 16).expect("ok");
    pending.id = ObjectionId(2);
    pending.application = ApplicationId(2);
    pending.status = ObjectionStatus::Pending;
    let mut covered: AccessEvent =
        codec::decode(&decode(&RecordKey::AccessEvent(AccessEventId(1))), 1 << 16).expect("ok");
    covered.id = AccessEventId(2);
    covered.access.grant = Some(GrantId(1));
    covered.violation = Some(ViolationId(2));
    let mut out_of_scope: Violation =
        codec::decode(&decode(&RecordKey::Violation(ViolationId(1))), 1 << 16).expect("ok");
    out_of_scope.id = ViolationId(2);
    out_of_scope.access_event = AccessEventId(2);
    records.push(entry(RecordKey::AccessEvent(AccessEventId(2)), &covered));
    records.push(entry(RecordKey::Violation(ViolationId(2)), &out_of_scope));
    records.push(entry(RecordKey::Application(ApplicationId(2)), &applied));
    records.push(entry(RecordKey::Objection(ObjectionId(2)), &pending));
    for org in ["xm-sjj", "xm-djzx", "xm-swj"] {
        records.push(entry(RecordKey::Org(org.into()), &test_utils::org(org, None)));
    }
    let mut reader = |seed, org: &str, role| {
        let (secret, member) = test_utils::reader(seed, org, vec![role]);
        records.push(member);
        secret
    };
    let readers = Readers {
        auditor: reader(0x61, "xm-sjj", Role::Auditor),
        registrar: reader(0x62, "xm-djzx", Role::Registrar),
        outsider: reader(0x63, "xm-swj", Role::DataUser),
        grantee: reader(0x64, "xm-gaj", Role::DataUser),
        provider: reader(0x65, "xm-scjg", Role::ShareApprover),
    };
    test_utils::init(&store, records);
    (Arc::new(store), readers)
}

/// Sends `GET uri` with `authorization`, if any; answers the status, headers and JSON body.
pub(crate) async fn send(
    app: &axum::Router,
    uri: &str,
    authorization: Option<&str>,
) -> (StatusCode, HeaderMap, serde_json::Value) {
    let mut request = Request::get(uri);
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    let request = request.body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// Sends `GET uri` signed by `secret` now.
pub(crate) async fn read(
    app: &axum::Router,
    uri: &str,
    secret: &SecretKey,
) -> (StatusCode, serde_json::Value) {
    let (status, _, body) = send(app, uri, Some(&sign_read(secret, "GET", uri, now_ms()))).await;
    (status, body)
}

const RESTRICTED: [&str; 9] = [
    "/v1/access-events/1",
    "/v1/access-events",
    "/v1/violations/1",
    "/v1/violations?org=xm-gaj",
    "/v1/share-requests/1",
    "/v1/property/applications/2",
    "/v1/property/objections/2",
    "/v1/timeline/access_event:1",
    "/v1/timeline/share_request:1",
];

#[tokio::test]
async fn anonymous_reads_of_restricted_records_get_401_naming_the_scheme() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);

    for uri in RESTRICTED {
        let (status, headers, problem) = send(&app, uri, None).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}: {problem}");
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Onebook", "{uri}");
        assert_eq!(problem["type"], "/problems/read-unauthenticated", "{uri}");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains("Authorization")), "{uri}");
    }
}

#[tokio::test]
async fn an_auditor_reads_every_restricted_record() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers) = app(&dir);

    for uri in RESTRICTED {
        let (status, body) = read(&app, uri, &readers.auditor).await;

        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    let (_, events) = read(&app, "/v1/access-events", &readers.auditor).await;
    assert_eq!(events["items"][0]["key"], "access_event:1", "{events}");
}

#[tokio::test]
async fn a_member_of_an_unrelated_org_without_the_role_gets_403() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers) = app(&dir);
    let by_id = [
        "/v1/access-events/1",
        "/v1/violations/1",
        "/v1/share-requests/1",
        "/v1/property/applications/2",
        "/v1/property/objections/2",
        "/v1/timeline/access_event:1",
    ];

    for uri in by_id {
        let (status, problem) = read(&app, uri, &readers.outsider).await;

        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {problem}");
        assert_eq!(problem["type"], "/problems/read-forbidden", "{uri}");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains("xm-swj")), "{uri}");
    }
    let (listed, page) = read(&app, "/v1/access-events", &readers.outsider).await;
    assert_eq!(listed, StatusCode::OK, "a list leaves out what the reader may not read");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0), "{page}");
}

#[tokio::test]
async fn members_of_the_orgs_a_record_names_read_it_and_no_more() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers) = app(&dir);
    let cases = [
        (&readers.grantee, "/v1/access-events/1", StatusCode::OK),
        (&readers.grantee, "/v1/violations/1", StatusCode::OK),
        (&readers.grantee, "/v1/share-requests/1", StatusCode::OK),
        (&readers.grantee, "/v1/property/objections/2", StatusCode::OK),
        (&readers.grantee, "/v1/property/applications/2", StatusCode::FORBIDDEN),
        (&readers.provider, "/v1/share-requests/1", StatusCode::OK),
        (&readers.provider, "/v1/property/applications/2", StatusCode::OK),
        (&readers.provider, "/v1/access-events/1", StatusCode::FORBIDDEN),
        (&readers.provider, "/v1/access-events/2", StatusCode::OK),
        (&readers.provider, "/v1/violations/2", StatusCode::OK),
        (&readers.provider, "/v1/timeline/violation:2", StatusCode::OK),
        (&readers.provider, "/v1/property/objections/2", StatusCode::OK),
        (&readers.outsider, "/v1/access-events/2", StatusCode::FORBIDDEN),
        (&readers.registrar, "/v1/property/applications/2", StatusCode::OK),
        (&readers.registrar, "/v1/property/objections/2", StatusCode::OK),
        (&readers.registrar, "/v1/share-requests/1", StatusCode::FORBIDDEN),
        (&readers.registrar, "/v1/access-events/1", StatusCode::FORBIDDEN),
    ];

    for (secret, uri, expected) in cases {
        let (status, body) = read(&app, uri, secret).await;

        assert_eq!(status, expected, "{} {uri}: {body}", secret.public_key());
    }
    let (_, page) = read(&app, "/v1/access-events", &readers.grantee).await;
    let (_, provider_page) = read(&app, "/v1/access-events", &readers.provider).await;
    assert_eq!(page["items"][0]["key"], "access_event:1", "{page}");
    assert_eq!(page["items"][1]["key"], "access_event:2", "{page}");
    assert_eq!(
        provider_page["items"].as_array().map(Vec::len),
        Some(0),
        "a list matches only the orgs its items name: {provider_page}"
    );
}

#[tokio::test]
async fn a_bad_or_malformed_signature_gets_401() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers) = app(&dir);
    let now = now_ms();
    let key = readers.auditor.public_key();
    let other_path = sign_read(&readers.auditor, "GET", "/v1/access-events/2", now);
    let post_signed = sign_read(&readers.auditor, "POST", "/v1/access-events/1", now);
    let zero_signature = format!("Onebook key={key}, time={now}, signature={}", "00".repeat(64));
    let cases = [
        (other_path.as_str(), "read-bad-signature"),
        (post_signed.as_str(), "read-bad-signature"),
        (zero_signature.as_str(), "read-bad-signature"),
        ("Bearer abc", "read-header-malformed"),
        ("Onebook key=zz, time=1, signature=00", "read-header-malformed"),
        (&format!("Onebook key={key}, time={now}"), "read-header-malformed"),
        (
            &format!("Onebook key={key}, key={key}, time={now}, signature=00"),
            "read-header-malformed",
        ),
    ];

    for (authorization, slug) in cases {
        let (status, headers, problem) =
            send(&app, "/v1/access-events/1", Some(authorization)).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED, "{authorization}: {problem}");
        assert_eq!(problem["type"], format!("/problems/{slug}"), "{authorization}: {problem}");
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Onebook");
    }
}

#[tokio::test]
async fn a_key_that_is_no_member_gets_401() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);
    let stranger = SecretKey::from_seed([0x70; 32]);

    let (status, problem) = read(&app, "/v1/access-events/1", &stranger).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(problem["type"], "/problems/read-not-a-member");
}

#[tokio::test]
async fn a_time_outside_the_window_gets_401_naming_the_clock_skew() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers) = app(&dir);
    let uri = "/v1/access-events/1";
    let now = now_ms();

    for time in [now - 2 * READ_WINDOW_MS, now + 2 * READ_WINDOW_MS] {
        let authorization = sign_read(&readers.auditor, "GET", uri, time);
        let (status, _, problem) = send(&app, uri, Some(&authorization)).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
        assert_eq!(problem["type"], "/problems/read-clock-skew");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains("clock")), "{problem}");
    }
}

#[tokio::test]
async fn the_same_signed_read_sent_twice_is_refused_the_second_time() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, readers) = app(&dir);
    let uri = "/v1/share-requests/1";
    let authorization = sign_read(&readers.auditor, "GET", uri, now_ms());

    let (first, _, _) = send(&app, uri, Some(&authorization)).await;
    let (second, _, problem) = send(&app, uri, Some(&authorization)).await;

    assert_eq!(first, StatusCode::OK);
    assert_eq!(second, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(problem["type"], "/problems/read-replayed");
}

#[tokio::test]
async fn public_routes_stay_open_without_a_header() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);
    let open = [
        "/health",
        "/v1/status",
        "/v1/orgs",
        "/v1/members",
        "/v1/grants/1",
        "/v1/share-requests",
        "/v1/property/applications/1",
        "/v1/property/objections/1",
        "/v1/property/certificates",
        "/v1/timeline/grant:1",
        "/v1/search?q=1",
    ];

    for uri in open {
        let (status, _, body) = send(&app, uri, None).await;

        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    let (_, _, applications) = send(&app, "/v1/property/applications", None).await;
    let (_, _, share_requests) = send(&app, "/v1/share-requests", None).await;
    let keys = |page: &serde_json::Value| -> Vec<String> {
        let items = page["items"].as_array().cloned().unwrap_or_default();
        items.iter().filter_map(|item| item["key"].as_str().map(str::to_owned)).collect()
    };
    assert_eq!(keys(&applications), ["application:1"], "the applied one is left out");
    assert_eq!(keys(&share_requests), ["share_request:1"], "the list stays public");
}
