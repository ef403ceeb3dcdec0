//! The clerks' workbench under `/workbench/`: every action of the domain as a web form, signed
//! in the clerk's browser (ADR 0029).
//!
//! The server hands out the page, its scripts and the action schema (`actions.json`, derived
//! from the Rust types by [`schema`]); the browser holds the keys (Web Crypto Ed25519,
//! non-extractable, in `IndexedDB`), encodes the tx body in borsh, signs it and submits it. The
//! page reaches the node through `/workbench/node/v1/...`, a relay of the node's own REST API
//! (reads, signed reads and `POST /v1/txs`) on the page's origin, so the browser talks to this
//! server alone. The relay forwards the signed tx's bytes as they come: no private key ever
//! reaches the server, and the server logs no body.

mod help;
mod relay;
pub mod schema;

use axum::{
    Json, Router,
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use maud::{DOCTYPE, html};
use serde_json::{Map, Value, json};

use onebook_types::suite::Suite;

use crate::i18n::Lang;

/// The workbench's own files, compiled into the binary: `(file, content type, bytes)`. The
/// `noble/` files are @noble/hashes 2.4.0 (MIT), unchanged, for BLAKE3 and Argon2id; the
/// `noble-ciphers/` files are @noble/ciphers 2.4.0 (MIT), unchanged, for XChaCha20-Poly1305
/// (encrypted key files, `docs/formats.md` section 19).
const ASSETS: [(&str, &str, &str); 16] = [
    ("workbench.js", JS, include_str!("../../assets/workbench/workbench.js")),
    ("borsh.js", JS, include_str!("../../assets/workbench/borsh.js")),
    ("workbench.css", CSS, include_str!("../../assets/workbench/workbench.css")),
    ("noble/blake3.js", JS, include_str!("../../assets/workbench/noble/blake3.js")),
    ("noble/blake2.js", JS, include_str!("../../assets/workbench/noble/blake2.js")),
    ("noble/_blake.js", JS, include_str!("../../assets/workbench/noble/_blake.js")),
    ("noble/_md.js", JS, include_str!("../../assets/workbench/noble/_md.js")),
    ("noble/_u64.js", JS, include_str!("../../assets/workbench/noble/_u64.js")),
    ("noble/utils.js", JS, include_str!("../../assets/workbench/noble/utils.js")),
    ("noble/argon2.js", JS, include_str!("../../assets/workbench/noble/argon2.js")),
    ("noble-ciphers/chacha.js", JS, include_str!("../../assets/workbench/noble-ciphers/chacha.js")),
    ("noble-ciphers/_arx.js", JS, include_str!("../../assets/workbench/noble-ciphers/_arx.js")),
    (
        "noble-ciphers/_poly1305.js",
        JS,
        include_str!("../../assets/workbench/noble-ciphers/_poly1305.js"),
    ),
    ("noble-ciphers/utils.js", JS, include_str!("../../assets/workbench/noble-ciphers/utils.js")),
    (
        "noble-ciphers/LICENSE",
        "text/plain; charset=utf-8",
        include_str!("../../assets/workbench/noble-ciphers/LICENSE"),
    ),
    (
        "noble/LICENSE",
        "text/plain; charset=utf-8",
        include_str!("../../assets/workbench/noble/LICENSE"),
    ),
];
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The workbench's routes; `node_url` is the node's REST API the relay forwards to, `suite` the
/// chain's cryptographic suite.
pub(crate) fn router<S: Clone + Send + Sync + 'static>(
    node_url: Option<String>,
    suite: Suite,
) -> Router<S> {
    let relay = relay::Relay::new(node_url.as_deref());
    Router::new()
        .route("/workbench", get(|| async { Redirect::permanent("/workbench/") }))
        .route("/workbench/", get(move |lang: Lang| async move { page(lang, suite) }))
        .route("/workbench/actions.json", get(actions))
        .route("/workbench/assets/{*file}", get(asset))
        .route("/workbench/node/{*path}", get(relay::get).post(relay::post).with_state(relay))
}

/// `GET /workbench/`: the page; the script builds the rest from `actions.json`. On a chain whose
/// suite is not `ed25519-blake3` the page says that browser signing is Ed25519 only and loads no
/// script: it cannot sign a tx that chain would accept (ADR 0026).
fn page(lang: Lang, suite: Suite) -> Response {
    let signs = suite == Suite::Ed25519Blake3;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.html()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (help::ui(lang, "title")) }
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                link rel="stylesheet" href="/assets/style.css";
                link rel="stylesheet" href="/workbench/assets/workbench.css";
                @if signs {
                    script type="module" src="/workbench/assets/workbench.js" {}
                }
            }
            body data-lang=(lang.code()) {
                header.top {
                    a.brand href="/workbench/" { (help::ui(lang, "title")) }
                    nav {
                        a href="/" { (lang.t("ui.brand")) }
                        a id="lang-switch" href={ "/workbench/?lang=" (lang.other().code()) } { (lang.other().code().to_uppercase()) }
                    }
                }
                main id="workbench" {
                    @if signs {
                        p id="loading" { (help::ui(lang, "loading")) }
                    } @else {
                        p id="no-browser-signing" {
                            (help::ui(lang, "suite.unsupported")) " (" code { (suite.name()) } ")"
                        }
                        p { (help::ui(lang, "suite.instead")) }
                    }
                }
            }
        }
    };
    let mut response = axum::response::Html(markup.into_string()).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /workbench/actions.json`: the schema with the labels and help of `lang`, and the
/// rejection sentences.
async fn actions(lang: Lang) -> Response {
    match schema::schema() {
        Ok(schema) => Json(labelled(schema, lang)).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The schema with every label the page shows.
pub(crate) fn labelled(schema: &Value, lang: Lang) -> Value {
    let mut labels = Map::new();
    let mut helps = Map::new();
    let mut values = Map::new();
    let mut names = Vec::new();
    collect_names(schema, &mut names);
    for name in names {
        match name {
            Name::Field(field) => {
                labels.insert(field.clone(), json!(help::label(lang, &field)));
                helps.insert(field.clone(), json!(help::help(lang, &field)));
            }
            Name::Value(field, value) => {
                values.insert(format!("{field}={value}"), json!(help::value(lang, &field, &value)));
            }
            Name::Action(action) => {
                labels.insert(action.clone(), json!(help::label(lang, &action)));
                helps.insert(action.clone(), json!(help::help(lang, &action)));
            }
        }
    }
    // The kinds of obligation the to-do list names.
    if let Ok(kinds) = serde_json::to_value(
        <onebook_types::catalog_records::ObligationKind as utoipa::PartialSchema>::schema(),
    ) {
        for kind in kinds["enum"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            values.insert(format!("obligation={kind}"), json!(lang.value("kind", kind)));
        }
    }
    let rejections: Map<String, Value> = (1..=u16::MAX)
        .filter_map(|code| onebook_types::rejection::Rejection::from_code(code).map(|_| code))
        .map(|code| (code.to_string(), json!(lang.rejection(code))))
        .collect();
    json!({
        "lang": lang.code(),
        "schema": schema,
        "labels": labels,
        "help": helps,
        "values": values,
        "rejections": rejections,
        "ui": help::ui_table(lang),
        "roles": help::ROLES_OF_ACTIONS,
    })
}

enum Name {
    Field(String),
    Value(String, String),
    Action(String),
}

/// Every field, enum value and action the schema names.
fn collect_names(schema: &Value, out: &mut Vec<Name>) {
    fn walk(layout: &Value, field: &str, out: &mut Vec<Name>) {
        match layout["kind"].as_str() {
            Some("struct") => fields(&layout["fields"], out),
            Some("vec" | "option") => walk(&layout["of"], field, out),
            Some("choice") => {
                for value in layout["values"].as_array().into_iter().flatten() {
                    if let Some(value) = value.as_str() {
                        out.push(Name::Value(field.to_owned(), value.to_owned()));
                    }
                }
            }
            Some("enum") => {
                let tag = layout["tag"].as_str().unwrap_or_default();
                for variant in layout["variants"].as_array().into_iter().flatten() {
                    if let Some(name) = variant["name"].as_str() {
                        out.push(Name::Value(tag.to_owned(), name.to_owned()));
                    }
                    fields(&variant["fields"], out);
                    if !variant["value"].is_null() {
                        walk(&variant["value"], "value", out);
                    }
                }
                if layout["content"].as_str() == Some("value") {
                    out.push(Name::Field("value".to_owned()));
                }
                out.push(Name::Field(tag.to_owned()));
            }
            _ => {}
        }
    }
    fn fields(list: &Value, out: &mut Vec<Name>) {
        for field in list.as_array().into_iter().flatten() {
            let name = field["name"].as_str().unwrap_or_default();
            out.push(Name::Field(name.to_owned()));
            walk(&field["layout"], name, out);
        }
    }
    for action in schema["actions"].as_array().into_iter().flatten() {
        out.push(Name::Action(action["name"].as_str().unwrap_or_default().to_owned()));
        fields(&action["fields"], out);
    }
}

/// `GET /workbench/assets/{file}`.
async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => {
            let mut response = (*body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_value_and_action_has_a_chinese_label_and_help() {
        let schema = schema::schema().unwrap();
        let mut names = Vec::new();
        collect_names(schema, &mut names);
        let mut missing = Vec::new();
        for name in &names {
            match name {
                Name::Field(field) | Name::Action(field) => {
                    if !help::has_label(field) {
                        missing.push(format!("label {field}"));
                    }
                    if !help::has_help(field) {
                        missing.push(format!("help {field}"));
                    }
                }
                Name::Value(field, value) => {
                    if !help::has_value(field, value) {
                        missing.push(format!("value {field}={value}"));
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "{} missing:\n{}", missing.len(), missing.join("\n"));
    }
}
