//! A validator's node key is replaced by governance while the chain runs, with real `onebook`
//! processes (`docs/operate.md` sections 7 and 8): four validators schedule protocol version 2
//! at an activation height, then pass a rotation of one validator's node key. From the next
//! block the other three keep committing and no certificate counts the old key's vote, though
//! the old node still runs and votes; restarted under its new key, the validator signs again.

use std::{path::Path, process::Command, time::Duration};

use onebook_genesis::GenesisFile;
use onebook_tests::devnet::Devnet;
use onebook_types::{
    action::{Action, GovernanceChange},
    ids::{Height, ProposalId, ProtocolVersion},
    keys::PublicKey,
};

/// The admins of three of the four validator orgs: enough to pass a proposal.
const VOTERS: [&str; 3] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"];
/// The validator whose key is rotated: `onebook testnet` gives node `i` the genesis's `i`-th
/// validator.
const ROTATED: usize = 3;
const WAIT: Duration = Duration::from_secs(120);

#[test]
fn n4_a_validator_key_rotated_by_governance_keeps_the_chain_committing() {
    let binary = crate::node_binary();
    let genesis =
        GenesisFile::from_json_validated(include_bytes!("../../genesis/networks/dev.json"))
            .unwrap();
    let old_key = genesis.validators[ROTATED].node_key.to_string();
    let mut net = Devnet::start(binary, 4, 0).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 2, WAIT).unwrap();
    let mut nonces = [0u64; 3];
    let mut pass = |net: &Devnet, proposal: u64, change: GovernanceChange| -> u64 {
        let submit = Action::SubmitProposal { change, rationale: "节点密钥轮换".into() };
        nonces[1] += 1;
        net.commit(0, VOTERS[1], nonces[1], submit, WAIT).unwrap();
        let mut height = 0;
        for (voter, nonce) in VOTERS.iter().zip(nonces.iter_mut()) {
            *nonce += 1;
            let vote = Action::VoteProposal { proposal: ProposalId(proposal), approve: true };
            height = net.commit(0, voter, *nonce, vote, WAIT).unwrap();
        }
        height
    };

    // Version 2 enables the rotation; schedule it a few blocks ahead.
    let activation = net.nodes[0].height().unwrap() + 12;
    let change = GovernanceChange::ScheduleUpgrade {
        version: ProtocolVersion(2),
        height: Height(activation),
    };
    pass(&net, 1, change);
    net.wait_for_height(&[0, 1, 2, 3], activation, WAIT).unwrap();
    let home = net.nodes[ROTATED].home.clone();
    let new_key = onebook(binary, &home, &["keys", "generate", "--name", "node-2"]);
    let change = GovernanceChange::RotateValidatorKey {
        old_key: PublicKey::from_hex(&old_key).unwrap(),
        new_key: PublicKey::from_hex(&new_key).unwrap(),
    };
    let rotated_at = pass(&net, 2, change);

    // The old node still runs and votes, but from the next block its key is not in the set.
    let before_restart = rotated_at + 6;
    net.wait_for_height(&[0, 1, 2], before_restart, WAIT).unwrap();
    let (_, passing) = net.nodes[0].get(&format!("/v1/blocks/{rotated_at}")).unwrap();
    let signers_before: Vec<Vec<String>> =
        (activation..=rotated_at).map(|height| signers(&net, height)).collect();
    assert!(
        signers_before.iter().any(|keys| keys.contains(&old_key)),
        "the old key signed before the rotation: {signers_before:?}"
    );
    for height in rotated_at + 1..=before_restart {
        let keys = signers(&net, height);
        assert!(keys.len() >= 3, "height {height} has a quorum of the new set: {keys:?}");
        assert!(!keys.contains(&old_key), "height {height} counts the old key: {keys:?}");
    }
    // The block that passes the rotation names the new set as the next one.
    assert_ne!(
        passing["header"]["validator_set_hash"], passing["header"]["next_validator_set_hash"],
        "{passing}"
    );

    // The validator restarts under its new key and signs again.
    net.nodes[ROTATED].stop(Duration::from_secs(30)).unwrap();
    let config = home.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // It signs with the new key and keeps the old one as its network identity, by which its
    // peers' configurations name it.
    let rotated =
        text.replacen("node_key = \"node\"", "node_key = \"node-2\"\nnetwork_key = \"node\"", 1);
    assert_ne!(rotated, text, "the config names the node key");
    std::fs::write(&config, rotated).unwrap();
    net.nodes[ROTATED].start().unwrap();
    let restarted = net.nodes[0].height().unwrap();
    net.wait_for_height(&[0, 1, 2, 3], restarted + 15, WAIT).unwrap();
    let signers_after: Vec<Vec<String>> =
        (restarted + 1..=restarted + 15).map(|height| signers(&net, height)).collect();
    assert!(
        signers_after.iter().any(|keys| keys.contains(&new_key)),
        "the new key signs after the restart: {signers_after:?}\n{}\n{}",
        net.nodes[ROTATED].log_tail(60),
        net.nodes[0].log_tail(30)
    );
    assert!(signers_after.iter().all(|keys| !keys.contains(&old_key)));
    let tip = net.nodes[ROTATED].height().unwrap();
    assert_eq!(net.block_roots(ROTATED, tip).unwrap(), net.block_roots(0, tip).unwrap());
}

/// The node keys whose precommits the certificate of `height` on node 0 holds.
fn signers(net: &Devnet, height: u64) -> Vec<String> {
    let (status, block) = net.nodes[0].get(&format!("/v1/blocks/{height}")).unwrap();
    assert_eq!(status, 200, "{block}");
    block["certificate"]["signatures"]
        .as_array()
        .unwrap_or_else(|| panic!("block {height} has a certificate: {block}"))
        .iter()
        .map(|signature| signature["node_key"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs `onebook --home home ARGS` to completion; its standard output's first line.
fn onebook(binary: &Path, home: &Path, args: &[&str]) -> String {
    let output = Command::new(binary).arg("--home").arg(home).args(args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().lines().next().unwrap_or_default().trim().to_owned()
}
