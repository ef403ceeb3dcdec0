//! The read audit: when the consortium's policy says `record_signed_reads`, every signed read
//! this node serves is recorded on the ledger in a `RecordReads` tx (ADR 0011), carrying the
//! reader's own signature, so a node can neither invent a read nor hide one it served.
//!
//! A read is recorded only once it was answered with a 2xx. Before the answer the node reserves a
//! place in its queue of [`READ_QUEUE_MAX`] reads; with the policy on, a node that has no
//! operator key to sign with (`[api] read_audit_key`), a full queue, or a path too long to record
//! refuses the read rather than serve it unrecorded. The queue is written out in batches of up
//! to [`READS_PER_TX_MAX`] reads, at most [`BATCH_WAIT`] after the first, signed with the
//! operator's member key at its next nonce, admitted to this node's mempool and gossiped.

use std::{sync::Arc, time::Duration};

use axum::http::StatusCode;
use onebook_chain::TxGate;
use onebook_query::NodeRead;
use onebook_types::{
    action::Action,
    codec,
    ids::{ChainId, Height, Nonce},
    keys::SecretKey,
    limits::{READ_PATH_BYTES_MAX, READS_PER_TX_MAX},
    reads::SignedRead,
    tx::TxBody,
};
use tokio::sync::mpsc;

use crate::problem::Problem;

/// Most reads waiting to be recorded; one more signed read is refused until the queue drains.
pub const READ_QUEUE_MAX: usize = 10_000;
/// Longest a read waits for more reads to share its tx.
pub const BATCH_WAIT: Duration = Duration::from_millis(500);
/// Tries to admit a batch before it is given up (and logged as an error).
const SUBMIT_TRIES: u32 = 10;

/// Records the signed reads this node serves; cheap to clone.
#[derive(Clone, Debug)]
pub struct ReadRecorder {
    queue: mpsc::Sender<SignedRead>,
}

/// A place in the queue, held while the read is answered.
pub(crate) type Reserved = mpsc::OwnedPermit<SignedRead>;

impl ReadRecorder {
    /// Starts the task that writes the queued reads out, signing with `operator` (a member key
    /// of an active org) and admitting through `gate` (each tx valid for 100 blocks above the
    /// tip of `node`); `gossip` spreads each batch.
    pub fn spawn(
        operator: SecretKey,
        gate: TxGate,
        node: Arc<dyn NodeRead>,
        chain_id: ChainId,
        gossip: Option<onebook_network::TxGossip>,
    ) -> Self {
        let (queue, reads) = mpsc::channel(READ_QUEUE_MAX);
        let writer = Writer { operator: Arc::new(operator), gate, node, chain_id, gossip };
        tokio::spawn(writer.run(reads));
        Self { queue }
    }
}

/// Whether the policy at the tip of `node` has signed reads recorded; then a place in the
/// queue for the read of `path`, or the problem that refuses the read.
pub(crate) fn reserve(
    node: &dyn NodeRead,
    recorder: Option<&ReadRecorder>,
    path: &str,
) -> Result<Option<Reserved>, Problem> {
    let policy = node.policy_at_tip().map_err(|error| Problem::unavailable(&error))?;
    if !policy.is_some_and(|policy| policy.record_signed_reads) {
        return Ok(None);
    }
    if path.len() > READ_PATH_BYTES_MAX {
        return Err(Problem::new(
            StatusCode::URI_TOO_LONG,
            "read-path-too-long",
            "the signed read is too long to record",
            format!(
                "the policy has signed reads recorded, and a recorded path and query is at most \
                 {READ_PATH_BYTES_MAX} bytes; this one is {}",
                path.len()
            ),
        ));
    }
    let unavailable = |detail: &str| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "read-audit-unavailable",
            "this node cannot record the read as the policy requires",
            detail.to_owned(),
        )
    };
    let recorder = recorder.ok_or_else(|| {
        unavailable(
            "the policy has signed reads recorded, and this node has no operator key to sign \
             them with (`[api] read_audit_key`); read from another node",
        )
    })?;
    recorder.queue.clone().try_reserve_owned().map(Some).map_err(|_| {
        unavailable(&format!("{READ_QUEUE_MAX} reads wait to be recorded; retry shortly"))
    })
}

/// Writes queued reads out as `RecordReads` txs.
struct Writer {
    operator: Arc<SecretKey>,
    gate: TxGate,
    node: Arc<dyn NodeRead>,
    chain_id: ChainId,
    gossip: Option<onebook_network::TxGossip>,
}

impl Writer {
    async fn run(self, mut reads: mpsc::Receiver<SignedRead>) {
        while let Some(first) = reads.recv().await {
            let mut batch = vec![first];
            let deadline = tokio::time::Instant::now() + BATCH_WAIT;
            while batch.len() < READS_PER_TX_MAX {
                match tokio::time::timeout_at(deadline, reads.recv()).await {
                    Ok(Some(read)) => batch.push(read),
                    Ok(None) | Err(_) => break,
                }
            }
            self.submit(batch).await;
        }
    }

    /// Admits one batch, trying again while the mempool refuses it (full, or a nonce taken by
    /// another tx of the operator), then gives up with an error in the log.
    async fn submit(&self, batch: Vec<SignedRead>) {
        let count = batch.len();
        let mut last_error = None;
        for _ in 0..SUBMIT_TRIES {
            match self.admit(batch.clone()).await {
                Ok(()) => return,
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        if let Some(error) = last_error {
            tracing::error!(count, %error, "signed reads could not be recorded");
        }
    }

    async fn admit(&self, reads: Vec<SignedRead>) -> Result<(), RecordError> {
        let gate = self.gate.clone();
        let node = Arc::clone(&self.node);
        let operator = Arc::clone(&self.operator);
        let chain_id = self.chain_id.clone();
        let admitted = tokio::task::spawn_blocking(move || {
            let signer = operator.public_key();
            let (_, next) = gate.nonces(&signer)?;
            let tip = node.tip_height()?;
            let body = TxBody {
                chain_id,
                signer,
                nonce: Nonce(next),
                valid_until: Height(tip.0 + 100),
                action: Action::RecordReads { reads },
            };
            let bytes = codec::encode(&body.sign(&operator));
            Ok::<_, RecordError>((gate.admit(&bytes)?, bytes))
        })
        .await??;
        let (hash, bytes) = admitted;
        if let Some(gossip) = &self.gossip
            && !gossip.publish(bytes)
        {
            tracing::warn!(%hash, "gossip queue full; the read batch waits in this node's pool only");
        }
        tracing::debug!(%hash, "signed reads submitted for recording");
        Ok(())
    }
}

/// Why a batch of reads was not admitted this time.
#[derive(Debug, thiserror::Error)]
enum RecordError {
    /// The chain refused the tx, or could not read its store to judge it.
    #[error(transparent)]
    Admit(#[from] onebook_chain::ChainAdmitError),
    /// The store's tip could not be read.
    #[error("storage failed: {0}")]
    Storage(#[from] onebook_query::QueryError),
    /// The blocking task that builds the tx did not finish.
    #[error("the admission task stopped: {0}")]
    Stopped(#[from] tokio::task::JoinError),
}
