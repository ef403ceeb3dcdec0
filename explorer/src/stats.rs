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
