//! End-to-end: `onebook demo seed` (the library's `seed`) fills a devnet of four validator
//! processes with every kind of record, through the REST API only, and the API's filtered lists
//! then show every state the demo promises.

use std::time::{Duration, Instant};

use onebook_cli::demo::{AUDITOR, Client, SeedSummary, seed};
use onebook_genesis::GenesisFile;
use onebook_tests::{
    devnet::{Devnet, http_raw},
    proof_chain::trusted,
};
use onebook_types::{codec, development_records::OpenDataPlan};
use onebook_verifier::{RecordValue, Verdict, VerifyOptions, verify_with};

/// A day of block time every ten seconds, so the seed's one-day notice ends within the test.
const CLOCK_RATE: u32 = 8_640;

/// The number of records the list at `path` holds, read as the auditor.
fn count(client: &Client, path: &str) -> usize {
    client.list_all(path, Some(AUDITOR), 100).expect(path).len()
}

/// Checks that the API's status filter of `route` finds, for each of `statuses`, at least one
/// record, and as many as the seed's summary counted for `kind`.
fn assert_statuses(
    client: &Client,
    summary: &SeedSummary,
    kind: &str,
    route: &str,
    statuses: &[&str],
) {
    for status in statuses {
        let filtered = count(client, &format!("{route}?status={status}"));
        assert!(filtered > 0, "no {kind} in status {status}");
        assert_eq!(filtered, summary.in_status(kind, status), "{kind} in status {status}");
    }
}

#[test]
fn the_demo_seed_fills_a_devnet_with_every_kind_of_record_in_every_state() {
    let mut net = Devnet::start_clocked(crate::node_binary(), 4, CLOCK_RATE).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let addr = net.api_addr(0);
    let started = Instant::now();

    let summary = seed(&addr).unwrap();

    println!("{summary}\nseeded in {:.1} s", started.elapsed().as_secs_f64());
    let client = Client::connect(&addr).unwrap();
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    // One each: a published entry drafted again, a second authoritative source of a data element,
    // a share request answered twice, a registrant that is not the provider, a certificate issued
    // before its notice ends, an onward grant wider than its parent, a product registered without
    // a development grant.
    assert_eq!(summary.refusals, 7);
    assert_eq!(summary.created["orgs"], 3);
    for (kind, total) in
        summary.totals.iter().filter(|(kind, _)| !["orgs", "members"].contains(&kind.as_str()))
    {
        assert_eq!(
            summary.created[kind], *total,
            "genesis holds no {kind}, so the run made them all"
        );
    }

    let orgs = client.list_all("/v1/orgs", None, 10).unwrap();
    let mut levels: Vec<&str> =
        orgs.iter().filter_map(|org| org["record"]["level"].as_str()).collect();
    levels.sort_unstable();
    levels.dedup();
    assert_eq!(orgs.len(), 11, "the eight genesis orgs and three admitted ones");
    assert!(levels.len() >= 5, "{levels:?}");
    let district_bureau = client.get("/v1/orgs/xm-smq-sjj").unwrap();
    assert_eq!(district_bureau["record"]["data_authority"], true);

    assert_eq!(count(&client, "/v1/catalog/entries"), 50);
    let catalog = ["draft", "submitted", "returned", "approved", "published", "deprecated"];
    assert_statuses(&client, &summary, "catalog_entries", "/v1/catalog/entries", &catalog);
    let versions = client.get("/v1/catalog/entries/350200-xm-scjg-0005/versions").unwrap();
    assert_eq!(versions["versions"].as_array().map(Vec::len), Some(2), "{versions}");
    assert!(count(&client, "/v1/resources") >= 30);

    let requests = ["under-review", "granted", "refused", "withdrawn"];
    assert_statuses(&client, &summary, "share_requests", "/v1/share-requests", &requests);
    let grants = client.list_all("/v1/grants", None, 10).unwrap();
    assert!(grants.iter().any(|grant| grant["record"]["exception"] == true), "an exception grant");
    assert_statuses(&client, &summary, "grants", "/v1/grants", &["active", "revoked"]);
    let refused = client.list_all("/v1/share-requests?status=refused", None, 10).unwrap();
    assert!(refused.iter().all(|request| request["record"]["status"]["legal_basis"].is_string()));

    assert_eq!(count(&client, "/v1/access-events?status=covered"), 12);
    assert_eq!(count(&client, "/v1/access-events?status=violation"), 7);
    let reasons = [
        "parent-grant-ended",
        "no-grant",
        "grant-unknown",
        "grant-revoked",
        "out-of-scope",
        "wrong-grantee",
        "item-out-of-scope",
    ];
    for reason in reasons {
        assert_eq!(count(&client, &format!("/v1/violations?status={reason}")), 1, "{reason}");
    }

    assert_statuses(
        &client,
        &summary,
        "quality_reports",
        "/v1/quality-reports",
        &["reported", "fixed", "ruled"],
    );
    let applications = ["applied", "refused", "in-notice", "certified"];
    assert_statuses(&client, &summary, "applications", "/v1/property/applications", &applications);
    let objections = ["pending", "upheld", "dismissed"];
    assert_statuses(&client, &summary, "objections", "/v1/property/objections", &objections);
    assert_statuses(
        &client,
        &summary,
        "certificates",
        "/v1/property/certificates",
        &["active", "cancelled"],
    );
    let certificates = client.list_all("/v1/property/certificates", None, 10).unwrap();
    let transferred = certificates
        .iter()
        .find(|certificate| {
            certificate["record"]["transfers"].as_array().is_some_and(|t| !t.is_empty())
        })
        .expect("a transferred certificate");
    assert_eq!(transferred["record"]["holder"], "xm-dsjgs");
    let licence = certificates
        .iter()
        .find(|certificate| certificate["record"]["parent"].is_string())
        .expect("a licence");
    assert_eq!(licence["record"]["right"], "processing_use");
    assert_eq!(licence["record"]["holder"], "xm-jypt");

    for (kind, total) in &summary.totals {
        assert!(*total > 0, "no {kind}");
    }
    assert!(count(&client, "/v1/obligations?status=open") > 0, "open duties");
    assert!(count(&client, "/v1/obligations?status=met") > 0, "met duties");
    assert_lifecycle_records(&net, &client, &summary);
}

#[test]
fn the_demo_seed_runs_again_on_the_same_devnet_and_adds_a_second_round_slow() {
    let mut net = Devnet::start_clocked(crate::node_binary(), 4, CLOCK_RATE).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let addr = net.api_addr(0);
    let first = seed(&addr).unwrap();

    let second = seed(&addr).unwrap();

    assert_eq!(second.created["orgs"], 0, "the orgs are admitted once");
    assert_eq!(second.created["catalog_entries"], 50, "fresh codes");
    assert_eq!(second.total("catalog_entries"), 100);
    assert_eq!(second.total("certificates"), 2 * first.total("certificates"));
    assert_eq!(second.total("violations"), 2 * first.total("violations"));
    assert!(second.skipped.is_empty(), "{:?}", second.skipped);
}

/// A verified proof bundle of the record `key` (`<kind>:<id>`), read anonymously from node 0.
fn proved(net: &Devnet, key: &str) -> Verdict {
    let genesis = std::fs::read(net.nodes[0].home.join("genesis.json")).unwrap();
    let genesis = GenesisFile::from_json_validated(&genesis).unwrap();
    let path = format!("/v1/proofs/records/{key}");
    let (status, bundle) = http_raw(net.nodes[0].api_port, "GET", &path, None).unwrap();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bundle));
    // A devnet without witnesses cuts its bundles unanchored.
    let options = VerifyOptions { allow_unanchored: true, ..VerifyOptions::default() };
    verify_with(&bundle, &trusted(&genesis), &options).unwrap()
}

/// Every record of protocol version 3 the demo promises exists, in the state it promises.
fn assert_lifecycle_records(net: &Devnet, client: &Client, summary: &SeedSummary) {
    let records = &summary.records;
    let expected = [
        "an open-data plan with a revision",
        "an approved scenario",
        "a returned scenario",
        "a scenario under review",
        "a development grant",
        "a product under the grant",
        "another product under the grant",
        "a product's property application",
        "a certificate of a developed product",
        "a grant to the city",
        "an onward grant to the district",
        "an onward grant to the district bureau",
        "a violation under a cut-off onward grant",
        "a close-out: destroyed",
        "a close-out: retained",
        "a late close-out",
        "an overdue close-out obligation",
    ];
    for what in expected {
        assert!(records.contains_key(what), "the demo made no {what}: {records:?}");
    }
    let json = |what: &str| -> serde_json::Value {
        let verdict = proved(net, &records[what]);
        match &verdict.records()[0].value {
            RecordValue::Scenario(scenario) => to_json(scenario),
            RecordValue::DevelopmentGrant(grant) => to_json(grant),
            RecordValue::Product(product) => to_json(product),
            RecordValue::GrantLineage(lineage) => to_json(lineage),
            RecordValue::GrantCloseOut(close_out) => to_json(close_out),
            RecordValue::Opaque(bytes) => {
                let plan: OpenDataPlan = codec::decode(bytes, bytes.len()).unwrap();
                to_json(&plan)
            }
            other => panic!("{what}: {other:?}"),
        }
    };
    let plan = json("an open-data plan with a revision");
    assert_eq!(plan["revisions"].as_array().map(Vec::len), Some(2), "{plan}");
    assert_eq!(json("an approved scenario")["status"]["status"], "approved");
    assert_eq!(json("a returned scenario")["status"]["status"], "returned");
    assert_eq!(json("a scenario under review")["status"]["status"], "under-review");
    let grant = json("a development grant");
    assert_eq!(grant["developer"], "xm-jypt", "{grant}");
    for product in ["a product under the grant", "another product under the grant"] {
        assert_eq!(json(product)["grant"], grant["id"], "{product}");
    }
    let district = json("an onward grant to the district");
    let bureau = json("an onward grant to the district bureau");
    assert_eq!((district["depth"].as_u64(), bureau["depth"].as_u64()), (Some(1), Some(2)));
    assert_eq!(district["granted_by"], "xm-dsj");
    assert_eq!(bureau["granted_by"], "xm-smq");
    assert_eq!(json("a close-out: destroyed")["disposition"]["disposition"], "destroyed");
    let retained = json("a close-out: retained");
    assert_eq!(retained["disposition"]["legal_basis"], "gov-info-14", "{retained}");
    let late = json("a late close-out");
    assert_eq!((late["late"].as_bool(), late["ended"].as_str()), (Some(true), Some("revoked")));

    let api = |what: &str| {
        let (kind, id) = records[what].split_once(':').unwrap();
        let route = match kind {
            "violation" => "violations",
            "obligation" => "obligations",
            "application" => "property/applications",
            "certificate" => "property/certificates",
            other => panic!("no route for {other}"),
        };
        client.get_as(AUDITOR, &format!("/v1/{route}/{id}")).unwrap()
    };
    let violation = api("a violation under a cut-off onward grant");
    assert_eq!(violation["record"]["reason"], "parent-grant-ended", "{violation}");
    let overdue = api("an overdue close-out obligation");
    assert_eq!(overdue["record"]["kind"], "grant-close-out", "{overdue}");
    assert_eq!(overdue["record"]["status"]["status"], "open", "{overdue}");
    let certificate = api("a certificate of a developed product");
    assert_eq!(certificate["record"]["subject"]["subject"], "product", "{certificate}");
    // Its proof bundle, cut by a real node, names the development grant it came from.
    let verdict = proved(net, &records["a certificate of a developed product"]);
    let named = format!("developed under development grant {}", grant["id"]);
    assert!(verdict.to_string().lines().next().unwrap().contains(&named), "{verdict}");
    // And an onward grant's bundle carries the grants above it, each checked within its parent.
    let (_, bureau_id) = records["an onward grant to the district bureau"].split_once(':').unwrap();
    let verdict = proved(net, &format!("grant:{bureau_id}"));
    let chain = verdict.onward_chain(onebook_types::ids::GrantId(bureau_id.parse().unwrap()));
    assert_eq!(chain.map(|chain| chain.len()), Some(3), "{verdict}");
    let application = api("a product's property application");
    assert_eq!(application["record"]["status"]["status"], "certified", "{application}");
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}
