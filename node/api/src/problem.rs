//! RFC 9457 problem details: every error the API answers.

use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use onebook_chain::ChainAdmitError;
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
}

impl From<ChainAdmitError> for Problem {
    fn from(error: ChainAdmitError) -> Self {
        let detail = error.to_string();
        let admit = match error {
            ChainAdmitError::Admit(admit) => admit,
            ChainAdmitError::Storage(cause) => return Self::unavailable(&cause),
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
        response
    }
}
