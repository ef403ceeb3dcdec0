//! The record pages: every kind listed and one by one with its history; the org, catalog
//! entry, share request, resource and certificate pages an audit follows; the dashboards.

use axum::{
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, Uri, header},
    response::Response,
};
use maud::{Markup, html};
use onebook_query::{LedgerQuery, ListParams, PageParams, QueryError, Record, RecordView};
use onebook_types::{
    catalog_records::CatalogEntry, ids::OrgId, limits::PAGE_ITEMS_MAX,
    property_records::Certificate, record::RecordKey,
};
use serde_json::Value;

use crate::{
    App,
    error::{PageError, respond},
    html::{self, Cell, Table, section},
    i18n::Lang,
    kinds::{self, Kind},
    pages::{ListQuery, Listed, Listing, fetch, html_page, listed, parsed, path_of, record_key},
};

/// Items a page's sections show before their "see all" link.
const SECTION_ITEMS: u64 = 10;

/// Whether `kind` has a page of its own (the others use [`generic`]).
pub(crate) fn has_own_page(kind: Kind) -> bool {
    [kinds::ORG, kinds::CATALOG_ENTRY, kinds::SHARE_REQUEST, kinds::RESOURCE, kinds::CERTIFICATE]
        .contains(&kind)
}

fn kind_of_path(uri: &Uri) -> Kind {
    let first = uri.path().trim_start_matches('/').split('/').next().unwrap_or_default();
    kinds::ALL.into_iter().find(|kind| kind.path == first).unwrap_or(kinds::ORG)
}

fn kind_label(lang: Lang, kind: Kind) -> String {
    lang.t(&format!("kind.{}", kind.key_kind)).into_owned()
}

/// Filter chips: one link per status of the kind.
fn status_chips(lang: Lang, kind: Kind, path: &str, status: Option<&str>) -> Markup {
    let base = path.split('?').next().unwrap_or(path);
    html! {
        @if !kind.kind.statuses().is_empty() {
            div.chips {
                a class=(if status.is_none() { "" } else { "off" }) href=(base) { (lang.t("ui.all")) }
                @for name in kind.kind.statuses() {
                    a class=(if status == Some(*name) { "" } else { "off" })
                        href=(html::with_param(base, "status", name)) { (lang.value("status", name)) }
                }
            }
        }
    }
}

/// `GET /{kind}?org=&status=&cursor=&limit=&format=csv`.
pub(crate) async fn list<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    let kind = kind_of_path(&uri);
    respond(lang, async {
        let query = parsed(query)?;
        let under = query.under.as_deref().map(onebook_query::parse_record_key).transpose().map_err(PageError::BadInput)?;
        let listing = match &under {
            Some(under) => Listing::Under { kind, under: under.clone() },
            None => Listing::Records { kind, org: query.org.clone(), status: query.status.clone() },
        };
        let table = match listed(&app, lang, &listing, &query, &path, kind.path).await? {
            Listed::Csv(response) => return Ok(response),
            Listed::Table(table) => table,
        };
        let title = format!("{} · {}", kind_label(lang, kind), lang.t("ui.list_of"));
        let body = html! {
            @if let Some(org) = &query.org { p { (lang.t("org")) "：" (html::record_link(kinds::ORG, org)) } }
            @if let Some(under) = &under { p #under { (lang.t("ui.under")) "：" (html::key_link(under)) } }
            (status_chips(lang, kind, &path, query.status.as_deref()))
            (html::table(lang, &table, &path))
        };
        Ok(html_page(lang, &title, &path, body))
    }.await)
}

/// The record of `kind` with id `id`, or a 404.
async fn load<Q: LedgerQuery>(
    app: &App<Q>,
    kind: Kind,
    id: &str,
) -> Result<(RecordKey, RecordView), PageError> {
    let key = record_key(kind, id)?;
    let view = app.query.record(key.clone(), None).await?;
    let view = view.ok_or_else(|| PageError::NotFound(format!("{}:{id}", kind.key_kind)))?;
    Ok((key, view))
}

/// A record's fields as its JSON names them, without `left_out`.
fn record_fields(lang: Lang, view: &RecordView, left_out: &[&str]) -> Markup {
    let json = serde_json::to_value(&view.record).unwrap_or_default();
    let mut object = json["record"].as_object().cloned().unwrap_or_default();
    for name in left_out {
        object.remove(*name);
    }
    html! { div.record data-key=(view.key) { (html::fields(lang, &object)) } }
}

/// The record's history as the page's main list: a table, or the CSV download.
async fn history<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    key: &RecordKey,
    query: &ListQuery,
    path: &str,
) -> Result<Result<Markup, Response>, PageError> {
    let name = onebook_query::record_key_text(key).replace(':', "-");
    Ok(match listed(app, lang, &Listing::Timeline(key.clone()), query, path, &name).await? {
        Listed::Csv(response) => Err(response),
        Listed::Table(table) => {
            Ok(section(&lang.t("ui.timeline"), html::table(lang, &table, path)))
        }
    })
}

/// `GET /{kind}/{id}` of the kinds without a page of their own.
pub(crate) async fn generic<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(id): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    let kind = kind_of_path(&uri);
    respond(
        lang,
        async {
            let query = parsed(query)?;
            let (key, view) = load(&app, kind, &id).await?;
            let history = match history(&app, lang, &key, &query, &path).await? {
                Ok(history) => history,
                Err(csv) => return Ok(csv),
            };
            let body = html! { section { (record_fields(lang, &view, &[])) } (history) };
            Ok(html_page(
                lang,
                &format!("{} {}", kind_label(lang, kind), html::short(&id)),
                &path,
                body,
            ))
        }
        .await,
    )
}

/// A section listing the first items of `listing`, with a link to the whole list; a read that
/// fails shows a note instead.
async fn list_section<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    title: &str,
    listing: Listing,
    all: &str,
) -> Markup {
    let page = PageParams { cursor: None, limit: Some(SECTION_ITEMS) };
    let body = match fetch(app, lang, &listing, page).await {
        Ok(mut table) => {
            let more = table.next.take().is_some();
            html! {
                (html::table(lang, &table, all))
                @if more { p { a href=(all) { (lang.t("ui.more")) " →" } } }
            }
        }
        Err(error) => {
            tracing::debug!(%error, "a section could not be read");
            html::unavailable(lang)
        }
    };
    section(title, body)
}

fn views_table(lang: Lang, kind: Kind, views: Vec<RecordView>) -> Table {
    crate::pages::records_table(lang, kind, onebook_query::Page { items: views, next: None })
}

/// The first records of `kind` under `key`, as a section titled `title` whose "see all" link is
/// the kind's list filtered by `under`.
async fn under_section<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    title: &str,
    kind: Kind,
    key: &RecordKey,
) -> Markup {
    let under = onebook_query::record_key_text(key);
    let all = format!("/{}?under={}", kind.path, html::encode(&under));
    list_section(app, lang, title, Listing::Under { kind, under: key.clone() }, &all).await
}

/// `GET /orgs/{id}`.
pub(crate) async fn org<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(id): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(lang, async {
        let query = parsed(query)?;
        let (key, view) = load(&app, kinds::ORG, &id).await?;
        let Record::Org(org) = &view.record else { return Err(PageError::NotFound(id.clone())) };
        let history = match history(&app, lang, &key, &query, &path).await? {
            Ok(history) => history,
            Err(csv) => return Ok(csv),
        };
        // The chain of bodies above it, top first; bounded, as a broken chain could loop.
        let mut ancestors = Vec::new();
        let mut parent = org.parent.clone();
        while let Some(up) = parent.take() {
            if ancestors.len() >= 16 {
                break;
            }
            match app.query.record(RecordKey::Org(up.clone()), None).await? {
                Some(RecordView { record: Record::Org(above), .. }) => {
                    parent = above.parent.clone();
                    ancestors.push((above.id.0, above.name));
                }
                _ => ancestors.push((up.0.clone(), up.0)),
            }
        }
        ancestors.reverse();
        let by_org = |kind: Kind| Listing::Records { kind, org: Some(id.clone()), status: None };
        let all = |kind: Kind| format!("/{}?org={}", kind.path, html::encode(&id));
        let children = list_section(&app, lang, &lang.t("ui.children"), by_org(kinds::ORG), &all(kinds::ORG)).await;
        let members = list_section(&app, lang, &lang.t("ui.members"), by_org(kinds::MEMBER), &all(kinds::MEMBER)).await;
        let catalog = list_section(&app, lang, &lang.t("ui.org_catalog"), by_org(kinds::CATALOG_ENTRY), &all(kinds::CATALOG_ENTRY)).await;
        let violations = list_section(&app, lang, &lang.t("ui.violations"), by_org(kinds::VIOLATION), &all(kinds::VIOLATION)).await;
        let sharing = sharing_sections(&app, lang, &org.id).await;
        let overdue = match app.query.overdue_obligations(org.id.clone(), None, None).await {
            Ok(overdue) => html::table(lang, &overdue_table(lang, &[(org.clone(), overdue)], None), "/dashboards/overdue"),
            Err(_) => html::unavailable(lang),
        };
        let body = html! {
            section { (record_fields(lang, &view, &[])) }
            (section(&lang.t("ui.hierarchy"), html! {
                p #hierarchy {
                    @for (up, name) in &ancestors { a href=(html::record_href(kinds::ORG, up)) { (name) } " › " }
                    strong { (org.name) }
                }
            }))
            (children) (members) (catalog) (sharing)
            (section(&lang.t("ui.overdue"), overdue))
            (violations)
            (history)
        };
        Ok(html_page(lang, &format!("{} · {}", org.name, org.id.0), &path, body))
    }.await)
}

/// The grants the org gave and received, and the share requests it made and received: from the
/// first page of each list that names the org.
async fn sharing_sections<Q: LedgerQuery>(app: &App<Q>, lang: Lang, org: &OrgId) -> Markup {
    let params = ListParams {
        org: Some(org.clone()),
        page: PageParams { cursor: None, limit: Some(PAGE_ITEMS_MAX as u64) },
        ..ListParams::default()
    };
    let grants = app.query.records(kinds::GRANT.kind, params.clone()).await;
    let requests = app.query.records(kinds::SHARE_REQUEST.kind, params).await;
    let all = |kind: Kind| format!("/{}?org={}", kind.path, html::encode(org.as_str()));
    let split = |page: Result<onebook_query::Page<RecordView>, QueryError>,
                 kind: Kind,
                 given: fn(&Record, &OrgId) -> bool| match page {
        Ok(page) => {
            let (mine, theirs): (Vec<_>, Vec<_>) =
                page.items.into_iter().partition(|view| given(&view.record, org));
            Some((views_table(lang, kind, mine), views_table(lang, kind, theirs)))
        }
        Err(_) => None,
    };
    let grants = split(
        grants,
        kinds::GRANT,
        |record, org| matches!(record, Record::Grant(g) if g.provider == *org),
    );
    let requests = split(
        requests,
        kinds::SHARE_REQUEST,
        |record, org| matches!(record, Record::ShareRequest(r) if r.requester_org == *org),
    );
    let part = |title: &str, table: Option<&Table>, kind: Kind| {
        let link = all(kind);
        section(
            title,
            match table {
                Some(table) => {
                    html! { (html::table(lang, table, &link)) p { a href=(link) { (lang.t("ui.more")) " →" } } }
                }
                None => html::unavailable(lang),
            },
        )
    };
    html! {
        div #sharing-given { (part(&lang.t("ui.sharing_given"), grants.as_ref().map(|(given, _)| given), kinds::GRANT)) }
        div #sharing-received { (part(&lang.t("ui.sharing_received"), grants.as_ref().map(|(_, received)| received), kinds::GRANT)) }
        (part(&lang.t("ui.requests_made"), requests.as_ref().map(|(made, _)| made), kinds::SHARE_REQUEST))
        (part(&lang.t("ui.requests_received"), requests.as_ref().map(|(_, received)| received), kinds::SHARE_REQUEST))
    }
}

/// The fields of a catalog version's content as texts, by field name, for the diff.
fn content_texts(lang: Lang, content: &Value) -> Vec<(String, String)> {
    content
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(name, value)| (name.clone(), html::scalar_text(lang, name, value)))
                .collect()
        })
        .unwrap_or_default()
}

/// The fields that differ between two versions' contents: name, before, after.
pub(crate) fn diff(
    before: &[(String, String)],
    after: &[(String, String)],
) -> Vec<(String, String, String)> {
    let find = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in before.iter().chain(after) {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let (old, new) = (find(before, name), find(after, name));
            (old != new).then(|| (name.to_owned(), old, new))
        })
        .collect()
}

fn versions(lang: Lang, entry: &CatalogEntry) -> Markup {
    let contents: Vec<Value> = entry
        .versions
        .iter()
        .map(|v| serde_json::to_value(&v.content).unwrap_or_default())
        .collect();
    html! {
        @for (index, version) in entry.versions.iter().enumerate().rev() {
            div.card.version id={ "version-" (version.number) } {
                h3 {
                    (lang.t("ui.version")) " " (version.number)
                    @if entry.published == Some(version.number) { " " span.tag { (lang.t("published")) } }
                }
                p {
                    (lang.t("drafted_at")) " " (html::block_link(version.drafted_at.0))
                    @if let Some(published) = version.published_at { " · " (lang.t("published_at")) " " (html::block_link(published.0)) }
                }
                h4 { (lang.t("ui.differences")) }
                @if index == 0 {
                    p.none { (lang.t("ui.first_version")) }
                } @else {
                    @let changes = diff(&content_texts(lang, &contents[index - 1]), &content_texts(lang, &contents[index]));
                    @if changes.is_empty() { p.none { (lang.t("ui.no_changes")) } }
                    @else {
                        table.list.diff {
                            thead { tr { th { (lang.t("ui.fields")) } th { (lang.t("ui.before")) } th { (lang.t("ui.after")) } } }
                            tbody {
                                @for (name, old, new) in &changes {
                                    tr data-field=(name) { td { (lang.t(name)) } td { del { (old) } } td { ins { (new) } } }
                                }
                            }
                        }
                    }
                }
                details { summary { (lang.t("content")) } (html::value(lang, "content", &contents[index])) }
            }
        }
    }
}

/// The items of the entry's version in force (its latest, if none is): each with its data
/// element, whether it holds personal information, its sensitivity grade, and the resource that
/// is the authoritative source of its data element in this entry (一数一源).
fn data_items(lang: Lang, entry: &CatalogEntry) -> Markup {
    let Some(version) = entry.published_version().or_else(|| entry.versions.last()) else {
        return html! {};
    };
    html! {
        table.list #data-items {
            thead { tr {
                th { (lang.t("name")) } th { (lang.t("data_element")) }
                th { (lang.t("personal_information")) } th { (lang.t("sensitivity")) }
                th { (lang.t("ui.source")) }
            } }
            tbody {
                @for item in &version.content.items {
                    @let sensitivity = serde_json::to_value(item.sensitivity).unwrap_or_default();
                    tr data-item=(item.name) {
                        td { (item.name) }
                        td { @if item.data_element.is_empty() { span.none { "—" } } @else { (item.data_element) } }
                        td { @if item.personal_information { span.tag.personal { (lang.t("personal_information")) } } @else { span.none { "—" } } }
                        td { (html::value(lang, "sensitivity", &sensitivity)) }
                        td {
                            @match entry.authoritative_source(&item.name) {
                                Some(resource) => (html::record_link(kinds::RESOURCE, &resource.0.to_string())),
                                None => span.none { "—" },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /catalog/{code}`.
pub(crate) async fn catalog_entry<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(code): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let query = parsed(query)?;
            let (key, view) = load(&app, kinds::CATALOG_ENTRY, &code).await?;
            let Record::CatalogEntry(entry) = &view.record else {
                return Err(PageError::NotFound(code.clone()));
            };
            let history = match history(&app, lang, &key, &query, &path).await? {
                Ok(history) => history,
                Err(csv) => return Ok(csv),
            };
            let resources =
                under_section(&app, lang, &lang.t("ui.resources"), kinds::RESOURCE, &key).await;
            let name = entry.versions.last().map(|v| v.content.name.clone()).unwrap_or_default();
            let body = html! {
                section { (record_fields(lang, &view, &["versions"])) }
                (section(&lang.t("ui.data_items"), data_items(lang, entry)))
                (section(&lang.t("ui.versions"), versions(lang, entry)))
                (resources)
                (history)
            };
            Ok(html_page(lang, &format!("{name} · {}", entry.code.0), &path, body))
        }
        .await,
    )
}

/// `GET /share-requests/{id}`: the request, its whole trail with each tx decoded, its grant.
pub(crate) async fn share_request<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(id): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let query = parsed(query)?;
            let (key, view) = load(&app, kinds::SHARE_REQUEST, &id).await?;
            let Record::ShareRequest(request) = &view.record else {
                return Err(PageError::NotFound(id.clone()));
            };
            if query.csv()
                && let Err(csv) = history(&app, lang, &key, &query, &path).await?
            {
                return Ok(csv);
            }
            let request_trail = trail(&app, lang, &key, &query, &path).await?;
            let grant = match &request.status {
                onebook_types::sharing_records::ShareStatus::Granted { grant } => {
                    let grant_key = RecordKey::Grant(*grant);
                    let fields = match app.query.record(grant_key.clone(), None).await? {
                        Some(view) => record_fields(lang, &view, &[]),
                        None => html! {},
                    };
                    let grant_trail = trail(
                        &app,
                        lang,
                        &grant_key,
                        &ListQuery::default(),
                        &html::record_href(kinds::GRANT, &grant.0.to_string()),
                    )
                    .await?;
                    html! {
                        (section(&format!("{} {}", lang.t("ui.grant_issued"), grant.0), html! {
                            p { (html::record_link(kinds::GRANT, &grant.0.to_string())) }
                            (fields)
                        }))
                        (grant_trail)
                    }
                }
                _ => html! {},
            };
            let body = html! {
                section { (record_fields(lang, &view, &[])) }
                (request_trail)
                (grant)
            };
            Ok(html_page(
                lang,
                &format!("{} {}", lang.t("kind.share_request"), request.id.0),
                &path,
                body,
            ))
        }
        .await,
    )
}

/// A record's history with each tx decoded: what was asked, by whom, and what came of it.
async fn trail<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    key: &RecordKey,
    query: &ListQuery,
    path: &str,
) -> Result<Markup, PageError> {
    let timeline = app.query.timeline(key.clone(), query.page()).await?;
    let mut txs = Vec::new();
    for entry in &timeline.items {
        if let Some(tx) = app.query.tx(entry.tx_hash).await? {
            txs.push(tx);
        }
    }
    let names = crate::pages::member_names(app, txs.iter().map(|tx| tx.signer)).await;
    let title = format!(
        "{} · {}",
        lang.t("ui.trail"),
        lang.t(&format!(
            "kind.{}",
            onebook_query::record_key_text(key).split(':').next().unwrap_or_default()
        ))
    );
    let table = Table {
        columns: crate::pages::labels(
            lang,
            &["height", "time", "signer", "ui.decoded_action", "ui.outcome"],
        ),
        rows: txs
            .iter()
            .map(|tx| {
                let signer = names
                    .get(&tx.signer)
                    .map_or_else(|| tx.signer.to_hex(), |(name, org)| format!("{name} ({org})"));
                vec![
                    Cell::link(tx.height.to_string(), format!("/txs/{}", tx.tx_hash.to_hex())),
                    Cell::text(String::new()),
                    Cell::link(signer, html::record_href(kinds::MEMBER, &tx.signer.to_hex())),
                    crate::pages::action_cell(lang, tx.action.as_ref()),
                    crate::pages::outcome_cell(lang, tx.code, tx.rejection.as_deref()),
                ]
            })
            .collect(),
        next: timeline.next,
    };
    let mut table = table;
    for (row, tx) in table.rows.iter_mut().zip(&txs) {
        if let Ok(Some(block)) = app.query.block(onebook_types::ids::Height(tx.height)).await {
            row[1] =
                Cell::rich(html::time_text(block.header.time.0), html::time(block.header.time.0));
        }
    }
    Ok(html! { div.trail { (section(&title, html::table(lang, &table, path))) } })
}

/// `GET /resources/{id}`: the resource, the accesses to it, its quality reports and its history.
pub(crate) async fn resource<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    Path(id): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let query = parsed(query)?;
            let (key, view) = load(&app, kinds::RESOURCE, &id).await?;
            let Record::Resource(resource) = &view.record else {
                return Err(PageError::NotFound(id.clone()));
            };
            let history = match history(&app, lang, &key, &query, &path).await? {
                Ok(history) => history,
                Err(csv) => return Ok(csv),
            };
            let accesses =
                under_section(&app, lang, &lang.t("ui.access_history"), kinds::ACCESS_EVENT, &key)
                    .await;
            let reports = under_section(
                &app,
                lang,
                &lang.t("kind.quality_report"),
                kinds::QUALITY_REPORT,
                &key,
            )
            .await;
            let body = html! {
                section { (record_fields(lang, &view, &[])) }
                div #access-history { (accesses) }
                div #quality-reports { (reports) }
                (history)
            };
            Ok(html_page(
                lang,
                &format!("{} {}", lang.t("kind.resource"), resource.id.0),
                &path,
                body,
            ))
        }
        .await,
    )
}

/// The explorer's own address as the reader reached it.
fn public_base<Q>(app: &App<Q>, headers: &HeaderMap) -> String {
    match &app.config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host =
                headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
            format!("http://{host}")
        }
    }
}

/// `GET /certificates/{number}`.
pub(crate) async fn certificate<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    Path(number): Path<String>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(lang, async {
        let query = parsed(query)?;
        let (key, view) = load(&app, kinds::CERTIFICATE, &number).await?;
        let Record::Certificate(certificate) = &view.record else { return Err(PageError::NotFound(number.clone())) };
        let history = match history(&app, lang, &key, &query, &path).await? {
            Ok(history) => history,
            Err(csv) => return Ok(csv),
        };
        let page_url = format!("{}{}", public_base(&app, &headers), html::record_href(kinds::CERTIFICATE, certificate.number.as_str()));
        let proof = app.config.node_url.as_ref().map(|node| {
            format!("{}/v1/proofs/records/certificate:{}", node.trim_end_matches('/'), html::encode(certificate.number.as_str()))
        });
        let notice = notice(&app, lang, certificate).await;
        let licences = under_section(&app, lang, &lang.t("ui.licences"), kinds::CERTIFICATE, &key).await;
        let standing = serde_json::to_value(view.standing).unwrap_or_default();
        let body = html! {
            div.qr #qr data-url=(page_url) { (html::qr(&page_url)) (lang.t("ui.qr")) }
            @if view.standing.is_some() {
                p #standing { (lang.t("standing")) "：" (html::value(lang, "standing", &standing)) }
            }
            @if let Some(proof) = &proof {
                p { a.proof #download-proof href=(proof) download { (lang.t("ui.download_proof")) } }
            }
            (section(&lang.t("ui.rights"), record_fields(lang, &view, &["transfers"])))
            (section(&lang.t("ui.holder_chain"), holder_chain(lang, certificate)))
            (notice)
            (section(&lang.t("ui.transfers"), transfers(lang, certificate)))
            div #licences { (licences) }
            (history)
        };
        Ok(html_page(lang, &format!("{} {}", lang.t("kind.certificate"), certificate.number.0), &path, body))
    }.await)
}

fn holder_chain(lang: Lang, certificate: &Certificate) -> Markup {
    let first = certificate.transfers.first().map_or(&certificate.holder, |change| &change.from);
    html! {
        ol #holder-chain {
            li { span.tag { (lang.t("ui.original_holder")) } " " (html::record_link(kinds::ORG, first.as_str())) " · " (html::time(certificate.issued_at.0)) }
            @for change in &certificate.transfers {
                li { (html::record_link(kinds::ORG, change.to.as_str())) " · " (html::block_link(change.height.0)) " · " (html::time(change.at.0)) }
            }
        }
    }
}

fn transfers(lang: Lang, certificate: &Certificate) -> Markup {
    html! {
        @if certificate.transfers.is_empty() { p.none { (lang.t("ui.none")) } }
        @else {
            table.list {
                thead { tr { th { (lang.t("from")) } th { (lang.t("to")) } th { (lang.t("height")) } th { (lang.t("time")) } } }
                tbody {
                    @for change in &certificate.transfers {
                        tr {
                            td { (html::record_link(kinds::ORG, change.from.as_str())) }
                            td { (html::record_link(kinds::ORG, change.to.as_str())) }
                            td { (html::block_link(change.height.0)) }
                            td { (html::time(change.at.0)) }
                        }
                    }
                }
            }
        }
    }
}

/// The application's public notice and the objections filed during it.
async fn notice<Q: LedgerQuery>(app: &App<Q>, lang: Lang, certificate: &Certificate) -> Markup {
    let Some(application) = certificate.application else {
        return section(
            &lang.t("ui.public_notice"),
            html! {
                p { (lang.t("parent")) "：" @if let Some(parent) = &certificate.parent { (html::record_link(kinds::CERTIFICATE, parent.as_str())) } }
            },
        );
    };
    let key = RecordKey::Application(application);
    let record = match app.query.record(key.clone(), None).await {
        Ok(Some(view)) => view,
        Ok(None) => return html! {},
        Err(_) => return section(&lang.t("ui.public_notice"), html::unavailable(lang)),
    };
    let Record::Application(found) = &record.record else { return html! {} };
    let trail = trail(
        app,
        lang,
        &key,
        &ListQuery::default(),
        &html::record_href(kinds::APPLICATION, &application.0.to_string()),
    )
    .await
    .unwrap_or_else(|_| html::unavailable(lang));
    let mut objections = Vec::new();
    for id in &found.objections {
        if let Ok(Some(view)) = app.query.record(RecordKey::Objection(*id), None).await {
            objections.push(view);
        }
    }
    html! {
        (section(&lang.t("ui.public_notice"), html! {
            p { (lang.t("application")) "：" (html::record_link(kinds::APPLICATION, &application.0.to_string())) }
            (record_fields(lang, &record, &["objections"]))
        }))
        (trail)
        div #objections { (section(&lang.t("ui.objections"), html::table(lang, &views_table(lang, kinds::OBJECTION, objections), "/objections"))) }
    }
}

/// `GET /dashboards/violations?status=&org=`: the violations, by reason and org.
pub(crate) async fn violations_dashboard<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let query = parsed(query)?;
            let listing = Listing::Records {
                kind: kinds::VIOLATION,
                org: query.org.clone(),
                status: query.status.clone(),
            };
            let table = match listed(&app, lang, &listing, &query, &path, "violations").await? {
                Listed::Csv(response) => return Ok(response),
                Listed::Table(table) => table,
            };
            let body = html! {
                (status_chips(lang, kinds::VIOLATION, &path, query.status.as_deref()))
                (html::table(lang, &table, &path))
            };
            Ok(html_page(lang, &lang.t("ui.violations_dashboard"), &path, body))
        }
        .await,
    )
}

/// `GET /dashboards/overdue?cursor=`: the overdue obligations of a page of orgs.
pub(crate) async fn overdue_dashboard<Q: LedgerQuery>(
    State(app): State<App<Q>>,
    lang: Lang,
    uri: Uri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let path = path_of(&uri);
    respond(
        lang,
        async {
            let query = parsed(query)?;
            let limit = Some(query.limit.unwrap_or(PAGE_ITEMS_MAX as u64));
            let params = ListParams {
                page: PageParams { cursor: query.cursor.clone(), limit },
                ..ListParams::default()
            };
            let orgs = app.query.records(kinds::ORG.kind, params).await?;
            let mut overdue = Vec::new();
            for view in &orgs.items {
                let Record::Org(org) = &view.record else { continue };
                overdue.push((
                    org.clone(),
                    app.query.overdue_obligations(org.id.clone(), None, None).await?,
                ));
            }
            let table = overdue_table(lang, &overdue, orgs.next.clone());
            if query.csv() {
                let next =
                    table.next.as_ref().map(|cursor| html::with_param(&path, "cursor", cursor));
                return Ok(crate::csv::response("overdue", &table, next));
            }
            let body = html! {
                p.none { (lang.t("ui.orgs_looked_through")) "：" (orgs.items.len()) }
                (html::table(lang, &table, &path))
            };
            Ok(html_page(lang, &lang.t("ui.overdue_dashboard"), &path, body))
        }
        .await,
    )
}

/// The overdue obligations of each org, one row each, with how many days each is overdue at
/// the time it was judged at.
fn overdue_table(
    lang: Lang,
    overdue: &[(onebook_types::consortium::Org, onebook_query::OverdueView)],
    next: Option<String>,
) -> Table {
    let mut rows = Vec::new();
    for (org, view) in overdue {
        for obligation in &view.obligations {
            let days = view.at.saturating_sub(obligation.due.0) / 86_400_000;
            let kind = serde_json::to_value(obligation.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            rows.push(vec![
                Cell::link(org.name.clone(), html::record_href(kinds::ORG, org.id.as_str())),
                Cell::link(
                    obligation.id.0.to_string(),
                    html::record_href(kinds::OBLIGATION, &obligation.id.0.to_string()),
                ),
                Cell::text(lang.value("kind", &kind)),
                Cell::text(obligation.description.clone()),
                Cell::rich(html::time_text(obligation.due.0), html::time(obligation.due.0)),
                Cell::text(days.to_string()),
            ]);
        }
    }
    Table {
        columns: crate::pages::labels(
            lang,
            &["org", "obligation", "kind", "description", "due", "ui.days_overdue"],
        ),
        rows,
        next,
    }
}
