//! What a page answers when it cannot show what was asked: a 404 page for a record the ledger
//! does not hold (or a height it has no block at yet, or a cursor naming no position), a 400 page for a malformed address, a 503 page when the node cannot be read.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use maud::html;
use onebook_query::QueryError;

use crate::{html::page, i18n::Lang};

/// Why a page is not shown.
#[derive(Debug)]
pub(crate) enum PageError {
    /// No such record, block or tx; what was looked for.
    NotFound(String),
    /// The address breaks a rule, as a sentence.
    BadInput(String),
    /// The ledger could not be read.
    Unavailable,
}

impl From<QueryError> for PageError {
    fn from(error: QueryError) -> Self {
        match error {
            QueryError::BadInput { .. } => Self::BadInput(error.to_string()),
            QueryError::NoBlockYet { .. } | QueryError::CursorUnknown { .. } => {
                Self::NotFound(error.to_string())
            }
            other => {
                tracing::warn!(error = %other, "ledger query failed");
                Self::Unavailable
            }
        }
    }
}

impl PageError {
    /// The error page in `lang`.
    pub(crate) fn render(&self, lang: Lang) -> Response {
        let (status, title, detail) = match self {
            Self::NotFound(what) => (
                StatusCode::NOT_FOUND,
                lang.t("ui.not_found"),
                format!("{} ({what})", lang.t("ui.not_found_detail")),
            ),
            Self::BadInput(rule) => {
                (StatusCode::BAD_REQUEST, lang.t("ui.bad_request"), rule.clone())
            }
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                lang.t("ui.unavailable"),
                lang.t("ui.unavailable_detail").into_owned(),
            ),
        };
        let body = html! {
            p.error data-status=(status.as_u16()) { (detail) }
            p { a href="/" { (lang.t("ui.home")) } }
        };
        (status, Html(page(lang, &title, "/", body).into_string())).into_response()
    }
}

/// A page's answer: the page, or the error page in its language.
pub(crate) fn respond(lang: Lang, result: Result<Response, PageError>) -> Response {
    result.unwrap_or_else(|error| error.render(lang))
}
