//! The OpenAPI document against the router it describes, against the OAS 3.1 schema, and
//! against `docs/openapi.json`; and Swagger UI's offline page.

use axum::{
    body::{Body, to_bytes},
    http::{Method, Request, StatusCode, header},
};
use tower::ServiceExt;

use crate::tests::{app, call};

/// The methods an operation can have that axum routes.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Where the committed copy of the document lives, from this crate's folder.
const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

async fn served_document(app: &axum::Router) -> serde_json::Value {
    let (status, content_type, document) = call(app, request("get", "/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    document
}

async fn text(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let response = app.clone().oneshot(request("get", uri)).await.expect("the router answers");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = to_bytes(response.into_body(), 16 << 20).await.expect("body");
    (status, content_type, String::from_utf8_lossy(&bytes).into_owned())
}

/// A request of `method` (lower case, as in the document) for `uri`.
fn request(method: &str, uri: &str) -> Request<Body> {
    Request::builder()
        .method(Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method"))
        .uri(uri)
        .body(Body::empty())
        .expect("request")
}

/// `path` with each `{parameter}` replaced by `1`: a sample that every handler reads far enough
/// to answer for itself (a record, a 400 naming the parameter, or a 404 naming what is missing).
fn sample(path: &str) -> String {
    let mut sample = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("a parameter closes") + open;
        sample.push_str(&rest[..open]);
        sample.push('1');
        rest = &rest[close + 1..];
    }
    sample.push_str(rest);
    sample
}

/// Every (path, method) of `document`.
fn operations(document: &serde_json::Value) -> Vec<(String, String)> {
    let paths = document["paths"].as_object().expect("the document has paths");
    let mut operations = vec![];
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some() {
                operations.push((path.clone(), method.to_owned()));
            }
        }
    }
    operations
}

#[tokio::test]
async fn every_documented_operation_is_served_and_answers_a_documented_status() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let document = served_document(&app).await;
    let operations = operations(&document);

    let mut checked = 0;
    for (path, method) in &operations {
        let uri = sample(path);

        let (status, content_type, body) = call(&app, request(method, &uri)).await;

        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri} is not routed");
        assert!(
            !(status == StatusCode::NOT_FOUND && body["detail"] == "no such route"),
            "{method} {path} is documented but reaches the fallback as {uri}"
        );
        let responses = &document["paths"][path][method]["responses"];
        assert!(
            responses.get(status.as_str()).is_some(),
            "{method} {uri} answered {status}, which its operation does not list: {responses}"
        );
        if status.is_client_error() || status.is_server_error() {
            assert_eq!(content_type, "application/problem+json", "{method} {uri}: {body}");
            assert_eq!(body["status"], status.as_u16(), "{method} {uri}: {body}");
        }
        checked += 1;
    }

    assert!(checked > 40, "only {checked} operations are documented");
    let (status, _, body) = call(&app, request("get", "/v1/no-such-route")).await;
    assert_eq!((status, body["detail"].as_str()), (StatusCode::NOT_FOUND, Some("no such route")));
}

#[tokio::test]
async fn a_documented_path_answers_no_undocumented_method() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let document = served_document(&app).await;
    let paths = document["paths"].as_object().expect("paths");

    for (path, item) in paths {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some() {
                continue;
            }
            let uri = sample(path);

            let (status, _, _) = call(&app, request(method, &uri)).await;

            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri} is served");
        }
    }
}

#[tokio::test]
async fn every_registered_path_is_in_the_served_document() {
    let dir = tempfile::tempdir().expect("dir");
    let state = crate::tests::state(&dir);
    let served = served_document(&crate::router(state.clone())).await;

    let (_, never) = tokio::sync::watch::channel(false);
    let streams = crate::events::EventStreams::new(1, never);
    let (_, registered) = crate::routes::documented(state, streams).split_for_parts();

    let registered = serde_json::to_value(&registered).expect("the document serializes");
    let registered = operations(&registered);
    let served = operations(&served);
    assert_eq!(registered, served);
    for path in ["/v1/txs", "/v1/orgs/{id}", "/v1/events", "/metrics", "/openapi.json", "/docs/"] {
        assert!(registered.iter().any(|(p, _)| p == path), "{path} is not registered");
    }
}

#[tokio::test]
async fn the_served_document_is_valid_openapi_3_1() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let document = served_document(&app).await;
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../tests/oas-3.1/schema.json")).expect("schema");

    let validator = jsonschema::draft202012::new(&schema).expect("the OAS 3.1 schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();

    assert!(errors.is_empty(), "the document is not OpenAPI 3.1:\n{}", errors.join("\n"));
    let version = document["openapi"].as_str().expect("openapi is a string");
    assert!(version.starts_with("3.1."), "openapi is {version}");
    let schemas = document["components"]["schemas"].as_object().expect("schemas");
    for (name, schema) in schemas {
        let checked = jsonschema::draft202012::meta::validate(schema);
        assert!(checked.is_ok(), "schema {name} is not JSON Schema 2020-12: {checked:?}");
    }
    for name in ["Problem", "RecordView", "Record", "BlockView", "TxStatusView", "Hash32"] {
        assert!(schemas.contains_key(name), "schema {name} is missing");
    }
    let problem = &document["components"]["responses"]["BadRequest"]["content"];
    assert_eq!(
        problem["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert_eq!(
        document["components"]["securitySchemes"][crate::openapi::SIGNED_READ]["name"],
        "Authorization"
    );
}

/// Every `description` and `summary` in `value`, with the JSON pointer it is at.
fn descriptions<'a>(value: &'a serde_json::Value, at: String, found: &mut Vec<(String, &'a str)>) {
    match value {
        serde_json::Value::Object(object) => {
            for (name, inner) in object {
                match (name.as_str(), inner) {
                    ("description" | "summary", serde_json::Value::String(text)) => {
                        found.push((format!("{at}/{name}"), text));
                    }
                    _ => descriptions(inner, format!("{at}/{name}"), found),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                descriptions(inner, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn descriptions_name_no_rustdoc_link_or_source_file() {
    let dir = tempfile::tempdir().expect("dir");
    let document = served_document(&app(&dir)).await;
    let mut found = Vec::new();
    descriptions(&document, String::new(), &mut found);
    assert!(found.len() > 100, "the document has descriptions: {}", found.len());
    let linked: Vec<_> =
        found.iter().filter(|(_, text)| text.contains("[`") || text.contains(".rs`")).collect();
    assert!(linked.is_empty(), "a client reads these as text, without the source: {linked:#?}");
}

#[tokio::test]
async fn docs_openapi_json_is_what_the_api_serves() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);
    let document = served_document(&app).await;
    let text = serde_json::to_string_pretty(&document).expect("serializes") + "\n";

    if std::env::var_os("ONEBOOK_REGENERATE_VECTORS").is_some() {
        std::fs::write(COMMITTED, &text).expect("docs/openapi.json is written");
    }
    let committed = std::fs::read_to_string(COMMITTED).expect("docs/openapi.json is readable");

    assert!(
        committed == text,
        "docs/openapi.json differs from the served document; if the change is meant, rewrite it \
         with `ONEBOOK_REGENERATE_VECTORS=1 cargo test -p onebook-api openapi` and review the diff"
    );
}

/// `http://` or `https://` in `text`, as the URLs found.
fn urls(text: &str) -> Vec<&str> {
    let mut found = vec![];
    for scheme in ["http://", "https://"] {
        for (start, _) in text.match_indices(scheme) {
            let end = text[start..]
                .find(|c: char| c.is_whitespace() || "\"'<>)".contains(c))
                .map_or(text.len(), |end| start + end);
            found.push(&text[start..end]);
        }
    }
    found
}

#[tokio::test]
async fn swagger_ui_is_served_whole_from_this_node_and_names_no_other_host() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir);

    let (redirect, _, _) = text(&app, "/docs").await;
    let (status, content_type, page) = text(&app, "/docs/").await;
    let (_, _, initializer) = text(&app, "/docs/swagger-initializer.js").await;

    assert_eq!(redirect, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert_eq!(urls(&page), Vec::<&str>::new(), "the page names another host");
    assert_eq!(urls(&initializer), Vec::<&str>::new(), "the initializer names another host");
    assert!(initializer.contains("\"url\": \"/openapi.json\""), "{initializer}");
    assert!(initializer.contains("\"validatorUrl\": \"none\""), "{initializer}");
    let mut assets = vec![];
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in page.match_indices(attribute) {
            let value = &page[start + attribute.len()..];
            let value = &value[..value.find('"').expect("the attribute closes")];
            assert!(!value.contains("//") && !value.contains(':'), "{value} is not on this node");
            assets.push(value.trim_start_matches("./").to_owned());
        }
    }
    assert!(assets.iter().any(|asset| asset == "swagger-ui-bundle.js"), "{assets:?}");
    for asset in assets {
        let (status, _, body) = text(&app, &format!("/docs/{asset}")).await;
        assert_eq!(status, StatusCode::OK, "/docs/{asset}");
        assert!(!body.is_empty(), "/docs/{asset} is empty");
    }
    let (missing, content_type, _) = text(&app, "/docs/no-such-file.js").await;
    assert_eq!(
        (missing, content_type.as_str()),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
}
