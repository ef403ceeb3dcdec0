//! The event stream route over a real store, driven through the router: Server-Sent Events read
//! frame by frame from the response body.

use std::{sync::Arc, time::Duration};

use axum::{
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
};
use futures_util::StreamExt;
use onebook_query::test_utils::{self, commit_events, event};
use onebook_storage::{Store, StoreConfig};
use tower::ServiceExt;

use crate::EVENT_STREAMS_MAX;

/// Height 1: two txs, the first with two events. Height 2: no txs. Height 3: one tx, one event.
fn app(dir: &tempfile::TempDir) -> (axum::Router, Arc<Store>) {
    let store = Arc::new(Store::open(&StoreConfig::new(dir.path())).expect("store opens"));
    test_utils::init(&store, vec![]);
    commit_events(
        &store,
        vec![
            vec![
                event("member.registered", &[("org", "xm-gaj")]),
                event("grant.issued", &[("grantee", "xm-jyj")]),
            ],
            vec![event("member.registered", &[("org", "xm-jyj")])],
        ],
    );
    commit_events(&store, vec![]);
    commit_events(&store, vec![vec![event("resource.registered", &[("org", "xm-scjg")])]]);
    (crate::record_tests::app_over(Arc::clone(&store)), store)
}

fn get(uri: &str, last_event_id: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri);
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    request.body(Body::empty()).expect("request")
}

/// One SSE event as it came: its `id:`, `event:` and `data:` fields.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) data: serde_json::Value,
}

/// Reads `count` events from an open stream's body, failing after five seconds.
pub(crate) async fn read_events(
    body: &mut axum::body::BodyDataStream,
    count: usize,
) -> Vec<Received> {
    let mut text = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while events.len() < count {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {count} events came: {events:?}", events.len()))
            .expect("the stream is open")
            .expect("a chunk");
        text.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        while let Some(end) = text.find("\n\n") {
            let frame: String = text.drain(..end + 2).collect();
            let field = |name: &str| {
                frame.lines().find_map(|line| line.strip_prefix(name)).map(str::to_owned)
            };
            if let (Some(id), Some(kind), Some(data)) =
                (field("id: "), field("event: "), field("data: "))
            {
                let data = serde_json::from_str(&data).expect("json data");
                events.push(Received { id, kind, data });
            }
        }
    }
    events
}

pub(crate) async fn open(app: &axum::Router, request: Request<Body>) -> axum::body::BodyDataStream {
    let response = app.clone().oneshot(request).await.expect("the router answers");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers().get(header::CONTENT_TYPE).expect("a content type");
    assert_eq!(content_type, "text/event-stream");
    response.into_body().into_data_stream()
}

async fn problem(app: &axum::Router, request: Request<Body>) -> (StatusCode, serde_json::Value) {
    let response = app.clone().oneshot(request).await.expect("the router answers");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&bytes).expect("a problem"))
}

fn ids(events: &[Received]) -> Vec<&str> {
    events.iter().map(|event| event.id.as_str()).collect()
}

#[tokio::test]
async fn a_stream_after_the_start_sends_every_event_with_its_cursor_kind_and_view() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);

    let mut body = open(&app, get("/v1/events?after=0-0-0", None)).await;
    let events = read_events(&mut body, 4).await;

    assert_eq!(ids(&events), ["1-0-0", "1-0-1", "1-1-0", "3-0-0"]);
    assert_eq!(events[1].kind, "grant.issued");
    assert_eq!(events[1].data["cursor"], "1-0-1");
    assert_eq!(events[1].data["kind"], "grant.issued");
    assert_eq!(events[1].data["attributes"], serde_json::json!([["grantee", "xm-jyj"]]));
    assert_eq!(events[3].data["height"], 3);
}

#[tokio::test]
async fn last_event_id_takes_precedence_over_after() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);

    let mut body = open(&app, get("/v1/events?after=0-0-0", Some("1-0-1"))).await;
    let events = read_events(&mut body, 2).await;

    assert_eq!(ids(&events), ["1-1-0", "3-0-0"]);
}

#[tokio::test]
async fn a_stream_without_a_cursor_starts_at_the_tip_and_sends_new_events_as_blocks_commit() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, store) = app(&dir);
    let mut body = open(&app, get("/v1/events", None)).await;

    commit_events(&store, vec![vec![event("member.registered", &[("org", "xm-gaj")])]]);
    commit_events(&store, vec![]);
    commit_events(&store, vec![vec![], vec![event("grant.issued", &[("grantee", "xm-gaj")])]]);
    let events = read_events(&mut body, 2).await;

    assert_eq!(ids(&events), ["4-0-0", "6-1-0"]);
}

#[tokio::test]
async fn filters_keep_events_of_the_kind_and_the_org_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);

    let mut members = open(&app, get("/v1/events?after=0-0-0&kind=member.registered", None)).await;
    let mut jyj = open(&app, get("/v1/events?after=0-0-0&org=xm-jyj", None)).await;

    assert_eq!(ids(&read_events(&mut members, 2).await), ["1-0-0", "1-1-0"]);
    assert_eq!(ids(&read_events(&mut jyj, 2).await), ["1-0-1", "1-1-0"]);
}

#[tokio::test]
async fn a_bad_cursor_filter_or_parameter_is_a_400_naming_it() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);

    let cases = [
        (get("/v1/events", Some("1-0")), "Last-Event-ID"),
        (get("/v1/events?after=0-0-0", Some("x")), "Last-Event-ID"),
        (get("/v1/events?after=1-0-x", None), "after"),
        (get("/v1/events?kind=Member%20Registered", None), "kind"),
        (get("/v1/events?org=xm%20gaj", None), "org"),
        (get("/v1/events?since=1-0-0", None), "since"),
    ];

    for (request, named) in cases {
        let (status, problem) = problem(&app, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{named}: {problem}");
        let detail = problem["detail"].as_str().expect("a detail");
        assert!(detail.contains(named), "{named}: {detail}");
    }
}

#[tokio::test]
async fn one_stream_beyond_the_limit_is_a_503_until_another_closes() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);
    let mut open_streams = Vec::new();
    for _ in 0..EVENT_STREAMS_MAX {
        open_streams.push(open(&app, get("/v1/events", None)).await);
    }

    let (status, refused) = problem(&app, get("/v1/events", None)).await;
    drop(open_streams.pop());
    let reopened = app.clone().oneshot(get("/v1/events", None)).await.expect("answers");

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused["type"], "/problems/too-many-event-streams");
    assert_eq!(reopened.status(), StatusCode::OK);
}

/// The server notices a hang-up while the stream waits for a block, not only at its next write,
/// so a client that drops and reconnects does not hold two slots.
#[tokio::test]
async fn a_client_that_hangs_up_while_the_stream_waits_frees_its_slot() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().expect("dir");
    let (app, _) = app(&dir);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let request = b"GET /v1/events HTTP/1.1\r\nHost: node\r\n\r\n";
    let mut hung_up = Vec::new();
    for _ in 0..EVENT_STREAMS_MAX {
        let mut client = tokio::net::TcpStream::connect(address).await.expect("connects");
        client.write_all(request).await.expect("sent");
        let mut head = [0u8; 64];
        let read = client.read(&mut head).await.expect("the head comes");
        assert!(head[..read].starts_with(b"HTTP/1.1 200"), "{:?}", &head[..read]);
        hung_up.push(client);
    }

    drop(hung_up);
    let started = tokio::time::Instant::now();
    let mut answer = Vec::new();
    while started.elapsed() < Duration::from_secs(5) {
        let mut client = tokio::net::TcpStream::connect(address).await.expect("connects");
        client.write_all(request).await.expect("sent");
        let mut head = [0u8; 64];
        let read = client.read(&mut head).await.expect("the head comes");
        answer = head[..read].to_vec();
        if answer.starts_with(b"HTTP/1.1 200") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert!(answer.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
}

#[tokio::test]
async fn a_filtered_stream_reads_past_more_unmatched_events_than_one_read_scans() {
    let dir = tempfile::tempdir().expect("dir");
    let (app, store) = app(&dir);
    // Three bounded reads' worth of events that do not match, then one that does.
    let unmatched = vec![event("grant.issued", &[("grantee", "xm-jyj")])];
    for _ in 0..3 {
        commit_events(&store, vec![unmatched.clone(); onebook_query::EVENTS_SCANNED_TXS_MAX]);
    }
    commit_events(&store, vec![vec![event("grant.revoked", &[("grantee", "xm-jyj")])]]);

    let mut body = open(&app, get("/v1/events?after=3-0-0&kind=grant.revoked", None)).await;
    let events = read_events(&mut body, 1).await;

    assert_eq!(ids(&events), ["7-0-0"]);
}
