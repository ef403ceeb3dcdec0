//! Blocks, their decoded txs and the validator set, read through [`LedgerQuery`].
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/blocks?cursor=&limit=` | `{"items": [summary, ..], "next": "<height>"}`, newest first: height, hash, time, tx count, proposer, signatures |
//! | `GET /v1/blocks/{height}` | the header, the tx hashes and the commit certificate |
//! | `GET /v1/blocks/{height}/txs?cursor=&limit=` | the block's txs decoded, with their codes and events, in block order (restricted content as `onebook_query::read_rules` says) |
//! | `GET /v1/validators?height=` | the validator set in force: node keys, orgs, power, total and quorum |
//!
//! A height above the tip is a 404 `no-block-yet` (no block is there yet); the blocks' cursor is
//! a height (the page starts there, or at the tip if it is above), and the txs' cursor a
//! position in the block (the page starts there; at or past the block's end it is empty).

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use onebook_query::{
    BlockSummaryView, BlockView, LedgerQuery, Page, QueryError, SharedQuery, TxView, ValidatorsView,
};
use onebook_types::ids::Height;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::Reader,
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
    records::{Paging, parsed},
};

/// The query string of `GET /v1/validators`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidatorsQuery {
    /// The set in force at this height; the tip by default. Above the tip is a 404
    /// `no-block-yet`: no block is there yet.
    height: Option<u64>,
}

fn parse_height(text: &str) -> Result<Height, Problem> {
    text.parse()
        .map(Height)
        .map_err(|_| Problem::bad_request(format!("height {text:?} is not a number")))
}

/// The 404 of a height the store has no block at: 0, the genesis, which has none, or a height
/// above the tip (the store holds every block up to its tip), which has none yet.
fn no_block(height: Height) -> Problem {
    if height.0 == 0 {
        Problem::not_found("block at height 0: the genesis has no block")
    } else {
        Problem::from(QueryError::NoBlockYet { height: height.0 })
    }
}

/// A page of blocks, newest first: height, hash, time, tx count, proposer and signatures.
#[utoipa::path(
    get,
    path = "/v1/blocks",
    tag = "chain",
    params(
        ("cursor" = Option<String>, Query, description = "The `next` of the previous page, or \
            any height: the page starts there (at the tip if it is above).",
            pattern = "^[0-9]{1,19}$"),
        Paging,
    ),
    responses(
        (status = 200, description = "A page of block summaries.", body = Page<BlockSummaryView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn blocks(
    State(query): State<SharedQuery>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Page<BlockSummaryView>>, Problem> {
    let paging = parsed(paging)?;
    Ok(Json(query.blocks(paging.into_params()).await?))
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
pub(crate) async fn block(
    State(query): State<SharedQuery>,
    Path(height): Path<String>,
) -> Result<Json<BlockView>, Problem> {
    let height = parse_height(&height)?;
    let view = query.block(height).await?;
    Ok(Json(view.ok_or_else(|| no_block(height))?))
}

/// A block's txs decoded, with their codes and events, in block order; restricted content is
/// shown only as far as the reader may read it.
#[utoipa::path(
    get,
    path = "/v1/blocks/{height}/txs",
    tag = "chain",
    params(
        ("height" = u64, Path, description = "The block's height, from 1."),
        ("cursor" = Option<String>, Query, description = "The `next` of the previous page, or \
            any position in the block: the page starts there, and is empty at or past the \
            block's last tx.", pattern = "^[0-9]{1,9}$"),
        Paging,
    ),
    responses(
        (status = 200, description = "A page of the block's txs.", body = Page<TxView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn block_txs(
    State(query): State<SharedQuery>,
    Extension(reader): Extension<Reader>,
    Path(height): Path<String>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Page<TxView>>, Problem> {
    let paging = parsed(paging)?;
    let height = parse_height(&height)?;
    if query.block(height).await?.is_none() {
        return Err(no_block(height));
    }
    let mut page = query.block_txs(height, paging.into_params()).await?;
    for view in &mut page.items {
        crate::visibility::redact_tx(&query, &reader, view).await?;
    }
    Ok(Json(page))
}

/// The validator set in force: node keys, orgs, voting power, total and quorum.
#[utoipa::path(
    get,
    path = "/v1/validators",
    tag = "chain",
    params(ValidatorsQuery),
    responses(
        (status = 200, description = "The validator set.", body = ValidatorsView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn validators(
    State(query): State<SharedQuery>,
    params: Result<Query<ValidatorsQuery>, QueryRejection>,
) -> Result<Json<ValidatorsView>, Problem> {
    let params = parsed(params)?;
    Ok(Json(query.validators(params.height.map(Height)).await?))
}
