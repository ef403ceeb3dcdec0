//! Entity timelines: every committed tx that touched a record, oldest first, paged.
//!
//! `GET /v1/timeline/{kind:id}?cursor=&limit=`, for any record of the record views
//! (`org:xm-gaj`, `catalog_entry:350200-xm-scjg-0001`, `resource:1`, `grant:7`,
//! `certificate:350200-2026-000001X`, ...). An org's timeline holds every tx signed for it or
//! concerning it. The timeline of a restricted record follows the record's own rule (`auth.rs`):
//! it is read at the tip and checked before its txs are listed. In any other timeline, the txs
//! that carry restricted content (share requests, access batches, property applications,
//! objections: `onebook_query::read_rules`) are listed only to auditors and members of the signer's org; the
//! page's cursor still moves past the others.

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use onebook_query::{
    LedgerQuery, Page, RecordKind, SharedQuery, TimelineEntryView, parse_record_key,
};
use onebook_types::record::RecordKey;

use crate::{
    auth::{self, Reader},
    openapi::{BadRequest, NotFound, ReadForbidden, Unauthorized, Unavailable},
    problem::Problem,
    records::{Paging, parsed},
    visibility::may_read_tx,
};

/// Every committed tx that touched a record, oldest first (an org's: every tx signed for it or
/// concerning it). A restricted record's timeline follows the record's own rule.
#[utoipa::path(
    get,
    path = "/v1/timeline/{key}",
    tag = "timelines",
    params(
        ("key" = String, Path, description = "The record as `<kind>:<id>`, such as \
            `org:xm-gaj`, `grant:7` or `certificate:350200-2026-000001X`.",
            pattern = "^(org:[A-Za-z0-9._-]{1,64}|member:[0-9a-fA-F]{64}|(catalog_entry|certificate):[A-Za-z0-9._-]{1,64}|(proposal|resource|share_request|grant|access_event|violation|quality_report|application|objection|obligation):[0-9]{1,19})$"),
        ("cursor" = Option<String>, Query, description = "The `next` of the previous page, or \
            any position: a block height (8 bytes) and a tx index in it (4 bytes), big-endian, \
            in hex. The page starts after it, whether a tx sits there or not; hex of another \
            length answers 404 `cursor-unknown`.", pattern = "^[0-9a-fA-F]{24}$"),
        Paging,
    ),
    responses(
        (status = 200, description = "A page of the timeline.", body = Page<TimelineEntryView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = ReadForbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn timeline(
    State(query): State<SharedQuery>,
    Extension(reader): Extension<Reader>,
    Path(key): Path<String>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Page<TimelineEntryView>>, Problem> {
    let paging = parsed(paging)?;
    let key = parse_record_key(&key).map_err(Problem::bad_request)?;
    let restricted = matches!(
        key,
        RecordKey::AccessEvent(_)
            | RecordKey::Violation(_)
            | RecordKey::ShareRequest(_)
            | RecordKey::Application(_)
            | RecordKey::Objection(_)
    );
    let always_restricted = matches!(key, RecordKey::AccessEvent(_) | RecordKey::Violation(_));
    if always_restricted && matches!(reader, Reader::Anonymous) {
        return Err(auth::anonymous("timeline of an access event or violation"));
    }
    let mut authorized = false;
    if restricted {
        match query.record(key.clone(), None).await? {
            Some(view) => {
                auth::authorize(&query, &reader, &view.record, None).await?;
                authorized = true;
            }
            // A timeline of a restricted kind's record that does not exist answers an anonymous
            // reader as one that is restricted would.
            None => {
                if let Some(kind) = RecordKind::of(&key)
                    && matches!(reader, Reader::Anonymous)
                {
                    return Err(auth::absent(&reader, kind, Problem::not_found("record")));
                }
            }
        }
    }
    let mut page = query.timeline(key, paging.into_params()).await?;
    if !authorized {
        let mut shown = Vec::with_capacity(page.items.len());
        for entry in page.items {
            if may_read_tx(&query, &reader, &entry.action, entry.signer, &[]).await? {
                shown.push(entry);
            }
        }
        page.items = shown;
    }
    Ok(Json(page))
}
