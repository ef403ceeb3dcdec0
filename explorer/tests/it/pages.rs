//! Every page type renders with its decoded fields, lists page and download as CSV, the
//! language switch holds, and what does not exist is a 404 page.

use axum::http::{StatusCode, header};

use crate::fixture::{
    CERTIFICATE, CODE, GRANTS, LICENCE, MEMBER, NODE_URL, app, get, store, tx_hash,
};

/// Each page type, and texts its page must hold.
fn pages(request_tx: &str, refused_tx: &str) -> Vec<(String, Vec<&'static str>)> {
    [
        (
            "/".to_owned(),
            vec!["最新区块", "实时事件", "链运行状况", "id=\"latest-blocks\"", "fj-sjj"],
        ),
        ("/blocks".to_owned(), vec!["href=\"/blocks/5\"", "href=\"/blocks/1\""]),
        (
            "/blocks/1".to_owned(),
            vec![
                "申请共享",
                "答复共享申请",
                "被拒绝",
                "签名人的角色无权执行此操作",
                "案件核查",
                "提交证明",
            ],
        ),
        (
            format!("/txs/{request_tx}"),
            vec![
                "申请共享",
                "案件核查",
                "已接受",
                "police-law-6",
                "href=\"/catalog/350200-xm-scjg-0001\"",
            ],
        ),
        (
            format!("/txs/{refused_tx}"),
            vec!["撤销授权", "签名人的角色无权执行此操作", "代码 2", "被拒绝", "id=\"block-time\""],
        ),
        ("/validators".to_owned(), vec!["id=\"validators\"", "xm-scjg", "✓"]),
        (
            "/orgs/xm-gaj".to_owned(),
            vec![
                "id=\"hierarchy\"",
                "href=\"/orgs/xm\"",
                "网关",
                "id=\"sharing-received\"",
                "href=\"/grants/1\"",
                "href=\"/violations/1\"",
                "历史记录",
            ],
        ),
        (
            "/orgs/xm-scjg".to_owned(),
            vec!["id=\"sharing-given\"", "逾期义务", "href=\"/obligations/1\"", "企业登记信息"],
        ),
        (
            format!("/catalog/{CODE}"),
            vec![
                "版本历史",
                "id=\"version-2\"",
                "data-field=\"name\"",
                "企业登记",
                "企业登记信息",
                "href=\"/resources/1\"",
                "修订目录",
                "id=\"data-items\"",
                "data-item=\"法定代表人\"",
                "class=\"tag personal\"",
                "重要数据",
            ],
        ),
        (
            "/share-requests/1".to_owned(),
            vec!["办理经过", "申请共享", "答复共享申请", "仅限案件侦办", "href=\"/grants/1\""],
        ),
        (
            "/resources/1".to_owned(),
            vec!["id=\"access-history\"", "href=\"/access-events/1\"", "权威来源"],
        ),
        (
            format!("/certificates/{CERTIFICATE}"),
            vec![
                "<svg",
                "id=\"holder-chain\"",
                "href=\"/orgs/xm-scjg\"",
                "转让证书",
                "href=\"/objections/1\"",
                "id=\"licences\"",
                LICENCE,
                "数据资源持有权",
                "http://explorer.test:8080/certificates/350200-2026-000001X",
                "id=\"standing\"",
                "证书效力",
            ],
        ),
        ("/dashboards/violations".to_owned(), vec!["href=\"/violations/1\"", "无授权"]),
        ("/dashboards/overdue".to_owned(), vec!["href=\"/obligations/1\"", "更新数据目录"]),
        ("/grants/1".to_owned(), vec!["xm-gaj", "答复共享申请"]),
        (format!("/members/{MEMBER}"), vec!["网关", "数据使用方"]),
        ("/violations/1".to_owned(), vec!["无授权", "记录数据访问"]),
        ("/access-events/1".to_owned(), vec!["查询", "href=\"/violations/1\"", "企业名称"]),
        ("/grants".to_owned(), vec!["例外授权"]),
        ("/proposals/1".to_owned(), vec!["暂停机构", "演练"]),
        ("/quality-reports/1".to_owned(), vec!["名称有误"]),
        ("/applications/1".to_owned(), vec!["已发证", "颁发登记证书"]),
        ("/objections/1".to_owned(), vec!["来源存疑", "异议驳回"]),
        ("/obligations/1".to_owned(), vec!["职责调整", "更新数据目录"]),
    ]
    .into_iter()
    .collect()
}

#[tokio::test]
async fn every_page_type_renders_with_its_decoded_fields() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let (request_tx, refused_tx) = (tx_hash(&store, 1, 0), tx_hash(&store, 1, 2));
    let app = app(store);

    for (uri, texts) in pages(&request_tx, &refused_tx) {
        let answer = get(&app, &uri, None).await;

        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert!(answer.content_type().starts_with("text/html"), "{uri}");
        assert!(answer.body.contains("lang=\"zh-CN\""), "{uri}");
        for text in texts {
            assert!(answer.body.contains(text), "{uri} lacks {text:?}");
        }
    }
}

#[tokio::test]
async fn every_list_page_renders_and_downloads_as_csv() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));
    let lists = [
        "/orgs",
        "/members",
        "/proposals",
        "/catalog",
        "/resources",
        "/share-requests",
        "/grants",
        "/access-events",
        "/violations",
        "/quality-reports",
        "/applications",
        "/objections",
        "/certificates",
        "/obligations",
        "/blocks",
        "/blocks/4",
        "/orgs/xm-gaj",
        "/grants/1",
        "/dashboards/violations",
        "/dashboards/overdue",
    ];

    for uri in lists {
        let page = get(&app, uri, None).await;
        let csv = get(&app, &format!("{uri}?format=csv"), None).await;

        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(page.body.contains("format=csv"), "{uri} has no CSV link");
        assert_eq!(csv.status, StatusCode::OK, "{uri}?format=csv: {}", csv.body);
        assert_eq!(csv.content_type(), "text/csv; charset=utf-8", "{uri}");
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        let columns = reader.headers().expect("a header row").len();
        let rows: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("the CSV parses");
        assert!(columns >= 2, "{uri}");
        assert!(!rows.is_empty(), "{uri}: no rows");
        assert!(rows.iter().all(|row| row.len() == columns), "{uri}");
    }
}

#[tokio::test]
async fn a_long_list_pages_with_its_cursor_and_downloads_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    let first = get(&app, "/grants", None).await;
    let next = first
        .body
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a next page")
        .replace("&amp;", "&");
    let second = get(&app, &next, None).await;
    let csv = get(&app, "/grants?format=csv", None).await;
    let rows = csv::Reader::from_reader(csv.body.as_bytes()).records().count();
    let block = get(&app, "/blocks/4?format=csv", None).await;

    assert!(first.body.contains("href=\"/grants/20\""));
    assert!(!first.body.contains("href=\"/grants/21\""));
    assert!(second.body.contains("href=\"/grants/21\""), "{next}");
    assert!(second.body.contains(&format!("href=\"/grants/{GRANTS}\"")));
    assert_eq!(rows, GRANTS);
    assert_eq!(csv::Reader::from_reader(block.body.as_bytes()).records().count(), GRANTS);
    assert!(csv.headers.get(header::CONTENT_DISPOSITION).is_some());
}

#[tokio::test]
async fn the_english_switch_sets_a_cookie_that_later_pages_keep() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    let default = get(&app, "/", None).await;
    let switched = get(&app, "/?lang=en", None).await;
    let cookie = switched
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a cookie")
        .to_owned();
    let kept = get(&app, "/orgs/xm-gaj", Some(cookie.split(';').next().expect("pair"))).await;
    let back = get(&app, "/orgs/xm-gaj?lang=zh", Some("lang=en")).await;

    assert!(default.body.contains("最新区块") && default.body.contains("href=\"/?lang=en\""));
    assert!(switched.body.contains("Latest blocks") && switched.body.contains("lang=\"en\""));
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(kept.body.contains("Place in the hierarchy"), "the cookie keeps English");
    assert!(back.body.contains("隶属关系"));
}

#[tokio::test]
async fn every_page_links_the_workbench_in_its_language() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    for (path, label) in
        [("/", "业务工作台"), ("/orgs/xm-gaj", "业务工作台"), ("/blocks?lang=en", "Workbench")]
    {
        let page = get(&app, path, None).await;
        let link = format!("<a class=\"workbench\" href=\"/workbench/\">{label}</a>");
        assert!(page.body.contains(&link), "{path} lacks {link}");
    }
    // The cookie of the English switch carries over to the workbench itself.
    let workbench = get(&app, "/workbench/", Some("lang=en")).await;
    assert_eq!(workbench.status, StatusCode::OK);
    assert!(workbench.body.contains("Onebook Workbench"), "{}", workbench.body);
}

#[tokio::test]
async fn the_workbench_of_an_sm2_sm3_chain_says_browser_signing_is_ed25519_only() {
    let dir = tempfile::tempdir().expect("dir");
    let config = onebook_explorer::ExplorerConfig {
        suite: onebook_types::suite::Suite::Sm2Sm3,
        ..onebook_explorer::ExplorerConfig::default()
    };
    let store = store(&dir);
    let national = onebook_explorer::router(
        onebook_query::StoreQuery::new(std::sync::Arc::clone(&store)),
        config,
    );

    let zh = get(&national, "/workbench/", None).await;
    let en = get(&national, "/workbench/?lang=en", None).await;

    for page in [&zh, &en] {
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"no-browser-signing\""), "{}", page.body);
        assert!(page.body.contains("<code>sm2-sm3</code>"), "{}", page.body);
        assert!(!page.body.contains("workbench.js"), "no signing script: {}", page.body);
    }
    assert!(zh.body.contains("只能用 Ed25519 签名"), "{}", zh.body);
    let raw = onebook_explorer::raw_values(&onebook_explorer::visible_text(&zh.body));
    assert!(raw.is_empty(), "the Chinese page shows raw values {raw:?}");
    assert!(en.body.contains("signs in the browser with Ed25519 only"), "{}", en.body);
    // A chain of the default suite gets the signing page.
    let default = get(&app(store), "/workbench/", None).await;
    assert!(default.body.contains("/workbench/assets/workbench.js"), "{}", default.body);
}

#[tokio::test]
async fn a_missing_record_block_or_tx_is_a_404_page_and_a_malformed_address_a_400() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));
    let cases = [
        ("/orgs/nobody", StatusCode::NOT_FOUND),
        ("/catalog/350200-xm-scjg-0009", StatusCode::NOT_FOUND),
        ("/certificates/350200-2026-000002X", StatusCode::NOT_FOUND),
        ("/share-requests/9", StatusCode::NOT_FOUND),
        ("/resources/9", StatusCode::NOT_FOUND),
        ("/grants/99", StatusCode::NOT_FOUND),
        ("/blocks/99", StatusCode::NOT_FOUND),
        (&*format!("/txs/{}", "00".repeat(32)), StatusCode::NOT_FOUND),
        ("/no/such/page", StatusCode::NOT_FOUND),
        ("/blocks/x", StatusCode::BAD_REQUEST),
        ("/txs/nothex", StatusCode::BAD_REQUEST),
        ("/grants/one", StatusCode::BAD_REQUEST),
        ("/grants?limit=0", StatusCode::BAD_REQUEST),
        ("/grants?cursor=zz", StatusCode::BAD_REQUEST),
        ("/grants?status=granted", StatusCode::BAD_REQUEST),
    ];

    for (uri, expected) in cases {
        let answer = get(&app, uri, None).await;

        assert_eq!(answer.status, expected, "{uri}: {}", answer.body);
        assert!(answer.content_type().starts_with("text/html"), "{uri}");
        assert!(answer.body.contains("class=\"error\""), "{uri}");
    }
}

#[tokio::test]
async fn search_finds_each_kind_of_identifier() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let tx = tx_hash(&store, 2, 0);
    let app = app(store);
    let cases = [
        (tx.clone(), format!("href=\"/txs/{tx}\"")),
        ("3".to_owned(), "href=\"/blocks/3\"".to_owned()),
        ("grant:1".to_owned(), "href=\"/grants/1\"".to_owned()),
        (CODE.to_owned(), format!("href=\"/catalog/{CODE}\"")),
        (CERTIFICATE.to_owned(), format!("href=\"/certificates/{CERTIFICATE}\"")),
        ("机构 xm-gaj".to_owned(), "href=\"/orgs/xm-gaj\"".to_owned()),
        ("xm-scjg".to_owned(), "href=\"/orgs/xm-scjg\"".to_owned()),
    ];

    for (text, link) in cases {
        let answer = get(
            &app,
            &format!("/search?q={}", onebook_query::client::percent_encoded(&text)),
            None,
        )
        .await;

        // A single hit opens its page; several are listed with the query kept in the box.
        match answer.status {
            StatusCode::SEE_OTHER => {
                let location = answer.headers[header::LOCATION].to_str().expect("location");
                assert_eq!(format!("href=\"{location}\""), link, "search {text:?}");
            }
            status => {
                assert_eq!(status, StatusCode::OK, "{text}");
                assert!(answer.body.contains(&link), "search {text:?} lacks {link}");
            }
        }
    }
    let nothing = get(&app, "/search?q=nowhere", None).await;
    assert!(nothing.body.contains("没有找到"));
}

#[tokio::test]
async fn a_certificate_links_its_offline_proof_at_the_node_and_assets_are_embedded() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));

    let page = get(&app, &format!("/certificates/{CERTIFICATE}"), None).await;
    let css = get(&app, "/assets/style.css", None).await;
    let js = get(&app, "/assets/app.js", None).await;
    let icon = get(&app, "/favicon.ico", None).await;

    let proof = format!("href=\"{NODE_URL}/v1/proofs/records/certificate:{CERTIFICATE}\"");
    assert!(page.body.contains(&proof), "{proof}");
    assert_eq!(css.content_type(), "text/css; charset=utf-8");
    assert!(js.body.contains("EventSource(\"/events\")"));
    assert_eq!(icon.content_type(), "image/svg+xml");
    for answer in [&page, &css, &js] {
        assert!(!answer.body.contains("https://"), "nothing from another host");
    }
}

#[tokio::test]
async fn a_node_that_cannot_be_reached_is_a_503_page() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let query = onebook_query::client::HttpQuery::new(&url).expect("a client");
    let app = onebook_explorer::router(query, onebook_explorer::ExplorerConfig::default());

    for uri in ["/", "/blocks", "/orgs/xm-gaj", "/certificates/350200-2026-000001X"] {
        let answer = get(&app, uri, None).await;

        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{uri}: {}", answer.body);
        assert!(answer.body.contains("节点暂时无法访问"), "{uri}");
    }
}

#[tokio::test]
async fn a_licence_among_many_certificates_of_its_issuer_is_listed_under_its_parent() {
    use onebook_query::test_utils::{TestTx, commit_txs, entry};
    use onebook_types::{
        action::Action, codec, ids::CertificateNumber, property_records::Certificate,
        record::RecordKey,
    };

    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    // 600 more certificates of the same issuer, numbered before the licence.
    let parent = RecordKey::Certificate(CertificateNumber::from(CERTIFICATE));
    let bytes = store.record(&parent, store.tip().expect("tip").height).expect("read");
    let template: Certificate =
        codec::decode(&bytes.expect("the certificate"), usize::MAX).unwrap();
    let others = (0..600)
        .map(|n| {
            let number = CertificateNumber::from(format!("350200-2025-{n:07}").as_str());
            let certificate = Certificate { number: number.clone(), ..template.clone() };
            entry(RecordKey::Certificate(number), &certificate)
        })
        .collect();
    let withdraw = Action::WithdrawShareRequest { request: onebook_types::ids::ShareRequestId(1) };
    commit_txs(&store, vec![TestTx::new(withdraw, others)], &crate::fixture::validators());
    let app = app(store);

    let page = get(&app, &format!("/certificates/{CERTIFICATE}"), None).await;
    let all = format!("/certificates?under=certificate:{CERTIFICATE}");
    let listed = get(&app, &all, None).await;
    let csv = get(&app, &format!("{all}&format=csv"), None).await;
    let wrong = get(&app, "/certificates?under=resource:1", None).await;

    let licence = format!("/certificates/{LICENCE}");
    assert_eq!(page.status, StatusCode::OK);
    let licences = &page.body[page.body.find("id=\"licences\"").expect("the licences")..];
    assert!(licences.contains(&licence), "the licence is listed on its parent's page");
    assert!(!licences.contains("350200-2025-"), "the issuer's other certificates are not");
    assert_eq!(listed.status, StatusCode::OK);
    assert!(listed.body.contains(&licence) && listed.body.contains("id=\"under\""));
    assert_eq!(csv.body.lines().count(), 2, "a header and the licence: {}", csv.body);
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
}

#[tokio::test]
async fn a_licence_under_a_cancelled_parent_reads_parent_cancelled() {
    use onebook_query::test_utils::{TestTx, commit_txs, entry};
    use onebook_types::{
        action::Action,
        codec,
        ids::{CertificateNumber, Timestamp},
        property_records::{Certificate, CertificateStatus},
        record::RecordKey,
    };

    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let parent = RecordKey::Certificate(CertificateNumber::from(CERTIFICATE));
    let bytes = store.record(&parent, store.tip().expect("tip").height).expect("read");
    let mut cancelled: Certificate =
        codec::decode(&bytes.expect("the certificate"), usize::MAX).unwrap();
    cancelled.status =
        CertificateStatus::Cancelled { reason: "权属争议".into(), at: Timestamp(1) };
    let cancel = Action::CancelCertificate {
        certificate: CertificateNumber::from(CERTIFICATE),
        reason: "权属争议".into(),
    };
    let written = vec![entry(parent, &cancelled)];
    commit_txs(&store, vec![TestTx::new(cancel, written)], &crate::fixture::validators());
    let app = app(store);

    let licence = get(&app, &format!("/certificates/{LICENCE}"), None).await;
    let english = get(&app, &format!("/certificates/{LICENCE}?lang=en"), None).await;
    let listed = get(&app, &format!("/certificates?under=certificate:{CERTIFICATE}"), None).await;

    assert_eq!(licence.status, StatusCode::OK);
    let standing = &licence.body[licence.body.find("id=\"standing\"").expect("its standing")..];
    assert!(standing.contains("上级证书已注销"), "{standing}");
    assert!(english.body.contains("Parent cancelled"));
    assert!(listed.body.contains("上级证书已注销"), "the list shows the licence's standing");
}

/// The pages of the grant lifecycle and open-data development, and the links between them each
/// must hold: grant <-> close-out, parent grant <-> onward grant, org -> plans, scenarios,
/// development grants, products and its overdue close-out, resource -> products, development
/// grant -> products -> property application -> certificate -> development grant -> scenario,
/// and the lifecycle policy on the policy page.
#[tokio::test]
async fn the_lifecycle_pages_link_both_ways() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(store(&dir));
    let product = "0d".repeat(32);
    let certificate = onebook_query::test_utils::PRODUCT_CERTIFICATE;
    let product_link = format!("href=\"/products/{product}\"");
    let certificate_link = format!("href=\"/certificates/{certificate}\"");
    let pages: Vec<(String, Vec<&str>)> = vec![
        (
            "/grants/1".to_owned(),
            vec![
                "id=\"lineage\"",
                "href=\"/grants/2\"",
                "id=\"close-out\"",
                "href=\"/grant-close-outs/1\"",
                "转授权链",
            ],
        ),
        ("/grants/2".to_owned(), vec!["id=\"lineage\"", "上级授权", "href=\"/grants/1\""]),
        (
            "/grant-close-outs/1".to_owned(),
            vec!["href=\"/grants/1\"", "已安全销毁", "使用结束", "机构 xm-gaj"],
        ),
        ("/grant-close-outs?status=late".to_owned(), vec!["href=\"/grant-close-outs/1\""]),
        (
            "/open-data-plans?year=2026".to_owned(),
            vec!["id=\"year\"", "href=\"/open-data-plans/1\""],
        ),
        (
            "/orgs/xm-gaj".to_owned(),
            vec![
                "id=\"scenarios\"",
                "href=\"/scenarios/1\"",
                "href=\"/development-grants/1\"",
                &product_link,
                "href=\"/grant-close-outs/1\"",
                "href=\"/obligations/2\"",
                "授权终止处置",
            ],
        ),
        ("/orgs/xm-scjg".to_owned(), vec!["id=\"open-data-plans\"", "href=\"/open-data-plans/1\""]),
        (
            "/open-data-plans/1".to_owned(),
            vec!["href=\"/catalog/350200-xm-scjg-0001\"", "季度", "2026"],
        ),
        ("/resources/1".to_owned(), vec!["id=\"products\"", &product_link]),
        (
            "/scenarios/1".to_owned(),
            vec![
                "小微企业信用评估",
                "普惠金融",
                "href=\"/development-grants/1\"",
                "一级开发主体",
                "已通过",
            ],
        ),
        (
            "/development-grants/1".to_owned(),
            vec!["href=\"/scenarios/1\"", "href=\"/resources/1\"", &product_link],
        ),
        (
            format!("/products/{product}"),
            vec![
                "小微企业信用分",
                "href=\"/development-grants/1\"",
                "href=\"/resources/1\"",
                "href=\"/applications/2\"",
            ],
        ),
        (
            format!("/certificates/{certificate}"),
            vec![
                "id=\"development-lineage\"",
                "href=\"/applications/2\"",
                &product_link,
                "href=\"/development-grants/1\"",
                "href=\"/scenarios/1\"",
            ],
        ),
        ("/applications/2".to_owned(), vec![&certificate_link]),
        (
            "/policy".to_owned(),
            vec!["授权生命周期参数", "授权终止处置时限（工作日）", "人民警察法第六条"],
        ),
    ];
    for (uri, texts) in pages {
        let page = get(&app, &uri, None).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.body);
        for text in texts {
            assert!(page.body.contains(text), "{uri} lacks {text:?}");
        }
        let raw = onebook_explorer::raw_values(&onebook_explorer::visible_text(&page.body));
        assert!(raw.is_empty(), "{uri} shows raw values {raw:?}");
        let unlabelled = onebook_explorer::unlabelled(&page.body);
        assert!(unlabelled.is_empty(), "{uri} shows names without labels {unlabelled:?}");
    }
    let other_year = get(&app, "/open-data-plans?year=2025", None).await;
    assert!(!other_year.body.contains("href=\"/open-data-plans/1\""), "a plan of 2026 only");
    let english = get(&app, "/grant-close-outs/1?lang=en", None).await;
    assert!(english.body.contains("Destroyed") && english.body.contains("End of use"));
}
