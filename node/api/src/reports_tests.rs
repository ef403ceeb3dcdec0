//! The report routes over a real store holding one record of every kind and the policy at
//! genesis; driven through the router.

use std::sync::Arc;

use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
};
use onebook_query::test_utils::{self, commit, entry, every_kind};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    hash::Hash32,
    ids::{Height, PublishedReportId},
    record::RecordKey,
    report_records::{PublishedReport, ReportPeriod, ReportScope},
};
use tower::ServiceExt as _;

use crate::record_tests::app_over;

fn store(dir: &tempfile::TempDir) -> Arc<Store> {
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    let mut records = every_kind();
    records.push(entry(RecordKey::Policy, &test_utils::plain_policy()));
    test_utils::init(&store, records);
    Arc::new(store)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, serde_json::Value) {
    crate::tests::call(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

#[tokio::test]
async fn a_report_is_answered_as_json_and_as_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_over(store(&dir));

    let (status, _, json) = get(&app, "/v1/reports/org/xm-scjg?period=2026-01").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["report"]["scope"], serde_json::json!({"scope": "org", "id": "xm-scjg"}));
    assert_eq!(json["report"]["period"], "2026-01");
    assert_eq!(json["report"]["obligations"][0]["kind"], "catalog-update");
    assert!(json["digest"].as_str().is_some_and(|digest| digest.len() == 64), "{json}");

    let request = Request::get("/v1/reports/org/xm-scjg?period=2026-01&format=csv")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"report-org-xm-scjg-2026-01.csv\""
    );
    let body = to_bytes(response.into_body(), 1 << 20).await.expect("a body");
    let csv = String::from_utf8(body.to_vec()).expect("utf-8");
    assert!(csv.starts_with("section,name,count,records\n"), "{csv}");
    assert!(csv.contains(&format!("report,digest,,{}", json["digest"].as_str().unwrap_or("?"))));
}

#[tokio::test]
async fn a_bad_period_scope_format_or_id_is_a_400_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_over(store(&dir));

    for (uri, parameter) in [
        ("/v1/reports/org/xm-scjg?period=2026-13", "`period`"),
        ("/v1/reports/org/xm-scjg?period=2026-Q5", "`period`"),
        ("/v1/reports/city/xm?period=2026", "`scope`"),
        ("/v1/reports/org/xm-none?period=2026", "`id`"),
        ("/v1/reports/region/999999?period=2026", "`id`"),
        ("/v1/reports/org/xm-scjg?period=2026&format=xml", "`format`"),
        ("/v1/reports/published/x", "`id`"),
    ] {
        let (status, _, json) = get(&app, uri).await;

        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {json}");
        let detail = json["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(parameter), "{uri}: {detail}");
    }
    let (status, _, _) = get(&app, "/v1/reports/org/xm-scjg").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the period is required");
    let (status, _, json) = get(&app, "/v1/reports/org/xm-scjg?period=2026&height=99").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    let (status, _, _) = get(&app, "/v1/reports/published/99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_published_report_is_recomputed_at_its_height() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(&dir);
    let app = app_over(Arc::clone(&store));
    let (_, _, computed) = get(&app, "/v1/reports/region/350200?period=2025-12&height=0").await;
    let digest = Hash32::from_hex(computed["digest"].as_str().expect("a digest")).expect("hex");
    let published = PublishedReport {
        id: PublishedReportId(2),
        scope: ReportScope::Region("350200".into()),
        period: ReportPeriod::Month { year: 2025, month: 12 },
        height: Height(0),
        digest,
        publisher_org: "xm-dsj".into(),
        publisher: test_utils::signer().public_key(),
        published_at: test_utils::block_time(Height(1)),
    };
    commit(
        &store,
        vec![entry(RecordKey::PublishedReport(PublishedReportId(2)), &published)],
        vec![],
    );

    let (status, _, check) = get(&app, "/v1/reports/published/2").await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert_eq!(check["equal"], true, "{check}");
    assert_eq!(check["recomputed"]["digest"], computed["digest"]);
    assert_eq!(check["published"]["key"], "published_report:2");

    // The sample report of `every_kind` names a digest no figures have.
    let (status, _, check) = get(&app, "/v1/reports/published/1").await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert_eq!(check["equal"], false, "{check}");
    assert!(check["recomputed"]["digest"].is_string(), "{check}");
}
