//! Record views: every record of the domain by id and as filtered, paged lists, as of any
//! height, read through [`LedgerQuery`] (here the node's own store, [`StoreQuery`]).
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/<records>?org=&status=&height=&from=&to=&cursor=&limit=` | `{"items": [view, ..], "next": "<cursor>"}` in id order |
//! | `GET /v1/<records>/{id}?height=` | one view: `{"key", "height", "kind", "record"}` |
//! | `GET /v1/catalog/entries/{code}/versions?height=` | every version of an entry, oldest first |
//!
//! `<records>` is one of `orgs` (by parent org), `members`, `proposals`, `catalog/entries`,
//! `resources`, `share-requests`, `grants`, `access-events`, `violations`, `quality-reports`,
//! `property/applications`, `property/objections`, `property/certificates`, `obligations`. A
//! member's id is its key in hex, a catalog entry's its code, a certificate's its number, an
//! org's its id; every other id is a number. `from` and `to` (Unix ms) keep the records created
//! by a block of that time, `from` included and `to` not (a time-filtered page reads at most
//! 1,000 records and may come back short, with the cursor to read on). `limit` is 1 to 100 (20
//! by default); an unknown parameter, a garbled cursor or a height above the tip is a 400
//! problem naming the parameter.

use std::sync::Arc;

use axum::{
    Extension, Json,
    extract::{FromRef, Path, Query, State, rejection::QueryRejection},
};
use onebook_query::{
    LedgerQuery, ListParams, Page, PageParams, QueryError, Record, RecordKind, RecordView,
    StoreQuery,
};
use onebook_types::{
    catalog_records::CatalogVersion,
    ids::{
        AccessEventId, ApplicationId, CatalogCode, CertificateNumber, GrantId, Height, ObjectionId,
        ObligationId, OrgId, ProposalId, QualityReportId, ResourceId, ShareRequestId, Timestamp,
        ViolationId, check_id,
    },
    keys::PublicKey,
    record::RecordKey,
};
use serde::{Deserialize, Serialize};

use crate::{
    ApiState,
    auth::{self, Reader},
    problem::Problem,
};

impl FromRef<ApiState> for StoreQuery {
    fn from_ref(state: &ApiState) -> Self {
        Self::new(Arc::clone(&state.store))
    }
}

impl From<QueryError> for Problem {
    fn from(error: QueryError) -> Self {
        match &error {
            QueryError::BadInput { .. } => Self::bad_request(error.to_string()),
            QueryError::Storage(cause) => Self::unavailable(cause),
            QueryError::Unavailable { .. } => Self::unavailable(&error),
        }
    }
}

/// The query string of a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    org: Option<String>,
    status: Option<String>,
    height: Option<u64>,
    from: Option<u64>,
    to: Option<u64>,
    cursor: Option<String>,
    limit: Option<u64>,
}

/// The query string of a single read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AsOf {
    height: Option<u64>,
}

/// The query string of a paged read that is not as of a height (a timeline).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Paging {
    cursor: Option<String>,
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
#[derive(Debug, Serialize, Deserialize)]
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

pub(crate) async fn catalog_entry_versions(
    State(query): State<StoreQuery>,
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
    query: StoreQuery,
    reader: &Reader,
    kind: RecordKind,
    params: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<RecordView>>, Problem> {
    if auth::always_restricted(kind) && matches!(reader, Reader::Anonymous) {
        return Err(auth::anonymous(kind_name(kind)));
    }
    let params = parsed(params)?;
    let list = ListParams {
        org: params.org.map(OrgId),
        status: params.status,
        height: params.height.map(Height),
        from: params.from.map(Timestamp),
        to: params.to.map(Timestamp),
        page: PageParams { cursor: params.cursor, limit: params.limit },
    };
    let mut page = query.records(kind, list).await?;
    if auth::list_is_filtered(kind) {
        page.items.retain(|item| auth::may_read(reader, &item.record, &[]));
    }
    if kind == RecordKind::ShareRequest {
        page.items.iter_mut().for_each(|item| crate::visibility::redact(reader, item));
    }
    Ok(Json(page))
}

/// One record, if `reader` may read it.
pub(crate) async fn one(
    query: StoreQuery,
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
    let view = view.ok_or_else(|| Problem::not_found(&what))?;
    auth::authorize(&query, reader, &view.record, as_of.height.map(Height)).await?;
    Ok(Json(view))
}

/// The key of the record of `kind` whose id in a path is `id`.
fn record_key(kind: RecordKind, id: &str) -> Result<RecordKey, Problem> {
    let text_id = |id: &str| {
        check_id(id).map(|()| id.to_owned()).map_err(|error| {
            Problem::bad_request(format!("{} id {id:?}: {error}", kind_name(kind)))
        })
    };
    let number = || {
        id.parse::<u64>().map_err(|_| {
            Problem::bad_request(format!("{} id {id:?} is not a number", kind_name(kind)))
        })
    };
    Ok(match kind {
        RecordKind::Org => RecordKey::Org(OrgId(text_id(id)?)),
        RecordKind::CatalogEntry => RecordKey::CatalogEntry(CatalogCode(text_id(id)?)),
        RecordKind::Certificate => RecordKey::Certificate(CertificateNumber(text_id(id)?)),
        RecordKind::Member => RecordKey::Member(PublicKey::from_hex(id).map_err(|_| {
            Problem::bad_request(format!("member key {id:?} is not 64 hex characters"))
        })?),
        RecordKind::Proposal => RecordKey::Proposal(ProposalId(number()?)),
        RecordKind::Resource => RecordKey::Resource(ResourceId(number()?)),
        RecordKind::ShareRequest => RecordKey::ShareRequest(ShareRequestId(number()?)),
        RecordKind::Grant => RecordKey::Grant(GrantId(number()?)),
        RecordKind::AccessEvent => RecordKey::AccessEvent(AccessEventId(number()?)),
        RecordKind::Violation => RecordKey::Violation(ViolationId(number()?)),
        RecordKind::QualityReport => RecordKey::QualityReport(QualityReportId(number()?)),
        RecordKind::Application => RecordKey::Application(ApplicationId(number()?)),
        RecordKind::Objection => RecordKey::Objection(ObjectionId(number()?)),
        RecordKind::Obligation => RecordKey::Obligation(ObligationId(number()?)),
    })
}

pub(crate) fn kind_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Org => "org",
        RecordKind::Member => "member",
        RecordKind::Proposal => "proposal",
        RecordKind::CatalogEntry => "catalog entry",
        RecordKind::Resource => "resource",
        RecordKind::ShareRequest => "share request",
        RecordKind::Grant => "grant",
        RecordKind::AccessEvent => "access event",
        RecordKind::Violation => "violation",
        RecordKind::QualityReport => "quality report",
        RecordKind::Application => "property application",
        RecordKind::Objection => "objection",
        RecordKind::Certificate => "certificate",
        RecordKind::Obligation => "obligation",
    }
}

/// Declares the list and single-read handlers of one kind.
macro_rules! kind_handlers {
    ($($list:ident, $one:ident => $kind:ident;)*) => {$(
        pub(crate) async fn $list(
            State(query): State<StoreQuery>,
            Extension(reader): Extension<Reader>,
            params: Result<Query<ListQuery>, QueryRejection>,
        ) -> Result<Json<Page<RecordView>>, Problem> {
            list(query, &reader, RecordKind::$kind, params).await
        }

        pub(crate) async fn $one(
            State(query): State<StoreQuery>,
            Extension(reader): Extension<Reader>,
            Path(id): Path<String>,
            as_of: Result<Query<AsOf>, QueryRejection>,
        ) -> Result<Json<RecordView>, Problem> {
            one(query, &reader, RecordKind::$kind, &id, as_of).await
        }
    )*};
}

kind_handlers! {
    orgs, org => Org;
    members, member => Member;
    proposals, proposal => Proposal;
    catalog_entries, catalog_entry => CatalogEntry;
    resources, resource => Resource;
    share_requests, share_request => ShareRequest;
    grants, grant => Grant;
    access_events, access_event => AccessEvent;
    violations, violation => Violation;
    quality_reports, quality_report => QualityReport;
    applications, application => Application;
    objections, objection => Objection;
    certificates, certificate => Certificate;
    obligations, obligation => Obligation;
}
