//! The routes and their handlers.

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{
        DefaultBodyLimit, Path, State,
        rejection::{BytesRejection, JsonRejection},
    },
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use onebook_chain::TxGate;
use onebook_storage::Store;
use onebook_types::{
    block::{CommitCertificate, Event, Header},
    hash::Hash32,
    ids::{ChainId, Height},
    keys::PublicKey,
    limits::TX_BYTES_MAX,
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi as _, ToSchema};
use utoipa_axum::{router::OpenApiRouter, router::UtoipaMethodRouterExt as _, routes};

use crate::{
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
    let auth = crate::auth::Auth::new(onebook_query::StoreQuery::new(Arc::clone(&state.store)));
    let event_streams = crate::events::EventStreams::new(crate::events::EVENT_STREAMS_MAX);
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(status))
        .routes(routes!(submit_tx))
        .routes(routes!(tx_status))
        .routes(routes!(nonces))
        .routes(routes!(block))
        .routes(routes!(crate::proofs::record))
        .routes(routes!(crate::proofs::tx))
        .routes(routes!(crate::proofs::access_event))
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

/// `GET /v1/status`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatusView {
    /// The chain this node serves.
    pub chain_id: ChainId,
    /// The last committed height.
    pub height: u64,
    /// The hash of the last committed block (the genesis hash at height 0).
    pub block_hash: Hash32,
    /// The state root after the last committed block.
    pub state_root: Hash32,
    /// Txs waiting in this node's mempool.
    pub pending_txs: usize,
}

/// The chain's status: its id, tip height, block hash and state root, and the txs waiting.
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
    let tip = state.store.tip().map_err(|error| Problem::unavailable(&error))?;
    Ok(Json(StatusView {
        chain_id: state.chain_id.clone(),
        height: tip.height.0,
        block_hash: tip.block_hash,
        state_root: tip.state_root,
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

/// `POST /v1/txs` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Submitted {
    /// The tx's hash, to follow it with `GET /v1/txs/{hash}`.
    pub tx_hash: Hash32,
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

/// `GET /v1/nonces/{key}` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NoncesView {
    /// The signer.
    pub signer: PublicKey,
    /// Its last committed nonce (0 before its first tx).
    pub committed: u64,
    /// The nonce its next tx must carry: one above its committed and waiting txs.
    pub next: u64,
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

/// `GET /v1/txs/{hash}` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TxStatusView {
    /// Waiting in this node's mempool.
    Pending,
    /// Committed, accepted or refused by the rules.
    Committed {
        /// The block's height.
        height: u64,
        /// The tx's position in the block.
        index: u32,
        /// 0 if accepted, else the rejection code.
        code: u16,
        /// The rejection's name, if refused.
        #[serde(skip_serializing_if = "Option::is_none")]
        rejection: Option<String>,
        /// The events the tx raised.
        events: Vec<Event>,
    },
}

fn parse_hash(text: &str) -> Result<Hash32, Problem> {
    Hash32::from_hex(text)
        .map_err(|_| Problem::bad_request(format!("{text:?} is not a 32-byte hex hash")))
}

/// A tx's receipt once committed (accepted, or refused with its rejection code), `pending`
/// while it waits in this node's mempool.
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
    Path(hash): Path<String>,
) -> Result<Json<TxStatusView>, Problem> {
    let hash = parse_hash(&hash)?;
    let found = state.store.tx(&hash).map_err(|error| Problem::unavailable(&error))?;
    if let Some((location, _)) = found {
        let receipt = state
            .store
            .receipt(location)
            .map_err(|error| Problem::unavailable(&error))?
            .ok_or_else(|| Problem::not_found("receipt"))?;
        return Ok(Json(TxStatusView::Committed {
            height: location.height.0,
            index: location.index,
            code: receipt.code,
            rejection: receipt.rejection().map(|rejection| rejection.name()),
            events: receipt.events,
        }));
    }
    if state.gate.is_pending(&hash) {
        return Ok(Json(TxStatusView::Pending));
    }
    Err(Problem::not_found("tx with this hash"))
}

/// `GET /v1/blocks/{height}` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BlockView {
    /// The header.
    pub header: Header,
    /// The header's hash.
    pub hash: Hash32,
    /// The txs' hashes, in block order.
    pub tx_hashes: Vec<Hash32>,
    /// The precommits that decided the block.
    pub certificate: Option<CommitCertificate>,
}

/// A committed block: its header and hash, its txs' hashes and its commit certificate.
#[utoipa::path(
    get,
    path = "/v1/blocks/{height}",
    tag = "chain",
    params(("height" = u64, Path, description = "The block's height, from 1.")),
    responses(
        (status = 200, description = "The block.", body = BlockView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
async fn block(
    State(state): State<ApiState>,
    Path(height): Path<String>,
) -> Result<Json<BlockView>, Problem> {
    let height: u64 = height
        .parse()
        .map_err(|_| Problem::bad_request(format!("height {height:?} is not a number")))?;
    let height = Height(height);
    let unavailable = |error: onebook_storage::StorageError| Problem::unavailable(&error);
    let header = state.store.header(height).map_err(unavailable)?;
    let header = header.ok_or_else(|| Problem::not_found("block at this height"))?;
    let tx_hashes = state.store.block_tx_hashes(height).map_err(unavailable)?.unwrap_or_default();
    let certificate = state.store.certificate(height).map_err(unavailable)?;
    Ok(Json(BlockView { hash: header.hash(), header, tx_hashes, certificate }))
}
