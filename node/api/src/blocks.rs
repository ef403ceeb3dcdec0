//! Blocks, their decoded txs and the validator set, read through [`LedgerQuery`].
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/blocks?cursor=&limit=` | `{"items": [summary, ..], "next": "<height>"}`, newest first: height, hash, time, tx count, proposer, signatures |
//! | `GET /v1/blocks/{height}` | the header, the tx hashes and the commit certificate |
//! | `GET /v1/blocks/{height}/txs?cursor=&limit=` | the block's txs decoded, with their codes and events, in block order (restricted content as `visibility.rs` says) |
//! | `GET /v1/validators?height=` | the validator set in force: node keys, orgs, power, total and quorum |

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use onebook_query::{
    BlockSummaryView, BlockView, LedgerQuery, Page, StoreQuery, TxView, ValidatorsView,
};
use onebook_types::ids::Height;
use serde::Deserialize;

use crate::{
    auth::Reader,
    problem::Problem,
    records::{Paging, parsed},
};

/// The query string of `GET /v1/validators`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidatorsQuery {
    height: Option<u64>,
}

fn parse_height(text: &str) -> Result<Height, Problem> {
    text.parse()
        .map(Height)
        .map_err(|_| Problem::bad_request(format!("height {text:?} is not a number")))
}

pub(crate) async fn blocks(
    State(query): State<StoreQuery>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Page<BlockSummaryView>>, Problem> {
    let paging = parsed(paging)?;
    Ok(Json(query.blocks(paging.into_params()).await?))
}

pub(crate) async fn block(
    State(query): State<StoreQuery>,
    Path(height): Path<String>,
) -> Result<Json<BlockView>, Problem> {
    let view = query.block(parse_height(&height)?).await?;
    Ok(Json(view.ok_or_else(|| Problem::not_found("block at this height"))?))
}

pub(crate) async fn block_txs(
    State(query): State<StoreQuery>,
    Extension(reader): Extension<Reader>,
    Path(height): Path<String>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Page<TxView>>, Problem> {
    let paging = parsed(paging)?;
    let height = parse_height(&height)?;
    if query.block(height).await?.is_none() {
        return Err(Problem::not_found("block at this height"));
    }
    let mut page = query.block_txs(height, paging.into_params()).await?;
    for view in &mut page.items {
        crate::visibility::redact_tx(&query, &reader, view).await?;
    }
    Ok(Json(page))
}

pub(crate) async fn validators(
    State(query): State<StoreQuery>,
    params: Result<Query<ValidatorsQuery>, QueryRejection>,
) -> Result<Json<ValidatorsView>, Problem> {
    let params = parsed(params)?;
    Ok(Json(query.validators(params.height.map(Height)).await?))
}
