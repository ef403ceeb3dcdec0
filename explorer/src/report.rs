//! `/report/{org|resource|certificate}/{id}?from=&to=`: an audit report an auditor prints or
//! files. Over a date range (Beijing time, both days included; the current month when none is
//! given) it lists every record of the subject created in the range, every tx that acted on the
//! subject (each decision, with its outcome), and every access, each with its tx hash and
//! height and a link to its offline proof bundle on the node (`onebook verify-proof` checks
//! it). The page has a print stylesheet; `?format=html` downloads it as one self-contained
//! file.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderValue, Uri, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use onebook_query::{
    LedgerQuery, ListParams, PageParams, QueryError, RecordView, TimelineEntryView,
};
use onebook_types::{ids::Timestamp, limits::PAGE_ITEMS_MAX, record::RecordKey, time::Date};

use crate::{
    App,
    error::{PageError, respond},
    html::{self, UTC_OFFSET_MINUTES, section},
    i18n::Lang,
    kinds::{self, Kind},
    pages::{ListQuery, html_page, parsed, path_of, record_key},
};

/// Most rows one part of a report lists; a longer part says it was cut.
pub(crate) const REPORT_ROWS_MAX: usize = 500;

/// The kinds of record an org's report lists (its accesses have their own part).
const ORG_KINDS: [Kind; 12] = [
    kinds::MEMBER,
    kinds::PROPOSAL,
    kinds::CATALOG_ENTRY,
    kinds::RESOURCE,
    kinds::SHARE_REQUEST,
    kinds::GRANT,
    kinds::VIOLATION,
    kinds::QUALITY_REPORT,
    kinds::APPLICATION,
    kinds::OBJECTION,
    kinds::CERTIFICATE,
    kinds::OBLIGATION,
];

/// One row of a report: a record or a tx, with where it was written and its proof.
struct Row {
    /// What it is: the record's kind or the tx's action.
    what: String,
    /// Its page in the explorer and the text of the link.
    link: (String, String),
    /// When (block time, ms), if known.
    time: Option<u64>,
    /// The tx that wrote it and its height.
    tx: Option<(String, u64)>,
    /// The outcome, for a tx.
    outcome: Option<html::Cell>,
    /// Its proof bundle's path on the node.
    proof: Option<String>,
    /// What its proof claims beyond the records it holds: `grant-at-access` for an access
    /// proved with its grant at its own block (`onebook verify-proof --grant-at-access`).
    claim: Option<&'static str>,
}

/// `GET /report`: the form that opens a report, or, given `kind` and `id`, the report itself.
pub(crate) async fn form(lang: Lang, uri: Uri) -> Response {
    let path = path_of(&uri);
    let kind = html::query_value(&path, "kind").unwrap_or_default();
    let id = html::query_value(&path, "id").unwrap_or_default();
    if matches!(kind.as_str(), "org" | "resource" | "certificate") && !id.trim().is_empty() {
        let mut target = format!("/report/{kind}/{}", html::encode(id.trim()));
        for name in ["from", "to"] {
            if let Some(value) = html::query_value(&path, name).filter(|value| !value.is_empty()) {
                target = html::with_param(&target, name, &value);
            }
        }
        return Redirect::to(&target).into_response();
    }
    let body = html! {
        form.filters.report-form method="get" action="/report" {
            label { (lang.t("ui.report_kind")) " "
                select name="kind" {
                    option value="org" { (lang.t("kind.org")) }
                    option value="resource" { (lang.t("kind.resource")) }
                    option value="certificate" { (lang.t("kind.certificate")) }
                }
            }
            label { (lang.t("ui.report_subject_id")) " " input name="id" list="report-orgs" required; }
            datalist #report-orgs {
                @for (id, name) in crate::names::all_orgs() { option value=(id) { (name) } }
            }
            label { (lang.t("ui.from")) " " input type="date" name="from"; }
            label { (lang.t("ui.to")) " " input type="date" name="to"; }
            button type="submit" { (lang.t("ui.report_new")) }
        }
    };
    html_page(lang, &lang.t("ui.audit_report"), &path, body)
}

/// The first and last ms of the range a report covers: the query's days, else this month.
fn range(
    lang: Lang,
    query: &ListQuery,
    now: u64,
) -> Result<(Timestamp, Timestamp, String, String), PageError> {
    let today = Date::of_timestamp(Timestamp(now), UTC_OFFSET_MINUTES);
    let (year, month, _) = today.ymd();
    let first = Date::from_ymd(year, month, 1).unwrap_or(today);
    let from_text =
        query.from.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| first.to_string());
    let to_text = query.to.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| today.to_string());
    let from = crate::stats::parse_day(lang, Some(&from_text), false)?.unwrap_or(Timestamp(0));
    let to = crate::stats::parse_day(lang, Some(&to_text), true)?.unwrap_or(Timestamp(u64::MAX));
    Ok((from, to, from_text, to_text))
}

/// The first height whose block time is at or after `time` (the tip + 1 if none is).
async fn first_height_at<Q: LedgerQuery>(
    app: &App<Q>,
    tip: u64,
    time: u64,
) -> Result<u64, QueryError> {
    let (mut low, mut high) = (1, tip + 1);
    while low < high {
        let middle = low + (high - low) / 2;
        let at = crate::stats::block_time(app, middle).await?.unwrap_or(u64::MAX);
        if at >= time {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    Ok(low)
}

/// The block times of `heights`, read once each.
async fn block_times<Q: LedgerQuery>(
    app: &App<Q>,
    heights: impl Iterator<Item = u64>,
) -> Result<BTreeMap<u64, u64>, QueryError> {
    let mut times = BTreeMap::new();
    for height in heights {
        if let std::collections::btree_map::Entry::Vacant(slot) = times.entry(height)
            && let Some(time) = crate::stats::block_time(app, height).await?
        {
            slot.insert(time);
        }
    }
    Ok(times)
}

/// The txs that acted on `key` at heights `from..to`, oldest first, up to [`REPORT_ROWS_MAX`];
/// the flag says more were left.
async fn decisions<Q: LedgerQuery>(
    app: &App<Q>,
    key: &RecordKey,
    from: u64,
    to: u64,
) -> Result<(Vec<TimelineEntryView>, bool), QueryError> {
    let mut entries = Vec::new();
    // A timeline's cursor is a position (height, index); this one is just before `from`.
    let mut cursor = (from > 1).then(|| {
        let mut bytes = (from - 1).to_be_bytes().to_vec();
        bytes.extend_from_slice(&u32::MAX.to_be_bytes());
        bytes.iter().map(|byte| format!("{byte:02x}")).collect::<String>()
    });
    loop {
        let page = app
            .query
            .timeline(key.clone(), PageParams { cursor, limit: Some(PAGE_ITEMS_MAX as u64) })
            .await?;
        let mut past = false;
        for entry in page.items {
            if entry.height >= to {
                past = true;
                break;
            }
            if entry.height >= from {
                entries.push(entry);
            }
            if entries.len() > REPORT_ROWS_MAX {
                entries.truncate(REPORT_ROWS_MAX);
                return Ok((entries, true));
            }
        }
        cursor = page.next;
        if past || cursor.is_none() {
            return Ok((entries, false));
        }
    }
}

/// The records of `kind` that `params` selects, created in the range, as rows with the tx that
/// created each (named by the record view: no tx is read).
async fn record_rows<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    kind: Kind,
    params: ListParams,
    rows: &mut Vec<Row>,
) -> Result<bool, QueryError> {
    let left = REPORT_ROWS_MAX.saturating_sub(rows.len());
    let collected = crate::stats::collect(app, kind, params, left).await?;
    for view in &collected.views {
        rows.push(record_row(lang, kind, view));
    }
    Ok(collected.capped)
}

/// The row of the record of `view`, of `kind`.
fn record_row(lang: Lang, kind: Kind, view: &RecordView) -> Row {
    let id = view.key.split_once(':').map_or("", |(_, id)| id).to_owned();
    let created = view.created.filter(|created| created.height > 0);
    let tx =
        created.and_then(|created| created.tx_hash.map(|hash| (hash.to_hex(), created.height)));
    let time = created.map(|created| created.time);
    // An access the ledger found covered links the proof that its grant covered it, at the
    // block that recorded it; any other record (a violation among accesses too) its own proof.
    // No grant is read to decide: the ledger records an access naming a grant it does not hold
    // as a violation (`GrantUnknown`), so an access with a grant and no violation proves that
    // the grant was there at the access's block, and no tx deletes a grant.
    let covered = match &view.record {
        onebook_query::Record::AccessEvent(event) => {
            crate::records::access_proof(event, created.map(|created| created.height))
        }
        _ => None,
    };
    let claim = covered.is_some().then_some("grant-at-access");
    let proof = covered
        .unwrap_or_else(|| format!("/v1/proofs/records/{}:{}", kind.key_kind, html::encode(&id)));
    Row {
        what: lang.t(&format!("kind.{}", kind.key_kind)).into_owned(),
        link: (html::record_href(kind, &id), html::record_text(kind, &id)),
        time,
        tx,
        outcome: None,
        proof: Some(proof),
        claim,
    }
}

/// `GET /report/{kind}/{id}?from=&to=&format=html`.
pub(crate) async fn report<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path((kind, id)): Path<(String, String)>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(lang, async {
        let query = parsed(query)?;
        let kind = match kind.as_str() {
            "org" => kinds::ORG,
            "resource" => kinds::RESOURCE,
            "certificate" => kinds::CERTIFICATE,
            other => return Err(PageError::NotFound(format!("/report/{other}"))),
        };
        let key = record_key(kind, &id)?;
        let subject = app
            .query
            .record(key.clone(), None)
            .await?
            .ok_or_else(|| PageError::NotFound(format!("{}:{id}", kind.key_kind)))?;
        let tip = app.query.tip().await?;
        let (from, to, from_text, to_text) = range(lang, &query, tip.time.max(1))?;
        let first = first_height_at(&app, tip.height, from.0).await?;
        let end = first_height_at(&app, tip.height, to.0).await?;
        let in_range = |params: ListParams| ListParams { from: Some(from), to: Some(to), ..params };
        let mut records = Vec::new();
        let mut accesses = Vec::new();
        let mut cut = false;
        match kind {
            k if k == kinds::ORG => {
                let org = ListParams { org: Some(onebook_types::ids::OrgId::from(id.as_str())), ..ListParams::default() };
                for kind in ORG_KINDS {
                    cut |= record_rows(&app, lang, kind, in_range(org.clone()), &mut records).await?;
                }
                cut |= record_rows(&app, lang, kinds::ACCESS_EVENT, in_range(org), &mut accesses).await?;
            }
            k if k == kinds::RESOURCE => {
                let under = ListParams { under: Some(key.clone()), ..ListParams::default() };
                cut |= record_rows(&app, lang, kinds::QUALITY_REPORT, in_range(under.clone()), &mut records).await?;
                cut |= record_rows(&app, lang, kinds::ACCESS_EVENT, in_range(under), &mut accesses).await?;
            }
            _ => {
                let under = ListParams { under: Some(key.clone()), ..ListParams::default() };
                cut |= record_rows(&app, lang, kinds::CERTIFICATE, in_range(under), &mut records).await?;
                if let onebook_query::Record::Certificate(certificate) = &subject.record
                    && let Some(application) = certificate.application
                {
                    let under = ListParams { under: Some(RecordKey::Application(application)), ..ListParams::default() };
                    cut |= record_rows(&app, lang, kinds::OBJECTION, in_range(under), &mut records).await?;
                }
            }
        }
        let (entries, more) = decisions(&app, &key, first, end).await?;
        cut |= more;
        let times = block_times(&app, entries.iter().map(|entry| entry.height)).await?;
        let names = crate::pages::member_names(&app, entries.iter().map(|entry| entry.signer)).await;
        let decisions: Vec<Row> = entries
            .iter()
            .map(|entry| {
                let hex = entry.tx_hash.to_hex();
                let signer = names.get(&entry.signer).map_or_else(|| html::short(&entry.signer.to_hex()), |(name, org)| format!("{name} · {}", crate::names::org_text(org)));
                Row {
                    what: format!("{} · {signer}", lang.t(&entry.action)),
                    link: (format!("/txs/{hex}"), html::short(&hex)),
                    time: times.get(&entry.height).copied(),
                    tx: Some((hex.clone(), entry.height)),
                    outcome: Some(crate::pages::outcome_cell(lang, entry.code, entry.rejection.as_deref())),
                    proof: Some(format!("/v1/proofs/txs/{hex}")),
                    claim: None,
                }
            })
            .collect();
        let subject_row = record_row(lang, kind, &subject);
        let node = app.config.node_url.as_deref().map(|url| url.trim_end_matches('/').to_owned());
        let title = format!("{} · {}", lang.t("ui.audit_report"), subject_row.link.1);
        let download = html::with_param(&path, "format", "html");
        let body = html! {
            div.no-print.report-actions {
                (crate::stats::filter_form(lang, path.split('?').next().unwrap_or(&path), None, Some(&from_text), Some(&to_text), false))
                p {
                    button type="button" onclick="window.print()" { (lang.t("ui.report_print")) }
                    " " a #report-download href=(download) download { (lang.t("ui.report_download")) }
                }
            }
            section.report-head {
                dl.fields {
                    dt { (lang.t("ui.report_for")) } dd #report-subject { (lang.t(&format!("kind.{}", kind.key_kind))) " " a href=(subject_row.link.0) { (subject_row.link.1) } }
                    dt { (lang.t("ui.report_range")) } dd #report-range { (from_text) " — " (to_text) " (" (lang.t("ui.beijing_time")) ")" }
                    dt { (lang.t("ui.report_tip")) } dd { (html::block_link(tip.height)) " · " (html::time(tip.time)) }
                    dt { (lang.t("ui.report_generated")) } dd { (html::time(crate::pages::now_ms())) }
                }
                @if cut { p.warn { (lang.t("ui.truncated")) " (" (REPORT_ROWS_MAX) ")" } }
            }
            div #report-records { (section(&format!("{} · {} {}", lang.t("ui.report_records"), records.len(), lang.t("ui.items_unit")), rows_table(lang, node.as_deref(), &records))) }
            div #report-decisions { (section(&format!("{} · {} {}", lang.t("ui.report_decisions"), decisions.len(), lang.t("ui.items_unit")), rows_table(lang, node.as_deref(), &decisions))) }
            div #report-accesses { (section(&format!("{} · {} {}", lang.t("ui.report_accesses"), accesses.len(), lang.t("ui.items_unit")), rows_table(lang, node.as_deref(), &accesses))) }
        };
        if query.format.as_deref() == Some("html") {
            return Ok(standalone(lang, &title, body, &format!("report-{}-{id}-{from_text}-{to_text}", kind.key_kind)));
        }
        Ok(html_page(lang, &title, &path, body))
    }.await)
}

fn rows_table(lang: Lang, node: Option<&str>, rows: &[Row]) -> Markup {
    html! {
        @if rows.is_empty() { p.none { (lang.t("ui.none")) } }
        @else {
            div.scroll {
                table.list.report-rows {
                    thead { tr {
                        th { (lang.t("ui.record_kind")) } th { (lang.t("ui.record")) } th { (lang.t("time")) }
                        th { (lang.t("height")) } th { (lang.t("tx_hash")) } th { (lang.t("ui.outcome")) } th { (lang.t("ui.proof")) }
                    } }
                    tbody {
                        @for row in rows {
                            tr data-href=(row.link.0) {
                                td { (row.what) }
                                td { a href=(row.link.0) { (row.link.1) } }
                                td { @if let Some(time) = row.time { (html::time(time)) } }
                                td { @if let Some((_, height)) = &row.tx { (html::block_link(*height)) } }
                                td { @if let Some((hash, _)) = &row.tx { a.mono href={ "/txs/" (hash) } title=(hash) { (hash) } } }
                                td { @if let Some(outcome) = &row.outcome { (outcome.rich.clone().unwrap_or_else(|| html! { (outcome.text) })) } }
                                td {
                                    @match (node, &row.proof) {
                                        (Some(node), Some(proof)) => a.proof href={ (node) (proof) } data-claim=[row.claim] download { (lang.t("ui.proof")) },
                                        _ => span.none { (lang.t("ui.no_proof")) },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The report as one HTML file with its stylesheet inside, to download.
fn standalone(lang: Lang, title: &str, body: Markup, name: &str) -> Response {
    let page = html! {
        (DOCTYPE)
        html lang=(lang.html()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(crate::assets::STYLE)) }
            }
            body.standalone { main { h1 { (title) } p.tz { (lang.t("ui.tz_note")) } (body) } }
        }
    };
    let mut response = Html(page.into_string()).into_response();
    let file: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.html\"")) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
