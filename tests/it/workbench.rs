//! The clerks' workbench (`/workbench/`) in headless Chromium. First, without a node: the page's
//! borsh encoder, BLAKE3 digest and Web Crypto Ed25519 signature reproduce every case of
//! `tests/vectors/txs.json` byte for byte, and the body of a tx carrying every action's sample
//! encodes to the Rust bytes; every action has a form (a test fails when one lacks it), every
//! top-level field of it has a control, and no form shows a raw field name in Chinese. Then,
//! against a devnet, through the pages only: keys generated in the browser and registered by
//! their org admins; a catalog entry drafted, returned, resubmitted, published and revised; a
//! conditional share request whose refusal the page stops while the legal basis is empty, then
//! refused with one; governance shortening the public notice; a property application reviewed,
//! objected to, the objection ruled on, the certificate issued and transferred, each step by the
//! clerk whose role it is; a clerk without the role refused in Chinese with nothing committed.
//! Every request the browser sends is inspected: the only bodies are signed txs, and no private
//! key is in any of them. Screenshots go to the artifacts folder.

use std::time::{Duration, Instant};

use onebook_explorer::ExplorerConfig;
use onebook_query::client::HttpQuery;
use onebook_tests::webdriver::{CHROMEDRIVER, Chrome, SentRequest, is_loopback};
use onebook_types::{
    codec,
    ids::{ChainId, Height, Nonce},
    samples::sample_actions,
    tx::TxBody,
};
use serde_json::{Value, json};

/// The explorer (and its workbench) over `node_url`, served on a free port; its base URL.
fn serve_explorer(runtime: &tokio::runtime::Runtime, node_url: &str) -> String {
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let query = HttpQuery::new(node_url).unwrap();
    let config =
        ExplorerConfig { node_url: Some(node_url.to_owned()), ..ExplorerConfig::default() };
    runtime.spawn(onebook_explorer::serve(listener, query, config, std::future::pending()));
    base
}

/// Waits until the page's script has drawn the workbench.
fn wait_ready(chrome: &Chrome) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = chrome.execute("return document.body.dataset.ready || '';", json!([])).unwrap();
        match ready.as_str() {
            Some("1") => return,
            Some("error") => panic!("the workbench failed: {:?}", chrome.console_errors()),
            _ if Instant::now() > deadline => panic!("the workbench did not load"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Runs the async function body `script` in the page (`arguments[0]` is `arg`); its result.
fn run_async(chrome: &Chrome, script: &str, arg: Value) -> Value {
    let wrapped = format!("return (async (arg) => {{ {script} }})(arguments[0]);");
    chrome.execute(&wrapped, json!([arg])).unwrap()
}

const ENCODE_ALL: &str = r#"
const b = await import('/workbench/assets/borsh.js');
const meta = await (await fetch('/workbench/actions.json')).json();
const out = [];
for (const c of arg) {
  const row = { name: c.name };
  try {
    const bytes = b.encodeTxBody(meta.schema, c.body_json);
    row.body = b.bytesToHex(bytes);
    const digest = b.signingDigest(bytes);
    row.digest = b.bytesToHex(digest);
    if (c.secret_seed) {
      const pkcs8 = b.hexToBytes('302e020100300506032b657004220420' + c.secret_seed);
      const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, digest));
      row.signature = b.bytesToHex(signature);
      const tx = new Uint8Array(bytes.length + 64);
      tx.set(bytes); tx.set(signature, bytes.length);
      row.tx = b.bytesToHex(tx);
      row.tx_hash = b.bytesToHex(b.txHash(tx));
    }
  } catch (e) { row.error = String(e); }
  out.push(row);
}
return out;
"#;

const FORMS: &str = r#"
const meta = await (await fetch('/workbench/actions.json')).json();
const options = Array.from(document.querySelectorAll('#action-select option')).map(o => o.value);
const out = [];
for (const action of meta.schema.actions) {
  location.hash = action.name;
  await new Promise(r => setTimeout(r, 30));
  const form = document.querySelector('#action-form');
  const title = form.querySelector('h3')?.innerText ?? '';
  const fields = action.fields.filter(f => !form.querySelector(
    `[data-field="${f.name}"], [data-add="${f.name}"], [data-field^="${f.name}."], [data-field="${f.name}?"]`)).map(f => f.name);
  out.push({ name: action.name, option: options.includes(action.name), title,
    preview: !!form.querySelector('#preview-button'), missing: fields, text: form.innerText });
}
return out;
"#;

#[test]
fn the_workbench_encodes_and_signs_like_rust_and_has_a_form_for_every_action() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        println!("SKIPPED: {CHROMEDRIVER} is missing; scripts/setup.sh installs chromium-driver");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // No node: the page, its scripts and the schema need none.
    let base = serve_explorer(&runtime, "http://127.0.0.1:9");
    let chrome = Chrome::start().unwrap().expect("chromedriver is installed");
    chrome.goto(&format!("{base}/workbench/")).unwrap();
    wait_ready(&chrome);

    let vectors: Value = serde_json::from_str(include_str!("../vectors/txs.json")).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    let encoded = run_async(&chrome, ENCODE_ALL, Value::Array(cases.clone()));
    let encoded = encoded.as_array().unwrap();
    assert_eq!(encoded.len(), cases.len());
    for (case, row) in cases.iter().zip(encoded) {
        let name = &case["name"];
        assert!(row["error"].is_null(), "{name}: {}", row["error"]);
        assert_eq!(row["body"], case["body_borsh"], "{name}: borsh(TxBody)");
        assert_eq!(row["digest"], case["signing_digest"], "{name}: signing digest");
        assert_eq!(row["signature"], case["signature"], "{name}: signature");
        assert_eq!(row["tx"], case["tx_borsh"], "{name}: borsh(SignedTx)");
        assert_eq!(row["tx_hash"], case["tx_hash"], "{name}: tx hash");
    }
    println!("{} vector cases encode, digest and sign as in Rust", cases.len());

    // Every action's sample, in a body, against the Rust bytes.
    let signer = onebook_genesis::dev_secret("xm-scjg/catalog-clerk").public_key();
    let samples: Vec<(Value, String)> = sample_actions()
        .into_iter()
        .enumerate()
        .map(|(index, action)| {
            let body = TxBody {
                chain_id: ChainId::from("onebook-dev-1"),
                signer,
                nonce: Nonce(index as u64 + 1),
                valid_until: Height(1_000 + index as u64),
                action,
            };
            (serde_json::to_value(&body).unwrap(), hex::encode(codec::encode(&body)))
        })
        .collect();
    let cases: Vec<Value> = samples
        .iter()
        .map(|(json, _)| json!({"name": json["action"]["type"], "body_json": json}))
        .collect();
    let encoded = run_async(&chrome, ENCODE_ALL, Value::Array(cases));
    for ((json, bytes), row) in samples.iter().zip(encoded.as_array().unwrap()) {
        let name = &json["action"]["type"];
        assert!(row["error"].is_null(), "{name}: {}", row["error"]);
        assert_eq!(row["body"].as_str().unwrap(), bytes, "{name}: borsh(TxBody)");
    }
    println!("{} actions' samples encode as in Rust", samples.len());

    // Every action has a form, every field a control, and no raw field name shows.
    let forms = run_async(&chrome, FORMS, Value::Null);
    let forms = forms.as_array().unwrap();
    let names: Vec<Value> =
        samples.iter().map(|(json, _)| json["action"]["type"].clone()).collect();
    let formed: Vec<Value> = forms.iter().map(|form| form["name"].clone()).collect();
    assert_eq!(formed, names, "a form for every action, in the Rust order");
    for form in forms {
        let name = &form["name"];
        assert_eq!(form["option"], true, "{name} is in the action list");
        assert_eq!(form["preview"], true, "{name} has its form");
        assert!(!form["title"].as_str().unwrap().is_empty(), "{name} has a title");
        assert_eq!(form["missing"], json!([]), "{name}: fields without a control");
        let raw = onebook_explorer::raw_values(form["text"].as_str().unwrap());
        assert!(raw.is_empty(), "{name} shows raw values {raw:?}");
    }
    println!("{} actions have a form", forms.len());

    // The English switch.
    chrome.goto(&format!("{base}/workbench/?lang=en#draft_catalog_entry")).unwrap();
    wait_ready(&chrome);
    std::thread::sleep(Duration::from_millis(200));
    let text = chrome.text().unwrap();
    assert!(text.contains("Onebook Workbench") && text.contains("Generate a new key"), "{text}");
    assert!(text.contains("Draft a catalog entry") || text.contains("Security level"), "{text}");
    assert_nothing_sent_without_a_node(&chrome);
}

/// No console error but the relay's 502s (these tests have no node: the pickers' reads through
/// the relay answer 502 and say so), and every request went to this machine without a body.
fn assert_nothing_sent_without_a_node(chrome: &Chrome) {
    let errors: Vec<String> = chrome
        .console_errors()
        .unwrap()
        .into_iter()
        .filter(|error| !(error.contains("/workbench/node/v1/") && error.contains("502")))
        .collect();
    assert!(errors.is_empty(), "console errors {errors:?}");
    let sent = chrome.sent_requests().unwrap();
    assert!(sent.iter().all(|request| is_loopback(&request.url)), "{sent:?}");
    assert!(sent.iter().all(|request: &SentRequest| !request.has_body), "{sent:?}");
}

/// Chooses the key file (hex `arguments[0]`) in the page's file control, types the passphrase
/// (`arguments[1]`) and presses import.
const KEY_FILE_IMPORT: &str = r#"
const [hex, passphrase] = arguments;
const bytes = new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
const files = new DataTransfer();
files.items.add(new File([bytes], 'clerk.key'));
document.querySelector('#import-file').files = files.files;
document.querySelector('#import-passphrase').value = passphrase;
document.querySelector('#import-file-box').open = true;
document.body.dataset.ready = '0';
document.querySelector('#import-file-key').click();
"#;

/// Imports the key file `file` (hex) with `passphrase` through the page: `Ok` once the page
/// reloaded with the key, or the error it showed and the id of the control it blames.
fn import_key_file(chrome: &Chrome, file: &str, passphrase: &str) -> Result<(), (String, String)> {
    chrome.execute(KEY_FILE_IMPORT, json!([file, passphrase])).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        // While the page reloads a script may fail: ask again.
        let Ok(state) = chrome.execute(
            "const e = document.querySelector('#import-file-error');
             return [document.body.dataset.ready || '', e?.textContent ?? '', e?.dataset.field ?? ''];",
            json!([]),
        ) else {
            continue;
        };
        match (state[0].as_str(), state[1].as_str()) {
            (Some("1"), _) => return Ok(()),
            (_, Some(error)) if !error.is_empty() => {
                return Err((error.to_owned(), state[2].as_str().unwrap_or_default().to_owned()));
            }
            _ => {}
        }
    }
    panic!("the key file's import neither ended nor failed");
}

const SIGN_WITH_STORED: &str = r#"
const [public_, message] = arg;
const db = await new Promise((ok) => { const r = indexedDB.open('onebook-workbench', 1); r.onsuccess = () => ok(r.result); });
const entry = await new Promise((ok) => { const r = db.transaction('keys').objectStore('keys').get(public_); r.onsuccess = () => ok(r.result); });
if (!entry) return null;
const data = new Uint8Array(message.match(/../g).map((h) => parseInt(h, 16)));
const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, entry.privateKey, data));
return { extractable: entry.privateKey.extractable, made: entry.made, name: entry.name,
  signature: Array.from(signature, (b) => b.toString(16).padStart(2, '0')).join(''),
  count: (await new Promise((ok) => { const r = db.transaction('keys').objectStore('keys').count(); r.onsuccess = () => ok(r.result); })) };
"#;

#[test]
fn the_workbench_opens_an_encrypted_key_file_with_its_passphrase_and_refuses_a_wrong_one() {
    use onebook_cli::keyfile::{EncryptedKey, KdfParams};
    use onebook_types::keys::{SecretKey, Signature};

    if !std::path::Path::new(CHROMEDRIVER).exists() {
        println!("SKIPPED: {CHROMEDRIVER} is missing; scripts/setup.sh installs chromium-driver");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // No node: the keys are the browser's alone.
    let base = serve_explorer(&runtime, "http://127.0.0.1:9");
    let chrome = Chrome::start().unwrap().expect("chromedriver is installed");
    let dir = tempfile::tempdir().unwrap();
    let shots = onebook_tests::webdriver::artifacts_dir(dir.path()).unwrap();
    let bench = Bench { chrome: &chrome, url: format!("{base}/workbench/"), shots };
    bench.open();

    // A key file as `onebook keys generate` writes it: random salt and nonce, the costs new
    // files use (Argon2id, 64 MiB, three passes, four lanes).
    let secret = SecretKey::from_seed(*blake3::hash(b"workbench key file test").as_bytes());
    let public = hex::encode(secret.public_key().0);
    let passphrase = "正确的马 battery staple";
    let sealed = EncryptedKey::seal(&secret, passphrase.as_bytes(), KdfParams::DEFAULT).unwrap();
    let file = hex::encode(sealed.encode());
    assert_eq!(file.len(), 2 * 138);
    bench.script("document.querySelector('#new-key-name').value = '登记员·加密密钥';", json!([]));

    // A wrong passphrase: refused in Chinese, naming the passphrase, and nothing kept.
    let started = Instant::now();
    let (message, field) = import_key_file(&chrome, &file, "正确的马 battery stapler").unwrap_err();
    println!("a wrong passphrase refused in {:?}: {message}", started.elapsed());
    assert_eq!(field, "import-passphrase");
    assert!(message.starts_with("口令错误") && message.contains("密钥文件"), "{message}");
    let invalid = bench.script(
        "return document.querySelector('#import-passphrase').getAttribute('aria-invalid');",
        json!([]),
    );
    assert_eq!(invalid, "true");
    assert_eq!(
        bench.script("return document.querySelector('#import-passphrase').value;", json!([])),
        ""
    );
    bench.shot("keyfile-wrong-passphrase", "#import-file-box");
    assert!(run_async(&chrome, SIGN_WITH_STORED, json!([public, "00"])).is_null());

    // A changed byte of the public key in the clear: the tag fails too.
    let mut changed = sealed.encode();
    changed[6] ^= 1;
    let (message, field) = import_key_file(&chrome, &hex::encode(changed), passphrase).unwrap_err();
    assert_eq!(field, "import-passphrase", "{message}");
    // Not a key file at all: the file is named.
    let (message, field) =
        import_key_file(&chrome, &hex::encode([0x11u8; 32]), passphrase).unwrap_err();
    assert_eq!(field, "import-file", "{message}");
    assert!(message.starts_with("密钥文件"), "{message}");

    // The right passphrase: the key is kept, non-extractable, and signs as the file's key.
    let started = Instant::now();
    import_key_file(&chrome, &file, passphrase).unwrap();
    println!("opened in {:?}", started.elapsed());
    assert_eq!(bench.current_key(), public);
    let message = [7u8; 32];
    let stored = run_async(&chrome, SIGN_WITH_STORED, json!([public, hex::encode(message)]));
    assert_eq!(stored["extractable"], false, "{stored}");
    assert_eq!(stored["made"], "imported", "{stored}");
    assert_eq!(stored["name"], "登记员·加密密钥", "{stored}");
    assert_eq!(stored["count"], 1, "{stored}");
    let signature: [u8; 64] =
        hex::decode(stored["signature"].as_str().unwrap()).unwrap().try_into().unwrap();
    secret.public_key().verify(&message, &Signature(signature)).unwrap();
    bench.shot("keyfile-imported", "#keys");

    // The file, the passphrase and the seed went nowhere: no request carried a body.
    assert_nothing_sent_without_a_node(&chrome);
}

/// A day of block time every ten seconds, so that a one-day public notice ends within the test.
const CLOCK_RATE: u32 = 8_640;

/// The workbench page in one browser, driven the way a clerk would: through its controls.
struct Bench<'a> {
    chrome: &'a Chrome,
    url: String,
    shots: std::path::PathBuf,
}

/// What the page showed after a signature.
#[derive(Debug)]
struct Outcome {
    status: String,
    code: String,
    hash: String,
    text: String,
}

impl Bench<'_> {
    fn script(&self, script: &str, args: Value) -> Value {
        self.chrome.execute(script, args).unwrap()
    }

    fn open(&self) {
        self.chrome.goto(&self.url).unwrap();
        wait_ready(self.chrome);
    }

    /// A screenshot with `selector` scrolled into view.
    fn shot(&self, name: &str, selector: &str) {
        self.script(
            "document.querySelector(arguments[0])?.scrollIntoView({ block: 'center' });",
            json!([selector]),
        );
        self.chrome.screenshot(&self.shots.join(format!("workbench-{name}.png"))).unwrap();
    }

    /// Clicks `selector`, which reloads the page, and waits for the new page.
    fn click_and_reload(&self, selector: &str) {
        self.script(
            "document.body.dataset.ready = '0'; document.querySelector(arguments[0]).click();",
            json!([selector]),
        );
        std::thread::sleep(Duration::from_millis(300));
        wait_ready(self.chrome);
    }

    fn current_key(&self) -> String {
        self.script("return document.querySelector('#current-key').textContent;", json!([]))
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Generates a key in the browser under `name`; its public key.
    fn generate(&self, name: &str) -> String {
        self.script("document.querySelector('#new-key-name').value = arguments[0];", json!([name]));
        self.click_and_reload("#generate-key");
        self.current_key()
    }

    /// Imports a dev network's key from its seed; its public key.
    fn import(&self, name: &str, seed: &str) -> String {
        self.script(
            "document.querySelector('#new-key-name').value = arguments[0];
             document.querySelector('#import-seed').value = arguments[1];",
            json!([name, seed]),
        );
        self.click_and_reload("#import-key");
        self.current_key()
    }

    /// Signs as `public` from now on.
    fn use_key(&self, public: &str) {
        self.script("localStorage.setItem('onebook-key', arguments[0]);", json!([public]));
        self.open();
        assert_eq!(self.current_key(), public);
    }

    /// Opens the form of `action`.
    fn action(&self, action: &str) {
        // A fresh form, also after the same action.
        self.script("location.hash = '';", json!([]));
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.script("return !!document.querySelector('#preview-button');", json!([])) != false
        {
            assert!(Instant::now() < deadline, "the form of {action} stays");
            std::thread::sleep(Duration::from_millis(50));
        }
        self.script("location.hash = arguments[0];", json!([action]));
        while self.script("return !!document.querySelector('#preview-button');", json!([])) != true
        {
            assert!(Instant::now() < deadline, "no form for {action}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sets the control of `path` to `value` (`true`/`false` for a checkbox, a variant for an
    /// enum's select).
    fn fill(&self, path: &str, value: &str) {
        let done = self.script(
            "const e = document.querySelector(`[data-field=\"${arguments[0]}\"]`);
             if (!e) return 'missing';
             if (e.type === 'checkbox') e.checked = arguments[1] === 'true'; else e.value = arguments[1];
             e.dispatchEvent(new Event('input', { bubbles: true }));
             e.dispatchEvent(new Event('change', { bubbles: true }));
             return 'ok';",
            json!([path, value]),
        );
        assert_eq!(done, "ok", "no control for {path}");
    }

    /// Adds an item to the list `path`.
    fn add(&self, path: &str) {
        let done = self.script(
            "const b = document.querySelector(`[data-add=\"${arguments[0]}\"]`);
             if (!b) return 'missing'; b.click(); return 'ok';",
            json!([path]),
        );
        assert_eq!(done, "ok", "no list {path}");
    }

    /// Fills the catalog entry draft of the scenario, with `description`.
    fn fill_entry_draft(&self, description: &str) {
        self.fill("draft.name", "个体工商户登记信息");
        self.fill("draft.description", description);
        for (index, (name, element)) in
            [("统一社会信用代码", "DE0001"), ("经营者姓名", "DE0003")].iter().enumerate()
        {
            self.add("draft.items");
            self.fill(&format!("draft.items.{index}.name"), name);
            self.fill(&format!("draft.items.{index}.data_element"), element);
            self.fill(&format!("draft.items.{index}.sensitivity"), "general");
        }
        self.fill("draft.classification", "市场监管");
        self.fill("draft.grade", "general");
        self.fill("draft.security_level", "2");
        self.fill("draft.share_type.share_type", "conditional");
        self.fill("draft.share_type.conditions", "仅用于依法履职");
        self.fill("draft.open_type", "not_open");
        self.fill("draft.update_frequency", "daily");
        self.fill("draft.system", "xm-scjg-djxt");
    }

    /// Checks the form; the page's error if it stops it, else `None` (the preview shows).
    fn check(&self) -> Option<String> {
        self.script("document.querySelector('#preview-button').click();", json!([]));
        let error =
            self.script("return document.querySelector('#form-errors').textContent;", json!([]));
        let error = error.as_str().unwrap_or_default().to_owned();
        if !error.is_empty() {
            return Some(error);
        }
        assert_eq!(self.script("return !!document.querySelector('#preview');", json!([])), true);
        None
    }

    /// Signs and submits the previewed action; what the page shows once it is decided.
    fn sign(&self) -> Outcome {
        self.script("document.querySelector('#sign-button').click();", json!([]));
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let receipt = self.script(
                "const r = document.querySelector('#receipt');
                 return r ? { status: r.dataset.status, code: r.dataset.code, hash: r.dataset.hash || '', text: r.innerText } : null;",
                json!([]),
            );
            if !receipt.is_null() {
                let text = |name: &str| receipt[name].as_str().unwrap_or_default().to_owned();
                return Outcome {
                    status: text("status"),
                    code: receipt["code"].to_string().trim_matches('"').to_owned(),
                    hash: text("hash"),
                    text: text("text"),
                };
            }
            assert!(Instant::now() < deadline, "no receipt within 90 s");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Checks, signs and submits; the outcome, which must be committed.
    fn commit(&self, what: &str) -> Outcome {
        if let Some(error) = self.check() {
            panic!("{what}: the page stopped it: {error}");
        }
        let outcome = self.sign();
        assert_eq!(outcome.status, "committed", "{what}: {outcome:?}");
        println!("{what}: committed ({})", outcome.hash);
        outcome
    }
}

impl Outcome {
    /// The id of the record of kind `name` the receipt links to (`/certificates/<number>`).
    fn record(&self, bench: &Bench<'_>, name: &str) -> String {
        let href = bench.script(
            "const a = document.querySelector(`#receipt a.record-link[data-record=\"${arguments[0]}\"]`);
             return a ? a.getAttribute('href') : null;",
            json!([name]),
        );
        let href = href.as_str().unwrap_or_else(|| panic!("the receipt links no {name}: {self:?}"));
        // Ids, codes and certificate numbers are URL-safe as they are.
        href.rsplit('/').next().unwrap().to_owned()
    }
}

/// The date of the tip's block time plus `days`, as `YYYY-MM-DD` (China Standard Time).
fn block_date(net: &onebook_tests::devnet::Devnet, days: i64) -> String {
    let (_, status) = net.nodes[0].get("/v1/status").unwrap();
    let height = status["height"].as_u64().unwrap();
    let (_, block) = net.nodes[0].get(&format!("/v1/blocks/{height}")).unwrap();
    let time = block["header"]["time"].as_u64().unwrap_or_else(|| panic!("no time in {block}"));
    let local = i64::try_from((time + 8 * 3_600_000) / 86_400_000).unwrap() + days;
    onebook_types::time::Date(i32::try_from(local).unwrap()).to_string()
}

fn seed_hex(label: &str) -> String {
    hex::encode(onebook_genesis::dev_secret(label).seed())
}

#[test]
fn clerks_take_a_catalog_entry_a_share_request_and_a_property_through_the_workbench() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        println!("SKIPPED: {CHROMEDRIVER} is missing; scripts/setup.sh installs chromium-driver");
        return;
    }
    let mut net =
        onebook_tests::devnet::Devnet::start_clocked(crate::node_binary(), 4, CLOCK_RATE).unwrap();
    net.wait_for_height(&[0, 1, 2, 3], 1, Duration::from_secs(60)).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let base = serve_explorer(&runtime, &format!("http://{}", net.api_addr(0)));
    let chrome = Chrome::start().unwrap().expect("chromedriver is installed");
    let dir = tempfile::tempdir().unwrap();
    let shots = onebook_tests::webdriver::artifacts_dir(dir.path()).unwrap();
    let bench = Bench { chrome: &chrome, url: format!("{base}/workbench/"), shots };
    bench.open();
    bench.shot("empty", "#keys");

    // Keys: the org admins' (and a few genesis clerks') dev keys imported; the new clerks' keys
    // generated in this browser and registered by their admins.
    let imported = [
        "xm-scjg/admin",
        "xm-djzx/admin",
        "xm-dsj/catalog-clerk",
        "xm-scjg/share-approver",
        "xm-jypt/data-user",
        "fj-sjj/admin",
        "xm-dsj/admin",
        "xm-gaj/admin",
    ];
    let mut keys = std::collections::BTreeMap::new();
    for label in imported {
        keys.insert(label, bench.import(label, &seed_hex(label)));
    }
    let clerk = bench.generate("市场监管局·目录编制员");
    let registrar = bench.generate("登记中心·登记员");
    let applicant = bench.generate("市场监管局·数据使用");
    let extractable = run_async(
        &chrome,
        "const db = await new Promise((ok) => { const r = indexedDB.open('onebook-workbench', 1); r.onsuccess = () => ok(r.result); });
         const all = await new Promise((ok) => { const r = db.transaction('keys').objectStore('keys').getAll(); r.onsuccess = () => ok(r.result); });
         return all.map((k) => [k.public, k.privateKey.extractable, k.privateKey.type]);",
        Value::Null,
    );
    for key in extractable.as_array().unwrap() {
        assert_eq!(key[1], false, "the private key of {} can be read out", key[0]);
        assert_eq!(key[2], "private");
    }

    bench.use_key(&keys["xm-scjg/admin"]);
    for (key, name, role) in
        [(&clerk, "目录编制员", "catalog-clerk"), (&applicant, "数据使用人", "data-user")]
    {
        bench.action("register_member");
        bench.fill("key", key);
        bench.fill("name", name);
        bench.add("roles");
        bench.fill("roles.0", role);
        bench.commit(&format!("register {role}"));
    }
    bench.shot("register-member", "#receipt");
    bench.use_key(&keys["xm-djzx/admin"]);
    bench.action("register_member");
    bench.fill("key", &registrar);
    bench.fill("name", "登记员");
    bench.add("roles");
    bench.fill("roles.0", "registrar");
    bench.commit("register registrar");

    // A clerk without the role: refused in Chinese, nothing committed.
    bench.use_key(&clerk);
    let (_, before) = net.nodes[0].get(&format!("/v1/nonces/{clerk}")).unwrap();
    bench.action("register_member");
    bench.fill("key", &"07".repeat(32));
    bench.fill("name", "越权登记");
    bench.add("roles");
    bench.fill("roles.0", "auditor");
    assert_eq!(bench.check(), None);
    let refused = bench.sign();
    assert_eq!(refused.status, "refused", "{refused:?}");
    assert_eq!(refused.code, "2", "{refused:?}");
    assert!(refused.text.contains("签名人的角色无权执行此操作"), "{refused:?}");
    bench.shot("refused", "#receipt");
    std::thread::sleep(Duration::from_secs(2));
    let (_, after) = net.nodes[0].get(&format!("/v1/nonces/{clerk}")).unwrap();
    assert_eq!(before, after, "nothing of the clerk's was committed");
    let (code, _) = net.nodes[0].get(&format!("/v1/members/{}", "07".repeat(32))).unwrap();
    assert_eq!(code, 404, "no member was registered");

    // A catalog entry: drafted, submitted, returned, resubmitted, approved, published, revised.
    bench.action("draft_catalog_entry");
    bench.fill_entry_draft("个体工商户登记的基本信息");
    bench.fill("draft.items.1.personal_information", "true");
    bench.shot("draft-form", "#action-form");
    assert_eq!(bench.check(), None);
    bench.shot("preview", "#sign-button");
    let drafted = bench.sign();
    assert_eq!(drafted.status, "committed", "{drafted:?}");
    bench.shot("receipt", "#receipt");
    let code = drafted.record(&bench, "entry");
    println!("drafted {code}");
    let submit = |what: &str| {
        bench.use_key(&clerk);
        bench.action("submit_catalog_entry");
        bench.fill("code", &code);
        bench.commit(what);
    };
    let review = |decision: &str, what: &str| {
        bench.use_key(&keys["xm-dsj/catalog-clerk"]);
        bench.action("review_catalog_entry");
        bench.fill("code", &code);
        bench.fill("decision.decision", decision);
        if decision == "return" {
            bench.fill("decision.reasons", "缺少数据元说明");
        }
        bench.commit(what);
    };
    submit("submit");
    review("return", "return");
    submit("resubmit");
    review("approve", "approve");
    bench.use_key(&clerk);
    bench.action("publish_catalog_entry");
    bench.fill("code", &code);
    bench.commit("publish");
    bench.action("revise_catalog_entry");
    bench.fill("code", &code);
    bench.fill_entry_draft("个体工商户登记的基本信息（第二版）");
    bench.commit("revise");
    submit("submit the revision");
    review("approve", "approve the revision");
    bench.use_key(&clerk);
    bench.action("publish_catalog_entry");
    bench.fill("code", &code);
    bench.commit("publish the revision");
    let (_, entry) = net.nodes[0].get(&format!("/v1/catalog/entries/{code}/versions")).unwrap();
    println!("versions: {entry}");

    // A resource of the entry, for the property application.
    bench.action("register_resource");
    bench.fill("entry", &code);
    bench.fill("draft.system", "xm-scjg-djxt");
    bench.fill("draft.snapshot_digest", &"ab".repeat(32));
    bench.fill("draft.record_count", "1200");
    bench.fill("draft.items", "统一社会信用代码\n经营者姓名");
    bench.fill("draft.authoritative", "false");
    let registered = bench.commit("register a resource");
    let resource = registered.record(&bench, "resource");

    // A conditional share request: the refusal without a legal basis is stopped by the page,
    // naming the field; with one it is committed.
    bench.use_key(&keys["xm-jypt/data-user"]);
    bench.action("request_share");
    bench.fill("draft.entry", &code);
    bench.fill("draft.items", "统一社会信用代码");
    bench.fill("draft.purpose", "核验交易主体资格");
    bench.fill("draft.legal_duty", "dsl-38");
    bench.fill("draft.starts", &block_date(&net, 3));
    bench.fill("draft.ends", &block_date(&net, 200));
    let requested = bench.commit("request a share");
    let request = requested.record(&bench, "share_request");
    bench.use_key(&keys["xm-scjg/share-approver"]);
    let todo = bench.script("return document.querySelector('#todo').innerText;", json!([]));
    let todo = todo.as_str().unwrap();
    assert!(todo.contains(&format!("#{request} xm-jypt")) && todo.contains("剩余工作日"), "{todo}");
    bench.shot("todo-approver", "#todo");
    bench.action("answer_share");
    bench.fill("request", &request);
    bench.fill("answer.answer", "refuse");
    bench.fill("answer.reason", "申请用途超出条件");
    let stopped = bench.check().expect("the page stops a refusal without a legal basis");
    assert!(stopped.contains("法律依据"), "{stopped}");
    bench.shot("stopped", "#form-errors");
    let (_, before) =
        net.nodes[0].get(&format!("/v1/nonces/{}", keys["xm-scjg/share-approver"])).unwrap();
    assert_eq!(before["next"], 1, "nothing was sent");
    bench.fill("answer.legal_basis", "pipl-13");
    bench.commit("refuse with a legal basis");

    // Governance: the validator orgs shorten the public notice to a day.
    bench.use_key(&keys["fj-sjj/admin"]);
    bench.action("submit_proposal");
    bench.fill("change.kind", "set_policy");
    bench.fill("change.parameter.name", "public_notice_days");
    bench.fill("change.parameter.value", "1");
    bench.fill("rationale", "测试环境缩短公示期");
    let proposed = bench.commit("propose");
    let proposal = proposed.record(&bench, "proposal");
    for voter in ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"] {
        let (_, record) = net.nodes[0].get(&format!("/v1/proposals/{proposal}")).unwrap();
        if record["record"]["status"] != "open" {
            break;
        }
        bench.use_key(&keys[voter]);
        bench.action("vote_proposal");
        bench.fill("proposal", &proposal);
        bench.fill("approve", "true");
        bench.commit(&format!("vote as {voter}"));
    }

    // The property lifecycle, each step by the clerk whose role it is.
    bench.use_key(&applicant);
    bench.action("apply_for_property");
    bench.fill("draft.right", "holding");
    bench.fill("draft.subject.subject", "resource");
    bench.fill("draft.subject.resource", &resource);
    bench.add("draft.evidence_digests");
    bench.fill("draft.evidence_digests.0", &"cd".repeat(32));
    bench.fill("draft.valid_from", &block_date(&net, 0));
    bench.fill("draft.valid_until", &block_date(&net, 3_000));
    let applied = bench.commit("apply");
    let application = applied.record(&bench, "application");
    bench.use_key(&registrar);
    bench.action("review_property_application");
    bench.fill("application", &application);
    bench.fill("decision.decision", "approve");
    bench.commit("accept into public notice");
    bench.use_key(&keys["xm-jypt/data-user"]);
    bench.action("file_objection");
    bench.fill("application", &application);
    bench.fill("grounds", "该资源的权属存在争议");
    bench.add("evidence_digests");
    bench.fill("evidence_digests.0", &"ef".repeat(32));
    let objected = bench.commit("object");
    let objection = objected.record(&bench, "objection");
    bench.use_key(&registrar);
    let todo = bench.script("return document.querySelector('#todo').innerText;", json!([]));
    println!("registrar's to-do: {todo}");
    assert!(todo.as_str().unwrap().contains(&format!("#{objection}")), "{todo}");
    bench.shot("todo", "#todo");
    bench.action("rule_objection");
    bench.fill("objection", &objection);
    bench.fill("upheld", "false");
    bench.fill("reasons", "异议人未提供权属证明");
    bench.commit("rule on the objection");
    // The notice lasts a day of block time: ten seconds here.
    let deadline = Instant::now() + Duration::from_secs(120);
    let certificate = loop {
        bench.use_key(&registrar);
        bench.action("issue_certificate");
        bench.fill("application", &application);
        assert_eq!(bench.check(), None);
        let outcome = bench.sign();
        if outcome.status == "committed" {
            break outcome.record(&bench, "certificate");
        }
        assert!(outcome.text.contains("公示"), "{outcome:?}");
        assert!(Instant::now() < deadline, "the notice did not end: {outcome:?}");
        std::thread::sleep(Duration::from_secs(3));
    };
    println!("certificate {certificate}");
    bench.use_key(&keys["xm-scjg/admin"]);
    bench.action("transfer_certificate");
    bench.fill("certificate", &certificate);
    bench.fill("to", "xm-jypt");
    let transferred = bench.commit("transfer");
    bench.shot("transfer", "#receipt");
    let (_, record) =
        net.nodes[0].get(&format!("/v1/property/certificates/{certificate}")).unwrap();
    assert_eq!(record["record"]["holder"], "xm-jypt", "{record}");
    chrome.goto(&format!("{base}/txs/{}", transferred.hash)).unwrap();

    // Every request the browser sent: the only bodies are signed txs to the relay, and no
    // private key is in any of them.
    let sent = chrome.sent_requests().unwrap();
    let seeds: Vec<Vec<u8>> =
        imported.iter().map(|label| onebook_genesis::dev_secret(label).seed().to_vec()).collect();
    let mut bodies = 0;
    for request in &sent {
        assert!(is_loopback(&request.url), "{request:?}");
        if !request.has_body {
            continue;
        }
        bodies += 1;
        assert_eq!(request.method, "POST", "{request:?}");
        assert!(request.url.ends_with("/workbench/node/v1/txs"), "{request:?}");
        let body = request.body.as_ref().expect("the log holds the body");
        let tx: onebook_types::tx::SignedTx =
            codec::decode(body, onebook_types::limits::TX_BYTES_MAX).expect("a signed tx");
        assert!(tx.verify().is_ok(), "a tx whose signature verifies: {request:?}");
        for seed in &seeds {
            let hex_seed = hex::encode(seed);
            assert!(!body.windows(32).any(|w| w == seed.as_slice()), "a seed in {request:?}");
            assert!(!String::from_utf8_lossy(body).contains(&hex_seed), "a seed in {request:?}");
        }
    }
    println!("{} requests, {bodies} with a body, each a signed tx without a key", sent.len());
    assert!(bodies >= 25, "the txs were seen: {bodies}");
    for node in 0..net.nodes.len() {
        let log = std::fs::read_to_string(&net.nodes[node].log).unwrap_or_default();
        for label in imported {
            assert!(!log.contains(&seed_hex(label)), "node {node}'s log holds a seed");
        }
    }
}
