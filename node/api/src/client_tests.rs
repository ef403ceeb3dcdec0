//! `onebook_query::HttpQuery` against the real router served on a loopback socket, over a real
//! store: every `LedgerQuery` method answers over HTTP exactly what `StoreQuery` answers from the
//! store (records of every kind, pages, timelines, search, overdue duties, events, bad input),
//! signed reads open restricted records to the members they concern, and a node that is gone or
//! silent is unavailable.

use std::{fmt::Debug, net::SocketAddr, sync::Arc, time::Duration};

use onebook_query::{
    CountParams, EventParams, HttpQuery, LedgerQuery, ListParams, PageParams, QueryError,
    RecordKind, Side, StoreQuery, TxStatusView,
    test_utils::{self, block_time, commit, commit_events, entry, event, every_kind},
};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    consortium::Role,
    ids::{AccessEventId, CatalogCode, GrantId, Height, OrgId, ShareRequestId, Timestamp},
    keys::{PublicKey, SecretKey},
    record::RecordKey,
    sharing_records::GrantStatus,
};
use tokio::{sync::oneshot, task::JoinHandle};

const CODE: &str = "350200-xm-scjg-0001";
const CERTIFICATE: &str = "350200-2026-000001X";

/// The auditor of `xm-sjj`, who may read every record; the remote side of the fixture reads
/// with its key so that both sides see the same records.
fn auditor() -> (SecretKey, (RecordKey, Vec<u8>)) {
    test_utils::reader(0x61, "xm-sjj", vec![Role::Auditor])
}

/// A data user of `xm-gaj`: the accessing org of access event 1.
fn gaj_user() -> (SecretKey, (RecordKey, Vec<u8>)) {
    test_utils::reader(0x62, "xm-gaj", vec![Role::DataUser])
}

/// A data user of `xm-a`, an org no restricted record names.
fn outsider() -> (SecretKey, (RecordKey, Vec<u8>)) {
    test_utils::reader(0x63, "xm-a", vec![Role::DataUser])
}

/// A store of four blocks over `every_kind` (plus org `xm-sjj`, five more orgs under `xm` and
/// the readers): grant 1 revoked at height 1, three events in two txs at height 2, grants 2 to 6
/// at height 3, one event at height 4.
fn store(dir: &tempfile::TempDir) -> Arc<Store> {
    let store = Store::open(&StoreConfig::new(dir.path())).expect("store opens");
    let mut records = every_kind();
    records.extend(test_utils::lifecycle_kinds());
    records.push(entry(RecordKey::Org("xm-sjj".into()), &test_utils::org("xm-sjj", None)));
    for org in ["xm-a", "xm-b", "xm-c", "xm-d", "xm-e"] {
        records.push(entry(RecordKey::Org(org.into()), &test_utils::org(org, Some("xm"))));
    }
    records.extend([auditor().1, gaj_user().1, outsider().1]);
    test_utils::init(&store, records);
    let mut revoked = test_utils::grant(1, "xm-gaj");
    revoked.status = GrantStatus::Revoked { at: block_time(Height(1)), reason: "期满".into() };
    commit(&store, vec![entry(RecordKey::Grant(GrantId(1)), &revoked)], vec!["xm-gaj".into()]);
    commit_events(
        &store,
        vec![
            vec![
                event("member.registered", &[("org", "xm-gaj")]),
                event("grant.issued", &[("grantee", "xm-gaj"), ("provider", "xm-scjg")]),
            ],
            vec![event("resource.registered", &[("org", "xm-scjg")])],
        ],
    );
    let grants = (2..=6)
        .map(|id| entry(RecordKey::Grant(GrantId(id)), &test_utils::grant(id, "xm-gaj")))
        .collect();
    commit(&store, grants, vec!["xm-gaj".into(), "xm-scjg".into()]);
    commit_events(&store, vec![vec![event("member.registered", &[("org", "xm-a")])]]);
    Arc::new(store)
}

/// The router served on a loopback port until [`Served::stop`].
struct Served {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Served {
    async fn start(app: axum::Router) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("bound");
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    stopped.await.ok();
                })
                .await
                .expect("the API serves");
        });
        Self { addr, shutdown: Some(shutdown), task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, closes every connection and waits until the server is gone.
    async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).ok();
        }
        tokio::time::timeout(Duration::from_secs(30), &mut self.task)
            .await
            .expect("the server stops")
            .expect("the server task ends cleanly");
    }
}

/// The same store read in process and through the served API (signed by [`auditor`]).
struct Fixture {
    local: StoreQuery,
    remote: HttpQuery,
    anonymous: HttpQuery,
    served: Served,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let served = Served::start(crate::record_tests::app_over(Arc::clone(&store))).await;
    let anonymous = HttpQuery::new(&served.url()).expect("a base URL");
    Fixture {
        local: StoreQuery::new(store),
        remote: anonymous.with_reader(auditor().0),
        anonymous,
        served,
        _dir: dir,
    }
}

/// What a query answered, with an error as its message (which names the parameter).
fn outcome<T>(result: Result<T, QueryError>) -> Result<T, String> {
    result.map_err(|error| match error {
        QueryError::BadInput { .. } => error.to_string(),
        other => format!("not bad input: {other}"),
    })
}

/// Asserts that `$call` on `$q` answers the same over HTTP as from the store; gives the store's
/// answer.
macro_rules! same {
    ($fixture:expr, |$q:ident| $call:expr) => {{
        let local = {
            let $q = &$fixture.local;
            $call.await
        };
        let remote = {
            let $q = &$fixture.remote;
            $call.await
        };
        let local = outcome(local);
        assert_eq!(outcome(remote), local, "{}", stringify!($call));
        local
    }};
}

/// The listed keys of `every_kind` and the grants added later.
fn listed_keys() -> Vec<RecordKey> {
    let mut keys: Vec<RecordKey> = every_kind()
        .into_iter()
        .chain(test_utils::lifecycle_kinds())
        .map(|(key, _)| key)
        .filter(|key| RecordKind::of(key).is_some())
        .collect();
    keys.extend((2..=7).map(|id| RecordKey::Grant(GrantId(id))));
    keys.push(RecordKey::Org("no-such-org".into()));
    keys
}

fn expect_ok<T: Debug>(result: Result<T, String>) -> T {
    result.expect("the query answers")
}

/// Whether `result` is the refusal of a read for its `Authorization` (a 401 or 403).
fn refused<T>(result: &Result<T, QueryError>) -> bool {
    matches!(result, Err(QueryError::BadInput { parameter: "authorization", .. }))
}

fn unavailable<T>(result: &Result<T, QueryError>) -> bool {
    matches!(result, Err(QueryError::Unavailable { .. }))
}

#[tokio::test]
async fn every_record_of_every_kind_reads_the_same_at_the_tip_and_at_past_heights() {
    let fixture = fixture().await;

    let mut found = 0;
    for key in listed_keys() {
        for height in [None, Some(Height(0)), Some(Height(2))] {
            let view = expect_ok(same!(fixture, |q| q.record(key.clone(), height)));
            found += usize::from(view.is_some());
        }
    }

    let missing = fixture.remote.record(RecordKey::Grant(GrantId(99)), None).await;
    assert!(matches!(missing, Ok(None)), "{missing:?}");
    assert!(found > 3 * 14, "most keys name a record: {found}");
}

#[tokio::test]
async fn every_list_reads_the_same_page_by_page_with_filters_and_as_of_a_height() {
    let fixture = fixture().await;
    let filters = [
        (RecordKind::Org, Some("xm"), Some("active")),
        (RecordKind::Member, Some("xm-gaj"), Some("active")),
        (RecordKind::Proposal, Some("xm"), Some("open")),
        (RecordKind::CatalogEntry, Some("xm-scjg"), Some("published")),
        (RecordKind::Resource, Some("xm-scjg"), None),
        (RecordKind::ShareRequest, Some("xm-gaj"), Some("granted")),
        (RecordKind::Grant, Some("xm-scjg"), Some("active")),
        (RecordKind::AccessEvent, Some("xm-gaj"), Some("violation")),
        (RecordKind::Violation, Some("xm-gaj"), Some("no-grant")),
        (RecordKind::QualityReport, Some("xm-scjg"), Some("reported")),
        (RecordKind::Application, Some("xm-scjg"), Some("certified")),
        (RecordKind::Objection, Some("xm-gaj"), Some("dismissed")),
        (RecordKind::Certificate, Some("xm"), Some("active")),
        (RecordKind::Obligation, Some("xm-scjg"), Some("open")),
        (RecordKind::GrantCloseOut, Some("xm-gaj"), Some("late")),
        (RecordKind::OpenDataPlan, Some("xm-scjg"), None),
        (RecordKind::Scenario, Some("xm-gaj"), Some("approved")),
        (RecordKind::DevelopmentGrant, Some("xm"), None),
        (RecordKind::Product, Some("xm-gaj"), None),
        (RecordKind::PublishedReport, Some("xm-dsj"), None),
    ];
    assert_eq!(filters.len(), RecordKind::ALL.len(), "every kind is listed");

    let mut pages = 0;
    for (kind, org, status) in filters {
        let filtered = |height: Option<u64>| ListParams {
            org: org.map(OrgId::from),
            status: status.map(str::to_owned),
            height: height.map(Height),
            page: PageParams { cursor: None, limit: Some(2) },
            ..ListParams::default()
        };
        for params in [ListParams::default(), filtered(None), filtered(Some(0))] {
            let mut params =
                ListParams { page: PageParams { limit: Some(2), ..params.page }, ..params };
            for _ in 0..20 {
                let page = expect_ok(same!(fixture, |q| q.records(kind, params.clone())));
                pages += 1;
                let Some(next) = page.next else { break };
                params.page.cursor = Some(next);
            }
        }
    }

    let ranged = |from, to| ListParams {
        from: Some(block_time(Height(from))),
        to: Some(block_time(Height(to))),
        ..ListParams::default()
    };
    let in_range = expect_ok(same!(fixture, |q| q.records(RecordKind::Grant, ranged(3, 4))));
    assert_eq!(in_range.items.len(), 5, "grants 2 to 6, created in block 3");
    // Grant 1 is of the genesis (time 0), though block 1 was the first tx to touch it.
    let touched = expect_ok(same!(fixture, |q| q.records(RecordKind::Grant, ranged(1, 3))));
    assert!(touched.items.is_empty(), "{touched:?}");
    for (from, to) in [(3, 3), (3, 1)] {
        let empty = expect_ok(same!(fixture, |q| q.records(RecordKind::Grant, ranged(from, to))));
        assert!(empty.items.is_empty() && empty.next.is_none(), "an empty interval: {empty:?}");
    }

    let under = |key: RecordKey| ListParams { under: Some(key), ..ListParams::default() };
    let entry = RecordKey::CatalogEntry(CatalogCode::from("350200-xm-scjg-0001"));
    let resources =
        expect_ok(same!(fixture, |q| q.records(RecordKind::Resource, under(entry.clone()))));
    let request = RecordKey::ShareRequest(ShareRequestId(1));
    let answered =
        expect_ok(same!(fixture, |q| q.records(RecordKind::Grant, under(request.clone()))));
    let elsewhere = RecordKey::CatalogEntry(CatalogCode::from("350200-xm-scjg-0009"));
    let none =
        expect_ok(same!(fixture, |q| q.records(RecordKind::Resource, under(elsewhere.clone()))));
    assert_eq!(
        resources.items.iter().map(|view| view.key.as_str()).collect::<Vec<_>>(),
        ["resource:1"]
    );
    assert_eq!(
        answered.items.iter().map(|view| view.key.as_str()).collect::<Vec<_>>(),
        ["grant:1"]
    );
    assert!(none.items.is_empty());

    let grants = fixture.remote.records(RecordKind::Grant, ListParams::default()).await;
    let grants = grants.expect("grants list");
    assert_eq!(grants.items.len(), 6, "grant 1 and grants 2 to 6");
    assert!(pages > 3 * 14, "orgs and grants span several pages: {pages}");
}

#[tokio::test]
async fn timelines_search_overdue_duties_and_the_tip_read_the_same() {
    let fixture = fixture().await;
    let subjects = [
        RecordKey::Grant(GrantId(1)),
        RecordKey::Grant(GrantId(3)),
        RecordKey::Org("xm-gaj".into()),
        RecordKey::Org("xm-scjg".into()),
        RecordKey::AccessEvent(AccessEventId(1)),
        RecordKey::CatalogEntry(CatalogCode::from(CODE)),
    ];

    let tip = expect_ok(same!(fixture, |q| q.tip()));
    let mut tx_hashes = Vec::new();
    for subject in subjects {
        let mut page = PageParams { cursor: None, limit: Some(1) };
        for _ in 0..10 {
            let entries = expect_ok(same!(fixture, |q| q.timeline(subject.clone(), page.clone())));
            tx_hashes.extend(entries.items.iter().map(|entry| entry.tx_hash));
            let Some(next) = entries.next else { break };
            page.cursor = Some(next);
        }
    }
    let texts = [
        "1".to_owned(),
        "3".to_owned(),
        " grant:2 ".to_owned(),
        "xm-gaj".to_owned(),
        CODE.to_owned(),
        CERTIFICATE.to_owned(),
        PublicKey([3; 32]).to_hex(),
        tip.block_hash.to_hex(),
        tx_hashes.first().expect("grant 1 has a tx").to_hex(),
        "无此记录".to_owned(),
    ];
    for text in texts {
        expect_ok(same!(fixture, |q| q.search(text.clone())));
    }
    let due = block_time(Height(3));
    for (org, at, height) in [
        ("xm-scjg", None, None),
        ("xm-scjg", Some(Timestamp(due.0 + 1)), Some(Height(2))),
        ("xm-scjg", None, Some(Height(2))),
        ("xm-gaj", None, None),
    ] {
        expect_ok(same!(fixture, |q| q.overdue_obligations(OrgId::from(org), at, height)));
    }

    assert_eq!(tip.height, 4);
    assert!(tx_hashes.len() >= 4, "the timelines hold txs: {tx_hashes:?}");
    let overdue =
        fixture.remote.overdue_obligations(OrgId::from("xm-scjg"), None, None).await.expect("ok");
    assert_eq!(overdue.obligations.len(), 1, "obligation 1 was due at height 3");
}

#[tokio::test]
async fn events_read_the_same_page_by_page_and_filtered() {
    let fixture = fixture().await;
    let cursor = |text: &str| Some(text.parse().expect("a cursor"));
    let filters = [
        EventParams::default(),
        EventParams { kind: Some("member.registered".into()), ..EventParams::default() },
        EventParams { org: Some(OrgId::from("xm-gaj")), ..EventParams::default() },
        EventParams { after: cursor("2-0-0"), ..EventParams::default() },
        EventParams { after: cursor("900-0-0"), ..EventParams::default() },
    ];

    let mut seen = 0;
    for filter in filters {
        let mut params = EventParams { limit: Some(2), ..filter };
        for _ in 0..10 {
            let page = expect_ok(same!(fixture, |q| q.events(params.clone())));
            seen += page.items.len();
            if page.items.is_empty() {
                break;
            }
            params.after = Some(page.next);
        }
    }

    assert_eq!(seen, 4 + 2 + 2 + 3, "all, member.registered, naming xm-gaj, after 2-0-0");
}

#[tokio::test]
async fn blocks_their_txs_and_the_validator_set_read_the_same() {
    let fixture = fixture().await;

    let mut tx_hashes = Vec::new();
    for height in 0..=5 {
        let block = expect_ok(same!(fixture, |q| q.block(Height(height))));
        tx_hashes.extend(block.map(|block| block.tx_hashes).unwrap_or_default());
    }
    for cursor in [None, Some("2".to_owned()), Some("99".to_owned())] {
        let mut page = PageParams { cursor, limit: Some(2) };
        for _ in 0..10 {
            let blocks = expect_ok(same!(fixture, |q| q.blocks(page.clone())));
            let Some(next) = blocks.next else { break };
            page.cursor = Some(next);
        }
    }
    let mut txs = 0;
    for height in 0..=4 {
        let mut page = PageParams { cursor: None, limit: Some(1) };
        for _ in 0..10 {
            let block_txs =
                expect_ok(same!(fixture, |q| q.block_txs(Height(height), page.clone())));
            txs += block_txs.items.len();
            let Some(next) = block_txs.next else { break };
            page.cursor = Some(next);
        }
    }
    for hash in tx_hashes.iter().copied().chain([onebook_types::hash::Hash32([0xee; 32])]) {
        expect_ok(same!(fixture, |q| q.tx(hash)));
    }
    for height in [None, Some(Height(0)), Some(Height(4))] {
        expect_ok(same!(fixture, |q| q.validators(height)));
    }
    let bad_cursor = PageParams { cursor: Some("x".into()), limit: None };
    same!(fixture, |q| q.blocks(bad_cursor.clone())).expect_err("a cursor is a height");
    same!(fixture, |q| q.block_txs(Height(2), bad_cursor.clone())).expect_err("not a position");
    let past_end = PageParams { cursor: Some("99".into()), limit: None };
    let past_end = expect_ok(same!(fixture, |q| q.block_txs(Height(2), past_end.clone())));
    let validators_above = fixture.remote.validators(Some(Height(9))).await;
    same!(fixture, |q| q.validators(Some(Height(9)))).expect_err("above the tip");
    same!(fixture, |q| q.block_txs(Height(9), PageParams::default())).expect_err("above the tip");
    let above_tip = fixture.remote.block_txs(Height(9), PageParams::default()).await;
    let block_above = expect_ok(same!(fixture, |q| q.block(Height(9))));

    assert_eq!(tx_hashes.len(), 5, "one tx at heights 1 and 3, two and one at heights 2 and 4");
    assert_eq!(txs, 5);
    assert!(past_end.items.is_empty() && past_end.next.is_none(), "{past_end:?}");
    assert!(matches!(above_tip, Err(QueryError::NoBlockYet { height: 9 })), "{above_tip:?}");
    assert!(
        matches!(validators_above, Err(QueryError::NoBlockYet { height: 9 })),
        "{validators_above:?}"
    );
    assert_eq!(block_above, None, "no block at a height above the tip");
}

#[tokio::test]
async fn bad_input_is_the_same_error_naming_the_same_parameter() {
    let fixture = fixture().await;
    let limit = |limit| ListParams {
        page: PageParams { cursor: None, limit: Some(limit) },
        ..ListParams::default()
    };
    let first_org = fixture.local.records(RecordKind::Org, limit(1)).await.expect("orgs");
    let org_cursor = first_org.next.expect("a second page of orgs");
    let lists = [
        (RecordKind::Grant, limit(0)),
        (RecordKind::Grant, limit(101)),
        (RecordKind::Grant, ListParams { status: Some("granted".into()), ..ListParams::default() }),
        (RecordKind::Grant, ListParams { org: Some(OrgId::from("a b")), ..ListParams::default() }),
        (
            RecordKind::Grant,
            ListParams {
                page: PageParams { cursor: Some("zz".into()), limit: None },
                ..ListParams::default()
            },
        ),
        (
            RecordKind::Org,
            ListParams { under: Some(RecordKey::Grant(GrantId(1))), ..ListParams::default() },
        ),
        (
            RecordKind::Grant,
            ListParams { under: Some(RecordKey::Grant(GrantId(1))), ..ListParams::default() },
        ),
        (
            RecordKind::Resource,
            ListParams {
                under: Some(RecordKey::CatalogEntry(CatalogCode::from("a b"))),
                ..ListParams::default()
            },
        ),
    ];

    let mut parameters = Vec::new();
    for (kind, params) in lists {
        parameters
            .push(same!(fixture, |q| q.records(kind, params.clone())).expect_err("bad input"));
    }
    let bad_page = PageParams { cursor: Some("0x".into()), limit: None };
    parameters.extend([
        same!(fixture, |q| q.record(RecordKey::Policy, None)).expect_err("bad"),
        same!(fixture, |q| q.record(RecordKey::Org(OrgId::from("a b")), None)).expect_err("bad"),
        same!(fixture, |q| q.timeline(RecordKey::Policy, PageParams::default())).expect_err("bad"),
        same!(fixture, |q| q.timeline(RecordKey::Grant(GrantId(1)), bad_page.clone()))
            .expect_err("bad"),
        same!(fixture, |q| q.search(String::new())).expect_err("bad"),
        same!(fixture, |q| q.search("x".repeat(201))).expect_err("bad"),
        same!(fixture, |q| q.overdue_obligations(OrgId::from("a b"), None, None)).expect_err("bad"),
        same!(fixture, |q| q
            .events(EventParams { kind: Some("Bad Kind".into()), ..EventParams::default() }))
        .expect_err("bad"),
        same!(fixture, |q| q
            .events(EventParams { org: Some(OrgId::from("xm gaj")), ..EventParams::default() }))
        .expect_err("bad"),
        same!(fixture, |q| q.events(EventParams { limit: Some(0), ..EventParams::default() }))
            .expect_err("bad"),
    ]);

    let named: Vec<&str> =
        parameters.iter().map(|message| message.split('`').nth(1).unwrap_or_default()).collect();
    assert_eq!(
        named,
        [
            "limit", "limit", "status", "org", "cursor", "under", "under", "under", "record", "id",
            "record", "cursor", "q", "q", "org", "kind", "org", "limit"
        ]
    );
    // What is not there in terms of the query is the same typed not-found both ways.
    let as_of = |height| ListParams { height: Some(Height(height)), ..ListParams::default() };
    let grant_at_org = ListParams {
        page: PageParams { cursor: Some(org_cursor.clone()), limit: None },
        ..ListParams::default()
    };
    let short = PageParams { cursor: Some("00".into()), limit: None };
    let not_there = [
        same!(fixture, |q| q.records(RecordKind::Grant, as_of(5))).expect_err("above the tip"),
        same!(fixture, |q| q.record(RecordKey::Grant(GrantId(1)), Some(Height(5))))
            .expect_err("above the tip"),
        same!(fixture, |q| q.overdue_obligations(OrgId::from("xm"), None, Some(Height(9))))
            .expect_err("above the tip"),
        same!(fixture, |q| q.records(RecordKind::Grant, grant_at_org.clone()))
            .expect_err("another listing's cursor"),
        same!(fixture, |q| q.timeline(RecordKey::Grant(GrantId(1)), short.clone()))
            .expect_err("a short cursor"),
    ];
    let policy_above = same!(fixture, |q| q.policy(Some(Height(9)))).expect_err("above the tip");
    let yet = |height: u64| format!("not bad input: no block at height {height} yet");
    assert_eq!(not_there[..3], [yet(5), yet(5), yet(9)]);
    assert_eq!(policy_above, yet(9));
    assert!(not_there[3].starts_with(&format!("not bad input: cursor {org_cursor:?} names")));
    assert!(not_there[4].starts_with("not bad input: cursor \"00\" names"), "{}", not_there[4]);
    let under_and_status = ListParams {
        under: Some(RecordKey::ShareRequest(ShareRequestId(1))),
        status: Some("active".into()),
        ..ListParams::default()
    };
    expect_ok(same!(fixture, |q| q.records(RecordKind::Grant, under_and_status.clone())));
    let remote = fixture.remote.records(RecordKind::Grant, limit(0)).await;
    assert!(matches!(remote, Err(QueryError::BadInput { parameter: "limit", .. })), "{remote:?}");
}

#[tokio::test]
async fn restricted_records_need_a_signed_read_by_a_member_they_concern() {
    let fixture = fixture().await;
    let event = RecordKey::AccessEvent(AccessEventId(1));
    let share_request = RecordKey::ShareRequest(ShareRequestId(1));
    let gaj = fixture.anonymous.with_reader(gaj_user().0);
    let outsider = fixture.anonymous.with_reader(outsider().0);
    let stranger = fixture.anonymous.with_reader(SecretKey::from_seed([0x99; 32]));
    let stored = fixture.local.record(event.clone(), None).await.expect("read");

    let anonymous = fixture.anonymous.record(event.clone(), None).await;
    let anonymous_list =
        fixture.anonymous.records(RecordKind::AccessEvent, ListParams::default()).await;
    let by_auditor = fixture.remote.record(event.clone(), None).await;
    let by_member = gaj.record(event.clone(), None).await;
    let by_member_request = gaj.record(share_request.clone(), None).await;
    let by_outsider = outsider.record(event.clone(), None).await;
    let outsider_public = outsider.record(RecordKey::Grant(GrantId(1)), None).await;
    let by_stranger = stranger.record(RecordKey::Grant(GrantId(1)), None).await;

    assert!(stored.is_some());
    assert!(refused(&anonymous), "401 without a key: {anonymous:?}");
    assert!(refused(&anonymous_list), "401 without a key: {anonymous_list:?}");
    assert_eq!(by_auditor.expect("an auditor reads it"), stored);
    assert_eq!(by_member.expect("the accessing org reads it"), stored);
    assert!(by_member_request.expect("the requester reads it").is_some());
    assert!(refused(&by_outsider), "403 to another org: {by_outsider:?}");
    assert!(outsider_public.expect("a public record").is_some());
    assert!(refused(&by_stranger), "401 to a key of no member: {by_stranger:?}");
}

#[tokio::test]
async fn committed_txs_their_proofs_and_the_status_read_over_http() {
    let fixture = fixture().await;
    let store_query = &fixture.local;
    let timeline = store_query
        .timeline(RecordKey::Grant(GrantId(1)), PageParams::default())
        .await
        .expect("timeline");
    let entry = timeline.items.first().expect("grant 1 changed at height 1");

    let status = fixture.remote.status().await.expect("status");
    let committed = fixture.remote.tx_status(entry.tx_hash).await.expect("tx status");
    let unknown = fixture.remote.tx_status(onebook_types::hash::Hash32([0xee; 32])).await;
    // The synthetic chain's blocks have no commit certificate, so there is nothing to prove.
    let no_proof = fixture.remote.tx_proof(entry.tx_hash).await;

    assert_eq!(status.chain_id.as_str(), test_utils::CHAIN_ID);
    assert_eq!(status.height, 4);
    assert_eq!(status.time, block_time(Height(4)).0);
    assert_eq!(status.pending_txs, 0);
    let stored = fixture.local.tx(entry.tx_hash).await.expect("read").expect("committed");
    assert_eq!(committed, Some(TxStatusView::Committed(Box::new(stored))));
    assert!(matches!(unknown, Ok(None)), "{unknown:?}");
    assert!(matches!(no_proof, Ok(None)), "{no_proof:?}");
}

#[tokio::test]
async fn proof_bundles_nonces_and_receipts_of_a_certified_chain_read_over_http() {
    let dir = tempfile::tempdir().expect("dir");
    let (state, member, store) = crate::record_tests::dev_chain_of_one_member_in_store(&dir);
    let served = Served::start(crate::router(state)).await;
    let client = HttpQuery::new(&served.url()).expect("a base URL");
    let admin = onebook_genesis::dev_secret("xm-dsj/admin").public_key();
    let hash = store.block_tx_hashes(Height(1)).expect("read").expect("block 1")[0];
    let member_key = [RecordKey::Member(member)];
    let nobody = [RecordKey::Org("no-such-org".into())];

    let receipt = client.tx_status(hash).await.expect("a status");
    let nonces = client.nonces(admin).await.expect("nonces");
    let tx_proof = client.tx_proof(hash).await.expect("answers");
    let member_proof = client.record_proof(&member_key[0], None, false).await.expect("answers");
    let absence_proof =
        client.record_proof(&nobody[0], Some(Height(1)), true).await.expect("answers");
    let nothing = client.record_proof(&nobody[0], None, false).await.expect("answers");
    let no_access = client.access_proof(AccessEventId(1), None).await;

    let bundle = |bundle: onebook_storage::Result<onebook_verifier::ProofBundle>| {
        Some(bundle.expect("the store proves it").encode())
    };
    let Some(TxStatusView::Committed(view)) = receipt else { panic!("not committed: {receipt:?}") };
    assert_eq!((view.height, view.code), (1, 0));
    assert!(!view.events.is_empty(), "registering a member raises an event");
    let block = client.block(Height(1)).await.expect("a block").expect("block 1");
    assert!(block.certificate.is_some_and(|certificate| !certificate.signatures.is_empty()));
    assert_eq!((nonces.committed, nonces.next), (1, 2));
    assert_eq!(tx_proof, bundle(onebook_storage::bundle_for_tx(&store, &hash)));
    assert_eq!(
        member_proof,
        bundle(onebook_storage::bundle_for_claims(&store, &member_key, false, Height(1)))
    );
    assert_eq!(
        absence_proof,
        bundle(onebook_storage::bundle_for_claims(&store, &nobody, true, Height(1)))
    );
    assert_eq!(nothing, None, "a missing record has no presence proof");
    // There is no access event 1; an anonymous reader is answered as if there were one it may
    // not read, so that it cannot tell which exist.
    assert!(
        matches!(&no_access, Err(QueryError::BadInput { parameter: "authorization", .. })),
        "{no_access:?}"
    );
}

#[tokio::test]
async fn a_node_that_is_gone_or_silent_is_unavailable() {
    let fixture = fixture().await;
    let url = fixture.served.url();
    let before = fixture.remote.tip().await;
    fixture.served.stop().await;
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let silent_url = format!("http://{}", silent.local_addr().expect("bound"));
    // Accepts connections and never answers; the task ends with the test's runtime.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });

    let after = fixture.remote.tip().await;
    let fresh =
        HttpQuery::new(&url).expect("a base URL").record(RecordKey::Grant(GrantId(1)), None).await;
    let timed_out = HttpQuery::new(&silent_url)
        .expect("a base URL")
        .with_timeout(Duration::from_millis(300))
        .events(EventParams::default())
        .await;

    assert!(before.is_ok());
    assert!(unavailable(&after), "a kept connection to a stopped node: {after:?}");
    assert!(unavailable(&fresh), "a new connection to a stopped node: {fresh:?}");
    assert!(unavailable(&timed_out), "a node that never answers: {timed_out:?}");
    let Err(QueryError::Unavailable { reason }) = timed_out else { unreachable!() };
    assert!(reason.contains("GET /v1/event-pages") && reason.contains("300 ms"), "{reason}");
}

#[tokio::test]
async fn a_tx_submitted_through_the_client_waits_in_the_pool_with_its_nonce_taken() {
    use onebook_types::{codec, limits::TX_BYTES_MAX, tx::SignedTx};
    let dir = tempfile::tempdir().expect("dir");
    let served = Served::start(crate::tests::app(&dir)).await;
    let client = HttpQuery::new(&served.url()).expect("a base URL");
    let tx = crate::tests::tx(1);
    let signed: SignedTx = codec::decode(&tx, TX_BYTES_MAX).expect("a tx");

    let hash = client.submit(&tx).await;
    let again = client.submit(&tx).await;
    let gap = client.submit(&crate::tests::tx(3)).await;
    let garbage = client.submit(&[1, 2, 3]).await;
    let pending = client.tx_status(signed.hash()).await;
    let nonces = client.nonces(signed.body.signer).await.expect("nonces");
    let status = client.status().await.expect("status");

    assert_eq!(hash.expect("admitted"), signed.hash());
    let refused = |result: Result<_, QueryError>| match result {
        Err(QueryError::BadInput { parameter: "tx", rule }) => rule,
        other => panic!("not a refused tx: {other:?}"),
    };
    assert!(refused(again).starts_with("the tx is already waiting: "));
    assert!(refused(gap).starts_with("the nonce skips ahead: nonce 3"));
    assert!(refused(garbage).starts_with("the tx cannot be decoded: "));
    assert_eq!(pending.expect("a status"), Some(TxStatusView::Pending));
    assert_eq!((nonces.committed, nonces.next), (0, 2));
    assert_eq!((status.height, status.pending_txs), (0, 1));
}

#[tokio::test]
async fn a_batch_submitted_through_the_client_gets_one_result_per_tx() {
    let dir = tempfile::tempdir().expect("dir");
    let served = Served::start(crate::tests::app(&dir)).await;
    let client = HttpQuery::new(&served.url()).expect("a base URL");
    let txs = vec![crate::tests::tx(1), crate::tests::tx(2), crate::tests::tx(2), vec![1, 2, 3]];

    let results = client.submit_batch(&txs).await.expect("answered");
    let empty = client.submit_batch(&[]).await;

    let statuses: Vec<u16> = results.iter().map(|result| result.status).collect();
    assert_eq!(statuses, [202, 202, 409, 400]);
    assert!(results[0].tx_hash.is_some() && results[2].tx_hash.is_none());
    assert_eq!(results[2].kind.as_deref(), Some("/problems/tx-duplicate"));
    assert!(matches!(empty, Err(QueryError::BadInput { parameter: "txs", .. })), "{empty:?}");
}

/// Every record of `kind` that `params` lists, read page by page.
async fn listed_count(query: &StoreQuery, kind: RecordKind, params: ListParams) -> u64 {
    let mut count = 0;
    let mut cursor = None;
    loop {
        let page = PageParams { cursor, limit: Some(100) };
        let listed =
            query.records(kind, ListParams { page, ..params.clone() }).await.expect("list");
        count += listed.items.len() as u64;
        cursor = listed.next;
        if cursor.is_none() {
            return count;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_read_the_same_over_http_and_equal_their_listings() {
    let fixture = fixture().await;
    let org = |id: &str| Some(OrgId::from(id));
    let cases = [
        (RecordKind::Grant, CountParams::default()),
        (RecordKind::Grant, CountParams { org: org("xm-gaj"), ..CountParams::default() }),
        (
            RecordKind::Grant,
            CountParams { status: Some("revoked".into()), ..CountParams::default() },
        ),
        (
            RecordKind::Grant,
            CountParams {
                org: org("xm-gaj"),
                status: Some("active".into()),
                ..CountParams::default()
            },
        ),
        (RecordKind::Org, CountParams { org: org("xm"), ..CountParams::default() }),
        (RecordKind::AccessEvent, CountParams::default()),
        (RecordKind::Violation, CountParams { org: org("xm-gaj"), ..CountParams::default() }),
    ];

    for (kind, params) in cases {
        let counted = expect_ok(same!(fixture, |q| q.count_records(kind, params.clone())));
        let list = ListParams {
            org: params.org.clone(),
            status: params.status.clone(),
            ..ListParams::default()
        };
        let listed = listed_count(&fixture.local, kind, list).await;
        assert_eq!(counted.counts, vec![listed], "{kind:?} {params:?}");
        assert_eq!(counted.height, 4);
    }
    // Grants 2 to 6 were written by block 3: one interval holds them, the others none.
    let bounds = [0, block_time(Height(3)).0, block_time(Height(3)).0 + 1, onebook_query::TIME_MAX];
    let by_time = CountParams { bounds: bounds.map(Timestamp).to_vec(), ..CountParams::default() };
    let counted =
        expect_ok(same!(fixture, |q| q.count_records(RecordKind::Grant, by_time.clone())));
    assert_eq!(counted.counts, vec![1, 5, 0], "grant 1 at the genesis, 2 to 6 at height 3");
    let provider =
        CountParams { org: org("xm-scjg"), side: Some(Side::Provider), ..CountParams::default() };
    let given = expect_ok(same!(fixture, |q| q.count_records(RecordKind::Grant, provider.clone())));
    let received = CountParams { side: Some(Side::Party), ..provider };
    let taken = expect_ok(same!(fixture, |q| q.count_records(RecordKind::Grant, received.clone())));
    assert_eq!((given.counts[0], taken.counts[0]), (6, 0), "xm-scjg provides every grant");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_count_that_breaks_a_rule_or_is_not_the_readers_is_refused() {
    let fixture = fixture().await;
    let gaj = fixture.anonymous.with_reader(gaj_user().0);
    let own = CountParams { org: Some(OrgId::from("xm-gaj")), ..CountParams::default() };
    let bad = [
        CountParams { status: Some("lost".into()), ..CountParams::default() },
        CountParams { bounds: vec![Timestamp(5), Timestamp(5)], ..CountParams::default() },
        CountParams { side: Some(Side::Party), ..CountParams::default() },
        CountParams {
            under: Some(RecordKey::ShareRequest(ShareRequestId(1))),
            org: Some(OrgId::from("xm-gaj")),
            ..CountParams::default()
        },
    ];

    for params in bad {
        let refusal = same!(fixture, |q| q.count_records(RecordKind::Grant, params.clone()));
        assert!(refusal.is_err(), "{params:?}");
    }
    let anonymous = fixture.anonymous.count_records(RecordKind::Violation, own.clone()).await;
    let other_org = CountParams { org: Some(OrgId::from("xm-scjg")), ..CountParams::default() };
    let foreign = gaj.count_records(RecordKind::AccessEvent, other_org).await;
    let all = gaj.count_records(RecordKind::AccessEvent, CountParams::default()).await;
    let mine = gaj.count_records(RecordKind::AccessEvent, own).await.expect("its own org's");
    let public = fixture.anonymous.count_records(RecordKind::Grant, CountParams::default()).await;

    assert!(refused(&anonymous) && refused(&foreign) && refused(&all));
    assert_eq!(mine.counts, vec![1], "access event 1 is xm-gaj's");
    assert_eq!(public.expect("grants are public").counts, vec![6]);
}

/// A witness set of one witness.
fn witness_set() -> onebook_types::checkpoint::WitnessSet {
    let key = SecretKey::from_seed([0x71; 32]).public_key();
    let witness = onebook_types::checkpoint::Witness { key, name: "思明区见证节点".into() };
    onebook_types::checkpoint::WitnessSet { threshold: 1, witnesses: vec![witness] }
}

/// A child chain `id` admitted at `height`, with no checkpoint anchored yet.
fn child_chain(id: &str, height: u64) -> onebook_types::checkpoint::ChildChain {
    onebook_types::checkpoint::ChildChain {
        chain_id: id.into(),
        genesis_hash: onebook_types::hash::Hash32([height as u8 + 1; 32]),
        witnesses: witness_set(),
        admitted_at: Height(height),
        latest: None,
    }
}

#[tokio::test]
async fn the_checkpoint_policy_protocol_and_child_chains_read_the_same_as_of_a_height() {
    use onebook_types::{
        checkpoint::CheckpointPolicy,
        consortium::{ProtocolSchedule, ProtocolUpgrade},
        ids::{ChainId, ProtocolVersion},
    };
    let dir = tempfile::tempdir().expect("dir");
    let store = Arc::new(Store::open(&StoreConfig::new(dir.path())).expect("store opens"));
    let policy = |interval| CheckpointPolicy { interval, witnesses: witness_set() };
    let chain = |id: &str, height| (RecordKey::ChildChain(id.into()), child_chain(id, height));
    let mut genesis = every_kind();
    genesis.push(entry(RecordKey::CheckpointPolicy, &policy(10)));
    let (key, value) = chain("onebook-b", 0);
    genesis.push(entry(key, &value));
    test_utils::init(&store, genesis);
    let schedule = ProtocolSchedule {
        upgrades: vec![ProtocolUpgrade { version: ProtocolVersion(2), height: Height(2) }],
    };
    let mut block = vec![
        entry(RecordKey::CheckpointPolicy, &policy(50)),
        entry(RecordKey::Protocol, &schedule),
    ];
    for id in ["onebook-a", "onebook-c"] {
        let (key, value) = chain(id, 1);
        block.push(entry(key, &value));
    }
    commit(&store, block, vec![]);
    commit(&store, vec![], vec![]);
    let served = Served::start(crate::record_tests::app_over(Arc::clone(&store))).await;
    let fixture = Fixture {
        local: StoreQuery::new(store),
        remote: HttpQuery::new(&served.url()).expect("a base URL"),
        anonymous: HttpQuery::new(&served.url()).expect("a base URL"),
        served,
        _dir: dir,
    };

    let then = expect_ok(same!(fixture, |q| q.checkpoint_policy(Some(Height(0)))));
    let now = expect_ok(same!(fixture, |q| q.checkpoint_policy(None)));
    let before = expect_ok(same!(fixture, |q| q.protocol(Some(Height(1)))));
    let after = expect_ok(same!(fixture, |q| q.protocol(None)));
    let mut walked = Vec::new();
    let mut page = PageParams { cursor: None, limit: Some(1) };
    for _ in 0..5 {
        let chains = expect_ok(same!(fixture, |q| q.child_chains(None, page.clone())));
        walked.extend(chains.items.iter().map(|view| view.chain.chain_id.to_string()));
        let Some(next) = chains.next else { break };
        page.cursor = Some(next);
    }
    let at_genesis =
        expect_ok(same!(fixture, |q| q.child_chains(Some(Height(0)), PageParams::default())));
    let one = expect_ok(same!(fixture, |q| q.child_chain(ChainId::from("onebook-c"), None)));
    let not_yet =
        expect_ok(same!(fixture, |q| q.child_chain(ChainId::from("onebook-c"), Some(Height(0)))));
    let bad_id = same!(fixture, |q| q.child_chain(ChainId::from("no/such"), None));
    let bad_cursor = PageParams { cursor: Some("no/such".into()), limit: None };
    let bad_cursor = same!(fixture, |q| q.child_chains(None, bad_cursor.clone()));
    same!(fixture, |q| q.protocol(Some(Height(9)))).expect_err("above the tip");
    fixture.served.stop().await;

    assert_eq!(then.map(|view| view.policy.interval), Some(10));
    assert_eq!(now.map(|view| (view.height, view.policy.interval)), Some((2, 50)));
    assert_eq!((before.version, before.upgrades.len()), (ProtocolVersion(1), 1));
    assert_eq!(after.version, ProtocolVersion(2), "the upgrade activated at height 2");
    assert_eq!(walked, ["onebook-a", "onebook-b", "onebook-c"], "one page each, in id order");
    let admitted: Vec<_> =
        at_genesis.items.iter().map(|view| view.chain.chain_id.to_string()).collect();
    assert_eq!(admitted, ["onebook-b"]);
    assert_eq!(one.map(|view| view.chain.admitted_at), Some(Height(1)));
    assert_eq!(not_yet, None, "not admitted at the genesis");
    assert!(bad_id.expect_err("a bad id").contains("parameter `id`"));
    assert!(bad_cursor.expect_err("a bad cursor").contains("parameter `cursor`"));
}
