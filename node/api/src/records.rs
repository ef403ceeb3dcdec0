//! Record views: every record of the domain by id and as filtered, paged lists, as of any
//! height, read through [`LedgerQuery`] (the API's [`SharedQuery`]: in a node, its own store).
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/<records>?org=&status=&height=&from=&to=&cursor=&limit=` | `{"items": [view, ..], "next": "<cursor>"}` in id order |
//! | `GET /v1/<records>/{id}?height=` | one view: `{"key", "height", "kind", "record"}` |
//! | `GET /v1/catalog/entries/{code}/versions?height=` | every version of an entry, oldest first |
//!
//! `<records>` is one of `orgs` (by parent org), `members`, `proposals`, `catalog/entries`,
//! `resources`, `share-requests`, `grants`, `access-events`, `violations`, `quality-reports`,
//! `property/applications`, `property/objections`, `property/certificates`, `obligations`,
//! `grant-close-outs`, `open-data-plans` (also by `year`), `scenarios`, `development-grants`,
//! `products`, `published-reports` (periodic reports published; their figures are under
//! `/v1/reports`). A member's id is its key in hex, a catalog entry's its code, a certificate's
//! its number, an org's its id, a product's its digest in hex, a grant close-out's the grant's
//! number; every other id is a number. `GET /v1/resources/{id}/products` lists the products
//! built from a resource, each naming its developer and the development grant it was built
//! under. `from` and `to` (Unix ms) keep the records created
//! by a block of that time, `from` included and `to` not; `from` not before `to` is an empty
//! interval, whose page is empty. `under` keeps the records under one record, and with `org` or
//! `status` those of them that also pass these. A page read record by record (a time range, or
//! `under` with `org` or `status`) reads at most 1,000 records and may come back short, with the
//! cursor to read on. `limit` is 1 to 100 (20 by default).
//!
//! A cursor is a keyset position: the hex of the kind's byte and a record's id (an 8-byte
//! big-endian number, a 32-byte member key, or a text id and a zero byte), and a page starts
//! after it, whether a record sits there or not; the `next` of a page is the position of its
//! last item. An unknown parameter or a value that breaks its rule (a cursor that is not hex) is
//! a 400 problem naming the parameter; a height above the tip is a 404 `no-block-yet` (no block
//! there yet), and a cursor that is hex but no position of the listing (another listing's, or of
//! the wrong length) a 404 `cursor-unknown`.

use axum::{
    Extension, Json,
    extract::{FromRef, Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use onebook_query::{
    LedgerQuery, ListParams, Page, PageParams, QueryError, Record, RecordKind, RecordView,
    SharedQuery,
};
use onebook_types::{
    catalog_records::CatalogVersion,
    ids::{CatalogCode, Height, OrgId, Timestamp},
    record::RecordKey,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    ApiState,
    auth::{self, Reader},
    openapi::{BadRequest, NotFound, ReadForbidden, Unauthorized, Unavailable},
    problem::Problem,
};

impl FromRef<ApiState> for SharedQuery {
    fn from_ref(state: &ApiState) -> Self {
        state.query.clone()
    }
}

impl From<QueryError> for Problem {
    fn from(error: QueryError) -> Self {
        match &error {
            QueryError::BadInput { .. } => Self::bad_request(error.to_string()),
            QueryError::NoBlockYet { .. } => Self::new(
                StatusCode::NOT_FOUND,
                "no-block-yet",
                "no block at this height yet",
                error.to_string(),
            ),
            QueryError::CursorUnknown { .. } => Self::new(
                StatusCode::NOT_FOUND,
                "cursor-unknown",
                "the cursor names no position in this listing",
                error.to_string(),
            ),
            QueryError::Storage { damaged: true, source } => Self::store_damaged(source),
            QueryError::Storage { damaged: false, source } => Self::unavailable(source),
            QueryError::Unavailable { .. } => Self::unavailable(&error),
        }
    }
}

/// The query string of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// Only records of this org (for orgs: whose parent is this org).
    #[param(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    org: Option<String>,
    /// Only records in this status, as the record's JSON writes it (such as `active`); each
    /// list documents its statuses.
    #[param(ignore)]
    status: Option<String>,
    /// Only records under this record, as `<kind>:<id>`: the resources of a catalog entry
    /// (`catalog_entry:<code>`), the grant of a share request (`share_request:<id>`), the
    /// accesses to a resource and its quality reports (`resource:<id>`), the violation of an
    /// access event (`access_event:<id>`), the objections to an application
    /// (`application:<id>`), the licences under a certificate (`certificate:<number>`). With
    /// `org` or `status`, those of them that also pass these. Each list that has it documents
    /// its form.
    #[param(ignore)]
    under: Option<String>,
    /// Only open-data plans of this year; the list of open-data plans documents it.
    #[param(ignore)]
    year: Option<u16>,
    /// Read as of this height; the tip by default. Above the tip is a 404 `no-block-yet`: no
    /// block is there yet.
    height: Option<u64>,
    /// Only records created by a block at or after this time, in Unix ms, an int64 (a page read
    /// record by record, for a time range or for `under` with `org` or `status`, reads at most
    /// 1,000 records and may come back short, with the cursor to read on).
    from: Option<u64>,
    /// Only records created by a block before this time, in Unix ms, an int64. Not after
    /// `from`, the interval is empty and so is the page.
    to: Option<u64>,
    /// The `next` of the previous page, or any position of the listing; each list documents
    /// its form.
    #[param(ignore)]
    cursor: Option<String>,
    /// Items in the page: 1 to 100, 20 by default.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// The query string of a single read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct AsOf {
    /// Read as of this height; the tip by default. Above the tip is a 404 `no-block-yet`: no
    /// block is there yet.
    pub(crate) height: Option<u64>,
}

/// The query string of a paged read that is not as of a height (a timeline).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct Paging {
    /// The `next` of the previous page; documented by each route, whose cursors differ.
    #[param(ignore)]
    cursor: Option<String>,
    /// Items in the page: 1 to 100, 20 by default.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

impl Paging {
    pub(crate) fn into_params(self) -> PageParams {
        PageParams { cursor: self.cursor, limit: self.limit }
    }
}

/// A query string that failed to parse is a 400 naming what was wrong (unknown field, not a
/// number, ...).
pub(crate) fn parsed<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, Problem> {
    query.map(|Query(query)| query).map_err(|rejection| Problem::bad_request(rejection.body_text()))
}

/// `GET /v1/catalog/entries/{code}/versions` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CatalogVersionsView {
    /// The entry's code.
    pub code: CatalogCode,
    /// The height read at.
    pub height: u64,
    /// The number of the version in force, if one was published.
    pub published: Option<u32>,
    /// Every version, oldest first.
    pub versions: Vec<CatalogVersion>,
}

/// Every version of a catalog entry, oldest first, and the one in force.
#[utoipa::path(
    get,
    path = "/v1/catalog/entries/{code}/versions",
    tag = "records",
    params(
        ("code" = String, Path, description = "The entry's catalog code.", pattern = "^[A-Za-z0-9._-]{1,64}$"),
        AsOf,
    ),
    responses(
        (status = 200, description = "The entry's versions.", body = CatalogVersionsView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn catalog_entry_versions(
    State(query): State<SharedQuery>,
    Path(code): Path<String>,
    as_of: Result<Query<AsOf>, QueryRejection>,
) -> Result<Json<CatalogVersionsView>, Problem> {
    let Json(view) = one(query, &Reader::Anonymous, RecordKind::CatalogEntry, &code, as_of).await?;
    let Record::CatalogEntry(entry) = view.record else {
        return Err(Problem::not_found("catalog entry with this code"));
    };
    Ok(Json(CatalogVersionsView {
        code: entry.code,
        height: view.height,
        published: entry.published,
        versions: entry.versions,
    }))
}

/// A page of `kind` as `reader` may see it: a kind whose every record is restricted is refused
/// to an anonymous reader, and items the reader may not read are left out of the page (its
/// cursor still moves past them).
async fn list(
    query: SharedQuery,
    reader: &Reader,
    kind: RecordKind,
    params: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<RecordView>>, Problem> {
    if auth::always_restricted(kind) && matches!(reader, Reader::Anonymous) {
        return Err(auth::anonymous(kind_name(kind)));
    }
    let params = parsed(params)?;
    let under = params
        .under
        .map(|text| onebook_query::parse_record_key(&text))
        .transpose()
        .map_err(|rule| Problem::from(QueryError::bad_input("under", rule)))?;
    let list = ListParams {
        org: params.org.map(OrgId),
        status: params.status,
        under,
        year: params.year,
        height: params.height.map(Height),
        from: params.from.map(Timestamp),
        to: params.to.map(Timestamp),
        page: PageParams { cursor: params.cursor, limit: params.limit },
    };
    let mut page = query.records(kind, list).await?;
    crate::visibility::visible_items(reader, kind, &mut page.items);
    Ok(Json(page))
}

/// One record, if `reader` may read it.
pub(crate) async fn one(
    query: SharedQuery,
    reader: &Reader,
    kind: RecordKind,
    id: &str,
    as_of: Result<Query<AsOf>, QueryRejection>,
) -> Result<Json<RecordView>, Problem> {
    let as_of = parsed(as_of)?;
    let key = record_key(kind, id)?;
    let view = query.record(key, as_of.height.map(Height)).await?;
    let what = match as_of.height {
        Some(height) => format!("{} {id:?} at height {height}", kind_name(kind)),
        None => format!("{} {id:?}", kind_name(kind)),
    };
    let view = view.ok_or_else(|| auth::absent(reader, kind, Problem::not_found(&what)))?;
    auth::authorize(&query, reader, &view.record, as_of.height.map(Height)).await?;
    Ok(Json(view))
}

/// The key of the record of `kind` whose id in a path is `id`, by the kind's id parser. A text
/// id that breaks the id rule is refused by the query (`onebook_query::check_record_id`), naming
/// the path parameter.
fn record_key(kind: RecordKind, id: &str) -> Result<RecordKey, Problem> {
    kind.key(id).map_err(|error| Problem::bad_request(error.to_string()))
}

pub(crate) const fn kind_name(kind: RecordKind) -> &'static str {
    kind.name()
}

/// Declares the list and single-read handlers of one kind, with their OpenAPI operations: the
/// list at `$list_path`, one record at `$one_path` by the path parameter `$id`.
macro_rules! kind_handlers {
    ($(
        $list:ident, $one:ident => $kind:ident:
        $list_path:literal, $one_path:literal, $id:literal ($id_doc:literal, $pattern:literal),
        $what:literal, cursor $cursor:literal ($cursor_doc:literal)
        $(, status $status:literal)? $(, under $under:literal ($under_doc:literal))?
        $(, year $year_doc:literal)?;
    )*) => {$(
        #[utoipa::path(
            get,
            path = $list_path,
            summary = concat!("A page of ", $what, ", in id order, as of a height."),
            tag = "records",
            params(
                ListQuery,
                ("cursor" = Option<String>, Query, description = concat!("The `next` of the \
                    previous page, or any position of this listing: the page starts after it, \
                    whether a record sits there or not. A position is ", $cursor_doc, ", in hex. \
                    Hex that is no position of this listing answers 404 `cursor-unknown`."),
                    pattern = $cursor),
                $(("status" = Option<String>, Query, description = "Only records in this \
                    status.", pattern = $status),)?
                $(("under" = Option<String>, Query, description = $under_doc, pattern = $under),)?
                $(("year" = Option<u16>, Query, description = $year_doc, minimum = 0, maximum = 65535),)?
            ),
            responses(
                (status = 200, description = concat!("A page of ", $what, "."),
                    body = Page<RecordView>),
                (status = 400, response = BadRequest),
                (status = 401, response = Unauthorized),
                (status = 404, response = NotFound),
                (status = 503, response = Unavailable),
            )
        )]
        pub(crate) async fn $list(
            State(query): State<SharedQuery>,
            Extension(reader): Extension<Reader>,
            params: Result<Query<ListQuery>, QueryRejection>,
        ) -> Result<Json<Page<RecordView>>, Problem> {
            list(query, &reader, RecordKind::$kind, params).await
        }

        #[utoipa::path(
            get,
            path = $one_path,
            summary = concat!("One of the ", $what, ", as of a height."),
            tag = "records",
            params(($id = String, Path, description = $id_doc, pattern = $pattern), AsOf),
            responses(
                (status = 200, description = "The record.", body = RecordView),
                (status = 400, response = BadRequest),
                (status = 401, response = Unauthorized),
                (status = 403, response = ReadForbidden),
                (status = 404, response = NotFound),
                (status = 503, response = Unavailable),
            )
        )]
        pub(crate) async fn $one(
            State(query): State<SharedQuery>,
            Extension(reader): Extension<Reader>,
            Path(id): Path<String>,
            as_of: Result<Query<AsOf>, QueryRejection>,
        ) -> Result<Json<RecordView>, Problem> {
            one(query, &reader, RecordKind::$kind, &id, as_of).await
        }
    )*};
}

kind_handlers! {
    orgs, org => Org:
        "/v1/orgs", "/v1/orgs/{id}", "id" ("The org's id.", "^[A-Za-z0-9._-]{1,64}$"), "orgs",
        cursor "^01(0[1-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]){1,64}00$" ("the byte 01, an org's id (1 to 64 bytes, none of them zero) and a zero byte"),
        status "^(active|suspended)$";
    members, member => Member:
        "/v1/members", "/v1/members/{key}", "key" ("The member's public key, 64 hex digits.", "^[0-9a-fA-F]{64}$"),
        "members", cursor "^02[0-9a-fA-F]{64}$" ("the byte 02 and a member's key (32 bytes)"),
        status "^(active|revoked)$";
    proposals, proposal => Proposal:
        "/v1/proposals", "/v1/proposals/{id}", "id" ("The proposal's number.", "^[0-9]{1,19}$"),
        "governance proposals", cursor "^03[0-9a-fA-F]{16}$" ("the byte 03 and a proposal's number as 8 bytes, big-endian"),
        status "^(open|passed|rejected)$";
    catalog_entries, catalog_entry => CatalogEntry:
        "/v1/catalog/entries", "/v1/catalog/entries/{code}", "code" ("The entry's catalog code.", "^[A-Za-z0-9._-]{1,64}$"),
        "catalog entries", cursor "^04(0[1-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]){1,64}00$" ("the byte 04, an entry's catalog code (1 to 64 bytes, none of them zero) and a zero byte"),
        status "^(draft|submitted|returned|approved|published|deprecated)$";
    resources, resource => Resource:
        "/v1/resources", "/v1/resources/{id}", "id" ("The resource's number.", "^[0-9]{1,19}$"), "resources",
        cursor "^05[0-9a-fA-F]{16}$" ("the byte 05 and a resource's number as 8 bytes, big-endian"),
        under "^catalog_entry:[A-Za-z0-9._-]{1,64}$" ("The resources of this catalog entry, `catalog_entry:<code>`; with `org`, those that also pass it.");
    share_requests, share_request => ShareRequest:
        "/v1/share-requests", "/v1/share-requests/{id}", "id" ("The request's number.", "^[0-9]{1,19}$"),
        "share requests (by id restricted to auditors and the requester and provider orgs)",
        cursor "^06[0-9a-fA-F]{16}$" ("the byte 06 and a share request's number as 8 bytes, big-endian"),
        status "^(under-review|granted|refused|withdrawn)$";
    grants, grant => Grant:
        "/v1/grants", "/v1/grants/{id}", "id" ("The grant's number.", "^[0-9]{1,19}$"), "grants",
        cursor "^07[0-9a-fA-F]{16}$" ("the byte 07 and a grant's number as 8 bytes, big-endian"),
        status "^(active|revoked)$",
        under "^share_request:[0-9]{1,19}$" ("The grant of this share request, `share_request:<id>`; with `org` or `status`, if it also passes these.");
    access_events, access_event => AccessEvent:
        "/v1/access-events", "/v1/access-events/{id}", "id" ("The access event's number.", "^[0-9]{1,19}$"),
        "access events (restricted: a signed read by an auditor or a member of the orgs involved)",
        cursor "^08[0-9a-fA-F]{16}$" ("the byte 08 and an access event's number as 8 bytes, big-endian"),
        status "^(covered|violation)$",
        under "^resource:[0-9]{1,19}$" ("The accesses to this resource, `resource:<id>`; with `org` or `status`, those that also pass these.");
    violations, violation => Violation:
        "/v1/violations", "/v1/violations/{id}", "id" ("The violation's number.", "^[0-9]{1,19}$"),
        "violations (restricted: a signed read by an auditor or a member of the orgs involved)",
        cursor "^09[0-9a-fA-F]{16}$" ("the byte 09 and a violation's number as 8 bytes, big-endian"),
        status "^(no-grant|grant-unknown|grant-revoked|grant-expired|out-of-scope|wrong-grantee|not-yet-valid|item-out-of-scope|grant-closed|parent-grant-ended)$",
        under "^access_event:[0-9]{1,19}$" ("The violation of this access event, `access_event:<id>`; with `org` or `status`, if it also passes these.");
    quality_reports, quality_report => QualityReport:
        "/v1/quality-reports", "/v1/quality-reports/{id}", "id" ("The report's number.", "^[0-9]{1,19}$"),
        "quality reports", cursor "^0[aA][0-9a-fA-F]{16}$" ("the byte 0a and a quality report's number as 8 bytes, big-endian"),
        status "^(reported|fixed|disputed|ruled)$",
        under "^resource:[0-9]{1,19}$" ("The quality reports on this resource, `resource:<id>`; with `org` or `status`, those that also pass these.");
    applications, application => Application:
        "/v1/property/applications", "/v1/property/applications/{id}",
        "id" ("The application's number.", "^[0-9]{1,19}$"),
        "property applications (restricted before their public notice)",
        cursor "^0[bB][0-9a-fA-F]{16}$" ("the byte 0b and an application's number as 8 bytes, big-endian"),
        status "^(applied|refused|in-notice|certified)$";
    objections, objection => Objection:
        "/v1/property/objections", "/v1/property/objections/{id}",
        "id" ("The objection's number.", "^[0-9]{1,19}$"), "objections (restricted while pending)",
        cursor "^0[cC][0-9a-fA-F]{16}$" ("the byte 0c and an objection's number as 8 bytes, big-endian"),
        status "^(pending|upheld|dismissed)$",
        under "^application:[0-9]{1,19}$" ("The objections to this application, `application:<id>`; with `org` or `status`, those that also pass these.");
    certificates, certificate => Certificate:
        "/v1/property/certificates", "/v1/property/certificates/{number}",
        "number" ("The certificate's number, such as `350200-2026-000001X`.", "^[A-Za-z0-9._-]{1,64}$"),
        "property certificates", cursor "^0[dD](0[1-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]){1,64}00$" ("the byte 0d, a certificate's number (1 to 64 bytes, none of them zero) and a zero byte"),
        status "^(active|cancelled)$",
        under "^certificate:[A-Za-z0-9._-]{1,64}$" ("The licences under this certificate, `certificate:<number>`; with `org` or `status`, those that also pass these.");
    obligations, obligation => Obligation:
        "/v1/obligations", "/v1/obligations/{id}", "id" ("The obligation's number.", "^[0-9]{1,19}$"),
        "obligations", cursor "^0[eE][0-9a-fA-F]{16}$" ("the byte 0e and an obligation's number as 8 bytes, big-endian"),
        status "^(open|met)$";
    grant_close_outs, grant_close_out => GrantCloseOut:
        "/v1/grant-close-outs", "/v1/grant-close-outs/{id}", "id" ("The number of the grant closed out.", "^[0-9]{1,19}$"),
        "grant close-outs (数据安全销毁: destruction or lawful retention when a grant ends)",
        cursor "^0[fF][0-9a-fA-F]{16}$" ("the byte 0f and a grant's number as 8 bytes, big-endian"),
        status "^(on-time|late)$",
        under "^grant:[0-9]{1,19}$" ("The close-out of this grant, `grant:<id>`; with `org` or `status`, if it also passes these.");
    open_data_plans, open_data_plan => OpenDataPlan:
        "/v1/open-data-plans", "/v1/open-data-plans/{id}", "id" ("The plan's number.", "^[0-9]{1,19}$"),
        "open-data plans (年度公共数据开放计划; `year` keeps one year's)",
        cursor "^10[0-9a-fA-F]{16}$" ("the byte 10 and a plan's number as 8 bytes, big-endian"),
        year "Only the plans of this year (read record by record, like a time range: a page reads at most 1,000 plans and may come back short, with the cursor to read on).";
    scenarios, scenario => Scenario:
        "/v1/scenarios", "/v1/scenarios/{id}", "id" ("The scenario's number.", "^[0-9]{1,19}$"),
        "development scenarios (restricted until approved: a signed read by an auditor or a member of the developer or the reviewing authority)",
        cursor "^11[0-9a-fA-F]{16}$" ("the byte 11 and a scenario's number as 8 bytes, big-endian"),
        status "^(under-review|approved|returned)$";
    development_grants, development_grant => DevelopmentGrant:
        "/v1/development-grants", "/v1/development-grants/{id}", "id" ("The development grant's number.", "^[0-9]{1,19}$"),
        "development grants", cursor "^12[0-9a-fA-F]{16}$" ("the byte 12 and a development grant's number as 8 bytes, big-endian"),
        under "^scenario:[0-9]{1,19}$" ("The development grant of this scenario, `scenario:<id>`; with `org`, if it also passes it.");
    products, product => Product:
        "/v1/products", "/v1/products/{digest}", "digest" ("The product's digest, 64 hex digits.", "^[0-9a-fA-F]{64}$"),
        "products built under development grants", cursor "^13[0-9a-fA-F]{64}$" ("the byte 13 and a product's digest (32 bytes)"),
        under "^(development_grant:[0-9]{1,19}|resource:[0-9]{1,19})$" ("The products built under this development grant, `development_grant:<id>`, or from this resource, `resource:<id>`; with `org`, those that also pass it.");
    published_reports, published_report => PublishedReport:
        "/v1/published-reports", "/v1/published-reports/{id}", "id" ("The published report's number.", "^[0-9]{1,19}$"),
        "published periodic reports (通报)", cursor "^14[0-9a-fA-F]{16}$" ("the byte 14 and a published report's number as 8 bytes, big-endian");
}

/// The products built from one resource, each with its developer and the development grant it
/// was built under: the same list as `GET /v1/products?under=resource:{id}`.
#[utoipa::path(
    get,
    path = "/v1/resources/{id}/products",
    summary = "The products built from a resource, by whom, under which development grant.",
    tag = "records",
    params(
        ("id" = String, Path, description = "The resource's number.", pattern = "^[0-9]{1,19}$"),
        ("cursor" = Option<String>, Query, description = "The `next` of the previous page, or             any position of this listing: the byte 13 and a product's digest (32 bytes), in hex.",
            pattern = "^13[0-9a-fA-F]{64}$"),
        Paging,
        AsOf,
    ),
    responses(
        (status = 200, description = "A page of the products, in digest order.", body = Page<RecordView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn resource_products(
    State(query): State<SharedQuery>,
    Path(id): Path<String>,
    params: Result<Query<ProductsQuery>, QueryRejection>,
) -> Result<Json<Page<RecordView>>, Problem> {
    let params = parsed(params)?;
    let resource = record_key(RecordKind::Resource, &id)?;
    let height = params.height.map(Height);
    if query.record(resource.clone(), height).await?.is_none() {
        return Err(Problem::not_found(&format!("resource {id:?}")));
    }
    let list = ListParams {
        under: Some(resource),
        height,
        page: PageParams { cursor: params.cursor, limit: params.limit },
        ..ListParams::default()
    };
    Ok(Json(query.records(RecordKind::Product, list).await?))
}

/// The query string of `GET /v1/resources/{id}/products`: paging and a height.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProductsQuery {
    height: Option<u64>,
    cursor: Option<String>,
    limit: Option<u64>,
}
