//! The API's OpenAPI 3.1 document, served at `GET /openapi.json`, and Swagger UI over it at
//! `GET /docs/`, both made from the handlers' `#[utoipa::path]` annotations (ADR 0012).
//!
//! **One source for routes and document.** Every route is registered with `utoipa_axum`'s
//! `routes!` in [`documented`](crate::routes::documented), which takes a handler's path and
//! methods from its annotation and adds its operation to the document; so a route cannot be
//! served without being documented, nor documented at a path it is not served at. The other ways
//! of adding a route (`Router::route`, `OpenApiRouter::route`, `route_service`, `nest`,
//! `nest_service`) are disallowed by this crate's `clippy.toml`, which CI runs with warnings
//! denied. The tests (`openapi_tests.rs`) hold the router to the document the other way round:
//! they send a request for every documented path and method (with sample parameters) and fail
//! if one reaches the fallback ("no such route") or answers a status the document does not list;
//! every other method on a documented path must answer 405; and every path the router was built
//! with must be in the served document.
//!
//! **Offline.** Swagger UI's files come from `utoipa-swagger-ui`'s `vendored` feature (a zip on
//! crates.io, compiled into the binary); nothing is loaded from a CDN, and the online validator
//! badge is off (`validatorUrl: none`). A test checks that the served page and its initializer
//! name no host.
//!
//! **Checked as OpenAPI 3.1.** A test validates the served document against the official OAS 3.1
//! JSON Schema (`tests/oas-3.1/schema.json`) and each of its schemas against the JSON Schema
//! 2020-12 meta-schema, and holds `docs/openapi.json` to what the code serves
//! (`ONEBOOK_REGENERATE_VECTORS=1` rewrites it).
//!
//! Errors are RFC 9457 problems (`application/problem+json`, [`Problem`]); the document names
//! the problems each operation can answer as the shared responses below.

use std::{fmt, sync::Arc};

use axum::{
    Extension, Json,
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use utoipa::{
    OpenApi, ToResponse,
    openapi::{
        ContentBuilder, HeaderBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder,
        response::Response as ResponseObject,
        schema::{ObjectBuilder, Type},
        security::{ApiKey, ApiKeyValue, SecurityScheme},
    },
};

use crate::problem::Problem;

/// The security scheme name of signed reads in the document.
pub(crate) const SIGNED_READ: &str = "signed_read";

/// Where the document is served, and where Swagger UI fetches it from.
const DOCUMENT_PATH: &str = "/openapi.json";

/// The document's fixed parts; the paths come from the routes (`routes::documented`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Onebook REST API",
        description = "The REST API every Onebook node serves: submit signed txs, follow them to \
            their receipts, read blocks with their commit certificates and every record of the \
            domain as of any height, timelines, search, proof bundles and the event stream.\n\n\
            Lists are paged by a `cursor` (`next` in each page), at most 100 items a page. A \
            cursor is a keyset position in the list's order: the page starts after it, whether \
            an item sits there or not, so any position the list's `cursor` pattern allows is \
            good; hex that is no position of the list answers 404 `cursor-unknown`. A `height` \
            above the tip answers 404 `no-block-yet`: no block is there yet. A `from` not \
            before `to` is an empty interval, whose page is empty. Restricted records (access events, violations, share requests by id, property \
            applications before their notice, pending objections) are read by members only, \
            with a signed read (`Authorization: Onebook key=, time=, signature=`, \
            `docs/formats.md` section 18). Every error is an RFC 9457 \
            `application/problem+json` body; where a ledger rule was the reason it carries the \
            stable rejection `code` and its name (`docs/rules.md`).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    security((), ("signed_read" = [])),
    modifiers(&SignedReads),
    components(
        schemas(Problem),
        responses(
            BadRequest,
            Unauthorized,
            ReadForbidden,
            TxRefused,
            NotFound,
            TxConflict,
            TxTooLarge,
            UnsupportedMediaType,
            MempoolFull,
            Unavailable,
            Unhealthy,
            StoreDamaged,
        )
    ),
    tags(
        (name = "txs", description = "Submit a signed tx and follow it to its receipt."),
        (name = "chain", description = "The chain's status, blocks and signers' nonces."),
        (name = "records", description = "Every record of the domain, by id and in filtered, \
            paged lists, as of any height."),
        (name = "timelines", description = "Every tx that touched a record."),
        (name = "search", description = "Search, and overdue obligations."),
        (name = "reports", description = "Periodic reports (通报) of an org or a region, computed \
            from the ledger, and the published ones recomputed at their height."),
        (name = "proofs", description = "Proof bundles for `onebook verify-proof` \
            (`docs/formats.md` section 15)."),
        (name = "checkpoints", description = "Checkpoints, the evidence witnesses check, and \
            their cosignatures (`docs/formats.md` section 22)."),
        (name = "events", description = "Committed events as Server-Sent Events."),
        (name = "node", description = "Liveness and Prometheus metrics."),
        (name = "docs", description = "This document and Swagger UI over it."),
    )
)]
pub(crate) struct ApiDoc;

/// Adds the signed-read security scheme (`auth.rs`).
struct SignedReads;

impl utoipa::Modify for SignedReads {
    fn modify(&self, document: &mut Document) {
        let scheme = ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "A signed read (ADR 0011, `docs/formats.md` section 18): `Onebook key=<64 hex>, \
             time=<unix ms>, signature=<128 hex>`, where `signature` is the member key's ed25519 \
             signature of `D(\"onebook/read-request/v1\", borsh((method, path_and_query, \
             time_ms)))` and `time` is within 30 s of the node's clock. Each signature is \
             accepted once. Without the header a request reads anonymously; restricted records \
             then answer 401.",
        ));
        document
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(SIGNED_READ, SecurityScheme::ApiKey(scheme));
    }
}

/// A problem response: `description`, an `application/problem+json` body.
fn problem_response(description: &str) -> ResponseBuilder {
    let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    ResponseBuilder::new().description(description).content("application/problem+json", body)
}

/// Declares the shared problem responses, each a component of the document that operations
/// refer to by name (`(status = 404, response = NotFound)`).
macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident => $description:expr;)*) => {$(
        $(#[$doc])*
        pub(crate) struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<ResponseObject>) {
                (stringify!($name), problem_response($description).build().into())
            }
        }
    )*};
}

problem_responses! {
    /// 400.
    BadRequest => "The request is malformed: a path id, a query parameter, a header or the \
        body breaks a rule, and `detail` names it. An unknown query parameter is refused too.";
    /// 403 to a read.
    ReadForbidden => "The signed reader's org and roles do not allow this read; `detail` says \
        who may.";
    /// 403 to a submitted tx.
    TxRefused => "The ledger's rules would refuse the tx (the signer or its roles): `code` is \
        the stable rejection code and `rejection` its name (`docs/rules.md`).";
    /// 404.
    NotFound => "Nothing is found: nothing under this id (as of the height asked, if any; \
        `not-found`), no block yet at the height asked, which is above the tip \
        (`no-block-yet`), or no position of this listing under the cursor given, which is hex \
        but of another listing or length (`cursor-unknown`).";
    /// 409.
    TxConflict => "The tx is already waiting, or its nonce is used or skips ahead \
        (`tx-duplicate`, `nonce-used`, `nonce-gap`); `detail` gives the expected nonce.";
    /// 413.
    TxTooLarge => "The tx, or the body carrying it, is over the size limit (64 KiB of tx; \
        twice that as hex in JSON).";
    /// 415.
    UnsupportedMediaType => "The body is neither `application/octet-stream` (the borsh tx) \
        nor `application/json` (`{\"tx\": \"<hex>\"}`).";
    /// 429.
    MempoolFull => "The mempool is full; retry later.";
    /// 503 from `/health`.
    Unhealthy => "The node's store is damaged (`store-damaged`): a read found data that \
        RocksDB's checksums refuse, that does not decode or that is missing. The node stays \
        unhealthy until its operator restores or resyncs it.";
    /// 500 from any read.
    StoreDamaged => "The node's store is damaged (`store-damaged`) where this request read \
        it; retrying this node cannot help, ask another node of the consortium.";
}

/// Adds the `500` [`StoreDamaged`] answer to every operation of `document`: any read may meet
/// damage in the store. The operations come from the routes, after [`ApiDoc`]'s modifiers ran,
/// so this runs on the document the router was built with.
pub(crate) fn document_store_damage(document: &mut Document) {
    let damaged = RefOr::Ref(Ref::from_response_name("StoreDamaged"));
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            operation.responses.responses.entry("500".to_owned()).or_insert(damaged.clone());
        }
    }
}

/// 503, with `Retry-After` when the node is at one of its limits.
pub(crate) struct Unavailable;

impl<'r> ToResponse<'r> for Unavailable {
    fn response() -> (&'r str, RefOr<ResponseObject>) {
        let retry_after = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0))))
            .description(Some(
                "Seconds to wait before retrying; sent when the node is at its connection or \
                 event-stream limit.",
            ))
            .build();
        let response = problem_response(
            "The node cannot answer now: its store could not be read, it serves as many \
             connections or event streams as it may (`Retry-After` says when to retry), or too \
             many signed reads were seen within the window; retry later.",
        )
        .header("Retry-After", retry_after);
        ("Unavailable", response.build().into())
    }
}

/// 401, with the `WWW-Authenticate: Onebook` header every 401 of this API carries.
pub(crate) struct Unauthorized;

impl<'r> ToResponse<'r> for Unauthorized {
    fn response() -> (&'r str, RefOr<ResponseObject>) {
        let challenge = HeaderBuilder::new()
            .schema(Some(
                ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["Onebook"])),
            ))
            .description(Some("The signed-read scheme, `Onebook`."))
            .build();
        let response = problem_response(
            "A restricted record was read without a signed read, or the `Authorization` header \
             does not hold: malformed, outside the time window, a bad or replayed signature, or \
             a key that is not an active member of an active org (`detail` says which).",
        )
        .header("WWW-Authenticate", challenge);
        ("Unauthorized", response.build().into())
    }
}

/// The document as served by [`document`] (the UI fetches it from [`DOCUMENT_PATH`]).
#[derive(Clone)]
pub(crate) struct Served(pub(crate) Arc<Document>);

impl fmt::Debug for Served {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Served").field("paths", &self.0.paths.paths.len()).finish()
    }
}

/// This OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "docs",
    responses(
        (status = 200, description = "This document, OpenAPI 3.1 in JSON.",
            body = serde_json::Value),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn document(Extension(served): Extension<Served>) -> Response {
    Json(&*served.0).into_response()
}

/// Swagger UI, at `/docs/`.
#[utoipa::path(
    get,
    path = "/docs",
    tag = "docs",
    responses(
        (status = 308, description = "To Swagger UI at `/docs/`.",
            headers(("location" = String, description = "`/docs/`"))),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn docs_root() -> Redirect {
    Redirect::permanent("/docs/")
}

/// Swagger UI over this document: an HTML page whose scripts and styles are all served from
/// `/docs/` (nothing from another host).
#[utoipa::path(
    get,
    path = "/docs/",
    tag = "docs",
    responses(
        (status = 200, description = "The page.", body = String, content_type = "text/html"),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn docs_index() -> Result<Response, Problem> {
    ui_file("index.html")
}

/// One file of Swagger UI: its scripts, styles and icons, and `swagger-initializer.js`, which
/// points it at `/openapi.json`.
#[utoipa::path(
    get,
    path = "/docs/{file}",
    tag = "docs",
    params(("file" = String, Path, description = "A file of the page, such as \
        `swagger-ui-bundle.js` or `swagger-initializer.js`.")),
    responses(
        (status = 200, description = "The file, with its media type.", body = String,
            content_type = "application/javascript"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn docs_file(Path(file): Path<String>) -> Result<Response, Problem> {
    ui_file(&file)
}

/// The Swagger UI file `name`, configured to show [`DOCUMENT_PATH`] and to call no online
/// validator.
fn ui_file(name: &str) -> Result<Response, Problem> {
    let config = Arc::new(utoipa_swagger_ui::Config::new([DOCUMENT_PATH]).validator_url("none"));
    let file = utoipa_swagger_ui::serve(name, config).map_err(|error| {
        tracing::warn!(%error, file = name, "swagger ui file could not be prepared");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "docs-unavailable",
            "the API's UI could not be served",
            format!("file {name:?} of the UI could not be prepared"),
        )
    })?;
    let file = file.ok_or_else(|| Problem::not_found(&format!("UI file {name:?}")))?;
    let mut response =
        ([(header::CONTENT_TYPE, file.content_type)], file.bytes.into_owned()).into_response();
    if file.gzpipped {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, header::HeaderValue::from_static("gzip"));
    }
    Ok(response)
}
