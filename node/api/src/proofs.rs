//! Proof bundles over HTTP: the same bundles `onebook proof` writes, for `onebook verify-proof`
//! or any verifier written from `docs/formats.md`. Each answer is the bundle's bytes
//! (`application/octet-stream`).
//!
//! | route | bundle |
//! |---|---|
//! | `GET /v1/proofs/records/{kind:id}?height=H&absent=true` | a record (with a licence's parent, for certificates and grants the policy, and the lineage of `docs/formats.md` section 29), or its absence |
//! | `GET /v1/proofs/txs/{hash}` | a committed tx's inclusion in its block |
//! | `GET /v1/proofs/access-events/{id}?height=H` | an access with the grant it used (and, for an onward grant, the grants above it), its resource and the policy |
//!
//! `height` defaults to the newest witnessed checkpoint for records (so the bundle says who holds
//! what as of that checkpoint), to the tip for an access (which should be given: the block that
//! recorded it). Each bundle is anchored at the newest witnessed checkpoint at or above its
//! height, and is cut unanchored (which `onebook verify-proof` refuses by default) when there is
//! none yet. A bundle
//! shows what its record or tx shows, so it is served by the same rules (`auth.rs`,
//! `onebook_query::read_rules`): a restricted record's bundle to its audience, a tx carrying restricted
//! content to auditors, the signer's org and the readers of what it recorded.

use std::sync::Arc;

use axum::{
    Extension,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use onebook_types::{
    hash::Hash32,
    ids::{AccessEventId, Height},
    record::RecordKey,
};
use serde::Deserialize;
use utoipa::IntoParams;

use onebook_query::{Bundle, LedgerQuery, ProofError, RecordKind, action_name, parse_record_key};

use crate::{
    ApiState,
    auth::{self, Reader},
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
    records::parsed,
    visibility::may_read_tx,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProofQuery {
    /// Prove as of this height, from 1. By default: for records, the newest witnessed
    /// checkpoint (the tip while none is witnessed); for an access, the tip. Above the tip is a
    /// 404 `no-block-yet`: no block is there yet.
    #[param(minimum = 1)]
    height: Option<u64>,
    /// Prove that the record is absent (records only).
    #[serde(default)]
    absent: bool,
}

fn answer(bundle: Result<Bundle, ProofError>) -> Result<Response, Problem> {
    let bundle = bundle.map_err(|error| match error {
        ProofError::NoProof { reason } => {
            Problem::new(StatusCode::NOT_FOUND, "no-proof", "nothing to prove", reason)
        }
        ProofError::BelowBase { detail } => {
            Problem::new(StatusCode::NOT_FOUND, "no-proof", "nothing to prove", detail)
        }
        ProofError::Read(error) => error.into(),
    })?;
    let height = bundle.height.0.to_string();
    let mut response = (StatusCode::OK, bundle.bytes).into_response();
    let headers = response.headers_mut();
    headers
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/octet-stream"));
    if let Ok(value) = header::HeaderValue::from_str(&height) {
        headers.insert("x-onebook-height", value);
    }
    Ok(response)
}

fn height(state: &ApiState, asked: Option<u64>) -> Result<Height, Problem> {
    let tip = state.node.tip_height().map_err(|error| Problem::unavailable(&error))?;
    match asked {
        None => Ok(tip),
        Some(h) => checked_height(h, tip),
    }
}

/// The height asked, or the newest witnessed checkpoint (the tip when none is witnessed yet).
fn record_height(state: &ApiState, asked: Option<u64>) -> Result<Height, Problem> {
    let tip = state.node.tip_height().map_err(|error| Problem::unavailable(&error))?;
    match asked {
        None => state.node.default_proof_height().map_err(|error| Problem::unavailable(&error)),
        Some(h) => checked_height(h, tip),
    }
}

fn checked_height(asked: u64, tip: Height) -> Result<Height, Problem> {
    match asked {
        0 => Err(Problem::bad_request("height 0 is genesis; proofs start at height 1")),
        h if h > tip.0 => Err(onebook_query::QueryError::NoBlockYet { height: h }.into()),
        h => Ok(Height(h)),
    }
}

/// Refuses a bundle that would show `key`, as of `at`, to a reader its record rule refuses.
async fn authorize_record(
    state: &ApiState,
    reader: &Reader,
    key: RecordKey,
    at: Height,
) -> Result<(), Problem> {
    let query = &state.query;
    let Some(kind) = RecordKind::of(&key) else {
        return Ok(());
    };
    match query.record(key, Some(at)).await? {
        Some(view) => auth::authorize(query, reader, &view.record, Some(at)).await,
        // Neither a bundle nor its absence is shown to an anonymous reader of a record that could
        // be restricted, so the answer does not tell whether it exists.
        None if auth::restricted_by_id(kind) && matches!(reader, Reader::Anonymous) => {
            Err(auth::anonymous(crate::records::kind_name(kind)))
        }
        None => Ok(()),
    }
}

/// A proof bundle of a record as of a height (with a licence's parent and, for certificates and
/// grants, the policy), or of its absence.
#[utoipa::path(
    get,
    path = "/v1/proofs/records/{key}",
    tag = "proofs",
    params(
        ("key" = String, Path, description = "The record as `<kind>:<id>`, such as `grant:1`, \
            `child_chain:onebook-sm-1`, or `policy`, `validator_set`, `checkpoint_policy`, \
            `protocol`.", pattern = "^(policy|validator_set|checkpoint_policy|protocol|child_chain:[A-Za-z0-9._-]{1,64}|org:[A-Za-z0-9._-]{1,64}|member:[0-9a-fA-F]{64}|(catalog_entry|certificate):[A-Za-z0-9._-]{1,64}|(proposal|resource|share_request|grant|access_event|violation|quality_report|application|objection|obligation):[0-9]{1,19})$"),
        ProofQuery,
    ),
    responses(
        (status = 200, description = "The bundle's bytes (`docs/formats.md` section 15).",
            content_type = "application/octet-stream",
            headers(("x-onebook-height" = u64, description = "The height proved at."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn record(
    State(state): State<ApiState>,
    Extension(reader): Extension<Reader>,
    Path(key): Path<String>,
    query: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let query = parsed(query)?;
    let key = parse_record_key(&key).map_err(Problem::bad_request)?;
    let at = record_height(&state, query.height)?;
    authorize_record(&state, &reader, key.clone(), at).await?;
    let node = Arc::clone(&state.node);
    let bundle = tokio::task::spawn_blocking(move || node.record_bundle(key, query.absent, at))
        .await
        .map_err(|error| Problem::unavailable(&error))?;
    answer(bundle)
}

/// A proof bundle of a committed tx's inclusion in its block.
#[utoipa::path(
    get,
    path = "/v1/proofs/txs/{hash}",
    tag = "proofs",
    params(("hash" = String, Path, description = "The tx's hash, 64 hex digits.",
        pattern = "^[0-9a-fA-F]{64}$")),
    responses(
        (status = 200, description = "The bundle's bytes (`docs/formats.md` section 15).",
            content_type = "application/octet-stream",
            headers(("x-onebook-height" = u64, description = "The tx's block."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn tx(
    State(state): State<ApiState>,
    Extension(reader): Extension<Reader>,
    Path(hash): Path<String>,
) -> Result<Response, Problem> {
    let hash = Hash32::from_hex(&hash)
        .map_err(|_| Problem::bad_request(format!("{hash:?} is not a 32-byte hex hash")))?;
    let committed = state.node.committed_tx(hash).map_err(|error| Problem::unavailable(&error))?;
    if let Some((tx, events)) = committed {
        let query = &state.query;
        let action = action_name(&tx.body.action);
        if !may_read_tx(query, &reader, &action, tx.body.signer, &events).await? {
            return Err(match reader {
                Reader::Anonymous => auth::anonymous("tx carrying restricted content"),
                Reader::Member(member) => Problem::new(
                    StatusCode::FORBIDDEN,
                    "read-forbidden",
                    "the reader's role and org do not allow this read",
                    format!(
                        "member {} of org {} may not read this {action} tx: auditors, members \
                         of the signer's org and readers of every restricted record it names may",
                        member.key, member.org
                    ),
                ),
            });
        }
    }
    let node = Arc::clone(&state.node);
    let bundle = tokio::task::spawn_blocking(move || node.tx_bundle(hash))
        .await
        .map_err(|error| Problem::unavailable(&error))?;
    answer(bundle)
}

/// A proof bundle of an access with the grant it used, its resource and the policy.
#[utoipa::path(
    get,
    path = "/v1/proofs/access-events/{id}",
    tag = "proofs",
    params(
        ("id" = u64, Path, description = "The access event's number."),
        ProofQuery,
    ),
    responses(
        (status = 200, description = "The bundle's bytes (`docs/formats.md` section 15).",
            content_type = "application/octet-stream",
            headers(("x-onebook-height" = u64, description = "The height proved at."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn access_event(
    State(state): State<ApiState>,
    Extension(reader): Extension<Reader>,
    Path(id): Path<String>,
    query: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let query = parsed(query)?;
    let id: u64 =
        id.parse().map_err(|_| Problem::bad_request(format!("{id:?} is not a number")))?;
    let at = height(&state, query.height)?;
    authorize_record(&state, &reader, RecordKey::AccessEvent(AccessEventId(id)), at).await?;
    let node = Arc::clone(&state.node);
    let bundle = tokio::task::spawn_blocking(move || node.access_bundle(AccessEventId(id), at))
        .await
        .map_err(|error| Problem::unavailable(&error))?;
    answer(bundle)
}
