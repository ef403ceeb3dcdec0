//! Search and overdue duties.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/search?q=` | every tx, block or record the text names: a tx or block hash, a height, a member key, `<kind>:<id>`, an org id, a catalog code or a certificate number; no hit of a restricted record its reader may not read |
//! | `GET /v1/obligations/overdue?org=&at=&height=` | the org's open obligations due before `at` (ms; by default the time of the block at `height`) |

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use onebook_query::{LedgerQuery, OverdueView, SearchHitView, StoreQuery};
use onebook_types::ids::{Height, OrgId, Timestamp};
use serde::Deserialize;

use crate::{auth::Reader, problem::Problem, records::parsed, visibility::may_see_hit};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchQuery {
    q: String,
}

pub(crate) async fn search(
    State(query): State<StoreQuery>,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverdueQuery {
    org: String,
    at: Option<u64>,
    height: Option<u64>,
}

pub(crate) async fn overdue(
    State(query): State<StoreQuery>,
    params: Result<Query<OverdueQuery>, QueryRejection>,
) -> Result<Json<OverdueView>, Problem> {
    let params = parsed(params)?;
    let at = params.at.map(Timestamp);
    let view = query.overdue_obligations(OrgId(params.org), at, params.height.map(Height)).await?;
    Ok(Json(view))
}
