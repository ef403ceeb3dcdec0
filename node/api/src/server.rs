//! How a node serves its API: HTTP/1.1 connections, each served by hyper under the limits of
//! [`ServeConfig`], and a graceful shutdown that ends the event streams (ADR 0015).
//!
//! | limit | what happens beyond it |
//! |---|---|
//! | `header_read_timeout` | a connection that has not sent a whole request head this long after it opened or after its last answer is closed (hyper's `header_read_timeout`): idle keep-alive connections and slowloris heads alike |
//! | `idle_timeout` | a connection on which no byte moved either way for this long is closed: a client that stopped reading its answer (an event stream too, which writes a keep-alive every [`KEEP_ALIVE_INTERVAL`]) or stalled its body |
//! | `request_timeout` | a request whose body is not read and answered this long after its head is answered 408 (tower-http's `TimeoutLayer`) |
//! | `connections_max` | one more connection is answered 503 with `Retry-After` and closed; beyond [`BUSY_CONNECTIONS_MAX`] such answers at once, it is closed without one |
//! | `event_streams_max` | one more `GET /v1/events` is answered 503 with `Retry-After` |
//! | [`REQUEST_BODY_BYTES_MAX`] | a body on any route is refused with 413 (tower-http's `RequestBodyLimitLayer`) |
//!
//! On shutdown the node stops accepting, ends every event stream after the event it is sending
//! (a client resumes elsewhere with `Last-Event-ID`), lets the requests in flight finish for up to
//! [`SHUTDOWN_GRACE`], and then closes whatever is left.
//!
//! [`KEEP_ALIVE_INTERVAL`]: crate::KEEP_ALIVE_INTERVAL
//! [`REQUEST_BODY_BYTES_MAX`]: crate::REQUEST_BODY_BYTES_MAX

use std::{
    convert::Infallible,
    io,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
    time::Instant,
};
use tower_http::timeout::TimeoutLayer;

use crate::{ApiState, events::EventStreams, problem::Problem};

/// Connections beyond `connections_max` that are answered 503 at once; more are closed unanswered.
pub const BUSY_CONNECTIONS_MAX: usize = 64;
/// How long requests in flight may run on after shutdown begins; then their connections close.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// The most bytes hyper buffers for one connection (a request head must fit; larger is a 431).
const CONNECTION_BUFFER_BYTES_MAX: usize = 16 * 1024;
/// How long the accept loop waits after an accept error (such as too many open files).
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// The limits a node serves its API under (`[api]` in the node's configuration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeConfig {
    /// How long a connection may take to send a whole request head, counted from when it opened
    /// or when its last answer was sent.
    pub header_read_timeout: Duration,
    /// How long a connection may go with no byte read or written before it is closed; longer
    /// than [`KEEP_ALIVE_INTERVAL`](crate::KEEP_ALIVE_INTERVAL), so an event stream whose
    /// client reads is never idle.
    pub idle_timeout: Duration,
    /// How long a request may take, from its head, to have its body read and its answer begun.
    pub request_timeout: Duration,
    /// The most connections served at once.
    pub connections_max: usize,
    /// The most event streams (`GET /v1/events`) open at once; at most `connections_max`.
    pub event_streams_max: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            connections_max: 1024,
            event_streams_max: crate::EVENT_STREAMS_MAX,
        }
    }
}

impl ServeConfig {
    /// Checks that the limits fit together; the error is a sentence naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        let zero = Duration::ZERO;
        if self.header_read_timeout == zero || self.request_timeout == zero {
            return Err("header_read_timeout and request_timeout must be more than 0s".into());
        }
        if self.idle_timeout <= crate::KEEP_ALIVE_INTERVAL {
            return Err(format!(
                "idle_timeout must be longer than the event stream's keep-alive interval ({}s)",
                crate::KEEP_ALIVE_INTERVAL.as_secs()
            ));
        }
        if self.connections_max == 0 || self.event_streams_max == 0 {
            return Err("connections_max and event_streams_max must be at least 1".into());
        }
        if self.event_streams_max > self.connections_max {
            return Err(format!(
                "event_streams_max ({}) must not exceed connections_max ({}): each stream is a \
                 connection",
                self.event_streams_max, self.connections_max
            ));
        }
        Ok(())
    }
}

/// Serves the API on `listener` under `config` until `shutdown` resolves, then shuts down
/// gracefully (see the module doc) and returns within [`SHUTDOWN_GRACE`].
///
/// # Panics
/// If `config` does not pass [`ServeConfig::validate`].
pub async fn serve(
    listener: TcpListener,
    state: ApiState,
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    if let Err(error) = config.validate() {
        panic!("the API's serve config is checked before serving: {error}");
    }
    let (closing, closed) = watch::channel(false);
    let streams = EventStreams::new(config.event_streams_max, closed);
    let app = crate::routes::app(state, streams)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
        .layer(axum::middleware::map_response(crate::problem::problem_json));
    let served = Arc::new(Semaphore::new(config.connections_max));
    let overflow = Arc::new(Semaphore::new(BUSY_CONNECTIONS_MAX));
    let graceful = GracefulShutdown::new();
    let (abort, aborted) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::warn!(%error, "api: accepting a connection failed");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (stream, progress) = Watched::new(stream);
        let limits = Limits { idle: config.idle_timeout, aborted: aborted.clone() };
        if let Ok(permit) = Arc::clone(&served).try_acquire_owned() {
            let service = TowerToHyperService::new(app.clone());
            let connection = http1_builder(&config).serve_connection(TokioIo::new(stream), service);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                limits.run(connection, &progress).await;
                drop(permit);
            });
        } else if let Ok(permit) = Arc::clone(&overflow).try_acquire_owned() {
            let service = hyper::service::service_fn(|_| async { Ok::<_, Infallible>(busy()) });
            let connection = http1_builder(&config)
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service);
            tokio::spawn(async move {
                limits.run(connection, &progress).await;
                drop(permit);
            });
        } else {
            tracing::debug!("api: connection closed unanswered: too many connections");
        }
    }
    drop(listener);
    // Streams end first, so their connections finish their answers and close.
    let _ = closing.send(true);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!(grace = ?SHUTDOWN_GRACE, "api: closing the connections still open");
    }
    let _ = abort.send(true);
    Ok(())
}

/// The HTTP/1.1 settings of every connection.
fn http1_builder(config: &ServeConfig) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_buf_size(CONNECTION_BUFFER_BYTES_MAX);
    builder
}

/// The answer to a connection beyond `connections_max`.
fn busy() -> Response {
    Problem::busy(
        "too-many-connections",
        "the node serves too many connections",
        "the node is at its connection limit (`[api] connections_max`); retry later",
    )
    .into_response()
}

/// What ends a connection besides its own end: no progress for `idle`, or the end of the
/// shutdown grace.
struct Limits {
    idle: Duration,
    aborted: watch::Receiver<bool>,
}

impl Limits {
    /// Runs `connection` until it ends, it has been idle for `self.idle` by `progress`, or the
    /// server aborts what is left after its grace; dropping it closes the socket.
    async fn run<C: Future>(mut self, connection: C, progress: &Progress) {
        tokio::pin!(connection);
        loop {
            let deadline = progress.last() + self.idle;
            tokio::select! {
                _ = &mut connection => return,
                () = tokio::time::sleep_until(deadline) => {
                    if progress.last() + self.idle <= Instant::now() {
                        tracing::debug!("api: idle connection closed");
                        return;
                    }
                }
                _ = self.aborted.wait_for(|aborted| *aborted) => return,
            }
        }
    }
}

/// When a connection last moved a byte, in ms since it opened.
#[derive(Debug)]
struct Progress {
    opened: Instant,
    last_ms: AtomicU64,
}

impl Progress {
    fn touch(&self) {
        let elapsed = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.fetch_max(elapsed, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.opened + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

/// A socket that notes in its [`Progress`] every read or write that moved bytes.
struct Watched {
    inner: TcpStream,
    progress: Arc<Progress>,
}

impl Watched {
    fn new(inner: TcpStream) -> (Self, Arc<Progress>) {
        let progress = Arc::new(Progress { opened: Instant::now(), last_ms: AtomicU64::new(0) });
        (Self { inner, progress: Arc::clone(&progress) }, progress)
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.progress.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.progress.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.progress.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
