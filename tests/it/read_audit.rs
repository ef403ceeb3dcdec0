//! The read audit end to end: four validator processes pass `record_signed_reads` by governance
//! over HTTP; the node with an operator key records a member's signed read on the ledger, where
//! an auditor finds it, and a node without one refuses signed reads while the policy is on.

use std::time::{Duration, Instant};

use onebook_genesis::dev_secret;
use onebook_tests::devnet::Devnet;
use onebook_types::{
    action::{Action, GovernanceChange, PolicyParameter},
    ids::ProposalId,
};
use serde_json::Value;

/// The member whose key node 0 records reads with.
const OPERATOR: &str = "xm-dsj/share-approver";
const AUDITOR: &str = "xm-dsj/auditor";

fn now_ms() -> u64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    u64::try_from(since.as_millis()).unwrap()
}

/// `GET path` on `port`, signed by the dev key `label` now.
fn signed_get(port: u16, path: &str, label: &str) -> (u16, Value) {
    let authorization = onebook_api::sign_read(&dev_secret(label), "GET", path, now_ms());
    let headers = [("Authorization", authorization.as_str())];
    let (status, body) = onebook_cli::http::request_with_headers(
        &format!("127.0.0.1:{port}"),
        "GET",
        path,
        &headers,
        None,
    )
    .unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Gives node 0 the operator key as `[api] read_audit_key` and restarts it.
fn give_node0_an_operator_key(net: &mut Devnet) {
    use std::os::unix::fs::PermissionsExt;
    let node = &mut net.nodes[0];
    node.stop(Duration::from_secs(20)).unwrap();
    let seed = blake3::hash(format!("onebook dev key: {OPERATOR}").as_bytes());
    let key_file = node.home.join("keys/operator.key");
    std::fs::write(&key_file, hex::encode(seed.as_bytes())).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = node.home.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[api]\n"), "{text}");
    let text = text.replacen("[api]\n", "[api]\nread_audit_key = \"operator\"\n", 1);
    std::fs::write(&config, text).unwrap();
    node.start().unwrap();
}

#[test]
fn a_signed_read_is_recorded_on_the_ledger_once_governance_turns_the_audit_on() {
    let mut net = Devnet::start(crate::node_binary(), 4, 0).unwrap();
    give_node0_an_operator_key(&mut net);
    let wait = Duration::from_secs(90);
    net.wait_for_height(&[0, 1, 2, 3], 1, wait).unwrap();
    let (before, _) = signed_get(net.nodes[1].api_port, "/v1/access-events", AUDITOR);

    let change =
        GovernanceChange::SetPolicy { parameter: PolicyParameter::RecordSignedReads(true) };
    let propose = Action::SubmitProposal { change, rationale: "查询留痕上链".into() };
    net.commit(0, "fj-sjj/admin", 1, propose, wait).unwrap();
    let vote = || Action::VoteProposal { proposal: ProposalId(1), approve: true };
    net.commit(0, "fj-sjj/admin", 2, vote(), wait).unwrap();
    net.commit(0, "xm-dsj/admin", 1, vote(), wait).unwrap();
    let passed = net.commit(0, "xm-gaj/admin", 1, vote(), wait).unwrap();
    net.wait_for_height(&[0, 1], passed, wait).unwrap();

    let (recorded, _) = signed_get(net.nodes[0].api_port, "/v1/access-events?org=xm-gaj", AUDITOR);
    let (refused, problem) = signed_get(net.nodes[1].api_port, "/v1/access-events", AUDITOR);
    let (anonymous, _) = net.nodes[1].get("/v1/orgs/xm-gaj").unwrap();

    assert_eq!(before, 200, "before the policy, signed reads need no operator key");
    assert_eq!(recorded, 200);
    assert_eq!(refused, 503, "node 1 has no operator key: {problem}");
    assert_eq!(problem["type"], "/problems/read-audit-unavailable");
    assert_eq!(anonymous, 200, "anonymous reads of public records are not recorded");

    // The operator's RecordReads tx commits; an auditor finds it in the org's timeline.
    let operator = dev_secret(OPERATOR).public_key().to_string();
    let deadline = Instant::now() + wait;
    let tx_hash = loop {
        let (_, timeline) =
            signed_get(net.nodes[0].api_port, "/v1/timeline/org:xm-dsj?limit=100", AUDITOR);
        let found = timeline["items"].as_array().and_then(|items| {
            items.iter().find(|item| item["action"] == "record_reads" && item["signer"] == operator)
        });
        if let Some(entry) = found {
            break entry["tx_hash"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no record_reads tx committed: {timeline}");
        std::thread::sleep(Duration::from_millis(300));
    };
    // Only node 0 can record, so only node 0 serves signed reads now.
    let (_, tx) = signed_get(net.nodes[0].api_port, &format!("/v1/txs/{tx_hash}"), AUDITOR);
    let (_, withheld) = net.nodes[2].get(&format!("/v1/txs/{tx_hash}")).unwrap();

    assert_eq!(tx["status"], "committed");
    assert_eq!(tx["code"], 0, "the ledger accepted the reads: {tx}");
    let read = tx["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| {
            let attributes = event["attributes"].as_array().unwrap();
            attributes
                .iter()
                .any(|pair| pair[0] == "path" && pair[1] == "/v1/access-events?org=xm-gaj")
        })
        .unwrap_or_else(|| panic!("the read is not among the recorded ones: {tx}"));
    assert_eq!(read["kind"], "read.recorded");
    let attributes = read["attributes"].as_array().unwrap();
    let auditor = dev_secret(AUDITOR).public_key().to_string();
    assert!(attributes.iter().any(|pair| pair[0] == "reader" && pair[1] == auditor.as_str()));
    assert_eq!(withheld.get("action"), None, "anonymous readers do not see the reads: {withheld}");
    assert_eq!(withheld["events"], serde_json::json!([]));
}
