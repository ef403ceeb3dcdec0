//! The event stream: `GET /v1/events?kind=&org=&after=`, committed events as Server-Sent Events.
//!
//! Each SSE event carries `id:` the event's cursor (`<height>-<tx index>-<event index>`),
//! `event:` its kind (`member.registered`, ...) and `data:` its [`EventView`] in JSON. A stream
//! starts after the cursor of the `Last-Event-ID` header, else after the `after` parameter, else
//! at the tip (only events committed from now on), and sends every later committed event that
//! passes the `kind` and `org` filters in commit order. A client that reconnects with the id of
//! the last event it received therefore misses none and receives none twice. `org` keeps the
//! events one of whose attributes `org`, `provider` or `grantee` names the org
//! ([`onebook_query::ORG_ATTRIBUTES`]). Events of restricted records reach only the readers who
//! may read them (`onebook_query::read_rules`): a member signs the stream's request (`auth.rs`) to receive
//! its own; anonymous streams get the public events. A resumed stream is exact over what its
//! reader may see.
//!
//! The stream notices new blocks by looking at the store's tip every [`TIP_POLL_INTERVAL`]; it
//! holds at most one page of events ([`PAGE_ITEMS_MAX`]) at a time, sends a keep-alive comment
//! every [`KEEP_ALIVE_INTERVAL`] and ends if the store cannot be read (the client reconnects).
//! At most `event_streams_max` streams are open at once ([`EVENT_STREAMS_MAX`] by default); one
//! more is a 503 problem with `Retry-After`. When the node shuts down, every stream ends after the
//! event it is sending, so the node stops at once and its clients resume elsewhere.
//!
//! `GET /v1/event-pages?after=&kind=&org=&limit=` answers the same events one
//! [`EventPage`] at a time in JSON, for a client that polls: from the first block when `after`
//! is absent, at most `limit` events (1 to 100, 20 by default), and `next` to read on from.

use std::{collections::VecDeque, convert::Infallible, sync::Arc, time::Duration};

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
    http::HeaderMap,
    response::sse::{Event as SseEvent, KeepAlive, Sse},
};
use futures_util::{Stream, StreamExt as _};
use onebook_query::{
    EventCursor, EventPage, EventParams, EventView, LedgerQuery, NodeRead, SharedQuery,
};
use onebook_types::{ids::OrgId, limits::PAGE_ITEMS_MAX};
use serde::Deserialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use utoipa::IntoParams;

use crate::{
    ApiState,
    auth::Reader,
    openapi::{BadRequest, Unauthorized, Unavailable},
    problem::Problem,
    records::parsed,
    visibility::may_read_event,
};

/// Most event streams open at once on one node, by default (`[api] event_streams_max`).
pub const EVENT_STREAMS_MAX: usize = 128;
/// How often a stream that has sent every committed event looks at the tip for a new block.
pub const TIP_POLL_INTERVAL: Duration = Duration::from_millis(150);
/// How often an idle stream sends a keep-alive comment.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(10);

/// The header a reconnecting SSE client names its last event's id in.
const LAST_EVENT_ID: &str = "last-event-id";

/// The open streams, counted against their most, and the node's shutdown, which ends them.
#[derive(Clone, Debug)]
pub(crate) struct EventStreams {
    permits: Arc<Semaphore>,
    max: usize,
    /// Turns `true` when the node shuts down.
    closing: watch::Receiver<bool>,
}

impl EventStreams {
    /// At most `max` streams, each ended when `closing` turns `true`.
    pub(crate) fn new(max: usize, closing: watch::Receiver<bool>) -> Self {
        Self { permits: Arc::new(Semaphore::new(max)), max, closing }
    }

    /// Resolves when the node shuts down (never, if the sender is gone without saying so).
    fn closed(&self) -> impl Future<Output = ()> + Send + 'static + use<> {
        let mut closing = self.closing.clone();
        async move {
            if closing.wait_for(|closing| *closing).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// The query string of `GET /v1/events`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsQuery {
    /// Only events of this kind, such as `grant.issued`.
    #[param(pattern = "^[a-z_.]{1,64}$")]
    kind: Option<String>,
    /// Only events whose `org`, `provider` or `grantee` attribute names this org.
    #[param(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    org: Option<String>,
    /// Start after this cursor, `<height>-<tx index>-<event index>` (when no `Last-Event-ID`).
    #[param(
        pattern = "^[0-9]{1,19}-([0-9]{1,9}|[0-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5])-([0-9]{1,9}|[0-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5])$"
    )]
    after: Option<String>,
}

/// One open stream: where it is and the events read but not yet sent.
struct Follower {
    node: Arc<dyn NodeRead>,
    query: SharedQuery,
    params: EventParams,
    /// Who reads: events of restricted records it may not read are not sent
    /// (`onebook_query::read_rules`).
    reader: Reader,
    unsent: VecDeque<EventView>,
    /// Held while the stream lives, so it counts against the most streams open.
    _permit: OwnedSemaphorePermit,
}

/// Committed events as Server-Sent Events, in commit order: each with `id:` its cursor,
/// `event:` its kind and `data:` its view in JSON, and a keep-alive comment when idle. A stream
/// starts after `Last-Event-ID`, else after `after`, else at the tip.
#[utoipa::path(
    get,
    path = "/v1/events",
    tag = "events",
    params(
        EventsQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "The cursor of the last event \
            received, to resume after it."),
    ),
    responses(
        (status = 200, description = "The stream; each event's `data:` is an `EventView`.",
            body = String, content_type = "text/event-stream"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn events(
    State(state): State<ApiState>,
    Extension(streams): Extension<EventStreams>,
    Extension(reader): Extension<Reader>,
    headers: HeaderMap,
    params: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, Problem> {
    let params = parsed(params)?;
    let after = match headers.get(LAST_EVENT_ID) {
        Some(value) => {
            let text = value.to_str().map_err(|_| {
                Problem::bad_request("header `Last-Event-ID`: is not visible ASCII text")
            })?;
            text.trim()
                .parse()
                .map_err(|rule| Problem::bad_request(format!("header `Last-Event-ID`: {rule}")))?
        }
        None => match &params.after {
            Some(text) => parse_after(text)?,
            None => {
                let tip = state.node.tip_height().map_err(|error| Problem::unavailable(&error))?;
                EventCursor::end_of_block(tip.0)
            }
        },
    };
    let permit = Arc::clone(&streams.permits).try_acquire_owned().map_err(|_| {
        Problem::busy(
            "too-many-event-streams",
            "too many event streams are open",
            format!("this node serves at most {} event streams; retry later", streams.max),
        )
    })?;
    let query = state.query.clone();
    let params = EventParams {
        after: Some(after),
        kind: params.kind,
        org: params.org.map(OrgId),
        limit: Some(PAGE_ITEMS_MAX as u64),
    };
    // The first page checks the filters, so a bad one is a 400 before the stream starts.
    let first = query.events(params.clone()).await?;
    let mut params = params;
    params.after = Some(first.next);
    let follower = Follower {
        node: Arc::clone(&state.node),
        query,
        params,
        reader,
        unsent: first.items.into(),
        _permit: permit,
    };
    let stream = futures_util::stream::unfold(follower, next_event).take_until(streams.closed());
    let keep_alive = KeepAlive::new().interval(KEEP_ALIVE_INTERVAL).text("keep-alive");
    Ok(Sse::new(stream).keep_alive(keep_alive))
}

/// The query string of `GET /v1/event-pages`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventPageQuery {
    /// Only events after this cursor, `<height>-<tx index>-<event index>`; from the first block
    /// by default.
    #[param(
        pattern = "^[0-9]{1,19}-([0-9]{1,9}|[0-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5])-([0-9]{1,9}|[0-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5])$"
    )]
    after: Option<String>,
    /// Only events of this kind, such as `grant.issued`.
    #[param(pattern = "^[a-z_.]{1,64}$")]
    kind: Option<String>,
    /// Only events whose `org`, `provider` or `grantee` attribute names this org.
    #[param(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    org: Option<String>,
    /// Events in the page: 1 to 100, 20 by default.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// The events after `after` that pass the filters, as one JSON page; read on from its `next`.
///
/// The paged form of the event stream, for clients that poll: from the first block when `after`
/// is absent, at most `limit` events (1 to 100, 20 by default) a page.
#[utoipa::path(
    get,
    path = "/v1/event-pages",
    tag = "events",
    params(EventPageQuery),
    responses(
        (status = 200, description = "A page of events.", body = EventPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn event_page(
    State(query): State<SharedQuery>,
    params: Result<Query<EventPageQuery>, QueryRejection>,
) -> Result<Json<EventPage>, Problem> {
    let params = parsed(params)?;
    let after = params.after.as_deref().map(parse_after).transpose()?;
    let params =
        EventParams { after, kind: params.kind, org: params.org.map(OrgId), limit: params.limit };
    Ok(Json(query.events(params).await?))
}

/// The cursor of parameter `after`.
fn parse_after(text: &str) -> Result<EventCursor, Problem> {
    text.parse().map_err(|rule| Problem::bad_request(format!("parameter `after`: {rule}")))
}

/// The stream's next SSE event, waiting for a new block when every committed one is sent;
/// `None` ends the stream.
async fn next_event(mut follower: Follower) -> Option<(Result<SseEvent, Infallible>, Follower)> {
    loop {
        if let Some(view) = follower.unsent.pop_front() {
            let visible =
                may_read_event(&follower.query, &follower.reader, &view.kind, &view.attributes);
            match visible.await {
                Ok(true) => return Some((Ok(sse_event(&view)?), follower)),
                Ok(false) => continue,
                Err(error) => {
                    let problem = Problem::from(error);
                    tracing::warn!(detail = %problem.detail, "event stream ended: a rule could not be read");
                    return None;
                }
            }
        }
        let tip_before = follower.node.tip_height().ok()?;
        let page = match follower.query.events(follower.params.clone()).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(%error, "event stream ended: the store could not be read");
                return None;
            }
        };
        let caught_up = page.items.is_empty() && follower.params.after == Some(page.next);
        follower.params.after = Some(page.next);
        if caught_up {
            // Every event up to `tip_before` is sent; later ones come with a later block. A page
            // that is empty only because its read was bounded moved `next` on, and reads on now.
            while follower.node.tip_height().ok()? <= tip_before {
                tokio::time::sleep(TIP_POLL_INTERVAL).await;
            }
        }
        follower.unsent.extend(page.items);
    }
}

/// `view` as an SSE event: `id:` its cursor, `event:` its kind, `data:` its JSON.
fn sse_event(view: &EventView) -> Option<SseEvent> {
    let event = SseEvent::default().id(view.cursor.to_string());
    // An SSE field cannot hold a line break; the ledger's kinds never do, and one that did is
    // still sent, as an unnamed event.
    let event = if view.kind.contains(['\r', '\n']) { event } else { event.event(&view.kind) };
    match event.json_data(view) {
        Ok(event) => Some(event),
        Err(error) => {
            tracing::warn!(%error, "event stream ended: an event could not be written");
            None
        }
    }
}
