//! A blocking client of one node's REST API that signs with the dev keys of a `dev_only`
//! network: it submits actions (`POST /v1/txs`) and waits for their receipts
//! (`GET /v1/txs/{hash}`, read as the dev auditor so that no event is withheld), and reads
//! records, signing the read when it is restricted.
//!
//! Every wait is bounded; a node that does not answer is an error naming its address.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use eyre::{WrapErr, bail, eyre};
use onebook_types::suite::Suite;
use onebook_types::{
    action::Action,
    block::Event,
    codec,
    ids::{ChainId, Height, Nonce},
    keys::{PublicKey, SecretKey},
    tx::TxBody,
};
use serde_json::Value;

use onebook_query::{
    BlockingHttp,
    blocking::{TxPoll, problem_text},
};

/// How many heights above the tip a submitted tx stays valid.
const VALID_FOR_HEIGHTS: u64 = 1_000;
/// How long a batch of txs may take to be committed, plus [`COMMIT_WAIT_PER_TX`] per tx.
const COMMIT_WAIT: Duration = Duration::from_secs(60);
/// The extra wait per tx of a batch.
const COMMIT_WAIT_PER_TX: Duration = Duration::from_millis(50);
/// How long a full mempool (429) is retried before the submission fails.
const FULL_RETRY: Duration = Duration::from_secs(30);
/// Between two polls of a tx's status.
const POLL: Duration = Duration::from_millis(100);

/// One tx to submit: the dev label of its signer's key and its action.
#[derive(Clone, Debug)]
pub struct Signed {
    /// The dev label whose key signs, e.g. `xm-scjg/catalog-clerk`.
    pub label: String,
    /// What it asks.
    pub action: Action,
}

/// A tx to submit, signed by the dev key `label`.
pub fn signed(label: impl Into<String>, action: Action) -> Signed {
    Signed { label: label.into(), action }
}

/// What became of a committed tx.
#[derive(Clone, Debug)]
pub struct Receipt {
    /// Its hash.
    pub tx_hash: String,
    /// Its block.
    pub height: u64,
    /// 0 if accepted, else the rejection code.
    pub code: u16,
    /// The rejection's name, if refused.
    pub rejection: Option<String>,
    /// The events it raised.
    pub events: Vec<Event>,
}

impl Receipt {
    /// Whether the rules accepted it.
    pub fn accepted(&self) -> bool {
        self.code == 0
    }

    /// The first event of `kind`.
    pub fn event(&self, kind: &str) -> Option<&Event> {
        self.events.iter().find(|event| event.kind == kind)
    }

    /// The attribute `name` of the first event of `kind`.
    pub fn attribute(&self, kind: &str, name: &str) -> Option<&str> {
        let event = self.event(kind)?;
        event.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// The attribute `name` of the first event of `kind`, or an error naming what was missing.
    pub fn id(&self, kind: &str, name: &str) -> eyre::Result<String> {
        self.attribute(kind, name).map(str::to_owned).ok_or_else(|| {
            eyre!("tx {} raised no {kind} event with `{name}`: {:?}", self.tx_hash, self.events)
        })
    }

    /// The attribute `name` of the first event of `kind` as a number (a record id).
    pub fn number(&self, kind: &str, name: &str) -> eyre::Result<u64> {
        let text = self.id(kind, name)?;
        text.parse().wrap_err_with(|| format!("`{name}` of {kind} is {text:?}, not a number"))
    }

    /// The event kinds, in order.
    pub fn kinds(&self) -> Vec<&str> {
        self.events.iter().map(|event| event.kind.as_str()).collect()
    }
}

/// Why a node turned a tx away before any block: the HTTP status and the problem it answered.
#[derive(Clone, Debug)]
pub struct Turned {
    /// The HTTP status.
    pub status: u16,
    /// The problem (`type`, `title`, `detail`, and `code` and `rejection` where a rule applies).
    pub problem: Value,
}

/// A client of the node at `addr`.
#[derive(Debug)]
pub struct Client {
    addr: String,
    chain_id: ChainId,
    suite: Suite,
    /// Anonymous requests.
    http: BlockingHttp,
    /// Requests signed by each dev key label that read so far: one client per key, whose
    /// signing times never repeat (the node refuses a signature it saw).
    readers: std::cell::RefCell<BTreeMap<String, BlockingHttp>>,
}

impl Client {
    /// Connects to the node at `addr` (`host:port`): reads its status, so an unreachable node is
    /// an error here and not in the middle of a run.
    pub fn connect(addr: &str) -> eyre::Result<Self> {
        let http = BlockingHttp::new(addr)?;
        let (status, body) = http.exchange("GET", "/v1/status", None).wrap_err_with(|| {
            format!("the node at {addr} is not reachable: is a devnet running there?")
        })?;
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if status != 200 {
            bail!("the node at {addr} answered GET /v1/status with {status}: {body}");
        }
        let chain_id = body["chain_id"]
            .as_str()
            .ok_or_else(|| eyre!("the node at {addr} names no chain in its status: {body}"))?;
        Ok(Self {
            addr: addr.to_owned(),
            chain_id: ChainId::from(chain_id),
            suite: Suite::default(),
            http,
            readers: std::cell::RefCell::default(),
        })
    }

    /// This client for a chain of `suite` (the default suite's otherwise): the dev keys it
    /// signs with are derived in it.
    pub fn with_suite(self, suite: Suite) -> Self {
        Self { suite, ..self }
    }

    /// The chain's suite, which the dev keys are derived in.
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The dev key `label` in the chain's suite.
    pub fn dev_secret(&self, label: &str) -> SecretKey {
        onebook_genesis::dev_secret_in(self.suite, label)
    }

    /// The node's address.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The chain the node serves.
    pub fn chain_id(&self) -> &ChainId {
        &self.chain_id
    }

    /// `GET path`: the status and the JSON body (`Null` if it is not JSON).
    pub fn get_status(&self, path: &str) -> eyre::Result<(u16, Value)> {
        let (status, body) = self.http.exchange("GET", path, None)?;
        Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
    }

    /// `GET path`, expecting 200: its JSON body.
    pub fn get(&self, path: &str) -> eyre::Result<Value> {
        let (status, body) = self.get_status(path)?;
        if status != 200 {
            bail!("GET {path} on {} answered {status}: {}", self.addr, problem_text(&body));
        }
        Ok(body)
    }

    /// `GET path` signed by the dev key `label` (a signed read, `docs/formats.md` §18): the
    /// status and the JSON body.
    pub fn get_as_status(&self, label: &str, path: &str) -> eyre::Result<(u16, Value)> {
        let mut readers = self.readers.borrow_mut();
        let reader = match readers.entry(label.to_owned()) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => {
                entry.insert(self.http.with_reader(self.dev_secret(label))?)
            }
        };
        let (status, body) = reader.exchange("GET", path, None)?;
        Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
    }

    /// `GET path` signed by the dev key `label`, expecting 200: its JSON body.
    pub fn get_as(&self, label: &str, path: &str) -> eyre::Result<Value> {
        let (status, body) = self.get_as_status(label, path)?;
        if status != 200 {
            bail!("GET {path} as {label} answered {status}: {}", problem_text(&body));
        }
        Ok(body)
    }

    /// Whether `GET path` finds something (200) rather than nothing (404).
    pub fn exists(&self, path: &str) -> eyre::Result<bool> {
        match self.get_status(path)? {
            (200, _) => Ok(true),
            (404, _) => Ok(false),
            (status, body) => bail!("GET {path} answered {status}: {}", problem_text(&body)),
        }
    }

    /// Every item of the list at `path` (a `/v1/<records>` route, with or without a query),
    /// following its cursors, read as the dev key `reader` if one is given. At most
    /// `pages_max` pages of 100.
    pub fn list_all(
        &self,
        path: &str,
        reader: Option<&str>,
        pages_max: usize,
    ) -> eyre::Result<Vec<Value>> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..pages_max {
            let page_path = match &cursor {
                Some(cursor) => format!("{path}{separator}limit=100&cursor={cursor}"),
                None => format!("{path}{separator}limit=100"),
            };
            let page = match reader {
                Some(label) => self.get_as(label, &page_path)?,
                None => self.get(&page_path)?,
            };
            let page_items = page["items"]
                .as_array()
                .ok_or_else(|| eyre!("GET {page_path} gave no items: {page}"))?;
            items.extend(page_items.iter().cloned());
            match page["next"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Ok(items),
            }
        }
        bail!("the list {path} has more than {pages_max} pages")
    }

    /// The committed height and the time of its block (ms; the genesis time at height 0 is not
    /// served, so 0 then).
    pub fn tip(&self) -> eyre::Result<(u64, u64)> {
        let status = self.get("/v1/status")?;
        let height = status["height"].as_u64().ok_or_else(|| eyre!("no height in {status}"))?;
        if height == 0 {
            return Ok((0, 0));
        }
        let block = self.get(&format!("/v1/blocks/{height}"))?;
        let time = block["header"]["time"]
            .as_u64()
            .ok_or_else(|| eyre!("no header time in block {height}: {block}"))?;
        Ok((height, time))
    }

    /// The next nonce of `key` (one above its committed and waiting txs).
    pub fn next_nonce(&self, key: &PublicKey) -> eyre::Result<u64> {
        let nonces = self.get(&format!("/v1/nonces/{key}"))?;
        nonces["next"].as_u64().ok_or_else(|| eyre!("no next nonce in {nonces}"))
    }

    /// Signs `action` with the dev key `label`, submits it and waits until it is committed; its
    /// receipt, accepted or refused. A node that turns it away is an error.
    pub fn submit(&self, label: &str, action: Action) -> eyre::Result<Receipt> {
        let mut receipts = self.submit_all(vec![signed(label, action)])?;
        receipts.pop().ok_or_else(|| eyre!("no receipt"))
    }

    /// As [`Client::submit`], and an error naming `what` unless the rules accepted it.
    pub fn commit(&self, label: &str, action: Action, what: &str) -> eyre::Result<Receipt> {
        let receipt = self.submit(label, action)?;
        accepted(receipt, what)
    }

    /// Submits every tx of `txs` in order (each signer's nonces counted on from the node's
    /// next), then waits until all are committed; their receipts, in the same order. Txs of one
    /// batch may share a block, so none may depend on another's outcome, except a signer's own
    /// earlier txs.
    pub fn submit_all(&self, txs: Vec<Signed>) -> eyre::Result<Vec<Receipt>> {
        let hashes = self.send_all(txs)?;
        let deadline = Instant::now() + COMMIT_WAIT + COMMIT_WAIT_PER_TX * hashes.len() as u32;
        hashes.iter().map(|hash| self.wait_committed(hash, deadline)).collect()
    }

    /// As [`Client::submit_all`], and an error naming `what` unless the rules accepted every
    /// tx.
    pub fn commit_all(&self, txs: Vec<Signed>, what: &str) -> eyre::Result<Vec<Receipt>> {
        self.submit_all(txs)?.into_iter().map(|receipt| accepted(receipt, what)).collect()
    }

    /// Signs `action` with the dev key `label` and submits it, expecting the node to turn it
    /// away before any block: the status and problem it answered. An admitted tx is an error.
    pub fn submit_turned_away(&self, label: &str, action: Action) -> eyre::Result<Turned> {
        let secret = self.dev_secret(label);
        let nonce = self.next_nonce(&secret.public_key())?;
        let tx = self.sign(&secret, nonce, self.tip()?.0, action);
        let (status, body) =
            self.http.exchange("POST", "/v1/txs", Some(("application/octet-stream", tx)))?;
        let problem: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if status == 202 {
            bail!("{label}: the node admitted a tx it was expected to turn away: {problem}");
        }
        Ok(Turned { status, problem })
    }

    /// The borsh bytes of `action` signed by `secret` at `nonce`, valid for
    /// [`VALID_FOR_HEIGHTS`] above `tip`.
    fn sign(&self, secret: &SecretKey, nonce: u64, tip: u64, action: Action) -> Vec<u8> {
        let body = TxBody {
            chain_id: self.chain_id.clone(),
            signer: secret.public_key(),
            nonce: Nonce(nonce),
            valid_until: Height(tip + VALID_FOR_HEIGHTS),
            action,
        };
        codec::encode(&body.sign(secret))
    }

    /// Signs and submits `txs` in order; their hashes.
    fn send_all(&self, txs: Vec<Signed>) -> eyre::Result<Vec<String>> {
        let (height, _) = self.tip()?;
        let mut nonces: BTreeMap<String, (SecretKey, u64)> = BTreeMap::new();
        let mut hashes = Vec::with_capacity(txs.len());
        for Signed { label, action } in txs {
            if !nonces.contains_key(&label) {
                let secret = self.dev_secret(&label);
                let next = self.next_nonce(&secret.public_key())?;
                nonces.insert(label.clone(), (secret, next));
            }
            let (secret, nonce) = nonces.get_mut(&label).ok_or_else(|| eyre!("no nonce"))?;
            let tx = self.sign(secret, *nonce, height, action);
            *nonce += 1;
            hashes.push(self.post_tx(&label, &tx)?);
        }
        Ok(hashes)
    }

    /// `POST /v1/txs`, retrying while the mempool is full; the tx's hash.
    fn post_tx(&self, label: &str, tx: &[u8]) -> eyre::Result<String> {
        let deadline = Instant::now() + FULL_RETRY;
        loop {
            let (status, body) = self.http.exchange(
                "POST",
                "/v1/txs",
                Some(("application/octet-stream", tx.to_vec())),
            )?;
            let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            match status {
                202 => {
                    return answer["tx_hash"]
                        .as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| eyre!("no tx hash in {answer}"));
                }
                429 if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(500)),
                _ => {
                    bail!("{label}: the node refused the tx ({status}): {}", problem_text(&answer))
                }
            }
        }
    }

    /// Polls `GET /v1/txs/{hash}` until it is committed or `deadline` passes.
    fn wait_committed(&self, hash: &str, deadline: Instant) -> eyre::Result<Receipt> {
        let mut poll = TxPoll::default();
        loop {
            let (status, body) = self.get_as_status(super::AUDITOR, &format!("/v1/txs/{hash}"))?;
            if status == 200 && body["status"] == "committed" {
                return parse_receipt(hash, &body);
            }
            if !poll.again(status) {
                bail!("GET /v1/txs/{hash} answered {status}: {}", problem_text(&body));
            }
            if Instant::now() > deadline {
                bail!("tx {hash} was not committed in time on {}: {body}", self.addr);
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits, up to `wait`, until the tip's block time reaches `time` (ms); the tip's time then.
    pub fn wait_for_time(&self, time: u64, wait: Duration) -> eyre::Result<Option<u64>> {
        let deadline = Instant::now() + wait;
        loop {
            let (_, now) = self.tip()?;
            if now >= time {
                return Ok(Some(now));
            }
            if Instant::now() > deadline {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

/// The attribute `name` of the first event of `kind` of each of `receipts`, as numbers.
pub fn numbers(receipts: &[Receipt], kind: &str, name: &str) -> eyre::Result<Vec<u64>> {
    receipts.iter().map(|receipt| receipt.number(kind, name)).collect()
}

/// `receipt`, or an error naming `what` and the rule that refused it.
pub fn accepted(receipt: Receipt, what: &str) -> eyre::Result<Receipt> {
    if receipt.accepted() {
        return Ok(receipt);
    }
    bail!(
        "{what}: the rules refused tx {} with {} ({})",
        receipt.tx_hash,
        receipt.rejection.as_deref().unwrap_or("?"),
        receipt.code
    )
}

fn parse_receipt(hash: &str, body: &Value) -> eyre::Result<Receipt> {
    let events: Vec<Event> = serde_json::from_value(body["events"].clone())
        .wrap_err_with(|| format!("the events of tx {hash}: {body}"))?;
    Ok(Receipt {
        tx_hash: hash.to_owned(),
        height: body["height"].as_u64().ok_or_else(|| eyre!("no height in {body}"))?,
        code: body["code"]
            .as_u64()
            .and_then(|code| u16::try_from(code).ok())
            .ok_or_else(|| eyre!("no code in {body}"))?,
        rejection: body["rejection"].as_str().map(str::to_owned),
        events,
    })
}
