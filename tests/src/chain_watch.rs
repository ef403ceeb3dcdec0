//! The safety oracle of partition and soak runs: the block each node holds at each height,
//! read through the nodes' APIs, and every height at which two nodes hold different blocks.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use eyre::{bail, eyre};

use crate::devnet::Node;

/// One block as a node serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenBlock {
    /// The header hash.
    pub hash: String,
    /// The proposer's node key (hex).
    pub proposer: String,
    /// The round its certificate was decided in.
    pub round: u64,
}

/// The block each node holds at each height, and every height at which two nodes disagree.
#[derive(Debug)]
pub struct ChainWatch {
    /// The first block seen at each height, and the node it came from.
    blocks: BTreeMap<u64, (SeenBlock, usize)>,
    /// The highest height checked on each node.
    checked: Vec<u64>,
    /// Block reads compared.
    compared: u64,
    /// Every disagreement seen, described.
    violations: Vec<String>,
    /// Whether to keep the tx hashes of newly seen heights for [`ChainWatch::take_committed_txs`].
    keep_txs: bool,
    /// The tx hashes of heights first seen since the last take.
    committed_txs: Vec<String>,
}

impl ChainWatch {
    /// A watch over `nodes` nodes, nothing read yet.
    pub fn new(nodes: usize) -> Self {
        Self {
            blocks: BTreeMap::new(),
            checked: vec![0; nodes],
            compared: 0,
            violations: Vec::new(),
            keep_txs: false,
            committed_txs: Vec::new(),
        }
    }

    /// The watch, keeping the hashes of the txs in every height it sees for
    /// [`ChainWatch::take_committed_txs`].
    pub fn keeping_tx_hashes(mut self) -> Self {
        self.keep_txs = true;
        self
    }

    /// The hashes of the txs committed at heights first seen since the last call (only with
    /// [`ChainWatch::keeping_tx_hashes`]).
    pub fn take_committed_txs(&mut self) -> Vec<String> {
        std::mem::take(&mut self.committed_txs)
    }

    /// Reads, from every node whose API answers, each block it committed since the last poll
    /// and compares it with what other nodes hold at that height. The heights seen (`None`
    /// where the API did not answer).
    pub fn poll(&mut self, nodes: &[Node]) -> Vec<Option<u64>> {
        let mut heights = Vec::with_capacity(nodes.len());
        for (node, process) in nodes.iter().enumerate() {
            let height = process.height();
            heights.push(height);
            let Some(height) = height else { continue };
            for at in self.checked[node] + 1..=height {
                match read_block(process, at) {
                    Ok(block) => self.record(node, at, block),
                    // A node that stops answering mid-way is read again at the next poll.
                    Err(_) => break,
                }
                self.checked[node] = at;
            }
        }
        heights
    }

    fn record(&mut self, node: usize, height: u64, (block, txs): (SeenBlock, Vec<String>)) {
        self.compared += 1;
        match self.blocks.get(&height) {
            None => {
                if self.keep_txs {
                    self.committed_txs.extend(txs);
                }
                self.blocks.insert(height, (block, node));
            }
            Some((first, first_node)) if first.hash != block.hash => {
                self.violations.push(format!(
                    "height {height}: node{first_node} holds {} and node{node} holds {}",
                    first.hash, block.hash
                ));
            }
            Some(_) => {}
        }
    }

    /// Polls every `interval` for `duration`; the height samples taken, with their time.
    pub fn observe(
        &mut self,
        nodes: &[Node],
        duration: Duration,
        interval: Duration,
    ) -> Vec<(Instant, Vec<Option<u64>>)> {
        let until = Instant::now() + duration;
        let mut samples = Vec::new();
        loop {
            samples.push((Instant::now(), self.poll(nodes)));
            if Instant::now() >= until {
                return samples;
            }
            std::thread::sleep(interval.min(until.saturating_duration_since(Instant::now())));
        }
    }

    /// The block recorded at `height`, if any node has served it.
    pub fn block(&self, height: u64) -> Option<&SeenBlock> {
        self.blocks.get(&height).map(|(block, _)| block)
    }

    /// Block reads compared so far.
    pub fn compared(&self) -> u64 {
        self.compared
    }

    /// The heights at which some node's block was read.
    pub fn heights_seen(&self) -> usize {
        self.blocks.len()
    }

    /// Every disagreement seen.
    pub fn violations(&self) -> &[String] {
        &self.violations
    }
}

/// Node `process`'s block at `height`, and the hashes of its txs.
fn read_block(process: &Node, height: u64) -> eyre::Result<(SeenBlock, Vec<String>)> {
    let (status, body) = process.get(&format!("/v1/blocks/{height}"))?;
    if status != 200 {
        bail!("block {height}: {status} {body}");
    }
    let text = |value: &serde_json::Value, what: &str| {
        value.as_str().map(str::to_owned).ok_or_else(|| eyre!("block {height}: no {what}: {body}"))
    };
    let block = SeenBlock {
        hash: text(&body["hash"], "hash")?,
        proposer: text(&body["header"]["proposer"], "proposer")?,
        round: body["certificate"]["vote"]["round"]
            .as_u64()
            .ok_or_else(|| eyre!("block {height}: no certificate round: {body}"))?,
    };
    let txs = body["tx_hashes"]
        .as_array()
        .ok_or_else(|| eyre!("block {height}: no tx hashes: {body}"))?
        .iter()
        .map(|hash| text(hash, "tx hash"))
        .collect::<eyre::Result<_>>()?;
    Ok((block, txs))
}
