//! The periodic report pages (通报) over the fixture's store: charts, record links, the CSV, both
//! languages, a bad period, and a published report recomputed at its height.

use axum::http::StatusCode;

use crate::fixture::{app, get, store};

#[tokio::test]
async fn a_periodic_report_page_draws_its_figures_and_links_their_records() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    let page = get(&app, "/periodic-reports/org/xm-scjg?period=2026-01", None).await;

    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in
        ["chart-catalog", "chart-obligations", "chart-sharing", "chart-quality", "chart-violations"]
    {
        assert!(page.body.contains(&format!("id=\"{part}\"")), "{part}");
    }
    assert!(page.body.contains("<svg"), "inline SVG charts");
    assert!(page.body.contains("定期通报"), "labelled in Chinese");
    // Obligation 1 of xm-scjg was due at block 3 and never met: overdue, and linked.
    assert!(page.body.contains("href=\"/obligations/1\""), "{}", page.body);
    assert!(page.body.contains("period=2026-01&amp;format=csv"), "a CSV link");
    let english = get(&app, "/periodic-reports/org/xm-scjg?period=2026-01&lang=en", None).await;
    assert!(english.body.contains("Periodic report"), "{}", english.body);
    assert!(english.body.contains("Share requests answered"));
}

#[tokio::test]
async fn the_csv_of_a_report_downloads_its_figures() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    let csv = get(&app, "/periodic-reports/region/350200?period=2026-Q1&format=csv", None).await;

    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("section,name,count,records\n"), "{}", csv.body);
    assert!(csv.body.contains("obligations,overdue_now,1,obligation:1"), "{}", csv.body);
}

#[tokio::test]
async fn a_bad_period_is_refused_and_the_org_page_links_last_months_report() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    let bad = get(&app, "/periodic-reports/org/xm-scjg?period=2026-13", None).await;
    let org = get(&app, "/orgs/xm-scjg", None).await;

    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(
        org.body.contains("href=\"/periodic-reports/org/xm-scjg?period=2025-12\""),
        "{}",
        org.body
    );
}

#[tokio::test]
async fn a_published_report_shows_whether_its_recomputation_is_equal() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    // The fixture's report names a digest no figures have: it differs.
    let record = get(&app, "/published-reports/1", None).await;
    let page = get(&app, "/periodic-reports/published/1", None).await;

    for answer in [&record, &page] {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(answer.body.contains("id=\"verdict\" data-equal=\"false\""), "{}", answer.body);
        assert!(answer.body.contains("与发布的数据不一致"), "{}", answer.body);
    }
}
