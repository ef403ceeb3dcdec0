//! What an auditor reads: names beside ids, Chinese words for every value, dashboards with
//! counts and filters, the audit report, search by prefix and name, and the evidence under
//! every record and tx page.

use axum::http::{StatusCode, header};

use crate::fixture::{CERTIFICATE, CODE, LICENCE, NODE_URL, app, get, store, tx_hash};

#[tokio::test]
async fn orgs_read_by_name_and_refusals_by_a_chinese_sentence_with_their_code() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let refused = tx_hash(&store, 1, 2);
    let app = app(store);

    let grant = get(&app, "/grants/1", None).await;
    let tx = get(&app, &format!("/txs/{refused}"), None).await;
    let english = get(&app, &format!("/txs/{refused}?lang=en"), None).await;
    let error = get(&app, "/blocks/abc", None).await;

    let org = "title=\"xm-gaj\">机构 xm-gaj</a> <span class=\"id\">(xm-gaj)</span>";
    assert!(grant.body.contains(org), "an org by its name and id: {}", grant.body);
    assert!(tx.body.contains("签名人的角色无权执行此操作"), "the rule in Chinese");
    let visible = onebook_explorer::visible_text(&tx.body);
    assert!(!visible.contains("RoleMissing"), "no English rule name on a Chinese page");
    assert!(tx.body.contains("代码 2"));
    assert!(tx.body.contains("时间均为北京时间"), "times are labelled");
    assert!(english.body.contains("RoleMissing") && english.body.contains("The signer"));
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    assert!(error.body.contains("区块高度必须是非负整数"), "{}", error.body);
}

#[tokio::test]
async fn record_and_tx_pages_end_with_their_json_api_address_and_proofs() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let tx = tx_hash(&store, 1, 0);
    let app = app(store);

    let grant = get(&app, "/grants/1", None).await;
    let access = get(&app, "/access-events/1", None).await;
    let page = get(&app, &format!("/txs/{tx}"), None).await;

    assert!(grant.body.contains(&format!("{NODE_URL}/v1/grants/1")), "the API address");
    assert!(grant.body.contains(&format!("href=\"{NODE_URL}/v1/proofs/records/grant:1\"")));
    assert!(grant.body.contains("id=\"json-view\""));
    assert!(access.body.contains("/v1/proofs/records/access_event:1"));
    assert!(page.body.contains(&format!("href=\"{NODE_URL}/v1/proofs/txs/{tx}\"")));
    assert!(page.body.contains(&format!("{NODE_URL}/v1/txs/{tx}")));
}

#[tokio::test]
async fn dashboards_count_by_org_reason_and_month_with_filters_and_totals() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    let all = get(&app, "/dashboards/violations", None).await;
    let theirs = get(&app, "/dashboards/violations?org=xm-gaj", None).await;
    let none = get(&app, "/dashboards/violations?from=2000-01-01&to=2000-01-31", None).await;
    let bad = get(&app, "/dashboards/violations?from=2026-13-01", None).await;
    let overdue = get(&app, "/dashboards/overdue?org=xm-scjg", None).await;
    let activity = get(&app, "/dashboards/activity", None).await;
    let home = get(&app, "/", None).await;

    for table in ["id=\"by-org\"", "id=\"by-reason\"", "id=\"by-month\""] {
        assert!(all.body.contains(table), "{table}");
    }
    assert!(all.body.contains("<th class=\"num total\">1</th>"), "a total row");
    assert!(all.body.contains("无授权"), "the reason in words");
    assert!(all.body.contains("<svg"), "a chart drawn by the server");
    assert!(theirs.body.contains("<th class=\"num total\">1</th>"));
    assert!(none.body.contains("<th class=\"num total\">0</th>"), "a date filter");
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(overdue.body.contains("id=\"by-kind\"") && overdue.body.contains("更新数据目录"));
    for chart in ["chart-txs-per-day", "chart-answers", "chart-violations-month"] {
        assert!(activity.body.contains(chart), "{chart}");
    }
    assert!(home.body.contains("id=\"domain-summary\"") && home.body.contains("目录完整率"));
}

#[tokio::test]
async fn an_audit_report_lists_records_decisions_and_accesses_with_proofs_and_downloads() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));
    let range = "from=2000-01-01&to=2099-12-31";

    let org = get(&app, &format!("/report/org/xm-gaj?{range}"), None).await;
    let certificate = get(&app, &format!("/report/certificate/{CERTIFICATE}?{range}"), None).await;
    let file = get(&app, &format!("/report/org/xm-gaj?{range}&format=html"), None).await;
    let form = get(&app, "/report?kind=org&id=xm-gaj&from=2026-01-01", None).await;
    let missing = get(&app, "/report/org/nobody", None).await;

    assert_eq!(org.status, StatusCode::OK, "{}", org.body);
    for part in ["id=\"report-records\"", "id=\"report-decisions\"", "id=\"report-accesses\""] {
        assert!(org.body.contains(part), "{part}");
    }
    assert!(org.body.contains("data-href=\"/grants/1\""), "the org's grant");
    assert!(org.body.contains("data-href=\"/access-events/1\""), "its access");
    assert!(org.body.contains("/v1/proofs/records/access_event:1"), "the access's proof");
    assert!(org.body.contains("/v1/proofs/records/grant:1"));
    assert!(org.body.contains("/v1/proofs/txs/"), "each decision's tx proof");
    assert!(certificate.body.contains("转让证书"), "the certificate's transfer");
    let disposition = file.headers[header::CONTENT_DISPOSITION].to_str().expect("text");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(file.body.contains("<style>") && file.body.contains("@media print"));
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert_eq!(form.headers[header::LOCATION], "/report/org/xm-gaj?from=2026-01-01");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_finds_prefixes_and_names_and_opens_a_single_hit() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let app = app(store.clone());

    let prefix = get(&app, "/search?q=350200-xm-scjg", None).await;
    let name = get(
        &app,
        &format!("/search?q={}", onebook_query::client::percent_encoded("企业登记")),
        None,
    )
    .await;
    let certificate = get(&app, "/search?q=350200-2026-0000", None).await;
    let hash = crate::fixture::tx_hash(&store, 2, 0);
    let tx_prefix = get(&app, &format!("/search?q={}", &hash[..10]), None).await;
    let too_short = get(&app, "/search?q=abcde", None).await;

    for answer in [&prefix, &name] {
        let target = match answer.status {
            StatusCode::SEE_OTHER => {
                answer.headers[header::LOCATION].to_str().expect("text").to_owned()
            }
            _ => answer.body.clone(),
        };
        assert!(target.contains(&format!("/catalog/{CODE}")), "{target}");
    }
    assert!(certificate.body.contains(&format!("/certificates/{CERTIFICATE}")));
    assert!(certificate.body.contains(&format!("/certificates/{LICENCE}")));
    assert!(certificate.body.contains("value=\"350200-2026-0000\""), "the query stays in the box");
    assert_eq!(tx_prefix.status, StatusCode::SEE_OTHER, "one tx starts so");
    assert_eq!(tx_prefix.headers[header::LOCATION], format!("/txs/{hash}").as_str());
    assert!(too_short.body.contains("id=\"search-note\""), "{}", too_short.body);
    assert!(too_short.body.contains("至少需要 8 位"), "the page says how many digits it takes");
}
