//! Counting for the dashboards, the home page's summary and the reports: records read page by
//! page up to a cap, date filters in Beijing time, counts by a key, and bar charts drawn as
//! inline SVG by the server (no script, nothing from another host).

use std::collections::BTreeMap;

use maud::{Markup, html};
use onebook_query::{
    ANSWERED_LATE, ANSWERED_ON_TIME, CountParams, LedgerQuery, ListParams, PageParams, QueryError,
    RecordView,
};
use onebook_types::{ids::Timestamp, limits::PAGE_ITEMS_MAX, time::Date};

use crate::{
    App,
    error::PageError,
    html::{UTC_OFFSET_MINUTES, time_text},
    i18n::Lang,
    kinds::Kind,
};

/// Most records one count reads; past it the count says it is a lower bound.
pub(crate) const COUNTED_MAX: usize = 5_000;

/// Records of one kind, read to the end or to [`COUNTED_MAX`].
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// The records read, in the port's order.
    pub(crate) views: Vec<RecordView>,
    /// Whether more were left unread.
    pub(crate) capped: bool,
}

/// Every record of `kind` that `params` selects (its page ignored), up to `max`.
pub(crate) async fn collect<Q: LedgerQuery>(
    app: &App<Q>,
    kind: Kind,
    params: ListParams,
    max: usize,
) -> Result<Collected, QueryError> {
    let mut collected = Collected::default();
    let mut cursor = None;
    loop {
        // One past what is left, so that a full page also says whether more were left.
        let wanted = (max - collected.views.len()).saturating_add(1).min(PAGE_ITEMS_MAX);
        let params = ListParams {
            page: PageParams { cursor, limit: Some(wanted as u64) },
            ..params.clone()
        };
        let page = app.query.records(kind.kind, params).await?;
        collected.views.extend(page.items);
        if collected.views.len() > max {
            collected.views.truncate(max);
            collected.capped = true;
            break;
        }
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    Ok(collected)
}

/// How many records of `kind` pass `params` (one count; its `bounds` left empty), from the
/// port's count, which the store answers from its index alone.
pub(crate) async fn count<Q: LedgerQuery>(
    app: &App<Q>,
    kind: Kind,
    params: CountParams,
) -> Result<u64, QueryError> {
    let params = CountParams { bounds: Vec::new(), ..params };
    let view = app.query.count_records(kind.kind, params).await?;
    Ok(view.counts.first().copied().unwrap_or(0))
}

/// How many records of `kind` that pass `params` were created in each interval between the
/// `bounds` (ms, ascending); empty with fewer than two bounds.
pub(crate) async fn counts_by_time<Q: LedgerQuery>(
    app: &App<Q>,
    kind: Kind,
    params: CountParams,
    bounds: Vec<Timestamp>,
) -> Result<Vec<u64>, QueryError> {
    if bounds.len() < 2 {
        return Ok(Vec::new());
    }
    Ok(app.query.count_records(kind.kind, CountParams { bounds, ..params }).await?.counts)
}

/// Whether `error` is the port refusing its reader a count (of records it may not read every
/// one of): the caller then counts what the reader may read, record by record.
pub(crate) fn count_refused(error: &QueryError) -> bool {
    matches!(error, QueryError::BadInput { parameter: "authorization", .. })
}

/// Most months a chart by month or a count by month spans: ten years, the newest.
pub(crate) const MONTHS_MAX: usize = 120;

/// The months (Beijing time) from the one holding `from` to the one holding `to`, both
/// included, at most the newest [`MONTHS_MAX`]: each month's label (`2026-03`) and the bounds
/// of all of them (the first ms of each, then of the month after the last).
pub(crate) fn months(from: u64, to: u64) -> (Vec<String>, Vec<Timestamp>) {
    let first_of = |time: u64| {
        let (year, month, _) = Date::of_timestamp(Timestamp(time), UTC_OFFSET_MINUTES).ymd();
        (year, month)
    };
    let next =
        |(year, month): (i32, u32)| if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let start = |(year, month): (i32, u32)| {
        Date::from_ymd(year, month, 1).map_or(Timestamp(0), |day| day.start(UTC_OFFSET_MINUTES))
    };
    let (first, last) = (first_of(from), first_of(to.max(from)));
    let mut all = vec![first];
    while all.last().is_some_and(|month| *month < last) {
        let following = next(*all.last().unwrap_or(&last));
        all.push(following);
    }
    let newest = &all[all.len().saturating_sub(MONTHS_MAX)..];
    let labels = newest.iter().map(|(year, month)| format!("{year:04}-{month:02}")).collect();
    let mut bounds: Vec<Timestamp> = newest.iter().map(|month| start(*month)).collect();
    bounds.push(start(next(*newest.last().unwrap_or(&last))));
    (labels, bounds)
}

/// The months from the chain's first block to the tip's (at most [`MONTHS_MAX`]), as
/// [`months`] gives them; none before the first block. Records of the genesis carry no time
/// and fall in none.
pub(crate) async fn chain_months<Q: LedgerQuery>(
    app: &App<Q>,
) -> Result<(Vec<String>, Vec<Timestamp>), QueryError> {
    let tip = app.query.tip().await?;
    if tip.height == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    let first = block_time(app, 1).await?.unwrap_or(tip.time);
    Ok(months(first, tip.time))
}

/// A `YYYY-MM-DD` date of a filter as the first ms of that day in Beijing time; `end` gives
/// the first ms of the day after (a range's last day is included).
pub(crate) fn parse_day(
    lang: Lang,
    text: Option<&str>,
    end: bool,
) -> Result<Option<Timestamp>, PageError> {
    let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else { return Ok(None) };
    let date: Date = text
        .parse()
        .map_err(|_| PageError::BadInput(format!("{}: {text}", lang.t("ui.bad_date"))))?;
    let start = date.start(UTC_OFFSET_MINUTES).0;
    Ok(Some(Timestamp(if end { start.saturating_add(86_400_000) } else { start })))
}

/// The month of `time` (ms) in Beijing time, `2026-03`.
pub(crate) fn month(time: u64) -> String {
    time_text(time).get(..7).unwrap_or_default().to_owned()
}

/// The day of `time` (ms) in Beijing time, `2026-03-02`.
pub(crate) fn day(time: u64) -> String {
    time_text(time).get(..10).unwrap_or_default().to_owned()
}

/// How many of `items` fall under each key.
pub(crate) fn count_by<T>(items: &[T], key: impl Fn(&T) -> String) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(key(item)).or_insert(0) += 1;
    }
    counts
}

/// A count as text, `5000+` when the records were cut at the cap.
pub(crate) fn count_text(count: usize, capped: bool) -> String {
    if capped { format!("{count}+") } else { count.to_string() }
}

/// A bar chart of `bars` (label, value) as inline SVG, with each bar's value written above it.
/// `id` names the chart for tests and links.
pub(crate) fn bar_chart(id: &str, title: &str, bars: &[(String, u64)]) -> Markup {
    const WIDTH: usize = 640;
    const HEIGHT: usize = 180;
    const BASE: usize = 150;
    let max = bars.iter().map(|(_, value)| *value).max().unwrap_or(0).max(1);
    let slot = if bars.is_empty() { WIDTH } else { WIDTH / bars.len() };
    let bar = slot.saturating_sub(4).max(2);
    html! {
        figure.chart #(id) {
            figcaption { (title) }
            @if bars.is_empty() {
                p.none { "—" }
            } @else {
                svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(title) preserveAspectRatio="none" {
                    line x1="0" y1=(BASE) x2=(WIDTH) y2=(BASE) stroke="#dadce0" {}
                    @for (index, (label, value)) in bars.iter().enumerate() {
                        @let height = usize::try_from(*value).unwrap_or(usize::MAX).saturating_mul(BASE - 20) / usize::try_from(max).unwrap_or(1);
                        @let x = index * slot + 2;
                        rect x=(x) y=(BASE - height) width=(bar) height=(height) fill="#b3261e" {
                            title { (label) "：" (value) }
                        }
                        text x=(x + bar / 2) y=((BASE - height).saturating_sub(4).max(10)) text-anchor="middle" font-size="11" { (value) }
                        @if bars.len() <= 16 || index % (bars.len() / 8).max(1) == 0 {
                            text x=(x + bar / 2) y=(HEIGHT - 14) text-anchor="middle" font-size="10" fill="#5f6368" { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// A two-part stacked bar chart (on time, late) per label, as inline SVG.
pub(crate) fn stacked_chart(
    id: &str,
    title: &str,
    legend: (&str, &str),
    bars: &[(String, u64, u64)],
) -> Markup {
    const WIDTH: usize = 640;
    const HEIGHT: usize = 180;
    const BASE: usize = 150;
    let max = bars.iter().map(|(_, a, b)| a + b).max().unwrap_or(0).max(1);
    let slot = if bars.is_empty() { WIDTH } else { WIDTH / bars.len() };
    let bar = slot.saturating_sub(4).max(2);
    let scale = |value: u64| {
        usize::try_from(value).unwrap_or(usize::MAX).saturating_mul(BASE - 20)
            / usize::try_from(max).unwrap_or(1)
    };
    html! {
        figure.chart #(id) {
            figcaption {
                (title) " · " span.legend-ok { "■ " (legend.0) } " " span.legend-bad { "■ " (legend.1) }
            }
            @if bars.is_empty() {
                p.none { "—" }
            } @else {
                svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(title) preserveAspectRatio="none" {
                    line x1="0" y1=(BASE) x2=(WIDTH) y2=(BASE) stroke="#dadce0" {}
                    @for (index, (label, first, second)) in bars.iter().enumerate() {
                        @let (low, high) = (scale(*first), scale(*second));
                        @let x = index * slot + 2;
                        rect x=(x) y=(BASE - low) width=(bar) height=(low) fill="#137333" {
                            title { (label) " · " (legend.0) "：" (first) }
                        }
                        rect x=(x) y=(BASE - low - high) width=(bar) height=(high) fill="#c5221f" {
                            title { (label) " · " (legend.1) "：" (second) }
                        }
                        text x=(x + bar / 2) y=((BASE - low - high).saturating_sub(4).max(10)) text-anchor="middle" font-size="11" { (first) "/" (second) }
                        text x=(x + bar / 2) y=(HEIGHT - 14) text-anchor="middle" font-size="10" fill="#5f6368" { (label) }
                    }
                }
            }
        }
    }
}

/// A table of counts by key, largest first, with a total row. `label` turns a key into what the
/// page shows; `href` into a link, if any.
pub(crate) fn counts_table(
    lang: Lang,
    id: &str,
    heading: &str,
    counts: &BTreeMap<String, u64>,
    label: impl Fn(&str) -> String,
    href: impl Fn(&str) -> Option<String>,
    by_key: bool,
) -> Markup {
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    if !by_key {
        rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    }
    let total: u64 = counts.values().sum();
    html! {
        table.list.counts #(id) {
            thead { tr { th { (heading) } th.num { (lang.t("ui.count")) } } }
            tbody {
                @for (key, count) in rows {
                    tr data-key=(key) {
                        td { @match href(key) { Some(href) => a href=(href) { (label(key)) }, None => (label(key)) } }
                        td.num { (count) }
                    }
                }
            }
            tfoot { tr { th { (lang.t("ui.total")) } th.num.total { (total) } } }
        }
    }
}

/// The date-and-org filter form of a dashboard or report.
pub(crate) fn filter_form(
    lang: Lang,
    action: &str,
    org: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    with_org: bool,
) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            @if with_org {
                label { (lang.t("org")) " "
                    select name="org" {
                        option value="" { (lang.t("ui.all")) }
                        @for (id, name) in crate::names::all_orgs() {
                            option value=(id) selected[org == Some(id.as_str())] { (name) " (" (id) ")" }
                        }
                    }
                }
            }
            label { (lang.t("ui.from")) " " input type="date" name="from" value=(from.unwrap_or_default()); }
            label { (lang.t("ui.to")) " " input type="date" name="to" value=(to.unwrap_or_default()); }
            button type="submit" { (lang.t("ui.apply")) }
            a href=(action) { (lang.t("ui.clear")) }
        }
    }
}

/// The time of the block at `height`, read from the block list (a summary, not the whole
/// block with its tx hashes).
pub(crate) async fn block_time<Q: LedgerQuery>(
    app: &App<Q>,
    height: u64,
) -> Result<Option<u64>, QueryError> {
    let page = PageParams { cursor: Some(height.to_string()), limit: Some(1) };
    Ok(app
        .query
        .blocks(page)
        .await?
        .items
        .first()
        .filter(|block| block.height == height)
        .map(|block| block.time))
}

/// Blocks the txs-per-day chart reads, newest first.
pub(crate) const CHART_BLOCKS_MAX: usize = 500;

/// The home page's summary of the domain: catalog completeness, share requests awaiting an
/// answer, overdue obligations, violations this month, certificates in force. Each figure links
/// to the list it counts.
pub(crate) async fn domain_summary<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    now_ms: u64,
) -> Result<Markup, QueryError> {
    use onebook_query::Record;
    let catalog =
        collect(app, crate::kinds::CATALOG_ENTRY, ListParams::default(), COUNTED_MAX).await?;
    let in_force = catalog
        .views
        .iter()
        .filter(|view| matches!(&view.record, Record::CatalogEntry(entry) if entry.published.is_some() && !matches!(entry.status, onebook_types::catalog_records::CatalogStatus::Deprecated { .. })))
        .count();
    let status =
        |status: &str| CountParams { status: Some(status.to_owned()), ..CountParams::default() };
    let open = count(app, crate::kinds::SHARE_REQUEST, status("under-review")).await?;
    let active = count(app, crate::kinds::CERTIFICATE, status("active")).await?;
    let month_start = {
        let today = Date::of_timestamp(Timestamp(now_ms), UTC_OFFSET_MINUTES);
        let (year, month, _) = today.ymd();
        Date::from_ymd(year, month, 1).map_or(Timestamp(0), |first| first.start(UTC_OFFSET_MINUTES))
    };
    let this_month = vec![month_start, Timestamp(onebook_query::TIME_MAX)];
    let violations = match counts_by_time(
        app,
        crate::kinds::VIOLATION,
        CountParams::default(),
        this_month,
    )
    .await
    {
        Ok(counts) => counts.first().copied().map(|count| count.to_string()),
        // A reader who may not count every violation sees no figure, not a partial one.
        Err(error) if count_refused(&error) => None,
        Err(error) => return Err(error),
    };
    let orgs = collect(app, crate::kinds::ORG, ListParams::default(), COUNTED_MAX).await?;
    let mut overdue = 0;
    for view in &orgs.views {
        if let Record::Org(org) = &view.record {
            overdue +=
                app.query.overdue_obligations(org.id.clone(), None, None).await?.obligations.len();
        }
    }
    let percent = if catalog.views.is_empty() { 0 } else { in_force * 100 / catalog.views.len() };
    let month_text = month(now_ms);
    let cards: [(&str, String, String, String); 5] = [
        (
            "ui.catalog_completeness",
            format!("{percent}%"),
            format!(
                "{} {in_force} / {} {}",
                lang.t("ui.catalog_published"),
                count_text(catalog.views.len(), catalog.capped),
                lang.t("ui.items_unit")
            ),
            "/catalog?status=published".to_owned(),
        ),
        (
            "ui.open_requests",
            open.to_string(),
            String::new(),
            "/share-requests?status=under-review".to_owned(),
        ),
        ("ui.overdue_duties", overdue.to_string(), String::new(), "/dashboards/overdue".to_owned()),
        (
            "ui.violations_month",
            violations.unwrap_or_else(|| "—".to_owned()),
            month_text.clone(),
            format!("/dashboards/violations?from={month_text}-01"),
        ),
        (
            "ui.certificates_active",
            active.to_string(),
            String::new(),
            "/certificates?status=active".to_owned(),
        ),
    ];
    Ok(html! {
        div.grid #domain-summary {
            @for (label, figure, note, href) in &cards {
                a.card.stat href=(href) {
                    div.label { (lang.t(label)) }
                    div.figure { (figure) }
                    @if !note.is_empty() { div.none { (note) } }
                }
            }
        }
        p { a href="/dashboards/activity" { (lang.t("ui.activity")) " →" } }
    })
}

/// Txs per day over the newest [`CHART_BLOCKS_MAX`] blocks, oldest day first.
pub(crate) async fn txs_per_day<Q: LedgerQuery>(
    app: &App<Q>,
) -> Result<Vec<(String, u64)>, QueryError> {
    let mut days: BTreeMap<String, u64> = BTreeMap::new();
    let mut cursor = None;
    let mut read = 0;
    loop {
        let page =
            app.query.blocks(PageParams { cursor, limit: Some(PAGE_ITEMS_MAX as u64) }).await?;
        for block in &page.items {
            *days.entry(day(block.time)).or_insert(0) += u64::from(block.tx_count);
        }
        read += page.items.len();
        cursor = page.next;
        if cursor.is_none() || read >= CHART_BLOCKS_MAX {
            break;
        }
    }
    Ok(days.into_iter().collect())
}

/// Share requests by the month they were made: answered on time, answered late (after the
/// `answer_due` their review announced), per month, from the chain's first month to the tip's.
/// Requests not answered yet are left out; one the ledger granted or refused at once was
/// answered on time.
pub(crate) async fn answers_per_month<Q: LedgerQuery>(
    app: &App<Q>,
) -> Result<Vec<(String, u64, u64)>, QueryError> {
    let (labels, bounds) = chain_months(app).await?;
    let answered =
        |status: &str| CountParams { status: Some(status.to_owned()), ..CountParams::default() };
    let kind = crate::kinds::SHARE_REQUEST;
    let on_time = counts_by_time(app, kind, answered(ANSWERED_ON_TIME), bounds.clone()).await?;
    let late = counts_by_time(app, kind, answered(ANSWERED_LATE), bounds).await?;
    Ok(labels
        .into_iter()
        .zip(on_time.into_iter().zip(late))
        .map(|(month, (on_time, late))| (month, on_time, late))
        .skip_while(|(_, on_time, late)| on_time + late == 0)
        .collect())
}

/// Records of one kind counted by org, by status and by month, with their total.
#[derive(Debug, Default)]
pub(crate) struct Breakdown {
    /// How many in all.
    pub(crate) total: u64,
    /// By org (those with none left out).
    pub(crate) by_org: BTreeMap<String, u64>,
    /// By status (for violations, by reason; those with none left out).
    pub(crate) by_status: BTreeMap<String, u64>,
    /// By month of creation, Beijing time (months with none left out).
    pub(crate) by_month: BTreeMap<String, u64>,
}

/// The records of `kind` naming `org` in `status` (each if given), created in `[from, to)`
/// (each if given), counted in all, by org (the orgs the explorer knows), by status and by month
/// from the port's counts: the store answers each from its index, never reading a record.
pub(crate) async fn breakdown<Q: LedgerQuery>(
    app: &App<Q>,
    kind: Kind,
    (org, status): (Option<&str>, Option<&str>),
    (from, to): (Option<Timestamp>, Option<Timestamp>),
) -> Result<Breakdown, QueryError> {
    let params = |org: Option<&str>, status: Option<&str>| CountParams {
        org: org.map(onebook_types::ids::OrgId::from),
        status: status.map(str::to_owned),
        ..CountParams::default()
    };
    let (start, end) =
        (from.unwrap_or(Timestamp(0)), to.unwrap_or(Timestamp(onebook_query::TIME_MAX)));
    if start >= end {
        return Ok(Breakdown::default());
    }
    let ranged = from.is_some() || to.is_some();
    let counted = |org: Option<&str>, status: Option<&str>| {
        let params = params(org, status);
        async move {
            if ranged {
                Ok(counts_by_time(app, kind, params, vec![start, end]).await?.iter().sum())
            } else {
                count(app, kind, params).await
            }
        }
    };
    let mut breakdown = Breakdown { total: counted(org, status).await?, ..Breakdown::default() };
    let orgs: Vec<String> = match org {
        Some(org) => vec![org.to_owned()],
        None => all_orgs_known(),
    };
    for each in orgs {
        let count = counted(Some(&each), status).await?;
        if count > 0 {
            breakdown.by_org.insert(each, count);
        }
    }
    let statuses: Vec<&str> = match status {
        Some(status) => vec![status],
        None => kind.kind.statuses().to_vec(),
    };
    for each in statuses {
        let count = counted(org, Some(each)).await?;
        if count > 0 {
            breakdown.by_status.insert(each.to_owned(), count);
        }
    }
    let tip = app.query.tip().await?;
    let first = match from {
        Some(from) => from.0,
        None => block_time(app, 1).await?.unwrap_or(tip.time),
    };
    let last = to.map_or(tip.time, |to| to.0.saturating_sub(1).min(tip.time.max(first)));
    let (labels, mut bounds) = months(first, last);
    // The first and last months are cut to the range asked.
    if let Some(first) = bounds.first_mut() {
        *first = (*first).max(start);
    }
    if let Some(last) = bounds.last_mut() {
        *last = (*last).min(end);
    }
    if bounds.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Ok(breakdown);
    }
    let by_month = counts_by_time(app, kind, params(org, status), bounds).await?;
    breakdown.by_month = labels.into_iter().zip(by_month).filter(|(_, count)| *count > 0).collect();
    Ok(breakdown)
}

/// Every org id the explorer knows in this request.
fn all_orgs_known() -> Vec<String> {
    crate::names::all_orgs().into_iter().map(|(id, _)| id).collect()
}

/// Violations by the month they were recorded, from the chain's first month to the tip's
/// (leading empty months left out). A reader who may not count every violation gets those it
/// may read, read record by record up to [`COUNTED_MAX`].
pub(crate) async fn violations_per_month<Q: LedgerQuery>(
    app: &App<Q>,
) -> Result<BTreeMap<String, u64>, QueryError> {
    let (labels, bounds) = chain_months(app).await?;
    let kind = crate::kinds::VIOLATION;
    match counts_by_time(app, kind, CountParams::default(), bounds).await {
        Ok(counts) => {
            Ok(labels.into_iter().zip(counts).skip_while(|(_, count)| *count == 0).collect())
        }
        Err(error) if count_refused(&error) => {
            let violations = collect(app, kind, ListParams::default(), COUNTED_MAX).await?;
            Ok(count_by(&violations.views, |view| match &view.record {
                onebook_query::Record::Violation(violation) => month(violation.recorded_at.0),
                _ => String::new(),
            }))
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_filter_starts_at_beijing_midnight_and_ends_the_day_after() {
        let from = parse_day(Lang::Zh, Some("2026-01-01"), false).unwrap().unwrap();
        let to = parse_day(Lang::Zh, Some("2026-01-01"), true).unwrap().unwrap();

        // 2026-01-01 00:00 in Beijing is 2025-12-31 16:00 UTC.
        assert_eq!(from.0, 1_767_225_600_000 - 8 * 3_600_000);
        assert_eq!(to.0 - from.0, 86_400_000);
        assert!(parse_day(Lang::Zh, Some("2026-13-01"), false).is_err());
        assert_eq!(parse_day(Lang::Zh, Some(""), false).unwrap(), None);
    }

    #[test]
    fn months_run_from_the_first_to_the_last_with_the_bound_after() {
        // 2025-12-31 20:00 UTC is 2026-01-01 04:00 in Beijing.
        let (labels, bounds) = months(1_767_211_200_000, 1_772_323_200_000);

        assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(bounds.len(), 4);
        assert_eq!(bounds[0].0, 1_767_225_600_000 - 8 * 3_600_000);
        assert_eq!(month(bounds[3].0), "2026-04");
        assert_eq!(month(bounds[3].0 - 1), "2026-03");
        let (many, _) = months(0, 1_772_323_200_000);
        assert_eq!(many.len(), MONTHS_MAX);
        assert_eq!(many.last().map(String::as_str), Some("2026-03"));
    }

    #[test]
    fn counts_group_and_total() {
        let counts = count_by(&["a", "b", "a"], |item| (*item).to_owned());
        let markup = counts_table(Lang::Zh, "t", "x", &counts, str::to_owned, |_| None, false);

        assert_eq!(counts["a"], 2);
        assert!(markup.into_string().contains("<th class=\"num total\">3</th>"));
    }

    #[test]
    fn a_chart_is_inline_svg_with_each_value_written() {
        let chart = bar_chart("c", "t", &[("2026-01".into(), 3), ("2026-02".into(), 0)]);
        let svg = chart.into_string();

        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains(">3</text>"), "{svg}");
    }
}
