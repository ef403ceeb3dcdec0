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

use onebook_types::{block::Event, hash::Hash32, ids::OrgId};
use serde::{Deserialize, Serialize};

use crate::QueryError;

/// The attributes of an event whose value is an org id: the org a member, resource, report or
/// request belongs to (`org`), the org providing the data (`provider`), and the org a grant is
/// for (`grantee`).
pub const ORG_ATTRIBUTES: [&str; 3] = ["org", "provider", "grantee"];

/// Most receipts one [`LedgerQuery::events`](crate::LedgerQuery::events) read goes through, so
/// a filter that matches nothing answers in bounded time; the page's `next` says where to go on.
pub const EVENTS_SCANNED_TXS_MAX: usize = 1_024;

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

    /// The position after every event of the tx at `tx_index` in the block at `height`.
    pub const fn end_of_tx(height: u64, tx_index: u32) -> Self {
        Self { height, tx_index, event_index: u32::MAX }
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

/// The filters of an [`EventParams`], checked: what every reader of events keeps.
#[derive(Clone, Debug)]
pub struct EventFilter {
    kind: Option<String>,
    org: Option<OrgId>,
}

impl EventFilter {
    /// The filters of `params`; a malformed kind or org is bad input.
    pub fn new(params: &EventParams) -> Result<Self, QueryError> {
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

    /// Whether `event` passes the filters.
    pub fn keeps(&self, event: &Event) -> bool {
        let kind_ok = self.kind.as_ref().is_none_or(|kind| event.kind == *kind);
        let org_ok = self.org.as_ref().is_none_or(|org| {
            event.attributes.iter().any(|(name, value)| {
                ORG_ATTRIBUTES.contains(&name.as_str()) && value.as_str() == org.as_str()
            })
        });
        kind_ok && org_ok
    }
}

impl EventView {
    /// The view of `event`, at `cursor` in the tx `tx_hash`.
    pub fn new(cursor: EventCursor, tx_hash: Hash32, event: &Event) -> Self {
        Self {
            cursor,
            height: cursor.height,
            tx_index: cursor.tx_index,
            event_index: cursor.event_index,
            tx_hash,
            kind: event.kind.clone(),
            attributes: event.attributes.clone(),
        }
    }
}
