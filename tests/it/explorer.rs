//! The explorer in headless Chromium against a seeded devnet: four validator processes filled by
//! `onebook demo seed`, then protocol version 3 and one record of each kind of the grant
//! lifecycle and open-data development (an onward grant and its close-out, an open-data plan,
//! scenarios, a development grant, a product and its property application), read by the
//! explorer over HTTP (`HttpQuery`). Every page type renders
//! with no console error and no request to a host off the loopback; search finds each kind of
//! identifier; a new block appears on the home page without a reload. Then the auditor's
//! checks: every link three levels deep from the home page answers 200; no visible text of a
//! Chinese page matches a raw value (`onebook_explorer::raw_values` lists the patterns: field
//! names, event kinds, enum values, ms times, English rejection names); every CSV link marked
//! with its section's count downloads that many rows; at 390 px nothing overlaps the
//! certificate's holder and no record or tx page is wider than the screen; an org's audit
//! report over a month lists every record of the org in the month that the API lists, and every
//! proof link of the report verifies with `onebook verify-proof`. Screenshots of each page type,
//! and of the home page, a certificate, a catalog diff, the violations dashboard and an audit
//! report at 1440 px and 390 px, are written to the artifacts folder (`ONEBOOK_ARTIFACTS`, else
//! `$CARGO_TARGET_DIR/explorer-artifacts`), printed at the end.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use onebook_cli::demo::{AUDITOR, seed};
use onebook_explorer::ExplorerConfig;
use onebook_query::{client::HttpQuery, read_rules};
use onebook_tests::{
    devnet::Devnet,
    webdriver::{CHROMEDRIVER, Chrome, artifacts_dir, is_loopback},
};
use onebook_types::suite::Suite;
use serde_json::Value;

/// A day of block time every ten seconds, so the seed's public notices end within the test.
const CLOCK_RATE: u32 = 8_640;

/// The first item of the list at `path` on node 0, read as the auditor.
fn first(net: &Devnet, path: &str) -> Value {
    let client =
        onebook_cli::demo::Client::connect(&net.api_addr(0)).unwrap().with_suite(net.suite);
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
    every_page_type_renders_in(Suite::Ed25519Blake3);
}

/// The same on a devnet of the national suite: the demo seed signs with SM2 keys, the explorer
/// reads as an SM2 auditor, the proofs verify in SM3, and the workbench says that browser signing
/// is Ed25519 only.
#[test]
fn every_page_type_renders_in_chromium_on_an_sm2_sm3_devnet_slow() {
    every_page_type_renders_in(Suite::Sm2Sm3);
}

fn every_page_type_renders_in(suite: Suite) {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        println!("SKIPPED: {CHROMEDRIVER} is missing; scripts/setup.sh installs chromium-driver");
        return;
    }
    let mut net = Devnet::start_clocked_in(crate::node_binary(), suite, 4, CLOCK_RATE).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let summary = seed(&net.api_addr(0)).unwrap();
    println!("{summary}");
    let client =
        onebook_cli::demo::Client::connect(&net.api_addr(0)).unwrap().with_suite(net.suite);
    let ledger = crate::lifecycles::Ledger { net, client };
    let lifecycle_pages = seed_lifecycles(&ledger);
    let net = &ledger.net;
    let proposals = seed_governance(net);
    let node_url = format!("http://{}", net.api_addr(0));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let explorer = format!("http://{}", listener.local_addr().unwrap());
    let query = HttpQuery::new(&node_url).unwrap().with_reader(net.dev_secret(AUDITOR));
    let key = net.dev_secret(AUDITOR).public_key();
    let reader = runtime.block_on(read_rules::reader_of(&query, key)).unwrap();
    assert!(reader != read_rules::Reader::Anonymous, "{AUDITOR} is an active member");
    let config = ExplorerConfig {
        node_url: Some(node_url.clone()),
        reader,
        suite: net.suite,
        ..ExplorerConfig::default()
    };
    runtime.spawn(onebook_explorer::serve(listener, query, config, std::future::pending()));
    let chrome = Chrome::start().unwrap().expect("chromedriver is installed");
    let dir = tempfile::tempdir().unwrap();
    let artifacts = artifacts_dir(dir.path()).unwrap();

    let (height, tx) = block_with_txs(net);
    let code = first(net, "/v1/catalog/entries")["record"]["code"].as_str().unwrap().to_owned();
    let certificate = first(net, "/v1/property/certificates?status=active")["record"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, org) = net.nodes[0].get("/v1/orgs/xm-gaj").unwrap();
    let org_id = org["record"]["id"].as_str().unwrap().to_owned();
    let org_name = org["record"]["name"].as_str().unwrap().to_owned();
    let resource = first(net, "/v1/resources")["record"]["id"].as_u64().unwrap();
    let request = first(net, "/v1/share-requests?status=granted")["record"]["id"].as_u64().unwrap();
    let mut pages = vec![
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
    // Before the English page, whose cookie keeps the browser in English.
    for (name, id) in &proposals {
        pages.insert(pages.len() - 1, (*name, format!("/proposals/{id}")));
    }
    for (name, path) in &lifecycle_pages {
        pages.insert(pages.len() - 1, (*name, path.clone()));
    }

    for (name, path) in &pages {
        let started = Instant::now();
        chrome.goto(&format!("{explorer}{path}")).unwrap();
        let text = chrome.text().unwrap();
        let errors = chrome.console_errors().unwrap();
        let shot = artifacts.join(format!("{name}.png"));
        chrome.screenshot(&shot).unwrap();

        println!("{name}: {path} in {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
        assert!(!text.contains("未找到") && !text.contains("暂时无法"), "{path}: {text}");
        if !path.contains("lang=en") {
            let raw = onebook_explorer::raw_values(&text);
            assert!(raw.is_empty(), "{path} shows raw values {raw:?}");
        }
        assert!(errors.is_empty(), "{path}: console errors {errors:?}");
    }
    // Back to Chinese: the English page's cookie would keep every later page in English.
    chrome.goto(&format!("{explorer}/?lang=zh")).unwrap();
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
        (tx[..10].to_owned(), format!("/txs/{tx}")),
    ];
    for (text, link) in &searches {
        let query: String = onebook_query::client::percent_encoded(text);
        chrome.goto(&format!("{explorer}/search?q={query}")).unwrap();

        // A single hit opens its page at once; several are listed.
        let here = chrome.execute("return location.pathname;", serde_json::json!([])).unwrap();
        let links = chrome.links("#hits a").unwrap();
        let box_value = chrome
            .execute(
                "return document.querySelector('form.search input').value;",
                serde_json::json!([]),
            )
            .unwrap();

        assert!(
            here.as_str() == Some(link.as_str()) || links.contains(link),
            "search {text:?} found {links:?} at {here}, not {link}"
        );
        if here.as_str() == Some("/search") {
            assert_eq!(box_value.as_str(), Some(text.as_str()), "the query stays in the box");
        }
    }

    // Too few hex digits to look up a tx by: the page says how many it takes.
    chrome.goto(&format!("{explorer}/search?q={}", &tx[..5])).unwrap();
    let note = chrome
        .execute(
            "const n = document.querySelector('#search-note'); return n ? n.textContent : '';",
            serde_json::json!([]),
        )
        .unwrap();
    assert!(note.as_str().is_some_and(|note| note.contains('8')), "{note}");

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

    // The workbench signs in the browser with Ed25519: on a chain of another suite it says so
    // and loads no signing script.
    let (status, body) = http_get(explorer.trim_start_matches("http://"), "/workbench/");
    let workbench = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    let signs = workbench.contains("/workbench/assets/workbench.js");
    let says_not = workbench.contains("id=\"no-browser-signing\"");
    assert_eq!((signs, says_not), (suite == Suite::Ed25519Blake3, suite != Suite::Ed25519Blake3));

    crawl(&explorer);
    phone_layouts(&chrome, &explorer, &pages);
    let report = audit_report(net, &chrome, &explorer, &node_url, &org_id);
    screenshots(&chrome, &explorer, &artifacts, net, &certificate, &report);
    println!("screenshots in {}", artifacts.display());
}

/// One record of each kind of the grant lifecycle and open-data development, which the demo seed
/// does not make: protocol version 3 scheduled by governance, then a provincial grant to the
/// city's data authority passed on to its police bureau (数据回流) and closed out by the bureau at
/// the end of its use, an open-data plan, a development scenario approved with its development
/// grant, a second scenario left under review, a product built under the grant and the
/// product's property application. The record pages to visit, by page name and path.
fn seed_lifecycles(ledger: &crate::lifecycles::Ledger) -> Vec<(&'static str, String)> {
    use crate::lifecycles::{
        digest, entry_draft,
        grant_lifecycle::{close_out, grant_down, onward, today, upgrade_to_version_three},
        key, publish, register,
    };
    use onebook_types::{
        action::{
            Action, OpenType, PropertyApplicationDraft, PropertySubject, RightKind, ShareType,
        },
        consortium::Role,
        development_records::{PlannedOpening, ScenarioDraft},
        ids::GrantId,
        lifecycle_records::CloseOutDisposition,
        time::{DAY_MS, Date},
    };
    // The demo seed upgrades the ledger to version 3 itself; an older seed leaves it to this one.
    let passed = ledger.client.list_all("/v1/proposals?status=passed", None, 100).unwrap();
    let upgraded = passed.iter().any(|view| {
        view["record"]["change"]["kind"] == "schedule_upgrade"
            && view["record"]["change"]["version"] == 3
    });
    if !upgraded {
        upgrade_to_version_three(ledger);
    }
    let register_member = |admin: &str, label: &str, name: &str, role: Role| {
        let path = format!("/v1/members/{}", key(ledger.net.suite, label).to_hex());
        if ledger.client.get_as_status(AUDITOR, &path).is_ok_and(|(status, _)| status == 200) {
            return;
        }
        let action = Action::RegisterMember {
            key: key(ledger.net.suite, label),
            name: name.to_owned(),
            roles: vec![role],
        };
        ledger.accept(admin, action, &["member.registered"]);
    };
    register_member(
        "fj-sjj/admin",
        "fj-sjj/lc-clerk",
        "省数据管理局 目录编制人员（回流）",
        Role::CatalogClerk,
    );
    register_member(
        "fj-sjj/admin",
        "fj-sjj/lc-approver",
        "省数据管理局 共享审核人（回流）",
        Role::ShareApprover,
    );
    register_member(
        "xm-dsj/admin",
        "xm-dsj/lc-user",
        "市大数据管理局 数据使用方（回流）",
        Role::DataUser,
    );
    register_member(
        "xm-jypt/admin",
        "xm-jypt/lc-developer",
        "厦门数据交易平台 一级开发主体",
        Role::PrimaryDeveloper,
    );

    // The province's entry, granted to the city and passed on to its police bureau.
    let items = ["统一社会信用代码", "许可证编号"];
    let condition = ShareType::Conditional { conditions: "仅用于依法履职".to_owned() };
    let clerk = "fj-sjj/lc-clerk";
    let draft = entry_draft("全省企业经营许可信息（回流）", &items, condition);
    let drafted = ledger.accept(clerk, Action::DraftCatalogEntry { draft }, &["catalog.drafted"]);
    let code = onebook_types::ids::CatalogCode(drafted.id("catalog.drafted", "entry").unwrap());
    ledger.accept(clerk, Action::SubmitCatalogEntry { code: code.clone() }, &["catalog.submitted"]);
    let review = Action::ReviewCatalogEntry {
        code: code.clone(),
        decision: onebook_types::action::ReviewDecision::Approve,
    };
    ledger.accept(clerk, review, &["catalog.approved"]);
    let published = ledger.client.submit(clerk, Action::PublishCatalogEntry { code: code.clone() });
    assert!(published.unwrap().accepted());
    let draft = onebook_types::action::ResourceDraft {
        system: onebook_types::ids::SystemId::from("lifecycle-system"),
        snapshot_digest: digest("回流/snapshot"),
        record_count: 1_000,
        items: items.iter().map(|item| (*item).to_owned()).collect(),
        authoritative: true,
    };
    let registered =
        ledger.client.submit(clerk, Action::RegisterResource { entry: code.clone(), draft });
    assert!(registered.unwrap().accepted());
    let (_, granted, expires_at) =
        grant_down(ledger, code, &items, "xm-dsj/lc-user", "fj-sjj/lc-approver");
    let parent = GrantId(granted.number("grant.issued", "grant").unwrap());
    let passed_on = ledger.accept(
        "xm-dsj/share-approver",
        onward(parent, "xm-gaj", &["许可证编号"], expires_at - DAY_MS),
        &["grant.issued_onward", "obligation.opened"],
    );
    let child = GrantId(passed_on.number("grant.issued_onward", "grant").unwrap());
    let closed =
        ledger.client.submit("xm-gaj/gateway", close_out(child, CloseOutDisposition::Destroyed));
    let day = today(ledger);
    assert!(closed.as_ref().unwrap().accepted(), "{closed:?}");

    // Open data and development.
    let items = ["统一社会信用代码", "企业名称"];
    let mut draft = entry_draft("企业登记基本信息（开放）", &items, ShareType::Unconditional);
    draft.open_type = OpenType::Open;
    let open_code = publish(ledger, "xm-scjg", draft);
    let resource = register(ledger, "xm-scjg", &open_code, &items);
    let (year, _, _) = day.ymd();
    let plan = Action::RecordOpenDataPlan {
        year: u16::try_from(year).unwrap(),
        openings: vec![PlannedOpening { entry: open_code, quarter: 3 }],
    };
    let planned = ledger.accept("xm-scjg/catalog-clerk", plan, &["open_data_plan.recorded"]);
    let plan = planned.number("open_data_plan.recorded", "open_data_plan").unwrap();
    let scenario = |scenario_type: &str, name: &str| Action::ApplyForScenario {
        draft: ScenarioDraft {
            scenario_type: scenario_type.to_owned(),
            name: name.to_owned(),
            description: "基于企业登记信息的授信模型".to_owned(),
            resources: vec![resource],
            starts: day,
            ends: Date(day.0 + 180),
        },
    };
    let developer = "xm-jypt/lc-developer";
    let applied = ledger.accept(
        developer,
        scenario("浏览器核验·普惠金融", "小微企业信用评估"),
        &["scenario.applied"],
    );
    let approved_scenario = applied.number("scenario.applied", "scenario").unwrap();
    ledger.accept(
        developer,
        scenario("浏览器核验·营商环境", "企业迁移预警"),
        &["scenario.applied"],
    );
    let approve = Action::ReviewScenario {
        scenario: onebook_types::ids::ScenarioId(approved_scenario),
        decision: onebook_types::action::ReviewDecision::Approve,
    };
    let approved = ledger.accept("xm-dsj/share-approver", approve, &["development_grant.issued"]);
    let grant = approved.number("development_grant.issued", "development_grant").unwrap();
    let product_digest = digest("小微企业信用分 v1（浏览器）");
    let product = Action::RecordProduct {
        grant: onebook_types::ids::DevelopmentGrantId(grant),
        name: "小微企业信用分".to_owned(),
        description: "按月更新的企业信用评分".to_owned(),
        digest: product_digest,
    };
    ledger.accept(developer, product, &["product.recorded"]);
    let apply = Action::ApplyForProperty {
        draft: PropertyApplicationDraft {
            right: RightKind::Holding,
            subject: PropertySubject::Product {
                name: "小微企业信用分".to_owned(),
                description: "数据产品".to_owned(),
                digest: product_digest,
                inputs: vec![],
            },
            evidence_digests: vec![digest("合法来源证明（浏览器）")],
            valid_from: day,
            valid_until: Date(day.0 + 365),
        },
    };
    let applied = ledger.client.submit("xm-jypt/admin", apply).unwrap();
    assert!(applied.accepted(), "{applied:?}");
    vec![
        ("onward-grant", format!("/grants/{}", child.0)),
        ("parent-grant", format!("/grants/{}", parent.0)),
        ("close-out", format!("/grant-close-outs/{}", child.0)),
        ("close-outs", "/grant-close-outs".to_owned()),
        ("open-data-plan", format!("/open-data-plans/{plan}")),
        ("scenario", format!("/scenarios/{approved_scenario}")),
        ("scenarios", "/scenarios".to_owned()),
        ("development-grant", format!("/development-grants/{grant}")),
        ("product", format!("/products/{}", product_digest.to_hex())),
        ("products", "/products".to_owned()),
        ("developer-org", "/orgs/xm-jypt".to_owned()),
        ("policy", "/policy".to_owned()),
        // The governed records of the chain itself; the child chain is the one
        // `seed_governance` admits.
        ("checkpoint-policy", "/checkpoint-policy".to_owned()),
        ("protocol", "/protocol".to_owned()),
        ("child-chains", "/child-chains".to_owned()),
        ("child-chain", "/child-chains/onebook-sm-1".to_owned()),
        // The demo seed publishes the region's 通报 of the last ended month: report 1.
        ("periodic-report", "/periodic-reports/region/350200".to_owned()),
        ("published-reports", "/published-reports".to_owned()),
        ("published-report", "/published-reports/1".to_owned()),
    ]
}

/// Proposals of the governance changes the demo seed leaves out, so the explorer's pages show
/// them: a child chain admitted and a protocol upgrade scheduled far past the test's blocks
/// (passed, raising their events), and a checkpoint policy and a validator key rotation voted
/// down (the devnet keeps its witnesses and node keys). A change the ledger refuses to propose
/// (a key rotation before protocol version 2) is a refused tx, shown as such. The proposals
/// submitted, by page name and id.
fn seed_governance(net: &Devnet) -> Vec<(&'static str, u64)> {
    use onebook_types::{
        action::{Action, GovernanceChange},
        checkpoint::{CheckpointPolicy, Witness, WitnessSet},
        ids::{ChainId, Height, ProposalId, ProtocolVersion},
        keys::{PublicKey, SecretKey},
    };
    // The sample child chain's witnesses (seeds 0x71 and 0x72), in the chain's suite.
    let witnesses = || {
        let mut witnesses: Vec<Witness> = [(0x71, "思明区见证节点"), (0x72, "市审计局见证节点")]
            .into_iter()
            .map(|(seed, name)| Witness {
                key: SecretKey::from_seed_in(net.suite, [seed; 32]).unwrap().public_key(),
                name: name.into(),
            })
            .collect();
        witnesses.sort_by_key(|witness| witness.key);
        WitnessSet { threshold: 2, witnesses }
    };
    const VOTERS: [&str; 3] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"];
    let client =
        onebook_cli::demo::Client::connect(&net.api_addr(0)).unwrap().with_suite(net.suite);
    let (tip, _) = client.tip().unwrap();
    let validators = client.get("/v1/validators").unwrap();
    let old_key: PublicKey =
        serde_json::from_value(validators["validators"][3]["node_key"].clone()).unwrap();
    let changes = [
        (
            "proposal-child-chain",
            GovernanceChange::AdmitChildChain {
                chain_id: ChainId::from("onebook-sm-1"),
                genesis_hash: onebook_types::hash::Hash32([0x5a; 32]),
                witnesses: witnesses(),
            },
            true,
        ),
        (
            "proposal-upgrade",
            GovernanceChange::ScheduleUpgrade {
                version: ProtocolVersion(4),
                height: Height(tip + 1_000_000),
            },
            true,
        ),
        (
            "proposal-checkpoint-policy",
            GovernanceChange::SetCheckpointPolicy {
                policy: CheckpointPolicy { interval: 50, witnesses: witnesses() },
            },
            false,
        ),
        (
            "proposal-key-rotation",
            GovernanceChange::RotateValidatorKey { old_key, new_key: PublicKey([0x5b; 32]) },
            false,
        ),
    ];
    let mut proposals = Vec::new();
    for (name, change, approve) in changes {
        let rationale = "演练：浏览器展示全部治理事项".to_owned();
        let submit = Action::SubmitProposal { change, rationale };
        let receipt = client.submit(VOTERS[0], submit).unwrap();
        let Ok(id) = receipt.number("proposal.submitted", "proposal") else {
            println!("{name}: refused ({:?})", receipt.rejection);
            continue;
        };
        for voter in VOTERS {
            let vote = Action::VoteProposal { proposal: ProposalId(id), approve };
            let receipt = client.submit(voter, vote).unwrap();
            let decided = ["proposal.passed", "proposal.rejected"]
                .iter()
                .any(|kind| receipt.event(kind).is_some());
            if decided {
                break;
            }
        }
        proposals.push((name, id));
    }
    println!("governance proposals: {proposals:?}");
    assert!(proposals.len() >= 3, "the child chain, upgrade and policy proposals");
    proposals
}

/// `GET path` of the explorer (or of the node, given its address): status and body.
fn http_get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    onebook_cli::http::request(addr, "GET", path, None)
        .unwrap_or_else(|error| panic!("GET {path}: {error:#}"))
}

/// The `href`s of the `<a>` elements of `html` that stay on the explorer, without fragments.
fn page_links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in html.split("<a ").skip(1) {
        let tag = &part[..part.find('>').unwrap_or(part.len())];
        let Some(start) = tag.find("href=\"") else { continue };
        let rest = &tag[start + 6..];
        let href = rest[..rest.find('"').unwrap_or(rest.len())].replace("&amp;", "&");
        let href = href.split('#').next().unwrap_or_default().to_owned();
        if href.starts_with('/') && !href.starts_with("//") {
            found.push(href);
        }
    }
    found
}

/// The CSV links of `html` marked with their section's count.
fn counted_csv(html: &str) -> Vec<(String, u64)> {
    let mut found = Vec::new();
    for part in html.split("<a class=\"csv\" ").skip(1) {
        let tag = &part[..part.find('>').unwrap_or(part.len())];
        let attribute = |name: &str| {
            let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
            let end = tag[start..].find('"')?;
            Some(tag[start..start + end].replace("&amp;", "&"))
        };
        if let (Some(href), Some(count)) = (attribute("href"), attribute("data-count")) {
            found.push((href, count.parse().unwrap()));
        }
    }
    found
}

/// One page of the crawl: its status, and its HTML if it is a page. A search's 303 to its
/// single hit counts as 200: it opens a page of the explorer.
fn fetch_page(addr: &str, path: &str) -> (u16, Option<String>) {
    let (status, body) = http_get(addr, path);
    match status {
        303 if path.starts_with("/search") => (200, None),
        200 => {
            let text = String::from_utf8_lossy(&body).into_owned();
            (200, text.contains("<html").then_some(text))
        }
        other => (other, None),
    }
}

/// Every link three levels deep from the home page answers 200 (a search's redirect to its
/// single hit counts as the page it opens); no Chinese page shows a raw value in its visible
/// text; every CSV link marked with its section's count downloads that many rows. The pages
/// of each level are read by four workers; the language switch's `lang=en` copies of the pages
/// are left to the in-process crawl.
fn crawl(explorer: &str) {
    let addr = explorer.trim_start_matches("http://");
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let mut level = vec!["/".to_owned()];
    let mut failures = BTreeMap::new();
    let mut raw = BTreeMap::new();
    let mut csv = BTreeMap::new();
    let mut came_from = BTreeMap::new();
    let started = Instant::now();
    for depth in 0..=3 {
        let queue = std::sync::Mutex::new(level.clone());
        let read = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    while let Some(path) = queue.lock().unwrap().pop() {
                        let asked = Instant::now();
                        let answer = fetch_page(addr, &path);
                        read.lock().unwrap().push((path, answer, asked.elapsed()));
                    }
                });
            }
        });
        let mut next = Vec::new();
        let read = read.into_inner().unwrap();
        let slowest = read.iter().max_by_key(|(_, _, took)| *took);
        let slowest = slowest.map(|(path, _, took)| format!("{path} in {} ms", took.as_millis()));
        for (path, (status, html), _) in read {
            if status != 200 {
                let from = came_from.get(&path).cloned().unwrap_or_default();
                failures.insert(path, (status, from));
                continue;
            }
            let Some(html) = html else { continue };
            if html.contains("lang=\"zh-CN\"") {
                let mut words =
                    onebook_explorer::raw_values(&onebook_explorer::visible_text(&html));
                words.extend(onebook_explorer::unlabelled(&html));
                if !words.is_empty() {
                    raw.insert(path.clone(), words);
                }
            }
            for (link, count) in counted_csv(&html) {
                csv.entry(link).or_insert((count, path.clone()));
            }
            if depth < 3 {
                for link in page_links(&html) {
                    let skipped =
                        link.contains("format=") || link.contains("lang=") || link == "/events";
                    if !skipped && seen.insert(link.clone()) {
                        came_from.insert(link.clone(), path.clone());
                        next.push(link);
                    }
                }
            }
        }
        println!(
            "crawl: level {depth}: {} pages, {:.0} s, the slowest {}",
            level.len(),
            started.elapsed().as_secs_f64(),
            slowest.unwrap_or_default()
        );
        level = next;
    }
    println!("crawl: {} pages three levels deep, {} CSV links with counts", seen.len(), csv.len());
    assert!(seen.len() > 100, "the crawl reached {} pages", seen.len());
    assert!(failures.is_empty(), "non-200 answers: {failures:?}");
    assert!(raw.is_empty(), "raw values on Chinese pages: {raw:#?}");
    for (link, (count, page)) in &csv {
        let (status, body) = http_get(addr, link);
        assert_eq!(status, 200, "{link}");
        let rows = csv_rows(&String::from_utf8_lossy(&body));
        assert_eq!(rows, *count, "{link} on {page}: {rows} rows, the section says {count}");
    }
}

/// The data rows of a CSV text (RFC 4180: a quoted field may hold a line break), its header
/// not counted.
fn csv_rows(text: &str) -> u64 {
    let (mut rows, mut quoted, mut pending) = (0, false, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                rows += 1;
                pending = false;
                continue;
            }
            _ => {}
        }
        pending = true;
    }
    (rows + u64::from(pending)).saturating_sub(1)
}

/// At 390 px: no element overlaps the certificate's holder or its issue time, and no record or
/// tx page is wider than the screen.
fn phone_layouts(chrome: &Chrome, explorer: &str, pages: &[(&str, String)]) {
    chrome.set_window_size(390, 844).unwrap();
    chrome.goto(&format!("{explorer}/?lang=zh")).unwrap();
    let width = "return [document.documentElement.scrollWidth, window.innerWidth];";
    for (name, path) in pages {
        chrome.goto(&format!("{explorer}{path}")).unwrap();
        let sizes = chrome.execute(width, serde_json::json!([])).unwrap();
        let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
        assert!(inner <= 400, "the window is a phone's: {inner}");
        assert!(scroll <= inner, "{name} ({path}) at 390 px is {scroll} px wide");
        if *name == "certificate" {
            let overlaps = chrome
                .execute(
                    "const hits = [];
                     for (const field of ['holder', 'issued_at']) {
                       const target = document.querySelector(`.record dd[data-field='${field}']`);
                       if (!target) { hits.push(`no ${field}`); continue; }
                       const r = target.getBoundingClientRect();
                       for (const e of document.body.querySelectorAll('*')) {
                         if (e === target || e.contains(target) || target.contains(e)) continue;
                         const o = e.getBoundingClientRect();
                         if (o.width === 0 || o.height === 0) continue;
                         const x = Math.min(r.right, o.right) - Math.max(r.left, o.left);
                         const y = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);
                         if (x > 1 && y > 1) hits.push(`${field} under ${e.tagName}.${e.className}#${e.id}`);
                       }
                     }
                     return hits;",
                    serde_json::json!([]),
                )
                .unwrap();
            assert_eq!(overlaps, serde_json::json!([]), "at 390 px on {path}");
        }
    }
    chrome.set_window_size(1440, 1000).unwrap();
}

/// The API paths of the kinds an org's report lists, beside the explorer's.
const REPORTED: [(&str, &str); 13] = [
    ("/v1/members", "/members"),
    ("/v1/proposals", "/proposals"),
    ("/v1/catalog/entries", "/catalog"),
    ("/v1/resources", "/resources"),
    ("/v1/share-requests", "/share-requests"),
    ("/v1/grants", "/grants"),
    ("/v1/violations", "/violations"),
    ("/v1/quality-reports", "/quality-reports"),
    ("/v1/property/applications", "/applications"),
    ("/v1/property/objections", "/objections"),
    ("/v1/property/certificates", "/certificates"),
    ("/v1/obligations", "/obligations"),
    ("/v1/access-events", "/access-events"),
];

/// The org's audit report over the month of the most records: it lists every record of the
/// org that the API lists in that month, and each proof link verifies. Its path.
fn audit_report(
    net: &Devnet,
    chrome: &Chrome,
    explorer: &str,
    node_url: &str,
    org: &str,
) -> String {
    // The node anchors each bundle at the newest checkpoint the genesis witnesses cosigned, so
    // the two dev witnesses follow the devnet while the report's proofs are fetched.
    let _witnesses = ["fj-sjj/witness", "xm-sjj/witness"]
        .map(|label| net.start_witness(label, &[0, 1, 2, 3]).unwrap());
    let client =
        onebook_cli::demo::Client::connect(&net.api_addr(0)).unwrap().with_suite(net.suite);
    let mut by_month: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (_, tip) = net.nodes[0].get("/v1/status").unwrap();
    let tip_time = tip["time"].as_u64().or_else(|| tip["tip"]["time"].as_u64()).unwrap_or(0);
    // The months of block time the seed ran through, and each record of the org in each.
    let month_start = |year: i32, month: u32| {
        onebook_types::time::Date::from_ymd(year, month, 1).unwrap().start(480).0
    };
    let today = onebook_types::time::Date::of_timestamp(
        onebook_types::ids::Timestamp(tip_time.max(1)),
        480,
    );
    let (mut year, mut month, _) = today.ymd();
    for _ in 0..3 {
        let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        let (from, to) = (month_start(year, month), month_start(next_year, next_month));
        let label = format!("{year:04}-{month:02}");
        for (api, page) in REPORTED {
            let path = format!("{api}?org={org}&from={from}&to={to}");
            for item in client.list_all(&path, Some(AUDITOR), 100).unwrap() {
                let key = item["key"].as_str().unwrap();
                let id = key.split_once(':').unwrap().1;
                by_month
                    .entry(label.clone())
                    .or_default()
                    .insert(format!("{page}/{}", onebook_query::client::percent_encoded(id)));
            }
        }
        (year, month) = if month == 1 { (year - 1, 12) } else { (year, month - 1) };
    }
    let (month, expected) =
        by_month.iter().max_by_key(|(_, keys)| keys.len()).expect("records in some month");
    assert!(expected.len() >= 5, "the org has records in {month}: {expected:?}");
    let (year, number) = month.split_once('-').unwrap();
    let (year, number): (i32, u32) = (year.parse().unwrap(), number.parse().unwrap());
    let last = (28..=31)
        .rev()
        .find(|day| onebook_types::time::Date::from_ymd(year, number, *day).is_some())
        .unwrap();
    let path = format!("/report/org/{org}?from={month}-01&to={month}-{last:02}");
    chrome.goto(&format!("{explorer}{path}")).unwrap();
    let rows = chrome
        .execute(
            "return Array.from(document.querySelectorAll('#report-records tr[data-href], #report-accesses tr[data-href]')).map(tr => tr.dataset.href);",
            serde_json::json!([]),
        )
        .unwrap();
    let listed: BTreeSet<String> =
        rows.as_array().unwrap().iter().filter_map(|row| row.as_str().map(str::to_owned)).collect();
    assert_eq!(&listed, expected, "the report of {org} over {month} against the API");
    let tip_height = tip["height"].as_u64().or_else(|| tip["tip"]["height"].as_u64()).unwrap();
    net.wait_witnessed(0, tip_height, Duration::from_secs(120)).unwrap();
    // Each proof link and what it claims beyond its records: `grant-at-access` for an access
    // proved with its grant at the block that recorded it.
    let proofs = chrome
        .execute(
            "return Array.from(document.querySelectorAll('#report-records a.proof, #report-accesses a.proof, #report-decisions a.proof')).map(a => [a.href, a.dataset.claim || '']);",
            serde_json::json!([]),
        )
        .unwrap();
    let proofs: Vec<(String, String)> = proofs
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
        .collect();
    let covered = proofs.iter().filter(|(_, claim)| claim == "grant-at-access").count();
    assert!(covered > 0, "an access the ledger found covered links its grant-at-access proof");
    assert!(proofs.len() >= expected.len(), "a proof link per record: {}", proofs.len());
    let genesis = net.nodes[0].home.join("genesis.json");
    let dir = tempfile::tempdir().unwrap();
    let node = node_url.trim_start_matches("http://");
    for (n, (proof, claim)) in proofs.iter().enumerate() {
        let proof_path = proof.strip_prefix(node_url).expect("a proof on the node");
        // Restricted records' proofs are read as the auditor reads them: signed (formats §18).
        let time_ms =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
        let time_ms = u64::try_from(time_ms).unwrap() + n as u64;
        let auditor = net.dev_secret(AUDITOR);
        let authorization = onebook_api::sign_read(&auditor, "GET", proof_path, time_ms);
        let (status, bytes) = onebook_cli::http::request_with_headers(
            node,
            "GET",
            proof_path,
            &[("Authorization", &authorization)],
            None,
        )
        .unwrap();
        assert_eq!(status, 200, "{proof}");
        let file = dir.path().join(format!("{n}.bundle"));
        std::fs::write(&file, bytes).unwrap();
        let mut args = vec!["onebook", "verify-proof", "--genesis", genesis.to_str().unwrap()];
        // An access's proof is at the block that recorded it: the verifier judges that its
        // grant covered it there.
        if claim == "grant-at-access" {
            assert!(proof_path.starts_with("/v1/proofs/access-events/"), "{proof}");
            args.push("--grant-at-access");
        }
        // A decision the ledger refused is listed too: its bundle proves the tx and its refusal.
        if proof_path.starts_with("/v1/proofs/txs/") {
            args.push("--allow-refused-tx");
        }
        args.push(file.to_str().unwrap());
        use clap::Parser;
        onebook_cli::Cli::try_parse_from(args)
            .unwrap()
            .execute()
            .unwrap_or_else(|error| panic!("{proof} does not verify: {error:#}"));
    }
    println!(
        "audit report {path}: {} records, {} proofs verified ({covered} accesses with their grant)",
        listed.len(),
        proofs.len()
    );
    path
}

/// Screenshots at 1440 px and 390 px of the home page, a certificate, a catalog entry's
/// differences, the violations dashboard and an audit report; the home page at 1440 px also
/// becomes the README's screenshot when `ONEBOOK_README_SCREENSHOT` names its file.
fn screenshots(
    chrome: &Chrome,
    explorer: &str,
    artifacts: &std::path::Path,
    net: &Devnet,
    certificate: &str,
    report: &str,
) {
    let client =
        onebook_cli::demo::Client::connect(&net.api_addr(0)).unwrap().with_suite(net.suite);
    let revised = client
        .list_all("/v1/catalog/entries", Some(AUDITOR), 100)
        .unwrap()
        .into_iter()
        .find(|entry| entry["record"]["versions"].as_array().is_some_and(|v| v.len() > 1))
        .expect("a revised entry");
    let code = revised["record"]["code"].as_str().unwrap();
    let shots = [
        ("home", "/".to_owned()),
        ("certificate", format!("/certificates/{certificate}")),
        ("catalog-diff", format!("/catalog/{code}#version-2")),
        ("violations-dashboard", "/dashboards/violations".to_owned()),
        ("audit-report", report.to_owned()),
    ];
    // The pages in Chinese, as a reader first meets them (an English page before set the
    // cookie).
    chrome.goto(&format!("{explorer}/?lang=zh")).unwrap();
    for (width, height) in [(1440, 1000), (390, 844)] {
        chrome.set_window_size(width, height).unwrap();
        for (name, path) in &shots {
            chrome.goto(&format!("{explorer}{path}")).unwrap();
            let shot = artifacts.join(format!("{name}-{width}.png"));
            chrome.screenshot(&shot).unwrap();
            if *name == "home"
                && width == 1440
                && let Some(readme) = std::env::var_os("ONEBOOK_README_SCREENSHOT")
            {
                std::fs::copy(&shot, readme).unwrap();
            }
        }
    }
    chrome.set_window_size(1440, 1000).unwrap();
}
