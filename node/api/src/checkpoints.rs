//! Witnessed checkpoints over HTTP: what witnesses follow, cosign and send back, and what
//! anyone reads to see which checkpoints are witnessed.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/checkpoints?after=H&limit=N` | the checkpoints above `H`, each with its cosignature count and whether it is witnessed |
//! | `GET /v1/checkpoints/{height}` | one checkpoint, its witness set and every cosignature held |
//! | `GET /v1/checkpoints/{height}/evidence?from=H` | what a witness checks before cosigning: a proof bundle of the header and the checkpoint policy at the height, and the proof that it extends the checkpoint at `H` |
//! | `POST /v1/checkpoints/{height}/cosignatures` | a witness's cosignature, checked and kept (off-chain) |
//!
//! Cosignatures are not part of any block: each node keeps those sent to it, so a witness sends
//! its cosignature to every node it knows.

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State, rejection::BytesRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use onebook_query::{
    CheckpointEvidence, CheckpointPage, CheckpointView, CosignError, CosignReceipt, NodeRead,
    ProofError,
};
use onebook_types::{checkpoint::Cosignature, ids::Height, limits::PAGE_ITEMS_MAX};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// Only checkpoints above this height (0 by default).
    after: Option<u64>,
    /// At most this many, 1 to 100 (100 by default).
    limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct EvidenceQuery {
    /// The height of the checkpoint the witness last cosigned; the answer proves this one
    /// extends it.
    from: Option<u64>,
}

/// The problem of a checkpoint read that failed: 404 if there was nothing to prove, else 503.
fn refused(error: ProofError) -> Problem {
    match error {
        ProofError::NoProof { reason } => {
            Problem::new(StatusCode::NOT_FOUND, "no-proof", "nothing to prove", reason)
        }
        other => Problem::unavailable(&other),
    }
}

/// Runs `work` on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ProofError> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Problem::unavailable(&error))?
        .map_err(refused)
}

/// The checkpoints above a height, with how far each is witnessed.
#[utoipa::path(
    get,
    path = "/v1/checkpoints",
    tag = "checkpoints",
    params(ListQuery),
    responses(
        (status = 200, description = "The checkpoints, lowest first.", body = CheckpointPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn list(
    State(node): State<Arc<dyn NodeRead>>,
    Query(query): Query<ListQuery>,
) -> Result<Json<CheckpointPage>, Problem> {
    let limit = query.limit.unwrap_or(PAGE_ITEMS_MAX);
    if !(1..=PAGE_ITEMS_MAX).contains(&limit) {
        return Err(Problem::bad_request(format!("limit {limit} is not 1 to {PAGE_ITEMS_MAX}")));
    }
    let after = Height(query.after.unwrap_or(0));
    let page = blocking(move || node.checkpoints(after, limit)).await?;
    Ok(Json(page))
}

/// One checkpoint, its witness set and the cosignatures held.
#[utoipa::path(
    get,
    path = "/v1/checkpoints/{height}",
    tag = "checkpoints",
    params(("height" = u64, Path, description = "The checkpoint's height.")),
    responses(
        (status = 200, description = "The checkpoint.", body = CheckpointView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn one(
    State(node): State<Arc<dyn NodeRead>>,
    Path(height): Path<String>,
) -> Result<Json<CheckpointView>, Problem> {
    let height = parse_height(&height)?;
    let view = blocking(move || node.checkpoint(height)).await?;
    view.map(Json).ok_or_else(|| Problem::not_found("checkpoint at this height"))
}

/// What a witness checks before cosigning a checkpoint: a proof bundle of the header and the
/// checkpoint policy after it, and the proof that it extends the checkpoint cosigned before.
#[utoipa::path(
    get,
    path = "/v1/checkpoints/{height}/evidence",
    tag = "checkpoints",
    params(
        ("height" = u64, Path, description = "The checkpoint's height."),
        EvidenceQuery,
    ),
    responses(
        (status = 200, description = "The evidence.", body = CheckpointEvidence),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn evidence(
    State(node): State<Arc<dyn NodeRead>>,
    Path(height): Path<String>,
    Query(query): Query<EvidenceQuery>,
) -> Result<Json<CheckpointEvidence>, Problem> {
    let height = parse_height(&height)?;
    let from = query.from.map(Height);
    if from.is_some_and(|from| from.0 == 0 || from >= height) {
        return Err(Problem::bad_request(format!(
            "from must be a checkpoint height from 1 below {height}"
        )));
    }
    let evidence = blocking(move || node.checkpoint_evidence(height, from)).await?;
    evidence.map(Json).ok_or_else(|| Problem::not_found("checkpoint at this height"))
}

/// A witness's cosignature of a checkpoint: checked (a witness of the checkpoint's set, a valid
/// signature over it) and kept. Sending the same witness's cosignature again changes nothing.
#[utoipa::path(
    post,
    path = "/v1/checkpoints/{height}/cosignatures",
    tag = "checkpoints",
    params(("height" = u64, Path, description = "The checkpoint's height.")),
    request_body(content = Cosignature, content_type = "application/json",
        description = "The cosignature (`docs/formats.md` §22)."),
    responses(
        (status = 201, description = "Kept.", body = CosignReceipt),
        (status = 200, description = "Already held.", body = CosignReceipt),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The signer is not a witness of the checkpoint's set, or \
            the signature does not verify.", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn cosign(
    State(node): State<Arc<dyn NodeRead>>,
    Path(height): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let height = parse_height(&height)?;
    let body = body.map_err(|rejection| Problem::bad_request(rejection.body_text()))?;
    let cosignature: Cosignature = serde_json::from_slice(&body)
        .map_err(|error| Problem::bad_request(format!("the body is not a cosignature: {error}")))?;
    let outcome = tokio::task::spawn_blocking(move || node.cosign(height, &cosignature))
        .await
        .map_err(|error| Problem::unavailable(&error))?;
    let forbidden = |slug: &str, title: &str, detail: String| {
        Problem::new(StatusCode::FORBIDDEN, slug, title, detail)
    };
    let (stored, receipt) = outcome.map_err(|refusal| match refusal {
        CosignError::NoCheckpoint => Problem::not_found("committed checkpoint at this height"),
        CosignError::NotAWitness(detail) => {
            forbidden("cosigner-not-a-witness", "the signer is not a witness", detail)
        }
        CosignError::BadSignature(detail) => {
            forbidden("cosignature-invalid", "the cosignature does not verify", detail)
        }
        CosignError::Read(error) => refused(error),
    })?;
    let status = if stored { StatusCode::CREATED } else { StatusCode::OK };
    let CosignReceipt { cosigned, witnessed, .. } = receipt;
    if witnessed {
        tracing::info!(height = height.0, cosigned, "checkpoint witnessed");
    }
    Ok((status, Json(receipt)).into_response())
}

fn parse_height(text: &str) -> Result<Height, Problem> {
    match text.parse::<u64>() {
        Ok(0) | Err(_) => Err(Problem::bad_request(format!("{text:?} is not a height from 1"))),
        Ok(height) => Ok(Height(height)),
    }
}
