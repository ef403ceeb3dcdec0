//! `GET /events`: the ledger's new blocks and events, relayed by the explorer as Server-Sent
//! Events so the browser talks to the explorer alone.
//!
//! The relay looks at the tip every [`POLL_INTERVAL`]. For each new block it sends an event
//! `block` (the block's summary, with its time and proposer as text), and for each event the
//! block's txs raised an event `ledger` (its view and its label), whose `id:` is the event's
//! cursor. It starts at the tip, holds at most a page of each at a time, and ends when the
//! ledger cannot be read (the browser reconnects by itself). At most [`STREAMS_MAX`] relays run
//! at once.

use std::{collections::VecDeque, convert::Infallible, sync::Arc, time::Duration};

use axum::{
    extract::State,
    http::StatusCode,
    response::{
        IntoResponse, Response,
        sse::{Event as SseEvent, KeepAlive, Sse},
    },
};
use onebook_query::{EventCursor, EventParams, LedgerQuery, PageParams};
use onebook_types::limits::PAGE_ITEMS_MAX;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{App, html, i18n::Lang};

/// How often a relay looks for a new block.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Most relays open at once.
pub(crate) const STREAMS_MAX: usize = 64;
/// Most blocks one poll announces; a relay far behind skips to the newest.
const BLOCKS_PER_POLL_MAX: u64 = 10;

/// The open relays, counted against [`STREAMS_MAX`].
#[derive(Clone, Debug)]
pub(crate) struct Streams(Arc<Semaphore>);

impl Default for Streams {
    fn default() -> Self {
        Self(Arc::new(Semaphore::new(STREAMS_MAX)))
    }
}

struct Relay<Q> {
    query: Q,
    lang: Lang,
    /// The last height announced.
    height: u64,
    /// The cursor of the last event sent.
    after: EventCursor,
    unsent: VecDeque<SseEvent>,
    _permit: OwnedSemaphorePermit,
}

pub(crate) async fn events<Q: LedgerQuery>(State(app): State<App<Q>>, lang: Lang) -> Response {
    let Ok(permit) = Arc::clone(&app.streams.0).try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many live streams; retry later")
            .into_response();
    };
    let tip = match app.query.tip().await {
        Ok(tip) => tip.height,
        Err(error) => {
            tracing::warn!(%error, "live stream not started: the ledger could not be read");
            return (StatusCode::SERVICE_UNAVAILABLE, "the ledger cannot be read").into_response();
        }
    };
    let relay = Relay {
        query: app.query.clone(),
        lang,
        height: tip,
        after: EventCursor::end_of_block(tip),
        unsent: VecDeque::new(),
        _permit: permit,
    };
    let stream = futures_util::stream::unfold(relay, next);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response()
}

async fn next<Q: LedgerQuery>(
    mut relay: Relay<Q>,
) -> Option<(Result<SseEvent, Infallible>, Relay<Q>)> {
    loop {
        if let Some(event) = relay.unsent.pop_front() {
            return Some((Ok(event), relay));
        }
        let tip = match relay.query.tip().await {
            Ok(tip) => tip.height,
            Err(error) => {
                tracing::warn!(%error, "live stream ended: the ledger could not be read");
                return None;
            }
        };
        if tip <= relay.height {
            tokio::time::sleep(POLL_INTERVAL).await;
            continue;
        }
        if let Err(error) = read_blocks(&mut relay, tip).await {
            tracing::warn!(%error, "live stream ended: the ledger could not be read");
            return None;
        }
    }
}

/// Queues the blocks up to `tip` and the events they raised.
async fn read_blocks<Q: LedgerQuery>(
    relay: &mut Relay<Q>,
    tip: u64,
) -> Result<(), onebook_query::QueryError> {
    let count = (tip - relay.height).min(BLOCKS_PER_POLL_MAX);
    let page = PageParams { cursor: Some(tip.to_string()), limit: Some(count) };
    let mut blocks = relay.query.blocks(page).await?.items;
    blocks.reverse();
    let validators = relay.query.validators(None).await?;
    for block in blocks {
        let proposer = validators
            .validators
            .iter()
            .find(|v| v.node_key == block.proposer)
            .map_or_else(|| html::short(&block.proposer.to_hex()), |v| v.org.as_str().to_owned());
        let mut data = serde_json::to_value(&block).unwrap_or_default();
        data["time_text"] = html::time_text(block.time).into();
        data["proposer_text"] = proposer.into();
        relay.unsent.push_back(SseEvent::default().event("block").data(data.to_string()));
    }
    let params = EventParams {
        after: Some(relay.after),
        kind: None,
        org: None,
        limit: Some(PAGE_ITEMS_MAX as u64),
    };
    let events = relay.query.events(params).await?;
    for view in events.items.into_iter().filter(|view| view.height <= tip) {
        let mut data = serde_json::to_value(&view).unwrap_or_default();
        data["label"] = relay.lang.t(&view.kind).into_owned().into();
        // The attributes as the pages show them: labelled, times and enum values in words.
        let lang = relay.lang;
        let details: Vec<[String; 2]> = view
            .attributes
            .iter()
            .map(|(name, value)| {
                let value = serde_json::Value::String(value.clone());
                [lang.t(name).into_owned(), html::scalar_text(lang, name, &value)]
            })
            .collect();
        data["details"] = serde_json::to_value(details).unwrap_or_default();
        relay.after = view.cursor;
        relay.unsent.push_back(
            SseEvent::default().event("ledger").id(view.cursor.to_string()).data(data.to_string()),
        );
    }
    // Events past one page are skipped: the page shows the latest, not a complete log.
    relay.after = relay.after.max(EventCursor::end_of_block(tip));
    relay.height = tip;
    Ok(())
}
