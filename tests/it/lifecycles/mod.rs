//! End-to-end: every lifecycle of the domain (`docs/rules.md`), driven over HTTP only against a
//! devnet of four real `onebook` validator processes, each on its own RocksDB store.
//!
//! Each step submits signed txs with `POST /v1/txs` and checks, with `GET` only, the receipt's
//! code and events, the record's status after the step, and the record's timeline; each
//! lifecycle also meets at least one refusal with its stable rejection code: recorded in a block
//! (a receipt with the code), or, for a missing role or an inactive signer, turned away at
//! admission with a 403 problem naming the code. One test per lifecycle family, each on its own
//! devnet (the devnet test group runs them one at a time).

mod catalog;
mod consortium;
pub(crate) mod grant_lifecycle;
mod property;
mod quality;
mod reports;
mod rules;
mod sharing;

use std::time::Duration;

use onebook_cli::demo::{Client, Receipt};
use onebook_tests::devnet::Devnet;
use onebook_types::{
    action::{
        Action, CatalogEntryDraft, DataItem, Grade, OpenType, ResourceDraft, ReviewDecision,
        ShareType,
    },
    hash::Hash32,
    ids::{CatalogCode, ResourceId, SystemId},
    keys::PublicKey,
    suite::Suite,
};
use serde_json::Value;

/// Reads every restricted record.
pub(crate) use onebook_cli::demo::AUDITOR;

/// A devnet and a client of its first node.
pub(crate) struct Ledger {
    /// The devnet; its nodes live as long as the test.
    pub(crate) net: Devnet,
    /// Talks to node 0.
    pub(crate) client: Client,
}

impl Ledger {
    /// Four validators on the wall clock.
    pub(crate) fn start() -> Self {
        Self::ready(Devnet::start(crate::node_binary(), 4, 0).expect("devnet starts"))
    }

    /// Four validators of a chain of `suite`, on the wall clock.
    pub(crate) fn start_in(suite: Suite) -> Self {
        Self::ready(Devnet::start_in(crate::node_binary(), suite, 4, 0).expect("devnet starts"))
    }

    /// Four validators of a chain of `suite` whose clock runs `rate` times faster than the wall
    /// clock.
    pub(crate) fn start_clocked_in(suite: Suite, rate: u32) -> Self {
        let net = Devnet::start_clocked_in(crate::node_binary(), suite, 4, rate);
        Self::ready(net.expect("devnet starts"))
    }

    fn ready(mut net: Devnet) -> Self {
        net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).expect("blocks commit");
        let client =
            Client::connect(&net.api_addr(0)).expect("node 0 answers").with_suite(net.suite);
        Self { net, client }
    }

    /// Submits `action` signed by the dev key `label` and checks that the rules accepted it
    /// with events of exactly `kinds`, in order.
    pub(crate) fn accept(&self, label: &str, action: Action, kinds: &[&str]) -> Receipt {
        let receipt = self.client.submit(label, action).expect("submitted and committed");
        assert_eq!(receipt.code, 0, "{label}: refused: {receipt:?}");
        assert_eq!(receipt.kinds(), kinds, "{label}: events of {receipt:?}");
        receipt
    }

    /// Submits every tx of `txs` in one batch and checks that all were accepted.
    pub(crate) fn accept_all(&self, txs: Vec<(&str, Action)>) -> Vec<Receipt> {
        let txs = txs.into_iter().map(|(label, action)| onebook_cli::demo::signed(label, action));
        let receipts = self.client.submit_all(txs.collect()).expect("submitted and committed");
        for receipt in &receipts {
            assert_eq!(receipt.code, 0, "refused: {receipt:?}");
        }
        receipts
    }

    /// Submits `action` signed by `label` and checks that it was committed and refused with
    /// `rejection` (its name) and `code`, raising no event.
    pub(crate) fn refuse(&self, label: &str, action: Action, rejection: &str, code: u16) {
        let receipt = self.client.submit(label, action).expect("submitted and committed");
        assert_eq!(
            (receipt.code, receipt.rejection.as_deref()),
            (code, Some(rejection)),
            "{label}: {receipt:?}"
        );
        assert!(receipt.events.is_empty(), "a refused tx raises no event: {receipt:?}");
    }

    /// Submits every `(label, action, rejection, code)` in one batch and checks each refusal.
    pub(crate) fn refuse_all(&self, txs: Vec<(&str, Action, &str, u16)>) {
        let expected: Vec<(u16, String)> =
            txs.iter().map(|(_, _, rejection, code)| (*code, (*rejection).to_owned())).collect();
        let signed = txs
            .into_iter()
            .map(|(label, action, _, _)| onebook_cli::demo::signed(label, action))
            .collect();
        let receipts = self.client.submit_all(signed).expect("submitted and committed");
        for (receipt, (code, rejection)) in receipts.iter().zip(expected) {
            assert_eq!(
                (receipt.code, receipt.rejection.as_deref()),
                (code, Some(rejection.as_str())),
                "{receipt:?}"
            );
        }
    }

    /// Submits `action` signed by `label` and checks that the node turned it away at admission
    /// with a 403 problem naming `rejection` and `code`.
    pub(crate) fn turned_away(&self, label: &str, action: Action, rejection: &str, code: u16) {
        let turned = self.client.submit_turned_away(label, action).expect("answered");
        assert_eq!(turned.status, 403, "{label}: {:?}", turned.problem);
        assert_eq!(turned.problem["code"], code, "{label}: {:?}", turned.problem);
        assert_eq!(turned.problem["rejection"], rejection, "{label}: {:?}", turned.problem);
    }

    /// `GET path` as the auditor (a signed read), expecting 200: the record view's `record`.
    pub(crate) fn record(&self, path: &str) -> Value {
        let view = self.client.get_as(AUDITOR, path).expect(path);
        view["record"].clone()
    }

    /// The `status` tag of the record at `path`.
    pub(crate) fn status(&self, path: &str) -> String {
        let record = self.record(path);
        record["status"]["status"]
            .as_str()
            .unwrap_or_else(|| panic!("no status: {record}"))
            .to_owned()
    }

    /// The status an anonymous `GET path` answers.
    pub(crate) fn anonymous_status(&self, path: &str) -> u16 {
        self.client.get_status(path).expect(path).0
    }

    /// The actions of the accepted txs of the timeline of `key` (`<kind>:<id>`), read as the
    /// auditor, oldest first.
    pub(crate) fn timeline(&self, key: &str) -> Vec<String> {
        let page =
            self.client.get_as(AUDITOR, &format!("/v1/timeline/{key}?limit=100")).expect(key);
        let items = page["items"].as_array().unwrap_or_else(|| panic!("no items: {page}"));
        items
            .iter()
            .filter(|item| item["code"] == 0)
            .map(|item| item["action"].as_str().expect("an action").to_owned())
            .collect()
    }

    /// The tip's block time, in ms.
    pub(crate) fn now(&self) -> u64 {
        self.client.tip().expect("tip").1
    }
}

/// Whether `expected` appears in `actual` in order (other items may come between).
pub(crate) fn in_order(actual: &[String], expected: &[&str]) -> bool {
    let mut rest = actual.iter();
    expected.iter().all(|want| rest.any(|got| got == want))
}

/// The public key of the dev label `label` in `suite`.
pub(crate) fn key(suite: Suite, label: &str) -> PublicKey {
    onebook_genesis::dev_secret_in(suite, label).public_key()
}

/// A digest standing for data kept off the ledger.
pub(crate) fn digest(what: &str) -> Hash32 {
    Hash32(*blake3::hash(what.as_bytes()).as_bytes())
}

/// The test items that hold personal information (个人信息).
pub(crate) const PERSONAL: [&str; 5] = ["公民身份号码", "姓名", "户籍地址", "证件号码", "所有人"];

/// A catalog draft of `items`, shared as `share_type`. Each item follows a data element of its
/// own entry (`DE-<entry>-<n>`), so entries never claim one another's sources unless a test
/// means them to; the items of [`PERSONAL`] are personal information of important sensitivity.
pub(crate) fn entry_draft(name: &str, items: &[&str], share_type: ShareType) -> CatalogEntryDraft {
    CatalogEntryDraft {
        name: name.to_owned(),
        description: format!("{name}（端到端测试）"),
        items: items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let personal = PERSONAL.contains(item);
                DataItem {
                    name: (*item).to_owned(),
                    data_element: format!("DE-{name}-{i:02}"),
                    personal_information: personal,
                    sensitivity: if personal { Grade::Important } else { Grade::General },
                }
            })
            .collect(),
        classification: "测试/生命周期".to_owned(),
        grade: Grade::General,
        security_level: 2,
        share_type,
        open_type: OpenType::NotOpen,
        update_frequency: "daily".to_owned(),
        system: SystemId::from("lifecycle-system"),
    }
}

/// Drafts, submits, has the data authority approve, and publishes `draft` as `org`'s entry;
/// its code.
pub(crate) fn publish(ledger: &Ledger, org: &str, draft: CatalogEntryDraft) -> CatalogCode {
    let clerk = format!("{org}/catalog-clerk");
    let receipt = ledger.accept(&clerk, Action::DraftCatalogEntry { draft }, &["catalog.drafted"]);
    let code = CatalogCode(receipt.id("catalog.drafted", "entry").expect("entry"));
    ledger.accept(
        &clerk,
        Action::SubmitCatalogEntry { code: code.clone() },
        &["catalog.submitted"],
    );
    let review =
        Action::ReviewCatalogEntry { code: code.clone(), decision: ReviewDecision::Approve };
    ledger.accept("xm-dsj/catalog-clerk", review, &["catalog.approved"]);
    let receipt = ledger.client.submit(&clerk, Action::PublishCatalogEntry { code: code.clone() });
    let receipt = receipt.expect("committed");
    assert!(receipt.accepted() && receipt.event("catalog.published").is_some(), "{receipt:?}");
    code
}

/// Registers an authoritative resource of every item of `items` under `org`'s entry `code`.
pub(crate) fn register(
    ledger: &Ledger,
    org: &str,
    code: &CatalogCode,
    items: &[&str],
) -> ResourceId {
    let draft = ResourceDraft {
        system: SystemId::from("lifecycle-system"),
        snapshot_digest: digest(&format!("{code}/snapshot")),
        record_count: 1_000,
        items: items.iter().map(|item| (*item).to_owned()).collect(),
        authoritative: true,
    };
    let action = Action::RegisterResource { entry: code.clone(), draft };
    let receipt = ledger.client.submit(&format!("{org}/catalog-clerk"), action).expect("committed");
    assert!(receipt.accepted(), "{receipt:?}");
    ResourceId(receipt.number("resource.registered", "resource").expect("an id"))
}

/// Every lifecycle above on a chain of the national suite (SM2 signatures, SM3 digests), each on
/// a devnet of its own: every tx, signed read, receipt and record of it is read and checked in
/// `sm2-sm3`. The catalog lifecycle runs on one in the default suite too.
#[test]
fn every_lifecycle_runs_over_http_on_an_sm2_sm3_devnet_slow() {
    let suite = Suite::Sm2Sm3;
    consortium::members_and_orgs_go_through_their_lifecycles_over_http_in(suite);
    grant_lifecycle::a_grant_passed_on_down_the_hierarchy_is_revoked_and_closed_out_over_http_in(
        suite,
    );
    grant_lifecycle::open_data_and_development_go_through_their_lifecycle_over_http_in(suite);
    property::property_applications_objections_and_certificates_go_through_their_lifecycles_over_http_in(suite);
    quality::quality_reports_are_fixed_disputed_and_ruled_on_over_http_in(suite);
    rules::rules_hold_across_the_consortium_over_http_and_the_command_line_in(suite);
    sharing::share_requests_grants_and_accesses_go_through_their_lifecycles_over_http_in(suite);
}
