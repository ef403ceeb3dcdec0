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

/// The governed records of the chain itself as a passed proposal of each would leave them:
/// the sample checkpoint policy, a schedule of one upgrade active and one to come, and the
/// sample child chain with its sample checkpoint anchored.
fn governed_block(store: &onebook_storage::Store) {
    use onebook_types::{
        checkpoint::{AnchoredCheckpoint, CheckpointPolicy, ChildChain},
        consortium::{ProtocolSchedule, ProtocolUpgrade},
        ids::ProtocolVersion,
        samples::{sample_anchor, sample_witness_set},
    };
    let Action::AnchorCheckpoint { checkpoint, cosignatures, .. } = sample_anchor() else {
        panic!("the sample anchor anchors");
    };
    let tip = store.tip().expect("tip").height.0;
    let chain = ChildChain {
        chain_id: checkpoint.chain_id.clone(),
        genesis_hash: checkpoint.genesis_hash,
        witnesses: sample_witness_set(),
        admitted_at: Height(tip),
        latest: Some(AnchoredCheckpoint {
            checkpoint,
            cosignatures,
            anchored_at: onebook_query::test_utils::block_time(Height(tip)),
        }),
    };
    let schedule = ProtocolSchedule {
        upgrades: vec![
            ProtocolUpgrade { version: ProtocolVersion(2), height: Height(2) },
            ProtocolUpgrade { version: ProtocolVersion(3), height: Height(1_000) },
        ],
    };
    let policy = CheckpointPolicy { interval: 10, witnesses: sample_witness_set() };
    let records = vec![
        entry(RecordKey::CheckpointPolicy, &policy),
        entry(RecordKey::Protocol, &schedule),
        entry(RecordKey::ChildChain(chain.chain_id.clone()), &chain),
    ];
    commit_txs(store, vec![TestTx::new(sample_anchor(), records)], &validators());
}

#[tokio::test]
async fn the_checkpoint_policy_protocol_and_child_chains_have_pages_their_txs_and_proposals_link() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir);
    let proposals = governance_block(&store);
    governed_block(&store);
    let height = store.tip().expect("tip").height;
    let anchor = store.block_tx_hashes(height).expect("read").expect("a block")[0].to_hex();
    let app = app(store);
    let chain = "/child-chains/onebook-sm-1";
    let pages = [
        (
            "/checkpoint-policy",
            vec![
                "检查点间隔（区块数）",
                "见证门限",
                "思明区见证节点",
                "/v1/checkpoint-policy?height=",
                "/v1/proofs/records/checkpoint_policy",
            ],
        ),
        (
            "/protocol",
            vec!["id=\"protocol-version\">2<", "已生效", "待生效", "1000", "/v1/protocol?height="],
        ),
        ("/child-chains", vec![chain, "最近锚定检查点高度", "/v1/child-chains"]),
        (
            chain,
            vec![
                "onebook-sm-1",
                "准入区块高度",
                "见证签名",
                "锚定时间",
                "/v1/child-chains/onebook-sm-1?height=",
                "/v1/proofs/records/child_chain:onebook-sm-1",
            ],
        ),
    ];

    let mut raw = Vec::new();
    let mut unlabelled = Vec::new();
    for (page, texts) in &pages {
        for lang in ["zh", "en"] {
            let answer = get(&app, &format!("{page}?lang={lang}"), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{page}?lang={lang}: {}", answer.body);
            let missing = onebook_explorer::unlabelled(&answer.body);
            if !missing.is_empty() {
                unlabelled.push((page.to_owned(), lang, missing));
            }
            if lang == "zh" {
                for text in texts {
                    assert!(answer.body.contains(text), "{page} lacks {text:?}");
                }
                let words =
                    onebook_explorer::raw_values(&onebook_explorer::visible_text(&answer.body));
                if !words.is_empty() {
                    raw.push((page.to_owned(), words));
                }
            }
        }
    }
    let english = get(&app, "/protocol?lang=en", None).await;
    let home = get(&app, "/", None).await;
    let mut links = Vec::new();
    for id in proposals {
        let page = get(&app, &format!("/proposals/{id}"), None).await;
        let link = page.body.split("id=\"governed-record\"").nth(1).and_then(|rest| {
            rest.split("href=\"").nth(1).and_then(|href| href.split('"').next()).map(str::to_owned)
        });
        links.extend(link);
    }
    let anchor_page = get(&app, &format!("/txs/{anchor}"), None).await;
    let unknown = get(&app, "/child-chains/onebook-none", None).await;

    assert!(unlabelled.is_empty(), "names without a label: {unlabelled:#?}");
    assert!(raw.is_empty(), "raw values on Chinese pages: {raw:#?}");
    assert!(english.body.contains("Upgrades scheduled"), "{}", english.body);
    for href in ["href=\"/checkpoint-policy\"", "href=\"/protocol\"", "href=\"/child-chains\""] {
        assert!(home.body.contains(href), "the navigation lacks {href}");
    }
    assert_eq!(links, ["/checkpoint-policy", chain, "/protocol"], "the proposals' links");
    assert!(anchor_page.body.contains(&format!("href=\"{chain}\"")), "the anchoring tx links");
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
