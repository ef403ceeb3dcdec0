//! A deterministic synthetic chain: block `h` is a pure function of `h` and the parameters.

use onebook_state::{MemNodeStore, apply_updates, key_hash, value_hash};
use onebook_storage::{BlockCommit, RecordChange, Store, Tip, TxTouch};
use onebook_types::{
    action::Action,
    block::{self, Block, Event, Header, Receipt},
    codec,
    hash::Hash32,
    history::History,
    ids::{ChainId, Height, Nonce, OrgId, ShareRequestId, Timestamp},
    keys::SecretKey,
    record::RecordKey,
    tx::{SignedTx, TxBody},
};

/// The chain id of synthetic chains.
pub const CHAIN_ID: &str = "onebook-synthetic";
/// Block time of block 1; each block is one second later.
pub const GENESIS_TIME_MS: u64 = 1_767_196_800_000;

/// The genesis hash of synthetic chains.
pub fn genesis_hash() -> Hash32 {
    onebook_types::hash::hash_tagged(onebook_types::hash::Tag::Genesis, &[CHAIN_ID.as_bytes()])
}

/// The genesis records of synthetic chains.
pub fn genesis_records() -> Vec<RecordChange> {
    vec![RecordChange { key: RecordKey::Sequence("synthetic".into()), value: Some(vec![0]) }]
}

/// The `n`-th signer (deterministic).
pub fn signer(n: u64) -> SecretKey {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&n.to_le_bytes());
    seed[31] = 0x5e;
    SecretKey::from_seed(seed)
}

/// The contents of a synthetic block before its header is sealed.
#[derive(Debug, Clone)]
pub struct BlockBody {
    /// The transactions.
    pub txs: Vec<SignedTx>,
    /// Their receipts.
    pub receipts: Vec<Receipt>,
    /// What they touched.
    pub touches: Vec<TxTouch>,
    /// The state changes of the block.
    pub changes: Vec<RecordChange>,
}

/// The body of block `height` with `txs_per_block` transactions over `signers` signers.
///
/// Each tx comes from signer `(height * txs + i) % signers`; it sets the signer's nonce record,
/// writes one record keyed by its position, and every seventh block deletes a record written
/// seven blocks earlier, so the tree sees inserts, replacements and deletes.
pub fn body(height: Height, txs_per_block: u64, signers: u64) -> BlockBody {
    assert!(height.0 >= 1 && signers >= 1);
    let mut body = BlockBody {
        txs: Vec::new(),
        receipts: Vec::new(),
        touches: Vec::new(),
        changes: Vec::new(),
    };
    for i in 0..txs_per_block {
        let global = (height.0 - 1) * txs_per_block + i;
        let who = global % signers;
        let key = signer(who);
        let nonce = Nonce(global / signers + 1);
        let tx = TxBody {
            chain_id: ChainId::from(CHAIN_ID),
            signer: key.public_key(),
            nonce,
            valid_until: Height(height.0 + 100),
            action: Action::WithdrawShareRequest { request: ShareRequestId(global) },
        }
        .sign(&key);
        let hash = tx.hash();
        let record = RecordKey::ShareRequest(ShareRequestId(global));
        body.changes.push(RecordChange {
            key: RecordKey::Nonce(key.public_key()),
            value: Some(codec::encode(&nonce)),
        });
        body.changes.push(RecordChange { key: record.clone(), value: Some(hash.0.to_vec()) });
        let event = Event {
            kind: "synthetic.written".into(),
            attributes: vec![("n".into(), global.to_string())],
        };
        body.receipts.push(Receipt::accepted(hash, vec![event]));
        body.touches
            .push(TxTouch { records: vec![record], orgs: vec![OrgId(format!("org-{}", who % 4))] });
        body.txs.push(tx);
    }
    if height.0 > 7 && height.0.is_multiple_of(7) {
        let old = (height.0 - 8) * txs_per_block;
        body.changes
            .push(RecordChange { key: RecordKey::ShareRequest(ShareRequestId(old)), value: None });
    }
    body
}

/// Seals a body on top of `tip` with the given state root and history root (the store's
/// `next_history_root`).
pub fn seal(tip: &Tip, body: &BlockBody, state_root: Hash32, history_root: Hash32) -> Block {
    let height = tip.height.next();
    let hashes: Vec<Hash32> = body.txs.iter().map(SignedTx::hash).collect();
    let header = Header {
        chain_id: ChainId::from(CHAIN_ID),
        height,
        time: Timestamp(GENESIS_TIME_MS + height.0 * 1000),
        previous_hash: tip.block_hash,
        history_root,
        tx_root: block::tx_root(&hashes),
        tx_count: u32::try_from(hashes.len()).expect("a synthetic block is small"),
        receipts_root: block::receipts_root(&body.receipts),
        state_root,
        validator_set_hash: Hash32::ZERO,
        next_validator_set_hash: Hash32::ZERO,
        proposer: signer(0).public_key(),
    };
    Block { header, txs: body.txs.clone() }
}

/// Builds, stages and commits the next synthetic block into `store`.
pub fn commit_next(store: &Store, txs_per_block: u64, signers: u64) -> eyre::Result<Tip> {
    let tip = store.tip()?;
    let body = body(tip.height.next(), txs_per_block, signers);
    let staged = store.stage(body.changes.clone())?;
    let block = seal(&tip, &body, staged.root, store.next_history_root()?);
    let commit =
        BlockCommit { block, receipts: body.receipts, certificate: None, touches: body.touches };
    Ok(store.commit(commit, staged)?)
}

/// Replays the synthetic chain in memory, independently of RocksDB.
#[derive(Debug)]
pub struct MemReplay {
    nodes: MemNodeStore,
    history: History,
    /// The tip reached.
    pub tip: Tip,
    txs_per_block: u64,
    signers: u64,
}

impl MemReplay {
    /// A replay at genesis.
    pub fn new(txs_per_block: u64, signers: u64) -> Self {
        let mut nodes = MemNodeStore::new();
        let update = apply_updates(&nodes, Hash32::ZERO, updates(&genesis_records()));
        nodes.insert_all(&update);
        let tip = Tip { height: Height(0), block_hash: genesis_hash(), state_root: update.root };
        let mut history = History::new();
        history.push(&tip.block_hash);
        Self { nodes, history, tip, txs_per_block, signers }
    }

    /// Advances to `height`, returning the tip there.
    pub fn advance_to(&mut self, height: Height) -> Tip {
        while self.tip.height < height {
            let body = body(self.tip.height.next(), self.txs_per_block, self.signers);
            let update = apply_updates(&self.nodes, self.tip.state_root, updates(&body.changes));
            self.nodes.insert_all(&update);
            let block = seal(&self.tip, &body, update.root, self.history.root());
            self.history.push(&block.header.hash());
            self.tip = Tip {
                height: block.header.height,
                block_hash: block.header.hash(),
                state_root: update.root,
            };
        }
        self.tip
    }
}

fn updates(changes: &[RecordChange]) -> Vec<(Hash32, Option<Hash32>)> {
    changes
        .iter()
        .map(|c| (key_hash(&c.key.encode()), c.value.as_deref().map(value_hash)))
        .collect()
}
