// The borsh encoding of a tx body, from the layout the server derives from the Rust types
// (/workbench/actions.json, docs/formats.md §26), and the tx signing digest (§2, §5). Every
// error names the field it is about, as a dotted path.
import { blake3 } from "./noble/blake3.js";

export class FieldError extends Error {
  constructor(path, rule) {
    super(`${path}: ${rule}`);
    this.path = path;
    this.rule = rule;
  }
}

const UTF8 = new TextEncoder();

class Writer {
  constructor() { this.parts = []; this.length = 0; }
  bytes(bytes) { this.parts.push(bytes); this.length += bytes.length; }
  uint(value, width) {
    const out = new Uint8Array(width);
    let v = BigInt(value);
    for (let i = 0; i < width; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
    this.bytes(out);
  }
  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) { out.set(part, at); at += part.length; }
    return out;
  }
}

const WIDTHS = { u8: 1, u16: 2, u32: 4, u64: 8 };

export function hexToBytes(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/// "YYYY-MM-DD" as days since 1970-01-01, or null.
/// A report period's borsh parts from `2026-11`, `2026-Q4` or `2026`: the variant (0 month,
/// 1 quarter, 2 year), the year, and the month or quarter (`null` for a year); `null` if it is none.
export function periodParts(text) {
  const match = /^(\d{4})(?:-(\d{2})|-Q([1-4]))?$/.exec(text ?? "");
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 2000) return null;
  if (match[2] !== undefined) {
    const month = Number(match[2]);
    return month >= 1 && month <= 12 ? [0, year, month] : null;
  }
  if (match[3] !== undefined) return [1, year, Number(match[3])];
  return [2, year, null];
}

export function dateDays(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return Math.round(ms / 86400000);
}

function integer(value, kind, path) {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : null;
  if (text === null || !/^\d+$/.test(text)) throw new FieldError(path, "not_a_number");
  const v = BigInt(text);
  if (v >= 1n << BigInt(8 * WIDTHS[kind])) throw new FieldError(path, "too_large");
  return v;
}

/// Writes `value` laid out as `layout` (`path` names it in errors).
export function write(w, layout, value, path, schema) {
  switch (layout.kind) {
    case "u8": case "u16": case "u32": case "u64":
      w.uint(integer(value, layout.kind, path), WIDTHS[layout.kind]);
      return;
    case "bool":
      if (value !== true && value !== false) throw new FieldError(path, "not_a_bool");
      w.bytes(Uint8Array.of(value ? 1 : 0));
      return;
    case "string": {
      if (typeof value !== "string") throw new FieldError(path, "not_text");
      const bytes = UTF8.encode(value);
      w.uint(bytes.length, 4);
      w.bytes(bytes);
      return;
    }
    case "bytes":
      if (typeof value !== "string" || !new RegExp(`^[0-9a-f]{${layout.len * 2}}$`).test(value)) {
        throw new FieldError(path, layout.len === 32 ? "not_hex32" : "not_hex64");
      }
      w.bytes(hexToBytes(value));
      return;
    case "date": {
      const days = dateDays(value);
      if (days === null) throw new FieldError(path, "not_a_date");
      w.uint(BigInt.asUintN(32, BigInt(days)), 4);
      return;
    }
    case "period": {
      const parts = periodParts(value);
      if (parts === null) throw new FieldError(path, "not_a_period");
      const [variant, year, part] = parts;
      w.bytes(Uint8Array.of(variant));
      w.uint(year, 2);
      if (part !== null) w.uint(part, 1);
      return;
    }
    case "vec":
      if (!Array.isArray(value)) throw new FieldError(path, "not_a_list");
      w.uint(value.length, 4);
      value.forEach((item, i) => write(w, layout.of, item, `${path}.${i}`, schema));
      return;
    case "option":
      if (value === null || value === undefined) { w.bytes(Uint8Array.of(0)); return; }
      w.bytes(Uint8Array.of(1));
      write(w, layout.of, value, path, schema);
      return;
    case "choice": {
      const index = layout.values.indexOf(value);
      if (index < 0) throw new FieldError(path, "not_a_choice");
      w.bytes(Uint8Array.of(index));
      return;
    }
    case "struct":
      if (value === null || typeof value !== "object") throw new FieldError(path, "not_an_object");
      writeFields(w, layout.fields, value, path, schema);
      return;
    case "enum": {
      if (value === null || typeof value !== "object") throw new FieldError(path, "not_an_object");
      const index = layout.variants.findIndex((v) => v.name === value[layout.tag]);
      if (index < 0) throw new FieldError(path ? `${path}.${layout.tag}` : layout.tag, "not_a_choice");
      const variant = layout.variants[index];
      w.bytes(Uint8Array.of(index));
      if (layout.content) write(w, variant.value, value[layout.content], `${path}.${layout.content}`, schema);
      else writeFields(w, variant.fields, value, path, schema);
      return;
    }
    case "action": {
      const index = schema.actions.findIndex((a) => a.name === value?.type);
      if (index < 0) throw new FieldError("type", "not_an_action");
      w.bytes(Uint8Array.of(index));
      writeFields(w, schema.actions[index].fields, value, "", schema);
      return;
    }
    default:
      throw new FieldError(path, `no encoding for ${layout.kind}`);
  }
}

function writeFields(w, fields, value, path, schema) {
  for (const field of fields) {
    const at = path ? `${path}.${field.name}` : field.name;
    if (!(field.name in value) && field.layout.kind !== "option") throw new FieldError(at, "missing");
    write(w, field.layout, value[field.name], at, schema);
  }
}

/// borsh(TxBody).
export function encodeTxBody(schema, body) {
  const w = new Writer();
  writeFields(w, schema.tx_body.fields, body, "", schema);
  return w.finish();
}

/// BLAKE3 over the ASCII tag, a zero byte and the input (docs/formats.md §2).
export function taggedHash(tag, ...inputs) {
  const tagBytes = UTF8.encode(tag);
  const total = tagBytes.length + 1 + inputs.reduce((n, b) => n + b.length, 0);
  const all = new Uint8Array(total);
  all.set(tagBytes, 0);
  let at = tagBytes.length + 1;
  for (const input of inputs) { all.set(input, at); at += input.length; }
  return blake3(all);
}

/// The digest a tx's signer signs: H("onebook/tx-sign/v1", borsh(TxBody)).
export function signingDigest(bodyBytes) {
  return taggedHash("onebook/tx-sign/v1", bodyBytes);
}

/// The tx's hash: H("onebook/tx/v1", borsh(SignedTx)).
export function txHash(txBytes) {
  return taggedHash("onebook/tx/v1", txBytes);
}

/// The digest of a signed read (§18): H("onebook/read-request/v1", borsh((method, path, time))).
export function readDigest(method, pathAndQuery, timeMs) {
  const w = new Writer();
  write(w, { kind: "string" }, method, "method");
  write(w, { kind: "string" }, pathAndQuery, "path");
  w.uint(BigInt(timeMs), 8);
  return taggedHash("onebook/read-request/v1", w.finish());
}
