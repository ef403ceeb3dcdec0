// The clerks' workbench: keys in the browser (Web Crypto Ed25519, non-extractable, IndexedDB),
// one form per action built from /workbench/actions.json, a decoded preview, the signature in
// the page, the receipt, and the clerk's to-do list. Nothing here sends a private key anywhere:
// the only bodies sent are signed txs (POST /v1/txs through the relay).
import { encodeTxBody, signingDigest, txHash, readDigest, bytesToHex, hexToBytes, FieldError, dateDays, periodParts } from "./borsh.js";

const NODE = "/workbench/node";
const VALID_FOR = 1000;
/** The text-id types that may not be empty, and free-text fields the rules require. */
const REQUIRED_TEXT = new Set(["CatalogCode", "LegalBasisCode", "OrgId", "CertificateNumber", "SystemId", "RegionCode", "ChainId"]);
const REQUIRED_FIELDS = new Set(["name", "reason", "reasons", "purpose", "grounds", "ruling", "rationale", "description", "conditions", "title"]);
/** Record pickers: the type of a field, the list it picks from, and how an item reads. */
const PICKERS = {
  CatalogCode: ["/v1/catalog/entries", (r) => [r.code, r.name]],
  ResourceId: ["/v1/resources", (r) => [r.id, r.entry]],
  GrantId: ["/v1/grants", (r) => [r.id, r.entry ?? r.request]],
  ShareRequestId: ["/v1/share-requests", (r) => [r.id, r.entry ?? r.purpose]],
  ApplicationId: ["/v1/property/applications", (r) => [r.id, r.applicant]],
  ObjectionId: ["/v1/property/objections", (r) => [r.id, r.application]],
  CertificateNumber: ["/v1/property/certificates", (r) => [r.number, r.holder]],
  QualityReportId: ["/v1/quality-reports", (r) => [r.id, r.resource]],
  ProposalId: ["/v1/proposals", (r) => [r.id, r.rationale]],
  OrgId: ["/v1/orgs", (r) => [r.id, r.name]],
  LegalBasisCode: ["/v1/policy", (r) => [r.code, r.title]],
};

let META = null;
let KEYS = [];
let CURRENT = null;
/** Whether the current key is an active member, so that its reads may be signed. */
let IS_MEMBER = false;
const lists = new Map();
const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const ui = (key) => META.ui[key] ?? key;
const label = (name) => META.labels[name] ?? name;
const valueLabel = (field, value) => META.values[`${field}=${value}`] ?? value;

// ---- Keys --------------------------------------------------------------------------------

function keyStore(mode) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("onebook-workbench", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("keys", { keyPath: "public" });
    open.onerror = () => reject(open.error);
    open.onsuccess = () => resolve(open.result.transaction("keys", mode).objectStore("keys"));
  });
}

function request(req) {
  return new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });
}

async function loadKeys() {
  KEYS = await request((await keyStore("readonly")).getAll());
  const chosen = localStorage.getItem("onebook-key");
  CURRENT = KEYS.find((k) => k.public === chosen) ?? KEYS[0] ?? null;
}

async function saveKey(entry) {
  await request((await keyStore("readwrite")).put(entry));
  localStorage.setItem("onebook-key", entry.public);
  await loadKeys();
}

/** A new key made in this browser; its private half cannot be read out of it. */
async function generateKey(name) {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  await saveKey({ public: bytesToHex(raw), name, privateKey: pair.privateKey, made: "browser" });
}

const PKCS8_PREFIX = "302e020100300506032b657004220420";

/**
 * A key from its 32-byte seed, kept non-extractable; its public key in hex. The seed is wiped.
 * With `expected` (hex), a seed of another public key is refused before anything is kept.
 */
async function importSeed(name, seed, expected = null) {
  const pkcs8 = hexToBytes(PKCS8_PREFIX + "00".repeat(32));
  pkcs8.set(seed, pkcs8.length - 32);
  seed.fill(0);
  try {
    const readable = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
    const jwk = await crypto.subtle.exportKey("jwk", readable);
    jwk.d = "";
    const publicKey = Uint8Array.from(atob(jwk.x.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    if (expected !== null && bytesToHex(publicKey) !== expected) throw new KeyFileError("import-file", ui("keyfile_mismatch"));
    const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    await saveKey({ public: bytesToHex(publicKey), name, privateKey, made: "imported" });
    return bytesToHex(publicKey);
  } finally {
    pkcs8.fill(0);
  }
}

/** Thrown for a key file that cannot be opened; `field` is the control to blame. */
class KeyFileError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}

/** The layout of docs/formats.md section 19: an encrypted key file is exactly 138 bytes. */
const KEY_FILE_BYTES = 138;
/** The most Argon2id memory (KiB) a file may ask for, as the command line allows. */
const KDF_MEMORY_KIB_MAX = 4 * 1024 * 1024;
const KDF_ITERATIONS_MAX = 64;
/** What a browser tab derives: @noble/hashes' argon2 stops at 1 GiB. */
const KDF_MEMORY_KIB_BROWSER = 1024 * 1024;

/**
 * Opens an encrypted key file (`OBKE`, docs/formats.md section 19) with its passphrase, in this
 * page only: Argon2id derives the key, XChaCha20-Poly1305 opens the seed (every byte before the
 * ciphertext is associated data), and the seed's public key must be the file's. The seed goes
 * straight into a non-extractable Web Crypto key; the derived key and the seed are wiped.
 */
async function importKeyFile(name, bytes, passphrase) {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length !== KEY_FILE_BYTES || magic !== "OBKE") throw new KeyFileError("import-file", ui("keyfile_not"));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(4, true) !== 1) throw new KeyFileError("import-file", ui("keyfile_version"));
  const filePublic = bytesToHex(bytes.subarray(6, 38));
  const m = view.getUint32(38, true);
  const t = view.getUint32(42, true);
  const p = view.getUint32(46, true);
  if (m > KDF_MEMORY_KIB_MAX || t > KDF_ITERATIONS_MAX || t < 1 || p < 1 || m < 8 * p) {
    throw new KeyFileError("import-file", ui("keyfile_costs"));
  }
  if (m > KDF_MEMORY_KIB_BROWSER) throw new KeyFileError("import-file", ui("keyfile_too_big"));
  if (passphrase.length === 0) throw new KeyFileError("import-passphrase", ui("passphrase_empty"));
  const salt = bytes.slice(50, 66);
  const nonce = bytes.slice(66, 90);
  const aad = bytes.slice(0, 90);
  const ciphertext = bytes.slice(90, 138);
  const { argon2idAsync } = await import("./noble/argon2.js");
  const { xchacha20poly1305 } = await import("./noble-ciphers/chacha.js");
  const secret = new TextEncoder().encode(passphrase);
  const key = await argon2idAsync(secret, salt, { t, m, p, version: 0x13, dkLen: 32 });
  secret.fill(0);
  let seed;
  try {
    seed = xchacha20poly1305(key, nonce, aad).decrypt(ciphertext);
  } catch {
    throw new KeyFileError("import-passphrase", ui("passphrase_wrong"));
  } finally {
    key.fill(0);
  }
  return importSeed(name, seed, filePublic);
}

async function sign(entry, message) {
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, entry.privateKey, message));
}

// ---- The node --------------------------------------------------------------------------

/** GET `path` (`/v1/...`) on the node; signed as the current key when `signed`. */
async function api(path, signed = false) {
  const headers = { accept: "application/json" };
  if (signed && CURRENT && IS_MEMBER) {
    const time = Date.now();
    const signature = await sign(CURRENT, readDigest("GET", path, time));
    headers.authorization = `Onebook key=${CURRENT.public}, time=${time}, signature=${bytesToHex(signature)}`;
  }
  const answer = await fetch(NODE + path, { headers });
  const body = await answer.json().catch(() => null);
  return { status: answer.status, body };
}

async function listAll(path, signed = false, pages = 5) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < pages; page++) {
    const sep = path.includes("?") ? "&" : "?";
    const { status, body } = await api(cursor ? `${path}${sep}cursor=${cursor}` : path, signed);
    if (status !== 200 || !body) break;
    items.push(...(body.items ?? []).map((item) => item.record ?? item));
    if (!body.next) break;
    cursor = body.next;
  }
  return items;
}

// ---- Forms -----------------------------------------------------------------------------

function fieldLabel(name, help) {
  return el("span", { class: "wb-label" }, label(name),
    el("small", { class: "wb-help" }, META.help[name] ?? help ?? ""));
}

function checkText(value, layout, name, path) {
  if (value === "" && (REQUIRED_TEXT.has(layout.type) || REQUIRED_FIELDS.has(name))) throw new FieldError(path, "empty");
  return value;
}

/** A control for `layout`: its element and a getter of its JSON value (throws FieldError). */
function control(layout, name, path, help) {
  switch (layout.kind) {
    case "string": {
      const input = el("input", { type: "text", name: path, "data-field": path });
      const picker = PICKERS[layout.type];
      if (picker) attachPicker(input, layout.type);
      return { node: input, get: () => checkText(input.value.trim(), layout, name, path) };
    }
    case "u8": case "u16": case "u32": case "u64": {
      const input = el("input", { type: "text", inputmode: "numeric", name: path, "data-field": path });
      if (PICKERS[layout.type]) attachPicker(input, layout.type);
      return { node: input, get: () => {
        const text = input.value.trim();
        if (!/^\d+$/.test(text)) throw new FieldError(path, text === "" ? "empty" : "not_a_number");
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      } };
    }
    case "bool": {
      const input = el("input", { type: "checkbox", name: path, "data-field": path });
      return { node: input, get: () => input.checked };
    }
    case "bytes": {
      const input = el("input", { type: "text", name: path, "data-field": path, placeholder: "0".repeat(layout.len * 2), class: "wb-hex" });
      return { node: input, get: () => {
        const text = input.value.trim().toLowerCase();
        if (!new RegExp(`^[0-9a-f]{${layout.len * 2}}$`).test(text)) throw new FieldError(path, text === "" ? "empty" : (layout.len === 32 ? "not_hex32" : "not_hex64"));
        return text;
      } };
    }
    case "date": {
      const input = el("input", { type: "date", name: path, "data-field": path });
      return { node: input, get: () => {
        if (dateDays(input.value) === null) throw new FieldError(path, input.value === "" ? "empty" : "not_a_date");
        return input.value;
      } };
    }
    case "period": {
      const input = el("input", { type: "text", name: path, "data-field": path, placeholder: "2026-11" });
      return { node: input, get: () => {
        const text = input.value.trim();
        if (periodParts(text) === null) throw new FieldError(path, text === "" ? "empty" : "not_a_period");
        return text;
      } };
    }
    case "choice": {
      const select = el("select", { name: path, "data-field": path },
        el("option", { value: "" }, ui("choose")),
        layout.values.map((v) => el("option", { value: v }, valueLabel(name, v))));
      return { node: select, get: () => { if (!select.value) throw new FieldError(path, "not_a_choice"); return select.value; } };
    }
    case "option": {
      if (["string", "u64"].includes(layout.of.kind)) {
        const inner = control(layout.of, name, path, help);
        inner.node.setAttribute("placeholder", ui("optional"));
        return { node: inner.node, get: () => (inner.node.value.trim() === "" ? null : inner.get()) };
      }
      const toggle = el("input", { type: "checkbox", "data-field": `${path}?` });
      const inner = control(layout.of, name, path, help);
      const box = el("div", { class: "wb-option", hidden: true }, inner.node);
      toggle.addEventListener("change", () => { box.hidden = !toggle.checked; });
      return { node: el("div", {}, el("label", {}, toggle, ui("fill_in")), box), get: () => (toggle.checked ? inner.get() : null) };
    }
    case "vec": {
      if (layout.of.kind === "string" && !PICKERS[layout.of.type]) {
        const area = el("textarea", { name: path, "data-field": path, rows: 3, placeholder: ui("one_per_line") });
        return { node: area, get: () => area.value.split("\n").map((s) => s.trim()).filter((s) => s !== "") };
      }
      const rows = [];
      const list = el("div", { class: "wb-list" });
      const add = () => {
        const index = rows.length;
        const item = control(layout.of, name, `${path}.${index}`, help);
        const row = el("div", { class: "wb-row" }, item.node);
        const entry = { item, row };
        row.append(el("button", { type: "button", class: "wb-remove", onclick: () => { rows.splice(rows.indexOf(entry), 1); row.remove(); } }, ui("remove")));
        rows.push(entry);
        list.append(row);
      };
      const button = el("button", { type: "button", class: "wb-add", "data-add": path, onclick: add }, ui("add"));
      return { node: el("div", {}, list, button), get: () => rows.map((r) => r.item.get()) };
    }
    case "struct": {
      const getters = [];
      const box = el("fieldset", { class: "wb-struct" });
      for (const field of layout.fields) {
        const at = path ? `${path}.${field.name}` : field.name;
        const inner = control(field.layout, field.name, at, field.help);
        box.append(el("label", { class: "wb-field" }, fieldLabel(field.name, field.help), inner.node));
        getters.push([field.name, inner.get]);
      }
      return { node: box, get: () => Object.fromEntries(getters.map(([n, g]) => [n, g()])) };
    }
    case "enum": {
      const tagPath = path ? `${path}.${layout.tag}` : layout.tag;
      const select = el("select", { name: tagPath, "data-field": tagPath },
        el("option", { value: "" }, ui("choose")),
        layout.variants.map((v) => el("option", { value: v.name }, valueLabel(layout.tag, v.name))));
      const body = el("div", { class: "wb-variant" });
      let current = null;
      select.addEventListener("change", () => {
        body.replaceChildren();
        const variant = layout.variants.find((v) => v.name === select.value);
        current = null;
        if (!variant) return;
        if (layout.content) {
          const at = `${path}.${layout.content}`;
          const inner = control(variant.value, variant.name, at, variant.help);
          body.append(el("label", { class: "wb-field" }, fieldLabel(layout.content, variant.help), inner.node));
          current = () => ({ [layout.tag]: variant.name, [layout.content]: inner.get() });
        } else {
          const inner = control({ kind: "struct", fields: variant.fields }, variant.name, path, variant.help);
          body.append(inner.node);
          current = () => ({ [layout.tag]: variant.name, ...inner.get() });
        }
      });
      // A field named as its own tag (审核结论, 答复, 共享类型) is labelled once, by its field.
      const head = name === layout.tag ? select : el("label", { class: "wb-field" }, fieldLabel(layout.tag), select);
      return { node: el("div", { class: "wb-enum" }, head, body),
        get: () => { if (!current) throw new FieldError(tagPath, "not_a_choice"); return current(); } };
    }
    default:
      throw new Error(`no control for ${layout.kind}`);
  }
}

async function attachPicker(input, type) {
  const id = `pick-${type}`;
  input.setAttribute("list", id);
  if (document.getElementById(id)) return;
  const datalist = el("datalist", { id });
  document.body.append(datalist);
  const [path, read] = PICKERS[type];
  if (!lists.has(type)) {
    const read = path === "/v1/policy"
      ? api(path).then(({ body }) => body?.policy?.legal_bases ?? [])
      : listAll(path, true, 3);
    lists.set(type, read.catch(() => []));
  }
  for (const record of await lists.get(type)) {
    const [value, text] = read(record);
    datalist.append(el("option", { value: String(value) }, String(text ?? "")));
  }
}

/** The field an error path names, in words: its label and, when nested, where it is. */
function errorText(error) {
  const segments = error.path.split(".").filter((s) => s !== "");
  const named = [...segments].reverse().find((s) => !/^\d+$/.test(s)) ?? error.path;
  const where = segments.map((s) => (/^\d+$/.test(s) ? `#${Number(s) + 1}` : label(s))).join(" › ");
  return `${ui("field")}「${label(named)}」${ui(`rule_${error.rule}`) ?? error.rule}（${where}）`;
}

// ---- Preview, signing, receipt ---------------------------------------------------------

function preview(layout, value, name) {
  switch (layout.kind) {
    case "bool": return value ? ui("yes") : ui("no");
    case "choice": return valueLabel(name, value);
    case "option": return value === null ? ui("none") : preview(layout.of, value, name);
    case "vec": return value.length === 0 ? ui("none") : el("ol", {}, value.map((v) => el("li", {}, preview(layout.of, v, name))));
    case "struct": return previewFields(layout.fields, value);
    case "enum": {
      const variant = layout.variants.find((v) => v.name === value[layout.tag]);
      const rows = [el("div", {}, el("dt", {}, label(layout.tag)), el("dd", {}, valueLabel(layout.tag, value[layout.tag])))];
      if (layout.content) rows.push(el("div", {}, el("dt", {}, label(layout.content)), el("dd", {}, preview(variant.value, value[layout.content], variant.name))));
      else rows.push(...previewFields(variant.fields, value).children);
      return el("dl", { class: "wb-preview" }, rows);
    }
    default: return String(value);
  }
}

function previewFields(fields, value) {
  return el("dl", { class: "wb-preview" }, fields.map((f) =>
    el("div", {}, el("dt", {}, label(f.name)), el("dd", {}, preview(f.layout, value[f.name], f.name)))));
}

function refusal(code) {
  return `${ui("rule")} ${code}：${META.rejections[String(code)] ?? ""}`;
}

async function submit(action, out) {
  out.replaceChildren(el("p", {}, ui("signing")));
  const status = await api("/v1/status");
  const nonces = await api(`/v1/nonces/${CURRENT.public}`);
  const body = {
    chain_id: status.body.chain_id,
    signer: CURRENT.public,
    nonce: nonces.body.next,
    valid_until: status.body.height + VALID_FOR,
    action,
  };
  const bytes = encodeTxBody(META.schema, body);
  const signature = await sign(CURRENT, signingDigest(bytes));
  const tx = new Uint8Array(bytes.length + 64);
  tx.set(bytes, 0);
  tx.set(signature, bytes.length);
  const hash = bytesToHex(txHash(tx));
  const answer = await fetch(`${NODE}/v1/txs`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: tx });
  const problem = await answer.json().catch(() => ({}));
  if (answer.status !== 202) {
    const text = problem.code ? refusal(problem.code) : `${answer.status} ${problem.title ?? ""} ${problem.detail ?? ""}`;
    out.replaceChildren(el("div", { class: "wb-receipt refused", id: "receipt", "data-status": "refused", "data-code": problem.code ?? "" },
      el("strong", {}, ui("turned_away")), el("p", {}, text)));
    return;
  }
  for (let i = 0; i < 300; i++) {
    const { status: code, body: polled } = await api(`/v1/txs/${hash}`);
    if (code === 200 && polled?.status === "committed") {
      // Read once more as the signer: a receipt shows events of restricted records (an
      // application before its notice, a pending objection) only to their parties.
      const signed = await api(`/v1/txs/${hash}`, true);
      const receipt = signed.status === 200 ? signed.body : polled;
      const ok = receipt.code === 0;
      out.replaceChildren(el("div", { class: `wb-receipt ${ok ? "committed" : "refused"}`, id: "receipt", "data-status": ok ? "committed" : "refused", "data-code": receipt.code, "data-hash": hash },
        el("strong", {}, ok ? ui("committed") : ui("refused")),
        ok ? el("p", {}, `${ui("height")} ${receipt.height}`) : el("p", {}, refusal(receipt.code)),
        el("p", { class: "wb-row" }, el("a", { href: `/txs/${hash}`, id: "tx-link" }, ui("tx_page")),
          ...recordLinks(receipt))));
      refreshTodo();
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  out.replaceChildren(el("p", { class: "wb-receipt" }, ui("not_committed")));
}

/** Where the explorer shows a record, by the event attribute that names it. */
const RECORD_PAGES = {
  entry: "catalog", code: "catalog", resource: "resources", share_request: "share-requests", grant: "grants",
  application: "applications", objection: "objections", certificate: "certificates",
  quality_report: "quality-reports", proposal: "proposals", member: "members", org: "orgs",
};

/** Links to the records a committed tx touched, from its events. */
function recordLinks(receipt) {
  const links = new Map();
  for (const event of receipt.events ?? []) {
    const attributes = Array.isArray(event.attributes) ? Object.fromEntries(event.attributes) : (event.attributes ?? {});
    for (const [name, page] of Object.entries(RECORD_PAGES)) {
      const value = attributes[name];
      if (value !== undefined && !links.has(`${page}/${value}`)) {
        links.set(`${page}/${value}`, el("a", { href: `/${page}/${encodeURIComponent(value)}`, class: "record-link", "data-record": name },
          `${ui("record_page")}：${ui(`rec_${name}`)} ${value}`));
      }
    }
  }
  return [...links.values()];
}

// ---- Page ------------------------------------------------------------------------------

function renderKeys() {
  const box = el("section", { id: "keys", class: "wb-panel" }, el("h2", {}, ui("keys")));
  if (CURRENT) {
    box.append(el("p", {}, ui("signing_as"), " ", el("strong", { id: "current-name" }, CURRENT.name), " ",
      el("code", { id: "current-key" }, CURRENT.public)));
  }
  if (KEYS.length > 1) {
    const select = el("select", { id: "key-select", onchange: () => { localStorage.setItem("onebook-key", select.value); location.reload(); } },
      KEYS.map((k) => el("option", { value: k.public, selected: k.public === CURRENT?.public }, `${k.name} · ${k.public.slice(0, 12)}…`)));
    box.append(el("label", {}, ui("switch_key"), select));
  }
  const name = el("input", { type: "text", id: "new-key-name", placeholder: ui("key_name") });
  box.append(el("div", { class: "wb-row" }, name,
    el("button", { type: "button", id: "generate-key", onclick: async () => { await generateKey(name.value || ui("key")); location.reload(); } }, ui("generate"))));
  const seed = el("input", { type: "password", id: "import-seed", placeholder: ui("seed_hex"), autocomplete: "off" });
  box.append(el("details", {}, el("summary", {}, ui("import_dev")),
    el("p", { class: "wb-note" }, ui("import_dev_note")),
    el("div", { class: "wb-row" }, seed, el("button", { type: "button", id: "import-key", onclick: async () => {
      const text = seed.value.trim().toLowerCase();
      seed.value = "";
      if (!/^[0-9a-f]{64}$/.test(text)) { alert(ui("seed_bad")); return; }
      await importSeed(name.value || ui("key"), hexToBytes(text));
      location.reload();
    } }, ui("import")))));
  box.append(renderKeyFileImport(name));
  box.append(el("p", { id: "member" }));
  return box;
}

/** The encrypted key file's import: the file, its passphrase, and what went wrong, by field. */
function renderKeyFileImport(name) {
  const file = el("input", { type: "file", id: "import-file", "aria-describedby": "import-file-error" });
  const passphrase = el("input", { type: "password", id: "import-passphrase", placeholder: ui("passphrase"), autocomplete: "off" });
  const error = el("p", { id: "import-file-error", class: "wb-errors", role: "alert" });
  const status = el("p", { id: "import-file-status", class: "wb-note" });
  const button = el("button", { type: "button", id: "import-file-key", onclick: async () => {
    error.textContent = "";
    for (const control of [file, passphrase]) control.removeAttribute("aria-invalid");
    const secret = passphrase.value;
    passphrase.value = "";
    button.disabled = true;
    status.textContent = ui("keyfile_opening");
    try {
      const chosen = file.files?.[0];
      if (!chosen) throw new KeyFileError("import-file", ui("keyfile_missing"));
      if (chosen.size !== KEY_FILE_BYTES) throw new KeyFileError("import-file", ui("keyfile_not"));
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      await importKeyFile(name.value || chosen.name.replace(/\.[^.]*$/, "") || ui("key"), bytes, secret);
      location.reload();
    } catch (e) {
      status.textContent = "";
      const field = e instanceof KeyFileError ? e.field : "import-file";
      $(`#${field}`)?.setAttribute("aria-invalid", "true");
      error.dataset.field = field;
      error.textContent = e instanceof KeyFileError ? e.message : `${ui("keyfile_failed")}${e.message ?? e}`;
    } finally {
      button.disabled = false;
    }
  } }, ui("import"));
  return el("details", { id: "import-file-box" }, el("summary", {}, ui("import_file")),
    el("p", { class: "wb-note" }, ui("import_file_note")),
    el("label", {}, ui("keyfile"), " ", file),
    el("div", { class: "wb-row" }, passphrase, button), error, status);
}

async function showMember() {
  if (!CURRENT) return null;
  const { status, body } = await api(`/v1/members/${CURRENT.public}`);
  const line = $("#member");
  if (status !== 200) { line.textContent = ui("not_member"); return null; }
  const member = body.record ?? body;
  IS_MEMBER = member.status === undefined || member.status === "active";
  line.textContent = `${ui("member_of")} ${member.org} · ${(member.roles ?? []).map((r) => valueLabel("roles", r)).join("、")}`;
  line.dataset.org = member.org;
  return member;
}

function renderActions() {
  const box = el("section", { id: "actions", class: "wb-panel" }, el("h2", {}, ui("actions")));
  const select = el("select", { id: "action-select" }, el("option", { value: "" }, ui("choose_action")));
  const groups = new Map();
  for (const [action, role] of META.roles) {
    if (!groups.has(role)) groups.set(role, []);
    groups.get(role).push(action);
  }
  for (const [role, actions] of groups) {
    select.append(el("optgroup", { label: valueLabel("roles", role) === role ? ui(`role_${role}`) : valueLabel("roles", role) },
      actions.map((a) => el("option", { value: a }, label(a)))));
  }
  const form = el("form", { id: "action-form" });
  const out = el("div", { id: "outcome" });
  select.addEventListener("change", () => { location.hash = select.value; });
  box.append(select, form, out);
  const show = () => {
    const name = decodeURIComponent(location.hash.slice(1));
    select.value = name;
    form.replaceChildren();
    out.replaceChildren();
    const action = META.schema.actions.find((a) => a.name === name);
    if (!action) return;
    const inner = control({ kind: "struct", fields: action.fields }, name, "", action.help);
    const errors = el("p", { class: "wb-errors", id: "form-errors", role: "alert" });
    const check = el("button", { type: "submit", id: "preview-button" }, ui("preview"));
    form.append(el("h3", {}, label(name)), el("p", { class: "wb-help" }, META.help[name] ?? action.help ?? ""), inner.node, errors, check);
    form.onsubmit = (event) => {
      event.preventDefault();
      errors.textContent = "";
      let value;
      try {
        value = { type: name, ...inner.get() };
        encodeTxBody(META.schema, { chain_id: "", signer: "0".repeat(64), nonce: 0, valid_until: 0, action: value });
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        errors.textContent = errorText(error);
        errors.dataset.field = error.path;
        return;
      }
      const confirm = el("button", { type: "button", id: "sign-button" }, ui("sign_submit"));
      out.replaceChildren(el("div", { class: "wb-panel", id: "preview" }, el("h3", {}, ui("preview_title")),
        el("p", {}, label(name)), previewFields(action.fields, value), confirm));
      confirm.addEventListener("click", () => {
        if (!CURRENT) { out.append(el("p", {}, ui("no_key"))); return; }
        submit(value, out).catch((error) => out.replaceChildren(el("p", { class: "wb-errors" }, String(error))));
      });
    };
  };
  window.addEventListener("hashchange", show);
  setTimeout(show, 0);
  return box;
}

/** The ledger's day (China Standard Time) of a block time in ms. */
const dayOf = (ms) => Math.floor((ms + 8 * 3600000) / 86400000);
const dateText = (ms) => new Date(dayOf(ms) * 86400000).toISOString().slice(0, 10);

/** Working days from the day of `now` (exclusive) to the day of `due` (inclusive), by the
 * policy's calendar: weekdays that are no holiday, and make-up working days. */
function workingDaysLeft(now, due, policy) {
  const holidays = new Set((policy?.holidays ?? []).map(dateDays));
  const makeup = new Set((policy?.makeup_workdays ?? []).map(dateDays));
  let left = 0;
  for (let d = dayOf(now) + 1; d <= dayOf(due); d++) {
    const weekday = (d + 4) % 7; // 1970-01-01 was a Thursday
    if (makeup.has(d) || (weekday !== 0 && weekday !== 6 && !holidays.has(d))) left++;
  }
  return left;
}

async function refreshTodo() {
  const box = $("#todo");
  if (!box) return;
  const org = $("#member")?.dataset.org;
  box.replaceChildren(el("h2", {}, ui("todo")));
  if (!org) { box.append(el("p", {}, ui("todo_none"))); return; }
  const status = (await api("/v1/status")).body ?? {};
  const tip = (await api(`/v1/blocks/${status.height}`)).body?.header?.time ?? Date.now();
  const policy = (await api("/v1/policy")).body?.policy;
  const sections = [
    ["todo_requests", `/v1/share-requests?org=${org}&status=under-review`,
      (r) => r.provider === org,
      (r) => [el("a", { href: `/share-requests/${r.id}` }, `#${r.id}`), ` ${r.requester_org} · ${r.entry} · ${ui("answer_due")} ${dateText(r.status.answer_due)} · ${ui("working_days_left")} ${workingDaysLeft(tip, r.status.answer_due, policy)}`]],
    ["todo_notice", "/v1/property/applications?status=in-notice", () => true,
      (r) => [el("a", { href: `/applications/${r.id}` }, `#${r.id}`), ` ${r.registrant} · ${ui("notice_ends")} ${dateText(r.status.notice_ends)}`]],
    ["todo_objections", "/v1/property/objections?status=pending", () => true,
      (r) => [el("a", { href: `/objections/${r.id}` }, `#${r.id}`), ` ${ui("application")} #${r.application} · ${r.objector_org ?? ""}`]],
  ];
  for (const [title, path, mine, line] of sections) {
    const items = (await listAll(path, true, 2).catch(() => [])).filter(mine);
    box.append(el("h3", {}, `${ui(title)}（${items.length}）`),
      items.length === 0 ? el("p", { class: "wb-note" }, ui("none")) : el("ul", { "data-todo": title }, items.map((r) => el("li", {}, line(r)))));
  }
  const overdue = (await api(`/v1/obligations/overdue?org=${org}`, true)).body?.obligations ?? [];
  box.append(el("h3", {}, `${ui("todo_overdue")}（${overdue.length}）`),
    overdue.length === 0 ? el("p", { class: "wb-note" }, ui("none")) : el("ul", { "data-todo": "todo_overdue" }, overdue.map((o) =>
      el("li", {}, el("a", { href: `/obligations/${o.id}` }, `#${o.id}`), ` ${valueLabel("obligation", o.kind)} · ${ui("due")} ${dateText(o.due)}`))));
}

async function main() {
  const lang = document.body.dataset.lang;
  META = await (await fetch(`/workbench/actions.json?lang=${lang}`)).json();
  await loadKeys();
  const root = $("#workbench");
  root.replaceChildren(renderKeys());
  await showMember();
  root.append(el("section", { id: "todo", class: "wb-panel" }), renderActions());
  await refreshTodo();
  document.body.dataset.ready = "1";
}

main().catch((error) => { document.body.dataset.ready = "error"; console.error(error); });
