//! Catch-up for simulated validators, in place of Malachite's sync actor (whose peer scores
//! and rate limits run on the wall clock, and whose peer choice iterates a `HashMap`).
//!
//! Each validator broadcasts its committed height every status interval. A validator deciding
//! height `h` that hears of a peer at `h` or above asks it for `h` and the next blocks (one
//! sync batch), one request at a time, trying the next such peer after a request timeout or a
//! bad answer. Only the answer to the request in flight (by its number) moves on to the next
//! request: a duplicated answer, or a second answer from a twin, adds blocks but no request. The answer travels as the engine's sync `Response`, is served by the host's
//! `GetDecidedValues` and is fed to the core as `SyncValueResponse`, one height at a time: the
//! certificate check, the host's `ProcessSyncedValue` and the decision are the real ones.

use std::collections::BTreeMap;

use bytes::Bytes;
use malachitebft_app_channel::app::{
    config::ValueSyncConfig,
    types::{codec::Codec, core::ValueResponse, sync::Response},
};
use onebook_types::{keys::PublicKey, suite::Suite};

use super::peer_id;
use crate::{
    codec::{OnebookCodec, SYNC_BATCH_VALUES_MAX},
    types::OnebookContext,
};

/// Heights one request asks for.
const BATCH_HEIGHTS: u64 = SYNC_BATCH_VALUES_MAX as u64;

/// A request in flight.
#[derive(Debug)]
struct Pending {
    id: u64,
    peer: PublicKey,
    last: u64,
    deadline_ms: u64,
}

/// One validator's catch-up state.
#[derive(Debug)]
pub(super) struct CatchUp {
    peers: Vec<PublicKey>,
    tips: BTreeMap<PublicKey, u64>,
    status_interval_ms: u64,
    next_status_ms: u64,
    request_timeout_ms: u64,
    committed: u64,
    pending: Option<Pending>,
    attempts: usize,
    requests: u64,
    values: BTreeMap<u64, ValueResponse<OnebookContext>>,
}

impl CatchUp {
    pub(super) fn new(peers: Vec<PublicKey>, status_interval_ms: u64, now_ms: u64) -> Self {
        let request_timeout = ValueSyncConfig::default().request_timeout;
        Self {
            peers,
            tips: BTreeMap::new(),
            status_interval_ms: status_interval_ms.max(1),
            next_status_ms: now_ms,
            request_timeout_ms: super::millis(request_timeout).max(1),
            committed: 0,
            pending: None,
            attempts: 0,
            requests: 0,
            values: BTreeMap::new(),
        }
    }

    /// When this node next tells its peers its height.
    pub(super) fn next_status_ms(&self) -> u64 {
        self.next_status_ms
    }

    /// Whether the status is due at `now_ms`; if so, the next one is scheduled.
    pub(super) fn status_due(&mut self, now_ms: u64) -> bool {
        if now_ms < self.next_status_ms {
            return false;
        }
        self.next_status_ms = now_ms.saturating_add(self.status_interval_ms);
        true
    }

    /// A peer said it has committed `tip`.
    pub(super) fn status(&mut self, peer: &PublicKey, tip: u64) {
        if self.peers.contains(peer) {
            self.tips.insert(*peer, tip);
        }
    }

    /// Consensus started `height`: everything below it is committed.
    pub(super) fn started_height(&mut self, height: u64) {
        self.committed = height.saturating_sub(1);
        self.values.retain(|h, _| *h >= height);
        if self.pending.as_ref().is_some_and(|pending| pending.last < height) {
            self.pending = None;
        }
    }

    /// The host committed `height`.
    pub(super) fn committed(&mut self, height: u64) {
        self.committed = self.committed.max(height);
    }

    /// The height the host last committed, as this node tells its peers.
    pub(super) fn tip(&self) -> u64 {
        self.committed
    }

    /// The peer to ask, the request's number and the heights to ask for, when this node
    /// deciding `height` knows a peer that committed it and has no request in flight.
    pub(super) fn next_request(
        &mut self,
        height: u64,
        now_ms: u64,
    ) -> Option<(PublicKey, u64, u64, u64)> {
        if self.values.contains_key(&height) {
            return None;
        }
        if self.pending.as_ref().is_some_and(|pending| now_ms < pending.deadline_ms) {
            return None;
        }
        let ahead: Vec<(PublicKey, u64)> = self
            .peers
            .iter()
            .filter_map(|peer| self.tips.get(peer).map(|tip| (*peer, *tip)))
            .filter(|(_, tip)| *tip >= height)
            .collect();
        if ahead.is_empty() {
            self.pending = None;
            return None;
        }
        let (peer, tip) = ahead[self.attempts % ahead.len()];
        self.attempts = self.attempts.wrapping_add(1);
        let last = tip.min(height.saturating_add(BATCH_HEIGHTS - 1));
        self.requests += 1;
        let id = self.requests;
        let deadline_ms = now_ms.saturating_add(self.request_timeout_ms);
        self.pending = Some(Pending { id, peer, last, deadline_ms });
        Some((peer, id, height, last))
    }

    /// A peer answered request `id` with committed blocks: each is kept until consensus
    /// reaches its height. True if it answered the request in flight, which is then done.
    pub(super) fn response(
        &mut self,
        suite: Suite,
        from: &PublicKey,
        id: u64,
        bytes: &[u8],
    ) -> bool {
        let answered = self.pending.as_ref().is_some_and(|p| p.id == id && p.peer == *from);
        if answered {
            self.pending = None;
        }
        self.keep_values(suite, from, bytes);
        answered
    }

    fn keep_values(&mut self, suite: Suite, from: &PublicKey, bytes: &[u8]) {
        let Some(peer) = peer_id(from) else { return };
        let Ok(Response::ValueResponse(response)) =
            <OnebookCodec as Codec<Response<OnebookContext>>>::decode(
                &OnebookCodec::new(suite),
                Bytes::copy_from_slice(bytes),
            )
        else {
            return;
        };
        for value in response.values {
            let height = value.certificate.height.0.0;
            if height > self.committed {
                self.values.entry(height).or_insert_with(|| value.to_core(peer));
            }
        }
    }

    /// The synced block of `height`, if one arrived.
    pub(super) fn take_value(&mut self, height: u64) -> Option<ValueResponse<OnebookContext>> {
        self.values.remove(&height)
    }

    /// The synced block of `height` was refused: ask again, of the next peer.
    pub(super) fn failed(&mut self, height: u64) {
        self.values.remove(&height);
        self.pending = None;
    }
}
