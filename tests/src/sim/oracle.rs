//! The history checker: every block a simulated validator commits is checked against the
//! others' and against an independent execution of the chain.
//!
//! - **Agreement**: no two validators commit different blocks at one height.
//! - **Validity**: the first block committed at a height follows the block below it, carries
//!   a certificate of more than two thirds of the validators' power, roots that match its txs
//!   and an independent execution of them ([`apply_block`] over a [`MemState`], the state root
//!   over a [`MemNodeStore`]), and only txs a client signed, with valid signatures.
//! - **Exactly once**: no tx is committed twice; every tx a validator acknowledged is
//!   committed by the end of the run.
//! - **Equal state roots**: a validator's store holds the state root of the canonical block.
//! - **Durability**: a restarted validator's store holds every block it had committed.

use std::collections::{BTreeMap, BTreeSet};

use onebook_ledger::{BlockContext, MemState, apply_block};
use onebook_state::{MemNodeStore, apply_updates_in, key_hash_in, value_hash_in};
use onebook_types::{
    block::{self, Block, CommitCertificate, Header},
    consortium::ValidatorSet,
    hash::Hash32,
    history::History,
    ids::{ChainId, Height},
    suite::Suite,
    tx::VerifiedTx,
};

/// One broken property, as the run found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// Two validators committed different blocks at one height.
    Agreement {
        /// The height.
        height: u64,
        /// The validator that committed the block first.
        first_node: usize,
        /// Its block.
        first: Hash32,
        /// The validator that committed another block.
        node: usize,
        /// That block.
        other: Hash32,
    },
    /// A committed block breaks a validity rule.
    Validity {
        /// The validator that committed it.
        node: usize,
        /// The height.
        height: u64,
        /// What is wrong.
        reason: String,
    },
    /// A tx was committed twice.
    DuplicateTx {
        /// The tx.
        tx: Hash32,
        /// Where it was committed first.
        first_height: u64,
        /// Where it was committed again.
        height: u64,
    },
    /// A tx a validator acknowledged was never committed.
    LostTx {
        /// The tx.
        tx: Hash32,
    },
    /// A validator's store lost blocks it had committed.
    Rewound {
        /// The validator.
        node: usize,
        /// What it had committed.
        had: u64,
        /// What it holds after restarting.
        holds: u64,
    },
    /// A validator stopped on an error, as a real node stops.
    Halted {
        /// The validator.
        node: usize,
        /// The error.
        reason: String,
    },
    /// The run stopped making progress in virtual time: some validator keeps waking itself
    /// at one instant.
    Stalled {
        /// The virtual time it is stuck at.
        at_ms: u64,
    },
    /// After the network healed, a validator did not commit enough new heights in time.
    Liveness {
        /// The validator.
        node: usize,
        /// Its committed height at the end.
        height: u64,
        /// The height it had to reach.
        target: u64,
        /// How long it had, in virtual milliseconds.
        bound_ms: u64,
    },
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Agreement { height, first_node, first, node, other } => write!(
                f,
                "agreement: at height {height} node {first_node} committed {first} and node {node} committed {other}"
            ),
            Self::Validity { node, height, reason } => {
                write!(
                    f,
                    "validity: node {node} committed an invalid block at height {height}: {reason}"
                )
            }
            Self::DuplicateTx { tx, first_height, height } => {
                write!(
                    f,
                    "exactly once: tx {tx} committed at height {first_height} and again at {height}"
                )
            }
            Self::LostTx { tx } => {
                write!(f, "exactly once: acknowledged tx {tx} was never committed")
            }
            Self::Rewound { node, had, holds } => {
                write!(
                    f,
                    "durability: node {node} had committed {had} but holds {holds} after restart"
                )
            }
            Self::Halted { node, reason } => write!(f, "node {node} stopped: {reason}"),
            Self::Stalled { at_ms } => {
                write!(
                    f,
                    "stalled: events keep coming at virtual time {at_ms} ms without time passing"
                )
            }
            Self::Liveness { node, height, target, bound_ms } => write!(
                f,
                "liveness: node {node} reached height {height}, not {target}, within {bound_ms} ms of the heal"
            ),
        }
    }
}

/// The canonical chain and everything the checks need to judge it.
#[derive(Debug)]
pub(crate) struct Oracle {
    chain_id: ChainId,
    suite: Suite,
    genesis_hash: Hash32,
    validators: ValidatorSet,
    /// Canonical headers by height (index 0 is height 1), with the node that committed first.
    canonical: Vec<(Header, usize)>,
    /// The history tree over the genesis hash and every canonical block hash.
    history: History,
    state: MemState,
    nodes: MemNodeStore,
    state_root: Hash32,
    /// Height of every committed tx.
    committed: BTreeMap<Hash32, u64>,
    /// Every tx a client signed.
    submitted: BTreeSet<Hash32>,
    /// Every tx a validator acknowledged.
    acknowledged: BTreeSet<Hash32>,
    pub(crate) violations: Vec<Violation>,
}

impl Oracle {
    pub(crate) fn new(
        chain_id: ChainId,
        suite: Suite,
        genesis_hash: Hash32,
        validators: ValidatorSet,
        genesis_records: Vec<(onebook_types::record::RecordKey, Vec<u8>)>,
    ) -> Self {
        let nodes = MemNodeStore::new();
        let updates: Vec<(Hash32, Option<Hash32>)> = genesis_records
            .iter()
            .map(|(key, value)| {
                (key_hash_in(suite, &key.encode()), Some(value_hash_in(suite, value)))
            })
            .collect();
        let update = apply_updates_in(suite, &nodes, Hash32::ZERO, updates);
        let mut nodes = nodes;
        nodes.insert_all(&update);
        let mut history = History::new();
        history.push_in(suite, &genesis_hash);
        Self {
            chain_id,
            suite,
            genesis_hash,
            validators,
            canonical: Vec::new(),
            history,
            state: MemState::from_records(genesis_records),
            nodes,
            state_root: update.root,
            committed: BTreeMap::new(),
            submitted: BTreeSet::new(),
            acknowledged: BTreeSet::new(),
            violations: Vec::new(),
        }
    }

    /// The height of the canonical chain's tip.
    pub(crate) fn height(&self) -> u64 {
        self.canonical.len() as u64
    }

    pub(crate) fn submitted(&mut self, tx: Hash32) {
        self.submitted.insert(tx);
    }

    pub(crate) fn acknowledged(&mut self, tx: Hash32) {
        self.acknowledged.insert(tx);
    }

    pub(crate) fn acknowledged_count(&self) -> usize {
        self.acknowledged.len()
    }

    pub(crate) fn committed_count(&self) -> usize {
        self.committed.len()
    }

    pub(crate) fn is_committed(&self, tx: &Hash32) -> bool {
        self.committed.contains_key(tx)
    }

    /// Whether every acknowledged tx is committed.
    pub(crate) fn all_acknowledged_committed(&self) -> bool {
        self.acknowledged.iter().all(|tx| self.committed.contains_key(tx))
    }

    /// Records that `node` committed `block` with `certificate` at `height`, its store holding
    /// `state_root` there.
    pub(crate) fn commit(
        &mut self,
        node: usize,
        block: &Block,
        certificate: &CommitCertificate,
        state_root: Hash32,
    ) {
        let height = block.header.height.0;
        let hash = block.header.hash_in(self.suite);
        match self.canonical.get(height as usize - 1) {
            Some((header, first_node)) => {
                if header.hash_in(self.suite) != hash {
                    self.violations.push(Violation::Agreement {
                        height,
                        first_node: *first_node,
                        first: header.hash_in(self.suite),
                        node,
                        other: hash,
                    });
                } else if state_root != header.state_root {
                    self.invalid(node, height, format!("its store holds state root {state_root}"));
                }
            }
            None if height == self.height() + 1 => {
                if let Err(reason) = self.check_new(block, certificate, state_root) {
                    self.invalid(node, height, reason);
                }
                self.history.push_in(self.suite, &hash);
                self.canonical.push((block.header.clone(), node));
            }
            None => {
                self.invalid(node, height, format!("the canonical chain ends at {}", self.height()))
            }
        }
    }

    pub(crate) fn halted(&mut self, node: usize, reason: &str) {
        self.violations.push(Violation::Halted { node, reason: reason.to_owned() });
    }

    pub(crate) fn rewound(&mut self, node: usize, had: u64, holds: u64) {
        self.violations.push(Violation::Rewound { node, had, holds });
    }

    pub(crate) fn stalled(&mut self, at_ms: u64) {
        self.violations.push(Violation::Stalled { at_ms });
    }

    pub(crate) fn liveness(&mut self, node: usize, height: u64, target: u64, bound_ms: u64) {
        self.violations.push(Violation::Liveness { node, height, target, bound_ms });
    }

    /// Every acknowledged tx that is not committed, as a violation.
    pub(crate) fn check_acknowledged(&mut self) {
        let lost: Vec<Hash32> = self
            .acknowledged
            .iter()
            .filter(|tx| !self.committed.contains_key(tx))
            .copied()
            .collect();
        self.violations.extend(lost.into_iter().map(|tx| Violation::LostTx { tx }));
    }

    fn invalid(&mut self, node: usize, height: u64, reason: String) {
        self.violations.push(Violation::Validity { node, height, reason });
    }

    /// Checks the first block committed at the height above the canonical tip.
    fn check_new(
        &mut self,
        block: &Block,
        certificate: &CommitCertificate,
        state_root: Hash32,
    ) -> Result<(), String> {
        let header = &block.header;
        let height = header.height.0;
        let parent =
            self.canonical.last().map_or(self.genesis_hash, |(h, _)| h.hash_in(self.suite));
        if header.previous_hash != parent {
            return Err(format!("it follows {}, not {parent}", header.previous_hash));
        }
        if header.chain_id != self.chain_id {
            return Err(format!("it is for chain {}", header.chain_id));
        }
        if header.validator_set_hash != self.validators.hash_in(self.suite) {
            return Err("it names another validator set".into());
        }
        if header.history_root != self.history.root_in(self.suite) {
            return Err("its history root is not the tree of the blocks before it".into());
        }
        certificate
            .verify_in(self.suite, header, &self.genesis_hash, &self.validators)
            .map_err(|error| format!("its certificate does not verify: {error}"))?;
        let hashes: Vec<Hash32> = block.txs.iter().map(|tx| tx.hash_in(self.suite)).collect();
        if header.tx_root != block::tx_root_in(self.suite, &hashes)
            || header.tx_count as usize != hashes.len()
        {
            return Err("its tx root or count does not match its txs".into());
        }
        let mut verified = Vec::with_capacity(block.txs.len());
        for (tx, hash) in block.txs.iter().zip(&hashes) {
            if !self.submitted.contains(hash) {
                return Err(format!("it holds tx {hash}, which no client signed"));
            }
            verified.push(
                tx.clone()
                    .verify_in(self.suite)
                    .map_err(|_| format!("tx {hash} has a bad signature"))?,
            );
            if let Some(first_height) = self.committed.insert(*hash, height) {
                self.violations.push(Violation::DuplicateTx { tx: *hash, first_height, height });
            }
        }
        self.execute(header, &verified)?;
        if state_root != header.state_root {
            return Err(format!("its store holds state root {state_root}"));
        }
        Ok(())
    }

    /// Executes the block independently of the nodes and compares its roots.
    fn execute(&mut self, header: &Header, txs: &[VerifiedTx]) -> Result<(), String> {
        let context = BlockContext {
            chain_id: self.chain_id.clone(),
            height: Height(header.height.0),
            time: header.time,
            suite: self.suite,
        };
        let outcome = apply_block(&self.state, &context, txs);
        if block::receipts_root_in(self.suite, &outcome.receipts) != header.receipts_root {
            return Err("its receipts root does not match an independent execution".into());
        }
        let updates: Vec<(Hash32, Option<Hash32>)> = outcome
            .changes
            .iter()
            .map(|(key, value)| {
                let value_hash = |value| value_hash_in(self.suite, value);
                (key_hash_in(self.suite, &key.encode()), value.as_deref().map(value_hash))
            })
            .collect();
        let update = apply_updates_in(self.suite, &self.nodes, self.state_root, updates);
        self.nodes.insert_all(&update);
        self.state_root = update.root;
        self.state.apply_changes(&outcome.changes);
        if update.root != header.state_root {
            return Err(format!(
                "its state root {} differs from an independent execution's {}",
                header.state_root, update.root
            ));
        }
        Ok(())
    }
}
