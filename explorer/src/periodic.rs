//! `/periodic-reports/{org|region}/{id}?period=`: the periodic report (通报) of an org or a
//! region over a month, quarter or year, as the ledger's figures (`onebook_query::reports`):
//! catalog completeness, obligations met on time and late, share requests answered in and
//! after their deadline with the working days taken, refusals by legal basis, quality reports
//! and violations, each as an inline SVG chart and a table whose every count links the records
//! it counts; `?format=csv` downloads the figures. `/periodic-reports/published/{id}` shows a
//! report a data authority published and its figures recomputed at its height: equal or not.

use axum::{
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderValue, Uri, header},
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use onebook_query::{
    LedgerQuery, QueryError, Record, RecordView,
    reports::{Figure, Report, ReportView, report_csv},
};
use onebook_types::{
    ids::{Height, OrgId, PublishedReportId, RegionCode, Timestamp},
    record::RecordKey,
    report_records::{PublishedReport, ReportPeriod, ReportScope},
};
use serde::Deserialize;

use crate::{
    App,
    error::{PageError, respond},
    html::{self, UTC_OFFSET_MINUTES, section},
    i18n::Lang,
    pages::{html_page, path_of},
    stats::{bar_chart, stacked_chart},
};

/// The query string of a report page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PeriodQuery {
    period: Option<String>,
    height: Option<u64>,
    format: Option<String>,
}

/// The address of the report page of `scope` over `period`.
pub(crate) fn href(scope: &ReportScope, period: ReportPeriod) -> String {
    format!("/periodic-reports/{}/{}?period={period}", scope.name(), html::encode(scope.id()))
}

/// The month before the one of `time`, in local time: the last month a report can be closed on.
fn last_month(time: u64) -> ReportPeriod {
    ReportPeriod::month_before(Timestamp(time), UTC_OFFSET_MINUTES)
}

/// The month the org page links the report of: the last ended month if the org was on the ledger
/// at its end, else the month now running (an org admitted since has no report before it).
pub(crate) async fn org_month<Q: LedgerQuery>(
    query: &Q,
    org: &OrgId,
    tip_time: u64,
) -> Result<ReportPeriod, QueryError> {
    let last = last_month(tip_time);
    let height = onebook_query::reports::period_height(query, last).await?;
    if query.record(RecordKey::Org(org.clone()), Some(height)).await?.is_some() {
        return Ok(last);
    }
    Ok(ReportPeriod::month_of(Timestamp(tip_time), UTC_OFFSET_MINUTES))
}

/// `GET /periodic-reports/{scope}/{id}?period=&height=&format=csv`.
pub(crate) async fn page<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path((scope, id)): Path<(String, String)>,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(lang, async {
        let query = query.map(|Query(query)| query).map_err(|rejection| {
            PageError::BadInput(rejection.body_text())
        })?;
        let scope = match scope.as_str() {
            "org" => ReportScope::Org(OrgId(id)),
            "region" => ReportScope::Region(RegionCode(id)),
            other => return Err(PageError::NotFound(format!("/periodic-reports/{other}"))),
        };
        let period = match &query.period {
            Some(text) => text.parse().map_err(|error| PageError::BadInput(format!("{error}")))?,
            None => last_month(app.query.tip().await?.time),
        };
        let view = app.query.report(scope.clone(), period, query.height.map(Height)).await?;
        if query.format.as_deref() == Some("csv") {
            let name = format!("report-{}-{}-{period}.csv", scope.name(), scope.id());
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            return Ok((
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                report_csv(&view),
            )
                .into_response());
        }
        let title = format!("{} · {} {}", scope_text(lang, &scope), period, lang.t("ui.periodic_report"));
        let csv = html::with_param(&href(&scope, period), "format", "csv");
        let body = html! {
            form.filters method="get" action=(path.split('?').next().unwrap_or_default()) {
                label { (lang.t("ui.report_period")) " " input name="period" value=(period.to_string()) pattern="[0-9]{4}(-[0-9]{2}|-Q[1-4])?" required; }
                button type="submit" { (lang.t("ui.report_compute")) }
                " " a href=(csv) download { (lang.t("ui.download_csv")) }
            }
            (figures(lang, &view))
        };
        Ok(html_page(lang, &title, &path, body))
    }
    .await)
}

/// `GET /periodic-reports/published/{id}`: what was published and its recomputation.
pub(crate) async fn published<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let number = id.parse::<u64>().map_err(|_| PageError::NotFound(id.clone()))?;
            let key = RecordKey::PublishedReport(PublishedReportId(number));
            let Some(RecordView { record: Record::PublishedReport(report), .. }) =
                app.query.record(key, None).await?
            else {
                return Err(PageError::NotFound(format!("published_report:{number}")));
            };
            let title = format!("{} {number}", lang.t("kind.published_report"));
            let body = html! {
                (published_section(&app, lang, &report).await?)
            };
            Ok(html_page(lang, &title, &path, body))
        }
        .await,
    )
}

/// What a published report names and its figures recomputed at its height: a verdict, then
/// the figures.
pub(crate) async fn published_section<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    report: &PublishedReport,
) -> Result<Markup, PageError> {
    let recomputed =
        match app.query.report(report.scope.clone(), report.period, Some(report.height)).await {
            Ok(view) => Ok(view),
            Err(error @ (QueryError::BadInput { .. } | QueryError::NoBlockYet { .. })) => {
                Err(error.to_string())
            }
            Err(error) => return Err(error.into()),
        };
    let at_height = html::with_param(
        &href(&report.scope, report.period),
        "height",
        &report.height.0.to_string(),
    );
    Ok(html! {
        section #published {
            h2 { (lang.t("ui.report_published")) }
            dl {
                dt { (lang.t("ui.report_scope")) } dd { (scope_text(lang, &report.scope)) }
                dt { (lang.t("ui.report_period")) } dd { (report.period.to_string()) }
                dt { (lang.t("ui.report_height")) } dd { (height_link(report.height.0)) }
                dt { (lang.t("ui.report_digest")) } dd { code.hash { (report.digest.to_hex()) } }
                dt { (lang.t("ui.report_publisher")) } dd { (html::record_link(crate::kinds::ORG, report.publisher_org.as_str())) }
            }
        }
        section #recomputed {
            h2 { (lang.t("ui.report_recompute")) " " (report.height.0) }
            @match &recomputed {
                Ok(view) if view.digest == report.digest => {
                    p.ok #verdict data-equal="true" { "✔ " (lang.t("ui.report_equal")) }
                }
                Ok(view) => {
                    p.bad #verdict data-equal="false" { "✘ " (lang.t("ui.report_differs")) }
                    p { (lang.t("ui.report_digest")) " " code.hash { (view.digest.to_hex()) } }
                }
                Err(reason) => {
                    p.bad #verdict data-equal="false" { "✘ " (lang.t("ui.report_not_recomputed")) }
                    p.warn { (reason) }
                }
            }
            p { a href=(at_height) { (lang.t("ui.report_open")) } }
            @if let Ok(view) = &recomputed { (figures(lang, view)) }
        }
    })
}

/// The scope in words: an org by its name, a region by its code.
fn scope_text(lang: Lang, scope: &ReportScope) -> String {
    match scope {
        ReportScope::Org(org) => crate::names::org_text(org.as_str()),
        ReportScope::Region(region) => format!("{} {region}", lang.t("ui.report_region")),
    }
}

/// Every figure of a report: the summary, then one section per part with its chart.
fn figures(lang: Lang, view: &ReportView) -> Markup {
    let report: &Report = &view.report;
    let state =
        if report.closed { lang.t("ui.report_closed") } else { lang.t("ui.report_running") };
    let sharing = &report.sharing;
    let catalog = &report.catalog;
    let quality = &report.quality;
    let days = |value: Option<u32>| value.map_or_else(|| "—".to_owned(), |days| days.to_string());
    let label = |key: &str| lang.t(key).into_owned();
    html! {
        section #summary {
            dl {
                dt { (lang.t("ui.report_as_of")) } dd { (height_link(report.as_of_height)) " · " (state) }
                dt { (lang.t("ui.report_orgs")) } dd {
                    @for (index, org) in report.orgs.iter().enumerate() {
                        @if index > 0 { "、" }
                        (html::record_link(crate::kinds::ORG, org.as_str()))
                    }
                }
                dt { (lang.t("ui.report_digest")) } dd { code.hash { (view.digest.to_hex()) } }
            }
        }
        (section(&label("ui.report_catalog"), html! {
            (bar_chart("chart-catalog", &label("ui.report_catalog"), &[
                (label("ui.report_entries"), catalog.entries.count),
                (label("ui.report_published_entries"), catalog.published.count),
                (label("ui.report_with_resources"), catalog.with_resources.count),
            ]))
            p { (lang.t("ui.report_completeness")) "：" (catalog.completeness_per_mille.map_or_else(|| "—".to_owned(), |pm| format!("{}.{}%", pm / 10, pm % 10))) }
            table { tbody {
                (row(lang, "ui.report_entries", &catalog.entries))
                (row(lang, "ui.report_published_entries", &catalog.published))
                (row(lang, "ui.report_with_resources", &catalog.with_resources))
            } }
        }))
        (section(&label("ui.report_timeliness"), html! {
            (stacked_chart(
                "chart-obligations",
                &label("ui.report_timeliness"),
                (&label("ui.report_on_time"), &label("ui.report_late_or_overdue")),
                &report.obligations.iter().map(|figures| (
                    lang.value("kind", &figures.kind).into_owned(),
                    figures.met_on_time.count,
                    figures.met_late.count + figures.overdue.count,
                )).collect::<Vec<_>>(),
            ))
            table { tbody {
                @for figures in &report.obligations {
                    tr.group { th colspan="3" { (lang.value("kind", &figures.kind)) } }
                    (row(lang, "ui.report_due", &figures.due))
                    (row(lang, "ui.report_met_on_time", &figures.met_on_time))
                    (row(lang, "ui.report_met_late", &figures.met_late))
                    (row(lang, "ui.report_overdue", &figures.overdue))
                    (row(lang, "ui.report_not_yet_due", &figures.not_yet_due))
                }
                (row(lang, "ui.report_overdue_now", &report.overdue))
            } }
        }))
        (section(&label("ui.report_sharing"), html! {
            (bar_chart("chart-sharing", &label("ui.report_sharing"), &[
                (label("ui.report_in_time"), sharing.answered_in_time.count),
                (label("ui.report_late"), sharing.answered_late.count),
                (label("ui.report_pending"), sharing.pending.count),
                (label("ui.report_pending_overdue"), sharing.pending_overdue.count),
                (label("ui.report_withdrawn"), sharing.withdrawn.count),
            ]))
            p {
                (lang.t("ui.report_days_median")) "：" (days(sharing.working_days_median)) " · "
                (lang.t("ui.report_days_p90")) "：" (days(sharing.working_days_p90))
            }
            table { tbody {
                (row(lang, "ui.report_requested", &sharing.requested))
                (row(lang, "ui.report_in_time", &sharing.answered_in_time))
                (row(lang, "ui.report_late", &sharing.answered_late))
                (row(lang, "ui.report_pending", &sharing.pending))
                (row(lang, "ui.report_pending_overdue", &sharing.pending_overdue))
                (row(lang, "ui.report_withdrawn", &sharing.withdrawn))
            } }
            h3 { (lang.t("ui.report_refusals")) }
            (bar_chart("chart-refusals", &label("ui.report_refusals"),
                &sharing.refusals.iter().map(|tally| (tally.name.clone(), tally.figure.count)).collect::<Vec<_>>()))
            table { tbody {
                @for tally in &sharing.refusals { (named_row(lang, &tally.name, &tally.figure)) }
            } }
        }))
        (section(&label("ui.report_quality"), html! {
            (bar_chart("chart-quality", &label("ui.report_quality"), &[
                (label("ui.report_awaiting"), quality.awaiting.count),
                (label("ui.report_fixed"), quality.fixed.count),
                (label("ui.report_disputed"), quality.disputed.count),
                (label("ui.report_ruled_provider"), quality.ruled_provider.count),
                (label("ui.report_ruled_reporter"), quality.ruled_reporter.count),
            ]))
            table { tbody {
                (row(lang, "ui.report_reported", &quality.reported))
                (row(lang, "ui.report_awaiting", &quality.awaiting))
                (row(lang, "ui.report_fixed", &quality.fixed))
                (row(lang, "ui.report_disputed", &quality.disputed))
                (row(lang, "ui.report_ruled_provider", &quality.ruled_provider))
                (row(lang, "ui.report_ruled_reporter", &quality.ruled_reporter))
            } }
        }))
        (section(&label("ui.report_violations"), html! {
            (bar_chart("chart-violations", &label("ui.report_violations"),
                &report.violations.iter().map(|tally| (lang.value("reason", &tally.name).into_owned(), tally.figure.count)).collect::<Vec<_>>()))
            table { tbody {
                @for tally in &report.violations {
                    (named_row(lang, &lang.value("reason", &tally.name), &tally.figure))
                }
            } }
        }))
    }
}

/// A figure's row: its label, its count and a link to each record it counts.
fn row(lang: Lang, label: &str, figure: &Figure) -> Markup {
    named_row(lang, &lang.t(label), figure)
}

fn named_row(lang: Lang, name: &str, figure: &Figure) -> Markup {
    html! {
        tr {
            th { (name) }
            td.num { (figure.count) }
            td.records {
                @for (index, key) in figure.records.iter().enumerate() {
                    @if index > 0 { " " }
                    @match onebook_query::parse_record_key(key) {
                        Ok(key) => (html::key_link(lang, &key)),
                        Err(_) => (key),
                    }
                }
            }
        }
    }
}

/// A link to the block at `height`; the genesis (0) has no block page.
fn height_link(height: u64) -> Markup {
    if height == 0 {
        html! { "0" }
    } else {
        html::block_link(height)
    }
}
