//! A minimal blocking HTTP/1.1 client for a node's REST API: one request per connection
//! (`Connection: close`), bounded by timeouts, enough for the CLI and the test harness.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use eyre::{WrapErr, eyre};

/// How long a connection may wait to be written or read.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response read.
const RESPONSE_BYTES_MAX: u64 = 64 * 1024 * 1024;

/// Sends one request to `addr` (`host:port`): `method path`, with `body` as
/// (media type, bytes) if any. The status and the body's bytes (de-chunked).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> eyre::Result<(u16, Vec<u8>)> {
    request_with_headers(addr, method, path, &[], body)
}

/// As [`request`], with extra header lines `(name, value)` (an `Authorization` of a signed read,
/// a `Last-Event-ID`).
pub fn request_with_headers(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> eyre::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr).wrap_err_with(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let (content_type, payload) = body.unwrap_or(("application/json", &[]));
    if let Some((name, _)) = headers
        .iter()
        .find(|(name, value)| name.contains(['\r', '\n', ':']) || value.contains(['\r', '\n']))
    {
        eyre::bail!("header {name:?}: a header name or value cannot hold a line break");
    }
    let extra: String =
        headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(payload)?;
    let (head, body) = read_response(&mut stream, addr)?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| eyre!("no status in {head:?}"))?;
    Ok((status, body))
}

/// Reads one response from `stream`: its head and its body (de-chunked). The body ends where its
/// `Content-Length` or its last chunk says, or at the end of the stream if the head says neither,
/// so a server that keeps the connection open after answering (as `chromedriver` does despite
/// `Connection: close`) is read as soon as it has answered.
fn read_response(stream: &mut TcpStream, addr: &str) -> eyre::Result<(String, Vec<u8>)> {
    let mut response = Vec::new();
    let mut chunk = [0_u8; 16 * 1024];
    let mut reader = stream.take(RESPONSE_BYTES_MAX);
    let (head, body_start) = loop {
        if let Some(split) = response.windows(4).position(|window| window == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&response[..split]).into_owned(), split + 4);
        }
        let read = reader.read(&mut chunk)?;
        if read == 0 {
            eyre::bail!("no HTTP header end in the response from {addr}");
        }
        response.extend_from_slice(&chunk[..read]);
    };
    let lower = head.to_ascii_lowercase();
    let header = |name: &str| {
        lower.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == name).then(|| value.trim().to_owned())
        })
    };
    let chunked = header("transfer-encoding").is_some_and(|value| value.contains("chunked"));
    let length: Option<usize> =
        if chunked { None } else { header("content-length").and_then(|value| value.parse().ok()) };
    loop {
        let body = &response[body_start..];
        let complete = match length {
            Some(length) => body.len() >= length,
            None => chunked && (body.starts_with(b"0\r\n") || body.ends_with(b"\r\n0\r\n\r\n")),
        };
        if complete {
            break;
        }
        let read = reader.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        response.extend_from_slice(&chunk[..read]);
    }
    let body = &response[body_start..];
    let body = match length {
        Some(length) => body[..length.min(body.len())].to_vec(),
        None if chunked => dechunk(body),
        None => body.to_vec(),
    };
    Ok((head, body))
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

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|window| window == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 || body.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[(end + 4 + size).min(body.len())..];
    }
    out
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
    /// connection open until the test ends (it is told on the returned channel).
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

        let answer = super::request(&addr, "GET", "/status", None).expect("an answer");

        assert_eq!(answer, (200, b"{\"ok\":true}".to_vec()));
        drop(done);
    }

    #[test]
    fn a_chunked_body_ends_at_its_last_chunk_even_if_the_server_keeps_the_connection() {
        let (addr, done) = server_that_keeps_the_connection(
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnone\r\n3\r\n he\r\n2\r\nre\r\n0\r\n\r\n",
        );

        let answer = super::request(&addr, "GET", "/x", None).expect("an answer");

        assert_eq!(answer, (404, b"none here".to_vec()));
        drop(done);
    }
}
