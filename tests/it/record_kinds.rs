//! What every kind of record needs beyond its row of the kind table (`onebook_types::record_kind`):
//! its list and single-record routes in the OpenAPI document (`docs/openapi.json`, which the API's
//! own tests hold equal to what it serves and serves every operation of), with the parameters its
//! row implies, its view in the port's `Record`, an explorer page, and the explorer's labels for the kind, its fields and its
//! statuses. One test walks every kind and names everything missing, so adding a kind shows at
//! once what else must change.

use onebook_explorer::{ENUM_VALUES, Lang};
use onebook_query::RecordKind;
use onebook_types::record_kind::IdForm;
use serde_json::Value;

const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// `pattern` of the parameter `name` of `operation`, if the operation has the parameter.
fn parameter_pattern<'a>(operation: &'a Value, name: &str) -> Option<Option<&'a str>> {
    let parameters = operation["parameters"].as_array()?;
    let parameter = parameters.iter().find(|parameter| parameter["name"] == name)?;
    Some(parameter["schema"]["pattern"].as_str())
}

/// The pattern of a cursor of `kind`'s listing: its byte in hex (either case), then its id.
fn cursor_pattern(kind: RecordKind) -> String {
    let byte: String = format!("{:02x}", kind as u8)
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{c}{}]", c.to_ascii_uppercase())
            } else {
                c.to_string()
            }
        })
        .collect();
    let id = match kind.spec().id {
        IdForm::Number => "[0-9a-fA-F]{16}",
        IdForm::Hex32 { .. } => "[0-9a-fA-F]{64}",
        IdForm::Text { .. } => "(0[1-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]){1,64}00",
    };
    format!("^{byte}{id}$")
}

/// The pattern of the id of a record of `kind` in a path.
const fn id_pattern(kind: RecordKind) -> &'static str {
    match kind.spec().id {
        IdForm::Number => "^[0-9]{1,19}$",
        IdForm::Hex32 { .. } => "^[0-9a-fA-F]{64}$",
        IdForm::Text { .. } => "^[A-Za-z0-9._-]{1,64}$",
    }
}

/// The path parameter of a record's id.
const fn id_param(kind: RecordKind) -> &'static str {
    match kind.spec().id {
        IdForm::Number => "id",
        IdForm::Hex32 { param, .. } | IdForm::Text { param, .. } => param,
    }
}

/// What the OpenAPI document lacks or misstates for `kind`.
fn missing_in_openapi(document: &Value, kind: RecordKind, missing: &mut Vec<String>) {
    let spec = kind.spec();
    let views = document["components"]["schemas"]["Record"]["oneOf"].as_array();
    let viewed = views.into_iter().flatten().any(|view| {
        view["properties"]["kind"]["enum"]
            .as_array()
            .is_some_and(|names| names.contains(&Value::from(spec.key_name)))
    });
    if !viewed {
        missing.push(format!("{kind:?}: its view in `Record` (node/query/src/views.rs)"));
    }
    let list_path = spec.route;
    let one_path = format!("{list_path}/{{{}}}", id_param(kind));
    let list = &document["paths"][list_path]["get"];
    let one = &document["paths"][&one_path]["get"];
    if list.is_null() {
        missing.push(format!("{kind:?}: the route GET {list_path} (node/api/src/records.rs)"));
    } else {
        let statuses = match spec.statuses {
            [] => None,
            names => Some(format!("^({})$", names.join("|"))),
        };
        let status = parameter_pattern(list, "status").flatten().map(str::to_owned);
        if status != statuses {
            missing.push(format!(
                "{kind:?}: GET {list_path} documents status {status:?}, its statuses are {statuses:?}"
            ));
        }
        let cursor = parameter_pattern(list, "cursor").flatten();
        if cursor != Some(cursor_pattern(kind).as_str()) {
            missing.push(format!(
                "{kind:?}: GET {list_path} documents the cursor {cursor:?}, not {:?}",
                cursor_pattern(kind)
            ));
        }
        let under = parameter_pattern(list, "under").flatten().unwrap_or_default();
        for parent in spec.under {
            if !under.contains(&format!("{}:", parent.key_name())) {
                missing.push(format!(
                    "{kind:?}: GET {list_path} documents no `under` filter of {}",
                    parent.key_name()
                ));
            }
        }
        if spec.under.is_empty() && !under.is_empty() {
            missing.push(format!("{kind:?}: GET {list_path} documents an `under` it has not"));
        }
    }
    if one.is_null() {
        missing.push(format!("{kind:?}: the route GET {one_path} (node/api/src/records.rs)"));
    } else if parameter_pattern(one, id_param(kind)).flatten() != Some(id_pattern(kind)) {
        missing
            .push(format!("{kind:?}: GET {one_path} documents its id as not {}", id_pattern(kind)));
    }
}

/// What the explorer lacks for `kind`: a page, its labels, its fields' and statuses' labels.
fn missing_in_explorer(kind: RecordKind, missing: &mut Vec<String>) {
    let spec = kind.spec();
    let path = onebook_explorer::page_path(kind);
    if path.is_empty()
        || RecordKind::ALL
            .iter()
            .any(|other| *other != kind && onebook_explorer::page_path(*other) == path)
    {
        missing.push(format!("{kind:?}: a page path of its own in the explorer, not {path:?}"));
    }
    let label = format!("kind.{}", spec.key_name);
    if Lang::Zh.t(&label) == label || Lang::En.t(&label) == label {
        missing.push(format!("{kind:?}: its labels"));
    }
    let mut fields: Vec<&str> =
        spec.order.iter().copied().chain(spec.columns.iter().map(|(name, _)| *name)).collect();
    fields.sort_unstable();
    fields.dedup();
    for field in fields {
        if !Lang::has(field) {
            missing
                .push(format!("{kind:?}: a label of the field {field:?} (explorer/src/i18n.rs)"));
        }
    }
    for status in spec.statuses {
        if !Lang::has_value("status", status) && !Lang::has_value("reason", status) {
            missing
                .push(format!("{kind:?}: a label of the status {status:?} (explorer/src/i18n.rs)"));
        }
        if !ENUM_VALUES.contains(status) {
            missing.push(format!(
                "{kind:?}: the status {status:?} in the raw words of explorer/src/lint.rs"
            ));
        }
    }
}

#[test]
fn every_record_kind_has_its_routes_page_and_labels() {
    let document: Value = serde_json::from_str(OPENAPI).expect("docs/openapi.json is JSON");
    let mut missing = Vec::new();

    for kind in RecordKind::ALL {
        missing_in_openapi(&document, kind, &mut missing);
        missing_in_explorer(kind, &mut missing);
    }

    assert!(missing.is_empty(), "what the kinds of record still lack:\n{}", missing.join("\n"));
}
