//! [`StoreQuery`] over a real RocksDB store holding a small chain of chosen records.

use std::sync::Arc;

use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    action::Action,
    catalog_records::{OpenObligation, OrgObligations},
    consortium::{Validator, ValidatorSet},
    ids::{GrantId, Height, ObligationId, OrgId, ShareRequestId, Timestamp},
    keys::SecretKey,
    record::RecordKey,
    sharing_records::GrantStatus,
};

use crate::{
    LedgerQuery, ListParams, PageParams, QueryError, Record, RecordKind, SearchHitView, StoreQuery,
    TIME_MAX,
    test_utils::{self, TestTx, block_time, commit, entry, grant, init, obligation, org},
};

fn open(dir: &tempfile::TempDir) -> Arc<Store> {
    Arc::new(Store::open(&StoreConfig::new(dir.path())).expect("store opens"))
}

/// Genesis: orgs `xm` and `xm-gaj` under it. Height 1: grant 1 to `xm-gaj`. Height 2: grant 1
/// revoked and grant 2 to `xm-jyj`.
fn small_chain(dir: &tempfile::TempDir) -> StoreQuery {
    StoreQuery::new(small_store(dir))
}

/// The store of [`small_chain`].
fn small_store(dir: &tempfile::TempDir) -> Arc<Store> {
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
    store
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
    let above = query.record(key, Some(Height(3))).await;

    assert_eq!(before, None);
    assert_eq!((then.height, grant_status(&then)), (1, &GrantStatus::Active));
    assert_eq!(now.height, 2);
    assert!(matches!(grant_status(&now), GrantStatus::Revoked { .. }));
    assert_eq!(now.key, "grant:1");
    assert!(matches!(above, Err(QueryError::NoBlockYet { height: 3 })), "{above:?}");
}

#[tokio::test]
async fn a_record_view_names_the_block_and_the_tx_that_created_it() {
    let dir = tempfile::tempdir().expect("dir");
    let store = small_store(&dir);
    let query = StoreQuery::new(Arc::clone(&store));
    // Height 3: a refused tx that touched grant 3 before the tx that created it.
    let grant_3 = entry(RecordKey::Grant(GrantId(3)), &grant(3, "xm-jyj"));
    let refused = TestTx {
        code: 209,
        ..TestTx::new(
            Action::WithdrawShareRequest { request: ShareRequestId(9) },
            vec![grant_3.clone()],
        )
    };
    let creator =
        TestTx::new(Action::WithdrawShareRequest { request: ShareRequestId(10) }, vec![grant_3]);
    test_utils::commit_txs(&store, vec![refused, creator], &[]);
    let read = |key: RecordKey| {
        let query = query.clone();
        async move { query.record(key, None).await.expect("read").expect("present") }
    };
    let tx_at = |height: u64, index: usize| {
        store.block_tx_hashes(Height(height)).expect("read").expect("block")[index]
    };

    let org = read(RecordKey::Org("xm".into())).await;
    let revoked = read(RecordKey::Grant(GrantId(1))).await;
    let third = read(RecordKey::Grant(GrantId(3))).await;

    let genesis = crate::CreationView { height: 0, time: 0, tx_hash: None, tx_index: None };
    assert_eq!(org.created, Some(genesis), "no tx created a record of the genesis");
    let first = revoked.created.expect("created");
    assert_eq!((first.height, first.time), (1, block_time(Height(1)).0), "not when revoked");
    assert_eq!((first.tx_hash, first.tx_index), (Some(tx_at(1, 0)), Some(0)));
    let created = third.created.expect("created");
    assert_eq!(
        (created.height, created.tx_hash, created.tx_index),
        (3, Some(tx_at(3, 1)), Some(1))
    );
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
async fn the_records_under_a_record_with_an_org_or_status_are_those_that_pass_both() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let under = |org: Option<&str>, status: Option<&str>, height: Option<u64>| ListParams {
        under: Some(RecordKey::ShareRequest(ShareRequestId(1))),
        ..list(org, status, height)
    };

    let active_then = query.records(RecordKind::Grant, under(None, Some("active"), Some(1))).await;
    let active_now = query.records(RecordKind::Grant, under(None, Some("active"), None)).await;
    let revoked_now = query.records(RecordKind::Grant, under(None, Some("revoked"), None)).await;
    let to_gaj = query.records(RecordKind::Grant, under(Some("xm-gaj"), None, None)).await;
    let to_jyj = query.records(RecordKind::Grant, under(Some("xm-jyj"), None, None)).await;
    let both = query.records(RecordKind::Grant, under(Some("xm-gaj"), Some("revoked"), None)).await;

    assert_eq!(ids(&active_then.expect("a page")), ["grant:1"]);
    assert!(active_now.expect("a page").items.is_empty(), "grant 1 is revoked at height 2");
    assert_eq!(ids(&revoked_now.expect("a page")), ["grant:1"]);
    assert_eq!(ids(&to_gaj.expect("a page")), ["grant:1"]);
    assert!(to_jyj.expect("a page").items.is_empty(), "grant 2 is under share request 2");
    assert_eq!(ids(&both.expect("a page")), ["grant:1"]);
}

#[tokio::test]
async fn a_cursor_is_a_position_and_the_page_starts_after_it_whether_a_record_sits_there_or_not() {
    let dir = tempfile::tempdir().expect("dir");
    let store = open(&dir);
    init(&store, vec![]);
    let grants = [2, 4, 6].map(|id| entry(RecordKey::Grant(GrantId(id)), &grant(id, "xm-gaj")));
    commit(&store, grants.to_vec(), vec![]);
    let query = StoreQuery::new(store);
    let after = |id: u64| {
        let cursor = hex::encode(onebook_storage::cursor_after(
            RecordKind::Grant,
            &RecordKey::Grant(GrantId(id)),
        ));
        ListParams {
            page: PageParams { cursor: Some(cursor), limit: None },
            ..list(None, None, None)
        }
    };

    let at_a_record = query.records(RecordKind::Grant, after(2)).await.expect("a page");
    let between = query.records(RecordKind::Grant, after(3)).await.expect("a page");
    let before_all = query.records(RecordKind::Grant, after(0)).await.expect("a page");
    let past_all = query.records(RecordKind::Grant, after(u64::MAX)).await.expect("a page");
    let upper_case = ListParams {
        page: PageParams { cursor: Some("070000000000000003".to_uppercase()), limit: None },
        ..list(None, None, None)
    };
    let upper_case = query.records(RecordKind::Grant, upper_case).await.expect("a page");

    assert_eq!(ids(&at_a_record), ["grant:4", "grant:6"]);
    assert_eq!(ids(&between), ["grant:4", "grant:6"]);
    assert_eq!(ids(&before_all), ["grant:2", "grant:4", "grant:6"]);
    assert!(past_all.items.is_empty() && past_all.next.is_none());
    assert_eq!(ids(&upper_case), ["grant:4", "grant:6"]);
}

#[tokio::test]
async fn a_cursor_that_is_hex_but_no_position_of_the_listing_names_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let org_cursor =
        hex::encode(onebook_storage::cursor_after(RecordKind::Org, &RecordKey::Org("xm".into())));
    let cursors = [
        (RecordKind::Grant, "0700".to_owned()),
        (RecordKind::Grant, String::new()),
        (RecordKind::Grant, org_cursor.clone()),
        (RecordKind::Org, "01".to_owned()),
        (RecordKind::Org, "01780078".to_owned()),
        (RecordKind::Member, format!("02{}", "ab".repeat(31))),
    ];

    for (kind, cursor) in cursors {
        let params = ListParams {
            page: PageParams { cursor: Some(cursor.clone()), limit: None },
            ..list(None, None, None)
        };
        let error = query.records(kind, params).await;

        assert!(
            matches!(&error, Err(QueryError::CursorUnknown { cursor: given, .. }) if *given == cursor),
            "{kind:?} {cursor:?}: {error:?}"
        );
    }
    let org_page = ListParams {
        page: PageParams { cursor: Some(org_cursor), limit: None },
        ..list(None, None, None)
    };
    assert_eq!(
        ids(&query.records(RecordKind::Org, org_page).await.expect("a page")),
        ["org:xm-gaj"]
    );
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
        (RecordKind::Grant, with_page(Some(&format!("{grant_cursor}0")), None), "cursor"),
        (RecordKind::Grant, list(None, Some("granted"), None), "status"),
        (RecordKind::Resource, list(None, Some("active"), None), "status"),
        (RecordKind::Grant, list(Some("no such org"), None, None), "org"),
        (
            RecordKind::Grant,
            ListParams { from: Some(Timestamp(TIME_MAX + 1)), ..list(None, None, None) },
            "from",
        ),
        (
            RecordKind::Grant,
            ListParams { to: Some(Timestamp(TIME_MAX + 1)), ..list(None, None, None) },
            "to",
        ),
    ];

    for (kind, params, expected) in cases {
        let shown = format!("{params:?}");
        let error = query.records(kind, params).await.expect_err(&shown);

        assert_eq!(parameter(error), expected, "{shown}");
    }
    let above = query.records(RecordKind::Grant, list(None, None, Some(9))).await;
    assert!(matches!(above, Err(QueryError::NoBlockYet { height: 9 })), "{above:?}");
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
    let garbled = PageParams { cursor: Some("0x".into()), limit: None };
    let bad = query.timeline(RecordKey::Grant(GrantId(1)), garbled).await.expect_err("garbled");
    let short = PageParams { cursor: Some("00".into()), limit: None };
    let short = query.timeline(RecordKey::Grant(GrantId(1)), short).await;
    let after_first =
        PageParams { cursor: Some(format!("{:016x}{:08x}", 1, u32::MAX)), limit: None };
    let after_first =
        query.timeline(RecordKey::Grant(GrantId(1)), after_first).await.expect("page");

    let grant = grant.expect("timeline");
    assert_eq!(grant.items.iter().map(|entry| entry.height).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(grant.items[0].action, "withdraw_share_request");
    assert_eq!(grant.items[0].signer, test_utils::signer().public_key());
    assert_eq!((first.items[0].height, second.items[0].height), (1, 2));
    assert_eq!(second.next, None);
    assert_eq!(org.expect("timeline").items.len(), 1);
    assert_eq!(parameter(bad), "cursor");
    assert!(matches!(short, Err(QueryError::CursorUnknown { .. })), "{short:?}");
    assert_eq!(after_first.items.iter().map(|entry| entry.height).collect::<Vec<_>>(), [2]);
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
    let above = query.overdue_obligations("xm".into(), None, Some(Height(2))).await;
    let latest = query.overdue_obligations("xm".into(), Some(Timestamp(TIME_MAX)), None).await;
    let too_late = query.overdue_obligations("xm".into(), Some(Timestamp(TIME_MAX + 1)), None);
    let too_late = too_late.await.expect_err("after the latest time");

    assert_eq!(at_block.obligations.len(), 0, "block 1 is before both due times");
    assert_eq!(at_block.at, block_time(Height(1)).0);
    assert_eq!(later.expect("read").obligations.len(), 2);
    assert!(other.obligations.is_empty());
    assert_eq!(parameter(bad), "org");
    assert!(matches!(above, Err(QueryError::NoBlockYet { height: 2 })), "{above:?}");
    assert_eq!(latest.expect("read").obligations.len(), 2);
    assert_eq!(parameter(too_late), "at");
}

/// The hash of the tx that wrote grant 2 in [`small_chain`].
async fn tx_of_grant_2(query: &StoreQuery) -> onebook_types::hash::Hash32 {
    let timeline = query.timeline(RecordKey::Grant(GrantId(2)), PageParams::default()).await;
    timeline.expect("timeline").items[0].tx_hash
}

#[tokio::test]
async fn search_finds_txs_blocks_and_records_by_what_names_them() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let tx_hash = tx_of_grant_2(&query).await;

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
async fn search_finds_txs_by_the_first_hex_digits_of_their_hash() {
    let dir = tempfile::tempdir().expect("dir");
    let query = small_chain(&dir);
    let hash = tx_of_grant_2(&query).await.to_hex();

    let eight = query.search(hash[..8].to_uppercase()).await.expect("search");
    let odd = query.search(hash[..9].to_owned()).await.expect("search");
    let seven = query.search(hash[..7].to_owned()).await.expect("search");
    let other = format!("{}{}", &hash[..8], if &hash[8..9] == "0" { "1" } else { "0" });
    let other = query.search(other).await.expect("search");

    for hits in [&eight, &odd] {
        let txs: Vec<String> = hits
            .iter()
            .filter_map(|hit| match hit {
                SearchHitView::Tx { tx_hash, .. } => Some(tx_hash.to_hex()),
                _ => None,
            })
            .collect();
        assert_eq!(txs, std::slice::from_ref(&hash), "{hits:?}");
    }
    assert!(!seven.iter().any(|hit| matches!(hit, SearchHitView::Tx { .. })), "too short");
    assert!(!other.iter().any(|hit| matches!(hit, SearchHitView::Tx { .. })), "{other:?}");
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
    assert_eq!(crate::parse_record_key("policy"), Ok(onebook_types::record::RecordKey::Policy));
    assert_eq!(
        crate::parse_record_key("validator_set"),
        Ok(onebook_types::record::RecordKey::ValidatorSet)
    );
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
    let reversed = query.records(RecordKind::Grant, range(Some(4), Some(2), None, None)).await;

    assert_eq!(ids(&whole.expect("a page")), ["grant:2", "grant:3"], "created at heights 2 and 3");
    assert_eq!(ids(&first), ["grant:2"]);
    assert_eq!(ids(&second), ["grant:3"]);
    assert!(second.next.is_some(), "grants 4 and 5 are not read yet");
    assert_eq!(ids(&third), Vec::<String>::new());
    assert_eq!(third.next, None);
    assert_eq!(ids(&open_ended.expect("a page")), ["grant:5"]);
    assert_eq!(ids(&genesis.expect("a page")), ["org:xm"], "genesis records count as time 0");
    for page in [empty, reversed] {
        let page = page.expect("an empty interval is an empty page");
        assert!(page.items.is_empty() && page.next.is_none(), "{page:?}");
    }
}

/// Three blocks: height 1 certified by two validators, height 2 by three, height 3 of three txs
/// and no certificate.
fn three_blocks(dir: &tempfile::TempDir) -> (StoreQuery, Vec<SecretKey>) {
    let store = open(dir);
    let validators: Vec<SecretKey> = (1..=4).map(|seed| SecretKey::from_seed([seed; 32])).collect();
    let set = ValidatorSet {
        validators: validators
            .iter()
            .map(|key| Validator { node_key: key.public_key(), org: "xm".into(), power: 10 })
            .collect(),
    };
    init(&store, vec![entry(RecordKey::ValidatorSet, &set)]);
    let grant = entry(RecordKey::Grant(GrantId(1)), &test_utils::grant(1, "xm-gaj"));
    let withdraw = |request| Action::WithdrawShareRequest { request: ShareRequestId(request) };
    test_utils::commit_txs(&store, vec![TestTx::new(withdraw(1), vec![grant])], &validators[..2]);
    let refused = TestTx { code: 2, ..TestTx::new(withdraw(2), vec![]) };
    test_utils::commit_txs(&store, vec![refused], &validators[..3]);
    let event = || vec![test_utils::event("grant.issued", &[("grantee", "xm-gaj")])];
    test_utils::commit_events(&store, vec![event(), event(), vec![]]);
    (StoreQuery::new(store), validators)
}

#[tokio::test]
async fn blocks_are_listed_newest_first_page_by_page_with_their_signatures() {
    let dir = tempfile::tempdir().expect("dir");
    let (query, _) = three_blocks(&dir);
    let two = PageParams { cursor: None, limit: Some(2) };

    let first = query.blocks(two).await.expect("page");
    let rest = PageParams { cursor: first.next.clone(), limit: Some(2) };
    let second = query.blocks(rest).await.expect("page");
    let above = PageParams { cursor: Some("99".into()), limit: None };
    let from_above = query.blocks(above).await.expect("page");
    let bad = query.blocks(PageParams { cursor: Some("x".into()), limit: None }).await;

    let heights = |page: &crate::Page<crate::BlockSummaryView>| {
        page.items.iter().map(|block| block.height).collect::<Vec<_>>()
    };
    assert_eq!(heights(&first), [3, 2]);
    assert_eq!(first.next.as_deref(), Some("1"));
    assert_eq!(heights(&second), [1]);
    assert_eq!(second.next, None);
    assert_eq!(heights(&from_above), [3, 2, 1]);
    assert_eq!(
        [first.items[0].tx_count, first.items[1].tx_count, second.items[0].tx_count],
        [3, 1, 1]
    );
    assert_eq!(
        [first.items[0].signatures, first.items[1].signatures, second.items[0].signatures],
        [0, 3, 2]
    );
    assert_eq!(first.items[0].time, block_time(Height(3)).0);
    assert_eq!(parameter(bad.expect_err("not a height")), "cursor");
}

#[tokio::test]
async fn a_block_reads_with_its_tx_hashes_and_certificate_and_none_outside_the_chain() {
    let dir = tempfile::tempdir().expect("dir");
    let (query, validators) = three_blocks(&dir);

    let two = query.block(Height(2)).await.expect("read").expect("block 2");
    let three = query.block(Height(3)).await.expect("read").expect("block 3");
    let genesis = query.block(Height(0)).await.expect("read");
    let above = query.block(Height(4)).await.expect("read");

    let certificate = two.certificate.expect("certified");
    assert_eq!(two.hash, two.header.hash());
    assert_eq!(certificate.vote.block_hash, two.hash);
    let mut signers: Vec<_> = validators[..3].iter().map(SecretKey::public_key).collect();
    signers.sort();
    let signed: Vec<_> = certificate.signatures.iter().map(|s| s.node_key).collect();
    assert_eq!(signed, signers);
    assert_eq!(two.tx_hashes.len(), 1);
    assert_eq!(three.tx_hashes.len(), 3);
    assert_eq!(three.certificate, None);
    assert_eq!((genesis, above), (None, None));
}

#[tokio::test]
async fn a_committed_tx_reads_decoded_with_its_location_and_receipt() {
    let dir = tempfile::tempdir().expect("dir");
    let (query, _) = three_blocks(&dir);
    let hash = query.block(Height(1)).await.expect("read").expect("block").tx_hashes[0];
    let refused_hash = query.block(Height(2)).await.expect("read").expect("block").tx_hashes[0];

    let tx = query.tx(hash).await.expect("read").expect("committed");
    let refused = query.tx(refused_hash).await.expect("read").expect("committed");
    let unknown = query.tx(onebook_types::hash::Hash32([0xab; 32])).await.expect("read");
    let json = serde_json::to_value(&tx).expect("json");

    assert_eq!((tx.tx_hash, tx.height, tx.index, tx.nonce, tx.code), (hash, 1, 0, 1_000, 0));
    assert_eq!(tx.signer, test_utils::signer().public_key());
    assert_eq!(tx.valid_until, 101);
    assert_eq!(tx.action, Some(Action::WithdrawShareRequest { request: ShareRequestId(1) }));
    assert_eq!(tx.rejection, None);
    assert_eq!(refused.code, 2);
    assert_eq!(refused.rejection.as_deref(), Some("RoleMissing"));
    assert!(refused.events.is_empty());
    assert_eq!(unknown, None);
    assert_eq!(json["action"]["type"], "withdraw_share_request");
    assert_eq!(json["action"]["request"], 1);
    assert_eq!(serde_json::from_value::<crate::TxView>(json).expect("reads back"), tx);
}

#[tokio::test]
async fn a_blocks_txs_are_paged_in_block_order_with_their_events() {
    let dir = tempfile::tempdir().expect("dir");
    let (query, _) = three_blocks(&dir);
    let hashes = query.block(Height(3)).await.expect("read").expect("block").tx_hashes;
    let two = PageParams { cursor: None, limit: Some(2) };

    let first = query.block_txs(Height(3), two).await.expect("page");
    let rest = PageParams { cursor: first.next.clone(), limit: Some(2) };
    let second = query.block_txs(Height(3), rest).await.expect("page");
    let genesis = query.block_txs(Height(0), PageParams::default()).await.expect("page");
    let above = query.block_txs(Height(4), PageParams::default()).await;
    let at_end = PageParams { cursor: Some("3".into()), limit: None };
    let at_end = query.block_txs(Height(3), at_end).await.expect("page");
    let past_end = PageParams { cursor: Some("999999999".into()), limit: None };
    let past_end = query.block_txs(Height(3), past_end).await.expect("page");
    let bad = PageParams { cursor: Some("+1".into()), limit: None };
    let bad = query.block_txs(Height(3), bad).await;

    let seen: Vec<_> = first.items.iter().chain(&second.items).map(|tx| tx.tx_hash).collect();
    assert_eq!(seen, hashes);
    assert_eq!(first.next.as_deref(), Some("2"));
    assert_eq!(second.next, None);
    assert_eq!(
        first.items.iter().map(|tx| (tx.index, tx.events.len())).collect::<Vec<_>>(),
        [(0, 1), (1, 1)]
    );
    assert_eq!(first.items[0].events[0].kind, "grant.issued");
    assert!(genesis.items.is_empty() && genesis.next.is_none());
    assert!(matches!(above, Err(QueryError::NoBlockYet { height: 4 })), "{above:?}");
    for page in [at_end, past_end] {
        assert!(page.items.is_empty() && page.next.is_none(), "past the last tx: {page:?}");
    }
    assert_eq!(parameter(bad.expect_err("not digits")), "cursor");
}

#[tokio::test]
async fn the_validator_set_is_the_one_in_force_at_the_height() {
    let dir = tempfile::tempdir().expect("dir");
    let (query, validators) = three_blocks(&dir);
    let other = tempfile::tempdir().expect("dir");

    let now = query.validators(None).await.expect("read");
    let at_genesis = query.validators(Some(Height(0))).await.expect("read");
    let above = query.validators(Some(Height(9))).await;
    let none = small_chain(&other).validators(None).await.expect("read");

    assert_eq!(now.height, 3);
    assert_eq!(now.validators.len(), 4);
    assert!(now.validators.iter().any(|v| v.node_key == validators[0].public_key()));
    assert_eq!((now.total_power, now.quorum_power), (40, 27));
    assert_eq!(at_genesis.validators, now.validators);
    assert!(matches!(above, Err(QueryError::NoBlockYet { height: 9 })), "{above:?}");
    assert!(none.validators.is_empty());
}

fn certificate(number: &str, parent: Option<&str>) -> onebook_types::property_records::Certificate {
    use onebook_types::{
        action::{PropertySubject, RightKind},
        hash::Hash32,
        ids::{CertificateNumber, ResourceId},
        property_records::CertificateStatus,
    };
    onebook_types::property_records::Certificate {
        number: CertificateNumber::from(number),
        application: None,
        right: if parent.is_some() { RightKind::ProcessingUse } else { RightKind::Holding },
        subject: PropertySubject::Resource { resource: ResourceId(1) },
        subject_hash: Hash32::ZERO,
        holder: OrgId::from(if parent.is_some() { "xm-jypt" } else { "xm-gaj" }),
        parent: parent.map(CertificateNumber::from),
        issuer: OrgId::from("xm-djzx"),
        valid_from: "2025-01-01".parse().expect("a date"),
        valid_until: "2027-12-31".parse().expect("a date"),
        issued_at: Timestamp(0),
        transfers: vec![],
        status: CertificateStatus::Active,
    }
}

/// A licence's view says where it stands, and it stands only while its parent does: once the
/// parent is cancelled the licence reads `parent-cancelled`, though its own record is unchanged.
#[tokio::test]
async fn a_licence_reads_parent_cancelled_once_its_parent_is_cancelled() {
    use onebook_types::{ids::CertificateNumber, property_records::CertificateStatus};
    let dir = tempfile::tempdir().expect("dir");
    let store = open(&dir);
    init(&store, vec![]);
    let parent = certificate("350200-2026-000001X", None);
    let licence = certificate("350200-2026-0000028", Some("350200-2026-000001X"));
    let parent_key = RecordKey::Certificate(parent.number.clone());
    let licence_key = RecordKey::Certificate(CertificateNumber::from("350200-2026-0000028"));
    commit(
        &store,
        vec![entry(parent_key.clone(), &parent), entry(licence_key.clone(), &licence)],
        vec![],
    );
    let mut cancelled = parent;
    cancelled.status =
        CertificateStatus::Cancelled { reason: "权属争议".into(), at: Timestamp(1) };
    commit(&store, vec![entry(parent_key, &cancelled)], vec![]);
    let query = StoreQuery::new(store);

    let before = query.record(licence_key.clone(), Some(Height(1))).await.expect("read");
    let after = query.record(licence_key, None).await.expect("read");

    let standing = |view: Option<crate::RecordView>| {
        serde_json::to_value(view.expect("present")).expect("json")["standing"].clone()
    };
    assert_eq!(standing(before), "valid");
    assert_eq!(standing(after), "parent-cancelled");
}
