//! The explorer in headless Chromium against a seeded devnet: four validator processes filled by
//! `onebook demo seed`, read by the explorer over HTTP (`HttpQuery`). Every page type renders
//! with no console error and no request to a host off the loopback; search finds each kind of
//! identifier; a new block appears on the home page without a reload. A screenshot of each page
//! type is written to the artifacts folder (`ONEBOOK_ARTIFACTS`, else
//! `$CARGO_TARGET_DIR/explorer-artifacts`), printed at the end.

use std::time::{Duration, Instant};

use onebook_cli::demo::{AUDITOR, seed};
use onebook_explorer::ExplorerConfig;
use onebook_query::client::HttpQuery;
use onebook_tests::{
    devnet::Devnet,
    webdriver::{CHROMEDRIVER, Chrome, artifacts_dir, is_loopback},
};
use serde_json::Value;

/// A day of block time every ten seconds, so the seed's public notices end within the test.
const CLOCK_RATE: u32 = 8_640;

/// The first item of the list at `path` on node 0, read as the auditor.
fn first(net: &Devnet, path: &str) -> Value {
    let client = onebook_cli::demo::Client::connect(&net.api_addr(0)).unwrap();
    let items = client.list_all(path, Some(AUDITOR), 1).unwrap();
    items.into_iter().next().unwrap_or_else(|| panic!("{path} is empty"))
}

/// A block that holds txs, and its first tx's hash.
fn block_with_txs(net: &Devnet) -> (u64, String) {
    let (_, tip) = net.nodes[0].get("/v1/status").unwrap();
    let tip = tip["height"].as_u64().unwrap();
    for height in (1..=tip).rev() {
        let (_, block) = net.nodes[0].get(&format!("/v1/blocks/{height}")).unwrap();
        if let Some(hash) = block["tx_hashes"][0].as_str() {
            return (height, hash.to_owned());
        }
    }
    panic!("no block holds a tx")
}

#[test]
fn every_page_type_renders_in_chromium_with_no_console_error_and_nothing_off_the_loopback() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        println!("SKIPPED: {CHROMEDRIVER} is missing; scripts/setup.sh installs chromium-driver");
        return;
    }
    let mut net = Devnet::start_clocked(crate::node_binary(), 4, CLOCK_RATE).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let summary = seed(&net.api_addr(0)).unwrap();
    println!("{summary}");
    let node_url = format!("http://{}", net.api_addr(0));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let explorer = format!("http://{}", listener.local_addr().unwrap());
    let query =
        HttpQuery::new(&node_url).unwrap().with_reader(onebook_genesis::dev_secret(AUDITOR));
    let config = ExplorerConfig { node_url: Some(node_url.clone()), public_url: None };
    runtime.spawn(onebook_explorer::serve(listener, query, config, std::future::pending()));
    let chrome = Chrome::start().unwrap().expect("chromedriver is installed");
    let dir = tempfile::tempdir().unwrap();
    let artifacts = artifacts_dir(dir.path()).unwrap();

    let (height, tx) = block_with_txs(&net);
    let code = first(&net, "/v1/catalog/entries")["record"]["code"].as_str().unwrap().to_owned();
    let certificate = first(&net, "/v1/property/certificates?status=active")["record"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, org) = net.nodes[0].get("/v1/orgs/xm-gaj").unwrap();
    let org_id = org["record"]["id"].as_str().unwrap().to_owned();
    let org_name = org["record"]["name"].as_str().unwrap().to_owned();
    let resource = first(&net, "/v1/resources")["record"]["id"].as_u64().unwrap();
    let request =
        first(&net, "/v1/share-requests?status=granted")["record"]["id"].as_u64().unwrap();
    let pages = [
        ("home", "/".to_owned()),
        ("blocks", "/blocks".to_owned()),
        ("block", format!("/blocks/{height}")),
        ("tx", format!("/txs/{tx}")),
        ("validators", "/validators".to_owned()),
        ("search", format!("/search?q={org_id}")),
        ("org", format!("/orgs/{org_id}")),
        ("catalog-entry", format!("/catalog/{code}")),
        ("share-request", format!("/share-requests/{request}")),
        ("resource", format!("/resources/{resource}")),
        ("certificate", format!("/certificates/{certificate}")),
        ("violations", "/dashboards/violations".to_owned()),
        ("overdue", "/dashboards/overdue".to_owned()),
        ("list", "/grants".to_owned()),
        ("record", "/grants/1".to_owned()),
        ("english", format!("/orgs/{org_id}?lang=en")),
    ];

    for (name, path) in &pages {
        let started = Instant::now();
        chrome.goto(&format!("{explorer}{path}")).unwrap();
        let text = chrome.text().unwrap();
        let errors = chrome.console_errors().unwrap();
        let shot = artifacts.join(format!("{name}.png"));
        chrome.screenshot(&shot).unwrap();

        println!("{name}: {path} in {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
        assert!(!text.contains("未找到") && !text.contains("暂时无法"), "{path}: {text}");
        assert!(errors.is_empty(), "{path}: console errors {errors:?}");
    }
    let requested = chrome.requested_urls().unwrap();
    let off_loopback: Vec<&String> = requested.iter().filter(|url| !is_loopback(url)).collect();
    assert!(requested.len() >= pages.len(), "the network log saw the pages: {requested:?}");
    assert!(off_loopback.is_empty(), "requests off the loopback: {off_loopback:?}");
    chrome.goto(&format!("{explorer}/certificates/{certificate}")).unwrap();
    let proof = chrome.links("#download-proof").unwrap();
    assert_eq!(proof, [format!("{node_url}/v1/proofs/records/certificate:{certificate}")]);

    let searches = [
        (tx.clone(), format!("/txs/{tx}")),
        (height.to_string(), format!("/blocks/{height}")),
        ("grant:1".to_owned(), "/grants/1".to_owned()),
        (code.clone(), format!("/catalog/{code}")),
        (certificate.clone(), format!("/certificates/{certificate}")),
        (org_name, format!("/orgs/{org_id}")),
    ];
    for (text, link) in &searches {
        let query: String = onebook_query::client::percent_encoded(text);
        chrome.goto(&format!("{explorer}/search?q={query}")).unwrap();

        let links = chrome.links("#hits a").unwrap();

        assert!(links.contains(link), "search {text:?} found {links:?}, not {link}");
    }

    chrome.goto(&format!("{explorer}/")).unwrap();
    let newest = |chrome: &Chrome| {
        let script = "const row = document.querySelector('#latest-blocks tbody tr'); return row ? Number(row.dataset.height) : 0;";
        chrome.execute(script, serde_json::json!([])).unwrap().as_u64().unwrap_or(0)
    };
    let shown = newest(&chrome);
    let deadline = Instant::now() + Duration::from_secs(30);
    while newest(&chrome) <= shown {
        assert!(Instant::now() < deadline, "no new block appeared on the home page after {shown}");
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(chrome.console_errors().unwrap().is_empty());
    println!("screenshots in {}", artifacts.display());
}
