//! Properties of the executor over random tx sequences on the dev network.

use onebook_genesis::dev_secret;
use onebook_types::{
    action::{Action, GovernanceChange},
    consortium::Role,
    ids::{OrgId, ProposalId},
    keys::SecretKey,
    rejection::Rejection,
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
    (0..SIGNERS.len(), prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)], 0u8..7, 0u8..4)
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
        4 => {
            Action::VoteProposal { proposal: ProposalId(u64::from(arg % 2) + 1), approve: arg < 3 }
        }
        5 => Action::RotateMemberKey { new_key: key },
        _ => Action::RecordDutyChange { description: "三定调整".into() },
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn the_same_txs_on_the_same_state_give_the_same_outcome_and_replays_are_refused(
        steps in prop::collection::vec(step(), 1..12),
    ) {
        let mut chain = Chain::dev();
        let txs = sign(&steps);

        let first = apply_block(&chain.state, &chain.context(), &txs);
        let second = apply_block(&chain.state, &chain.context(), &txs);

        prop_assert_eq!(&first, &second);
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
