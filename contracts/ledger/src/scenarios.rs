//! Data-driven scenarios: the files in `contracts/ledger/scenarios/*.scn`, run through the
//! executor on the dev network. Each file is written for an auditor to read; its format:
//!
//! ```text
//! # A comment. Blank lines are ignored.
//! at 2026-09-29 09:00                       the next block's local time (UTC+8 on the dev
//!                                           network); later blocks follow one second apart
//! xm-gaj/admin: {"type": "record_duty_change", "description": "..."}
//! => accepted obligation.opened             the tx, alone in a block, signed by a dev key at
//!                                           its next nonce; the event kinds, if given, are
//!                                           the receipt's, in order
//! => refused CatalogEntryNotDraft           or the rule it breaks
//! check obligation 1 status.status = "open" a field of a record in the state, as JSON
//! check overdue obligation 1 at 2026-10-15 00:00 = true
//! check overdue obligations of xm-scjg at 2026-10-15 00:00 = [1]
//! ```
//!
//! Record kinds: `org`, `member` (by dev label), `proposal`, `catalog_entry`, `resource`,
//! `obligation`, `share_request`, `grant`, `access_event`, `violation`, `quality_report`,
//! `application`, `objection`, `certificate`, `close_out` and `grant_lineage` (by grant id),
//! `open_data_plan`, `scenario`, `development_grant`, `product` (by digest, hex),
//! `resource_products` and `published_report`.
//!
//! In an action's JSON, a string `"@label"` stands for the public key of the dev key `label`,
//! and `"time:2026-10-31 23:59"` for that local time as a block timestamp (milliseconds).

use std::path::Path;

use onebook_types::{
    action::Action,
    catalog_records::{CatalogEntry, Obligation, Resource},
    consortium::{Member, Org},
    development_records::{
        DevelopedProduct, DevelopmentGrant, DevelopmentScenario, OpenDataPlan, ResourceProducts,
    },
    hash::Hash32,
    ids::{
        AccessEventId, ApplicationId, CatalogCode, CertificateNumber, DevelopmentGrantId, GrantId,
        ObjectionId, ObligationId, OpenDataPlanId, OrgId, ProposalId, QualityReportId, ResourceId,
        ScenarioId, ShareRequestId, Timestamp, ViolationId,
    },
    lifecycle_records::{GrantCloseOut, GrantLineage},
    property_records::{Certificate, Objection, PropertyApplication},
    quality_records::QualityReport,
    record::RecordKey,
    records::Proposal,
    rejection::Rejection,
    sharing_records::{AccessEvent, Grant, ShareRequest, Violation},
    time::Date,
};
use serde_json::Value;

use crate::{
    catalog::is_overdue,
    obligations::overdue_obligations,
    ports::{MemState, load},
    testkit::{Chain, public},
};

/// The dev network's offset from UTC, in minutes.
const UTC_OFFSET_MINUTES: i16 = 480;

/// The block timestamp of a local time `YYYY-MM-DD HH:MM`.
fn local_time(text: &str) -> Result<Timestamp, String> {
    let (day, clock) = text.trim().split_once(' ').ok_or("expected `YYYY-MM-DD HH:MM`")?;
    let day: Date = day.parse().map_err(|error| format!("bad date {day:?}: {error}"))?;
    let (hours, minutes) = clock.split_once(':').ok_or("expected `HH:MM`")?;
    let hours: u64 = hours.parse().map_err(|_| format!("bad hour {hours:?}"))?;
    let minutes: u64 = minutes.parse().map_err(|_| format!("bad minute {minutes:?}"))?;
    if hours > 23 || minutes > 59 {
        return Err(format!("no such time {clock:?}"));
    }
    let midnight = day.start(UTC_OFFSET_MINUTES).0;
    Ok(Timestamp(midnight + (hours * 60 + minutes) * 60_000))
}

/// Replaces `"@label"` and `"time:..."` strings inside an action's JSON.
fn substitute(value: &mut Value) -> Result<(), String> {
    match value {
        Value::String(text) => {
            if let Some(label) = text.strip_prefix('@') {
                *value = Value::String(public(label).to_string());
            } else if let Some(time) = text.strip_prefix("time:") {
                *value = Value::from(local_time(time)?.0);
            }
        }
        Value::Array(items) => items.iter_mut().try_for_each(substitute)?,
        Value::Object(fields) => fields.values_mut().try_for_each(substitute)?,
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// The record `kind` with `id` in `state`, as JSON.
fn record(state: &MemState, kind: &str, id: &str) -> Result<Value, String> {
    fn json<T: serde::Serialize>(record: Option<T>) -> Result<Value, String> {
        let record = record.ok_or("no such record")?;
        serde_json::to_value(record).map_err(|error| error.to_string())
    }
    let number = || id.parse::<u64>().map_err(|_| format!("{kind} ids are numbers, not {id:?}"));
    match kind {
        "org" => json(load::<Org>(state, &RecordKey::Org(OrgId::from(id)))),
        "member" => json(load::<Member>(state, &RecordKey::Member(public(id)))),
        "proposal" => json(load::<Proposal>(state, &RecordKey::Proposal(ProposalId(number()?)))),
        "catalog_entry" => {
            json(load::<CatalogEntry>(state, &RecordKey::CatalogEntry(CatalogCode::from(id))))
        }
        "resource" => json(load::<Resource>(state, &RecordKey::Resource(ResourceId(number()?)))),
        "obligation" => {
            json(load::<Obligation>(state, &RecordKey::Obligation(ObligationId(number()?))))
        }
        "share_request" => {
            json(load::<ShareRequest>(state, &RecordKey::ShareRequest(ShareRequestId(number()?))))
        }
        "grant" => json(load::<Grant>(state, &RecordKey::Grant(GrantId(number()?)))),
        "access_event" => {
            json(load::<AccessEvent>(state, &RecordKey::AccessEvent(AccessEventId(number()?))))
        }
        "violation" => {
            json(load::<Violation>(state, &RecordKey::Violation(ViolationId(number()?))))
        }
        "quality_report" => json(load::<QualityReport>(
            state,
            &RecordKey::QualityReport(QualityReportId(number()?)),
        )),
        "application" => json(load::<PropertyApplication>(
            state,
            &RecordKey::Application(ApplicationId(number()?)),
        )),
        "objection" => {
            json(load::<Objection>(state, &RecordKey::Objection(ObjectionId(number()?))))
        }
        "certificate" => {
            json(load::<Certificate>(state, &RecordKey::Certificate(CertificateNumber::from(id))))
        }
        "close_out" => {
            json(load::<GrantCloseOut>(state, &RecordKey::GrantCloseOut(GrantId(number()?))))
        }
        "open_data_plan" => {
            json(load::<OpenDataPlan>(state, &RecordKey::OpenDataPlan(OpenDataPlanId(number()?))))
        }
        "scenario" => {
            json(load::<DevelopmentScenario>(state, &RecordKey::Scenario(ScenarioId(number()?))))
        }
        "development_grant" => json(load::<DevelopmentGrant>(
            state,
            &RecordKey::DevelopmentGrant(DevelopmentGrantId(number()?)),
        )),
        "product" => {
            let digest = Hash32::from_hex(id).map_err(|_| format!("bad digest {id:?}"))?;
            json(load::<DevelopedProduct>(state, &RecordKey::Product(digest)))
        }
        "resource_products" => json(load::<ResourceProducts>(
            state,
            &RecordKey::ResourceProducts(ResourceId(number()?)),
        )),
        "grant_lineage" => {
            json(load::<GrantLineage>(state, &RecordKey::GrantLineage(GrantId(number()?))))
        }
        "published_report" => json(load::<onebook_types::report_records::PublishedReport>(
            state,
            &RecordKey::PublishedReport(onebook_types::ids::PublishedReportId(number()?)),
        )),
        _ => Err(format!("unknown record kind {kind:?}")),
    }
}

/// The value at a dotted `path` (`status.status`, `versions.0.number`) inside `value`.
fn field<'v>(value: &'v Value, path: &str) -> Result<&'v Value, String> {
    path.split('.').try_fold(value, |value, step| {
        let next = match value {
            Value::Array(items) => step.parse::<usize>().ok().and_then(|index| items.get(index)),
            _ => value.get(step),
        };
        next.ok_or_else(|| format!("no field {step:?} in {value}"))
    })
}

/// A scenario being run: the chain, the next block's time, the tx awaiting its outcome line.
struct Run {
    chain: Chain,
    next_time: Timestamp,
    pending: Option<onebook_types::block::Receipt>,
}

impl Run {
    fn new() -> Self {
        let chain = Chain::dev();
        let next_time = chain.context().time;
        Self { chain, next_time, pending: None }
    }

    fn tx(&mut self, label: &str, json: &str) -> Result<(), String> {
        if self.pending.is_some() {
            return Err("the previous tx has no `=>` outcome line".into());
        }
        let mut value: Value =
            serde_json::from_str(json).map_err(|error| format!("action is not JSON: {error}"))?;
        substitute(&mut value)?;
        let action: Action =
            serde_json::from_value(value).map_err(|error| format!("not an action: {error}"))?;
        self.pending = Some(self.chain.run_at(self.next_time, label, action));
        self.next_time = Timestamp(self.next_time.0 + 1_000);
        Ok(())
    }

    fn outcome(&mut self, expected: &str) -> Result<(), String> {
        let receipt = self.pending.take().ok_or("an outcome line without a tx before it")?;
        let mut words = expected.split_whitespace();
        match words.next() {
            Some("accepted") => {
                if let Some(rejection) = receipt.rejection() {
                    return Err(format!("refused with {rejection:?} ({})", rejection.code()));
                }
                let kinds: Vec<&str> = words.collect();
                let got: Vec<&str> = receipt.events.iter().map(|e| e.kind.as_str()).collect();
                if !kinds.is_empty() && kinds != got {
                    return Err(format!("events were {got:?}, not {kinds:?}"));
                }
                Ok(())
            }
            Some("refused") => {
                let name = words.next().ok_or("`refused` names the rejection")?;
                let want = Rejection::ALL
                    .iter()
                    .find(|rejection| rejection.name() == name)
                    .ok_or_else(|| format!("no rejection is named {name:?}"))?;
                match receipt.rejection() {
                    Some(got) if got == *want => Ok(()),
                    Some(got) => Err(format!("refused with {got:?}, not {want:?}")),
                    None => Err(format!("accepted, not refused with {want:?}")),
                }
            }
            _ => Err("an outcome is `accepted [event kinds]` or `refused <Rejection>`".into()),
        }
    }

    fn check(&self, text: &str) -> Result<(), String> {
        let (subject, expected) =
            text.split_once(" = ").ok_or("a check is `<subject> = <json>`")?;
        let expected: Value = serde_json::from_str(expected.trim())
            .map_err(|error| format!("expected value is not JSON: {error}"))?;
        let got = if let Some(rest) = subject.strip_prefix("overdue obligation ") {
            let (id, time) =
                rest.split_once(" at ").ok_or("`overdue obligation <id> at <time>`")?;
            let id = ObligationId(id.trim().parse().map_err(|_| format!("bad id {id:?}"))?);
            let obligation: Obligation =
                load(&self.chain.state, &RecordKey::Obligation(id)).ok_or("no such obligation")?;
            Value::Bool(is_overdue(&obligation, local_time(time)?))
        } else if let Some(rest) = subject.strip_prefix("overdue obligations of ") {
            let (org, time) =
                rest.split_once(" at ").ok_or("`overdue obligations of <org> at <time>`")?;
            let overdue =
                overdue_obligations(&self.chain.state, &OrgId::from(org.trim()), local_time(time)?);
            overdue.iter().map(|obligation| obligation.id.0).collect::<Vec<u64>>().into()
        } else {
            let mut words = subject.splitn(3, ' ');
            let (Some(kind), Some(id), Some(path)) = (words.next(), words.next(), words.next())
            else {
                return Err("a check is `check <kind> <id> <field> = <json>`".into());
            };
            field(&record(&self.chain.state, kind, id)?, path.trim())?.clone()
        };
        if got == expected { Ok(()) } else { Err(format!("{subject} is {got}, not {expected}")) }
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        if let Some(time) = line.strip_prefix("at ") {
            self.next_time = local_time(time)?;
            Ok(())
        } else if let Some(expected) = line.strip_prefix("=>") {
            self.outcome(expected.trim())
        } else if let Some(check) = line.strip_prefix("check ") {
            self.check(check)
        } else if let Some((label, json)) = line.split_once(": ") {
            self.tx(label.trim(), json)
        } else {
            Err("expected `at`, `<label>: <action>`, `=> ...` or `check ...`".into())
        }
    }
}

/// Runs the scenario `text`; the error names the line that failed.
fn run(text: &str) -> Result<usize, String> {
    let mut run = Run::new();
    let mut steps = 0;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        run.line(line).map_err(|error| format!("line {}: {error}\n  {raw}", number + 1))?;
        steps += 1;
    }
    if run.pending.is_some() {
        return Err("the last tx has no `=>` outcome line".into());
    }
    Ok(steps)
}

#[test]
fn every_scenario_file_runs_as_written() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the scenarios folder exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "scn"))
        .collect();
    files.sort();

    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable scenario");
        match run(&text) {
            Ok(steps) => assert!(steps > 0, "{} has no steps", path.display()),
            Err(error) => failures.push(format!("{}: {error}", path.display())),
        }
    }

    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(files.len() >= 3, "expected at least three scenarios, found {}", files.len());
}

#[test]
fn a_wrong_expectation_fails_with_its_line() {
    let scenario = "xm-dsj/catalog-clerk: {\"type\": \"revoke_member\", \"key\": \"@xm-dsj/auditor\", \"reason\": \"x\"}\n=> accepted\n";

    let error = run(scenario).expect_err("a clerk cannot revoke");

    assert!(error.starts_with("line 2: refused with RoleMissing"), "{error}");
}
