//! Test fixtures: the dev network's genesis state and a small chain driver signing with its keys.

use onebook_genesis::{GenesisFile, dev_secret};
use onebook_types::{
    action::Action,
    block::Receipt,
    consortium::Member,
    ids::{ChainId, Height, Nonce, Timestamp},
    keys::{PublicKey, SecretKey},
    record::RecordKey,
    rejection::Rejection,
    tx::{TxBody, VerifiedTx},
};

use crate::{
    executor::{BlockContext, BlockOutcome, apply_block},
    ports::{MemState, load},
};

/// `genesis/networks/dev.json`, validated.
pub(crate) fn dev_genesis() -> GenesisFile {
    let bytes = include_bytes!("../../../genesis/networks/dev.json");
    GenesisFile::from_json_validated(bytes).expect("the dev genesis is valid")
}

/// The state at height 0 of the dev network, built once per test process.
pub(crate) fn genesis_state() -> MemState {
    static STATE: std::sync::OnceLock<MemState> = std::sync::OnceLock::new();
    STATE.get_or_init(|| MemState::from_records(dev_genesis().initial_state())).clone()
}

/// The public key of the dev key `label`.
pub(crate) fn public(label: &str) -> PublicKey {
    dev_secret(label).public_key()
}

/// A signed, verified tx.
pub(crate) fn signed(secret: &SecretKey, nonce: u64, action: Action) -> VerifiedTx {
    let body = TxBody {
        chain_id: ChainId::from("onebook-dev-1"),
        signer: secret.public_key(),
        nonce: Nonce(nonce),
        valid_until: Height(1_000),
        action,
    };
    body.sign(secret).verify().expect("a freshly signed tx verifies")
}

/// The dev chain, one block per call.
#[derive(Debug)]
pub(crate) struct Chain {
    pub(crate) state: MemState,
    pub(crate) height: Height,
    /// Block time skipped by [`Chain::skip`], on top of one second per block.
    pub(crate) skipped_ms: u64,
}

impl Chain {
    pub(crate) fn dev() -> Self {
        Self { state: genesis_state(), height: Height(0), skipped_ms: 0 }
    }

    /// The dev chain with protocol versions 2 and 3 in force from its first block, as if
    /// governance had scheduled them before it.
    pub(crate) fn at_version_three() -> Self {
        use onebook_types::{
            consortium::{ProtocolSchedule, ProtocolUpgrade},
            ids::ProtocolVersion,
        };
        let mut chain = Self::dev();
        let upgrade =
            |version| ProtocolUpgrade { version: ProtocolVersion(version), height: Height(1) };
        let schedule = ProtocolSchedule { upgrades: vec![upgrade(2), upgrade(3)] };
        crate::ports::store(&mut chain.state, RecordKey::Protocol, &schedule);
        chain
    }

    pub(crate) fn context(&self) -> BlockContext {
        BlockContext {
            chain_id: ChainId::from("onebook-dev-1"),
            height: self.height.next(),
            time: Timestamp(1_767_196_800_000 + (self.height.0 + 1) * 1_000 + self.skipped_ms),
            suite: onebook_types::suite::Suite::Ed25519Blake3,
        }
    }

    /// Moves block time `ms` further ahead from the next block on, as if blocks had paused.
    pub(crate) fn skip(&mut self, ms: u64) {
        self.skipped_ms += ms;
    }

    /// The next nonce of `secret`'s key in the current state.
    pub(crate) fn next_nonce(&self, key: PublicKey) -> u64 {
        load::<Nonce>(&self.state, &RecordKey::Nonce(key)).unwrap_or_default().next().0
    }

    /// Executes one block of `txs` and commits its changes.
    pub(crate) fn block(&mut self, txs: &[VerifiedTx]) -> BlockOutcome {
        let outcome = apply_block(&self.state, &self.context(), txs);
        self.state.apply_changes(&outcome.changes);
        self.height = self.height.next();
        outcome
    }

    /// Signs `action` with `secret` at its next nonce and executes it alone in a block.
    pub(crate) fn run_with(&mut self, secret: &SecretKey, action: Action) -> Receipt {
        let tx = signed(secret, self.next_nonce(secret.public_key()), action);
        self.block(&[tx]).receipts.remove(0)
    }

    /// Signs `action` with the dev key `label` and executes it alone in a block at block time
    /// `time`, whatever the chain's own clock says.
    pub(crate) fn run_at(&mut self, time: Timestamp, label: &str, action: Action) -> Receipt {
        let secret = dev_secret(label);
        let tx = signed(&secret, self.next_nonce(secret.public_key()), action);
        let ctx = BlockContext { time, ..self.context() };
        let outcome = apply_block(&self.state, &ctx, &[tx]);
        self.state.apply_changes(&outcome.changes);
        self.height = self.height.next();
        outcome.receipts.into_iter().next().expect("one receipt")
    }

    /// As [`Chain::run_with`], signing with the dev key `label`.
    pub(crate) fn run(&mut self, label: &str, action: Action) -> Receipt {
        self.run_with(&dev_secret(label), action)
    }

    pub(crate) fn member(&self, key: PublicKey) -> Option<Member> {
        load(&self.state, &RecordKey::Member(key))
    }
}

/// The rejection of a receipt, `None` if accepted.
pub(crate) fn refusal(receipt: &Receipt) -> Option<Rejection> {
    assert!(receipt.code == Receipt::ACCEPTED || receipt.rejection().is_some());
    receipt.rejection()
}

/// One way to reach a rejection through the executor: a chain prepared up to the refusal, and
/// the tx it refuses. Each module's `reach` returns one per rejection code it owns.
#[derive(Debug)]
pub(crate) struct Reach {
    /// The chain just before the refused tx.
    pub(crate) chain: Chain,
    /// The tx that is refused with the rejection.
    pub(crate) tx: VerifiedTx,
}

impl Reach {
    /// A reach of `chain` by the dev key `label` signing `action` at its next nonce.
    pub(crate) fn by(chain: Chain, label: &str, action: Action) -> Self {
        let secret = dev_secret(label);
        let tx = signed(&secret, chain.next_nonce(secret.public_key()), action);
        Self { chain, tx }
    }
}
