//! Properties of the executor over random tx sequences on the dev network.

use onebook_genesis::dev_secret;
use onebook_state::{MemNodeStore, apply_updates, key_hash, value_hash};
use onebook_types::{
    action::{Action, GovernanceChange},
    consortium::Role,
    hash::Hash32,
    ids::{OrgId, ProposalId},
    keys::SecretKey,
    record::RecordKey,
    rejection::Rejection,
    samples::sample_actions,
    tx::VerifiedTx,
};
use proptest::prelude::*;

use crate::{
    executor::apply_block,
    testkit::{Chain, public, signed},
};

const SIGNERS: [&str; 6] = [
    "xm-dsj/admin",
    "xm-gaj/admin",
    "fj-sjj/admin",
    "xm-scjg/admin",
    "xm-dsj/catalog-clerk",
    "xm-jypt/admin",
];

/// One random step: who signs, how its nonce relates to the next one, and what it asks.
fn step() -> impl Strategy<Value = (usize, i8, u8, u8)> {
    (
        0..SIGNERS.len(),
        prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)],
        0u8..8,
        0u8..40,
    )
}

fn action(kind: u8, arg: u8) -> Action {
    let key = public(&format!("random/{arg}"));
    match kind {
        0 => Action::RegisterMember { key, name: "成员".into(), roles: vec![Role::DataUser] },
        1 => Action::SetMemberRoles {
            key: public("xm-dsj/catalog-clerk"),
            roles: vec![Role::Auditor],
        },
        2 => Action::RevokeMember { key, reason: "离职".into() },
        3 => Action::SubmitProposal {
            change: GovernanceChange::SuspendOrg { org: OrgId::from("xm-jypt") },
            rationale: "违规".into(),
        },
        4 => Action::VoteProposal {
            proposal: ProposalId(u64::from(arg % 2) + 1),
            approve: arg % 4 < 3,
        },
        5 => Action::RotateMemberKey { new_key: key },
        6 => Action::RecordDutyChange { description: "三定调整".into() },
        // One of every action of every module, most refused by their own rules.
        _ => {
            let samples = sample_actions();
            samples[usize::from(arg) % samples.len()].clone()
        }
    }
}

/// Signs the steps, tracking each signer's nonce as a client would.
fn sign(steps: &[(usize, i8, u8, u8)]) -> Vec<VerifiedTx> {
    let secrets: Vec<SecretKey> = SIGNERS.iter().map(|label| dev_secret(label)).collect();
    let mut next = [1u64; SIGNERS.len()];
    steps
        .iter()
        .map(|&(signer, skew, kind, arg)| {
            let nonce = next[signer].saturating_add_signed(i64::from(skew));
            if skew == 0 {
                next[signer] += 1;
            }
            signed(&secrets[signer], nonce, action(kind, arg))
        })
        .collect()
}

/// The state root after `changes` on top of the tree at `root` in `nodes`, as a node computes it.
fn root_after(
    nodes: &MemNodeStore,
    root: Hash32,
    changes: &[(RecordKey, Option<Vec<u8>>)],
) -> Hash32 {
    let updates = changes
        .iter()
        .map(|(key, value)| (key_hash(&key.encode()), value.as_deref().map(value_hash)));
    apply_updates(nodes, root, updates).root
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn the_same_txs_on_the_same_state_give_the_same_outcome_and_replays_are_refused(
        steps in prop::collection::vec(step(), 1..12),
    ) {
        let mut chain = Chain::dev();
        let txs = sign(&steps);

        let mut nodes = MemNodeStore::new();
        let genesis: Vec<_> =
            chain.state.records().iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
        let update = apply_updates(&nodes, Hash32::ZERO, genesis.iter().map(|(key, value)| {
            (key_hash(&key.encode()), value.as_deref().map(value_hash))
        }));
        nodes.insert_all(&update);

        let first = apply_block(&chain.state, &chain.context(), &txs);
        let second = apply_block(&chain.state, &chain.context(), &txs);

        prop_assert_eq!(&first, &second);
        prop_assert_eq!(
            root_after(&nodes, update.root, &first.changes),
            root_after(&nodes, update.root, &second.changes)
        );
        chain.block(&txs);
        // Every tx that passed its nonce check in the block, accepted or not, is replayed.
        let judged: Vec<VerifiedTx> = txs
            .iter()
            .zip(&first.receipts)
            .filter(|(_, receipt)| receipt.rejection() != Some(Rejection::NonceNotNext))
            .map(|(tx, _)| tx.clone())
            .collect();
        let replayed = chain.block(&judged);
        for receipt in &replayed.receipts {
            prop_assert!(matches!(
                receipt.rejection(),
                Some(Rejection::NonceNotNext | Rejection::SignerRevoked | Rejection::OrgSuspended)
            ), "a replay was judged again: {:?}", receipt);
        }
        prop_assert!(replayed.changes.is_empty());
    }
}
