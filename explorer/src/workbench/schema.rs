//! The action schema the workbench's forms and its borsh encoder are built from, derived from
//! the Rust types themselves: the shapes, variants and descriptions come from the `Action`
//! OpenAPI schema (the one the REST API documents), the field order from one sample of every
//! action (`onebook_types::samples`, the one `onebook tx list-actions` reads), serialized in
//! declaration order, which is the order borsh writes. Integer widths the OpenAPI schema does not
//! tell apart (it says `int32` for `u8`, `u16` and `u32`) come from `INTEGER_WIDTHS`; a width
//! missing there stops the derivation, and the browser test holds the encoding of every sample to
//! the Rust bytes. Served as `GET /workbench/actions.json`; the layout is described in
//! `docs/formats.md` §26.

use std::{collections::BTreeMap, fmt, sync::LazyLock};

use onebook_types::{action::Action, samples::sample_actions};
use serde::{
    Deserialize, Deserializer,
    de::{MapAccess, SeqAccess, Visitor},
};
use serde_json::{Value, json};
use utoipa::{PartialSchema, ToSchema};

/// The widths of the `int32` fields: `(component or action, field, width)`; `*` is every
/// field of the component.
const INTEGER_WIDTHS: [(&str, &str, &str); 7] = [
    ("CatalogEntryDraft", "security_level", "u8"),
    ("LifecyclePolicy", "close_out_working_days", "u16"),
    ("PlannedOpening", "quarter", "u8"),
    ("record_open_data_plan", "year", "u16"),
    ("WitnessSet", "threshold", "u16"),
    ("PolicyParameter", "grant_term_days_max", "u32"),
    ("PolicyParameter", "*", "u16"),
];

/// The adjacently tagged enums, `(component, content field)`: `{"name": ..., "value": ...}`.
const ADJACENT: [(&str, &str); 1] = [("PolicyParameter", "value")];

/// A JSON value whose objects keep their keys in the order they were written.
#[derive(Clone, Debug)]
enum Ordered {
    /// A string, kept for the tags of enums.
    Text(String),
    Leaf,
    List(Vec<Self>),
    Object(Vec<(String, Self)>),
}

impl Ordered {
    fn field(&self, name: &str) -> Option<&Self> {
        match self {
            Self::Object(fields) => fields.iter().find(|(key, _)| key == name).map(|(_, v)| v),
            _ => None,
        }
    }

    fn keys(&self) -> Option<Vec<&str>> {
        match self {
            Self::Object(fields) => Some(fields.iter().map(|(key, _)| key.as_str()).collect()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_str<E>(self, text: &str) -> Result<Ordered, E> {
                Ok(Ordered::Text(text.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Ordered>()? {
                    fields.push((key, value));
                }
                Ok(Ordered::Object(fields))
            }
        }
        deserializer.deserialize_any(OrderedVisitor)
    }
}

/// Why the schema could not be derived: a bug in this module or a type it does not know yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn error<T>(text: impl Into<String>) -> Result<T, SchemaError> {
    Err(SchemaError(text.into()))
}

/// The OpenAPI schemas of `Action` and every type it names, as JSON.
struct Components {
    schemas: BTreeMap<String, Value>,
}

impl Components {
    fn new() -> Result<Self, SchemaError> {
        let mut named = Vec::new();
        <Action as ToSchema>::schemas(&mut named);
        let mut schemas = BTreeMap::new();
        for (name, schema) in named {
            let value = serde_json::to_value(&schema).map_err(|e| SchemaError(e.to_string()))?;
            schemas.insert(name, value);
        }
        let action =
            serde_json::to_value(Action::schema()).map_err(|e| SchemaError(e.to_string()))?;
        schemas.insert("Action".to_owned(), action);
        Ok(Self { schemas })
    }

    fn get(&self, name: &str) -> Result<&Value, SchemaError> {
        self.schemas.get(name).ok_or_else(|| SchemaError(format!("no schema named {name}")))
    }
}

/// Where a schema sits, for the width table and the errors.
#[derive(Clone, Copy)]
struct Place<'a> {
    owner: &'a str,
    field: &'a str,
}

fn description(schema: &Value) -> Value {
    schema.get("description").cloned().unwrap_or(Value::Null)
}

/// The layout of `schema`, with `sample` an example value of it if one is known.
fn layout(
    components: &Components,
    schema: &Value,
    sample: Option<&Ordered>,
    place: Place<'_>,
) -> Result<Value, SchemaError> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        let target = components.get(name)?;
        let inner = Place { owner: name, field: place.field };
        let mut layout = match name {
            "Hash32" | "PublicKey" => json!({"kind": "bytes", "len": 32}),
            "Signature" => json!({"kind": "bytes", "len": 64}),
            "Date" => json!({"kind": "date"}),
            "ReportPeriod" => json!({"kind": "period"}),
            _ => layout(components, target, sample, inner)?,
        };
        if let Some(object) = layout.as_object_mut() {
            object.entry("type").or_insert_with(|| Value::String(name.to_owned()));
        }
        return Ok(layout);
    }
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        return one_of(components, variants, sample, place);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Ok(json!({"kind": "choice", "values": values}));
    }
    match schema.get("type") {
        Some(Value::String(kind)) => match kind.as_str() {
            "string" => Ok(json!({"kind": "string"})),
            "boolean" => Ok(json!({"kind": "bool"})),
            "integer" => integer(schema, place),
            "array" => {
                let items = schema.get("items").ok_or_else(|| {
                    SchemaError(format!("{}.{}: array without items", place.owner, place.field))
                })?;
                let first = match sample {
                    Some(Ordered::List(items)) => items.first(),
                    _ => None,
                };
                Ok(json!({"kind": "vec", "of": layout(components, items, first, place)?}))
            }
            "object" => {
                let fields = fields(components, schema, None, sample, place.owner)?;
                Ok(json!({"kind": "struct", "fields": fields}))
            }
            other => error(format!("{}.{}: type {other} has no layout", place.owner, place.field)),
        },
        Some(Value::Array(kinds)) if kinds.iter().any(|kind| kind == "null") => {
            let mut inner = schema.clone();
            let rest: Vec<Value> = kinds.iter().filter(|kind| *kind != "null").cloned().collect();
            inner["type"] = rest.first().cloned().unwrap_or(Value::Null);
            Ok(json!({"kind": "option", "of": layout(components, &inner, sample, place)?}))
        }
        _ => error(format!("{}.{}: no layout for {schema}", place.owner, place.field)),
    }
}

fn integer(schema: &Value, place: Place<'_>) -> Result<Value, SchemaError> {
    match schema.get("format").and_then(Value::as_str) {
        Some("int64") if schema.get("minimum").is_some() => Ok(json!({"kind": "u64"})),
        Some("int32") => {
            let width = INTEGER_WIDTHS
                .iter()
                .find(|(owner, field, _)| *owner == place.owner && *field == place.field)
                .or_else(|| {
                    INTEGER_WIDTHS
                        .iter()
                        .find(|(owner, field, _)| *owner == place.owner && *field == "*")
                });
            match width {
                Some((_, _, width)) => Ok(json!({"kind": width})),
                None => error(format!(
                    "{}.{}: an int32 field without a width in INTEGER_WIDTHS",
                    place.owner, place.field
                )),
            }
        }
        other => error(format!("{}.{}: integer format {other:?}", place.owner, place.field)),
    }
}

/// The fields of an object schema in declaration order, without the tag `tag`.
fn fields(
    components: &Components,
    schema: &Value,
    tag: Option<&str>,
    sample: Option<&Ordered>,
    owner: &str,
) -> Result<Vec<Value>, SchemaError> {
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| SchemaError(format!("{owner}: an object without properties")))?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let wanted: Vec<&str> =
        properties.keys().map(String::as_str).filter(|name| Some(*name) != tag).collect();
    let order: Vec<&str> = match sample.and_then(Ordered::keys) {
        Some(keys) => keys.into_iter().filter(|name| Some(*name) != tag).collect(),
        None if wanted.iter().all(|name| required.contains(name)) => {
            required.iter().copied().filter(|name| Some(*name) != tag).collect()
        }
        None => {
            return error(format!("{owner}: has optional fields and no sample gives their order"));
        }
    };
    let mut sorted_order = order.clone();
    sorted_order.sort_unstable();
    let mut sorted_wanted = wanted.clone();
    sorted_wanted.sort_unstable();
    if sorted_order != sorted_wanted {
        return error(format!(
            "{owner}: the sample's fields {order:?} are not the schema's {wanted:?}"
        ));
    }
    order
        .into_iter()
        .map(|name| {
            let field = &properties[name];
            let place = Place { owner, field: name };
            let value = sample.and_then(|sample| sample.field(name));
            let mut help = description(field);
            let field_layout = layout(components, field, value, place)?;
            if help.is_null()
                && let Some(inner) = field.get("oneOf").and_then(Value::as_array)
            {
                help = inner.iter().map(description).find(|d| !d.is_null()).unwrap_or(Value::Null);
            }
            Ok(json!({"name": name, "help": help, "layout": field_layout}))
        })
        .collect()
}

/// `oneOf`: an `Option` (`[T, null]`), or a tagged enum.
fn one_of(
    components: &Components,
    variants: &[Value],
    sample: Option<&Ordered>,
    place: Place<'_>,
) -> Result<Value, SchemaError> {
    if variants.len() == 2 && variants.iter().any(|v| v.get("type") == Some(&json!("null"))) {
        let some = variants
            .iter()
            .find(|v| v.get("type") != Some(&json!("null")))
            .ok_or_else(|| SchemaError("an option of nothing".to_owned()))?;
        let sample = sample.filter(|s| !matches!(s, Ordered::Leaf));
        return Ok(json!({"kind": "option", "of": layout(components, some, sample, place)?}));
    }
    let tag = tag_of(variants).ok_or_else(|| {
        SchemaError(format!("{}.{}: a oneOf that is no tagged enum", place.owner, place.field))
    })?;
    let content = ADJACENT.iter().find(|(owner, _)| *owner == place.owner).map(|(_, c)| *c);
    let mut out = Vec::new();
    for variant in variants {
        let name = variant["properties"][tag]["enum"][0]
            .as_str()
            .ok_or_else(|| SchemaError(format!("{}: a variant without its tag", place.owner)))?;
        let own_sample =
            sample.filter(|s| matches!(s.field(tag), Some(Ordered::Text(text)) if text == name));
        let help = description(variant);
        match content {
            Some(content) => {
                let value = &variant["properties"][content];
                let inner = Place { owner: place.owner, field: name };
                let value_layout =
                    layout(components, value, own_sample.and_then(|s| s.field(content)), inner)?;
                out.push(json!({"name": name, "help": help, "value": value_layout}));
            }
            None => {
                let fields = fields(components, variant, Some(tag), own_sample, place.owner)?;
                out.push(json!({"name": name, "help": help, "fields": fields}));
            }
        }
    }
    Ok(json!({"kind": "enum", "tag": tag, "content": content, "variants": out}))
}

/// The property every variant has as a one-value `enum`.
fn tag_of(variants: &[Value]) -> Option<&str> {
    let first = variants.first()?.get("properties")?.as_object()?;
    first.keys().map(String::as_str).find(|name| {
        variants.iter().all(|variant| {
            variant["properties"][*name]["enum"].as_array().is_some_and(|values| values.len() == 1)
        })
    })
}

/// The schema, derived once.
static SCHEMA: LazyLock<Result<Value, SchemaError>> = LazyLock::new(derive);

/// The layout of `TxBody`, whose `action` is every action: `{"tx_body": ..., "actions": [...]}`.
pub fn schema() -> Result<&'static Value, SchemaError> {
    SCHEMA.as_ref().map_err(Clone::clone)
}

fn derive() -> Result<Value, SchemaError> {
    let components = Components::new()?;
    let action = components.get("Action")?;
    let variants = action
        .get("oneOf")
        .and_then(Value::as_array)
        .ok_or_else(|| SchemaError("Action is not a oneOf".to_owned()))?;
    let samples: Vec<Ordered> = sample_actions()
        .iter()
        .map(|sample| {
            let text = serde_json::to_string(sample).map_err(|e| SchemaError(e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| SchemaError(e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let samples_json: Vec<Value> = sample_actions()
        .iter()
        .map(|sample| serde_json::to_value(sample).unwrap_or(Value::Null))
        .collect();
    if samples.len() != variants.len() {
        return error(format!(
            "{} samples for {} actions: every action needs its sample",
            samples.len(),
            variants.len()
        ));
    }
    let mut actions = Vec::new();
    for (index, (variant, sample)) in variants.iter().zip(&samples).enumerate() {
        let name = variant["properties"]["type"]["enum"][0]
            .as_str()
            .ok_or_else(|| SchemaError(format!("action {index} has no type")))?;
        if samples_json[index]["type"] != name {
            return error(format!("sample {index} is not of action {name}"));
        }
        let fields = fields(&components, variant, Some("type"), Some(sample), name)?;
        actions.push(json!({
            "name": name,
            "index": index,
            "help": description(variant),
            "fields": fields,
            "sample": samples_json[index],
        }));
    }
    let tx_body = json!({"kind": "struct", "fields": [
        {"name": "chain_id", "layout": {"kind": "string", "type": "ChainId"}},
        {"name": "signer", "layout": {"kind": "bytes", "len": 32, "type": "PublicKey"}},
        {"name": "nonce", "layout": {"kind": "u64", "type": "Nonce"}},
        {"name": "valid_until", "layout": {"kind": "u64", "type": "Height"}},
        {"name": "action", "layout": {"kind": "action"}},
    ]});
    Ok(json!({"tx_body": tx_body, "actions": actions}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_layout_in_declaration_order() {
        let schema = schema().unwrap();
        let actions = schema["actions"].as_array().unwrap();
        assert_eq!(actions.len(), sample_actions().len());
        let register = &actions[0];
        assert_eq!(register["name"], "register_member");
        let names: Vec<&str> = register["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["key", "name", "roles"]);
        let text = schema.to_string();
        assert!(text.contains(r#""kind":"u8""#), "security_level is a u8");
    }
}
