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

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State, rejection::BytesRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use onebook_storage::{CosignOutcome, CosignRefusal, RecordClaimKind, StorageError};
use onebook_types::{
    checkpoint::{Checkpoint, CheckpointExtension, Cosignature, WitnessSet},
    ids::Height,
    limits::PAGE_ITEMS_MAX,
    record::RecordKey,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    ApiState,
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
};

/// One checkpoint in a listing.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointSummary {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// Valid cosignatures this node holds.
    pub cosigned: usize,
    /// How many its witness set needs.
    pub threshold: u16,
    /// Whether `cosigned` reaches `threshold`: bundles can be anchored at it.
    pub witnessed: bool,
}

/// A page of checkpoints.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointPage {
    /// The checkpoints, lowest first.
    pub checkpoints: Vec<CheckpointSummary>,
    /// The newest witnessed checkpoint this node holds, if any.
    pub newest_witnessed: Option<Height>,
}

/// One checkpoint with everything held about it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointView {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The witness set that cosigns it.
    pub witnesses: WitnessSet,
    /// The witness set after its block, which cosigns the next checkpoint (the same set unless
    /// this checkpoint hands over to a new one).
    pub next_witnesses: WitnessSet,
    /// The cosignatures held, sorted by witness key.
    pub cosignatures: Vec<Cosignature>,
    /// Whether they reach the threshold.
    pub witnessed: bool,
}

/// What a witness checks before it cosigns.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointEvidence {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// A proof bundle (hex, `docs/formats.md` §15) of the checkpoint policy record at the
    /// checkpoint's height: it carries the header and its commit certificate with the
    /// validator-set changes from genesis, and proves the witness set after the block.
    pub bundle: String,
    /// The proof that the checkpoint extends the one at `from`; none without `from`.
    pub extension: Option<CheckpointExtension>,
}

/// The answer to a cosignature.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CosignReceipt {
    /// The checkpoint's height.
    pub height: Height,
    /// Valid cosignatures held now.
    pub cosigned: usize,
    /// How many are needed.
    pub threshold: u16,
    /// Whether the checkpoint is witnessed now.
    pub witnessed: bool,
}

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

fn storage(error: &StorageError) -> Problem {
    match error {
        StorageError::NoProof { reason } => {
            Problem::new(StatusCode::NOT_FOUND, "no-proof", "nothing to prove", reason.clone())
        }
        other => Problem::unavailable(other),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Problem::unavailable(&error))?
        .map_err(|error| storage(&error))
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
    State(state): State<ApiState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<CheckpointPage>, Problem> {
    let limit = query.limit.unwrap_or(PAGE_ITEMS_MAX);
    if !(1..=PAGE_ITEMS_MAX).contains(&limit) {
        return Err(Problem::bad_request(format!("limit {limit} is not 1 to {PAGE_ITEMS_MAX}")));
    }
    let after = Height(query.after.unwrap_or(0));
    let store = state.store.clone();
    let page = blocking(move || {
        let mut checkpoints = Vec::new();
        for height in onebook_storage::checkpoint_heights(&store, after, limit)? {
            let checkpoint = onebook_storage::checkpoint(&store, height)?
                .ok_or(StorageError::Missing { what: "checkpoint" })?;
            let set = onebook_storage::witnesses_of(&store, height)?;
            let cosignatures = onebook_storage::cosignatures(&store, height)?;
            let witnessed = set.check_in(store.suite(), &checkpoint, &cosignatures).is_ok();
            checkpoints.push(CheckpointSummary {
                checkpoint,
                cosigned: cosignatures.len(),
                threshold: set.threshold,
                witnessed,
            });
        }
        let newest_witnessed = onebook_storage::newest_witnessed(&store, Height(1))?;
        Ok(CheckpointPage { checkpoints, newest_witnessed })
    })
    .await?;
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
    State(state): State<ApiState>,
    Path(height): Path<String>,
) -> Result<Json<CheckpointView>, Problem> {
    let height = parse_height(&height)?;
    let store = state.store.clone();
    let view = blocking(move || {
        let Some(checkpoint) = onebook_storage::checkpoint(&store, height)? else {
            return Ok(None);
        };
        let witnesses = onebook_storage::witnesses_of(&store, height)?;
        let next_witnesses = onebook_storage::checkpoint_policy(&store, height)?.witnesses;
        let cosignatures = onebook_storage::cosignatures(&store, height)?;
        let witnessed = witnesses.check_in(store.suite(), &checkpoint, &cosignatures).is_ok();
        Ok(Some(CheckpointView { checkpoint, witnesses, next_witnesses, cosignatures, witnessed }))
    })
    .await?;
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
    State(state): State<ApiState>,
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
    let store = state.store.clone();
    let evidence = blocking(move || {
        let Some(checkpoint) = onebook_storage::checkpoint(&store, height)? else {
            return Ok(None);
        };
        let keys = [(RecordKey::CheckpointPolicy, RecordClaimKind::Present)];
        let mut bundle = onebook_storage::bundle_for_records(&store, &keys, height)?;
        bundle.anchor = None;
        let extension =
            from.map(|from| onebook_storage::extension(&store, from, height)).transpose()?;
        Ok(Some(CheckpointEvidence { checkpoint, bundle: hex::encode(bundle.encode()), extension }))
    })
    .await?;
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
    State(state): State<ApiState>,
    Path(height): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let height = parse_height(&height)?;
    let body = body.map_err(|rejection| Problem::bad_request(rejection.body_text()))?;
    let cosignature: Cosignature = serde_json::from_slice(&body)
        .map_err(|error| Problem::bad_request(format!("the body is not a cosignature: {error}")))?;
    let store = state.store.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let outcome = onebook_storage::record_cosignature(&store, height, &cosignature)?;
        let witnessed = onebook_storage::witnessed(&store, height)?.is_some();
        Ok::<_, CosignRefusal>((outcome, witnessed))
    })
    .await
    .map_err(|error| Problem::unavailable(&error))?;
    let refused = |slug: &str, title: &str, detail: String| {
        Problem::new(StatusCode::FORBIDDEN, slug, title, detail)
    };
    let (outcome, witnessed) = outcome.map_err(|refusal| match refusal {
        CosignRefusal::NoCheckpoint(_) => Problem::not_found("committed checkpoint at this height"),
        CosignRefusal::NotAWitness(_) => {
            refused("cosigner-not-a-witness", "the signer is not a witness", refusal.to_string())
        }
        CosignRefusal::BadSignature(_) => {
            refused("cosignature-invalid", "the cosignature does not verify", refusal.to_string())
        }
        CosignRefusal::Storage(error) => storage(&error),
    })?;
    let (status, cosigned, threshold) = match outcome {
        CosignOutcome::Stored { cosigned, threshold } => (StatusCode::CREATED, cosigned, threshold),
        CosignOutcome::AlreadyHeld => {
            let store = state.store.clone();
            let (cosigned, threshold) = blocking(move || {
                let held = onebook_storage::cosignatures(&store, height)?.len();
                Ok((held, onebook_storage::witnesses_of(&store, height)?.threshold))
            })
            .await?;
            (StatusCode::OK, cosigned, threshold)
        }
    };
    if witnessed {
        tracing::info!(height = height.0, cosigned, "checkpoint witnessed");
    }
    let receipt = CosignReceipt { height, cosigned, threshold, witnessed };
    Ok((status, Json(receipt)).into_response())
}

fn parse_height(text: &str) -> Result<Height, Problem> {
    match text.parse::<u64>() {
        Ok(0) | Err(_) => Err(Problem::bad_request(format!("{text:?} is not a height from 1"))),
        Ok(height) => Ok(Height(height)),
    }
}
