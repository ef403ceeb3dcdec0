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
    routing::{get, post},
};
use onebook_chain::TxGate;
use onebook_query::{LedgerQuery, NoncesView, StatusView, Submitted, TxStatusView};
use onebook_storage::Store;
use onebook_types::{hash::Hash32, ids::ChainId, keys::PublicKey, limits::TX_BYTES_MAX};
use serde::Deserialize;

use crate::{auth::Reader, problem::Problem};

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

/// The API's routes over `state`.
pub fn router(state: ApiState) -> Router {
    let counters = std::sync::Arc::new(crate::metrics::RequestCounters::default());
    let metrics = Router::new()
        .route("/metrics", get(crate::metrics::metrics))
        .with_state((state.clone(), std::sync::Arc::clone(&counters)));
    // The signatures of signed reads seen within the window live here, one set per router.
    let auth = crate::auth::Auth::new(Arc::clone(&state.store), state.reads.clone());
    Router::new()
        .route("/health", get(health))
        .route("/v1/status", get(status))
        .route("/v1/txs", post(submit_tx))
        .route("/v1/txs/{hash}", get(tx_status))
        .route("/v1/nonces/{key}", get(nonces))
        .route("/v1/blocks", get(crate::blocks::blocks))
        .route("/v1/blocks/{height}", get(crate::blocks::block))
        .route("/v1/blocks/{height}/txs", get(crate::blocks::block_txs))
        .route("/v1/validators", get(crate::blocks::validators))
        .route("/v1/proofs/records/{key}", get(crate::proofs::record))
        .route("/v1/proofs/txs/{hash}", get(crate::proofs::tx))
        .route("/v1/proofs/access-events/{id}", get(crate::proofs::access_event))
        .route("/v1/orgs", get(crate::records::orgs))
        .route("/v1/orgs/{id}", get(crate::records::org))
        .route("/v1/members", get(crate::records::members))
        .route("/v1/members/{key}", get(crate::records::member))
        .route("/v1/proposals", get(crate::records::proposals))
        .route("/v1/proposals/{id}", get(crate::records::proposal))
        .route("/v1/catalog/entries", get(crate::records::catalog_entries))
        .route("/v1/catalog/entries/{code}", get(crate::records::catalog_entry))
        .route("/v1/catalog/entries/{code}/versions", get(crate::records::catalog_entry_versions))
        .route("/v1/resources", get(crate::records::resources))
        .route("/v1/resources/{id}", get(crate::records::resource))
        .route("/v1/share-requests", get(crate::records::share_requests))
        .route("/v1/share-requests/{id}", get(crate::records::share_request))
        .route("/v1/grants", get(crate::records::grants))
        .route("/v1/grants/{id}", get(crate::records::grant))
        .route("/v1/access-events", get(crate::records::access_events))
        .route("/v1/access-events/{id}", get(crate::records::access_event))
        .route("/v1/violations", get(crate::records::violations))
        .route("/v1/violations/{id}", get(crate::records::violation))
        .route("/v1/quality-reports", get(crate::records::quality_reports))
        .route("/v1/quality-reports/{id}", get(crate::records::quality_report))
        .route("/v1/property/applications", get(crate::records::applications))
        .route("/v1/property/applications/{id}", get(crate::records::application))
        .route("/v1/property/objections", get(crate::records::objections))
        .route("/v1/property/objections/{id}", get(crate::records::objection))
        .route("/v1/property/certificates", get(crate::records::certificates))
        .route("/v1/property/certificates/{number}", get(crate::records::certificate))
        .route("/v1/obligations", get(crate::records::obligations))
        .route("/v1/obligations/overdue", get(crate::search::overdue))
        .route("/v1/obligations/{id}", get(crate::records::obligation))
        .route("/v1/timeline/{key}", get(crate::timeline::timeline))
        .route("/v1/search", get(crate::search::search))
        .route("/v1/event-pages", get(crate::events::event_page))
        .route(
            "/v1/events",
            get(crate::events::events).layer(axum::Extension(crate::events::EventStreams::new(
                crate::events::EVENT_STREAMS_MAX,
            ))),
        )
        // A hex-encoded tx in JSON is twice its size, plus the envelope.
        .layer(DefaultBodyLimit::max(2 * TX_BYTES_MAX + 1024))
        .layer(axum::middleware::from_fn_with_state(auth, crate::auth::authenticate))
        .fallback(|| async { Problem::not_found("such route") })
        .with_state(state)
        .merge(metrics)
        .layer(axum::middleware::from_fn_with_state(counters, crate::metrics::count))
}

async fn health() -> &'static str {
    "ok"
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmitJson {
    /// The borsh-encoded signed tx, in hex.
    tx: String,
}

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

async fn tx_status(
    State(state): State<ApiState>,
    Extension(reader): Extension<Reader>,
    Path(hash): Path<String>,
) -> Result<Json<TxStatusView>, Problem> {
    let hash = parse_hash(&hash)?;
    let query = onebook_query::StoreQuery::new(Arc::clone(&state.store));
    if let Some(mut view) = query.tx(hash).await? {
        crate::visibility::redact_tx(&query, &reader, &mut view).await?;
        return Ok(Json(TxStatusView::Committed(Box::new(view))));
    }
    if state.gate.is_pending(&hash) {
        return Ok(Json(TxStatusView::Pending));
    }
    Err(Problem::not_found("tx with this hash"))
}
