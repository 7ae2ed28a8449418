/**
 * Loads the core (WebAssembly) once, in Node.js from the package's file, in browsers by URL, and turns
 * what the core throws (error reports as JSON text) into `AndOpenError`s.
 */
import init, { initSync, inputArea, tagArea, tokensText, validateInput, validateTokens, type InitOutput } from "../wasm/andopen.js";
import { errorFromReport, type ErrorReport } from "./errors.js";
import { Token } from "./generated.js";

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
 * Checks a payload against every rule of the contract (in the core): `undefined` when it is valid, else
 * the JSON text of its field errors. A string is taken as JSON text. Anything else is read as
 * `JSON.stringify` would read it: handed over as tokens when it is made of plain objects, arrays, strings,
 * numbers, booleans and `null` (see `writeTokens`), else as the text of `JSON.stringify`.
 */
export function validatePayload(payload: unknown): string | undefined {
  if (typeof payload !== "string") {
    const textLen = writeTokens(payload);
    if (textLen >= 0) return validateTokens(tagCount, textLen);
  }
  return validateInput(writeInput(typeof payload === "string" ? payload : (JSON.stringify(payload) ?? "")));
}

let tagCapacity = 0;
let tags = new Uint32Array(0);
/** How many tags the last `writeTokens` wrote. */
let tagCount = 0;
/** Every key, string and number of the payload being written, back to back (encoded once, at the end). */
let text = "";
/** Whether the tag area ran out during the last walk. */
let full = false;

/** The tag area, at least `needed` tags, current after any growth of the module's memory. */
function tagWords(needed: number): Uint32Array {
  if (needed > tagCapacity || tags.byteLength === 0) {
    tagCapacity = Math.max(needed, 1024, tagCapacity);
    const start = tagArea(tagCapacity); // may grow the memory: read memory.buffer after it
    tags = new Uint32Array(memory.buffer, start, tagCapacity);
  }
  return tags;
}

/**
 * Writes `payload` as tokens (the format is `andopen_core::tokens`): its walk into the tag area, the UTF-8
 * of all its keys, strings and numbers into the input area, encoded at once. Returns the text's length in
 * bytes (the tag count is left in `tagCount`), or -1 when the payload must go as the text of
 * `JSON.stringify`: `toJSON`, class instances, deep nesting, a lone surrogate, plain objects that inherit
 * enumerable properties. What is written reads exactly as that text would; this only moves values, every
 * rule is the core's.
 */
export function writeTokens(payload: unknown): number {
  if (!inheritsNothing()) return -1;
  tagWords(0);
  for (;;) {
    tagCount = 0;
    text = "";
    full = false;
    if (token(payload, 0)) break;
    text = "";
    if (!full) return -1;
    tagWords(tagCapacity * 2);
  }
  const units = text.length;
  const { read, written } = encoder.encodeInto(text, inputBytes(units * 3));
  // More bytes than code units: not all ASCII. A lone surrogate would be encoded as U+FFFD, which is not
  // what JSON.stringify writes: such text goes as JSON.
  const wellFormed = written === read || (text as { isWellFormed?: () => boolean }).isWellFormed?.() === true;
  text = "";
  return read === units && wellFormed ? written : -1;
}

/** Whether plain objects inherit no enumerable property (`for…in` would list it, `JSON.stringify` not). */
function inheritsNothing(): boolean {
  for (const _ in {}) return false;
  return true;
}

/** Whether `JSON.stringify` leaves this property out of an object (and writes `null` for it in an array). */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

/** Writes one value's tokens; false when it cannot (see `writeTokens`), with `full` set when out of room. */
function token(v: unknown, depth: number): boolean {
  const b = tags;
  if (tagCount + 2 > b.length) {
    full = true;
    return false;
  }
  switch (typeof v) {
    case "string":
      b[tagCount++] = Token.String;
      b[tagCount++] = v.length;
      text += v;
      return true;
    case "number":
      if (Number.isFinite(v)) {
        const s = String(v);
        b[tagCount++] = Token.Number;
        b[tagCount++] = s.length;
        text += s;
      } else {
        b[tagCount++] = Token.Null; // as JSON.stringify writes NaN and the infinities
      }
      return true;
    case "boolean":
      b[tagCount++] = v ? Token.True : Token.False;
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (v === null) {
    b[tagCount++] = Token.Null;
    return true;
  }
  if (depth > 32 || typeof (v as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(v)) {
    b[tagCount++] = Token.Array;
    b[tagCount++] = v.length;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (!skipped(item)) {
        if (!token(item, depth + 1)) return false;
      } else if (tagCount < b.length) {
        b[tagCount++] = Token.Null;
      } else {
        full = true;
        return false;
      }
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  b[tagCount++] = Token.Object;
  const countAt = tagCount++;
  let n = 0;
  for (const key in v) {
    const item: unknown = (v as Record<string, unknown>)[key];
    if (skipped(item)) continue;
    if (tagCount >= b.length) {
      full = true;
      return false;
    }
    b[tagCount++] = key.length;
    text += key;
    n++;
    if (!token(item, depth + 1)) return false;
  }
  b[countAt] = n;
  return true;
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

/** The JSON text the last `writeTokens` stands for, as the core reads it (for tests). */
export function writtenTokens(textLen: number): string {
  return tokensText(tagCount, textLen);
}
