//! Periodic reports (通报) over HTTP, on a devnet whose clock runs half a day a second: one
//! org's month is seeded (catalog entries and a resource, a duty change, share requests granted,
//! refused, granted at once and left pending, an access no grant covers, a quality report), the
//! month ends, and the report `GET /v1/reports/org/xm-gaj?period=` answers is compared, figure
//! by figure and record by record, with the figures this test computes itself from the raw
//! lists read at the month's last block. The city data bureau's auditor then publishes the
//! report (通报); after more txs land, the published report recomputed at its height, and the
//! month's report at the new tip, still give the published digest.

use std::{collections::BTreeMap, time::Duration};

use onebook_types::{
    action::{AccessDraft, AccessOperation, Action, ShareAnswer, ShareRequestDraft, ShareType},
    consortium::Policy,
    hash::Hash32,
    ids::{CatalogCode, LegalBasisCode, OrgId, ShareRequestId, Timestamp},
    report_records::{ReportPeriod, ReportScope},
    suite::Suite,
    time::Date,
};
use serde_json::Value;

use super::{AUDITOR, Ledger, digest, entry_draft, key, publish, register};

/// Half a day of block time per wall-clock second: a month passes in about a minute.
const CLOCK_RATE: u32 = 43_200;
const ORG: &str = "xm-gaj";
const USER: &str = "xm-jypt/data-user";

fn request(entry: &CatalogCode, today: Date) -> Action {
    Action::RequestShare {
        draft: ShareRequestDraft {
            entry: entry.clone(),
            items: vec![],
            purpose: "通报测试".to_owned(),
            legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
            starts: today,
            ends: Date(today.0 + 90),
            exception: false,
        },
    }
}

/// Every item of the list at `path` (a query string included) read at `height` as the auditor.
fn list(ledger: &Ledger, path: &str, height: u64) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut uri = format!("{path}&height={height}&limit=100");
        if let Some(cursor) = &cursor {
            uri.push_str(&format!("&cursor={cursor}"));
        }
        let page = ledger.client.get_as(AUDITOR, &uri).expect(path);
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

fn block_time(ledger: &Ledger, height: u64) -> u64 {
    let block = ledger.client.get(&format!("/v1/blocks/{height}")).expect("a block");
    block["header"]["time"].as_u64().expect("a time")
}

/// The last height whose block time is before `end`, walking the blocks down from the tip.
fn last_block_before(ledger: &Ledger, end: u64) -> u64 {
    let mut cursor: Option<u64> = None;
    loop {
        let uri = match cursor {
            Some(height) => format!("/v1/blocks?limit=100&cursor={height}"),
            None => "/v1/blocks?limit=100".to_owned(),
        };
        let page = ledger.client.get(&uri).expect("blocks");
        for block in page["items"].as_array().expect("items") {
            if block["time"].as_u64().expect("a time") < end {
                return block["height"].as_u64().expect("a height");
            }
        }
        cursor = page["next"].as_str().map(|next| next.parse().expect("a height"));
        if cursor.is_none() {
            return 0;
        }
    }
}

/// The keys of `items` that `keep` keeps, in list order.
fn keys(items: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<String> {
    items
        .iter()
        .filter(|item| keep(&item["record"]))
        .map(|item| item["key"].as_str().expect("a key").to_owned())
        .collect()
}

fn records(figure: &Value) -> Vec<String> {
    let listed: Vec<String> = figure["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records: {figure}"))
        .iter()
        .map(|key| key.as_str().expect("a key").to_owned())
        .collect();
    assert_eq!(figure["count"], listed.len(), "{figure}");
    listed
}

/// The working days after `start` up to `end`, on the ledger's own calendar.
fn working_days(start: Date, end: Date, policy: &Policy) -> u32 {
    let mut day = start;
    let mut days = 0;
    while day < end {
        day = day.next();
        days += u32::from(onebook_ledger::calendar::is_working_day(day, policy));
    }
    days
}

fn nearest_rank(sorted: &[u32], percent: usize) -> Option<u32> {
    (!sorted.is_empty()).then(|| sorted[(percent * sorted.len()).div_ceil(100).max(1) - 1])
}

#[test]
fn a_months_report_equals_the_raw_lists_and_a_published_report_recomputes_over_http() {
    let ledger = Ledger::start_clocked_in(Suite::Ed25519Blake3, CLOCK_RATE);
    super::grant_lifecycle::upgrade_to_version_three(&ledger);
    let offset = 480;
    let today = Date::of_timestamp(Timestamp(ledger.now()), offset);
    let (year, month, _) = today.ymd();
    let period = ReportPeriod::Month {
        year: u16::try_from(year).expect("a year"),
        month: u8::try_from(month).expect("a month"),
    };
    let (from, to) = period.bounds(offset);

    // The month: two published entries, one with a resource; a duty change.
    let conditional =
        publish(&ledger, ORG, entry_draft("通报有条件", &["许可证编号"], conditional()));
    let open =
        publish(&ledger, ORG, entry_draft("通报无条件", &["许可证编号"], ShareType::Unconditional));
    let resource = register(&ledger, ORG, &conditional, &["许可证编号"]);
    let duty = Action::RecordDutyChange { description: "职能调整".to_owned() };
    assert!(ledger.client.submit(&format!("{ORG}/admin"), duty).expect("committed").accepted());
    // Four requests to xm-gaj: one granted, one refused, one pending, one granted at once.
    let mut answered: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    let mut ids = Vec::new();
    for entry in [&conditional, &conditional, &conditional, &open] {
        let receipt = ledger.client.submit(USER, request(entry, today)).expect("committed");
        ids.push(receipt.number("share_request.submitted", "share_request").expect("an id"));
    }
    for (id, answer) in [
        (
            ids[0],
            ShareAnswer::Approve {
                items: vec![],
                expires_at: Timestamp(ledger.now() + 60 * 86_400_000),
                conditions: "仅限履职".to_owned(),
                legal_basis: None,
            },
        ),
        (
            ids[1],
            ShareAnswer::Refuse {
                legal_basis: LegalBasisCode::from("pipl-34"),
                reason: "超出必要范围".to_owned(),
            },
        ),
    ] {
        let before = ledger.record(&format!("/v1/share-requests/{id}"));
        let due = before["status"]["answer_due"].as_u64().expect("under review, with a due time");
        let action = Action::AnswerShare { request: ShareRequestId(id), answer };
        let receipt =
            ledger.client.submit(&format!("{ORG}/share-approver"), action).expect("committed");
        assert!(receipt.accepted(), "{receipt:?}");
        answered.insert(id, (receipt.height, due));
    }
    let gateway = format!("{ORG}/gateway");
    let uncovered = Action::RecordAccesses {
        events: vec![AccessDraft {
            grant: None,
            member: key(ledger.net.suite, &gateway),
            resource,
            items: vec!["许可证编号".to_owned()],
            operation: AccessOperation::Query,
            record_count: 1,
            request_digest: digest("通报/访问"),
            accessed_at: Timestamp(ledger.now()),
        }],
    };
    assert!(ledger.client.submit(&gateway, uncovered).expect("committed").accepted());
    let issue = Action::ReportQualityIssue {
        resource,
        description: "许可证编号缺失".to_owned(),
        evidence_digest: digest("通报/质量"),
    };
    assert!(ledger.client.submit(USER, issue).expect("committed").accepted());

    // The month ends.
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    while ledger.now() < to.0 {
        assert!(std::time::Instant::now() < deadline, "the month ends within three minutes");
        std::thread::sleep(Duration::from_millis(500));
    }
    let (tip, _) = ledger.client.tip().expect("tip");
    let view =
        ledger.client.get(&format!("/v1/reports/org/{ORG}?period={period}")).expect("a report");
    let report = &view["report"];

    // The figures computed here, from the raw lists at the month's last block.
    let last = last_block_before(&ledger, to.0);
    let last_time = block_time(&ledger, last);
    assert_eq!(report["as_of_height"], last, "{report}");
    assert_eq!(report["closed"], true);
    let org = |record: &Value, field: &str| record[field] == ORG;
    let in_month = |record: &Value, field: &str| {
        record[field].as_u64().is_some_and(|time| from.0 <= time && time < to.0)
    };
    let entries = list(&ledger, &format!("/v1/catalog/entries?org={ORG}"), last);
    let resources = list(&ledger, &format!("/v1/resources?org={ORG}"), last);
    let with_resource: Vec<&Value> = resources
        .iter()
        .filter(|r| org(&r["record"], "provider"))
        .map(|r| &r["record"]["entry"])
        .collect();
    let live = |r: &Value| org(r, "provider") && r["status"]["status"] != "deprecated";
    let published = |r: &Value| live(r) && !r["published"].is_null();
    let catalog = &report["catalog"];
    assert_eq!(records(&catalog["entries"]), keys(&entries, live));
    assert_eq!(records(&catalog["published"]), keys(&entries, published));
    assert_eq!(
        records(&catalog["with_resources"]),
        keys(&entries, |r| published(r) && with_resource.contains(&&r["code"]))
    );
    assert_eq!(records(&catalog["with_resources"]).len(), 1, "the conditional entry");

    let obligations = list(&ledger, &format!("/v1/obligations?org={ORG}"), last);
    let due_in_month = |r: &Value| org(r, "org") && in_month(r, "due");
    let open = |r: &Value| r["status"]["status"] == "open";
    let met_by = |r: &Value| r["status"]["time"].as_u64();
    let mut expected_kinds: Vec<String> = Vec::new();
    for kind in ["catalog-update", "resource-registration", "correction", "grant-close-out"] {
        let of_kind = |r: &Value| due_in_month(r) && r["kind"] == kind;
        if keys(&obligations, of_kind).is_empty() {
            continue;
        }
        expected_kinds.push(kind.to_owned());
        let figures = report["obligations"]
            .as_array()
            .expect("obligations")
            .iter()
            .find(|figures| figures["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {report}"));
        let due = |r: &Value| r["due"].as_u64().expect("a due time");
        assert_eq!(records(&figures["due"]), keys(&obligations, of_kind), "{kind}");
        assert_eq!(
            records(&figures["met_on_time"]),
            keys(&obligations, |r| of_kind(r) && met_by(r).is_some_and(|t| t <= due(r))),
            "{kind}"
        );
        assert_eq!(
            records(&figures["met_late"]),
            keys(&obligations, |r| of_kind(r) && met_by(r).is_some_and(|t| t > due(r))),
            "{kind}"
        );
        assert_eq!(
            records(&figures["overdue"]),
            keys(&obligations, |r| of_kind(r) && open(r) && due(r) < last_time),
            "{kind}"
        );
        assert_eq!(
            records(&figures["not_yet_due"]),
            keys(&obligations, |r| of_kind(r) && open(r) && due(r) >= last_time),
            "{kind}"
        );
    }
    let kinds: Vec<String> = report["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .map(|figures| figures["kind"].as_str().expect("a kind").to_owned())
        .collect();
    assert_eq!(kinds, expected_kinds);
    assert_eq!(
        records(&report["overdue"]),
        keys(&obligations, |r| org(r, "org") && open(r) && r["due"].as_u64() < Some(last_time))
    );

    let requests = list(&ledger, &format!("/v1/share-requests?org={ORG}"), last);
    let made = |r: &Value| org(r, "provider") && in_month(r, "requested_at");
    let status = |r: &Value| r["status"]["status"].as_str().unwrap_or_default().to_owned();
    let id_of = |r: &Value| r["id"].as_u64().expect("an id");
    let policy: Policy =
        serde_json::from_value(ledger.client.get("/v1/policy").expect("policy")["policy"].clone())
            .expect("a policy");
    let mut in_time = Vec::new();
    let mut late = Vec::new();
    let mut days = Vec::new();
    for item in &requests {
        let r = &item["record"];
        if !made(r) || !matches!(status(r).as_str(), "granted" | "refused") {
            continue;
        }
        let requested =
            Date::of_timestamp(Timestamp(r["requested_at"].as_u64().expect("a time")), offset);
        let key = item["key"].as_str().expect("a key").to_owned();
        match answered.get(&id_of(r)) {
            Some(&(height, due)) if height <= last => {
                let time = block_time(&ledger, height);
                days.push(working_days(
                    requested,
                    Date::of_timestamp(Timestamp(time), offset),
                    &policy,
                ));
                if time <= due { in_time.push(key) } else { late.push(key) }
            }
            // Granted by the ledger in the block that recorded it.
            _ => {
                days.push(0);
                in_time.push(key);
            }
        }
    }
    days.sort_unstable();
    let sharing = &report["sharing"];
    assert_eq!(records(&sharing["requested"]), keys(&requests, made));
    assert_eq!(records(&sharing["requested"]).len(), 4);
    assert_eq!(records(&sharing["answered_in_time"]), in_time);
    assert_eq!(records(&sharing["answered_late"]), late);
    let pending = |r: &Value| made(r) && status(r) == "under-review";
    let past_due = |r: &Value| r["status"]["answer_due"].as_u64() < Some(last_time);
    assert_eq!(records(&sharing["pending"]), keys(&requests, |r| pending(r) && !past_due(r)));
    assert_eq!(
        records(&sharing["pending_overdue"]),
        keys(&requests, |r| pending(r) && past_due(r))
    );
    assert_eq!(
        records(&sharing["withdrawn"]),
        keys(&requests, |r| made(r) && status(r) == "withdrawn")
    );
    assert_eq!(sharing["working_days_median"], serde_json::json!(nearest_rank(&days, 50)));
    assert_eq!(sharing["working_days_p90"], serde_json::json!(nearest_rank(&days, 90)));
    let refusals = sharing["refusals"].as_array().expect("refusals");
    assert_eq!(refusals.len(), 1, "{sharing}");
    assert_eq!(refusals[0]["name"], "pipl-34");
    assert_eq!(
        records(&refusals[0]),
        keys(&requests, |r| made(r)
            && status(r) == "refused"
            && r["status"]["legal_basis"] == "pipl-34")
    );

    let quality = list(&ledger, &format!("/v1/quality-reports?org={ORG}"), last);
    let reported = |r: &Value| org(r, "provider") && in_month(r, "reported_at");
    assert_eq!(records(&report["quality"]["reported"]), keys(&quality, reported));
    assert_eq!(
        records(&report["quality"]["awaiting"]),
        keys(&quality, |r| reported(r) && status(r) == "reported")
    );
    assert_eq!(records(&report["quality"]["reported"]).len(), 1);

    let violations = list(&ledger, &format!("/v1/violations?org={ORG}"), last);
    let found = |r: &Value| org(r, "org") && in_month(r, "recorded_at");
    let tallies = report["violations"].as_array().expect("violations");
    assert_eq!(tallies.len(), 1, "{report}");
    assert_eq!(tallies[0]["name"], "no-grant");
    assert_eq!(records(&tallies[0]), keys(&violations, |r| found(r) && r["reason"] == "no-grant"));

    println!(
        "report of {ORG} for {period} as of block {last}: requested {}, answered in time {}, late {}, \
         pending {}, working days median {} p90 {}, overdue {}, violations {}, digest {}",
        sharing["requested"]["count"],
        sharing["answered_in_time"]["count"],
        sharing["answered_late"]["count"],
        sharing["pending"]["count"].as_u64().unwrap_or(0)
            + sharing["pending_overdue"]["count"].as_u64().unwrap_or(0),
        sharing["working_days_median"],
        sharing["working_days_p90"],
        report["overdue"]["count"],
        tallies[0]["count"],
        view["digest"],
    );

    // The data bureau publishes it; more txs land for the org, after the month.
    let digest_text = view["digest"].as_str().expect("a digest").to_owned();
    let publish_report = Action::PublishReport {
        scope: ReportScope::Org(OrgId::from(ORG)),
        period,
        height: onebook_types::ids::Height(tip),
        digest: Hash32::from_hex(&digest_text).expect("hex"),
    };
    let receipt = ledger.accept("xm-dsj/auditor", publish_report, &["report.published"]);
    let published = receipt.number("report.published", "published_report").expect("an id");
    let answer = Action::AnswerShare {
        request: ShareRequestId(ids[2]),
        answer: ShareAnswer::Refuse {
            legal_basis: LegalBasisCode::from("dsl-38"),
            reason: "下月答复".to_owned(),
        },
    };
    assert!(
        ledger
            .client
            .submit(&format!("{ORG}/share-approver"), answer)
            .expect("committed")
            .accepted()
    );
    assert!(
        ledger.client.submit(USER, request(&conditional, today)).expect("committed").accepted()
    );

    let check = ledger.client.get(&format!("/v1/reports/published/{published}")).expect("a check");
    assert_eq!(check["equal"], true, "{check}");
    assert_eq!(check["recomputed"]["digest"], digest_text.as_str());
    assert_eq!(check["published"]["record"]["height"], tip);
    let again =
        ledger.client.get(&format!("/v1/reports/org/{ORG}?period={period}")).expect("a report");
    assert_eq!(again["digest"], digest_text.as_str(), "a closed month's figures never change");
    assert!(again["height"].as_u64() > Some(tip));
    let csv =
        ledger.client.get_status(&format!("/v1/reports/org/{ORG}?period={period}&format=csv"));
    assert_eq!(csv.expect("answered").0, 200);
}

fn conditional() -> ShareType {
    ShareType::Conditional { conditions: "仅限依法履职".to_owned() }
}
