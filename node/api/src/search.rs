//! Search and overdue duties.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/search?q=` | every tx, block or record the text names: a tx or block hash, a height, a member key, `<kind>:<id>`, an org id, a catalog code or a certificate number, or the txs whose hash starts with 8 to 63 hex digits; no hit of a restricted record its reader may not read |
//! | `GET /v1/obligations/overdue?org=&at=&height=` | the org's open obligations due before `at` (ms; by default the time of the block at `height`) |

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use onebook_query::{LedgerQuery, OverdueView, SearchHitView, SharedQuery};
use onebook_types::ids::{Height, OrgId, Timestamp};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::Reader,
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
    records::parsed,
    visibility::may_see_hit,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchQuery {
    /// A tx or block hash, a height, a member key, `<kind>:<id>`, an org id, a catalog code, a
    /// certificate number, or the first 8 to 63 hex digits of tx hashes (at most 10 txs are
    /// listed): 1 to 200 characters.
    #[param(min_length = 1, max_length = 200)]
    q: String,
}

/// Every tx, block or record the text names.
#[utoipa::path(
    get,
    path = "/v1/search",
    tag = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "The hits, possibly none.", body = Vec<SearchHitView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn search(
    State(query): State<SharedQuery>,
    Extension(reader): Extension<Reader>,
    params: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<Vec<SearchHitView>>, Problem> {
    let params = parsed(params)?;
    let mut shown = Vec::new();
    for hit in query.search(params.q).await? {
        let visible = match &hit {
            SearchHitView::Record { key } => may_see_hit(&query, &reader, key).await?,
            SearchHitView::Tx { .. } | SearchHitView::Block { .. } => true,
        };
        if visible {
            shown.push(hit);
        }
    }
    Ok(Json(shown))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverdueQuery {
    /// The org whose obligations are read.
    #[param(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    org: String,
    /// Judge them at this time, in Unix ms, an int64; by default the time of the block at
    /// `height`.
    at: Option<u64>,
    /// Read as of this height; the tip by default. Above the tip is a 404 `no-block-yet`: no
    /// block is there yet.
    height: Option<u64>,
}

/// An org's open obligations due before `at`.
#[utoipa::path(
    get,
    path = "/v1/obligations/overdue",
    tag = "search",
    params(OverdueQuery),
    responses(
        (status = 200, description = "The org's overdue obligations.", body = OverdueView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn overdue(
    State(query): State<SharedQuery>,
    params: Result<Query<OverdueQuery>, QueryRejection>,
) -> Result<Json<OverdueView>, Problem> {
    let params = parsed(params)?;
    let at = params.at.map(Timestamp);
    let view = query.overdue_obligations(OrgId(params.org), at, params.height.map(Height)).await?;
    Ok(Json(view))
}
