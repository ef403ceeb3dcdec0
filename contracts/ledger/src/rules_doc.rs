//! Keeps `docs/rules.md` true to the code.
//!
//! The document's action tables have rows `` | `action` | who may sign | rejections | ``, where
//! the roles that may sign are written in backticks (`` `org-admin` ``) and the rejections as
//! `` `Name` (code) ``; the row `` | every action | ... | ... | `` lists the admission checks
//! every tx passes. The checks here hold the document to the code: every action has one row,
//! every code is listed under its real name, every reach of a code (see `crate::reach`) is
//! listed under the action that reached it, a member without the roles a row names is
//! refused with `RoleMissing`, while one is never refused for its role where a row names none,
//! and the table `` | code | `Name` | sentence | `` gives every code, in order, the sentence
//! [`Rejection::sentence`] says (the one `onebook tx` prints for a refusal).

use std::collections::BTreeMap;

use onebook_types::{action::Action, consortium::Role, rejection::Rejection, samples};

use crate::{
    reach::{UNREACHABLE, reach},
    testkit::{Chain, Reach, refusal},
};

/// `docs/rules.md`, read at compile time so a stale document cannot pass.
const RULES_MD: &str = include_str!("../../../docs/rules.md");

/// The row name of the admission checks every tx passes.
const EVERY_ACTION: &str = "every action";

/// One table row of the document.
#[derive(Debug)]
struct Row {
    line: usize,
    roles: Vec<Role>,
    rejections: Vec<Rejection>,
}

/// The action's name as the JSON API and the document spell it (its serde tag).
fn tag(action: &Action) -> String {
    let json = serde_json::to_value(action).expect("actions serialize");
    json["type"].as_str().expect("actions are tagged by `type`").to_owned()
}

fn role_named(name: &str) -> Option<Role> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// The backticked words of `cell`.
fn backticked(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// Parses `` `Name` (code) `` items; every one must name its code truly.
fn rejections(cell: &str, line: usize) -> Vec<Rejection> {
    let mut found = Vec::new();
    let mut rest = cell;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let end = after.find('`').unwrap_or_else(|| panic!("rules.md:{line}: unclosed backtick"));
        let name = &after[..end];
        let tail = after[end + 1..].trim_start();
        let code: u16 = tail
            .strip_prefix('(')
            .and_then(|t| t.split_once(')'))
            .and_then(|(code, _)| code.parse().ok())
            .unwrap_or_else(|| panic!("rules.md:{line}: `{name}` is not followed by `(code)`"));
        let rejection = Rejection::from_code(code)
            .unwrap_or_else(|| panic!("rules.md:{line}: no rejection has code {code}"));
        assert_eq!(rejection.name(), name, "rules.md:{line}: code {code} is not named {name}");
        found.push(rejection);
        rest = &after[end + 1..];
    }
    found
}

/// Every action row of the document, by action tag (or [`EVERY_ACTION`]).
fn rows() -> BTreeMap<String, Row> {
    let mut rows = BTreeMap::new();
    for (index, text) in RULES_MD.lines().enumerate() {
        let line = index + 1;
        let cells: Vec<&str> = text.split('|').map(str::trim).collect();
        // `| a | b | c |` splits into ["", a, b, c, ""].
        if cells.len() != 5 || !cells[0].is_empty() || !cells[4].is_empty() {
            continue;
        }
        let name = match backticked(cells[1]).as_slice() {
            [name] if cells[1] == format!("`{name}`") => (*name).to_owned(),
            _ if cells[1] == EVERY_ACTION => EVERY_ACTION.to_owned(),
            _ => continue,
        };
        let roles = backticked(cells[2]).into_iter().filter_map(role_named).collect();
        let row = Row { line, roles, rejections: rejections(cells[3], line) };
        if let Some(previous) = rows.insert(name.clone(), row) {
            panic!("rules.md:{line}: `{name}` has a row already at line {}", previous.line);
        }
    }
    rows
}

#[test]
fn every_action_has_one_row_and_every_row_an_action() {
    let rows = rows();
    let mut documented: Vec<&str> =
        rows.keys().map(String::as_str).filter(|name| *name != EVERY_ACTION).collect();
    let mut actions: Vec<String> = samples::sample_actions().iter().map(tag).collect();

    documented.sort_unstable();
    actions.sort();

    assert!(rows.contains_key(EVERY_ACTION), "rules.md has no `every action` row");
    assert_eq!(documented, actions);
}

#[test]
fn every_code_is_documented_and_each_reach_under_its_action() {
    let rows = rows();
    let every = &rows[EVERY_ACTION];
    let documented: Vec<Rejection> = rows.values().flat_map(|row| row.rejections.clone()).collect();
    let mut missing = Vec::new();
    let mut misplaced = Vec::new();

    for &rejection in Rejection::ALL {
        let reserved = UNREACHABLE.iter().any(|(code, _)| *code == rejection);
        if !reserved && !documented.contains(&rejection) {
            missing.push(rejection);
        }
        let Some(Reach { tx, .. }) = reach(rejection) else { continue };
        let action = tag(&tx.body().action);
        let listed = rows.get(&action).is_some_and(|row| row.rejections.contains(&rejection));
        if !listed && !every.rejections.contains(&rejection) {
            misplaced.push((rejection, action));
        }
    }

    assert!(missing.is_empty(), "codes rules.md does not list: {missing:?}");
    assert!(misplaced.is_empty(), "reached by an action whose row omits it: {misplaced:?}");
}

/// The rows `| code | `Name` | sentence |` of the rejection-code table, in document order.
fn sentences() -> Vec<(usize, u16, String, String)> {
    let mut found = Vec::new();
    for (index, text) in RULES_MD.lines().enumerate() {
        let cells: Vec<&str> = text.split('|').map(str::trim).collect();
        if cells.len() != 5 || !cells[0].is_empty() || !cells[4].is_empty() {
            continue;
        }
        let names = backticked(cells[2]);
        let (Ok(code), [name]) = (cells[1].parse::<u16>(), names.as_slice()) else { continue };
        found.push((index + 1, code, (*name).to_owned(), cells[3].to_owned()));
    }
    found
}

#[test]
fn every_code_has_its_sentence_once_in_code_order() {
    let rows = sentences();
    let listed: Vec<u16> = rows.iter().map(|(_, code, ..)| *code).collect();
    let codes: Vec<u16> = Rejection::ALL.iter().map(|rejection| rejection.code()).collect();

    assert_eq!(listed, codes, "rules.md's rejection codes are not Rejection::ALL in order");
    for (line, code, name, sentence) in rows {
        let rejection = Rejection::from_code(code).expect("listed codes exist");
        assert_eq!(name, rejection.name(), "rules.md:{line}: code {code}");
        assert_eq!(sentence, rejection.sentence(), "rules.md:{line}: the sentence of {name}");
    }
}

#[test]
fn the_roles_a_row_names_are_the_roles_the_executor_demands() {
    let rows = rows();
    // The dev auditor holds only the auditor role, which no action needs but `publish_report`;
    // that one is signed by a share approver, who holds another role only.
    let auditor = "xm-dsj/auditor";
    let approver = "xm-dsj/share-approver";
    let mut wrong = Vec::new();

    for action in samples::sample_actions() {
        let name = tag(&action);
        let row = &rows[&name];
        let mut chain = Chain::dev();
        let signer = if row.roles.contains(&Role::Auditor) { approver } else { auditor };
        let receipt = chain.run(signer, action);
        let role_missing = refusal(&receipt) == Some(Rejection::RoleMissing);
        if row.roles.is_empty() == role_missing {
            wrong.push(format!("rules.md:{} `{name}`: roles {:?}", row.line, row.roles));
        }
    }

    assert!(wrong.is_empty(), "rows whose roles the executor contradicts:\n{}", wrong.join("\n"));
}
