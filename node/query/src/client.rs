//! [`HttpQuery`]: the ledger as a remote node's REST API answers it (feature `client`).
//!
//! Each [`LedgerQuery`] method is one `GET` of the route that serves it (`node/api`), and decodes
//! the same view types the route writes. Besides the trait, a client has the node's own calls:
//! [`status`](HttpQuery::status), [`submit`](HttpQuery::submit) a signed tx,
//! [`tx_status`](HttpQuery::tx_status), [`nonces`](HttpQuery::nonces) and the proof bundles
//! under `/v1/proofs/...`. [`HttpQuery::with_reader`] signs every request with a member key
//! (`docs/formats.md` §18), so restricted records read too.
//!
//! Answers map to [`QueryError`] by their RFC 9457 problem: a 404 `no-block-yet` (a height above
//! the tip) is [`QueryError::NoBlockYet`] and a 404 `cursor-unknown` is
//! [`QueryError::CursorUnknown`], whatever the call; any other 404 of a single read is
//! `Ok(None)`. Any other 4xx is [`QueryError::BadInput`] with the problem's detail as the rule
//! and the parameter the detail names (`parameter `limit`: ...`; `authorization` for a 401 or
//! 403, `tx` for a refused submission, `request` where the problem names none). The txs of the
//! block at height 0 are an empty page (genesis has no block but no txs either).
//! A refused connection, a timeout, a 429, a 5xx and an answer that is not the expected JSON are
//! [`QueryError::Unavailable`], whose reason says which request failed and why.
//!
//! The client speaks plain HTTP/1.1 over TCP, without TLS: a consortium node serves its API on
//! the consortium's own network. A deployment that reads a node across another network puts a
//! TLS-terminating proxy in front of it. Connections are kept and reused; every request is
//! bounded by [`REQUEST_TIMEOUT`] (by default) from connect to the answer's last byte, and an
//! answer by [`RESPONSE_BYTES_MAX`].

use std::{
    error::Error as _,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use http_body_util::{BodyExt, Full, Limited};
use hyper::{
    Method, Request, StatusCode,
    body::{Bytes, Incoming},
    header::{self, HeaderValue},
};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::{TokioExecutor, TokioTimer},
};
use onebook_types::{
    catalog_records::SourceKey,
    codec,
    hash::Hash32,
    ids::{AccessEventId, ChainId, Height, OrgId, Timestamp},
    keys::{PublicKey, SecretKey},
    limits::PROOF_BUNDLE_BYTES_MAX,
    read_request::sign_read,
    record::RecordKey,
    report_records::{ReportPeriod, ReportScope},
};
use serde::{Deserialize, de::DeserializeOwned};

use crate::{
    EventPage, EventParams, LedgerQuery, QueryError, RecordKind,
    ledger::{
        CountParams, ListParams, PageParams, check_chain_id, check_source_key, served_kind,
        timeline_kind,
    },
    node_views::{BatchResult, NoncesView, StatusView, Submitted, SubmittedBatch, TxStatusView},
    reports::ReportView,
    views::{
        BlockSummaryView, BlockView, CheckpointPolicyView, ChildChainView, CountView,
        ElementSourceView, OverdueView, Page, PolicyView, ProtocolView, RecordView, SearchHitView,
        TimelineEntryView, TipView, TxView, ValidatorsView,
    },
};

/// The longest a request may take by default, from connecting to the answer's last byte.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The largest answer read, in bytes: a full page of large records fits, and so does any proof
/// bundle.
pub const RESPONSE_BYTES_MAX: usize = 64 * 1024 * 1024;
const _: () = assert!(RESPONSE_BYTES_MAX >= PROOF_BUNDLE_BYTES_MAX, "every bundle fits");

/// How long an idle kept connection stays open.
const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);
/// The most characters of an answer quoted in an error.
const QUOTED_CHARS_MAX: usize = 300;

/// Answers [`LedgerQuery`] from a remote node's REST API, at one base URL `http://host:port`.
/// Clones share their connections.
#[derive(Clone, Debug)]
pub struct HttpQuery {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// `host:port`.
    authority: String,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
    /// The member key that signs every request, if any.
    reader: Option<SecretKey>,
    /// The time of the last signed request, so that no two requests carry the same time and
    /// signature (the node refuses a signature it has seen).
    last_signed_ms: AtomicU64,
}

impl HttpQuery {
    /// A client of the node at `base_url`: `http://host:port` (a trailing `/` is allowed, a
    /// bare `host:port` too). Anything else, such as `https://` or a path, is
    /// [`QueryError::BadInput`] of parameter `url`.
    pub fn new(base_url: &str) -> Result<Self, QueryError> {
        let authority = authority(base_url)?;
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(CONNECT_TIMEOUT));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(IDLE_CONNECTION_TIMEOUT)
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(Self {
            inner: Arc::new(Inner {
                authority,
                client,
                timeout: REQUEST_TIMEOUT,
                reader: None,
                last_signed_ms: AtomicU64::new(0),
            }),
        })
    }

    /// The same client, signing every request with the member key `reader`
    /// (`Authorization: Onebook key=<hex>, time=<unix ms>, signature=<hex>`), so the records
    /// the member may read are answered, restricted or not.
    pub fn with_reader(&self, reader: SecretKey) -> Self {
        self.rebuilt(Some(reader), self.inner.timeout)
    }

    /// The same client with requests bounded by `timeout` instead of [`REQUEST_TIMEOUT`].
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let reader = self
            .inner
            .reader
            .as_ref()
            .and_then(|key| SecretKey::from_seed_in(key.suite(), key.seed()).ok());
        self.rebuilt(reader, timeout)
    }

    /// The node's `host:port`.
    pub fn authority(&self) -> &str {
        &self.inner.authority
    }

    /// `GET /v1/status`: the chain, the tip and the txs waiting in the node's mempool.
    pub async fn status(&self) -> Result<StatusView, QueryError> {
        self.get_json("/v1/status".to_owned()).await
    }

    /// `POST /v1/txs`: submits a borsh-encoded signed tx; the hash of the tx the node admitted
    /// (its 202 answer). A tx the node turns away is [`QueryError::BadInput`] of parameter `tx`
    /// whose rule is the problem's title and detail (with the rejection, where a ledger rule
    /// refused it); a full mempool (429) is [`QueryError::Unavailable`].
    pub async fn submit(&self, tx: &[u8]) -> Result<Hash32, QueryError> {
        let body = Some((
            HeaderValue::from_static("application/octet-stream"),
            Bytes::copy_from_slice(tx),
        ));
        let answer = self.send(Method::POST, "/v1/txs".to_owned(), &[], body).await?;
        if answer.status != StatusCode::ACCEPTED {
            return Err(answer.error("tx"));
        }
        let submitted: Submitted = answer.decode()?;
        Ok(submitted.tx_hash)
    }

    /// `POST /v1/txs/batch`: submits up to `TXS_BATCH_MAX` (1,000) borsh-encoded signed txs in
    /// one request; what admission made of each, in order. A refusal of the whole request (an
    /// empty or oversized batch) is [`QueryError::BadInput`] of parameter `txs`.
    pub async fn submit_batch(&self, txs: &[Vec<u8>]) -> Result<Vec<BatchResult>, QueryError> {
        let body = Some((
            HeaderValue::from_static("application/octet-stream"),
            Bytes::from(codec::encode(&txs.to_vec())),
        ));
        let answer = self.send(Method::POST, "/v1/txs/batch".to_owned(), &[], body).await?;
        if answer.status != StatusCode::OK {
            return Err(answer.error("txs"));
        }
        let submitted: SubmittedBatch = answer.decode()?;
        Ok(submitted.results)
    }

    /// `GET /v1/txs/{hash}`: the tx's receipt once committed, `pending` while it waits in the
    /// node's mempool, `None` if the node knows no such tx.
    pub async fn tx_status(&self, hash: Hash32) -> Result<Option<TxStatusView>, QueryError> {
        self.get_optional(format!("/v1/txs/{hash}")).await
    }

    /// `GET /v1/nonces/{key}`: the signer's last committed nonce and the one its next tx must
    /// carry.
    pub async fn nonces(&self, signer: PublicKey) -> Result<NoncesView, QueryError> {
        self.get_json(format!("/v1/nonces/{signer}")).await
    }

    /// `GET /v1/proofs/records/{key}`: the proof bundle (`docs/formats.md` §15) of the record
    /// `key` as of `height` (the tip when `None`), or of its absence when `absent`; `None` when
    /// there is nothing to prove. Decode it with `onebook_verifier::ProofBundle::decode`.
    pub async fn record_proof(
        &self,
        key: &RecordKey,
        height: Option<Height>,
        absent: bool,
    ) -> Result<Option<Vec<u8>>, QueryError> {
        let query = query_string(&[
            ("height", height.map(|h| h.0.to_string())),
            ("absent", absent.then(|| "true".to_owned())),
        ]);
        self.get_bytes(format!("/v1/proofs/records/{}{query}", key_segment(key))).await
    }

    /// `GET /v1/proofs/txs/{hash}`: the proof bundle of a committed tx's inclusion in its
    /// block; `None` if it is not committed.
    pub async fn tx_proof(&self, hash: Hash32) -> Result<Option<Vec<u8>>, QueryError> {
        self.get_bytes(format!("/v1/proofs/txs/{hash}")).await
    }

    /// `GET /v1/proofs/access-events/{id}`: the proof bundle of an access with the grant it
    /// used, its resource and the policy, as of `height` (best the block that recorded it).
    pub async fn access_proof(
        &self,
        id: AccessEventId,
        height: Option<Height>,
    ) -> Result<Option<Vec<u8>>, QueryError> {
        let query = query_string(&[("height", height.map(|h| h.0.to_string()))]);
        self.get_bytes(format!("/v1/proofs/access-events/{}{query}", id.0)).await
    }

    /// One request to a route the typed calls above do not cover (a witness's cosignature, a
    /// checkpoint, a parent chain's anchor): `method path_and_query` with `body` as (media type,
    /// bytes) if any, signed when this client has a reader. The status and the body as the node
    /// answered them, whatever the status; only a request that gets no answer (refused, timed
    /// out, too large) is [`QueryError::Unavailable`], and a method that is not one is
    /// [`QueryError::BadInput`] of parameter `method`.
    pub async fn exchange(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<(u16, Vec<u8>), QueryError> {
        self.exchange_with(method, path_and_query, &[], body).await
    }

    /// As [`HttpQuery::exchange`], with extra header lines `(name, value)` (an `Authorization`
    /// signed at a chosen time, for one); a name or value HTTP does not allow is
    /// [`QueryError::BadInput`] of parameter `header`.
    pub async fn exchange_with(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(String, String)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<(u16, Vec<u8>), QueryError> {
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| QueryError::BadInput {
            parameter: "method",
            rule: format!("{method:?} is not an HTTP method"),
        })?;
        let bad_header = |name: &str| QueryError::BadInput {
            parameter: "header",
            rule: format!("header {name:?}: not a valid HTTP header name and value"),
        };
        let headers = headers
            .iter()
            .map(|(name, value)| {
                let parsed_name = header::HeaderName::from_bytes(name.as_bytes());
                let parsed_value = HeaderValue::from_str(value);
                match (parsed_name, parsed_value) {
                    (Ok(name), Ok(value)) => Ok((name, value)),
                    _ => Err(bad_header(name)),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let body = match body {
            Some((media_type, bytes)) => Some((
                HeaderValue::from_str(media_type).map_err(|_| bad_header("content-type"))?,
                Bytes::from(bytes),
            )),
            None => None,
        };
        let answer = self.send(method, path_and_query.to_owned(), &headers, body).await?;
        Ok((answer.status.as_u16(), answer.body.to_vec()))
    }

    fn rebuilt(&self, reader: Option<SecretKey>, timeout: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                authority: self.inner.authority.clone(),
                client: self.inner.client.clone(),
                timeout,
                reader,
                last_signed_ms: AtomicU64::new(0),
            }),
        }
    }

    /// `GET path_and_query`, decoded from the JSON of a 200.
    async fn get_json<T: DeserializeOwned>(&self, path_and_query: String) -> Result<T, QueryError> {
        let answer = self.send(Method::GET, path_and_query, &[], None).await?;
        if answer.status != StatusCode::OK {
            return Err(answer.error("request"));
        }
        answer.decode()
    }

    /// `GET path_and_query` of a single read: `None` for a 404 that is not one of
    /// [`Answer::not_found`].
    async fn get_optional<T: DeserializeOwned>(
        &self,
        path_and_query: String,
    ) -> Result<Option<T>, QueryError> {
        let answer = self.send(Method::GET, path_and_query, &[], None).await?;
        match answer.status {
            StatusCode::OK => answer.decode().map(Some),
            StatusCode::NOT_FOUND => answer.not_found().map_or(Ok(None), Err),
            _ => Err(answer.error("request")),
        }
    }

    /// `GET path_and_query` of bytes: `None` for a 404 that is not one of
    /// [`Answer::not_found`].
    async fn get_bytes(&self, path_and_query: String) -> Result<Option<Vec<u8>>, QueryError> {
        let answer = self.send(Method::GET, path_and_query, &[], None).await?;
        match answer.status {
            StatusCode::OK => Ok(Some(answer.body.to_vec())),
            StatusCode::NOT_FOUND => answer.not_found().map_or(Ok(None), Err),
            _ => Err(answer.error("request")),
        }
    }

    /// Sends one request, with `headers` besides its own, and reads its whole answer, within the
    /// timeout and the size bound.
    async fn send(
        &self,
        method: Method,
        path_and_query: String,
        headers: &[(header::HeaderName, HeaderValue)],
        body: Option<(HeaderValue, Bytes)>,
    ) -> Result<Answer, QueryError> {
        let what = format!("{method} {path_and_query}");
        let exchange = async {
            let response = self.respond(&what, method, &path_and_query, headers, body).await?;
            Answer::read(what.clone(), response).await
        };
        tokio::time::timeout(self.inner.timeout, exchange).await.map_err(|_| {
            unavailable(&what, format!("no answer within {} ms", self.inner.timeout.as_millis()))
        })?
    }

    /// Sends one request, with `headers` besides its own, and waits for the head of its answer;
    /// `what` names the request in errors.
    async fn respond(
        &self,
        what: &str,
        method: Method,
        path_and_query: &str,
        headers: &[(header::HeaderName, HeaderValue)],
        body: Option<(HeaderValue, Bytes)>,
    ) -> Result<hyper::Response<Incoming>, QueryError> {
        let uri = format!("http://{}{path_and_query}", self.inner.authority);
        let mut request = Request::builder().method(method.clone()).uri(&uri);
        if let Some(reader) = &self.inner.reader {
            let authorization =
                sign_read(reader, method.as_str(), path_and_query, self.signing_time_ms());
            request = request.header(header::AUTHORIZATION, authorization);
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let (content_type, bytes) =
            body.unwrap_or((HeaderValue::from_static("application/json"), Bytes::new()));
        let request = request
            .header(header::CONTENT_TYPE, content_type)
            .body(Full::new(bytes))
            .map_err(|error| unavailable(what, format!("the request cannot be built: {error}")))?;
        self.inner.client.request(request).await.map_err(|error| {
            unavailable(
                what,
                format!("the node at {} did not answer: {}", self.inner.authority, causes(&error)),
            )
        })
    }

    /// `GET path_and_query` of an answer too large to hold (a state snapshot): its body is read
    /// a chunk at a time ([`Streamed::next_chunk`]), refused past `limit_bytes`, with no bound on
    /// the whole transfer's time but each chunk, like the head, due within the client's timeout.
    /// An answer other than a 200 is an error as for any read; so is a `Content-Length` over
    /// `limit_bytes`, before any of the body is read.
    pub async fn get_streamed(
        &self,
        path_and_query: &str,
        limit_bytes: u64,
    ) -> Result<Streamed, QueryError> {
        let what = format!("GET {path_and_query}");
        let head = self.respond(&what, Method::GET, path_and_query, &[], None);
        let response = tokio::time::timeout(self.inner.timeout, head).await.map_err(|_| {
            unavailable(&what, format!("no answer within {} ms", self.inner.timeout.as_millis()))
        })??;
        if response.status() != StatusCode::OK {
            let answer = Answer::read(what.clone(), response);
            let answer =
                tokio::time::timeout(self.inner.timeout, answer).await.map_err(|_| {
                    unavailable(&what, "the error answer did not arrive in time".into())
                })??;
            return Err(answer.error("request"));
        }
        let size_bytes = response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if let Some(size_bytes) = size_bytes.filter(|size| *size > limit_bytes) {
            return Err(over_limit(&what, limit_bytes, &format!("announces {size_bytes} bytes")));
        }
        Ok(Streamed {
            what,
            size_bytes,
            body: response.into_body(),
            read_bytes: 0,
            limit_bytes,
            timeout: self.inner.timeout,
        })
    }

    /// The time to sign the next request at: the clock in Unix ms, but always above the last
    /// one, so no two requests of this client carry the same signature.
    fn signing_time_ms(&self) -> u64 {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let now = u64::try_from(now.as_millis()).unwrap_or(u64::MAX);
        let last =
            self.inner.last_signed_ms.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
                Some(now.max(last.saturating_add(1)))
            });
        // `fetch_update` hands back the value it replaced; the closure never refuses.
        let last = last.unwrap_or_else(|last| last);
        now.max(last.saturating_add(1))
    }
}

impl LedgerQuery for HttpQuery {
    async fn tip(&self) -> Result<TipView, QueryError> {
        let status = self.status().await?;
        Ok(TipView {
            height: status.height,
            block_hash: status.block_hash,
            state_root: status.state_root,
            time: status.time,
        })
    }

    async fn record(
        &self,
        key: RecordKey,
        height: Option<Height>,
    ) -> Result<Option<RecordView>, QueryError> {
        let kind = served_kind(&key)?;
        let query = query_string(&[("height", height.map(|h| h.0.to_string()))]);
        let path = format!("{}/{}{query}", kind.spec().route, id_segment(&key));
        self.get_optional(path).await
    }

    async fn records(
        &self,
        kind: RecordKind,
        params: ListParams,
    ) -> Result<Page<RecordView>, QueryError> {
        let query = query_string(&[
            ("org", params.org.map(|org| org.0)),
            ("status", params.status),
            ("under", params.under.as_ref().map(crate::record_key_text)),
            ("year", params.year.map(|year| year.to_string())),
            ("height", params.height.map(|h| h.0.to_string())),
            ("from", params.from.map(|t| t.0.to_string())),
            ("to", params.to.map(|t| t.0.to_string())),
            ("cursor", params.page.cursor),
            ("limit", params.page.limit.map(|limit| limit.to_string())),
        ]);
        self.get_json(format!("{}{query}", kind.spec().route)).await
    }

    async fn count_records(
        &self,
        kind: RecordKind,
        params: CountParams,
    ) -> Result<CountView, QueryError> {
        crate::check_count(kind, &params)?;
        let bounds: Vec<String> = params.bounds.iter().map(|time| time.0.to_string()).collect();
        let query = query_string(&[
            ("org", params.org.map(|org| org.0)),
            ("status", params.status),
            ("under", params.under.as_ref().map(crate::record_key_text)),
            ("side", params.side.map(|side| side.name().to_owned())),
            ("height", params.height.map(|h| h.0.to_string())),
            ("bounds", (!bounds.is_empty()).then(|| bounds.join(","))),
        ]);
        self.get_json(format!("/v1/counts/{}{query}", kind.key_name())).await
    }

    async fn timeline(
        &self,
        subject: RecordKey,
        page: PageParams,
    ) -> Result<Page<TimelineEntryView>, QueryError> {
        timeline_kind(&subject)?;
        self.get_json(format!("/v1/timeline/{}{}", key_segment(&subject), paging(page))).await
    }

    async fn overdue_obligations(
        &self,
        org: OrgId,
        at: Option<Timestamp>,
        height: Option<Height>,
    ) -> Result<OverdueView, QueryError> {
        let query = query_string(&[
            ("org", Some(org.0)),
            ("at", at.map(|at| at.0.to_string())),
            ("height", height.map(|h| h.0.to_string())),
        ]);
        self.get_json(format!("/v1/obligations/overdue{query}")).await
    }

    async fn search(&self, text: String) -> Result<Vec<SearchHitView>, QueryError> {
        self.get_json(format!("/v1/search{}", query_string(&[("q", Some(text))]))).await
    }

    async fn events(&self, params: EventParams) -> Result<EventPage, QueryError> {
        let query = query_string(&[
            ("after", params.after.map(|after| after.to_string())),
            ("kind", params.kind),
            ("org", params.org.map(|org| org.0)),
            ("limit", params.limit.map(|limit| limit.to_string())),
        ]);
        self.get_json(format!("/v1/event-pages{query}")).await
    }

    async fn block(&self, height: Height) -> Result<Option<BlockView>, QueryError> {
        let answer = self.send(Method::GET, format!("/v1/blocks/{}", height.0), &[], None).await?;
        match answer.status {
            StatusCode::OK => answer.decode().map(Some),
            // No block at 0 (genesis) or yet (above the tip): `None` either way, as the trait
            // says.
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(answer.error("request")),
        }
    }

    async fn blocks(&self, page: PageParams) -> Result<Page<BlockSummaryView>, QueryError> {
        self.get_json(format!("/v1/blocks{}", paging(page))).await
    }

    async fn tx(&self, hash: Hash32) -> Result<Option<TxView>, QueryError> {
        // A tx waiting in the node's mempool is not committed yet.
        Ok(match self.tx_status(hash).await? {
            Some(TxStatusView::Committed(view)) => Some(*view),
            Some(TxStatusView::Pending) | None => None,
        })
    }

    async fn block_txs(
        &self,
        height: Height,
        page: PageParams,
    ) -> Result<Page<TxView>, QueryError> {
        let answer = self
            .send(Method::GET, format!("/v1/blocks/{}/txs{}", height.0, paging(page)), &[], None)
            .await?;
        match answer.status {
            StatusCode::OK => answer.decode(),
            // The route has no block to page through at 0: genesis has no txs.
            StatusCode::NOT_FOUND if height.0 == 0 => Ok(Page { items: vec![], next: None }),
            _ => Err(answer.error("height")),
        }
    }

    async fn validators(&self, height: Option<Height>) -> Result<ValidatorsView, QueryError> {
        let query = query_string(&[("height", height.map(|h| h.0.to_string()))]);
        self.get_json(format!("/v1/validators{query}")).await
    }

    async fn element_source(
        &self,
        key: SourceKey,
        height: Option<Height>,
    ) -> Result<Option<ElementSourceView>, QueryError> {
        check_source_key(&key)?;
        let named = match key {
            SourceKey::DataElement(element) => ("data_element", Some(element)),
            SourceKey::ItemName(name) => ("item", Some(name)),
        };
        let query = query_string(&[named, ("height", height.map(|h| h.0.to_string()))]);
        self.get_optional(format!("/v1/catalog/sources{query}")).await
    }

    async fn policy(&self, height: Option<Height>) -> Result<PolicyView, QueryError> {
        let query = query_string(&[("height", height.map(|h| h.0.to_string()))]);
        self.get_json(format!("/v1/policy{query}")).await
    }

    async fn checkpoint_policy(
        &self,
        height: Option<Height>,
    ) -> Result<Option<CheckpointPolicyView>, QueryError> {
        let query = query_string(&[("height", height.map(|h| h.0.to_string()))]);
        self.get_optional(format!("/v1/checkpoint-policy{query}")).await
    }

    async fn protocol(&self, height: Option<Height>) -> Result<ProtocolView, QueryError> {
        let query = query_string(&[("height", height.map(|h| h.0.to_string()))]);
        self.get_json(format!("/v1/protocol{query}")).await
    }

    async fn child_chains(
        &self,
        height: Option<Height>,
        page: PageParams,
    ) -> Result<Page<ChildChainView>, QueryError> {
        let query = query_string(&[
            ("height", height.map(|h| h.0.to_string())),
            ("cursor", page.cursor),
            ("limit", page.limit.map(|limit| limit.to_string())),
        ]);
        self.get_json(format!("/v1/child-chains{query}")).await
    }

    async fn child_chain(
        &self,
        chain_id: ChainId,
        height: Option<Height>,
    ) -> Result<Option<ChildChainView>, QueryError> {
        check_chain_id("id", &chain_id)?;
        let query = query_string(&[("height", height.map(|h| h.0.to_string()))]);
        let id = percent_encoded(chain_id.as_str());
        self.get_optional(format!("/v1/child-chains/{id}{query}")).await
    }

    /// The node's own report: `GET /v1/reports/{scope}/{id}`.
    async fn report(
        &self,
        scope: ReportScope,
        period: ReportPeriod,
        height: Option<Height>,
    ) -> Result<ReportView, QueryError> {
        let query = query_string(&[
            ("period", Some(period.to_string())),
            ("height", height.map(|h| h.0.to_string())),
        ]);
        let id = percent_encoded(scope.id());
        self.get_json(format!("/v1/reports/{}/{id}{query}", scope.name())).await
    }
}

/// The query string of `page`.
fn paging(page: PageParams) -> String {
    query_string(&[("cursor", page.cursor), ("limit", page.limit.map(|limit| limit.to_string()))])
}

/// [`QueryError::Unavailable`] of the request `what`.
fn unavailable(what: &str, reason: String) -> QueryError {
    QueryError::Unavailable { reason: format!("{what}: {reason}") }
}

/// [`QueryError::BadInput`] of parameter `limit_bytes`: the answer to `what` is larger than the
/// caller allows, as `found` says.
fn over_limit(what: &str, limit_bytes: u64, found: &str) -> QueryError {
    QueryError::bad_input(
        "limit_bytes",
        format!("the answer to {what} {found}, more than the limit of {limit_bytes} bytes"),
    )
}

/// The answer of [`HttpQuery::get_streamed`], read a chunk at a time.
#[derive(Debug)]
pub struct Streamed {
    /// The request, as `GET path`, for errors.
    what: String,
    size_bytes: Option<u64>,
    body: Incoming,
    read_bytes: u64,
    limit_bytes: u64,
    timeout: Duration,
}

impl Streamed {
    /// The size the server announced (`Content-Length`), if it did.
    pub fn size_bytes(&self) -> Option<u64> {
        self.size_bytes
    }

    /// The bytes read so far.
    pub fn read_bytes(&self) -> u64 {
        self.read_bytes
    }

    /// The next chunk of the body, `None` at its end. A chunk that takes the body past the
    /// limit is [`QueryError::BadInput`] of parameter `limit_bytes`; one that does not arrive
    /// within the client's timeout, or a broken transfer, is [`QueryError::Unavailable`].
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, QueryError> {
        loop {
            let frame = tokio::time::timeout(self.timeout, self.body.frame()).await;
            let frame = match frame {
                Err(_) => {
                    let reason = format!(
                        "no more of the answer within {} ms after {} bytes",
                        self.timeout.as_millis(),
                        self.read_bytes
                    );
                    return Err(unavailable(&self.what, reason));
                }
                Ok(None) => return Ok(None),
                Ok(Some(frame)) => frame.map_err(|error| {
                    let reason = format!("the answer broke off after {} bytes", self.read_bytes);
                    unavailable(&self.what, format!("{reason}: {error}"))
                })?,
            };
            // Trailers carry no body bytes.
            let Ok(chunk) = frame.into_data() else { continue };
            let read_bytes = self.read_bytes.saturating_add(chunk.len() as u64);
            if read_bytes > self.limit_bytes {
                let found = format!("runs past {} bytes", self.limit_bytes);
                return Err(over_limit(&self.what, self.limit_bytes, &found));
            }
            self.read_bytes = read_bytes;
            return Ok(Some(chunk));
        }
    }
}

/// A whole answer.
struct Answer {
    /// The request, as `METHOD path`, for errors.
    what: String,
    status: StatusCode,
    body: Bytes,
}

impl Answer {
    /// Reads the whole answer `response` to `what`, at most [`RESPONSE_BYTES_MAX`] bytes.
    async fn read(what: String, response: hyper::Response<Incoming>) -> Result<Self, QueryError> {
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, RESPONSE_BYTES_MAX).collect().await.map_err(|error| {
            unavailable(&what, format!("the answer could not be read: {error}"))
        })?;
        Ok(Self { what, status: parts.status, body: body.to_bytes() })
    }

    /// The JSON body as `T`; an answer that is not is the node's failure, so unavailable.
    fn decode<T: DeserializeOwned>(&self) -> Result<T, QueryError> {
        serde_json::from_slice(&self.body).map_err(|error| QueryError::Unavailable {
            reason: format!(
                "{}: the answer is not the expected JSON ({error}): {}",
                self.what,
                quoted(&self.body)
            ),
        })
    }

    /// The error of a 404 whose problem says what is not there in terms of the query: no block
    /// at the height asked yet, or no position under the cursor given.
    fn not_found(&self) -> Option<QueryError> {
        if self.status != StatusCode::NOT_FOUND {
            return None;
        }
        let problem: ProblemBody = serde_json::from_slice(&self.body).ok()?;
        match problem.kind.as_str() {
            // The detail is the query error's message, "no block at height <N> yet".
            "/problems/no-block-yet" => {
                let height = problem.detail.strip_prefix("no block at height ")?;
                let height = height.strip_suffix(" yet")?.parse().ok()?;
                Some(QueryError::NoBlockYet { height })
            }
            // The detail is "cursor \"<hex>\" names no position in this listing: <rule>"; a
            // cursor that is hex needs no escape in quotes.
            "/problems/cursor-unknown" => {
                let rest = problem.detail.strip_prefix("cursor \"")?;
                let (cursor, rule) = rest.split_once("\" names no position in this listing: ")?;
                Some(QueryError::CursorUnknown { cursor: cursor.to_owned(), rule: rule.to_owned() })
            }
            _ => None,
        }
    }

    /// The error of an answer that is not a success, from its problem; `parameter` is the one
    /// a 4xx names when its detail names none.
    fn error(&self, parameter: &'static str) -> QueryError {
        if let Some(error) = self.not_found() {
            return error;
        }
        let problem: ProblemBody = serde_json::from_slice(&self.body).unwrap_or_default();
        let detail = if problem.detail.is_empty() { quoted(&self.body) } else { problem.detail };
        let status = self.status;
        if !status.is_client_error() || status == StatusCode::TOO_MANY_REQUESTS {
            let title = if problem.title.is_empty() { status.to_string() } else { problem.title };
            return QueryError::Unavailable {
                reason: format!("{}: {} {title}: {detail}", self.what, status.as_u16()),
            };
        }
        if let Some((name, rule)) = named_parameter(&detail) {
            return QueryError::bad_input(name, rule);
        }
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            return QueryError::bad_input("authorization", detail);
        }
        match parameter {
            "tx" if !problem.title.is_empty() => {
                QueryError::bad_input(parameter, format!("{}: {detail}", problem.title))
            }
            _ => QueryError::bad_input(parameter, detail),
        }
    }
}

/// The members of an RFC 9457 problem the client reads.
#[derive(Debug, Default, Deserialize)]
struct ProblemBody {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
}

/// The parameters a problem's detail may name as ``parameter `name`: rule`` (the form of
/// [`QueryError::BadInput`]'s message).
const PARAMETERS: [&str; 18] = [
    "after", "at", "code", "cursor", "from", "height", "id", "kind", "limit", "number", "org", "q",
    "record", "status", "to", "under", "url", "year",
];

/// The parameter and rule of a detail ``parameter `name`: rule``, for a known name.
fn named_parameter(detail: &str) -> Option<(&'static str, String)> {
    let rest = detail.strip_prefix("parameter `")?;
    let (name, rule) = rest.split_once("`: ")?;
    let name = PARAMETERS.into_iter().find(|known| *known == name)?;
    Some((name, rule.to_owned()))
}

/// The start of `body` as text, for an error.
fn quoted(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut quoted: String = text.chars().take(QUOTED_CHARS_MAX).collect();
    if text.chars().nth(QUOTED_CHARS_MAX).is_some() {
        quoted.push_str("...");
    }
    quoted
}

/// An error and its causes, joined.
fn causes(error: &hyper_util::client::legacy::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The base URL (`http://host:port`) and the path and query (`/` at least) of `url`.
pub(crate) fn split_url(url: &str) -> Result<(String, String), QueryError> {
    let trimmed = url.trim();
    let after_scheme = trimmed.split_once("://").map_or(0, |(scheme, _)| scheme.len() + 3);
    let (base, path) = match trimmed[after_scheme..].find('/') {
        Some(at) => trimmed.split_at(after_scheme + at),
        None => (trimmed, "/"),
    };
    authority(base)?;
    Ok((base.to_owned(), path.to_owned()))
}

/// The `host:port` of `base_url`.
fn authority(base_url: &str) -> Result<String, QueryError> {
    let bad = |rule: String| QueryError::bad_input("url", rule);
    let trimmed = base_url.trim();
    let rest = match trimmed.split_once("://") {
        Some(("http", rest)) => rest,
        Some((scheme, _)) => {
            return Err(bad(format!(
                "{base_url:?} is not http://host:port: scheme {scheme} is not served \
                 (a node's API is plain HTTP on the consortium network)"
            )));
        }
        None => trimmed,
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    let well_formed = authority
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok())
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    if !well_formed {
        return Err(bad(format!(
            "{base_url:?} is not http://host:port, as http://127.0.0.1:26600"
        )));
    }
    Ok(authority.to_owned())
}

/// The id of `key` as a path segment: a number, a key in hex, or a text id.
fn id_segment(key: &RecordKey) -> String {
    let text = crate::record_key_text(key);
    let id = text.split_once(':').map_or("", |(_, id)| id);
    percent_encoded(id)
}

/// `key` as the path segment `<kind>:<id>` (a bare `<kind>` for a key without an id).
fn key_segment(key: &RecordKey) -> String {
    let text = crate::record_key_text(key);
    match text.split_once(':') {
        Some((kind, id)) => format!("{}:{}", percent_encoded(kind), percent_encoded(id)),
        None => percent_encoded(&text),
    }
}

/// `?name=value&...` of the pairs that have a value, or nothing.
fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let mut query = String::new();
    for (name, value) in pairs {
        let Some(value) = value else { continue };
        query.push(if query.is_empty() { '?' } else { '&' });
        query.push_str(name);
        query.push('=');
        query.push_str(&percent_encoded(value));
    }
    query
}

/// `text` with every byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`) percent-encoded, so
/// it stands as one path segment or query value.
pub fn percent_encoded(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_is_http_host_and_port() {
        let good = ["http://127.0.0.1:26600", "http://127.0.0.1:26600/", "node-1.lan:8640"];
        let bad = ["https://127.0.0.1:26600", "http://127.0.0.1", "http://h:1/v1", "", ":80"];

        for url in good {
            assert!(authority(url).is_ok(), "{url:?}");
        }
        for url in bad {
            let error = authority(url).expect_err(url);
            assert!(matches!(error, QueryError::BadInput { parameter: "url", .. }), "{url:?}");
        }
        assert_eq!(authority("http://127.0.0.1:26600/").expect("good"), "127.0.0.1:26600");
    }

    #[test]
    fn values_are_percent_encoded_and_absent_ones_left_out() {
        let query = query_string(&[
            ("q", Some("企业 登记&x=1".to_owned())),
            ("cursor", None),
            ("limit", Some("5".to_owned())),
        ]);

        assert_eq!(query, "?q=%E4%BC%81%E4%B8%9A%20%E7%99%BB%E8%AE%B0%26x%3D1&limit=5");
        assert_eq!(query_string(&[("cursor", None)]), "");
    }

    #[test]
    fn a_problem_maps_to_bad_input_naming_its_parameter_or_to_unavailable() {
        let answer = |status: u16, body: &str| Answer {
            what: "GET /v1/x".into(),
            status: StatusCode::from_u16(status).expect("a status"),
            body: Bytes::copy_from_slice(body.as_bytes()),
        };
        let problem = |status: u16, title: &str, detail: &str| {
            let body =
                serde_json::json!({ "type": "/problems/x", "title": title, "detail": detail });
            answer(status, &body.to_string())
        };

        let limit =
            problem(400, "the request is malformed", "parameter `limit`: 0 is not from 1 to 100");
        let unnamed = problem(400, "the request is malformed", "grant id \"x\" is not a number");
        let refused = problem(
            409,
            "the nonce skips ahead",
            "nonce 3 skips ahead; the signer's next nonce is 1",
        );
        let unauthenticated =
            problem(401, "the record is restricted to members", "reading needs a header");
        let full = problem(429, "the mempool is full", "retry later");
        let failed = answer(502, "<html>bad gateway</html>");

        assert_eq!(limit.error("request").to_string(), "parameter `limit`: 0 is not from 1 to 100");
        assert!(matches!(
            unnamed.error("request"),
            QueryError::BadInput { parameter: "request", .. }
        ));
        assert_eq!(
            refused.error("tx").to_string(),
            "parameter `tx`: the nonce skips ahead: nonce 3 skips ahead; the signer's next nonce is 1"
        );
        assert!(matches!(
            unauthenticated.error("request"),
            QueryError::BadInput { parameter: "authorization", .. }
        ));
        assert!(matches!(full.error("tx"), QueryError::Unavailable { .. }));
        let QueryError::Unavailable { reason } = failed.error("request") else { panic!("5xx") };
        assert!(reason.contains("502") && reason.contains("bad gateway"), "{reason}");
    }

    #[test]
    fn a_404_of_a_height_or_a_cursor_is_a_typed_not_found_and_any_other_is_not() {
        let problem = |kind: &str, detail: &str| Answer {
            what: "GET /v1/x".into(),
            status: StatusCode::NOT_FOUND,
            body: Bytes::from(
                serde_json::json!({ "type": kind, "title": "t", "detail": detail }).to_string(),
            ),
        };

        let yet = problem("/problems/no-block-yet", "no block at height 12 yet").not_found();
        let cursor = problem(
            "/problems/cursor-unknown",
            "cursor \"07\" names no position in this listing: a cursor of this listing is ...",
        )
        .not_found();
        let record = problem("/problems/not-found", "no grant \"9\"");

        assert!(matches!(yet, Some(QueryError::NoBlockYet { height: 12 })), "{yet:?}");
        let Some(QueryError::CursorUnknown { cursor, rule }) = cursor else { panic!("{cursor:?}") };
        assert_eq!((cursor.as_str(), rule.as_str()), ("07", "a cursor of this listing is ..."));
        assert!(record.not_found().is_none());
        assert!(matches!(record.error("request"), QueryError::BadInput { .. }));
    }

    #[test]
    fn record_keys_become_path_segments() {
        use onebook_types::ids::{CatalogCode, GrantId};

        assert_eq!(id_segment(&RecordKey::Grant(GrantId(7))), "7");
        assert_eq!(
            id_segment(&RecordKey::CatalogEntry(CatalogCode::from("350200-a-1"))),
            "350200-a-1"
        );
        assert_eq!(
            key_segment(&RecordKey::Member(PublicKey([0xab; 32]))),
            format!("member:{}", "ab".repeat(32))
        );
        assert_eq!(key_segment(&RecordKey::Policy), "policy");
    }

    #[test]
    fn signed_requests_never_share_a_time() {
        let client = HttpQuery::new("http://127.0.0.1:1")
            .expect("a url")
            .with_reader(SecretKey::from_seed([1; 32]));

        let times: Vec<u64> = (0..1_000).map(|_| client.signing_time_ms()).collect();

        assert!(times.windows(2).all(|pair| pair[0] < pair[1]), "times only grow");
    }
}
