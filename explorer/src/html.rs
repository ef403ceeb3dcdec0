//! The page shell and the pieces every page is built of: links to records, times, hashes, the
//! readable form of any record or action (its JSON, field by field, with labels), and tables.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use onebook_types::{
    ids::Timestamp, property_records::certificate_number_is_well_formed, time::Date,
};
use serde_json::Value;

use crate::{i18n::Lang, kinds::Kind};

/// The UTC offset the ledger's dates are kept in (China Standard Time), in minutes.
pub(crate) const UTC_OFFSET_MINUTES: i16 = 480;

/// A value above this many is a block time in ms, below it a height or a count: heights and
/// counts never come near 10^11, and every block time since 1973 is above it.
const TIMESTAMP_MS_MIN: u64 = 100_000_000_000;

/// A whole page: the header with the search box and the language switch, `body`, the footer.
/// `path` is the page's path and query, for the switch's link.
pub(crate) fn page(lang: Lang, title: &str, path: &str, body: Markup) -> Markup {
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.html()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("ui.brand")) }
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { (lang.t("ui.brand")) }
                    nav {
                        a href="/" { (lang.t("ui.home")) }
                        a href="/blocks" { (lang.t("ui.blocks")) }
                        a href="/validators" { (lang.t("ui.validators")) }
                        a href="/orgs" { (lang.t("ui.orgs")) }
                        a href="/catalog" { (lang.t("ui.catalog")) }
                        a href="/dashboards/violations" { (lang.t("ui.violations_dashboard")) }
                        a href="/dashboards/overdue" { (lang.t("ui.overdue_dashboard")) }
                    }
                    form.search action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder=(lang.t("ui.search_placeholder"))
                            aria-label=(lang.t("ui.search")) required;
                        button type="submit" { (lang.t("ui.search")) }
                    }
                    a.lang href=(with_param(path, "lang", other.code())) hreflang=(other.html()) {
                        (lang.t("ui.switch_language"))
                    }
                }
                main { h1 { (title) } (body) }
                footer { "Onebook · " (lang.t("ui.brand")) }
            }
        }
    }
}

/// `path` with the query parameter `name` set to `value` (replacing one already there).
pub(crate) fn with_param(path: &str, name: &str, value: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(name))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("{name}={}", encode(value)));
    format!("{base}?{}", pairs.join("&"))
}

/// Percent-encodes `text` for a path segment or a query value.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `time` (ms) as a local date and time, `2026-03-02 09:00:00`.
pub(crate) fn time_text(time: u64) -> String {
    let date = Date::of_timestamp(Timestamp(time), UTC_OFFSET_MINUTES);
    let (year, month, day) = date.ymd();
    let seconds = (time / 1000 + u64::from(UTC_OFFSET_MINUTES.unsigned_abs()) * 60) % 86_400;
    let (hour, minute, second) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
}

/// A time cell.
pub(crate) fn time(time: u64) -> Markup {
    html! { time data-ms=(time) { (time_text(time)) } }
}

/// A hash or key, in full, breakable.
pub(crate) fn hash(text: &str) -> Markup {
    html! { code.hash { (text) } }
}

/// The first and last characters of a long hex text.
pub(crate) fn short(text: &str) -> String {
    if text.len() > 16 && text.is_ascii() {
        format!("{}…{}", &text[..8], &text[text.len() - 6..])
    } else {
        text.to_owned()
    }
}

/// The address of a record's page.
pub(crate) fn record_href(kind: Kind, id: &str) -> String {
    format!("/{}/{}", kind.path, encode(id))
}

/// A link to a record, showing its id.
pub(crate) fn record_link(kind: Kind, id: &str) -> Markup {
    html! { a href=(record_href(kind, id)) { (short(id)) } }
}

/// A link to the record of `key`, showing it as `<kind>:<id>`.
pub(crate) fn key_link(key: &onebook_types::record::RecordKey) -> Markup {
    let text = onebook_query::record_key_text(key);
    match crate::kinds::of_key_text(&text) {
        Some((kind, id)) => html! { a href=(record_href(kind, id)) { (text) } },
        None => html! { (text) },
    }
}

/// A link to a block.
pub(crate) fn block_link(height: u64) -> Markup {
    html! { a href={ "/blocks/" (height) } { (height) } }
}

/// A link to a tx, showing its shortened hash.
pub(crate) fn tx_link(hash: &str) -> Markup {
    html! { a.mono href={ "/txs/" (hash) } title=(hash) { (short(hash)) } }
}

/// The kind of record a field of this name points at, if any; `value` decides for `parent`
/// (an org's parent is an org, a licence's a certificate).
fn link_kind(field: &str, value: &str) -> Option<Kind> {
    use crate::kinds::{
        ACCESS_EVENT, APPLICATION, CATALOG_ENTRY, CERTIFICATE, GRANT, MEMBER, OBJECTION,
        OBLIGATION, ORG, PROPOSAL, QUALITY_REPORT, RESOURCE, SHARE_REQUEST, VIOLATION,
    };
    Some(match field {
        "parent" if certificate_number_is_well_formed(value) => CERTIFICATE,
        "org" | "provider" | "grantee" | "requester_org" | "reporter_org" | "objector_org"
        | "registrant" | "holder" | "issuer" | "licensee" | "to" | "from" | "responsible"
        | "proposer" | "parent" => ORG,
        "entry" | "code" => CATALOG_ENTRY,
        "resource" => RESOURCE,
        "request" => SHARE_REQUEST,
        "grant" => GRANT,
        "report" => QUALITY_REPORT,
        "application" => APPLICATION,
        "objection" | "objections" => OBJECTION,
        "proposal" => PROPOSAL,
        "access_event" => ACCESS_EVENT,
        "violation" => VIOLATION,
        "obligation" => OBLIGATION,
        "certificate" | "inputs" => CERTIFICATE,
        "key" | "member" | "requester" | "gateway" | "applicant" | "objector" | "reporter"
        | "new_key" | "signer" | "admin" => MEMBER,
        _ => return None,
    })
}

/// The fields whose value is the tag of an enum, to be shown by its label.
const TAG_FIELDS: [&str; 21] = [
    "type",
    "sensitivity",
    "standing",
    "scope",
    "by",
    "status",
    "kind",
    "decision",
    "answer",
    "share_type",
    "open_type",
    "subject",
    "claim",
    "name",
    "grade",
    "operation",
    "right",
    "level",
    "reason",
    "roles",
    "parameter",
];

/// Whether `field` holds an enum tag whose value has a label.
fn is_tag(field: &str, value: &str) -> bool {
    TAG_FIELDS.contains(&field)
        && (Lang::has(&format!("{field}={value}")) || Lang::has(value))
        && !value.contains(' ')
}

/// A JSON object that is a record key, `{"kind": "grant", "id": 1}`.
fn as_record_key(value: &Value) -> Option<(Kind, String)> {
    let object = value.as_object()?;
    if object.len() != 2 {
        return None;
    }
    let kind = crate::kinds::by_key_kind(object.get("kind")?.as_str()?)?;
    let id = match object.get("id")? {
        Value::String(id) => id.clone(),
        Value::Number(id) => id.to_string(),
        _ => return None,
    };
    Some((kind, id))
}

/// The text of a scalar for a table cell or a CSV field: times formatted, tags labelled.
pub(crate) fn scalar_text(lang: Lang, field: &str, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(yes) => lang.t(if *yes { "ui.yes" } else { "ui.no" }).into_owned(),
        Value::Number(number) => match number.as_u64() {
            Some(ms) if ms >= TIMESTAMP_MS_MIN => time_text(ms),
            _ => number.to_string(),
        },
        Value::String(text) if is_tag(field, text) => lang.value(field, text).into_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            items.iter().map(|item| scalar_text(lang, field, item)).collect::<Vec<_>>().join("; ")
        }
        Value::Object(object) => match as_record_key(value) {
            Some((kind, id)) => format!("{}:{id}", kind.key_kind),
            None => object
                .iter()
                .map(|(name, item)| format!("{}: {}", lang.t(name), scalar_text(lang, name, item)))
                .collect::<Vec<_>>()
                .join(", "),
        },
    }
}

/// Any value of a record or action, readable: an object as labelled fields, a list as a list,
/// ids as links to their records, times as dates, enum tags by their labels.
pub(crate) fn value(lang: Lang, field: &str, value: &Value) -> Markup {
    match value {
        Value::Null => html! { span.none { "—" } },
        Value::Bool(_) => html! { (scalar_text(lang, field, value)) },
        Value::Number(number) => match number.as_u64() {
            Some(ms) if ms >= TIMESTAMP_MS_MIN => time(ms),
            Some(id) => match link_kind(field, "") {
                Some(kind) if !matches!(field, "parent" | "code") => {
                    html! { a href=(record_href(kind, &id.to_string())) { (id) } }
                }
                _ => html! { (id) },
            },
            None => html! { (number.to_string()) },
        },
        Value::String(text) => match link_kind(field, text) {
            Some(kind) if !text.is_empty() => {
                html! { a href=(record_href(kind, text)) { (short(text)) } }
            }
            _ if is_tag(field, text) => html! { span.tag { (lang.value(field, text)) } },
            _ if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) => hash(text),
            _ => html! { (text) },
        },
        Value::Array(items) if items.is_empty() => html! { span.none { "—" } },
        Value::Array(items) if items.iter().all(|item| !item.is_object() && !item.is_array()) => {
            html! {
                ul.inline { @for item in items { li { (self::value(lang, field, item)) } } }
            }
        }
        Value::Array(items) => html! {
            ol.nested { @for item in items { li { (self::value(lang, field, item)) } } }
        },
        Value::Object(object) => match as_record_key(value) {
            Some((kind, id)) => html! {
                a href=(record_href(kind, &id)) { (lang.t(&format!("kind.{}", kind.key_kind))) " " (short(&id)) }
            },
            None => fields(lang, object),
        },
    }
}

/// An object's fields as a labelled list.
pub(crate) fn fields(lang: Lang, object: &serde_json::Map<String, Value>) -> Markup {
    html! {
        dl.fields {
            @for (name, item) in object {
                dt title=(name) { (lang.t(name)) }
                dd data-field=(name) { (value(lang, name, item)) }
            }
        }
    }
}

/// An event: its kind by its label, its attributes linked where they name records.
pub(crate) fn event(lang: Lang, kind: &str, attributes: &[(String, String)]) -> Markup {
    html! {
        div.event {
            span.tag title=(kind) { (lang.t(kind)) }
            @for (name, text) in attributes {
                " "
                span.attr {
                    span.name { (lang.t(name)) "：" }
                    (value(lang, name, &Value::String(text.clone())))
                }
            }
        }
    }
}

/// One cell of a table: what it shows, where it links, and its text in a CSV download.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// Its text, for the page and the CSV.
    pub(crate) text: String,
    /// Where it links, if anywhere.
    pub(crate) href: Option<String>,
    /// Markup shown instead of `text` on the page.
    pub(crate) rich: Option<Markup>,
}

impl Cell {
    /// A cell of plain text.
    pub(crate) fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), href: None, rich: None }
    }

    /// A cell linking to `href`.
    pub(crate) fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self { text: text.into(), href: Some(href.into()), rich: None }
    }

    /// A cell showing `rich` on the page and `text` in a CSV.
    pub(crate) fn rich(text: impl Into<String>, rich: Markup) -> Self {
        Self { text: text.into(), href: None, rich: Some(rich) }
    }
}

/// Rows under labelled columns, and the cursor of the next page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// The column labels.
    pub(crate) columns: Vec<String>,
    /// The rows.
    pub(crate) rows: Vec<Vec<Cell>>,
    /// The next page's cursor.
    pub(crate) next: Option<String>,
}

/// `table` with its pager: a link to the next page and one to download it as CSV. `path` is the
/// page's path and query.
pub(crate) fn table(lang: Lang, table: &Table, path: &str) -> Markup {
    html! {
        @if table.rows.is_empty() {
            p.none { (lang.t("ui.none")) }
        } @else {
            div.scroll {
                table.list {
                    thead { tr { @for column in &table.columns { th { (column) } } } }
                    tbody {
                        @for row in &table.rows {
                            tr {
                                @for cell in row {
                                    td {
                                        @match (&cell.rich, &cell.href) {
                                            (Some(rich), _) => { (rich.clone()) }
                                            (None, Some(href)) => { a href=(href) { (short(&cell.text)) } }
                                            (None, None) => { (cell.text) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pager(lang, table.next.as_deref(), path))
    }
}

/// The links under a list: the next page if there is one, and the CSV download.
pub(crate) fn pager(lang: Lang, next: Option<&str>, path: &str) -> Markup {
    html! {
        p.pager {
            @if path.contains("cursor=") {
                a href=(first_page(path)) { (lang.t("ui.first_page")) }
            }
            @if let Some(next) = next {
                a.next rel="next" href=(with_param(path, "cursor", next)) { (lang.t("ui.next_page")) " →" }
            }
            a.csv href=(with_param(path, "format", "csv")) download { (lang.t("ui.download_csv")) }
        }
    }
}

fn first_page(path: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let rest: Vec<&str> =
        query.split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("cursor=")).collect();
    if rest.is_empty() { base.to_owned() } else { format!("{base}?{}", rest.join("&")) }
}

/// A section with a heading.
pub(crate) fn section(title: &str, body: Markup) -> Markup {
    html! { section { h2 { (title) } (body) } }
}

/// A note in place of a section whose reads failed.
pub(crate) fn unavailable(lang: Lang) -> Markup {
    html! { p.warn { (lang.t("ui.section_unavailable")) } }
}

/// An SVG QR code of `text`, or nothing if it is too long for one.
pub(crate) fn qr(text: &str) -> Markup {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build();
            // The SVG is built from the bits of the code alone; no input text reaches it.
            PreEscaped(svg.replace("<?xml version=\"1.0\" standalone=\"yes\"?>", ""))
        }
        Err(_) => html! {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_time_prints_in_china_standard_time() {
        // 2026-01-01 00:00 UTC is 08:00 in Xiamen.
        assert_eq!(time_text(1_767_225_600_000), "2026-01-01 08:00:00");
    }

    #[test]
    fn a_query_parameter_is_set_once() {
        assert_eq!(with_param("/orgs?lang=zh&cursor=ab", "lang", "en"), "/orgs?cursor=ab&lang=en");
        assert_eq!(with_param("/", "q", "a b"), "/?q=a%20b");
        assert_eq!(first_page("/orgs?cursor=ab&lang=en"), "/orgs?lang=en");
    }

    #[test]
    fn ids_link_to_their_records_and_tags_read_as_labels() {
        let grant =
            serde_json::json!({"grantee": "xm-gaj", "request": 2, "status": {"status": "active"}});

        let markup = value(Lang::Zh, "grant", &grant).into_string();

        assert!(markup.contains("href=\"/orgs/xm-gaj\""), "{markup}");
        assert!(markup.contains("href=\"/share-requests/2\""), "{markup}");
        assert!(markup.contains("有效"), "{markup}");
    }

    #[test]
    fn text_is_escaped() {
        let markup =
            value(Lang::En, "description", &Value::String("<script>".into())).into_string();

        assert_eq!(markup, "&lt;script&gt;");
    }
}
