//! The committed events after a cursor, read from the receipts the store holds in position order.

use onebook_storage::{RECEIPTS_READ_MAX, Store, TxLocation};

use crate::{
    EVENTS_SCANNED_TXS_MAX, EventCursor, EventFilter, EventPage, EventParams, EventView,
    QueryError, ledger::page_limit,
};

// A scan reads whole batches of receipts.
const _: () = assert!(EVENTS_SCANNED_TXS_MAX.is_multiple_of(RECEIPTS_READ_MAX));

/// The committed events after `params.after` that pass its filters, one page.
pub(crate) fn events(store: &Store, params: &EventParams) -> Result<EventPage, QueryError> {
    let limit = page_limit(params.limit)?;
    let filter = EventFilter::new(params)?;
    let after = params.after.unwrap_or_default();
    let mut items = Vec::with_capacity(limit);
    let mut scanned = after;
    // The cursor's own tx comes first: its events after the cursor's event index are still due.
    let mut from =
        TxLocation { height: onebook_types::ids::Height(after.height), index: after.tx_index };
    let mut txs_scanned = 0;
    while txs_scanned < EVENTS_SCANNED_TXS_MAX {
        let receipts = store.receipts_from(from, RECEIPTS_READ_MAX)?;
        let Some(&(last, _)) = receipts.last() else { break };
        txs_scanned += receipts.len();
        for (location, receipt) in &receipts {
            for (event_index, event) in receipt.events.iter().enumerate() {
                let cursor = EventCursor {
                    height: location.height.0,
                    tx_index: location.index,
                    event_index: u32::try_from(event_index).unwrap_or(u32::MAX),
                };
                if cursor <= after || !filter.keeps(event) {
                    continue;
                }
                items.push(EventView::new(cursor, receipt.tx_hash, event));
                if items.len() == limit {
                    return Ok(EventPage { items, next: cursor });
                }
            }
            scanned = scanned.max(EventCursor::end_of_tx(location.height.0, location.index));
        }
        from = match last.index.checked_add(1) {
            Some(index) => TxLocation { height: last.height, index },
            None => TxLocation { height: last.height.next(), index: 0 },
        };
        if receipts.len() < RECEIPTS_READ_MAX {
            break;
        }
    }
    Ok(EventPage { items, next: scanned })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use onebook_storage::StoreConfig;

    use super::*;
    use crate::{
        LedgerQuery, StoreQuery,
        test_utils::{commit_events, event, init},
    };
    use onebook_types::ids::OrgId;

    /// Height 1: two txs, the first with two events. Height 2: no txs. Height 3: a tx without
    /// events, then one with an event. Height 4: one tx, one event.
    fn chain(dir: &tempfile::TempDir) -> StoreQuery {
        let store = Arc::new(Store::open(&StoreConfig::new(dir.path())).expect("store opens"));
        init(&store, vec![]);
        commit_events(
            &store,
            vec![
                vec![
                    event("member.registered", &[("org", "xm-gaj")]),
                    event("grant.issued", &[("grantee", "xm-jyj"), ("provider", "xm-scjg")]),
                ],
                vec![event("member.registered", &[("org", "xm-jyj")])],
            ],
        );
        commit_events(&store, vec![]);
        commit_events(
            &store,
            vec![vec![], vec![event("resource.registered", &[("org", "xm-scjg")])]],
        );
        commit_events(&store, vec![vec![event("member.registered", &[("org", "xm-gaj")])]]);
        StoreQuery::new(store)
    }

    fn cursor(text: &str) -> EventCursor {
        text.parse().expect("a cursor")
    }

    fn after(text: &str) -> EventParams {
        EventParams { after: Some(cursor(text)), ..EventParams::default() }
    }

    fn cursors(page: &EventPage) -> Vec<String> {
        page.items.iter().map(|item| item.cursor.to_string()).collect()
    }

    const ALL: [&str; 5] = ["1-0-0", "1-0-1", "1-1-0", "3-1-0", "4-0-0"];

    #[tokio::test]
    async fn pages_of_any_length_walk_every_event_once_in_commit_order() {
        let dir = tempfile::tempdir().expect("dir");
        let query = chain(&dir);

        for limit in [1, 2, 3, 100] {
            let mut seen = Vec::new();
            let mut params = EventParams { limit: Some(limit), ..EventParams::default() };
            for _ in 0..10 {
                let page = query.events(params.clone()).await.expect("page");
                if page.items.is_empty() {
                    break;
                }
                seen.extend(cursors(&page));
                params.after = Some(page.next);
            }

            assert_eq!(seen, ALL, "limit {limit}");
        }
    }

    #[tokio::test]
    async fn a_read_resumes_after_the_last_event_of_a_tx_of_a_block_and_at_an_empty_block() {
        let dir = tempfile::tempdir().expect("dir");
        let query = chain(&dir);

        let after_tx = query.events(after("1-0-1")).await.expect("read");
        let after_block = query.events(after("1-1-0")).await.expect("read");
        let at_empty_block = query.events(after("2-0-0")).await.expect("read");
        let at_tx_without_events = query.events(after("3-0-0")).await.expect("read");
        let mid_tx = query.events(after("1-0-0")).await.expect("read");

        assert_eq!(cursors(&after_tx), ["1-1-0", "3-1-0", "4-0-0"]);
        assert_eq!(cursors(&after_block), ["3-1-0", "4-0-0"]);
        assert_eq!(cursors(&at_empty_block), ["3-1-0", "4-0-0"]);
        assert_eq!(cursors(&at_tx_without_events), ["3-1-0", "4-0-0"]);
        assert_eq!(cursors(&mid_tx), ALL[1..]);
        assert_eq!(after_tx.next, EventCursor::end_of_tx(4, 0));
    }

    #[tokio::test]
    async fn after_the_last_event_or_above_the_tip_there_is_nothing_yet() {
        let dir = tempfile::tempdir().expect("dir");
        let query = chain(&dir);

        let after_last = query.events(after("4-0-0")).await.expect("read");
        let after_tip = query.events(after("4-4294967295-4294967295")).await.expect("read");
        let above_tip = query.events(after("900-0-0")).await.expect("read");

        assert_eq!(after_last.items, []);
        assert_eq!(after_last.next, cursor("4-0-4294967295"));
        assert_eq!(after_tip.items, []);
        assert_eq!(above_tip.items, []);
        assert_eq!(above_tip.next, cursor("900-0-0"));
    }

    #[tokio::test]
    async fn filters_keep_events_of_a_kind_and_events_naming_an_org() {
        let dir = tempfile::tempdir().expect("dir");
        let query = chain(&dir);
        let filtered = |kind: Option<&str>, org: Option<&str>| EventParams {
            kind: kind.map(str::to_owned),
            org: org.map(OrgId::from),
            ..EventParams::default()
        };

        let members = query.events(filtered(Some("member.registered"), None)).await.expect("read");
        let gaj = query.events(filtered(None, Some("xm-gaj"))).await.expect("read");
        let jyj = query.events(filtered(None, Some("xm-jyj"))).await.expect("read");
        let scjg_resources = query
            .events(filtered(Some("resource.registered"), Some("xm-scjg")))
            .await
            .expect("read");
        let none = query.events(filtered(Some("grant.revoked"), None)).await.expect("read");

        assert_eq!(cursors(&members), ["1-0-0", "1-1-0", "4-0-0"]);
        assert_eq!(cursors(&gaj), ["1-0-0", "4-0-0"]);
        // As the grantee of a grant, then as a member's org.
        assert_eq!(cursors(&jyj), ["1-0-1", "1-1-0"]);
        assert_eq!(cursors(&scjg_resources), ["3-1-0"]);
        assert_eq!(none.items, []);
        assert_eq!(none.next, EventCursor::end_of_tx(4, 0));
    }

    #[tokio::test]
    async fn a_bad_filter_or_limit_is_bad_input_naming_the_parameter() {
        let dir = tempfile::tempdir().expect("dir");
        let query = chain(&dir);
        let parameter = |error: QueryError| match error {
            QueryError::BadInput { parameter, .. } => parameter,
            other => panic!("not bad input: {other}"),
        };

        let kind = EventParams { kind: Some("Member Registered".into()), ..EventParams::default() };
        let org = EventParams { org: Some(OrgId::from("xm gaj")), ..EventParams::default() };
        let limit = EventParams { limit: Some(0), ..EventParams::default() };

        assert_eq!(parameter(query.events(kind).await.expect_err("bad kind")), "kind");
        assert_eq!(parameter(query.events(org).await.expect_err("bad org")), "org");
        assert_eq!(parameter(query.events(limit).await.expect_err("bad limit")), "limit");
    }

    #[test]
    fn a_cursor_is_three_decimal_numbers_joined_by_dashes() {
        let parsed = cursor("12-0-3");

        assert_eq!(parsed, EventCursor { height: 12, tx_index: 0, event_index: 3 });
        assert_eq!(parsed.to_string(), "12-0-3");
        assert_eq!(serde_json::to_value(parsed).expect("json"), serde_json::json!("12-0-3"));
        for bad in ["", "12", "12-0", "12-0-3-4", "+12-0-3", "12--3", "a-0-3", "12-0-4294967296"] {
            assert!(bad.parse::<EventCursor>().is_err(), "{bad:?} parsed");
        }
        assert!(cursor("0-0-0") < cursor("0-0-1"));
        assert!(cursor("1-4294967295-4294967295") < cursor("2-0-0"));
    }
}
