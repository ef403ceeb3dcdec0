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
use onebook_query::{LedgerQuery, PolicyView, SharedQuery};
use onebook_types::ids::Height;

use crate::{
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
    records::{AsOf, parsed},
};

/// The policy in force as of a height.
#[utoipa::path(
    get,
    path = "/v1/policy",
    tag = "chain",
    params(AsOf),
    responses(
        (status = 200, description = "The policy in force.", body = PolicyView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn policy(
    State(query): State<SharedQuery>,
    params: Result<Query<AsOf>, QueryRejection>,
) -> Result<Json<PolicyView>, Problem> {
    let params = parsed(params)?;
    Ok(Json(query.policy(params.height.map(Height)).await?))
}
