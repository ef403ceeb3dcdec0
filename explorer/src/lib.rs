//! Onebook's explorer: auditor-first web pages over any [`LedgerQuery`].
//!
//! Auditors follow a resource, an agency or a certificate through its whole history here. The
//! pages are rendered on the server (maud templates) from what the query port answers: a remote
//! node's REST API in production (`onebook explorer --node URL`), a store in process in tests.
//! The stylesheet, the small script and the icon are compiled into the binary and served under
//! `/assets/`; a page loads nothing from any other host. Live updates come from `/events`, a
//! relay of the ledger's blocks and events by this server, so the browser talks to the explorer
//! alone.
//!
//! | page | what it shows |
//! |---|---|
//! | `/` | the domain at a glance, latest blocks, tx rate, validators and their recent signatures, chain health, live events |
//! | `/blocks`, `/blocks/{height}` | blocks newest first; one block's header, certificate and decoded txs |
//! | `/txs/{hash}` | one tx: signer, the action field by field, its outcome and events |
//! | `/validators` | the validator set and who signed the recent blocks |
//! | `/search?q=` | what a tx hash, height, record id, code, number or org id names; code and number prefixes, tx-hash prefixes of 8+ hex digits; entry and org names (a single hit opens its page) |
//! | `/orgs/{id}` | an org's place in the hierarchy, counts, members, catalog, sharing given and received, certificates held, accesses made and received, overdue duties, violations, history |
//! | `/catalog/{code}` | a catalog entry, its versions and the differences between them |
//! | `/share-requests/{id}` | a share request with its whole trail and its grant |
//! | `/resources/{id}` | a resource with its access history |
//! | `/certificates/{number}` | a certificate: rights, holder chain, public notice, objections, transfers, licences, a QR code, the proof download |
//! | `/dashboards/violations`, `/dashboards/overdue` | violations and overdue obligations counted by org, reason and month, filtered by org and dates, with charts |
//! | `/dashboards/activity` | txs per day, share requests answered on time and late, violations per month, as SVG |
//! | `/report`, `/report/{org\|resource\|certificate}/{id}?from=&to=` | a printable audit report: every record, decision and access of the subject in a date range, each with its tx, height and proof link |
//! | `/policy`, `/checkpoint-policy`, `/protocol`, `/child-chains`, `/child-chains/{id}` | the governed records of the chain itself: the policy, the checkpoint interval and witnesses, the protocol versions scheduled, the child chains anchored |
//! | `/{kind}`, `/{kind}/{id}` | every other kind of record, listed and one by one, with its history |
//! | `/workbench/` | the clerks' workbench: every action as a form, signed in the browser (`workbench`) |
//!
//! Labels are in Simplified Chinese; `?lang=en` (remembered in a cookie) switches to English.
//! Orgs read as name and id and members as name and org (`names`); each kind's fields follow
//! one display order (`kinds`). Every record and tx page ends with its JSON, the node's API
//! address and its proof bundles. Every list is paged with the port's cursors, shows its total
//! and downloads as CSV with `?format=csv`. Design: ADRs 0013, 0025 and 0031. A record
//! that does not exist is a 404 page, a node that cannot be read a 503 page.

mod assets;
mod csv;
mod error;
mod governed;
mod html;
mod i18n;
mod kinds;
mod lint;
mod live;
mod names;
mod pages;
mod periodic;
mod records;
mod report;
mod stats;
pub mod workbench;

use std::sync::Arc;

use axum::{
    Router,
    extract::{FromRequestParts, Request},
    http::{HeaderValue, header, request::Parts},
    middleware::Next,
    response::Response,
    routing::get,
};
use onebook_query::{LedgerQuery, ReaderQuery, read_rules::Reader};

pub use i18n::Lang;
pub use kinds::page_path;
pub use lint::{ENUM_VALUES, raw_values, rejection_names, unlabelled, visible_text};

/// How the explorer links outside itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExplorerConfig {
    /// The node's REST API (`http://127.0.0.1:26600`), for the "download proof" links to its
    /// `/v1/proofs/...`; no link is shown when `None`.
    pub node_url: Option<String>,
    /// The explorer's own address as its readers reach it (`https://explorer.example`), for the
    /// QR codes; when `None`, `http://` and the request's `Host` header.
    pub public_url: Option<String>,
    /// Who the explorer reads as: it applies the port's read rules for this reader
    /// ([`ReaderQuery`]) to whatever query it is given, so a restricted record's details show
    /// only to a reader who may read them, over a store read in process too. Anonymous by
    /// default; over a node's REST API the node applies the same rules to the reads it signs.
    pub reader: Reader,
    /// The chain's cryptographic suite (genesis). The workbench signs in the browser with
    /// Ed25519 only, so on a chain of another suite it says so and offers no signing.
    pub suite: onebook_types::suite::Suite,
}

/// What every page reads through.
#[derive(Clone, Debug)]
pub(crate) struct App<Q> {
    pub(crate) query: Q,
    pub(crate) config: Arc<ExplorerConfig>,
    pub(crate) streams: live::Streams,
    pub(crate) names: names::NameCache,
}

/// Every page of the explorer over `query`, read as `config.reader`: the explorer applies the
/// read rules of the port ([`ReaderQuery`]) whatever `query` is, so a restricted record's
/// details stay hidden from a reader who may not read them, over a store read in process too.
pub fn router<Q: LedgerQuery>(query: Q, config: ExplorerConfig) -> Router {
    let query = ReaderQuery::new(query, config.reader.clone());
    pages(query, config)
}

/// Every page of the explorer over `query`, as it answers.
fn pages<Q: LedgerQuery>(query: Q, config: ExplorerConfig) -> Router {
    let app = App {
        query,
        config: Arc::new(config),
        streams: live::Streams::default(),
        names: names::NameCache::default(),
    };
    let mut router = Router::new()
        .route("/", get(pages::home::<Q>))
        .route("/blocks", get(pages::blocks::<Q>))
        .route("/blocks/{height}", get(pages::block::<Q>))
        .route("/txs/{hash}", get(pages::tx::<Q>))
        .route("/validators", get(pages::validators::<Q>))
        .route("/policy", get(pages::policy::<Q>))
        .route("/checkpoint-policy", get(governed::checkpoint_policy::<Q>))
        .route("/protocol", get(governed::protocol::<Q>))
        .route("/child-chains", get(governed::child_chains::<Q>))
        .route("/child-chains/{id}", get(governed::child_chain::<Q>))
        .route("/search", get(pages::search::<Q>))
        .route("/orgs/{id}", get(records::org::<Q>))
        .route("/catalog/{code}", get(records::catalog_entry::<Q>))
        .route("/share-requests/{id}", get(records::share_request::<Q>))
        .route("/resources/{id}", get(records::resource::<Q>))
        .route("/certificates/{number}", get(records::certificate::<Q>))
        .route("/dashboards/violations", get(records::violations_dashboard::<Q>))
        .route("/dashboards/overdue", get(records::overdue_dashboard::<Q>))
        .route("/dashboards/activity", get(pages::activity::<Q>))
        .route("/report", get(report::form))
        .route("/report/{kind}/{id}", get(report::report::<Q>))
        .route("/periodic-reports/published/{id}", get(periodic::published::<Q>))
        .route("/periodic-reports/{scope}/{id}", get(periodic::page::<Q>))
        .route("/events", get(live::events::<Q>))
        .route("/assets/{file}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon));
    for kind in kinds::ALL {
        router = router.route(&format!("/{}", kind.path), get(records::list::<Q>));
        if !records::has_own_page(kind) {
            router = router.route(&format!("/{}/{{id}}", kind.path), get(records::generic::<Q>));
        }
    }
    router
        .merge(workbench::router(app.config.node_url.clone(), app.config.suite))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(app.clone(), names::with_names::<Q>))
        .layer(axum::middleware::from_fn(remember_language))
        .with_state(app)
}

/// Serves the explorer on `listener` until `shutdown` resolves.
pub async fn serve<Q: LedgerQuery>(
    listener: tokio::net::TcpListener,
    query: Q,
    config: ExplorerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(query, config)).with_graceful_shutdown(shutdown).await
}

/// The name of the cookie that remembers the language.
const LANG_COOKIE: &str = "lang";

/// The language a request asks for: `lang=` in its query, else its `lang` cookie, else
/// Chinese.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(language_of(parts))
    }
}

fn language_of(parts: &Parts) -> Lang {
    if let Some(lang) = query_language(parts) {
        return lang;
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|cookie| cookie.trim().strip_prefix("lang="))
        .find_map(Lang::parse)
        .unwrap_or_default()
}

fn query_language(parts: &Parts) -> Option<Lang> {
    parts
        .uri
        .query()?
        .split('&')
        .filter_map(|pair| pair.strip_prefix("lang="))
        .find_map(Lang::parse)
}

/// Sets the `lang` cookie when a request names a language, so the next pages keep it.
async fn remember_language(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let asked = query_language(&parts);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(lang) = asked {
        let cookie =
            format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
