//! The server's limits and shutdown over real sockets: [`serve`] on 127.0.0.1 with small limits,
//! and clients that misbehave the ways hostile ones do.

use std::{net::SocketAddr, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::oneshot,
    task::JoinHandle,
    time::Instant,
};

use crate::{BUSY_CONNECTIONS_MAX, SHUTDOWN_GRACE, ServeConfig, serve};

/// A node's API serving the dev genesis under `config`, until the sender is used or dropped.
struct Served {
    address: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

async fn start(config: ServeConfig) -> Served {
    let dir = tempfile::tempdir().expect("dir");
    let state = crate::tests::state(&dir);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, state, config, async move {
        let _ = stopped.await;
    }));
    Served { address, stop, task, _dir: dir }
}

/// Long limits, so that only the one a test shortens is reached.
fn patient() -> ServeConfig {
    ServeConfig {
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        request_timeout: Duration::from_secs(60),
        ..ServeConfig::default()
    }
}

async fn connect(address: SocketAddr, head: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connects");
    stream.write_all(head.as_bytes()).await.expect("sends");
    stream
}

/// Reads until the server closes the connection or `within` passes; what came, and whether it
/// closed.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let deadline = Instant::now() + within;
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return (String::from_utf8_lossy(&received).into_owned(), false),
            Ok(Ok(0) | Err(_)) => return (String::from_utf8_lossy(&received).into_owned(), true),
            Ok(Ok(read)) => received.extend_from_slice(&buffer[..read]),
        }
    }
}

/// Reads one answer's head and the start of its body (what one read brings).
async fn read_head(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    while !received.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
            .await
            .expect("an answer within 5 s")
            .expect("reads");
        assert!(read > 0, "closed before answering: {}", String::from_utf8_lossy(&received));
        received.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8_lossy(&received).into_owned()
}

const HEALTH: &str = "GET /health HTTP/1.1\r\nHost: node\r\n\r\n";
const EVENTS: &str = "GET /v1/events HTTP/1.1\r\nHost: node\r\nAccept: text/event-stream\r\n\r\n";

#[tokio::test]
async fn connections_that_send_no_whole_head_in_time_are_closed_slowloris_included() {
    let timeout = Duration::from_millis(600);
    let served = start(ServeConfig { header_read_timeout: timeout, ..patient() }).await;
    let mut silent = connect(served.address, "").await;
    let mut kept_alive = connect(served.address, HEALTH).await;
    let answered = read_head(&mut kept_alive).await;
    let mut slowloris = connect(served.address, "GET /health HTTP/1.1\r\nHost: node\r\n").await;
    let started = Instant::now();
    let trickle = async {
        // One header byte every 100 ms: the head is never whole, but bytes keep coming.
        for _ in 0..50 {
            if slowloris.write_all(b"x").await.is_err() {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        started.elapsed()
    };

    let slowloris_cut = trickle.await;
    let (_, silent_closed) = read_to_close(&mut silent, Duration::from_secs(1)).await;
    let (_, kept_alive_closed) = read_to_close(&mut kept_alive, Duration::from_secs(1)).await;

    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert!(slowloris_cut < Duration::from_secs(3), "the trickling head ran {slowloris_cut:?}");
    assert!(silent_closed, "a connection that never sent a byte stays open");
    assert!(kept_alive_closed, "an idle keep-alive connection stays open");
}

#[tokio::test]
async fn a_body_that_stalls_is_answered_408_after_the_request_timeout() {
    let served =
        start(ServeConfig { request_timeout: Duration::from_millis(500), ..patient() }).await;
    let head = "POST /v1/txs HTTP/1.1\r\nHost: node\r\nContent-Type: application/octet-stream\r\n\
                Content-Length: 100\r\n\r\n0123456789";
    let mut stalled = connect(served.address, head).await;

    let (answer, _) = read_to_close(&mut stalled, Duration::from_secs(5)).await;

    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("/problems/request-timeout"), "{answer}");
}

#[tokio::test]
async fn a_connection_on_which_no_byte_moves_for_the_idle_timeout_is_closed() {
    // The shortest idle timeout allowed: just over the event stream's keep-alive interval.
    let idle = crate::KEEP_ALIVE_INTERVAL + Duration::from_millis(500);
    let served = start(ServeConfig { idle_timeout: idle, ..patient() }).await;
    let head = "POST /v1/txs HTTP/1.1\r\nHost: node\r\nContent-Type: application/octet-stream\r\n\
                Content-Length: 100\r\n\r\n0123456789";
    let mut stalled = connect(served.address, head).await;
    let started = Instant::now();

    let (answer, closed) = read_to_close(&mut stalled, idle * 2).await;

    assert!(closed, "a stalled connection outlived twice the idle timeout");
    assert!(started.elapsed() >= idle - Duration::from_millis(100), "{:?}", started.elapsed());
    assert_eq!(answer, "", "closed without an answer");
}

#[tokio::test]
async fn connections_beyond_the_cap_get_503_with_retry_after_and_beyond_that_are_closed() {
    let cap = 4;
    let served =
        start(ServeConfig { connections_max: cap, event_streams_max: 2, ..patient() }).await;
    let mut held = Vec::new();
    for _ in 0..cap {
        let mut stream = connect(served.address, HEALTH).await;
        read_head(&mut stream).await;
        held.push(stream);
    }

    let mut refused = connect(served.address, HEALTH).await;
    let (busy_answer, busy_closed) = read_to_close(&mut refused, Duration::from_secs(5)).await;
    let mut waiting = Vec::new();
    for _ in 0..BUSY_CONNECTIONS_MAX {
        waiting.push(connect(served.address, "").await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut dropped = connect(served.address, HEALTH).await;
    let (dropped_answer, dropped_closed) =
        read_to_close(&mut dropped, Duration::from_secs(5)).await;
    drop(held.pop());
    drop(waiting);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = connect(served.address, HEALTH).await;
    let again_answer = read_head(&mut again).await;

    assert!(busy_answer.starts_with("HTTP/1.1 503"), "{busy_answer}");
    assert!(busy_answer.to_ascii_lowercase().contains("retry-after: 1\r\n"), "{busy_answer}");
    assert!(busy_answer.contains("/problems/too-many-connections"), "{busy_answer}");
    assert!(busy_closed, "a refused connection is closed after its answer");
    assert_eq!(
        (dropped_answer.as_str(), dropped_closed),
        ("", true),
        "no answer past the busy cap"
    );
    assert!(again_answer.starts_with("HTTP/1.1 200"), "a freed slot serves again: {again_answer}");
}

#[tokio::test]
async fn event_streams_beyond_the_cap_get_503_with_retry_after() {
    let served = start(ServeConfig { event_streams_max: 2, ..patient() }).await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut stream = connect(served.address, EVENTS).await;
        let head = read_head(&mut stream).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        open.push(stream);
    }

    let mut third = connect(served.address, EVENTS).await;
    let answer = read_head(&mut third).await;

    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("retry-after: 1\r\n"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
}

#[tokio::test]
async fn shutdown_ends_every_event_stream_cleanly_and_returns_within_the_grace() {
    let served = start(patient()).await;
    let mut streams = Vec::new();
    for _ in 0..20 {
        let mut stream = connect(served.address, EVENTS).await;
        let head = read_head(&mut stream).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        streams.push(stream);
    }
    let mut idle = connect(served.address, "").await;
    let started = Instant::now();

    served.stop.send(()).expect("the server listens for its stop");
    let returned = tokio::time::timeout(SHUTDOWN_GRACE * 2, served.task).await;
    let took = started.elapsed();
    let (_, idle_closed) = read_to_close(&mut idle, Duration::from_secs(1)).await;

    assert!(matches!(returned, Ok(Ok(Ok(())))), "serve did not return: {returned:?}");
    assert!(took < SHUTDOWN_GRACE, "shutdown took {took:?}");
    assert!(idle_closed);
    for stream in &mut streams {
        let (rest, closed) = read_to_close(stream, Duration::from_secs(1)).await;
        assert!(closed, "a stream stayed open");
        assert!(rest.ends_with("0\r\n\r\n"), "the stream did not end its body: {rest:?}");
    }
    assert!(TcpStream::connect(served.address).await.is_err(), "still accepting");
}
