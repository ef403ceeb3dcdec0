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
    action::PropertySubject, catalog_records::CatalogEntry, development_records::DevelopedProduct,
    ids::OrgId, lifecycle_records::GrantLineage, property_records::Certificate, record::RecordKey,
};
use std::collections::BTreeMap;

use serde_json::Value;

use crate::{
    App,
    error::{PageError, respond},
    html::{self, Cell, Table, section},
    i18n::Lang,
    kinds::{self, Kind},
    pages::{
        Filter, ListQuery, Listed, Listing, Side, fetch, html_page, listed, parsed, path_of,
        record_key,
    },
};

/// Items a page's sections show before their "see all" link.
const SECTION_ITEMS: u64 = 10;

/// Whether `kind` has a page of its own (the others use [`generic`]).
pub(crate) fn has_own_page(kind: Kind) -> bool {
    [kinds::ORG, kinds::CATALOG_ENTRY, kinds::SHARE_REQUEST, kinds::RESOURCE, kinds::CERTIFICATE]
        .contains(&kind)
}

pub(crate) fn kind_of_path(uri: &Uri) -> Kind {
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
            None => Listing::Records { kind, filter: Filter::of(lang, &query)? },
        };
        let mut table = match listed(&app, lang, &listing, &query, &path, kind.path).await? {
            Listed::Csv(response) => return Ok(response),
            Listed::Table(table) => table,
        };
        table.total = crate::pages::count(&app, &listing).await?;
        let title = format!("{} · {}", kind_label(lang, kind), lang.t("ui.list_of"));
        let base = path.split('?').next().unwrap_or(&path).to_owned();
        let body = html! {
            @if let Some(org) = &query.org { p { (lang.t("org")) "：" (html::record_link(kinds::ORG, org)) } }
            @if let Some(year) = query.year { p #year { (lang.t("year")) "：" (year) } }
            @if let Some(under) = &under { p #under { (lang.t("ui.under")) "：" (html::key_link(lang, under)) } }
            @if under.is_none() {
                (crate::stats::filter_form(lang, &base, query.org.as_deref(), query.from.as_deref(), query.to.as_deref(), true))
            }
            (status_chips(lang, kind, &path, query.status.as_deref()))
            (html::table(lang, &table, &path))
        };
        Ok(html_page(lang, &title, &path, body))
    }.await)
}

/// What every record page starts from: its list query, the record and its history.
struct Loaded {
    /// The list query of the page (its history's paging, or a CSV download).
    query: ListQuery,
    /// The record's key.
    key: RecordKey,
    /// The record as read.
    view: RecordView,
    /// The record's history as the page's main list (empty when the page shows its own).
    history: Markup,
    /// Proofs its evidence offers beside the record's own (label, node path).
    proofs: Vec<(String, String)>,
}

/// How a record page shows the record's history.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HistoryAs {
    /// As the page's main list, a table (or its CSV download).
    Table,
    /// Only as the CSV download: the page shows its own trail.
    CsvOnly,
}

/// The shared path of every record page: the list query parsed, the record of `kind` with id
/// `id` loaded (a 404 if there is none), and its history rendered; a request for the history's
/// CSV is answered with the download at once (`Ok(Err(response))`). Each page adds what its
/// kind shows.
async fn load_page<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    kind: Kind,
    id: &str,
    query: Result<Query<ListQuery>, QueryRejection>,
    path: &str,
    history_as: HistoryAs,
) -> Result<Result<Loaded, Response>, PageError> {
    let query = parsed(query)?;
    let key = record_key(kind, id)?;
    let view = app.query.record(key.clone(), None).await?;
    let view = view.ok_or_else(|| PageError::NotFound(format!("{}:{id}", kind.key_kind)))?;
    let history = if history_as == HistoryAs::Table || query.csv() {
        match history(app, lang, &key, &query, path).await? {
            Ok(history) => history,
            Err(csv) => return Ok(Err(csv)),
        }
    } else {
        html! {}
    };
    Ok(Ok(Loaded { query, key, view, history, proofs: Vec::new() }))
}

/// The body of a record page: the record's fields (without `left_out`), the kind's own
/// sections, the history and the evidence.
fn record_body<Q>(
    app: &App<Q>,
    lang: Lang,
    loaded: &Loaded,
    left_out: &[&str],
    sections: Markup,
) -> Markup {
    html! {
        section { (record_fields(lang, &loaded.view, left_out)) }
        (sections)
        (loaded.history)
        (record_evidence_with(app, lang, &loaded.view, loaded.proofs.clone()))
    }
}

/// A record's fields in its kind's display order, without `left_out`.
fn record_fields(lang: Lang, view: &RecordView, left_out: &[&str]) -> Markup {
    let json = serde_json::to_value(&view.record).unwrap_or_default();
    let kind = kinds::of_key_text(&view.key).map(|(kind, _)| kind);
    let record = match kind {
        Some(kind) => kind.renamed(json["record"].clone()),
        None => json["record"].clone(),
    };
    let mut object = record.as_object().cloned().unwrap_or_default();
    for name in left_out {
        object.remove(*name);
    }
    let (order, labels) = kind.map_or((&[][..], &[][..]), |kind| (kind.order, kind.labels));
    html! { div.record data-key=(view.key) { (html::fields_in(lang, &object, order, labels)) } }
}

/// The evidence of a record: its JSON, the API address it is read from, its proof bundle.
fn record_evidence<Q>(app: &App<Q>, lang: Lang, view: &RecordView) -> Markup {
    record_evidence_with(app, lang, view, Vec::new())
}

/// [`record_evidence`] with more proofs to offer (label, node path).
fn record_evidence_with<Q>(
    app: &App<Q>,
    lang: Lang,
    view: &RecordView,
    more: Vec<(String, String)>,
) -> Markup {
    let Some((kind, id)) = kinds::of_key_text(&view.key) else { return html! {} };
    let mut proofs = vec![(
        lang.t("ui.download_proof").into_owned(),
        format!("/v1/proofs/records/{}:{}", kind.key_kind, html::encode(id)),
    )];
    proofs.extend(more);
    let json = serde_json::to_value(view).unwrap_or_default();
    crate::pages::evidence(app, lang, &format!("{}/{}", kind.api, html::encode(id)), &json, &proofs)
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
        Listed::Table(mut table) => {
            // A history that fits in its first page is counted; a longer one is paged.
            if table.next.is_none() && query.cursor.is_none() {
                table.total = Some((table.rows.len(), false));
            }
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
            let mut loaded =
                match load_page(&app, lang, kind, &id, query, &path, HistoryAs::Table).await? {
                    Ok(loaded) => loaded,
                    Err(csv) => return Ok(csv),
                };
            if let Record::AccessEvent(event) = &mut loaded.view.record
                && let Some(grant) = event.access.grant
                && !matches!(app.query.record(RecordKey::Grant(grant), None).await, Ok(Some(_)))
            {
                // A gateway claimed a grant the ledger does not hold: no link to a missing page.
                event.access.grant = None;
            }
            let recorded_at = loaded.view.created.map(|created| created.height);
            if let Record::AccessEvent(event) = &loaded.view.record
                && let Some(proof) = access_proof(event, recorded_at)
            {
                loaded.proofs.push((lang.t("ui.download_access_proof").into_owned(), proof));
            }
            let title = match &loaded.view.record {
                Record::Member(member) => {
                    format!("{} · {}", member.name, crate::names::org_text(member.org.as_str()))
                }
                Record::Product(product) => {
                    format!("{} · {}", kind_label(lang, kind), product.name)
                }
                _ => format!("{} {id}", kind_label(lang, kind)),
            };
            let sections = match &loaded.view.record {
                Record::PublishedReport(report) => {
                    crate::periodic::published_section(&app, lang, report).await?
                }
                _ => kind_sections(&app, lang, &loaded).await,
            };
            let body = record_body(&app, lang, &loaded, &[], sections);
            Ok(html_page(lang, &title, &path, body))
        }
        .await,
    )
}

/// What the page of a kind without a page of its own shows beside the record: a grant's place
/// in a chain of onward grants (数据回流) and its close-out, a scenario's development grant, a
/// development grant's products, a product's property applications.
async fn kind_sections<Q: LedgerQuery>(app: &App<Q>, lang: Lang, loaded: &Loaded) -> Markup {
    let key = &loaded.key;
    match &loaded.view.record {
        Record::Grant(_) => {
            let close_out =
                under_section(app, lang, &lang.t("ui.close_out"), kinds::GRANT_CLOSE_OUT, key)
                    .await;
            html! {
                @if let Some(lineage) = &loaded.view.lineage { div #lineage { (lineage_section(lang, lineage)) } }
                div #close-out { (close_out) }
            }
        }
        Record::Scenario(_) => {
            let grants = under_section(
                app,
                lang,
                &lang.t("kind.development_grant"),
                kinds::DEVELOPMENT_GRANT,
                key,
            )
            .await;
            html! { div #development-grants { (grants) } }
        }
        Record::DevelopmentGrant(_) => {
            let products =
                under_section(app, lang, &lang.t("ui.products"), kinds::PRODUCT, key).await;
            html! { div #products { (products) } }
        }
        Record::Product(product) => {
            html! { div #product-applications { (product_applications(app, lang, product).await) } }
        }
        Record::Proposal(proposal) => {
            let change = serde_json::to_value(&proposal.change).unwrap_or_default();
            crate::governed::related(app, lang, &change).await
        }
        _ => html! {},
    }
}

/// A grant's place in a chain of onward grants: the grant it derives from, the org that
/// granted it onward, its depth, and its onward grants.
fn lineage_section(lang: Lang, lineage: &GrantLineage) -> Markup {
    let json = serde_json::json!({
        "parent_grant": lineage.parent.map(|grant| grant.0),
        "granted_by": lineage.granted_by.as_ref().map(|org| org.0.clone()),
        "depth": lineage.depth,
        "onward_grants": lineage.children.iter().map(|grant| grant.0).collect::<Vec<_>>(),
    });
    let object = json.as_object().cloned().unwrap_or_default();
    let order = ["parent_grant", "granted_by", "depth", "onward_grants"];
    section(&lang.t("ui.lineage"), html::fields_in(lang, &object, &order, &[]))
}

/// The property applications of a product, each standing for its registration (an application
/// certified links to its certificate): those of the developer, the only org that may register
/// it, whose subject is the product.
async fn product_applications<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    product: &DevelopedProduct,
) -> Markup {
    let title = lang.t("ui.product_applications");
    let params = ListParams { org: Some(product.developer.clone()), ..ListParams::default() };
    let Ok(collected) =
        crate::stats::collect(app, kinds::APPLICATION, params, crate::stats::COUNTED_MAX).await
    else {
        return section(&title, html::unavailable(lang));
    };
    let views: Vec<RecordView> = collected
        .views
        .into_iter()
        .filter(|view| {
            matches!(&view.record, Record::Application(application)
                if matches!(&application.subject, PropertySubject::Product { digest, .. }
                    if *digest == product.digest))
        })
        .collect();
    let table = views_table(lang, kinds::APPLICATION, views);
    section(
        &title,
        html! {
            @if table.rows.is_empty() { p.none { (lang.t("ui.none")) } }
            @else { (html::table_only(&table)) }
        },
    )
}

/// Where a certificate of a data product came from: the application, the product, the
/// development grant it was built under and the scenario the grant approved (certificate ->
/// application -> product -> development grant -> scenario); nothing for other subjects.
async fn development_lineage<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    certificate: &Certificate,
) -> Markup {
    let PropertySubject::Product { digest, .. } = &certificate.subject else { return html! {} };
    let read = async {
        let product = match app.query.record(RecordKey::Product(*digest), None).await? {
            Some(RecordView { record: Record::Product(product), .. }) => Some(product),
            _ => None,
        };
        let grant = match &product {
            Some(product) => {
                match app.query.record(RecordKey::DevelopmentGrant(product.grant), None).await? {
                    Some(RecordView { record: Record::DevelopmentGrant(grant), .. }) => Some(grant),
                    _ => None,
                }
            }
            None => None,
        };
        Ok::<_, QueryError>((product, grant))
    };
    let body = match read.await {
        Ok((product, grant)) => html! {
            ol.lineage #development-lineage {
                @if let Some(application) = certificate.application {
                    li { (lang.t("kind.application")) " " (html::record_link(kinds::APPLICATION, &application.0.to_string())) }
                }
                @match &product {
                    Some(product) => li { (lang.t("kind.product")) " " a href=(html::record_href(kinds::PRODUCT, &product.digest.to_hex())) { (product.name) } },
                    None => li { (lang.t("kind.product")) " " span.none { (lang.t("ui.none")) } },
                }
                @if let Some(grant) = &grant {
                    li { (lang.t("kind.development_grant")) " " (html::record_link(kinds::DEVELOPMENT_GRANT, &grant.id.0.to_string())) "（" (grant.scenario_type) "）" }
                    li { (lang.t("kind.scenario")) " " (html::record_link(kinds::SCENARIO, &grant.scenario.0.to_string())) }
                }
            }
        },
        Err(error) => {
            tracing::debug!(%error, "a certificate's development lineage could not be read");
            html::unavailable(lang)
        }
    };
    html! { div #development { (section(&lang.t("ui.development_lineage"), body)) } }
}

/// The node path of the proof that `event`'s grant covered it, proved at the block that
/// recorded the access (`onebook verify-proof --grant-at-access` judges the cover there), if
/// the ledger found the access covered; a violation has only its record's proof. The caller
/// has checked that the ledger holds the grant; `recorded_at` is the access's creation height
/// (its view's `created`).
pub(crate) fn access_proof(
    event: &onebook_types::sharing_records::AccessEvent,
    recorded_at: Option<u64>,
) -> Option<String> {
    if event.access.grant.is_none() || event.violation.is_some() {
        return None;
    }
    let height = recorded_at.filter(|height| *height > 0)?;
    Some(format!("/v1/proofs/access-events/{}?height={height}", event.id.0))
}

/// A section listing the first items of `listing`, with its total and a link to the whole
/// list (whose CSV download holds exactly the rows counted); a read that fails shows a note
/// instead.
async fn list_section<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    title: &str,
    listing: Listing,
    all: &str,
) -> Markup {
    let page = PageParams { cursor: None, limit: Some(SECTION_ITEMS) };
    let read = async {
        let mut table = fetch(app, lang, &listing, page).await?;
        table.total = crate::pages::count(app, &listing).await?;
        Ok::<_, QueryError>(table)
    };
    let body = match read.await {
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
        let loaded = match load_page(&app, lang, kinds::ORG, &id, query, &path, HistoryAs::Table).await? {
            Ok(loaded) => loaded,
            Err(csv) => return Ok(csv),
        };
        let Loaded { view, history, .. } = &loaded;
        let Record::Org(org) = &view.record else { return Err(PageError::NotFound(id.clone())) };
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
        let org_filter = |side: Option<Side>| Filter { org: Some(id.clone()), side, ..Filter::default() };
        let by_org = |kind: Kind, side: Option<Side>| Listing::Records { kind, filter: org_filter(side) };
        let all = |kind: Kind, side: Option<Side>| {
            let base = format!("/{}?org={}", kind.path, html::encode(&id));
            side.map_or_else(|| base.clone(), |side| format!("{base}&side={}", side.code()))
        };
        let mut sections = Vec::new();
        let mut counts = Vec::new();
        let parts: [(&str, &str, Kind, Option<Side>); 17] = [
            ("children", "ui.children", kinds::ORG, None),
            ("members", "ui.members", kinds::MEMBER, None),
            ("catalog", "ui.org_catalog", kinds::CATALOG_ENTRY, None),
            ("resources", "ui.resources", kinds::RESOURCE, None),
            ("sharing-given", "ui.sharing_given", kinds::GRANT, Some(Side::Provider)),
            ("sharing-received", "ui.sharing_received", kinds::GRANT, Some(Side::Party)),
            ("requests-made", "ui.requests_made", kinds::SHARE_REQUEST, Some(Side::Party)),
            ("requests-received", "ui.requests_received", kinds::SHARE_REQUEST, Some(Side::Provider)),
            ("certificates-held", "ui.certificates_held", kinds::CERTIFICATE, Some(Side::Party)),
            ("accesses-made", "ui.accesses_made", kinds::ACCESS_EVENT, None),
            ("violations", "ui.violations", kinds::VIOLATION, None),
            ("obligations", "ui.org_obligations", kinds::OBLIGATION, None),
            ("close-outs", "ui.org_close_outs", kinds::GRANT_CLOSE_OUT, None),
            ("open-data-plans", "ui.org_plans", kinds::OPEN_DATA_PLAN, None),
            ("scenarios", "ui.org_scenarios", kinds::SCENARIO, None),
            ("development-grants", "ui.org_development_grants", kinds::DEVELOPMENT_GRANT, None),
            ("products", "ui.org_products", kinds::PRODUCT, None),
        ];
        for (anchor, title, kind, side) in parts {
            let listing = by_org(kind, side);
            let link = all(kind, side);
            counts.push((lang.t(title).into_owned(), crate::pages::count(&app, &listing).await.ok().flatten(), anchor.to_owned()));
            let part = list_section(&app, lang, &lang.t(title), listing, &link).await;
            sections.push(html! { div id=(anchor) { (part) } });
        }
        let received = accesses_received(&app, lang, &org.id).await;
        counts.push((lang.t("ui.accesses_received").into_owned(), received.1, "accesses-received".to_owned()));
        let overdue = match app.query.overdue_obligations(org.id.clone(), None, None).await {
            Ok(overdue) => {
                let height = overdue.height;
                let mut table = overdue_table(lang, &[(org.clone(), overdue)], None);
                table.total = Some((table.rows.len(), false));
                table.csv = Some(format!("/dashboards/overdue?org={}&height={height}&format=csv", html::encode(&id)));
                counts.push((lang.t("ui.overdue").into_owned(), table.total, "overdue".to_owned()));
                html::table(lang, &table, &format!("/dashboards/overdue?org={}", html::encode(&id)))
            }
            Err(_) => html::unavailable(lang),
        };
        let report = format!("/report/org/{}", html::encode(&id));
        let tip_time = app.query.tip().await?.time;
        let org_id = OrgId(id.clone());
        let month = crate::periodic::org_month(&app.query, &org_id, tip_time).await?;
        let periodic = crate::periodic::href(
            &onebook_types::report_records::ReportScope::Org(org_id),
            month,
        );
        let body = html! {
            section {
                (record_fields(lang, view, &[]))
                p {
                    a.report href=(report) { (lang.t("ui.report_new")) " →" } " "
                    a.periodic href=(periodic) { (lang.t("ui.periodic_report")) " →" }
                }
            }
            (section(&lang.t("ui.hierarchy"), html! {
                p #hierarchy {
                    @for (up, name) in &ancestors { a href=(html::record_href(kinds::ORG, up)) { (name) } " › " }
                    strong { (org.name) }
                }
            }))
            (section(&lang.t("ui.counts"), html! {
                div.grid.counts #org-counts {
                    @for (label, count, anchor) in &counts {
                        a.card.stat href={ "#" (anchor) } {
                            div.label { (label) }
                            div.figure { @match count { Some((n, capped)) => (crate::stats::count_text(*n, *capped)), None => "—" } }
                        }
                    }
                }
            }))
            @for part in &sections { (part) }
            div #accesses-received { (section(&lang.t("ui.accesses_received"), received.0)) }
            div #overdue { (section(&lang.t("ui.overdue"), overdue)) }
            (history)
            (record_evidence(&app, lang, view))
        };
        Ok(html_page(lang, &format!("{} · {}", org.name, org.id.0), &path, body))
    }.await)
}

/// The first accesses to the org's resources (by any org), with how many there are in all;
/// each resource's own list holds all of its accesses.
async fn accesses_received<Q: LedgerQuery>(
    app: &App<Q>,
    lang: Lang,
    org: &OrgId,
) -> (Markup, Option<(usize, bool)>) {
    let params = ListParams { org: Some(org.clone()), ..ListParams::default() };
    let Ok(resources) =
        crate::stats::collect(app, kinds::RESOURCE, params, crate::stats::COUNTED_MAX).await
    else {
        return (html::unavailable(lang), None);
    };
    let keys: Vec<RecordKey> = resources
        .views
        .iter()
        .filter(|view| matches!(&view.record, Record::Resource(r) if r.provider == *org))
        .filter_map(|view| onebook_query::parse_record_key(&view.key).ok())
        .collect();
    let (views, count) = match accesses_counted(app, &keys).await {
        Ok(counted) => counted,
        // A reader who may not count every access: those it may read, one by one.
        Err(error) if crate::stats::count_refused(&error) => {
            match accesses_read(app, &keys).await {
                Ok((views, capped)) => {
                    let count = (views.len(), capped || resources.capped);
                    (views, count)
                }
                Err(_) => return (html::unavailable(lang), None),
            }
        }
        Err(_) => return (html::unavailable(lang), None),
    };
    let capped = count.1 || resources.capped;
    let count = (count.0, capped);
    let mut table = views_table(lang, kinds::ACCESS_EVENT, views);
    crate::pages::unlink_missing_grants(app, lang, &mut table).await;
    table.total = Some(count);
    // No single list holds these: the section shows them all, without a CSV of another list.
    let markup = html! {
        @if table.rows.is_empty() { p.none { (lang.t("ui.none")) } }
        @else {
            div.listing data-count=[(!capped).then_some(count.0)] {
                p.total { (lang.t("ui.total")) " " strong { (crate::stats::count_text(count.0, capped)) } " " (lang.t("ui.items_unit")) }
                (html::table_only(&table))
            }
        }
    };
    (markup, Some(count))
}

/// The first [`SECTION_ITEMS`] accesses to the resources of `keys` and how many there are in
/// all, counted by the port from the store's index.
async fn accesses_counted<Q: LedgerQuery>(
    app: &App<Q>,
    keys: &[RecordKey],
) -> Result<(Vec<RecordView>, (usize, bool)), QueryError> {
    let mut views = Vec::new();
    let mut total = 0u64;
    for key in keys {
        let under = onebook_query::CountParams { under: Some(key.clone()), ..Default::default() };
        let count = crate::stats::count(app, kinds::ACCESS_EVENT, under).await?;
        total += count;
        let left = usize::try_from(SECTION_ITEMS).unwrap_or(usize::MAX).saturating_sub(views.len());
        if count > 0 && left > 0 {
            let page = PageParams { cursor: None, limit: Some(left as u64) };
            let params = ListParams { under: Some(key.clone()), page, ..ListParams::default() };
            views.extend(app.query.records(kinds::ACCESS_EVENT.kind, params).await?.items);
        }
    }
    Ok((views, (usize::try_from(total).unwrap_or(usize::MAX), false)))
}

/// Every access to the resources of `keys` the reader may read, read record by record up to
/// [`crate::stats::COUNTED_MAX`] a resource; the flag says some were left unread.
async fn accesses_read<Q: LedgerQuery>(
    app: &App<Q>,
    keys: &[RecordKey],
) -> Result<(Vec<RecordView>, bool), QueryError> {
    let mut views = Vec::new();
    let mut capped = false;
    for key in keys {
        let params = ListParams { under: Some(key.clone()), ..ListParams::default() };
        let collected =
            crate::stats::collect(app, kinds::ACCESS_EVENT, params, crate::stats::COUNTED_MAX)
                .await?;
        capped |= collected.capped;
        views.extend(collected.views);
    }
    Ok((views, capped))
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

/// A field that differs between two versions: its name, before, after.
type FieldChange = (String, String, String);

/// The changes between two versions' data items, matched by name: (item, change, details).
pub(crate) fn item_changes(
    lang: Lang,
    before: &[onebook_types::action::DataItem],
    after: &[onebook_types::action::DataItem],
) -> Vec<(String, &'static str, Vec<FieldChange>)> {
    let texts = |item: &onebook_types::action::DataItem| {
        content_texts(lang, &serde_json::to_value(item).unwrap_or_default())
    };
    let mut changes = Vec::new();
    for old in before {
        match after.iter().find(|new| new.name == old.name) {
            None => changes.push((old.name.clone(), "ui.removed", Vec::new())),
            Some(new) => {
                let fields = diff(&texts(old), &texts(new));
                if !fields.is_empty() {
                    changes.push((old.name.clone(), "ui.changed", fields));
                }
            }
        }
    }
    for new in after {
        if !before.iter().any(|old| old.name == new.name) {
            changes.push((new.name.clone(), "ui.added", Vec::new()));
        }
    }
    changes
}

/// The entry's versions, newest first, each with its dates and what changed from the one
/// before: data items added, removed or changed (field by field), and the entry's other fields.
fn versions(lang: Lang, entry: &CatalogEntry, times: &BTreeMap<u64, u64>) -> Markup {
    let contents: Vec<Value> = entry
        .versions
        .iter()
        .map(|v| {
            let mut content = serde_json::to_value(&v.content).unwrap_or_default();
            if let Some(object) = content.as_object_mut() {
                object.remove("items");
            }
            content
        })
        .collect();
    let when = |height: u64| match times.get(&height) {
        Some(time) => {
            html! { (html::time(*time)) " (" (lang.t("height")) " " (html::block_link(height)) ")" }
        }
        None => html::block_link(height),
    };
    html! {
        @for (index, version) in entry.versions.iter().enumerate().rev() {
            div.card.version id={ "version-" (version.number) } {
                h3 {
                    (lang.t("ui.version")) " " (version.number)
                    @if entry.published == Some(version.number) { " " span.tag { (lang.t("published")) } }
                }
                p.dates {
                    (lang.t("ui.drafted_on")) " " (when(version.drafted_at.0))
                    @if let Some(published) = version.published_at { " · " (lang.t("ui.published_on")) " " (when(published.0)) }
                }
                h4 { (lang.t("ui.differences")) }
                @if index == 0 {
                    p.none { (lang.t("ui.first_version")) }
                } @else {
                    @let items = item_changes(lang, &entry.versions[index - 1].content.items, &version.content.items);
                    @let changes = diff(&content_texts(lang, &contents[index - 1]), &content_texts(lang, &contents[index]));
                    @if changes.is_empty() && items.is_empty() { p.none { (lang.t("ui.no_changes")) } }
                    @if !items.is_empty() {
                        table.list.diff.items {
                            caption { (lang.t("ui.item_changes")) }
                            thead { tr { th { (lang.t("item")) } th { (lang.t("ui.changes")) } th { (lang.t("ui.fields")) } } }
                            tbody {
                                @for (item, change, fields) in &items {
                                    tr data-item=(item) data-change=(change.trim_start_matches("ui.")) {
                                        td { (item) }
                                        td { @match *change { "ui.added" => ins { (lang.t(change)) }, "ui.removed" => del { (lang.t(change)) }, _ => span.tag { (lang.t(change)) } } }
                                        td {
                                            @for (name, old, new) in fields {
                                                div { (lang.t(name)) "：" del { (old) } " → " ins { (new) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if !changes.is_empty() {
                        table.list.diff {
                            caption { (lang.t("ui.field_changes")) }
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
            let kind = kinds::CATALOG_ENTRY;
            let loaded =
                match load_page(&app, lang, kind, &code, query, &path, HistoryAs::Table).await? {
                    Ok(loaded) => loaded,
                    Err(csv) => return Ok(csv),
                };
            let Record::CatalogEntry(entry) = &loaded.view.record else {
                return Err(PageError::NotFound(code.clone()));
            };
            let resources =
                under_section(&app, lang, &lang.t("ui.resources"), kinds::RESOURCE, &loaded.key)
                    .await;
            let name = entry.versions.last().map(|v| v.content.name.clone()).unwrap_or_default();
            let mut times = BTreeMap::new();
            let mut heights = Vec::new();
            for version in &entry.versions {
                heights.push(version.drafted_at.0);
                heights.extend(version.published_at.map(|height| height.0));
            }
            for height in heights {
                if let std::collections::btree_map::Entry::Vacant(slot) = times.entry(height)
                    && let Some(time) = crate::stats::block_time(&app, height).await?
                {
                    slot.insert(time);
                }
            }
            let sections = html! {
                (section(&lang.t("ui.data_items"), data_items(lang, entry)))
                (section(&lang.t("ui.versions"), versions(lang, entry, &times)))
                (resources)
            };
            let body = record_body(&app, lang, &loaded, &["versions"], sections);
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
            let kind = kinds::SHARE_REQUEST;
            let loaded =
                match load_page(&app, lang, kind, &id, query, &path, HistoryAs::CsvOnly).await? {
                    Ok(loaded) => loaded,
                    Err(csv) => return Ok(csv),
                };
            let Loaded { query, key, view, .. } = &loaded;
            let Record::ShareRequest(request) = &view.record else {
                return Err(PageError::NotFound(id.clone()));
            };
            let request_trail = trail(&app, lang, key, query, &path).await?;
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
            let body = record_body(&app, lang, &loaded, &[], html! { (request_trail) (grant) });
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
    let missing =
        crate::pages::missing_grants(app, txs.iter().filter_map(|tx| tx.action.as_ref())).await;
    let table = crate::names::with_missing(missing, || Table {
        columns: crate::pages::labels(
            lang,
            &["height", "time", "signer", "ui.decoded_action", "ui.outcome"],
        ),
        rows: txs
            .iter()
            .map(|tx| {
                vec![
                    Cell::link(tx.height.to_string(), format!("/txs/{}", tx.tx_hash.to_hex())),
                    Cell::text(String::new()),
                    crate::pages::signer_cell(&tx.signer, &names),
                    crate::pages::action_cell(lang, tx.action.as_ref(), tx.code),
                    crate::pages::outcome_cell(lang, tx.code, tx.rejection.as_deref()),
                ]
            })
            .collect(),
        next: timeline.next,
        total: None,
        csv: None,
    });
    let mut table = table;
    for (row, tx) in table.rows.iter_mut().zip(&txs) {
        if let Ok(Some(time)) = crate::stats::block_time(app, tx.height).await {
            row[1] = Cell::rich(html::time_text(time), html::time(time));
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
            let kind = kinds::RESOURCE;
            let loaded =
                match load_page(&app, lang, kind, &id, query, &path, HistoryAs::Table).await? {
                    Ok(loaded) => loaded,
                    Err(csv) => return Ok(csv),
                };
            let (key, view) = (&loaded.key, &loaded.view);
            let Record::Resource(resource) = &view.record else {
                return Err(PageError::NotFound(id.clone()));
            };
            let accesses =
                under_section(&app, lang, &lang.t("ui.access_history"), kinds::ACCESS_EVENT, key)
                    .await;
            let reports = under_section(
                &app,
                lang,
                &lang.t("kind.quality_report"),
                kinds::QUALITY_REPORT,
                key,
            )
            .await;
            let products =
                under_section(&app, lang, &lang.t("ui.products"), kinds::PRODUCT, key).await;
            let sections = html! {
                div #access-history { (accesses) }
                div #quality-reports { (reports) }
                div #products { (products) }
            };
            let body = record_body(&app, lang, &loaded, &[], sections);
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
        let loaded = match load_page(&app, lang, kinds::CERTIFICATE, &number, query, &path, HistoryAs::Table).await? {
            Ok(loaded) => loaded,
            Err(csv) => return Ok(csv),
        };
        let Loaded { key, view, history, .. } = &loaded;
        let Record::Certificate(certificate) = &view.record else { return Err(PageError::NotFound(number.clone())) };
        let page_url = format!("{}{}", public_base(&app, &headers), html::record_href(kinds::CERTIFICATE, certificate.number.as_str()));
        let proof = app.config.node_url.as_ref().map(|node| {
            format!("{}/v1/proofs/records/certificate:{}", node.trim_end_matches('/'), html::encode(certificate.number.as_str()))
        });
        let notice = notice(&app, lang, certificate).await;
        let licences = under_section(&app, lang, &lang.t("ui.licences"), kinds::CERTIFICATE, key).await;
        let development = development_lineage(&app, lang, certificate).await;
        let standing = serde_json::to_value(view.standing).unwrap_or_default();
        let report = format!("/report/certificate/{}", html::encode(certificate.number.as_str()));
        let body = html! {
            div.cert-head {
                div.cert-main {
                    @if view.standing.is_some() {
                        p #standing { (lang.t("standing")) "：" (html::value(lang, "standing", &standing)) }
                    }
                    @if let Some(proof) = &proof {
                        p { a.proof #download-proof href=(proof) download { (lang.t("ui.download_proof")) } }
                    }
                    p { a.report href=(report) { (lang.t("ui.report_new")) " →" } }
                    (section(&lang.t("ui.rights"), record_fields(lang, view, &["transfers"])))
                }
                div.qr #qr data-url=(page_url) { (html::qr(&page_url)) (lang.t("ui.qr")) }
            }
            (section(&lang.t("ui.holder_chain"), holder_chain(lang, certificate)))
            (development)
            (notice)
            (section(&lang.t("ui.transfers"), transfers(lang, certificate)))
            div #licences { (licences) }
            (history)
            (record_evidence(&app, lang, view))
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
                p { (lang.t("ui.parent_certificate")) "：" @if let Some(parent) = &certificate.parent { (html::record_link(kinds::CERTIFICATE, parent.as_str())) } }
            },
        );
    };
    let key = RecordKey::Application(application);
    let record = match app.query.record(key.clone(), None).await {
        Ok(Some(view)) => view,
        Ok(None) => return html! {},
        Err(_) => return section(&lang.t("ui.public_notice"), html::unavailable(lang)),
    };
    if !matches!(record.record, Record::Application(_)) {
        return html! {};
    }
    let trail = trail(
        app,
        lang,
        &key,
        &ListQuery::default(),
        &html::record_href(kinds::APPLICATION, &application.0.to_string()),
    )
    .await
    .unwrap_or_else(|_| html::unavailable(lang));
    html! {
        (section(&lang.t("ui.public_notice"), html! {
            p { (lang.t("application")) "：" (html::record_link(kinds::APPLICATION, &application.0.to_string())) }
            (record_fields(lang, &record, &["objections"]))
        }))
        (trail)
        div #objections { (under_section(app, lang, &lang.t("ui.objections"), kinds::OBJECTION, &key).await) }
    }
}

/// `GET /dashboards/violations?org=&from=&to=&status=`: the violations counted by org, reason
/// and month, with a chart per month and the list itself (`status` is a reason).
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
            let filter = Filter::of(lang, &query)?;
            let listing = Listing::Records { kind: kinds::VIOLATION, filter: filter.clone() };
            let mut table = match listed(&app, lang, &listing, &query, &path, "violations").await? {
                Listed::Csv(response) => return Ok(response),
                Listed::Table(table) => table,
            };
            let (by_org, by_reason, by_month, total, capped) = match crate::stats::breakdown(&app, kinds::VIOLATION, (filter.org.as_deref(), filter.status.as_deref()), (filter.from, filter.to)).await {
                Ok(counted) => (counted.by_org, counted.by_status, counted.by_month, usize::try_from(counted.total).unwrap_or(usize::MAX), false),
                // A reader who may not count every violation: those it may read, one by one.
                Err(error) if crate::stats::count_refused(&error) => {
                    let collected = crate::stats::collect(&app, kinds::VIOLATION, filter.params(PageParams::default()), crate::stats::COUNTED_MAX).await?;
                    let violations: Vec<&onebook_types::sharing_records::Violation> = collected.views.iter().filter_map(|view| match &view.record { Record::Violation(v) => Some(v), _ => None }).collect();
                    (
                        crate::stats::count_by(&violations, |v| v.org.0.clone()),
                        crate::stats::count_by(&violations, |v| v.reason.as_str().to_owned()),
                        crate::stats::count_by(&violations, |v| crate::stats::month(v.recorded_at.0)),
                        violations.len(),
                        collected.capped,
                    )
                }
                Err(error) => return Err(error.into()),
            };
            table.total = Some((total, capped));
            let base = "/dashboards/violations";
            let body = html! {
                (crate::stats::filter_form(lang, base, query.org.as_deref(), query.from.as_deref(), query.to.as_deref(), true))
                (status_chips(lang, kinds::VIOLATION, &path, query.status.as_deref()))
                p.total #violations-total { (lang.t("ui.counted_of")) "：" strong { (crate::stats::count_text(total, capped)) } }
                @if capped { p.warn { (lang.t("ui.scan_capped")) } }
                div.grid.dashboard {
                    (crate::stats::counts_table(lang, "by-org", &lang.t("ui.by_org"), &by_org, crate::names::org_text, |org| Some(html::with_param(&path, "org", org)), false))
                    (crate::stats::counts_table(lang, "by-reason", &lang.t("ui.by_reason"), &by_reason, |reason| lang.value("reason", reason).into_owned(), |reason| Some(html::with_param(&path, "status", reason)), false))
                    (crate::stats::counts_table(lang, "by-month", &lang.t("ui.by_month"), &by_month, str::to_owned, |_| None, true))
                }
                (crate::stats::bar_chart("chart-violations-month", &lang.t("ui.chart_violations_month"), &by_month.iter().map(|(m, n)| (m.clone(), *n)).collect::<Vec<_>>()))
                (section(&lang.t("kind.violation"), html::table(lang, &table, &path)))
            };
            Ok(html_page(lang, &lang.t("ui.violations_dashboard"), &path, body))
        }
        .await,
    )
}

/// `GET /dashboards/overdue?org=&from=&to=`: every org's overdue obligations (or one org's),
/// counted by org, kind and month due, with totals; `from` and `to` bound the due dates.
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
            let filter = Filter::of(lang, &query)?;
            let orgs: Vec<onebook_types::consortium::Org> = match &filter.org {
                Some(id) => match app.query.record(RecordKey::Org(OrgId::from(id.as_str())), None).await? {
                    Some(RecordView { record: Record::Org(org), .. }) => vec![org],
                    _ => return Err(PageError::NotFound(format!("{}:{id}", kinds::ORG.key_kind))),
                },
                None => crate::stats::collect(&app, kinds::ORG, ListParams::default(), crate::stats::COUNTED_MAX)
                    .await?
                    .views
                    .into_iter()
                    .filter_map(|view| match view.record { Record::Org(org) => Some(org), _ => None })
                    .collect(),
            };
            // Obligations fall overdue as the chain runs: the page and its download are judged
            // at one height.
            let height = match query.height {
                Some(height) => height,
                None => app.query.tip().await?.height,
            };
            let mut overdue = Vec::new();
            for org in orgs {
                let mut view = app
                    .query
                    .overdue_obligations(org.id.clone(), None, Some(onebook_types::ids::Height(height)))
                    .await?;
                view.obligations.retain(|o| filter.from.is_none_or(|from| o.due >= from) && filter.to.is_none_or(|to| o.due < to));
                overdue.push((org, view));
            }
            let mut table = overdue_table(lang, &overdue, None);
            table.total = Some((table.rows.len(), false));
            let csv = html::with_param(&html::with_param(&path, "height", &height.to_string()), "format", "csv");
            table.csv = Some(csv);
            if query.csv() {
                return Ok(crate::csv::response("overdue", &table, None));
            }
            let all: Vec<(&str, &onebook_types::catalog_records::Obligation)> = overdue.iter().flat_map(|(org, view)| view.obligations.iter().map(move |o| (org.id.as_str(), o))).collect();
            let by_org = crate::stats::count_by(&all, |(org, _)| (*org).to_owned());
            let by_kind = crate::stats::count_by(&all, |(_, o)| kind_name(o.kind));
            let by_month = crate::stats::count_by(&all, |(_, o)| crate::stats::month(o.due.0));
            let base = "/dashboards/overdue";
            let body = html! {
                (crate::stats::filter_form(lang, base, query.org.as_deref(), query.from.as_deref(), query.to.as_deref(), true))
                p.total #overdue-total { (lang.t("ui.counted_of")) "：" strong { (all.len()) } }
                div.grid.dashboard {
                    (crate::stats::counts_table(lang, "by-org", &lang.t("ui.by_org"), &by_org, crate::names::org_text, |org| Some(html::with_param(&path, "org", org)), false))
                    (crate::stats::counts_table(lang, "by-kind", &lang.t("ui.by_kind"), &by_kind, |kind| lang.value("kind", kind).into_owned(), |_| None, false))
                    (crate::stats::counts_table(lang, "by-month", &lang.t("ui.by_month"), &by_month, str::to_owned, |_| None, true))
                }
                (section(&lang.t("ui.overdue"), html::table(lang, &table, &path)))
            };
            Ok(html_page(lang, &lang.t("ui.overdue_dashboard"), &path, body))
        }
        .await,
    )
}

/// An obligation kind as JSON spells it.
fn kind_name(kind: impl serde::Serialize) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
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
            let kind = kind_name(obligation.kind);
            rows.push(vec![
                Cell::rich(
                    crate::names::org_text(org.id.as_str()),
                    html::record_link(kinds::ORG, org.id.as_str()),
                ),
                Cell::link(
                    obligation.id.0.to_string(),
                    html::record_href(kinds::OBLIGATION, &obligation.id.0.to_string()),
                ),
                Cell::text(lang.value("kind", &kind)),
                Cell::text(html::obligation_description(lang, &obligation.description)),
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
        total: None,
        csv: None,
    }
}

#[cfg(test)]
mod tests {
    use onebook_types::action::{DataItem, Grade};

    use super::*;

    fn item(name: &str, sensitivity: Grade) -> DataItem {
        DataItem {
            name: name.into(),
            data_element: "DE0001".into(),
            personal_information: false,
            sensitivity,
        }
    }

    #[test]
    fn a_version_diff_marks_each_item_added_removed_or_changed() {
        let before = [item("企业名称", Grade::General), item("法定代表人", Grade::General)];
        let after = [item("企业名称", Grade::Important), item("注册资本", Grade::General)];

        let changes = item_changes(Lang::Zh, &before, &after);

        let kinds: Vec<(&str, &str)> =
            changes.iter().map(|(name, change, _)| (name.as_str(), *change)).collect();
        assert_eq!(
            kinds,
            [("企业名称", "ui.changed"), ("法定代表人", "ui.removed"), ("注册资本", "ui.added")]
        );
        assert_eq!(
            changes[0].2,
            [("sensitivity".to_owned(), "一般数据".to_owned(), "重要数据".to_owned())]
        );
    }
}
