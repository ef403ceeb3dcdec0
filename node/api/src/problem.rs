//! RFC 9457 problem details: every error the API answers.

use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use onebook_chain::{ChainAdmitError, ChainStorageError};
use onebook_mempool::AdmitError;
use onebook_storage::StorageError;
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer: `type` is a stable slug under `/problems/`, `title` a sentence, `detail`
/// what was wrong with this request; `code` and `rejection` name a ledger rule where one applies.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `/problems/<slug>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What kind of problem it is.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What was wrong with this request.
    pub detail: String,
    /// The stable rejection code, where a ledger rule was the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// The rejection's name, where a ledger rule was the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejection: Option<String>,
    /// Seconds to wait before retrying, sent as the `Retry-After` header (not in the body).
    #[serde(skip)]
    pub retry_after_secs: Option<u32>,
}

impl Problem {
    /// A problem with `status`, slug and title, and `detail`.
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: None,
            rejection: None,
            retry_after_secs: None,
        }
    }

    /// 404: no such thing.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "not found", format!("no {what}"))
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", "the request is malformed", detail)
    }

    /// The answer to a failed read of the store: [`Problem::store_damaged`] if the store is
    /// damaged, else [`Problem::unavailable`].
    pub fn storage(error: &StorageError) -> Self {
        if error.is_damage() { Self::store_damaged(error) } else { Self::unavailable(error) }
    }

    /// 500: the node's store is damaged (a checksum refused, a value that does not decode or is
    /// missing). Retrying this node cannot help: the reader should ask another node, and the
    /// operator must restore or resync this one. The store counted and logged the damage.
    pub fn store_damaged(cause: &dyn std::fmt::Display) -> Self {
        tracing::debug!(error = %cause, "read refused: store damaged");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store-damaged",
            "the node's store is damaged",
            "this node found damaged data in its store and cannot serve this read; ask another \
             node of the consortium (this one reports itself unhealthy at /health until its \
             operator restores or resyncs it)",
        )
    }

    /// 503: the node cannot read its own store; the cause goes to the log, not the caller.
    pub fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "store read failed");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the node cannot answer now",
            "the node's store could not be read",
        )
    }

    /// 503 with `Retry-After`: the node is at one of its limits (connections, event streams);
    /// the client retries after [`RETRY_AFTER_SECS`].
    pub fn busy(slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            retry_after_secs: Some(RETRY_AFTER_SECS),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, slug, title, detail)
        }
    }

    /// The problem of an error answer that was not written as one (axum's 405 and extractor
    /// rejections, tower-http's 408 and 413), from its status and, for a 4xx other than those,
    /// its text.
    fn of_status(status: StatusCode, text: Option<String>) -> Self {
        let (slug, title, detail) = match status {
            StatusCode::METHOD_NOT_ALLOWED => (
                "method-not-allowed",
                "the method is not allowed on this path",
                "header `Allow` lists the methods this path answers".to_owned(),
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "request-timeout",
                "the request took too long",
                "the request was not read and answered within the node's `request_timeout`"
                    .to_owned(),
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "body-too-large",
                "the request body is too large",
                format!("a request body is at most {} bytes", crate::REQUEST_BODY_BYTES_MAX),
            ),
            _ if status.is_client_error() => (
                "bad-request",
                "the request is malformed",
                text.unwrap_or_else(|| status.to_string()),
            ),
            _ => ("internal", "the node could not answer", status.to_string()),
        };
        Self::new(status, slug, title, detail)
    }
}

impl From<ChainAdmitError> for Problem {
    fn from(error: ChainAdmitError) -> Self {
        let detail = error.to_string();
        let admit = match error {
            ChainAdmitError::Admit(admit) => admit,
            ChainAdmitError::Storage(cause) => {
                return match &*cause {
                    ChainStorageError::Store(error) => Self::storage(error),
                    _ => Self::unavailable(&cause),
                };
            }
        };
        let (status, slug, title) = match &admit {
            AdmitError::TooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "tx-too-large", "the tx is too large")
            }
            AdmitError::Decode(_) => {
                (StatusCode::BAD_REQUEST, "tx-malformed", "the tx cannot be decoded")
            }
            AdmitError::WrongChain { .. } => {
                (StatusCode::BAD_REQUEST, "wrong-chain", "the tx is for another chain")
            }
            AdmitError::Duplicate { .. } => {
                (StatusCode::CONFLICT, "tx-duplicate", "the tx is already waiting")
            }
            AdmitError::BadSignature => {
                (StatusCode::BAD_REQUEST, "bad-signature", "the signature does not verify")
            }
            AdmitError::NonceUsed { .. } => {
                (StatusCode::CONFLICT, "nonce-used", "the nonce is already used")
            }
            AdmitError::NonceGap { .. } => {
                (StatusCode::CONFLICT, "nonce-gap", "the nonce skips ahead")
            }
            AdmitError::Refused(_) => {
                (StatusCode::FORBIDDEN, "tx-refused", "the ledger would refuse the tx")
            }
            AdmitError::Full { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "mempool-full", "the mempool is full")
            }
        };
        let mut problem = Self::new(status, slug, title, detail);
        if let AdmitError::Refused(rejection) = admit {
            problem.code = Some(rejection.code());
            problem.rejection = Some(rejection.name());
        }
        problem
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after_secs = self.retry_after_secs;
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        // Every 401 of this API is a missing or refused signed read (`auth.rs`).
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Onebook"));
        }
        if let Some(seconds) = retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// The seconds a client is asked to wait (`Retry-After`) when the node is at a limit.
pub const RETRY_AFTER_SECS: u32 = 1;

/// The most bytes of an error body that [`problem_json`] reads to reuse as `detail`.
const ERROR_TEXT_BYTES_MAX: usize = 4 * 1024;

/// Turns every error answer that is not already `application/problem+json` into a problem with
/// the same status and headers: the text of a plain-text error becomes its `detail`. Axum's 405
/// (which has no body) and its extractors' rejections, and the 408 and 413 of the tower-http
/// layers, come out of the router this way; so every 4xx and 5xx of the API is a problem.
pub(crate) async fn problem_json(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    let is_text = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("text/plain"));
    let text = if is_text {
        axum::body::to_bytes(body, ERROR_TEXT_BYTES_MAX)
            .await
            .ok()
            .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    } else {
        None
    };
    let mut answer = Problem::of_status(status, text).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_refused_admission_answers_by_what_the_store_found() {
        let storage = |error: StorageError| {
            ChainAdmitError::Storage(Arc::new(ChainStorageError::Store(error)))
        };

        let damaged = Problem::from(storage(StorageError::Missing { what: "tip" }));
        let unreadable = Problem::from(storage(StorageError::Empty));

        assert_eq!((damaged.status, damaged.kind.as_str()), (500, "/problems/store-damaged"));
        assert_eq!((unreadable.status, unreadable.kind.as_str()), (503, "/problems/unavailable"));
    }
}
