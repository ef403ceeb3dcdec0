//! A new agency joins a running consortium from a verified state snapshot (`docs/operate.md`
//! "Join a running consortium"), with real `onebook` processes: four validators commit a
//! governance admission and a load of txs; `onebook snapshot create` writes the state of a
//! running validator; a fifth node, `onebook start --from-snapshot`, refuses a damaged copy
//! before it serves anything, starts from the sound one, serves reads, block-syncs the rest,
//! and holds the same block hash and state root as the validators at every later height.

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use onebook_genesis::dev_secret;
use onebook_tests::devnet::{Devnet, admit_hlq, register_member, serve_once};
use onebook_types::{action::Action, ids::ProposalId};

/// The admins of three of the four validator orgs: enough to pass a proposal.
const VOTERS: [&str; 3] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"];
/// The joining node: the observer `onebook testnet` wrote after the four validators.
const JOINER: usize = 4;
const WAIT: Duration = Duration::from_secs(120);

#[test]
fn a_fifth_agency_joins_from_a_verified_snapshot_and_holds_the_validators_roots() {
    let binary = crate::node_binary();
    let mut net = Devnet::start(binary, 4, 1).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 2, WAIT).unwrap();

    // The consortium admits the new agency by governance.
    let admit = admit_hlq(onebook_types::suite::Suite::Ed25519Blake3);
    let submit = Action::SubmitProposal { change: admit, rationale: "湖里区接入".to_owned() };
    net.commit(0, VOTERS[0], 1, submit, WAIT).unwrap();
    let (_, proposals) = net.nodes[0].get("/v1/proposals").unwrap();
    let key = proposals["items"][0]["key"].as_str().unwrap_or_else(|| panic!("{proposals}"));
    let id: u64 = key.strip_prefix("proposal:").and_then(|id| id.parse().ok()).unwrap();
    for (voter, nonce) in [(VOTERS[0], 2), (VOTERS[1], 1), (VOTERS[2], 1)] {
        let vote = Action::VoteProposal { proposal: ProposalId(id), approve: true };
        net.commit(0, voter, nonce, vote, WAIT).unwrap();
    }
    let (status, org) = net.nodes[0].get("/v1/orgs/xm-hlq").unwrap();
    assert_eq!((status, org["record"]["status"].as_str()), (200, Some("active")), "{org}");

    // A load of txs before the snapshot.
    let admin = dev_secret("xm-scjg/admin");
    let mut last = String::new();
    for n in 0..40 {
        let (status, body) = net.nodes[1].submit(&register_member(&admin, n + 1, n)).unwrap();
        assert_eq!(status, 202, "{body}");
        last = body["tx_hash"].as_str().unwrap().to_owned();
    }
    net.wait_committed(1, &last, WAIT).unwrap();

    // `onebook snapshot create` on a running validator.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.snapshot");
    let created = Instant::now();
    let out = onebook(binary, &net.nodes[0].home, &["snapshot", "create", "--out"], &file);
    assert!(out.status.success(), "snapshot create: {}", String::from_utf8_lossy(&out.stderr));
    let created = created.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let base = field(&stdout, "height").parse::<u64>().unwrap();
    assert_eq!(net.block_roots(0, base).unwrap().0, field(&stdout, "state root"));

    // A damaged copy is refused before anything is served or written.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let damaged = dir.path().join("damaged.snapshot");
    std::fs::write(&damaged, &bytes).unwrap();
    let joiner_home = net.nodes[JOINER].home.clone();
    let out = onebook(binary, &joiner_home, &["start", "--from-snapshot"], &damaged);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a damaged snapshot was accepted");
    assert!(stderr.contains("snapshot") && stderr.contains("refused"), "{stderr}");
    let data = joiner_home.join("data");
    assert!(std::fs::read_dir(&data).unwrap().next().is_none(), "a refused snapshot left data");

    // The sound one, served over plain HTTP as any file server would.
    let url = serve_once(std::fs::read(&file).unwrap()).unwrap();
    let started = Instant::now();
    net.nodes[JOINER].start_with(&["--from-snapshot", &url], &[]).unwrap();
    let serving = loop {
        if let Ok((200, org)) = net.nodes[JOINER].get("/v1/orgs/xm-hlq") {
            assert_eq!(org["record"]["status"], "active");
            break started.elapsed();
        }
        assert!(started.elapsed() < WAIT, "{}", net.nodes[JOINER].log_tail(20));
        assert!(net.nodes[JOINER].is_running(), "{}", net.nodes[JOINER].log_tail(20));
        std::thread::sleep(Duration::from_millis(100));
    };
    // Blocks below the snapshot are not held: refused, never served wrong.
    let (status, below) = net.nodes[JOINER].get(&format!("/v1/blocks/{}", base - 1)).unwrap();
    assert_eq!(status, 404, "{below}");
    assert_eq!(net.block_roots(JOINER, base).unwrap(), net.block_roots(0, base).unwrap());

    // The new agency's own txs, committed after it joined, reach it by block sync.
    let hlq = dev_secret("xm-hlq/admin");
    let mut last = String::new();
    for n in 0..10 {
        let (status, body) = net.nodes[2].submit(&register_member(&hlq, n + 1, 1_000 + n)).unwrap();
        assert_eq!(status, 202, "{body}");
        last = body["tx_hash"].as_str().unwrap().to_owned();
    }
    let receipt = net.wait_committed(JOINER, &last, WAIT).unwrap();
    assert_eq!(receipt["code"], 0, "{receipt}");
    let tip = receipt["height"].as_u64().unwrap() + 2;
    net.wait_for_height(&[0, 1, 2, 3, JOINER], tip, WAIT).unwrap();
    for height in base..=tip {
        let joined = net.block_roots(JOINER, height).unwrap();
        for validator in 0..4 {
            assert_eq!(joined, net.block_roots(validator, height).unwrap(), "height {height}");
        }
    }
    println!(
        "join: snapshot at height {base} created in {created:.1?}; the joining node served \
         reads {serving:.1?} after it started; roots equal at heights {base} to {tip}"
    );
}

/// Runs `onebook --home home ARGS PATH` to completion.
fn onebook(binary: &Path, home: &Path, args: &[&str], path: &Path) -> std::process::Output {
    Command::new(binary)
        .arg("--home")
        .arg(home)
        .args(args)
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The value of the `name` line of `onebook snapshot create`'s output.
fn field<'a>(output: &'a str, name: &str) -> &'a str {
    output
        .lines()
        .find_map(|line| line.strip_prefix(name).filter(|rest| rest.starts_with(' ')))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {name} line in {output}"))
}
