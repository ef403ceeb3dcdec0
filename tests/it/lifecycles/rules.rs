//! The rules that hold across the consortium, over HTTP against four node processes, and as a
//! clerk meets them through the `onebook` command:
//!
//! - one authoritative source per data element (一数一源) across orgs: xm-scjg's entry cannot
//!   claim the element xm-gaj's resource is the source of, and the refusal names the holder;
//! - an item-scoped grant: an access inside it is covered, one to an item it does not name is a
//!   violation of its own reason (`item-out-of-scope`);
//! - a request on a not-shared entry is refused in its own block, citing the entry's basis;
//! - a licence whose parent is cancelled reads `parent cancelled` in the API and in
//!   `onebook verify-proof` of a bundle fetched with `onebook proof --node`;
//! - a refused tx is one sentence on the command line, with no source path.

use std::{path::Path, process::Command};

use onebook_types::{
    action::{
        AccessDraft, AccessOperation, Action, CatalogEntryDraft, DataItem, GovernanceChange, Grade,
        OpenType, PolicyParameter, PropertyApplicationDraft, PropertySubject, ResourceDraft,
        ReviewDecision, RightKind, ShareAnswer, ShareRequestDraft, ShareType,
    },
    ids::{
        ApplicationId, CatalogCode, CertificateNumber, GrantId, LegalBasisCode, OrgId, ProposalId,
        ResourceId, ShareRequestId, SystemId, Timestamp,
    },
    time::Date,
};
use serde_json::Value;

use onebook_types::suite::Suite;

use super::{Ledger, digest, key, publish};

/// A day of block time every ten seconds, so a one-day public notice ends within seconds.
const CLOCK_RATE: u32 = 8_640;
const POLICE: &str = "xm-gaj";
const MARKET: &str = "xm-scjg";
/// The trading platform's data user: the requester and gateway of these tests.
const PLATFORM: &str = "xm-jypt/data-user";

/// An item following `element`, personal information or not.
fn item(name: &str, element: &str, personal: bool) -> DataItem {
    DataItem {
        name: name.to_owned(),
        data_element: element.to_owned(),
        personal_information: personal,
        sensitivity: if personal { Grade::Important } else { Grade::General },
    }
}

fn draft(name: &str, items: Vec<DataItem>, share_type: ShareType) -> CatalogEntryDraft {
    CatalogEntryDraft {
        name: name.to_owned(),
        description: format!("{name}（一本账规则测试）"),
        items,
        classification: "测试/规则".to_owned(),
        grade: Grade::Important,
        security_level: 3,
        share_type,
        open_type: OpenType::NotOpen,
        update_frequency: "daily".to_owned(),
        system: SystemId::from("rules-system"),
    }
}

fn resource(entry: &CatalogCode, items: &[&str], authoritative: bool) -> Action {
    Action::RegisterResource {
        entry: entry.clone(),
        draft: ResourceDraft {
            system: SystemId::from("rules-system"),
            snapshot_digest: digest(&format!("{entry}/{items:?}")),
            record_count: 10_000,
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            authoritative,
        },
    }
}

fn request(entry: &CatalogCode, items: &[&str], today: Date) -> Action {
    Action::RequestShare {
        draft: ShareRequestDraft {
            entry: entry.clone(),
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            purpose: "交易主体身份核验".to_owned(),
            legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
            starts: today,
            ends: Date(today.0 + 179),
            exception: false,
        },
    }
}

fn access(suite: Suite, grant: GrantId, resource: ResourceId, item: &str, n: u64) -> AccessDraft {
    AccessDraft {
        grant: Some(grant),
        member: key(suite, PLATFORM),
        resource,
        items: vec![item.to_owned()],
        operation: AccessOperation::Query,
        record_count: n,
        request_digest: digest(&format!("rules/access-{n}")),
        accessed_at: Timestamp(1_800_000_000_000 + n),
    }
}

/// What the `onebook` command printed and how it ended.
struct Run {
    stdout: String,
    stderr: String,
    status: Option<i32>,
}

/// Runs the `onebook` command with `args`; never its `RUST_BACKTRACE`, so a refusal must not
/// need one to read well.
fn onebook(args: &[&str]) -> Run {
    let output = Command::new(crate::node_binary())
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the onebook command runs");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        status: output.status.code(),
    }
}

/// Runs `onebook --home <home> <args>` and expects it to succeed; its stdout.
fn succeed(home: &str, args: &[&str]) -> String {
    let run = onebook(&[&["--home", home], args].concat());
    assert_eq!(run.status, Some(0), "onebook {args:?}: {}{}", run.stdout, run.stderr);
    run.stdout
}

/// Whether `line` is a log line (`<RFC 3339 time> <LEVEL> ...`), such as the dev network's
/// warning about a plain key file, rather than what the command itself printed.
fn is_log_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let time = words.next().unwrap_or_default();
    let level = words.next().unwrap_or_default();
    time.starts_with(|c: char| c.is_ascii_digit())
        && time.contains('T')
        && ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&level)
}

/// Runs `onebook --home <home> tx ...` that is meant to be refused: what it printed on stdout
/// (the tx hash, if the node admitted it) and its stderr but log lines, checked to be one line
/// with no source path.
fn refused(home: &str, args: &[&str]) -> (String, String) {
    let run = onebook(&[&["--home", home, "tx"], args, &["--wait", "60"]].concat());
    assert_eq!(run.status, Some(1), "onebook tx {args:?}: {}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains(".rs:") && !run.stderr.contains("Location"), "{}", run.stderr);
    let printed: Vec<&str> = run.stderr.lines().filter(|line| !is_log_line(line)).collect();
    assert_eq!(printed.len(), 1, "one line: {}", run.stderr);
    (run.stdout.trim().to_owned(), printed[0].to_owned())
}

fn receipt_events(receipt: &Value) -> Vec<&str> {
    receipt["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

fn attribute<'a>(receipt: &'a Value, kind: &str, name: &str) -> Option<&'a str> {
    let events = receipt["events"].as_array()?;
    let event = events.iter().find(|event| event["kind"] == kind)?;
    let pairs = event["attributes"].as_array()?;
    pairs.iter().find(|pair| pair[0] == name).and_then(|pair| pair[1].as_str())
}

#[test]
fn rules_hold_across_the_consortium_over_http_and_the_command_line() {
    rules_hold_across_the_consortium_over_http_and_the_command_line_in(Suite::Ed25519Blake3);
}

/// As [`rules_hold_across_the_consortium_over_http_and_the_command_line`], on a chain of `suite`.
pub(super) fn rules_hold_across_the_consortium_over_http_and_the_command_line_in(suite: Suite) {
    let ledger = Ledger::start_clocked_in(suite, CLOCK_RATE);
    let node = &ledger.net.nodes[0];
    let home = node.home.to_str().unwrap().to_owned();
    for label in [PLATFORM, "xm-gaj/share-approver", "xm-scjg/catalog-clerk"] {
        succeed(&home, &["keys", "generate", "--name", label, "--dev-label", label]);
    }
    let today = || Date::of_timestamp(Timestamp(ledger.now()), 480);

    // 一数一源 across orgs: the police bureau's resource is the source of DE-GA-0002 (公民身份号码);
    // market regulation's entry follows the same element and cannot claim it too.
    let people = draft(
        "常住人口信息",
        vec![
            item("公民身份号码", "DE-GA-0002", true),
            item("姓名", "DE-GA-0001", true),
            item("性别", "DE-GA-0003", true),
        ],
        ShareType::Conditional { conditions: "按最小必要原则".to_owned() },
    );
    let people = publish(&ledger, POLICE, people);
    let owners = draft(
        "企业法定代表人信息",
        vec![
            item("法定代表人身份证号", "DE-GA-0002", true),
            item("企业名称", "DE-SCJG-0002", false),
        ],
        ShareType::Unconditional,
    );
    let owners = publish(&ledger, MARKET, owners);
    let police_clerk = "xm-gaj/catalog-clerk";
    let ids = ledger.accept(
        police_clerk,
        resource(&people, &["公民身份号码"], true),
        &["resource.registered", "obligation.met"],
    );
    let ids = ResourceId(ids.number("resource.registered", "resource").unwrap());
    let names = ledger.accept(
        police_clerk,
        resource(&people, &["姓名", "性别"], true),
        &["resource.registered"],
    );
    let names = ResourceId(names.number("resource.registered", "resource").unwrap());
    let claim = serde_json::to_string(&resource(&owners, &["法定代表人身份证号"], true)).unwrap();
    let (hash, line) = refused(&home, &["--key", "xm-scjg/catalog-clerk", "--action", &claim]);
    assert_eq!(
        line,
        format!(
            "refused: 109 AuthoritativeSourceExists: A data element already has an authoritative \
             source (one source per data element): item 法定代表人身份证号, data_element \
             DE-GA-0002, holder_resource {ids}, holder_entry {people}, holder_org {POLICE}."
        )
    );
    let second = ledger.client.get_as(super::AUDITOR, &format!("/v1/txs/{hash}")).unwrap();
    assert_eq!(
        (&second["code"], &second["rejection"]),
        (&109.into(), &"AuthoritativeSourceExists".into())
    );
    assert_eq!(attribute(&second, "tx.refused", "holder_resource"), Some(ids.to_string().as_str()));
    assert_eq!(attribute(&second, "tx.refused", "holder_org"), Some(POLICE));
    let source = ledger.client.get("/v1/catalog/sources?data_element=DE-GA-0002").unwrap();
    assert_eq!(
        (source["source"]["resource"].as_u64(), source["source"]["provider"].as_str()),
        (Some(ids.0), Some(POLICE))
    );
    let (none, _) = ledger.client.get_status("/v1/catalog/sources?data_element=DE-NONE").unwrap();
    assert_eq!(none, 404);
    // The catalog API shows each item's personal-information flag and sensitivity.
    let entry = ledger.client.get(&format!("/v1/catalog/entries/{people}")).unwrap();
    let shown = &entry["record"]["versions"][0]["content"]["items"][0];
    assert_eq!(
        (&shown["personal_information"], &shown["sensitivity"]),
        (&Value::Bool(true), &Value::from("important"))
    );

    // An item-scoped grant of 姓名 and 性别: an access that returned 姓名 is covered, one that
    // returned 公民身份号码 is a violation of its own reason. The gateway records the batch with
    // `onebook tx --wait` and reads its own restricted events in the receipt.
    let asked = ledger.accept(
        PLATFORM,
        request(&people, &["姓名", "性别"], today()),
        &["share_request.submitted", "share_request.under_review"],
    );
    let asked = ShareRequestId(asked.number("share_request.submitted", "share_request").unwrap());
    let approve = Action::AnswerShare {
        request: asked,
        answer: ShareAnswer::Approve {
            items: vec!["姓名".to_owned(), "性别".to_owned()],
            expires_at: Date(today().0 + 150).start(480),
            conditions: "仅用于交易主体身份核验".to_owned(),
            legal_basis: None,
        },
    };
    let granted = ledger.accept("xm-gaj/share-approver", approve, &["grant.issued"]);
    let grant = GrantId(granted.number("grant.issued", "grant").unwrap());
    let batch = Action::RecordAccesses {
        events: vec![
            access(suite, grant, names, "姓名", 1),
            access(suite, grant, ids, "公民身份号码", 2),
        ],
    };
    let batch = serde_json::to_string(&batch).unwrap();
    let printed = succeed(&home, &["tx", "--key", PLATFORM, "--action", &batch, "--wait", "60"]);
    let (hash, receipt) = printed.split_once('\n').unwrap();
    let receipt: Value = serde_json::from_str(receipt).unwrap();
    assert_eq!(receipt_events(&receipt), ["access.recorded", "violation.recorded"], "{receipt}");
    assert_eq!(attribute(&receipt, "access.recorded", "violations"), Some("1"));
    assert_eq!(attribute(&receipt, "violation.recorded", "reason"), Some("item-out-of-scope"));
    let recorded = attribute(&receipt, "access.recorded", "access_events").unwrap().to_owned();
    assert_eq!(recorded.split(',').count(), 2, "the ids of the two access events: {recorded}");
    let (_, anonymous) = ledger.client.get_status(&format!("/v1/txs/{}", hash.trim())).unwrap();
    assert!(receipt_events(&anonymous).is_empty(), "the events are the gateway's: {anonymous}");
    let violation = attribute(&receipt, "violation.recorded", "violation").unwrap().to_owned();
    let read = succeed(&home, &["read", &format!("/v1/violations/{violation}"), "--key", PLATFORM]);
    let read: Value = serde_json::from_str(&read).unwrap();
    assert_eq!(read["record"]["reason"], "item-out-of-scope");
    let first = recorded.split(',').next().unwrap();
    let covered = ledger.record(&format!("/v1/access-events/{first}"));
    assert!(
        covered["violation"].is_null() && covered["access"]["items"] == serde_json::json!(["姓名"])
    );

    // 不予共享: a request on a not-shared entry is refused in its own block, citing the entry's
    // legal basis.
    let not_shared = draft(
        "出入境证件签发信息",
        vec![item("证件号码", "DE-GA-0101", true)],
        ShareType::NotShared { legal_basis: LegalBasisCode::from("dsl-38") },
    );
    let not_shared = publish(&ledger, POLICE, not_shared);
    let receipt = ledger.accept(
        PLATFORM,
        request(&not_shared, &["证件号码"], today()),
        &["share_request.submitted", "share_request.refused"],
    );
    assert_eq!(receipt.attribute("share_request.refused", "legal_basis"), Some("dsl-38"));
    assert_eq!(receipt.attribute("share_request.refused", "by"), Some("ledger"));
    let refused_request =
        ShareRequestId(receipt.number("share_request.submitted", "share_request").unwrap());
    let record = ledger.record(&format!("/v1/share-requests/{refused_request}"));
    assert_eq!(
        (record["status"]["status"].as_str(), record["status"]["legal_basis"].as_str()),
        (Some("refused"), Some("dsl-38"))
    );

    // The command line: a refusal by the rules, and a tx turned away at admission, each one
    // sentence with its code, name and the rule's sentence.
    let answer = format!(
        "{{\"type\": \"answer_share\", \"request\": {refused_request}, \"answer\": {{\"answer\": \
         \"refuse\", \"legal_basis\": \"dsl-38\", \"reason\": \"不予共享\"}}}}"
    );
    let (_, line) = refused(&home, &["--key", "xm-gaj/share-approver", "--action", &answer]);
    assert_eq!(
        line,
        "refused: 141 ShareRequestNotPending: The share request is not awaiting an answer."
    );
    let revoke =
        format!("{{\"type\": \"revoke_grant\", \"grant\": {grant}, \"reason\": \"越权\"}}");
    let (_, line) = refused(&home, &["--key", PLATFORM, "--action", &revoke]);
    assert_eq!(line, "turned away: 2 RoleMissing: The signer's roles do not allow this action.");

    // The policy in force, now and as of a height.
    let policy = ledger.client.get("/v1/policy").unwrap();
    assert_eq!(policy["policy"]["public_notice_days"], 15, "{policy}");

    // A licence stands only while its parent does: a one-day notice (by governance), a holding
    // right issued to the police bureau and licensed to the platform, then cancelled.
    let change = GovernanceChange::SetPolicy { parameter: PolicyParameter::PublicNoticeDays(1) };
    let proposed = ledger.accept(
        "fj-sjj/admin",
        Action::SubmitProposal { change, rationale: "缩短公示期".to_owned() },
        &["proposal.submitted"],
    );
    let proposal = ProposalId(proposed.number("proposal.submitted", "proposal").unwrap());
    let before = ledger.client.tip().unwrap().0;
    let votes = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"]
        .map(|voter| (voter, Action::VoteProposal { proposal, approve: true }));
    ledger.accept_all(votes.into());
    let policy = ledger.client.get("/v1/policy").unwrap();
    let earlier = ledger.client.get(&format!("/v1/policy?height={before}")).unwrap();
    assert_eq!(
        (&policy["policy"]["public_notice_days"], &earlier["policy"]["public_notice_days"]),
        (&Value::from(1), &Value::from(15))
    );
    let apply = Action::ApplyForProperty {
        draft: PropertyApplicationDraft {
            right: RightKind::Holding,
            subject: PropertySubject::Resource { resource: names },
            evidence_digests: vec![digest("来源合法性证明")],
            valid_from: today(),
            valid_until: Date(today().0 + 3 * 365),
        },
    };
    let applied = ledger.accept("xm-gaj/admin", apply, &["property.applied"]);
    let application = ApplicationId(applied.number("property.applied", "application").unwrap());
    let review =
        Action::ReviewPropertyApplication { application, decision: ReviewDecision::Approve };
    let notice = ledger.accept("xm-djzx/registrar-1", review, &["property.notice_started"]);
    let ends: u64 = notice.number("property.notice_started", "notice_ends").unwrap();
    let ended = ledger.client.wait_for_time(ends + 1, std::time::Duration::from_secs(60)).unwrap();
    assert!(ended.is_some(), "block time passes the notice");
    let issued = ledger.accept(
        "xm-djzx/registrar-1",
        Action::IssueCertificate { application },
        &["certificate.issued"],
    );
    let parent = CertificateNumber(issued.id("certificate.issued", "certificate").unwrap());
    let license = Action::LicenseRight {
        certificate: parent.clone(),
        licensee: OrgId::from("xm-jypt"),
        starts: today(),
        ends: Date(today().0 + 364),
    };
    let licensed = ledger.accept("xm-gaj/admin", license, &["certificate.licensed"]);
    let licence = CertificateNumber(licensed.id("certificate.licensed", "certificate").unwrap());
    let path = format!("/v1/property/certificates/{licence}");
    assert_eq!(ledger.client.get(&path).unwrap()["standing"], "valid");
    let cancel =
        Action::CancelCertificate { certificate: parent, reason: "权属争议".to_owned() };
    ledger.accept("xm-djzx/registrar-1", cancel, &["certificate.cancelled"]);

    let view = ledger.client.get(&path).unwrap();
    assert_eq!(
        (view["record"]["status"]["status"].as_str(), view["standing"].as_str()),
        (Some("active"), Some("parent-cancelled")),
        "the licence's own record is unchanged, but it no longer stands: {view}"
    );
    let bundle = node.home.join("licence.bundle");
    let bundle = bundle.to_str().unwrap();
    let address = ledger.net.api_addr(0);
    let record = format!("certificate:{licence}");
    succeed(&home, &["proof", "--node", &address, "--record", &record, "--out", bundle]);
    let genesis = node.home.join("genesis.json");
    // This network runs no witness, so its bundles are unanchored: accepted here only with the
    // flag (anchoring is what `proofs_e2e` and `checkpoints_e2e` show).
    let genesis = genesis.to_str().unwrap();
    let run = onebook(&["verify-proof", "--allow-unanchored", "--genesis", genesis, bundle]);
    assert_eq!(run.status, Some(0), "{}{}", run.stdout, run.stderr);
    let verdict = run.stdout.lines().next().unwrap_or_default();
    assert!(
        verdict.contains(licence.as_str()) && verdict.contains("parent cancelled"),
        "{verdict}"
    );
    assert!(Path::new(bundle).exists());
}
