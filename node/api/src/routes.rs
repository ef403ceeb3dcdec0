//! The routes and their handlers.

use std::sync::Arc;

use axum::{
    Extension, Json, Router,
    body::Bytes,
    extract::{
        DefaultBodyLimit, Path, State,
        rejection::{BytesRejection, JsonRejection},
    },
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use onebook_chain::TxGate;
use onebook_query::{LedgerQuery, NoncesView, StatusView, Submitted, TxStatusView};
use onebook_storage::Store;
use onebook_types::{hash::Hash32, ids::ChainId, keys::PublicKey, limits::TX_BYTES_MAX};
use serde::Deserialize;
use utoipa::{OpenApi as _, ToSchema};
use utoipa_axum::{router::OpenApiRouter, router::UtoipaMethodRouterExt as _, routes};

use crate::{
    auth::Reader,
    openapi::{
        BadRequest, MempoolFull, NotFound, TxConflict, TxRefused, TxTooLarge, Unauthorized,
        Unavailable, UnsupportedMediaType,
    },
    problem::Problem,
};

/// What the handlers read and write through.
#[derive(Clone, Debug)]
pub struct ApiState {
    /// The node's store.
    pub store: Arc<Store>,
    /// The node's mempool, behind its admission checks.
    pub gate: TxGate,
    /// The chain this node serves.
    pub chain_id: ChainId,
    /// Gossips the txs this node admits from its clients to the consortium's other nodes.
    pub gossip: Option<onebook_network::TxGossip>,
    /// Records the signed reads served, when the policy says so (`reads.rs`); `None` on a node
    /// without an operator key, which then refuses signed reads while the policy is on.
    pub reads: Option<crate::ReadRecorder>,
}

/// The API's routes over `state`, with the OpenAPI document at `/openapi.json` and Swagger UI
/// at `/docs/`.
pub fn router(state: ApiState) -> Router {
    let (router, document) = documented(state).split_for_parts();
    router.layer(axum::Extension(crate::openapi::Served(Arc::new(document))))
}

/// Every route of the API with its OpenAPI document. A route is registered here only with
/// `routes!`, from its handler's `#[utoipa::path]`, so the router and the document come from
/// one source (`openapi.rs`); this crate's `clippy.toml` disallows the other ways.
pub(crate) fn documented(state: ApiState) -> OpenApiRouter {
    let counters = Arc::new(crate::metrics::RequestCounters::default());
    let metrics = OpenApiRouter::new()
        .routes(routes!(crate::metrics::metrics))
        .with_state((state.clone(), Arc::clone(&counters)));
    // The signatures of signed reads seen within the window live here, one set per router.
    let auth = crate::auth::Auth::new(Arc::clone(&state.store), state.reads.clone());
    let event_streams = crate::events::EventStreams::new(crate::events::EVENT_STREAMS_MAX);
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(status))
        .routes(routes!(submit_tx))
        .routes(routes!(tx_status))
        .routes(routes!(nonces))
        .routes(routes!(crate::blocks::blocks))
        .routes(routes!(crate::blocks::block))
        .routes(routes!(crate::blocks::block_txs))
        .routes(routes!(crate::blocks::validators))
        .routes(routes!(crate::proofs::record))
        .routes(routes!(crate::proofs::tx))
        .routes(routes!(crate::proofs::access_event))
        .routes(routes!(crate::checkpoints::list))
        .routes(routes!(crate::checkpoints::one))
        .routes(routes!(crate::checkpoints::evidence))
        .routes(routes!(crate::checkpoints::cosign))
        .routes(routes!(crate::records::orgs))
        .routes(routes!(crate::records::org))
        .routes(routes!(crate::records::members))
        .routes(routes!(crate::records::member))
        .routes(routes!(crate::records::proposals))
        .routes(routes!(crate::records::proposal))
        .routes(routes!(crate::records::catalog_entries))
        .routes(routes!(crate::records::catalog_entry))
        .routes(routes!(crate::records::catalog_entry_versions))
        .routes(routes!(crate::records::resources))
        .routes(routes!(crate::records::resource))
        .routes(routes!(crate::records::share_requests))
        .routes(routes!(crate::records::share_request))
        .routes(routes!(crate::records::grants))
        .routes(routes!(crate::records::grant))
        .routes(routes!(crate::records::access_events))
        .routes(routes!(crate::records::access_event))
        .routes(routes!(crate::records::violations))
        .routes(routes!(crate::records::violation))
        .routes(routes!(crate::records::quality_reports))
        .routes(routes!(crate::records::quality_report))
        .routes(routes!(crate::records::applications))
        .routes(routes!(crate::records::application))
        .routes(routes!(crate::records::objections))
        .routes(routes!(crate::records::objection))
        .routes(routes!(crate::records::certificates))
        .routes(routes!(crate::records::certificate))
        .routes(routes!(crate::records::obligations))
        .routes(routes!(crate::search::overdue))
        .routes(routes!(crate::records::obligation))
        .routes(routes!(crate::timeline::timeline))
        .routes(routes!(crate::search::search))
        .routes(routes!(crate::events::event_page))
        .routes(routes!(crate::events::events).layer(axum::Extension(event_streams)))
        .routes(routes!(crate::openapi::document))
        .routes(routes!(crate::openapi::docs_root))
        .routes(routes!(crate::openapi::docs_index))
        .routes(routes!(crate::openapi::docs_file))
        // A hex-encoded tx in JSON is twice its size, plus the envelope.
        .layer(DefaultBodyLimit::max(2 * TX_BYTES_MAX + 1024))
        .layer(axum::middleware::from_fn_with_state(auth, crate::auth::authenticate))
        .fallback(|| async { Problem::not_found("such route") })
        .with_state(state)
        .merge(metrics)
        .layer(axum::middleware::from_fn_with_state(counters, crate::metrics::count))
}

/// Whether the node serves: `ok` while it does.
#[utoipa::path(
    get,
    path = "/health",
    tag = "node",
    responses(
        (status = 200, description = "The node serves.", body = String, content_type = "text/plain",
            example = "ok"),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
async fn health() -> &'static str {
    "ok"
}

/// The chain's status: its id, tip height, block hash, state root and time, and the txs waiting.
#[utoipa::path(
    get,
    path = "/v1/status",
    tag = "chain",
    responses(
        (status = 200, description = "The status at the tip.", body = StatusView),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
async fn status(State(state): State<ApiState>) -> Result<Json<StatusView>, Problem> {
    let tip = onebook_query::StoreQuery::new(Arc::clone(&state.store)).tip().await?;
    Ok(Json(StatusView {
        chain_id: state.chain_id.clone(),
        height: tip.height,
        block_hash: tip.block_hash,
        state_root: tip.state_root,
        time: tip.time,
        pending_txs: state.gate.pending(),
    }))
}

/// `POST /v1/txs` as `application/json`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SubmitJson {
    /// The borsh-encoded signed tx, in hex.
    tx: String,
}

/// Submits a signed tx. Admission checks its size, encoding, chain, signature, nonce and the
/// signer's roles; an admitted tx waits in the mempool and is gossiped to the consortium's
/// other nodes. Follow it with `GET /v1/txs/{hash}`.
#[utoipa::path(
    post,
    path = "/v1/txs",
    tag = "txs",
    request_body(
        description = "The borsh-encoded signed tx (`docs/formats.md`), as the body itself or \
            in hex in JSON.",
        content(
            ("application/octet-stream"),
            (SubmitJson = "application/json"),
        )
    ),
    responses(
        (status = 202, description = "Admitted: the tx waits in the mempool.", body = Submitted),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = TxRefused),
        (status = 409, response = TxConflict),
        (status = 413, response = TxTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 429, response = MempoolFull),
        (status = 503, response = Unavailable),
    )
)]
async fn submit_tx(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(|rejection| {
        Problem::new(
            rejection.status(),
            "body-unreadable",
            "the request body could not be read",
            format!(
                "{}; a tx is at most {TX_BYTES_MAX} bytes (twice that as hex in JSON)",
                rejection.body_text()
            ),
        )
    })?;
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    let bytes = if content_type.starts_with("application/json") {
        let parsed: Result<Json<SubmitJson>, JsonRejection> = Json::from_bytes(&body);
        let Json(submit) = parsed.map_err(|error| Problem::bad_request(error.body_text()))?;
        hex::decode(submit.tx.trim())
            .map_err(|error| Problem::bad_request(format!("field `tx` is not hex: {error}")))?
    } else if content_type.starts_with("application/octet-stream") {
        body.to_vec()
    } else {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "the body's media type is not accepted",
            "send the borsh tx as application/octet-stream, or {\"tx\": \"<hex>\"} as application/json",
        ));
    };
    let gate = state.gate.clone();
    let (admitted, bytes) = tokio::task::spawn_blocking(move || (gate.admit(&bytes), bytes))
        .await
        .map_err(|error| Problem::unavailable(&error))?;
    let tx_hash = admitted.map_err(Problem::from)?;
    if let Some(gossip) = &state.gossip
        && !gossip.publish(bytes)
    {
        tracing::warn!(%tx_hash, "gossip queue full; the tx waits in this node's pool only");
    }
    tracing::debug!(%tx_hash, "admitted tx");
    Ok((StatusCode::ACCEPTED, Json(Submitted { tx_hash })).into_response())
}

/// A signer's last committed nonce and the nonce its next tx must carry.
#[utoipa::path(
    get,
    path = "/v1/nonces/{key}",
    tag = "chain",
    params(("key" = String, Path, description = "The signer's public key, 64 hex digits.")),
    responses(
        (status = 200, description = "The signer's nonces.", body = NoncesView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
async fn nonces(
    State(state): State<ApiState>,
    Path(key): Path<String>,
) -> Result<Json<NoncesView>, Problem> {
    let signer = PublicKey::from_hex(&key).map_err(|error| {
        Problem::bad_request(format!("key {key:?} is not 64 hex digits of a public key: {error}"))
    })?;
    let gate = state.gate.clone();
    let (committed, next) = tokio::task::spawn_blocking(move || gate.nonces(&signer))
        .await
        .map_err(|error| Problem::unavailable(&error))?
        .map_err(Problem::from)?;
    Ok(Json(NoncesView { signer, committed, next }))
}

fn parse_hash(text: &str) -> Result<Hash32, Problem> {
    Hash32::from_hex(text)
        .map_err(|_| Problem::bad_request(format!("{text:?} is not a 32-byte hex hash")))
}

/// A committed tx decoded, with its receipt (accepted, or refused with its rejection code), or
/// `pending` while it waits in this node's mempool. Restricted content is shown only as far as
/// the reader may read it.
#[utoipa::path(
    get,
    path = "/v1/txs/{hash}",
    tag = "txs",
    params(("hash" = String, Path, description = "The tx's hash, 64 hex digits.")),
    responses(
        (status = 200, description = "Where the tx stands.", body = TxStatusView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
async fn tx_status(
    State(state): State<ApiState>,
    Extension(reader): Extension<Reader>,
    Path(hash): Path<String>,
) -> Result<Json<TxStatusView>, Problem> {
    let hash = parse_hash(&hash)?;
    let query = onebook_query::StoreQuery::new(Arc::clone(&state.store));
    // A commit writes the store before it drops the tx from the pool, so a tx that left the
    // pool between the first look at the store and the look at the pool is in the store at the
    // second look: a waiting or committed tx is never answered 404.
    for look in 0..2 {
        if let Some(mut view) = query.tx(hash).await? {
            crate::visibility::redact_tx(&query, &reader, &mut view).await?;
            return Ok(Json(TxStatusView::Committed(Box::new(view))));
        }
        if look == 0 && state.gate.is_pending(&hash) {
            return Ok(Json(TxStatusView::Pending));
        }
    }
    Err(Problem::not_found("tx with this hash"))
}
