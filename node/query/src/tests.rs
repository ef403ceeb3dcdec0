//! [`StoreQuery`] over a real RocksDB store holding a small chain of chosen records.

use std::sync::Arc;

use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    catalog_records::{OpenObligation, OrgObligations},
    ids::{GrantId, Height, ObligationId, OrgId, Timestamp},
    record::RecordKey,
    sharing_records::GrantStatus,
};

use crate::{
    LedgerQuery, ListParams, PageParams, QueryError, Record, RecordKind, SearchHitView, StoreQuery,
    test_utils::{self, block_time, commit, entry, grant, init, obligation, org},
};

fn open(dir: &tempfile::TempDir) -> Arc<Store> {
    Arc::new(Store::open(&StoreConfig::new(dir.path())).expect("store opens"))
}

/// Genesis: orgs `xm` and `xm-gaj` under it. Height 1: grant 1 to `xm-gaj`. Height 2: grant 1
/// revoked and grant 2 to `xm-jyj`.
fn small_chain(dir: &tempfile::TempDir) -> StoreQuery {
    let store = open(dir);
    init(
        &store,
        vec![
            entry(RecordKey::Org("xm".into()), &org("xm", None)),
            entry(RecordKey::Org("xm-gaj".into()), &org("xm-gaj", Some("xm"))),
        ],
    );
    commit(&store, vec![entry(RecordKey::Grant(GrantId(1)), &grant(1, "xm-gaj"))], vec![]);
    let mut revoked = grant(1, "xm-gaj");
    revoked.status = GrantStatus::Revoked { at: block_time(Height(2)), reason: "期满".into() };
    commit(
        &store,
        vec![
            entry(RecordKey::Grant(GrantId(1)), &revoked),
            entry(RecordKey::Grant(GrantId(2)), &grant(2, "xm-jyj")),
        ],
        vec![OrgId::from("xm-gaj")],
    );
    StoreQuery::new(store)
}

fn grant_status(view: &crate::RecordView) -> &GrantStatus {
    match &view.record {
        Record::Grant(grant) => &grant.status,
        other => panic!("not a grant: {other:?}"),
    }
}

fn ids(page: &crate::Page<crate::RecordView>) -> Vec<String> {
    page.items.iter().map(|view| view.key.clone()).collect()
}

fn list(org: Option<&str>, status: Option<&str>, height: Option<u64>) -> ListParams {
    ListParams {
        org: org.map(OrgId::from),
        status: status.map(str::to_owned),
        height: height.map(Height),
        ..ListParams::default()
    }
}

fn parameter(error: QueryError) -> &'static str {
    match error {
        QueryError::BadInput { parameter, .. } => parameter,
        other => panic!("not bad input: {other}"),
    }
}

#[tokio::test]
async fn a_record_read_as_of_a_past_height_has_its_value_of_then() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let key = RecordKey::Grant(GrantId(1));

    let before = query.record(key.clone(), Some(Height(0))).await.expect("read");
    let then = query.record(key.clone(), Some(Height(1))).await.expect("read").expect("present");
    let now = query.record(key.clone(), None).await.expect("read").expect("present");
    let above = query.record(key, Some(Height(3))).await.expect_err("above the tip");

    assert_eq!(before, None);
    assert_eq!((then.height, grant_status(&then)), (1, &GrantStatus::Active));
    assert_eq!(now.height, 2);
    assert!(matches!(grant_status(&now), GrantStatus::Revoked { .. }));
    assert_eq!(now.key, "grant:1");
    assert_eq!(parameter(above), "height");
}

#[tokio::test]
async fn lists_filter_by_org_and_status_as_of_a_height() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);

    let all = query.records(RecordKind::Grant, list(None, None, None)).await.expect("list");
    let active_then =
        query.records(RecordKind::Grant, list(None, Some("active"), Some(1))).await.expect("list");
    let active_now =
        query.records(RecordKind::Grant, list(None, Some("active"), None)).await.expect("list");
    let to_gaj =
        query.records(RecordKind::Grant, list(Some("xm-gaj"), None, None)).await.expect("list");
    let under_xm =
        query.records(RecordKind::Org, list(Some("xm"), None, Some(0))).await.expect("list");

    assert_eq!(ids(&all), ["grant:1", "grant:2"]);
    assert_eq!(ids(&active_then), ["grant:1"]);
    assert_eq!(ids(&active_now), ["grant:2"]);
    assert_eq!(ids(&to_gaj), ["grant:1"]);
    assert_eq!(ids(&under_xm), ["org:xm-gaj"]);
    assert_eq!(all.next, None);
}

#[tokio::test]
async fn a_list_of_more_than_a_hundred_walks_page_by_page_with_no_gap_and_no_duplicate() {
    let dir = tempfile::tempdir().expect("dir");
    let store = open(&dir);
    init(&store, vec![]);
    // 250 grants over three blocks, so pages cross block boundaries and ids pass 255 (where a
    // little-endian order would differ from the numeric one).
    for block in 0..3u64 {
        let grants = (block * 100 + 1..=(block * 100 + 100).min(250))
            .map(|id| entry(RecordKey::Grant(GrantId(id)), &grant(id, "xm-gaj")))
            .collect();
        commit(&store, grants, vec![]);
    }
    let query = StoreQuery::new(store);

    for limit in [100, 7] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let mut params = list(None, None, None);
            params.page = PageParams { cursor: cursor.take(), limit: Some(limit) };
            let page = query.records(RecordKind::Grant, params).await.expect("page");
            assert!(page.items.len() <= usize::try_from(limit).expect("small"));
            seen.extend(ids(&page));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let expected: Vec<String> = (1..=250).map(|id| format!("grant:{id}")).collect();
        assert_eq!(seen, expected, "limit {limit}");
    }
}

#[tokio::test]
async fn bad_paging_and_filters_are_refused_naming_the_parameter() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let with_page = |cursor: Option<&str>, limit: Option<u64>| ListParams {
        page: PageParams { cursor: cursor.map(str::to_owned), limit },
        ..ListParams::default()
    };
    let mut first = with_page(None, Some(1));
    first.height = Some(Height(2));
    let grant_cursor =
        query.records(RecordKind::Grant, first).await.expect("page").next.expect("more");
    let cases = [
        (RecordKind::Grant, with_page(None, Some(0)), "limit"),
        (RecordKind::Grant, with_page(None, Some(101)), "limit"),
        (RecordKind::Grant, with_page(Some("zz"), None), "cursor"),
        (RecordKind::Grant, with_page(Some("0700"), None), "cursor"),
        (RecordKind::Org, with_page(Some(&grant_cursor), None), "cursor"),
        (RecordKind::Grant, list(None, Some("granted"), None), "status"),
        (RecordKind::Resource, list(None, Some("active"), None), "status"),
        (RecordKind::Grant, list(Some("no such org"), None, None), "org"),
        (RecordKind::Grant, list(None, None, Some(9)), "height"),
    ];

    for (kind, params, expected) in cases {
        let shown = format!("{params:?}");
        let error = query.records(kind, params).await.expect_err(&shown);

        assert_eq!(parameter(error), expected, "{shown}");
    }
}

#[tokio::test]
async fn a_timeline_lists_every_tx_that_touched_the_record_and_an_org_its_txs() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let one = PageParams { cursor: None, limit: Some(1) };

    let grant = query.timeline(RecordKey::Grant(GrantId(1)), PageParams::default()).await;
    let first = query.timeline(RecordKey::Grant(GrantId(1)), one).await.expect("page");
    let rest = PageParams { cursor: first.next.clone(), limit: Some(1) };
    let second = query.timeline(RecordKey::Grant(GrantId(1)), rest).await.expect("page");
    let org = query.timeline(RecordKey::Org("xm-gaj".into()), PageParams::default()).await;
    let garbled = PageParams { cursor: Some("00".into()), limit: None };
    let bad = query.timeline(RecordKey::Grant(GrantId(1)), garbled).await.expect_err("garbled");

    let grant = grant.expect("timeline");
    assert_eq!(grant.items.iter().map(|entry| entry.height).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(grant.items[0].action, "withdraw_share_request");
    assert_eq!(grant.items[0].signer, test_utils::signer().public_key());
    assert_eq!((first.items[0].height, second.items[0].height), (1, 2));
    assert_eq!(second.next, None);
    assert_eq!(org.expect("timeline").items.len(), 1);
    assert_eq!(parameter(bad), "cursor");
}

#[tokio::test]
async fn overdue_obligations_are_the_open_ones_due_before_the_time_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let store = open(&dir);
    init(&store, vec![]);
    let (early, late) = (block_time(Height(5)), block_time(Height(50)));
    let index = OrgObligations {
        open: vec![
            OpenObligation {
                id: ObligationId(1),
                kind: obligation(1, "xm", early).kind,
                due: early,
            },
            OpenObligation { id: ObligationId(2), kind: obligation(2, "xm", late).kind, due: late },
        ],
    };
    commit(
        &store,
        vec![
            entry(RecordKey::Obligation(ObligationId(1)), &obligation(1, "xm", early)),
            entry(RecordKey::Obligation(ObligationId(2)), &obligation(2, "xm", late)),
            entry(RecordKey::OrgObligations("xm".into()), &index),
        ],
        vec![],
    );
    let query = StoreQuery::new(store);

    let at_block = query.overdue_obligations("xm".into(), None, None).await.expect("read");
    let later = query.overdue_obligations("xm".into(), Some(Timestamp(late.0 + 1)), None).await;
    let other = query.overdue_obligations("xm-gaj".into(), Some(late), None).await.expect("read");
    let bad = query.overdue_obligations("x y".into(), None, None).await.expect_err("bad org");

    assert_eq!(at_block.obligations.len(), 0, "block 1 is before both due times");
    assert_eq!(at_block.at, block_time(Height(1)).0);
    assert_eq!(later.expect("read").obligations.len(), 2);
    assert!(other.obligations.is_empty());
    assert_eq!(parameter(bad), "org");
}

#[tokio::test]
async fn search_finds_txs_blocks_and_records_by_what_names_them() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let tx_hash = query
        .timeline(RecordKey::Grant(GrantId(2)), PageParams::default())
        .await
        .expect("timeline")
        .items[0]
        .tx_hash;

    let by_hash = query.search(tx_hash.to_hex()).await.expect("search");
    let by_height = query.search("2".into()).await.expect("search");
    let by_key = query.search("grant:2".into()).await.expect("search");
    let by_org = query.search("xm-gaj".into()).await.expect("search");
    let nothing = query.search("nowhere".into()).await.expect("search");
    let empty = query.search(String::new()).await.expect_err("empty");

    assert!(matches!(by_hash[..], [SearchHitView::Tx { height: 2, index: 0, .. }]));
    assert!(matches!(by_height[0], SearchHitView::Block { height: 2, .. }), "{by_height:?}");
    assert_eq!(by_height[1..], [SearchHitView::Record { key: "grant:2".into() }]);
    assert_eq!(by_key, [SearchHitView::Record { key: "grant:2".into() }]);
    assert_eq!(by_org, [SearchHitView::Record { key: "org:xm-gaj".into() }]);
    assert!(nothing.is_empty());
    assert_eq!(parameter(empty), "q");
}

#[tokio::test]
async fn views_read_back_from_their_json() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let view = query.record(RecordKey::Grant(GrantId(1)), None).await.expect("read").expect("some");

    let json = serde_json::to_value(&view).expect("json");
    let back: crate::RecordView = serde_json::from_value(json.clone()).expect("reads back");

    assert_eq!(back, view);
    assert_eq!(json["kind"], "grant");
    assert_eq!(json["record"]["id"], 1);
    assert_eq!(json["record"]["status"]["status"], "revoked");
}

#[test]
fn record_keys_print_as_they_parse() {
    for text in ["grant:1", "org:xm-dsj", "certificate:350200-2026-000001X", "org:350200"] {
        let key = crate::parse_record_key(text).expect(text);

        assert_eq!(crate::record_key_text(&key), text);
    }
    assert!(crate::parse_record_key("grant").is_err());
    assert!(crate::parse_record_key("grant:x").is_err());
}

#[tokio::test]
async fn a_time_range_keeps_the_records_created_in_it_and_pages_on() {
    let dir = tempfile::tempdir().expect("dir");
    let store = open(&dir);
    init(&store, vec![entry(RecordKey::Org("xm".into()), &org("xm", None))]);
    for id in 1..=5 {
        commit(&store, vec![entry(RecordKey::Grant(GrantId(id)), &grant(id, "xm-gaj"))], vec![]);
    }
    let query = StoreQuery::new(store);
    let range = |from: Option<u64>, to: Option<u64>, cursor: Option<String>, limit| ListParams {
        from: from.map(|height| block_time(Height(height))),
        to: to.map(|height| block_time(Height(height))),
        page: PageParams { cursor, limit },
        ..ListParams::default()
    };

    let whole = query.records(RecordKind::Grant, range(Some(2), Some(4), None, None)).await;
    let first = query.records(RecordKind::Grant, range(Some(2), Some(4), None, Some(1))).await;
    let first = first.expect("a page");
    let second =
        query.records(RecordKind::Grant, range(Some(2), Some(4), first.next.clone(), Some(1)));
    let second = second.await.expect("a page");
    let third =
        query.records(RecordKind::Grant, range(Some(2), Some(4), second.next.clone(), Some(1)));
    let third = third.await.expect("a page");
    let open_ended = query.records(RecordKind::Grant, range(Some(5), None, None, None)).await;
    let genesis = query.records(RecordKind::Org, range(None, Some(1), None, None)).await;
    let empty = query.records(RecordKind::Grant, range(Some(3), Some(3), None, None)).await;

    assert_eq!(ids(&whole.expect("a page")), ["grant:2", "grant:3"], "created at heights 2 and 3");
    assert_eq!(ids(&first), ["grant:2"]);
    assert_eq!(ids(&second), ["grant:3"]);
    assert!(second.next.is_some(), "grants 4 and 5 are not read yet");
    assert_eq!(ids(&third), Vec::<String>::new());
    assert_eq!(third.next, None);
    assert_eq!(ids(&open_ended.expect("a page")), ["grant:5"]);
    assert_eq!(ids(&genesis.expect("a page")), ["org:xm"], "genesis records count as time 0");
    match empty {
        Err(QueryError::BadInput { parameter, .. }) => assert_eq!(parameter, "to"),
        other => panic!("an empty range is refused, got {other:?}"),
    }
}
