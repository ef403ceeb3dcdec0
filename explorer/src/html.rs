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
                        a href="/orgs" { (lang.t("ui.orgs")) }
                        a href="/catalog" { (lang.t("ui.catalog")) }
                        details.menu {
                            summary { (lang.t("ui.records_menu")) }
                            div.menu-items {
                                @for kind in crate::kinds::ALL {
                                    a href={ "/" (kind.path) } { (lang.t(&format!("kind.{}", kind.key_kind))) }
                                }
                                a href="/validators" { (lang.t("ui.validators")) }
                                a href="/policy" { (lang.t("ui.policy")) }
                                a href="/checkpoint-policy" { (lang.t("ui.checkpoint_policy")) }
                                a href="/protocol" { (lang.t("ui.protocol")) }
                                a href="/child-chains" { (lang.t("ui.child_chains")) }
                            }
                        }
                        details.menu {
                            summary { (lang.t("ui.dashboard_menu")) }
                            div.menu-items {
                                a href="/dashboards/violations" { (lang.t("ui.violations_dashboard")) }
                                a href="/dashboards/overdue" { (lang.t("ui.overdue_dashboard")) }
                                a href="/dashboards/activity" { (lang.t("ui.activity")) }
                                a href="/report" { (lang.t("ui.reports")) }
                            }
                        }
                        a.workbench href="/workbench/" { (lang.t("ui.workbench")) }
                    }
                    form.search action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder=(lang.t("ui.search_placeholder"))
                            aria-label=(lang.t("ui.search")) value=(query_value(path, "q").unwrap_or_default()) required;
                        button type="submit" { (lang.t("ui.search")) }
                    }
                    a.lang href=(with_param(path, "lang", other.code())) hreflang=(other.html()) {
                        (lang.t("ui.switch_language"))
                    }
                }
                main { h1 { (title) } p.tz.none { (lang.t("ui.tz_note")) } (body) }
                footer { "Onebook · " (lang.t("ui.brand")) " · " (lang.t("ui.tz_note")) }
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

/// The decoded value of the query parameter `name` in `path`, if there is one.
pub(crate) fn query_value(path: &str, name: &str) -> Option<String> {
    let (_, query) = path.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| decode(value))
    })
}

/// Decodes `%XX` escapes and `+` of a query value; a malformed escape is kept as it is.
pub(crate) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                match text
                    .get(index + 1..index + 3)
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or(())
                {
                    Ok(byte) => {
                        out.push(byte);
                        index += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

/// `time` (ms) as a date alone when it is a local midnight (a first or last day, a deadline),
/// else as a date and time.
pub(crate) fn date_or_time_text(time: u64) -> String {
    let text = time_text(time);
    match text.strip_suffix(" 00:00:00") {
        Some(date) => date.to_owned(),
        None => text,
    }
}

/// A time cell, in Beijing time (the page says so under its title).
pub(crate) fn time(time: u64) -> Markup {
    html! { time data-ms=(time) title="北京时间 UTC+8" { (date_or_time_text(time)) } }
}

/// A hash or key, in full, breakable.
pub(crate) fn hash(text: &str) -> Markup {
    html! { code.hash { (text) } }
}

/// A hash shortened, in full on hover and copied on click.
pub(crate) fn short_hash(text: &str) -> Markup {
    html! { code.hash.copy title=(text) data-copy=(text) { (short(text)) } }
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

/// A link to a record, showing its id in full (an org by its name and id, a member by its
/// name and org, with the key on hover).
pub(crate) fn record_link(kind: Kind, id: &str) -> Markup {
    let href = record_href(kind, id);
    // No link to a page that does not exist: an org or member the ledger does not know, or
    // any id in a refused tx's action.
    let unknown = match kind {
        k if k == crate::kinds::ORG => crate::names::org_known(id) == Some(false),
        k if k == crate::kinds::MEMBER => crate::names::member_known(id) == Some(false),
        _ => false,
    };
    let missing = crate::names::is_missing(&format!("{}:{id}", kind.key_kind));
    if unknown || missing || crate::names::links_off() {
        return match kind {
            k if k == crate::kinds::MEMBER => html! { code.hash title=(id) { (short(id)) } },
            _ => html! { span.unlinked { (record_text(kind, id)) } },
        };
    }
    if kind == crate::kinds::ORG
        && let Some(name) = crate::names::org(id)
    {
        return html! { a.org href=(href) title=(id) { (name) } " " span.id { "(" (id) ")" } };
    }
    if kind == crate::kinds::MEMBER
        && let Some((name, org)) = crate::names::member(id)
    {
        let org_name = crate::names::org(&org).unwrap_or(org);
        return html! { a.member href=(href) title=(id) { (name) } " " span.id { "· " (org_name) } };
    }
    if kind == crate::kinds::MEMBER {
        return html! { a.mono href=(href) title=(id) { (short(id)) } };
    }
    html! { a href=(href) { (id) } }
}

/// The text of a link to a record, for a CSV: an org as `name (id)`, a member as `name · org`.
pub(crate) fn record_text(kind: Kind, id: &str) -> String {
    if kind == crate::kinds::ORG {
        return crate::names::org_text(id);
    }
    if kind == crate::kinds::MEMBER
        && let Some((name, org)) = crate::names::member(id)
    {
        return format!("{name} · {}", crate::names::org_text(&org));
    }
    id.to_owned()
}

/// Whether `text` has the shape of a catalog code (`350200-xm-dsj-0007`: a region code first),
/// not of a legal-basis code (`xm-ggsj-2024`).
fn looks_like_catalog_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() > 7 && bytes[..6].iter().all(u8::is_ascii_digit) && bytes[6] == b'-'
}

/// A link to the record of `key`, showing its kind by its label and its id.
pub(crate) fn key_link(lang: Lang, key: &onebook_types::record::RecordKey) -> Markup {
    let text = onebook_query::record_key_text(key);
    match crate::kinds::of_key_text(&text) {
        Some((kind, id)) => {
            html! { (lang.t(&format!("kind.{}", kind.key_kind))) " " (record_link(kind, id)) }
        }
        None => html! { (text) },
    }
}

/// A link to a block.
pub(crate) fn block_link(height: u64) -> Markup {
    html! { a href={ "/blocks/" (height) } { (height) } }
}

/// The kind of record a field of this name points at, if any; `value` decides for `parent`
/// (an org's parent is an org, a licence's a certificate).
fn link_kind(field: &str, value: &str) -> Option<Kind> {
    use crate::kinds::{
        ACCESS_EVENT, APPLICATION, CATALOG_ENTRY, CERTIFICATE, DEVELOPMENT_GRANT, GRANT,
        GRANT_CLOSE_OUT, MEMBER, OBJECTION, OBLIGATION, OPEN_DATA_PLAN, ORG, PRODUCT, PROPOSAL,
        QUALITY_REPORT, RESOURCE, SCENARIO, SHARE_REQUEST, VIOLATION,
    };
    Some(match field {
        "parent" if certificate_number_is_well_formed(value) => CERTIFICATE,
        "org" | "provider" | "grantee" | "requester_org" | "reporter_org" | "objector_org"
        | "registrant" | "holder" | "issuer" | "licensee" | "to" | "from" | "responsible"
        | "proposer" | "parent" | "holder_org" | "node_org" | "developer" | "authority"
        | "approved_by" | "granted_by" => ORG,
        "entry" | "code" | "holder_entry" if looks_like_catalog_code(value) => CATALOG_ENTRY,
        "resource" | "holder_resource" | "resources" => RESOURCE,
        "grant_close_out" => GRANT_CLOSE_OUT,
        "open_data_plan" => OPEN_DATA_PLAN,
        "scenario" => SCENARIO,
        "development_grant" => DEVELOPMENT_GRANT,
        "product" if value.len() == 64 => PRODUCT,
        "request" | "share_request" => SHARE_REQUEST,
        "grant" | "parent_grant" | "onward_grants" => GRANT,
        "report" | "quality_report" => QUALITY_REPORT,
        "application" => APPLICATION,
        "objection" | "objections" => OBJECTION,
        "proposal" => PROPOSAL,
        "access_event" => ACCESS_EVENT,
        "violation" => VIOLATION,
        "obligation" => OBLIGATION,
        "certificate" | "inputs" => CERTIFICATE,
        "key" | "member" | "requester" | "gateway" | "applicant" | "objector" | "reporter"
        | "new_key" | "signer" | "admin" | "reader"
            if value.is_empty() || value.len() == 64 =>
        {
            MEMBER
        }
        _ => return None,
    })
}

/// The fields whose value is the tag of an enum, to be shown by its label.
const TAG_FIELDS: [&str; 26] = [
    "change",
    "update_frequency",
    "late",
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
    "disposition",
    "ended",
];

/// Whether `field` holds an enum tag whose value has a label.
fn is_tag(field: &str, value: &str) -> bool {
    TAG_FIELDS.contains(&field) && Lang::has_value(field, value) && !value.contains(' ')
}

/// A rejection named as the ledger names it (`RoleMissing`, in a refusal's event): its
/// sentence in the page's language and its code; the name itself only on English pages.
fn rejection_text(lang: Lang, name: &str) -> String {
    match onebook_types::rejection::Rejection::ALL.iter().find(|rule| rule.name() == name) {
        Some(rule) => {
            let code = rule.code();
            match lang {
                Lang::Zh => format!("{}（{} {code}）", lang.rejection(code), lang.t("ui.code")),
                Lang::En => format!("{name} ({code}): {}", lang.rejection(code)),
            }
        }
        None => name.to_owned(),
    }
}

/// A number written as text in an event's attributes: a block time when it is one.
fn text_time(text: &str) -> Option<u64> {
    text.parse::<u64>().ok().filter(|ms| *ms >= TIMESTAMP_MS_MIN)
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
            Some(ms) if ms >= TIMESTAMP_MS_MIN => date_or_time_text(ms),
            _ => number.to_string(),
        },
        Value::String(text) if is_tag(field, text) => lang.value(field, text).into_owned(),
        Value::String(text) if field == "rejection" => rejection_text(lang, text),
        Value::String(text) if text.contains(',') && TAG_FIELDS.contains(&field) => text
            .split(',')
            .map(|part| scalar_text(lang, field, &Value::String(part.trim().to_owned())))
            .collect::<Vec<_>>()
            .join("、"),
        Value::String(text) if text == "true" || text == "false" => {
            lang.t(if text == "true" { "ui.yes" } else { "ui.no" }).into_owned()
        }
        Value::String(text) => match (text_time(text), link_kind(field, text)) {
            (Some(ms), _) => date_or_time_text(ms),
            (None, Some(kind)) => record_text(kind, text),
            (None, None) if field == "description" => obligation_description(lang, text),
            (None, None) => text.clone(),
        },
        Value::Array(items) => {
            items.iter().map(|item| scalar_text(lang, field, item)).collect::<Vec<_>>().join("; ")
        }
        Value::Object(object) => match as_record_key(value) {
            Some((kind, id)) => {
                format!("{} {}", lang.t(&format!("kind.{}", kind.key_kind)), record_text(kind, &id))
            }
            None => crate::kinds::ordered(object, &[])
                .into_iter()
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
                    record_link(kind, &id.to_string())
                }
                _ => html! { (id) },
            },
            None => html! { (number.to_string()) },
        },
        Value::String(text) => match link_kind(field, text) {
            Some(kind) if !text.is_empty() && (!kind.numbered() || text.parse::<u64>().is_ok()) => {
                record_link(kind, text)
            }
            _ if is_tag(field, text) => html! { span.tag { (lang.value(field, text)) } },
            _ if field == "rejection" || (text.contains(',') && TAG_FIELDS.contains(&field)) => {
                html! { (scalar_text(lang, field, value)) }
            }
            _ if text == "true" || text == "false" => html! { (scalar_text(lang, field, value)) },
            _ if text_time(text).is_some() => time(text_time(text).unwrap_or_default()),
            _ if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) => {
                short_hash(text)
            }
            _ if field == "description" => html! { (obligation_description(lang, text)) },
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
                (lang.t(&format!("kind.{}", kind.key_kind))) " " (record_link(kind, &id))
            },
            None => fields(lang, object),
        },
    }
}

/// An obligation's description in the page's language: the ledger writes the one it opens on a
/// publication as `<code> version <n> published`.
pub(crate) fn obligation_description(lang: Lang, text: &str) -> String {
    let Some(rest) = text.strip_suffix(" published") else { return text.to_owned() };
    let Some((code, number)) = rest.split_once(" version ") else { return text.to_owned() };
    if !looks_like_catalog_code(code) || number.parse::<u32>().is_err() {
        return text.to_owned();
    }
    lang.t("ui.obligation_published").replace("{code}", code).replace("{n}", number)
}

/// An object's fields as a labelled list, in the general order of [`crate::kinds::FIELD_RANK`].
pub(crate) fn fields(lang: Lang, object: &serde_json::Map<String, Value>) -> Markup {
    fields_in(lang, object, &[], &[])
}

/// An object's fields as a labelled list, `order` first. A status that is itself an object
/// (`{"status": "active", ...}`) reads as its label, then its other fields, not as 状态 › 状态.
pub(crate) fn fields_in(
    lang: Lang,
    object: &serde_json::Map<String, Value>,
    order: &[&str],
    labels: &[(&str, &str)],
) -> Markup {
    let label = |name: &str| {
        labels
            .iter()
            .find(|(field, _)| *field == name)
            .map_or_else(|| lang.t(name), |(_, key)| lang.t(key))
    };
    html! {
        dl.fields {
            @for (name, item) in crate::kinds::ordered(object, order) {
                dt title=(name) { (label(name)) }
                dd data-field=(name) {
                    @match item.as_object().filter(|inner| inner.contains_key(name.as_str())) {
                        Some(inner) => {
                            (value(lang, name, &inner[name.as_str()]))
                            @let rest: serde_json::Map<String, Value> = inner.iter().filter(|(key, _)| *key != name).map(|(k, v)| (k.clone(), v.clone())).collect();
                            @if !rest.is_empty() { (fields(lang, &rest)) }
                        }
                        None => (value(lang, name, item)),
                    }
                }
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
                    span.name title=(name) { (lang.t(name)) } "："
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
    /// How many rows the whole list holds, when counted (and whether the count was cut short).
    pub(crate) total: Option<(usize, bool)>,
    /// The CSV download's address, when it is not the list's own from its first row (a list
    /// that grows, pinned where it was counted).
    pub(crate) csv: Option<String>,
}

/// `table` with its pager: a link to the next page and one to download it as CSV. `path` is the
/// page's path and query.
pub(crate) fn table(lang: Lang, table: &Table, path: &str) -> Markup {
    let inner = table_rows(lang, table, path);
    match table.total {
        Some((count, capped)) => html! {
            div.listing data-count=[(!capped).then_some(count)] {
                p.total { (lang.t("ui.total")) " " strong { (crate::stats::count_text(count, capped)) } " " (lang.t("ui.items_unit")) }
                (inner)
            }
        },
        None => inner,
    }
}

fn table_rows(lang: Lang, table: &Table, path: &str) -> Markup {
    let count = table.total.filter(|(_, capped)| !capped).map(|(count, _)| count);
    html! {
        @if table.rows.is_empty() {
            p.none { (lang.t("ui.none")) }
        } @else {
            (table_only(table))
        }
        (pager(lang, table.next.as_deref(), path, count, table.csv.as_deref()))
    }
}

/// A table's rows alone, with no pager or download.
pub(crate) fn table_only(table: &Table) -> Markup {
    html! {
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
                                            (None, Some(href)) => { a href=(href) { (cell.text) } }
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
}

/// The links under a list: the next page if there is one, and the CSV download of the whole
/// list (from its first row, whatever page is shown), marked with the list's count when known.
pub(crate) fn pager(
    lang: Lang,
    next: Option<&str>,
    path: &str,
    count: Option<usize>,
    csv: Option<&str>,
) -> Markup {
    let csv = csv.map_or_else(|| with_param(&first_page(path), "format", "csv"), str::to_owned);
    html! {
        p.pager {
            @if path.contains("cursor=") {
                a href=(first_page(path)) { (lang.t("ui.first_page")) }
            }
            @if let Some(next) = next {
                a.next rel="next" href=(with_param(path, "cursor", next)) { (lang.t("ui.next_page")) " →" }
            }
            a.csv href=(csv) data-count=[count] download { (lang.t("ui.download_csv")) }
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
