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
    let config = ExplorerConfig { node_url: Some(node_url.to_owned()), public_url: None };
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

    let vectors: Value =
        serde_json::from_str(include_str!("../vectors/txs.json")).unwrap();
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
    let names: Vec<Value> = samples.iter().map(|(json, _)| json["action"]["type"].clone()).collect();
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
    // This test has no node: the pickers' reads through the relay answer 502 and say so.
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
