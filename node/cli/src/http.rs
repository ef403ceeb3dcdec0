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
    let mut response = Vec::new();
    stream.take(RESPONSE_BYTES_MAX).read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or_else(|| eyre!("no HTTP header end in the response from {addr}"))?;
    let head = String::from_utf8_lossy(&response[..split]);
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| eyre!("no status in {head:?}"))?;
    let body = &response[split + 4..];
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Ok((status, body))
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
