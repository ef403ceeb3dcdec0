//! `/workbench/node/v1/...`: the node's REST API on the workbench's own origin. Reads (signed or
//! not) and `POST /v1/txs` are forwarded as they come, with the `Authorization` header of a
//! signed read; nothing else is. The bodies are neither logged nor kept.

use std::time::Duration;

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header},
    response::{IntoResponse, Response},
};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};

/// The longest the node may take to answer.
const TIMEOUT: Duration = Duration::from_secs(15);
/// The largest answer relayed: a full page of large records.
const ANSWER_BYTES_MAX: usize = 16 * 1024 * 1024;

/// The relay to one node.
#[derive(Clone, Debug)]
pub(crate) struct Relay {
    /// `host:port` of the node, if the explorer was given one.
    authority: Option<String>,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Relay {
    pub(crate) fn new(node_url: Option<&str>) -> Self {
        let authority =
            node_url.map(|url| url.trim_start_matches("http://").trim_end_matches('/').to_owned());
        Self { authority, client: Client::builder(TokioExecutor::new()).build_http() }
    }

    async fn forward(
        &self,
        method: Method,
        path: &str,
        query: Option<String>,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Response {
        let Some(authority) = &self.authority else {
            return problem(StatusCode::SERVICE_UNAVAILABLE, "no node is configured");
        };
        if !path.starts_with("v1/") || path.contains("..") {
            return problem(StatusCode::NOT_FOUND, "only the node's /v1/ routes are relayed");
        }
        let target = match &query {
            Some(query) => format!("http://{authority}/{path}?{query}"),
            None => format!("http://{authority}/{path}"),
        };
        let mut request = Request::builder().method(method).uri(target);
        for name in [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT] {
            if let Some(value) = headers.get(&name) {
                request = request.header(name, value.clone());
            }
        }
        let Ok(request) = request.body(Full::new(body)) else {
            return problem(StatusCode::BAD_REQUEST, "the request cannot be relayed");
        };
        let answer = match tokio::time::timeout(TIMEOUT, self.client.request(request)).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) | Err(_) => {
                return problem(StatusCode::BAD_GATEWAY, "the node did not answer");
            }
        };
        let (parts, body) = answer.into_parts();
        let Ok(bytes) = Limited::new(body, ANSWER_BYTES_MAX).collect().await else {
            return problem(StatusCode::BAD_GATEWAY, "the node's answer could not be read");
        };
        let mut response = (parts.status, bytes.to_bytes()).into_response();
        for name in [header::CONTENT_TYPE, header::WWW_AUTHENTICATE] {
            if let Some(value) = parts.headers.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// `GET /workbench/node/{path}`.
pub(crate) async fn get(
    State(relay): State<Relay>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    relay.forward(Method::GET, &path, query, &headers, Bytes::new()).await
}

/// `POST /workbench/node/v1/txs`: a signed tx, borsh-encoded.
pub(crate) async fn post(
    State(relay): State<Relay>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if path != "v1/txs" {
        return problem(StatusCode::METHOD_NOT_ALLOWED, "only POST /v1/txs is relayed");
    }
    relay.forward(Method::POST, &path, None, &headers, body).await
}

fn problem(status: StatusCode, detail: &str) -> Response {
    let body = serde_json::json!({"title": detail, "status": status.as_u16()});
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}
