/**
 * Loads the core (WebAssembly) once, in Node.js from the package's file, in browsers by URL, and turns
 * what the core throws (error reports as JSON text) into `AndOpenError`s.
 */
import init, { initSync, inputArea, type InitOutput } from "../wasm/andopen.js";
import { errorFromReport, type ErrorReport } from "./errors.js";

const wasmUrl = new URL("../wasm/andopen_bg.wasm", import.meta.url);

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
let exports: InitOutput;
if (isNode) {
  const { readFile } = await import("node:fs/promises");
  exports = initSync({ module: await readFile(wasmUrl) });
} else {
  exports = await init({ module_or_path: wasmUrl });
}
const memory = exports.memory;

export * as core from "../wasm/andopen.js";

const encoder = new TextEncoder();
let capacity = 0;
let area: Uint8Array = new Uint8Array(0);

/**
 * The input area, at least `needed` bytes, current after any growth of the module's memory (growing
 * detaches the old buffer, which leaves its views empty: no need to ask the memory for its buffer).
 */
function inputBytes(needed: number): Uint8Array {
  if (needed > capacity || area.byteLength === 0) {
    capacity = Math.max(needed, 4096, capacity);
    const start = inputArea(capacity); // may grow the memory: read memory.buffer after it
    area = new Uint8Array(memory.buffer, start, capacity);
  }
  return area;
}

/**
 * Writes `text` as UTF-8 into the module's input area and returns its length in bytes: the fast way in for
 * a payload (no allocation per call). The area grows when a payload needs more room.
 */
export function writeInput(text: string): number {
  return encoder.encodeInto(text, inputBytes(text.length * 3)).written;
}

/**
 * Writes `payload` into the input area as the UTF-8 of `JSON.stringify(payload)` and returns its length in
 * bytes. Plain objects, arrays, strings, finite numbers, booleans and `null` are written straight into the
 * area, without building the JSON string first; anything else (`toJSON`, class instances, strings that
 * need escapes, a payload larger than the area) takes `JSON.stringify`. This only moves bytes: every rule
 * is the core's.
 */
export function writePayload(payload: unknown): number {
  if (typeof payload === "string") return writeInput(payload);
  out = inputBytes(4096);
  const end = inheritsNothing() ? value(payload, 0, 0) : -1;
  return end >= 0 ? end : writeInput(JSON.stringify(payload) ?? "");
}

let out: Uint8Array = area;

/** Whether plain objects inherit no enumerable property (`for…in` would list it, `JSON.stringify` not). */
function inheritsNothing(): boolean {
  for (const _ in {}) return false;
  return true;
}

/** Writes ASCII text that needs no escape; -1 when the area is full. */
function ascii(text: string, at: number): number {
  const n = text.length;
  if (at + n > out.length) return -1;
  for (let i = 0; i < n; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** Writes a JSON string; -1 when it needs an escape (left to `JSON.stringify`) or the area is full. */
function string(text: string, at: number): number {
  const b = out;
  const n = text.length;
  if (at + 3 * n + 2 > b.length) return -1;
  b[at++] = 34;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c < 0x20 || c === 34 || c === 92) return -1;
      b[at++] = c;
    } else if (c < 0x800) {
      b[at++] = 0xc0 | (c >> 6);
      b[at++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c >= 0xe000) {
      b[at++] = 0xe0 | (c >> 12);
      b[at++] = 0x80 | ((c >> 6) & 63);
      b[at++] = 0x80 | (c & 63);
    } else {
      const d = text.charCodeAt(i + 1);
      if (c >= 0xdc00 || !(d >= 0xdc00 && d < 0xe000)) return -1; // a lone surrogate: JSON.stringify escapes it
      const u = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      i++;
      b[at++] = 0xf0 | (u >> 18);
      b[at++] = 0x80 | ((u >> 12) & 63);
      b[at++] = 0x80 | ((u >> 6) & 63);
      b[at++] = 0x80 | (u & 63);
    }
  }
  b[at++] = 34;
  return at;
}

/** Whether `JSON.stringify` leaves this property out of an object (and writes `null` for it in an array). */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

function value(v: unknown, at: number, depth: number): number {
  switch (typeof v) {
    case "string":
      return string(v, at);
    case "number":
      return Number.isFinite(v) ? ascii(String(v), at) : -1;
    case "boolean":
      return ascii(v ? "true" : "false", at);
    case "object":
      break;
    default:
      return -1;
  }
  if (v === null) return ascii("null", at);
  if (depth > 32 || typeof (v as { toJSON?: unknown }).toJSON === "function" || at + 2 > out.length) return -1;
  if (Array.isArray(v)) {
    out[at++] = 91;
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out[at++] = 44;
      const item: unknown = v[i];
      at = skipped(item) ? ascii("null", at) : value(item, at, depth + 1);
      if (at < 0 || at + 2 > out.length) return -1;
    }
    out[at++] = 93;
    return at;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return -1;
  out[at++] = 123;
  let first = true;
  for (const key in v) {
    const item: unknown = (v as Record<string, unknown>)[key];
    if (skipped(item)) continue;
    if (!first) out[at++] = 44;
    first = false;
    at = string(key, at);
    if (at < 0) return -1;
    out[at++] = 58;
    at = value(item, at, depth + 1);
    if (at < 0 || at + 2 > out.length) return -1;
  }
  out[at++] = 125;
  return at;
}

/** Runs `f`, rethrowing the core's error reports as `AndOpenError`s. */
export function guarded<T>(f: () => T): T {
  try {
    return f();
  } catch (thrown) {
    if (typeof thrown === "string" && thrown.startsWith("{")) {
      throw errorFromReport(JSON.parse(thrown) as ErrorReport);
    }
    throw thrown;
  }
}

/** The first `len` bytes of the input area as text (what the core reads; for tests). */
export function inputText(len: number): string {
  return new TextDecoder().decode(area.subarray(0, len));
}
