//! Counts of records, from the store's index alone (ADR 0035).
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/counts/{kind}?org=&status=&under=&side=&height=&bounds=` | `{"height", "counts": [n, ..]}`: how many records of the kind pass the filters; with `bounds` (ascending Unix ms, comma-separated), one count per interval of creation time |
//!
//! `{kind}` is a record kind as a record key names it (`share_request`, `access_event`,
//! `catalog_entry`, ...). `status` is one of the
//! kind's statuses, or for share requests `answered-on-time` or `answered-late`; `under` (a
//! `<kind>:<id>`) takes no `org` or `status`. A count of access events or violations (and of
//! applications and objections, whose lists are filtered too) is refused to an anonymous reader
//! (401) and to a member who is not an auditor (or registrar, for applications and objections)
//! unless `org` is the member's own (403): a count must not tell what the list would leave out.

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use onebook_query::{
    CountParams, CountView, LedgerQuery, QueryError, RecordKind, SharedQuery, Side, read_rules,
};
use onebook_types::ids::{Height, OrgId, Timestamp};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::{self, Reader},
    openapi::{BadRequest, NotFound, ReadForbidden, Unauthorized, Unavailable},
    problem::Problem,
    records::parsed,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountQuery {
    /// Only records naming this org.
    #[param(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    org: Option<String>,
    /// Only records in this status (for share requests also `answered-on-time`,
    /// `answered-late`).
    status: Option<String>,
    /// Only records under this record, as `<kind>:<id>`; not with `org` or `status`.
    under: Option<String>,
    /// With `org` and no `status`: only records naming it as `provider` (a certificate's
    /// issuer) or as the other `party` (requester, grantee, reporter, holder); share requests,
    /// grants, quality reports and certificates only.
    side: Option<String>,
    /// Count as of this height; the tip by default. Above the tip is a 404 `no-block-yet`.
    height: Option<u64>,
    /// Ascending block times in Unix ms, comma-separated (2 to 401): one count per interval
    /// `[bounds[i], bounds[i + 1])` of the records' creation time.
    bounds: Option<String>,
}

/// How many records of a kind pass the filters, as of a height.
#[utoipa::path(
    get,
    path = "/v1/counts/{kind}",
    tag = "search",
    params(
        ("kind" = String, Path, description = "A record kind as a record key names it: `org`, `share_request`, `access_event`, ..."),
        CountQuery,
    ),
    responses(
        (status = 200, description = "The counts.", body = CountView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = ReadForbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn counts(
    State(query): State<SharedQuery>,
    Extension(reader): Extension<Reader>,
    Path(kind): Path<String>,
    params: Result<Query<CountQuery>, QueryRejection>,
) -> Result<Json<CountView>, Problem> {
    let params = parsed(params)?;
    let kind = RecordKind::by_key_name(&kind).ok_or_else(|| {
        let names: Vec<&str> = RecordKind::ALL.into_iter().map(RecordKind::key_name).collect();
        Problem::from(QueryError::bad_input(
            "kind",
            format!("{kind:?} is not one of {}", names.join(", ")),
        ))
    })?;
    let under = params
        .under
        .map(|text| onebook_query::parse_record_key(&text))
        .transpose()
        .map_err(|rule| Problem::from(QueryError::bad_input("under", rule)))?;
    let bounds = match params.bounds.as_deref() {
        None | Some("") => Vec::new(),
        Some(text) => text
            .split(',')
            .map(|time| time.trim().parse::<u64>().map(Timestamp))
            .collect::<Result<_, _>>()
            .map_err(|_| {
                let rule = format!("{text:?} is not Unix ms times separated by commas");
                Problem::from(QueryError::bad_input("bounds", rule))
            })?,
    };
    let side = params
        .side
        .map(|name| {
            Side::parse(&name).ok_or_else(|| {
                Problem::from(QueryError::bad_input(
                    "side",
                    format!("{name:?} is not provider or party"),
                ))
            })
        })
        .transpose()?;
    let org = params.org.map(OrgId);
    if !read_rules::may_count(&reader, kind, org.as_ref()) {
        return Err(match &reader {
            Reader::Anonymous => auth::anonymous(kind.name()),
            Reader::Member(member) => Problem::new(
                StatusCode::FORBIDDEN,
                "read-forbidden",
                "the reader's role and org do not allow this read",
                format!(
                    "member {} of org {} may count {} records of its own org only (auditors all)",
                    member.key,
                    member.org,
                    kind.name()
                ),
            ),
        });
    }
    let count = CountParams {
        org,
        status: params.status,
        under,
        side,
        height: params.height.map(Height),
        bounds,
    };
    Ok(Json(query.count_records(kind, count).await?))
}
