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
use onebook_query::{
    BatchResult, LedgerQuery, NodeRead, NoncesView, SharedQuery, StatusView, Submitted,
    SubmittedBatch, SyncView, TxStatusView,
};
use onebook_storage::Store;
use onebook_types::{hash::Hash32, ids::ChainId, keys::PublicKey, limits::TX_BYTES_MAX};
use serde::Deserialize;
use utoipa::{OpenApi as _, ToSchema};
use utoipa_axum::{router::OpenApiRouter, router::UtoipaMethodRouterExt as _, routes};

use tower_http::limit::RequestBodyLimitLayer;

use crate::{
    auth::Reader,
    events::EventStreams,
    openapi::{
        BadRequest, MempoolFull, NotFound, TxConflict, TxRefused, TxTooLarge, Unauthorized,
        Unavailable, UnsupportedMediaType,
    },
    problem::Problem,
};

/// What the handlers read and write through: every read goes through the read port, the
/// ledger's records through `query` (any [`LedgerQuery`]) and what else the API reads of its
/// node (tip, health, figures, proof bundles, checkpoints) through `node` ([`NodeRead`]); only
/// admission (`gate`) reaches the node's chain itself.
#[derive(Clone, Debug)]
pub struct ApiState {
    /// The ledger, through the read port: the node's own store in a node (`StoreQuery`).
    pub query: SharedQuery,
    /// What the API reads of its node beside the ledger's records.
    pub node: Arc<dyn NodeRead>,
    /// The node's mempool, behind its admission checks.
    pub gate: TxGate,
    /// The chain this node serves.
    pub chain_id: ChainId,
    /// Gossips the txs this node admits from its clients to the consortium's other nodes.
    pub gossip: Option<onebook_network::TxGossip>,
    /// Records the signed reads served, when the policy says so (`reads.rs`); `None` on a node
    /// without an operator key, which then refuses signed reads while the policy is on.
    pub reads: Option<crate::ReadRecorder>,
    /// Where the node stands against its peers, on a node that runs consensus.
    pub sync: Option<onebook_consensus::SyncStatus>,
}

impl ApiState {
    /// The state of a node serving `store`, admitting txs through `gate` on `chain_id`, without
    /// gossip, read audit or sync status (set those fields after).
    pub fn new(store: Arc<Store>, gate: TxGate, chain_id: ChainId) -> Self {
        Self {
            query: SharedQuery::new(onebook_query::StoreQuery::new(Arc::clone(&store))),
            node: store,
            gate,
            chain_id,
            gossip: None,
            reads: None,
            sync: None,
        }
    }
}

impl axum::extract::FromRef<ApiState> for Arc<dyn NodeRead> {
    fn from_ref(state: &ApiState) -> Self {
        Arc::clone(&state.node)
    }
}

/// The most bytes of a request body on any route: a tx in hex in JSON is twice its size, plus
/// the envelope. A larger body is refused with 413 before any handler reads it.
pub const REQUEST_BODY_BYTES_MAX: usize = 2 * TX_BYTES_MAX + 1024;

/// The most txs in one `POST /v1/txs/batch`.
pub const TXS_BATCH_MAX: usize = 1_000;

/// The most bytes of a `POST /v1/txs/batch` body: 1,000 txs of about 300 bytes each fit many
/// times over, in hex in JSON too; a larger body is refused with 413.
pub const BATCH_BODY_BYTES_MAX: usize = 8 * 1024 * 1024;

/// The API's routes over `state`, with the OpenAPI document at `/openapi.json` and Swagger UI
/// at `/docs/`; at most [`EVENT_STREAMS_MAX`](crate::EVENT_STREAMS_MAX) event streams, which
/// never end for a shutdown (see [`serve`](crate::serve) for the node's own router).
pub fn router(state: ApiState) -> Router {
    // The sender is dropped at once: nothing ever tells these streams to close.
    let (_, never) = tokio::sync::watch::channel(false);
    app(state, EventStreams::new(crate::EVENT_STREAMS_MAX, never))
}

/// The API's routes over `state` with the event streams `streams`.
pub(crate) fn app(state: ApiState, streams: EventStreams) -> Router {
    let (router, mut document) = documented(state, streams).split_for_parts();
    crate::openapi::document_store_damage(&mut document);
    router.layer(axum::Extension(crate::openapi::Served(Arc::new(document))))
}

/// Every route of the API with its OpenAPI document. A route is registered here only with
/// `routes!`, from its handler's `#[utoipa::path]`, so the router and the document come from
/// one source (`openapi.rs`); this crate's `clippy.toml` disallows the other ways. Every answer
/// that is an error is a problem ([`problem_json`](crate::problem::problem_json)), and every
/// route's body is limited to [`REQUEST_BODY_BYTES_MAX`].
pub(crate) fn documented(state: ApiState, event_streams: EventStreams) -> OpenApiRouter {
    let counters = Arc::new(crate::metrics::RequestCounters::default());
    let metrics = OpenApiRouter::new()
        .routes(routes!(crate::metrics::metrics))
        .with_state((state.clone(), Arc::clone(&counters)));
    // The signatures of signed reads seen within the window live here, one set per router.
    let auth =
        crate::auth::Auth::new(state.query.clone(), Arc::clone(&state.node), state.reads.clone());
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
        .routes(routes!(crate::policy::policy))
        .routes(routes!(crate::governed::checkpoint_policy))
        .routes(routes!(crate::governed::protocol))
        .routes(routes!(crate::governed::child_chains))
        .routes(routes!(crate::governed::child_chain))
        .routes(routes!(crate::proofs::record))
        .routes(routes!(crate::proofs::tx))
        .routes(routes!(crate::proofs::access_event))
        .routes(routes!(crate::checkpoints::list))
        .routes(routes!(crate::checkpoints::one))
        .routes(routes!(crate::checkpoints::evidence))
        .routes(routes!(crate::checkpoints::cosign))
        .routes(routes!(crate::counts::counts))
        .routes(routes!(crate::records::orgs))
        .routes(routes!(crate::records::org))
        .routes(routes!(crate::records::members))
        .routes(routes!(crate::records::member))
        .routes(routes!(crate::records::proposals))
        .routes(routes!(crate::records::proposal))
        .routes(routes!(crate::records::catalog_entries))
        .routes(routes!(crate::records::catalog_entry))
        .routes(routes!(crate::records::catalog_entry_versions))
        .routes(routes!(crate::sources::source))
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
        .routes(routes!(crate::records::grant_close_outs))
        .routes(routes!(crate::records::grant_close_out))
        .routes(routes!(crate::records::open_data_plans))
        .routes(routes!(crate::records::open_data_plan))
        .routes(routes!(crate::records::scenarios))
        .routes(routes!(crate::records::scenario))
        .routes(routes!(crate::records::development_grants))
        .routes(routes!(crate::records::development_grant))
        .routes(routes!(crate::records::products))
        .routes(routes!(crate::records::product))
        .routes(routes!(crate::records::resource_products))
        .routes(routes!(crate::records::published_reports))
        .routes(routes!(crate::records::published_report))
        .routes(routes!(crate::reports::published))
        .routes(routes!(crate::reports::scoped))
        .routes(routes!(crate::timeline::timeline))
        .routes(routes!(crate::search::search))
        .routes(routes!(crate::events::event_page))
        .routes(routes!(crate::events::events).layer(axum::Extension(event_streams)))
        .routes(routes!(crate::openapi::document))
        .routes(routes!(crate::openapi::docs_root))
        .routes(routes!(crate::openapi::docs_index))
        .routes(routes!(crate::openapi::docs_file))
        .layer(DefaultBodyLimit::max(REQUEST_BODY_BYTES_MAX))
        .layer(RequestBodyLimitLayer::new(REQUEST_BODY_BYTES_MAX))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(submit_txs_batch))
                .layer(DefaultBodyLimit::max(BATCH_BODY_BYTES_MAX))
                .layer(RequestBodyLimitLayer::new(BATCH_BODY_BYTES_MAX)),
        )
        .layer(axum::middleware::from_fn_with_state(auth, crate::auth::authenticate))
        .fallback(|| async { Problem::not_found("such route") })
        .with_state(state)
        .merge(metrics.layer(RequestBodyLimitLayer::new(REQUEST_BODY_BYTES_MAX)))
        .layer(RequestBodyLimitLayer::new(BATCH_BODY_BYTES_MAX))
        .layer(axum::middleware::from_fn_with_state(counters, crate::metrics::count))
        .layer(axum::middleware::map_response(crate::problem::problem_json))
}

/// Whether the node is healthy: `ok` while it serves from a sound store; a `store-damaged`
/// problem once a read has found its store damaged, until it is restored or resynced.
#[utoipa::path(
    get,
    path = "/health",
    tag = "node",
    responses(
        (status = 200, description = "The node serves.", body = String, content_type = "text/plain",
            example = "ok"),
        (status = 401, response = Unauthorized),
        (status = 503, response = crate::openapi::Unhealthy),
    )
)]
async fn health(State(state): State<ApiState>) -> Result<&'static str, Problem> {
    match state.node.damaged_reads() {
        None => Ok("ok"),
        Some(reads) => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store-damaged",
            "the node's store is damaged",
            format!(
                "{} read(s) found damaged data since the node started (its log names them); \
                 restore the data directory from a backup or resync the node (`onebook inspect \
                 verify` lists the damage)",
                reads
            ),
        )),
    }
}

/// The chain's status: its id, tip height, block hash, state root and time, the txs waiting and,
/// on a node that runs consensus, how far behind its peers it is and how fast it catches up.
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
    let tip = state.query.tip().await?;
    Ok(Json(StatusView {
        chain_id: state.chain_id.clone(),
        height: tip.height,
        block_hash: tip.block_hash,
        state_root: tip.state_root,
        time: tip.time,
        pending_txs: state.gate.pending(),
        sync: state.sync.as_ref().map(|sync| {
            let sync = sync.snapshot();
            let behind_blocks = sync.peer_height.saturating_sub(tip.height);
            SyncView {
                catching_up: sync.catching_up && behind_blocks > 1,
                peer_height: sync.peer_height,
                behind_blocks,
                blocks_per_s: sync.blocks_per_s,
                txs_per_s: sync.txs_per_s,
                eta_s: sync.eta_s,
            }
        }),
        state_history: state.node.state_history(),
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
        unreadable(
            &rejection,
            &format!("a tx is at most {TX_BYTES_MAX} bytes (twice that as hex in JSON)"),
        )
    })?;
    let bytes = match body_media_type(&headers) {
        Some(SubmitMedia::Json) => {
            let parsed: Result<Json<SubmitJson>, JsonRejection> = Json::from_bytes(&body);
            let Json(submit) = parsed.map_err(|error| Problem::bad_request(error.body_text()))?;
            hex::decode(submit.tx.trim())
                .map_err(|error| Problem::bad_request(format!("field `tx` is not hex: {error}")))?
        }
        Some(SubmitMedia::Borsh) => body.to_vec(),
        None => {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "the body's media type is not accepted",
                "send the borsh tx as application/octet-stream, or {\"tx\": \"<hex>\"} as \
                 application/json",
            ));
        }
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

/// `POST /v1/txs/batch` as `application/json`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SubmitBatchJson {
    /// The borsh-encoded signed txs, each in hex.
    txs: Vec<String>,
}

/// Submits up to 1,000 signed txs in one request. Each goes through the admission of
/// `POST /v1/txs`, in order, with the signatures checked together; the answer holds one result
/// per tx: 202 with its hash, or the status and problem type `POST /v1/txs` would have answered
/// for it alone. The admitted ones are gossiped. A batch is not atomic: some txs may be
/// admitted and others refused (a later tx of a signer whose earlier one was refused meets a
/// nonce gap).
#[utoipa::path(
    post,
    path = "/v1/txs/batch",
    tag = "txs",
    request_body(
        description = "The borsh-encoded signed txs (`docs/formats.md`): as the body itself, \
            the borsh encoding of the list of each tx's bytes (a `u32` count, then each tx as a \
            `u32` length and its bytes), or each in hex in JSON.",
        content(
            ("application/octet-stream"),
            (SubmitBatchJson = "application/json"),
        )
    ),
    responses(
        (status = 200, description = "One result per tx, in the order sent.", body = SubmittedBatch),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = TxTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 503, response = Unavailable),
    )
)]
async fn submit_txs_batch(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(|rejection| {
        unreadable(&rejection, &format!("a batch is at most {BATCH_BODY_BYTES_MAX} bytes"))
    })?;
    let txs: Vec<Vec<u8>> = match body_media_type(&headers) {
        Some(SubmitMedia::Json) => {
            let parsed: Result<Json<SubmitBatchJson>, JsonRejection> = Json::from_bytes(&body);
            let Json(submit) = parsed.map_err(|error| Problem::bad_request(error.body_text()))?;
            if submit.txs.len() > TXS_BATCH_MAX {
                return Err(batch_too_long(submit.txs.len()));
            }
            submit
                .txs
                .iter()
                .enumerate()
                .map(|(index, tx)| {
                    hex::decode(tx.trim()).map_err(|error| {
                        Problem::bad_request(format!("field `txs[{index}]` is not hex: {error}"))
                    })
                })
                .collect::<Result<_, _>>()?
        }
        Some(SubmitMedia::Borsh) => onebook_types::codec::decode(&body, BATCH_BODY_BYTES_MAX)
            .map_err(|error| {
                Problem::bad_request(format!(
                    "the body is not a borsh list of encoded txs (a u32 count, then each tx as \
                     a u32 length and its bytes): {error}"
                ))
            })?,
        None => {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "the body's media type is not accepted",
                "send the borsh list of txs as application/octet-stream, or {\"txs\": \
                 [\"<hex>\", ...]} as application/json",
            ));
        }
    };
    if txs.is_empty() {
        return Err(Problem::bad_request("field `txs` is empty; send 1 to 1,000 txs"));
    }
    if txs.len() > TXS_BATCH_MAX {
        return Err(batch_too_long(txs.len()));
    }
    let gate = state.gate.clone();
    let (admitted, txs) = tokio::task::spawn_blocking(move || (gate.admit_many(&txs), txs))
        .await
        .map_err(|error| Problem::unavailable(&error))?;
    let mut results = Vec::with_capacity(admitted.len());
    for (result, tx) in admitted.into_iter().zip(txs) {
        results.push(match result {
            Ok(tx_hash) => {
                if let Some(gossip) = &state.gossip
                    && !gossip.publish(tx)
                {
                    tracing::warn!(%tx_hash, "gossip queue full; the tx waits in this node's pool only");
                }
                BatchResult { status: 202, tx_hash: Some(tx_hash), kind: None, detail: None, code: None }
            }
            Err(error) => {
                let problem = Problem::from(error);
                BatchResult {
                    status: problem.status,
                    tx_hash: None,
                    kind: Some(problem.kind),
                    detail: Some(problem.detail),
                    code: problem.code,
                }
            }
        });
    }
    Ok((StatusCode::OK, Json(SubmittedBatch { results })).into_response())
}

/// The problem of a body that could not be read, with `limit` saying how large it may be.
fn unreadable(rejection: &BytesRejection, limit: &str) -> Problem {
    Problem::new(
        rejection.status(),
        "body-unreadable",
        "the request body could not be read",
        format!("{}; {limit}", rejection.body_text()),
    )
}

fn batch_too_long(count: usize) -> Problem {
    Problem::bad_request(format!(
        "field `txs` holds {count} txs; a batch holds at most {TXS_BATCH_MAX}"
    ))
}

/// The two bodies `POST /v1/txs` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SubmitMedia {
    /// `application/json`: `{"tx": "<hex>"}`.
    Json,
    /// `application/octet-stream`: the borsh tx itself.
    Borsh,
}

/// The body's media type by its `Content-Type`: the type and subtype must be exactly one of the
/// two accepted (in any case, RFC 9110 section 8.3.1), with any parameters; anything else, a
/// suffix or a longer subtype included (`application/jsonx`), is none.
fn body_media_type(headers: &HeaderMap) -> Option<SubmitMedia> {
    let text = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media: mime::Mime = text.parse().ok()?;
    if media.type_() != "application" || media.suffix().is_some() {
        return None;
    }
    if media.subtype() == "json" {
        Some(SubmitMedia::Json)
    } else if media.subtype() == "octet-stream" {
        Some(SubmitMedia::Borsh)
    } else {
        None
    }
}

/// A signer's last committed nonce and the nonce its next tx must carry.
#[utoipa::path(
    get,
    path = "/v1/nonces/{key}",
    tag = "chain",
    params(("key" = String, Path, description = "The signer's public key, 64 hex digits.",
        pattern = "^[0-9a-fA-F]{64}$")),
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
    params(("hash" = String, Path, description = "The tx's hash, 64 hex digits.",
        pattern = "^[0-9a-fA-F]{64}$")),
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
    let query = &state.query;
    // A commit writes the store before it drops the tx from the pool, so a tx that left the
    // pool between the first look at the store and the look at the pool is in the store at the
    // second look: a waiting or committed tx is never answered 404.
    for look in 0..2 {
        if let Some(mut view) = query.tx(hash).await? {
            crate::visibility::redact_tx(query, &reader, &mut view).await?;
            return Ok(Json(TxStatusView::Committed(Box::new(view))));
        }
        if look == 0 && state.gate.is_pending(&hash) {
            return Ok(Json(TxStatusView::Pending));
        }
    }
    Err(Problem::not_found("tx with this hash"))
}
