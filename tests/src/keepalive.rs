//! A blocking HTTP/1.1 client that keeps its connection open between requests, for load
//! generators: a new TCP connection per tx costs more than admitting the tx.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::Duration,
};

use eyre::{WrapErr, bail, eyre};
use serde_json::Value;

/// The longest a request may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The largest answer read.
const BODY_BYTES_MAX: usize = 64 * 1024 * 1024;

/// One kept-alive connection to a node's API at `addr` (`ip:port`), reopened when it breaks.
#[derive(Debug)]
pub struct KeepAlive {
    addr: String,
    stream: Option<BufReader<TcpStream>>,
}

impl KeepAlive {
    /// A client of `addr`; it connects on the first request.
    pub fn new(addr: impl Into<String>) -> Self {
        Self { addr: addr.into(), stream: None }
    }

    /// Sends one request; the status and the body as JSON (`Null` if it is not JSON). A broken
    /// kept connection is reopened once and the request sent again.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(&str, &[u8])>,
    ) -> eyre::Result<(u16, Value)> {
        let (status, bytes) = match self.exchange(method, path, body) {
            Ok(answer) => answer,
            Err(_) => {
                self.stream = None;
                self.exchange(method, path, body)?
            }
        };
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    fn exchange(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(&str, &[u8])>,
    ) -> eyre::Result<(u16, Vec<u8>)> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.addr)
                .wrap_err_with(|| format!("connecting to {}", self.addr))?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(TIMEOUT))?;
            stream.set_write_timeout(Some(TIMEOUT))?;
            self.stream = Some(BufReader::new(stream));
        }
        let reader = self.stream.as_mut().ok_or_else(|| eyre!("no connection"))?;
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        if let Some((media, bytes)) = body {
            request
                .push_str(&format!("Content-Type: {media}\r\nContent-Length: {}\r\n", bytes.len()));
        }
        request.push_str("\r\n");
        let mut message = request.into_bytes();
        if let Some((_, bytes)) = body {
            message.extend_from_slice(bytes);
        }
        reader.get_mut().write_all(&message)?;
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| eyre!("not an HTTP answer: {line:?}"))?;
        let mut length = None;
        let mut close = false;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                bail!("the connection closed inside the headers");
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let name = name.trim().to_ascii_lowercase();
                let value = value.trim();
                if name == "content-length" {
                    length = value.parse::<usize>().ok();
                } else if name == "connection" && value.eq_ignore_ascii_case("close") {
                    close = true;
                } else if name == "transfer-encoding" {
                    bail!("chunked answers are not read here");
                }
            }
        }
        let length = length.ok_or_else(|| eyre!("the answer has no Content-Length"))?;
        if length > BODY_BYTES_MAX {
            bail!("the answer is {length} bytes");
        }
        let mut bytes = vec![0; length];
        reader.read_exact(&mut bytes)?;
        if close {
            self.stream = None;
        }
        Ok((status, bytes))
    }
}
