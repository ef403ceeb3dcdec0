//! The flag form of `onebook tx`: `onebook tx <action> [--<field> <value> ...]`.
//!
//! Every action of [`Action`] has one without a clap struct of its own: the flags build the
//! action's JSON, which serde turns into the [`Action`], so the flags cannot drift from the type.
//! What the flags may name comes from one sample of every action
//! ([`onebook_types::samples::sample_actions`], which a test holds to every variant):
//!
//! - `<action>` is the action's serde name in kebab-case: `draft-catalog-entry` for
//!   `draft_catalog_entry`. `list-actions` prints every action with its fields.
//! - `--<field> <value>` (or `--<field>=<value>`) sets a field; kebab-case names `snake_case`
//!   fields. `--<a>.<b> <value>` sets field `b` of the object field `a`. A later flag for the
//!   same field replaces its value (so a variant comes before the fields set inside it).
//! - The value is taken as the field's sample says: as it is where the field is text; split at
//!   commas where it is a list of text (`--roles catalog-clerk,share-approver`); as the variant
//!   name where the field is an enum tagged by the field's own name (`--decision approve` is
//!   `{"decision": "approve"}`); elsewhere as JSON when it parses as JSON, else as text.
//! - `--<field>-file F` reads the field's value as JSON from the file `F`.
//! - `--action.<field>` sets any field, and is how a field named like one of the command's own
//!   options is set: `--action.key <hex>`, since `--key` names the signing key.
//! - `--key`, `--node`, `--nonce`, `--valid-for` and `--wait` may come among the fields too.
//!
//! An unknown action or field, a missing field and a value of the wrong type are errors naming
//! the action and the field.

use std::path::Path;

use onebook_types::{action::Action, samples::sample_actions};
use serde_json::{Map, Value};

/// The options of `onebook tx` itself, which the flag form also takes among the fields.
pub(crate) const TX_OPTIONS: [&str; 5] = ["key", "node", "nonce", "valid-for", "wait"];

/// The prefix that sets a field whatever its name.
const FIELD_PREFIX: &str = "action.";

/// What the flags ask for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// `list-actions`: print every action and its fields.
    ListActions,
    /// `<action> --help`: print the action's fields.
    Help(ActionForm),
    /// An action to sign and submit, and the command options given among its fields.
    Action {
        /// The action (boxed: an action is much larger than the other variants).
        action: Box<Action>,
        /// `(option, value)` for each of [`TX_OPTIONS`] given, in order.
        options: Vec<(&'static str, String)>,
    },
}

/// Why the flags make no action.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FlagError {
    /// No action of that name.
    #[error("no action is named `{name}`{}; `onebook tx list-actions` lists them", suggestion(.near))]
    UnknownAction {
        /// The name given.
        name: String,
        /// The closest action name, if one is close.
        near: Option<String>,
    },
    /// An argument that is not a `--flag`.
    #[error("action `{action}`: {argument:?} is not a flag; fields are given as --<field> <value>")]
    NotAFlag {
        /// The action.
        action: String,
        /// The argument.
        argument: String,
    },
    /// A flag without its value.
    #[error("action `{action}`: flag --{flag} has no value")]
    MissingValue {
        /// The action.
        action: String,
        /// The flag.
        flag: String,
    },
    /// A flag whose name is not a field path.
    #[error(
        "action `{action}`: --{flag} does not name a field: use lower-case words joined by `-`, \
         and `.` for a field of a field"
    )]
    BadFlag {
        /// The action.
        action: String,
        /// The flag.
        flag: String,
    },
    /// `--type`: the action is named by the subcommand.
    #[error("action `{action}`: --type cannot be set; the action is named by the subcommand")]
    TypeFlag {
        /// The action.
        action: String,
    },
    /// A flag sets a field inside a field that is not an object.
    #[error("action `{action}`: --{flag}: field `{field}` is not an object, so it has no fields")]
    NotAnObject {
        /// The action.
        action: String,
        /// The flag.
        flag: String,
        /// The field that is not an object.
        field: String,
    },
    /// `--<field>-file F` could not be read as JSON.
    #[error("action `{action}`: --{flag}-file {path}: {reason}")]
    File {
        /// The action.
        action: String,
        /// The field's flag.
        flag: String,
        /// The file.
        path: String,
        /// Why it could not be read.
        reason: String,
    },
    /// A field the action does not have.
    #[error("action `{action}` has no field `{field}`; its fields are {}", known.join(", "))]
    UnknownField {
        /// The action.
        action: String,
        /// The field, as a dotted path.
        field: String,
        /// The action's fields.
        known: Vec<String>,
    },
    /// A field's value is not of the field's type, or a field is missing.
    #[error("action `{action}`: {reason}")]
    Invalid {
        /// The action.
        action: String,
        /// What is wrong, naming the field.
        reason: String,
    },
}

fn suggestion(near: &Option<String>) -> String {
    near.as_ref().map(|name| format!(" (did you mean `{name}`?)")).unwrap_or_default()
}

/// One action as the flag form knows it: its name and a sample of its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ActionForm {
    /// The serde name, such as `draft_catalog_entry`.
    pub(crate) tag: String,
    /// The sample's fields, without `type`.
    pub(crate) sample: Map<String, Value>,
}

impl ActionForm {
    /// The subcommand name, such as `draft-catalog-entry`.
    pub(crate) fn name(&self) -> String {
        self.tag.replace('_', "-")
    }

    /// The flag that sets top-level `field`: `--action.<field>` where `--<field>` is an option.
    fn flag(field: &str) -> String {
        let kebab = field.replace('_', "-");
        if TX_OPTIONS.contains(&kebab.as_str()) { format!("{FIELD_PREFIX}{kebab}") } else { kebab }
    }

    /// The sample as `(flag, value)` pairs: what the help shows, and what [`parse`] turns back
    /// into the sample action.
    fn examples(&self) -> Vec<(String, String)> {
        self.sample
            .iter()
            .map(|(field, value)| (Self::flag(field), flag_value(field, value)))
            .collect()
    }

    /// The help of the action: its usage and one line per field, with the sample's value.
    pub(crate) fn help(&self) -> String {
        let mut text = format!(
            "onebook tx {} --key <name> [--node host:port] [--wait SECONDS]\n",
            self.name()
        );
        for (flag, value) in self.examples() {
            text.push_str(&format!("    --{flag} {}\n", shell_quoted(&value)));
        }
        if self.sample.is_empty() {
            text.push_str("    (no fields)\n");
        }
        text
    }

    /// The names of the top-level fields.
    fn fields(&self) -> Vec<String> {
        self.sample.keys().map(|field| format!("--{}", Self::flag(field))).collect()
    }
}

/// Every action, in variant order.
pub(crate) fn action_forms() -> Vec<ActionForm> {
    sample_actions()
        .iter()
        .filter_map(|action| match serde_json::to_value(action) {
            Ok(Value::Object(mut sample)) => {
                let tag = sample.remove("type")?.as_str()?.to_owned();
                Some(ActionForm { tag, sample })
            }
            _ => None,
        })
        .collect()
}

/// Every action's help, for `onebook tx list-actions`.
pub(crate) fn list_actions() -> String {
    let forms = action_forms();
    let mut text = format!(
        "{} actions; give a field as --<field> <value>, a field of a field as --<a>.<b> <value>, \
         a field's JSON from a file as --<field>-file FILE (docs/cli.md):\n\n",
        forms.len()
    );
    for form in forms {
        text.push_str(&form.help());
        text.push('\n');
    }
    text
}

/// Parses `args`: the action's name, then its flags (`args` is not empty).
pub(crate) fn parse(args: &[String]) -> Result<Parsed, FlagError> {
    let Some((name, rest)) = args.split_first() else {
        return Ok(Parsed::ListActions);
    };
    if name == "list-actions" {
        return Ok(Parsed::ListActions);
    }
    let forms = action_forms();
    let Some(form) = forms.iter().find(|form| form.name() == *name) else {
        let near = nearest(name, forms.iter().map(ActionForm::name));
        return Err(FlagError::UnknownAction { name: name.clone(), near });
    };
    let action_name = form.name();
    let mut fields = Map::new();
    let mut options = Vec::new();
    let mut rest = rest.iter();
    while let Some(argument) = rest.next() {
        if argument == "-h" {
            return Ok(Parsed::Help(form.clone()));
        }
        let Some(flag) = argument.strip_prefix("--") else {
            return Err(FlagError::NotAFlag { action: action_name, argument: argument.clone() });
        };
        if flag == "help" || flag == "h" {
            return Ok(Parsed::Help(form.clone()));
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (flag, None),
        };
        let value = match inline {
            Some(value) => value,
            None => rest.next().cloned().ok_or_else(|| FlagError::MissingValue {
                action: action_name.clone(),
                flag: flag.to_owned(),
            })?,
        };
        if let Some(option) = TX_OPTIONS.into_iter().find(|option| *option == flag) {
            options.push((option, value));
            continue;
        }
        set_field(form, &mut fields, flag, &value)?;
    }
    let action = build(form, fields)?;
    Ok(Parsed::Action { action: Box::new(action), options })
}

/// Sets the field `flag` names to `value` in `fields`.
fn set_field(
    form: &ActionForm,
    fields: &mut Map<String, Value>,
    flag: &str,
    value: &str,
) -> Result<(), FlagError> {
    let action = form.name();
    let bad_flag = || FlagError::BadFlag { action: action.clone(), flag: flag.to_owned() };
    let path = flag.strip_prefix(FIELD_PREFIX).unwrap_or(flag);
    let mut path: Vec<String> = path.split('.').map(|segment| segment.replace('-', "_")).collect();
    let well_formed = |segment: &String| {
        !segment.is_empty()
            && segment.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if !path.iter().all(well_formed) {
        return Err(bad_flag());
    }
    if path.first().is_some_and(|field| field == "type") {
        return Err(FlagError::TypeFlag { action });
    }
    // `--<field>-file`, unless the action has a field named so.
    let a_field_named_so = path.len() == 1 && form.sample.contains_key(path[0].as_str());
    let from_file = match path.last_mut() {
        Some(last) if last.ends_with("_file") && !a_field_named_so => {
            last.truncate(last.len() - "_file".len());
            true
        }
        _ => false,
    };
    if !path.iter().all(well_formed) {
        return Err(bad_flag());
    }
    let value = if from_file {
        read_json(Path::new(value)).map_err(|reason| FlagError::File {
            action: action.clone(),
            flag: flag.trim_end_matches("-file").to_owned(),
            path: value.to_owned(),
            reason,
        })?
    } else {
        let sample = sample_at(&form.sample, &path);
        coerce(value, sample, path.last().map_or("", String::as_str))
    };
    insert(fields, &path, value).map_err(|field| FlagError::NotAnObject {
        action,
        flag: flag.to_owned(),
        field,
    })
}

/// The action `form` with `fields`, checked by serde, and every field given known to it.
fn build(form: &ActionForm, fields: Map<String, Value>) -> Result<Action, FlagError> {
    let action = form.name();
    // Every field of an action is in its sample, so a field the sample lacks is unknown; this is
    // said before a field the action needs is found missing.
    if let Some(field) = fields.keys().find(|field| !form.sample.contains_key(field.as_str())) {
        return Err(FlagError::UnknownField { action, field: field.clone(), known: form.fields() });
    }
    let mut json = Map::new();
    json.insert("type".into(), Value::String(form.tag.clone()));
    json.extend(fields.clone());
    let json = Value::Object(json);
    let built: Action = match serde_json::from_value(json.clone()) {
        Ok(built) => built,
        Err(error) => {
            return Err(FlagError::Invalid { action, reason: explain(form, &fields, &error) });
        }
    };
    let back = serde_json::to_value(&built).map_err(|error| FlagError::Invalid {
        action: action.clone(),
        reason: format!("the action cannot be written back as JSON: {error}"),
    })?;
    if let Some(field) = unknown_field(&json, &back, "") {
        return Err(FlagError::UnknownField { action, field, known: form.fields() });
    }
    Ok(built)
}

/// Names the field behind a serde error: the first field given whose value alone, put into the
/// sample, still fails; else the error as serde wrote it (a missing field, which it names).
fn explain(form: &ActionForm, fields: &Map<String, Value>, error: &serde_json::Error) -> String {
    for (field, value) in fields {
        let mut probe = form.sample.clone();
        probe.insert(field.clone(), value.clone());
        probe.insert("type".into(), Value::String(form.tag.clone()));
        if let Err(error) = serde_json::from_value::<Action>(Value::Object(probe)) {
            return format!("field `{field}` (--{}): {error}", ActionForm::flag(field));
        }
    }
    let text = error.to_string();
    match text.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')) {
        Some((field, _)) if form.sample.contains_key(field) => {
            format!("{text}; give it as --{} <value>", ActionForm::flag(field))
        }
        _ => text,
    }
}

/// The first key of `given` that `back` (the same value after a round through the type) lost,
/// as a dotted path: a field serde ignored because the type has none of that name.
fn unknown_field(given: &Value, back: &Value, prefix: &str) -> Option<String> {
    let (Value::Object(given), Value::Object(back)) = (given, back) else { return None };
    for (key, value) in given {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match back.get(key) {
            None if !value.is_null() => return Some(path),
            Some(kept) => {
                if let Some(unknown) = unknown_field(value, kept, &path) {
                    return Some(unknown);
                }
            }
            None => {}
        }
    }
    None
}

/// The sample's value at `path`, if the sample has one.
fn sample_at<'a>(sample: &'a Map<String, Value>, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut value = sample.get(first)?;
    for segment in rest {
        value = value.as_object()?.get(segment)?;
    }
    Some(value)
}

/// `raw` as the value of a field whose sample is `sample` and whose name is `field`.
fn coerce(raw: &str, sample: Option<&Value>, field: &str) -> Value {
    match sample {
        Some(Value::String(_)) => Value::String(raw.to_owned()),
        Some(Value::Array(items))
            if items.first().is_some_and(Value::is_string)
                && !raw.trim_start().starts_with('[') =>
        {
            let words = raw.split(',').map(str::trim).filter(|word| !word.is_empty());
            Value::Array(words.map(|word| Value::String(word.to_owned())).collect())
        }
        // A list of ids (a scenario's resources): numbers split at commas too.
        Some(Value::Array(items))
            if items.first().is_some_and(Value::is_u64) && !raw.trim_start().starts_with('[') =>
        {
            let words = raw.split(',').map(str::trim).filter(|word| !word.is_empty());
            Value::Array(
                words
                    .map(|word| {
                        word.parse::<u64>()
                            .map_or_else(|_| Value::String(word.to_owned()), Value::from)
                    })
                    .collect(),
            )
        }
        Some(Value::Object(tagged))
            if tagged.get(field).is_some_and(Value::is_string) && is_word(raw) =>
        {
            let mut variant = Map::new();
            variant.insert(field.to_owned(), Value::String(raw.to_owned()));
            Value::Object(variant)
        }
        _ => serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned())),
    }
}

/// Whether `text` is one word of lower-case letters, digits, `_` and `-`.
fn is_word(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Puts `value` at `path` in `fields`, replacing what was there; the path of a field in the way
/// that is not an object.
fn insert(fields: &mut Map<String, Value>, path: &[String], value: Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else { return Ok(()) };
    if rest.is_empty() {
        fields.insert(first.clone(), value);
        return Ok(());
    }
    let slot = fields.entry(first.clone()).or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(inner) = slot else { return Err(first.clone()) };
    insert(inner, rest, value).map_err(|field| format!("{first}.{field}"))
}

/// The JSON in the file at `path`.
fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot be read: {error}"))?;
    serde_json::from_str(&text).map_err(|error| format!("is not JSON: {error}"))
}

/// `value` as the flag form writes it for `field`: text as it is, a list of text joined by
/// commas, an enum tagged by the field's own name with no other field as its variant name,
/// anything else as compact JSON.
fn flag_value(field: &str, value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items)
            if !items.is_empty()
                && items.iter().all(|item| {
                    item.as_str().is_some_and(|text| {
                        !text.contains(',') && !text.trim().is_empty() && text.trim() == text
                    })
                }) =>
        {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")
        }
        Value::Object(tagged)
            if tagged.len() == 1
                && tagged.get(field).and_then(Value::as_str).is_some_and(is_word) =>
        {
            tagged.get(field).and_then(Value::as_str).unwrap_or_default().to_owned()
        }
        other => other.to_string(),
    }
}

/// `text` quoted for a POSIX shell where it needs it.
fn shell_quoted(text: &str) -> String {
    let plain =
        !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || "-_.,:/@+=".contains(c));
    if plain { text.to_owned() } else { format!("'{}'", text.replace('\'', "'\\''")) }
}

/// The name in `names` closest to `name`, if at most a third of it differs.
fn nearest(name: &str, names: impl Iterator<Item = String>) -> Option<String> {
    names
        .map(|candidate| (edit_distance(name, &candidate), candidate))
        .filter(|(distance, _)| *distance <= name.chars().count().div_ceil(3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use onebook_types::{action::ReviewDecision, codec, ids::CatalogCode};

    use super::*;

    fn args(text: &[&str]) -> Vec<String> {
        text.iter().map(|arg| (*arg).to_owned()).collect()
    }

    fn action(text: &[&str]) -> Action {
        match parse(&args(text)) {
            Ok(Parsed::Action { action, .. }) => *action,
            other => panic!("{text:?}: not an action: {other:?}"),
        }
    }

    fn error(text: &[&str]) -> String {
        match parse(&args(text)) {
            Err(error) => error.to_string(),
            other => panic!("{text:?}: not an error: {other:?}"),
        }
    }

    #[test]
    fn every_action_variant_has_a_name_whose_flags_rebuild_its_sample() {
        let forms = action_forms();
        let samples = sample_actions();

        for (form, sample) in forms.iter().zip(&samples) {
            let mut flags = vec![form.name()];
            for (flag, value) in form.examples() {
                flags.extend([format!("--{flag}"), value]);
            }

            assert_eq!(
                action(&flags.iter().map(String::as_str).collect::<Vec<_>>()),
                *sample,
                "{}",
                form.name()
            );
        }
        assert_eq!(forms.len(), samples.len(), "every sample is an action form");
        let next_variant = u8::try_from(samples.len()).expect("few variants");
        assert!(
            codec::decode::<Action>(&[next_variant], 16).is_err(),
            "an Action variant has no sample, so the flag form does not know it"
        );
    }

    #[test]
    fn a_review_takes_its_decision_as_a_word_and_its_reasons_as_a_field_of_it() {
        let code = CatalogCode::from("350200-xm-scjg-0001");

        let approve =
            action(&["review-catalog-entry", "--code", code.as_str(), "--decision", "approve"]);
        let returned = action(&[
            "review-catalog-entry",
            "--code",
            code.as_str(),
            "--decision",
            "return",
            "--decision.reasons=缺少字段说明",
        ]);

        assert_eq!(
            approve,
            Action::ReviewCatalogEntry { code: code.clone(), decision: ReviewDecision::Approve }
        );
        assert_eq!(
            returned,
            Action::ReviewCatalogEntry {
                code,
                decision: ReviewDecision::Return { reasons: "缺少字段说明".into() }
            }
        );
    }

    #[test]
    fn text_fields_stay_text_lists_split_at_commas_and_options_come_among_the_fields() {
        let key = "07".repeat(32);

        let parsed = parse(&args(&[
            "register-member",
            "--key",
            "xm-dsj/admin",
            "--action.key",
            &key,
            "--name",
            "2026",
            "--roles",
            "catalog-clerk, share-approver",
            "--wait=30",
        ]))
        .expect("parses");

        let Parsed::Action { action, options } = parsed else { panic!("an action") };
        let Action::RegisterMember { key: member, name, roles } = *action else {
            panic!("{action:?}")
        };
        assert_eq!(member.to_hex(), key);
        assert_eq!(name, "2026");
        assert_eq!(roles.len(), 2);
        assert_eq!(options, [("key", "xm-dsj/admin".to_owned()), ("wait", "30".to_owned())]);
    }

    #[test]
    fn every_lifecycle_action_is_typed_as_flags_the_way_a_clerk_would() {
        use onebook_types::{
            action::GovernanceChange,
            development_records::PlannedOpening,
            ids::{DevelopmentGrantId, GrantId, ScenarioId},
            lifecycle_records::CloseOutDisposition,
        };
        let digest = "ab".repeat(32);
        let dir = tempfile::tempdir().expect("dir");
        let plan = dir.path().join("openings.json");
        let openings = r#"[{"entry": "350200-xm-scjg-0001", "quarter": 2}]"#;
        std::fs::write(&plan, openings).expect("written");
        let plan = plan.to_str().expect("utf-8");

        let closed = action(&[
            "close-out-grant",
            "--grant",
            "3",
            "--disposition",
            "retained",
            "--disposition.legal-basis",
            "gov-info-14",
            "--attestation-digest",
            &digest,
        ]);
        let onward = action(&[
            "grant-onward",
            "--parent",
            "3",
            "--grantee",
            "xm-smq",
            "--items",
            "姓名, 户籍地址",
            "--expires-at",
            "1800000000000",
            "--conditions",
            "仅限辖区使用",
        ]);
        let planned = action(&["record-open-data-plan", "--year", "2027", "--openings-file", plan]);
        let applied = action(&[
            "apply-for-scenario",
            "--draft.scenario-type",
            "普惠金融",
            "--draft.name",
            "小微企业信用评估",
            "--draft.description",
            "授信模型",
            "--draft.resources",
            "4, 5",
            "--draft.starts",
            "2026-12-07",
            "--draft.ends",
            "2027-12-06",
        ]);
        let reviewed = action(&[
            "review-scenario",
            "--scenario",
            "1",
            "--decision",
            "return",
            "--decision.reasons",
            "数据超出范围",
        ]);
        let product = action(&[
            "record-product",
            "--grant",
            "1",
            "--name",
            "小微企业信用分",
            "--description",
            "按月更新",
            "--digest",
            &digest,
        ]);
        let policy = action(&[
            "submit-proposal",
            "--change.kind",
            "set_lifecycle_policy",
            "--change.policy.close-out-working-days",
            "5",
            "--rationale",
            "缩短销毁登记期限",
        ]);

        let Action::CloseOutGrant { grant, disposition, .. } = closed else { panic!("{closed:?}") };
        assert_eq!(grant, GrantId(3));
        let CloseOutDisposition::Retained { legal_basis } = disposition else {
            panic!("{disposition:?}")
        };
        assert_eq!(legal_basis.as_str(), "gov-info-14");
        let Action::GrantOnward { parent, items, expires_at, .. } = onward else {
            panic!("{onward:?}")
        };
        assert_eq!((parent, items.len(), expires_at.0), (GrantId(3), 2, 1_800_000_000_000));
        let Action::RecordOpenDataPlan { year, openings } = planned else { panic!("{planned:?}") };
        assert_eq!(year, 2027);
        assert_eq!(
            openings,
            [PlannedOpening { entry: CatalogCode::from("350200-xm-scjg-0001"), quarter: 2 }]
        );
        let Action::ApplyForScenario { draft } = applied else { panic!("{applied:?}") };
        assert_eq!((draft.scenario_type.as_str(), draft.resources.len()), ("普惠金融", 2));
        assert_eq!(draft.starts.to_string(), "2026-12-07");
        let Action::ReviewScenario { scenario, decision } = reviewed else {
            panic!("{reviewed:?}")
        };
        assert_eq!(scenario, ScenarioId(1));
        assert_eq!(decision, ReviewDecision::Return { reasons: "数据超出范围".to_owned() });
        let Action::RecordProduct { grant, digest: recorded, .. } = product else {
            panic!("{product:?}")
        };
        assert_eq!((grant, recorded.to_hex()), (DevelopmentGrantId(1), digest));
        let Action::SubmitProposal { change, .. } = policy else { panic!("{policy:?}") };
        let GovernanceChange::SetLifecyclePolicy { policy } = change else { panic!("{change:?}") };
        assert_eq!(policy.close_out_working_days, 5);
    }

    #[test]
    fn a_field_reads_its_json_from_a_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("draft.json");
        let sample = action_forms()
            .into_iter()
            .find(|form| form.tag == "draft_catalog_entry")
            .expect("a form");
        std::fs::write(&path, sample.sample["draft"].to_string()).expect("written");
        let path = path.to_str().expect("utf-8");

        let drafted =
            action(&["draft-catalog-entry", "--draft-file", path, "--draft.name", "企业信息"]);
        let missing = error(&["draft-catalog-entry", "--draft-file", "/nonexistent/draft.json"]);

        let Action::DraftCatalogEntry { draft } = drafted else { panic!("{drafted:?}") };
        assert_eq!(draft.name, "企业信息");
        assert_eq!(draft.items.len(), 3);
        assert!(
            missing.contains("--draft-file /nonexistent/draft.json: cannot be read"),
            "{missing}"
        );
    }

    #[test]
    fn errors_name_the_action_and_the_field() {
        let digest = "00".repeat(32);
        let cases = [
            (
                vec!["reveiw-catalog-entry"],
                "no action is named `reveiw-catalog-entry` (did you mean `review-catalog-entry`?)",
            ),
            (vec!["fly"], "no action is named `fly`; `onebook tx list-actions` lists them"),
            (vec!["submit-catalog-entry", "code"], "\"code\" is not a flag"),
            (vec!["submit-catalog-entry", "--code"], "flag --code has no value"),
            (vec!["submit-catalog-entry", "--Code", "x"], "--Code does not name a field"),
            (vec!["submit-catalog-entry", "--type", "x"], "--type cannot be set"),
            (vec!["submit-catalog-entry"], "missing field `code`; give it as --code <value>"),
            (
                vec!["submit-catalog-entry", "--code", "x", "--reason", "y"],
                "action `submit-catalog-entry` has no field `reason`; its fields are --code",
            ),
            (
                vec![
                    "update-resource",
                    "--resource",
                    "1",
                    "--snapshot-digest",
                    &digest,
                    "--record-count",
                    "many",
                ],
                "field `record_count` (--record-count): invalid type: string \"many\"",
            ),
            (
                vec!["review-catalog-entry", "--code", "x", "--decision", "maybe"],
                "field `decision` (--decision): unknown variant `maybe`",
            ),
            (
                vec!["revoke-grant", "--grant", "1", "--reason", "x", "--reason.why", "y"],
                "field `reason` is not an object",
            ),
            (
                vec!["draft-catalog-entry", "--draft-file", "/dev/null"],
                "--draft-file /dev/null: is not JSON",
            ),
        ];

        for (text, expected) in cases {
            let message = error(&text);

            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }

    #[test]
    fn the_help_shows_every_field_with_a_value_that_parses() {
        let listing = list_actions();
        let review = action_forms()
            .into_iter()
            .find(|form| form.tag == "review_catalog_entry")
            .expect("a form");

        let help = parse(&args(&["review-catalog-entry", "--help"])).expect("help");

        assert!(listing.contains("draft-catalog-entry --key <name>"), "{listing}");
        assert!(
            listing.contains("    --action.key "),
            "a field named key is set with --action.key"
        );
        assert_eq!(help, Parsed::Help(review.clone()));
        assert!(review.help().contains("    --code 350200-xm-scjg-0001\n"), "{}", review.help());
        assert_eq!(parse(&args(&["list-actions"])).expect("parses"), Parsed::ListActions);
    }
}
