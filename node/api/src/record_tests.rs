//! The record, timeline, search and overdue routes over a real store holding one record of
//! every kind at genesis and, at height 1, grant 1 revoked; driven through the router.

use std::sync::{Arc, Mutex};

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use onebook_chain::{Chain, ChainConfig};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_query::test_utils::{self, GENESIS_TIME_MS, block_time, commit, entry, every_kind};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    consortium::Role,
    ids::{ChainId, GrantId, Height, Timestamp},
    keys::{PublicKey, SecretKey},
    record::RecordKey,
    sharing_records::GrantStatus,
};

use crate::{ApiState, router, sign_read};

fn clock() -> Timestamp {
    Timestamp(GENESIS_TIME_MS + 60_000)
}

/// The router over `store`, with a chain and an empty mempool of the test chain.
pub(crate) fn app_over(store: Arc<Store>) -> axum::Router {
    crate::tests::router_over(
        store,
        ChainId::from(test_utils::CHAIN_ID),
        Timestamp(GENESIS_TIME_MS),
        clock,
    )
}

fn app(dir: &tempfile::TempDir) -> axum::Router {
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    let mut records = every_kind();
    records.push(entry(RecordKey::Org("xm-sjj".into()), &test_utils::org("xm-sjj", None)));
    records.push(auditor().1);
    test_utils::init(&store, records);
    let mut revoked = test_utils::grant(1, "xm-gaj");
    revoked.status = GrantStatus::Revoked { at: block_time(Height(1)), reason: "期满".into() };
    commit(&store, vec![entry(RecordKey::Grant(GrantId(1)), &revoked)], vec!["xm-gaj".into()]);
    app_over(Arc::new(store))
}

/// The auditor of org `xm-sjj` (not in `every_kind`), who may read every record.
fn auditor() -> (SecretKey, (RecordKey, Vec<u8>)) {
    test_utils::reader(0x61, "xm-sjj", vec![Role::Auditor])
}

/// `GET uri`, signed by [`auditor`], so restricted records read too.
async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, serde_json::Value) {
    let authorization = sign_read(&auditor().0, "GET", uri, crate::auth::now_ms());
    let request = Request::get(uri).header(header::AUTHORIZATION, authorization);
    crate::tests::call(app, request.body(Body::empty()).expect("request")).await
}

/// `GET uri` with no `Authorization` header.
async fn get_anonymous(app: &axum::Router, uri: &str) -> (StatusCode, String, serde_json::Value) {
    crate::tests::call(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

fn keys(page: &serde_json::Value) -> Vec<&str> {
    let items = page["items"].as_array().map(Vec::as_slice).unwrap_or_default();
    items.iter().filter_map(|item| item["key"].as_str()).collect()
}

const MEMBER: &str = "0303030303030303030303030303030303030303030303030303030303030303";
const CODE: &str = "350200-xm-scjg-0001";
const CERTIFICATE: &str = "350200-2026-000001X";

/// Each list route, a filter that keeps its record, and the record's key.
fn lists() -> Vec<(String, String)> {
    let member = format!("member:{MEMBER}");
    [
        ("/v1/orgs?org=xm&status=active&limit=1", "org:xm-gaj"),
        ("/v1/members?org=xm-gaj&status=active", member.as_str()),
        ("/v1/proposals?org=xm&status=open", "proposal:1"),
        ("/v1/catalog/entries?org=xm-scjg&status=published", &format!("catalog_entry:{CODE}")),
        ("/v1/resources?org=xm-scjg", "resource:1"),
        ("/v1/share-requests?org=xm-gaj&status=granted", "share_request:1"),
        ("/v1/grants?org=xm-scjg&status=revoked", "grant:1"),
        ("/v1/access-events?org=xm-gaj&status=violation", "access_event:1"),
        ("/v1/violations?org=xm-gaj&status=no-grant", "violation:1"),
        ("/v1/quality-reports?org=xm-scjg&status=reported", "quality_report:1"),
        ("/v1/property/applications?org=xm-scjg&status=certified", "application:1"),
        ("/v1/property/objections?org=xm-gaj&status=dismissed", "objection:1"),
        ("/v1/property/certificates?org=xm&status=active", &format!("certificate:{CERTIFICATE}")),
        ("/v1/obligations?org=xm-scjg&status=open", "obligation:1"),
    ]
    .into_iter()
    .map(|(uri, key)| (uri.to_owned(), key.to_owned()))
    .collect()
}

#[tokio::test]
async fn every_list_route_filters_by_org_and_status() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    for (uri, key) in lists() {
        let (status, _, page) = get(&app, &uri).await;
        let (other_status, _, other_org) = get(&app, &uri.replace("org=", "org=nobody&x=")).await;
        let (_, _, unfiltered) = get(&app, uri.split('?').next().expect("a path")).await;

        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        assert_eq!(keys(&page), [key.as_str()], "{uri}");
        assert_eq!(other_status, StatusCode::BAD_REQUEST, "{uri}: unknown parameter `x`");
        assert!(other_org["detail"].as_str().is_some_and(|d| d.contains("x")), "{uri}");
        assert!(keys(&unfiltered).contains(&key.as_str()), "{uri}: {unfiltered}");
    }
}

#[tokio::test]
async fn every_record_route_answers_the_record_and_a_problem_for_a_missing_or_malformed_id() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let cases = [
        ("/v1/orgs", "xm-gaj", "no-such-org", "bad%20id"),
        ("/v1/members", MEMBER, &"00".repeat(32), "zz"),
        ("/v1/proposals", "1", "2", "one"),
        ("/v1/catalog/entries", CODE, "350200-xm-scjg-0009", "a%20b"),
        ("/v1/resources", "1", "2", "-1"),
        ("/v1/share-requests", "1", "2", "x"),
        ("/v1/grants", "1", "2", "1.5"),
        ("/v1/access-events", "1", "2", "x"),
        ("/v1/violations", "1", "2", "x"),
        ("/v1/quality-reports", "1", "2", "x"),
        ("/v1/property/applications", "1", "2", "x"),
        ("/v1/property/objections", "1", "2", "x"),
        ("/v1/property/certificates", CERTIFICATE, "350200-2026-000002X", "a%20b"),
        ("/v1/obligations", "1", "2", "x"),
    ];

    for (base, present, missing, malformed) in cases {
        let (found, _, view) = get(&app, &format!("{base}/{present}")).await;
        let (absent, kind, problem) = get(&app, &format!("{base}/{missing}")).await;
        let (bad, _, refusal) = get(&app, &format!("{base}/{malformed}")).await;
        let (unknown, _, _) = get(&app, &format!("{base}/{present}?heigth=1")).await;

        assert_eq!(found, StatusCode::OK, "{base}/{present}: {view}");
        assert_eq!(view["height"], 1, "{base}");
        assert!(view["key"].as_str().is_some_and(|key| key.ends_with(present)), "{base}: {view}");
        assert_eq!(absent, StatusCode::NOT_FOUND, "{base}/{missing}: {problem}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(problem["type"], "/problems/not-found");
        assert_eq!(bad, StatusCode::BAD_REQUEST, "{base}/{malformed}: {refusal}");
        assert_eq!(unknown, StatusCode::BAD_REQUEST, "{base}: unknown parameter");
    }
}

#[tokio::test]
async fn a_record_read_at_an_earlier_height_has_its_value_of_then() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    let (_, _, now) = get(&app, "/v1/grants/1").await;
    let (_, _, then) = get(&app, "/v1/grants/1?height=0").await;
    let (_, _, active_then) = get(&app, "/v1/grants?status=active&height=0").await;
    let (_, _, active_now) = get(&app, "/v1/grants?status=active").await;
    let (above, _, problem) = get(&app, "/v1/grants/1?height=2").await;

    assert_eq!(now["record"]["status"]["status"], "revoked");
    assert_eq!(then["record"]["status"]["status"], "active");
    assert_eq!(then["height"], 0);
    assert_eq!(keys(&active_then), ["grant:1"]);
    assert!(keys(&active_now).is_empty());
    assert_eq!(above, StatusCode::NOT_FOUND);
    assert_eq!(problem["type"], "/problems/no-block-yet", "{problem}");
    assert_eq!(problem["detail"], "no block at height 2 yet");
}

#[tokio::test]
async fn bad_paging_gets_a_problem_naming_the_parameter() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let (_, _, first) = get(&app, "/v1/orgs?limit=1").await;
    let org_cursor = first["next"].as_str().expect("a next page").to_owned();
    let cases = [
        ("/v1/grants?limit=0", "limit"),
        ("/v1/grants?limit=101", "limit"),
        ("/v1/grants?limit=ten", "limit"),
        ("/v1/grants?cursor=zz", "cursor"),
        ("/v1/grants?status=granted", "status"),
        ("/v1/grants?height=-1", "height"),
        ("/v1/grants?org=a%20b", "org"),
        ("/v1/grants?to=9223372036854775808", "to"),
        ("/v1/grants?from=9223372036854775808", "from"),
        ("/v1/grants?page=2", "page"),
        ("/v1/timeline/grant:1?limit=0", "limit"),
        ("/v1/timeline/grant:1?cursor=0x", "cursor"),
        ("/v1/search", "q"),
        ("/v1/obligations/overdue", "org"),
        ("/v1/obligations/overdue?org=xm&at=soon", "at"),
        ("/v1/obligations/overdue?org=xm&at=9223372036854775808", "at"),
    ];

    let no_position = [
        format!("/v1/grants?cursor={org_cursor}"),
        "/v1/grants?cursor=0700".to_owned(),
        "/v1/timeline/grant:1?cursor=00".to_owned(),
    ];

    for uri in no_position {
        let (status, kind, problem) = get(&app, &uri).await;

        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {problem}");
        assert_eq!(kind, "application/problem+json", "{uri}");
        assert_eq!(problem["type"], "/problems/cursor-unknown", "{uri}: {problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("names no position in this listing"), "{uri}: {detail}");
    }
    for (uri, parameter) in cases {
        let (status, kind, problem) = get(&app, uri).await;

        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {problem}");
        assert_eq!(kind, "application/problem+json", "{uri}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(parameter), "{uri}: {detail}");
    }
}

#[tokio::test]
async fn a_list_of_more_than_a_hundred_pages_through_with_no_gap_and_no_duplicate() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    test_utils::init(&store, vec![]);
    let grants = (1..=130)
        .map(|id| entry(RecordKey::Grant(GrantId(id)), &test_utils::grant(id, "xm-gaj")))
        .collect();
    commit(&store, grants, vec![]);
    let app = app_over(Arc::new(store));

    let (_, _, first) = get_anonymous(&app, "/v1/grants?limit=100").await;
    let next = first["next"].as_str().expect("a second page");
    let (_, _, second) = get_anonymous(&app, &format!("/v1/grants?limit=100&cursor={next}")).await;

    let seen: Vec<&str> = keys(&first).into_iter().chain(keys(&second)).collect();
    let expected: Vec<String> = (1..=130).map(|id| format!("grant:{id}")).collect();
    assert_eq!(seen, expected);
    assert!(second.get("next").is_none(), "{second}");
}

#[tokio::test]
async fn catalog_versions_timelines_search_and_overdue_duties_answer() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    let (_, _, versions) = get(&app, &format!("/v1/catalog/entries/{CODE}/versions")).await;
    let (_, _, timeline) = get(&app, "/v1/timeline/grant:1").await;
    let (_, _, org_timeline) = get(&app, "/v1/timeline/org:xm-gaj").await;
    let (bad_key, _, _) = get(&app, "/v1/timeline/policy").await;
    let (_, _, by_code) = get(&app, &format!("/v1/search?q={CODE}")).await;
    let (_, _, by_number) = get(&app, &format!("/v1/search?q={CERTIFICATE}")).await;
    let (_, _, by_height) = get(&app, "/v1/search?q=1").await;
    let (_, _, overdue_later) =
        get(&app, "/v1/obligations/overdue?org=xm-scjg&at=1767196810000").await;
    let (_, _, overdue_now) = get(&app, "/v1/obligations/overdue?org=xm-scjg").await;

    assert_eq!(versions["versions"].as_array().map(Vec::len), Some(2));
    assert_eq!(versions["published"], 2);
    assert_eq!(timeline["items"].as_array().map(Vec::len), Some(1), "{timeline}");
    assert_eq!(timeline["items"][0]["height"], 1);
    assert_eq!(org_timeline["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(bad_key, StatusCode::BAD_REQUEST);
    assert_eq!(by_code[0]["key"], format!("catalog_entry:{CODE}"));
    assert_eq!(by_number[0]["key"], format!("certificate:{CERTIFICATE}"));
    assert!(by_height.as_array().is_some_and(|hits| hits.iter().any(|hit| hit["hit"] == "block")));
    assert!(
        by_height.as_array().is_some_and(|hits| hits.iter().any(|hit| hit["key"] == "grant:1"))
    );
    assert_eq!(overdue_later["obligations"].as_array().map(Vec::len), Some(1), "{overdue_later}");
    assert_eq!(overdue_now["obligations"].as_array().map(Vec::len), Some(0), "{overdue_now}");
}

/// The API's state over a store of the dev genesis and one block, committed by every dev
/// validator with its certificate, whose one tx (nonce 1 of `xm-dsj/admin`) registers the member
/// it gives, a data user of `xm-dsj`.
pub(crate) fn dev_chain_of_one_member(dir: &tempfile::TempDir) -> (ApiState, PublicKey) {
    let (state, new_member, _) = dev_chain_of_one_member_in_store(dir);
    (state, new_member)
}

/// As [`dev_chain_of_one_member`], with the store the state reads.
pub(crate) fn dev_chain_of_one_member_in_store(
    dir: &tempfile::TempDir,
) -> (ApiState, PublicKey, Arc<Store>) {
    use onebook_consensus::Application as _;
    use onebook_genesis::{GenesisFile, dev_secret};
    use onebook_types::{
        action::Action,
        block::{CommitCertificate, CommitSignature, CommitVote},
        codec,
        consortium::Role,
        ids::Nonce,
        tx::TxBody,
    };
    let genesis =
        GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
            .expect("the dev genesis is valid");
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    store.init_genesis_state(genesis.hash(), genesis.initial_state()).expect("genesis");
    let store = Arc::new(store);
    let mempool =
        Arc::new(Mutex::new(Mempool::new(MempoolConfig::default(), genesis.chain_id.clone())));
    // The dev genesis time (`genesis/networks/dev.json`) plus an hour.
    let dev_clock = || Timestamp(1_767_196_800_000 + 3_600_000);
    let mut chain = Chain::new(
        Arc::clone(&store),
        mempool,
        genesis.chain_id.clone(),
        genesis.genesis_time,
        ChainConfig::default(),
        dev_clock,
    );
    let admin = dev_secret("xm-dsj/admin");
    let new_member = dev_secret("query-test-member").public_key();
    let body = TxBody {
        chain_id: genesis.chain_id.clone(),
        signer: admin.public_key(),
        nonce: Nonce(1),
        valid_until: Height(100),
        action: Action::RegisterMember {
            key: new_member,
            name: "网关".into(),
            roles: vec![Role::DataUser],
        },
    };
    chain.admit(&codec::encode(&body.sign(&admin))).expect("admitted");
    let time = Timestamp(genesis.genesis_time.0 + 1_000);
    let block =
        chain.propose(Height(1), time, dev_secret("xm-dsj/node").public_key()).expect("proposes");
    let vote = CommitVote {
        chain_id: genesis.chain_id.clone(),
        genesis_hash: genesis.hash(),
        height: Height(1),
        round: 0,
        block_hash: block.header.hash(),
    };
    let mut signatures: Vec<CommitSignature> = ["fj-sjj", "xm-dsj", "xm-gaj", "xm-scjg"]
        .iter()
        .map(|org| {
            let key = dev_secret(&format!("{org}/node"));
            CommitSignature {
                node_key: key.public_key(),
                signature: key.sign(vote.signing_digest().as_bytes()),
            }
        })
        .collect();
    signatures.sort_by_key(|signature| signature.node_key);
    chain.commit(block, CommitCertificate { vote, signatures }).expect("commits");
    let state = ApiState::new(Arc::clone(&store), chain.gate(), genesis.chain_id);
    (state, new_member, store)
}

#[tokio::test]
async fn a_member_registered_by_a_committed_block_is_listed_under_its_org_from_that_height() {
    let dir = tempfile::tempdir().expect("dir");
    let (state, new_member) = dev_chain_of_one_member(&dir);
    let app = router(state);
    let member_key = format!("member:{}", new_member.to_hex());

    let (_, _, before) = get_anonymous(&app, "/v1/members?org=xm-dsj&height=0&limit=100").await;
    let (_, _, after) = get_anonymous(&app, "/v1/members?org=xm-dsj&limit=100").await;
    let (_, _, orgs) = get_anonymous(&app, "/v1/orgs?limit=100").await;
    let (found, _, _) = get_anonymous(&app, &format!("/v1/members/{}", new_member.to_hex())).await;
    let (_, _, timeline) = get_anonymous(&app, "/v1/timeline/org:xm-dsj").await;

    assert!(!keys(&before).contains(&member_key.as_str()), "{before}");
    assert!(keys(&after).contains(&member_key.as_str()), "{after}");
    assert_eq!(keys(&after).len(), keys(&before).len() + 1);
    assert!(keys(&orgs).contains(&"org:xm-dsj"), "{orgs}");
    assert_eq!(found, StatusCode::OK);
    assert_eq!(timeline["items"][0]["action"], "register_member", "{timeline}");
    assert_eq!(timeline["items"][0]["code"], 0);
}

/// [`app`]'s store with the records of the grant lifecycle and open-data development too.
fn lifecycle_app(dir: &tempfile::TempDir) -> axum::Router {
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    let mut records = every_kind();
    records.extend(test_utils::lifecycle_kinds());
    records.push(entry(RecordKey::Policy, &test_utils::policy()));
    records.push(entry(RecordKey::Org("xm-sjj".into()), &test_utils::org("xm-sjj", None)));
    records.push(auditor().1);
    test_utils::init(&store, records);
    app_over(Arc::new(store))
}

#[tokio::test]
async fn the_lifecycle_records_are_listed_filtered_and_read_by_id_as_of_a_height() {
    let dir = tempfile::tempdir().expect("dir");
    let app = lifecycle_app(&dir);
    let product = "0d".repeat(32);
    let product_key = format!("product:{product}");
    let lists = [
        ("/v1/grant-close-outs?org=xm-gaj&status=late", "grant_close_out:1"),
        ("/v1/grant-close-outs?under=grant:1", "grant_close_out:1"),
        ("/v1/open-data-plans?org=xm-scjg", "open_data_plan:1"),
        ("/v1/open-data-plans?year=2026", "open_data_plan:1"),
        ("/v1/scenarios?org=xm&status=approved", "scenario:1"),
        ("/v1/development-grants?org=xm-gaj", "development_grant:1"),
        ("/v1/development-grants?under=scenario:1", "development_grant:1"),
        ("/v1/products?org=xm-gaj", &product_key),
        ("/v1/products?under=development_grant:1", &product_key),
        ("/v1/products?under=resource:1", &product_key),
        ("/v1/resources/1/products", &product_key),
    ];
    for (uri, key) in lists {
        let (status, _, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        assert_eq!(keys(&page), [key], "{uri}");
    }
    let empty = [
        "/v1/grant-close-outs?status=on-time",
        "/v1/open-data-plans?year=2025",
        "/v1/products?under=resource:2",
        "/v1/scenarios?status=returned",
    ];
    for uri in empty {
        let (status, _, page) = get(&app, uri).await;
        assert_eq!((status, keys(&page).len()), (StatusCode::OK, 0), "{uri}: {page}");
    }
    let ones = [
        ("/v1/grant-close-outs/1?height=0", "grant_close_out"),
        ("/v1/open-data-plans/1", "open_data_plan"),
        ("/v1/scenarios/1", "scenario"),
        ("/v1/development-grants/1?height=0", "development_grant"),
        (&format!("/v1/products/{product}") as &str, "product"),
    ];
    for (uri, kind) in ones {
        let (status, _, view) = get_anonymous(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {view}");
        assert_eq!(view["kind"], kind, "{uri}");
    }

    // Which products were built from this resource, by whom, under which approval: one call.
    let (_, _, built) = get_anonymous(&app, "/v1/resources/1/products").await;
    let item = &built["items"][0]["record"];
    assert_eq!((item["developer"].as_str(), item["grant"].as_u64()), (Some("xm-gaj"), Some(1)));
    let (status, _, _) = get_anonymous(&app, "/v1/resources/99/products").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A grant shows its place in the chain of onward grants; the policy its lifecycle.
    let (_, _, grant) = get_anonymous(&app, "/v1/grants/1").await;
    assert_eq!(grant["lineage"]["children"], serde_json::json!([2]), "{grant}");
    let (_, _, policy) = get_anonymous(&app, "/v1/policy").await;
    assert_eq!(policy["lifecycle"]["close_out_working_days"], 5, "{policy}");
}

#[tokio::test]
async fn a_scenario_under_review_is_read_only_by_its_parties_and_auditors() {
    let dir = tempfile::tempdir().expect("dir");
    let app = lifecycle_app(&dir);

    let (anonymous, _, _) = get_anonymous(&app, "/v1/scenarios/2").await;
    let (audited, _, view) = get(&app, "/v1/scenarios/2").await;
    let (_, _, listed) = get_anonymous(&app, "/v1/scenarios").await;
    let (_, _, audited_list) = get(&app, "/v1/scenarios").await;

    assert_eq!(anonymous, StatusCode::UNAUTHORIZED, "an anonymous reader is asked to sign");
    assert_eq!(
        (audited, view["record"]["status"]["status"].as_str()),
        (StatusCode::OK, Some("under-review"))
    );
    assert_eq!(keys(&listed), ["scenario:1"], "the list leaves the unapproved one out");
    assert_eq!(keys(&audited_list), ["scenario:1", "scenario:2"]);
}

#[tokio::test]
async fn a_year_or_an_under_filter_a_list_does_not_have_is_bad_input() {
    let dir = tempfile::tempdir().expect("dir");
    let app = lifecycle_app(&dir);

    for uri in [
        "/v1/grants?year=2026",
        "/v1/products?under=grant:1",
        "/v1/products/zz",
        "/v1/open-data-plans?year=x",
    ] {
        let (status, _, problem) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {problem}");
    }
}
