//! Every action the ledger takes and every governance change, the newer ones included
//! (checkpoint policies, child chains and their anchored checkpoints, protocol upgrades,
//! validator key rotations, signed reads), read with a label for every field, value and event
//! in both languages, and with no raw value on the Chinese pages: their txs, their block, their
//! proposals and the list of proposals.

use axum::http::StatusCode;
use onebook_query::test_utils::{TestTx, commit_txs, entry, event};
use onebook_types::{
    action::{Action, GovernanceChange},
    ids::{Height, OrgId, ProposalId},
    record::RecordKey,
    records::{Proposal, ProposalStatus},
    samples::{sample_actions, sample_governance_changes},
};

use crate::fixture::{app, get, store, validators};

/// The events the ledger raises when a proposal of `change` passes, beside `proposal.passed`
/// (as `contracts/ledger` writes them).
fn passed_events(change: &GovernanceChange) -> Vec<onebook_types::block::Event> {
    match change {
        GovernanceChange::SetCheckpointPolicy { policy } => vec![event(
            "checkpoint_policy.set",
            &[
                ("interval", &policy.interval.to_string()),
                ("threshold", &policy.witnesses.threshold.to_string()),
                ("witnesses", &policy.witnesses.witnesses.len().to_string()),
            ],
        )],
        GovernanceChange::AdmitChildChain { chain_id, genesis_hash, .. } => vec![event(
            "child_chain.admitted",
            &[("chain", chain_id.as_str()), ("genesis", &genesis_hash.to_string())],
        )],
        GovernanceChange::ScheduleUpgrade { version, height } => vec![event(
            "protocol.scheduled",
            &[("version", &version.to_string()), ("height", &height.to_string())],
        )],
        GovernanceChange::RotateValidatorKey { old_key, new_key } => vec![event(
            "validator.key_rotated",
            &[("old_key", &old_key.to_string()), ("new_key", &new_key.to_string()), ("org", "xm")],
        )],
        GovernanceChange::SetPolicy { .. } => vec![event("policy.set", &[("parameter", "x")])],
        _ => Vec::new(),
    }
}

/// A block of one tx per sample action, and per sample governance change its proposal's
/// submission and its passing vote, each proposal written as a record (ids from 2 on). The
/// proposals' ids.
fn governance_block(store: &onebook_storage::Store) -> Vec<u64> {
    let mut txs = Vec::new();
    for action in sample_actions() {
        let mut tx = TestTx::new(action.clone(), vec![]);
        tx.events = match &action {
            Action::AnchorCheckpoint { checkpoint, .. } => vec![event(
                "checkpoint.anchored",
                &[
                    ("chain", checkpoint.chain_id.as_str()),
                    ("height", &checkpoint.height.to_string()),
                    ("block", &checkpoint.block_hash.to_string()),
                ],
            )],
            Action::RecordReads { reads } => reads
                .iter()
                .map(|read| {
                    event(
                        "read.recorded",
                        &[
                            ("reader", &read.reader.to_string()),
                            ("org", "xm-gaj"),
                            ("path", &read.path),
                            ("time", &read.time_ms.to_string()),
                            ("node_org", "xm"),
                        ],
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        txs.push(tx);
    }
    let mut ids = Vec::new();
    for (id, change) in (2..).zip(sample_governance_changes()) {
        let kind =
            serde_json::to_value(&change).expect("json")["kind"].as_str().expect("kind").to_owned();
        let proposal = Proposal {
            id: ProposalId(id),
            change: change.clone(),
            rationale: "演练".into(),
            proposer: OrgId::from("xm"),
            submitted_at: Height(6),
            votes: vec![(OrgId::from("xm"), true)],
            status: ProposalStatus::Passed,
            decided_at: Some(Height(6)),
        };
        let key = RecordKey::Proposal(ProposalId(id));
        let submit = Action::SubmitProposal { change: change.clone(), rationale: "演练".into() };
        let mut submitted = TestTx::new(submit, vec![entry(key.clone(), &proposal)]);
        submitted.events = vec![event(
            "proposal.submitted",
            &[("proposal", &id.to_string()), ("org", "xm"), ("change", &kind)],
        )];
        let vote = Action::VoteProposal { proposal: ProposalId(id), approve: true };
        let mut voted = TestTx::new(vote, vec![entry(key, &proposal)]);
        voted.events = vec![
            event(
                "proposal.voted",
                &[("proposal", &id.to_string()), ("org", "xm"), ("approve", "true")],
            ),
            event("proposal.passed", &[("proposal", &id.to_string())]),
        ];
        voted.events.extend(passed_events(&change));
        txs.extend([submitted, voted]);
        ids.push(id);
    }
    commit_txs(store, txs, &validators());
    ids
}

#[tokio::test]
async fn every_action_and_governance_change_reads_labelled_with_no_raw_values() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let proposals = governance_block(&store);
    let height = store.tip().expect("tip").height;
    let hashes = store.block_tx_hashes(height).expect("read").expect("a block");
    let app = app(store);
    let mut pages: Vec<String> =
        hashes.iter().map(|hash| format!("/txs/{}", hash.to_hex())).collect();
    pages.extend(proposals.iter().map(|id| format!("/proposals/{id}")));
    pages.extend([format!("/blocks/{}", height.0), "/proposals".to_owned()]);

    let mut raw = Vec::new();
    let mut unlabelled = Vec::new();
    for page in &pages {
        for lang in ["zh", "en"] {
            let answer = get(&app, &format!("{page}?lang={lang}"), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{page}?lang={lang}");
            let missing = onebook_explorer::unlabelled(&answer.body);
            if !missing.is_empty() {
                unlabelled.push((page.clone(), lang, missing));
            }
            if lang == "zh" {
                let words =
                    onebook_explorer::raw_values(&onebook_explorer::visible_text(&answer.body));
                if !words.is_empty() {
                    raw.push((page.clone(), words));
                }
            }
        }
    }

    assert!(hashes.len() > sample_actions().len(), "every action and each proposal's txs");
    assert!(unlabelled.is_empty(), "names without a label: {unlabelled:#?}");
    assert!(raw.is_empty(), "raw values on Chinese pages: {raw:#?}");
}
