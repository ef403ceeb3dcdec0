//! Counting for the dashboards, the home page's summary and the reports: records read page by
//! page up to a cap, date filters in Beijing time, counts by a key, and bar charts drawn as
//! inline SVG by the server (no script, nothing from another host).

use std::collections::BTreeMap;

use maud::{Markup, html};
use onebook_query::{LedgerQuery, ListParams, PageParams, QueryError, RecordView};
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
        let params = ListParams {
            page: PageParams { cursor, limit: Some(PAGE_ITEMS_MAX as u64) },
            ..params.clone()
        };
        let page = app.query.records(kind.kind, params).await?;
        collected.views.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
        if collected.views.len() >= max {
            collected.capped = true;
            break;
        }
    }
    collected.views.truncate(max);
    Ok(collected)
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
        |status: &str| ListParams { status: Some(status.to_owned()), ..ListParams::default() };
    let open =
        collect(app, crate::kinds::SHARE_REQUEST, status("under-review"), COUNTED_MAX).await?;
    let active = collect(app, crate::kinds::CERTIFICATE, status("active"), COUNTED_MAX).await?;
    let month_start = {
        let today = Date::of_timestamp(Timestamp(now_ms), UTC_OFFSET_MINUTES);
        let (year, month, _) = today.ymd();
        Date::from_ymd(year, month, 1).map_or(Timestamp(0), |first| first.start(UTC_OFFSET_MINUTES))
    };
    let this_month = ListParams { from: Some(month_start), ..ListParams::default() };
    let violations = collect(app, crate::kinds::VIOLATION, this_month, COUNTED_MAX).await?;
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
            count_text(open.views.len(), open.capped),
            String::new(),
            "/share-requests?status=under-review".to_owned(),
        ),
        ("ui.overdue_duties", overdue.to_string(), String::new(), "/dashboards/overdue".to_owned()),
        (
            "ui.violations_month",
            count_text(violations.views.len(), violations.capped),
            month_text.clone(),
            format!("/dashboards/violations?from={month_text}-01"),
        ),
        (
            "ui.certificates_active",
            count_text(active.views.len(), active.capped),
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
/// `answer_due` their submission announced), per month. Requests not answered yet are left out.
pub(crate) async fn answers_per_month<Q: LedgerQuery>(
    app: &App<Q>,
) -> Result<Vec<(String, u64, u64)>, QueryError> {
    use onebook_query::Record;
    use onebook_types::sharing_records::ShareStatus;
    let requests =
        collect(app, crate::kinds::SHARE_REQUEST, ListParams::default(), COUNTED_MAX).await?;
    let mut months: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for view in &requests.views {
        let Record::ShareRequest(request) = &view.record else { continue };
        if matches!(request.status, ShareStatus::UnderReview { .. } | ShareStatus::Withdrawn) {
            continue;
        }
        let key = onebook_types::record::RecordKey::ShareRequest(request.id);
        let timeline = app
            .query
            .timeline(key, PageParams { cursor: None, limit: Some(PAGE_ITEMS_MAX as u64) })
            .await?;
        let mut due = None;
        let mut answered = None;
        for entry in &timeline.items {
            if entry.code != 0 {
                continue;
            }
            if entry.action == "request_share" && due.is_none() {
                let Some(tx) = app.query.tx(entry.tx_hash).await? else { continue };
                due = tx
                    .events
                    .iter()
                    .flat_map(|event| &event.attributes)
                    .find(|(name, _)| name == "answer_due")
                    .and_then(|(_, value)| value.parse::<u64>().ok());
            }
            if entry.action == "answer_share" && answered.is_none() {
                answered = app
                    .query
                    .block(onebook_types::ids::Height(entry.height))
                    .await?
                    .map(|block| block.header.time.0);
            }
        }
        // An unconditional share is granted at once by the ledger: on time.
        let late = match (due, answered) {
            (Some(due), Some(answered)) => answered > due,
            _ => false,
        };
        let counts = months.entry(month(request.requested_at.0)).or_insert((0, 0));
        if late { counts.1 += 1 } else { counts.0 += 1 }
    }
    Ok(months.into_iter().map(|(month, (on_time, late))| (month, on_time, late)).collect())
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
