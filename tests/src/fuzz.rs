//! The fuzz targets: one function per decoder or parser that takes bytes from outside (a peer, a
//! client, a file), each taking arbitrary bytes and panicking only on a bug.
//!
//! The coverage-guided fuzzer (`tests/fuzz/`, outside the workspace, run by `scripts/fuzz.sh`)
//! calls these functions, and the default suite replays every committed corpus file
//! (`tests/fuzz/corpus/<target>/`) through them (`tests/it/fuzz_corpus.rs`), so a crash found
//! once stays fixed without a fuzzer. Each target checks more than "no panic" where a rule is
//! known: a decoded value re-encodes to the same bytes (one encoding per value), accepted
//! configuration and genesis files survive their own round trip, a mempool that admitted a tx
//! holds it, and the API answers no input with a 500 or a client error that is not
//! `application/problem+json`.
//!
//! A few targets are structure-aware, because a fuzzer cannot forge a signature: `admission` and
//! `gossip_batch` also re-sign every tx they decode with a dev member's key (so the ledger rules
//! behind the signature check are explored), and `read_header` signs a read of an arbitrary path
//! for one of the dev network's members (so the member lookup and the read audience rules are).

use std::{
    sync::{Mutex, OnceLock},
    time::Instant,
};

use axum::{
    body::{Body, to_bytes},
    http::{HeaderName, HeaderValue, Method, Request, header},
};
use onebook_cli::Config;
use onebook_genesis::{GenesisFile, dev_secret};
use onebook_ledger::{BlockContext, MemState};
use onebook_mempool::{AdmitError, Mempool, MempoolConfig};
use onebook_network::{BatchJudge, TxBatch, TxPool, Verdict};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    block::{Block, CommitCertificate, Header, Receipt},
    codec,
    ids::{Height, Timestamp},
    keys::SecretKey,
    limits::{BLOCK_BYTES_MAX, TX_BYTES_MAX},
    read_request::sign_read,
    tx::SignedTx,
};
use onebook_verifier::TrustedGenesis;
use tower::ServiceExt;

/// A fuzz target: takes any bytes, panics only on a bug.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus folder and fuzz binary.
pub const TARGETS: &[(&str, Target)] = &[
    ("tx", tx),
    ("block", block),
    ("admission", admission),
    ("gossip_batch", gossip_batch),
    ("api_request", api_request),
    ("read_header", read_header),
    ("genesis", genesis),
    ("config", config),
    ("proof_bundle", proof_bundle),
];

/// The dev genesis, which every stateful target starts from.
fn dev_genesis() -> &'static GenesisFile {
    static GENESIS: OnceLock<GenesisFile> = OnceLock::new();
    GENESIS.get_or_init(|| {
        GenesisFile::from_json_validated(include_bytes!("../../genesis/networks/dev.json"))
            .expect("the dev genesis is valid")
    })
}

/// The state the dev genesis starts from.
fn genesis_state() -> MemState {
    static STATE: OnceLock<MemState> = OnceLock::new();
    STATE.get_or_init(|| MemState::from_records(dev_genesis().initial_state())).clone()
}

/// The dev member who signs the re-signed txs: an org admin, who may send most actions.
fn admin() -> &'static SecretKey {
    static ADMIN: OnceLock<SecretKey> = OnceLock::new();
    ADMIN.get_or_init(|| dev_secret("xm-dsj/admin"))
}

/// A signed tx, as a client or a peer sends it: decoding, hashing and the signature check.
pub fn tx(data: &[u8]) {
    let Ok(tx) = codec::decode::<SignedTx>(data, TX_BYTES_MAX) else { return };
    assert_eq!(codec::encode(&tx), data, "a decoded tx re-encodes to its own bytes");
    assert_eq!(SignedTx::decode(data).ok().as_ref(), Some(&tx));
    let hash = tx.hash();
    if let Ok(verified) = tx.verify() {
        assert_eq!(verified.hash(), hash, "verifying a tx keeps its hash");
    }
}

/// A block, a header, a receipt or a commit certificate, as block sync and proposals carry them.
pub fn block(data: &[u8]) {
    if let Ok(block) = Block::decode(data) {
        assert_eq!(codec::encode(&block), data, "a decoded block re-encodes to its own bytes");
        let _ = (block.header.hash(), block.compute_tx_root());
        for tx in block.txs {
            let _ = tx.verify();
        }
    }
    if let Ok(header) = Header::decode(data) {
        assert_eq!(codec::encode(&header), data, "a decoded header re-encodes to its own bytes");
        let _ = header.hash();
    }
    if let Ok(receipt) = Receipt::decode(data) {
        assert_eq!(codec::encode(&receipt), data, "a decoded receipt re-encodes to its bytes");
        let _ = receipt.rejection();
    }
    if let Ok((header, certificate)) =
        codec::decode::<(Header, CommitCertificate)>(data, BLOCK_BYTES_MAX)
    {
        let genesis = dev_genesis();
        let _ = certificate.verify(&header, &genesis.hash(), &genesis.validator_set());
    }
}

/// The mempool's admission checks (size, decoding, chain, signature, nonce, signer, rules) over
/// the dev genesis state, with no storage: the bytes as sent, then the same tx re-signed by a
/// dev org admin with the chain and nonce the pool expects.
pub fn admission(data: &[u8]) {
    let genesis = dev_genesis();
    let state = genesis_state();
    let next = next_block(genesis);
    let mut pool = Mempool::new(MempoolConfig::default(), genesis.chain_id.clone());

    if let Ok(hash) = pool.admit(data, &state, &next) {
        assert!(pool.contains(&hash), "an admitted tx waits in the pool");
    }
    let Ok(tx) = codec::decode::<SignedTx>(data, TX_BYTES_MAX) else { return };
    let mut body = tx.body;
    body.chain_id = genesis.chain_id.clone();
    body.signer = admin().public_key();
    let as_sent = codec::encode(&body.clone().sign(admin()));
    admit_and_check(&mut pool, &state, &next, &as_sent);
    body.nonce.0 = pool.nonces(&state, &body.signer).1;
    let in_order = codec::encode(&body.sign(admin()));
    admit_and_check(&mut pool, &state, &next, &in_order);
}

fn admit_and_check(pool: &mut Mempool, state: &MemState, next: &BlockContext, bytes: &[u8]) {
    let before = pool.len();
    match pool.admit(bytes, state, next) {
        Ok(hash) => {
            assert_eq!(pool.len(), before + 1, "an admitted tx adds one to the pool");
            assert!(pool.verified(&hash).is_some(), "an admitted tx waits, verified");
            let reaped = pool.reap(usize::MAX, usize::MAX);
            assert!(reaped.iter().any(|tx| tx.hash() == hash), "an admitted tx is reaped");
        }
        Err(AdmitError::BadSignature) => panic!("a tx signed by its signer has a bad signature"),
        Err(_) => assert_eq!(pool.len(), before, "a refused tx leaves the pool as it was"),
    }
}

/// The block the pool admits for: the first after the dev genesis, a minute after it.
fn next_block(genesis: &GenesisFile) -> BlockContext {
    BlockContext {
        chain_id: genesis.chain_id.clone(),
        height: Height(1),
        time: Timestamp(genesis.genesis_time.0 + 60_000),
        suite: genesis.suite,
    }
}

/// A gossip message from a peer, judged as the node judges it (decoding, batch bounds,
/// admission of each tx in order, early txs held and retried): the bytes as received, then the
/// batch with each decodable tx re-signed by a dev org admin, its nonce kept, so that nonce gaps,
/// holding and retrying are reached.
pub fn gossip_batch(data: &[u8]) {
    let genesis = dev_genesis();
    let pool = MemPool {
        pool: Mutex::new(Mempool::new(MempoolConfig::default(), genesis.chain_id.clone())),
        state: genesis_state(),
        next: next_block(genesis),
    };
    let mut judge = BatchJudge::default();
    let now = Instant::now();

    let _ = judge.judge(data, &pool, now);
    let Ok(batch) = codec::decode::<TxBatch>(data, usize::MAX) else { return };
    let txs = batch
        .txs
        .iter()
        .map(|bytes| match codec::decode::<SignedTx>(bytes, TX_BYTES_MAX) {
            Ok(tx) => {
                let mut body = tx.body;
                body.chain_id = genesis.chain_id.clone();
                body.signer = admin().public_key();
                codec::encode(&body.sign(admin()))
            }
            Err(_) => bytes.clone(),
        })
        .collect();
    let signed = codec::encode(&TxBatch { sequence: batch.sequence, txs });
    let _ = judge.judge(&signed, &pool, now);
    assert!(judge.held() <= onebook_network::HELD_TXS_MAX, "the held txs are bounded");
}

/// The node's pool as gossip sees it, over a state in memory; the verdicts are the node's
/// (`onebook start`'s `GossipPool`).
#[derive(Debug)]
struct MemPool {
    pool: Mutex<Mempool>,
    state: MemState,
    next: BlockContext,
}

impl TxPool for MemPool {
    fn admit(&self, tx: &[u8]) -> Verdict {
        let mut pool = self.pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match pool.admit(tx, &self.state, &self.next) {
            Ok(_) => Verdict::Admitted,
            Err(
                AdmitError::TooLarge { .. }
                | AdmitError::Decode(_)
                | AdmitError::WrongChain { .. }
                | AdmitError::BadSignature,
            ) => Verdict::Invalid,
            Err(AdmitError::NonceGap { .. }) => Verdict::Early,
            Err(_) => Verdict::Ignored,
        }
    }

    fn waiting(&self, max: usize) -> Vec<Vec<u8>> {
        let pool = self.pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        pool.reap(max, usize::MAX).iter().map(|tx| codec::encode(tx.tx())).collect()
    }
}

/// One HTTP request through the REST API's router (every route, the path and query parsers,
/// the `Authorization` header, body limits and media types), over a store holding the dev
/// genesis and three blocks of real txs. The input is the request's head and body as text:
/// `METHOD TARGET`, then `Name: value` lines, an empty line and the body.
pub fn api_request(data: &[u8]) {
    let (head, body) = match find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &data[data.len()..]),
    };
    let mut lines = head.split(|&byte| byte == b'\n');
    let first = lines.next().unwrap_or_default();
    let (method, target) = match find(first, b" ") {
        Some(at) => (&first[..at], &first[at + 1..]),
        None => (&b"GET"[..], first),
    };
    let Ok(method) = Method::from_bytes(method) else { return };
    let mut request = Request::builder().method(method).uri(target);
    for line in lines {
        let Some(at) = find(line, b":") else { return };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..at]),
            HeaderValue::from_bytes(line[at + 1..].trim_ascii_start()),
        ) else {
            return;
        };
        request = request.header(name, value);
    }
    let Ok(request) = request.body(Body::from(body.to_vec())) else { return };
    Api::get().answer(request);
}

/// A signed read's `Authorization` header, as a client sends it. An even first byte: the rest
/// is the header value for `GET /v1/access-events/1`, with `time=now` replaced by the node's
/// clock (so the window check passes and the signature check is reached). An odd first byte: the
/// rest is a path and query, read with a signature made now by one of the dev network's
/// members (or by an unknown key), so the member lookup and the read rules are reached.
pub fn read_header(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let now = onebook_api_clock_ms();
    let (target, value) = if mode % 2 == 0 {
        let value = String::from_utf8_lossy(rest).replace("time=now", &format!("time={now}"));
        ("/v1/access-events/1".to_owned(), value)
    } else {
        const READERS: &[&str] = &[
            "xm-dsj/admin",
            "xm-dsj/auditor",
            "xm-gaj/gateway",
            "xm-jypt/data-user",
            "xm-djzx/registrar-1",
            "not a member",
        ];
        let reader = dev_secret(READERS[usize::from(mode / 2) % READERS.len()]);
        let target = String::from_utf8_lossy(rest).into_owned();
        let value = sign_read(&reader, "GET", &target, now);
        (target, value)
    };
    let Ok(request) = Request::get(target).header(header::AUTHORIZATION, value).body(Body::empty())
    else {
        return;
    };
    Api::get().answer(request);
}

/// The node's clock, in Unix ms, as the API judges a signed read's time.
fn onebook_api_clock_ms() -> u64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970");
    u64::try_from(since_epoch.as_millis()).expect("the time fits in u64 ms")
}

/// A genesis file (JSON): parsing, every validation rule, and for a valid file its hash,
/// validator set and initial state; a valid file reads back the same from its own JSON.
pub fn genesis(data: &[u8]) {
    let Ok(genesis) = GenesisFile::from_json(data) else { return };
    if genesis.validate().is_err() {
        return;
    }
    let _ = (genesis.hash(), genesis.validator_set(), genesis.initial_state());
    let again = GenesisFile::from_json_validated(genesis.to_json_pretty().as_bytes())
        .expect("a valid genesis file reads back from its own JSON");
    assert_eq!(again, genesis, "a genesis file survives its JSON round trip");
    assert_eq!(again.hash(), genesis.hash());
}

/// A node's configuration: the file's TOML text, then (after NUL bytes) environment overrides
/// (`ONEBOOK__SECTION__KEY=value`) and `--set section.key=value` flags. An accepted
/// configuration derives its parts without panicking and reads back the same from `onebook config
/// show`'s TOML.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.split('\0');
    let file = parts.next().filter(|file| !file.is_empty());
    let (mut env, mut overrides) = (Vec::new(), Vec::new());
    for part in parts {
        match part.split_once('=') {
            Some((name, value)) if name.starts_with("ONEBOOK__") => {
                env.push((name.to_owned(), value.to_owned()));
            }
            _ => overrides.push(part.to_owned()),
        }
    }
    let Ok(config) = Config::parse(file, env, &overrides) else { return };
    let _ = config.mempool.mempool_config();
    let _ = config.api.listen_addr();
    let _ = config.api.serve_config();
    let _ = config
        .storage
        .store_config(std::path::Path::new("data"), onebook_types::suite::Suite::Ed25519Blake3);
    let shown = config.to_toml();
    let again = Config::parse(Some(&shown), [], &[]).expect("a shown configuration reads back");
    assert_eq!(again, config, "a configuration survives `onebook config show`");
}

/// A proof bundle, as a verifier gets it from anyone: decoding (size, magic, version, counts)
/// and the whole offline check against the dev genesis.
pub fn proof_bundle(data: &[u8]) {
    if let Ok(bundle) = onebook_verifier::decode(data) {
        assert_eq!(bundle.encode(), data, "a decoded bundle re-encodes to its own bytes");
    }
    let genesis = dev_genesis();
    let trusted = TrustedGenesis {
        chain_id: genesis.chain_id.clone(),
        genesis_hash: genesis.hash(),
        validators: genesis.validator_set(),
        witnesses: genesis.checkpoint_policy().witnesses,
        suite: genesis.suite,
    };
    if let Ok(verdict) = onebook_verifier::verify(data, &trusted) {
        let _ = onebook_verifier::judge(&verdict);
    }
}

/// The REST API over a store in a temporary directory, built once per process.
struct Api {
    _dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
}

impl Api {
    fn get() -> &'static Self {
        static API: OnceLock<Api> = OnceLock::new();
        API.get_or_init(|| Self::new().expect("the fuzzed API's store builds"))
    }

    fn new() -> eyre::Result<Self> {
        let dir = tempfile::Builder::new().prefix("onebook-fuzz-api-").tempdir()?;
        crate::history::build(dir.path(), 3, 4)?;
        let genesis = dev_genesis();
        let store = std::sync::Arc::new(Store::open(&StoreConfig::new(dir.path()))?);
        let mempool = std::sync::Arc::new(Mutex::new(Mempool::new(
            MempoolConfig::default(),
            genesis.chain_id.clone(),
        )));
        let chain = onebook_chain::Chain::new(
            std::sync::Arc::clone(&store),
            mempool,
            genesis.chain_id.clone(),
            genesis.genesis_time,
            onebook_chain::ChainConfig::default(),
            || Timestamp(dev_genesis().genesis_time.0 + 60_000),
        );
        let state = onebook_api::ApiState::new(store, chain.gate(), genesis.chain_id.clone());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Ok(Self { _dir: dir, runtime, router: onebook_api::router(state) })
    }

    /// Sends `request`; panics on a 500 or on a client error that is not a problem document.
    fn answer(&self, request: Request<Body>) {
        let response = self.runtime.block_on(self.router.clone().oneshot(request));
        let response = match response {
            Ok(response) => response,
            Err(infallible) => match infallible {},
        };
        let status = response.status();
        if status.as_u16() == 500 {
            let body = self.runtime.block_on(to_bytes(response.into_body(), 1 << 20));
            panic!("the API answered 500: {body:?}");
        }
        if status.is_client_error() {
            let media = response.headers().get(header::CONTENT_TYPE).cloned();
            assert!(
                media.as_ref().is_some_and(|media| media == "application/problem+json"),
                "a {status} answer is {media:?}, not application/problem+json"
            );
            let body = self.runtime.block_on(to_bytes(response.into_body(), 1 << 20));
            let body = body.expect("a problem document is read whole");
            let problem: serde_json::Value =
                serde_json::from_slice(&body).expect("a problem document is JSON");
            assert_eq!(problem["status"], status.as_u16(), "the problem's status is the answer's");
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}
