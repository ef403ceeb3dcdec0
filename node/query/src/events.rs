//! Committed events in commit order, after a cursor, for the event stream.
//!
//! Every event sits at a position `(height, tx index, event index)`: the block, the tx's place in
//! it, and the event's place in the tx's receipt. Positions only grow, so a reader that keeps the
//! cursor of the last event it received and asks for the events after it gets every later event
//! exactly once. Events are read straight from the stored receipts, whose keys are in position
//! order; blocks without txs hold no receipts and cost nothing to pass.
//!
//! The org filter keeps an event when one of its attributes in [`ORG_ATTRIBUTES`] names the org.
//! The receipts hold no other org data for an event: the orgs a tx touched are indexed by org,
//! not by position, so they cannot be read per event without a scan of every org.

use std::{fmt, str::FromStr};

use onebook_storage::{RECEIPTS_READ_MAX, Store, TxLocation};
use onebook_types::{block::Event, hash::Hash32, ids::OrgId};
use serde::{Deserialize, Serialize};

use crate::{QueryError, ledger::page_limit};

/// The attributes of an event whose value is an org id: the org a member, resource, report or
/// request belongs to (`org`), the org providing the data (`provider`), and the org a grant is
/// for (`grantee`).
pub const ORG_ATTRIBUTES: [&str; 3] = ["org", "provider", "grantee"];

/// Most receipts one [`LedgerQuery::events`](crate::LedgerQuery::events) read goes through, so
/// a filter that matches nothing answers in bounded time; the page's `next` says where to go on.
pub const EVENTS_SCANNED_TXS_MAX: usize = 4 * RECEIPTS_READ_MAX;

/// Longest event kind a filter may name, in bytes.
pub const EVENT_KIND_BYTES_MAX: usize = 64;

/// The position of an event: its block, its tx's index in the block, its index in the tx's
/// receipt. Written `<height>-<tx index>-<event index>`, as in `12-0-3`. Ordered as the chain
/// committed the events.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct EventCursor {
    /// The block's height.
    pub height: u64,
    /// The tx's index in the block.
    pub tx_index: u32,
    /// The event's index in the tx's receipt.
    pub event_index: u32,
}

impl EventCursor {
    /// The position after every event of the block at `height` and before any later one.
    pub const fn end_of_block(height: u64) -> Self {
        Self { height, tx_index: u32::MAX, event_index: u32::MAX }
    }

    /// The position after every event of the tx at `location`.
    const fn end_of_tx(location: TxLocation) -> Self {
        Self { height: location.height.0, tx_index: location.index, event_index: u32::MAX }
    }
}

impl fmt::Display for EventCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.height, self.tx_index, self.event_index)
    }
}

impl FromStr for EventCursor {
    /// The rule the text breaks, as a sentence.
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let rule =
            || format!("{text:?} is not a cursor <height>-<tx index>-<event index>, as 12-0-3");
        let mut parts = text.split('-');
        let (Some(height), Some(tx_index), Some(event_index), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(rule());
        };
        // `parse` takes a leading `+`; a cursor is digits only.
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if ![height, tx_index, event_index].into_iter().all(digits) {
            return Err(rule());
        }
        Ok(Self {
            height: height.parse().map_err(|_| rule())?,
            tx_index: tx_index.parse().map_err(|_| rule())?,
            event_index: event_index.parse().map_err(|_| rule())?,
        })
    }
}

impl TryFrom<String> for EventCursor {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<EventCursor> for String {
    fn from(cursor: EventCursor) -> Self {
        cursor.to_string()
    }
}

/// In JSON a cursor is its text, `<height>-<tx index>-<event index>`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for EventCursor {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        onebook_types::openapi::text_schema(
            "The position of an event: `<height>-<tx index>-<event index>`.",
            "^[0-9]+-[0-9]+-[0-9]+$",
            "12-0-3",
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for EventCursor {}

/// Which events to read and from where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventParams {
    /// Only events after this position; from the first block when `None`.
    pub after: Option<EventCursor>,
    /// Only events of this kind, such as `member.registered`.
    pub kind: Option<String>,
    /// Only events one of whose [`ORG_ATTRIBUTES`] names this org.
    pub org: Option<OrgId>,
    /// Events in the page: 1 to [`PAGE_ITEMS_MAX`](onebook_types::limits::PAGE_ITEMS_MAX),
    /// [`LIMIT_DEFAULT`](crate::LIMIT_DEFAULT) when `None`.
    pub limit: Option<u64>,
}

/// One committed event and where it sits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    /// Its position as `<height>-<tx index>-<event index>`: pass it as `after` (or as the SSE
    /// `Last-Event-ID`) to read the events after it.
    pub cursor: EventCursor,
    /// The block's height.
    pub height: u64,
    /// The tx's index in the block.
    pub tx_index: u32,
    /// The event's index in the tx's receipt.
    pub event_index: u32,
    /// The tx that raised it.
    pub tx_hash: Hash32,
    /// What happened, as `record.verb`, such as `grant.issued`.
    pub kind: String,
    /// Its details, as ordered name-value pairs.
    pub attributes: Vec<(String, String)>,
}

/// A page of events and where the next read goes on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPage {
    /// The events, in commit order.
    pub items: Vec<EventView>,
    /// Pass as `after` to read on: the last item's cursor when the page is full, else the
    /// position after everything read (which may name no event, as `7-2-4294967295`). The
    /// `after` asked when nothing was committed after it yet.
    pub next: EventCursor,
}

/// The filters of `params`, checked.
struct Filter {
    kind: Option<String>,
    org: Option<OrgId>,
}

impl Filter {
    fn new(params: &EventParams) -> Result<Self, QueryError> {
        if let Some(kind) = &params.kind {
            let well_formed = !kind.is_empty()
                && kind.len() <= EVENT_KIND_BYTES_MAX
                && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.');
            if !well_formed {
                let rule = format!(
                    "{kind:?} is not an event kind: 1 to {EVENT_KIND_BYTES_MAX} lower-case \
                     letters, `_` and `.`, as member.registered"
                );
                return Err(QueryError::bad_input("kind", rule));
            }
        }
        if let Some(org) = &params.org {
            onebook_types::ids::check_id(org.as_str())
                .map_err(|error| QueryError::bad_input("org", error.to_string()))?;
        }
        Ok(Self { kind: params.kind.clone(), org: params.org.clone() })
    }

    fn keeps(&self, event: &Event) -> bool {
        let kind_ok = self.kind.as_ref().is_none_or(|kind| event.kind == *kind);
        let org_ok = self.org.as_ref().is_none_or(|org| {
            event.attributes.iter().any(|(name, value)| {
                ORG_ATTRIBUTES.contains(&name.as_str()) && value.as_str() == org.as_str()
            })
        });
        kind_ok && org_ok
    }
}

/// The committed events after `params.after` that pass its filters, one page.
pub(crate) fn events(store: &Store, params: &EventParams) -> Result<EventPage, QueryError> {
    let limit = page_limit(params.limit)?;
    let filter = Filter::new(params)?;
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
                items.push(view(cursor, receipt.tx_hash, event));
                if items.len() == limit {
                    return Ok(EventPage { items, next: cursor });
                }
            }
            scanned = scanned.max(EventCursor::end_of_tx(*location));
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

fn view(cursor: EventCursor, tx_hash: Hash32, event: &Event) -> EventView {
    EventView {
        cursor,
        height: cursor.height,
        tx_index: cursor.tx_index,
        event_index: cursor.event_index,
        tx_hash,
        kind: event.kind.clone(),
        attributes: event.attributes.clone(),
    }
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
        assert_eq!(
            after_tx.next,
            EventCursor::end_of_tx(TxLocation { height: onebook_types::ids::Height(4), index: 0 })
        );
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
        assert_eq!(
            none.next,
            EventCursor::end_of_tx(TxLocation { height: onebook_types::ids::Height(4), index: 0 })
        );
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
