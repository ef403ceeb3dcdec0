//! Real `onebook` node processes on 127.0.0.1, each with its own home and RocksDB store, written
//! by `onebook testnet`, and a small HTTP/1.1 client for their REST APIs.
//!
//! Every wait here is bounded: it polls until a deadline and then fails with what it saw.

use std::{
    net::{IpAddr, Ipv4Addr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use eyre::{WrapErr, bail, eyre};
use onebook_types::suite::Suite;
use onebook_types::{
    action::{Action, GovernanceChange},
    codec,
    consortium::{OrgLevel, Role},
    ids::{ChainId, Height, Nonce, OrgId, RegionCode},
    keys::SecretKey,
    tx::TxBody,
};
use serde_json::Value;

/// Serves `body` to one HTTP GET on a fresh local port, as any file server would; its URL.
pub fn serve_once(body: Vec<u8>) -> eyre::Result<String> {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/state.snapshot", listener.local_addr()?);
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n",
            body.len()
        );
        // A client that refuses the body part way closes the connection; that is no failure.
        let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
    });
    Ok(url)
}

/// A first port from which node `i` of `count` may use `base + 10 i` and the next two, all free on
/// 127.0.0.1 now. The base is drawn from a port the operating system picks at random, so test
/// processes running side by side get ranges far apart.
pub fn free_base_port(count: usize) -> eyre::Result<u16> {
    let span = u16::try_from(10 * count.max(1)).map_err(|_| eyre!("too many nodes"))?;
    for _ in 0..100 {
        // Spread the random port over 10,000..32,000, below the ephemeral range (32,768 and up
        // on Linux), so no outgoing connection's source port takes a node's port first.
        let picked = u32::from(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port());
        let slots = (32_000 - 10_000 - u32::from(span)) / 10;
        let base = u16::try_from(10_000 + (picked.wrapping_mul(7_919) % slots) * 10)?;
        let free = (0..count).all(|i| {
            let port = base + 10 * i as u16;
            TcpListener::bind(("127.0.0.1", port)).is_ok()
                && TcpListener::bind(("127.0.0.1", port + 1)).is_ok()
                && TcpListener::bind(("127.0.0.1", port + 2)).is_ok()
        });
        if free {
            return Ok(base);
        }
    }
    bail!("no free port range on 127.0.0.1")
}

/// A signed `RegisterMember` tx of `admin` on the dev network at `nonce`, registering the dev
/// key `member-<n>` (of `admin`'s suite) as a data user: a cheap tx the ledger accepts once per
/// `n`.
pub fn register_member(admin: &SecretKey, nonce: u64, n: u64) -> Vec<u8> {
    let body = TxBody {
        chain_id: ChainId::from("onebook-dev-1"),
        signer: admin.public_key(),
        nonce: Nonce(nonce),
        valid_until: Height(1_000_000),
        action: Action::RegisterMember {
            key: onebook_genesis::dev_secret_in(admin.suite(), &format!("member-{n}")).public_key(),
            name: "网关".into(),
            roles: vec![Role::DataUser],
        },
    };
    codec::encode(&body.sign(admin))
}

/// The governance change admitting the district government of Huli (`xm-hlq`, under `xm-gov`)
/// with the dev key `xm-hlq/admin` of `suite` as its first org admin: the agency tests admit.
pub fn admit_hlq(suite: Suite) -> GovernanceChange {
    GovernanceChange::AdmitOrg {
        id: OrgId::from("xm-hlq"),
        name: "厦门市湖里区人民政府".to_owned(),
        level: OrgLevel::District,
        parent: Some(OrgId::from("xm-gov")),
        region: RegionCode::from("350206"),
        data_authority: false,
        admin: onebook_genesis::dev_secret_in(suite, "xm-hlq/admin").public_key(),
    }
}

/// Writes, with the `onebook` command `binary`, the homes of `validators` validators and
/// `observers` observers of the dev network into `out` (`out/node<i>`), node `i` on ports
/// `base_port + 10 i` and the next two (`onebook testnet` with the extra `testnet_args`).
pub fn write_testnet(
    binary: &Path,
    out: &Path,
    validators: usize,
    observers: usize,
    base_port: u16,
    testnet_args: &[&str],
) -> eyre::Result<()> {
    let status = Command::new(binary)
        .args(["testnet", "--nodes", &validators.to_string()])
        .args(["--observers", &observers.to_string(), "--base-port", &base_port.to_string()])
        .args(testnet_args)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("onebook testnet failed: {status}");
    }
    Ok(())
}

/// One node process.
#[derive(Debug)]
pub struct Node {
    /// The `onebook` command it runs.
    pub binary: PathBuf,
    /// Its home.
    pub home: PathBuf,
    /// Its REST API port.
    pub api_port: u16,
    /// The address its REST API listens on: 127.0.0.1 unless [`Node::with_api_ip`] says
    /// otherwise.
    pub api_ip: IpAddr,
    /// Where its stderr goes.
    pub log: PathBuf,
    child: Option<Child>,
}

impl Node {
    /// A node of the `onebook` command `binary` with its home, API port and log, not started.
    pub fn new(binary: PathBuf, home: PathBuf, api_port: u16, log: PathBuf) -> Self {
        Self { binary, home, api_port, api_ip: Ipv4Addr::LOCALHOST.into(), log, child: None }
    }

    /// The node with its REST API at `ip` instead of 127.0.0.1.
    pub fn with_api_ip(mut self, ip: IpAddr) -> Self {
        self.api_ip = ip;
        self
    }

    /// Its REST API address, `ip:port`.
    pub fn api_addr(&self) -> String {
        format!("{}:{}", self.api_ip, self.api_port)
    }

    /// Starts the node, its log appended to `log`.
    pub fn start(&mut self) -> eyre::Result<()> {
        self.start_with_env(&[])
    }

    /// Starts the node with the environment variables `env` added, such as
    /// `("ONEBOOK__API__CONNECTIONS_MAX", "64")` to override its configuration.
    pub fn start_with_env(&mut self, env: &[(&str, &str)]) -> eyre::Result<()> {
        self.spawn(&[], &[], env)
    }

    /// Starts the node with `args` after `start` (such as `--from-snapshot FILE`) and the
    /// environment variables `env` added.
    pub fn start_with(&mut self, args: &[&str], env: &[(&str, &str)]) -> eyre::Result<()> {
        self.spawn(&[], args, env)
    }

    /// As [`Node::start_with_env`], through the command `launcher` (such as
    /// `["ip", "netns", "exec", "<name>"]`) followed by the node's own command line. The
    /// launcher must exec the node in its own process, so that [`Node::kill`] kills the node.
    pub fn start_via(&mut self, launcher: &[&str], env: &[(&str, &str)]) -> eyre::Result<()> {
        self.spawn(launcher, &[], env)
    }

    /// Spawns `launcher` (if any), then `onebook --home HOME start` with `args` and `env` added.
    fn spawn(
        &mut self,
        launcher: &[&str],
        args: &[&str],
        env: &[(&str, &str)],
    ) -> eyre::Result<()> {
        if self.child.is_some() {
            bail!("node {} is already running", self.home.display());
        }
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log)?;
        let mut command = match launcher.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(&self.binary);
                command
            }
            None => Command::new(&self.binary),
        };
        let child = command
            .arg("--home")
            .arg(&self.home)
            .arg("start")
            .args(args)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .wrap_err("spawning onebook start")?;
        self.child = Some(child);
        Ok(())
    }

    /// Kills the process with SIGKILL, as a power cut would, and reaps it.
    pub fn kill(&mut self) -> eyre::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Stops the process with SIGTERM and waits up to `timeout` for it to exit.
    pub fn stop(&mut self, timeout: Duration) -> eyre::Result<()> {
        let Some(mut child) = self.child.take() else { return Ok(()) };
        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.kill()?;
        child.wait()?;
        bail!("node {} did not stop within {timeout:?}", self.home.display())
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    /// `GET path` on the node's API: the status and the JSON body.
    pub fn get(&self, path: &str) -> eyre::Result<(u16, Value)> {
        http_at(&self.api_addr(), "GET", path, None)
    }

    /// `POST /v1/txs` with the borsh bytes of a signed tx.
    pub fn submit(&self, tx: &[u8]) -> eyre::Result<(u16, Value)> {
        http_at(&self.api_addr(), "POST", "/v1/txs", Some(("application/octet-stream", tx)))
    }

    /// Signs `action` with `secret` at `nonce` on `chain_id`, submits it and waits up to
    /// `timeout` for its commit; the height of an accepted tx, an error for a refused one.
    pub fn commit(
        &self,
        chain_id: &ChainId,
        secret: &SecretKey,
        nonce: u64,
        action: Action,
        timeout: Duration,
    ) -> eyre::Result<u64> {
        let body = TxBody {
            chain_id: chain_id.clone(),
            signer: secret.public_key(),
            nonce: Nonce(nonce),
            valid_until: Height(1_000_000),
            action,
        };
        let (status, submitted) = self.submit(&codec::encode(&body.sign(secret)))?;
        if status != 202 {
            bail!("{status} {submitted}");
        }
        let hash = submitted["tx_hash"].as_str().ok_or_else(|| eyre!("no tx hash"))?;
        let receipt = self.wait_committed(hash, timeout)?;
        if receipt["code"] != 0 {
            bail!("refused: {receipt}");
        }
        receipt["height"].as_u64().ok_or_else(|| eyre!("no height: {receipt}"))
    }

    /// Waits up to `timeout` until the tx `hash` is committed on the node; its receipt,
    /// accepted or refused.
    pub fn wait_committed(&self, hash: &str, timeout: Duration) -> eyre::Result<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let (status, receipt) = self.get(&format!("/v1/txs/{hash}"))?;
            if status == 200 && receipt["status"] == "committed" {
                return Ok(receipt);
            }
            if Instant::now() > deadline {
                bail!(
                    "tx {hash} not committed on {} after {timeout:?}: {receipt}",
                    self.api_addr()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The node's committed height, if its API answers.
    pub fn height(&self) -> Option<u64> {
        let (status, body) = self.get("/v1/status").ok()?;
        (status == 200).then(|| body["height"].as_u64()).flatten()
    }

    /// The last lines of its log, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// A witness process (`onebook witness`) following a devnet with a dev witness key.
#[derive(Debug)]
pub struct Witness {
    /// The `onebook` command it runs.
    pub binary: PathBuf,
    /// Its home: `genesis.json`, `keys/witness.key` and `witness-state.json`.
    pub home: PathBuf,
    /// The API addresses it follows and posts to.
    pub nodes: Vec<String>,
    /// Where its stderr goes.
    pub log: PathBuf,
    child: Option<Child>,
}

impl Witness {
    /// Starts the process, its log appended to `log`.
    pub fn start(&mut self) -> eyre::Result<()> {
        if self.child.is_some() {
            bail!("witness {} is already running", self.home.display());
        }
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log)?;
        let mut command = Command::new(&self.binary);
        command.arg("--home").arg(&self.home).args(["witness", "--interval", "300ms"]);
        for node in &self.nodes {
            command.args(["--node", node]);
        }
        let child = command
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .wrap_err("spawning onebook witness")?;
        self.child = Some(child);
        Ok(())
    }

    /// Kills the process with SIGKILL and reaps it.
    pub fn kill(&mut self) -> eyre::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// The witness's state file, as JSON (`Null` before its first cosignature).
    pub fn state(&self) -> Value {
        std::fs::read_to_string(self.home.join("witness-state.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null)
    }

    /// The last lines of its log, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// A local network written by `onebook testnet` and its node processes.
#[derive(Debug)]
pub struct Devnet {
    /// The nodes, validators first.
    pub nodes: Vec<Node>,
    /// The chain's id, from its genesis.
    pub chain_id: ChainId,
    /// The chain's cryptographic suite, from its genesis.
    pub suite: Suite,
    dir: tempfile::TempDir,
}

impl Devnet {
    /// Writes, with the `onebook` command `binary` (the test package's `onebook-node`, whose
    /// path integration tests get as `env!("CARGO_BIN_EXE_onebook-node")`), the homes of
    /// `validators` validators and `observers` observers, and starts the validators; observers
    /// are started with [`Node::start`] when a test wants them.
    /// The chain makes a block at least every second, idle or not; see [`Devnet::start_idle`].
    pub fn start(binary: &Path, validators: usize, observers: usize) -> eyre::Result<Self> {
        Self::start_idle(binary, validators, observers, "1s")
    }

    /// As [`Devnet::start`], on the dev network rekeyed in `suite` (`onebook testnet
    /// --suite`): every test that runs on one suite runs on the other through this.
    pub fn start_in(
        binary: &Path,
        suite: Suite,
        validators: usize,
        observers: usize,
    ) -> eyre::Result<Self> {
        Self::start_with(
            binary,
            validators,
            observers,
            &["--idle-block-interval", "1s", "--suite", suite.name()],
        )
    }

    /// As [`Devnet::start_clocked`], in `suite`.
    pub fn start_clocked_in(
        binary: &Path,
        suite: Suite,
        validators: usize,
        clock_rate: u32,
    ) -> eyre::Result<Self> {
        let rate = clock_rate.to_string();
        Self::start_with(
            binary,
            validators,
            0,
            &["--idle-block-interval", "1s", "--clock-rate", &rate, "--suite", suite.name()],
        )
    }

    /// The dev key `label` in the chain's suite.
    pub fn dev_secret(&self, label: &str) -> SecretKey {
        onebook_genesis::dev_secret_in(self.suite, label)
    }

    /// As [`Devnet::start`], with `idle_block_interval` (a duration like `10s`) between empty
    /// blocks of an idle chain.
    pub fn start_idle(
        binary: &Path,
        validators: usize,
        observers: usize,
        idle_block_interval: &str,
    ) -> eyre::Result<Self> {
        Self::start_with(
            binary,
            validators,
            observers,
            &["--idle-block-interval", idle_block_interval],
        )
    }

    /// As [`Devnet::start`] with `validators` validators and no observer, whose ledger clock
    /// runs `clock_rate` times faster than the wall clock (`onebook testnet --clock-rate`), so
    /// that days of block time pass within a test.
    pub fn start_clocked(binary: &Path, validators: usize, clock_rate: u32) -> eyre::Result<Self> {
        let rate = clock_rate.to_string();
        Self::start_with(
            binary,
            validators,
            0,
            &["--idle-block-interval", "1s", "--clock-rate", &rate],
        )
    }

    /// As [`Devnet::start`], from the genesis file `genesis` (a `dev_only` file whose
    /// validators use the dev keys `<org>/node`) with `validators` validators.
    pub fn start_genesis(binary: &Path, genesis: &Path, validators: usize) -> eyre::Result<Self> {
        let genesis = genesis.to_str().ok_or_else(|| eyre!("genesis path is not UTF-8"))?;
        Self::start_with(
            binary,
            validators,
            0,
            &["--idle-block-interval", "1s", "--genesis", genesis],
        )
    }

    /// Writes the homes with `onebook testnet` and the extra `testnet_args`, and starts the
    /// validators.
    fn start_with(
        binary: &Path,
        validators: usize,
        observers: usize,
        testnet_args: &[&str],
    ) -> eyre::Result<Self> {
        let dir = tempfile::tempdir()?;
        let base = free_base_port(validators + observers)?;
        let out = dir.path().join("net");
        write_testnet(binary, &out, validators, observers, base, testnet_args)?;
        let nodes = (0..validators + observers)
            .map(|i| {
                Node::new(
                    binary.to_owned(),
                    out.join(format!("node{i}")),
                    base + 10 * i as u16,
                    out.join(format!("node{i}.log")),
                )
            })
            .collect();
        let genesis: Value =
            serde_json::from_slice(&std::fs::read(out.join("node0").join("genesis.json"))?)?;
        let chain_id = genesis["chain_id"]
            .as_str()
            .map(ChainId::from)
            .ok_or_else(|| eyre!("the genesis names no chain"))?;
        let suite = match genesis.get("suite") {
            Some(suite) => serde_json::from_value(suite.clone())?,
            None => Suite::default(),
        };
        let mut net = Self { nodes, chain_id, suite, dir };
        for node in &mut net.nodes[..validators] {
            node.start()?;
        }
        Ok(net)
    }

    /// Starts a witness with the dev key `label` (a witness of the genesis), following and
    /// posting to the nodes `nodes`.
    pub fn start_witness(&self, label: &str, nodes: &[usize]) -> eyre::Result<Witness> {
        let binary = self.nodes[0].binary.clone();
        let name = label.replace('/', "-");
        let home = self.dir.path().join(format!("witness-{name}"));
        // The genesis first: on a `dev_only` network the key file is written plain.
        std::fs::create_dir_all(&home)?;
        std::fs::copy(self.nodes[0].home.join("genesis.json"), home.join("genesis.json"))?;
        let status = Command::new(&binary)
            .arg("--home")
            .arg(&home)
            .args(["keys", "generate", "--name", "witness", "--dev-label", label])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("onebook keys generate for witness {label} failed: {status}");
        }
        let mut witness = Witness {
            binary,
            log: self.dir.path().join(format!("witness-{name}.log")),
            home,
            nodes: nodes.iter().map(|&i| self.api_addr(i)).collect(),
            child: None,
        };
        witness.start()?;
        Ok(witness)
    }

    /// Waits until node `node` holds a witnessed checkpoint at or above `height`; its height.
    pub fn wait_witnessed(&self, node: usize, height: u64, timeout: Duration) -> eyre::Result<u64> {
        let deadline = Instant::now() + timeout;
        loop {
            let (status, page) = self.nodes[node].get("/v1/checkpoints?after=0&limit=1")?;
            let newest = page["newest_witnessed"].as_u64();
            if status == 200 && newest.is_some_and(|newest| newest >= height) {
                return Ok(newest.unwrap_or_default());
            }
            if Instant::now() > deadline {
                bail!(
                    "no checkpoint at or above {height} witnessed on node{node} after {timeout:?}: \
                     {status} {page}\n{}",
                    self.nodes[node].log_tail(10)
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The directory the homes live in.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Node `i`'s API address, `127.0.0.1:<port>`.
    pub fn api_addr(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.nodes[i].api_port)
    }

    /// Waits until every running node listed in `which` has committed `height`.
    pub fn wait_for_height(
        &mut self,
        which: &[usize],
        height: u64,
        timeout: Duration,
    ) -> eyre::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let heights: Vec<Option<u64>> = which.iter().map(|&i| self.nodes[i].height()).collect();
            if heights.iter().all(|h| h.is_some_and(|h| h >= height)) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let logs: Vec<String> = which
                    .iter()
                    .map(|&i| format!("node{i}:\n{}", self.nodes[i].log_tail(15)))
                    .collect();
                bail!(
                    "heights {heights:?} after {timeout:?}, waiting for {height}\n{}",
                    logs.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Submits `action` signed by the dev key `label` at `nonce` to node `node` and waits up to
    /// `timeout` until it is committed there and accepted; the height of its block.
    pub fn commit(
        &self,
        node: usize,
        label: &str,
        nonce: u64,
        action: Action,
        timeout: Duration,
    ) -> eyre::Result<u64> {
        self.nodes[node]
            .commit(&self.chain_id, &self.dev_secret(label), nonce, action, timeout)
            .wrap_err_with(|| label.to_owned())
    }

    /// Waits up to `timeout` until the tx `hash` is committed on node `node`; its receipt,
    /// accepted or refused.
    pub fn wait_committed(
        &self,
        node: usize,
        hash: &str,
        timeout: Duration,
    ) -> eyre::Result<Value> {
        self.nodes[node].wait_committed(hash, timeout).wrap_err_with(|| format!("node{node}"))
    }

    /// The header's state root and hash at `height` on node `i`.
    pub fn block_roots(&self, i: usize, height: u64) -> eyre::Result<(String, String)> {
        let (status, body) = self.nodes[i].get(&format!("/v1/blocks/{height}"))?;
        if status != 200 {
            bail!("node{i} has no block {height}: {status} {body}");
        }
        let root = body["header"]["state_root"].as_str().ok_or_else(|| eyre!("no state root"))?;
        let hash = body["hash"].as_str().ok_or_else(|| eyre!("no hash"))?;
        Ok((root.to_owned(), hash.to_owned()))
    }
}

/// One HTTP/1.1 request to 127.0.0.1:`port`, `Connection: close`; the status and JSON body
/// (`Null` if the body is not JSON).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> eyre::Result<(u16, Value)> {
    http_at(&format!("127.0.0.1:{port}"), method, path, body)
}

/// As [`http`], to the API at `addr` (`ip:port`).
pub fn http_at(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> eyre::Result<(u16, Value)> {
    let body = body.map(|(media_type, bytes)| (media_type, bytes.to_vec()));
    let (status, bytes) = onebook_query::blocking::request(addr, method, path, &[], body)?;
    Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
}

/// As [`http`], with the body's bytes as they came.
pub fn http_raw(
    port: u16,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> eyre::Result<(u16, Vec<u8>)> {
    let body = body.map(|(media_type, bytes)| (media_type, bytes.to_vec()));
    Ok(onebook_query::blocking::request(&format!("127.0.0.1:{port}"), method, path, &[], body)?)
}
