//! The explorer in process, over a store read without the REST API, applies the read rules of
//! the port: an anonymous reader does not see a restricted record's details, an auditor does.

use axum::http::StatusCode;
use onebook_query::{read_rules::Reader, test_utils};

use crate::fixture::{app_as, get, store, tx_hash};

/// Restricted pages, and a detail each shows only to a reader who may read it: the access
/// event's item, the violation's reason, the share request's purpose, the access batch's item
/// in its tx, the violation in the dashboard.
fn restricted_pages(access_tx: &str) -> Vec<(String, &'static str)> {
    vec![
        ("/access-events/1".to_owned(), "企业名称"),
        ("/violations/1".to_owned(), "无授权"),
        ("/share-requests/1".to_owned(), "案件核查"),
        (format!("/txs/{access_tx}"), "09090909"),
        ("/dashboards/violations".to_owned(), "href=\"/violations/1\""),
        ("/scenarios/2".to_owned(), "企业迁移预警"),
        ("/scenarios".to_owned(), "企业迁移预警"),
    ]
}

#[tokio::test]
async fn an_anonymous_reader_in_process_sees_no_restricted_details() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let access_tx = tx_hash(&store, 2, 0);
    let anonymous = app_as(store.clone(), Reader::Anonymous);
    let auditor = app_as(store, test_utils::auditor_reader());

    for (uri, detail) in restricted_pages(&access_tx) {
        let seen = get(&auditor, &uri, None).await;
        assert_eq!(seen.status, StatusCode::OK, "{uri} as an auditor");
        assert!(seen.body.contains(detail), "{uri} shows {detail:?} to an auditor");
        let hidden = get(&anonymous, &uri, None).await;
        assert!(!hidden.body.contains(detail), "{uri} hides {detail:?}: {}", hidden.body);
    }
    let refused = get(&anonymous, "/access-events/1", None).await;
    assert_ne!(refused.status, StatusCode::OK, "an access event is refused, not shown empty");
}
