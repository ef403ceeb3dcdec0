//! The genesis rules. Each check appends a [`Problem`] and carries on, so one run reports every
//! problem in the file (raft-rs style sentences: the field first, then the rule).

use std::collections::{BTreeMap, BTreeSet};

use onebook_types::{
    consortium::Role,
    ids::{OrgId, check_id},
    keys::PublicKey,
    limits::{TEXT_BYTES_MAX, VALIDATORS_MAX, WITNESSES_MAX},
    suite::Suite,
    time::Date,
};

use crate::{GenesisErrors, GenesisFile, GenesisMember, GenesisOrg, Problem, dev_secret_in};

/// Largest total voting power: `ValidatorSet::quorum_power` doubles the total, which must fit
/// in a `u64`.
const TOTAL_POWER_MAX: u64 = u64::MAX / 2;

/// Largest distance of local time from UTC: 14 hours, in minutes.
const UTC_OFFSET_MINUTES_MAX: i16 = 14 * 60;

/// Checks every rule of [`GenesisFile::validate`].
pub(crate) fn validate(file: &GenesisFile) -> Result<(), GenesisErrors> {
    let mut problems = Problems::default();
    if let Err(error) = check_id(file.chain_id.as_str()) {
        problems
            .push("chain_id", format!("is `{}`, which is not a valid id: {error}", file.chain_id));
    }
    let orgs = check_orgs(&mut problems, &file.orgs);
    check_members(&mut problems, file, &orgs);
    check_validators(&mut problems, file, &orgs);
    check_policy(&mut problems, file);
    check_checkpoints(&mut problems, file);
    if problems.0.is_empty() { Ok(()) } else { Err(GenesisErrors { problems: problems.0 }) }
}

/// The problems found so far.
#[derive(Debug, Default)]
struct Problems(Vec<Problem>);

impl Problems {
    /// Records that `field` breaks the rule `rest` describes; the sentence is `field rest`.
    fn push(&mut self, field: impl Into<String>, rest: String) {
        let field = field.into();
        let sentence = format!("{field} {rest}");
        self.0.push(Problem { field, sentence });
    }

    /// Checks a text field: not empty, at most [`TEXT_BYTES_MAX`] bytes.
    fn text(&mut self, field: String, text: &str) {
        if text.trim().is_empty() {
            self.push(field, "is empty; it needs visible text".to_owned());
        } else if text.len() > TEXT_BYTES_MAX {
            let len = text.len();
            self.push(field, format!("is {len} bytes; the limit is {TEXT_BYTES_MAX}"));
        }
    }
}

/// Checks the orgs and returns the index of the first org with each id.
fn check_orgs(problems: &mut Problems, orgs: &[GenesisOrg]) -> BTreeMap<OrgId, usize> {
    let mut index_of: BTreeMap<OrgId, usize> = BTreeMap::new();
    let mut authority_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, org) in orgs.iter().enumerate() {
        if let Err(error) = check_id(org.id.as_str()) {
            problems
                .push(format!("orgs[{i}].id"), format!("`{}` is not a valid id: {error}", org.id));
        }
        if let Some(&first) = index_of.get(&org.id) {
            problems.push(
                format!("orgs[{i}].id"),
                format!("`{}` is already the id of orgs[{first}]; org ids are unique", org.id),
            );
        } else {
            index_of.insert(org.id.clone(), i);
        }
        problems.text(format!("orgs[{i}].name"), &org.name);
        let region = org.region.as_str();
        if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(
                format!("orgs[{i}].region"),
                format!("is `{region}`, which is not a six-digit region code (行政区划代码)"),
            );
        }
        if org.data_authority {
            if let Some(&first) = authority_of.get(region) {
                problems.push(
                    format!("orgs[{i}].data_authority"),
                    format!(
                        "is true, but orgs[{first}] (`{}`) is already the data authority of \
                         region `{region}`; a region has at most one",
                        orgs[first].id
                    ),
                );
            } else {
                authority_of.insert(region, i);
            }
        }
    }
    for (i, org) in orgs.iter().enumerate() {
        if let Some(parent) = &org.parent
            && !index_of.contains_key(parent)
        {
            problems.push(
                format!("orgs[{i}].parent"),
                format!("names `{parent}`, which is not an org in this file"),
            );
        }
    }
    check_parent_cycles(problems, orgs, &index_of);
    index_of
}

/// Reports every org on a cycle of parents. Each org is walked once, so this is linear.
fn check_parent_cycles(
    problems: &mut Problems,
    orgs: &[GenesisOrg],
    index_of: &BTreeMap<OrgId, usize>,
) {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        Unseen,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::Unseen; orgs.len()];
    let mut on_cycle = BTreeSet::new();
    for start in 0..orgs.len() {
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            match marks[i] {
                Mark::Done => break,
                Mark::OnPath => {
                    let from =
                        path.iter().position(|&p| p == i).expect("an OnPath org is on the path");
                    on_cycle.extend(path[from..].iter().copied());
                    break;
                }
                Mark::Unseen => {
                    marks[i] = Mark::OnPath;
                    path.push(i);
                    current =
                        orgs[i].parent.as_ref().and_then(|parent| index_of.get(parent)).copied();
                }
            }
        }
        for i in path {
            marks[i] = Mark::Done;
        }
    }
    for i in on_cycle {
        let parent = orgs[i].parent.as_ref().expect("an org on a cycle has a parent");
        problems.push(
            format!("orgs[{i}].parent"),
            format!(
                "names `{parent}`, whose chain of parents leads back to `{}`; the hierarchy \
                 must have no cycle",
                orgs[i].id
            ),
        );
    }
}

/// Checks the members, and that every org has an admin.
fn check_members(problems: &mut Problems, file: &GenesisFile, orgs: &BTreeMap<OrgId, usize>) {
    let mut index_of: BTreeMap<PublicKey, usize> = BTreeMap::new();
    let mut orgs_with_admin = BTreeSet::new();
    for (i, member) in file.members.iter().enumerate() {
        if file.suite.check_key(&member.key).is_err() {
            problems.push(format!("members[{i}].key"), file.suite.key_rule().to_owned());
        }
        if let Some(&first) = index_of.get(&member.key) {
            problems.push(
                format!("members[{i}].key"),
                format!(
                    "`{}` is already the key of members[{first}]; member keys are unique",
                    member.key
                ),
            );
        } else {
            index_of.insert(member.key, i);
        }
        if !orgs.contains_key(&member.org) {
            problems.push(
                format!("members[{i}].org"),
                format!("names `{}`, which is not an org in this file", member.org),
            );
        }
        problems.text(format!("members[{i}].name"), &member.name);
        check_roles(problems, i, &member.roles);
        if member.roles.contains(&Role::OrgAdmin) {
            orgs_with_admin.insert(&member.org);
        }
        check_dev_label(problems, (file.dev_only, file.suite), i, member);
    }
    for (i, org) in file.orgs.iter().enumerate() {
        if !orgs_with_admin.contains(&org.id) {
            problems.push(
                format!("orgs[{i}]"),
                format!(
                    "(`{}`) has no member with the org-admin role; every org needs an admin to \
                     grant roles",
                    org.id
                ),
            );
        }
    }
}

/// Checks a member's roles: at least one, sorted, each once.
fn check_roles(problems: &mut Problems, i: usize, roles: &[Role]) {
    if roles.is_empty() {
        problems.push(format!("members[{i}].roles"), "is empty; a member needs a role".to_owned());
    } else if !roles.windows(2).all(|pair| pair[0] < pair[1]) {
        problems.push(
            format!("members[{i}].roles"),
            "must be sorted without duplicates, in the order org-admin, catalog-clerk, \
             share-approver, data-user, registrar, auditor"
                .to_owned(),
        );
    }
}

/// Checks a member's dev label: allowed on dev networks only, and it must derive the key.
fn check_dev_label(
    problems: &mut Problems,
    (dev_only, suite): (bool, Suite),
    i: usize,
    member: &GenesisMember,
) {
    let Some(label) = &member.dev_label else { return };
    let field = format!("members[{i}].dev_label");
    check_label(problems, (dev_only, suite), &field, label, member.key);
}

/// Checks the dev label `label` at `field` of a key: only on dev networks, and naming `key`.
fn check_label(
    problems: &mut Problems,
    (dev_only, suite): (bool, Suite),
    field: &str,
    label: &str,
    key: PublicKey,
) {
    if !dev_only {
        problems.push(
            field,
            "is set, but dev_only is false; dev keys are public, so only dev networks may use them"
                .to_owned(),
        );
        return;
    }
    problems.text(field.to_owned(), label);
    let expected = dev_secret_in(suite, label).public_key();
    if key != expected {
        let key_field =
            field.strip_suffix("dev_label").map_or(field.to_owned(), |f| f.to_owned() + "key");
        problems.push(
            key_field,
            format!("is not the dev key of its dev_label `{label}`, which is `{expected}`"),
        );
    }
}

/// Checks the validators: their number, keys, orgs and power.
fn check_validators(problems: &mut Problems, file: &GenesisFile, orgs: &BTreeMap<OrgId, usize>) {
    let count = file.validators.len();
    if count == 0 {
        problems.push("validators", "is empty; a chain needs at least one validator".to_owned());
    } else if count > VALIDATORS_MAX {
        problems.push("validators", format!("lists {count}; the limit is {VALIDATORS_MAX}"));
    }
    let mut index_of: BTreeMap<PublicKey, usize> = BTreeMap::new();
    let mut total_power: Option<u64> = Some(0);
    for (i, validator) in file.validators.iter().enumerate() {
        if file.suite.check_key(&validator.node_key).is_err() {
            problems.push(format!("validators[{i}].node_key"), file.suite.key_rule().to_owned());
        }
        if let Some(&first) = index_of.get(&validator.node_key) {
            problems.push(
                format!("validators[{i}].node_key"),
                format!(
                    "`{}` is already the node key of validators[{first}]; node keys are unique",
                    validator.node_key
                ),
            );
        } else {
            index_of.insert(validator.node_key, i);
        }
        if !orgs.contains_key(&validator.org) {
            problems.push(
                format!("validators[{i}].org"),
                format!("names `{}`, which is not an org in this file", validator.org),
            );
        }
        if validator.power == 0 {
            problems.push(format!("validators[{i}].power"), "is 0; it must be positive".to_owned());
        }
        total_power = total_power.and_then(|total| total.checked_add(validator.power));
    }
    if total_power.is_none_or(|total| total > TOTAL_POWER_MAX) {
        problems.push(
            "validators",
            format!("have a total power over {TOTAL_POWER_MAX}; the quorum would overflow a u64"),
        );
    }
}

/// Checks the policy: deadlines, offset, calendar and legal-basis registry.
fn check_policy(problems: &mut Problems, file: &GenesisFile) {
    let policy = &file.policy;
    let positive = [
        ("catalog_update_working_days", u32::from(policy.catalog_update_working_days)),
        (
            "resource_registration_working_days",
            u32::from(policy.resource_registration_working_days),
        ),
        ("share_answer_working_days", u32::from(policy.share_answer_working_days)),
        ("correction_working_days", u32::from(policy.correction_working_days)),
        ("public_notice_days", u32::from(policy.public_notice_days)),
        ("grant_term_days_max", policy.grant_term_days_max),
    ];
    for (name, value) in positive {
        if value == 0 {
            problems.push(format!("policy.{name}"), "is 0; it must be positive".to_owned());
        }
    }
    let offset = policy.utc_offset_minutes;
    if !(-UTC_OFFSET_MINUTES_MAX..=UTC_OFFSET_MINUTES_MAX).contains(&offset) {
        problems.push(
            "policy.utc_offset_minutes",
            format!("is {offset}; it must be within ±{UTC_OFFSET_MINUTES_MAX} (14 hours)"),
        );
    }
    check_sorted_dates(problems, "policy.holidays", &policy.holidays);
    check_sorted_dates(problems, "policy.makeup_workdays", &policy.makeup_workdays);
    for (i, &day) in policy.makeup_workdays.iter().enumerate() {
        if !day.is_weekend() {
            problems.push(
                format!("policy.makeup_workdays[{i}]"),
                format!("is {day}, a weekday; a make-up workday is a Saturday or Sunday"),
            );
        }
        if policy.holidays.contains(&day) {
            problems.push(
                format!("policy.makeup_workdays[{i}]"),
                format!("is {day}, which is also in policy.holidays; a day cannot be both"),
            );
        }
    }
    for (i, basis) in policy.legal_bases.iter().enumerate() {
        if let Err(error) = check_id(basis.code.as_str()) {
            problems.push(
                format!("policy.legal_bases[{i}].code"),
                format!("`{}` is not a valid id: {error}", basis.code),
            );
        }
        if i > 0 && policy.legal_bases[i - 1].code >= basis.code {
            problems.push(
                format!("policy.legal_bases[{i}].code"),
                format!(
                    "`{}` does not come after `{}`; legal bases are sorted by code, each once",
                    basis.code,
                    policy.legal_bases[i - 1].code
                ),
            );
        }
        problems.text(format!("policy.legal_bases[{i}].title"), &basis.title);
    }
}

/// Checks the checkpoint policy: the interval, the witnesses' keys, names and dev labels, and a
/// threshold the witnesses can reach.
fn check_checkpoints(problems: &mut Problems, file: &GenesisFile) {
    let checkpoints = &file.checkpoints;
    if checkpoints.interval == 0 {
        problems.push("checkpoints.interval", "is 0; it must be positive".to_owned());
    }
    let count = checkpoints.witnesses.len();
    if count > WITNESSES_MAX {
        problems
            .push("checkpoints.witnesses", format!("lists {count}; the limit is {WITNESSES_MAX}"));
    }
    let mut index_of: BTreeMap<PublicKey, usize> = BTreeMap::new();
    for (i, witness) in checkpoints.witnesses.iter().enumerate() {
        if file.suite.check_key(&witness.key).is_err() {
            problems
                .push(format!("checkpoints.witnesses[{i}].key"), file.suite.key_rule().to_owned());
        }
        if let Some(&first) = index_of.get(&witness.key) {
            problems.push(
                format!("checkpoints.witnesses[{i}].key"),
                format!(
                    "`{}` is already the key of witnesses[{first}]; keys are unique",
                    witness.key
                ),
            );
        } else {
            index_of.insert(witness.key, i);
        }
        problems.text(format!("checkpoints.witnesses[{i}].name"), &witness.name);
        if let Some(label) = &witness.dev_label {
            let field = format!("checkpoints.witnesses[{i}].dev_label");
            check_label(problems, (file.dev_only, file.suite), &field, label, witness.key);
        }
    }
    let threshold = usize::from(checkpoints.threshold);
    if count == 0 && threshold != 0 {
        problems.push(
            "checkpoints.threshold",
            format!("is {threshold} with no witnesses; it must be 0, or witnesses listed"),
        );
    } else if count > 0 && !(1..=count).contains(&threshold) {
        problems.push(
            "checkpoints.threshold",
            format!("is {threshold}; it must be between 1 and the {count} witnesses"),
        );
    }
}

/// Checks that `dates` is strictly increasing.
fn check_sorted_dates(problems: &mut Problems, field: &str, dates: &[Date]) {
    for (i, pair) in dates.windows(2).enumerate() {
        if pair[0] >= pair[1] {
            problems.push(
                format!("{field}[{}]", i + 1),
                format!(
                    "is {}, which does not come after {}; dates are sorted, each once",
                    pair[1], pair[0]
                ),
            );
        }
    }
}
