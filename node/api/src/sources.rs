//! Who is the authoritative source of a data element (一数一源), across every entry and org.
//!
//! | route | answer |
//! |---|---|
//! | `GET /v1/catalog/sources?data_element=&height=` | the resource, entry and org that are the one authoritative source of the data element, 404 if none is |
//! | `GET /v1/catalog/sources?item=&height=` | the same for an item that names no data element, by its name |
//!
//! Exactly one of `data_element` and `item` is given. The catalog is public, so these are too.

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
};
use onebook_query::{ElementSourceView, LedgerQuery, SharedQuery};
use onebook_types::{catalog_records::SourceKey, ids::Height};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    openapi::{BadRequest, NotFound, Unauthorized, Unavailable},
    problem::Problem,
    records::parsed,
};

/// The query string of `GET /v1/catalog/sources`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceQuery {
    /// The data element (数据元), such as `DE-GA-0002`: 1 to 1,024 characters, not blank.
    #[param(min_length = 1, max_length = 1024, pattern = "\\S")]
    data_element: Option<String>,
    /// The name of an item that names no data element: 1 to 1,024 characters, not blank.
    #[param(min_length = 1, max_length = 1024, pattern = "\\S")]
    item: Option<String>,
    /// Read as of this height; the tip by default. Above the tip is a 404 `no-block-yet`: no
    /// block is there yet.
    height: Option<u64>,
}

/// Who is the one authoritative source (一数一源) of a data element, or of an item that names none.
///
/// Give exactly one of `data_element` and `item`: neither or both is a 400 naming the rule.
#[utoipa::path(
    get,
    path = "/v1/catalog/sources",
    tag = "records",
    params(SourceQuery),
    responses(
        (status = 200, description = "The data element's authoritative source.",
            body = ElementSourceView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn source(
    State(query): State<SharedQuery>,
    params: Result<Query<SourceQuery>, QueryRejection>,
) -> Result<Json<ElementSourceView>, Problem> {
    let params = parsed(params)?;
    let key = match (params.data_element, params.item) {
        (Some(element), None) => SourceKey::DataElement(element),
        (None, Some(name)) => SourceKey::ItemName(name),
        _ => return Err(Problem::bad_request("give exactly one of data_element and item")),
    };
    let named = key.to_string();
    match query.element_source(key, params.height.map(Height)).await? {
        Some(view) => Ok(Json(view)),
        None => Err(Problem::not_found(&format!("authoritative source of {named}"))),
    }
}
