//! A history of the development network built straight into a store: blocks of real signed txs
//! proposed and executed by [`Chain`] under the ledger rules, each committed with a certificate
//! signed by the four dev validators' keys. A node started on a copy of the store holds that
//! history as its own, and a node that syncs it verifies every block as it would any other.

use std::{
    path::Path,
    sync::{Arc, Mutex},
};

use eyre::eyre;
use onebook_chain::{Chain, ChainConfig};
use onebook_consensus::Application;
use onebook_genesis::{GenesisFile, dev_secret};
use onebook_mempool::{Mempool, MempoolConfig};
use onebook_storage::{Store, StoreConfig, Tip};
use onebook_types::{
    action::Action,
    block::{CommitCertificate, CommitSignature, CommitVote},
    codec,
    consortium::Role,
    ids::{ChainId, Height, Nonce, Timestamp},
    keys::SecretKey,
    tx::TxBody,
};

/// The orgs whose admins sign the history's txs, each in nonce order: every org admin of the
/// dev network.
pub const SIGNERS: [&str; 8] = [
    "fj-gov/admin",
    "fj-sjj/admin",
    "xm-gov/admin",
    "xm-dsj/admin",
    "xm-gaj/admin",
    "xm-scjg/admin",
    "xm-djzx/admin",
    "xm-jypt/admin",
];

/// The orgs of the dev network's validators, whose `<org>/node` keys sign the certificates.
const VALIDATOR_ORGS: [&str; 4] = ["fj-sjj", "xm-dsj", "xm-gaj", "xm-scjg"];

/// The development network's genesis, as `onebook testnet` writes it.
pub fn dev_genesis() -> eyre::Result<GenesisFile> {
    Ok(GenesisFile::from_json_validated(include_bytes!("../../genesis/networks/dev.json"))?)
}

/// What [`build`] made.
#[derive(Clone, Copy, Debug)]
pub struct History {
    /// The last block.
    pub tip: Tip,
    /// Txs committed in all.
    pub txs: u64,
}

/// Writes the genesis and `blocks` blocks of `txs_per_block` `RegisterMember` txs each into a new
/// store at `dir`, block `h` timed one second after block `h - 1`, from the genesis time on.
/// Each tx registers a fresh key as a data user of its signer's org, so every tx is accepted.
/// The store is flushed, as a stopped node's store is copied: no write-ahead log to replay on open.
pub fn build(dir: &Path, blocks: u64, txs_per_block: u64) -> eyre::Result<History> {
    write(dir, blocks, txs_per_block, true)
}

/// As [`build`], but the store is left as a node killed right after its last commit leaves it:
/// the latest writes only in the write-ahead log, not yet flushed into table files.
pub fn build_in_wal(dir: &Path, blocks: u64, txs_per_block: u64) -> eyre::Result<History> {
    write(dir, blocks, txs_per_block, false)
}

fn write(dir: &Path, blocks: u64, txs_per_block: u64, flush: bool) -> eyre::Result<History> {
    let genesis = dev_genesis()?;
    let store = Store::open(&StoreConfig::new(dir))?;
    store.init_genesis_state(genesis.hash(), genesis.initial_state())?;
    let chain_id = genesis.chain_id.clone();
    let mempool = Mempool::new(MempoolConfig::default(), chain_id.clone());
    // Block times run one second apart from the genesis time; the chain's clock is set past
    // the last block, so that every tx is admitted and no block is ahead of it.
    fn clock() -> Timestamp {
        Timestamp(1_767_196_800_000 + 10 * 365 * 24 * 3_600_000)
    }
    let mut chain = Chain::new(
        Arc::new(store),
        Arc::new(Mutex::new(mempool)),
        chain_id.clone(),
        genesis.genesis_time,
        ChainConfig::default(),
        clock,
    );
    let signers: Vec<SecretKey> = SIGNERS.iter().map(|label| dev_secret(label)).collect();
    let validators: Vec<SecretKey> =
        VALIDATOR_ORGS.iter().map(|org| dev_secret(&format!("{org}/node"))).collect();
    let mut nonces = vec![0u64; signers.len()];
    let mut txs = 0u64;
    for height in 1..=blocks {
        for n in 0..txs_per_block {
            let who = usize::try_from((height * txs_per_block + n) % signers.len() as u64)?;
            nonces[who] += 1;
            let tx = register_member(&chain_id, &signers[who], nonces[who], txs);
            chain.admit(&tx).map_err(|error| eyre!("block {height}: admission: {error}"))?;
            txs += 1;
        }
        let time = Timestamp(genesis.genesis_time.0 + height * 1_000);
        let block = chain
            .propose(Height(height), time, validators[0].public_key())
            .map_err(|error| eyre!("block {height}: {error}"))?;
        let certificate =
            certify(&chain_id, genesis.hash(), &block.header.hash(), Height(height), &validators);
        chain.commit(block, certificate).map_err(|error| eyre!("block {height}: {error}"))?;
    }
    let tip = chain.store().tip()?;
    if flush {
        chain.store().flush()?;
    }
    Ok(History { tip, txs })
}

/// A certificate for the block `block_hash` at `height` with every validator's precommit.
fn certify(
    chain_id: &ChainId,
    genesis_hash: onebook_types::hash::Hash32,
    block_hash: &onebook_types::hash::Hash32,
    height: Height,
    validators: &[SecretKey],
) -> CommitCertificate {
    let vote = CommitVote {
        chain_id: chain_id.clone(),
        genesis_hash,
        height,
        round: 0,
        block_hash: *block_hash,
    };
    let digest = vote.signing_digest();
    let mut signatures: Vec<CommitSignature> = validators
        .iter()
        .map(|key| CommitSignature {
            node_key: key.public_key(),
            signature: key.sign(digest.as_bytes()),
        })
        .collect();
    signatures.sort_by_key(|signature| signature.node_key);
    CommitCertificate { vote, signatures }
}

/// A signed `RegisterMember` tx of `signer` at `nonce`, registering the `n`-th fresh key.
fn register_member(chain_id: &ChainId, signer: &SecretKey, nonce: u64, n: u64) -> Vec<u8> {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&n.to_le_bytes());
    seed[31] = 0x4d;
    let body = TxBody {
        chain_id: chain_id.clone(),
        signer: signer.public_key(),
        nonce: Nonce(nonce),
        valid_until: Height(u64::MAX),
        action: Action::RegisterMember {
            key: SecretKey::from_seed(seed).public_key(),
            name: "网关".into(),
            roles: vec![Role::DataUser],
        },
    };
    codec::encode(&body.sign(signer))
}

/// Copies the store directory `from` into `to` (created), file by file, as an operator copies
/// a stopped node's data directory.
pub fn copy_store(from: &Path, to: &Path) -> eyre::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
