//! Entity timelines: every committed tx that touched a record, oldest first, paged.
//!
//! `GET /v1/timeline/{kind:id}?cursor=&limit=`, for any record of the record views
//! (`org:xm-gaj`, `catalog_entry:350200-xm-scjg-0001`, `resource:1`, `grant:7`,
//! `certificate:350200-2026-000001X`, ...). An org's timeline holds every tx signed for it or
//! concerning it.

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use onebook_query::{LedgerQuery, Page, StoreQuery, TimelineEntryView, parse_record_key};

use crate::{
    problem::Problem,
    records::{Paging, parsed},
};

pub(crate) async fn timeline(
    State(query): State<StoreQuery>,
    Path(key): Path<String>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Page<TimelineEntryView>>, Problem> {
    let paging = parsed(paging)?;
    let key = parse_record_key(&key).map_err(Problem::bad_request)?;
    Ok(Json(query.timeline(key, paging.into_params()).await?))
}
