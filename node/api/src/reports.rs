//! Periodic reports (通报): the figures of an org or a region over a period, and the reports a
//! data authority published, recomputed at their height.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/reports/{org\|region}/{id}?period=&height=&format=` | the figures (`onebook_query::reports`) as JSON, or as CSV with `format=csv` |
//! | `GET /v1/reports/published/{id}` | a published report, its figures recomputed at its height, and whether their digest is the one published |
//!
//! The figures are the ledger's, the same for every reader: each lists the keys of the records
//! it counts, and a restricted record behind a key (a violation, a share request) is read under
//! the read rules of its own route. A period is `2026-12`, `2026-Q4` or `2026`; a bad period,
//! scope or id is a 400 naming the parameter.

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use onebook_query::{
    LedgerQuery, QueryError, Record, RecordView, SharedQuery,
    reports::{ReportView, report_csv},
};
use onebook_types::{
    ids::{Height, OrgId, PublishedReportId, RegionCode},
    record::RecordKey,
    report_records::{PublishedReport, ReportPeriod, ReportScope},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
    records::parsed,
};

/// The query string of a report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportQuery {
    /// The period: a month `2026-12`, a quarter `2026-Q4` or a year `2026`, in the ledger's
    /// local time (China Standard Time).
    #[param(pattern = "^[0-9]{4}(-[0-9]{2}|-Q[1-4])?$", example = "2026-12")]
    period: String,
    /// Compute as of this height; the tip by default. A closed period's figures are read as of
    /// its last block whatever the height, so they are the same at every later height. Above
    /// the tip is a 404 `no-block-yet`.
    height: Option<u64>,
    /// `json` (the default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
}

/// The figures of an org or a region over a period.
#[utoipa::path(
    get,
    path = "/v1/reports/{scope}/{id}",
    summary = "The periodic report (通报) of an org or a region over a month, quarter or year.",
    tag = "reports",
    params(
        ("scope" = String, Path, description = "`org` or `region`.", pattern = "^(org|region)$"),
        ("id" = String, Path, description = "The org's id, or the region's code (every org of \
            that region).", pattern = "^[A-Za-z0-9._-]{1,64}$"),
        ReportQuery,
    ),
    responses(
        (status = 200, description = "The figures, each with the keys of the records it counts, \
            and their digest.", content(
                (ReportView = "application/json"),
                (String = "text/csv", example = "section,name,count,records\n")
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn scoped(
    State(query): State<SharedQuery>,
    Path((scope, id)): Path<(String, String)>,
    params: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let params = parsed(params)?;
    let csv = match params.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "parameter `format`: {other:?} is not `json` or `csv`"
            )));
        }
    };
    let scope = match scope.as_str() {
        "org" => ReportScope::Org(OrgId(id)),
        "region" => ReportScope::Region(RegionCode(id)),
        other => {
            return Err(Problem::bad_request(format!(
                "parameter `scope`: {other:?} is not `org` or `region`"
            )));
        }
    };
    let period: ReportPeriod = params
        .period
        .parse()
        .map_err(|error| Problem::from(QueryError::bad_input("period", format!("{error}"))))?;
    let view = query.report(scope.clone(), period, params.height.map(Height)).await?;
    if !csv {
        return Ok(Json(view).into_response());
    }
    let name = format!("report-{}-{}-{}.csv", scope.name(), scope.id(), period);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        report_csv(&view),
    )
        .into_response())
}

/// A published report and its figures recomputed at its height.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublishedReportCheck {
    /// The published report, as recorded.
    pub published: RecordView,
    /// Its figures recomputed at its height; absent if they cannot be (the org or region it
    /// names has no record there, or the node no longer holds that height).
    pub recomputed: Option<ReportView>,
    /// Why they could not be recomputed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether the recomputed digest is the one published.
    pub equal: bool,
}

/// A published report (通报), recomputed at its height.
#[utoipa::path(
    get,
    path = "/v1/reports/published/{id}",
    summary = "A published periodic report (通报) and its figures recomputed at its height.",
    tag = "reports",
    params(("id" = String, Path, description = "The published report's number.",
        pattern = "^[0-9]{1,19}$")),
    responses(
        (status = 200, description = "What was published, the figures recomputed at its \
            height, and whether their digest is the one published.",
            body = PublishedReportCheck),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn published(
    State(query): State<SharedQuery>,
    Path(id): Path<String>,
) -> Result<Json<PublishedReportCheck>, Problem> {
    let number = id.parse::<u64>().map_err(|_| {
        Problem::bad_request(format!("parameter `id`: {id:?} is not a published report's number"))
    })?;
    let Some(view) =
        query.record(RecordKey::PublishedReport(PublishedReportId(number)), None).await?
    else {
        return Err(Problem::not_found(&format!("published report {number}")));
    };
    let Record::PublishedReport(PublishedReport { scope, period, height, digest, .. }) =
        &view.record
    else {
        return Err(Problem::not_found(&format!("published report {number}")));
    };
    let (recomputed, error) = check(&query, scope, *period, *height).await?;
    let equal = recomputed.as_ref().is_some_and(|report| report.digest == *digest);
    Ok(Json(PublishedReportCheck { published: view.clone(), recomputed, error, equal }))
}

/// The figures of a published report recomputed at `height`, or why they cannot be.
async fn check(
    query: &SharedQuery,
    scope: &ReportScope,
    period: ReportPeriod,
    height: Height,
) -> Result<(Option<ReportView>, Option<String>), Problem> {
    match query.report(scope.clone(), period, Some(height)).await {
        Ok(view) => Ok((Some(view), None)),
        Err(error @ (QueryError::BadInput { .. } | QueryError::NoBlockYet { .. })) => {
            Ok((None, Some(error.to_string())))
        }
        Err(error) => Err(error.into()),
    }
}
