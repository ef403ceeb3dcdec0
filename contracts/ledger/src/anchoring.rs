//! Checkpoints and anchoring up the hierarchy.
//!
//! The checkpoint policy (interval and witnesses, the `CheckpointPolicy` record) is set by
//! genesis and changed by a passed `SetCheckpointPolicy` proposal. A provincial chain accepts a
//! city chain's checkpoints once a passed `AdmitChildChain` proposal records the child's chain
//! id, genesis hash and witness set (the `ChildChain` record). Then any member may record a
//! witnessed checkpoint of the child (`AnchorCheckpoint`): the ledger checks, in order, that the
//! child is admitted (`ChildChainUnknown`), the checkpoint names its genesis
//! (`CheckpointWrongGenesis`), the cosignatures reach the child's witness threshold
//! (`CheckpointNotWitnessed`), it is above the latest anchored checkpoint (`CheckpointNotNewer`)
//! and extends it (`CheckpointNotExtending`), and that a new witness set it announces is given
//! (`NextWitnessesMismatch`). The record then holds it as the child's latest; every earlier one
//! stays provable at the heights it was latest.

use onebook_types::{
    action::GovernanceChange,
    checkpoint::{
        AnchoredCheckpoint, Checkpoint, CheckpointExtension, CheckpointPolicy, ChildChain,
        Cosignature, WitnessSet,
    },
    hash::Hash32,
    ids::ChainId,
    limits::WITNESSES_MAX,
    record::RecordKey,
    rejection::Rejection,
    suite::Suite,
};

use crate::{
    checks,
    executor::{BlockContext, Effects, TxContext},
    ports::{StateRead, StateWrite, load, store},
};

/// Checks a witness set as the ledger holds it: its rules, and every key a valid key of the
/// chain's suite.
fn check_witnesses(suite: Suite, witnesses: &WitnessSet) -> Result<(), Rejection> {
    for witness in &witnesses.witnesses {
        checks::key(suite, &witness.key)?;
    }
    match witnesses.problem() {
        Some(_) => Err(Rejection::CheckpointPolicyInvalid),
        None => Ok(()),
    }
}

/// Checks `SetCheckpointPolicy`.
pub(crate) fn check_policy(suite: Suite, policy: &CheckpointPolicy) -> Result<(), Rejection> {
    check_witnesses(suite, &policy.witnesses)?;
    match policy.problem() {
        Some(_) => Err(Rejection::CheckpointPolicyInvalid),
        None => Ok(()),
    }
}

/// Checks `AdmitChildChain` against the state and the chain it would be admitted on.
pub(crate) fn check_admit_child(
    state: &impl StateRead,
    block: &BlockContext,
    chain_id: &ChainId,
    witnesses: &WitnessSet,
) -> Result<(), Rejection> {
    checks::id(chain_id.as_str())?;
    check_witnesses(block.suite, witnesses)?;
    if *chain_id == block.chain_id || state.get(&RecordKey::ChildChain(chain_id.clone())).is_some()
    {
        return Err(Rejection::ChildChainExists);
    }
    Ok(())
}

/// Applies a passed `SetCheckpointPolicy` or `AdmitChildChain`; `None` for other changes.
pub(crate) fn apply_change(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    change: &GovernanceChange,
    effects: &mut Effects,
) -> Option<()> {
    match change {
        GovernanceChange::SetCheckpointPolicy { policy } => {
            store(state, RecordKey::CheckpointPolicy, policy);
            effects.event(
                "checkpoint_policy.set",
                &[
                    ("interval", policy.interval.to_string()),
                    ("threshold", policy.witnesses.threshold.to_string()),
                    ("witnesses", policy.witnesses.witnesses.len().to_string()),
                ],
            );
        }
        GovernanceChange::AdmitChildChain { chain_id, genesis_hash, witnesses } => {
            let child = ChildChain {
                chain_id: chain_id.clone(),
                genesis_hash: *genesis_hash,
                witnesses: witnesses.clone(),
                admitted_at: ctx.block.height,
                latest: None,
            };
            store(state, RecordKey::ChildChain(chain_id.clone()), &child);
            effects.event(
                "child_chain.admitted",
                &[("chain", chain_id.to_string()), ("genesis", genesis_hash.to_string())],
            );
        }
        _ => return None,
    }
    Some(())
}

/// `AnchorCheckpoint`: records a child chain's witnessed checkpoint (module doc for the checks).
pub fn anchor_checkpoint(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    checkpoint: &Checkpoint,
    cosignatures: &[Cosignature],
    extension: Option<&CheckpointExtension>,
    next_witnesses: Option<&WitnessSet>,
) -> Result<Effects, Rejection> {
    if cosignatures.len() > WITNESSES_MAX {
        return Err(Rejection::ListTooLong);
    }
    let key = RecordKey::ChildChain(checkpoint.chain_id.clone());
    let mut child: ChildChain = load(state, &key).ok_or(Rejection::ChildChainUnknown)?;
    if checkpoint.genesis_hash != child.genesis_hash {
        return Err(Rejection::CheckpointWrongGenesis);
    }
    child
        .witnesses
        .check_in(ctx.block.suite, checkpoint, cosignatures)
        .map_err(|_| Rejection::CheckpointNotWitnessed)?;
    match (&child.latest, extension) {
        (Some(latest), _) if checkpoint.height <= latest.checkpoint.height => {
            return Err(Rejection::CheckpointNotNewer);
        }
        (Some(latest), Some(extension)) => checkpoint
            .verify_extends_in(ctx.block.suite, &latest.checkpoint, extension)
            .map_err(|_| Rejection::CheckpointNotExtending)?,
        (None, None) => {}
        (Some(_), None) | (None, Some(_)) => return Err(Rejection::CheckpointNotExtending),
    }
    let announces = checkpoint.next_witness_set_hash != checkpoint.witness_set_hash;
    match next_witnesses {
        Some(next)
            if announces && next.hash_in(ctx.block.suite) == checkpoint.next_witness_set_hash =>
        {
            check_witnesses(ctx.block.suite, next).map_err(|_| Rejection::NextWitnessesMismatch)?;
            child.witnesses = next.clone();
        }
        None if !announces => {}
        _ => return Err(Rejection::NextWitnessesMismatch),
    }
    child.latest = Some(AnchoredCheckpoint {
        checkpoint: checkpoint.clone(),
        cosignatures: cosignatures.to_vec(),
        anchored_at: ctx.block.time,
    });
    store(state, key, &child);
    let mut effects = Effects::default();
    effects.event(
        "checkpoint.anchored",
        &[
            ("chain", checkpoint.chain_id.to_string()),
            ("height", checkpoint.height.to_string()),
            ("block", checkpoint.block_hash.to_string()),
        ],
    );
    Ok(effects)
}

/// The hash a child's witness set must have: what an admitted child's checkpoints name.
pub fn child_witness_set_hash(
    state: &impl StateRead,
    suite: Suite,
    chain_id: &ChainId,
) -> Option<Hash32> {
    load::<ChildChain>(state, &RecordKey::ChildChain(chain_id.clone()))
        .map(|child| child.witnesses.hash_in(suite))
}

/// One way through the executor to each anchoring code: the chain just before, and the tx it
/// refuses.
#[cfg(test)]
pub(crate) fn reach(rejection: Rejection) -> Option<crate::testkit::Reach> {
    use crate::testkit::Reach;
    use tests::{ANCHORER, admitted, anchor, anchored, child, cosigned, passed_chain};
    let reach = match rejection {
        Rejection::CheckpointPolicyInvalid => {
            let mut policy = tests::policy();
            policy.interval = 0;
            let change = GovernanceChange::SetCheckpointPolicy { policy };
            Reach::by(
                crate::testkit::Chain::dev(),
                "xm-dsj/admin",
                onebook_types::action::Action::SubmitProposal {
                    change,
                    rationale: "调整见证".into(),
                },
            )
        }
        Rejection::ChildChainExists => {
            let change = tests::admit_child();
            Reach::by(
                admitted(),
                "xm-dsj/admin",
                onebook_types::action::Action::SubmitProposal {
                    change,
                    rationale: "思明区链接入".into(),
                },
            )
        }
        Rejection::ChildChainUnknown => {
            Reach::by(passed_chain(), ANCHORER, anchor(cosigned(&child().checkpoint(20), 2), None))
        }
        Rejection::CheckpointWrongGenesis => {
            let mut checkpoint = child().checkpoint(20);
            checkpoint.genesis_hash = Hash32([1; 32]);
            Reach::by(admitted(), ANCHORER, anchor(cosigned(&checkpoint, 2), None))
        }
        Rejection::CheckpointNotWitnessed => {
            Reach::by(admitted(), ANCHORER, anchor(cosigned(&child().checkpoint(20), 1), None))
        }
        Rejection::CheckpointNotNewer => {
            let child = child();
            let again = anchor(cosigned(&child.checkpoint(20), 2), Some(child.extension(20, 20)));
            Reach::by(anchored(), ANCHORER, again)
        }
        Rejection::CheckpointNotExtending => {
            let child = child();
            Reach::by(anchored(), ANCHORER, anchor(cosigned(&child.checkpoint(30), 2), None))
        }
        Rejection::NextWitnessesMismatch => {
            let child = child();
            let mut checkpoint = child.checkpoint(20);
            checkpoint.next_witness_set_hash = Hash32([2; 32]);
            Reach::by(admitted(), ANCHORER, anchor(cosigned(&checkpoint, 2), None))
        }
        _ => return None,
    };
    Some(reach)
}

#[cfg(test)]
pub(crate) mod tests {
    use onebook_genesis::dev_secret;
    use onebook_types::{
        action::Action,
        checkpoint::Witness,
        history::{self, History, LeavesInMemory},
        ids::{Height, ProposalId, Timestamp},
        keys::SecretKey,
    };

    use super::*;
    use crate::testkit::{Chain, refusal};

    /// The member that relays checkpoints: any active member will do.
    pub(crate) const ANCHORER: &str = "fj-sjj/admin";

    fn witness_keys() -> Vec<SecretKey> {
        let mut keys: Vec<SecretKey> =
            ["sm/witness-1", "sm/witness-2"].iter().map(|label| dev_secret(label)).collect();
        keys.sort_by_key(SecretKey::public_key);
        keys
    }

    pub(crate) fn witness_set() -> WitnessSet {
        let witnesses = witness_keys()
            .iter()
            .map(|key| Witness { key: key.public_key(), name: "思明区见证节点".into() })
            .collect();
        WitnessSet { threshold: 2, witnesses }
    }

    pub(crate) fn policy() -> CheckpointPolicy {
        CheckpointPolicy { interval: 10, witnesses: witness_set() }
    }

    /// A child chain of 40 blocks, in memory: its block hashes and history.
    pub(crate) struct Child {
        blocks: Vec<Hash32>,
    }

    pub(crate) fn child() -> Child {
        Child { blocks: (0..=40u8).map(|i| Hash32([0x40 + i; 32])).collect() }
    }

    impl Child {
        pub(crate) fn checkpoint(&self, height: u64) -> Checkpoint {
            let mut history = History::new();
            for block in &self.blocks[..height as usize] {
                history.push(block);
            }
            let set = witness_set().hash();
            Checkpoint {
                chain_id: ChainId::from("onebook-sm-1"),
                genesis_hash: self.blocks[0],
                height: Height(height),
                time: Timestamp(1_772_409_600_000 + height * 1000),
                block_hash: self.blocks[height as usize],
                history_root: history.root(),
                validator_set_hash: Hash32([3; 32]),
                witness_set_hash: set,
                next_witness_set_hash: set,
            }
        }

        pub(crate) fn extension(&self, from: u64, to: u64) -> CheckpointExtension {
            let nodes = LeavesInMemory(self.blocks.iter().map(history::leaf).collect());
            CheckpointExtension {
                consistency: history::prove_consistency(&nodes, from, to.max(from))
                    .unwrap_or_else(|_| unreachable!()),
                ancestry: history::prove_ancestry(&nodes, from, to.max(from + 1))
                    .unwrap_or_else(|_| unreachable!()),
            }
        }
    }

    pub(crate) fn cosigned(
        checkpoint: &Checkpoint,
        signers: usize,
    ) -> (Checkpoint, Vec<Cosignature>) {
        let cosignatures = witness_keys()
            .iter()
            .take(signers)
            .map(|key| {
                let time = Timestamp(checkpoint.time.0 + 5);
                let digest = checkpoint.cosigning_digest(time);
                Cosignature {
                    witness: key.public_key(),
                    time,
                    signature: key.sign(digest.as_bytes()),
                }
            })
            .collect();
        (checkpoint.clone(), cosignatures)
    }

    pub(crate) fn anchor(
        (checkpoint, cosignatures): (Checkpoint, Vec<Cosignature>),
        extension: Option<CheckpointExtension>,
    ) -> Action {
        Action::AnchorCheckpoint { checkpoint, cosignatures, extension, next_witnesses: None }
    }

    pub(crate) fn admit_child() -> GovernanceChange {
        GovernanceChange::AdmitChildChain {
            chain_id: ChainId::from("onebook-sm-1"),
            genesis_hash: child().blocks[0],
            witnesses: witness_set(),
        }
    }

    /// The dev chain after the validator orgs passed a harmless change, so nothing is admitted.
    pub(crate) fn passed_chain() -> Chain {
        pass(Chain::dev(), GovernanceChange::SetCheckpointPolicy { policy: policy() })
    }

    fn pass(mut chain: Chain, change: GovernanceChange) -> Chain {
        let submit = Action::SubmitProposal { change, rationale: "思明区链接入".into() };
        assert_eq!(refusal(&chain.run("xm-dsj/admin", submit)), None);
        let proposal = ProposalId(chain_sequence(&chain));
        for admin in ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"] {
            let vote = Action::VoteProposal { proposal, approve: true };
            assert_eq!(refusal(&chain.run(admin, vote)), None);
        }
        chain
    }

    fn chain_sequence(chain: &Chain) -> u64 {
        load(&chain.state, &RecordKey::Sequence("proposal".into())).unwrap_or_default()
    }

    /// The dev chain with the child chain `onebook-sm-1` admitted.
    pub(crate) fn admitted() -> Chain {
        pass(Chain::dev(), admit_child())
    }

    /// [`admitted`], then the child's checkpoint at 20 anchored.
    pub(crate) fn anchored() -> Chain {
        let mut chain = admitted();
        let receipt = chain.run(ANCHORER, anchor(cosigned(&child().checkpoint(20), 2), None));
        assert_eq!(refusal(&receipt), None);
        chain
    }

    fn latest(chain: &Chain) -> Option<AnchoredCheckpoint> {
        let child: ChildChain =
            load(&chain.state, &RecordKey::ChildChain("onebook-sm-1".into())).expect("admitted");
        child.latest
    }

    #[test]
    fn a_witnessed_checkpoint_of_an_admitted_child_is_anchored_then_extended() {
        let mut chain = anchored();
        let child = child();
        assert_eq!(latest(&chain).map(|l| l.checkpoint.height), Some(Height(20)));

        let next = anchor(cosigned(&child.checkpoint(30), 2), Some(child.extension(20, 30)));
        let receipt = chain.run(ANCHORER, next);

        assert_eq!(refusal(&receipt), None);
        assert_eq!(receipt.events[0].kind, "checkpoint.anchored");
        assert_eq!(latest(&chain).map(|l| l.checkpoint.height), Some(Height(30)));
    }

    #[test]
    fn a_checkpoint_of_a_fork_does_not_extend_the_anchored_one() {
        let mut chain = anchored();
        let mut fork = child();
        fork.blocks[12] = Hash32([0xee; 32]);

        let forked = anchor(cosigned(&fork.checkpoint(30), 2), Some(fork.extension(20, 30)));
        let receipt = chain.run(ANCHORER, forked);

        assert_eq!(refusal(&receipt), Some(Rejection::CheckpointNotExtending));
    }

    #[test]
    fn a_checkpoint_announcing_new_witnesses_hands_the_child_over_to_them() {
        let mut chain = anchored();
        let child = child();
        let mut next_set = witness_set();
        next_set.threshold = 1;
        let mut checkpoint = child.checkpoint(30);
        checkpoint.next_witness_set_hash = next_set.hash();
        let (checkpoint, cosignatures) = cosigned(&checkpoint, 2);
        let action = Action::AnchorCheckpoint {
            checkpoint,
            cosignatures,
            extension: Some(child.extension(20, 30)),
            next_witnesses: Some(next_set.clone()),
        };

        assert_eq!(refusal(&chain.run(ANCHORER, action)), None);
        let held: ChildChain =
            load(&chain.state, &RecordKey::ChildChain("onebook-sm-1".into())).expect("admitted");
        assert_eq!(held.witnesses, next_set);
    }
}
