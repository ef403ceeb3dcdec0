//! How the chain itself is governed, beside the policy: the checkpoint policy, the protocol
//! schedule and the child chains it anchors. Each is a record governance proposals change, read
//! as of any height; every reader may read them.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/checkpoint-policy?height=` | the checkpoint interval and the witnesses (with their threshold) in force |
//! | `GET /v1/protocol?height=` | the protocol version in force and every upgrade scheduled |
//! | `GET /v1/child-chains?height=&cursor=&limit=` | the child chains admitted, with their latest anchored checkpoint |
//! | `GET /v1/child-chains/{id}?height=` | one child chain |

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use onebook_query::{
    CheckpointPolicyView, ChildChainView, LedgerQuery, Page, PageParams, ProtocolView, SharedQuery,
};
use onebook_types::ids::{ChainId, Height};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
    records::{AsOf, parsed},
};

/// The query string of the list of child chains.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChainsQuery {
    /// Read as of this height; the tip by default. Above the tip is a 404 `no-block-yet`.
    height: Option<u64>,
    /// The `next` of the previous page: the id of the chain the page starts after.
    cursor: Option<String>,
    /// Items in the page: 1 to 100, 20 by default.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// The checkpoint policy in force as of a height: how often the chain checkpoints and which
/// witnesses cosign (and how many must).
#[utoipa::path(
    get,
    path = "/v1/checkpoint-policy",
    tag = "chain",
    params(AsOf),
    responses(
        (status = 200, description = "The checkpoint policy in force.", body = CheckpointPolicyView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn checkpoint_policy(
    State(query): State<SharedQuery>,
    params: Result<Query<AsOf>, QueryRejection>,
) -> Result<Json<CheckpointPolicyView>, Problem> {
    let params = parsed(params)?;
    let view = query.checkpoint_policy(params.height.map(Height)).await?;
    Ok(Json(view.ok_or_else(|| Problem::not_found("checkpoint policy: the genesis set none"))?))
}

/// The protocol versions governance scheduled as of a height, and the version whose rules
/// judged the block at that height.
#[utoipa::path(
    get,
    path = "/v1/protocol",
    tag = "chain",
    params(AsOf),
    responses(
        (status = 200, description = "The protocol schedule.", body = ProtocolView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn protocol(
    State(query): State<SharedQuery>,
    params: Result<Query<AsOf>, QueryRejection>,
) -> Result<Json<ProtocolView>, Problem> {
    let params = parsed(params)?;
    Ok(Json(query.protocol(params.height.map(Height)).await?))
}

/// The child chains this chain anchors as of a height, each with its witness set and latest
/// anchored checkpoint, one page.
#[utoipa::path(
    get,
    path = "/v1/child-chains",
    tag = "chain",
    params(ChainsQuery),
    responses(
        (status = 200, description = "A page of child chains.", body = Page<ChildChainView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn child_chains(
    State(query): State<SharedQuery>,
    params: Result<Query<ChainsQuery>, QueryRejection>,
) -> Result<Json<Page<ChildChainView>>, Problem> {
    let params = parsed(params)?;
    let page = PageParams { cursor: params.cursor, limit: params.limit };
    Ok(Json(query.child_chains(params.height.map(Height), page).await?))
}

/// One child chain as of a height.
#[utoipa::path(
    get,
    path = "/v1/child-chains/{id}",
    tag = "chain",
    params(
        ("id" = String, Path, description = "The child chain's id."),
        AsOf,
    ),
    responses(
        (status = 200, description = "The child chain.", body = ChildChainView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn child_chain(
    State(query): State<SharedQuery>,
    Path(id): Path<String>,
    params: Result<Query<AsOf>, QueryRejection>,
) -> Result<Json<ChildChainView>, Problem> {
    let params = parsed(params)?;
    let view = query.child_chain(ChainId::from(id.as_str()), params.height.map(Height)).await?;
    Ok(Json(view.ok_or_else(|| Problem::not_found(&format!("child chain {id}")))?))
}
