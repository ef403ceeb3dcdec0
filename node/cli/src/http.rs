//! The CLI's requests to a node's REST API, over the typed client
//! ([`onebook_query::BlockingHttp`]), and how it reads their answers.

use onebook_query::BlockingHttp;
pub use onebook_query::blocking::{TxPoll, problem_text};
use onebook_types::keys::SecretKey;

/// Sends one request to `addr` (`host:port`): `method path`, with `body` as (media type, bytes)
/// if any. The status and the body's bytes.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> eyre::Result<(u16, Vec<u8>)> {
    request_with_headers(addr, method, path, &[], body)
}

/// As [`request`], with extra header lines `(name, value)` (an `Authorization` of a signed read
/// at a chosen time).
pub fn request_with_headers(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> eyre::Result<(u16, Vec<u8>)> {
    let body = body.map(|(media_type, bytes)| (media_type, bytes.to_vec()));
    Ok(onebook_query::blocking::request(addr, method, path, headers, body)?)
}

/// As [`request`], signed by the member key `reader` (a signed read, `docs/formats.md` §18).
pub fn request_as(
    addr: &str,
    reader: &SecretKey,
    method: &str,
    path: &str,
) -> eyre::Result<(u16, Vec<u8>)> {
    // The same key, in its own suite: an SM2 reader signs its reads in SM2.
    let reader = SecretKey::from_seed_in(reader.suite(), reader.seed())?;
    let client = BlockingHttp::new(addr)?.with_reader(reader)?;
    Ok(client.exchange(method, path, None)?)
}
