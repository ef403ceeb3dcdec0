//! [`BlockingHttp`]: [`HttpQuery`] for callers without an async runtime of their own, such as
//! the command line, the demo seeder and the test harness (feature `client`).
//!
//! Each client runs its requests on a small runtime of its own and waits for them on the
//! calling thread, so it may be called from any thread, inside another tokio runtime or not.

use std::{future::Future, io, time::Duration};

use hyper::body::Bytes;
use onebook_types::keys::SecretKey;

use crate::{HttpQuery, QueryError, client::Streamed};

/// A blocking face of [`HttpQuery`]: the same requests, answered on the calling thread.
#[derive(Debug)]
pub struct BlockingHttp {
    query: HttpQuery,
    /// `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
}

impl BlockingHttp {
    /// A client of the node at `base_url` (`http://host:port` or `host:port`, as
    /// [`HttpQuery::new`] takes it).
    pub fn new(base_url: &str) -> Result<Self, QueryError> {
        Self::over(HttpQuery::new(base_url)?)
    }

    /// The blocking face of `query`.
    pub fn over(query: HttpQuery) -> Result<Self, QueryError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("onebook-http")
            .enable_all()
            .build()
            .map_err(|error| QueryError::Unavailable {
                reason: format!("the HTTP client's runtime cannot start: {error}"),
            })?;
        Ok(Self { query, runtime: Some(runtime) })
    }

    /// The same client, signing every request with the member key `reader`
    /// ([`HttpQuery::with_reader`]).
    pub fn with_reader(&self, reader: SecretKey) -> Result<Self, QueryError> {
        Self::over(self.query.with_reader(reader))
    }

    /// The async client underneath.
    pub fn query(&self) -> &HttpQuery {
        &self.query
    }

    /// Runs `call` with the async client and waits for its answer.
    pub fn run<T, F>(&self, call: impl FnOnce(HttpQuery) -> F) -> Result<T, QueryError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, QueryError>> + Send + 'static,
    {
        let Some(runtime) = &self.runtime else {
            return Err(QueryError::Unavailable { reason: "the HTTP client has stopped".into() });
        };
        let (answer, wait) = std::sync::mpsc::sync_channel(1);
        let future = call(self.query.clone());
        runtime.spawn(async move {
            // The caller waits on the other end; it is gone only if it stopped waiting.
            let _ = answer.send(future.await);
        });
        wait.recv().map_err(|_| QueryError::Unavailable {
            reason: "the HTTP request stopped before it was answered".into(),
        })?
    }

    /// [`HttpQuery::exchange`]: one request, its status and body whatever the status.
    pub fn exchange(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<(u16, Vec<u8>), QueryError> {
        self.exchange_with(method, path_and_query, &[], body)
    }

    /// [`HttpQuery::exchange_with`]: as [`BlockingHttp::exchange`], with extra header lines.
    pub fn exchange_with(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<(u16, Vec<u8>), QueryError> {
        let (method, path_and_query) = (method.to_owned(), path_and_query.to_owned());
        let headers: Vec<(String, String)> =
            headers.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
        let body = body.map(|(media_type, bytes)| (media_type.to_owned(), bytes));
        self.run(|query| async move {
            let body =
                body.as_ref().map(|(media_type, bytes)| (media_type.as_str(), bytes.clone()));
            query.exchange_with(&method, &path_and_query, &headers, body).await
        })
    }
}

impl Drop for BlockingHttp {
    fn drop(&mut self) {
        // A runtime dropped inside another runtime's context must not block.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// One request to the server at `addr` (`host:port`) on a client of its own: the status and the
/// body whatever the status. For one-off calls; a caller that sends many keeps a
/// [`BlockingHttp`].
pub fn request(
    addr: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
) -> Result<(u16, Vec<u8>), QueryError> {
    BlockingHttp::new(addr)?.exchange_with(method, path_and_query, headers, body)
}

/// Opens the download of `url` (`http://host:port/path`, any server, not only a node's API), at
/// most `limit_bytes` long: the answer's body, read as it arrives by [`Download`]'s [`io::Read`],
/// so a file larger than memory (a state snapshot) is checked while it downloads. A `url` that is
/// not `http://` is [`QueryError::BadInput`] of parameter `url`; see
/// [`HttpQuery::get_streamed`] for the answers refused.
pub fn download(url: &str, limit_bytes: u64) -> Result<Download, QueryError> {
    let (base_url, path_and_query) = crate::client::split_url(url)?;
    let client = BlockingHttp::new(&base_url)?;
    let stream = client
        .run(move |query| async move { query.get_streamed(&path_and_query, limit_bytes).await })?;
    Ok(Download { client, stream: Some(stream), chunk: Bytes::new() })
}

/// A download opened by [`download`]: its body as an [`io::Read`], on the client's own runtime.
/// A read that fails ([`Streamed::next_chunk`]: past the limit, too slow, broken off) is an
/// [`io::Error`] whose source is the [`QueryError`], and ends the download.
#[derive(Debug)]
pub struct Download {
    client: BlockingHttp,
    /// `None` once the body ended or failed.
    stream: Option<Streamed>,
    /// What is left of the last chunk.
    chunk: Bytes,
}

impl Download {
    /// The size the server announced (`Content-Length`), if it did.
    pub fn size_bytes(&self) -> Option<u64> {
        self.stream.as_ref().and_then(Streamed::size_bytes)
    }
}

impl io::Read for Download {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            let Some(mut stream) = self.stream.take() else { return Ok(0) };
            let next = self.client.run(move |_| async move {
                let chunk = stream.next_chunk().await;
                Ok((stream, chunk))
            });
            match next {
                Ok((stream, Ok(Some(chunk)))) => {
                    self.stream = Some(stream);
                    self.chunk = chunk;
                }
                Ok((_, Ok(None))) => return Ok(0),
                Ok((_, Err(error))) | Err(error) => return Err(io::Error::other(error)),
            }
        }
        let length = buffer.len().min(self.chunk.len());
        buffer[..length].copy_from_slice(&self.chunk.split_to(length));
        Ok(length)
    }
}

/// How long an admitted tx may be found neither pending nor committed before it counts as lost.
const TX_UNKNOWN_WAIT: Duration = Duration::from_secs(5);

/// Follows the answers of `GET /v1/txs/{hash}` for a tx the node admitted: a 404 is read again
/// for a while, since the node looks in its store before its mempool, so a tx committed between
/// the two looks is briefly found in neither.
#[derive(Debug, Default)]
pub struct TxPoll {
    unknown_since: Option<std::time::Instant>,
}

impl TxPoll {
    /// Whether an answer with `status` (not a committed receipt) means to ask again: a pending
    /// tx (200), or a 404 within a few seconds of the first.
    pub fn again(&mut self, status: u16) -> bool {
        match status {
            200 => {
                self.unknown_since = None;
                true
            }
            404 => {
                self.unknown_since.get_or_insert_with(std::time::Instant::now).elapsed()
                    < TX_UNKNOWN_WAIT
            }
            _ => false,
        }
    }
}

/// A problem's title and detail (RFC 9457), or the body as it came.
pub fn problem_text(body: &serde_json::Value) -> String {
    match (body["title"].as_str(), body["detail"].as_str()) {
        (Some(title), Some(detail)) => format!("{title}: {detail}"),
        _ => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::{
        io::{Read, Write},
        net::TcpListener,
        sync::mpsc,
        thread,
    };

    /// A server on a loopback port that answers one request with `response` and then keeps the
    /// connection open until the test ends (it is told on the returned channel), as
    /// `chromedriver` does despite `Connection: close`.
    fn server_that_keeps_the_connection(response: &'static [u8]) -> (String, mpsc::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
        let addr = listener.local_addr().expect("addr").to_string();
        let (done, wait) = mpsc::channel::<()>();
        thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accepts");
            let mut request = [0_u8; 4096];
            let _ = stream.read(&mut request).expect("reads the request");
            stream.write_all(response).expect("answers");
            let _ = wait.recv();
        });
        (addr, done)
    }

    #[test]
    fn a_body_ends_at_its_content_length_even_if_the_server_keeps_the_connection() {
        let (addr, done) = server_that_keeps_the_connection(
            b"HTTP/1.1 200 OK\r\nContent-Length:11\r\nConnection:close\r\n\r\n{\"ok\":true}",
        );

        let answer = super::request(&addr, "GET", "/status", &[], None).expect("an answer");

        assert_eq!(answer, (200, b"{\"ok\":true}".to_vec()));
        drop(done);
    }

    #[test]
    fn a_chunked_body_ends_at_its_last_chunk_even_if_the_server_keeps_the_connection() {
        let (addr, done) = server_that_keeps_the_connection(
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnone\r\n3\r\n he\r\n2\r\nre\r\n0\r\n\r\n",
        );

        let answer = super::request(&addr, "GET", "/x", &[], None).expect("an answer");

        assert_eq!(answer, (404, b"none here".to_vec()));
        drop(done);
    }

    #[tokio::test]
    async fn a_blocking_request_is_answered_inside_a_tokio_runtime_too() {
        let (addr, done) =
            server_that_keeps_the_connection(b"HTTP/1.1 200 OK\r\nContent-Length:2\r\n\r\nok");

        let answer = super::request(&addr, "GET", "/", &[], None).expect("an answer");

        assert_eq!(answer, (200, b"ok".to_vec()));
        drop(done);
    }

    /// The answer head and body of a download of `body` bytes, announced or chunked.
    fn download_answer(body: &[u8], announced: bool) -> &'static [u8] {
        let mut answer = Vec::new();
        if announced {
            answer.extend(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).bytes(),
            );
            answer.extend(body);
        } else {
            answer.extend(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for chunk in body.chunks(1_000) {
                answer.extend(format!("{:x}\r\n", chunk.len()).bytes());
                answer.extend(chunk);
                answer.extend(b"\r\n");
            }
            answer.extend(b"0\r\n\r\n");
        }
        answer.leak()
    }

    fn snapshot_like(length: usize) -> Vec<u8> {
        (0..length).map(|index| (index % 251) as u8).collect()
    }

    #[test]
    fn a_download_within_its_limit_streams_every_byte_announced_or_chunked() {
        let body = snapshot_like(100_000);
        for announced in [true, false] {
            let (addr, done) = server_that_keeps_the_connection(download_answer(&body, announced));

            let mut download = super::download(&format!("http://{addr}/state.snapshot"), 100_000)
                .expect("the download opens");
            let size = download.size_bytes();
            let mut read = Vec::new();
            download.read_to_end(&mut read).expect("the whole body");

            assert_eq!(size, announced.then_some(100_000));
            assert_eq!(read, body, "announced: {announced}");
            drop(done);
        }
    }

    #[test]
    fn a_download_over_its_limit_is_refused_naming_the_limit() {
        let body = snapshot_like(10_000);
        let (addr, done) = server_that_keeps_the_connection(download_answer(&body, true));
        let (chunked_addr, chunked_done) =
            server_that_keeps_the_connection(download_answer(&body, false));

        let announced = super::download(&format!("http://{addr}/state.snapshot"), 9_999)
            .expect_err("announced over the limit");
        let mut chunked = super::download(&format!("http://{chunked_addr}/s"), 4_500)
            .expect("a chunked answer announces no size");
        let mut read = Vec::new();
        let streamed = chunked.read_to_end(&mut read).expect_err("runs past the limit");

        let announced = announced.to_string();
        assert!(announced.contains("limit_bytes") && announced.contains("announces 10000 bytes"));
        assert!(announced.contains("limit of 9999 bytes"), "{announced}");
        // Every byte up to the limit may be read, never one past it.
        assert!((3_501..=4_500).contains(&read.len()), "{} bytes read", read.len());
        let source = streamed.get_ref().map(ToString::to_string).unwrap_or_default();
        assert!(source.contains("runs past 4500 bytes"), "{streamed}");
        drop((done, chunked_done));
    }

    #[test]
    fn a_download_of_an_error_answer_or_a_url_that_is_not_http_is_refused() {
        let (addr, done) = server_that_keeps_the_connection(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnone",
        );

        let missing = super::download(&format!("http://{addr}/gone"), 1_000).expect_err("404");
        let https = super::download("https://example.org/state.snapshot", 1_000).expect_err("tls");

        assert!(missing.to_string().contains("none"), "{missing}");
        assert!(matches!(https, crate::QueryError::BadInput { parameter: "url", .. }), "{https}");
        drop(done);
    }
}
