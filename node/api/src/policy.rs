//! The policy in force: deadlines, notice periods, limits, the holiday calendar and the
//! legal-basis registry, as the ledger judges blocks by it.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/policy?height=` | the policy in force as of the height (the tip by default); it governs the block after it |

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
};
use onebook_query::{LedgerQuery, PolicyView, StoreQuery};
use onebook_types::ids::Height;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    openapi::{BadRequest, Unauthorized, Unavailable},
    problem::Problem,
    records::parsed,
};

/// The query string of `GET /v1/policy`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyQuery {
    /// The policy in force as of this height; the tip by default. Above the tip is a 400.
    height: Option<u64>,
}

/// The policy in force as of a height.
#[utoipa::path(
    get,
    path = "/v1/policy",
    tag = "chain",
    params(PolicyQuery),
    responses(
        (status = 200, description = "The policy in force.", body = PolicyView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn policy(
    State(query): State<StoreQuery>,
    params: Result<Query<PolicyQuery>, QueryRejection>,
) -> Result<Json<PolicyView>, Problem> {
    let params = parsed(params)?;
    Ok(Json(query.policy(params.height.map(Height)).await?))
}
