//! Onebook's REST API, served by every node: submit a signed tx, follow it to its receipt, read
//! the chain's status and blocks with their commit certificates, and read every record of the
//! domain through the `onebook-query` port, as of any height.
//!
//! | route | answer |
//! |---|---|
//! | `POST /v1/txs` | 202 with the tx hash; the body is the borsh tx (`application/octet-stream`) or `{"tx": "<hex>"}` |
//! | `GET /v1/txs/{hash}` | once committed, the tx decoded (signer, nonce, action) with its receipt; `pending` while it waits, 404 otherwise |
//! | `GET /v1/nonces/{key}` | a signer's last committed nonce and the nonce its next tx must carry |
//! | `GET /v1/status` | chain id, tip height, block hash, state root, block time, txs waiting |
//! | `GET /v1/blocks?cursor=&limit=` | the blocks, newest first (see `blocks.rs`) |
//! | `GET /v1/blocks/{height}` | the header, the tx hashes and the commit certificate |
//! | `GET /v1/blocks/{height}/txs?cursor=&limit=` | the block's txs, decoded, in block order |
//! | `GET /v1/validators?height=` | the validator set in force |
//! | `GET /v1/policy?height=` | the policy in force (see `policy.rs`) |
//! | `GET /v1/checkpoint-policy?height=`, `GET /v1/protocol?height=` | the checkpoint policy and the protocol schedule in force (see `governed.rs`) |
//! | `GET /v1/child-chains?height=&cursor=&limit=`, `GET /v1/child-chains/{id}?height=` | the child chains this chain anchors |
//! | `GET /v1/catalog/sources?data_element=&item=&height=` | the one authoritative source of a data element (一数一源, see `sources.rs`) |
//! | `GET /v1/proofs/records/{kind:id}`, `/v1/proofs/txs/{hash}`, `/v1/proofs/access-events/{id}` | proof bundles, as `onebook proof` writes them |
//! | `GET /v1/{records}?org=&status=&height=&from=&to=&cursor=&limit=` | a page of record views in id order, `from`/`to` the creating block's time (see `records.rs` for the kinds) |
//! | `GET /v1/{records}/{id}?height=` | one record as of a height; `/v1/catalog/entries/{code}/versions` its versions |
//! | `GET /v1/timeline/{kind:id}?cursor=&limit=` | every tx that touched the record (an org: every tx concerning it) |
//! | `GET /v1/obligations/overdue?org=&at=&height=` | an org's open obligations past due |
//! | `GET /v1/counts/{kind}?org=&status=&under=&height=&bounds=` | how many records of a kind pass the filters, from the index alone; per interval of creation time with `bounds` (see `counts.rs`) |
//! | `GET /v1/search?q=` | the txs, blocks and records a hash, height, id, code or number names |
//! | `GET /v1/events?kind=&org=&after=` | committed events as Server-Sent Events (`id:` the cursor `<height>-<tx index>-<event index>`, `event:` the kind, `data:` the view), resumed after `Last-Event-ID`, else `after`, else from the tip (see `events.rs`) |
//! | `GET /v1/event-pages?after=&kind=&org=&limit=` | the same events as one JSON page `{"items": [view, ..], "next": "<cursor>"}`, from the first block when `after` is absent |
//! | `GET /health` | 200 while the node serves |
//! | `GET /metrics` | height, last block time, mempool size, the state-tree node cache and API responses by status class, in the Prometheus text format |
//! | `GET /openapi.json` | the OpenAPI 3.1 document of every route above (`docs/openapi.json` is a copy) |
//! | `GET /docs/` | Swagger UI over that document, served whole by the node (nothing from a CDN) |
//!
//! **OpenAPI.** The document is made from the handlers' `#[utoipa::path]` attributes and the
//! view types' `ToSchema` derives (`openapi.rs`, ADR 0012). Routes are registered only through
//! utoipa-axum's `routes!` in `routes.rs`, so the router and the document come from one list;
//! this crate's `clippy.toml` disallows the other ways of adding a route, and the tests request
//! every documented operation through the router, check that no other method answers on a
//! documented path, validate the document against the OAS 3.1 JSON Schema and hold
//! `docs/openapi.json` to it.
//!
//! Restricted records are read by members only, with a signed request (`auth.rs`, ADR 0011,
//! `docs/formats.md` §18): `Authorization: Onebook key=<64 hex>, time=<unix ms>,
//! signature=<128 hex>`, built by [`sign_read`]. Without it they answer 401; to a member whose
//! org and roles do not match, 403. An anonymous read by id of a record of these kinds that does
//! not exist answers the same 401, so an anonymous reader cannot tell which exist.
//!
//! | restricted record | who may read it |
//! |---|---|
//! | access events and violations (`/v1/access-events*`, `/v1/violations*`) | auditors; members of the accessing org, and of the provider and grantee of the grant used |
//! | a share request by id (`/v1/share-requests/{id}`; the list is public) | auditors; members of the requester or provider org |
//! | a property application before its notice (`applied`, or refused before any notice) | auditors, registrars; members of the registrant org |
//! | an objection still `pending` | auditors, registrars; members of the objector and registrant orgs |
//!
//! Lists leave out the items their reader may not read (matching only the orgs an item names,
//! not those behind its grant or application); the timeline of a restricted record
//! follows the record's rule. Elsewhere (search hits, the event stream, receipts, timelines,
//! proof bundles, the share-request list) restricted records are shown by the same rules
//! (`onebook_query::read_rules`). When the policy's `record_signed_reads` is on, every signed read served is
//! recorded on the ledger in a `RecordReads` tx signed with the operator key (`reads.rs`).
//!
//! Every error (every 4xx and 5xx, 405 included) is an RFC 9457 `application/problem+json` body
//! naming what was wrong, with the stable rejection code where the ledger's rules were the
//! reason. A tx body's `Content-Type` is matched exactly: `application/octet-stream` or
//! `application/json`, in any case, with any parameters.
//!
//! [`serve`] serves the API under the limits of [`ServeConfig`] (`server.rs`, ADR 0015):
//! header-read and idle timeouts, a request timeout, caps on connections and event streams (503
//! with `Retry-After` beyond them), [`REQUEST_BODY_BYTES_MAX`] on every route but the batch
//! submit ([`BATCH_BODY_BYTES_MAX`], at most [`TXS_BATCH_MAX`] txs), and a shutdown
//! that ends the event streams so the node stops within [`SHUTDOWN_GRACE`].

mod auth;
mod blocks;
mod checkpoints;
mod counts;
mod events;
mod governed;
mod metrics;
mod openapi;
mod policy;
mod problem;
mod proofs;
mod reads;
mod records;
mod reports;
mod routes;
mod search;
mod server;
mod sources;
mod timeline;
mod visibility;

pub use auth::{READ_SIGNATURES_MAX, READ_WINDOW_MS};
pub use events::{EVENT_STREAMS_MAX, KEEP_ALIVE_INTERVAL, TIP_POLL_INTERVAL};
pub use onebook_query::parse_record_key;
pub use onebook_query::{
    BatchResult, BlockView, NoncesView, StatusView, Submitted, SubmittedBatch, TxStatusView,
};
pub use onebook_query::{
    CheckpointEvidence, CheckpointPage, CheckpointSummary, CheckpointView, CosignReceipt,
};
pub use onebook_types::read_request::{read_request_digest, sign_read};
pub use problem::{Problem, RETRY_AFTER_SECS};
pub use reads::{BATCH_WAIT, READ_QUEUE_MAX, ReadRecorder};
pub use records::CatalogVersionsView;
pub use reports::PublishedReportCheck;
pub use routes::{ApiState, BATCH_BODY_BYTES_MAX, REQUEST_BODY_BYTES_MAX, TXS_BATCH_MAX, router};
pub use server::{BUSY_CONNECTIONS_MAX, SHUTDOWN_GRACE, ServeConfig, serve};

#[cfg(test)]
mod auth_tests;
#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod block_tests;
#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod event_tests;
#[cfg(test)]
mod hygiene_tests;
#[cfg(test)]
mod openapi_tests;
#[cfg(test)]
mod port_tests;
#[cfg(test)]
mod reads_tests;
#[cfg(test)]
mod record_tests;
#[cfg(test)]
mod reports_tests;
#[cfg(test)]
mod server_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod visibility_tests;
